//! The AVX-512 micro-kernel of [`gemm`](super::gemm): the products whose right operand and
//! output are read and written in rows (unit column stride), in tiles of 8 rows × 24 columns.
//!
//! A tile keeps its 8 × 3 vectors of outputs in registers while it walks the inner index:
//! per index, three loads of the right operand's row, eight broadcasts of the left
//! operand's column and 24 fused multiply-adds, so the two FMA units, not the loads, set the
//! pace (the 8 × 8 tiles of the portable kernel load one vector and broadcast eight values
//! per eight multiply-adds). On a Xeon of model 207, operands in cache: W3's 1000×50·50×50
//! from 84 to 74 µs, its (1000×50)ᵀ·(1000×50) from 105 to 78 µs (BENCHMARKS.md, Part 10).
//! Columns past the last multiple of 8 run in the last vector of a tile under a mask; rows
//! past the last multiple of 8 in tiles of 4, 2 and 1 rows. Products with fewer than 8
//! columns stay on the portable kernel (a one-column product in a masked vector is slower).
//!
//! **The same bits.** Every output is the documented left-to-right sum (module docs of
//! `ops/gemm.rs`): its first product rounded, then one fused multiply-add per further inner
//! index, in index order, each lane on its own. Blocks of [`KC`] inner indices
//! store their partial sums to the output and the next block reloads them (unchanged), and
//! the masked lanes are neither loaded into another output nor stored. So the result is the
//! portable kernel's bit for bit, whatever the tile sizes.

// The module exists only where the compiler has AVX-512 (Rust 1.89+, `build.rs`).
#![allow(clippy::incompatible_msrv)]

use std::arch::x86_64::*;

use super::strided::Strided;

/// Vectors of 8 columns per tile.
const V: usize = 3;

/// Inner indices per block: a block of `B`'s rows (25.6 KB for 50 columns) stays in L1
/// cache while every row block passes over it. W3's (1000×50)ᵀ·(1000×50) took 79 µs with
/// the portable kernel's blocks of 128 (51 KB), 75.5 µs with 64, on the Xeon of model 207.
const KC: usize = 64;

/// `C = A·B` into the output at `c` with row stride `ldc` (unit column stride), for an m×k
/// `A` and a k×n `B` with `b.cs == 1`, in the documented order.
///
/// # Safety
/// The CPU supports AVX-512F and FMA; `k ≥ 1`; every element (i, p) of `a` for i < m, p < k
/// and (p, j) of `b` for p < k, j < n is readable; `c + i·ldc + j` is writable for i < m,
/// j < n and overlaps no operand.
#[target_feature(enable = "avx512f,fma")]
pub(super) unsafe fn gemm_rows(
    m: usize,
    k: usize,
    n: usize,
    a: Strided,
    b: Strided,
    c: *mut f64,
    ldc: usize,
) {
    debug_assert!(b.cs == 1);
    let mut p0 = 0;
    while p0 < k {
        let ps = (p0, (p0 + KC).min(k));
        let mut i = 0;
        // SAFETY (all calls): rows i..i + MR < m, inner indices inside k.
        unsafe {
            while i + 8 <= m {
                strips::<8>(i, ps, n, a, b, c, ldc);
                i += 8;
            }
            if i + 4 <= m {
                strips::<4>(i, ps, n, a, b, c, ldc);
                i += 4;
            }
            if i + 2 <= m {
                strips::<2>(i, ps, n, a, b, c, ldc);
                i += 2;
            }
            if i < m {
                strips::<1>(i, ps, n, a, b, c, ldc);
            }
        }
        p0 = ps.1;
    }
}

/// The mask of the first `w` lanes (1 ≤ w ≤ 8).
fn mask(w: usize) -> __mmask8 {
    (0xffu16 >> (8 - w)) as __mmask8
}

/// Rows `i..i + MR` in tiles of 24 columns, the last tile of 8 or 16 columns with its last
/// vector masked to the columns left. Row by row block, so that the block's rows of `A`
/// stay in L1 cache across the column tiles (and `A` is read from farther once).
///
/// # Safety
/// As [`gemm_rows`], for the rows `i..i + MR`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn strips<const MR: usize>(
    i: usize,
    ps: (usize, usize),
    n: usize,
    a: Strided,
    b: Strided,
    c: *mut f64,
    ldc: usize,
) {
    let mut j = 0;
    // SAFETY (all calls): the tiles' columns lie inside n (the last vector masked to them).
    unsafe {
        while j < n {
            let w = (n - j).min(8 * V);
            let vs = w.div_ceil(8);
            let last = mask(w - 8 * (vs - 1));
            match vs {
                3 => tile::<MR, 3>(i, ps, j, last, a, b, c, ldc),
                2 => tile::<MR, 2>(i, ps, j, last, a, b, c, ldc),
                _ => tile::<MR, 1>(i, ps, j, last, a, b, c, ldc),
            }
            j += w;
        }
    }
}

/// One tile: rows `i..i + MR`, columns `j..j + 8·NV` (the last vector's lanes under
/// `last`), inner indices `p0..p1`: from the first product when `p0 = 0`, else from the
/// partial sums in `c`; stored to `c`.
///
/// # Safety
/// As [`gemm_rows`], for the tile's rows, columns and inner indices.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn tile<const MR: usize, const NV: usize>(
    i: usize,
    (p0, p1): (usize, usize),
    j: usize,
    last: __mmask8,
    a: Strided,
    b: Strided,
    c: *mut f64,
    ldc: usize,
) {
    let mk = |v: usize| if v + 1 == NV { last } else { 0xff };
    // SAFETY (all reads and writes): rows i..i + MR, the lanes of columns j..j + 8·NV that
    // the masks keep, inner indices p0..p1 (the caller's bounds).
    unsafe {
        let ap = a.p.offset(i as isize * a.rs);
        let bp = b.p.add(j);
        let cp = c.add(i * ldc + j);
        let brow = |p: usize| bp.offset(p as isize * b.rs);
        let aval = |r: usize, p: usize| _mm512_set1_pd(*ap.offset(r as isize * a.rs + p as isize * a.cs));
        let mut acc = [[_mm512_setzero_pd(); NV]; MR];
        let first = if p0 == 0 {
            let bv: [__m512d; NV] = std::array::from_fn(|v| _mm512_maskz_loadu_pd(mk(v), brow(0).add(8 * v)));
            for (r, row) in acc.iter_mut().enumerate() {
                let x = aval(r, 0);
                for (v, o) in row.iter_mut().enumerate() {
                    *o = _mm512_mul_pd(x, bv[v]);
                }
            }
            1
        } else {
            for (r, row) in acc.iter_mut().enumerate() {
                for (v, o) in row.iter_mut().enumerate() {
                    *o = _mm512_maskz_loadu_pd(mk(v), cp.add(r * ldc + 8 * v));
                }
            }
            p0
        };
        for p in first..p1 {
            let bv: [__m512d; NV] = std::array::from_fn(|v| _mm512_maskz_loadu_pd(mk(v), brow(p).add(8 * v)));
            for (r, row) in acc.iter_mut().enumerate() {
                let x = aval(r, p);
                for (v, o) in row.iter_mut().enumerate() {
                    *o = _mm512_fmadd_pd(x, bv[v], *o);
                }
            }
        }
        for (r, row) in acc.iter().enumerate() {
            for (v, &o) in row.iter().enumerate() {
                _mm512_mask_storeu_pd(cp.add(r * ldc + 8 * v), mk(v), o);
            }
        }
    }
}
