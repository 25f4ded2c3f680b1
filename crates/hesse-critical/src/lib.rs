//! # hesse-critical: is this point a minimum, a maximum or a saddle, exactly?
//!
//! Analysis of a point of a loss written with `hesse_core` `Var`s: a Newton refinement onto
//! the nearby critical point (on by default), the exact Hessian, its symmetric
//! eigen-decomposition (nalgebra), the inertia at a tolerance computed from the point itself,
//! and a verdict that says what second order can and cannot tell; symmetry directions
//! declared by the user; and a **certificate** — a proof in interval arithmetic that a
//! unique critical point lies in a small box and what kind it is. For large n, matrix-free
//! tools: extreme eigenvalues by Lanczos and the trace by Hutchinson, on HVPs only.
//!
//! ```
//! use hesse_core::Var;
//! use hesse_critical::{analyze, certify, AnalysisOptions, CertifiedKind, Classification};
//!
//! fn saddle<'t>(x: &[Var<'t>]) -> Var<'t> {
//!     x[0].powi(2) - x[1].powi(2) + 0.1 * x[0] * x[1]
//! }
//! // Start off the critical point; refinement (on by default) moves onto it.
//! let a = analyze(saddle, &[0.3, -0.2], AnalysisOptions::default()).unwrap();
//! assert!(a.gradient_norm < 1e-12);
//! assert_eq!(a.classification, Classification::Saddle { index: 1 });
//! println!("{a}"); // aligned Hessian, signed eigenvalues, tolerance, one-line verdict
//!
//! // The proof: a unique critical point in a small box around (0, 0), a saddle of index 1.
//! let c = certify(saddle, &[0.3, -0.2]);
//! assert_eq!(c.kind(), Some(CertifiedKind::Saddle { index: 1 }));
//! ```
//!
//! ## The rules
//!
//! - **Critical**: `‖∇f‖₂ ≤ 1e-6 · max(|f|, 1)` at the analysed point
//!   ([`critical_gradient_tolerance`]). Reports give the Euclidean norm `‖∇f‖₂`, which
//!   every rule uses, and, labelled, the largest component `‖∇f‖∞`, which hesse-optim's
//!   reports use.
//! - **Refinement** (default on): Newton's method on `∇f = 0` through the exact Hessian,
//!   accepting only steps that reduce `‖∇f‖₂` and never moving more than
//!   `10 · max(1, ‖x₀‖₂)` from the start; reported (steps, distance moved, gradient before
//!   and after), and the verdict says when the critical point is not the point given.
//! - **Zero**: an eigenvalue within the [`ZeroTolerance`] — rounding `10·n·ε·max|λ|`, plus
//!   the change of the Hessian over the estimated distance to the critical point, plus the
//!   residual `‖∇f‖₂` — cannot be told from zero and is *undecided*.
//! - **Verdict** ([`Analysis::verdict`]): strict minimum / maximum (all decided, one sign),
//!   saddle (both signs; "index at least k" with undecided ones), degenerate (undecided
//!   eigenvalues and one sign at most; flat directions `H·v ≈ 0, g·v ≈ 0` are named), or
//!   not a critical point. [`Analysis::modulo`] declares symmetry directions
//!   ([`rigid_body_modes`] builds a point cloud's six) and classifies across them: "strict
//!   local minimum modulo 6 symmetry directions".
//! - A NaN or infinite value, gradient or Hessian is an [`AnalysisError`], not a verdict.
//! - **Size**: the analysis holds [`DENSE_MATRICES`] dense n×n matrices (3.2 GB each at
//!   n = 20,000). Above a memory limit — hesse-core's [`dense`](hesse_core::dense) limit,
//!   4 GB by default, or [`AnalysisOptions::with_dense_limit`] — it returns
//!   [`AnalysisError::TooLarge`] before computing anything, pointing to the matrix-free
//!   routes: [`extreme_eigenvalues`] (Lanczos on HVPs) and [`hutchinson_trace`].
//!
//! ## What a certificate proves and assumes
//!
//! [`certify`] proves, when it can: *a unique critical point lies in this box, within r of
//! x (∞-norm), and it is a strict local minimum* (or maximum, or a saddle of index k) — by
//! Krawczyk's test on the interval gradient and Hessian over the box, and the inertia by
//! Gershgorin discs of the congruent interval Hessian. It assumes the closure's control
//! flow does not read values (recorded comparisons and kinks are checked), library
//! functions accurate to a few ulps, and IEEE arithmetic. Degenerate points (zero
//! eigenvalues, symmetries), kinks in the box, tensor ops and unbounded enclosures give no
//! certificate and a [`NoProof`] reason. Details in [`certify`]'s module docs
//! (`certify.rs`); the interval type is the crate's own ([`interval`]), not `inari`,
//! which needs x86-64 assembly to switch rounding modes and does not build for aarch64.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod analysis;
mod certify;
mod classify;
mod eigen;
mod error;
pub mod interval;
mod lanczos;
mod model;
mod refine;
mod report;
mod slice;
mod symmetry;
mod tolerance;

pub use analysis::{
    Analysis, AnalysisOptions, DENSE_MATRICES, analyze, analyze_model, analyze_vector,
    critical_gradient_tolerance,
};
pub use certify::{Certificate, CertifiedKind, NoProof, Proof, certify, certify_analysis};
pub use classify::{Classification, Inertia, default_tolerance};
pub use eigen::symmetric_eigen;
pub use error::AnalysisError;
pub use lanczos::{
    LanczosOptions, LanczosResult, TraceEstimate, extreme_eigenvalues, hutchinson_trace, lanczos_extremes,
};
pub use model::TwiceDifferentiable;
pub use refine::Refinement;
pub use slice::{random_direction, slice_1d, slice_2d};
pub use symmetry::{orthonormalize, rigid_body_modes};
pub use tolerance::ZeroTolerance;
