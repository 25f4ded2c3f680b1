//! Random programs: a list of steps, each reading earlier values of a pool by index, run into
//! `Var` ops by [`Program::eval`] so the same program can be evaluated eagerly and recorded.
//!
//! The pool starts with the inputs (one scalar `Var` per coordinate, or the one rank-1 `Var`
//! of a vector program); step k appends pool entry `inputs + k`. Every value has rank 0, 1 or
//! 2, and the generator tracks the shapes ([`result_shape`]) so that every step it emits is
//! well-formed. The output is the sum of the values nothing else reads (each summed to a
//! scalar), so every step reaches the output.

use std::cell::RefCell;

use hesse_core::ops::Unary;
use hesse_core::{Var, loss};
use rand::Rng;
use rand::rngs::StdRng;

/// Closures over one scalar `Var` per coordinate, or over one rank-1 `Var`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    Scalars,
    Vector,
}

/// Elementwise ops of two operands (numpy broadcasting).
#[derive(Clone, Copy, Debug)]
pub enum Bin {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Max,
    Min,
    MaxMask,
}

/// The recorded comparisons (`Var::gt` and friends) that choose a branch.
#[derive(Clone, Copy, Debug)]
pub enum Cmp {
    Gt,
    Ge,
    Lt,
    Le,
}

/// Reductions and the ops built on `logsumexp`.
#[derive(Clone, Copy, Debug)]
pub enum Red {
    Sum,
    Mean,
    SumAxis(usize),
    SumKeepdim(usize),
    MeanAxis(usize),
    LogSumExp,
    LogSumExpAxis(usize),
    LogSumExpKeepdim(usize),
    Softmax(usize),
    LogSoftmax(usize),
}

/// The losses of `hesse_core::loss`, with their constant targets.
#[derive(Clone, Debug)]
pub enum Loss {
    BceWithLogits(Vec<f64>),
    Bce(Vec<f64>),
    SoftmaxCe(Vec<f64>),
    SoftmaxCeIndices(Vec<usize>),
    /// Against another pool value of the same shape.
    Mse(usize),
}

/// One step; `usize` fields are pool indices of earlier values.
#[derive(Clone, Debug)]
pub enum Step {
    Const {
        data: Vec<f64>,
        shape: Vec<usize>,
    },
    Unary(Unary, usize),
    Binary(Bin, usize, usize),
    /// `if pool[a] cmp pool[b] { pool[then] } else { pool[other] }`, a recorded comparison.
    Branch {
        cmp: Cmp,
        a: usize,
        b: usize,
        then: usize,
        other: usize,
    },
    Reduce(Red, usize),
    BroadcastTo(usize, Vec<usize>),
    SumTo(usize, Vec<usize>),
    Matmul(usize, usize),
    Dot(usize, usize),
    Transpose(usize),
    Reshape(usize, Vec<usize>),
    Flatten(usize),
    Slice {
        x: usize,
        axis: usize,
        start: usize,
        len: usize,
    },
    Pad {
        x: usize,
        axis: usize,
        start: usize,
        total: usize,
    },
    Index(usize, usize),
    Concat(Vec<usize>, usize),
    Stack(Vec<usize>),
    Loss(Loss, usize),
    /// The custom function `k` of `differential/custom.rs` on `x`.
    Custom(usize, usize),
}

impl Step {
    /// The pool indices this step reads.
    pub fn operands(&self) -> Vec<usize> {
        match self {
            Step::Const { .. } => vec![],
            Step::Unary(_, x)
            | Step::Reduce(_, x)
            | Step::BroadcastTo(x, _)
            | Step::SumTo(x, _)
            | Step::Transpose(x)
            | Step::Reshape(x, _)
            | Step::Flatten(x)
            | Step::Slice { x, .. }
            | Step::Pad { x, .. }
            | Step::Custom(_, x)
            | Step::Index(x, _) => vec![*x],
            Step::Binary(_, a, b) | Step::Matmul(a, b) | Step::Dot(a, b) => vec![*a, *b],
            Step::Branch {
                a, b, then, other, ..
            } => vec![*a, *b, *then, *other],
            Step::Concat(xs, _) | Step::Stack(xs) => xs.clone(),
            Step::Loss(Loss::Mse(y), x) => vec![*x, *y],
            Step::Loss(_, x) => vec![*x],
        }
    }

    /// Rewrites every operand index through `f` (for shrinking).
    pub fn map_operands(&mut self, f: impl Fn(usize) -> usize) {
        match self {
            Step::Const { .. } => {}
            Step::Unary(_, x)
            | Step::Reduce(_, x)
            | Step::BroadcastTo(x, _)
            | Step::SumTo(x, _)
            | Step::Transpose(x)
            | Step::Reshape(x, _)
            | Step::Flatten(x)
            | Step::Slice { x, .. }
            | Step::Pad { x, .. }
            | Step::Custom(_, x)
            | Step::Index(x, _) => *x = f(*x),
            Step::Binary(_, a, b) | Step::Matmul(a, b) | Step::Dot(a, b) => {
                *a = f(*a);
                *b = f(*b);
            }
            Step::Branch {
                a, b, then, other, ..
            } => {
                *a = f(*a);
                *b = f(*b);
                *then = f(*then);
                *other = f(*other);
            }
            Step::Concat(xs, _) | Step::Stack(xs) => xs.iter_mut().for_each(|x| *x = f(*x)),
            Step::Loss(l, x) => {
                *x = f(*x);
                if let Loss::Mse(y) = l {
                    *y = f(*y);
                }
            }
        }
    }
}

fn numel(s: &[usize]) -> usize {
    s.iter().product()
}

