//! The public side of a custom function: [`CustomFn`], made from the user's closures, and
//! [`Var::custom`], which records it. Its rule is read back from the type-erased kernel here.

use std::fmt;

use super::kernel::{Custom, Kernel};
use crate::shape::Shape;
use crate::tape::Inputs;
use crate::var::Var;

/// The rule: `(g, x, y) ↦` the cotangent of `x`, in `Var` ops.
type RuleFn = dyn for<'t> Fn(Var<'t>, Var<'t>, Var<'t>) -> Var<'t> + Send + Sync;

/// A black-box function of one `Var` (scalar, vector or matrix) with a user-written
/// vector-Jacobian rule. Made once — in a `static` through [`std::sync::LazyLock`], or
/// with [`CustomFn::leak`] — and applied with [`Var::custom`].
///
/// ```
/// use std::sync::LazyLock;
/// use hesse_core::CustomFn;
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
    kernel: Kernel,
}

impl CustomFn {
    /// A function from inputs of any shape to outputs of the shape `out_shape` gives, with
    /// values from `value` (input values, output buffer) and the vector-Jacobian rule `rule`:
    /// `rule(g, x, y)` returns the cotangent of `x` (of `x`'s shape) for the output cotangent
    /// `g` (of the output's shape), the input `x` and the output `y`.
    ///
    /// ```
    /// use hesse_core::CustomFn;
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
        let rule: Box<RuleFn> = Box::new(rule);
        CustomFn {
            kernel: Kernel {
                name: name.to_string(),
                shape: Box::new(out_shape),
                value: Box::new(value),
                rule: Box::new(rule),
            },
        }
    }

    /// A function applied to each element (`out` has the input's shape); `rule(g, x, y)`
    /// is usually `g * f'(x)` with `f'` in `Var` ops.
    ///
    /// ```
    /// use hesse_core::CustomFn;
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
    /// use hesse_core::CustomFn;
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
    /// let sq = hesse_core::CustomFn::elementwise("sq", |x| x * x, |g, x, _| 2.0 * g * x).leak();
    /// assert_eq!(sq.name(), "sq");
    /// ```
    pub fn leak(self) -> &'static CustomFn {
        Box::leak(Box::new(self))
    }

    /// The function's name (in the tape's `Debug` output and in messages).
    ///
    /// ```
    /// let f = hesse_core::CustomFn::scalar("energy", |x| x[0], |g, _x, _y| g);
    /// assert_eq!(f.name(), "energy");
    /// ```
    pub fn name(&self) -> &str {
        &self.kernel.name
    }
}

impl fmt::Debug for CustomFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CustomFn({})", self.kernel.name)
    }
}

impl Custom {
    /// The cotangent of the input by the function's rule, checked to have the input's
    /// shape (the reverse sweep's dispatch).
    pub(crate) fn vjp<'t>(self, g: Var<'t>, x: Var<'t>, y: Var<'t>) -> Var<'t> {
        let rule = self
            .0
            .rule
            .downcast_ref::<Box<RuleFn>>()
            .expect("a CustomFn's rule");
        let c = rule(g, x, y);
        let name = &self.0.name;
        assert!(
            c.shape() == x.shape(),
            "custom function `{name}`: its rule returned a cotangent of shape {:?} for an input of shape {:?}",
            c.shape(),
            x.shape()
        );
        c.onto(x.tape(), name)
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
    /// use hesse_core::CustomFn;
    /// static SOFTSIGN: LazyLock<CustomFn> = LazyLock::new(|| {
    ///     CustomFn::elementwise("softsign", |x| x / (1.0 + x.abs()), |g, x, _| g / (1.0 + x.abs()).square())
    /// });
    /// let mut rec = hesse_core::RecordedFn::new(|x| x[0].custom(&SOFTSIGN) * x[1], &[0.0, 1.0]);
    /// assert_eq!(rec.value_and_grad(&[1.0, 2.0]), (1.0, vec![0.5, 0.5]));
    /// ```
    pub fn custom(self, f: &'static CustomFn) -> Var<'t> {
        let shape: Shape = (f.kernel.shape)(&self.shape()).into_iter().collect();
        let mut inputs = Inputs::new();
        inputs.push(self.idx());
        self.tape
            .push(crate::ops::Op::Custom(Custom(&f.kernel)), inputs, shape)
    }
}
