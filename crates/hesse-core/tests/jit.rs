//! Native replay (feature `jit`): compiled programs give the interpreter's and the eager
//! tape's results bit for bit (any NaN matches any NaN), for every scalar op, on random
//! expression graphs, and on the workloads' shapes (a sigmoid network, Rosenbrock, peaks).
#![cfg(feature = "jit")]

use hesse_core::native::{self, Native};
use hesse_core::strategies::{expr, point};
use hesse_core::{RecordedFn, Var, function, hvp, value_and_grad};
use proptest::prelude::*;

fn same(p: &[f64], q: &[f64]) -> bool {
    p.len() == q.len()
        && p.iter()
            .zip(q)
            .all(|(a, b)| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()))
}

/// Value, gradient, HVP and Hessian of a natively compiled recording against an interpreted
/// one at `x` (direction `v`); panics naming `what` on the first difference.
fn compare(native: &mut RecordedFn, interp: &mut RecordedFn, x: &[f64], v: &[f64], what: &str) {
    let (a, ga) = native.value_and_grad(x);
    let (b, gb) = interp.value_and_grad(x);
    assert!(
        same(&[a], &[b]) && same(&ga, &gb),
        "{what}: value/gradient at {x:?}: {a} {ga:?} vs {b} {gb:?}"
    );
    assert!(same(&[native.value(x)], &[b]), "{what}: value at {x:?}");
    let (ha, hb) = (native.hvp(x, v), interp.hvp(x, v));
    assert!(same(&ha, &hb), "{what}: hvp at {x:?}: {ha:?} vs {hb:?}");
    let (ha, hb) = (native.hessian(x), interp.hessian(x));
    assert!(
        same(ha.as_slice(), hb.as_slice()),
        "{what}: Hessian at {x:?}: {ha:?} vs {hb:?}"
    );
    assert_eq!(
        native.branch_changed(),
        interp.branch_changed(),
        "{what}: comparisons at {x:?}"
    );
}

/// Points with signed zeros, overflow, underflow, infinities and NaN, and ordinary ones.
fn points(n: usize) -> Vec<Vec<f64>> {
    let wild = [
        0.0,
        -0.0,
        1e300,
        -1e-300,
        800.0,
        -745.5,
        f64::INFINITY,
        f64::NAN,
        0.5,
        -2.25,
    ];
    let mut out: Vec<Vec<f64>> = (0..wild.len() * 3)
        .map(|k| (0..n).map(|i| wild[(k * (i + 3) + i) % wild.len()]).collect())
        .collect();
    let mut s = 0x9e37_79b9_7f4a_7c15_u64;
    for _ in 0..40 {
        out.push(
            (0..n)
                .map(|_| {
                    s = s
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((s >> 11) as f64 / (1u64 << 53) as f64) * 6.0 - 3.0
                })
                .collect(),
        );
    }
    out
}

fn check(f: for<'t> fn(&[Var<'t>]) -> Var<'t>, x0: &[f64], what: &str) {
    let mut native = RecordedFn::new(f, x0).jit();
    assert_eq!(native.native_programs(), 0, "{what}: compiled when first used");
    let mut interp = RecordedFn::new(f, x0).without_jit();
    let v: Vec<f64> = (0..x0.len()).map(|k| 1.0 + (k % 10) as f64 / 10.0).collect();
    for x in points(x0.len()) {
        compare(&mut native, &mut interp, &x, &v, what);
    }
    // `compare` used value, gradient, HVP and Hessian: every program has compiled.
    assert_eq!(native.native_programs(), 5, "{what}: every program compiles");
    // And the eager tape, at ordinary points.
    for x in points(x0.len()).into_iter().skip(30) {
        let (a, ga) = native.value_and_grad(&x);
        if native.branch_changed() {
            continue; // the recording's frozen branch is not the eager one here
        }
        let (b, gb) = value_and_grad(f, &x);
        assert!(same(&[a], &[b]) && same(&ga, &gb), "{what}: vs eager at {x:?}");
        assert!(
            same(&native.hvp(&x, &v), &hvp(f, &x, &v)),
            "{what}: hvp vs eager at {x:?}"
        );
    }
}

