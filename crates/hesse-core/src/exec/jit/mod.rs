//! Native replay: scalar programs compiled to machine code with Cranelift (feature `jit`).
//!
//! A replay program made only of scalar instructions (a loss written one `Var` per coordinate:
//! W1's sigmoid network, Rosenbrock, peaks) spends most of an interpreted replay on dispatch
//! and on storing and reloading every intermediate value, not on arithmetic. Compiled, each
//! instruction is one or two machine instructions on registers, and the register allocator
//! and the processor's out-of-order core do the rest.
//!
//! **The compiled code computes exactly what the interpreter computes.** A unary op is
//! translated from its own lowering (`ops::unary::lower`; the Cranelift form of each primitive
//! is in `clif.rs`), the program of primitives whose `f64` form *is* the interpreter's kernel:
//! `+ − · /` and `√` are single correctly rounded machine operations either way; Cranelift
//! never contracts a multiplication and an addition into a fused multiply-add; compares are
//! ordered, as `Cmp` says; `exp` and every call-out (`ln`, `tanh`, `erf`, …, through the op's
//! own `extern "C"` function, or through a pointer to the op for one with a parameter) run
//! the very function the interpreter runs. Binary ops other than `+ − · /` (`max`,
//! comparisons, …) are calls to `Binary::eval`. So native, interpreted and eager results are
//! equal bit for bit (NaN payloads aside, which Rust leaves unspecified), which the
//! differential fuzzer checks on random programs.
//!
//! Compiling costs far more than one replay (tens to hundreds of microseconds for a few
//! hundred instructions), so a [`RecordedFn`](crate::RecordedFn) compiles a program only
//! once it has been replayed often enough to pay for it (see `Policy`), or when asked to.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use cranelift_codegen::ir::{AbiParam, InstBuilder, MemFlags, Signature, UserFuncName, Value, types};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module, default_libcall_names};

use crate::code_memory::CodeMemory;

use crate::exec::instr::Instr;

mod clif;

use crate::ops::{Binary, Unary};
use clif::{Clif, binary_eval, by_pointer};

/// A compiled program: `f(values, x, out)` reads the point from `x`, runs the program on the
/// arena `values` (writing its pinned slots), writes its outputs to `out` and returns the
/// value of its `ret` slot (0 without one), saving the caller a reload from the arena.
pub(crate) type Entry = unsafe extern "C" fn(*mut f64, *const f64, *mut f64) -> f64;

/// What a program is compiled from: its instructions, the slots read after it has run (which
/// it must write to the arena), where the point goes, and what it hands back.
#[derive(Clone, Debug, Default)]
pub(crate) struct Source {
    pub prog: Vec<Instr>,
    /// Slots read after the program has run: stored to the arena.
    pub pinned: Vec<u32>,
    /// `(slot, k)`: slot `slot` takes `x[k]`.
    pub inputs: Vec<(u32, u32)>,
    /// Whether the point is also stored into the arena (for a later program that reads it).
    pub store_inputs: bool,
    /// `(slot, k)`: `out[k]` takes the value of slot `slot` after the program.
    pub outputs: Vec<(u32, u32)>,
    /// The slot whose value the program returns.
    pub ret: Option<u32>,
    /// Slots read by the program whose values never change after recording, with their
    /// values: embedded in the code instead of loaded from the arena.
    pub consts: HashMap<u32, f64>,
    /// Arena length the slots were checked against.
    pub arena: usize,
}

/// Native code of one program; the code lives as long as the module.
pub(crate) struct Native {
    /// The program's functions, run in order.
    entries: Vec<Entry>,
    /// The one function of a short program with a short point (the common case, called
    /// without loops).
    single: Option<Entry>,
    /// `(slot, k)`: coordinates copied into the arena before the first function runs (long
    /// points; short ones are read by the code itself).
    copy_inputs: Vec<(u32, u32)>,
    /// Ops called through `unary_eval` / `binary_eval`, read through raw pointers baked into
    /// the code: kept alive (and never moved: boxed slices) as long as the code.
    _unary: Box<[Unary]>,
    _binary: Box<[Binary]>,
    /// The memory the code lives in (freed with it).
    _memory: CodeMemory,
    /// Whether the code was compiled for the FMA form of `exp` (see [`usable`]).
    fma: bool,
}

