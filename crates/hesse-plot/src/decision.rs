//! [`DecisionPlot`]: decision regions of 2-D classifiers, one or many panels in one picture.
//!
//! Each [`DecisionPanel`] holds a model — a class closure `Fn(f64, f64) -> usize` or a
//! probability closure `Fn(f64, f64) -> f64` giving P(class 1) — evaluated on the shared
//! [`Grid`]. Regions are drawn in light tints of the class colours (probabilities fade to white
//! at 0.5, so confidence is visible), boundaries as dark lines (marching squares on the class
//! indicator, or the p = 0.5 iso-line), and the data points on top in the strong class colours
//! with a distinct marker shape per class, so classes stay apart in greyscale too. Panels share
//! one legend under the grid.

use std::fmt;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::axes::{AxesSpec, draw_axes};
use crate::bands::{Region, class_regions, filled_bands};
use crate::colormap::{self, category, lighten};
use crate::draw::{
    self, Bold, INK, Marker, draw_border, draw_cells, draw_lines, draw_marker, draw_regions, svg_document,
    text_style,
};
use crate::error::{PlotError, drawing};
use crate::grid::Grid;
use crate::legend::{Entry, Legend, Swatch};
use crate::marching::iso_lines;
use crate::output::{Render, slug};

/// Points with their class labels.
type Labelled = (Vec<(f64, f64)>, Vec<usize>);

enum Model<'a> {
    Classes(Box<dyn Fn(f64, f64) -> usize + 'a>),
    Probability(Box<dyn Fn(f64, f64) -> f64 + 'a>),
}

/// One panel: a titled model, optionally with its own data points.
///
/// ```
/// use hesse_plot::DecisionPanel;
/// let panel = DecisionPanel::classes("linear", |x, y| (x + y > 0.0) as usize);
/// assert_eq!(panel.title(), "linear");
/// ```
pub struct DecisionPanel<'a> {
    title: String,
    model: Model<'a>,
    points: Option<Labelled>,
}

impl fmt::Debug for DecisionPanel<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.model {
            Model::Classes(_) => "classes",
            Model::Probability(_) => "probability",
        };
        f.debug_struct("DecisionPanel")
            .field("title", &self.title)
            .field("model", &kind)
            .field("points", &self.points.as_ref().map(|p| p.0.len()))
            .finish()
    }
}

impl<'a> DecisionPanel<'a> {
    /// A panel whose model returns a class id at each point.
    ///
    /// ```
    /// let _panel = hesse_plot::DecisionPanel::classes("xor", |x, y| ((x > 0.0) != (y > 0.0)) as usize);
    /// ```
    pub fn classes(title: impl Into<String>, class_of: impl Fn(f64, f64) -> usize + 'a) -> Self {
        Self {
            title: title.into(),
            model: Model::Classes(Box::new(class_of)),
            points: None,
        }
    }

    /// A panel for a binary model returning P(class 1) in `[0, 1]` (clamped; NaN is grey).
    ///
    /// ```
    /// let _panel = hesse_plot::DecisionPanel::probability("logistic", |x, y| 1.0 / (1.0 + (-(x - y)).exp()));
    /// ```
    pub fn probability(title: impl Into<String>, p: impl Fn(f64, f64) -> f64 + 'a) -> Self {
        Self {
            title: title.into(),
            model: Model::Probability(Box::new(p)),
            points: None,
        }
    }

    /// Data points for this panel only (otherwise the plot's points are shown).
    ///
    /// ```
    /// let _panel = hesse_plot::DecisionPanel::classes("a", |x, _| (x > 0.0) as usize)
    ///     .with_points(vec![(0.5, 0.5), (-0.5, 0.5)], vec![1, 0]);
    /// ```
    pub fn with_points(mut self, points: Vec<(f64, f64)>, labels: Vec<usize>) -> Self {
        self.points = Some((points, labels));
        self
    }

    /// The panel title.
    ///
    /// ```
    /// assert_eq!(hesse_plot::DecisionPanel::classes("relu, adam", |_, _| 0).title(), "relu, adam");
    /// ```
    pub fn title(&self) -> &str {
        &self.title
    }
}

