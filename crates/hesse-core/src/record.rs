//! Recording: the constructors of [`Var`]s on a [`Tape`] — inputs, constants, and ops pushed
//! and evaluated at once. The tape itself (`tape.rs`) is storage that knows nothing of `Var`;
//! this is where a node becomes a handle.

use crate::ops::{Layout, Op};
use crate::shape::{Shape, numel};
use crate::tape::{Inputs, Node, Tape, TapeInner};
use crate::var::Var;

impl TapeInner {
    /// The node of `v`, checked to be the one `v` was created for.
    ///
    /// # Panics
    /// If `v`'s node was released by [`Tape::rewind`].
    #[track_caller]
    #[inline]
    pub fn node(&self, v: &Var<'_>) -> &Node {
        match self.nodes.get(v.idx() as usize) {
            Some(n) if n.epoch == v.epoch() => n,
            _ => stale(v.idx()),
        }
    }
}

impl Tape {
    /// A scalar input (a leaf that gradients are taken with respect to).
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let x = tape.var(2.0);
    /// assert_eq!(x.value(), 2.0);
    /// ```
    pub fn var(&self, value: f64) -> Var<'_> {
        self.leaf(Op::Input, &[value], Shape::new())
    }

    /// One scalar input per value.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let xs = tape.vars(&[1.0, 2.0]);
    /// assert_eq!((xs[0] + xs[1]).value(), 3.0);
    /// ```
    pub fn vars(&self, values: &[f64]) -> Vec<Var<'_>> {
        values.iter().map(|&v| self.var(v)).collect()
    }

    /// A rank-1 input.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let v = tape.vector(&[1.0, 2.0, 3.0]);
    /// assert_eq!(v.shape(), vec![3]);
    /// ```
    pub fn vector(&self, values: &[f64]) -> Var<'_> {
        self.leaf(Op::Input, values, Shape::from_slice(&[values.len()]))
    }

    /// An input of any shape, row-major.
    ///
    /// # Panics
    /// If `values.len()` is not the product of `shape`.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let m = tape.tensor(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
    /// assert_eq!(m.shape(), vec![2, 3]);
    /// ```
    #[track_caller]
    pub fn tensor(&self, values: &[f64], shape: &[usize]) -> Var<'_> {
        check_len("tensor", values, shape);
        self.leaf(Op::Input, values, Shape::from_slice(shape))
    }

    /// A constant of any shape: it takes part in computations but has no gradient.
    ///
    /// # Panics
    /// If `values.len()` is not the product of `shape`.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let x = tape.var(2.0);
    /// let c = tape.constant(&[5.0], &[]);
    /// assert_eq!(tape.grad(x * c, &[x])[0].value(), 5.0);
    /// ```
    #[track_caller]
    pub fn constant(&self, values: &[f64], shape: &[usize]) -> Var<'_> {
        check_len("constant", values, shape);
        self.leaf(Op::Constant, values, Shape::from_slice(shape))
    }

    /// A scalar constant.
    pub fn scalar(&self, value: f64) -> Var<'_> {
        self.leaf(Op::Constant, &[value], Shape::new())
    }

    /// A constant of zeros with the given shape.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// assert_eq!(tape.zeros(&[2, 2]).to_vec(), vec![0.0; 4]);
    /// ```
    pub fn zeros(&self, shape: &[usize]) -> Var<'_> {
        if self.free || shape.is_empty() {
            return self.constant(&vec![0.0; numel(shape)], shape);
        }
        let mut inner = self.inner.borrow_mut();
        let offset = inner.extend_arena_zeroed(numel(shape));
        let (id, epoch) = inner.append(
            Op::Constant,
            Inputs::new(),
            Shape::from_slice(shape),
            offset,
            true,
        );
        Var::from_raw(self, id, epoch)
    }

    #[inline]
    #[track_caller]
    fn leaf(&self, op: Op, values: &[f64], shape: Shape) -> Var<'_> {
        if self.free && shape.is_empty() {
            return self.free_scalar(op, values[0]);
        }
        self.push_leaf(op, values, shape)
    }

    /// Appends a leaf node (no inputs) with its values; no interning.
    #[inline]
    #[track_caller]
    pub(crate) fn push_leaf(&self, op: Op, values: &[f64], shape: Shape) -> Var<'_> {
        assert!(
            !self.free || matches!(op, Op::Constant),
            "the tape of free constants (Var::constant, Var::zero) holds no inputs: make a Tape"
        );
        let mut inner = self.inner.borrow_mut();
        let offset = inner.extend_arena(values.len());
        inner.values[offset..].copy_from_slice(values);
        let (id, epoch) = inner.append(op, Inputs::new(), shape, offset, true);
        Var::from_raw(self, id, epoch)
    }

    /// Records `op` applied to `inputs` with output `shape` and evaluates it — or, on a
    /// deferring tape (a recording's), leaves its kernel to run when its values are asked for
    /// ([`TapeInner::force`]) when it is a vector or reads a node that is not evaluated. Its
    /// arena range is reserved either way, without a fill (`arena.rs`): the kernel writes it
    /// whole.
    #[inline]
    pub(crate) fn push(&self, op: Op, inputs: Inputs, shape: Shape) -> Var<'_> {
        let mut inner = self.inner.borrow_mut();
        if inner.deferring && op == Op::Layout(Layout::Reshape) {
            // Its values are its input's in the same order: read in place, no kernel
            // (`Node::aliases_input`).
            let x = &inner.nodes[inputs[0] as usize];
            let (offset, ready) = (x.offset, x.ready);
            let (id, epoch) = inner.append(op, inputs, shape, offset, ready);
            return Var::from_raw(self, id, epoch);
        }
        let offset = inner.extend_arena(numel(&shape));
        let defer =
            inner.deferring && (!shape.is_empty() || inputs.iter().any(|&j| !inner.nodes[j as usize].ready));
        let (id, epoch) = inner.append(op, inputs, shape, offset, !defer);
        if !defer {
            inner.evaluate(id as usize);
        }
        Var::from_raw(self, id, epoch)
    }

    /// Fast path for scalar ops: the value is already computed, no shapes to check.
    #[inline]
    pub(crate) fn push_scalar(&self, op: Op, inputs: Inputs, value: f64) -> Var<'_> {
        if self.free {
            // Among free constants only values matter: intern, so memory stays flat.
            return self.intern(value);
        }
        let mut inner = self.inner.borrow_mut();
        let offset = inner.extend_arena(1);
        inner.values[offset] = value;
        let (id, epoch) = inner.append(op, inputs, Shape::new(), offset, true);
        Var::from_raw(self, id, epoch)
    }

    /// A scalar leaf on the tape of free constants: interned (it holds no inputs).
    #[cold]
    #[track_caller]
    fn free_scalar(&self, op: Op, value: f64) -> Var<'_> {
        assert!(
            matches!(op, Op::Constant),
            "the tape of free constants (Var::constant, Var::zero) holds no inputs: make a Tape"
        );
        self.intern(value)
    }

    /// The shape of `v`'s node (checked to be live, see [`TapeInner::node`]).
    #[track_caller]
    pub(crate) fn shape_of(&self, v: &Var<'_>) -> Shape {
        self.inner.borrow().node(v).shape.clone()
    }
}

#[track_caller]
fn check_len(what: &str, values: &[f64], shape: &[usize]) {
    assert_eq!(
        values.len(),
        numel(shape),
        "{what}: {} values do not fill shape {:?}",
        values.len(),
        shape
    );
}

/// The panic of a `Var` used after its node was released.
#[cold]
#[inline(never)]
#[track_caller]
fn stale(id: u32) -> ! {
    panic!(
        "Var #{id} used after Tape::rewind released its node: Vars created after a mark must not be used after the matching rewind"
    )
}
