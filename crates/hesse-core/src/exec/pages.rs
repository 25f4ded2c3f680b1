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
//! So an arena of [`MIN_BYTES`] or more lives in its own anonymous mapping ([`Zeroed`]),
//! advised for huge pages while it is at most [`MAX_BYTES`]. A fresh mapping is zero and
//! costs nothing until a page is first written: a recording's arena reserves ranges for
//! nodes whose kernels it defers (`record.rs`), and the ranges no replay computes take no
//! memory. (The arena used to be copied whole onto huge pages at the end of recording,
//! however large: a second arena in memory at once — peak memory of recording the extended
//! Rosenbrock at n = 10⁶: 576 MB, then 295 MB — and, on the KVM guest of BENCHMARKS.md
//! part 9, huge pages of never-touched memory that took up to three quarters of the
//! recording's time to fault in.)
//!
//! Past [`MAX_BYTES`] the arena is on small pages: measured at n = 10⁶ (a 280 MB arena), huge
//! pages made recording twice as slow and peak memory 1.55× as large, for replays about as
//! fast (BENCHMARKS.md, part 9). Below [`MIN_BYTES`] it is the allocator's zeroed memory.
//!
//! The large vectors the API hands out (a gradient, an HVP, `Var::to_vec`) are the allocator's,
//! owned by the caller, but fresh from the kernel too: their whole 2 MB pages are advised the
//! same way before they are written ([`fresh_copy`], [`fresh_zeros`]).
//!
//! Values are moved unchanged, so no result changes; where the advice is refused or the
//! platform has no mappings of this kind (not Linux), the memory is the allocator's.

use std::ops::{Deref, DerefMut};

/// Arenas smaller than this are the allocator's memory: they hold no whole huge page to
/// speak of, and their pages fit in the TLB anyway.
const MIN_BYTES: usize = 4 << 20;

/// Fresh vectors for the caller from this size are advised for huge pages ([`advise_fresh`]):
/// glibc's allocator maps allocations this large afresh every time (32 MB is the most its
/// adaptive threshold rises to), while smaller ones may reuse memory already faulted in.
const FRESH_MIN_BYTES: usize = 32 << 20;

/// Arenas larger than this are on small pages (see the module docs).
const MAX_BYTES: usize = 64 << 20;

/// `cap` values, all zero: the allocation an arena grows into.
pub(crate) enum Zeroed {
    /// The allocator's zeroed memory.
    Heap(Box<[f64]>),
    /// An anonymous mapping of its own.
    #[cfg(target_os = "linux")]
    Mapped(Mapping),
}

impl Zeroed {
    /// `cap` zeros: from [`MIN_BYTES`] on a fresh mapping (untouched until written), advised
    /// for huge pages up to [`MAX_BYTES`]; below, or where no mapping is had, the
    /// allocator's zeroed memory.
    pub(crate) fn new(cap: usize) -> Self {
        let bytes = cap * size_of::<f64>();
        #[cfg(target_os = "linux")]
        if bytes >= MIN_BYTES {
            if let Some(m) = Mapping::new(cap, bytes <= MAX_BYTES) {
                return Zeroed::Mapped(m);
            }
        }
        let _ = bytes;
        Zeroed::Heap(vec![0.0; cap].into_boxed_slice())
    }
}

impl Zeroed {
    /// Grows to `cap` values in place of a copy where it can — a mapping is remapped
    /// (`mremap`: its pages move, none is copied or touched, the new ones are zero) — and
    /// returns whether it did; otherwise the caller moves the values into [`Zeroed::new`].
    pub(crate) fn grow_in_place(&mut self, cap: usize) -> bool {
        match self {
            #[cfg(target_os = "linux")]
            Zeroed::Mapped(m) => m.grow(cap, cap * size_of::<f64>() <= MAX_BYTES),
            _ => {
                let _ = cap;
                false
            }
        }
    }
}

impl Default for Zeroed {
    fn default() -> Self {
        Zeroed::Heap(Box::default())
    }
}

