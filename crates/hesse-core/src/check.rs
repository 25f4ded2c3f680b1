//! Gradient checking as a feature: compare the engine with central finite differences.
//!
//! - [`check_gradient`] compares `∇f` with central differences of `f`.
//! - [`check_hessian`] compares the engine Hessian with central differences of the **engine
//!   gradient** (second order from first), the test JAX's `check_grads(order=2)` and Stan's
//!   `expect_ad` run.
//! - [`check_gradient_fn`] and [`check_hessian_fn`] check **hand-written** derivatives the same
//!   way, as PyTorch's `gradcheck` checks a custom backward.
//!
//! Each entry reports the engine value, the finite difference and the error
//! `|engine − fd| / max(1, |fd|)`: relative for large entries, absolute near zero, so a
//! derivative that should vanish is not judged by a relative error of noise.
//!
//! The estimate is a central difference with one Richardson extrapolation,
//! `(4·D(h/2) − D(h)) / 3`, whose truncation error is O(h⁴) instead of O(h²); the step is
//! `h = step · max(1, |xᵢ|)` with `step = ε^(1/5) ≈ 7e-4` by default, which balances that
//! truncation against the O(ε/h) rounding error.

use crate::matrix::Matrix;
use crate::transforms::{hessian, value_and_grad};
use crate::var::Var;

/// Options of a derivative check.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CheckOptions {
    /// Relative step of the central difference.
    pub step: f64,
    /// Largest accepted error `|engine − fd| / max(1, |fd|)`.
    pub tolerance: f64,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            step: f64::EPSILON.powf(0.2),
            tolerance: 1e-6,
        }
    }
}

impl CheckOptions {
    /// Sets the relative step.
    pub fn with_step(mut self, step: f64) -> Self {
        self.step = step;
        self
    }

    /// Sets the tolerance.
    pub fn with_tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = tolerance;
        self
    }
}

/// One compared entry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CheckEntry {
    /// Row (the gradient component, or the Hessian row).
    pub row: usize,
    /// Column (0 for a gradient).
    pub col: usize,
    /// The engine's value.
    pub engine: f64,
    /// The central-difference estimate.
    pub finite_difference: f64,
    /// `|engine − fd| / max(1, |fd|)`.
    pub error: f64,
}

/// The result of a derivative check, entry by entry.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckReport {
    /// Every compared entry.
    pub entries: Vec<CheckEntry>,
    /// The tolerance used.
    pub tolerance: f64,
}

impl CheckReport {
    /// The largest error.
    pub fn max_error(&self) -> f64 {
        self.entries.iter().map(|e| e.error).fold(0.0, f64::max)
    }

    /// The entry with the largest error, if any.
    pub fn worst(&self) -> Option<&CheckEntry> {
        self.entries.iter().max_by(|a, b| a.error.total_cmp(&b.error))
    }

    /// Whether every error is within the tolerance (NaN errors fail).
    pub fn passed(&self) -> bool {
        self.entries.iter().all(|e| within(e.error, self.tolerance))
    }

    /// Entries above the tolerance.
    pub fn failures(&self) -> Vec<CheckEntry> {
        self.entries
            .iter()
            .filter(|e| !within(e.error, self.tolerance))
            .copied()
            .collect()
    }
}

impl std::fmt::Display for CheckReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verdict = if self.passed() { "passed" } else { "FAILED" };
        writeln!(
            f,
            "{verdict}: {} entries, max error {:.3e} (tolerance {:.1e})",
            self.entries.len(),
            self.max_error(),
            self.tolerance
        )?;
        for e in self.failures() {
            writeln!(
                f,
                "  [{}, {}] engine {:.12e}  fd {:.12e}  error {:.3e}",
                e.row, e.col, e.engine, e.finite_difference, e.error
            )?;
        }
        Ok(())
    }
}

/// `error ≤ tolerance`, false for a NaN error.
fn within(error: f64, tolerance: f64) -> bool {
    error <= tolerance
}

fn entry(row: usize, col: usize, engine: f64, fd: f64) -> CheckEntry {
    CheckEntry {
        row,
        col,
        engine,
        finite_difference: fd,
        error: (engine - fd).abs() / fd.abs().max(1.0),
    }
}

