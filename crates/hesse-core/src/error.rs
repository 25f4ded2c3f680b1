//! Errors for input from outside the program (data and shapes given at run time).

use thiserror::Error;

/// Errors of hesse-core's fallible constructors.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum CoreError {
    /// The number of values does not fill the shape.
    #[error("{len} values do not fill shape {shape:?}")]
    LengthMismatch {
        /// Number of values given.
        len: usize,
        /// The requested shape.
        shape: Vec<usize>,
    },
}
