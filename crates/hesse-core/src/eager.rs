//! How the eager transforms run their vector work: fused, past a size.
//!
//! The functional transforms ([`grad`](crate::grad), [`value_and_grad`](crate::value_and_grad),
//! [`hvp`](crate::hvp), their [`vector`](crate::vector) forms, …) record on a scratch tape
//! that defers its vector kernels until a value is read. When the deferred work a read needs
//! holds at least [`min_values`] values, it runs as the fused regions of the replays
//! (`exec/fused`: runs of elementwise nodes block by block, intermediates in registers and L1
//! cache, written to memory only where read afterwards): the same kernels on the same
//! numbers, so the same bits, in one pass over memory instead of one per node. Smaller work
//! runs node by node, where planning regions would cost more than it saves. A
//! [`Tape`](crate::Tape) of your own evaluates every node when it is pushed, as always.
//!
//! Measured on the extended Rosenbrock (vector form) at n = 10⁷, one core (BENCHMARKS.md,
//! part 11): eager value and gradient 501 ms before deferral and fusion, 96 ms after; at
//! n = 10⁴, below the threshold, 85 → 46 µs (no fill pass any more, `arena.rs`).
//!
//! The process-wide threshold comes from `HESSE_EAGER_FUSION`, read once: unset for
//! [`DEFAULT_MIN_VALUES`], `off` for never, or a number of values. [`scoped`] overrides it
//! on the calling thread (the differential tests compare both ways on every program).
//!
//! ```
//! use hesse_core::{eager, vector};
//! let f = vector::function(|w| (w.sin() * w).sum());
//! let x: Vec<f64> = (0..1000).map(|i| i as f64 * 1e-3).collect();
//! let fused = eager::scoped(Some(0), || vector::value_and_grad(&f, &x));
//! let by_node = eager::scoped(None, || vector::value_and_grad(&f, &x));
//! assert_eq!(fused.0.to_bits(), by_node.0.to_bits());
//! assert!(fused.1.iter().zip(&by_node.1).all(|(a, b)| a.to_bits() == b.to_bits()));
//! ```

use std::sync::OnceLock;

use crate::threshold::{Local, Threshold};

/// The default threshold: 2¹⁸ values (2 MB, the size of a second-level cache), below which
/// the work of a read stays in cache node by node.
///
/// ```
/// assert_eq!(hesse_core::eager::DEFAULT_MIN_VALUES, 262_144);
/// ```
pub const DEFAULT_MIN_VALUES: usize = 1 << 18;

thread_local! {
    /// This thread's override.
    static LOCAL: Local = const { Local::new(None) };
}

/// The threshold in force: [`LOCAL`], else `HESSE_EAGER_FUSION`.
static THRESHOLD: Threshold = {
    static ENV: OnceLock<Option<usize>> = OnceLock::new();
    Threshold::new(&LOCAL, &ENV, "HESSE_EAGER_FUSION", "values", DEFAULT_MIN_VALUES)
};

/// The threshold in force on this thread: deferred work of at least this many values runs
/// fused; `None` when fusion is off.
///
/// ```
/// use hesse_core::eager;
/// assert_eq!(eager::scoped(Some(1000), eager::min_values), Some(1000));
/// assert_eq!(eager::scoped(None, eager::min_values), None);
/// ```
pub fn min_values() -> Option<usize> {
    THRESHOLD.get()
}

/// Runs `f` with the threshold `min` on this thread (`None`: never fused), then restores the
/// previous one, also on panic.
///
/// ```
/// use hesse_core::{eager, vector};
/// let before = eager::min_values();
/// let g = eager::scoped(Some(0), || vector::grad(|w| w.exp().sum(), &[0.0; 4]));
/// assert_eq!(g, vec![1.0; 4]);
/// assert_eq!(eager::min_values(), before);
/// ```
pub fn scoped<R>(min: Option<usize>, f: impl FnOnce() -> R) -> R {
    THRESHOLD.scoped(min, f)
}
