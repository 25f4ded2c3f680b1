//! Small, skinny and narrow matrix products without packing.
//!
//! A blocked GEMM (`matrixmultiply::dgemm`) copies panels of both operands into aligned
//! buffers before its micro-kernel runs. For the products an MLP's value, gradient and HVP
//! make around the narrow layers — `X·W₁` with an inner dimension of 2, `h₂·w₃` with one
//! output column, the rank-1 `g·w₃ᵀ`, `Xᵀ·δ₁` with two output rows, and every product of a
//! 300×10 layer in a small Hessian — that copy and the partial-tile handling cost more than
//! the arithmetic (BENCHMARKS.md, "Measured design decisions").
//! This kernel reads the operands in place through their strides and keeps a tile of
//! outputs in registers while it walks the inner dimension, in blocks of 128 indices so that
//! the right operand's rows stay in cache. It also takes the products with at most 64
//! output columns (the 1000×50·50×50 layers, [`takes`]): built for AVX-512F it is faster
//! there than the blocked GEMM's AVX2/FMA micro-kernel on the W3 machine, and, unlike it,
//! its summation order is fixed (below). With AVX-512, products whose right operand and
//! output have unit column stride and at least 8 columns run on the 8×24 register tiles of
//! `gemm/avx512.rs` (same order, same bits).
//!
//! # Summation order
//! Every output is the left-to-right sum over the inner index. On x86-64 CPUs with AVX2 and
//! FMA (every AVX-512 CPU among them) each term after the first is added by a fused
//! multiply-add, rounded once:
//!
//! `c_ij = fma(a_i,k−1, b_k−1,j, …fma(a_i2, b_2j, fma(a_i1, b_1j, a_i0·b_0j)))`
//!
//! and elsewhere each product is rounded first, `(…(a_i0·b_0j + a_i1·b_1j) + …) +
//! a_i,k−1·b_k−1,j` (Rust never contracts `a·b + c` on its own). The fused form is what the
//! peers' GEMMs compute, and it is faster on W3's 1000×50·50×50 products (one instruction
//! per multiply-add instead of two; BENCHMARKS.md, "Measured design decisions"). The tiles only decide which outputs are computed side by side, never the
//! order of one output's terms, so the result does not depend on the tile sizes, on the
//! blocking of the inner index (a partial sum is stored and reloaded unchanged), on the width
//! of the vectors (the AVX2 and AVX-512 builds perform the same IEEE operations) or on whether
//! the product is computed as `C` or as `Cᵀ = op(B)ᵀ·op(A)ᵀ` (the same terms, `a·b = b·a`
//! exactly). Eager evaluation and replays run this same kernel, so they agree bit for bit; two
//! machines agree when both have FMA or both lack it (as for `exp`, see `ops/exp.rs`).

use std::mem::MaybeUninit;

#[cfg(all(target_arch = "x86_64", hesse_avx512))]
mod avx512;
mod strided;

pub(crate) use strided::Strided;

/// The output: element (i, j) at `p + i·rs + j·cs`.
#[derive(Clone, Copy)]
struct Out {
    p: *mut f64,
    rs: isize,
    cs: isize,
}

/// Largest `k·n` of a right operand that is copied into a row-major stack buffer when
/// neither orientation reads it with unit column stride (32 KB of stack).
const PACK: usize = 4096;

/// Inner indices per block: a block of `B`'s rows (`KC·n` values, 50 KB for n = 50) stays in
/// cache while all of `A`'s row blocks pass over it.
const KC: usize = 128;

/// Widest output this kernel takes when the product is not small or skinny: its column
/// tiles walk a block of `B`'s full rows, which must stay in cache.
const MAX_N: usize = 64;

