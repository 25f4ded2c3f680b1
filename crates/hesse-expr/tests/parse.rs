//! Grammar, values, derivatives and errors of hesse-expr.

use std::collections::HashMap;

use hesse_core::{Tape, Var};
use hesse_expr::{BindError, Expected, Expr, MAX_DEPTH, ParseErrorKind};

/// Value of a formula over `x` (and optionally `y`) at a point.
fn val(src: &str, x: f64) -> f64 {
    let e = Expr::parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    e.value(&HashMap::from([("x", x), ("y", 2.0)])).unwrap()
}

fn kind(src: &str) -> (ParseErrorKind, usize) {
    let e = Expr::parse(src).expect_err(src);
    (e.kind().clone(), e.column())
}

#[test]
fn precedence_and_associativity() {
    let cases = [
        ("-x^2", 3.0, -9.0),
        ("-2^2", 0.0, -4.0),
        ("(-2)^2", 0.0, 4.0),
        ("2^3^2", 0.0, 512.0),
        ("2^-1", 0.0, 0.5),
        ("x^-2", 2.0, 0.25),
        ("-x^-1", 4.0, -0.25),
        ("1-2-3", 0.0, -4.0),
        ("8/4/2", 0.0, 1.0),
        ("2+3*4", 0.0, 14.0),
        ("2*3^2", 0.0, 18.0),
        ("--x", 5.0, 5.0),
        ("+x", 5.0, 5.0),
        ("-x*y", 3.0, -6.0),
        ("x - -y", 1.0, 3.0),
        ("2 ^ x ^ 0", 7.0, 2.0),
        ("1e-3 * 1000", 0.0, 1.0),
        (".5 + 0.5 + 1.", 0.0, 2.0),
        ("1E2", 0.0, 100.0),
        ("e", 0.0, std::f64::consts::E),
        ("pi/2", 0.0, std::f64::consts::FRAC_PI_2),
        ("max(x, y) - min(x, y)", 5.0, 3.0),
        ("log(e) + ln(1)", 0.0, 1.0),
        (" x\t*\n2 ", 1.5, 3.0),
    ];
    for (src, x, want) in cases {
        assert_eq!(val(src, x), want, "{src}");
    }
}

#[test]
fn variables_in_order_of_first_appearance() {
    let e = Expr::parse("w_0*x1 + x1 - Theta + w_0 + e + pi").unwrap();
    assert_eq!(e.variables(), ["w_0", "x1", "Theta"]);
    assert_eq!(e.variable_span("x1"), Some(4..6));
    assert_eq!(Expr::parse("2 + 3").unwrap().variables(), [] as [&str; 0]);
}

fn rosen_rust<'t>(x: &[Var<'t>]) -> Var<'t> {
    (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2)
}

#[test]
fn rosenbrock_matches_the_rust_formula_bit_for_bit() {
    let f = Expr::parse("(1-x)^2 + 100*(y-x^2)^2")
        .unwrap()
        .bind(&["x", "y"])
        .unwrap();
    for p in [[-1.2, 1.0], [1.0, 1.0], [0.3, -0.7]] {
        let (v1, g1) = hesse_core::value_and_grad(|x| f.call(x), &p);
        let (v2, g2) = hesse_core::value_and_grad(rosen_rust, &p);
        assert_eq!((v1, g1), (v2, g2));
        assert_eq!(f.value(&p), v2);
        assert_eq!(
            hesse_core::hessian(|x| f.call(x), &p),
            hesse_core::hessian(rosen_rust, &p)
        );
    }
    let (v, g) = hesse_core::value_and_grad(|x| f.call(x), &[-1.2, 1.0]);
    assert!((v - 24.2).abs() < 1e-12);
    assert!((g[0] + 215.6).abs() < 1e-9 && (g[1] + 88.0).abs() < 1e-9);
    let h = hesse_core::hessian(|x| f.call(x), &[-1.2, 1.0]);
    assert!((h[(0, 0)] - 1330.0).abs() < 1e-9 && (h[(0, 1)] - 480.0).abs() < 1e-9);
    assert_eq!(h[(1, 1)], 200.0);
}

