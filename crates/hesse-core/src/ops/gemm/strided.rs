//! The operand type of the matrix products (its own file, so that the kernels of
//! `ops/gemm/` and `ops/gemm.rs` share it without importing each other).

/// A matrix operand read through strides: element (i, j) is at `p + i·rs + j·cs`.
#[derive(Clone, Copy)]
pub(crate) struct Strided {
    pub p: *const f64,
    pub rs: isize,
    pub cs: isize,
}
