//! How the cost grows with the size of the data (issue 21): the extended Rosenbrock in its
//! vector form at n = 10², 10⁴, 10⁶, 10⁷ and the W3 network (2-50-50-1) on N = 10³, 10⁴, 10⁵
//! points — recording, replayed value+gradient, replayed HVP, eager value+gradient, and the
//! peak resident memory of recording plus one replayed value+gradient.
//!
//! ```text
//! cargo run --release -p hesse-bench --example scale                  # table, one child per size
//! cargo run --release -p hesse-bench --example scale -- --json        # [{case, n, figure: value}]
//! cargo run --release -p hesse-bench --example scale -- --plot scale.json scale.svg   # the figure
//! target/release/examples/scale one rosen 1000000 [record|vg|hvp|eager|all]   # one size
//! ```
//!
//! Each size runs in a fresh child process (`one …`), so that its peak resident set
//! (`VmHWM` in `/proc/self/status`) is its own: the figure `peak_mb` is read right after
//! recording and one value+gradient replay, before anything else is recorded or timed.
//! Times are medians: recording over 3 recordings (1 at n ≥ 10⁶), the others by the
//! runner's autorange (calls per repeat grow until a repeat takes ≥ 40 ms; 7 repeats, 3
//! above 50 ms per call). The elements counted per size are n for the Rosenbrock and N·50 (the hidden
//! units per layer) for W3.

#[path = "../common/mod.rs"]
mod common;

use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

use common::{direction, mlp, w2};
use hesse_core::RecordedFn;

/// The sizes of the scale table.
const ROSEN: [usize; 4] = [100, 10_000, 1_000_000, 10_000_000];
const W3: [usize; 3] = [1_000, 10_000, 100_000];

/// The eager value and gradient at a point.
type Eager = Box<dyn Fn(&[f64]) -> (f64, Vec<f64>)>;

/// A recording at a point.
type Recorder = Box<dyn Fn(&[f64]) -> RecordedFn>;

