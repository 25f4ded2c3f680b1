//! Interval arithmetic with outward rounding, and the interval evaluation of a recorded
//! loss's gradient and Hessian over a box: what [`certify`](crate::certify) proves with.
//!
//! - [`Interval`] (`number.rs`): the number type, each operation's result widened outwards
//!   so it contains the exact real result;
//! - `unary.rs`: each registered elementwise op of hesse-core over an interval, through
//!   the op's own lowering where it has one;
//! - [`Program`] (`program.rs`): a loss recorded with its gradient and Hessian nodes and
//!   walked over a box.

mod number;
mod program;
mod unary;

pub use number::{Interval, LIBM_ULPS, next_down, next_up};
pub use program::{Enclosure, Program, Trouble};
pub use unary::COMPOSITE_ULPS;
