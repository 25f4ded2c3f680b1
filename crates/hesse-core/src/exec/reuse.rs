//! Arena ranges of dead vector nodes, reused by later ones.
//!
//! A recording's arena holds every node's values side by side, in the order the nodes were
//! recorded: a replay of W3's HVP writes some thirty arrays of 400 KB, each into memory it
//! has not touched since the previous replay, long evicted from the core's 1 MB second-level
//! cache. Every such store first fetches its cache line from the third level (a "read for
//! ownership"), which costs about as much again as the pass itself (measured in
//! BENCHMARKS.md, "Measured design decisions").
//!
//! So, once the replay programs are compiled, a vector node is placed in the range of a
//! node that no program reads any more by the time it is written, preferring the range
//! whose last reader ran most recently (most likely still in cache): the liveness of each
//! node is taken from the programs as they run (nodes, and fused regions as a whole), over
//! all the programs of the recording at once, since they share the arena.
//!
//! **Bit-for-bit.** Every kernel reads the same values and computes the same results; only
//! where some of them are kept changes, and a range is reused only after the last read of
//! its previous occupant in every program. Nodes whose values outlive a program (the
//! results, the comparisons, what the Hessian's column program reads from its prefix),
//! leaves, constants and nodes some program reads without writing them first keep their
//! own ranges.

use std::collections::{HashMap, HashSet};

use super::fast::Fast;
use crate::exec::fused::Region;
use crate::ops::{Layout, Op};
use crate::tape::TapeInner;

/// Smaller nodes keep their ranges (a few cache lines: nothing to gain).
const MIN_LEN: usize = 1024;

/// The accesses of one program, in the order it runs them: per instruction, the nodes it
/// reads and the nodes it writes (vector nodes only, reshapes resolved to what they alias).
type Trace = Vec<(Vec<u32>, Vec<u32>)>;

/// A program's trace; `owner` maps an arena position to the vector node whose range holds
/// it.
fn trace(
    inner: &TapeInner,
    prog: &[Fast],
    regions: &[Region],
    owner: &dyn Fn(usize) -> Option<u32>,
) -> Trace {
    let base = |mut id: u32| {
        while inner.nodes[id as usize].op == Op::Layout(Layout::Reshape) {
            id = inner.nodes[id as usize].inputs[0];
        }
        id
    };
    let vector = |id: &u32| !inner.nodes[*id as usize].shape.is_empty();
    prog.iter()
        .filter_map(|ins| match *ins {
            Fast::Node(id) => {
                let reads = inner.nodes[id as usize]
                    .inputs
                    .iter()
                    .map(|&j| base(j))
                    .filter(vector)
                    .collect();
                Some((reads, vec![id].into_iter().filter(vector).collect()))
            }
            Fast::Fused(k) => {
                let (mut reads, mut writes) = (Vec::new(), Vec::new());
                for (off, write) in regions[k as usize].arena_accesses() {
                    if let Some(id) = owner(off) {
                        if write { &mut writes } else { &mut reads }.push(id);
                    }
                }
                Some((reads, writes))
            }
            // Scalar instructions touch scalar nodes only.
            _ => None,
        })
        .collect()
}

