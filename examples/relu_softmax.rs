//! Seed 002, part 1: the forward pass of a 2-3-2-3 ReLU network with a softmax output.
//!
//! ```text
//! cargo run --release --example relu_softmax [OUT_DIR]
//! ```
//!
//! The network `h₁ = relu(x·W₁ + b₁)`, `h₂ = relu(h₁·W₂ + b₂)`, `ŷ = softmax(h₂·V + c)` with the
//! seed's weights, as a hesse-nn [`Mlp`] of widths [2, 3, 2, 3]. The seed's arrays do not
//! multiply as printed (`x` is 2×3 and `v` is 3×2); its printed probabilities are those of the
//! samples in the rows of `xᵀ = [[1, −1], [0, −1], [0, 1]]` with `V` used as its transpose, 2×3.
//! Expected output:
//!
//! ```text
//! class probabilities (rows: samples, columns: classes):
//!   x = ( 1, -1)  [0.94649912, 0.04712342, 0.00637746]  sum 1
//!   x = ( 0, -1)  [0.84379473, 0.11419520, 0.04201007]  sum 1
//!   x = ( 0,  1)  [0.84379473, 0.11419520, 0.04201007]  sum 1
//! seed 002 prints [[0.94649912, 0.04712342, 0.00637746], [0.84379473, 0.1141952, 0.04201007],
//!                  [0.84379473, 0.1141952, 0.04201007]]: largest difference 4.5e-9
//! hidden layers of sample 1: h1 = [2.0, 1.0, 1.0], h2 = [2.0, 0.0] (unit 2 of layer 2 is off: relu(-0.5) = 0)
//! ```
//!
//! Picture, in `OUT_DIR` (default the workspace's `target/hesse-out`): `relu-softmax-confidence.svg`, P(class 1)
//! over the input plane with the three samples marked (class 1 wins everywhere: its logit
//! `1 + h₂₁ + h₂₂` is never below the others, `0` and `−h₂₁ − h₂₂`).

use std::path::PathBuf;

use hesse::Matrix;
use hesse_nn::{Activation, Mlp, NnError, Output, data};
use hesse_plot::{ColorScale, ContourPlot, Grid, Render};

/// The three samples: the rows of the seed's `xᵀ`.
pub const SAMPLES: [[f64; 2]; 3] = [[1.0, -1.0], [0.0, -1.0], [0.0, 1.0]];

/// The class probabilities seed 002 prints (8 decimals).
pub const SEED_PROBABILITIES: [[f64; 3]; 3] = [
    [0.94649912, 0.04712342, 0.00637746],
    [0.84379473, 0.1141952, 0.04201007],
    [0.84379473, 0.1141952, 0.04201007],
];

/// The 2-3-2-3 ReLU network with a softmax head.
pub fn network() -> Result<Mlp, NnError> {
    Mlp::from_sizes(&[2, 3, 2, 3], Activation::Relu, Output::MultiClass)
}

/// The seed's weights in hesse-nn's flat layout (per layer, W as [fan_in][fan_out] row-major,
/// then b) — the seed's own `x·W + b` convention, so its arrays go in as printed, except `V`,
/// which goes in transposed.
pub fn seed_params() -> Vec<f64> {
    let w1 = [[1.0, 0.0, 0.0], [-1.0, -1.0, 0.0]]; // 2×3
    let b1 = [0.0, 0.0, 1.0];
    let w2 = [[1.0, 0.0], [-1.0, 0.0], [0.0, 0.5]]; // 3×2
    let b2 = [1.0, -1.0];
    let v = [[1.0, 1.0], [0.0, 0.0], [-1.0, -1.0]]; // as printed, 3×2: used as vᵀ
    let c = [1.0, 0.0, 0.0];
    let mut p: Vec<f64> = w1.iter().flatten().copied().collect();
    p.extend(b1);
    p.extend(w2.iter().flatten());
    p.extend(b2);
    p.extend((0..2).flat_map(|i| v.iter().map(move |row| row[i]))); // vᵀ, 2×3
    p.extend(c);
    p
}

/// The class probabilities of the samples, one row per sample.
pub fn probabilities() -> Result<Matrix, NnError> {
    let x = data::matrix_from_rows(&SAMPLES)?;
    network()?.predict(&seed_params(), &x)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let net = network()?;
    let params = seed_params();
    let p = probabilities()?;
    println!("class probabilities (rows: samples, columns: classes):");
    let mut worst = 0.0f64;
    for (i, s) in SAMPLES.iter().enumerate() {
        let row = p.row(i);
        for (a, b) in row.iter().zip(SEED_PROBABILITIES[i]) {
            worst = worst.max((a - b).abs());
        }
        println!(
            "  x = ({:2}, {:2})  [{:.8}, {:.8}, {:.8}]  sum {}",
            s[0],
            s[1],
            row[0],
            row[1],
            row[2],
            row.iter().sum::<f64>()
        );
    }
    println!(
        "seed 002 prints {:?}: largest difference {worst:.1e}",
        SEED_PROBABILITIES
    );
    let z = net.preactivations(&params, &data::matrix_from_rows(&SAMPLES[..1])?)?;
    let relu = |m: &Matrix| -> Vec<f64> { m.row(0).iter().map(|v| v.max(0.0)).collect() };
    println!(
        "hidden layers of sample 1: h1 = {:?}, h2 = {:?} (unit 2 of layer 2 is off: relu({}) = 0)",
        relu(&z[0]),
        relu(&z[1]),
        z[1].row(0)[1]
    );

    // every input gets class 1 (its logit 1 + h₂₁ + h₂₂ beats 0 and −h₂₁ − h₂₂), so the picture
    // shows how sure the network is: P(class 1) over the input plane
    let p_class1 = |x: f64, y: f64| -> f64 {
        let m = Matrix::new(1, 2, vec![x, y]);
        net.predict(&params, &m).map_or(f64::NAN, |p| p.row(0)[0])
    };
    let mut plot = ContourPlot::new(
        Grid::new((-3.0, 3.0), (-3.0, 3.0)).with_resolution(240, 240),
        p_class1,
    )
    .with_title("2-3-2-3 ReLU softmax network: P(class 1) over the input plane")
    .with_axis_labels("x₁", "x₂")
    .with_value_label("P(class 1)")
    // a probability: equal steps of p, whatever its spread
    .with_color_scale(ColorScale::Linear)
    .with_levels(12)
    .with_size(1100, 720);
    for (i, s) in SAMPLES.iter().enumerate() {
        let r = p.row(i);
        plot = plot.with_marked_point(
            format!(
                "x = ({}, {}): p = [{:.4}, {:.4}, {:.4}]",
                s[0], s[1], r[0], r[1], r[2]
            ),
            (s[0], s[1]),
        );
    }
    let file = plot.render_to(out_dir().join("relu-softmax-confidence.svg"))?;
    println!("wrote {}", file.display());
    Ok(())
}

/// The output folder: the first argument, or the workspace's `target/hesse-out`.
fn out_dir() -> PathBuf {
    hesse_plot::out_dir(env!("CARGO_MANIFEST_DIR"))
}
