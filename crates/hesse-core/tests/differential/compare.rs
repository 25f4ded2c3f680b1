//! Bit-for-bit comparison: equal bits, or both NaN (NaN payloads are unspecified). Signed
//! zeros are compared by their bits too — `-0.0` and `0.0` differ — except in the one place
//! the engine documents them as free: the Hessian of a recording over scalar inputs, whose
//! columns `H e_i` add the other coordinates' zero contributions, which the eager rows never
//! form (`−0 + +0` is `+0`; see `exec/reach.rs`).

use super::program::Family;
use super::routes::Question;

/// Whether a zero's sign counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zeros {
    /// `-0.0` differs from `0.0`.
    Signed,
    /// `-0.0` equals `0.0`.
    EitherSign,
}

impl Zeros {
    /// The rule for one question of one program family (see the module docs).
    pub fn of(family: Family, question: Question) -> Zeros {
        match (family, question) {
            (Family::Scalars, Question::Hessian) => Zeros::EitherSign,
            _ => Zeros::Signed,
        }
    }
}

/// The first element where two answers differ.
#[derive(Clone, Debug)]
pub struct Mismatch {
    pub index: usize,
    pub got: f64,
    pub want: f64,
    /// How many elements differ in all.
    pub count: usize,
}

/// Whether `a` and `b` are the same answer: the same bits, or both NaN.
pub fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// The first difference between `got` and `want`, if any (a length difference counts).
pub fn first_difference(got: &[f64], want: &[f64], zeros: Zeros) -> Option<Mismatch> {
    if got.len() != want.len() {
        return Some(Mismatch {
            index: got.len().min(want.len()),
            got: f64::NAN,
            want: f64::NAN,
            count: 1,
        });
    }
    let mut diff =
        got.iter().zip(want).enumerate().filter(|(_, (a, b))| {
            !(same(**a, **b) || (zeros == Zeros::EitherSign && **a == 0.0 && **b == 0.0))
        });
    let (index, (&g, &w)) = diff.next()?;
    Some(Mismatch {
        index,
        got: g,
        want: w,
        count: 1 + diff.count(),
    })
}

/// A short description of what kind of difference a mismatch is, for grouping failures.
pub fn kind(m: &Mismatch) -> &'static str {
    let (g, w) = (m.got, m.want);
    if g.is_nan() != w.is_nan() {
        if g.is_nan() {
            "NaN instead of a number"
        } else {
            "a number instead of NaN"
        }
    } else if g == w {
        "signed zero"
    } else if g.is_infinite() || w.is_infinite() {
        "infinity differs"
    } else if (g - w).abs() <= 1e-12 * g.abs().max(w.abs()) {
        "last bits"
    } else {
        "wrong value"
    }
}
