//! Bad input from users gives typed errors, never a panic: fit, predict, score, CSV,
//! parameters, options.

use hesse_core::Matrix;
use hesse_nn::data::csv::{LabelColumn, parse_csv, read_csv};
use hesse_nn::data::{generate, matrix_from_rows, one_hot};
use hesse_nn::{Activation, L2, Mlp, MlpClassifier, MlpLoss, NnError, Output, Perceptron, SolverKind};

fn small() -> MlpClassifier {
    MlpClassifier::new()
        .with_hidden(&[3])
        .with_activation(Activation::Tanh)
        .with_solver(SolverKind::Lbfgs)
        .with_max_iter(20)
}

#[test]
fn fit_rejects_bad_data() {
    let (x, y) = generate::xor4();
    let mut clf = small();
    assert_eq!(
        clf.fit(&Matrix::zeros(0, 2), &[]).unwrap_err(),
        NnError::EmptyData { what: "no samples" }
    );
    assert_eq!(
        clf.fit(&x, &y[..3]).unwrap_err(),
        NnError::TargetMismatch {
            samples: 4,
            targets: 3
        }
    );
    assert_eq!(
        clf.fit(&x, &[0, 0, 0, 0]).unwrap_err(),
        NnError::TooFewClasses { classes: 1 }
    );
    let mut three = small().with_classes(3);
    let e = three.fit(&x, &[0, 1, 2, 3]).unwrap_err();
    assert_eq!(
        e,
        NnError::LabelOutOfRange {
            index: 3,
            label: 3,
            classes: 3
        }
    );
    assert_eq!(
        e.to_string(),
        "label out of range: sample 3 has label 3, but there are 3 classes"
    );
    let mut bad = x.clone();
    bad[(2, 1)] = f64::NAN;
    assert_eq!(
        clf.fit(&bad, &y).unwrap_err(),
        NnError::NonFinite { row: 2, column: 1 }
    );
    assert!(matches!(
        small().with_initial_params(vec![0.0; 3]).fit(&x, &y),
        Err(NnError::ParamLength { expected: 13, got: 3 })
    ));
}

#[test]
fn fit_rejects_bad_options() {
    let (x, y) = generate::xor4();
    let cases: Vec<(MlpClassifier, &str)> = vec![
        (small().with_alpha(-1.0), "alpha"),
        (small().with_alpha(f64::NAN), "alpha"),
        (small().with_tol(-1.0), "tol"),
        (small().with_max_iter(0), "max_iter"),
        (small().with_learning_rate(0.0), "learning_rate"),
        (small().with_momentum(1.0), "momentum"),
        (small().with_batch_size(0), "batch_size"),
        (small().with_hidden(&[2, 0]), "hidden"),
        (small().with_n_iter_no_change(0), "n_iter_no_change"),
        (small().with_max_fun(0), "max_fun"),
    ];
    for (mut clf, name) in cases {
        match clf.fit(&x, &y) {
            Err(NnError::InvalidOption { name: got, .. }) => assert_eq!(got, name),
            other => panic!("{name}: {other:?}"),
        }
    }
    let e = small().with_alpha(-1.0).fit(&x, &y).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid option `alpha`: got -1, expected a finite number >= 0"
    );
}

#[test]
fn predict_and_score_reject_bad_data() {
    let (x, y) = generate::xor4();
    let clf = small();
    assert_eq!(clf.predict(&x).unwrap_err(), NnError::NotFitted);
    assert_eq!(clf.score(&x, &y).unwrap_err(), NnError::NotFitted);
    let mut clf = small();
    clf.fit(&x, &y).unwrap();
    let x3 = Matrix::new(1, 3, vec![0.0, 1.0, 2.0]);
    assert_eq!(
        clf.predict(&x3).unwrap_err(),
        NnError::FeatureMismatch { expected: 2, got: 3 }
    );
    assert_eq!(
        clf.predict_proba(&x3).unwrap_err(),
        NnError::FeatureMismatch { expected: 2, got: 3 }
    );
    assert!(matches!(
        clf.predict(&Matrix::zeros(0, 2)),
        Err(NnError::EmptyData { .. })
    ));
    assert_eq!(
        clf.score(&x, &[0, 1, 1, 2]).unwrap_err(),
        NnError::LabelOutOfRange {
            index: 3,
            label: 2,
            classes: 2
        }
    );
    assert!(matches!(
        clf.score(&x, &[0, 1]),
        Err(NnError::TargetMismatch { .. })
    ));
    assert!(matches!(
        clf.score(&x3, &[0]),
        Err(NnError::FeatureMismatch { .. })
    ));
    let inf = Matrix::new(1, 2, vec![f64::INFINITY, 0.0]);
    assert!(matches!(clf.predict(&inf), Err(NnError::NonFinite { .. })));
}

