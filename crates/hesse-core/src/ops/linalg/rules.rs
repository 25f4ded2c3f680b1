//! The `Var` methods of the linalg ops and their vector-Jacobian rules, written in `Var` ops
//! (so they differentiate again). The ops' data and kernels are in the parent module, which
//! knows nothing of `Var`.

use super::Linalg;
use crate::ops::Op;
use crate::shape::{Shape, fmt_shape};
use crate::tape::Inputs;
use crate::var::Var;

impl Linalg {
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

impl<'t> Var<'t> {
    /// `op(A) · op(B)` with optional transposes read through strides.
    #[track_caller]
    pub(crate) fn matmul_t(self, rhs: Var<'t>, ta: bool, tb: bool) -> Var<'t> {
        if !std::ptr::eq(self.tape, rhs.tape) {
            let (a, b) = self.meet(rhs, "matmul");
            return a.matmul_t(b, ta, tb);
        }
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
