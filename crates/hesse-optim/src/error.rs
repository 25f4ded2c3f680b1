//! The crate's error type, [`OptimError`].
//!
//! Errors are for misuse that a caller can fix before running (an option out of range, a
//! starting point of the wrong length or with a NaN, a solver that needs Hessian-vector products on an
//! objective without them). Numerical trouble met while running — a NaN objective, a failed
//! line search, a diverging iteration — is not an error: it ends the run with a
//! [`Status`](crate::Status) in the [`Report`](crate::Report), which keeps the partial result.

/// Everything [`minimize`](fn@crate::minimize) and the solvers can refuse up front.
///
/// Messages are lowercase without a trailing period.
///
/// ```
/// use hesse_optim::{minimize, FnObjective, GradientDescent, OptimError, Options};
///
/// let mut obj = FnObjective::new(1, |x: &[f64], g: &mut [f64]| { g[0] = 2.0 * x[0]; x[0] * x[0] });
/// let err = minimize(&mut obj, &mut GradientDescent::default(), &[1.0], &Options::default().with_gtol(-1.0))
///     .unwrap_err();
/// assert_eq!(err.to_string(), "invalid option `gtol`: got -1, expected a finite number >= 0");
/// assert!(matches!(err, OptimError::InvalidOption { name: "gtol", .. }));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum OptimError {
    /// An option is out of its valid range. Checked once, when [`minimize`](fn@crate::minimize) starts.
    #[error("invalid option `{name}`: got {value}, expected {expected}")]
    InvalidOption {
        /// The option's name, as in its `with_*` setter.
        name: &'static str,
        /// The rejected value, formatted.
        value: String,
        /// What the option accepts.
        expected: &'static str,
    },
    /// The starting point's length differs from [`Objective::dim`](crate::Objective::dim).
    #[error("dimension mismatch: the objective has dimension {expected}, the point has length {got}")]
    DimensionMismatch {
        /// The objective's dimension.
        expected: usize,
        /// The length that was passed.
        got: usize,
    },
    /// The starting point has a non-finite coordinate (NaN or ±∞).
    #[error("the starting point is not finite: coordinate {index} is {value}")]
    NonFiniteStart {
        /// The first non-finite coordinate's index.
        index: usize,
        /// Its value.
        value: f64,
    },
    /// The objective does not provide something the caller needs (e.g. Hessian-vector products
    /// for [`NewtonCg`](crate::NewtonCg)).
    #[error("unsupported: the objective does not provide {what}")]
    Unsupported {
        /// What is missing, e.g. `"hessian-vector products"`.
        what: &'static str,
    },
    /// A solver on the dense Hessian ([`TrustExact`](crate::TrustExact)) would hold more
    /// memory than the dense-memory limit ([`hesse_core::dense::limit`], 4 GB unless
    /// raised): refused before the run starts, instead of the allocation aborting the
    /// process. [`NewtonCg`](crate::NewtonCg) and [`Lbfgs`](crate::Lbfgs) need O(n) memory.
    #[error(
        "{solver} on {n} coordinates needs {} for {matrices} dense {n}×{n} matrices of f64 (the \
         Hessian and its eigen-decomposition), above the dense-memory limit of {}; newton-cg \
         (matrix-free, on Hessian-vector products) and l-bfgs need O(n) memory at any n; to go \
         ahead anyway, raise the limit (`hesse_core::dense::set_limit`, `dense::scoped`, or the \
         environment variable HESSE_DENSE_LIMIT, e.g. 16G)",
        hesse_core::dense::Bytes(*.bytes),
        hesse_core::dense::Bytes(*.limit)
    )]
    DenseTooLarge {
        /// The solver's name, as [`Solver::name`](crate::Solver::name) gives it.
        solver: &'static str,
        /// The dimension n.
        n: usize,
        /// The n×n matrices the solver holds at once.
        matrices: usize,
        /// The bytes they take (saturating at `u64::MAX`).
        bytes: u64,
        /// The limit in force, in bytes.
        limit: u64,
    },
}

impl OptimError {
    /// Shorthand for [`OptimError::InvalidOption`].
    pub(crate) fn invalid(name: &'static str, value: impl std::fmt::Display, expected: &'static str) -> Self {
        OptimError::InvalidOption {
            name,
            value: value.to_string(),
            expected,
        }
    }
}

/// Checks that `value` is finite and `>= 0`.
pub(crate) fn check_nonneg(name: &'static str, value: f64) -> Result<(), OptimError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(OptimError::invalid(name, value, "a finite number >= 0"))
    }
}

/// Checks that `value` is finite and `> 0`.
pub(crate) fn check_pos(name: &'static str, value: f64) -> Result<(), OptimError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(OptimError::invalid(name, value, "a finite number > 0"))
    }
}

/// Checks that `lo < value < hi` (open interval).
pub(crate) fn check_open(
    name: &'static str,
    value: f64,
    lo: f64,
    hi: f64,
    expected: &'static str,
) -> Result<(), OptimError> {
    if value > lo && value < hi {
        Ok(())
    } else {
        Err(OptimError::invalid(name, value, expected))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_lowercase_without_period() {
        let e = OptimError::invalid("c1", 2.0, "a number in (0, 1)");
        assert_eq!(
            e.to_string(),
            "invalid option `c1`: got 2, expected a number in (0, 1)"
        );
        let e = OptimError::DimensionMismatch { expected: 2, got: 3 };
        assert_eq!(
            e.to_string(),
            "dimension mismatch: the objective has dimension 2, the point has length 3"
        );
    }

    #[test]
    fn error_is_send_sync_static() {
        fn assert_traits<T: Send + Sync + Clone + 'static + std::error::Error>() {}
        assert_traits::<OptimError>();
    }
}
