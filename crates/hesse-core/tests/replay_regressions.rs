//! Regressions of the replay routes: each test failed on the code before its fix (issue 15),
//! each compares a recording with the eager tape at points other than the recording's.
//!
//! 1. Compiled replays (Cranelift) of programs longer than one compiled chunk read a short
//!    point (≤ 64 coordinates) in their first chunk only; the later chunks read the arena,
//!    which held the point of an earlier call.
//! 3. Recorded Hessians over scalar inputs spread NaN from a non-finite partial derivative
//!    into rows the eager tape computes finite.
//! 4. Symmetrising overflowed: `0.5·(a + b)` of two entries near `f64::MAX`.
//! 5. A `Var` used after [`Tape::rewind`] read the node that took its slot; elementwise ops
//!    on an empty vector at the end of the tape indexed past the arena.
//!
//! Recordings over one rank-1 `Var` (the vector family of the differential fuzzer), against
//! `hesse_core::vector::*` bit for bit:
//!
//! 6. A gather through an elementwise node (a slice of `exp(w)`, which only slices read),
//!    placed as a plain node before an open fused region of another length, ran without the
//!    elementwise node: it read the values of the recording.
//! 7. Fused planning took a scalar instruction's inputs as recorded, not through the
//!    programs' CSE: `1 − tanh²` of the gradient reads the value's `tanh²`, a node the
//!    region's sum feeds, through a merged copy that no program runs, so it was moved before
//!    the region and read the previous replay's value.
//! 8. A fused region read a member at another element than its own (issue 16, below).
//!
//! Found by the differential fuzzer on recordings over scalar inputs:
//!
//! 9. The Hessian's rows with structural zeros (`exec/reach.rs`) ran in an arena whose
//!    ranges had been shared for the fused programs' order only (below).

use hesse_core::native::{self, Native};
use hesse_core::{Matrix, RecordedFn, Tape, Var};

/// Bits, with every NaN one value (payloads are unspecified).
fn bits(v: &[f64]) -> Vec<u64> {
    v.iter()
        .map(|x| {
            if x.is_nan() {
                f64::NAN.to_bits()
            } else {
                x.to_bits()
            }
        })
        .collect()
}

fn assert_same(what: &str, recorded: &[f64], eager: &[f64]) {
    assert_eq!(
        bits(recorded),
        bits(eager),
        "{what}: recorded {recorded:?}, eager {eager:?}"
    );
}

/// Hessians of recordings over scalar inputs: the same numbers, every NaN one value, and a
/// zero of either sign (a column `H e_i` adds the other coordinates' `+0` contributions, which
/// the eager row never forms: `−0 + +0` is `+0`; see `exec/reach.rs`).
fn assert_same_hessian(what: &str, recorded: &Matrix, eager: &Matrix) {
    let same = recorded
        .as_slice()
        .iter()
        .zip(eager.as_slice())
        .all(|(r, e)| r == e || (r.is_nan() && e.is_nan()));
    assert!(same, "{what}: recorded {recorded:?}, eager {eager:?}");
}

/// x₀² + 400 nested `sin(0.5·…)` of x₁: past a compiled chunk whatever the program.
fn nested_sines<'t>(x: &[Var<'t>]) -> Var<'t> {
    let mut s = x[1];
    for _ in 0..400 {
        s = (s * 0.5).sin();
    }
    x[0].square() + s
}

/// Logistic loss with L2 over 200 points in 5-D, written one scalar `Var` per weight.
fn logistic<'t>(w: &[Var<'t>]) -> Var<'t> {
    let mut total = w[0].tape().scalar(0.0);
    for i in 0..200 {
        let row: Vec<f64> = (0..5)
            .map(|j| ((i * 7 + j * 13) % 17) as f64 / 8.0 - 1.0)
            .collect();
        let label = ((i * 5) % 3 == 0) as u8 as f64;
        let z = w
            .iter()
            .zip(&row)
            .map(|(&wj, &xj)| wj * xj)
            .reduce(|a, b| a + b)
            .unwrap();
        // −[y log σ(z) + (1 − y) log(1 − σ(z))] = softplus(z) − y·z
        total = total + z.softplus() - label * z;
    }
    total / 200.0 + 0.01 * w.iter().map(|wi| wi.square()).reduce(|a, b| a + b).unwrap()
}

