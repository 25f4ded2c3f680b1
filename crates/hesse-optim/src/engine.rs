//! Objectives from losses written with hesse-core `Var`s: the engine supplies exact
//! gradients and Hessian-vector products, so one loss, written once, drives every solver.
//!
//! - [`VarObjective`]: a closure over one scalar `Var` per coordinate,
//!   `|x: &[Var]| -> Var` (as `hesse_core::grad` takes).
//! - [`VectorObjective`]: a closure over one rank-1 `Var`, `|w: Var| -> Var` (as
//!   `hesse_core::vector::grad` takes), for flat parameter vectors.
//!
//! Both evaluate through a [`RecordedFn`] by default: the loss is recorded once, at the first
//! point asked for, and replayed (forward kernels only, no allocation) afterwards — what an
//! optimizer's inner loop wants. A recorded function freezes value-dependent branches; when
//! a replay reports that a recorded comparison flipped
//! ([`RecordedFn::branch_changed`]), the objective records again at the new point and
//! re-evaluates, so the answer is never silently that of the wrong branch. Branches on
//! `Var::value()` in user code are not seen by the recording: for such losses use
//! [`VarObjective::traced`], which builds a fresh tape on every call.

use hesse_core::{RecordedFn, Tape, Var};

use crate::{Objective, OptimError};

/// How an engine objective evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Record once, replay.
    Recorded,
    /// A fresh tape on every call.
    Traced,
}

/// An [`Objective`] from a loss over scalar `Var`s, with exact gradients and HVPs.
///
/// ```
/// use hesse_core::Var;
/// use hesse_optim::{minimize, Lbfgs, NewtonCg, Objective, Options, VarObjective};
///
/// // Rosenbrock, written once; no derivative by hand.
/// let mut rosen = VarObjective::new(2, |x: &[Var]| {
///     (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2)
/// });
/// let mut g = [0.0; 2];
/// assert!((rosen.value_and_grad(&[-1.2, 1.0], &mut g) - 24.2).abs() < 1e-12);
/// assert!((g[0] + 215.6).abs() < 1e-9 && (g[1] + 88.0).abs() < 1e-9);
///
/// let opts = Options::default().with_gtol(1e-10).with_ftol(0.0);
/// let r = minimize(&mut rosen, &mut Lbfgs::new(), &[-1.2, 1.0], &opts)?;
/// assert!((r.x[0] - 1.0).abs() < 1e-9, "{r}");
/// let r = minimize(&mut rosen, &mut NewtonCg::new(), &[-1.2, 1.0], &opts)?;
/// assert!((r.x[0] - 1.0).abs() < 1e-9 && r.hvp_evals > 0, "{r}");
/// # Ok::<(), hesse_optim::OptimError>(())
/// ```
#[derive(Clone)]
pub struct VarObjective<F> {
    dim: usize,
    f: F,
    mode: Mode,
    recorded: Option<RecordedFn>,
}

impl<F> VarObjective<F>
where
    F: for<'t> Fn(&[Var<'t>]) -> Var<'t>,
{
    /// An objective of dimension `dim`, evaluated by recording once and replaying.
    pub fn new(dim: usize, f: F) -> Self {
        VarObjective {
            dim,
            f,
            mode: Mode::Recorded,
            recorded: None,
        }
    }

    /// An objective of dimension `dim` that builds a fresh tape on every call: slower, but
    /// right for losses that branch on `Var::value()`.
    pub fn traced(dim: usize, f: F) -> Self {
        VarObjective {
            dim,
            f,
            mode: Mode::Traced,
            recorded: None,
        }
    }

    /// The recording, made at `x` on first use, and made again at `x` when `eval` reports that
    /// a recorded comparison flipped.
    fn with_recorded<T>(&mut self, x: &[f64], mut eval: impl FnMut(&mut RecordedFn) -> T) -> T {
        let rec = self.recorded.get_or_insert_with(|| RecordedFn::new(&self.f, x));
        let out = eval(rec);
        if !rec.branch_changed() {
            return out;
        }
        let rec = self.recorded.insert(RecordedFn::new(&self.f, x));
        eval(rec)
    }
}

impl<F> std::fmt::Debug for VarObjective<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VarObjective")
            .field("dim", &self.dim)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl<F> Objective for VarObjective<F>
