//! Region planning: which nodes of a replay program run together as fused regions, in
//! which order with the nodes around them (a region runs at its start, so a node joins it
//! only if it reads nothing produced after that start).

use std::collections::{HashMap, HashSet};

use super::build::build;
use super::kind::{Kind, base, read_as_one};
use super::region::Piece;
use super::step::{MAX_SUMS, MIN_LEN};
use crate::ops::reduce::split_axis;
use crate::ops::{Binary, Layout, Op, Reduce};
use crate::tape::TapeInner;

/// The strided geometry `base + j·stride` (j < m) of a slice's source or a pad's target,
/// when it is one element per row or one contiguous range.
fn strided(in_shape: &[usize], axis: usize, start: usize, len_out: usize) -> Option<(usize, usize)> {
    let (outer, len_in, inner) = split_axis(in_shape, axis);
    if len_out * inner == 1 {
        // Slice: one element per row of the input, rows `len_in` apart.
        Some((start, len_in))
    } else if outer == 1 {
        Some((start * inner, 1))
    } else {
        None
    }
}

/// Pads `p`, `q` summed by `a`: the scatter parts, if the pads cover `a` exactly once.
fn scatter_parts(inner: &TapeInner, a: u32, p: u32, q: u32) -> Option<[(u32, usize, usize); 2]> {
    let out = &inner.nodes[a as usize];
    let mut parts = [(0u32, 0usize, 0usize); 2];
    let mut m = None;
    for (k, &pid) in [p, q].iter().enumerate() {
        let pad = &inner.nodes[pid as usize];
        let Op::Layout(Layout::Pad { axis, start }) = pad.op else {
            return None;
        };
        if pad.shape != out.shape {
            return None;
        }
        let x = &inner.nodes[pad.inputs[0] as usize];
        // As a pad's source, the input runs over `x.shape[axis]` of `out.shape[axis]`.
        let (outer, _, inner_len) = split_axis(&out.shape, axis);
        let len_in = x.shape[axis];
        let (b, s) = if len_in * inner_len == 1 {
            (start, out.shape[axis])
        } else if outer == 1 {
            (start * inner_len, 1)
        } else {
            return None;
        };
        let len = x.len();
        if *m.get_or_insert(len) != len {
            return None;
        }
        parts[k] = (pad.inputs[0], b, s);
    }
    // Each output position written exactly once.
    let m = m?;
    let total = out.len();
    if let Some(once) = covers_once_by_shape(&parts, m, total) {
        return once.then_some(parts);
    }
    let mut hit = vec![false; total];
    for &(_, b, s) in &parts {
        for j in 0..m {
            let at = b + j * s;
            if at >= total || hit[at] {
                return None;
            }
            hit[at] = true;
        }
    }
    hit.iter().all(|&h| h).then_some(parts)
}

/// Whether two runs of `m` positions (`b + j·s`, j < m) cover `0..total` exactly once, for
/// the shapes a pad pair takes (two halves, two interleaved columns, two single values),
/// without a pass over `total` positions; `None` for any other shape.
fn covers_once_by_shape(parts: &[(u32, usize, usize); 2], m: usize, total: usize) -> Option<bool> {
    let [(_, b0, s0), (_, b1, s1)] = *parts;
    let starts = (b0.min(b1), b0.max(b1));
    if total != 2 * m {
        return Some(false);
    }
    if m == 0 {
        return Some(true);
    }
    if m == 1 {
        return Some(starts == (0, 1));
    }
    match (s0, s1) {
        (1, 1) => Some(starts == (0, m)),
        (2, 2) => Some(starts == (0, 1)),
        _ => None,
    }
}

