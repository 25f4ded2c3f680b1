//! Custom rules: a black-box function (any Rust code on `f64`s — a simulator, a special
//! function from another crate, a hand-tuned kernel) recorded as one node, with its
//! derivative supplied by the user as a vector-Jacobian rule **written in `Var` ops**. As
//! with every built-in op, the rule's result is a graph on the tape, so it differentiates
//! again: Hessians, HVPs and higher derivatives of a loss through a custom function are
//! exact as far as the rule is (a rule that itself calls a custom function — the black
//! box's derivative — needs that function's own rule for the next order).
//!
//! A custom node is replayed like every other node that runs through its kernel: the
//! recording calls the function again at every replay (the interpreter's generic node;
//! programs holding one are not compiled to native code nor fused), so recorded
//! functions, their Hessians and the parallel Hessian columns all give the eager tape's
//! answers.
//!
//! **Contract.** The function must be pure (its output depends only on its input: replays
//! may merge two applications to the same input, and skip one whose input is constant), and
//! must write every element of its output. Check a rule against the function with
//! [`check_gradient_fn`](crate::check::check_gradient_fn) or, through the engine, with
//! [`check_gradient`](crate::check::check_gradient) and
//! [`check_hessian`](crate::check::check_hessian), which compare with finite differences of
//! the function's values.

use std::fmt;

use crate::shape::Shape;
use crate::tape::Inputs;
use crate::var::Var;

/// The function's values: input values in, output values out (row-major, every element
/// written).
type ValueFn = dyn Fn(&[f64], &mut [f64]) + Send + Sync;
/// The output shape for an input shape.
type ShapeFn = dyn Fn(&[usize]) -> Vec<usize> + Send + Sync;
/// The rule: `(g, x, y) ↦` the cotangent of `x`, in `Var` ops.
type RuleFn = dyn for<'t> Fn(Var<'t>, Var<'t>, Var<'t>) -> Var<'t> + Send + Sync;

/// A black-box function of one `Var` (scalar, vector or matrix) with a user-written
/// vector-Jacobian rule. Made once — in a `static` through [`std::sync::LazyLock`], or
/// with [`CustomFn::leak`] — and applied with [`Var::custom`].
///
/// ```
/// use std::sync::LazyLock;
/// use hesse_core::ops::CustomFn;
/// use hesse_core::{grad, hessian};
///
/// // A "black box": x ↦ x·eˣ computed by plain Rust; its derivative (1 + x)·eˣ written in
/// // Var ops, so that it differentiates again.
/// static XEXP: LazyLock<CustomFn> = LazyLock::new(|| {
///     CustomFn::elementwise("xexp", |x| x * x.exp(), |g, x, _y| g * (1.0 + x) * x.exp())
/// });
/// let f = hesse_core::function(|x| x[0].custom(&XEXP));
/// assert_eq!(grad(&f, &[0.0]), [1.0]);
/// assert_eq!(hessian(&f, &[0.0]).to_rows(), vec![vec![2.0]]); // (2 + x)·eˣ at 0
/// ```
pub struct CustomFn {
    name: String,
    shape: Box<ShapeFn>,
    value: Box<ValueFn>,
    rule: Box<RuleFn>,
}

