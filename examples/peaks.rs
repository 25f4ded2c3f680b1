//! Seed 004: gradient descent in 2-D on MATLAB's `peaks` function, with the derivatives from
//! the engine instead of sympy.
//!
//! ```text
//! cargo run --release --example peaks [OUT_DIR]
//! ```
//!
//! Runs plain gradient descent `(x, y) ← (x, y) − lr·∇f(x, y)` from a seeded random start and
//! from the seed's fixed start [0, 1.4] (lr 0.01, 1000 steps), then from [0, 1.4] with the
//! learning rates of the seed's exercise 3 (0.1, 0.5, 1e-5), and finally from each of the 25×25
//! starts `(xs[i], xs[j])`, `xs = linspace(−2.5, 2.5, 25)`, for 100 steps each (WORKLOADS.md W5),
//! counting the distinct end points after NumPy-style rounding to 2 decimals. Expected output
//! (abridged):
//!
//! ```text
//! local minima (Newton-CG on exact Hessian-vector products):
//!   global   ( 0.228279,  -1.625535)  f = -6.551133
//!   left     (-1.347396,   0.204519)  f = -3.049849
//!   poor     ( 0.296446,   0.320196)  f = -0.064936
//! random start (seed 16) (1.424026, -1.481480), lr 0.01, 1000 steps: end (0.228279, -1.625535), f = -6.551133
//! start [0, 1.4], lr 0.01, 1000 steps: end (0.2964455538468319, 0.32019624766683474), f = -0.06493586825552697, |grad| = 2.4e-15
//!   (W5 reference: (0.2964455538468319, 0.3201962476668348))
//! learning rates from [0, 1.4], 1000 steps:
//!   lr 0.1  ...  lr 0.5 ...  lr 1e-05 ...
//! basins: 625 starts, 100 steps each at lr 0.01
//!   293 distinct end points after rounding to 2 decimals (W5: 293)
//!   largest bins: (0.23, -1.63) ×151, (-1.35, 0.2) ×118, (0.3, 0.32) ×50, (-1.35, 0.21) ×9, (0.3, 0.31) ×5
//!   within 0.05 of a minimum: global 155, left 133, poor 57; farther 280
//! ```
//!
//! Pictures, in `OUT_DIR` (default the workspace's `target/hesse-out`): `peaks-descent.svg` (heat map with the
//! two 1000-step runs), `peaks-learning-rates.svg` (the four learning rates from [0, 1.4]),
//! `peaks-learning-rates-loss.svg` (f per step for each), `peaks-basins.svg` (the 25×25
//! basins-of-attraction map), `peaks-surface.svg` (the surface in 3-D, as the seed draws it).

use std::collections::HashMap;
use std::path::PathBuf;

use hesse::Var;
use hesse_optim::{GradientDescent, NewtonCg, Options, Report, Trajectory as Record, VarObjective, minimize};
use hesse_plot::{BasinMap, ContourPlot, Grid, LossCurves, Render, Shading, SurfacePlot, Trajectory};
use rand::{Rng, SeedableRng};

/// Learning rate of the seed's runs and of the basin map.
pub const LR: f64 = 0.01;
/// The seed's fixed start (its exercise 1).
pub const FIXED_START: [f64; 2] = [0.0, 1.4];
/// Seed of the random start (the notebook's `np.random.rand(2)*4-2` is unseeded).
pub const RANDOM_SEED: u64 = 16;
/// Learning rates of the seed's exercise 3, after the default 0.01.
pub const LEARNING_RATES: [f64; 4] = [0.01, 0.1, 0.5, 1e-5];
/// Starts per axis of the basin map, and its range.
pub const BASIN_N: usize = 25;
/// Steps per start of the basin map.
pub const BASIN_STEPS: usize = 100;
/// An end point within this distance of a minimum counts as having reached it.
pub const BASIN_TOL: f64 = 0.05;
/// Names of the three local minima, in the order of [`local_minima`].
pub const MINIMA_NAMES: [&str; 3] = ["global", "left", "poor"];

