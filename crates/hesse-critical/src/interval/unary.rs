//! The interval value of each registered elementwise op of hesse-core.
//!
//! An op whose value hesse-core writes as a **lowering to primitives** (`σ(x) = 1/(1 + e⁻ˣ)`,
//! `relu` as a compare and a select, `xⁿ` as square-and-multiply, `x + c`, …) is run through
//! that same lowering here, on [`Interval`]s: [`IntervalLower`] implements hesse-core's
//! [`Lower`] trait, each primitive rounded outwards, a select whose comparison is not decided
//! over the interval taking the hull of both branches. So the op's value is defined once, in
//! hesse-core, for this back-end too.
//!
//! An op that **calls out** to its own scalar function (`ln`, `sin`, `atan`, `erf`, …) needs
//! what the function does between points, which its scalar form does not say: here each
//! call-out op has its shape — monotone increasing or decreasing (endpoints, widened by
//! [`LIBM_ULPS`] or, for hesse's own composite functions, [`COMPOSITE_ULPS`]), periodic with
//! extrema (`sin`, `cos`: the extrema ±1 are included wherever one may lie in the
//! interval), with poles (`tan`: an interval that may hold a pole is unbounded). A call-out
//! op without an entry here is reported as unsupported, never guessed.
//!
//! `x²` and `xⁿ` are evaluated as powers of one number (`[−1, 2]² = [0, 4]`, not the
//! `[−2, 4]` of a product of two independent factors); that is a tighter enclosure of the
//! same value, not a second definition.
//!
//! Kinks: an interval that holds a kink of the op (`|x|`, `relu`, `step`, `sign` at 0) is
//! flagged, since the function is not twice differentiable there and no certificate may
//! rely on its derivatives.

use hesse_core::ops::Unary;
use hesse_core::ops::unary::{Cmp, Lower};

use super::number::{Interval, LIBM_ULPS, widen_down, widen_up};

/// Ulps of widening for hesse's own functions composed of several library calls (`tanh`,
/// `softplus`, `log_sigmoid`): a generous bound on their accumulated error.
pub const COMPOSITE_ULPS: u32 = 16;

/// Why an op's interval value could not be given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UnaryTrouble {
    /// The interval holds a kink of the op.
    Kink,
    /// The op calls out to a function this module has no interval form of.
    Unsupported,
}

/// The interval value of `op` over `x`, or why there is none.
pub(crate) fn unary(op: Unary, x: Interval) -> Result<Interval, UnaryTrouble> {
    // `stop_gradient`'s rule is zero by definition, not the derivative of its value: a
    // recorded gradient through it is not the loss's gradient, so nothing about the loss's
    // critical points may be proved from it.
    if op.stops_gradient() {
        return Err(UnaryTrouble::Unsupported);
    }
    if op.kinks().iter().any(|&k| x.contains(k)) {
        return Err(UnaryTrouble::Kink);
    }
    match op {
        Unary::Square => return Ok(x.sqr()),
        Unary::Powi(n) => return Ok(powi(x, n)),
        _ => {}
    }
    let mut l = IntervalLower {
        op,
        unsupported: false,
    };
    let y = op.lower(&mut l, x);
    if l.unsupported {
        Err(UnaryTrouble::Unsupported)
    } else {
        Ok(y)
    }
}

/// `xⁿ` over an interval, as a power of one number.
fn powi(x: Interval, n: i32) -> Interval {
    let mut bits = n.unsigned_abs();
    if bits == 0 {
        return Interval::point(1.0);
    }
    // x^|n| = ∏ x^(2^k) over the set bits: each factor a power of the same x (sound).
    let mut a = x;
    let mut r: Option<Interval> = None;
    loop {
        if bits & 1 == 1 {
            r = Some(match r {
                None => a,
                Some(r) => r * a,
            });
        }
        bits >>= 1;
        if bits == 0 {
            break;
        }
        a = a.sqr();
    }
    let mut r = r.unwrap_or(Interval::point(1.0));
    // An even power is never negative, even where the product of enclosures says so.
    if n.unsigned_abs() % 2 == 0 {
        r = Interval::new(r.lo.max(0.0), r.hi);
    }
    if n < 0 { Interval::point(1.0) / r } else { r }
}

