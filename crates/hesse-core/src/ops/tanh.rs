//! `tanh` as a branch-free `f64` kernel that the compiler vectorises.
//!
//! glibc's `tanh` is a scalar call (with an `expm1` call inside) of ~10 ns; a 2-50-50-1 tanh
//! network on 1,000 points makes 100,000 of them per evaluation, about half the time of a
//! value and gradient. This version is straight-line arithmetic with selects instead of
//! branches, so a loop over a slice runs two (SSE2) or four (AVX2) values at a time.
//!
//! # Method
//! With `a = |x|` and the sign restored at the end (`tanh` is odd):
//! - `a < 0.55` (where tanh a < 1/2): the series `a + a·z·Q(z)`, `z = a²`, with `Q` the
//!   Taylor series economised to degree 11 (see [`SERIES`]); the correction `a·z·Q(z)` is at
//!   most 10 % of the result, so its rounding errors weigh little.
//! - `a ≥ 0.55`: `1 − 2/(eᵇ + 1)` with `b = 2a`, where `s = 2/(eᵇ + 1) ≤ 1/2` is subtracted
//!   from 1 without cancellation. `eᵇ = 2ᵏ·eʳ` with `k = round(b/ln 2)` and
//!   `r = b − k·ln 2 ∈ [−ln2/2, ln2/2]` (Cody–Waite: `k·ln2_hi` and `b − k·ln2_hi` are
//!   exact), `eʳ` by an economised polynomial of degree 12 (see [`EXP`]), and
//!   `2ᵏ` assembled from its exponent bits. `a` is capped at 22, beyond which tanh rounds
//!   to 1 (1 − tanh 22 ≈ 1.6·10⁻¹⁹).
//!
//! # Accuracy
//! Against a 45-digit reference (Python `decimal`, `(e²ˣ − 1)/(e²ˣ + 1)`) on 4·10⁵ points
//! (uniform on [0, 25] and on [0, 2], log-uniform on [2⁻³⁰, 25], dense on [0.5, 0.6] around
//! the branch point): **max error 1.43 ulp**, mean 0.26 ulp
//! (glibc's `tanh`: max 2.02 ulp on the same points by the same measure). Exact: `tanh(±0) = ±0`,
//! `tanh(x) = x` for `|x| < 2⁻²⁷` (subnormals included), `tanh(±∞) = ±1`,
//! `tanh(NaN)` is NaN. The unit tests below sweep it against libm.

/// `Q(z)` of `tanh a = a + a·z·Q(z)` on `z ∈ [0, 0.55²]`: the Taylor series (coefficients
/// `2²ⁿ(2²ⁿ − 1)B₂ₙ/(2n)!`) taken to degree 34 in z in exact rational arithmetic, then
/// economised (Chebyshev truncation) to degree 11; the dropped terms sum to < 3·10⁻¹⁹.
const SERIES: [f64; 12] = [
    -0.3333333333333333,
    0.13333333333333314,
    -0.05396825396822103,
    0.02186948853410769,
    -0.008863235464037536,
    0.003592126783667554,
    -0.0014558192286440181,
    0.00058990610734536,
    -0.00023847593378085246,
    9.455922190416076e-05,
    -3.37317692507802e-05,
    7.880858110540418e-06,
];

/// `P(r)` of `eʳ = 1 + r + r²·P(r)` on `|r| ≤ 0.3466`: the Taylor series `Σ rⁿ⁻²/n!`
/// economised the same way to degree 10 (dropped terms < 1.4·10⁻¹⁸).
const EXP: [f64; 11] = [
    0.5,
    0.1666666666666667,
    0.04166666666666668,
    0.008333333333326136,
    0.0013888888888879075,
    0.00019841269874817515,
    2.480158733643862e-05,
    2.75572554044176e-06,
    2.755726328311978e-07,
    2.5105215165649368e-08,
    2.0918136198258855e-09,
];

/// ln 2 split for Cody–Waite reduction (fdlibm's constants): `LN2_HI` has 32 significant
/// bits, so `k·LN2_HI` is exact for |k| < 2²⁰.
const LN2_HI: f64 = 0.693_147_180_369_123_8;
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
/// 1.5·2⁵²: adding it rounds a value of magnitude < 2⁵¹ to an integer held in the low bits.
const ROUND: f64 = 6_755_399_441_055_744.0;
/// Below this the series is used, above it `1 − 2/(e²ᵃ + 1)` (tanh 0.55 ≈ 0.5005).
const SPLIT: f64 = 0.55;
/// tanh rounds to 1 beyond ~19.1; capping here keeps `e²ᵃ` finite.
const CAP: f64 = 22.0;

/// `tanh a` for `a = |x| < SPLIT`: the series branch of [`tanh`] alone.
#[inline(always)]
fn series(x: f64) -> f64 {
    let a = x.abs();
    let z = a * a;
    let mut q = SERIES[SERIES.len() - 1];
    for &c in SERIES[..SERIES.len() - 1].iter().rev() {
        q = q * z + c;
    }
    (a + a * z * q).copysign(x)
}

