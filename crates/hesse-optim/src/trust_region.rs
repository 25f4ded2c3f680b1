//! The trust-region subproblem by Steihaug's truncated conjugate gradients.
//!
//! Approximately solves min m(p) = gᵀp + ½ pᵀBp subject to ‖p‖₂ ≤ Δ, touching B only through
//! products B·v (Nocedal & Wright, 2nd ed., Alg. 7.2; Steihaug 1983). CG runs from p = 0 and
//! stops when the residual ‖r‖ = ‖Bp + g‖ ≤ tol, when it meets negative curvature dᵀBd ≤ 0, or
//! when an iterate would leave the region — the last two return the boundary point
//! p + τd, τ ≥ 0. No matrix is formed. [`NewtonCg`](crate::NewtonCg) drives it with exact
//! Hessian-vector products.
//!
//! # References
//! - T. Steihaug, "The conjugate gradient method and trust regions in large scale
//!   optimization", SIAM J. Numer. Anal. 20(3), 626–637, 1983, doi:10.1137/0720042.
//! - J. Nocedal, S. J. Wright, *Numerical Optimization*, 2nd ed., Springer 2006,
//!   doi:10.1007/978-0-387-40065-5, Alg. 7.2.

use crate::state::dot;

/// How [`steihaug`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CgExit {
    /// The residual met the tolerance inside the region.
    Converged,
    /// Negative (or zero) curvature: p is on the boundary.
    NegativeCurvature,
    /// The CG iterate left the region: p is on the boundary.
    Boundary,
    /// The iteration budget ran out inside the region.
    MaxIterations,
    /// A Hessian-vector product was not finite.
    NonFinite,
}

/// The subproblem's solution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CgResult {
    /// How CG ended.
    pub exit: CgExit,
    /// The model decrease m(0) − m(p) = −(gᵀp + ½pᵀBp) ≥ 0.
    pub predicted: f64,
    /// CG iterations (= products with B).
    pub iterations: usize,
}

/// Steihaug-CG for min gᵀp + ½pᵀBp, ‖p‖ ≤ `radius`, writing p into `p`.
///
/// `hvp(v, out)` writes B·v; it returns `false` to abort (e.g. an objective error), which is
/// reported as [`CgExit::NonFinite`]. `tol` is the residual tolerance on ‖Bp + g‖₂.
///
/// ```
/// use hesse_optim::trust_region::{steihaug, CgExit};
///
/// // B = diag(1, 4), g = (−1, −4): the Newton step (1, 1) has norm √2.
/// let g = [-1.0, -4.0];
/// let mut hvp = |v: &[f64], out: &mut [f64]| { out[0] = v[0]; out[1] = 4.0 * v[1]; true };
/// let mut p = [0.0; 2];
/// let r = steihaug(&g, &mut hvp, 10.0, 1e-12, 10, &mut p);
/// assert_eq!(r.exit, CgExit::Converged);
/// assert!((p[0] - 1.0).abs() < 1e-12 && (p[1] - 1.0).abs() < 1e-12);
/// assert!((r.predicted - 2.5).abs() < 1e-12); // −(gᵀp + ½pᵀBp) = 5 − 2.5
/// // A small region stops on its boundary.
/// let r = steihaug(&g, &mut hvp, 0.5, 1e-12, 10, &mut p);
/// assert_eq!(r.exit, CgExit::Boundary);
/// assert!(((p[0] * p[0] + p[1] * p[1]).sqrt() - 0.5).abs() < 1e-12);
/// ```
pub fn steihaug(
    g: &[f64],
    hvp: &mut dyn FnMut(&[f64], &mut [f64]) -> bool,
    radius: f64,
    tol: f64,
    max_iterations: usize,
    p: &mut [f64],
) -> CgResult {
    let n = g.len();
    p.iter_mut().for_each(|v| *v = 0.0);
    // r = Bp + g, d = −r.
    let mut r = g.to_vec();
    let mut d: Vec<f64> = g.iter().map(|v| -v).collect();
    let mut bd = vec![0.0; n];
    let mut rr = dot(&r, &r);
    let model = |p: &[f64], r: &[f64]| -0.5 * (dot(g, p) + dot(p, r));
    if rr.sqrt() <= tol {
        return CgResult {
            exit: CgExit::Converged,
            predicted: 0.0,
            iterations: 0,
        };
    }
    for j in 0..max_iterations {
        if !hvp(&d, &mut bd) || !bd.iter().all(|v| v.is_finite()) {
            return CgResult {
                exit: CgExit::NonFinite,
                predicted: model(p, &r),
                iterations: j + 1,
            };
        }
        let dbd = dot(&d, &bd);
        if dbd <= 0.0 {
            let tau = to_boundary(p, &d, radius);
            step(p, &mut r, &d, &bd, tau);
            return CgResult {
                exit: CgExit::NegativeCurvature,
                predicted: model(p, &r),
                iterations: j + 1,
            };
        }
        let alpha = rr / dbd;
        let pn2: f64 = p.iter().zip(&d).map(|(pi, di)| (pi + alpha * di).powi(2)).sum();
        if pn2.sqrt() >= radius {
            let tau = to_boundary(p, &d, radius);
            step(p, &mut r, &d, &bd, tau);
            return CgResult {
                exit: CgExit::Boundary,
                predicted: model(p, &r),
                iterations: j + 1,
            };
        }
        step(p, &mut r, &d, &bd, alpha);
        let rr_new = dot(&r, &r);
        if rr_new.sqrt() <= tol {
            return CgResult {
                exit: CgExit::Converged,
                predicted: model(p, &r),
                iterations: j + 1,
            };
        }
        let beta = rr_new / rr;
        rr = rr_new;
        d.iter_mut().zip(&r).for_each(|(di, ri)| *di = -ri + beta * *di);
    }
    CgResult {
        exit: CgExit::MaxIterations,
        predicted: model(p, &r),
        iterations: max_iterations,
    }
}