/// Whether [`gemm`] takes an m×k·k×n product whose right operand is read with unit column
/// stride (`b_rows`) or not: any dimension up to 4 (skinny: packing is pure overhead), little
/// work overall (a 300×10·10×10 layer), or an output at most [`MAX_N`] wide whose right
/// operand is read in rows or copied to the stack (the W3 layers, 1000×50·50×50 and
/// (1000×50)ᵀ·(1000×50): faster than the blocked GEMM with the AVX-512 build, and in the
/// documented order). Wider products stay on the blocked GEMM.
pub(crate) fn takes(m: usize, k: usize, n: usize, b_rows: bool) -> bool {
    m.min(k).min(n) <= 4
        || m.saturating_mul(k).saturating_mul(n) <= 1 << 16
        || (n <= MAX_N && (b_rows || k * n <= PACK))
}

/// `C = A·B` for an m×k `A` and a k×n `B` read through strides, into the row-major m×n
/// `c` (which must not overlap the operands), with the summation order of the module docs.
///
/// # Safety
/// `k ≥ 1`; every element (i, p) of `a` for i < m, p < k and (p, j) of `b` for p < k,
/// j < n is readable; `c` is valid for m·n writes.
pub(crate) unsafe fn gemm(m: usize, k: usize, n: usize, a: Strided, b: Strided, c: *mut f64) {
    debug_assert!(k >= 1);
    #[cfg(target_arch = "x86_64")]
    if fma() {
        #[cfg(hesse_avx512)]
        if crate::native::avx512() {
            // SAFETY: the CPU supports AVX-512F and FMA (checked just above); the rest is
            // the caller's.
            return unsafe { gemm_avx512(m, k, n, a, b, c) };
        }
        // SAFETY: the CPU supports AVX2 and FMA (`fma`); the rest is the caller's.
        return unsafe { gemm_avx2_fma(m, k, n, a, b, c) };
    }
    #[cfg(target_arch = "x86_64")]
    if crate::native::avx2() {
        // SAFETY: the CPU supports AVX2 (checked just above); the rest is the caller's.
        return unsafe { gemm_avx2(m, k, n, a, b, c) };
    }
    // SAFETY: the caller's.
    unsafe { gemm_any::<false, false>(m, k, n, a, b, c) }
}

/// Whether the products add each term by a fused multiply-add: on x86-64 CPUs with AVX2 and
/// FMA (every AVX-512 CPU among them) when the run-time setting allows AVX2
/// (`crate::native`), see the module docs.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(crate) fn fma() -> bool {
    crate::native::fma()
}

/// # Safety
/// As [`gemm`], and the CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn gemm_avx2(m: usize, k: usize, n: usize, a: Strided, b: Strided, c: *mut f64) {
    // SAFETY: the caller's.
    unsafe { gemm_any::<false, false>(m, k, n, a, b, c) }
}

/// # Safety
/// As [`gemm`], and the CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gemm_avx2_fma(m: usize, k: usize, n: usize, a: Strided, b: Strided, c: *mut f64) {
    // SAFETY: the caller's.
    unsafe { gemm_any::<true, false>(m, k, n, a, b, c) }
}

/// # Safety
/// As [`gemm`], and the CPU must support AVX-512F and FMA. Row blocks of eight rows (eight
/// accumulator registers of eight columns: with AVX2's sixteen registers they would spill):
/// W3's 1000×50·50×50 at 7.2 multiply-adds per cycle instead of 6.8 with blocks of four
/// (Zen 4). Products with rows of at least 8 columns take the tiles of `gemm/avx512.rs`.
#[cfg(all(target_arch = "x86_64", hesse_avx512))]
#[target_feature(enable = "avx512f,fma")]
unsafe fn gemm_avx512(m: usize, k: usize, n: usize, a: Strided, b: Strided, c: *mut f64) {
    // SAFETY: the caller's.
    unsafe { gemm_any::<true, true>(m, k, n, a, b, c) }
}

