//! The [`Objective`] trait the solvers share, and its implementation for plain closures,
//! [`FnObjective`]. The engine-backed objectives, `VarObjective` and `VectorObjective`, live
//! in [`engine`](crate::engine).
//!
//! An objective is `&mut self` everywhere, so it may keep scratch buffers, a tape, or a
//! mini-batch cursor (a stochastic objective for [`Adam`](crate::Adam) advances its batch on
//! every call).

use crate::OptimError;

/// A function `f: ℝⁿ → ℝ` to minimize, with its gradient and optionally Hessian-vector products.
///
/// Implementors provide [`dim`](Objective::dim) and
/// [`value_and_grad`](Objective::value_and_grad) — one pass for both, the `jac=True`
/// convention, so a line search never pays a second forward pass. [`value`](Objective::value)
/// defaults to `value_and_grad` with a scratch gradient; override it when a value alone is
/// cheaper. [`hvp`](Objective::hvp) defaults to [`OptimError::Unsupported`]; an objective that
/// overrides it also returns `true` from [`supports_hvp`](Objective::supports_hvp).
///
/// The gradient out-slice is the buffer-reuse exception for hot loops (C-NO-OUT).
///
/// # Panics
/// Implementations may panic if `x`, `grad`, `v` or `out` do not have length `dim()`; the
/// solvers never pass other lengths.
///
/// ```
/// use hesse_optim::Objective;
///
/// /// f(x) = ½‖x‖², ∇f = x, ∇²f = I.
/// struct HalfSquare(usize);
/// impl Objective for HalfSquare {
///     fn dim(&self) -> usize { self.0 }
///     fn value_and_grad(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
///         grad.copy_from_slice(x);
///         0.5 * x.iter().map(|v| v * v).sum::<f64>()
///     }
/// }
/// let mut f = HalfSquare(2);
/// assert_eq!(f.value(&[3.0, 4.0]), 12.5);
/// assert!(!f.supports_hvp());
/// assert!(f.hvp(&[0.0; 2], &[1.0; 2], &mut [0.0; 2]).is_err());
/// ```
pub trait Objective {
    /// The number of variables n.
    fn dim(&self) -> usize;

    /// f(x). The default calls [`value_and_grad`](Objective::value_and_grad) with a scratch
    /// gradient (one allocation).
    fn value(&mut self, x: &[f64]) -> f64 {
        let mut g = vec![0.0; x.len()];
        self.value_and_grad(x, &mut g)
    }

    /// f(x), writing ∇f(x) into `grad`, in one pass.
    fn value_and_grad(&mut self, x: &[f64], grad: &mut [f64]) -> f64;

    /// Writes the Hessian-vector product ∇²f(x)·v into `out`.
    ///
    /// # Errors
    /// The default returns [`OptimError::Unsupported`].
    fn hvp(&mut self, x: &[f64], v: &[f64], out: &mut [f64]) -> Result<(), OptimError> {
        let _ = (x, v, out);
        Err(OptimError::Unsupported {
            what: "hessian-vector products",
        })
    }

    /// Whether [`hvp`](Objective::hvp) is implemented. Defaults to `false`.
    fn supports_hvp(&self) -> bool {
        false
    }

    /// Writes the dense Hessian ∇²f(x), row-major n×n, into `out` (length n²).
    ///
    /// The default assembles it from n Hessian-vector products with the unit vectors eⱼ
    /// (column j = ∇²f(x)·eⱼ) and symmetrizes it, (H + Hᵀ)/2; engine objectives override it
    /// with the engine's Hessian.
    ///
    /// # Errors
    /// As [`hvp`](Objective::hvp): [`OptimError::Unsupported`] without Hessian-vector
    /// products.
    fn hessian(&mut self, x: &[f64], out: &mut [f64]) -> Result<(), OptimError> {
        hessian_from_hvps(self, x, out)
    }
}

