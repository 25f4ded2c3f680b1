//! Which native code paths may run: the run-time switch.
//!
//! hesse computes every result in portable Rust, and on top of that has faster routes that
//! depend on the machine:
//! - **instruction-set builds** of the elementwise kernels, the matrix product and `exp`
//!   (AVX2, AVX2 with FMA, AVX-512F), chosen by what the CPU offers;
//! - **generated machine code**: Cranelift-compiled scalar replay programs
//!   ([`RecordedFn::jit`](crate::RecordedFn::jit), and the automatic compile after enough
//!   replays) and fused regions assembled as AVX-512 code (feature `jit`).
//!
//! A [`Native`] setting caps both: the widest [`Isa`] the kernels may use and whether
//! generated code may run. [`Native::OFF`] is the route of a machine without AVX2 and of
//! non-x86 machines — plain Rust loops and the replay interpreter — and is how a suspected
//! native-code defect is ruled out.
//!
//! The process-wide setting comes from the environment variable `HESSE_NATIVE`, read once:
//!
//! | `HESSE_NATIVE` | instruction sets | generated code |
//! |---|---|---|
//! | unset, `on`, `1` | all the CPU offers | yes |
//! | `off`, `0`, `none` | baseline (x86-64: SSE2) | no |
//! | `baseline` | baseline | yes (Cranelift only; AVX-512 regions need AVX-512) |
//! | `avx2` | up to AVX2 (with FMA where the CPU has it) | yes |
//! | `avx512` | up to AVX-512F | yes |
//! | `nojit` | all the CPU offers | no |
//!
//! [`set`] changes it for the process; [`scoped`] overrides it on the calling thread for the
//! duration of a closure (the differential tests run one program through every route this
//! way). A parallel Hessian hands the caller's setting on to its worker threads.
//!
//! **Bits.** Within one setting, every route gives the eager tape's bits. Across settings the
//! last bits of some results differ: with FMA the matrix product rounds once per multiply-add
//! and `exp` uses glibc's FMA form, so `Isa::Avx2` on a CPU with FMA and `Isa::Avx512` give
//! other bits than `Isa::Baseline` for products and exponentials; the plain elementwise
//! kernels give the same bits under every setting.
//!
//! ```
//! use hesse_core::native::{self, Native};
//! let with_native = hesse_core::grad(|x| (x[0] * x[1]).exp(), &[0.5, 2.0]);
//! let portable = native::scoped(Native::OFF, || hesse_core::grad(|x| (x[0] * x[1]).exp(), &[0.5, 2.0]));
//! assert!((with_native[0] - portable[0]).abs() <= 1e-15 * with_native[0].abs());
//! ```

use std::cell::Cell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU16, Ordering};

/// An instruction-set level of the kernels, from narrowest to widest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Isa {
    /// The target's baseline (x86-64: SSE2; every non-x86 target).
    Baseline,
    /// AVX2 (and FMA where the CPU has it: the matrix product and `exp`).
    Avx2,
    /// AVX-512F (with FMA).
    Avx512,
}

/// A cap on the native code paths (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Native {
    /// The widest instruction set the kernels may use (they use less where the CPU has less).
    pub isa: Isa,
    /// Whether generated machine code (Cranelift replays, AVX-512 regions) may run.
    pub jit: bool,
}

impl Native {
    /// Everything the CPU offers.
    pub const ON: Native = Native {
        isa: Isa::Avx512,
        jit: true,
    };
    /// Portable code only: baseline kernels and the replay interpreter.
    pub const OFF: Native = Native {
        isa: Isa::Baseline,
        jit: false,
    };

    /// Parses a value of `HESSE_NATIVE` (see the module docs); `None` if it is none of them.
    pub fn parse(s: &str) -> Option<Native> {
        let isa = |isa| Native { isa, jit: true };
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "" | "on" | "1" | "true" | "yes" => Native::ON,
            "off" | "0" | "false" | "no" | "none" => Native::OFF,
            "baseline" => isa(Isa::Baseline),
            "avx2" => isa(Isa::Avx2),
            "avx512" => isa(Isa::Avx512),
            "nojit" => Native {
                isa: Isa::Avx512,
                jit: false,
            },
            _ => return None,
        })
    }

    fn encode(self) -> u8 {
        1 + (self.isa as u8) * 2 + self.jit as u8
    }

    fn decode(b: u8) -> Native {
        let b = b - 1;
        Native {
            isa: match b / 2 {
                0 => Isa::Baseline,
                1 => Isa::Avx2,
                _ => Isa::Avx512,
            },
            jit: b % 2 == 1,
        }
    }
}

