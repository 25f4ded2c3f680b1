//! Training losses as functions of the flat parameter vector, and their [`Objective`].
//!
//! [`MlpLoss`] owns a network, a data set and an [`L2`] penalty. Its
//! [`eval`](MlpLoss::eval) is a loss over one rank-1 `Var` — the flat parameters — so every
//! hesse-core transform applies to it unchanged (gradients, HVPs, the full Hessian, gradient
//! checks), and [`MlpLoss::objective`] records it once ([`RecordedFn::new_vector`]) and
//! replays it for the optimizers. No derivative here is written by hand.
//!
//! # The two L2 forms
//! Only weights are penalised, never biases (both sklearn and seed 003 spare them):
//!
//! | [`L2`] | penalty added to the mean loss | where from |
//! |---|---|---|
//! | `Alpha(α)` | α / (2n) · Σ_l ‖W_l‖²_F, n = samples (in the batch) | sklearn's `alpha` |
//! | `Lambda(λ)` | λ · Σ_l Σ W_l² | seed 003, exercise 4.c |
//!
//! So `Alpha(α)` equals `Lambda(α / (2n))` on n samples.

use hesse_core::{Matrix, RecordedFn, Tape, Var};
use hesse_optim::{Objective, OptimError};

use crate::data::{check_features, check_finite};
use crate::{Mlp, NnError};

/// The L2 penalty on the weights (biases are never penalised; see the
/// [module docs](crate::loss)).
///
/// ```
/// use hesse_nn::L2;
/// assert_eq!(L2::Alpha(1e-4).coefficient(50), 1e-6); // α/(2n)
/// assert_eq!(L2::Lambda(0.1).coefficient(50), 0.1);
/// assert_eq!(L2::None.coefficient(50), 0.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum L2 {
    /// No penalty.
    #[default]
    None,
    /// sklearn's `alpha`: α/(2n)·Σ‖W‖².
    Alpha(f64),
    /// Seed 003's λ·ΣW².
    Lambda(f64),
}

impl L2 {
    /// The factor c of the penalty c·ΣW² on `n` samples.
    pub fn coefficient(self, n: usize) -> f64 {
        match self {
            L2::None => 0.0,
            L2::Alpha(a) => a / (2.0 * n as f64),
            L2::Lambda(l) => l,
        }
    }

    pub(crate) fn validate(self) -> Result<(), NnError> {
        let v = match self {
            L2::None => return Ok(()),
            L2::Alpha(v) | L2::Lambda(v) => v,
        };
        if v.is_finite() && v >= 0.0 {
            Ok(())
        } else {
            Err(NnError::invalid("l2", v, "a finite number >= 0"))
        }
    }
}

/// A network's training loss on a data set, as a function of the flat parameters:
/// `mean loss(head(logits(w, X)), Y) + c · Σ W²`.
///
/// ```
/// # fn main() -> Result<(), hesse_nn::NnError> {
/// use hesse_core::Matrix;
/// use hesse_nn::{Activation, Mlp, MlpLoss, Output, L2};
///
/// let net = Mlp::from_sizes(&[2, 3, 1], Activation::Tanh, Output::Binary)?;
/// let x = Matrix::new(4, 2, vec![0., 0., 0., 1., 1., 0., 1., 1.]);
/// let y = Matrix::new(4, 1, vec![0., 1., 1., 0.]);
/// let loss = MlpLoss::new(&net, &x, &y, L2::Alpha(1e-4))?;
/// let w = net.init(0);
/// // The loss is a closure over one rank-1 Var: every transform applies.
/// let (f, g) = hesse_core::vector::value_and_grad(|p| loss.eval(p), &w);
/// let h = hesse_core::vector::hessian(|p| loss.eval(p), &w);
/// assert_eq!((g.len(), h.rows()), (13, 13));
/// assert!((f - loss.value(&w)).abs() < 1e-15);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MlpLoss {
    mlp: Mlp,
    x: Vec<f64>,
    y: Vec<f64>,
    n: usize,
    l2: L2,
    coefficient: f64,
    mask: Vec<f64>,
}

