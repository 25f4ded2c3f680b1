//! The reverse sweep. No op-specific code lives here: rules come from [`crate::ops::vjp`].
//!
//! The sweep visits only nodes on a path from some `wrt` input to the output, seeds the output
//! with the given cotangent, walks nodes in reverse order and accumulates each contribution
//! into one adjoint slot per node. Adjoints are `Var`s on the same tape, so the result is a
//! graph that can be differentiated again.

use smallvec::SmallVec;

use crate::ops;
use crate::tape::Tape;
use crate::var::Var;

/// Cotangents of `wrt` for output `y` seeded with `seed` (same shape as `y`). Inputs that `y`
/// does not depend on get a zero constant of their shape.
pub(crate) fn vjp<'t>(tape: &'t Tape, y: Var<'t>, wrt: &[Var<'t>], seed: Var<'t>) -> Vec<Var<'t>> {
    for x in wrt {
        y.same_tape(x, "grad");
    }
    y.same_tape(&seed, "grad");
    {
        // Every handle must still name its node (not one released by a rewind).
        let inner = tape.inner.borrow();
        for v in wrt.iter().chain([&y, &seed]) {
            inner.node(v);
        }
    }
    let hi = y.idx() as usize;
    let Some(lo) = wrt.iter().map(|x| x.idx() as usize).min().filter(|&lo| lo <= hi) else {
        return wrt.iter().map(|x| tape.zeros(&x.shape())).collect();
    };
    let span = hi - lo + 1;

    // Which nodes in lo..=hi depend on some input in `wrt`.
    let mut reach = vec![false; span];
    for x in wrt {
        if (x.idx() as usize) <= hi {
            reach[x.idx() as usize - lo] = true;
        }
    }
    {
        let inner = tape.inner.borrow();
        for i in lo..=hi {
            if !reach[i - lo] {
                reach[i - lo] = inner.nodes[i]
                    .inputs
                    .iter()
                    .any(|&j| j as usize >= lo && reach[j as usize - lo]);
            }
        }
    }

    let mut adj: Vec<Option<Var<'t>>> = vec![None; span];
    adj[span - 1] = Some(seed);
    for i in (lo..=hi).rev() {
        let Some(g) = adj[i - lo] else { continue };
        if !reach[i - lo] {
            continue;
        }
        // The op and its inputs, without cloning the node (no allocation for ≤ 2 inputs).
        let (op, inputs, out) = {
            let inner = tape.inner.borrow();
            let node = &inner.nodes[i];
            let mut inputs: SmallVec<[Var<'t>; 2]> = SmallVec::new();
            for &j in &node.inputs {
                inputs.push(Var::from_raw(tape, j, inner.nodes[j as usize].epoch));
            }
            (node.op, inputs, Var::from_raw(tape, i as u32, node.epoch))
        };
        if op.is_leaf() {
            continue;
        }
        for (k, x) in inputs.iter().enumerate() {
            let j = x.idx() as usize;
            if j < lo || !reach[j - lo] {
                continue;
            }
            if let Some(c) = ops::vjp(&op, k, g, &inputs, out) {
                adj[j - lo] = Some(match adj[j - lo] {
                    Some(prev) => prev + c,
                    None => c,
                });
            }
        }
    }
    wrt.iter()
        .map(|x| {
            match (x.idx() as usize)
                .checked_sub(lo)
                .and_then(|k| adj.get(k).copied().flatten())
            {
                Some(g) => g,
                None => tape.zeros(&x.shape()),
            }
        })
        .collect()
}
