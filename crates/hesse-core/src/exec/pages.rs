//! The replay arena on transparent huge pages (Linux).
//!
//! A vector recording's arena is large (W3's 2-50-50-1 network on 1,000 points: 2.4·10⁶
//! values, 20 MB), and every replay streams through most of it: each matrix product and each
//! elementwise pass reads and writes arrays of 400 KB. On 4 KB pages such a pass touches a
//! hundred pages per array, and the replay as a whole far more than the second-level TLB
//! maps (3,072 entries on Zen 4, 12 MB), so the passes pay page walks on top of their cache
//! misses. Where the kernel hands out huge pages only on request
//! (`/sys/kernel/mm/transparent_hugepage/enabled` = `madvise`, a common default), the arena
//! is moved once, at record time, into fresh memory advised with `MADV_HUGEPAGE` before it is
//! first touched: each 2 MB page is then one TLB entry. W3's HVP: about 4 % faster.
//!
//! The values are copied unchanged, so no result changes; where the advice is refused or the
//! platform has no such thing, the arena simply stays where it is.

/// Arenas smaller than this stay where they are: they hold no whole huge page to speak of,
/// and their pages fit in the TLB anyway.
const MIN_BYTES: usize = 4 << 20;

/// Moves `values` into memory advised to be backed by transparent huge pages, when it is at
/// least [`MIN_BYTES`] long and the platform supports the advice (Linux); otherwise leaves
/// it alone. The values are unchanged.
pub(crate) fn to_huge_pages(values: &mut Vec<f64>) {
    let bytes = std::mem::size_of_val(values.as_slice());
    if bytes < MIN_BYTES {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        // A fresh allocation this large is mapped, not yet touched: advised now, its
        // page faults (the copy below) get huge pages where the kernel has them.
        let mut fresh: Vec<f64> = Vec::with_capacity(values.len());
        const PAGE: usize = 4096;
        let start = fresh.as_mut_ptr() as usize;
        let first = start.next_multiple_of(PAGE);
        let end = (start + bytes) / PAGE * PAGE;
        if end > first {
            // SAFETY: [first, end) lies inside `fresh`'s allocation, whose contents the advice
            // does not change (MADV_HUGEPAGE only selects the page size of future faults).
            let ok =
                unsafe { libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE) } == 0;
            if ok {
                fresh.extend_from_slice(values);
                *values = fresh;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::to_huge_pages;

    /// Moving the arena keeps every value's bits, small or large.
    #[test]
    fn the_move_keeps_the_values() {
        for n in [0, 10, 1 << 19, (1 << 20) + 3] {
            let v: Vec<f64> = (0..n).map(|i| (i as f64).sin() * 1e3).collect();
            let mut w = v.clone();
            to_huge_pages(&mut w);
            assert!(v.iter().zip(&w).all(|(a, b)| a.to_bits() == b.to_bits()) && v.len() == w.len());
        }
    }
}