#[test]
fn every_function_matches_the_engine() {
    type F = for<'t> fn(Var<'t>) -> Var<'t>;
    let table: [(&str, F); 13] = [
        ("exp", |v| v.exp()),
        ("log", |v| v.ln()),
        ("ln", |v| v.ln()),
        ("sqrt", |v| v.sqrt()),
        ("sin", |v| v.sin()),
        ("cos", |v| v.cos()),
        ("tan", |v| v.tan()),
        ("tanh", |v| v.tanh()),
        ("sigmoid", |v| v.sigmoid()),
        ("softplus", |v| v.softplus()),
        ("relu", |v| v.relu()),
        ("abs", |v| v.abs()),
        ("", |v| v),
    ];
    for (name, rust) in table {
        let f = Expr::parse(&format!("{name}(x*y)"))
            .unwrap()
            .bind(&["x", "y"])
            .unwrap();
        for p in [[0.7, 0.9], [-0.3, 1.1], [0.0, 1.0]] {
            let h1 = hesse_core::hessian(|x| f.call(x), &p);
            let h2 = hesse_core::hessian(|x| rust(x[0] * x[1]), &p);
            let g1 = hesse_core::value_and_grad(|x| f.call(x), &p);
            let g2 = hesse_core::value_and_grad(|x| rust(x[0] * x[1]), &p);
            // NaN != NaN: compare bit patterns.
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(h1.as_slice()), bits(h2.as_slice()), "{name} at {p:?}");
            assert_eq!(g1.0.to_bits(), g2.0.to_bits(), "{name} at {p:?}");
            assert_eq!(bits(&g1.1), bits(&g2.1), "{name} at {p:?}");
            // Constant folding uses the same kernels.
            let c = Expr::parse(&format!("{name}({} * {})", p[0], p[1])).unwrap();
            let folded = c.value(&HashMap::<&str, f64>::new()).unwrap();
            assert_eq!(folded.to_bits(), g2.0.to_bits(), "{name} folded at {p:?}");
        }
    }
    type G = for<'t> fn(Var<'t>, Var<'t>) -> Var<'t>;
    let pairs: [(&str, G); 2] = [("max", |a, b| a.max(b)), ("min", |a, b| a.min(b))];
    for (name, rust) in pairs {
        let f = Expr::parse(&format!("{name}(x, y)"))
            .unwrap()
            .bind(&["x", "y"])
            .unwrap();
        for p in [[1.0, 2.0], [2.0, 1.0], [1.5, 1.5]] {
            assert_eq!(
                hesse_core::value_and_grad(|x| f.call(x), &p),
                hesse_core::value_and_grad(|x| rust(x[0], x[1]), &p)
            );
        }
        // A tie splits the gradient 0.5/0.5, as documented in hesse-core.
        assert_eq!(hesse_core::grad(|x| f.call(x), &[1.0, 1.0]), [0.5, 0.5]);
        // Constants on either side.
        let f = Expr::parse(&format!("{name}(x, 0) + {name}(1, x)"))
            .unwrap()
            .bind(&["x"])
            .unwrap();
        assert!(hesse_core::value_and_grad(|x| f.call(x), &[0.5]).0.is_finite());
    }
}

#[test]
fn powers_pick_the_exact_op() {
    let g = |src: &str, x: f64| {
        let f = Expr::parse(src).unwrap().bind(&["x", "y"]).unwrap();
        hesse_core::value_and_grad(|p| f.call(p), &[x, 2.0])
    };
    // Integer exponents are powi: defined (and exact) for negative bases.
    assert_eq!(g("x^3", -2.0), (-8.0, vec![12.0, 0.0]));
    assert_eq!(g("x^(1+2)", -2.0), (-8.0, vec![12.0, 0.0]));
    assert_eq!(g("x^-1", -2.0), (-0.5, vec![-0.25, 0.0]));
    assert_eq!(g("x^0", 0.0), (1.0, vec![0.0, 0.0]));
    // Other constants are powf.
    assert_eq!(g("x^0.5", 4.0), (2.0, vec![0.25, 0.0]));
    assert!(g("x^0.5", -4.0).0.is_nan());
    // A variable exponent is the general power.
    let (v, d) = g("x^y", 3.0);
    assert_eq!(v, 9.0);
    assert_eq!(d[0], 6.0);
    assert!((d[1] - 9.0 * 3f64.ln()).abs() < 1e-12);
    let (v, d) = g("2^y", 0.0);
    assert_eq!(v, 4.0);
    assert!((d[1] - 4.0 * 2f64.ln()).abs() < 1e-12);
    // e^x is exp.
    let (v, d) = g("e^x", 1.0);
    assert_eq!((v, d[0]), (1f64.exp(), 1f64.exp()));
    // Huge integer exponents do not overflow powi's derivative chain.
    assert_eq!(g("x^3000000000", 1.0), (1.0, vec![3e9, 0.0]));
    assert_eq!(val("2^10", 0.0), 1024.0);
}

