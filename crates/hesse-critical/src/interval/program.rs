//! The recorded value, gradient and Hessian of a loss, evaluated over a box in interval
//! arithmetic.
//!
//! The loss is recorded once on a tape at a point, together with its gradient (hesse-core's
//! reverse sweep, which writes the gradient as more nodes of the same ops) and the gradient
//! of every gradient component (the Hessian's rows). That tape is then walked forward with
//! the inputs replaced by intervals: every node's interval contains the node's real value
//! for every point of the box, so the gradient and Hessian nodes enclose the exact gradient
//! and Hessian over the box. No derivative formula is written here: the derivatives are the
//! engine's own rules, and only each op's value needs an interval form (`unary.rs`, and the
//! binary ops below).
//!
//! Supported: programs of scalar nodes (closures over one scalar `Var` per coordinate) with
//! every registered elementwise op and every binary op; tensor ops (matmul, sums, slices)
//! are refused, as are comparisons, `max`/`min` and kinks whose outcome is not the same over
//! the whole box. Control flow in the closure that reads values (`if x.value() > 0`) is
//! frozen at recording and invisible here: such closures are outside what a certificate
//! covers.

use hesse_core::ops::{Binary, Compare, Op, Unary};
use hesse_core::{NodeView, Tape, Var};

use super::number::Interval;
use super::unary::{UnaryTrouble, unary};

/// Why a box could not be evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trouble {
    /// An op without an interval form here (tensor ops, an unknown call-out).
    Unsupported {
        /// The op's name.
        op: &'static str,
    },
    /// The box holds a kink, a tie of `max`/`min` or a flip of a comparison of this op.
    Kink {
        /// The op's name.
        op: &'static str,
    },
}

/// Enclosures over a box.
#[derive(Clone, Debug, PartialEq)]
pub struct Enclosure {
    /// Of f.
    pub value: Interval,
    /// Of ∇f.
    pub gradient: Vec<Interval>,
    /// Of ∇²f, row-major: entries `(i, j)` and `(j, i)` are the same interval, the
    /// intersection of both computed enclosures (each holds the one exact value).
    pub hessian: Vec<Interval>,
}

/// A loss recorded with its gradient and Hessian nodes.
pub struct Program {
    nodes: Vec<NodeView>,
    inputs: Vec<usize>,
    value: usize,
    gradient: Vec<usize>,
    hessian: Vec<usize>,
}

impl Program {
    /// Records `f` at `x`, its gradient and its Hessian rows.
    pub fn record<F>(f: &F, x: &[f64]) -> Program
    where
        F: for<'t> Fn(&[Var<'t>]) -> Var<'t>,
    {
        let tape = Tape::new();
        let xs = tape.vars(x);
        // A free constant as result (a generic `T::zero()`) becomes one of this tape.
        let y = f(&xs).on(&tape);
        let g = tape.grad(y, &xs);
        let mut hessian = Vec::with_capacity(x.len() * x.len());
        for gi in &g {
            hessian.extend(tape.grad(*gi, &xs).iter().map(|v| v.id().index()));
        }
        Program {
            nodes: tape.nodes(),
            inputs: xs.iter().map(|v| v.id().index()).collect(),
            value: y.id().index(),
            gradient: g.iter().map(|v| v.id().index()).collect(),
            hessian,
        }
    }

    /// The number of coordinates.
    pub fn dim(&self) -> usize {
        self.inputs.len()
    }

    /// Enclosures of f, ∇f and ∇²f over the box `b` (one interval per coordinate).
    ///
    /// # Panics
    /// If `b.len()` is not the dimension.
    pub fn enclose(&self, b: &[Interval]) -> Result<Enclosure, Trouble> {
        assert_eq!(b.len(), self.dim(), "enclose: box of the wrong dimension");
        let mut v = vec![Interval::ENTIRE; self.nodes.len()];
        for (k, &i) in self.inputs.iter().enumerate() {
            v[i] = b[k];
        }
        for (i, node) in self.nodes.iter().enumerate() {
            if node.value.len() != 1 {
                return Err(Trouble::Unsupported { op: node.op.name() });
            }
            let arg = |k: usize| v[node.inputs[k].index()];
            v[i] = match node.op {
                Op::Input => {
                    if self.inputs.contains(&i) {
                        v[i]
                    } else {
                        Interval::point(node.value[0])
                    }
                }
                Op::Constant => Interval::point(node.value[0]),
                Op::Unary(u) => unary(u, arg(0)).map_err(|t| match t {
                    UnaryTrouble::Kink => Trouble::Kink { op: u.name() },
                    UnaryTrouble::Unsupported => Trouble::Unsupported { op: u.name() },
                })?,
                Op::Binary(op) => binary(op, arg(0), arg(1))?,
                other => return Err(Trouble::Unsupported { op: other.name() }),
            };
        }
        let n = self.dim();
        let mut hessian = vec![Interval::ENTIRE; n * n];
        for i in 0..n {
            for j in 0..n {
                let (a, b) = (v[self.hessian[i * n + j]], v[self.hessian[j * n + i]]);
                hessian[i * n + j] = a.intersect(b).unwrap_or_else(|| a.hull(b));
            }
        }
        Ok(Enclosure {
            value: v[self.value],
            gradient: self.gradient.iter().map(|&k| v[k]).collect(),
            hessian,
        })
    }
}

