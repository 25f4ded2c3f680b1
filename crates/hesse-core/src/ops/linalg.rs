//! Matrix products and transposes.
//!
//! `MatMul` carries transpose flags so that the products in its own VJP (`g·Bᵀ`, `Aᵀ·g`) read
//! the operands through strides instead of materialising transposes. Large products run on
//! `matrixmultiply::dgemm`, a maintained blocked GEMM; small, skinny and narrow ones (a
//! dimension ≤ 4, at most 2¹⁶ multiply-adds, or at most 64 output columns) on the unpacked
//! kernel of `ops/gemm.rs`, which
//! documents its summation order. Which kernel runs depends only on the shapes, so eager
//! evaluation and replays of the same product always agree bit for bit.

use crate::ops::Op;
use crate::ops::gemm::Strided;
use crate::shape::{Shape, fmt_shape};
use crate::tape::Inputs;
use crate::var::Var;

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

    /// The VJP for input `k`.
    pub fn vjp<'t>(&self, k: usize, g: Var<'t>, inputs: &[Var<'t>]) -> Option<Var<'t>> {
        Some(match *self {
            Linalg::Transpose => g.t(),
            Linalg::MatMul { ta, tb } => {
                let (a, b) = (inputs[0], inputs[1]);
                // C = op(A)·op(B); each case is the textbook dA = g·op(B)ᵀ, dB = op(A)ᵀ·g,
                // transposed back when the operand entered transposed.
                match (ta, tb, k) {
                    (false, false, 0) => g.matmul_t(b, false, true),
                    (false, false, _) => a.matmul_t(g, true, false),
                    (true, false, 0) => b.matmul_t(g, false, true),
                    (true, false, _) => a.matmul_t(g, false, false),
                    (false, true, 0) => g.matmul_t(b, false, false),
                    (false, true, _) => g.matmul_t(a, true, false),
                    (true, true, 0) => b.matmul_t(g, true, true),
                    (true, true, _) => g.matmul_t(a, true, true),
                }
            }
        })
    }
}

/// Row and column strides of a row-major [r, c] matrix read plainly or transposed.
fn strides(s: &[usize], transposed: bool) -> (isize, isize) {
    let c = s[1] as isize;
    if transposed { (1, c) } else { (c, 1) }
}

impl<'t> Var<'t> {
    /// `op(A) · op(B)` with optional transposes read through strides.
    #[track_caller]
    pub(crate) fn matmul_t(self, rhs: Var<'t>, ta: bool, tb: bool) -> Var<'t> {
        self.same_tape(&rhs, "matmul");
        let (sa, sb) = (self.shape_small(), rhs.shape_small());
        let dims = |s: &Shape, t: bool| if t { (s[1], s[0]) } else { (s[0], s[1]) };
        let ok = sa.len() == 2 && sb.len() == 2 && dims(&sa, ta).1 == dims(&sb, tb).0;
        assert!(
            ok,
            "matmul: shape mismatch: lhs {}{}, rhs {}{}",
            fmt_shape(&sa),
            if ta { "ᵀ" } else { "" },
            fmt_shape(&sb),
            if tb { "ᵀ" } else { "" }
        );
        let shape = Shape::from_slice(&[dims(&sa, ta).0, dims(&sb, tb).1]);
        self.tape.push(
            Op::Linalg(Linalg::MatMul { ta, tb }),
            Inputs::from_slice(&[self.idx(), rhs.idx()]),
            shape,
        )
    }

    /// Matrix product. Rank-2 × rank-2 gives rank 2; a rank-1 operand is treated as a row
    /// (left) or column (right) vector and the result drops that axis, as numpy's `@`.
    /// ∂/∂A = g·Bᵀ, ∂/∂B = Aᵀ·g.
    ///
    /// # Panics
    /// If the inner dimensions differ: `matmul: shape mismatch: lhs [2, 3], rhs [2, 3]`.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let a = tape.tensor(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    /// let x = tape.vector(&[1.0, 1.0]);
    /// assert_eq!(a.matmul(x).to_vec(), vec![3.0, 7.0]);
    /// ```
    #[track_caller]
    pub fn matmul(self, rhs: Var<'t>) -> Var<'t> {
        let (sa, sb) = (self.shape(), rhs.shape());
        match (sa.len(), sb.len()) {
            (2, 2) => self.matmul_t(rhs, false, false),
            (2, 1) => self
                .matmul_t(rhs.reshape(&[sb[0], 1]), false, false)
                .reshape(&[sa[0]]),
            (1, 2) => self
                .reshape(&[1, sa[0]])
                .matmul_t(rhs, false, false)
                .reshape(&[sb[1]]),
            (1, 1) => self.dot(rhs),
            _ => panic!(
                "matmul: shape mismatch: lhs {}, rhs {}",
                fmt_shape(&sa),
                fmt_shape(&sb)
            ),
        }
    }

    /// Transpose of a matrix (rank 2); scalars and vectors are returned unchanged.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let a = tape.tensor(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
    /// assert_eq!(a.t().shape(), vec![3, 2]);
    /// assert_eq!(a.t().to_vec(), vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    /// ```
    #[track_caller]
    pub fn t(self) -> Var<'t> {
        let s = self.shape_small();
        match s.len() {
            0 | 1 => self,
            2 => self.tape.push(
                Op::Linalg(Linalg::Transpose),
                Inputs::from_slice(&[self.idx()]),
                Shape::from_slice(&[s[1], s[0]]),
            ),
            _ => panic!("transpose: needs rank ≤ 2, got shape {}", fmt_shape(&s)),
        }
    }

    /// Inner product of two vectors of equal length, `Σ aᵢbᵢ`.
    ///
    /// # Panics
    /// If the shapes differ.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let (a, b) = (tape.vector(&[1.0, 2.0]), tape.vector(&[3.0, 4.0]));
    /// assert_eq!(a.dot(b).value(), 11.0);
    /// ```
    #[track_caller]
    pub fn dot(self, rhs: Var<'t>) -> Var<'t> {
        let (sa, sb) = (self.shape(), rhs.shape());
        assert!(
            sa == sb,
            "dot: shape mismatch: lhs {}, rhs {}",
            fmt_shape(&sa),
            fmt_shape(&sb)
        );
        (self * rhs).sum()
    }
}
