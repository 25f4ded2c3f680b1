//! Hidden-layer activations ([`Activation`]) and output heads ([`Output`]).
//!
//! Every activation is one hesse-core op, so its derivatives of every order come from the
//! engine: relu follows PyTorch's convention relu'(0) = 0.

use std::fmt;
use std::str::FromStr;

use hesse_core::Var;

use crate::NnError;

/// The nonlinearity of a hidden layer (sklearn's `activation`).
///
/// ```
/// use hesse_nn::Activation;
/// let tape = hesse_core::Tape::new();
/// let z = tape.vector(&[-1.0, 0.0, 2.0]);
/// assert_eq!(Activation::Relu.apply(z).to_vec(), vec![0.0, 0.0, 2.0]);
/// assert_eq!("logistic".parse::<Activation>().unwrap(), Activation::Sigmoid);
/// assert_eq!(Activation::Tanh.eval(0.0), 0.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Activation {
    /// f(z) = z.
    Identity,
    /// f(z) = max(0, z); f'(0) = 0.
    #[default]
    Relu,
    /// The logistic function f(z) = 1/(1 + e^(−z)) (sklearn's `"logistic"`).
    Sigmoid,
    /// f(z) = tanh z.
    Tanh,
}

impl Activation {
    /// All four activations, for sweeps and tests.
    pub const ALL: [Activation; 4] = [
        Activation::Identity,
        Activation::Relu,
        Activation::Sigmoid,
        Activation::Tanh,
    ];

    /// Applies the activation elementwise on the tape.
    pub fn apply<'t>(self, z: Var<'t>) -> Var<'t> {
        match self {
            Activation::Identity => z,
            Activation::Relu => z.relu(),
            Activation::Sigmoid => z.sigmoid(),
            Activation::Tanh => z.tanh(),
        }
    }

    /// The activation of one number (for plotting and checks).
    pub fn eval(self, z: f64) -> f64 {
        match self {
            Activation::Identity => z,
            Activation::Relu => z.max(0.0),
            Activation::Sigmoid => 1.0 / (1.0 + (-z).exp()),
            Activation::Tanh => z.tanh(),
        }
    }

    /// sklearn's name: `identity`, `relu`, `logistic`, `tanh`.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Identity => "identity",
            Activation::Relu => "relu",
            Activation::Sigmoid => "logistic",
            Activation::Tanh => "tanh",
        }
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Activation {
    type Err = NnError;

    /// Parses sklearn's names (and `sigmoid` as a synonym of `logistic`).
    fn from_str(s: &str) -> Result<Self, NnError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "identity" | "linear" => Ok(Activation::Identity),
            "relu" => Ok(Activation::Relu),
            "logistic" | "sigmoid" => Ok(Activation::Sigmoid),
            "tanh" => Ok(Activation::Tanh),
            _ => Err(NnError::invalid(
                "activation",
                s,
                "one of identity, relu, logistic (sigmoid), tanh",
            )),
        }
    }
}

/// The output head: the link from the last layer's logits to predictions, and the loss.
///
/// | head | output units | link | loss (mean over samples) |
/// |---|---|---|---|
/// | `Binary` | 1 | sigmoid | BCE, computed from the logits as softplus(z) − y·z |
/// | `MultiClass` | k ≥ 2 | softmax | cross-entropy, through a stable log-softmax |
/// | `Regression` | any | identity | mean squared error over all entries |
///
/// The losses are hesse-core's fused stable ones ([`hesse_core::loss`]); the binary one never
/// evaluates ln 0, unlike sklearn's clipped form (the two agree while p stays away from 0 and
/// 1 by more than 2.2e-16).
///
/// ```
/// use hesse_nn::Output;
/// let tape = hesse_core::Tape::new();
/// let z = tape.constant(&[0.0], &[1, 1]);
/// let y = tape.constant(&[1.0], &[1, 1]);
/// assert!((Output::Binary.loss(z, y).value() - 2f64.ln()).abs() < 1e-15);
/// assert_eq!(Output::Binary.link(z).to_vec(), vec![0.5]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Output {
    /// One logistic unit; binary cross-entropy.
    Binary,
    /// k ≥ 2 units with softmax; cross-entropy.
    MultiClass,
    /// Identity units; mean squared error.
    Regression,
}

impl Output {
    /// The mean loss of `logits` ([n, k]) against `targets` ([n, k]: 0/1 for `Binary`,
    /// one-hot or probability rows for `MultiClass`, values for `Regression`).
    ///
    /// # Panics
    /// If the shapes differ.
    #[track_caller]
    pub fn loss<'t>(self, logits: Var<'t>, targets: Var<'t>) -> Var<'t> {
        assert_eq!(
            logits.shape(),
            targets.shape(),
            "loss: shape mismatch: logits {:?}, targets {:?}",
            logits.shape(),
            targets.shape()
        );
        match self {
            Output::Binary => hesse_core::loss::bce_with_logits(logits, targets),
            Output::MultiClass => hesse_core::loss::softmax_cross_entropy(logits, targets),
            Output::Regression => hesse_core::loss::mse(logits, targets),
        }
    }

    /// Logits to predictions: probabilities of class 1 (`Binary`), class probabilities per
    /// row (`MultiClass`), or the values themselves (`Regression`).
    pub fn link<'t>(self, logits: Var<'t>) -> Var<'t> {
        match self {
            Output::Binary => logits.sigmoid(),
            Output::MultiClass => logits.softmax(1),
            Output::Regression => logits,
        }
    }

    /// Checks that `units` output units suit this head.
    pub(crate) fn check_units(self, units: usize) -> Result<(), NnError> {
        match self {
            Output::Binary if units != 1 => Err(NnError::invalid(
                "sizes",
                format!("{units} output units"),
                "exactly 1 output unit for a binary head",
            )),
            Output::MultiClass if units < 2 => Err(NnError::invalid(
                "sizes",
                format!("{units} output units"),
                "at least 2 output units for a multi-class head",
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_matches_eval() {
        let tape = hesse_core::Tape::new();
        let xs = [-1.5, -0.0, 0.3, 2.0];
        let z = tape.vector(&xs);
        for a in Activation::ALL {
            let on_tape = a.apply(z).to_vec();
            for (got, x) in on_tape.iter().zip(xs) {
                approx::assert_relative_eq!(*got, a.eval(x), max_relative = 1e-15);
            }
            assert_eq!(a.name().parse::<Activation>().unwrap(), a);
        }
        assert!("softsign".parse::<Activation>().is_err());
    }

    #[test]
    fn heads_check_units() {
        assert!(Output::Binary.check_units(2).is_err());
        assert!(Output::MultiClass.check_units(1).is_err());
        assert!(Output::Regression.check_units(3).is_ok());
    }
}
