//! Errors: [`ParseError`] (with the kind in [`ParseErrorKind`]) for text that is not a formula,
//! [`BindError`] for a formula whose variables the point does not provide.

use std::fmt;

use thiserror::Error;

/// What the parser was looking for where it failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expected {
    /// The start of an operand: a number, variable, constant, function call or `(`.
    Operand,
    /// An operator, or the end of the formula.
    OperatorOrEnd,
    /// An operator, or `)` closing a parenthesis.
    OperatorOrCloseParen,
    /// An operator, `,` before the next argument, or `)` closing a call.
    OperatorCommaOrCloseParen,
    /// `(` opening the arguments of a function.
    OpenParen,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expected::Operand => "a number, variable, function or '('",
            Expected::OperatorOrEnd => "an operator or the end of the formula",
            Expected::OperatorOrCloseParen => "an operator or ')'",
            Expected::OperatorCommaOrCloseParen => "an operator, ',' or ')'",
            Expected::OpenParen => "'('",
        })
    }
}

/// The kind of a [`ParseError`]: what went wrong, without the position.
#[derive(Clone, Debug, PartialEq, Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// A character that starts no token (`#`, `²`, `;`, ...).
    #[error("unexpected character {found:?}, expected {expected}")]
    UnexpectedChar {
        /// The character.
        found: char,
        /// What would have been valid there.
        expected: Expected,
    },
    /// A token that cannot stand here (`)` where an operand belongs, `x` after `2`, ...).
    #[error("unexpected {found}, expected {expected}")]
    UnexpectedToken {
        /// The token as written, described (`'*'`, `variable x`, `number 2`).
        found: String,
        /// What would have been valid there.
        expected: Expected,
    },
    /// The formula ended too early (`x +`, `(x`, the empty string).
    #[error("unexpected end of formula, expected {expected}")]
    UnexpectedEnd {
        /// What would have been valid there.
        expected: Expected,
    },
    /// A name followed by `(` that is no function.
    #[error("unknown function `{name}`{}", suggestion.map(|s| format!(", did you mean `{s}`?")).unwrap_or_default())]
    UnknownFunction {
        /// The name as written.
        name: String,
        /// The closest known function, if one is close.
        suggestion: Option<&'static str>,
    },
    /// A function called with the wrong number of arguments.
    #[error("`{name}` takes {expected} argument{}, found {found}", if *expected == 1 { "" } else { "s" })]
    WrongArity {
        /// The function.
        name: &'static str,
        /// How many it takes.
        expected: usize,
        /// How many were given.
        found: usize,
    },
    /// A function name used without arguments (`sin x`, `exp + 1`).
    #[error("`{name}` is a function and needs its argument{} in parentheses, as in {name}({})",
        if *arity == 1 { "" } else { "s" }, if *arity == 1 { "x" } else { "x, y" })]
    FunctionWithoutCall {
        /// The function.
        name: &'static str,
        /// How many arguments it takes.
        arity: usize,
    },
    /// A constant followed by `(` (`pi(2)`); implicit multiplication is not supported.
    #[error("`{name}` is a constant, not a function")]
    ConstantCalled {
        /// The constant.
        name: &'static str,
    },
    /// A number too large for `f64` (`1e999`).
    #[error("number `{text}` is out of range for a 64-bit float")]
    NumberOutOfRange {
        /// The literal as written.
        text: String,
    },
    /// Parentheses, calls, signs or powers nested more deeply than the parser allows.
    #[error("formula nested too deeply (more than {limit} levels)")]
    TooDeep {
        /// The nesting limit, [`crate::MAX_DEPTH`].
        limit: usize,
    },
}

/// A formula that does not parse: the [kind](ParseErrorKind) of error, where it is, and a
/// snippet of the formula with a caret under the offending character.
///
/// `Display` prints the message, then the snippet, then a hint when there is one:
///
/// ```text
/// unexpected variable x, expected an operator or the end of the formula at column 2
///   2x
///    ^
///   help: implicit multiplication is not supported; write `*`, as in 2*x
/// ```
#[derive(Clone, Debug, PartialEq, Error)]
pub struct ParseError {
    pub(crate) kind: ParseErrorKind,
    pub(crate) offset: usize,
    pub(crate) column: usize,
    pub(crate) snippet: String,
    pub(crate) hint: Option<&'static str>,
}

