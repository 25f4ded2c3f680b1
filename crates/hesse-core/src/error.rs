//! Errors for input from outside the program (data and shapes given at run time).

use std::fmt;

use thiserror::Error;

/// Errors of hesse-core's fallible constructors and transforms.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum CoreError {
    /// The number of values does not fill the shape.
    #[error("{len} values do not fill shape {shape:?}")]
    LengthMismatch {
        /// Number of values given.
        len: usize,
        /// The requested shape.
        shape: Vec<usize>,
    },
    /// A dense n×n result would need more memory than the dense-memory limit
    /// ([`dense`](crate::dense)): refused before anything is allocated.
    #[error(
        "{what}: a dense {n}×{n} matrix of f64 needs {}, above the dense-memory limit of {}; \
         Hessian-vector products (`hvp`, `RecordedFn::hvp`) need O(n) memory at any n, and \
         Lanczos on them (`hesse_critical::lanczos_extremes`) gives the extreme eigenvalues; \
         to go ahead anyway, raise the limit (`hesse_core::dense::set_limit`, \
         `dense::scoped`, or the environment variable HESSE_DENSE_LIMIT, e.g. 16G)",
        Bytes(*.bytes),
        Bytes(*.limit)
    )]
    DenseTooLarge {
        /// What refused (`"hessian"`, `"RecordedFn::hessian"`, …).
        what: &'static str,
        /// The dimension n.
        n: usize,
        /// The bytes the matrix would need, 8·n² (saturating at `u64::MAX`).
        bytes: u64,
        /// The limit in force, in bytes.
        limit: u64,
    },
    /// A dense m×n Jacobian would need more memory than the dense-memory limit
    /// ([`dense`](crate::dense)): refused after evaluating `f` once (which tells m) and
    /// before the matrix is allocated.
    #[error(
        "{what}: a dense {rows}×{cols} Jacobian of f64 needs {}, above the dense-memory limit \
         of {}; a Jacobian-vector product (`jvp`, one forward sweep) or a vector-Jacobian \
         product (`Tape::vjp`, one reverse sweep) needs the memory of one input and one \
         output at any size; to go ahead anyway, raise the limit \
         (`hesse_core::dense::set_limit`, `dense::scoped`, or the environment variable \
         HESSE_DENSE_LIMIT, e.g. 16G)",
        Bytes(*.bytes),
        Bytes(*.limit)
    )]
    JacobianTooLarge {
        /// What refused (`"jacobian"`, `"vector::jacobian"`).
        what: &'static str,
        /// Output elements m.
        rows: usize,
        /// Input coordinates n.
        cols: usize,
        /// The bytes the matrix would need, 8·m·n (saturating at `u64::MAX`).
        bytes: u64,
        /// The limit in force, in bytes.
        limit: u64,
    },
}

/// A number of bytes, displayed in decimal units with three significant digits at most:
/// `3.2 GB`, `800 MB`, `96 B`.
///
/// ```
/// use hesse_core::dense::Bytes;
/// assert_eq!(Bytes(3_200_000_000).to_string(), "3.2 GB");
/// assert_eq!(Bytes(4_000_000_000).to_string(), "4 GB");
/// assert_eq!(Bytes(96).to_string(), "96 B");
/// assert_eq!(Bytes(u64::MAX).to_string(), "18.4 EB");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bytes(pub u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
        let mut v = self.0 as f64;
        let mut unit = 0;
        while v >= 999.5 && unit + 1 < UNITS.len() {
            v /= 1000.0;
            unit += 1;
        }
        if unit == 0 {
            return write!(f, "{} B", self.0);
        }
        // Three significant digits, trailing zeros dropped: 3.2 GB, 12.5 MB, 800 MB.
        let digits = if v >= 99.95 {
            0
        } else if v >= 9.995 {
            1
        } else {
            2
        };
        let s = format!("{v:.digits$}");
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.')
        } else {
            &s
        };
        write!(f, "{s} {}", UNITS[unit])
    }
}