/// A grid of decision-boundary panels over one box.
///
/// Defaults: panels of 360 × 360 pixels, up to four per row, points drawn from
/// [`DecisionPlot::with_points`], class names `class 0`, `class 1`, …, axis labels `x₁`, `x₂`.
///
/// ```
/// use hesse_plot::{DecisionPanel, DecisionPlot, Grid, Render};
/// # fn main() -> Result<(), hesse_plot::PlotError> {
/// let pts = vec![(-1.0, -1.0), (1.0, 1.0), (-1.0, 1.0), (1.0, -1.0)];
/// let labels = vec![0, 0, 1, 1];
/// let svg = DecisionPlot::new(Grid::new((-2.0, 2.0), (-2.0, 2.0)))
///     .with_title("XOR")
///     .with_points(pts, labels)
///     .with_panel(DecisionPanel::classes("tanh", |x, y| (x * y < 0.0) as usize))
///     .with_panel(DecisionPanel::classes("linear", |x, _| (x > 0.0) as usize))
///     .to_svg()?;
/// assert!(svg.contains("\ntanh\n</text>") && svg.contains("\nclass 1\n</text>"));
/// # Ok(()) }
/// ```
pub struct DecisionPlot<'a> {
    grid: Grid,
    panels: Vec<DecisionPanel<'a>>,
    points: Vec<(f64, f64)>,
    labels: Vec<usize>,
    class_names: Vec<String>,
    columns: Option<usize>,
    panel_size: (u32, u32),
    title: Option<String>,
    x_label: String,
    y_label: String,
}

impl fmt::Debug for DecisionPlot<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecisionPlot")
            .field("grid", &self.grid)
            .field("panels", &self.panels)
            .field("points", &self.points.len())
            .field("title", &self.title)
            .finish_non_exhaustive()
    }
}

impl<'a> DecisionPlot<'a> {
    /// An empty plot over `grid` (the grid's resolution is the model's sampling resolution;
    /// 120 × 120 is plenty per panel).
    ///
    /// ```
    /// use hesse_plot::{DecisionPlot, Grid, PlotError, Render};
    /// let plot = DecisionPlot::new(Grid::new((0.0, 1.0), (0.0, 1.0)));
    /// assert!(matches!(plot.to_svg(), Err(PlotError::Empty { .. })));
    /// ```
    pub fn new(grid: Grid) -> Self {
        Self {
            grid,
            panels: Vec::new(),
            points: Vec::new(),
            labels: Vec::new(),
            class_names: Vec::new(),
            columns: None,
            panel_size: (360, 360),
            title: None,
            x_label: "x₁".into(),
            y_label: "x₂".into(),
        }
    }

    /// Adds a panel.
    ///
    /// ```
    /// use hesse_plot::{DecisionPanel, DecisionPlot, Grid, Render};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let svg = DecisionPlot::new(Grid::new((-1.0, 1.0), (-1.0, 1.0)))
    ///     .with_panel(DecisionPanel::probability("p", |x, _| 0.5 + 0.5 * x))
    ///     .to_svg()?;
    /// assert!(svg.contains("p = 0.5"));
    /// # Ok(()) }
    /// ```
    pub fn with_panel(mut self, panel: DecisionPanel<'a>) -> Self {
        self.panels.push(panel);
        self
    }

    /// Adds several panels, in reading order.
    ///
    /// ```
    /// use hesse_plot::{DecisionPanel, DecisionPlot, Grid};
    /// let panels = (0..4).map(|k| DecisionPanel::classes(format!("model {k}"), move |x, _| (x > 0.1 * k as f64) as usize));
    /// let _plot = DecisionPlot::new(Grid::new((-1.0, 1.0), (-1.0, 1.0))).with_panels(panels);
    /// ```
    pub fn with_panels(mut self, panels: impl IntoIterator<Item = DecisionPanel<'a>>) -> Self {
        self.panels.extend(panels);
        self
    }