/// A binary op over two intervals.
fn binary(op: Binary, a: Interval, b: Interval) -> Result<Interval, Trouble> {
    let kink = Err(Trouble::Kink { op: op.name() });
    Ok(match op {
        Binary::Add => a + b,
        Binary::Sub => a - b,
        Binary::Mul => a * b,
        Binary::Div => a / b,
        Binary::Pow => {
            // aᵇ = exp(b · ln a) for a > 0; elsewhere it is not smooth or not real.
            if a.lo <= 0.0 {
                return Err(Trouble::Unsupported { op: op.name() });
            }
            let ln = unary(Unary::Ln, a).map_err(|_| Trouble::Unsupported { op: op.name() })?;
            unary(Unary::Exp, ln * b).map_err(|_| Trouble::Unsupported { op: op.name() })?
        }
        Binary::Max | Binary::Min | Binary::MaxMask => {
            let (greater, less) = (a.lo > b.hi, a.hi < b.lo);
            match (op, greater, less) {
                (Binary::Max, true, _) | (Binary::Min, _, true) => a,
                (Binary::Max, _, true) | (Binary::Min, true, _) => b,
                (Binary::MaxMask, true, _) => Interval::point(1.0),
                (Binary::MaxMask, _, true) => Interval::point(0.0),
                _ => return kink,
            }
        }
        Binary::Cmp(c) => {
            let (always, never) = match c {
                Compare::Gt => (a.lo > b.hi, a.hi <= b.lo),
                Compare::Ge => (a.lo >= b.hi, a.hi < b.lo),
                Compare::Lt => (a.hi < b.lo, a.lo >= b.hi),
                Compare::Le => (a.hi <= b.lo, a.lo > b.hi),
            };
            if always {
                Interval::point(1.0)
            } else if never {
                Interval::point(0.0)
            } else {
                return kink;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rosenbrock<'t>(x: &[Var<'t>]) -> Var<'t> {
        (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2)
    }

    // issue 17: the enclosures hold the exact gradient and Hessian (Rosenbrock's, by hand:
    // ∇f = (−2(1−x) − 400x(y−x²), 200(y−x²)), ∇²f = [[2 − 400y + 1200x², −400x], [−400x, 200]])
    // at sampled points of the box.
    #[test]
    fn enclosures_hold_the_hand_derivatives() {
        let p = Program::record(&rosenbrock, &[0.9, 1.1]);
        let b = [Interval::new(0.8, 1.0), Interval::new(1.0, 1.2)];
        let e = p.enclose(&b).unwrap();
        for s in 0..=4 {
            for t in 0..=4 {
                let (x, y) = (0.8 + 0.05 * s as f64, 1.0 + 0.05 * t as f64);
                assert!(e.gradient[0].contains(-2.0 * (1.0 - x) - 400.0 * x * (y - x * x)));
                assert!(e.gradient[1].contains(200.0 * (y - x * x)));
                assert!(e.hessian[0].contains(2.0 - 400.0 * y + 1200.0 * x * x));
                assert!(e.hessian[1].contains(-400.0 * x) && e.hessian[2].contains(-400.0 * x));
                assert!(e.hessian[3].contains(200.0));
            }
        }
    }

    #[test]
    fn kinks_and_tensor_ops_are_refused() {
        let p = Program::record(&|x: &[Var<'_>]| x[0].abs() + x[1].powi(2), &[0.5, 0.0]);
        let e = p.enclose(&[Interval::new(-0.1, 0.1), Interval::new(-0.1, 0.1)]);
        assert_eq!(e, Err(Trouble::Kink { op: "abs" }));
        assert!(
            p.enclose(&[Interval::new(0.4, 0.6), Interval::new(-0.1, 0.1)])
                .is_ok()
        );
        let q = Program::record(
            &|x: &[Var<'_>]| {
                let v = x[0].tape().vector(&[1.0, 2.0]);
                (v * x[0]).sum()
            },
            &[1.0],
        );
        assert!(matches!(
            q.enclose(&[Interval::point(1.0)]),
            Err(Trouble::Unsupported { .. })
        ));
    }
}
