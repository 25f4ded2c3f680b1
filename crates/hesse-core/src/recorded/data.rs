//! Recordings with data inputs: a loss of parameters **and data** (a mini-batch, the targets,
//! a design matrix) recorded once for data of a given shape, then replayed with new
//! parameters and new data — no re-recording per batch.
//!
//! The data are leaves of the recording like the parameters, and every replay program treats
//! them as such: nothing computed from them is folded into a constant or embedded in native
//! code. They are not differentiated (no gradient, HVP or Hessian entries). Unlike the point,
//! which every call writes, a datum is written once by [`RecordedFn::set_data`] and stays in
//! the arena until set again (leaves keep their arena ranges, `exec/reuse.rs`).

use super::RecordedFn;
use crate::shape::numel;
use crate::var::Var;

impl RecordedFn {
    /// Records `f(x, data)` at the point `x0` (one scalar `Var` per coordinate) with the data
    /// `data`, each datum given as `(values, shape)` (row-major, as [`Tape::constant`](crate::Tape::constant)
    /// takes them). Derivatives are taken with respect to `x` only; replace a datum with
    /// [`RecordedFn::set_data`] (same shape), and every later replay uses it.
    ///
    /// # Panics
    /// If a datum's values do not fill its shape, or `f` does not return a scalar.
    ///
    /// ```
    /// use hesse_core::RecordedFn;
    /// // A least-squares fit of y ≈ a + b·t over three points, the points as data.
    /// let (t, y) = ([0.0, 1.0, 2.0], [1.0, 3.0, 5.0]);
    /// let mut rec = RecordedFn::new_with_data(
    ///     |p, d| ((p[0] + p[1] * d[0]) - d[1]).square().sum(),
    ///     &[0.0, 0.0],
    ///     &[(&t, &[3]), (&y, &[3])],
    /// );
    /// assert_eq!(rec.value(&[1.0, 2.0]), 0.0); // the exact fit
    /// rec.set_data(1, &[1.0, 3.0, 6.0]);        // new targets, same shape
    /// let (v, g) = rec.value_and_grad(&[1.0, 2.0]);
    /// assert_eq!((v, g), (1.0, vec![-2.0, -4.0]));
    /// ```
    #[track_caller]
    pub fn new_with_data<F>(f: F, x0: &[f64], data: &[(&[f64], &[usize])]) -> Self
    where
        F: for<'t> Fn(&[Var<'t>], &[Var<'t>]) -> Var<'t>, // in a `let`: `hesse::data_function(|x, d| ...)`
    {
        check_data("new_with_data", data);
        Self::record(data, |tape, ds| {
            let xs = tape.vars(x0);
            (f(&xs, ds), xs)
        })
    }

    /// [`RecordedFn::new_with_data`] for a loss over one rank-1 parameter `Var` (a network's
    /// flat parameter vector), the form of mini-batch training.
    ///
    /// ```
    /// use hesse_core::{RecordedFn, Var};
    /// // Logistic loss of a linear model w on a batch of two rows (X is 2×2, labels ±1).
    /// fn loss<'t>(w: Var<'t>, d: &[Var<'t>]) -> Var<'t> {
    ///     let margins = d[0].matmul(w.reshape(&[2, 1])).reshape(&[2]) * d[1];
    ///     (-margins).softplus().mean()
    /// }
    /// let batch1 = ([1.0, 0.0, 0.0, 1.0], [1.0, -1.0]);
    /// let mut rec = RecordedFn::new_vector_with_data(loss, &[0.0, 0.0], &[(&batch1.0, &[2, 2]), (&batch1.1, &[2])]);
    /// let (v, g) = rec.value_and_grad(&[0.0, 0.0]);
    /// assert!((v - 2f64.ln()).abs() < 1e-15 && g == [-0.25, 0.25]);
    /// // The next batch: new rows, same shapes, same recording.
    /// rec.set_data(0, &[0.0, 2.0, 2.0, 0.0]);
    /// let (_, g) = rec.value_and_grad(&[0.0, 0.0]);
    /// assert_eq!(g, [0.5, -0.5]);
    /// ```
    #[track_caller]
    pub fn new_vector_with_data<F>(f: F, w0: &[f64], data: &[(&[f64], &[usize])]) -> Self
    where
        F: for<'t> Fn(Var<'t>, &[Var<'t>]) -> Var<'t>, // in a `let`: `hesse::vector::data_function(|w, d| ...)`
    {
        check_data("new_vector_with_data", data);
        Self::record(data, |tape, ds| {
            let w = tape.vector(w0);
            (f(w, ds), vec![w])
        })
    }

    /// Replaces datum `k` (in the order given when recording) with `values` of the same
    /// shape; every later replay uses them.
    ///
    /// # Panics
    /// If there is no datum `k`, or `values` has another length than the recorded datum.
    ///
    /// ```
    /// let mut rec = hesse_core::RecordedFn::new_with_data(|x, d| x[0] * d[0], &[1.0], &[(&[2.0], &[])]);
    /// assert_eq!(rec.value_and_grad(&[3.0]), (6.0, vec![2.0]));
    /// rec.set_data(0, &[-1.0]);
    /// assert_eq!(rec.value_and_grad(&[3.0]), (-3.0, vec![-1.0]));
    /// ```
    #[track_caller]
    pub fn set_data(&mut self, k: usize, values: &[f64]) {
        let Some((offset, shape)) = self.data.get(k) else {
            panic!(
                "RecordedFn::set_data: datum {k} does not exist (the recording has {})",
                self.data.len()
            )
        };
        let len = numel(shape);
        assert_eq!(
            values.len(),
            len,
            "RecordedFn::set_data: datum {k} has shape {shape:?} ({len} values), got {} values \
             (a batch of another size needs a recording of its own)",
            values.len()
        );
        self.tape.inner.get_mut().values[*offset..offset + len].copy_from_slice(values);
    }

    /// The number of data inputs (see [`RecordedFn::new_with_data`]), and the shape of each.
    ///
    /// ```
    /// let rec = hesse_core::RecordedFn::new_with_data(|x, d| x[0] * d[0].sum(), &[1.0], &[(&[1.0, 2.0], &[2])]);
    /// assert_eq!(rec.data_shapes(), vec![vec![2]]);
    /// ```
    pub fn data_shapes(&self) -> Vec<Vec<usize>> {
        self.data.iter().map(|(_, s)| s.to_vec()).collect()
    }
}

/// Panics unless every datum's values fill its shape, naming the datum.
#[track_caller]
fn check_data(what: &str, data: &[(&[f64], &[usize])]) {
    for (k, (values, shape)) in data.iter().enumerate() {
        assert!(
            values.len() == numel(shape),
            "RecordedFn::{what}: datum {k} has {} values, its shape {shape:?} needs {}",
            values.len(),
            numel(shape)
        );
    }
}
