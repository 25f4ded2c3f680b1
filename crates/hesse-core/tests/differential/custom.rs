//! The custom functions (`hesse_core::CustomFn`) the fuzzer's programs apply: black
//! boxes of each shape kind — elementwise, to a scalar, to a vector of another length — and
//! one whose rule applies another custom function (so its second derivatives run custom
//! nodes too). Their rules are checked against finite differences in `tests/custom_rules.rs`;
//! here the routes are held to the eager tape through them. Each comes with its definition
//! as Rust, for the reproducers.

use std::sync::LazyLock;

use hesse_core::CustomFn;

static XEXP: LazyLock<CustomFn> =
    LazyLock::new(|| CustomFn::elementwise("xexp", |x| x * x.exp(), |g, x, _y| g * (1.0 + x) * x.exp()));
static SIN2SUM: LazyLock<CustomFn> = LazyLock::new(|| {
    CustomFn::scalar(
        "sin2sum",
        |x| x.iter().map(|v| v.sin() * v.sin()).sum(),
        |g, x, _y| g * (x * 2.0).sin(),
    )
});
static MOMENTS: LazyLock<CustomFn> = LazyLock::new(|| {
    CustomFn::new(
        "moments",
        |_| vec![2],
        |x, out| {
            out[0] = x.iter().sum();
            out[1] = x.iter().map(|v| v * v).sum();
        },
        |g, x, _y| g.slice(0, 0, 1) + g.slice(0, 1, 1) * 2.0 * x,
    )
});
static SOFTSIGN_D: LazyLock<CustomFn> = LazyLock::new(|| {
    CustomFn::elementwise(
        "softsign_d",
        |x| 1.0 / ((1.0 + x.abs()) * (1.0 + x.abs())),
        |g, x, _y| g * -2.0 * x.sign() / (x.abs() + 1.0).powi(3),
    )
});
static SOFTSIGN: LazyLock<CustomFn> = LazyLock::new(|| {
    CustomFn::elementwise(
        "softsign",
        |x| x / (1.0 + x.abs()),
        |g, x, _y| g * x.custom(&SOFTSIGN_D),
    )
});

/// Another function of the name of `XEXP`: names do not identify custom functions.
static XEXP_TWIN: LazyLock<CustomFn> =
    LazyLock::new(|| CustomFn::elementwise("xexp", |x| 2.0 * x, |g, _x, _y| g * 2.0));

/// The custom functions, by index: (function, whether it needs an input of rank ≥ 1, and
/// the shape of its output: `None` for the input's).
pub fn all() -> [(&'static CustomFn, bool, Option<Vec<usize>>); 5] {
    [
        (&XEXP, false, None),
        (&SIN2SUM, false, Some(vec![])),
        (&MOMENTS, true, Some(vec![2])),
        (&SOFTSIGN, false, None),
        (&XEXP_TWIN, false, None),
    ]
}

/// Definitions of the custom functions as Rust statements (`c0` … `c4`), for reproducers.
pub const RUST: &str = "\
let c0 = hesse_core::CustomFn::elementwise(\"xexp\", |x| x * x.exp(), |g, x, _y| g * (1.0 + x) * x.exp()).leak();
let c1 = hesse_core::CustomFn::scalar(\"sin2sum\", |x| x.iter().map(|v| v.sin() * v.sin()).sum(), |g, x, _y| g * (x * 2.0).sin()).leak();
let c2 = hesse_core::CustomFn::new(\"moments\", |_| vec![2], |x, out| { out[0] = x.iter().sum(); out[1] = x.iter().map(|v| v * v).sum(); }, |g, x, _y| g.slice(0, 0, 1) + g.slice(0, 1, 1) * 2.0 * x).leak();
let cd = hesse_core::CustomFn::elementwise(\"softsign_d\", |x| 1.0 / ((1.0 + x.abs()) * (1.0 + x.abs())), |g, x, _y| g * -2.0 * x.sign() / (x.abs() + 1.0).powi(3)).leak();
let c3 = hesse_core::CustomFn::elementwise(\"softsign\", |x| x / (1.0 + x.abs()), move |g, x, _y| g * x.custom(cd)).leak();
let c4 = hesse_core::CustomFn::elementwise(\"xexp\", |x| 2.0 * x, |g, _x, _y| g * 2.0).leak();
let _ = (c0, c1, c2, c3, c4);
";
