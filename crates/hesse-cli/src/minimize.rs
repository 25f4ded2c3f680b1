//! `hesse minimize`: run one of hesse-optim's solvers from a starting point.

use std::path::Path;

use hesse_expr::Bound;
use hesse_optim::{
    GradientDescent, Lbfgs, Momentum, Nesterov, NewtonCg, Norm, OptimError, Options, Report, Solver, Status,
    StopRule, Trajectory, TrustExact, VarObjective, minimize,
};
use hesse_plot::ColorScale;
use serde_json::{Map, Value};

use crate::args::{Method, MinimizeArgs, OptimArgs, Range};
use crate::error::CliError;
use crate::formula::prepare;
use crate::output::{assignments, emit, json_names, json_num, json_vec, num, print_json};
use crate::picture::{check_svg_path, draw, path_2d};

/// Runs `hesse minimize`; returns the exit code.
pub fn run(args: &MinimizeArgs) -> Result<u8, CliError> {
    let point = &args.from;
    let (expr, f) = prepare(&args.expr, &point.names)?;
    check_options(args.method, &args.optim)?;
    if let Some(path) = &args.plot {
        check_svg_path(path, "--plot")?;
    }
    if args.plot.is_some() && point.names.len() != 2 {
        return Err(CliError::Usage(format!(
            "--plot draws two-variable formulas, but --from has {} variable{} ({}); give exactly two",
            point.names.len(),
            if point.names.len() == 1 { "" } else { "s" },
            point.names.join(", ")
        )));
    }

    let report = optimize(&f, &point.values, args.method, &args.optim, args.plot.is_some())?;

    // Draw before printing so the JSON can name the file; print the report either way.
    let plotted = args.plot.as_ref().map(|path| {
        let path_points = path_2d(&report);
        let (xr, yr) = frame(&path_points);
        draw(
            &expr,
            &f,
            [&point.names[0], &point.names[1]],
            xr,
            yr,
            Some((args.method, &report)),
            ColorScale::Auto,
            path,
        )
        .map(|()| path.as_path())
    });
    let plot_path = plotted.as_ref().and_then(|r| r.as_ref().ok().copied());

    if args.json {
        print_json(json(&report, args.method, &point.names, plot_path));
    } else {
        emit(&human(&report, args.method, &point.names, plot_path));
    }
    if let Some(Err(e)) = plotted {
        return Err(e);
    }
    if broke_down(&report.status) {
        let _ = std::io::Write::write_fmt(
            &mut std::io::stderr(),
            format_args!("error: the minimization broke down: {}\n", report.status),
        );
        return Ok(1);
    }
    Ok(0)
}

/// Whether a run ended in numerical trouble (exit 1), as opposed to converging or using up
/// its budget (exit 0).
pub fn broke_down(status: &Status) -> bool {
    !matches!(
        status,
        Status::Converged(_) | Status::MaxIterations | Status::MaxEvaluations
    )
}

/// Rejects options that do nothing for the chosen method.
pub fn check_options(method: Method, o: &OptimArgs) -> Result<(), CliError> {
    let first_order = matches!(method, Method::Gd | Method::Momentum | Method::Nesterov);
    if o.lr.is_some() && !first_order {
        return Err(CliError::Usage(format!(
            "--lr applies to gd, momentum and nesterov, not to {} (which chooses its own steps)",
            method.name()
        )));
    }
    if o.momentum.is_some() && !matches!(method, Method::Momentum | Method::Nesterov) {
        return Err(CliError::Usage(format!(
            "--momentum applies to momentum and nesterov, not to {}",
            method.name()
        )));
    }
    Ok(())
}

/// Minimizes the bound formula from `x0`.
pub fn optimize(
    f: &Bound,
    x0: &[f64],
    method: Method,
    o: &OptimArgs,
    record: bool,
) -> Result<Report, CliError> {
    let mut obj = VarObjective::new(x0.len(), hesse_core::function(|p| f.call(p)));
    let options = Options::default()
        .with_gtol(o.gtol)
        .with_grad_norm(Norm::L2)
        .with_ftol(0.0)
        .with_max_iterations(o.max_iter)
        // Line searches take several evaluations per iteration; the iteration limit is the
        // budget users set, so the evaluation limit stays out of its way.
        .with_max_evaluations(o.max_iter.saturating_mul(50).max(15_000))
        .with_trajectory(if record {
            Trajectory::Record
        } else {
            Trajectory::Off
        });
    let lr = o.lr.unwrap_or(1e-3);
    let alpha = o.momentum.unwrap_or(0.9);
    let result = match method {
        Method::Gd => run_solver(&mut obj, GradientDescent::new(lr), x0, &options),
        Method::Momentum => run_solver(&mut obj, Momentum::new(lr).with_alpha(alpha), x0, &options),
        Method::Nesterov => run_solver(&mut obj, Nesterov::new(lr).with_alpha(alpha), x0, &options),
        Method::Lbfgs => run_solver(&mut obj, Lbfgs::new(), x0, &options),
        Method::NewtonCg => run_solver(&mut obj, NewtonCg::new(), x0, &options),
        Method::TrustExact => run_solver(&mut obj, TrustExact::new(), x0, &options),
    };
    result.map_err(|e| match e {
        OptimError::InvalidOption { .. } | OptimError::NonFiniteStart { .. } => {
            CliError::Usage(option_message(&e))
        }
        other => CliError::Evaluation(other.to_string()),
    })
}

