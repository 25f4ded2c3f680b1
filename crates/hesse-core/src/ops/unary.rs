//! Elementwise functions of one input.
//!
//! Each op is one variant of [`Unary`] with a kernel ([`Unary::eval`]) and a VJP written in
//! `Var` ops ([`Unary::vjp`], rule R1/R2: it may reuse the output `y`). Piecewise ops multiply
//! by a mask from [`Var::step`] or [`Var::sign`], whose own derivative is zero (rule R3), so
//! they differentiate correctly twice.
//!
//! Non-finite values propagate as IEEE 754 says: `ln(0) = -inf`, `ln(-1) = NaN`,
//! `sqrt(-1) = NaN`, `recip(0) = inf`; nothing panics.

use crate::ops::Op;
use crate::tape::Inputs;
use crate::var::Var;

/// Elementwise function of one input.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Unary {
    /// `-x`
    Neg,
    /// `eˣ`
    Exp,
    /// natural logarithm
    Ln,
    /// `ln(1 + x)`
    Ln1p,
    /// `√x`
    Sqrt,
    /// `sin x`
    Sin,
    /// `cos x`
    Cos,
    /// `tan x`
    Tan,
    /// `tanh x`, by hesse's own vectorisable kernel (within 1.5 ulp; `ops/tanh.rs`).
    Tanh,
    /// `1 / (1 + e⁻ˣ)`
    Sigmoid,
    /// `ln(1 + eˣ)`
    Softplus,
    /// `ln σ(x)`
    LogSigmoid,
    /// `max(x, 0)`
    Relu,
    /// `|x|`
    Abs,
    /// `x²`
    Square,
    /// `1 / x`
    Recip,
    /// `1` if `x > 0` else `0` (zero derivative)
    Step,
    /// `-1`, `0` or `1` (zero derivative)
    Sign,
    /// `xⁿ`, integer n
    Powi(i32),
    /// `xᶜ`, real c
    Powf(f64),
    /// `x + c`
    AddScalar(f64),
    /// `c - x`
    RSubScalar(f64),
    /// `x · c`
    MulScalar(f64),
    /// `x / c`
    DivScalar(f64),
    /// `c / x`
    RDivScalar(f64),
}

/// Where an op is differentiable, for samplers and the registry sweep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    /// Every real number.
    All,
    /// `x > 0`.
    Positive,
    /// `x > -1`.
    AboveMinusOne,
    /// `x ≠ 0`.
    NonZero,
    /// `|x| < π/2`.
    HalfPeriod,
}

