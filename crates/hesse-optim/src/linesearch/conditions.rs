//! The step-acceptance conditions as pure predicates (Nocedal & Wright, 2nd ed., §3.1).
//!
//! With φ(α) = f(x + α d), φ'(0) < 0 and 0 < c1 < c2 < 1:
//! - sufficient decrease (Armijo): φ(α) ≤ φ(0) + c1 α φ'(0);
//! - strong curvature: |φ'(α)| ≤ c2 |φ'(0)|.

/// Armijo's sufficient-decrease condition φ(α) ≤ φ(0) + c1·α·φ'(0).
///
/// False for any non-finite input.
///
/// ```
/// use hesse_optim::linesearch::conditions::armijo;
/// // φ(α) = (α − 1)²: φ(0) = 1, φ'(0) = −2.
/// assert!(armijo(1.0, -2.0, 0.5, 0.25, 1e-4));
/// assert!(!armijo(1.0, -2.0, 2.0, 1.0, 1e-4)); // φ(2) = 1: no decrease
/// ```
pub fn armijo(phi0: f64, dphi0: f64, alpha: f64, phi_alpha: f64, c1: f64) -> bool {
    phi_alpha.is_finite() && phi_alpha <= phi0 + c1 * alpha * dphi0
}

/// The strong Wolfe conditions: Armijo and |φ'(α)| ≤ c2·|φ'(0)|.
///
/// ```
/// use hesse_optim::linesearch::conditions::strong_wolfe;
/// // φ(α) = (α − 1)²: at α = 1, φ = 0 and φ' = 0.
/// assert!(strong_wolfe(1.0, -2.0, 1.0, 0.0, 0.0, 1e-4, 0.9));
/// // At α = 0.01 the slope is still steep: curvature fails.
/// assert!(!strong_wolfe(1.0, -2.0, 0.01, 0.9801, -1.98, 1e-4, 0.9));
/// ```
pub fn strong_wolfe(
    phi0: f64,
    dphi0: f64,
    alpha: f64,
    phi_alpha: f64,
    dphi_alpha: f64,
    c1: f64,
    c2: f64,
) -> bool {
    armijo(phi0, dphi0, alpha, phi_alpha, c1) && dphi_alpha.abs() <= c2 * dphi0.abs()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_never_accepted() {
        assert!(!armijo(1.0, -1.0, 1.0, f64::NAN, 1e-4));
        assert!(!strong_wolfe(1.0, -1.0, 1.0, 0.0, f64::NAN, 1e-4, 0.9));
    }
}
