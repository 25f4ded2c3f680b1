//! Runs every workload of `docs/WORKLOADS.md` three ways — hesse eager (`hesse`), hesse
//! recorded and replayed (`hesse_recorded`) and a hand-written Rust baseline of the same math
//! (`hand`) — checks that the routes agree with each other (1e-10, relative to the largest
//! entry) and with the reference numbers of WORKLOADS.md, and prints the timings.
//!
//! ```text
//! cargo run --release -p hesse-bench --example workloads                 # table
//! cargo run --release -p hesse-bench --example workloads -- --json       # {workload: {route: {figure: µs}}}
//! cargo run --release -p hesse-bench --example workloads -- --quick --only W3
//! ```
//!
//! Timing follows WORKLOADS.md §0: one untimed first call, warm-up calls (5; 2 with `--quick`),
//! timeit-style autorange (1, 2, 5, 10, 20, 50, … calls per repeat until a repeat takes
//! ≥ 40 ms; 10 ms with `--quick`), then 21 repeats (5 with `--quick`; 7 when a call takes
//! more than 50 ms, 3 above 0.5 s); the figure is the median of (repeat time / calls). Whole
//! runs (the W4 fit, the W5 descents) are timed end to end: the median of 3 runs (1 with
//! `--quick`; 7 for the single-start W5 descent).

#[path = "../common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Instant;

use common::{direction, mlp, w1, w2, w5};
use hesse_core::{Matrix, RecordedFn, Tape};
use hesse_optim::{FnObjective, Lbfgs, VectorObjective, minimize};

const TOL: f64 = 1e-10;

struct Cli {
    quick: bool,
    json: bool,
    only: Option<String>,
}

fn parse_args() -> Cli {
    let mut cli = Cli {
        quick: false,
        json: false,
        only: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--quick" => cli.quick = true,
            "--json" => cli.json = true,
            "--only" => cli.only = args.next(),
            "-h" | "--help" => {
                println!("usage: workloads [--json] [--quick] [--only W1|W2|W3|W4|W5]");
                std::process::exit(0);
            }
            other => {
                eprintln!("unknown argument {other}");
                std::process::exit(2);
            }
        }
    }
    cli
}

// ---------------------------------------------------------------------------------------
// Timing (WORKLOADS.md §0)
// ---------------------------------------------------------------------------------------

/// Compiles a recording's value-and-gradient program to native code (`RecordedFn::jit`
/// compiles a program at its first use), as one would before replaying it many times, and
/// notes the crossover: the compilation time (the counterpart of `jax.jit`'s first call)
/// against the interpreted and native time per value+gradient, and so the number of
/// replays after which compiling has paid. Without `.jit()` a program is compiled after
/// 4,000 replays.
fn jit(q: bool, res: &mut Results, what: &str, rec: RecordedFn, x: &[f64]) -> RecordedFn {
    let mut interpreted = rec.clone().without_jit();
    let mut rec = rec.jit();
    let mut g = vec![0.0; x.len()];
    let t = Instant::now();
    rec.value_and_grad_to(x, &mut g); // compiles, then replays once
    let compile = t.elapsed().as_secs_f64() * 1e6;
    let t_int = per_call(q, || interpreted.value_and_grad_to(black_box(x), &mut g));
    let t_nat = per_call(q, || rec.value_and_grad_to(black_box(x), &mut g));
    let pays = if t_int > t_nat {
        format!("compiling pays after {:.0} replays", compile / (t_int - t_nat))
    } else {
        "compiling does not pay".to_string()
    };
    res.notes.push(format!(
        "{what}: value+gradient program compiled at its first use in {:.2} ms; per call \
         {t_int:.3} µs interpreted, {t_nat:.3} µs native: {pays}",
        compile / 1e3
    ));
    rec
}

/// µs per call: median over repeats after warm-up and autorange.
fn per_call<R>(quick: bool, mut f: impl FnMut() -> R) -> f64 {
    black_box(f()); // first call, untimed here
    for _ in 0..if quick { 2 } else { 5 } {
        black_box(f());
    }
    let min_repeat = if quick { 0.010 } else { 0.040 };
    // Generic, not `dyn`: the timed closure is inlined into the loop, as in the Rust peers'
    // harness (benches/peers/rust), so a call costs what it costs in the caller's code.
    fn time<R>(f: &mut impl FnMut() -> R, calls: usize) -> f64 {
        let t = Instant::now();
        for _ in 0..calls {
            black_box(f());
        }
        t.elapsed().as_secs_f64()
    }
    let mut calls = 1usize;
    let mut step = 0;
    let per = loop {
        let t = time(&mut f, calls);
        if t >= min_repeat {
            break t / calls as f64;
        }
        // 1, 2, 5, 10, 20, 50, ...
        calls = [1, 2, 5][(step + 1) % 3] * 10usize.pow(((step + 1) / 3) as u32);
        step += 1;
    };
    let mut repeats = if quick { 5 } else { 21 };
    if per > 0.5 {
        repeats = repeats.min(3);
    } else if per > 0.05 {
        repeats = repeats.min(7);
    }
    let mut samples: Vec<f64> = (0..repeats).map(|_| time(&mut f, calls) / calls as f64).collect();
    median(&mut samples) * 1e6
}

/// µs per whole run: the median of `runs` end-to-end runs.
fn per_run<R>(runs: usize, mut f: impl FnMut() -> R) -> f64 {
    let mut samples: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed().as_secs_f64()
        })
        .collect();
    median(&mut samples) * 1e6
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

