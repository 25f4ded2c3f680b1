//! [`AnalysisError`]: a point at which there is nothing to classify.

use std::fmt;

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
}

impl fmt::Display for AnalysisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnalysisError::NotFinite { what, x } => {
                write!(f, "the {what} is not finite at {x:?}: no eigenvalues, no verdict")
            }
        }
    }
}

impl std::error::Error for AnalysisError {}
