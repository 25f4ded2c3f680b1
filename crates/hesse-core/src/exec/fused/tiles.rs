//! The SIMD tile executor of fused regions.
//!
//! The block executor (`Region::run_blocks`) runs each step over a block of [`CHUNK`](super::step::CHUNK)
//! values: every step loads its operands from the scratch buffer and stores its result
//! there, so a chain of cheap operations (a multiplication, a negation, a product with a
//! constant) is bound by the one store per cycle of the processor, not by the arithmetic.
//! Here a region made only of cheap steps runs tile by tile with an **accumulator** of
//! [`R`] vector registers (a tile is `R` registers of values: 32 with AVX2, 64 with
//! AVX-512): a step whose operand is the previous step's result reads it from the
//! accumulator, and a result is stored (to a tile of scratch, or to its buffer) only when a
//! later step or the caller reads it. The W2 HVP region has 28 steps and, in this form, 9
//! stores. A unary op without an instruction of its own (`exp`, `tanh`, `powi`, …) runs its
//! slice kernel on the tile's values through a buffer on the stack: the kernel every other
//! route runs, so the same bits (W5's peaks and W3's `tanh` layers become tile programs);
//! the AVX-512 build computes `exp` on its registers instead (`exp::exp_avx512`, the same
//! bits). Each instruction is one jump on a flat `enum`; its operand is an index into a
//! table of pointers resolved once per run (a scratch tile, a buffer, or a tile of a single
//! value broadcast once), so the per-tile cost is the arithmetic and one dispatch. The
//! last, partial tile runs the same program on scratch copies of its buffer slots, padded
//! (see [`Padded`]), instead of by blocks, whose fixed cost per step is that of several
//! tiles (W5's 49 values after 9 tiles: 0.9 µs by blocks).
//!
//! **Bit-for-bit.** Each operation is the IEEE operation of the op's `eval` on the same
//! operands in the same order (`-x` flips the sign bit, `|x|` clears it; no fused
//! multiply-add); sums add tile elements into the lanes of [`crate::ops::reduce::sum`]
//! (element i to lane i mod 8, in order); the store of the two pads writes `x + 0.0`. Only
//! the order of elements changes, as in the block executor. The AVX2 and AVX-512 builds
//! run the same instructions on the same values (unit test). The AVX-512 build is chosen at
//! run time where the CPU has it (and the compiler, Rust ≥ 1.89, see `build.rs`): half the
//! instructions per value, which is what bounds the tiles (W2: HVP 14.2 → 10.5 µs).
// The tile programs are planned on every target (the planner's choice of regions must not
// depend on the machine) but run only on x86-64.
#![cfg_attr(not(target_arch = "x86_64"), allow(dead_code, unused_imports, unused_macros))]

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

use super::step::{At, BUFS, Dest, MAX_SUMS, MAX_TEMPS, Operand, Step, ptr};
use crate::ops::reduce::SUM_LANES;
use crate::ops::{Binary, Unary};

/// Vector registers per tile (the accumulator). (16 AVX-512 registers, in tiles of 128
/// values, are no faster on W5.)
const R: usize = 8;
const _: () = assert!(SUM_LANES == 8);
/// Operand slots a tile program may use (its table of pointers lives on the stack).
pub(super) const MAX_SLOTS: usize = 48;
/// Single values a tile program may broadcast.
const MAX_SCALARS: usize = 8;

/// Where an operand of a tile program lives; resolved to a pointer and a step per tile at
/// the start of each run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Slot {
    /// A tile of scratch (the same place for every tile).
    Temp(u16),
    /// A buffer, `scale` values per tile element from the tile's start (1: contiguous; 2:
    /// interleaved with another column).
    Mem(At, u8),
    /// One value, broadcast into a tile of its own once per run.
    Scalar(At),
}

/// One instruction of a tile program; `u16` fields are operand slots, `Option`s without a
/// slot read the accumulator.
#[derive(Clone, Copy, Debug)]
pub(super) enum TOp {
    /// acc = slot
    Load(u16),
    /// slot = acc
    Store(u16),
    /// `acc[j] = slot[2j]`
    Gather2(u16),
    /// acc = op(acc), by the op's lowering on tiles of registers (`ops::unary::lower`); a
    /// call-out runs the op's slice kernel on the tile through a buffer on the stack.
    Unary(Unary),
    /// acc = acc + slot, …
    AddL(u16),
    SubL(u16),
    MulL(u16),
    DivL(u16),
    /// acc = slot + acc, …
    AddR(u16),
    SubR(u16),
    MulR(u16),
    DivR(u16),
    /// `at[2j] = a[j] + 0.0`, `at[2j + 1] = b[j] + 0.0`
    /// slot = x + 0.0 (one contiguous part of a store of pads: `pad(a) + pad(b)` where the
    /// pads cover disjoint ranges); `None` reads the accumulator.
    Pad1 {
        x: Option<u16>,
        at: u16,
    },
    Scatter2 {
        a: Option<u16>,
        b: Option<u16>,
        at: u16,
    },
    /// The lanes of sum `acc` += x.
    Sum {
        x: Option<u16>,
        acc: u8,
    },
}

/// A tile program: its instructions and their operand slots.
#[derive(Clone, Debug)]
pub(super) struct Program {
    pub(super) ops: Vec<TOp>,
    pub(super) slots: Vec<Slot>,
    /// Whether a tile reads one element past its last row (a column gather: the load of
    /// row j's pair reads the other column's element too).
    pub(super) reads_past: bool,
    /// The buffer slots moved to scratch tiles for a padded last tile (see [`Padded`]), if
    /// the program may run one.
    tail: Option<Vec<Padded>>,
}

