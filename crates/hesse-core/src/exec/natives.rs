//! Native code of the replay programs (feature `jit`): each program's [`jit::State`]
//! (a source until it has been replayed often enough to pay for its compilation, then its
//! code), the compilation [`jit::Policy`], and the sources made from the all-scalar programs.

use std::collections::HashSet;

use crate::exec::jit;
use crate::exec::program::{Programs, Ranges};

/// With the `jit` feature, Hessians of at most this many coordinates run their columns as
/// native code, one column at a time; larger ones keep the all-columns lane program, whose
/// loops over the columns vectorise.
pub(crate) const NATIVE_COLUMNS_MAX_DIM: usize = 16;

/// Native replay state of each program (feature `jit`).
#[derive(Clone, Debug)]
pub(crate) struct Natives {
    /// The entry points of the compiled value and gradient programs when each is one
    /// function (the common case): called directly, without going through the state. Valid
    /// while `value` / `grad` hold their code, which they do once compiled.
    pub(crate) value_entry: Option<(jit::Entry, bool)>,
    pub(crate) grad_entry: Option<(jit::Entry, bool)>,
    pub(crate) value: jit::State,
    pub(crate) grad: jit::State,
    pub(crate) hvp: jit::State,
    pub(crate) pre: jit::State,
    pub(crate) col: jit::State,
    pub(crate) policy: jit::Policy,
}

impl Default for Natives {
    fn default() -> Self {
        Natives {
            value_entry: None,
            grad_entry: None,
            value: jit::State::None,
            grad: jit::State::None,
            hvp: jit::State::None,
            pre: jit::State::None,
            col: jit::State::None,
            policy: jit::Policy {
                after_runs: jit::DEFAULT_AFTER_RUNS,
            },
        }
    }
}

impl Natives {
    pub(crate) fn all(&mut self) -> [&mut jit::State; 5] {
        [
            &mut self.value,
            &mut self.grad,
            &mut self.hvp,
            &mut self.pre,
            &mut self.col,
        ]
    }
}

/// `(arena slot, index)` of one coordinate of a point or an output.
type Slot = (u32, u32);

impl Programs {
    /// Turns the all-scalar programs into native-compilation sources (compiled later, when
    /// they have been replayed enough; see `recorded/jit.rs`).
    pub(crate) fn prepare_native(&mut self, arena: usize) {
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