/// Central difference of a vector-valued `g` along coordinate `i`, Richardson-extrapolated,
/// with the step shrunk (by 4, up to 4 times) until two successive estimates agree to a tenth
/// of `tolerance`: on steep functions the first step can be too coarse for any fixed rule.
fn central(
    g: &mut dyn FnMut(&[f64]) -> Vec<f64>,
    x: &[f64],
    i: usize,
    step: f64,
    tolerance: f64,
) -> Vec<f64> {
    let mut d = |h: f64| -> Vec<f64> {
        let mut xp = x.to_vec();
        let mut xm = x.to_vec();
        xp[i] += h;
        xm[i] -= h;
        // the step actually taken, after rounding of x ± h
        let h2 = xp[i] - xm[i];
        g(&xp)
            .iter()
            .zip(g(&xm))
            .map(|(a, b)| (a - b) / h2)
            .collect::<Vec<f64>>()
    };
    let mut richardson = |h: f64| -> Vec<f64> {
        let coarse = d(h);
        let fine = d(h / 2.0);
        fine.iter()
            .zip(coarse)
            .map(|(f, c)| (4.0 * f - c) / 3.0)
            .collect()
    };
    let mut h = step * x[i].abs().max(1.0);
    let mut estimate = richardson(h);
    for _ in 0..4 {
        h /= 4.0;
        let next = richardson(h);
        let settled = next
            .iter()
            .zip(&estimate)
            .all(|(a, b)| (a - b).abs() <= 0.1 * tolerance * a.abs().max(1.0));
        estimate = next;
        if settled {
            break;
        }
    }
    estimate
}

/// Compares the engine gradient of `f` at `x` with central differences of `f`.
///
/// ```
/// use hesse_core::check::{check_gradient, CheckOptions};
/// let report = check_gradient(|x| x[0].sin() * x[1].exp(), &[0.3, -0.2], CheckOptions::default());
/// assert!(report.passed(), "{report}");
/// ```
pub fn check_gradient<F>(f: F, x: &[f64], opts: CheckOptions) -> CheckReport
where
    F: crate::LossFn, // a closure stored in a `let` needs `hesse::function(|x| ...)` around it
{
    check_gradient_fn(|p| value_and_grad(&f, p).0, |p| value_and_grad(&f, p).1, x, opts)
}

/// Compares a **hand-written gradient** with central differences of the function, as
/// PyTorch's `gradcheck` does for a custom backward: `value` and `gradient` are plain `f64`
/// functions (no tape involved).
///
/// # Panics
/// If `gradient(x)` does not have `x.len()` entries.
///
/// ```
/// use hesse_core::check::{check_gradient_fn, CheckOptions};
/// let f = |x: &[f64]| x[0].sin() * x[1];
/// let right = |x: &[f64]| vec![x[0].cos() * x[1], x[0].sin()];
/// let wrong = |x: &[f64]| vec![x[0].cos() * x[1], x[0].cos()];
/// let opts = CheckOptions::default();
/// assert!(check_gradient_fn(f, right, &[0.4, 2.0], opts).passed());
/// let report = check_gradient_fn(f, wrong, &[0.4, 2.0], opts);
/// assert!(!report.passed());
/// assert_eq!(report.failures()[0].row, 1);
/// ```
#[track_caller]
pub fn check_gradient_fn<V, G>(value: V, gradient: G, x: &[f64], opts: CheckOptions) -> CheckReport
where
    V: Fn(&[f64]) -> f64,
    G: Fn(&[f64]) -> Vec<f64>,
{
    let g = gradient(x);
    assert_eq!(
        g.len(),
        x.len(),
        "check_gradient_fn: the gradient has {} entries at a point of {}",
        g.len(),
        x.len()
    );
    let mut value = |p: &[f64]| vec![value(p)];
    let entries = (0..x.len())
        .map(|i| {
            entry(
                i,
                0,
                g[i],
                central(&mut value, x, i, opts.step, opts.tolerance)[0],
            )
        })
        .collect();
    CheckReport {
        entries,
        tolerance: opts.tolerance,
    }
}

