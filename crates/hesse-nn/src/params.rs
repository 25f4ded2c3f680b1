//! The flat parameter vector and its layout.
//!
//! A network's parameters live in **one** `Vec<f64>`, so the optimizers, the Hessian and the
//! critical-point tools all see one point. [`ParamLayout`] maps (layer, weight | bias) to
//! ranges of it, in this order (W3's order, and PyTorch's `state_dict` order):
//!
//! ```text
//! [ W₀ (fan_in₀ × fan_out₀, row-major), b₀, W₁ (row-major), b₁, …, W_L, b_L ]
//! ```
//!
//! Layer l computes `h_{l+1} = act(h_l · W_l + b_l)` on a batch `h_l` of shape [n, fan_in], so
//! `W_l[i][j]` is the weight from input unit i to output unit j (`[fan_in][fan_out]`, as
//! sklearn's `coefs_` and W3).
//!
//! Other packings convert losslessly with [`ParamLayout::import`] / [`ParamLayout::export`]:
//!
//! | [`Packing`] | order | used by |
//! |---|---|---|
//! | `InOut` | per layer: W `[fan_in][fan_out]` row-major, then b | hesse, W3 |
//! | `OutIn` | per layer: W `[fan_out][fan_in]` row-major (row i = unit i's input weights), then b | PyTorch `nn.Linear`, W1 / seed 000 |
//! | `Sklearn` | all W `[fan_in][fan_out]` row-major, then all b | sklearn's `_pack`, W4 |
//!
//! The named view ([`ParamLayout::to_named`]) is an [`IndexMap`] `layers.0.weight`,
//! `layers.0.bias`, `layers.1.weight`, … of [`ParamTensor`]s, in the flat order;
//! [`ParamLayout::from_named`] inverts it exactly.

use std::ops::Range;

use indexmap::IndexMap;

use crate::NnError;

/// Whether a slot holds a layer's weights or its biases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamKind {
    /// The weight matrix, `[fan_in][fan_out]`.
    Weight,
    /// The bias vector, `[fan_out]`.
    Bias,
}

/// One tensor of the layout: where it sits in the flat vector and its shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamSlot {
    /// The layer (0 is the first, input-side one).
    pub layer: usize,
    /// Weight or bias.
    pub kind: ParamKind,
    /// `[fan_in, fan_out]` for weights, `[fan_out]` for biases.
    pub shape: Vec<usize>,
    /// The range in the flat vector.
    pub range: Range<usize>,
}

impl ParamSlot {
    /// The name in the named view: `layers.{layer}.weight` or `layers.{layer}.bias`.
    pub fn name(&self) -> String {
        match self.kind {
            ParamKind::Weight => format!("layers.{}.weight", self.layer),
            ParamKind::Bias => format!("layers.{}.bias", self.layer),
        }
    }
}

/// A named tensor of the named view: row-major values and a shape.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamTensor {
    /// `[fan_in, fan_out]` or `[fan_out]`.
    pub shape: Vec<usize>,
    /// Row-major values.
    pub data: Vec<f64>,
}

/// The order of a flat parameter vector written by another library (see the
/// [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Packing {
    /// hesse's own: per layer, W `[fan_in][fan_out]` then b.
    #[default]
    InOut,
    /// PyTorch `nn.Linear` / W1: per layer, W `[fan_out][fan_in]` then b.
    OutIn,
    /// sklearn: every W `[fan_in][fan_out]`, then every b.
    Sklearn,
}

/// Where each layer's weights and biases sit in the flat parameter vector.
///
/// ```
/// use hesse_nn::{ParamKind, ParamLayout};
/// let layout = ParamLayout::new(&[2, 3, 1]);
/// assert_eq!(layout.len(), 2 * 3 + 3 + 3 * 1 + 1);
/// assert_eq!(layout.weight(0), 0..6);
/// assert_eq!(layout.bias(0), 6..9);
/// assert_eq!(layout.weight(1), 9..12);
/// assert_eq!(layout.slots()[3].name(), "layers.1.bias");
/// assert_eq!(layout.slots()[2].kind, ParamKind::Weight);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamLayout {
    sizes: Vec<usize>,
    slots: Vec<ParamSlot>,
    len: usize,
}

impl ParamLayout {
    /// The layout of a fully connected network with layer widths `sizes`
    /// (`[inputs, hidden…, outputs]`).
    ///
    /// # Panics
    /// If `sizes` has fewer than two entries ([`Mlp`](crate::Mlp)'s constructors check this
    /// and return an error instead).
    #[track_caller]
    pub fn new(sizes: &[usize]) -> Self {
        assert!(
            sizes.len() >= 2,
            "param layout: need at least input and output sizes, got {sizes:?}"
        );
        let mut slots = Vec::with_capacity(2 * (sizes.len() - 1));
        let mut at = 0;
        for (layer, w) in sizes.windows(2).enumerate() {
            let (fan_in, fan_out) = (w[0], w[1]);
            slots.push(ParamSlot {
                layer,
                kind: ParamKind::Weight,
                shape: vec![fan_in, fan_out],
                range: at..at + fan_in * fan_out,
            });
            at += fan_in * fan_out;
            slots.push(ParamSlot {
                layer,
                kind: ParamKind::Bias,
                shape: vec![fan_out],
                range: at..at + fan_out,
            });
            at += fan_out;
        }
        ParamLayout {
            sizes: sizes.to_vec(),
            slots,
            len: at,
        }
    }

