//! Landscape slices through a point, as data ready for plotting: the loss along a direction
//! (an eigenvector, a random direction) and over a plane.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::model::{TwiceDifferentiable, norm};

/// `(t, f(x + t·d))` for each `t`.
///
/// ```
/// use hesse_core::RecordedFn;
/// let mut f = RecordedFn::new_vector(|w| w.square().sum(), &[0.0, 0.0]);
/// let s = hesse_critical::slice_1d(&mut f, &[0.0, 0.0], &[1.0, 0.0], &[-1.0, 0.0, 2.0]);
/// assert_eq!(s, vec![(-1.0, 1.0), (0.0, 0.0), (2.0, 4.0)]);
/// ```
///
/// # Panics
/// If `direction.len() != x.len()`.
#[track_caller]
pub fn slice_1d(
    model: &mut dyn TwiceDifferentiable,
    x: &[f64],
    direction: &[f64],
    ts: &[f64],
) -> Vec<(f64, f64)> {
    assert_eq!(
        x.len(),
        direction.len(),
        "slice_1d: point and direction lengths differ"
    );
    ts.iter()
        .map(|&t| {
            let p: Vec<f64> = x.iter().zip(direction).map(|(a, d)| a + t * d).collect();
            (t, model.value(&p))
        })
        .collect()
}

/// `f(x + s·d1 + t·d2)` on the grid `ss × ts`: `out[i][j]` is at `(ss[i], ts[j])`.
///
/// ```
/// use hesse_core::RecordedFn;
/// let mut f = RecordedFn::new_vector(|w| w.index(0) * w.index(1), &[0.0, 0.0]);
/// let g = hesse_critical::slice_2d(&mut f, &[0.0, 0.0], &[1.0, 0.0], &[0.0, 1.0], &[1.0, 2.0], &[3.0]);
/// assert_eq!(g, vec![vec![3.0], vec![6.0]]);
/// ```
///
/// # Panics
/// If a direction's length differs from the point's.
#[track_caller]
pub fn slice_2d(
    model: &mut dyn TwiceDifferentiable,
    x: &[f64],
    d1: &[f64],
    d2: &[f64],
    ss: &[f64],
    ts: &[f64],
) -> Vec<Vec<f64>> {
    assert!(
        x.len() == d1.len() && x.len() == d2.len(),
        "slice_2d: point and direction lengths differ"
    );
    ss.iter()
        .map(|&s| {
            ts.iter()
                .map(|&t| {
                    let p: Vec<f64> = (0..x.len()).map(|k| x[k] + s * d1[k] + t * d2[k]).collect();
                    model.value(&p)
                })
                .collect()
        })
        .collect()
}

/// A seeded random unit direction (Gaussian entries via Box–Muller, normalised).
///
/// ```
/// let d = hesse_critical::random_direction(5, 7);
/// assert!((d.iter().map(|a| a * a).sum::<f64>() - 1.0).abs() < 1e-12);
/// ```
pub fn random_direction(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut d: Vec<f64> = (0..n)
        .map(|_| {
            let (u1, u2): (f64, f64) = (rng.random_range(f64::EPSILON..1.0), rng.random());
            (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
        })
        .collect();
    let l = norm(&d);
    d.iter_mut().for_each(|a| *a /= l);
    d
}
