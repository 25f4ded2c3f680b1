//! The primitives of an op's lowering on tiles of registers ([`tile_prims!`]), generated in
//! each instruction set's module (`avx2.rs`, `avx512.rs`) from its helpers.

/// `[e; R]` for r in 0..R, each `e` an unsafe call of an instruction set's helper (see
/// `tile!`; the helpers' safety: see `Prims`).
macro_rules! lanes {
    ($r:ident => $e:expr) => {{
        // SAFETY: see `Prims`.
        let mut o = [unsafe { zero() }; R];
        for $r in 0..R {
            o[$r] = unsafe { $e };
        }
        o
    }};
}

/// The primitives of an op's lowering (`ops::unary::lower`) on tiles of `R` registers of
/// `$l` values: each primitive is the module's own instruction on every register; `exp` is
/// the module's `exp` (the same bits as every route's); a call-out runs the op's slice
/// kernel on the tile through a buffer on the stack (elementwise, so the same bits).
/// Invoked in each instruction set's module, whose helpers it calls.
macro_rules! tile_prims {
    ($v:ty, $l:expr) => {
        /// The lowering back-end on tiles; built only by the executor of this instruction set,
        /// which runs only where the CPU has it (so the helpers' instructions are there).
        pub(super) struct Prims(pub(super) crate::ops::Unary);

        impl Prims {
            /// The tile's values through a buffer: `f(values, out)`.
            #[inline(always)]
            fn through(x: [$v; R], f: impl FnOnce(&[f64], &mut [f64])) -> [$v; R] {
                let (mut buf, mut res) = ([0.0f64; R * $l], [0.0f64; R * $l]);
                for (r, x) in x.iter().enumerate() {
                    // SAFETY: the buffer holds R registers; see `Prims`.
                    unsafe { store(buf.as_mut_ptr().add($l * r), *x) };
                }
                f(&buf, &mut res);
                lanes!(r => load(res.as_ptr().add($l * r)))
            }
        }

        impl crate::ops::unary::Lower for Prims {
            type V = [$v; R];
            #[inline(always)]
            fn konst(&mut self, c: f64) -> [$v; R] {
                lanes!(_r => set1(c))
            }
            #[inline(always)]
            fn add(&mut self, a: [$v; R], b: [$v; R]) -> [$v; R] {
                lanes!(r => add(a[r], b[r]))
            }
            #[inline(always)]
            fn sub(&mut self, a: [$v; R], b: [$v; R]) -> [$v; R] {
                lanes!(r => sub(a[r], b[r]))
            }
            #[inline(always)]
            fn mul(&mut self, a: [$v; R], b: [$v; R]) -> [$v; R] {
                lanes!(r => mul(a[r], b[r]))
            }
            #[inline(always)]
            fn div(&mut self, a: [$v; R], b: [$v; R]) -> [$v; R] {
                lanes!(r => div(a[r], b[r]))
            }
            #[inline(always)]
            fn fma(&mut self, a: [$v; R], b: [$v; R], c: [$v; R]) -> [$v; R] {
                // Rounded once, element by element (no op lowers to it in a hot path yet).
                let (b, c) = (Prims::through(b, |_, _| {}), c);
                let mut bs = [0.0f64; R * $l];
                let mut cs = [0.0f64; R * $l];
                for r in 0..R {
                    // SAFETY: the buffers hold R registers; see `Prims`.
                    unsafe {
                        store(bs.as_mut_ptr().add($l * r), b[r]);
                        store(cs.as_mut_ptr().add($l * r), c[r]);
                    }
                }
                Prims::through(a, |a, o| {
                    for (k, o) in o.iter_mut().enumerate() {
                        *o = a[k].mul_add(bs[k], cs[k]);
                    }
                })
            }
            #[inline(always)]
            fn neg(&mut self, a: [$v; R]) -> [$v; R] {
                lanes!(r => neg(a[r]))
            }
            #[inline(always)]
            fn abs(&mut self, a: [$v; R]) -> [$v; R] {
                lanes!(r => abs(a[r]))
            }
            #[inline(always)]
            fn sqrt(&mut self, a: [$v; R]) -> [$v; R] {
                lanes!(r => sqrt(a[r]))
            }
            #[inline(always)]
            fn exp(&mut self, a: [$v; R]) -> [$v; R] {
                // SAFETY: see `Prims`.
                unsafe { exp(a) }
            }
            #[inline(always)]
            fn select(
                &mut self,
                c: crate::ops::unary::Cmp,
                a: [$v; R],
                b: [$v; R],
                t: [$v; R],
                e: [$v; R],
            ) -> [$v; R] {
                lanes!(r => select(c, a[r], b[r], t[r], e[r]))
            }
            #[inline(always)]
            fn call(&mut self, x: [$v; R], _: impl Fn(f64) -> f64) -> [$v; R] {
                let op = self.0;
                Prims::through(x, |x, o| op.forward(x, o))
            }
        }
    };
}

pub(super) use {lanes, tile_prims};
