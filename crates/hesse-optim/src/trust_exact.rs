//! Trust-region Newton on the dense exact Hessian, with the subproblem solved exactly.
//!
//! Each iteration minimizes the quadratic model m(p) = ∇fᵀp + ½pᵀ∇²f p over ‖p‖₂ ≤ Δ with
//! [`exact_subproblem::solve`](crate::exact_subproblem::solve) — the global minimizer,
//! including the hard case — on the exact Hessian from [`Objective::hessian`] (one per
//! accepted point; a rejected step reuses it), then updates the radius by Nocedal & Wright's
//! Alg. 4.1: ρ = (f(x) − f(x + p)) / (m(0) − m(p)) (with the gradient-based decrease where
//! f(x) − f(x + p) is at rounding level); ρ < ¼ → Δ ← ¼Δ; ρ > ¾ on the boundary →
//! Δ ← min(2Δ, Δ_max); the step is taken if ρ > η.
//!
//! Because the subproblem is solved globally, a negative eigenvalue of ∇²f always gives a
//! step along negative curvature: the method leaves saddle points and maxima by itself, and
//! its limit points satisfy the second-order necessary conditions (Moré & Sorensen 1983).
//! A direction of negative curvature the gradient cannot see (a ridge of saddle points, a
//! symmetry of f) gets a component of the step too, as long as the step keeps half of the
//! model decrease (see `hidden_curvature`).
//!
//! - **No progress.** When Δ < 1e-14·max(1, ‖x‖), or the model predicts no decrease while
//!   ∇f ≠ 0, the run ends with [`Status::NoProgress`] ([`Status::NonFinite`] if the last
//!   trial was not finite).
//! - **Unbounded below.** A step on the boundary of Δ_max with λ₁ ≤ 0 accepted with ρ > ¾ ends
//!   the run with [`Status::UnboundedBelow`] after taking it.
//!
//! The Hessian costs O(n) Hessian-vector products and its eigen-decomposition O(n³): this is
//! the method for small and medium n; [`NewtonCg`](crate::NewtonCg) is the matrix-free one.
//! It holds [`DENSE_MATRICES`] n×n matrices at once (the Hessian, the eigensolver's working
//! copy and eigenvectors, the eigenvectors in order); above the dense-memory limit
//! ([`hesse_core::dense::limit`], 4 GB unless raised: n ≈ 11,000) the run is refused with
//! [`OptimError::DenseTooLarge`] before anything is allocated.
//!
//! ```
//! use hesse_optim::{minimize, FnObjective, OptimError, Options, TrustExact};
//! let mut obj = FnObjective::new(3, |x: &[f64], g: &mut [f64]| {
//!     g.iter_mut().zip(x).for_each(|(g, x)| *g = 2.0 * x);
//!     x.iter().map(|x| x * x).sum()
//! })
//! .with_hvp(|_x: &[f64], v: &[f64], out: &mut [f64]| out.iter_mut().zip(v).for_each(|(o, v)| *o = 2.0 * v));
//! // Four 3×3 matrices take 288 bytes.
//! let e = hesse_core::dense::scoped(200, || {
//!     minimize(&mut obj, &mut TrustExact::new(), &[1.0, 2.0, 3.0], &Options::default())
//! })
//! .unwrap_err();
//! assert!(matches!(e, OptimError::DenseTooLarge { n: 3, bytes: 288, limit: 200, .. }));
//! assert!(e.to_string().contains("newton-cg"));
//! let report = minimize(&mut obj, &mut TrustExact::new(), &[1.0, 2.0, 3.0], &Options::default())?;
//! assert!(report.x.iter().all(|x| x.abs() < 1e-8));
//! # Ok::<(), OptimError>(())
//! ```
//!
//! # Defaults
//! Δ₀ = 1, Δ_max = 1e10, η = 0.15 (scipy's `trust-exact` has η = 0.15 and Δ₀ = 1).
//!
//! # References
//! - J. J. Moré, D. C. Sorensen, "Computing a trust region step", SIAM J. Sci. Stat.
//!   Comput. 4(3), 553–572, 1983, doi:10.1137/0904038.
//! - J. Nocedal, S. J. Wright, *Numerical Optimization*, 2nd ed., Springer 2006, Alg. 4.1, §4.3.

use crate::curvature::symmetric_eigen;
use crate::exact_subproblem::solve;
use crate::state::norm2;
use crate::trust_step::{RoundingGuard, Trial, check_radii, conclude, reduction_ratio};
use crate::{Objective, OptimError, Solver, State, Status, Step};