impl Deref for Zeroed {
    type Target = [f64];
    fn deref(&self) -> &[f64] {
        match self {
            Zeroed::Heap(b) => b,
            #[cfg(target_os = "linux")]
            Zeroed::Mapped(m) => m.as_slice(),
        }
    }
}

impl DerefMut for Zeroed {
    fn deref_mut(&mut self) -> &mut [f64] {
        match self {
            Zeroed::Heap(b) => b,
            #[cfg(target_os = "linux")]
            Zeroed::Mapped(m) => m.as_mut_slice(),
        }
    }
}

/// A copy of `values` in a fresh vector, which the caller owns, on huge pages where it is
/// large (see [`advise_fresh`]).
pub(crate) fn fresh_copy(values: &[f64]) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::with_capacity(values.len());
    advise_fresh(out.as_mut_ptr(), values.len());
    out.extend_from_slice(values);
    out
}

/// `n` zeros in a fresh vector, which the caller owns, on huge pages where it is large (see
/// [`advise_fresh`]).
pub(crate) fn fresh_zeros(n: usize) -> Vec<f64> {
    let mut out = vec![0.0; n];
    advise_fresh(out.as_mut_ptr(), n);
    out
}

/// Advises the whole 2 MB pages of a fresh allocation of `n` values at `p` for huge pages,
/// from [`FRESH_MIN_BYTES`] on Linux, before anything writes them. An allocation that large
/// is fresh memory from the kernel whose every 4 KB page faults on first write: at n = 10⁷,
/// 20,000 faults, half of an eager value and gradient's time (BENCHMARKS.md part 12); on
/// huge pages 40. The advice covers only pages inside the allocation and changes no
/// contents (nor does it where the pages were written before: it only selects the size of
/// future faults).
fn advise_fresh(p: *mut f64, n: usize) {
    #[cfg(target_os = "linux")]
    if n * size_of::<f64>() >= FRESH_MIN_BYTES {
        const HUGE: usize = 2 << 20;
        let start = (p as usize).next_multiple_of(HUGE);
        let end = (p as usize + n * size_of::<f64>()) / HUGE * HUGE;
        if start < end {
            // SAFETY: [start, end) lies inside the caller's allocation of n values; the
            // advice changes no contents, and a refusal leaves the memory as it was.
            unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) };
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (p, n);
}

/// An anonymous private mapping of `len` values (Linux), unmapped on drop.
#[cfg(target_os = "linux")]
pub(crate) struct Mapping {
    ptr: std::ptr::NonNull<f64>,
    len: usize,
}

// SAFETY: the mapping is memory owned by this value alone, like a `Box<[f64]>`.
#[cfg(target_os = "linux")]
unsafe impl Send for Mapping {}
// SAFETY: as above; shared references only read.
#[cfg(target_os = "linux")]
unsafe impl Sync for Mapping {}

