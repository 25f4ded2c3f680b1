//! issue 18: custom rules. A black-box function (plain Rust on `f64`, which the engine cannot
//! see into) with a user's rule written in `Var` ops: its first **and second** derivatives,
//! through the rule differentiated by the engine, agree with finite differences of the black
//! box's own values — never with numbers from the engine itself. Recordings replay the black
//! box and give the eager tape's bits (the fuzzer, `differential/custom.rs`, holds every
//! route to this on random programs).

use std::sync::LazyLock;

use hesse_core::CustomFn;
use hesse_core::{RecordedFn, Var, function, vector};

/// erf by Simpson's rule on 2/√π ∫₀ˣ e^(−t²) dt with 2,000 panels: a numerical routine the
/// engine sees only as values. Its derivative, 2/√π e^(−x²), is the rule, in `Var` ops.
fn erf_by_quadrature(x: f64) -> f64 {
    let n = 2000;
    let h = x / n as f64;
    let f = |t: f64| (-t * t).exp();
    let mut s = f(0.0) + f(x);
    for k in 1..n {
        s += f(k as f64 * h) * if k % 2 == 1 { 4.0 } else { 2.0 };
    }
    s * h / 3.0 * std::f64::consts::FRAC_2_SQRT_PI
}

static ERF_Q: LazyLock<CustomFn> = LazyLock::new(|| {
    CustomFn::elementwise("erf_quadrature", erf_by_quadrature, |g, x, _y| {
        g * std::f64::consts::FRAC_2_SQRT_PI * (-x.square()).exp()
    })
});

/// A 2-D Lennard-Jones cluster energy by plain loops over pairs (the "simulator"); its
/// gradient written in `Var` ops as the rule.
fn lj_energy(p: &[f64]) -> f64 {
    let n = p.len() / 2;
    let mut e = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            let (dx, dy) = (p[2 * i] - p[2 * j], p[2 * i + 1] - p[2 * j + 1]);
            let r2 = dx * dx + dy * dy;
            let s6 = 1.0 / (r2 * r2 * r2);
            e += 4.0 * (s6 * s6 - s6);
        }
    }
    e
}

/// ∇E as `Var` ops: for each pair, dE/dr² = 4(−6 r⁻¹⁴ + 3 r⁻⁸), times 2(pᵢ − pⱼ).
fn lj_gradient<'t>(x: Var<'t>) -> Var<'t> {
    let n = x.len() / 2;
    let pts = x.reshape(&[n, 2]);
    let rows: Vec<Var<'t>> = (0..n).map(|i| pts.slice(0, i, 1).reshape(&[2])).collect();
    let mut grads: Vec<Option<Var<'t>>> = vec![None; n];
    for i in 0..n {
        for j in i + 1..n {
            let d = rows[i] - rows[j];
            let r2 = d.square().sum();
            let de = 4.0 * (-6.0 * r2.powi(-7) + 3.0 * r2.powi(-4));
            let gi = 2.0 * de * d;
            grads[i] = Some(grads[i].map_or(gi, |a| a + gi));
            grads[j] = Some(grads[j].map_or(-gi, |a| a - gi));
        }
    }
    let parts: Vec<Var<'t>> = grads.into_iter().map(|g| g.expect("n ≥ 2")).collect();
    Var::concat(&parts, 0)
}

static LJ: LazyLock<CustomFn> =
    LazyLock::new(|| CustomFn::scalar("lj_energy", lj_energy, |g, x, _y| g * lj_gradient(x)));

