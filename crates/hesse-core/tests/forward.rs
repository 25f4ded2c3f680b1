//! Forward mode (`jvp`, the column-wise Jacobian) against central differences and against the
//! transpose of the reverse mode (issue 18).

use hesse_core::{Tape, Var, jacobian, jvp};

/// A map R³ → R⁴ with every kind of op: products, transcendental functions, a division.
fn map<'t>(x: &[Var<'t>]) -> Vec<Var<'t>> {
    vec![
        x[0] * x[1].sin(),
        (x[0] - x[2]).exp() / (1.0 + x[1].square()),
        x[2].tanh() * x[0].powi(3),
        x[1].ln_1p() + x[0] * x[1] * x[2],
    ]
}

fn map_f64(x: &[f64]) -> Vec<f64> {
    vec![
        x[0] * x[1].sin(),
        (x[0] - x[2]).exp() / (1.0 + x[1] * x[1]),
        x[2].tanh() * x[0].powi(3),
        x[1].ln_1p() + x[0] * x[1] * x[2],
    ]
}

/// Central difference of `map_f64` along `v`, Richardson-extrapolated.
fn directional_fd(x: &[f64], v: &[f64]) -> Vec<f64> {
    let d = |h: f64| {
        let p: Vec<f64> = x.iter().zip(v).map(|(a, b)| a + h * b).collect();
        let m: Vec<f64> = x.iter().zip(v).map(|(a, b)| a - h * b).collect();
        map_f64(&p)
            .iter()
            .zip(map_f64(&m))
            .map(|(a, b)| (a - b) / (2.0 * h))
            .collect::<Vec<f64>>()
    };
    let (c, f) = (d(1e-3), d(5e-4));
    f.iter().zip(c).map(|(f, c)| (4.0 * f - c) / 3.0).collect()
}

#[test]
fn jvp_matches_central_differences() {
    let x = [0.7, 0.4, -0.3];
    for v in [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.3, -1.2, 0.8]] {
        let (y, jv) = jvp(map, &x, &v);
        assert_eq!(y, map_f64(&x));
        let fd = directional_fd(&x, &v);
        for (a, b) in jv.iter().zip(&fd) {
            assert!((a - b).abs() < 1e-9 * b.abs().max(1.0), "{jv:?} vs {fd:?}");
        }
    }
}

#[test]
fn jvp_is_the_transpose_of_vjp() {
    // ⟨u, J v⟩ = ⟨Jᵀ u, v⟩ for any u, v: forward and reverse are one linear map.
    let x = [0.2, 1.1, 0.5];
    let (u, v) = ([0.5, -1.0, 2.0, 0.25], [1.5, -0.5, 0.75]);
    let (_, jv) = jvp(map, &x, &v);
    let tape = Tape::new();
    let xs = tape.vars(&x);
    let ys = map(&xs);
    let pairing = ys.iter().zip(u).map(|(y, ui)| *y * ui).sum::<Var>();
    let jtu: Vec<f64> = tape.grad(pairing, &xs).iter().map(|g| g.value()).collect();
    let lhs: f64 = u.iter().zip(&jv).map(|(a, b)| a * b).sum();
    let rhs: f64 = jtu.iter().zip(&v).map(|(a, b)| a * b).sum();
    assert!((lhs - rhs).abs() < 1e-13 * lhs.abs().max(1.0), "{lhs} vs {rhs}");
}

#[test]
fn the_jacobian_by_columns_equals_the_jacobian_by_rows() {
    // Few inputs, many outputs: columns (forward). Rows come from the reverse sweep of each
    // output; the two must agree.
    let x = [0.2, 1.1, 0.5];
    let by_columns = jacobian(map, &x);
    let tape = Tape::new();
    let xs = tape.vars(&x);
    for (i, y) in map(&xs).into_iter().enumerate() {
        let row = tape.grad(y, &xs);
        for (j, g) in row.iter().enumerate() {
            let (a, b) = (by_columns[(i, j)], g.value());
            assert!((a - b).abs() <= 1e-15 * b.abs().max(1.0), "[{i},{j}] {a} vs {b}");
        }
    }
}

#[test]
fn a_jvp_differentiates_again() {
    // The JVP of the gradient along v is the Hessian-vector product: f = x²y + sin(y),
    // H = [[2y, 2x], [2x, −sin y]].
    let tape = Tape::new();
    let xs = tape.vars(&[1.5, 0.5]);
    let f = xs[0].square() * xs[1] + xs[1].sin();
    let g = tape.grad(f, &xs);
    let v = [tape.scalar(1.0), tape.scalar(2.0)];
    let hv = tape.jvp(&g, &xs, &v);
    assert!((hv[0].value() - (2.0 * 0.5 + 2.0 * 1.5 * 2.0)).abs() < 1e-14);
    assert!((hv[1].value() - (2.0 * 1.5 - 2.0 * 0.5f64.sin())).abs() < 1e-14);
    // …and the result is a graph: its gradient is a third derivative, ∂(Hv)₀/∂y = 2.
    let third = tape.grad(hv[0], &xs);
    assert_eq!(third[1].value(), 2.0);
}

#[test]
fn outputs_that_ignore_the_inputs_have_zero_tangents() {
    let (y, jv) = jvp(|x| vec![x[0] * 0.0 + 3.0, Var::constant(2.0)], &[1.0], &[1.0]);
    assert_eq!(y, vec![3.0, 2.0]);
    assert_eq!(jv, vec![0.0, 0.0]);
}

#[test]
fn vector_jvp_matches_central_differences() {
    // f(w) = (w₀ w₁, sin w₂, Σw²) as one vector: concatenated outputs along v.
    let f = hesse_core::vector::function(|w| {
        let a = (w.index(0) * w.index(1)).reshape(&[1]);
        let b = w.index(2).sin().reshape(&[1]);
        let c = w.square().sum().reshape(&[1]);
        Var::concat(&[a, b, c], 0)
    });
    let f64_map = |w: &[f64]| vec![w[0] * w[1], w[2].sin(), w.iter().map(|x| x * x).sum::<f64>()];
    let (x, v) = ([0.3, -1.2, 0.8], [1.0, 0.5, -2.0]);
    let (y, jv) = hesse_core::vector::jvp(f, &x, &v);
    assert_eq!(y, f64_map(&x));
    let h = 1e-5;
    let p: Vec<f64> = x.iter().zip(&v).map(|(a, b)| a + h * b).collect();
    let m: Vec<f64> = x.iter().zip(&v).map(|(a, b)| a - h * b).collect();
    for (k, (a, b)) in f64_map(&p).iter().zip(f64_map(&m)).enumerate() {
        let fd = (a - b) / (2.0 * h);
        assert!((jv[k] - fd).abs() < 1e-8, "[{k}] {} vs {fd}", jv[k]);
    }
}
