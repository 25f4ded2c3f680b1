//! Three losses a user writes, as the math reads (shared by the `user_losses` example and the
//! root crate's `tests/user_losses.rs`):
//! - L2-regularised logistic regression on 200 points in 5-D, with iterator sums over `Var`s;
//! - the negative log-likelihood of a Gaussian in (μ, log σ), with iterator sums;
//! - the Lennard-Jones energy of three atoms, **generic over `num_traits::Float`**: the same
//!   body runs on `f64`, on the tape, and on any other `Float` type.

use hesse::Var;
use num_traits::Float;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Points `x` in 5-D with labels `y = ±1` from a noisy linear rule.
pub struct Classification {
    /// The points.
    pub x: Vec<[f64; 5]>,
    /// The labels, −1 or +1.
    pub y: Vec<f64>,
}

impl Classification {
    /// `n` points, uniform in [−1, 1]⁵, labelled by the sign of `x·(1, −2, 0.5, 0, 1) + 0.3 +
    /// noise`.
    pub fn generate(n: usize, seed: u64) -> Classification {
        let mut rng = StdRng::seed_from_u64(seed);
        let truth = [1.0, -2.0, 0.5, 0.0, 1.0];
        let mut x = Vec::with_capacity(n);
        let mut y = Vec::with_capacity(n);
        for _ in 0..n {
            let p: [f64; 5] = std::array::from_fn(|_| rng.random_range(-1.0..1.0));
            let score: f64 = p.iter().zip(truth).map(|(a, b)| a * b).sum::<f64>() + 0.3;
            let noise = rng.random_range(-1.0..1.0);
            x.push(p);
            y.push(if score + noise > 0.0 { 1.0 } else { -1.0 });
        }
        Classification { x, y }
    }
}

/// Regularisation strength λ of [`logistic_l2`].
pub const LAMBDA: f64 = 0.1;

/// Mean logistic loss `(1/n) Σ ln(1 + exp(−yᵢ (w·xᵢ + b))) + (λ/2)‖w‖²` over `p = (w, b)`.
pub fn logistic_l2<'t>(p: &[Var<'t>], data: &Classification) -> Var<'t> {
    let (w, b) = (&p[..5], p[5]);
    let n = data.y.len() as f64;
    let loss: Var = data
        .x
        .iter()
        .zip(&data.y)
        .map(|(xi, &yi)| {
            let z: Var = w.iter().zip(xi).map(|(&wj, &xj)| wj * xj).sum::<Var>() + b;
            (-yi * z).softplus()
        })
        .sum();
    loss / n + 0.5 * LAMBDA * w.iter().map(|wj| wj.square()).sum::<Var>()
}

/// Negative log-likelihood of `data` under N(μ, σ²), in `p = (μ, log σ)`:
/// `n log σ + (n/2) log 2π + Σ (dᵢ − μ)² / (2σ²)`.
pub fn gaussian_nll<'t>(p: &[Var<'t>], data: &[f64]) -> Var<'t> {
    let (mu, log_sigma) = (p[0], p[1]);
    let n = data.len() as f64;
    let squares: Var = data.iter().map(|&d| (d - mu).square()).sum();
    n * log_sigma + 0.5 * n * std::f64::consts::TAU.ln() + 0.5 * squares / (2.0 * log_sigma).exp()
}

/// Lennard-Jones energy `Σ_{i<j} 4 (r⁻¹² − r⁻⁶)` (ε = σ = 1) of atoms at `x = (x₀, y₀, z₀,
/// x₁, …)`, written once over any `Float`.
pub fn lennard_jones<T: Float>(x: &[T]) -> T {
    let atoms = x.len() / 3;
    let four = T::from(4.0).unwrap();
    let mut energy = T::zero();
    for i in 0..atoms {
        for j in i + 1..atoms {
            let r2 = (0..3)
                .map(|k| (x[3 * i + k] - x[3 * j + k]).powi(2))
                .fold(T::zero(), |s, t| s + t);
            let s3 = r2.powi(-3);
            energy = energy + four * (s3 * s3 - s3);
        }
    }
    energy
}