/// The n×n matrices [`TrustExact`] holds at once: the Hessian, the eigensolver's working
/// copy and its eigenvectors, and the eigenvectors in order of their eigenvalues.
///
/// ```
/// use hesse_optim::trust_exact::DENSE_MATRICES;
/// // At n = 10,000: 3.2 GB, within the default 4 GB limit; at n = 12,000 it is not.
/// assert_eq!(hesse_core::dense::bytes(10_000, DENSE_MATRICES), 3_200_000_000);
/// assert!(hesse_core::dense::bytes(12_000, DENSE_MATRICES) > hesse_core::dense::DEFAULT_LIMIT);
/// ```
pub const DENSE_MATRICES: usize = 4;

/// Trust-region Newton with exact Hessians (see the [module docs](self)).
///
/// ```
/// use hesse_core::Var;
/// use hesse_optim::{minimize, Options, Status, TrustExact, VarObjective};
///
/// // f = x⁴ − 2x² + y², started at its saddle point (0, 0), where ∇f = 0.
/// let mut f = VarObjective::new(2, |v: &[Var]| v[0].powi(4) - 2.0 * v[0].square() + v[1].square());
/// let r = minimize(&mut f, &mut TrustExact::new(), &[0.0, 0.0], &Options::default().with_gtol(1e-10))?;
/// assert!(r.status.is_converged(), "{r}");
/// assert!((r.x[0].abs() - 1.0).abs() < 1e-9 && r.x[1].abs() < 1e-9); // a minimum, f = −1
/// assert!(r.min_eigenvalue.unwrap() > 0.0);
/// # Ok::<(), hesse_optim::OptimError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TrustExact {
    radius0: f64,
    radius_max: f64,
    eta: f64,
    radius: f64,
    /// Eigenvalues (ascending) and row-major eigenvectors (column k = qₖ) of ∇²f(x), with
    /// g̃ = Qᵀ∇f(x); `None` after a move.
    eig: Option<(Vec<f64>, Vec<f64>, Vec<f64>)>,
    hess: Vec<f64>,
    p: Vec<f64>,
    x_trial: Vec<f64>,
    g_trial: Vec<f64>,
    /// Steps accepted at rounding level.
    guard: RoundingGuard,
}

impl Default for TrustExact {
    fn default() -> Self {
        TrustExact {
            radius0: 1.0,
            radius_max: 1e10,
            eta: 0.15,
            radius: 1.0,
            eig: None,
            hess: Vec::new(),
            p: Vec::new(),
            x_trial: Vec::new(),
            g_trial: Vec::new(),
            guard: RoundingGuard::default(),
        }
    }
}

impl TrustExact {
    /// The defaults of the [module docs](self).
    pub fn new() -> Self {
        Self::default()
    }
    /// Initial trust radius Δ₀ > 0.
    pub fn with_initial_radius(mut self, radius: f64) -> Self {
        self.radius0 = radius;
        self
    }
    /// Largest trust radius Δ_max ≥ Δ₀.
    pub fn with_max_radius(mut self, radius: f64) -> Self {
        self.radius_max = radius;
        self
    }
    /// Acceptance threshold η ∈ [0, ¼).
    pub fn with_eta(mut self, eta: f64) -> Self {
        self.eta = eta;
        self
    }
    /// The current trust radius Δ.
    pub fn radius(&self) -> f64 {
        self.radius
    }

    /// Eigen-decomposes ∇²f(x) into `self.eig`; `false` if the Hessian is not finite.
    fn decompose(&mut self, obj: &mut dyn Objective, state: &State) -> Result<bool, OptimError> {
        let n = state.x().len();
        obj.hessian(state.x(), &mut self.hess)?;
        let Some(eig) = symmetric_eigen(n, &self.hess) else {
            return Ok(false);
        };
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| eig.eigenvalues[a].total_cmp(&eig.eigenvalues[b]));
        let lambda: Vec<f64> = order.iter().map(|&k| eig.eigenvalues[k]).collect();
        let mut q = vec![0.0; n * n];
        for (col, &k) in order.iter().enumerate() {
            for i in 0..n {
                q[i * n + col] = eig.eigenvectors[(i, k)];
            }
        }
        let g = state.grad();
        let g_eig: Vec<f64> = (0..n)
            .map(|k| (0..n).map(|i| q[i * n + k] * g[i]).sum())
            .collect();
        self.eig = Some((lambda, q, g_eig));
        Ok(true)
    }
}

