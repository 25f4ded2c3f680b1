//! Fused elementwise regions of replay programs.
//!
//! A recording over vectors replays one kernel per node, each a full pass over arrays of
//! thousands of values: a chain of twenty elementwise nodes over 5,000 values streams 20 ×
//! 80 KB through the caches, although each value is used a couple of times right after it is
//! made. A **region** groups, at record time, the nodes of a replay program that are
//! elementwise over the same number m of values:
//! - unary ops, and binary ops whose operands hold m values or a single value;
//! - slices that take one element per row (a matrix column: a strided gather) or a
//!   contiguous range, as loads;
//! - the sum of two zero-pads that together cover their output exactly once (the adjoint of
//!   two column slices, `pad(a) + pad(b)`), as a strided store of `a` and `b`;
//! - sums to one value, accumulated block by block in the lanes of the `sum` kernel;
//!
//! and runs them block by block: for each block of [`CHUNK`] elements, every step runs its
//! op's own kernel over the block. Intermediate values live in a small stack buffer that stays
//! in L1 cache; only the nodes read outside the region (or returned) are written to the arena.
//!
//! **Bit-for-bit.** Every element is computed by the same kernel from the same operands as
//! without fusion, only in another order of elements. A store of the pads writes `x + 0.0` at
//! the position `x` covers, which is exactly `pad(a) + pad(b)` there (the other pad holds
//! +0.0, and IEEE addition commutes), including the −0.0 → +0.0 of the unfused sum. A sum
//! sees its elements in the same lanes and order as the whole-array kernel (blocks start at
//! multiples of the lane count). A constant node whose values are all equal (a broadcast
//! seed) is read as that one value. With AVX2 the kernels run four lanes at a time: the same
//! IEEE operations, so the same results; only the sign and payload of a NaN made from two
//! NaNs may differ, which Rust leaves unspecified for any build of a kernel (RFC 3514).
//!
//! A node joins the open region only if it reads nothing that a non-region instruction after
//! the region's start produces; the region then runs at its start, before those instructions,
//! which read its materialised outputs.
//!
//! An elementwise node read only by slices that become gathers (the HVP's `1·v`, the
//! direction times the broadcast seed, read by the column slices of its pad adjoints) is not
//! materialised: each gather computes it on the gathered elements of its operands.
//!
//! **Caller buffers.** A region addresses [`BUFS`] buffers: the arena, and the caller's
//! point, direction and result. [`bind`] maps a program's arena ranges of the input leaf,
//! the direction leaf and the result node to the caller's buffers when only regions touch
//! them, so that a replay neither copies the point and the direction into the arena nor the
//! result out of it.
//!
//! **Tiles.** A region made only of cheap steps (`±`, `×`, `÷`, negation, `|x|`, `x²`,
//! `1/x`, ops with a constant, column gathers and stores, sums) runs on the tile executor of
//! `fused/tiles.rs` instead (AVX2, or AVX-512 where the CPU and the compiler have it): 32 or
//! 64 values at a time with the chain's value in registers, the last partial tile padded
//! (on scratch copies of its buffer slots; by blocks where two slots overlap). W2 n =
//! 10,000: HVP 24.3 → 10.7 µs, value+grad 15.2 → 7.0 µs with AVX-512 (HVP 14.2, value+grad
//! 9.4 µs with AVX2 alone). The padded last tile instead of blocks: W5's 625 starts
//! (9 tiles and 49 values) 6.3 → 5.8 µs per value+grad.
//!
//! **Machine code.** With the `jit` feature, on CPUs with AVX-512, a tile program without
//! other slice kernels than `exp` is assembled into machine code at its first run
//! (`fused/native.rs`): its temporaries in registers, two or four vectors side by side, the
//! last vectors under masks. The same operations in the same order, so the same bits. W5's
//! 625 starts: 5.1 → 3.4 µs per value+grad.

#[cfg(all(target_arch = "x86_64", feature = "jit"))]
mod native;
mod tiles;

use std::collections::{HashMap, HashSet};

use crate::ops::reduce::{self, SUM_LANES, split_axis};
use crate::ops::{Binary, Layout, Op, Reduce, Unary};
use crate::tape::TapeInner;

/// Elements per block (a multiple of [`SUM_LANES`]): with [`MAX_TEMPS`] temporaries the
/// scratch buffer is 24 KB.
const CHUNK: usize = 256;
const _: () = assert!(CHUNK % SUM_LANES == 0);
/// Temporaries a region may hold at once; values beyond are kept in the arena.
const MAX_TEMPS: usize = 12;
/// Shorter regions are not worth their per-block dispatch. (32: the W2 extended Rosenbrock
/// at n = 100, 50 rows, is one region: value+grad 0.59 → 0.29 µs, HVP 0.85 → 0.38 µs.)
const MIN_LEN: usize = 32;
/// Sums a region may hold (their accumulators live on the stack).
const MAX_SUMS: usize = 4;

/// The buffers a region addresses: the arena, and the caller's buffers that may stand in
/// for the arena ranges of the point, the direction and the result (see [`Io`]).
const BUFS: usize = 4;
const ARENA: u8 = 0;

/// A position in one of a region's buffers (index `buf`, see [`BUFS`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct At {
    buf: u8,
    off: usize,
}

/// A position in the arena.
fn arena(off: usize) -> At {
    At { buf: ARENA, off }
}

/// The caller's buffers of one replay: the point, the direction and the result, which the
/// regions bound to them (see [`bind`]) read and write in place of the arena ranges of the
/// input leaf, the direction leaf and the result node. Regions not bound ignore them.
pub(crate) struct Io<'a> {
    pub(crate) x: &'a [f64],
    pub(crate) v: &'a [f64],
    pub(crate) out: &'a mut [f64],
}

impl Io<'_> {
    /// No caller buffers: every region reads and writes the arena only.
    pub(crate) fn none() -> Io<'static> {
        Io {
            x: &[],
            v: &[],
            out: &mut [],
        }
    }
}

/// Where a step reads a block of m values (or one value).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Operand {
    /// A temporary of the region.
    Temp(u16),
    /// m values from this position.
    Mem(At),
    /// One value, the same for every element.
    Scalar(At),
}

/// Where a step writes its block.
#[derive(Clone, Copy, Debug)]
enum Dest {
    Temp(u16),
    Mem(At),
}