/// Central differences of a black box's values: first and second derivatives.
fn fd1(f: impl Fn(f64) -> f64, x: f64, h: f64) -> f64 {
    (f(x + h) - f(x - h)) / (2.0 * h)
}
fn fd2(f: impl Fn(f64) -> f64, x: f64, h: f64) -> f64 {
    (f(x + h) - 2.0 * f(x) + f(x - h)) / (h * h)
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

#[test]
fn a_black_box_s_first_and_second_derivatives_match_finite_differences() {
    // A loss around the black box: tanh(erf(x·y)) + erf(x)² — the rule meets the chain rule.
    let f = function(|v| (v[0] * v[1]).custom(&ERF_Q).tanh() + v[0].custom(&ERF_Q).square());
    let plain = |x: f64, y: f64| erf_by_quadrature(x * y).tanh() + erf_by_quadrature(x).powi(2);
    for &(x, y) in &[(0.3, 0.7), (-0.8, 1.1), (1.2, -0.4)] {
        let g = hesse_core::grad(f, &[x, y]);
        let h = hesse_core::hessian(f, &[x, y]);
        assert!(
            close(g[0], fd1(|t| plain(t, y), x, 1e-5), 1e-8),
            "∂x at ({x}, {y})"
        );
        assert!(
            close(g[1], fd1(|t| plain(x, t), y, 1e-5), 1e-8),
            "∂y at ({x}, {y})"
        );
        // Second derivatives from the black box's values alone (h = 1e-4: error ~1e-7).
        assert!(
            close(h[(0, 0)], fd2(|t| plain(t, y), x, 1e-4), 1e-5),
            "∂²x at ({x}, {y}): {}",
            h[(0, 0)]
        );
        assert!(
            close(h[(1, 1)], fd2(|t| plain(x, t), y, 1e-4), 1e-5),
            "∂²y at ({x}, {y})"
        );
        let k = 1e-4;
        let mixed = (plain(x + k, y + k) - plain(x + k, y - k) - plain(x - k, y + k) + plain(x - k, y - k))
            / (4.0 * k * k);
        assert!(
            close(h[(0, 1)], mixed, 1e-5),
            "∂x∂y at ({x}, {y}): {} vs {mixed}",
            h[(0, 1)]
        );
    }
}

#[test]
fn a_black_box_energy_s_hessian_matches_finite_differences_of_its_values() {
    // Four atoms near a square of side 2^(1/6): the Hessian of a black-box energy through a
    // rule written in Var ops, against second differences of the energy's own values.
    let s = 2f64.powf(1.0 / 6.0);
    let x = [0.0, 0.0, s * 1.02, 0.01, -0.02, s * 0.97, s * 1.01, s];
    let n = x.len();
    let f = vector::function(|w| w.custom(&LJ));
    let g = vector::grad(f, &x);
    let h = vector::hessian(f, &x);
    let e = |p: &[f64]| lj_energy(p);
    let shifted = |i: usize, a: f64, j: usize, b: f64| {
        let mut p = x.to_vec();
        p[i] += a;
        p[j] += b;
        e(&p)
    };
    // Steps small against the repulsive wall's higher derivatives (truncation ~k²·E⁽⁴⁾),
    // large against rounding (~ε·E/k²).
    let k = 3e-5;
    for i in 0..n {
        let d = (shifted(i, k, i, 0.0) - shifted(i, -k, i, 0.0)) / (2.0 * k);
        assert!(close(g[i], d, 1e-6), "∂{i}: {} vs {d}", g[i]);
        for j in 0..n {
            let fd = (shifted(i, k, j, k) - shifted(i, k, j, -k) - shifted(i, -k, j, k)
                + shifted(i, -k, j, -k))
                / (4.0 * k * k);
            assert!(close(h[(i, j)], fd, 1e-4), "H[{i},{j}] = {} vs {fd}", h[(i, j)]);
        }
    }
}

#[test]
fn a_rule_that_calls_a_black_box_differentiates_through_that_one_s_rule() {
    // softsign(x) = x/(1+|x|) with the rule g·d(x), d a second black box (1/(1+|x|)²) with
    // its own rule: third derivatives run both rules.
    static D: LazyLock<CustomFn> = LazyLock::new(|| {
        CustomFn::elementwise(
            "softsign_d",
            |x| 1.0 / (1.0 + x.abs()).powi(2),
            |g, x, _| g * -2.0 * x.sign() / (x.abs() + 1.0).powi(3),
        )
    });
    static S: LazyLock<CustomFn> = LazyLock::new(|| {
        CustomFn::elementwise("softsign", |x| x / (1.0 + x.abs()), |g, x, _| g * x.custom(&D))
    });
    let plain = |x: f64| x / (1.0 + x.abs());
    for x in [0.4, -1.3, 2.5] {
        let tape = hesse_core::Tape::new();
        let v = tape.var(x);
        let y = v.custom(&S);
        let d1 = tape.grad(y, &[v])[0];
        let d2 = tape.grad(d1, &[v])[0];
        let d3 = tape.grad(d2, &[v])[0];
        assert!(close(d1.value(), fd1(plain, x, 1e-5), 1e-9), "f' at {x}");
        assert!(close(d2.value(), fd2(plain, x, 1e-4), 1e-6), "f'' at {x}");
        // f''' = 6/(1+|x|)⁴ (for x ≠ 0), from differences of the second differences.
        let f3 = (fd2(plain, x + 1e-3, 1e-3) - fd2(plain, x - 1e-3, 1e-3)) / 2e-3;
        assert!(close(d3.value(), f3, 1e-4), "f''' at {x}: {} vs {f3}", d3.value());
    }
}

#[test]
fn recordings_replay_the_black_box_bit_for_bit() {
    fn loss<'t>(x: &[Var<'t>]) -> Var<'t> {
        let w = Var::stack(x);
        (w * 0.5).custom(&LJ) + (x[0] * x[1]).custom(&ERF_Q) * x[2]
    }
    let s = 2f64.powf(1.0 / 6.0);
    let x0 = [0.0, 0.0, s, 0.05, 0.1, s];
    let pts = [
        [0.1, -0.05, s * 1.1, 0.0, 0.2, s * 0.9],
        [0.3, 0.2, s, -0.1, 0.0, s * 1.2],
    ];
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    for setting in [hesse_core::native::Native::OFF, hesse_core::native::Native::ON] {
        hesse_core::native::scoped(setting, || {
            for mut rec in [
                RecordedFn::new(loss, &x0).without_jit(),
                RecordedFn::new(loss, &x0).jit(),
                RecordedFn::new(loss, &x0).with_parallel_min_dim(2),
            ] {
                for p in &pts {
                    let (v, g) = rec.value_and_grad(p);
                    let (ev, eg) = hesse_core::value_and_grad(loss, p);
                    assert_eq!((v.to_bits(), bits(&g)), (ev.to_bits(), bits(&eg)));
                    let dir = [1.0, -0.5, 0.25, 2.0, 0.0, 1.0];
                    assert_eq!(bits(&rec.hvp(p, &dir)), bits(&hesse_core::hvp(loss, p, &dir)));
                    let (h, eh) = (rec.hessian(p), hesse_core::hessian(loss, p));
                    assert!(
                        h.as_slice().iter().zip(eh.as_slice()).all(|(a, b)| a == b),
                        "{h:?} vs {eh:?}"
                    );
                }
            }
        })
    }
}

