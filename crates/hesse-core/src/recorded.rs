//! Recorded functions: record once, replay fast.
//!
//! A [`RecordedFn`] records a loss at a point together with its gradient nodes and the nodes
//! of a Hessian-vector product (with the direction as a replaceable constant). Evaluating at a
//! new point writes the inputs into the tape's arena and re-runs the forward kernels of the
//! recorded nodes in order, in place: no allocation, no re-tracing, no rule dispatch.
//!
//! # Replay programs
//! At record time the tape is compiled into flat instruction lists, one per question asked
//! (value; value and gradient; HVP; the Hessian's per-point prefix and per-column part).
//! Three passes make them short, none of which changes a single bit of any result (each
//! kept node runs the same kernel on the same inputs):
//! - **dead-node elimination**: a program holds only the nodes its outputs (and the recorded
//!   comparisons) depend on;
//! - **constant folding**: a node that depends on no input (nor, for the HVP, on the
//!   direction) keeps its recorded value and is never replayed;
//! - **common-subexpression elimination**: a scalar node with the same op and the same
//!   (already de-duplicated) inputs as an earlier one reads the earlier one's value instead.
//!
//! Once compiled, vector nodes are placed in the arena ranges of nodes that are dead by the
//! time they are written (`recorded/reuse.rs`), so that a replay's stores go to memory it
//! has just used (still in cache) rather than to a fresh range of a large arena.
//!
//! Scalar unary and binary nodes — the bulk of a loss written one `Var` per coordinate — become
//! direct instructions on arena slots; every other node runs through its op's kernel.
//! Elementwise vector nodes form fused regions (`crate::exec::fused`), which read the point and the
//! direction from the caller's buffers and write the gradient or HVP into the caller's
//! buffer when nothing outside them needs these in the arena.
//! A program made only of scalar instructions then goes through a peephole pass
//! (`recorded/fast.rs`): values read once stay in registers inside fused super-instructions
//! (`a·b + c`, `σ(a + b)`, the sigmoid rule, …), identity ops are forwarded, and the
//! instructions are ordered by dependency depth so that the latency of `exp` or a division
//! overlaps independent work. Same operations, same order of each one's operands: the
//! results do not change by a bit.
//! For the Hessian, the nodes that do not depend on the direction run once per point and only
//! the direction-dependent ones run once per column: `H e_i` for i = 1..n, all n columns at
//! once when the column program is all scalar (`recorded/lanes.rs`).
//!
//! # Native code (feature `jit`, on by default)
//! An all-scalar program can also be compiled to machine code with Cranelift
//! (`recorded/jit.rs`): the same IEEE operations in the same order, the same library calls
//! for `exp`, `ln`, `tanh`, …, so the results are again bit for bit the same. Compiling costs
//! about as much as a thousand interpreted replays, so a program is compiled once it has
//! been replayed that often, or at once with [`RecordedFn::jit`]. Programs with vector
//! nodes (matrix products, fused regions) keep the interpreter, whose kernels are already
//! loops over whole arrays; on CPUs with AVX-512 their fused regions are assembled into
//! machine code at their first replay (`fused/native.rs`: AVX-512 code, same bits, no
//! Cranelift IR). Hessians of up to 16 coordinates run their columns as native code one by
//! one; larger ones keep the all-columns lane program.
//!
//! # Same answers as the eager tape
//! Every route — interpreter, native code, fused regions on each instruction set, parallel
//! columns — returns the eager tape's bits for values, gradients and HVPs under the same
//! native setting ([`crate::native`]), NaN payloads aside. The Hessian of a recording over
//! scalar inputs is n HVPs `H e_i`: these add the other coordinates' `+0` contributions,
//! which the eager row `∇(∂f/∂xᵢ)` never forms, so a zero's sign may differ from the eager
//! one; where such a contribution is not finite (`0·∞` is NaN), the row is recomputed with
//! the eager tape's reach (`recorded/reach.rs`), so NaN never spreads into entries the eager
//! Hessian has finite. `tests/differential.rs` holds every route to this on random programs.
//!
//! # Frozen control flow
//! As with ReverseDiff's compiled tapes, **a branch in user code on a value is frozen at
//! record time**. Ops such as `relu`, `abs`, `max` and `min` are fine: they are kernels and
//! re-evaluate. Comparisons made through [`Var::gt`](crate::Var::gt) (and `ge`, `lt`, `le`)
//! are recorded, and a replay whose comparison outcomes differ from the recording sets
//! [`RecordedFn::branch_changed`] (CppAD's `compare_change`), so a silently wrong answer
//! can be detected: re-record at the new point when it is set.

#[cfg(feature = "jit")]
use crate::exec::jit;
use crate::exec::{fast, lanes, pages, reach, reuse, share};

use std::collections::{HashMap, HashSet};

use fast::{Fast, run, run_io};
use lanes::Lanes;
use reach::Reach;

use crate::exec::fused::{Bound, Io, Piece, Region};
use crate::matrix::Matrix;
use crate::ops::{Binary, Layout, Op, Unary};
use crate::tape::{Tape, TapeInner};
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
    pub(crate) tape: Tape,
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
    /// Recorded comparison nodes and their outcomes at record time.
    compares: Vec<(u32, f64)>,
    branch_changed: bool,
    /// Hessians of at least this many coordinates split their columns over rayon's threads.
    #[cfg(feature = "rayon")]
    parallel_min_dim: usize,
    /// Replay programs (see the module docs).
    pub(crate) progs: Programs,
}

/// With the `rayon` feature, Hessians of at least this many coordinates are computed with
/// their columns split over rayon's threads (see [`RecordedFn::with_parallel_min_dim`]).
#[cfg(feature = "rayon")]
pub const PARALLEL_MIN_DIM: usize = 32;

/// With the `jit` feature, Hessians of at most this many coordinates run their columns as
/// native code, one column at a time; larger ones keep the all-columns lane program, whose
/// loops over the columns vectorise.
#[cfg(feature = "jit")]
const NATIVE_COLUMNS_MAX_DIM: usize = 16;

