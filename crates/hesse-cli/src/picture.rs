//! Contour pictures as SVG files (hesse-plot), drawn by `hesse plot` and `hesse minimize --plot`.

use std::path::Path;

use hesse_expr::{Bound, Expr};
use hesse_plot::{ColorScale, ContourPlot, Grid, Render, Trajectory};

use crate::args::{Method, Range};
use crate::error::CliError;

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
