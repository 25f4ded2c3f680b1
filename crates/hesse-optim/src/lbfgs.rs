//! L-BFGS: limited-memory BFGS with a strong Wolfe line search.
//!
//! The search direction is d = −H∇f by the two-loop recursion over the last m pairs
//! sₖ = xₖ₊₁ − xₖ, yₖ = ∇fₖ₊₁ − ∇fₖ, ρₖ = 1/(yₖᵀsₖ), with the initial matrix H⁰ = γI,
//! γ = sᵀy / yᵀy of the newest pair (Nocedal & Wright, Alg. 7.4–7.5, eq. 7.20). The step
//! comes from a [`LineSearch`] (default [`MoreThuente`]) that hands back f and ∇f at the
//! accepted point, so no evaluation is repeated.
//!
//! - **First step** (and after a reset): d = −∇f with α₀ = 1/‖∇f‖₂, as L-BFGS-B does; later
//!   α₀ = 1.
//! - **Curvature guard.** A pair is stored only if sᵀy > ε‖s‖₂‖y‖₂ (ε = 1e-10 by default),
//!   so H stays positive definite even after a step that only met Armijo's condition.
//! - **End game.** A trial point that rounds to x itself is not evaluated (f and ∇f there are
//!   known). If the line search fails after its trial steps stopped changing x (relative step
//!   ‖αd‖∞ ≤ ε‖x‖∞), the run ends at once, at the best point met, with
//!   [`Status::LineSearchFailed`] and [`HINT_NO_STEP`]: no retry can find a step f64 can
//!   represent.
//! - **Stagnation.** An accepted step that leaves f unchanged (or higher) ends the run, at the
//!   new point, with [`Status::NoProgress`] and [`HINT_STAGNANT`]: the line search accepted it
//!   only because the decrease it asked for, c₁α∇fᵀd, is below f's rounding error, so f no
//!   longer resolves the decrease left (scipy's L-BFGS-B stops there too, with `ftol = 0`).
//! - **Unbounded below.** If a search (failed or not) only ever found lower f at longer steps, the
//!   slope not flattening (φ' at the longest step ≤ ½φ'(0)) and f falling by more than
//!   10⁸·max(|f₀|, 1), the run ends with [`Status::UnboundedBelow`] at the lowest point.
//! - **Recovery.** If the line search fails otherwise, the memory is cleared and the search is
//!   retried once along steepest descent, from the best point it met, with a [`Backtracking`]
//!   (Armijo) search. If that fails too, the run ends with
//!   [`Status::LineSearchFailed`] (or [`Status::NonFinite`] when only non-finite values were
//!   met), keeping the best point; the status's hint tells a gradient inconsistent with f
//!   (f rises where the gradient says it falls) from a point where f no longer changes above
//!   rounding error.
//!
//! # Defaults
//! m = 10, [`MoreThuente`] with c1 = 1e-4, c2 = 0.9, at most 20 evaluations per search;
//! [`Backtracking`] fallback; ε = 1e-10.
//!
//! # Requirements on the objective
//! f and ∇f ([`Objective::value_and_grad`]); f bounded below and continuously differentiable
//! for the convergence theory.
//!
//! # References
//! - D. C. Liu, J. Nocedal, "On the limited memory BFGS method for large scale optimization",
//!   Math. Program. 45, 503–528, 1989, doi:10.1007/BF01589116.
//! - J. Nocedal, S. J. Wright, *Numerical Optimization*, 2nd ed., Springer 2006,
//!   doi:10.1007/978-0-387-40065-5, §7.2.

use std::collections::VecDeque;

use crate::error::{check_nonneg, check_open};
use crate::linesearch::{Backtracking, LineSearch, LineSearchError, MoreThuente};
use crate::state::{dot, norm_inf, norm2};
use crate::{Objective, OptimError, Solver, State, Status, Step};

/// Hint of [`Status::LineSearchFailed`] when f rose where the gradient promised descent.
pub const HINT_INCONSISTENT: &str = "f increased along a direction its gradient says is downhill: \
     the gradient may be inconsistent with f (compare it with finite differences, e.g. hesse_core::check_gradient)";
/// Hint of [`Status::LineSearchFailed`] when f no longer changes above rounding error.
pub const HINT_PRECISION: &str = "f does not change above rounding error along the search direction: \
     the tolerances may be tighter than f64 precision allows at this point";