#[test]
fn higher_orders_work_through_the_tape() {
    let f = Expr::parse("x^3 * y").unwrap();
    let tape = Tape::new();
    let (x, y) = (tape.var(2.0), tape.var(5.0));
    let out = f.build(&tape, &HashMap::from([("x", x), ("y", y)])).unwrap();
    let d1 = tape.grad(out, &[x])[0];
    let d2 = tape.grad(d1, &[x])[0];
    let d3 = tape.grad(d2, &[x])[0];
    assert_eq!((d1.value(), d2.value(), d3.value()), (60.0, 60.0, 30.0));
}

#[test]
fn non_finite_results_are_values_not_errors() {
    assert_eq!(val("1/0", 0.0), f64::INFINITY);
    assert_eq!(val("-1/0", 0.0), f64::NEG_INFINITY);
    assert!(val("0/0", 0.0).is_nan());
    assert!(val("ln(-1)", 0.0).is_nan());
    assert_eq!(val("log(0)", 0.0), f64::NEG_INFINITY);
    assert!(val("sqrt(x)", -1.0).is_nan());
    assert_eq!(val("x/0", 2.0), f64::INFINITY);
    assert!(val("(-8)^(1/3)", 0.0).is_nan());
    let f = Expr::parse("1/x").unwrap().bind(&["x"]).unwrap();
    let (v, g) = hesse_core::value_and_grad(|p| f.call(p), &[0.0]);
    assert_eq!((v, g[0]), (f64::INFINITY, f64::NEG_INFINITY));
}

#[test]
fn constant_formulas_build_on_any_tape() {
    let f = Expr::parse("2*pi").unwrap().bind(&["x"]).unwrap();
    assert_eq!(
        hesse_core::value_and_grad(|p| f.call(p), &[1.0]),
        (std::f64::consts::TAU, vec![0.0])
    );
    let tape = Tape::new();
    let c = Expr::parse("1+1").unwrap().bind::<&str>(&[]).unwrap();
    assert_eq!(c.build(&tape, &[]).value(), 2.0);
}

#[test]
fn binding_names_missing_and_repeated_variables() {
    let f = Expr::parse("x + z").unwrap();
    assert_eq!(
        f.bind(&["x", "y"]),
        Err(BindError::MissingVariable {
            name: "z".into(),
            given: vec!["x".into(), "y".into()],
            suggestion: None
        })
    );
    assert_eq!(
        f.bind::<&str>(&[]).unwrap_err().to_string(),
        "variable `x` is used in the formula but has no value (no variables were given)"
    );
    assert_eq!(
        f.bind(&["x", "z", "x"]).unwrap_err().to_string(),
        "variable `x` is given twice"
    );
    assert!(
        f.value(&HashMap::from([("x", 1.0)]))
            .unwrap_err()
            .to_string()
            .contains("`z`")
    );
}

