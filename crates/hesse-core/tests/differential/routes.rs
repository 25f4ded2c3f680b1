//! The routes a recording can take, the questions asked of it, and the eager answers.
//!
//! A route is how a [`RecordedFn`] is built (interpreter only, compiled after some replays,
//! compiled at once, Hessian columns in parallel); a [`Native`] setting caps the native code
//! around it. The eager reference is always computed inside the same setting: products and
//! `exp` round differently with FMA, so only answers of one setting are comparable bit for
//! bit.

use std::cell::RefCell;

use hesse_core::native::{self, Isa, Native};
use hesse_core::{Matrix, RecordedFn};

use super::compare::{Mismatch, Zeros, first_difference};
use super::program::{Family, Program, lits};

/// How the recording under test is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    /// `.without_jit()`: the replay interpreter, lanes and fused regions only.
    Interpreter,
    /// `.with_jit_after(k)`: interpreted k times per program, then compiled.
    JitAfter(u64),
    /// `.jit()`: every all-scalar program compiled at its first replay.
    Jit,
    /// `.without_jit().with_parallel_min_dim(2)` (feature `rayon`): Hessian columns on
    /// rayon's threads.
    Parallel,
    /// `RecordedFn::new_with_data` / `new_vector_with_data`, then `.jit()`: the program's
    /// last ⌊n/2⌋ coordinates are data inputs (set with `set_data` before every query), the
    /// others parameters; against the eager tape with the data as constants.
    Data,
    /// `.without_jit()` with every fused region's machine code storing non-temporally
    /// (`hesse_core::streaming::scoped(Some(0), …)` around each query; an aligning head, the
    /// sums' lanes rotated).
    Streamed,
    /// No recording: the eager transforms with every deferred read run as fused regions
    /// (`hesse_core::eager::scoped(Some(0), …)`), against the same transforms node by node.
    EagerFused,
}

/// The number of parameters of the data route for a program of `n` inputs (the rest are
/// data): at least one.
pub fn data_params(n: usize) -> usize {
    n - n / 2
}

impl Route {
    /// The route's name in the statistics (one row for every `JitAfter(k)`).
    pub fn name(self) -> &'static str {
        match self {
            Route::Interpreter => "interpreter",
            Route::JitAfter(_) => "jit-after-k",
            Route::Jit => "jit",
            Route::Parallel => "parallel-hessian",
            Route::Data => "data-inputs",
            Route::Streamed => "streamed",
            Route::EagerFused => "eager-fused",
        }
    }

    /// The builder calls of the route, as Rust.
    pub fn rust(self) -> String {
        match self {
            Route::Interpreter => ".without_jit()".into(),
            Route::JitAfter(k) => format!(".with_jit_after({k})"),
            Route::Jit => ".jit()".into(),
            Route::Parallel => ".without_jit().with_parallel_min_dim(2)".into(),
            Route::Data => ".jit()".into(),
            Route::Streamed => ".without_jit()".into(),
            Route::EagerFused => unreachable!("the eager route records nothing"),
        }
    }

    /// The routes every program takes (the parallel one only where this build has rayon).
    pub fn all(jit_after: u64) -> Vec<Route> {
        let mut r = vec![
            Route::Interpreter,
            Route::JitAfter(jit_after),
            Route::Jit,
            Route::Data,
            Route::Streamed,
            Route::EagerFused,
        ];
        if cfg!(feature = "rayon") {
            r.push(Route::Parallel);
        }
        r
    }
}

/// The native settings this CPU can run: everything off, then each instruction set with
/// generated code, and the widest without generated code.
pub fn settings() -> Vec<Native> {
    let widest = native::available();
    let mut s = vec![Native::OFF];
    for isa in [Isa::Baseline, Isa::Avx2, Isa::Avx512] {
        if isa <= widest {
            s.push(Native { isa, jit: true });
        }
    }
    s.push(Native {
        isa: widest,
        jit: false,
    });
    s
}

/// A question asked of a recording.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Question {
    Value,
    /// The value and the gradient (one answer: the value first).
    Grad,
    Hvp,
    Hessian,
}

