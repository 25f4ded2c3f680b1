//! Tape arenas on transparent huge pages (Linux).
//!
//! A vector recording's arena is large (W3's 2-50-50-1 network on 1,000 points: 2.4·10⁶
//! values, 20 MB; the extended Rosenbrock at n = 10⁷: 3.5·10⁸ values, 2.8 GB), and every
//! replay streams through most of it: each matrix product and each elementwise pass reads
//! and writes arrays of 400 KB or more. On 4 KB pages such a pass touches a hundred pages
//! per array, and the replay as a whole far more than the second-level TLB maps (3,072
//! entries on Zen 4, 12 MB), so the passes pay page walks on top of their cache misses. Where
//! the kernel hands out huge pages only on request (`/sys/kernel/mm/transparent_hugepage/
//! enabled` = `madvise`, a common default), memory must be advised with `MADV_HUGEPAGE`
//! before it is first touched: each 2 MB page is then one TLB entry. W3's HVP: about 4 %
//! faster.
//!
//! So an arena whose capacity grows to between [`MIN_BYTES`] and [`MAX_BYTES`] grows here
//! ([`reserve`]): into a fresh allocation advised before the values are copied over, as a
//! `Vec` grows by doubling (the copies add up to less than the final arena). It used to be
//! copied whole at the end of recording, however large: a second arena in memory at once
//! (peak memory of recording the extended Rosenbrock at n = 10⁶: 576 MB, now 295 MB) and, on
//! the KVM guest of BENCHMARKS.md part 9, huge pages of never-touched memory that took up to
//! three quarters of the recording's time to fault in.
//!
//! Past [`MAX_BYTES`] the arena grows on small pages: measured at n = 10⁶ (a 280 MB arena),
//! huge pages made recording twice as slow and peak memory 1.55× as large, for replays
//! about as fast (BENCHMARKS.md, part 9). Leaving the advised range, the arena is copied
//! once more into fresh memory; from there on it grows as any `Vec` (on Linux by
//! `mremap`, which moves pages without copying them).
//!
//! The values are moved unchanged, so no result changes; where the advice is refused or the
//! platform has no such thing, the arena grows as any `Vec`.

/// Arenas smaller than this grow as any `Vec`: they hold no whole huge page to speak of, and
/// their pages fit in the TLB anyway.
const MIN_BYTES: usize = 4 << 20;

/// Arenas larger than this grow on small pages (see the module docs).
const MAX_BYTES: usize = 64 << 20;

/// Makes room for `extra` more values at the end of the arena `values` (see the module docs):
/// from [`MIN_BYTES`] to [`MAX_BYTES`] of capacity, in memory advised for huge pages.
/// Capacity at least doubles, so pushes cost amortised constant time. The values are
/// unchanged.
#[inline]
pub(crate) fn reserve(values: &mut Vec<f64>, extra: usize) {
    if values.capacity() - values.len() < extra {
        grow(values, extra);
    }
}

#[cold]
#[inline(never)]
fn grow(values: &mut Vec<f64>, extra: usize) {
    let advised = |bytes: usize| (MIN_BYTES..=MAX_BYTES).contains(&bytes);
    let was = values.capacity() * size_of::<f64>();
    let cap = (values.len() + extra).max(2 * values.capacity());
    let bytes = cap * size_of::<f64>();
    if !advised(bytes) && !advised(was) {
        // Small, or large and on small pages already: as any `Vec` (on Linux, a large one is
        // moved by `mremap`, without copying).
        values.reserve_exact(cap - values.len());
        return;
    }
    // Into fresh memory, advised before its first touch while in the range; leaving the
    // range, fresh memory of small pages (a `mremap` of advised memory keeps the advice).
    let mut fresh: Vec<f64> = Vec::with_capacity(cap);
    if advised(bytes) {
        advise(&mut fresh);
    }
    fresh.extend_from_slice(values);
    *values = fresh;
}

/// Advises the untouched allocation of `fresh` (a `Vec` with no values yet) for huge pages,
/// where the platform has them (Linux); elsewhere does nothing.
fn advise(fresh: &mut Vec<f64>) {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let start = fresh.as_mut_ptr() as usize;
        let first = start.next_multiple_of(PAGE);
        let end = (start + fresh.capacity() * size_of::<f64>()) / PAGE * PAGE;
        if end > first {
            // SAFETY: [first, end) lies inside `fresh`'s allocation, whose contents the
            // advice does not change (MADV_HUGEPAGE only selects the page size of future
            // faults). A refusal leaves the memory as it was, so the result is not needed.
            unsafe { libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE) };
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = fresh;
}

#[cfg(test)]
mod tests {
    use super::reserve;

    /// Growing the arena keeps every value's bits, small or large, and makes the room asked
    /// for, at least doubling the capacity.
    #[test]
    fn growth_keeps_the_values() {
        for n in [0, 10, 1 << 19, (1 << 20) + 3] {
            let v: Vec<f64> = (0..n).map(|i| (i as f64).sin() * 1e3).collect();
            let mut w = v.clone();
            w.shrink_to_fit();
            let cap = w.capacity();
            reserve(&mut w, 5);
            assert!(v.iter().zip(&w).all(|(a, b)| a.to_bits() == b.to_bits()) && v.len() == w.len());
            assert!(w.capacity() >= n + 5 && w.capacity() >= cap);
            reserve(&mut w, 1 << 20);
            assert!(w.capacity() >= n + (1 << 20) && w.len() == n);
            assert!(v.iter().zip(&w).all(|(a, b)| a.to_bits() == b.to_bits()));
        }
    }

    /// Growing out of the advised range (past `MAX_BYTES`) and beyond keeps the values.
    #[test]
    fn growth_past_the_advised_range_keeps_the_values() {
        let n = (super::MAX_BYTES / 8) * 3 / 4;
        let mut w: Vec<f64> = Vec::new();
        for i in 0..n {
            reserve(&mut w, 1);
            w.push(i as f64);
        }
        reserve(&mut w, n);
        assert!(w.capacity() * 8 > super::MAX_BYTES);
        w.extend((n..2 * n).map(|i| i as f64));
        reserve(&mut w, 2 * n);
        assert!(w.len() == 2 * n && w.iter().enumerate().all(|(i, &x)| x == i as f64));
    }
}
