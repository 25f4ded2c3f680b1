//! The crate's one error type, [`PlotError`].
//!
//! Bad input (empty data, non-finite or empty ranges, mismatched lengths, ids out of range) is
//! reported here instead of panicking, and so are drawing and file-system failures. Messages are
//! lowercase without a trailing period, as everywhere in hesse.

use std::path::PathBuf;

/// Everything that can go wrong while making a picture.
///
/// ```
/// use hesse_plot::{LossCurves, PlotError, Render};
///
/// let err = LossCurves::new(Vec::new()).to_svg().unwrap_err();
/// assert!(matches!(err, PlotError::Empty { .. }));
/// assert_eq!(err.to_string(), "empty input: no series to draw");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlotError {
    /// There is nothing to draw.
    #[error("empty input: {what}")]
    Empty {
        /// What was empty.
        what: String,
    },
    /// An axis or grid range is non-finite or has `lo >= hi`.
    #[error("invalid range for {axis}: [{lo}, {hi}] (need finite lo < hi)")]
    InvalidRange {
        /// Which range (`"x"`, `"y"`, ...).
        axis: &'static str,
        /// Lower end as given.
        lo: f64,
        /// Upper end as given.
        hi: f64,
    },
    /// Two inputs that must have the same length do not.
    #[error("length mismatch: {what}: expected {expected}, got {got}")]
    LengthMismatch {
        /// Which inputs disagree.
        what: &'static str,
        /// The length that was required.
        expected: usize,
        /// The length that was given.
        got: usize,
    },
    /// A value that must be finite is not.
    #[error("non-finite value in {what} at index {index}: {value}")]
    NonFinite {
        /// Which input.
        what: &'static str,
        /// Position of the offending value.
        index: usize,
        /// The value itself.
        value: f64,
    },
    /// An id refers to an item that does not exist (a basin id without an attractor).
    #[error("{what} id {id} out of range: only {count} available")]
    IdOutOfRange {
        /// What kind of id.
        what: &'static str,
        /// The id given.
        id: usize,
        /// How many items exist.
        count: usize,
    },
    /// An option is outside its allowed range.
    #[error("invalid option {name}: {value} (expected {expected})")]
    InvalidOption {
        /// Option name, as in its `with_*` setter.
        name: &'static str,
        /// The value given, formatted.
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
    /// The drawing backend failed.
    #[error("drawing failed: {0}")]
    Drawing(String),
    /// The picture could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file or folder that could not be written.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// Converts any backend error into [`PlotError::Drawing`]; plotters types stay out of the public API.
pub(crate) fn drawing<E: std::fmt::Display>(e: E) -> PlotError {
    PlotError::Drawing(e.to_string().to_lowercase())
}

/// Checks that `lo < hi` and both are finite.
pub(crate) fn check_range(axis: &'static str, lo: f64, hi: f64) -> Result<(), PlotError> {
    if lo.is_finite() && hi.is_finite() && lo < hi {
        Ok(())
    } else {
        Err(PlotError::InvalidRange { axis, lo, hi })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_send_sync_static() {
        fn assert_traits<T: Send + Sync + 'static + std::error::Error>() {}
        assert_traits::<PlotError>();
    }

    #[test]
    fn range_check_messages() {
        let e = check_range("x", 1.0, 1.0).unwrap_err();
        assert_eq!(e.to_string(), "invalid range for x: [1, 1] (need finite lo < hi)");
        assert!(check_range("y", f64::NAN, 1.0).is_err());
        assert!(check_range("y", 0.0, f64::INFINITY).is_err());
        assert!(check_range("y", -1.0, 1.0).is_ok());
    }
}
