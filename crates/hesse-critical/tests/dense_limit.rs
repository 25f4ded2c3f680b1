//! The dense-size guard of the analysis: above the memory limit (options or hesse-core's
//! process/thread limit) every `analyze*` refuses with `AnalysisError::TooLarge` before
//! computing anything, naming the matrix-free routes; below it the analysis is unchanged.
//! Expected Hessians and verdicts are those of the closed-form test functions.

use hesse_core::{RecordedFn, Var, dense};
use hesse_critical::{
    AnalysisError, AnalysisOptions, Certificate, Classification, DENSE_MATRICES, LanczosOptions, NoProof,
    analyze, analyze_model, analyze_vector, certify, extreme_eigenvalues,
};

/// x² + 2y² + 3z²: a strict minimum at 0 with H = diag(2, 4, 6).
fn bowl<'t>(x: &[Var<'t>]) -> Var<'t> {
    x[0].powi(2) + 2.0 * x[1].powi(2) + 3.0 * x[2].powi(2)
}

#[test]
fn a_small_limit_in_the_options_refuses_every_analysis() {
    let x = [0.1, 0.2, 0.3];
    // Three 3×3 matrices of f64: 216 bytes.
    assert_eq!(DENSE_MATRICES, 3);
    let opts = AnalysisOptions::default().with_dense_limit(215);
    let expected = AnalysisError::TooLarge {
        n: 3,
        bytes: 216,
        limit: 215,
    };
    assert_eq!(analyze(bowl, &x, opts).unwrap_err(), expected);
    assert_eq!(
        analyze_vector(|w| (w.square() * w.square()).sum(), &x, opts).unwrap_err(),
        expected
    );
    let mut rec = RecordedFn::new(bowl, &x);
    assert_eq!(analyze_model(&mut rec, &x, opts).unwrap_err(), expected);
    let msg = expected.to_string();
    for part in [
        "a dense analysis of 3 coordinates needs 216 B for 3 matrices of 3×3 f64",
        "above the dense-memory limit of 215 B",
        "extreme_eigenvalues",
        "hutchinson_trace",
        "AnalysisOptions::with_dense_limit",
        "HESSE_DENSE_LIMIT",
    ] {
        assert!(msg.contains(part), "{part:?} missing from: {msg}");
    }
    // At the limit exactly, the analysis runs and is the closed form's.
    let a = analyze(bowl, &x, opts.with_dense_limit(216)).unwrap();
    assert_eq!(a.classification, Classification::Minimum);
    assert_eq!(
        a.hessian.to_rows(),
        vec![vec![2.0, 0.0, 0.0], vec![0.0, 4.0, 0.0], vec![0.0, 0.0, 6.0]]
    );
    assert!(a.x.iter().all(|v| v.abs() < 1e-12), "{:?}", a.x);
}

#[test]
fn without_a_limit_in_the_options_hesse_cores_limit_applies() {
    let x = [0.1, 0.2, 0.3];
    let e = dense::scoped(100, || analyze(bowl, &x, AnalysisOptions::default())).unwrap_err();
    assert_eq!(
        e,
        AnalysisError::TooLarge {
            n: 3,
            bytes: 216,
            limit: 100
        }
    );
    // The options' own limit wins, and the Hessians inside the analysis are not then
    // refused by hesse-core's lower one.
    let a = dense::scoped(100, || {
        analyze(bowl, &x, AnalysisOptions::default().with_dense_limit(1_000))
    })
    .unwrap();
    assert_eq!(a.classification, Classification::Minimum);
    // certify says why it has no proof.
    match dense::scoped(100, || certify(bowl, &x)) {
        Certificate::NotProved(NoProof::TooLarge(e)) => {
            assert!(matches!(e, AnalysisError::TooLarge { n: 3, .. }), "{e:?}")
        }
        other => panic!("{other:?}"),
    }
}

/// n = 20,000 under the default 4 GB: refused (9.6 GB) before recording or allocating
/// anything, while the matrix-free route the message names finds the extreme eigenvalues of
/// the same function at that size: f = Σ xᵢ² − 3x₀² + 2x₁² has H = diag(−4, 6, 2, …, 2).
#[test]
fn the_default_limit_refuses_n_20000_and_lanczos_runs_there() {
    let n = 20_000;
    let x = vec![0.5; n];
    let f = hesse_core::vector::function(|w| {
        w.square().sum() - 3.0 * w.index(0).square() + 2.0 * w.index(1).square()
    });
    let opts = AnalysisOptions::default().with_dense_limit(dense::DEFAULT_LIMIT);
    let e = analyze_vector(f, &x, opts).unwrap_err();
    assert_eq!(
        e,
        AnalysisError::TooLarge {
            n,
            bytes: 9_600_000_000,
            limit: 4_000_000_000
        }
    );
    assert!(e.to_string().contains("needs 9.6 GB"), "{e}");
    let mut rec = RecordedFn::new_vector(f, &x);
    let r = extreme_eigenvalues(&mut rec, &x, LanczosOptions::default());
    assert!((r.smallest + 4.0).abs() < 1e-9, "{r:?}");
    assert!((r.largest - 6.0).abs() < 1e-9, "{r:?}");
}
