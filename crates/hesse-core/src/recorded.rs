//! Recorded functions: record once, replay fast.
//!
//! A [`RecordedFn`] records a loss at a point together with its gradient nodes and the nodes
//! of a Hessian-vector product (with the direction as a replaceable constant). Evaluating at a
//! new point writes the inputs into the tape's arena and re-runs the forward kernels of the
//! recorded nodes in order, in place: no allocation, no re-tracing, no rule dispatch.
//!
//! # Frozen control flow
//! As with ReverseDiff's compiled tapes, **a branch in user code on a value is frozen at
//! record time**. Ops such as `relu`, `abs`, `max` and `min` are fine: they are kernels and
//! re-evaluate. Comparisons made through [`Var::gt`](crate::Var::gt) (and `ge`, `lt`, `le`)
//! are recorded, and a replay whose comparison outcomes differ from the recording sets
//! [`RecordedFn::branch_changed`] (CppAD's `compare_change`), so a silently wrong answer
//! can be detected: re-record at the new point when it is set.

use crate::matrix::Matrix;
use crate::ops::{Binary, Op};
use crate::tape::Tape;
use crate::transforms::symmetrize;
use crate::var::Var;

/// A function recorded once with its gradient and Hessian-vector-product nodes, replayed at
/// new points by running forward kernels only.
///
/// ```
/// use hesse_core::RecordedFn;
/// let mut f = RecordedFn::new(|x| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2), &[0.0, 0.0]);
/// let mut g = [0.0; 2];
/// let v = f.value_and_grad_to(&[-1.2, 1.0], &mut g);
/// assert!((v - 24.2).abs() < 1e-12 && (g[0] + 215.6).abs() < 1e-9);
/// assert_eq!(f.hessian(&[1.0, 1.0]).to_rows(), vec![vec![802.0, -400.0], vec![-400.0, 200.0]]);
/// ```
#[derive(Clone)]
pub struct RecordedFn {
    tape: Tape,
    n: usize,
    /// Input leaves: n scalars, or one vector.
    inputs: Vec<u32>,
    output: u32,
    /// Gradient nodes, in input order (scalars or one vector).
    grads: Vec<u32>,
    /// Direction constants of the HVP, in input order.
    direction: Vec<u32>,
    /// HVP result nodes, in input order.
    hvp: Vec<u32>,
    /// First node of the HVP section (after the gradient).
    hvp_start: usize,
    /// Recorded comparison nodes and their outcomes at record time.
    compares: Vec<(u32, f64)>,
    branch_changed: bool,
    /// First non-leaf node (replay starts there).
    first_op: usize,
}

