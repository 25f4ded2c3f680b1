//! issue 17: certificates at textbook and published critical points; no certificate of a
//! minimum where there is none. Expected kinds and locations are published values.

use hesse_core::Var;
use hesse_critical::{Certificate, CertifiedKind, NoProof, certify};

fn rosenbrock<'t>(x: &[Var<'t>]) -> Var<'t> {
    (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2)
}

fn himmelblau<'t>(x: &[Var<'t>]) -> Var<'t> {
    (x[0].powi(2) + x[1] - 11.0).powi(2) + (x[0] + x[1].powi(2) - 7.0).powi(2)
}

#[test]
fn rosenbrock_minimum_is_certified_and_holds_the_exact_point() {
    for start in [[1.0, 1.0], [1.0001, 0.9999], [0.99, 0.98]] {
        let c = certify(rosenbrock, &start);
        let p = c.proof().unwrap_or_else(|| panic!("{start:?}: {c}"));
        assert_eq!(p.kind, CertifiedKind::Minimum);
        // the exact minimiser (1, 1) lies within the certified radius of the centre
        let d = p.center.iter().map(|v| (v - 1.0).abs()).fold(0.0, f64::max);
        assert!(d <= p.radius, "{start:?}: {d} > {}", p.radius);
        assert!(p.eigenvalue_gap.unwrap() > 0.0);
    }
}

/// Published: minima (3, 2), (−2.805118, 3.131312), (−3.779310, −3.283186),
/// (3.584428, −1.848126); maximum (−0.270845, −0.923039); saddles (0.086677, 2.884254),
/// (−3.073026, −0.081353), (3.385154, 0.073852), (−0.127961, −1.953715).
#[test]
fn himmelblau_minima_maximum_and_saddles_are_certified() {
    let cases = [
        ([3.0, 2.0], CertifiedKind::Minimum),
        ([-2.805118, 3.131312], CertifiedKind::Minimum),
        ([-3.779310, -3.283186], CertifiedKind::Minimum),
        ([3.584428, -1.848126], CertifiedKind::Minimum),
        ([-0.270845, -0.923039], CertifiedKind::Maximum),
        ([0.086677, 2.884254], CertifiedKind::Saddle { index: 1 }),
        ([-3.073026, -0.081353], CertifiedKind::Saddle { index: 1 }),
        ([3.385154, 0.073852], CertifiedKind::Saddle { index: 1 }),
        ([-0.127961, -1.953715], CertifiedKind::Saddle { index: 1 }),
    ];
    for (x, kind) in cases {
        let c = certify(himmelblau, &x);
        let p = c.proof().unwrap_or_else(|| panic!("{x:?}: {c}"));
        assert_eq!(p.kind, kind, "{x:?}");
        // the published 6-digit point is within 1e-6 of the certified critical point
        assert!(p.radius_from_start < 1e-6, "{x:?}: {}", p.radius_from_start);
        assert!(p.radius <= p.box_radius);
    }
    // the exact minimum (3, 2) is inside the certified region
    let p = certify(himmelblau, &[3.0, 2.0]).proof().cloned().unwrap();
    assert!((p.center[0] - 3.0).abs() <= p.radius && (p.center[1] - 2.0).abs() <= p.radius);
}

#[test]
fn no_minimum_is_certified_where_there_is_none() {
    // saddles, maxima: certified as what they are, never as minima
    let saddle = certify(|x| x[0].powi(2) - x[1].powi(2), &[0.01, -0.02]);
    assert_eq!(
        saddle.kind(),
        Some(CertifiedKind::Saddle { index: 1 }),
        "{saddle}"
    );
    let max = certify(
        |x| -(x[0].powi(2)) - 3.0 * x[1].powi(2) + x[0] * x[1],
        &[0.1, 0.1],
    );
    assert_eq!(max.kind(), Some(CertifiedKind::Maximum), "{max}");
    let monkey = certify(|x| x[0].powi(3) - 3.0 * x[0] * x[1].powi(2), &[0.0, 0.0]);
    assert!(!monkey.proves_minimum(), "{monkey}");
    // a degenerate minimum: second order cannot prove it, and says why
    let quartic = certify(|x| x[0].powi(4) + x[1].powi(2), &[0.0, 0.0]);
    assert_eq!(
        quartic,
        Certificate::NotProved(NoProof::Degenerate { undecided: 1 })
    );
    let quartic_off = certify(|x| x[0].powi(4) + x[1].powi(2), &[0.01, 0.01]);
    assert!(!quartic_off.proves_minimum(), "{quartic_off}");
    // a kink at the critical point: not twice differentiable, no proof
    let kink = certify(|x| x[0].abs() + x[1].powi(2) + x[0].powi(2), &[0.0, 0.0]);
    assert!(!kink.proves_minimum(), "{kink}");
    assert!(matches!(kink, Certificate::NotProved(_)));
    // far from any critical point: no proof
    let far = certify(|x| x[0].powi(2) + x[1], &[1.0, 1.0]);
    assert!(matches!(far, Certificate::NotProved(_)), "{far}");
    // a NaN Hessian: no proof
    let nan = certify(|x| x[0].sqrt() + x[1].powi(2), &[-1.0, 0.0]);
    assert_eq!(nan, Certificate::NotProved(NoProof::NotFinite));
}

/// Functions with transcendental ops: minima of cos x + cosh-like terms, certified via the
/// ops' interval forms (sin/cos extremum handling, exp, ln).
#[test]
fn transcendental_minima_are_certified() {
    // f = −cos x + exp(y²) − ln(1 + z²)·0 + (z − 0.5)²: minimum at (0, 0, 0.5)
    let c = certify(
        |x| -x[0].cos() + (x[1].powi(2)).exp() + (x[2] - 0.5).powi(2) + x[0].sin().powi(2),
        &[0.001, -0.002, 0.501],
    );
    let p = c.proof().unwrap_or_else(|| panic!("{c}"));
    assert_eq!(p.kind, CertifiedKind::Minimum);
    assert!(p.center[0].abs() <= p.radius && p.center[1].abs() <= p.radius);
    assert!((p.center[2] - 0.5).abs() <= p.radius);
}
