//! Symmetry directions: directions along which the function is known to be flat (rigid-body
//! motions of a point cloud, rescalings of hidden units, …), and the Hessian restricted to
//! the directions orthogonal to them.
//!
//! If f is invariant under a group acting on x, every critical point lies on a manifold of
//! critical points, and the Hessian there has a zero eigenvalue along each generator of the
//! group: such a point is never a *strict* local minimum. What second order can decide is
//! the curvature across the manifold: the eigenvalues of `Pᵀ H P`, where the columns of `P`
//! are an orthonormal basis of the complement of the declared directions. All of them
//! positive is a "strict local minimum modulo k symmetry directions".

use hesse_core::Matrix;

use crate::model::norm;

/// The rigid-body modes of a cloud of 3-D points `[x₀, y₀, z₀, x₁, y₁, z₁, …]`: the three
/// translations and the three rotations about the centroid (`ω × (pᵢ − c)` for ω = e_x, e_y,
/// e_z), orthonormalised. A collinear cloud has only two rotations that move it, so 5 modes;
/// a single point has 3.
///
/// ```
/// // an equilateral triangle in the xy-plane
/// let s = 3f64.sqrt() / 2.0;
/// let modes = hesse_critical::rigid_body_modes(&[0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.5, s, 0.0]);
/// assert_eq!(modes.len(), 6);
/// let line = hesse_critical::rigid_body_modes(&[0.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
/// assert_eq!(line.len(), 5);
/// ```
///
/// # Panics
/// If the length is not a multiple of 3.
#[track_caller]
pub fn rigid_body_modes(points: &[f64]) -> Vec<Vec<f64>> {
    assert!(
        points.len() % 3 == 0,
        "rigid_body_modes: {} coordinates is not a whole number of 3-D points",
        points.len()
    );
    let m = points.len() / 3;
    let mut c = [0.0; 3];
    for p in points.chunks(3) {
        for k in 0..3 {
            c[k] += p[k] / m as f64;
        }
    }
    let mut modes = Vec::new();
    for axis in 0..3 {
        let mut t = vec![0.0; points.len()];
        for i in 0..m {
            t[3 * i + axis] = 1.0;
        }
        modes.push(t);
    }
    for axis in 0..3 {
        let mut w = [0.0; 3];
        w[axis] = 1.0;
        let mut r = vec![0.0; points.len()];
        for i in 0..m {
            let p = [
                points[3 * i] - c[0],
                points[3 * i + 1] - c[1],
                points[3 * i + 2] - c[2],
            ];
            r[3 * i] = w[1] * p[2] - w[2] * p[1];
            r[3 * i + 1] = w[2] * p[0] - w[0] * p[2];
            r[3 * i + 2] = w[0] * p[1] - w[1] * p[0];
        }
        modes.push(r);
    }
    orthonormalize(&modes)
}

/// An orthonormal basis of the span of `vectors` (modified Gram–Schmidt, twice; a vector
/// whose remainder is below 1e-8 of its length is dependent and dropped).
///
/// ```
/// let b = hesse_critical::orthonormalize(&[vec![1.0, 1.0], vec![2.0, 2.0], vec![0.0, 3.0]]);
/// assert_eq!(b.len(), 2);
/// assert!((b[0][0] - 0.5f64.sqrt()).abs() < 1e-15);
/// ```
pub fn orthonormalize(vectors: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let mut basis: Vec<Vec<f64>> = Vec::new();
    for v in vectors {
        let length = norm(v);
        if length == 0.0 || !length.is_finite() {
            continue;
        }
        let mut w = v.clone();
        for _ in 0..2 {
            for b in &basis {
                let c: f64 = w.iter().zip(b).map(|(a, b)| a * b).sum();
                w.iter_mut().zip(b).for_each(|(a, b)| *a -= c * b);
            }
        }
        let r = norm(&w);
        if r > 1e-8 * length {
            basis.push(w.iter().map(|a| a / r).collect());
        }
    }
    basis
}

/// An orthonormal basis of the complement of the orthonormal `basis` in ℝⁿ.
pub(crate) fn complement(basis: &[Vec<f64>], n: usize) -> Vec<Vec<f64>> {
    let mut all = basis.to_vec();
    for k in 0..n {
        let mut e = vec![0.0; n];
        e[k] = 1.0;
        all.push(e);
    }
    let full = orthonormalize(&all);
    full[basis.len()..].to_vec()
}

/// `Pᵀ H P` for the columns `p` (each of length n).
pub(crate) fn restrict(h: &Matrix, p: &[Vec<f64>]) -> Matrix {
    let (n, k) = (h.rows(), p.len());
    let hp: Vec<Vec<f64>> = p
        .iter()
        .map(|v| (0..n).map(|r| (0..n).map(|c| h[(r, c)] * v[c]).sum()).collect())
        .collect();
    let mut out = Matrix::zeros(k, k);
    for i in 0..k {
        for j in 0..k {
            let a: f64 = p[i].iter().zip(&hp[j]).map(|(a, b)| a * b).sum();
            let b: f64 = p[j].iter().zip(&hp[i]).map(|(a, b)| a * b).sum();
            out[(i, j)] = 0.5 * (a + b);
        }
    }
    out
}

/// `max ‖H v‖₂` over the vectors.
pub(crate) fn largest_image(h: &Matrix, vs: &[Vec<f64>]) -> f64 {
    let n = h.rows();
    vs.iter()
        .map(|v| {
            let hv: Vec<f64> = (0..n).map(|r| (0..n).map(|c| h[(r, c)] * v[c]).sum()).collect();
            norm(&hv)
        })
        .fold(0.0, f64::max)
}
