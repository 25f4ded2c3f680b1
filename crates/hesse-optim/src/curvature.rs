//! The second-order check: the smallest eigenvalue of ∇²f(x) and its eigenvector.
//!
//! A point where ∇f = 0 is a local minimum only if ∇²f ⪰ 0 (the second-order necessary
//! condition); a clearly negative eigenvalue λ₁ < 0 makes it a saddle point or a maximum, and
//! its eigenvector v is a direction of descent: f(x + tv) = f(x) + t∇fᵀv + ½λ₁t² + O(t³).
//!
//! - n ≤ [`DENSE_MAX`]: the exact Hessian ([`Objective::hessian`]) and its symmetric
//!   eigen-decomposition (nalgebra) — λ₁ exactly, up to rounding.
//! - larger n: Lanczos on Hessian-vector products, with full reorthogonalization, at most
//!   [`LANCZOS_MAX`] products, from a fixed start vector; the smallest Ritz value θ₁ ≥ λ₁ and
//!   its Ritz vector (Golub & Van Loan, *Matrix Computations*, 4th ed., §10.1). A negative θ₁
//!   proves negative curvature (θ₁ = vᵀHv for a unit v); a non-negative one may miss some.
//!
//! An eigenvalue is *clearly* negative when λ₁ < −[`NEGATIVE_REL`]·max|λ| (relative to the
//! largest eigenvalue in magnitude), far above the rounding error of an exact Hessian.

use nalgebra::{DMatrix, SymmetricEigen};

use crate::state::{dot, norm2};
use crate::{Objective, OptimError};

/// The largest n for which the dense Hessian is formed.
pub const DENSE_MAX: usize = 100;
/// The largest number of Hessian-vector products of the Lanczos estimate.
pub const LANCZOS_MAX: usize = 60;
/// λ₁ < −`NEGATIVE_REL`·max|λ| is clearly negative.
pub const NEGATIVE_REL: f64 = 1e-6;

/// The smallest eigenpair found, and the scale of the spectrum.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Curvature {
    /// λ₁ (or the smallest Ritz value).
    pub(crate) lambda: f64,
    /// A unit eigenvector (or Ritz vector) of `lambda`.
    pub(crate) vector: Vec<f64>,
    /// max|λ| over the eigenvalues (or Ritz values) found.
    pub(crate) scale: f64,
}

impl Curvature {
    /// Whether `lambda` is clearly negative.
    pub(crate) fn is_negative(&self) -> bool {
        self.lambda < -NEGATIVE_REL * self.scale
    }
}

/// The smallest eigenpair of ∇²f(x): dense for n ≤ [`DENSE_MAX`], Lanczos above. `None` when
/// the Hessian is not finite.
///
/// # Errors
/// What the objective's `hessian` or `hvp` returns.
pub(crate) fn smallest_eigenpair(
    obj: &mut dyn Objective,
    x: &[f64],
) -> Result<Option<Curvature>, OptimError> {
    let n = x.len();
    if n == 0 {
        return Ok(None);
    }
    if n <= DENSE_MAX {
        let mut h = vec![0.0; n * n];
        obj.hessian(x, &mut h)?;
        return Ok(dense_smallest(n, &h));
    }
    lanczos_smallest(n, &mut |v, out| obj.hvp(x, v, out))
}

/// The smallest eigenpair of the symmetric row-major n×n matrix `h`; `None` if it is not
/// finite.
pub(crate) fn dense_smallest(n: usize, h: &[f64]) -> Option<Curvature> {
    let eig = symmetric_eigen(n, h)?;
    let (k, &lambda) = eig
        .eigenvalues
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))?;
    let scale = eig.eigenvalues.iter().fold(0.0f64, |m, l| m.max(l.abs()));
    Some(Curvature {
        lambda,
        vector: eig.eigenvectors.column(k).iter().copied().collect(),
        scale,
    })
}

/// nalgebra's symmetric eigen-decomposition of a finite matrix (its QR iteration has no
/// iteration limit of its own on non-finite input, so those are refused first).
pub(crate) fn symmetric_eigen(n: usize, h: &[f64]) -> Option<SymmetricEigen<f64, nalgebra::Dyn>> {
    if !h.iter().all(|v| v.is_finite()) {
        return None;
    }
    SymmetricEigen::try_new(DMatrix::from_row_slice(n, n, h), f64::EPSILON, 10_000)
}

