//! Reading a numeric CSV of feature columns and one label column.
//!
//! Fields are separated by commas and trimmed; empty lines and lines starting with `#` are
//! skipped. The first line is a header when any of its fields is not a number (W3's
//! `x0,x1,y`). Every data line must have as many fields as the first line and only numbers;
//! otherwise a typed error names the line (1-based, counting every line of the file) and
//! column. No quoting: this reader is for numeric tables.

use std::path::Path;

use hesse_core::Matrix;

use crate::NnError;

/// Which column holds the label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LabelColumn {
    /// The last column (the default).
    #[default]
    Last,
    /// The first column.
    First,
    /// Column `i`, 0-based.
    Index(usize),
}

/// A numeric table split into features and labels.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvData {
    /// The header's field names, if the file has a header.
    pub header: Option<Vec<String>>,
    /// The feature columns, [n, d].
    pub x: Matrix,
    /// The label column (see [`classes_from_f64`](crate::data::classes_from_f64) for class
    /// indices).
    pub y: Vec<f64>,
}

/// Reads `path` (see [`parse_csv`]).
///
/// # Errors
/// [`NnError::Io`] when the file cannot be read; otherwise as [`parse_csv`].
pub fn read_csv(path: impl AsRef<Path>, label: LabelColumn) -> Result<CsvData, NnError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| NnError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    parse_csv(&text, label)
}

/// Parses CSV text into features and labels.
///
/// # Errors
/// [`NnError::CsvEmpty`] without data lines, [`NnError::CsvRagged`] for a line with another
/// number of fields, [`NnError::CsvNotANumber`] for a field that is not a number,
/// [`NnError::EmptyData`] with fewer than two columns, [`NnError::InvalidOption`] for a label
/// column out of range.
///
/// ```
/// # fn main() -> Result<(), hesse_nn::NnError> {
/// use hesse_nn::data::csv::{parse_csv, LabelColumn};
/// use hesse_nn::NnError;
/// let d = parse_csv("x0,x1,y\n0.5,1,0\n-2,3e-1,1\n", LabelColumn::Last)?;
/// assert_eq!(d.header.as_deref(), Some(&["x0".to_string(), "x1".into(), "y".into()][..]));
/// assert_eq!(d.x.row(1), &[-2.0, 0.3]);
/// assert_eq!(d.y, vec![0.0, 1.0]);
///
/// let e = parse_csv("1,2,0\n3,4\n", LabelColumn::Last).unwrap_err();
/// assert_eq!(e, NnError::CsvRagged { line: 2, expected: 3, got: 2 });
/// let e = parse_csv("1,2,0\n3,abc,1\n", LabelColumn::Last).unwrap_err();
/// assert_eq!(e.to_string(), "csv line 2, column 2: `abc` is not a number");
/// assert_eq!(parse_csv("a,b\n", LabelColumn::Last).unwrap_err(), NnError::CsvEmpty);
/// # Ok(()) }
/// ```
pub fn parse_csv(text: &str, label: LabelColumn) -> Result<CsvData, NnError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .peekable();
    let split = |l: &str| {
        l.split(',')
            .map(str::trim)
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let header = match lines.peek() {
        None => return Err(NnError::CsvEmpty),
        Some((_, first)) => {
            let fields = split(first);
            if fields.iter().any(|f| f.parse::<f64>().is_err()) {
                lines.next();
                Some(fields)
            } else {
                None
            }
        }
    };
    let mut width = header.as_ref().map(Vec::len);
    let mut values = Vec::new();
    let mut rows = 0;
    for (line, text) in lines {
        let fields = split(text);
        let expected = *width.get_or_insert(fields.len());
        if fields.len() != expected {
            return Err(NnError::CsvRagged {
                line,
                expected,
                got: fields.len(),
            });
        }
        for (c, f) in fields.iter().enumerate() {
            let v = f.parse::<f64>().map_err(|_| NnError::CsvNotANumber {
                line,
                column: c + 1,
                text: f.clone(),
            })?;
            values.push(v);
        }
        rows += 1;
    }
    let width = match width {
        Some(w) if rows > 0 => w,
        _ => return Err(NnError::CsvEmpty),
    };
    if width < 2 {
        return Err(NnError::EmptyData {
            what: "a csv needs at least one feature column and a label column",
        });
    }
    let li = match label {
        LabelColumn::Last => width - 1,
        LabelColumn::First => 0,
        LabelColumn::Index(i) if i < width => i,
        LabelColumn::Index(i) => {
            return Err(NnError::invalid(
                "label column",
                i,
                "an index below the number of columns",
            ));
        }
    };
    let mut x = Vec::with_capacity(rows * (width - 1));
    let mut y = Vec::with_capacity(rows);
    for r in values.chunks(width) {
        for (c, &v) in r.iter().enumerate() {
            if c == li {
                y.push(v);
            } else {
                x.push(v);
            }
        }
    }
    Ok(CsvData {
        header,
        x: Matrix::new(rows, width - 1, x),
        y,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_column_choices_and_comments() {
        let t = "# comment\n\n7,1,2\n8,3,4\n";
        let d = parse_csv(t, LabelColumn::First).unwrap();
        assert_eq!(d.y, vec![7.0, 8.0]);
        assert_eq!(d.x.row(0), &[1.0, 2.0]);
        let d = parse_csv(t, LabelColumn::Index(1)).unwrap();
        assert_eq!(d.y, vec![1.0, 3.0]);
        assert!(parse_csv(t, LabelColumn::Index(3)).is_err());
        assert_eq!(parse_csv("", LabelColumn::Last).unwrap_err(), NnError::CsvEmpty);
        assert!(matches!(
            parse_csv("1\n2\n", LabelColumn::Last),
            Err(NnError::EmptyData { .. })
        ));
        // A ragged line after a header counts against the header's width.
        assert_eq!(
            parse_csv("a,b,c\n1,2\n", LabelColumn::Last).unwrap_err(),
            NnError::CsvRagged {
                line: 2,
                expected: 3,
                got: 2
            }
        );
        assert!(matches!(
            read_csv("/nonexistent/file.csv", LabelColumn::Last),
            Err(NnError::Io { .. })
        ));
    }
}
