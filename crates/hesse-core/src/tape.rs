//! The tape: an append-only list of nodes whose values live in one arena.
//!
//! A node is an op, the ids of its inputs, its shape and the offset of its value in a single
//! `Vec<f64>`. Values are computed eagerly when a node is pushed, so a scalar op costs one
//! node push and one arena push. Because every node's inputs were pushed before it, a node's
//! value always sits after its inputs' values in the arena, which lets a kernel read its
//! inputs and write its output through one `split_at_mut`.
//!
//! [`Tape::mark`] and [`Tape::rewind`] release everything pushed after a mark, so a loop of
//! gradient evaluations runs in flat memory.

use std::cell::RefCell;
use std::fmt;

use smallvec::SmallVec;

use crate::ops::{self, Op};
use crate::shape::{Shape, numel};
use crate::var::Var;

/// Index of a node on its tape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub(crate) u32);

impl NodeId {
    /// The position of the node on its tape.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Inputs of one node; two inline covers every op but concat.
pub(crate) type Inputs = SmallVec<[u32; 2]>;

/// One recorded operation.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub op: Op,
    pub inputs: Inputs,
    pub shape: Shape,
    pub offset: usize,
    /// The tape's rewind count when the node was pushed: a [`Var`] carries it too, so that a
    /// `Var` whose node was released by [`Tape::rewind`] (and whose slot a later node may
    /// reuse) is caught instead of silently reading the new node.
    pub epoch: u32,
}

impl Node {
    pub fn len(&self) -> usize {
        numel(&self.shape)
    }
}

#[derive(Clone, Default)]
pub(crate) struct TapeInner {
    pub nodes: Vec<Node>,
    pub values: Vec<f64>,
    /// How many rewinds have released nodes (the generation of nodes pushed now).
    pub epoch: u32,
}

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

    pub fn value(&self, id: u32) -> &[f64] {
        let n = &self.nodes[id as usize];
        &self.values[n.offset..n.offset + n.len()]
    }

    /// Evaluates node `id`'s kernel from its inputs' current values, in place. The inputs'
    /// values lie before or after the node's own (a recording's arena is in node order, and
    /// a replay may place a node in the range of a node that is dead by then,
    /// `recorded/reuse.rs`), never across them.
    pub fn evaluate(&mut self, id: usize) {
        let node = &self.nodes[id];
        let len = numel(&node.shape);
        let (head, rest) = self.values.split_at_mut(node.offset);
        let (out, tail) = rest.split_at_mut(len);
        let after = node.offset + len;
        let mut ins: SmallVec<[(&[f64], &[usize]); 2]> = SmallVec::new();
        for &j in &node.inputs {
            let n = &self.nodes[j as usize];
            let (o, l) = (n.offset, numel(&n.shape));
            let x = if o + l <= node.offset {
                &head[o..o + l]
            } else {
                &tail[o - after..o - after + l]
            };
            ins.push((x, &n.shape));
        }
        ops::forward(&node.op, &ins, out, &node.shape);
    }
}

/// A recording of operations on values, the object every [`Var`] points into.
///
/// ```
/// use hesse_core::Tape;
/// let tape = Tape::new();
/// let x = tape.var(3.0);
/// let y = x * x + 1.0;
/// assert_eq!(y.value(), 10.0);
/// let g = tape.grad(y, &[x]);
/// assert_eq!(g[0].value(), 6.0);
/// ```
#[derive(Default)]
pub struct Tape {
    pub(crate) inner: RefCell<TapeInner>,
}

/// A position on a tape, returned by [`Tape::mark`] and consumed by [`Tape::rewind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    nodes: usize,
    values: usize,
}