fn run_solver<O: hesse_optim::Objective, S: Solver>(
    obj: &mut O,
    mut solver: S,
    x0: &[f64],
    options: &Options,
) -> Result<Report, OptimError> {
    minimize(obj, &mut solver, x0, options)
}

/// The optimizer's message about an option, named by the CLI flag that set it.
fn option_message(e: &OptimError) -> String {
    if let OptimError::InvalidOption {
        name,
        value,
        expected,
    } = e
    {
        let flag = match *name {
            "step" | "epsilon" => Some("--lr"),
            "alpha" => Some("--momentum"),
            "gtol" => Some("--gtol"),
            "max_iterations" => Some("--max-iter"),
            _ => None,
        };
        if let Some(flag) = flag {
            return format!("invalid value for {flag}: got {value}, expected {expected}");
        }
    }
    e.to_string()
}

/// A picture frame around a path: its bounding box with a margin of a quarter of its size
/// (at least 0.5 on each side, so a short path still shows its surroundings).
pub fn frame(points: &[(f64, f64)]) -> (Range, Range) {
    let axis = |v: &mut dyn Iterator<Item = f64>| {
        let (lo, hi) = v.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        });
        let (lo, hi) = if lo <= hi { (lo, hi) } else { (-1.0, 1.0) };
        let pad = (0.25 * (hi - lo)).max(0.5);
        Range {
            lo: lo - pad,
            hi: hi + pad,
        }
    };
    (
        axis(&mut points.iter().map(|p| p.0)),
        axis(&mut points.iter().map(|p| p.1)),
    )
}

/// A short machine-readable name of a status.
fn status_name(s: &Status) -> &'static str {
    match s {
        Status::Converged(_) => "converged",
        Status::MaxIterations => "max_iterations",
        Status::MaxEvaluations => "max_evaluations",
        Status::LineSearchFailed { .. } => "line_search_failed",
        Status::NonFinite => "non_finite",
        Status::Diverged => "diverged",
        Status::NoProgress { .. } => "no_progress",
        Status::UnboundedBelow => "unbounded_below",
        Status::StoppedByObserver => "stopped_by_observer",
        Status::SaddlePoint { .. } => "saddle_point",
        _ => "other",
    }
}

fn stop_rule_name(r: &StopRule) -> &'static str {
    match r {
        StopRule::GradientNorm => "gradient_norm",
        StopRule::FunctionChange => "function_change",
        StopRule::StepSize => "step_size",
        #[allow(unreachable_patterns)]
        _ => "other",
    }
}

fn json(report: &Report, method: Method, names: &[String], plot: Option<&Path>) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("variables".into(), json_names(names));
    o.insert("method".into(), Value::String(method.name().into()));
    o.insert("x".into(), json_vec(&report.x));
    o.insert("f".into(), json_num(report.f));
    o.insert("gradient_norm".into(), json_num(report.grad_norm));
    o.insert("iterations".into(), report.iterations.into());
    o.insert("f_evals".into(), report.f_evals.into());
    o.insert("g_evals".into(), report.g_evals.into());
    o.insert("hvp_evals".into(), report.hvp_evals.into());
    o.insert("hessian_evals".into(), report.hess_evals.into());
    o.insert("status".into(), Value::String(status_name(&report.status).into()));
    if let Status::Converged(rule) = &report.status {
        o.insert("converged_by".into(), Value::String(stop_rule_name(rule).into()));
    }
    o.insert("converged".into(), Value::Bool(report.status.is_converged()));
    if let Some(l) = report.min_eigenvalue {
        o.insert("min_hessian_eigenvalue".into(), json_num(l));
    }
    o.insert("message".into(), Value::String(report.status.to_string()));
    if let Some(p) = plot {
        o.insert("plot".into(), Value::String(p.display().to_string()));
    }
    o
}

fn human(report: &Report, method: Method, names: &[String], plot: Option<&Path>) -> String {
    let mut lines = vec![
        format!("method       {}", method.name()),
        format!("status       {}", report.status),
        format!("x            {}", assignments(names, &report.x)),
        format!("f            {}", num(report.f)),
        format!("‖gradient‖   {}", num(report.grad_norm)),
        format!("iterations   {}", report.iterations),
        format!(
            "evaluations  {} f, {} gradient{}",
            report.f_evals,
            report.g_evals,
            if report.hvp_evals > 0 {
                format!(", {} hessian-vector", report.hvp_evals)
            } else {
                String::new()
            } + &if report.hess_evals > 0 {
                format!(", {} hessian", report.hess_evals)
            } else {
                String::new()
            }
        ),
    ];
    if let Some(l) = report.min_eigenvalue {
        lines.push(format!("λ_min(∇²f)   {}", num(l)));
    }
    if let Some(p) = plot {
        lines.push(format!("plot         {}", p.display()));
    }
    lines.join("\n")
}
