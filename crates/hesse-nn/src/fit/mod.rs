//! [`MlpClassifier`]: an sklearn-like classifier trained by hesse-optim's solvers.
//!
//! The training objective is sklearn's `loss_`: mean cross-entropy (one logistic output for
//! two classes, softmax for more) plus α/(2n)·Σ‖W‖² ([`L2::Alpha`]). Gradients and
//! Hessian-vector products come from the engine through a recorded [`MlpLoss`].
//!
//! | [`SolverKind`] | hesse-optim solver | batches | stops when |
//! |---|---|---|---|
//! | `Lbfgs` | [`Lbfgs`] (Moré–Thuente) | full | ‖∇f‖∞ ≤ tol, or scipy's f-change test (ftol 2.2e-9), `max_iter`, `max_fun` |
//! | `Gd` | [`GradientDescent`] | full | loss fails to improve by `tol` for `n_iter_no_change` iterations, or `max_iter` |
//! | `Momentum` | [`Momentum`] (v = μ·v + η·∇f; x = x − v, seed 002's rule) | full | as `Gd` |
//! | `Nesterov` | [`Nesterov`] | full | as `Gd` |
//! | `Adam` | [`Adam`] (β = 0.9, 0.999, ε = 1e-8) | `min(200, n)`, reshuffled each epoch | as `Gd`, per epoch |
//!
//! The loss curve has one entry per iteration (per epoch for Adam) plus the initial loss, for
//! every solver: `loss_curve[0]` is the loss at the initial parameters and
//! `loss_curve[k]` the full training loss after iteration (epoch) k. sklearn's curve, for
//! comparison, starts after the first epoch and, for Adam, averages the mini-batch losses met
//! during the epoch; ours evaluates the whole training set at each epoch's end. For Adam the
//! penalty of a mini-batch of size b is α/(2b)·Σ‖W‖², as in sklearn.

use std::time::Duration;

use hesse_core::Matrix;
use hesse_optim::{Adam, GradientDescent, Lbfgs, Momentum, Nesterov, Options, Solver, Status, minimize_with};

use crate::data::{check_features, check_labels, one_hot};
use crate::{Activation, L2, Mlp, MlpLoss, NnError, Output};

mod training;

use training::{MiniBatches, Tracker, stochastic_options};

/// The optimizer of [`MlpClassifier`] (sklearn's `solver`; see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SolverKind {
    /// Full-batch gradient descent with step `learning_rate`.
    Gd,
    /// Full-batch heavy-ball momentum.
    Momentum,
    /// Full-batch Nesterov momentum.
    Nesterov,
    /// L-BFGS (memory 10) with a Moré–Thuente line search.
    Lbfgs,
    /// Adam on mini-batches (sklearn's default).
    #[default]
    Adam,
}

/// What a fit did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FitReport {
    /// The final training loss (sklearn's `loss_`), penalty included.
    pub loss: f64,
    /// The initial loss, then the loss after each iteration (epoch for Adam).
    pub loss_curve: Vec<f64>,
    /// Iterations (sklearn's `n_iter_`; epochs for Adam).
    pub iterations: usize,
    /// Whether a convergence test was met (the gradient or f-change test of L-BFGS, or the
    /// no-improvement rule) rather than a budget or numerical trouble.
    pub converged: bool,
    /// The optimizer's status. [`Status::StoppedByObserver`] means the no-improvement rule
    /// fired.
    pub status: Status,
    /// Evaluations of the loss and gradient (mini-batch ones for Adam).
    pub evaluations: usize,
    /// The solver's name.
    pub solver: &'static str,
    /// Wall-clock time of the optimization.
    pub elapsed: Duration,
}

#[derive(Debug, Clone, PartialEq)]
struct Fitted {
    mlp: Mlp,
    params: Vec<f64>,
    classes: usize,
    report: FitReport,
}

/// A multilayer-perceptron classifier with sklearn's `MLPClassifier` options and defaults
/// (except `seed`, which is 0 rather than random, so runs are reproducible).
///
/// ```
/// # fn main() -> Result<(), hesse_nn::NnError> {
/// use hesse_nn::{data::generate, Activation, MlpClassifier, SolverKind};
///
/// let (x, y) = generate::xor4();
/// let mut clf = MlpClassifier::new()
///     .with_hidden(&[4])
///     .with_activation(Activation::Tanh)
///     .with_solver(SolverKind::Lbfgs)
///     .with_seed(1);
/// let report = clf.fit(&x, &y)?;
/// assert_eq!(clf.predict(&x)?, y);
/// assert_eq!(clf.score(&x, &y)?, 1.0);
/// assert!(report.loss < 0.05 && report.loss_curve.len() == report.iterations + 1);
/// let p = clf.predict_proba(&x)?; // [n, 2]: P(class 0), P(class 1)
/// assert!((p[(0, 0)] + p[(0, 1)] - 1.0).abs() < 1e-12);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MlpClassifier {
    hidden: Vec<usize>,
    activation: Activation,
    solver: SolverKind,
    alpha: f64,
    max_iter: usize,
    tol: f64,
    seed: u64,
    batch_size: Option<usize>,
    learning_rate: f64,
    momentum: f64,
    n_iter_no_change: usize,
    max_fun: usize,
    classes: Option<usize>,
    init: Option<Vec<f64>>,
    fitted: Option<Fitted>,
}