/// hesse-core's primitives on intervals, rounded outwards; `call` dispatches on the op.
pub(crate) struct IntervalLower {
    op: Unary,
    unsupported: bool,
}

impl Lower for IntervalLower {
    type V = Interval;
    fn konst(&mut self, c: f64) -> Interval {
        Interval::point(c)
    }
    fn add(&mut self, a: Interval, b: Interval) -> Interval {
        a + b
    }
    fn sub(&mut self, a: Interval, b: Interval) -> Interval {
        a - b
    }
    fn mul(&mut self, a: Interval, b: Interval) -> Interval {
        a * b
    }
    fn div(&mut self, a: Interval, b: Interval) -> Interval {
        a / b
    }
    fn fma(&mut self, a: Interval, b: Interval, c: Interval) -> Interval {
        a.fma(b, c)
    }
    fn neg(&mut self, a: Interval) -> Interval {
        -a
    }
    fn abs(&mut self, a: Interval) -> Interval {
        a.abs()
    }
    fn sqrt(&mut self, a: Interval) -> Interval {
        a.sqrt()
    }
    fn exp(&mut self, a: Interval) -> Interval {
        exp(a)
    }
    fn select(&mut self, cmp: Cmp, a: Interval, b: Interval, t: Interval, e: Interval) -> Interval {
        // Decided over the whole intervals: one branch; otherwise either could be taken.
        let always = match cmp {
            Cmp::Gt => a.lo > b.hi,
            Cmp::Lt => a.hi < b.lo,
            Cmp::Le => a.hi <= b.lo,
        };
        let never = match cmp {
            Cmp::Gt => a.hi <= b.lo,
            Cmp::Lt => a.lo >= b.hi,
            Cmp::Le => a.lo > b.hi,
        };
        if always {
            t
        } else if never {
            e
        } else {
            t.hull(e)
        }
    }
    fn call(&mut self, x: Interval, f: impl Fn(f64) -> f64) -> Interval {
        match self.op {
            Unary::Ln
            | Unary::Ln1p
            | Unary::ExpM1
            | Unary::Atan
            | Unary::Asinh
            | Unary::Erf
            | Unary::Exp
            | Unary::Sqrt => x.increasing(f),
            // Piecewise constant with jumps at (half-)integers, of which `kinks()` lists only
            // a few: constant over the box where both ends agree, refused otherwise (a jump
            // inside breaks the smoothness every proof assumes).
            Unary::Floor | Unary::Ceil | Unary::Round | Unary::Trunc => {
                let (a, b) = (f(x.lo), f(x.hi));
                if a == b {
                    Interval::point(a)
                } else {
                    self.unsupported = true;
                    Interval::ENTIRE
                }
            }
            Unary::Tanh | Unary::Softplus | Unary::LogSigmoid | Unary::Sigmoid => composite_increasing(x, f),
            Unary::Sin => sin(x, 0.0),
            Unary::Cos => sin(x, std::f64::consts::FRAC_PI_2),
            Unary::Tan => tan(x),
            Unary::Powf(c) => powf(x, c, f),
            _ => {
                self.unsupported = true;
                Interval::ENTIRE
            }
        }
    }
}

fn composite_increasing(x: Interval, f: impl Fn(f64) -> f64) -> Interval {
    let (a, b) = (f(x.lo), f(x.hi));
    if !a.is_finite() || !b.is_finite() {
        return Interval::ENTIRE;
    }
    Interval::new(widen_down(a, COMPOSITE_ULPS), widen_up(b, COMPOSITE_ULPS))
}

/// `eˣ` by hesse's own `exp` (glibc's algorithm, < 1 ulp), widened by [`LIBM_ULPS`]; it
/// overflows to ENTIRE. Never below 0.
fn exp(x: Interval) -> Interval {
    let y = x.increasing(|t| Unary::Exp.eval(t));
    Interval::new(y.lo.max(0.0), y.hi)
}

