//! Points to record at, points to replay at, and HVP directions.
//!
//! Recordings are made where the graph is most degenerate — all zeros (kinks of relu and
//! abs), all entries equal (ties of max/min, equal rows of `X·w`), a few values repeated —
//! as well as at generic points. Replays go to signed zeros, infinities, NaN, subnormals,
//! huge values, mixtures of these per coordinate, the recording point itself, and generic
//! points.

use rand::Rng;
use rand::rngs::StdRng;

/// Values where kernels take their special branches.
pub const WILD: [f64; 12] = [
    0.0,
    -0.0,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    1e-310,
    -1e-310,
    1e300,
    -1e300,
    1.0,
    -1.0,
    0.5,
];

fn generic(rng: &mut StdRng) -> f64 {
    rng.random_range(-2.0..2.0)
}

/// A point of kind `kind` (a name for the failure report) with n coordinates.
pub fn point(rng: &mut StdRng, n: usize, kind: &str) -> Vec<f64> {
    match kind {
        "zeros" => vec![0.0; n],
        "neg-zeros" => vec![-0.0; n],
        "equal" => vec![[1.0, -1.0, 0.5, 2.0, -0.25][rng.random_range(0..5)]; n],
        "kinks" => (0..n)
            .map(|_| if rng.random_bool(0.5) { 0.0 } else { generic(rng) })
            .collect(),
        "ties" => {
            let few: Vec<f64> = (0..3).map(|_| generic(rng)).collect();
            (0..n).map(|_| few[rng.random_range(0..3)]).collect()
        }
        "integers" => (0..n).map(|_| rng.random_range(-2..=2) as f64).collect(),
        "inf" => vec![f64::INFINITY; n],
        "-inf" => vec![f64::NEG_INFINITY; n],
        "nan" => vec![f64::NAN; n],
        "subnormal" => (0..n)
            .map(|_| if rng.random_bool(0.5) { 1e-310 } else { -1e-310 })
            .collect(),
        "huge" => (0..n)
            .map(|_| if rng.random_bool(0.5) { 1e300 } else { -1e300 })
            .collect(),
        "wild-mix" => (0..n)
            .map(|_| {
                if rng.random_bool(0.5) {
                    WILD[rng.random_range(0..WILD.len())]
                } else {
                    generic(rng)
                }
            })
            .collect(),
        "one-wild" => {
            let mut x: Vec<f64> = (0..n).map(|_| generic(rng)).collect();
            x[rng.random_range(0..n)] = WILD[rng.random_range(0..WILD.len())];
            x
        }
        "large" => (0..n).map(|_| rng.random_range(-800.0..800.0)).collect(),
        _ => (0..n).map(|_| generic(rng)).collect(),
    }
}

/// Kinds of recording points: degenerate ones most of the time.
pub const RECORD_KINDS: [&str; 8] = [
    "zeros", "equal", "kinks", "ties", "integers", "generic", "generic", "one-wild",
];

/// Kinds of replay points.
pub const REPLAY_KINDS: [&str; 17] = [
    "zeros",
    "neg-zeros",
    "equal",
    "kinks",
    "ties",
    "integers",
    "inf",
    "-inf",
    "nan",
    "subnormal",
    "huge",
    "wild-mix",
    "one-wild",
    "large",
    "generic",
    "generic",
    "generic",
];

/// An HVP direction of n coordinates.
pub fn direction(rng: &mut StdRng, n: usize) -> (Vec<f64>, &'static str) {
    match rng.random_range(0..8) {
        0 => {
            let mut v = vec![0.0; n];
            v[rng.random_range(0..n)] = 1.0;
            (v, "unit")
        }
        1 => (vec![0.0; n], "zero"),
        2 => (vec![1.0; n], "ones"),
        3 => (point(rng, n, "wild-mix"), "wild-mix"),
        4 => (point(rng, n, "one-wild"), "one-wild"),
        _ => (point(rng, n, "generic"), "generic"),
    }
}