#[test]
fn parse_errors_say_where_and_what() {
    use ParseErrorKind as K;
    let op = Expected::Operand;
    let cases: Vec<(&str, ParseErrorKind, usize)> = vec![
        ("", K::UnexpectedEnd { expected: op }, 1),
        ("   ", K::UnexpectedEnd { expected: op }, 4),
        ("x +", K::UnexpectedEnd { expected: op }, 4),
        (
            "(x",
            K::UnexpectedEnd {
                expected: Expected::OperatorOrCloseParen,
            },
            3,
        ),
        (
            "x)",
            K::UnexpectedToken {
                found: "')'".into(),
                expected: Expected::OperatorOrEnd,
            },
            2,
        ),
        (
            "2x",
            K::UnexpectedToken {
                found: "variable x".into(),
                expected: Expected::OperatorOrEnd,
            },
            2,
        ),
        (
            "x # 2",
            K::UnexpectedChar {
                found: '#',
                expected: Expected::OperatorOrEnd,
            },
            3,
        ),
        (
            "x²",
            K::UnexpectedChar {
                found: '²',
                expected: Expected::OperatorOrEnd,
            },
            2,
        ),
        (
            "foo(x)",
            K::UnknownFunction {
                name: "foo".into(),
                suggestion: None,
            },
            1,
        ),
        (
            // issue 18: the formula's derivatives are its own: no stopped paths.
            "stop_gradient(x)",
            K::UnknownFunction {
                name: "stop_gradient".into(),
                suggestion: None,
            },
            1,
        ),
        (
            "1 + Exp(x)",
            K::UnknownFunction {
                name: "Exp".into(),
                suggestion: Some("exp"),
            },
            5,
        ),
        (
            "sin(x, y)",
            K::WrongArity {
                name: "sin",
                expected: 1,
                found: 2,
            },
            1,
        ),
        (
            "min()",
            K::WrongArity {
                name: "min",
                expected: 2,
                found: 0,
            },
            1,
        ),
        (
            "sin x",
            K::FunctionWithoutCall {
                name: "sin",
                arity: 1,
            },
            1,
        ),
        (
            "max",
            K::FunctionWithoutCall {
                name: "max",
                arity: 2,
            },
            1,
        ),
        ("2*pi(3)", K::ConstantCalled { name: "pi" }, 3),
        ("1e999", K::NumberOutOfRange { text: "1e999".into() }, 1),
        (
            "max(x y)",
            K::UnexpectedToken {
                found: "variable y".into(),
                expected: Expected::OperatorCommaOrCloseParen,
            },
            7,
        ),
        (
            "x ** 2",
            K::UnexpectedToken {
                found: "'*'".into(),
                expected: op,
            },
            4,
        ),
        (
            "1..2",
            K::UnexpectedToken {
                found: "number .2".into(),
                expected: Expected::OperatorOrEnd,
            },
            3,
        ),
        (
            "x,y",
            K::UnexpectedToken {
                found: "','".into(),
                expected: Expected::OperatorOrEnd,
            },
            2,
        ),
    ];
    for (src, k, col) in cases {
        assert_eq!(kind(src), (k, col), "{src:?}");
    }
}

#[test]
fn error_display_has_caret_and_hints() {
    let e = Expr::parse("2x + 1").unwrap_err();
    assert_eq!(
        e.to_string(),
        "unexpected variable x, expected an operator or the end of the formula at column 2\n  \
         2x + 1\n   ^\n  help: implicit multiplication is not supported; write `*`, as in 2*x"
    );
    let e = Expr::parse("x ** 2").unwrap_err();
    assert_eq!(e.hint(), Some("powers are written with `^`, as in x^2"));
    let e = Expr::parse("(x + 1").unwrap_err();
    assert_eq!(e.hint(), Some("a '(' is not closed"));
    assert_eq!(e.snippet(), "  (x + 1\n        ^");
    let e = Expr::parse("sqr(x)").unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown function `sqr`, did you mean `sqrt`? at column 1\n  sqr(x)\n  ^"
    );
    let e = Expr::parse("sin x").unwrap_err();
    assert_eq!(
        e.kind().to_string(),
        "`sin` is a function and needs its argument in parentheses, as in sin(x)"
    );
    let e = Expr::parse("max(1)").unwrap_err();
    assert_eq!(e.kind().to_string(), "`max` takes 2 arguments, found 1");
}

#[test]
fn nesting_is_limited_without_overflowing_the_stack() {
    for deep in [
        "(".repeat(100_000),
        format!("{}x", "-".repeat(100_000)),
        format!("{}x", "sin(".repeat(100_000)),
        "x^".repeat(100_000) + "x",
        "2^-".repeat(100_000) + "x",
    ] {
        let e = Expr::parse(&deep).unwrap_err();
        assert_eq!(e.kind(), &ParseErrorKind::TooDeep { limit: MAX_DEPTH });
        assert!(e.snippet().len() < 400, "the snippet is a window");
    }
    // Right at the limit it parses, and builds, in a test thread's small stack.
    let ok = format!("{}x{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert_eq!(val(&ok, 3.0), 3.0);
    let too_deep = format!("{}x{}", "(".repeat(MAX_DEPTH + 1), ")".repeat(MAX_DEPTH + 1));
    assert!(Expr::parse(&too_deep).is_err());
    let sins = format!("{}x{}", "sin(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    let f = Expr::parse(&sins).unwrap().bind(&["x"]).unwrap();
    assert!(hesse_core::hessian(|p| f.call(p), &[0.5])[(0, 0)].is_finite());
}

#[test]
fn long_flat_formulas_have_no_limit() {
    let n = 200_000;
    let src = vec!["x"; n].join("+");
    assert_eq!(val(&src, 1.0), n as f64);
    let src = vec!["x"; 10_000].join("*");
    let f = Expr::parse(&src).unwrap().bind(&["x"]).unwrap();
    assert_eq!(hesse_core::grad(|p| f.call(p), &[1.0]), [10_000.0]);
}
