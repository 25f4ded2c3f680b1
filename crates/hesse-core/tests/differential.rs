//! Differential fuzzer: every replay route of a [`RecordedFn`] gives the eager tape's answer
//! bit for bit, on random programs at degenerate points.
//!
//! **What it generates** (`differential/program.rs`): random programs over every op of the
//! engine — all [`Unary`](hesse_core::ops::Unary) ops (with random scalar constants), the
//! binary ops with broadcasting, `max`/`min`/`max_mask`, branches on recorded comparisons
//! (`Var::gt`/`ge`/`lt`/`le`), sums, means, sums over axes, `logsumexp`, softmax and
//! log-softmax, `broadcast_to`/`sum_to`, matrix products of every rank combination, `dot`,
//! transposes, reshapes, slices, pads, concatenations, stacks, indexing, the losses of
//! `hesse_core::loss`, and custom functions with their rules (`differential/custom.rs`) —
//! of 5 to 5,000 steps over 1 to 128 inputs, in two families: closures
//! over one scalar `Var` per coordinate (`RecordedFn::new` against `hesse_core::value_and_grad`,
//! `hvp`, `hessian`; 60 % of them all-scalar, the programs Cranelift compiles, in chunks past
//! 384 instructions) and closures over one rank-1 `Var` that cut it into vectors and matrices
//! (`RecordedFn::new_vector` against `hesse_core::vector::*`).
//!
//! **Points** (`differential/points.rs`): recordings at all zeros, all-equal entries, kinks,
//! ties, small integers, generic points; replays there and at ±0, ±inf, NaN, subnormals,
//! ±1e300, per-coordinate mixtures of these, and generic points; HVP directions unit,
//! zero, ones, wild or generic.
//!
//! **Routes** (`differential/routes.rs`): the interpreter (`.without_jit()`), compiled after
//! k replays (`.with_jit_after(k)`, its queries asked twice so they run before and after the
//! compilation), compiled at first use (`.jit()`), parallel Hessian columns
//! (`.with_parallel_min_dim(2)`, when hesse-core is built with `rayon`: hesse-core's own
//! dev-dependency turns it on), and data inputs (`RecordedFn::new_with_data` /
//! `new_vector_with_data`, then `.jit()`: the last ⌊n/2⌋ coordinates are data, set with
//! `set_data` before each query, against the eager tape with them as constants), the
//! interpreter with every fused region's machine code storing non-temporally
//! (`hesse_core::streaming::scoped(Some(0), …)`: an aligning head, streamed whole vectors,
//! the sums' lanes rotated), and the
//! eager transforms with every deferred read run as fused regions
//! (`hesse_core::eager::scoped(Some(0), …)`, no recording; the reference runs node by node),
//! each program under one of the native settings this CPU
//! offers ([`native::scoped`]: everything off, each instruction set with generated code, the
//! widest without). The eager reference is computed in the same setting. Each route asks
//! value, value and gradient, HVP and (up to 40 inputs) Hessian at every replay point, in a
//! shuffled order on one recording, half of them into caller buffers full of garbage.
//!
//! **Comparison** (`differential/compare.rs`): bits, with every NaN equal to every NaN;
//! `-0.0` differs from `0.0`, except in the Hessians of recordings over scalar inputs, where
//! the engine documents a zero's sign as free (`exec/reach.rs`). A replay whose recorded comparisons come out otherwise than
//! at recording time must say so (`branch_changed`) and is then not compared.
//!
//! **Running.** `cargo test -p hesse-core --test differential` runs each family for
//! `HESSE_FUZZ_SECONDS` (default 30) seconds — half with the fixed seed, half with a fresh
//! one it prints — and prints per route how many programs, points and comparisons it ran. A
//! long run: `HESSE_FUZZ_SECONDS=3600 cargo test --release -p hesse-core --test differential
//! -- --nocapture`. Other variables: `HESSE_FUZZ_SEED` (only this seed), `HESSE_FUZZ_START`
//! and `HESSE_FUZZ_PROGRAMS` (program indices `START..START+PROGRAMS` of the seed),
//! `HESSE_FUZZ_FAMILY` (`scalars` or `vector`), `HESSE_FUZZ_MAX_STEPS`,
//! `HESSE_FUZZ_MAX_INPUTS`. A failure prints the command that replays its program, and the
//! shrunk case as Rust code.
#![cfg(feature = "jit")]

