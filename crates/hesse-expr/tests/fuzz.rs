//! No input makes the parser (or building what it parsed) panic.
//!
//! Three generators, each with a bounded number of cases so the suite runs in seconds:
//! arbitrary Unicode strings, strings over the formula alphabet, and soups of valid tokens
//! (which parse far more often, so building and differentiating gets exercised too).
//! Every parse error must carry a caret inside the formula.

use proptest::prelude::*;

use hesse_expr::Expr;

/// Parses `src`; on success builds value, gradient and Hessian at a point; on failure checks
/// that the error's position lies within the formula.
fn exercise(src: &str) {
    match Expr::parse(src) {
        Ok(e) => {
            let names: Vec<String> = e.variables().to_vec();
            let b = e.bind(&names).expect("binding to its own variables");
            let x: Vec<f64> = (0..names.len()).map(|i| 0.5 - 0.3 * i as f64).collect();
            let v = b.value(&x);
            if !x.is_empty() {
                let (v2, g) = hesse_core::value_and_grad(|p| b.call(p), &x);
                // The same op sequence through the same kernels: the same bits. NaNs only
                // compare as NaN: the compiler may commute `a * b`, and which operand's NaN
                // payload survives is not specified.
                assert!(
                    v.to_bits() == v2.to_bits() || (v.is_nan() && v2.is_nan()),
                    "{src}: value {v} differs from tape {v2}"
                );
                assert_eq!(g.len(), x.len());
                let h = hesse_core::hessian(|p| b.call(p), &x);
                assert_eq!(h.rows(), x.len());
            }
            assert_eq!(e.to_string(), src);
        }
        Err(err) => {
            assert!(err.offset() <= src.len(), "{src:?}: offset past the end");
            assert!(err.column() <= src.chars().count() + 1);
            let text = err.to_string();
            assert!(text.contains('^'), "{src:?}: no caret in {text}");
            assert!(!err.kind().to_string().ends_with('.'));
        }
    }
}

const PIECES: &[&str] = &[
    "x",
    "y",
    "w_0",
    "x1",
    "2",
    "0.5",
    "1e-3",
    ".5",
    "1e308",
    "0",
    "pi",
    "e",
    "+",
    "-",
    "*",
    "/",
    "^",
    "(",
    ")",
    ",",
    "exp(",
    "log(",
    "ln(",
    "sqrt(",
    "sin(",
    "cos(",
    "tan(",
    "tanh(",
    "sigmoid(",
    "softplus(",
    "relu(",
    "abs(",
    "max(",
    "min(",
    " ",
    "foo(",
    "#",
];

/// Formulas that are valid by construction, fully parenthesised, with random spacing.
fn valid_formula() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        proptest::sample::select(&["x", "y", "w_0", "pi", "e"][..]).prop_map(str::to_string),
        (-1e3..1e3f64).prop_map(|v| format!("{v}")),
        (0..5u8).prop_map(|v| format!("{v}")),
    ];
    leaf.prop_recursive(6, 48, 2, |inner| {
        let f1 = proptest::sample::select(&PIECES[20..32]);
        prop_oneof![
            (
                inner.clone(),
                proptest::sample::select(&["+", "-", "*", "/", "^", " ^ -"][..]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("({a}){op}({b})")),
            inner.clone().prop_map(|a| format!("-({a})")),
            (f1, inner.clone()).prop_map(|(f, a)| format!("{f} {a} )")),
            (
                proptest::sample::select(&["max", "min"][..]),
                inner.clone(),
                inner
            )
                .prop_map(|(f, a, b)| format!("{f}({a},{b})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_panic(src in any::<String>()) {
        exercise(&src);
    }

    #[test]
    fn formula_alphabet_never_panics(src in "[-+*/^(),. 0-9a-z_eEπ²\t]{0,40}") {
        exercise(&src);
    }

    #[test]
    fn token_soups_never_panic(pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..24)) {
        exercise(&pieces.concat());
    }

    #[test]
    fn generated_formulas_parse_and_differentiate(src in valid_formula()) {
        prop_assert!(Expr::parse(&src).is_ok(), "{}", src);
        exercise(&src);
    }

    #[test]
    fn valid_formulas_from_soups(pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..24)) {
        // Close every '(' so a good share of cases parse.
        let mut src = pieces.concat();
        let open = src.matches('(').count().saturating_sub(src.matches(')').count());
        src.push_str(&")".repeat(open));
        exercise(&src);
    }
}
