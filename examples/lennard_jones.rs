//! Three Lennard-Jones atoms (issue 17): minima an optimizer really stops at, classified
//! right, and classified *modulo the rigid-body motions*.
//!
//! f(x) = Σ_{i<j} 4(r_ij⁻¹² − r_ij⁻⁶) over the 9 coordinates of 3 atoms (ε = σ = 1). The
//! minimum is the equilateral triangle with sides 2^(1/6), f = −3; it is invariant under the
//! three translations and three rotations of space, so the Hessian there has six zero
//! eigenvalues and no minimum is *strict*. What second order can show is the curvature
//! across those motions.
//!
//! 1. L-BFGS (hesse-optim, default options) from 20 seeded random starts.
//! 2. The analysis with default options (refinement onto the critical point first): never a
//!    saddle or a maximum; degenerate with 6 undecided, flat directions.
//! 3. The same analysis modulo the six rigid-body modes ([`rigid_body_modes`]): "strict local
//!    minimum modulo 6 symmetry directions".
//! 4. A picture: the spectrum of one minimum, the six zero modes drawn grey.
//!
//! Run with `cargo run --release --example lennard_jones [OUT_DIR]`. Expected output
//! (abridged):
//!
//! ```text
//! start  f            ‖∇f‖∞ at stop  verdict (default)                       verdict modulo rigid-body modes
//!  0     -3.000000    ...            degenerate: 6 eigenvalues cannot ...    strict local minimum modulo 6 symmetry directions
//! ...
//! 20 of 20: strict local minimum modulo 6 symmetry directions
//! ```

use std::path::{Path, PathBuf};

use hesse::Var;
use hesse_critical::{Analysis, AnalysisOptions, analyze, rigid_body_modes};
use hesse_optim::{Lbfgs, Options, Report, VarObjective, minimize};
use hesse_plot::{Render, Scale, Spectrum};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The energy of three atoms, `x = [x₀, y₀, z₀, x₁, y₁, z₁, x₂, y₂, z₂]`.
pub fn energy<'t>(x: &[Var<'t>]) -> Var<'t> {
    let pair = |i: usize, j: usize| {
        let r2 = (x[3 * i] - x[3 * j]).powi(2)
            + (x[3 * i + 1] - x[3 * j + 1]).powi(2)
            + (x[3 * i + 2] - x[3 * j + 2]).powi(2);
        let inv6 = r2.powi(-3);
        4.0 * (inv6 * inv6 - inv6)
    };
    pair(0, 1) + pair(0, 2) + pair(1, 2)
}

/// A seeded random start: three atoms uniform in [−1, 1]³, redrawn until every distance lies
/// in [0.9, 1.8] (so no pair starts collapsed or apart).
pub fn random_start(rng: &mut StdRng) -> Vec<f64> {
    loop {
        let x: Vec<f64> = (0..9).map(|_| rng.random_range(-1.0..1.0)).collect();
        let ok = [(0, 1), (0, 2), (1, 2)].iter().all(|&(i, j)| {
            let d = ((0..3).map(|k| (x[3 * i + k] - x[3 * j + k]).powi(2)).sum::<f64>()).sqrt();
            (0.9..=1.8).contains(&d)
        });
        if ok {
            return x;
        }
    }
}

/// One start: where L-BFGS stopped, the analysis there, and the analysis modulo the rigid-body
/// modes.
pub struct Run {
    /// The L-BFGS report.
    pub report: Report,
    /// The analysis with default options.
    pub analysis: Analysis,
    /// The same, modulo the six rigid-body modes of the analysed point.
    pub modulo: Analysis,
}

/// Minimises from `starts` seeded random starts and analyses each end point.
pub fn runs(starts: usize) -> Result<Vec<Run>, Box<dyn std::error::Error>> {
    let mut rng = StdRng::seed_from_u64(17);
    let mut out = Vec::new();
    for _ in 0..starts {
        let start = random_start(&mut rng);
        let mut obj = VarObjective::new(9, energy);
        let report = minimize(&mut obj, &mut Lbfgs::new(), &start, &Options::default())?;
        let analysis = analyze(energy, &report.x, AnalysisOptions::default())?;
        let modulo = analysis.modulo(&rigid_body_modes(&analysis.x));
        out.push(Run {
            report,
            analysis,
            modulo,
        });
    }
    Ok(out)
}

/// The spectrum of `a` with its undecided (zero) eigenvalues drawn grey, written to `path`.
pub fn spectrum(a: &Analysis, path: &Path) -> Result<PathBuf, Box<dyn std::error::Error>> {
    Ok(Spectrum::new(a.eigenvalues.clone())
        .with_scale(Scale::SymLog { tau: 1e-3 })
        .with_zero_tolerance(a.tolerance)
        .with_title("Lennard-Jones trimer at its minimum: 6 zero modes (grey)")
        .render_to(path)?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = hesse_plot::out_dir(env!("CARGO_MANIFEST_DIR"));
    let runs = runs(20)?;
    println!(
        "{:<6} {:<12} {:<14} {:<48} verdict modulo rigid-body modes",
        "start", "f", "‖∇f‖∞ at stop", "verdict (default)"
    );
    for (k, r) in runs.iter().enumerate() {
        let v = r.analysis.verdict();
        println!(
            "{k:<6} {:<12.6} {:<14.3e} {:<48} {}",
            r.report.f,
            r.report.grad_norm,
            v.chars().take(46).collect::<String>(),
            r.modulo.verdict()
        );
    }
    let strict = runs
        .iter()
        .filter(|r| {
            r.modulo
                .verdict()
                .starts_with("strict local minimum modulo 6 symmetry directions")
        })
        .count();
    println!(
        "{strict} of {}: strict local minimum modulo 6 symmetry directions",
        runs.len()
    );
    std::fs::create_dir_all(&out)?;
    let p = spectrum(&runs[0].analysis, &out.join("lennard_jones_spectrum.svg"))?;
    println!(
        "eigenvalues at the first minimum: {:+.3e}",
        runs[0].analysis.eigenvalues[0]
    );
    for l in &runs[0].analysis.eigenvalues[1..] {
        println!("                                  {l:+.3e}");
    }
    println!("picture: {}", p.display());
    Ok(())
}
