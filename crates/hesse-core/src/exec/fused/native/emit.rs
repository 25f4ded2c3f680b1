//! The code generator of a tile program ([`Gen`]): its registers (sums, scratch, per vector
//! an accumulator, a scratch and the temporaries), its constant pool and the masks of the
//! last vectors, and the emission of the function, its loops and each instruction
//! (elementwise ops: `unary.rs`).

use std::collections::HashMap;

use iced_x86::IcedError;
use iced_x86::code_asm::*;

use super::regs::SCRATCH;
use crate::exec::fused::tiles::{Program, Slot, TOp};
use crate::ops::exp;
use crate::streaming::PREFETCH;

/// Values per vector register.
const L: usize = 8;

/// The 32 vector registers.
const Z: [AsmRegisterZmm; 32] = [
    zmm0, zmm1, zmm2, zmm3, zmm4, zmm5, zmm6, zmm7, zmm8, zmm9, zmm10, zmm11, zmm12, zmm13, zmm14, zmm15,
    zmm16, zmm17, zmm18, zmm19, zmm20, zmm21, zmm22, zmm23, zmm24, zmm25, zmm26, zmm27, zmm28, zmm29, zmm30,
    zmm31,
];

/// Masks of the last vectors, in the constant pool by the vector's count of valid elements
/// (0..=8): its elements, the values a column gather loads (2n − 1, in two registers), and
/// the values a store of two columns writes (2n, in two registers).
#[derive(Clone, Copy)]
enum Mask {
    Valid,
    GatherLo,
    GatherHi,
    ScatterLo,
    ScatterHi,
}

const MASKS: [Mask; 5] = [
    Mask::Valid,
    Mask::GatherLo,
    Mask::GatherHi,
    Mask::ScatterLo,
    Mask::ScatterHi,
];

impl Mask {
    /// The bits of the mask for `n` valid elements.
    fn bits(self, n: u32) -> u64 {
        let ones = |k: u32| (1u64 << k) - 1;
        let (pairs, scatter) = ((2 * n).saturating_sub(1), 2 * n);
        match self {
            Mask::Valid => ones(n),
            Mask::GatherLo => ones(pairs.min(8)),
            Mask::GatherHi => ones(pairs.saturating_sub(8)),
            Mask::ScatterLo => ones(scatter.min(8)),
            Mask::ScatterHi => ones(scatter.saturating_sub(8)),
        }
    }

    /// The register that holds it (k1: the 15-value gather of a whole vector; k7: `exp`).
    fn reg(self) -> AsmRegisterK {
        match self {
            Mask::Valid => k2,
            Mask::GatherLo => k3,
            Mask::GatherHi => k4,
            Mask::ScatterLo => k5,
            Mask::ScatterHi => k6,
        }
    }
}

/// The low 256 bits of a vector register.
fn ymm_of(r: AsmRegisterZmm) -> AsmRegisterYmm {
    YMM[Z.iter().position(|&z| z == r).expect("a vector register")]
}

/// The low 128 bits of a vector register.
fn xmm_of(r: AsmRegisterZmm) -> AsmRegisterXmm {
    XMM[Z.iter().position(|&z| z == r).expect("a vector register")]
}

const YMM: [AsmRegisterYmm; 32] = [
    ymm0, ymm1, ymm2, ymm3, ymm4, ymm5, ymm6, ymm7, ymm8, ymm9, ymm10, ymm11, ymm12, ymm13, ymm14, ymm15,
    ymm16, ymm17, ymm18, ymm19, ymm20, ymm21, ymm22, ymm23, ymm24, ymm25, ymm26, ymm27, ymm28, ymm29, ymm30,
    ymm31,
];
const XMM: [AsmRegisterXmm; 32] = [
    xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7, xmm8, xmm9, xmm10, xmm11, xmm12, xmm13, xmm14, xmm15,
    xmm16, xmm17, xmm18, xmm19, xmm20, xmm21, xmm22, xmm23, xmm24, xmm25, xmm26, xmm27, xmm28, xmm29, xmm30,
    xmm31,
];

