//! [`Trajectory`]: a labelled path of 2-D points (an optimizer's iterates), drawn over a heat
//! map with a white halo so it stays visible on any colour, small markers at the iterates, a
//! circle at the start and a star at the end.

use plotters::prelude::*;

use crate::colormap;
use crate::draw::{Area, Frame, Marker, draw_lines, draw_marker};
use crate::error::PlotError;
use crate::legend::{Entry, Swatch};

/// Beyond this many points only every k-th iterate gets a marker, so long runs stay readable.
const MAX_MARKERS: usize = 150;
/// Iterate markers are at least this many pixels apart.
const MIN_MARKER_GAP: i32 = 7;

/// A labelled sequence of `(x, y)` points, e.g. the iterates of an optimizer.
///
/// ```
/// use hesse_plot::Trajectory;
/// let t = Trajectory::new("gd", vec![(-1.2, 1.0), (-1.0, 1.1), (1.0, 1.0)]);
/// assert_eq!(t.label(), "gd");
/// assert_eq!(t.points().len(), 3);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    label: String,
    points: Vec<(f64, f64)>,
}

impl Trajectory {
    /// A trajectory named `label` through `points` (non-finite points break the line).
    ///
    /// ```
    /// let t = hesse_plot::Trajectory::new("newton", vec![(0.0, 0.0), (1.0, 1.0)]);
    /// assert_eq!(t.points()[1], (1.0, 1.0));
    /// ```
    pub fn new(label: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Self {
            label: label.into(),
            points,
        }
    }

    /// The label shown in the legend.
    ///
    /// ```
    /// assert_eq!(hesse_plot::Trajectory::new("cg", vec![]).label(), "cg");
    /// ```
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The points, in order.
    ///
    /// ```
    /// assert!(hesse_plot::Trajectory::new("cg", vec![]).points().is_empty());
    /// ```
    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }

    pub(crate) fn validate(&self) -> Result<(), PlotError> {
        if self.points.iter().any(|p| p.0.is_finite() && p.1.is_finite()) {
            Ok(())
        } else {
            Err(PlotError::Empty {
                what: format!("trajectory '{}' has no finite point", self.label),
            })
        }
    }
}

fn first_finite(pts: &[(f64, f64)]) -> Option<(f64, f64)> {
    pts.iter().copied().find(|p| p.0.is_finite() && p.1.is_finite())
}

fn last_finite(pts: &[(f64, f64)]) -> Option<(f64, f64)> {
    pts.iter()
        .rev()
        .copied()
        .find(|p| p.0.is_finite() && p.1.is_finite())
}

/// Draws all trajectories: halos and lines first, then iterate markers, then start/end markers
/// on top, so no line hides another trajectory's end point.
pub(crate) fn draw_trajectories(
    root: &Area,
    frame: &Frame,
    trajectories: &[Trajectory],
) -> Result<(), PlotError> {
    for (k, t) in trajectories.iter().enumerate() {
        let lines = frame.clip(&t.points);
        draw_lines(root, frame, &lines, WHITE.mix(0.85).stroke_width(5))?;
        draw_lines(root, frame, &lines, colormap::trajectory(k).stroke_width(2))?;
    }
    for (k, t) in trajectories.iter().enumerate() {
        let color = colormap::trajectory(k);
        let every = t.points.len().div_ceil(MAX_MARKERS).max(1);
        // markers closer than MIN_MARKER_GAP pixels to the last one drawn would bury the line
        // under their white edges: skip them
        let mut last: Option<(i32, i32)> = None;
        for p in t.points.iter().step_by(every) {
            if p.0.is_finite() && p.1.is_finite() && frame.contains(*p) {
                let at = frame.map(*p);
                let near =
                    last.is_some_and(|q| (at.0 - q.0).pow(2) + (at.1 - q.1).pow(2) < MIN_MARKER_GAP.pow(2));
                if !near {
                    draw_marker(root, Marker::Circle, at, 2.5, color, WHITE)?;
                    last = Some(at);
                }
            }
        }
    }
    for (k, t) in trajectories.iter().enumerate() {
        let color = colormap::trajectory(k);
        if let Some(p) = first_finite(&t.points).filter(|p| frame.contains(*p)) {
            draw_marker(root, Marker::Circle, frame.map(p), 6.5, color, BLACK)?;
        }
        if let Some(p) = last_finite(&t.points).filter(|p| frame.contains(*p)) {
            draw_marker(root, Marker::Star, frame.map(p), 8.0, color, BLACK)?;
        }
    }
    Ok(())
}

/// Legend entries: one line per trajectory, then what the start and end markers mean.
pub(crate) fn legend_entries(trajectories: &[Trajectory]) -> Vec<Entry> {
    let mut out: Vec<Entry> = trajectories
        .iter()
        .enumerate()
        .map(|(k, t)| {
            Entry::new(
                t.label.clone(),
                Swatch::Line {
                    color: colormap::trajectory(k),
                    width: 3,
                    marker: Some(Marker::Circle),
                },
            )
        })
        .collect();
    if !trajectories.is_empty() {
        let grey = RGBColor(0xa0, 0xa0, 0xa0);
        out.push(Entry::new(
            "start",
            Swatch::Point {
                marker: Marker::Circle,
                fill: grey,
                edge: BLACK,
            },
        ));
        out.push(Entry::new(
            "end",
            Swatch::Point {
                marker: Marker::Star,
                fill: grey,
                edge: BLACK,
            },
        ));
    }
    out
}