/// Chooses the orientation (`C` or `Cᵀ`) that reads the right operand's rows with unit
/// stride, copying it to the stack when neither does.
#[inline(always)]
unsafe fn gemm_any<const FMA: bool, const ROWS8: bool>(
    m: usize,
    k: usize,
    n: usize,
    a: Strided,
    b: Strided,
    c: *mut f64,
) {
    let out = Out {
        p: c,
        rs: n as isize,
        cs: 1,
    };
    // SAFETY (all calls): the caller's bounds, and the transposed views address the same
    // elements; a one-column right operand is read at column 0 only.
    unsafe {
        // Vector tiles run along n when B's rows have unit stride, along m (computing Cᵀ)
        // when A's columns do; a product with fewer than four columns prefers the latter.
        // Otherwise a wide m prefers copying B to the stack (Cᵀ would have m columns).
        let direct = b.cs == 1 || n == 1;
        let transposed = a.rs == 1 || m == 1;
        let skinny_t = transposed && n < 4 && m > n;
        if direct && !skinny_t {
            return run::<FMA, ROWS8>(m, k, n, a, b, out);
        }
        // Cᵀ = op(B)ᵀ·op(A)ᵀ: n×k times k×m, written to C transposed.
        let bt = Strided {
            p: b.p,
            rs: b.cs,
            cs: b.rs,
        };
        let at = Strided {
            p: a.p,
            rs: a.cs,
            cs: a.rs,
        };
        let out_t = Out {
            p: c,
            rs: 1,
            cs: n as isize,
        };
        if skinny_t || (transposed && (m <= MAX_N || k * n > PACK)) {
            return run::<FMA, ROWS8>(n, k, m, bt, at, out_t);
        }
        if k * n <= PACK {
            // Uninitialised: zeroing 32 KB would cost more than the copy; only the first
            // k·n entries are written and read.
            let mut buf = [const { MaybeUninit::<f64>::uninit() }; PACK];
            for p in 0..k {
                for j in 0..n {
                    buf[p * n + j].write(*b.p.offset(p as isize * b.rs + j as isize * b.cs));
                }
            }
            let packed = Strided {
                p: buf.as_ptr().cast::<f64>(),
                rs: n as isize,
                cs: 1,
            };
            return run::<FMA, ROWS8>(m, k, n, a, packed, out);
        }
        // Strided on both sides and too large to copy: one column at a time (correct, slow;
        // `takes` keeps large products on the blocked GEMM, so this is a corner case).
        run::<FMA, ROWS8>(m, k, n, a, b, out)
    }
}

/// Blocks of [`KC`] inner indices (so that a block of `B`'s rows stays in cache while every
/// row block of `A` passes over it), each over row blocks of 8 (one-column products, or
/// every product with `ROWS8`), 4, 2 and 1 rows.
#[inline(always)]
unsafe fn run<const FMA: bool, const ROWS8: bool>(
    m: usize,
    k: usize,
    n: usize,
    a: Strided,
    b: Strided,
    c: Out,
) {
    #[cfg(all(target_arch = "x86_64", hesse_avx512))]
    if ROWS8 && n >= 8 && b.cs == 1 && c.cs == 1 {
        // SAFETY: `ROWS8` is the AVX-512 build (`gemm_avx512`, on a CPU with AVX-512F and
        // FMA); the output is row-major with row stride `c.rs` = n; the rest is the caller's.
        return unsafe { avx512::gemm_rows(m, k, n, a, b, c.p, c.rs as usize) };
    }
    let mut p0 = 0;
    while p0 < k {
        let ps = (p0, (p0 + KC).min(k));
        let mut i = 0;
        // SAFETY (all calls): rows i..i+MR < m, columns inside n (see `row_block`).
        unsafe {
            if n < 4 || ROWS8 {
                while i + 8 <= m {
                    row_block::<8, FMA>(i, ps, n, a, b, c);
                    i += 8;
                }
            }
            while i + 4 <= m {
                row_block::<4, FMA>(i, ps, n, a, b, c);
                i += 4;
            }
            while i + 2 <= m {
                row_block::<2, FMA>(i, ps, n, a, b, c);
                i += 2;
            }
            while i < m {
                row_block::<1, FMA>(i, ps, n, a, b, c);
                i += 1;
            }
        }
        p0 = ps.1;
    }
}