where
    F: for<'t> Fn(&[Var<'t>]) -> Var<'t>,
{
    fn dim(&self) -> usize {
        self.dim
    }

    fn value(&mut self, x: &[f64]) -> f64 {
        match self.mode {
            Mode::Recorded => self.with_recorded(x, |r| r.value(x)),
            Mode::Traced => {
                let tape = Tape::new();
                let xs = tape.vars(x);
                (self.f)(&xs).value()
            }
        }
    }

    fn value_and_grad(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        match self.mode {
            Mode::Recorded => self.with_recorded(x, |r| r.value_and_grad_to(x, grad)),
            Mode::Traced => {
                let (v, g) = hesse_core::value_and_grad(&self.f, x);
                grad.copy_from_slice(&g);
                v
            }
        }
    }

    fn hvp(&mut self, x: &[f64], v: &[f64], out: &mut [f64]) -> Result<(), OptimError> {
        match self.mode {
            Mode::Recorded => self.with_recorded(x, |r| r.hvp_to(x, v, out)),
            Mode::Traced => out.copy_from_slice(&hesse_core::hvp(&self.f, x, v)),
        }
        Ok(())
    }

    fn supports_hvp(&self) -> bool {
        true
    }

    fn hessian(&mut self, x: &[f64], out: &mut [f64]) -> Result<(), OptimError> {
        let h = match self.mode {
            Mode::Recorded => self.with_recorded(x, |r| r.hessian(x)),
            Mode::Traced => hesse_core::hessian(&self.f, x),
        };
        out.copy_from_slice(h.as_slice());
        Ok(())
    }
}

/// An [`Objective`] from a loss over one rank-1 `Var` (a flat parameter vector), with exact
/// gradients and HVPs. Recorded once and replayed, like [`VarObjective`].
///
/// ```
/// use hesse_core::Var;
/// use hesse_optim::{minimize, Lbfgs, Options, VectorObjective};
///
/// // Least squares ‖w − t‖² over one vector Var.
/// let t = [1.0, -2.0, 3.0];
/// let mut obj = VectorObjective::new(3, move |w: Var| {
///     let tv = w.tape().constant(&t, &[3]);
///     (w - tv).square().sum()
/// });
/// let r = minimize(&mut obj, &mut Lbfgs::new(), &[0.0; 3], &Options::default())?;
/// assert!(r.x.iter().zip(&t).all(|(a, b)| (a - b).abs() < 1e-6), "{r}");
/// # Ok::<(), hesse_optim::OptimError>(())
/// ```
#[derive(Clone)]
pub struct VectorObjective<F> {
    dim: usize,
    f: F,
    recorded: Option<RecordedFn>,
}

impl<F> VectorObjective<F>
where
    F: for<'t> Fn(Var<'t>) -> Var<'t>,
{
    /// An objective of dimension `dim`, evaluated by recording once and replaying.
    pub fn new(dim: usize, f: F) -> Self {
        VectorObjective {
            dim,
            f,
            recorded: None,
        }
    }

    fn with_recorded<T>(&mut self, x: &[f64], mut eval: impl FnMut(&mut RecordedFn) -> T) -> T {
        let rec = self
            .recorded
            .get_or_insert_with(|| RecordedFn::new_vector(&self.f, x));
        let out = eval(rec);
        if !rec.branch_changed() {
            return out;
        }
        let rec = self.recorded.insert(RecordedFn::new_vector(&self.f, x));
        eval(rec)
    }
}

impl<F> std::fmt::Debug for VectorObjective<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VectorObjective")
            .field("dim", &self.dim)
            .finish_non_exhaustive()
    }
}

impl<F> Objective for VectorObjective<F>
where
    F: for<'t> Fn(Var<'t>) -> Var<'t>,
{
    fn dim(&self) -> usize {
        self.dim
    }
    fn value(&mut self, x: &[f64]) -> f64 {
        self.with_recorded(x, |r| r.value(x))
    }
    fn value_and_grad(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        self.with_recorded(x, |r| r.value_and_grad_to(x, grad))
    }
    fn hvp(&mut self, x: &[f64], v: &[f64], out: &mut [f64]) -> Result<(), OptimError> {
        self.with_recorded(x, |r| r.hvp_to(x, v, out));
        Ok(())
    }
    fn supports_hvp(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rosen<'t>(x: &[Var<'t>]) -> Var<'t> {
        (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2)
    }

    #[test]
    fn recorded_and_traced_agree() {
        let mut a = VarObjective::new(2, rosen);
        let mut b = VarObjective::traced(2, rosen);
        for x in [[-1.2, 1.0], [0.3, -0.7], [1.0, 1.0]] {
            let (mut ga, mut gb) = ([0.0; 2], [0.0; 2]);
            assert_eq!(a.value_and_grad(&x, &mut ga), b.value_and_grad(&x, &mut gb));
            assert_eq!(ga, gb);
            let (mut ha, mut hb) = ([0.0; 2], [0.0; 2]);
            a.hvp(&x, &[0.5, -1.0], &mut ha).unwrap();
            b.hvp(&x, &[0.5, -1.0], &mut hb).unwrap();
            approx::assert_relative_eq!(ha[0], hb[0], max_relative = 1e-14);
            approx::assert_relative_eq!(ha[1], hb[1], max_relative = 1e-14);
            assert_eq!(a.value(&x), b.value(&x));
        }
    }

    #[test]
    fn hessian_at_minimum_from_hvps() {
        // W2 reference: H(1, 1) = [[802, −400], [−400, 200]].
        let mut a = VarObjective::new(2, rosen);
        let mut h = [0.0; 2];
        a.hvp(&[1.0, 1.0], &[1.0, 0.0], &mut h).unwrap();
        assert_eq!(h, [802.0, -400.0]);
    }
}
