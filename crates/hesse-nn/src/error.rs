//! The crate's error type, [`NnError`].
//!
//! Everything that takes data from a user — `fit`, `predict`, `score`, the CSV reader, the
//! parameter conversions — checks it and returns an `NnError` instead of panicking. Messages
//! are lowercase without a trailing period. Programmer errors on the tape (two `Var`s of
//! mismatched shapes passed to [`Mlp::logits`](crate::Mlp::logits)) panic, as in hesse-core.

use hesse_optim::OptimError;

/// What can go wrong with user data, options and files.
///
/// ```
/// use hesse_nn::NnError;
/// let e = NnError::FeatureMismatch { expected: 2, got: 3 };
/// assert_eq!(e.to_string(), "feature count mismatch: the model expects 2 features, the data has 3");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum NnError {
    /// The data has no rows (or no columns).
    #[error("empty data: {what}")]
    EmptyData {
        /// What was empty.
        what: &'static str,
    },
    /// Rows of a table have different lengths.
    #[error("ragged rows: row {row} has {got} values, expected {expected}")]
    RaggedRows {
        /// 0-based row index.
        row: usize,
        /// Length of the first row.
        expected: usize,
        /// Length of this row.
        got: usize,
    },
    /// The number of features differs from what the model (or the first data set) has.
    #[error("feature count mismatch: the model expects {expected} features, the data has {got}")]
    FeatureMismatch {
        /// Features the model was built or fitted for.
        expected: usize,
        /// Features in the data.
        got: usize,
    },
    /// The number of targets differs from the number of samples.
    #[error("length mismatch: {samples} samples but {targets} targets")]
    TargetMismatch {
        /// Rows of the feature matrix.
        samples: usize,
        /// Length of the targets.
        targets: usize,
    },
    /// The targets have a different number of columns from the network's outputs.
    #[error("target shape mismatch: the network has {expected} outputs, the targets have {got} columns")]
    TargetColumns {
        /// Output units of the network.
        expected: usize,
        /// Columns of the targets.
        got: usize,
    },
    /// A class label is not below the number of classes.
    #[error("label out of range: sample {index} has label {label}, but there are {classes} classes")]
    LabelOutOfRange {
        /// 0-based sample index.
        index: usize,
        /// The label.
        label: usize,
        /// The number of classes.
        classes: usize,
    },
    /// A target value that is not allowed where it appears (e.g. a perceptron target other than
    /// ±1, a class label that is not a non-negative integer).
    #[error("invalid target at sample {index}: {value} ({expected})")]
    InvalidTarget {
        /// 0-based sample index.
        index: usize,
        /// The value, formatted.
        value: String,
        /// What is accepted.
        expected: &'static str,
    },
    /// Fitting a classifier needs at least two classes.
    #[error("need at least 2 classes to fit a classifier, got {classes}")]
    TooFewClasses {
        /// The number of classes found.
        classes: usize,
    },
    /// A feature or target value is NaN or infinite.
    #[error("non-finite value at row {row}, column {column}")]
    NonFinite {
        /// 0-based row.
        row: usize,
        /// 0-based column.
        column: usize,
    },
    /// An option or architecture setting is out of range.
    #[error("invalid option `{name}`: got {value}, expected {expected}")]
    InvalidOption {
        /// The option's name.
        name: &'static str,
        /// The rejected value, formatted.
        value: String,
        /// What the option accepts.
        expected: &'static str,
    },
    /// A flat parameter vector has the wrong length for the network.
    #[error("parameter length mismatch: the network has {expected} parameters, got {got}")]
    ParamLength {
        /// Parameters of the network.
        expected: usize,
        /// Length given.
        got: usize,
    },
    /// A named parameter is missing, unexpected, or has the wrong shape.
    #[error("parameter `{name}`: {problem}")]
    NamedParam {
        /// The parameter's name (`layers.0.weight`, ...).
        name: String,
        /// What is wrong with it.
        problem: String,
    },
    /// `predict` or `score` before `fit`.
    #[error("the model is not fitted yet: call fit first")]
    NotFitted,
    /// A file could not be read.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// A CSV line has a different number of fields from the first line.
    #[error("csv line {line}: {got} fields, expected {expected}")]
    CsvRagged {
        /// 1-based line number in the file.
        line: usize,
        /// Fields of the first data line (or the header).
        expected: usize,
        /// Fields of this line.
        got: usize,
    },
    /// A CSV field is not a number.
    #[error("csv line {line}, column {column}: `{text}` is not a number")]
    CsvNotANumber {
        /// 1-based line number.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The field's text.
        text: String,
    },
    /// The CSV text has no data lines.
    #[error("csv: no data rows")]
    CsvEmpty,
    /// The optimizer refused to start (an option out of range).
    #[error("optimizer: {0}")]
    Optim(#[from] OptimError),
}

impl NnError {
    pub(crate) fn invalid(name: &'static str, value: impl std::fmt::Display, expected: &'static str) -> Self {
        NnError::InvalidOption {
            name,
            value: value.to_string(),
            expected,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_send_sync_static_clone() {
        fn assert_traits<T: Send + Sync + Clone + 'static + std::error::Error>() {}
        assert_traits::<NnError>();
    }

    #[test]
    fn messages_are_lowercase_without_period() {
        let all = [
            NnError::EmptyData { what: "no rows" },
            NnError::CsvEmpty,
            NnError::NotFitted,
            NnError::LabelOutOfRange {
                index: 3,
                label: 5,
                classes: 3,
            },
        ];
        for e in all {
            let s = e.to_string();
            assert!(!s.ends_with('.'), "{s}");
            assert!(s.chars().next().unwrap().is_lowercase(), "{s}");
        }
    }
}
