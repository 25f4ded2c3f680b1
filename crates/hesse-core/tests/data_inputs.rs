//! issue 18: recordings with data inputs. Recorded once for parameters and data of given
//! shapes, replayed with new parameters **and new data**, every answer is the eager tape's
//! (bit for bit) for a loss built with the new data as constants — on every route:
//! interpreter, native code, fused regions, lanes, parallel Hessian columns. The random
//! programs of the differential fuzzer take this route too (`differential/routes.rs`).

use hesse_core::native::{self, Native};
use hesse_core::{RecordedFn, Var, vector};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// Seeded pseudo-random numbers in [-1, 1).
fn numbers(seed: u64, n: usize) -> Vec<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n).map(|_| rng.random_range(-1.0..1.0)).collect()
}

/// Logistic regression with an L2 penalty on a batch of `ROWS`×5 features and ±1 labels.
const ROWS: usize = 200;

fn logistic<'t>(w: Var<'t>, d: &[Var<'t>]) -> Var<'t> {
    let margins = d[0].matmul(w.reshape(&[5, 1])).reshape(&[ROWS]) * d[1];
    (-margins).softplus().mean() + 0.01 * w.square().sum()
}

fn batch(seed: u64) -> (Vec<f64>, Vec<f64>) {
    let x = numbers(seed, ROWS * 5);
    let y = numbers(seed + 1, ROWS)
        .into_iter()
        .map(|v| if v > 0.0 { 1.0 } else { -1.0 })
        .collect();
    (x, y)
}

/// The eager answers for the batch `(x, y)` as constants.
fn eager(w: &[f64], v: &[f64], (x, y): &(Vec<f64>, Vec<f64>)) -> (f64, Vec<f64>, Vec<f64>, Vec<f64>) {
    let f = vector::function(|w| {
        let t = w.tape();
        logistic(w, &[t.constant(x, &[ROWS, 5]), t.constant(y, &[ROWS])])
    });
    let (val, g) = vector::value_and_grad(f, w);
    (val, g, vector::hvp(f, w, v), vector::hessian(f, w).into_vec())
}

#[test]
fn mini_batches_replay_the_eager_answers_bit_for_bit() {
    let first = batch(1);
    let w0 = numbers(99, 5);
    for setting in [Native::OFF, Native::ON] {
        native::scoped(setting, || {
            for jit in [false, true] {
                let rec = RecordedFn::new_vector_with_data(
                    logistic,
                    &w0,
                    &[(&first.0, &[ROWS, 5]), (&first.1, &[ROWS])],
                );
                let mut rec = if jit { rec.jit() } else { rec.without_jit() };
                assert_eq!(rec.data_shapes(), vec![vec![ROWS, 5], vec![ROWS]]);
                for b in 2..7 {
                    let data = batch(b * 10);
                    rec.set_data(0, &data.0);
                    rec.set_data(1, &data.1);
                    let (w, v) = (numbers(b, 5), numbers(b + 100, 5));
                    let (val, g, hv, h) = eager(&w, &v, &data);
                    let (rv, rg) = rec.value_and_grad(&w);
                    assert_eq!(rv.to_bits(), val.to_bits(), "value, batch {b}");
                    assert_eq!(rec.value(&w).to_bits(), val.to_bits(), "value, batch {b}");
                    assert_eq!(bits(&rg), bits(&g), "gradient, batch {b}");
                    assert_eq!(bits(&rec.hvp(&w, &v)), bits(&hv), "hvp, batch {b}");
                    assert_eq!(bits(rec.hessian(&w).as_slice()), bits(&h), "hessian, batch {b}");
                    // Not the answers of the recorded batch: the new data are used.
                    assert_ne!(rv.to_bits(), eager(&w, &v, &first).0.to_bits());
                }
            }
        })
    }
}

/// A long elementwise loss over data (fused regions, tiles, AVX-512 code where the CPU has
/// it): least squares of a cubic model on 3,000 points.
#[test]
fn data_in_fused_regions_is_read_at_each_replay() {
    const N: usize = 3000;
    fn cubic<'t>(p: Var<'t>, d: &[Var<'t>]) -> Var<'t> {
        let (a, b, c) = (p.slice(0, 0, 1), p.slice(0, 1, 1), p.slice(0, 2, 1));
        let t = d[0];
        let model = a * t + b * t.square() + c * t.powi(3);
        ((model - d[1]).square() * 0.5).sum() + (t.tanh() * a).sum()
    }
    let p0 = [0.5, -0.25, 0.125];
    let (t0, y0) = (numbers(3, N), numbers(4, N));
    for setting in [Native::OFF, Native::ON] {
        native::scoped(setting, || {
            let mut rec = RecordedFn::new_vector_with_data(cubic, &p0, &[(&t0, &[N]), (&y0, &[N])]);
            for k in 0..4u64 {
                let (t, y) = (numbers(10 + k, N), numbers(20 + k, N));
                rec.set_data(0, &t);
                rec.set_data(1, &y);
                let p = numbers(30 + k, 3);
                let v = numbers(40 + k, 3);
                let f = vector::function(|w| {
                    let tape = w.tape();
                    cubic(w, &[tape.constant(&t, &[N]), tape.constant(&y, &[N])])
                });
                let (val, g) = vector::value_and_grad(f, &p);
                let (rv, rg) = rec.value_and_grad(&p);
                assert_eq!((rv.to_bits(), bits(&rg)), (val.to_bits(), bits(&g)), "replay {k}");
                assert_eq!(bits(&rec.hvp(&p, &v)), bits(&vector::hvp(f, &p, &v)), "hvp {k}");
            }
        })
    }
}

/// Scalar parameters and scalar data: all-scalar programs, compiled to native code. The
/// data must be read from the arena, never embedded in the code as constants.
#[test]
fn scalar_data_is_never_compiled_in() {
    fn f<'t>(x: &[Var<'t>], d: &[Var<'t>]) -> Var<'t> {
        (x[0] * d[0] - d[1]).square() + (x[1] * d[2]).sin() * x[0] + d[0].exp() * x[1]
    }
    native::scoped(Native::ON, || {
        let mut rec =
            RecordedFn::new_with_data(f, &[0.3, 0.4], &[(&[1.0], &[]), (&[2.0], &[]), (&[0.5], &[])]).jit();
        for k in 0..6 {
            let d = numbers(k, 3);
            for (i, di) in d.iter().enumerate() {
                rec.set_data(i, &[*di]);
            }
            let x = numbers(50 + k, 2);
            let g = hesse_core::function(|x| {
                let t = x[0].tape();
                let ds: Vec<Var> = d.iter().map(|&c| t.scalar(c)).collect();
                f(x, &ds)
            });
            let (val, grad) = hesse_core::value_and_grad(g, &x);
            let (rv, rg) = rec.value_and_grad(&x);
            assert_eq!(
                (rv.to_bits(), bits(&rg)),
                (val.to_bits(), bits(&grad)),
                "data set {k}"
            );
            assert_eq!(rec.value(&x).to_bits(), val.to_bits());
            let h = hesse_core::hessian(g, &x);
            let rh = rec.hessian(&x);
            for (a, b) in rh.as_slice().iter().zip(h.as_slice()) {
                assert!(a == b, "Hessian, data set {k}: {rh:?} vs {h:?}");
            }
        }
        assert!(
            rec.native_programs() >= 2,
            "the value and gradient ran as native code"
        );
    })
}

/// A comparison on data that flips at a new datum is reported, as one on the point is.
#[test]
fn a_branch_on_data_that_flips_is_reported() {
    let mut rec = RecordedFn::new_with_data(
        |x, d| if d[0].gt(x[0]) { d[0] * x[0] } else { x[0].square() },
        &[1.0],
        &[(&[2.0], &[])],
    );
    assert_eq!(rec.value_and_grad(&[1.0]), (2.0, vec![2.0]));
    assert!(!rec.branch_changed());
    rec.set_data(0, &[0.5]);
    rec.value(&[1.0]);
    assert!(
        rec.branch_changed(),
        "0.5 > 1 is false now: the frozen branch is not the one taken"
    );
}

#[test]
#[should_panic(expected = "RecordedFn::new_vector_with_data: datum 1 has 3 values, its shape [2, 2] needs 4")]
fn data_that_do_not_fill_their_shape_are_refused_by_name() {
    RecordedFn::new_vector_with_data(
        |w, d| w.sum() * d[0] + d[1].sum(),
        &[1.0],
        &[(&[1.0], &[]), (&[1.0; 3], &[2, 2])],
    );
}

#[test]
#[should_panic(expected = "RecordedFn::set_data: datum 0 has shape [2, 2] (4 values), got 3 values")]
fn data_of_another_shape_is_refused() {
    let mut rec = RecordedFn::new_vector_with_data(
        |w, d| d[0].matmul(w.reshape(&[2, 1])).sum(),
        &[1.0, 1.0],
        &[(&[1.0; 4], &[2, 2])],
    );
    rec.set_data(0, &[1.0, 2.0, 3.0]);
}

#[test]
#[should_panic(expected = "RecordedFn::set_data: datum 1 does not exist (the recording has 1)")]
fn a_datum_that_was_not_recorded_is_refused() {
    let mut rec = RecordedFn::new_with_data(|x, d| x[0] * d[0], &[1.0], &[(&[1.0], &[])]);
    rec.set_data(1, &[1.0]);
}