    /// The data points and their class labels shown on every panel without its own points.
    ///
    /// ```
    /// use hesse_plot::{DecisionPanel, DecisionPlot, Grid, PlotError, Render};
    /// let plot = DecisionPlot::new(Grid::new((-1.0, 1.0), (-1.0, 1.0)))
    ///     .with_panel(DecisionPanel::classes("a", |_, _| 0))
    ///     .with_points(vec![(0.0, 0.0)], vec![0, 1]);
    /// assert!(matches!(plot.to_svg(), Err(PlotError::LengthMismatch { .. })));
    /// ```
    pub fn with_points(mut self, points: Vec<(f64, f64)>, labels: Vec<usize>) -> Self {
        self.points = points;
        self.labels = labels;
        self
    }

    /// Names for the classes in the legend (id `k` gets `names[k]`).
    ///
    /// ```
    /// use hesse_plot::{DecisionPanel, DecisionPlot, Grid, Render};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let svg = DecisionPlot::new(Grid::new((-1.0, 1.0), (-1.0, 1.0)))
    ///     .with_panel(DecisionPanel::classes("a", |x, _| (x > 0.0) as usize))
    ///     .with_class_names(["negative", "positive"])
    ///     .to_svg()?;
    /// assert!(svg.contains("\npositive\n</text>"));
    /// # Ok(()) }
    /// ```
    pub fn with_class_names<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.class_names = names.into_iter().map(Into::into).collect();
        self
    }

    /// Panels per row (default: all of them, at most four).
    ///
    /// ```
    /// use hesse_plot::{DecisionPlot, Grid};
    /// let _plot = DecisionPlot::new(Grid::new((-1.0, 1.0), (-1.0, 1.0))).with_columns(2);
    /// ```
    pub fn with_columns(mut self, columns: usize) -> Self {
        self.columns = Some(columns);
        self
    }

    /// Size of one panel in pixels (default 360 × 360).
    ///
    /// ```
    /// use hesse_plot::{DecisionPlot, Grid};
    /// let _plot = DecisionPlot::new(Grid::new((-1.0, 1.0), (-1.0, 1.0))).with_panel_size(300, 300);
    /// ```
    pub fn with_panel_size(mut self, width: u32, height: u32) -> Self {
        self.panel_size = (width, height);
        self
    }

    /// Sets the picture title (also the default file name).
    ///
    /// ```
    /// use hesse_plot::{DecisionPlot, Grid, Render};
    /// let plot = DecisionPlot::new(Grid::new((-1.0, 1.0), (-1.0, 1.0))).with_title("XOR: 4 activations");
    /// assert_eq!(plot.file_stem(), "xor-4-activations");
    /// ```
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the axis captions of every panel (default `x₁`, `x₂`).
    ///
    /// ```
    /// use hesse_plot::{DecisionPlot, Grid};
    /// let _plot = DecisionPlot::new(Grid::new((-1.0, 1.0), (-1.0, 1.0))).with_axis_labels("a", "b");
    /// ```
    pub fn with_axis_labels(mut self, x: impl Into<String>, y: impl Into<String>) -> Self {
        self.x_label = x.into();
        self.y_label = y.into();
        self
    }

    fn validate(&self) -> Result<(), PlotError> {
        self.grid.validate()?;
        if self.panels.is_empty() {
            return Err(PlotError::Empty {
                what: "no panels to draw".into(),
            });
        }
        if self.columns == Some(0) {
            return Err(PlotError::InvalidOption {
                name: "columns",
                value: "0".into(),
                expected: "at least 1",
            });
        }
        let (w, h) = self.panel_size;
        if !(120..=4000).contains(&w) || !(120..=4000).contains(&h) {
            return Err(PlotError::InvalidOption {
                name: "panel size",
                value: format!("{w}x{h}"),
                expected: "120..=4000 pixels each way",
            });
        }
        let sets = std::iter::once((&self.points, &self.labels)).chain(
            self.panels
                .iter()
                .filter_map(|p| p.points.as_ref().map(|(a, b)| (a, b))),
        );
        for (pts, labels) in sets {
            if pts.len() != labels.len() {
                return Err(PlotError::LengthMismatch {
                    what: "points vs labels",
                    expected: pts.len(),
                    got: labels.len(),
                });
            }
        }
        Ok(())
    }

    fn class_name(&self, k: usize) -> String {
        self.class_names
            .get(k)
            .cloned()
            .unwrap_or_else(|| format!("class {k}"))
    }

    /// Classes to list: every named class, every label seen, every class a model predicted.
    fn legend(&self, n_classes: usize, any_probability: bool) -> Legend {
        let mut entries: Vec<Entry> = (0..n_classes)
            .map(|k| {
                Entry::new(
                    self.class_name(k),
                    Swatch::Point {
                        marker: Marker::for_class(k),
                        fill: category(k),
                        edge: INK,
                    },
                )
            })
            .collect();
        if any_probability {
            entries.push(Entry::new(
                "p = 0.5",
                Swatch::Line {
                    color: INK,
                    width: 2,
                    marker: None,
                },
            ));
        }
        Legend {
            heading: None,
            entries,
        }
    }
}

