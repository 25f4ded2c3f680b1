//! One test per picture kind: render into a temp dir, check the file is SVG and carries the
//! expected title, legend and axis text.

use std::path::{Path, PathBuf};

use hesse_plot::{
    BasinMap, ColorScale, ContourPlot, DecisionPanel, DecisionPlot, Grid, LegendPosition, LossCurves,
    PlotError, Render, Scale, Shading, SlicePlot, Spectrum, SurfacePlot, Trajectory,
};

/// One fixed folder per test (re-runs overwrite instead of piling up).
fn out_dir(test: &str) -> PathBuf {
    std::env::temp_dir().join("hesse-plot-tests").join(test)
}

/// Reads the file and checks it is a complete SVG document containing every needle.
fn assert_svg(path: &Path, needles: &[&str]) -> String {
    assert!(path.exists(), "{} missing", path.display());
    // plotters puts text content on its own line: join it so needles like ">gd</text>" match
    let svg = std::fs::read_to_string(path)
        .unwrap()
        .replace(">\n", ">")
        .replace("\n</text>", "</text>");
    assert!(
        svg.starts_with("<svg"),
        "not an svg: {}",
        &svg[..svg.len().min(80)]
    );
    assert!(svg.trim_end().ends_with("</svg>"));
    for n in needles {
        assert!(svg.contains(n), "{} lacks {n:?}", path.display());
    }
    svg
}

fn rosenbrock(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}

#[test]
fn contour_with_trajectories() {
    let dir = out_dir("contour");
    let path = ContourPlot::new(
        Grid::new((-2.0, 2.0), (-1.0, 3.0)).with_resolution(80, 80),
        rosenbrock,
    )
    .with_title("Rosenbrock & friends")
    .with_color_scale(ColorScale::Log)
    .with_trajectory(Trajectory::new(
        "gd",
        vec![(-1.2, 1.0), (-0.5, 0.4), (0.5, 0.1), (1.0, 1.0)],
    ))
    .with_trajectory(Trajectory::new(
        "newton",
        vec![(-1.2, 1.0), (5.0, -4.0), (1.0, 1.0)],
    ))
    .with_marked_point("minimum", (1.0, 1.0))
    .render_to(&dir)
    .unwrap();
    assert_eq!(path, dir.join("rosenbrock-friends.svg"));
    let svg = assert_svg(
        &path,
        &[
            "Rosenbrock &amp; friends",
            ">gd</text>",
            ">newton</text>",
            ">start</text>",
            ">end</text>",
            ">minimum</text>",
            "ln(1 + f − min f)",
            ">1000</text>", // colour-bar tick in units of f
            "<polyline",    // iso-lines and paths
        ],
    );
    assert!(!svg.contains("NaN"), "no NaN swatch without NaN values");
}

#[test]
fn contour_with_nan_and_corner_legend() {
    let dir = out_dir("contour-nan");
    let path = ContourPlot::new(
        Grid::new((-2.0, 2.0), (-2.0, 2.0)).with_resolution(60, 60),
        |x, y| (x * x + y * y - 1.0).ln(),
    )
    .with_legend(LegendPosition::UpperLeft)
    .with_trajectory(Trajectory::new(
        "path",
        vec![(1.5, 1.5), (f64::NAN, 0.0), (1.2, -1.5)],
    ))
    .render_to(dir.join("holes.svg"))
    .unwrap();
    // the corner legend sits on a semi-opaque card
    assert_svg(&path, &["NaN/∞", ">path</text>", "opacity=\"0.85\""]);
}

#[test]
fn basins_with_counts() {
    let dir = out_dir("basins");
    let grid = Grid::new((-2.0, 2.0), (-1.0, 1.0)).with_resolution(40, 20);
    let path = BasinMap::from_fn(grid, |x, _| {
        if x.abs() < 0.2 {
            None
        } else {
            Some((x > 0.0) as usize)
        }
    })
    .with_attractor("left well", (-1.0, 0.0))
    .with_attractor("right well", (1.0, 0.0))
    .with_title("Double well")
    .render_to(&dir)
    .unwrap();
    assert_svg(
        &path,
        &[
            "Double well",
            "left well: 360 (45.0%)",
            "right well: 360 (45.0%)",
            "did not converge: 80 (10.0%)",
            ">attractor</text>",
        ],
    );
}

