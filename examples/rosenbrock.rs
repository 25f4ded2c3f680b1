//! Seed 002, part 2: Rosenbrock's function `f = (1 − x)² + 100(y − x²)²` — the engine's gradient
//! against the seed's hand formula, gradient descent at the seed's learning rates, momentum at
//! the seed's (ε, α) settings, and L-BFGS and Newton-CG for contrast.
//!
//! ```text
//! cargo run --release --example rosenbrock [OUT_DIR]
//! ```
//!
//! The starts are the seed's own: `np.random.seed(10)` then `uniform(−1, 1.5, 2)` three times
//! for the three gradient-descent runs (the notebook prints them), and `np.random.seed(100)`
//! then `uniform(−10, 10, 2)` for every momentum run (reproduced with NumPy's MT19937; the
//! notebook does not print it). Gradient descent runs 300 steps at lr 5⁻⁶, 5⁻⁷ and 5⁻³;
//! momentum (`v ← α·v + ε·∇f; x ← x − v`) runs 180 steps at the seed's six (ε, α) settings
//! (α = 1, which `Momentum` refuses, by the seed's update written out as a `Solver`).
//! Expected output (abridged):
//!
//! ```text
//! engine gradient vs the seed's hand formula 2(-1 + x + 200x^3 - 200xy), 200(y - x^2):
//!   ( 0.928302, -0.948120)  engine [  671.89646879,  -361.97280047]  hand [  671.89646879,  -361.97280047]  |diff| = 1.1e-13
//!   ... (7 points)
//!   largest relative difference over 7 points: 2.6e-16
//! gradient descent, 300 steps:
//!   lr 5⁻⁶ = 6.4e-5    from ( 0.9283, -0.9481) to ( 0.1574,  0.0102), f = 0.7312
//!   lr 5⁻⁷ = 1.28e-5   from ( 0.5841,  0.8720) to ( 0.8140,  0.7074), f = 0.2343
//!   lr 5⁻³ = 8e-3      from ( 0.2463, -0.4380) to ( 0.2567,  0.0366), f = 0.6381
//! momentum from ( 0.8681, -4.4326), 180 steps:
//!   ε 8e-5, α 5⁻⁶   to ( 0.0095, -0.2404), f = 6.7658
//!   ε 1e-5, α 0.5   to ( 0.0090, -2.1344), f = 456.5656
//!   ε 8e-4, α 5⁻⁶   to ( 0.2193,  0.0452), f = 0.6104
//!   ε 8e-5, α 1     to (-1.8896,  7.7518), f = 1756.5846
//!   ε 8e-5, α 0.9   to ( 1.2704,  1.6148), f = 0.0732
//!   ε 8e-5, α 0.7   to ( 0.0710,  0.0038), f = 0.8631
//! for contrast, from ( 0.9283, -0.9481):
//!   L-BFGS     to ( 1.0000,  1.0000) in 26 iterations (32 f, 32 grad, 0 Hessian-vector evaluations), f = 4.0e-28; converged: gradient norm <= gtol
//!   Newton-CG  to ( 1.0000,  1.0000) in 39 iterations (40 f, 40 grad, 56 Hessian-vector evaluations), f = 3.2e-30; converged: gradient norm <= gtol
//! ```
//!
//! Pictures, in `OUT_DIR` (default the workspace's `target/hesse-out`): `rosenbrock-contours.svg` (the seed's
//! contour plot), `rosenbrock-gd.svg`, `rosenbrock-momentum.svg`, `rosenbrock-all.svg` (every
//! trajectory on one log-coloured map), `rosenbrock-loss.svg` and `rosenbrock-momentum-loss.svg`
//! (f per iteration, log scale).

use std::path::PathBuf;

use hesse::Var;
use hesse_optim::{
    GradientDescent, Lbfgs, Momentum, NewtonCg, Objective, OptimError, Options, Report, Solver, State, Step,
    Trajectory as Record, VarObjective, minimize,
};
use hesse_plot::{ColorScale, ContourPlot, Grid, LossCurves, Render, Scale, Trajectory};

/// Rosenbrock's function, written once; the engine differentiates it.
pub fn rosenbrock<'t>(p: &[Var<'t>]) -> Var<'t> {
    (1.0 - p[0]).powi(2) + 100.0 * (p[1] - p[0].powi(2)).powi(2)
}

