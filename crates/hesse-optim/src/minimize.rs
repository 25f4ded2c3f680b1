//! The driver: [`minimize`] and [`minimize_with`] own the loop, the evaluation counts, the
//! stopping rules, the trajectory and the observers; a [`Solver`] only does the mathematics of
//! one iteration.
//!
//! Order of the checks, after f and ∇f at x₀ (a non-finite x₀ is an error,
//! [`OptimError::NonFiniteStart`]; a non-finite f or ∇f there ends at once with
//! [`Status::NonFinite`]):
//! 1. gradient norm at x₀;
//! 2. each iteration: budgets (iterations, then f evaluations), then one
//!    [`Solver::step`]; after an accepted step: finiteness of x, f and ∇f (a non-finite one
//!    restores the previous point), divergence, f below the unbounded-below floor, observers,
//!    gradient norm, f change, step size. After a rejected step only the observers run.
//! 3. **The second-order check**, when the run converged or stalled
//!    ([`Status::NoProgress`], [`Status::LineSearchFailed`]) and the objective has
//!    Hessian-vector products ([`Options::with_curvature_check`], on by default): the smallest
//!    eigenvalue λ₁ of ∇²f(x) (exact Hessian for n ≤ 100, Lanczos above; see
//!    [`curvature`](crate::curvature)). An objective without them is checked only when the run
//!    stops at x₀ (∇f(x₀) ≈ 0), with central differences of its gradient. If λ₁ is clearly negative, the driver steps along its
//!    eigenvector to a lower f (at most 20 times a run), resets the solver
//!    ([`Solver::init`]) and goes on; if no such step exists, a converged run ends with
//!    [`Status::SaddlePoint`]. The estimate is in [`Report::min_eigenvalue`].

use std::time::Instant;

use crate::curvature::smallest_eigenpair;
use crate::escape::escape;
use crate::fd_hvp::FdHvp;
use crate::objective::Counted;
use crate::observe::NoObserver;
use crate::state::all_finite;
use crate::{
    Objective, Observer, OptimError, Options, Report, Solver, State, Status, Step, StopRule, Trajectory,
};

/// Minimizes `obj` from `x0` with `solver` under `options`.
///
/// # Errors
/// [`OptimError::InvalidOption`] if an option of `options` or of the solver is out of range,
/// [`OptimError::DimensionMismatch`] if `x0.len() != obj.dim()`, and
/// [`OptimError::Unsupported`] if the solver needs what the objective lacks. Numerical
/// trouble is not an error but the report's [`Status`].
///
/// ```
/// use hesse_optim::{minimize, FnObjective, Lbfgs, Options};
///
/// // Rosenbrock from (-1.2, 1), gradient by hand (see `VarObjective` for the engine's).
/// let mut rosen = FnObjective::new(2, |x: &[f64], g: &mut [f64]| {
///     let (a, b) = (1.0 - x[0], x[1] - x[0] * x[0]);
///     g[0] = -2.0 * a - 400.0 * x[0] * b;
///     g[1] = 200.0 * b;
///     a * a + 100.0 * b * b
/// });
/// let opts = Options::default().with_gtol(1e-10).with_ftol(0.0);
/// let report = minimize(&mut rosen, &mut Lbfgs::new(), &[-1.2, 1.0], &opts)?;
/// assert!(report.status.is_converged(), "{report}");
/// assert!((report.x[0] - 1.0).abs() < 1e-8 && (report.x[1] - 1.0).abs() < 1e-8);
/// # Ok::<(), hesse_optim::OptimError>(())
/// ```
pub fn minimize<O, S>(
    obj: &mut O,
    solver: &mut S,
    x0: &[f64],
    options: &Options,
) -> Result<Report, OptimError>
where
    O: Objective + ?Sized,
    S: Solver + ?Sized,
{
    minimize_with(obj, solver, x0, options, &mut NoObserver)
}

