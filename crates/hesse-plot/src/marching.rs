//! Marching squares: iso-lines of a sampled field, joined into polylines.
//!
//! The nodes are the grid's cell centres. A square whose four corners are finite is cut where the
//! level crosses its edges (linear interpolation); saddles are resolved by the centre average, so
//! lines never cross. Squares with a non-finite corner are skipped, leaving a gap instead of a
//! spike. Segments are chained through the edges they share, so each level becomes a handful of
//! polylines rather than thousands of two-point segments (smaller SVG, cleaner joins).

use std::collections::HashMap;

use crate::grid::Grid;

/// Polylines (in data coordinates) where `values` crosses `level`.
pub(crate) fn iso_lines(grid: &Grid, values: &[f64], level: f64) -> Vec<Vec<(f64, f64)>> {
    let (nx, ny) = grid.resolution();
    if nx < 2 || ny < 2 || values.len() != nx * ny || !level.is_finite() {
        return Vec::new();
    }
    let v = |i: usize, j: usize| values[j * nx + i];
    // edge ids: horizontal edge (i,j)-(i+1,j) and vertical edge (i,j)-(i,j+1)
    let h_id = |i: usize, j: usize| j * (nx - 1) + i;
    let v_id = |i: usize, j: usize| (nx - 1) * ny + j * nx + i;
    let lerp = |(i0, j0): (usize, usize), (i1, j1): (usize, usize)| {
        let (a, b) = (v(i0, j0), v(i1, j1));
        let t = ((level - a) / (b - a)).clamp(0.0, 1.0);
        let p0 = grid.cell_center(i0, j0);
        let p1 = grid.cell_center(i1, j1);
        (p0.0 + t * (p1.0 - p0.0), p0.1 + t * (p1.1 - p0.1))
    };

    let mut segs: Vec<[(usize, (f64, f64)); 2]> = Vec::new();
    for j in 0..ny - 1 {
        for i in 0..nx - 1 {
            let (bl, br, tr, tl) = (v(i, j), v(i + 1, j), v(i + 1, j + 1), v(i, j + 1));
            if !(bl.is_finite() && br.is_finite() && tr.is_finite() && tl.is_finite()) {
                continue;
            }
            let case = (bl >= level) as u8
                | ((br >= level) as u8) << 1
                | ((tr >= level) as u8) << 2
                | ((tl >= level) as u8) << 3;
            if case == 0 || case == 15 {
                continue;
            }
            let bottom = || (h_id(i, j), lerp((i, j), (i + 1, j)));
            let top = || (h_id(i, j + 1), lerp((i, j + 1), (i + 1, j + 1)));
            let left = || (v_id(i, j), lerp((i, j), (i, j + 1)));
            let right = || (v_id(i + 1, j), lerp((i + 1, j), (i + 1, j + 1)));
            let centre_high = (bl + br + tr + tl) / 4.0 >= level;
            match case {
                1 | 14 => segs.push([left(), bottom()]),
                2 | 13 => segs.push([bottom(), right()]),
                3 | 12 => segs.push([left(), right()]),
                4 | 11 => segs.push([right(), top()]),
                6 | 9 => segs.push([bottom(), top()]),
                7 | 8 => segs.push([left(), top()]),
                5 => {
                    if centre_high {
                        segs.push([bottom(), right()]);
                        segs.push([left(), top()]);
                    } else {
                        segs.push([left(), bottom()]);
                        segs.push([right(), top()]);
                    }
                }
                10 => {
                    if centre_high {
                        segs.push([left(), bottom()]);
                        segs.push([right(), top()]);
                    } else {
                        segs.push([bottom(), right()]);
                        segs.push([left(), top()]);
                    }
                }
                _ => {}
            }
        }
    }
    chain(&segs)
}

/// Joins segments that share an edge id into polylines.
fn chain(segs: &[[(usize, (f64, f64)); 2]]) -> Vec<Vec<(f64, f64)>> {
    let mut by_edge: HashMap<usize, Vec<usize>> = HashMap::new();
    for (k, s) in segs.iter().enumerate() {
        by_edge.entry(s[0].0).or_default().push(k);
        by_edge.entry(s[1].0).or_default().push(k);
    }
    let mut used = vec![false; segs.len()];
    let mut lines = Vec::new();
    for start in 0..segs.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let mut fwd = vec![segs[start][0].1, segs[start][1].1];
        let mut back = Vec::new();
        for (end, out) in [(segs[start][1].0, &mut fwd), (segs[start][0].0, &mut back)] {
            let mut edge = end;
            while let Some(&next) = by_edge.get(&edge).and_then(|ks| ks.iter().find(|&&k| !used[k])) {
                used[next] = true;
                let s = &segs[next];
                let far = if s[0].0 == edge { s[1] } else { s[0] };
                out.push(far.1);
                edge = far.0;
            }
        }
        back.reverse();
        back.extend(fwd);
        lines.push(back);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn circle_is_one_closed_line() {
        let g = Grid::new((-2.0, 2.0), (-2.0, 2.0)).with_resolution(41, 41);
        let vals = g.sample(|x, y| x * x + y * y);
        let lines = iso_lines(&g, &vals, 1.0);
        assert_eq!(lines.len(), 1);
        let l = &lines[0];
        let (a, b) = (l[0], l[l.len() - 1]);
        assert!((a.0 - b.0).abs() < 1e-12 && (a.1 - b.1).abs() < 1e-12, "closed");
        for p in l {
            let r = (p.0 * p.0 + p.1 * p.1).sqrt();
            assert!((r - 1.0).abs() < 0.01, "radius {r}");
        }
    }

    #[test]
    fn non_finite_corners_are_skipped() {
        let g = Grid::new((-1.0, 1.0), (-1.0, 1.0)).with_resolution(10, 10);
        let vals = g.sample(|x, y| if x > 0.5 { f64::NAN } else { x + y });
        let lines = iso_lines(&g, &vals, 0.0);
        assert!(!lines.is_empty());
        assert!(lines.iter().flatten().all(|p| p.0 <= 0.5));
        assert!(iso_lines(&g, &vals, f64::NAN).is_empty());
    }

    #[test]
    fn open_line_crosses_the_box() {
        let g = Grid::new((0.0, 1.0), (0.0, 1.0)).with_resolution(20, 20);
        let vals = g.sample(|x, _| x);
        let lines = iso_lines(&g, &vals, 0.5);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].iter().all(|p| (p.0 - 0.5).abs() < 1e-12));
        assert_eq!(lines[0].len(), 20);
    }
}