/// Rows `i..i + MR`, column tiles of 16 (for at most two rows), 8, 4, 2 and 1 columns. The
/// vector tiles need `b.cs == 1`; otherwise every tile is one column wide.
#[inline(always)]
unsafe fn row_block<const MR: usize, const FMA: bool>(
    i: usize,
    (p0, p1): (usize, usize),
    n: usize,
    a: Strided,
    b: Strided,
    c: Out,
) {
    let a = Strided {
        p: a.p.wrapping_offset(i as isize * a.rs),
        ..a
    };
    let c = Out {
        p: c.p.wrapping_offset(i as isize * c.rs),
        ..c
    };
    let at = |j: usize| {
        (
            Strided {
                p: b.p.wrapping_offset(j as isize * b.cs),
                ..b
            },
            Out {
                p: c.p.wrapping_offset(j as isize * c.cs),
                ..c
            },
        )
    };
    let mut j = 0;
    // SAFETY (all calls): the tile's rows and columns lie inside m×n and k×n.
    unsafe {
        if b.cs == 1 {
            if MR <= 2 {
                while j + 16 <= n {
                    let (b, c) = at(j);
                    tile::<MR, 16, FMA>(p0, p1, a, b, c);
                    j += 16;
                }
            }
            while j + 8 <= n {
                let (b, c) = at(j);
                tile::<MR, 8, FMA>(p0, p1, a, b, c);
                j += 8;
            }
            while j + 4 <= n {
                let (b, c) = at(j);
                tile::<MR, 4, FMA>(p0, p1, a, b, c);
                j += 4;
            }
            while j + 2 <= n {
                let (b, c) = at(j);
                tile::<MR, 2, FMA>(p0, p1, a, b, c);
                j += 2;
            }
        }
        while j < n {
            let (b, c) = at(j);
            tile::<MR, 1, FMA>(p0, p1, a, b, c);
            j += 1;
        }
    }
}

