//! Drawing helpers shared by the pictures: the SVG document, fonts and text, the data→pixel
//! [`Frame`] of a chart, clipping, rasters of cells, markers and dashed lines.
//!
//! Overlays (cells, lines, markers, legends) are drawn on the root area in pixel coordinates
//! through a [`Frame`], not through plotters series: that gives exact control over clipping
//! (trajectories leaving the box are cut at the frame, never drawn over the axes), z-order and
//! marker shapes. Plotters draws the axes, ticks and labels.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::{PlotError, drawing};
use crate::simplify::simplify;

/// The root drawing area of an SVG picture.
pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Font family used everywhere (the viewer picks its sans-serif, e.g. DejaVu Sans or Helvetica).
pub(crate) const FAMILY: &str = "sans-serif";
/// Sizes (plotters units; the SVG font-size is these / 1.24).
pub(crate) const TITLE_SIZE: f64 = 24.0;
pub(crate) const LABEL_SIZE: f64 = 18.0;
pub(crate) const TICK_SIZE: f64 = 15.0;
pub(crate) const LEGEND_SIZE: f64 = 15.0;
/// Dark grey for text and axes: softer than pure black, still high contrast.
pub(crate) const INK: RGBColor = RGBColor(0x26, 0x26, 0x26);

/// Renders into an SVG string of `size` pixels; `draw` gets the white root area.
pub(crate) fn svg_document(
    size: (u32, u32),
    draw: impl FnOnce(&Area) -> Result<(), PlotError>,
) -> Result<String, PlotError> {
    check_size(size)?;
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, size).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        draw(&root)?;
        root.present().map_err(drawing)?;
    }
    Ok(buf)
}

fn check_size((w, h): (u32, u32)) -> Result<(), PlotError> {
    if (200..=8000).contains(&w) && (150..=8000).contains(&h) {
        Ok(())
    } else {
        Err(PlotError::InvalidOption {
            name: "size",
            value: format!("{w}x{h}"),
            expected: "width 200..=8000 and height 150..=8000 pixels",
        })
    }
}

/// A text style of `size` in `color`, anchored at `(h, v)`.
pub(crate) fn text_style(size: f64, color: &RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle {
        font: (FAMILY, size).into_font(),
        color: color.to_backend_color(),
        pos: Pos::new(h, v),
    }
}

/// Rough rendered width of `s` at `size` (about 0.55 em per character in common sans fonts).
pub(crate) fn text_width(s: &str, size: f64) -> i32 {
    (s.chars().count() as f64 * size / 1.24 * 0.58).ceil() as i32
}

/// Pixels [`title`] takes at the top of a picture.
pub(crate) fn title_height(title: Option<&str>) -> u32 {
    if title.is_some_and(|t| !t.is_empty()) {
        48
    } else {
        16
    }
}

/// Height of a picture of at most `max` pixels whose body needs `body`, with a title and a
/// legend `legend` pixels tall beside it: pictures at equal aspect lose the white band under
/// a shorter plot, but keep room for the legend and a readable colour bar.
pub(crate) fn fitted_height(title: Option<&str>, body: u32, legend: u32, max: u32) -> u32 {
    let t = title_height(title);
    (t + body).max(t + legend + 16).max(400).min(max)
}

/// Draws the picture title centred at the top and returns the area below it.
pub(crate) fn title<'a>(root: &Area<'a>, title: Option<&str>) -> Result<Area<'a>, PlotError> {
    match title {
        Some(t) if !t.is_empty() => {
            let (w, _) = root.dim_in_pixel();
            // a title wider than the picture is set smaller rather than cut at both edges
            let bold_width = f64::from(text_width(t, TITLE_SIZE).max(1)) * 1.1;
            let fit = f64::from(w.saturating_sub(24)) / bold_width;
            let size = TITLE_SIZE * fit.clamp(0.6, 1.0);
            root.draw(&Text::new(
                t.to_string(),
                (w as i32 / 2, 12),
                text_style(size, &INK, HPos::Center, VPos::Top).into_font_bold(),
            ))
            .map_err(drawing)?;
            Ok(root.split_vertically(title_height(Some(t))).1)
        }
        _ => Ok(root.split_vertically(title_height(None)).1),
    }
}

/// Bold variant of a text style.
pub(crate) trait Bold {
    fn into_font_bold(self) -> Self;
}

impl Bold for TextStyle<'static> {
    fn into_font_bold(mut self) -> Self {
        self.font = self.font.style(FontStyle::Bold);
        self
    }
}

