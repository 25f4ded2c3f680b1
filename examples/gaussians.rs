//! Seed 002, part 3: the 2-3-2-3 ReLU softmax network fit to three Gaussian clusters with
//! gradient descent and with momentum, 30 iterations each, on the summed cross-entropy.
//!
//! ```text
//! cargo run --release --example gaussians [OUT_DIR]
//! ```
//!
//! The data and the initial weights are the seed's own, bit for bit: its clusters
//! (means (−2, −2), (0, 2), (2, −2), identity covariance, 100 points each) come from
//! `np.random.seed(123)` and its weights from `np.random.seed(8)`, and this example replays
//! NumPy's legacy generator (MT19937 with the polar Box–Muller `gauss`) to get the same numbers,
//! so the seed's printed losses can be checked. The gradient is the engine's; the seed's
//! hand-written backprop is not needed. Gradient descent steps `θ ← θ − lr·∇L` at the seed's
//! three rates (its `6*10e-4` is 6e-3); momentum is `v ← α·v + ε·∇L; θ ← θ − v` with α = 0.9,
//! ε = 1e-3. Expected output:
//!
//! ```text
//! 300 points, initial summed cross-entropy 232.49 (seed 002: 232.49)
//! gradient descent lr 6e-3:    232.49 -> 33.51 after 30 iterations (seed: 33.51), training accuracy 96.7%
//! gradient descent lr 1e-3:    232.49 -> 63.92 after 30 iterations (seed: 63.92), training accuracy 96.7%
//! gradient descent lr 6.5e-3:  232.49 -> 148.33 after 30 iterations (seed: 148.33), training accuracy 66.0%
//! momentum α 0.9, ε 1e-3:      232.49 -> 34.47 after 30 iterations (seed: 34.47), training accuracy 96.7%
//! ```
//!
//! Pictures, in `OUT_DIR` (default the workspace's `target/hesse-out`): `gaussians-loss.svg` (the loss curves of
//! the four runs) and `gaussians-decision.svg` (the data, coloured by class, over the regions
//! of the networks found by gradient descent at lr 6e-3 and by momentum).

use std::path::PathBuf;

use hesse::{Matrix, Var};
use hesse_nn::{Activation, Mlp, NnError, Output};
use hesse_optim::{GradientDescent, Momentum, Options, Solver, Trajectory, VectorObjective, minimize};
use hesse_plot::{DecisionPanel, DecisionPlot, Grid, LossCurves, Render};

/// Points per cluster.
pub const N_PER_CLASS: usize = 100;
/// The cluster means, classes 0, 1, 2 (the seed's order).
pub const MEANS: [[f64; 2]; 3] = [[-2.0, -2.0], [0.0, 2.0], [2.0, -2.0]];
/// Iterations per run.
pub const ITERATIONS: usize = 30;
/// The seed's gradient-descent rates and the final losses it printed.
pub const GD_RATES: [(f64, f64); 3] = [(6e-3, 33.51), (1e-3, 63.92), (6.5e-3, 148.33)];
/// The seed's momentum run: (α, ε, printed final loss).
pub const MOMENTUM: (f64, f64, f64) = (0.9, 1e-3, 34.47);
/// The initial loss the seed printed.
pub const SEED_INITIAL_LOSS: f64 = 232.49;

/// NumPy's legacy `RandomState`: MT19937, `random_sample` with 53 bits, and the polar
/// Box–Muller `gauss` with its cached second value — enough to replay `np.random.seed(s)`
/// followed by `randn` / `multivariate_normal(·, I)` exactly.
pub struct NumpyRandom {
    mt: [u32; 624],
    index: usize,
    cached: Option<f64>,
}

impl NumpyRandom {
    /// `np.random.seed(seed)`.
    pub fn seed(seed: u32) -> Self {
        let mut mt = [0u32; 624];
        mt[0] = seed;
        for i in 1..624 {
            mt[i] = 1_812_433_253u32
                .wrapping_mul(mt[i - 1] ^ (mt[i - 1] >> 30))
                .wrapping_add(i as u32);
        }
        NumpyRandom {
            mt,
            index: 624,
            cached: None,
        }
    }