#[test]
fn loss_and_network_reject_bad_shapes() {
    let net = Mlp::from_sizes(&[2, 2, 1], Activation::Sigmoid, Output::Binary).unwrap();
    let x = Matrix::new(2, 2, vec![0.0; 4]);
    assert_eq!(
        MlpLoss::new(&net, &x, &Matrix::zeros(3, 1), L2::None).unwrap_err(),
        NnError::TargetMismatch {
            samples: 2,
            targets: 3
        }
    );
    assert_eq!(
        MlpLoss::new(&net, &x, &Matrix::zeros(2, 2), L2::None).unwrap_err(),
        NnError::TargetColumns { expected: 1, got: 2 }
    );
    assert!(MlpLoss::new(&net, &Matrix::zeros(2, 3), &Matrix::zeros(2, 1), L2::None).is_err());
    assert!(MlpLoss::new(&net, &x, &Matrix::zeros(2, 1), L2::Lambda(f64::INFINITY)).is_err());
    assert!(matches!(
        Mlp::from_sizes(&[2, 2], Activation::Tanh, Output::Binary),
        Err(NnError::InvalidOption { name: "sizes", .. })
    ));
    assert!(matches!(
        one_hot(&[0, 3], 3),
        Err(NnError::LabelOutOfRange { .. })
    ));
    assert!(matches!(
        matrix_from_rows::<Vec<f64>>(&[]),
        Err(NnError::EmptyData { .. })
    ));
    assert_eq!(
        matrix_from_rows(&[vec![1.0, 2.0], vec![3.0]]).unwrap_err(),
        NnError::RaggedRows {
            row: 1,
            expected: 2,
            got: 1
        }
    );
    assert!(Perceptron::new().fit(&x, &[1.0, 2.0]).is_err());
    assert!(Perceptron::new().fit(&x, &[1.0]).is_err());
    assert!(
        Perceptron::new()
            .with_learning_rate(-1.0)
            .fit(&x, &[1.0, -1.0])
            .is_err()
    );
}

#[test]
fn csv_errors_name_line_and_column() {
    assert_eq!(parse_csv("", LabelColumn::Last).unwrap_err(), NnError::CsvEmpty);
    assert_eq!(
        parse_csv("\n\n", LabelColumn::Last).unwrap_err(),
        NnError::CsvEmpty
    );
    assert_eq!(
        parse_csv("x0,x1,y\n", LabelColumn::Last).unwrap_err(),
        NnError::CsvEmpty
    );
    let e = parse_csv("x0,x1,y\n1,2,0\n3,4,1,9\n", LabelColumn::Last).unwrap_err();
    assert_eq!(
        e,
        NnError::CsvRagged {
            line: 3,
            expected: 3,
            got: 4
        }
    );
    assert_eq!(e.to_string(), "csv line 3: 4 fields, expected 3");
    let e = parse_csv("1,2,0\n3,4,1\n5,,1\n", LabelColumn::Last).unwrap_err();
    assert_eq!(
        e,
        NnError::CsvNotANumber {
            line: 3,
            column: 2,
            text: String::new()
        }
    );
    let e = parse_csv("1,2,0\n3,4,one\n", LabelColumn::Last).unwrap_err();
    assert_eq!(e.to_string(), "csv line 2, column 3: `one` is not a number");
    let e = read_csv("/no/such/dir/data.csv", LabelColumn::Last).unwrap_err();
    assert!(
        e.to_string().starts_with("cannot read /no/such/dir/data.csv: "),
        "{e}"
    );
    // Labels that are not class indices are caught when converting.
    let d = parse_csv("1,2,0.5\n", LabelColumn::Last).unwrap();
    assert!(matches!(
        hesse_nn::data::classes_from_f64(&d.y),
        Err(NnError::InvalidTarget { index: 0, .. })
    ));
}
