//! Functional transforms, as in JAX: `grad`, `value_and_grad`, `hvp`, `hessian`, `jacobian`
//! take a closure over `Var`s and a point and return plain `f64` data.
//!
//! The closures at the crate root take one scalar `Var` per coordinate (`x[0]`, `x[1]`, …), so
//! a formula reads like the math. [`crate::vector`] has the same transforms for a closure over
//! one rank-1 `Var`, the natural form for flat parameter vectors of networks.
//!
//! - `hvp(v)` is reverse-over-reverse: `∇ₓ⟨∇ₓf, v⟩`.
//! - `hessian` takes row i as the gradient of the i-th gradient component, rewinding the tape
//!   after each row so memory stays flat, then returns `(H + Hᵀ)/2`, exactly symmetric.

use crate::error::CoreError;
use crate::flat::{component, copy_flat, dot_with, flat_values};
use crate::matrix::Matrix;
use crate::tape::Tape;
use crate::var::Var;

#[track_caller]
pub(crate) fn check_scalar(y: &Var<'_>, what: &str) {
    assert!(
        y.len() == 1,
        "{what}: the function must return a scalar, got shape {:?}",
        y.shape()
    );
}

/// Hessian of `y` with respect to `leaves` (n coordinates in all), written into `out`.
pub(crate) fn hessian_into<'t>(tape: &'t Tape, y: Var<'t>, leaves: &[Var<'t>], out: &mut Matrix) {
    let n: usize = leaves.iter().map(|v| v.len()).sum();
    assert!(
        out.rows() == n && out.cols() == n,
        "hessian_to: output is {}×{}, need {n}×{n}",
        out.rows(),
        out.cols()
    );
    let g = tape.grad(y, leaves);
    for i in 0..n {
        let mark = tape.mark();
        let gi = component(&g, i);
        let row = tape.grad(gi, leaves);
        copy_flat(&row, out.row_mut(i));
        tape.rewind(mark);
    }
    symmetrize(out);
}

/// Replaces `M` by `(M + Mᵀ)/2`, exactly symmetric.
///
/// The mean is `0.5·(a + b)`, correctly rounded, unless `a + b` overflows: then it is
/// `0.5·a + 0.5·b`, which is finite (two entries near `f64::MAX` have a finite mean).
pub(crate) fn symmetrize(m: &mut Matrix) {
    for i in 0..m.rows() {
        for j in 0..i {
            let (a, b) = (m[(i, j)], m[(j, i)]);
            let mut s = 0.5 * (a + b);
            if s.is_infinite() && a.is_finite() && b.is_finite() {
                s = 0.5 * a + 0.5 * b;
            }
            m[(i, j)] = s;
            m[(j, i)] = s;
        }
    }
}

/// What the transforms take: a function of one scalar `Var` per coordinate, returning a
/// scalar `Var`, for **every** tape lifetime. `fn` items and closures written inline meet it;
/// a closure stored in a `let` needs [`function`] around it (Rust infers a closure as working
/// for every lifetime only where the signature is known). The transforms state this bound on
/// a line of its own with that advice, so the compiler's "one type is more general than the
/// other" points at it.
///
/// ```
/// use hesse_core::{LossFn, Var};
/// // A helper generic over any loss, as the transforms are.
/// fn value_at<F: LossFn>(f: F, x: &[f64]) -> f64 {
///     hesse_core::value_and_grad(f, x).0
/// }
/// fn sphere<'t>(x: &[Var<'t>]) -> Var<'t> {
///     x.iter().map(|xi| xi.square()).sum()
/// }
/// assert_eq!(value_at(sphere, &[1.0, 2.0]), 5.0);
/// let f = hesse_core::function(|x| x[0].exp());
/// assert_eq!(value_at(&f, &[0.0]), 1.0);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a loss over `Var`s: expected `for<'t> Fn(&[Var<'t>]) -> Var<'t>`",
    note = "write the loss as a `fn` item, or wrap a closure stored in a `let` in `hesse::function(|x| ...)`"
)]
pub trait LossFn: for<'t> Fn(&[Var<'t>]) -> Var<'t> {}