/// One MR×NR tile of outputs over the inner indices `p0..p1`, in order (see the module
/// docs): the accumulators start from the first product when `p0 = 0`, else from the
/// partial sums the previous block stored in `c` (a store and a reload do not change a
/// value, so blocking the inner index keeps every output's order of additions). `b` is read
/// at columns `0..NR` with unit stride (one column when NR = 1).
#[inline(always)]
unsafe fn tile<const MR: usize, const NR: usize, const FMA: bool>(
    p0: usize,
    p1: usize,
    a: Strided,
    b: Strided,
    c: Out,
) {
    let mut acc = [[0.0f64; NR]; MR];
    // SAFETY (all reads and writes): rows < MR and columns < NR of the tile, p < k.
    unsafe {
        let at = |r: usize, j: usize| c.p.offset(r as isize * c.rs + j as isize * c.cs);
        let first = if p0 == 0 {
            let bp = b.p;
            for (r, row) in acc.iter_mut().enumerate() {
                let av = *a.p.offset(r as isize * a.rs);
                for (j, x) in row.iter_mut().enumerate() {
                    *x = av * *bp.add(j);
                }
            }
            1
        } else {
            for (r, row) in acc.iter_mut().enumerate() {
                for (j, x) in row.iter_mut().enumerate() {
                    *x = *at(r, j);
                }
            }
            p0
        };
        for p in first..p1 {
            let ap = a.p.offset(p as isize * a.cs);
            let bp = b.p.offset(p as isize * b.rs);
            for (r, row) in acc.iter_mut().enumerate() {
                let av = *ap.offset(r as isize * a.rs);
                for (j, x) in row.iter_mut().enumerate() {
                    *x = if FMA {
                        av.mul_add(*bp.add(j), *x)
                    } else {
                        *x + av * *bp.add(j)
                    };
                }
            }
        }
        for (r, row) in acc.iter().enumerate() {
            for (j, &x) in row.iter().enumerate() {
                *at(r, j) = x;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Strided, gemm, takes};

    /// The documented order, element by element: `((a₀b₀ + a₁b₁) + a₂b₂) + …`, each term
    /// added by a fused multiply-add where the kernel uses them.
    fn reference(m: usize, k: usize, n: usize, a: &[f64], ta: bool, b: &[f64], tb: bool) -> Vec<f64> {
        let at = |i: usize, p: usize| if ta { a[p * m + i] } else { a[i * k + p] };
        let bt = |p: usize, j: usize| if tb { b[j * k + p] } else { b[p * n + j] };
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                let mut s = at(i, 0) * bt(0, j);
                for p in 1..k {
                    s = if super::fma() {
                        at(i, p).mul_add(bt(p, j), s)
                    } else {
                        s + at(i, p) * bt(p, j)
                    };
                }
                c[i * n + j] = s;
            }
        }
        c
    }

    /// Every shape up to 13×13×13 and the skinny MLP shapes, all four transpose flags: the
    /// kernel's bits are the documented order's, whatever tiles and orientation it picks.
    #[test]
    fn products_follow_the_documented_order_bit_for_bit() {
        let mut shapes = vec![
            (1000, 2, 50),
            (1000, 50, 1),
            (1000, 1, 50),
            (50, 1000, 1),
            (2, 1000, 50),
            (300, 10, 10),
            (10, 300, 10),
            (70, 70, 9),
            (37, 200, 50),
            // The AVX-512 tiles: 24, 16 and 8 columns with the last vector masked, row
            // tiles of 8, 4, 2 and 1, inner blocks of 128.
            (1000, 50, 50),
            (50, 1000, 50),
            (15, 300, 47),
            (23, 7, 40),
            (9, 129, 17),
            (3, 2, 24),
            // Last vectors of 5 and 7 columns, inner blocks of 128 (partial sums reloaded).
            (17, 130, 29),
            (16, 200, 31),
        ];
        for m in 1..14 {
            for k in 1..14 {
                for n in 1..14 {
                    shapes.push((m, k, n));
                }
            }
        }
        check_shapes(&shapes);
        assert!(takes(1000, 2, 50, false) && takes(300, 10, 10, true) && takes(1000, 50, 50, false));
        assert!(!takes(1000, 100, 100, true) && !takes(100, 1000, 50, false));
    }

    /// Each shape with all four transpose flags against [`reference`], bit for bit.
    fn check_shapes(shapes: &[(usize, usize, usize)]) {
        let mut rng = crate::test_rng::Xorshift::new(0x9e37_79b9_7f4a_7c15);
        let mut next = || rng.uniform() * 2.0 - 1.0;
        for &(m, k, n) in shapes {
            let a: Vec<f64> = (0..m * k).map(|_| next()).collect();
            let b: Vec<f64> = (0..k * n).map(|_| next()).collect();
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let want = reference(m, k, n, &a, ta, &b, tb);
                let mut c = vec![f64::NAN; m * n];
                let (rsa, csa) = if ta { (1, m as isize) } else { (k as isize, 1) };
                let (rsb, csb) = if tb { (1, k as isize) } else { (n as isize, 1) };
                let sa = Strided {
                    p: a.as_ptr(),
                    rs: rsa,
                    cs: csa,
                };
                let sb = Strided {
                    p: b.as_ptr(),
                    rs: rsb,
                    cs: csb,
                };
                // SAFETY: the strides address a's m·k and b's k·n elements; c holds m·n.
                unsafe { gemm(m, k, n, sa, sb, c.as_mut_ptr()) };
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&c), bits(&want), "{m}×{k}·{k}×{n}, ta {ta}, tb {tb}");
            }
        }
    }
}
