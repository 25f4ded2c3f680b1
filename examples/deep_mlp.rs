//! Seed 003, exercises 4–6: a hand-specified network whose loss — binary cross-entropy plus
//! λ·Σ W² over the non-bias weights — goes with its gradient to L-BFGS (scipy's
//! `minimize(..., jac=True)`); the gradient comes from the engine, not from hand-written
//! backprop. Then a depth-4 network of 10 units per layer and the multi-class extension.
//!
//! ```text
//! cargo run --release --example deep_mlp [OUT_DIR]
//! ```
//!
//! The seed's `.mat` files are not available: the binary data are two noisy concentric circles
//! (hesse-nn's `circles`, 200 points, seeded), the multi-class data seed 002's three Gaussian
//! clusters (hesse-nn's `blobs`, 100 points each, seeded). Weights start Glorot-uniform in
//! [−ε, ε], ε = √(2 / (fan_in + fan_out)) as the seed prescribes for sigmoid layers (seeded).
//! Expected output (abridged):
//!
//! ```text
//! engine gradient vs central differences at the start (2-4-1 sigmoid): max relative difference ~1e-9
//! ex. 4  2-4-1 sigmoid, BCE + 0.001·ΣW²:         loss 0.69 -> ~0.1 in ... L-BFGS iterations, accuracy 100%
//! bonus  2-8-1 relu ...
//! ex. 5  2-10-10-10-10-1 sigmoid (depth 4) ... loss 0.6986 -> 0.6931 ..., training accuracy 50.0%
//! ex. 5 sigmoid end point: L = 0.6931471806 (ln 2 = 0.6931471806), ...: 0 negative, 40 within
//!   ... of zero, 331 positive ...: degenerate (40 zero-curvature directions; ...)
//!   its 40 flat directions lie in the hidden biases (1.000000 of their squared length); largest |weight| 2e-7
//! ex. 6  2-10-3 sigmoid, softmax cross-entropy ... accuracy ~97%
//! ```
//!
//! The depth-4 sigmoid net does not train: every weight shrinks to ~0 under the penalty, the
//! output is ½ everywhere and the loss is ln 2. The exact Hessian says what that point is: no
//! negative curvature, positive curvature along every weight and the output bias, and exactly
//! the 40 hidden biases flat — with the weights after them at zero they cannot change the
//! output. A degenerate critical point: a flat valley of the penalised loss, not a saddle that
//! a better optimizer would leave.
//!
//! Pictures, in `OUT_DIR` (default the workspace's `target/hesse-out`): `deep-mlp.svg` (the binary networks'
//! P(inner circle) over their data), `deep-mlp-multiclass.svg` (exercise 6's classes) and
//! `deep-mlp-loss.svg` (loss per L-BFGS iteration).

use std::path::PathBuf;

use hesse::Matrix;
use hesse_critical::{Analysis, AnalysisOptions, analyze_vector};
use hesse_nn::data::generate::{blobs, circles};
use hesse_nn::data::one_hot;
use hesse_nn::{Activation, L2, Mlp, MlpLoss, NnError, Output};
use hesse_optim::{Lbfgs, Options, Trajectory, minimize};
use hesse_plot::{DecisionPanel, DecisionPlot, Grid, LossCurves, Render, Scale};

/// λ of the penalty λ·Σ W².
pub const LAMBDA: f64 = 1e-4;
/// Seed of the data.
pub const DATA_SEED: u64 = 7;
/// Seed of the initial weights.
pub const INIT_SEED: u64 = 11;

/// The binary data: an outer circle (class 0) and an inner one (class 1).
pub fn binary_data() -> (Matrix, Vec<usize>) {
    circles(200, 0.5, 0.1, DATA_SEED)
}

/// The multi-class data: seed 002's three clusters.
pub fn multiclass_data() -> (Matrix, Vec<usize>) {
    blobs(100, 1.0, DATA_SEED)
}

/// One model of this example: name, widths, hidden activation.
pub struct Model {
    /// Label.
    pub name: &'static str,
    /// Layer widths.
    pub sizes: &'static [usize],
    /// Hidden activation.
    pub activation: Activation,
    /// Multi-class (softmax) head and data instead of the binary ones.
    pub multiclass: bool,
}

/// Exercise 4, its relu bonus, exercise 5 (sigmoid as the seed, and tanh) and exercise 6.
pub const MODELS: [Model; 5] = [
    Model {
        name: "ex. 4  2-4-1 sigmoid",
        sizes: &[2, 4, 1],
        activation: Activation::Sigmoid,
        multiclass: false,
    },
    Model {
        name: "bonus  2-8-1 relu",
        sizes: &[2, 8, 1],
        activation: Activation::Relu,
        multiclass: false,
    },
    Model {
        name: "ex. 5  2-10-10-10-10-1 sigmoid",
        sizes: &[2, 10, 10, 10, 10, 1],
        activation: Activation::Sigmoid,
        multiclass: false,
    },
    Model {
        name: "ex. 5  2-10-10-10-10-1 tanh",
        sizes: &[2, 10, 10, 10, 10, 1],
        activation: Activation::Tanh,
        multiclass: false,
    },
    Model {
        name: "ex. 6  2-10-3 sigmoid, softmax",
        sizes: &[2, 10, 3],
        activation: Activation::Sigmoid,
        multiclass: true,
    },
];

