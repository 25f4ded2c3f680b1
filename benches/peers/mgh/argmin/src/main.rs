//! argmin's L-BFGS on the 28 Moré–Garbow–Hillstrom problems of
//! `crates/hesse-optim/tests/mgh.rs`, the peer of `../mgh_scipy.py`. A standalone crate, not
//! part of the hesse workspace and not built by CI:
//!
//! ```sh
//! cd benches/peers/mgh/argmin && cargo run --release > mgh_argmin.csv
//! ```
//!
//! Solver: `LBFGS` with m = 10 and `MoreThuenteLineSearch` (c1 = 1e-4, c2 = 0.9). Stopping
//! rules as close to the hesse MGH test (gtol 1e-11 on ‖g‖∞, f-change test off, 5000
//! iterations) as argmin can say them, or with `-- --preset scipy-default` to scipy's
//! defaults (see [`SCIPY_DEFAULT`]):
//! - argmin tests the gradient in the 2-norm (`with_tolerance_grad`), hesse and scipy in the
//!   ∞-norm. The same number is used: ‖g‖∞ ≤ ‖g‖₂ ≤ √n‖g‖∞, so argmin's test is at
//!   most √n (≤ √11) times stricter. At this tolerance almost every run of every solver ends
//!   when f stops changing above rounding, not on the gradient test.
//! - argmin's cost test is |f_k − f_{k+1}| < tol_cost (absolute, strict); tol_cost = 0 turns
//!   it off, as ftol = 0 does in hesse.
//! - argmin has no evaluation budget, and its line search no iteration cap: the cost function
//!   ends a run past 15000 evaluations (scipy's `maxfun`, hesse's default budget). The
//!   iteration budget is the same 5000.
//!
//! `nfev` counts calls of `cost` (argmin's `cost_count`), `ngrad` calls of `gradient`. argmin's L-BFGS evaluates the gradient once more at
//! each accepted point (after the line search, which already evaluated it), so `ngrad` is
//! about `nfev + nit`; hesse and scipy evaluate f and ∇f together, once per trial point.
//!
//! Output: CSV on stdout, one row per problem, the columns of `mgh_scipy.py` plus `ngrad`:
//! `problem,n,nit,nfev,ngrad,f0,f,reached,status`.

mod problems;

use std::cell::Cell;

use argmin::core::{CostFunction, Error, Executor, Gradient, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;

use problems::{Problem, problems};

/// Stopping rules: (gtol on ‖g‖₂, absolute cost-change tolerance, iteration budget).
#[derive(Debug, Clone, Copy)]
struct Preset {
    gtol: f64,
    tol_cost: f64,
    max_iterations: u64,
}

/// The hesse MGH test: gtol 1e-11, f-change test off, 5000 iterations.
const MGH: Preset = Preset {
    gtol: 1e-11,
    tol_cost: 0.0,
    max_iterations: 5000,
};

/// scipy's L-BFGS-B defaults (gtol 1e-5, ftol 2.22e-9 relative to max(|f|, 1)), which are
/// also hesse's `Options::default()`; argmin's cost test is absolute, so it is the same
/// test where |f| ≤ 1 and a stricter one above.
const SCIPY_DEFAULT: Preset = Preset {
    gtol: 1e-5,
    tol_cost: 2.220446049250313e-9,
    max_iterations: 15000,
};
const MEMORY: usize = 10;

/// The evaluation budget (scipy's `maxfun`, hesse's `max_evaluations`). argmin has none, and
/// its line search runs without an iteration cap: on some problems it keeps evaluating at
/// rounding level forever, so the cost function itself ends the run past this budget.
const MAX_EVALUATIONS: u64 = 15000;

/// Raised by [`Mgh::cost`] past [`MAX_EVALUATIONS`].
#[derive(Debug)]
struct BudgetExhausted;

impl std::fmt::Display for BudgetExhausted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "evaluation budget of {MAX_EVALUATIONS} exhausted")
    }
}

impl std::error::Error for BudgetExhausted {}

/// Evaluation counts and the best value met, kept outside argmin so that they survive a run
/// that ends with [`BudgetExhausted`].
#[derive(Default)]
struct Tally {
    costs: Cell<u64>,
    gradients: Cell<u64>,
    best: Cell<f64>,
}

/// A problem as argmin's `CostFunction` + `Gradient` (it asks for them separately).
struct Mgh<'a> {
    problem: &'a Problem,
    tally: &'a Tally,
}