impl Dest {
    fn operand(self) -> Operand {
        match self {
            Dest::Temp(t) => Operand::Temp(t),
            Dest::Mem(o) => Operand::Mem(o),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Step {
    Unary {
        op: Unary,
        x: Operand,
        out: Dest,
    },
    Binary {
        op: Binary,
        a: Operand,
        b: Operand,
        out: Dest,
    },
    /// `out[j] = src[j·stride]`.
    Gather {
        src: At,
        stride: usize,
        out: Dest,
    },
    /// `base[j·stride] = x[j] + 0.0` for each part.
    Scatter {
        parts: [(Operand, At, usize); 2],
    },
    /// `Σ x` into `out` with [`reduce::sum`]'s lanes, accumulator set `acc`.
    Sum {
        x: Operand,
        out: At,
        acc: u8,
    },
}

impl Step {
    /// Every position the step reads or writes, as (position, extent in elements past it for
    /// a block run over m elements).
    fn places(&self, m: usize) -> Vec<(At, usize)> {
        let op = |o: Operand| match o {
            Operand::Temp(_) => None,
            Operand::Mem(a) => Some((a, m)),
            Operand::Scalar(a) => Some((a, 1)),
        };
        let dest = |d: Dest| op(d.operand());
        let strided = |s: usize| (m - 1) * s + 1;
        match *self {
            Step::Unary { x, out, .. } => [op(x), dest(out)].into_iter().flatten().collect(),
            Step::Binary { a, b, out, .. } => [op(a), op(b), dest(out)].into_iter().flatten().collect(),
            Step::Gather { src, stride, out } => [Some((src, strided(stride))), dest(out)]
                .into_iter()
                .flatten()
                .collect(),
            Step::Scatter { parts } => parts
                .iter()
                .flat_map(|&(x, b, s)| [op(x), Some((b, strided(s)))])
                .flatten()
                .collect(),
            Step::Sum { x, out, .. } => [op(x), Some((out, 1))].into_iter().flatten().collect(),
        }
    }

    /// The step with every position mapped by `f`.
    fn map(self, f: &dyn Fn(At) -> At) -> Step {
        let op = |o: Operand| match o {
            Operand::Temp(t) => Operand::Temp(t),
            Operand::Mem(a) => Operand::Mem(f(a)),
            Operand::Scalar(a) => Operand::Scalar(f(a)),
        };
        let dest = |d: Dest| match d {
            Dest::Temp(t) => Dest::Temp(t),
            Dest::Mem(a) => Dest::Mem(f(a)),
        };
        match self {
            Step::Unary { op: u, x, out } => Step::Unary {
                op: u,
                x: op(x),
                out: dest(out),
            },
            Step::Binary { op: o, a, b, out } => Step::Binary {
                op: o,
                a: op(a),
                b: op(b),
                out: dest(out),
            },
            Step::Gather { src, stride, out } => Step::Gather {
                src: f(src),
                stride,
                out: dest(out),
            },
            Step::Scatter { parts } => Step::Scatter {
                parts: parts.map(|(x, b, s)| (op(x), f(b), s)),
            },
            Step::Sum { x, out, acc } => Step::Sum {
                x: op(x),
                out: f(out),
                acc,
            },
        }
    }
}

/// How a region runs on x86-64: by blocks alone, or by tiles (the AVX2 or the AVX-512 tile
/// executor) and the rest as one padded tile (`pad`) or by blocks.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug)]
enum Route {
    Blocks,
    Avx2 {
        pad: bool,
    },
    #[cfg(hesse_avx512)]
    Avx512 {
        pad: bool,
    },
    /// The region's machine code (`fused/native.rs`) where it has some and it does not stop,
    /// else the tile route (tests: the route of replays).
    #[cfg(all(test, feature = "jit"))]
    Native,
}

/// A fused region: steps over m elements, run block by block (see the module docs).
#[derive(Clone, Debug)]
pub(crate) struct Region {
    len: usize,
    steps: Vec<Step>,
    /// Temporaries used (the scratch blocks to initialise).
    temps: usize,
    /// The length each buffer must have: one past the last element any step touches.
    need: [usize; BUFS],
    /// The steps as a program of the AVX2 tile executor, when it runs them all.
    tiles: Option<tiles::Program>,
    /// The tile program as AVX-512 machine code, when the CPU runs it and the compiler
    /// takes the program (see `fused/native.rs`): assembled at the region's first run, so
    /// that a region rebuilt while the recording is finished (bound to the caller's buffers,
    /// moved into other arena ranges) or never run is not assembled for nothing.
    #[cfg(all(target_arch = "x86_64", feature = "jit"))]
    native: std::sync::OnceLock<Option<std::sync::Arc<native::Code>>>,
}

impl Region {
    /// The region of `steps` over `len` elements with `temps` temporaries, finished.
    fn new(len: usize, steps: Vec<Step>, temps: usize) -> Region {
        let mut region = Region {
            len,
            steps,
            temps,
            need: [0; BUFS],
            tiles: None,
            #[cfg(all(target_arch = "x86_64", feature = "jit"))]
            native: std::sync::OnceLock::new(),
        };
        region.finish();
        region
    }

    /// Whether the AVX2 tile executor runs the region (when the CPU has AVX2).
    #[cfg(test)]
    pub(crate) fn tiled(&self) -> bool {
        self.tiles.is_some()
    }

    /// Computes what the steps need from the buffers, and their tile program.
    fn finish(&mut self) {
        self.need = self.extents();
        self.tiles = tiles::compile(&self.steps, self.len);
        #[cfg(all(target_arch = "x86_64", feature = "jit"))]
        {
            self.native = std::sync::OnceLock::new();
        }
    }

    /// The region's machine code, assembled on the first call (see the field).
    #[cfg(all(target_arch = "x86_64", feature = "jit"))]
    fn native(&self) -> Option<&native::Code> {
        // Only where the run-time setting allows generated code and AVX-512 (`crate::native`);
        // otherwise the tile route, which follows the setting's instruction set.
        if !native::available() {
            return None;
        }
        self.native
            .get_or_init(|| self.tiles.as_ref().and_then(|p| native::compile(p, self.len)))
            .as_deref()
    }

    /// One past the last element the steps touch, per buffer.
    fn extents(&self) -> [usize; BUFS] {
        let mut need = [0; BUFS];
        for s in &self.steps {
            for (a, ext) in s.places(self.len) {
                let e = &mut need[a.buf as usize];
                *e = (*e).max(a.off + ext);
            }
        }
        need
    }

    /// Whether a step writes a position of buffer `buf` in `range`.
    fn writes(&self, buf: u8, range: std::ops::Range<usize>) -> bool {
        let hit = |a: At| a.buf == buf && range.contains(&a.off);
        self.steps.iter().any(|s| match *s {
            Step::Unary {
                out: Dest::Mem(a), ..
            }
            | Step::Binary {
                out: Dest::Mem(a), ..
            }
            | Step::Gather {
                out: Dest::Mem(a), ..
            } => hit(a),
            Step::Scatter { parts } => parts.iter().any(|&(_, b, _)| hit(b)),
            Step::Sum { out, .. } => hit(out),
            _ => false,
        })
    }

    /// The arena positions the steps start reading (`false`) or writing (`true`) at: one per
    /// operand, gather source, store and sum, each inside the node it reads or writes.
    pub(crate) fn arena_accesses(&self) -> Vec<(usize, bool)> {
        let mut out = Vec::new();
        for s in &self.steps {
            let written: Vec<At> = match *s {
                Step::Unary { out, .. } | Step::Binary { out, .. } | Step::Gather { out, .. } => match out {
                    Dest::Mem(a) => vec![a],
                    Dest::Temp(_) => vec![],
                },
                Step::Scatter { parts } => parts.iter().map(|p| p.1).collect(),
                Step::Sum { out, .. } => vec![out],
            };
            out.extend(
                s.places(self.len)
                    .into_iter()
                    .filter(|(a, _)| a.buf == ARENA)
                    .map(|(a, _)| (a.off, written.contains(&a))),
            );
        }
        out
    }

    /// Moves the arena ranges `(from, len, to)`: a position `from + i` becomes `to + i`. A
    /// region that touches none of them is left as it is (its compiled forms too).
    pub(crate) fn relocate(&mut self, moves: &[(usize, usize, usize)]) {
        let moved = |a: At| {
            moves
                .iter()
                .find(|&&(from, len, _)| a.buf == ARENA && (from..from + len).contains(&a.off))
        };
        if self
            .arena_accesses()
            .into_iter()
            .all(|(off, _)| moved(arena(off)).is_none())
        {
            return;
        }
        let map = |a: At| match moved(a) {
            Some(&(from, _, to)) => At {
                off: to + (a.off - from),
                ..a
            },
            None => a,
        };
        self.steps = self.steps.iter().map(|s| s.map(&map)).collect();
        self.finish();
    }
}

/// One entry of a fused program: a node run by its kernel, or a region.
#[derive(Debug)]
pub(crate) enum Piece {
    Node(u32),
    Region(Region),
}

/// The step of an elementwise (unary or binary) node reading `ins`.
fn elementwise_step(op: Op, ins: &[Operand], out: Dest) -> Step {
    match op {
        Op::Unary(op) => Step::Unary { op, x: ins[0], out },
        Op::Binary(op) => Step::Binary {
            op,
            a: ins[0],
            b: ins[1],
            out,
        },
        _ => unreachable!("elementwise nodes are unary or binary"),
    }
}

/// The strided geometry `base + j·stride` (j < m) of a slice's source or a pad's target,
/// when it is one element per row or one contiguous range.
fn strided(in_shape: &[usize], axis: usize, start: usize, len_out: usize) -> Option<(usize, usize)> {
    let (outer, len_in, inner) = split_axis(in_shape, axis);
    if len_out * inner == 1 {
        // Slice: one element per row of the input, rows `len_in` apart.
        Some((start, len_in))
    } else if outer == 1 {
        Some((start * inner, 1))
    } else {
        None
    }
}

/// A node's role in a region, with its length m.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Elem,
    /// A slice: m values at `src_node`'s offset + base, `stride` apart. With `through`,
    /// `src` is an elementwise node that is never materialised: the gather computes it on
    /// the gathered elements of its operands (see [`plan`]).
    Gather {
        src: u32,
        base: usize,
        stride: usize,
        through: bool,
    },
    /// `pad(a) + pad(b)` covering the output once: (input, base, stride) per pad.
    Scatter {
        parts: [(u32, usize, usize); 2],
    },
    /// The sum of a node of m values to one value; complete only when the region has run.
    Sum,
}

/// Follows reshapes (which alias their input's values) to the node that holds the values.
fn base(inner: &TapeInner, mut id: u32) -> u32 {
    while inner.nodes[id as usize].op == Op::Layout(Layout::Reshape) {
        id = inner.nodes[id as usize].inputs[0];
    }
    id
}

/// Pads `p`, `q` summed by `a`: the scatter parts, if the pads cover `a` exactly once.
fn scatter_parts(inner: &TapeInner, a: u32, p: u32, q: u32) -> Option<[(u32, usize, usize); 2]> {
    let out = &inner.nodes[a as usize];
    let mut parts = [(0u32, 0usize, 0usize); 2];
    let mut m = None;
    for (k, &pid) in [p, q].iter().enumerate() {
        let pad = &inner.nodes[pid as usize];
        let Op::Layout(Layout::Pad { axis, start }) = pad.op else {
            return None;
        };
        if pad.shape != out.shape {
            return None;
        }
        let x = &inner.nodes[pad.inputs[0] as usize];
        // As a pad's source, the input runs over `x.shape[axis]` of `out.shape[axis]`.
        let (outer, _, inner_len) = split_axis(&out.shape, axis);
        let len_in = x.shape[axis];
        let (b, s) = if len_in * inner_len == 1 {
            (start, out.shape[axis])
        } else if outer == 1 {
            (start * inner_len, 1)
        } else {
            return None;
        };
        let len = x.len();
        if *m.get_or_insert(len) != len {
            return None;
        }
        parts[k] = (pad.inputs[0], b, s);
    }
    // Each output position written exactly once.
    let m = m?;
    let total = out.len();
    let mut hit = vec![false; total];
    for &(_, b, s) in &parts {
        for j in 0..m {
            let at = b + j * s;
            if at >= total || hit[at] {
                return None;
            }
            hit[at] = true;
        }
    }
    hit.iter().all(|&h| h).then_some(parts)
}

/// Splits a replay program (node ids in order) into nodes and fused regions. `roots` are the
/// nodes whose values the caller reads after the program has run. `constant` tells the nodes
/// whose values no replay changes (they depend on neither the point nor the direction).
///
/// **Only those may be read by value.** A node a region reads but does not compute is read
/// as one value when all its recorded values are equal (a broadcast seed: the same op on
/// the same numbers). That holds for a node no program replays, and for no other: the
/// Hessian's column program reads the nodes of its per-point prefix, which are not in the
/// column program but are recomputed at every point. Judging "keeps its recorded value" by
/// "not in this program" froze such a node at its recording (`exp(X·w)` recorded at w = 0,
/// all ones; the 0/½/1 mask of a `max` that one branch won everywhere at record time) and
/// gave wrong Hessians at every other point, while the HVP program, which computes these
/// nodes itself, was right (issue 15, item 2).
///
/// `canon` maps a node to the node a replay reads in its place (the programs' common
/// subexpression elimination of scalar nodes): a plain node depends on what it reads.
pub(crate) fn plan(
    inner: &TapeInner,
    prog: &[u32],
    roots: &[u32],
    constant: &dyn Fn(u32) -> bool,
    canon: &dyn Fn(u32) -> u32,
) -> Vec<Piece> {
    let nodes = &inner.nodes;
    let in_prog: HashSet<u32> = prog.iter().copied().collect();
    // Nodes that keep their recorded value: read here, never replayed by any program (a
    // node outside `prog` may still be recomputed by another one, see above), and not
    // leaves (inputs and the HVP direction are leaves that change).
    let fixed = |j: u32| {
        let op = nodes[j as usize].op;
        constant(j) && !in_prog.contains(&j) && !op.is_leaf() && op != Op::Layout(Layout::Reshape)
    };
    let roots: HashSet<u32> = roots.iter().map(|&r| base(inner, r)).collect();
    // What a node reads, through the scalar CSE: a scalar instruction reads the slot of the
    // canonical node of its input, and the input itself is in no program. Taken as it was
    // recorded, the input was "not after the open region", and an instruction reading a
    // value the region's sum feeds (`1 − tanh²` of a loss, CSE'd with the value's square)
    // was moved before the region, reading the previous replay's value.
    let reads = |id: u32| -> Vec<u32> {
        nodes[id as usize]
            .inputs
            .iter()
            .map(|&j| base(inner, canon(j)))
            .collect()
    };
    let mut readers: HashMap<u32, Vec<u32>> = HashMap::new();
    for &id in prog {
        for j in reads(id) {
            readers.entry(j).or_default().push(id);
        }
    }
    let only_reader =
        |p: u32, a: u32| !roots.contains(&p) && readers.get(&p).is_some_and(|r| r.iter().all(|&x| x == a));

    // Sums of two pads that become stores; their pads are absorbed.
    let mut absorbed: HashSet<u32> = HashSet::new();
    let mut kinds: HashMap<u32, (Kind, usize)> = HashMap::new();
    for &id in prog {
        let node = &nodes[id as usize];
        match node.op {
            Op::Binary(Binary::Add) => {
                let (p, q) = (node.inputs[0], node.inputs[1]);
                if p != q
                    && in_prog.contains(&p)
                    && in_prog.contains(&q)
                    && only_reader(p, id)
                    && only_reader(q, id)
                {
                    if let Some(parts) = scatter_parts(inner, id, p, q) {
                        let m = nodes[parts[0].0 as usize].len();
                        if m >= MIN_LEN {
                            let parts = parts.map(|(x, b, s)| (base(inner, x), b, s));
                            kinds.insert(id, (Kind::Scatter { parts }, m));
                            absorbed.extend([p, q]);
                            continue;
                        }
                    }
                }
            }
            Op::Layout(Layout::Slice { axis, start }) => {
                let x = base(inner, node.inputs[0]);
                let sx = &nodes[node.inputs[0] as usize].shape;
                if let Some((b, s)) = strided(sx, axis, start, node.shape[axis]) {
                    if node.len() >= MIN_LEN {
                        kinds.insert(
                            id,
                            (
                                Kind::Gather {
                                    src: x,
                                    base: b,
                                    stride: s,
                                    through: false,
                                },
                                node.len(),
                            ),
                        );
                    }
                }
                continue;
            }
            Op::Reduce(Reduce::SumTo) if node.len() == 1 => {
                let m = nodes[node.inputs[0] as usize].len();
                if m >= MIN_LEN {
                    kinds.insert(id, (Kind::Sum, m));
                }
                continue;
            }
            _ => {}
        }
        let m = node.len();
        let elementwise = match node.op {
            Op::Unary(_) => true,
            Op::Binary(_) => node.inputs.iter().all(|&j| {
                let n = nodes[j as usize].len();
                n == m || n == 1
            }),
            _ => false,
        };
        if elementwise && m >= MIN_LEN {
            kinds.insert(id, (Kind::Elem, m));
        }
    }
    // An elementwise node read only by gathers (such as the direction times the broadcast
    // seed, `1·v`, whose columns the HVP reads) is computed in the gathers instead, on the
    // gathered elements of its operands: the same op on the same numbers, and no pass over
    // the whole array. Its operands must hold as many values as it does or one value, and
    // at most one may need a gather of its own (a constant whose values are all equal is
    // read as one value, as in `build`).
    let uniform = |j: u32| {
        let vals = inner.value(j);
        vals.len() == 1 || (fixed(j) && vals.iter().all(|v| v.to_bits() == vals[0].to_bits()))
    };
    for &id in prog {
        let node = &nodes[id as usize];
        let elementwise = matches!(kinds.get(&id), Some((Kind::Elem, _)))
            && reads(id).iter().all(|&j| {
                let n = nodes[j as usize].len();
                n == node.len() || n == 1
            });
        let gathers = || {
            readers.get(&id).is_some_and(|r| {
                r.iter().all(
                    |x| matches!(kinds.get(x), Some((Kind::Gather { src, through: false, .. }, _)) if *src == id),
                )
            })
        };
        // Operands absorbed themselves are not materialised either: one level only.
        if !elementwise
            || roots.contains(&id)
            || !gathers()
            || reads(id).iter().any(|j| absorbed.contains(j))
            || reads(id).into_iter().filter(|&j| !uniform(j)).count() > 1
        {
            continue;
        }
        for r in &readers[&id] {
            if let Some((Kind::Gather { through, .. }, _)) = kinds.get_mut(r) {
                *through = true;
            }
        }
        kinds.remove(&id);
        absorbed.insert(id);
    }
    // Pads absorbed into stores read their inputs through the store; gathers through an
    // elementwise node read its operands.
    let deps = |id: u32| -> Vec<u32> {
        match kinds.get(&id) {
            Some((Kind::Scatter { parts }, _)) => parts.iter().map(|p| p.0).collect(),
            Some((
                Kind::Gather {
                    src, through: true, ..
                },
                _,
            )) => reads(*src),
            Some((Kind::Gather { src, .. }, _)) => vec![*src],
            _ => reads(id),
        }
    };
    let mut readers: HashMap<u32, Vec<u32>> = HashMap::new();
    for &id in prog.iter().filter(|i| !absorbed.contains(i)) {
        for j in deps(id) {
            readers.entry(j).or_default().push(id);
        }
    }
    // A node of a kind run as a plain node after all (outside any region): with the nodes
    // it absorbed (the elementwise operand of a gather, the pads of a store), which nothing
    // else computes, in program order. Without them its kernel reads values no program
    // writes.
    let alone = |id: u32| -> Vec<u32> {
        let mut ids: Vec<u32> = nodes[id as usize]
            .inputs
            .iter()
            .map(|&j| base(inner, j))
            .filter(|j| absorbed.contains(j))
            .chain([id])
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };

    // Form regions greedily in program order.
    struct Open {
        piece: usize,
        m: usize,
        members: Vec<u32>,
        member_set: HashSet<u32>,
        /// Non-region nodes placed after the region's start.
        after: HashSet<u32>,
        /// Sums of the region, whose values exist only after it has run.
        sums: HashSet<u32>,
    }
    let mut pieces: Vec<Option<Piece>> = Vec::new();
    let mut groups: Vec<(usize, Vec<u32>)> = Vec::new();
    let mut open: Option<Open> = None;
    let close = |open: &mut Option<Open>, groups: &mut Vec<(usize, Vec<u32>)>| {
        if let Some(o) = open.take() {
            groups.push((o.piece, o.members));
        }
    };
    for &id in prog.iter().filter(|i| !absorbed.contains(i)) {
        let Some(&(kind, m)) = kinds.get(&id) else {
            match open.as_mut() {
                // Independent of the open region: runs before it, so that the region's later
                // members may still read it.
                Some(o)
                    if deps(id)
                        .iter()
                        .all(|j| !o.after.contains(j) && !o.member_set.contains(j)) =>
                {
                    pieces.insert(o.piece, Some(Piece::Node(id)));
                    o.piece += 1;
                }
                Some(o) => {
                    pieces.push(Some(Piece::Node(id)));
                    o.after.insert(id);
                }
                None => pieces.push(Some(Piece::Node(id))),
            }
            continue;
        };
        let d = deps(id);
        // Another length, independent of the open region: a plain node before the region,
        // which keeps the region open (a store must stay a region: its pads are absorbed).
        // A gather through an elementwise node runs that node first (`alone`): placed here
        // alone, it read values no program wrote.
        if let Some(o) = open.as_mut() {
            let apart = d
                .iter()
                .all(|j| !o.after.contains(j) && !o.member_set.contains(j));
            if o.m != m && apart && !matches!(kind, Kind::Scatter { .. }) {
                for k in alone(id) {
                    pieces.insert(o.piece, Some(Piece::Node(k)));
                    o.piece += 1;
                }
                continue;
            }
        }
        let joins = open.as_ref().is_some_and(|o| {
            o.m == m
                && d.iter().all(|j| !o.after.contains(j) && !o.sums.contains(j))
                && (!matches!(kind, Kind::Sum) || o.sums.len() < MAX_SUMS)
        });
        if !joins {
            close(&mut open, &mut groups);
            pieces.push(None);
            open = Some(Open {
                piece: pieces.len() - 1,
                m,
                members: Vec::new(),
                member_set: HashSet::new(),
                after: HashSet::new(),
                sums: HashSet::new(),
            });
        }
        let o = open.as_mut().expect("open region");
        o.members.push(id);
        o.member_set.insert(id);
        if matches!(kind, Kind::Sum) {
            o.sums.insert(id);
        }
    }
    close(&mut open, &mut groups);

    // A group that does not become a region runs its nodes one by one, with the nodes they
    // absorbed (`alone`).
    let mut placed: Vec<Vec<Piece>> = pieces.into_iter().map(|p| p.into_iter().collect()).collect();
    for (piece, members) in groups {
        placed[piece] = match build(inner, &members, &kinds, &deps, &readers, &roots, &fixed) {
            Some(r) => vec![Piece::Region(r)],
            None => {
                let mut ids: Vec<u32> = members.iter().flat_map(|&id| alone(id)).collect();
                ids.sort_unstable();
                ids.dedup();
                ids.into_iter().map(Piece::Node).collect()
            }
        };
    }
    placed.into_iter().flatten().collect()
}

/// Which caller buffers a program's regions are bound to (see [`bind`]); the others are
/// copied into the arena before the program runs, and the result out of it after.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Bound {
    pub(crate) x: bool,
    pub(crate) v: bool,
    pub(crate) out: bool,
}

/// Binds the regions of a fused program to the caller's buffers, so that a replay neither
/// copies the point and the direction into the arena nor the result out of it (at n =
/// 10,000 these copies are a fifth of an HVP): the regions read the input leaf `x` and the
/// direction leaf `v` from the caller's point and direction, and write the result node
/// `out` straight into the caller's buffer. Each is bound only if no instruction outside
/// the regions reads it (it reads the arena), and the result only if a region writes it
/// (it is then written whole: a region writes a node's whole range). Vector nodes only.
///
/// Bit-for-bit: the same steps run on the same numbers; only where they live changes.
pub(crate) fn bind(
    inner: &TapeInner,
    pieces: &mut [Piece],
    x: Option<u32>,
    v: Option<u32>,
    out: Option<u32>,
) -> Bound {
    let nodes = &inner.nodes;
    let range = |id: u32| {
        let n = &nodes[id as usize];
        n.offset..n.offset + n.len()
    };
    let vector = |id: u32| !nodes[id as usize].shape.is_empty();
    // Whether an instruction outside the regions reads or writes the node.
    let used_outside = |id: u32| {
        pieces.iter().any(|p| match p {
            Piece::Node(k) => *k == id || nodes[*k as usize].inputs.iter().any(|&j| base(inner, j) == id),
            Piece::Region(_) => false,
        })
    };
    let regions = || {
        pieces.iter().filter_map(|p| match p {
            Piece::Region(r) => Some(r),
            Piece::Node(_) => None,
        })
    };
    let x = x
        .map(|i| base(inner, i))
        .filter(|&i| vector(i) && !used_outside(i));
    let v = v
        .map(|i| base(inner, i))
        .filter(|&i| vector(i) && !used_outside(i));
    let out = out
        .map(|i| base(inner, i))
        .filter(|&i| vector(i) && !used_outside(i) && regions().any(|r| r.writes(ARENA, range(i))));
    let bound = Bound {
        x: x.is_some(),
        v: v.is_some(),
        out: out.is_some(),
    };
    if !(bound.x || bound.v || bound.out) {
        return bound;
    }
    let map = |a: At| {
        for (buf, id) in [(1u8, x), (2, v), (3, out)] {
            if let Some(id) = id {
                let r = range(id);
                if a.buf == ARENA && r.contains(&a.off) {
                    return At {
                        buf,
                        off: a.off - r.start,
                    };
                }
            }
        }
        a
    };
    for p in pieces.iter_mut() {
        if let Piece::Region(r) = p {
            r.steps = r.steps.iter().map(|s| s.map(&map)).collect();
            r.finish();
        }
    }
    bound
}

/// Steps of one region: operands, materialised outputs and temporaries.
fn build(
    inner: &TapeInner,
    members: &[u32],
    kinds: &HashMap<u32, (Kind, usize)>,
    deps: &dyn Fn(u32) -> Vec<u32>,
    readers: &HashMap<u32, Vec<u32>>,
    roots: &HashSet<u32>,
    fixed: &dyn Fn(u32) -> bool,
) -> Option<Region> {
    let nodes = &inner.nodes;
    let m = kinds[&members[0]].1;
    if members.len() == 1 && !matches!(kinds[&members[0]].0, Kind::Scatter { .. }) {
        // A single kernel is as fast on its own (and a lone node may be a non-region one).
        return None;
    }
    let pos: HashMap<u32, usize> = members.iter().enumerate().map(|(k, &id)| (id, k)).collect();
    let outside = |id: u32| {
        roots.contains(&id)
            || readers
                .get(&id)
                .is_some_and(|r| r.iter().any(|x| !pos.contains_key(x)))
    };
    let last_use: HashMap<u32, usize> = members
        .iter()
        .map(|&id| {
            let last = readers
                .get(&id)
                .map(|r| r.iter().filter_map(|x| pos.get(x).copied()).max().unwrap_or(0))
                .unwrap_or(0);
            (id, last)
        })
        .collect();
    let offset = |id: u32| nodes[id as usize].offset;
    let mut at: HashMap<u32, Operand> = HashMap::new();
    let mut free: Vec<u16> = (0..MAX_TEMPS as u16).rev().collect();
    let mut steps = Vec::new();
    let mut sums = 0u8;
    for (k, &id) in members.iter().enumerate() {
        // A fixed node (one no replay changes, see `plan`) whose values are all the same (a
        // broadcast constant, such as the seed of a gradient) is read as one value: the
        // kernel computes the same op on the same numbers.
        let operand = |j: u32, at: &HashMap<u32, Operand>| -> Operand {
            at.get(&j).copied().unwrap_or_else(|| {
                let vals = inner.value(j);
                let uniform = fixed(j) && vals.iter().all(|v| v.to_bits() == vals[0].to_bits());
                if vals.len() == 1 || uniform {
                    Operand::Scalar(arena(offset(j)))
                } else {
                    Operand::Mem(arena(offset(j)))
                }
            })
        };
        let kind = kinds[&id].0;
        let dest = |free: &mut Vec<u16>| {
            if !outside(id) {
                if let Some(t) = free.pop() {
                    return Dest::Temp(t);
                }
            }
            Dest::Mem(arena(offset(id)))
        };
        match kind {
            Kind::Scatter { parts } => {
                let parts = parts.map(|(x, b, s)| (operand(x, &at), arena(offset(id) + b), s));
                steps.push(Step::Scatter { parts });
            }
            Kind::Sum => {
                let x = operand(base(inner, nodes[id as usize].inputs[0]), &at);
                steps.push(Step::Sum {
                    x,
                    out: arena(offset(id)),
                    acc: sums,
                });
                sums += 1;
            }
            Kind::Gather {
                src,
                base,
                stride,
                through: true,
            } => {
                // The elementwise node `src` on the gathered elements of its operands: one
                // operand gathered into a temporary (or, when none is free, into the
                // arena range of `src`, which is never materialised), the others single
                // values.
                let node = &nodes[src as usize];
                let mut scratch = None;
                let ins: Vec<Operand> = node
                    .inputs
                    .iter()
                    .map(|&j| {
                        let j = self::base(inner, j);
                        match operand(j, &at) {
                            Operand::Mem(a) if stride == 1 => Operand::Mem(At {
                                off: a.off + base,
                                ..a
                            }),
                            Operand::Mem(a) => {
                                let t = free.pop();
                                scratch = t;
                                let out = t.map_or(Dest::Mem(arena(offset(src))), Dest::Temp);
                                steps.push(Step::Gather {
                                    src: At {
                                        off: a.off + base,
                                        ..a
                                    },
                                    stride,
                                    out,
                                });
                                out.operand()
                            }
                            o => o,
                        }
                    })
                    .collect();
                let out = dest(&mut free);
                at.insert(id, out.operand());
                steps.push(elementwise_step(node.op, &ins, out));
                free.extend(scratch);
            }
            Kind::Gather {
                src, base, stride, ..
            } if stride == 1 && !outside(id) => {
                // A contiguous range is read in place.
                at.insert(id, Operand::Mem(arena(offset(src) + base)));
            }
            Kind::Gather {
                src, base, stride, ..
            } => {
                let out = dest(&mut free);
                at.insert(id, out.operand());
                steps.push(Step::Gather {
                    src: arena(offset(src) + base),
                    stride,
                    out,
                });
            }
            Kind::Elem => {
                let node = &nodes[id as usize];
                let ins: Vec<Operand> = node
                    .inputs
                    .iter()
                    .map(|&j| operand(base(inner, j), &at))
                    .collect();
                let out = dest(&mut free);
                at.insert(id, out.operand());
                steps.push(elementwise_step(node.op, &ins, out));
            }
        }
        // Temporaries whose last reader is this step are free again.
        for j in deps(id) {
            if let (Some(Operand::Temp(t)), Some(&last)) = (at.get(&j), last_use.get(&j)) {
                if last == k && !free.contains(t) {
                    free.push(*t);
                }
            }
        }
        // A temporary no member reads (only possible for a root, which is in the arena).
        if let Some(Operand::Temp(t)) = at.get(&id) {
            if !readers
                .get(&id)
                .is_some_and(|r| r.iter().any(|x| pos.contains_key(x)))
            {
                free.push(*t);
            }
        }
    }
    assert!(
        steps.iter().all(|s| match *s {
            Step::Sum { acc, .. } => (acc as usize) < MAX_SUMS,
            _ => true,
        }),
        "fused region: too many sums"
    );
    let temps = steps
        .iter()
        .flat_map(|s| match *s {
            Step::Unary { out, .. } | Step::Binary { out, .. } | Step::Gather { out, .. } => Some(out),
            _ => None,
        })
        .filter_map(|d| match d {
            Dest::Temp(t) => Some(t as usize + 1),
            Dest::Mem(_) => None,
        })
        .max()
        .unwrap_or(0);
    let region = Region::new(m, steps, temps);
    assert!(
        region.need[0] <= inner.values.len() && region.need[1..].iter().all(|&e| e == 0),
        "fused region: a step reaches beyond the arena"
    );
    Some(region)
}

/// The element `off` of buffer `a.buf` (see [`BUFS`]).
///
/// # Safety
/// `a.off + off` must lie inside the buffer (`Region::run` checks the extents).
#[inline(always)]
unsafe fn ptr(v: &[*mut f64; BUFS], a: At, off: usize) -> *mut f64 {
    unsafe { v[a.buf as usize].add(a.off + off) }
}

/// A block of `n` values of an operand.
///
/// # Safety
/// The operand's range must lie inside its buffer or the scratch `t` (`Region::run` checks
/// the extents) and must not be written while the slice lives.
unsafe fn read<'a>(t: *const f64, v: &[*mut f64; BUFS], c0: usize, n: usize, o: Operand) -> &'a [f64] {
    unsafe {
        match o {
            Operand::Temp(k) => std::slice::from_raw_parts(t.add(k as usize * CHUNK), n),
            Operand::Mem(a) => std::slice::from_raw_parts(ptr(v, a, c0), n),
            Operand::Scalar(a) => std::slice::from_raw_parts(ptr(v, a, 0), 1),
        }
    }
}

/// A block of `n` values of a destination.
///
/// # Safety
/// As [`read`], the buffer must be writable (the arena or the result), and the block must
/// not overlap any other live slice.
unsafe fn write<'a>(t: *mut f64, v: &[*mut f64; BUFS], c0: usize, n: usize, d: Dest) -> &'a mut [f64] {
    unsafe {
        match d {
            Dest::Temp(k) => std::slice::from_raw_parts_mut(t.add(k as usize * CHUNK), n),
            Dest::Mem(a) => std::slice::from_raw_parts_mut(ptr(v, a, c0), n),
        }
    }
}

/// `out[k] = x[2k]`: one column of a two-column matrix.
#[inline(always)]
fn gather_stride2(x: &[f64], out: &mut [f64]) {
    for (k, o) in out.iter_mut().enumerate() {
        *o = x[2 * k];
    }
}

/// [`gather_stride2`] with AVX2: four values per step from two loads and two shuffles (the
/// compiler does not vectorise the strided loop).
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn gather_stride2_avx2(x: &[f64], out: &mut [f64]) {
    use std::arch::x86_64::*;
    let n = out.len();
    assert!(n == 0 || x.len() > 2 * (n - 1), "gather: source too short");
    let mut k = 0;
    // A step reads x[2k .. 2k + 8), inside x while k + 4 < n.
    while k + 4 < n {
        // SAFETY: 2k + 7 ≤ 2(n − 1) < x.len(), and k + 3 < n = out.len().
        unsafe {
            let lo = _mm256_loadu_pd(x.as_ptr().add(2 * k));
            let hi = _mm256_loadu_pd(x.as_ptr().add(2 * k + 4));
            // [x0 x4 x2 x6] → [x0 x2 x4 x6]
            let r = _mm256_permute4x64_pd(_mm256_unpacklo_pd(lo, hi), 0b11_01_10_00);
            _mm256_storeu_pd(out.as_mut_ptr().add(k), r);
        }
        k += 4;
    }
    for (k, o) in out.iter_mut().enumerate().skip(k) {
        *o = x[2 * k];
    }
}

impl Region {
    /// Runs the region on the arena, block by block: with AVX2 where the CPU has it (the
    /// same IEEE operations four lanes at a time, so the same bits), else with the baseline
    /// instruction set.
    /// The region reads and writes the caller's buffers of `io` where [`bind`] bound it to
    /// them.
    ///
    /// # Panics
    /// If a buffer is shorter than the region's steps reach (the arena never is: a
    /// recording's arena does not change length; `io`'s buffers hold n values when bound).
    pub(crate) fn run(&self, values: &mut [f64], io: &mut Io<'_>) {
        let lens = [values.len(), io.x.len(), io.v.len(), io.out.len()];
        assert!(
            lens.iter().zip(&self.need).all(|(l, n)| l >= n),
            "fused region: a buffer is too short"
        );
        // Only the arena and the result are written: no step writes a position of the
        // point or the direction (`bind` binds leaves, which no node writes).
        let v = [
            values.as_mut_ptr(),
            io.x.as_ptr().cast_mut(),
            io.v.as_ptr().cast_mut(),
            io.out.as_mut_ptr(),
        ];
        #[cfg(target_arch = "x86_64")]
        if crate::native::avx2() {
            // SAFETY: the CPU supports AVX2 (checked just above); the buffers are long enough
            // (checked above).
            unsafe { self.run_avx2(&v) };
            return;
        }
        let mut acc = [[-0.0f64; SUM_LANES]; MAX_SUMS];
        // SAFETY: as above.
        unsafe {
            self.run_blocks::<false>(&v, 0, &mut acc);
            self.finish_sums(&v, &acc);
        }
    }

