//! Seed 003, exercises 2–3: `MLPClassifier`-style networks on XOR-like data — which
//! activation and how many hidden units it takes — and on a harder data set with
//! standardisation, a train/test split and extra sin features.
//!
//! ```text
//! cargo run --release --example xor_mlp [OUT_DIR]
//! ```
//!
//! The seed's `.mat` files are not available: exercise 2 uses hesse-nn's noisy XOR (400 points
//! around (±1, ±1), σ = 0.35) and exercise 3 two interleaved spirals (300 points), both seeded,
//! split 70/30 into train and test. Every model is hesse-nn's `MlpClassifier` (sklearn's
//! options: `alpha` is the L2 weight, the loss is the mean cross-entropy + α/(2n)·Σ‖W‖²),
//! trained by hesse-optim on engine gradients. Expected output (abridged):
//!
//! ```text
//! exercise 2: noisy XOR, 280 train / 120 test points
//!   model                         train   test  iterations
//!   identity (1) lbfgs            58.6%  52.5%  20      ← no linear model can do XOR
//!   tanh (2) lbfgs                98.2%  96.7%  40
//!   logistic (10, 10) gd          51.1%  47.5%  17      ← stuck on the plateau
//!   relu (10, 10) lbfgs          100.0%  98.3%  146
//!   ... (16 models)
//! exercise 3: two spirals, standardised, 70/30 split; 3b adds sin x, sin y
//!   relu (50, 50) α 0.005              100.0% 100.0%
//!   logistic (10, 10) α 1e-15           96.7%  86.7%
//!   logistic (10, 10) α 1e-15 + sin    100.0%  94.4%
//!   ... (6 models)
//! ```
//!
//! Pictures, in `OUT_DIR` (default the workspace's `target/hesse-out`): `xor-mlp.svg` (one panel per model of
//! exercise 2: rows are architectures and solvers, columns activations) and
//! `xor-mlp-spirals.svg` (exercise 3, without and with sin features).

use std::path::PathBuf;

use hesse::Matrix;
use hesse_nn::data::features::{FeatureMap, expand};
use hesse_nn::data::generate::{two_spirals, xor};
use hesse_nn::data::{Split, StandardScaler, train_test_split};
use hesse_nn::{Activation, MlpClassifier, NnError, SolverKind};
use hesse_plot::{DecisionPanel, DecisionPlot, Grid, Render};

/// The activations compared, in column order.
pub const ACTIVATIONS: [Activation; 4] = [
    Activation::Identity,
    Activation::Relu,
    Activation::Sigmoid,
    Activation::Tanh,
];

/// One model of exercise 2: hidden sizes, solver, and its row label.
pub struct Setting {
    /// Hidden-layer widths.
    pub hidden: &'static [usize],
    /// The solver.
    pub solver: SolverKind,
    /// Row label.
    pub label: &'static str,
}

/// The rows of exercise 2: 1 and 2 hidden units, (10, 10) with gradient descent and L-BFGS.
pub const SETTINGS: [Setting; 4] = [
    Setting {
        hidden: &[1],
        solver: SolverKind::Lbfgs,
        label: "(1) lbfgs",
    },
    Setting {
        hidden: &[2],
        solver: SolverKind::Lbfgs,
        label: "(2) lbfgs",
    },
    Setting {
        hidden: &[10, 10],
        solver: SolverKind::Gd,
        label: "(10, 10) gd",
    },
    Setting {
        hidden: &[10, 10],
        solver: SolverKind::Lbfgs,
        label: "(10, 10) lbfgs",
    },
];

/// Seed of the data and of the split.
pub const DATA_SEED: u64 = 5;
/// Seed of the initial weights.
pub const INIT_SEED: u64 = 0;

/// Exercise 2's data, split 70/30.
pub fn xor_split() -> Result<Split<usize>, NnError> {
    let (x, y) = xor(400, 0.35, DATA_SEED);
    train_test_split(&x, &y, 0.3, DATA_SEED)
}

/// A classifier for exercise 2 (the seed's `alpha = .1` for the (10, 10) nets; gradient
/// descent at learning rate 0.5 for at most 2000 iterations).
pub fn xor_model(activation: Activation, s: &Setting) -> MlpClassifier {
    MlpClassifier::new()
        .with_hidden(s.hidden)
        .with_activation(activation)
        .with_solver(s.solver)
        .with_alpha(if s.hidden.len() > 1 { 0.1 } else { 1e-4 })
        .with_learning_rate(0.5)
        .with_max_iter(2000)
        .with_seed(INIT_SEED)
}

