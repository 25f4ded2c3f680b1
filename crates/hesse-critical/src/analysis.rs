//! The analysis of one point: value, gradient, exact Hessian, eigen-decomposition, inertia and
//! classification, after a refinement onto the critical point (on by default).
//!
//! **What counts as critical**: `‖∇f‖₂ ≤ 1e-6 · max(|f|, 1)` at the analysed point
//! ([`critical_gradient_tolerance`]). **What counts as zero**: an eigenvalue within the
//! [`ZeroTolerance`] (rounding, the distance to the critical point, the residual gradient),
//! reported as undecided. The verdict ([`Analysis::verdict`]) says what second order can and
//! cannot tell.

use hesse_core::{Matrix, RecordedFn, Var};

use crate::classify::{Classification, Inertia};
use crate::eigen::symmetric_eigen;
use crate::error::AnalysisError;
use crate::model::{TwiceDifferentiable, norm};
use crate::refine::{Refinement, refine};
use crate::symmetry::{complement, largest_image, orthonormalize, restrict};
use crate::tolerance::{ZeroTolerance, zero_tolerance};

/// Options of [`analyze`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AnalysisOptions {
    /// Eigenvalues with |λ| ≤ tolerance count as zero (undecided); `None` uses the
    /// [`ZeroTolerance`] computed at the point.
    pub tolerance: Option<f64>,
    /// Refine onto the critical point first (Newton on ∇f = 0). Default: on.
    pub refine: bool,
    /// Refinement stops when ‖∇f‖₂ ≤ this. Default 1e-12.
    pub gradient_tolerance: f64,
    /// Refinement step limit. Default 100.
    pub max_steps: usize,
    /// Refinement never moves farther than this from the start (Euclidean). Default
    /// `None`: `10 · max(1, ‖x₀‖₂)`.
    pub max_move: Option<f64>,
    /// The most memory, in bytes, the dense matrices of the analysis may take
    /// ([`DENSE_MATRICES`] n×n matrices of `f64`); above it the analysis returns
    /// [`AnalysisError::TooLarge`]. Default `None`: [`hesse_core::dense::limit`] (4 GB unless
    /// raised; an analysis up to n = 12,909).
    pub dense_limit: Option<u64>,
}

/// How many dense n×n matrices of `f64` the analysis holds at its peak: the Hessian, the
/// eigensolver's working copy of it and the eigenvectors (refinement and the zero tolerance
/// need no more). [`AnalysisOptions::check_size`] counts `8 · DENSE_MATRICES · n²` bytes.
///
/// ```
/// use hesse_critical::DENSE_MATRICES;
/// // n = 20,000: 3.2 GB per matrix.
/// assert_eq!(hesse_core::dense::bytes(20_000, DENSE_MATRICES), 9_600_000_000);
/// ```
pub const DENSE_MATRICES: usize = 3;

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            tolerance: None,
            refine: true,
            gradient_tolerance: 1e-12,
            max_steps: 100,
            max_move: None,
            dense_limit: None,
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
    /// Sets the most memory, in bytes, the analysis's dense matrices may take (see
    /// [`AnalysisOptions::dense_limit`]).
    ///
    /// ```
    /// use hesse_critical::{analyze, AnalysisError, AnalysisOptions};
    /// let f = hesse_core::function(|x| x[0].powi(2) + x[1].powi(2));
    /// // Two coordinates: three 2×2 matrices, 96 bytes.
    /// let small = AnalysisOptions::default().with_dense_limit(64);
    /// let e = analyze(&f, &[1.0, 1.0], small).unwrap_err();
    /// assert_eq!(e, AnalysisError::TooLarge { n: 2, bytes: 96, limit: 64 });
    /// assert!(analyze(&f, &[1.0, 1.0], small.with_dense_limit(96)).is_ok());
    /// ```
    pub fn with_dense_limit(mut self, bytes: u64) -> Self {
        self.dense_limit = Some(bytes);
        self
    }

    /// Whether a dense analysis of `n` coordinates fits the memory limit in force (these
    /// options' [`dense_limit`](AnalysisOptions::dense_limit), else
    /// [`hesse_core::dense::limit`]). Every `analyze*` calls it first; call it yourself to
    /// choose between [`analyze`] and the matrix-free
    /// [`extreme_eigenvalues`](crate::extreme_eigenvalues).
    ///
    /// ```
    /// use hesse_critical::AnalysisOptions;
    /// let opts = AnalysisOptions::default();
    /// assert!(opts.check_size(1_000).is_ok()); // 24 MB
    /// assert!(opts.with_dense_limit(4_000_000_000).check_size(20_000).is_err()); // 9.6 GB
    /// ```
    ///
    /// # Errors
    /// [`AnalysisError::TooLarge`] when `8 · DENSE_MATRICES · n²` bytes exceed the limit.
    pub fn check_size(&self, n: usize) -> Result<(), AnalysisError> {
        let limit = self.dense_limit.unwrap_or_else(hesse_core::dense::limit);
        let bytes = hesse_core::dense::bytes(n, DENSE_MATRICES);
        if bytes > limit {
            return Err(AnalysisError::TooLarge { n, bytes, limit });
        }
        Ok(())
    }

    fn max_move_from(&self, x: &[f64]) -> f64 {
        self.max_move.unwrap_or_else(|| 10.0 * norm(x).max(1.0))
    }
}