    /// The total number of parameters.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of layers (weight matrices).
    pub fn layers(&self) -> usize {
        self.sizes.len() - 1
    }

    /// The layer widths.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// Every slot, in flat order (weight then bias, layer by layer).
    pub fn slots(&self) -> &[ParamSlot] {
        &self.slots
    }

    /// The range of layer `l`'s weights.
    ///
    /// # Panics
    /// If `l` is not a layer.
    pub fn weight(&self, l: usize) -> Range<usize> {
        self.slots[2 * l].range.clone()
    }

    /// The range of layer `l`'s biases.
    ///
    /// # Panics
    /// If `l` is not a layer.
    pub fn bias(&self, l: usize) -> Range<usize> {
        self.slots[2 * l + 1].range.clone()
    }

    /// `(fan_in, fan_out)` of layer `l`.
    pub fn fans(&self, l: usize) -> (usize, usize) {
        (self.sizes[l], self.sizes[l + 1])
    }

    /// 1.0 at weights and 0.0 at biases: the mask of the L2 penalty, which spares biases.
    pub fn weight_mask(&self) -> Vec<f64> {
        let mut m = vec![0.0; self.len];
        for l in 0..self.layers() {
            m[self.weight(l)].fill(1.0);
        }
        m
    }

    /// Checks a flat vector's length.
    pub(crate) fn check_len(&self, got: usize) -> Result<(), NnError> {
        if got == self.len {
            Ok(())
        } else {
            Err(NnError::ParamLength {
                expected: self.len,
                got,
            })
        }
    }

    /// The named view: `layers.{l}.weight` (`[fan_in, fan_out]`) and `layers.{l}.bias`, in
    /// flat order.
    ///
    /// # Errors
    /// [`NnError::ParamLength`] if `flat` has the wrong length.
    ///
    /// ```
    /// # fn main() -> Result<(), hesse_nn::NnError> {
    /// let layout = hesse_nn::ParamLayout::new(&[2, 1]);
    /// let named = layout.to_named(&[1.0, 2.0, 3.0])?;
    /// assert_eq!(named["layers.0.weight"].shape, vec![2, 1]);
    /// assert_eq!(named["layers.0.bias"].data, vec![3.0]);
    /// assert_eq!(layout.from_named(&named)?, vec![1.0, 2.0, 3.0]);
    /// # Ok(()) }
    /// ```
    pub fn to_named(&self, flat: &[f64]) -> Result<IndexMap<String, ParamTensor>, NnError> {
        self.check_len(flat.len())?;
        Ok(self
            .slots
            .iter()
            .map(|s| {
                (
                    s.name(),
                    ParamTensor {
                        shape: s.shape.clone(),
                        data: flat[s.range.clone()].to_vec(),
                    },
                )
            })
            .collect())
    }

    /// The flat vector from a named view (any key order; every name present exactly with its
    /// shape).
    ///
    /// # Errors
    /// [`NnError::NamedParam`] for a missing or unknown name or a wrong shape or length.
    pub fn from_named(&self, named: &IndexMap<String, ParamTensor>) -> Result<Vec<f64>, NnError> {
        let mut flat = vec![0.0; self.len];
        for s in &self.slots {
            let name = s.name();
            let t = named.get(&name).ok_or_else(|| NnError::NamedParam {
                name: name.clone(),
                problem: "missing".into(),
            })?;
            if t.shape != s.shape || t.data.len() != s.range.len() {
                return Err(NnError::NamedParam {
                    name,
                    problem: format!(
                        "shape {:?} with {} values, expected shape {:?}",
                        t.shape,
                        t.data.len(),
                        s.shape
                    ),
                });
            }
            flat[s.range.clone()].copy_from_slice(&t.data);
        }
        if let Some(extra) = named.keys().find(|k| !self.slots.iter().any(|s| &s.name() == *k)) {
            return Err(NnError::NamedParam {
                name: extra.clone(),
                problem: "unknown for this network".into(),
            });
        }
        Ok(flat)
    }