impl Solver for TrustExact {
    fn name(&self) -> &'static str {
        "trust-exact"
    }

    fn init(&mut self, obj: &mut dyn Objective, _state: &mut State) -> Result<(), OptimError> {
        check_radii(self.radius0, self.radius_max, self.eta)?;
        if !obj.supports_hvp() {
            return Err(OptimError::Unsupported {
                what: "hessian-vector products",
            });
        }
        let n = obj.dim();
        let (bytes, limit) = (
            hesse_core::dense::bytes(n, DENSE_MATRICES),
            hesse_core::dense::limit(),
        );
        if bytes > limit {
            return Err(OptimError::DenseTooLarge {
                solver: self.name(),
                n,
                matrices: DENSE_MATRICES,
                bytes,
                limit,
            });
        }
        self.radius = self.radius0;
        self.eig = None;
        self.hess = vec![0.0; n * n];
        self.p = vec![0.0; n];
        self.x_trial = vec![0.0; n];
        self.g_trial = vec![0.0; n];
        self.guard = RoundingGuard::default();
        Ok(())
    }

    fn step(&mut self, obj: &mut dyn Objective, state: &mut State) -> Result<Step, OptimError> {
        let n = state.x().len();
        if self.eig.is_none() && !self.decompose(obj, state)? {
            return Ok(Step::Stop(Status::NonFinite));
        }
        let Some((lambda, q, g_eig)) = self.eig.as_ref() else {
            unreachable!("decomposed above");
        };
        let mut sub = solve(lambda, g_eig, self.radius);
        hidden_curvature(lambda, g_eig, self.radius, &mut sub);
        for i in 0..n {
            self.p[i] = (0..n).map(|k| q[i * n + k] * sub.p_eig[k]).sum();
        }
        if sub.predicted.is_nan() || sub.predicted <= 0.0 {
            return Ok(Step::Stop(Status::NoProgress {
                hint: "the quadratic model predicts no decrease: f cannot be decreased further in f64 arithmetic"
                    .into(),
            }));
        }
        let l1 = lambda[0];
        self.x_trial
            .iter_mut()
            .zip(state.x().iter().zip(&self.p))
            .for_each(|(t, (x, p))| *t = x + p);
        let f_trial = obj.value_and_grad(&self.x_trial, &mut self.g_trial);
        let rho = reduction_ratio(
            state.f(),
            f_trial,
            state.grad(),
            &self.g_trial,
            &self.p,
            sub.predicted,
        );
        let unbounded = sub.boundary && l1 <= 0.0 && self.radius >= self.radius_max && rho > 0.75;
        if rho < 0.25 {
            self.radius *= 0.25;
        } else if rho > 0.75 && sub.boundary {
            self.radius = (2.0 * self.radius).min(self.radius_max);
        }
        if rho > self.eta {
            // The point moves: its eigen-decomposition is stale.
            self.eig = None;
        }
        let trial = Trial {
            x: &self.x_trial,
            f: f_trial,
            g: &self.g_trial,
        };
        Ok(conclude(
            state,
            &mut self.guard,
            trial,
            rho,
            self.eta,
            self.radius,
            unbounded,
        ))
    }
}