/// [`minimize`] with an [`Observer`] (a logger, a progress bar, an early stop, or several in a
/// `Vec<Box<dyn Observer>>`).
///
/// # Errors
/// As [`minimize`].
pub fn minimize_with<O, S, B>(
    obj: &mut O,
    solver: &mut S,
    x0: &[f64],
    options: &Options,
    observer: &mut B,
) -> Result<Report, OptimError>
where
    O: Objective + ?Sized,
    S: Solver + ?Sized,
    B: Observer + ?Sized,
{
    options.validate()?;
    if x0.len() != obj.dim() {
        return Err(OptimError::DimensionMismatch {
            expected: obj.dim(),
            got: x0.len(),
        });
    }
    if let Some(index) = x0.iter().position(|v| !v.is_finite()) {
        return Err(OptimError::NonFiniteStart {
            index,
            value: x0[index],
        });
    }
    let start = Instant::now();
    let norm = options.grad_norm();
    let mut inner = ObjRef(obj);
    let mut obj = Counted::new(&mut inner);
    let mut state = State::new(x0);
    state.f = obj.value_and_grad(x0, &mut state.grad);
    state.grad_norm = norm.of(&state.grad);
    sync_counts(&mut state, &obj);

    let mut trajectory = match options.trajectory() {
        Trajectory::Record => Some(vec![(state.x.clone(), state.f)]),
        Trajectory::Off => None,
    };
    let mut min_eigenvalue = None;
    let finish = |state: State, status: Status, trajectory, min_eigenvalue, observer: &mut B, solver: &S| {
        let report = Report {
            grad_norm: state.grad_norm,
            grad_norm_kind: norm,
            f: state.f,
            iterations: state.iteration,
            f_evals: state.f_evals,
            g_evals: state.g_evals,
            hvp_evals: state.hvp_evals,
            hess_evals: state.hess_evals,
            min_eigenvalue,
            x: state.x,
            elapsed: start.elapsed(),
            status,
            solver: solver.name(),
            trajectory,
        };
        observer.on_finish(&report);
        report
    };

    if !(state.f.is_finite() && all_finite(&state.grad)) {
        return Ok(finish(
            state,
            Status::NonFinite,
            trajectory,
            None,
            observer,
            solver,
        ));
    }
    solver.init(&mut obj, &mut state)?;
    sync_counts(&mut state, &obj);
    observer.on_start(solver.name(), &state);
    let f0 = state.f;
    let f_limit = f0 + options.divergence_limit() * f0.abs().max(1.0);
    // Symmetric to the divergence limit: this far below the start, no minimum is in sight.
    let f_floor = f0 - options.divergence_limit() * f0.abs().max(1.0);
    let mut prev_x = state.x.clone();
    let mut prev_g = state.grad.clone();
    let mut at_start = true;
    let mut escapes = 0;

    let status = 'run: loop {
        let outcome = 'iteration: {
            if std::mem::take(&mut at_start) && state.grad_norm <= options.gtol() {
                break 'iteration Status::Converged(StopRule::GradientNorm);
            }
            if state.iteration >= options.max_iterations() {
                break 'iteration Status::MaxIterations;
            }
            if state.f_evals >= options.max_evaluations() {
                break 'iteration Status::MaxEvaluations;
            }
            prev_x.copy_from_slice(&state.x);
            prev_g.copy_from_slice(&state.grad);
            let prev_f = state.f;
            let step = solver.step(&mut obj, &mut state)?;
            state.iteration += 1;
            sync_counts(&mut state, &obj);
            match step {
                Step::Stop(status) => {
                    if !(state.f.is_finite() && all_finite(&state.x) && all_finite(&state.grad)) {
                        restore(&mut state, &prev_x, prev_f, &prev_g);
                    }
                    state.grad_norm = norm.of(&state.grad);
                    let stalled = matches!(
                        status,
                        Status::NoProgress { .. } | Status::LineSearchFailed { .. }
                    );
                    if stalled && state.grad_norm <= options.gtol() {
                        // The solver's last point meets the gradient test after all.
                        break 'iteration Status::Converged(StopRule::GradientNorm);
                    }
                    break 'iteration unbounded_below(status, state.f, f_floor);
                }
                Step::Rejected => {
                    if observer.on_iteration(&state) == crate::Control::Stop {
                        break 'iteration Status::StoppedByObserver;
                    }
                    continue 'run;
                }
                Step::Accepted => {
                    if !(state.f.is_finite() && all_finite(&state.x) && all_finite(&state.grad)) {
                        restore(&mut state, &prev_x, prev_f, &prev_g);
                        state.grad_norm = norm.of(&state.grad);
                        break 'iteration Status::NonFinite;
                    }
                    state.grad_norm = norm.of(&state.grad);
                    if let Some(t) = trajectory.as_mut() {
                        t.push((state.x.clone(), state.f));
                    }
                    if state.f > f_limit {
                        break 'iteration Status::Diverged;
                    }
                    if state.f < f_floor {
                        break 'iteration Status::UnboundedBelow;
                    }
                    if observer.on_iteration(&state) == crate::Control::Stop {
                        break 'iteration Status::StoppedByObserver;
                    }
                    if state.grad_norm <= options.gtol() {
                        break 'iteration Status::Converged(StopRule::GradientNorm);
                    }
                    let scale = prev_f.abs().max(state.f.abs()).max(1.0);
                    if options.ftol() > 0.0 && (prev_f - state.f).abs() <= options.ftol() * scale {
                        break 'iteration Status::Converged(StopRule::FunctionChange);
                    }
                    if options.xtol() > 0.0 {
                        let dx = state
                            .x
                            .iter()
                            .zip(&prev_x)
                            .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
                        if dx <= options.xtol() {
                            break 'iteration Status::Converged(StopRule::StepSize);
                        }
                    }
                    continue 'run;
                }
            }
        };
        // The second-order check where the run believes it is done.
        let stalled = matches!(
            outcome,
            Status::Converged(_) | Status::NoProgress { .. } | Status::LineSearchFailed { .. }
        );
        let exact = obj.supports_hvp();
        // Without exact HVPs, only a run that stopped at its start is checked, by differences.
        let at_x0 = state.iteration == 0 && matches!(outcome, Status::Converged(_));
        if !(stalled && options.curvature_check() && (exact || at_x0)) {
            break outcome;
        }
        let curvature = if exact {
            smallest_eigenpair(&mut obj, &state.x)?
        } else {
            smallest_eigenpair(&mut FdHvp { inner: &mut obj }, &state.x)?
        };
        sync_counts(&mut state, &obj);
        let Some(curvature) = curvature else {
            break outcome;
        };
        min_eigenvalue = Some(curvature.lambda);
        if !curvature.is_negative() {
            break outcome;
        }
        if escapes < MAX_ESCAPES && escape(&mut obj, &mut state, &curvature) {
            // Off the saddle along negative curvature: a new start for the solver.
            escapes += 1;
            min_eigenvalue = None;
            state.iteration += 1;
            state.grad_norm = norm.of(&state.grad);
            sync_counts(&mut state, &obj);
            if let Some(t) = trajectory.as_mut() {
                t.push((state.x.clone(), state.f));
            }
            solver.init(&mut obj, &mut state)?;
            sync_counts(&mut state, &obj);
            if observer.on_iteration(&state) == crate::Control::Stop {
                break Status::StoppedByObserver;
            }
            at_start = true;
            continue;
        }
        sync_counts(&mut state, &obj);
        break match outcome {
            Status::Converged(_) => Status::SaddlePoint {
                min_eigenvalue: curvature.lambda,
            },
            other => other,
        };
    };
    Ok(finish(
        state,
        status,
        trajectory,
        min_eigenvalue,
        observer,
        solver,
    ))
}

