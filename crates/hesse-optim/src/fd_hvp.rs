//! Hessian-vector products by central differences of the gradient, for the second-order check
//! on objectives that have no exact ones.
//!
//! ∇²f(x)·v ≈ ‖v‖·(∇f(x + hv̂) − ∇f(x − hv̂)) / (2h), v̂ = v/‖v‖, with h = ε^⅓·max(1, ‖x‖∞),
//! the step that balances the O(h²) truncation error against the O(ε/h) rounding error of
//! central differences (Nocedal & Wright, *Numerical Optimization*, 2nd ed., §8.1). Two
//! gradient evaluations per product. The driver uses it only where a run of an objective
//! without [`Objective::hvp`] stops at its start (∇f(x₀) ≈ 0), where a first-order method
//! cannot tell a minimum from a saddle point or a maximum.

use crate::state::{norm_inf, norm2};
use crate::{Objective, OptimError};

/// An [`Objective`] whose `hvp` is central differences of `inner`'s gradient.
pub(crate) struct FdHvp<'a> {
    pub(crate) inner: &'a mut dyn Objective,
}

impl Objective for FdHvp<'_> {
    fn dim(&self) -> usize {
        self.inner.dim()
    }
    fn value_and_grad(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        self.inner.value_and_grad(x, grad)
    }
    fn hvp(&mut self, x: &[f64], v: &[f64], out: &mut [f64]) -> Result<(), OptimError> {
        let vn = norm2(v);
        if vn == 0.0 {
            out.iter_mut().for_each(|o| *o = 0.0);
            return Ok(());
        }
        let h = f64::EPSILON.cbrt() * norm_inf(x).max(1.0);
        let n = x.len();
        let (mut xp, mut gp, mut gm) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        xp.iter_mut()
            .zip(x.iter().zip(v))
            .for_each(|(t, (xi, vi))| *t = xi + h * vi / vn);
        self.inner.value_and_grad(&xp, &mut gp);
        xp.iter_mut()
            .zip(x.iter().zip(v))
            .for_each(|(t, (xi, vi))| *t = xi - h * vi / vn);
        self.inner.value_and_grad(&xp, &mut gm);
        out.iter_mut()
            .zip(gp.iter().zip(&gm))
            .for_each(|(o, (a, b))| *o = vn * (a - b) / (2.0 * h));
        Ok(())
    }
    fn supports_hvp(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FnObjective;

    #[test]
    fn matches_the_hessian_of_a_cubic() {
        // issue 19: f = x₀³ + x₀x₁², ∇²f = [[6x₀, 2x₁], [2x₁, 2x₀]] by hand.
        let mut f = FnObjective::new(2, |x: &[f64], g: &mut [f64]| {
            g[0] = 3.0 * x[0] * x[0] + x[1] * x[1];
            g[1] = 2.0 * x[0] * x[1];
            x[0].powi(3) + x[0] * x[1] * x[1]
        });
        let mut fd = FdHvp { inner: &mut f };
        let mut out = [0.0; 2];
        fd.hvp(&[0.5, -2.0], &[1.0, 3.0], &mut out).unwrap();
        // [[3, −4], [−4, 1]]·(1, 3) = (−9, −1).
        assert!(
            (out[0] + 9.0).abs() < 1e-8 && (out[1] + 1.0).abs() < 1e-8,
            "{out:?}"
        );
    }
}
