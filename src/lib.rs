//! # hesse: exact first and second derivatives
//!
//! The facade of the hesse workspace. It re-exports [`hesse_core`] (the tape-based
//! reverse-mode engine whose derivatives differentiate again).
//!
//! ```
//! use hesse::{hessian, Var};
//! fn saddle<'t>(x: &[Var<'t>]) -> Var<'t> {
//!     x[0].powi(2) - x[1].powi(2)
//! }
//! let h = hessian(saddle, &[0.0, 0.0]);
//! assert_eq!(h.to_rows(), vec![vec![2.0, 0.0], vec![0.0, -2.0]]);
//! ```

#![deny(missing_docs)]

pub use hesse_core::*;

/// The engine crate itself.
pub use hesse_core as core;