/// A model's network and its penalised training loss on its data.
pub fn problem(m: &Model) -> Result<(Mlp, MlpLoss, Matrix, Vec<usize>), NnError> {
    let (x, y, head, targets) = if m.multiclass {
        let (x, y) = multiclass_data();
        let t = one_hot(&y, 3)?;
        (x, y, Output::MultiClass, t)
    } else {
        let (x, y) = binary_data();
        let t = Matrix::new(y.len(), 1, y.iter().map(|&c| c as f64).collect());
        (x, y, Output::Binary, t)
    };
    let net = Mlp::from_sizes(m.sizes, m.activation, head)?;
    let loss = MlpLoss::new(&net, &x, &targets, L2::Lambda(LAMBDA))?;
    Ok((net, loss, x, y))
}

/// The largest relative difference between the engine's gradient and central differences
/// (step 1e-6) at `w`.
pub fn gradient_check(loss: &MlpLoss, w: &[f64]) -> f64 {
    let (_, g) = loss.value_and_grad(w);
    let h = 1e-6;
    let mut worst = 0.0f64;
    for i in 0..w.len() {
        let (mut a, mut b) = (w.to_vec(), w.to_vec());
        a[i] += h;
        b[i] -= h;
        let fd = (loss.value(&a) - loss.value(&b)) / (2.0 * h);
        worst = worst.max((fd - g[i]).abs() / g[i].abs().max(1e-3));
    }
    worst
}

/// A fitted model: loss per L-BFGS iteration, final parameters, training accuracy.
pub struct Fit {
    /// Loss at the start and after each iteration.
    pub curve: Vec<f64>,
    /// Final parameters.
    pub w: Vec<f64>,
    /// Final gradient norm (∞).
    pub grad_norm: f64,
    /// Training accuracy.
    pub accuracy: f64,
    /// Why L-BFGS stopped.
    pub status: hesse_optim::Status,
}

/// Minimises the model's loss with L-BFGS from its seeded Glorot start.
pub fn fit(m: &Model) -> Result<Fit, Box<dyn std::error::Error>> {
    let (net, loss, x, y) = problem(m)?;
    let w0 = net.init(INIT_SEED);
    let opts = Options::default()
        .with_gtol(1e-9)
        .with_ftol(0.0)
        .with_max_iterations(1000)
        .with_trajectory(Trajectory::Record);
    let r = minimize(&mut loss.objective(), &mut Lbfgs::new(), &w0, &opts)?;
    let curve = r
        .trajectory
        .as_ref()
        .map_or_else(Vec::new, |t| t.iter().map(|p| p.1).collect());
    let accuracy = accuracy(&net, &r.x, &x, &y)?;
    Ok(Fit {
        curve,
        w: r.x,
        grad_norm: r.grad_norm,
        accuracy,
        status: r.status,
    })
}

/// The class of each row: p > 0.5 for one logistic output, else the most probable class.
pub fn predict(net: &Mlp, w: &[f64], x: &Matrix) -> Result<Vec<usize>, NnError> {
    let p = net.predict(w, x)?;
    Ok((0..p.rows())
        .map(|r| {
            let row = p.row(r);
            if row.len() == 1 {
                usize::from(row[0] > 0.5)
            } else {
                (0..row.len()).fold(0, |best, c| if row[c] > row[best] { c } else { best })
            }
        })
        .collect())
}

/// Fraction of labels predicted right.
pub fn accuracy(net: &Mlp, w: &[f64], x: &Matrix, y: &[usize]) -> Result<f64, NnError> {
    let p = predict(net, w, x)?;
    Ok(p.iter().zip(y).filter(|(a, b)| a == b).count() as f64 / y.len() as f64)
}

/// The exact-Hessian analysis of a fitted model's end point (refinement turned off: the point
/// L-BFGS stopped at).
pub fn end_point_analysis(m: &Model, f: &Fit) -> Result<Analysis, Box<dyn std::error::Error>> {
    let (_, loss, _, _) = problem(m)?;
    Ok(analyze_vector(
        |w| loss.eval(w),
        &f.w,
        AnalysisOptions::default().with_refine(false),
    )?)
}

