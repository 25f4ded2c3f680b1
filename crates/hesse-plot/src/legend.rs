//! Legends: where they go ([`LegendPosition`]) and how entries are drawn.
//!
//! The default is [`LegendPosition::Outside`]: a column to the right of the chart (a row under
//! the panels for multi-panel pictures), so the legend never hides data. A corner position puts
//! it inside the plot on a semi-opaque white card, for when width matters more.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::draw::{Area, Bold, Frame, INK, LEGEND_SIZE, Marker, draw_marker, text_style, text_width};
use crate::error::{PlotError, drawing};

/// Where a legend goes.
///
/// ```
/// use hesse_plot::{LegendPosition, LossCurves, Render};
/// # fn main() -> Result<(), hesse_plot::PlotError> {
/// let svg = LossCurves::new(vec![("gd".into(), vec![1.0, 0.3, 0.1])])
///     .with_legend(LegendPosition::UpperRight)
///     .to_svg()?;
/// assert!(svg.contains("gd (last 0.1)"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LegendPosition {
    /// Outside the plot area (to the right, or below a grid of panels).
    #[default]
    Outside,
    /// Inside, top-left corner, on a semi-opaque card.
    UpperLeft,
    /// Inside, top-right corner, on a semi-opaque card.
    UpperRight,
    /// Inside, bottom-left corner, on a semi-opaque card.
    LowerLeft,
    /// Inside, bottom-right corner, on a semi-opaque card.
    LowerRight,
    /// No legend.
    Hidden,
}

/// The little picture in front of a legend label.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    /// A line, optionally with a marker in its middle.
    Line {
        color: RGBColor,
        width: u32,
        marker: Option<Marker>,
    },
    /// A filled box.
    Fill(RGBColor),
    /// A lone marker.
    Point {
        marker: Marker,
        fill: RGBColor,
        edge: RGBColor,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) label: String,
    pub(crate) swatch: Swatch,
}

impl Entry {
    pub(crate) fn new(label: impl Into<String>, swatch: Swatch) -> Self {
        Self {
            label: label.into(),
            swatch,
        }
    }
}

const ROW: i32 = 24;
const PAD: i32 = 10;
const SWATCH: i32 = 30;
const GAP: i32 = 8;

/// A legend: an optional heading and its entries.
#[derive(Debug, Clone, Default)]
pub(crate) struct Legend {
    pub(crate) heading: Option<String>,
    pub(crate) entries: Vec<Entry>,
}

impl Legend {
    /// Pixel size of the legend laid out as one column.
    pub(crate) fn size(&self) -> (i32, i32) {
        let label_w = self
            .entries
            .iter()
            .map(|e| text_width(&e.label, LEGEND_SIZE))
            .max()
            .unwrap_or(0);
        let head_w = self
            .heading
            .as_deref()
            .map(|h| text_width(h, LEGEND_SIZE) + 6)
            .unwrap_or(0);
        let w = (SWATCH + GAP + label_w).max(head_w) + 2 * PAD;
        let rows = self.entries.len() as i32 + self.heading.is_some() as i32;
        (w, rows * ROW + 2 * PAD - 4)
    }

    /// Top-left pixel for a corner position inside `frame`, or `None` for outside/hidden.
    pub(crate) fn corner(&self, pos: LegendPosition, frame: &Frame) -> Option<(i32, i32)> {
        let (w, h) = self.size();
        let ((l, t), (r, b)) = frame.rect();
        let inset = 10;
        match pos {
            LegendPosition::UpperLeft => Some((l + inset, t + inset)),
            LegendPosition::UpperRight => Some((r - inset - w, t + inset)),
            LegendPosition::LowerLeft => Some((l + inset, b - inset - h)),
            LegendPosition::LowerRight => Some((r - inset - w, b - inset - h)),
            LegendPosition::Outside | LegendPosition::Hidden => None,
        }
    }

