//! Elementwise kernels built for AVX2 when the CPU has it.
//!
//! The kernels are plain loops that the compiler vectorises; the workspace is built for the
//! x86-64 baseline (SSE2, two `f64` per instruction). [`run`] compiles a kernel a second time
//! with AVX2 enabled (four per instruction) and picks that build at run time. Both builds
//! perform the same IEEE operations on the same values (Rust never contracts `a·b + c` into
//! a fused multiply-add), so the results are the same bits; only the sign and payload of a
//! NaN made from two NaNs may differ, which Rust leaves unspecified for any build.

/// Runs `kernel`, compiled with AVX2 if the CPU supports it.
#[inline(always)]
pub(crate) fn run<R>(kernel: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above).
        return unsafe { avx2(kernel) };
    }
    kernel()
}

/// `kernel` inlined into a function compiled with AVX2.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn avx2<R>(kernel: impl FnOnce() -> R) -> R {
    kernel()
}
