//! The colour bar beside a heat map: the bands or gradient actually used, ticks labelled in the
//! function's own units (also when colour is log-scaled), a rotated caption, and a grey swatch
//! for non-finite values when there are any.

use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, VPos};

use crate::draw::{Area, INK, LABEL_SIZE, TICK_SIZE, text_style, text_width};
use crate::error::{PlotError, drawing};

const BAR_W: i32 = 22;

/// A vertical colour bar in colour-space coordinates `g` from `lo` (bottom) to `hi` (top).
#[derive(Debug, Clone)]
pub(crate) struct ColorBar {
    /// `(g0, g1, colour)` slices, bottom to top.
    pub(crate) slices: Vec<(f64, f64, RGBColor)>,
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    /// Tick positions in `g` with their labels (in the function's units).
    pub(crate) ticks: Vec<(f64, String)>,
    pub(crate) caption: String,
    /// Colour to show under the bar for NaN/±∞ cells, when the picture has such cells.
    pub(crate) non_finite: Option<RGBColor>,
}

impl ColorBar {
    /// Width in pixels the bar with its labels needs.
    pub(crate) fn width(&self) -> i32 {
        let tick_w = self
            .ticks
            .iter()
            .map(|t| text_width(&t.1, TICK_SIZE))
            .max()
            .unwrap_or(0);
        16 + BAR_W + 6 + tick_w + 12 + 24
    }

    /// Draws the bar from pixel row `top` to `bottom`, starting at column `x`.
    pub(crate) fn draw(&self, root: &Area, x: i32, top: i32, bottom: i32) -> Result<(), PlotError> {
        let x0 = x + 16;
        let x1 = x0 + BAR_W;
        let bottom = if self.non_finite.is_some() {
            bottom - 34
        } else {
            bottom
        };
        let span = self.hi - self.lo;
        let gy = |g: f64| -> i32 {
            let t = if span > 0.0 { (g - self.lo) / span } else { 0.5 };
            (bottom as f64 - t.clamp(0.0, 1.0) * (bottom - top) as f64).round() as i32
        };
        for &(g0, g1, c) in &self.slices {
            root.draw(&Rectangle::new([(x0, gy(g1)), (x1, gy(g0))], c.filled()))
                .map_err(drawing)?;
        }
        root.draw(&Rectangle::new([(x0, top), (x1, bottom)], INK.stroke_width(1)))
            .map_err(drawing)?;
        // every tick gets a mark; labels are placed bottom first (the minimum), then from the
        // top down, skipping any that would overlap one already placed
        let ys: Vec<i32> = self.ticks.iter().map(|t| gy(t.0)).collect();
        for &y in &ys {
            root.draw(&PathElement::new(vec![(x1, y), (x1 + 5, y)], INK.stroke_width(1)))
                .map_err(drawing)?;
        }
        let order = (0..ys.len().min(1)).chain((1..ys.len()).rev());
        let mut placed: Vec<i32> = Vec::new();
        for k in order {
            if placed.iter().any(|&p| (p - ys[k]).abs() < 17) {
                continue;
            }
            placed.push(ys[k]);
            root.draw(&Text::new(
                self.ticks[k].1.clone(),
                (x1 + 8, ys[k]),
                text_style(TICK_SIZE, &INK, HPos::Left, VPos::Center),
            ))
            .map_err(drawing)?;
        }
        let label_x = x + self.width() - 10;
        let mut style = text_style(LABEL_SIZE, &INK, HPos::Center, VPos::Center);
        style.font = style.font.transform(FontTransform::Rotate270);
        root.draw(&Text::new(
            self.caption.clone(),
            (label_x, (top + bottom) / 2),
            style,
        ))
        .map_err(drawing)?;
        if let Some(c) = self.non_finite {
            let (y0, y1) = (bottom + 14, bottom + 34);
            root.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.filled()))
                .map_err(drawing)?;
            root.draw(&Rectangle::new([(x0, y0), (x1, y1)], INK.stroke_width(1)))
                .map_err(drawing)?;
            root.draw(&Text::new(
                "NaN/∞",
                (x1 + 8, (y0 + y1) / 2),
                text_style(TICK_SIZE, &INK, HPos::Left, VPos::Center),
            ))
            .map_err(drawing)?;
        }
        Ok(())
    }
}
