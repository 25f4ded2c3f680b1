//! The `Var` methods of the layout ops and their vector-Jacobian rules, written in `Var` ops
//! (so they differentiate again). The ops' data and kernels are in the parent module, which
//! knows nothing of `Var`.

use super::Layout;
use crate::ops::Op;
use crate::shape::{Shape, fmt_shape, numel};
use crate::tape::Inputs;
use crate::var::Var;

impl Layout {
    /// The VJP for input `k`.
    pub fn vjp<'t>(&self, k: usize, g: Var<'t>, inputs: &[Var<'t>]) -> Option<Var<'t>> {
        let x = inputs[k];
        Some(match *self {
            Layout::Reshape => g.reshape(&x.shape()),
            Layout::Slice { axis, start } => g.pad(axis, start, x.shape()[axis]),
            Layout::Pad { axis, start } => g.slice(axis, start, x.shape()[axis]),
            Layout::Concat { axis } => {
                let at: usize = inputs[..k].iter().map(|v| v.shape()[axis]).sum();
                g.slice(axis, at, x.shape()[axis])
            }
        })
    }
}

impl<'t> Var<'t> {
    /// The same values with a new shape (row-major order is kept). Returns `self` when the
    /// shape is unchanged.
    ///
    /// # Panics
    /// If the element counts differ.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let v = tape.vector(&[1.0, 2.0, 3.0, 4.0]);
    /// assert_eq!(v.reshape(&[2, 2]).shape(), vec![2, 2]);
    /// ```
    #[track_caller]
    pub fn reshape(self, shape: &[usize]) -> Var<'t> {
        let own = self.shape_small();
        if own.as_slice() == shape {
            return self;
        }
        assert!(
            numel(&own) == numel(shape),
            "reshape: cannot reshape {} to {}",
            fmt_shape(&own),
            fmt_shape(shape)
        );
        self.tape.push(
            Op::Layout(Layout::Reshape),
            Inputs::from_slice(&[self.idx()]),
            Shape::from_slice(shape),
        )
    }

    /// The elements `start .. start + len` along `axis`.
    ///
    /// # Panics
    /// If the axis or the range is out of bounds.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let m = tape.tensor(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
    /// assert_eq!(m.slice(1, 1, 2).to_vec(), vec![2.0, 3.0, 5.0, 6.0]);
    /// ```
    #[track_caller]
    pub fn slice(self, axis: usize, start: usize, len: usize) -> Var<'t> {
        let own = self.shape_small();
        assert!(
            axis < own.len() && start + len <= own[axis],
            "slice: range {start}..{} on axis {axis} out of bounds for shape {}",
            start + len,
            fmt_shape(&own)
        );
        if start == 0 && len == own[axis] {
            return self;
        }
        let mut shape = own.clone();
        shape[axis] = len;
        self.tape.push(
            Op::Layout(Layout::Slice { axis, start }),
            Inputs::from_slice(&[self.idx()]),
            shape,
        )
    }

    /// Zero padding along `axis` to length `total`, with `self` at `start` (the adjoint of
    /// [`Var::slice`]).
    ///
    /// # Panics
    /// If `start + len > total`.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let v = tape.vector(&[1.0, 2.0]);
    /// assert_eq!(v.pad(0, 1, 4).to_vec(), vec![0.0, 1.0, 2.0, 0.0]);
    /// ```
    #[track_caller]
    pub fn pad(self, axis: usize, start: usize, total: usize) -> Var<'t> {
        let own = self.shape_small();
        assert!(
            axis < own.len() && start + own[axis] <= total,
            "pad: {} at {start} on axis {axis} does not fit length {total}",
            fmt_shape(&own)
        );
        if start == 0 && total == own[axis] {
            return self;
        }
        let mut shape = own.clone();
        shape[axis] = total;
        self.tape.push(
            Op::Layout(Layout::Pad { axis, start }),
            Inputs::from_slice(&[self.idx()]),
            shape,
        )
    }

    /// Element `i` along the first axis, with that axis removed: `v.index(2)` of a vector is a
    /// scalar, `m.index(0)` of a matrix is its first row.
    ///
    /// # Panics
    /// If `self` is a scalar or `i` is out of bounds.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let v = tape.vector(&[1.0, 2.0, 3.0]);
    /// assert_eq!(v.index(2).value(), 3.0);
    /// ```
    #[track_caller]
    pub fn index(self, i: usize) -> Var<'t> {
        let own = self.shape();
        assert!(!own.is_empty(), "index: cannot index a scalar");
        self.slice(0, i, 1).reshape(&own[1..])
    }

    /// Joins `vars` along `axis`; all other dimensions must agree.
    ///
    /// # Panics
    /// If `vars` is empty, they live on different tapes, or their shapes disagree.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let (a, b) = (tape.vector(&[1.0]), tape.vector(&[2.0, 3.0]));
    /// assert_eq!(hesse_core::Var::concat(&[a, b], 0).to_vec(), vec![1.0, 2.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn concat(vars: &[Var<'t>], axis: usize) -> Var<'t> {
        assert!(!vars.is_empty(), "concat: no inputs");
        if vars.len() == 1 {
            return vars[0];
        }
        // Free constants (`Var::constant`) join the tape of the first `Var` that has one.
        if let Some(real) = vars.iter().find(|v| !v.is_free()) {
            if vars.iter().any(|v| !std::ptr::eq(v.tape, real.tape)) {
                let on: Vec<Var<'t>> = vars.iter().map(|v| v.onto(real.tape, "concat")).collect();
                return Var::concat(&on, axis);
            }
        }
        let first = vars[0].shape_small();
        assert!(
            axis < first.len(),
            "concat: axis {axis} out of range for shape {}",
            fmt_shape(&first)
        );
        let mut shape = first.clone();
        shape[axis] = 0;
        for v in vars {
            vars[0].same_tape(v, "concat");
            let s = v.shape_small();
            let agree = s.len() == first.len() && (0..s.len()).all(|d| d == axis || s[d] == first[d]);
            assert!(
                agree,
                "concat: shape mismatch: {} and {} along axis {axis}",
                fmt_shape(&first),
                fmt_shape(&s)
            );
            shape[axis] += s[axis];
        }
        let inputs: Inputs = vars.iter().map(|v| v.idx()).collect();
        vars[0]
            .tape
            .push(Op::Layout(Layout::Concat { axis }), inputs, shape)
    }

    /// Stacks equally shaped `vars` along a new first axis: scalars become a vector, vectors
    /// the rows of a matrix.
    ///
    /// # Panics
    /// If `vars` is empty or shapes differ.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let xs = tape.vars(&[1.0, 2.0]);
    /// let v = hesse_core::Var::stack(&xs);
    /// assert_eq!(v.shape(), vec![2]);
    /// ```
    #[track_caller]
    pub fn stack(vars: &[Var<'t>]) -> Var<'t> {
        assert!(!vars.is_empty(), "stack: no inputs");
        let rows: Vec<Var<'t>> = vars
            .iter()
            .map(|v| {
                let mut s = vec![1];
                s.extend(v.shape());
                v.reshape(&s)
            })
            .collect();
        Var::concat(&rows, 0)
    }

    /// The values as a rank-1 vector.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let m = tape.tensor(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    /// assert_eq!(m.flatten().shape(), vec![4]);
    /// ```
    pub fn flatten(self) -> Var<'t> {
        let n = self.len();
        self.reshape(&[n])
    }
}