    /// Converts a flat vector written in `packing` to hesse's order.
    ///
    /// # Errors
    /// [`NnError::ParamLength`] if the length is wrong.
    ///
    /// ```
    /// # fn main() -> Result<(), hesse_nn::NnError> {
    /// use hesse_nn::{Packing, ParamLayout};
    /// // A 2-2-1 net in W1's order [w00, w01, w10, w11, b0, b1, v0, v1, c], where row W[i]
    /// // holds hidden unit i's input weights (PyTorch's nn.Linear order).
    /// let layout = ParamLayout::new(&[2, 2, 1]);
    /// let theta = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0];
    /// let ours = layout.import(&theta, Packing::OutIn)?;
    /// // W₀[i][j] (input i → unit j) = W1's W[j][i]: the 2×2 block is transposed.
    /// assert_eq!(ours, vec![1.0, 3.0, 2.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
    /// assert_eq!(layout.export(&ours, Packing::OutIn)?, theta.to_vec());
    /// # Ok(()) }
    /// ```
    pub fn import(&self, flat: &[f64], packing: Packing) -> Result<Vec<f64>, NnError> {
        self.check_len(flat.len())?;
        let mut out = vec![0.0; self.len];
        let mut at = 0;
        let w_total: usize = (0..self.layers()).map(|l| self.weight(l).len()).sum();
        let mut b_at = w_total;
        for l in 0..self.layers() {
            let (fi, fo) = self.fans(l);
            let (w, b) = (self.weight(l), self.bias(l));
            match packing {
                Packing::InOut => {
                    out[w.start..b.end].copy_from_slice(&flat[at..at + fi * fo + fo]);
                    at += fi * fo + fo;
                }
                Packing::OutIn => {
                    for j in 0..fo {
                        for i in 0..fi {
                            out[w.start + i * fo + j] = flat[at + j * fi + i];
                        }
                    }
                    at += fi * fo;
                    out[b.clone()].copy_from_slice(&flat[at..at + fo]);
                    at += fo;
                }
                Packing::Sklearn => {
                    out[w.clone()].copy_from_slice(&flat[at..at + fi * fo]);
                    at += fi * fo;
                    out[b.clone()].copy_from_slice(&flat[b_at..b_at + fo]);
                    b_at += fo;
                }
            }
        }
        Ok(out)
    }

    /// Converts a flat vector in hesse's order to `packing` (the inverse of
    /// [`ParamLayout::import`]).
    ///
    /// # Errors
    /// [`NnError::ParamLength`] if the length is wrong.
    pub fn export(&self, flat: &[f64], packing: Packing) -> Result<Vec<f64>, NnError> {
        self.check_len(flat.len())?;
        let mut out = vec![0.0; self.len];
        let w_total: usize = (0..self.layers()).map(|l| self.weight(l).len()).sum();
        let (mut at, mut b_at) = (0, w_total);
        for l in 0..self.layers() {
            let (fi, fo) = self.fans(l);
            let (w, b) = (self.weight(l), self.bias(l));
            match packing {
                Packing::InOut => {
                    out[w.start..b.end].copy_from_slice(&flat[w.start..b.end]);
                }
                Packing::OutIn => {
                    for j in 0..fo {
                        for i in 0..fi {
                            out[at + j * fi + i] = flat[w.start + i * fo + j];
                        }
                    }
                    at += fi * fo;
                    out[at..at + fo].copy_from_slice(&flat[b.clone()]);
                    at += fo;
                }
                Packing::Sklearn => {
                    out[at..at + fi * fo].copy_from_slice(&flat[w.clone()]);
                    at += fi * fo;
                    out[b_at..b_at + fo].copy_from_slice(&flat[b.clone()]);
                    b_at += fo;
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packings_round_trip() {
        let layout = ParamLayout::new(&[3, 4, 2, 2]);
        let flat: Vec<f64> = (0..layout.len()).map(|i| i as f64 * 0.5 - 3.0).collect();
        for p in [Packing::InOut, Packing::OutIn, Packing::Sklearn] {
            let there = layout.export(&flat, p).unwrap();
            assert_eq!(layout.import(&there, p).unwrap(), flat, "{p:?}");
        }
        let sk = layout.export(&flat, Packing::Sklearn).unwrap();
        // sklearn: the three weight blocks first, then the biases.
        assert_eq!(&sk[..12], &flat[..12]);
        assert_eq!(&sk[12..20], &flat[16..24]);
    }

    #[test]
    fn named_errors() {
        let layout = ParamLayout::new(&[2, 2, 1]);
        let flat = vec![0.5; layout.len()];
        let mut named = layout.to_named(&flat).unwrap();
        assert_eq!(
            named.keys().cloned().collect::<Vec<_>>(),
            [
                "layers.0.weight",
                "layers.0.bias",
                "layers.1.weight",
                "layers.1.bias"
            ]
        );
        named.insert(
            "layers.9.bias".into(),
            ParamTensor {
                shape: vec![1],
                data: vec![0.0],
            },
        );
        assert!(matches!(
            layout.from_named(&named),
            Err(NnError::NamedParam { .. })
        ));
        named.shift_remove("layers.9.bias");
        named.get_mut("layers.1.weight").unwrap().shape = vec![1, 2];
        let e = layout.from_named(&named).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("parameter `layers.1.weight`: shape [1, 2]"),
            "{e}"
        );
        assert!(layout.to_named(&[0.0; 3]).is_err());
    }
}
