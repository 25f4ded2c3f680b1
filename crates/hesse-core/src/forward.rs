//! Forward mode: Jacobian-vector products `J·v`, by transposing the reverse sweep.
//!
//! The reverse sweep gives `g(u) = Jᵀu`, exactly, as a graph linear in a cotangent input `u`.
//! Its own gradient with respect to `u`, contracted with `v`, is `∇ᵤ⟨Jᵀu, v⟩ = J·v`: forward
//! mode from two reverse sweeps, with the same op rules as everything else, so the result is
//! exact, is a graph that differentiates again (a JVP of a gradient is a Hessian-vector
//! product; a JVP of a JVP a second directional derivative), and agrees with every reverse
//! quantity by construction. It costs about three evaluations of `f` (the forward pass and
//! two sweeps), against one sweep per output row for the reverse Jacobian: [`jacobian`](crate::jacobian)
//! takes columns this way when there are fewer inputs than outputs, rows otherwise; both
//! Jacobians live here.

use crate::flat::copy_flat;
use crate::matrix::Matrix;
use crate::tape::Tape;
use crate::var::Var;

impl Tape {
    /// Tape-level Jacobian-vector product: the directional derivatives `Σⱼ ∂yᵢ/∂xⱼ · vⱼ` of
    /// each output `yᵢ` along the tangents `v` (one per input, of its shape), as nodes on this
    /// tape (they differentiate again). Outputs that do not depend on `xs` get zeros.
    ///
    /// # Panics
    /// If `tangents` and `xs` differ in number or shapes, or a `Var` is on another tape.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let (x, y) = (tape.var(2.0), tape.var(3.0));
    /// let f = [x * y, x.sin()];
    /// // Along v = (1, 0): ∂f/∂x = (y, cos x).
    /// let v = [tape.scalar(1.0), tape.scalar(0.0)];
    /// let jv = tape.jvp(&f, &[x, y], &v);
    /// assert_eq!(jv[0].value(), 3.0);
    /// assert_eq!(jv[1].value(), 2f64.cos());
    /// ```
    #[track_caller]
    pub fn jvp<'t>(&'t self, ys: &[Var<'t>], xs: &[Var<'t>], tangents: &[Var<'t>]) -> Vec<Var<'t>> {
        assert_eq!(
            xs.len(),
            tangents.len(),
            "jvp: {} inputs but {} tangents",
            xs.len(),
            tangents.len()
        );
        for (x, v) in xs.iter().zip(tangents) {
            assert_eq!(
                x.shape(),
                v.shape(),
                "jvp: tangent shape {:?} differs from input shape {:?}",
                v.shape(),
                x.shape()
            );
        }
        let (us, gs) = self.transposed(ys, xs);
        let mut inner: Option<Var<'t>> = None;
        for (g, v) in gs.iter().zip(tangents) {
            let term = if g.is_scalar() { *g * *v } else { (*g * *v).sum() };
            inner = Some(match inner {
                Some(s) => s + term,
                None => term,
            });
        }
        match inner {
            Some(s) => self.grad(s, &us),
            None => us.iter().map(|u| self.zeros(&u.shape())).collect(),
        }
    }

    /// Cotangent inputs `u` (one per output, of its shape) and `Jᵀu`, one per input.
    fn transposed<'t>(&'t self, ys: &[Var<'t>], xs: &[Var<'t>]) -> (Vec<Var<'t>>, Vec<Var<'t>>) {
        // The values of u do not matter (Jᵀu is linear in u); ones keep 0·inf out of the graph.
        let us: Vec<Var<'t>> = ys
            .iter()
            .map(|y| {
                let shape = y.shape();
                self.tensor(&vec![1.0; y.len()], &shape)
            })
            .collect();
        let mut pairing: Option<Var<'t>> = None;
        for (y, u) in ys.iter().zip(&us) {
            let y = y.onto(self, "jvp");
            let term = if y.is_scalar() { y * *u } else { (y * *u).sum() };
            pairing = Some(match pairing {
                Some(s) => s + term,
                None => term,
            });
        }
        let gs = match pairing {
            Some(p) => self.grad(p, xs),
            None => xs.iter().map(|x| self.zeros(&x.shape())).collect(),
        };
        (us, gs)
    }
}

