//! Running a region: the route for this CPU (the block executor, the tile executors of
//! `tiles/`, the machine code of `native.rs`) and the block executor itself, which runs
//! every step's own kernel over blocks of [`CHUNK`] elements in a scratch buffer kept in L1.

use super::bind::Io;
#[cfg(all(target_arch = "x86_64", feature = "jit"))]
use super::native;
use super::region::Region;
use super::step::{BUFS, CHUNK, Dest, MAX_SUMS, MAX_TEMPS, Operand, Step, ptr};
#[cfg(target_arch = "x86_64")]
use super::tiles;
use crate::ops::reduce::{self, SUM_LANES};

/// How a region runs on x86-64: by blocks alone, or by tiles (the AVX2 or the AVX-512 tile
/// executor) and the rest as one padded tile (`pad`) or by blocks.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug)]
pub(super) enum Route {
    Blocks,
    Avx2 {
        pad: bool,
    },
    #[cfg(hesse_avx512)]
    Avx512 {
        pad: bool,
    },
    /// The region's machine code (`exec/fused/native.rs`) where it has some and it does not stop,
    /// else the tile route (tests: the route of replays).
    #[cfg(all(test, feature = "jit"))]
    Native,
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

/// Runs `run` — a run of the region's elements from `head` on, which adds element
/// `head + j` of a sum into lane j mod 8 of the lanes it is given — with the sums' lanes
/// rotated by `head`, so that element i still goes to lane i mod 8, in element order, as
/// in a run from element 0 (`reduce::sum`'s lanes): the streaming runs start after a head
/// that aligns their stores (`crate::streaming`).
#[cfg(target_arch = "x86_64")]
fn from_head<R>(
    acc: &mut [[f64; SUM_LANES]; MAX_SUMS],
    head: usize,
    run: impl FnOnce(&mut [[f64; SUM_LANES]; MAX_SUMS]) -> R,
) -> R {
    acc.iter_mut().for_each(|l| l.rotate_left(head));
    let out = run(acc);
    acc.iter_mut().for_each(|l| l.rotate_right(head));
    out
}

impl Region {
    /// The region's machine code, assembled on the first call (see the field).
    #[cfg(all(target_arch = "x86_64", feature = "jit"))]
    fn native(&self) -> Option<&native::Code> {
        // Only where the run-time setting allows generated code and AVX-512 (`crate::native`);
        // otherwise the tile route, which follows the setting's instruction set.
        if !native::available() {
            return None;
        }
        self.native
            .get_or_init(|| self.tiles.as_ref().and_then(|p| native::compile(p, self.len, 0)))
            .as_deref()
    }

    /// Runs the region on the arena, block by block: with AVX2 where the CPU has it (the
    /// same IEEE operations four lanes at a time, so the same bits), else with the baseline
    /// instruction set.
    /// The region reads and writes the caller's buffers of `io` where [`bind`] bound it to
    /// them.
    ///
    /// [`bind`]: fn@super::bind
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
            self.run_blocks::<false>(&v, 0, self.len, &mut acc);
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
    /// (the region is then to be run by another route, see `exec/fused/native.rs`).
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
        // SAFETY: the CPU runs the code (it exists only then); the caller's guarantees; the
        // streamed code's slots are aligned at `head` (`streaming`).
        let done = unsafe {
            match self.streaming(prog, v) {
                None => code.run(prog, v, 0, self.len, &mut acc),
                Some((head, streamed)) => {
                    // The first `head` elements with ordinary stores, the rest streamed.
                    (head == 0 || code.run(prog, v, 0, head, &mut acc))
                        && from_head(&mut acc, head, |acc| streamed.run(prog, v, head, self.len, acc))
                }
            }
        };
        if done {
            // SAFETY: as above.
            unsafe { self.finish_sums(v, &acc) };
        }
        done
    }