impl Program {
    /// Whether the program may run the last, partial tile padded (see [`Padded`]).
    pub(super) fn pads(&self) -> bool {
        self.tail.is_some()
    }
}

/// Scratch a padded tile may use for the buffer slots, in tiles of values (a column of a
/// two-column matrix takes two).
const PAD_TILES: usize = 32;

/// A buffer slot of a padded last tile: the tile of n < W (or W) elements runs like the
/// others, on scratch tiles that stand in for the buffer slots. A slot the program reads is
/// copied in for the n elements, the last one repeated over the padding, so that every
/// padding element computes exactly what element n − 1 computes (no special values that
/// the region would not meet anyway); a slot it writes is copied out for the n elements.
/// Sums add −0.0 for the padding, which leaves every lane's bits as they are (`x + −0.0 = x`
/// for every x, −0.0 and NaN included).
///
/// Only when no written slot overlaps another buffer slot: the scratch copies of two
/// overlapping slots would not see each other's writes.
#[derive(Clone, Copy, Debug)]
struct Padded {
    slot: u16,
    at: At,
    /// Values per element (1 or 2, as the slot's).
    scale: u8,
    /// Offset in the scratch, in tiles.
    tile: u16,
    read: bool,
    written: bool,
}

impl TOp {
    /// The slot the instruction writes, if any.
    pub(super) fn writes(&self) -> Option<u16> {
        match *self {
            TOp::Store(s) | TOp::Pad1 { at: s, .. } | TOp::Scatter2 { at: s, .. } => Some(s),
            _ => None,
        }
    }

    /// The slots the instruction reads.
    pub(super) fn reads(&self) -> impl Iterator<Item = u16> {
        let (a, b) = match *self {
            TOp::Load(s)
            | TOp::Gather2(s)
            | TOp::AddL(s)
            | TOp::SubL(s)
            | TOp::MulL(s)
            | TOp::DivL(s)
            | TOp::AddR(s)
            | TOp::SubR(s)
            | TOp::MulR(s)
            | TOp::DivR(s) => (Some(s), None),
            TOp::Pad1 { x, .. } | TOp::Sum { x, .. } => (x, None),
            TOp::Scatter2 { a, b, .. } => (a, b),
            _ => (None, None),
        };
        a.into_iter().chain(b)
    }
}

/// The buffer slots of a padded last tile of a program over `len` elements, if it may run
/// one (see [`Padded`]).
fn padded(ops: &[TOp], slots: &[Slot], len: usize) -> Option<Vec<Padded>> {
    let mut mem = Vec::new();
    let mut tile = 0;
    for (k, s) in slots.iter().enumerate() {
        if let Slot::Mem(at, scale) = *s {
            let k = k as u16;
            mem.push(Padded {
                slot: k,
                at,
                scale,
                tile,
                read: ops.iter().any(|op| op.reads().any(|r| r == k)),
                written: ops.iter().any(|op| op.writes() == Some(k)),
            });
            tile += scale as u16;
        }
    }
    // The range of buffer positions a slot covers over the region (a column: both columns'
    // rows, one past its last row).
    let range = |p: &Padded| p.at.off..p.at.off + p.scale as usize * len;
    let overlap = mem.iter().any(|p| {
        p.written
            && mem.iter().any(|q| {
                q.slot != p.slot
                    && q.at.buf == p.at.buf
                    && range(p).start < range(q).end
                    && range(q).start < range(p).end
            })
    });
    (tile as usize <= PAD_TILES && !overlap).then_some(mem)
}

/// The instruction of a binary op with the accumulator on the left (`left`) or the right.
fn arith(op: Binary, left: bool, s: u16) -> Option<TOp> {
    Some(match (op, left) {
        (Binary::Add, true) => TOp::AddL(s),
        (Binary::Sub, true) => TOp::SubL(s),
        (Binary::Mul, true) => TOp::MulL(s),
        (Binary::Div, true) => TOp::DivL(s),
        (Binary::Add, false) => TOp::AddR(s),
        (Binary::Sub, false) => TOp::SubR(s),
        (Binary::Mul, false) => TOp::MulR(s),
        (Binary::Div, false) => TOp::DivR(s),
        _ => return None,
    })
}

/// The operands a step reads.
fn operands(s: &Step) -> Vec<Operand> {
    match *s {
        Step::Unary { x, .. } | Step::Sum { x, .. } => vec![x],
        Step::Binary { a, b, .. } => vec![a, b],
        Step::Scatter { parts } => parts.iter().map(|p| p.0).collect(),
        Step::Gather { .. } => vec![],
    }
}