    fn next_u32(&mut self) -> u32 {
        if self.index >= 624 {
            for k in 0..624 {
                let y = (self.mt[k] & 0x8000_0000) | (self.mt[(k + 1) % 624] & 0x7fff_ffff);
                let mag = if y & 1 == 1 { 0x9908_b0df } else { 0 };
                self.mt[k] = self.mt[(k + 397) % 624] ^ (y >> 1) ^ mag;
            }
            self.index = 0;
        }
        let mut y = self.mt[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `np.random.random_sample()`: uniform in [0, 1) with 53 random bits.
    pub fn random_sample(&mut self) -> f64 {
        let a = f64::from(self.next_u32() >> 5);
        let b = f64::from(self.next_u32() >> 6);
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// `np.random.standard_normal()` (legacy polar method).
    pub fn standard_normal(&mut self) -> f64 {
        if let Some(g) = self.cached.take() {
            return g;
        }
        loop {
            let x1 = 2.0 * self.random_sample() - 1.0;
            let x2 = 2.0 * self.random_sample() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                let f = (-2.0 * r2.ln() / r2).sqrt();
                self.cached = Some(f * x1);
                return f * x2;
            }
        }
    }
}

/// The seed's data: `np.random.seed(123)`, then 100 draws of `multivariate_normal(mean, I)` per
/// cluster (with identity covariance NumPy adds the mean to standard normals). Labels 0, 1, 2.
pub fn seed_data() -> (Matrix, Vec<usize>) {
    let mut rng = NumpyRandom::seed(123);
    let mut data = Vec::with_capacity(3 * N_PER_CLASS * 2);
    let mut labels = Vec::with_capacity(3 * N_PER_CLASS);
    for (class, m) in MEANS.iter().enumerate() {
        for _ in 0..N_PER_CLASS {
            data.push(m[0] + rng.standard_normal());
            data.push(m[1] + rng.standard_normal());
            labels.push(class);
        }
    }
    (Matrix::new(labels.len(), 2, data), labels)
}

/// The 2-3-2-3 ReLU network with a softmax head.
pub fn network() -> Result<Mlp, NnError> {
    Mlp::from_sizes(&[2, 3, 2, 3], Activation::Relu, Output::MultiClass)
}

/// The seed's initial weights: `np.random.seed(8)`, then `randn` for V (2×3), v0 (3), W2 (3×2),
/// b2 (2), W1 (2×3), b1 (3) in that order, laid out for hesse-nn as [W1, b1, W2, b2, V, v0]
/// (each W as [fan_in][fan_out], the seed's own `h·W` convention).
pub fn seed_init() -> Vec<f64> {
    let mut rng = NumpyRandom::seed(8);
    let mut draw = |n: usize| -> Vec<f64> { (0..n).map(|_| rng.standard_normal()).collect() };
    let (v, v0, w2, b2, w1, b1) = (draw(6), draw(3), draw(6), draw(2), draw(6), draw(3));
    [w1, b1, w2, b2, v, v0].concat()
}

/// One-hot targets, [n, 3].
pub fn one_hot(labels: &[usize]) -> Vec<f64> {
    labels
        .iter()
        .flat_map(|&c| (0..3).map(move |k| f64::from(u8::from(k == c))))
        .collect()
}

/// The summed cross-entropy `−Σₙ Σₛ tₙₛ log ŷₙₛ` of the seed (not the mean), as a closure over
/// the flat parameters for the engine.
pub fn summed_cross_entropy(
    net: Mlp,
    x: Matrix,
    labels: &[usize],
) -> impl for<'t> Fn(Var<'t>) -> Var<'t> + Clone {
    let t = one_hot(labels);
    move |w: Var<'_>| {
        let tape = w.tape();
        let xv = tape.constant(x.as_slice(), &[x.rows(), x.cols()]);
        let tv = tape.constant(&t, &[x.rows(), 3]);
        -(tv * net.logits(w, xv).log_softmax(1)).sum()
    }
}

/// One run: the loss after each of the 30 iterations (index 0 is the initial loss) and the
/// final parameters.
pub fn fit(solver: &mut dyn Solver) -> Result<(Vec<f64>, Vec<f64>), Box<dyn std::error::Error>> {
    let (x, y) = seed_data();
    let w0 = seed_init();
    let mut obj = VectorObjective::new(w0.len(), summed_cross_entropy(network()?, x, &y));
    let opts = Options::default()
        .with_max_iterations(ITERATIONS)
        .with_gtol(0.0)
        .with_ftol(0.0)
        .with_trajectory(Trajectory::Record);
    let r = minimize(&mut obj, solver, &w0, &opts)?;
    let curve = r
        .trajectory
        .as_ref()
        .map_or_else(Vec::new, |t| t.iter().map(|p| p.1).collect());
    Ok((curve, r.x))
}