/// Rosenbrock's function on plain numbers, for the contour plots.
pub fn rosenbrock_value(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}

/// The seed's hand-derived gradient: `2(−1 + x + 200x³ − 200xy)`, `200(y − x²)`.
pub fn seed_gradient(x: f64, y: f64) -> [f64; 2] {
    [
        2.0 * (-1.0 + x + 200.0 * x.powi(3) - 200.0 * x * y),
        200.0 * (-x * x + y),
    ]
}

/// The points of the gradient check: the seed's starts, the classic start, the minimum and
/// two more.
pub const CHECK_POINTS: [[f64; 2]; 7] = [
    GD_STARTS[0],
    GD_STARTS[1],
    GD_STARTS[2],
    MOMENTUM_START,
    [-1.2, 1.0],
    [1.0, 1.0],
    [-0.5, 2.5],
];

/// The seed's gradient-descent starts: `np.random.seed(10)`, then `uniform(−1, 1.5, 2)` per run.
pub const GD_STARTS: [[f64; 2]; 3] = [
    [0.928_301_608_166_864_9, -0.948_120_126_601_496_2],
    [0.584_120_587_315_688_5, 0.872_009_706_346_529_5],
    [0.246_267_530_756_476_12, -0.438_008_386_172_880_85],
];
/// The seed's learning rates 5⁻⁶, 5⁻⁷, 5⁻³, with their labels.
pub const GD_RATES: [(f64, &str); 3] = [
    (6.4e-5, "5⁻⁶ = 6.4e-5"),
    (1.28e-5, "5⁻⁷ = 1.28e-5"),
    (8e-3, "5⁻³ = 8e-3"),
];
/// Gradient-descent steps per run.
pub const GD_STEPS: usize = 300;

/// The seed's momentum start: `np.random.seed(100)`, then `uniform(−10, 10, 2)`.
pub const MOMENTUM_START: [f64; 2] = [0.868_098_835_819_308_7, -4.432_612_298_124_077];
/// The seed's momentum settings (ε, α), in its order, with labels.
pub const MOMENTUM_SETTINGS: [(f64, f64, &str); 6] = [
    (8e-5, 6.4e-5, "ε 8e-5, α 5⁻⁶"),
    (1e-5, 0.5, "ε 1e-5, α 0.5"),
    (8e-4, 6.4e-5, "ε 8e-4, α 5⁻⁶"),
    (8e-5, 1.0, "ε 8e-5, α 1"),
    (8e-5, 0.9, "ε 8e-5, α 0.9"),
    (8e-5, 0.7, "ε 8e-5, α 0.7"),
];
/// Momentum steps per run.
pub const MOMENTUM_STEPS: usize = 180;

/// Exactly `steps` iterations of `solver` from `start` (no early stop), trajectory recorded.
pub fn run_fixed(solver: &mut dyn Solver, start: [f64; 2], steps: usize) -> Report {
    let opts = Options::default()
        .with_max_iterations(steps)
        .with_gtol(0.0)
        .with_ftol(0.0)
        .with_trajectory(Record::Record);
    minimize(&mut VarObjective::new(2, rosenbrock), solver, &start, &opts).expect("valid options")
}

/// The three gradient-descent runs of the seed.
pub fn gd_runs() -> Vec<Report> {
    GD_STARTS
        .iter()
        .zip(GD_RATES)
        .map(|(&s, (lr, _))| run_fixed(&mut GradientDescent::new(lr), s, GD_STEPS))
        .collect()
}

/// The seed's momentum update with any α, `v ← α·v + ε·∇f; x ← x − v`. `Momentum` refuses
/// α ≥ 1, where the velocity is never damped; the seed tries α = 1 to show just that.
#[derive(Debug, Clone)]
pub struct SeedMomentum {
    /// ε.
    pub epsilon: f64,
    /// α.
    pub alpha: f64,
    v: Vec<f64>,
}

impl Solver for SeedMomentum {
    fn name(&self) -> &'static str {
        "seed-momentum"
    }
    fn init(&mut self, obj: &mut dyn Objective, _state: &mut State) -> Result<(), OptimError> {
        self.v = vec![0.0; obj.dim()];
        Ok(())
    }
    fn step(&mut self, obj: &mut dyn Objective, s: &mut State) -> Result<Step, OptimError> {
        let (x, f, g) = s.parts_mut();
        for ((xi, vi), gi) in x.iter_mut().zip(self.v.iter_mut()).zip(g.iter()) {
            *vi = self.alpha * *vi + self.epsilon * gi;
            *xi -= *vi;
        }
        *f = obj.value_and_grad(x, g);
        Ok(Step::Accepted)
    }
}