    /// # Safety
    /// The CPU must support AVX2; as [`Region::run_blocks`].
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn run_avx2(&self, v: &[*mut f64; BUFS]) {
        // The region's machine code where there is some (AVX-512), unless an `exp` argument
        // takes a special path; then, or without it, the tile route.
        #[cfg(feature = "jit")]
        if let Some(code) = self.native() {
            // SAFETY: the code exists only where the CPU runs it; the caller's guarantees.
            if unsafe { self.run_native(v, code) } {
                return;
            }
        }
        // SAFETY: the caller's guarantees; the route's instruction set is checked.
        unsafe { self.run_x86(v, self.tile_route()) }
    }

    /// The tile executor (AVX-512 where the CPU and the compiler have it) when it runs
    /// every step. Without a padded last tile, AVX-512 tiles only for regions of a few
    /// tiles at least: the rest of the last tile runs by blocks, at a fixed cost per step.
    #[cfg(target_arch = "x86_64")]
    fn tile_route(&self) -> Route {
        match &self.tiles {
            None => Route::Blocks,
            Some(prog) => {
                #[cfg(hesse_avx512)]
                // (Every AVX-512 CPU has FMA; checked all the same: the AVX-512 tiles' `exp`
                // is the FMA form of `exp::exp`, which that form is on CPUs with FMA.)
                if crate::native::avx512()
                    && std::arch::is_x86_feature_detected!("fma")
                    && (prog.pads() || self.len > 4 * tiles::W_AVX512)
                {
                    return Route::Avx512 { pad: prog.pads() };
                }
                Route::Avx2 { pad: prog.pads() }
            }
        }
    }