/// The share of the near-zero-curvature eigenvectors' squared length that lies on the
/// hidden layers' biases (1 when the flat directions are exactly bias directions), and the
/// largest |weight| at `w`.
pub fn flat_directions_on_hidden_biases(net: &Mlp, w: &[f64], a: &Analysis) -> (f64, f64) {
    let lay = net.layout();
    let hidden: Vec<usize> = (0..lay.layers() - 1).flat_map(|l| lay.bias(l)).collect();
    let dirs = a.zero_directions();
    let mass: f64 = dirs
        .iter()
        .map(|v| hidden.iter().map(|&i| v[i] * v[i]).sum::<f64>())
        .sum();
    let max_w = (0..lay.layers())
        .flat_map(|l| lay.weight(l))
        .fold(0.0f64, |m, i| m.max(w[i].abs()));
    (mass / dirs.len().max(1) as f64, max_w)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = out_dir();
    let (net, loss, _, _) = problem(&MODELS[0])?;
    println!(
        "engine gradient vs central differences at the start ({}): max relative difference {:.1e}",
        MODELS[0].name.trim_start_matches("ex. 4  "),
        gradient_check(&loss, &net.init(INIT_SEED))
    );
    let mut fits = Vec::new();
    for m in &MODELS {
        let f = fit(m)?;
        let what = if m.multiclass { "softmax CE" } else { "BCE" };
        println!(
            "{:<32} {what} + {LAMBDA}·ΣW²: loss {:.4} -> {:.4} in {} L-BFGS iterations (|grad| {:.0e}; {}), training accuracy {:.1}%",
            m.name,
            f.curve[0],
            f.curve[f.curve.len() - 1],
            f.curve.len() - 1,
            f.grad_norm,
            f.status,
            100.0 * f.accuracy
        );
        fits.push(f);
    }
    // Why the depth-4 sigmoid net stops at ln 2: ask the exact Hessian.
    let a = end_point_analysis(&MODELS[2], &fits[2])?;
    let (neg, zero, pos) = (a.inertia.negative, a.inertia.zero, a.inertia.positive);
    println!(
        "ex. 5 sigmoid end point: L = {:.10} (ln 2 = {:.10}), |grad|_2 = {:.1e}; {} Hessian eigenvalues: {neg} negative (min {:.2e}), {zero} within {:.1e} of zero, {pos} positive (max {:.2e}): {}",
        a.value,
        std::f64::consts::LN_2,
        a.gradient_norm,
        a.eigenvalues.len(),
        a.eigenvalues[0],
        a.tolerance,
        a.eigenvalues[a.eigenvalues.len() - 1],
        a.classification
    );
    let (net, _, _, _) = problem(&MODELS[2])?;
    let (on_biases, max_w) = flat_directions_on_hidden_biases(&net, &fits[2].w, &a);
    println!(
        "  its {zero} flat directions lie in the hidden biases ({on_biases:.6} of their squared length); largest |weight| {max_w:.1e}"
    );

    let mut binary = Vec::new();
    let mut multi = Vec::new();
    for (m, f) in MODELS.iter().zip(&fits) {
        let (net, _, x, y) = problem(m)?;
        let points = (0..x.rows()).map(|r| (x.row(r)[0], x.row(r)[1])).collect();
        let w = f.w.clone();
        let title = format!(
            "{}: {:.0}%",
            m.name.split_once("  ").map_or(m.name, |p| p.1),
            100.0 * f.accuracy
        );
        if m.multiclass {
            let panel = DecisionPanel::classes(title, move |a, b| {
                predict(&net, &w, &Matrix::new(1, 2, vec![a, b])).map_or(0, |p| p[0])
            });
            multi.push(panel.with_points(points, y));
        } else {
            let panel = DecisionPanel::probability(title, move |a, b| {
                net.predict(&w, &Matrix::new(1, 2, vec![a, b]))
                    .map_or(f64::NAN, |p| p.row(0)[0])
            });
            binary.push(panel.with_points(points, y));
        }
    }
    let mut files = Vec::new();
    files.push(
        DecisionPlot::new(Grid::new((-1.6, 1.6), (-1.6, 1.6)).with_resolution(120, 120))
            .with_title(format!(
                "Two circles: four MLPs by L-BFGS, cross-entropy + λ·ΣW², λ = {LAMBDA}"
            ))
            .with_axis_labels("x₁", "x₂")
            .with_panels(binary)
            .with_columns(2)
            .with_panel_size(400, 380)
            .with_class_names(["outer circle (0)", "inner circle (1)"])
            .render_to(out.join("deep-mlp.svg"))?,
    );
    files.push(
        DecisionPlot::new(Grid::new((-5.5, 5.5), (-5.5, 5.5)).with_resolution(160, 160))
            .with_title("Three Gaussian clusters: decision regions of softmax MLPs (L-BFGS)")
            .with_axis_labels("x₁", "x₂")
            .with_panels(multi)
            .with_panel_size(440, 420)
            .with_class_names(["mean (−2, −2)", "mean (0, 2)", "mean (2, −2)"])
            .render_to(out.join("deep-mlp-multiclass.svg"))?,
    );
    files.push(
        LossCurves::new(
            MODELS
                .iter()
                .zip(&fits)
                .map(|(m, f)| {
                    (
                        m.name.split_once("  ").map_or(m.name, |p| p.1).to_string(),
                        f.curve.clone(),
                    )
                })
                .collect(),
        )
        .with_title("MLPs on the circles and the clusters: penalised loss per L-BFGS iteration")
        .with_axis_labels("iteration", "loss + λ·ΣW²")
        .with_scale(Scale::Log10)
        .render_to(out.join("deep-mlp-loss.svg"))?,
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
