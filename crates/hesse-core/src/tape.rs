//! The tape: an append-only list of nodes whose values live in one arena.
//!
//! A node is an op, the ids of its inputs, its shape and the offset of its value in a single
//! arena (`arena.rs`). Values are computed eagerly when a node is pushed, so a scalar op
//! costs one node push and one arena push — except on the tape of a recording
//! ([`crate::RecordedFn`]), which defers its vector kernels ([`TapeInner::force`]): its replays
//! compute what they read, so a recording costs time and memory by its graph, not by its
//! values. Because every node's inputs were pushed before it, a node's
//! value always sits after its inputs' values in the arena, which lets a kernel read its
//! inputs and write its output through one `split_at_mut`.
//!
//! [`Tape::mark`] and [`Tape::rewind`] release everything pushed after a mark, so a loop of
//! gradient evaluations runs in flat memory.

use std::cell::RefCell;
use std::fmt;

use smallvec::SmallVec;

use crate::arena::Arena;
use crate::ops::{self, Op};
use crate::shape::{Shape, numel};

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
    /// The tape's rewind count when the node was pushed: a [`Var`](crate::Var) carries it too, so that a
    /// `Var` whose node was released by [`Tape::rewind`] (and whose slot a later node may
    /// reuse) is caught instead of silently reading the new node.
    pub epoch: u32,
    /// Whether the values at `offset` are the node's: false for a node whose kernel a
    /// deferring tape has not run yet ([`TapeInner::force`]).
    pub ready: bool,
}

impl Node {
    pub fn len(&self) -> usize {
        numel(&self.shape)
    }

    /// Whether this is a reshape whose values are its input's, in place (a deferring tape
    /// pushes reshapes so, `record.rs`; a recording aliases the rest when it finishes).
    #[inline]
    pub fn aliases_input(&self, nodes: &[Node]) -> bool {
        self.op == Op::Layout(ops::Layout::Reshape) && nodes[self.inputs[0] as usize].offset == self.offset
    }
}

#[derive(Clone, Default)]
pub(crate) struct TapeInner {
    pub nodes: Vec<Node>,
    pub values: Arena,
    /// How many rewinds have released nodes (the generation of nodes pushed now).
    pub epoch: u32,
    /// Whether vector nodes are recorded without running their kernels (a
    /// [`RecordedFn`](crate::RecordedFn)'s tape: its replays compute what they read, so a
    /// recording costs memory and time by its graph, not by its values; `record.rs`).
    pub deferring: bool,
}

impl TapeInner {
    /// The values of node `id`, which must be evaluated ([`TapeInner::force`]).
    pub fn value(&self, id: u32) -> &[f64] {
        let n = &self.nodes[id as usize];
        debug_assert!(n.ready, "node {id} read before it was evaluated");
        &self.values[n.offset..n.offset + n.len()]
    }

    /// The node whose arena range holds node `id`'s values: itself, or through reshapes that
    /// read their input in place ([`Node::aliases_input`]) the node they alias.
    pub fn holder(&self, mut id: u32) -> u32 {
        while self.nodes[id as usize].aliases_input(&self.nodes) {
            id = self.nodes[id as usize].inputs[0];
        }
        id
    }

    /// Appends a node of the current generation and returns its id and epoch (for
    /// [`Var::from_raw`](crate::Var)).
    #[inline]
    pub fn append(&mut self, op: Op, inputs: Inputs, shape: Shape, offset: usize, ready: bool) -> (u32, u32) {
        let (id, epoch) = (self.nodes.len() as u32, self.epoch);
        self.nodes.push(Node {
            op,
            inputs,
            shape,
            offset,
            epoch,
            ready,
        });
        (id, epoch)
    }

    /// The unevaluated nodes among `roots` and their ancestors, in tape order: what must run
    /// before the roots can be read (`force.rs`).
    pub fn pending(&self, roots: &[u32]) -> Vec<u32> {
        let mut todo: Vec<u32> = roots
            .iter()
            .copied()
            .filter(|&r| !self.nodes[r as usize].ready)
            .collect();
        let mut due: std::collections::HashSet<u32> = todo.iter().copied().collect();
        while let Some(j) = todo.pop() {
            for &k in &self.nodes[j as usize].inputs {
                if !self.nodes[k as usize].ready && due.insert(k) {
                    todo.push(k);
                }
            }
        }
        let mut due: Vec<u32> = due.into_iter().collect();
        due.sort_unstable();
        due
    }

