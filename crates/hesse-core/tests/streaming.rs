//! Streaming (non-temporal) stores change no bit of any result (issue 21): replays of large
//! vector recordings with every region streamed (threshold 0) and with none, on every native
//! setting this CPU runs (the AVX-512 machine code, the AVX-512 and AVX2 tile executors, the
//! block executor), with the caller's buffers at every 8-byte position of a cache line.

use hesse_core::native::{self, Isa, Native};
use hesse_core::{RecordedFn, Var, streaming};

/// The extended Rosenbrock (interleaved columns: gathers and a column store) plus a term with
/// `tanh` (regions the machine code leaves to the tile executors).
fn loss(x: Var<'_>) -> Var<'_> {
    let n = x.len();
    let m = x.reshape(&[n / 2, 2]);
    let (odd, even) = (m.slice(1, 0, 1), m.slice(1, 1, 1));
    (100.0 * (even - odd.square()).square() + (1.0 - odd).square()).sum() + (x * 0.3).tanh().sum()
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn streamed_replays_give_the_same_bits_on_every_setting_and_alignment() {
    let n = 20_002;
    let x: Vec<f64> = (0..n).map(|i| ((i as f64) * 0.37).sin() * 1.5).collect();
    let v: Vec<f64> = (0..n).map(|i| ((i as f64) * 0.11).cos()).collect();
    let widest = native::available();
    let settings = [
        Native::ON,
        Native {
            isa: widest,
            jit: false,
        },
        Native {
            isa: Isa::Avx2.min(widest),
            jit: false,
        },
        Native::OFF,
    ];
    for setting in settings {
        native::scoped(setting, || {
            let mut rec = RecordedFn::new_vector(loss, &x);
            let (y, g) = streaming::scoped(None, || rec.value_and_grad(&x));
            let hv = streaming::scoped(None, || rec.hvp(&x, &v));
            // The result at every 8-byte position of a cache line: every head of the run.
            let mut buf = vec![0.0; n + 8];
            for shift in 0..8 {
                let out = &mut buf[shift..shift + n];
                let ys = streaming::scoped(Some(0), || rec.value_and_grad_to(&x, out));
                assert_eq!(ys.to_bits(), y.to_bits(), "{setting:?}, shift {shift}");
                assert!(bits(out) == bits(&g), "gradient, {setting:?}, shift {shift}");
                streaming::scoped(Some(0), || rec.hvp_to(&x, &v, out));
                assert!(bits(out) == bits(&hv), "HVP, {setting:?}, shift {shift}");
            }
            // And against the eager tape.
            let (ye, ge) = hesse_core::vector::value_and_grad(loss, &x);
            assert_eq!(ye.to_bits(), y.to_bits(), "{setting:?}");
            assert!(bits(&ge) == bits(&g), "{setting:?}");
        });
    }
}
