//! Polylines in pixels with the points that change nothing left out.
//!
//! Iso-lines and filled contours have a vertex on every grid edge they cross, most of them on
//! nearly straight stretches. SVG coordinates are whole pixels here, so a vertex within a
//! fraction of a pixel of the line through its neighbours only costs bytes: dropping those keeps
//! a contour map under a few hundred kB without changing a drawn pixel.

/// Largest distance, in pixels, of a dropped point from the segment that replaces it.
const TOLERANCE: f64 = 0.35;

/// `points` (pixels, as floats) reduced greedily: a run of points is replaced by one segment
/// while every point of the run stays within [`TOLERANCE`] of it; then rounded to whole pixels
/// without consecutive repeats. The first and last points are kept.
pub(crate) fn simplify(points: &[(f64, f64)]) -> Vec<(i32, i32)> {
    let mut kept: Vec<(f64, f64)> = Vec::with_capacity(points.len() / 4 + 2);
    if let Some(&first) = points.first() {
        kept.push(first);
    }
    let mut anchor = 0;
    let mut k = 1;
    while k < points.len() {
        let extendable = k + 1 < points.len()
            && (anchor + 1..=k).all(|m| distance(points[m], points[anchor], points[k + 1]) <= TOLERANCE);
        if !extendable {
            kept.push(points[k]);
            anchor = k;
        }
        k += 1;
    }
    let mut out: Vec<(i32, i32)> = Vec::with_capacity(kept.len());
    for (x, y) in kept {
        let p = (x.round() as i32, y.round() as i32);
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    out
}

/// Distance from `p` to the segment `a`–`b`.
fn distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    ((p.0 - a.0 - t * dx).powi(2) + (p.1 - a.1 - t * dy).powi(2)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straight_runs_become_one_segment() {
        let line: Vec<(f64, f64)> = (0..=100).map(|k| (k as f64, 2.0 * k as f64 + 0.1)).collect();
        assert_eq!(simplify(&line), vec![(0, 0), (100, 200)]);
    }

    #[test]
    fn corners_stay() {
        let l = [(0.0, 0.0), (5.0, 0.0), (10.0, 0.0), (10.0, 5.0), (10.0, 10.0)];
        assert_eq!(simplify(&l), vec![(0, 0), (10, 0), (10, 10)]);
        assert_eq!(simplify(&[]), Vec::<(i32, i32)>::new());
        assert_eq!(simplify(&[(1.2, 3.7)]), vec![(1, 4)]);
    }

    #[test]
    fn a_circle_keeps_its_shape() {
        let circle: Vec<(f64, f64)> = (0..=400)
            .map(|k| {
                let a = k as f64 / 400.0 * std::f64::consts::TAU;
                (100.0 + 80.0 * a.cos(), 100.0 + 80.0 * a.sin())
            })
            .collect();
        let s = simplify(&circle);
        assert!(s.len() < 120, "{}", s.len());
        for p in s {
            let r = ((p.0 as f64 - 100.0).powi(2) + (p.1 as f64 - 100.0).powi(2)).sqrt();
            assert!((r - 80.0).abs() < 1.0, "{r}");
        }
    }
}