    /// Every node's values (runs all deferred kernels).
    pub fn force_all(&mut self) {
        for j in 0..self.nodes.len() {
            if !self.nodes[j].ready {
                self.evaluate(j);
                self.nodes[j].ready = true;
            }
        }
    }

    /// Reserves `len` values at the end of the arena for a new node and returns their
    /// offset (`arena.rs`: no fill; growing on a deferring tape copies only the evaluated
    /// nodes' ranges, the deferred ones staying untouched).
    #[inline]
    pub fn extend_arena(&mut self, len: usize) -> usize {
        self.extend_arena_with(len, false)
    }

    /// [`TapeInner::extend_arena`] for `len` zeros, written only where the memory may
    /// hold something else (`arena.rs`).
    pub fn extend_arena_zeroed(&mut self, len: usize) -> usize {
        self.extend_arena_with(len, true)
    }

    #[inline]
    fn extend_arena_with(&mut self, len: usize, zeroed: bool) -> usize {
        let nodes = &self.nodes;
        let keep = |put: &mut dyn FnMut(usize, usize)| {
            nodes
                .iter()
                .filter(|n| n.ready)
                .for_each(|n| put(n.offset, n.len()));
        };
        let keep: crate::arena::Keep<'_> = if self.deferring { Some(&keep) } else { None };
        if zeroed {
            self.values.extend_zeroed(len, keep)
        } else {
            self.values.extend_unwritten(len, keep)
        }
    }

    /// Evaluates node `id`'s kernel from its inputs' current values, in place. The inputs'
    /// values lie before or after the node's own (a recording's arena is in node order, and
    /// a replay may place a node in the range of a node that is dead by then,
    /// `recorded/reuse.rs`), never across them.
    pub fn evaluate(&mut self, id: usize) {
        let node = &self.nodes[id];
        if node.aliases_input(&self.nodes) {
            return;
        }
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

/// A recording of operations on values, the object every [`Var`](crate::Var) points into.
///
/// Its constructors of `Var`s (inputs, constants, recorded ops) are in `record.rs`; its
/// reverse sweep (`grad`, `vjp`) in `backward.rs`.
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
    /// Whether this is the thread's tape of free constants (`free.rs`): it interns its scalar
    /// values, holds no inputs and is never rewound.
    pub(crate) free: bool,
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
        assert!(
            !self.free,
            "rewind: the tape of free constants (Var::from, Var::zero) is never rewound"
        );
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
}

/// A copy of one recorded node, for tools that interpret a tape themselves (an interval
/// evaluator, a printer): its op, its inputs, its shape and its value at recording.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    /// The operation.
    pub op: Op,
    /// The nodes it reads, in order (all recorded before it).
    pub inputs: Vec<NodeId>,
    /// Its shape (empty for a scalar).
    pub shape: Vec<usize>,
    /// Its value, row-major, as computed when it was pushed.
    pub value: Vec<f64>,
}

impl Tape {
    /// Every node, in recording order (node `i` is `Var::id().index() == i`). A node's inputs
    /// come before it, so a walk in this order evaluates the tape forward.
    ///
    /// ```
    /// use hesse_core::{Tape, ops::{Op, Unary}};
    /// let tape = Tape::new();
    /// let x = tape.var(2.0);
    /// let y = x.exp();
    /// let nodes = tape.nodes();
    /// assert_eq!(nodes[y.id().index()].op, Op::Unary(Unary::Exp));
    /// assert_eq!(nodes[y.id().index()].inputs, vec![x.id()]);
    /// assert_eq!(nodes[x.id().index()].value, vec![2.0]);
    /// ```
    pub fn nodes(&self) -> Vec<NodeView> {
        self.inner.borrow_mut().force_all();
        let inner = self.inner.borrow();
        (0..inner.nodes.len())
            .map(|i| {
                let n = &inner.nodes[i];
                NodeView {
                    op: n.op,
                    inputs: n.inputs.iter().map(|&j| NodeId(j)).collect(),
                    shape: n.shape.to_vec(),
                    value: inner.value(i as u32).to_vec(),
                }
            })
            .collect()
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
        let mut inner = POOL.with(|p| p.borrow_mut().pop()).unwrap_or_default();
        // Vector kernels run when their values are read, fused past a size (`force.rs`,
        // `crate::eager`).
        inner.deferring = true;
        let tape = Tape {
            inner: RefCell::new(inner),
            free: false,
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
            free: self.free,
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