impl Unary {
    /// One sample of every variant, for the registry sweep.
    pub const ALL: &'static [Unary] = &[
        Unary::Neg,
        Unary::Exp,
        Unary::Ln,
        Unary::Ln1p,
        Unary::Sqrt,
        Unary::Sin,
        Unary::Cos,
        Unary::Tan,
        Unary::Tanh,
        Unary::Sigmoid,
        Unary::Softplus,
        Unary::LogSigmoid,
        Unary::Relu,
        Unary::Abs,
        Unary::Square,
        Unary::Recip,
        Unary::Step,
        Unary::Sign,
        Unary::Powi(3),
        Unary::Powi(-2),
        Unary::Powf(1.5),
        Unary::Powf(-0.5),
        Unary::AddScalar(2.5),
        Unary::RSubScalar(2.5),
        Unary::MulScalar(-1.5),
        Unary::DivScalar(4.0),
        Unary::RDivScalar(3.0),
    ];

    /// The op's name.
    pub fn name(&self) -> &'static str {
        match self {
            Unary::Neg => "neg",
            Unary::Exp => "exp",
            Unary::Ln => "ln",
            Unary::Ln1p => "ln_1p",
            Unary::Sqrt => "sqrt",
            Unary::Sin => "sin",
            Unary::Cos => "cos",
            Unary::Tan => "tan",
            Unary::Tanh => "tanh",
            Unary::Sigmoid => "sigmoid",
            Unary::Softplus => "softplus",
            Unary::LogSigmoid => "log_sigmoid",
            Unary::Relu => "relu",
            Unary::Abs => "abs",
            Unary::Square => "square",
            Unary::Recip => "recip",
            Unary::Step => "step",
            Unary::Sign => "sign",
            Unary::Powi(_) => "powi",
            Unary::Powf(_) => "powf",
            Unary::AddScalar(_) => "add_scalar",
            Unary::RSubScalar(_) => "rsub_scalar",
            Unary::MulScalar(_) => "mul_scalar",
            Unary::DivScalar(_) => "div_scalar",
            Unary::RDivScalar(_) => "rdiv_scalar",
        }
    }

    /// Where the op is differentiable.
    pub fn domain(&self) -> Domain {
        match self {
            Unary::Ln | Unary::Sqrt | Unary::Powf(_) => Domain::Positive,
            Unary::Ln1p => Domain::AboveMinusOne,
            Unary::Recip | Unary::RDivScalar(_) => Domain::NonZero,
            Unary::Powi(n) if *n < 0 => Domain::NonZero,
            Unary::Tan => Domain::HalfPeriod,
            _ => Domain::All,
        }
    }

    /// Points where the op has a kink and a documented one-sided convention.
    pub fn kinks(&self) -> &'static [f64] {
        match self {
            Unary::Relu | Unary::Abs | Unary::Step | Unary::Sign => &[0.0],
            _ => &[],
        }
    }

    /// Whether the derivative is zero everywhere (a mask op).
    pub fn is_mask(&self) -> bool {
        matches!(self, Unary::Step | Unary::Sign)
    }

    /// The forward kernel on one element.
    #[inline(always)]
    pub fn eval(&self, x: f64) -> f64 {
        match *self {
            Unary::Neg => -x,
            // glibc's algorithm, vectorisable (see `ops::exp`).
            Unary::Exp => super::exp::exp(x),
            Unary::Ln => x.ln(),
            Unary::Ln1p => x.ln_1p(),
            Unary::Sqrt => x.sqrt(),
            Unary::Sin => x.sin(),
            Unary::Cos => x.cos(),
            Unary::Tan => x.tan(),
            // Vectorisable, within 1.5 ulp (see `ops::tanh`).
            Unary::Tanh => super::tanh::tanh(x),
            // As written: 1/(1+e^-x) is accurate in relative terms everywhere and gives
            // exactly 0 or 1 (never NaN) when e^-x overflows or underflows.
            Unary::Sigmoid => 1.0 / (1.0 + super::exp::exp(-x)),
            // Stable forms: max(x,0) + ln(1 + e^-|x|) never overflows.
            Unary::Softplus => x.max(0.0) + super::exp::exp(-x.abs()).ln_1p(),
            Unary::LogSigmoid => x.min(0.0) - super::exp::exp(-x.abs()).ln_1p(),
            // NaN stays NaN (x > 0 is false for NaN, so test it first).
            Unary::Relu => {
                if x > 0.0 || x.is_nan() {
                    x
                } else {
                    0.0
                }
            }
            Unary::Abs => x.abs(),
            Unary::Square => x * x,
            Unary::Recip => 1.0 / x,
            Unary::Step => {
                if x > 0.0 {
                    1.0
                } else if x.is_nan() {
                    x
                } else {
                    0.0
                }
            }
            Unary::Sign => {
                if x > 0.0 {
                    1.0
                } else if x < 0.0 {
                    -1.0
                } else {
                    x * 0.0 // 0 for ±0, NaN for NaN
                }
            }
            Unary::Powi(n) => x.powi(n),
            Unary::Powf(c) => x.powf(c),
            Unary::AddScalar(c) => x + c,
            Unary::RSubScalar(c) => c - x,
            Unary::MulScalar(c) => x * c,
            Unary::DivScalar(c) => x / c,
            Unary::RDivScalar(c) => c / x,
        }
    }

    // Inlined so that the fused regions' AVX2 build (`crate::fused`) vectorises it too.
    #[inline(always)]
    pub(crate) fn forward(&self, x: &[f64], out: &mut [f64]) {
        match *self {
            Unary::Powi(n) => return powi_slice(x, n, out),
            Unary::Tanh => return super::tanh::tanh_slice(x, out),
            Unary::Exp => return super::exp::exp_slice(x, out),
            Unary::Sigmoid => return sigmoid_slice(x, out),
            _ => {}
        }
        // One loop per variant: `eval` inlines with the variant known, so the per-element
        // `match` folds away and the loop can vectorise.
        macro_rules! each {
            ($($v:ident $(($p:ident))?),* $(,)?) => {
                match *self {
                    $(Unary::$v $(($p))? => {
                        for (o, &v) in out.iter_mut().zip(x) {
                            *o = Unary::$v $(($p))?.eval(v);
                        }
                    })*
                }
            };
        }
        each!(
            Neg,
            Exp,
            Ln,
            Ln1p,
            Sqrt,
            Sin,
            Cos,
            Tan,
            Tanh,
            Sigmoid,
            Softplus,
            LogSigmoid,
            Relu,
            Abs,
            Square,
            Recip,
            Step,
            Sign,
            Powi(n),
            Powf(c),
            AddScalar(c),
            RSubScalar(c),
            MulScalar(c),
            DivScalar(c),
            RDivScalar(c),
        );
    }

    /// The VJP: the cotangent of the input given the output cotangent `g`, the input `x` and
    /// the output `y`. `None` means zero.
    pub fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, y: Var<'t>) -> Option<Var<'t>> {
        Some(match *self {
            Unary::Neg => -g,
            Unary::Exp => g * y,
            Unary::Ln => g / x,
            Unary::Ln1p => g / (x + 1.0),
            Unary::Sqrt => g / (y * 2.0),
            Unary::Sin => g * x.cos(),
            Unary::Cos => -(g * x.sin()),
            Unary::Tan => g * (y.square() + 1.0),
            Unary::Tanh => g * (1.0 - y.square()),
            Unary::Sigmoid => g * (y * (1.0 - y)),
            Unary::Softplus => g * x.sigmoid(),
            Unary::LogSigmoid => g * (-x).sigmoid(),
            Unary::Relu => g * x.step(),
            Unary::Abs => g * x.sign(),
            Unary::Square => g * x * 2.0,
            Unary::Recip => -(g * y.square()),
            Unary::Step | Unary::Sign => return None,
            Unary::Powi(0) => return None,
            Unary::Powi(1) => g,
            // n − 1 would overflow: n xⁿ⁻¹ = n xⁿ / x
            Unary::Powi(i32::MIN) => g * x.powi(i32::MIN) / x * f64::from(i32::MIN),
            Unary::Powi(n) => g * x.powi(n - 1) * f64::from(n),
            Unary::Powf(0.0) => return None,
            Unary::Powf(c) => g * x.powf(c - 1.0) * c,
            Unary::AddScalar(_) => g,
            Unary::RSubScalar(_) => -g,
            Unary::MulScalar(c) => g * c,
            Unary::DivScalar(c) => g / c,
            Unary::RDivScalar(_) => -(g * y / x),
        })
    }
}

