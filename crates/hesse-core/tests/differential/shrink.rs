//! Shrinking a failing case: fewer queries, fewer outputs, steps bypassed or replaced by
//! constants, dead steps dropped — each change kept only if the case still fails.

use std::time::Instant;

use super::program::{Program, Step, result_shape};
use super::routes::Case;

/// `prog` with every read of pool entry `from` redirected to `to` (an earlier value of the
/// same shape), dead steps dropped.
fn redirect(prog: &Program, from: usize, to: usize) -> Program {
    let mut p = prog.clone();
    let k0 = from - p.base();
    for s in &mut p.steps[k0 + 1..] {
        s.map_operands(|i| if i == from { to } else { i });
    }
    p.out.iter_mut().for_each(|o| {
        if *o == from {
            *o = to
        }
    });
    p.out.dedup();
    p.without_dead_steps()
}

/// Shrinks `case` while it still fails, for at most `until`.
pub fn shrink(case: &Case, until: Instant) -> Case {
    let mut best = case.clone();
    best.prog = best.prog.without_dead_steps();
    if best.check().is_none() {
        // Dead steps mattered (they should not): keep the case as it was.
        return case.clone();
    }
    let try_case = |c: Case, best: &mut Case| -> bool {
        if Instant::now() < until && c.check().is_some() {
            *best = c;
            true
        } else {
            false
        }
    };
    // The failing query alone, without the replays before it.
    if best.queries.len() > 1 {
        let mut c = best.clone();
        c.queries = vec![best.last()];
        try_case(c, &mut best);
    }
    // One output term instead of all of them; then any single pool value as the output.
    if best.prog.out.len() > 1 {
        for &o in &best.prog.out.clone() {
            let mut c = best.clone();
            c.prog.out = vec![o];
            c.prog = c.prog.without_dead_steps();
            if try_case(c, &mut best) {
                break;
            }
        }
    }
    let mut progress = true;
    while progress && Instant::now() < until {
        progress = false;
        // Bypass a step: its readers read one of its operands of the same shape instead.
        let mut k = best.prog.steps.len();
        while k > 0 && Instant::now() < until {
            k -= 1;
            if k >= best.prog.steps.len() {
                continue;
            }
            let base = best.prog.base();
            let shapes = best.prog.shapes();
            let me = base + k;
            for o in best.prog.steps[k].operands() {
                if shapes[o] == shapes[me] {
                    let mut c = best.clone();
                    c.prog = redirect(&best.prog, me, o);
                    if try_case(c, &mut best) {
                        progress = true;
                        break;
                    }
                }
            }
        }
        // Replace a step by a constant of its shape (cuts away everything it reads).
        let mut k = best.prog.steps.len();
        while k > 0 && Instant::now() < until {
            k -= 1;
            if k >= best.prog.steps.len() || matches!(best.prog.steps[k], Step::Const { .. }) {
                continue;
            }
            let shapes = best.prog.shapes();
            let shape = result_shape(&best.prog.steps[k], &shapes[..best.prog.base() + k]);
            let len: usize = shape.iter().product();
            let mut c = best.clone();
            c.prog.steps[k] = Step::Const {
                data: vec![0.5; len],
                shape,
            };
            c.prog = c.prog.without_dead_steps();
            if try_case(c, &mut best) {
                progress = true;
            }
        }
    }
    best
}
