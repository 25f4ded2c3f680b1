//! Inertia and classification of a symmetric Hessian.
//!
//! The **inertia** counts eigenvalues below `-tol`, within `[-tol, tol]` and above `tol`. The
//! default tolerance is scale-aware, `10 · n · ε · max|λ|`, the rule numpy's `matrix_rank` uses
//! (with a safety factor of 10): eigenvalues that small are indistinguishable from rounding in
//! a Hessian of that scale.
//!
//! Classification at a critical point (second-order conditions):
//! - all eigenvalues > tol: **strict local minimum**;
//! - all < −tol: **strict local maximum**;
//! - some > tol and some < −tol: **saddle**, with index = number of negative eigenvalues
//!   (a saddle whatever the zero directions do);
//! - otherwise (zero eigenvalues and one sign at most): **degenerate**; second-order
//!   information cannot decide (x⁴ + y² and x⁴ − y²... at 0 look the same to the Hessian).

use std::fmt;

/// Counts of negative, zero and positive eigenvalues at a tolerance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inertia {
    /// Eigenvalues below `-tolerance`.
    pub negative: usize,
    /// Eigenvalues within `[-tolerance, tolerance]`.
    pub zero: usize,
    /// Eigenvalues above `tolerance`.
    pub positive: usize,
}

impl Inertia {
    /// The inertia of sorted or unsorted eigenvalues at `tolerance`.
    ///
    /// ```
    /// let i = hesse_critical::Inertia::of(&[-2.0, 0.0, 1e-20, 3.0], 1e-12);
    /// assert_eq!((i.negative, i.zero, i.positive), (1, 2, 1));
    /// ```
    pub fn of(eigenvalues: &[f64], tolerance: f64) -> Inertia {
        let mut i = Inertia {
            negative: 0,
            zero: 0,
            positive: 0,
        };
        for &l in eigenvalues {
            if l > tolerance {
                i.positive += 1;
            } else if l < -tolerance {
                i.negative += 1;
            } else {
                i.zero += 1;
            }
        }
        i
    }
}

/// What kind of point the Hessian says this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Classification {
    /// All eigenvalues positive: a strict local minimum (if the gradient vanishes).
    Minimum,
    /// All eigenvalues negative: a strict local maximum.
    Maximum,
    /// Eigenvalues of both signs; `index` is the number of negative ones.
    Saddle {
        /// Number of negative eigenvalues (descent directions).
        index: usize,
    },
    /// Zero eigenvalues and at most one sign: second order cannot decide.
    Degenerate {
        /// Number of eigenvalues within the tolerance of zero.
        zero_directions: usize,
    },
}

impl Classification {
    /// Classifies from the inertia.
    ///
    /// ```
    /// use hesse_critical::{Classification, Inertia};
    /// let saddle = Inertia { negative: 1, zero: 0, positive: 1 };
    /// assert_eq!(Classification::from_inertia(saddle), Classification::Saddle { index: 1 });
    /// ```
    pub fn from_inertia(i: Inertia) -> Classification {
        if i.negative > 0 && i.positive > 0 {
            Classification::Saddle { index: i.negative }
        } else if i.zero > 0 {
            Classification::Degenerate {
                zero_directions: i.zero,
            }
        } else if i.negative > 0 {
            Classification::Maximum
        } else {
            Classification::Minimum
        }
    }

    /// `"minimum"`, `"maximum"`, `"saddle"` or `"degenerate"`.
    pub fn name(&self) -> &'static str {
        match self {
            Classification::Minimum => "minimum",
            Classification::Maximum => "maximum",
            Classification::Saddle { .. } => "saddle",
            Classification::Degenerate { .. } => "degenerate",
        }
    }
}

impl fmt::Display for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Classification::Minimum => write!(f, "strict local minimum"),
            Classification::Maximum => write!(f, "strict local maximum"),
            Classification::Saddle { index } => write!(f, "saddle point of index {index}"),
            Classification::Degenerate { zero_directions } => {
                write!(f, "degenerate ({zero_directions} eigenvalue")?;
                if *zero_directions != 1 {
                    write!(f, "s")?;
                }
                write!(f, " cannot be told from zero; second order cannot decide)")
            }
        }
    }
}

/// The default scale-aware tolerance `10 · n · ε · max|λ|`, with an eigenvalue beyond the
/// f64 range (±inf from a finite Hessian) counted as `f64::MAX`.
///
/// ```
/// assert_eq!(hesse_critical::default_tolerance(&[0.0, 0.0]), 0.0);
/// assert!(hesse_critical::default_tolerance(&[-1.0, 2.0]) < 1e-14);
/// assert!(hesse_critical::default_tolerance(&[-5e307, f64::INFINITY]).is_finite());
/// ```
pub fn default_tolerance(eigenvalues: &[f64]) -> f64 {
    let scale = eigenvalues
        .iter()
        .fold(0.0f64, |m, l| m.max(l.abs()))
        .min(f64::MAX);
    10.0 * eigenvalues.len() as f64 * f64::EPSILON * scale
}