/// The default of [`Objective::hessian`]: n products with the unit vectors, symmetrized.
pub(crate) fn hessian_from_hvps<O: Objective + ?Sized>(
    obj: &mut O,
    x: &[f64],
    out: &mut [f64],
) -> Result<(), OptimError> {
    let n = x.len();
    let (mut e, mut col) = (vec![0.0; n], vec![0.0; n]);
    for j in 0..n {
        e[j] = 1.0;
        obj.hvp(x, &e, &mut col)?;
        e[j] = 0.0;
        for i in 0..n {
            out[i * n + j] = col[i];
        }
    }
    for i in 0..n {
        for j in 0..i {
            let m = 0.5 * (out[i * n + j] + out[j * n + i]);
            out[i * n + j] = m;
            out[j * n + i] = m;
        }
    }
    Ok(())
}

impl<O: Objective + ?Sized> Objective for &mut O {
    fn dim(&self) -> usize {
        (**self).dim()
    }
    fn value(&mut self, x: &[f64]) -> f64 {
        (**self).value(x)
    }
    fn value_and_grad(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        (**self).value_and_grad(x, grad)
    }
    fn hvp(&mut self, x: &[f64], v: &[f64], out: &mut [f64]) -> Result<(), OptimError> {
        (**self).hvp(x, v, out)
    }
    fn supports_hvp(&self) -> bool {
        (**self).supports_hvp()
    }
    fn hessian(&mut self, x: &[f64], out: &mut [f64]) -> Result<(), OptimError> {
        (**self).hessian(x, out)
    }
}

/// Marker for an [`FnObjective`] without Hessian-vector products.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHvp;

/// An [`Objective`] from a closure `|x, grad| -> f` that returns f(x) and writes ∇f(x).
///
/// Add Hessian-vector products with [`with_hvp`](FnObjective::with_hvp). For losses written
/// with hesse-core `Var`s, prefer [`VarObjective`](crate::VarObjective): the engine then
/// supplies exact gradients and HVPs.
///
/// ```
/// use hesse_optim::{FnObjective, Objective};
///
/// // f(x) = x₀² + 3x₁², with ∇f and ∇²f·v by hand.
/// let mut obj = FnObjective::new(2, |x: &[f64], g: &mut [f64]| {
///     g[0] = 2.0 * x[0];
///     g[1] = 6.0 * x[1];
///     x[0] * x[0] + 3.0 * x[1] * x[1]
/// })
/// .with_hvp(|_x: &[f64], v: &[f64], out: &mut [f64]| {
///     out[0] = 2.0 * v[0];
///     out[1] = 6.0 * v[1];
/// });
/// let mut g = [0.0; 2];
/// assert_eq!(obj.value_and_grad(&[1.0, 1.0], &mut g), 4.0);
/// assert_eq!(g, [2.0, 6.0]);
/// let mut hv = [0.0; 2];
/// obj.hvp(&[1.0, 1.0], &[1.0, 1.0], &mut hv)?;
/// assert_eq!(hv, [2.0, 6.0]);
/// # Ok::<(), hesse_optim::OptimError>(())
/// ```
#[derive(Clone)]
pub struct FnObjective<F, H = NoHvp> {
    dim: usize,
    f: F,
    hvp: H,
}

impl<F> FnObjective<F, NoHvp>
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
{
    /// An objective of dimension `dim` from `f(x, grad) -> value`.
    pub fn new(dim: usize, f: F) -> Self {
        FnObjective { dim, f, hvp: NoHvp }
    }

    /// Adds Hessian-vector products `hvp(x, v, out)` writing ∇²f(x)·v into `out`.
    pub fn with_hvp<H>(self, hvp: H) -> FnObjective<F, H>
    where
        H: FnMut(&[f64], &[f64], &mut [f64]),
    {
        FnObjective {
            dim: self.dim,
            f: self.f,
            hvp,
        }
    }
}

impl<F, H> std::fmt::Debug for FnObjective<F, H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FnObjective")
            .field("dim", &self.dim)
            .finish_non_exhaustive()
    }
}