#[test]
fn decision_panels() {
    let dir = out_dir("decision");
    let pts = vec![(-1.0, -1.0), (1.0, 1.0), (-1.0, 1.0), (1.0, -1.0)];
    let labels = vec![0, 0, 1, 1];
    let sig = |z: f64| 1.0 / (1.0 + (-z).exp());
    let panels = (0..4).map(|k| {
        if k % 2 == 0 {
            DecisionPanel::classes(format!("classes {k}"), move |x, y| {
                (x * y < 0.1 * k as f64) as usize
            })
        } else {
            DecisionPanel::probability(format!("probability {k}"), move |x, y| sig(-3.0 * x * y))
        }
    });
    let path = DecisionPlot::new(Grid::new((-2.0, 2.0), (-2.0, 2.0)).with_resolution(50, 50))
        .with_title("XOR")
        .with_points(pts, labels)
        .with_panels(panels)
        .with_columns(2)
        .render_to(&dir)
        .unwrap();
    assert_svg(
        &path,
        &[
            ">XOR</text>",
            ">classes 0</text>",
            ">probability 3</text>",
            ">class 0</text>",
            ">class 1</text>",
            ">p = 0.5</text>",
        ],
    );
}

#[test]
fn loss_curves_log_scale() {
    let dir = out_dir("loss");
    let gd: Vec<f64> = (0..200).map(|k| 0.97f64.powi(k)).collect();
    let newton = vec![10.0, 1.0, 1e-3, 1e-9, 0.0];
    let path = LossCurves::new(vec![("gd".into(), gd), ("newton".into(), newton)])
        .with_scale(Scale::Log10)
        .with_title("Loss")
        .render_to(&dir)
        .unwrap();
    assert_svg(
        &path,
        &[
            "Loss",
            "gd (last",
            "newton (last 0)",
            "loss (log scale)",
            ">iteration</text>",
            ">1e-8</text>",
        ],
    );
}

#[test]
fn spectrum_symlog() {
    let dir = out_dir("spectrum");
    let path = Spectrum::new(vec![0.579, 1.94e-4, -0.03, 0.0, 0.2])
        .with_scale(Scale::SymLog { tau: 1e-4 })
        .render_to(dir.join("eig.svg"))
        .unwrap();
    assert_svg(
        &path,
        &[
            "5 eigenvalues",
            "negative: 1 (min -0.03)",
            "zero: 1",
            "positive: 3 (max 0.579)",
            "symlog: sign(λ)·log10(1+|λ|/τ), τ = 1e-4",
            ">index (ascending)</text>",
        ],
    );
}

#[test]
fn slice_marks_the_current_point() {
    let dir = out_dir("slice");
    let path = SlicePlot::from_fn(|t| rosenbrock(-1.2 + t, 1.0 - t), (-0.5, 1.0), 61)
        .with_title("Slice")
        .render_to(&dir)
        .unwrap();
    assert_svg(
        &path,
        &["Slice", "x (t = 0): f = 24.2", "lowest: t = ", ">t</text>"],
    );
}

#[test]
fn surface_has_every_quad_captions_and_y_ticks_in_y_units() {
    let dir = out_dir("surface");
    let grid = Grid::new((-3.0, 3.0), (-2.0, 2.0)).with_resolution(20, 16);
    let path = SurfacePlot::from_fn(grid, |x, y| x * (-(x * x) - y * y).exp())
        .with_title("Surface")
        .with_axis_labels("w0", "w1", "loss")
        .render_to(&dir)
        .unwrap();
    let svg = assert_svg(
        &path,
        &[
            "Surface",
            ">w0</text>",
            ">w1</text>",
            ">loss</text>",
            ">-2</text>",
            ">2</text>",
        ],
    );
    assert_eq!(polygon_rows(&svg).len(), 19 * 15);
}

/// Mean pixel row of every surface quad (`<polygon … points="u,v u,v …">`, not the light
/// grey axis panels), in drawing order.
fn polygon_rows(svg: &str) -> Vec<f64> {
    svg.split("<polygon ")
        .skip(1)
        .filter(|rest| !rest.starts_with("opacity=\"1\" fill=\"#F6F6F6\""))
        .map(|rest| {
            let rest = &rest[rest.find("points=\"").unwrap() + 8..];
            let pts = &rest[..rest.find('"').unwrap()];
            let vs: Vec<f64> = pts
                .split_whitespace()
                .map(|p| p.split(',').nth(1).unwrap().parse().unwrap())
                .collect();
            vs.iter().sum::<f64>() / vs.len() as f64
        })
        .collect()
}