/// The tile program of a region's steps, if every step is one the tile executor runs:
/// cheap unary and binary ops, other unary ops through their own slice kernels (`exp`,
/// `tanh`, `powi`: the accumulator goes through a buffer on the stack, the cheap steps
/// around them stay in registers), gathers of one column of a two-column matrix (or of a
/// contiguous range), the store of two such columns, and sums.
/// `len` is the region's length (for the padded last tile, see [`Padded`]).
pub(super) fn compile(steps: &[Step], len: usize) -> Option<Program> {
    let mut ops = Vec::new();
    let mut slots: Vec<Slot> = Vec::new();
    let mut slot = |s: Slot| -> u16 {
        let i = slots.iter().position(|&t| t == s).unwrap_or_else(|| {
            slots.push(s);
            slots.len() - 1
        });
        i as u16
    };
    let of = |o: Operand| match o {
        Operand::Temp(t) => Slot::Temp(t),
        Operand::Mem(a) => Slot::Mem(a, 1),
        Operand::Scalar(a) => Slot::Scalar(a),
    };
    // The operand whose values the accumulator holds.
    let mut holds: Option<Operand> = None;
    for (k, step) in steps.iter().enumerate() {
        let is_acc = |o: Operand| holds == Some(o) && !matches!(o, Operand::Scalar(_));
        let out = match *step {
            Step::Unary { op, x, out } => {
                let op = TOp::Unary(op);
                if !is_acc(x) {
                    ops.push(TOp::Load(slot(of(x))));
                }
                ops.push(op);
                out
            }
            Step::Binary { op, a, b, out } => {
                if is_acc(a) {
                    ops.push(arith(op, true, slot(of(b)))?);
                } else if is_acc(b) {
                    ops.push(arith(op, false, slot(of(a)))?);
                } else {
                    let op = arith(op, true, slot(of(b)))?;
                    ops.push(TOp::Load(slot(of(a))));
                    ops.push(op);
                }
                out
            }
            Step::Gather {
                src: at,
                stride: 2,
                out,
            } => {
                ops.push(TOp::Gather2(slot(Slot::Mem(at, 2))));
                out
            }
            Step::Gather {
                src: at,
                stride: 1,
                out,
            } => {
                ops.push(TOp::Load(slot(Slot::Mem(at, 1))));
                out
            }
            Step::Gather { .. } => return None,
            Step::Scatter {
                parts: [(a, ba, 2), (b, bb, 2)],
            } if ba.buf == bb.buf && ba.off.abs_diff(bb.off) == 1 => {
                let (a, b, at) = if ba.off < bb.off { (a, b, ba) } else { (b, a, bb) };
                let a = (!is_acc(a)).then(|| slot(of(a)));
                let b = (!is_acc(b)).then(|| slot(of(b)));
                let at = slot(Slot::Mem(at, 2));
                ops.push(TOp::Scatter2 { a, b, at });
                continue;
            }
            Step::Scatter {
                parts: [(a, ba, 1), (b, bb, 1)],
            } => {
                for (x, at) in [(a, ba), (b, bb)] {
                    let x = (!is_acc(x)).then(|| slot(of(x)));
                    let at = slot(Slot::Mem(at, 1));
                    ops.push(TOp::Pad1 { x, at });
                }
                continue;
            }
            Step::Scatter { .. } => return None,
            Step::Sum { x, acc, .. } => {
                let x = (!is_acc(x)).then(|| slot(of(x)));
                ops.push(TOp::Sum { x, acc });
                continue;
            }
        };
        // Store the result unless its one reader is the next step, which reads it from the
        // accumulator (a result in a buffer is always stored: the caller reads it).
        let store = match out {
            Dest::Mem(_) => true,
            Dest::Temp(t) => {
                let mut reads = 0;
                for s in &steps[k + 1..] {
                    reads += operands(s).iter().filter(|&&o| o == Operand::Temp(t)).count();
                    if matches!(s, Step::Unary { out: Dest::Temp(u), .. }
                        | Step::Binary { out: Dest::Temp(u), .. }
                        | Step::Gather { out: Dest::Temp(u), .. } if *u == t)
                    {
                        break;
                    }
                }
                let next = steps.get(k + 1).map_or(0, |s| {
                    operands(s).iter().filter(|&&o| o == Operand::Temp(t)).count()
                });
                reads > 0 && !(reads == 1 && next == 1)
            }
        };
        if store {
            ops.push(TOp::Store(slot(of(out.operand()))));
        }
        holds = Some(out.operand());
    }
    let scalars = slots.iter().filter(|s| matches!(s, Slot::Scalar(_))).count();
    if slots.len() > MAX_SLOTS || scalars > MAX_SCALARS {
        return None;
    }
    let reads_past = ops.iter().any(|op| matches!(op, TOp::Gather2(_)));
    let tail = padded(&ops, &slots, len);
    Some(Program {
        ops,
        slots,
        reads_past,
        tail,
    })
}

/// `[e; R]` for r in 0..R, with `r` bound in `e`: a loop, which the compiler unrolls (W5:
/// 5.5 → 5.1 µs per value+grad against `std::array::from_fn` and closures, whose code for
/// the tile executor's ops is worse).
macro_rules! tile {
    ($zero:expr, $r:ident => $e:expr) => {{
        let mut o = [$zero; R];
        for $r in 0..R {
            o[$r] = $e;
        }
        o
    }};
}