impl<F: for<'t> Fn(&[Var<'t>]) -> Var<'t>> LossFn for F {}

/// [`LossFn`] for a closure over one rank-1 `Var` (the [`vector`] transforms); a closure
/// stored in a `let` needs [`vector::function`] around it.
///
/// ```
/// fn mean_square<F: hesse_core::VectorLossFn>(f: F, x: &[f64]) -> f64 {
///     hesse_core::vector::value_and_grad(f, x).0 / x.len() as f64
/// }
/// assert_eq!(mean_square(|w| w.square().sum(), &[1.0, 3.0]), 5.0);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a loss over a vector `Var`: expected `for<'t> Fn(Var<'t>) -> Var<'t>`",
    note = "write the loss as a `fn` item, or wrap a closure stored in a `let` in `hesse::vector::function(|w| ...)`"
)]
pub trait VectorLossFn: for<'t> Fn(Var<'t>) -> Var<'t> {}

impl<F: for<'t> Fn(Var<'t>) -> Var<'t>> VectorLossFn for F {}

/// Pins a closure to the signature every transform takes, so it can be stored in a `let` and
/// reused: Rust does not infer a closure as working for every tape lifetime unless the
/// signature is known where the closure is written.
///
/// ```
/// let f = hesse_core::function(|x| x[0].sin() * x[1]);
/// assert_eq!(hesse_core::grad(&f, &[0.0, 2.0]), vec![2.0, 0.0]);
/// assert_eq!(hesse_core::hessian(&f, &[0.0, 2.0])[(0, 1)], 1.0);
/// ```
pub fn function<F>(f: F) -> F
where
    F: for<'t> Fn(&[Var<'t>]) -> Var<'t>, // (the bound the closure's signature is inferred from)
{
    f
}

