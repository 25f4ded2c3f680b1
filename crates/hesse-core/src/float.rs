//! `num_traits` for [`Var`] (feature `num-traits`, on by default): `Float`, `FloatConst`,
//! `Num`, `NumCast`, `Zero`, `One`, `ToPrimitive`, so one objective written generically over
//! `T: Float` runs on `f64`, on forward-mode duals (num-dual) and on hesse's tape alike.
//!
//! ```
//! use num_traits::Float;
//!
//! // Written once, over any `Float`.
//! fn rosenbrock<T: Float>(x: &[T]) -> T {
//!     let (one, hundred) = (T::one(), T::from(100.0).unwrap());
//!     (one - x[0]).powi(2) + hundred * (x[1] - x[0].powi(2)).powi(2)
//! }
//! assert_eq!(rosenbrock(&[1.0f64, 1.0]), 0.0);
//! let h = hesse_core::hessian(|x| rosenbrock(x), &[1.0, 1.0]);
//! assert_eq!(h.to_rows(), vec![vec![802.0, -400.0], vec![-400.0, 200.0]]);
//! ```
//!
//! Constants (`T::zero()`, `T::from(2.5)`, `T::PI()`) are free constants ([`Var::constant`]):
//! no tape is needed to make them. Every function is a recorded op or a composition of them,
//! so it differentiates again and replays; the compositions are identities of the math,
//! chosen to keep the value accurate (`sinh x = (expm1 x − expm1(−x))/2`, no cancellation near
//! 0), with values within a few ulps of `f64`'s. Where `Var` differs from `f64`:
//! - Comparisons (`<`, `==`, `is_nan`, …) read values and are not recorded: a
//!   [`RecordedFn`](crate::RecordedFn) replays the branch taken at record time without
//!   checking it (the recorded [`Var::gt`] and friends do check).
//! - `max`/`min` propagate NaN and split the gradient of a tie 0.5/0.5 (`f64::max` returns the
//!   other operand of a NaN); `signum(±0) = 0` ([`Var::sign`]; `f64::signum(0.0)` is 1).
//! - `abs_sub`, `integer_decode`, `classify` and the `is_*` tests work on the value.

use std::num::FpCategory;

use num_traits::{Float, FloatConst, Num, NumCast, One, ToPrimitive, Zero};

use crate::var::Var;

impl PartialEq for Var<'_> {
    /// Equal shapes and values (IEEE: NaN ≠ NaN). Not recorded.
    fn eq(&self, other: &Self) -> bool {
        self.shape_small() == other.shape_small() && self.to_vec() == other.to_vec()
    }
}

impl PartialOrd for Var<'_> {
    /// The order of two scalars' values (`None` if one is NaN). Not recorded: see
    /// [`Var::gt`] for a comparison that a replay checks.
    ///
    /// # Panics
    /// If either is not a scalar.
    #[track_caller]
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.value().partial_cmp(&other.value())
    }
}

impl Zero for Var<'_> {
    fn zero() -> Self {
        Var::constant(0.0)
    }
    fn is_zero(&self) -> bool {
        self.value() == 0.0
    }
}

impl One for Var<'_> {
    fn one() -> Self {
        Var::constant(1.0)
    }
}

impl Num for Var<'_> {
    type FromStrRadixErr = num_traits::ParseFloatError;
    fn from_str_radix(s: &str, radix: u32) -> Result<Self, Self::FromStrRadixErr> {
        f64::from_str_radix(s, radix).map(Var::constant)
    }
}

impl ToPrimitive for Var<'_> {
    fn to_i64(&self) -> Option<i64> {
        self.value().to_i64()
    }
    fn to_u64(&self) -> Option<u64> {
        self.value().to_u64()
    }
    fn to_f64(&self) -> Option<f64> {
        Some(self.value())
    }
}

impl NumCast for Var<'_> {
    fn from<N: ToPrimitive>(n: N) -> Option<Self> {
        n.to_f64().map(Var::constant)
    }
}

/// Constants that `f64` names by associated functions.
macro_rules! constants {
    ($($name:ident = $value:expr;)*) => {
        $(fn $name() -> Self { Var::constant($value) })*
    };
}

/// Functions that are `Var` methods of the same name.
macro_rules! methods {
    ($($name:ident),*) => {
        $(fn $name(self) -> Self { Var::$name(self) })*
    };
}

/// Tests of the value.
macro_rules! value_tests {
    ($($name:ident),*) => {
        $(fn $name(self) -> bool { self.value().$name() })*
    };
}

