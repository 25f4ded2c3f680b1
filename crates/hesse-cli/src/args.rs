//! The command line: clap definitions and the parsers of points (`x=1,y=2`) and ranges
//! (`-2:2`).
//!
//! Malformed points and ranges are rejected by clap's value parsers, so they get clap's
//! formatting and its usage exit code, 2.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Exact derivatives, critical points and minima of formulas.
#[derive(Debug, Parser)]
#[command(
    name = "hesse",
    version,
    about = "Exact derivatives, critical points and minima of formulas",
    long_about = "Exact derivatives, critical points and minima of formulas, computed by \
                  hesse's reverse-mode engine: no finite differences, no symbolic algebra.",
    after_long_help = formula_help()
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The long help's appendix; the list of functions comes from the formula language (and so
/// from hesse-core's registry of ops).
fn formula_help() -> String {
    let mut one = String::new();
    let mut two = Vec::new();
    for (name, arity) in hesse_expr::functions() {
        if arity == 1 {
            if one.len() - one.rfind('\n').map_or(0, |i| i + 1) > 76 {
                one += "\n ";
            }
            one += " ";
            one += name;
        } else {
            two.push(format!("{name}(a, b)"));
        }
    }
    format!(
        "\
FORMULAS:
  numbers 2 0.5 1e-3 .5; variables x y x1 w_0; constants pi e
  + - * / ^   (^ is right-associative and binds tighter than a sign: -x^2 = -(x^2))
 {one}
  (log = ln = natural log)
  {}
  {FORMULA_HELP}",
        two.join(" ")
    )
}

const FORMULA_HELP: &str = "\
  Quote formulas for the shell: hesse eval \"(1-x)^2 + 100*(y-x^2)^2\" --at x=-1.2,y=1
  A formula starting with '-' can follow `--`: hesse eval --at x=2 -- -x^2

POINTS:
  --at / --from take NAME=VALUE pairs separated by commas; the order of the names is the
  order of the coordinates in every output. Values are numbers or constant formulas without
  commas (x=pi/4). A formula variable missing from the point is an error; a point variable
  missing from the formula is allowed (its derivatives are 0).

VALUES:
  Division by zero and logarithms of negatives are not errors: they follow IEEE 754
  (1/0 = inf, ln(0) = -inf, ln(-1) = NaN). JSON writes them as the strings \"inf\", \"-inf\",
  \"NaN\" so the output always parses.

EXIT STATUS:
  0  success
  1  the computation could not give an answer: critical with a non-finite Hessian, a
     minimization that broke down (NaN/inf, divergence, failed line search, no progress,
     f unbounded below, stuck at a saddle point or maximum), a picture that could not be
     drawn or written
  2  usage error: bad options, malformed points or ranges, a formula that does not parse,
     a formula variable missing from the point";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Value, gradient and Hessian of a formula at a point.
    Eval(EvalArgs),
    /// Classify a point by the eigenvalues of the exact Hessian; optionally prove it.
    #[command(after_help = CRITICAL_RULES)]
    Critical(CriticalArgs),
    /// Minimize a formula from a starting point.
    Minimize(MinimizeArgs),
    /// Draw a two-variable formula as a contour map (SVG).
    Plot(PlotArgs),
}

/// `hesse eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The formula, e.g. "(1-x)^2 + 100*(y-x^2)^2".
    #[arg(value_name = "EXPR", allow_hyphen_values = true)]
    pub expr: String,
    /// The point, e.g. x=1,y=2 (may be omitted for a formula without variables).
    #[arg(long, value_name = "POINT", value_parser = parse_point, allow_hyphen_values = true)]
    pub at: Option<Point>,
    /// Print the gradient.
    #[arg(long)]
    pub grad: bool,
    /// Print the Hessian.
    #[arg(long)]
    pub hessian: bool,
    /// Print one JSON object: {"value", "gradient"?, "hessian"?}.
    #[arg(long)]
    pub json: bool,
}

