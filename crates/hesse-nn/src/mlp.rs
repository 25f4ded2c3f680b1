//! [`Mlp`]: a fully connected network over one flat parameter vector.
//!
//! The forward pass runs on a batch as matrix ops on the tape: for each layer
//! `z = h · W + b` with `h` of shape [n, fan_in], `W` a [fan_in, fan_out] view of the flat
//! parameter `Var` and `b` broadcast over rows; hidden layers apply their [`Activation`], the
//! last layer gives the logits. A network on 1,000 points is a few dozen tape nodes.

use hesse_core::{Matrix, Tape, Var};

use crate::data::check_features;
use crate::{Activation, NnError, Output, ParamLayout};

/// A multilayer perceptron: layer widths, one [`Activation`] per hidden layer, an [`Output`]
/// head, and the [`ParamLayout`] of its flat parameter vector.
///
/// The network holds no parameters: they are a `&[f64]` (or a rank-1 `Var` on a tape) passed
/// to each call, so the same `Mlp` serves optimizers, Hessians and predictions.
///
/// ```
/// # fn main() -> Result<(), hesse_nn::NnError> {
/// use hesse_core::Matrix;
/// use hesse_nn::{Activation, Mlp, Output};
///
/// let net = Mlp::from_sizes(&[2, 3, 1], Activation::Tanh, Output::Binary)?;
/// assert_eq!(net.n_params(), 2 * 3 + 3 + 3 + 1);
/// let params = net.init(7); // Glorot-uniform, seeded
/// let x = Matrix::new(2, 2, vec![0.5, -1.0, 1.5, 0.25]);
/// let p = net.predict(&params, &x)?; // P(class 1) per row
/// assert_eq!((p.rows(), p.cols()), (2, 1));
/// assert!(p.as_slice().iter().all(|&v| v > 0.0 && v < 1.0));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp {
    layout: ParamLayout,
    activations: Vec<Activation>,
    output: Output,
}

impl Mlp {
    /// A network with widths `sizes = [inputs, hidden…, outputs]`, the same activation on
    /// every hidden layer, and the given head.
    ///
    /// # Errors
    /// [`NnError::InvalidOption`] if there are fewer than two sizes, a size is 0, or the
    /// output width does not suit the head (1 for `Binary`, ≥ 2 for `MultiClass`).
    pub fn from_sizes(sizes: &[usize], activation: Activation, output: Output) -> Result<Self, NnError> {
        let hidden = sizes.len().saturating_sub(2);
        Self::from_layers(sizes, &vec![activation; hidden], output)
    }

    /// A network with one activation per hidden layer (`activations.len() == sizes.len() − 2`).
    ///
    /// # Errors
    /// As [`Mlp::from_sizes`], and if the number of activations is wrong.
    ///
    /// ```
    /// # fn main() -> Result<(), hesse_nn::NnError> {
    /// use hesse_nn::{Activation::*, Mlp, Output};
    /// let net = Mlp::from_layers(&[2, 3, 2, 3], &[Relu, Tanh], Output::MultiClass)?;
    /// assert_eq!(net.activations(), &[Relu, Tanh]);
    /// assert!(Mlp::from_layers(&[2, 3, 1], &[], Output::Binary).is_err());
    /// # Ok(()) }
    /// ```
    pub fn from_layers(sizes: &[usize], activations: &[Activation], output: Output) -> Result<Self, NnError> {
        if sizes.len() < 2 {
            return Err(NnError::invalid(
                "sizes",
                format!("{sizes:?}"),
                "at least an input and an output size",
            ));
        }
        if sizes.contains(&0) {
            return Err(NnError::invalid(
                "sizes",
                format!("{sizes:?}"),
                "every layer width >= 1",
            ));
        }
        if activations.len() != sizes.len() - 2 {
            return Err(NnError::invalid(
                "activations",
                format!(
                    "{} activations for {} hidden layers",
                    activations.len(),
                    sizes.len() - 2
                ),
                "one activation per hidden layer",
            ));
        }
        output.check_units(sizes[sizes.len() - 1])?;
        Ok(Mlp {
            layout: ParamLayout::new(sizes),
            activations: activations.to_vec(),
            output,
        })
    }

