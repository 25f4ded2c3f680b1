//! proptest strategies for property-testing derivatives (feature `proptest`).
//!
//! [`expr`] generates random expression graphs over `n` variables using every scalar op of
//! the registry plus tensor constructs (stack, matmul, logsumexp, softmax, dot, mean), so a
//! property test exercises rules in combination. Ops with a restricted domain get their
//! argument mapped into it (`ln(a² + ½)`, `tan(tanh a)`, `a / (b² + ½)`), and
//! [`expr_and_point`] rejects points within `1e-3` of a kink (relu, abs, max/min ties, …)
//! or where values leave `[-1e8, 1e8]`, so central differences are meaningful there.
//!
//! ```
//! use proptest::prelude::*;
//! use proptest::test_runner::{Config, TestRunner};
//! use hesse_core::check::{check_gradient, CheckOptions};
//!
//! let mut runner = TestRunner::new(Config { cases: 16, ..Config::default() });
//! runner.run(&hesse_core::strategies::expr_and_point(2, 3), |(e, x)| {
//!     let r = check_gradient(|v| e.build(v), &x, CheckOptions::default().with_tolerance(1e-5));
//!     prop_assert!(r.passed(), "{}\n{}", e, r);
//!     Ok(())
//! }).unwrap();
//! ```

use std::fmt;

use proptest::prelude::*;

use crate::ops::{Binary, Domain, Unary};
use crate::tape::Tape;
use crate::var::Var;

/// A random expression over variables `x0 … x(n-1)`.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// Variable `i`.
    Var(usize),
    /// A constant.
    Const(f64),
    /// An elementwise op of the registry.
    Unary(Unary, Box<Expr>),
    /// A binary op of the registry.
    Binary(Binary, Box<Expr>, Box<Expr>),
    /// `logsumexp` of the stacked terms.
    LogSumExp(Vec<Expr>),
    /// Component `k` of the softmax of the stacked terms.
    Softmax(Vec<Expr>, usize),
    /// Mean of the stacked terms.
    Mean(Vec<Expr>),
    /// Dot product of two stacks of equal length.
    Dot(Vec<Expr>, Vec<Expr>),
    /// `(M v)ₖ` for a 2×2 matrix of terms and a 2-vector of terms.
    MatVec(Box<[Expr; 4]>, Box<[Expr; 2]>, usize),
}

impl Expr {
    /// Builds the expression on the variables' tape.
    pub fn build<'t>(&self, xs: &[Var<'t>]) -> Var<'t> {
        let mut kink = f64::INFINITY;
        self.build_tracking(xs, &mut kink)
    }

    /// The smallest distance of a kink argument from its kink at `x` (∞ without kinks).
    pub fn kink_distance(&self, x: &[f64]) -> f64 {
        let tape = Tape::new();
        let xs = tape.vars(x);
        let mut kink = f64::INFINITY;
        self.build_tracking(&xs, &mut kink);
        kink
    }

    fn build_tracking<'t>(&self, xs: &[Var<'t>], kink: &mut f64) -> Var<'t> {
        let tape = xs[0].tape();
        let stack = |es: &[Expr], kink: &mut f64| {
            let v: Vec<Var<'t>> = es.iter().map(|e| e.build_tracking(xs, kink)).collect();
            Var::stack(&v)
        };
        match self {
            Expr::Var(i) => xs[*i % xs.len()],
            Expr::Const(c) => tape.scalar(*c),
            Expr::Unary(u, a) => {
                let a = a.build_tracking(xs, kink);
                for k in u.kinks() {
                    *kink = kink.min((a.value() - k).abs());
                }
                let a = match u.domain() {
                    Domain::All => a,
                    Domain::Positive | Domain::NonZero => a.square() + 0.5,
                    Domain::AboveMinusOne => a.square() - 0.5,
                    Domain::HalfPeriod => a.tanh(),
                };
                a.apply(*u)
            }
            Expr::Binary(b, l, r) => {
                let (l, r) = (l.build_tracking(xs, kink), r.build_tracking(xs, kink));
                match b {
                    Binary::Max | Binary::Min | Binary::MaxMask | Binary::Cmp(_) => {
                        *kink = kink.min((l.value() - r.value()).abs());
                        l.binary(r, *b)
                    }
                    Binary::Div => l / (r.square() + 0.5),
                    Binary::Pow => (l.square() + 0.5).pow(r.tanh()),
                    _ => l.binary(r, *b),
                }
            }
            Expr::LogSumExp(es) => stack(es, kink).logsumexp(),
            Expr::Softmax(es, k) => stack(es, kink)
                .reshape(&[1, es.len()])
                .softmax(1)
                .flatten()
                .index(k % es.len()),
            Expr::Mean(es) => stack(es, kink).mean(),
            Expr::Dot(a, b) => stack(a, kink).dot(stack(b, kink)),
            Expr::MatVec(m, v, k) => {
                let m = stack(&m[..], kink).reshape(&[2, 2]);
                m.matmul(stack(&v[..], kink)).index(k % 2)
            }
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, es: &[Expr]| -> fmt::Result {
            for (i, e) in es.iter().enumerate() {
                if i > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{e}")?;
            }
            Ok(())
        };
        match self {
            Expr::Var(i) => write!(f, "x{i}"),
            Expr::Const(c) => write!(f, "{c}"),
            Expr::Unary(u, a) => write!(f, "{u:?}({a})"),
            Expr::Binary(b, l, r) => write!(f, "{b:?}({l}, {r})"),
            Expr::LogSumExp(es) => {
                write!(f, "logsumexp[")?;
                list(f, es)?;
                write!(f, "]")
            }
            Expr::Softmax(es, k) => {
                write!(f, "softmax[")?;
                list(f, es)?;
                write!(f, "]_{k}")
            }
            Expr::Mean(es) => {
                write!(f, "mean[")?;
                list(f, es)?;
                write!(f, "]")
            }
            Expr::Dot(a, b) => {
                write!(f, "dot([")?;
                list(f, a)?;
                write!(f, "], [")?;
                list(f, b)?;
                write!(f, "])")
            }
            Expr::MatVec(m, v, k) => {
                write!(f, "matvec([")?;
                list(f, &m[..])?;
                write!(f, "], [")?;
                list(f, &v[..])?;
                write!(f, "])_{k}")
            }
        }
    }
}