/// `hesse critical`.
#[derive(Debug, Args)]
pub struct CriticalArgs {
    /// The formula.
    #[arg(value_name = "EXPR", allow_hyphen_values = true)]
    pub expr: String,
    /// The point to analyse, e.g. x=1,y=1.
    #[arg(long, value_name = "POINT", value_parser = parse_point, allow_hyphen_values = true)]
    pub at: Point,
    /// Refine onto the nearby critical point first (the default; kept for older scripts).
    #[arg(long, conflicts_with = "no_refine", hide = true)]
    pub refine: bool,
    /// Analyse the point as given, without moving onto the nearby critical point.
    #[arg(long)]
    pub no_refine: bool,
    /// Also try to prove, in interval arithmetic, that a unique critical point lies in a
    /// small box around the refined point, and of what kind.
    #[arg(long)]
    pub certify: bool,
    /// The most memory the dense analysis may take (its three n×n matrices), e.g. 16G,
    /// 500MB, none; above it the command refuses (exit 1). Default: HESSE_DENSE_LIMIT, else
    /// 4G.
    #[arg(long, value_name = "BYTES", value_parser = parse_limit)]
    pub dense_limit: Option<u64>,
    /// Print one JSON object: {"x", "value", "gradient_norm", "eigenvalues", "classification",
    /// "tolerance", ...}.
    #[arg(long)]
    pub json: bool,
}

/// The rules of `hesse critical`, printed under its help.
pub const CRITICAL_RULES: &str = "\
RULES:
  Refinement (default; --no-refine turns it off): Newton's method on grad f = 0 with the exact
    Hessian moves the point onto the nearby critical point, accepting only steps that reduce
    ||grad f||_2 and never moving more than 10*max(1, ||x||_2) from the given point. What it
    did is printed; the verdict says when the critical point is not the point given.
  Critical: ||grad f||_2 <= 1e-6*max(|f|, 1) at the analysed point. ||grad f||_2 (Euclidean)
    is the norm every rule uses; ||grad f||_inf (largest component, the norm `minimize`'s
    reports and hesse-optim use) is printed beside it. A point that is not critical says so,
    with what to do.
  Zero eigenvalues: |lambda| <= tolerance counts as undecided, where tolerance =
    10*n*eps*max|lambda| (rounding) + 2*L*d (d: Newton step to the critical point, L: change of
    the Hessian per unit length along it) + ||grad f||_2 (residual gradient).
  Verdict: strict local minimum / maximum (all eigenvalues decided, one sign); saddle of
    index k (both signs; 'at least k' when some are undecided); degenerate (undecided ones and
    at most one sign: second order cannot decide; directions with H*v ~ 0 and g*v ~ 0 are named
    as flat). A NaN or infinite value, gradient or Hessian is an error (exit 1), not a verdict.
  Size: the analysis holds three dense n*n matrices (8*n^2 bytes each: 3.2 GB at n = 20000).
    Above --dense-limit (default: HESSE_DENSE_LIMIT, else 4G) it refuses (exit 1) before
    computing anything; the message names the matrix-free routes of the library.
  --certify proves, when it can, in interval arithmetic with outward rounding over a box around
    the refined point: that a unique critical point lies in the box, within the printed radius
    (max-norm) of the refined point, and that it is a strict local minimum / maximum / saddle of
    index k (Krawczyk's test on the interval gradient and Hessian; the inertia by Gershgorin discs
    of the congruent interval Hessian). It assumes library functions (exp, ln, sin, ...) accurate
    to a few ulps. Degenerate points, kinks (abs, relu, max, ...) inside the box and unbounded
    enclosures give no certificate, and the reason is printed.";

/// The optimizers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// Gradient descent with a fixed step (--lr).
    Gd,
    /// Heavy-ball momentum: v = m·v + lr·∇f, x = x − v (--lr, --momentum).
    Momentum,
    /// Nesterov's accelerated gradient (--lr, --momentum).
    Nesterov,
    /// L-BFGS with a Moré–Thuente line search.
    Lbfgs,
    /// Trust-region Newton-CG on exact Hessian-vector products (matrix-free).
    NewtonCg,
    /// Trust-region Newton on the dense exact Hessian, subproblem solved exactly.
    TrustExact,
}

impl Method {
    /// The name as typed on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Method::Gd => "gd",
            Method::Momentum => "momentum",
            Method::Nesterov => "nesterov",
            Method::Lbfgs => "lbfgs",
            Method::NewtonCg => "newton-cg",
            Method::TrustExact => "trust-exact",
        }
    }
}

