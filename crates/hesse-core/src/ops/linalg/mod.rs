//! Matrix products and transposes.
//!
//! `MatMul` carries transpose flags so that the products in its own VJP (`g·Bᵀ`, `Aᵀ·g`) read
//! the operands through strides instead of materialising transposes. Large products run on
//! `matrixmultiply::dgemm`, a maintained blocked GEMM; small, skinny and narrow ones (a
//! dimension ≤ 4, at most 2¹⁶ multiply-adds, or at most 64 output columns) on the unpacked
//! kernel of `ops/gemm.rs`, which
//! documents its summation order. Which kernel runs depends only on the shapes, so eager
//! evaluation and replays of the same product always agree bit for bit.

use crate::ops::gemm::Strided;

/// Matrix products and transposes of rank-2 tensors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Linalg {
    /// `op(A) · op(B)` where `op` transposes when the flag is set.
    MatMul {
        /// Transpose the left operand.
        ta: bool,
        /// Transpose the right operand.
        tb: bool,
    },
    /// Matrix transpose.
    Transpose,
}

impl Linalg {
    /// One sample of every variant, for the registry sweep.
    pub const ALL: &'static [Linalg] = &[
        Linalg::MatMul { ta: false, tb: false },
        Linalg::MatMul { ta: true, tb: false },
        Linalg::MatMul { ta: false, tb: true },
        Linalg::MatMul { ta: true, tb: true },
        Linalg::Transpose,
    ];

    /// The op's name.
    pub fn name(&self) -> &'static str {
        match self {
            Linalg::MatMul { .. } => "matmul",
            Linalg::Transpose => "transpose",
        }
    }

    pub(crate) fn forward(&self, ins: &[(&[f64], &[usize])], out: &mut [f64], out_shape: &[usize]) {
        match *self {
            Linalg::MatMul { ta, tb } => {
                let (a, sa) = ins[0];
                let (b, sb) = ins[1];
                let (m, n) = (out_shape[0], out_shape[1]);
                let k = if ta { sa[0] } else { sa[1] };
                let (rsa, csa) = strides(sa, ta);
                let (rsb, csb) = strides(sb, tb);
                if m == 0 || n == 0 {
                    return;
                }
                if k == 0 {
                    out.iter_mut().for_each(|o| *o = 0.0);
                    return;
                }
                if super::gemm::takes(m, k, n, csb == 1) {
                    let (a, b) = (
                        Strided {
                            p: a.as_ptr(),
                            rs: rsa,
                            cs: csa,
                        },
                        Strided {
                            p: b.as_ptr(),
                            rs: rsb,
                            cs: csb,
                        },
                    );
                    // SAFETY: as for `dgemm` below (k ≥ 1 here).
                    unsafe { super::gemm::gemm(m, k, n, a, b, out.as_mut_ptr()) };
                    return;
                }
                // SAFETY: the pointers cover `a`, `b` and `out`, whose lengths are
                // m·k, k·n and m·n (checked by the shape logic in `Var::matmul_t`); the
                // strides address elements inside those slices, and `out` does not alias
                // `a` or `b` (it is a fresh region of the arena after both).
                unsafe {
                    matrixmultiply::dgemm(
                        m,
                        k,
                        n,
                        1.0,
                        a.as_ptr(),
                        rsa,
                        csa,
                        b.as_ptr(),
                        rsb,
                        csb,
                        0.0,
                        out.as_mut_ptr(),
                        n as isize,
                        1,
                    );
                }
            }
            Linalg::Transpose => {
                let (x, sx) = ins[0];
                let (r, c) = (sx[0], sx[1]);
                for i in 0..r {
                    for j in 0..c {
                        out[j * r + i] = x[i * c + j];
                    }
                }
            }
        }
    }
}

/// Row and column strides of a row-major [r, c] matrix read plainly or transposed.
fn strides(s: &[usize], transposed: bool) -> (isize, isize) {
    let c = s[1] as isize;
    if transposed { (1, c) } else { (c, 1) }
}

mod rules;