impl MlpLoss {
    /// The loss of `mlp` on features `x` ([n, inputs]) and targets `y` ([n, outputs]: 0/1 for
    /// a binary head, one-hot rows for multi-class — see [`one_hot`](crate::data::one_hot) —,
    /// values for regression), with penalty `l2`.
    ///
    /// # Errors
    /// [`NnError::EmptyData`], [`NnError::FeatureMismatch`], [`NnError::TargetMismatch`],
    /// [`NnError::TargetColumns`], [`NnError::NonFinite`], or [`NnError::InvalidOption`] for a negative
    /// or non-finite penalty.
    pub fn new(mlp: &Mlp, x: &Matrix, y: &Matrix, l2: L2) -> Result<Self, NnError> {
        check_features(x, mlp.n_inputs())?;
        if y.rows() != x.rows() {
            return Err(NnError::TargetMismatch {
                samples: x.rows(),
                targets: y.rows(),
            });
        }
        if y.cols() != mlp.n_outputs() {
            return Err(NnError::TargetColumns {
                expected: mlp.n_outputs(),
                got: y.cols(),
            });
        }
        check_finite(y)?;
        l2.validate()?;
        Ok(MlpLoss {
            mlp: mlp.clone(),
            x: x.as_slice().to_vec(),
            y: y.as_slice().to_vec(),
            n: x.rows(),
            l2,
            coefficient: l2.coefficient(x.rows()),
            mask: mlp.layout().weight_mask(),
        })
    }

    /// The network.
    pub fn mlp(&self) -> &Mlp {
        &self.mlp
    }

    /// The number of samples.
    pub fn n_samples(&self) -> usize {
        self.n
    }

    /// The penalty.
    pub fn l2(&self) -> L2 {
        self.l2
    }

    /// The number of parameters (the dimension of the loss's domain).
    pub fn dim(&self) -> usize {
        self.mlp.n_params()
    }

