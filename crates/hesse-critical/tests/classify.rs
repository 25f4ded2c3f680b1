//! Textbook critical points classified right; peaks' critical points found by refinement and
//! classified consistently with a finite-difference Hessian; the report's text.

use hesse_core::Var;
use hesse_core::check::{CheckOptions, check_hessian};
use hesse_critical::{AnalysisOptions, Classification, analyze, symmetric_eigen};

fn classify(f: impl for<'t> Fn(&[Var<'t>]) -> Var<'t>, x: &[f64]) -> Classification {
    analyze(f, x, AnalysisOptions::default()).unwrap().classification
}

#[test]
fn textbook_cases() {
    assert_eq!(
        classify(|x| x[0].powi(2) + x[1].powi(2), &[0.0, 0.0]),
        Classification::Minimum
    );
    assert_eq!(
        classify(|x| -x[0].powi(2) - x[1].powi(2), &[0.0, 0.0]),
        Classification::Maximum
    );
    assert_eq!(
        classify(|x| x[0].powi(2) - x[1].powi(2), &[0.0, 0.0]),
        Classification::Saddle { index: 1 }
    );
    assert_eq!(
        classify(|x| x[0].powi(4) + x[1].powi(2), &[0.0, 0.0]),
        Classification::Degenerate { zero_directions: 1 }
    );
    // the monkey saddle x³ − 3xy²: the Hessian vanishes at 0
    assert_eq!(
        classify(|x| x[0].powi(3) - 3.0 * x[0] * x[1].powi(2), &[0.0, 0.0]),
        Classification::Degenerate { zero_directions: 2 }
    );
    let rosen = hesse_core::function(|x| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2));
    let a = analyze(rosen, &[1.0, 1.0], AnalysisOptions::default()).unwrap();
    assert_eq!(a.classification, Classification::Minimum);
    assert_eq!(a.gradient_norm, 0.0);
    // eigenvalues of [[802, -400], [-400, 200]]: 501 ± sqrt(301² + 400²)
    let r = (301.0f64.powi(2) + 400.0f64.powi(2)).sqrt();
    assert!((a.eigenvalues[0] - (501.0 - r)).abs() < 1e-10 && (a.eigenvalues[1] - (501.0 + r)).abs() < 1e-10);
}

#[test]
fn a_higher_index_saddle_counts_its_descent_directions() {
    let f = hesse_core::function(|x| x[0].powi(2) - x[1].powi(2) - 2.0 * x[2].powi(2) + x[3].powi(2));
    let a = analyze(f, &[0.0; 4], AnalysisOptions::default()).unwrap();
    assert_eq!(a.classification, Classification::Saddle { index: 2 });
    assert_eq!(
        (a.inertia.negative, a.inertia.zero, a.inertia.positive),
        (2, 0, 2)
    );
}

#[test]
fn an_explicit_tolerance_is_used_and_reported() {
    let f = hesse_core::function(|x| x[0].powi(2) + 1e-9 * x[1].powi(2));
    let strict = analyze(f, &[0.0, 0.0], AnalysisOptions::default()).unwrap();
    assert_eq!(strict.classification, Classification::Minimum);
    let loose = analyze(f, &[0.0, 0.0], AnalysisOptions::default().with_tolerance(1e-6)).unwrap();
    assert_eq!(
        loose.classification,
        Classification::Degenerate { zero_directions: 1 }
    );
    assert_eq!(loose.tolerance, 1e-6);
    assert_eq!(loose.zero_directions().len(), 1);
    assert!(loose.to_string().contains("1.000e-6 counts as zero"), "{loose}");
}

fn peaks<'t>(v: &[Var<'t>]) -> Var<'t> {
    let (x, y) = (v[0], v[1]);
    3.0 * (1.0 - x).powi(2) * (-x.powi(2) - (y + 1.0).powi(2)).exp()
        - 10.0 * (x / 5.0 - x.powi(3) - y.powi(5)) * (-x.powi(2) - y.powi(2)).exp()
        - (-(x + 1.0).powi(2) - y.powi(2)).exp() / 3.0
}