/// Maps data coordinates of a chart's plotting area to root pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub(crate) x: (f64, f64),
    pub(crate) y: (f64, f64),
    /// Pixel columns of `x.0` and `x.1`.
    pub(crate) px: (i32, i32),
    /// Pixel rows of `y.0` (bottom) and `y.1` (top).
    pub(crate) py: (i32, i32),
}

impl Frame {
    /// The frame of a chart whose plotting area covers `pixels` (as from `get_pixel_range`).
    pub(crate) fn new(
        x: (f64, f64),
        y: (f64, f64),
        pixels: (std::ops::Range<i32>, std::ops::Range<i32>),
    ) -> Self {
        Self {
            x,
            y,
            px: (pixels.0.start, pixels.0.end),
            py: (pixels.1.end, pixels.1.start),
        }
    }

    pub(crate) fn fx(&self, x: f64) -> f64 {
        self.px.0 as f64 + (x - self.x.0) / (self.x.1 - self.x.0) * (self.px.1 - self.px.0) as f64
    }

    pub(crate) fn fy(&self, y: f64) -> f64 {
        self.py.0 as f64 + (y - self.y.0) / (self.y.1 - self.y.0) * (self.py.1 - self.py.0) as f64
    }

    /// Pixel of a data point.
    pub(crate) fn map(&self, (x, y): (f64, f64)) -> (i32, i32) {
        (self.fx(x).round() as i32, self.fy(y).round() as i32)
    }

    pub(crate) fn contains(&self, (x, y): (f64, f64)) -> bool {
        x >= self.x.0 && x <= self.x.1 && y >= self.y.0 && y <= self.y.1
    }

    /// Top-left and bottom-right pixel of the plotting area.
    pub(crate) fn rect(&self) -> ((i32, i32), (i32, i32)) {
        ((self.px.0, self.py.1), (self.px.1, self.py.0))
    }

    /// Splits a polyline at non-finite points and clips it to the frame.
    pub(crate) fn clip(&self, pts: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
        let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut current: Vec<(f64, f64)> = Vec::new();
        let finite = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();
        let mut flush = |cur: &mut Vec<(f64, f64)>| {
            if cur.len() >= 2 {
                out.push(std::mem::take(cur));
            } else {
                cur.clear();
            }
        };
        if pts.len() == 1 && finite(&pts[0]) && self.contains(pts[0]) {
            return vec![vec![pts[0]]];
        }
        for w in pts.windows(2) {
            if !(finite(&w[0]) && finite(&w[1])) {
                flush(&mut current);
                continue;
            }
            match self.clip_segment(w[0], w[1]) {
                Some((a, b)) => {
                    if current.last() != Some(&a) {
                        flush(&mut current);
                        current.push(a);
                    }
                    current.push(b);
                }
                None => flush(&mut current),
            }
        }
        flush(&mut current);
        out
    }

