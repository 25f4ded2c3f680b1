//! The peephole pass that compiles a replay program into its executed form ([`compile`]):
//! identity instructions forwarded, values used once fused into the super-instructions of
//! [`Fast`] (see the module docs of [`crate::exec::fast`] for the patterns and why no bit
//! changes), and the result ordered by dependency depth.

use std::collections::HashMap;

use crate::exec::fast::Fast;
use crate::exec::instr::Instr;
use crate::ops::{Binary, Unary};

/// Compiles a replay program to its executed form, fusing scalar instructions where a value
/// is used once (see the module docs of [`crate::exec::fast`]). `pinned` slots are read after
/// the program has run (its outputs, the recorded comparisons, values a later program reads):
/// they are always written.
pub(crate) fn compile(prog: &[Instr], pinned: &dyn Fn(u32) -> bool) -> Vec<Fast> {
    if prog.iter().any(|i| matches!(i, Instr::Node(_))) {
        return prog.iter().map(|&i| Fast::from(i)).collect();
    }
    let prog = forward_identities(prog, pinned);
    schedule(Fuser::new(&prog, pinned).run())
}

/// Orders a scalar program by dependency depth (a stable sort on the length of the longest
/// chain of instructions leading to each one), so that independent work sits between an
/// instruction and its readers. The processor can then overlap the latency of a long
/// operation (`exp`, a division) with the instructions after it instead of stalling the
/// next one; in program order a reader usually follows its producer directly. Every
/// instruction still runs after the ones it reads (each slot is written once), so the
/// results are unchanged.
fn schedule(prog: Vec<Fast>) -> Vec<Fast> {
    let mut depth_of: HashMap<u32, u32> = HashMap::new();
    let mut keyed: Vec<(u32, Fast)> = Vec::with_capacity(prog.len());
    for f in prog {
        let Some((reads, out)) = f.slots() else {
            unreachable!("fused programs are all scalar")
        };
        let d = 1 + reads
            .iter()
            .filter_map(|r| depth_of.get(r))
            .max()
            .copied()
            .unwrap_or(0);
        depth_of.insert(out, d);
        keyed.push((d, f));
    }
    keyed.sort_by_key(|&(d, _)| d);
    keyed.into_iter().map(|(_, f)| f).collect()
}

/// Slots read by an instruction.
fn operands(ins: &Instr) -> impl Iterator<Item = u32> {
    let (a, b) = match *ins {
        Instr::Unary { x, .. } => (Some(x), None),
        Instr::Binary { a, b, .. } => (Some(a), Some(b)),
        Instr::Node(_) => (None, None),
    };
    a.into_iter().chain(b)
}

fn out(ins: &Instr) -> u32 {
    match *ins {
        Instr::Unary { out, .. } | Instr::Binary { out, .. } => out,
        Instr::Node(_) => unreachable!("fused programs are all scalar"),
    }
}

/// Drops the instructions whose result is bitwise their operand (`x.powi(1)`, `−(−x)`) and
/// points their readers at the operand, then drops what no longer has a reader.
fn forward_identities(prog: &[Instr], pinned: &dyn Fn(u32) -> bool) -> Vec<Instr> {
    let mut alias: HashMap<u32, u32> = HashMap::new();
    let mut neg_of: HashMap<u32, u32> = HashMap::new();
    let mut kept = Vec::with_capacity(prog.len());
    for &ins in prog {
        let r = |s: u32| *alias.get(&s).unwrap_or(&s);
        let ins = match ins {
            Instr::Unary { op, x, out } => Instr::Unary { op, x: r(x), out },
            Instr::Binary { op, a, b, out } => Instr::Binary {
                op,
                a: r(a),
                b: r(b),
                out,
            },
            Instr::Node(_) => ins,
        };
        if let Instr::Unary { op, x, out } = ins {
            let same = match op {
                Unary::Powi(1) => Some(x),
                Unary::Neg => neg_of.get(&x).copied(),
                _ => None,
            };
            if op == Unary::Neg {
                neg_of.insert(out, x);
            }
            if let Some(s) = same.filter(|_| !pinned(out)) {
                alias.insert(out, s);
                continue;
            }
        }
        kept.push(ins);
    }
    // Dead-instruction elimination after forwarding (uses only ever decrease going back).
    let mut uses: HashMap<u32, u32> = HashMap::new();
    kept.iter()
        .flat_map(operands)
        .for_each(|s| *uses.entry(s).or_default() += 1);
    let mut live = vec![true; kept.len()];
    for (k, ins) in kept.iter().enumerate().rev() {
        let o = out(ins);
        if !pinned(o) && uses.get(&o).is_none_or(|&u| u == 0) {
            live[k] = false;
            operands(ins).for_each(|s| *uses.get_mut(&s).expect("counted") -= 1);
        }
    }
    kept.into_iter()
        .zip(live)
        .filter_map(|(i, l)| l.then_some(i))
        .collect()
}

