//! The trust-region subproblem solved exactly, hard case included.
//!
//! min m(p) = gᵀp + ½pᵀHp subject to ‖p‖₂ ≤ Δ, for a symmetric H given by its
//! eigen-decomposition H = QΛQᵀ (λ₁ ≤ … ≤ λₙ). By Moré & Sorensen's characterization, p* is
//! a global solution iff (H + μI)p* = −g, H + μI ⪰ 0, μ ≥ 0 and μ(Δ − ‖p*‖) = 0. In the
//! eigenbasis, with g̃ = Qᵀg, p(μ) = −Σᵢ g̃ᵢ/(λᵢ + μ) qᵢ, so:
//!
//! 1. **Interior**: λ₁ > 0 and ‖p(0)‖ ≤ Δ — the Newton step, μ = 0.
//! 2. **Boundary**: otherwise μ > max(0, −λ₁) solves the secular equation
//!    φ(μ) = 1/‖p(μ)‖ − 1/Δ = 0, found by Newton's method on φ (nearly linear in μ;
//!    Moré & Sorensen's choice) safeguarded by bisection in the bracket
//!    [max(0, −λ₁), ‖g‖/Δ − λ₁].
//! 3. **Hard case**: g̃ has no component (up to rounding) along the eigenspace of λ₁ ≤ 0, and
//!    the step p(−λ₁) over the other eigenvectors is shorter than Δ: then μ = −λ₁ and
//!    p* = p(−λ₁) + τq₁ with τ = ±(Δ² − ‖p(−λ₁)‖²)^½ (Nocedal & Wright, §4.3). At a saddle
//!    point with g = 0 this is the step Δ·q₁ along the most negative curvature.
//!
//! The eigen-decomposition costs O(n³), as the Cholesky factorizations of Moré–Sorensen's
//! iteration do; it makes every μ cost O(n) and the hard case exact rather than approximate.
//!
//! # References
//! - J. J. Moré, D. C. Sorensen, "Computing a trust region step", SIAM J. Sci. Stat.
//!   Comput. 4(3), 553–572, 1983, doi:10.1137/0904038.
//! - J. Nocedal, S. J. Wright, *Numerical Optimization*, 2nd ed., Springer 2006, §4.3.

/// A solution of the subproblem, in the eigenbasis.
#[derive(Debug, Clone, PartialEq)]
pub struct ExactStep {
    /// The step's coordinates p̃ = Qᵀp in the eigenbasis.
    pub p_eig: Vec<f64>,
    /// The multiplier μ ≥ 0 (0 for an interior step).
    pub mu: f64,
    /// Whether p is on the boundary ‖p‖ = Δ.
    pub boundary: bool,
    /// Whether the hard case occurred.
    pub hard_case: bool,
    /// The model decrease m(0) − m(p) = −(g̃ᵀp̃ + ½Σλᵢp̃ᵢ²) ≥ 0.
    pub predicted: f64,
}

