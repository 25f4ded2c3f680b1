//! `num_traits::Float` for `Var` (issue 18): one function body, generic over `T: Float`, gives
//! `f64`'s values on the tape, and every `Float` function differentiates like its
//! central difference.
#![cfg(feature = "num-traits")]

use hesse_core::check::{CheckOptions, check_gradient, check_hessian};
use hesse_core::{Var, value_and_grad};
use num_traits::{Float, FloatConst};

type Unary = for<'t> fn(Var<'t>) -> Var<'t>;

/// Every one-argument `Float` function, at a point inside its domain.
fn functions() -> Vec<(&'static str, Unary, f64)> {
    vec![
        ("abs", |x| Float::abs(x), -0.8),
        ("recip", |x| Float::recip(x), 1.3),
        ("sqrt", |x| Float::sqrt(x), 0.6),
        ("cbrt", |x| Float::cbrt(x), -0.7),
        ("exp", |x| Float::exp(x), 0.4),
        ("exp2", |x| Float::exp2(x), 0.4),
        ("exp_m1", |x| Float::exp_m1(x), 1e-3),
        ("ln", |x| Float::ln(x), 1.7),
        ("log2", |x| Float::log2(x), 1.7),
        ("log10", |x| Float::log10(x), 1.7),
        ("ln_1p", |x| Float::ln_1p(x), 0.2),
        ("sin", |x| Float::sin(x), 0.9),
        ("cos", |x| Float::cos(x), 0.9),
        ("tan", |x| Float::tan(x), 0.9),
        ("asin", |x| Float::asin(x), 0.35),
        ("acos", |x| Float::acos(x), -0.35),
        ("atan", |x| Float::atan(x), 2.0),
        ("sinh", |x| Float::sinh(x), 0.05),
        ("cosh", |x| Float::cosh(x), 0.7),
        ("tanh", |x| Float::tanh(x), 0.7),
        ("asinh", |x| Float::asinh(x), -1.2),
        ("acosh", |x| Float::acosh(x), 1.6),
        ("atanh", |x| Float::atanh(x), 0.3),
        ("powi", |x| Float::powi(x, 3), -1.1),
        ("powf", |x| Float::powf(x, Var::constant(2.5)), 1.1),
        ("to_degrees", |x| Float::to_degrees(x), 0.5),
        ("fract", |x| Float::fract(x), 2.3),
        ("mul_add", |x| Float::mul_add(x, x, Var::constant(0.5)), 0.8),
    ]
}

fn f64_of(name: &str, x: f64) -> f64 {
    match name {
        "abs" => x.abs(),
        "recip" => x.recip(),
        "sqrt" => x.sqrt(),
        "cbrt" => x.cbrt(),
        "exp" => x.exp(),
        "exp2" => x.exp2(),
        "exp_m1" => x.exp_m1(),
        "ln" => x.ln(),
        "log2" => x.log2(),
        "log10" => x.log10(),
        "ln_1p" => x.ln_1p(),
        "sin" => x.sin(),
        "cos" => x.cos(),
        "tan" => x.tan(),
        "asin" => x.asin(),
        "acos" => x.acos(),
        "atan" => x.atan(),
        "sinh" => x.sinh(),
        "cosh" => x.cosh(),
        "tanh" => x.tanh(),
        "asinh" => x.asinh(),
        "acosh" => x.acosh(),
        "atanh" => x.atanh(),
        "powi" => x.powi(3),
        "powf" => x.powf(2.5),
        "to_degrees" => x.to_degrees(),
        "fract" => x.fract(),
        "mul_add" => x.mul_add(x, 0.5),
        other => panic!("no reference for {other}"),
    }
}

#[test]
fn every_float_function_has_f64_values_and_checked_derivatives() {
    for (name, f, x) in functions() {
        let (v, _) = value_and_grad(|p| f(p[0]), &[x]);
        let want = f64_of(name, x);
        assert!(
            (v - want).abs() <= 4.0 * f64::EPSILON * want.abs(),
            "{name}({x}) = {v}, f64 says {want}"
        );
        let g = check_gradient(|p| f(p[0]), &[x], CheckOptions::default());
        assert!(g.passed(), "{name}: {g}");
        let h = check_hessian(|p| f(p[0]), &[x], CheckOptions::default().with_tolerance(1e-6));
        assert!(h.passed(), "{name}: {h}");
    }
}

#[test]
fn two_argument_functions() {
    // atan2 in all four quadrants, hypot, log with a base, max/min, powf with a variable
    // exponent: values as f64's, derivatives as central differences.
    type Binary = for<'t> fn(Var<'t>, Var<'t>) -> Var<'t>;
    type Reference = fn(f64, f64) -> f64;
    let cases: [(&str, Binary, Reference); 6] = [
        ("atan2", |y, x| Float::atan2(y, x), f64::atan2),
        ("hypot", |a, b| Float::hypot(a, b), f64::hypot),
        ("log", |a, b| Float::log(a, b), f64::log),
        ("max", |a, b| Float::max(a, b), f64::max),
        ("min", |a, b| Float::min(a, b), f64::min),
        ("powf", |a, b| Float::powf(a, b), f64::powf),
    ];
    for (name, f, reference) in cases {
        let points: &[[f64; 2]] = if name == "atan2" {
            &[
                [0.5, 1.5],
                [0.5, -1.5],
                [-0.5, -1.5],
                [-0.5, 1.5],
                [1.0, 0.0],
                [-2.0, 0.3],
            ]
        } else {
            &[[1.5, 2.5], [2.5, 1.2]]
        };
        for p in points {
            let (v, _) = value_and_grad(|x| f(x[0], x[1]), p);
            let want = reference(p[0], p[1]);
            assert!(
                (v - want).abs() <= 4.0 * f64::EPSILON * want.abs(),
                "{name}{p:?}: {v} vs {want}"
            );
            let r = check_gradient(|x| f(x[0], x[1]), p, CheckOptions::default());
            assert!(r.passed(), "{name}{p:?}: {r}");
        }
    }
}

/// One body for every number type.
fn gaussian_nll<T: Float + FloatConst>(p: &[T], data: &[f64]) -> T {
    let (mu, log_sigma) = (p[0], p[1]);
    let half = T::from(0.5).unwrap();
    let n = T::from(data.len()).unwrap();
    let sum_sq = data
        .iter()
        .map(|&d| (T::from(d).unwrap() - mu).powi(2))
        .fold(T::zero(), |a, b| a + b);
    n * (log_sigma + half * (T::PI() + T::PI()).ln()) + half * sum_sq / (log_sigma + log_sigma).exp()
}

#[test]
fn a_generic_function_gives_f64_values_on_the_tape() {
    let data = [0.3, -1.2, 2.2, 0.9, 1.4];
    let p = [0.4, 0.1];
    let (v, g) = value_and_grad(|x| gaussian_nll(x, &data), &p);
    assert_eq!(v, gaussian_nll(&p, &data));
    // ∂/∂μ = −Σ(d − μ)/σ², ∂/∂log σ = n − Σ(d − μ)²/σ².
    let s2 = (2.0 * p[1]).exp();
    let r: Vec<f64> = data.iter().map(|d| d - p[0]).collect();
    let gmu = -r.iter().sum::<f64>() / s2;
    let gls = data.len() as f64 - r.iter().map(|x| x * x).sum::<f64>() / s2;
    assert!((g[0] - gmu).abs() < 1e-13 && (g[1] - gls).abs() < 1e-13, "{g:?}");
}