#[cfg(feature = "rayon")]
impl Programs {
    /// The Hessian's columns on rayon's threads, after the prefix has run on `inner`: the lane
    /// program over column blocks, or the column program on a copy of the arena per block.
    fn hessian_columns_par(&self, inner: &TapeInner, n: usize, out: &mut Matrix) {
        use rayon::prelude::*;
        // The worker threads run the caller's native-code setting (`crate::native`).
        let setting = crate::native::current();
        let blocks = rayon::current_num_threads().max(1) * 2;
        let w = n.div_ceil(blocks).max(1);
        if let Some(lanes) = &self.lanes {
            let starts: Vec<usize> = (0..n).step_by(w).collect();
            let parts: Vec<(usize, usize, Vec<f64>)> = starts
                .par_iter()
                .map(|&c0| {
                    crate::native::scoped(setting, || {
                        let c1 = (c0 + w).min(n);
                        let mut block = vec![0.0; n * (c1 - c0)];
                        let mut buf = Vec::new();
                        lanes.columns(&inner.values, n, c0..c1, &mut buf, |i, c, v| {
                            let at = i * (c1 - c0) + (c - c0);
                            block[at..at + v.len()].copy_from_slice(v);
                        });
                        (c0, c1, block)
                    })
                })
                .collect();
            for (c0, c1, block) in parts {
                for i in 0..n {
                    out.row_mut(i)[c0..c1].copy_from_slice(&block[i * (c1 - c0)..(i + 1) * (c1 - c0)]);
                }
            }
        } else {
            out.as_mut_slice()
                .par_chunks_mut(w * n)
                .enumerate()
                .for_each(|(b, rows)| {
                    crate::native::scoped(setting, || {
                        let mut local = inner.clone();
                        for &s in &self.dir_slots {
                            local.values[s] = 0.0;
                        }
                        for (k, row) in rows.chunks_mut(n).enumerate() {
                            let s = self.dir_slots[b * w + k];
                            local.values[s] = 1.0;
                            run(&mut local, &self.hess_col, &self.regions);
                            self.hvps.read(&local.values, row);
                            local.values[s] = 0.0;
                        }
                    })
                });
        }
    }
}

/// Arena ranges `(offset, len)` of a list of nodes, read and written as one concatenation.
#[derive(Clone, Debug, Default)]
pub(crate) struct Ranges(Vec<(usize, usize)>);

impl Ranges {
    fn of(inner: &TapeInner, ids: &[u32]) -> Ranges {
        Ranges(
            ids.iter()
                .map(|&i| (inner.nodes[i as usize].offset, inner.nodes[i as usize].len()))
                .collect(),
        )
    }

    fn write(&self, values: &mut [f64], x: &[f64]) {
        let mut at = 0;
        for &(off, len) in &self.0 {
            if len == 1 {
                values[off] = x[at];
            } else {
                values[off..off + len].copy_from_slice(&x[at..at + len]);
            }
            at += len;
        }
    }

    fn read(&self, values: &[f64], out: &mut [f64]) {
        let mut at = 0;
        for &(off, len) in &self.0 {
            if len == 1 {
                out[at] = values[off];
            } else {
                out[at..at + len].copy_from_slice(&values[off..off + len]);
            }
            at += len;
        }
    }
}

/// One replay instruction over the tape's arena, as compiled (executed as [`Fast`]).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Instr {
    /// A scalar elementwise op on arena slots: `values[out] = op(values[x])`.
    Unary { op: Unary, x: u32, out: u32 },
    /// A scalar binary op on arena slots: `values[out] = op(values[a], values[b])`.
    Binary { op: Binary, a: u32, b: u32, out: u32 },
    /// Any other node: its kernel through the generic dispatch.
    Node(u32),
}

/// The compiled replay programs of a recording.
#[derive(Clone, Debug, Default)]
pub(crate) struct Programs {
    pub(crate) value: Vec<Fast>,
    pub(crate) grad: Vec<Fast>,
    pub(crate) hvp: Vec<Fast>,
    /// The part of `hvp` independent of the direction (once per Hessian).
    pub(crate) hess_pre: Vec<Fast>,
    /// The direction-dependent part of `hvp` (once per Hessian column).
    pub(crate) hess_col: Vec<Fast>,
    /// Where each node's value is read from after CSE (the canonical equal node).
    pub(crate) canon: Vec<u32>,
    /// Arena slots of the direction, in coordinate order.
    pub(crate) dir_slots: Vec<usize>,
    /// Where the point, the direction, the gradient and the HVP live in the arena.
    pub(crate) inputs: Ranges,
    pub(crate) directions: Ranges,
    pub(crate) grads: Ranges,
    pub(crate) hvps: Ranges,
    /// Arena slot of the value.
    pub(crate) output: usize,
    /// Arena slots of the recorded comparisons and their recorded outcomes.
    pub(crate) compares: Vec<(usize, f64)>,
    /// `hess_col` for all n columns at once, when it is all scalar ops (see [`Lanes`]).
    pub(crate) lanes: Option<Lanes>,
    /// `hess_col` with structural zeros, for Hessian rows with non-finite entries of a
    /// recording over scalar inputs (see [`Reach`]).
    pub(crate) reach: Option<Reach>,
    /// Fused elementwise regions of `value`, `grad` and `hvp` (see [`crate::exec::fused`]).
    pub(crate) regions: Vec<Region>,
    /// The all-scalar programs as instructions, with the slots read after each, for native
    /// compilation: value, gradient, HVP, Hessian prefix, Hessian column.
    #[cfg(feature = "jit")]
    pub(crate) scalar: [Option<(Vec<Instr>, Vec<u32>)>; 5],
    /// Scalar slots whose values never change after recording (nodes on neither the point
    /// nor the direction): compiled code embeds them as constants.
    #[cfg(feature = "jit")]
    pub(crate) fixed: HashMap<u32, f64>,
    /// Their native code, compiled when it pays (see `recorded/jit.rs`).
    #[cfg(feature = "jit")]
    pub(crate) native: Natives,
    /// Which caller buffers the regions of `value`, `grad` and `hvp` read and write in place
    /// of the arena (see [`crate::exec::fused::bind`]).
    pub(crate) value_io: Bound,
    pub(crate) grad_io: Bound,
    pub(crate) hvp_io: Bound,
}

/// Native replay state of each program (feature `jit`).
#[cfg(feature = "jit")]
#[derive(Clone, Debug)]
pub(crate) struct Natives {
    /// The entry points of the compiled value and gradient programs when each is one
    /// function (the common case): called directly, without going through the state. Valid
    /// while `value` / `grad` hold their code, which they do once compiled.
    value_entry: Option<(jit::Entry, bool)>,
    grad_entry: Option<(jit::Entry, bool)>,
    value: jit::State,
    grad: jit::State,
    hvp: jit::State,
    pre: jit::State,
    col: jit::State,
    policy: jit::Policy,
}

#[cfg(feature = "jit")]
impl Default for Natives {
    fn default() -> Self {
        Natives {
            value_entry: None,
            grad_entry: None,
            value: jit::State::None,
            grad: jit::State::None,
            hvp: jit::State::None,
            pre: jit::State::None,
            col: jit::State::None,
            policy: jit::Policy {
                after_runs: jit::DEFAULT_AFTER_RUNS,
            },
        }
    }
}

#[cfg(feature = "jit")]
impl Natives {
    fn all(&mut self) -> [&mut jit::State; 5] {
        [
            &mut self.value,
            &mut self.grad,
            &mut self.hvp,
            &mut self.pre,
            &mut self.col,
        ]
    }
}

