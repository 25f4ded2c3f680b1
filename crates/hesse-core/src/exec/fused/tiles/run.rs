//! Running tile programs: the executor of each instruction set (`run_avx2`, `run_avx512`),
//! tile by tile with the accumulator in registers and the last partial tile padded.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

#[cfg(target_arch = "x86_64")]
use super::avx2;
#[cfg(all(target_arch = "x86_64", hesse_avx512))]
use super::avx512;
use super::program::{MAX_SCALARS, MAX_SLOTS, PAD_TILES, Program, R, Slot, TOp};
use crate::exec::fused::step::{BUFS, MAX_SUMS, MAX_TEMPS, ptr};
use crate::ops::reduce::SUM_LANES;

/// `[e; R]` for r in 0..R, with `r` bound in `e`: a loop, which the compiler unrolls (faster
/// than `std::array::from_fn` and closures, whose code for the tile executor's ops is worse;
/// BENCHMARKS.md, "Measured design decisions").
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
        /// Runs a tile program over the elements `start..start + end` (`end` a multiple of
        /// the tile, `R` registers of values) and, if `tail` > 0, over the `tail` ≤ W
        /// elements after them as one padded tile (see [`Padded`](super::program::Padded)),
        /// adding element `start + j` of a sum into lane j mod 8 of `lanes`. The whole tiles
        /// store the slots of `stream` (bit k: slot k) non-temporally, then fence
        /// (`crate::streaming`).
        ///
        /// # Safety
        /// The CPU must support the instruction set (AVX-512 with FMA and AVX2, for its
        /// `exp`, see `avx512::exp`); each buffer `v[k]` holds every element
        /// the program touches for elements `start..start + end` (a gather of a tile reads up
        /// to one element past its last row's) and for elements `start..start + end + tail`;
        /// the point and direction buffers are not written; `tail` is 0 unless the program
        /// pads; each slot of `stream` is 64-byte aligned at element `start`.
        $(#[$attr])*
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $feat)]
        pub(in crate::exec::fused) unsafe fn $name(
            prog: &Program,
            v: &[*mut f64; BUFS],
            start: usize,
            end: usize,
            tail: usize,
            stream: u64,
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
                        Slot::Mem(a, scale) => (ptr(v, a, start * scale as usize), scale as usize),
                        Slot::Scalar(a) => {
                            let tile = st.add(scalars);
                            tile.write([$m::set1(*ptr(v, a, 0)); R]);
                            scalars += 1;
                            (tile.cast::<f64>(), 0)
                        }
                    };
                }
                // Streaming runs prefetch what they read (`crate::streaming::PREFETCH` bytes
                // ahead of each tile, a line at a time): `Program::prefetched`.
                let ahead: Vec<(*const f64, usize)> = match stream {
                    0 => Vec::new(),
                    _ => prog
                        .prefetched()
                        .into_iter()
                        .map(|k| (tab[k as usize].0.cast_const(), tab[k as usize].1))
                        .collect(),
                };
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
                // Whether slot `s` is stored non-temporally here: a streamed slot, in a whole
                // tile (the padded one stores to scratch).
                macro_rules! streamed {
                    ($s:expr) => {
                        !padded && stream >> $s & 1 == 1
                    };
                }
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
                                std::ptr::copy_nonoverlapping(ptr(v, p.at, s * (start + end)), q, k);
                                let last = *q.add(k - 1);
                                for j in k..s * W {
                                    *q.add(j) = last;
                                }
                            }
                            *tab.add(p.slot as usize) = (q, s);
                        }
                        (c0, padded) = (0, true);
                    }
                    if !padded {
                        for &(p, scale) in &ahead {
                            // (Addresses past the buffer are hints only: `wrapping_add`.)
                            let p = p.wrapping_add((c0 + (crate::streaming::PREFETCH / 8) / scale) * scale);
                            for line in (0..W * scale).step_by(8) {
                                _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(line).cast::<i8>());
                            }
                        }
                    }
                    for op in &prog.ops {
                        match *op {
                            TOp::Load(s) => acc = get!(s, c0),
                            TOp::Store(s) => {
                                let (q, nt) = (at!(s, c0), streamed!(s));
                                for (r, x) in acc.iter().enumerate() {
                                    if nt {
                                        $m::stream(q.add(L * r), *x);
                                    } else {
                                        $m::store(q.add(L * r), *x);
                                    }
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
                                let (q, nt) = (at!(s, c0), streamed!(s));
                                for (r, x) in x.iter().enumerate() {
                                    if nt {
                                        $m::stream(q.add(L * r), $m::add(*x, zero));
                                    } else {
                                        $m::store(q.add(L * r), $m::add(*x, zero));
                                    }
                                }
                            }
                            TOp::Scatter2 { a, b, at: s } => {
                                let a = or_acc!(a);
                                let b = or_acc!(b);
                                let (q, nt) = (at!(s, c0), streamed!(s));
                                for r in 0..R {
                                    if nt {
                                        $m::scatter2::<true>(q.add(2 * L * r), a[r], b[r]);
                                    } else {
                                        $m::scatter2::<false>(q.add(2 * L * r), a[r], b[r]);
                                    }
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
                            std::ptr::copy_nonoverlapping(q, ptr(v, p.at, s * (start + end)), s * tail);
                        }
                    }
                }
                if stream != 0 {
                    // Non-temporal stores are weakly ordered: visible to other threads
                    // before what follows (a lock's release does not order them).
                    _mm_sfence();
                }
            }
        }
    };
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
pub(in crate::exec::fused) const W_AVX2: usize = R * 4;
#[cfg(hesse_avx512)]
pub(in crate::exec::fused) const W_AVX512: usize = R * 8;

