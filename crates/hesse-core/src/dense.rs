//! The dense-memory limit: dense n×n work refuses clearly instead of aborting.
//!
//! A dense Hessian of n coordinates holds n² `f64`s, 8·n² bytes: 800 MB at n = 10,000,
//! 3.2 GB at n = 20,000, 80 GB for a network with 100,000 parameters. Asking the allocator for
//! more than the machine has aborts the process (or the kernel's out-of-memory killer ends it)
//! with nothing to catch. So the transforms that allocate an n×n matrix check its size against
//! a limit first:
//!
//! - [`try_hessian`](crate::try_hessian), [`vector::try_hessian`](crate::vector::try_hessian)
//!   and [`RecordedFn::try_hessian`](crate::RecordedFn::try_hessian) return
//!   [`CoreError::DenseTooLarge`];
//! - [`hessian`](crate::hessian), [`vector::hessian`](crate::vector::hessian) and
//!   [`RecordedFn::hessian`](crate::RecordedFn::hessian) panic with the same message, as
//!   `Vec::with_capacity` panics on a capacity overflow;
//! - [`hessian_to`](crate::hessian_to) and [`RecordedFn::hessian_to`](crate::RecordedFn::hessian_to)
//!   write into a matrix the caller has already allocated, and check nothing.
//! - [`try_jacobian`](crate::try_jacobian) and [`vector::try_jacobian`](crate::vector::try_jacobian)
//!   return [`CoreError::JacobianTooLarge`] for an m×n Jacobian above the limit (checked
//!   after one evaluation of `f`, which tells m), [`jacobian`](crate::jacobian) and
//!   [`vector::jacobian`](crate::vector::jacobian) panic with its message; the matrix-free
//!   routes there are Jacobian-vector and vector-Jacobian products.
//!
//! The message points to the matrix-free routes, which need O(n) memory at any n:
//! Hessian-vector products ([`hvp`](crate::hvp), [`RecordedFn::hvp`](crate::RecordedFn::hvp))
//! and, on top of them, Lanczos for the extreme eigenvalues (`hesse_critical::lanczos_extremes`).
//! hesse-critical's analysis, which holds several n×n matrices at once, checks its own need
//! against the same limit (or one given in its options).
//!
//! # The limit
//!
//! [`DEFAULT_LIMIT`] is 4 GB (4·10⁹ bytes): a Hessian up to n = 22,360, an analysis (three
//! matrices) up to n = 12,909. Why a fixed number rather than a fraction of the machine's
//! memory: a program then behaves the same on a laptop, a workstation and CI (a fraction of
//! physical memory would pass on one and refuse on another, and says nothing about the
//! memory a container may really use). Why 4 GB: it is half the memory of a small machine
//! (8 GB), so the default leaves room for the rest of the program there, while the sizes it
//! allows already take long to use densely (an eigen-decomposition costs O(n³)); beyond
//! them the matrix-free routes are the ones that scale. To go beyond it:
//!
//! - the environment variable `HESSE_DENSE_LIMIT` (read once, at the first check) sets the
//!   process-wide limit in bytes, with an optional unit: `16G`, `500MB`, `2GiB`
//!   ([`parse_bytes`]); `0` refuses every dense matrix, `none` turns the check off;
//! - [`set_limit`] sets it for the process;
//! - [`scoped`] overrides it on the calling thread for the duration of a closure.
//!
//! ```
//! use hesse_core::{dense, CoreError};
//! let f = hesse_core::function(|x| x[0] * x[1]);
//! // 2×2 needs 32 bytes: refused under a 16-byte limit, computed under the default one.
//! let e = dense::scoped(16, || hesse_core::try_hessian(&f, &[1.0, 2.0])).unwrap_err();
//! assert!(matches!(e, CoreError::DenseTooLarge { n: 2, bytes: 32, limit: 16, .. }));
//! assert!(e.to_string().contains("hvp"));
//! assert_eq!(hesse_core::try_hessian(&f, &[1.0, 2.0])?[(0, 1)], 1.0);
//! # Ok::<(), CoreError>(())
//! ```

use std::cell::Cell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

pub use crate::error::Bytes;
use crate::error::CoreError;

/// The default dense-memory limit: 4 GB (4·10⁹ bytes). See the [module docs](self) for why.
///
/// ```
/// use hesse_core::dense::{bytes, DEFAULT_LIMIT};
/// assert!(bytes(22_360, 1) <= DEFAULT_LIMIT && bytes(22_361, 1) > DEFAULT_LIMIT);
/// ```
pub const DEFAULT_LIMIT: u64 = 4_000_000_000;

/// The process-wide limit, once [`set_limit`] has been called ([`GLOBAL_SET`]).
static GLOBAL: AtomicU64 = AtomicU64::new(DEFAULT_LIMIT);
/// Whether [`set_limit`] has been called; before, the environment decides.
static GLOBAL_SET: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// This thread's override (`None`: none).
    static LOCAL: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Parses a number of bytes: digits (a decimal fraction allowed) and an optional unit, `k`,
