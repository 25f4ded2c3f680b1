//! issue 17: three Lennard-Jones atoms minimised by L-BFGS (default options) from 20 seeded
//! random starts, analysed with default options, by running the example's own code
//! (`examples/lennard_jones.rs`). The minimum is the equilateral triangle with f = −3 (three
//! pairs at r = 2^(1/6), each −ε) and six rigid-body zero modes: published values, not
//! computed by the code under test.

#[path = "../examples/lennard_jones.rs"]
#[allow(dead_code)]
mod lennard_jones;

use hesse_critical::{
    AnalysisOptions, Certificate, Classification, NoProof, analyze, certify_analysis, rigid_body_modes,
};

#[test]
fn lennard_jones_minima_are_strict_modulo_the_rigid_body_modes() {
    let runs = lennard_jones::runs(20).expect("the runs");
    assert_eq!(runs.len(), 20);
    for (k, r) in runs.iter().enumerate() {
        let a = &r.analysis;
        // it is the triangle: f = −3, all three distances 2^(1/6)
        assert!((a.value + 3.0).abs() < 1e-12, "{k}: {}", a.value);
        for (i, j) in [(0, 1), (0, 2), (1, 2)] {
            let d = ((0..3)
                .map(|c| (a.x[3 * i + c] - a.x[3 * j + c]).powi(2))
                .sum::<f64>())
            .sqrt();
            assert!((d - 2f64.powf(1.0 / 6.0)).abs() < 1e-9, "{k}: {d}");
        }
        // never called a saddle or a maximum; six undecided, flat directions
        assert!(
            !matches!(
                a.classification,
                Classification::Saddle { .. } | Classification::Maximum
            ),
            "{k}: {a}"
        );
        assert_eq!(
            a.classification,
            Classification::Degenerate { zero_directions: 6 },
            "{k}: {a}"
        );
        assert_eq!(a.flat_directions().len(), 6, "{k}");
        // with the rigid-body modes declared: strict modulo 6
        assert_eq!(
            r.modulo.classification,
            Classification::Minimum,
            "{k}: {}",
            r.modulo
        );
        assert!(
            r.modulo
                .verdict()
                .starts_with("strict local minimum modulo 6 symmetry directions"),
            "{k}: {}",
            r.modulo.verdict()
        );
        assert_eq!(r.modulo.reduced_eigenvalues.len(), 3);
    }
    // Without refinement, at the points L-BFGS stopped at, the verdict must still not be
    // wrong: no minimum a saddle or a maximum, with or without the declared modes.
    for (k, r) in runs.iter().enumerate() {
        let a = analyze(
            lennard_jones::energy,
            &r.report.x,
            AnalysisOptions::default().with_refine(false),
        )
        .unwrap();
        assert!(
            !matches!(
                a.classification,
                Classification::Saddle { .. } | Classification::Maximum
            ),
            "{k}: {a}"
        );
        let m = a.modulo(&rigid_body_modes(&a.x));
        assert!(
            matches!(
                m.classification,
                Classification::Minimum | Classification::Degenerate { .. }
            ),
            "{k}: {m}"
        );
    }
    // A certificate cannot prove an isolated critical point on a manifold of them.
    let c = certify_analysis(lennard_jones::energy, &runs[0].analysis);
    assert_eq!(c, Certificate::NotProved(NoProof::Degenerate { undecided: 6 }));
    // The picture: the spectrum with the six zero modes counted in its legend.
    let out = std::env::temp_dir().join("hesse-lennard-jones-test");
    std::fs::create_dir_all(&out).unwrap();
    let p = lennard_jones::spectrum(&runs[0].analysis, &out.join("spectrum.svg")).unwrap();
    let svg = std::fs::read_to_string(p).unwrap();
    assert!(svg.contains("): 6"), "zero modes not marked");
}
