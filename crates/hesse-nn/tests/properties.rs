//! Property tests: the loss of a random small network, as a function of its flat parameters,
//! passes hesse-core's gradient and Hessian checks against central differences, for every
//! activation and every head, with and without the L2 penalty.

use hesse_core::Matrix;
use hesse_core::check::{CheckOptions, check_gradient_vector, check_hessian_vector};
use hesse_nn::{Activation, L2, Mlp, MlpLoss, Output};
use proptest::prelude::*;

/// A random network and data: (sizes, head, l2, params, x, targets).
#[derive(Debug, Clone)]
struct Case {
    sizes: Vec<usize>,
    head: Output,
    l2: L2,
    params: Vec<f64>,
    x: Vec<f64>,
    targets: Vec<f64>,
    n: usize,
    mixed: Vec<usize>,
}

fn case() -> impl Strategy<Value = Case> {
    let shape = (
        1usize..=3,
        prop::collection::vec(1usize..=3, 1..=2),
        0usize..3,
        1usize..=3,
        1usize..=4,
        0usize..3,
    );
    shape.prop_flat_map(|(d, hidden, head, k, n, l2)| {
        let head = [Output::Binary, Output::MultiClass, Output::Regression][head];
        let out = match head {
            Output::Binary => 1,
            Output::MultiClass => k.max(2),
            Output::Regression => k,
        };
        let mut sizes = vec![d];
        sizes.extend(&hidden);
        sizes.push(out);
        let p: usize = sizes.windows(2).map(|w| w[0] * w[1] + w[1]).sum();
        let l2 = [L2::None, L2::Alpha(0.3), L2::Lambda(0.05)][l2];
        let n_hidden = hidden.len();
        (
            Just((sizes, head, l2, n)),
            prop::collection::vec(-1.5f64..1.5, p),
            prop::collection::vec(-2.0f64..2.0, n * d),
            prop::collection::vec(0usize..out.max(2), n),
            prop::collection::vec(-1.0f64..1.0, n * out),
            prop::collection::vec(0usize..4, n_hidden),
        )
            .prop_map(|((sizes, head, l2, n), params, x, classes, values, mixed)| {
                let out = sizes[sizes.len() - 1];
                let targets = match head {
                    Output::Binary => classes.iter().map(|&c| (c % 2) as f64).collect(),
                    Output::MultiClass => {
                        let mut t = vec![0.0; n * out];
                        for (i, &c) in classes.iter().enumerate() {
                            t[i * out + c % out] = 1.0;
                        }
                        t
                    }
                    Output::Regression => values,
                };
                Case {
                    sizes,
                    head,
                    l2,
                    params,
                    x,
                    targets,
                    n,
                    mixed,
                }
            })
    })
}

/// Whether a relu network has a pre-activation so close to the kink that a finite
/// difference of step ~1e-3 would straddle it (the engine follows relu'(0) = 0; the finite
/// difference does not know that).
fn near_kink(net: &Mlp, w: &[f64], x: &Matrix) -> bool {
    let zs = net.preactivations(w, x).unwrap();
    zs[..zs.len() - 1]
        .iter()
        .zip(net.activations())
        .any(|(z, a)| *a == Activation::Relu && z.as_slice().iter().any(|v| v.abs() < 0.05))
}

proptest! {
    // A fixed seed: the gradient and Hessian checks compare with finite differences under a
    // tolerance, so a rare unlucky draw (a kink or a cancellation the filters miss) must not
    // make CI fail at random; hesse-core's property tests do the same.
    #![proptest_config(ProptestConfig {
        cases: 24,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x000e_e5ee),
        ..ProptestConfig::default()
    })]

    #[test]
    fn gradient_and_hessian_match_finite_differences(c in case()) {
        let d = c.sizes[0];
        let out = c.sizes[c.sizes.len() - 1];
        let x = Matrix::new(c.n, d, c.x.clone());
        let y = Matrix::new(c.n, out, c.targets.clone());
        let hidden = c.sizes.len() - 2;
        // Every activation on every hidden layer, then a per-layer mix.
        let mut choices: Vec<Vec<Activation>> =
            Activation::ALL.iter().map(|&a| vec![a; hidden]).collect();
        choices.push(c.mixed.iter().map(|&i| Activation::ALL[i]).collect());
        for acts in choices {
            let net = Mlp::from_layers(&c.sizes, &acts, c.head).unwrap();
            if near_kink(&net, &c.params, &x) {
                continue;
            }
            let loss = MlpLoss::new(&net, &x, &y, c.l2).unwrap();
            let g = check_gradient_vector(|w| loss.eval(w), &c.params, CheckOptions::default());
            prop_assert!(g.passed(), "{acts:?} {:?}: {g}", c.head);
            let opts = CheckOptions::default().with_tolerance(1e-5);
            let h = check_hessian_vector(|w| loss.eval(w), &c.params, opts);
            prop_assert!(h.passed(), "{acts:?} {:?}: {h}", c.head);
        }
    }

    #[test]
    fn named_view_round_trips(c in case()) {
        let net = Mlp::from_sizes(&c.sizes, Activation::Tanh, c.head).unwrap();
        let named = net.layout().to_named(&c.params).unwrap();
        prop_assert_eq!(net.layout().from_named(&named).unwrap(), c.params.clone());
        for p in [hesse_nn::Packing::OutIn, hesse_nn::Packing::Sklearn] {
            let there = net.layout().export(&c.params, p).unwrap();
            prop_assert_eq!(net.layout().import(&there, p).unwrap(), c.params.clone());
        }
    }
}
