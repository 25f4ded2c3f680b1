//! Binding regions to the caller's buffers: a replay's point, direction and result read and
//! written in place of their arena ranges, so that a replay copies none of them (at n =
//! 10,000 these copies are a fifth of an HVP).

use super::kind::base;
use super::region::Piece;
use super::step::{ARENA, At};
use crate::tape::TapeInner;

/// The caller's buffers of one replay: the point, the direction and the result, which the
/// regions bound to them (see [`bind`]) read and write in place of the arena ranges of the
/// input leaf, the direction leaf and the result node. Regions not bound ignore them.
pub(crate) struct Io<'a> {
    pub(crate) x: &'a [f64],
    pub(crate) v: &'a [f64],
    pub(crate) out: &'a mut [f64],
}

impl Io<'_> {
    /// No caller buffers: every region reads and writes the arena only.
    pub(crate) fn none() -> Io<'static> {
        Io {
            x: &[],
            v: &[],
            out: &mut [],
        }
    }
}

/// Which caller buffers a program's regions are bound to (see [`bind`]); the others are
/// copied into the arena before the program runs, and the result out of it after.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Bound {
    pub(crate) x: bool,
    pub(crate) v: bool,
    pub(crate) out: bool,
}

/// Binds the regions of a fused program to the caller's buffers, so that a replay neither
/// copies the point and the direction into the arena nor the result out of it (at n =
/// 10,000 these copies are a fifth of an HVP): the regions read the input leaf `x` and the
/// direction leaf `v` from the caller's point and direction, and write the result node
/// `out` straight into the caller's buffer. Each is bound only if no instruction outside
/// the regions reads it (it reads the arena), and the result only if a region writes it
/// (it is then written whole: a region writes a node's whole range). Vector nodes only.
///
/// Bit-for-bit: the same steps run on the same numbers; only where they live changes.
pub(crate) fn bind(
    inner: &TapeInner,
    pieces: &mut [Piece],
    x: Option<u32>,
    v: Option<u32>,
    out: Option<u32>,
) -> Bound {
    let nodes = &inner.nodes;
    let range = |id: u32| {
        let n = &nodes[id as usize];
        n.offset..n.offset + n.len()
    };
    let vector = |id: u32| !nodes[id as usize].shape.is_empty();
    // Whether an instruction outside the regions reads or writes the node.
    let used_outside = |id: u32| {
        pieces.iter().any(|p| match p {
            Piece::Node(k) => *k == id || nodes[*k as usize].inputs.iter().any(|&j| base(inner, j) == id),
            Piece::Region(_) => false,
        })
    };
    let regions = || {
        pieces.iter().filter_map(|p| match p {
            Piece::Region(r) => Some(r),
            Piece::Node(_) => None,
        })
    };
    let x = x
        .map(|i| base(inner, i))
        .filter(|&i| vector(i) && !used_outside(i));
    let v = v
        .map(|i| base(inner, i))
        .filter(|&i| vector(i) && !used_outside(i));
    let out = out
        .map(|i| base(inner, i))
        .filter(|&i| vector(i) && !used_outside(i) && regions().any(|r| r.writes(ARENA, range(i))));
    let bound = Bound {
        x: x.is_some(),
        v: v.is_some(),
        out: out.is_some(),
    };
    if !(bound.x || bound.v || bound.out) {
        return bound;
    }
    let map = |a: At| {
        for (buf, id) in [(1u8, x), (2, v), (3, out)] {
            if let Some(id) = id {
                let r = range(id);
                if a.buf == ARENA && r.contains(&a.off) {
                    return At {
                        buf,
                        off: a.off - r.start,
                    };
                }
            }
        }
        a
    };
    for p in pieces.iter_mut() {
        if let Piece::Region(r) = p {
            r.steps = r.steps.iter().map(|s| s.map(&map)).collect();
            r.finish();
        }
    }
    bound
}