/// The most escapes from saddle points in one run.
const MAX_ESCAPES: usize = 20;

/// A failed line search after f fell below `f_floor` says the objective looks unbounded below,
/// not that the gradient is wrong.
fn unbounded_below(status: Status, f: f64, f_floor: f64) -> Status {
    match status {
        Status::LineSearchFailed { .. } if f < f_floor => Status::UnboundedBelow,
        other => other,
    }
}

/// Puts back the last finite point.
fn restore(state: &mut State, x: &[f64], f: f64, g: &[f64]) {
    state.x.copy_from_slice(x);
    state.f = f;
    state.grad.copy_from_slice(g);
}

fn sync_counts(state: &mut State, obj: &Counted<'_>) {
    state.f_evals = obj.counts.f;
    state.g_evals = obj.counts.g;
    state.hvp_evals = obj.counts.hvp;
    state.hess_evals = obj.counts.hess;
}

/// Lets an unsized `O: Objective + ?Sized` become a `&mut dyn Objective`.
struct ObjRef<'a, O: ?Sized>(&'a mut O);

impl<O: Objective + ?Sized> Objective for ObjRef<'_, O> {
    fn dim(&self) -> usize {
        self.0.dim()
    }
    fn value(&mut self, x: &[f64]) -> f64 {
        self.0.value(x)
    }
    fn value_and_grad(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        self.0.value_and_grad(x, grad)
    }
    fn hvp(&mut self, x: &[f64], v: &[f64], out: &mut [f64]) -> Result<(), OptimError> {
        self.0.hvp(x, v, out)
    }
    fn supports_hvp(&self) -> bool {
        self.0.supports_hvp()
    }
    fn hessian(&mut self, x: &[f64], out: &mut [f64]) -> Result<(), OptimError> {
        self.0.hessian(x, out)
    }
}
