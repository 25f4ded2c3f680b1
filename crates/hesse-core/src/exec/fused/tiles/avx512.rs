//! AVX-512 helpers: eight values per register. Built with a compiler whose AVX-512
//! intrinsics are stable (Rust 1.89; `hesse_avx512`, set by the build script), so the MSRV
//! still builds the crate, without this executor.
// Built only with Rust ≥ 1.89 (see above); unsafe functions as in `avx2`.
#![allow(clippy::incompatible_msrv, unused_unsafe)]

use super::prims::{lanes, tile_prims};
use super::program::R;
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
/// A non-temporal store (`crate::streaming`).
///
/// # Safety
/// `p` must be valid for writing eight values and 64-byte aligned.
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn stream(p: *mut f64, x: __m512d) {
    unsafe { _mm512_stream_pd(p, x) }
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
/// `p[2j] = a[j] + 0.0`, `p[2j + 1] = b[j] + 0.0`; with `NT`, non-temporally.
///
/// # Safety
/// `p` must be valid for writing sixteen values, and 64-byte aligned with `NT`.
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn scatter2<const NT: bool>(p: *mut f64, a: __m512d, b: __m512d) {
    unsafe {
        let (x, y) = (_mm512_add_pd(a, zero()), _mm512_add_pd(b, zero()));
        // Indices 0–7 pick x, 8–15 pick y.
        let lo = _mm512_permutex2var_pd(x, _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0), y);
        let hi = _mm512_permutex2var_pd(x, _mm512_set_epi64(15, 7, 14, 6, 13, 5, 12, 4), y);
        if NT {
            stream(p, lo);
            stream(p.add(8), hi);
        } else {
            _mm512_storeu_pd(p, lo);
            _mm512_storeu_pd(p.add(8), hi);
        }
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