/// Whether code compiled with `fma` may run now: the run-time setting allows generated code
/// (`crate::native`), and its `exp` is the one the interpreter would call (the FMA form only
/// where the setting allows FMA), so that native and interpreted replays keep giving the
/// same bits when the setting changes between them.
#[inline(always)]
pub(crate) fn usable(fma: bool) -> bool {
    crate::native::jit_as_compiled(fma)
}

impl std::fmt::Debug for Native {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Native { .. }")
    }
}

impl Native {
    /// The entry point of a one-function program with a short point (see [`Native::call`]),
    /// which a caller may keep and call directly while it keeps this `Native` alive.
    pub fn single(&self) -> Option<Entry> {
        self.single
    }

    /// Whether the code was compiled for the FMA form of `exp` (see [`usable`]).
    pub fn fma(&self) -> bool {
        self.fma
    }

    /// Runs the program.
    ///
    /// # Safety
    /// `values` must be the arena of the tape the source was compiled from (at least
    /// `Source::arena` long), `x` must hold every input index and `out` every output index
    /// of the source (or be unused by it).
    #[inline(always)]
    pub unsafe fn call(&self, values: &mut [f64], x: *const f64, out: *mut f64) -> f64 {
        if let Some(e) = self.single {
            // SAFETY: as below.
            return unsafe { e(values.as_mut_ptr(), x, out) };
        }
        for &(slot, k) in &self.copy_inputs {
            // SAFETY: the caller passes a point of the recording's dimension.
            values[slot as usize] = unsafe { *x.add(k as usize) };
        }
        let v = values.as_mut_ptr();
        let mut r = 0.0;
        for e in &self.entries {
            // SAFETY: every slot was checked against the arena's length at compile time.
            r = unsafe { e(v, x, out) };
        }
        r
    }
}

/// When a recording compiles its programs to native code.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Policy {
    /// Compile a program once it has run this many times (`u64::MAX`: never).
    pub after_runs: u64,
}

/// Runs after which a program is compiled: the ski-rental rule, compile once the time spent
/// interpreting equals the time compiling takes (then never more than about twice the time
/// of the better choice in hindsight). Measured on the workloads (BENCHMARKS.md, part 8),
/// compiling a value-and-gradient program costs about 1,900 interpreted runs of it (the
/// extended Rosenbrock, 10⁵ instructions) to 5,100–15,500 (W1, W5, Rosenbrock 2-D: short
/// programs, whose compilation has a fixed part); 4,000 is within a factor of about 4 of each.
pub(crate) const DEFAULT_AFTER_RUNS: u64 = 4000;

/// A program's native state: not yet compiled (with the calls so far), compiled, or not
/// compilable (an op the compiler does not handle, or no native backend for this machine).
#[derive(Clone, Debug, Default)]
pub(crate) enum State {
    #[default]
    None,
    Waiting {
        src: Arc<Source>,
        /// Runs so far.
        runs: u64,
    },
    Ready(Arc<Native>),
    Failed,
}

impl State {
    /// A state for `src` when it is all scalar, else `None`.
    pub fn new(src: Source) -> State {
        if src.prog.iter().any(|i| matches!(i, Instr::Node(_))) {
            State::None
        } else {
            State::Waiting {
                src: Arc::new(src),
                runs: 0,
            }
        }
    }