/// Hint of [`Status::LineSearchFailed`] when the search's trial steps no longer change x: the
/// relative step ‖αd‖∞/‖x‖∞ fell below machine precision, so no shorter step can help and the
/// run stops at once instead of retrying.
pub const HINT_NO_STEP: &str = "the line search's trial steps no longer change x (relative step below machine \
     precision): x is as close to a minimizer along this direction as f64 can tell";
/// Hint of [`Status::NoProgress`] when an accepted step left f unchanged (or higher): f no
/// longer resolves the remaining decrease.
pub const HINT_STAGNANT: &str = "an accepted step left f unchanged: x is a minimizer to within what f64 resolves \
     in f (the gradient tolerance may be tighter than attainable here)";
/// Hint of [`Status::LineSearchFailed`] otherwise.
pub const HINT_OTHER: &str = "no step met the line search conditions, even along steepest descent";

/// Limited-memory BFGS (see the [module docs](self)).
///
/// ```
/// use hesse_optim::{minimize, FnObjective, Lbfgs, Options};
/// use hesse_optim::linesearch::Backtracking;
///
/// // A badly scaled quadratic: f = x₀² + 1000 x₁².
/// let mut obj = FnObjective::new(2, |x: &[f64], g: &mut [f64]| {
///     g[0] = 2.0 * x[0];
///     g[1] = 2000.0 * x[1];
///     x[0] * x[0] + 1000.0 * x[1] * x[1]
/// });
/// let opts = Options::default().with_gtol(1e-10);
/// let r = minimize(&mut obj, &mut Lbfgs::new().with_memory(5), &[1.0, 1.0], &opts)?;
/// assert!(r.status.is_converged() && r.f < 1e-20, "{r}");
/// // Any line search fits; Armijo backtracking relies on the curvature guard.
/// let r = minimize(&mut obj, &mut Lbfgs::new().with_line_search(Backtracking::new()), &[1.0, 1.0], &opts)?;
/// assert!(r.status.is_converged(), "{r}");
/// # Ok::<(), hesse_optim::OptimError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Lbfgs<L = MoreThuente> {
    /// History length m.
    m: usize,
    /// The line search.
    line_search: L,
    /// Armijo backtracking for the steepest-descent retry.
    fallback: Backtracking,
    /// ε of the curvature guard sᵀy > ε‖s‖‖y‖.
    curvature_eps: f64,
    /// Steps sₖ, oldest first.
    s: VecDeque<Vec<f64>>,
    /// Gradient changes yₖ, oldest first.
    y: VecDeque<Vec<f64>>,
    /// ρₖ = 1/(yₖᵀsₖ).
    rho: VecDeque<f64>,
    /// Scaling γ of H⁰ = γI.
    gamma: f64,
    /// Search direction d.
    d: Vec<f64>,
    /// Two-loop coefficients.
    alpha: Vec<f64>,
    /// Trial points and their gradients.
    probe: Probe,
    /// Whether the previous iteration needed the steepest-descent recovery.
    recovered_last: bool,
}

impl Default for Lbfgs<MoreThuente> {
    fn default() -> Self {
        Lbfgs {
            m: 10,
            line_search: MoreThuente::new(),
            fallback: Backtracking::new(),
            curvature_eps: 1e-10,
            s: VecDeque::new(),
            y: VecDeque::new(),
            rho: VecDeque::new(),
            gamma: 1.0,
            d: Vec::new(),
            alpha: Vec::new(),
            probe: Probe::default(),
            recovered_last: false,
        }
    }
}

impl Lbfgs<MoreThuente> {
    /// m = 10 with [`MoreThuente`].
    pub fn new() -> Self {
        Self::default()
    }
}

impl<L: LineSearch> Lbfgs<L> {
    /// History length m ≥ 1.
    pub fn with_memory(mut self, m: usize) -> Self {
        self.m = m;
        self
    }
    /// Replaces the line search.
    pub fn with_line_search<L2: LineSearch>(self, line_search: L2) -> Lbfgs<L2> {
        Lbfgs {
            m: self.m,
            line_search,
            fallback: self.fallback,
            curvature_eps: self.curvature_eps,
            s: self.s,
            y: self.y,
            rho: self.rho,
            gamma: self.gamma,
            d: self.d,
            alpha: self.alpha,
            probe: self.probe,
            recovered_last: self.recovered_last,
        }
    }
    /// ε ∈ [0, 1) of the curvature guard.
    pub fn with_curvature_eps(mut self, eps: f64) -> Self {
        self.curvature_eps = eps;
        self
    }