/// The six momentum runs of the seed (α = 1 by [`SeedMomentum`], the others by `Momentum`).
pub fn momentum_runs() -> Vec<Report> {
    MOMENTUM_SETTINGS
        .iter()
        .map(|&(eps, alpha, _)| {
            if alpha < 1.0 {
                let mut m = Momentum::new(eps).with_alpha(alpha);
                run_fixed(&mut m, MOMENTUM_START, MOMENTUM_STEPS)
            } else {
                let mut m = SeedMomentum {
                    epsilon: eps,
                    alpha,
                    v: Vec::new(),
                };
                run_fixed(&mut m, MOMENTUM_START, MOMENTUM_STEPS)
            }
        })
        .collect()
}

/// A second-order-aware solver to convergence (‖∇f‖∞ ≤ 1e-10), trajectory recorded.
pub fn converge(solver: &mut dyn Solver, start: [f64; 2]) -> Report {
    let opts = Options::default()
        .with_gtol(1e-10)
        .with_ftol(0.0)
        .with_trajectory(Record::Record);
    minimize(&mut VarObjective::new(2, rosenbrock), solver, &start, &opts).expect("valid options")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = out_dir();

    println!("engine gradient vs the seed's hand formula 2(-1 + x + 200x^3 - 200xy), 200(y - x^2):");
    let mut worst = 0.0f64;
    for p in CHECK_POINTS {
        let (_, g) = hesse::value_and_grad(rosenbrock, &p);
        let h = seed_gradient(p[0], p[1]);
        let diff = (g[0] - h[0]).abs().max((g[1] - h[1]).abs());
        worst = worst.max(diff / h[0].abs().max(h[1].abs()).max(1.0));
        println!(
            "  ({:9.6}, {:9.6})  engine [{:14.8}, {:14.8}]  hand [{:14.8}, {:14.8}]  |diff| = {diff:.1e}",
            p[0], p[1], g[0], g[1], h[0], h[1]
        );
    }
    println!(
        "  largest relative difference over {} points: {worst:.1e}",
        CHECK_POINTS.len()
    );

    let gd = gd_runs();
    println!("gradient descent, {GD_STEPS} steps:");
    for ((r, (_, name)), s) in gd.iter().zip(GD_RATES).zip(GD_STARTS) {
        println!("  lr {name:<15} from {} to {}, f = {:.4}", pt(s), pt2(&r.x), r.f);
    }
    let mom = momentum_runs();
    println!("momentum from {}, {MOMENTUM_STEPS} steps:", pt(MOMENTUM_START));
    for (r, (_, _, name)) in mom.iter().zip(MOMENTUM_SETTINGS) {
        println!("  {name:<15} to {}, f = {:.4}", pt2(&r.x), r.f);
    }
    let start = GD_STARTS[0];
    let lbfgs = converge(&mut Lbfgs::new(), start);
    let newton = converge(&mut NewtonCg::new(), start);
    println!("for contrast, from {}:", pt(start));
    for (name, r) in [("L-BFGS", &lbfgs), ("Newton-CG", &newton)] {
        println!(
            "  {name:<10} to {} in {} iterations ({} f, {} grad, {} Hessian-vector evaluations), f = {:.1e}; {}",
            pt2(&r.x),
            r.iterations,
            r.f_evals,
            r.g_evals,
            r.hvp_evals,
            r.f,
            r.status
        );
    }

    // pictures
    let xy = |r: &Report| -> Vec<(f64, f64)> {
        let path = r.trajectory.as_ref().expect("recorded");
        path.iter().map(|(x, _)| (x[0], x[1])).collect()
    };
    let seed_grid = Grid::new((-1.5, 1.5), (-1.0, 3.0));
    let mut files = Vec::new();
    files.push(
        ContourPlot::new(seed_grid, rosenbrock_value)
            .with_title("Rosenbrock (1 − x)² + 100(y − x²)², log colour")
            .with_color_scale(ColorScale::Log)
            .with_marked_point("minimum (1, 1)", (1.0, 1.0))
            .render_to(out.join("rosenbrock-contours.svg"))?,
    );
    let gd_paths: Vec<Trajectory> = gd
        .iter()
        .zip(GD_RATES)
        .map(|(r, (_, name))| Trajectory::new(format!("GD lr {name}"), xy(r)))
        .collect();
    files.push(
        ContourPlot::new(seed_grid, rosenbrock_value)
            .with_title(format!("Rosenbrock: gradient descent, {GD_STEPS} steps"))
            .with_color_scale(ColorScale::Log)
            .with_trajectories(gd_paths.clone())
            .with_marked_point("minimum (1, 1)", (1.0, 1.0))
            .render_to(out.join("rosenbrock-gd.svg"))?,
    );
    let mom_paths: Vec<Trajectory> = mom
        .iter()
        .zip(MOMENTUM_SETTINGS)
        .map(|(r, (_, _, name))| Trajectory::new(format!("momentum {name}"), xy(r)))
        .collect();
    let wide = Grid::new((-2.5, 2.5), (-5.0, 8.0));
    files.push(
        ContourPlot::new(wide, rosenbrock_value)
            .with_title(format!("Rosenbrock: momentum, {MOMENTUM_STEPS} steps"))
            .with_color_scale(ColorScale::Log)
            .with_trajectories(mom_paths.clone())
            .with_marked_point("minimum (1, 1)", (1.0, 1.0))
            .render_to(out.join("rosenbrock-momentum.svg"))?,
    );
    let contrast = [
        Trajectory::new(format!("L-BFGS ({} it.)", lbfgs.iterations), xy(&lbfgs)),
        Trajectory::new(format!("Newton-CG ({} it.)", newton.iterations), xy(&newton)),
    ];
    files.push(
        ContourPlot::new(wide, rosenbrock_value)
            .with_title("Rosenbrock: every trajectory of this example")
            .with_size(1200, 800)
            .with_color_scale(ColorScale::Log)
            .with_trajectories(gd_paths)
            .with_trajectories(mom_paths)
            .with_trajectories(contrast)
            .with_marked_point("minimum (1, 1)", (1.0, 1.0))
            .render_to(out.join("rosenbrock-all.svg"))?,
    );
    let curve = |r: &Report| -> Vec<f64> {
        r.trajectory
            .as_ref()
            .expect("recorded")
            .iter()
            .map(|p| p.1)
            .collect()
    };
    // the categorical palette has 10 colours: two charts keep every series distinct
    let mut series: Vec<(String, Vec<f64>)> = Vec::new();
    for (r, (_, name)) in gd.iter().zip(GD_RATES) {
        series.push((format!("GD lr {name}"), curve(r)));
    }
    series.push((format!("L-BFGS from {}", pt(start)), curve(&lbfgs)));
    series.push((format!("Newton-CG from {}", pt(start)), curve(&newton)));
    files.push(
        LossCurves::new(series)
            .with_title("Rosenbrock: f per iteration, gradient descent vs L-BFGS and Newton-CG")
            .with_axis_labels("iteration", "f(x, y)")
            .with_scale(Scale::Log10)
            .render_to(out.join("rosenbrock-loss.svg"))?,
    );
    let series = mom
        .iter()
        .zip(MOMENTUM_SETTINGS)
        .map(|(r, (_, _, name))| (format!("momentum {name}"), curve(r)))
        .collect();
    files.push(
        LossCurves::new(series)
            .with_title(format!(
                "Rosenbrock: f per iteration, momentum from {}",
                pt(MOMENTUM_START)
            ))
            .with_axis_labels("iteration", "f(x, y)")
            .with_scale(Scale::Log10)
            .render_to(out.join("rosenbrock-momentum-loss.svg"))?,
    );
    for f in files {
        println!("wrote {}", f.display());
    }
    Ok(())
}

fn pt(p: [f64; 2]) -> String {
    format!("({:7.4}, {:7.4})", p[0], p[1])
}

fn pt2(p: &[f64]) -> String {
    pt([p[0], p[1]])
}

/// The output folder: the first argument, or the workspace's `target/hesse-out`.
fn out_dir() -> PathBuf {
    hesse_plot::out_dir(env!("CARGO_MANIFEST_DIR"))
}
