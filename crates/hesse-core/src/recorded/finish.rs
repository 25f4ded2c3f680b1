//! Finishing a recording: its replay programs compiled, its nodes read through their
//! canonical (CSE) nodes, its vector nodes placed in reused arena ranges, and the arena
//! ranges of the point, direction and results set for the replays.

use std::collections::HashSet;

#[cfg(feature = "rayon")]
use super::PARALLEL_MIN_DIM;
use super::{Nodes, RecordedFn};
use crate::exec::fast::Fast;
use crate::exec::passes::alias_reshapes;
use crate::exec::program::Programs;
use crate::exec::ranges::Ranges;
use crate::exec::{reuse, share};
use crate::ops::{Binary, Layout, Op};
use crate::tape::{Tape, TapeInner};

/// Runs the deferred kernels whose values the replays read but never compute: the nodes that
/// depend on none of the point, the data and the direction (constants, and what is made of
/// them alone), which keep their recorded values, and the comparisons, whose recorded
/// outcomes the replays check (`RecordedFn::branch_changed`). Every other node a replay reads
/// it computes first, so its deferred kernel never runs here.
fn evaluate_fixed(inner: &mut TapeInner, inputs: &[u32], data: &[u32], direction: &[u32]) {
    let mut varying = vec![false; inner.nodes.len()];
    for &i in inputs.iter().chain(data).chain(direction) {
        varying[i as usize] = true;
    }
    for i in 0..inner.nodes.len() {
        let node = &inner.nodes[i];
        varying[i] |= node.inputs.iter().any(|&j| varying[j as usize]);
        if !varying[i] || matches!(node.op, Op::Binary(Binary::Cmp(_))) {
            inner.force(i as u32);
        }
    }
    inner.deferring = false;
}

impl RecordedFn {
    pub(super) fn finish(tape: Tape, n: usize, nodes: Nodes) -> Self {
        let Nodes {
            inputs,
            data,
            output,
            grads,
            direction,
            hvp,
        } = nodes;
        evaluate_fixed(&mut tape.inner.borrow_mut(), &inputs, &data, &direction);
        // Repeated vector nodes are read through their first occurrence (`share.rs`); before
        // the reshapes are aliased, so that they alias the node that is computed.
        let shared = share::share_repeated(&mut tape.inner.borrow_mut());
        alias_reshapes(&mut tape.inner.borrow_mut());
        let to_first = |ids: Vec<u32>| -> Vec<u32> { ids.into_iter().map(|i| shared[i as usize]).collect() };
        let (grads, hvp, output) = (to_first(grads), to_first(hvp), shared[output as usize]);
        let (compares, progs) = {
            let inner = tape.inner.borrow();
            let compares: Vec<(u32, f64)> = inner
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| matches!(n.op, Op::Binary(Binary::Cmp(_))))
                .map(|(i, _)| (i as u32, inner.value(i as u32)[0]))
                .collect();
            let progs = Programs::compile(
                &inner, &inputs, &data, &direction, output, &grads, &hvp, &compares,
            );
            (compares, progs)
        };
        // Leaves keep their arena ranges (`exec/reuse.rs`): a datum written once stays.
        let data = {
            let inner = tape.inner.borrow();
            let node = |d: u32| &inner.nodes[d as usize];
            data.iter()
                .map(|&d| (node(d).offset, node(d).shape.clone()))
                .collect()
        };
        let mut f = RecordedFn {
            tape,
            n,
            inputs,
            data,
            output,
            grads,
            direction,
            hvp,
            compares,
            branch_changed: false,
            #[cfg(feature = "rayon")]
            parallel_min_dim: PARALLEL_MIN_DIM,
            progs,
        };
        // Reads go through the canonical (CSE) nodes.
        let canon = |ids: &mut Vec<u32>, c: &[u32]| ids.iter_mut().for_each(|i| *i = c[*i as usize]);
        canon(&mut f.grads, &f.progs.canon);
        canon(&mut f.hvp, &f.progs.canon);
        f.output = f.progs.canon[f.output as usize];
        f.compares
            .iter_mut()
            .for_each(|(i, _)| *i = f.progs.canon[*i as usize]);
        f.reuse_ranges();
        {
            let inner = f.tape.inner.borrow();
            let p = &mut f.progs;
            p.inputs = Ranges::of(&inner, &f.inputs);
            p.directions = Ranges::of(&inner, &f.direction);
            p.grads = Ranges::of(&inner, &f.grads);
            p.hvps = Ranges::of(&inner, &f.hvp);
            if let Some(reach) = &mut p.reach {
                reach.out_slots = p.hvps.0.iter().flat_map(|&(o, l)| o..o + l).collect();
            }
            p.output = inner.nodes[f.output as usize].offset;
            p.compares = f
                .compares
                .iter()
                .map(|&(i, v)| (inner.nodes[i as usize].offset, v))
                .collect();
            #[cfg(feature = "jit")]
            p.prepare_native(inner.values.len());
        }
        f
    }

    /// Places vector nodes in the arena ranges of nodes dead by then (`exec/reuse.rs`)
    /// and relocates the fused regions accordingly. The HVP comes first: a node's range is
    /// chosen for the cache of the first program listed that runs it (measured on W3, this
    /// order is as good for the gradient as the gradient first, and better for the HVP).
    fn reuse_ranges(&mut self) {
        let inner = self.tape.inner.get_mut();
        let p = &mut self.progs;
        let canon = |i: u32| {
            let mut id = p.canon[i as usize];
            while inner.nodes[id as usize].op == Op::Layout(Layout::Reshape) {
                id = inner.nodes[id as usize].inputs[0];
            }
            id
        };
        let cmp = self.compares.iter().map(|&(c, _)| c);
        let after =
            |roots: &[u32]| -> HashSet<u32> { roots.iter().copied().chain(cmp.clone()).map(canon).collect() };
        let mut grad_roots = self.grads.clone();
        grad_roots.push(self.output);
        let (value_after, grad_after, hvp_after) =
            (after(&[self.output]), after(&grad_roots), after(&self.hvp));
        // The Hessian's rows with structural zeros (`exec/reach.rs`) run the column program
        // unfused, in recording order, on the same arena. `hess_col` runs each fused region
        // where the plan puts it, which can be after nodes recorded later than its members:
        // two nodes never live at once there can be in recording order, where one would
        // overwrite the other before its last read. So that order constrains the ranges too.
        let reach: Vec<Fast> = p
            .reach
            .iter()
            .flat_map(|r| r.prog.iter().map(|&i| Fast::from(i)))
            .collect();
        let progs: [(&[Fast], &HashSet<u32>); 6] = [
            (&p.hvp, &hvp_after),
            (&p.grad, &grad_after),
            (&p.value, &value_after),
            (&p.hess_pre, &hvp_after),
            (&p.hess_col, &hvp_after),
            (&reach, &hvp_after),
        ];
        let moves: Vec<(usize, usize, usize)> = reuse::reuse(inner, &progs, &p.regions)
            .into_iter()
            .map(|(id, from, to)| (from, inner.nodes[id as usize].len(), to))
            .collect();
        if !moves.is_empty() {
            p.regions.iter_mut().for_each(|r| r.relocate(&moves));
        }
    }
}
