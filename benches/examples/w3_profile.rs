//! Profiling driver for W3 (not a benchmark: see `workloads` for the timed figures). Records
//! the 2-50-50-1 MLP loss of WORKLOADS.md (or the small 2-10-10-1 net for `hess`) and replays
//! one question in a loop, for `valgrind --tool=callgrind` or plain timing.
//!
//! ```text
//! cargo build --release -p hesse-bench --example w3_profile
//! valgrind --tool=callgrind --toggle-collect='hesse_core::recorded::RecordedFn::value_and_grad_to' \
//!     target/release/examples/w3_profile vg 20
//! target/release/examples/w3_profile hvp 500      # µs per call
//! target/release/examples/w3_profile tape         # the recorded tape, one line per node
//! ```

#[path = "../common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Instant;

use common::{direction, mlp};
use hesse_core::{Matrix, RecordedFn};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map_or("vg", |s| s.as_str());
    let reps: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200);
    let data = mlp::load_data();
    let (data, file, h) = if what == "hess" {
        (data.head(300), "w3_init_2_10_10_1.json", 10)
    } else {
        (data, "w3_init_2_50_50_1.json", 50)
    };
    let (_, th) = mlp::load_w3_init(file);
    let lay = mlp::Layout::w3(h);
    let v = direction(th.len());
    if what == "tape" {
        // The loss, its gradient and the HVP's second pass, as RecordedFn records them.
        let tape = hesse_core::Tape::new();
        let w = tape.vector(&th);
        let l = mlp::loss(w, &data, &lay, None);
        let g = tape.grad(l, &[w]);
        let dv = tape.constant(&vec![0.0; th.len()], &[th.len()]);
        let _ = tape.grad((g[0] * dv).sum(), &[w]);
        eprintln!("{tape:?}");
        return;
    }
    let d = data.clone();
    let f = hesse_core::vector::function(move |w| mlp::loss(w, &d, &lay, None));
    let mut rec = RecordedFn::new_vector(&f, &th).with_parallel_min_dim(usize::MAX);
    let p = th.len();
    let mut g = vec![0.0; p];
    let mut hm = Matrix::zeros(p, p);
    let t0 = Instant::now();
    for _ in 0..reps {
        match what {
            "vg" => drop(black_box(rec.value_and_grad_to(black_box(&th), &mut g))),
            "hvp" => rec.hvp_to(black_box(&th), &v, &mut g),
            "hess" => rec.hessian_to(black_box(&th), &mut hm),
            _ => panic!("usage: w3_profile vg|hvp|hess|tape [reps]"),
        }
    }
    let dt = t0.elapsed().as_secs_f64() * 1e6 / reps as f64;
    println!("{what}: {dt:.1} µs per call");
}