/// The gradient norm below which a point counts as critical: `1e-6 · max(|f|, 1)`, compared
/// with `‖∇f‖₂`.
///
/// ```
/// assert_eq!(hesse_critical::critical_gradient_tolerance(-3.0), 3e-6);
/// assert_eq!(hesse_critical::critical_gradient_tolerance(0.5), 1e-6);
/// ```
pub fn critical_gradient_tolerance(value: f64) -> f64 {
    1e-6 * value.abs().max(1.0)
}

/// The analysis of a point.
///
/// Two gradient norms are reported, each labelled: `gradient_norm` is the Euclidean
/// `‖∇f‖₂` (the one every rule here uses), `gradient_norm_inf` the largest component
/// `‖∇f‖∞` (the one hesse-optim's reports use).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Analysis {
    /// The point given.
    pub start: Vec<f64>,
    /// The analysed point (after refinement, if any).
    pub x: Vec<f64>,
    /// f(x).
    pub value: f64,
    /// ∇f(x).
    pub gradient: Vec<f64>,
    /// ‖∇f(x)‖₂.
    pub gradient_norm: f64,
    /// ‖∇f(x)‖∞ = maxᵢ |∂ᵢf(x)|.
    pub gradient_norm_inf: f64,
    /// The exact Hessian, symmetric.
    pub hessian: Matrix,
    /// Eigenvalues, ascending.
    pub eigenvalues: Vec<f64>,
    /// Eigenvectors: column j pairs with `eigenvalues[j]`.
    pub eigenvectors: Matrix,
    /// The zero tolerance used for the inertia (`zero_tolerance.total()`).
    pub tolerance: f64,
    /// Its parts.
    pub zero_tolerance: ZeroTolerance,
    /// Counts of negative, undecided (|λ| ≤ tolerance) and positive eigenvalues — of the
    /// Hessian restricted to the complement of the declared symmetry directions, if any.
    pub inertia: Inertia,
    /// What the Hessian says the point is (modulo the declared symmetry directions).
    pub classification: Classification,
    /// What refinement did, when asked.
    pub refinement: Option<Refinement>,
    /// The declared symmetry directions, orthonormalised ([`Analysis::modulo`]).
    pub symmetries: Vec<Vec<f64>>,
    /// Eigenvalues of the Hessian restricted to their complement, ascending (empty without
    /// symmetries).
    pub reduced_eigenvalues: Vec<f64>,
    /// `max ‖H v‖₂` over the declared directions: at most the tolerance if they are flat.
    pub symmetry_residual: f64,
}

impl Analysis {
    /// Eigenvector `j` (pairs with `eigenvalues[j]`), unit length.
    pub fn eigenvector(&self, j: usize) -> Vec<f64> {
        (0..self.eigenvectors.rows())
            .map(|r| self.eigenvectors[(r, j)])
            .collect()
    }

    /// The eigenvectors whose eigenvalues are within the tolerance of zero (undecided).
    pub fn zero_directions(&self) -> Vec<Vec<f64>> {
        (0..self.eigenvalues.len())
            .filter(|&j| self.eigenvalues[j].abs() <= self.tolerance)
            .map(|j| self.eigenvector(j))
            .collect()
    }

