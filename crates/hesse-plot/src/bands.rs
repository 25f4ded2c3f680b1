//! Filled contours as polygons: marching squares with oriented segments, so every iso-line is a
//! closed loop that knows which side is high.
//!
//! The sampled field (cell centres) is extended by one ring of nodes on the frame's edge (each
//! carrying the value of the nearest cell) and one more ring, at the same place, below every
//! level. The extra ring closes every iso-line along the frame, so a level's set `{g ≥ level}` is
//! bounded by closed loops, and filled regions reach the frame's edge instead of stopping half a
//! cell short. Segments are oriented with the high side on their left: a loop around a high
//! region runs counter-clockwise (positive area), one around a hole clockwise.
//!
//! Regions are then painted, not tiled: over a base of the lowest band, every loop is filled
//! with the band just inside it, larger loops first. Iso-lines of different levels never cross,
//! so a loop drawn later always lies inside the one it overlaps, and since each band is painted
//! over its neighbour there are no seams for the background to show through at any zoom
//! (tiles meeting edge to edge leave antialiasing seams).

use crate::grid::Grid;

/// A closed polygon (data coordinates, last point not repeated) filled with colour `band`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Region {
    pub(crate) ring: Vec<(f64, f64)>,
    pub(crate) band: usize,
}

/// The regions of `values` (grid storage order; NaN for "not drawn") cut at ascending `levels`,
/// in painting order. Band `k` holds the values in `[levels[k-1], levels[k])`; paint the frame
/// with band 0 first, then the regions in order. Non-finite values count as below every level.
pub(crate) fn filled_bands(grid: &Grid, values: &[f64], levels: &[f64]) -> Vec<Region> {
    let (Some(&first), Some(&last)) = (levels.first(), levels.last()) else {
        return Vec::new();
    };
    if !first.is_finite() || !last.is_finite() {
        return Vec::new();
    }
    let nodes = Nodes::new(grid, values, first - (last - first) - 1.0);
    let mut loops: Vec<(Loop, usize)> = Vec::new();
    for (m, &level) in levels.iter().enumerate() {
        for ring in nodes.loops_at(level) {
            let area = signed_area(&ring);
            // high inside: the band above this level; a hole: the band below
            let band = if area > 0.0 { m + 1 } else { m };
            // nested loops: high regions of higher levels lie inside, holes of lower ones
            let depth = if area > 0.0 { m as i64 } else { -(m as i64) };
            loops.push((Loop { ring, area, depth }, band));
        }
    }
    paint_order(loops)
}

/// The regions of a class map: the outer boundary of every connected region of every class,
/// filled with its class id, in painting order (islands after the regions around them).
pub(crate) fn class_regions(grid: &Grid, classes: &[usize]) -> Vec<Region> {
    let mut present: Vec<usize> = classes.to_vec();
    present.sort_unstable();
    present.dedup();
    let mut loops = Vec::new();
    for &c in &present {
        let indicator: Vec<f64> = classes.iter().map(|&k| f64::from(u8::from(k == c))).collect();
        let nodes = Nodes::new(grid, &indicator, -1.0);
        for ring in nodes.loops_at(0.5) {
            let area = signed_area(&ring);
            // a hole of one class is filled by the regions of the classes inside it
            if area > 0.0 {
                loops.push((Loop { ring, area, depth: 0 }, c));
            }
        }
    }
    paint_order(loops)
}

struct Loop {
    ring: Vec<(f64, f64)>,
    area: f64,
    /// Order among loops of equal area (the same ring at several levels): deeper last.
    depth: i64,
}

fn paint_order(mut loops: Vec<(Loop, usize)>) -> Vec<Region> {
    loops.sort_by(|(a, _), (b, _)| b.area.abs().total_cmp(&a.area.abs()).then(a.depth.cmp(&b.depth)));
    loops
        .into_iter()
        .map(|(l, band)| Region { ring: l.ring, band })
        .collect()
}