/// p ← p + t d, r ← r + t Bd (keeps r = Bp + g).
fn step(p: &mut [f64], r: &mut [f64], d: &[f64], bd: &[f64], t: f64) {
    p.iter_mut().zip(d).for_each(|(pi, di)| *pi += t * di);
    r.iter_mut().zip(bd).for_each(|(ri, bi)| *ri += t * bi);
}

/// The τ ≥ 0 with ‖p + τd‖ = Δ (p inside the region).
fn to_boundary(p: &[f64], d: &[f64], radius: f64) -> f64 {
    let a = dot(d, d);
    let b = 2.0 * dot(p, d);
    let c = dot(p, p) - radius * radius;
    if a == 0.0 {
        return 0.0;
    }
    // Stable root of a τ² + b τ + c = 0 with c ≤ 0: the positive one.
    let disc = (b * b - 4.0 * a * c).max(0.0).sqrt();
    if b >= 0.0 {
        -2.0 * c / (b + disc).max(f64::MIN_POSITIVE)
    } else {
        (-b + disc) / (2.0 * a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_curvature_goes_to_boundary() {
        // B = diag(−1, 1), g = (1, 0): the model is unbounded along −e₀.
        let g = [1.0, 0.0];
        let mut hvp = |v: &[f64], out: &mut [f64]| {
            out[0] = -v[0];
            out[1] = v[1];
            true
        };
        let mut p = [0.0; 2];
        let r = steihaug(&g, &mut hvp, 2.0, 1e-12, 10, &mut p);
        assert_eq!(r.exit, CgExit::NegativeCurvature);
        approx::assert_relative_eq!(p[0], -2.0, epsilon = 1e-14);
        // m(p) = gᵀp + ½pᵀBp = −2 − 2 = −4.
        approx::assert_relative_eq!(r.predicted, 4.0, epsilon = 1e-12);
    }

    #[test]
    fn boundary_root_is_positive() {
        let t = to_boundary(&[0.5, 0.0], &[-1.0, 0.0], 1.0);
        approx::assert_relative_eq!(t, 1.5, epsilon = 1e-15);
        let t = to_boundary(&[0.5, 0.0], &[1.0, 0.0], 1.0);
        approx::assert_relative_eq!(t, 0.5, epsilon = 1e-15);
    }
}