/// The pattern matcher: walks the program backwards, so that the largest pattern rooted at an
/// instruction claims its single-use producers before they are visited themselves.
struct Fuser<'p> {
    prog: &'p [Instr],
    /// Producer of each slot written by the program, if it may be fused into its one reader.
    single: HashMap<u32, usize>,
    claimed: Vec<bool>,
}

impl<'p> Fuser<'p> {
    fn new(prog: &'p [Instr], pinned: &dyn Fn(u32) -> bool) -> Self {
        let mut uses: HashMap<u32, u32> = HashMap::new();
        prog.iter()
            .flat_map(operands)
            .for_each(|s| *uses.entry(s).or_default() += 1);
        let single = prog
            .iter()
            .enumerate()
            .map(|(k, ins)| (out(ins), k))
            .filter(|&(o, _)| !pinned(o) && uses.get(&o) == Some(&1))
            .collect();
        Fuser {
            prog,
            single,
            claimed: vec![false; prog.len()],
        }
    }

    /// The unclaimed single-use producer of `slot`, if any.
    fn producer(&self, slot: u32) -> Option<(usize, Instr)> {
        let &k = self.single.get(&slot)?;
        (!self.claimed[k]).then(|| (k, self.prog[k]))
    }

    /// `slot = a·b` from a fusable producer: `(index, a, b)`.
    fn mul(&self, slot: u32) -> Option<(usize, u32, u32)> {
        match self.producer(slot)? {
            (
                k,
                Instr::Binary {
                    op: Binary::Mul,
                    a,
                    b,
                    ..
                },
            ) => Some((k, a, b)),
            _ => None,
        }
    }

    /// `slot = x·k` from a fusable producer: `(index, x, k)`.
    fn mul_c(&self, slot: u32) -> Option<(usize, u32, f64)> {
        match self.producer(slot)? {
            (
                i,
                Instr::Unary {
                    op: Unary::MulScalar(k),
                    x,
                    ..
                },
            ) => Some((i, x, k)),
            _ => None,
        }
    }

    fn binary(&self, slot: u32, want: Binary) -> Option<(usize, u32, u32)> {
        match self.producer(slot)? {
            (k, Instr::Binary { op, a, b, .. }) if op == want => Some((k, a, b)),
            _ => None,
        }
    }

    fn unary(&self, slot: u32, want: Unary) -> Option<(usize, u32)> {
        match self.producer(slot)? {
            (k, Instr::Unary { op, x, .. }) if op == want => Some((k, x)),
            _ => None,
        }
    }

    /// `slot = y·(k − y)` (the sigmoid derivative) from fusable producers:
    /// `(indices, y, k)`.
    fn sig_deriv(&self, slot: u32) -> Option<([usize; 2], u32, f64)> {
        let (km, y, r) = self.mul(slot)?;
        match self.producer(r)? {
            (
                kr,
                Instr::Unary {
                    op: Unary::RSubScalar(k),
                    x,
                    ..
                },
            ) if x == y => Some(([km, kr], y, k)),
            _ => None,
        }
    }