/// Moves vector nodes into the ranges of dead ones (see the module docs), over the programs
/// `progs` (each with the nodes read after it has run). Returns the moves made, as
/// `(node, old offset, new offset)`; the nodes' offsets (and their reshapes') are updated,
/// the regions are not (the caller relocates them).
pub(crate) fn reuse(
    inner: &mut TapeInner,
    progs: &[(&[Fast], &HashSet<u32>)],
    regions: &[Region],
) -> Vec<(u32, usize, usize)> {
    // The nodes that own arena ranges (not reshapes, which alias), by offset.
    let mut owners: Vec<(usize, usize, u32)> = inner
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| !n.shape.is_empty() && n.op != Op::Layout(Layout::Reshape) && n.len() > 0)
        .map(|(i, n)| (n.offset, n.len(), i as u32))
        .collect();
    owners.sort_unstable();
    let owner = |off: usize| {
        let k = owners.partition_point(|&(o, _, _)| o <= off).checked_sub(1)?;
        let (o, l, id) = owners[k];
        (off < o + l).then_some(id)
    };
    let traces: Vec<Trace> = progs
        .iter()
        .map(|(p, _)| trace(inner, p, regions, &owner))
        .collect();

    // Each node's live interval per program (first write, last read; reads after the program
    // count as the end), and the nodes that may not move: read before written, or after.
    let mut live: Vec<HashMap<u32, (usize, usize)>> = Vec::new();
    let mut pinned: HashSet<u32> = HashSet::new();
    for (t, (_, after)) in traces.iter().zip(progs) {
        let mut iv: HashMap<u32, (usize, usize)> = HashMap::new();
        for (k, (reads, writes)) in t.iter().enumerate() {
            for &r in reads {
                match iv.get_mut(&r) {
                    Some(e) => e.1 = k,
                    None => drop(pinned.insert(r)),
                }
            }
            for &w in writes {
                iv.entry(w).or_insert((k, k));
            }
        }
        for (&id, e) in iv.iter_mut() {
            if after.contains(&id) {
                pinned.insert(id);
                e.1 = usize::MAX;
            }
        }
        live.push(iv);
    }
    let movable = |id: u32| {
        let n = &inner.nodes[id as usize];
        n.len() >= MIN_LEN
            && !pinned.contains(&id)
            && !n.op.is_leaf()
            && live.iter().any(|iv| iv.contains_key(&id))
    };
    let mut nodes: Vec<u32> = live
        .iter()
        .flat_map(|iv| iv.keys().copied())
        .filter(|&id| movable(id))
        .collect();
    nodes.sort_unstable();
    nodes.dedup();

    // Ranges in use: the node whose range it is, its length, and the intervals of the nodes
    // placed there, per program. A node goes to the range of its length free in every
    // program over its intervals whose occupants' last read is latest (in the first program
    // where it runs), else keeps its own.
    struct Range {
        owner: u32,
        len: usize,
        busy: Vec<Vec<(usize, usize)>>,
    }
    let mut ranges: Vec<Range> = Vec::new();
    let mut moves = Vec::new();
    for id in nodes {
        let len = inner.nodes[id as usize].len();
        let mine: Vec<Option<(usize, usize)>> = live.iter().map(|iv| iv.get(&id).copied()).collect();
        let free = |r: &Range| {
            r.len == len
                && mine
                    .iter()
                    .zip(&r.busy)
                    .all(|(m, busy)| m.is_none_or(|(w, e)| busy.iter().all(|&(bw, be)| e < bw || be < w)))
        };
        let first = mine
            .iter()
            .position(Option::is_some)
            .expect("a movable node runs");
        let recency = |r: &Range| {
            r.busy[first]
                .iter()
                .map(|b| b.1)
                .filter(|&e| e < mine[first].map_or(0, |m| m.0))
                .max()
        };
        let best = ranges.iter_mut().filter(|r| free(r)).max_by_key(|r| recency(r));
        let slot = match best {
            Some(r) => {
                let (from, to) = (
                    inner.nodes[id as usize].offset,
                    inner.nodes[r.owner as usize].offset,
                );
                moves.push((id, from, to));
                r
            }
            None => {
                ranges.push(Range {
                    owner: id,
                    len,
                    busy: vec![Vec::new(); live.len()],
                });
                ranges.last_mut().expect("just pushed")
            }
        };
        for (busy, m) in slot.busy.iter_mut().zip(&mine) {
            busy.extend(*m);
        }
    }
    for &(id, _, to) in &moves {
        inner.nodes[id as usize].offset = to;
    }
    crate::exec::passes::alias_reshapes(inner);
    moves
}

#[cfg(test)]
mod tests {
    use crate::RecordedFn;
    use crate::var::Var;

