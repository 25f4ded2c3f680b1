//! Data utilities, the perceptron and the grid evaluator end to end.

mod common;

use approx::assert_relative_eq;
use hesse_core::Matrix;
use hesse_nn::data::features::{FeatureMap, expand};
use hesse_nn::data::grid::Meshgrid;
use hesse_nn::data::{StandardScaler, generate, one_hot};
use hesse_nn::{Activation, MlpClassifier, Perceptron, PerceptronRule, SolverKind};

/// Seed 003, exercise 1: the perceptron rule separates linearly separable data (two tight
/// blobs on either side of the line y = x, away from the origin, so the bias must move), and
/// counts its updates; both forms of the rule.
#[test]
fn perceptron_separates_two_blobs() {
    let (x, y) = generate::gaussian_blobs(&[[1.0, 3.0], [3.0, 1.0]], 0.3, 50, 4).unwrap();
    let t: Vec<f64> = y.iter().map(|&c| if c == 1 { 1.0 } else { -1.0 }).collect();
    for rule in [PerceptronRule::Batch, PerceptronRule::Online] {
        let fit = Perceptron::new()
            .with_rule(rule)
            .with_seed(1)
            .fit(&x, &t)
            .unwrap();
        assert!(fit.separated, "{rule:?}");
        assert!(
            fit.updates >= 1 && fit.updates < 10_000,
            "{rule:?}: {}",
            fit.updates
        );
        assert_eq!(fit.predict(&x).unwrap(), t);
        eprintln!("perceptron {rule:?}: {} updates", fit.updates);
    }
    // Same seed, same run.
    let a = Perceptron::new().with_seed(5).fit(&x, &t).unwrap();
    let b = Perceptron::new().with_seed(5).fit(&x, &t).unwrap();
    assert_eq!(a, b);
}

/// The W3 CSV reads exactly (floats written with Python's repr round-trip).
#[test]
fn w3_csv_reads() {
    let (x, y) = common::w3_data();
    assert_eq!((x.rows(), x.cols()), (1000, 2));
    assert_eq!(x.row(0), &[0.2739233746429086, -0.4604265724722594]);
    assert_eq!(y.iter().filter(|&&c| c == 1).count(), 467); // WORKLOADS: 467 ones
}

/// A decision boundary: a classifier's predictions over a meshgrid, through a scaler and a
/// feature map (seed 003, exercise 3b: extra sin features).
#[test]
fn grid_predictions_through_scaler_and_features() {
    let (x, y) = generate::circles(120, 0.4, 0.05, 2);
    let scaler = StandardScaler::fit(&x).unwrap();
    let maps = [FeatureMap::Identity, FeatureMap::Monomials(2), FeatureMap::Sin];
    let prepare = |m: &Matrix| expand(&scaler.transform(m)?, &maps);
    let z = prepare(&x).unwrap();
    assert_eq!(z.cols(), 2 + 5 + 2);
    let mut clf = MlpClassifier::new()
        .with_hidden(&[6])
        .with_activation(Activation::Tanh)
        .with_solver(SolverKind::Lbfgs)
        .with_max_iter(300);
    clf.fit(&z, &y).unwrap();
    assert!(clf.score(&z, &y).unwrap() > 0.97);
    let grid = Meshgrid::around(&x, 0.2, 41, 41).unwrap();
    let v = grid.evaluate(|p| clf.predict(&prepare(p)?)).unwrap();
    // The centre is the inner circle (class 1), the corners the outer (class 0).
    assert_eq!(*v.at(20, 20), 1);
    assert_eq!(*v.at(0, 0), 0);
    assert_eq!(*v.at(40, 40), 0);
}

#[test]
fn generators_are_seeded_and_shaped() {
    assert_eq!(
        generate::two_spirals(30, 0.1, 9),
        generate::two_spirals(30, 0.1, 9)
    );
    assert_ne!(generate::xor(40, 0.1, 1).0, generate::xor(40, 0.1, 2).0);
    let (x, y) = generate::circles(11, 0.5, 0.0, 0);
    assert_eq!((x.rows(), y.iter().filter(|&&c| c == 0).count()), (11, 6));
    let (x, y) = generate::xor(200, 0.25, 0);
    // The noise stays small enough that every point keeps its corner's quadrant class.
    for r in 0..x.rows() {
        let opposite = (x[(r, 0)] > 0.0) != (x[(r, 1)] > 0.0);
        assert_eq!(usize::from(opposite), y[r]);
    }
}

#[test]
fn one_hot_and_scaler_round_trip() {
    let y = one_hot(&[1, 0, 2], 3).unwrap();
    assert_eq!(y.row(0), &[0.0, 1.0, 0.0]);
    let (x, _) = generate::blobs(20, 1.0, 3);
    let (s, z) = StandardScaler::fit_transform(&x).unwrap();
    for c in 0..2 {
        let col: Vec<f64> = (0..z.rows()).map(|r| z[(r, c)]).collect();
        let mean = col.iter().sum::<f64>() / col.len() as f64;
        let var = col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / col.len() as f64;
        assert!(mean.abs() < 1e-12);
        assert_relative_eq!(var, 1.0, max_relative = 1e-12);
    }
    let back = s.inverse_transform(&z).unwrap();
    for (a, b) in back.as_slice().iter().zip(x.as_slice()) {
        assert_relative_eq!(*a, *b, max_relative = 1e-12, epsilon = 1e-12);
    }
}