/// Light tint of a class region.
fn region_color(k: usize) -> RGBColor {
    lighten(category(k), 0.62)
}

/// What a panel's model gave on the grid: filled regions with their colours, grey cells where
/// the model gave NaN, and the boundary lines.
struct Sampled {
    regions: Vec<Region>,
    colors: Vec<RGBColor>,
    grey: Vec<Option<RGBColor>>,
    boundaries: Vec<Vec<(f64, f64)>>,
    max_class: Option<usize>,
}

/// Steps of confidence on each side of p = 0.5: smooth to the eye, few polygons.
const CONFIDENCE_STEPS: usize = 24;

fn sample(grid: &Grid, model: &Model) -> Sampled {
    match model {
        Model::Classes(f) => {
            let classes = grid.sample(f);
            let max_class = classes.iter().copied().max();
            let mut present: Vec<usize> = classes.clone();
            present.sort_unstable();
            present.dedup();
            let mut boundaries = Vec::new();
            // the boundary of each class region except the last also covers the last's
            for &c in present.iter().take(present.len().saturating_sub(1)) {
                let ind: Vec<f64> = classes.iter().map(|&k| (k == c) as u8 as f64).collect();
                boundaries.extend(iso_lines(grid, &ind, 0.5));
            }
            let colors = (0..=max_class.unwrap_or(0)).map(region_color).collect();
            Sampled {
                regions: class_regions(grid, &classes),
                colors,
                grey: vec![None; classes.len()],
                boundaries,
                max_class,
            }
        }
        Model::Probability(f) => {
            let p = grid.sample(f);
            let clamped: Vec<f64> = p
                .iter()
                .map(|&p| {
                    if p.is_finite() {
                        p.clamp(0.0, 1.0)
                    } else {
                        f64::NAN
                    }
                })
                .collect();
            // band k of 2·STEPS + 1 is confidence |k − STEPS| / STEPS, class 1 above the middle
            let s = CONFIDENCE_STEPS as f64;
            let levels: Vec<f64> = (0..2 * CONFIDENCE_STEPS)
                .map(|k| 0.5 + (k as f64 + 0.5 - s) / (2.0 * s))
                .collect();
            let colors = (0..=2 * CONFIDENCE_STEPS)
                .map(|k| {
                    let conf = (k as f64 - s).abs() / s;
                    lighten(category(usize::from(k >= CONFIDENCE_STEPS)), 1.0 - 0.5 * conf)
                })
                .collect();
            let grey = p
                .iter()
                .map(|v| (!v.is_finite()).then_some(colormap::NON_FINITE))
                .collect();
            Sampled {
                regions: filled_bands(grid, &clamped, &levels),
                colors,
                grey,
                boundaries: iso_lines(grid, &p, 0.5),
                max_class: Some(1),
            }
        }
    }
}

