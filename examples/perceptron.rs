//! Seed 003, exercise 1: the perceptron learning rule on a linearly separable data set, with
//! its decision boundary.
//!
//! ```text
//! cargo run --release --example perceptron [OUT_DIR]
//! ```
//!
//! The seed's `.mat` files are not available, so the data are two seeded Gaussian clusters
//! (hesse-nn's `gaussian_blobs`, centres (−1.5, −1) and (1.5, 1), σ = 0.6, 50 points each),
//! linearly separable. Targets are +1 / −1 as in the seed; β₀ ~ N(0, I) (seeded) and the seed's
//! batch rule `β ← β + η·Σ x̃ᵢtᵢ` over the misclassified points, η = 0.1, repeats until every
//! point is on its side. Expected output:
//!
//! ```text
//! 100 points, 2 classes (targets +1 / -1), linearly separable
//! batch rule (the seed's), eta 0.1: separated after 1 updates; beta = [-3.2364, -7.4248, -4.6459]; training accuracy 100%
//! online rule (Rosenblatt's), eta 0.1: separated after 11 updates; beta = [0.7636, -0.9555, -0.7289]; training accuracy 100%
//! ```
//!
//! Picture, in `OUT_DIR` (default the workspace's `target/hesse-out`): `perceptron.svg`, the two rules'
//! half-planes over the data.

use std::path::PathBuf;

use hesse::Matrix;
use hesse_nn::data::generate::gaussian_blobs;
use hesse_nn::{NnError, Perceptron, PerceptronFit, PerceptronRule};
use hesse_plot::{DecisionPanel, DecisionPlot, Grid, Render};

/// Seed of the data.
pub const DATA_SEED: u64 = 3;
/// Seed of β₀.
pub const INIT_SEED: u64 = 1;
/// The seed's learning rate.
pub const ETA: f64 = 0.1;

/// The data: features [100, 2] and targets +1 (first cluster) / −1 (second), as the seed stacks
/// its two classes.
pub fn data() -> Result<(Matrix, Vec<f64>), NnError> {
    let (x, labels) = gaussian_blobs(&[[-1.5, -1.0], [1.5, 1.0]], 0.6, 50, DATA_SEED)?;
    let t = labels.iter().map(|&c| if c == 0 { 1.0 } else { -1.0 }).collect();
    Ok((x, t))
}

/// The learning rule from the seeded β₀.
pub fn fit(rule: PerceptronRule) -> Result<PerceptronFit, NnError> {
    let (x, t) = data()?;
    Perceptron::new()
        .with_learning_rate(ETA)
        .with_seed(INIT_SEED)
        .with_rule(rule)
        .fit(&x, &t)
}

/// Fraction of targets predicted right.
pub fn accuracy(fit: &PerceptronFit) -> Result<f64, NnError> {
    let (x, t) = data()?;
    let p = fit.predict(&x)?;
    Ok(p.iter().zip(&t).filter(|(a, b)| a == b).count() as f64 / t.len() as f64)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (x, t) = data()?;
    println!(
        "{} points, 2 classes (targets +1 / -1), linearly separable",
        x.rows()
    );
    let batch = fit(PerceptronRule::Batch)?;
    let online = fit(PerceptronRule::Online)?;
    for (name, f) in [
        ("batch rule (the seed's)", &batch),
        ("online rule (Rosenblatt's)", &online),
    ] {
        println!(
            "{name}, eta {ETA}: {} after {} updates; beta = [{:.4}, {:.4}, {:.4}]; training accuracy {:.0}%",
            if f.separated { "separated" } else { "NOT separated" },
            f.updates,
            f.weights[0],
            f.weights[1],
            f.weights[2],
            100.0 * accuracy(f)?
        );
    }

    // class 0 = target +1, class 1 = target −1
    let labels: Vec<usize> = t.iter().map(|&v| usize::from(v < 0.0)).collect();
    let points: Vec<(f64, f64)> = (0..x.rows()).map(|r| (x.row(r)[0], x.row(r)[1])).collect();
    let panel = |name: &str, f: &PerceptronFit| {
        let b = f.weights.clone();
        DecisionPanel::classes(
            format!(
                "{name}: {} update{}",
                f.updates,
                if f.updates == 1 { "" } else { "s" }
            ),
            move |u, v| usize::from(b[0] + b[1] * u + b[2] * v <= 0.0),
        )
    };
    let file = DecisionPlot::new(Grid::new((-4.0, 4.0), (-3.5, 3.5)).with_resolution(200, 200))
        .with_title(format!("Perceptron learning rule, η = {ETA}"))
        .with_axis_labels("x₁", "x₂")
        .with_points(points, labels)
        .with_panels([
            panel("batch rule (seed 003)", &batch),
            panel("online rule", &online),
        ])
        .with_class_names(["t = +1", "t = −1"])
        .with_panel_size(440, 400)
        .render_to(out_dir().join("perceptron.svg"))?;
    println!("wrote {}", file.display());
    Ok(())
}

/// The output folder: the first argument, or the workspace's `target/hesse-out`.
fn out_dir() -> PathBuf {
    hesse_plot::out_dir(env!("CARGO_MANIFEST_DIR"))
}