impl Float for Var<'_> {
    constants! {
        nan = f64::NAN;
        infinity = f64::INFINITY;
        neg_infinity = f64::NEG_INFINITY;
        neg_zero = -0.0;
        min_value = f64::MIN;
        min_positive_value = f64::MIN_POSITIVE;
        max_value = f64::MAX;
        epsilon = f64::EPSILON;
    }
    value_tests!(
        is_nan,
        is_infinite,
        is_finite,
        is_normal,
        is_sign_positive,
        is_sign_negative
    );
    methods!(
        floor, ceil, round, trunc, abs, recip, sqrt, exp, ln, exp_m1, ln_1p, sin, cos, tan, tanh, atan, asinh
    );

    fn classify(self) -> FpCategory {
        self.value().classify()
    }
    /// `x − trunc(x)`.
    fn fract(self) -> Self {
        self - self.trunc()
    }
    /// [`Var::sign`]: 0 at ±0 (not `f64`'s ±1).
    fn signum(self) -> Self {
        self.sign()
    }
    fn mul_add(self, a: Self, b: Self) -> Self {
        self * a + b
    }
    fn powi(self, n: i32) -> Self {
        Var::powi(self, n)
    }
    /// A free-constant exponent is the op `xᶜ` ([`Var::powf`]); a variable one is `xʸ`
    /// ([`Var::pow`], differentiable in y for x > 0).
    fn powf(self, n: Self) -> Self {
        if n.is_free() && n.is_scalar() {
            Var::powf(self, n.value())
        } else {
            self.pow(n)
        }
    }
    fn exp2(self) -> Self {
        (self * std::f64::consts::LN_2).exp()
    }
    fn log(self, base: Self) -> Self {
        self.ln() / base.ln()
    }
    fn log2(self) -> Self {
        self.ln() / std::f64::consts::LN_2
    }
    fn log10(self) -> Self {
        self.ln() / std::f64::consts::LN_10
    }
    fn max(self, other: Self) -> Self {
        Var::max(self, other)
    }
    fn min(self, other: Self) -> Self {
        Var::min(self, other)
    }
    /// `max(x − y, 0)` (deprecated in `num_traits`, kept for completeness).
    fn abs_sub(self, other: Self) -> Self {
        (self - other).relu()
    }
    /// `sign(x)·|x|^(1/3)`.
    fn cbrt(self) -> Self {
        self.abs().powf(1.0 / 3.0) * self.sign()
    }
    /// `√(x² + y²)`.
    fn hypot(self, other: Self) -> Self {
        (self.square() + other.square()).sqrt()
    }
    /// `atan(x / √(1 − x²))` for |x| < 1.
    fn asin(self) -> Self {
        (self / (1.0 - self.square()).sqrt()).atan()
    }
    /// `π/2 − asin x`.
    fn acos(self) -> Self {
        std::f64::consts::FRAC_PI_2 - Float::asin(self)
    }
    /// The angle of (x, y) = (other, self) in (−π, π]: `atan(y/x)` for x > 0,
    /// `2·atan((r − x)/y)` for y ≠ 0 otherwise, and π or 0 on the negative axis or at the
    /// origin. The branch is the one of the point evaluated.
    fn atan2(self, other: Self) -> Self {
        let (y, x) = (self, other);
        let (yv, xv) = (y.value(), x.value());
        if xv > 0.0 {
            (y / x).atan()
        } else if yv != 0.0 {
            ((Float::hypot(x, y) - x) / y).atan() * 2.0
        } else if xv < 0.0 {
            // On the negative x-axis: π·sign, with the derivative of atan(y/x) + π.
            (y / x).atan() + std::f64::consts::PI.copysign(yv)
        } else {
            y * 0.0 + x * 0.0 + yv.atan2(xv)
        }
    }
    fn sin_cos(self) -> (Self, Self) {
        (self.sin(), self.cos())
    }
    /// `(expm1 x − expm1(−x))/2`: both terms have opposite signs, so no cancellation.
    fn sinh(self) -> Self {
        (self.exp_m1() - (-self).exp_m1()) * 0.5
    }
    fn cosh(self) -> Self {
        (self.exp() + (-self).exp()) * 0.5
    }
    /// `ln(x + √(x² − 1))`, x ≥ 1.
    fn acosh(self) -> Self {
        (self + (self.square() - 1.0).sqrt()).ln()
    }
    /// `ln_1p(2x/(1 − x))/2`, |x| < 1: accurate near 0.
    fn atanh(self) -> Self {
        (self * 2.0 / (1.0 - self)).ln_1p() * 0.5
    }
    fn integer_decode(self) -> (u64, i16, i8) {
        self.value().integer_decode()
    }
    fn to_degrees(self) -> Self {
        self * (180.0 / std::f64::consts::PI)
    }
    fn to_radians(self) -> Self {
        self * (std::f64::consts::PI / 180.0)
    }
}

impl FloatConst for Var<'_> {
    constants! {
        E = std::f64::consts::E;
        FRAC_1_PI = std::f64::consts::FRAC_1_PI;
        FRAC_1_SQRT_2 = std::f64::consts::FRAC_1_SQRT_2;
        FRAC_2_PI = std::f64::consts::FRAC_2_PI;
        FRAC_2_SQRT_PI = std::f64::consts::FRAC_2_SQRT_PI;
        FRAC_PI_2 = std::f64::consts::FRAC_PI_2;
        FRAC_PI_3 = std::f64::consts::FRAC_PI_3;
        FRAC_PI_4 = std::f64::consts::FRAC_PI_4;
        FRAC_PI_6 = std::f64::consts::FRAC_PI_6;
        FRAC_PI_8 = std::f64::consts::FRAC_PI_8;
        LN_10 = std::f64::consts::LN_10;
        LN_2 = std::f64::consts::LN_2;
        LOG10_E = std::f64::consts::LOG10_E;
        LOG2_E = std::f64::consts::LOG2_E;
        PI = std::f64::consts::PI;
        SQRT_2 = std::f64::consts::SQRT_2;
        TAU = std::f64::consts::TAU;
        LOG10_2 = std::f64::consts::LOG10_2;
        LOG2_10 = std::f64::consts::LOG2_10;
    }
}
