//! `hesse plot`: a contour map of a two-variable formula, optionally with an optimizer's
//! path (hesse-plot).
//!
//! Axes: with `--from`, its two names in order (first = horizontal); otherwise `x` and `y`
//! when the formula uses no other names, else the formula's variables in order of first
//! appearance. Colour follows `ln(1 + f − min f)` so valleys such as Rosenbrock's show.

use std::path::Path;

use hesse_expr::{Bound, Expr};
use hesse_plot::{ColorScale, ContourPlot, Grid, Render, Trajectory};

use crate::args::{Method, PlotArgs, Range};
use crate::error::CliError;
use crate::minimize::{check_options, optimize, path_2d};
use crate::{emit, prepare};

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

    let path = match (args.trajectory, &args.from) {
        (Some(method), Some(from)) => {
            check_options(method, &args.optim)?;
            let report = optimize(&f, &from.values, method, &args.optim, true)?;
            Some((method, path_2d(&report)))
        }
        _ => None,
    };
    draw(
        &expr,
        &f,
        [&names[0], &names[1]],
        args.x_range,
        args.y_range,
        path,
        &args.output,
    )?;
    emit(&format!("wrote {}", args.output.display()));
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

/// Draws `f` (bound to `names`) over `x` × `y`, with an optimizer's path if given, and
/// writes the SVG to `out`.
pub fn draw(
    expr: &Expr,
    f: &Bound,
    names: [&String; 2],
    x: Range,
    y: Range,
    path: Option<(Method, Vec<(f64, f64)>)>,
    out: &Path,
) -> Result<(), CliError> {
    let mut plot = ContourPlot::new(Grid::new((x.lo, x.hi), (y.lo, y.hi)), |a, b| f.value(&[a, b]))
        .with_title(expr.source())
        .with_axis_labels(names[0].as_str(), names[1].as_str())
        .with_value_label(format!("f({}, {})", names[0], names[1]))
        .with_color_scale(ColorScale::Log);
    // The trajectory marks its own start (circle) and end (star).
    if let Some((method, points)) = path {
        if !points.is_empty() {
            plot = plot.with_trajectory(Trajectory::new(method.name(), points));
        }
    }
    let svg = plot.to_svg()?;
    std::fs::write(out, svg).map_err(|source| CliError::Write {
        path: out.to_path_buf(),
        source,
    })
}

/// Pictures are SVG: a file name with another extension (`x.png`) is refused before any work
/// is done, rather than written as SVG under a name that says otherwise.
pub fn check_svg_path(path: &Path, option: &str) -> Result<(), CliError> {
    let svg = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if svg {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "{option} {}: pictures are written as SVG; give a file name ending in .svg",
            path.display()
        )))
    }
}
