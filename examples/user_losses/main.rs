//! Losses written as a user writes them: iterator sums over `Var`s, and one objective generic
//! over `num_traits::Float` that runs on `f64` and on the tape with the same body. Each is
//! minimised (L-BFGS on exact gradients) and its critical point analysed on the exact Hessian.
//!
//! Run with `cargo run --release --example user_losses`.

mod losses;

use hesse::critical::{AnalysisOptions, analyze, rigid_body_modes};
use hesse::optim::{Lbfgs, Options, VarObjective, minimize};
use hesse::{Var, hessian, value_and_grad};
use losses::{Classification, gaussian_nll, lennard_jones, logistic_l2};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = Classification::generate(200, 7);
    let samples = [2.1, 1.7, 2.9, 2.4, 1.2, 2.2, 3.1, 2.6];
    // An equilateral-ish triangle of atoms, slightly off the minimum.
    let atoms = [0.0, 0.0, 0.0, 1.15, 0.05, 0.0, 0.5, 1.0, 0.1];

    // The same generic body, on f64 and on the tape.
    let on_f64 = lennard_jones(&atoms);
    let (on_tape, _) = value_and_grad(|x| lennard_jones(x), &atoms);
    println!("Lennard-Jones at the start: f64 {on_f64:.15}, tape {on_tape:.15}");

    let opts = Options::default().with_gtol(1e-10).with_ftol(0.0);
    type Loss<'a> = Box<dyn for<'t> Fn(&[Var<'t>]) -> Var<'t> + 'a>;
    let runs: [(&str, Vec<f64>, Loss); 3] = [
        (
            "logistic regression + L2",
            vec![0.0; 6],
            Box::new(|p| logistic_l2(p, &data)),
        ),
        (
            "Gaussian NLL (μ, log σ)",
            vec![0.0, 0.0],
            Box::new(|p| gaussian_nll(p, &samples)),
        ),
        (
            "Lennard-Jones, 3 atoms",
            atoms.to_vec(),
            Box::new(|x| lennard_jones(x)),
        ),
    ];
    for (name, start, loss) in runs {
        let mut objective = VarObjective::new(start.len(), |x| loss(x));
        let report = minimize(&mut objective, &mut Lbfgs::new(), &start, &opts)?;
        let h = hessian(|x| loss(x), &report.x);
        let mut analysis = analyze(|x| loss(x), &report.x, AnalysisOptions::default())?;
        if name.starts_with("Lennard-Jones") {
            // Translations and rotations leave the energy unchanged: declare them.
            analysis = analysis.modulo(&rigid_body_modes(&analysis.x));
        }
        println!(
            "\n{name}: {} after {} iterations",
            report.status, report.iterations
        );
        println!("  x* = {:.6?}", report.x);
        println!("  f* = {:.10}, ‖∇f‖∞ = {:.1e}", report.f, report.grad_norm);
        println!(
            "  Hessian diagonal = {:.4?}",
            (0..h.rows()).map(|i| h[(i, i)]).collect::<Vec<_>>()
        );
        println!("  verdict: {}", analysis.verdict());
    }
    Ok(())
}
