//! The dense-size guard: `hessian` and its kin refuse an n×n matrix above the dense-memory
//! limit with a typed error (or a panic naming it), before allocating, and compute it below.
//! Expected Hessians are the closed forms of the test functions.

use hesse_core::{CoreError, Matrix, RecordedFn, Var, dense, hessian_to, try_hessian, vector};

/// f(x) = Σ xᵢ³ + x₀x₁: H = diag(6xᵢ) + (e₀e₁ᵀ + e₁e₀ᵀ).
fn cubic<'t>(x: &[Var<'t>]) -> Var<'t> {
    x.iter().map(|xi| xi.powi(3)).sum::<Var>() + x[0] * x[1]
}

fn cubic_hessian(x: &[f64]) -> Vec<Vec<f64>> {
    let n = x.len();
    let mut h = vec![vec![0.0; n]; n];
    for i in 0..n {
        h[i][i] = 6.0 * x[i];
    }
    h[0][1] = 1.0;
    h[1][0] = 1.0;
    h
}

#[test]
fn a_small_limit_refuses_with_a_typed_error_naming_the_matrix_free_routes() {
    let x = [1.0, 2.0, 3.0];
    // 3×3 needs 72 bytes.
    let e = dense::scoped(71, || try_hessian(cubic, &x)).unwrap_err();
    assert_eq!(
        e,
        CoreError::DenseTooLarge {
            what: "hessian",
            n: 3,
            bytes: 72,
            limit: 71
        }
    );
    let msg = e.to_string();
    for part in [
        "hessian: a dense 3×3 matrix of f64 needs 72 B, above the dense-memory limit of 71 B",
        "hvp",
        "lanczos_extremes",
        "HESSE_DENSE_LIMIT",
        "dense::set_limit",
    ] {
        assert!(msg.contains(part), "{part:?} missing from: {msg}");
    }
    // At the limit exactly, it is computed, and it is the closed form.
    let h = dense::scoped(72, || try_hessian(cubic, &x)).unwrap();
    assert_eq!(h.to_rows(), cubic_hessian(&x));
    // The limit was the thread's for the closure only.
    assert_eq!(try_hessian(cubic, &x).unwrap().to_rows(), cubic_hessian(&x));
}

#[test]
fn every_dense_hessian_route_checks() {
    let x = [0.5, -1.0];
    let limit = 31; // 2×2 needs 32 bytes
    let e = dense::scoped(limit, || vector::try_hessian(|w| w.powi(3).sum(), &x)).unwrap_err();
    assert!(
        matches!(
            e,
            CoreError::DenseTooLarge {
                what: "vector::hessian",
                n: 2,
                ..
            }
        ),
        "{e:?}"
    );
    let mut rec = RecordedFn::new(cubic, &x);
    let e = dense::scoped(limit, || rec.try_hessian(&x)).unwrap_err();
    assert!(
        matches!(
            e,
            CoreError::DenseTooLarge {
                what: "RecordedFn::hessian",
                n: 2,
                ..
            }
        ),
        "{e:?}"
    );
    // Under the limit, each gives the closed form.
    assert_eq!(rec.try_hessian(&x).unwrap().to_rows(), cubic_hessian(&x));
    assert_eq!(
        vector::try_hessian(|w| w.powi(3).sum(), &x).unwrap().to_rows(),
        vec![vec![3.0, 0.0], vec![0.0, -6.0]]
    );
    // A caller's own buffer is not checked: the caller has allocated it.
    let mut out = Matrix::zeros(2, 2);
    dense::scoped(0, || hessian_to(cubic, &x, &mut out));
    assert_eq!(out.to_rows(), cubic_hessian(&x));
    let mut out = Matrix::zeros(2, 2);
    dense::scoped(0, || rec.hessian_to(&x, &mut out));
    assert_eq!(out.to_rows(), cubic_hessian(&x));
}

#[test]
#[should_panic(
    expected = "hessian: a dense 2×2 matrix of f64 needs 32 B, above the dense-memory limit of 8 B"
)]
fn the_infallible_hessian_panics_with_the_message() {
    dense::scoped(8, || hesse_core::hessian(cubic, &[1.0, 1.0]));
}

#[test]
#[should_panic(expected = "RecordedFn::hessian: a dense 2×2 matrix")]
fn the_infallible_recorded_hessian_panics_with_the_message() {
    let mut rec = RecordedFn::new(cubic, &[1.0, 1.0]);
    dense::scoped(8, || rec.hessian(&[1.0, 1.0]));
}

