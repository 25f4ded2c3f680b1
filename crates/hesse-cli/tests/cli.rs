//! Runs the built `hesse` binary: Rosenbrock (eval, critical, minimize), textbook critical
//! points, every function, JSON round trips, exit codes and bad input.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

const ROSENBROCK: &str = "(1-x)^2 + 100*(y-x^2)^2";

fn hesse(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hesse"))
        .args(args)
        .output()
        .expect("the hesse binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

/// Runs, expects exit 0, and parses stdout as exactly one JSON object.
fn json(args: &[&str]) -> Value {
    let o = hesse(args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    parse_one(&stdout(&o))
}

fn parse_one(s: &str) -> Value {
    let mut it = serde_json::Deserializer::from_str(s).into_iter::<Value>();
    let v = it.next().expect("one JSON value").expect("valid JSON");
    assert!(it.next().is_none(), "exactly one JSON value: {s}");
    assert!(v.is_object(), "an object: {s}");
    v
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn fs(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(f).collect()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

/// Exit code and no sign of a panic.
fn code(o: &Output) -> i32 {
    let err = stderr(o);
    assert!(
        !err.contains("panicked") && !err.contains("internal error"),
        "panic: {err}"
    );
    o.status.code().expect("exited normally")
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hesse-cli-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

// ---------------------------------------------------------------- Rosenbrock

#[test]
fn rosenbrock_eval_json() {
    let v = json(&[
        "eval",
        ROSENBROCK,
        "--at",
        "x=-1.2,y=1",
        "--grad",
        "--hessian",
        "--json",
    ]);
    assert!(close(f(&v["value"]), 24.2, 1e-12));
    let g = fs(&v["gradient"]);
    assert!(close(g[0], -215.6, 1e-12) && close(g[1], -88.0, 1e-12), "{g:?}");
    let h: Vec<Vec<f64>> = v["hessian"].as_array().unwrap().iter().map(fs).collect();
    // ∂²f/∂x² = 2 − 400(y − 3x²) = 1330, ∂²f/∂x∂y = −400x = 480, ∂²f/∂y² = 200.
    assert!(close(h[0][0], 1330.0, 1e-12) && close(h[0][1], 480.0, 1e-12));
    assert_eq!(h[0][1], h[1][0]);
    assert_eq!(h[1][1], 200.0);
    assert_eq!(v["variables"], serde_json::json!(["x", "y"]));
}

#[test]
fn rosenbrock_eval_human() {
    let o = hesse(&["eval", ROSENBROCK, "--at", "x=-1.2,y=1", "--grad", "--hessian"]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        stdout(&o),
        "at        x = -1.2, y = 1\n\
         value     24.2\n\
         gradient\n  x  -215.6\n  y     -88\n\
         hessian\n        x     y\n  x  1330   480\n  y   480   200\n"
    );
    // Without --grad/--hessian: the bare value, like a calculator.
    let o = hesse(&["eval", ROSENBROCK, "--at", "x=-1.2,y=1"]);
    assert_eq!(stdout(&o), "24.2\n");
}

#[test]
fn rosenbrock_critical_at_the_minimum() {
    let v = json(&["critical", ROSENBROCK, "--at", "x=1,y=1", "--json"]);
    assert_eq!(v["classification"], "minimum");
    assert_eq!(fs(&v["x"]), [1.0, 1.0]);
    assert_eq!(f(&v["value"]), 0.0);
    assert_eq!(f(&v["gradient_norm"]), 0.0);
    let l = fs(&v["eigenvalues"]);
    // Eigenvalues of [[802, -400], [-400, 200]]: 501 ∓ √(301² + 400²).
    let r = (301.0f64.powi(2) + 400.0f64.powi(2)).sqrt();
    assert!(
        close(l[0], 501.0 - r, 1e-12) && close(l[1], 501.0 + r, 1e-12),
        "{l:?}"
    );
    assert!(f(&v["tolerance"]) > 0.0 && f(&v["tolerance"]) < 1e-9);
    assert_eq!(v["is_critical"], true);

    let o = hesse(&["critical", ROSENBROCK, "--at", "x=1,y=1"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(out.contains("  x   802  -400\n  y  -400   200\n"), "{out}");
    assert!(out.contains("eigenvalues  +0.399360"), "{out}");
    assert!(out.ends_with("verdict      strict local minimum\n"), "{out}");
}

#[test]
fn rosenbrock_minimize_lbfgs() {
    let v = json(&[
        "minimize",
        ROSENBROCK,
        "--from",
        "x=-1.2,y=1",
        "--method",
        "lbfgs",
        "--json",
    ]);
    let x = fs(&v["x"]);
    assert!(close(x[0], 1.0, 1e-6) && close(x[1], 1.0, 1e-6), "{x:?}");
    assert_eq!(v["status"], "converged");
    assert!(f(&v["f"]) < 1e-12);
    assert!(f(&v["gradient_norm"]) <= 1e-8);
    for k in ["iterations", "f_evals", "g_evals"] {
        assert!(v[k].as_u64().unwrap() > 0, "{k}");
    }
    let o = hesse(&["minimize", ROSENBROCK, "--from", "x=-1.2,y=1"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(
        out.contains("method       lbfgs\nstatus       converged"),
        "{out}"
    );
    assert!(out.contains("x            x = 1, y = 1"), "{out}");
}

#[test]
fn every_method_runs() {
    let v = json(&[
        "minimize",
        ROSENBROCK,
        "--from",
        "x=-1.2,y=1",
        "--method",
        "newton-cg",
        "--json",
    ]);
    let x = fs(&v["x"]);
    assert!(close(x[0], 1.0, 1e-6) && close(x[1], 1.0, 1e-6), "{x:?}");
    assert!(v["hvp_evals"].as_u64().unwrap() > 0);
    // First-order methods on a quadratic bowl.
    for (m, extra) in [
        ("gd", vec!["--lr", "0.1"]),
        ("momentum", vec!["--lr", "0.05", "--momentum", "0.5"]),
        ("nesterov", vec!["--lr", "0.05", "--momentum", "0.5"]),
    ] {
        let mut args = vec![
            "minimize",
            "(x-3)^2 + 2*(y+1)^2",
            "--from",
            "x=0,y=0",
            "--method",
            m,
            "--json",
        ];
        args.extend(extra);
        let v = json(&args);
        assert_eq!(v["status"], "converged", "{m}: {v}");
        let x = fs(&v["x"]);
        assert!(close(x[0], 3.0, 1e-7) && close(x[1], -1.0, 1e-7), "{m}: {x:?}");
    }
    // Running out of iterations is a result (exit 0), and the status says so.
    let v = json(&[
        "minimize",
        ROSENBROCK,
        "--from",
        "x=-1.2,y=1",
        "--method",
        "gd",
        "--max-iter",
        "5",
        "--json",
    ]);
    assert_eq!(v["status"], "max_iterations");
    assert_eq!(v["iterations"], 5);
}

// ---------------------------------------------------------------- textbook points

#[test]
fn textbook_critical_points() {
    for (formula, class) in [
        ("x^2 + y^2", "minimum"),
        ("x^2 - y^2", "saddle"),
        ("-x^2 - y^2", "maximum"),
        ("x^4 + y^2", "degenerate"),
    ] {
        let v = json(&["critical", formula, "--at", "x=0,y=0", "--json"]);
        assert_eq!(v["classification"], class, "{formula}: {v}");
        assert_eq!(f(&v["gradient_norm"]), 0.0);
    }
    let v = json(&["critical", "x^2 - y^2", "--at", "x=0,y=0", "--json"]);
    assert_eq!(fs(&v["eigenvalues"]), [-2.0, 2.0]);
    assert_eq!(v["index"], 1);
    let v = json(&["critical", "x^4 + y^2", "--at", "x=0,y=0", "--json"]);
    assert_eq!(fs(&v["eigenvalues"]), [0.0, 2.0]);
    assert_eq!(v["zero_directions"], 1);

    let o = hesse(&["critical", "x^2 - y^2", "--at", "x=0,y=0"]);
    let out = stdout(&o);
    assert!(out.contains("eigenvalues  -2  +2"), "{out}");
    assert!(out.contains("verdict      saddle point of index 1"), "{out}");
}

#[test]
fn refine_moves_onto_the_critical_point() {
    let v = json(&[
        "critical",
        "x^2 - y^2 + 0.1*x*y",
        "--at",
        "x=0.3,y=-0.2",
        "--refine",
        "--json",
    ]);
    assert_eq!(v["classification"], "saddle");
    assert!(f(&v["gradient_norm"]) < 1e-12);
    assert!(fs(&v["x"]).iter().all(|c| c.abs() < 1e-12));
    assert!(v["refinement"]["steps"].as_u64().unwrap() >= 1);
    // With --no-refine, far from a critical point, the verdict says so.
    let o = hesse(&["critical", "x^2 + y^2", "--at", "x=1,y=1", "--no-refine"]);
    assert!(
        stdout(&o).contains("verdict      not a critical point"),
        "{}",
        stdout(&o)
    );
}

// ---------------------------------------------------------------- functions and values

#[test]
fn a_formula_with_every_function() {
    let formula = "exp(x) + log(y) + ln(y) + sqrt(y) + sin(x) + cos(x) + tan(x) + tanh(x) \
                   + sigmoid(x) + softplus(x) + relu(x) + abs(x) + max(x, y) + min(x, y) + pi + e";
    let (x, y) = (0.3f64, 1.7f64);
    let v = json(&[
        "eval",
        formula,
        "--at",
        "x=0.3,y=1.7",
        "--grad",
        "--hessian",
        "--json",
    ]);
    let s = 1.0 / (1.0 + (-x).exp());
    let value = x.exp()
        + 2.0 * y.ln()
        + y.sqrt()
        + x.sin()
        + x.cos()
        + x.tan()
        + x.tanh()
        + s
        + (1.0 + x.exp()).ln()
        + x
        + x
        + y
        + x
        + std::f64::consts::PI
        + std::f64::consts::E;
    assert!(close(f(&v["value"]), value, 1e-14));
    let t = x.tan();
    let th = x.tanh();
    let gx =
        x.exp() + x.cos() - x.sin() + (1.0 + t * t) + (1.0 - th * th) + s * (1.0 - s) + s + 1.0 + 1.0 + 1.0;
    let gy = 2.0 / y + 0.5 / y.sqrt() + 1.0;
    let g = fs(&v["gradient"]);
    assert!(
        close(g[0], gx, 1e-14) && close(g[1], gy, 1e-14),
        "{g:?} vs {gx}, {gy}"
    );
    let h: Vec<Vec<f64>> = v["hessian"].as_array().unwrap().iter().map(fs).collect();
    let hxx = x.exp() - x.sin() - x.cos() + 2.0 * t * (1.0 + t * t) - 2.0 * th * (1.0 - th * th)
        + s * (1.0 - s) * (1.0 - 2.0 * s)
        + s * (1.0 - s);
    let hyy = -2.0 / (y * y) - 0.25 / y.powf(1.5);
    assert!(close(h[0][0], hxx, 1e-13) && close(h[1][1], hyy, 1e-13), "{h:?}");
    assert_eq!((h[0][1], h[1][0]), (0.0, 0.0));
}

#[test]
fn non_finite_values_are_documented_results() {
    let v = json(&["eval", "1/x", "--at", "x=0", "--grad", "--json"]);
    assert_eq!(v["value"], "inf");
    assert_eq!(v["gradient"], serde_json::json!(["-inf"]));
    let v = json(&["eval", "ln(x)", "--at", "x=0", "--json"]);
    assert_eq!(v["value"], "-inf");
    let v = json(&[
        "eval",
        "ln(x) + sqrt(y)",
        "--at",
        "x=-1,y=-1",
        "--grad",
        "--hessian",
        "--json",
    ]);
    assert_eq!(v["value"], "NaN");
    let o = hesse(&["eval", "log(x)", "--at", "x=-1"]);
    assert_eq!((code(&o), stdout(&o)), (0, "NaN\n".into()));
    let o = hesse(&["eval", "0/0"]);
    assert_eq!(stdout(&o), "NaN\n");
}

#[test]
fn calculator_and_variable_order() {
    assert_eq!(stdout(&hesse(&["eval", "2^-1 + 3*4"])), "12.5\n");
    assert_eq!(stdout(&hesse(&["eval", "-2^2"])), "-4\n");
    assert_eq!(stdout(&hesse(&["eval", "sin(pi/6)"])), "0.5\n");
    // Coordinates follow --at; extra point variables have zero derivatives.
    let v = json(&["eval", "x^2 * y", "--at", "y=2,z=5,x=3", "--grad", "--json"]);
    assert_eq!(fs(&v["gradient"]), [9.0, 0.0, 12.0]);
    assert_eq!(v["variables"], serde_json::json!(["y", "z", "x"]));
    // Values may be constant formulas.
    let v = json(&["eval", "sin(x)", "--at", "x=pi/2", "--json"]);
    assert_eq!(f(&v["value"]), 1.0);
    // A formula starting with '-'.
    assert_eq!(stdout(&hesse(&["eval", "--at", "x=3", "--", "-x^2"])), "-9\n");
    assert_eq!(stdout(&hesse(&["eval", "-x^2", "--at", "x=3"])), "-9\n");
}

// ---------------------------------------------------------------- errors and exit codes

#[test]
fn exit_codes() {
    assert_eq!(code(&hesse(&["eval", "x+1", "--at", "x=1"])), 0);
    assert_eq!(code(&hesse(&["--help"])), 0);
    // 2: usage
    for args in [
        vec!["eval", "2*(x+", "--at", "x=1"],
        vec!["eval", "sine(x)", "--at", "x=1"],
        vec!["eval", "x+z", "--at", "x=1"],
        vec!["eval", "x", "--at", "x=1,y"],
        vec!["eval"],
        vec!["frobnicate"],
        vec!["critical", "x^2"],
        vec![
            "minimize", "x^2", "--from", "x=1", "--method", "lbfgs", "--lr", "0.1",
        ],
        vec!["minimize", "x^2", "--from", "x=1", "--method", "gd", "--lr", "-1"],
        vec!["minimize", "x^2", "--from", "x=1", "--method", "bfgs"],
        vec!["minimize", "x^2", "--from", "x=1", "--plot", "out.svg"],
        vec!["plot", "x+y+z", "--x", "-1:1", "--y", "-1:1", "-o", "out.svg"],
        vec!["plot", "x+y", "--x", "1:-1", "--y", "-1:1", "-o", "out.svg"],
    ] {
        let o = hesse(&args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}: nothing on stdout");
        assert!(stderr(&o).starts_with("error: "), "{args:?}: {}", stderr(&o));
    }
    // 1: evaluation
    let o = hesse(&["critical", "ln(x) + y^2", "--at", "x=-1,y=0"]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("cannot classify the point x = -1, y = 0"),
        "{}",
        stderr(&o)
    );
    let o = hesse(&[
        "minimize", "x^2", "--from", "x=1", "--method", "gd", "--lr", "10", "--json",
    ]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let v = parse_one(&stdout(&o));
    assert_ne!(v["status"], "converged");
    let o = hesse(&[
        "plot",
        "x*y",
        "--x",
        "-1:1",
        "--y",
        "-1:1",
        "-o",
        "/nonexistent-dir/f.svg",
    ]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("cannot write /nonexistent-dir/f.svg"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn parse_errors_point_at_the_problem() {
    let o = hesse(&["eval", "2*(x+)", "--at", "x=1"]);
    assert_eq!(
        stderr(&o),
        "error: invalid formula: unexpected ')', expected a number, variable, function or '(' at column 6\n  \
         2*(x+)\n       ^\n"
    );
    let o = hesse(&["eval", "sqr(x)", "--at", "x=1"]);
    assert!(stderr(&o).contains("unknown function `sqr`, did you mean `sqrt`?"));
    let o = hesse(&["eval", "max(x)", "--at", "x=1"]);
    assert!(stderr(&o).contains("`max` takes 2 arguments, found 1"));
    let o = hesse(&["eval", "2x", "--at", "x=1"]);
    assert!(stderr(&o).contains("help: implicit multiplication is not supported"));
    let o = hesse(&["eval", "x + w", "--at", "x=1,W=2"]);
    assert_eq!(
        stderr(&o),
        "error: variable `w` is used in the formula but has no value (given: x, W); did you mean `W`?\n  \
         x + w\n      ^\n"
    );
}

#[test]
fn malformed_points_give_clear_messages() {
    for (at, msg) in [
        ("x=1,y", "`y` has no value; write NAME=VALUE, e.g. y=1.5"),
        ("x=1,,y=2", "entry 2 is empty (a stray comma?)"),
        ("x=1,", "entry 2 is empty"),
        ("x=", "`x` has no value after '='"),
        ("=1", "has no variable name"),
        ("x=one", "value of `x`: `one` is not a number"),
        ("x=1,x=2", "variable `x` is given twice"),
        ("2x=1", "`2x` is not a variable name"),
        ("e=1", "`e` is a function or constant name"),
        ("x=inf", "not finite"),
        ("", "empty point"),
    ] {
        let o = hesse(&["eval", "x", "--at", at]);
        assert_eq!(code(&o), 2, "{at:?}");
        let err = stderr(&o);
        assert!(err.contains(msg), "{at:?}: {err}");
        assert!(err.contains("--at"), "{at:?}: names the option: {err}");
    }
}

#[test]
fn odd_input_never_panics() {
    let long = "x+".repeat(50_000) + "x";
    let deep = "(".repeat(10_000);
    let weird = [
        "",
        " ",
        "(",
        ")",
        "x^",
        "^x",
        "1e999",
        "1e-999",
        "é",
        "x²",
        "\u{7}",
        "max(,)",
        "sin()",
        "((x)))",
        "--x",
        "x--",
        "+-+-x",
        ".",
        "..",
        "1.2.3",
        "e^e^e^e^e",
        "pi(2)",
        "x,y",
        "\t\n",
        "0^-1",
        "(-8)^(1/3)",
        "x^1e10",
        "x^-1e10",
        &long,
        &deep,
    ];
    for w in weird {
        for args in [
            vec!["eval", w, "--at", "x=1,y=2", "--grad", "--hessian", "--json"],
            vec!["critical", w, "--at", "x=0,y=0", "--json"],
        ] {
            let c = code(&hesse(&args));
            assert!((0..=2).contains(&c), "{args:?} exit {c}");
        }
    }
    for at in [
        "x", "x=", "=", ",", "x=1=2", "x=(", "x=1e999", "x=-", "é=1", "x=1;y=2",
    ] {
        let c = code(&hesse(&["eval", "x", "--at", at]));
        assert_eq!(c, 2, "--at {at:?}");
    }
}

// ---------------------------------------------------------------- pictures

#[test]
fn plots_are_written() {
    let path = temp("rosenbrock.svg");
    let o = hesse(&[
        "plot",
        ROSENBROCK,
        "--x",
        "-2:2",
        "--y",
        "-1:3",
        "--trajectory",
        "lbfgs",
        "--from",
        "x=-1.2,y=1",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("</svg>") && svg.contains("lbfgs"));

    let path = temp("path.svg");
    let v = json(&[
        "minimize",
        ROSENBROCK,
        "--from",
        "x=-1.2,y=1",
        "--plot",
        path.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(v["plot"], path.to_str().unwrap());
    assert!(std::fs::read_to_string(&path).unwrap().contains("</svg>"));

    let path = temp("saddle.svg");
    let o = hesse(&[
        "plot",
        "x^2 - y^2",
        "--x",
        "-1:1",
        "--y",
        "-pi:pi",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("wrote {}\n", path.display()));
}

/// A formula of some 400 instructions, compiled in several chunks after a thousand replays:
/// the compiled code read a stale point, and the descent ended at x = 9.63, reporting a value
/// `eval` did not give there (issue 15).
#[test]
fn long_formulas_minimize_to_the_points_eval_agrees_with() {
    let sines: Vec<String> = (1..100).map(|i| format!("sin({i}*y)/{}", i * i)).collect();
    let formula = format!("{} + (x-3)^2", sines.join("+"));
    let o = hesse(&[
        "minimize",
        &formula,
        "--from",
        "x=0,y=0",
        "--method",
        "gd",
        "--lr",
        "0.0005",
        "--max-iter",
        "8000",
        "--json",
    ]);
    assert!(matches!(code(&o), 0 | 1), "{}", stderr(&o));
    let m = parse_one(&stdout(&o));
    let x = fs(&m["x"]);
    assert!((x[0] - 3.0).abs() < 1e-2, "x = {x:?}");
    let at = format!("x={:?},y={:?}", x[0], x[1]);
    let e = json(&["eval", &formula, "--at", &at, "--json"]);
    assert!(
        close(f(&m["f"]), f(&e["value"]), 1e-12),
        "minimize f {} vs eval {}",
        m["f"],
        e["value"]
    );
}

/// Hessian entries near f64::MAX: their mean does not overflow, and the spectrum of a finite
/// Hessian is classified even when an eigenvalue lies beyond the f64 range (issue 15).
#[test]
fn hessians_near_the_top_of_the_f64_range() {
    let e = json(&["eval", "0.9e308*x*y", "--at", "x=1,y=1", "--hessian", "--json"]);
    let h: Vec<Vec<f64>> = e["hessian"].as_array().expect("rows").iter().map(fs).collect();
    assert_eq!(h, vec![vec![0.0, 0.9e308], vec![0.9e308, 0.0]]);
    let c = json(&[
        "critical",
        "0.5e308*x^2+1.5e308*x*y+0.5e308*y^2",
        "--at",
        "x=0,y=0",
        "--json",
    ]);
    let text = c.to_string();
    assert!(text.contains("saddle"), "{text}");
}

/// Pictures are SVG: another extension is a usage error before any work, not SVG written
/// under a `.png` name (issue 20).
#[test]
fn picture_names_must_say_svg() {
    for args in [
        vec!["plot", ROSENBROCK, "--x", "-2:2", "--y", "-1:3", "-o"],
        vec!["minimize", ROSENBROCK, "--from", "x=-1.2,y=1", "--plot"],
    ] {
        let path = temp("picture.png");
        let path_str = path.to_str().expect("utf-8 path");
        let mut full = args.clone();
        full.push(path_str);
        let o = hesse(&full);
        assert_eq!(code(&o), 2, "{full:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(".svg"), "{}", stderr(&o));
        assert!(!path.exists(), "{} was written", path.display());
    }
    let ok = temp("picture.SVG");
    let o = hesse(&[
        "plot",
        ROSENBROCK,
        "--x",
        "-2:2",
        "--y",
        "-1:3",
        "-o",
        ok.to_str().expect("utf-8"),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(ok.exists());
}

/// Issue 16: `atan`, `asinh` and `erf` are formula functions as soon as hesse-core registers
/// them. Values from published tables (erf(0.5), atan(1) = π/4, asinh(0.75) = ln 2); the
/// gradient and Hessian against central finite differences of `hesse eval` itself.
#[test]
fn registered_ops_are_formula_functions() {
    let formula = "atan(x)+erf(y)+asinh(x*y)";
    let at = |x: f64, y: f64| {
        let p = format!("x={x},y={y}");
        f(&json(&["eval", formula, "--at", &p, "--json"])["value"])
    };
    let v = json(&[
        "eval",
        formula,
        "--at",
        "x=1,y=0.75",
        "--grad",
        "--hessian",
        "--json",
    ]);
    let want = std::f64::consts::FRAC_PI_4 + erf_075_published() + 2f64.ln();
    assert!(close(f(&v["value"]), want, 1e-15), "{v}");
    let g = fs(&v["gradient"]);
    let h = 1e-5;
    let fd = [
        (at(1.0 + h, 0.75) - at(1.0 - h, 0.75)) / (2.0 * h),
        (at(1.0, 0.75 + h) - at(1.0, 0.75 - h)) / (2.0 * h),
    ];
    for k in 0..2 {
        assert!(close(g[k], fd[k], 1e-8), "gradient {k}: {} vs {}", g[k], fd[k]);
    }
    let hess: Vec<Vec<f64>> = v["hessian"].as_array().unwrap().iter().map(fs).collect();
    let gx = |x: f64, y: f64| {
        let p = format!("x={x},y={y}");
        fs(&json(&["eval", formula, "--at", &p, "--grad", "--json"])["gradient"])
    };
    let (gp, gm) = (gx(1.0, 0.75 + h), gx(1.0, 0.75 - h));
    for k in 0..2 {
        let fd = (gp[k] - gm[k]) / (2.0 * h);
        assert!(
            close(hess[k][1], fd, 1e-7),
            "hessian {k},1: {} vs {fd}",
            hess[k][1]
        );
    }
    // The suggestion for a name that is not registered comes from the registry's names.
    let o = hesse(&["eval", "atanh(x)", "--at", "x=0.5"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("unknown function `atanh`"), "{}", stderr(&o));
    let o = hesse(&["--help"]);
    assert!(stdout(&o).contains("atan asinh erf"), "{}", stdout(&o));
}

/// erf(0.75), Abramowitz & Stegun table 7.1 (to 16 digits).
fn erf_075_published() -> f64 {
    0.711_155_633_653_515_1
}

const HIMMELBLAU: &str = "(x^2+y-11)^2+(x+y^2-7)^2";

/// issue 17: Himmelblau's critical points given to 6 digits (published values: minima (3, 2),
/// (−2.805118, 3.131312), (−3.779310, −3.283186), (3.584428, −1.848126); maximum
/// (−0.270845, −0.923039), f ≈ 181.617; saddles (0.086677, 2.884254), (−3.073026, −0.081353),
/// (3.385154, 0.073852), (−0.127961, −1.953715)) are refined by default, classified and
/// certified, and the JSON carries the certified radius.
#[test]
fn himmelblau_points_to_six_digits_are_refined_and_certified() {
    let cases = [
        ("x=3.000001,y=1.999999", "minimum", None),
        ("x=-2.805118,y=3.131312", "minimum", None),
        ("x=-3.779310,y=-3.283186", "minimum", None),
        ("x=3.584428,y=-1.848126", "minimum", None),
        ("x=-0.270845,y=-0.923039", "maximum", None),
        ("x=0.086677,y=2.884254", "saddle", Some(1)),
        ("x=-3.073026,y=-0.081353", "saddle", Some(1)),
        ("x=3.385154,y=0.073852", "saddle", Some(1)),
        ("x=-0.127961,y=-1.953715", "saddle", Some(1)),
    ];
    for (at, kind, index) in cases {
        let v = json(&["critical", HIMMELBLAU, "--at", at, "--certify", "--json"]);
        assert_eq!(v["classification"], kind, "{at}: {v}");
        assert_eq!(v["is_critical"], true, "{at}");
        let c = &v["certificate"];
        assert_eq!(c["proved"], true, "{at}: {c}");
        assert_eq!(c["kind"], kind, "{at}");
        if let Some(i) = index {
            assert_eq!(c["index"], i, "{at}");
        }
        // the critical point is within 1e-5 of the 6-digit point given
        let r = f(&c["radius_from_start"]);
        assert!(r > 0.0 && r < 1e-5, "{at}: {r}");
        assert!(f(&c["radius"]) <= f(&c["box_radius"]), "{at}");
    }
    let o = hesse(&["critical", HIMMELBLAU, "--at", "x=-0.270845,y=-0.923039"]);
    let out = stdout(&o);
    assert!(out.contains("verdict      strict local maximum"), "{out}");
    assert!(out.contains("refined      2 steps"), "{out}");
    assert!(out.contains("(‖∇f‖∞ "), "{out}");
    // Without refinement the 6-digit minimum is not a critical point, and the verdict
    // says what to do.
    let o = hesse(&[
        "critical",
        HIMMELBLAU,
        "--at",
        "x=3.000001,y=1.999999",
        "--no-refine",
    ]);
    let out = stdout(&o);
    assert!(out.contains("verdict      not a critical point"), "{out}");
    assert!(out.contains("minimize first"), "{out}");
}

/// issue 17: a point refinement cannot bring to a critical point says so and suggests what
/// to do; a certificate is refused with its reason at a degenerate minimum.
#[test]
fn far_points_and_degenerate_points_say_why() {
    let o = hesse(&["critical", "x^2 + y", "--at", "x=1,y=1", "--certify"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(out.contains("verdict      not a critical point"), "{out}");
    assert!(out.contains("minimize first"), "{out}");
    assert!(out.contains("certificate  no certificate: "), "{out}");
    let v = json(&["critical", "x^4 + y^2", "--at", "x=0,y=0", "--certify", "--json"]);
    assert_eq!(v["certificate"]["proved"], false);
    assert!(
        v["certificate"]["reason"]
            .as_str()
            .unwrap()
            .starts_with("degenerate"),
        "{v}"
    );
}

/// issue 17: `critical --help` states the rules.
#[test]
fn critical_help_states_the_rules() {
    let o = hesse(&["critical", "--help"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    for needle in [
        "--certify",
        "--no-refine",
        "Refinement (default",
        "||grad f||_2 <= 1e-6*max(|f|, 1)",
        "||grad f||_inf",
        "10*n*eps*max|lambda|",
        "undecided",
        "unique critical point lies in the box",
        "Krawczyk",
        "accurate",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
}

/// The dense-size guard: above the memory limit `critical` and `eval --hessian` refuse with a
/// message naming the matrix-free routes and exit 1 — never a crash — and below it they run.
#[test]
fn dense_work_above_the_memory_limit_is_refused_clearly() {
    // Rosenbrock in 2 coordinates: the analysis holds three 2×2 matrices, 96 bytes.
    for extra in [&[][..], &["--json"][..]] {
        let mut args = vec!["critical", ROSENBROCK, "--at", "x=1,y=1", "--dense-limit", "64"];
        args.extend_from_slice(extra);
        let o = hesse(&args);
        assert_eq!(code(&o), 1, "{args:?}");
        assert!(stdout(&o).is_empty(), "no output on stdout: {}", stdout(&o));
        let err = stderr(&o);
        for part in [
            "cannot analyse the point x = 1, y = 1",
            "needs 96 B",
            "above the dense-memory limit of 64 B",
            "extreme_eigenvalues",
            "--dense-limit",
        ] {
            assert!(err.contains(part), "{part:?} missing from: {err}");
        }
    }
    // At the limit it runs, and finds Rosenbrock's minimum with its exact Hessian.
    let v = json(&[
        "critical",
        ROSENBROCK,
        "--at",
        "x=1,y=1",
        "--dense-limit",
        "96",
        "--json",
    ]);
    assert_eq!(v["classification"], "minimum");
    assert_eq!(v["hessian"][0][0], 802.0);
    // The environment variable sets the default of both commands.
    let with_env = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_hesse"))
            .args(args)
            .env("HESSE_DENSE_LIMIT", "16")
            .output()
            .expect("the hesse binary runs")
    };
    let o = with_env(&["critical", ROSENBROCK, "--at", "x=1,y=1"]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("above the dense-memory limit of 16 B"),
        "{}",
        stderr(&o)
    );
    let o = with_env(&["eval", ROSENBROCK, "--at", "x=1,y=1", "--hessian"]);
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(
        err.contains("hessian: a dense 2×2 matrix of f64 needs 32 B, above the dense-memory limit of 16 B")
            && err.contains("hvp"),
        "{err}"
    );
    // The flag wins over the environment.
    let o = with_env(&["critical", ROSENBROCK, "--at", "x=1,y=1", "--dense-limit", "1k"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // A limit that is not a number of bytes is a usage error naming the option.
    let o = hesse(&["critical", ROSENBROCK, "--at", "x=1,y=1", "--dense-limit", "lots"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("--dense-limit") && stderr(&o).contains("16G"),
        "{}",
        stderr(&o)
    );
}
