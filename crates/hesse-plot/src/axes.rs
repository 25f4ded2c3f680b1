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
}

/// Draws the axes in `area` and returns the frame of the plotting area.
pub(crate) fn draw_axes(area: &Area, spec: AxesSpec) -> Result<Frame, PlotError> {
    let (tick_size, label_size) = if spec.compact {
        (TICK_SIZE - 2.0, LABEL_SIZE - 3.0)
    } else {
        (TICK_SIZE, LABEL_SIZE)
    };
    let x_ticks = spec
        .x_ticks
        .unwrap_or_else(|| linear_ticks(spec.x.0, spec.x.1, if spec.compact { 5 } else { 8 }));
    let y_ticks = spec
        .y_ticks
        .unwrap_or_else(|| linear_ticks(spec.y.0, spec.y.1, if spec.compact { 5 } else { 8 }));
    let y_tick_w = y_ticks
        .iter()
        .map(|t| text_width(&t.1, tick_size))
        .max()
        .unwrap_or(0);
    let y_area = y_tick_w + 18 + if spec.y_label.is_empty() { 0 } else { 28 };
    let x_area = 26 + if spec.x_label.is_empty() { 0 } else { 26 };
    let xp: Vec<f64> = x_ticks.iter().map(|t| t.0).collect();
    let yp: Vec<f64> = y_ticks.iter().map(|t| t.0).collect();
    let mut chart = ChartBuilder::on(area)
        .margin_top(8)
        .margin_right(if spec.compact { 12 } else { 16 })
        .margin_left(4)
        .margin_bottom(4)
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