impl<'t> Var<'t> {
    /// Applies an elementwise op; scalars take a fast path without shape bookkeeping.
    pub(crate) fn unary(self, u: Unary) -> Var<'t> {
        let scalar = {
            let inner = self.tape.inner.borrow();
            let node = inner.node(&self);
            // Read only a scalar's value: an empty vector at the end of the arena has none.
            node.shape.is_empty().then(|| inner.values[node.offset])
        };
        if let Some(x) = scalar {
            return self
                .tape
                .push_scalar(Op::Unary(u), Inputs::from_slice(&[self.idx()]), u.eval(x));
        }
        let shape = self.shape_small();
        let mut inputs = Inputs::new();
        inputs.push(self.idx());
        self.tape.push(Op::Unary(u), inputs, shape)
    }

    /// `eˣ`, elementwise. d/dx eˣ = eˣ (the rule reuses the output).
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].exp(), &[0.0]);
    /// assert_eq!(g, [1.0]);
    /// ```
    pub fn exp(self) -> Var<'t> {
        self.unary(Unary::Exp)
    }

    /// Natural logarithm, elementwise. d/dx ln x = 1/x. Domain x > 0; `ln 0 = -inf`,
    /// negative inputs give NaN (IEEE).
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].ln(), &[4.0]);
    /// assert_eq!(g, [0.25]);
    /// ```
    pub fn ln(self) -> Var<'t> {
        self.unary(Unary::Ln)
    }

    /// `ln(1 + x)`, accurate near 0. d/dx = 1/(1 + x). Domain x > -1.
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].ln_1p(), &[1.0]);
    /// assert_eq!(g, [0.5]);
    /// ```
    pub fn ln_1p(self) -> Var<'t> {
        self.unary(Unary::Ln1p)
    }

    /// Square root. d/dx √x = 1/(2√x). Domain x ≥ 0 (derivative +inf at 0; NaN below).
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].sqrt(), &[4.0]);
    /// assert_eq!(g, [0.25]);
    /// ```
    pub fn sqrt(self) -> Var<'t> {
        self.unary(Unary::Sqrt)
    }

    /// Sine. d/dx sin x = cos x.
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].sin(), &[0.0]);
    /// assert_eq!(g, [1.0]);
    /// ```
    pub fn sin(self) -> Var<'t> {
        self.unary(Unary::Sin)
    }

    /// Cosine. d/dx cos x = −sin x.
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].cos(), &[0.0]);
    /// assert_eq!(g, [-0.0]);
    /// ```
    pub fn cos(self) -> Var<'t> {
        self.unary(Unary::Cos)
    }

    /// Tangent. d/dx tan x = 1 + tan² x. Poles at π/2 + kπ.
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].tan(), &[0.0]);
    /// assert_eq!(g, [1.0]);
    /// ```
    pub fn tan(self) -> Var<'t> {
        self.unary(Unary::Tan)
    }

    /// Hyperbolic tangent. d/dx tanh x = 1 − tanh² x; smooth everywhere.
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].tanh(), &[0.0]);
    /// assert_eq!(g, [1.0]);
    /// ```
    pub fn tanh(self) -> Var<'t> {
        self.unary(Unary::Tanh)
    }

    /// Logistic sigmoid σ(x) = 1/(1 + e⁻ˣ). d/dx σ = σ(1 − σ). Saturates to exactly 0 or 1.
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].sigmoid(), &[0.0]);
    /// assert_eq!(g, [0.25]);
    /// ```
    pub fn sigmoid(self) -> Var<'t> {
        self.unary(Unary::Sigmoid)
    }

    /// Softplus ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^−|x|) so it never overflows.
    /// d/dx = σ(x).
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].softplus(), &[0.0]);
    /// assert_eq!(g, [0.5]);
    /// ```
    pub fn softplus(self) -> Var<'t> {
        self.unary(Unary::Softplus)
    }

    /// ln σ(x) = −softplus(−x), stable for large |x|. d/dx = σ(−x) = 1 − σ(x).
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// assert!((tape.var(-800.0).log_sigmoid().value() + 800.0).abs() < 1e-12);
    /// ```
    pub fn log_sigmoid(self) -> Var<'t> {
        self.unary(Unary::LogSigmoid)
    }

    /// Rectified linear unit max(x, 0). d/dx = 1 for x > 0 and 0 for x ≤ 0:
    /// **relu'(0) = 0** (PyTorch's convention).
    ///
    /// ```
    /// assert_eq!(hesse_core::grad(|x| x[0].relu(), &[0.0]), [0.0]);
    /// assert_eq!(hesse_core::grad(|x| x[0].relu(), &[2.0]), [1.0]);
    /// ```
    pub fn relu(self) -> Var<'t> {
        self.unary(Unary::Relu)
    }

    /// Absolute value. d/dx |x| = sign(x), with **|x|'(0) = 0**.
    ///
    /// ```
    /// assert_eq!(hesse_core::grad(|x| x[0].abs(), &[0.0]), [0.0]);
    /// assert_eq!(hesse_core::grad(|x| x[0].abs(), &[-3.0]), [-1.0]);
    /// ```
    pub fn abs(self) -> Var<'t> {
        self.unary(Unary::Abs)
    }

    /// x². d/dx = 2x.
    ///
    /// ```
    /// assert_eq!(hesse_core::grad(|x| x[0].square(), &[3.0]), [6.0]);
    /// ```
    pub fn square(self) -> Var<'t> {
        self.unary(Unary::Square)
    }

    /// 1/x. d/dx = −1/x². `recip(0) = inf`.
    ///
    /// ```
    /// assert_eq!(hesse_core::grad(|x| x[0].recip(), &[2.0]), [-0.25]);
    /// ```
    pub fn recip(self) -> Var<'t> {
        self.unary(Unary::Recip)
    }

    /// Heaviside step: 1 for x > 0, 0 for x ≤ 0 (NaN stays NaN). Its derivative is zero
    /// everywhere (the jump at 0 is not a distribution here): it is the mask piecewise ops use.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// assert_eq!(tape.vector(&[-1.0, 0.0, 2.0]).step().to_vec(), vec![0.0, 0.0, 1.0]);
    /// ```
    pub fn step(self) -> Var<'t> {
        self.unary(Unary::Step)
    }

    /// Sign: −1, 0 or 1, with **sign(0) = 0** (unlike `f64::signum`). Zero derivative.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// assert_eq!(tape.vector(&[-2.0, 0.0, 2.0]).sign().to_vec(), vec![-1.0, 0.0, 1.0]);
    /// ```
    pub fn sign(self) -> Var<'t> {
        self.unary(Unary::Sign)
    }

    /// Integer power xⁿ. d/dx = n xⁿ⁻¹ (zero for n = 0). Negative n needs x ≠ 0. Every
    /// `i32` is allowed, `i32::MIN` included.
    ///
    /// ```
    /// assert_eq!(hesse_core::grad(|x| x[0].powi(3), &[2.0]), [12.0]);
    /// assert_eq!(hesse_core::grad(|x| x[0].powi(i32::MIN), &[-1.0]), [2147483648.0]);
    /// ```
    pub fn powi(self, n: i32) -> Var<'t> {
        self.unary(Unary::Powi(n))
    }

    /// Real power xᶜ. d/dx = c xᶜ⁻¹. Domain x > 0 for non-integer c (NaN below, as `f64::powf`).
    ///
    /// ```
    /// assert_eq!(hesse_core::grad(|x| x[0].powf(0.5), &[4.0]), [0.25]);
    /// ```
    pub fn powf(self, c: f64) -> Var<'t> {
        self.unary(Unary::Powf(c))
    }
}