/// Generates a tile executor for one instruction set: `$v` is the vector type of `$l`
/// values, `$m` a module of `#[inline]` helpers built with `$feat`.
macro_rules! executor {
    ($(#[$attr:meta])* $name:ident, $feat:literal, $m:ident, $v:ty, $l:expr) => {
        /// Runs a tile program over the elements `0..end` (a multiple of the tile, `R`
        /// registers of values) and, if `tail` > 0, over the `tail` ≤ W elements after them
        /// as one padded tile (see [`Padded`]), adding the sums into `lanes`.
        ///
        /// # Safety
        /// The CPU must support the instruction set (AVX-512 with FMA and AVX2, for its
        /// `exp`, see `avx512::exp`); each buffer `v[k]` holds every element
        /// the program touches for elements `0..end` (a gather of a tile reads up to one
        /// element past its last row's) and for elements `0..end + tail`; the point and
        /// direction buffers are not written; `tail` is 0 unless the program pads.
        $(#[$attr])*
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $feat)]
        pub(super) unsafe fn $name(
            prog: &Program,
            v: &[*mut f64; BUFS],
            end: usize,
            tail: usize,
            lanes: &mut [[f64; SUM_LANES]; MAX_SUMS],
        ) {
            const L: usize = $l;
            const W: usize = R * L;
            assert!(tail <= W && (tail == 0 || prog.pads()), "tiles: no padded tail");
            // SAFETY (for the whole body): the CPU supports the instruction set (the caller's
            // guarantee); every slot lies inside its buffer for every tile (the caller's
            // guarantee), scratch slots are tiles of `tt` and `st` (temporaries numbered
            // below MAX_TEMPS by `build`, scalars counted by `compile`), the padded tile's
            // buffer slots are tiles of `pt` (PAD_TILES, checked by `padded`), and no slot
            // index reaches past `tab` (MAX_SLOTS, checked by `compile`).
            unsafe {
                let zero = $m::zero();
                // Scratch tiles, not cleared (kilobytes per run): a tile program reads a
                // temporary only after storing it in the same tile, and a scalar's tile is
                // written before the first tile.
                let mut tt = std::mem::MaybeUninit::<[[$v; R]; MAX_TEMPS]>::uninit();
                let mut st = std::mem::MaybeUninit::<[[$v; R]; MAX_SCALARS]>::uninit();
                let (tt, st) = (tt.as_mut_ptr().cast::<[$v; R]>(), st.as_mut_ptr().cast::<[$v; R]>());
                // Each slot: a pointer and the values it moves per tile element.
                let mut tab = [(std::ptr::null_mut::<f64>(), 0usize); MAX_SLOTS];
                let mut scalars = 0;
                for (t, s) in tab.iter_mut().zip(&prog.slots) {
                    *t = match *s {
                        Slot::Temp(k) => (tt.add(k as usize).cast::<f64>(), 0),
                        Slot::Mem(a, scale) => (ptr(v, a, 0), scale as usize),
                        Slot::Scalar(a) => {
                            let tile = st.add(scalars);
                            tile.write([$m::set1(*ptr(v, a, 0)); R]);
                            scalars += 1;
                            (tile.cast::<f64>(), 0)
                        }
                    };
                }
                // The table is read through a pointer: the padded tile rewrites it.
                let tab = tab.as_mut_ptr();
                // (Macros, not closures: see `tile!`.)
                macro_rules! at {
                    ($s:expr, $c0:expr) => {{
                        let (p, scale) = *tab.add($s as usize);
                        p.add($c0 * scale)
                    }};
                }
                macro_rules! get {
                    ($s:expr, $c0:expr) => {{
                        let q = at!($s, $c0);
                        tile!(zero, r => $m::load(q.add(L * r)))
                    }};
                }
                // The padded tile's scratch for the buffer slots, not cleared: a slot read
                // is copied in whole, a slot only written is written whole before it is
                // copied out.
                let mut pt = std::mem::MaybeUninit::<[[f64; W]; PAD_TILES]>::uninit();
                let pt = pt.as_mut_ptr().cast::<[f64; W]>();
                let mut acc = [zero; R];
                let mut c0 = 0;
                // Whether the tile is the padded last one, whose elements from `tail` on are
                // padding.
                let mut padded = false;
                // An operand slot's tile, or the accumulator (`None`).
                macro_rules! or_acc {
                    ($x:expr) => {
                        match $x {
                            Some(s) => get!(s, c0),
                            None => acc,
                        }
                    };
                }
                loop {
                    if c0 >= end {
                        if tail == 0 {
                            break;
                        }
                        // The padded tile: the buffer slots move to scratch, at `c0 = 0`.
                        for p in prog.tail.as_deref().unwrap_or_default() {
                            let (n, s) = (tail * p.scale as usize, p.scale as usize);
                            let q = pt.add(p.tile as usize).cast::<f64>();
                            if p.read {
                                // `tail` values, or for a column (s = 2) the 2·tail − 1
                                // values up to its last row's (the last row's pair ends
                                // one element past them); then that last value repeated.
                                let k = n + 1 - s;
                                std::ptr::copy_nonoverlapping(ptr(v, p.at, s * end), q, k);
                                let last = *q.add(k - 1);
                                for j in k..s * W {
                                    *q.add(j) = last;
                                }
                            }
                            *tab.add(p.slot as usize) = (q, s);
                        }
                        (c0, padded) = (0, true);
                    }
                    for op in &prog.ops {
                        match *op {
                            TOp::Load(s) => acc = get!(s, c0),
                            TOp::Store(s) => {
                                let q = at!(s, c0);
                                for (r, x) in acc.iter().enumerate() {
                                    $m::store(q.add(L * r), *x);
                                }
                            }
                            TOp::Gather2(s) => {
                                let q = at!(s, c0);
                                for (r, x) in acc.iter_mut().enumerate() {
                                    *x = $m::gather2(q.add(2 * L * r));
                                }
                            }
                            TOp::Unary(u) => acc = u.lower(&mut $m::Prims(u), acc),
                            TOp::AddL(s) => {
                                let b = get!(s, c0);
                                acc = tile!(zero, r => $m::add(acc[r], b[r]));
                            }
                            TOp::SubL(s) => {
                                let b = get!(s, c0);
                                acc = tile!(zero, r => $m::sub(acc[r], b[r]));
                            }
                            TOp::MulL(s) => {
                                let b = get!(s, c0);
                                acc = tile!(zero, r => $m::mul(acc[r], b[r]));
                            }
                            TOp::DivL(s) => {
                                let b = get!(s, c0);
                                acc = tile!(zero, r => $m::div(acc[r], b[r]));
                            }
                            TOp::AddR(s) => {
                                let a = get!(s, c0);
                                acc = tile!(zero, r => $m::add(a[r], acc[r]));
                            }
                            TOp::SubR(s) => {
                                let a = get!(s, c0);
                                acc = tile!(zero, r => $m::sub(a[r], acc[r]));
                            }
                            TOp::MulR(s) => {
                                let a = get!(s, c0);
                                acc = tile!(zero, r => $m::mul(a[r], acc[r]));
                            }
                            TOp::DivR(s) => {
                                let a = get!(s, c0);
                                acc = tile!(zero, r => $m::div(a[r], acc[r]));
                            }
                            TOp::Pad1 { x, at: s } => {
                                let x = or_acc!(x);
                                let q = at!(s, c0);
                                for (r, x) in x.iter().enumerate() {
                                    $m::store(q.add(L * r), $m::add(*x, zero));
                                }
                            }
                            TOp::Scatter2 { a, b, at: s } => {
                                let a = or_acc!(a);
                                let b = or_acc!(b);
                                let q = at!(s, c0);
                                for r in 0..R {
                                    $m::scatter2(q.add(2 * L * r), a[r], b[r]);
                                }
                            }
                            TOp::Sum { x, acc: k } => {
                                let mut x = or_acc!(x);
                                if padded && tail < W {
                                    // −0.0 for the padding: adds nothing, to the bit.
                                    let mut b = [0.0f64; W];
                                    for (r, x) in x.iter().enumerate() {
                                        $m::store(b.as_mut_ptr().add(L * r), *x);
                                    }
                                    b[tail..].fill(-0.0);
                                    x = tile!(zero, r => $m::load(b.as_ptr().add(L * r)));
                                }
                                $m::sum_into(lanes[k as usize].as_mut_ptr(), &x);
                            }
                        }
                    }
                    if padded {
                        break;
                    }
                    c0 += W;
                }
                if padded {
                    for p in prog.tail.as_deref().unwrap_or_default() {
                        if p.written {
                            let s = p.scale as usize;
                            let q = pt.add(p.tile as usize).cast::<f64>();
                            std::ptr::copy_nonoverlapping(q, ptr(v, p.at, s * end), s * tail);
                        }
                    }
                }
            }
        }
    };
}