    /// Liang–Barsky clipping of one segment to the frame.
    fn clip_segment(&self, a: (f64, f64), b: (f64, f64)) -> Option<((f64, f64), (f64, f64))> {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for (p, q) in [
            (-dx, a.0 - self.x.0),
            (dx, self.x.1 - a.0),
            (-dy, a.1 - self.y.0),
            (dy, self.y.1 - a.1),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        if t0 > t1 {
            return None;
        }
        let at = |t: f64| {
            if t == 0.0 {
                a
            } else if t == 1.0 {
                b
            } else {
                (a.0 + t * dx, a.1 + t * dy)
            }
        };
        Some((at(t0), at(t1)))
    }
}

/// Fills the grid's cells with `colors` (storage order `j * nx + i`; `None` leaves a cell as
/// it is), merging horizontal runs of one colour into one rectangle to keep the SVG small.
/// Each rectangle reaches one pixel into the run to its right and the row above, which are
/// drawn later and cover it: rectangles meeting edge to edge would leave antialiasing seams
/// for the background to show through when the picture is scaled.
pub(crate) fn draw_cells(
    root: &Area,
    frame: &Frame,
    grid: &crate::grid::Grid,
    colors: &[Option<RGBColor>],
) -> Result<(), PlotError> {
    let (nx, ny) = grid.resolution();
    let (x0, x1) = grid.x_range();
    let (y0, y1) = grid.y_range();
    let xs: Vec<i32> = (0..=nx)
        .map(|i| frame.fx(x0 + (x1 - x0) * i as f64 / nx as f64).round() as i32)
        .collect();
    let ys: Vec<i32> = (0..=ny)
        .map(|j| frame.fy(y0 + (y1 - y0) * j as f64 / ny as f64).round() as i32)
        .collect();
    for j in 0..ny {
        let mut i = 0;
        while i < nx {
            let c = colors[j * nx + i];
            let mut k = i + 1;
            while k < nx && colors[j * nx + k] == c {
                k += 1;
            }
            if let Some(c) = c {
                let right = if k < nx { xs[k] + 1 } else { xs[k] };
                let top = if j + 1 < ny { ys[j + 1] - 1 } else { ys[j + 1] };
                root.draw(&Rectangle::new([(xs[i], top), (right, ys[j])], c.filled()))
                    .map_err(drawing)?;
            }
            i = k;
        }
    }
    Ok(())
}

/// Paints filled-contour regions (see `bands`): the whole frame in `color(0)`, then every
/// region in order, each a polygon in whole pixels.
pub(crate) fn draw_regions(
    root: &Area,
    frame: &Frame,
    regions: &[crate::bands::Region],
    color: impl Fn(usize) -> RGBColor,
) -> Result<(), PlotError> {
    let (a, b) = frame.rect();
    root.draw(&Rectangle::new([a, b], color(0).filled()))
        .map_err(drawing)?;
    for r in regions {
        let mut px: Vec<(f64, f64)> = r.ring.iter().map(|&p| (frame.fx(p.0), frame.fy(p.1))).collect();
        // close the ring so its first vertex may be dropped as well as any other
        px.push(px[0]);
        let mut ring = simplify(&px);
        ring.pop();
        if ring.len() >= 3 {
            root.draw(&Polygon::new(ring, color(r.band).filled()))
                .map_err(drawing)?;
        }
    }
    Ok(())
}

/// Draws a thin frame around the plotting area.
pub(crate) fn draw_border(root: &Area, frame: &Frame) -> Result<(), PlotError> {
    let (a, b) = frame.rect();
    root.draw(&Rectangle::new([a, b], INK.stroke_width(1)))
        .map_err(drawing)
}

/// Draws polylines given in data coordinates (already clipped) with `style`.
pub(crate) fn draw_lines(
    root: &Area,
    frame: &Frame,
    lines: &[Vec<(f64, f64)>],
    style: ShapeStyle,
) -> Result<(), PlotError> {
    for line in lines.iter().filter(|l| l.len() >= 2) {
        let px: Vec<(f64, f64)> = line.iter().map(|&p| (frame.fx(p.0), frame.fy(p.1))).collect();
        let px = simplify(&px);
        if px.len() >= 2 {
            root.draw(&PathElement::new(px, style)).map_err(drawing)?;
        }
    }
    Ok(())
}

/// A dashed straight line between two pixels.
pub(crate) fn dashed(
    root: &Area,
    a: (i32, i32),
    b: (i32, i32),
    dash: f64,
    style: ShapeStyle,
) -> Result<(), PlotError> {
    let (dx, dy) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
    let len = (dx * dx + dy * dy).sqrt();
    if len == 0.0 {
        return Ok(());
    }
    let n = (len / dash).ceil() as usize;
    for k in (0..n).step_by(2) {
        let t0 = k as f64 * dash / len;
        let t1 = ((k + 1) as f64 * dash / len).min(1.0);
        let p = |t: f64| {
            (
                (a.0 as f64 + t * dx).round() as i32,
                (a.1 as f64 + t * dy).round() as i32,
            )
        };
        root.draw(&PathElement::new(vec![p(t0), p(t1)], style))
            .map_err(drawing)?;
    }
    Ok(())
}

/// Marker shapes for points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    Circle,
    Square,
    TriangleUp,
    Diamond,
    TriangleDown,
    Star,
    Cross,
    Plus,
    /// A head pointing right (a path leaving the frame, in legends).
    Arrow,
}

impl Marker {
    /// Shapes for classes, in order; all filled shapes first so colour and shape both separate.
    pub(crate) const CLASSES: [Marker; 6] = [
        Marker::Circle,
        Marker::Square,
        Marker::TriangleUp,
        Marker::Diamond,
        Marker::TriangleDown,
        Marker::Star,
    ];

    pub(crate) fn for_class(c: usize) -> Marker {
        Self::CLASSES[c % Self::CLASSES.len()]
    }

    /// Shapes for labelled points (white on the map): a plus first, as for a known minimum.
    pub(crate) fn for_point(k: usize) -> Marker {
        const POINTS: [Marker; 6] = [
            Marker::Plus,
            Marker::Cross,
            Marker::Diamond,
            Marker::Square,
            Marker::TriangleUp,
            Marker::TriangleDown,
        ];
        POINTS[k % POINTS.len()]
    }

    /// Shapes for the iterates of trajectories: distinct from the start circle and end star.
    pub(crate) fn for_series(k: usize) -> Marker {
        const SERIES: [Marker; 5] = [
            Marker::Circle,
            Marker::Square,
            Marker::Diamond,
            Marker::TriangleUp,
            Marker::TriangleDown,
        ];
        SERIES[k % SERIES.len()]
    }
}

