//! Fused replay regions (`hesse_core::fused`, internal) change no bit: random elementwise
//! programs over long vectors — column slices of a reshaped input, contiguous halves,
//! unary and binary ops, scalar operands, sums and means read back into the chain, pads
//! summed by the gradient — replayed from a recording give the eager tape's value, gradient
//! and HVP bit for bit (every NaN counted as one value, see [`bits`]), at points with signed
//! zeros, NaNs and infinities too.

use hesse_core::{RecordedFn, Var};
use proptest::prelude::*;

/// One step of a random program over a pool of m-vectors.
#[derive(Clone, Debug)]
enum Step {
    Unary(u8, usize),
    Binary(u8, usize, usize),
    /// `pool[i] * (0.001 · Σ pool[j])`: a sum read back into the chain.
    ScaledBySum(usize, usize),
    /// `pool[i] − mean(pool[i])`.
    Centered(usize),
}

fn unary<'t>(k: u8, x: Var<'t>) -> Var<'t> {
    match k % 12 {
        0 => x.tanh(),
        1 => (x * 0.3).exp(),
        2 => x.sin(),
        3 => x.square(),
        4 => -x,
        5 => x.sigmoid(),
        6 => x * 2.5,
        7 => 1.0 - x,
        8 => x.abs(),
        9 => x.relu(),
        10 => (x.square() + 1.0).sqrt(),
        _ => x / 3.0 + 0.25,
    }
}

fn binary<'t>(k: u8, a: Var<'t>, b: Var<'t>) -> Var<'t> {
    match k % 6 {
        0 => a + b,
        1 => a - b,
        2 => a * b,
        3 => a / (b.square() + 1.0),
        4 => a.max(b),
        _ => a.min(b),
    }
}

/// The unary ops the AVX2 tile executor runs itself (`exec/fused/tiles/`).
fn cheap_unary<'t>(k: u8, x: Var<'t>) -> Var<'t> {
    match k % 9 {
        0 => x.square(),
        1 => -x,
        2 => x * 2.5,
        3 => 1.0 - x,
        4 => x.abs(),
        5 => x / 3.0 + 0.25,
        6 => 0.5 / x,
        7 => x.recip(),
        _ => -(x * 0.5),
    }
}

/// The binary ops the AVX2 tile executor runs itself.
fn cheap_binary<'t>(k: u8, a: Var<'t>, b: Var<'t>) -> Var<'t> {
    match k % 4 {
        0 => a + b,
        1 => a - b,
        2 => a * b,
        _ => a / b,
    }
}

/// `cheap`: only the ops of the tile executor, so that whole regions run as tiles.
fn program_with<'t>(steps: &[Step], w: Var<'t>, cheap: bool) -> Var<'t> {
    let n = w.len();
    let m = n / 2;
    let cols = w.reshape(&[m, 2]);
    let mut pool = vec![
        cols.slice(1, 0, 1).reshape(&[m]),
        cols.slice(1, 1, 1).reshape(&[m]),
        w.slice(0, 0, m),
        w.slice(0, m, m),
    ];
    for s in steps {
        let at = |i: usize| pool[i % pool.len()];
        let next = match *s {
            Step::Unary(k, i) if cheap => cheap_unary(k, at(i)),
            Step::Binary(k, i, j) if cheap => cheap_binary(k, at(i), at(j)),
            Step::Unary(k, i) => unary(k, at(i)),
            Step::Binary(k, i, j) => binary(k, at(i), at(j)),
            Step::ScaledBySum(i, j) => at(i) * (at(j).sum() * 0.001),
            Step::Centered(i) => at(i) - at(i).mean(),
        };
        pool.push(next);
    }
    let k = pool.len();
    if cheap {
        return pool[k - 1].sum() + pool[k / 2].square().sum() * 0.5;
    }
    pool[k - 1].sum() + pool[k / 2].tanh().sum() * 0.5
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (any::<u8>(), any::<usize>()).prop_map(|(k, i)| Step::Unary(k, i)),
        4 => (any::<u8>(), any::<usize>(), any::<usize>()).prop_map(|(k, i, j)| Step::Binary(k, i, j)),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Step::ScaledBySum(i, j)),
        1 => any::<usize>().prop_map(Step::Centered),
    ]
}

/// The bits of each value, every NaN as one pattern: Rust leaves the sign and payload of a
/// NaN made by arithmetic unspecified (RFC 3514), so which NaN operand an addition of two
/// NaNs returns may differ between two builds of the same kernel.
fn bits(v: &[f64]) -> Vec<u64> {
    v.iter()
        .map(|&x| {
            if x.is_nan() {
                f64::NAN.to_bits()
            } else {
                x.to_bits()
            }
        })
        .collect()
}