    /// The loss on the tape at the flat parameters `w` (a rank-1 `Var`).
    ///
    /// # Panics
    /// If `w` is not a vector of [`MlpLoss::dim`] values.
    #[track_caller]
    pub fn eval<'t>(&self, w: Var<'t>) -> Var<'t> {
        let tape = w.tape();
        let x = tape.constant(&self.x, &[self.n, self.mlp.n_inputs()]);
        let y = tape.constant(&self.y, &[self.n, self.mlp.n_outputs()]);
        self.eval_on(w, x, y)
    }

    /// The loss at `w` on the features `x` and targets `y` given as `Var`s of this loss's
    /// shapes (constants, or the data inputs of a recording).
    fn eval_on<'t>(&self, w: Var<'t>, x: Var<'t>, y: Var<'t>) -> Var<'t> {
        let tape = w.tape();
        let data = self.mlp.output().loss(self.mlp.logits(w, x), y);
        if self.coefficient == 0.0 {
            data
        } else {
            let mask = tape.constant(&self.mask, &[self.mask.len()]);
            data + self.coefficient * (w.square() * mask).sum()
        }
    }

    /// The loss at `w`.
    ///
    /// # Panics
    /// If `w.len() != self.dim()`.
    #[track_caller]
    pub fn value(&self, w: &[f64]) -> f64 {
        let tape = Tape::new();
        self.eval(tape.constant(w, &[w.len()])).value()
    }

    /// The loss and its gradient at `w` (one fresh tape; see [`MlpLoss::objective`] for
    /// repeated evaluation).
    ///
    /// # Panics
    /// If `w.len() != self.dim()`.
    #[track_caller]
    pub fn value_and_grad(&self, w: &[f64]) -> (f64, Vec<f64>) {
        hesse_core::vector::value_and_grad(|p| self.eval(p), w)
    }

    /// The Hessian-vector product H(w)·v.
    ///
    /// # Panics
    /// If a length differs from `self.dim()`.
    #[track_caller]
    pub fn hvp(&self, w: &[f64], v: &[f64]) -> Vec<f64> {
        hesse_core::vector::hvp(|p| self.eval(p), w, v)
    }

    /// The exact Hessian at `w` (exactly symmetric), P × P.
    ///
    /// # Panics
    /// If `w.len() != self.dim()`.
    #[track_caller]
    pub fn hessian(&self, w: &[f64]) -> Matrix {
        self.record(w).hessian(w)
    }

    /// The loss recorded once at `w` with its gradient and HVP nodes, for replay.
    ///
    /// # Panics
    /// If `w.len() != self.dim()`.
    #[track_caller]
    pub fn record(&self, w: &[f64]) -> RecordedFn {
        RecordedFn::new_vector(|p| self.eval(p), w)
    }

    /// The loss recorded once at `w` with its features and targets as **data inputs**
    /// (`0`: features, [n, inputs]; `1`: targets, [n, outputs]): another batch of the same
    /// number of rows replays the same recording after
    /// [`RecordedFn::set_data`](hesse_core::RecordedFn::set_data), with the same answers as
    /// a loss made for that batch. The penalty's coefficient is this loss's (it depends on n).
    ///
    /// ```
    /// # fn main() -> Result<(), hesse_nn::NnError> {
    /// use hesse_core::Matrix;
    /// use hesse_nn::{Activation, Mlp, MlpLoss, Output, L2};
    ///
    /// let net = Mlp::from_sizes(&[2, 3, 1], Activation::Tanh, Output::Binary)?;
    /// let (x1, y1) = (Matrix::new(2, 2, vec![0., 1., 1., 0.]), Matrix::new(2, 1, vec![1., 1.]));
    /// let (x2, y2) = (Matrix::new(2, 2, vec![0., 0., 1., 1.]), Matrix::new(2, 1, vec![0., 0.]));
    /// let w = net.init(0);
    /// let mut rec = MlpLoss::new(&net, &x1, &y1, L2::Alpha(1e-4))?.record_batch(&w);
    /// rec.set_data(0, x2.as_slice());
    /// rec.set_data(1, y2.as_slice());
    /// let batch2 = MlpLoss::new(&net, &x2, &y2, L2::Alpha(1e-4))?;
    /// assert_eq!(rec.value_and_grad(&w), batch2.value_and_grad(&w));
    /// # Ok(()) }
    /// ```
    ///
    /// # Panics
    /// If `w.len() != self.dim()`.
    #[track_caller]
    pub fn record_batch(&self, w: &[f64]) -> RecordedFn {
        let (n, i, o) = (self.n, self.mlp.n_inputs(), self.mlp.n_outputs());
        RecordedFn::new_vector_with_data(
            |p, d| self.eval_on(p, d[0], d[1]),
            w,
            &[(&self.x, &[n, i]), (&self.y, &[n, o])],
        )
    }

    /// An [`Objective`] for hesse-optim's solvers: recorded on first use, replayed after.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use hesse_core::Matrix;
    /// use hesse_nn::{Activation, Mlp, MlpLoss, Output, L2};
    /// use hesse_optim::{minimize, Lbfgs, Options};
    ///
    /// let net = Mlp::from_sizes(&[1, 1], Activation::Identity, Output::Regression)?;
    /// let x = Matrix::new(3, 1, vec![0.0, 1.0, 2.0]);
    /// let y = Matrix::new(3, 1, vec![1.0, 3.0, 5.0]); // y = 2x + 1
    /// let mut obj = MlpLoss::new(&net, &x, &y, L2::None)?.objective();
    /// let r = minimize(&mut obj, &mut Lbfgs::new(), &[0.0, 0.0], &Options::default().with_gtol(1e-10))?;
    /// assert!((r.x[0] - 2.0).abs() < 1e-8 && (r.x[1] - 1.0).abs() < 1e-8, "{r}");
    /// # Ok(()) }
    /// ```
    pub fn objective(&self) -> NetObjective {
        NetObjective {
            loss: self.clone(),
            recorded: None,
        }
    }
}

/// An [`MlpLoss`] as a hesse-optim [`Objective`]: value and gradient from a [`RecordedFn`]
/// replay (recorded at the first point asked for), exact Hessian-vector products too.
#[derive(Clone)]
pub struct NetObjective {
    loss: MlpLoss,
    recorded: Option<RecordedFn>,
}