    /// The fused form of instruction `ins` and the producers it absorbs.
    fn fuse(&self, ins: Instr) -> (Fast, Vec<usize>) {
        match ins {
            Instr::Binary {
                op: Binary::Add,
                a,
                b,
                out,
            } => {
                if let (Some((ka, p, q)), Some((kb, r, s))) = (self.mul(a), self.mul(b)) {
                    return (
                        Fast::MulMulAdd {
                            a: p,
                            b: q,
                            c: r,
                            d: s,
                            out,
                        },
                        vec![ka, kb],
                    );
                }
                if let (Some((ka, x, kx)), Some((kb, y, ky))) = (self.mul_c(a), self.mul_c(b)) {
                    return (Fast::Lin2C { x, kx, y, ky, out }, vec![ka, kb]);
                }
                if let Some((k, p, q)) = self.mul(a) {
                    return (
                        Fast::MulAdd {
                            a: p,
                            b: q,
                            c: b,
                            out,
                        },
                        vec![k],
                    );
                }
                if let Some((k, p, q)) = self.mul(b) {
                    return (
                        Fast::AddMul {
                            c: a,
                            a: p,
                            b: q,
                            out,
                        },
                        vec![k],
                    );
                }
                if let Some((i, x, k)) = self.mul_c(a) {
                    return (Fast::MulCAdd { x, k, y: b, out }, vec![i]);
                }
                if let Some((i, x, k)) = self.mul_c(b) {
                    return (Fast::AddMulC { y: a, x, k, out }, vec![i]);
                }
                if let Some((k, x)) = self.unary(b, Unary::Ln) {
                    return (Fast::AddLn { a, x, out }, vec![k]);
                }
                if let Some((k, x)) = self.unary(b, Unary::Neg) {
                    return (Fast::AddNeg { a, b: x, out }, vec![k]);
                }
            }
            Instr::Binary {
                op: Binary::Sub,
                a,
                b,
                out,
            } => {
                if let (Some((ka, p, q)), Some((kb, r, s))) = (self.mul(a), self.mul(b)) {
                    return (
                        Fast::MulMulSub {
                            a: p,
                            b: q,
                            c: r,
                            d: s,
                            out,
                        },
                        vec![ka, kb],
                    );
                }
            }
            Instr::Unary {
                op: Unary::Exp,
                x,
                out,
            } => {
                if let Some((k, a, b)) = self.binary(x, Binary::Sub) {
                    return (Fast::SubExp { a, b, out }, vec![k]);
                }
            }
            Instr::Unary {
                op: Unary::Square,
                x,
                out,
            } => match self.producer(x) {
                Some((
                    i,
                    Instr::Unary {
                        op: Unary::AddScalar(k),
                        x,
                        ..
                    },
                )) => {
                    return (Fast::SquareAddC { x, k, out }, vec![i]);
                }
                Some((
                    i,
                    Instr::Unary {
                        op: Unary::RSubScalar(k),
                        x,
                        ..
                    },
                )) => {
                    return (Fast::SquareRSubC { x, k, out }, vec![i]);
                }
                _ => {}
            },
            Instr::Binary {
                op: Binary::Mul,
                a,
                b,
                out,
            } => {
                if let Some((ks, y, k)) = self.sig_deriv(b) {
                    if let Some((km, p, q)) = self.mul(a) {
                        return (
                            Fast::MulSigGrad {
                                a: p,
                                b: q,
                                y,
                                k,
                                out,
                            },
                            vec![ks[0], ks[1], km],
                        );
                    }
                    return (Fast::SigGrad { g: a, y, k, out }, ks.to_vec());
                }
                if let Some((k, p, q)) = self.mul(b) {
                    return (
                        Fast::MulMulR {
                            g: a,
                            a: p,
                            b: q,
                            out,
                        },
                        vec![k],
                    );
                }
                if let Some((k, p, q)) = self.mul(a) {
                    return (
                        Fast::MulMulL {
                            a: p,
                            b: q,
                            c: b,
                            out,
                        },
                        vec![k],
                    );
                }
            }
            Instr::Unary {
                op: Unary::MulScalar(k),
                x,
                out,
            } => {
                if let Some((i, a, b)) = self.mul(x) {
                    return (Fast::MulMulC { a, b, k, out }, vec![i]);
                }
            }
            Instr::Unary {
                op: Unary::Sigmoid,
                x,
                out,
            } => {
                if let Some((k, a, b)) = self.binary(x, Binary::Add) {
                    return (Fast::AddSigmoid { a, b, out }, vec![k]);
                }
            }
            Instr::Unary {
                op: Unary::Neg,
                x,
                out,
            } => {
                if let Some((k, a, b)) = self.binary(x, Binary::Div) {
                    return (Fast::NegDiv { a, b, out }, vec![k]);
                }
                if let Some((k, a, b)) = self.mul(x) {
                    return (Fast::NegMul { a, b, out }, vec![k]);
                }
                if let Some((k, x)) = self.unary(x, Unary::Square) {
                    return (Fast::NegSquare { x, out }, vec![k]);
                }
            }
            _ => {}
        }
        (Fast::from(ins), Vec::new())
    }

    fn run(mut self) -> Vec<Fast> {
        let mut fused: Vec<Option<Fast>> = vec![None; self.prog.len()];
        for k in (0..self.prog.len()).rev() {
            if self.claimed[k] {
                continue;
            }
            let (f, absorbed) = self.fuse(self.prog[k]);
            absorbed.into_iter().for_each(|i| self.claimed[i] = true);
            fused[k] = Some(f);
        }
        fused
            .into_iter()
            .zip(self.claimed)
            .filter_map(|(f, c)| if c { None } else { f })
            .collect()
    }
}
