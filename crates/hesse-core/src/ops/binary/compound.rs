//! Compound assignment (`s += x`) and iterator folds (`.sum()`, `.product()`) for `Var`, so
//! a loss written with loops and iterators reads as it would over `f64`.
//!
//! An empty sum is the free constant 0 and an empty product the free constant 1
//! ([`Var::constant`]): they join the tape of whatever they are combined with.

use std::iter::{Product, Sum};
use std::ops::{AddAssign, DivAssign, MulAssign, RemAssign, SubAssign};

use crate::var::Var;

macro_rules! assign {
    ($tr:ident, $m:ident, $op:tt) => {
        impl<'t> $tr<Var<'t>> for Var<'t> {
            #[track_caller]
            fn $m(&mut self, rhs: Var<'t>) {
                *self = *self $op rhs;
            }
        }
        impl<'t> $tr<f64> for Var<'t> {
            #[track_caller]
            fn $m(&mut self, rhs: f64) {
                *self = *self $op rhs;
            }
        }
    };
}
assign!(AddAssign, add_assign, +);
assign!(SubAssign, sub_assign, -);
assign!(MulAssign, mul_assign, *);
assign!(DivAssign, div_assign, /);
assign!(RemAssign, rem_assign, %);

/// `Σ xᵢ`, left to right; the sum of nothing is the free constant 0.
///
/// ```
/// use hesse_core::Var;
/// fn sum_of_squares<'t>(w: &[Var<'t>]) -> Var<'t> {
///     w.iter().map(|wi| wi.square()).sum()
/// }
/// assert_eq!(hesse_core::grad(sum_of_squares, &[1.0, -2.0]), vec![2.0, -4.0]);
/// ```
impl<'t> Sum for Var<'t> {
    #[track_caller]
    fn sum<I: Iterator<Item = Var<'t>>>(mut iter: I) -> Var<'t> {
        match iter.next() {
            Some(first) => iter.fold(first, |s, x| s + x),
            None => Var::zero(),
        }
    }
}

impl<'a, 't> Sum<&'a Var<'t>> for Var<'t> {
    #[track_caller]
    fn sum<I: Iterator<Item = &'a Var<'t>>>(iter: I) -> Var<'t> {
        iter.copied().sum()
    }
}

/// `Π xᵢ`, left to right; the product of nothing is the free constant 1.
///
/// ```
/// use hesse_core::Var;
/// let g = hesse_core::grad(|x| x.iter().product::<Var>(), &[2.0, 3.0, 4.0]);
/// assert_eq!(g, vec![12.0, 8.0, 6.0]);
/// ```
impl<'t> Product for Var<'t> {
    #[track_caller]
    fn product<I: Iterator<Item = Var<'t>>>(mut iter: I) -> Var<'t> {
        match iter.next() {
            Some(first) => iter.fold(first, |p, x| p * x),
            None => Var::one(),
        }
    }
}

impl<'a, 't> Product<&'a Var<'t>> for Var<'t> {
    #[track_caller]
    fn product<I: Iterator<Item = &'a Var<'t>>>(iter: I) -> Var<'t> {
        iter.copied().product()
    }
}

#[cfg(test)]
mod tests {
    use crate::{Var, grad};

    #[test]
    fn assignment_operators_and_folds() {
        // issue 18: `s += x` and `.sum()` compile and differentiate like the formula.
        let f = crate::function(|x| {
            let mut s = Var::zero();
            for &xi in x {
                s += xi * xi;
            }
            s -= 1.0;
            s *= x[0];
            s /= 2.0;
            s
        });
        // f = x₀ (x₀² + x₁² − 1) / 2; ∂₀ = (3x₀² + x₁² − 1)/2, ∂₁ = x₀ x₁.
        assert_eq!(grad(f, &[1.0, 2.0]), vec![3.0, 2.0]);
        let empty: Vec<Var> = Vec::new();
        assert_eq!(empty.iter().sum::<Var>().value(), 0.0);
        assert_eq!(empty.iter().product::<Var>().value(), 1.0);
    }
}