/// Optimizer settings shared by `minimize` and `plot --trajectory`.
#[derive(Debug, Args)]
pub struct OptimArgs {
    /// Step size (learning rate) of gd, momentum and nesterov [default: 1e-3].
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub lr: Option<f64>,
    /// Momentum coefficient of momentum and nesterov, in [0, 1) [default: 0.9].
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub momentum: Option<f64>,
    /// Iteration limit.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub max_iter: usize,
    /// Stop when the Euclidean gradient norm ‖∇f‖₂ ≤ F.
    #[arg(long, value_name = "F", default_value = "1e-8", allow_negative_numbers = true)]
    pub gtol: f64,
}

/// `hesse minimize`.
#[derive(Debug, Args)]
pub struct MinimizeArgs {
    /// The formula.
    #[arg(value_name = "EXPR", allow_hyphen_values = true)]
    pub expr: String,
    /// The starting point, e.g. x=-1.2,y=1.
    #[arg(long, value_name = "POINT", value_parser = parse_point, allow_hyphen_values = true)]
    pub from: Point,
    /// The optimizer.
    #[arg(long, value_enum, default_value_t = Method::Lbfgs)]
    pub method: Method,
    /// Optimizer settings.
    #[command(flatten)]
    pub optim: OptimArgs,
    /// Also draw the path over a contour map of the formula (needs two variables in --from).
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<std::path::PathBuf>,
    /// Print one JSON object: {"x", "f", "gradient_norm", "iterations", "f_evals", "g_evals",
    /// "hvp_evals", "hessian_evals", "status", "min_hessian_eigenvalue"?, ...}.
    #[arg(long)]
    pub json: bool,
}

/// `hesse plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// The formula, of at most two variables.
    #[arg(value_name = "EXPR", allow_hyphen_values = true)]
    pub expr: String,
    /// Range of the horizontal axis, A:B with A < B.
    #[arg(long = "x", value_name = "A:B", value_parser = parse_range, allow_hyphen_values = true)]
    pub x_range: Range,
    /// Range of the vertical axis, C:D with C < D.
    #[arg(long = "y", value_name = "C:D", value_parser = parse_range, allow_hyphen_values = true)]
    pub y_range: Range,
    /// Draw the path of this optimizer from --from.
    #[arg(long, value_enum, value_name = "METHOD", requires = "from")]
    pub trajectory: Option<Method>,
    /// Starting point of the trajectory; its order also picks the axes (first = horizontal).
    #[arg(long, value_name = "POINT", value_parser = parse_point, allow_hyphen_values = true, requires = "trajectory")]
    pub from: Option<Point>,
    /// Optimizer settings of the trajectory.
    #[command(flatten)]
    pub optim: OptimArgs,
    /// Colour scale: linear; log, colour by ln(1 + f − min f); auto, log only when every
    /// value is ≥ 0 and they span decades.
    #[arg(long, value_enum, value_name = "SCALE", default_value_t = crate::scale::Scale::Auto)]
    pub scale: crate::scale::Scale,
    /// The SVG file to write.
    #[arg(short = 'o', long = "output", value_name = "FILE.svg")]
    pub output: std::path::PathBuf,
}

/// A point: names and values, in the order written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Point {
    /// Variable names.
    pub names: Vec<String>,
    /// Coordinates.
    pub values: Vec<f64>,
}

/// An axis range `lo:hi`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    /// Lower end.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

/// Parses `x=1,y=-2.5,w_0=pi/4`.
/// A number of bytes for `--dense-limit` (hesse-core's `dense::parse_bytes`).
pub fn parse_limit(s: &str) -> Result<u64, String> {
    hesse_core::dense::parse_bytes(s)
        .ok_or_else(|| format!("{s:?} is not a number of bytes; write e.g. 16G, 500MB, 2GiB, 4096 or none"))
}

