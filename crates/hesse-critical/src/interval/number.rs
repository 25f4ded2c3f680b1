//! [`Interval`]: a closed interval of reals with `f64` endpoints and outward rounding.
//!
//! **The invariant.** Every operation returns an interval that contains the exact real
//! result of the operation applied to every pair of reals in its operands. Each `f64`
//! operation on endpoints is rounded to nearest by the hardware, so its error is at most
//! half an ulp; the result is then widened by one ulp outwards ([`down`], [`up`]), which
//! contains the exact value whatever the rounding was. Functions that are not correctly
//! rounded (`exp`, `ln`, `sin`, …, see `unary.rs`) are widened by [`LIBM_ULPS`] ulps.
//!
//! **Empty and unbounded results.** An operation whose result is not a bounded set of reals
//! (`[1, 2] / [−1, 1]`, `ln [−1, 1]`, `∞ − ∞` at an endpoint) gives [`Interval::ENTIRE`],
//! `[−∞, +∞]`: never a NaN endpoint. A certificate needs finite enclosures, so such a result
//! makes it fail ("interval blow-up") instead of proving anything.
//!
//! The type is the crate's own rather than a dependency's: the `inari` crate (IEEE 1788)
//! switches the FPU's rounding mode through x86-64 assembly and does not build for other
//! targets such as aarch64, while one-ulp widening after round-to-nearest is portable Rust,
//! at the price of enclosures about one ulp wider per operation.

use std::fmt;

/// How many ulps the result of a library function (`exp`, `ln`, `sin`, `atan`, `erf`, …) is
/// widened by on each side: the assumption is that each is accurate to within this many
/// ulps, which glibc's documented error bounds and the `libm` crate's (a port of musl)
/// satisfy with a wide margin (at most 2 ulps for every function used).
pub const LIBM_ULPS: u32 = 4;

/// The next `f64` above `x` (`+∞` stays; NaN stays NaN). `f64::next_up` needs Rust 1.86,
/// newer than this workspace's minimum, so it is written out on the bits.
pub fn next_up(x: f64) -> f64 {
    if x.is_nan() || x == f64::INFINITY {
        return x;
    }
    if x == 0.0 {
        return f64::from_bits(1);
    }
    let b = x.to_bits();
    f64::from_bits(if x > 0.0 { b + 1 } else { b - 1 })
}

/// The next `f64` below `x`.
pub fn next_down(x: f64) -> f64 {
    -next_up(-x)
}

/// `x` rounded one ulp down: below the exact value of any round-to-nearest result `x`.
pub fn down(x: f64) -> f64 {
    next_down(x)
}

/// `x` rounded one ulp up.
pub fn up(x: f64) -> f64 {
    next_up(x)
}

/// A closed interval `[lo, hi]` of reals, `lo ≤ hi`, endpoints possibly infinite, never NaN.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// Lower end.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

impl Interval {
    /// `[−∞, +∞]`: what an undefined or unbounded result encloses to.
    pub const ENTIRE: Interval = Interval {
        lo: f64::NEG_INFINITY,
        hi: f64::INFINITY,
    };

    /// `[lo, hi]`, or [`Interval::ENTIRE`] if an end is NaN or `lo > hi`.
    ///
    /// ```
    /// use hesse_critical::interval::Interval;
    /// assert_eq!((Interval::new(1.0, 2.0).lo, Interval::new(1.0, 2.0).hi), (1.0, 2.0));
    /// assert_eq!(Interval::new(f64::NAN, 2.0), Interval::ENTIRE);
    /// ```
    pub fn new(lo: f64, hi: f64) -> Interval {
        if lo.is_nan() || hi.is_nan() || lo > hi {
            Interval::ENTIRE
        } else {
            Interval { lo, hi }
        }
    }

    /// The one-point interval `[x, x]` (ENTIRE for NaN).
    pub fn point(x: f64) -> Interval {
        Interval::new(x, x)
    }

    /// `[x − r, x + r]`, rounded outwards.
    pub fn around(x: f64, r: f64) -> Interval {
        Interval::new(down(x - r), up(x + r))
    }