/// The process-wide setting and what it allows on this CPU, encoded (0: not read from the
/// environment yet). Every kernel dispatch reads it (or the thread's override): one load.
static GLOBAL: AtomicU16 = AtomicU16::new(0);

thread_local! {
    /// This thread's override, encoded like [`GLOBAL`] (0: none).
    static LOCAL: Cell<u16> = const { Cell::new(0) };
}

/// Bits of an encoded setting: what it allows on this CPU, and the setting itself.
const AVX2: u16 = 1;
const FMA: u16 = 2;
const AVX512: u16 = 4;
const JIT: u16 = 8;
const SET: u16 = 1 << 8;

/// The setting with what it allows on this CPU (and this build), for one load per check.
fn encode(n: Native) -> u16 {
    #[cfg(target_arch = "x86_64")]
    let (avx2, fma, avx512) = {
        use std::arch::is_x86_feature_detected as has;
        let avx2 = n.isa >= Isa::Avx2 && has!("avx2");
        (
            avx2,
            avx2 && has!("fma"),
            n.isa >= Isa::Avx512 && cfg!(hesse_avx512) && has!("avx512f"),
        )
    };
    #[cfg(not(target_arch = "x86_64"))]
    let (avx2, fma, avx512) = (false, false, false);
    let caps = avx2 as u16 * AVX2
        + fma as u16 * FMA
        + avx512 as u16 * AVX512
        + (n.jit && cfg!(feature = "jit")) as u16 * JIT;
    SET | (n.encode() as u16) << 4 | caps
}

/// The encoded setting in force on this thread.
#[inline(always)]
fn bits() -> u16 {
    let local = LOCAL.with(Cell::get);
    if local != 0 {
        return local;
    }
    let global = GLOBAL.load(Ordering::Relaxed);
    if global != 0 {
        return global;
    }
    from_env_bits()
}

#[cold]
fn from_env_bits() -> u16 {
    // Another thread may have called `set` meanwhile: keep its value.
    let _ = GLOBAL.compare_exchange(0, encode(from_env()), Ordering::Relaxed, Ordering::Relaxed);
    GLOBAL.load(Ordering::Relaxed)
}

/// The process-wide setting from `HESSE_NATIVE`; an unknown value is reported once on
/// standard error and means [`Native::ON`].
fn from_env() -> Native {
    static ENV: OnceLock<Native> = OnceLock::new();
    *ENV.get_or_init(|| match std::env::var("HESSE_NATIVE") {
        Ok(s) => Native::parse(&s).unwrap_or_else(|| {
            eprintln!(
                "hesse: HESSE_NATIVE={s:?} is not one of on, off, baseline, avx2, avx512, nojit; using on"
            );
            Native::ON
        }),
        Err(_) => Native::ON,
    })
}

/// The setting in force on this thread: its [`scoped`] override, else the process-wide one.
#[inline]
pub fn current() -> Native {
    Native::decode(((bits() >> 4) & 0xf) as u8)
}

/// Sets the process-wide setting (threads inside [`scoped`] keep their override).
pub fn set(native: Native) {
    GLOBAL.store(encode(native), Ordering::Relaxed);
}

/// Runs `f` with `native` in force on this thread (and on the worker threads of the
/// parallel Hessians it computes), then restores the previous setting, also on panic.
pub fn scoped<R>(native: Native, f: impl FnOnce() -> R) -> R {
    struct Restore(u16);
    impl Drop for Restore {
        fn drop(&mut self) {
            LOCAL.with(|l| l.set(self.0));
        }
    }
    let _restore = Restore(LOCAL.with(|l| l.replace(encode(native))));
    f()
}

/// Whether the kernels may use AVX2 builds now (the setting allows it and the CPU has it).
#[inline(always)]
pub(crate) fn avx2() -> bool {
    bits() & AVX2 != 0
}

/// Whether the kernels may use fused multiply-adds (AVX2 builds on a CPU with FMA).
#[inline(always)]
pub(crate) fn fma() -> bool {
    bits() & FMA != 0
}

/// Whether the kernels may use AVX-512F builds now (the setting, the CPU and the compiler:
/// `hesse_avx512`, see `build.rs`).
#[inline(always)]
pub(crate) fn avx512() -> bool {
    bits() & AVX512 != 0
}

/// Whether generated machine code may run now.
#[cfg_attr(not(feature = "jit"), allow(dead_code))]
#[inline(always)]
pub(crate) fn jit() -> bool {
    bits() & JIT != 0
}