    /// Whether this run stores non-temporally (see [`crate::streaming`]): the region moves at
    /// least the threshold's bytes and some slot it only writes can be 64-byte aligned by
    /// running a head of fewer than 8 elements first. Then the head, the one that aligns the
    /// most of these slots' values (the fewest elements among equals), and the slots it
    /// aligns (bit k: slot k).
    #[cfg(target_arch = "x86_64")]
    fn stream_plan(&self, prog: &tiles::Program, v: &[*mut f64; BUFS]) -> Option<(usize, u64)> {
        let min = crate::streaming::min_bytes()?;
        let moved: usize = prog
            .slots
            .iter()
            .map(|s| match *s {
                tiles::Slot::Mem(_, k) => 8 * k as usize * self.len,
                _ => 0,
            })
            .sum();
        if moved < min {
            return None;
        }
        // Each streamable slot's address and bytes per element.
        let slots: Vec<(u16, usize, usize)> = prog
            .streamable()
            .map(|(s, k)| {
                let tiles::Slot::Mem(at, _) = prog.slots[s as usize] else {
                    unreachable!("a streamable slot is a buffer slot")
                };
                // SAFETY: the slot's position lies inside its buffer (the caller's guarantee).
                (s, unsafe { ptr(v, at, 0) } as usize, 8 * k)
            })
            .collect();
        let (head, stream, _) = (0..SUM_LANES.min(self.len))
            .map(|h| {
                let aligned = slots.iter().filter(|&&(_, a, b)| (a + b * h) % 64 == 0);
                let mask = aligned.clone().fold(0u64, |m, &(s, _, _)| m | 1 << s);
                (h, mask, aligned.map(|&(_, _, b)| b).sum::<usize>())
            })
            .max_by_key(|&(h, _, bytes)| (bytes, std::cmp::Reverse(h)))?;
        (stream != 0).then_some((head, stream))
    }

    /// The head and the streaming machine code of this run, if it streams (see
    /// [`Region::stream_plan`]).
    #[cfg(all(target_arch = "x86_64", feature = "jit"))]
    fn streaming(
        &self,
        prog: &tiles::Program,
        v: &[*mut f64; BUFS],
    ) -> Option<(usize, std::sync::Arc<native::Code>)> {
        let (head, stream) = self.stream_plan(prog, v)?;
        Some((head, self.streamed.get(prog, self.len, stream)?))
    }