// ---------------------------------------------------------------------------------------
// Results and checks
// ---------------------------------------------------------------------------------------

#[derive(Default)]
struct Results {
    /// (workload, route, figure, value)
    rows: Vec<(&'static str, &'static str, &'static str, f64)>,
    /// Plain numbers that are not timings (W4 final_loss).
    plain: Vec<(&'static str, &'static str, &'static str, f64)>,
    failures: Vec<String>,
    notes: Vec<String>,
}

impl Results {
    fn time(&mut self, w: &'static str, route: &'static str, figure: &'static str, us: f64) {
        self.rows.push((w, route, figure, us));
    }

    /// `a` agrees with `b` to `tol` relative to the largest |b|.
    fn close(&mut self, what: &str, a: &[f64], b: &[f64], tol: f64) {
        let scale = b
            .iter()
            .fold(0.0f64, |m, v| m.max(v.abs()))
            .max(f64::MIN_POSITIVE);
        let err = a.iter().zip(b).fold(0.0f64, |m, (x, y)| m.max((x - y).abs())) / scale;
        // NaN counts as a failure.
        if a.len() != b.len() || err.is_nan() || err > tol {
            self.failures
                .push(format!("{what}: relative difference {err:.3e} > {tol:.0e}"));
        }
    }

    fn close1(&mut self, what: &str, a: f64, b: f64, tol: f64) {
        self.close(what, &[a], &[b], tol);
    }

    fn check(&mut self, what: &str, ok: bool) {
        if !ok {
            self.failures.push(what.to_string());
        }
    }

    fn figures(&self, w: &str) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for &(ww, _, f, _) in &self.rows {
            if ww == w && !out.contains(&f) {
                out.push(f);
            }
        }
        out
    }

    fn get(&self, w: &str, route: &str, figure: &str) -> Option<f64> {
        self.rows
            .iter()
            .find(|&&(ww, r, f, _)| ww == w && r == route && f == figure)
            .map(|r| r.3)
    }

    fn json(&self) -> String {
        let mut root = serde_json::Map::new();
        for &(w, route, figure, v) in self.rows.iter().chain(&self.plain) {
            let wl = root
                .entry(w)
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
            let r = wl
                .as_object_mut()
                .expect("object")
                .entry(route)
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
            r.as_object_mut()
                .expect("object")
                .insert(figure.to_string(), serde_json::json!(v));
        }
        serde_json::to_string_pretty(&serde_json::Value::Object(root)).expect("json")
    }

    fn table(&self) -> String {
        let mut s = String::new();
        let mut workloads: Vec<&str> = Vec::new();
        for &(w, ..) in &self.rows {
            if !workloads.contains(&w) {
                workloads.push(w);
            }
        }
        for w in workloads {
            s += &format!(
                "\n{w}  (µs per call; whole runs for fit / gd_*)\n{:<22}{:>13}{:>13}{:>16}{:>11}{:>11}\n",
                "figure", "hand", "hesse", "hesse_recorded", "eager/hand", "rec/hand"
            );
            for f in self.figures(w) {
                let cell = |r: &str| self.get(w, r, f).map_or("—".to_string(), |v| format!("{v:.3}"));
                let ratio = |r: &str| match (self.get(w, r, f), self.get(w, "hand", f)) {
                    (Some(a), Some(b)) => format!("{:.2}×", a / b),
                    _ => "—".to_string(),
                };
                s += &format!(
                    "{:<22}{:>13}{:>13}{:>16}{:>11}{:>11}\n",
                    f,
                    cell("hand"),
                    cell("hesse"),
                    cell("hesse_recorded"),
                    ratio("hesse"),
                    ratio("hesse_recorded")
                );
            }
            for &(ww, route, figure, v) in &self.plain {
                if ww == w {
                    s += &format!("  {route} {figure} = {v:.17e}\n");
                }
            }
        }
        s
    }
}

// ---------------------------------------------------------------------------------------
// W1
// ---------------------------------------------------------------------------------------

fn run_w1(q: bool, res: &mut Results) {
    let th = w1::THETA0;
    let v = direction(9);
    let w = "W1";

    // Correctness first: every route, every figure.
    let hand_l = w1::hand_loss(&th);
    let mut hand_g = [0.0; 9];
    let hand_lg = w1::hand_grad(&th, &mut hand_g);
    let mut hand_h = [0.0; 81];
    w1::hand_hessian(&th, &mut hand_h);
    let mut hand_hv = [0.0; 9];
    w1::hand_hvp(&th, &v, &mut hand_hv);

    let eager_l = {
        let tape = Tape::new();
        let xs = tape.vars(&th);
        w1::loss(&xs).value()
    };
    let (eager_lg, eager_g) = hesse_core::value_and_grad(w1::loss, &th);
    let eager_h = hesse_core::hessian(w1::loss, &th);
    let eager_hv = hesse_core::hvp(w1::loss, &th, &v);

    let mut interpreted = RecordedFn::new(w1::loss, &th).without_jit();
    let mut rec = jit(q, res, "W1", RecordedFn::new(w1::loss, &th), &th);
    let rec_l = rec.value(&th);
    let mut rec_g = [0.0; 9];
    let rec_lg = rec.value_and_grad_to(&th, &mut rec_g);
    let mut rec_h = Matrix::zeros(9, 9);
    rec.hessian_to(&th, &mut rec_h);
    let mut rec_hv = [0.0; 9];
    rec.hvp_to(&th, &v, &mut rec_hv);

    res.close1("W1 hand loss vs reference", hand_l, w1::LOSS, TOL);
    res.close("W1 hand grad vs reference", &hand_g, &w1::GRAD, TOL);
    for (route, l, lg, g) in [
        ("hesse", eager_l, eager_lg, &eager_g[..]),
        ("recorded", rec_l, rec_lg, &rec_g[..]),
    ] {
        res.close1(&format!("W1 {route} loss"), l, hand_l, TOL);
        res.close1(&format!("W1 {route} loss (value+grad)"), lg, hand_lg, TOL);
        res.close(&format!("W1 {route} grad"), g, &hand_g, TOL);
    }
    res.close("W1 hesse hessian", eager_h.as_slice(), &hand_h, TOL);
    res.close("W1 recorded hessian", rec_h.as_slice(), &hand_h, TOL);
    res.check(
        "W1 hessians exactly symmetric",
        eager_h.asymmetry() == 0.0 && rec_h.asymmetry() == 0.0,
    );
    res.close("W1 hesse hvp", &eager_hv, &hand_hv, TOL);
    res.close("W1 recorded hvp", &rec_hv, &hand_hv, TOL);
    let mut h_v = [0.0; 9];
    for i in 0..9 {
        h_v[i] = (0..9).map(|j| hand_h[i * 9 + j] * v[j]).sum();
    }
    res.close("W1 hand hvp vs hand hessian·v", &hand_hv, &h_v, 1e-12);

    // Timings.
    res.time(w, "hand", "loss", per_call(q, || w1::hand_loss(black_box(&th))));
    res.time(
        w,
        "hand",
        "loss_grad",
        per_call(q, || w1::hand_grad(black_box(&th), &mut hand_g)),
    );
    res.time(
        w,
        "hand",
        "hessian",
        per_call(q, || w1::hand_hessian(black_box(&th), &mut hand_h)),
    );
    res.time(
        w,
        "hand",
        "hvp",
        per_call(q, || w1::hand_hvp(black_box(&th), &v, &mut hand_hv)),
    );

    res.time(
        w,
        "hesse",
        "loss",
        per_call(q, || {
            let tape = Tape::new();
            let xs = tape.vars(black_box(&th));
            w1::loss(&xs).value()
        }),
    );
    res.time(
        w,
        "hesse",
        "loss_grad",
        per_call(q, || hesse_core::value_and_grad(w1::loss, black_box(&th))),
    );
    res.time(
        w,
        "hesse",
        "hessian",
        per_call(q, || hesse_core::hessian(w1::loss, black_box(&th))),
    );
    res.time(
        w,
        "hesse",
        "hvp",
        per_call(q, || hesse_core::hvp(w1::loss, black_box(&th), &v)),
    );

    res.time(
        w,
        "hesse_recorded",
        "loss",
        per_call(q, || rec.value(black_box(&th))),
    );
    res.time(
        w,
        "hesse_recorded",
        "loss_grad",
        per_call(q, || rec.value_and_grad_to(black_box(&th), &mut rec_g)),
    );
    res.time(
        w,
        "hesse_recorded",
        "hessian",
        per_call(q, || rec.hessian_to(black_box(&th), &mut rec_h)),
    );
    res.time(
        w,
        "hesse_recorded",
        "hvp",
        per_call(q, || rec.hvp_to(black_box(&th), &v, &mut rec_hv)),
    );
    res.notes.push(format!("W1 recorded tape: {} nodes", rec.len()));
    let mut g = [0.0; 9];
    let t_vg = per_call(q, || interpreted.value_and_grad_to(black_box(&th), &mut g));
    let mut h = Matrix::zeros(9, 9);
    let t_h = per_call(q, || interpreted.hessian_to(black_box(&th), &mut h));
    res.check(
        "W1 interpreted replay = native replay, bit for bit",
        g == rec_g && h.as_slice() == rec_h.as_slice(),
    );
    res.notes.push(format!(
        "W1 recorded, interpreted (without_jit): loss_grad {t_vg:.3} µs, hessian {t_h:.3} µs"
    ));
}

// ---------------------------------------------------------------------------------------
// W2
// ---------------------------------------------------------------------------------------

fn run_w2(q: bool, res: &mut Results) {
    let w = "W2";
    let x = [-1.2, 1.0];

    // 2-D: gradient and Hessian.
    let mut hg = [0.0; 2];
    let hf = w2::hand_value_grad(&x, &mut hg);
    res.close1("W2 rosen2 f", hf, 24.2, TOL);
    res.close("W2 rosen2 hand grad", &hg, &[-215.6, -88.0], TOL);
    let hh = w2::hand_hessian2(&x);
    res.close("W2 rosen2 hand hessian", &hh, &[1330.0, 480.0, 480.0, 200.0], TOL);
    let eg = hesse_core::grad(w2::rosen2, &x);
    res.close("W2 rosen2 hesse grad", &eg, &hg, TOL);
    let eh = hesse_core::hessian(w2::rosen2, &x);
    res.close("W2 rosen2 hesse hessian", eh.as_slice(), &hh, TOL);
    let mut rec2 = jit(q, res, "W2 rosen2", RecordedFn::new(w2::rosen2, &x), &x);
    let mut rg = [0.0; 2];
    rec2.value_and_grad_to(&x, &mut rg);
    res.close("W2 rosen2 recorded grad", &rg, &hg, TOL);
    let mut rh = Matrix::zeros(2, 2);
    rec2.hessian_to(&x, &mut rh);
    res.close("W2 rosen2 recorded hessian", rh.as_slice(), &hh, TOL);

    res.time(
        w,
        "hand",
        "rosen2_grad",
        per_call(q, || w2::hand_value_grad(black_box(&x), &mut hg)),
    );
    res.time(
        w,
        "hand",
        "rosen2_hessian",
        per_call(q, || w2::hand_hessian2(black_box(&x))),
    );
    res.time(
        w,
        "hesse",
        "rosen2_grad",
        per_call(q, || hesse_core::grad(w2::rosen2, black_box(&x))),
    );
    res.time(
        w,
        "hesse",
        "rosen2_hessian",
        per_call(q, || hesse_core::hessian(w2::rosen2, black_box(&x))),
    );
    res.time(
        w,
        "hesse_recorded",
        "rosen2_grad",
        per_call(q, || rec2.value_and_grad_to(black_box(&x), &mut rg)),
    );
    res.time(
        w,
        "hesse_recorded",
        "rosen2_hessian",
        per_call(q, || rec2.hessian_to(black_box(&x), &mut rh)),
    );

    // Extended, n = 100 and 10000.
    for (n, fg, fh) in [
        (100usize, "ext100_value_grad", "ext100_hvp"),
        (10000, "ext10000_value_grad", "ext10000_hvp"),
    ] {
        let x0 = w2::x0(n);
        let v = direction(n);
        let mut g = vec![0.0; n];
        let f = w2::hand_value_grad(&x0, &mut g);
        let mut hv = vec![0.0; n];
        w2::hand_hvp(&x0, &v, &mut hv);
        res.close1(&format!("W2 ext{n} f"), f, 24.2 * n as f64 / 2.0, TOL);
        let gref: Vec<f64> = (0..n).map(|i| if i % 2 == 0 { -215.6 } else { -88.0 }).collect();
        res.close(&format!("W2 ext{n} hand grad"), &g, &gref, TOL);
        res.close(
            &format!("W2 ext{n} Hv head"),
            &hv[..4],
            &[1858.0, 700.0, 2220.0, 836.0],
            TOL,
        );
        let (sum, norm) = (
            n as f64 / 100.0 * 177700.0,
            (n as f64 / 100.0).sqrt() * 19887.92095720415,
        );
        res.close1(&format!("W2 ext{n} sum(Hv)"), hv.iter().sum(), sum, TOL);
        res.close1(
            &format!("W2 ext{n} ‖Hv‖"),
            hv.iter().map(|a| a * a).sum::<f64>().sqrt(),
            norm,
            TOL,
        );

        let (ef, eg) = hesse_core::vector::value_and_grad(w2::ext_vector, &x0);
        res.close1(&format!("W2 ext{n} hesse f"), ef, f, TOL);
        res.close(&format!("W2 ext{n} hesse grad"), &eg, &g, TOL);
        let ehv = hesse_core::vector::hvp(w2::ext_vector, &x0, &v);
        res.close(&format!("W2 ext{n} hesse hvp"), &ehv, &hv, TOL);
        let mut rec = RecordedFn::new_vector(w2::ext_vector, &x0);
        let mut rg = vec![0.0; n];
        let rf = rec.value_and_grad_to(&x0, &mut rg);
        res.close1(&format!("W2 ext{n} recorded f"), rf, f, TOL);
        res.close(&format!("W2 ext{n} recorded grad"), &rg, &g, TOL);
        let mut rhv = vec![0.0; n];
        rec.hvp_to(&x0, &v, &mut rhv);
        res.close(&format!("W2 ext{n} recorded hvp"), &rhv, &hv, TOL);

        res.time(
            w,
            "hand",
            fg,
            per_call(q, || w2::hand_value_grad(black_box(&x0), &mut g)),
        );
        res.time(
            w,
            "hand",
            fh,
            per_call(q, || w2::hand_hvp(black_box(&x0), &v, &mut hv)),
        );
        res.time(
            w,
            "hesse",
            fg,
            per_call(q, || {
                hesse_core::vector::value_and_grad(w2::ext_vector, black_box(&x0))
            }),
        );
        res.time(
            w,
            "hesse",
            fh,
            per_call(q, || hesse_core::vector::hvp(w2::ext_vector, black_box(&x0), &v)),
        );
        res.time(
            w,
            "hesse_recorded",
            fg,
            per_call(q, || rec.value_and_grad_to(black_box(&x0), &mut rg)),
        );
        res.time(
            w,
            "hesse_recorded",
            fh,
            per_call(q, || rec.hvp_to(black_box(&x0), &v, &mut rhv)),
        );
    }

    // Extra: the same function over one scalar Var per coordinate, for the eager per-op cost.
    let n = 10000;
    let x0 = w2::x0(n);
    let tape = Tape::new();
    let xs = tape.vars(&x0);
    let mark = tape.mark();
    let base = tape.len();
    let y = w2::ext_scalar(&xs);
    let fwd_nodes = tape.len() - base;
    let _ = tape.grad(y, &xs);
    let all_nodes = tape.len() - base;
    tape.rewind(mark);
    let t_fwd = per_call(q, || {
        let y = w2::ext_scalar(&xs).value();
        tape.rewind(mark);
        y
    });
    let t_vg = per_call(q, || {
        let y = w2::ext_scalar(&xs);
        let g = tape.grad(y, &xs);
        let v = g[0].value();
        tape.rewind(mark);
        v
    });
    res.notes.push(format!(
        "W2 eager scalar ops (extended Rosenbrock n = {n}, one Var per coordinate, mark/rewind): \
         forward {fwd_nodes} nodes in {t_fwd:.1} µs = {:.1} ns/op; value+grad {all_nodes} nodes in {t_vg:.1} µs = {:.1} ns/op",
        t_fwd * 1e3 / fwd_nodes as f64,
        t_vg * 1e3 / all_nodes as f64
    ));
    let t_fn = per_call(q, || hesse_core::value_and_grad(w2::ext_scalar, black_box(&x0)));
    let mut rec = RecordedFn::new(w2::ext_scalar, &x0).without_jit();
    let mut rg = vec![0.0; n];
    let t_rec = per_call(q, || rec.value_and_grad_to(black_box(&x0), &mut rg));
    let t0 = Instant::now();
    let native = RecordedFn::new(w2::ext_scalar, &x0);
    let t_record = t0.elapsed().as_secs_f64() * 1e3;
    let mut native = jit(q, res, "W2 ext10000 over scalar Vars", native, &x0);
    let t_native = per_call(q, || native.value_and_grad_to(black_box(&x0), &mut rg));
    res.notes.push(format!(
        "W2 ext10000 value+grad over scalar Vars: eager value_and_grad {t_fn:.1} µs, recorded {t_rec:.1} µs \
         interpreted, {t_native:.1} µs native ({} nodes; recording {t_record:.0} ms)",
        rec.len()
    ));
}

// ---------------------------------------------------------------------------------------
// W3
// ---------------------------------------------------------------------------------------

fn run_w3(q: bool, res: &mut Results) {
    let w = "W3";
    let data = mlp::load_data();
    res.check(
        "W3 data has 1000 rows, 467 ones",
        data.rows() == 1000 && data.y.iter().sum::<f64>() == 467.0,
    );
    let (sizes, th) = mlp::load_w3_init("w3_init_2_50_50_1.json");
    res.check("W3 sizes", sizes == [2, 50, 50, 1] && th.len() == 2751);
    let lay = mlp::Layout::w3(50);
    let v = direction(th.len());
    let d = data.clone();
    let f = hesse_core::vector::function(move |w| mlp::loss(w, &d, &lay, None));

    let mut hand = mlp::Hand::new(data.clone(), lay, None);
    let mut g = vec![0.0; th.len()];
    let l = hand.value_grad(&th, &mut g);
    let mut hv = vec![0.0; th.len()];
    hand.hvp(&th, &v, &mut hv);
    res.close1("W3 hand loss vs reference", l, 0.6992901115380107, TOL);
    let norm = |a: &[f64]| a.iter().map(|x| x * x).sum::<f64>().sqrt();
    res.close1("W3 hand ‖g‖ vs reference", norm(&g), 0.11791780536712004, TOL);
    res.close1(
        "W3 hand Σg vs reference",
        g.iter().sum(),
        -0.06777795680689427,
        TOL,
    );
    res.close1(
        "W3 hand ΣHv vs reference",
        hv.iter().sum(),
        -5.53197256924026,
        TOL,
    );
    res.close1("W3 hand ‖Hv‖ vs reference", norm(&hv), 2.446561471356014, TOL);

    let (el, eg) = hesse_core::vector::value_and_grad(&f, &th);
    res.close1("W3 hesse loss", el, l, TOL);
    res.close("W3 hesse grad", &eg, &g, TOL);
    let ehv = hesse_core::vector::hvp(&f, &th, &v);
    res.close("W3 hesse hvp", &ehv, &hv, TOL);
    let mut rec = RecordedFn::new_vector(&f, &th);
    let mut rg = vec![0.0; th.len()];
    let rl = rec.value_and_grad_to(&th, &mut rg);
    res.close1("W3 recorded loss", rl, l, TOL);
    res.close("W3 recorded grad", &rg, &g, TOL);
    let mut rhv = vec![0.0; th.len()];
    rec.hvp_to(&th, &v, &mut rhv);
    res.close("W3 recorded hvp", &rhv, &hv, TOL);

    res.time(
        w,
        "hand",
        "mlp_value_grad",
        per_call(q, || hand.value_grad(black_box(&th), &mut g)),
    );
    res.time(
        w,
        "hand",
        "mlp_hvp",
        per_call(q, || hand.hvp(black_box(&th), &v, &mut hv)),
    );
    res.time(
        w,
        "hesse",
        "mlp_value_grad",
        per_call(q, || hesse_core::vector::value_and_grad(&f, black_box(&th))),
    );
    res.time(
        w,
        "hesse",
        "mlp_hvp",
        per_call(q, || hesse_core::vector::hvp(&f, black_box(&th), &v)),
    );
    res.time(
        w,
        "hesse_recorded",
        "mlp_value_grad",
        per_call(q, || rec.value_and_grad_to(black_box(&th), &mut rg)),
    );
    res.time(
        w,
        "hesse_recorded",
        "mlp_hvp",
        per_call(q, || rec.hvp_to(black_box(&th), &v, &mut rhv)),
    );
    res.notes.push(format!("W3 recorded tape: {} nodes", rec.len()));

    // Full Hessian of the small net on the first 300 rows.
    let small = data.head(300);
    let (sizes, th) = mlp::load_w3_init("w3_init_2_10_10_1.json");
    res.check("W3 small sizes", sizes == [2, 10, 10, 1] && th.len() == 151);
    let lay = mlp::Layout::w3(10);
    let d = small.clone();
    let f = hesse_core::vector::function(move |w| mlp::loss(w, &d, &lay, None));
    let p = th.len();
    let mut hand = mlp::Hand::new(small, lay, None);
    let mut hh = vec![0.0; p * p];
    hand.hessian(&th, &mut hh);
    let mut g = vec![0.0; p];
    res.close1(
        "W3 small loss vs reference",
        hand.value_grad(&th, &mut g),
        0.6988053990983718,
        TOL,
    );
    let trace: f64 = (0..p).map(|i| hh[i * p + i]).sum();
    res.close1("W3 small trace vs reference", trace, 1.0165394754579813, TOL);
    res.close1(
        "W3 small Σ H vs reference",
        hh.iter().sum(),
        1.996724710384444,
        TOL,
    );
    res.close1("W3 small ‖H‖_F vs reference", norm(&hh), 0.8878164044831744, TOL);
    let eh = hesse_core::vector::hessian(&f, &th);
    res.close("W3 small hesse hessian", eh.as_slice(), &hh, TOL);
    // The figure is the serial route; the parallel one (rayon over columns) is a note below.
    let mut rec = RecordedFn::new_vector(&f, &th).with_parallel_min_dim(usize::MAX);
    let mut rh = Matrix::zeros(p, p);
    rec.hessian_to(&th, &mut rh);
    res.close("W3 small recorded hessian", rh.as_slice(), &hh, TOL);
    res.check(
        "W3 small hessians exactly symmetric",
        eh.asymmetry() == 0.0 && rh.asymmetry() == 0.0,
    );

    res.time(
        w,
        "hand",
        "small_hessian",
        per_call(q, || hand.hessian(black_box(&th), &mut hh)),
    );
    res.time(
        w,
        "hesse",
        "small_hessian",
        per_call(q, || hesse_core::vector::hessian(&f, black_box(&th))),
    );
    res.time(
        w,
        "hesse_recorded",
        "small_hessian",
        per_call(q, || rec.hessian_to(black_box(&th), &mut rh)),
    );

    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    if threads > 1 {
        let mut par = rec.clone().with_parallel_min_dim(2);
        let mut ph = Matrix::zeros(p, p);
        par.hessian_to(&th, &mut ph);
        let bits = |m: &Matrix| m.as_slice().iter().map(|v| v.to_bits()).collect::<Vec<u64>>();
        res.check(
            "W3 small parallel Hessian is the serial one bit for bit",
            bits(&ph) == bits(&rh),
        );
        let t = per_call(q, || par.hessian_to(black_box(&th), &mut ph));
        res.notes.push(format!(
            "W3 small_hessian recorded, columns on {threads} rayon threads: {t:.1} µs (serial figure above)"
        ));
    }
}

// ---------------------------------------------------------------------------------------
// W4
// ---------------------------------------------------------------------------------------

/// Mini-batches as data inputs (`RecordedFn::new_vector_with_data`): logistic regression
/// with an L2 penalty on batches of 200×5, as a training loop meets them. Recording the loss
/// for each batch against recording it once and replaying it with each batch's data
/// (`set_data`), and the eager tape. The replay is checked against the eager answer first.
fn minibatch_note(q: bool, res: &mut Results) {
    const ROWS: usize = 200;
    fn logistic<'t>(w: hesse_core::Var<'t>, d: &[hesse_core::Var<'t>]) -> hesse_core::Var<'t> {
        let margins = d[0].matmul(w.reshape(&[5, 1])).reshape(&[ROWS]) * d[1];
        (-margins).softplus().mean() + 0.01 * w.square().sum()
    }
    let batch = |k: usize| -> (Vec<f64>, Vec<f64>) {
        let x = (0..ROWS * 5)
            .map(|i| ((i * 37 + k * 11) % 97) as f64 / 48.5 - 1.0)
            .collect();
        let y = (0..ROWS)
            .map(|i| if (i * 13 + k) % 7 < 3 { 1.0 } else { -1.0 })
            .collect();
        (x, y)
    };
    let batches: Vec<(Vec<f64>, Vec<f64>)> = (0..8).map(batch).collect();
    let w = [0.1, -0.2, 0.3, -0.4, 0.5];
    let data = |b: &(Vec<f64>, Vec<f64>)| -> [(Vec<f64>, Vec<usize>); 2] {
        [(b.0.clone(), vec![ROWS, 5]), (b.1.clone(), vec![ROWS])]
    };
    let record = |b: &(Vec<f64>, Vec<f64>)| {
        let d = data(b);
        RecordedFn::new_vector_with_data(logistic, &w, &[(&d[0].0, &d[0].1), (&d[1].0, &d[1].1)])
    };
    let eager = |b: &(Vec<f64>, Vec<f64>), w: &[f64]| {
        hesse_core::vector::value_and_grad(
            |p| {
                let t = p.tape();
                logistic(p, &[t.constant(&b.0, &[ROWS, 5]), t.constant(&b.1, &[ROWS])])
            },
            w,
        )
    };
    let mut rec = record(&batches[0]);
    rec.set_data(0, &batches[3].0);
    rec.set_data(1, &batches[3].1);
    let (rv, rg) = rec.value_and_grad(&w);
    let (ev, eg) = eager(&batches[3], &w);
    res.check(
        "mini-batch replay with new data is the eager answer, bit for bit",
        rv.to_bits() == ev.to_bits() && rg.iter().zip(&eg).all(|(a, b)| a.to_bits() == b.to_bits()),
    );
    let mut k = 0;
    let t_record = per_call(q, || {
        k = (k + 1) % batches.len();
        record(&batches[k])
    });
    let mut g = [0.0; 5];
    let t_replay = per_call(q, || {
        k = (k + 1) % batches.len();
        rec.set_data(0, &batches[k].0);
        rec.set_data(1, &batches[k].1);
        rec.value_and_grad_to(black_box(&w), &mut g)
    });
    let t_eager = per_call(q, || {
        k = (k + 1) % batches.len();
        eager(&batches[k], black_box(&w))
    });
    res.notes.push(format!(
        "mini-batches (logistic + L2, 200×5): recording a batch's loss {t_record:.1} µs; \
         set_data + replayed value+grad {t_replay:.2} µs ({:.0}× less); eager value+grad {t_eager:.1} µs",
        t_record / t_replay
    ));
}

fn run_w4(q: bool, res: &mut Results) {
    minibatch_note(q, res);
    let w = "W4";
    let data = mlp::load_data();
    let x0 = mlp::load_w4_init();
    let lay = mlp::Layout::sklearn(10);
    res.check("W4 start has 151 parameters", x0.len() == lay.len());
    let sk = Some(mlp::Sklearn { alpha: 1e-4 });
    let d = data.clone();
    let f = hesse_core::vector::function(move |w| mlp::loss(w, &d, &lay, sk));
    // sklearn's run, the same on every route (the second-order check is noted below).
    let opts = mlp::w4_options();
    let runs = if q { 1 } else { 3 };

    // The objectives agree at the start.
    let mut hand = mlp::Hand::new(data.clone(), lay, sk);
    let mut g = vec![0.0; x0.len()];
    let l0 = hand.value_grad(&x0, &mut g);
    let (el, eg) = hesse_core::vector::value_and_grad(&f, &x0);
    res.close1("W4 hesse loss at start", el, l0, TOL);
    res.close("W4 hesse grad at start", &eg, &g, TOL);

    let fit_hand = || {
        let mut hand = mlp::Hand::new(data.clone(), lay, sk);
        let mut obj = FnObjective::new(x0.len(), move |x: &[f64], g: &mut [f64]| hand.value_grad(x, g));
        minimize(&mut obj, &mut Lbfgs::new().with_memory(10), &x0, &opts).expect("fit")
    };
    let fit_eager = || {
        let mut obj = FnObjective::new(x0.len(), |x: &[f64], g: &mut [f64]| {
            let (v, gg) = hesse_core::vector::value_and_grad(&f, x);
            g.copy_from_slice(&gg);
            v
        });
        minimize(&mut obj, &mut Lbfgs::new().with_memory(10), &x0, &opts).expect("fit")
    };
    let fit_rec = || {
        let mut obj = VectorObjective::new(x0.len(), &f);
        minimize(&mut obj, &mut Lbfgs::new().with_memory(10), &x0, &opts).expect("fit")
    };
    let reports = [
        ("hand", fit_hand()),
        ("hesse", fit_eager()),
        ("hesse_recorded", fit_rec()),
    ];
    for (route, r) in &reports {
        let acc = accuracy(&data, &r.x, &lay);
        res.notes.push(format!(
            "W4 {route}: {} iterations, {} evaluations, final loss {:.6e}, accuracy {acc}, {} (sklearn: 100 iterations, 114 evaluations, loss 4.5913e-4, accuracy 1.0)",
            r.iterations, r.f_evals, r.f, r.status
        ));
    }
    {
        let mut obj = VectorObjective::new(x0.len(), &f);
        let checked = opts.clone().with_curvature_check(true);
        let r = minimize(&mut obj, &mut Lbfgs::new().with_memory(10), &x0, &checked).expect("fit");
        res.notes.push(format!(
            "W4 hesse_recorded with the second-order check: {} iterations, {} evaluations, final loss {:.6e}, {}",
            r.iterations, r.f_evals, r.f, r.status
        ));
    }
    let fh = reports[0].1.f;
    for (route, r) in &reports[1..] {
        // 100 L-BFGS steps amplify last-bit differences (the starts agree to 1e-10 above):
        // the end points are compared to 1e-3.
        res.close1(&format!("W4 {route} final loss vs hand"), r.f, fh, 1e-3);
    }
    res.time(w, "hand", "fit", per_run(runs, fit_hand));
    res.time(w, "hesse", "fit", per_run(runs, fit_eager));
    res.time(w, "hesse_recorded", "fit", per_run(runs, fit_rec));
    for (route, r) in reports {
        res.plain.push((w, route, "final_loss", r.f));
    }
}

fn accuracy(data: &mlp::Data, w: &[f64], lay: &mlp::Layout) -> f64 {
    let mut hand = mlp::Hand::new(data.clone(), *lay, None);
    let _ = hand.value_grad(w, &mut vec![0.0; w.len()]);
    // p > 0.5 ⇔ the BCE term of the label is below ln 2; recompute p directly instead.
    let h = lay.h;
    let mut right = 0;
    for (r, &y) in data.y.iter().enumerate() {
        let x = &data.x[2 * r..2 * r + 2];
        let h1: Vec<f64> = (0..h)
            .map(|j| (x[0] * w[lay.w1 + j] + x[1] * w[lay.w1 + h + j] + w[lay.b1 + j]).tanh())
            .collect();
        let h2: Vec<f64> = (0..h)
            .map(|j| ((0..h).map(|i| h1[i] * w[lay.w2 + i * h + j]).sum::<f64>() + w[lay.b2 + j]).tanh())
            .collect();
        let z: f64 = (0..h).map(|i| h2[i] * w[lay.w3 + i]).sum::<f64>() + w[lay.b3];
        let p = 1.0 / (1.0 + (-z).exp());
        if (p > 0.5) == (y == 1.0) {
            right += 1;
        }
    }
    right as f64 / data.rows() as f64
}

// ---------------------------------------------------------------------------------------
// W5
// ---------------------------------------------------------------------------------------

fn run_w5(q: bool, res: &mut Results) {
    let w = "W5";
    let start = [0.0, 1.4];
    let mut rec = jit(q, res, "W5 peaks", RecordedFn::new(w5::peaks, &start), &start);
    let (fv, gx, gy) = w5::hand_value_grad(0.3, -0.7);
    let (ef, eg) = hesse_core::value_and_grad(w5::peaks, &[0.3, -0.7]);
    res.close(
        "W5 hesse peaks value+grad",
        &[ef, eg[0], eg[1]],
        &[fv, gx, gy],
        TOL,
    );

    let ph = w5::gd_hand(start, 1000);
    let pe = w5::gd_eager(start, 1000);
    let pr = w5::gd_recorded(&mut rec, start, 1000);
    res.close(
        "W5 single hand vs reference",
        &ph,
        &[0.2964455538468319, 0.3201962476668348],
        TOL,
    );
    res.close1(
        "W5 single f vs reference",
        w5::hand_value_grad(ph[0], ph[1]).0,
        -0.06493586825552686,
        TOL,
    );
    res.close("W5 single hesse", &pe, &ph, TOL);
    res.close("W5 single recorded", &pr, &ph, TOL);

    let grid = w5::grid();
    let grid_hand = || grid.iter().map(|&p| w5::gd_hand(p, 100)).collect::<Vec<_>>();
    // hesse steps the whole grid at once: Σ peaks over the batch, whose gradient holds every
    // start's own gradient (JAX's vmap, NumPy's arrays). Per-start loops are in the notes.
    let batch0 = w5::grid_batch();
    let grid_eager = || {
        let mut w = batch0.clone();
        for _ in 0..100 {
            let g = hesse_core::vector::grad(w5::peaks_batch, &w);
            w.iter_mut().zip(&g).for_each(|(a, b)| *a -= w5::LR * b);
        }
        w5::unbatch(&w)
    };
    let mut rec_batch = RecordedFn::new_vector(w5::peaks_batch, &batch0);
    let mut grid_rec = || {
        let mut w = batch0.clone();
        let mut g = vec![0.0; w.len()];
        for _ in 0..100 {
            rec_batch.value_and_grad_to(&w, &mut g);
            w.iter_mut().zip(&g).for_each(|(a, b)| *a -= w5::LR * b);
        }
        w5::unbatch(&w)
    };
    let grid_eager_points = || grid.iter().map(|&p| w5::gd_eager(p, 100)).collect::<Vec<_>>();
    let grid_rec_points = |rec: &mut RecordedFn| {
        grid.iter()
            .map(|&p| w5::gd_recorded(rec, p, 100))
            .collect::<Vec<_>>()
    };
    let (gh, ge, gr) = (grid_hand(), grid_eager(), grid_rec());
    let (gep, grp) = (grid_eager_points(), grid_rec_points(&mut rec));
    res.check(
        &format!(
            "W5 grid: {} distinct rounded end points, expected 293",
            w5::distinct_rounded(&gh)
        ),
        w5::distinct_rounded(&gh) == 293,
    );
    let flat = |v: &[[f64; 2]]| v.iter().flatten().copied().collect::<Vec<f64>>();
    res.close("W5 grid hesse", &flat(&ge), &flat(&gh), TOL);
    res.close("W5 grid recorded", &flat(&gr), &flat(&gh), TOL);
    res.close("W5 grid hesse per start", &flat(&gep), &flat(&gh), TOL);
    res.close("W5 grid recorded per start", &flat(&grp), &flat(&gh), TOL);

    let (single, batch) = if q { (1, 1) } else { (7, 3) };
    res.time(
        w,
        "hand",
        "gd_single",
        per_run(single, || w5::gd_hand(black_box(start), 1000)),
    );
    res.time(
        w,
        "hesse",
        "gd_single",
        per_run(single, || w5::gd_eager(black_box(start), 1000)),
    );
    res.time(
        w,
        "hesse_recorded",
        "gd_single",
        per_run(single, || w5::gd_recorded(&mut rec, black_box(start), 1000)),
    );
    res.time(w, "hand", "gd_grid", per_run(batch, grid_hand));
    res.time(w, "hesse", "gd_grid", per_run(batch, grid_eager));
    res.time(w, "hesse_recorded", "gd_grid", per_run(batch, &mut grid_rec));
    let te = per_run(batch, grid_eager_points);
    let tr = per_run(batch, || grid_rec_points(&mut rec));
    res.notes.push(format!(
        "W5 gd_grid one start at a time (625 × 100 steps over scalar Vars): eager {te:.0} µs, recorded {tr:.0} µs"
    ));
}

fn main() {
    let cli = parse_args();
    let mut res = Results::default();
    let run = |name: &str| cli.only.as_deref().is_none_or(|o| o.eq_ignore_ascii_case(name));
    let t = Instant::now();
    if run("W1") {
        run_w1(cli.quick, &mut res);
    }
    if run("W2") {
        run_w2(cli.quick, &mut res);
    }
    if run("W3") {
        run_w3(cli.quick, &mut res);
    }
    if run("W4") {
        run_w4(cli.quick, &mut res);
    }
    if run("W5") {
        run_w5(cli.quick, &mut res);
    }
    if cli.json {
        println!("{}", res.json());
    } else {
        print!("{}", res.table());
        println!();
        for n in &res.notes {
            println!("note: {n}");
        }
        println!("total {:.1} s", t.elapsed().as_secs_f64());
    }
    if res.failures.is_empty() {
        eprintln!("all checks passed");
    } else {
        for f in &res.failures {
            eprintln!("CHECK FAILED: {f}");
        }
        std::process::exit(1);
    }
}
