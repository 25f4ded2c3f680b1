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
//! **Contract.**
//! - The function must be pure (its output depends only on its input: replays may merge two
//!   applications to the same input, and skip one whose input is constant), and must write
//!   every element of its output.
//! - The rule must be linear in the cotangent `g` (it is `Jᵀg`), and return the input's
//!   shape (checked when derivatives are taken).
//! - A [`RecordedFn`](crate::RecordedFn) records the HVP along with the gradient, so it
//!   differentiates the rule once more when it is made: the rule's own ops need rules. A rule
//!   of built-in ops always has them; a rule that applies another custom function needs
//!   that function's rule (eager `grad` and `jvp` need first-order rules only).
//! - The name is a label (messages, the tape's `Debug` output): two functions may share one.
//!
//! Check a rule against the function with
//! [`check_gradient_fn`](crate::check::check_gradient_fn) or, through the engine, with
//! [`check_gradient`](crate::check::check_gradient) and
//! [`check_hessian`](crate::check::check_hessian), which compare with finite differences of
//! the function's values.
//!
//! Layout: `kernel.rs` is what the op table holds (no `Var`), `rule.rs` the public
//! [`CustomFn`] and [`Var::custom`](crate::Var::custom).

mod kernel;
mod rule;

pub use kernel::Custom;
pub use rule::CustomFn;
