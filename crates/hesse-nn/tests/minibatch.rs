//! issue 18: mini-batches replay one recording with the batch as data inputs
//! (`MlpLoss::record_batch`, used by the Adam fit): every batch's value and gradient are the
//! bits of a loss made for that batch, for each head and activation, full batches and the
//! shorter last one alike.

use hesse_core::Matrix;
use hesse_nn::data::one_hot;
use hesse_nn::{Activation, L2, Mlp, MlpLoss, Output};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn numbers(seed: u64, n: usize) -> Vec<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n).map(|_| rng.random_range(-2.0..2.0)).collect()
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn targets(output: Output, rows: usize, seed: u64) -> Matrix {
    let u = numbers(seed, rows);
    match output {
        Output::Binary => Matrix::new(rows, 1, u.iter().map(|&v| f64::from(u8::from(v > 0.0))).collect()),
        Output::MultiClass => {
            let labels: Vec<usize> = u.iter().map(|&v| ((v + 2.0) * 0.75) as usize % 3).collect();
            one_hot(&labels, 3).unwrap()
        }
        Output::Regression => Matrix::new(rows, 1, u),
    }
}

#[test]
fn every_batch_replays_the_loss_made_for_it() {
    for (output, activation) in [
        (Output::Binary, Activation::Relu),
        (Output::MultiClass, Activation::Tanh),
        (Output::Regression, Activation::Sigmoid),
    ] {
        let outs = if output == Output::MultiClass { 3 } else { 1 };
        let net = Mlp::from_sizes(&[4, 6, outs], activation, output).unwrap();
        for rows in [32, 7] {
            let x0 = Matrix::new(rows, 4, numbers(1, rows * 4));
            let y0 = targets(output, rows, 2);
            let w0 = net.init(3);
            let mut rec = MlpLoss::new(&net, &x0, &y0, L2::Alpha(1e-3))
                .unwrap()
                .record_batch(&w0);
            for b in 0..5u64 {
                let x = Matrix::new(rows, 4, numbers(10 + b, rows * 4));
                let y = targets(output, rows, 20 + b);
                rec.set_data(0, x.as_slice());
                rec.set_data(1, y.as_slice());
                let w: Vec<f64> = numbers(30 + b, net.n_params()).iter().map(|v| v * 0.5).collect();
                let made = MlpLoss::new(&net, &x, &y, L2::Alpha(1e-3)).unwrap();
                let (want, want_g) = made.value_and_grad(&w);
                let (got, got_g) = rec.value_and_grad(&w);
                assert_eq!(
                    (got.to_bits(), bits(&got_g)),
                    (want.to_bits(), bits(&want_g)),
                    "{output:?}/{activation:?}, {rows} rows, batch {b}"
                );
            }
        }
    }
}
