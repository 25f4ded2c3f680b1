//! [`CliError`]: everything that can stop a command, and its exit code.

use std::path::PathBuf;

use hesse_expr::{BindError, Expr, ParseError};
use thiserror::Error;

/// Why a command failed. [`CliError::exit_code`] sorts them into usage errors (2) and
/// evaluation errors (1).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CliError {
    /// The formula does not parse (exit 2).
    #[error("invalid formula: {0}")]
    Parse(#[from] ParseError),
    /// The formula's variables do not match the point (exit 2).
    #[error("{error}{snippet}")]
    Bind {
        /// What is wrong.
        error: BindError,
        /// A new line, the formula and a caret under the variable; or nothing.
        snippet: String,
    },
    /// Options that do not fit together or are out of range (exit 2).
    #[error("{0}")]
    Usage(String),
    /// The analysis cannot be made at this point (exit 1).
    #[error("{0}")]
    Evaluation(String),
    /// The picture could not be drawn (exit 1).
    #[error("cannot draw the picture: {0}")]
    Plot(#[from] hesse_plot::PlotError),
    /// The picture could not be written (exit 1).
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl CliError {
    /// 2 for usage errors, 1 for evaluation errors.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Parse(_) | CliError::Bind { .. } | CliError::Usage(_) => 2,
            CliError::Evaluation(_) | CliError::Plot(_) | CliError::Write { .. } => 1,
        }
    }

    /// A binding error, with a caret under the first appearance of the missing variable.
    pub fn bind(expr: &Expr, error: BindError) -> CliError {
        let snippet = match &error {
            BindError::MissingVariable { name, .. } => expr
                .variable_span(name)
                .map(|span| caret(expr.source(), span.start))
                .unwrap_or_default(),
            _ => String::new(),
        };
        CliError::Bind { error, snippet }
    }
}

/// `  formula` and a caret line under byte `offset` (long formulas are not windowed here:
/// the variable's own position is what matters, and the parser already bounds formulas'
/// shape, not length; cut at 200 characters).
fn caret(src: &str, offset: usize) -> String {
    let before = src[..offset.min(src.len())].chars().count();
    if before > 200 {
        return String::new();
    }
    let shown: String = src
        .chars()
        .take(before + 40)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("\n  {shown}\n  {}^", " ".repeat(before))
}
