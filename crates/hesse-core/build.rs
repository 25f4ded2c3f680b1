//! Sets the `hesse_avx512` cfg when the compiler's AVX-512 intrinsics are stable (Rust
//! 1.89): the fused regions' AVX-512 tile executor (`src/fused/tiles.rs`) is built only
//! then, so the crate still builds with its MSRV (1.85), with the AVX2 executor alone.

use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(hesse_avx512)");
    println!("cargo::rerun-if-changed=build.rs");
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    // "rustc 1.95.0 (59807616e 2026-04-14)": the minor version.
    let minor = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|v| v.split('.').nth(1)?.parse::<u32>().ok());
    if minor.is_some_and(|m| m >= 89) {
        println!("cargo::rustc-cfg=hesse_avx512");
    }
}
