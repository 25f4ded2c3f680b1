//! The `Var` methods of the binary ops and their vector-Jacobian rules, written in `Var` ops
//! (so they differentiate again). The ops' data and kernels are in the parent module, which
//! knows nothing of `Var`.

use super::{Binary, Compare};
use crate::ops::Op;
use crate::shape::{Shape, broadcast_shapes, fmt_shape};
use crate::tape::Inputs;
use crate::var::Var;

impl Binary {
    /// The VJP for input `k` (0 = a, 1 = b); `None` means zero.
    pub fn vjp<'t>(&self, k: usize, g: Var<'t>, a: Var<'t>, b: Var<'t>, y: Var<'t>) -> Option<Var<'t>> {
        let (first, target) = (k == 0, if k == 0 { a } else { b });
        let full = match *self {
            Binary::Add => g,
            Binary::Sub => {
                if first {
                    g
                } else {
                    -g
                }
            }
            Binary::Mul => {
                if first {
                    g * b
                } else {
                    g * a
                }
            }
            Binary::Div => {
                if first {
                    g / b
                } else {
                    -(g * y / b)
                }
            }
            Binary::Pow => {
                if first {
                    g * b * a.pow(b - 1.0)
                } else {
                    g * y * a.ln()
                }
            }
            Binary::Max => {
                if first {
                    g * a.max_mask(b)
                } else {
                    g * b.max_mask(a)
                }
            }
            Binary::Min => {
                if first {
                    g * b.max_mask(a)
                } else {
                    g * a.max_mask(b)
                }
            }
            Binary::MaxMask | Binary::Cmp(_) => return None,
        };
        // Scalars (the common case) need no reduction and no shape copy.
        if full.has_shape(&[]) && target.has_shape(&[]) {
            return Some(full);
        }
        Some(full.sum_to(&target.shape_small()))
    }
}

impl<'t> Var<'t> {
    #[track_caller]
    pub(crate) fn binary(self, rhs: Var<'t>, op: Binary) -> Var<'t> {
        if !std::ptr::eq(self.tape, rhs.tape) {
            // A free constant (`Var::constant`) joins the other operand's tape.
            let (a, b) = self.meet(rhs, op.name());
            return a.binary(b, op);
        }
        let (sa, sb, scalars) = {
            let inner = self.tape.inner.borrow();
            let (na, nb) = (inner.node(&self), inner.node(&rhs));
            // A scalar whose kernel a recording deferred (it reads a vector) is pushed
            // as a node like the vectors are (`record.rs`).
            if na.shape.is_empty() && nb.shape.is_empty() && na.ready && nb.ready {
                let v = op.eval(inner.values[na.offset], inner.values[nb.offset]);
                (Shape::new(), Shape::new(), Some(v))
            } else {
                (na.shape.clone(), nb.shape.clone(), None)
            }
        };
        let mut inputs = Inputs::new();
        inputs.push(self.idx());
        inputs.push(rhs.idx());
        if let Some(v) = scalars {
            return self.tape.push_scalar(Op::Binary(op), inputs, v);
        }
        let Some(shape) = broadcast_shapes(&sa, &sb) else {
            panic!(
                "{}: shape mismatch: lhs {}, rhs {}",
                op.name(),
                fmt_shape(&sa),
                fmt_shape(&sb)
            );
        };
        self.tape.push(Op::Binary(op), inputs, shape)
    }

    /// Power with a `Var` exponent, aᵇ. ∂/∂a = b aᵇ⁻¹, ∂/∂b = aᵇ ln a. Domain a > 0 (the
    /// derivative in b is NaN for a ≤ 0, as ln a is).
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].pow(x[1]), &[2.0, 3.0]);
    /// assert_eq!(g[0], 12.0);
    /// assert!((g[1] - 8.0 * 2f64.ln()).abs() < 1e-12);
    /// ```
    #[track_caller]
    pub fn pow(self, b: Var<'t>) -> Var<'t> {
        self.binary(b, Binary::Pow)
    }

    /// Elementwise maximum. The gradient goes to the larger operand; on a **tie it is split
    /// 0.5/0.5** (PyTorch's convention). NaN propagates.
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].max(x[1]), &[1.0, 1.0]);
    /// assert_eq!(g, [0.5, 0.5]);
    /// ```
    #[track_caller]
    pub fn max(self, b: Var<'t>) -> Var<'t> {
        self.binary(b, Binary::Max)
    }

    /// Elementwise minimum; ties split the gradient 0.5/0.5. NaN propagates.
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].min(x[1]), &[1.0, 2.0]);
    /// assert_eq!(g, [1.0, 0.0]);
    /// ```
    #[track_caller]
    pub fn min(self, b: Var<'t>) -> Var<'t> {
        self.binary(b, Binary::Min)
    }

    /// The tie-splitting mask of `max`: 1 where a > b, ½ where a = b, 0 where a < b. Its
    /// derivative is zero.
    #[track_caller]
    pub fn max_mask(self, b: Var<'t>) -> Var<'t> {
        self.binary(b, Binary::MaxMask)
    }

    #[track_caller]
    fn compare(self, b: Var<'t>, c: Compare) -> bool {
        let r = self.binary(b, Binary::Cmp(c));
        let v = r.to_vec();
        assert!(
            v.len() == 1,
            "{}: comparison needs scalars, got shape {:?}",
            Binary::Cmp(c).name(),
            r.shape()
        );
        v[0] == 1.0
    }

    /// `self > b` for scalars, recorded on the tape: a [`RecordedFn`](crate::RecordedFn)
    /// replayed at a point where the outcome flips reports it instead of silently following
    /// the branch taken at record time.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let (x, y) = (tape.var(2.0), tape.var(1.0));
    /// assert!(x.gt(y));
    /// ```
    #[track_caller]
    pub fn gt(self, b: Var<'t>) -> bool {
        self.compare(b, Compare::Gt)
    }

    /// `self ≥ b` for scalars, recorded (see [`Var::gt`]).
    #[track_caller]
    pub fn ge(self, b: Var<'t>) -> bool {
        self.compare(b, Compare::Ge)
    }

    /// `self < b` for scalars, recorded (see [`Var::gt`]).
    #[track_caller]
    pub fn lt(self, b: Var<'t>) -> bool {
        self.compare(b, Compare::Lt)
    }

    /// `self ≤ b` for scalars, recorded (see [`Var::gt`]).
    #[track_caller]
    pub fn le(self, b: Var<'t>) -> bool {
        self.compare(b, Compare::Le)
    }
}

macro_rules! var_op {
    ($tr:ident, $m:ident, $variant:ident) => {
        impl<'t> std::ops::$tr<Var<'t>> for Var<'t> {
            type Output = Var<'t>;
            #[track_caller]
            fn $m(self, rhs: Var<'t>) -> Var<'t> {
                self.binary(rhs, Binary::$variant)
            }
        }
    };
}
var_op!(Add, add, Add);
var_op!(Sub, sub, Sub);
var_op!(Mul, mul, Mul);
var_op!(Div, div, Div);