/// `M`, `G`, `T` (powers of 1000, with or without a trailing `B`) or `KiB`, `MiB`, `GiB`,
/// `TiB` (powers of 1024); case and spaces do not matter. `none`, `off`, `inf` and
/// `unlimited` mean no limit (`u64::MAX`). `None` if the text is none of these.
///
/// ```
/// use hesse_core::dense::parse_bytes;
/// assert_eq!(parse_bytes("16G"), Some(16_000_000_000));
/// assert_eq!(parse_bytes("1.5 GB"), Some(1_500_000_000));
/// assert_eq!(parse_bytes("2GiB"), Some(2 << 30));
/// assert_eq!(parse_bytes("4096"), Some(4096));
/// assert_eq!(parse_bytes("none"), Some(u64::MAX));
/// assert_eq!(parse_bytes("lots"), None);
/// ```
pub fn parse_bytes(s: &str) -> Option<u64> {
    let s = s.trim().to_ascii_lowercase();
    if matches!(s.as_str(), "none" | "off" | "inf" | "unlimited") {
        return Some(u64::MAX);
    }
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let scale: f64 = match unit.trim() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    if number.is_empty() {
        return None;
    }
    if unit.trim().is_empty() || unit.trim() == "b" {
        return number.parse::<u64>().ok();
    }
    let v = number.parse::<f64>().ok()? * scale;
    (v.is_finite() && v < u64::MAX as f64).then(|| v.round() as u64)
}

/// The limit from `HESSE_DENSE_LIMIT`, or [`DEFAULT_LIMIT`]; a value that does not parse is
/// reported once on standard error and means the default.
fn from_env() -> u64 {
    static ENV: OnceLock<u64> = OnceLock::new();
    *ENV.get_or_init(|| match std::env::var("HESSE_DENSE_LIMIT") {
        Ok(s) => parse_bytes(&s).unwrap_or_else(|| {
            eprintln!(
                "hesse: HESSE_DENSE_LIMIT={s:?} is not a number of bytes (e.g. 16G, 500MB, none); \
                 using the default, 4 GB"
            );
            DEFAULT_LIMIT
        }),
        Err(_) => DEFAULT_LIMIT,
    })
}

/// The limit in force on this thread, in bytes: its [`scoped`] override, else the
/// process-wide one ([`set_limit`], else `HESSE_DENSE_LIMIT`, else [`DEFAULT_LIMIT`]).
///
/// ```
/// assert_eq!(hesse_core::dense::scoped(1 << 20, hesse_core::dense::limit), 1 << 20);
/// ```
pub fn limit() -> u64 {
    if let Some(local) = LOCAL.with(Cell::get) {
        return local;
    }
    if GLOBAL_SET.load(Ordering::Acquire) {
        GLOBAL.load(Ordering::Relaxed)
    } else {
        from_env()
    }
}

/// Sets the process-wide limit, in bytes (`u64::MAX`: no limit). Threads inside [`scoped`]
/// keep their override.
///
/// ```
/// use hesse_core::dense;
/// dense::set_limit(16_000_000_000); // a 16 GB budget for dense matrices, for the process
/// assert_eq!(dense::limit(), 16_000_000_000);
/// ```
pub fn set_limit(bytes: u64) {
    GLOBAL.store(bytes, Ordering::Relaxed);
    GLOBAL_SET.store(true, Ordering::Release);
}

/// Runs `f` with `bytes` as the limit on this thread, then restores the previous one, also
/// on panic.
///
/// ```
/// use hesse_core::dense;
/// let f = hesse_core::function(|x| x[0].powi(2));
/// assert!(dense::scoped(0, || hesse_core::try_hessian(&f, &[1.0])).is_err());
/// assert!(hesse_core::try_hessian(&f, &[1.0]).is_ok());
/// ```
pub fn scoped<R>(bytes: u64, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<u64>);
    impl Drop for Restore {
        fn drop(&mut self) {
            LOCAL.with(|l| l.set(self.0));
        }
    }
    let _restore = Restore(LOCAL.with(|l| l.replace(Some(bytes))));
    f()
}

/// The bytes of `matrices` dense n×n matrices of `f64`, `8·matrices·n²`, saturating at
/// `u64::MAX`.
///
/// ```
/// assert_eq!(hesse_core::dense::bytes(20_000, 1), 3_200_000_000);
/// assert_eq!(hesse_core::dense::bytes(usize::MAX, 2), u64::MAX);
/// ```
pub fn bytes(n: usize, matrices: usize) -> u64 {
    let n = n as u64;
    n.checked_mul(n)
        .and_then(|n2| n2.checked_mul(8))
        .and_then(|b| b.checked_mul(matrices as u64))
        .unwrap_or(u64::MAX)
}

/// Checks that one dense n×n matrix fits the [`limit`] in force; `what` names the caller in
/// the error.
///
/// ```
/// use hesse_core::dense;
/// assert!(dense::check("my_hessian", 100).is_ok()); // 80 kB
/// let e = dense::scoped(1000, || dense::check("my_hessian", 100)).unwrap_err();
/// assert!(e.to_string().starts_with("my_hessian: a dense 100×100 matrix of f64 needs 80 kB"));
/// ```
///
/// # Errors
/// [`CoreError::DenseTooLarge`] when `8·n²` bytes exceed the limit.
pub fn check(what: &'static str, n: usize) -> Result<(), CoreError> {
    let (bytes, limit) = (bytes(n, 1), limit());
    if bytes > limit {
        return Err(CoreError::DenseTooLarge {
            what,
            n,
            bytes,
            limit,
        });
    }
    Ok(())
}
