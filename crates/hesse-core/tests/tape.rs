//! Tape behaviour: flat memory across mark/rewind, panics on misuse, IEEE propagation.

use hesse_core::{RecordedFn, Tape, Var, value_and_grad};

fn rosenbrock<'t>(x: &[Var<'t>]) -> Var<'t> {
    (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2)
}

#[test]
fn a_million_value_and_grad_calls_keep_the_tape_bounded() {
    let tape = Tape::new();
    let xs = tape.vars(&[-1.2, 1.0]);
    let mark = tape.mark();
    let mut longest = 0;
    let mut acc = 0.0;
    for i in 0..1_000_000 {
        let y = rosenbrock(&xs);
        let g = tape.grad(y, &xs);
        acc += g[0].value() * 1e-9 + f64::from(i % 2) * 0.0;
        longest = longest.max(tape.len());
        tape.rewind(mark);
    }
    assert!(acc.is_finite());
    assert_eq!(tape.len(), 2);
    // one evaluation's worth of nodes, never growing with the loop count
    assert!(longest < 40, "tape grew to {longest} nodes");
}

#[test]
fn the_functional_api_does_not_leak_between_calls() {
    // Each call owns its tape; a loop of calls is flat by construction. The value is unchanged.
    let first = value_and_grad(rosenbrock, &[0.5, 0.5]);
    for _ in 0..1000 {
        assert_eq!(value_and_grad(rosenbrock, &[0.5, 0.5]), first);
    }
}

#[test]
#[should_panic(expected = "matmul: shape mismatch: lhs [2, 3], rhs [2, 3]")]
fn matmul_shape_mismatch_names_op_and_shapes() {
    let tape = Tape::new();
    let a = tape.tensor(&[0.0; 6], &[2, 3]);
    let _ = a.matmul(a);
}

#[test]
#[should_panic(expected = "add: shape mismatch: lhs [2, 3], rhs [2]")]
fn broadcast_mismatch_names_op_and_shapes() {
    let tape = Tape::new();
    let a = tape.tensor(&[0.0; 6], &[2, 3]);
    let b = tape.vector(&[0.0; 2]);
    let _ = a + b;
}

#[test]
#[should_panic(expected = "mul: operands live on different tapes")]
fn vars_from_two_tapes_panic() {
    let t1 = Tape::new();
    let t2 = Tape::new();
    let _ = t1.var(1.0) * t2.var(2.0);
}

#[test]
#[should_panic(expected = "value: Var of shape [2] is not a scalar")]
fn value_of_a_vector_panics_with_a_hint() {
    let tape = Tape::new();
    let _ = tape.vector(&[1.0, 2.0]).value();
}

#[test]
fn nan_and_infinity_propagate_as_ieee_says() {
    let tape = Tape::new();
    let x = tape.var(-1.0);
    assert!(x.ln().value().is_nan());
    assert!(x.sqrt().value().is_nan());
    assert_eq!(tape.var(0.0).ln().value(), f64::NEG_INFINITY);
    assert_eq!(tape.var(0.0).recip().value(), f64::INFINITY);
    let nan = tape.var(f64::NAN);
    assert!(nan.max(x).value().is_nan() && x.min(nan).value().is_nan());
    assert!(nan.relu().value().is_nan());
    // the gradient of ln at a negative point is finite (1/x); of sqrt at 0 it is +inf
    let g = tape.grad(x.ln(), &[x])[0].value();
    assert_eq!(g, -1.0);
    let z = tape.var(0.0);
    assert_eq!(tape.grad(z.sqrt(), &[z])[0].value(), f64::INFINITY);
    // overflow: exp(1000) = inf, its gradient inf; logsumexp stays finite
    let big = tape.vector(&[1000.0, 1000.0]);
    assert!(big.exp().sum().value().is_infinite());
    assert!(big.logsumexp().value().is_finite());
}

#[test]
fn debug_prints_one_line_per_node() {
    let tape = Tape::new();
    let x = tape.tensor(&[1.0, 2.0], &[2, 1]);
    let _ = x.tanh();
    let s = format!("{tape:?}");
    assert!(s.contains("1 => tanh(0) [2, 1]"), "{s}");
}

#[test]
fn recorded_replay_equals_a_fresh_recording() {
    let mut rec = RecordedFn::new(rosenbrock, &[0.0, 0.0]);
    for p in [[-1.2, 1.0], [0.3, -0.7], [2.0, 4.0]] {
        let (f, g) = rec.value_and_grad(&p);
        assert_eq!((f, g), value_and_grad(rosenbrock, &p));
        assert_eq!(rec.hessian(&p), hesse_core::hessian(rosenbrock, &p));
        assert_eq!(
            rec.hvp(&p, &[1.0, -2.0]),
            hesse_core::hvp(rosenbrock, &p, &[1.0, -2.0])
        );
    }
    assert!(!rec.branch_changed());
}

fn branchy<'t>(x: &[Var<'t>]) -> Var<'t> {
    if x[0].gt(x[1]) { x[0] * 2.0 } else { x[1].powi(2) }
}

#[test]
fn a_flipped_comparison_is_reported_not_hidden() {
    let mut rec = RecordedFn::new(branchy, &[1.0, 0.0]);
    let _ = rec.value(&[2.0, 0.0]);
    assert!(!rec.branch_changed());
    let _ = rec.value(&[0.0, 2.0]);
    assert!(rec.branch_changed(), "x0 > x1 flipped but was not reported");
}