/// `$x{k}`: an operand under the mask register `$k` (iced-x86 names each mask in a method).
macro_rules! under_mask {
    ($x:expr, $k:expr) => {
        match $k {
            k if k == k1 => $x.k1(),
            k if k == k2 => $x.k2(),
            k if k == k3 => $x.k3(),
            k if k == k4 => $x.k4(),
            k if k == k5 => $x.k5(),
            k if k == k6 => $x.k6(),
            _ => $x.k7(),
        }
    };
}

/// `r{k}`: a register under a mask register.
fn masked(r: AsmRegisterZmm, k: AsmRegisterK) -> AsmRegisterZmm {
    under_mask!(r, k)
}

/// `m{k}`: a memory operand under a mask register.
fn masked_mem(m: AsmMemoryOperand, k: AsmRegisterK) -> AsmMemoryOperand {
    under_mask!(m, k)
}

/// A second source: a register or memory (a whole vector, or one value broadcast).
enum Src {
    Reg(AsmRegisterZmm),
    Mem(AsmMemoryOperand),
}

/// `$a.$op(d, x, src)` for either kind of `src`.
macro_rules! op3 {
    ($a:expr, $op:ident, $d:expr, $x:expr, $src:expr) => {
        match $src {
            Src::Reg(r) => $a.$op($d, $x, r),
            Src::Mem(m) => $a.$op($d, $x, m),
        }
    };
}

/// The code generator of one program.
pub(super) struct Gen<'p> {
    pub(super) a: CodeAssembler,
    /// The constant pool, and the offset of each scalar constant in it.
    pub(super) consts: Vec<u64>,
    pub(super) index: HashMap<u64, i32>,
    pub(super) prog: &'p Program,
    /// The temporary number of each slot that is a temporary.
    pub(super) temps: Vec<Option<usize>>,
    pub(super) ntemps: usize,
    pub(super) nsum: usize,
    /// The buffer slots whose whole vectors are stored non-temporally (bit k: slot k), which
    /// the caller aligns to 64 bytes (see [`crate::streaming`]); 0 for ordinary stores only.
    pub(super) stream: u64,
}