/// Two functions of one name are two functions: a recording keeps both (names are labels).
#[test]
fn functions_of_one_name_stay_apart_in_recordings() {
    let two = CustomFn::elementwise("scale", |x| 2.0 * x, |g, _, _| 2.0 * g).leak();
    let three = CustomFn::elementwise("scale", |x| 3.0 * x, |g, _, _| 3.0 * g).leak();
    let f = vector::function(move |w| (w.custom(two) * w.custom(three)).sum());
    let w = [1.0, 2.0];
    // 6·Σw², gradient 12·w: from the definitions, not from the engine.
    assert_eq!(vector::value_and_grad(f, &w), (30.0, vec![12.0, 24.0]));
    let mut rec = RecordedFn::new_vector(f, &w);
    assert_eq!(rec.value_and_grad(&w), (30.0, vec![12.0, 24.0]));
    assert_eq!(rec.hvp(&w, &[1.0, 0.0]), [12.0, 0.0]);
}

/// A recording applies a black box once per distinct input: a loss applying it twice to one
/// input, and the rules of both applications applying its derivative twice, run each once —
/// on scalars as on vectors.
#[test]
fn a_recording_runs_a_black_box_once_per_distinct_input() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    static SLOW: LazyLock<CustomFn> = LazyLock::new(|| {
        CustomFn::elementwise(
            "counted",
            |x| {
                CALLS.fetch_add(1, Ordering::Relaxed);
                x.sin()
            },
            |g, x, _| g * x.custom(&SLOW_D),
        )
    });
    static SLOW_D: LazyLock<CustomFn> = LazyLock::new(|| {
        CustomFn::elementwise(
            "counted_d",
            |x| {
                CALLS.fetch_add(1, Ordering::Relaxed);
                x.cos()
            },
            |g, x, _| -g * x.sin(),
        )
    });
    let f = function(|x| x[0].custom(&SLOW) * x[1] + x[0].custom(&SLOW).square());
    let mut rec = RecordedFn::new(f, &[0.3, 0.7]).without_jit();
    let before = CALLS.load(Ordering::Relaxed);
    let hv = rec.hvp(&[0.5, 2.0], &[1.0, 0.0]);
    // The HVP needs sin x (once: the two applications are one) and cos x (the rules of both
    // applications, again one): two calls.
    assert_eq!(
        CALLS.load(Ordering::Relaxed) - before,
        2,
        "one call per function and input"
    );
    // f = s·y + s², s = sin x: ∂²f/∂x² = -s·y + 2(c² - s²), ∂²f/∂x∂y = c.
    let (s, c) = (0.5f64.sin(), 0.5f64.cos());
    assert!(
        close(hv[0], -s * 2.0 + 2.0 * (c * c - s * s), 1e-14) && close(hv[1], c, 1e-14),
        "{hv:?}"
    );
    assert_eq!(hv, hesse_core::hvp(f, &[0.5, 2.0], &[1.0, 0.0]));
}

#[test]
fn check_gradient_compares_a_rule_with_the_black_box_s_values() {
    use hesse_core::check::{CheckOptions, check_gradient, check_hessian};
    // A rule with a deliberate mistake (the factor 2/√π forgotten) is caught by comparing the
    // engine's gradient with finite differences of the black box's values.
    static WRONG: LazyLock<CustomFn> = LazyLock::new(|| {
        CustomFn::elementwise("erf_wrong_rule", erf_by_quadrature, |g, x, _| {
            g * (-x.square()).exp()
        })
    });
    let right = check_gradient(|v| v[0].custom(&ERF_Q), &[0.5], CheckOptions::default());
    assert!(right.passed(), "{right}");
    let h = check_hessian(
        |v| v[0].custom(&ERF_Q),
        &[0.5],
        CheckOptions::default().with_tolerance(1e-5),
    );
    assert!(h.passed(), "{h}");
    let wrong = check_gradient(|v| v[0].custom(&WRONG), &[0.5], CheckOptions::default());
    assert!(!wrong.passed(), "a rule off by 2/√π must fail: {wrong}");
}

#[test]
#[should_panic(
    expected = "custom function `bad_shape`: its rule returned a cotangent of shape [] for an input of shape [3]"
)]
fn a_rule_of_the_wrong_shape_is_named_in_the_panic() {
    let bad = CustomFn::scalar("bad_shape", |x| x.iter().sum(), |g, _x, _y| g).leak();
    vector::grad(|w| w.custom(bad), &[1.0, 2.0, 3.0]);
}
