//! Renders one picture of each kind from made-up demo data.
//!
//! ```text
//! cargo run -p hesse-plot --example gallery [OUT_DIR]
//! ```
//! writes `rosenbrock.svg`, `peaks.svg`, ... into `OUT_DIR` (default the workspace's
//! `target/hesse-out`, wherever it is run from).

use hesse_plot::{
    BasinMap, ColorScale, ContourPlot, DecisionPanel, DecisionPlot, Grid, LossCurves, PlotError, Render,
    Scale, Shading, SlicePlot, Spectrum, Trajectory,
};

fn rosenbrock(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}

fn peaks(x: f64, y: f64) -> f64 {
    3.0 * (1.0 - x).powi(2) * (-x * x - (y + 1.0).powi(2)).exp()
        - 10.0 * (x / 5.0 - x.powi(3) - y.powi(5)) * (-x * x - y * y).exp()
        - (-(x + 1.0).powi(2) - y * y).exp() / 3.0
}

/// A made-up zig-zag descent into Rosenbrock's valley.
fn zigzag() -> Vec<(f64, f64)> {
    let mut pts = vec![(-1.2, 1.0)];
    for k in 1..=40 {
        let t = k as f64 / 40.0;
        let x = -1.2 + 2.2 * t.powf(0.8);
        let wobble = 0.25 * (1.0 - t) * if k % 2 == 0 { 1.0 } else { -1.0 };
        pts.push((x, x * x + wobble));
    }
    pts.push((1.0, 1.0));
    pts
}