    /// The layer widths `[inputs, hidden…, outputs]`.
    pub fn sizes(&self) -> &[usize] {
        self.layout.sizes()
    }

    /// The hidden layers' activations.
    pub fn activations(&self) -> &[Activation] {
        &self.activations
    }

    /// The output head.
    pub fn output(&self) -> Output {
        self.output
    }

    /// Where each weight and bias sits in the flat parameter vector.
    pub fn layout(&self) -> &ParamLayout {
        &self.layout
    }

    /// The number of parameters.
    pub fn n_params(&self) -> usize {
        self.layout.len()
    }

    /// The number of input features.
    pub fn n_inputs(&self) -> usize {
        self.sizes()[0]
    }

    /// The number of output units.
    pub fn n_outputs(&self) -> usize {
        self.sizes()[self.sizes().len() - 1]
    }

    /// The pre-activations `z_l = h_l · W_l + b_l` of every layer (the last is the logits),
    /// on the tape.
    ///
    /// # Panics
    /// If `params` is not a vector of [`Mlp::n_params`] values or `x` is not [n, inputs].
    #[track_caller]
    pub fn layer_outputs<'t>(&self, params: Var<'t>, x: Var<'t>) -> Vec<Var<'t>> {
        assert_eq!(
            params.shape(),
            [self.n_params()],
            "mlp: parameter vector has shape {:?}, expected [{}]",
            params.shape(),
            self.n_params()
        );
        let xs = x.shape();
        assert!(
            xs.len() == 2 && xs[1] == self.n_inputs(),
            "mlp: shape mismatch: input {xs:?}, expected [n, {}]",
            self.n_inputs()
        );
        let mut h = x;
        let mut out = Vec::with_capacity(self.layout.layers());
        for l in 0..self.layout.layers() {
            let (fan_in, fan_out) = self.layout.fans(l);
            let w = self.layout.weight(l);
            let b = self.layout.bias(l);
            let w = params.slice(0, w.start, w.len()).reshape(&[fan_in, fan_out]);
            let b = params.slice(0, b.start, b.len());
            let z = h.matmul(w) + b;
            out.push(z);
            if l < self.activations.len() {
                h = self.activations[l].apply(z);
            }
        }
        out
    }

    /// The logits, [n, outputs], of a batch `x` ([n, inputs]) on the tape.
    ///
    /// # Panics
    /// As [`Mlp::layer_outputs`].
    ///
    /// ```
    /// use hesse_nn::{Activation, Mlp, Output};
    /// let net = Mlp::from_sizes(&[1, 1], Activation::Identity, Output::Regression).unwrap();
    /// let tape = hesse_core::Tape::new();
    /// let w = tape.vector(&[2.0, 0.5]); // W = [[2]], b = [0.5]
    /// let x = tape.constant(&[1.0, 3.0], &[2, 1]);
    /// assert_eq!(net.logits(w, x).to_vec(), vec![2.5, 6.5]);
    /// ```
    #[track_caller]
    pub fn logits<'t>(&self, params: Var<'t>, x: Var<'t>) -> Var<'t> {
        let zs = self.layer_outputs(params, x);
        zs[zs.len() - 1]
    }

    /// The predictions on the tape: the head's link applied to the logits.
    ///
    /// # Panics
    /// As [`Mlp::layer_outputs`].
    #[track_caller]
    pub fn forward<'t>(&self, params: Var<'t>, x: Var<'t>) -> Var<'t> {
        self.output.link(self.logits(params, x))
    }