/// Random expressions over `n_vars` variables with nesting depth up to `depth`; inner nodes
/// are four times as likely as leaves at every level, so most graphs have several ops.
pub fn expr(n_vars: usize, depth: u32) -> BoxedStrategy<Expr> {
    let leaf = prop_oneof![
        3 => (0..n_vars.max(1)).prop_map(Expr::Var),
        1 => (-2.0..2.0f64).prop_map(Expr::Const),
    ]
    .boxed();
    if depth == 0 {
        return leaf;
    }
    let inner = expr(n_vars, depth - 1);
    let terms = prop::collection::vec(inner.clone(), 2..4);
    let dot_inner = inner.clone();
    let node = prop_oneof![
        6 => (prop::sample::select(differentiable_unary()), inner.clone()).prop_map(|(u, a)| Expr::Unary(u, Box::new(a))),
        6 => (prop::sample::select(Binary::ALL), inner.clone(), inner.clone())
            .prop_map(|(b, l, r)| Expr::Binary(b, Box::new(l), Box::new(r))),
        1 => terms.clone().prop_map(Expr::LogSumExp),
        1 => (terms.clone(), 0..4usize).prop_map(|(t, k)| Expr::Softmax(t, k)),
        1 => terms.prop_map(Expr::Mean),
        1 => (2..4usize)
            .prop_flat_map(move |n| {
                let side = prop::collection::vec(dot_inner.clone(), n);
                (side.clone(), side)
            })
            .prop_map(|(a, b)| Expr::Dot(a, b)),
        1 => (prop::array::uniform4(inner.clone()), prop::array::uniform2(inner), 0..2usize)
            .prop_map(|(m, v, k)| Expr::MatVec(Box::new(m), Box::new(v), k)),
    ];
    prop_oneof![1 => leaf, 4 => node].boxed()
}

/// Random points with coordinates in `[-2, 2]` (see [`point_in`] for another box).
pub fn point(n: usize) -> impl Strategy<Value = Vec<f64>> {
    point_in(n, -2.0..2.0)
}

/// Random points with every coordinate in `range`: the domain of the loss under test, e.g.
/// `point_in(3, 0.1..10.0)` for a function of positive arguments.
///
/// # Panics
/// If `range` is empty or not finite.
///
/// ```
/// use proptest::prelude::*;
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::default();
/// runner
///     .run(&hesse_core::strategies::point_in(3, 0.5..4.0), |x| {
///         prop_assert!(x.iter().all(|v| (0.5..4.0).contains(v)));
///         let g = hesse_core::grad(|x| x[0].ln() * x[1] + x[2].sqrt(), &x);
///         prop_assert!((g[0] - x[1] / x[0]).abs() <= 1e-12 * (x[1] / x[0]).abs());
///         Ok(())
///     })
///     .unwrap();
/// ```
#[track_caller]
pub fn point_in(n: usize, range: std::ops::Range<f64>) -> impl Strategy<Value = Vec<f64>> {
    assert!(
        range.start.is_finite() && range.end.is_finite() && range.start < range.end,
        "point_in: the range {range:?} must be finite and non-empty"
    );
    prop::collection::vec(range, n)
}

/// An expression and a point where it is finite, moderate (|f| ≤ 1e6, gradient entries
/// ≤ 1e3 in size) and at least `1e-3` away from every kink, so finite differences are
/// meaningful: no difference quotient resolves `sin(x⁸)` near |x| = 2.
pub fn expr_and_point(n_vars: usize, depth: u32) -> impl Strategy<Value = (Expr, Vec<f64>)> {
    (expr(n_vars, depth), point(n_vars)).prop_filter("near a kink or too large", |(e, x)| {
        let tape = Tape::new();
        let xs = tape.vars(x);
        let mut kink = f64::INFINITY;
        let y = e.build_tracking(&xs, &mut kink);
        let v = y.value();
        let steep = tape
            .grad(y, &xs)
            .iter()
            .any(|g| g.value().abs() > 1e3 || g.value().is_nan());
        kink > 1e-3 && v.is_finite() && v.abs() <= 1e6 && !steep
    })
}

/// Every registered elementwise op whose rule is the derivative of its value: all of
/// [`Unary::all`] but `stop_gradient`, whose zero rule finite differences cannot confirm.
fn differentiable_unary() -> Vec<Unary> {
    Unary::all().into_iter().filter(|u| !u.stops_gradient()).collect()
}