/// A point of length 2m with values in [−2, 2] and, if `special`, signed zeros, NaN and ±∞.
fn point(m: usize, seed: u64, special: bool) -> Vec<f64> {
    let mut s = seed | 1;
    let mut x: Vec<f64> = (0..2 * m)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64 * 4.0 - 2.0
        })
        .collect();
    if special {
        for (k, v) in [0.0, -0.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0]
            .into_iter()
            .enumerate()
        {
            let at = (k * 37 + seed as usize) % (2 * m);
            x[at] = v;
        }
    }
    x
}

fn check(steps: &[Step], m: usize, seed: u64, special: bool) -> Result<(), TestCaseError> {
    check_with(steps, m, seed, special, false)
}

fn check_with(steps: &[Step], m: usize, seed: u64, special: bool, cheap: bool) -> Result<(), TestCaseError> {
    let f = hesse_core::vector::function(|w| program_with(steps, w, cheap));
    let x0 = point(m, seed, false);
    let mut rec = RecordedFn::new_vector(f, &x0);
    for x in [point(m, seed + 1, special), x0.clone()] {
        let v: Vec<f64> = point(m, seed + 2, false);
        let (ev, eg) = hesse_core::vector::value_and_grad(f, &x);
        let (rv, rg) = rec.value_and_grad(&x);
        prop_assert_eq!(bits(&[ev]), bits(&[rv]));
        prop_assert_eq!(bits(&[rec.value(&x)]), bits(&[ev]));
        prop_assert_eq!(bits(&eg), bits(&rg));
        let ehv = hesse_core::vector::hvp(f, &x, &v);
        prop_assert_eq!(bits(&ehv), bits(&rec.hvp(&x, &v)));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn fused_replays_equal_the_eager_tape_bit_for_bit(
        steps in prop::collection::vec(step(), 1..14),
        m in prop_oneof![Just(40usize), Just(64), Just(100), Just(257), Just(513), Just(1300)],
        seed in 1..1000u64,
        special in any::<bool>(),
    ) {
        check(&steps, m, seed, special)?;
    }

    /// Programs of the ops the AVX2 tile executor runs (whole tiles of 32 values, the rest
    /// by blocks): lengths around multiples of the tile.
    #[test]
    fn tiled_replays_equal_the_eager_tape_bit_for_bit(
        steps in prop::collection::vec(step(), 1..14),
        m in prop_oneof![Just(40usize), Just(50), Just(64), Just(65), Just(95), Just(96), Just(97), Just(257), Just(300), Just(1300)],
        seed in 1..1000u64,
        special in any::<bool>(),
    ) {
        check_with(&steps, m, seed, special, true)?;
    }
}

/// The replays of `rec` (a recording of `f`) at `x` equal the eager tape's bit for bit: value
/// and gradient, value, and the HVP along `v`.
fn assert_replays<F>(f: F, rec: &mut RecordedFn, x: &[f64], v: &[f64], what: &str)
where
    F: for<'t> Fn(Var<'t>) -> Var<'t> + Copy,
{
    let (ev, eg) = hesse_core::vector::value_and_grad(f, x);
    let (rv, rg) = rec.value_and_grad(x);
    assert_eq!(bits(&[ev]), bits(&[rv]), "{what}");
    assert_eq!(bits(&eg), bits(&rg), "{what}");
    assert_eq!(bits(&[rec.value(x)]), bits(&[ev]), "{what}");
    assert_eq!(
        bits(&hesse_core::vector::hvp(f, x, v)),
        bits(&rec.hvp(x, v)),
        "{what}"
    );
}

#[test]
fn extended_rosenbrock_replays_bit_for_bit() {
    // The W2 formulation: two column slices, their pads summed by the gradient.
    let f = hesse_core::vector::function(|x| {
        let n = x.len();
        let m = x.reshape(&[n / 2, 2]);
        let (odd, even) = (m.slice(1, 0, 1), m.slice(1, 1, 1));
        (100.0 * (even - odd.square()).square() + (1.0 - odd).square()).sum()
    });
    // Every split of the rows into whole tiles and a padded last tile up to 150 rows.
    for n in (2..=300).step_by(2).chain([1000, 10_002]) {
        let x0: Vec<f64> = (0..n).map(|i| if i % 2 == 0 { -1.2 } else { 1.0 }).collect();
        let x = point(n / 2, n as u64, true);
        let v = point(n / 2, 7, false);
        let mut rec = RecordedFn::new_vector(f, &x0);
        for x in [&x0, &x] {
            assert_replays(f, &mut rec, x, &v, &format!("n = {n}"));
        }
    }
}

