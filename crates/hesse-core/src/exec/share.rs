//! Repeated vector nodes of a recording, shared.
//!
//! The rules of the reverse pass build their graphs from ordinary ops, and the HVP's second
//! pass differentiates the first pass's rules again, so a recording can hold the same
//! computation twice: W3's HVP recomputes `1 − h²` of both tanh layers (`square`, then
//! `rsub_scalar`) that the gradient has already made, and `1 − p` of the sigmoid three
//! times. Each is a full pass over 1000×50 values in every replay.
//!
//! Before the replay programs are compiled, a vector node with the same op, the same inputs
//! (after this rewrite) and the same shape as an earlier node is replaced by that node: its
//! readers read the earlier node instead, and dead-node elimination drops it. The earlier
//! node runs the same kernel on the same values, so every reader sees the same bits as
//! before. Scalar nodes are left to the programs' own common-subexpression elimination,
//! which covers the scalar unary and binary ops; scalar applications of a custom function
//! (`ops/custom/`), which it does not, are merged here, so that an expensive black box runs
//! once per distinct input (the rules of an HVP apply it to the same input several times).
//! Leaves and comparisons (whose outcomes a replay checks by node) are never merged.

use std::collections::HashMap;

use crate::ops::{Binary, Op};
use crate::tape::TapeInner;

/// Rewrites the inputs of every node to the first node of its kind and returns, for each
/// node, the node that now stands for it (itself when it is the first).
pub(crate) fn share_repeated(inner: &mut TapeInner) -> Vec<u32> {
    let len = inner.nodes.len();
    let mut canon: Vec<u32> = (0..len as u32).collect();
    let mut seen: HashMap<(String, Vec<u32>, Vec<usize>), u32> = HashMap::new();
    for i in 0..len {
        let node = &mut inner.nodes[i];
        for j in node.inputs.iter_mut() {
            *j = canon[*j as usize];
        }
        let node = &inner.nodes[i];
        let scalar_elsewhere = node.shape.is_empty() && !matches!(node.op, Op::Custom(_));
        if node.op.is_leaf() || scalar_elsewhere || matches!(node.op, Op::Binary(Binary::Cmp(_))) {
            continue;
        }
        // The op with its parameters; `{:?}` tells apart every pair of different f64
        // parameters except NaNs with different payloads, which are kept apart here. Custom
        // functions are told apart by identity, not by their names (two may share one).
        let mut op = format!("{:?}", node.op);
        if op.contains("NaN") {
            continue;
        }
        if let Op::Custom(c) = node.op {
            op += &format!("@{:#x}", c.identity());
        }
        let key = (op, node.inputs.to_vec(), node.shape.to_vec());
        match seen.entry(key) {
            std::collections::hash_map::Entry::Occupied(e) => canon[i] = *e.get(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(i as u32);
            }
        }
    }
    canon
}