/// Shoelace area, summed from the smallest vertex so that equal rings give bit-equal areas
/// whichever vertex their tracing started at.
fn signed_area(ring: &[(f64, f64)]) -> f64 {
    let n = ring.len();
    let start = (0..n)
        .min_by(|&a, &b| {
            ring[a]
                .0
                .total_cmp(&ring[b].0)
                .then(ring[a].1.total_cmp(&ring[b].1))
        })
        .unwrap_or(0);
    let mut s = 0.0;
    for k in 0..n {
        let p = ring[(start + k) % n];
        let q = ring[(start + k + 1) % n];
        s += p.0 * q.1 - q.0 * p.1;
    }
    s / 2.0
}

/// The node lattice: cell centres, the edge ring and the low ring around it.
struct Nodes {
    xs: Vec<f64>,
    ys: Vec<f64>,
    v: Vec<f64>,
}

const NONE: u32 = u32::MAX;

impl Nodes {
    fn new(grid: &Grid, values: &[f64], low: f64) -> Self {
        let (nx, ny) = grid.resolution();
        let axis = |lo: f64, hi: f64, n: usize, centre: &dyn Fn(usize) -> f64| {
            let mut a = vec![lo, lo];
            a.extend((0..n).map(centre));
            a.extend([hi, hi]);
            a
        };
        let (x0, x1) = grid.x_range();
        let (y0, y1) = grid.y_range();
        let xs = axis(x0, x1, nx, &|i| grid.cell_center(i, 0).0);
        let ys = axis(y0, y1, ny, &|j| grid.cell_center(0, j).1);
        let (w, h) = (nx + 4, ny + 4);
        let mut v = vec![low; w * h];
        for jj in 1..h - 1 {
            for ii in 1..w - 1 {
                // the edge ring repeats the nearest cell
                let (i, j) = (ii.saturating_sub(2).min(nx - 1), jj.saturating_sub(2).min(ny - 1));
                let f = values.get(j * nx + i).copied().unwrap_or(f64::NAN);
                v[jj * w + ii] = if f.is_finite() { f } else { low };
            }
        }
        Self { xs, ys, v }
    }

    fn w(&self) -> usize {
        self.xs.len()
    }

    fn h(&self) -> usize {
        self.ys.len()
    }

    /// Horizontal edge (i, j)–(i+1, j).
    fn h_id(&self, i: usize, j: usize) -> usize {
        j * (self.w() - 1) + i
    }

    /// Vertical edge (i, j)–(i, j+1).
    fn v_id(&self, i: usize, j: usize) -> usize {
        (self.w() - 1) * self.h() + j * self.w() + i
    }

    fn edge_count(&self) -> usize {
        (self.w() - 1) * self.h() + self.w() * (self.h() - 1)
    }

    /// The two end nodes of an edge.
    fn ends(&self, id: usize) -> ((usize, usize), (usize, usize)) {
        let horizontal = (self.w() - 1) * self.h();
        if id < horizontal {
            let (i, j) = (id % (self.w() - 1), id / (self.w() - 1));
            ((i, j), (i + 1, j))
        } else {
            let k = id - horizontal;
            let (i, j) = (k % self.w(), k / self.w());
            ((i, j), (i, j + 1))
        }
    }

    fn value(&self, (i, j): (usize, usize)) -> f64 {
        self.v[j * self.w() + i]
    }

    /// Where `level` crosses edge `id` (linear interpolation between its nodes).
    fn crossing(&self, id: usize, level: f64) -> (f64, f64) {
        let (a, b) = self.ends(id);
        let (va, vb) = (self.value(a), self.value(b));
        let t = ((level - va) / (vb - va)).clamp(0.0, 1.0);
        let (pa, pb) = ((self.xs[a.0], self.ys[a.1]), (self.xs[b.0], self.ys[b.1]));
        (pa.0 + t * (pb.0 - pa.0), pa.1 + t * (pb.1 - pa.1))
    }