impl Render for DecisionPlot<'_> {
    fn to_svg(&self) -> Result<String, PlotError> {
        self.validate()?;
        let sampled: Vec<Sampled> = self.panels.iter().map(|p| sample(&self.grid, &p.model)).collect();
        let mut n_classes = self.class_names.len();
        n_classes = n_classes.max(self.labels.iter().map(|&l| l + 1).max().unwrap_or(0));
        for p in &self.panels {
            if let Some((_, labels)) = &p.points {
                n_classes = n_classes.max(labels.iter().map(|&l| l + 1).max().unwrap_or(0));
            }
        }
        for s in &sampled {
            n_classes = n_classes.max(s.max_class.map_or(0, |m| m + 1));
        }
        let any_probability = self
            .panels
            .iter()
            .any(|p| matches!(p.model, Model::Probability(_)));
        let legend = self.legend(n_classes.min(64), any_probability);

        let n = self.panels.len();
        let cols = self.columns.unwrap_or(n.min(4)).min(n);
        let rows = n.div_ceil(cols);
        let (pw, ph) = self.panel_size;
        let width = (cols as u32 * pw).max(320);
        let title_h = if self.title.is_some() { 48 } else { 8 };
        let legend_h = legend.rows_height(width as i32 - 40) + 16;
        let height = title_h + rows as u32 * ph + legend_h as u32;
        let compact = pw < 420;
        let r = if compact { 4.5 } else { 5.5 };

        svg_document((width, height), |root| {
            let body = draw::title(root, self.title.as_deref())?;
            for (k, (panel, s)) in self.panels.iter().zip(&sampled).enumerate() {
                let (row, col) = (k / cols, k % cols);
                let (x0, y0) = (col as i32 * pw as i32, row as i32 * ph as i32);
                // 12 px of air under each panel keeps its x caption away from the next title
                let area = body.clone().shrink((x0, y0), (pw, ph - 12));
                area.draw(&Text::new(
                    panel.title.clone(),
                    (pw as i32 / 2, 4),
                    text_style(if compact { 16.0 } else { 18.0 }, &INK, HPos::Center, VPos::Top)
                        .into_font_bold(),
                ))
                .map_err(drawing)?;
                let plot_area = area.split_vertically(28).1;
                let frame = draw_axes(
                    &plot_area,
                    AxesSpec {
                        compact,
                        ..AxesSpec::plane(&self.grid, &self.x_label, &self.y_label)
                    },
                )?;
                draw_regions(root, &frame, &s.regions, |k| s.colors[k])?;
                draw_cells(root, &frame, &self.grid, &s.grey)?;
                draw_lines(root, &frame, &s.boundaries, INK.mix(0.8).stroke_width(2))?;
                draw_border(root, &frame)?;
                let (pts, labels) = panel
                    .points
                    .as_ref()
                    .map_or((&self.points, &self.labels), |(a, b)| (a, b));
                for (p, &c) in pts.iter().zip(labels) {
                    if p.0.is_finite() && p.1.is_finite() && frame.contains(*p) {
                        draw_marker(root, Marker::for_class(c), frame.map(*p), r, category(c), INK)?;
                    }
                }
            }
            let (w, h) = root.dim_in_pixel();
            let top = h as i32 - legend_h + 4;
            legend.draw_rows(root, w as i32 / 2, top, w as i32 - 40)?;
            Ok(())
        })
    }

    fn file_stem(&self) -> String {
        slug(self.title.as_deref(), "decision-boundary")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundary_of_two_classes_is_one_line() {
        let grid = Grid::new((-1.0, 1.0), (-1.0, 1.0)).with_resolution(30, 30);
        let s = sample(&grid, &Model::Classes(Box::new(|x, _| (x > 0.0) as usize)));
        assert_eq!(s.boundaries.len(), 1);
        assert_eq!(s.max_class, Some(1));
    }

    #[test]
    fn probability_nan_is_grey() {
        let grid = Grid::new((-1.0, 1.0), (-1.0, 1.0)).with_resolution(4, 4);
        let s = sample(&grid, &Model::Probability(Box::new(|_, _| f64::NAN)));
        assert!(s.grey.iter().all(|&c| c == Some(colormap::NON_FINITE)));
    }
}
