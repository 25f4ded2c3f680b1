//! Numbers, vectors and matrices for people (aligned, 10 significant digits) and for JSON
//! (full precision; non-finite numbers as the strings "NaN", "inf", "-inf").

use std::io::Write;

use serde_json::{Map, Value};

/// Significant digits in human output. JSON keeps all 17.
const SIG: usize = 10;

/// A number for people: like C's `%.10g` — fixed notation for moderate exponents, scientific
/// beyond, trailing zeros dropped; `-0` prints as `0`; `NaN`, `inf`, `-inf`.
pub fn num(x: f64) -> String {
    num_sig(x, SIG)
}

/// A number with `sig` significant digits, as [`num`].
pub fn num_sig(x: f64, sig: usize) -> String {
    let sig = sig.clamp(1, 17);
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == 0.0 {
        return "0".into();
    }
    let sci = format!("{:.*e}", sig - 1, x);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -5 || exp >= sig as i32 {
        format!("{}e{exp}", trim_zeros(mantissa))
    } else {
        let decimals = (sig as i32 - 1 - exp).max(0) as usize;
        trim_zeros(&format!("{x:.decimals$}")).to_string()
    }
}

/// A number with an explicit sign, `+1.5`, `-2`, `+0`, for eigenvalues.
pub fn signed(x: f64) -> String {
    let s = num(x);
    if s.starts_with('-') || x.is_nan() {
        s
    } else {
        format!("+{s}")
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// `x = 1, y = 2`.
pub fn assignments(names: &[String], values: &[f64]) -> String {
    if names.is_empty() {
        return "(no variables)".into();
    }
    names
        .iter()
        .zip(values)
        .map(|(n, &v)| format!("{n} = {}", num(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A labelled column: one `name  value` line per entry, values right-aligned.
pub fn labelled_column(names: &[String], values: &[f64], indent: &str) -> String {
    let cells: Vec<String> = values.iter().map(|&v| num(v)).collect();
    let nw = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let vw = cells.iter().map(|c| c.chars().count()).max().unwrap_or(0);
    names
        .iter()
        .zip(&cells)
        .map(|(n, c)| format!("{indent}{n:<nw$}  {c:>vw$}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A square matrix with variable names on both sides, columns right-aligned:
///
/// ```text
///         x     y
///   x  1330   480
///   y   480   200
/// ```
pub fn labelled_matrix(names: &[String], rows: &[Vec<f64>], indent: &str) -> String {
    let cells: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|&v| num(v)).collect()).collect();
    let nw = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let cw = cells
        .iter()
        .flatten()
        .map(|c| c.chars().count())
        .chain(names.iter().map(|n| n.chars().count()))
        .max()
        .unwrap_or(1);
    let mut out = Vec::with_capacity(rows.len() + 1);
    let header: Vec<String> = names.iter().map(|n| format!("{n:>cw$}")).collect();
    out.push(format!("{indent}{:nw$}  {}", "", header.join("  ")));
    for (n, row) in names.iter().zip(&cells) {
        let row: Vec<String> = row.iter().map(|c| format!("{c:>cw$}")).collect();
        out.push(format!("{indent}{n:<nw$}  {}", row.join("  ")));
    }
    out.join("\n")
}

/// A number for JSON: finite numbers as numbers, others as "NaN", "inf", "-inf".
pub fn json_num(x: f64) -> Value {
    match serde_json::Number::from_f64(x) {
        Some(n) => Value::Number(n),
        None if x.is_nan() => Value::String("NaN".into()),
        None if x > 0.0 => Value::String("inf".into()),
        None => Value::String("-inf".into()),
    }
}

/// A vector for JSON.
pub fn json_vec(v: &[f64]) -> Value {
    Value::Array(v.iter().map(|&x| json_num(x)).collect())
}

/// A matrix (rows) for JSON.
pub fn json_matrix(rows: &[Vec<f64>]) -> Value {
    Value::Array(rows.iter().map(|r| json_vec(r)).collect())
}

/// Names for JSON.
pub fn json_names(names: &[String]) -> Value {
    Value::Array(names.iter().map(|n| Value::String(n.clone())).collect())
}

/// Prints one JSON object on one line.
pub fn print_json(obj: Map<String, Value>) {
    emit(&Value::Object(obj).to_string());
}

/// Writes `text` and a new line to stdout. A closed pipe is not an error worth a panic.
pub(crate) fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}").and_then(|()| out.flush());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_people() {
        assert_eq!(num(24.200000000000003), "24.2");
        assert_eq!(num(-215.60000000000002), "-215.6");
        assert_eq!(num(1330.0000000000002), "1330");
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(1e-7), "1e-7");
        assert_eq!(num(-1.5e-12), "-1.5e-12");
        assert_eq!(num(123456.789), "123456.789");
        assert_eq!(num(1e10), "1e10");
        assert_eq!(num(0.3993607674), "0.3993607674");
        assert_eq!(num(f64::NAN), "NaN");
        assert_eq!(num(f64::NEG_INFINITY), "-inf");
        assert_eq!(num(0.99999999999999), "1");
        assert_eq!(num_sig(4.448000365e-12, 3), "4.45e-12");
        assert_eq!(signed(2.0), "+2");
        assert_eq!(signed(-2.0), "-2");
        assert_eq!(signed(0.0), "+0");
    }

    #[test]
    fn json_numbers_always_parse() {
        assert_eq!(json_num(1.5), serde_json::json!(1.5));
        assert_eq!(json_num(f64::NAN), serde_json::json!("NaN"));
        assert_eq!(json_num(f64::INFINITY), serde_json::json!("inf"));
        assert_eq!(json_num(f64::NEG_INFINITY), serde_json::json!("-inf"));
    }

    #[test]
    fn matrices_align() {
        let names = vec!["x".to_string(), "y".to_string()];
        let m = labelled_matrix(&names, &[vec![1330.0, 480.0], vec![480.0, 200.0]], "  ");
        assert_eq!(m, "        x     y\n  x  1330   480\n  y   480   200");
        let c = labelled_column(&names, &[-215.6, -88.0], "  ");
        assert_eq!(c, "  x  -215.6\n  y     -88");
    }
}