impl Tape {
    /// An empty tape.
    pub fn new() -> Self {
        Self::default()
    }

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
    pub fn zeros(&self, shape: &[usize]) -> Var<'_> {
        self.constant(&vec![0.0; numel(shape)], shape)
    }

    /// Number of nodes recorded.
    pub fn len(&self) -> usize {
        self.inner.borrow().nodes.len()
    }

    /// Whether no node has been recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of `f64` values held by the arena.
    pub fn value_len(&self) -> usize {
        self.inner.borrow().values.len()
    }

    /// The current end of the tape.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let x = tape.var(1.0);
    /// let mark = tape.mark();
    /// for _ in 0..1000 {
    ///     let y = (x * x).sin();
    ///     let _ = tape.grad(y, &[x]);
    ///     tape.rewind(mark);
    /// }
    /// assert_eq!(tape.len(), 1);
    /// ```
    pub fn mark(&self) -> Mark {
        let inner = self.inner.borrow();
        Mark {
            nodes: inner.nodes.len(),
            values: inner.values.len(),
        }
    }

    /// Drops every node pushed after `mark`. `Var`s created after the mark must not be used
    /// afterwards: they would point at released (or reused) nodes.
    ///
    /// # Panics
    /// If the tape is shorter than the mark (it was already rewound further).
    #[track_caller]
    pub fn rewind(&self, mark: Mark) {
        let mut inner = self.inner.borrow_mut();
        assert!(
            inner.nodes.len() >= mark.nodes,
            "rewind: the tape has {} nodes, fewer than the mark's {}",
            inner.nodes.len(),
            mark.nodes
        );
        if inner.nodes.len() > mark.nodes {
            // `Var`s of the released nodes must not match the nodes that take their slots.
            inner.epoch = inner.epoch.wrapping_add(1);
        }
        inner.nodes.truncate(mark.nodes);
        inner.values.truncate(mark.values);
    }

    fn leaf(&self, op: Op, values: &[f64], shape: Shape) -> Var<'_> {
        let mut inner = self.inner.borrow_mut();
        let (id, offset, epoch) = (inner.nodes.len(), inner.values.len(), inner.epoch);
        inner.values.extend_from_slice(values);
        inner.nodes.push(Node {
            op,
            inputs: Inputs::new(),
            shape,
            offset,
            epoch,
        });
        Var::from_raw(self, id as u32, epoch)
    }

    /// Records `op` applied to `inputs` with output `shape` and evaluates it.
    pub(crate) fn push(&self, op: Op, inputs: Inputs, shape: Shape) -> Var<'_> {
        let mut inner = self.inner.borrow_mut();
        let (id, offset, epoch) = (inner.nodes.len(), inner.values.len(), inner.epoch);
        let len = numel(&shape);
        inner.values.resize(offset + len, 0.0);
        inner.nodes.push(Node {
            op,
            inputs,
            shape,
            offset,
            epoch,
        });
        inner.evaluate(id);
        Var::from_raw(self, id as u32, epoch)
    }

    /// Fast path for scalar ops: the value is already computed, no shapes to check.
    pub(crate) fn push_scalar(&self, op: Op, inputs: Inputs, value: f64) -> Var<'_> {
        let mut inner = self.inner.borrow_mut();
        let (id, offset, epoch) = (inner.nodes.len(), inner.values.len(), inner.epoch);
        inner.values.push(value);
        inner.nodes.push(Node {
            op,
            inputs,
            shape: Shape::new(),
            offset,
            epoch,
        });
        Var::from_raw(self, id as u32, epoch)
    }

    /// The shape of `v`'s node (checked to be live, see [`TapeInner::node`]).
    #[track_caller]
    pub(crate) fn shape_of(&self, v: &Var<'_>) -> Shape {
        self.inner.borrow().node(v).shape.clone()
    }
}

thread_local! {
    /// Arenas of finished scratch tapes, kept for reuse by [`Tape::scratch`].
    static POOL: RefCell<Vec<TapeInner>> = const { RefCell::new(Vec::new()) };
}

/// Arenas larger than this many nodes are not kept for reuse.
const POOL_MAX_NODES: usize = 1 << 16;

impl Tape {
    /// Runs `f` on an empty tape whose arena is reused from earlier calls on this thread, so
    /// the functional transforms (`grad`, `hvp`, …) do not allocate a fresh arena per call.
    pub(crate) fn scratch<R>(f: impl FnOnce(&Tape) -> R) -> R {
        let inner = POOL.with(|p| p.borrow_mut().pop()).unwrap_or_default();
        let tape = Tape {
            inner: RefCell::new(inner),
        };
        let out = f(&tape);
        let mut inner = tape.inner.into_inner();
        if inner.nodes.capacity() <= POOL_MAX_NODES {
            inner.nodes.clear();
            inner.values.clear();
            POOL.with(|p| p.borrow_mut().push(inner));
        }
        out
    }
}

impl Clone for Tape {
    fn clone(&self) -> Self {
        Tape {
            inner: RefCell::new(self.inner.borrow().clone()),
        }
    }
}

/// One line per node: `3 => tanh(2) [2, 1]`.
impl fmt::Debug for Tape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner.borrow();
        writeln!(
            f,
            "Tape ({} nodes, {} values)",
            inner.nodes.len(),
            inner.values.len()
        )?;
        for (i, n) in inner.nodes.iter().enumerate() {
            let args: Vec<String> = n.inputs.iter().map(|j| j.to_string()).collect();
            writeln!(
                f,
                "{i} => {}({}) {:?}",
                n.op.name(),
                args.join(", "),
                n.shape.as_slice()
            )?;
        }
        Ok(())
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