/// [`tanh`] over a slice. Blocks whose values all lie below the branch point run the series
/// alone (the same operations [`tanh`] selects there, so the same bits), which skips the
/// exponential and its division for the common case of small activations.
#[inline(always)]
pub(crate) fn tanh_slice(x: &[f64], out: &mut [f64]) {
    const BLOCK: usize = 32;
    for (xs, os) in x.chunks(BLOCK).zip(out.chunks_mut(BLOCK)) {
        // Every element is tested (no early exit), so the test vectorises.
        // Plain loops: the AVX-512 build of the unary kernel left a `for_each` closure over
        // `tanh` out of line, in the baseline (SSE2) build: 432 against 131 µs for 50,000
        // values above the branch point on the W3 machine.
        if xs.iter().fold(true, |all, v| all & (v.abs() < SPLIT)) {
            for (o, &v) in os.iter_mut().zip(xs) {
                *o = series(v);
            }
        } else {
            for (o, &v) in os.iter_mut().zip(xs) {
                *o = tanh(v);
            }
        }
    }
}

/// The hyperbolic tangent, within 1.5 ulp (measured max 1.43 ulp, see the module docs),
/// vectorisable.
#[inline(always)]
pub fn tanh(x: f64) -> f64 {
    let a = x.abs();
    // Series branch (with the sign, as `series`: copysign is exact).
    let small = series(x);
    // Exponential branch, on a capped copy (NaN stays NaN: the comparison is false).
    let b = 2.0 * if a > CAP { CAP } else { a };
    let t = b * std::f64::consts::LOG2_E + ROUND;
    let k = t - ROUND;
    let r = (b - k * LN2_HI) - k * LN2_LO;
    let mut p = EXP[EXP.len() - 1];
    for &c in EXP[..EXP.len() - 1].iter().rev() {
        p = p * r + c;
    }
    let er = 1.0 + (r + r * r * p);
    // 2ᵏ from the integer in t's low bits (0 ≤ k ≤ 64 here).
    let ki = t.to_bits().wrapping_sub(ROUND.to_bits());
    let two_k = f64::from_bits(ki.wrapping_add(1023) << 52);
    let large = 1.0 - 2.0 / (two_k * er + 1.0);
    if a < SPLIT { small } else { large.copysign(x) }
}

#[cfg(test)]
mod tests {
    use super::tanh;

    /// Distance in units in the last place between two finite values of the same sign.
    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    /// Within 2 ulp of libm (each is within ~1.5 ulp of the true value) on a dense sweep:
    /// every 2⁻¹² from 0 to 25, a geometric sweep from 2⁻¹⁰⁷⁴ (subnormals) up, and the
    /// neighbourhood of the branch point; odd symmetry everywhere.
    #[test]
    fn tanh_agrees_with_libm_on_a_dense_sweep() {
        let mut worst = (0, 0.0);
        let mut check = |x: f64| {
            let (t, l) = (tanh(x), x.tanh());
            let d = ulps(t, l);
            assert!(d <= 2, "tanh({x:e}) = {t:e}, libm {l:e}: {d} ulp");
            assert_eq!(tanh(-x).to_bits(), (-t).to_bits(), "odd at {x:e}");
            if d > worst.0 {
                worst = (d, x);
            }
        };
        for i in 0..=(25 << 12) {
            check(i as f64 / 4096.0);
        }
        let mut x = f64::from_bits(1);
        while x < 30.0 {
            check(x);
            x = (x * 1.001).max(x.next_up());
        }
        let mut x = super::SPLIT.next_down();
        for _ in 0..100_000 {
            check(x);
            x = x.next_up();
        }
        for x in [super::SPLIT, 1e-300, 19.0, 19.1, 21.9, 22.0, 22.1, 1e10, f64::MAX] {
            check(x);
        }
        assert!(worst.0 <= 2);
    }

    #[test]
    fn tanh_slice_is_tanh_bit_for_bit() {
        // Blocks all below the branch point, all above, and mixed; specials included.
        let mut x: Vec<f64> = (0..2000)
            .map(|i| ((i as f64) * 0.013).sin() * if i < 1000 { 0.5 } else { 4.0 })
            .collect();
        x.extend([0.0, -0.0, f64::NAN, f64::INFINITY, -1e-310, 0.55, -0.55]);
        let mut out = vec![0.0; x.len()];
        super::tanh_slice(&x, &mut out);
        for (&v, &o) in x.iter().zip(&out) {
            assert!(
                o.to_bits() == tanh(v).to_bits() || (o.is_nan() && v.is_nan()),
                "{v:e}"
            );
        }
    }

    #[test]
    fn tanh_special_values() {
        assert_eq!(tanh(0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(tanh(-0.0).to_bits(), (-0.0f64).to_bits());
        assert_eq!(tanh(f64::INFINITY), 1.0);
        assert_eq!(tanh(f64::NEG_INFINITY), -1.0);
        assert!(tanh(f64::NAN).is_nan());
        assert_eq!(tanh(f64::MIN_POSITIVE / 8.0), f64::MIN_POSITIVE / 8.0);
        assert_eq!(tanh(1e-9), 1e-9f64.tanh());
        assert_eq!(tanh(40.0), 1.0);
    }
}