impl CostFunction for Mgh<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, x: &Vec<f64>) -> Result<f64, Error> {
        let n = self.tally.costs.get() + 1;
        if n > MAX_EVALUATIONS {
            return Err(BudgetExhausted.into());
        }
        self.tally.costs.set(n);
        let f = self.problem.value_and_grad(x).0;
        if f < self.tally.best.get() {
            self.tally.best.set(f);
        }
        Ok(f)
    }
}

impl Gradient for Mgh<'_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, x: &Vec<f64>) -> Result<Vec<f64>, Error> {
        self.tally.gradients.set(self.tally.gradients.get() + 1);
        Ok(self.problem.value_and_grad(x).1)
    }
}

/// ∇f against central differences (step h = 1e-6·max(|xᵢ|, 1)), with the rule of
/// `mgh_scipy.py`: 1e-5 relative plus the rounding error of the quotient, ~ε|f|/h.
fn check_gradient(p: &Problem, x: &[f64]) -> Result<(), String> {
    let (f, g) = p.value_and_grad(x);
    for i in 0..x.len() {
        let h = 1e-6 * x[i].abs().max(1.0);
        let (mut xp, mut xm) = (x.to_vec(), x.to_vec());
        xp[i] += h;
        xm[i] -= h;
        let fd = (p.value_and_grad(&xp).0 - p.value_and_grad(&xm).0) / (2.0 * h);
        if (fd - g[i]).abs() > 1e-5 * g[i].abs().max(1.0) + 10.0 * f64::EPSILON * f.abs() / h {
            return Err(format!(
                "{}: d/dx{i} analytic {} vs central difference {fd}",
                p.name, g[i]
            ));
        }
    }
    Ok(())
}

/// One run; returns the CSV row.
fn run(p: &Problem, preset: Preset) -> Result<String, Error> {
    let line_search = MoreThuenteLineSearch::new().with_c(1e-4, 0.9)?;
    let solver = LBFGS::new(line_search, MEMORY)
        .with_tolerance_grad(preset.gtol)?
        .with_tolerance_cost(preset.tol_cost)?;
    let tally = Tally {
        best: Cell::new(f64::INFINITY),
        ..Tally::default()
    };
    let problem = Mgh {
        problem: p,
        tally: &tally,
    };
    let run = Executor::new(problem, solver)
        .configure(|state| state.param(p.x0.clone()).max_iters(preset.max_iterations))
        .run();
    // (iterations, f, status); the iteration count is lost with a run that ended in error.
    let (nit, f, status) = match run {
        Ok(res) => {
            let state = res.state();
            let status = state
                .get_termination_reason()
                .map_or("running".to_string(), |r| r.text().replace(',', ";"));
            (state.get_iter().to_string(), state.get_best_cost(), status)
        }
        Err(e) if e.is::<BudgetExhausted>() => (String::new(), tally.best.get(), e.to_string()),
        Err(e) => return Err(e),
    };
    Ok(format!(
        "{},{},{},{},{},{:?},{:?},{},{}",
        p.name,
        p.x0.len(),
        nit,
        tally.costs.get(),
        tally.gradients.get(),
        p.value_and_grad(&p.x0).0,
        f,
        if p.reached(f).is_some() { "yes" } else { "no" },
        status
    ))
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let preset = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] | ["--preset", "mgh"] => MGH,
        ["--preset", "scipy-default"] => SCIPY_DEFAULT,
        _ => return Err(Error::msg("usage: hesse-mgh-argmin [--preset mgh|scipy-default]")),
    };
    let problems = problems();
    for p in &problems {
        check_gradient(p, &p.x0).map_err(Error::msg)?;
        // Also off x₀, where symmetric starts could hide an index slip.
        let x1: Vec<f64> =
            p.x0.iter()
                .enumerate()
                .map(|(i, xi)| xi + 0.01 * xi.abs().max(1.0) * ((i * 7 % 5) as f64 - 2.0) / 2.0)
                .collect();
        check_gradient(p, &x1).map_err(Error::msg)?;
    }
    eprintln!(
        "# argmin 0.11 L-BFGS m={MEMORY}, More-Thuente c1=1e-4 c2=0.9; tol_grad={:e} (2-norm), \
         tol_cost={:e} (absolute), max_iters={}, budget {MAX_EVALUATIONS} cost evaluations",
        preset.gtol, preset.tol_cost, preset.max_iterations
    );
    println!("problem,n,nit,nfev,ngrad,f0,f,reached,status");
    for p in &problems {
        println!("{}", run(p, preset)?);
    }
    Ok(())
}
