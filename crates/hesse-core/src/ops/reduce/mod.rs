//! Reductions and broadcasts: `sum_to` / `broadcast_to` (each the other's VJP), `logsumexp`,
//! and the sums, means, softmax and log-softmax built from them.

use crate::shape::{Shape, broadcast_strides, fmt_shape, for_each_broadcast, numel};

/// Reductions and broadcasts. The target shape of `SumTo` and `BroadcastTo` is the node's
/// own output shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reduce {
    /// Sums a tensor down to a shape it broadcasts from (the inverse of broadcasting).
    SumTo,
    /// Repeats a tensor up to a shape it broadcasts to.
    BroadcastTo,
    /// `ln Σ exp` along one axis, kept with size 1; stable (subtracts the maximum).
    LogSumExp {
        /// The reduced axis.
        axis: usize,
    },
}

impl Reduce {
    /// One sample of every variant, for the registry sweep.
    pub const ALL: &'static [Reduce] = &[Reduce::SumTo, Reduce::BroadcastTo, Reduce::LogSumExp { axis: 0 }];

    /// The op's name.
    pub fn name(&self) -> &'static str {
        match self {
            Reduce::SumTo => "sum_to",
            Reduce::BroadcastTo => "broadcast_to",
            Reduce::LogSumExp { .. } => "logsumexp",
        }
    }

    pub(crate) fn forward(&self, (x, sx): (&[f64], &[usize]), out: &mut [f64], out_shape: &[usize]) {
        match *self {
            Reduce::SumTo => {
                out.iter_mut().for_each(|o| *o = 0.0);
                if out.len() == 1 {
                    out[0] = sum(x);
                } else if x.len() % out.len() == 0 && trailing(out_shape, sx) {
                    super::simd::sum_rows(x, out);
                } else {
                    let strides = broadcast_strides(out_shape, sx);
                    for_each_broadcast(sx, &strides, |i, o| out[o] += x[i]);
                }
            }
            Reduce::BroadcastTo => {
                if x.len() == 1 {
                    out.iter_mut().for_each(|o| *o = x[0]);
                } else if trailing(sx, out_shape) {
                    // Copy the first repeat, then double the filled prefix: ~log₂(m) copies
                    // instead of one short `memcpy` per row (1000 rows of a 50-bias).
                    out[..x.len()].copy_from_slice(x);
                    let mut done = x.len();
                    while done < out.len() {
                        let c = done.min(out.len() - done);
                        out.copy_within(..c, done);
                        done += c;
                    }
                } else {
                    let strides = broadcast_strides(sx, out_shape);
                    for_each_broadcast(out_shape, &strides, |i, o| out[i] = x[o]);
                }
            }
            Reduce::LogSumExp { axis } => {
                let (outer, len, inner) = split_axis(sx, axis);
                for o in 0..outer {
                    for i in 0..inner {
                        let at = |k: usize| x[(o * len + k) * inner + i];
                        let m = (0..len).map(at).fold(f64::NEG_INFINITY, f64::max);
                        out[o * inner + i] = if m.is_infinite() {
                            // all -inf gives -inf; any +inf gives +inf (no inf - inf = NaN)
                            m
                        } else {
                            m + (0..len).map(|k| (at(k) - m).exp()).sum::<f64>().ln()
                        };
                    }
                }
            }
        }
    }
}

/// Accumulator lanes of [`sum`].
pub(crate) const SUM_LANES: usize = 8;

/// `Σ xᵢ` in a fixed order with eight independent accumulators, the kernel of every sum to a
/// single value (eager and replayed alike, so a replay stays bit-for-bit the eager tape).
///
/// Element `i` is added to lane `i mod 8`; each lane starts at −0.0 (so an all-(−0.0) sum
/// stays −0.0, and −0.0 + x = x exactly) and adds its elements in index order; the lanes are
/// then combined pairwise as `((l₀ + l₁) + (l₂ + l₃)) + ((l₄ + l₅) + (l₆ + l₇))`. Why: a
/// single running sum is a chain of dependent additions (≈ 4 cycles each, ~5 µs for 5,000
/// values); eight chains run in parallel and vectorise. The rounding differs from the
/// sequential sum in the last bits only (pairwise-style sums usually err less).
#[inline]
pub(crate) fn sum(x: &[f64]) -> f64 {
    let mut acc = [-0.0f64; SUM_LANES];
    sum_lanes(&mut acc, x);
    sum_combine(&acc)
}

/// Adds `x` into the lanes of [`sum`], `x[0]` into lane 0: a sum of consecutive blocks whose
/// lengths are multiples of [`SUM_LANES`] (the last one any length) is [`sum`] of the whole.
#[inline(always)]
pub(crate) fn sum_lanes(acc: &mut [f64; SUM_LANES], x: &[f64]) {
    let mut blocks = x.chunks_exact(SUM_LANES);
    for b in &mut blocks {
        for (a, &v) in acc.iter_mut().zip(b) {
            *a += v;
        }
    }
    for (a, &v) in acc.iter_mut().zip(blocks.remainder()) {
        *a += v;
    }
}

/// The lanes of [`sum`] combined in its fixed order.
#[inline(always)]
pub(crate) fn sum_combine(acc: &[f64; SUM_LANES]) -> f64 {
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
}

/// Whether `small` (without leading 1s) is a suffix of `big`.
fn trailing(small: &[usize], big: &[usize]) -> bool {
    let first = small.iter().position(|&d| d != 1).unwrap_or(small.len());
    let s = &small[first..];
    s.len() <= big.len() && big[big.len() - s.len()..] == *s && numel(s) == numel(small)
}

/// (product of dims before `axis`, dim at `axis`, product of dims after).
pub(crate) fn split_axis(shape: &[usize], axis: usize) -> (usize, usize, usize) {
    (numel(&shape[..axis]), shape[axis], numel(&shape[axis + 1..]))
}

#[track_caller]
fn check_axis(op: &str, shape: &[usize], axis: usize) {
    assert!(
        axis < shape.len(),
        "{op}: axis {axis} out of range for shape {}",
        fmt_shape(shape)
    );
}

fn keepdim(shape: &[usize], axis: usize) -> Shape {
    let mut s = Shape::from_slice(shape);
    s[axis] = 1;
    s
}

fn removed(shape: &[usize], axis: usize) -> Vec<usize> {
    let mut s = shape.to_vec();
    s.remove(axis);
    s
}

mod rules;

#[cfg(test)]
mod tests {
    use super::Reduce;

    /// Broadcasting a row up to any number of rows repeats it exactly (the doubling copies
    /// cover every row once, whatever the row count).
    #[test]
    fn broadcast_rows_repeat_the_row() {
        for cols in [1, 2, 3, 10, 50] {
            let x: Vec<f64> = (0..cols).map(|j| j as f64 - 0.5).collect();
            for rows in [1, 2, 3, 5, 7, 8, 300, 1000, 1023] {
                let mut out = vec![f64::NAN; rows * cols];
                Reduce::BroadcastTo.forward((&x, &[cols]), &mut out, &[rows, cols]);
                assert!(out.chunks_exact(cols).all(|r| r == x.as_slice()), "{rows}×{cols}");
            }
        }
    }
}
