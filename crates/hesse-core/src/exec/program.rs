//! The compiled replay programs of a recording ([`Programs`]), with the arena [`Ranges`] of
//! the point, direction and results: how a program is replayed with the caller's buffers,
//! and how the all-scalar ones become native-compilation sources (feature `jit`). Compiled
//! by `exec/passes.rs`.

#[cfg(feature = "jit")]
use std::collections::{HashMap, HashSet};

use crate::exec::fast::{Fast, run, run_io};
use crate::exec::fused::{Bound, Io, Region};
#[cfg(feature = "jit")]
use crate::exec::instr::Instr;
#[cfg(feature = "jit")]
use crate::exec::jit;
use crate::exec::lanes::Lanes;
#[cfg(feature = "jit")]
use crate::exec::natives::Natives;
use crate::exec::ranges::Ranges;
use crate::exec::reach::Reach;
#[cfg(feature = "rayon")]
use crate::matrix::Matrix;
use crate::tape::TapeInner;

/// The compiled replay programs of a recording.
#[derive(Clone, Debug, Default)]
pub(crate) struct Programs {
    pub(crate) value: Vec<Fast>,
    pub(crate) grad: Vec<Fast>,
    pub(crate) hvp: Vec<Fast>,
    /// The part of `hvp` independent of the direction (once per Hessian).
    pub(crate) hess_pre: Vec<Fast>,
    /// The direction-dependent part of `hvp` (once per Hessian column).
    pub(crate) hess_col: Vec<Fast>,
    /// Where each node's value is read from after CSE (the canonical equal node).
    pub(crate) canon: Vec<u32>,
    /// Arena slots of the direction, in coordinate order.
    pub(crate) dir_slots: Vec<usize>,
    /// Where the point, the direction, the gradient and the HVP live in the arena.
    pub(crate) inputs: Ranges,
    pub(crate) directions: Ranges,
    pub(crate) grads: Ranges,
    pub(crate) hvps: Ranges,
    /// Arena slot of the value.
    pub(crate) output: usize,
    /// Arena slots of the recorded comparisons and their recorded outcomes.
    pub(crate) compares: Vec<(usize, f64)>,
    /// `hess_col` for all n columns at once, when it is all scalar ops (see [`Lanes`]).
    pub(crate) lanes: Option<Lanes>,
    /// `hess_col` with structural zeros, for Hessian rows with non-finite entries of a
    /// recording over scalar inputs (see [`Reach`]).
    pub(crate) reach: Option<Reach>,
    /// Fused elementwise regions of `value`, `grad` and `hvp` (see [`crate::exec::fused`]).
    pub(crate) regions: Vec<Region>,
    /// The all-scalar programs as instructions, with the slots read after each, for native
    /// compilation: value, gradient, HVP, Hessian prefix, Hessian column.
    #[cfg(feature = "jit")]
    pub(crate) scalar: [Option<(Vec<Instr>, Vec<u32>)>; 5],
    /// Scalar slots whose values never change after recording (nodes on neither the point
    /// nor the direction): compiled code embeds them as constants.
    #[cfg(feature = "jit")]
    pub(crate) fixed: HashMap<u32, f64>,
    /// Their native code, compiled when it pays (see `exec/jit.rs`).
    #[cfg(feature = "jit")]
    pub(crate) native: Natives,
    /// Which caller buffers the regions of `value`, `grad` and `hvp` read and write in place
    /// of the arena (see [`crate::exec::fused::bind`]).
    pub(crate) value_io: Bound,
    pub(crate) grad_io: Bound,
    pub(crate) hvp_io: Bound,
}

impl Programs {
    /// Runs `prog` (`value`, `grad` or `hvp`, with its `bound`) at the point `x` and the
    /// direction `v`, its vector result into `out`, read from the arena `res` unless the
    /// regions wrote it there directly: only the buffers the regions are not bound to are
    /// copied into the arena and out of it. Inlined into each method, with a direct path for
    /// programs bound to nothing (every scalar program): a scalar replay takes ~100 ns, of
    /// which the general path's setup, out of line, took ~5 % (W5's descent).
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    pub(crate) fn replay(
        &self,
        inner: &mut TapeInner,
        prog: &[Fast],
        bound: Bound,
        x: &[f64],
        v: Option<&[f64]>,
        out: Option<(&mut [f64], &Ranges)>,
    ) {
        if !(bound.x || bound.v || bound.out) {
            // Nothing bound: copies in, the arena alone, copies out.
            self.inputs.write(&mut inner.values, x);
            if let Some(v) = v {
                self.directions.write(&mut inner.values, v);
            }
            run(inner, prog, &self.regions);
            if let Some((out, res)) = out {
                res.read(&inner.values, out);
            }
            return;
        }
        if !bound.x {
            self.inputs.write(&mut inner.values, x);
        }
        if let (Some(v), false) = (v, bound.v) {
            self.directions.write(&mut inner.values, v);
        }
        let (out, res) = match out {
            Some((o, r)) => (o, Some(r)),
            None => (&mut [][..], None),
        };
        let mut io = Io {
            x,
            v: v.unwrap_or(&[]),
            out: if bound.out { &mut *out } else { &mut [] },
        };
        run_io(inner, prog, &self.regions, &mut io);
        if let (Some(res), false) = (res, bound.out) {
            res.read(&inner.values, out);
        }
    }
}