#[cfg(all(test, target_arch = "x86_64", hesse_avx512))]
mod tests {
    use crate::{Tape, Var};

    /// Runs the tiled regions of the program of `f` at special values (its value, or with
    /// `grad` its value and gradient, whose store of the two columns is a tile instruction)
    /// with both executors and compares every bit of the arena and the sums.
    fn compare(f: &dyn for<'t> Fn(Var<'t>, Var<'t>) -> Var<'t>, grad: bool) {
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
        let pieces = crate::exec::fused::plan(&inner, &prog, &roots, &|j| !on_x[j as usize], &|j| j);
        let mut tiled = 0;
        for p in &pieces {
            let crate::exec::fused::Piece::Region(r) = p else {
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
                            super::run_avx2(tp, &v, 0, end, 0, 0, &mut lanes)
                        } else {
                            super::run_avx512(tp, &v, 0, end, 0, 0, &mut lanes)
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
                crate::exec::fused::blocks::Route::Avx2 { pad: true },
                crate::exec::fused::blocks::Route::Avx512 { pad: true },
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
            &|a, b| {
                let t = (-(a * 2.5)).abs().square() + (1.0 - b) / 3.0;
                let u = (t.recip() * a - b * 0.5) / (b + 0.25) + 2.0 / t;
                (u * t).sum() + (a - u).sum()
            },
            false,
        );
        compare(
            &|a, b| {
                let t = (-(a * 2.5)).square() + (1.0 - b) / 3.0;
                let u = (t * a - b * 0.5) / (b + 0.25) + (b - t);
                (u * t).sum() + (a - u * b).sum()
            },
            true,
        );
        // Kernels on the tile (exp, tanh, powi, sigmoid) between cheap steps.
        compare(
            &|a, b| {
                let t = (a * 0.5).exp() * b.tanh() - a.powi(3) / (b.square() + 1.0);
                (t.sigmoid() * a).sum() + (b - t).sum()
            },
            true,
        );
    }

    /// Every registered op, through its lowering on tiles of registers (primitives, selects,
    /// call-outs to its slice kernel): the AVX2 and AVX-512 executors agree bit for bit,
    /// value and gradient, at the special values of `compare`.
    #[test]
    fn every_registered_op_agrees_on_both_tile_executors() {
        if !(std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("fma")) {
            return;
        }
        for u in crate::ops::Unary::all() {
            compare(
                &move |a, b| (a.apply(u) * b).sum() + (b - a * 0.5).apply(u).sum(),
                true,
            );
        }
    }
}
