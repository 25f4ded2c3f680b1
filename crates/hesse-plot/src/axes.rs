//! Axes of a chart: plotters draws the frame, ticks, tick labels and axis captions; the picture
//! then draws its data on the root area through the returned [`Frame`].
//!
//! Ticks are always given explicitly (key points with precomputed labels), so log and symlog axes
//! carry labels in data units and every chart formats numbers the same way.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;

use crate::draw::{Area, FAMILY, Frame, INK, LABEL_SIZE, TICK_SIZE, text_width};
use crate::error::{PlotError, drawing};
use crate::grid::Grid;
use crate::scale::linear_ticks;

/// What to draw: ranges (in plotted, possibly transformed, coordinates), ticks and captions.
pub(crate) struct AxesSpec<'s> {
    pub(crate) x: (f64, f64),
    pub(crate) y: (f64, f64),
    /// Explicit x ticks; `None` picks nice linear ticks.
    pub(crate) x_ticks: Option<Vec<(f64, String)>>,
    /// Explicit y ticks; `None` picks nice linear ticks.
    pub(crate) y_ticks: Option<Vec<(f64, String)>>,
    pub(crate) x_label: &'s str,
    pub(crate) y_label: &'s str,
    /// Light grid lines at the ticks (off for heat maps, where they would fight the colours).
    pub(crate) grid_lines: bool,
    /// Smaller fonts for small panels.
    pub(crate) compact: bool,
    /// One unit of x as long as one unit of y when the two ranges are comparable (maps of a
    /// plane: a circle stays round, equal ranges give a square); the area is shrunk to fit.
    pub(crate) equal_aspect: bool,
}

impl<'s> AxesSpec<'s> {
    /// The axes of a map of the plane over `grid` (contours, basins, decision regions): nice
    /// linear ticks, no grid lines over the colours, equal aspect.
    pub(crate) fn plane(grid: &Grid, x_label: &'s str, y_label: &'s str) -> Self {
        AxesSpec {
            x: grid.x_range(),
            y: grid.y_range(),
            x_ticks: None,
            y_ticks: None,
            x_label,
            y_label,
            grid_lines: false,
            compact: false,
            equal_aspect: true,
        }
    }
}

/// Equal aspect only for ranges within this factor of each other; beyond, a plot at equal
/// aspect would be a narrow strip beside empty space (Rosenbrock over x ∈ [−2.5, 2.5],
/// y ∈ [−5, 8]), and the available area is used instead.
const MAX_ASPECT: f64 = 2.0;

/// Draws the axes in `area` and returns the frame of the plotting area.
pub(crate) fn draw_axes(area: &Area, spec: AxesSpec) -> Result<Frame, PlotError> {
    let (tick_size, label_size) = sizes(spec.compact);
    let x_ticks = spec
        .x_ticks
        .unwrap_or_else(|| linear_ticks(spec.x.0, spec.x.1, if spec.compact { 5 } else { 8 }));
    let y_ticks = spec
        .y_ticks
        .unwrap_or_else(|| linear_ticks(spec.y.0, spec.y.1, if spec.compact { 5 } else { 8 }));
    let (y_area, x_area) = label_areas(&y_ticks, spec.x_label, spec.y_label, tick_size);
    let (margin_top, margin_right, margin_left, margin_bottom) = margins(spec.compact);
    let area = &equal_aspect_area(
        area,
        spec.equal_aspect,
        (spec.x, spec.y),
        (
            (y_area + margin_left + margin_right) as u32,
            (x_area + margin_top + margin_bottom) as u32,
        ),
    );
    let xp: Vec<f64> = x_ticks.iter().map(|t| t.0).collect();
    let yp: Vec<f64> = y_ticks.iter().map(|t| t.0).collect();
    let mut chart = ChartBuilder::on(area)
        .margin_top(margin_top as u32)
        .margin_right(margin_right as u32)
        .margin_left(margin_left as u32)
        .margin_bottom(margin_bottom as u32)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(
            Ticked {
                lo: spec.x.0,
                hi: spec.x.1,
                ticks: xp,
            },
            Ticked {
                lo: spec.y.0,
                hi: spec.y.1,
                ticks: yp,
            },
        )
        .map_err(drawing)?;
    let lookup = |ticks: &[(f64, String)], v: f64| {
        ticks
            .iter()
            .min_by(|a, b| (a.0 - v).abs().total_cmp(&(b.0 - v).abs()))
            .map(|t| t.1.clone())
            .unwrap_or_default()
    };
    let x_fmt = |v: &f64| lookup(&x_ticks, *v);
    let y_fmt = |v: &f64| lookup(&y_ticks, *v);
    let grid_color = if spec.grid_lines {
        RGBColor(0xe3, 0xe3, 0xe3).stroke_width(1)
    } else {
        TRANSPARENT.stroke_width(0)
    };
    chart
        .configure_mesh()
        .x_desc(spec.x_label)
        .y_desc(spec.y_label)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style((FAMILY, tick_size).into_font().color(&INK))
        .axis_desc_style((FAMILY, label_size).into_font().color(&INK))
        .axis_style(INK.stroke_width(1))
        .bold_line_style(grid_color)
        .light_line_style(TRANSPARENT)
        .set_all_tick_mark_size(5)
        .draw()
        .map_err(drawing)?;
    Ok(Frame::new(
        spec.x,
        spec.y,
        chart.plotting_area().get_pixel_range(),
    ))
}