/// Value, gradient, HVP and Hessian of a recording against the eager tape at `x`.
fn check_all<F>(what: &str, rec: &mut RecordedFn, f: F, x: &[f64])
where
    F: for<'t> Fn(&[Var<'t>]) -> Var<'t> + Copy,
{
    let (ev, eg) = hesse_core::value_and_grad(f, x);
    assert_same(&format!("{what}: value at {x:?}"), &[rec.value(x)], &[ev]);
    let (rv, rg) = rec.value_and_grad(x);
    assert_same(&format!("{what}: value (with gradient) at {x:?}"), &[rv], &[ev]);
    assert_same(&format!("{what}: gradient at {x:?}"), &rg, &eg);
    let v: Vec<f64> = (0..x.len()).map(|i| 1.0 - 0.3 * i as f64).collect();
    assert_same(
        &format!("{what}: HVP at {x:?}"),
        &rec.hvp(x, &v),
        &hesse_core::hvp(f, x, &v),
    );
    if x.len() <= 40 {
        let (rh, eh) = (rec.hessian(x), hesse_core::hessian(f, x));
        assert_same_hessian(&format!("{what}: Hessian at {x:?}"), &rh, &eh);
    }
}

#[test]
fn compiled_programs_of_several_chunks_read_the_new_point() {
    native::scoped(Native::ON, || {
        let mut rec = RecordedFn::new(nested_sines, &[1.0, 0.3]).jit();
        // Before the fix: 1 (the recorded x₀²) instead of 9, gradient 2 instead of 6.
        assert_eq!(
            rec.value(&[3.0, 0.3]),
            hesse_core::value_and_grad(nested_sines, &[3.0, 0.3]).0
        );
        for x in [[3.0, 0.3], [-2.0, 1.5], [0.5, -0.7]] {
            check_all("nested sines, .jit()", &mut rec, nested_sines, &x);
        }
    });
}

#[test]
fn programs_compiled_after_many_replays_read_the_new_point() {
    native::scoped(Native::ON, || {
        let x0 = [0.0; 5];
        let x1 = [0.1, -0.2, 0.3, 0.05, -0.4];
        let x2 = [1.5, 0.7, -1.1, 2.0, 0.4];
        let mut rec = RecordedFn::new(logistic, &x0);
        let mut g = [0.0; 5];
        // Compiled on the way (after 4,000 replays, the default).
        for _ in 0..4100 {
            rec.value_and_grad_to(&x1, &mut g);
            rec.value(&x1);
        }
        for x in [x2, x0, x1] {
            check_all("logistic loss after 4100 replays", &mut rec, logistic, &x);
        }
        // The same from a recording compiled at its first replay.
        let mut rec = RecordedFn::new(logistic, &x0).with_jit_after(0);
        for x in [x2, x1] {
            check_all("logistic loss compiled at once", &mut rec, logistic, &x);
        }
    });
}

/// √|x₀| + x₀·x₁ + x₁³ + …: at x₀ = 0 the first partial is infinite or NaN.
fn kinked<'t>(x: &[Var<'t>]) -> Var<'t> {
    let mut f = x[0].abs().sqrt() + x[0] * x[1] + x[1].powi(3);
    for w in x.windows(2).skip(1) {
        f = f + (w[0] * w[1]).sin() + w[1].square() * 0.5;
    }
    f
}

fn ln_of_first<'t>(x: &[Var<'t>]) -> Var<'t> {
    x[0].ln() + x[1].exp() * x[2] + (x[1] * x[2]).tanh()
}

#[test]
fn recorded_hessians_keep_the_eager_rows_where_a_partial_is_not_finite() {
    for setting in [Native::ON, Native::OFF] {
        native::scoped(setting, || {
            // n = 3 (columns one by one, native when compiled), n = 20 (all columns at once).
            for n in [2, 3, 20] {
                let at_kink: Vec<f64> = (0..n)
                    .map(|i| if i == 0 { 0.0 } else { 1.0 - 0.1 * i as f64 })
                    .collect();
                let generic: Vec<f64> = (0..n).map(|i| 0.3 + 0.2 * i as f64).collect();
                let mut infinite = generic.clone();
                infinite[0] = f64::INFINITY;
                for jit in [false, true] {
                    let mut rec = RecordedFn::new(kinked, &generic);
                    if jit {
                        rec = rec.jit();
                    }
                    for x in [&at_kink, &infinite, &generic] {
                        let (rh, eh) = (rec.hessian(x), hesse_core::hessian(kinked, x));
                        assert_same_hessian(&format!("√|x₀| + …, n = {n}, at {x:?}"), &rh, &eh);
                    }
                    // The eager rows of x₁, x₂, … are finite there.
                    let h = rec.hessian(&at_kink);
                    assert!((1..n).all(|i| (1..n).all(|j| h[(i, j)].is_finite())), "{h:?}");
                }
            }
            let mut rec = RecordedFn::new(ln_of_first, &[1.0, 0.5, 0.25]);
            for x in [
                [0.0, 0.5, 0.25],
                [-1.0, 0.2, 0.1],
                [f64::INFINITY, 0.0, 1.0],
                [1.0, f64::NAN, 0.5],
            ] {
                let (rh, eh) = (rec.hessian(&x), hesse_core::hessian(ln_of_first, &x));
                assert_same_hessian(&format!("ln x₀ + …, at {x:?}"), &rh, &eh);
            }
        });
    }
}

