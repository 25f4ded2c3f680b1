//! Rust peers of hesse on WORKLOADS.md W1, W2, W5: echidna (eager Reverse, and the recorded
//! BytecodeTape) and num-dual (forward-mode dual vectors: gradient via DualVec, Hessian via
//! Dual2Vec). Same timing protocol as hesse's benches/examples/workloads.rs (median of repeats).
use std::hint::black_box;
use std::time::Instant;

use echidna::{BReverse, Reverse};
use nalgebra::{DVector, SVector};
use num_dual::{Dual2Vec64, DualNum, DualVec64};
use num_traits::Float;

fn per_call<R>(quick: bool, mut f: impl FnMut() -> R) -> f64 {
    black_box(f());
    for _ in 0..if quick { 2 } else { 5 } {
        black_box(f());
    }
    let min_repeat = if quick { 0.010 } else { 0.040 };
    let mut time = |calls: usize| {
        let t = Instant::now();
        for _ in 0..calls {
            black_box(f());
        }
        t.elapsed().as_secs_f64()
    };
    let (mut calls, mut step) = (1usize, 0usize);
    let per = loop {
        let t = time(calls);
        if t >= min_repeat {
            break t / calls as f64;
        }
        calls = [1, 2, 5][(step + 1) % 3] * 10usize.pow(((step + 1) / 3) as u32);
        step += 1;
    };
    let mut reps = if quick { 5 } else { 21 };
    if per > 0.5 {
        reps = reps.min(3)
    } else if per > 0.05 {
        reps = reps.min(7)
    }
    let mut s: Vec<f64> = (0..reps).map(|_| time(calls) / calls as f64).collect();
    s.sort_by(f64::total_cmp);
    s[s.len() / 2] * 1e6
}
fn per_run<R>(runs: usize, mut f: impl FnMut() -> R) -> f64 {
    let mut s: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed().as_secs_f64()
        })
        .collect();
    s.sort_by(f64::total_cmp);
    s[s.len() / 2] * 1e6
}

const X: [[f64; 2]; 10] = [
    [2.8, 0.4],
    [3.1, 4.3],
    [0.1, -3.4],
    [-4.2, -3.3],
    [-0.5, 0.2],
    [-2.7, -0.4],
    [-3.0, -4.3],
    [-0.1, 3.4],
    [4.2, 3.2],
    [0.4, -0.1],
];
const Y: [f64; 10] = [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0];
const TH: [f64; 9] = [
    1.06, -0.037, -0.056, 1.095, -0.051, -0.0689, 3.769, -3.72, -0.0148,
];

// One body, two trait families (echidna types are num_traits::Float + Copy; num-dual types are
// DualNum + Clone).
macro_rules! bodies {
    ($w1:ident, $rosen2:ident, $ext:ident, $peaks:ident, $T:ident : $($b:tt)+) => {
        fn $w1<$T: $($b)+>(t: &[$T], c: impl Fn(f64) -> $T) -> $T {
            let one = c(1.0);
            let sig = |z: $T| one.clone() / (one.clone() + (-z).exp());
            let mut acc = c(0.0);
            for (x, &y) in X.iter().zip(&Y) {
                let h0 = sig(t[0].clone() * c(x[0]) + t[1].clone() * c(x[1]) + t[4].clone());
                let h1 = sig(t[2].clone() * c(x[0]) + t[3].clone() * c(x[1]) + t[5].clone());
                let p = sig(t[6].clone() * h0 + t[7].clone() * h1 + t[8].clone());
                acc = acc + if y == 1.0 { p.ln() } else { (one.clone() - p).ln() };
            }
            -(acc / c(10.0))
        }
        fn $rosen2<$T: $($b)+>(x: &[$T], c: impl Fn(f64) -> $T) -> $T {
            let a = c(1.0) - x[0].clone();
            let b = x[1].clone() - x[0].clone() * x[0].clone();
            a.clone() * a + c(100.0) * b.clone() * b
        }
        fn $ext<$T: $($b)+>(x: &[$T], c: impl Fn(f64) -> $T) -> $T {
            let mut acc = c(0.0);
            for p in x.chunks_exact(2) {
                let r = p[1].clone() - p[0].clone() * p[0].clone();
                let s = c(1.0) - p[0].clone();
                acc = acc + c(100.0) * r.clone() * r + s.clone() * s;
            }
            acc
        }
        fn $peaks<$T: $($b)+>(p: &[$T], c: impl Fn(f64) -> $T) -> $T {
            let (x, y) = (p[0].clone(), p[1].clone());
            let x2 = x.clone() * x.clone();
            let y2 = y.clone() * y.clone();
            let yp = y.clone() + c(1.0);
            let xp = x.clone() + c(1.0);
            let s = c(1.0) - x.clone();
            c(3.0) * s.clone() * s * (-x2.clone() - yp.clone() * yp).exp()
                - c(10.0) * (x.clone() / c(5.0) - x2.clone() * x.clone() - y2.clone() * y2.clone() * y.clone()) * (-x2.clone() - y2.clone()).exp()
                - (-(xp.clone() * xp) - y2).exp() / c(3.0)
        }
    };
}
bodies!(w1_f, rosen2_f, ext_f, peaks_f, T: Float);
bodies!(w1_d, rosen2_d, ext_d, peaks_d, T: DualNum<Primitive = f64, Real = f64> + Clone);