/// Solves min gᵀp + ½pᵀHp, ‖p‖ ≤ `radius`, given the eigenvalues `lambda` of H in
/// ascending order and g̃ = Qᵀg (`g_eig`) in the same eigenbasis.
///
/// # Panics
/// If the lengths differ, `lambda` is not ascending, or `radius` is not positive and finite.
///
/// ```
/// use hesse_optim::exact_subproblem::solve;
///
/// // H = diag(1, 4), g = (−1, −4): the Newton step (1, 1) fits in Δ = 10.
/// let s = solve(&[1.0, 4.0], &[-1.0, -4.0], 10.0);
/// assert!(!s.boundary && s.mu == 0.0);
/// assert!((s.p_eig[0] - 1.0).abs() < 1e-15 && (s.p_eig[1] - 1.0).abs() < 1e-15);
/// // The hard case: H = diag(−2, 1), g = (0, 1), Δ = 2. p(2) = (0, −1/3) is inside, so the
/// // step adds ±(4 − 1/9)^½ along the first eigenvector.
/// let s = solve(&[-2.0, 1.0], &[0.0, 1.0], 2.0);
/// assert!(s.hard_case && s.boundary && (s.mu - 2.0).abs() < 1e-15);
/// assert!((s.p_eig[1] + 1.0 / 3.0).abs() < 1e-15);
/// assert!((s.p_eig[0].abs() - (4.0f64 - 1.0 / 9.0).sqrt()).abs() < 1e-14);
/// ```
pub fn solve(lambda: &[f64], g_eig: &[f64], radius: f64) -> ExactStep {
    let n = lambda.len();
    assert_eq!(
        g_eig.len(),
        n,
        "solve: {} eigenvalues but {} gradient coordinates",
        n,
        g_eig.len()
    );
    assert!(
        lambda.windows(2).all(|w| w[0] <= w[1]),
        "solve: the eigenvalues must be in ascending order"
    );
    assert!(
        radius > 0.0 && radius.is_finite(),
        "solve: the radius must be positive and finite, got {radius}"
    );
    if n == 0 {
        return finish(lambda, g_eig, Vec::new(), 0.0, false, false);
    }
    let l1 = lambda[0];
    let lmax = lambda.iter().fold(0.0f64, |m, l| m.max(l.abs()));
    let gnorm = g_eig.iter().map(|v| v * v).sum::<f64>().sqrt();
    let step_at = |mu: f64| -> Vec<f64> { g_eig.iter().zip(lambda).map(|(g, l)| -g / (l + mu)).collect() };
    let norm = |p: &[f64]| p.iter().map(|v| v * v).sum::<f64>().sqrt();

    // 1. Interior Newton step.
    if l1 > 0.0 {
        let p = step_at(0.0);
        if norm(&p) <= radius {
            return finish(lambda, g_eig, p, 0.0, false, false);
        }
    }

    // 3. Hard case: no gradient along the eigenspace of λ₁ (taken as the eigenvalues within
    // rounding of λ₁), and the rest of the step shorter than Δ.
    let mu_lo = (-l1).max(0.0);
    let tie = 1e-12 * lmax.max(f64::MIN_POSITIVE);
    let near = |l: f64| l - l1 <= tie;
    if l1 <= 0.0 {
        let g_near = g_eig
            .iter()
            .zip(lambda)
            .filter(|(_, l)| near(**l))
            .map(|(g, _)| g * g)
            .sum::<f64>()
            .sqrt();
        if g_near <= 1e-12 * gnorm.max(f64::MIN_POSITIVE) || gnorm == 0.0 {
            let mut p: Vec<f64> = g_eig
                .iter()
                .zip(lambda)
                .map(|(g, l)| if near(*l) { 0.0 } else { -g / (l + mu_lo) })
                .collect();
            let pn = norm(&p);
            if pn <= radius {
                let tau = (radius * radius - pn * pn).max(0.0).sqrt();
                // Either sign gives the same model value (q₁ ⊥ g, q₁ ⊥ the rest of p).
                p[0] = if g_eig[0] > 0.0 { -tau } else { tau };
                return finish(lambda, g_eig, p, mu_lo, true, true);
            }
        }
    }

    // 2. Boundary: safeguarded Newton on φ(μ) = 1/‖p(μ)‖ − 1/Δ, increasing in μ.
    let mut lo = mu_lo;
    let mut hi = (gnorm / radius - l1).max(mu_lo);
    // φ(hi) ≥ 0 since ‖p(hi)‖ ≤ ‖g‖/(λ₁ + hi) = Δ; start at hi and move left.
    let mut mu = hi;
    for _ in 0..200 {
        let p = step_at(mu);
        let pn = norm(&p);
        let phi = 1.0 / pn - 1.0 / radius;
        if (pn - radius).abs() <= 1e-12 * radius {
            break;
        }
        if phi.is_nan() || phi < 0.0 {
            lo = mu;
        } else {
            hi = mu;
        }
        // φ'(μ) = Σ g̃ᵢ²/(λᵢ + μ)³ / ‖p‖³.
        let dphi = g_eig
            .iter()
            .zip(lambda)
            .map(|(g, l)| g * g / (l + mu).powi(3))
            .sum::<f64>()
            / pn.powi(3);
        let newton = mu - phi / dphi;
        mu = if newton.is_finite() && newton > lo && newton < hi {
            newton
        } else {
            0.5 * (lo + hi)
        };
        if hi - lo <= 4.0 * f64::EPSILON * hi.abs().max(f64::MIN_POSITIVE) {
            mu = hi;
            break;
        }
    }
    let mut p = step_at(mu);
    // Rounding can leave ‖p‖ a few ulps off Δ (or infinite at μ = −λ₁): rescale onto the sphere.
    let pn = norm(&p);
    if pn.is_finite() && pn > 0.0 {
        p.iter_mut().for_each(|v| *v *= radius / pn);
    } else {
        p = step_at(hi);
    }
    finish(lambda, g_eig, p, mu, true, false)
}

