//! Elementwise kernels built for AVX2 and AVX-512 when the CPU has them.
//!
//! The kernels are plain loops that the compiler vectorises; the workspace is built for the
//! x86-64 baseline (SSE2, two `f64` per instruction). The functions here compile the unary
//! and binary kernels (`#[inline(always)]`) again with AVX2 enabled (four per instruction)
//! and with AVX-512F (eight per instruction) and pick the widest build the CPU runs. Even
//! where the hardware splits a 512-bit operation in two (AMD Zen 4), the AVX-512 build runs
//! the arithmetic-bound kernels nearly twice as fast (BENCHMARKS.md, "Measured design
//! decisions"), having half the instructions to issue and 32 registers. (AVX-512
//! target features need Rust 1.89; `build.rs` sets `hesse_avx512` on such compilers, and
//! older ones keep the AVX2 build.) All builds
//! perform the same IEEE
//! operations on the same values (Rust never contracts `a·b + c` into a fused multiply-add),
//! so the results are the same bits; only the sign and payload of a NaN made from two NaNs
//! may differ, which Rust leaves unspecified for any build.

use super::{Binary, Unary};

// Whether the AVX2 and AVX-512F builds may run: the CPU has them and the run-time setting
// (`crate::native`) allows them.
#[cfg(target_arch = "x86_64")]
use crate::native::{avx2, avx512};

/// [`Unary::forward`], with AVX-512F or AVX2 if the CPU supports it.
pub(crate) fn unary(op: &Unary, x: &[f64], out: &mut [f64]) {
    #[cfg(all(target_arch = "x86_64", hesse_avx512))]
    if avx512() {
        // SAFETY: the CPU supports AVX-512F (checked just above).
        return unsafe { unary_avx512(op, x, out) };
    }
    #[cfg(target_arch = "x86_64")]
    if avx2() {
        // SAFETY: the CPU supports AVX2 (checked just above).
        return unsafe { unary_avx2(op, x, out) };
    }
    op.forward(x, out)
}

/// [`Binary::forward`], with AVX-512F or AVX2 if the CPU supports it.
pub(crate) fn binary(
    op: &Binary,
    a: (&[f64], &[usize]),
    b: (&[f64], &[usize]),
    out: &mut [f64],
    shape: &[usize],
) {
    #[cfg(all(target_arch = "x86_64", hesse_avx512))]
    if avx512() {
        // SAFETY: the CPU supports AVX-512F (checked just above).
        return unsafe { binary_avx512(op, a, b, out, shape) };
    }
    #[cfg(target_arch = "x86_64")]
    if avx2() {
        // SAFETY: the CPU supports AVX2 (checked just above).
        return unsafe { binary_avx2(op, a, b, out, shape) };
    }
    op.forward(a, b, out, shape)
}

/// [`sum_rows_kernel`], with AVX-512F or AVX2 if the CPU supports it.
pub(crate) fn sum_rows(x: &[f64], out: &mut [f64]) {
    #[cfg(all(target_arch = "x86_64", hesse_avx512))]
    if avx512() {
        // SAFETY: the CPU supports AVX-512F (checked just above).
        return unsafe { sum_rows_avx512(x, out) };
    }
    #[cfg(target_arch = "x86_64")]
    if avx2() {
        // SAFETY: the CPU supports AVX2 (checked just above).
        return unsafe { sum_rows_avx2(x, out) };
    }
    sum_rows_kernel(x, out)
}

/// Column sums of a row-major matrix with `out.len()` columns into `out` (zeroed): each
/// column summed over the rows in order, `((0 + x₀ⱼ) + x₁ⱼ) + …`, the order of adding the
/// rows one after another. Blocks of 32, 8, 4, 2 and 1 columns stay in registers while the
/// rows stream by (instead of a load and a store of every output per row), so the additions
/// of different columns overlap; the order of each column's additions is unchanged.
#[inline(always)]
fn sum_rows_kernel(x: &[f64], out: &mut [f64]) {
    let mut j = 0;
    j = sum_cols::<32>(x, out, j);
    j = sum_cols::<8>(x, out, j);
    j = sum_cols::<4>(x, out, j);
    j = sum_cols::<2>(x, out, j);
    sum_cols::<1>(x, out, j);
}

/// [`sum_rows_kernel`] for the blocks of `W` columns from column `j` on; returns the first column
/// left over.
#[inline(always)]
fn sum_cols<const W: usize>(x: &[f64], out: &mut [f64], mut j: usize) -> usize {
    let n = out.len();
    while j + W <= n {
        let mut acc = [0.0f64; W];
        for row in x.chunks_exact(n) {
            let row: &[f64; W] = row[j..j + W].try_into().expect("W columns");
            for (a, &v) in acc.iter_mut().zip(row) {
                *a += v;
            }
        }
        for (o, a) in out[j..j + W].iter_mut().zip(acc) {
            *o += a;
        }
        j += W;
    }
    j
}