fn main() -> Result<(), PlotError> {
    // the workspace's target/hesse-out wherever the example is run from
    let out = std::env::args().nth(1).unwrap_or_else(|| {
        format!(
            "{}/../../{}",
            env!("CARGO_MANIFEST_DIR"),
            hesse_plot::DEFAULT_OUT_DIR
        )
    });
    let newton = vec![
        (-1.2, 1.0),
        (-1.17, 1.37),
        (0.76, -3.0),
        (0.76, 0.57),
        (0.99, 0.95),
        (1.0, 1.0),
    ];
    let p = ContourPlot::new(Grid::new((-2.0, 2.0), (-1.0, 3.0)), rosenbrock)
        .with_title("Rosenbrock: gradient descent vs Newton")
        .with_color_scale(ColorScale::Log)
        .with_trajectory(Trajectory::new("gradient descent (zig-zag)", zigzag()))
        .with_trajectory(Trajectory::new("Newton", newton))
        .with_marked_point("minimum (1, 1)", (1.0, 1.0))
        .render_to(format!("{out}/rosenbrock.svg"))?;
    println!("{}", p.display());

    let climb: Vec<(f64, f64)> = (0..30)
        .map(|k| {
            let t = k as f64 / 29.0;
            (-2.5 + 2.8 * t, -2.0 + 2.3 * t.sqrt())
        })
        .collect();
    let p = ContourPlot::new(Grid::new((-3.0, 3.0), (-3.0, 3.0)), peaks)
        .with_title("MATLAB peaks")
        .with_shading(Shading::Smooth)
        .with_trajectory(Trajectory::new("momentum", climb))
        .render_to(format!("{out}/peaks.svg"))?;
    println!("{}", p.display());

    let p = ContourPlot::new(Grid::new((-2.0, 2.0), (-2.0, 2.0)), |x, y| {
        (x * x + y * y - 1.0).ln() + y
    })
    .with_title("ln(x² + y² − 1) + y: NaN inside the disc")
    .render_to(format!("{out}/nan-holes.svg"))?;
    println!("{}", p.display());

    // Newton's method on z³ = 1: which cube root of unity each start reaches
    let roots = [
        (1.0, 0.0),
        (-0.5, 3f64.sqrt() / 2.0),
        (-0.5, -(3f64.sqrt()) / 2.0),
    ];
    let newton_root = |x: f64, y: f64| -> Option<usize> {
        let (mut a, mut b) = (x, y);
        for _ in 0..50 {
            // z ← z − (z³ − 1) / (3z²)
            let (a2, b2) = (a * a - b * b, 2.0 * a * b);
            let (a3, b3) = (a2 * a - b2 * b, a2 * b + b2 * a);
            let (num_a, num_b) = (a3 - 1.0, b3);
            let (den_a, den_b) = (3.0 * a2, 3.0 * b2);
            let d = den_a * den_a + den_b * den_b;
            if d < 1e-30 {
                return None;
            }
            a -= (num_a * den_a + num_b * den_b) / d;
            b -= (num_b * den_a - num_a * den_b) / d;
            for (k, r) in roots.iter().enumerate() {
                if (a - r.0).hypot(b - r.1) < 1e-8 {
                    return Some(k);
                }
            }
        }
        None
    };
    let p = BasinMap::from_fn(
        Grid::new((-1.5, 1.5), (-1.5, 1.5)).with_resolution(300, 300),
        newton_root,
    )
    .with_title("Newton on z³ − 1: basins of the three roots")
    .with_axis_labels("Re z₀", "Im z₀")
    .with_attractors(
        roots
            .iter()
            .enumerate()
            .map(|(k, &r)| (format!("root {}", k + 1), r)),
    )
    .render_to(format!("{out}/basins.svg"))?;
    println!("{}", p.display());

    // XOR-like data: four jittered clusters (deterministic)
    let mut pts = Vec::new();
    let mut labels = Vec::new();
    let mut seed = 12345u64;
    let mut rnd = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as f64 / (1u64 << 31) as f64) - 0.5
    };
    for (cx, cy, c) in [(-1.0, -1.0, 0), (1.0, 1.0, 0), (-1.0, 1.0, 1), (1.0, -1.0, 1)] {
        for _ in 0..25 {
            pts.push((cx + 0.9 * rnd(), cy + 0.9 * rnd()));
            labels.push(c);
        }
    }
    let sig = |z: f64| 1.0 / (1.0 + (-z).exp());
    let panels = vec![
        DecisionPanel::classes("identity · GD", |x, y| (0.3 * x + y > 0.1) as usize),
        DecisionPanel::classes("relu · GD", |x, y| {
            ((x.max(0.0) - 0.2 * y).max(0.0) + (y.max(0.0) - x.max(0.0)) > 0.4) as usize
        }),
        DecisionPanel::classes("tanh · GD", |x, y| {
            ((x * 1.3).tanh() * (y * 1.1).tanh() < -0.02) as usize
        }),
        DecisionPanel::probability("sigmoid · GD", move |x, y| sig(-2.5 * x * y)),
        DecisionPanel::classes("identity · L-BFGS", |x, y| (x - 0.2 * y > 0.05) as usize),
        DecisionPanel::classes("relu · L-BFGS", |x, y| {
            ((x > 0.0) != (y > 0.0) && (x.abs() + y.abs() > 0.15)) as usize
        }),
        DecisionPanel::probability("tanh · L-BFGS", move |x, y| {
            sig(-6.0 * (x * 1.2).tanh() * (y * 1.2).tanh())
        }),
        DecisionPanel::probability("sigmoid · L-BFGS", move |x, y| sig(-4.0 * x * y + 0.3)),
    ];
    let p = DecisionPlot::new(Grid::new((-2.0, 2.0), (-2.0, 2.0)).with_resolution(120, 120))
        .with_title("XOR: 4 activations × 2 solvers")
        .with_points(pts, labels)
        .with_panels(panels)
        .with_class_names(["x₁·x₂ > 0", "x₁·x₂ < 0"])
        .render_to(format!("{out}/decision.svg"))?;
    println!("{}", p.display());

    let gd: Vec<f64> = (0..400)
        .map(|k| {
            24.2 * (-(k as f64) / 60.0).exp()
                + 0.02 * (1.0 + (k as f64 / 7.0).sin()) / (1.0 + k as f64 / 50.0)
        })
        .collect();
    let momentum: Vec<f64> = (0..250)
        .map(|k| 24.2 * (-(k as f64) / 25.0).exp() * (1.0 + 0.5 * (k as f64 / 4.0).cos().abs()))
        .collect();
    let lbfgs: Vec<f64> = (0..36).map(|k| 24.2 * 0.55f64.powi(k)).collect();
    let newton: Vec<f64> = vec![24.2, 4.73, 4.1, 2.6, 1.1, 0.23, 0.012, 3.1e-6, 2.2e-13, 0.0];
    let p = LossCurves::new(vec![
        ("gradient descent".into(), gd),
        ("momentum".into(), momentum),
        ("L-BFGS".into(), lbfgs),
        ("Newton-CG".into(), newton),
    ])
    .with_title("Rosenbrock from (−1.2, 1): loss per iteration")
    .with_scale(Scale::Log10)
    .render_to(format!("{out}/loss.svg"))?;
    println!("{}", p.display());

    let eig = vec![
        1.94e-4, 8.1e-4, 2.3e-3, 6.0e-3, 0.012, 0.031, 0.088, 0.21, 0.579, -0.042, -3.0e-3, 0.0,
    ];
    let p = Spectrum::new(eig)
        .with_title("Hessian spectrum at a saddle of the 9-parameter MLP")
        .with_scale(Scale::SymLog { tau: 1e-4 })
        .render_to(format!("{out}/spectrum.svg"))?;
    println!("{}", p.display());
    let p = Spectrum::new(vec![802.0, -0.5, 200.0, 3.5, -40.0])
        .with_title("linear spectrum")
        .render_to(format!("{out}/spectrum-linear.svg"))?;
    println!("{}", p.display());

    // Rosenbrock along the normalised steepest-descent direction from (−1.2, 1)
    let (x0, y0): (f64, f64) = (-1.2, 1.0);
    let g = (
        -2.0 * (1.0 - x0) - 400.0 * x0 * (y0 - x0 * x0),
        200.0 * (y0 - x0 * x0),
    );
    let n = g.0.hypot(g.1);
    let d = (-g.0 / n, -g.1 / n);
    let p = SlicePlot::from_fn(|t| rosenbrock(x0 + t * d.0, y0 + t * d.1), (-0.3, 0.5), 161)
        .with_title("Rosenbrock along −∇f/‖∇f‖ from (−1.2, 1)")
        .render_to(format!("{out}/slice.svg"))?;
    println!("{}", p.display());
    Ok(())
}