    /// Runs the region's machine code; `false` if it stopped at a special `exp` argument
    /// (the region is then to be run by another route, see `fused/native.rs`).
    ///
    /// # Safety
    /// As [`Region::run_blocks`]; `code` is this region's.
    #[cfg(all(target_arch = "x86_64", feature = "jit"))]
    unsafe fn run_native(&self, v: &[*mut f64; BUFS], code: &native::Code) -> bool {
        let prog = self
            .tiles
            .as_ref()
            .expect("machine code comes from a tile program");
        let mut acc = [[-0.0f64; SUM_LANES]; MAX_SUMS];
        // SAFETY: the CPU runs the code (it exists only then); the caller's guarantees.
        let done = unsafe { code.run(prog, v, self.len, &mut acc) };
        if done {
            // SAFETY: as above.
            unsafe { self.finish_sums(v, &acc) };
        }
        done
    }

    /// Runs the region by `route`.
    ///
    /// # Safety
    /// The CPU must support AVX2, and AVX-512 for an AVX-512 route; a tile route needs the
    /// tile program, and a padded one a program that pads; as [`Region::run_blocks`].
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn run_x86(&self, v: &[*mut f64; BUFS], route: Route) {
        let mut acc = [[-0.0f64; SUM_LANES]; MAX_SUMS];
        let (w, pad) = match route {
            #[cfg(all(test, feature = "jit"))]
            Route::Native => {
                // SAFETY: as below.
                unsafe { self.run_avx2(v) };
                return;
            }
            Route::Blocks => (0, false),
            Route::Avx2 { pad } => (tiles::W_AVX2, pad),
            #[cfg(hesse_avx512)]
            Route::Avx512 { pad } => (tiles::W_AVX512, pad),
        };
        let start = match &self.tiles {
            Some(prog) if w > 0 => {
                // Whole tiles, the last of which must not reach past the region's last row:
                // a column gather reads one element past its tile's last row, which exists
                // before the last row. Then the rest as one padded tile, or by blocks.
                let end = if prog.reads_past {
                    (self.len - 1) / w * w
                } else {
                    self.len / w * w
                };
                let tail = if pad { self.len - end } else { 0 };
                // SAFETY: the CPU supports the route's instruction set (the caller's
                // guarantee); the buffers are long enough for every element the steps touch
                // for elements 0..len (`need`, the caller's guarantee), and a tile before
                // `end` reads at most one element past its last row's, before row len − 1's.
                unsafe {
                    match route {
                        #[cfg(hesse_avx512)]
                        Route::Avx512 { .. } => tiles::run_avx512(prog, v, end, tail, &mut acc),
                        _ => tiles::run_avx2(prog, v, end, tail, &mut acc),
                    }
                };
                end + tail
            }
            _ => 0,
        };
        if start < self.len {
            unsafe { self.run_blocks::<true>(v, start, &mut acc) };
        }
        unsafe { self.finish_sums(v, &acc) };
    }