pub fn parse_point(s: &str) -> Result<Point, String> {
    let mut p = Point::default();
    if s.trim().is_empty() {
        return Err("empty point; write NAME=VALUE pairs separated by commas, e.g. x=1,y=2".into());
    }
    for (i, entry) in s.split(',').enumerate() {
        let entry = entry.trim();
        if entry.is_empty() {
            return Err(format!(
                "entry {} is empty (a stray comma?); write NAME=VALUE pairs separated by commas, e.g. x=1,y=2",
                i + 1
            ));
        }
        let Some((name, value)) = entry.split_once('=') else {
            return Err(format!(
                "`{entry}` has no value; write NAME=VALUE, e.g. {}=1.5",
                if hesse_expr::is_variable_name(entry) {
                    entry
                } else {
                    "x"
                }
            ));
        };
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() {
            return Err(format!("`{entry}` has no variable name before '='"));
        }
        if !hesse_expr::is_variable_name(name) {
            return Err(if hesse_expr::reserved_names().any(|r| r == name) {
                format!("`{name}` is a function or constant name and cannot be a variable")
            } else {
                format!("`{name}` is not a variable name (letters, digits and _, not starting with a digit)")
            });
        }
        if p.names.iter().any(|n| n == name) {
            return Err(format!("variable `{name}` is given twice"));
        }
        if value.is_empty() {
            return Err(format!("`{name}` has no value after '='"));
        }
        let v = parse_number(value).map_err(|why| format!("value of `{name}`: {why}"))?;
        p.names.push(name.to_string());
        p.values.push(v);
    }
    Ok(p)
}

/// A finite number, or a formula without variables (`pi/4`, `2^-3`).
fn parse_number(s: &str) -> Result<f64, String> {
    let v = match s.parse::<f64>() {
        Ok(v) => v,
        Err(_) => {
            let e = hesse_expr::Expr::parse(s).map_err(|_| format!("`{s}` is not a number"))?;
            if !e.variables().is_empty() {
                return Err(format!("`{s}` is not a number"));
            }
            e.value(&std::collections::HashMap::<&str, f64>::new())
                .map_err(|e| e.to_string())?
        }
    };
    if v.is_finite() {
        Ok(v)
    } else {
        Err(format!("`{s}` is not finite; coordinates must be finite numbers"))
    }
}

/// Parses `A:B` with finite `A < B`.
pub fn parse_range(s: &str) -> Result<Range, String> {
    let Some((a, b)) = s.split_once(':') else {
        return Err(format!("`{s}` is not a range; write A:B, e.g. -2:2"));
    };
    let lo = parse_number(a.trim()).map_err(|why| format!("lower end: {why}"))?;
    let hi = parse_number(b.trim()).map_err(|why| format!("upper end: {why}"))?;
    if lo >= hi {
        return Err(format!("empty range {s}: need A < B"));
    }
    Ok(Range { lo, hi })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points() {
        let p = parse_point("y=2, x = -1.5,w_0=pi/2").unwrap();
        assert_eq!(p.names, ["y", "x", "w_0"]);
        assert_eq!(p.values, [2.0, -1.5, std::f64::consts::FRAC_PI_2]);
        for (bad, msg) in [
            ("", "empty point"),
            ("x=1,", "entry 2 is empty"),
            ("x", "`x` has no value; write NAME=VALUE, e.g. x=1.5"),
            ("x=", "`x` has no value after '='"),
            ("=1", "no variable name"),
            ("1x=2", "`1x` is not a variable name"),
            ("pi=3", "`pi` is a function or constant name"),
            ("x=1,x=2", "variable `x` is given twice"),
            ("x=abc", "value of `x`: `abc` is not a number"),
            ("x=1..2", "value of `x`: `1..2` is not a number"),
            ("x=inf", "not finite"),
            ("x=1/0", "not finite"),
            ("x=nan", "`nan` is not finite"),
        ] {
            let e = parse_point(bad).unwrap_err();
            assert!(e.contains(msg), "{bad:?}: {e}");
        }
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("-2:2.5"), Ok(Range { lo: -2.0, hi: 2.5 }));
        assert_eq!(parse_range("-pi:pi").unwrap().hi, std::f64::consts::PI);
        assert!(parse_range("2:1").unwrap_err().contains("need A < B"));
        assert!(parse_range("2").unwrap_err().contains("not a range"));
        assert!(parse_range("a:1").is_err());
    }
}