    /// `[lo, hi]` widened by one ulp on each side: the enclosure of a value computed by one
    /// rounded operation whose unrounded result lies between `lo` and `hi`.
    fn outward(lo: f64, hi: f64) -> Interval {
        Interval::new(down(lo), up(hi))
    }

    /// Both ends finite.
    pub fn is_finite(&self) -> bool {
        self.lo.is_finite() && self.hi.is_finite()
    }

    /// `hi − lo`, rounded up.
    pub fn width(&self) -> f64 {
        if self.lo == self.hi {
            0.0
        } else {
            up(self.hi - self.lo)
        }
    }

    /// The midpoint (rounded; only an approximation, used to centre things).
    pub fn mid(&self) -> f64 {
        0.5 * self.lo + 0.5 * self.hi
    }

    /// `max |x|` over the interval (the magnitude).
    pub fn mag(&self) -> f64 {
        self.lo.abs().max(self.hi.abs())
    }

    /// Whether `x` lies in the interval.
    pub fn contains(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }

    /// The smallest interval holding both.
    pub fn hull(&self, o: Interval) -> Interval {
        Interval::new(self.lo.min(o.lo), self.hi.max(o.hi))
    }

    /// The intersection, or `None` if they are disjoint.
    pub fn intersect(&self, o: Interval) -> Option<Interval> {
        let (lo, hi) = (self.lo.max(o.lo), self.hi.min(o.hi));
        (lo <= hi).then_some(Interval { lo, hi })
    }

    /// `x²` over the interval (tighter than `x · x`, which does not know both factors are
    /// the same number).
    pub fn sqr(&self) -> Interval {
        let (a, b) = (self.lo.abs(), self.hi.abs());
        let (small, big) = if self.contains(0.0) {
            (0.0, a.max(b))
        } else {
            (a.min(b), a.max(b))
        };
        Interval::new(
            if small == 0.0 { 0.0 } else { down(small * small) },
            up(big * big),
        )
    }

    /// `|x|` over the interval (exact: no rounding).
    pub fn abs(&self) -> Interval {
        if self.lo >= 0.0 {
            *self
        } else if self.hi <= 0.0 {
            -*self
        } else {
            Interval::new(0.0, self.mag())
        }
    }

    /// `√x`; ENTIRE if the interval reaches below 0.
    pub fn sqrt(&self) -> Interval {
        if self.lo < 0.0 {
            return Interval::ENTIRE;
        }
        Interval::new(down(self.lo.sqrt()).max(0.0), up(self.hi.sqrt()))
    }

    /// `x · y + z`, as a product and a sum each rounded outwards (it contains the exact
    /// value, which is all a fused multiply-add's single rounding needs).
    pub fn fma(&self, y: Interval, z: Interval) -> Interval {
        *self * y + z
    }

    /// The interval of a monotone increasing function `f` accurate to [`LIBM_ULPS`] ulps:
    /// `[f(lo), f(hi)]` widened; ENTIRE if either end is not finite.
    pub fn increasing(&self, f: impl Fn(f64) -> f64) -> Interval {
        let (a, b) = (f(self.lo), f(self.hi));
        if !a.is_finite() || !b.is_finite() {
            return Interval::ENTIRE;
        }
        Interval::new(widen_down(a, LIBM_ULPS), widen_up(b, LIBM_ULPS))
    }

    /// As [`increasing`](Interval::increasing) for a decreasing function.
    pub fn decreasing(&self, f: impl Fn(f64) -> f64) -> Interval {
        let (a, b) = (f(self.hi), f(self.lo));
        if !a.is_finite() || !b.is_finite() {
            return Interval::ENTIRE;
        }
        Interval::new(widen_down(a, LIBM_ULPS), widen_up(b, LIBM_ULPS))
    }
}

/// `x` moved `k` ulps down.
pub fn widen_down(mut x: f64, k: u32) -> f64 {
    for _ in 0..k {
        x = next_down(x);
    }
    x
}

