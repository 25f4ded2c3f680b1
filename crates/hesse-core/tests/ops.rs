//! The registry sweep: every op of the registries (`ops/unary/mod.rs`, and the binary,
//! reduce, linalg and layout families), at first, second and third order, against
//! central finite differences; values against `f64`'s own functions; kinks against the
//! documented conventions. Expected derivatives never come from hand derivation.

use hesse_core::check::{CheckOptions, check_gradient, check_hessian};
use hesse_core::ops::{Binary, Compare, Domain, Layout, Linalg, Reduce, Unary};
use hesse_core::{Tape, Var, grad};

/// Sample points inside an op's domain.
fn points(domain: Domain) -> &'static [f64] {
    match domain {
        Domain::All => &[-2.3, -0.7, 0.4, 1.9],
        Domain::Positive => &[0.3, 1.1, 2.7],
        Domain::AboveMinusOne => &[-0.6, 0.2, 3.0],
        Domain::NonZero => &[-1.7, -0.4, 0.6, 2.2],
        Domain::HalfPeriod => &[-1.2, -0.3, 0.5, 1.3],
    }
}

/// An independent reference for each op's value, from `f64`'s functions.
fn reference(u: Unary, x: f64) -> f64 {
    match u {
        Unary::Neg => -x,
        Unary::Exp => x.exp(),
        Unary::Ln => x.ln(),
        Unary::Ln1p => x.ln_1p(),
        // eˣ − 1 = 2 tanh(x/2) / (1 − tanh(x/2)): no cancellation near 0.
        Unary::ExpM1 => {
            let t = (0.5 * x).tanh();
            2.0 * t / (1.0 - t)
        }
        Unary::Sqrt => x.sqrt(),
        Unary::Sin => x.sin(),
        Unary::Cos => x.cos(),
        Unary::Tan => x.tan(),
        Unary::Tanh => x.tanh(),
        Unary::Atan => x.atan(),
        Unary::Asinh => (x + (x * x + 1.0).sqrt()).ln(),
        Unary::Erf => erf_series(x),
        Unary::Sigmoid => 0.5 * (1.0 + (0.5 * x).tanh()),
        Unary::Softplus => (1.0 + x.exp()).ln(),
        Unary::LogSigmoid => -(1.0 + (-x).exp()).ln(),
        Unary::Relu => x.max(0.0),
        Unary::Abs => x.abs(),
        Unary::Square => x.powi(2),
        Unary::Recip => x.powi(-1),
        Unary::Step => f64::from(u8::from(x > 0.0)),
        Unary::Sign => {
            if x == 0.0 {
                0.0
            } else {
                x.signum()
            }
        }
        Unary::Floor => x.floor(),
        Unary::Ceil => -(-x).floor(),
        Unary::Round => (x.abs() + 0.5).floor().copysign(x),
        Unary::Trunc => x.abs().floor().copysign(x),
        Unary::StopGradient => x,
        Unary::Powi(n) => x.powf(f64::from(n)),
        Unary::Powf(c) => x.powf(c),
        Unary::AddScalar(c) => x + c,
        Unary::RSubScalar(c) => c - x,
        Unary::MulScalar(c) => x * c,
        Unary::DivScalar(c) => x / c,
        Unary::RDivScalar(c) => c / x,
    }
}

/// erf by its series of positive terms, 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1))
/// (Abramowitz & Stegun 7.1.6): no cancellation, so accurate to a few ulp for |x| ≤ 3.
fn erf_series(x: f64) -> f64 {
    let (mut term, mut sum) = (x, x);
    for n in 1..200 {
        term *= 2.0 * x * x / (2 * n + 1) as f64;
        sum += term;
        if term.abs() < 1e-18 * sum.abs() {
            break;
        }
    }
    std::f64::consts::FRAC_2_SQRT_PI * (-x * x).exp() * sum
}

