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
//! time they are written (`exec/reuse.rs`), so that a replay's stores go to memory it
//! has just used (still in cache) rather than to a fresh range of a large arena.
//!
//! Scalar unary and binary nodes — the bulk of a loss written one `Var` per coordinate — become
//! direct instructions on arena slots; every other node runs through its op's kernel.
//! Elementwise vector nodes form fused regions (`crate::exec::fused`), which read the point and the
//! direction from the caller's buffers and write the gradient or HVP into the caller's
//! buffer when nothing outside them needs these in the arena.
//! A program made only of scalar instructions then goes through a peephole pass
//! (`exec/peephole.rs`): values read once stay in registers inside fused super-instructions
//! (`a·b + c`, `σ(a + b)`, the sigmoid rule, …), identity ops are forwarded, and the
//! instructions are ordered by dependency depth so that the latency of `exp` or a division
//! overlaps independent work. Same operations, same order of each one's operands: the
//! results do not change by a bit.
//! For the Hessian, the nodes that do not depend on the direction run once per point and only
//! the direction-dependent ones run once per column: `H e_i` for i = 1..n, all n columns at
//! once when the column program is all scalar (`exec/lanes.rs`).
//!
//! # Native code (feature `jit`, on by default)
//! An all-scalar program can also be compiled to machine code with Cranelift
//! (`exec/jit.rs`): the same IEEE operations in the same order, the same library calls
//! for `exp`, `ln`, `tanh`, …, so the results are again bit for bit the same. Compiling costs
//! about as much as a few thousand interpreted replays, so a program is compiled once it has
//! been replayed 4,000 times, or at its first use with [`RecordedFn::jit`]. Programs with vector
//! nodes (matrix products, fused regions) keep the interpreter, whose kernels are already
//! loops over whole arrays; on CPUs with AVX-512 their fused regions are assembled into
//! machine code at their first replay (`exec/fused/native.rs`: AVX-512 code, same bits, no
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
//! the eager tape's reach (`exec/reach.rs`), so NaN never spreads into entries the eager
//! Hessian has finite. `tests/differential.rs` holds every route to this on random programs.
//!
//! # Frozen control flow
//! As with ReverseDiff's compiled tapes, **a branch in user code on a value is frozen at
//! record time**. Ops such as `relu`, `abs`, `max` and `min` are fine: they are kernels and
//! re-evaluate. Comparisons made through [`Var::gt`](crate::Var::gt) (and `ge`, `lt`, `le`)
//! are recorded, and a replay whose comparison outcomes differ from the recording sets
//! [`RecordedFn::branch_changed`] (CppAD's `compare_change`), so a silently wrong answer
//! can be detected: re-record at the new point when it is set.

mod data;
mod finish;

#[cfg(feature = "jit")]
use crate::exec::jit;
#[cfg(feature = "jit")]
use crate::exec::natives::NATIVE_COLUMNS_MAX_DIM;

use crate::exec::fast::run;
use crate::exec::program::Programs;
use crate::matrix::Matrix;
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
    pub(crate) tape: Tape,
    n: usize,
    /// Input leaves: n scalars, or one vector.
    inputs: Vec<u32>,
    /// Data leaves (see [`RecordedFn::new_with_data`]): arena offset and shape of each.
    data: Vec<(usize, crate::shape::Shape)>,
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

/// The nodes of a recording, before its programs are compiled.
struct Nodes {
    /// The parameter leaves (n scalars, or one vector).
    inputs: Vec<u32>,
    /// The data leaves: replayed like the parameters, not differentiated.
    data: Vec<u32>,
    output: u32,
    grads: Vec<u32>,
    direction: Vec<u32>,
    hvp: Vec<u32>,
}

/// With the `rayon` feature, Hessians of at least this many coordinates are computed with
/// their columns split over rayon's threads (see [`RecordedFn::with_parallel_min_dim`]).
#[cfg(feature = "rayon")]
pub const PARALLEL_MIN_DIM: usize = 32;

