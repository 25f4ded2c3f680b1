//! The compile passes that turn a recording into its replay [`Programs`]: dead-node
//! elimination, constant folding, common-subexpression elimination of scalar nodes, aliased
//! reshapes, fused regions (see the module docs of [`crate::recorded`], "Replay programs").
//! None of them changes a bit of any result.

use std::collections::HashMap;

use crate::exec::fast::Fast;
use crate::exec::fused::{Bound, Piece};
use crate::exec::instr::Instr;
use crate::exec::lanes::Lanes;
use crate::exec::peephole;
use crate::exec::program::Programs;
use crate::exec::reach::Reach;
use crate::exec::slots::Slots;
use crate::ops::{Layout, Op};
use crate::tape::TapeInner;

impl Programs {
    /// Compiles the replay programs of a recording (see the module docs).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn compile(
        inner: &TapeInner,
        inputs: &[u32],
        data: &[u32],
        direction: &[u32],
        output: u32,
        grads: &[u32],
        hvp: &[u32],
        compares: &[(u32, f64)],
    ) -> Programs {
        let len = inner.nodes.len();
        // Which nodes change with the point (`on_x`) or with the HVP direction (`on_v`).
        let mut on_x = vec![false; len];
        let mut on_v = vec![false; len];
        // Data leaves change between replays like the point (never folded, never embedded
        // in native code), but are written only when the caller sets them, not per call.
        inputs.iter().chain(data).for_each(|&i| on_x[i as usize] = true);
        direction.iter().for_each(|&i| on_v[i as usize] = true);
        for (i, node) in inner.nodes.iter().enumerate() {
            for &j in &node.inputs {
                on_x[i] |= on_x[j as usize];
                on_v[i] |= on_v[j as usize];
            }
        }
        // A generic node reads its inputs by id, so a node a generic node reads is never
        // replaced by an equal one (it must be evaluated itself).
        let is_scalar_op = |node: &crate::tape::Node| {
            node.shape.is_empty()
                && matches!(node.op, Op::Unary(_) | Op::Binary(_))
                && node
                    .inputs
                    .iter()
                    .all(|&j| inner.nodes[j as usize].shape.is_empty())
        };
        let mut own = vec![false; len];
        for node in inner.nodes.iter().filter(|n| !is_scalar_op(n)) {
            node.inputs.iter().for_each(|&j| own[j as usize] = true);
        }
        // CSE over scalar unary/binary nodes: the canonical node of each.
        let mut canon: Vec<u32> = (0..len as u32).collect();
        let mut seen: HashMap<(String, u32, u32), u32> = HashMap::new();
        let mut key = String::new();
        for (i, node) in inner.nodes.iter().enumerate() {
            if !is_scalar_op(node) {
                continue;
            }
            let (a, b) = match node.inputs.as_slice() {
                [a] => (canon[*a as usize], u32::MAX),
                [a, b] => (canon[*a as usize], canon[*b as usize]),
                _ => continue,
            };
            key.clear();
            use std::fmt::Write;
            let _ = write!(key, "{:?}", node.op);
            match seen.entry((key.clone(), a, b)) {
                std::collections::hash_map::Entry::Occupied(e) if !own[i] => canon[i] = *e.get(),
                std::collections::hash_map::Entry::Occupied(_) => {}
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(i as u32);
                }
            }
        }
        // Dead-node elimination: what each set of roots needs, through canonical nodes.
        let needed = |roots: &[u32]| {
            let mut need = vec![false; len];
            for &r in roots.iter().chain(compares.iter().map(|(c, _)| c)) {
                need[canon[r as usize] as usize] = true;
            }
            for i in (0..len).rev() {
                if need[i] && canon[i] as usize == i {
                    for &j in &inner.nodes[i].inputs {
                        need[canon[j as usize] as usize] = true;
                    }
                }
            }
            need
        };
        let instr = |i: usize| -> Instr {
            let node = &inner.nodes[i];
            let slot = |j: u32| inner.nodes[canon[j as usize] as usize].offset as u32;
            let scalar = is_scalar_op(node);
            match node.op {
                Op::Unary(op) if scalar => Instr::Unary {
                    op,
                    x: slot(node.inputs[0]),
                    out: node.offset as u32,
                },
                Op::Binary(op) if scalar => Instr::Binary {
                    op,
                    a: slot(node.inputs[0]),
                    b: slot(node.inputs[1]),
                    out: node.offset as u32,
                },
                _ => Instr::Node(i as u32),
            }
        };
        assert!(
            inner.values.len() < u32::MAX as usize,
            "RecordedFn: arena too large for a replay program"
        );
        let program_ids = |roots: &[u32], keep: &dyn Fn(usize) -> bool| -> Vec<u32> {
            let need = needed(roots);
            (0..len)
                .filter(|&i| {
                    let op = inner.nodes[i].op;
                    // Reshapes read their input's values in place (`alias_reshapes`).
                    need[i]
                        && canon[i] as usize == i
                        && !op.is_leaf()
                        && op != Op::Layout(Layout::Reshape)
                        && keep(i)
                })
                .map(|i| i as u32)
                .collect()
        };
        let program = |roots: &[u32], keep: &dyn Fn(usize) -> bool| -> Vec<Instr> {
            program_ids(roots, keep)
                .into_iter()
                .map(|i| instr(i as usize))
                .collect()
        };
        let mut grad_roots = grads.to_vec();
        grad_roots.push(output);
        let hess_col = program(hvp, &|i| on_v[i]);
        // The Hessian's per-point prefix: what the HVP computes without the direction.
        let pre_prog = program(hvp, &|i| on_x[i] && !on_v[i]);
        let dir_slots = leaf_slots(inner, direction);
        let hvp_canon: Vec<u32> = hvp.iter().map(|&i| canon[i as usize]).collect();
        let lanes = Lanes::compile(inner, &hess_col, &dir_slots, &hvp_canon, dir_slots.len());
        // Over scalar inputs, the eager tape's rows reach less than the HVP's columns.
        let reach = (direction.len() > 1
            && direction
                .iter()
                .all(|&d| inner.nodes[d as usize].shape.is_empty()))
        .then(|| Reach {
            prog: hess_col.clone(),
            dir_slots: dir_slots.clone(),
            out_slots: Vec::new(),
        });
        // The slots read after each program has run, which fusion must keep writing: its
        // outputs and the comparisons, and for the Hessian's prefix what the columns read.
        let range = |i: u32| {
            let node = &inner.nodes[canon[i as usize] as usize];
            (node.offset as u32, (node.offset + node.len()) as u32)
        };
        let slots = |ids: &mut dyn Iterator<Item = u32>| Slots::of(ids.map(range));
        let cmp = || compares.iter().map(|&(c, _)| c);
        let value_out = slots(&mut cmp().chain([output]));
        let grad_out = slots(&mut cmp().chain(grad_roots.iter().copied()));
        let hvp_out = slots(&mut cmp().chain(hvp.iter().copied()));
        let one_slot = |s: u32| (s, s + 1);
        let pre_out = hvp_out.with(hess_col.iter().flat_map(|ins| -> Vec<(u32, u32)> {
            match *ins {
                Instr::Unary { x, .. } => vec![one_slot(x)],
                Instr::Binary { a, b, .. } => vec![one_slot(a), one_slot(b)],
                // A generic node (or a fused region made of such nodes) reads its inputs
                // from the arena: the prefix must leave them there, not in registers.
                Instr::Node(id) => inner.nodes[id as usize]
                    .inputs
                    .iter()
                    .map(|&j| range(j))
                    .collect(),
            }
        }));
        let fast = |p: Vec<Instr>, pinned: &Slots| peephole::compile(&p, &|s| pinned.contains(s));
        // Programs whose caller reads only `roots` (and the comparisons) afterwards: runs of
        // elementwise vector nodes become fused regions (`crate::exec::fused`); a program without
        // any region is all scalar or unfusable and gets the scalar fusions instead.
        // Their regions may also read the point (`x`) and the direction (`v`) from the caller's
        // buffers and write the vector result (`out`) into the caller's buffer.
        let mut regions = Vec::new();
        let one = |ids: &[u32]| match ids {
            [i] => Some(canon[*i as usize]),
            _ => None,
        };
        let (x_leaf, v_leaf) = (one(inputs), one(direction));
        let mut fused = |roots: &[u32],
                         keep: &dyn Fn(usize) -> bool,
                         pinned: &Slots,
                         (x, v, out): (Option<u32>, Option<u32>, Option<u32>)|
         -> (Vec<Fast>, Bound) {
            let ids = program_ids(roots, keep);
            let read: Vec<u32> = roots
                .iter()
                .chain(compares.iter().map(|(c, _)| c))
                .map(|&r| canon[r as usize])
                .collect();
            // Only nodes on neither the point nor the direction keep their recorded values in
            // every replay: the column program's inputs from the Hessian's prefix do not.
            let constant = |j: u32| !on_x[j as usize] && !on_v[j as usize];
            let mut pieces = crate::exec::fused::plan(inner, &ids, &read, &constant, &|j| canon[j as usize]);
            if pieces.iter().all(|p| matches!(p, Piece::Node(_))) {
                return (fast(program(roots, keep), pinned), Bound::default());
            }
            let bound = crate::exec::fused::bind(inner, &mut pieces, x, v, out);
            let prog = pieces
                .into_iter()
                .map(|p| match p {
                    Piece::Node(id) => Fast::from(instr(id as usize)),
                    Piece::Region(r) => {
                        regions.push(r);
                        Fast::Fused(regions.len() as u32 - 1)
                    }
                })
                .collect();
            (prog, bound)
        };
        // The all-scalar programs, kept for native compilation (`exec/jit.rs`).
        #[cfg(feature = "jit")]
        let scalar = {
            let keep = |p: Vec<Instr>, pinned: &Slots| {
                if p.iter().any(|i| matches!(i, Instr::Node(_))) {
                    return None;
                }
                Some((p, pinned.iter().collect()))
            };
            (
                [
                    keep(program(&[output], &|i| on_x[i]), &value_out),
                    keep(program(&grad_roots, &|i| on_x[i]), &grad_out),
                    keep(program(hvp, &|i| on_x[i] || on_v[i]), &hvp_out),
                    keep(pre_prog.clone(), &pre_out),
                    keep(hess_col.clone(), &hvp_out),
                ],
                inner
                    .nodes
                    .iter()
                    .enumerate()
                    .filter(|&(i, n)| n.shape.is_empty() && !on_x[i] && !on_v[i])
                    .map(|(_, n)| (n.offset as u32, inner.values[n.offset]))
                    .collect::<HashMap<u32, f64>>(),
            )
        };
        let (value, value_io) = fused(&[output], &|i| on_x[i], &value_out, (x_leaf, None, None));
        let (grad, grad_io) = fused(&grad_roots, &|i| on_x[i], &grad_out, (x_leaf, None, one(grads)));
        let (hvp_prog, hvp_io) = fused(hvp, &|i| on_x[i] || on_v[i], &hvp_out, (x_leaf, v_leaf, one(hvp)));
        // The Hessian's column program, over the arena only (no caller buffers).
        let (col_prog, _) = fused(hvp, &|i| on_v[i], &hvp_out, (None, None, None));
        Programs {
            value,
            grad,
            hvp: hvp_prog,
            regions,
            value_io,
            grad_io,
            hvp_io,
            hess_pre: fast(pre_prog, &pre_out),
            hess_col: col_prog,
            dir_slots,
            lanes,
            reach,
            canon,
            #[cfg(feature = "jit")]
            scalar: scalar.0,
            #[cfg(feature = "jit")]
            fixed: scalar.1,
            ..Programs::default()
        }
    }
}

/// Points every reshape node at its input's values. A reshape's values are its input's values
/// in the same order, so a replay never runs it: its readers read the input's slots, which
/// hold the same numbers whenever the input is up to date. (Inputs sit before their readers in
/// the arena, so kernels that split the arena at their output still see them.)
pub(crate) fn alias_reshapes(inner: &mut TapeInner) {
    for i in 0..inner.nodes.len() {
        if inner.nodes[i].op == Op::Layout(Layout::Reshape) {
            let x = inner.nodes[i].inputs[0] as usize;
            inner.nodes[i].offset = inner.nodes[x].offset;
        }
    }
}

/// Arena slots of the leaves `ids`, concatenated.
fn leaf_slots(inner: &TapeInner, ids: &[u32]) -> Vec<usize> {
    let mut out = Vec::new();
    for &id in ids {
        let n = &inner.nodes[id as usize];
        out.extend(n.offset..n.offset + n.len());
    }
    out
}