    /// Writes the sums from their lanes.
    ///
    /// # Safety
    /// As [`Region::run_blocks`].
    unsafe fn finish_sums(&self, v: &[*mut f64; BUFS], acc: &[[f64; SUM_LANES]; MAX_SUMS]) {
        for step in &self.steps {
            if let Step::Sum { out, acc: k, .. } = *step {
                // SAFETY: `out` lies inside its buffer (`need`).
                unsafe { *ptr(v, out, 0) = reduce::sum_combine(&acc[k as usize]) };
            }
        }
    }

    /// The blocks of elements `start..len` (`start` a multiple of the sum lanes), the sums
    /// added into `acc`; `AVX2`: the CPU has AVX2 (only set from [`Region::run_avx2`]).
    ///
    /// # Safety
    /// Each buffer `v[k]` holds at least `self.need[k]` values, and the point and direction
    /// buffers (which no step writes) do not overlap the others.
    #[inline(always)]
    unsafe fn run_blocks<const AVX2: bool>(
        &self,
        v: &[*mut f64; BUFS],
        start: usize,
        acc: &mut [[f64; SUM_LANES]; MAX_SUMS],
    ) {
        let mut scratch = std::mem::MaybeUninit::<[f64; CHUNK * MAX_TEMPS]>::uninit();
        let t = scratch.as_mut_ptr().cast::<f64>();
        // SAFETY: the part of the first `temps` blocks of the scratch buffer that the blocks
        // use (the only part sliced) is initialised before any slice of it is made.
        let used = CHUNK.min(self.len.saturating_sub(start));
        for k in 0..self.temps {
            unsafe { t.add(k * CHUNK).write_bytes(0, used) };
        }
        let mut c0 = start;
        while c0 < self.len {
            let n = CHUNK.min(self.len - c0);
            let shape = [n];
            let shape_of = |o: Operand| -> &[usize] {
                match o {
                    Operand::Scalar(_) => &[],
                    _ => &shape,
                }
            };
            for step in &self.steps {
                // SAFETY: every range of every step lies inside its buffer (`need`, checked by
                // the caller); temporaries are blocks of `scratch`; a step's output never
                // overlaps its inputs (it is the step's own node, a distinct arena range or
                // its place in the result buffer, or a temporary not in use).
                unsafe {
                    match *step {
                        Step::Unary { op, x, out } => {
                            op.forward(read(t, v, c0, n, x), write(t, v, c0, n, out))
                        }
                        Step::Binary { op, a, b, out } => op.forward(
                            (read(t, v, c0, n, a), shape_of(a)),
                            (read(t, v, c0, n, b), shape_of(b)),
                            write(t, v, c0, n, out),
                            &shape,
                        ),
                        Step::Gather { src, stride: 2, out } => {
                            let x = std::slice::from_raw_parts(ptr(v, src, 2 * c0), 2 * n - 1);
                            let o = write(t, v, c0, n, out);
                            #[cfg(target_arch = "x86_64")]
                            if AVX2 {
                                gather_stride2_avx2(x, o);
                                continue;
                            }
                            gather_stride2(x, o);
                        }
                        Step::Gather { src, stride, out } => {
                            for (j, o) in write(t, v, c0, n, out).iter_mut().enumerate() {
                                *o = *ptr(v, src, (c0 + j) * stride);
                            }
                        }
                        Step::Scatter {
                            parts: [(a, ba, 2), (b, bb, 2)],
                        } if ba.buf == bb.buf && ba.off.abs_diff(bb.off) == 1 => {
                            // The two columns of a two-column matrix: one interleaving pass.
                            let (a, b, ba) = if ba.off < bb.off { (a, b, ba) } else { (b, a, bb) };
                            let (a, b) = (read(t, v, c0, n, a), read(t, v, c0, n, b));
                            let o = std::slice::from_raw_parts_mut(ptr(v, ba, 2 * c0), 2 * n);
                            for ((o, &a), &b) in o.chunks_exact_mut(2).zip(a).zip(b) {
                                o[0] = a + 0.0;
                                o[1] = b + 0.0;
                            }
                        }
                        Step::Scatter { parts } => {
                            for (x, b, s) in parts {
                                for (j, &x) in read(t, v, c0, n, x).iter().enumerate() {
                                    *ptr(v, b, (c0 + j) * s) = x + 0.0;
                                }
                            }
                        }
                        // Blocks start at multiples of CHUNK, a multiple of the lane count, so
                        // the lanes see the elements as `reduce::sum` does.
                        Step::Sum { x, acc: k, .. } => {
                            reduce::sum_lanes(&mut acc[k as usize], read(t, v, c0, n, x))
                        }
                    }
                }
            }
            c0 += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Piece, plan};
    use crate::Tape;
    use crate::ops::Op;

    /// The gradient of the W2 extended Rosenbrock (two column slices of a reshaped vector)
    /// becomes one region: the gathers, both elementwise chains, the sum and the store of
    /// the two pads (the seed's broadcast is a constant, read as one value).
    #[test]
    fn the_rosenbrock_gradient_is_one_region() {
        let tape = Tape::new();
        let x0: Vec<f64> = (0..1000).map(|i| if i % 2 == 0 { -1.2 } else { 1.0 }).collect();
        let x = tape.vector(&x0);
        let m = x.reshape(&[500, 2]);
        let (odd, even) = (m.slice(1, 0, 1), m.slice(1, 1, 1));
        let y = (100.0 * (even - odd.square()).square() + (1.0 - odd).square()).sum();
        let g = tape.grad(y, &[x])[0];
        let inner = tape.inner.borrow();
        // The nodes a replay runs: those depending on x, but reshapes (aliases) and leaves.
        let mut on_x = vec![false; inner.nodes.len()];
        on_x[x.idx() as usize] = true;
        let prog: Vec<u32> = (0..inner.nodes.len())
            .filter(|&i| {
                let node = &inner.nodes[i];
                on_x[i] |= node.inputs.iter().any(|&j| on_x[j as usize]);
                on_x[i] && !node.op.is_leaf() && node.op != Op::Layout(crate::ops::Layout::Reshape)
            })
            .map(|i| i as u32)
            .collect();
        let pieces = plan(&inner, &prog, &[g.idx(), y.idx()], &|j| !on_x[j as usize], &|j| j);
        let regions = pieces.iter().filter(|p| matches!(p, Piece::Region(_))).count();
        assert_eq!((pieces.len(), regions), (1, 1), "{pieces:?}");
    }
}

/// Every x86-64 route of a region (blocks; AVX2 and AVX-512 tiles with the rest by blocks
/// or as a padded tile) gives the block executor's bits, at every length.
#[cfg(all(test, target_arch = "x86_64"))]
mod route_tests {
    use super::{At, Dest, Operand, Region, Route, Step, arena};
    use crate::ops::{Binary, Unary};