fn sizes(compact: bool) -> (f64, f64) {
    if compact {
        (TICK_SIZE - 2.0, LABEL_SIZE - 3.0)
    } else {
        (TICK_SIZE, LABEL_SIZE)
    }
}

/// Top, right, left and bottom margins around the chart.
fn margins(compact: bool) -> (i32, i32, i32, i32) {
    (8, if compact { 12 } else { 16 }, 4, 4)
}

/// Widths of the y label area (tick labels and caption) and height of the x label area.
fn label_areas(y_ticks: &[(f64, String)], x_label: &str, y_label: &str, tick_size: f64) -> (i32, i32) {
    let y_tick_w = y_ticks
        .iter()
        .map(|t| text_width(&t.1, tick_size))
        .max()
        .unwrap_or(0);
    let y_area = y_tick_w + 18 + if y_label.is_empty() { 0 } else { 28 };
    let x_area = 26 + if x_label.is_empty() { 0 } else { 26 };
    (y_area, x_area)
}

/// Height over width of the plotting area when it is drawn at equal aspect: asked for, and the
/// ranges within [`MAX_ASPECT`] of each other.
fn aspect(equal_aspect: bool, x: (f64, f64), y: (f64, f64)) -> Option<f64> {
    let ratio = (y.1 - y.0) / (x.1 - x.0);
    (equal_aspect && ratio.is_finite() && (1.0 / MAX_ASPECT..=MAX_ASPECT).contains(&ratio)).then_some(ratio)
}

/// The height an area `width` pixels wide needs for `spec`'s axes at equal aspect, at most
/// `height`: pictures of square ranges are then square, without a white band underneath.
pub(crate) fn snug_height(spec: &AxesSpec, width: u32, height: u32) -> u32 {
    let y_ticks = match &spec.y_ticks {
        Some(t) => t.clone(),
        None => linear_ticks(spec.y.0, spec.y.1, if spec.compact { 5 } else { 8 }),
    };
    let (y_area, x_area) = label_areas(&y_ticks, spec.x_label, spec.y_label, sizes(spec.compact).0);
    let (top, right, left, bottom) = margins(spec.compact);
    let plot_w = width as f64 - f64::from(y_area + left + right);
    let Some(ratio) = aspect(spec.equal_aspect, spec.x, spec.y).filter(|_| plot_w >= 1.0) else {
        return height;
    };
    let need = (plot_w * ratio).ceil() + f64::from(x_area + top + bottom);
    (need as u32).min(height)
}

/// `area`, shrunk on the right or at the bottom so that its plotting area (what is left after
/// `frame` pixels of labels and margins) has the aspect of the ranges `x` and `y`.
fn equal_aspect_area<'a>(
    area: &Area<'a>,
    equal_aspect: bool,
    (x, y): ((f64, f64), (f64, f64)),
    frame: (u32, u32),
) -> Area<'a> {
    let (w, h) = area.dim_in_pixel();
    let (pw, ph) = (w.saturating_sub(frame.0) as f64, h.saturating_sub(frame.1) as f64);
    let Some(ratio) = aspect(equal_aspect, x, y).filter(|_| pw >= 1.0 && ph >= 1.0) else {
        return area.clone();
    };
    if ph > pw * ratio {
        let cut = (ph - pw * ratio).round() as u32;
        area.clone().shrink((0, 0), (w, h - cut))
    } else {
        let cut = (pw - ph / ratio).round() as u32;
        area.clone().shrink((0, 0), (w - cut, h))
    }
}

/// A linear f64 axis with explicit tick positions (plotters' own `WithKeyPoints` wrapper loses
/// the label formatter for f64 ranges).
struct Ticked {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let t = (v - self.lo) / (self.hi - self.lo);
        let len = (limit.1 - limit.0) as f64;
        limit.0 + (len * t + 1e-3).floor() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}