impl RecordedFn {
    /// Records `f` (a closure over one scalar `Var` per coordinate) at `x0`.
    ///
    /// # Panics
    /// If `f` does not return a scalar.
    pub fn new<F>(f: F, x0: &[f64]) -> Self
    where
        F: crate::LossFn, // a closure stored in a `let` needs `hesse::function(|x| ...)` around it
    {
        Self::record(&[], |tape, _| {
            let xs = tape.vars(x0);
            (f(&xs), xs)
        })
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
        F: crate::VectorLossFn, // a closure in a `let` needs `hesse::vector::function(|w| ...)`
    {
        Self::record(&[], |tape, _| {
            let w = tape.vector(x0);
            (f(w), vec![w])
        })
    }

    /// Records the loss `build` returns (with its parameter leaves) on a new tape, given the
    /// data leaves made of `data` (see [`RecordedFn::new_with_data`]), with its gradient and
    /// the HVP nodes, and compiles the replay programs.
    fn record<B>(data: &[(&[f64], &[usize])], build: B) -> Self
    where
        B: for<'t> FnOnce(&'t Tape, &[Var<'t>]) -> (Var<'t>, Vec<Var<'t>>),
    {
        let tape = Tape::new();
        // Vector kernels run in the replays, not here (`record.rs`): the recording costs
        // time and memory by its graph.
        tape.inner.borrow_mut().deferring = true;
        let (n, nodes) = {
            let ds: Vec<Var<'_>> = data.iter().map(|&(v, s)| tape.constant(v, s)).collect();
            let (y, xs) = build(&tape, &ds);
            // A free constant as result (a generic `T::zero()`) becomes one of this tape.
            let y = y.onto(&tape, "RecordedFn");
            crate::transforms::check_scalar(&y, "RecordedFn");
            let g = tape.grad(y, &xs);
            // The HVP's direction: one constant per parameter leaf, of its shape, replaced
            // at each call; ⟨g, v⟩ differentiated again is H·v.
            let vs: Vec<Var<'_>> = xs
                .iter()
                .map(|x| {
                    let shape = x.shape();
                    // A scalar's slot must be a node of its own: `zeros` of no shape is the
                    // scalar constant 0 (on the free tape, shared).
                    if shape.is_empty() {
                        tape.constant(&[0.0], &[])
                    } else {
                        tape.zeros(&shape)
                    }
                })
                .collect();
            let terms = g.iter().zip(&vs).map(|(&gi, &vi)| {
                let t = gi * vi;
                if t.is_scalar() { t } else { t.sum() }
            });
            let dot = terms.reduce(|a, b| a + b).unwrap_or_else(|| tape.scalar(0.0));
            let h = tape.grad(dot, &xs);
            let nodes = Nodes {
                inputs: ids(&xs),
                data: ids(&ds),
                output: y.idx(),
                grads: ids(&g),
                direction: ids(&vs),
                hvp: ids(&h),
            };
            (xs.iter().map(Var::len).sum(), nodes)
        };
        Self::finish(tape, n, nodes)
    }

    /// Number of coordinates.
    pub fn dim(&self) -> usize {
        self.n
    }

    /// Number of recorded nodes (forward, gradient and HVP sections).
    pub fn len(&self) -> usize {
        self.tape.len()
    }

    /// Compiles each all-scalar replay program to native code at its first replay (feature
    /// `jit`), instead of once it has been replayed often enough to pay for the compilation
    /// (the default). Only the programs used are compiled: a recording used for gradients
    /// alone never compiles its HVP or Hessian programs. Results are bit for bit those of the
    /// interpreter (see `exec/jit.rs`); programs with vector nodes keep the interpreter.
    ///
    /// When this pays: compiling costs about as much as 2,000–15,000 interpreted replays of
    /// the same program (see [`RecordedFn::with_jit_after`] and the crossovers measured in
    /// the README), so `.jit()` is for a recording replayed many thousand times.
    ///
    /// ```
    /// # hesse_core::native::set(hesse_core::native::Native::ON); // whatever HESSE_NATIVE says
    /// let mut f = hesse_core::RecordedFn::new(|x| x[0].exp() * x[1].square(), &[0.0, 0.0]).jit();
    /// assert_eq!(f.native_programs(), 0); // nothing compiled until a program is used
    /// let (v, g) = f.value_and_grad(&[0.0, 2.0]);
    /// assert_eq!((v, g), (4.0, vec![4.0, 4.0]));
    /// assert_eq!(f.native_programs(), 1); // the value-and-gradient program only
    /// ```
    #[cfg(feature = "jit")]
    pub fn jit(self) -> Self {
        self.with_jit_after(0)
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
    /// `runs` times (feature `jit`; the default is 4,000, about when the time spent
    /// interpreting equals the time compiling takes; `0` compiles at the first replay,
    /// `u64::MAX` never).
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
    /// for _ in 0..4000 {
    ///     f.value(&[3.0]); // compiled once it has been replayed 4,000 times
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
        let mut g = crate::exec::pages::fresh_zeros(self.n);
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
        let mut out = crate::exec::pages::fresh_zeros(self.n);
        self.hvp_to(x, v, &mut out);
        out
    }

    /// The exact Hessian at `x` (exactly symmetric): one forward-and-gradient replay, then the
    /// HVP section once per unit vector.
    ///
    /// # Panics
    /// If `x` has the wrong length, or the n×n matrix would need more memory than the
    /// [dense-memory limit](crate::dense) ([`RecordedFn::try_hessian`] returns that as an
    /// error).
    #[track_caller]
    pub fn hessian(&mut self, x: &[f64]) -> Matrix {
        self.try_hessian(x).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`RecordedFn::hessian`], or [`CoreError::DenseTooLarge`](crate::CoreError::DenseTooLarge)
    /// when the n×n matrix would need more memory than the [dense-memory limit](crate::dense).
    ///
    /// ```
    /// let mut f = hesse_core::RecordedFn::new(|x| x[0] * x[1], &[1.0, 2.0]);
    /// assert_eq!(f.try_hessian(&[1.0, 2.0])?[(0, 1)], 1.0);
    /// assert!(hesse_core::dense::scoped(31, || f.try_hessian(&[1.0, 2.0])).is_err()); // 32 B
    /// # Ok::<(), hesse_core::CoreError>(())
    /// ```
    ///
    /// # Errors
    /// [`CoreError::DenseTooLarge`](crate::CoreError::DenseTooLarge) when `8·n²` bytes exceed
    /// the limit in force.
    ///
    /// # Panics
    /// If `x` has the wrong length.
    #[track_caller]
    pub fn try_hessian(&mut self, x: &[f64]) -> Result<Matrix, crate::CoreError> {
        crate::dense::check("RecordedFn::hessian", self.n)?;
        let mut h = Matrix::zeros(self.n, self.n);
        self.hessian_to(x, &mut h);
        Ok(h)
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

    /// [`RecordedFn::hessian`] into a caller's buffer (allocated by the caller, so the
    /// [dense-memory limit](crate::dense) is not checked).
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
    /// (see `exec/reach.rs`): a recording over scalar inputs only.
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
    /// region runs on the tile executor (`exec/fused/tiles/`).
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
        assert!(
            matches!(p.grad[..], [crate::exec::fast::Fast::Fused(_)]),
            "{:?}",
            p.grad
        );
        assert!(
            matches!(p.hvp[..], [crate::exec::fast::Fast::Fused(_)]),
            "{:?}",
            p.hvp
        );
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
