//! Shapes and numpy-style broadcasting.
//!
//! A shape is a list of dimension sizes, row-major; the empty shape is a scalar (rank 0).
//! Broadcasting follows numpy: shapes are aligned on the right, and a dimension of size 1
//! (or a missing leading dimension) stretches to match the other operand. The inverse of
//! broadcasting, summing a gradient back onto the operand's shape, is the op
//! [`Var::sum_to`](crate::Var::sum_to), the only "unbroadcast" in the engine (rule R5).

use smallvec::SmallVec;

/// Dimension sizes of a tensor, row-major. Rank ≤ 4 is stored inline.
pub type Shape = SmallVec<[usize; 4]>;

/// Number of elements of a shape (1 for a scalar).
pub fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// The broadcast shape of two operands, or `None` if they are incompatible.
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Option<Shape> {
    let rank = a.len().max(b.len());
    let mut out: Shape = SmallVec::with_capacity(rank);
    for k in 0..rank {
        let da = dim_from_right(a, rank - 1 - k);
        let db = dim_from_right(b, rank - 1 - k);
        out.push(match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => return None,
        });
    }
    Some(out)
}

/// Whether `from` broadcasts to exactly `to`.
pub fn broadcasts_to(from: &[usize], to: &[usize]) -> bool {
    from.len() <= to.len() && broadcast_shapes(from, to).is_some_and(|s| s.as_slice() == to)
}

/// Dimension `from_right` counted from the right (0 = last), 1 when the shape is shorter.
fn dim_from_right(shape: &[usize], from_right: usize) -> usize {
    if from_right < shape.len() {
        shape[shape.len() - 1 - from_right]
    } else {
        1
    }
}

/// Row-major strides of `shape` as seen from an output of rank `rank` (left-padded), with
/// stride 0 for broadcast (size-1 or missing) dimensions.
pub(crate) fn broadcast_strides(shape: &[usize], out: &[usize]) -> SmallVec<[usize; 4]> {
    let rank = out.len();
    let mut strides: SmallVec<[usize; 4]> = SmallVec::from_elem(0, rank);
    let mut stride = 1;
    for k in 0..shape.len() {
        let axis = shape.len() - 1 - k;
        let out_axis = rank - 1 - k;
        if shape[axis] != 1 || out[out_axis] == 1 {
            strides[out_axis] = if shape[axis] == 1 { 0 } else { stride };
        }
        stride *= shape[axis];
    }
    strides
}

/// Walks the row-major multi-index of `out` and yields, for each output element, the flat
/// offset into an operand with the given broadcast strides. Calls `f(out_index, operand_offset)`.
pub(crate) fn for_each_broadcast(out: &[usize], strides: &[usize], mut f: impl FnMut(usize, usize)) {
    let n = numel(out);
    if n == 0 {
        return;
    }
    let rank = out.len();
    let mut idx: SmallVec<[usize; 4]> = SmallVec::from_elem(0, rank);
    let mut off = 0usize;
    for i in 0..n {
        f(i, off);
        // increment the multi-index, right to left
        let mut axis = rank;
        while axis > 0 {
            axis -= 1;
            idx[axis] += 1;
            off += strides[axis];
            if idx[axis] < out[axis] {
                break;
            }
            off -= strides[axis] * out[axis];
            idx[axis] = 0;
        }
    }
}

/// [`for_each_broadcast`] for two operands at once: calls `f(out_index, offset_a, offset_b)`,
/// without allocating.
pub(crate) fn for_each_broadcast2(
    out: &[usize],
    sa: &[usize],
    sb: &[usize],
    mut f: impl FnMut(usize, usize, usize),
) {
    let n = numel(out);
    if n == 0 {
        return;
    }
    let rank = out.len();
    let mut idx: SmallVec<[usize; 4]> = SmallVec::from_elem(0, rank);
    let (mut oa, mut ob) = (0usize, 0usize);
    for i in 0..n {
        f(i, oa, ob);
        let mut axis = rank;
        while axis > 0 {
            axis -= 1;
            idx[axis] += 1;
            oa += sa[axis];
            ob += sb[axis];
            if idx[axis] < out[axis] {
                break;
            }
            oa -= sa[axis] * out[axis];
            ob -= sb[axis] * out[axis];
            idx[axis] = 0;
        }
    }
}

/// Formats a shape the way panic messages print it: `[2, 3]`.
pub(crate) fn fmt_shape(shape: &[usize]) -> String {
    format!("{shape:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcasting_follows_numpy() {
        assert_eq!(broadcast_shapes(&[2, 3], &[3]).unwrap().as_slice(), &[2, 3]);
        assert_eq!(broadcast_shapes(&[2, 1], &[1, 4]).unwrap().as_slice(), &[2, 4]);
        assert_eq!(broadcast_shapes(&[], &[5]).unwrap().as_slice(), &[5]);
        assert!(broadcast_shapes(&[2, 3], &[2]).is_none());
        assert!(broadcasts_to(&[3], &[2, 3]));
        assert!(!broadcasts_to(&[2, 3], &[3]));
    }

    #[test]
    fn strides_walk_the_broadcast_operand() {
        let out = [2, 3];
        let s = broadcast_strides(&[2, 1], &out);
        let mut offs = vec![];
        for_each_broadcast(&out, &s, |_, o| offs.push(o));
        assert_eq!(offs, vec![0, 0, 0, 1, 1, 1]);
        let s = broadcast_strides(&[3], &out);
        let mut offs = vec![];
        for_each_broadcast(&out, &s, |_, o| offs.push(o));
        assert_eq!(offs, vec![0, 1, 2, 0, 1, 2]);
    }
}