/// A fitted model with its train and test accuracies.
pub struct Fitted {
    /// Row label (architecture and solver, or the exercise-3 model).
    pub label: String,
    /// The activation.
    pub activation: Activation,
    /// The fitted classifier.
    pub model: MlpClassifier,
    /// Training accuracy.
    pub train: f64,
    /// Test accuracy.
    pub test: f64,
}

/// Fits `model` and scores it.
pub fn fit_score(
    mut model: MlpClassifier,
    label: String,
    activation: Activation,
    s: &Split<usize>,
) -> Result<Fitted, NnError> {
    model.fit(&s.x_train, &s.y_train)?;
    let train = model.score(&s.x_train, &s.y_train)?;
    let test = model.score(&s.x_test, &s.y_test)?;
    Ok(Fitted {
        label,
        activation,
        model,
        train,
        test,
    })
}

/// Every model of exercise 2, row by row (settings), column by column (activations).
pub fn exercise2(mut tick: impl FnMut()) -> Result<Vec<Fitted>, NnError> {
    let s = xor_split()?;
    let mut out = Vec::new();
    for setting in &SETTINGS {
        for a in ACTIVATIONS {
            out.push(fit_score(
                xor_model(a, setting),
                setting.label.to_string(),
                a,
                &s,
            )?);
            tick();
        }
    }
    Ok(out)
}

/// Exercise 3's features: raw `[x, y]`, or `[x, y, sin x, sin y]` (3b), then standardised
/// (the scaler is fitted on all the data, as the seed does).
pub fn spiral_features(x: &Matrix, with_sin: bool) -> Result<(StandardScaler, Matrix), NnError> {
    let maps: &[FeatureMap] = if with_sin {
        &[FeatureMap::Identity, FeatureMap::Sin]
    } else {
        &[FeatureMap::Identity]
    };
    StandardScaler::fit_transform(&expand(x, maps)?)
}

/// The spirals, raw (unscaled) and their labels.
pub fn spirals() -> (Matrix, Vec<usize>) {
    let (x, y) = two_spirals(150, 0.03, DATA_SEED);
    // the spirals live in the unit disc; scale them up so that sin x is not just x
    let data = x.as_slice().iter().map(|v| 3.0 * v).collect();
    (Matrix::new(x.rows(), 2, data), y)
}

/// The seed's three exercise-3 models: relu (50, 50) α 0.005, tanh (30, 30) α 0.1, logistic
/// (10, 10) α 1e-15, all L-BFGS.
pub fn spiral_models() -> Vec<(String, Activation, MlpClassifier)> {
    let m = |hidden: &[usize], a: Activation, alpha: f64| {
        MlpClassifier::new()
            .with_hidden(hidden)
            .with_activation(a)
            .with_solver(SolverKind::Lbfgs)
            .with_alpha(alpha)
            .with_max_iter(3000)
            .with_seed(INIT_SEED)
    };
    vec![
        (
            "relu (50, 50) α 0.005".into(),
            Activation::Relu,
            m(&[50, 50], Activation::Relu, 0.005),
        ),
        (
            "tanh (30, 30) α 0.1".into(),
            Activation::Tanh,
            m(&[30, 30], Activation::Tanh, 0.1),
        ),
        (
            "logistic (10, 10) α 1e-15".into(),
            Activation::Sigmoid,
            m(&[10, 10], Activation::Sigmoid, 1e-15),
        ),
    ]
}

/// Exercise 3: each model without and with sin features; returns the fits with their scalers.
pub fn exercise3(mut tick: impl FnMut()) -> Result<Vec<(Fitted, StandardScaler, bool)>, NnError> {
    let (x, y) = spirals();
    let mut out = Vec::new();
    for with_sin in [false, true] {
        let (scaler, features) = spiral_features(&x, with_sin)?;
        let s = train_test_split(&features, &y, 0.3, DATA_SEED)?;
        for (label, a, model) in spiral_models() {
            let label = if with_sin { format!("{label} + sin") } else { label };
            out.push((fit_score(model, label, a, &s)?, scaler.clone(), with_sin));
            tick();
        }
    }
    Ok(out)
}

