//! Refinement: move a nearby point onto the critical point by Newton's method on ∇f = 0.
//!
//! Each step solves `H p = −g` through the eigen-decomposition of the exact Hessian
//! (pseudo-inverse: directions with |λ| within the zero tolerance are left alone). Newton's
//! method on the gradient converges quadratically to a non-degenerate critical point of any
//! kind (minimum, maximum or saddle), which is what an analysis needs; a trust region on f
//! would walk away from saddles. When the full step does not reduce ‖g‖, the step is damped
//! Levenberg–Marquardt style, `p = −(H² + μI)⁻¹ H g`, a descent direction for ‖g‖²/2 whose
//! length shrinks as μ grows (μ ×10 per retry).
//!
//! Refinement is local: a trial point farther than `max_move` from the start is rejected, so a
//! function without a nearby critical point (x^(1/3), whose Newton steps grow geometrically)
//! ends "not converged" instead of running off to infinity. Non-finite gradients or Hessians
//! stop it too.

use hesse_core::Matrix;

use crate::classify::default_tolerance;
use crate::eigen::symmetric_eigen;
use crate::model::{TwiceDifferentiable, norm};

/// What refinement did.
#[derive(Clone, Debug, PartialEq)]
pub struct Refinement {
    /// Accepted Newton / damped steps.
    pub steps: usize,
    /// Distance from the starting point to the refined point, ‖x − x₀‖₂.
    pub moved: f64,
    /// ‖∇f‖₂ at the start.
    pub initial_gradient_norm: f64,
    /// ‖∇f‖₂ at the refined point.
    pub final_gradient_norm: f64,
    /// Whether ‖∇f‖₂ reached the gradient tolerance.
    pub converged: bool,
}

/// Refines `x` in place until ‖∇f‖₂ ≤ `gtol` or `max_steps` steps, or no step within
/// `max_move` of the start reduces ‖∇f‖.
pub(crate) fn refine(
    model: &mut dyn TwiceDifferentiable,
    x: &mut [f64],
    gtol: f64,
    max_steps: usize,
    max_move: f64,
) -> Refinement {
    let start = x.to_vec();
    let distance = |p: &[f64]| norm(&p.iter().zip(&start).map(|(a, b)| a - b).collect::<Vec<_>>());
    let (_, mut g) = model.value_and_grad(x);
    let mut gn = norm(&g);
    let initial = gn;
    let mut steps = 0;
    while gn > gtol && steps < max_steps {
        let h: Matrix = model.hessian(x);
        if h.as_slice().iter().any(|e| !e.is_finite()) {
            break;
        }
        let (lambda, v) = symmetric_eigen(&h);
        let zero = default_tolerance(&lambda);
        let n = x.len();
        // gradient in the eigenbasis
        let c: Vec<f64> = (0..n).map(|i| (0..n).map(|r| v[(r, i)] * g[r]).sum()).collect();
        let lmax = lambda.iter().fold(0.0f64, |m, l| m.max(l.abs()));
        let mut mu = 0.0;
        let mut accepted = false;
        for _ in 0..40 {
            let mut p = vec![0.0; n];
            for i in 0..n {
                let l = lambda[i];
                if mu == 0.0 && l.abs() <= zero {
                    continue;
                }
                let coef = -c[i] * l / (l * l + mu);
                for r in 0..n {
                    p[r] += coef * v[(r, i)];
                }
            }
            let trial: Vec<f64> = x.iter().zip(&p).map(|(a, b)| a + b).collect();
            let too_far = distance(&trial) > max_move || trial.iter().any(|v| !v.is_finite());
            if too_far {
                mu = if mu == 0.0 {
                    1e-6 * lmax.max(f64::MIN_POSITIVE).powi(2)
                } else {
                    mu * 10.0
                };
                continue;
            }
            let (_, gt) = model.value_and_grad(&trial);
            let gtn = norm(&gt);
            if gtn < gn {
                x.copy_from_slice(&trial);
                g = gt;
                gn = gtn;
                accepted = true;
                break;
            }
            mu = if mu == 0.0 {
                1e-6 * lmax.max(f64::MIN_POSITIVE).powi(2)
            } else {
                mu * 10.0
            };
        }
        if !accepted {
            break;
        }
        steps += 1;
    }
    let moved = distance(x);
    Refinement {
        steps,
        moved,
        initial_gradient_norm: initial,
        final_gradient_norm: gn,
        converged: gn <= gtol,
    }
}