/// Source for the minima: docs/WORKLOADS.md W5 (global (0.2283, -1.6255), f = -6.551;
/// (-1.3474, 0.2045), f = -3.050; (0.2964, 0.3202), f = -0.0649). Every other critical point is
/// found by refinement from a grid and classified; the classification is checked against the
/// signs of a finite-difference Hessian's eigenvalues, never against the engine itself.
#[test]
fn peaks_critical_points() {
    let minima = [
        (0.2283, -1.6255, -6.551),
        (-1.3474, 0.2045, -3.050),
        (0.2964, 0.3202, -0.0649),
    ];
    for (x, y, f) in minima {
        let a = analyze(
            peaks,
            &[x + 0.01, y - 0.01],
            AnalysisOptions::default().with_refine(true),
        )
        .unwrap();
        assert!(a.gradient_norm < 1e-12, "{a}");
        assert_eq!(a.classification, Classification::Minimum, "{a}");
        assert!((a.x[0] - x).abs() < 1e-3 && (a.x[1] - y).abs() < 1e-3, "{a}");
        assert!((a.value - f).abs() < 1e-3 * f.abs().max(0.1), "{a}");
    }
    // sweep starts over a grid, refine, collect distinct critical points
    let mut found: Vec<(Vec<f64>, Classification)> = Vec::new();
    for i in 0..13 {
        for j in 0..13 {
            let start = [-3.0 + 0.5 * i as f64, -3.0 + 0.5 * j as f64];
            let a = analyze(peaks, &start, AnalysisOptions::default().with_refine(true)).unwrap();
            if a.gradient_norm > 1e-10 || a.x.iter().any(|c| c.abs() > 3.0) {
                continue;
            }
            if found
                .iter()
                .any(|(p, _)| (p[0] - a.x[0]).hypot(p[1] - a.x[1]) < 1e-6)
            {
                continue;
            }
            // independent classification from a finite-difference Hessian
            let fd = check_hessian(peaks, &a.x, CheckOptions::default());
            let h = hesse_core::Matrix::new(2, 2, fd.entries.iter().map(|e| e.finite_difference).collect());
            let (lam, _) = symmetric_eigen(&h);
            let expected = match (lam[0] > 1e-6, lam[1] < -1e-6) {
                (true, _) => Classification::Minimum,
                (_, true) => Classification::Maximum,
                _ if lam[0] < -1e-6 && lam[1] > 1e-6 => Classification::Saddle { index: 1 },
                _ => continue,
            };
            assert_eq!(a.classification, expected, "{a}");
            found.push((a.x.clone(), a.classification));
        }
    }
    let count = |c: Classification| found.iter().filter(|(_, k)| *k == c).count();
    // peaks has 3 local minima, 3 local maxima (the highest near (-0.0093, 1.5814)) and the
    // saddles between them in the central region
    assert_eq!(count(Classification::Minimum), 3, "{found:?}");
    assert_eq!(count(Classification::Maximum), 3, "{found:?}");
    assert!(count(Classification::Saddle { index: 1 }) >= 3, "{found:?}");
    let top = found
        .iter()
        .find(|(p, _)| (p[0] + 0.0093).hypot(p[1] - 1.5814) < 1e-3);
    assert_eq!(top.map(|t| t.1), Some(Classification::Maximum), "{found:?}");
}

#[test]
fn refinement_reports_how_far_the_point_moved() {
    let f = hesse_core::function(|x| (x[0] - 1.0).powi(2) + (x[0] * x[1] - 2.0).powi(2));
    let a = analyze(f, &[1.2, 1.5], AnalysisOptions::default().with_refine(true)).unwrap();
    let r = a.refinement.clone().expect("refined");
    assert!(r.converged && r.final_gradient_norm < 1e-12);
    // the minimum is (1, 2)
    assert!((a.x[0] - 1.0).abs() < 1e-12 && (a.x[1] - 2.0).abs() < 1e-12);
    let moved = (0.2f64.powi(2) + 0.5f64.powi(2)).sqrt();
    assert!((r.moved - moved).abs() < 1e-9);
    let text = a.to_string();
    assert!(text.contains("verdict    strict local minimum"), "{text}");
    assert!(text.contains("refined"), "{text}");
}

#[test]
fn a_non_critical_point_says_so() {
    let a = analyze(|x| x[0].powi(2) + x[1], &[0.0, 0.0], AnalysisOptions::default()).unwrap();
    assert!(a.to_string().contains("not a critical point"), "{a}");
}

#[test]
fn refinement_stays_local_and_survives_non_finite_values() {
    // x^(1/3) has no critical point nearby; Newton's steps grow geometrically.
    let f = hesse_core::function(|x| x[0].powf(1.0 / 3.0) + x[1].powi(2));
    let a = analyze(f, &[0.001, 0.0], AnalysisOptions::default().with_refine(true)).unwrap();
    let r = a.refinement.clone().expect("refined");
    assert!(!r.converged, "{a}");
    assert!(r.moved <= 10.0, "moved {}", r.moved);
    // issue 17: a NaN Hessian is a typed error, not a verdict (it used to answer
    // "degenerate (2 zero-curvature directions)"), and not a hang or a panic
    let g = hesse_core::function(|x| x[0].sqrt() + x[1].powi(2));
    let b = analyze(g, &[-1.0, 0.0], AnalysisOptions::default().with_refine(true));
    assert!(
        matches!(
            b,
            Err(hesse_critical::AnalysisError::NotFinite { what: "value", .. })
        ),
        "{b:?}"
    );
}