    fn clear_memory(&mut self) {
        self.s.clear();
        self.y.clear();
        self.rho.clear();
        self.gamma = 1.0;
    }

    /// d = −H g by the two-loop recursion (Nocedal & Wright, Alg. 7.4).
    fn two_loop(&mut self, g: &[f64]) {
        let d = &mut self.d;
        d.iter_mut().zip(g).for_each(|(di, gi)| *di = *gi);
        let k = self.s.len();
        self.alpha.resize(k, 0.0);
        for i in (0..k).rev() {
            let a = self.rho[i] * dot(&self.s[i], d);
            self.alpha[i] = a;
            d.iter_mut().zip(&self.y[i]).for_each(|(di, yi)| *di -= a * yi);
        }
        d.iter_mut().for_each(|di| *di *= self.gamma);
        for i in 0..k {
            let b = self.rho[i] * dot(&self.y[i], d);
            let c = self.alpha[i] - b;
            d.iter_mut().zip(&self.s[i]).for_each(|(di, si)| *di += c * si);
        }
        d.iter_mut().for_each(|di| *di = -*di);
    }

    /// Stores (s, y) from the accepted trial if it passes the curvature guard.
    fn push_pair(&mut self, x: &[f64], g: &[f64]) {
        let (mut s, mut y) = if self.s.len() == self.m {
            self.rho.pop_front();
            (
                self.s.pop_front().unwrap_or_default(),
                self.y.pop_front().unwrap_or_default(),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        s.clear();
        s.extend(self.probe.x.iter().zip(x).map(|(a, b)| a - b));
        y.clear();
        y.extend(self.probe.g.iter().zip(g).map(|(a, b)| a - b));
        let sy = dot(&s, &y);
        let yy = dot(&y, &y);
        if sy > self.curvature_eps * norm2(&s) * yy.sqrt() && sy.is_finite() && yy > 0.0 {
            self.gamma = sy / yy;
            self.rho.push_back(1.0 / sy);
            self.s.push_back(s);
            self.y.push_back(y);
        }
    }

    /// Runs one line search along `self.d` from `state`; `fallback` picks the search.
    fn search(
        &mut self,
        obj: &mut dyn Objective,
        state: &State,
        dphi0: f64,
        alpha0: f64,
        fallback: bool,
    ) -> Result<(), LineSearchError> {
        self.probe.start(state, dphi0);
        let (probe, d, x) = (&mut self.probe, &self.d, state.x());
        let mut phi = |a: f64| probe.eval(obj, x, d, a);
        let acc = if fallback {
            self.fallback.search(&mut phi, state.f(), dphi0, alpha0)?
        } else {
            self.line_search.search(&mut phi, state.f(), dphi0, alpha0)?
        };
        if probe.last_alpha != acc.alpha {
            // The searches accept their last evaluation; keep the contract cheap to rely on.
            probe.eval(obj, x, d, acc.alpha);
        }
        Ok(())
    }
}

impl<L> Lbfgs<L> {
    /// The status of a failed search and its failed retry.
    fn failure(&self, first: LineSearchError, second: LineSearchError, dphi0: f64, f: f64) -> Status {
        if matches!(first, LineSearchError::NonFinite { .. })
            && matches!(second, LineSearchError::NonFinite { .. })
        {
            return Status::NonFinite;
        }
        let hint = self.probe.diagnose(f);
        Status::LineSearchFailed {
            directional_derivative: dphi0,
            hint: hint.into(),
        }
    }
}

impl<L: LineSearch> Solver for Lbfgs<L> {
    fn name(&self) -> &'static str {
        "l-bfgs"
    }

    fn init(&mut self, obj: &mut dyn Objective, _state: &mut State) -> Result<(), OptimError> {
        if self.m == 0 {
            return Err(OptimError::invalid("memory", 0, "an integer >= 1"));
        }
        check_nonneg("curvature_eps", self.curvature_eps)?;
        check_open(
            "curvature_eps",
            self.curvature_eps,
            -f64::MIN_POSITIVE,
            1.0,
            "a number in [0, 1)",
        )?;
        self.line_search.validate()?;
        self.fallback.validate()?;
        self.clear_memory();
        let n = obj.dim();
        self.d = vec![0.0; n];
        self.probe = Probe::new(n);
        self.recovered_last = false;
        Ok(())
    }

    fn step(&mut self, obj: &mut dyn Objective, state: &mut State) -> Result<Step, OptimError> {
        let mut alpha0 = 1.0;
        if self.s.is_empty() {
            self.d.iter_mut().zip(state.grad()).for_each(|(d, g)| *d = -g);
            alpha0 = 1.0 / norm2(state.grad());
        } else {
            self.two_loop(state.grad());
        }
        let mut dphi0 = dot(state.grad(), &self.d);
        if dphi0.is_nan() || dphi0 >= 0.0 {
            // H lost positive definiteness to rounding: restart from steepest descent.
            self.clear_memory();
            self.d.iter_mut().zip(state.grad()).for_each(|(d, g)| *d = -g);
            dphi0 = dot(state.grad(), &self.d);
            alpha0 = 1.0 / norm2(state.grad());
        }
        let first = self.search(obj, state, dphi0, alpha0, false).and_then(|()| {
            if self.probe.x == state.x() {
                // Accepted a step that rounds to x: no step at all.
                Err(LineSearchError::StepTooSmall {
                    evals: self.probe.trials.len(),
                })
            } else {
                Ok(())
            }
        });
        if let Err(first_err) = first {
            if self.probe.unbounded() {
                self.probe.move_to_best(state);
                return Ok(Step::Stop(Status::UnboundedBelow));
            }
            let moved = self.probe.move_to_best(state);
            if self.probe.stalled {
                // The trials no longer change x: no retry can do better.
                return Ok(Step::Stop(
                    if matches!(first_err, LineSearchError::NonFinite { .. }) && !moved {
                        Status::NonFinite
                    } else {
                        let hint = match self.probe.diagnose(self.probe.f0) {
                            HINT_INCONSISTENT => HINT_INCONSISTENT,
                            _ => HINT_NO_STEP,
                        };
                        Status::LineSearchFailed {
                            directional_derivative: dphi0,
                            hint: hint.into(),
                        }
                    },
                ));
            }
            if self.recovered_last {
                // Two failures in a row: f no longer decreases usefully. Stop rather than
                // spend the evaluation budget on rounding-level progress.
                return Ok(Step::Stop(self.failure(first_err, first_err, dphi0, state.f())));
            }
            // Recovery: best point, cleared memory, steepest descent, Armijo backtracking.
            self.recovered_last = true;
            self.clear_memory();
            self.d.iter_mut().zip(state.grad()).for_each(|(d, g)| *d = -g);
            let dphi0 = dot(state.grad(), &self.d);
            let alpha0 = 1.0 / norm2(state.grad());
            let retry = self.search(obj, state, dphi0, alpha0, true).and_then(|()| {
                // Armijo holds trivially when f changes only by rounding: no progress.
                if self.probe.f < state.f() - 64.0 * f64::EPSILON * state.f().abs() {
                    Ok(())
                } else {
                    Err(LineSearchError::IntervalTooSmall {
                        evals: self.probe.trials.len(),
                    })
                }
            });
            if let Err(second_err) = retry {
                let moved_again = self.probe.move_to_best(state);
                if moved || moved_again {
                    // Progress was made: let the driver judge the new point, and try again.
                    return Ok(Step::Accepted);
                }
                return Ok(Step::Stop(self.failure(first_err, second_err, dphi0, state.f())));
            }
        } else {
            self.recovered_last = false;
            if self.probe.unbounded() {
                // An accepted step at the search's longest trial, f still falling as steeply.
                let (x, f, g) = state.parts_mut();
                x.copy_from_slice(&self.probe.x);
                g.copy_from_slice(&self.probe.g);
                *f = self.probe.f;
                return Ok(Step::Stop(Status::UnboundedBelow));
            }
        }
        self.push_pair(state.x(), state.grad());
        let stagnant = self.probe.f >= state.f();
        let (x, f, g) = state.parts_mut();
        x.copy_from_slice(&self.probe.x);
        g.copy_from_slice(&self.probe.g);
        *f = self.probe.f;
        if stagnant {
            return Ok(Step::Stop(Status::NoProgress {
                hint: HINT_STAGNANT.into(),
            }));
        }
        Ok(Step::Accepted)
    }
}

/// The caller's side of φ: trial point, its gradient, the best point met, and a log of the
/// trials for diagnosis.
#[derive(Debug, Clone, Default)]
struct Probe {
    /// Last trial point x + α d.
    x: Vec<f64>,
    /// ∇f at the last trial point.
    g: Vec<f64>,
    /// f at the last trial point.
    f: f64,
    /// α of the last trial.
    last_alpha: f64,
    /// Best (lowest finite f) trial point, its gradient and value.
    best_x: Vec<f64>,
    best_g: Vec<f64>,
    best_f: f64,
    /// f, ∇f and φ'(0) at the search's start.
    f0: f64,
    g0: Vec<f64>,
    dphi0: f64,
    /// Whether a trial step no longer changed x (relative step ≤ ε).
    stalled: bool,
    /// (α, φ(α), φ'(α)) of every trial of the current search.
    trials: Vec<(f64, f64, f64)>,
}

impl Probe {
    fn new(n: usize) -> Self {
        Probe {
            x: vec![0.0; n],
            g: vec![0.0; n],
            best_x: vec![0.0; n],
            best_g: vec![0.0; n],
            ..Probe::default()
        }
    }

