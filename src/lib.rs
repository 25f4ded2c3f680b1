//! # hesse: exact first and second derivatives
//!
//! The facade of the hesse workspace. At the top level it re-exports [`hesse_core`], the
//! tape-based reverse-mode engine whose derivatives differentiate again; the other crates
//! are modules:
//!
//! - [`optim`]: gradient descent, momentum, Nesterov, Adam, L-BFGS, Newton-CG on engine
//!   derivatives ([`hesse_optim`]);
//! - [`critical`]: is this point a minimum, a maximum or a saddle, exactly
//!   ([`hesse_critical`]);
//! - [`nn`]: multilayer perceptrons over one flat parameter vector, an sklearn-like
//!   classifier, the perceptron and data utilities ([`hesse_nn`]).
//!
//! ```
//! use hesse::{hessian, Var};
//! use hesse::critical::{analyze, AnalysisOptions, Classification};
//!
//! fn saddle<'t>(x: &[Var<'t>]) -> Var<'t> {
//!     x[0].powi(2) - x[1].powi(2)
//! }
//! let h = hessian(saddle, &[0.0, 0.0]);
//! assert_eq!(h.to_rows(), vec![vec![2.0, 0.0], vec![0.0, -2.0]]);
//! let a = analyze(saddle, &[0.0, 0.0], AnalysisOptions::default()).unwrap();
//! assert_eq!(a.classification, Classification::Saddle { index: 1 });
//! ```

#![deny(missing_docs)]

pub use hesse_core::*;

/// The engine crate itself.
pub use hesse_core as core;
/// Critical-point analysis.
pub use hesse_critical as critical;
/// Neural networks.
pub use hesse_nn as nn;
/// Optimizers.
pub use hesse_optim as optim;

/// The README's Rust snippets, compiled and run as doc tests, so the front page cannot drift
/// from the code.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
