//! Contour pictures as SVG files (hesse-plot), drawn by `hesse plot` and `hesse minimize --plot`.

use std::path::Path;

use hesse_expr::{Bound, Expr};
use hesse_optim::{Report, Status};
use hesse_plot::{ColorScale, ContourPlot, Grid, Render, Trajectory};

use crate::args::{Method, Range};
use crate::error::CliError;

/// Draws `f` (bound to `names`) over `x` × `y` with colours on `scale`, with an optimizer's
/// run if given (its path, and how it ended in the legend), and writes the SVG to `out`.
#[allow(clippy::too_many_arguments)]
pub fn draw(
    expr: &Expr,
    f: &Bound,
    names: [&String; 2],
    x: Range,
    y: Range,
    run: Option<(Method, &Report)>,
    scale: ColorScale,
    out: &Path,
) -> Result<(), CliError> {
    let mut plot = ContourPlot::new(Grid::new((x.lo, x.hi), (y.lo, y.hi)), |a, b| f.value(&[a, b]))
        .with_title(title(expr, names, run))
        .with_axis_labels(names[0].as_str(), names[1].as_str())
        .with_value_label(format!("f({}, {})", names[0], names[1]))
        .with_color_scale(scale);
    // The trajectory marks its own start (circle) and end (star).
    if let Some((method, report)) = run {
        let points = path_2d(report);
        if !points.is_empty() {
            plot = plot.with_trajectory(
                Trajectory::new(method.name(), points)
                    .with_status(outcome(&report.status, report.iterations)),
            );
        }
    }
    let svg = plot.to_svg()?;
    std::fs::write(out, svg).map_err(|source| CliError::Write {
        path: out.to_path_buf(),
        source,
    })
}

/// "f(x, y) = formula", and the method and start of a run.
fn title(expr: &Expr, names: [&String; 2], run: Option<(Method, &Report)>) -> String {
    let f = format!("f({}, {}) = {}", names[0], names[1], expr.source());
    match run.and_then(|(m, r)| Some((m, r.trajectory.as_ref()?.first()?))) {
        Some((method, (x0, _))) if x0.len() >= 2 => format!(
            "{f}: {} from ({}, {})",
            method.name(),
            crate::output::num(x0[0]),
            crate::output::num(x0[1])
        ),
        _ => f,
    }
}

/// How a run ended, short enough for a legend ("diverged after 12 iterations").
fn outcome(status: &Status, iterations: usize) -> String {
    let after = |what: &str| {
        format!(
            "{what} after {iterations} iteration{}",
            if iterations == 1 { "" } else { "s" }
        )
    };
    match status {
        Status::Converged(_) => after("converged"),
        Status::MaxIterations | Status::MaxEvaluations => after("stopped at the limit"),
        Status::Diverged => after("diverged"),
        Status::NonFinite => after("NaN/inf"),
        Status::LineSearchFailed { .. } => after("line search failed"),
        Status::NoProgress { .. } => after("no progress"),
        Status::UnboundedBelow => after("unbounded below"),
        _ => after("stopped"),
    }
}

/// The first two coordinates of the recorded path, finite points only.
pub fn path_2d(report: &Report) -> Vec<(f64, f64)> {
    report
        .trajectory
        .iter()
        .flatten()
        .filter(|(x, _)| x.len() >= 2 && x[0].is_finite() && x[1].is_finite())
        .map(|(x, _)| (x[0], x[1]))
        .collect()
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