    /// Runs the region by `route`.
    ///
    /// # Safety
    /// The CPU must support AVX2, and AVX-512 for an AVX-512 route; a tile route needs the
    /// tile program, and a padded one a program that pads; as [`Region::run_blocks`].
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn run_x86(&self, v: &[*mut f64; BUFS], route: Route) {
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
                // Streaming (with a padded last tile, which stores to scratch): the head by
                // blocks, then the tiles from it (`from_head`).
                let (head, stream) = match pad {
                    true => self.stream_plan(prog, v).unwrap_or((0, 0)),
                    false => (0, 0),
                };
                if head > 0 {
                    // SAFETY: the caller's guarantees.
                    unsafe { self.run_blocks::<true>(v, 0, head, &mut acc) };
                }
                // Whole tiles, the last of which must not reach past the region's last row:
                // a column gather reads one element past its tile's last row, which exists
                // before the last row. Then the rest as one padded tile, or by blocks.
                let rest = self.len - head;
                let end = if prog.reads_past {
                    (rest - 1) / w * w
                } else {
                    rest / w * w
                };
                let tail = if pad { rest - end } else { 0 };
                // SAFETY: the CPU supports the route's instruction set (the caller's
                // guarantee); the buffers are long enough for every element the steps touch
                // for elements 0..len (`need`, the caller's guarantee), and a tile before
                // `head + end` reads at most one element past its last row's, before row
                // len − 1's; the streamed slots are 64-byte aligned at `head` (`stream_plan`).
                from_head(&mut acc, head, |acc| unsafe {
                    match route {
                        #[cfg(hesse_avx512)]
                        Route::Avx512 { .. } => tiles::run_avx512(prog, v, head, end, tail, stream, acc),
                        _ => tiles::run_avx2(prog, v, head, end, tail, stream, acc),
                    }
                });
                head + end + tail
            }
            _ => 0,
        };
        if start < self.len {
            unsafe { self.run_blocks::<true>(v, start, self.len, &mut acc) };
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

    /// The blocks of elements `start..end` (`start` a multiple of the sum lanes), the sums
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
        end: usize,
        acc: &mut [[f64; SUM_LANES]; MAX_SUMS],
    ) {
        let mut scratch = std::mem::MaybeUninit::<[f64; CHUNK * MAX_TEMPS]>::uninit();
        let t = scratch.as_mut_ptr().cast::<f64>();
        // SAFETY: the part of the first `temps` blocks of the scratch buffer that the blocks
        // use (the only part sliced) is initialised before any slice of it is made.
        let used = CHUNK.min(end.saturating_sub(start));
        for k in 0..self.temps {
            unsafe { t.add(k * CHUNK).write_bytes(0, used) };
        }
        let mut c0 = start;
        while c0 < end {
            let n = CHUNK.min(end - c0);
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
                        // Blocks start at multiples of the lane count (from 0 or `start`), so
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

/// Every x86-64 route of a region (blocks; AVX2 and AVX-512 tiles with the rest by blocks
/// or as a padded tile) gives the block executor's bits, at every length.
#[cfg(all(test, target_arch = "x86_64"))]
mod route_tests {
    use super::super::region::Region;
    use super::super::step::{At, Dest, Operand, Step, arena};
    use super::Route;
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
        if super::super::native::available() {
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
        if !super::super::native::available() {
            return;
        }
        // Both reads of `exp`'s table (`native::fast_gathers`), whichever this CPU uses.
        for gathers in [false, true] {
            crate::native::with_gathers(gathers, || native_at_every_length(gathers));
        }
    }

    #[cfg(feature = "jit")]
    fn native_at_every_length(gathers: bool) {
        for m in 1..=300 {
            let (r, special) = region_ending(m, Unary::Recip);
            let code = r.native().expect("machine code");
            let want = run(&r, &special, Route::Blocks);
            assert!(
                run(&r, &special, Route::Native) == want,
                "m = {m}, special values, gathers {gathers}"
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
            assert!(bits(&vals) == want, "m = {m}, smooth values, gathers {gathers}");
        }
    }

    /// Streaming (`crate::streaming`, threshold 0; issue 21) on every route against the blocks, at every
    /// length from 1 to 160 and every alignment of the arena (so every head, 0 to 7
    /// elements, and slots that one head aligns and others it does not): the regions store
    /// two interleaved columns and two halves that nothing reads back (streamed) and a
    /// result they read back (not streamed), and have three sums (lanes rotated around the
    /// head); one ends in `1/x` (machine code), one in `tanh` (tile executors). On smooth
    /// values the machine code runs to the end; with special values `exp` stops it (in the
    /// head or the streamed part) and the tile route runs the region from the start.
    #[test]
    fn streaming_gives_the_blocks_bits_at_every_length_and_alignment() {
        // About this CPU's native kernels, whatever `HESSE_NATIVE` says for the suite.
        crate::native::scoped(crate::native::Native::ON, || {
            if !std::arch::is_x86_feature_detected!("avx2") {
                return;
            }
            let routes = tile_routes(&[false, true]);
            #[allow(unused_mut)] // (without the `jit` feature)
            let mut streamed = std::collections::HashSet::new();
            for m in 1..=160 {
                for last in [Unary::Recip, Unary::Tanh] {
                    let (r, special) = region_ending(m, last);
                    let mut smooth = values(special.len(), m as u64 + 1, usize::MAX);
                    smooth[3 * m] = 0.25;
                    for vals in [&special, &smooth] {
                        let want = run(&r, vals, Route::Blocks);
                        let mut buf = vec![0.0; vals.len() + 8];
                        for line in 0..8 {
                            // The arena at `line` 8-byte words past a 64-byte boundary.
                            let d = (8 + line - (buf.as_ptr() as usize % 64) / 8) % 8;
                            for &route in &routes {
                                buf[d..d + vals.len()].copy_from_slice(vals);
                                let null = std::ptr::null_mut();
                                crate::streaming::scoped(Some(0), || {
                                    // SAFETY: as in `run`.
                                    unsafe { r.run_x86(&[buf[d..].as_mut_ptr(), null, null, null], route) }
                                });
                                assert!(
                                    bits(&buf[d..d + vals.len()]) == want,
                                    "m = {m}, {last:?}, {route:?}, arena at word {line} of a line"
                                );
                            }
                        }
                    }
                    #[cfg(feature = "jit")]
                    streamed.extend(r.streamed.lock().iter().map(|(mask, _)| *mask));
                }
            }
            // Each of the three streamable slots streamed, alone and with others.
            #[cfg(feature = "jit")]
            assert!(
                streamed.len() >= 4 || !super::super::native::available(),
                "{streamed:?}"
            );
        })
    }

    /// Machine code with one vector per loop iteration (twelve temporaries live at once) and
    /// with four (two temporaries), against the blocks at every length from 1 to 100.
    #[cfg(feature = "jit")]
    #[test]
    fn machine_code_with_one_and_four_vectors_gives_the_blocks_bits() {
        if !super::super::native::available() {
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
            // Both reads of `exp`'s table (`native::fast_gathers`), whichever this CPU uses.
            for gathers in [false, true] {
                crate::native::with_gathers(gathers, || {
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
                            let got = run(&r, &vals, route);
                            assert!(got == want, "m = {m}, {route:?}, gathers {gathers}");
                        }
                    }
                })
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