/// Registers: sums, then scratch, then per vector an accumulator, a scratch and temporaries.
impl Gen<'_> {
    fn sum(&self, k: usize) -> AsmRegisterZmm {
        Z[k]
    }
    pub(super) fn e(&self, i: usize) -> AsmRegisterZmm {
        Z[self.nsum + i]
    }
    fn base(&self, u: usize) -> usize {
        self.nsum + SCRATCH + u * (2 + self.ntemps)
    }
    pub(super) fn acc(&self, u: usize) -> AsmRegisterZmm {
        Z[self.base(u)]
    }
    pub(super) fn scr(&self, u: usize) -> AsmRegisterZmm {
        Z[self.base(u) + 1]
    }
    fn temp(&self, u: usize, slot: u16) -> AsmRegisterZmm {
        Z[self.base(u) + 2 + self.temps[slot as usize].expect("a temporary")]
    }

    /// The byte offset of a scalar constant in the pool.
    pub(super) fn k(&mut self, bits: u64) -> i32 {
        if let Some(&o) = self.index.get(&bits) {
            return o;
        }
        let o = 8 * self.consts.len() as i32;
        self.consts.push(bits);
        self.index.insert(bits, o);
        o
    }
    fn kf(&mut self, x: f64) -> i32 {
        self.k(x.to_bits())
    }
    /// The byte offset of a vector constant (eight values).
    fn vk(&mut self, v: [u64; 8]) -> i32 {
        while self.consts.len() % 8 != 0 {
            self.consts.push(0);
        }
        let o = 8 * self.consts.len() as i32;
        self.consts.extend(v);
        o
    }
    /// One value of the pool, broadcast.
    pub(super) fn bcst(&mut self, x: f64) -> AsmMemoryOperand {
        qword_bcst(rsi + self.kf(x))
    }
    /// One value of the pool, broadcast to a register.
    pub(super) fn splat(&mut self, d: AsmRegisterZmm, x: f64) -> Result<(), IcedError> {
        let o = self.kf(x);
        self.a.vbroadcastsd(d, qword_ptr(rsi + o))
    }

    /// The whole function: the main loop over `vectors` vectors at a time, then the last
    /// elements one vector at a time under masks.
    pub(super) fn function(&mut self, vectors: usize) -> Result<Vec<u8>, IcedError> {
        // Registers: rdi slots, rsi constants, rdx n, rcx lanes; r8 = 8·(first element),
        // r9 = 16·(first element) (two-column slots), r10 elements left, r11 the last
        // vectors' count, rax addresses.
        let mask_at: Vec<i32> = MASKS
            .iter()
            .map(|m| {
                let o = 8 * self.consts.len() as i32;
                self.consts.extend((0..=L as u32).map(|n| m.bits(n)));
                o
            })
            .collect();
        let (mut main, mut tail, mut each, mut done, mut bail) = (
            self.a.create_label(),
            self.a.create_label(),
            self.a.create_label(),
            self.a.create_label(),
            self.a.create_label(),
        );
        // 64 bytes of stack for `exp`'s table indices (not the red zone: Windows has none).
        self.a.sub(rsp, 64)?;
        for k in 0..self.nsum {
            let s = self.sum(k);
            self.a.vmovupd(s, zmmword_ptr(rcx + 64 * k as i32))?;
        }
        self.a.mov(eax, 0x7f)?;
        self.a.kmovw(k1, eax)?;
        self.a.xor(r8d, r8d)?;
        self.a.xor(r9d, r9d)?;
        self.a.mov(r10, rdx)?;
        // rdx: the address of `exp`'s table.
        let table = self.k(exp::TABLE.as_ptr() as u64);
        self.a.mov(rdx, qword_ptr(rsi + table))?;
        let step = (L * vectors) as i32;
        self.a.cmp(r10, step)?;
        self.a.jb(tail)?;
        self.a.set_label(&mut main)?;
        self.body(vectors, false, bail)?;
        self.a.add(r8, 8 * step)?;
        self.a.add(r9, 16 * step)?;
        self.a.sub(r10, step)?;
        self.a.cmp(r10, step)?;
        self.a.jae(main)?;
        self.a.set_label(&mut tail)?;
        self.a.test(r10, r10)?;
        self.a.jz(done)?;
        self.a.set_label(&mut each)?;
        self.a.mov(r11d, L as u32)?;
        self.a.cmp(r10, L as i32)?;
        self.a.cmovb(r11, r10)?;
        for (m, &o) in MASKS.iter().zip(&mask_at) {
            self.a.mov(eax, dword_ptr(rsi + r11 * 8 + o))?;
            self.a.kmovw(m.reg(), eax)?;
        }
        self.body(1, true, bail)?;
        self.a.add(r8, 8 * L as i32)?;
        self.a.add(r9, 16 * L as i32)?;
        self.a.sub(r10, r11)?;
        self.a.jnz(each)?;
        self.a.set_label(&mut done)?;
        for k in 0..self.nsum {
            let s = self.sum(k);
            self.a.vmovupd(zmmword_ptr(rcx + 64 * k as i32), s)?;
        }
        if self.stream != 0 {
            // Non-temporal stores are weakly ordered: visible to other threads before what
            // follows (a lock's release does not order them).
            self.a.sfence()?;
        }
        self.a.xor(eax, eax)?;
        self.a.add(rsp, 64)?;
        self.a.vzeroupper()?;
        self.a.ret()?;
        self.a.set_label(&mut bail)?;
        if self.stream != 0 {
            self.a.sfence()?;
        }
        self.a.mov(eax, 1)?;
        self.a.add(rsp, 64)?;
        self.a.vzeroupper()?;
        self.a.ret()?;
        self.a.assemble(0)
    }

    /// The program once, for `vectors` vectors side by side (instruction by instruction), under
    /// the last vector's masks if `last`.
    fn body(&mut self, vectors: usize, last: bool, bail: CodeLabel) -> Result<(), IcedError> {
        if self.stream != 0 && !last {
            self.prefetch(vectors)?;
        }
        for k in 0..self.prog.ops.len() {
            let op = self.prog.ops[k];
            for u in 0..vectors {
                self.op(op, u, last, bail)?;
            }
        }
        Ok(())
    }

    /// Code that streams its results runs over data past the caches: it asks for the lines of
    /// what it reads [`PREFETCH`] bytes ahead of the loop, one prefetch per line of each
    /// buffer slot of `Program::prefetched`. The hardware prefetcher does
    /// not cross 4 KB pages; these do, and start the page walks early (measured: the
    /// Rosenbrock's value and gradient at n = 10⁷ 1.12 → 0.78 ns per element with
    /// non-temporal stores, BENCHMARKS.md part 12).
    fn prefetch(&mut self, vectors: usize) -> Result<(), IcedError> {
        for s in self.prog.prefetched() {
            let Slot::Mem(_, k) = self.prog.slots[s as usize] else {
                unreachable!("a prefetched slot is a buffer slot")
            };
            self.slot_base(s)?;
            let (index, bytes) = if k == 1 { (r8, 64) } else { (r9, 128) };
            for line in 0..vectors * bytes / 64 {
                self.a
                    .prefetcht0(byte_ptr(rax + index + (PREFETCH + 64 * line) as i32))?;
            }
        }
        Ok(())
    }

    /// Stores `x` to the vector at `m` of buffer slot `s`: under the mask `k` in the last
    /// vectors, non-temporally in whole vectors of a streamed slot (aligned by the caller).
    fn store(
        &mut self,
        s: u16,
        m: AsmMemoryOperand,
        x: AsmRegisterZmm,
        last: bool,
        k: AsmRegisterK,
    ) -> Result<(), IcedError> {
        if last {
            self.a.vmovupd(masked_mem(m, k), x)
        } else if self.stream >> s & 1 == 1 {
            self.a.vmovntpd(m, x)
        } else {
            self.a.vmovupd(m, x)
        }
    }

    /// `rax` = the address of slot `s`'s element 0 (or single value).
    fn slot_base(&mut self, s: u16) -> Result<(), IcedError> {
        self.a.mov(rax, qword_ptr(rdi + 8 * s as i32))
    }

    /// Vector `u` of a one-value-per-element buffer slot, after [`Gen::slot_base`].
    fn at1(&self, u: usize) -> AsmMemoryOperand {
        zmmword_ptr(rax + r8 + 64 * u as i32)
    }

    /// The values of slot `s` for vector `u` in a register: the temporary's own, or loaded
    /// into `into`.
    fn reg_of(
        &mut self,
        s: u16,
        u: usize,
        last: bool,
        into: AsmRegisterZmm,
    ) -> Result<AsmRegisterZmm, IcedError> {
        match self.prog.slots[s as usize] {
            Slot::Temp(_) => Ok(self.temp(u, s)),
            Slot::Scalar(_) => {
                self.slot_base(s)?;
                self.a.vbroadcastsd(into, qword_ptr(rax))?;
                Ok(into)
            }
            Slot::Mem(..) => {
                self.slot_base(s)?;
                let m = self.at1(u);
                if last {
                    self.a.vmovupd(masked(into, k2).z(), m)?;
                } else {
                    self.a.vmovupd(into, m)?;
                }
                Ok(into)
            }
        }
    }

    /// Slot `s` for vector `u` as a second source (memory where it can be).
    fn src(&mut self, s: u16, u: usize, last: bool) -> Result<Src, IcedError> {
        Ok(match self.prog.slots[s as usize] {
            Slot::Temp(_) => Src::Reg(self.temp(u, s)),
            Slot::Scalar(_) => {
                self.slot_base(s)?;
                Src::Mem(qword_bcst(rax))
            }
            Slot::Mem(..) if !last => {
                self.slot_base(s)?;
                Src::Mem(self.at1(u))
            }
            Slot::Mem(..) => Src::Reg(self.reg_of(s, u, last, self.scr(u))?),
        })
    }

    /// A register holding `x` (a slot, or the accumulator).
    fn x_of(
        &mut self,
        x: Option<u16>,
        u: usize,
        last: bool,
        into: AsmRegisterZmm,
    ) -> Result<AsmRegisterZmm, IcedError> {
        match x {
            Some(s) => self.reg_of(s, u, last, into),
            None => Ok(self.acc(u)),
        }
    }

    /// One instruction of the program for vector `u`.
    fn op(&mut self, op: TOp, u: usize, last: bool, bail: CodeLabel) -> Result<(), IcedError> {
        let (acc, scr) = (self.acc(u), self.scr(u));
        match op {
            TOp::Load(s) => {
                let r = self.reg_of(s, u, last, acc)?;
                if r != acc {
                    self.a.vmovapd(acc, r)?;
                }
            }
            TOp::Store(s) => match self.prog.slots[s as usize] {
                Slot::Temp(_) => {
                    let t = self.temp(u, s);
                    self.a.vmovapd(t, acc)?;
                }
                _ => {
                    self.slot_base(s)?;
                    let m = self.at1(u);
                    self.store(s, m, acc, last, k2)?;
                }
            },
            TOp::Gather2(s) => {
                // `acc[j] = slot[2j]`: the 15 values from slot[0] (the 16th, the other column's
                // element of the last row, may lie past the buffer), even ones picked.
                self.slot_base(s)?;
                let (lo, hi) = (
                    zmmword_ptr(rax + r9 + 128 * u as i32),
                    zmmword_ptr(rax + r9 + 128 * u as i32 + 64),
                );
                let e0 = self.e(0);
                if last {
                    self.a.vmovupd(masked(acc, k3).z(), lo)?;
                    self.a.vmovupd(masked(e0, k4).z(), hi)?;
                } else {
                    self.a.vmovupd(acc, lo)?;
                    self.a.vmovupd(masked(e0, k1).z(), hi)?;
                }
                let o = self.vk([0, 2, 4, 6, 8, 10, 12, 14]);
                self.a.vmovupd(scr, zmmword_ptr(rsi + o))?;
                self.a.vpermt2pd(acc, scr, e0)?;
            }
            TOp::Unary(op) => self.unary(op, u, last, bail)?,
            TOp::AddL(s) => {
                let b = self.src(s, u, last)?;
                op3!(self.a, vaddpd, acc, acc, b)?;
            }
            TOp::SubL(s) => {
                let b = self.src(s, u, last)?;
                op3!(self.a, vsubpd, acc, acc, b)?;
            }
            TOp::MulL(s) => {
                let b = self.src(s, u, last)?;
                op3!(self.a, vmulpd, acc, acc, b)?;
            }
            TOp::DivL(s) => {
                let b = self.src(s, u, last)?;
                op3!(self.a, vdivpd, acc, acc, b)?;
            }
            TOp::AddR(s) => {
                let a = self.reg_of(s, u, last, scr)?;
                self.a.vaddpd(acc, a, acc)?;
            }
            TOp::SubR(s) => {
                let a = self.reg_of(s, u, last, scr)?;
                self.a.vsubpd(acc, a, acc)?;
            }
            TOp::MulR(s) => {
                let a = self.reg_of(s, u, last, scr)?;
                self.a.vmulpd(acc, a, acc)?;
            }
            TOp::DivR(s) => {
                let a = self.reg_of(s, u, last, scr)?;
                self.a.vdivpd(acc, a, acc)?;
            }
            TOp::Pad1 { x, at } => {
                let x = self.x_of(x, u, last, scr)?;
                let (e1, zero) = (self.e(1), self.bcst(0.0));
                self.a.vaddpd(e1, x, zero)?;
                self.slot_base(at)?;
                let m = self.at1(u);
                self.store(at, m, e1, last, k2)?;
            }
            TOp::Scatter2 { a, b, at } => {
                // `at[2j] = a[j] + 0.0`, `at[2j + 1] = b[j] + 0.0`: interleaved by two
                // permutations, stored as two vectors.
                let x = self.x_of(a, u, last, scr)?;
                let y = self.x_of(b, u, last, self.e(0))?;
                let (e1, e2, e3, e4) = (self.e(1), self.e(2), self.e(3), self.e(4));
                let zero = self.bcst(0.0);
                self.a.vaddpd(e1, x, zero)?;
                self.a.vaddpd(e2, y, zero)?;
                let lo = self.vk([0, 8, 1, 9, 2, 10, 3, 11]);
                let hi = self.vk([4, 12, 5, 13, 6, 14, 7, 15]);
                self.a.vmovupd(e3, zmmword_ptr(rsi + lo))?;
                self.a.vpermi2pd(e3, e1, e2)?;
                self.a.vmovupd(e4, zmmword_ptr(rsi + hi))?;
                self.a.vpermi2pd(e4, e1, e2)?;
                self.slot_base(at)?;
                let (mlo, mhi) = (
                    zmmword_ptr(rax + r9 + 128 * u as i32),
                    zmmword_ptr(rax + r9 + 128 * u as i32 + 64),
                );
                self.store(at, mlo, e3, last, k5)?;
                self.store(at, mhi, e4, last, k6)?;
            }
            TOp::Sum { x, acc: k } => {
                let x = self.x_of(x, u, last, scr)?;
                let s = self.sum(k as usize);
                self.a.vaddpd(if last { masked(s, k2) } else { s }, s, x)?;
            }
        }
        Ok(())
    }

    /// `x = eˣ` lane by lane, as `exp::exp_avx512` computes it (see the module docs of
    /// [`native`](super)), with `e5` as a sixth scratch register; jumps to `bail` if a
    /// (valid) lane takes one of glibc's special paths other than the tiny one.
    pub(super) fn exp(
        &mut self,
        x: AsmRegisterZmm,
        e5: AsmRegisterZmm,
        last: bool,
        bail: CodeLabel,
    ) -> Result<(), IcedError> {
        let [e0, e1, e2, e3, e4] = [0, 1, 2, 3, 4].map(|i| self.e(i));
        let (shift, inv) = (self.kf(exp::SHIFT), self.kf(exp::INV_LN2_N));
        let (hi, lo) = (self.kf(exp::NEG_LN2_HI_N), self.kf(exp::NEG_LN2_LO_N));
        let (c2, c3) = (self.kf(exp::C2), self.kf(exp::C3));
        let (c4, c5) = (self.kf(exp::C4), self.kf(exp::C5));
        let (one, nm1) = (self.kf(1.0), self.k(exp::N - 1));
        let (top_mask, tiny, large) = (self.k(0x7ff), self.k(0x3c9), self.k(0x408));
        let even = self.vk([0, 2, 4, 6, 8, 10, 12, 14]);
        let odd = self.vk([1, 3, 5, 7, 9, 11, 13, 15]);
        let a = &mut self.a;
        // kd = x·N/ln2 + shift (its low bits: k); kd − shift; r = x + kd·(−ln2/N) in two parts.
        a.vbroadcastsd(e0, qword_ptr(rsi + shift))?;
        a.vfmadd231pd(e0, x, qword_bcst(rsi + inv))?;
        a.vsubpd(e1, e0, qword_bcst(rsi + shift))?;
        a.vmovapd(e2, x)?;
        a.vfmadd231pd(e2, e1, qword_bcst(rsi + hi))?;
        a.vfmadd231pd(e2, e1, qword_bcst(rsi + lo))?;
        // idx = 2·(k mod N), top = k << 45.
        a.vpandq(e1, e0, qword_bcst(rsi + nm1))?;
        a.vpsllq(e1, e1, 1)?;
        a.vpsllq(e0, e0, 45)?;
        if crate::native::fast_gathers() {
            // T[k] and H[k] bits by two gathers (`native::fast_gathers`); all eight lanes,
            // whose indices are below 256 whatever the argument. A gather merges into its
            // destination: zeroing it first cuts the dependence on its old value.
            a.vxorpd(e3, e3, e3)?;
            a.kxnorw(k7, k7, k7)?;
            a.vgatherqpd(e3.k7(), zmmword_ptr(rdx + e1 * 8))?;
            a.vxorpd(e5, e5, e5)?;
            a.kxnorw(k7, k7, k7)?;
            a.vgatherqpd(e5.k7(), zmmword_ptr(rdx + e1 * 8 + 8))?;
            a.vmovapd(e1, e3)?;
        } else {
            Self::exp_loads(a, [e1, e3, e4, e5], (even, odd))?;
        }
        // e1 = T, e5 = H. scale = H + top (integer); the polynomial; y = scale + scale·tmp.
        a.vpaddq(e5, e5, e0)?;
        a.vmulpd(e3, e2, e2)?;
        a.vbroadcastsd(e4, qword_ptr(rsi + c2))?;
        a.vfmadd231pd(e4, e2, qword_bcst(rsi + c3))?;
        a.vaddpd(e1, e1, e2)?;
        a.vfmadd231pd(e1, e3, e4)?;
        a.vbroadcastsd(e0, qword_ptr(rsi + c4))?;
        a.vfmadd231pd(e0, e2, qword_bcst(rsi + c5))?;
        a.vmulpd(e3, e3, e3)?;
        a.vfmadd231pd(e1, e3, e0)?;
        a.vfmadd213pd(e1, e5, e5)?;
        // The exponent field: below 0x3c9 (|x| < 2⁻⁵⁴) the result is 1.0; from 0x408 on
        // (|x| ≥ 512, ±∞, NaN) glibc's special paths: stop.
        a.vpsrlq(e0, x, 52)?;
        a.vpandq(e0, e0, qword_bcst(rsi + top_mask))?;
        a.vpcmpuq(k7, e0, qword_bcst(rsi + tiny), 1)?;
        a.vbroadcastsd(e1.k7(), qword_ptr(rsi + one))?;
        a.vpcmpuq(k7, e0, qword_bcst(rsi + large), 5)?;
        if last {
            a.kandw(k7, k7, k2)?;
        }
        a.kortestw(k7, k7)?;
        a.jnz(bail)?;
        a.vmovapd(x, e1)?;
        Ok(())
    }

    /// `e1` = T[k] and `e5` = H[k] bits for the table indices 2·(k mod N) in `e1` (with
    /// `e3`, `e4` as scratch): the pairs by eight 16-byte loads at the indices (through the
    /// function's 64 bytes of stack), then the T and the H lanes picked out; faster than two
    /// gathers on Zen 4 (BENCHMARKS.md, "Measured design decisions").
    fn exp_loads(
        a: &mut CodeAssembler,
        [e1, e3, e4, e5]: [AsmRegisterZmm; 4],
        (even, odd): (i32, i32),
    ) -> Result<(), IcedError> {
        a.vmovdqu64(zmmword_ptr(rsp), e1)?;
        for (half, r) in [(0, e3), (1, e4)] {
            let (ya, yb) = (ymm_of(r), ymm_of(e1));
            let q = |i: i32| qword_ptr(rsp + 8 * (4 * half + i));
            a.mov(rax, q(0))?;
            a.vmovupd(xmm_of(r), xmmword_ptr(rdx + rax * 8))?;
            a.mov(rax, q(1))?;
            a.vinsertf128(ya, ya, xmmword_ptr(rdx + rax * 8), 1)?;
            a.mov(rax, q(2))?;
            a.vmovupd(xmm_of(e1), xmmword_ptr(rdx + rax * 8))?;
            a.mov(rax, q(3))?;
            a.vinsertf128(yb, yb, xmmword_ptr(rdx + rax * 8), 1)?;
            a.vinsertf64x4(r, r, yb, 1)?;
        }
        a.vmovupd(e1, zmmword_ptr(rsi + even))?;
        a.vpermi2pd(e1, e3, e4)?;
        a.vmovupd(e5, zmmword_ptr(rsi + odd))?;
        a.vpermi2pd(e5, e3, e4)
    }
}
