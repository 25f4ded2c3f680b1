//! Several `Var`s seen as one flat vector of their elements, in order: how the transforms
//! read gradients of many inputs and write them into one `f64` slice.

use crate::tape::Tape;
use crate::var::Var;

/// Values of several `Var`s, concatenated.
pub(crate) fn flat_values(vars: &[Var<'_>]) -> Vec<f64> {
    let mut out = Vec::new();
    for v in vars {
        out.extend(v.to_vec());
    }
    out
}

/// Writes the concatenated values of `vars` into `out`.
pub(crate) fn copy_flat(vars: &[Var<'_>], out: &mut [f64]) {
    let mut at = 0;
    for v in vars {
        let n = v.len();
        v.copy_to(&mut out[at..at + n]);
        at += n;
    }
}

/// Scalar component `i` of the concatenation of `vars`.
pub(crate) fn component<'t>(vars: &[Var<'t>], mut i: usize) -> Var<'t> {
    for v in vars {
        let n = v.len();
        if i < n {
            return if v.is_scalar() { *v } else { v.flatten().index(i) };
        }
        i -= n;
    }
    panic!("component: index out of range")
}

/// `⟨grads, v⟩` as a scalar `Var`.
pub(crate) fn dot_with<'t>(tape: &'t Tape, grads: &[Var<'t>], v: &[f64]) -> Var<'t> {
    let mut at = 0;
    let mut acc: Option<Var<'t>> = None;
    for g in grads {
        let n = g.len();
        let term = if g.is_scalar() {
            *g * v[at]
        } else {
            (*g * tape.constant(&v[at..at + n], &g.shape())).sum()
        };
        at += n;
        acc = Some(match acc {
            Some(a) => a + term,
            None => term,
        });
    }
    acc.unwrap_or_else(|| tape.scalar(0.0))
}