impl<'t> std::ops::Neg for Var<'t> {
    type Output = Var<'t>;
    /// Negation. d/dx (−x) = −1.
    fn neg(self) -> Var<'t> {
        self.unary(Unary::Neg)
    }
}

macro_rules! scalar_rhs {
    ($tr:ident, $m:ident, $variant:ident) => {
        impl<'t> std::ops::$tr<f64> for Var<'t> {
            type Output = Var<'t>;
            fn $m(self, c: f64) -> Var<'t> {
                self.unary(Unary::$variant(c))
            }
        }
    };
}
scalar_rhs!(Add, add, AddScalar);
scalar_rhs!(Mul, mul, MulScalar);
scalar_rhs!(Div, div, DivScalar);

impl<'t> std::ops::Sub<f64> for Var<'t> {
    type Output = Var<'t>;
    fn sub(self, c: f64) -> Var<'t> {
        // x + (−c) is exactly x − c in IEEE arithmetic.
        self.unary(Unary::AddScalar(-c))
    }
}

macro_rules! scalar_lhs {
    ($tr:ident, $m:ident, $body:expr) => {
        impl<'t> std::ops::$tr<Var<'t>> for f64 {
            type Output = Var<'t>;
            fn $m(self, x: Var<'t>) -> Var<'t> {
                #[allow(clippy::redundant_closure_call)]
                ($body)(self, x)
            }
        }
    };
}
scalar_lhs!(Add, add, |c, x: Var<'t>| x.unary(Unary::AddScalar(c)));
scalar_lhs!(Sub, sub, |c, x: Var<'t>| x.unary(Unary::RSubScalar(c)));
scalar_lhs!(Mul, mul, |c, x: Var<'t>| x.unary(Unary::MulScalar(c)));
scalar_lhs!(Div, div, |c, x: Var<'t>| x.unary(Unary::RDivScalar(c)));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_forms_do_not_overflow() {
        assert_eq!(Unary::Softplus.eval(1000.0), 1000.0);
        assert_eq!(Unary::Softplus.eval(-1000.0), 0.0);
        assert_eq!(Unary::LogSigmoid.eval(-1000.0), -1000.0);
        assert_eq!(Unary::Sigmoid.eval(-1000.0), 0.0);
        assert_eq!(Unary::Sigmoid.eval(1000.0), 1.0);
    }

    #[test]
    fn nan_propagates_through_masks() {
        assert!(Unary::Relu.eval(f64::NAN).is_nan());
        assert!(Unary::Step.eval(f64::NAN).is_nan());
        assert!(Unary::Sign.eval(f64::NAN).is_nan());
        assert_eq!(Unary::Sign.eval(-0.0), 0.0);
    }
}

/// `xᵢⁿ` for a slice, bit for bit `f64::powi` (compiler-rt's `__powidf2`, also LLVM's
/// expansion for a constant n): `r = 1`, then for each bit of |n| from the lowest,
/// `r *= a` if the bit is set and `a *= a`; `1/r` for n < 0. `powi` with a run-time n is a
/// call per element; here the loop over the bits is outside and each step is a loop over a
/// block of elements, which vectorises.
#[inline(always)]
fn powi_slice(x: &[f64], n: i32, out: &mut [f64]) {
    const BLOCK: usize = 64;
    let mut pow = [0.0f64; BLOCK];
    for (xs, os) in x.chunks(BLOCK).zip(out.chunks_mut(BLOCK)) {
        let a = &mut pow[..xs.len()];
        a.copy_from_slice(xs);
        os.fill(1.0);
        let mut b = n;
        loop {
            if b & 1 != 0 {
                os.iter_mut().zip(a.iter()).for_each(|(o, &a)| *o *= a);
            }
            b /= 2;
            if b == 0 {
                break;
            }
            a.iter_mut().for_each(|a| *a *= *a);
        }
        if n < 0 {
            os.iter_mut().for_each(|o| *o = 1.0 / *o);
        }
    }
}

/// `σ(x) = 1/(1 + e⁻ˣ)` over a slice: the same operations as [`Unary::eval`], with the
/// exponentials computed a block at a time by the vectorised `exp`.
#[inline(always)]
fn sigmoid_slice(x: &[f64], out: &mut [f64]) {
    const BLOCK: usize = 64;
    let mut neg = [0.0f64; BLOCK];
    for (xs, os) in x.chunks(BLOCK).zip(out.chunks_mut(BLOCK)) {
        let n = &mut neg[..xs.len()];
        n.iter_mut().zip(xs).for_each(|(n, &x)| *n = -x);
        super::exp::exp_slice(n, os);
        os.iter_mut().for_each(|o| *o = 1.0 / (1.0 + *o));
    }
}

#[cfg(test)]
mod powi_tests {
    use super::powi_slice;

    #[test]
    fn powi_slice_is_f64_powi_bit_for_bit() {
        let mut x: Vec<f64> = (0..997).map(|i| (i as f64 * 0.731).sin() * 3.0).collect();
        x.extend([
            0.0,
            -0.0,
            1e-300,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE / 3.0,
        ]);
        let ns = [
            -13,
            -5,
            -2,
            -1,
            0,
            1,
            2,
            3,
            5,
            7,
            31,
            1000,
            -1000,
            i32::MAX,
            i32::MIN,
        ];
        for n in ns {
            let mut out = vec![0.0; x.len()];
            powi_slice(&x, std::hint::black_box(n), &mut out);
            for (&xi, &o) in x.iter().zip(&out) {
                let want = xi.powi(std::hint::black_box(n));
                assert_eq!(o.to_bits(), want.to_bits(), "{xi:e}^{n}: {o:e} vs {want:e}");
            }
        }
        let mut out = [0.0];
        powi_slice(&[f64::NAN], 3, &mut out);
        assert!(out[0].is_nan());
    }
}