    /// Draws the legend as a column with its top-left corner at `at`; `card` adds a semi-opaque
    /// white background with a light border.
    pub(crate) fn draw(&self, root: &Area, at: (i32, i32), card: bool) -> Result<(), PlotError> {
        if self.entries.is_empty() {
            return Ok(());
        }
        let (w, h) = self.size();
        if card {
            root.draw(&Rectangle::new(
                [at, (at.0 + w, at.1 + h)],
                WHITE.mix(0.85).filled(),
            ))
            .map_err(drawing)?;
            root.draw(&Rectangle::new(
                [at, (at.0 + w, at.1 + h)],
                RGBColor(0xb0, 0xb0, 0xb0).stroke_width(1),
            ))
            .map_err(drawing)?;
        }
        let mut y = at.1 + PAD + ROW / 2 - 2;
        if let Some(h) = &self.heading {
            root.draw(&Text::new(
                h.clone(),
                (at.0 + PAD, y),
                text_style(LEGEND_SIZE, &INK, HPos::Left, VPos::Center).into_font_bold(),
            ))
            .map_err(drawing)?;
            y += ROW;
        }
        for e in &self.entries {
            draw_entry(root, e, (at.0 + PAD, y))?;
            y += ROW;
        }
        Ok(())
    }

    /// Draws the entries in rows no wider than `max_w`, centred on `center_x`, from `top`.
    /// Returns the height used.
    pub(crate) fn draw_rows(
        &self,
        root: &Area,
        center_x: i32,
        top: i32,
        max_w: i32,
    ) -> Result<i32, PlotError> {
        let rows = self.rows(max_w);
        let mut y = top + ROW / 2;
        for row in &rows {
            let width: i32 = row.iter().map(|&k| self.entry_width(k)).sum();
            let mut x = center_x - width / 2;
            for &k in row {
                draw_entry(root, &self.entries[k], (x, y))?;
                x += self.entry_width(k);
            }
            y += ROW;
        }
        Ok(rows.len() as i32 * ROW)
    }

    /// Height [`Legend::draw_rows`] will need.
    pub(crate) fn rows_height(&self, max_w: i32) -> i32 {
        self.rows(max_w).len() as i32 * ROW
    }

    fn entry_width(&self, k: usize) -> i32 {
        SWATCH + GAP + text_width(&self.entries[k].label, LEGEND_SIZE) + 3 * GAP
    }

    fn rows(&self, max_w: i32) -> Vec<Vec<usize>> {
        let mut rows: Vec<Vec<usize>> = Vec::new();
        let mut used = 0;
        for k in 0..self.entries.len() {
            let w = self.entry_width(k);
            match rows.last_mut() {
                Some(row) if used + w <= max_w => {
                    row.push(k);
                    used += w;
                }
                _ => {
                    rows.push(vec![k]);
                    used = w;
                }
            }
        }
        rows
    }
}

/// One entry with its swatch starting at `x` and centred vertically on `y`.
fn draw_entry(root: &Area, e: &Entry, (x, y): (i32, i32)) -> Result<(), PlotError> {
    let mid = (x + SWATCH / 2, y);
    match e.swatch {
        Swatch::Line { color, width, marker } => {
            root.draw(&PathElement::new(
                vec![(x, y), (x + SWATCH, y)],
                color.stroke_width(width),
            ))
            .map_err(drawing)?;
            if let Some(m) = marker {
                draw_marker(root, m, mid, 4.0, color, WHITE)?;
            }
        }
        Swatch::Fill(color) => {
            root.draw(&Rectangle::new(
                [(x + 3, y - 8), (x + SWATCH - 3, y + 8)],
                color.filled(),
            ))
            .map_err(drawing)?;
            root.draw(&Rectangle::new(
                [(x + 3, y - 8), (x + SWATCH - 3, y + 8)],
                RGBColor(0x80, 0x80, 0x80).stroke_width(1),
            ))
            .map_err(drawing)?;
        }
        Swatch::Point { marker, fill, edge } => draw_marker(root, marker, mid, 6.0, fill, edge)?,
    }
    root.draw(&Text::new(
        e.label.clone(),
        (x + SWATCH + GAP, y),
        text_style(LEGEND_SIZE, &INK, HPos::Left, VPos::Center),
    ))
    .map_err(drawing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_grows_with_labels() {
        let mut l = Legend::default();
        l.entries.push(Entry::new("a", Swatch::Fill(INK)));
        let (w1, h1) = l.size();
        l.entries
            .push(Entry::new("a much longer label", Swatch::Fill(INK)));
        let (w2, h2) = l.size();
        assert!(w2 > w1 && h2 > h1);
        assert_eq!(l.rows(10_000).len(), 1);
        assert_eq!(l.rows(1).len(), 2);
    }
}
