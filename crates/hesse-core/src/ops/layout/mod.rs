//! Reshape, slice, pad and concatenation: ops that move values without arithmetic.
//! `Slice` and `Pad` are each other's VJP; `Concat`'s VJP slices the cotangent.

use crate::ops::reduce::split_axis;

/// Ops that rearrange values. Output shapes are the node's own shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Same values, new shape.
    Reshape,
    /// The range `start .. start + len` along `axis` (`len` from the output shape).
    Slice {
        /// The sliced axis.
        axis: usize,
        /// First index kept.
        start: usize,
    },
    /// Zeros with the input placed at `start` along `axis` (the adjoint of `Slice`).
    Pad {
        /// The padded axis.
        axis: usize,
        /// Where the input starts.
        start: usize,
    },
    /// The inputs joined along `axis`.
    Concat {
        /// The joined axis.
        axis: usize,
    },
}

impl Layout {
    /// One sample of every variant, for the registry sweep.
    pub const ALL: &'static [Layout] = &[
        Layout::Reshape,
        Layout::Slice { axis: 0, start: 1 },
        Layout::Pad { axis: 0, start: 1 },
        Layout::Concat { axis: 0 },
    ];

    /// The op's name.
    pub fn name(&self) -> &'static str {
        match self {
            Layout::Reshape => "reshape",
            Layout::Slice { .. } => "slice",
            Layout::Pad { .. } => "pad",
            Layout::Concat { .. } => "concat",
        }
    }

    pub(crate) fn forward(&self, ins: &[(&[f64], &[usize])], out: &mut [f64], out_shape: &[usize]) {
        match *self {
            Layout::Reshape => out.copy_from_slice(ins[0].0),
            Layout::Slice { axis, start } => {
                let (x, sx) = ins[0];
                let (outer, len_in, inner) = split_axis(sx, axis);
                let len_out = out_shape[axis];
                let run = len_out * inner;
                if run == 1 {
                    // One element per row (a column of a matrix): a strided gather.
                    for (o, v) in out.iter_mut().enumerate() {
                        *v = x[o * len_in + start];
                    }
                } else {
                    for o in 0..outer {
                        let src = (o * len_in + start) * inner;
                        out[o * run..(o + 1) * run].copy_from_slice(&x[src..src + run]);
                    }
                }
            }
            Layout::Pad { axis, start } => {
                let (x, sx) = ins[0];
                out.iter_mut().for_each(|o| *o = 0.0);
                let (outer, len_in, inner) = split_axis(sx, axis);
                let len_out = out_shape[axis];
                let run = len_in * inner;
                if run == 1 {
                    // One element per row: a strided scatter.
                    for (o, &v) in x.iter().enumerate() {
                        out[o * len_out + start] = v;
                    }
                } else {
                    for o in 0..outer {
                        let dst = (o * len_out + start) * inner;
                        out[dst..dst + run].copy_from_slice(&x[o * run..(o + 1) * run]);
                    }
                }
            }
            Layout::Concat { axis } => {
                let (outer, len_out, inner) = split_axis(out_shape, axis);
                let mut at = 0;
                for &(x, sx) in ins {
                    let len = sx[axis];
                    for o in 0..outer {
                        let dst = (o * len_out + at) * inner;
                        out[dst..dst + len * inner]
                            .copy_from_slice(&x[o * len * inner..(o + 1) * len * inner]);
                    }
                    at += len;
                }
            }
        }
    }
}

mod rules;