    fn start(&mut self, state: &State, dphi0: f64) {
        self.best_f = state.f();
        self.f0 = state.f();
        self.dphi0 = dphi0;
        self.g0.clear();
        self.g0.extend_from_slice(state.grad());
        self.last_alpha = f64::NAN;
        self.trials.clear();
        self.stalled = false;
    }

    fn eval(&mut self, obj: &mut dyn Objective, x0: &[f64], d: &[f64], alpha: f64) -> (f64, f64) {
        self.x
            .iter_mut()
            .zip(x0.iter().zip(d))
            .for_each(|(xt, (xi, di))| *xt = xi + alpha * di);
        if alpha.abs() * norm_inf(d) <= f64::EPSILON * norm_inf(x0) {
            self.stalled = true;
        }
        let (f, dphi) = if self.x == x0 {
            // x + αd rounds to x: f and ∇f there are known, no evaluation.
            self.stalled = true;
            self.g.copy_from_slice(&self.g0);
            (self.f0, self.dphi0)
        } else {
            let f = obj.value_and_grad(&self.x, &mut self.g);
            (f, dot(&self.g, d))
        };
        self.f = f;
        self.last_alpha = alpha;
        self.trials.push((alpha, f, dphi));
        if f < self.best_f && dphi.is_finite() {
            self.best_f = f;
            self.best_x.copy_from_slice(&self.x);
            self.best_g.copy_from_slice(&self.g);
        }
        (f, dphi)
    }

