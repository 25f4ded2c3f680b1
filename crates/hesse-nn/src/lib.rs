//! # hesse-nn: multilayer perceptrons on exact derivatives
//!
//! A thin neural-network layer over hesse-core (derivatives) and hesse-optim (solvers). A
//! network's parameters are **one flat `Vec<f64>`**; its loss is a function of one rank-1
//! `Var`, so gradients, Hessian-vector products, full Hessians and the optimizers all see one
//! point. Nothing here is differentiated by hand.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use hesse_core::Matrix;
//! use hesse_nn::{data, Activation, Mlp, MlpClassifier, MlpLoss, Output, Packing, SolverKind, L2};
//!
//! // 1. A 2-2-1 sigmoid network with explicit parameters: seed 000's start θ₀, given in W1's
//! //    order [w00, w01, w10, w11, b0, b1, v0, v1, c] (row W[i] = hidden unit i's inputs).
//! let net = Mlp::from_sizes(&[2, 2, 1], Activation::Sigmoid, Output::Binary)?;
//! let theta0 = [1.06, -0.037, -0.056, 1.095, -0.051, -0.0689, 3.769, -3.72, -0.0148];
//! let w = net.layout().import(&theta0, Packing::OutIn)?;
//! let x = data::matrix_from_rows(&[
//!     [2.8, 0.4], [3.1, 4.3], [0.1, -3.4], [-4.2, -3.3], [-0.5, 0.2],
//!     [-2.7, -0.4], [-3.0, -4.3], [-0.1, 3.4], [4.2, 3.2], [0.4, -0.1],
//! ])?;
//! let y = Matrix::new(10, 1, vec![1., 1., 1., 1., 1., 0., 0., 0., 0., 0.]);
//! let loss = MlpLoss::new(&net, &x, &y, L2::None)?;
//! assert!((loss.value(&w) - 0.5777380445031233).abs() < 1e-12); // WORKLOADS W1
//!
//! // 2. The loss is a closure over the flat parameters: the exact 9×9 Hessian.
//! let h = hesse_core::vector::hessian(|p| loss.eval(p), &w);
//! assert_eq!(h.asymmetry(), 0.0);
//!
//! // 3. Named view, losslessly back to the flat vector.
//! let named = net.layout().to_named(&w)?;
//! assert_eq!(named.keys().next().map(String::as_str), Some("layers.0.weight"));
//! assert_eq!(net.layout().from_named(&named)?, w);
//!
//! // 4. An sklearn-like classifier on seed 002's three Gaussian blobs.
//! let (x, y) = data::generate::blobs(50, 1.0, 0);
//! let mut clf = MlpClassifier::new()
//!     .with_hidden(&[8])
//!     .with_activation(Activation::Tanh)
//!     .with_solver(SolverKind::Lbfgs)
//!     .with_max_iter(200);
//! let report = clf.fit(&x, &y)?;
//! assert!(clf.score(&x, &y)? > 0.9, "{report:?}");
//! assert!(report.loss < report.loss_curve[0]);
//! # Ok(()) }
//! ```
//!
//! ## Map
//! - [`Mlp`] ([`mlp`]): widths, [`Activation`] per hidden layer, [`Output`] head; forward over
//!   a batch as matrix ops on the tape; predictions.
//! - [`ParamLayout`] ([`params`]): (layer, weight | bias) → ranges of the flat vector; the
//!   named `IndexMap` view; conversions from PyTorch's and sklearn's packings ([`Packing`]).
//! - [`MlpLoss`], [`L2`], [`NetObjective`] ([`loss`]): the training loss over the flat
//!   parameters with sklearn's α/(2n)·Σ‖W‖² or seed 003's λ·ΣW², recorded for the solvers.
//! - [`init`]: sklearn's Glorot-uniform, seeded ([`Mlp::init`]).
//! - [`MlpClassifier`] ([`fit`]): `fit` / `predict` / `predict_proba` / `score` with
//!   [`SolverKind`] Gd, Momentum, Nesterov, Lbfgs, Adam (mini-batches).
//! - [`Perceptron`] ([`perceptron`]): the learning rule, counting updates until separation.
//! - [`data`]: scaler, split, one-hot, feature maps, generators, CSV, meshgrid evaluation.
//!
//! ## Conventions
//! - Features are hesse-core [`Matrix`](hesse_core::Matrix)es [n samples, d features]; class
//!   labels are `usize` in `0..k`.
//! - Weights are `[fan_in][fan_out]`: a layer computes `h · W + b` (sklearn's `coefs_`, W3).
//! - Anything taking user data returns [`NnError`] instead of panicking; `Var`-level calls
//!   with mismatched shapes panic with the op and the shapes, as hesse-core does.
//!
//! ## Limitations
//! - Dense layers only; f64 only; one thread per fit.
//! - The binary loss is the stable `softplus(z) − y·z`; sklearn clips p to [ε, 1 − ε]
//!   instead. The two differ only where a logit exceeds ~36 in magnitude.
//! - Seeded draws use `rand`'s `StdRng`, not NumPy's streams: same seed, same numbers here,
//!   but not sklearn's. Import sklearn's initial vector with [`Packing::Sklearn`] to start
//!   where sklearn starts.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod activation;
pub mod data;
mod error;
pub mod fit;
pub mod init;
pub mod loss;
pub mod mlp;
pub mod params;
pub mod perceptron;

pub use activation::{Activation, Output};
pub use error::NnError;
pub use fit::{FitReport, MlpClassifier, SolverKind};
pub use init::{glorot_bound, glorot_uniform, uniform};
pub use loss::{L2, MlpLoss, NetObjective};
pub use mlp::Mlp;
pub use params::{Packing, ParamKind, ParamLayout, ParamSlot, ParamTensor};
pub use perceptron::{Perceptron, PerceptronFit, PerceptronRule};
