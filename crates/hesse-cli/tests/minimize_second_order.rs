//! `hesse minimize` on the cases of issue 19: an objective unbounded below, starts at a
//! maximum or a saddle point, option validation, and the trust-exact method.

use std::process::{Command, Output};

use serde_json::Value;

const HIMMELBLAU: &str = "(x^2+y-11)^2+(x+y^2-7)^2";

fn hesse(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hesse"))
        .args(args)
        .output()
        .expect("the hesse binary runs")
}

/// Exit code, stdout parsed as JSON (if any), stderr; and no sign of a panic.
fn run(args: &[&str]) -> (i32, Option<Value>, String) {
    let o = hesse(args);
    let err = String::from_utf8(o.stderr).expect("utf-8 stderr");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    let out = String::from_utf8(o.stdout).expect("utf-8 stdout");
    (
        o.status.code().expect("exited normally"),
        serde_json::from_str(&out).ok(),
        err,
    )
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number: {v}"))
}

#[test]
fn a_linear_objective_is_unbounded_below_not_converged() {
    // issue 19: `minimize "x" --from x=0` ran 180,001 evaluations and exited 0.
    for method in ["lbfgs", "newton-cg", "trust-exact"] {
        let (code, v, err) = run(&["minimize", "x", "--from", "x=0", "--method", method, "--json"]);
        let v = v.expect("a JSON report");
        assert_eq!(code, 1, "{method}: {v}");
        assert_eq!(v["status"], "unbounded_below", "{method}: {v}");
        assert!(num(&v, "f_evals") < 1000.0, "{method}: {v}");
        assert!(err.contains("unbounded below"), "{method}: {err}");
    }
}

/// Himmelblau's local maximum, refined by `hesse critical --refine` from the published
/// (−0.270845, −0.923039) (Himmelblau, *Applied Nonlinear Programming*, 1972).
fn himmelblau_maximum() -> (f64, f64) {
    let (code, v, _) = run(&[
        "critical",
        HIMMELBLAU,
        "--at",
        "x=-0.270845,y=-0.923039",
        "--refine",
        "--json",
    ]);
    assert_eq!(code, 0);
    let v = v.expect("JSON");
    let x: Vec<f64> = v["x"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_f64().unwrap())
        .collect();
    assert!((x[0] + 0.270845).abs() < 1e-6 && (x[1] + 0.923039).abs() < 1e-6);
    (x[0], x[1])
}

#[test]
fn a_run_started_at_a_maximum_reaches_a_minimum() {
    // issue 19: started at the maximum (∇f ≈ 0, f = 181.6) the run reported "converged" after
    // 0 iterations. Himmelblau's four minima all have f = 0.
    let (x, y) = himmelblau_maximum();
    let from = format!("x={x:e},y={y:e}");
    for method in ["lbfgs", "newton-cg", "trust-exact"] {
        let (code, v, err) = run(&[
            "minimize", HIMMELBLAU, "--from", &from, "--method", method, "--json",
        ]);
        let v = v.expect("a JSON report");
        assert_eq!(code, 0, "{method}: {v} {err}");
        assert_eq!(v["status"], "converged", "{method}: {v}");
        assert!(num(&v, "iterations") > 0.0, "{method}: {v}");
        assert!(num(&v, "f") < 1e-12, "{method}: {v}");
        assert!(num(&v, "min_hessian_eigenvalue") > 0.0, "{method}: {v}");
    }
}

#[test]
fn a_saddle_is_not_reported_as_a_minimum() {
    // issue 19: Newton-CG on x⁴ − 2x² + y² from (0, 1) "converged" to the saddle (0, 0).
    // The minima are (±1, 0) with f = −1 (∂f/∂x = 4x³ − 4x, ∂²f/∂x² = 12x² − 4 = 8 > 0 there).
    let f = "x^4-2*x^2+y^2";
    for from in ["x=0,y=1", "x=0,y=0"] {
        for method in ["lbfgs", "newton-cg", "trust-exact", "gd"] {
            let mut args = vec!["minimize", f, "--from", from, "--method", method, "--json"];
            if method == "gd" {
                args.extend(["--lr", "0.05"]);
            }
            let (code, v, err) = run(&args);
            let v = v.expect("a JSON report");
            assert_eq!(code, 0, "{method} from {from}: {v} {err}");
            assert_eq!(v["status"], "converged", "{method} from {from}: {v}");
            assert!((num(&v, "f") + 1.0).abs() < 1e-12, "{method} from {from}: {v}");
        }
    }
}

#[test]
fn options_out_of_range_are_usage_errors() {
    // issue 19: `--momentum 1.5` was accepted and the run diverged (exit 1).
    for (args, flag) in [
        (vec!["--method", "momentum", "--momentum", "1.5"], "--momentum"),
        (vec!["--method", "nesterov", "--momentum", "1"], "--momentum"),
        (vec!["--method", "momentum", "--momentum", "-0.1"], "--momentum"),
        (vec!["--method", "gd", "--lr", "0"], "--lr"),
        (vec!["--method", "gd", "--lr", "nan"], "--lr"),
        (vec!["--gtol", "-1"], "--gtol"),
        (vec!["--gtol", "nan"], "--gtol"),
    ] {
        let mut all = vec!["minimize", "x^2", "--from", "x=1"];
        all.extend(&args);
        let (code, _, err) = run(&all);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(flag), "{args:?}: {err}");
    }
    // A NaN start is refused by the point parser.
    let (code, _, err) = run(&["minimize", "x^2", "--from", "x=nan"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn trust_exact_minimizes_rosenbrock() {
    // issue 19: the new method from the command line; Rosenbrock's minimum is (1, 1), f = 0.
    let (code, v, err) = run(&[
        "minimize",
        "(1-x)^2 + 100*(y-x^2)^2",
        "--from",
        "x=-1.2,y=1",
        "--method",
        "trust-exact",
        "--json",
    ]);
    let v = v.expect("a JSON report");
    assert_eq!(code, 0, "{v} {err}");
    assert_eq!(v["method"], "trust-exact");
    assert_eq!(v["status"], "converged");
    let x: Vec<f64> = v["x"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_f64().unwrap())
        .collect();
    assert!((x[0] - 1.0).abs() < 1e-8 && (x[1] - 1.0).abs() < 1e-8, "{v}");
}
