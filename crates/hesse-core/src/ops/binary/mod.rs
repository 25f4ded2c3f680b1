//! Elementwise functions of two inputs, with numpy broadcasting.
//!
//! Every rule reduces its cotangent back to the operand's shape with [`Var::sum_to`](crate::Var::sum_to), the one
//! place broadcasting is undone (rule R5). `max`/`min` split the gradient 0.5/0.5 on ties
//! through the zero-derivative mask [`Binary::MaxMask`].

use crate::shape::{broadcast_strides, for_each_broadcast2};

/// A comparison whose outcome is recorded on the tape (see [`Var::gt`](crate::Var::gt)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compare {
    /// `a > b`
    Gt,
    /// `a ≥ b`
    Ge,
    /// `a < b`
    Lt,
    /// `a ≤ b`
    Le,
}

/// Elementwise function of two inputs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Binary {
    /// `a + b`
    Add,
    /// `a − b`
    Sub,
    /// `a · b`
    Mul,
    /// `a / b`
    Div,
    /// `aᵇ`
    Pow,
    /// `max(a, b)`
    Max,
    /// `min(a, b)`
    Min,
    /// 1 if a > b, ½ if a = b, 0 if a < b; zero derivative.
    MaxMask,
    /// 1 if the comparison holds, else 0; zero derivative.
    Cmp(Compare),
}

impl Binary {
    /// One sample of every variant, for the registry sweep.
    pub const ALL: &'static [Binary] = &[
        Binary::Add,
        Binary::Sub,
        Binary::Mul,
        Binary::Div,
        Binary::Pow,
        Binary::Max,
        Binary::Min,
        Binary::MaxMask,
        Binary::Cmp(Compare::Gt),
    ];

    /// The op's name.
    pub fn name(&self) -> &'static str {
        match self {
            Binary::Add => "add",
            Binary::Sub => "sub",
            Binary::Mul => "mul",
            Binary::Div => "div",
            Binary::Pow => "pow",
            Binary::Max => "max",
            Binary::Min => "min",
            Binary::MaxMask => "max_mask",
            Binary::Cmp(Compare::Gt) => "gt",
            Binary::Cmp(Compare::Ge) => "ge",
            Binary::Cmp(Compare::Lt) => "lt",
            Binary::Cmp(Compare::Le) => "le",
        }
    }

    /// Whether the op's derivative is zero everywhere.
    pub fn is_mask(&self) -> bool {
        matches!(self, Binary::MaxMask | Binary::Cmp(_))
    }

    /// The forward kernel on one pair of elements.
    #[inline(always)]
    pub fn eval(&self, a: f64, b: f64) -> f64 {
        match *self {
            Binary::Add => a + b,
            Binary::Sub => a - b,
            Binary::Mul => a * b,
            Binary::Div => a / b,
            Binary::Pow => a.powf(b),
            // NaN-propagating, unlike f64::max (IEEE 754-2019 `maximum`).
            Binary::Max => {
                if a.is_nan() || b.is_nan() {
                    f64::NAN
                } else if b > a {
                    b
                } else {
                    a
                }
            }
            Binary::Min => {
                if a.is_nan() || b.is_nan() {
                    f64::NAN
                } else if b < a {
                    b
                } else {
                    a
                }
            }
            Binary::MaxMask => {
                if a > b {
                    1.0
                } else if a < b {
                    0.0
                } else if a == b {
                    0.5
                } else {
                    f64::NAN
                }
            }
            Binary::Cmp(c) => {
                let holds = match c {
                    Compare::Gt => a > b,
                    Compare::Ge => a >= b,
                    Compare::Lt => a < b,
                    Compare::Le => a <= b,
                };
                if holds { 1.0 } else { 0.0 }
            }
        }
    }

    // Inlined so that the fused regions' AVX2 build (`crate::fused`) vectorises it too.
    #[inline(always)]
    pub(crate) fn forward(
        &self,
        a: (&[f64], &[usize]),
        b: (&[f64], &[usize]),
        out: &mut [f64],
        out_shape: &[usize],
    ) {
        // One copy of the loops per variant: `eval` inlines with the variant known, so the
        // per-element `match` folds away and the loops can vectorise.
        macro_rules! each {
            ($($v:ident $(($p:ident))?),* $(,)?) => {
                match *self {
                    $(Binary::$v $(($p))? => {
                        broadcast_loops(a, b, out, out_shape, |x, y| Binary::$v $(($p))?.eval(x, y))
                    })*
                }
            };
        }
        each!(Add, Sub, Mul, Div, Pow, Max, Min, MaxMask, Cmp(c));
    }
}

/// `out[i] = f(a[i], b[i])` with numpy broadcasting, fast paths first.
#[inline(always)]
fn broadcast_loops(
    (a, sa): (&[f64], &[usize]),
    (b, sb): (&[f64], &[usize]),
    out: &mut [f64],
    out_shape: &[usize],
    f: impl Fn(f64, f64) -> f64,
) {
    let n = out.len();
    if a.len() == n && b.len() == n {
        for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
            *o = f(x, y);
        }
    } else if a.len() == 1 && b.len() == n {
        let x = a[0];
        for (o, &y) in out.iter_mut().zip(b) {
            *o = f(x, y);
        }
    } else if b.len() == 1 && a.len() == n {
        let y = b[0];
        for (o, &x) in out.iter_mut().zip(a) {
            *o = f(x, y);
        }
    } else if a.len() == n && is_trailing(sb, out_shape) {
        // b repeats along the leading axes, e.g. a bias row added to every sample.
        for (row_o, row_a) in out.chunks_exact_mut(b.len()).zip(a.chunks_exact(b.len())) {
            for ((o, &x), &y) in row_o.iter_mut().zip(row_a).zip(b) {
                *o = f(x, y);
            }
        }
    } else {
        let stra = broadcast_strides(sa, out_shape);
        let strb = broadcast_strides(sb, out_shape);
        for_each_broadcast2(out_shape, &stra, &strb, |i, oa, ob| out[i] = f(a[oa], b[ob]));
    }
}

/// Whether `small` equals the trailing dimensions of `out` (after dropping leading 1s).
fn is_trailing(small: &[usize], out: &[usize]) -> bool {
    let first = small.iter().position(|&d| d != 1).unwrap_or(small.len());
    let s = &small[first..];
    !s.is_empty() && s.len() <= out.len() && out[out.len() - s.len()..] == *s
}

mod compound;
mod rules;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_propagates_nan_and_splits_ties() {
        assert!(Binary::Max.eval(f64::NAN, 1.0).is_nan());
        assert!(Binary::Min.eval(1.0, f64::NAN).is_nan());
        assert_eq!(Binary::MaxMask.eval(1.0, 1.0), 0.5);
    }

    #[test]
    fn trailing_detection() {
        assert!(is_trailing(&[3], &[4, 3]));
        assert!(is_trailing(&[1, 3], &[4, 3]));
        assert!(!is_trailing(&[4, 1], &[4, 3]));
    }
}
