//! Tile programs as AVX-512 machine code.
//!
//! The tile executor (`exec/fused/tiles/`) interprets a region's tile program: every
//! instruction is a jump on its variant, and every value read later is stored to a scratch
//! tile and loaded back. For a region such as W5's batched `peaks` value and gradient (125
//! instructions per tile, three `exp`), that bookkeeping costs about as much as the
//! arithmetic. Here the same program becomes straight-line AVX-512 code, assembled with
//! iced-x86 and loaded through cranelift-jit's memory: the program's temporaries live in
//! vector registers, `U` vectors of eight values run side by side (as many as the registers
//! allow, for instruction-level parallelism), constants are broadcast from memory, and the
//! last, partial vectors run under masks (measured gains: BENCHMARKS.md, "Measured design
//! decisions").
//!
//! **Bit-for-bit.** Each instruction performs the IEEE operation the tile executor performs
//! for it, on the same operands in the same order: `−x` flips the sign bit, `|x|` clears it,
//! `powi` is the same square-and-multiply loop from 1, stores of pads write `x + 0.0`, and sums
//! add element i into lane i mod 8 in element order (masked in the last vector, where the tile
//! executor adds −0.0: the same bits). `exp` is `exp::exp_avx512` instruction for instruction:
//! glibc's FMA form, the table read by eight 16-byte loads; arguments below 2⁻⁵⁴ in magnitude give
//! 1.0 (what glibc's `exp` returns for them: `1 + x` rounds to 1). Arguments of magnitude 512
//! and more (overflow, underflow, subnormal results, ±∞, NaN) take glibc's special paths: the
//! code stops and reports it, and the region runs on the tile executor instead, whose `exp`
//! calls `f64::exp` for them. So that this restart gives the same result, a program is
//! compiled only if running it again from the start recomputes the same values: no buffer
//! position it writes is read by another of its operands, or by the same operand before the
//! program writes it; its sums are written back only when the run completes.
//!
//! Programs with other slice kernels (`tanh`, …) are not compiled: their kernels run on the
//! tile executor.
//!
//! Here the compiled [`Code`] and what the compiler takes; the code generator in [`emit`],
//! the register plan of an elementwise op in [`regs`] and its code in [`unary`].

use std::collections::HashMap;
use std::sync::Arc;

use cranelift_codegen::settings;
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module, default_libcall_names};
use iced_x86::code_asm::CodeAssembler;

mod emit;
mod regs;
mod unary;

use super::step::{BUFS, MAX_SUMS, ptr};
use super::tiles::{Program, Slot, TOp};
use crate::code_memory::CodeMemory;
use crate::ops::reduce::SUM_LANES;
use emit::Gen;
use regs::SCRATCH;

/// The compiled program: `slots[k]` is the address of slot k's element 0 (or of its single
/// value), `consts` the program's constant pool, `n` the number of elements, `lanes` the sums'
/// lanes (`MAX_SUMS` × 8, added into). Returns 0, or 1 if an `exp` argument took a special
/// path (nothing read by the caller has been written: see the module docs).
type Entry =
    unsafe extern "sysv64" fn(slots: *const *const f64, consts: *const u64, n: usize, lanes: *mut f64) -> u64;

/// A region's tile program in machine code (see the module docs).
pub(super) struct Code {
    entry: Entry,
    /// The constant pool the code reads (never moved: a boxed slice).
    consts: Box<[u64]>,
    /// Vectors side by side in the main loop (shown by `Debug`).
    vectors: usize,
    /// The slots stored non-temporally (bit k: slot k; shown by `Debug`).
    stream: u64,
    /// The memory the code lives in (freed with it).
    _memory: CodeMemory,
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.stream == 0 {
            write!(f, "Code {{ vectors: {} }}", self.vectors)
        } else {
            write!(
                f,
                "Code {{ vectors: {}, stream: {:#x} }}",
                self.vectors, self.stream
            )
        }
    }
}

