//! `hesse plot` as a user meets it (issue 20): a trajectory that breaks down is reported the
//! way `minimize` reports it, the colour scale follows the data or `--scale`, and contour maps
//! stay small.

use std::path::PathBuf;
use std::process::{Command, Output};

const HIMMELBLAU: &str = "(x^2+y-11)^2+(x+y^2-7)^2";
const ROSENBROCK: &str = "(1-x)^2 + 100*(y-x^2)^2";
/// The colour bar's caption on a log scale.
const LOG_CAPTION: &str = "log colour: ln(1 + f − min f)";

fn hesse(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hesse"))
        .args(args)
        .output()
        .expect("the hesse binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8")
}

/// Exit code, checking that nothing panicked.
fn code(o: &Output) -> i32 {
    let err = text(&o.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("internal error"),
        "{err}"
    );
    o.status.code().expect("exited normally")
}

/// A fresh path for a picture of this test.
fn picture(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join("hesse-cli-plot-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    let _ = std::fs::remove_file(&p);
    p
}

/// The SVG with plotters' line breaks around text removed, so legend labels read as written.
fn svg(path: &PathBuf) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .replace(">\n", ">")
        .replace("\n</text>", "</text>")
}

// issue 20: the run of the issue diverges; plot says so as minimize does (exit 1, the status on
// stderr), still writes the picture, with the outcome in the legend and the frame exit marked
#[test]
fn a_diverging_trajectory_exits_1_like_minimize() {
    let out = picture("div.svg");
    let o = hesse(&[
        "plot",
        HIMMELBLAU,
        "--x",
        "-5:5",
        "--y",
        "-5:5",
        "--trajectory",
        "gd",
        "--lr",
        "0.1",
        "--from",
        "x=0,y=0",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 1, "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout).trim(), format!("wrote {}", out.display()));
    assert!(
        text(&o.stderr).contains("error: the minimization broke down: diverged"),
        "{}",
        text(&o.stderr)
    );
    let s = svg(&out);
    assert!(s.contains(">gd: diverged after"), "legend states the outcome");
    assert!(s.contains(">left the frame (end on the border)</text>"));

    // minimize agrees on the verdict and the exit code
    let m = hesse(&[
        "minimize", HIMMELBLAU, "--method", "gd", "--lr", "0.1", "--from", "x=0,y=0",
    ]);
    assert_eq!(code(&m), 1);
    assert!(text(&m.stderr).contains("error: the minimization broke down: diverged"));
}

// issue 20: a run that converges exits 0 and says so in the legend; nothing leaves the frame
#[test]
fn a_converging_trajectory_exits_0() {
    let out = picture("lbfgs.svg");
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
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert_eq!(text(&o.stderr), "");
    let s = svg(&out);
    assert!(s.contains(">lbfgs: converged after"), "outcome in the legend");
    assert!(!s.contains("left the frame"));
    assert!(s.contains("lbfgs from (-1.2, 1)"), "the title names the run");
}

// issue 20: a path that leaves a small frame without breaking down is marked, exit 0
#[test]
fn a_path_leaving_the_frame_is_marked() {
    let out = picture("leaves.svg");
    let o = hesse(&[
        "plot",
        ROSENBROCK,
        "--x",
        "-1.5:0",
        "--y",
        "0:2",
        "--trajectory",
        "lbfgs",
        "--from",
        "x=-1.2,y=1",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(svg(&out).contains(">left the frame (end on the border)</text>"));
}

// issue 20: sin(x)·cos(y) takes both signs: linear colour, with ticks around zero; Rosenbrock
// is positive over decades: log colour; --scale overrides either way
#[test]
fn the_colour_scale_follows_the_data_or_the_option() {
    let cases: [(&str, &[&str], bool); 5] = [
        ("sin(x)*cos(y)", &[], false),
        ("sin(x)*cos(y)", &["--scale", "auto"], false),
        (ROSENBROCK, &[], true),
        (ROSENBROCK, &["--scale", "linear"], false),
        ("x^2+y^2", &["--scale", "log"], true),
    ];
    for (k, (formula, extra, log)) in cases.into_iter().enumerate() {
        let out = picture(&format!("scale-{k}.svg"));
        let mut args = vec![
            "plot",
            formula,
            "--x",
            "-3:3",
            "--y",
            "-3:3",
            "-o",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = hesse(&args);
        assert_eq!(code(&o), 0, "{args:?}: {}", text(&o.stderr));
        let s = svg(&out);
        assert_eq!(s.contains(LOG_CAPTION), log, "{args:?}");
        if formula.starts_with("sin") {
            for tick in [">-0.5</text>", ">0</text>", ">0.5</text>"] {
                assert!(s.contains(tick), "{args:?} lacks the tick {tick}");
            }
        }
    }
    let o = hesse(&[
        "plot", "x*y", "--x", "-1:1", "--y", "-1:1", "--scale", "sqrt", "-o", "s.svg",
    ]);
    assert_eq!(code(&o), 2, "an unknown scale is a usage error");
    assert!(text(&o.stderr).contains("--scale"));
}

// issue 20: a contour map is polygons, not thousands of cells: well under 300 kB
#[test]
fn contour_maps_stay_under_300_kb() {
    for (k, formula) in [ROSENBROCK, HIMMELBLAU, "sin(3*x)*cos(3*y) + 0.1*x"]
        .into_iter()
        .enumerate()
    {
        let out = picture(&format!("size-{k}.svg"));
        let o = hesse(&[
            "plot",
            formula,
            "--x",
            "-5:5",
            "--y",
            "-5:5",
            "--trajectory",
            "nesterov",
            "--lr",
            "1e-4",
            "--from",
            "x=-1,y=1",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!([0, 1].contains(&code(&o)), "{}", text(&o.stderr));
        let bytes = std::fs::metadata(&out).unwrap().len();
        assert!(bytes < 300_000, "{formula}: {bytes} bytes");
        assert!(svg(&out).contains("<polygon"), "filled bands are polygons");
    }
}

// issue 20: a function that exists is not "corrected" into another one
#[test]
fn suggestions_only_for_names_that_do_not_exist() {
    let o = hesse(&["eval", "atan(x)", "--at", "x=1"]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let value: f64 = text(&o.stdout).trim().parse().expect("a number");
    assert!((value - std::f64::consts::FRAC_PI_4).abs() < 1e-9, "{value}");
    let o = hesse(&["eval", "sinn(x)", "--at", "x=1"]);
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("did you mean `sin`?"),
        "{}",
        text(&o.stderr)
    );
    let o = hesse(&["eval", "frobnicate(x)", "--at", "x=1"]);
    assert_eq!(code(&o), 2);
    assert!(!text(&o.stderr).contains("did you mean"), "{}", text(&o.stderr));
}
