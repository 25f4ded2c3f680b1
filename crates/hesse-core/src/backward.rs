//! The reverse sweep, and the tape's gradients ([`Tape::grad`], [`Tape::vjp`]) that run it.
//! No op-specific code lives here: rules come from each op's own (dispatched by [`vjp`]). The sweep uses the
//! tape; the tape does not use it.
//!
//! The sweep visits only nodes on a path from some `wrt` input to the output, seeds the output
//! with the given cotangent, walks nodes in reverse order and accumulates each contribution
//! into one adjoint slot per node. Adjoints are `Var`s on the same tape, so the result is a
//! graph that can be differentiated again.

use smallvec::SmallVec;

use crate::ops::Op;
use crate::tape::Tape;
use crate::var::Var;

impl Tape {
    /// Tape-level gradient: the derivatives of the scalar `y` with respect to each of `wrt`,
    /// as nodes on this tape, so they can be differentiated again.
    ///
    /// # Panics
    /// If `y` is not a scalar, or a `Var` belongs to another tape.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let x = tape.var(2.0);
    /// let y = x.powi(3);
    /// let dy = tape.grad(y, &[x])[0];
    /// let d2y = tape.grad(dy, &[x])[0];
    /// assert_eq!((dy.value(), d2y.value()), (12.0, 12.0));
    /// ```
    #[track_caller]
    pub fn grad<'t>(&'t self, y: Var<'t>, wrt: &[Var<'t>]) -> Vec<Var<'t>> {
        assert!(
            y.shape().is_empty() || y.len() == 1,
            "grad: output must be a scalar, got shape {:?}",
            y.shape()
        );
        let seed = self.constant(&[1.0], &y.shape());
        sweep(self, y, wrt, seed)
    }

    /// Tape-level vector-Jacobian product: `seedᵀ · ∂y/∂x` for each `x` in `wrt`.
    ///
    /// # Panics
    /// If `seed`'s shape differs from `y`'s.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// let x = tape.vector(&[1.0, 2.0]);
    /// let y = x * x;
    /// let seed = tape.constant(&[1.0, 10.0], &[2]);
    /// assert_eq!(tape.vjp(y, &[x], seed)[0].to_vec(), vec![2.0, 40.0]);
    /// ```
    #[track_caller]
    pub fn vjp<'t>(&'t self, y: Var<'t>, wrt: &[Var<'t>], seed: Var<'t>) -> Vec<Var<'t>> {
        assert_eq!(
            y.shape(),
            seed.shape(),
            "vjp: seed shape {:?} differs from output shape {:?}",
            seed.shape(),
            y.shape()
        );
        sweep(self, y, wrt, seed)
    }
}

/// Cotangents of `wrt` for output `y` seeded with `seed` (same shape as `y`). Inputs that `y`
/// does not depend on get a zero constant of their shape.
fn sweep<'t>(tape: &'t Tape, y: Var<'t>, wrt: &[Var<'t>], seed: Var<'t>) -> Vec<Var<'t>> {
    // A free constant (`Var::constant`) as output: a constant of this tape, zero gradient.
    let (y, seed) = (y.onto(tape, "grad"), seed.onto(tape, "grad"));
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
            if let Some(c) = vjp(&op, k, g, &inputs, out) {
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

/// The contribution of the output cotangent `g` to input `k`, or `None` when it is zero.
fn vjp<'t>(op: &Op, k: usize, g: Var<'t>, inputs: &[Var<'t>], y: Var<'t>) -> Option<Var<'t>> {
    match op {
        Op::Input | Op::Constant => None,
        Op::Unary(u) => u.vjp(g, inputs[0], y),
        Op::Binary(b) => b.vjp(k, g, inputs[0], inputs[1], y),
        Op::Reduce(r) => r.vjp(g, inputs[0], y),
        Op::Linalg(l) => l.vjp(k, g, inputs),
        Op::Layout(l) => l.vjp(k, g, inputs),
        Op::Custom(c) => Some(c.vjp(g, inputs[0], y)),
    }
}
