//! The translation of an op into Cranelift IR: the primitives of the ops' lowering
//! (`ops::unary::lower`) as Cranelift instructions, and the functions generated code calls
//! for a call-out (the op's own scalar function, or any op through a pointer to it).

use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::{InstBuilder, Value, types};
use cranelift_frontend::FunctionBuilder;

use crate::ops::unary::{Cmp, Lower};
use crate::ops::{Binary, Unary};

/// Any unary op, through a pointer to it (ops with a parameter the code does not inline).
extern "C" fn unary_eval(op: *const Unary, x: f64) -> f64 {
    // SAFETY: `op` points into `Native::_unary`, alive as long as the code.
    unsafe { (*op).eval(x) }
}

/// Any binary op, through a pointer to it.
pub(super) extern "C" fn binary_eval(op: *const Binary, a: f64, b: f64) -> f64 {
    // SAFETY: `op` points into `Native::_binary`, alive as long as the code.
    unsafe { (*op).eval(a, b) }
}

/// Unary ops whose lowering calls out to a function with a parameter: called through
/// `unary_eval` with a pointer to the op.
pub(super) fn by_pointer(op: Unary) -> bool {
    op.extern_fn().is_none() && op.calls_out()
}

/// The primitives as Cranelift instructions: every op is translated from its own lowering
/// (`ops::unary::lower`), so the compiled code performs the scalar kernel's IEEE operations.
pub(super) struct Clif<'a, 'b> {
    pub(super) b: &'a mut FunctionBuilder<'b>,
    pub(super) op: Unary,
    /// The op, for a call-out through `unary_eval` (see [`by_pointer`]).
    pub(super) at: Option<*const Unary>,
    pub(super) ptr: types::Type,
    pub(super) f64_sig: cranelift_codegen::ir::SigRef,
    pub(super) ptr_f64_sig: cranelift_codegen::ir::SigRef,
}

impl Clif<'_, '_> {
    fn call1(&mut self, f: *const (), x: Value) -> Value {
        let f = self.b.ins().iconst(self.ptr, f as usize as i64);
        let c = self.b.ins().call_indirect(self.f64_sig, f, &[x]);
        self.b.inst_results(c)[0]
    }
}

impl Lower for Clif<'_, '_> {
    type V = Value;
    fn konst(&mut self, c: f64) -> Value {
        self.b.ins().f64const(c)
    }
    fn add(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fadd(a, b)
    }
    fn sub(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fsub(a, b)
    }
    fn mul(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fmul(a, b)
    }
    fn div(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fdiv(a, b)
    }
    fn fma(&mut self, a: Value, b: Value, c: Value) -> Value {
        self.b.ins().fma(a, b, c)
    }
    fn neg(&mut self, a: Value) -> Value {
        self.b.ins().fneg(a)
    }
    fn abs(&mut self, a: Value) -> Value {
        self.b.ins().fabs(a)
    }
    fn sqrt(&mut self, a: Value) -> Value {
        self.b.ins().sqrt(a)
    }
    fn exp(&mut self, a: Value) -> Value {
        // `exp`'s build for this CPU, chosen once (see `ops::exp`).
        self.call1(crate::ops::exp::exp_extern(), a)
    }
    fn select(&mut self, cmp: Cmp, a: Value, b: Value, t: Value, e: Value) -> Value {
        // Ordered comparisons: false when either operand is NaN, as `Cmp` says.
        let cc = match cmp {
            Cmp::Gt => FloatCC::GreaterThan,
            Cmp::Lt => FloatCC::LessThan,
            Cmp::Le => FloatCC::LessThanOrEqual,
        };
        let c = self.b.ins().fcmp(cc, a, b);
        self.b.ins().select(c, t, e)
    }
    fn call(&mut self, x: Value, _: impl Fn(f64) -> f64) -> Value {
        match (self.op.extern_fn(), self.at) {
            (Some(f), _) => self.call1(f as *const (), x),
            (None, Some(at)) => {
                let p = self.b.ins().iconst(self.ptr, at as i64);
                let f = self
                    .b
                    .ins()
                    .iconst(self.ptr, unary_eval as *const () as usize as i64);
                let c = self.b.ins().call_indirect(self.ptr_f64_sig, f, &[p, x]);
                self.b.inst_results(c)[0]
            }
            (None, None) => unreachable!("{:?}: a call-out without a pointer (`by_pointer`)", self.op),
        }
    }
}