fn fc<T: Float>(x: f64) -> T {
    T::from(x).unwrap()
}

fn direction(p: usize) -> Vec<f64> {
    (0..p).map(|k| 1.0 + (k % 10) as f64 / 10.0).collect()
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let mut out: Vec<(String, String, String, f64)> = Vec::new();
    let mut put = |w: &str, r: &str, f: &str, v: f64| {
        eprintln!("{w:3} {r:16} {f:22} {v:12.3} µs");
        out.push((w.into(), r.into(), f.into(), v));
    };
    let v9 = direction(9);

    // ---- W1 ----
    let g = echidna::grad(|x: &[Reverse<f64>]| w1_f(x, fc), &TH);
    let (mut tape, l0) = echidna::record(|x: &[BReverse<f64>]| w1_f(x, fc), &TH);
    tape.optimize();
    assert!((l0 - 0.5777380445031233).abs() < 1e-12, "{l0}");
    assert!((g[0] - 1.3662158106814208e-04).abs() < 1e-15);
    put(
        "W1",
        "echidna",
        "loss_grad",
        per_call(quick, || {
            echidna::grad(|x: &[Reverse<f64>]| w1_f(x, fc), black_box(&TH))
        }),
    );
    put(
        "W1",
        "echidna_bytecode",
        "loss_grad",
        per_call(quick, || tape.gradient(black_box(&TH))),
    );
    put(
        "W1",
        "echidna_bytecode",
        "hessian",
        per_call(quick, || tape.hessian(black_box(&TH))),
    );
    put(
        "W1",
        "echidna_bytecode",
        "hvp",
        per_call(quick, || tape.hvp(black_box(&TH), &v9)),
    );
    let th9 = SVector::<f64, 9>::from(TH);
    let (l, gd) = num_dual::gradient(|x| w1_d(x.as_slice(), DualVec64::from), &th9);
    assert!((l - 0.5777380445031233).abs() < 1e-12 && (gd[0] - g[0]).abs() < 1e-15);
    let (_, _, h) = num_dual::hessian(|x| w1_d(x.as_slice(), Dual2Vec64::from), &th9);
    let ht = tape.hessian(&TH).2;
    assert!((h[(3, 5)] - ht[3][5]).abs() < 1e-12);
    put(
        "W1",
        "num_dual",
        "loss_grad",
        per_call(quick, || {
            num_dual::gradient(|x| w1_d(x.as_slice(), DualVec64::from), black_box(&th9))
        }),
    );
    put(
        "W1",
        "num_dual",
        "hessian",
        per_call(quick, || {
            num_dual::hessian(|x| w1_d(x.as_slice(), Dual2Vec64::from), black_box(&th9))
        }),
    );

    // ---- W2 ----
    let x2 = [-1.2, 1.0];
    let (mut t2, _) = echidna::record(|x: &[BReverse<f64>]| rosen2_f(x, fc), &x2);
    t2.optimize();
    let g2 = t2.gradient(&x2);
    assert!((g2[0] + 215.6).abs() < 1e-9);
    put(
        "W2",
        "echidna",
        "rosen2_grad",
        per_call(quick, || {
            echidna::grad(|x: &[Reverse<f64>]| rosen2_f(x, fc), black_box(&x2))
        }),
    );
    put(
        "W2",
        "echidna_bytecode",
        "rosen2_grad",
        per_call(quick, || t2.gradient(black_box(&x2))),
    );
    put(
        "W2",
        "echidna_bytecode",
        "rosen2_hessian",
        per_call(quick, || t2.hessian(black_box(&x2))),
    );
    let s2 = SVector::<f64, 2>::from(x2);
    put(
        "W2",
        "num_dual",
        "rosen2_grad",
        per_call(quick, || {
            num_dual::gradient(|x| rosen2_d(x.as_slice(), DualVec64::from), black_box(&s2))
        }),
    );
    put(
        "W2",
        "num_dual",
        "rosen2_hessian",
        per_call(quick, || {
            num_dual::hessian(|x| rosen2_d(x.as_slice(), Dual2Vec64::from), black_box(&s2))
        }),
    );
    for n in [100usize, 10000] {
        let x0: Vec<f64> = (0..n).map(|i| if i % 2 == 0 { -1.2 } else { 1.0 }).collect();
        let v = direction(n);
        let (mut t, f0) = echidna::record(|x: &[BReverse<f64>]| ext_f(x, fc), &x0);
        t.optimize();
        assert!((f0 - 24.2 * n as f64 / 2.0).abs() < 1e-9 * f0);
        let (_, hv) = t.hvp(&x0, &v);
        assert!((hv.iter().sum::<f64>() - 1777.0 * n as f64).abs() < 1e-6 * 1777.0 * n as f64);
        let (fg, fh) = if n == 100 {
            ("ext100_value_grad", "ext100_hvp")
        } else {
            ("ext10000_value_grad", "ext10000_hvp")
        };
        put(
            "W2",
            "echidna",
            fg,
            per_call(quick, || {
                echidna::grad(|x: &[Reverse<f64>]| ext_f(x, fc), black_box(&x0))
            }),
        );
        put(
            "W2",
            "echidna_bytecode",
            fg,
            per_call(quick, || t.gradient(black_box(&x0))),
        );
        put(
            "W2",
            "echidna_bytecode",
            fh,
            per_call(quick, || t.hvp(black_box(&x0), &v)),
        );
        if n == 100 {
            let dx = DVector::from_vec(x0.clone());
            put(
                "W2",
                "num_dual",
                fg,
                per_call(quick, || {
                    num_dual::gradient(|x| ext_d(x.as_slice(), DualVec64::from), black_box(&dx))
                }),
            );
        }
    }

    // ---- W5 ----
    let lr = 0.01;
    let (mut t5, _) = echidna::record(|x: &[BReverse<f64>]| peaks_f(x, fc), &[0.0, 1.4]);
    t5.optimize();
    let gd_ech = |t: &mut echidna::BytecodeTape<f64>, p: [f64; 2], steps: usize| {
        let mut p = p;
        for _ in 0..steps {
            let g = t.gradient(&p);
            p = [p[0] - lr * g[0], p[1] - lr * g[1]];
        }
        p
    };
    let gd_eager = |p: [f64; 2], steps: usize| {
        let mut p = p;
        for _ in 0..steps {
            let g = echidna::grad(|x: &[Reverse<f64>]| peaks_f(x, fc), &p);
            p = [p[0] - lr * g[0], p[1] - lr * g[1]];
        }
        p
    };
    let gd_nd = |p: [f64; 2], steps: usize| {
        let mut p = SVector::<f64, 2>::from(p);
        for _ in 0..steps {
            let (_, g) = num_dual::gradient(|x| peaks_d(x.as_slice(), DualVec64::from), &p);
            p -= g * lr;
        }
        [p[0], p[1]]
    };
    let e = gd_ech(&mut t5, [0.0, 1.4], 1000);
    assert!(
        (e[0] - 0.2964455538468319).abs() < 1e-12 && (e[1] - 0.3201962476668348).abs() < 1e-12,
        "{e:?}"
    );
    let e = gd_nd([0.0, 1.4], 1000);
    assert!((e[0] - 0.2964455538468319).abs() < 1e-12, "{e:?}");
    let step = 5.0 / 24.0;
    let xs: Vec<f64> = (0..25)
        .map(|i| if i == 24 { 2.5 } else { i as f64 * step - 2.5 })
        .collect();
    let grid: Vec<[f64; 2]> = xs.iter().flat_map(|&a| xs.iter().map(move |&b| [a, b])).collect();
    let (r1, r3) = if quick { (1, 1) } else { (7, 3) };
    put(
        "W5",
        "echidna",
        "gd_single",
        per_run(r1, || gd_eager([0.0, 1.4], 1000)),
    );
    put(
        "W5",
        "echidna_bytecode",
        "gd_single",
        per_run(r1, || gd_ech(&mut t5, [0.0, 1.4], 1000)),
    );
    put(
        "W5",
        "num_dual",
        "gd_single",
        per_run(r1, || gd_nd([0.0, 1.4], 1000)),
    );
    put(
        "W5",
        "echidna",
        "gd_grid",
        per_run(r3, || grid.iter().map(|&p| gd_eager(p, 100)).collect::<Vec<_>>()),
    );
    put(
        "W5",
        "echidna_bytecode",
        "gd_grid",
        per_run(r3, || {
            grid.iter().map(|&p| gd_ech(&mut t5, p, 100)).collect::<Vec<_>>()
        }),
    );
    put(
        "W5",
        "num_dual",
        "gd_grid",
        per_run(r3, || grid.iter().map(|&p| gd_nd(p, 100)).collect::<Vec<_>>()),
    );

    // JSON: {workload: {route: {figure: µs}}}
    let mut s = String::from("{");
    let mut ws: Vec<&str> = out.iter().map(|o| o.0.as_str()).collect();
    ws.dedup();
    for (i, w) in ws.iter().enumerate() {
        s += &format!("{}\"{w}\": {{", if i > 0 { ", " } else { "" });
        let mut rs: Vec<&str> = out.iter().filter(|o| o.0 == *w).map(|o| o.1.as_str()).collect();
        rs.sort();
        rs.dedup();
        for (j, r) in rs.iter().enumerate() {
            s += &format!("{}\"{r}\": {{", if j > 0 { ", " } else { "" });
            let fs: Vec<String> = out
                .iter()
                .filter(|o| o.0 == *w && o.1 == *r)
                .map(|o| format!("\"{}\": {:.4}", o.2, o.3))
                .collect();
            s += &fs.join(", ");
            s += "}";
        }
        s += "}";
    }
    s += "}";
    println!("{s}");
}
