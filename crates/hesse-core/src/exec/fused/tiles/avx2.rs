//! AVX2 helpers: four values per register.
// Unsafe functions with unsafe blocks around the intrinsics: Rust 1.85 (the MSRV) has no
// safe `#[target_feature]` functions; from 1.86 on the blocks around value-only
// intrinsics are unneeded.
#![allow(unused_unsafe)]

use super::prims::{lanes, tile_prims};
use super::program::R;
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
/// A non-temporal store (`crate::streaming`).
///
/// # Safety
/// `p` must be valid for writing four values and 32-byte aligned.
#[inline]
#[target_feature(enable = "avx2")]
pub(super) unsafe fn stream(p: *mut f64, x: __m256d) {
    unsafe { _mm256_stream_pd(p, x) }
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
/// `p[2j] = a[j] + 0.0`, `p[2j + 1] = b[j] + 0.0`; with `NT`, non-temporally.
///
/// # Safety
/// `p` must be valid for writing eight values, and 32-byte aligned with `NT`.
#[inline]
#[target_feature(enable = "avx2")]
pub(super) unsafe fn scatter2<const NT: bool>(p: *mut f64, a: __m256d, b: __m256d) {
    unsafe {
        let (x, y) = (_mm256_add_pd(a, zero()), _mm256_add_pd(b, zero()));
        let lo = _mm256_unpacklo_pd(x, y); // [x0 y0 x2 y2]
        let hi = _mm256_unpackhi_pd(x, y); // [x1 y1 x3 y3]
        let (p0, p1) = (
            _mm256_permute2f128_pd(lo, hi, 0x20),
            _mm256_permute2f128_pd(lo, hi, 0x31),
        );
        if NT {
            stream(p, p0);
            stream(p.add(4), p1);
        } else {
            _mm256_storeu_pd(p, p0);
            _mm256_storeu_pd(p.add(4), p1);
        }
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