/// numpy's broadcast of two shapes, if they broadcast.
pub fn broadcast(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let r = a.len().max(b.len());
    let mut out = vec![0; r];
    for i in 0..r {
        let da = if i + a.len() >= r { a[i + a.len() - r] } else { 1 };
        let db = if i + b.len() >= r { b[i + b.len() - r] } else { 1 };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => return None,
        };
    }
    Some(out)
}

fn removed(s: &[usize], axis: usize) -> Vec<usize> {
    let mut s = s.to_vec();
    s.remove(axis);
    s
}

fn keepdim(s: &[usize], axis: usize) -> Vec<usize> {
    let mut s = s.to_vec();
    s[axis] = 1;
    s
}

/// The shape of a step's result, from the shapes of the pool so far.
pub fn result_shape(step: &Step, shapes: &[Vec<usize>]) -> Vec<usize> {
    let sh = |i: usize| shapes[i].clone();
    match step {
        Step::Const { shape, .. } => shape.clone(),
        Step::Unary(_, x) => sh(*x),
        Step::Custom(k, x) => super::custom::all()[*k].2.clone().unwrap_or_else(|| sh(*x)),
        Step::Binary(_, a, b) => broadcast(&shapes[*a], &shapes[*b]).expect("operands broadcast"),
        Step::Branch { then, .. } => sh(*then),
        Step::Reduce(r, x) => {
            let s = sh(*x);
            match r {
                Red::Sum | Red::Mean | Red::LogSumExp => vec![],
                Red::SumAxis(a) | Red::MeanAxis(a) | Red::LogSumExpAxis(a) => removed(&s, *a),
                Red::SumKeepdim(a) | Red::LogSumExpKeepdim(a) => keepdim(&s, *a),
                Red::Softmax(_) | Red::LogSoftmax(_) => s,
            }
        }
        Step::BroadcastTo(_, s) | Step::SumTo(_, s) | Step::Reshape(_, s) => s.clone(),
        Step::Matmul(a, b) => {
            let (sa, sb) = (sh(*a), sh(*b));
            match (sa.len(), sb.len()) {
                (2, 2) => vec![sa[0], sb[1]],
                (2, 1) => vec![sa[0]],
                (1, 2) => vec![sb[1]],
                _ => vec![],
            }
        }
        Step::Dot(..) | Step::Loss(..) => vec![],
        Step::Transpose(x) => {
            let s = sh(*x);
            if s.len() == 2 { vec![s[1], s[0]] } else { s }
        }
        Step::Flatten(x) => vec![numel(&shapes[*x])],
        Step::Slice { x, axis, len, .. } => {
            let mut s = sh(*x);
            s[*axis] = *len;
            s
        }
        Step::Pad { x, axis, total, .. } => {
            let mut s = sh(*x);
            s[*axis] = *total;
            s
        }
        Step::Index(x, _) => sh(*x)[1..].to_vec(),
        Step::Concat(xs, axis) => {
            let mut s = sh(xs[0]);
            s[*axis] = xs.iter().map(|&i| shapes[i][*axis]).sum();
            s
        }
        Step::Stack(xs) => {
            let mut s = vec![xs.len()];
            s.extend(sh(xs[0]));
            s
        }
    }
}

/// A random program: `n` inputs, then `steps`; the output is the sum of `out`.
#[derive(Clone, Debug)]
pub struct Program {
    pub family: Family,
    pub n: usize,
    pub steps: Vec<Step>,
    pub out: Vec<usize>,
}

fn unary<'t>(u: Unary, x: Var<'t>) -> Var<'t> {
    // The operator forms through their operators (so the fuzzer checks that `c - x` records
    // what it should); every other op through the registry, so a newly registered op is
    // fuzzed without a line here.
    match u {
        Unary::Neg => -x,
        Unary::Powi(k) => x.powi(k),
        Unary::Powf(c) => x.powf(c),
        Unary::AddScalar(c) => x + c,
        Unary::RSubScalar(c) => c - x,
        Unary::MulScalar(c) => x * c,
        Unary::DivScalar(c) => x / c,
        Unary::RDivScalar(c) => c / x,
        other => x.apply(other),
    }
}

impl Program {
    /// Number of pool entries before the first step.
    pub fn base(&self) -> usize {
        match self.family {
            Family::Scalars => self.n,
            Family::Vector => 1,
        }
    }

    /// The shapes of the whole pool.
    pub fn shapes(&self) -> Vec<Vec<usize>> {
        let mut shapes: Vec<Vec<usize>> = match self.family {
            Family::Scalars => vec![vec![]; self.n],
            Family::Vector => vec![vec![self.n]],
        };
        for s in &self.steps {
            let r = result_shape(s, &shapes);
            shapes.push(r);
        }
        shapes
    }