/// Splits a replay program (node ids in order) into nodes and fused regions. `roots` are the
/// nodes whose values the caller reads after the program has run. `constant` tells the nodes
/// whose values no replay changes (they depend on neither the point nor the direction).
///
/// **Only those may be read by value.** A node a region reads but does not compute is read
/// as one value when all its recorded values are equal (a broadcast seed: the same op on
/// the same numbers). That holds for a node no program replays, and for no other: the
/// Hessian's column program reads the nodes of its per-point prefix, which are not in the
/// column program but are recomputed at every point. Judging "keeps its recorded value" by
/// "not in this program" froze such a node at its recording (`exp(X·w)` recorded at w = 0,
/// all ones; the 0/½/1 mask of a `max` that one branch won everywhere at record time) and
/// gave wrong Hessians at every other point, while the HVP program, which computes these
/// nodes itself, was right (issue 15, item 2).
///
/// `canon` maps a node to the node a replay reads in its place (the programs' common
/// subexpression elimination of scalar nodes): a plain node depends on what it reads.
pub(crate) fn plan(
    inner: &TapeInner,
    prog: &[u32],
    roots: &[u32],
    constant: &dyn Fn(u32) -> bool,
    canon: &dyn Fn(u32) -> u32,
) -> Vec<Piece> {
    let nodes = &inner.nodes;
    let in_prog: HashSet<u32> = prog.iter().copied().collect();
    // Nodes that keep their recorded value: read here, never replayed by any program (a
    // node outside `prog` may still be recomputed by another one, see above), and not
    // leaves (inputs and the HVP direction are leaves that change).
    let fixed = |j: u32| {
        let op = nodes[j as usize].op;
        constant(j) && !in_prog.contains(&j) && !op.is_leaf() && op != Op::Layout(Layout::Reshape)
    };
    let roots: HashSet<u32> = roots.iter().map(|&r| base(inner, r)).collect();
    // What a node reads, through the scalar CSE: a scalar instruction reads the slot of the
    // canonical node of its input, and the input itself is in no program. Taken as it was
    // recorded, the input was "not after the open region", and an instruction reading a
    // value the region's sum feeds (`1 − tanh²` of a loss, CSE'd with the value's square)
    // was moved before the region, reading the previous replay's value.
    let reads = |id: u32| -> Vec<u32> {
        nodes[id as usize]
            .inputs
            .iter()
            .map(|&j| base(inner, canon(j)))
            .collect()
    };
    let mut readers: HashMap<u32, Vec<u32>> = HashMap::new();
    for &id in prog {
        for j in reads(id) {
            readers.entry(j).or_default().push(id);
        }
    }
    let only_reader =
        |p: u32, a: u32| !roots.contains(&p) && readers.get(&p).is_some_and(|r| r.iter().all(|&x| x == a));

    // Sums of two pads that become stores; their pads are absorbed.
    let mut absorbed: HashSet<u32> = HashSet::new();
    let mut kinds: HashMap<u32, (Kind, usize)> = HashMap::new();
    for &id in prog {
        let node = &nodes[id as usize];
        match node.op {
            Op::Binary(Binary::Add) => {
                let (p, q) = (node.inputs[0], node.inputs[1]);
                if p != q
                    && in_prog.contains(&p)
                    && in_prog.contains(&q)
                    && only_reader(p, id)
                    && only_reader(q, id)
                {
                    if let Some(parts) = scatter_parts(inner, id, p, q) {
                        let m = nodes[parts[0].0 as usize].len();
                        if m >= MIN_LEN {
                            let parts = parts.map(|(x, b, s)| (base(inner, x), b, s));
                            kinds.insert(id, (Kind::Scatter { parts }, m));
                            absorbed.extend([p, q]);
                            continue;
                        }
                    }
                }
            }
            Op::Layout(Layout::Slice { axis, start }) => {
                let x = base(inner, node.inputs[0]);
                let sx = &nodes[node.inputs[0] as usize].shape;
                if let Some((b, s)) = strided(sx, axis, start, node.shape[axis]) {
                    if node.len() >= MIN_LEN {
                        kinds.insert(
                            id,
                            (
                                Kind::Gather {
                                    src: x,
                                    base: b,
                                    stride: s,
                                    through: false,
                                },
                                node.len(),
                            ),
                        );
                    }
                }
                continue;
            }
            Op::Reduce(Reduce::SumTo) if node.len() == 1 => {
                let m = nodes[node.inputs[0] as usize].len();
                if m >= MIN_LEN {
                    kinds.insert(id, (Kind::Sum, m));
                }
                continue;
            }
            _ => {}
        }
        let m = node.len();
        let elementwise = match node.op {
            Op::Unary(_) => true,
            Op::Binary(_) => node.inputs.iter().all(|&j| {
                let n = nodes[j as usize].len();
                n == m || n == 1
            }),
            _ => false,
        };
        if elementwise && m >= MIN_LEN {
            kinds.insert(id, (Kind::Elem, m));
        }
    }
    // An elementwise node read only by gathers (such as the direction times the broadcast
    // seed, `1·v`, whose columns the HVP reads) is computed in the gathers instead, on the
    // gathered elements of its operands: the same op on the same numbers, and no pass over
    // the whole array. Its operands must hold as many values as it does or one value, and
    // at most one may need a gather of its own (a constant whose values are all equal is
    // read as one value, as in `build`).
    let uniform = |j: u32| read_as_one(inner, j, &fixed);
    for &id in prog {
        let node = &nodes[id as usize];
        let elementwise = matches!(kinds.get(&id), Some((Kind::Elem, _)))
            && reads(id).iter().all(|&j| {
                let n = nodes[j as usize].len();
                n == node.len() || n == 1
            });
        let gathers = || {
            readers.get(&id).is_some_and(|r| {
                r.iter().all(
                    |x| matches!(kinds.get(x), Some((Kind::Gather { src, through: false, .. }, _)) if *src == id),
                )
            })
        };
        // Operands absorbed themselves are not materialised either: one level only.
        if !elementwise
            || roots.contains(&id)
            || !gathers()
            || reads(id).iter().any(|j| absorbed.contains(j))
            || reads(id).into_iter().filter(|&j| !uniform(j)).count() > 1
        {
            continue;
        }
        for r in &readers[&id] {
            if let Some((Kind::Gather { through, .. }, _)) = kinds.get_mut(r) {
                *through = true;
            }
        }
        kinds.remove(&id);
        absorbed.insert(id);
    }
    // Pads absorbed into stores read their inputs through the store; gathers through an
    // elementwise node read its operands.
    let deps = |id: u32| -> Vec<u32> {
        match kinds.get(&id) {
            Some((Kind::Scatter { parts }, _)) => parts.iter().map(|p| p.0).collect(),
            Some((
                Kind::Gather {
                    src, through: true, ..
                },
                _,
            )) => reads(*src),
            Some((Kind::Gather { src, .. }, _)) => vec![*src],
            _ => reads(id),
        }
    };
    let mut readers: HashMap<u32, Vec<u32>> = HashMap::new();
    for &id in prog.iter().filter(|i| !absorbed.contains(i)) {
        for j in deps(id) {
            readers.entry(j).or_default().push(id);
        }
    }
    // A node of a kind run as a plain node after all (outside any region): with the nodes
    // it absorbed (the elementwise operand of a gather, the pads of a store), which nothing
    // else computes, in program order. Without them its kernel reads values no program
    // writes.
    let alone = |id: u32| -> Vec<u32> {
        let mut ids: Vec<u32> = nodes[id as usize]
            .inputs
            .iter()
            .map(|&j| base(inner, j))
            .filter(|j| absorbed.contains(j))
            .chain([id])
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };

    // Form regions greedily in program order.
    struct Open {
        piece: usize,
        m: usize,
        members: Vec<u32>,
        member_set: HashSet<u32>,
        /// Non-region nodes placed after the region's start.
        after: HashSet<u32>,
        /// Sums of the region, whose values exist only after it has run.
        sums: HashSet<u32>,
    }
    let mut pieces: Vec<Option<Piece>> = Vec::new();
    let mut groups: Vec<(usize, Vec<u32>)> = Vec::new();
    let mut open: Option<Open> = None;
    let close = |open: &mut Option<Open>, groups: &mut Vec<(usize, Vec<u32>)>| {
        if let Some(o) = open.take() {
            groups.push((o.piece, o.members));
        }
    };
    for &id in prog.iter().filter(|i| !absorbed.contains(i)) {
        let Some(&(kind, m)) = kinds.get(&id) else {
            match open.as_mut() {
                // Independent of the open region: runs before it, so that the region's later
                // members may still read it.
                Some(o)
                    if deps(id)
                        .iter()
                        .all(|j| !o.after.contains(j) && !o.member_set.contains(j)) =>
                {
                    pieces.insert(o.piece, Some(Piece::Node(id)));
                    o.piece += 1;
                }
                Some(o) => {
                    pieces.push(Some(Piece::Node(id)));
                    o.after.insert(id);
                }
                None => pieces.push(Some(Piece::Node(id))),
            }
            continue;
        };
        let d = deps(id);
        // Another length, independent of the open region: a plain node before the region,
        // which keeps the region open (a store must stay a region: its pads are absorbed).
        // A gather through an elementwise node runs that node first (`alone`): placed here
        // alone, it read values no program wrote.
        if let Some(o) = open.as_mut() {
            let apart = d
                .iter()
                .all(|j| !o.after.contains(j) && !o.member_set.contains(j));
            if o.m != m && apart && !matches!(kind, Kind::Scatter { .. }) {
                for k in alone(id) {
                    pieces.insert(o.piece, Some(Piece::Node(k)));
                    o.piece += 1;
                }
                continue;
            }
        }
        // A region runs element by element (a block, a tile at a time): a member may read
        // another member only at its own element. A gather reads its source (or, through an
        // elementwise node, that node's operands) at `base + j·stride`; where that source is
        // a member of the open region, it must be the position the member writes for element
        // j, or the gather would read a neighbour's value before the block or tile that
        // writes it has run (the gradient of `logsumexp(concat(sin w, w)[6..])`: its slice of
        // the concatenation's cotangent, stored in the same region, read 6 elements ahead).
        let same_element = |member: u32, b: usize, s: usize| match kinds.get(&member) {
            Some((Kind::Scatter { parts }, _)) => parts.iter().any(|&(_, pb, ps)| (pb, ps) == (b, s)),
            _ => (b, s) == (0, 1),
        };
        let joins = open.as_ref().is_some_and(|o| {
            o.m == m
                && d.iter().all(|j| !o.after.contains(j) && !o.sums.contains(j))
                && (!matches!(kind, Kind::Sum) || o.sums.len() < MAX_SUMS)
                && match kind {
                    Kind::Gather { base, stride, .. } => d
                        .iter()
                        .filter(|j| o.member_set.contains(j))
                        .all(|&j| same_element(j, base, stride)),
                    _ => true,
                }
        });
        if !joins {
            close(&mut open, &mut groups);
            pieces.push(None);
            open = Some(Open {
                piece: pieces.len() - 1,
                m,
                members: Vec::new(),
                member_set: HashSet::new(),
                after: HashSet::new(),
                sums: HashSet::new(),
            });
        }
        let o = open.as_mut().expect("open region");
        o.members.push(id);
        o.member_set.insert(id);
        if matches!(kind, Kind::Sum) {
            o.sums.insert(id);
        }
    }
    close(&mut open, &mut groups);

    // A group that does not become a region runs its nodes one by one, with the nodes they
    // absorbed (`alone`).
    let mut placed: Vec<Vec<Piece>> = pieces.into_iter().map(|p| p.into_iter().collect()).collect();
    for (piece, members) in groups {
        placed[piece] = match build(inner, &members, &kinds, &deps, &readers, &roots, &fixed) {
            Some(r) => vec![Piece::Region(r)],
            None => {
                let mut ids: Vec<u32> = members.iter().flat_map(|&id| alone(id)).collect();
                ids.sort_unstable();
                ids.dedup();
                ids.into_iter().map(Piece::Node).collect()
            }
        };
    }
    placed.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::{Piece, plan};
    use crate::Tape;
    use crate::ops::Op;

    /// The gradient of the W2 extended Rosenbrock (two column slices of a reshaped vector)
    /// becomes one region: the gathers, both elementwise chains, the sum and the store of
    /// the two pads (the seed's broadcast is a constant, read as one value).
    #[test]
    fn the_rosenbrock_gradient_is_one_region() {
        let tape = Tape::new();
        let x0: Vec<f64> = (0..1000).map(|i| if i % 2 == 0 { -1.2 } else { 1.0 }).collect();
        let x = tape.vector(&x0);
        let m = x.reshape(&[500, 2]);
        let (odd, even) = (m.slice(1, 0, 1), m.slice(1, 1, 1));
        let y = (100.0 * (even - odd.square()).square() + (1.0 - odd).square()).sum();
        let g = tape.grad(y, &[x])[0];
        let inner = tape.inner.borrow();
        // The nodes a replay runs: those depending on x, but reshapes (aliases) and leaves.
        let mut on_x = vec![false; inner.nodes.len()];
        on_x[x.idx() as usize] = true;
        let prog: Vec<u32> = (0..inner.nodes.len())
            .filter(|&i| {
                let node = &inner.nodes[i];
                on_x[i] |= node.inputs.iter().any(|&j| on_x[j as usize]);
                on_x[i] && !node.op.is_leaf() && node.op != Op::Layout(crate::ops::Layout::Reshape)
            })
            .map(|i| i as u32)
            .collect();
        let pieces = plan(&inner, &prog, &[g.idx(), y.idx()], &|j| !on_x[j as usize], &|j| j);
        let regions = pieces.iter().filter(|p| matches!(p, Piece::Region(_))).count();
        assert_eq!((pieces.len(), regions), (1, 1), "{pieces:?}");
    }
}