impl RecordedFn {
    /// Records `f` (a closure over one scalar `Var` per coordinate) at `x0`.
    ///
    /// # Panics
    /// If `f` does not return a scalar.
    pub fn new<F>(f: F, x0: &[f64]) -> Self
    where
        F: for<'t> Fn(&[Var<'t>]) -> Var<'t>,
    {
        let tape = Tape::new();
        let (inputs, output, grads, direction, hvp, hvp_start) = {
            let xs = tape.vars(x0);
            let y = f(&xs);
            crate::transforms::check_scalar(&y, "RecordedFn");
            let g = tape.grad(y, &xs);
            let hvp_start = tape.len();
            let vs: Vec<Var<'_>> = x0.iter().map(|_| tape.scalar(0.0)).collect();
            let dot = g.iter().zip(&vs).map(|(&gi, &vi)| gi * vi).reduce(|a, b| a + b);
            let dot = dot.unwrap_or_else(|| tape.scalar(0.0));
            let h = tape.grad(dot, &xs);
            (ids(&xs), y.id, ids(&g), ids(&vs), ids(&h), hvp_start)
        };
        Self::finish(tape, x0.len(), inputs, output, grads, direction, hvp, hvp_start)
    }

    /// Records `f` (a closure over one rank-1 `Var`) at `x0`.
    ///
    /// ```
    /// let mut f = hesse_core::RecordedFn::new_vector(|w| w.tanh().square().sum(), &[0.1, 0.2]);
    /// let (v, g) = f.value_and_grad(&[0.0, 0.0]);
    /// assert_eq!((v, g), (0.0, vec![0.0, 0.0]));
    /// ```
    pub fn new_vector<F>(f: F, x0: &[f64]) -> Self
    where
        F: for<'t> Fn(Var<'t>) -> Var<'t>,
    {
        let tape = Tape::new();
        let (inputs, output, grads, direction, hvp, hvp_start) = {
            let w = tape.vector(x0);
            let y = f(w);
            crate::transforms::check_scalar(&y, "RecordedFn");
            let g = tape.grad(y, &[w]);
            let hvp_start = tape.len();
            let v = tape.constant(&vec![0.0; x0.len()], &[x0.len()]);
            let dot = (g[0] * v).sum();
            let h = tape.grad(dot, &[w]);
            (vec![w.id], y.id, ids(&g), vec![v.id], ids(&h), hvp_start)
        };
        Self::finish(tape, x0.len(), inputs, output, grads, direction, hvp, hvp_start)
    }

    #[allow(clippy::too_many_arguments)]
    fn finish(
        tape: Tape,
        n: usize,
        inputs: Vec<u32>,
        output: u32,
        grads: Vec<u32>,
        direction: Vec<u32>,
        hvp: Vec<u32>,
        hvp_start: usize,
    ) -> Self {
        let (compares, first_op) = {
            let inner = tape.inner.borrow();
            let compares = inner
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| matches!(n.op, Op::Binary(Binary::Cmp(_))))
                .map(|(i, _)| (i as u32, inner.value(i as u32)[0]))
                .collect();
            let first_op = inner
                .nodes
                .iter()
                .position(|n| !n.op.is_leaf())
                .unwrap_or(inner.nodes.len());
            (compares, first_op)
        };
        RecordedFn {
            tape,
            n,
            inputs,
            output,
            grads,
            direction,
            hvp,
            hvp_start,
            compares,
            branch_changed: false,
            first_op,
        }
    }

    /// Number of coordinates.
    pub fn dim(&self) -> usize {
        self.n
    }

    /// Number of recorded nodes (forward, gradient and HVP sections).
    pub fn len(&self) -> usize {
        self.tape.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.tape.is_empty()
    }

    /// Whether the last replay's recorded comparisons came out differently from the recording:
    /// the frozen branch may not be the one the function takes at this point.
    pub fn branch_changed(&self) -> bool {
        self.branch_changed
    }

    #[track_caller]
    fn set_inputs(&mut self, x: &[f64]) {
        assert_eq!(
            x.len(),
            self.n,
            "RecordedFn: point has length {}, expected {}",
            x.len(),
            self.n
        );
        write_leaves(&self.tape, &self.inputs, x);
    }

    fn replay(&mut self, from: usize, to_inclusive: usize) {
        let mut inner = self.tape.inner.borrow_mut();
        for i in from.max(self.first_op)..=to_inclusive {
            if !inner.nodes[i].op.is_leaf() {
                inner.evaluate(i);
            }
        }
    }

    fn check_compares(&mut self) {
        let inner = self.tape.inner.borrow();
        self.branch_changed = self.compares.iter().any(|&(id, v)| inner.value(id)[0] != v);
    }

    fn last(ids: &[u32], fallback: u32) -> usize {
        ids.iter().copied().max().unwrap_or(fallback) as usize
    }

    /// The value at `x`.
    ///
    /// # Panics
    /// If `x.len()` differs from [`RecordedFn::dim`].
    #[track_caller]
    pub fn value(&mut self, x: &[f64]) -> f64 {
        self.set_inputs(x);
        self.replay(0, self.output as usize);
        self.check_compares();
        self.tape.inner.borrow().value(self.output)[0]
    }

    /// The value at `x`, with the gradient written into `grad`.
    ///
    /// # Panics
    /// If a length differs from [`RecordedFn::dim`].
    #[track_caller]
    pub fn value_and_grad_to(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        self.set_inputs(x);
        let end = Self::last(&self.grads, self.output).max(self.output as usize);
        self.replay(0, end);
        self.check_compares();
        read_leaves(&self.tape, &self.grads, grad);
        self.tape.inner.borrow().value(self.output)[0]
    }

    /// The value and gradient at `x`.
    #[track_caller]
    pub fn value_and_grad(&mut self, x: &[f64]) -> (f64, Vec<f64>) {
        let mut g = vec![0.0; self.n];
        let v = self.value_and_grad_to(x, &mut g);
        (v, g)
    }

    /// `H(x)·v` into `out`.
    ///
    /// # Panics
    /// If a length differs from [`RecordedFn::dim`].
    #[track_caller]
    pub fn hvp_to(&mut self, x: &[f64], v: &[f64], out: &mut [f64]) {
        assert_eq!(
            v.len(),
            self.n,
            "RecordedFn: direction has length {}, expected {}",
            v.len(),
            self.n
        );
        self.set_inputs(x);
        write_leaves(&self.tape, &self.direction, v);
        let end = self.tape.len() - 1;
        self.replay(0, end);
        self.check_compares();
        read_leaves(&self.tape, &self.hvp, out);
    }

    /// `H(x)·v`.
    #[track_caller]
    pub fn hvp(&mut self, x: &[f64], v: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; self.n];
        self.hvp_to(x, v, &mut out);
        out
    }

    /// The exact Hessian at `x` (exactly symmetric): one forward-and-gradient replay, then the
    /// HVP section once per unit vector.
    #[track_caller]
    pub fn hessian(&mut self, x: &[f64]) -> Matrix {
        let mut h = Matrix::zeros(self.n, self.n);
        self.hessian_to(x, &mut h);
        h
    }

    /// [`RecordedFn::hessian`] into a caller's buffer.
    ///
    /// # Panics
    /// If `out` is not n×n.
    #[track_caller]
    pub fn hessian_to(&mut self, x: &[f64], out: &mut Matrix) {
        let n = self.n;
        assert!(
            out.rows() == n && out.cols() == n,
            "hessian_to: output is {}×{}, need {n}×{n}",
            out.rows(),
            out.cols()
        );
        self.set_inputs(x);
        let end = self.tape.len() - 1;
        self.replay(0, self.hvp_start.saturating_sub(1));
        let mut e = vec![0.0; n];
        for i in 0..n {
            e[i] = 1.0;
            write_leaves(&self.tape, &self.direction, &e);
            self.replay(self.hvp_start, end);
            read_leaves(&self.tape, &self.hvp, out.row_mut(i));
            e[i] = 0.0;
        }
        self.check_compares();
        symmetrize(out);
    }
}

fn ids(vars: &[Var<'_>]) -> Vec<u32> {
    vars.iter().map(|v| v.id).collect()
}

/// Writes `x` into the leaf nodes `ids` (scalars or one vector, concatenated).
fn write_leaves(tape: &Tape, ids: &[u32], x: &[f64]) {
    let mut inner = tape.inner.borrow_mut();
    let mut at = 0;
    for &id in ids {
        let node = &inner.nodes[id as usize];
        let (off, len) = (node.offset, node.len());
        inner.values[off..off + len].copy_from_slice(&x[at..at + len]);
        at += len;
    }
}

/// Reads the values of nodes `ids`, concatenated, into `out`.
fn read_leaves(tape: &Tape, ids: &[u32], out: &mut [f64]) {
    let inner = tape.inner.borrow();
    let mut at = 0;
    for &id in ids {
        let v = inner.value(id);
        out[at..at + v.len()].copy_from_slice(v);
        at += v.len();
    }
}