/// `[e; R]` for r in 0..R, each `e` an unsafe call of an instruction set's helper (see
/// `tile!`; the helpers' safety: see `Prims`).
macro_rules! lanes {
    ($r:ident => $e:expr) => {{
        // SAFETY: see `Prims`.
        let mut o = [unsafe { zero() }; R];
        for $r in 0..R {
            o[$r] = unsafe { $e };
        }
        o
    }};
}

/// The primitives of an op's lowering (`ops::unary::lower`) on tiles of `R` registers of
/// `$l` values: each primitive is the module's own instruction on every register; `exp` is
/// the module's `exp` (the same bits as every route's); a call-out runs the op's slice
/// kernel on the tile through a buffer on the stack (elementwise, so the same bits).
/// Invoked in each instruction set's module, whose helpers it calls.
macro_rules! tile_prims {
    ($v:ty, $l:expr) => {
        /// The lowering back-end on tiles; built only by the executor of this instruction set,
        /// which runs only where the CPU has it (so the helpers' instructions are there).
        pub(super) struct Prims(pub(super) crate::ops::Unary);

        impl Prims {
            /// The tile's values through a buffer: `f(values, out)`.
            #[inline(always)]
            fn through(x: [$v; R], f: impl FnOnce(&[f64], &mut [f64])) -> [$v; R] {
                let (mut buf, mut res) = ([0.0f64; R * $l], [0.0f64; R * $l]);
                for (r, x) in x.iter().enumerate() {
                    // SAFETY: the buffer holds R registers; see `Prims`.
                    unsafe { store(buf.as_mut_ptr().add($l * r), *x) };
                }
                f(&buf, &mut res);
                lanes!(r => load(res.as_ptr().add($l * r)))
            }
        }

        impl crate::ops::unary::Lower for Prims {
            type V = [$v; R];
            #[inline(always)]
            fn konst(&mut self, c: f64) -> [$v; R] {
                lanes!(_r => set1(c))
            }
            #[inline(always)]
            fn add(&mut self, a: [$v; R], b: [$v; R]) -> [$v; R] {
                lanes!(r => add(a[r], b[r]))
            }
            #[inline(always)]
            fn sub(&mut self, a: [$v; R], b: [$v; R]) -> [$v; R] {
                lanes!(r => sub(a[r], b[r]))
            }
            #[inline(always)]
            fn mul(&mut self, a: [$v; R], b: [$v; R]) -> [$v; R] {
                lanes!(r => mul(a[r], b[r]))
            }
            #[inline(always)]
            fn div(&mut self, a: [$v; R], b: [$v; R]) -> [$v; R] {
                lanes!(r => div(a[r], b[r]))
            }
            #[inline(always)]
            fn fma(&mut self, a: [$v; R], b: [$v; R], c: [$v; R]) -> [$v; R] {
                // Rounded once, element by element (no op lowers to it in a hot path yet).
                let (b, c) = (Prims::through(b, |_, _| {}), c);
                let mut bs = [0.0f64; R * $l];
                let mut cs = [0.0f64; R * $l];
                for r in 0..R {
                    // SAFETY: the buffers hold R registers; see `Prims`.
                    unsafe {
                        store(bs.as_mut_ptr().add($l * r), b[r]);
                        store(cs.as_mut_ptr().add($l * r), c[r]);
                    }
                }
                Prims::through(a, |a, o| {
                    for (k, o) in o.iter_mut().enumerate() {
                        *o = a[k].mul_add(bs[k], cs[k]);
                    }
                })
            }
            #[inline(always)]
            fn neg(&mut self, a: [$v; R]) -> [$v; R] {
                lanes!(r => neg(a[r]))
            }
            #[inline(always)]
            fn abs(&mut self, a: [$v; R]) -> [$v; R] {
                lanes!(r => abs(a[r]))
            }
            #[inline(always)]
            fn sqrt(&mut self, a: [$v; R]) -> [$v; R] {
                lanes!(r => sqrt(a[r]))
            }
            #[inline(always)]
            fn exp(&mut self, a: [$v; R]) -> [$v; R] {
                // SAFETY: see `Prims`.
                unsafe { exp(a) }
            }
            #[inline(always)]
            fn select(
                &mut self,
                c: crate::ops::unary::Cmp,
                a: [$v; R],
                b: [$v; R],
                t: [$v; R],
                e: [$v; R],
            ) -> [$v; R] {
                lanes!(r => select(c, a[r], b[r], t[r], e[r]))
            }
            #[inline(always)]
            fn call(&mut self, x: [$v; R], _: impl Fn(f64) -> f64) -> [$v; R] {
                let op = self.0;
                Prims::through(x, |x, o| op.forward(x, o))
            }
        }
    };
}