    /// The native code to run now for a call that runs the program `repeats` times,
    /// compiling it when the runs so far have paid for it under `policy`.
    #[inline(always)]
    pub fn get(&mut self, policy: Policy, repeats: u64) -> Option<&Native> {
        if let State::Waiting { runs, .. } = self {
            *runs = runs.saturating_add(repeats);
            if *runs < policy.after_runs || !crate::native::jit() {
                return None;
            }
            self.compile_now();
        }
        match self {
            State::Ready(n) if usable(n.fma) => Some(n),
            _ => None,
        }
    }

    #[cold]
    #[inline(never)]
    fn compile_now(&mut self) {
        if let State::Waiting { src, .. } = self {
            *self = match compile(src) {
                Some(n) => State::Ready(Arc::new(n)),
                None => State::Failed,
            };
        }
    }

    /// Whether the program runs as native code.
    pub fn is_native(&self) -> bool {
        matches!(self, State::Ready(_))
    }
}

/// Instructions per compiled function. Cranelift's register allocator slows down more than
/// linearly with the number of values live at once, so a long program becomes a sequence of
/// functions of this many instructions each, handing values on through the arena.
const CHUNK: usize = 384;

/// Points with at most this many coordinates are read by the compiled code itself; longer
/// ones are copied into the arena first.
const INLINE_INPUTS: usize = 64;

/// Compiles `src`, or `None` when this machine has no Cranelift backend or compilation fails.
fn compile(src: &Source) -> Option<Native> {
    let mut flags = settings::builder();
    flags.set("opt_level", "speed").ok()?;
    flags.set("is_pic", "false").ok()?;
    flags.set("use_colocated_libcalls", "false").ok()?;
    if !cfg!(debug_assertions) {
        flags.set("enable_verifier", "false").ok()?;
    }
    let isa = cranelift_native::builder()
        .ok()?
        .finish(settings::Flags::new(flags))
        .ok()?;
    let mut module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
    let ptr = module.target_config().pointer_type();
    let mut sig = module.make_signature();
    sig.params.extend([AbiParam::new(ptr); 3]);
    sig.returns.push(AbiParam::new(types::F64));

    // Boxed so that the pointers baked into the code stay valid when `Native` moves.
    let unary: Box<[Unary]> = src
        .prog
        .iter()
        .filter_map(|i| match *i {
            Instr::Unary { op, .. } if by_pointer(op) => Some(op),
            _ => None,
        })
        .collect();
    let binary: Box<[Binary]> = src
        .prog
        .iter()
        .filter_map(|i| match *i {
            Instr::Binary { op, .. } if !native_binary(op) => Some(op),
            _ => None,
        })
        .collect();

    // What each function must leave in the arena: the pinned slots, the outputs, and every
    // value a later function reads.
    let chunks: Vec<&[Instr]> = if src.prog.is_empty() {
        vec![&[]]
    } else {
        src.prog.chunks(CHUNK).collect()
    };
    let inline_inputs = src.inputs.len() <= INLINE_INPUTS;
    let mut store: HashSet<u32> = src.pinned.iter().copied().collect();
    store.extend(src.outputs.iter().map(|&(s, _)| s));
    store.extend(src.ret);
    let mut defined_in: HashMap<u32, usize> = HashMap::new();
    // A short point is read from `x` by the first function only: it is defined there, and
    // stored to the arena when a later function reads it (else that one would read the
    // point of an earlier call).
    if inline_inputs {
        defined_in.extend(src.inputs.iter().map(|&(slot, _)| (slot, 0)));
    }
    for (c, chunk) in chunks.iter().enumerate() {
        for ins in *chunk {
            for r in reads(ins) {
                if defined_in.get(&r).is_some_and(|&d| d < c) {
                    store.insert(r);
                }
            }
            if let Some(o) = written(ins) {
                defined_in.insert(o, c);
            }
        }
    }

    let mut fctx = FunctionBuilderContext::new();
    let mut ctx = module.make_context();
    let mut ids = Vec::with_capacity(chunks.len());
    let (mut ui, mut bi) = (0usize, 0usize);
    for (c, chunk) in chunks.iter().enumerate() {
        let id = module
            .declare_function(&format!("replay{c}"), Linkage::Local, &sig)
            .ok()?;
        ctx.func.signature = sig.clone();
        ctx.func.name = UserFuncName::user(0, id.as_u32());
        let io = Io {
            consts: &src.consts,
            store_inputs: src.store_inputs,
            inputs: if c == 0 && inline_inputs { &src.inputs } else { &[] },
            outputs: if c + 1 == chunks.len() { &src.outputs } else { &[] },
            ret: if c + 1 == chunks.len() { src.ret } else { None },
        };
        let ops = Ops {
            unary: &unary,
            binary: &binary,
            ui: &mut ui,
            bi: &mut bi,
        };
        build(
            &mut ctx.func,
            &mut fctx,
            &module,
            chunk,
            &store,
            io,
            ops,
            src.arena,
        )?;
        module.define_function(id, &mut ctx).ok()?;
        module.clear_context(&mut ctx);
        ids.push(id);
    }
    module.finalize_definitions().ok()?;
    let entries: Vec<Entry> = ids
        .into_iter()
        .map(|id| {
            let code = module.get_finalized_function(id);
            // SAFETY: declared with the signature of `Entry` in the platform's default
            // calling convention, which is `extern "C"`.
            unsafe { std::mem::transmute::<*const u8, Entry>(code) }
        })
        .collect();
    let single = match entries.as_slice() {
        [e] if inline_inputs => Some(*e),
        _ => None,
    };
    Some(Native {
        entries,
        single,
        copy_inputs: if inline_inputs {
            Vec::new()
        } else {
            src.inputs.clone()
        },
        _unary: unary,
        _binary: binary,
        _memory: CodeMemory::new(module),
        fma: crate::native::fma(),
    })
}