/// Adds to the subproblem's step a component along the most negative eigenvector that the
/// gradient cannot see (λⱼ clearly < 0, |g̃ⱼ| ≤ 1e-8‖g̃‖), when it keeps at least half of the
/// model decrease.
///
/// Such a direction is invisible to the exact solution p* (its coefficient −g̃ⱼ/(λⱼ + μ) is 0),
/// so from a point on a manifold the gradient never leaves — a symmetry of f, a ridge of
/// saddle points — every step would stay on it. Any p with m(0) − m(p) ≥ β(m(0) − m(p*)),
/// β ∈ (0, 1], keeps the convergence theory of the method (Moré & Sorensen 1983; Nocedal &
/// Wright, eq. 4.20); here β = ½, and p = c·p* + τqⱼ with ‖p‖ = Δ and the smallest c on a grid
/// of twenty that passes. Where p* is inside the region the component only adds decrease.
fn hidden_curvature(
    lambda: &[f64],
    g_eig: &[f64],
    radius: f64,
    sub: &mut crate::exact_subproblem::ExactStep,
) {
    let scale = lambda.iter().fold(0.0f64, |m, l| m.max(l.abs()));
    let gnorm = norm2(g_eig);
    let Some(j) = (0..lambda.len())
        .filter(|&j| {
            lambda[j] < -crate::curvature::NEGATIVE_REL * scale
                && g_eig[j].abs() <= 1e-8 * gnorm
                && sub.p_eig[j].abs() <= 1e-8 * radius
        })
        .min_by(|&a, &b| lambda[a].total_cmp(&lambda[b]))
    else {
        return;
    };
    let r2: f64 = sub
        .p_eig
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != j)
        .map(|(_, p)| p * p)
        .sum();
    let lin: f64 = (0..lambda.len())
        .filter(|&i| i != j)
        .map(|i| g_eig[i] * sub.p_eig[i])
        .sum();
    let quad: f64 = (0..lambda.len())
        .filter(|&i| i != j)
        .map(|i| lambda[i] * sub.p_eig[i] * sub.p_eig[i])
        .sum();
    let pred =
        |c: f64| -(c * lin + 0.5 * c * c * quad) - 0.5 * lambda[j] * (radius * radius - c * c * r2).max(0.0);
    let full = pred(1.0);
    let c = (0..=20)
        .map(|k| k as f64 / 20.0)
        .find(|&c| pred(c) >= 0.5 * full)
        .unwrap_or(1.0);
    let tau = (radius * radius - c * c * r2).max(0.0).sqrt();
    for (i, p) in sub.p_eig.iter_mut().enumerate() {
        if i != j {
            *p *= c;
        }
    }
    sub.p_eig[j] = if g_eig[j] > 0.0 { -tau } else { tau };
    sub.predicted = pred(c);
    sub.boundary = true;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FnObjective, Options, minimize};

    #[test]
    fn leaves_a_maximum_by_itself() {
        // issue 19: f = −(x² + y²)/2 + (x² + y²)²/4 has a maximum at 0 and minima on the circle
        // r = 1 (f = −1/4). With the curvature check off, the method must leave by itself.
        let mut obj = FnObjective::new(2, |x: &[f64], g: &mut [f64]| {
            let r2 = x[0] * x[0] + x[1] * x[1];
            g[0] = x[0] * (r2 - 1.0);
            g[1] = x[1] * (r2 - 1.0);
            -0.5 * r2 + 0.25 * r2 * r2
        })
        .with_hvp(|x: &[f64], v: &[f64], out: &mut [f64]| {
            let r2 = x[0] * x[0] + x[1] * x[1];
            let (h00, h11, h01) = (
                r2 - 1.0 + 2.0 * x[0] * x[0],
                r2 - 1.0 + 2.0 * x[1] * x[1],
                2.0 * x[0] * x[1],
            );
            out[0] = h00 * v[0] + h01 * v[1];
            out[1] = h01 * v[0] + h11 * v[1];
        });
        let opts = Options::default().with_gtol(1e-10).with_curvature_check(false);
        // At 0 the gradient is 0: the driver would stop before any step, so start nearby.
        let r = minimize(&mut obj, &mut TrustExact::new(), &[1e-3, 0.0], &opts).unwrap();
        assert!(r.status.is_converged(), "{r}");
        assert!((r.f + 0.25).abs() < 1e-12, "{r}");
    }

    #[test]
    fn leaves_a_line_of_saddles_the_gradient_cannot_see() {
        // issue 19: f = x⁴ − 2x² + y² from (0, 1): ∂f/∂x = 0 on the whole line x = 0, where
        // ∂²f/∂x² = −4. The exact step has no x-component there; the hidden-curvature
        // component takes the run to a minimum (±1, 0), f = −1, without the driver's check.
        let mut obj = FnObjective::new(2, |x: &[f64], g: &mut [f64]| {
            g[0] = 4.0 * x[0].powi(3) - 4.0 * x[0];
            g[1] = 2.0 * x[1];
            x[0].powi(4) - 2.0 * x[0] * x[0] + x[1] * x[1]
        })
        .with_hvp(|x: &[f64], v: &[f64], out: &mut [f64]| {
            out[0] = (12.0 * x[0] * x[0] - 4.0) * v[0];
            out[1] = 2.0 * v[1];
        });
        let opts = Options::default().with_gtol(1e-10).with_curvature_check(false);
        let r = minimize(&mut obj, &mut TrustExact::new(), &[0.0, 1.0], &opts).unwrap();
        assert!(r.status.is_converged(), "{r}");
        assert!((r.f + 1.0).abs() < 1e-12, "{r}");
    }

    #[test]
    fn refuses_objectives_without_hvp() {
        // issue 19
        let mut obj = FnObjective::new(1, |x: &[f64], g: &mut [f64]| {
            g[0] = 2.0 * x[0];
            x[0] * x[0]
        });
        let e = minimize(&mut obj, &mut TrustExact::new(), &[1.0], &Options::default()).unwrap_err();
        assert!(matches!(e, OptimError::Unsupported { .. }));
        let e = minimize(
            &mut obj,
            &mut TrustExact::new().with_eta(0.5),
            &[1.0],
            &Options::default(),
        )
        .unwrap_err();
        assert!(matches!(e, OptimError::InvalidOption { name: "eta", .. }));
    }
}
