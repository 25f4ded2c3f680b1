//! The op table: the only list of ops, and dispatch to their kernels. (The dispatch to their
//! rules is the reverse sweep's, `backward.rs`: this layer knows nothing of `Var`.)
//!
//! Every op has exactly two pieces, both in its family file:
//! - a **forward kernel** on `f64` slices, and
//! - a **vector-Jacobian rule** written with `Var` ops, receiving `(g, inputs, output)`.
//!
//! Because rules are built from ordinary ops, the gradient is itself a graph on the tape and can
//! be differentiated again: grad-of-grad, HVPs and Hessians need no second copy of any formula.
//! Matches here are exhaustive with no catch-all arm, so an op without a rule does not compile.
//!
//! Families: [`unary`] (elementwise, one input), [`binary`] (elementwise with broadcasting),
//! [`reduce`] (sums, broadcasts, logsumexp), [`linalg`] (matmul, transpose),
//! [`layout`] (reshape, slice, pad, concat), and [`custom`]: a user's black-box function
//! with a user's rule. Composites such as `softmax`, `mean` and `dot`
//! are methods built from these ops and need no rule of their own.

pub mod binary;
pub mod custom;
pub(crate) mod exp;
mod gemm;
pub mod layout;
pub mod linalg;
pub mod reduce;
mod simd;
pub(crate) mod tanh;
pub mod unary;

pub use binary::{Binary, Compare};
pub use custom::Custom;
pub use layout::Layout;
pub use linalg::Linalg;
pub use reduce::Reduce;
pub use unary::{Domain, Unary};

/// An operation recorded on the tape.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    /// A leaf that gradients can be taken with respect to.
    Input,
    /// A leaf without gradient.
    Constant,
    /// Elementwise function of one input.
    Unary(Unary),
    /// Elementwise function of two broadcast inputs.
    Binary(Binary),
    /// Sums and broadcasts between shapes, logsumexp.
    Reduce(Reduce),
    /// Matrix products and transposes.
    Linalg(Linalg),
    /// Reshape, slice, pad and concatenation.
    Layout(Layout),
    /// A user's black-box function with its own rule ([`CustomFn`](crate::CustomFn)).
    Custom(Custom),
}

impl Op {
    /// The op's name as printed in the tape's `Debug` output.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Input => "input",
            Op::Constant => "constant",
            Op::Unary(u) => u.name(),
            Op::Binary(b) => b.name(),
            Op::Reduce(r) => r.name(),
            Op::Linalg(l) => l.name(),
            Op::Layout(l) => l.name(),
            Op::Custom(c) => c.name(),
        }
    }

    /// Whether the node is a leaf (has no kernel and no rule).
    pub fn is_leaf(&self) -> bool {
        matches!(self, Op::Input | Op::Constant)
    }
}

/// Runs the forward kernel of `op` on its inputs' values.
pub(crate) fn forward(op: &Op, ins: &[(&[f64], &[usize])], out: &mut [f64], out_shape: &[usize]) {
    match op {
        // Leaves keep the values they were created with.
        Op::Input | Op::Constant => {}
        Op::Unary(u) => simd::unary(u, ins[0].0, out),
        Op::Binary(b) => simd::binary(b, ins[0], ins[1], out, out_shape),
        Op::Reduce(r) => r.forward(ins[0], out, out_shape),
        Op::Linalg(l) => l.forward(ins, out, out_shape),
        Op::Layout(l) => l.forward(ins, out, out_shape),
        Op::Custom(c) => c.forward(ins[0].0, out),
    }
}
