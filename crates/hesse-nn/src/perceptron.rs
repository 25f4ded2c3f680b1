//! The perceptron and its learning rule (seed 003, exercise 1).
//!
//! With `x̃ = [1, x]` and targets t ∈ {−1, +1}, a point is misclassified when
//! `sign(βᵀx̃) ≠ t` (a point on the boundary, βᵀx̃ = 0, counts as misclassified). The rule is
//! `β ← β + η · x̃ᵢ · tᵢ`:
//!
//! - [`PerceptronRule::Batch`] (the seed's loop): one update adds the term of **every**
//!   currently misclassified point at once; repeat until none is left.
//! - [`PerceptronRule::Online`] (Rosenblatt's): visit the points in order, update on each
//!   misclassified one; stop after a pass without mistakes.
//!
//! On linearly separable data both stop (the perceptron convergence theorem; Novikoff 1962);
//! otherwise the update budget ends the run with `separated == false`. β₀ is drawn from
//! N(0, 1) as in the seed (`np.random.normal(0, 1, (3,))`), seeded.

use hesse_core::Matrix;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use crate::NnError;
use crate::data::check_features;

/// Which form of the learning rule (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PerceptronRule {
    /// All misclassified points per update (seed 003).
    #[default]
    Batch,
    /// One misclassified point per update.
    Online,
}

/// Options of the perceptron learning rule.
///
/// ```
/// # fn main() -> Result<(), hesse_nn::NnError> {
/// use hesse_core::Matrix;
/// use hesse_nn::Perceptron;
/// // Separable: t = +1 right of x = 0.5, −1 left of it.
/// let x = Matrix::new(4, 2, vec![1.0, 0.0, 2.0, 1.0, 0.0, 0.0, -1.0, 1.0]);
/// let t = [1.0, 1.0, -1.0, -1.0];
/// let fit = Perceptron::new().with_learning_rate(0.1).with_seed(3).fit(&x, &t)?;
/// assert!(fit.separated);
/// assert_eq!(fit.predict(&x)?, t.to_vec());
/// println!("separated after {} updates", fit.updates);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Perceptron {
    eta: f64,
    seed: u64,
    max_updates: usize,
    rule: PerceptronRule,
    init: Option<Vec<f64>>,
}

impl Default for Perceptron {
    fn default() -> Self {
        Perceptron {
            eta: 0.1,
            seed: 0,
            max_updates: 10_000,
            rule: PerceptronRule::Batch,
            init: None,
        }
    }
}

/// A fitted perceptron: β (bias first) and how the rule went.
#[derive(Debug, Clone, PartialEq)]
pub struct PerceptronFit {
    /// β = [β₀ (bias), β₁, …, β_d].
    pub weights: Vec<f64>,
    /// The number of updates made.
    pub updates: usize,
    /// Whether every training point ended correctly classified.
    pub separated: bool,
}

impl Perceptron {
    /// η = 0.1 (the seed's), seed 0, at most 10,000 updates, the batch rule.
    pub fn new() -> Self {
        Self::default()
    }

    /// The learning rate η (> 0).
    pub fn with_learning_rate(mut self, eta: f64) -> Self {
        self.eta = eta;
        self
    }

    /// The seed of β₀ ~ N(0, I).
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The update budget.
    pub fn with_max_updates(mut self, n: usize) -> Self {
        self.max_updates = n;
        self
    }

    /// The form of the rule.
    pub fn with_rule(mut self, rule: PerceptronRule) -> Self {
        self.rule = rule;
        self
    }

    /// An explicit β₀ (bias first, d + 1 values) instead of a random one.
    pub fn with_initial_weights(mut self, beta: Vec<f64>) -> Self {
        self.init = Some(beta);
        self
    }