/// `sin(x + shift)` (`shift = π/2` gives `cos x`): the endpoints, and ±1 wherever an extremum
/// `π/2 + kπ − shift` may lie in the interval (with a margin for the rounding of `kπ`).
fn sin(x: Interval, shift: f64) -> Interval {
    use std::f64::consts::{FRAC_PI_2, PI};
    if !x.is_finite() || x.width() >= 2.0 * PI || x.mag() > 1e8 {
        return Interval::new(-1.0, 1.0);
    }
    let f = |t: f64| if shift == 0.0 { t.sin() } else { t.cos() };
    let (a, b) = (f(x.lo), f(x.hi));
    let mut lo = widen_down(a.min(b), LIBM_ULPS);
    let mut hi = widen_up(a.max(b), LIBM_ULPS);
    let margin = 1e-9 * (1.0 + x.mag());
    let k0 = ((x.lo + shift - FRAC_PI_2) / PI).floor() as i64 - 1;
    let k1 = ((x.hi + shift - FRAC_PI_2) / PI).ceil() as i64 + 1;
    for k in k0..=k1 {
        let t = FRAC_PI_2 + k as f64 * PI - shift;
        if t >= x.lo - margin && t <= x.hi + margin {
            if k.rem_euclid(2) == 0 {
                hi = 1.0;
            } else {
                lo = -1.0;
            }
        }
    }
    Interval::new(lo.max(-1.0), hi.min(1.0))
}

/// `tan x`: increasing between poles; unbounded if a pole `π/2 + kπ` may lie in the interval.
fn tan(x: Interval) -> Interval {
    let s = sin(x, std::f64::consts::FRAC_PI_2);
    // cos has a zero in the interval exactly where tan has a pole.
    if s.contains(0.0) {
        return Interval::ENTIRE;
    }
    x.increasing(f64::tan)
}

/// `xᶜ` for a real `c`: defined for x ≥ 0; increasing for c > 0, decreasing for c < 0.
fn powf(x: Interval, c: f64, f: impl Fn(f64) -> f64) -> Interval {
    if x.lo < 0.0 || !x.is_finite() {
        return Interval::ENTIRE;
    }
    if c == 0.0 {
        return Interval::point(1.0);
    }
    if c > 0.0 {
        let y = x.increasing(f);
        Interval::new(y.lo.max(0.0), y.hi)
    } else {
        x.decreasing(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // issue 17: every registered op's interval holds the op's value at sampled points inside
    // it (the op's own f64 function, within an ulp or two of the exact value, is well inside
    // the widened enclosure), or the op is refused with a reason.
    #[test]
    fn every_registered_op_encloses_its_values() {
        let boxes = [
            Interval::new(0.3, 0.7),
            Interval::new(-2.5, -1.5),
            Interval::new(1.0, 4.0),
            Interval::new(-0.2, 0.1),
            Interval::new(1.4, 1.8),
        ];
        for op in Unary::all() {
            for b in boxes {
                let Ok(y) = unary(op, b) else {
                    // Refused only over a kink, or a jump of a piecewise-constant op.
                    let jumps = op.is_mask() && op.eval(b.lo) != op.eval(b.hi);
                    assert!(
                        jumps || op.stops_gradient() || op.kinks().iter().any(|&k| b.contains(k)),
                        "{op:?} refused {b} without a kink"
                    );
                    continue;
                };
                for k in 0..=64 {
                    let t = (b.lo + (b.hi - b.lo) * k as f64 / 64.0).clamp(b.lo, b.hi);
                    let v = op.eval(t);
                    if v.is_finite() {
                        assert!(y.contains(v), "{op:?} over {b}: {y} misses {v} at {t}");
                    } else {
                        assert_eq!(y, Interval::ENTIRE, "{op:?} over {b} at {t}");
                    }
                }
            }
        }
    }

    #[test]
    fn trigonometric_extrema_and_poles() {
        let s = unary(Unary::Sin, Interval::new(1.0, 2.0)).unwrap();
        assert_eq!(s.hi, 1.0); // π/2 inside
        let c = unary(Unary::Cos, Interval::new(3.0, 3.5)).unwrap();
        assert_eq!(c.lo, -1.0); // π inside
        assert_eq!(
            unary(Unary::Tan, Interval::new(1.5, 1.6)).unwrap(),
            Interval::ENTIRE
        );
        assert_eq!(
            unary(Unary::Relu, Interval::new(-1.0, 1.0)),
            Err(UnaryTrouble::Kink)
        );
        let p = unary(Unary::Powi(2), Interval::new(-1.0, 2.0)).unwrap();
        assert!(p.lo == 0.0 && p.hi >= 4.0 && p.hi < 4.0001);
    }
}