/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn sum_rows_avx2(x: &[f64], out: &mut [f64]) {
    sum_rows_kernel(x, out)
}

/// # Safety
/// The CPU must support AVX-512F.
#[cfg(all(target_arch = "x86_64", hesse_avx512))]
#[target_feature(enable = "avx512f")]
unsafe fn sum_rows_avx512(x: &[f64], out: &mut [f64]) {
    sum_rows_kernel(x, out)
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

/// # Safety
/// The CPU must support AVX-512F.
#[cfg(all(target_arch = "x86_64", hesse_avx512))]
#[target_feature(enable = "avx512f")]
unsafe fn unary_avx512(op: &Unary, x: &[f64], out: &mut [f64]) {
    op.forward(x, out)
}

/// # Safety
/// The CPU must support AVX-512F.
#[cfg(all(target_arch = "x86_64", hesse_avx512))]
#[target_feature(enable = "avx512f")]
unsafe fn binary_avx512(
    op: &Binary,
    a: (&[f64], &[usize]),
    b: (&[f64], &[usize]),
    out: &mut [f64],
    shape: &[usize],
) {
    op.forward(a, b, out, shape)
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    /// Values with every special case (±0, ±∞, NaN, subnormals, huge, around tanh's branch
    /// point) and a spread of ordinary ones, in an order that mixes them inside blocks.
    fn values() -> Vec<f64> {
        let mut v = vec![
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE,
            5e-324,
            -5e-324,
            1e300,
            -1e300,
            0.55,
            -0.55,
            0.549_999_999_999_999_9,
            22.0,
            -710.0,
            710.0,
        ];
        let mut rng = crate::test_rng::Xorshift::new(0x2545_f491_4f6c_dd1d);
        for i in 0..2000 {
            let u = rng.uniform();
            v.push(match i % 4 {
                0 => u * 2.0 - 1.0,
                1 => (u - 0.5) * 60.0,
                2 => u * 0.6,
                _ => (u * 40.0 - 20.0).exp2(),
            });
        }
        v
    }

    /// Same bits, except that NaNs only need to be NaNs (their sign and payload are
    /// unspecified, see the module docs).
    fn same(a: &[f64], b: &[f64]) -> bool {
        a.iter()
            .zip(b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
    }

    /// Column sums add the rows one after another, whatever the width and the build.
    #[test]
    fn column_sums_add_the_rows_in_order() {
        let x = values();
        for n in (1..70).chain([100, 257]) {
            let rows = x.len() / n;
            let x = &x[..rows * n];
            let mut want = vec![0.0; n];
            for row in x.chunks_exact(n) {
                want.iter_mut().zip(row).for_each(|(o, &v)| *o += v);
            }
            let mut got = vec![0.0; n];
            sum_rows(x, &mut got);
            assert!(same(&want, &got), "{n} columns");
            let mut base = vec![0.0; n];
            super::sum_rows_kernel(x, &mut base);
            assert!(same(&want, &base), "{n} columns, baseline build");
        }
    }

    /// The baseline, AVX2 and AVX-512 builds of every unary and binary kernel agree (on the
    /// instruction sets this CPU has): the replay's fused regions and the eager kernels may
    /// run different builds, and must still give the same bits.
    #[test]
    fn every_build_gives_the_same_bits() {
        let x = values();
        let y: Vec<f64> = x.iter().rev().copied().collect();
        let n = x.len();
        for op in &Unary::all() {
            let mut base = vec![0.0; n];
            op.forward(&x, &mut base);
            if avx2() {
                let mut o = vec![0.0; n];
                // SAFETY: the CPU has AVX2.
                unsafe { unary_avx2(op, &x, &mut o) };
                assert!(same(&base, &o), "{op:?} AVX2");
            }
            #[cfg(hesse_avx512)]
            if avx512() {
                let mut o = vec![0.0; n];
                // SAFETY: the CPU has AVX-512F.
                unsafe { unary_avx512(op, &x, &mut o) };
                assert!(same(&base, &o), "{op:?} AVX-512");
            }
        }
        let shape = [n];
        for op in Binary::ALL {
            for b in [&y[..], &y[..1]] {
                let sb: &[usize] = if b.len() == 1 { &[] } else { &shape };
                let mut base = vec![0.0; n];
                op.forward((&x, &shape), (b, sb), &mut base, &shape);
                if avx2() {
                    let mut o = vec![0.0; n];
                    // SAFETY: the CPU has AVX2.
                    unsafe { binary_avx2(op, (&x, &shape), (b, sb), &mut o, &shape) };
                    assert!(same(&base, &o), "{op:?} AVX2");
                }
                #[cfg(hesse_avx512)]
                if avx512() {
                    let mut o = vec![0.0; n];
                    // SAFETY: the CPU has AVX-512F.
                    unsafe { binary_avx512(op, (&x, &shape), (b, sb), &mut o, &shape) };
                    assert!(same(&base, &o), "{op:?} AVX-512");
                }
            }
        }
    }
}