    /// The undecided eigenvectors along which the function is flat to second order here:
    /// `H·v ≈ 0` (|λ| within the tolerance) and `g·v ≈ 0` (within
    /// [`critical_gradient_tolerance`]). Symmetries of f show up as such directions.
    ///
    /// ```
    /// use hesse_critical::{analyze, AnalysisOptions};
    /// // f depends on x − y only: (1, 1)/√2 is flat everywhere
    /// let a = analyze(|x| (x[0] - x[1]).powi(2), &[0.3, 0.3], AnalysisOptions::default()).unwrap();
    /// assert_eq!(a.flat_directions().len(), 1);
    /// ```
    pub fn flat_directions(&self) -> Vec<Vec<f64>> {
        let gtol = critical_gradient_tolerance(self.value);
        self.zero_directions()
            .into_iter()
            .filter(|v| {
                v.iter()
                    .zip(&self.gradient)
                    .map(|(a, b)| a * b)
                    .sum::<f64>()
                    .abs()
                    <= gtol
            })
            .collect()
    }

    /// Whether ‖∇f‖₂ ≤ `gtol`.
    pub fn is_critical(&self, gtol: f64) -> bool {
        self.gradient_norm <= gtol
    }

    /// Whether the point counts as critical: ‖∇f‖₂ ≤ [`critical_gradient_tolerance`]`(f)`.
    pub fn is_critical_point(&self) -> bool {
        self.is_critical(critical_gradient_tolerance(self.value))
    }

    /// Condition number |λ|max / |λ|min (∞ when an eigenvalue is 0).
    pub fn condition_number(&self) -> f64 {
        let abs: Vec<f64> = self.eigenvalues.iter().map(|l| l.abs()).collect();
        let max = abs.iter().cloned().fold(0.0, f64::max);
        let min = abs.iter().cloned().fold(f64::INFINITY, f64::min);
        max / min
    }

    /// The analysis modulo symmetry directions: `directions` (any spanning set, e.g.
    /// [`rigid_body_modes`](crate::rigid_body_modes)) are declared flat, and the inertia and
    /// classification are those of the Hessian restricted to their orthogonal complement,
    /// at the same tolerance. If a declared direction is not flat here (`‖H v‖₂` above the
    /// tolerance), the declaration is recorded but the classification stays that of the
    /// whole Hessian, and the verdict says so.
    ///
    /// ```
    /// use hesse_critical::{analyze, AnalysisOptions, Classification};
    /// // invariant under shifting both coordinates: x − y is what matters
    /// let a = analyze(|x| (x[0] - x[1]).powi(2), &[0.3, 0.3], AnalysisOptions::default()).unwrap();
    /// assert!(matches!(a.classification, Classification::Degenerate { .. }));
    /// let m = a.modulo(&[vec![1.0, 1.0]]);
    /// assert_eq!(m.classification, Classification::Minimum);
    /// assert_eq!(m.verdict(), "strict local minimum modulo 1 symmetry direction");
    /// ```
    ///
    /// # Panics
    /// If a direction's length is not the dimension.
    #[track_caller]
    pub fn modulo(&self, directions: &[Vec<f64>]) -> Analysis {
        let n = self.x.len();
        assert!(
            directions.iter().all(|d| d.len() == n),
            "Analysis::modulo: directions must have {n} entries"
        );
        let basis = orthonormalize(directions);
        let mut a = self.clone();
        a.symmetry_residual = largest_image(&self.hessian, &basis);
        a.symmetries = basis;
        let p = complement(&a.symmetries, n);
        let (reduced, _) = symmetric_eigen(&restrict(&self.hessian, &p));
        a.reduced_eigenvalues = reduced;
        if a.symmetry_residual <= a.tolerance {
            a.inertia = Inertia::of(&a.reduced_eigenvalues, a.tolerance);
            a.classification = Classification::from_inertia(a.inertia);
        }
        a
    }

    /// Whether declared symmetry directions are in force (declared and flat here).
    pub fn symmetries_hold(&self) -> bool {
        !self.symmetries.is_empty() && self.symmetry_residual <= self.tolerance
    }
}

/// Analyses `model` at `x` (refining first unless turned off).
///
/// ```
/// use hesse_core::RecordedFn;
/// use hesse_critical::{analyze_model, AnalysisOptions, Classification};
/// let mut f = RecordedFn::new(|x| x[0].powi(2) - x[1].powi(2), &[0.1, 0.1]);
/// let a = analyze_model(&mut f, &[0.1, 0.1], AnalysisOptions::default()).unwrap();
/// assert_eq!(a.classification, Classification::Saddle { index: 1 });
/// assert!(a.gradient_norm < 1e-12);
/// ```
///
/// # Errors
/// [`AnalysisError::TooLarge`] if the dense matrices would exceed the memory limit
/// ([`AnalysisOptions::check_size`]); [`AnalysisError::NotFinite`] if the value, gradient or
/// Hessian at the analysed point is not finite.
pub fn analyze_model(
    model: &mut dyn TwiceDifferentiable,
    x: &[f64],
    opts: AnalysisOptions,
) -> Result<Analysis, AnalysisError> {
    opts.check_size(model.dim())?;
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
    finish(model, x, point, refinement, opts)
}

