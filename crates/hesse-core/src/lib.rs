//! # hesse-core: exact derivatives of derivatives
//!
//! A tape-based reverse-mode automatic-differentiation engine over scalars, vectors and
//! matrices. Every op's vector-Jacobian rule is written in the engine's own ops, so gradients are
//! graphs that differentiate again: exact Hessians, Hessian-vector products and Jacobians come
//! from one set of rules.
//!
//! ```
//! use hesse_core::{grad, hessian, value_and_grad, Var};
//!
//! // Rosenbrock, written once with `Var`s; it reads like the formula.
//! fn rosenbrock<'t>(x: &[Var<'t>]) -> Var<'t> {
//!     (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2)
//! }
//!
//! let (f, g) = value_and_grad(rosenbrock, &[-1.2, 1.0]);
//! assert!((f - 24.2).abs() < 1e-12);
//! assert!((g[0] + 215.6).abs() < 1e-9 && (g[1] + 88.0).abs() < 1e-9);
//!
//! // At the minimum (1, 1) the gradient vanishes and the Hessian is exact.
//! assert_eq!(grad(rosenbrock, &[1.0, 1.0]), vec![0.0, 0.0]);
//! let h = hessian(rosenbrock, &[1.0, 1.0]);
//! assert_eq!(h.to_rows(), vec![vec![802.0, -400.0], vec![-400.0, 200.0]]);
//!
//! // The tape level: gradients are `Var`s and can be differentiated again.
//! let tape = hesse_core::Tape::new();
//! let x = tape.var(0.5);
//! let y = x.tanh();
//! let dy = tape.grad(y, &[x])[0];
//! let d2y = tape.grad(dy, &[x])[0];
//! let t = 0.5f64.tanh();
//! assert!((d2y.value() - (-2.0 * t * (1.0 - t * t))).abs() < 1e-15);
//! ```
//!
//! ## Conventions
//! - Non-smooth points follow PyTorch's written policy: relu'(0) = 0, |x|'(0) = 0, and
//!   `max`/`min` ties split the gradient 0.5/0.5.
//! - NaN and infinities propagate as IEEE 754 says (`ln(-1)` is NaN, `recip(0)` is inf);
//!   `max`/`min` propagate NaN. Nothing panics on values.
//! - Programmer errors panic with a message naming the op and the shapes:
//!   `matmul: shape mismatch: lhs [2, 3], rhs [2, 3]`. Two `Var`s from different tapes in one
//!   op panic with `add: operands live on different tapes`.
//!
//! A loss used in several places is best written as a `fn` item as above; a closure passed
//! inline (`grad(|x| x[0].sin(), &[1.0])`) works too. A closure stored in a `let` needs
//! [`function`] around it (`let f = hesse_core::function(|x| ...)`): Rust infers a closure as
//! working for every tape lifetime only where that signature is known.
//!
//! ## Limitations
//! - Value-dependent branches in user code (`if x.value() > 0.0`) are taken once, at the point
//!   being evaluated; their derivative is that of the branch taken. A
//!   [`RecordedFn`] replays the branch taken at record time; comparisons made with
//!   [`Var::gt`] and friends are recorded, and a replay whose outcomes flip is reported.
//! - `Var`s created after a [`Tape::mark`] must not be used after the matching
//!   [`Tape::rewind`].
//! - A `Tape` is not `Sync`: use one tape per thread.

#![deny(missing_docs)]

mod arena;
mod backward;
pub mod check;
#[cfg(feature = "jit")]
mod code_memory;
pub mod dense;
pub mod eager;
mod error;
mod exec;
mod flat;
#[cfg(feature = "num-traits")]
mod float;
mod force;
mod forward;
mod free;
pub mod loss;
mod matrix;
#[cfg(feature = "nalgebra")]
mod matrix_nalgebra;
pub mod native;
pub mod ops;
mod record;
pub mod recorded;
pub mod shape;
#[cfg(feature = "proptest")]
pub mod strategies;
pub mod streaming;
mod tape;
#[cfg(test)]
mod test_rng;
mod threshold;
mod transforms;
mod var;

pub use error::CoreError;
pub use forward::jvp;
pub use matrix::Matrix;
pub use ops::custom::CustomFn;
pub use recorded::RecordedFn;
pub use tape::{Mark, NodeId, NodeView, Tape};
pub use transforms::{
    LossFn, VectorLossFn, data_function, function, grad, hessian, hessian_to, hvp, jacobian, try_hessian,
    try_jacobian, value_and_grad, vector,
};
pub use var::Var;
