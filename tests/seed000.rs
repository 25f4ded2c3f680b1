//! Seed 000 end to end (docs/SEEDS.md, docs/WORKLOADS.md W1): the numbers printed by
//! `examples/local_minimum.rs`, asserted by running the example's own code.

#[path = "../examples/local_minimum.rs"]
#[allow(dead_code)]
mod local_minimum;

use hesse_critical::Classification;

#[test]
fn seed000_is_a_strict_local_but_not_global_minimum() {
    let out = std::env::temp_dir().join("hesse-seed000-test");
    let o = local_minimum::run(&out, 40).expect("the workflow runs");

    // WORKLOADS.md W1: the specified rule stops after one step at 0.5777380345160923.
    assert_eq!(o.gd_steps, 1);
    assert!((o.gd_loss - 0.5777380345160923).abs() < 1e-15, "{}", o.gd_loss);

    // Seed 000 / WORKLOADS.md: the local minimum has L = 0.577737844906, gradient < 1e-9
    // after refinement; all 9 eigenvalues positive, smallest ≈ 1.94e-4, largest ≈ 0.579.
    let a = &o.analysis;
    assert!((a.value - 0.577737844906).abs() < 1e-11, "{}", a.value);
    assert!(a.gradient_norm < 1e-10, "{}", a.gradient_norm);
    assert_eq!(a.eigenvalues.len(), 9);
    assert!(
        (a.eigenvalues[0] - 1.94e-4).abs() < 0.01e-4,
        "{:?}",
        a.eigenvalues
    );
    assert!((a.eigenvalues[8] - 0.579).abs() < 0.001, "{:?}", a.eigenvalues);
    assert_eq!(a.inertia.positive, 9);
    assert_eq!(a.classification, Classification::Minimum);

    // Other starts reach a far lower loss (≈ 0): the minimum is not global.
    assert!(o.best_other.0 < 1e-6, "best other loss {}", o.best_other.0);
    for p in &o.pictures {
        let svg = std::fs::read_to_string(p).expect("picture written");
        assert!(svg.contains("</svg>"));
    }
}