/// Compares the engine Hessian of `f` at `x` with central differences of the engine gradient.
///
/// ```
/// use hesse_core::check::{check_hessian, CheckOptions};
/// let opts = CheckOptions::default().with_tolerance(1e-5);
/// let report = check_hessian(|x| x[0].tanh() * x[1].powi(3), &[0.3, -0.7], opts);
/// assert!(report.passed(), "{report}");
/// ```
pub fn check_hessian<F>(f: F, x: &[f64], opts: CheckOptions) -> CheckReport
where
    F: crate::LossFn, // a closure stored in a `let` needs `hesse::function(|x| ...)` around it
{
    check_hessian_fn(|p| value_and_grad(&f, p).1, |p| hessian(&f, p), x, opts)
}

/// Compares a **hand-written Hessian** with central differences of a gradient (the engine's,
/// or a hand-written one checked by [`check_gradient_fn`]).
///
/// # Panics
/// If `hessian(x)` is not `n × n` for `n = x.len()`.
///
/// ```
/// use hesse_core::check::{check_hessian_fn, CheckOptions};
/// use hesse_core::Matrix;
/// // f = x²y: ∇f = (2xy, x²), H = [[2y, 2x], [2x, 0]].
/// let g = |x: &[f64]| vec![2.0 * x[0] * x[1], x[0] * x[0]];
/// let h = |x: &[f64]| Matrix::new(2, 2, vec![2.0 * x[1], 2.0 * x[0], 2.0 * x[0], 0.0]);
/// let opts = CheckOptions::default().with_tolerance(1e-6);
/// assert!(check_hessian_fn(g, h, &[1.5, -0.5], opts).passed());
/// ```
#[track_caller]
pub fn check_hessian_fn<G, H>(gradient: G, hessian: H, x: &[f64], opts: CheckOptions) -> CheckReport
where
    G: Fn(&[f64]) -> Vec<f64>,
    H: Fn(&[f64]) -> Matrix,
{
    let h: Matrix = hessian(x);
    let n = x.len();
    assert!(
        h.rows() == n && h.cols() == n,
        "check_hessian_fn: the Hessian is {}×{} at a point of {n}",
        h.rows(),
        h.cols()
    );
    let mut gradient = |p: &[f64]| gradient(p);
    let mut entries = Vec::with_capacity(n * n);
    for j in 0..n {
        let col = central(&mut gradient, x, j, opts.step, opts.tolerance);
        for (i, fd) in col.into_iter().enumerate() {
            entries.push(entry(i, j, h[(i, j)], fd));
        }
    }
    CheckReport {
        entries,
        tolerance: opts.tolerance,
    }
}

/// [`check_gradient`] for a closure over one rank-1 `Var`.
///
/// ```
/// use hesse_core::check::{check_gradient_vector, CheckOptions};
/// let r = check_gradient_vector(|w| w.tanh().sum(), &[0.1, 0.2], CheckOptions::default());
/// assert!(r.passed());
/// ```
pub fn check_gradient_vector<F>(f: F, x: &[f64], opts: CheckOptions) -> CheckReport
where
    F: crate::VectorLossFn, // a closure in a `let` needs `hesse::vector::function(|w| ...)`
{
    check_gradient(|xs| f(Var::stack(xs)), x, opts)
}

/// [`check_hessian`] for a closure over one rank-1 `Var`.
///
/// ```
/// use hesse_core::check::{check_hessian_vector, CheckOptions};
/// let r = check_hessian_vector(|w| w.tanh().sum(), &[0.1, 0.2], CheckOptions::default().with_tolerance(1e-5));
/// assert!(r.passed());
/// ```
pub fn check_hessian_vector<F>(f: F, x: &[f64], opts: CheckOptions) -> CheckReport
where
    F: crate::VectorLossFn, // a closure in a `let` needs `hesse::vector::function(|w| ...)`
{
    check_hessian(|xs| f(Var::stack(xs)), x, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_derivative_is_caught() {
        // sign(x)·x² has derivative 2|x|; relu-masking its rule would not. Here we fake a
        // wrong gradient by comparing against a different function's FD.
        let r = check_gradient(|x| x[0].powi(3), &[2.0], CheckOptions::default());
        assert!(r.passed());
        let bad = entry(0, 0, 12.0, 13.0);
        assert!(bad.error > 1e-6);
    }
}