#[cfg(feature = "rayon")]
#[test]
fn parallel_recorded_hessians_keep_the_eager_rows_too() {
    let n = 40;
    let mut x: Vec<f64> = (0..n).map(|i| 0.3 + 0.05 * i as f64).collect();
    let mut rec = RecordedFn::new(kinked, &x).with_parallel_min_dim(2);
    x[0] = 0.0;
    let (rh, eh) = (rec.hessian(&x), hesse_core::hessian(kinked, &x));
    assert_same_hessian("√|x₀| + …, parallel columns", &rh, &eh);
}

#[test]
fn symmetrising_does_not_overflow() {
    let f = hesse_core::function(|x| 0.9e308 * x[0] * x[1]);
    let eager = hesse_core::hessian(f, &[1.0, 1.0]);
    let recorded = RecordedFn::new(f, &[0.5, 0.5]).hessian(&[1.0, 1.0]);
    for h in [&eager, &recorded] {
        assert_eq!(h.to_rows(), vec![vec![0.0, 0.9e308], vec![0.9e308, 0.0]]);
    }
    let g =
        hesse_core::function(|x| 0.5e308 * x[0].square() + 1.5e308 * x[0] * x[1] + 0.5e308 * x[1].square());
    let h: Matrix = hesse_core::hessian(g, &[0.0, 0.0]);
    assert_eq!(h.to_rows(), vec![vec![1e308, 1.5e308], vec![1.5e308, 1e308]]);
    // Non-finite entries still meet as IEEE says.
    let k = hesse_core::function(|x| x[0] * x[1] * f64::INFINITY);
    assert!(hesse_core::hessian(k, &[1.0, 1.0])[(0, 1)].is_infinite());
}

#[test]
#[should_panic(expected = "used after Tape::rewind")]
fn a_var_used_after_rewind_panics() {
    let tape = Tape::new();
    let x = tape.var(3.0);
    let mark = tape.mark();
    let y = x * x;
    assert_eq!(y.value(), 9.0);
    tape.rewind(mark);
    // Takes the slot `y` had.
    let z = x * -14.0;
    assert_eq!(z.value(), -42.0);
    let _ = y.value();
}

#[test]
#[should_panic(expected = "used after Tape::rewind")]
fn an_op_on_a_released_var_panics() {
    let tape = Tape::new();
    let x = tape.var(3.0);
    let mark = tape.mark();
    let y = x.sin();
    tape.rewind(mark);
    let _ = x.exp();
    let _ = y + x;
}

#[test]
fn vars_from_before_the_mark_stay_valid() {
    let tape = Tape::new();
    let x = tape.var(3.0);
    let y = x * 2.0;
    let mark = tape.mark();
    for _ in 0..3 {
        let z = (y * x).sin();
        let g = tape.grad(z, &[x]);
        // d/dx sin(2x²) = 4x·cos(2x²)
        assert!((g[0].value() - 12.0 * 18.0f64.cos()).abs() < 1e-12);
        tape.rewind(mark);
    }
    assert_eq!((y + x).value(), 9.0);
}

#[test]
fn ops_on_an_empty_vector_at_the_end_of_the_tape() {
    let f = hesse_core::vector::function(|w| (w.exp() * 2.0 + w.square()).sum());
    assert_eq!(hesse_core::vector::value_and_grad(f, &[]), (0.0, vec![]));
    let h = hesse_core::vector::hessian(f, &[]);
    assert_eq!((h.rows(), h.cols()), (0, 0));
    let tape = Tape::new();
    let w = tape.vector(&[]);
    assert!(w.tanh().sigmoid().to_vec().is_empty());
}