/// [`function`] for a loss of scalar parameters and data `Var`s
/// ([`RecordedFn::new_with_data`](crate::RecordedFn::new_with_data)), so it can be stored in
/// a `let`.
///
/// ```
/// let loss = hesse_core::data_function(|x, d| (x[0] - d[0]).square());
/// let mut rec = hesse_core::RecordedFn::new_with_data(&loss, &[0.0], &[(&[3.0], &[])]);
/// assert_eq!(rec.value_and_grad(&[1.0]), (4.0, vec![-4.0]));
/// ```
pub fn data_function<F>(f: F) -> F
where
    F: for<'t> Fn(&[Var<'t>], &[Var<'t>]) -> Var<'t>,
{
    f
}

/// The gradient of `f` at `x`.
///
/// ```
/// let g = hesse_core::grad(|x| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2), &[-1.2, 1.0]);
/// assert!((g[0] + 215.6).abs() < 1e-9 && (g[1] + 88.0).abs() < 1e-9);
/// ```
pub fn grad<F>(f: F, x: &[f64]) -> Vec<f64>
where
    F: LossFn, // a closure stored in a `let` needs `hesse::function(|x| ...)` around it
{
    value_and_grad(f, x).1
}

/// The value and gradient of `f` at `x`, from one forward and one reverse pass.
///
/// ```
/// let (f, g) = hesse_core::value_and_grad(|x| x[0] * x[1], &[2.0, 3.0]);
/// assert_eq!((f, g), (6.0, vec![3.0, 2.0]));
/// ```
pub fn value_and_grad<F>(f: F, x: &[f64]) -> (f64, Vec<f64>)
where
    F: LossFn, // a closure stored in a `let` needs `hesse::function(|x| ...)` around it
{
    Tape::scratch(|tape| {
        let xs = tape.vars(x);
        let y = f(&xs);
        check_scalar(&y, "value_and_grad");
        let g = tape.grad(y, &xs);
        tape.force_vars(&[&[y], &g[..]].concat());
        (y.value(), flat_values(&g))
    })
}

/// The Hessian-vector product `H(x)·v`, reverse-over-reverse, without forming `H`.
///
/// # Panics
/// If `v.len() != x.len()`.
///
/// ```
/// let hv = hesse_core::hvp(|x| x[0].powi(2) * x[1], &[1.0, 2.0], &[1.0, 0.0]);
/// assert_eq!(hv, vec![4.0, 2.0]);
/// ```
#[track_caller]
pub fn hvp<F>(f: F, x: &[f64], v: &[f64]) -> Vec<f64>
where
    F: LossFn, // a closure stored in a `let` needs `hesse::function(|x| ...)` around it
{
    assert_eq!(
        x.len(),
        v.len(),
        "hvp: point has length {}, direction {}",
        x.len(),
        v.len()
    );
    Tape::scratch(|tape| {
        let xs = tape.vars(x);
        let y = f(&xs);
        check_scalar(&y, "hvp");
        let g = tape.grad(y, &xs);
        let gv = dot_with(tape, &g, v);
        flat_values(&tape.grad(gv, &xs))
    })
}

/// The exact Hessian of `f` at `x`, exactly symmetric.
///
/// ```
/// let h = hesse_core::hessian(|x| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2), &[1.0, 1.0]);
/// assert_eq!(h.to_rows(), vec![vec![802.0, -400.0], vec![-400.0, 200.0]]);
/// ```
///
/// # Panics
/// If the n×n matrix would need more memory than the [dense-memory limit](crate::dense)
/// (4 GB by default: n > 22,360), with a message that names the matrix-free routes;
/// [`try_hessian`] returns that as an error instead.
#[track_caller]
pub fn hessian<F>(f: F, x: &[f64]) -> Matrix
where
    F: LossFn, // a closure stored in a `let` needs `hesse::function(|x| ...)` around it
{
    try_hessian(f, x).unwrap_or_else(|e| panic!("{e}"))
}

/// [`hessian`], or [`CoreError::DenseTooLarge`] — before anything is computed or
/// allocated — when the n×n matrix would need more memory than the
/// [dense-memory limit](crate::dense).
///
/// ```
/// use hesse_core::{dense, try_hessian, CoreError};
/// let sphere = hesse_core::function(|x| x.iter().map(|xi| xi.square()).sum());
/// assert_eq!(try_hessian(&sphere, &[1.0, 2.0])?.to_rows(), vec![vec![2.0, 0.0], vec![0.0, 2.0]]);
/// // 1,000 coordinates need 8 MB: refused under a 1 MB limit.
/// let x = vec![0.5; 1000];
/// match dense::scoped(1_000_000, || try_hessian(&sphere, &x)) {
///     Err(CoreError::DenseTooLarge { n, bytes, .. }) => assert_eq!((n, bytes), (1000, 8_000_000)),
///     other => panic!("{other:?}"),
/// }
/// // The matrix-free route works at any size.
/// assert_eq!(hesse_core::hvp(&sphere, &x, &x)[999], 1.0);
/// # Ok::<(), CoreError>(())
/// ```
///
/// # Errors
/// [`CoreError::DenseTooLarge`] when `8·n²` bytes exceed [`dense::limit`](crate::dense::limit).
pub fn try_hessian<F>(f: F, x: &[f64]) -> Result<Matrix, CoreError>
where
    F: LossFn, // a closure stored in a `let` needs `hesse::function(|x| ...)` around it
{
    crate::dense::check("hessian", x.len())?;
    let mut out = Matrix::zeros(x.len(), x.len());
    hessian_to(f, x, &mut out);
    Ok(out)
}

/// [`hessian`] into a caller's buffer. The caller has allocated the matrix, so the
/// [dense-memory limit](crate::dense) is not checked.
///
/// # Panics
/// If `out` is not n×n.
pub fn hessian_to<F>(f: F, x: &[f64], out: &mut Matrix)
where
    F: LossFn, // a closure stored in a `let` needs `hesse::function(|x| ...)` around it
{
    Tape::scratch(|tape| {
        let xs = tape.vars(x);
        let y = f(&xs);
        check_scalar(&y, "hessian");
        hessian_into(tape, y, &xs, out);
    })
}

/// The Jacobian of a vector function: row i holds the gradient of output element i (outputs
/// are the concatenated elements of the returned `Var`s). Taken by rows (one reverse sweep
/// per output) or, with fewer inputs than outputs, by columns (forward mode, [`crate::jvp`]).
///
/// ```
/// let j = hesse_core::jacobian(|x| vec![x[0] * x[1], x[0].sin()], &[2.0, 3.0]);
/// assert_eq!(j.row(0), &[3.0, 2.0]);
/// assert_eq!(j[(1, 1)], 0.0);
/// ```
///
/// # Panics
/// With the message of [`CoreError::JacobianTooLarge`] when the m×n matrix would need more
/// memory than the [dense-memory limit](crate::dense) ([`try_jacobian`] returns it).
pub fn jacobian<F>(f: F, x: &[f64]) -> Matrix
where
    F: for<'t> Fn(&[Var<'t>]) -> Vec<Var<'t>>,
{
    try_jacobian(f, x).unwrap_or_else(|e| panic!("{e}"))
}