fn name(a: Activation) -> &'static str {
    match a {
        Activation::Sigmoid => "logistic",
        other => other.name(),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = out_dir();
    let bar = progress((SETTINGS.len() * ACTIVATIONS.len() + 6) as u64);
    let ex2 = exercise2(|| bar.inc(1))?;
    let ex3 = exercise3(|| bar.inc(1))?;
    bar.finish_and_clear();

    let s = xor_split()?;
    println!(
        "exercise 2: noisy XOR, {} train / {} test points",
        s.x_train.rows(),
        s.x_test.rows()
    );
    println!("  {:<28} {:>6} {:>6}  iterations", "model", "train", "test");
    for f in &ex2 {
        println!(
            "  {:<28} {:>5.1}% {:>5.1}%  {}",
            format!("{} {}", name(f.activation), f.label),
            100.0 * f.train,
            100.0 * f.test,
            f.model.iterations()
        );
    }
    println!("exercise 3: two spirals, standardised, 70/30 split; 3b adds sin x, sin y");
    println!("  {:<34} {:>6} {:>6}", "model", "train", "test");
    for (f, _, _) in &ex3 {
        println!(
            "  {:<34} {:>5.1}% {:>5.1}%",
            f.label,
            100.0 * f.train,
            100.0 * f.test
        );
    }

    // exercise 2: one panel per model
    let (x, y) = xor(400, 0.35, DATA_SEED);
    let points: Vec<(f64, f64)> = (0..x.rows()).map(|r| (x.row(r)[0], x.row(r)[1])).collect();
    let panels = ex2.iter().map(|f| {
        let m = &f.model;
        DecisionPanel::probability(
            format!("{} {}: test {:.0}%", name(f.activation), f.label, 100.0 * f.test),
            move |a, b| {
                m.predict_proba(&Matrix::new(1, 2, vec![a, b]))
                    .map_or(f64::NAN, |p| p.row(0)[1])
            },
        )
    });
    let mut files = Vec::new();
    files.push(
        DecisionPlot::new(Grid::new((-2.5, 2.5), (-2.5, 2.5)).with_resolution(90, 90))
            .with_title("XOR: decision regions by activation (columns) and architecture / solver (rows)")
            .with_axis_labels("x₁", "x₂")
            .with_points(points, y)
            .with_panels(panels)
            .with_columns(ACTIVATIONS.len())
            .with_panel_size(300, 290)
            .with_class_names(["class 0 (x₁x₂ > 0)", "class 1 (x₁x₂ < 0)"])
            .render_to(out.join("xor-mlp.svg"))?,
    );

    // exercise 3: the spirals, without and with sin features
    let (x, y) = spirals();
    let points: Vec<(f64, f64)> = (0..x.rows()).map(|r| (x.row(r)[0], x.row(r)[1])).collect();
    let panels = ex3.iter().map(|(f, scaler, with_sin)| {
        let m = &f.model;
        let with_sin = *with_sin;
        DecisionPanel::probability(
            format!("{}: test {:.0}%", f.label, 100.0 * f.test),
            move |a, b| {
                let raw = Matrix::new(1, 2, vec![a, b]);
                let maps: &[FeatureMap] = if with_sin {
                    &[FeatureMap::Identity, FeatureMap::Sin]
                } else {
                    &[FeatureMap::Identity]
                };
                expand(&raw, maps)
                    .and_then(|e| scaler.transform(&e))
                    .and_then(|e| m.predict_proba(&e))
                    .map_or(f64::NAN, |p| p.row(0)[1])
            },
        )
    });
    files.push(
        DecisionPlot::new(Grid::new((-3.3, 3.3), (-3.3, 3.3)).with_resolution(110, 110))
            .with_title("Two spirals: decision regions; bottom row with sin features")
            .with_axis_labels("x₁", "x₂")
            .with_points(points, y)
            .with_panels(panels)
            .with_columns(3)
            .with_panel_size(340, 330)
            .with_class_names(["spiral 0", "spiral 1"])
            .render_to(out.join("xor-mlp-spirals.svg"))?,
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
fn progress(len: u64) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(len)
    } else {
        indicatif::ProgressBar::hidden()
    }
}