    /// Runs the learning rule on features `x` ([n, d]) and targets `t` (each −1 or +1).
    ///
    /// # Errors
    /// [`NnError::EmptyData`], [`NnError::NonFinite`], [`NnError::TargetMismatch`],
    /// [`NnError::InvalidTarget`] for a target other than ±1, [`NnError::ParamLength`] for an
    /// explicit β₀ of the wrong length, [`NnError::InvalidOption`] for η ≤ 0.
    pub fn fit(&self, x: &Matrix, t: &[f64]) -> Result<PerceptronFit, NnError> {
        check_features(x, x.cols())?;
        if t.len() != x.rows() {
            return Err(NnError::TargetMismatch {
                samples: x.rows(),
                targets: t.len(),
            });
        }
        if let Some(index) = t.iter().position(|&v| v != 1.0 && v != -1.0) {
            return Err(NnError::InvalidTarget {
                index,
                value: t[index].to_string(),
                expected: "perceptron targets are -1 or +1",
            });
        }
        if !(self.eta.is_finite() && self.eta > 0.0) {
            return Err(NnError::invalid("learning_rate", self.eta, "a finite number > 0"));
        }
        let d1 = x.cols() + 1;
        let mut beta = match &self.init {
            Some(b) if b.len() == d1 => b.clone(),
            Some(b) => {
                return Err(NnError::ParamLength {
                    expected: d1,
                    got: b.len(),
                });
            }
            None => {
                let mut rng = StdRng::seed_from_u64(self.seed);
                (0..d1).map(|_| StandardNormal.sample(&mut rng)).collect()
            }
        };
        let wrong = |beta: &[f64], i: usize| sign(score(beta, x.row(i))) != t[i];
        let mut updates = 0;
        let separated = loop {
            match self.rule {
                PerceptronRule::Batch => {
                    let mis: Vec<usize> = (0..x.rows()).filter(|&i| wrong(&beta, i)).collect();
                    if mis.is_empty() {
                        break true;
                    }
                    if updates >= self.max_updates {
                        break false;
                    }
                    let mut delta = vec![0.0; d1];
                    for &i in &mis {
                        add_scaled(&mut delta, x.row(i), self.eta * t[i]);
                    }
                    beta.iter_mut().zip(&delta).for_each(|(b, d)| *b += d);
                    updates += 1;
                }
                PerceptronRule::Online => {
                    let mut clean = true;
                    for (i, &ti) in t.iter().enumerate() {
                        if wrong(&beta, i) {
                            if updates >= self.max_updates {
                                break;
                            }
                            clean = false;
                            add_scaled(&mut beta, x.row(i), self.eta * ti);
                            updates += 1;
                        }
                    }
                    if clean {
                        break (0..x.rows()).all(|i| !wrong(&beta, i));
                    }
                    if updates >= self.max_updates {
                        break (0..x.rows()).all(|i| !wrong(&beta, i));
                    }
                }
            }
        };
        Ok(PerceptronFit {
            weights: beta,
            updates,
            separated,
        })
    }
}

/// βᵀ[1, x].
fn score(beta: &[f64], x: &[f64]) -> f64 {
    beta[0] + beta[1..].iter().zip(x).map(|(b, v)| b * v).sum::<f64>()
}

/// `acc += c · [1, x]`.
fn add_scaled(acc: &mut [f64], x: &[f64], c: f64) {
    acc[0] += c;
    acc[1..].iter_mut().zip(x).for_each(|(a, v)| *a += c * v);
}

/// NumPy's sign: −1, 0 or +1.
fn sign(v: f64) -> f64 {
    if v > 0.0 {
        1.0
    } else if v < 0.0 {
        -1.0
    } else {
        0.0
    }
}

impl PerceptronFit {
    /// βᵀ[1, x] for each row.
    ///
    /// # Errors
    /// [`NnError::EmptyData`], [`NnError::FeatureMismatch`] or [`NnError::NonFinite`].
    pub fn decision_function(&self, x: &Matrix) -> Result<Vec<f64>, NnError> {
        check_features(x, self.weights.len() - 1)?;
        Ok((0..x.rows()).map(|i| score(&self.weights, x.row(i))).collect())
    }

    /// sign(βᵀ[1, x]) for each row: +1, −1, or 0 exactly on the boundary.
    ///
    /// # Errors
    /// As [`PerceptronFit::decision_function`].
    pub fn predict(&self, x: &Matrix) -> Result<Vec<f64>, NnError> {
        Ok(self.decision_function(x)?.into_iter().map(sign).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn online_rule_and_budget() {
        let x = Matrix::new(4, 1, vec![-2.0, -1.0, 1.0, 2.0]);
        let t = [-1.0, -1.0, 1.0, 1.0];
        let fit = Perceptron::new()
            .with_rule(PerceptronRule::Online)
            .with_initial_weights(vec![0.0, 0.0])
            .fit(&x, &t)
            .unwrap();
        assert!(fit.separated && fit.updates >= 1);
        // XOR in 1-D is not separable: the budget ends it.
        let t_bad = [1.0, -1.0, 1.0, -1.0];
        let fit = Perceptron::new().with_max_updates(50).fit(&x, &t_bad).unwrap();
        assert!(!fit.separated);
        assert_eq!(fit.updates, 50);
        assert!(Perceptron::new().fit(&x, &[1.0, 0.0, 1.0, 1.0]).is_err());
    }
}
