//! Executable memory of generated code (feature `jit`).
//!
//! Both kinds of generated code — Cranelift's compiled replay programs (`exec/jit.rs`)
//! and the assembled AVX-512 regions (`exec/fused/native.rs`) — live in the memory of a
//! finalized cranelift-jit module. This owns that module and frees its memory on drop.

use cranelift_jit::JITModule;

/// A finalized module's code and data, freed when this is dropped.
pub(crate) struct CodeMemory(Option<JITModule>);

// SAFETY: after `finalize_definitions` the module's code and data are immutable, and the
// owner only calls into the code (functions of their arguments); the memory is freed on drop,
// when no reference to it exists any more.
unsafe impl Send for CodeMemory {}
unsafe impl Sync for CodeMemory {}

impl CodeMemory {
    /// Takes ownership of a module whose definitions are finalized.
    pub(crate) fn new(module: JITModule) -> Self {
        CodeMemory(Some(module))
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        if let Some(m) = self.0.take() {
            // SAFETY: `self` is being dropped with its owner, so nothing calls into its code
            // any more (the owners keep their entry points only beside it).
            unsafe { m.free_memory() };
        }
    }
}
