//! Leaving a saddle point or a maximum along a direction of negative curvature.
//!
//! At x with a unit eigenvector v of λ₁ < 0, take d = ±v with ∇fᵀd ≤ 0; the quadratic model
//! m(t) = t∇fᵀd + ½λ₁t² < 0 for every t > 0. Try t = t₀, t₀/4, t₀/16, … (t₀ = max(1, ‖x‖∞),
//! at most [`TRIES`] lengths) and accept the first point with a finite
//! f(x + td) < f(x) + ⅒·m(t) that is also below f(x) by more than rounding error (the
//! sufficient decrease of a curvilinear search, Moré & Sorensen, "On the use of directions of
//! negative curvature in a modified Newton method", Math. Program. 16, 1979,
//! doi:10.1007/BF01582091). When ∇fᵀv = 0 both signs are tried.

use crate::curvature::Curvature;
use crate::state::{all_finite, dot, norm_inf};
use crate::{Objective, State};

/// The number of step lengths tried.
pub(crate) const TRIES: usize = 30;

/// Moves `state` along ±`c.vector` to a point with a sufficient decrease; returns whether it
/// found one (otherwise `state` is unchanged).
pub(crate) fn escape(obj: &mut dyn Objective, state: &mut State, c: &Curvature) -> bool {
    let n = state.x.len();
    let slope = dot(&state.grad, &c.vector);
    let signs: &[f64] = if slope < 0.0 {
        &[1.0]
    } else if slope > 0.0 {
        &[-1.0]
    } else {
        &[1.0, -1.0]
    };
    let f0 = state.f;
    let noise = 64.0 * f64::EPSILON * f0.abs();
    let (mut x, mut g) = (vec![0.0; n], vec![0.0; n]);
    let mut t = norm_inf(&state.x).max(1.0);
    for _ in 0..TRIES {
        for &s in signs {
            x.iter_mut()
                .zip(state.x.iter().zip(&c.vector))
                .for_each(|(xt, (xi, vi))| *xt = xi + s * t * vi);
            let model = t * s * slope + 0.5 * c.lambda * t * t;
            let f = obj.value_and_grad(&x, &mut g);
            if f.is_finite() && all_finite(&g) && f < f0 + 0.1 * model && f < f0 - noise {
                state.x.copy_from_slice(&x);
                state.grad.copy_from_slice(&g);
                state.f = f;
                return true;
            }
        }
        t *= 0.25;
    }
    false
}