/// The W5 grid formulation: Σ peaks(x_i, y_i) over w = [x…, y…] (two contiguous halves,
/// their pads summed by the gradient), with exp and powi between cheap steps: the tile
/// executor runs the kernels on its tiles.
fn peaks_batch(w: Var<'_>) -> Var<'_> {
    let m = w.len() / 2;
    let (x, y) = (w.slice(0, 0, m), w.slice(0, m, m));
    (3.0 * (1.0 - x).square() * (-x.square() - (y + 1.0).square()).exp()
        - 10.0 * (x / 5.0 - x.powi(3) - y.powi(5)) * (-x.square() - y.square()).exp()
        - (-(x + 1.0).square() - y.square()).exp() / 3.0)
        .sum()
}

#[test]
fn peaks_over_a_batch_replays_bit_for_bit() {
    let f = hesse_core::vector::function(peaks_batch);
    for m in [40, 95, 96, 97, 625, 1000] {
        let x0 = point(m, m as u64, false);
        let v = point(m, 11, false);
        let mut rec = RecordedFn::new_vector(f, &x0);
        for x in [x0.clone(), point(m, 3, true)] {
            assert_replays(f, &mut rec, &x, &v, &format!("m = {m}"));
        }
    }
}

#[test]
fn sums_of_negative_zeros_stay_negative_at_every_length() {
    // Every term is −0.0, so each sum is −0.0 only if its lanes add nothing else, at every
    // split between the tile executor's tiles and the blocks of the rest (values beyond
    // the end, zeros say, would show: `−(1/0 · 0)` is a NaN).
    let f = hesse_core::vector::function(|w| (-(w.recip() * 0.0)).sum() + (w.square() * -0.0).sum());
    for n in (32..=200).chain([255, 256, 257, 511, 1000]) {
        let x: Vec<f64> = (0..n).map(|i| 1.0 + i as f64 * 0.01).collect();
        let mut rec = RecordedFn::new_vector(f, &x);
        let (ev, eg) = hesse_core::vector::value_and_grad(f, &x);
        let (rv, rg) = rec.value_and_grad(&x);
        assert_eq!(ev.to_bits(), (-0.0f64).to_bits(), "n = {n}");
        assert_eq!((rv.to_bits(), bits(&rg)), (ev.to_bits(), bits(&eg)), "n = {n}");
        assert_eq!(rec.value(&x).to_bits(), ev.to_bits(), "n = {n}");
    }
}

#[test]
fn peaks_replays_bit_for_bit_at_every_length() {
    // Every split into whole tiles and a last partial tile (run padded, see
    // `exec/fused/tiles/`), with special values near the end, where the padding repeats them.
    let f = hesse_core::vector::function(peaks_batch);
    for m in 1..=200 {
        let x0 = point(m, m as u64, false);
        let mut rec = RecordedFn::new_vector(f, &x0);
        let mut x = point(m, m as u64 + 5, false);
        let specials = [f64::NAN, -0.0, f64::INFINITY, 30.0];
        x[m - 1] = specials[m % 4];
        x[2 * m - 1] = specials[(m / 4) % 4];
        for x in [x0, x] {
            let (ev, eg) = hesse_core::vector::value_and_grad(f, &x);
            let (rv, rg) = rec.value_and_grad(&x);
            assert_eq!(bits(&[ev]), bits(&[rv]), "m = {m}");
            assert_eq!(bits(&eg), bits(&rg), "m = {m}");
            assert_eq!(bits(&[rec.value(&x)]), bits(&[ev]), "m = {m}");
        }
    }
}

#[test]
fn mlp_layers_replay_bit_for_bit() {
    // The W3 shapes (bias rows, products with an inner dimension of 1 or 2, tanh layers,
    // a column broadcast), rows and widths around the tiles and the blocks: value, gradient
    // and HVP replays equal the eager tape's.
    for (rows, h) in [(33, 8), (50, 3), (64, 10), (97, 50), (300, 10), (1000, 50)] {
        let x = point(rows, rows as u64, false);
        let y: Vec<f64> = (0..rows).map(|i| (i % 3 == 0) as u8 as f64).collect();
        let p = 2 * h + h + h * h + h + h + 1;
        let f = hesse_core::vector::function(|w| {
            let t = w.tape();
            let (xv, yv) = (t.constant(&x, &[rows, 2]), t.constant(&y, &[rows, 1]));
            let mut at = 0;
            let mut take = |n: usize| {
                at += n;
                w.slice(0, at - n, n)
            };
            let w1 = take(2 * h).reshape(&[2, h]);
            let b1 = take(h);
            let w2 = take(h * h).reshape(&[h, h]);
            let b2 = take(h);
            let w3 = take(h).reshape(&[h, 1]);
            let b3 = take(1);
            let h1 = (xv.matmul(w1) + b1).tanh();
            let h2 = (h1.matmul(w2) + b2).tanh();
            let q = (h2.matmul(w3) + b3).sigmoid();
            hesse_core::loss::bce(q, yv) + (h2 * q).square().sum() / rows as f64
        });
        let half = |s: u64| {
            point(p, s, false)[..p]
                .iter()
                .map(|v| v * 0.5)
                .collect::<Vec<_>>()
        };
        let w0 = half(h as u64 + 5);
        let mut rec = RecordedFn::new_vector(f, &w0);
        for w in [w0.clone(), half(9)] {
            assert_replays(f, &mut rec, &w, &half(13), &format!("{rows}×{h}"));
        }
    }
}