/// The value and the Jacobian-vector product `J(x)·v` of a vector function (outputs are the
/// concatenated elements of the returned `Var`s), as JAX's `jvp`.
///
/// # Panics
/// If `v.len() != x.len()`.
///
/// ```
/// // f(x, y) = (x·y, sin x); J = [[y, x], [cos x, 0]].
/// let (y, jv) = hesse_core::jvp(|x| vec![x[0] * x[1], x[0].sin()], &[2.0, 3.0], &[1.0, 1.0]);
/// assert_eq!(y, vec![6.0, 2f64.sin()]);
/// assert_eq!(jv, vec![5.0, 2f64.cos()]);
/// ```
#[track_caller]
pub fn jvp<F>(f: F, x: &[f64], v: &[f64]) -> (Vec<f64>, Vec<f64>)
where
    F: for<'t> Fn(&[Var<'t>]) -> Vec<Var<'t>>,
{
    check_tangent(x, v);
    Tape::scratch(|tape| {
        let xs = tape.vars(x);
        let ys = f(&xs);
        let tangents: Vec<Var> = v.iter().map(|&c| tape.scalar(c)).collect();
        let jv = tape.jvp(&ys, &xs, &tangents);
        let mut values = Vec::new();
        let mut out = Vec::new();
        for (y, d) in ys.iter().zip(&jv) {
            values.extend(y.to_vec());
            out.extend(d.to_vec());
        }
        (values, out)
    })
}

/// Panics unless the tangent `v` has the point's length.
#[track_caller]
pub(crate) fn check_tangent(x: &[f64], v: &[f64]) {
    assert_eq!(
        x.len(),
        v.len(),
        "jvp: point has length {}, tangent {}",
        x.len(),
        v.len()
    );
}

/// The Jacobian with one column per input, each from a [`Tape::jvp`]-style sweep of the
/// transposed graph: the forward-mode Jacobian, for few inputs and many outputs.
pub(crate) fn jacobian_by_columns<'t>(tape: &'t Tape, ys: &[Var<'t>], xs: &[Var<'t>]) -> Matrix {
    let n: usize = xs.iter().map(|v| v.len()).sum();
    let m: usize = ys.iter().map(|v| v.len()).sum();
    let (us, gs) = tape.transposed(ys, xs);
    let mut out = Matrix::zeros(m, n);
    let mut col = vec![0.0; m];
    let mut j = 0;
    for g in &gs {
        for e in 0..g.len() {
            let mark = tape.mark();
            let gj = if g.is_scalar() { *g } else { g.flatten().index(e) };
            let dj = tape.grad(gj, &us);
            copy_flat(&dj, &mut col);
            for (i, &c) in col.iter().enumerate() {
                out[(i, j)] = c;
            }
            tape.rewind(mark);
            j += 1;
        }
    }
    out
}

/// Forward (columns) when there are fewer inputs than outputs, reverse (rows) otherwise.
pub(crate) fn jacobian_auto<'t>(tape: &'t Tape, ys: &[Var<'t>], xs: &[Var<'t>]) -> Matrix {
    let n: usize = xs.iter().map(|v| v.len()).sum();
    let m: usize = ys.iter().map(|v| v.len()).sum();
    if n < m {
        jacobian_by_columns(tape, ys, xs)
    } else {
        jacobian_by_rows(tape, ys, xs)
    }
}

/// The Jacobian with one row per output element, each from one reverse sweep.
pub(crate) fn jacobian_by_rows<'t>(tape: &'t Tape, ys: &[Var<'t>], leaves: &[Var<'t>]) -> Matrix {
    let n: usize = leaves.iter().map(|v| v.len()).sum();
    let m: usize = ys.iter().map(|v| v.len()).sum();
    let mut out = Matrix::zeros(m, n);
    let mut row = 0;
    for y in ys {
        let len = y.len();
        for e in 0..len {
            let mark = tape.mark();
            let grads = if y.is_scalar() {
                tape.grad(*y, leaves)
            } else {
                let mut seed = vec![0.0; len];
                seed[e] = 1.0;
                let s = tape.constant(&seed, &y.shape());
                tape.vjp(*y, leaves, s)
            };
            copy_flat(&grads, out.row_mut(row));
            tape.rewind(mark);
            row += 1;
        }
    }
    out
}