impl Code {
    /// Runs the program over the region's elements `start..len`, adding element i of a sum
    /// into lane (i − start) mod 8 of `lanes`; `false` if it stopped at a special `exp`
    /// argument (then nothing the region's readers read, nor `lanes`, has changed in a way
    /// a run from the start does not redo).
    ///
    /// # Safety
    /// The CPU must support AVX-512F and FMA; each buffer `v[k]` holds every element the
    /// program touches for elements `0..len`; the point and direction buffers are not
    /// written; `start ≤ len`; with streamed slots, each streamed slot's element `start` is
    /// 64-byte aligned.
    pub(super) unsafe fn run(
        &self,
        prog: &Program,
        v: &[*mut f64; BUFS],
        start: usize,
        len: usize,
        lanes: &mut [[f64; SUM_LANES]; MAX_SUMS],
    ) -> bool {
        let mut tab = [std::ptr::null::<f64>(); super::tiles::MAX_SLOTS];
        for (t, s) in tab.iter_mut().zip(&prog.slots) {
            *t = match *s {
                Slot::Temp(_) => std::ptr::null(),
                // SAFETY: the slot's positions lie inside its buffer (the caller's guarantee).
                Slot::Mem(at, k) => unsafe { ptr(v, at, start * k as usize) },
                Slot::Scalar(at) => unsafe { ptr(v, at, 0) },
            };
        }
        debug_assert!(
            (0..prog.slots.len()).all(|k| self.stream >> k & 1 == 0 || tab[k] as usize % 64 == 0),
            "native: a streamed slot is not aligned"
        );
        // SAFETY: the code reads and writes only the slots' elements start..len (masked loads
        // and stores in the last vectors, a column gather's last vector masked to its 15
        // values) and the constant pool, non-temporal stores only at aligned addresses; the
        // CPU has the instruction set (the caller's guarantee).
        unsafe {
            (self.entry)(
                tab.as_ptr(),
                self.consts.as_ptr(),
                len - start,
                lanes.as_mut_ptr().cast(),
            ) == 0
        }
    }
}

/// A region's machine code with non-temporal stores, one per set of streamed slots (the
/// alignments of the caller's buffers decide the set), assembled at the first run that
/// streams it; at most [`Streamed::MAX`] sets, later ones run with ordinary stores.
#[derive(Debug, Default)]
pub(super) struct Streamed(std::sync::Mutex<Vec<(u64, Option<Arc<Code>>)>>);

impl Clone for Streamed {
    fn clone(&self) -> Streamed {
        Streamed(std::sync::Mutex::new(self.lock().clone()))
    }
}

