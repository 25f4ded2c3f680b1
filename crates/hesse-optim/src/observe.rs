//! Observers: per-iteration hooks that log, draw a progress bar, or stop the run early.
//!
//! - [`Observer`]: the trait, three hooks with no-op defaults.
//! - [`Every`]: forwards `on_iteration` only every n-th iteration.
//! - [`Log`]: one line per iteration to stderr (or any writer).
//! - [`Progress`]: an indicatif progress bar, drawn only when stderr is a terminal.
//! - Any closure `FnMut(&State) -> Control` is an observer; so is a `Vec<Box<dyn Observer>>`.

use std::io::{IsTerminal, Write};

use crate::{Report, State};

/// What an observer tells the driver after an iteration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Control {
    /// Go on (the default).
    #[default]
    Continue,
    /// Stop now with [`Status::StoppedByObserver`](crate::Status::StoppedByObserver).
    Stop,
}

/// Hooks called by [`minimize_with`](crate::minimize_with).
///
/// ```
/// use hesse_optim::{minimize_with, Control, FnObjective, GradientDescent, Options, State, Status};
///
/// let mut obj = FnObjective::new(1, |x: &[f64], g: &mut [f64]| { g[0] = 2.0 * x[0]; x[0] * x[0] });
/// // A closure is an observer: stop after 3 iterations.
/// let mut stop_early = |s: &State| if s.iteration() >= 3 { Control::Stop } else { Control::Continue };
/// let report = minimize_with(
///     &mut obj, &mut GradientDescent::new(0.1), &[1.0], &Options::default(), &mut stop_early,
/// )?;
/// assert_eq!(report.status, Status::StoppedByObserver);
/// assert_eq!(report.iterations, 3);
/// # Ok::<(), hesse_optim::OptimError>(())
/// ```
pub trait Observer {
    /// Called once after f and ∇f were evaluated at x₀.
    fn on_start(&mut self, solver: &str, state: &State) {
        let _ = (solver, state);
    }
    /// Called after every iteration (accepted or rejected). Return [`Control::Stop`] to stop.
    fn on_iteration(&mut self, state: &State) -> Control {
        let _ = state;
        Control::Continue
    }
    /// Called once with the final report.
    fn on_finish(&mut self, report: &Report) {
        let _ = report;
    }
}

impl<F: FnMut(&State) -> Control> Observer for F {
    fn on_iteration(&mut self, state: &State) -> Control {
        self(state)
    }
}

impl Observer for Vec<Box<dyn Observer + '_>> {
    fn on_start(&mut self, solver: &str, state: &State) {
        for o in self.iter_mut() {
            o.on_start(solver, state);
        }
    }
    fn on_iteration(&mut self, state: &State) -> Control {
        let mut c = Control::Continue;
        for o in self.iter_mut() {
            if o.on_iteration(state) == Control::Stop {
                c = Control::Stop;
            }
        }
        c
    }
    fn on_finish(&mut self, report: &Report) {
        for o in self.iter_mut() {
            o.on_finish(report);
        }
    }
}

/// No observer: the one [`minimize`](fn@crate::minimize) uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl Observer for NoObserver {}

/// Forwards [`on_iteration`](Observer::on_iteration) to the inner observer only every n-th
/// iteration (n ≥ 1; 0 is treated as 1); `on_start` and `on_finish` always.
///
/// ```
/// use hesse_optim::{Every, Log};
/// let _obs = Every::new(100, Log::stderr());
/// ```
#[derive(Debug, Clone)]
pub struct Every<O> {
    n: usize,
    inner: O,
}

impl<O: Observer> Every<O> {
    /// Wraps `inner` to see every `n`-th iteration.
    pub fn new(n: usize, inner: O) -> Self {
        Every { n: n.max(1), inner }
    }
    /// The wrapped observer.
    pub fn into_inner(self) -> O {
        self.inner
    }
}