/// One question at one of the case's points (and directions).
#[derive(Clone, Copy, Debug)]
pub struct Query {
    pub question: Question,
    pub point: usize,
    pub dir: usize,
    /// Whether the caller's buffer starts with garbage (`*_to`) instead of being fresh.
    pub junk: bool,
}

/// Records `prog` at `x0` by `route`, logging the comparisons' outcomes into `log`.
pub fn record(prog: &Program, x0: &[f64], route: Route, log: &RefCell<Vec<bool>>) -> RecordedFn {
    if route == Route::Data {
        return record_with_data(prog, x0, log);
    }
    let rec = match prog.family {
        Family::Scalars => RecordedFn::new(|x| prog.eval(x, log), x0),
        Family::Vector => RecordedFn::new_vector(|w| prog.eval(&[w], log), x0),
    };
    match route {
        Route::Interpreter | Route::Streamed => rec.without_jit(),
        Route::JitAfter(k) => rec.with_jit_after(k),
        Route::Jit => rec.jit(),
        #[cfg(feature = "rayon")]
        Route::Parallel => rec.without_jit().with_parallel_min_dim(2),
        #[cfg(not(feature = "rayon"))]
        Route::Parallel => unreachable!("the parallel route needs the rayon feature"),
        Route::Data => unreachable!("recorded by `record_with_data`"),
        // Its answers are eager; the recording only keeps the loop uniform.
        Route::EagerFused => rec.without_jit(),
    }
}

/// The data route's recording: parameters `x0[..k]`, data `x0[k..]` (one scalar datum per
/// coordinate, or one vector concatenated after the parameters).
fn record_with_data(prog: &Program, x0: &[f64], log: &RefCell<Vec<bool>>) -> RecordedFn {
    let k = data_params(prog.n);
    let (params, data) = x0.split_at(k);
    let rec = match prog.family {
        Family::Scalars => {
            let data: Vec<(&[f64], &[usize])> =
                data.iter().map(|d| (std::slice::from_ref(d), &[][..])).collect();
            RecordedFn::new_with_data(
                |p, d| prog.eval(&p.iter().chain(d).copied().collect::<Vec<_>>(), log),
                params,
                &data,
            )
        }
        Family::Vector => {
            let shape = [data.len()];
            let data: Vec<(&[f64], &[usize])> = if data.is_empty() {
                Vec::new()
            } else {
                vec![(data, &shape[..])]
            };
            RecordedFn::new_vector_with_data(|w, d| prog.eval(&[joined(w, d)], log), params, &data)
        }
    };
    rec.jit()
}