    /// Runs the program on `inputs` (n scalars, or the one vector), appending the outcome of
    /// every recorded comparison to `log`.
    pub fn eval<'t>(&self, inputs: &[Var<'t>], log: &RefCell<Vec<bool>>) -> Var<'t> {
        let tape = inputs[0].tape();
        let mut pool: Vec<Var<'t>> = inputs.to_vec();
        for step in &self.steps {
            let p = |i: usize| pool[i];
            let v = match step {
                Step::Const { data, shape } => tape.constant(data, shape),
                Step::Unary(u, x) => unary(*u, p(*x)),
                Step::Custom(k, x) => p(*x).custom(super::custom::all()[*k].0),
                Step::Binary(op, a, b) => {
                    let (a, b) = (p(*a), p(*b));
                    match op {
                        Bin::Add => a + b,
                        Bin::Sub => a - b,
                        Bin::Mul => a * b,
                        Bin::Div => a / b,
                        Bin::Pow => a.pow(b),
                        Bin::Max => a.max(b),
                        Bin::Min => a.min(b),
                        Bin::MaxMask => a.max_mask(b),
                    }
                }
                Step::Branch {
                    cmp,
                    a,
                    b,
                    then,
                    other,
                } => {
                    let (a, b) = (p(*a), p(*b));
                    let taken = match cmp {
                        Cmp::Gt => a.gt(b),
                        Cmp::Ge => a.ge(b),
                        Cmp::Lt => a.lt(b),
                        Cmp::Le => a.le(b),
                    };
                    log.borrow_mut().push(taken);
                    if taken { p(*then) } else { p(*other) }
                }
                Step::Reduce(r, x) => {
                    let x = p(*x);
                    match *r {
                        Red::Sum => x.sum(),
                        Red::Mean => x.mean(),
                        Red::SumAxis(a) => x.sum_axis(a),
                        Red::SumKeepdim(a) => x.sum_keepdim(a),
                        Red::MeanAxis(a) => x.mean_axis(a),
                        Red::LogSumExp => x.logsumexp(),
                        Red::LogSumExpAxis(a) => x.logsumexp_axis(a),
                        Red::LogSumExpKeepdim(a) => x.logsumexp_keepdim(a),
                        Red::Softmax(a) => x.softmax(a),
                        Red::LogSoftmax(a) => x.log_softmax(a),
                    }
                }
                Step::BroadcastTo(x, s) => p(*x).broadcast_to(s),
                Step::SumTo(x, s) => p(*x).sum_to(s),
                Step::Matmul(a, b) => p(*a).matmul(p(*b)),
                Step::Dot(a, b) => p(*a).dot(p(*b)),
                Step::Transpose(x) => p(*x).t(),
                Step::Reshape(x, s) => p(*x).reshape(s),
                Step::Flatten(x) => p(*x).flatten(),
                Step::Slice { x, axis, start, len } => p(*x).slice(*axis, *start, *len),
                Step::Pad {
                    x,
                    axis,
                    start,
                    total,
                } => p(*x).pad(*axis, *start, *total),
                Step::Index(x, i) => p(*x).index(*i),
                Step::Concat(xs, axis) => Var::concat(&xs.iter().map(|&i| p(i)).collect::<Vec<_>>(), *axis),
                Step::Stack(xs) => Var::stack(&xs.iter().map(|&i| p(i)).collect::<Vec<_>>()),
                Step::Loss(l, x) => {
                    let x = p(*x);
                    let t = |data: &[f64]| tape.constant(data, &x.shape());
                    match l {
                        Loss::BceWithLogits(y) => loss::bce_with_logits(x, t(y)),
                        Loss::Bce(y) => loss::bce(x, t(y)),
                        Loss::SoftmaxCe(y) => loss::softmax_cross_entropy(x, t(y)),
                        Loss::SoftmaxCeIndices(c) => loss::softmax_cross_entropy_indices(x, c),
                        Loss::Mse(y) => loss::mse(x, p(*y)),
                    }
                }
            };
            pool.push(v);
        }
        let mut total: Option<Var<'t>> = None;
        for &o in &self.out {
            let v = if pool[o].is_scalar() {
                pool[o]
            } else {
                pool[o].sum()
            };
            total = Some(match total {
                Some(t) => t + v,
                None => v,
            });
        }
        total.expect("a program has an output")
    }

    /// The program without the steps its output does not read, indices renumbered.
    pub fn without_dead_steps(&self) -> Program {
        let base = self.base();
        let mut live = vec![false; base + self.steps.len()];
        for &o in &self.out {
            live[o] = true;
        }
        for k in (0..self.steps.len()).rev() {
            if live[base + k] {
                for o in self.steps[k].operands() {
                    live[o] = true;
                }
            }
        }
        let mut new_index: Vec<usize> = (0..base).collect();
        let mut steps = Vec::new();
        for (k, step) in self.steps.iter().enumerate() {
            if live[base + k] {
                let mut s = step.clone();
                s.map_operands(|i| new_index[i]);
                new_index.push(base + steps.len());
                steps.push(s);
            } else {
                new_index.push(usize::MAX);
            }
        }
        Program {
            family: self.family,
            n: self.n,
            steps,
            out: self.out.iter().map(|&o| new_index[o]).collect(),
        }
    }

    /// The program as Rust code: a closure for `hesse_core::function` (or
    /// `hesse_core::vector::function`), for a failure's reproducer.
    pub fn rust(&self) -> String {
        let name = |i: usize| -> String {
            match self.family {
                Family::Scalars if i < self.n => format!("x[{i}]"),
                Family::Vector if i == 0 => "w".into(),
                _ => format!("v{i}"),
            }
        };
        let list = |xs: &[usize]| xs.iter().map(|&i| name(i)).collect::<Vec<_>>().join(", ");
        let customs = self.steps.iter().any(|s| matches!(s, Step::Custom(..)));
        let mut s = if customs {
            super::custom::RUST.to_string()
        } else {
            String::new()
        };
        s += &match self.family {
            Family::Scalars => "let f = hesse_core::function(|x| {\n    let t = x[0].tape();\n".to_string(),
            Family::Vector => {
                "let f = hesse_core::vector::function(|w| {\n    let t = w.tape();\n".to_string()
            }
        };
        s += "    let _ = t;\n";
        let shapes = self.shapes();
        for (k, step) in self.steps.iter().enumerate() {
            let i = self.base() + k;
            let e = match step {
                Step::Const { data, shape } => format!("t.constant(&{}, &{shape:?})", lits(data)),
                Step::Unary(u, x) => unary_rust(*u, &name(*x)),
                Step::Custom(k, x) => format!("{}.custom(c{k})", name(*x)),
                Step::Binary(op, a, b) => {
                    let (a, b) = (name(*a), name(*b));
                    match op {
                        Bin::Add => format!("{a} + {b}"),
                        Bin::Sub => format!("{a} - {b}"),
                        Bin::Mul => format!("{a} * {b}"),
                        Bin::Div => format!("{a} / {b}"),
                        Bin::Pow => format!("{a}.pow({b})"),
                        Bin::Max => format!("{a}.max({b})"),
                        Bin::Min => format!("{a}.min({b})"),
                        Bin::MaxMask => format!("{a}.max_mask({b})"),
                    }
                }
                Step::Branch {
                    cmp,
                    a,
                    b,
                    then,
                    other,
                } => {
                    let c = format!("{cmp:?}").to_lowercase();
                    format!(
                        "if {}.{c}({}) {{ {} }} else {{ {} }}",
                        name(*a),
                        name(*b),
                        name(*then),
                        name(*other)
                    )
                }
                Step::Reduce(r, x) => {
                    let x = name(*x);
                    match r {
                        Red::Sum => format!("{x}.sum()"),
                        Red::Mean => format!("{x}.mean()"),
                        Red::SumAxis(a) => format!("{x}.sum_axis({a})"),
                        Red::SumKeepdim(a) => format!("{x}.sum_keepdim({a})"),
                        Red::MeanAxis(a) => format!("{x}.mean_axis({a})"),
                        Red::LogSumExp => format!("{x}.logsumexp()"),
                        Red::LogSumExpAxis(a) => format!("{x}.logsumexp_axis({a})"),
                        Red::LogSumExpKeepdim(a) => format!("{x}.logsumexp_keepdim({a})"),
                        Red::Softmax(a) => format!("{x}.softmax({a})"),
                        Red::LogSoftmax(a) => format!("{x}.log_softmax({a})"),
                    }
                }
                Step::BroadcastTo(x, sh) => format!("{}.broadcast_to(&{sh:?})", name(*x)),
                Step::SumTo(x, sh) => format!("{}.sum_to(&{sh:?})", name(*x)),
                Step::Matmul(a, b) => format!("{}.matmul({})", name(*a), name(*b)),
                Step::Dot(a, b) => format!("{}.dot({})", name(*a), name(*b)),
                Step::Transpose(x) => format!("{}.t()", name(*x)),
                Step::Reshape(x, sh) => format!("{}.reshape(&{sh:?})", name(*x)),
                Step::Flatten(x) => format!("{}.flatten()", name(*x)),
                Step::Slice { x, axis, start, len } => format!("{}.slice({axis}, {start}, {len})", name(*x)),
                Step::Pad {
                    x,
                    axis,
                    start,
                    total,
                } => format!("{}.pad({axis}, {start}, {total})", name(*x)),
                Step::Index(x, j) => format!("{}.index({j})", name(*x)),
                Step::Concat(xs, axis) => format!("hesse_core::Var::concat(&[{}], {axis})", list(xs)),
                Step::Stack(xs) => format!("hesse_core::Var::stack(&[{}])", list(xs)),
                Step::Loss(l, x) => {
                    let (x, sh) = (name(*x), &shapes[*x]);
                    let t = |d: &[f64]| format!("t.constant(&{}, &{sh:?})", lits(d));
                    match l {
                        Loss::BceWithLogits(y) => format!("hesse_core::loss::bce_with_logits({x}, {})", t(y)),
                        Loss::Bce(y) => format!("hesse_core::loss::bce({x}, {})", t(y)),
                        Loss::SoftmaxCe(y) => {
                            format!("hesse_core::loss::softmax_cross_entropy({x}, {})", t(y))
                        }
                        Loss::SoftmaxCeIndices(c) => {
                            format!("hesse_core::loss::softmax_cross_entropy_indices({x}, &{c:?})")
                        }
                        Loss::Mse(y) => format!("hesse_core::loss::mse({x}, {})", name(*y)),
                    }
                }
            };
            s += &format!("    let v{i} = {e};\n");
        }
        let terms: Vec<String> = self
            .out
            .iter()
            .map(|&o| {
                if shapes[o].is_empty() {
                    name(o)
                } else {
                    format!("{}.sum()", name(o))
                }
            })
            .collect();
        s += &format!("    {}\n}});\n", terms.join(" + "));
        s
    }
}