/// Value, gradient, HVP and (up to 40 coordinates) Hessian of a recording over one vector
/// against the eager tape at `x`, bit for bit (every NaN one value). Before each question,
/// every program replays at another point, so that a replay reading a value it did not
/// compute reads a wrong one.
fn check_vector<F>(what: &str, rec: &mut RecordedFn, f: F, x: &[f64])
where
    F: for<'t> Fn(Var<'t>) -> Var<'t> + Copy,
{
    let v: Vec<f64> = (0..x.len()).map(|i| 1.0 - 0.03 * i as f64).collect();
    let elsewhere: Vec<f64> = x.iter().map(|a| 0.5 * a - 0.3).collect();
    let pollute = |rec: &mut RecordedFn| {
        rec.value(&elsewhere);
        rec.value_and_grad(&elsewhere);
        rec.hvp(&elsewhere, &v);
    };
    let (ev, eg) = hesse_core::vector::value_and_grad(f, x);
    pollute(rec);
    assert_same(&format!("{what}: value at {x:?}"), &[rec.value(x)], &[ev]);
    pollute(rec);
    let (rv, rg) = rec.value_and_grad(x);
    assert_same(&format!("{what}: value (with gradient) at {x:?}"), &[rv], &[ev]);
    assert_same(&format!("{what}: gradient at {x:?}"), &rg, &eg);
    pollute(rec);
    assert_same(
        &format!("{what}: HVP at {x:?}"),
        &rec.hvp(x, &v),
        &hesse_core::vector::hvp(f, x, &v),
    );
    if x.len() <= 40 {
        pollute(rec);
        let (rh, eh) = (rec.hessian(x), hesse_core::vector::hessian(f, x));
        assert_same(&format!("{what}: Hessian at {x:?}"), rh.as_slice(), eh.as_slice());
    }
}

/// Points of n coordinates: generic ones and a few repeated values.
fn vector_points(n: usize) -> Vec<Vec<f64>> {
    vec![
        (0..n).map(|i| ((i * 7 % 13) as f64 - 6.0) / 5.0).collect(),
        (0..n).map(|i| (i as f64 * 0.37).sin()).collect(),
        vec![0.5; n],
    ]
}

#[test]
fn a_gather_through_an_elementwise_node_before_a_region_computes_that_node() {
    // `sin → cos → sum` over 96 values is a region, open when the slice of 40 values of
    // `exp(w)` comes: another length, independent of it, so the slice runs as a plain node
    // before the region. `exp(w)` is read only by that slice, so the plan had absorbed it
    // into the slice (computed on the gathered elements): as a plain node, the slice read
    // `exp` of the recorded point.
    let f = hesse_core::vector::function(|w| {
        let a = w.sin().cos().sum();
        let s = w.exp().slice(0, 10, 40);
        a + s.dot(s)
    });
    let x0 = vec![0.25; 96];
    for x in vector_points(96) {
        let mut rec = RecordedFn::new_vector(f, &x0);
        check_vector("slice of exp beside a region", &mut rec, f, &x);
    }
}

#[test]
fn scalar_instructions_wait_for_the_region_their_cse_inputs_depend_on() {
    // The gradient of `tanh(s)²` (s the sum of a region) is `2·tanh(s)·(1 − tanh(s)²)`, whose
    // `tanh(s)²` is recorded twice and merged into the value's.
    let f = hesse_core::vector::function(|w| w.sin().sum().tanh().square());
    let x0 = vec![0.01; 64];
    for x in vector_points(64) {
        let mut rec = RecordedFn::new_vector(f, &x0);
        check_vector("tanh² of a fused sum", &mut rec, f, &x);
    }
}

