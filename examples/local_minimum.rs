//! Seed 000, end to end: a 2-2-1 sigmoid network on 10 hand-made points has a **strict local
//! minimum that is not global**, shown by its exact 9×9 Hessian.
//!
//! 1. Gradient descent exactly as the seed: lr 0.05 from the seed's start θ₀, stopping after
//!    the first step whose loss change is below 1e-8 (docs/WORKLOADS.md W1: one step).
//! 2. Refinement onto the critical point: Newton steps on the exact Hessian until ‖∇L‖ ≤ 1e-12.
//! 3. The full Hessian there (not per block, as the seed did), its 9 eigenvalues, the verdict.
//! 4. L-BFGS from seeded random starts finds a far lower loss: the minimum is not global.
//! 5. Pictures: the eigenvalue spectrum, and the loss along the lowest-curvature eigenvector.
//!
//! Run with `cargo run --release --example local_minimum [OUT_DIR]`. Expected output (abridged):
//!
//! ```text
//! gradient descent: 1 step (lr 0.05, |ΔL| < 1e-8), loss 0.5777380345
//! refined: loss 0.5777378449, ‖∇L‖ < 1e-12
//! eigenvalues: +1.94e-4 … +5.79e-1, all 9 positive
//! verdict: strict local minimum
//! lowest loss from 40 random starts (L-BFGS): ≈ 0   → the local minimum is not global
//! ```

use std::path::{Path, PathBuf};