/// AVX2 helpers: four values per register.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    // Unsafe functions with unsafe blocks around the intrinsics: Rust 1.85 (the MSRV) has no
    // safe `#[target_feature]` functions; from 1.86 on the blocks around value-only
    // intrinsics are unneeded.
    #![allow(unused_unsafe)]

    use super::R;
    use crate::ops::unary::Cmp;
    use std::arch::x86_64::*;

    tile_prims!(__m256d, 4);

    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn zero() -> __m256d {
        unsafe { _mm256_setzero_pd() }
    }
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn set1(x: f64) -> __m256d {
        unsafe { _mm256_set1_pd(x) }
    }
    /// # Safety
    /// `p` must be valid for reading four values.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn load(p: *const f64) -> __m256d {
        unsafe { _mm256_loadu_pd(p) }
    }
    /// # Safety
    /// `p` must be valid for writing four values.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn store(p: *mut f64, x: __m256d) {
        unsafe { _mm256_storeu_pd(p, x) }
    }
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn add(a: __m256d, b: __m256d) -> __m256d {
        unsafe { _mm256_add_pd(a, b) }
    }
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn sub(a: __m256d, b: __m256d) -> __m256d {
        unsafe { _mm256_sub_pd(a, b) }
    }
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn mul(a: __m256d, b: __m256d) -> __m256d {
        unsafe { _mm256_mul_pd(a, b) }
    }
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn div(a: __m256d, b: __m256d) -> __m256d {
        unsafe { _mm256_div_pd(a, b) }
    }
    /// `-x`: the sign bit flipped.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn neg(x: __m256d) -> __m256d {
        unsafe { _mm256_xor_pd(x, _mm256_set1_pd(-0.0)) }
    }
    /// `|x|`: the sign bit cleared.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn abs(x: __m256d) -> __m256d {
        unsafe { _mm256_andnot_pd(_mm256_set1_pd(-0.0), x) }
    }
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn sqrt(x: __m256d) -> __m256d {
        unsafe { _mm256_sqrt_pd(x) }
    }
    /// `a <c> b ? t : e`, ordered (false for NaN).
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn select(c: Cmp, a: __m256d, b: __m256d, t: __m256d, e: __m256d) -> __m256d {
        unsafe {
            let m = match c {
                Cmp::Gt => _mm256_cmp_pd(a, b, _CMP_GT_OQ),
                Cmp::Lt => _mm256_cmp_pd(a, b, _CMP_LT_OQ),
                Cmp::Le => _mm256_cmp_pd(a, b, _CMP_LE_OQ),
            };
            _mm256_blendv_pd(e, t, m)
        }
    }
    /// `[p[0], p[2], p[4], p[6]]`.
    ///
    /// # Safety
    /// `p` must be valid for reading eight values.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn gather2(p: *const f64) -> __m256d {
        unsafe {
            let (lo, hi) = (_mm256_loadu_pd(p), _mm256_loadu_pd(p.add(4)));
            // [p0 p4 p2 p6] → [p0 p2 p4 p6]
            _mm256_permute4x64_pd(_mm256_unpacklo_pd(lo, hi), 0b11_01_10_00)
        }
    }
    /// `p[2j] = a[j] + 0.0`, `p[2j + 1] = b[j] + 0.0`.
    ///
    /// # Safety
    /// `p` must be valid for writing eight values.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn scatter2(p: *mut f64, a: __m256d, b: __m256d) {
        unsafe {
            let (x, y) = (_mm256_add_pd(a, zero()), _mm256_add_pd(b, zero()));
            let lo = _mm256_unpacklo_pd(x, y); // [x0 y0 x2 y2]
            let hi = _mm256_unpackhi_pd(x, y); // [x1 y1 x3 y3]
            _mm256_storeu_pd(p, _mm256_permute2f128_pd(lo, hi, 0x20));
            _mm256_storeu_pd(p.add(4), _mm256_permute2f128_pd(lo, hi, 0x31));
        }
    }
    /// `eˣ` of a tile by `exp`'s slice kernel (`Unary::Exp`'s, without the op dispatch)
    /// through a buffer on the stack.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn exp(x: [__m256d; R]) -> [__m256d; R] {
        let (mut buf, mut res) = ([[0.0f64; 4]; R], [[0.0f64; 4]; R]);
        // SAFETY: the buffers hold R registers of four values.
        unsafe {
            for (b, x) in buf.iter_mut().zip(x) {
                _mm256_storeu_pd(b.as_mut_ptr(), x);
            }
            crate::ops::exp::exp_slice(buf.as_flattened(), res.as_flattened_mut());
            std::array::from_fn(|r| _mm256_loadu_pd(res[r].as_ptr()))
        }
    }
    /// Adds a tile into the eight lanes at `l` (element i to lane i mod 8, in order).
    ///
    /// # Safety
    /// `l` must be valid for eight values.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn sum_into(l: *mut f64, x: &[__m256d; R]) {
        unsafe {
            let (mut l0, mut l1) = (_mm256_loadu_pd(l), _mm256_loadu_pd(l.add(4)));
            for q in 0..R / 2 {
                l0 = _mm256_add_pd(l0, x[2 * q]);
                l1 = _mm256_add_pd(l1, x[2 * q + 1]);
            }
            _mm256_storeu_pd(l, l0);
            _mm256_storeu_pd(l.add(4), l1);
        }
    }
}