/// MATLAB's `peaks`, written once with `Var`s: the engine differentiates it.
pub fn peaks<'t>(p: &[Var<'t>]) -> Var<'t> {
    let (x, y) = (p[0], p[1]);
    3.0 * (1.0 - x).powi(2) * (-x.powi(2) - (y + 1.0).powi(2)).exp()
        - 10.0 * (x / 5.0 - x.powi(3) - y.powi(5)) * (-x.powi(2) - y.powi(2)).exp()
        - (-(x + 1.0).powi(2) - y.powi(2)).exp() / 3.0
}

/// `peaks` at one point, through the same `Var` formula.
pub fn peaks_value(x: f64, y: f64) -> f64 {
    let tape = hesse::Tape::new();
    peaks(&tape.vars(&[x, y])).value()
}

/// Exactly `steps` gradient-descent steps of size `lr` from `start`, trajectory recorded.
pub fn descend(start: [f64; 2], lr: f64, steps: usize) -> Report {
    descend_on(&mut VarObjective::new(2, peaks), start, lr, steps, true)
}

fn descend_on<F>(obj: &mut VarObjective<F>, start: [f64; 2], lr: f64, steps: usize, record: bool) -> Report
where
    F: for<'t> Fn(&[Var<'t>]) -> Var<'t>,
{
    // gtol = ftol = 0: no early stop, exactly `steps` iterations like the seed's loop
    let mut opts = Options::default()
        .with_max_iterations(steps)
        .with_gtol(0.0)
        .with_ftol(0.0);
    if record {
        opts = opts.with_trajectory(Record::Record);
    }
    minimize(obj, &mut GradientDescent::new(lr), &start, &opts).expect("valid options")
}

/// The seeded random start, uniform in [−2, 2)² like the seed's `np.random.rand(2)*4-2`.
pub fn random_start() -> [f64; 2] {
    let mut rng = rand::rngs::StdRng::seed_from_u64(RANDOM_SEED);
    [rng.random::<f64>() * 4.0 - 2.0, rng.random::<f64>() * 4.0 - 2.0]
}

/// The three local minima, refined by Newton-CG on exact Hessian-vector products:
/// global (0.228, −1.626), left (−1.347, 0.205) and the poor one (0.296, 0.320).
pub fn local_minima() -> [[f64; 2]; 3] {
    let guesses = [[0.23, -1.63], [-1.35, 0.2], [0.3, 0.32]];
    let opts = Options::default().with_gtol(1e-13).with_ftol(0.0);
    guesses.map(|g| {
        let r = minimize(&mut VarObjective::new(2, peaks), &mut NewtonCg::new(), &g, &opts)
            .expect("valid options");
        [r.x[0], r.x[1]]
    })
}

/// `n` evenly spaced values from `a` to `b` inclusive, as NumPy's `linspace` computes them.
pub fn linspace(a: f64, b: f64, n: usize) -> Vec<f64> {
    let step = (b - a) / (n - 1) as f64;
    (0..n)
        .map(|k| if k == n - 1 { b } else { a + k as f64 * step })
        .collect()
}

/// The basin-map starts in W5's order: start `i*25 + j` is `(xs[i], xs[j])`.
pub fn basin_starts() -> Vec<[f64; 2]> {
    let xs = linspace(-2.5, 2.5, BASIN_N);
    xs.iter().flat_map(|&a| xs.iter().map(move |&b| [a, b])).collect()
}

/// End points of 100 steps at lr 0.01 from every basin start, in the starts' order.
pub fn basin_ends(mut on_start: impl FnMut()) -> Vec<[f64; 2]> {
    let mut obj = VarObjective::new(2, peaks); // recorded once, replayed for all 625 runs
    basin_starts()
        .into_iter()
        .map(|s| {
            on_start();
            let r = descend_on(&mut obj, s, LR, BASIN_STEPS, false);
            [r.x[0], r.x[1]]
        })
        .collect()
}

/// NumPy's `round(x, 2)` as an integer count of hundredths: round half to even of `100·x`.
pub fn hundredths(x: f64) -> i64 {
    (x * 100.0).round_ties_even() as i64
}

