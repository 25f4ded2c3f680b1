//! Elementwise kernels built for AVX2 when the CPU has it.
//!
//! The kernels are plain loops that the compiler vectorises; the workspace is built for the
//! x86-64 baseline (SSE2, two `f64` per instruction). The functions here compile the unary
//! and binary kernels (`#[inline(always)]`) a second time with AVX2 enabled (four per
//! instruction) and pick that build at run time. Both builds perform the same IEEE
//! operations on the same values (Rust never contracts `a·b + c` into a fused multiply-add),
//! so the results are the same bits; only the sign and payload of a NaN made from two NaNs
//! may differ, which Rust leaves unspecified for any build.

use super::{Binary, Unary};

/// Whether the AVX2 builds may run.
#[inline(always)]
fn avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    return std::arch::is_x86_feature_detected!("avx2");
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// [`Unary::forward`], with AVX2 if the CPU supports it.
pub(crate) fn unary(op: &Unary, x: &[f64], out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if avx2() {
        // SAFETY: the CPU supports AVX2 (checked just above).
        return unsafe { unary_avx2(op, x, out) };
    }
    op.forward(x, out)
}

/// [`Binary::forward`], with AVX2 if the CPU supports it.
pub(crate) fn binary(
    op: &Binary,
    a: (&[f64], &[usize]),
    b: (&[f64], &[usize]),
    out: &mut [f64],
    shape: &[usize],
) {
    #[cfg(target_arch = "x86_64")]
    if avx2() {
        // SAFETY: the CPU supports AVX2 (checked just above).
        return unsafe { binary_avx2(op, a, b, out, shape) };
    }
    op.forward(a, b, out, shape)
}

/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn unary_avx2(op: &Unary, x: &[f64], out: &mut [f64]) {
    op.forward(x, out)
}

/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn binary_avx2(
    op: &Binary,
    a: (&[f64], &[usize]),
    b: (&[f64], &[usize]),
    out: &mut [f64],
    shape: &[usize],
) {
    op.forward(a, b, out, shape)
}