impl std::fmt::Debug for NetObjective {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetObjective")
            .field("dim", &self.loss.dim())
            .field("recorded", &self.recorded.is_some())
            .finish_non_exhaustive()
    }
}

impl NetObjective {
    /// The loss.
    pub fn loss(&self) -> &MlpLoss {
        &self.loss
    }

    /// The recording, made at `x` on first use. The loss has no value-dependent branches
    /// (relu is a kernel), so one recording serves every point.
    fn recorded(&mut self, x: &[f64]) -> &mut RecordedFn {
        let loss = &self.loss;
        self.recorded.get_or_insert_with(|| loss.record(x))
    }
}

impl Objective for NetObjective {
    fn dim(&self) -> usize {
        self.loss.dim()
    }
    fn value(&mut self, x: &[f64]) -> f64 {
        self.recorded(x).value(x)
    }
    fn value_and_grad(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        self.recorded(x).value_and_grad_to(x, grad)
    }
    fn hvp(&mut self, x: &[f64], v: &[f64], out: &mut [f64]) -> Result<(), OptimError> {
        self.recorded(x).hvp_to(x, v, out);
        Ok(())
    }
    fn supports_hvp(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Activation, Output};

    #[test]
    fn alpha_is_lambda_over_2n_and_spares_biases() {
        let net = Mlp::from_sizes(&[2, 2, 1], Activation::Tanh, Output::Binary).unwrap();
        let x = Matrix::new(4, 2, vec![0.1, 0.2, -0.3, 0.4, 0.5, -0.6, 0.7, 0.8]);
        let y = Matrix::new(4, 1, vec![0.0, 1.0, 1.0, 0.0]);
        let w = net.init(5);
        let plain = MlpLoss::new(&net, &x, &y, L2::None).unwrap().value(&w);
        let a = MlpLoss::new(&net, &x, &y, L2::Alpha(0.8)).unwrap().value(&w);
        let l = MlpLoss::new(&net, &x, &y, L2::Lambda(0.1)).unwrap().value(&w);
        let sum_w2: f64 = net
            .layout()
            .slots()
            .iter()
            .filter(|s| s.kind == crate::ParamKind::Weight)
            .flat_map(|s| w[s.range.clone()].iter())
            .map(|v| v * v)
            .sum();
        approx::assert_relative_eq!(a - plain, 0.1 * sum_w2, max_relative = 1e-12);
        approx::assert_relative_eq!(l - plain, 0.1 * sum_w2, max_relative = 1e-12);
        assert!(MlpLoss::new(&net, &x, &y, L2::Alpha(-1.0)).is_err());
    }

    #[test]
    fn objective_replay_matches_fresh_tape() {
        let net = Mlp::from_sizes(&[2, 3, 3], Activation::Relu, Output::MultiClass).unwrap();
        let x = Matrix::new(3, 2, vec![0.1, 0.2, -0.3, 0.4, 0.5, -0.6]);
        let y = crate::data::one_hot(&[0, 2, 1], 3).unwrap();
        let loss = MlpLoss::new(&net, &x, &y, L2::Alpha(0.01)).unwrap();
        let mut obj = loss.objective();
        for seed in 0..3 {
            let w = net.init(seed);
            let mut g = vec![0.0; w.len()];
            let f = obj.value_and_grad(&w, &mut g);
            let (f2, g2) = loss.value_and_grad(&w);
            approx::assert_relative_eq!(f, f2, max_relative = 1e-14);
            for (a, b) in g.iter().zip(&g2) {
                approx::assert_relative_eq!(a, b, epsilon = 1e-14);
            }
            let v: Vec<f64> = (0..w.len()).map(|i| (i % 3) as f64 - 1.0).collect();
            let mut hv = vec![0.0; w.len()];
            obj.hvp(&w, &v, &mut hv).unwrap();
            for (a, b) in hv.iter().zip(loss.hvp(&w, &v)) {
                approx::assert_relative_eq!(*a, b, epsilon = 1e-13);
            }
        }
    }
}
