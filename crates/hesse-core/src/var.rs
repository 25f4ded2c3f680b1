//! `Var`, the handle to a node on a tape.
//!
//! A `Var` is a tape reference plus a node id: `Copy`, two words. It holds no value of its
//! own; [`Var::value`] and [`Var::to_vec`] read the tape's arena. The ops live in
//! `ops/<family>.rs`, each adding its methods and operator impls to `Var`.

use std::fmt;

use crate::shape::{Shape, numel};
use crate::tape::{NodeId, Tape};

/// A value on a [`Tape`]: a scalar, vector, matrix or higher-rank tensor.
///
/// Arithmetic operators work between `Var`s (numpy broadcasting) and with `f64` on either
/// side; methods are named like `f64`'s, so a loss reads like its formula.
///
/// ```
/// let tape = hesse_core::Tape::new();
/// let (x, y) = (tape.var(-1.2), tape.var(1.0));
/// let f = (1.0 - x).powi(2) + 100.0 * (y - x.powi(2)).powi(2);
/// assert!((f.value() - 24.2).abs() < 1e-12);
/// ```
#[derive(Clone, Copy)]
pub struct Var<'t> {
    pub(crate) tape: &'t Tape,
    /// The node id (low 32 bits) and the node's generation (high 32 bits, see
    /// `tape::Node::epoch`: a `Var` of a released node panics). One word, not two `u32`s:
    /// a pointer and one integer are passed in two registers as they are, while a third
    /// field makes every `Var` argument a packed aggregate (measured: the eager tape 20 %
    /// slower).
    key: u64,
}

impl<'t> Var<'t> {
    pub(crate) fn from_raw(tape: &'t Tape, id: u32, epoch: u32) -> Self {
        Var {
            tape,
            key: id as u64 | (epoch as u64) << 32,
        }
    }

    /// The node's index on its tape.
    #[inline(always)]
    pub(crate) fn idx(&self) -> u32 {
        self.key as u32
    }

    /// The node's generation when this `Var` was made.
    #[inline(always)]
    pub(crate) fn epoch(&self) -> u32 {
        (self.key >> 32) as u32
    }

    /// The tape this `Var` lives on.
    pub fn tape(&self) -> &'t Tape {
        self.tape
    }

    /// The node id on the tape.
    pub fn id(&self) -> NodeId {
        NodeId(self.idx())
    }

    /// The value of a scalar (or single-element) `Var`.
    ///
    /// # Panics
    /// If the `Var` holds more than one element; use [`Var::to_vec`] then.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// assert_eq!(tape.var(2.5).exp().ln().value(), 2.5);
    /// ```
    #[track_caller]
    pub fn value(&self) -> f64 {
        let inner = &mut *self.tape.inner.borrow_mut();
        inner.node(self);
        inner.force(self.idx());
        let v = inner.value(self.idx());
        assert!(
            v.len() == 1,
            "value: Var of shape {:?} is not a scalar; use to_vec()",
            inner.node(self).shape.as_slice()
        );
        v[0]
    }

    /// The values, row-major.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let v = tape.vector(&[1.0, 4.0]);
    /// assert_eq!(v.sqrt().to_vec(), vec![1.0, 2.0]);
    /// ```
    pub fn to_vec(&self) -> Vec<f64> {
        let inner = &mut *self.tape.inner.borrow_mut();
        inner.node(self);
        inner.force(self.idx());
        crate::exec::pages::fresh_copy(inner.value(self.idx()))
    }

    /// Copies the values into `out`.
    ///
    /// # Panics
    /// If `out.len()` differs from the number of elements.
    #[track_caller]
    pub fn copy_to(&self, out: &mut [f64]) {
        let inner = &mut *self.tape.inner.borrow_mut();
        inner.node(self);
        inner.force(self.idx());
        out.copy_from_slice(inner.value(self.idx()));
    }

    /// The shape (empty for a scalar).
    pub fn shape(&self) -> Vec<usize> {
        self.tape.shape_of(self).to_vec()
    }

    pub(crate) fn shape_small(&self) -> Shape {
        self.tape.shape_of(self)
    }

    /// Whether the shape is exactly `shape` (without copying it out).
    pub(crate) fn has_shape(&self, shape: &[usize]) -> bool {
        self.tape.inner.borrow().node(self).shape.as_slice() == shape
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        numel(&self.tape.shape_of(self))
    }

    /// Whether the `Var` has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether this is a scalar (rank 0).
    pub fn is_scalar(&self) -> bool {
        self.tape.shape_of(self).is_empty()
    }

    /// Panics unless `other` lives on the same tape; every binary op calls this.
    #[track_caller]
    pub(crate) fn same_tape(&self, other: &Var<'t>, op: &str) {
        assert!(
            std::ptr::eq(self.tape, other.tape),
            "{op}: operands live on different tapes"
        );
    }
}

impl fmt::Debug for Var<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &mut *self.tape.inner.borrow_mut();
        let Some(node) = inner
            .nodes
            .get(self.idx() as usize)
            .filter(|n| n.epoch == self.epoch())
        else {
            return write!(f, "Var#{} (released by Tape::rewind)", self.idx());
        };
        let node = node.clone();
        inner.force(self.idx());
        write!(
            f,
            "Var#{} {}{:?} = {:?}",
            self.idx(),
            node.op.name(),
            node.shape.as_slice(),
            inner.value(self.idx())
        )
    }
}