fn apply<'t>(u: Unary, x: Var<'t>) -> Var<'t> {
    // Operators through the operators, so the sweep also checks what they record; every
    // other op through the registry (`Var::apply`), as the formula language reaches it.
    match u {
        Unary::Neg => -x,
        Unary::Powi(n) => x.powi(n),
        Unary::Powf(c) => x.powf(c),
        Unary::AddScalar(c) => x + c,
        Unary::RSubScalar(c) => c - x,
        Unary::MulScalar(c) => x * c,
        Unary::DivScalar(c) => x / c,
        Unary::RDivScalar(c) => c / x,
        other => x.apply(other),
    }
}

/// Each method is the op of its name (the registry's `apply` is what the sweep runs).
#[test]
fn methods_are_the_registered_ops() {
    let tape = Tape::new();
    let x = tape.var(0.37);
    let methods: [(&str, Var); 27] = [
        ("neg", -x),
        ("exp", x.exp()),
        ("ln", x.ln()),
        ("ln_1p", x.ln_1p()),
        ("exp_m1", x.exp_m1()),
        ("sqrt", x.sqrt()),
        ("sin", x.sin()),
        ("cos", x.cos()),
        ("tan", x.tan()),
        ("tanh", x.tanh()),
        ("atan", x.atan()),
        ("asinh", x.asinh()),
        ("erf", x.erf()),
        ("sigmoid", x.sigmoid()),
        ("softplus", x.softplus()),
        ("log_sigmoid", x.log_sigmoid()),
        ("relu", x.relu()),
        ("abs", x.abs()),
        ("square", x.square()),
        ("recip", x.recip()),
        ("step", x.step()),
        ("sign", x.sign()),
        ("floor", x.floor()),
        ("ceil", x.ceil()),
        ("round", x.round()),
        ("trunc", x.trunc()),
        ("stop_gradient", x.stop_gradient()),
    ];
    assert_eq!(
        methods.len(),
        Unary::functions().count(),
        "a method per op without parameter"
    );
    for (name, y) in methods {
        let u = Unary::from_name(name).unwrap();
        assert_eq!(y.value().to_bits(), x.apply(u).value().to_bits(), "{name}");
    }
}

/// Published values (Abramowitz & Stegun table 7.1; DLMF 4.23, 4.37) of the newest ops, and
/// their derivatives against the formulas d atan = 1/(1+x²), d asinh = 1/√(1+x²),
/// d erf = 2/√π e^(−x²) evaluated independently.
#[test]
fn atan_asinh_erf_published_values() {
    let val = |u: Unary, x: f64| {
        let tape = Tape::new();
        tape.var(x).apply(u).value()
    };
    let near = |a: f64, b: f64| (a - b).abs() <= 2e-16 * b.abs().max(1.0);
    assert!(near(val(Unary::Erf, 0.5), 0.520_499_877_813_046_5));
    assert!(near(val(Unary::Erf, 1.0), 0.842_700_792_949_714_9));
    assert!(near(val(Unary::Erf, 2.0), 0.995_322_265_018_952_7));
    assert!(near(val(Unary::Erf, -1.0), -0.842_700_792_949_714_9));
    assert_eq!(val(Unary::Erf, f64::INFINITY), 1.0);
    assert!(near(val(Unary::Atan, 1.0), std::f64::consts::FRAC_PI_4));
    // √3 is rounded: atan' = 1/4 there, so the answer may differ by an ulp or two.
    assert!((val(Unary::Atan, 3f64.sqrt()) - std::f64::consts::FRAC_PI_3).abs() < 1e-15);
    assert!(near(val(Unary::Asinh, 1.0), 0.881_373_587_019_543));
    assert!(near(val(Unary::Asinh, 0.75), 2f64.ln()));
    for x in [-1.5, 0.0, 0.5, 2.0] {
        let d = |u: Unary| grad(|v| v[0].apply(u), &[x])[0];
        assert!(near(d(Unary::Atan), 1.0 / (1.0 + x * x)), "atan' {x}");
        assert!(near(d(Unary::Asinh), 1.0 / (1.0 + x * x).sqrt()), "asinh' {x}");
        let want = 2.0 / std::f64::consts::PI.sqrt() * (-x * x).exp();
        assert!(near(d(Unary::Erf), want), "erf' {x}");
    }
}

