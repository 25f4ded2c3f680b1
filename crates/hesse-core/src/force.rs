//! Reading a deferring tape: the deferred kernels a read needs, run node by node or as fused
//! regions.
//!
//! A recording's tape and the eager transforms' scratch tapes defer their vector kernels
//! (`record.rs`). A read ([`Var::to_vec`](crate::Var::to_vec), a comparison, the end of a
//! transform) runs what its values need: the unevaluated ancestors, in tape order. When they
//! hold at least [`crate::eager::min_values`] values they run as the replays' fused regions
//! (`exec/fused`, same kernels, same bits): planned for these nodes with the read ones as the
//! results, the nodes outside as fixed values. A region writes to the arena only what is read
//! outside it, so only the read nodes and the nodes run by their own kernel are marked
//! evaluated afterwards; the rest stay deferred and run again if ever read.

use std::collections::HashSet;

use crate::exec::fused::{self, Io, Piece};
use crate::ops::{Layout, Op};
use crate::tape::TapeInner;

impl TapeInner {
    /// Runs the deferred kernels that node `id`'s values need, so that
    /// [`TapeInner::value`] can read it.
    pub fn force(&mut self, id: u32) {
        if !self.nodes[id as usize].ready {
            self.force_roots(&[id]);
        }
    }

    /// [`TapeInner::force`] for several nodes read together (a value and its gradient): one
    /// plan, so that their shared ancestors run once.
    pub fn force_roots(&mut self, roots: &[u32]) {
        let due = self.pending(roots);
        if due.is_empty() {
            return;
        }
        let values: usize = due.iter().map(|&j| self.nodes[j as usize].len()).sum();
        if crate::eager::min_values().is_some_and(|min| values >= min) && self.force_fused(&due, roots) {
            return;
        }
        // (A fused attempt that formed no region may have run some of them already.)
        for j in due {
            if !self.nodes[j as usize].ready {
                self.evaluate(j as usize);
                self.nodes[j as usize].ready = true;
            }
        }
    }

    /// Runs `due` (pending, in tape order) as fused regions and nodes, and marks `roots` and
    /// the nodes run alone evaluated; `false` (nothing run) when no region forms.
    fn force_fused(&mut self, due: &[u32], roots: &[u32]) -> bool {
        let due_set: HashSet<u32> = due.iter().copied().collect();
        // A node whose every input a region would read as one value runs first, by its own
        // kernel: an evaluated scalar, an evaluated node whose values are all equal
        // (`read_as_one`), such as a broadcast of one value (the seed of a gradient), or a node
        // made of those. A region streams at least one operand per step (in a replay every
        // node of a program reads the point or the direction), and these would have none;
        // run, they are fixed nodes the regions read as one value instead of streaming them.
        let mut solo: HashSet<u32> = HashSet::new();
        let evaluated_fixed = |nodes: &[crate::tape::Node], j: u32| {
            let op = nodes[j as usize].op;
            nodes[j as usize].ready && !op.is_leaf() && op != Op::Layout(Layout::Reshape)
        };
        for &j in due {
            let node = &self.nodes[j as usize];
            if node.ready || node.aliases_input(&self.nodes) {
                continue;
            }
            let one_valued = node.inputs.iter().all(|&k| {
                let b = self.holder(k);
                solo.contains(&b)
                    || (self.nodes[b as usize].ready
                        && fused::read_as_one(self, b, &|i| evaluated_fixed(&self.nodes, i)))
            });
            if one_valued {
                self.evaluate(j as usize);
                self.nodes[j as usize].ready = true;
                solo.insert(j);
            }
        }
        // Reshapes on a deferring tape hold their input's values in place: no kernel.
        let prog: Vec<u32> = due
            .iter()
            .copied()
            .filter(|&j| !self.nodes[j as usize].aliases_input(&self.nodes) && !solo.contains(&j))
            .collect();
        let read: Vec<u32> = roots.iter().map(|&r| self.holder(r)).collect();
        let fixed = |j: u32| !due_set.contains(&j) || solo.contains(&j);
        let pieces = fused::plan(self, &prog, &read, &fixed, &|j| j);
        if pieces.iter().all(|p| matches!(p, Piece::Node(_))) {
            return false;
        }
        for piece in &pieces {
            match piece {
                Piece::Node(id) => {
                    self.evaluate(*id as usize);
                    self.nodes[*id as usize].ready = true;
                }
                Piece::Region(r) => r.run(&mut self.values, &mut Io::none()),
            }
        }
        for &r in roots.iter().chain(&read) {
            self.nodes[r as usize].ready = true;
        }
        true
    }
}

impl crate::Tape {
    /// Runs together what the values of `vars` need ([`TapeInner::force_roots`]), before they
    /// are read one by one.
    pub(crate) fn force_vars(&self, vars: &[crate::Var<'_>]) {
        let roots: Vec<u32> = vars.iter().map(|v| v.idx()).collect();
        self.inner.borrow_mut().force_roots(&roots);
    }
}
