//! Arena ranges ([`Ranges`]) of a list of nodes (the point, the direction, the gradient, the
//! HVP), read and written as one concatenation.

use crate::tape::TapeInner;

/// Arena ranges `(offset, len)` of a list of nodes, read and written as one concatenation.
#[derive(Clone, Debug, Default)]
pub(crate) struct Ranges(pub(crate) Vec<(usize, usize)>);

impl Ranges {
    pub(crate) fn of(inner: &TapeInner, ids: &[u32]) -> Ranges {
        Ranges(
            ids.iter()
                .map(|&i| (inner.nodes[i as usize].offset, inner.nodes[i as usize].len()))
                .collect(),
        )
    }

    #[inline]
    pub(crate) fn write(&self, values: &mut [f64], x: &[f64]) {
        let mut at = 0;
        for &(off, len) in &self.0 {
            if len == 1 {
                values[off] = x[at];
            } else {
                values[off..off + len].copy_from_slice(&x[at..at + len]);
            }
            at += len;
        }
    }

    #[inline]
    pub(crate) fn read(&self, values: &[f64], out: &mut [f64]) {
        let mut at = 0;
        for &(off, len) in &self.0 {
            if len == 1 {
                out[at] = values[off];
            } else {
                out[at..at + len].copy_from_slice(&values[off..off + len]);
            }
            at += len;
        }
    }
}