#[test]
fn surface_quads_are_painted_back_to_front() {
    // A flat surface seen from above: the nearer a quad, the lower it is on the screen, so the
    // painter's order must go down the picture (up to integer rounding of depths and pixels).
    let grid = Grid::new((0.0, 1.0), (0.0, 1.0)).with_resolution(12, 12);
    let svg = SurfacePlot::from_fn(grid, |_, _| 0.0).to_svg().unwrap();
    let rows = polygon_rows(&svg);
    assert_eq!(rows.len(), 11 * 11);
    for w in rows.windows(2) {
        assert!(
            w[1] >= w[0] - 3.0,
            "a nearer quad was painted first: rows {} then {}",
            w[0],
            w[1]
        );
    }
    assert!(rows[rows.len() - 1] > rows[0] + 100.0);
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let g = Grid::new((0.0, 1.0), (0.0, 1.0));
    let bad_grid = Grid::new((0.0, f64::INFINITY), (0.0, 1.0));
    assert!(matches!(
        ContourPlot::new(bad_grid, |x, _| x).to_svg(),
        Err(PlotError::InvalidRange { axis: "x", .. })
    ));
    assert!(matches!(
        ContourPlot::new(g, |x, _| x)
            .with_trajectory(Trajectory::new("empty", vec![]))
            .to_svg(),
        Err(PlotError::Empty { .. })
    ));
    assert!(matches!(
        BasinMap::new(g, vec![Some(0)]).to_svg(),
        Err(PlotError::LengthMismatch { .. })
    ));
    assert!(matches!(
        DecisionPlot::new(g)
            .with_panel(DecisionPanel::classes("a", |_, _| 0))
            .with_columns(0)
            .to_svg(),
        Err(PlotError::InvalidOption { name: "columns", .. })
    ));
    assert!(matches!(
        LossCurves::new(vec![]).to_svg(),
        Err(PlotError::Empty { .. })
    ));
    assert!(matches!(
        Spectrum::new(vec![1.0])
            .with_scale(Scale::SymLog { tau: -1.0 })
            .to_svg(),
        Err(PlotError::InvalidOption { .. })
    ));
    assert!(matches!(
        SlicePlot::new(vec![]).to_svg(),
        Err(PlotError::Empty { .. })
    ));
    assert!(matches!(
        SlicePlot::new(vec![(1.0, 1.0), (1.0, 2.0)]).to_svg(),
        Err(PlotError::InvalidRange { axis: "t", .. })
    ));
    assert!(matches!(
        Spectrum::new(vec![1.0]).with_size(10, 10).to_svg(),
        Err(PlotError::InvalidOption { name: "size", .. })
    ));
}

#[test]
fn unwritable_path_is_an_io_error() {
    // a file where a folder is needed
    let dir = out_dir("io");
    std::fs::create_dir_all(&dir).unwrap();
    let blocker = dir.join("blocker");
    std::fs::write(&blocker, "x").unwrap();
    let err = Spectrum::new(vec![1.0])
        .render_to(blocker.join("eig.svg"))
        .unwrap_err();
    assert!(matches!(err, PlotError::Io { .. }), "{err}");
    assert!(err.to_string().starts_with("cannot write"));
}

fn peaks(x: f64, y: f64) -> f64 {
    3.0 * (1.0 - x).powi(2) * (-x * x - (y + 1.0).powi(2)).exp()
        - 10.0 * (x / 5.0 - x.powi(3) - y.powi(5)) * (-x * x - y * y).exp()
        - (-(x + 1.0).powi(2) - y * y).exp() / 3.0
}

