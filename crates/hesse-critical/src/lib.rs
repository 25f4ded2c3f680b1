//! # hesse-critical: is this point a minimum, a maximum or a saddle, exactly?
//!
//! Analysis of a point of a loss written with `hesse_core` `Var`s: the exact Hessian, its
//! symmetric eigen-decomposition (nalgebra), the inertia at a stated tolerance and a
//! classification; optionally a Newton refinement onto the critical point first. For large n,
//! matrix-free tools: extreme eigenvalues by Lanczos and the trace by Hutchinson, on HVPs only.
//!
//! ```
//! use hesse_core::Var;
//! use hesse_critical::{analyze, AnalysisOptions, Classification};
//!
//! fn saddle<'t>(x: &[Var<'t>]) -> Var<'t> {
//!     x[0].powi(2) - x[1].powi(2) + 0.1 * x[0] * x[1]
//! }
//! // Start off the critical point; refinement moves onto it (Newton on ∇f = 0).
//! let a = analyze(saddle, &[0.3, -0.2], AnalysisOptions::default().with_refine(true));
//! assert!(a.gradient_norm < 1e-12);
//! assert_eq!(a.classification, Classification::Saddle { index: 1 });
//! assert_eq!(a.inertia.negative, 1);
//! println!("{a}"); // aligned Hessian, signed eigenvalues, one-line verdict
//! ```
//!
//! The tolerance deciding "zero" eigenvalues is explicit in every [`Analysis`] and defaults to
//! the scale-aware `10 · n · ε · max|λ|` ([`default_tolerance`]).

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod analysis;
mod classify;
mod eigen;
mod lanczos;
mod model;
mod refine;
mod slice;

pub use analysis::{Analysis, AnalysisOptions, analyze, analyze_model, analyze_vector};
pub use classify::{Classification, Inertia, default_tolerance};
pub use eigen::symmetric_eigen;
pub use lanczos::{
    LanczosOptions, LanczosResult, TraceEstimate, extreme_eigenvalues, hutchinson_trace, lanczos_extremes,
};
pub use model::TwiceDifferentiable;
pub use refine::Refinement;
pub use slice::{random_direction, slice_1d, slice_2d};
