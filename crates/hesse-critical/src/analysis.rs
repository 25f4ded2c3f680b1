//! The analysis of one point: value, gradient, exact Hessian, eigen-decomposition, inertia and
//! classification, after an optional refinement onto the critical point.

use std::fmt;

use hesse_core::{Matrix, RecordedFn, Var};

use crate::classify::{Classification, Inertia, default_tolerance};
use crate::eigen::symmetric_eigen;
use crate::model::{TwiceDifferentiable, norm};
use crate::refine::{Refinement, refine};

/// Options of [`analyze`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AnalysisOptions {
    /// Eigenvalues with |λ| ≤ tolerance count as zero; `None` uses the scale-aware
    /// [`default_tolerance`].
    pub tolerance: Option<f64>,
    /// Refine onto the critical point first (Newton on ∇f = 0). Default: off.
    pub refine: bool,
    /// Refinement stops when ‖∇f‖₂ ≤ this. Default 1e-12.
    pub gradient_tolerance: f64,
    /// Refinement step limit. Default 100.
    pub max_steps: usize,
    /// Refinement never moves farther than this from the start (Euclidean). Default
    /// `None`: `10 · max(1, ‖x₀‖)`.
    pub max_move: Option<f64>,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            tolerance: None,
            refine: false,
            gradient_tolerance: 1e-12,
            max_steps: 100,
            max_move: None,
        }
    }
}

impl AnalysisOptions {
    /// Sets an explicit zero tolerance for eigenvalues.
    pub fn with_tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = Some(tolerance);
        self
    }
    /// Turns refinement on or off.
    pub fn with_refine(mut self, refine: bool) -> Self {
        self.refine = refine;
        self
    }
    /// Sets the refinement's gradient tolerance.
    pub fn with_gradient_tolerance(mut self, gtol: f64) -> Self {
        self.gradient_tolerance = gtol;
        self
    }
    /// Sets the refinement's step limit.
    pub fn with_max_steps(mut self, steps: usize) -> Self {
        self.max_steps = steps;
        self
    }
    /// Sets how far refinement may move from the start.
    pub fn with_max_move(mut self, distance: f64) -> Self {
        self.max_move = Some(distance);
        self
    }
    fn max_move_from(&self, x: &[f64]) -> f64 {
        self.max_move.unwrap_or_else(|| 10.0 * norm(x).max(1.0))
    }
}

/// The analysis of a point.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Analysis {
    /// The analysed point (after refinement, if any).
    pub x: Vec<f64>,
    /// f(x).
    pub value: f64,
    /// ∇f(x).
    pub gradient: Vec<f64>,
    /// ‖∇f(x)‖₂.
    pub gradient_norm: f64,
    /// The exact Hessian, symmetric.
    pub hessian: Matrix,
    /// Eigenvalues, ascending.
    pub eigenvalues: Vec<f64>,
    /// Eigenvectors: column j pairs with `eigenvalues[j]`.
    pub eigenvectors: Matrix,
    /// The zero tolerance used for the inertia.
    pub tolerance: f64,
    /// Counts of negative, zero and positive eigenvalues.
    pub inertia: Inertia,
    /// What the Hessian says the point is.
    pub classification: Classification,
    /// What refinement did, when asked.
    pub refinement: Option<Refinement>,
}

impl Analysis {
    /// Eigenvector `j` (pairs with `eigenvalues[j]`), unit length.
    pub fn eigenvector(&self, j: usize) -> Vec<f64> {
        (0..self.eigenvectors.rows())
            .map(|r| self.eigenvectors[(r, j)])
            .collect()
    }

    /// The eigenvectors whose eigenvalues are within the tolerance of zero.
    pub fn zero_directions(&self) -> Vec<Vec<f64>> {
        (0..self.eigenvalues.len())
            .filter(|&j| self.eigenvalues[j].abs() <= self.tolerance)
            .map(|j| self.eigenvector(j))
            .collect()
    }

    /// Whether ‖∇f‖₂ ≤ `gtol`: the classification describes a critical point only then.
    pub fn is_critical(&self, gtol: f64) -> bool {
        self.gradient_norm <= gtol
    }

    /// Condition number |λ|max / |λ|min (∞ when an eigenvalue is 0).
    pub fn condition_number(&self) -> f64 {
        let abs: Vec<f64> = self.eigenvalues.iter().map(|l| l.abs()).collect();
        let max = abs.iter().cloned().fold(0.0, f64::max);
        let min = abs.iter().cloned().fold(f64::INFINITY, f64::min);
        max / min
    }
}

/// Analyses `model` at `x` (refining first if asked).
///
/// ```
/// use hesse_core::RecordedFn;
/// use hesse_critical::{analyze_model, AnalysisOptions, Classification};
/// let mut f = RecordedFn::new(|x| x[0].powi(2) - x[1].powi(2), &[0.1, 0.1]);
/// let a = analyze_model(&mut f, &[0.1, 0.1], AnalysisOptions::default().with_refine(true));
/// assert_eq!(a.classification, Classification::Saddle { index: 1 });
/// assert!(a.gradient_norm < 1e-12);
/// ```
pub fn analyze_model(model: &mut dyn TwiceDifferentiable, x: &[f64], opts: AnalysisOptions) -> Analysis {
    let mut point = x.to_vec();
    let refinement = opts.refine.then(|| {
        refine(
            model,
            &mut point,
            opts.gradient_tolerance,
            opts.max_steps,
            opts.max_move_from(x),
        )
    });
    finish(model, point, refinement, opts)
}

