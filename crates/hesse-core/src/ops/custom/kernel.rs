//! The custom function as the tape holds it ([`Custom`] in [`Op`](crate::ops::Op)): its
//! name, output shape and values, and its rule type-erased, so that the op table does not
//! depend on `Var` (the rule is read back by `rule.rs`, above the tape).

use std::any::Any;
use std::fmt;

/// The function's values: input values in, output values out (row-major, every element
/// written).
pub(crate) type ValueFn = dyn Fn(&[f64], &mut [f64]) + Send + Sync;
/// The output shape for an input shape.
pub(crate) type ShapeFn = dyn Fn(&[usize]) -> Vec<usize> + Send + Sync;

/// Everything the tape runs of a custom function; the rule (a `Var`-level closure) erased.
pub(crate) struct Kernel {
    pub(crate) name: String,
    pub(crate) shape: Box<ShapeFn>,
    pub(crate) value: Box<ValueFn>,
    pub(crate) rule: Box<dyn Any + Send + Sync>,
}

/// A custom function in an [`Op`](crate::ops::Op) (see [`CustomFn`](crate::CustomFn)):
/// the same function is the same op.
///
/// ```
/// use hesse_core::ops::Op;
/// let f = hesse_core::CustomFn::elementwise("twice", |x| 2.0 * x, |g, _, _| 2.0 * g).leak();
/// let tape = hesse_core::Tape::new();
/// let y = tape.var(1.5).custom(f);
/// let node = &tape.nodes()[y.id().index()];
/// assert!(matches!(node.op, Op::Custom(c) if c.name() == "twice"));
/// ```
#[derive(Clone, Copy)]
pub struct Custom(pub(crate) &'static Kernel);

impl Custom {
    /// The function's name.
    ///
    /// ```
    /// let f = hesse_core::CustomFn::scalar("energy", |x| x[0], |g, _x, _y| g).leak();
    /// let tape = hesse_core::Tape::new();
    /// let y = tape.vector(&[2.0]).custom(f);
    /// assert!(format!("{tape:?}").contains("energy"));
    /// # let _ = y;
    /// ```
    pub fn name(self) -> &'static str {
        &self.0.name
    }

    /// The function's identity (its address): what [`PartialEq`] compares, and what tells
    /// two functions of one name apart where ops are keyed (`exec/share.rs`).
    pub(crate) fn identity(self) -> usize {
        std::ptr::from_ref(self.0) as usize
    }

    /// Runs the function on `x` into `out` (the forward kernel).
    pub(crate) fn forward(self, x: &[f64], out: &mut [f64]) {
        (self.0.value)(x, out)
    }
}

impl PartialEq for Custom {
    fn eq(&self, other: &Custom) -> bool {
        self.identity() == other.identity()
    }
}

impl fmt::Debug for Custom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Custom({})", self.0.name)
    }
}