/// Draws a marker of radius `r` centred at pixel `at`, filled with `fill`, outlined with `edge`.
pub(crate) fn draw_marker(
    root: &Area,
    kind: Marker,
    at: (i32, i32),
    r: f64,
    fill: RGBColor,
    edge: RGBColor,
) -> Result<(), PlotError> {
    let (cx, cy) = (at.0 as f64, at.1 as f64);
    let poly = |pts: Vec<(f64, f64)>| -> Vec<(i32, i32)> {
        pts.into_iter()
            .map(|(x, y)| ((cx + x).round() as i32, (cy + y).round() as i32))
            .collect()
    };
    let shape = match kind {
        Marker::Circle => {
            root.draw(&Circle::new(at, r.round() as i32, fill.filled()))
                .map_err(drawing)?;
            return root
                .draw(&Circle::new(at, r.round() as i32, edge.stroke_width(1)))
                .map_err(drawing);
        }
        Marker::Square => {
            let s = r * 0.85;
            vec![(-s, -s), (s, -s), (s, s), (-s, s)]
        }
        Marker::Diamond => {
            let s = r * 1.15;
            vec![(0.0, -s), (s, 0.0), (0.0, s), (-s, 0.0)]
        }
        Marker::TriangleUp => {
            let s = r * 1.2;
            vec![(0.0, -s), (s * 0.87, s * 0.5), (-s * 0.87, s * 0.5)]
        }
        Marker::Arrow => {
            let s = r * 1.2;
            vec![(s, 0.0), (-s * 0.8, -s * 0.75), (-s * 0.8, s * 0.75)]
        }
        Marker::TriangleDown => {
            let s = r * 1.2;
            vec![(0.0, s), (s * 0.87, -s * 0.5), (-s * 0.87, -s * 0.5)]
        }
        Marker::Star => {
            let (outer, inner) = (r * 1.35, r * 0.55);
            (0..10)
                .map(|k| {
                    let a = -std::f64::consts::FRAC_PI_2 + k as f64 * std::f64::consts::PI / 5.0;
                    let rr = if k % 2 == 0 { outer } else { inner };
                    (rr * a.cos(), rr * a.sin())
                })
                .collect()
        }
        Marker::Cross | Marker::Plus => {
            let s = r;
            let arms: [[(f64, f64); 2]; 2] = if kind == Marker::Cross {
                [[(-s, -s), (s, s)], [(-s, s), (s, -s)]]
            } else {
                [[(-s, 0.0), (s, 0.0)], [(0.0, -s), (0.0, s)]]
            };
            for arm in arms {
                root.draw(&PathElement::new(poly(arm.to_vec()), edge.stroke_width(4)))
                    .map_err(drawing)?;
            }
            for arm in arms {
                root.draw(&PathElement::new(poly(arm.to_vec()), fill.stroke_width(2)))
                    .map_err(drawing)?;
            }
            return Ok(());
        }
    };
    let px = poly(shape);
    root.draw(&Polygon::new(px.clone(), fill.filled()))
        .map_err(drawing)?;
    let mut closed = px;
    closed.push(closed[0]);
    root.draw(&PathElement::new(closed, edge.stroke_width(1)))
        .map_err(drawing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> Frame {
        Frame::new((0.0, 1.0), (0.0, 1.0), (100..200, 50..150))
    }

    #[test]
    fn frame_maps_corners() {
        let f = frame();
        assert_eq!(f.map((0.0, 0.0)), (100, 150));
        assert_eq!(f.map((1.0, 1.0)), (200, 50));
    }

    #[test]
    fn clipping_cuts_at_the_border_and_splits_at_nan() {
        let f = frame();
        let lines = f.clip(&[(0.5, 0.5), (1.5, 0.5), (1.5, 0.7), (0.5, 0.7)]);
        assert_eq!(
            lines,
            vec![vec![(0.5, 0.5), (1.0, 0.5)], vec![(1.0, 0.7), (0.5, 0.7)]]
        );
        let lines = f.clip(&[(0.1, 0.1), (0.2, 0.2), (f64::NAN, 0.0), (0.3, 0.3), (0.4, 0.4)]);
        assert_eq!(lines.len(), 2);
        assert!(f.clip(&[(2.0, 2.0), (3.0, 3.0)]).is_empty());
    }

    #[test]
    fn size_is_checked() {
        assert!(svg_document((10, 10), |_| Ok(())).is_err());
        let svg = svg_document((300, 200), |_| Ok(())).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("</svg>"));
    }
}