/// `(arena slot, index)` of one coordinate of a point or an output.
#[cfg(feature = "jit")]
type Slot = (u32, u32);

#[cfg(feature = "jit")]
impl Programs {
    /// Turns the all-scalar programs into native-compilation sources (compiled later, when
    /// they have been replayed enough; see `exec/jit.rs`).
    pub(crate) fn prepare_native(&mut self, arena: usize) {
        // Nothing to compile (a vector recording): the slot lists below would be as long as
        // the point, the gradient and the HVP together.
        if self.scalar.iter().all(Option::is_none) {
            return;
        }
        let slots = |r: &Ranges| -> Vec<(u32, u32)> {
            r.0.iter()
                .flat_map(|&(o, l)| o..o + l)
                .enumerate()
                .map(|(k, s)| (s as u32, k as u32))
                .collect()
        };
        let (x, g, h) = (slots(&self.inputs), slots(&self.grads), slots(&self.hvps));
        // Value and gradient programs return the value.
        let y = Some(self.output as u32);
        let io: [(&[Slot], &[Slot], Option<u32>); 5] = [
            (&x, &[], y),
            (&x, &g, y),
            (&x, &h, None),
            (&x, &[], None),
            (&[], &h, None),
        ];
        let sources = std::mem::take(&mut self.scalar);
        let compares: HashSet<u32> = self.compares.iter().map(|&(s, _)| s as u32).collect();
        let all = self.native.all().into_iter().zip(sources).zip(io).enumerate();
        for (k, ((state, src), (inputs, outputs, ret))) in all {
            // Native code hands its results back directly (returned value, `out`), so after
            // it only the comparisons are read from the arena, and only the Hessian's prefix
            // (k = 3) leaves values there for the columns, the point among them.
            let prefix = k == 3;
            let src = src.map(|(prog, pinned)| {
                let pinned = if prefix {
                    pinned
                } else {
                    pinned.into_iter().filter(|s| compares.contains(s)).collect()
                };
                (prog, pinned)
            });
            *state = match src {
                Some((prog, pinned)) => jit::State::new(jit::Source {
                    store_inputs: prefix,
                    consts: prog
                        .iter()
                        .flat_map(jit::reads)
                        .filter_map(|r| self.fixed.get(&r).map(|&v| (r, v)))
                        .collect(),
                    prog,
                    pinned,
                    inputs: inputs.to_vec(),
                    outputs: outputs.to_vec(),
                    ret,
                    arena,
                }),
                None => jit::State::None,
            };
        }
    }
}

#[cfg(feature = "rayon")]
impl Programs {
    /// The Hessian's columns on rayon's threads, after the prefix has run on `inner`: the lane
    /// program over column blocks, or the column program on a copy of the arena per block.
    pub(crate) fn hessian_columns_par(&self, inner: &TapeInner, n: usize, out: &mut Matrix) {
        use rayon::prelude::*;
        // The worker threads run the caller's native-code and streaming settings
        // (`crate::native`, `crate::streaming`).
        let (setting, stream) = (crate::native::current(), crate::streaming::min_bytes());
        let blocks = rayon::current_num_threads().max(1) * 2;
        let w = n.div_ceil(blocks).max(1);
        if let Some(lanes) = &self.lanes {
            let starts: Vec<usize> = (0..n).step_by(w).collect();
            let parts: Vec<(usize, usize, Vec<f64>)> = starts
                .par_iter()
                .map(|&c0| {
                    crate::native::scoped(setting, || {
                        crate::streaming::scoped(stream, || {
                            let c1 = (c0 + w).min(n);
                            let mut block = vec![0.0; n * (c1 - c0)];
                            let mut buf = Vec::new();
                            lanes.columns(&inner.values, n, c0..c1, &mut buf, |i, c, v| {
                                let at = i * (c1 - c0) + (c - c0);
                                block[at..at + v.len()].copy_from_slice(v);
                            });
                            (c0, c1, block)
                        })
                    })
                })
                .collect();
            for (c0, c1, block) in parts {
                for i in 0..n {
                    out.row_mut(i)[c0..c1].copy_from_slice(&block[i * (c1 - c0)..(i + 1) * (c1 - c0)]);
                }
            }
        } else {
            out.as_mut_slice()
                .par_chunks_mut(w * n)
                .enumerate()
                .for_each(|(b, rows)| {
                    crate::native::scoped(setting, || {
                        crate::streaming::scoped(stream, || {
                            let mut local = inner.clone();
                            for &s in &self.dir_slots {
                                local.values[s] = 0.0;
                            }
                            for (k, row) in rows.chunks_mut(n).enumerate() {
                                let s = self.dir_slots[b * w + k];
                                local.values[s] = 1.0;
                                run(&mut local, &self.hess_col, &self.regions);
                                self.hvps.read(&local.values, row);
                                local.values[s] = 0.0;
                            }
                        })
                    })
                });
        }
    }
}