impl Programs {
    /// Runs `prog` (`value`, `grad` or `hvp`, with its `bound`) at the point `x` and the
    /// direction `v`, its vector result into `out`, read from the arena `res` unless the
    /// regions wrote it there directly: only the buffers the regions are not bound to are
    /// copied into the arena and out of it. Inlined into each method, with a direct path for
    /// programs bound to nothing (every scalar program): a scalar replay takes ~100 ns, of
    /// which the general path's setup, out of line, took ~5 % (W5's descent).
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn replay(
        &self,
        inner: &mut TapeInner,
        prog: &[Fast],
        bound: Bound,
        x: &[f64],
        v: Option<&[f64]>,
        out: Option<(&mut [f64], &Ranges)>,
    ) {
        if !(bound.x || bound.v || bound.out) {
            // Nothing bound: copies in, the arena alone, copies out.
            self.inputs.write(&mut inner.values, x);
            if let Some(v) = v {
                self.directions.write(&mut inner.values, v);
            }
            run(inner, prog, &self.regions);
            if let Some((out, res)) = out {
                res.read(&inner.values, out);
            }
            return;
        }
        if !bound.x {
            self.inputs.write(&mut inner.values, x);
        }
        if let (Some(v), false) = (v, bound.v) {
            self.directions.write(&mut inner.values, v);
        }
        let (out, res) = match out {
            Some((o, r)) => (o, Some(r)),
            None => (&mut [][..], None),
        };
        let mut io = Io {
            x,
            v: v.unwrap_or(&[]),
            out: if bound.out { &mut *out } else { &mut [] },
        };
        run_io(inner, prog, &self.regions, &mut io);
        if let (Some(res), false) = (res, bound.out) {
            res.read(&inner.values, out);
        }
    }
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
        let (inputs, output, grads, direction, hvp) = {
            let xs = tape.vars(x0);
            let y = f(&xs);
            crate::transforms::check_scalar(&y, "RecordedFn");
            let g = tape.grad(y, &xs);
            let vs: Vec<Var<'_>> = x0.iter().map(|_| tape.scalar(0.0)).collect();
            let dot = g.iter().zip(&vs).map(|(&gi, &vi)| gi * vi).reduce(|a, b| a + b);
            let dot = dot.unwrap_or_else(|| tape.scalar(0.0));
            let h = tape.grad(dot, &xs);
            (ids(&xs), y.idx(), ids(&g), ids(&vs), ids(&h))
        };
        Self::finish(tape, x0.len(), inputs, output, grads, direction, hvp)
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
        let (inputs, output, grads, direction, hvp) = {
            let w = tape.vector(x0);
            let y = f(w);
            crate::transforms::check_scalar(&y, "RecordedFn");
            let g = tape.grad(y, &[w]);
            let v = tape.constant(&vec![0.0; x0.len()], &[x0.len()]);
            let dot = (g[0] * v).sum();
            let h = tape.grad(dot, &[w]);
            (vec![w.idx()], y.idx(), ids(&g), vec![v.idx()], ids(&h))
        };
        Self::finish(tape, x0.len(), inputs, output, grads, direction, hvp)
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
    ) -> Self {
        // Repeated vector nodes are read through their first occurrence (`share.rs`); before
        // the reshapes are aliased, so that they alias the node that is computed.
        let shared = share::share_repeated(&mut tape.inner.borrow_mut());
        alias_reshapes(&mut tape.inner.borrow_mut());
        pages::to_huge_pages(&mut tape.inner.borrow_mut().values);
        let to_first = |ids: Vec<u32>| -> Vec<u32> { ids.into_iter().map(|i| shared[i as usize]).collect() };
        let (grads, hvp, output) = (to_first(grads), to_first(hvp), shared[output as usize]);
        let (compares, progs) = {
            let inner = tape.inner.borrow();
            let compares: Vec<(u32, f64)> = inner
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| matches!(n.op, Op::Binary(Binary::Cmp(_))))
                .map(|(i, _)| (i as u32, inner.value(i as u32)[0]))
                .collect();
            let progs = Programs::compile(&inner, &inputs, &direction, output, &grads, &hvp, &compares);
            (compares, progs)
        };
        let mut f = RecordedFn {
            tape,
            n,
            inputs,
            output,
            grads,
            direction,
            hvp,
            compares,
            branch_changed: false,
            #[cfg(feature = "rayon")]
            parallel_min_dim: PARALLEL_MIN_DIM,
            progs,
        };
        // Reads go through the canonical (CSE) nodes.
        let canon = |ids: &mut Vec<u32>, c: &[u32]| ids.iter_mut().for_each(|i| *i = c[*i as usize]);
        canon(&mut f.grads, &f.progs.canon);
        canon(&mut f.hvp, &f.progs.canon);
        f.output = f.progs.canon[f.output as usize];
        f.compares
            .iter_mut()
            .for_each(|(i, _)| *i = f.progs.canon[*i as usize]);
        f.reuse_ranges();
        {
            let inner = f.tape.inner.borrow();
            let p = &mut f.progs;
            p.inputs = Ranges::of(&inner, &f.inputs);
            p.directions = Ranges::of(&inner, &f.direction);
            p.grads = Ranges::of(&inner, &f.grads);
            p.hvps = Ranges::of(&inner, &f.hvp);
            if let Some(reach) = &mut p.reach {
                reach.out_slots = p.hvps.0.iter().flat_map(|&(o, l)| o..o + l).collect();
            }
            p.output = inner.nodes[f.output as usize].offset;
            p.compares = f
                .compares
                .iter()
                .map(|&(i, v)| (inner.nodes[i as usize].offset, v))
                .collect();
            #[cfg(feature = "jit")]
            p.prepare_native(inner.values.len());
        }
        f
    }

    /// Places vector nodes in the arena ranges of nodes dead by then (`recorded/reuse.rs`)
    /// and relocates the fused regions accordingly. The HVP comes first: a node's range is
    /// chosen for the cache of the first program listed that runs it (measured on W3, this
    /// order is as good for the gradient as the gradient first, and better for the HVP).
    fn reuse_ranges(&mut self) {
        let inner = self.tape.inner.get_mut();
        let p = &mut self.progs;
        let canon = |i: u32| {
            let mut id = p.canon[i as usize];
            while inner.nodes[id as usize].op == Op::Layout(Layout::Reshape) {
                id = inner.nodes[id as usize].inputs[0];
            }
            id
        };
        let cmp = self.compares.iter().map(|&(c, _)| c);
        let after =
            |roots: &[u32]| -> HashSet<u32> { roots.iter().copied().chain(cmp.clone()).map(canon).collect() };
        let mut grad_roots = self.grads.clone();
        grad_roots.push(self.output);
        let (value_after, grad_after, hvp_after) =
            (after(&[self.output]), after(&grad_roots), after(&self.hvp));
        let progs: [(&[Fast], &HashSet<u32>); 5] = [
            (&p.hvp, &hvp_after),
            (&p.grad, &grad_after),
            (&p.value, &value_after),
            (&p.hess_pre, &hvp_after),
            (&p.hess_col, &hvp_after),
        ];
        let moves: Vec<(usize, usize, usize)> = reuse::reuse(inner, &progs, &p.regions)
            .into_iter()
            .map(|(id, from, to)| (from, inner.nodes[id as usize].len(), to))
            .collect();
        if !moves.is_empty() {
            p.regions.iter_mut().for_each(|r| r.relocate(&moves));
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

    /// Compiles every all-scalar replay program to native code now (feature `jit`), instead
    /// of once it has been replayed often enough to pay for the compilation (the default).
    /// Results are bit for bit those of the interpreter (see `recorded/jit.rs`); programs
    /// with vector nodes keep the interpreter.
    ///
    /// ```
    /// # hesse_core::native::set(hesse_core::native::Native::ON); // whatever HESSE_NATIVE says
    /// let mut f = hesse_core::RecordedFn::new(|x| x[0].exp() * x[1].square(), &[0.0, 0.0]).jit();
    /// assert!(f.native_programs() > 0);
    /// let (v, g) = f.value_and_grad(&[0.0, 2.0]);
    /// assert_eq!((v, g), (4.0, vec![4.0, 4.0]));
    /// ```
    #[cfg(feature = "jit")]
    pub fn jit(mut self) -> Self {
        self.progs.native.all().into_iter().for_each(|s| s.force());
        self
    }

    /// Never compiles to native code: every replay runs the interpreter (feature `jit`).
    ///
    /// ```
    /// let mut f = hesse_core::RecordedFn::new(|x| x[0].sin() * x[1], &[0.0, 0.0]).without_jit();
    /// let mut g = [0.0; 2];
    /// for _ in 0..2000 {
    ///     f.value_and_grad_to(&[0.5, 2.0], &mut g);
    /// }
    /// assert_eq!(f.native_programs(), 0);
    /// assert_eq!(g[1], 0.5f64.sin());
    /// ```
    #[cfg(feature = "jit")]
    pub fn without_jit(mut self) -> Self {
        self.progs.native.policy.after_runs = u64::MAX;
        self
    }

    /// Compiles each all-scalar replay program to native code once it has been replayed
    /// `runs` times (feature `jit`; the default is a thousand, about when compiling has paid
    /// for itself; `0` compiles at the first replay, `u64::MAX` never).
    ///
    /// ```
    /// let mut f = hesse_core::RecordedFn::new(|x| x[0].sin() * x[1], &[0.0, 0.0]).with_jit_after(3);
    /// for _ in 0..3 {
    ///     f.value(&[0.5, 2.0]);
    /// }
    /// assert_eq!(f.native_programs(), usize::from(hesse_core::native::current().jit));
    /// ```
    #[cfg(feature = "jit")]
    pub fn with_jit_after(mut self, runs: u64) -> Self {
        self.progs.native.policy.after_runs = runs;
        self
    }

    /// How many of the replay programs (value; value and gradient; HVP; the Hessian's
    /// prefix and column) currently run as native code (feature `jit`).
    ///
    /// ```
    /// # hesse_core::native::set(hesse_core::native::Native::ON); // whatever HESSE_NATIVE says
    /// let mut f = hesse_core::RecordedFn::new(|x| x[0] * x[0], &[1.0]);
    /// assert_eq!(f.native_programs(), 0); // nothing compiled yet
    /// for _ in 0..1000 {
    ///     f.value(&[3.0]); // compiled once it has been replayed 1000 times
    /// }
    /// assert_eq!(f.native_programs(), 1);
    /// assert_eq!(f.value(&[3.0]), 9.0);
    /// ```
    #[cfg(feature = "jit")]
    pub fn native_programs(&self) -> usize {
        let n = &self.progs.native;
        [&n.value, &n.grad, &n.hvp, &n.pre, &n.col]
            .iter()
            .filter(|s| s.is_native())
            .count()
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

    // Inlined: the check is one comparison on every replay; the message is out of line.
    #[track_caller]
    #[inline(always)]
    fn check_len(&self, what: &str, len: usize) {
        if len != self.n {
            wrong_len(what, len, self.n);
        }
    }

    /// The value at `x`.
    ///
    /// # Panics
    /// If `x.len()` differs from [`RecordedFn::dim`].
    #[track_caller]
    #[inline]
    pub fn value(&mut self, x: &[f64]) -> f64 {
        self.check_len("point", x.len());
        #[cfg(feature = "jit")]
        {
            let inner = self.tape.inner.get_mut();
            if let Some((e, _)) = self.progs.native.value_entry.filter(|&(_, fma)| jit::usable(fma)) {
                // SAFETY: compiled from this tape's programs, code kept alive by `value`;
                // `x` has the checked length n.
                let y = unsafe { e(inner.values.as_mut_ptr(), x.as_ptr(), std::ptr::null_mut()) };
                self.branch_changed = flipped(&self.progs.compares, &inner.values);
                return y;
            }
            let policy = self.progs.native.policy;
            if let Some(native) = self.progs.native.value.get(policy, 1) {
                // SAFETY: compiled from this tape's programs; `x` has the checked length n.
                let y = unsafe { native.call(&mut inner.values, x.as_ptr(), std::ptr::null_mut()) };
                self.progs.native.value_entry = native.single().map(|e| (e, native.fma()));
                self.branch_changed = flipped(&self.progs.compares, &inner.values);
                return y;
            }
        }
        self.value_interpreted(x)
    }

    // Out of line, so that the native path above stays a short function (a few instructions
    // around one call: it is most of the cost of a small recording's replay).
    #[inline(never)]
    fn value_interpreted(&mut self, x: &[f64]) -> f64 {
        // `&mut self` owns the tape: no run-time borrow check needed.
        let inner = self.tape.inner.get_mut();
        let p = &self.progs;
        p.replay(inner, &p.value, p.value_io, x, None, None);
        self.branch_changed = flipped(&self.progs.compares, &inner.values);
        inner.values[self.progs.output]
    }

    /// The value at `x`, with the gradient written into `grad`.
    ///
    /// # Panics
    /// If a length differs from [`RecordedFn::dim`].
    #[track_caller]
    #[inline]
    pub fn value_and_grad_to(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        self.check_len("point", x.len());
        self.check_len("gradient buffer", grad.len());
        #[cfg(feature = "jit")]
        {
            let inner = self.tape.inner.get_mut();
            if let Some((e, _)) = self.progs.native.grad_entry.filter(|&(_, fma)| jit::usable(fma)) {
                // SAFETY: compiled from this tape's programs, code kept alive by `grad`; `x`
                // and `grad` have the checked length n.
                let y = unsafe { e(inner.values.as_mut_ptr(), x.as_ptr(), grad.as_mut_ptr()) };
                self.branch_changed = flipped(&self.progs.compares, &inner.values);
                return y;
            }
            let policy = self.progs.native.policy;
            if let Some(native) = self.progs.native.grad.get(policy, 1) {
                // SAFETY: compiled from this tape's programs; `x` and `grad` have length n.
                let y = unsafe { native.call(&mut inner.values, x.as_ptr(), grad.as_mut_ptr()) };
                self.progs.native.grad_entry = native.single().map(|e| (e, native.fma()));
                self.branch_changed = flipped(&self.progs.compares, &inner.values);
                return y;
            }
        }
        self.value_and_grad_interpreted(x, grad)
    }

    #[inline(never)]
    fn value_and_grad_interpreted(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        // `&mut self` owns the tape: no run-time borrow check needed.
        let inner = self.tape.inner.get_mut();
        let p = &self.progs;
        p.replay(inner, &p.grad, p.grad_io, x, None, Some((grad, &p.grads)));
        self.branch_changed = flipped(&self.progs.compares, &inner.values);
        inner.values[self.progs.output]
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
        self.check_len("point", x.len());
        self.check_len("output buffer", out.len());
        // `&mut self` owns the tape: no run-time borrow check needed.
        let inner = self.tape.inner.get_mut();
        #[cfg(feature = "jit")]
        let policy = self.progs.native.policy;
        #[cfg(feature = "jit")]
        if let Some(native) = self.progs.native.hvp.get(policy, 1) {
            self.progs.directions.write(&mut inner.values, v);
            // SAFETY: compiled from this tape's programs; `x` and `out` have length n.
            unsafe { native.call(&mut inner.values, x.as_ptr(), out.as_mut_ptr()) };
            self.branch_changed = flipped(&self.progs.compares, &inner.values);
            return;
        }
        let p = &self.progs;
        p.replay(inner, &p.hvp, p.hvp_io, x, Some(v), Some((out, &p.hvps)));
        self.branch_changed = flipped(&self.progs.compares, &inner.values);
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

    /// Sets the dimension from which [`RecordedFn::hessian`] computes its columns in parallel
    /// on rayon's thread pool (default [`PARALLEL_MIN_DIM`]; `usize::MAX` turns it off). The
    /// result is bit-for-bit the serial one: each column runs the same kernels on the same
    /// values, only on another thread.
    ///
    /// ```
    /// let f = hesse_core::function(|x| x.iter().map(|v| v.powi(3)).reduce(|a, b| a + b).unwrap());
    /// let x: Vec<f64> = (0..40).map(|i| i as f64 / 10.0).collect();
    /// let mut rec = hesse_core::RecordedFn::new(f, &x).with_parallel_min_dim(2);
    /// let par = rec.hessian(&x);
    /// let mut rec = rec.with_parallel_min_dim(usize::MAX);
    /// assert_eq!(par, rec.hessian(&x));
    /// ```
    #[cfg(feature = "rayon")]
    pub fn with_parallel_min_dim(mut self, n: usize) -> Self {
        self.parallel_min_dim = n;
        self
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
        self.check_len("point", x.len());
        let by_columns = self.hessian_rows(x, out);
        if self.progs.reach.is_some() && out.as_slice().iter().any(|v| !v.is_finite()) {
            if by_columns {
                out.transpose_in_place();
            }
            self.hessian_rows_with_reach(x, out);
        }
        symmetrize(out);
    }

    /// Recomputes the rows of `out` that have a non-finite entry with the eager tape's reach
    /// (see `recorded/reach.rs`): a recording over scalar inputs only.
    #[cold]
    #[inline(never)]
    fn hessian_rows_with_reach(&mut self, x: &[f64], out: &mut Matrix) {
        let inner = self.tape.inner.get_mut();
        let p = &self.progs;
        let Some(reach) = &p.reach else { return };
        p.inputs.write(&mut inner.values, x);
        run(inner, &p.hess_pre, &[]);
        let mut present = vec![true; inner.values.len()];
        for i in 0..self.n {
            if out.row(i).iter().any(|v| !v.is_finite()) {
                reach.row(inner, i, &mut present, out.row_mut(i));
            }
        }
    }

    /// The Hessian's products `H e_i` into `out`, not symmetrised, by the fastest route: as
    /// its rows, or as its columns (the lane programs, which return `true`).
    fn hessian_rows(&mut self, x: &[f64], out: &mut Matrix) -> bool {
        let n = self.n;
        // `&mut self` owns the tape: no run-time borrow check needed.
        let inner = self.tape.inner.get_mut();
        #[cfg(feature = "jit")]
        if n <= NATIVE_COLUMNS_MAX_DIM {
            let policy = self.progs.native.policy;
            let nat = &mut self.progs.native;
            if let (Some(pre), Some(col)) = (nat.pre.get(policy, 1), nat.col.get(policy, n as u64)) {
                // SAFETY: compiled from this tape's programs; `x` has length n and each
                // row of `out` length n (checked above).
                unsafe { pre.call(&mut inner.values, x.as_ptr(), std::ptr::null_mut()) };
                let slots = &self.progs.dir_slots;
                for &s in slots {
                    inner.values[s] = 0.0;
                }
                for (i, &s) in slots.iter().enumerate() {
                    inner.values[s] = 1.0;
                    unsafe { col.call(&mut inner.values, std::ptr::null(), out.row_mut(i).as_mut_ptr()) };
                    inner.values[s] = 0.0;
                }
                self.branch_changed = flipped(&self.progs.compares, &inner.values);
                return false;
            }
        }
        self.progs.inputs.write(&mut inner.values, x);
        run(inner, &self.progs.hess_pre, &[]);
        let by_columns = self.progs.lanes.is_some();
        #[cfg(feature = "rayon")]
        if n >= self.parallel_min_dim && rayon::current_num_threads() > 1 {
            self.progs.hessian_columns_par(inner, n, out);
            self.branch_changed = flipped(&self.progs.compares, &inner.values);
            return by_columns;
        }
        if let Some(lanes) = self.progs.lanes.as_mut() {
            lanes.run(&inner.values, n, out);
        } else {
            // Unit vectors: clear the direction once, then set and reset one entry per column.
            let slots = &self.progs.dir_slots;
            for &s in slots {
                inner.values[s] = 0.0;
            }
            for (i, &s) in slots.iter().enumerate() {
                inner.values[s] = 1.0;
                run(inner, &self.progs.hess_col, &self.progs.regions);
                self.progs.hvps.read(&inner.values, out.row_mut(i));
                inner.values[s] = 0.0;
            }
        }
        self.branch_changed = flipped(&self.progs.compares, &inner.values);
        by_columns
    }
}

/// The panic of [`RecordedFn::check_len`].
#[cold]
#[inline(never)]
#[track_caller]
fn wrong_len(what: &str, len: usize, n: usize) -> ! {
    panic!("RecordedFn: {what} has length {len}, expected {n}")
}

/// Whether a recorded comparison came out differently in the arena's current values.
#[inline(always)]
fn flipped(compares: &[(usize, f64)], values: &[f64]) -> bool {
    compares.iter().any(|&(slot, v)| values[slot] != v)
}

fn ids(vars: &[Var<'_>]) -> Vec<u32> {
    vars.iter().map(|v| v.idx()).collect()
}

/// Points every reshape node at its input's values. A reshape's values are its input's values
/// in the same order, so a replay never runs it: its readers read the input's slots, which
/// hold the same numbers whenever the input is up to date. (Inputs sit before their readers in
/// the arena, so kernels that split the arena at their output still see them.)
pub(crate) fn alias_reshapes(inner: &mut TapeInner) {
    for i in 0..inner.nodes.len() {
        if inner.nodes[i].op == Op::Layout(Layout::Reshape) {
            let x = inner.nodes[i].inputs[0] as usize;
            inner.nodes[i].offset = inner.nodes[x].offset;
        }
    }
}

/// Arena slots of the leaves `ids`, concatenated.
fn leaf_slots(inner: &TapeInner, ids: &[u32]) -> Vec<usize> {
    let mut out = Vec::new();
    for &id in ids {
        let n = &inner.nodes[id as usize];
        out.extend(n.offset..n.offset + n.len());
    }
    out
}

/// `(arena slot, index)` of one coordinate of a point or an output.
#[cfg(feature = "jit")]
type Slot = (u32, u32);

#[cfg(feature = "jit")]
impl Programs {
    /// Turns the all-scalar programs into native-compilation sources (compiled later, when
    /// they have been replayed enough; see `recorded/jit.rs`).
    fn prepare_native(&mut self, arena: usize) {
        let slots = |r: &Ranges| -> Vec<(u32, u32)> {
            r.0.iter()
                .flat_map(|&(o, l)| o..o + l)
                .enumerate()
                .map(|(k, s)| (s as u32, k as u32))
                .collect()
        };
        let (x, g, h) = (slots(&self.inputs), slots(&self.grads), slots(&self.hvps));
        // Value and gradient programs return the value.
        let y = Some(self.output as u32);
        let io: [(&[Slot], &[Slot], Option<u32>); 5] = [
            (&x, &[], y),
            (&x, &g, y),
            (&x, &h, None),
            (&x, &[], None),
            (&[], &h, None),
        ];
        let sources = std::mem::take(&mut self.scalar);
        let compares: HashSet<u32> = self.compares.iter().map(|&(s, _)| s as u32).collect();
        let all = self.native.all().into_iter().zip(sources).zip(io).enumerate();
        for (k, ((state, src), (inputs, outputs, ret))) in all {
            // Native code hands its results back directly (returned value, `out`), so after
            // it only the comparisons are read from the arena, and only the Hessian's prefix
            // (k = 3) leaves values there for the columns, the point among them.
            let prefix = k == 3;
            let src = src.map(|(prog, pinned)| {
                let pinned = if prefix {
                    pinned
                } else {
                    pinned.into_iter().filter(|s| compares.contains(s)).collect()
                };
                (prog, pinned)
            });
            *state = match src {
                Some((prog, pinned)) => jit::State::new(jit::Source {
                    store_inputs: prefix,
                    consts: prog
                        .iter()
                        .flat_map(jit::reads)
                        .filter_map(|r| self.fixed.get(&r).map(|&v| (r, v)))
                        .collect(),
                    prog,
                    pinned,
                    inputs: inputs.to_vec(),
                    outputs: outputs.to_vec(),
                    ret,
                    arena,
                }),
                None => jit::State::None,
            };
        }
    }
}

impl Programs {
    /// Compiles the replay programs of a recording (see the module docs).
    fn compile(
        inner: &TapeInner,
        inputs: &[u32],
        direction: &[u32],
        output: u32,
        grads: &[u32],
        hvp: &[u32],
        compares: &[(u32, f64)],
    ) -> Programs {
        let len = inner.nodes.len();
        // Which nodes change with the point (`on_x`) or with the HVP direction (`on_v`).
        let mut on_x = vec![false; len];
        let mut on_v = vec![false; len];
        inputs.iter().for_each(|&i| on_x[i as usize] = true);
        direction.iter().for_each(|&i| on_v[i as usize] = true);
        for (i, node) in inner.nodes.iter().enumerate() {
            for &j in &node.inputs {
                on_x[i] |= on_x[j as usize];
                on_v[i] |= on_v[j as usize];
            }
        }
        // A generic node reads its inputs by id, so a node a generic node reads is never
        // replaced by an equal one (it must be evaluated itself).
        let is_scalar_op = |node: &crate::tape::Node| {
            node.shape.is_empty()
                && matches!(node.op, Op::Unary(_) | Op::Binary(_))
                && node
                    .inputs
                    .iter()
                    .all(|&j| inner.nodes[j as usize].shape.is_empty())
        };
        let mut own = vec![false; len];
        for node in inner.nodes.iter().filter(|n| !is_scalar_op(n)) {
            node.inputs.iter().for_each(|&j| own[j as usize] = true);
        }
        // CSE over scalar unary/binary nodes: the canonical node of each.
        let mut canon: Vec<u32> = (0..len as u32).collect();
        let mut seen: HashMap<(String, u32, u32), u32> = HashMap::new();
        let mut key = String::new();
        for (i, node) in inner.nodes.iter().enumerate() {
            if !is_scalar_op(node) {
                continue;
            }
            let (a, b) = match node.inputs.as_slice() {
                [a] => (canon[*a as usize], u32::MAX),
                [a, b] => (canon[*a as usize], canon[*b as usize]),
                _ => continue,
            };
            key.clear();
            use std::fmt::Write;
            let _ = write!(key, "{:?}", node.op);
            match seen.entry((key.clone(), a, b)) {
                std::collections::hash_map::Entry::Occupied(e) if !own[i] => canon[i] = *e.get(),
                std::collections::hash_map::Entry::Occupied(_) => {}
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(i as u32);
                }
            }
        }
        // Dead-node elimination: what each set of roots needs, through canonical nodes.
        let needed = |roots: &[u32]| {
            let mut need = vec![false; len];
            for &r in roots.iter().chain(compares.iter().map(|(c, _)| c)) {
                need[canon[r as usize] as usize] = true;
            }
            for i in (0..len).rev() {
                if need[i] && canon[i] as usize == i {
                    for &j in &inner.nodes[i].inputs {
                        need[canon[j as usize] as usize] = true;
                    }
                }
            }
            need
        };
        let instr = |i: usize| -> Instr {
            let node = &inner.nodes[i];
            let slot = |j: u32| inner.nodes[canon[j as usize] as usize].offset as u32;
            let scalar = is_scalar_op(node);
            match node.op {
                Op::Unary(op) if scalar => Instr::Unary {
                    op,
                    x: slot(node.inputs[0]),
                    out: node.offset as u32,
                },
                Op::Binary(op) if scalar => Instr::Binary {
                    op,
                    a: slot(node.inputs[0]),
                    b: slot(node.inputs[1]),
                    out: node.offset as u32,
                },
                _ => Instr::Node(i as u32),
            }
        };
        assert!(
            inner.values.len() < u32::MAX as usize,
            "RecordedFn: arena too large for a replay program"
        );
        let program_ids = |roots: &[u32], keep: &dyn Fn(usize) -> bool| -> Vec<u32> {
            let need = needed(roots);
            (0..len)
                .filter(|&i| {
                    let op = inner.nodes[i].op;
                    // Reshapes read their input's values in place (`alias_reshapes`).
                    need[i]
                        && canon[i] as usize == i
                        && !op.is_leaf()
                        && op != Op::Layout(Layout::Reshape)
                        && keep(i)
                })
                .map(|i| i as u32)
                .collect()
        };
        let program = |roots: &[u32], keep: &dyn Fn(usize) -> bool| -> Vec<Instr> {
            program_ids(roots, keep)
                .into_iter()
                .map(|i| instr(i as usize))
                .collect()
        };
        let mut grad_roots = grads.to_vec();
        grad_roots.push(output);
        let hess_col = program(hvp, &|i| on_v[i]);
        // The Hessian's per-point prefix: what the HVP computes without the direction.
        let pre_prog = program(hvp, &|i| on_x[i] && !on_v[i]);
        let dir_slots = leaf_slots(inner, direction);
        let hvp_canon: Vec<u32> = hvp.iter().map(|&i| canon[i as usize]).collect();
        let lanes = Lanes::compile(inner, &hess_col, &dir_slots, &hvp_canon, dir_slots.len());
        // Over scalar inputs, the eager tape's rows reach less than the HVP's columns.
        let reach = (direction.len() > 1
            && direction
                .iter()
                .all(|&d| inner.nodes[d as usize].shape.is_empty()))
        .then(|| Reach {
            prog: hess_col.clone(),
            dir_slots: dir_slots.clone(),
            out_slots: Vec::new(),
        });
        // The slots read after each program has run, which fusion must keep writing: its
        // outputs and the comparisons, and for the Hessian's prefix what the columns read.
        let slots = |ids: &mut dyn Iterator<Item = u32>| -> HashSet<u32> {
            ids.flat_map(|i| {
                let node = &inner.nodes[canon[i as usize] as usize];
                (node.offset..node.offset + node.len()).map(|s| s as u32)
            })
            .collect()
        };
        let cmp = || compares.iter().map(|&(c, _)| c);
        let value_out = slots(&mut cmp().chain([output]));
        let grad_out = slots(&mut cmp().chain(grad_roots.iter().copied()));
        let hvp_out = slots(&mut cmp().chain(hvp.iter().copied()));
        let mut pre_out = hvp_out.clone();
        for ins in &hess_col {
            match *ins {
                Instr::Unary { x, .. } => drop(pre_out.insert(x)),
                Instr::Binary { a, b, .. } => pre_out.extend([a, b]),
                // A generic node (or a fused region made of such nodes) reads its inputs
                // from the arena: the prefix must leave them there, not in registers.
                Instr::Node(id) => {
                    pre_out.extend(slots(&mut inner.nodes[id as usize].inputs.iter().copied()))
                }
            }
        }
        let fast = |p: Vec<Instr>, pinned: &HashSet<u32>| fast::compile(&p, &|s| pinned.contains(&s));
        // Programs whose caller reads only `roots` (and the comparisons) afterwards: runs of
        // elementwise vector nodes become fused regions (`crate::exec::fused`); a program without
        // any region is all scalar or unfusable and gets the scalar fusions instead.
        // Their regions may also read the point (`x`) and the direction (`v`) from the caller's
        // buffers and write the vector result (`out`) into the caller's buffer.
        let mut regions = Vec::new();
        let one = |ids: &[u32]| match ids {
            [i] => Some(canon[*i as usize]),
            _ => None,
        };
        let (x_leaf, v_leaf) = (one(inputs), one(direction));
        let mut fused = |roots: &[u32],
                         keep: &dyn Fn(usize) -> bool,
                         pinned: &HashSet<u32>,
                         (x, v, out): (Option<u32>, Option<u32>, Option<u32>)|
         -> (Vec<Fast>, Bound) {
            let ids = program_ids(roots, keep);
            let read: Vec<u32> = roots
                .iter()
                .chain(compares.iter().map(|(c, _)| c))
                .map(|&r| canon[r as usize])
                .collect();
            // Only nodes on neither the point nor the direction keep their recorded values in
            // every replay: the column program's inputs from the Hessian's prefix do not.
            let constant = |j: u32| !on_x[j as usize] && !on_v[j as usize];
            let mut pieces = crate::exec::fused::plan(inner, &ids, &read, &constant, &|j| canon[j as usize]);
            if pieces.iter().all(|p| matches!(p, Piece::Node(_))) {
                return (fast(program(roots, keep), pinned), Bound::default());
            }
            let bound = crate::exec::fused::bind(inner, &mut pieces, x, v, out);
            let prog = pieces
                .into_iter()
                .map(|p| match p {
                    Piece::Node(id) => Fast::from(instr(id as usize)),
                    Piece::Region(r) => {
                        regions.push(r);
                        Fast::Fused(regions.len() as u32 - 1)
                    }
                })
                .collect();
            (prog, bound)
        };
        // The all-scalar programs, kept for native compilation (`recorded/jit.rs`).
        #[cfg(feature = "jit")]
        let scalar = {
            let keep = |p: Vec<Instr>, pinned: &HashSet<u32>| {
                if p.iter().any(|i| matches!(i, Instr::Node(_))) {
                    return None;
                }
                let mut pinned: Vec<u32> = pinned.iter().copied().collect();
                pinned.sort_unstable();
                Some((p, pinned))
            };
            (
                [
                    keep(program(&[output], &|i| on_x[i]), &value_out),
                    keep(program(&grad_roots, &|i| on_x[i]), &grad_out),
                    keep(program(hvp, &|i| on_x[i] || on_v[i]), &hvp_out),
                    keep(pre_prog.clone(), &pre_out),
                    keep(hess_col.clone(), &hvp_out),
                ],
                inner
                    .nodes
                    .iter()
                    .enumerate()
                    .filter(|&(i, n)| n.shape.is_empty() && !on_x[i] && !on_v[i])
                    .map(|(_, n)| (n.offset as u32, inner.values[n.offset]))
                    .collect::<HashMap<u32, f64>>(),
            )
        };
        let (value, value_io) = fused(&[output], &|i| on_x[i], &value_out, (x_leaf, None, None));
        let (grad, grad_io) = fused(&grad_roots, &|i| on_x[i], &grad_out, (x_leaf, None, one(grads)));
        let (hvp_prog, hvp_io) = fused(hvp, &|i| on_x[i] || on_v[i], &hvp_out, (x_leaf, v_leaf, one(hvp)));
        // The Hessian's column program, over the arena only (no caller buffers).
        let (col_prog, _) = fused(hvp, &|i| on_v[i], &hvp_out, (None, None, None));
        Programs {
            value,
            grad,
            hvp: hvp_prog,
            regions,
            value_io,
            grad_io,
            hvp_io,
            hess_pre: fast(pre_prog, &pre_out),
            hess_col: col_prog,
            dir_slots,
            lanes,
            reach,
            canon,
            #[cfg(feature = "jit")]
            scalar: scalar.0,
            #[cfg(feature = "jit")]
            fixed: scalar.1,
            ..Programs::default()
        }
    }
}

#[cfg(all(test, feature = "rayon"))]
mod tests {
    use super::RecordedFn;

    fn bits(m: &crate::Matrix) -> Vec<u64> {
        m.as_slice().iter().map(|v| v.to_bits()).collect()
    }

    #[test]
    fn parallel_hessians_are_the_serial_ones_bit_for_bit() {
        let x: Vec<f64> = (0..48).map(|i| (i as f64 * 0.37).sin()).collect();
        // One scalar Var per coordinate: the all-columns lane program.
        let f = crate::function(|x| {
            x.windows(2)
                .map(|p| (p[0] * p[1]).tanh() + p[0].exp() * p[1].square())
                .reduce(|a, b| a + b)
                .unwrap()
        });
        let rec = RecordedFn::new(f, &x);
        let (mut par, mut ser) = (
            rec.clone().with_parallel_min_dim(2),
            rec.with_parallel_min_dim(usize::MAX),
        );
        assert_eq!(bits(&par.hessian(&x)), bits(&ser.hessian(&x)));
        // One vector Var: generic nodes, the column program on copies of the arena.
        let g = crate::vector::function(|w| {
            let m = w.reshape(&[6, 8]);
            (m.matmul(m.t()).tanh() * 0.5).sum() + w.sigmoid().ln().sum()
        });
        let rec = RecordedFn::new_vector(g, &x);
        let (mut par, mut ser) = (
            rec.clone().with_parallel_min_dim(2),
            rec.with_parallel_min_dim(usize::MAX),
        );
        assert_eq!(bits(&par.hessian(&x)), bits(&ser.hessian(&x)));
    }
}

#[cfg(test)]
mod vector_tests {
    use super::RecordedFn;

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    #[test]
    fn long_vector_recordings_replay_bit_for_bit() {
        // Long elementwise chains around reshapes (aliased, see `alias_reshapes`) and slices.
        let f = crate::vector::function(|w| {
            let n = w.len();
            let m = w.reshape(&[n / 2, 2]);
            let (a, b) = (m.slice(1, 0, 1), m.slice(1, 1, 1));
            let r = (b - a.square()).square() * 100.0 + (1.0 - a).square();
            (r.tanh() * a.exp() + (b * 0.5).sigmoid().ln()).sum() + w.sin().square().mean()
        });
        let x0: Vec<f64> = (0..9000).map(|i| ((i * 7 % 13) as f64 - 6.0) / 5.0).collect();
        let x1: Vec<f64> = x0.iter().map(|v| v * 0.9 + 0.05).collect();
        let v: Vec<f64> = (0..9000).map(|k| 1.0 + (k % 10) as f64 / 10.0).collect();
        let mut rec = RecordedFn::new_vector(f, &x0);
        let (val, g) = rec.value_and_grad(&x1);
        let (val2, g2) = crate::vector::value_and_grad(f, &x1);
        assert_eq!(val.to_bits(), val2.to_bits());
        assert_eq!(bits(&g), bits(&g2));
        assert_eq!(bits(&rec.hvp(&x1, &v)), bits(&crate::vector::hvp(f, &x1, &v)));
    }

    /// The W2 extended Rosenbrock's gradient and HVP are one region each, which reads the
    /// point (and the direction, through the broadcast seed `1·v` computed in its gathers)
    /// from the caller's buffers and writes the result into the caller's buffer; every
    /// region runs on the tile executor (`fused/tiles.rs`).
    #[test]
    fn rosenbrock_replays_bind_the_callers_buffers() {
        fn f<'t>(x: crate::Var<'t>) -> crate::Var<'t> {
            let n = x.len();
            let m = x.reshape(&[n / 2, 2]);
            let (odd, even) = (m.slice(1, 0, 1), m.slice(1, 1, 1));
            (100.0 * (even - odd.square()).square() + (1.0 - odd).square()).sum()
        }
        let x0: Vec<f64> = (0..1000).map(|i| if i % 2 == 0 { -1.2 } else { 1.0 }).collect();
        let mut rec = RecordedFn::new_vector(f, &x0);
        let p = &rec.progs;
        assert!(matches!(p.grad[..], [super::Fast::Fused(_)]), "{:?}", p.grad);
        assert!(matches!(p.hvp[..], [super::Fast::Fused(_)]), "{:?}", p.hvp);
        let (g, h) = (p.grad_io, p.hvp_io);
        assert!(g.x && !g.v && g.out && h.x && h.v && h.out, "{g:?} {h:?}");
        assert!(p.regions.iter().all(|r| r.tiled()), "{:?}", p.regions);
        let x1: Vec<f64> = (0..1000).map(|i| (i as f64 * 0.37).sin()).collect();
        let v: Vec<f64> = (0..1000).map(|i| (i as f64 * 0.11).cos()).collect();
        let (val, grad) = rec.value_and_grad(&x1);
        let (val2, grad2) = crate::vector::value_and_grad(f, &x1);
        assert_eq!((val.to_bits(), bits(&grad)), (val2.to_bits(), bits(&grad2)));
        assert_eq!(rec.value(&x1).to_bits(), val2.to_bits());
        assert_eq!(bits(&rec.hvp(&x1, &v)), bits(&crate::vector::hvp(f, &x1, &v)));
    }
}