#[test]
fn every_unary_op_compiles_to_the_interpreters_bits() {
    // The compiled route, whatever `HESSE_NATIVE` says for the rest of the suite.
    native::scoped(Native::ON, || {
        // Every registered op (parameterised ones at their samples), through the registry.
        for u in hesse_core::ops::Unary::all() {
            let name = format!("{u:?}");
            // Through a product, so that every op sits inside first and second derivatives;
            // the masks (zero derivative) times x so that their derivatives are not all zero.
            check_three(
                &name,
                function(move |x| x[0].apply(u) * x[1] + (x[0] * x[1] + x[2]).apply(u) * x[2]),
            );
        }
    })
}

/// A function of three coordinates, compiled and interpreted, at [`points`].
fn check_three(name: &str, f: impl for<'t> Fn(&[Var<'t>]) -> Var<'t> + Copy) {
    let x0 = [0.3, 0.7, 0.2];
    let mut native = RecordedFn::new(f, &x0).jit();
    let mut interp = RecordedFn::new(f, &x0).without_jit();
    for x in points(3) {
        compare(&mut native, &mut interp, &x, &[1.0, -0.5, 2.0], name);
    }
    assert!(native.native_programs() > 0, "{name}");
}

#[test]
fn every_binary_op_compiles_to_the_interpreters_bits() {
    // The compiled route, whatever `HESSE_NATIVE` says for the rest of the suite.
    native::scoped(Native::ON, || {
        type B = for<'t> fn(Var<'t>, Var<'t>) -> Var<'t>;
        let ops: &[(&str, B)] = &[
            ("add", |a, b| a + b),
            ("sub", |a, b| a - b),
            ("mul", |a, b| a * b),
            ("div", |a, b| a / b),
            ("pow", |a, b| a.pow(b)),
            ("max", |a, b| a.max(b)),
            ("min", |a, b| a.min(b)),
            ("max_mask", |a, b| a.max_mask(b) * a),
        ];
        for &(name, op) in ops {
            check_three(name, function(move |x| op(x[0] * x[2], x[1] + x[2]) * x[0]));
        }
    })
}

#[test]
fn powi_is_f64_powi_for_every_small_exponent() {
    // The compiled route, whatever `HESSE_NATIVE` says for the rest of the suite.
    native::scoped(Native::ON, || {
        let xs = [
            0.0,
            -0.0,
            1.0,
            -1.5,
            3.0e-160,
            -7.3e200,
            0.1,
            1.0 / 3.0,
            5e-324,
            f64::MAX,
            1.0000001,
            -0.9999,
            12.5,
        ];
        for n in -40..=40 {
            let mut rec = RecordedFn::new(move |x| x[0].powi(n), &[0.5]).jit();
            for &x in &xs {
                let got = rec.value(&[x]);
                let want = std::hint::black_box(x).powi(std::hint::black_box(n));
                assert!(same(&[got], &[want]), "{x:e}.powi({n}): {got:e} vs {want:e}");
            }
            assert_eq!(rec.native_programs(), 1, "the value program ran as native code");
        }
    })
}

#[test]
fn workload_shapes_compile_to_the_interpreters_bits() {
    // The compiled route, whatever `HESSE_NATIVE` says for the rest of the suite.
    native::scoped(Native::ON, || {
        fn net<'t>(t: &[Var<'t>]) -> Var<'t> {
            let data = [
                ([2.8, 0.4], 1.0),
                ([3.1, 4.3], 1.0),
                ([-2.7, -0.4], 0.0),
                ([-0.1, 3.4], 0.0),
            ];
            let mut acc: Option<Var<'t>> = None;
            for (x, y) in data {
                let h0 = (t[0] * x[0] + t[1] * x[1] + t[4]).sigmoid();
                let h1 = (t[2] * x[0] + t[3] * x[1] + t[5]).sigmoid();
                let p = (t[6] * h0 + t[7] * h1 + t[8]).sigmoid();
                let term = if y == 1.0 { p.ln() } else { (1.0 - p).ln() };
                acc = Some(acc.map_or(term, |a| a + term));
            }
            -(acc.unwrap() / 4.0)
        }
        fn rosen<'t>(x: &[Var<'t>]) -> Var<'t> {
            (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2)
        }
        fn peaks<'t>(p: &[Var<'t>]) -> Var<'t> {
            let (x, y) = (p[0], p[1]);
            3.0 * (1.0 - x).square() * (-x.square() - (y + 1.0).square()).exp()
                - 10.0 * (x / 5.0 - x.powi(3) - y.powi(5)) * (-x.square() - y.square()).exp()
                - (-(x + 1.0).square() - y.square()).exp() / 3.0
        }
        fn branchy<'t>(x: &[Var<'t>]) -> Var<'t> {
            if x[0].gt(x[1]) {
                x[0].square() * x[1]
            } else {
                x[1].exp() - x[0]
            }
        }
        check(
            net,
            &[
                1.06, -0.037, -0.056, 1.095, -0.051, -0.0689, 3.769, -3.72, -0.0148,
            ],
            "net",
        );
        check(rosen, &[-1.2, 1.0], "rosen");
        check(peaks, &[0.0, 1.4], "peaks");
        check(branchy, &[1.0, 0.0], "branchy");
    })
}