/// The four runs of the seed: gradient descent at its three rates, then momentum.
pub type Runs = Vec<(String, Vec<f64>, Vec<f64>)>;

/// All runs, labelled.
pub fn all_runs() -> Result<Runs, Box<dyn std::error::Error>> {
    let mut runs = Vec::new();
    for (lr, _) in GD_RATES {
        let (curve, w) = fit(&mut GradientDescent::new(lr))?;
        runs.push((format!("gradient descent lr {lr:e}"), curve, w));
    }
    let (alpha, eps, _) = MOMENTUM;
    let (curve, w) = fit(&mut Momentum::new(eps).with_alpha(alpha))?;
    runs.push((format!("momentum α {alpha}, ε {eps:e}"), curve, w));
    Ok(runs)
}

/// Predicted classes of the rows of `x` under parameters `w`.
pub fn predict(net: &Mlp, w: &[f64], x: &Matrix) -> Result<Vec<usize>, NnError> {
    let p = net.predict(w, x)?;
    Ok((0..p.rows())
        .map(|r| {
            let row = p.row(r);
            (0..3).fold(0, |best, c| if row[c] > row[best] { c } else { best })
        })
        .collect())
}

/// Fraction of labels predicted right.
pub fn accuracy(net: &Mlp, w: &[f64], x: &Matrix, y: &[usize]) -> Result<f64, NnError> {
    let pred = predict(net, w, x)?;
    Ok(pred.iter().zip(y).filter(|(a, b)| a == b).count() as f64 / y.len() as f64)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = out_dir();
    let (x, y) = seed_data();
    let net = network()?;
    let runs = all_runs()?;
    println!(
        "{} points, initial summed cross-entropy {:.2} (seed 002: {SEED_INITIAL_LOSS})",
        x.rows(),
        runs[0].1[0]
    );
    let printed = GD_RATES.iter().map(|r| r.1).chain([MOMENTUM.2]);
    for ((label, curve, w), seed) in runs.iter().zip(printed) {
        println!(
            "{:<28} {:.2} -> {:.2} after {ITERATIONS} iterations (seed: {seed}), training accuracy {:.1}%",
            format!("{label}:"),
            curve[0],
            curve[curve.len() - 1],
            100.0 * accuracy(&net, w, &x, &y)?
        );
    }

    let mut files = Vec::new();
    files.push(
        LossCurves::new(runs.iter().map(|(l, c, _)| (l.clone(), c.clone())).collect())
            .with_title(format!(
                "2-3-2-3 ReLU softmax network on three Gaussian clusters: loss over {ITERATIONS} iterations"
            ))
            .with_axis_labels("iteration", "summed cross-entropy")
            .render_to(out.join("gaussians-loss.svg"))?,
    );
    let points: Vec<(f64, f64)> = (0..x.rows()).map(|r| (x.row(r)[0], x.row(r)[1])).collect();
    let panel = |k: usize| {
        let (label, curve, w) = &runs[k];
        let net = net.clone();
        let w = w.clone();
        DecisionPanel::classes(
            format!("{label} (loss {:.2})", curve[curve.len() - 1]),
            move |a, b| {
                let m = Matrix::new(1, 2, vec![a, b]);
                predict(&net, &w, &m).map_or(0, |p| p[0])
            },
        )
    };
    files.push(
        DecisionPlot::new(Grid::new((-5.5, 5.5), (-5.5, 5.5)).with_resolution(160, 160))
            .with_title("Three Gaussian clusters and the classes the trained networks assign")
            .with_panel_size(460, 440)
            .with_axis_labels("x₁", "x₂")
            .with_points(points, y.clone())
            .with_panels([panel(0), panel(3)])
            .with_class_names(["mean (−2, −2)", "mean (0, 2)", "mean (2, −2)"])
            .render_to(out.join("gaussians-decision.svg"))?,
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