impl Default for MlpClassifier {
    fn default() -> Self {
        MlpClassifier {
            hidden: vec![100],
            activation: Activation::Relu,
            solver: SolverKind::Adam,
            alpha: 1e-4,
            max_iter: 200,
            tol: 1e-4,
            seed: 0,
            batch_size: None,
            learning_rate: 1e-3,
            momentum: 0.9,
            n_iter_no_change: 10,
            max_fun: 15000,
            classes: None,
            init: None,
            fitted: None,
        }
    }
}

impl MlpClassifier {
    /// sklearn's defaults: hidden (100,), relu, Adam, α = 1e-4, `max_iter` 200, `tol` 1e-4,
    /// batch `min(200, n)`, learning rate 1e-3, momentum 0.9, `n_iter_no_change` 10,
    /// `max_fun` 15000; seed 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Hidden layer widths (sklearn's `hidden_layer_sizes`); empty for none (logistic or
    /// softmax regression).
    pub fn with_hidden(mut self, sizes: &[usize]) -> Self {
        self.hidden = sizes.to_vec();
        self
    }
    /// The hidden activation.
    pub fn with_activation(mut self, activation: Activation) -> Self {
        self.activation = activation;
        self
    }
    /// The optimizer.
    pub fn with_solver(mut self, solver: SolverKind) -> Self {
        self.solver = solver;
        self
    }
    /// The L2 strength α of α/(2n)·Σ‖W‖² (≥ 0).
    pub fn with_alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }
    /// The iteration budget (epochs for Adam; ≥ 1).
    pub fn with_max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }
    /// The tolerance: L-BFGS's gradient tolerance, the other solvers' improvement threshold.
    pub fn with_tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }
    /// The seed of the initialisation and of Adam's shuffling.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Adam's mini-batch size (default `min(200, n)`; clipped to n).
    pub fn with_batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = Some(batch_size);
        self
    }
    /// The step size of Gd, Momentum, Nesterov and Adam (sklearn's `learning_rate_init`).
    pub fn with_learning_rate(mut self, learning_rate: f64) -> Self {
        self.learning_rate = learning_rate;
        self
    }
    /// The momentum μ of Momentum and Nesterov, in [0, 1).
    pub fn with_momentum(mut self, momentum: f64) -> Self {
        self.momentum = momentum;
        self
    }
    /// Iterations without an improvement of `tol` before Gd / Momentum / Adam stop (≥ 1).
    pub fn with_n_iter_no_change(mut self, n: usize) -> Self {
        self.n_iter_no_change = n;
        self
    }
    /// L-BFGS's budget of loss evaluations (sklearn's `max_fun`; ≥ 1).
    pub fn with_max_fun(mut self, max_fun: usize) -> Self {
        self.max_fun = max_fun;
        self
    }
    /// The number of classes k (default: the largest label + 1). Labels must be in `0..k`.
    pub fn with_classes(mut self, k: usize) -> Self {
        self.classes = Some(k);
        self
    }
    /// Explicit initial parameters in hesse's flat order (see [`ParamLayout`](crate::ParamLayout);
    /// convert sklearn's packing with [`ParamLayout::import`](crate::ParamLayout::import))
    /// instead of the seeded Glorot-uniform draw.
    pub fn with_initial_params(mut self, params: Vec<f64>) -> Self {
        self.init = Some(params);
        self
    }

    fn validate(&self) -> Result<(), NnError> {
        if self.hidden.contains(&0) {
            return Err(NnError::invalid(
                "hidden",
                format!("{:?}", self.hidden),
                "widths >= 1",
            ));
        }
        if !(self.alpha.is_finite() && self.alpha >= 0.0) {
            return Err(NnError::invalid("alpha", self.alpha, "a finite number >= 0"));
        }
        if !(self.tol.is_finite() && self.tol >= 0.0) {
            return Err(NnError::invalid("tol", self.tol, "a finite number >= 0"));
        }
        if self.max_iter == 0 {
            return Err(NnError::invalid("max_iter", 0, "an integer >= 1"));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(NnError::invalid(
                "learning_rate",
                self.learning_rate,
                "a finite number > 0",
            ));
        }
        if !(0.0..1.0).contains(&self.momentum) {
            return Err(NnError::invalid("momentum", self.momentum, "a number in [0, 1)"));
        }
        if self.batch_size == Some(0) {
            return Err(NnError::invalid("batch_size", 0, "an integer >= 1"));
        }
        if self.n_iter_no_change == 0 {
            return Err(NnError::invalid("n_iter_no_change", 0, "an integer >= 1"));
        }
        if self.max_fun == 0 {
            return Err(NnError::invalid("max_fun", 0, "an integer >= 1"));
        }
        Ok(())
    }

    /// The network and training targets for data with `k` classes.
    fn network(&self, d: usize, k: usize) -> Result<Mlp, NnError> {
        let (out, head) = if k == 2 {
            (1, Output::Binary)
        } else {
            (k, Output::MultiClass)
        };
        let mut sizes = vec![d];
        sizes.extend(&self.hidden);
        sizes.push(out);
        Mlp::from_sizes(&sizes, self.activation, head)
    }

    /// Fits the network to features `x` ([n, d]) and labels `y` (in `0..k`), starting afresh.
    ///
    /// # Errors
    /// [`NnError::EmptyData`], [`NnError::NonFinite`], [`NnError::TargetMismatch`],
    /// [`NnError::LabelOutOfRange`], [`NnError::TooFewClasses`], [`NnError::InvalidOption`],
    /// [`NnError::ParamLength`] for explicit initial parameters of the wrong length. Numerical
    /// trouble is not an error: see [`FitReport::status`].
    pub fn fit(&mut self, x: &Matrix, y: &[usize]) -> Result<FitReport, NnError> {
        self.validate()?;
        check_features(x, x.cols())?;
        if x.cols() == 0 {
            return Err(NnError::EmptyData { what: "no features" });
        }
        let n = x.rows();
        if y.len() != n {
            return Err(NnError::TargetMismatch {
                samples: n,
                targets: y.len(),
            });
        }
        let k = self
            .classes
            .unwrap_or_else(|| y.iter().max().map_or(0, |m| m + 1));
        if k < 2 {
            return Err(NnError::TooFewClasses { classes: k });
        }
        check_labels(y, n, k)?;
        let mlp = self.network(x.cols(), k)?;
        let targets = targets(y, k)?;
        let w0 = match &self.init {
            Some(w) => {
                mlp.layout().check_len(w.len())?;
                w.clone()
            }
            None => mlp.init(self.seed),
        };
        let full = MlpLoss::new(&mlp, x, &targets, L2::Alpha(self.alpha))?;
        let (run, curve, converged_by_rule) = match self.solver {
            SolverKind::Lbfgs => {
                let opts = Options::default()
                    .with_gtol(self.tol)
                    .with_max_iterations(self.max_iter)
                    .with_max_evaluations(self.max_fun);
                let mut tracker = Tracker::new(None, 1, None);
                let mut obj = full.objective();
                let r = minimize_with(&mut obj, &mut Lbfgs::new(), &w0, &opts, &mut tracker)?;
                (r, tracker.curve, false)
            }
            SolverKind::Gd | SolverKind::Momentum | SolverKind::Nesterov => {
                let mut solver: Box<dyn Solver> = match self.solver {
                    SolverKind::Gd => Box::new(GradientDescent::new(self.learning_rate)),
                    SolverKind::Momentum => {
                        Box::new(Momentum::new(self.learning_rate).with_alpha(self.momentum))
                    }
                    _ => Box::new(Nesterov::new(self.learning_rate).with_alpha(self.momentum)),
                };
                let opts = stochastic_options(self.max_iter);
                let mut tracker = Tracker::new(None, 1, Some((self.tol, self.n_iter_no_change)));
                let mut obj = full.objective();
                let r = minimize_with(&mut obj, &mut solver, &w0, &opts, &mut tracker)?;
                let by_rule = tracker.stopped_by_rule;
                (r, tracker.curve, by_rule)
            }
            SolverKind::Adam => {
                let b = self.batch_size.unwrap_or(200).min(n);
                let steps = n.div_ceil(b);
                let mut batches = MiniBatches::new(&mlp, x, &targets, self.alpha, b, self.seed);
                let mut eval = full.objective();
                let mut tracker =
                    Tracker::new(Some(&mut eval), steps, Some((self.tol, self.n_iter_no_change)));
                let opts = stochastic_options(self.max_iter.saturating_mul(steps));
                let mut adam = Adam::new(self.learning_rate);
                let r = minimize_with(&mut batches, &mut adam, &w0, &opts, &mut tracker)?;
                let by_rule = tracker.stopped_by_rule;
                (r, tracker.curve, by_rule)
            }
        };
        let loss = match self.solver {
            SolverKind::Adam => full.value(&run.x),
            _ => run.f,
        };
        let iterations = match self.solver {
            SolverKind::Adam => curve.len() - 1,
            _ => run.iterations,
        };
        let report = FitReport {
            loss,
            loss_curve: curve,
            iterations,
            converged: run.status.is_converged() || converged_by_rule,
            status: run.status.clone(),
            evaluations: run.f_evals,
            solver: run.solver,
            elapsed: run.elapsed,
        };
        self.fitted = Some(Fitted {
            mlp,
            params: run.x,
            classes: k,
            report: report.clone(),
        });
        Ok(report)
    }

    fn fitted(&self) -> Result<&Fitted, NnError> {
        self.fitted.as_ref().ok_or(NnError::NotFitted)
    }

    /// Class probabilities, [n, k] (for two classes: P(0), P(1)).
    ///
    /// # Errors
    /// [`NnError::NotFitted`], [`NnError::EmptyData`], [`NnError::FeatureMismatch`],
    /// [`NnError::NonFinite`].
    pub fn predict_proba(&self, x: &Matrix) -> Result<Matrix, NnError> {
        let f = self.fitted()?;
        let p = f.mlp.predict(&f.params, x)?;
        if f.classes > 2 {
            return Ok(p);
        }
        let data = p.as_slice().iter().flat_map(|&q| [1.0 - q, q]).collect();
        Ok(Matrix::new(p.rows(), 2, data))
    }

    /// The most probable class of each row (for two classes: 1 when P(1) > 0.5, as sklearn).
    ///
    /// # Errors
    /// As [`MlpClassifier::predict_proba`].
    pub fn predict(&self, x: &Matrix) -> Result<Vec<usize>, NnError> {
        let p = self.predict_proba(x)?;
        Ok((0..p.rows())
            .map(|r| {
                let row = p.row(r);
                if row.len() == 2 {
                    usize::from(row[1] > 0.5)
                } else {
                    (0..row.len()).fold(0, |best, c| if row[c] > row[best] { c } else { best })
                }
            })
            .collect())
    }

    /// Accuracy: the fraction of rows whose predicted class equals `y`.
    ///
    /// # Errors
    /// As [`MlpClassifier::predict`], plus [`NnError::TargetMismatch`] and
    /// [`NnError::LabelOutOfRange`] for labels outside the fitted classes.
    pub fn score(&self, x: &Matrix, y: &[usize]) -> Result<f64, NnError> {
        let f = self.fitted()?;
        check_features(x, f.mlp.n_inputs())?;
        check_labels(y, x.rows(), f.classes)?;
        let pred = self.predict(x)?;
        Ok(pred.iter().zip(y).filter(|(a, b)| a == b).count() as f64 / y.len() as f64)
    }

    /// The training objective of the fitted network on (`x`, `y`) — sklearn's `loss_`
    /// function — as an [`MlpLoss`] over the flat parameters, for Hessians and HVPs at
    /// [`MlpClassifier::params`].
    ///
    /// # Errors
    /// As [`MlpClassifier::score`].
    pub fn training_loss(&self, x: &Matrix, y: &[usize]) -> Result<MlpLoss, NnError> {
        let f = self.fitted()?;
        check_features(x, f.mlp.n_inputs())?;
        check_labels(y, x.rows(), f.classes)?;
        MlpLoss::new(&f.mlp, x, &targets(y, f.classes)?, L2::Alpha(self.alpha))
    }

    /// The fitted network, if fitted.
    pub fn mlp(&self) -> Option<&Mlp> {
        self.fitted.as_ref().map(|f| &f.mlp)
    }
    /// The fitted flat parameters, if fitted.
    pub fn params(&self) -> Option<&[f64]> {
        self.fitted.as_ref().map(|f| f.params.as_slice())
    }
    /// The number of classes, if fitted.
    pub fn n_classes(&self) -> Option<usize> {
        self.fitted.as_ref().map(|f| f.classes)
    }
    /// The last fit's report, if fitted.
    pub fn report(&self) -> Option<&FitReport> {
        self.fitted.as_ref().map(|f| &f.report)
    }
    /// The final training loss (sklearn's `loss_`), if fitted.
    pub fn loss(&self) -> Option<f64> {
        self.report().map(|r| r.loss)
    }
    /// The loss curve (empty before fitting).
    pub fn loss_curve(&self) -> &[f64] {
        self.report().map_or(&[], |r| &r.loss_curve)
    }
    /// Iterations of the last fit (sklearn's `n_iter_`; 0 before fitting).
    pub fn iterations(&self) -> usize {
        self.report().map_or(0, |r| r.iterations)
    }
}

/// Training targets: [n, 1] of 0/1 for two classes, one-hot [n, k] otherwise.
fn targets(y: &[usize], k: usize) -> Result<Matrix, NnError> {
    if k == 2 {
        Ok(Matrix::new(y.len(), 1, y.iter().map(|&c| c as f64).collect()))
    } else {
        one_hot(y, k)
    }
}