impl CustomFn {
    /// A function from inputs of any shape to outputs of the shape `out_shape` gives, with
    /// values from `value` (input values, output buffer) and the vector-Jacobian rule `rule`:
    /// `rule(g, x, y)` returns the cotangent of `x` (of `x`'s shape) for the output cotangent
    /// `g` (of the output's shape), the input `x` and the output `y`.
    ///
    /// ```
    /// use hesse_core::ops::CustomFn;
    /// // x ↦ (Σx, Σx²), a vector of 2; J = [1ᵀ; 2xᵀ], so Jᵀg = g₀·1 + 2g₁·x.
    /// let sums = CustomFn::new(
    ///     "sums",
    ///     |_shape| vec![2],
    ///     |x, out| {
    ///         out[0] = x.iter().sum();
    ///         out[1] = x.iter().map(|v| v * v).sum();
    ///     },
    ///     |g, x, _y| g.slice(0, 0, 1) + 2.0 * g.slice(0, 1, 1) * x,
    /// )
    /// .leak();
    /// let f = hesse_core::vector::function(|w| w.custom(sums).slice(0, 1, 1).sum());
    /// assert_eq!(hesse_core::vector::grad(f, &[1.0, -2.0]), [2.0, -4.0]);
    /// ```
    pub fn new(
        name: &str,
        out_shape: impl Fn(&[usize]) -> Vec<usize> + Send + Sync + 'static,
        value: impl Fn(&[f64], &mut [f64]) + Send + Sync + 'static,
        rule: impl for<'t> Fn(Var<'t>, Var<'t>, Var<'t>) -> Var<'t> + Send + Sync + 'static,
    ) -> CustomFn {
        CustomFn {
            name: name.to_string(),
            shape: Box::new(out_shape),
            value: Box::new(value),
            rule: Box::new(rule),
        }
    }

    /// A function applied to each element (`out` has the input's shape); `rule(g, x, y)`
    /// is usually `g * f'(x)` with `f'` in `Var` ops.
    ///
    /// ```
    /// use hesse_core::ops::CustomFn;
    /// let cube = CustomFn::elementwise("cube", |x| x * x * x, |g, x, _y| g * 3.0 * x.square()).leak();
    /// assert_eq!(hesse_core::vector::grad(|w| w.custom(cube).sum(), &[1.0, 2.0]), [3.0, 12.0]);
    /// ```
    pub fn elementwise(
        name: &str,
        value: impl Fn(f64) -> f64 + Send + Sync + 'static,
        rule: impl for<'t> Fn(Var<'t>, Var<'t>, Var<'t>) -> Var<'t> + Send + Sync + 'static,
    ) -> CustomFn {
        CustomFn::new(
            name,
            |s| s.to_vec(),
            move |x, out| out.iter_mut().zip(x).for_each(|(o, &v)| *o = value(v)),
            rule,
        )
    }

    /// A scalar function of its input's values (a black-box energy or likelihood);
    /// `rule(g, x, y)` is `g` times the gradient, in `Var` ops.
    ///
    /// ```
    /// use hesse_core::ops::CustomFn;
    /// // ‖x‖ by plain Rust; its gradient x/‖x‖ = x/y.
    /// let norm = CustomFn::scalar("norm", |x| x.iter().map(|v| v * v).sum::<f64>().sqrt(), |g, x, y| g * x / y).leak();
    /// assert_eq!(hesse_core::vector::grad(|w| w.custom(norm), &[3.0, 4.0]), [0.6, 0.8]);
    /// ```
    pub fn scalar(
        name: &str,
        value: impl Fn(&[f64]) -> f64 + Send + Sync + 'static,
        rule: impl for<'t> Fn(Var<'t>, Var<'t>, Var<'t>) -> Var<'t> + Send + Sync + 'static,
    ) -> CustomFn {
        CustomFn::new(name, |_| Vec::new(), move |x, out| out[0] = value(x), rule)
    }

    /// The function for the life of the program, to apply with [`Var::custom`] (a function
    /// made once; a `static` [`LazyLock`](std::sync::LazyLock) does the same without a leak).
    ///
    /// ```
    /// let sq = hesse_core::ops::CustomFn::elementwise("sq", |x| x * x, |g, x, _| 2.0 * g * x).leak();
    /// assert_eq!(sq.name(), "sq");
    /// ```
    pub fn leak(self) -> &'static CustomFn {
        Box::leak(Box::new(self))
    }

    /// The function's name (in the tape's `Debug` output and in messages).
    ///
    /// ```
    /// let f = hesse_core::ops::CustomFn::scalar("energy", |x| x[0], |g, _x, _y| g);
    /// assert_eq!(f.name(), "energy");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs the function on `x` into `out` (the forward kernel).
    pub(crate) fn forward(&self, x: &[f64], out: &mut [f64]) {
        (self.value)(x, out)
    }

    /// The cotangent of the input, checked to have the input's shape.
    pub(crate) fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, y: Var<'t>) -> Var<'t> {
        let c = (self.rule)(g, x, y);
        assert_eq!(
            c.shape(),
            x.shape(),
            "custom function `{}`: its rule returned a cotangent of shape {:?} for an input of shape {:?}",
            self.name,
            c.shape(),
            x.shape()
        );
        c.onto(x.tape(), &self.name)
    }
}

impl fmt::Debug for CustomFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CustomFn({})", self.name)
    }
}

/// A custom function in an [`Op`](crate::ops::Op): the same function is the same op.
#[derive(Clone, Copy)]
pub struct Custom(pub &'static CustomFn);

impl PartialEq for Custom {
    fn eq(&self, other: &Custom) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl fmt::Debug for Custom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'t> Var<'t> {
    /// Applies the custom function `f` (see [`CustomFn`]): its value by its own code, its
    /// derivatives by its rule.
    ///
    /// # Panics
    /// If the rule, when derivatives are taken, returns a cotangent of another shape than
    /// the input's.
    ///
    /// ```
    /// use std::sync::LazyLock;
    /// use hesse_core::ops::CustomFn;
    /// static SOFTSIGN: LazyLock<CustomFn> = LazyLock::new(|| {
    ///     CustomFn::elementwise("softsign", |x| x / (1.0 + x.abs()), |g, x, _| g / (1.0 + x.abs()).square())
    /// });
    /// let mut rec = hesse_core::RecordedFn::new(|x| x[0].custom(&SOFTSIGN) * x[1], &[0.0, 1.0]);
    /// assert_eq!(rec.value_and_grad(&[1.0, 2.0]), (1.0, vec![0.5, 0.5]));
    /// ```
    pub fn custom(self, f: &'static CustomFn) -> Var<'t> {
        let shape: Shape = (f.shape)(&self.shape()).into_iter().collect();
        let mut inputs = Inputs::new();
        inputs.push(self.idx());
        self.tape.push(crate::ops::Op::Custom(Custom(f)), inputs, shape)
    }
}