/// AVX-512 helpers: eight values per register. Built with a compiler whose AVX-512
/// intrinsics are stable (Rust 1.89; `hesse_avx512`, set by the build script), so the MSRV
/// still builds the crate, without this executor.
#[cfg(all(target_arch = "x86_64", hesse_avx512))]
mod avx512 {
    // Built only with Rust ≥ 1.89 (see above); unsafe functions as in `avx2`.
    #![allow(clippy::incompatible_msrv, unused_unsafe)]

    use super::R;
    use crate::ops::unary::Cmp;
    use std::arch::x86_64::*;

    tile_prims!(__m512d, 8);

    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn zero() -> __m512d {
        unsafe { _mm512_setzero_pd() }
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn set1(x: f64) -> __m512d {
        unsafe { _mm512_set1_pd(x) }
    }
    /// # Safety
    /// `p` must be valid for reading eight values.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn load(p: *const f64) -> __m512d {
        unsafe { _mm512_loadu_pd(p) }
    }
    /// # Safety
    /// `p` must be valid for writing eight values.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn store(p: *mut f64, x: __m512d) {
        unsafe { _mm512_storeu_pd(p, x) }
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn add(a: __m512d, b: __m512d) -> __m512d {
        unsafe { _mm512_add_pd(a, b) }
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn sub(a: __m512d, b: __m512d) -> __m512d {
        unsafe { _mm512_sub_pd(a, b) }
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn mul(a: __m512d, b: __m512d) -> __m512d {
        unsafe { _mm512_mul_pd(a, b) }
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn div(a: __m512d, b: __m512d) -> __m512d {
        unsafe { _mm512_div_pd(a, b) }
    }
    /// `-x`: the sign bit flipped.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn neg(x: __m512d) -> __m512d {
        unsafe {
            let sign = _mm512_set1_epi64(i64::MIN);
            _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(x), sign))
        }
    }
    /// `|x|`: the sign bit cleared.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn abs(x: __m512d) -> __m512d {
        unsafe {
            let sign = _mm512_set1_epi64(i64::MIN);
            _mm512_castsi512_pd(_mm512_andnot_si512(sign, _mm512_castpd_si512(x)))
        }
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn sqrt(x: __m512d) -> __m512d {
        unsafe { _mm512_sqrt_pd(x) }
    }
    /// `a <c> b ? t : e`, ordered (false for NaN).
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn select(c: Cmp, a: __m512d, b: __m512d, t: __m512d, e: __m512d) -> __m512d {
        unsafe {
            let k = match c {
                Cmp::Gt => _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ),
                Cmp::Lt => _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ),
                Cmp::Le => _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ),
            };
            _mm512_mask_blend_pd(k, e, t)
        }
    }
    /// `[p[0], p[2], …, p[14]]`.
    ///
    /// # Safety
    /// `p` must be valid for reading sixteen values.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn gather2(p: *const f64) -> __m512d {
        unsafe {
            let (lo, hi) = (_mm512_loadu_pd(p), _mm512_loadu_pd(p.add(8)));
            let idx = _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0);
            _mm512_permutex2var_pd(lo, idx, hi)
        }
    }
    /// `p[2j] = a[j] + 0.0`, `p[2j + 1] = b[j] + 0.0`.
    ///
    /// # Safety
    /// `p` must be valid for writing sixteen values.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn scatter2(p: *mut f64, a: __m512d, b: __m512d) {
        unsafe {
            let (x, y) = (_mm512_add_pd(a, zero()), _mm512_add_pd(b, zero()));
            // Indices 0–7 pick x, 8–15 pick y.
            let lo = _mm512_permutex2var_pd(x, _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0), y);
            let hi = _mm512_permutex2var_pd(x, _mm512_set_epi64(15, 7, 14, 6, 13, 5, 12, 4), y);
            _mm512_storeu_pd(p, lo);
            _mm512_storeu_pd(p.add(8), hi);
        }
    }
    /// `eˣ` of a tile, register by register (`exp::exp_avx512`: `exp`'s bits).
    ///
    /// # Safety
    /// The CPU must support FMA and AVX2 too (so that `exp` is the FMA form).
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn exp(mut x: [__m512d; R]) -> [__m512d; R] {
        // (A loop, not `map`: a closure is not inlined into its AVX-512 caller.)
        for x in &mut x {
            // SAFETY: the caller's guarantee.
            *x = unsafe { crate::ops::exp::exp_avx512(*x) };
        }
        x
    }
    /// Adds a tile into the eight lanes at `l` (element i to lane i mod 8, in order).
    ///
    /// # Safety
    /// `l` must be valid for eight values.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn sum_into(l: *mut f64, x: &[__m512d; R]) {
        unsafe {
            let mut s = _mm512_loadu_pd(l);
            for &v in x {
                s = _mm512_add_pd(s, v);
            }
            _mm512_storeu_pd(l, s);
        }
    }
}

