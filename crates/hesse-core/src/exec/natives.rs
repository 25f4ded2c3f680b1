//! Native code of the replay programs (feature `jit`): each program's [`jit::State`]
//! (a source until it has been replayed often enough to pay for its compilation, then its
//! code) and the compilation [`jit::Policy`]. The sources are made from the all-scalar
//! programs by `Programs::prepare_native` (`exec/program.rs`).

use crate::exec::jit;

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