    /// A tanh network (bias rows, matrix products, a sigmoid head) over `rows` points, with
    /// h hidden units: its arrays of rows·h values are long enough to be placed anew.
    fn mlp(rows: usize, h: usize) -> (impl for<'t> Fn(Var<'t>) -> Var<'t> + Copy, usize) {
        let f = crate::vector::function(move |w| {
            let t = w.tape();
            let x: Vec<f64> = (0..2 * rows)
                .map(|i| ((i * 37 % 101) as f64 / 50.0) - 1.0)
                .collect();
            let y: Vec<f64> = (0..rows).map(|i| (i % 3 == 0) as u8 as f64).collect();
            let (xv, yv) = (t.constant(&x, &[rows, 2]), t.constant(&y, &[rows, 1]));
            let mut at = 0;
            let mut take = |n: usize| {
                at += n;
                w.slice(0, at - n, n)
            };
            let w1 = take(2 * h).reshape(&[2, h]);
            let b1 = take(h);
            let w2 = take(h * h).reshape(&[h, h]);
            let b2 = take(h);
            let w3 = take(h).reshape(&[h, 1]);
            let b3 = take(1);
            let h1 = (xv.matmul(w1) + b1).tanh();
            let h2 = (h1.matmul(w2) + b2).tanh();
            let q = (h2.matmul(w3) + b3).sigmoid();
            crate::loss::bce(q, yv) + (h2 * q).square().sum() / rows as f64
        });
        (f, 2 * h + h + h * h + h + h + 1)
    }

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter()
            .map(|x| if x.is_nan() { u64::MAX } else { x.to_bits() })
            .collect()
    }

    /// Replays of recordings whose nodes share ranges equal the eager tape bit for bit, at
    /// points other than the recorded one, with the programs run in every order (value,
    /// gradient, HVP, Hessian), so that no program finds its values overwritten by another.
    #[test]
    fn replays_with_shared_ranges_are_the_eager_results_bit_for_bit() {
        for (rows, h) in [(300, 10), (257, 7), (1000, 50)] {
            let (f, p) = mlp(rows, h);
            let at = |s: usize| -> Vec<f64> {
                (0..p)
                    .map(|i| (((i * 7 + s * 13) % 29) as f64 / 29.0 - 0.5) * 0.8)
                    .collect()
            };
            let mut rec = RecordedFn::new_vector(f, &at(0));
            let shared = {
                let inner = rec.tape.inner.borrow();
                let big: Vec<usize> = inner
                    .nodes
                    .iter()
                    .filter(|n| {
                        n.len() >= super::MIN_LEN
                            && n.op != crate::ops::Op::Layout(crate::ops::Layout::Reshape)
                    })
                    .map(|n| n.offset)
                    .collect();
                let distinct: std::collections::HashSet<usize> = big.iter().copied().collect();
                big.len() - distinct.len()
            };
            assert!(shared > 0, "{rows}×{h}: no node placed anew");
            for s in [1, 2, 3] {
                let (x, v) = (at(s), at(s + 10));
                let what = format!("{rows}×{h}, point {s}");
                assert_eq!(
                    bits(&crate::vector::hvp(f, &x, &v)),
                    bits(&rec.hvp(&x, &v)),
                    "{what}"
                );
                let (ev, eg) = crate::vector::value_and_grad(f, &x);
                let (rv, rg) = rec.value_and_grad(&x);
                assert_eq!((bits(&[ev]), bits(&eg)), (bits(&[rv]), bits(&rg)), "{what}");
                assert_eq!(bits(&[rec.value(&x)]), bits(&[ev]), "{what}");
                if p <= 200 {
                    let (eh, rh) = (crate::vector::hessian(f, &x), rec.hessian(&x));
                    assert_eq!(bits(eh.as_slice()), bits(rh.as_slice()), "{what}");
                }
                assert_eq!(
                    bits(&crate::vector::hvp(f, &x, &v)),
                    bits(&rec.hvp(&x, &v)),
                    "{what}"
                );
            }
        }
    }
}