/// [`jacobian`], or [`CoreError::JacobianTooLarge`] — after evaluating `f` once, before the
/// matrix is allocated — when the m×n matrix would need more memory than the
/// [dense-memory limit](crate::dense).
///
/// ```
/// use hesse_core::{dense, try_jacobian, CoreError};
/// fn f<'t>(x: &[hesse_core::Var<'t>]) -> Vec<hesse_core::Var<'t>> {
///     vec![x[0] * x[1], x[0] + x[1], x[1].exp()]
/// }
/// assert_eq!(try_jacobian(f, &[2.0, 0.0])?.row(0), &[0.0, 2.0]);
/// // 3×2 needs 48 bytes.
/// let e = dense::scoped(40, || try_jacobian(f, &[2.0, 0.0])).unwrap_err();
/// assert!(matches!(e, CoreError::JacobianTooLarge { rows: 3, cols: 2, bytes: 48, limit: 40, .. }));
/// assert!(e.to_string().contains("jvp"));
/// # Ok::<(), CoreError>(())
/// ```
pub fn try_jacobian<F>(f: F, x: &[f64]) -> Result<Matrix, CoreError>
where
    F: for<'t> Fn(&[Var<'t>]) -> Vec<Var<'t>>,
{
    let tape = Tape::new();
    let xs = tape.vars(x);
    let ys = f(&xs);
    check_jacobian("jacobian", &ys, x.len())?;
    Ok(crate::forward::jacobian_auto(&tape, &ys, &xs))
}

/// Checks that the m×n Jacobian of outputs `ys` over `n` inputs fits the dense-memory limit.
fn check_jacobian(what: &'static str, ys: &[Var<'_>], n: usize) -> Result<(), CoreError> {
    let m: usize = ys.iter().map(|y| y.len()).sum();
    let bytes = (m as u64).saturating_mul(n as u64).saturating_mul(8);
    let limit = crate::dense::limit();
    if bytes > limit {
        return Err(CoreError::JacobianTooLarge {
            what,
            rows: m,
            cols: n,
            bytes,
            limit,
        });
    }
    Ok(())
}

/// The same transforms for a closure over one rank-1 `Var` (a flat parameter vector).
pub mod vector {
    use super::*;