fn finish(
    lambda: &[f64],
    g_eig: &[f64],
    p_eig: Vec<f64>,
    mu: f64,
    boundary: bool,
    hard_case: bool,
) -> ExactStep {
    let model: f64 = p_eig
        .iter()
        .zip(g_eig.iter().zip(lambda))
        .map(|(p, (g, l))| g * p + 0.5 * l * p * p)
        .sum();
    ExactStep {
        p_eig,
        mu,
        boundary,
        hard_case,
        predicted: -model,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// m(p) in the eigenbasis.
    fn model(lambda: &[f64], g: &[f64], p: &[f64]) -> f64 {
        p.iter()
            .zip(g.iter().zip(lambda))
            .map(|(p, (g, l))| g * p + 0.5 * l * p * p)
            .sum()
    }

    #[test]
    fn boundary_solution_beats_a_grid_of_feasible_points() {
        // issue 19: indefinite H = diag(−1, 0.5, 3), g = (0.3, −1, 2), Δ = 1.5. The global
        // minimum of m on the ball is no higher than m at any point of a fine grid on it.
        let (l, g, r) = ([-1.0, 0.5, 3.0], [0.3, -1.0, 2.0], 1.5);
        let s = solve(&l, &g, r);
        assert!(s.boundary && !s.hard_case && s.mu >= 1.0);
        let pn = s.p_eig.iter().map(|v| v * v).sum::<f64>().sqrt();
        assert!((pn - r).abs() < 1e-12);
        let best = model(&l, &g, &s.p_eig);
        assert!((s.predicted + best).abs() < 1e-14);
        let k = 60;
        for i in 0..=k {
            for j in 0..=2 * k {
                let th = std::f64::consts::PI * i as f64 / k as f64;
                let ph = std::f64::consts::PI * j as f64 / k as f64;
                let p = [r * th.sin() * ph.cos(), r * th.sin() * ph.sin(), r * th.cos()];
                assert!(best <= model(&l, &g, &p) + 1e-12);
            }
        }
        // The optimality conditions: (H + μI)p = −g.
        for i in 0..3 {
            assert!(((l[i] + s.mu) * s.p_eig[i] + g[i]).abs() < 1e-9);
        }
    }

    #[test]
    fn saddle_with_zero_gradient_steps_along_negative_curvature() {
        // issue 19: g = 0 at a saddle: the step is Δ along the most negative direction.
        let s = solve(&[-4.0, 2.0], &[0.0, 0.0], 0.5);
        assert!(s.hard_case);
        assert_eq!(s.p_eig[1], 0.0);
        assert!((s.p_eig[0].abs() - 0.5).abs() < 1e-15);
        assert!((s.predicted - 0.5).abs() < 1e-15); // −½·(−4)·0.25
    }

    #[test]
    fn positive_definite_but_long_newton_step_is_cut_to_the_boundary() {
        // issue 19: H = I, g = (3, 4): p(μ) = −g/(1 + μ), ‖p‖ = 1 at μ = 4.
        let s = solve(&[1.0, 1.0], &[3.0, 4.0], 1.0);
        assert!((s.mu - 4.0).abs() < 1e-10);
        assert!((s.p_eig[0] + 0.6).abs() < 1e-12 && (s.p_eig[1] + 0.8).abs() < 1e-12);
    }
}