use hesse::Var;
use hesse::loss::bce;
use hesse_critical::{Analysis, AnalysisOptions, Classification, analyze_vector, slice_1d};
use hesse_optim::{Lbfgs, Options, VectorObjective, minimize};
use hesse_plot::{Render, Scale, SlicePlot, Spectrum};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The 10 points of seed 000 (docs/SEEDS.md; the notebook's Ex1.csv).
pub const X: [[f64; 2]; 10] = [
    [2.8, 0.4],
    [3.1, 4.3],
    [0.1, -3.4],
    [-4.2, -3.3],
    [-0.5, 0.2],
    [-2.7, -0.4],
    [-3.0, -4.3],
    [-0.1, 3.4],
    [4.2, 3.2],
    [0.4, -0.1],
];
/// Their labels.
pub const Y: [f64; 10] = [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0];
/// The seed's start, θ = [w00, w01, w10, w11, b0, b1, v0, v1, c] (row W[i] feeds hidden unit i).
pub const THETA0: [f64; 9] = [
    1.06, -0.037, -0.056, 1.095, -0.051, -0.0689, 3.769, -3.72, -0.0148,
];

/// M(x) = σ(v·σ(W x + b) + c) and its mean binary cross-entropy over the 10 points, evaluated
/// as the seed writes it.
pub fn loss(theta: Var<'_>) -> Var<'_> {
    let tape = theta.tape();
    let xs: Vec<f64> = X.iter().flatten().copied().collect();
    let x = tape.constant(&xs, &[10, 2]);
    let y = tape.constant(&Y, &[10]);
    let w = theta.slice(0, 0, 4).reshape(&[2, 2]);
    let b = theta.slice(0, 4, 2);
    let v = theta.slice(0, 6, 2);
    let c = theta.index(8);
    let h = (x.matmul(w.t()) + b).sigmoid();
    bce((h.matmul(v) + c).sigmoid(), y)
}

/// What the run found.
pub struct Outcome {
    /// Gradient steps taken by the seed's rule.
    pub gd_steps: usize,
    /// The loss after them.
    pub gd_loss: f64,
    /// The analysis at the refined critical point.
    pub analysis: Analysis,
    /// The lowest loss L-BFGS found from the random starts, and where.
    pub best_other: (f64, Vec<f64>),
    /// The pictures written.
    pub pictures: Vec<PathBuf>,
}

/// Gradient descent as the seed: θ ← θ − lr·∇L(θ), stopping after the first step k ≥ 1 with
/// |L(θₖ) − L(θₖ₋₁)| < tol. Returns (θ, steps, loss).
pub fn gradient_descent(theta0: &[f64], lr: f64, tol: f64) -> (Vec<f64>, usize, f64) {
    let mut f = hesse::RecordedFn::new_vector(loss, theta0);
    let mut theta = theta0.to_vec();
    let mut grad = vec![0.0; theta.len()];
    let mut prev = f.value_and_grad_to(&theta, &mut grad);
    for k in 1..=1_000_000 {
        theta.iter_mut().zip(&grad).for_each(|(t, g)| *t -= lr * g);
        let l = f.value_and_grad_to(&theta, &mut grad);
        if (l - prev).abs() < tol {
            return (theta, k, l);
        }
        prev = l;
    }
    (theta, 1_000_000, prev)
}

/// The whole workflow; pictures go to `out`.
pub fn run(out: &Path, starts: usize) -> Result<Outcome, Box<dyn std::error::Error>> {
    let (theta, gd_steps, gd_loss) = gradient_descent(&THETA0, 0.05, 1e-8);
    let analysis = analyze_vector(loss, &theta, AnalysisOptions::default())?;

    // Seeded random starts, L-BFGS on engine gradients.
    let mut rng = StdRng::seed_from_u64(0);
    let mut best = (f64::INFINITY, Vec::new());
    let opts = Options::default().with_gtol(1e-8).with_max_iterations(2000);
    for _ in 0..starts {
        let start: Vec<f64> = (0..9).map(|_| rng.random_range(-4.0..4.0)).collect();
        let mut obj = VectorObjective::new(9, loss);
        let report = minimize(&mut obj, &mut Lbfgs::new(), &start, &opts)?;
        if report.f < best.0 {
            best = (report.f, report.x);
        }
    }

    std::fs::create_dir_all(out)?;
    let spectrum = Spectrum::new(analysis.eigenvalues.clone())
        .with_scale(Scale::Log10)
        .with_title("2-2-1 sigmoid network: the 9 Hessian eigenvalues at its local minimum")
        .render_to(out.join("local_minimum_spectrum.svg"))?;
    let lowest = analysis.eigenvector(0);
    let ts: Vec<f64> = (0..=200).map(|i| -10.0 + 0.1 * f64::from(i)).collect();
    let mut rec = hesse::RecordedFn::new_vector(loss, &analysis.x);
    let slice = slice_1d(&mut rec, &analysis.x, &lowest, &ts);
    let slice_svg = SlicePlot::new(slice)
        .with_title(format!(
            "Loss along the lowest-curvature eigenvector (λ = {:.3e})",
            analysis.eigenvalues[0]
        ))
        .with_axis_labels("t (θ = θ* + t·u₁)", "loss")
        .render_to(out.join("local_minimum_slice.svg"))?;

    Ok(Outcome {
        gd_steps,
        gd_loss,
        analysis,
        best_other: best,
        pictures: vec![spectrum, slice_svg],
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // the workspace's target/hesse-out wherever the example is run from
    let out = hesse_plot::out_dir(env!("CARGO_MANIFEST_DIR"));
    let o = run(&out, 40)?;
    let a = &o.analysis;
    println!(
        "gradient descent: {} step{} (lr 0.05, |ΔL| < 1e-8), loss {:.10}",
        o.gd_steps,
        if o.gd_steps == 1 { "" } else { "s" },
        o.gd_loss
    );
    let r = a.refinement.as_ref().expect("refinement was asked for");
    println!(
        "refined: {} Newton steps, moved {:.3e}; loss {:.10}, ‖∇L‖ = {:.3e}",
        r.steps, r.moved, a.value, a.gradient_norm
    );
    println!(
        "θ* = {:?}",
        a.x.iter().map(|v| (v * 1e6).round() / 1e6).collect::<Vec<_>>()
    );
    println!("eigenvalues of the full 9×9 Hessian:");
    for l in &a.eigenvalues {
        println!("  {l:+.6e}");
    }
    println!(
        "inertia: {} negative, {} zero, {} positive (tolerance {:.1e})",
        a.inertia.negative, a.inertia.zero, a.inertia.positive, a.tolerance
    );
    println!("verdict: {}", a.classification);
    println!(
        "lowest loss from 40 random starts (L-BFGS): {:.3e}",
        o.best_other.0
    );
    if a.classification == Classification::Minimum && o.best_other.0 < a.value {
        println!("→ θ* is a strict local minimum, and not a global one");
    }
    for p in &o.pictures {
        println!("wrote {}", p.display());
    }
    Ok(())
}
