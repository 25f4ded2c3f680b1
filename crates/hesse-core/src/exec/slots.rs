//! Sets of arena slots kept as sorted, disjoint ranges ([`Slots`]).
//!
//! The compile passes ask, per instruction, whether a slot is read after a program has run
//! (its results, the comparisons, what the Hessian's columns read from its prefix). Those
//! slots are whole nodes' ranges: a vector result of 10⁷ values is one range, not 10⁷ hash
//! entries. Held as one hash entry per slot, the sets of a recording at n = 10⁶ took three
//! quarters of the recording's time and several times the arena's memory; as ranges, a set
//! costs one entry per node and a query a binary search.

/// A set of arena slots: half-open ranges `[start, end)`, sorted, disjoint and not touching.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Slots(Vec<(u32, u32)>);

impl Slots {
    /// The union of the half-open ranges `ranges` (in any order, overlapping or not).
    pub(crate) fn of(ranges: impl IntoIterator<Item = (u32, u32)>) -> Slots {
        let mut v: Vec<(u32, u32)> = ranges.into_iter().filter(|(s, e)| s < e).collect();
        v.sort_unstable();
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(v.len());
        for (s, e) in v {
            match out.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => out.push((s, e)),
            }
        }
        Slots(out)
    }

    /// Whether `slot` is in the set.
    #[inline]
    pub(crate) fn contains(&self, slot: u32) -> bool {
        let k = self.0.partition_point(|&(s, _)| s <= slot);
        k > 0 && slot < self.0[k - 1].1
    }

    /// The set with the ranges `more` added.
    pub(crate) fn with(&self, more: impl IntoIterator<Item = (u32, u32)>) -> Slots {
        Slots::of(self.0.iter().copied().chain(more))
    }

    /// Every slot of the set, in increasing order.
    #[cfg(feature = "jit")]
    pub(crate) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().flat_map(|&(s, e)| s..e)
    }
}

#[cfg(test)]
mod tests {
    use super::Slots;
    use std::collections::HashSet;

    /// Membership agrees with a plain set of the same slots, for overlapping, touching,
    /// nested, empty and repeated ranges in any order.
    #[test]
    fn membership_is_the_union_of_the_ranges() {
        let ranges = [
            (10, 20),
            (0, 3),
            (3, 5),
            (15, 25),
            (40, 41),
            (7, 7),
            (12, 13),
            (40, 41),
            (60, 90),
        ];
        let set = Slots::of(ranges);
        let plain: HashSet<u32> = ranges.iter().flat_map(|&(s, e)| s..e).collect();
        for s in 0..100 {
            assert_eq!(set.contains(s), plain.contains(&s), "slot {s}");
        }
        assert_eq!(set.0, vec![(0, 5), (10, 25), (40, 41), (60, 90)]);
        let more = set.with([(5, 6), (95, 96)]);
        assert!(more.contains(5) && more.contains(95) && !more.contains(6) && more.contains(0));
        assert!(!Slots::default().contains(0));
    }
}
