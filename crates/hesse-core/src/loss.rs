//! Numerically stable losses, built from stable primitives so they differentiate to any order.
//!
//! - [`bce_with_logits`]: mean of `softplus(z) − y·z`, the binary cross-entropy of σ(z) against
//!   y ∈ [0, 1], which never evaluates ln 0.
//! - [`softmax_cross_entropy`]: mean over rows of `−Σ yₖ log_softmax(z)ₖ` with one-hot (or
//!   probability) targets; [`softmax_cross_entropy_indices`] takes class indices.
//! - [`mse`]: mean of squared differences.
//! - [`bce`]: binary cross-entropy of probabilities, evaluated as written (for reproducing
//!   code that does exactly that).

use crate::var::Var;

/// Mean binary cross-entropy of `sigmoid(logits)` against `targets` (same shape, or
/// broadcastable), computed stably as `mean(softplus(z) − y·z)`.
///
/// ```
/// let tape = hesse_core::Tape::new();
/// let z = tape.vector(&[0.0, 1000.0]);
/// let y = tape.constant(&[1.0, 1.0], &[2]);
/// let l = hesse_core::loss::bce_with_logits(z, y);
/// assert!((l.value() - 2f64.ln() / 2.0).abs() < 1e-15);
/// ```
#[track_caller]
pub fn bce_with_logits<'t>(logits: Var<'t>, targets: Var<'t>) -> Var<'t> {
    (logits.softplus() - targets * logits).mean()
}

/// Mean binary cross-entropy of probabilities `p` against `targets`, evaluated as written:
/// `−mean(y ln p + (1 − y) ln(1 − p))` (infinite when p hits 0 or 1 on the wrong side).
///
/// ```
/// let tape = hesse_core::Tape::new();
/// let p = tape.vector(&[0.5]);
/// let y = tape.constant(&[1.0], &[1]);
/// assert!((hesse_core::loss::bce(p, y).value() - 2f64.ln()).abs() < 1e-15);
/// ```
#[track_caller]
pub fn bce<'t>(p: Var<'t>, targets: Var<'t>) -> Var<'t> {
    -(targets * p.ln() + (1.0 - targets) * (1.0 - p).ln()).mean()
}

/// Mean over rows of the cross-entropy between `softmax(logits)` (row-wise, shape [n, k]) and
/// `targets` (one-hot or probability rows, shape [n, k]).
///
/// # Panics
/// If the shapes differ or are not rank 2.
///
/// ```
/// let tape = hesse_core::Tape::new();
/// let z = tape.tensor(&[0.0, 0.0], &[1, 2]);
/// let y = tape.constant(&[1.0, 0.0], &[1, 2]);
/// let l = hesse_core::loss::softmax_cross_entropy(z, y);
/// assert!((l.value() - 2f64.ln()).abs() < 1e-15);
/// ```
#[track_caller]
pub fn softmax_cross_entropy<'t>(logits: Var<'t>, targets: Var<'t>) -> Var<'t> {
    let (sz, sy) = (logits.shape(), targets.shape());
    assert!(
        sz.len() == 2 && sz == sy,
        "softmax_cross_entropy: shape mismatch: logits {sz:?}, targets {sy:?}"
    );
    -(targets * logits.log_softmax(1)).sum() / sz[0] as f64
}

/// Softmax cross-entropy with integer class targets, one per row of `logits` ([n, k]).
///
/// # Panics
/// If `classes.len()` differs from the number of rows or a class is ≥ k.
///
/// ```
/// let tape = hesse_core::Tape::new();
/// let z = tape.tensor(&[0.0, 0.0, 5.0, 0.0], &[2, 2]);
/// let l = hesse_core::loss::softmax_cross_entropy_indices(z, &[1, 0]);
/// assert!(l.value() > 0.0);
/// ```
#[track_caller]
pub fn softmax_cross_entropy_indices<'t>(logits: Var<'t>, classes: &[usize]) -> Var<'t> {
    let s = logits.shape();
    assert!(
        s.len() == 2 && s[0] == classes.len(),
        "softmax_cross_entropy: {} targets for logits of shape {s:?}",
        classes.len()
    );
    let k = s[1];
    let mut onehot = vec![0.0; s[0] * k];
    for (row, &c) in classes.iter().enumerate() {
        assert!(
            c < k,
            "softmax_cross_entropy: class {c} out of range for {k} classes"
        );
        onehot[row * k + c] = 1.0;
    }
    let y = logits.tape().constant(&onehot, &s);
    softmax_cross_entropy(logits, y)
}

/// Mean squared error `mean((pred − target)²)`.
///
/// ```
/// let tape = hesse_core::Tape::new();
/// let p = tape.vector(&[1.0, 3.0]);
/// let t = tape.constant(&[0.0, 1.0], &[2]);
/// assert_eq!(hesse_core::loss::mse(p, t).value(), 2.5);
/// ```
#[track_caller]
pub fn mse<'t>(pred: Var<'t>, target: Var<'t>) -> Var<'t> {
    (pred - target).square().mean()
}