/// Distinct rounded end points with their counts, most frequent first (ties by point).
/// Keys are in hundredths, so −0.0 and 0.0 fall together as NumPy's histogram folds them.
pub fn rounded_histogram(ends: &[[f64; 2]]) -> Vec<((i64, i64), usize)> {
    let mut counts: HashMap<(i64, i64), usize> = HashMap::new();
    for e in ends {
        *counts.entry((hundredths(e[0]), hundredths(e[1]))).or_default() += 1;
    }
    let mut bins: Vec<_> = counts.into_iter().collect();
    bins.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    bins
}

/// Which minimum (index into `minima`) an end point lies within [`BASIN_TOL`] of.
pub fn basin_of(end: [f64; 2], minima: &[[f64; 2]; 3]) -> Option<usize> {
    minima
        .iter()
        .position(|m| (end[0] - m[0]).hypot(end[1] - m[1]) < BASIN_TOL)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = out_dir();
    let minima = local_minima();
    println!("local minima (Newton-CG on exact Hessian-vector products):");
    for (name, m) in MINIMA_NAMES.iter().zip(&minima) {
        println!(
            "  {name:<7}  ({:9.6}, {:10.6})  f = {:.6}",
            m[0],
            m[1],
            peaks_value(m[0], m[1])
        );
    }

    // exercise 1: a random start and the fixed one
    let start = random_start();
    let random = descend(start, LR, 1000);
    println!(
        "random start (seed {RANDOM_SEED}) ({:.6}, {:.6}), lr {LR}, 1000 steps: end ({:.6}, {:.6}), f = {:.6}",
        start[0], start[1], random.x[0], random.x[1], random.f
    );
    let fixed = descend(FIXED_START, LR, 1000);
    println!(
        "start [0, 1.4], lr {LR}, 1000 steps: end ({:?}, {:?}), f = {:?}, |grad| = {:.1e}",
        fixed.x[0], fixed.x[1], fixed.f, fixed.grad_norm
    );
    println!("  (W5 reference: (0.2964455538468319, 0.3201962476668348): the poor local minimum)");

    // exercise 3: learning rates from the same start
    println!("learning rates from [0, 1.4], 1000 steps:");
    let runs: Vec<Report> = LEARNING_RATES
        .iter()
        .map(|&lr| descend(FIXED_START, lr, 1000))
        .collect();
    for (lr, r) in LEARNING_RATES.iter().zip(&runs) {
        let m = basin_of([r.x[0], r.x[1]], &minima).map_or("no minimum", |k| MINIMA_NAMES[k]);
        println!(
            "  lr {lr:<7}: end ({:9.4}, {:9.4}), f = {:9.5}  ({m}; {})",
            r.x[0], r.x[1], r.f, r.status
        );
    }

    // basins of attraction: 25 × 25 starts, 100 steps each
    let bar = progress((BASIN_N * BASIN_N) as u64, "basins");
    let ends = basin_ends(|| bar.inc(1));
    bar.finish_and_clear();
    let bins = rounded_histogram(&ends);
    println!(
        "basins: {} starts, {BASIN_STEPS} steps each at lr {LR}",
        ends.len()
    );
    println!(
        "  {} distinct end points after rounding to 2 decimals (W5: 293)",
        bins.len()
    );
    let top: Vec<String> = bins
        .iter()
        .take(5)
        .map(|((a, b), n)| format!("({}, {}) ×{n}", *a as f64 / 100.0, *b as f64 / 100.0))
        .collect();
    println!("  largest bins: {}", top.join(", "));
    let ids: Vec<Option<usize>> = ends.iter().map(|&e| basin_of(e, &minima)).collect();
    let mut per = [0usize; 3];
    for k in ids.iter().flatten() {
        per[*k] += 1;
    }
    println!(
        "  within {BASIN_TOL} of a minimum: global {}, left {}, poor {}; farther {}",
        per[0],
        per[1],
        per[2],
        ids.iter().filter(|i| i.is_none()).count()
    );

    // pictures
    let label = |m: [f64; 2]| format!("({:.3}, {:.3})", m[0], m[1]);
    let mark = |plot: ContourPlot<'static>| {
        plot.with_marked_point(
            format!("global min {}", label(minima[0])),
            (minima[0][0], minima[0][1]),
        )
        .with_marked_point(
            format!("local min {}", label(minima[1])),
            (minima[1][0], minima[1][1]),
        )
        .with_marked_point(
            format!("poor local min {}", label(minima[2])),
            (minima[2][0], minima[2][1]),
        )
    };
    let heat = || {
        ContourPlot::new(Grid::new((-3.0, 3.0), (-3.0, 3.0)), peaks_value)
            .with_shading(Shading::Smooth)
            .with_levels(20)
    };
    let xy = |r: &Report| -> Vec<(f64, f64)> {
        r.trajectory
            .as_ref()
            .expect("recorded")
            .iter()
            .map(|(x, _)| (x[0], x[1]))
            .collect()
    };
    let mut files = Vec::new();
    files.push(
        mark(heat())
            .with_title("peaks: gradient descent, lr 0.01, 1000 steps")
            .with_trajectory(Trajectory::new(
                format!("random start ({:.2}, {:.2})", start[0], start[1]),
                xy(&random),
            ))
            .with_trajectory(Trajectory::new("start (0, 1.4)", xy(&fixed)))
            .render_to(out.join("peaks-descent.svg"))?,
    );
    files.push(
        mark(heat())
            .with_title("peaks from (0, 1.4): four learning rates, 1000 steps")
            .with_trajectories(
                LEARNING_RATES
                    .iter()
                    .zip(&runs)
                    .map(|(lr, r)| Trajectory::new(format!("lr {lr}"), xy(r))),
            )
            .render_to(out.join("peaks-learning-rates.svg"))?,
    );
    files.push(
        LossCurves::new(
            LEARNING_RATES
                .iter()
                .zip(&runs)
                .map(|(lr, r)| {
                    let f = r
                        .trajectory
                        .as_ref()
                        .expect("recorded")
                        .iter()
                        .map(|p| p.1)
                        .collect();
                    (format!("lr {lr}"), f)
                })
                .collect(),
        )
        .with_title("peaks from (0, 1.4): f per step")
        .with_axis_labels("step", "f(x, y)")
        .render_to(out.join("peaks-learning-rates-loss.svg"))?,
    );
    // the seed's "3D surface plot for fun", as a picture worth keeping
    files.push(
        SurfacePlot::from_fn(
            Grid::new((-3.0, 3.0), (-3.0, 3.0)).with_resolution(60, 60),
            peaks_value,
        )
        .with_title("peaks: the surface")
        .render_to(out.join("peaks-surface.svg"))?,
    );
    // cell centres of this grid are exactly linspace(−2.5, 2.5, 25) (up to rounding)
    let h = 5.0 / (BASIN_N - 1) as f64;
    let grid = Grid::new((-2.5 - h / 2.0, 2.5 + h / 2.0), (-2.5 - h / 2.0, 2.5 + h / 2.0))
        .with_resolution(BASIN_N, BASIN_N);
    // the map stores row j (y = xs[j]) outermost; start i*25 + j is (xs[i], xs[j])
    let map_ids = (0..BASIN_N)
        .flat_map(|j| (0..BASIN_N).map(move |i| (i, j)))
        .map(|(i, j)| ids[i * BASIN_N + j])
        .collect();
    files.push(
        BasinMap::new(grid, map_ids)
            .with_title(format!(
                "peaks: basins of gradient descent, 25×25 starts, {BASIN_STEPS} steps at lr {LR}"
            ))
            .with_attractors(
                MINIMA_NAMES
                    .iter()
                    .zip(&minima)
                    .map(|(n, m)| (format!("{n} min {}", label(*m)), (m[0], m[1]))),
            )
            .with_unassigned_label(format!("ended farther than {BASIN_TOL} from a minimum"))
            .render_to(out.join("peaks-basins.svg"))?,
    );
    for f in files {
        println!("wrote {}", f.display());
    }
    Ok(())
}

/// The output folder: the first argument, or the workspace's `target/hesse-out`.
fn out_dir() -> PathBuf {
    hesse_plot::out_dir(env!("CARGO_MANIFEST_DIR"))
}

/// A progress bar drawn only when stderr is a terminal.
fn progress(len: u64, what: &'static str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(len).with_prefix(what)
    } else {
        indicatif::ProgressBar::hidden()
    }
}
