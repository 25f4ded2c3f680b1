//! Sets `hesse_avx512` when the compiler accepts AVX-512 target features (stable since Rust
//! 1.89), so that the AVX-512 builds of the kernels (`src/ops/simd.rs`, `src/ops/reduce.rs`,
//! `src/ops/gemm.rs`) and of the fused regions' tile executor (`src/exec/fused/tiles/`) exist on
//! such compilers, while the crate still builds on its minimum Rust version (1.85) with the
//! AVX2 builds alone.

use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(hesse_avx512)");
    println!("cargo::rerun-if-changed=build.rs");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    // "rustc 1.95.0 (59807616e 2026-04-14)": the minor version.
    let minor = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|v| {
            v.split_whitespace()
                .nth(1)?
                .split('.')
                .nth(1)?
                .parse::<u32>()
                .ok()
        });
    if minor.is_some_and(|m| m >= 89) {
        println!("cargo::rustc-cfg=hesse_avx512");
    }
}