fn finish(
    model: &mut dyn TwiceDifferentiable,
    start: &[f64],
    x: Vec<f64>,
    refinement: Option<Refinement>,
    opts: AnalysisOptions,
) -> Result<Analysis, AnalysisError> {
    let (value, gradient) = model.value_and_grad(&x);
    let not_finite = |what| Err(AnalysisError::NotFinite { what, x: x.clone() });
    if !value.is_finite() {
        return not_finite("value");
    }
    if !gradient.iter().all(|g| g.is_finite()) {
        return not_finite("gradient");
    }
    let hessian = model.hessian(&x);
    if !hessian.as_slice().iter().all(|h| h.is_finite()) {
        return not_finite("Hessian");
    }
    let (eigenvalues, eigenvectors) = symmetric_eigen(&hessian);
    let zt = zero_tolerance(
        model,
        &x,
        &gradient,
        &hessian,
        &eigenvalues,
        &eigenvectors,
        opts.tolerance,
    );
    let tolerance = zt.total();
    let inertia = Inertia::of(&eigenvalues, tolerance);
    Ok(Analysis {
        start: start.to_vec(),
        gradient_norm: norm(&gradient),
        gradient_norm_inf: gradient.iter().fold(0.0, |m: f64, g| m.max(g.abs())),
        x,
        value,
        gradient,
        hessian,
        eigenvalues,
        eigenvectors,
        tolerance,
        zero_tolerance: zt,
        inertia,
        classification: Classification::from_inertia(inertia),
        refinement,
        symmetries: Vec::new(),
        reduced_eigenvalues: Vec::new(),
        symmetry_residual: 0.0,
    })
}

/// Analyses `f` (a closure over one scalar `Var` per coordinate) at `x`, refining onto the
/// nearby critical point first (unless turned off in `opts`).
///
/// The function is recorded once and replayed; if refinement moves the point across a
/// recorded comparison, it is recorded again at the final point.
///
/// ```
/// use hesse_critical::{analyze, AnalysisOptions, Classification};
/// let a = analyze(|x| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2), &[1.0, 1.0], AnalysisOptions::default()).unwrap();
/// assert_eq!(a.classification, Classification::Minimum);
/// assert_eq!(a.hessian.to_rows(), vec![vec![802.0, -400.0], vec![-400.0, 200.0]]);
/// // a NaN Hessian is an error, not a verdict
/// assert!(analyze(|x| x[0].sqrt() + x[1], &[-1.0, 0.0], AnalysisOptions::default()).is_err());
/// ```
///
/// # Errors
/// [`AnalysisError::TooLarge`] if the dense matrices would exceed the memory limit
/// ([`AnalysisOptions::check_size`]); [`AnalysisError::NotFinite`] if the value, gradient or
/// Hessian at the analysed point is not finite.
pub fn analyze<F>(f: F, x: &[f64], opts: AnalysisOptions) -> Result<Analysis, AnalysisError>
where
    F: for<'t> Fn(&[Var<'t>]) -> Var<'t>,
{
    opts.check_size(x.len())?;
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
    finish(&mut rec, x, point, refinement, opts)
}

/// Analyses `f` (a closure over one rank-1 `Var`, e.g. a network's flat parameters) at `x`.
///
/// ```
/// use hesse_critical::{analyze_vector, AnalysisOptions, Classification};
/// let a = analyze_vector(|w| -w.square().sum(), &[0.0, 0.0, 0.0], AnalysisOptions::default()).unwrap();
/// assert_eq!(a.classification, Classification::Maximum);
/// ```
///
/// # Errors
/// [`AnalysisError::TooLarge`] and [`AnalysisError::NotFinite`] as [`analyze`].
pub fn analyze_vector<F>(f: F, x: &[f64], opts: AnalysisOptions) -> Result<Analysis, AnalysisError>
where
    F: for<'t> Fn(Var<'t>) -> Var<'t>,
{
    opts.check_size(x.len())?;
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
    finish(&mut rec, x, point, refinement, opts)
}
