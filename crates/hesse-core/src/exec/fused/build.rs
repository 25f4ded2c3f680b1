//! The steps of one planned region: where each member reads its operands, which values
//! stay in temporaries and which are written to the arena (the ones read outside it).

use std::collections::{HashMap, HashSet};

use super::kind::{Kind, base, read_as_one};
use super::region::Region;
use super::step::{At, Dest, MAX_SUMS, MAX_TEMPS, Operand, Step, arena};
use crate::ops::Op;
use crate::tape::TapeInner;

/// The step of an elementwise (unary or binary) node reading `ins`.
fn elementwise_step(op: Op, ins: &[Operand], out: Dest) -> Step {
    match op {
        Op::Unary(op) => Step::Unary { op, x: ins[0], out },
        Op::Binary(op) => Step::Binary {
            op,
            a: ins[0],
            b: ins[1],
            out,
        },
        _ => unreachable!("elementwise nodes are unary or binary"),
    }
}

/// Steps of one region: operands, materialised outputs and temporaries.
pub(super) fn build(
    inner: &TapeInner,
    members: &[u32],
    kinds: &HashMap<u32, (Kind, usize)>,
    deps: &dyn Fn(u32) -> Vec<u32>,
    readers: &HashMap<u32, Vec<u32>>,
    roots: &HashSet<u32>,
    fixed: &dyn Fn(u32) -> bool,
) -> Option<Region> {
    let nodes = &inner.nodes;
    let m = kinds[&members[0]].1;
    if members.len() == 1 && !matches!(kinds[&members[0]].0, Kind::Scatter { .. }) {
        // A single kernel is as fast on its own (and a lone node may be a non-region one).
        return None;
    }
    let pos: HashMap<u32, usize> = members.iter().enumerate().map(|(k, &id)| (id, k)).collect();
    let outside = |id: u32| {
        roots.contains(&id)
            || readers
                .get(&id)
                .is_some_and(|r| r.iter().any(|x| !pos.contains_key(x)))
    };
    let last_use: HashMap<u32, usize> = members
        .iter()
        .map(|&id| {
            let last = readers
                .get(&id)
                .map(|r| r.iter().filter_map(|x| pos.get(x).copied()).max().unwrap_or(0))
                .unwrap_or(0);
            (id, last)
        })
        .collect();
    let offset = |id: u32| nodes[id as usize].offset;
    let mut at: HashMap<u32, Operand> = HashMap::new();
    let mut free: Vec<u16> = (0..MAX_TEMPS as u16).rev().collect();
    let mut steps = Vec::new();
    let mut sums = 0u8;
    for (k, &id) in members.iter().enumerate() {
        // A fixed node (one no replay changes, see `plan`) whose values are all the same (a
        // broadcast constant, such as the seed of a gradient) is read as one value: the
        // kernel computes the same op on the same numbers.
        let operand = |j: u32, at: &HashMap<u32, Operand>| -> Operand {
            at.get(&j).copied().unwrap_or_else(|| {
                if read_as_one(inner, j, fixed) {
                    Operand::Scalar(arena(offset(j)))
                } else {
                    Operand::Mem(arena(offset(j)))
                }
            })
        };
        let kind = kinds[&id].0;
        let dest = |free: &mut Vec<u16>| {
            if !outside(id) {
                if let Some(t) = free.pop() {
                    return Dest::Temp(t);
                }
            }
            Dest::Mem(arena(offset(id)))
        };
        match kind {
            Kind::Scatter { parts } => {
                let parts = parts.map(|(x, b, s)| (operand(x, &at), arena(offset(id) + b), s));
                steps.push(Step::Scatter { parts });
            }
            Kind::Sum => {
                let x = operand(base(inner, nodes[id as usize].inputs[0]), &at);
                steps.push(Step::Sum {
                    x,
                    out: arena(offset(id)),
                    acc: sums,
                });
                sums += 1;
            }
            Kind::Gather {
                src,
                base,
                stride,
                through: true,
            } => {
                // The elementwise node `src` on the gathered elements of its operands: one
                // operand gathered into a temporary (or, when none is free, into the
                // arena range of `src`, which is never materialised), the others single
                // values.
                let node = &nodes[src as usize];
                let mut scratch = None;
                let ins: Vec<Operand> = node
                    .inputs
                    .iter()
                    .map(|&j| {
                        let j = self::base(inner, j);
                        match operand(j, &at) {
                            Operand::Mem(a) if stride == 1 => Operand::Mem(At {
                                off: a.off + base,
                                ..a
                            }),
                            Operand::Mem(a) => {
                                let t = free.pop();
                                scratch = t;
                                let out = t.map_or(Dest::Mem(arena(offset(src))), Dest::Temp);
                                steps.push(Step::Gather {
                                    src: At {
                                        off: a.off + base,
                                        ..a
                                    },
                                    stride,
                                    out,
                                });
                                out.operand()
                            }
                            o => o,
                        }
                    })
                    .collect();
                let out = dest(&mut free);
                at.insert(id, out.operand());
                steps.push(elementwise_step(node.op, &ins, out));
                free.extend(scratch);
            }
            Kind::Gather {
                src, base, stride, ..
            } if stride == 1 && !outside(id) => {
                // A contiguous range is read in place.
                at.insert(id, Operand::Mem(arena(offset(src) + base)));
            }
            Kind::Gather {
                src, base, stride, ..
            } => {
                let out = dest(&mut free);
                at.insert(id, out.operand());
                steps.push(Step::Gather {
                    src: arena(offset(src) + base),
                    stride,
                    out,
                });
            }
            Kind::Elem => {
                let node = &nodes[id as usize];
                let ins: Vec<Operand> = node
                    .inputs
                    .iter()
                    .map(|&j| operand(base(inner, j), &at))
                    .collect();
                let out = dest(&mut free);
                at.insert(id, out.operand());
                steps.push(elementwise_step(node.op, &ins, out));
            }
        }
        // Temporaries whose last reader is this step are free again.
        for j in deps(id) {
            if let (Some(Operand::Temp(t)), Some(&last)) = (at.get(&j), last_use.get(&j)) {
                if last == k && !free.contains(t) {
                    free.push(*t);
                }
            }
        }
        // A temporary no member reads (only possible for a root, which is in the arena).
        if let Some(Operand::Temp(t)) = at.get(&id) {
            if !readers
                .get(&id)
                .is_some_and(|r| r.iter().any(|x| pos.contains_key(x)))
            {
                free.push(*t);
            }
        }
    }
    assert!(
        steps.iter().all(|s| match *s {
            Step::Sum { acc, .. } => (acc as usize) < MAX_SUMS,
            _ => true,
        }),
        "fused region: too many sums"
    );
    let temps = steps
        .iter()
        .flat_map(|s| match *s {
            Step::Unary { out, .. } | Step::Binary { out, .. } | Step::Gather { out, .. } => Some(out),
            _ => None,
        })
        .filter_map(|d| match d {
            Dest::Temp(t) => Some(t as usize + 1),
            Dest::Mem(_) => None,
        })
        .max()
        .unwrap_or(0);
    let region = Region::new(m, steps, temps);
    assert!(
        region.need[0] <= inner.values.len() && region.need[1..].iter().all(|&e| e == 0),
        "fused region: a step reaches beyond the arena"
    );
    Some(region)
}
