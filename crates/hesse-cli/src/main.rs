//! # `hesse`: exact derivatives, critical points and minima from the shell
//!
//! ```text
//! hesse eval EXPR [--at x=1,y=2] [--grad] [--hessian] [--json]
//! hesse critical EXPR --at x=1,y=1 [--no-refine] [--certify] [--dense-limit BYTES] [--json]
//! hesse minimize EXPR --from x=-1.2,y=1 [--method gd|momentum|nesterov|lbfgs|newton-cg]
//!                [--lr F] [--momentum F] [--max-iter N] [--gtol F] [--plot FILE.svg] [--json]
//! hesse plot EXPR --x A:B --y C:D [--trajectory METHOD --from x=..,y=..] [--scale auto|linear|log]
//!            -o FILE.svg
//! ```
//!
//! Formulas are parsed by [`hesse_expr`] and built into hesse-core `Var`s, so every number
//! printed is an exact derivative, not a finite difference.
//!
//! ## Decisions
//!
//! - **Coordinates** are ordered as written in `--at` / `--from`. A formula variable absent
//!   from the point is a usage error naming it; point variables the formula does not use are
//!   allowed and get zero derivatives.
//! - **Exit codes**: 0 success; 2 usage errors — clap's own (unknown options, malformed
//!   points and ranges, which clap's value parsers reject), a formula that does not parse, a
//!   formula variable missing from the point, options out of range or not applying to the
//!   chosen method; 1 evaluation errors — `critical` at a point where the value, gradient or
//!   Hessian is not finite (no eigenvalues exist to classify), dense n×n work beyond the
//!   memory limit (`critical --dense-limit`, `HESSE_DENSE_LIMIT`, default 4 GB; the message
//!   names the matrix-free routes), a minimization that broke
//!   down (status non-finite, diverged, line search failed, no progress; the report is still
//!   printed, and `plot --trajectory` still writes its picture, the outcome in the legend), a
//!   picture that cannot be drawn or written. A minimization that ran out of
//!   iterations exits 0 with its status saying so.
//! - **Non-finite results are values, not errors**: `1/0` is `inf`, `ln(0)` is `-inf`,
//!   `ln(-1)` is `NaN` (IEEE 754), printed as such and written in JSON as the strings
//!   `"inf"`, `"-inf"`, `"NaN"`, so `--json` output always parses.
//! - **`--json`** prints exactly one JSON object, on one line, on stdout; errors go to
//!   stderr and print no JSON.
//! - **`eval` without `--grad`/`--hessian`** prints the bare value, like a calculator.
//! - **minimize** stops when the Euclidean gradient norm ‖∇f‖₂ ≤ `--gtol` (the same norm
//!   `critical` reports) or after `--max-iter` iterations; the f-change test of the
//!   library defaults is off so the gradient alone decides.
//! - **Robustness**: nothing typed can panic the parser (property-tested); a closed stdout
//!   (`hesse … | head -c0`) is not an error. Should a bug panic anyway, the message says
//!   so and the exit code is Rust's 101, distinct from 1 and 2.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod args;
mod critical;
mod error;
mod eval;
mod formula;
mod minimize;
mod output;
mod picture;
mod plot;
mod scale;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let _ = writeln!(
            std::io::stderr(),
            "error: internal error: {info}\nthis is a bug in hesse; please report it"
        );
    }));
    // Usage errors exit here with clap's code 2; --help and --version with 0.
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Eval(a) => eval::run(a),
        Command::Critical(a) => critical::run(a),
        Command::Minimize(a) => minimize::run(a),
        Command::Plot(a) => plot::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