    /// The closed iso-lines of `level`, each with the high side on its left.
    fn loops_at(&self, level: f64) -> Vec<Vec<(f64, f64)>> {
        let mut next = vec![NONE; self.edge_count()];
        let mut starts = Vec::new();
        let high = |p: (usize, usize)| self.value(p) >= level;
        for j in 0..self.h() - 1 {
            for i in 0..self.w() - 1 {
                let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
                let hi = corners.map(high);
                if hi.iter().all(|&h| h) || hi.iter().all(|&h| !h) {
                    continue;
                }
                // edges in counter-clockwise order: bottom, right, top, left
                let edges = [
                    self.h_id(i, j),
                    self.v_id(i + 1, j),
                    self.h_id(i, j + 1),
                    self.v_id(i, j),
                ];
                // crossings met walking the cell's border counter-clockwise: (edge, leaves high)
                let crossings: Vec<(usize, bool)> = (0..4)
                    .filter(|&k| hi[k] != hi[(k + 1) % 4])
                    .map(|k| (edges[k], hi[k]))
                    .collect();
                let n = crossings.len();
                let centre_high = corners.iter().map(|&c| self.value(c)).sum::<f64>() / 4.0 >= level;
                for p in 0..n {
                    let (from, leaves) = crossings[p];
                    if !leaves {
                        continue;
                    }
                    // a segment runs from where the border leaves the high side to where it
                    // re-enters it: the next crossing, or at a saddle whose centre is low, the
                    // previous one (the high corners are cut off on their own)
                    let to = if n == 4 && !centre_high {
                        crossings[(p + n - 1) % n].0
                    } else {
                        crossings[(p + 1) % n].0
                    };
                    next[from] = to as u32;
                    starts.push(from);
                }
            }
        }
        let mut loops = Vec::new();
        for start in starts {
            if next[start] == NONE {
                continue;
            }
            let mut ring = Vec::new();
            let mut e = start;
            while next[e] != NONE {
                ring.push(self.crossing(e, level));
                let to = next[e] as usize;
                next[e] = NONE;
                e = to;
            }
            if ring.len() >= 3 {
                loops.push(ring);
            }
        }
        loops
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(r: &Region) -> f64 {
        signed_area(&r.ring).abs()
    }

    #[test]
    fn a_bowl_is_an_outer_ring_with_holes_painted_inwards() {
        let g = Grid::new((-2.0, 2.0), (-2.0, 2.0)).with_resolution(60, 60);
        let vals = g.sample(|x, y| x * x + y * y);
        let regions = filled_bands(&g, &vals, &[1.0, 2.0]);
        // level 1: the frame minus a disc; level 2: the frame minus a larger disc
        assert_eq!(regions.len(), 4);
        assert!((area(&regions[0]) - 16.0).abs() < 1e-9);
        assert_eq!((regions[0].band, regions[1].band), (1, 2));
        // then the holes, largest first: r² < 2 (band 1) before r² < 1 (band 0)
        assert_eq!((regions[2].band, regions[3].band), (1, 0));
        assert!((area(&regions[2]) - 2.0 * std::f64::consts::PI).abs() < 0.05);
        assert!((area(&regions[3]) - std::f64::consts::PI).abs() < 0.05);
    }

    #[test]
    fn a_ramp_fills_to_the_frame() {
        let g = Grid::new((0.0, 1.0), (0.0, 2.0)).with_resolution(10, 10);
        let vals = g.sample(|x, _| x);
        let regions = filled_bands(&g, &vals, &[0.5]);
        assert_eq!(regions.len(), 1);
        assert_eq!(regions[0].band, 1);
        assert!((area(&regions[0]) - 1.0).abs() < 1e-12, "{}", area(&regions[0]));
        assert!(regions[0].ring.iter().all(|p| p.0 >= 0.5 - 1e-12));
    }

    #[test]
    fn saddles_and_nan_give_closed_rings() {
        let g = Grid::new((-1.0, 1.0), (-1.0, 1.0)).with_resolution(31, 31);
        let vals = g.sample(|x, y| if x > 0.8 { f64::NAN } else { x * y });
        for r in filled_bands(&g, &vals, &[-0.2, 0.0, 0.2]) {
            assert!(r.ring.len() >= 3 && r.band <= 3);
            assert!(r.ring.iter().all(|p| p.0.abs() <= 1.0 && p.1.abs() <= 1.0));
        }
    }

    #[test]
    fn islands_of_a_class_map_come_after_their_surroundings() {
        let g = Grid::new((-1.0, 1.0), (-1.0, 1.0)).with_resolution(20, 20);
        let classes = g.sample(|x, y| usize::from(x * x + y * y < 0.25));
        let regions = class_regions(&g, &classes);
        assert_eq!(regions.iter().map(|r| r.band).collect::<Vec<_>>(), [0, 1]);
        assert!((area(&regions[0]) - 4.0).abs() < 1e-12);
    }
}
