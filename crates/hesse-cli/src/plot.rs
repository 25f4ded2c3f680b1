//! `hesse plot`: a contour map of a two-variable formula, optionally with an optimizer's
//! path (hesse-plot).
//!
//! Axes: with `--from`, its two names in order (first = horizontal); otherwise `x` and `y`
//! when the formula uses no other names, else the formula's variables in order of first
//! appearance. Colour is linear unless the values are ≥ 0 and span decades (then it follows
//! `ln(1 + f − min f)`, so valleys such as Rosenbrock's show); `--scale` decides otherwise.
//!
//! A trajectory that breaks down (diverges, meets NaN, a line search fails) is reported as
//! `minimize` reports it: the picture is still written, with the outcome in its legend and the
//! place the path left the frame marked, and the command exits 1 with the reason on stderr.

use std::io::Write;

use hesse_expr::Expr;

use crate::args::PlotArgs;
use crate::error::CliError;
use crate::formula::prepare;
use crate::minimize::{broke_down, check_options, optimize};
use crate::output::emit;
use crate::picture::{check_svg_path, draw};

/// Runs `hesse plot`; returns the exit code.
pub fn run(args: &PlotArgs) -> Result<u8, CliError> {
    check_svg_path(&args.output, "-o")?;
    let expr = Expr::parse(&args.expr)?;
    let names: Vec<String> = match &args.from {
        Some(p) if p.names.len() != 2 => {
            return Err(CliError::Usage(format!(
                "plot draws two-variable formulas, but --from has {} variable{} ({}); give exactly two",
                p.names.len(),
                if p.names.len() == 1 { "" } else { "s" },
                p.names.join(", ")
            )));
        }
        Some(p) => p.names.clone(),
        None => axes(&expr)?,
    };
    let (_, f) = prepare(&args.expr, &names)?;

    let run = match (args.trajectory, &args.from) {
        (Some(method), Some(from)) => {
            check_options(method, &args.optim)?;
            Some((method, optimize(&f, &from.values, method, &args.optim, true)?))
        }
        _ => None,
    };
    draw(
        &expr,
        &f,
        [&names[0], &names[1]],
        args.x_range,
        args.y_range,
        run.as_ref().map(|(m, r)| (*m, r)),
        args.scale.into(),
        &args.output,
    )?;
    emit(&format!("wrote {}", args.output.display()));
    if let Some((_, report)) = run.as_ref().filter(|(_, r)| broke_down(&r.status)) {
        // the same words and exit code as `minimize`
        let _ = writeln!(
            std::io::stderr(),
            "error: the minimization broke down: {}",
            report.status
        );
        return Ok(1);
    }
    Ok(0)
}

/// The axis names for a formula plotted without `--from`.
fn axes(expr: &Expr) -> Result<Vec<String>, CliError> {
    let vars = expr.variables();
    if vars.len() > 2 {
        return Err(CliError::Usage(format!(
            "plot draws formulas of at most two variables; this one has {}: {}",
            vars.len(),
            vars.join(", ")
        )));
    }
    let xy = |n: &String| n == "x" || n == "y";
    Ok(if vars.iter().all(xy) {
        vec!["x".into(), "y".into()]
    } else if vars.len() == 2 {
        vars.to_vec()
    } else {
        // One variable that is neither x nor y: it runs along the horizontal axis.
        vec![vars[0].clone(), "y".into()]
    })
}