/// n-th derivative of a one-variable function by repeated tape-level grad.
fn nth_derivative(u: Unary, x: f64, n: usize) -> f64 {
    let tape = Tape::new();
    let v = tape.var(x);
    let mut y = apply(u, v);
    for _ in 0..n {
        y = tape.grad(y, &[v])[0];
    }
    y.value()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

#[test]
fn unary_values_match_f64() {
    for u in Unary::all() {
        for &x in points(u.domain()) {
            let tape = Tape::new();
            let y = apply(u, tape.var(x)).value();
            assert!(
                close(y, reference(u, x), 1e-14),
                "{u:?}({x}) = {y}, f64 says {}",
                reference(u, x)
            );
        }
    }
}

#[test]
fn unary_derivatives_match_finite_differences_to_third_order() {
    let h = 1e-5;
    for u in Unary::all() {
        if u.stops_gradient() {
            continue; // zero by definition: `stop_gradient_is_its_definition`
        }
        for &x in points(u.domain()) {
            for order in 1..=3 {
                let engine = nth_derivative(u, x, order);
                let fd =
                    (nth_derivative(u, x + h, order - 1) - nth_derivative(u, x - h, order - 1)) / (2.0 * h);
                assert!(
                    close(engine, fd, 1e-5),
                    "{u:?} order {order} at {x}: engine {engine}, fd {fd}"
                );
            }
        }
    }
}

/// issue 18: `stop_gradient` is the identity in value, and every derivative through it is
/// exactly zero — at every order, on scalars and tensors, and inside a product, where only
/// the other factor is differentiated: d/dx [x · sg(x)] = x, d²/dx² = 0 (the value's own
/// second derivative would be 2).
#[test]
fn stop_gradient_is_its_definition() {
    let sg: Vec<Unary> = Unary::all().into_iter().filter(|u| u.stops_gradient()).collect();
    assert_eq!(sg, [Unary::StopGradient], "one op stops gradients");
    for x in [-2.5, -0.0, 0.0, 0.7, 1e300, f64::INFINITY] {
        let tape = Tape::new();
        let v = tape.var(x);
        assert_eq!(v.stop_gradient().value().to_bits(), x.to_bits());
        for order in 1..=3 {
            assert_eq!(
                nth_derivative(Unary::StopGradient, x, order),
                0.0,
                "order {order} at {x}"
            );
        }
    }
    for x in [-1.5, 0.3, 2.0] {
        let f = hesse_core::function(|v| v[0] * v[0].stop_gradient());
        assert_eq!(grad(f, &[x]), [x]);
        assert_eq!(hesse_core::hessian(f, &[x]).to_rows(), vec![vec![0.0]]);
    }
    // Tensors: the gradient of Σ sg(w)·w is sg(w) = w, and its Hessian is zero.
    let w = [0.5, -1.0, 2.0];
    let f = hesse_core::vector::function(|w| (w.stop_gradient() * w).sum());
    assert_eq!(hesse_core::vector::grad(f, &w), w);
    assert_eq!(hesse_core::vector::hvp(f, &w, &[1.0, 1.0, 1.0]), [0.0, 0.0, 0.0]);
}

#[test]
fn unary_rules_work_on_tensors_too() {
    for u in Unary::all() {
        if u.stops_gradient() {
            continue; // zero by definition: `stop_gradient_is_its_definition`
        }
        let x: Vec<f64> = points(u.domain()).to_vec();
        let n = x.len();
        let r = hesse_core::check::check_hessian_vector(
            |w| apply(u, w).sum(),
            &x,
            CheckOptions::default().with_tolerance(1e-5),
        );
        assert!(r.passed(), "{u:?} on a vector of {n}: {r}");
    }
}

#[test]
fn kinks_follow_the_documented_conventions() {
    for u in Unary::all() {
        for &k in u.kinks() {
            let d = nth_derivative(u, k, 1);
            let d2 = nth_derivative(u, k, 2);
            match u {
                // relu'(0) = 0, |x|'(0) = 0; step, sign and rounding are masks with zero
                // derivative, at their jumps too.
                Unary::Relu
                | Unary::Abs
                | Unary::Step
                | Unary::Sign
                | Unary::Floor
                | Unary::Ceil
                | Unary::Round
                | Unary::Trunc => {
                    assert_eq!((d, d2), (0.0, 0.0), "{u:?}")
                }
                other => panic!("{other:?} declares a kink without a tested convention"),
            }
        }
    }
    // Ties of max/min split the gradient 0.5/0.5, and not only at 0.
    for x in [0.0, 1.5, -3.0] {
        assert_eq!(grad(|v| v[0].max(v[1]), &[x, x]), vec![0.5, 0.5]);
        assert_eq!(grad(|v| v[0].min(v[1]), &[x, x]), vec![0.5, 0.5]);
    }
}

fn binary_fn<'t>(b: Binary, l: Var<'t>, r: Var<'t>) -> Var<'t> {
    match b {
        Binary::Add => l + r,
        Binary::Sub => l - r,
        Binary::Mul => l * r,
        Binary::Div => l / r,
        Binary::Pow => l.pow(r),
        Binary::Max => l.max(r),
        Binary::Min => l.min(r),
        Binary::MaxMask => l.max_mask(r),
        Binary::Cmp(Compare::Gt | Compare::Ge | Compare::Lt | Compare::Le) => {
            // recorded comparisons: value 0/1 with zero derivative
            let v = l.gt(r);
            l.tape().scalar(f64::from(u8::from(v))) + 0.0 * (l + r)
        }
    }
}

#[test]
fn binary_ops_match_finite_differences_with_broadcasting() {
    // (a, b) pairs away from ties; Pow needs a > 0.
    let pairs = [(0.7, 1.9), (2.3, -0.4), (1.3, 0.6)];
    for &b in Binary::ALL {
        for &(l, r) in &pairs {
            let f = hesse_core::function(|x| binary_fn(b, x[0], x[1]));
            let g = check_gradient(f, &[l, r], CheckOptions::default());
            assert!(g.passed(), "{b:?} at ({l}, {r}): {g}");
            let h = check_hessian(f, &[l, r], CheckOptions::default().with_tolerance(1e-5));
            assert!(h.passed(), "{b:?} at ({l}, {r}): {h}");
        }
        // Broadcasting: a [2, 3] matrix with a [3] row and with a [2, 1] column.
        if matches!(b, Binary::Cmp(_)) {
            continue;
        }
        let m = [0.5, 1.2, 0.8, 1.7, 0.9, 1.4];
        for other_shape in [vec![3], vec![2, 1], vec![]] {
            let k: usize = other_shape.iter().product();
            let f = hesse_core::vector::function(|w| {
                let a = w.slice(0, 0, 6).reshape(&[2, 3]);
                let o = w.slice(0, 6, k).reshape(&other_shape);
                (binary_fn(b, a, o).tanh() * binary_fn(b, o, a)).sum()
            });
            let mut x = m.to_vec();
            x.extend([0.35, 1.05, 1.55][..k].iter());
            let r =
                hesse_core::check::check_hessian_vector(f, &x, CheckOptions::default().with_tolerance(1e-5));
            assert!(r.passed(), "{b:?} broadcast with {other_shape:?}: {r}");
        }
    }
}

/// A scalar test function exercising a tensor op with a nonlinearity around it, so both the
/// op's Jacobian and second-order behaviour matter.
fn tensor_case<'t>(op_name: &str, w: Var<'t>) -> Var<'t> {
    let a = w.slice(0, 0, 6).reshape(&[2, 3]);
    let b = w.slice(0, 6, 6).reshape(&[3, 2]);
    let c = w.slice(0, 12, 6).reshape(&[2, 3]);
    let weights = w.tape().constant(&[0.3, -1.1, 0.7, 0.2, 1.3, -0.5], &[2, 3]);
    match op_name {
        "sum_to" => (a * c).sum_to(&[3]).tanh().sum() + (a * c).sum_to(&[2, 1]).sin().sum(),
        "broadcast_to" => (a.sum_axis(0).tanh().broadcast_to(&[2, 3]) * weights * c).sum(),
        "logsumexp" => (a * c).logsumexp_keepdim(1).sum() + (a * c).logsumexp_keepdim(0).square().sum(),
        "matmul_nn" => a.matmul(b).tanh().sum(),
        "matmul_tn" => a.t().matmul(c).sin().sum(),
        "matmul_nt" => a.matmul(c.t()).square().sum(),
        "matmul_tt" => a.t().matmul(b.t()).tanh().sum(),
        "transpose" => (a.t().tanh() * b).sum(),
        "reshape" => (a.reshape(&[3, 2]) * b).tanh().sum(),
        "slice" => (a.slice(1, 1, 2) * c.slice(1, 0, 2)).sin().sum(),
        "pad" => (a.slice(1, 1, 1).pad(1, 2, 3) * c).tanh().sum() + a.pad(0, 1, 3).square().sum(),
        "concat" => Var::concat(&[a, c.slice(1, 0, 1)], 1)
            .tanh()
            .matmul(Var::concat(&[b, b.slice(0, 0, 1)], 0))
            .sum(),
        "softmax" => (a.softmax(1) * c).sum() + (a.log_softmax(0) * weights).sum(),
        "dot" => a.flatten().dot(c.flatten()).sin(),
        "mean" => (a * c).mean_axis(1).tanh().sum() + a.mean().exp(),
        other => panic!("no case for {other}"),
    }
}