    /// Moves `state` to the best trial point if it beat the start by more than rounding error;
    /// returns whether it did.
    fn move_to_best(&mut self, state: &mut State) -> bool {
        // A decrease at rounding level is no progress (it would let the f-change test
        // "converge" at a point where the search failed).
        let noise = 64.0 * f64::EPSILON * self.f0.abs();
        if self.best_f < self.f0 - noise {
            let (x, f, g) = state.parts_mut();
            x.copy_from_slice(&self.best_x);
            g.copy_from_slice(&self.best_g);
            *f = self.best_f;
            true
        } else {
            false
        }
    }

    /// Whether the failed search looks like f is unbounded below: every longer step gave a lower
    /// f, the slope at the longest one is still at least half the initial slope, and f fell by
    /// more than 1e8·max(|f₀|, 1).
    fn unbounded(&self) -> bool {
        let mut trials = self.trials.clone();
        trials.sort_by(|a, b| a.0.total_cmp(&b.0));
        let monotone = trials
            .iter()
            .all(|(_, f, dphi)| f.is_finite() && dphi.is_finite())
            && trials.windows(2).all(|w| w[1].1 < w[0].1)
            && trials.first().is_some_and(|t| t.1 < self.f0);
        monotone
            && trials.last().is_some_and(|&(_, f, dphi)| {
                dphi <= 0.5 * self.dphi0 && self.f0 - f > 1e8 * self.f0.abs().max(1.0)
            })
    }

    /// Which hint fits the trials of the failed search.
    fn diagnose(&self, f0: f64) -> &'static str {
        let noise = 64.0 * f64::EPSILON * f0.abs().max(f64::MIN_POSITIVE);
        // The smallest step whose value differs from f0 by more than rounding error.
        let visible = self
            .trials
            .iter()
            .filter(|(_, f, dphi)| f.is_finite() && dphi.is_finite() && (f - f0).abs() > noise)
            .min_by(|a, b| a.0.total_cmp(&b.0));
        match visible {
            None => HINT_PRECISION,
            // φ' < 0 at both ends of [0, α] yet φ(α) > φ(0): the slope and the values disagree.
            Some(&(_, f, dphi)) if f > f0 && dphi < 0.0 => HINT_INCONSISTENT,
            Some(_) => HINT_OTHER,
        }
    }
}
