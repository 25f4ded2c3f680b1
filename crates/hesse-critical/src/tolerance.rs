//! The zero tolerance of eigenvalues: how far an eigenvalue at this point can be from the
//! eigenvalue at the critical point it stands for.
//!
//! An analysis looks at a point `x` that is at best near a critical point `x*`. Three things
//! separate an eigenvalue of `H(x)` from the one of `H(x*)`:
//!
//! - **rounding**: `10 · n · ε · max|λ|` (numpy's `matrix_rank` rule with a factor of 10),
//!   the error of forming and decomposing `H` in floating point;
//! - **distance**: `|λᵢ(H(x*)) − λᵢ(H(x))| ≤ ‖H(x*) − H(x)‖₂ ≈ L·d` (Weyl), where
//!   `d = ‖H⁺ g‖₂` is the length of the Newton step to `x*` (directions of curvature below
//!   the rounding and gradient terms left out) and `L` the change of the Hessian per unit
//!   length along that step, measured by one more Hessian at `x + h·ŝ`
//!   (`L = ‖H(x + h ŝ) − H(x)‖_F / h`, `h = max(d, 1e-6·max(1, ‖x‖₂))`); the term is `2·L·d`;
//! - **gradient**: `‖g‖₂`. Along a symmetry of f (f(R(θ)x) = f(x)) the curvature at a
//!   non-critical point is `−gᵀR''x / ‖R'x‖²`, of the size of `‖g‖` over the radius of the
//!   orbit: rotations of a point cloud of unit size show eigenvalues of the size of ‖g‖
//!   that are not there at `x*` (this term takes the orbit radius to be about 1).
//!
//! The tolerance is their sum; an eigenvalue with `|λ|` at most the tolerance cannot be told
//! from zero at this point and is reported as undecided. With refinement on (the default),
//! `d` and `‖g‖` are at rounding level and the tolerance is about the rounding term.

use hesse_core::Matrix;

use crate::model::{TwiceDifferentiable, norm};

/// The parts of an eigenvalue zero tolerance (their sum, or an explicit value, is used).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ZeroTolerance {
    /// `10 · n · ε · max|λ|`.
    pub rounding: f64,
    /// `2 · L · d`: the Hessian's change over the estimated distance `d` to the critical point.
    pub distance: f64,
    /// `‖g‖₂`.
    pub gradient: f64,
    /// The estimated distance `d = ‖H⁺g‖₂` to the nearby critical point.
    pub distance_to_critical: f64,
    /// A tolerance given explicitly ([`AnalysisOptions::with_tolerance`](crate::AnalysisOptions::with_tolerance)), used instead of the sum.
    pub explicit: Option<f64>,
}

impl ZeroTolerance {
    /// The tolerance used: the explicit one, or `rounding + distance + gradient`.
    ///
    /// ```
    /// let t = hesse_critical::ZeroTolerance {
    ///     rounding: 1e-14, distance: 2e-9, gradient: 1e-9, distance_to_critical: 1e-10, explicit: None,
    /// };
    /// assert!((t.total() - 3.00001e-9).abs() < 1e-20);
    /// ```
    pub fn total(&self) -> f64 {
        self.explicit
            .unwrap_or(self.rounding + self.distance + self.gradient)
    }
}

/// The zero tolerance at `x` with gradient `g` and Hessian `h` = V diag(λ) Vᵀ.
pub(crate) fn zero_tolerance(
    model: &mut dyn TwiceDifferentiable,
    x: &[f64],
    g: &[f64],
    h: &Matrix,
    lambda: &[f64],
    v: &Matrix,
    explicit: Option<f64>,
) -> ZeroTolerance {
    let n = x.len();
    let rounding = crate::classify::default_tolerance(lambda);
    let gradient = norm(g);
    // The Newton step through the decided eigenvalues.
    let cut = rounding + gradient;
    let mut step = vec![0.0; n];
    for (i, &l) in lambda.iter().enumerate() {
        if l.abs() <= cut {
            continue;
        }
        let c: f64 = (0..n).map(|r| v[(r, i)] * g[r]).sum();
        for (r, s) in step.iter_mut().enumerate() {
            *s -= c / l * v[(r, i)];
        }
    }
    let d = norm(&step);
    let distance = if d == 0.0 || !d.is_finite() {
        if d.is_finite() { 0.0 } else { f64::INFINITY }
    } else {
        let h_len = d.max(1e-6 * norm(x).max(1.0));
        let probe: Vec<f64> = x.iter().zip(&step).map(|(a, s)| a + s / d * h_len).collect();
        let hp = model.hessian(&probe);
        let change = hp
            .as_slice()
            .iter()
            .zip(h.as_slice())
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f64>()
            .sqrt();
        if change.is_finite() {
            2.0 * change / h_len * d
        } else {
            f64::INFINITY
        }
    };
    ZeroTolerance {
        rounding,
        distance,
        gradient,
        distance_to_critical: d,
        explicit,
    }
}
