//! Elementwise ops in the assembler: the code of each op's own lowering
//! (`ops::unary::lower`), emitted primitive by primitive in the registers of its plan (see
//! [`plan`]).

use iced_x86::IcedError;
use iced_x86::code_asm::*;

use super::emit::Gen;
use super::regs::{Loc, plan};
use crate::ops::Unary;
use crate::ops::unary::lower::Prim;

impl Gen<'_> {
    /// Register `r` of the op's pool for vector `u`.
    fn pool(&self, u: usize, r: usize) -> AsmRegisterZmm {
        match r {
            0 => self.acc(u),
            1 => self.scr(u),
            r => self.e(r - 2),
        }
    }

    /// `acc = op(acc)` for vector `u`, by the op's plan (see [`plan`]).
    pub(super) fn unary(
        &mut self,
        op: Unary,
        u: usize,
        last: bool,
        bail: CodeLabel,
    ) -> Result<(), IcedError> {
        let p = plan(op).expect("native tiles: an op `supported` accepted");
        let at = |x: u16| p.loc[x as usize];
        for (k, ins) in p.ir.code.iter().enumerate() {
            let Loc::Reg(d) = p.loc[k + 1] else { continue };
            let d = self.pool(u, d);
            match *ins {
                Prim::Neg(a) | Prim::Abs(a) | Prim::Sqrt(a) => {
                    let Loc::Reg(a) = at(a) else {
                        unreachable!("a constant operand of a unary primitive is folded")
                    };
                    let a = self.pool(u, a);
                    match *ins {
                        Prim::Neg(_) => {
                            let m = qword_bcst(rsi + self.k(0x8000_0000_0000_0000));
                            self.a.vpxorq(d, a, m)?;
                        }
                        Prim::Abs(_) => {
                            let m = qword_bcst(rsi + self.k(0x7fff_ffff_ffff_ffff));
                            self.a.vpandq(d, a, m)?;
                        }
                        _ => self.a.vsqrtpd(d, a)?,
                    }
                }
                Prim::Exp(_) => {
                    let scr = self.scr(u);
                    self.exp(d, scr, last, bail)?;
                }
                Prim::Add(a, b) | Prim::Sub(a, b) | Prim::Mul(a, b) | Prim::Div(a, b) => {
                    let a = match at(a) {
                        Loc::Reg(r) => self.pool(u, r),
                        Loc::Konst(c) => {
                            let s = self.pool(u, p.spare[k].expect("a register for the constant"));
                            self.splat(s, c)?;
                            s
                        }
                    };
                    macro_rules! emit {
                        ($i:ident) => {
                            match at(b) {
                                Loc::Reg(r) => {
                                    let b = self.pool(u, r);
                                    self.a.$i(d, a, b)?
                                }
                                Loc::Konst(c) => {
                                    let m = self.bcst(c);
                                    self.a.$i(d, a, m)?
                                }
                            }
                        };
                    }
                    match *ins {
                        Prim::Add(..) => emit!(vaddpd),
                        Prim::Sub(..) => emit!(vsubpd),
                        Prim::Mul(..) => emit!(vmulpd),
                        _ => emit!(vdivpd),
                    }
                }
                Prim::Konst(_) | Prim::Fma(..) | Prim::Select(..) | Prim::Call(_) => {
                    unreachable!("not planned")
                }
            }
        }
        let acc = self.acc(u);
        match at(p.result) {
            Loc::Reg(0) => {}
            Loc::Reg(r) => {
                let r = self.pool(u, r);
                self.a.vmovapd(acc, r)?;
            }
            Loc::Konst(c) => self.splat(acc, c)?,
        }
        Ok(())
    }
}
