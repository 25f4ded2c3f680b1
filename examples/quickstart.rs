//! Quick demo: Rosenbrock's value, gradient and exact Hessian at the classic start (-1.2, 1)
//! and at the minimum (1, 1), where the Hessian's eigenvalues are both positive.
//!
//! Run with `cargo run --release --example quickstart`. Expected output:
//!
//! ```text
//! f(-1.2, 1) = 24.2
//! ∇f = [-215.6, -88]
//! H = [[1330, 480], [480, 200]]
//! f(1, 1) = 0
//! ∇f = [0, 0]
//! H = [[802, -400], [-400, 200]]
//! ```

use hesse::{Var, hessian, value_and_grad};

/// Rosenbrock's function, written once; it reads like the formula.
fn rosenbrock<'t>(x: &[Var<'t>]) -> Var<'t> {
    (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2)
}

fn main() {
    for point in [[-1.2, 1.0], [1.0, 1.0]] {
        let (f, g) = value_and_grad(rosenbrock, &point);
        let h = hessian(rosenbrock, &point);
        println!("f({}, {}) = {}", point[0], point[1], round(f));
        println!("∇f = [{}, {}]", round(g[0]), round(g[1]));
        println!(
            "H = [[{}, {}], [{}, {}]]",
            round(h[(0, 0)]),
            round(h[(0, 1)]),
            round(h[(1, 0)]),
            round(h[(1, 1)])
        );
    }
}

/// Rounds away the last-bit noise of decimal inputs such as -1.2 for display.
fn round(x: f64) -> f64 {
    // `+ 0.0` turns -0 into 0 for display
    (x * 1e9).round() / 1e9 + 0.0
}