#[path = "differential/compare.rs"]
mod compare;
#[path = "differential/custom.rs"]
mod custom;
#[path = "differential/points.rs"]
mod points;
#[path = "differential/program.rs"]
mod program;
#[path = "differential/routes.rs"]
mod routes;
#[path = "differential/shrink.rs"]
mod shrink;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hesse_core::native::{self, Native};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use compare::{Zeros, kind};
use program::{Family, generate};
use routes::{Case, Query, Question, Route, Wrong, ask_by, judge, judge_eager, record, reference_by};

/// The seed every run starts with.
const FIXED_SEED: u64 = 0x15_d1ff;

/// Largest dimension whose Hessians are asked (the eager Hessian is n reverse passes).
const HESSIAN_MAX_DIM: usize = 40;

fn env<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok().and_then(|s| s.trim().parse().ok())
}

/// The run's settings, from the environment (see the module docs).
struct Config {
    seeds: Vec<u64>,
    seconds: f64,
    start: u64,
    programs: u64,
    max_steps: usize,
    max_inputs: usize,
    family: Option<Family>,
}

impl Config {
    fn from_env() -> Config {
        let fresh = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64);
        let family = std::env::var("HESSE_FUZZ_FAMILY").ok().map(|f| match f.trim() {
            "scalars" => Family::Scalars,
            "vector" => Family::Vector,
            other => panic!("HESSE_FUZZ_FAMILY: `scalars` or `vector`, not `{other}`"),
        });
        Config {
            seeds: env("HESSE_FUZZ_SEED").map_or(vec![FIXED_SEED, fresh], |s| vec![s]),
            seconds: env("HESSE_FUZZ_SECONDS").unwrap_or(30.0),
            start: env("HESSE_FUZZ_START").unwrap_or(0),
            programs: env("HESSE_FUZZ_PROGRAMS").unwrap_or(u64::MAX),
            max_steps: env("HESSE_FUZZ_MAX_STEPS").unwrap_or(5000),
            max_inputs: env("HESSE_FUZZ_MAX_INPUTS").unwrap_or(128),
            family,
        }
    }
}

/// Counts per route, for the closing report.
#[derive(Default)]
struct Counts {
    programs: u64,
    points: u64,
    questions: [u64; 4],
    /// Numbers compared bit for bit, and how many of them were finite.
    numbers: u64,
    finite: u64,
    /// Queries not compared because the replay's branch differed from the eager run's.
    branch_skips: u64,
    failures: u64,
}

/// A failure and where it came from.
struct Failure {
    case: Case,
    wrong: Wrong,
    seed: u64,
    index: u64,
}

/// Failures grouped by class (family, route, question, kind of difference, kinds of
/// points): the first of each class is kept and shrunk, the others counted.
#[derive(Default)]
struct Failures {
    first: BTreeMap<String, (Failure, u64)>,
    panics: Vec<String>,
}

impl Failures {
    fn add(&mut self, f: Failure) {
        let q = f.case.last();
        let what = match &f.wrong {
            Wrong::Bits(m) => kind(m).to_string(),
            Wrong::Branch { .. } => "branch_changed disagrees".into(),
        };
        let class = format!(
            "{:?} / {} / {:?} / {}",
            f.case.prog.family,
            f.case.route.name(),
            q.question,
            what
        );
        self.first.entry(class).and_modify(|e| e.1 += 1).or_insert((f, 1));
    }
}

/// An eager answer and the comparisons' outcomes at its point.
type Eager = (Vec<f64>, Vec<bool>);

fn log_uniform(rng: &mut StdRng, lo: usize, hi: usize) -> usize {
    let (a, b) = ((lo as f64).ln(), (hi.max(lo) as f64 + 1.0).ln());
    (rng.random_range(a..b).exp() as usize).clamp(lo, hi.max(lo))
}

