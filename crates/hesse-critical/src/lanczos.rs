//! Matrix-free spectral tools for large n: extreme eigenvalues by Lanczos and the trace by
//! Hutchinson's estimator, both on Hessian-vector products only.
//!
//! Lanczos (with full reorthogonalisation, so Ritz values do not duplicate) finds the smallest
//! *and* largest eigenvalues, so negative curvature is found; power iteration on |λ| would
//! miss it. Iteration stops when both extreme Ritz pairs have residual `|βₖ sₖ| ≤ tol · max|θ|`.
//! Reference: Golub & Van Loan, *Matrix Computations*, §10.1; Yao et al., PyHessian (2020),
//! doi:10.1109/BigData50022.2020.9378171.

use nalgebra::DMatrix;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::model::{TwiceDifferentiable, norm};

/// Options of [`lanczos_extremes`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LanczosOptions {
    /// Iteration limit (Krylov dimension). Default 300 (capped at n).
    pub max_iter: usize,
    /// Relative residual tolerance on the extreme Ritz pairs. Default 1e-10.
    pub tolerance: f64,
    /// Seed of the random start vector. Default 0.
    pub seed: u64,
}

impl Default for LanczosOptions {
    fn default() -> Self {
        LanczosOptions {
            max_iter: 300,
            tolerance: 1e-10,
            seed: 0,
        }
    }
}

/// Extreme eigenvalues found by Lanczos.
#[derive(Clone, Debug, PartialEq)]
pub struct LanczosResult {
    /// Smallest Ritz value.
    pub smallest: f64,
    /// Largest Ritz value.
    pub largest: f64,
    /// Matrix-vector products (HVPs) used.
    pub matvecs: usize,
    /// Whether both residuals met the tolerance (or the Krylov space became invariant).
    pub converged: bool,
    /// All Ritz values of the last tridiagonal matrix, ascending.
    pub ritz_values: Vec<f64>,
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Lanczos on a symmetric operator given as `matvec`, of dimension `n`.
///
/// ```
/// use hesse_critical::{lanczos_extremes, LanczosOptions};
/// let diag = [-3.0, 1.0, 2.0, 5.0];
/// let r = lanczos_extremes(4, &mut |v| v.iter().zip(&diag).map(|(a, d)| a * d).collect(), LanczosOptions::default());
/// assert!((r.smallest + 3.0).abs() < 1e-10 && (r.largest - 5.0).abs() < 1e-10);
/// ```
pub fn lanczos_extremes(
    n: usize,
    matvec: &mut dyn FnMut(&[f64]) -> Vec<f64>,
    opts: LanczosOptions,
) -> LanczosResult {
    let m = opts.max_iter.min(n).max(1);
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let mut q: Vec<f64> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
    let qn = norm(&q);
    q.iter_mut().for_each(|a| *a /= qn);
    let mut basis: Vec<Vec<f64>> = vec![q];
    let (mut alpha, mut beta) = (Vec::new(), Vec::new());
    let mut result = LanczosResult {
        smallest: f64::NAN,
        largest: f64::NAN,
        matvecs: 0,
        converged: false,
        ritz_values: Vec::new(),
    };
    for j in 0..m {
        let mut w = matvec(&basis[j]);
        let matvecs = j + 1;
        let a = dot(&basis[j], &w);
        alpha.push(a);
        // full reorthogonalisation, twice ("twice is enough", Kahan–Parlett)
        for _ in 0..2 {
            for qi in &basis {
                let c = dot(qi, &w);
                w.iter_mut().zip(qi).for_each(|(wi, qv)| *wi -= c * qv);
            }
        }
        let b = norm(&w);
        let k = j + 1;
        let mut t = DMatrix::<f64>::zeros(k, k);
        for i in 0..k {
            t[(i, i)] = alpha[i];
            if i + 1 < k {
                t[(i, i + 1)] = beta[i];
                t[(i + 1, i)] = beta[i];
            }
        }
        let eig = t.symmetric_eigen();
        let mut order: Vec<usize> = (0..k).collect();
        order.sort_by(|&x, &y| eig.eigenvalues[x].total_cmp(&eig.eigenvalues[y]));
        let (lo, hi) = (order[0], order[k - 1]);
        let scale = eig.eigenvalues[lo]
            .abs()
            .max(eig.eigenvalues[hi].abs())
            .max(f64::MIN_POSITIVE);
        let res_lo = (b * eig.eigenvectors[(k - 1, lo)]).abs();
        let res_hi = (b * eig.eigenvectors[(k - 1, hi)]).abs();
        result = LanczosResult {
            smallest: eig.eigenvalues[lo],
            largest: eig.eigenvalues[hi],
            matvecs,
            converged: false,
            ritz_values: order.iter().map(|&i| eig.eigenvalues[i]).collect(),
        };
        let invariant = b <= 1e-14 * scale;
        if invariant || k == n || (res_lo <= opts.tolerance * scale && res_hi <= opts.tolerance * scale) {
            result.converged = true;
            break;
        }
        beta.push(b);
        basis.push(w.iter().map(|a| a / b).collect());
    }
    result
}

/// Extreme Hessian eigenvalues of `model` at `x` by Lanczos on HVPs (the matrix is never formed).
///
/// ```
/// use hesse_core::RecordedFn;
/// use hesse_critical::{extreme_eigenvalues, LanczosOptions};
/// let mut f = RecordedFn::new_vector(|w| w.index(0).powi(2) - 3.0 * w.index(1).powi(2), &[0.0, 0.0]);
/// let r = extreme_eigenvalues(&mut f, &[0.0, 0.0], LanczosOptions::default());
/// assert!((r.smallest + 6.0).abs() < 1e-10 && (r.largest - 2.0).abs() < 1e-10);
/// ```
pub fn extreme_eigenvalues(
    model: &mut dyn TwiceDifferentiable,
    x: &[f64],
    opts: LanczosOptions,
) -> LanczosResult {
    let n = model.dim();
    lanczos_extremes(n, &mut |v| model.hvp(x, v), opts)
}

/// A Hutchinson trace estimate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TraceEstimate {
    /// Mean of `zᵀHz` over the samples.
    pub mean: f64,
    /// Standard error of the mean.
    pub std_error: f64,
    /// Number of samples (HVPs).
    pub samples: usize,
}

/// Hutchinson's estimator of tr(H): the mean of `zᵀHz` over Rademacher vectors z (entries ±1),
/// unbiased, with its standard error. Reference: Hutchinson (1990),
/// doi:10.1080/03610919008812866.
///
/// ```
/// use hesse_core::RecordedFn;
/// let mut f = RecordedFn::new_vector(|w| (w.square() * 1.5).sum(), &[0.0; 4]);
/// let t = hesse_critical::hutchinson_trace(&mut f, &[0.0; 4], 10, 0);
/// assert_eq!(t.mean, 12.0); // diagonal Hessian: every sample is exact
/// ```
pub fn hutchinson_trace(
    model: &mut dyn TwiceDifferentiable,
    x: &[f64],
    samples: usize,
    seed: u64,
) -> TraceEstimate {
    let n = model.dim();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut values = Vec::with_capacity(samples);
    for _ in 0..samples {
        let z: Vec<f64> = (0..n)
            .map(|_| if rng.random_bool(0.5) { 1.0 } else { -1.0 })
            .collect();
        let hz = model.hvp(x, &z);
        values.push(dot(&z, &hz));
    }
    let k = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / k;
    let var = if values.len() > 1 {
        values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (k - 1.0)
    } else {
        0.0
    };
    TraceEstimate {
        mean,
        std_error: (var / k).sqrt(),
        samples: values.len(),
    }
}
