//! The tape's arena of values: one allocation, initialised over its whole capacity.
//!
//! Every node's kernel writes all of its output (`ops::forward`; a replay runs kernels on
//! ranges that hold another node's stale values, so none may rely on zeros), so the arena
//! need not fill a node's range before its kernel runs. It grows into zeroed memory
//! ([`Zeroed`]: from 4 MB a fresh mapping, whose pages cost nothing until written) and
//! lengthens by moving its length only; values left by a rewind or by a cleared scratch tape
//! are simply written over, so a recycled arena never fills again. (Measured before this,
//! BENCHMARKS.md part 9: the `memset` of `Vec::resize` was the largest single entry of the
//! eager tape's profile at n = 10⁶, a second write pass over every node's values.)
//!
//! A recording defers the kernels of its vector nodes (`record.rs`): their ranges are
//! reserved and stay untouched, so a node no replay computes costs no memory. Growing, the
//! arena copies only the ranges the tape names (the evaluated nodes), not the untouched
//! zeros between them.

use std::ops::{Deref, DerefMut};

use crate::exec::pages::Zeroed;

/// Values of a tape's nodes, row-major, node after node.
#[derive(Default)]
pub(crate) struct Arena {
    buf: Zeroed,
    len: usize,
    /// The furthest the arena has reached in this allocation: every value past it is zero
    /// (the allocation came zeroed, and values are written only below the length).
    high: usize,
}

/// The `(offset, len)` ranges of an arena's values to keep when it grows, handed one by one
/// to the callback; `None` keeps them all.
pub(crate) type Keep<'a> = Option<&'a dyn Fn(&mut dyn FnMut(usize, usize))>;

impl Arena {
    /// Lengthens the arena by `len` values and returns the offset of the first. Their
    /// contents are zeros or values truncated before: the caller writes every one before
    /// anything reads it (a kernel, `ops::forward`). Growing copies the ranges of `keep`.
    #[inline]
    pub fn extend_unwritten(&mut self, len: usize, keep: Keep<'_>) -> usize {
        let at = self.len;
        if self.buf.len() - at < len {
            self.grow(len, keep);
        }
        self.len = at + len;
        self.high = self.high.max(self.len);
        at
    }

    /// Lengthens the arena by `len` zeros and returns the offset of the first, writing only
    /// those that may not be zero already (below the furthest reach of this allocation), so
    /// that fresh memory stays untouched.
    pub fn extend_zeroed(&mut self, len: usize, keep: Keep<'_>) -> usize {
        let high = self.high;
        let at = self.extend_unwritten(len, keep);
        self[at..(at + len).min(high.max(at))].fill(0.0);
        at
    }

    /// Shortens the arena to `len` values (no-op when it is shorter).
    pub fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    /// Empties the arena, keeping its allocation.
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Makes room for `extra` more values, the capacity at least doubling (amortised
    /// constant pushes): a mapping grows in place, without a copy; otherwise the arena moves
    /// into a new allocation, copying the ranges of `keep` (all values when `None`), the rest
    /// of it zeros.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, extra: usize, keep: Keep<'_>) {
        let cap = (self.len + extra).max(2 * self.buf.len()).max(16);
        if self.buf.grow_in_place(cap) {
            return;
        }
        // Past the length, the new allocation is zeros.
        self.high = self.len;
        let mut fresh = Zeroed::new(cap);
        match keep {
            None => fresh[..self.len].copy_from_slice(&self.buf[..self.len]),
            Some(ranges) => ranges(&mut |o, l| fresh[o..o + l].copy_from_slice(&self.buf[o..o + l])),
        }
        self.buf = fresh;
    }
}

impl Clone for Arena {
    fn clone(&self) -> Self {
        let mut buf = Zeroed::new(self.len);
        buf.copy_from_slice(self);
        Arena {
            buf,
            len: self.len,
            high: self.len,
        }
    }
}

impl Deref for Arena {
    type Target = [f64];
    #[inline]
    fn deref(&self) -> &[f64] {
        &self.buf[..self.len]
    }
}

impl DerefMut for Arena {
    #[inline]
    fn deref_mut(&mut self) -> &mut [f64] {
        &mut self.buf[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::{Arena, Keep};

    impl Arena {
        fn extend_from_slice(&mut self, s: &[f64], keep: Keep<'_>) {
            let at = self.extend_unwritten(s.len(), keep);
            self[at..].copy_from_slice(s);
        }
    }

    /// Growing keeps every value's bits, small or large, across the huge-page range and
    /// past it; a truncated arena lengthens again over its old values without reallocating.
    #[test]
    fn growth_keeps_the_values() {
        let mut a = Arena::default();
        let mut expect = Vec::new();
        let mut i = 0u64;
        while a.len() < (80 << 20) / 8 {
            let chunk = 1 + (i as usize * 7919) % 300_000;
            let v: Vec<f64> = (0..chunk).map(|k| ((i as f64) + k as f64).sin() * 1e3).collect();
            a.extend_from_slice(&v, None);
            expect.extend_from_slice(&v);
            i += 1;
        }
        assert!(a.iter().zip(&expect).all(|(x, y)| x.to_bits() == y.to_bits()) && a.len() == expect.len());
        let (cap, ptr) = (a.buf.len(), a.as_ptr());
        a.truncate(10);
        let at = a.extend_unwritten(cap - 10, None);
        assert_eq!((at, a.len(), a.buf.len(), a.as_ptr()), (10, cap, cap, ptr));
        assert!(
            a[10..expect.len()]
                .iter()
                .zip(&expect[10..])
                .all(|(x, y)| x.to_bits() == y.to_bits())
        );
    }

    /// Growing with named ranges copies those and leaves zeros elsewhere.
    #[test]
    fn growth_copies_only_the_kept_ranges() {
        let mut a = Arena::default();
        a.extend_from_slice(&[1.0, 2.0, 3.0, 4.0], None);
        let keep = |put: &mut dyn FnMut(usize, usize)| put(1, 2);
        a.extend_unwritten(1 << 10, Some(&keep));
        assert_eq!(&a[..4], &[0.0, 2.0, 3.0, 0.0]);
        assert!(a[4..].iter().all(|&x| x == 0.0));
    }

    /// Zeros are zeros over values a rewind left behind, and written only there.
    #[test]
    fn zeros_are_written_only_where_needed() {
        let mut a = Arena::default();
        a.extend_from_slice(&[7.0; 50], None);
        a.truncate(20);
        let at = a.extend_zeroed(100, None);
        assert_eq!((at, a.len()), (20, 120));
        assert!(a[..20].iter().all(|&x| x == 7.0) && a[20..].iter().all(|&x| x.to_bits() == 0));
        // Past the furthest reach nothing is written: still zero from the allocation.
        let big = (64 << 20) / 8;
        let at = a.extend_zeroed(big, None);
        assert!(a[at..].iter().all(|&x| x.to_bits() == 0));
    }

    /// A clone holds the same values, and grows from them.
    #[test]
    fn a_clone_grows_from_its_values() {
        let mut a = Arena::default();
        a.extend_from_slice(&[5.0; 100], None);
        let mut b = a.clone();
        b.extend_unwritten(3, None);
        assert_eq!(b.len(), 103);
        assert!(b[..100].iter().all(|&x| x == 5.0));
    }
}