/// Maps every tensor op of the registry to its test cases; the match is exhaustive, so a new
/// op does not compile until it has a case here.
fn cases_for_registry() -> Vec<&'static str> {
    let mut names = vec!["softmax", "dot", "mean"];
    for r in Reduce::ALL {
        names.push(match r {
            Reduce::SumTo => "sum_to",
            Reduce::BroadcastTo => "broadcast_to",
            Reduce::LogSumExp { .. } => "logsumexp",
        });
    }
    for l in Linalg::ALL {
        names.push(match l {
            Linalg::MatMul { ta: false, tb: false } => "matmul_nn",
            Linalg::MatMul { ta: true, tb: false } => "matmul_tn",
            Linalg::MatMul { ta: false, tb: true } => "matmul_nt",
            Linalg::MatMul { ta: true, tb: true } => "matmul_tt",
            Linalg::Transpose => "transpose",
        });
    }
    for l in Layout::ALL {
        names.push(match l {
            Layout::Reshape => "reshape",
            Layout::Slice { .. } => "slice",
            Layout::Pad { .. } => "pad",
            Layout::Concat { .. } => "concat",
        });
    }
    names
}

#[test]
fn tensor_ops_match_finite_differences_at_first_and_second_order() {
    let x: Vec<f64> = (0..18).map(|i| ((i * 7 % 11) as f64 - 5.0) / 4.0).collect();
    for name in cases_for_registry() {
        let g =
            hesse_core::check::check_gradient_vector(|w| tensor_case(name, w), &x, CheckOptions::default());
        assert!(g.passed(), "{name}: {g}");
        let h = hesse_core::check::check_hessian_vector(
            |w| tensor_case(name, w),
            &x,
            CheckOptions::default().with_tolerance(1e-5),
        );
        assert!(h.passed(), "{name}: {h}");
    }
}

#[test]
fn matmul_agrees_with_a_plain_triple_loop() {
    let a: Vec<f64> = (0..12).map(|i| i as f64 * 0.5 - 2.0).collect();
    let b: Vec<f64> = (0..20).map(|i| (i as f64).sin()).collect();
    let tape = Tape::new();
    let c = tape.tensor(&a, &[3, 4]).matmul(tape.tensor(&b, &[4, 5])).to_vec();
    for i in 0..3 {
        for j in 0..5 {
            let want: f64 = (0..4).map(|k| a[i * 4 + k] * b[k * 5 + j]).sum();
            assert!((c[i * 5 + j] - want).abs() < 1e-12);
        }
    }
}