executor!(run_avx2, "avx2", avx2, __m256d, 4);
executor!(
    #[cfg(hesse_avx512)]
    #[allow(clippy::incompatible_msrv)]
    run_avx512,
    "avx512f",
    avx512,
    __m512d,
    8
);

/// Values per tile of the AVX2 and the AVX-512 executor.
pub(super) const W_AVX2: usize = R * 4;
#[cfg(hesse_avx512)]
pub(super) const W_AVX512: usize = R * 8;

#[cfg(all(test, target_arch = "x86_64", hesse_avx512))]
mod tests {
    use crate::{Tape, Var};

    /// Runs the tiled regions of the program of `f` at special values (its value, or with
    /// `grad` its value and gradient, whose store of the two columns is a tile instruction)
    /// with both executors and compares every bit of the arena and the sums.
    fn compare(f: for<'t> fn(Var<'t>, Var<'t>) -> Var<'t>, grad: bool) {
        let tape = Tape::new();
        let m = 300;
        let x0: Vec<f64> = (0..2 * m)
            .map(|i| match i % 17 {
                0 => 0.0,
                1 => -0.0,
                2 => f64::INFINITY,
                3 => f64::NAN,
                4 => -1e-310,
                _ => (i as f64 * 0.731).sin() * 3.0,
            })
            .collect();
        let x = tape.vector(&x0);
        let c = x.reshape(&[m, 2]);
        let y = f(c.slice(1, 0, 1), c.slice(1, 1, 1));
        let mut roots = vec![y.idx()];
        if grad {
            roots.push(tape.grad(y, &[x])[0].idx());
        }
        let inner = tape.inner.borrow();
        let mut on_x = vec![false; inner.nodes.len()];
        on_x[x.idx() as usize] = true;
        let reshape = crate::ops::Op::Layout(crate::ops::Layout::Reshape);
        let prog: Vec<u32> = (0..inner.nodes.len())
            .filter(|&i| {
                let node = &inner.nodes[i];
                on_x[i] |= node.inputs.iter().any(|&j| on_x[j as usize]);
                on_x[i] && !node.op.is_leaf() && node.op != reshape
            })
            .map(|i| i as u32)
            .collect();
        let pieces = super::super::plan(&inner, &prog, &roots, &|j| !on_x[j as usize], &|j| j);
        let mut tiled = 0;
        for p in &pieces {
            let super::super::Piece::Region(r) = p else {
                continue;
            };
            let Some(tp) = &r.tiles else { continue };
            tiled += 1;
            let runs: Vec<Vec<u64>> = (0..2)
                .map(|k| {
                    let mut vals = inner.values.clone();
                    let null = std::ptr::null_mut();
                    let v = [vals.as_mut_ptr(), null, null, null];
                    let mut lanes = [[-0.0f64; 8]; super::MAX_SUMS];
                    let end = (r.len - 1) / super::W_AVX512 * super::W_AVX512;
                    // SAFETY: the CPU has both; the region's steps lie inside the arena, and
                    // tiles before `end` read at most one element past their last row's.
                    unsafe {
                        if k == 0 {
                            super::run_avx2(tp, &v, end, 0, &mut lanes)
                        } else {
                            super::run_avx512(tp, &v, end, 0, &mut lanes)
                        }
                    };
                    let lanes = lanes.into_iter().flatten();
                    vals.iter().copied().chain(lanes).map(f64::to_bits).collect()
                })
                .collect();
            assert!(runs[0] == runs[1], "the executors differ");
            // Whole regions, the last partial tile padded (of 44 values with AVX-512, 12
            // with AVX2): the same bits.
            assert!(tp.pads());
            let runs: Vec<Vec<u64>> = [
                super::super::blocks::Route::Avx2 { pad: true },
                super::super::blocks::Route::Avx512 { pad: true },
            ]
            .into_iter()
            .map(|route| {
                let mut vals = inner.values.clone();
                let null = std::ptr::null_mut();
                // SAFETY: the CPU has both; the region's steps lie inside the arena.
                unsafe { r.run_x86(&[vals.as_mut_ptr(), null, null, null], route) };
                vals.iter().map(|x| x.to_bits()).collect()
            })
            .collect();
            assert!(runs[0] == runs[1], "the padded tiles differ");
        }
        assert!(tiled > 0, "{pieces:?}");
    }

    /// The AVX2 and AVX-512 executors give the same bits, on regions of every tile
    /// instruction at signed zeros, infinities, NaNs and subnormals (the block executor's
    /// bits are checked against the eager tape by `tests/fused.rs`).
    #[test]
    fn the_avx2_and_avx512_tiles_agree_bit_for_bit() {
        if !(std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("fma")) {
            return;
        }
        compare(
            |a, b| {
                let t = (-(a * 2.5)).abs().square() + (1.0 - b) / 3.0;
                let u = (t.recip() * a - b * 0.5) / (b + 0.25) + 2.0 / t;
                (u * t).sum() + (a - u).sum()
            },
            false,
        );
        compare(
            |a, b| {
                let t = (-(a * 2.5)).square() + (1.0 - b) / 3.0;
                let u = (t * a - b * 0.5) / (b + 0.25) + (b - t);
                (u * t).sum() + (a - u * b).sum()
            },
            true,
        );
        // Kernels on the tile (exp, tanh, powi, sigmoid) between cheap steps.
        compare(
            |a, b| {
                let t = (a * 0.5).exp() * b.tanh() - a.powi(3) / (b.square() + 1.0);
                (t.sigmoid() * a).sum() + (b - t).sum()
            },
            true,
        );
    }
}
