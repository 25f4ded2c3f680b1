//! The twice-differentiable functions the analysis works on.

use hesse_core::{Matrix, RecordedFn};

/// A function with exact gradient, Hessian and Hessian-vector products.
///
/// Implemented for [`RecordedFn`] (record once, replay fast); implement it for your own type to
/// analyse anything else.
pub trait TwiceDifferentiable {
    /// Number of coordinates.
    fn dim(&self) -> usize;
    /// The value at `x`.
    fn value(&mut self, x: &[f64]) -> f64;
    /// The value and gradient at `x`.
    fn value_and_grad(&mut self, x: &[f64]) -> (f64, Vec<f64>);
    /// The exact Hessian at `x`.
    fn hessian(&mut self, x: &[f64]) -> Matrix;
    /// `H(x)·v`.
    fn hvp(&mut self, x: &[f64], v: &[f64]) -> Vec<f64>;
}

impl TwiceDifferentiable for RecordedFn {
    fn dim(&self) -> usize {
        RecordedFn::dim(self)
    }
    fn value(&mut self, x: &[f64]) -> f64 {
        RecordedFn::value(self, x)
    }
    fn value_and_grad(&mut self, x: &[f64]) -> (f64, Vec<f64>) {
        RecordedFn::value_and_grad(self, x)
    }
    fn hessian(&mut self, x: &[f64]) -> Matrix {
        // The analysis has checked its own memory limit (`AnalysisOptions::check_size`),
        // which may be above hesse-core's: allocate here, where that check applies.
        let n = RecordedFn::dim(self);
        let mut h = Matrix::zeros(n, n);
        RecordedFn::hessian_to(self, x, &mut h);
        h
    }
    fn hvp(&mut self, x: &[f64], v: &[f64]) -> Vec<f64> {
        RecordedFn::hvp(self, x, v)
    }
}

pub(crate) fn norm(v: &[f64]) -> f64 {
    v.iter().map(|a| a * a).sum::<f64>().sqrt()
}
