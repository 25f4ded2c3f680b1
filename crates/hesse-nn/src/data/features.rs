//! Feature maps (seed 003, exercise 3b): extra columns such as sin x, cos x and monomials.
//!
//! [`expand`] concatenates the columns of several [`FeatureMap`]s, so
//! `[Identity, Sin]` turns `[x, y]` into `[x, y, sin x, sin y]`.

use hesse_core::Matrix;

use crate::NnError;
use crate::data::check_features;

/// A map from a sample's d features to new columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeatureMap {
    /// The features themselves.
    Identity,
    /// sin of each feature.
    Sin,
    /// cos of each feature.
    Cos,
    /// Every monomial of total degree 1 ..= d, in sklearn's `PolynomialFeatures` order
    /// (by degree, then lexicographic): for d = 2 on [x, y]: x, y, x², xy, y².
    Monomials(usize),
}

impl FeatureMap {
    /// The number of columns produced from `d` features.
    ///
    /// ```
    /// use hesse_nn::data::features::FeatureMap;
    /// assert_eq!(FeatureMap::Monomials(3).columns(2), 2 + 3 + 4);
    /// assert_eq!(FeatureMap::Sin.columns(2), 2);
    /// ```
    pub fn columns(self, d: usize) -> usize {
        match self {
            FeatureMap::Identity | FeatureMap::Sin | FeatureMap::Cos => d,
            FeatureMap::Monomials(deg) => monomial_indices(d, deg).len(),
        }
    }
}

/// The index multisets of all monomials of degree 1..=deg in `d` variables.
fn monomial_indices(d: usize, deg: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut current: Vec<Vec<usize>> = vec![vec![]];
    for _ in 0..deg {
        let mut next = Vec::new();
        for m in &current {
            let start = m.last().copied().unwrap_or(0);
            for j in start..d {
                let mut mm = m.clone();
                mm.push(j);
                next.push(mm);
            }
        }
        out.extend(next.iter().cloned());
        current = next;
    }
    out
}

/// The columns of every map in `maps`, side by side.
///
/// # Errors
/// [`NnError::EmptyData`] for no rows, columns or maps, [`NnError::NonFinite`], and
/// [`NnError::InvalidOption`] for `Monomials(0)`.
///
/// ```
/// # fn main() -> Result<(), hesse_nn::NnError> {
/// use hesse_core::Matrix;
/// use hesse_nn::data::features::{expand, FeatureMap};
/// let x = Matrix::new(1, 2, vec![2.0, 3.0]);
/// let z = expand(&x, &[FeatureMap::Monomials(2), FeatureMap::Sin])?;
/// assert_eq!(&z.as_slice()[..5], &[2.0, 3.0, 4.0, 6.0, 9.0]);
/// assert_eq!(z[(0, 5)], 2f64.sin());
/// # Ok(()) }
/// ```
pub fn expand(x: &Matrix, maps: &[FeatureMap]) -> Result<Matrix, NnError> {
    if maps.is_empty() || x.cols() == 0 {
        return Err(NnError::EmptyData {
            what: "no features or no feature maps",
        });
    }
    check_features(x, x.cols())?;
    if maps.contains(&FeatureMap::Monomials(0)) {
        return Err(NnError::invalid("monomial degree", 0, "a degree >= 1"));
    }
    let d = x.cols();
    let monos: Vec<Option<Vec<Vec<usize>>>> = maps
        .iter()
        .map(|m| match m {
            FeatureMap::Monomials(deg) => Some(monomial_indices(d, *deg)),
            _ => None,
        })
        .collect();
    let width: usize = maps.iter().map(|m| m.columns(d)).sum();
    let mut data = Vec::with_capacity(x.rows() * width);
    for r in 0..x.rows() {
        let row = x.row(r);
        for (m, mono) in maps.iter().zip(&monos) {
            match m {
                FeatureMap::Identity => data.extend_from_slice(row),
                FeatureMap::Sin => data.extend(row.iter().map(|v| v.sin())),
                FeatureMap::Cos => data.extend(row.iter().map(|v| v.cos())),
                FeatureMap::Monomials(_) => {
                    let idx = mono.as_ref().expect("computed above");
                    data.extend(idx.iter().map(|m| m.iter().map(|&j| row[j]).product::<f64>()));
                }
            }
        }
    }
    Ok(Matrix::new(x.rows(), width, data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cubic_monomials_in_sklearn_order() {
        let x = Matrix::new(1, 2, vec![2.0, 3.0]);
        let z = expand(&x, &[FeatureMap::Monomials(3)]).unwrap();
        // x, y, x², xy, y², x³, x²y, xy², y³
        assert_eq!(z.as_slice(), &[2., 3., 4., 6., 9., 8., 12., 18., 27.]);
        assert!(expand(&x, &[]).is_err());
        assert!(expand(&x, &[FeatureMap::Monomials(0)]).is_err());
    }
}