/// `x` moved `k` ulps up.
pub fn widen_up(mut x: f64, k: u32) -> f64 {
    for _ in 0..k {
        x = next_up(x);
    }
    x
}

impl std::ops::Neg for Interval {
    type Output = Interval;
    fn neg(self) -> Interval {
        Interval {
            lo: -self.hi,
            hi: -self.lo,
        }
    }
}

impl std::ops::Add for Interval {
    type Output = Interval;
    fn add(self, o: Interval) -> Interval {
        Interval::outward(self.lo + o.lo, self.hi + o.hi)
    }
}

impl std::ops::Sub for Interval {
    type Output = Interval;
    fn sub(self, o: Interval) -> Interval {
        Interval::outward(self.lo - o.hi, self.hi - o.lo)
    }
}

impl std::ops::Mul for Interval {
    type Output = Interval;
    fn mul(self, o: Interval) -> Interval {
        // An exact zero factor gives an exact zero (0 · ∞ would be NaN on endpoints).
        if (self.lo == 0.0 && self.hi == 0.0) || (o.lo == 0.0 && o.hi == 0.0) {
            if self.is_finite() && o.is_finite() {
                return Interval::point(0.0);
            }
            return Interval::ENTIRE;
        }
        let p = [self.lo * o.lo, self.lo * o.hi, self.hi * o.lo, self.hi * o.hi];
        if p.iter().any(|v| v.is_nan()) {
            return Interval::ENTIRE;
        }
        let lo = p.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = p.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Interval::outward(lo, hi)
    }
}

impl std::ops::Div for Interval {
    type Output = Interval;
    fn div(self, o: Interval) -> Interval {
        if o.contains(0.0) || !o.is_finite() && !self.is_finite() {
            return Interval::ENTIRE;
        }
        let q = [self.lo / o.lo, self.lo / o.hi, self.hi / o.lo, self.hi / o.hi];
        if q.iter().any(|v| v.is_nan()) {
            return Interval::ENTIRE;
        }
        let lo = q.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = q.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Interval::outward(lo, hi)
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{:e}, {:e}]", self.lo, self.hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // issue 17: every operation encloses the exact result; checked against exact rational
    // arithmetic on small dyadic numbers and against known irrational values.
    #[test]
    fn operations_enclose_exact_results() {
        let third = Interval::point(1.0) / Interval::point(3.0);
        // 1/3 is not a double: the enclosure must straddle it strictly.
        assert!(third.lo < third.hi);
        assert!(third.lo * 3.0 <= 1.0 && third.hi * 3.0 >= 1.0);
        let a = Interval::new(-1.0, 2.0);
        let b = Interval::new(-3.0, 0.5);
        let p = a * b;
        assert!(p.lo <= -6.0 && p.hi >= 3.0 && p.lo > -6.0001 && p.hi < 3.0001);
        assert_eq!(a / Interval::new(-1.0, 1.0), Interval::ENTIRE);
        let s = Interval::point(0.1) + Interval::point(0.2);
        assert!(s.contains(0.30000000000000004) && s.contains(0.3));
        assert_eq!(Interval::new(-2.0, 1.0).sqr().lo, 0.0);
        assert!(Interval::new(-2.0, 1.0).sqr().hi >= 4.0);
        let r2 = Interval::point(2.0).sqrt();
        assert!(r2.lo < std::f64::consts::SQRT_2 && r2.hi > std::f64::consts::SQRT_2);
        let e = Interval::point(1.0).increasing(f64::exp);
        assert!(e.contains(std::f64::consts::E) && e.width() < 1e-14);
        assert_eq!(Interval::new(-1.0, 1.0).sqrt(), Interval::ENTIRE);
        assert_eq!(
            Interval::point(f64::INFINITY) - Interval::point(f64::INFINITY),
            Interval::ENTIRE
        );
        assert_eq!(next_up(0.0), f64::from_bits(1));
        assert_eq!(next_down(1.0), 1.0 - f64::EPSILON / 2.0);
        assert_eq!(next_up(-f64::from_bits(1)), -0.0);
    }
}
