//! Seeded generators of 2-D classification data: Gaussian blobs, XOR, two spirals, circles.
//!
//! Every generator takes a `seed` for `StdRng::seed_from_u64` and returns `(x, labels)` with
//! `x` of shape [n, 2] and labels in `0..k`, classes in blocks (class 0's rows first), as seed
//! 002 stacks its clusters.

use std::f64::consts::PI;

use hesse_core::Matrix;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, StandardNormal};

use crate::NnError;

/// The means of seed 002's three clusters, in class order.
pub const SEED_002_MEANS: [[f64; 2]; 3] = [[-2.0, -2.0], [0.0, 2.0], [2.0, -2.0]];

fn normal(rng: &mut StdRng) -> f64 {
    StandardNormal.sample(rng)
}

/// Isotropic Gaussian clusters: `n_per_class` points around each center with standard
/// deviation `std` in every coordinate; class i is center i.
///
/// # Errors
/// [`NnError::EmptyData`] for no centers or `n_per_class == 0`, [`NnError::RaggedRows`] for
/// centers of different dimensions, [`NnError::InvalidOption`] for a negative or non-finite
/// `std`.
///
/// ```
/// # fn main() -> Result<(), hesse_nn::NnError> {
/// use hesse_nn::data::generate::gaussian_blobs;
/// let (x, y) = gaussian_blobs(&[[0.0, 0.0, 0.0], [5.0, 5.0, 5.0]], 0.5, 10, 1)?;
/// assert_eq!((x.rows(), x.cols(), y[10]), (20, 3, 1));
/// # Ok(()) }
/// ```
pub fn gaussian_blobs<C: AsRef<[f64]>>(
    centers: &[C],
    std: f64,
    n_per_class: usize,
    seed: u64,
) -> Result<(Matrix, Vec<usize>), NnError> {
    let centers = crate::data::matrix_from_rows(centers)?;
    if n_per_class == 0 {
        return Err(NnError::EmptyData {
            what: "n_per_class is 0",
        });
    }
    if !(std.is_finite() && std >= 0.0) {
        return Err(NnError::invalid("std", std, "a finite number >= 0"));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let d = centers.cols();
    let mut data = Vec::with_capacity(centers.rows() * n_per_class * d);
    let mut labels = Vec::with_capacity(centers.rows() * n_per_class);
    for c in 0..centers.rows() {
        for _ in 0..n_per_class {
            data.extend(centers.row(c).iter().map(|m| m + std * normal(&mut rng)));
            labels.push(c);
        }
    }
    Ok((Matrix::new(labels.len(), d, data), labels))
}

/// Seed 002's data: three clusters with means (−2, −2), (0, 2), (2, −2) (classes 0, 1, 2) and
/// covariance `std² · I` (the seed uses `std = 1`), `n_per_class` points each (the seed: 100).
///
/// ```
/// let (x, y) = hesse_nn::data::generate::blobs(100, 1.0, 123);
/// assert_eq!((x.rows(), y[0], y[150], y[299]), (300, 0, 1, 2));
/// ```
pub fn blobs(n_per_class: usize, std: f64, seed: u64) -> (Matrix, Vec<usize>) {
    let n = n_per_class.max(1);
    let std = if std.is_finite() { std.abs() } else { 1.0 };
    gaussian_blobs(&SEED_002_MEANS, std, n, seed).expect("valid by construction")
}

/// The four XOR points: (0,0)→0, (0,1)→1, (1,0)→1, (1,1)→0.
///
/// ```
/// let (x, y) = hesse_nn::data::generate::xor4();
/// assert_eq!(x.row(2), &[1.0, 0.0]);
/// assert_eq!(y, vec![0, 1, 1, 0]);
/// ```
pub fn xor4() -> (Matrix, Vec<usize>) {
    (
        Matrix::new(4, 2, vec![0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0]),
        vec![0, 1, 1, 0],
    )
}

/// Noisy XOR: `n` points, a quarter around each corner (±1, ±1) with Gaussian noise of
/// standard deviation `noise`; label 1 where the corner's coordinates have opposite signs.
/// Class 0's points come first.
///
/// ```
/// let (x, y) = hesse_nn::data::generate::xor(200, 0.2, 0);
/// assert_eq!((x.rows(), y.iter().filter(|&&c| c == 1).count()), (200, 100));
/// ```
pub fn xor(n: usize, noise: f64, seed: u64) -> (Matrix, Vec<usize>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let corners = [[1.0, 1.0], [-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0]];
    let mut data = Vec::with_capacity(2 * n);
    let mut labels = Vec::with_capacity(n);
    // Corners 0, 1 are class 0; 2, 3 class 1. Point i goes to corner ⌊4i/n⌋ so classes are
    // in blocks and balanced.
    for i in 0..n {
        let c = (4 * i / n.max(1)).min(3);
        for m in corners[c] {
            data.push(m + noise * normal(&mut rng));
        }
        labels.push(c / 2);
    }
    (Matrix::new(n, 2, data), labels)
}

/// Two interleaved spirals of `n_per_class` points each, 1.5 turns out to radius 1, plus
/// Gaussian noise of standard deviation `noise`; class 1 is class 0 rotated by π.
///
/// ```
/// let (x, y) = hesse_nn::data::generate::two_spirals(50, 0.0, 3);
/// assert_eq!((x.rows(), y[49], y[50]), (100, 0, 1));
/// assert!(x.as_slice().iter().all(|v| v.abs() <= 1.0 + 1e-12));
/// ```
pub fn two_spirals(n_per_class: usize, noise: f64, seed: u64) -> (Matrix, Vec<usize>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let turns = 3.0 * PI;
    let mut data = Vec::with_capacity(4 * n_per_class);
    let mut labels = Vec::with_capacity(2 * n_per_class);
    for class in 0..2 {
        let sign = if class == 0 { 1.0 } else { -1.0 };
        for _ in 0..n_per_class {
            let t: f64 = rng.random::<f64>().sqrt() * turns;
            let r = t / turns;
            data.push(sign * r * t.cos() + noise * normal(&mut rng));
            data.push(sign * r * t.sin() + noise * normal(&mut rng));
            labels.push(class);
        }
    }
    (Matrix::new(labels.len(), 2, data), labels)
}

/// Two concentric circles (sklearn's `make_circles`, unshuffled): ⌈n/2⌉ points on the unit
/// circle (class 0), the rest on a circle of radius `factor` (class 1), at evenly spaced
/// angles, plus Gaussian noise of standard deviation `noise`.
///
/// ```
/// let (x, y) = hesse_nn::data::generate::circles(100, 0.5, 0.0, 0);
/// assert!((x.row(0)[0] - 1.0).abs() < 1e-15);
/// assert!((x.row(50)[0] - 0.5).abs() < 1e-15 && y[50] == 1);
/// ```
pub fn circles(n: usize, factor: f64, noise: f64, seed: u64) -> (Matrix, Vec<usize>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let n_out = n.div_ceil(2);
    let n_in = n - n_out;
    let mut data = Vec::with_capacity(2 * n);
    let mut labels = Vec::with_capacity(n);
    for (class, count, radius) in [(0, n_out, 1.0), (1, n_in, factor)] {
        for i in 0..count {
            let a = 2.0 * PI * i as f64 / count as f64;
            data.push(radius * a.cos() + noise * normal(&mut rng));
            data.push(radius * a.sin() + noise * normal(&mut rng));
            labels.push(class);
        }
    }
    (Matrix::new(n, 2, data), labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_have_the_seed_means() {
        let (x, y) = blobs(2000, 1.0, 7);
        for (c, mean) in SEED_002_MEANS.iter().enumerate() {
            let rows: Vec<usize> = (0..x.rows()).filter(|&r| y[r] == c).collect();
            for (j, m) in mean.iter().enumerate() {
                let avg = rows.iter().map(|&r| x[(r, j)]).sum::<f64>() / rows.len() as f64;
                assert!((avg - m).abs() < 0.1, "class {c} coord {j}: {avg}");
            }
        }
        assert_eq!(blobs(5, 1.0, 1), blobs(5, 1.0, 1));
        assert!(gaussian_blobs(&[vec![0.0], vec![1.0, 2.0]], 1.0, 3, 0).is_err());
    }
}