/// A symmetric operator v ↦ Av written into `out`.
pub(crate) type MatVec<'a> = dyn FnMut(&[f64], &mut [f64]) -> Result<(), OptimError> + 'a;

/// Lanczos with full reorthogonalization on `matvec`, from a fixed start vector with no zero
/// entry; stops at an invariant subspace or after [`LANCZOS_MAX`] products.
pub(crate) fn lanczos_smallest(n: usize, matvec: &mut MatVec<'_>) -> Result<Option<Curvature>, OptimError> {
    let k_max = n.min(LANCZOS_MAX);
    // A deterministic start with incommensurate entries (not orthogonal to any unit vector).
    let mut q: Vec<f64> = (0..n)
        .map(|i| 1.0 + 0.5 * ((i as f64 + 1.0) * 0.618_033_988_75).fract())
        .collect();
    let q_norm = norm2(&q);
    q.iter_mut().for_each(|v| *v /= q_norm);
    let mut basis: Vec<Vec<f64>> = Vec::with_capacity(k_max);
    let (mut alpha, mut beta) = (Vec::with_capacity(k_max), Vec::with_capacity(k_max));
    let mut w = vec![0.0; n];
    for _ in 0..k_max {
        matvec(&q, &mut w)?;
        if !w.iter().all(|v| v.is_finite()) {
            return Ok(None);
        }
        let a = dot(&q, &w);
        basis.push(q.clone());
        alpha.push(a);
        // Full reorthogonalization (twice is enough: Giraud et al.).
        for _ in 0..2 {
            for b in &basis {
                let c = dot(b, &w);
                w.iter_mut().zip(b).for_each(|(wi, bi)| *wi -= c * bi);
            }
        }
        let b = norm2(&w);
        let scale = alpha
            .iter()
            .chain(&beta)
            .fold(0.0f64, |m: f64, v: &f64| m.max(v.abs()));
        if b <= 1e-12 * scale.max(f64::MIN_POSITIVE) {
            break;
        }
        beta.push(b);
        q.iter_mut().zip(&w).for_each(|(qi, wi)| *qi = wi / b);
    }
    let k = alpha.len();
    let mut t = vec![0.0; k * k];
    for i in 0..k {
        t[i * k + i] = alpha[i];
        if i + 1 < k {
            t[i * k + i + 1] = beta[i];
            t[(i + 1) * k + i] = beta[i];
        }
    }
    let Some(ritz) = dense_smallest(k, &t) else {
        return Ok(None);
    };
    let mut vector = vec![0.0; n];
    for (b, yi) in basis.iter().zip(&ritz.vector) {
        vector.iter_mut().zip(b).for_each(|(v, bi)| *v += yi * bi);
    }
    let v_norm = norm2(&vector);
    vector.iter_mut().for_each(|v| *v /= v_norm);
    Ok(Some(Curvature { vector, ..ritz }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_finds_the_negative_direction() {
        // issue 19: [[1, 2], [2, 1]] has eigenvalues −1 (along (1, −1)/√2) and 3.
        let c = dense_smallest(2, &[1.0, 2.0, 2.0, 1.0]).unwrap();
        assert!((c.lambda + 1.0).abs() < 1e-14);
        assert!((c.vector[0] + c.vector[1]).abs() < 1e-14);
        assert!((c.scale - 3.0).abs() < 1e-14);
        assert!(c.is_negative());
        assert!(dense_smallest(2, &[f64::NAN, 0.0, 0.0, 1.0]).is_none());
    }

    #[test]
    fn lanczos_matches_a_known_spectrum() {
        // issue 19: diag(−2, 1, 2, …, 150): λ₁ = −2 along e₀.
        let n = 150;
        let d: Vec<f64> = (0..n).map(|i| if i == 0 { -2.0 } else { i as f64 }).collect();
        let mut mv = |v: &[f64], out: &mut [f64]| {
            out.iter_mut()
                .zip(v.iter().zip(&d))
                .for_each(|(o, (vi, di))| *o = vi * di);
            Ok(())
        };
        let c = lanczos_smallest(n, &mut mv).unwrap().unwrap();
        assert!((c.lambda + 2.0).abs() < 1e-6, "{}", c.lambda);
        assert!(c.vector[0].abs() > 0.999);
        assert!(c.is_negative());
    }
}