    /// Predictions for the rows of `x`: P(class 1) for `Binary` ([n, 1]), class probabilities
    /// for `MultiClass` ([n, k]), values for `Regression`.
    ///
    /// # Errors
    /// [`NnError::ParamLength`], [`NnError::EmptyData`], [`NnError::FeatureMismatch`] or
    /// [`NnError::NonFinite`] for bad inputs.
    pub fn predict(&self, params: &[f64], x: &Matrix) -> Result<Matrix, NnError> {
        self.evaluate(params, x, |net, w, xv| net.forward(w, xv))
    }

    /// The logits for the rows of `x`, [n, outputs].
    ///
    /// # Errors
    /// As [`Mlp::predict`].
    pub fn predict_logits(&self, params: &[f64], x: &Matrix) -> Result<Matrix, NnError> {
        self.evaluate(params, x, |net, w, xv| net.logits(w, xv))
    }

    /// Every layer's pre-activations for the rows of `x` (hidden layers, then the logits):
    /// for inspecting dead relu units or saturated tanh units.
    ///
    /// # Errors
    /// As [`Mlp::predict`].
    pub fn preactivations(&self, params: &[f64], x: &Matrix) -> Result<Vec<Matrix>, NnError> {
        self.layout.check_len(params.len())?;
        check_features(x, self.n_inputs())?;
        let tape = Tape::new();
        let w = tape.constant(params, &[params.len()]);
        let xv = tape.constant(x.as_slice(), &[x.rows(), x.cols()]);
        Ok(self
            .layer_outputs(w, xv)
            .into_iter()
            .map(|z| to_matrix(&z))
            .collect())
    }

    fn evaluate(
        &self,
        params: &[f64],
        x: &Matrix,
        f: impl for<'t> Fn(&Mlp, Var<'t>, Var<'t>) -> Var<'t>,
    ) -> Result<Matrix, NnError> {
        self.layout.check_len(params.len())?;
        check_features(x, self.n_inputs())?;
        let tape = Tape::new();
        let w = tape.constant(params, &[params.len()]);
        let xv = tape.constant(x.as_slice(), &[x.rows(), x.cols()]);
        Ok(to_matrix(&f(self, w, xv)))
    }
}

/// A rank-2 `Var`'s values as a [`Matrix`].
fn to_matrix(v: &Var<'_>) -> Matrix {
    let s = v.shape();
    Matrix::new(s[0], s[1], v.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_architectures_are_errors() {
        use Activation::Tanh;
        assert!(Mlp::from_sizes(&[2], Tanh, Output::Binary).is_err());
        assert!(Mlp::from_sizes(&[2, 0, 1], Tanh, Output::Binary).is_err());
        assert!(Mlp::from_sizes(&[2, 3, 2], Tanh, Output::Binary).is_err());
        assert!(Mlp::from_sizes(&[2, 3, 1], Tanh, Output::MultiClass).is_err());
        assert!(Mlp::from_sizes(&[2, 1], Tanh, Output::Binary).is_ok());
    }

    #[test]
    fn predict_checks_inputs() {
        let net = Mlp::from_sizes(&[2, 3, 1], Activation::Tanh, Output::Binary).unwrap();
        let p = vec![0.1; net.n_params()];
        let x3 = Matrix::new(1, 3, vec![1.0, 2.0, 3.0]);
        assert_eq!(
            net.predict(&p, &x3).unwrap_err(),
            NnError::FeatureMismatch { expected: 2, got: 3 }
        );
        let x = Matrix::new(1, 2, vec![1.0, 2.0]);
        assert!(matches!(
            net.predict(&p[1..], &x),
            Err(NnError::ParamLength { .. })
        ));
        assert!(matches!(
            net.predict(&p, &Matrix::zeros(0, 2)),
            Err(NnError::EmptyData { .. })
        ));
        let zs = net.preactivations(&p, &x).unwrap();
        assert_eq!(zs.len(), 2);
        approx::assert_relative_eq!(zs[0][(0, 0)], 0.1 + 0.2 + 0.1, epsilon = 1e-15);
    }
}