#[cfg(target_os = "linux")]
impl Mapping {
    /// A fresh mapping of `len` zeros, advised for huge pages when `huge`; `None` when the
    /// kernel refuses it.
    fn new(len: usize, huge: bool) -> Option<Self> {
        let bytes = len * size_of::<f64>();
        // SAFETY: a new private anonymous mapping, at an address the kernel chooses; it
        // aliases nothing.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                bytes,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return None;
        }
        if huge {
            // SAFETY: [p, p + bytes) is the mapping just made; the advice changes no
            // contents (MADV_HUGEPAGE only selects the page size of future faults), and a
            // refusal leaves the memory as it was, so its result is not needed.
            unsafe { libc::madvise(p, bytes, libc::MADV_HUGEPAGE) };
        }
        Some(Mapping {
            ptr: std::ptr::NonNull::new(p.cast())?,
            len,
        })
    }

    /// Remaps to `len` values (more than now), the new pages zero; advised for huge pages
    /// when `huge`, for small pages otherwise (pages already faulted keep their size).
    /// `false`, unchanged, when the kernel refuses.
    fn grow(&mut self, len: usize, huge: bool) -> bool {
        let (old, new) = (self.len * size_of::<f64>(), len * size_of::<f64>());
        // SAFETY: the mapping made in `new`, of `old` bytes; on success the kernel moves
        // its pages to the returned address (the old one is no longer mapped, and no slice
        // of it outlives this `&mut self`); on failure it is left as it was.
        let p = unsafe { libc::mremap(self.ptr.as_ptr().cast(), old, new, libc::MREMAP_MAYMOVE) };
        if p == libc::MAP_FAILED {
            return false;
        }
        let advice = if huge {
            libc::MADV_HUGEPAGE
        } else {
            libc::MADV_NOHUGEPAGE
        };
        // SAFETY: [p, p + new) is the remapped mapping; advice changes no contents.
        unsafe { libc::madvise(p, new, advice) };
        match std::ptr::NonNull::new(p.cast()) {
            Some(ptr) => {
                self.ptr = ptr;
                self.len = len;
                true
            }
            None => false,
        }
    }

    fn as_slice(&self) -> &[f64] {
        // SAFETY: the mapping holds `len` f64s, initialised (an anonymous mapping reads as
        // zeros until written, and every bit pattern is an f64), aligned (page-aligned), and
        // owned by `self`.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    fn as_mut_slice(&mut self) -> &mut [f64] {
        // SAFETY: as in `as_slice`, and `&mut self` makes the borrow unique.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

#[cfg(target_os = "linux")]
impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`, of this length, unmapped once; no slice of it
        // outlives `self`.
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len * size_of::<f64>()) };
    }
}

#[cfg(test)]
mod tests {
    use super::Zeroed;

    /// The caller's fresh vectors, below and past the size advised for huge pages (and at
    /// lengths that end inside a 2 MB page): the values copied, the zeros zero.
    #[test]
    fn fresh_vectors_hold_their_values() {
        for n in [
            0,
            1,
            1000,
            super::FRESH_MIN_BYTES / 8 - 1,
            super::FRESH_MIN_BYTES / 8 + 262_145,
        ] {
            let values: Vec<f64> = (0..n).map(|i| i as f64 * 0.5 - 3.0).collect();
            let copy = super::fresh_copy(&values);
            assert!(copy.len() == n && copy.iter().zip(&values).all(|(a, b)| a.to_bits() == b.to_bits()));
            let zeros = super::fresh_zeros(n);
            assert!(zeros.len() == n && zeros.iter().all(|z| z.to_bits() == 0));
        }
    }

    /// A mapping grown in place keeps its values, and its new part is zero.
    #[test]
    fn growing_keeps_the_values() {
        let cap = (super::MIN_BYTES / 8) * 3;
        let mut v = Zeroed::new(cap);
        v.iter_mut().enumerate().for_each(|(i, x)| *x = i as f64);
        let grown = v.grow_in_place(cap * 40);
        assert_eq!(v.len(), if grown { cap * 40 } else { cap });
        assert!(v[..cap].iter().enumerate().all(|(i, &x)| x == i as f64));
        assert!(v[cap..].iter().all(|x| x.to_bits() == 0));
        assert!(grown || cfg!(not(target_os = "linux")));
    }

    /// Every size, below, inside and past the advised range, comes back zero and whole, and
    /// keeps what is written to it.
    #[test]
    fn allocations_are_zero() {
        for cap in [
            0,
            1,
            1000,
            (super::MIN_BYTES / 8) + 1,
            super::MAX_BYTES / 8,
            (super::MAX_BYTES / 8) + 1,
        ] {
            let mut v = Zeroed::new(cap);
            assert_eq!(v.len(), cap);
            assert!(v.iter().all(|x| x.to_bits() == 0));
            if cap > 0 {
                v[cap - 1] = 3.5;
                assert_eq!(v[cap - 1], 3.5);
            }
        }
    }
}