/// Generates program `index` of `seed` and runs it through every route.
fn run_program(
    family: Family,
    seed: u64,
    index: u64,
    cfg: &Config,
    counts: &mut BTreeMap<&'static str, Counts>,
    failures: &mut Failures,
) {
    let tag = match family {
        Family::Scalars => 0x5ca1,
        Family::Vector => 0x7ec7,
    };
    let mut rng = StdRng::seed_from_u64(seed ^ tag ^ (index + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let n = log_uniform(&mut rng, 1, cfg.max_inputs);
    let len = log_uniform(&mut rng, 5, cfg.max_steps);
    let prog = generate(&mut rng, family, n, len);
    let settings = routes::settings();
    // The default setting (everything this CPU offers) for 40 % of the programs: it is the
    // one users run, and the only one with AVX-512 machine code.
    let setting = if rng.random_bool(0.4) {
        Native::ON
    } else {
        settings[rng.random_range(0..settings.len())]
    };
    let x0_kind = points::RECORD_KINDS[rng.random_range(0..points::RECORD_KINDS.len())];
    let x0 = points::point(&mut rng, n, x0_kind);
    let mut pts = vec![(x0.clone(), "recording point")];
    for _ in 0..rng.random_range(3..=6) {
        let kind = points::REPLAY_KINDS[rng.random_range(0..points::REPLAY_KINDS.len())];
        pts.push((points::point(&mut rng, n, kind), kind));
    }
    let dirs: Vec<(Vec<f64>, &'static str)> = (0..2).map(|_| points::direction(&mut rng, n)).collect();
    let cost = (prog.steps.len() + 10) * n;
    let hessians = n <= HESSIAN_MAX_DIM && cost <= 40_000;
    let mut plan: Vec<Query> = Vec::new();
    for p in 0..pts.len() {
        let mut qs = vec![Question::Value, Question::Grad, Question::Hvp];
        if hessians {
            qs.push(Question::Hessian);
        }
        for question in qs {
            plan.push(Query {
                question,
                point: p,
                dir: rng.random_range(0..dirs.len()),
                junk: rng.random_bool(0.5),
            });
        }
    }
    let jit_after = rng.random_range(0..4);
    let mut case = Case {
        prog,
        setting,
        route: Route::Interpreter,
        x0,
        x0_kind,
        points: pts,
        dirs,
        queries: Vec::new(),
    };
    // Eager answers by (question, point, direction), with the comparisons' outcomes at the
    // point; computed once per program and shared by the routes.
    let mut refs: HashMap<(bool, Question, usize, usize), Eager> = HashMap::new();
    native::scoped(setting, || {
        for route in Route::all(jit_after) {
            if route == Route::Parallel && !(hessians && n >= 2) {
                continue;
            }
            let c = counts.entry(route.name()).or_default();
            c.programs += 1;
            c.points += case.points.len() as u64;
            let log = RefCell::new(Vec::new());
            let mut rec = record(&case.prog, &case.x0, route, &log);
            let recorded = log.take();
            let mut queries: Vec<Query> = match route {
                // The parallel route differs from the interpreter in Hessians only.
                Route::Parallel => plan
                    .iter()
                    .copied()
                    .filter(|q| q.question == Question::Hessian)
                    .collect(),
                _ => plan.clone(),
            };
            queries.shuffle(&mut rng);
            if let Route::JitAfter(_) = route {
                let mut again = queries.clone();
                again.shuffle(&mut rng);
                queries.extend(again);
            }
            for (i, &q) in queries.iter().enumerate() {
                let (x, v) = (&case.points[q.point].0, &case.dirs[q.dir].0);
                let got = ask_by(route, &case.prog, &mut rec, q, x, v);
                let key = (
                    route == Route::Data,
                    q.question,
                    q.point,
                    if q.question == Question::Hvp { q.dir } else { 0 },
                );
                let (want, eager) = refs.entry(key).or_insert_with(|| {
                    let log = RefCell::new(Vec::new());
                    let want = reference_by(route, &case.prog, q.question, x, v, &log);
                    (want, log.take())
                });
                c.questions[q.question as usize] += 1;
                let zeros = Zeros::of(case.prog.family, q.question);
                let verdict = if route == Route::EagerFused {
                    judge_eager(&got, want, zeros)
                } else {
                    judge(&rec, &recorded, &got, want, eager, zeros)
                };
                match verdict {
                    Ok(true) => {
                        c.numbers += want.len() as u64;
                        c.finite += want.iter().filter(|w| w.is_finite()).count() as u64;
                    }
                    Ok(false) => c.branch_skips += 1,
                    Err(wrong) => {
                        c.failures += 1;
                        case.route = route;
                        case.queries = queries[..=i].to_vec();
                        failures.add(Failure {
                            case: case.clone(),
                            wrong,
                            seed,
                            index,
                        });
                        // Later answers of this recording may follow from this one.
                        break;
                    }
                }
            }
        }
    });
}

/// Fuzzes one family for the configured time and panics with the failures found.
fn fuzz(family: Family) {
    let cfg = Config::from_env();
    if cfg.family.is_some_and(|f| f != family) {
        return;
    }
    let mut counts: BTreeMap<&'static str, Counts> = BTreeMap::new();
    let mut failures = Failures::default();
    let mut programs = 0;
    let start = Instant::now();
    let per_seed = Duration::from_secs_f64(cfg.seconds / cfg.seeds.len() as f64);
    for (s, &seed) in cfg.seeds.iter().enumerate() {
        println!("{family:?}: seed {seed} (reproduce with HESSE_FUZZ_SEED={seed})");
        let deadline = start + per_seed * (s as u32 + 1);
        let mut index = cfg.start;
        while Instant::now() < deadline && index - cfg.start < cfg.programs {
            let run = catch_unwind(AssertUnwindSafe(|| {
                run_program(family, seed, index, &cfg, &mut counts, &mut failures)
            }));
            if run.is_err() {
                failures.panics.push(format!(
                    "panic: HESSE_FUZZ_SEED={seed} HESSE_FUZZ_START={index} HESSE_FUZZ_PROGRAMS=1 \
                     HESSE_FUZZ_FAMILY={}",
                    format!("{family:?}").to_lowercase()
                ));
            }
            index += 1;
            programs += 1;
        }
    }
    println!(
        "{family:?}: {programs} programs in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    println!(
        "{:<18} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>12} {:>7} {:>8} {:>8}",
        "route",
        "programs",
        "points",
        "value",
        "grad",
        "hvp",
        "hessian",
        "numbers",
        "finite",
        "branch",
        "failures"
    );
    for (route, c) in &counts {
        println!(
            "{:<18} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>12} {:>6.1}% {:>8} {:>8}",
            route,
            c.programs,
            c.points,
            c.questions[0],
            c.questions[1],
            c.questions[2],
            c.questions[3],
            c.numbers,
            100.0 * c.finite as f64 / c.numbers.max(1) as f64,
            c.branch_skips,
            c.failures
        );
    }
    if failures.first.is_empty() && failures.panics.is_empty() {
        return;
    }
    // Shrink the first failure of each class, a bounded time each.
    let mut report = String::new();
    let classes = failures.first.len();
    // At most a minute of shrinking in all (ten minutes in runs of an hour or more).
    let shrinking = Instant::now() + Duration::from_secs(if cfg.seconds >= 3600.0 { 600 } else { 60 });
    for (class, (f, count)) in &failures.first {
        let until =
            shrinking.min(Instant::now() + Duration::from_secs(if cfg.seconds >= 3600.0 { 60 } else { 10 }));
        let small = shrink::shrink(&f.case, until);
        let q = small.last();
        let what = match small.check().unwrap_or_else(|| f.wrong.clone()) {
            Wrong::Bits(m) => format!(
                "element {} of {} differs ({} in all): got {:?} ({:#018x}), eager {:?} ({:#018x})",
                m.index,
                match q.question {
                    Question::Value => "the value",
                    Question::Grad => "[value, gradient…]",
                    Question::Hvp => "the HVP",
                    Question::Hessian => "the Hessian (row-major)",
                },
                m.count,
                m.got,
                m.got.to_bits(),
                m.want,
                m.want.to_bits()
            ),
            Wrong::Branch {
                eager_flipped,
                reported,
            } => {
                format!("eager comparisons flipped: {eager_flipped}, branch_changed(): {reported}")
            }
        };
        report += &format!(
            "\n=== {class} ({count} failure(s))\n{what}\nrecorded at {} point, replayed at {} point\n\
             setting {:?}, route {:?}, {} steps ({} before shrinking), {} inputs\n\
             replay the program: HESSE_FUZZ_SEED={} HESSE_FUZZ_START={} HESSE_FUZZ_PROGRAMS=1 HESSE_FUZZ_FAMILY={}\n{}",
            small.x0_kind,
            small.points[q.point].1,
            small.setting,
            small.route,
            small.prog.steps.len(),
            f.case.prog.steps.len(),
            small.prog.n,
            f.seed,
            f.index,
            format!("{family:?}").to_lowercase(),
            small.rust()
        );
    }
    for p in &failures.panics {
        report += &format!("\n=== {p}\n");
    }
    println!("{report}");
    panic!(
        "{family:?}: {classes} class(es) of wrong answers, {} panic(s); reproducers above",
        failures.panics.len()
    );
}

#[test]
fn scalar_programs_match_the_eager_tape() {
    fuzz(Family::Scalars);
}

#[test]
fn vector_programs_match_the_eager_tape() {
    fuzz(Family::Vector);
}