    /// The bits of each value, every NaN as one pattern (Rust leaves the payload of a NaN
    /// made from two NaNs unspecified, RFC 3514).
    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter()
            .map(|&x| {
                if x.is_nan() {
                    f64::NAN.to_bits()
                } else {
                    x.to_bits()
                }
            })
            .collect()
    }

    /// Test values: smooth ones, with signed zeros, infinities, NaN, subnormals and
    /// arguments where `exp` overflows or underflows every `special`-th element.
    fn values(n: usize, seed: u64, special: usize) -> Vec<f64> {
        let mut rng = crate::test_rng::Xorshift::new(seed);
        (0..n)
            .map(|i| {
                let u = rng.uniform() * 4.0 - 2.0;
                if i % special != special - 1 {
                    return u;
                }
                [
                    0.0,
                    -0.0,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                    f64::NAN,
                    -1e-310,
                    800.0,
                    -800.0,
                ][(rng.state() % 8) as usize]
            })
            .collect()
    }

    /// A region over m elements with every step kind the tile executor runs: column gathers
    /// of an interleaved matrix, kernels (`exp`, `tanh`), `powi`, a scalar operand, a result
    /// stored to the arena and read back, sums, the interleaved store of two columns and the
    /// contiguous store of two halves. Arena: the matrix (2m), y (m), the scalar, the stored
    /// result (m), the sums (3), the interleaved store (2m), the halves (2m), and 8 guard
    /// values that no step touches.
    fn region(m: usize) -> (Region, Vec<f64>) {
        region_ending(m, Unary::Tanh)
    }