impl ParseError {
    /// Builds the error for `src` at byte `offset`.
    pub(crate) fn new(kind: ParseErrorKind, src: &str, offset: usize) -> Self {
        let offset = floor_char_boundary(src, offset.min(src.len()));
        let (snippet, column) = snippet(src, offset);
        ParseError {
            kind,
            offset,
            column,
            snippet,
            hint: None,
        }
    }

    pub(crate) fn with_hint(mut self, hint: Option<&'static str>) -> Self {
        self.hint = hint;
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }

    /// Byte offset of the offending character in the formula (its length at the end).
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// 1-based column (in characters) of the offending character.
    pub fn column(&self) -> usize {
        self.column
    }

    /// The formula (or a window of it, for long formulas) and a caret line under the
    /// offending character, each line indented by two spaces.
    pub fn snippet(&self) -> &str {
        &self.snippet
    }

    /// A suggestion for the likely intent, when there is one.
    pub fn hint(&self) -> Option<&'static str> {
        self.hint
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at column {}\n{}", self.kind, self.column, self.snippet)?;
        if let Some(h) = self.hint {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

/// Characters shown on each side of the caret in formulas too long for one line.
const WINDOW: usize = 40;

/// The two snippet lines and the 1-based column of `offset`.
fn snippet(src: &str, offset: usize) -> (String, usize) {
    let before = src[..offset].chars().count();
    let total = src.chars().count();
    let (skip, prefix) = if before > WINDOW {
        (before - WINDOW, "...")
    } else {
        (0, "")
    };
    let take = (before - skip) + WINDOW;
    let suffix = if skip + take < total { "..." } else { "" };
    // Tabs and newlines would break the caret's alignment: show them as spaces.
    let shown: String = src
        .chars()
        .skip(skip)
        .take(take)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let caret_at = prefix.len() + (before - skip);
    let line = format!("  {prefix}{shown}{suffix}\n  {}^", " ".repeat(caret_at));
    (line, before + 1)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A formula whose variables do not match the point it is bound to.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BindError {
    /// A variable of the formula has no value in the point.
    #[error("variable `{name}` is used in the formula but has no value{}{}",
        if given.is_empty() { " (no variables were given)".to_string() } else { format!(" (given: {})", given.join(", ")) },
        suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    MissingVariable {
        /// The variable.
        name: String,
        /// The names the point has.
        given: Vec<String>,
        /// A given name close to `name`, if any.
        suggestion: Option<String>,
    },
    /// The point names one variable twice.
    #[error("variable `{name}` is given twice")]
    DuplicateVariable {
        /// The variable.
        name: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_puts_the_caret_under_the_character() {
        let e = ParseError::new(ParseErrorKind::TooDeep { limit: 3 }, "ab\tcd", 3);
        assert_eq!(e.snippet(), "  ab cd\n     ^");
        assert_eq!(e.column(), 4);
    }

    #[test]
    fn long_formulas_show_a_window() {
        let src = "x+".repeat(100);
        let e = ParseError::new(ParseErrorKind::TooDeep { limit: 3 }, &src, 100);
        let lines: Vec<&str> = e.snippet().lines().collect();
        assert!(lines[0].starts_with("  ...") && lines[0].ends_with("..."));
        let caret = lines[1].find('^').unwrap();
        let shown: Vec<char> = lines[0].chars().collect();
        assert_eq!(shown[caret], 'x');
    }

    #[test]
    fn multibyte_characters_count_as_one_column() {
        let e = ParseError::new(ParseErrorKind::TooDeep { limit: 3 }, "é#", 2);
        assert_eq!(e.column(), 2);
        assert_eq!(e.snippet(), "  é#\n   ^");
    }
}
