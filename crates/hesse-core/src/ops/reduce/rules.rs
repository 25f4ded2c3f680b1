//! The `Var` methods of the reduce ops and their vector-Jacobian rules, written in `Var` ops
//! (so they differentiate again). The ops' data and kernels are in the parent module, which
//! knows nothing of `Var`.

use super::{Reduce, check_axis, keepdim, removed};
use crate::ops::Op;
use crate::shape::{Shape, broadcasts_to, fmt_shape};
use crate::tape::Inputs;
use crate::var::Var;

impl Reduce {
    /// The VJP of the single input.
    pub fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, y: Var<'t>) -> Option<Var<'t>> {
        Some(match self {
            Reduce::SumTo => g.broadcast_to(&x.shape()),
            Reduce::BroadcastTo => g.sum_to(&x.shape()),
            // ∂/∂xᵢ ln Σ eˣ = e^(xᵢ − y): the softmax, written in ops so it differentiates again.
            Reduce::LogSumExp { .. } => (x - y).exp() * g,
        })
    }
}

impl<'t> Var<'t> {
    /// Sums down to `shape`, which must broadcast to this `Var`'s shape: the adjoint of
    /// broadcasting. Returns `self` when the shapes already agree.
    ///
    /// # Panics
    /// If `shape` does not broadcast to `self`'s shape.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let m = tape.tensor(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    /// assert_eq!(m.sum_to(&[2]).to_vec(), vec![4.0, 6.0]);
    /// assert_eq!(m.sum_to(&[2, 1]).to_vec(), vec![3.0, 7.0]);
    /// ```
    #[track_caller]
    pub fn sum_to(self, shape: &[usize]) -> Var<'t> {
        if self.has_shape(shape) {
            return self;
        }
        let own = self.shape_small();
        assert!(
            broadcasts_to(shape, &own),
            "sum_to: cannot reduce {} to {}",
            fmt_shape(&own),
            fmt_shape(shape)
        );
        self.tape.push(
            Op::Reduce(Reduce::SumTo),
            Inputs::from_slice(&[self.idx()]),
            Shape::from_slice(shape),
        )
    }

    /// Repeats values up to `shape` (numpy broadcasting). Returns `self` when shapes agree.
    /// Its VJP is [`Var::sum_to`].
    ///
    /// # Panics
    /// If `self`'s shape does not broadcast to `shape`.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let v = tape.vector(&[1.0, 2.0]);
    /// assert_eq!(v.broadcast_to(&[2, 2]).to_vec(), vec![1.0, 2.0, 1.0, 2.0]);
    /// ```
    #[track_caller]
    pub fn broadcast_to(self, shape: &[usize]) -> Var<'t> {
        if self.has_shape(shape) {
            return self;
        }
        let own = self.shape_small();
        assert!(
            broadcasts_to(&own, shape),
            "broadcast_to: cannot broadcast {} to {}",
            fmt_shape(&own),
            fmt_shape(shape)
        );
        self.tape.push(
            Op::Reduce(Reduce::BroadcastTo),
            Inputs::from_slice(&[self.idx()]),
            Shape::from_slice(shape),
        )
    }

    /// Sum of all elements, a scalar. d/dxᵢ = 1.
    ///
    /// Summation order (fixed, the same eager and replayed): element `i` goes to accumulator
    /// `i mod 8`, each accumulator starts at −0.0 and adds its elements in index order, and
    /// the eight are combined as `((a₀ + a₁) + (a₂ + a₃)) + ((a₄ + a₅) + (a₆ + a₇))`. Eight
    /// independent chains instead of one make long sums several times faster; the result can
    /// differ from a left-to-right sum in the last bits.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// assert_eq!(tape.vector(&[1.0, 2.0, 3.0]).sum().value(), 6.0);
    /// ```
    pub fn sum(self) -> Var<'t> {
        self.sum_to(&[])
    }

    /// Mean of all elements, a scalar. d/dxᵢ = 1/n.
    ///
    /// ```
    /// let g = hesse_core::vector::grad(|v| v.mean(), &[1.0, 2.0, 3.0, 4.0]);
    /// assert_eq!(g, [0.25; 4]);
    /// ```
    pub fn mean(self) -> Var<'t> {
        let n = self.len() as f64;
        self.sum() / n
    }

    /// Sum along `axis`, which is removed from the shape.
    ///
    /// # Panics
    /// If `axis` is out of range.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let m = tape.tensor(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    /// assert_eq!(m.sum_axis(0).to_vec(), vec![4.0, 6.0]);
    /// assert_eq!(m.sum_axis(1).to_vec(), vec![3.0, 7.0]);
    /// ```
    #[track_caller]
    pub fn sum_axis(self, axis: usize) -> Var<'t> {
        let s = self.shape();
        check_axis("sum_axis", &s, axis);
        self.sum_to(&keepdim(&s, axis)).reshape(&removed(&s, axis))
    }

    /// Sum along `axis`, kept with size 1 (numpy's `keepdims=True`).
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let m = tape.tensor(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    /// assert_eq!(m.sum_keepdim(1).shape(), vec![2, 1]);
    /// ```
    #[track_caller]
    pub fn sum_keepdim(self, axis: usize) -> Var<'t> {
        let s = self.shape();
        check_axis("sum_keepdim", &s, axis);
        self.sum_to(&keepdim(&s, axis))
    }

    /// Mean along `axis`, which is removed.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let m = tape.tensor(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    /// assert_eq!(m.mean_axis(0).to_vec(), vec![2.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn mean_axis(self, axis: usize) -> Var<'t> {
        let s = self.shape();
        check_axis("mean_axis", &s, axis);
        self.sum_axis(axis) / s[axis] as f64
    }

    /// `ln Σ exp(x)` along `axis`, kept with size 1; stable for large values.
    /// ∂/∂xᵢ = softmax(x)ᵢ.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let m = tape.tensor(&[1000.0, 1000.0], &[1, 2]);
    /// let l = m.logsumexp_keepdim(1);
    /// assert!((l.to_vec()[0] - (1000.0 + 2f64.ln())).abs() < 1e-12);
    /// ```
    #[track_caller]
    pub fn logsumexp_keepdim(self, axis: usize) -> Var<'t> {
        let s = self.shape_small();
        check_axis("logsumexp", &s, axis);
        self.tape.push(
            Op::Reduce(Reduce::LogSumExp { axis }),
            Inputs::from_slice(&[self.idx()]),
            keepdim(&s, axis),
        )
    }

    /// `ln Σ exp(x)` along `axis`, which is removed.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let v = tape.vector(&[0.0, 0.0]);
    /// assert!((v.logsumexp_axis(0).value() - 2f64.ln()).abs() < 1e-15);
    /// ```
    #[track_caller]
    pub fn logsumexp_axis(self, axis: usize) -> Var<'t> {
        let s = self.shape();
        self.logsumexp_keepdim(axis).reshape(&removed(&s, axis))
    }

    /// `ln Σ exp(x)` over all elements, a scalar.
    ///
    /// ```
    /// let g = hesse_core::vector::grad(|v| v.logsumexp(), &[0.0, 0.0]);
    /// assert_eq!(g, [0.5, 0.5]);
    /// ```
    pub fn logsumexp(self) -> Var<'t> {
        let n = self.len();
        self.reshape(&[n]).logsumexp_axis(0)
    }

    /// Softmax along `axis`: `exp(x − logsumexp(x))`, stable, rows summing to 1.
    /// ∂yᵢ/∂xⱼ = yᵢ(δᵢⱼ − yⱼ).
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let z = tape.tensor(&[1.0, 2.0, 3.0], &[1, 3]);
    /// let p = z.softmax(1).to_vec();
    /// assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    /// ```
    #[track_caller]
    pub fn softmax(self, axis: usize) -> Var<'t> {
        (self - self.logsumexp_keepdim(axis)).exp()
    }

    /// Log-softmax along `axis`: `x − logsumexp(x)`, stable.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let z = tape.tensor(&[0.0, 0.0], &[1, 2]);
    /// assert!((z.log_softmax(1).to_vec()[0] + 2f64.ln()).abs() < 1e-15);
    /// ```
    #[track_caller]
    pub fn log_softmax(self, axis: usize) -> Var<'t> {
        self - self.logsumexp_keepdim(axis)
    }
}