    /// Pins a closure over one rank-1 `Var` to the signature the transforms take, so it can be
    /// stored in a `let` and reused.
    ///
    /// ```
    /// let f = hesse_core::vector::function(|w| w.square().sum());
    /// assert_eq!(hesse_core::vector::grad(&f, &[1.0, 2.0]), vec![2.0, 4.0]);
    /// ```
    pub fn function<F>(f: F) -> F
    where
        F: for<'t> Fn(Var<'t>) -> Var<'t>,
    {
        f
    }

    /// [`function`] for a loss of a rank-1 parameter `Var` and data `Var`s
    /// ([`RecordedFn::new_vector_with_data`](crate::RecordedFn::new_vector_with_data)), so it
    /// can be stored in a `let`.
    ///
    /// ```
    /// let loss = hesse_core::vector::data_function(|w, d| (w * d[0]).sum());
    /// let mut rec = hesse_core::RecordedFn::new_vector_with_data(&loss, &[1.0, 1.0], &[(&[2.0, 3.0], &[2])]);
    /// assert_eq!(rec.value(&[1.0, 1.0]), 5.0);
    /// ```
    pub fn data_function<F>(f: F) -> F
    where
        F: for<'t> Fn(Var<'t>, &[Var<'t>]) -> Var<'t>,
    {
        f
    }

    /// The gradient of `f` at `x`.
    ///
    /// ```
    /// let g = hesse_core::vector::grad(|w| w.square().sum(), &[1.0, 2.0]);
    /// assert_eq!(g, vec![2.0, 4.0]);
    /// ```
    pub fn grad<F>(f: F, x: &[f64]) -> Vec<f64>
    where
        F: VectorLossFn, // a closure in a `let` needs `hesse::vector::function(|w| ...)`
    {
        value_and_grad(f, x).1
    }

    /// The value and gradient of `f` at `x`.
    ///
    /// ```
    /// let (v, g) = hesse_core::vector::value_and_grad(|w| w.square().sum(), &[1.0, 2.0]);
    /// assert_eq!((v, g), (5.0, vec![2.0, 4.0]));
    /// ```
    pub fn value_and_grad<F>(f: F, x: &[f64]) -> (f64, Vec<f64>)
    where
        F: VectorLossFn, // a closure in a `let` needs `hesse::vector::function(|w| ...)`
    {
        Tape::scratch(|tape| {
            let w = tape.vector(x);
            let y = f(w);
            check_scalar(&y, "value_and_grad");
            let g = tape.grad(y, &[w]);
            tape.force_vars(&[y, g[0]]);
            (y.value(), g[0].to_vec())
        })
    }

    /// The Hessian-vector product `H(x)·v`.
    ///
    /// ```
    /// let hv = hesse_core::vector::hvp(|w| w.powi(3).sum(), &[1.0, 2.0], &[1.0, 1.0]);
    /// assert_eq!(hv, vec![6.0, 12.0]);
    /// ```
    #[track_caller]
    pub fn hvp<F>(f: F, x: &[f64], v: &[f64]) -> Vec<f64>
    where
        F: VectorLossFn, // a closure in a `let` needs `hesse::vector::function(|w| ...)`
    {
        assert_eq!(
            x.len(),
            v.len(),
            "hvp: point has length {}, direction {}",
            x.len(),
            v.len()
        );
        Tape::scratch(|tape| {
            let w = tape.vector(x);
            let y = f(w);
            check_scalar(&y, "hvp");
            let g = tape.grad(y, &[w]);
            let gv = dot_with(tape, &g, v);
            tape.grad(gv, &[w])[0].to_vec()
        })
    }

    /// The exact Hessian of `f` at `x`, exactly symmetric.
    ///
    /// ```
    /// let h = hesse_core::vector::hessian(|w| w.index(0) * w.index(1), &[1.0, 2.0]);
    /// assert_eq!(h.to_rows(), vec![vec![0.0, 1.0], vec![1.0, 0.0]]);
    /// ```
    ///
    /// # Panics
    /// If the n×n matrix would need more memory than the [dense-memory limit](crate::dense);
    /// [`try_hessian`] returns that as an error instead.
    #[track_caller]
    pub fn hessian<F>(f: F, x: &[f64]) -> Matrix
    where
        F: VectorLossFn, // a closure in a `let` needs `hesse::vector::function(|w| ...)`
    {
        try_hessian(f, x).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`hessian`], or [`CoreError::DenseTooLarge`] when the n×n matrix would need more
    /// memory than the [dense-memory limit](crate::dense).
    ///
    /// ```
    /// use hesse_core::{dense, vector};
    /// let f = vector::function(|w| w.square().sum());
    /// assert_eq!(vector::try_hessian(&f, &[1.0])?[(0, 0)], 2.0);
    /// assert!(dense::scoped(100, || vector::try_hessian(&f, &[0.0; 4])).is_err()); // 128 B
    /// # Ok::<(), hesse_core::CoreError>(())
    /// ```
    ///
    /// # Errors
    /// [`CoreError::DenseTooLarge`] when `8·n²` bytes exceed the limit in force.
    pub fn try_hessian<F>(f: F, x: &[f64]) -> Result<Matrix, CoreError>
    where
        F: VectorLossFn, // a closure in a `let` needs `hesse::vector::function(|w| ...)`
    {
        crate::dense::check("vector::hessian", x.len())?;
        let mut out = Matrix::zeros(x.len(), x.len());
        Tape::scratch(|tape| {
            let w = tape.vector(x);
            let y = f(w);
            check_scalar(&y, "hessian");
            hessian_into(tape, y, &[w], &mut out);
        });
        Ok(out)
    }

    /// The Jacobian of a vector-valued `f` (output flattened row-major).
    ///
    /// # Panics
    /// With the message of [`CoreError::JacobianTooLarge`] when the m×n matrix would need
    /// more memory than the [dense-memory limit](crate::dense) ([`try_jacobian`] returns it).
    ///
    /// ```
    /// let j = hesse_core::vector::jacobian(|w| w.square(), &[1.0, 2.0]);
    /// assert_eq!(j.to_rows(), vec![vec![2.0, 0.0], vec![0.0, 4.0]]);
    /// ```
    pub fn jacobian<F>(f: F, x: &[f64]) -> Matrix
    where
        F: VectorLossFn, // a closure in a `let` needs `hesse::vector::function(|w| ...)`
    {
        try_jacobian(f, x).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`jacobian`], or [`CoreError::JacobianTooLarge`] — after evaluating `f` once, before
    /// the matrix is allocated — when the m×n matrix would need more memory than the
    /// [dense-memory limit](crate::dense).
    ///
    /// ```
    /// use hesse_core::{dense, vector};
    /// let f = vector::function(|w| w.square());
    /// assert_eq!(vector::try_jacobian(&f, &[3.0])?[(0, 0)], 6.0);
    /// assert!(dense::scoped(100, || vector::try_jacobian(&f, &[0.0; 4])).is_err()); // 128 B
    /// # Ok::<(), hesse_core::CoreError>(())
    /// ```
    pub fn try_jacobian<F>(f: F, x: &[f64]) -> Result<Matrix, CoreError>
    where
        F: VectorLossFn, // a closure in a `let` needs `hesse::vector::function(|w| ...)`
    {
        let tape = Tape::new();
        let w = tape.vector(x);
        let y = f(w);
        check_jacobian("vector::jacobian", &[y], x.len())?;
        Ok(crate::forward::jacobian_auto(&tape, &[y], &[w]))
    }

    /// The value (flattened row-major) and the Jacobian-vector product `J(x)·v` of a
    /// vector-valued `f` over one rank-1 `Var` (see [`crate::jvp`]).
    ///
    /// # Panics
    /// If `v.len() != x.len()`.
    ///
    /// ```
    /// // f(w) = w², J = diag(2w).
    /// let (y, jv) = hesse_core::vector::jvp(|w| w.square(), &[1.0, 3.0], &[1.0, -1.0]);
    /// assert_eq!((y, jv), (vec![1.0, 9.0], vec![2.0, -6.0]));
    /// ```
    #[track_caller]
    pub fn jvp<F>(f: F, x: &[f64], v: &[f64]) -> (Vec<f64>, Vec<f64>)
    where
        F: VectorLossFn, // a closure in a `let` needs `hesse::vector::function(|w| ...)`
    {
        crate::forward::check_tangent(x, v);
        Tape::scratch(|tape| {
            let w = tape.vector(x);
            let y = f(w).onto(tape, "jvp");
            let tangent = tape.constant(v, &[v.len()]);
            let jv = tape.jvp(&[y], &[w], &[tangent]);
            (y.to_vec(), jv[0].to_vec())
        })
    }
}