impl Streamed {
    const MAX: usize = 4;

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(u64, Option<Arc<Code>>)>> {
        // A panic while holding it leaves a complete list (pushes only).
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The code of `prog` over `len` elements streaming the slots of `stream`.
    pub(super) fn get(&self, prog: &Program, len: usize, stream: u64) -> Option<Arc<Code>> {
        let mut codes = self.lock();
        if let Some((_, code)) = codes.iter().find(|(s, _)| *s == stream) {
            return code.clone();
        }
        if codes.len() >= Self::MAX {
            return None;
        }
        let code = compile(prog, len, stream);
        codes.push((stream, code.clone()));
        code
    }
}

/// Whether the code may run now: this CPU runs it (AVX-512F and FMA) and the run-time
/// setting allows generated code and AVX-512 (`crate::native`).
pub(super) fn available() -> bool {
    crate::native::jit() && crate::native::avx512() && std::arch::is_x86_feature_detected!("fma")
}

/// The machine code of a tile program over `len` elements, if the CPU runs it and the program
/// is one this compiler takes (see the module docs), storing the whole vectors of the slots
/// in `stream` non-temporally (bit k: slot k; only slots of `Program::streamable`).
pub(super) fn compile(prog: &Program, len: usize, stream: u64) -> Option<Arc<Code>> {
    if !available() || !supported(prog) || !restartable(prog, len) {
        return None;
    }
    debug_assert!(
        (0..64).all(|k| stream >> k & 1 == 0 || prog.streamable().any(|(s, _)| s as usize == k)),
        "native: streaming a slot the program reads"
    );
    let temps: Vec<Option<usize>> = {
        let mut n = 0;
        prog.slots
            .iter()
            .map(|s| {
                matches!(s, Slot::Temp(_)).then(|| {
                    n += 1;
                    n - 1
                })
            })
            .collect()
    };
    let ntemps = temps.iter().flatten().count();
    let nsum = prog
        .ops
        .iter()
        .filter_map(|op| match *op {
            TOp::Sum { acc, .. } => Some(acc as usize + 1),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    // Vectors side by side: each needs an accumulator, a scratch register and its temporaries.
    let vectors = [4, 2, 1]
        .into_iter()
        .find(|u| nsum + SCRATCH + u * (2 + ntemps) <= 32)?;
    let mut g = Gen {
        a: CodeAssembler::new(64).ok()?,
        consts: Vec::new(),
        index: HashMap::new(),
        prog,
        temps,
        ntemps,
        nsum,
        stream,
    };
    let bytes = g.function(vectors).ok()?;
    let consts = g.consts.into_boxed_slice();
    let (module, entry) = load(&bytes)?;
    Some(Arc::new(Code {
        // SAFETY: the bytes are a function with the signature of `Entry` (System V).
        entry: unsafe { std::mem::transmute::<*const u8, Entry>(entry) },
        consts,
        vectors,
        stream,
        _memory: CodeMemory::new(module),
    }))
}

/// Loads machine code into executable memory.
fn load(bytes: &[u8]) -> Option<(JITModule, *const u8)> {
    let isa = cranelift_native::builder()
        .ok()?
        .finish(settings::Flags::new(settings::builder()))
        .ok()?;
    let mut module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
    let sig = module.make_signature();
    let id = module.declare_function("tiles", Linkage::Local, &sig).ok()?;
    module.define_function_bytes(id, 64, bytes, &[]).ok()?;
    module.finalize_definitions().ok()?;
    let entry = module.get_finalized_function(id);
    Some((module, entry))
}

/// Whether every instruction is one this compiler emits, on the slots it expects.
fn supported(prog: &Program) -> bool {
    let is = |s: u16, scale: u8| match prog.slots[s as usize] {
        Slot::Mem(_, k) => k == scale,
        _ => scale == 1,
    };
    let mem = |s: u16, scale: u8| matches!(prog.slots[s as usize], Slot::Mem(_, k) if k == scale);
    prog.ops.iter().all(|op| match *op {
        TOp::Unary(u) => regs::plan(u).is_some(),
        TOp::Gather2(s) => mem(s, 2),
        TOp::Scatter2 { a, b, at } => a.is_none_or(|s| is(s, 1)) && b.is_none_or(|s| is(s, 1)) && mem(at, 2),
        TOp::Pad1 { x, at } => x.is_none_or(|s| is(s, 1)) && mem(at, 1),
        TOp::Store(s) => !matches!(prog.slots[s as usize], Slot::Scalar(_)) && is(s, 1),
        _ => op.reads().all(|s| is(s, 1)),
    })
}

/// Whether running the program again from the start recomputes what it computed: no buffer
/// position it writes is read by another slot, or by the same slot before the program writes
/// that slot (see the module docs).
fn restartable(prog: &Program, len: usize) -> bool {
    let range = |s: usize| match prog.slots[s] {
        Slot::Mem(at, k) => Some((at.buf, at.off..at.off + k as usize * len)),
        Slot::Scalar(at) => Some((at.buf, at.off..at.off + 1)),
        Slot::Temp(_) => None,
    };
    let written: Vec<usize> = (0..prog.slots.len())
        .filter(|&s| prog.ops.iter().any(|op| op.writes() == Some(s as u16)))
        .collect();
    written.iter().all(|&w| {
        let Some((buf, r)) = range(w) else {
            return true;
        };
        let others = (0..prog.slots.len())
            .filter(|&s| s != w)
            .all(|s| range(s).is_none_or(|(b, q)| b != buf || q.end <= r.start || r.end <= q.start));
        let first = prog
            .ops
            .iter()
            .find(|op| op.writes() == Some(w as u16) || op.reads().any(|s| s == w as u16));
        others && first.is_some_and(|op| op.writes() == Some(w as u16) && op.reads().all(|s| s != w as u16))
    })
}
