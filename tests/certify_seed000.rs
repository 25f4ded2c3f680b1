//! issue 17: seed 000's local minimum (docs/SEEDS.md: L = 0.5777378449, smallest Hessian
//! eigenvalue ≈ 1.94e-4) is certified: a unique critical point in a small box, a strict
//! local minimum. The loss is the example's (`examples/local_minimum.rs`) written with one
//! scalar `Var` per parameter, which the certificate's interval evaluation supports.

#[path = "../examples/local_minimum.rs"]
#[allow(dead_code)]
mod local_minimum;

use hesse::Var;
use hesse_critical::{AnalysisOptions, CertifiedKind, Classification, analyze, certify_analysis};
use local_minimum::{THETA0, X, Y};

/// The seed's loss: M(x) = σ(v·σ(W x + b) + c), mean binary cross-entropy over the points,
/// θ = [w00, w01, w10, w11, b0, b1, v0, v1, c].
fn loss<'t>(t: &[Var<'t>]) -> Var<'t> {
    let mut total = None;
    for (x, &y) in X.iter().zip(&Y) {
        let h0 = (t[0] * x[0] + t[1] * x[1] + t[4]).sigmoid();
        let h1 = (t[2] * x[0] + t[3] * x[1] + t[5]).sigmoid();
        let p = (t[6] * h0 + t[7] * h1 + t[8]).sigmoid();
        let term = y * p.ln() + (1.0 - y) * (1.0 - p).ln();
        total = Some(match total {
            None => term,
            Some(s) => s + term,
        });
    }
    -total.expect("points") / X.len() as f64
}

#[test]
fn seed000_local_minimum_is_certified() {
    let (theta, _, _) = local_minimum::gradient_descent(&THETA0, 0.05, 1e-8);
    let a = analyze(loss, &theta, AnalysisOptions::default()).unwrap();
    // the seed's numbers (docs/SEEDS.md)
    assert!((a.value - 0.5777378449).abs() < 1e-10, "{}", a.value);
    assert!(
        (a.eigenvalues[0] - 1.94e-4).abs() < 0.01e-4,
        "{:?}",
        a.eigenvalues
    );
    assert_eq!(a.classification, Classification::Minimum);
    let c = certify_analysis(loss, &a);
    let p = c.proof().unwrap_or_else(|| panic!("{c}"));
    assert_eq!(p.kind, CertifiedKind::Minimum);
    assert!(p.radius < 1e-8, "{}", p.radius);
    let gap = p.eigenvalue_gap.expect("a bound on the eigenvalues over the box");
    assert!(gap > 0.0 && gap <= a.eigenvalues[0], "{gap}");
}