/// 8. A fused region read a slice of a node it stores itself at another element (found by
///    the differential fuzzer, issue 16): the gradient of `logsumexp(concat(sin w, w)[6..n])`
///    stores the concatenation's cotangent (two pads) and, in the same region, reads its
///    slice from element 6 on; a block or tile then read values of elements the next block
///    or tile had not written yet. Wrong HVPs and Hessians on the tile executors (any n) and
///    on the block executor once n exceeds a block (256 values).
#[test]
fn a_region_never_reads_a_member_at_another_element() {
    let f = hesse_core::vector::function(|w| {
        let n = w.shape()[0];
        hesse_core::Var::concat(&[w.sin(), w], 0)
            .slice(0, 6, n)
            .logsumexp()
    });
    for n in [37, 40, 300, 1037] {
        let x0: Vec<f64> = (0..n).map(|i| (i as f64 * 0.731).sin() * 1.9).collect();
        for setting in [Native::ON, Native::OFF] {
            native::scoped(setting, || {
                for x in vector_points(n) {
                    let mut rec = RecordedFn::new_vector(f, &x0);
                    check_vector(&format!("slice of a stored cotangent, n = {n}"), &mut rec, f, &x);
                }
            });
        }
    }
}

/// `√x₃ + Σ c + Σ R·c` with `R` the 32×36 matrix whose every row is `(x₀, x₁, x₀, x₁, …)`
/// (a concatenation of 576 copies of `(x₀, x₁)`, reshaped) and `c = x₂·e₃₂ + x₁·e₃₃`: each
/// row of `R·c` is `x₀·x₂ + x₁²`, so the loss is `√x₃ + x₂ + x₁ + 32·(x₀·x₂ + x₁²)`.
fn repeated_rows_times_a_padded_pair<'t>(x: &[Var<'t>]) -> Var<'t> {
    let rows = Var::concat(&vec![Var::stack(&[x[0], x[1]]); 576], 0).reshape(&[32, 36]);
    let c = Var::stack(&[x[2], x[1]]).pad(0, 32, 36);
    x[3].sqrt() + c.sum() + rows.matmul(c).sum()
}

/// 9. Wrong recorded Hessians where a partial is not finite (found by the differential
///    fuzzer). Arrays of 1,152 values are placed in the ranges of dead ones (`exec/reuse.rs`),
///    by the liveness of the programs as they run, fused regions included. The Hessian's
///    column program computes the concatenation's tangent `Ṙ` in a region that runs just
///    before its reader `Ṙᵀ·1`, after the last read of `1·ċᵀ` (the tangent of `R`'s
///    cotangent), so `Ṙ` took the range of `1·ċᵀ`. The rows recomputed with structural zeros
///    (once √x₃'s infinite second derivative puts NaN in every column, at x₃ = 0) run the
///    same nodes unfused, in recording order: `Ṙ` first, then `1·ċᵀ` over it, and `Ṙᵀ·1`
///    read `1·ċᵀ`. Row 2 came out as `H₂₀ = 0`, `H₂₂ = 32` (against 32 and 0): `H₀₂ = 16`
///    after symmetrising, on every route and native setting. Not at points where every entry
///    is finite, which need no such rows.
#[test]
fn rows_with_structural_zeros_read_the_arena_of_their_own_order() {
    type Route = fn(RecordedFn) -> RecordedFn;
    let f = repeated_rows_times_a_padded_pair;
    let x0 = [-1.25, -0.35, -1.9, 0.6];
    // x₃ = 0: H₃₃ = −1/(4·x₃^{3/2}) is −∞; −∞ everywhere: √x₃ and its derivatives are NaN.
    let points = [[1.5, -0.5, 2.0, 0.0], [f64::NEG_INFINITY; 4]];
    for setting in [Native::ON, Native::OFF] {
        native::scoped(setting, || {
            #[allow(unused_mut)]
            let mut routes: Vec<(&str, Route)> = vec![
                ("interpreter", RecordedFn::without_jit),
                ("compiled", RecordedFn::jit),
            ];
            #[cfg(feature = "rayon")]
            routes.push(("parallel columns", |r| r.with_parallel_min_dim(2)));
            for (route, make) in routes {
                let mut rec = make(RecordedFn::new(f, &x0));
                for x in &points {
                    let (h, eh) = (rec.hessian(x), hesse_core::hessian(f, x));
                    let what = format!("{route}, {setting:?}, at {x:?}");
                    // The quadratic part, whatever the point: 32·(x₀·x₂ + x₁²).
                    for (i, j, want) in [(0, 2, 32.0), (2, 0, 32.0), (1, 1, 64.0), (0, 0, 0.0), (2, 2, 0.0)] {
                        assert_eq!(h[(i, j)], want, "{what}: H[{i}][{j}] in {h:?}");
                    }
                    assert!(!h[(3, 3)].is_finite(), "{what}: {h:?}");
                    assert_same_hessian(&what, &h, &eh);
                }
            }
        });
    }
}