#[test]
fn compilation_waits_until_it_pays() {
    // The compiled route, whatever `HESSE_NATIVE` says for the rest of the suite.
    native::scoped(Native::ON, || {
        let f = function(|x| (x[0] * x[1]).sin() + x[1].exp());
        let mut rec = RecordedFn::new(f, &[0.1, 0.2]);
        assert_eq!(rec.native_programs(), 0, "nothing compiled at record time");
        let mut g = [0.0; 2];
        rec.value_and_grad_to(&[0.3, 0.4], &mut g);
        assert_eq!(
            rec.native_programs(),
            0,
            "one replay does not pay for a compilation"
        );
        for _ in 0..5_000 {
            rec.value_and_grad_to(&[0.3, 0.4], &mut g);
        }
        assert_eq!(
            rec.native_programs(),
            1,
            "the gradient program, replayed often, is compiled"
        );
        let mut never = RecordedFn::new(f, &[0.1, 0.2]).without_jit();
        for _ in 0..5_000 {
            never.value_and_grad_to(&[0.3, 0.4], &mut g);
        }
        assert_eq!(never.native_programs(), 0);
        // Clones share the compiled code.
        let mut c = rec.clone();
        assert_eq!(c.native_programs(), 1);
        assert_eq!(c.value_and_grad(&[0.5, 0.6]), value_and_grad(f, &[0.5, 0.6]));
        // Recordings with vector nodes keep the interpreter.
        let vrec = RecordedFn::new_vector(|w| w.tanh().sum(), &[0.1, 0.2, 0.3]).jit();
        assert_eq!(vrec.native_programs(), 0);
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x00ba_11ad),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_graphs_compile_to_the_interpreters_bits(
        e in expr(3, 5), a in point(3), b in point(3), v in point(3)
    ) {
        let f = function(|xs| e.build(xs));
        native::scoped(Native::ON, || {
            let mut native = RecordedFn::new(f, &a).jit();
            let mut interp = RecordedFn::new(f, &a).without_jit();
            // (Graphs with matrix-vector nodes keep the interpreter for the programs they touch.)
            for x in [&a, &b] {
                compare(&mut native, &mut interp, x, &v, &e.to_string());
            }
        });
    }
}

#[test]
fn recordings_with_native_code_move_to_other_threads() {
    // The compiled route, whatever `HESSE_NATIVE` says for the rest of the suite.
    native::scoped(Native::ON, || {
        fn send<T: Send>(_: &T) {}
        let mut rec = RecordedFn::new(|x| x[0].exp() * x[1], &[0.0, 1.0]).jit();
        let mut g = [0.0; 2];
        rec.value_and_grad_to(&[0.0, 1.0], &mut g); // compiles the gradient program
        send(&rec);
        let copy = rec.clone();
        let h = std::thread::spawn(move || {
            let mut rec = rec;
            rec.value_and_grad(&[1.0, 2.0]).0
        });
        let v = h.join().unwrap();
        assert_eq!(v.to_bits(), (1f64.exp() * 2.0).to_bits());
        // The clone left behind still runs the shared code.
        let mut copy = copy;
        assert_eq!(copy.native_programs(), 1);
        assert_eq!(copy.value_and_grad(&[1.0, 2.0]).0.to_bits(), v.to_bits());
    })
}
