//! The functions and constants a formula may use, and "did you mean" suggestions.

use hesse_core::ops::Unary;

/// A function of two arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Func2 {
    Max,
    Min,
}

/// What a reserved name means: a function of one argument is a registered hesse-core op
/// without a parameter (`Unary::functions`), under its own name.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Builtin {
    F1(Unary),
    F2(Func2),
    Const(f64),
}

/// Names of one-argument functions that are not an op's own: `log` is `ln`.
const ALIASES: &[(&str, Unary)] = &[("log", Unary::Ln)];

/// The functions of two arguments and the constants.
const OTHERS: &[(&str, Builtin)] = &[
    ("max", Builtin::F2(Func2::Max)),
    ("min", Builtin::F2(Func2::Min)),
    ("pi", Builtin::Const(std::f64::consts::PI)),
    ("e", Builtin::Const(std::f64::consts::E)),
];

/// Every reserved name: the functions and the constants. None of them can be a variable.
/// `stop_gradient` is not a formula function: what the CLI reports of a formula are its own
/// derivatives, and a stopped path would make them something else.
pub(crate) fn builtins() -> impl Iterator<Item = (&'static str, Builtin)> {
    Unary::functions()
        .filter(|u| !u.stops_gradient())
        .map(|u| (u.name(), Builtin::F1(u)))
        .chain(ALIASES.iter().map(|&(n, u)| (n, Builtin::F1(u))))
        .chain(OTHERS.iter().copied())
}

/// The builtin called `name`, if any (case-sensitive, like variables).
pub(crate) fn builtin(name: &str) -> Option<(&'static str, Builtin)> {
    builtins().find(|(n, _)| *n == name)
}

/// The closest of `candidates` to `name`: a case-insensitive match, or one within edit
/// distance 2 — 1 for names of 3 characters, 0 for shorter ones, so `z` does not suggest `x`.
pub(crate) fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    let limit = match name.chars().count() {
        0..=2 => 0,
        3 => 1,
        _ => 2,
    };
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        let d = if c.eq_ignore_ascii_case(&lower) {
            0
        } else {
            edit_distance(&lower, &c.to_ascii_lowercase())
        };
        if d <= limit && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// The names of the builtin functions (not the constants).
pub(crate) fn function_names() -> impl Iterator<Item = &'static str> {
    builtins()
        .filter(|(_, b)| !matches!(b, Builtin::Const(_)))
        .map(|(n, _)| n)
}

/// Levenshtein distance, in characters. Names longer than 64 characters are never close.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(suggest("Sin", function_names()), Some("sin"));
        assert_eq!(suggest("sqr", function_names()), Some("sqrt"));
        assert_eq!(suggest("log10", function_names()), Some("log"));
        assert_eq!(suggest("sigmod", function_names()), Some("sigmoid"));
        assert_eq!(suggest("foo", function_names()), None);
        assert_eq!(suggest("x", function_names()), None);
        assert_eq!(suggest("Ln", function_names()), Some("ln"));
        assert_eq!(suggest("z", ["x", "y"]), None);
        assert_eq!(suggest("X", ["x", "y"]), Some("x"));
        // Every registered op is a function, so `atan` is not "did you mean `tan`?".
        assert!(builtin("atan").is_some() && builtin("erf").is_some() && builtin("asinh").is_some());
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", "abc"), 0);
    }
}