fn unary_rust(u: Unary, x: &str) -> String {
    match u {
        Unary::Neg => format!("-{x}"),
        Unary::Powi(k) => format!("{x}.powi({k})"),
        Unary::Powf(c) => format!("{x}.powf({})", lit(c)),
        Unary::AddScalar(c) => format!("{x} + {}", lit(c)),
        Unary::RSubScalar(c) => format!("{} - {x}", lit(c)),
        Unary::MulScalar(c) => format!("{x} * {}", lit(c)),
        Unary::DivScalar(c) => format!("{x} / {}", lit(c)),
        Unary::RDivScalar(c) => format!("{} / {x}", lit(c)),
        // An op without a parameter has a `Var` method of its name.
        other => format!("{x}.{}()", other.name()),
    }
}

/// An `f64` as a Rust expression that gives exactly its bits.
pub fn lit(x: f64) -> String {
    if x.is_nan() {
        "f64::NAN".into()
    } else if x.is_infinite() {
        if x > 0.0 {
            "f64::INFINITY".into()
        } else {
            "f64::NEG_INFINITY".into()
        }
    } else {
        // Debug prints the shortest string that parses back to the same bits ("-0.0" too).
        format!("{x:?}")
    }
}

/// A slice of `f64` as a Rust array expression.
pub fn lits(xs: &[f64]) -> String {
    format!("[{}]", xs.iter().map(|&x| lit(x)).collect::<Vec<_>>().join(", "))
}

/// Largest number of elements of a value the generator creates (keeps eager Hessians cheap).
const MAX_NUMEL: usize = 256;

/// The generator's state: the program so far, the pool's shapes, which values are read.
pub struct Gen<'r> {
    rng: &'r mut StdRng,
    family: Family,
    n: usize,
    /// Only scalar ops (the programs the Cranelift route compiles).
    all_scalar: bool,
    /// Only the tile executor's ops on long vectors (the programs whose fused regions run as
    /// AVX2/AVX-512 tiles and AVX-512 machine code).
    tiles: bool,
    steps: Vec<Step>,
    shapes: Vec<Vec<usize>>,
    used: Vec<bool>,
}