impl<F> Objective for FnObjective<F, NoHvp>
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
{
    fn dim(&self) -> usize {
        self.dim
    }
    fn value_and_grad(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        (self.f)(x, grad)
    }
}

impl<F, H> Objective for FnObjective<F, H>
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
    H: FnMut(&[f64], &[f64], &mut [f64]),
{
    fn dim(&self) -> usize {
        self.dim
    }
    fn value_and_grad(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        (self.f)(x, grad)
    }
    fn hvp(&mut self, x: &[f64], v: &[f64], out: &mut [f64]) -> Result<(), OptimError> {
        (self.hvp)(x, v, out);
        Ok(())
    }
    fn supports_hvp(&self) -> bool {
        true
    }
}

/// Evaluation counts kept by the driver.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) f: usize,
    pub(crate) g: usize,
    pub(crate) hvp: usize,
    pub(crate) hess: usize,
}

/// The driver's wrapper: forwards to the user's objective and counts every call, so no solver
/// has to (and none can forget to).
pub(crate) struct Counted<'a> {
    inner: &'a mut dyn Objective,
    pub(crate) counts: Counts,
}

impl<'a> Counted<'a> {
    pub(crate) fn new(inner: &'a mut dyn Objective) -> Self {
        Counted {
            inner,
            counts: Counts::default(),
        }
    }
}

impl Objective for Counted<'_> {
    fn dim(&self) -> usize {
        self.inner.dim()
    }
    fn value(&mut self, x: &[f64]) -> f64 {
        self.counts.f += 1;
        self.inner.value(x)
    }
    fn value_and_grad(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        self.counts.f += 1;
        self.counts.g += 1;
        self.inner.value_and_grad(x, grad)
    }
    fn hvp(&mut self, x: &[f64], v: &[f64], out: &mut [f64]) -> Result<(), OptimError> {
        self.counts.hvp += 1;
        self.inner.hvp(x, v, out)
    }
    fn supports_hvp(&self) -> bool {
        self.inner.supports_hvp()
    }
    fn hessian(&mut self, x: &[f64], out: &mut [f64]) -> Result<(), OptimError> {
        self.counts.hess += 1;
        self.inner.hessian(x, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_counts_each_kind() {
        let mut obj = FnObjective::new(1, |x: &[f64], g: &mut [f64]| {
            g[0] = 2.0 * x[0];
            x[0] * x[0]
        });
        let mut c = Counted::new(&mut obj);
        let mut g = [0.0];
        c.value(&[1.0]);
        c.value_and_grad(&[1.0], &mut g);
        assert!(c.hvp(&[1.0], &[1.0], &mut g).is_err());
        assert_eq!(
            c.counts,
            Counts {
                f: 2,
                g: 1,
                hvp: 1,
                hess: 0
            }
        );
        assert!(!c.supports_hvp());
    }
}

#[cfg(test)]
mod hessian_tests {
    use super::*;

    #[test]
    fn default_hessian_assembles_columns() {
        // issue 19: f = x₀²x₁ + x₁³, ∇²f = [[2x₁, 2x₀], [2x₀, 6x₁]] by hand.
        let mut obj = FnObjective::new(2, |x: &[f64], g: &mut [f64]| {
            g[0] = 2.0 * x[0] * x[1];
            g[1] = x[0] * x[0] + 3.0 * x[1] * x[1];
            x[0] * x[0] * x[1] + x[1].powi(3)
        })
        .with_hvp(|x: &[f64], v: &[f64], out: &mut [f64]| {
            out[0] = 2.0 * x[1] * v[0] + 2.0 * x[0] * v[1];
            out[1] = 2.0 * x[0] * v[0] + 6.0 * x[1] * v[1];
        });
        let mut h = [0.0; 4];
        obj.hessian(&[1.5, -2.0], &mut h).unwrap();
        assert_eq!(h, [-4.0, 3.0, 3.0, -12.0]);
    }
}
