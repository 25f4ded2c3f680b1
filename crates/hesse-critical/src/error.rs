//! [`AnalysisError`]: a point at which there is nothing to classify.

use std::fmt;

use hesse_core::dense::Bytes;

/// Why a point could not be analysed.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum AnalysisError {
    /// The value, gradient or Hessian is NaN or infinite at the point (after refinement, if
    /// any): a non-finite Hessian has no eigenvalues, so there is no verdict to give.
    NotFinite {
        /// `"value"`, `"gradient"` or `"Hessian"`: the first that is not finite.
        what: &'static str,
        /// The point.
        x: Vec<f64>,
    },
    /// The dense analysis would need more memory than the dense-memory limit
    /// ([`AnalysisOptions::with_dense_limit`](crate::AnalysisOptions::with_dense_limit),
    /// else [`hesse_core::dense::limit`]): refused before anything is computed. The
    /// matrix-free routes ([`extreme_eigenvalues`](crate::extreme_eigenvalues),
    /// [`hutchinson_trace`](crate::hutchinson_trace)) need O(n) memory at any n.
    TooLarge {
        /// The dimension n.
        n: usize,
        /// The bytes the analysis would need: [`DENSE_MATRICES`](crate::DENSE_MATRICES)
        /// n×n matrices of `f64` (saturating at `u64::MAX`).
        bytes: u64,
        /// The limit in force, in bytes.
        limit: u64,
    },
}

impl fmt::Display for AnalysisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnalysisError::NotFinite { what, x } => {
                write!(f, "the {what} is not finite at {x:?}: no eigenvalues, no verdict")
            }
            AnalysisError::TooLarge { n, bytes, limit } => write!(
                f,
                "a dense analysis of {n} coordinates needs {} for {} matrices of {n}×{n} f64 (the \
                 Hessian, the eigensolver's working copy and the eigenvectors), above the \
                 dense-memory limit of {}; the matrix-free routes need O(n) memory at any n: \
                 `extreme_eigenvalues` (Lanczos on Hessian-vector products) gives the smallest \
                 and largest eigenvalues (a negative smallest one rules out a minimum), \
                 `hutchinson_trace` the trace; to go ahead anyway, raise the limit \
                 (`AnalysisOptions::with_dense_limit`, `hesse_core::dense::set_limit` or the \
                 environment variable HESSE_DENSE_LIMIT, e.g. 16G)",
                Bytes(*bytes),
                crate::analysis::DENSE_MATRICES,
                Bytes(*limit)
            ),
        }
    }
}

impl std::error::Error for AnalysisError {}