/// Slots an instruction reads.
pub(crate) fn reads(ins: &Instr) -> impl Iterator<Item = u32> {
    let (a, b) = match *ins {
        Instr::Unary { x, .. } => (Some(x), None),
        Instr::Binary { a, b, .. } => (Some(a), Some(b)),
        Instr::Node(_) => (None, None),
    };
    a.into_iter().chain(b)
}

/// The slot an instruction writes.
fn written(ins: &Instr) -> Option<u32> {
    match *ins {
        Instr::Unary { out, .. } | Instr::Binary { out, .. } => Some(out),
        Instr::Node(_) => None,
    }
}

/// The point coordinates a function reads and the outputs it writes.
struct Io<'a> {
    consts: &'a HashMap<u32, f64>,
    store_inputs: bool,
    inputs: &'a [(u32, u32)],
    outputs: &'a [(u32, u32)],
    ret: Option<u32>,
}

/// The ops called through a pointer to themselves, in program order, and how many of each
/// the functions built so far have used.
struct Ops<'a> {
    unary: &'a [Unary],
    binary: &'a [Binary],
    ui: &'a mut usize,
    bi: &'a mut usize,
}

/// Builds one function: the instructions `prog`, reading earlier values from the arena and
/// leaving the `store` slots in it.
#[allow(clippy::too_many_arguments)]
fn build(
    func: &mut cranelift_codegen::ir::Function,
    fctx: &mut FunctionBuilderContext,
    module: &JITModule,
    prog: &[Instr],
    store: &HashSet<u32>,
    io: Io<'_>,
    ops: Ops<'_>,
    arena: usize,
) -> Option<()> {
    let ptr = module.target_config().pointer_type();
    let call_conv = module.target_config().default_call_conv;
    let mut b = FunctionBuilder::new(func, fctx);
    let block = b.create_block();
    b.append_block_params_for_function_params(block);
    b.switch_to_block(block);
    b.seal_block(block);
    let params = b.block_params(block).to_vec();
    let (values, x, out) = (params[0], params[1], params[2]);
    let mem = MemFlags::trusted();

    let sig = |params: &[types::Type]| {
        let mut s = Signature::new(call_conv);
        s.params.extend(params.iter().map(|&t| AbiParam::new(t)));
        s.returns.push(AbiParam::new(types::F64));
        s
    };
    let f64_sig = b.import_signature(sig(&[types::F64]));
    let ptr_f64_sig = b.import_signature(sig(&[ptr, types::F64]));
    let ptr_f64_f64_sig = b.import_signature(sig(&[ptr, types::F64, types::F64]));

    let offset = |s: u32| -> Option<i32> {
        if (s as usize) < arena {
            i32::try_from(s as usize * 8).ok()
        } else {
            None
        }
    };
    // The SSA value of every slot defined (or already loaded) in this function.
    let mut reg: HashMap<u32, Value> = HashMap::new();
    for &(slot, k) in io.inputs {
        let v = b
            .ins()
            .load(types::F64, mem, x, i32::try_from(k as usize * 8).ok()?);
        if io.store_inputs || store.contains(&slot) {
            b.ins().store(mem, v, values, offset(slot)?);
        }
        reg.insert(slot, v);
    }
    let get = |b: &mut FunctionBuilder, reg: &mut HashMap<u32, Value>, s: u32| -> Option<Value> {
        Some(match reg.get(&s) {
            Some(&v) => v,
            None => {
                let v = match io.consts.get(&s) {
                    Some(&c) => b.ins().f64const(c),
                    None => b.ins().load(types::F64, mem, values, offset(s)?),
                };
                reg.insert(s, v);
                v
            }
        })
    };
    for ins in prog {
        let (res, slot) = match *ins {
            Instr::Unary { op, x: a, out: o } => {
                let a = get(&mut b, &mut reg, a)?;
                let at = by_pointer(op).then(|| {
                    *ops.ui += 1;
                    &ops.unary[*ops.ui - 1] as *const Unary
                });
                let mut clif = Clif {
                    b: &mut b,
                    op,
                    at,
                    ptr,
                    f64_sig,
                    ptr_f64_sig,
                };
                (op.lower(&mut clif, a), o)
            }
            Instr::Binary { op, a, b: c, out: o } => {
                let (a, c) = (get(&mut b, &mut reg, a)?, get(&mut b, &mut reg, c)?);
                let r = match op {
                    Binary::Add => b.ins().fadd(a, c),
                    Binary::Sub => b.ins().fsub(a, c),
                    Binary::Mul => b.ins().fmul(a, c),
                    Binary::Div => b.ins().fdiv(a, c),
                    _ => {
                        let p = b.ins().iconst(ptr, &ops.binary[*ops.bi] as *const Binary as i64);
                        *ops.bi += 1;
                        let f = b.ins().iconst(ptr, binary_eval as *const () as usize as i64);
                        let call = b.ins().call_indirect(ptr_f64_f64_sig, f, &[p, a, c]);
                        b.inst_results(call)[0]
                    }
                };
                (r, o)
            }
            Instr::Node(_) => return None,
        };
        if store.contains(&slot) {
            b.ins().store(mem, res, values, offset(slot)?);
        }
        reg.insert(slot, res);
    }
    for &(slot, k) in io.outputs {
        let v = get(&mut b, &mut reg, slot)?;
        b.ins().store(mem, v, out, i32::try_from(k as usize * 8).ok()?);
    }
    let r = match io.ret {
        Some(slot) => get(&mut b, &mut reg, slot)?,
        None => b.ins().f64const(0.0),
    };
    b.ins().return_(&[r]);
    b.finalize();
    Some(())
}

/// Binary ops that are one machine instruction.
fn native_binary(op: Binary) -> bool {
    matches!(op, Binary::Add | Binary::Sub | Binary::Mul | Binary::Div)
}