/// At the default limit, n = 30,000 (7.2 GB) is refused at once, without an allocation that
/// could abort, while the matrix-free HVP at the same size runs (H·1 = 6x + the x₀x₁ term).
#[test]
fn the_default_limit_refuses_a_large_hessian_and_the_hvp_still_runs() {
    let n = 30_000;
    let x: Vec<f64> = (0..n).map(|i| i as f64 / n as f64).collect();
    let e = dense::scoped(dense::DEFAULT_LIMIT, || try_hessian(cubic, &x)).unwrap_err();
    assert_eq!(
        e,
        CoreError::DenseTooLarge {
            what: "hessian",
            n,
            bytes: 7_200_000_000,
            limit: 4_000_000_000
        }
    );
    assert!(
        e.to_string()
            .contains("needs 7.2 GB, above the dense-memory limit of 4 GB"),
        "{e}"
    );
    let ones = vec![1.0; n];
    let hv = hesse_core::hvp(cubic, &x, &ones);
    assert_eq!(hv[0], 6.0 * x[0] + 1.0);
    assert_eq!(hv[1], 6.0 * x[1] + 1.0);
    assert_eq!(hv[n - 1], 6.0 * x[n - 1]);
}

#[test]
fn the_process_wide_limit_applies_where_no_thread_override_is_in_force() {
    // Every other test here runs under `dense::scoped` or with a size far below any limit
    // this test sets, so changing the process-wide limit does not disturb them.
    dense::set_limit(1_000);
    assert_eq!(dense::limit(), 1_000);
    let x = vec![0.1; 12]; // 1,152 bytes
    let e = try_hessian(cubic, &x).unwrap_err();
    assert!(
        matches!(
            e,
            CoreError::DenseTooLarge {
                n: 12,
                bytes: 1152,
                limit: 1000,
                ..
            }
        ),
        "{e:?}"
    );
    // A thread's override wins over it.
    assert!(dense::scoped(2_000, || try_hessian(cubic, &x)).is_ok());
    dense::set_limit(u64::MAX);
    assert_eq!(try_hessian(cubic, &x).unwrap().to_rows(), cubic_hessian(&x));
    dense::set_limit(dense::DEFAULT_LIMIT);
}

/// The Jacobian's guard (issue 21): an m×n Jacobian above the limit is refused with a typed
/// error after one evaluation of f (which tells m), or a panic with its message; at the limit
/// it is computed, and equals the closed form J = [[x₁, x₀], [1, 1], [0, e^{x₁}]] of
/// f(x) = (x₀x₁, x₀ + x₁, e^{x₁}).
#[test]
fn a_jacobian_above_the_limit_is_refused_and_at_it_computed() {
    fn f<'t>(x: &[Var<'t>]) -> Vec<Var<'t>> {
        vec![x[0] * x[1], x[0] + x[1], x[1].exp()]
    }
    let x = [2.0, 0.5];
    // 3×2 needs 48 bytes.
    let e = dense::scoped(47, || hesse_core::try_jacobian(f, &x)).unwrap_err();
    assert_eq!(
        e,
        CoreError::JacobianTooLarge {
            what: "jacobian",
            rows: 3,
            cols: 2,
            bytes: 48,
            limit: 47
        }
    );
    let text = e.to_string();
    assert!(
        text.starts_with("jacobian: a dense 3×2 Jacobian of f64 needs 48 B"),
        "{text}"
    );
    assert!(
        text.contains("jvp") && text.contains("HESSE_DENSE_LIMIT"),
        "{text}"
    );
    let panic = std::panic::catch_unwind(|| dense::scoped(47, || hesse_core::jacobian(f, &x)))
        .expect_err("jacobian panics above the limit");
    let message = panic.downcast_ref::<String>().expect("a formatted panic message");
    assert_eq!(message, &text);
    let j = dense::scoped(48, || hesse_core::try_jacobian(f, &x)).expect("at the limit");
    let want = [[0.5, 2.0], [1.0, 1.0], [0.0, 0.5f64.exp()]];
    for (i, row) in want.iter().enumerate() {
        for (k, w) in row.iter().enumerate() {
            assert!((j[(i, k)] - w).abs() <= 1e-15 * w.abs().max(1.0), "J[{i}][{k}]");
        }
    }
    // The vector form: f(w) = w² over 4 coordinates, a 4×4 Jacobian of 128 bytes.
    let g = vector::function(|w| w.square());
    let e = dense::scoped(127, || vector::try_jacobian(g, &[1.0; 4])).unwrap_err();
    assert!(matches!(
        e,
        CoreError::JacobianTooLarge {
            what: "vector::jacobian",
            rows: 4,
            cols: 4,
            ..
        }
    ));
    let j = dense::scoped(128, || vector::jacobian(g, &[1.0, 2.0, 3.0, 4.0]));
    assert_eq!(j[(2, 2)], 6.0);
    assert_eq!(j[(2, 1)], 0.0);
}