impl<O: Observer> Observer for Every<O> {
    fn on_start(&mut self, solver: &str, state: &State) {
        self.inner.on_start(solver, state);
    }
    fn on_iteration(&mut self, state: &State) -> Control {
        if state.iteration() % self.n == 0 {
            self.inner.on_iteration(state)
        } else {
            Control::Continue
        }
    }
    fn on_finish(&mut self, report: &Report) {
        self.inner.on_finish(report);
    }
}

/// Logs one line per iteration: iteration, f, gradient norm and evaluation counts.
///
/// ```
/// use hesse_optim::{minimize_with, FnObjective, Lbfgs, Log, Options};
///
/// let mut obj = FnObjective::new(1, |x: &[f64], g: &mut [f64]| { g[0] = 2.0 * x[0]; x[0] * x[0] });
/// let mut log = Log::to_writer(Vec::new());
/// minimize_with(&mut obj, &mut Lbfgs::new(), &[1.0], &Options::default(), &mut log)?;
/// let text = String::from_utf8(log.into_writer())?;
/// assert!(text.starts_with("l-bfgs: start f = 1e0"));
/// assert!(text.contains("converged"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Log<W: Write = std::io::Stderr> {
    out: W,
}

impl Log<std::io::Stderr> {
    /// Logs to standard error.
    pub fn stderr() -> Self {
        Log {
            out: std::io::stderr(),
        }
    }
}

impl<W: Write> Log<W> {
    /// Logs to `out`.
    pub fn to_writer(out: W) -> Self {
        Log { out }
    }
    /// The writer, e.g. the `Vec<u8>` of a test.
    pub fn into_writer(self) -> W {
        self.out
    }
}

impl<W: Write> Observer for Log<W> {
    fn on_start(&mut self, solver: &str, state: &State) {
        // Logging must never end a run: write errors are ignored.
        let _ = writeln!(
            self.out,
            "{solver}: start f = {:e}, |g| = {:e}",
            state.f(),
            state.grad_norm()
        );
    }
    fn on_iteration(&mut self, state: &State) -> Control {
        let _ = writeln!(
            self.out,
            "iter {:>6}  f = {:<24e} |g| = {:<12.4e} evals f {} g {} hvp {}",
            state.iteration(),
            state.f(),
            state.grad_norm(),
            state.f_evals(),
            state.g_evals(),
            state.hvp_evals()
        );
        Control::Continue
    }
    fn on_finish(&mut self, report: &Report) {
        let _ = writeln!(self.out, "{report}");
    }
}

/// A progress bar over the iteration budget (indicatif), showing f and ‖∇f‖.
///
/// Drawn only when stderr is a terminal; otherwise it is silent, so logs and CI stay clean.
///
/// ```
/// let _bar = hesse_optim::Progress::new(1000);
/// ```
#[derive(Debug)]
pub struct Progress {
    bar: indicatif::ProgressBar,
}

impl Progress {
    /// A bar of `max_iterations` steps.
    pub fn new(max_iterations: usize) -> Self {
        let target = if std::io::stderr().is_terminal() {
            indicatif::ProgressDrawTarget::stderr()
        } else {
            indicatif::ProgressDrawTarget::hidden()
        };
        let bar = indicatif::ProgressBar::with_draw_target(Some(max_iterations as u64), target);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg} ({elapsed})")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress { bar }
    }
}

impl Observer for Progress {
    fn on_start(&mut self, solver: &str, _state: &State) {
        self.bar.set_prefix(solver.to_string());
    }
    fn on_iteration(&mut self, state: &State) -> Control {
        self.bar.set_position(state.iteration() as u64);
        self.bar
            .set_message(format!("f = {:.6e}  |g| = {:.2e}", state.f(), state.grad_norm()));
        Control::Continue
    }
    fn on_finish(&mut self, report: &Report) {
        self.bar.finish_with_message(report.status.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_forwards_only_every_nth() {
        let mut seen = Vec::new();
        {
            let mut obs = Every::new(3, |s: &State| {
                seen.push(s.iteration());
                Control::Continue
            });
            let mut s = State::new(&[0.0]);
            for k in 1..=7 {
                s.iteration = k;
                obs.on_iteration(&s);
            }
        }
        assert_eq!(seen, [3, 6]);
    }
}