    /// [`region`] with `last` for its last unary op (`tanh` there).
    fn region_ending(m: usize, last: Unary) -> (Region, Vec<f64>) {
        let (mat, y, c, o) = (0, 2 * m, 3 * m, 3 * m + 1);
        let (sums, z, p) = (4 * m + 1, 4 * m + 4, 6 * m + 4);
        let t = Dest::Temp;
        let (tt, mem) = (Operand::Temp, |off| Operand::Mem(arena(off)));
        let steps = vec![
            Step::Gather {
                src: arena(mat),
                stride: 2,
                out: t(0),
            },
            Step::Gather {
                src: arena(mat + 1),
                stride: 2,
                out: t(1),
            },
            Step::Binary {
                op: Binary::Mul,
                a: tt(0),
                b: mem(y),
                out: t(2),
            },
            Step::Unary {
                op: Unary::Exp,
                x: tt(2),
                out: Dest::Mem(arena(o)),
            },
            Step::Binary {
                op: Binary::Sub,
                a: mem(o),
                b: Operand::Scalar(arena(c)),
                out: t(3),
            },
            Step::Unary {
                op: Unary::Powi(3),
                x: tt(3),
                out: t(4),
            },
            Step::Binary {
                op: Binary::Div,
                a: tt(4),
                b: tt(1),
                out: t(5),
            },
            Step::Sum {
                x: tt(5),
                out: arena(sums),
                acc: 0,
            },
            Step::Sum {
                x: mem(y),
                out: arena(sums + 1),
                acc: 1,
            },
            Step::Scatter {
                parts: [(tt(5), arena(z), 2), (tt(2), arena(z + 1), 2)],
            },
            Step::Scatter {
                parts: [(tt(0), arena(p), 1), (tt(3), arena(p + m), 1)],
            },
            Step::Unary {
                op: last,
                x: tt(4),
                out: t(6),
            },
            Step::Sum {
                x: tt(6),
                out: arena(sums + 2),
                acc: 2,
            },
        ];
        let r = Region::new(m, steps, 7);
        let mut vals = values(8 * m + 12, m as u64, 7);
        vals[c] = 0.25;
        (r, vals)
    }