/// One size's figures: case, n, `(figure, value)`.
type Row = (&'static str, usize, Vec<(String, f64)>);

/// The figures measured in one child, in the order printed.
const FIGURES: [&str; 6] = ["record_ms", "vg_us", "hvp_us", "eager_us", "peak_mb", "vector_mb"];

/// µs per call: the median over repeats after autorange (≥ 40 ms per repeat).
fn time<R>(mut f: impl FnMut() -> R) -> f64 {
    black_box(f());
    let mut calls = 1usize;
    let mut steps = [1usize, 2, 5].into_iter().cycle();
    let mut scale = 1;
    let per = loop {
        let t = Instant::now();
        for _ in 0..calls {
            black_box(f());
        }
        let dt = t.elapsed().as_secs_f64();
        if dt >= 0.04 {
            break dt / calls as f64;
        }
        let s = steps.next().expect("cycle");
        if s == 1 && calls > 1 {
            scale *= 10;
        }
        calls = s * scale;
    };
    let repeats = if per > 0.05 { 3 } else { 7 };
    let mut v: Vec<f64> = (0..repeats)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..calls {
                black_box(f());
            }
            t.elapsed().as_secs_f64() * 1e6 / calls as f64
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Peak resident set of this process so far, MB (`VmHWM`; 0 where there is no /proc).
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse::<f64>().ok()))
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Memory of this process on transparent huge pages, MB (`AnonHugePages` of
/// `/proc/self/smaps_rollup`; 0 where there is no such file).
fn huge_mb() -> f64 {
    std::fs::read_to_string("/proc/self/smaps_rollup")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("AnonHugePages:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse::<f64>().ok()))
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// One size in this process: prints `figure value` lines.
fn one(case: &str, n: usize, what: &str) {
    let all = what == "all";
    let (x, v, vector_mb, record, eager): (Vec<f64>, Vec<f64>, f64, Recorder, Eager) = match case {
        "rosen" => (
            w2::x0(n),
            direction(n),
            n as f64 * 8.0 / (1 << 20) as f64,
            Box::new(|x| RecordedFn::new_vector(w2::ext_vector, x)),
            Box::new(|x| hesse_core::vector::value_and_grad(w2::ext_vector, x)),
        ),
        "w3" => {
            let data = mlp::load_data();
            // N points: the 1,000 of W3 repeated (the cost does not depend on the values).
            let mut big = data.clone();
            while big.rows() < n {
                big.x.extend_from_slice(&data.x);
                big.y.extend_from_slice(&data.y);
            }
            let big = std::rc::Rc::new(big.head(n));
            assert_eq!(big.rows(), n);
            let (_, th) = mlp::load_w3_init("w3_init_2_50_50_1.json");
            let lay = mlp::Layout::w3(50);
            let b1 = big.clone();
            (
                th.clone(),
                direction(th.len()),
                n as f64 * 50.0 * 8.0 / (1 << 20) as f64,
                Box::new(move |x| {
                    let f = hesse_core::vector::function(|w| mlp::loss(w, &b1, &lay, None));
                    RecordedFn::new_vector(f, x)
                }),
                Box::new(move |x| {
                    let f = hesse_core::vector::function(|w| mlp::loss(w, &big, &lay, None));
                    hesse_core::vector::value_and_grad(f, x)
                }),
            )
        }
        _ => panic!("case: rosen | w3"),
    };
    // The peak memory of one recording and one replay; then more recordings for the median.
    let t = Instant::now();
    let mut rec = record(&x);
    let first = t.elapsed().as_secs_f64() * 1e3;
    let mut g = vec![0.0; x.len()];
    black_box(rec.value_and_grad_to(&x, &mut g));
    println!("peak_mb {}", peak_mb());
    println!("huge_mb {}", huge_mb());
    println!("vector_mb {vector_mb}");
    let more = if (all || what == "record") && n < 1_000_000 {
        2
    } else {
        0
    };
    let mut ms: Vec<f64> = (0..more)
        .map(|_| {
            let t = Instant::now();
            black_box(record(&x));
            t.elapsed().as_secs_f64() * 1e3
        })
        .chain([first])
        .collect();
    ms.sort_by(f64::total_cmp);
    println!("record_ms {}", ms[ms.len() / 2]);
    if all || what == "vg" {
        println!("vg_us {}", time(|| rec.value_and_grad_to(black_box(&x), &mut g)));
    }
    if all || what == "hvp" {
        println!("hvp_us {}", time(|| rec.hvp_to(black_box(&x), &v, &mut g)));
    }
    if all || what == "eager" {
        println!("eager_us {}", time(|| eager(black_box(&x))));
    }
}

/// Runs every size in a child process and collects its figures.
fn table() -> Vec<Row> {
    let exe = std::env::current_exe().expect("own path");
    let cases = ROSEN
        .iter()
        .map(|&n| ("rosen", n))
        .chain(W3.iter().map(|&n| ("w3", n)));
    cases
        .map(|(case, n)| {
            let out = Command::new(&exe)
                .args(["one", case, &n.to_string(), "all"])
                .output()
                .expect("child runs");
            assert!(
                out.status.success(),
                "{case} {n}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let figs = String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| {
                    let (k, v) = l.split_once(' ')?;
                    Some((k.to_string(), v.parse().ok()?))
                })
                .collect();
            eprintln!("{case} n = {n} done");
            (case, n, figs)
        })
        .collect()
}

/// The figure: time per element against n (log–log), one panel per case, from a `--json`
/// output (`[{case, n, figure: value}]`).
fn plot(json: &str, svg: &str) {
    use plotters::prelude::*;
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(json).expect("json file")).expect("json");
    let root = SVGBackend::new(svg, (1100, 480)).into_drawing_area();
    root.fill(&WHITE).expect("draw");
    let panels = root.split_evenly((1, 2));
    let series: [(&str, &str, f64, RGBColor); 4] = [
        ("recording", "record_ms", 1e6, RGBColor(31, 119, 180)),
        ("replay value+gradient", "vg_us", 1e3, RGBColor(44, 160, 44)),
        ("replay HVP", "hvp_us", 1e3, RGBColor(214, 39, 40)),
        ("eager value+gradient", "eager_us", 1e3, RGBColor(148, 103, 189)),
    ];
    let cases = [
        ("rosen", "extended Rosenbrock (vector form)", "n", 1.0),
        (
            "w3",
            "W3 network 2-50-50-1",
            "data points N (elements: 50·N)",
            50.0,
        ),
    ];
    for (area, (case, title, xlabel, per)) in panels.iter().zip(cases) {
        let pts = |key: &str, scale: f64| -> Vec<(f64, f64)> {
            rows.iter()
                .filter(|r| r["case"] == case)
                .filter_map(|r| {
                    let n = r["n"].as_f64()?;
                    // ns per element: the figure in ns over the elements.
                    Some((n, r[key].as_f64()? * scale / (n * per)))
                })
                .collect()
        };
        let all: Vec<(f64, f64)> = series.iter().flat_map(|s| pts(s.1, s.2)).collect();
        let (x0, x1) = all
            .iter()
            .fold((f64::MAX, 0f64), |(a, b), p| (a.min(p.0), b.max(p.0)));
        let (y0, y1) = all
            .iter()
            .fold((f64::MAX, 0f64), |(a, b), p| (a.min(p.1), b.max(p.1)));
        let mut chart = ChartBuilder::on(area)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(
                (x0 / 2.0..x1 * 2.0).log_scale(),
                (y0 / 2.0..y1 * 30.0).log_scale(),
            )
            .expect("chart");
        chart
            .configure_mesh()
            .x_desc(xlabel)
            .y_desc("ns per element")
            .x_labels(6)
            .x_label_formatter(&|x| format!("{x:.0e}"))
            .y_label_formatter(&|y| format!("{y}"))
            .draw()
            .expect("mesh");
        for (name, key, scale, color) in series {
            let p = pts(key, scale);
            chart
                .draw_series(LineSeries::new(p.clone(), color.stroke_width(2)))
                .expect("line")
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
            chart
                .draw_series(p.into_iter().map(|q| Circle::new(q, 3, color.filled())))
                .expect("points");
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .expect("legend");
    }
    root.present().expect("write svg");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--plot") {
        plot(&args[1], &args[2]);
        return;
    }
    if args.first().map(String::as_str) == Some("one") {
        let n = args
            .get(2)
            .and_then(|s| s.parse().ok())
            .expect("one CASE N [WHAT]");
        one(&args[1], n, args.get(3).map_or("all", String::as_str));
        return;
    }
    let json = args.iter().any(|a| a == "--json");
    let rows = table();
    if json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .map(|(case, n, figs)| {
                let mut m = serde_json::Map::new();
                m.insert("case".into(), (*case).into());
                m.insert("n".into(), (*n).into());
                for (k, x) in figs {
                    m.insert(k.clone(), (*x).into());
                }
                serde_json::Value::Object(m)
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v).expect("json"));
        return;
    }
    println!("| case | n | {} |", FIGURES.join(" | "));
    println!("|---|---:|{}", "---:|".repeat(FIGURES.len()));
    for (case, n, figs) in &rows {
        let cell = |k: &str| {
            figs.iter()
                .find(|(f, _)| f == k)
                .map_or("—".to_string(), |(_, x)| format!("{x:.4}"))
        };
        let cells: Vec<String> = FIGURES.iter().map(|f| cell(f)).collect();
        println!("| {case} | {n} | {} |", cells.join(" | "));
    }
}