/// Whether generated code compiled when [`fma`] was `compiled_fma` may run now: generated
/// code is allowed and the kernels it calls would make the same choice (one load of the
/// setting, on every native replay).
#[cfg_attr(not(feature = "jit"), allow(dead_code))]
#[inline(always)]
pub(crate) fn jit_as_compiled(compiled_fma: bool) -> bool {
    let b = bits();
    b & JIT != 0 && (b & FMA != 0) == compiled_fma
}

/// Whether this CPU reads eight table entries faster by AVX-512 gathers than by eight
/// 16-byte loads (how `exp` reads its table; both read the same entries, so the choice never
/// changes a result). Intel CPUs that Downfall (gather data sampling) does not affect:
/// W5's batched `peaks` step took 3.4 µs with gathers against 5.9 µs with loads on a Xeon of
/// model 207 (BENCHMARKS.md, Part 10). On the affected models (Skylake to Rocket Lake) the
/// microcode mitigation makes gathers slow; on Zen 4 the loads were faster (3.4 against
/// 3.9 µs); other CPUs are not measured and keep the loads.
#[cfg_attr(not(all(target_arch = "x86_64", hesse_avx512)), allow(dead_code))]
pub(crate) fn fast_gathers() -> bool {
    #[cfg(test)]
    if let Some(g) = GATHERS.with(Cell::get) {
        return g;
    }
    static FAST: OnceLock<bool> = OnceLock::new();
    *FAST.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::__cpuid;
            // SAFETY: `cpuid` exists on every x86-64 CPU (an `unsafe fn` before Rust 1.94).
            #[allow(unused_unsafe)]
            let (v, sig) = unsafe { (__cpuid(0), __cpuid(1).eax) };
            // "GenuineIntel" in ebx, edx, ecx.
            let intel = [v.ebx, v.edx, v.ecx] == [0x756e_6547, 0x4965_6e69, 0x6c65_746e];
            let family = (sig >> 8) & 0xf;
            let model = ((sig >> 4) & 0xf) | ((sig >> 12) & 0xf0);
            intel && (family != 6 || !DOWNFALL.contains(&model))
        }
        #[cfg(not(target_arch = "x86_64"))]
        false
    })
}

#[cfg(test)]
thread_local! {
    /// A test's choice of table read on this thread ([`with_gathers`]).
    static GATHERS: Cell<Option<bool>> = const { Cell::new(None) };
}

/// Runs `f` with [`fast_gathers`] answering `gathers` on this thread, so that the tests run
/// both table reads on any CPU.
#[cfg(test)]
#[cfg_attr(not(all(target_arch = "x86_64", hesse_avx512)), allow(dead_code))]
pub(crate) fn with_gathers<R>(gathers: bool, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<bool>);
    impl Drop for Restore {
        fn drop(&mut self) {
            GATHERS.with(|g| g.set(self.0));
        }
    }
    let _restore = Restore(GATHERS.with(|g| g.replace(Some(gathers))));
    f()
}

/// Intel family-6 models affected by Downfall (gather data sampling), per Intel's list:
/// Skylake, Cascade and Cooper Lake, Kaby, Coffee, Whiskey, Amber and Comet Lake, Ice Lake
/// (client and server), Tiger Lake, Rocket Lake.
#[cfg(target_arch = "x86_64")]
const DOWNFALL: [u32; 14] = [
    0x4e, 0x5e, 0x55, 0x8e, 0x9e, 0xa5, 0xa6, 0x6a, 0x6c, 0x7d, 0x7e, 0x8c, 0x8d, 0xa7,
];

/// The widest instruction set this CPU (and this build) offers the kernels, whatever the
/// setting.
pub fn available() -> Isa {
    scoped(Native::ON, || {
        if avx512() {
            Isa::Avx512
        } else if avx2() {
            Isa::Avx2
        } else {
            Isa::Baseline
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_scopes_nest() {
        for isa in [Isa::Baseline, Isa::Avx2, Isa::Avx512] {
            for jit in [false, true] {
                let n = Native { isa, jit };
                assert_eq!(Native::decode(n.encode()), n);
            }
        }
        assert_eq!(Native::parse("OFF"), Some(Native::OFF));
        assert_eq!(Native::parse("avx2").map(|n| n.isa), Some(Isa::Avx2));
        assert_eq!(Native::parse("fast"), None);
        let outer = current();
        scoped(Native::OFF, || {
            assert_eq!(current(), Native::OFF);
            assert!(!avx2() && !avx512() && !fma() && !jit());
            scoped(Native::ON, || assert_eq!(current(), Native::ON));
            assert_eq!(current(), Native::OFF);
        });
        assert_eq!(current(), outer);
    }
}