    /// The tile routes this CPU runs, with each of `pads`.
    fn tile_routes(pads: &[bool]) -> Vec<Route> {
        #[allow(unused_mut)] // (without AVX-512 builds)
        let mut routes: Vec<Route> = pads.iter().map(|&pad| Route::Avx2 { pad }).collect();
        #[cfg(hesse_avx512)]
        if std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("fma") {
            routes.extend(pads.iter().map(|&pad| Route::Avx512 { pad }));
        }
        #[cfg(feature = "jit")]
        if super::native::available() {
            routes.push(Route::Native);
        }
        routes
    }

    /// The region's arena after a run by `route`.
    fn run(r: &Region, vals: &[f64], route: Route) -> Vec<u64> {
        let mut vals = vals.to_vec();
        let null = std::ptr::null_mut();
        // SAFETY: the CPU has the route's instruction set (the callers check), the arena
        // holds every element the steps touch (`need`).
        unsafe { r.run_x86(&[vals.as_mut_ptr(), null, null, null], route) };
        bits(&vals)
    }

    /// The machine code of a region without `tanh` (every other step kind) against the blocks
    /// at every length from 1 to 300: on smooth values, with `exp` arguments of zero and below
    /// 2⁻⁵⁴ (its tiny path), where the code runs to the end; and with special values (`exp`
    /// overflowing, ±∞, NaN), where it stops and the tile route runs the region.
    #[cfg(feature = "jit")]
    #[test]
    fn machine_code_gives_the_blocks_bits_at_every_length() {
        if !super::native::available() {
            return;
        }
        for m in 1..=300 {
            let (r, special) = region_ending(m, Unary::Recip);
            let code = r.native().expect("machine code");
            let want = run(&r, &special, Route::Blocks);
            assert!(
                run(&r, &special, Route::Native) == want,
                "m = {m}, special values"
            );
            let mut smooth = values(special.len(), m as u64 + 1, usize::MAX);
            let y = 2 * m;
            for i in 0..m {
                smooth[y + i] = [0.0, -0.0, 1e-300, -3e-17, 5e-324, smooth[y + i]][i % 6];
            }
            smooth[3 * m] = 0.25;
            let want = run(&r, &smooth, Route::Blocks);
            let mut vals = smooth.clone();
            let null = std::ptr::null_mut();
            // SAFETY: the CPU runs the code (checked above); the arena holds every element
            // the steps touch.
            let done = unsafe { r.run_native(&[vals.as_mut_ptr(), null, null, null], code) };
            assert!(done, "m = {m}: the code stopped on smooth values");
            assert!(bits(&vals) == want, "m = {m}, smooth values");
        }
    }

    /// Machine code with one vector per loop iteration (twelve temporaries live at once) and
    /// with four (two temporaries), against the blocks at every length from 1 to 100.
    #[cfg(feature = "jit")]
    #[test]
    fn machine_code_with_one_and_four_vectors_gives_the_blocks_bits() {
        if !super::native::available() {
            return;
        }
        let x = Operand::Mem(arena(0));
        for m in 1..=100 {
            // t_k = x + k + 1/2 for k < 12, all twelve live, then their running product, each
            // partial product stored to a range of its own.
            let mut wide: Vec<Step> = (0..12)
                .map(|k| Step::Unary {
                    op: Unary::AddScalar(k as f64 + 0.5),
                    x,
                    out: Dest::Temp(k),
                })
                .collect();
            for k in 1..12 {
                let a = if k == 1 {
                    Operand::Temp(0)
                } else {
                    Operand::Mem(arena((k - 1) * m))
                };
                wide.push(Step::Binary {
                    op: Binary::Mul,
                    a,
                    b: Operand::Temp(k as u16),
                    out: Dest::Mem(arena(k * m)),
                });
            }
            // ((x·x − 1)·x) + x, stored and summed: one temporary at a time.
            let narrow = vec![
                Step::Binary {
                    op: Binary::Mul,
                    a: x,
                    b: x,
                    out: Dest::Temp(0),
                },
                Step::Unary {
                    op: Unary::AddScalar(-1.0),
                    x: Operand::Temp(0),
                    out: Dest::Temp(1),
                },
                Step::Binary {
                    op: Binary::Mul,
                    a: Operand::Temp(1),
                    b: x,
                    out: Dest::Temp(0),
                },
                Step::Binary {
                    op: Binary::Add,
                    a: Operand::Temp(0),
                    b: x,
                    out: Dest::Mem(arena(m)),
                },
                Step::Sum {
                    x: Operand::Mem(arena(m)),
                    out: arena(2 * m),
                    acc: 0,
                },
            ];
            for (steps, temps, vectors, n) in [(wide, 12, 1, 12 * m), (narrow, 2, 4, 2 * m + 1)] {
                let r = Region::new(m, steps, temps);
                let code = r.native().expect("machine code");
                assert!(
                    format!("{code:?}").contains(&format!("vectors: {vectors}")),
                    "{code:?}"
                );
                let vals = values(n, m as u64, usize::MAX);
                assert!(
                    run(&r, &vals, Route::Native) == run(&r, &vals, Route::Blocks),
                    "m = {m}, {vectors} vectors"
                );
            }
        }
    }

    /// Every route against the blocks alone, with and without the padded tile, at every
    /// length from 1 to 300 (whole tiles, a partial tile, or none).
    #[test]
    fn every_route_gives_the_blocks_bits_at_every_length() {
        // About this CPU's native kernels, whatever `HESSE_NATIVE` says for the suite.
        crate::native::scoped(crate::native::Native::ON, || {
            if !std::arch::is_x86_feature_detected!("avx2") {
                return;
            }
            let routes = tile_routes(&[false, true]);
            for m in 1..=300 {
                let (r, vals) = region(m);
                let prog = r.tiles.as_ref().expect("a tile program");
                assert!(prog.pads() && prog.reads_past, "m = {m}");
                let want = run(&r, &vals, Route::Blocks);
                assert!(
                    want[..vals.len() - 8] != bits(&vals[..vals.len() - 8]),
                    "the region writes"
                );
                for &route in &routes {
                    assert!(run(&r, &vals, route) == want, "m = {m}, {route:?}");
                }
            }
        })
    }

    /// A sum of −0.0 terms stays −0.0 with a padded tile (the padding adds −0.0), and a
    /// NaN in the last element stays a NaN.
    #[test]
    fn the_padding_adds_nothing_to_sums() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        for m in 1..=80 {
            let steps = vec![
                Step::Unary {
                    op: Unary::Neg,
                    x: Operand::Mem(arena(0)),
                    out: Dest::Temp(0),
                },
                Step::Sum {
                    x: Operand::Temp(0),
                    out: arena(m),
                    acc: 0,
                },
            ];
            let r = Region::new(m, steps, 1);
            assert!(r.tiles.as_ref().is_some_and(|p| p.pads() && !p.reads_past));
            let mut vals = vec![0.0; m + 1];
            for route in tile_routes(&[true]) {
                vals[m - 1] = 0.0;
                assert_eq!(run(&r, &vals, route)[m], (-0.0f64).to_bits(), "m = {m}");
                vals[m - 1] = f64::NAN;
                assert!(f64::from_bits(run(&r, &vals, route)[m]).is_nan(), "m = {m}");
            }
        }
    }

    /// A program whose stored result overlaps another slot's range does not pad (the
    /// scratch copies would not see each other's writes): it runs the rest by blocks.
    #[test]
    fn overlapping_slots_do_not_pad() {
        let m = 40;
        let steps = |out: usize| {
            vec![
                Step::Unary {
                    op: Unary::Square,
                    x: Operand::Mem(arena(0)),
                    out: Dest::Mem(arena(out)),
                },
                Step::Binary {
                    op: Binary::Add,
                    a: Operand::Mem(arena(out)),
                    b: Operand::Mem(arena(m)),
                    out: Dest::Mem(At { buf: 0, off: 2 * m }),
                },
            ]
        };
        for (out, pads) in [(3 * m, true), (m / 2, false), (m + 1, false), (3 * m - 1, false)] {
            let r = Region::new(m, steps(out), 0);
            assert_eq!(r.tiles.as_ref().map(|p| p.pads()), Some(pads), "out = {out}");
        }
    }
}
