//! [`Trajectory`]: a labelled path of 2-D points (an optimizer's iterates), drawn over a heat
//! map with a white halo so it stays visible on any colour, small markers at the iterates (a
//! shape of its own per path, so paths stay apart where colours are close), a circle at the
//! start and a star at the end.
//!
//! A path that leaves the frame (a diverging run) gets an arrow head where it crosses the
//! border, and its end star is drawn on the border where the path was last headed, so the
//! picture never hides that the run went somewhere else; the legend says so. A run's outcome
//! ([`Trajectory::with_status`], e.g. "diverged") is written beside its name.

use plotters::prelude::*;

use crate::colormap;
use crate::draw::{Area, Frame, Marker, draw_lines, draw_marker};
use crate::error::{PlotError, drawing};
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
    status: Option<String>,
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
            status: None,
        }
    }

    /// Sets how the run ended (e.g. "diverged", "converged"), shown after the label in the
    /// legend.
    ///
    /// ```
    /// use hesse_plot::{ContourPlot, Grid, Render, Trajectory};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let run = Trajectory::new("gd", vec![(0.0, 0.0), (3.0, 0.5), (-40.0, 9.0)]).with_status("diverged");
    /// assert_eq!(run.status(), Some("diverged"));
    /// let svg = ContourPlot::new(Grid::new((-5.0, 5.0), (-5.0, 5.0)), |x, y| x * x + y * y)
    ///     .with_trajectory(run)
    ///     .to_svg()?;
    /// assert!(svg.contains("gd: diverged") && svg.contains("left the frame"));
    /// # Ok(()) }
    /// ```
    pub fn with_status(mut self, status: impl Into<String>) -> Self {
        self.status = Some(status.into());
        self
    }

    /// How the run ended, if set.
    ///
    /// ```
    /// assert_eq!(hesse_plot::Trajectory::new("cg", vec![]).status(), None);
    /// ```
    pub fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }

    /// The legend's words: the label, and the status when there is one.
    fn legend_label(&self) -> String {
        match &self.status {
            Some(s) => format!("{}: {s}", self.label),
            None => self.label.clone(),
        }
    }

    /// Whether some finite point lies outside `frame`.
    fn leaves(&self, frame: ((f64, f64), (f64, f64))) -> bool {
        let ((x0, x1), (y0, y1)) = frame;
        self.points.iter().any(|p| {
            p.0.is_finite() && p.1.is_finite() && !(p.0 >= x0 && p.0 <= x1 && p.1 >= y0 && p.1 <= y1)
        })
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

/// Draws all trajectories: halos and lines first, then iterate markers, then the marks of
/// frame exits and start/end markers on top, so no line hides another trajectory's end point.
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
        let marker = Marker::for_series(k);
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
                    draw_marker(root, marker, at, 3.0, color, WHITE)?;
                    last = Some(at);
                }
            }
        }
    }
    for (k, t) in trajectories.iter().enumerate() {
        let color = colormap::trajectory(k);
        for (tip, dir) in exits(frame, &t.points) {
            draw_arrow(root, tip, dir, color)?;
        }
        if let Some(p) = first_finite(&t.points).filter(|p| frame.contains(*p)) {
            draw_marker(root, Marker::Circle, frame.map(p), 6.5, color, BLACK)?;
        }
        if let Some(p) = last_finite(&t.points) {
            // an end outside the frame is drawn on its border, nearest to where it is
            let at = (p.0.clamp(frame.x.0, frame.x.1), p.1.clamp(frame.y.0, frame.y.1));
            draw_marker(root, Marker::Star, frame.map(at), 8.0, color, BLACK)?;
        }
    }
    Ok(())
}

/// Where a path crosses the frame's border outwards: the crossing (pixels) and the direction
/// of travel there (pixels, not normalised).
fn exits(frame: &Frame, points: &[(f64, f64)]) -> Vec<((f64, f64), (f64, f64))> {
    let finite = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();
    points
        .windows(2)
        .filter(|w| finite(&w[0]) && finite(&w[1]) && !frame.contains(w[1]))
        .filter_map(|w| {
            let clipped = frame.clip(w);
            let line = clipped.first()?;
            let out = *line.last()?;
            let dir = (
                frame.fx(w[1].0) - frame.fx(w[0].0),
                frame.fy(w[1].1) - frame.fy(w[0].1),
            );
            Some(((frame.fx(out.0), frame.fy(out.1)), dir))
        })
        .collect()
}

/// An arrow head with its tip at `tip`, pointing along `dir`.
fn draw_arrow(root: &Area, tip: (f64, f64), dir: (f64, f64), color: RGBColor) -> Result<(), PlotError> {
    let len = (dir.0 * dir.0 + dir.1 * dir.1).sqrt();
    if !(len > 0.0 && len.is_finite()) {
        return Ok(());
    }
    let (ux, uy) = (dir.0 / len, dir.1 / len);
    let (back, half) = (15.0, 7.0);
    let corner = |side: f64| {
        (
            (tip.0 - back * ux - side * half * uy).round() as i32,
            (tip.1 - back * uy + side * half * ux).round() as i32,
        )
    };
    let head = vec![
        (tip.0.round() as i32, tip.1.round() as i32),
        corner(1.0),
        corner(-1.0),
    ];
    root.draw(&Polygon::new(head.clone(), color.filled()))
        .map_err(drawing)?;
    let mut outline = head;
    outline.push(outline[0]);
    root.draw(&PathElement::new(outline, BLACK.stroke_width(1)))
        .map_err(drawing)
}

/// Legend entries: one line per trajectory (with its iterate marker and status), then what the
/// start and end markers mean, and the exit arrow when a path leaves `ranges`.
pub(crate) fn legend_entries(trajectories: &[Trajectory], ranges: ((f64, f64), (f64, f64))) -> Vec<Entry> {
    let mut out: Vec<Entry> = trajectories
        .iter()
        .enumerate()
        .map(|(k, t)| {
            Entry::new(
                t.legend_label(),
                Swatch::Line {
                    color: colormap::trajectory(k),
                    width: 3,
                    marker: Some(Marker::for_series(k)),
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
    if trajectories.iter().any(|t| t.leaves(ranges)) {
        out.push(Entry::new(
            "left the frame (end on the border)",
            Swatch::Point {
                marker: Marker::Arrow,
                fill: RGBColor(0xa0, 0xa0, 0xa0),
                edge: BLACK,
            },
        ));
    }
    out
}
