//! Initialisation: Glorot-uniform as sklearn does it, seeded and reproducible.
//!
//! sklearn's `MLPClassifier._init_coef` draws, layer by layer, `W ~ U(−b, b)` of shape
//! [fan_in, fan_out] and then `b ~ U(−b, b)` of length fan_out (biases are drawn too), with
//! `b = sqrt(6 / (fan_in + fan_out))`, or `sqrt(2 / (fan_in + fan_out))` when the activation
//! is logistic (Glorot & Bengio, 2010, doi:10.1.1.207.2059; seed 003's ε uses the same 2).
//! sklearn uses its one hidden activation for every layer, the output layer included; with
//! one activation per hidden layer, [`Mlp::init`] takes the activation feeding *into* the
//! layer's output — the layer's own for hidden layers, the last hidden layer's for the output
//! layer — which is sklearn's rule when all hidden activations agree.
//!
//! The stream is `rand`'s `StdRng::seed_from_u64(seed)`: the same seed gives the same
//! parameters on every platform for a given `rand` version (not NumPy's stream: to start from
//! sklearn's exact values, import them with [`ParamLayout::import`](crate::ParamLayout::import)
//! and [`Packing::Sklearn`](crate::Packing::Sklearn)).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::{Activation, Mlp};

/// The Glorot-uniform bound: `sqrt(f / (fan_in + fan_out))` with f = 2 for the logistic
/// activation and 6 otherwise (sklearn's rule).
///
/// ```
/// use hesse_nn::{glorot_bound, Activation};
/// assert_eq!(glorot_bound(2, 50, Activation::Tanh), (6.0f64 / 52.0).sqrt());
/// assert_eq!(glorot_bound(1, 1, Activation::Sigmoid), 1.0);
/// ```
pub fn glorot_bound(fan_in: usize, fan_out: usize, activation: Activation) -> f64 {
    let factor = if activation == Activation::Sigmoid {
        2.0
    } else {
        6.0
    };
    (factor / (fan_in + fan_out) as f64).sqrt()
}

/// `n` draws from U(−bound, bound).
///
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
/// let w = hesse_nn::uniform(&mut rng, 100, 0.5);
/// assert!(w.iter().all(|v| v.abs() <= 0.5));
/// ```
pub fn uniform<R: Rng + ?Sized>(rng: &mut R, n: usize, bound: f64) -> Vec<f64> {
    (0..n).map(|_| rng.random_range(-bound..=bound)).collect()
}

/// One layer's Glorot-uniform weights ([fan_in × fan_out], row-major) and biases, drawn in
/// sklearn's order (weights, then biases) with [`glorot_bound`].
///
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// let (w, b) = hesse_nn::glorot_uniform(&mut rng, 2, 3, hesse_nn::Activation::Tanh);
/// assert_eq!((w.len(), b.len()), (6, 3));
/// ```
pub fn glorot_uniform<R: Rng + ?Sized>(
    rng: &mut R,
    fan_in: usize,
    fan_out: usize,
    activation: Activation,
) -> (Vec<f64>, Vec<f64>) {
    let bound = glorot_bound(fan_in, fan_out, activation);
    let w = uniform(rng, fan_in * fan_out, bound);
    let b = uniform(rng, fan_out, bound);
    (w, b)
}

impl Mlp {
    /// Glorot-uniform parameters from `StdRng::seed_from_u64(seed)` (see the
    /// [module docs](crate::init)); the same seed gives the same vector.
    ///
    /// ```
    /// use hesse_nn::{Activation, Mlp, Output};
    /// let net = Mlp::from_sizes(&[2, 4, 1], Activation::Sigmoid, Output::Binary).unwrap();
    /// assert_eq!(net.init(3), net.init(3));
    /// assert_ne!(net.init(3), net.init(4));
    /// let bound = (2.0f64 / 6.0).sqrt(); // logistic: sqrt(2 / (2 + 4))
    /// assert!(net.init(3)[..8].iter().all(|w| w.abs() <= bound));
    /// ```
    pub fn init(&self, seed: u64) -> Vec<f64> {
        self.init_with(&mut StdRng::seed_from_u64(seed))
    }

    /// Glorot-uniform parameters drawn from `rng`.
    pub fn init_with<R: Rng + ?Sized>(&self, rng: &mut R) -> Vec<f64> {
        let layout = self.layout();
        let mut flat = vec![0.0; layout.len()];
        let acts = self.activations();
        for l in 0..layout.layers() {
            let (fan_in, fan_out) = layout.fans(l);
            let act = acts
                .get(l)
                .or(acts.last())
                .copied()
                .unwrap_or(Activation::Identity);
            let (w, b) = glorot_uniform(rng, fan_in, fan_out, act);
            flat[layout.weight(l)].copy_from_slice(&w);
            flat[layout.bias(l)].copy_from_slice(&b);
        }
        flat
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Output;

    #[test]
    fn every_layer_within_its_bound_and_biases_drawn() {
        let net = Mlp::from_sizes(&[2, 50, 50, 1], Activation::Tanh, Output::Binary).unwrap();
        let p = net.init(11);
        let layout = net.layout();
        for l in 0..layout.layers() {
            let (fi, fo) = layout.fans(l);
            let bound = glorot_bound(fi, fo, Activation::Tanh);
            let w = &p[layout.weight(l)];
            let b = &p[layout.bias(l)];
            assert!(w.iter().chain(b).all(|v| v.abs() <= bound));
            assert!(b.iter().any(|v| *v != 0.0));
            // Roughly uniform: the largest magnitude is near the bound.
            let max = w.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            if w.len() >= 50 {
                assert!(max > 0.8 * bound, "layer {l}: {max} vs {bound}");
            }
        }
    }
}