/// A program with `n` inputs and about `len` steps.
pub fn generate(rng: &mut StdRng, family: Family, n: usize, len: usize) -> Program {
    let all_scalar = family == Family::Scalars && rng.random_bool(0.6);
    let shapes = match family {
        Family::Scalars => vec![vec![]; n],
        Family::Vector => vec![vec![n]],
    };
    let used = vec![false; shapes.len()];
    // Regions need vectors of at least 32 elements (`exec::fused::step::MIN_LEN`).
    let tiles = family == Family::Vector && n >= 64 && rng.random_bool(0.3);
    let mut g = Gen {
        rng,
        family,
        n,
        all_scalar,
        tiles,
        steps: Vec::new(),
        shapes,
        used,
    };
    if g.tiles {
        g.halves();
    } else if family == Family::Vector && g.rng.random_bool(0.3) {
        g.model_prefix();
    }
    while g.steps.len() < len {
        g.step();
    }
    let base = g.shapes.len() - g.steps.len();
    let mut out: Vec<usize> = (base..g.shapes.len()).filter(|&i| !g.used[i]).collect();
    if out.is_empty() {
        out.push(g.shapes.len() - 1);
    }
    Program {
        family,
        n,
        steps: g.steps,
        out,
    }
}

impl Gen<'_> {
    fn push(&mut self, s: Step) -> usize {
        let shape = result_shape(&s, &self.shapes);
        for o in s.operands() {
            self.used[o] = true;
        }
        self.steps.push(s);
        self.shapes.push(shape);
        self.used.push(false);
        self.shapes.len() - 1
    }

    /// A pool index, most often one of the last few (deep chains), else any (wide reuse).
    fn pick(&mut self) -> usize {
        let len = self.shapes.len();
        if self.rng.random_bool(0.6) {
            len - 1 - self.rng.random_range(0..len.min(8))
        } else {
            self.rng.random_range(0..len)
        }
    }

    /// A pool index whose shape satisfies `ok`, if one is found.
    fn pick_where(&mut self, ok: impl Fn(&[usize]) -> bool) -> Option<usize> {
        for _ in 0..24 {
            let i = self.pick();
            if ok(&self.shapes[i]) {
                return Some(i);
            }
        }
        (0..self.shapes.len()).rev().find(|&i| ok(&self.shapes[i]))
    }

    /// A constant of the small set of values that make ties and kinks, or a generic one.
    fn number(&mut self) -> f64 {
        const SPECIAL: [f64; 8] = [0.0, 1.0, -1.0, 0.5, 2.0, -0.0, 3.0, -2.5];
        if self.rng.random_bool(0.5) {
            SPECIAL[self.rng.random_range(0..SPECIAL.len())]
        } else {
            self.rng.random_range(-3.0..3.0)
        }
    }

    /// A registered op (`Unary::all`: every op, so a new one is fuzzed once registered),
    /// with a parameter drawn here for the parameterised ones.
    fn unary_op(&mut self) -> Unary {
        let c = self.number();
        let all = Unary::all();
        match all[self.rng.random_range(0..all.len())] {
            Unary::Powi(_) => Unary::Powi(self.rng.random_range(-3..=4)),
            Unary::Powf(_) => {
                Unary::Powf([0.5, 1.5, -0.5, 2.0, 3.0, 1.0, 0.0, 2.5][self.rng.random_range(0..8)])
            }
            Unary::AddScalar(_) => Unary::AddScalar(c),
            Unary::RSubScalar(_) => Unary::RSubScalar(c),
            Unary::MulScalar(_) => Unary::MulScalar(c),
            Unary::DivScalar(_) => Unary::DivScalar(if c == 0.0 && self.rng.random_bool(0.8) {
                2.0
            } else {
                c
            }),
            Unary::RDivScalar(_) => Unary::RDivScalar(c),
            plain => plain,
        }
    }

    /// A unary op on `x`; ops defined on part of the line get, most of the time, an operand
    /// moved into their domain first (`|x| + c`), so that generic points stay finite often
    /// enough to compare more than NaNs.
    fn unary_on(&mut self, x: usize) -> usize {
        let u = self.unary_op();
        let restricted = matches!(
            u,
            Unary::Ln | Unary::Sqrt | Unary::Powf(_) | Unary::Ln1p | Unary::Recip | Unary::RDivScalar(_)
        ) || matches!(u, Unary::Powi(k) if k < 0);
        let grows = matches!(u, Unary::Exp | Unary::ExpM1 | Unary::Powi(3..) | Unary::Square);
        let mut x = x;
        if restricted && self.rng.random_bool(0.6) {
            let a = self.push(Step::Unary(Unary::Abs, x));
            let c = self.rng.random_range(0.1..1.0);
            x = self.push(Step::Unary(Unary::AddScalar(c), a));
        } else if grows && self.rng.random_bool(0.5) {
            x = self.push(Step::Unary(Unary::Tanh, x));
        }
        self.push(Step::Unary(u, x))
    }

    fn binary_op(&mut self) -> Bin {
        match self.rng.random_range(0..16) {
            0..=2 => Bin::Add,
            3 | 4 => Bin::Sub,
            5..=7 => Bin::Mul,
            8 | 9 => Bin::Div,
            10 => Bin::Pow,
            11 | 12 => Bin::Max,
            13 | 14 => Bin::Min,
            _ => Bin::MaxMask,
        }
    }

    fn binary(&mut self) -> usize {
        let a = self.pick();
        let sa = self.shapes[a].clone();
        let b = if self.rng.random_bool(0.15) {
            a // x op x: ties of max/min everywhere
        } else {
            self.pick_where(|s| broadcast(&sa, s).is_some_and(|r| numel(&r) <= MAX_NUMEL))
                .unwrap_or(a)
        };
        let op = self.binary_op();
        match op {
            // Keep divisions and powers away from their poles most of the time.
            Bin::Div if self.rng.random_bool(0.6) => {
                let s = self.push(Step::Unary(Unary::Square, b));
                let d = self.push(Step::Unary(Unary::AddScalar(1.0), s));
                self.push(Step::Binary(Bin::Div, a, d))
            }
            Bin::Pow if self.rng.random_bool(0.7) => {
                let s = self.push(Step::Unary(Unary::Sigmoid, a));
                let d = self.push(Step::Unary(Unary::AddScalar(0.5), s));
                let e = self.push(Step::Unary(Unary::Tanh, b));
                self.push(Step::Binary(Bin::Pow, d, e))
            }
            _ => self.push(Step::Binary(op, a, b)),
        }
    }

    fn branch(&mut self) -> usize {
        let scalar = |s: &[usize]| s.is_empty();
        let (Some(a), Some(b)) = (self.pick_where(scalar), self.pick_where(scalar)) else {
            let x = self.pick();
            return self.unary_on(x);
        };
        let then = self.pick();
        let sh = self.shapes[then].clone();
        let other = self.pick_where(|s| s == sh.as_slice()).unwrap_or(then);
        let cmp = [Cmp::Gt, Cmp::Ge, Cmp::Lt, Cmp::Le][self.rng.random_range(0..4)];
        self.push(Step::Branch {
            cmp,
            a,
            b,
            then,
            other,
        })
    }

    /// A value of shape `shape` made from pool values by flatten, concat or pad, slice and
    /// reshape (the layout ops a network's code uses to cut a parameter vector).
    fn make_shape(&mut self, shape: &[usize]) -> usize {
        let need = numel(shape);
        let src = self.pick();
        let mut v = match self.shapes[src].len() {
            0 => {
                if self.rng.random_bool(0.5) {
                    return self.push(Step::BroadcastTo(src, shape.to_vec()));
                }
                let k = self.rng.random_range(1..=need.min(6));
                let xs: Vec<usize> = (0..k)
                    .map(|_| self.pick_where(|s| s.is_empty()).unwrap_or(src))
                    .collect();
                self.push(Step::Stack(xs))
            }
            1 => src,
            _ => self.push(Step::Flatten(src)),
        };
        let len = self.shapes[v][0];
        if len < need {
            if self.rng.random_bool(0.3) {
                let start = self.rng.random_range(0..=need - len);
                v = self.push(Step::Pad {
                    x: v,
                    axis: 0,
                    start,
                    total: need,
                });
            } else {
                v = self.push(Step::Concat(vec![v; need.div_ceil(len)], 0));
            }
        }
        let len = self.shapes[v][0];
        if len > need {
            let start = self.rng.random_range(0..=len - need);
            v = self.push(Step::Slice {
                x: v,
                axis: 0,
                start,
                len: need,
            });
        }
        if shape.len() == 1 {
            v
        } else {
            self.push(Step::Reshape(v, shape.to_vec()))
        }
    }

    fn dim(&mut self) -> usize {
        if self.rng.random_bool(0.7) {
            self.rng.random_range(1..=6)
        } else {
            self.rng.random_range(1..=40)
        }
    }

    fn constant(&mut self, shape: Vec<usize>) -> usize {
        let data: Vec<f64> = (0..numel(&shape)).map(|_| self.number()).collect();
        self.push(Step::Const { data, shape })
    }

    /// `X·w`-like starts of vector programs: a constant matrix times a cut of the input,
    /// the shape of a linear model (where recordings at w = 0 met ties in every row).
    fn model_prefix(&mut self) {
        let k = self.n.min(self.rng.random_range(1..=8));
        let m = self.rng.random_range(1..=64);
        let x = self.constant(vec![m, k]);
        let w = if k == self.n {
            0
        } else {
            self.push(Step::Slice {
                x: 0,
                axis: 0,
                start: 0,
                len: k,
            })
        };
        let z = self.push(Step::Matmul(x, w));
        if self.rng.random_bool(0.5) {
            self.unary_on(z);
        }
    }

    fn matmul(&mut self) -> usize {
        let a = match self.pick_where(|s| s.len() == 2 && s[0] * s[1] <= MAX_NUMEL) {
            Some(a) if self.rng.random_bool(0.7) => a,
            _ => {
                let (m, k) = (self.dim(), self.dim());
                if self.rng.random_bool(0.3) {
                    self.constant(vec![m, k])
                } else {
                    self.make_shape(&[m, k])
                }
            }
        };
        let k = self.shapes[a][1];
        let b = match self.pick_where(|s| !s.is_empty() && s[0] == k && s.len() <= 2) {
            Some(b) if self.rng.random_bool(0.6) => b,
            _ => {
                let p = self.dim().min(8);
                let shape = if self.rng.random_bool(0.5) {
                    vec![k]
                } else {
                    vec![k, p]
                };
                self.make_shape(&shape)
            }
        };
        if self.rng.random_bool(0.2) {
            // A rank-1 operand on the left: wᵀ·B (needs B of rank 2).
            if self.shapes[b].len() == 2 {
                let sb = self.shapes[b].clone();
                let v = self.make_shape(&[sb[0]]);
                return self.push(Step::Matmul(v, b));
            }
        }
        self.push(Step::Matmul(a, b))
    }

    fn reduce(&mut self) -> usize {
        let Some(x) = self.pick_where(|s| !s.is_empty()) else {
            let x = self.pick();
            return self.unary_on(x);
        };
        let r = self.shapes[x].len();
        let axis = self.rng.random_range(0..r);
        let op = match self.rng.random_range(0..10) {
            0 => Red::Sum,
            1 => Red::Mean,
            2 => Red::SumAxis(axis),
            3 => Red::SumKeepdim(axis),
            4 => Red::MeanAxis(axis),
            5 => Red::LogSumExp,
            6 => Red::LogSumExpAxis(axis),
            7 => Red::LogSumExpKeepdim(axis),
            8 => Red::Softmax(axis),
            _ => Red::LogSoftmax(axis),
        };
        self.push(Step::Reduce(op, x))
    }

    fn layout(&mut self) -> usize {
        let x = self.pick();
        let s = self.shapes[x].clone();
        if s.is_empty() {
            let k = self.rng.random_range(1..=8);
            let xs: Vec<usize> = (0..k)
                .map(|_| self.pick_where(|s| s.is_empty()).unwrap_or(x))
                .collect();
            return self.push(Step::Stack(xs));
        }
        match self.rng.random_range(0..9) {
            0 => {
                let len = numel(&s);
                let divisors: Vec<usize> = (1..=len).filter(|d| len % d == 0).collect();
                let d = divisors[self.rng.random_range(0..divisors.len())];
                let shape = if self.rng.random_bool(0.2) {
                    vec![len]
                } else {
                    vec![d, len / d]
                };
                self.push(Step::Reshape(x, shape))
            }
            1 => self.push(Step::Flatten(x)),
            2 | 3 => {
                let axis = self.rng.random_range(0..s.len());
                let len = self.rng.random_range(1..=s[axis]);
                let start = self.rng.random_range(0..=s[axis] - len);
                self.push(Step::Slice { x, axis, start, len })
            }
            4 => {
                let axis = self.rng.random_range(0..s.len());
                let start = self.rng.random_range(0..=3);
                let total = s[axis] + start + self.rng.random_range(0..=3);
                if numel(&s) / s[axis] * total > MAX_NUMEL {
                    return self.push(Step::Unary(Unary::Tanh, x));
                }
                self.push(Step::Pad {
                    x,
                    axis,
                    start,
                    total,
                })
            }
            5 => {
                let i = self.rng.random_range(0..s[0]);
                self.push(Step::Index(x, i))
            }
            6 => {
                let axis = self.rng.random_range(0..s.len());
                let mut xs = vec![x];
                let mut total = numel(&s);
                for _ in 0..self.rng.random_range(1..=3) {
                    let fits =
                        |t: &[usize]| t.len() == s.len() && (0..s.len()).all(|d| d == axis || t[d] == s[d]);
                    let y = self.pick_where(fits).unwrap_or(x);
                    total += numel(&self.shapes[y]);
                    if total > MAX_NUMEL {
                        break;
                    }
                    xs.push(y);
                }
                self.push(Step::Concat(xs, axis))
            }
            7 => {
                if s.len() == 2 {
                    self.push(Step::Transpose(x))
                } else {
                    let k = self.rng.random_range(1..=4).min(MAX_NUMEL / numel(&s)).max(1);
                    let xs: Vec<usize> = (0..k)
                        .map(|_| self.pick_where(|t| t == s.as_slice()).unwrap_or(x))
                        .collect();
                    self.push(Step::Stack(xs))
                }
            }
            _ => {
                // Broadcast up or sum down between [k], [m, k], [m, 1] and [].
                if s.len() == 2 && (s[0] != 1 || self.rng.random_bool(0.5)) {
                    let to = match self.rng.random_range(0..4) {
                        0 => vec![s[1]],
                        1 => vec![s[0], 1],
                        2 => vec![1, s[1]],
                        _ => vec![],
                    };
                    self.push(Step::SumTo(x, to))
                } else {
                    let m = self.dim();
                    let mut to = vec![m];
                    to.extend(s.iter().copied().skip(s.len() - 1));
                    if numel(&to) > MAX_NUMEL {
                        return self.push(Step::Reduce(Red::Sum, x));
                    }
                    self.push(Step::BroadcastTo(x, to))
                }
            }
        }
    }

    fn targets(&mut self, len: usize) -> Vec<f64> {
        (0..len)
            .map(|_| match self.rng.random_range(0..4) {
                0 => 0.0,
                1 => 1.0,
                _ => self.rng.random_range(0.0..1.0),
            })
            .collect()
    }

    fn loss(&mut self) -> usize {
        match self.rng.random_range(0..5) {
            0 | 1 => {
                let x = self
                    .pick_where(|s| !s.is_empty())
                    .unwrap_or_else(|| self.shapes.len() - 1);
                let len = numel(&self.shapes[x]);
                let y = self.targets(len);
                if self.rng.random_bool(0.5) {
                    self.push(Step::Loss(Loss::BceWithLogits(y), x))
                } else {
                    let p = if self.rng.random_bool(0.7) {
                        self.push(Step::Unary(Unary::Sigmoid, x))
                    } else {
                        x
                    };
                    self.push(Step::Loss(Loss::Bce(y), p))
                }
            }
            2 | 3 => {
                let x = match self.pick_where(|s| s.len() == 2) {
                    Some(x) if self.rng.random_bool(0.6) => x,
                    _ => {
                        let (m, k) = (self.dim().min(10), self.dim().min(10));
                        self.make_shape(&[m, k])
                    }
                };
                let (m, k) = (self.shapes[x][0], self.shapes[x][1]);
                let classes: Vec<usize> = (0..m).map(|_| self.rng.random_range(0..k)).collect();
                if self.rng.random_bool(0.5) {
                    self.push(Step::Loss(Loss::SoftmaxCeIndices(classes), x))
                } else {
                    let mut y = vec![0.0; m * k];
                    if self.rng.random_bool(0.5) {
                        classes.iter().enumerate().for_each(|(r, &c)| y[r * k + c] = 1.0);
                    } else {
                        // Probability rows.
                        for r in 0..m {
                            let row: Vec<f64> = (0..k).map(|_| self.rng.random_range(0.0..1.0)).collect();
                            let t: f64 = row.iter().sum();
                            (0..k).for_each(|c| y[r * k + c] = row[c] / t);
                        }
                    }
                    self.push(Step::Loss(Loss::SoftmaxCe(y), x))
                }
            }
            _ => {
                let x = self.pick();
                let sh = self.shapes[x].clone();
                let y = match self.pick_where(|s| s == sh.as_slice()) {
                    Some(y) if y != x => y,
                    _ => self.constant(sh),
                };
                self.push(Step::Loss(Loss::Mse(y), x))
            }
        }
    }

    /// The two column halves of the input (`reshape([n/2, 2])`, two column slices: strided
    /// gathers) and its contiguous halves, as tile programs read them.
    fn halves(&mut self) {
        let m = self.n / 2;
        let r = self.push(Step::Slice {
            x: 0,
            axis: 0,
            start: 0,
            len: 2 * m,
        });
        let cols = self.push(Step::Reshape(r, vec![m, 2]));
        for j in 0..2 {
            let c = self.push(Step::Slice {
                x: cols,
                axis: 1,
                start: j,
                len: 1,
            });
            self.push(Step::Flatten(c));
        }
        for j in 0..2 {
            self.push(Step::Slice {
                x: 0,
                axis: 0,
                start: j * m,
                len: m,
            });
        }
    }

    /// One step of a tile-shaped program: a cheap unary op, `exp`, or `+ − · /` between two
    /// long vectors of one length or with a scalar (see `exec/fused/tiles/`).
    fn tile_step(&mut self) {
        let long = |s: &[usize]| s.len() == 1 && s[0] >= 32;
        let Some(a) = self.pick_where(long) else {
            let x = self.pick();
            self.unary_on(x);
            return;
        };
        let c = self.number();
        if self.rng.random_bool(0.45) {
            let u = match self.rng.random_range(0..12) {
                0 => Unary::Neg,
                1 => Unary::Abs,
                2 | 3 => Unary::Square,
                4 => Unary::Recip,
                5 => Unary::AddScalar(c),
                6 => Unary::RSubScalar(c),
                7 => Unary::MulScalar(c),
                8 => Unary::DivScalar(if c == 0.0 { 3.0 } else { c }),
                9 => Unary::RDivScalar(c),
                10 => Unary::Powi(self.rng.random_range(-2..=4)),
                _ => {
                    // `exp` inside tiles (scaled down, so that chains of it stay finite).
                    let t = self.push(Step::Unary(Unary::MulScalar(0.25), a));
                    self.push(Step::Unary(Unary::Exp, t));
                    return;
                }
            };
            self.push(Step::Unary(u, a));
            return;
        }
        let sa = self.shapes[a].clone();
        let b = if self.rng.random_bool(0.2) {
            self.pick_where(|s| s.is_empty()).unwrap_or(a)
        } else {
            self.pick_where(|s| s == sa.as_slice()).unwrap_or(a)
        };
        let op = [Bin::Add, Bin::Sub, Bin::Mul, Bin::Div][self.rng.random_range(0..4)];
        let (a, b) = if self.rng.random_bool(0.5) { (a, b) } else { (b, a) };
        self.push(Step::Binary(op, a, b));
    }

    fn step(&mut self) {
        if self.tiles {
            // Mostly tile steps; now and then a sum read back into the chain.
            if self.rng.random_range(0..10) == 0 {
                self.reduce();
            } else {
                self.tile_step();
            }
            return;
        }
        let scalar_only = self.family == Family::Scalars && self.all_scalar;
        let k = self.rng.random_range(0..100);
        if scalar_only || (self.family == Family::Scalars && k < 60) {
            match k % 20 {
                0..=9 => {
                    let x = self.pick();
                    self.unary_on(x);
                }
                10..=18 => {
                    self.binary();
                }
                _ => {
                    self.branch();
                }
            }
            return;
        }
        match k {
            0..=29 => {
                let x = self.pick();
                self.unary_on(x);
            }
            30..=51 => {
                self.binary();
            }
            52..=54 => {
                self.branch();
            }
            55..=66 => {
                self.reduce();
            }
            67..=80 => {
                self.layout();
            }
            81..=88 => {
                self.matmul();
            }
            89..=90 => {
                let x = self.pick_where(|s| s.len() == 1).unwrap_or(0);
                let sh = self.shapes[x].clone();
                let y = if sh.is_empty() { x } else { self.make_shape(&sh) };
                if self.shapes[x] == self.shapes[y] {
                    self.push(Step::Dot(x, y));
                } else {
                    self.unary_on(x);
                }
            }
            91..=95 => {
                self.loss();
            }
            96 => {
                // A custom function (black box with a user's rule), on an operand it takes.
                let customs = super::custom::all();
                let k = self.rng.random_range(0..customs.len());
                let x = if customs[k].1 {
                    self.pick_where(|s| !s.is_empty())
                } else {
                    Some(self.pick())
                };
                match x {
                    Some(x) => drop(self.push(Step::Custom(k, x))),
                    None => drop(self.binary()),
                }
            }
            _ => {
                let shape = match self.rng.random_range(0..3) {
                    0 => vec![],
                    1 => vec![self.dim()],
                    _ => vec![self.dim(), self.dim()],
                };
                let c = self.constant(shape);
                // A constant alone is folded away: combine it with a value at once.
                let sc = self.shapes[c].clone();
                let y = self.pick_where(|s| broadcast(&sc, s).is_some_and(|r| numel(&r) <= MAX_NUMEL));
                if let Some(y) = y {
                    let op = self.binary_op();
                    self.push(Step::Binary(op, y, c));
                }
            }
        }
    }
}