/// The vector program's input: the parameters, then the data vector if there is one.
fn joined<'t>(w: hesse_core::Var<'t>, d: &[hesse_core::Var<'t>]) -> hesse_core::Var<'t> {
    match d {
        [] => w,
        [d] => hesse_core::Var::concat(&[w, *d], 0),
        _ => unreachable!("one data vector"),
    }
}

/// The recording's answer to `q` at `x` (direction `v`) by `route`: the data route first
/// sets the data from `x`'s tail and asks at the parameters.
pub fn ask_by(
    route: Route,
    prog: &Program,
    rec: &mut RecordedFn,
    q: Query,
    x: &[f64],
    v: &[f64],
) -> Vec<f64> {
    if route == Route::EagerFused {
        let log = RefCell::new(Vec::new());
        return hesse_core::eager::scoped(Some(0), || eager_answer(prog, q.question, x, v, &log));
    }
    if route == Route::Streamed {
        return hesse_core::streaming::scoped(Some(0), || ask(rec, q, x, v));
    }
    if route != Route::Data {
        return ask(rec, q, x, v);
    }
    let k = data_params(prog.n);
    match prog.family {
        Family::Scalars => {
            for (i, d) in x[k..].iter().enumerate() {
                rec.set_data(i, std::slice::from_ref(d));
            }
        }
        Family::Vector if k < prog.n => rec.set_data(0, &x[k..]),
        Family::Vector => {}
    }
    ask(rec, q, &x[..k], &v[..k])
}

const JUNK: f64 = -1234.5;

/// The recording's answer to `q` as a Rust expression, into a buffer of garbage where the
/// fuzzer used one (`n` coordinates).
fn query_call(q: &Query, x: &str, v: &str, n: usize) -> String {
    match (q.question, q.junk) {
        (Question::Value, _) => format!("vec![rec.value(&{x})]"),
        (Question::Grad, false) => format!("rec.value_and_grad(&{x})"),
        (Question::Grad, true) => format!(
            "{{ let mut g = vec![{JUNK:?}; {n}]; let y = rec.value_and_grad_to(&{x}, &mut g); (y, g) }}"
        ),
        (Question::Hvp, false) => format!("rec.hvp(&{x}, &{v})"),
        (Question::Hvp, true) => {
            format!("{{ let mut o = vec![{JUNK:?}; {n}]; rec.hvp_to(&{x}, &{v}, &mut o); o }}")
        }
        (Question::Hessian, false) => format!("rec.hessian(&{x})"),
        (Question::Hessian, true) => format!(
            "{{ let mut h = hesse_core::Matrix::new({n}, {n}, vec![{JUNK:?}; {n} * {n}]); \
             rec.hessian_to(&{x}, &mut h); h }}"
        ),
    }
}

/// The recording's answer to `q` at `x` (direction `v`).
pub fn ask(rec: &mut RecordedFn, q: Query, x: &[f64], v: &[f64]) -> Vec<f64> {
    let n = x.len();
    match q.question {
        Question::Value => vec![rec.value(x)],
        Question::Grad => {
            if q.junk {
                let mut g = vec![JUNK; n];
                let y = rec.value_and_grad_to(x, &mut g);
                std::iter::once(y).chain(g).collect()
            } else {
                let (y, g) = rec.value_and_grad(x);
                std::iter::once(y).chain(g).collect()
            }
        }
        Question::Hvp => {
            if q.junk {
                let mut out = vec![JUNK; n];
                rec.hvp_to(x, v, &mut out);
                out
            } else {
                rec.hvp(x, v)
            }
        }
        Question::Hessian => {
            if q.junk {
                let mut h = Matrix::new(n, n, vec![JUNK; n * n]);
                rec.hessian_to(x, &mut h);
                h.into_vec()
            } else {
                rec.hessian(x).into_vec()
            }
        }
    }
}

/// The eager tape's answer for `route` (see [`reference`]): for the data route, of the
/// program with `x`'s tail as constants, differentiated in the parameters only.
pub fn reference_by(
    route: Route,
    prog: &Program,
    question: Question,
    x: &[f64],
    v: &[f64],
    log: &RefCell<Vec<bool>>,
) -> Vec<f64> {
    if route != Route::Data {
        return reference(prog, question, x, v, log);
    }
    hesse_core::eager::scoped(None, || reference_with_data(prog, question, x, v, log))
}

/// The data route's eager answer (see [`reference_by`]).
fn reference_with_data(
    prog: &Program,
    question: Question,
    x: &[f64],
    v: &[f64],
    log: &RefCell<Vec<bool>>,
) -> Vec<f64> {
    use hesse_core::vector;
    let k = data_params(prog.n);
    let (p, d, v) = (&x[..k], &x[k..], &v[..k]);
    let with_value = |vg| value_answer(question, vg);
    match prog.family {
        Family::Scalars => {
            let f = hesse_core::function(|p| {
                let tape = p[0].tape();
                let xs: Vec<_> = p
                    .iter()
                    .copied()
                    .chain(d.iter().map(|&c| tape.scalar(c)))
                    .collect();
                prog.eval(&xs, log)
            });
            match question {
                Question::Value | Question::Grad => with_value(hesse_core::value_and_grad(f, p)),
                Question::Hvp => hesse_core::hvp(f, p, v),
                Question::Hessian => hesse_core::hessian(f, p).into_vec(),
            }
        }
        Family::Vector => {
            let f = vector::function(|w| {
                let data: Vec<_> = if d.is_empty() {
                    Vec::new()
                } else {
                    vec![w.tape().constant(d, &[d.len()])]
                };
                prog.eval(&[joined(w, &data)], log)
            });
            match question {
                Question::Value | Question::Grad => with_value(vector::value_and_grad(f, p)),
                Question::Hvp => vector::hvp(f, p, v),
                Question::Hessian => vector::hessian(f, p).into_vec(),
            }
        }
    }
}

/// The answer to `Value` (the value alone) or `Grad` (the value, then the gradient).
fn value_answer(question: Question, (y, g): (f64, Vec<f64>)) -> Vec<f64> {
    if question == Question::Value {
        vec![y]
    } else {
        std::iter::once(y).chain(g).collect()
    }
}

/// The eager tape's answer to `question` at `x` (direction `v`), in the current native
/// setting, node by node (no fused reads, `hesse_core::eager`), with the comparisons'
/// outcomes at `x` logged into `log`.
pub fn reference(
    prog: &Program,
    question: Question,
    x: &[f64],
    v: &[f64],
    log: &RefCell<Vec<bool>>,
) -> Vec<f64> {
    hesse_core::eager::scoped(None, || eager_answer(prog, question, x, v, log))
}

/// The eager transforms' answer to `question` under the thread's fusion setting.
fn eager_answer(
    prog: &Program,
    question: Question,
    x: &[f64],
    v: &[f64],
    log: &RefCell<Vec<bool>>,
) -> Vec<f64> {
    use hesse_core::vector;
    match (prog.family, question) {
        (Family::Scalars, Question::Value | Question::Grad) => {
            value_answer(question, hesse_core::value_and_grad(|x| prog.eval(x, log), x))
        }
        (Family::Scalars, Question::Hvp) => hesse_core::hvp(|x| prog.eval(x, log), x, v),
        (Family::Scalars, Question::Hessian) => hesse_core::hessian(|x| prog.eval(x, log), x).into_vec(),
        (Family::Vector, Question::Value | Question::Grad) => {
            value_answer(question, vector::value_and_grad(|w| prog.eval(&[w], log), x))
        }
        (Family::Vector, Question::Hvp) => vector::hvp(|w| prog.eval(&[w], log), x, v),
        (Family::Vector, Question::Hessian) => vector::hessian(|w| prog.eval(&[w], log), x).into_vec(),
    }
}

/// Everything needed to replay one failure: the program, the setting and route, the
/// recording point, and the queries up to and including the failing one (the last).
#[derive(Clone, Debug)]
pub struct Case {
    pub prog: Program,
    pub setting: Native,
    pub route: Route,
    pub x0: Vec<f64>,
    pub x0_kind: &'static str,
    pub points: Vec<(Vec<f64>, &'static str)>,
    pub dirs: Vec<(Vec<f64>, &'static str)>,
    pub queries: Vec<Query>,
}

/// What went wrong with a query.
#[derive(Clone, Debug)]
pub enum Wrong {
    /// An answer differs from the eager tape's.
    Bits(Mismatch),
    /// `branch_changed()` disagrees with whether the eager run's comparisons came out as
    /// at recording time.
    Branch { eager_flipped: bool, reported: bool },
}

/// Checks one answer against the eager tape: `Ok(true)` if compared equal, `Ok(false)` if
/// not compared because the replay took another branch than the eager run (and said so).
pub fn judge(
    rec: &RecordedFn,
    recorded_outcomes: &[bool],
    got: &[f64],
    want: &[f64],
    eager_outcomes: &[bool],
    zeros: Zeros,
) -> Result<bool, Wrong> {
    let flipped = eager_outcomes != recorded_outcomes;
    if flipped != rec.branch_changed() {
        return Err(Wrong::Branch {
            eager_flipped: flipped,
            reported: rec.branch_changed(),
        });
    }
    if flipped {
        // The recording follows the branch taken at x0, the eager run the one at x: the
        // answers are of two different functions.
        return Ok(false);
    }
    match first_difference(got, want, zeros) {
        Some(m) => Err(Wrong::Bits(m)),
        None => Ok(true),
    }
}

/// Checks an answer that involves no recording (the eager-fused route) against the eager
/// tape's: both are taken at the same point, so on the same branches.
pub fn judge_eager(got: &[f64], want: &[f64], zeros: Zeros) -> Result<bool, Wrong> {
    match first_difference(got, want, zeros) {
        Some(m) => Err(Wrong::Bits(m)),
        None => Ok(true),
    }
}

/// The reproducers' opening: the native setting of the case, as Rust.
fn scoped_header(setting: Native) -> String {
    format!(
        "hesse_core::native::scoped(hesse_core::native::Native {{ isa: hesse_core::native::Isa::{:?}, jit: {} }}, || {{\n",
        setting.isa, setting.jit
    )
}

/// The eager transform (module path `m`) answering `question` for `f` at `x` (direction
/// `v`), as a Rust expression.
fn eager_call(m: &str, question: Question, f: &str, x: &str, v: &str) -> String {
    match question {
        Question::Value => format!("vec![{m}value_and_grad({f}, {x}).0]"),
        Question::Grad => format!("{m}value_and_grad({f}, {x})"),
        Question::Hvp => format!("{m}hvp({f}, {x}, {v})"),
        Question::Hessian => format!("{m}hessian({f}, {x})"),
    }
}

impl Case {
    /// Replays the case from a fresh recording: the earlier queries unchecked, the last one
    /// against the eager tape. `Some` if it still goes wrong.
    pub fn check(&self) -> Option<Wrong> {
        native::scoped(self.setting, || {
            let log = RefCell::new(Vec::new());
            let mut rec = record(&self.prog, &self.x0, self.route, &log);
            let recorded = log.take();
            let (last, prefix) = self.queries.split_last().expect("a case has a query");
            for &q in prefix {
                let (x, v) = (&self.points[q.point].0, &self.dirs[q.dir].0);
                ask_by(self.route, &self.prog, &mut rec, q, x, v);
            }
            let (x, v) = (&self.points[last.point].0, &self.dirs[last.dir].0);
            let got = ask_by(self.route, &self.prog, &mut rec, *last, x, v);
            let want = reference_by(self.route, &self.prog, last.question, x, v, &log);
            let zeros = Zeros::of(self.prog.family, last.question);
            if self.route == Route::EagerFused {
                return judge_eager(&got, &want, zeros).err();
            }
            judge(&rec, &recorded, &got, &want, &log.take(), zeros).err()
        })
    }

    /// The failing query.
    pub fn last(&self) -> Query {
        *self.queries.last().expect("a case has a query")
    }

    /// The case as a Rust test body.
    pub fn rust(&self) -> String {
        let vector = self.prog.family == Family::Vector;
        let n = self.prog.n;
        let call = |q: &Query, x: &str, v: &str| query_call(q, x, v, n);
        if self.route == Route::Data {
            return self.rust_with_data();
        }
        if self.route == Route::EagerFused {
            return self.rust_eager_fused();
        }
        let mut s = self.prog.rust();
        s += &format!("let x0 = {};\n", lits(&self.x0));
        s += &scoped_header(self.setting);
        // The streamed route's queries (not the recording, not the reference) stream.
        let streamed = |e: String| {
            if self.route == Route::Streamed {
                format!("hesse_core::streaming::scoped(Some(0), || {e})")
            } else {
                e
            }
        };
        let ctor = if vector { "new_vector" } else { "new" };
        s += &format!(
            "    let mut rec = hesse_core::RecordedFn::{ctor}(&f, &x0){};\n",
            self.route.rust()
        );
        let (last, prefix) = self.queries.split_last().expect("a case has a query");
        for q in prefix {
            let (x, v) = (lits(&self.points[q.point].0), lits(&self.dirs[q.dir].0));
            s += &format!("    {};\n", streamed(call(q, &x, &v)));
        }
        s += &format!("    let x = {};\n", lits(&self.points[last.point].0));
        s += &format!("    let v = {};\n", lits(&self.dirs[last.dir].0));
        let m = if vector {
            "hesse_core::vector::"
        } else {
            "hesse_core::"
        };
        let want = eager_call(m, last.question, "&f", "&x", "&v");
        s += &format!(
            "    let (got, want) = ({}, {want});\n",
            streamed(call(last, "x", "v"))
        );
        s += "    let _ = v;\n    assert_eq!(format!(\"{got:?}\"), format!(\"{want:?}\"));\n});\n";
        s
    }

    /// The eager-fused route's case as a Rust test body: the failing question asked of the
    /// eager transforms fused and node by node.
    fn rust_eager_fused(&self) -> String {
        let m = if self.prog.family == Family::Vector {
            "hesse_core::vector::"
        } else {
            "hesse_core::"
        };
        let last = self.last();
        let mut s = self.prog.rust();
        s += &scoped_header(self.setting);
        s += &format!("    let x = {};\n", lits(&self.points[last.point].0));
        s += &format!("    let v = {};\n", lits(&self.dirs[last.dir].0));
        let ask = eager_call(m, last.question, "&f", "&x", "&v");
        s += &format!(
            "    let got = hesse_core::eager::scoped(Some(0), || {ask});\n    let want = hesse_core::eager::scoped(None, || {ask});\n"
        );
        s += "    let _ = v;\n    assert_eq!(format!(\"{got:?}\"), format!(\"{want:?}\"));\n});\n";
        s
    }

    /// The data route's case as a Rust test body: `f` over parameters and data joined, the
    /// data set from each point's tail before its query, the eager reference with the data
    /// as constants.
    fn rust_with_data(&self) -> String {
        let vector = self.prog.family == Family::Vector;
        let (n, k) = (self.prog.n, data_params(self.prog.n));
        let call = |q: &Query, x: &str, v: &str| query_call(q, x, v, k);
        let mut s = self.prog.rust();
        s += &format!("let x0 = {};\nlet k = {k};\n", lits(&self.x0));
        s += &scoped_header(self.setting);
        if vector {
            s += "    fn join<'t>(w: hesse_core::Var<'t>, d: &[f64]) -> hesse_core::Var<'t> { if d.is_empty() { w } else { \
                  hesse_core::Var::concat(&[w, w.tape().constant(d, &[d.len()])], 0) } }\n";
            s += &format!(
                "    let data: Vec<(&[f64], &[usize])> = if k < {n} {{ vec![(&x0[k..], &[{}][..])] }} else {{ vec![] }};\n",
                n - k
            );
            s += "    let mut rec = hesse_core::RecordedFn::new_vector_with_data(|w, d| f(match d { [] => w, [d] => \
                  hesse_core::Var::concat(&[w, *d], 0), _ => unreachable!() }), &x0[..k], &data).jit();\n";
            s += "    let set = |rec: &mut hesse_core::RecordedFn, x: &[f64]| if k < x.len() { rec.set_data(0, &x[k..]) };\n";
        } else {
            s += "    let data: Vec<(&[f64], &[usize])> = x0[k..].iter().map(|d| (std::slice::from_ref(d), &[][..])).collect();\n";
            s += "    let mut rec = hesse_core::RecordedFn::new_with_data(|p, d| f(&p.iter().chain(d).copied().collect::<Vec<_>>()), \
                  &x0[..k], &data).jit();\n";
            s += "    let set = |rec: &mut hesse_core::RecordedFn, x: &[f64]| for (i, d) in x[k..].iter().enumerate() { rec.set_data(i, &[*d]) };\n";
        }
        let (last, prefix) = self.queries.split_last().expect("a case has a query");
        for q in prefix {
            let (x, v) = (lits(&self.points[q.point].0), lits(&self.dirs[q.dir].0));
            s += &format!(
                "    {{ let (x, v) = ({x}, {v}); set(&mut rec, &x); {}; }}\n",
                call(q, "x[..k]", "v[..k]")
            );
        }
        s += &format!("    let x = {};\n", lits(&self.points[last.point].0));
        s += &format!("    let v = {};\n", lits(&self.dirs[last.dir].0));
        s += "    set(&mut rec, &x);\n";
        let (m, g) = if vector {
            (
                "hesse_core::vector::",
                "hesse_core::vector::function(|w| f(join(w, &x[k..])))",
            )
        } else {
            (
                "hesse_core::",
                "hesse_core::function(|p| { let t = p[0].tape(); \
                 f(&p.iter().copied().chain(x[k..].iter().map(|&c| t.scalar(c))).collect::<Vec<_>>()) })",
            )
        };
        s += &format!("    let g = {g};\n");
        let want = eager_call(m, last.question, "&g", "&x[..k]", "&v[..k]");
        s += &format!(
            "    let (got, want) = ({}, {want});\n",
            call(last, "x[..k]", "v[..k]")
        );
        s += "    let _ = v;\n    assert_eq!(format!(\"{got:?}\"), format!(\"{want:?}\"));\n});\n";
        s
    }
}