// issue 20: filled contours are polygons, so a contour map stays under 300 kB at the default
// 160 × 160 grid and at a fine 600 × 600 one, banded or smooth, with paths on top
#[test]
fn contour_maps_stay_under_300_kb() {
    let zigzag: Vec<(f64, f64)> = (0..200)
        .map(|k| {
            let t = k as f64 / 200.0;
            (
                -1.5 + 2.5 * t,
                2.0 - 1.5 * t + if k % 2 == 0 { 0.2 } else { -0.2 },
            )
        })
        .collect();
    let cases: [(&str, ContourPlot, usize); 4] = [
        (
            "rosenbrock",
            ContourPlot::new(Grid::new((-2.0, 2.0), (-1.0, 3.0)), rosenbrock),
            160,
        ),
        (
            "peaks-smooth",
            ContourPlot::new(Grid::new((-3.0, 3.0), (-3.0, 3.0)), peaks).with_shading(Shading::Smooth),
            160,
        ),
        (
            "sincos-fine",
            ContourPlot::new(
                Grid::new((-6.0, 6.0), (-6.0, 6.0)).with_resolution(600, 600),
                |x: f64, y: f64| x.sin() * y.cos(),
            ),
            600,
        ),
        (
            "peaks-fine-levels",
            ContourPlot::new(
                Grid::new((-3.0, 3.0), (-3.0, 3.0)).with_resolution(400, 400),
                peaks,
            )
            .with_levels(40),
            400,
        ),
    ];
    for (name, plot, n) in cases {
        let svg = plot
            .with_title(name)
            .with_trajectory(Trajectory::new("zig-zag", zigzag.clone()))
            .to_svg()
            .unwrap();
        assert!(svg.len() < 300_000, "{name} ({n} × {n}): {} bytes", svg.len());
        assert!(svg.contains("<polygon"), "{name}: bands are polygons");
        // no cell raster: a handful of rectangles (background, frame, colour bar, legend)
        assert!(
            svg.matches("<rect").count() < 120,
            "{name}: cells drawn as rectangles"
        );
    }
}

// issue 20: colour is linear unless the values are ≥ 0 and span decades; either way on request
#[test]
fn linear_or_log_colour() {
    const LOG: &str = "ln(1 + f − min f)";
    let grid = Grid::new((-3.0, 3.0), (-3.0, 3.0));
    let sincos = |x: f64, y: f64| x.sin() * y.cos();
    let svg = ContourPlot::new(grid, sincos).to_svg().unwrap();
    assert!(!svg.contains(LOG), "values of both signs: linear");
    for tick in ["-0.5", "0", "0.5"] {
        assert!(svg.contains(&format!("\n{tick}\n</text>")), "tick {tick}");
    }
    assert!(
        !svg.contains("-0.95\n") && !svg.contains("-0.9\n"),
        "no log ticks"
    );
    assert!(
        ContourPlot::new(grid, sincos)
            .with_color_scale(ColorScale::Log)
            .to_svg()
            .unwrap()
            .contains(LOG)
    );
    let rb = Grid::new((-2.0, 2.0), (-1.0, 3.0));
    assert!(
        ContourPlot::new(rb, rosenbrock).to_svg().unwrap().contains(LOG),
        "decades: log"
    );
    let linear = ContourPlot::new(rb, rosenbrock).with_color_scale(ColorScale::Linear);
    assert!(!linear.to_svg().unwrap().contains(LOG));
    assert!(
        !ContourPlot::new(grid, |x, y| x * x + y * y)
            .to_svg()
            .unwrap()
            .contains(LOG),
        "a bowl: linear"
    );
    assert_eq!(ColorScale::default(), ColorScale::Auto);
}

// issue 20: equal ranges are drawn square; the picture loses the white band under the plot
#[test]
fn equal_ranges_are_square() {
    let svg = BasinMap::new(
        Grid::new((-2.0, 2.0), (-2.0, 2.0)).with_resolution(4, 4),
        vec![Some(0); 16],
    )
    .with_attractor("a", (0.0, 0.0))
    .to_svg()
    .unwrap();
    // the frame: the first unfilled rectangle drawn in ink
    let frame = svg
        .lines()
        .find(|l| l.starts_with("<rect") && l.contains("fill=\"none\" stroke=\"#262626\""))
        .expect("the frame");
    let attr = |name: &str| -> f64 {
        let at = frame.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        frame[at..].split('"').next().unwrap().parse().unwrap()
    };
    assert!((attr("width") - attr("height")).abs() <= 1.0, "{frame}");
    // a wide picture of a square range is no taller than the square needs
    let wide = BasinMap::new(
        Grid::new((-2.0, 2.0), (-2.0, 2.0)).with_resolution(4, 4),
        vec![Some(0); 16],
    )
    .with_attractor("a", (0.0, 0.0))
    .with_size(1400, 1000)
    .to_svg()
    .unwrap();
    let height: u32 = wide
        .split("height=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(height < 1100, "{height}");
}
