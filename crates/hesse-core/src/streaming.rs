//! Streaming (non-temporal) stores for large fused regions.
//!
//! A fused region (`exec/fused`) writes its results with ordinary stores, which first read
//! every cache line they write (a *read for ownership*):
//! for a region over data that does not fit in cache, the gradient's 8 bytes per element cost
//! 16 bytes of memory traffic. A **non-temporal store** writes whole aligned 64-byte lines
//! straight to memory without reading them. When a region moves at least [`min_bytes`]
//! bytes (everything its steps read and write), it stores with them — its AVX-512 machine
//! code (`exec/fused/native.rs`), and the AVX2 and AVX-512 tile executors (`exec/fused/tiles/`)
//! where it has none: it runs the first few elements with ordinary stores until the results
//! are 64-byte aligned, the aligned part with non-temporal stores (whole vectors, whole
//! tiles) while prefetching what it reads 8 KB ahead, and the last partial vector
//! or tile with ordinary stores again, then fences (`sfence`), so that the results are
//! visible to other threads in order. Only the results nothing in the region reads back are
//! streamed.
//!
//! **Bits.** A store never changes a value: the same code computes the same numbers in the
//! same order. The sums (`Σ x`) add element i into lane i mod 8 whichever part of the run it
//! is in (the lanes are rotated around the aligned part). The differential fuzzer runs every
//! program with streaming at every size (threshold 0) against the eager tape.
//!
//! **When it pays.** Only for data past the caches: within the caches a non-temporal store is
//! slower (the line goes to memory and is read back from there). Measured on an Intel Xeon
//! (model 207, 2 MB L2 per core) for `out = f(x, v)`, ns per element, ordinary against
//! non-temporal stores: 0.33 against 0.48 at n = 10⁴ (in L1/L2), 0.87 against 0.75 at
//! 3·10⁵ (7 MB), 1.59 against 1.08 at 10⁷ (240 MB); and the Rosenbrock's replayed value and
//! gradient at n = 10⁷ in BENCHMARKS.md, part 12. [`DEFAULT_MIN_BYTES`] is well past any
//! core's second-level cache. Regions that the tile executors run by blocks after their
//! tiles (a stored result overlapping another slot: no padded last tile) and the block
//! executor itself (CPUs without AVX2, `HESSE_NATIVE=off`) store as before.
//!
//! The process-wide threshold comes from `HESSE_STREAMING`, read once: unset for
//! [`DEFAULT_MIN_BYTES`], `off` for never, or a number of bytes. [`scoped`] overrides it on
//! the calling thread (and on the worker threads of the parallel Hessians it computes).
//!
//! ```
//! use hesse_core::{RecordedFn, streaming};
//! let x: Vec<f64> = (0..1000).map(|i| i as f64 * 1e-3).collect();
//! let mut f = RecordedFn::new_vector(|w| (w.square() * 0.5 - w).sum(), &x);
//! let streamed = streaming::scoped(Some(0), || f.value_and_grad(&x));
//! let ordinary = streaming::scoped(None, || f.value_and_grad(&x));
//! assert_eq!(streamed.0.to_bits(), ordinary.0.to_bits());
//! assert_eq!(streamed.1, ordinary.1);
//! ```

use std::sync::OnceLock;

use crate::threshold::{Local, Threshold};

/// The default threshold: regions that move at least 16 MiB (8 times a large second-level
/// cache) store non-temporally.
///
/// ```
/// assert_eq!(hesse_core::streaming::DEFAULT_MIN_BYTES, 16 << 20);
/// ```
pub const DEFAULT_MIN_BYTES: usize = 16 << 20;

/// How far ahead streaming code prefetches what it reads, in bytes of each buffer: 8 KB.
/// 4 and 16 KB, and prefetches into L2 or L3 only, measured about the same on the Xeon of
/// BENCHMARKS.md part 12; none at all 10–50 % slower (the machine code's value and gradient
/// of the Rosenbrock at n = 10⁷).
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(crate) const PREFETCH: usize = 8 << 10;

thread_local! {
    /// This thread's override.
    static LOCAL: Local = const { Local::new(None) };
}

/// The threshold in force: [`LOCAL`], else `HESSE_STREAMING`.
static THRESHOLD: Threshold = {
    static ENV: OnceLock<Option<usize>> = OnceLock::new();
    Threshold::new(&LOCAL, &ENV, "HESSE_STREAMING", "bytes", DEFAULT_MIN_BYTES)
};

/// The threshold in force on this thread: regions that move at least this many bytes store
/// non-temporally; `None` when streaming is off.
///
/// ```
/// use hesse_core::streaming;
/// assert_eq!(streaming::scoped(Some(4096), streaming::min_bytes), Some(4096));
/// assert_eq!(streaming::scoped(None, streaming::min_bytes), None);
/// ```
pub fn min_bytes() -> Option<usize> {
    THRESHOLD.get()
}

/// Runs `f` with the threshold `min` on this thread (`None`: never streamed), then restores
/// the previous one, also on panic.
///
/// ```
/// use hesse_core::{RecordedFn, streaming};
/// let before = streaming::min_bytes();
/// let mut f = RecordedFn::new_vector(|w| w.exp().sum(), &[0.0; 64]);
/// let g = streaming::scoped(Some(0), || f.value_and_grad(&[0.0; 64]).1);
/// assert_eq!(g, vec![1.0; 64]);
/// assert_eq!(streaming::min_bytes(), before);
/// ```
pub fn scoped<R>(min: Option<usize>, f: impl FnOnce() -> R) -> R {
    THRESHOLD.scoped(min, f)
}