fn finish(
    model: &mut dyn TwiceDifferentiable,
    x: Vec<f64>,
    refinement: Option<Refinement>,
    opts: AnalysisOptions,
) -> Analysis {
    let (value, gradient) = model.value_and_grad(&x);
    let hessian = model.hessian(&x);
    let (eigenvalues, eigenvectors) = symmetric_eigen(&hessian);
    let tolerance = opts.tolerance.unwrap_or_else(|| default_tolerance(&eigenvalues));
    let inertia = Inertia::of(&eigenvalues, tolerance);
    Analysis {
        gradient_norm: norm(&gradient),
        x,
        value,
        gradient,
        hessian,
        eigenvalues,
        eigenvectors,
        tolerance,
        inertia,
        classification: Classification::from_inertia(inertia),
        refinement,
    }
}

/// Analyses `f` (a closure over one scalar `Var` per coordinate) at `x`.
///
/// The function is recorded once and replayed; if refinement moves the point across a
/// recorded comparison, it is recorded again at the final point.
///
/// ```
/// use hesse_critical::{analyze, AnalysisOptions, Classification};
/// let a = analyze(|x| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2), &[1.0, 1.0], AnalysisOptions::default());
/// assert_eq!(a.classification, Classification::Minimum);
/// assert_eq!(a.hessian.to_rows(), vec![vec![802.0, -400.0], vec![-400.0, 200.0]]);
/// ```
pub fn analyze<F>(f: F, x: &[f64], opts: AnalysisOptions) -> Analysis
where
    F: for<'t> Fn(&[Var<'t>]) -> Var<'t>,
{
    let mut rec = RecordedFn::new(&f, x);
    let mut point = x.to_vec();
    let refinement = opts.refine.then(|| {
        refine(
            &mut rec,
            &mut point,
            opts.gradient_tolerance,
            opts.max_steps,
            opts.max_move_from(x),
        )
    });
    if rec.branch_changed() {
        rec = RecordedFn::new(&f, &point);
    }
    finish(&mut rec, point, refinement, opts)
}

/// Analyses `f` (a closure over one rank-1 `Var`, e.g. a network's flat parameters) at `x`.
///
/// ```
/// use hesse_critical::{analyze_vector, AnalysisOptions, Classification};
/// let a = analyze_vector(|w| -w.square().sum(), &[0.0, 0.0, 0.0], AnalysisOptions::default());
/// assert_eq!(a.classification, Classification::Maximum);
/// ```
pub fn analyze_vector<F>(f: F, x: &[f64], opts: AnalysisOptions) -> Analysis
where
    F: for<'t> Fn(Var<'t>) -> Var<'t>,
{
    let mut rec = RecordedFn::new_vector(&f, x);
    let mut point = x.to_vec();
    let refinement = opts.refine.then(|| {
        refine(
            &mut rec,
            &mut point,
            opts.gradient_tolerance,
            opts.max_steps,
            opts.max_move_from(x),
        )
    });
    if rec.branch_changed() {
        rec = RecordedFn::new_vector(&f, &point);
    }
    finish(&mut rec, point, refinement, opts)
}

/// A human-readable report: the point, value, gradient norm, the Hessian as an aligned matrix,
/// signed eigenvalues, the tolerance and a one-line verdict.
impl fmt::Display for Analysis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.x.len();
        writeln!(f, "point      [{}]", join(&self.x))?;
        writeln!(f, "value      {}", fmt_num(self.value))?;
        writeln!(f, "‖gradient‖ {:.3e}", self.gradient_norm)?;
        if let Some(r) = &self.refinement {
            writeln!(
                f,
                "refined    {} step{}, moved {:.3e}, ‖gradient‖ {:.3e} → {:.3e}{}",
                r.steps,
                if r.steps == 1 { "" } else { "s" },
                r.moved,
                r.initial_gradient_norm,
                r.final_gradient_norm,
                if r.converged { "" } else { " (not converged)" }
            )?;
        }
        if n <= 12 {
            writeln!(f, "hessian")?;
            let cells: Vec<String> = self.hessian.as_slice().iter().map(|&v| fmt_num(v)).collect();
            let width = cells.iter().map(|c| c.chars().count()).max().unwrap_or(1);
            for i in 0..n {
                let row: Vec<String> = (0..n).map(|j| format!("{:>width$}", cells[i * n + j])).collect();
                writeln!(f, "  [ {} ]", row.join("  "))?;
            }
        } else {
            writeln!(f, "hessian    {n}×{n} (not printed)")?;
        }
        let signed: Vec<String> = self.eigenvalues.iter().map(|&l| format!("{l:+.6e}")).collect();
        writeln!(f, "eigenvalues {}", signed.join("  "))?;
        writeln!(
            f,
            "inertia    {} negative, {} zero, {} positive (|λ| ≤ {:.3e} counts as zero)",
            self.inertia.negative, self.inertia.zero, self.inertia.positive, self.tolerance
        )?;
        let critical = self.gradient_norm <= 1e-6 * self.value.abs().max(1.0);
        if critical {
            write!(f, "verdict    {}", self.classification)
        } else {
            write!(
                f,
                "verdict    not a critical point (‖gradient‖ = {:.3e}); the curvature there is that of a {}",
                self.gradient_norm, self.classification
            )
        }
    }
}

fn fmt_num(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v.abs() >= 1e-4 && v.abs() < 1e7 {
        let s = format!("{v:.10}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    } else {
        format!("{v:.6e}")
    }
}

fn join(x: &[f64]) -> String {
    x.iter().map(|&v| fmt_num(v)).collect::<Vec<_>>().join(", ")
}
