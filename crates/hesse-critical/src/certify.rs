//! A certificate: a proof, in interval arithmetic with outward rounding, that a unique
//! critical point lies in a small box around the analysed point, and of what kind it is.
//!
//! **What is proved.** With `B` a box (radius `r` in the ∞-norm) around the refined point
//! `x̃`, `G` an enclosure of `∇f(x̃)` and `H(B)` an enclosure of every Hessian `∇²f(y)`,
//! `y ∈ B` (`interval/program.rs`: the engine's recorded gradient and Hessian walked over
//! the box), and `C ≈ ∇²f(x̃)⁻¹` any real matrix:
//!
//! 1. **Existence and uniqueness** (Krawczyk's test): if
//!    `K(B) = x̃ − C·G + (I − C·H(B))·(B − x̃)` lies in the interior of `B`, then `∇f` has
//!    exactly one zero `x*` in `B`, and `x* ∈ K(B)`; the certified radius is
//!    `max |K(B) − x̃|∞`. Also checked: `‖ |I − C·H(B)| ‖∞ < 1`, so every matrix in `H(B)`
//!    is nonsingular.
//! 2. **The kind** (Sylvester's law of inertia and Gershgorin's theorem): with `Q` the
//!    computed eigenvectors of `∇²f(x̃)` (proved nonsingular: `‖ |QᵀQ − I| ‖∞ < 1`), the
//!    Gershgorin discs of the interval matrix `Qᵀ·H(x̃)·Q` that lie right of 0 and left of 0
//!    count the positive and negative eigenvalues of the true Hessian at `x̃`, and so of every
//!    congruent matrix; since no matrix in `H(B)` is singular and the Hessians over the box
//!    form a connected set, the inertia at `x*` is the same. All positive: `x*` is a strict
//!    local minimum (indeed the only minimiser of f in `B`, where f is strictly convex);
//!    all negative: a strict local maximum; otherwise a saddle whose index is the number of
//!    negative eigenvalues. When the discs of `Qᵀ·H(B)·Q` also exclude an interval
//!    `(−b, b)`, every Hessian over the box has `|λ| ≥ b/(1 + ‖QᵀQ − I‖)` (Ostrowski), which
//!    is reported.
//!
//! **What is assumed.** That f is what the closure records at `x̃` for every point of the
//! box: control flow reading values (`if x.value() > 0`) is frozen at recording and not
//! seen; comparisons, `max`/`min` and kinks recorded on the tape are checked to go the same
//! way over the whole box, else no certificate. That library functions (`ln`, `sin`, …) are
//! accurate to [`LIBM_ULPS`](crate::interval::LIBM_ULPS) ulps and hesse's own composites
//! to [`COMPOSITE_ULPS`](crate::interval::COMPOSITE_ULPS). Arithmetic is IEEE 754 binary64
//! rounded to nearest (every result is widened by an ulp).
//!
//! **When no proof is found** the reason is given: the Hessian has eigenvalues that cannot
//! be told from zero (degenerate: no isolated nondegenerate critical point to prove, e.g.
//! along symmetries), the point is too far from a critical point, the interval Hessian is too
//! wide over every box that could hold the critical point, an enclosure is unbounded
//! (interval blow-up), the box holds a kink, or an op has no interval form here.

use std::fmt;

use hesse_core::Var;

use crate::analysis::{Analysis, AnalysisOptions, analyze};
use crate::error::AnalysisError;
use crate::interval::{Interval, Program, Trouble, next_up};

/// What a certificate proved the critical point to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertifiedKind {
    /// A strict local minimum.
    Minimum,
    /// A strict local maximum.
    Maximum,
    /// A nondegenerate saddle with `index` negative eigenvalues.
    Saddle {
        /// The number of negative Hessian eigenvalues.
        index: usize,
    },
}

impl fmt::Display for CertifiedKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertifiedKind::Minimum => write!(f, "strict local minimum"),
            CertifiedKind::Maximum => write!(f, "strict local maximum"),
            CertifiedKind::Saddle { index } => write!(f, "saddle point of index {index}"),
        }
    }
}

/// What was proved.
#[derive(Clone, Debug, PartialEq)]
pub struct Proof {
    /// The kind of the critical point.
    pub kind: CertifiedKind,
    /// The centre of the box: the refined point x̃.
    pub center: Vec<f64>,
    /// The box's half-width r (∞-norm): exactly one critical point lies in it.
    pub box_radius: f64,
    /// The critical point lies within this of the centre (∞-norm): the certified radius.
    pub radius: f64,
    /// ... and within this of the point given to [`certify`] (∞-norm).
    pub radius_from_start: f64,
    /// If proved: every eigenvalue of every Hessian over the box has `|λ| ≥` this.
    pub eigenvalue_gap: Option<f64>,
}

/// Why no proof was found.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum NoProof {
    /// The value, gradient or Hessian is not finite at the point.
    NotFinite,
    /// An op has no interval form here (tensor ops, for instance).
    Unsupported {
        /// Its name.
        op: &'static str,
    },
    /// Even the smallest box holds a kink, a tie or a flipped comparison of this op.
    Kink {
        /// Its name.
        op: &'static str,
    },
    /// Eigenvalues of the Hessian cannot be told from zero: no nondegenerate critical point
    /// to prove.
    Degenerate {
        /// How many.
        undecided: usize,
    },
    /// The Newton step to the critical point is longer than the largest box tried.
    NotNearCritical {
        /// ‖C·∇f(x̃)‖∞.
        newton_step: f64,
        /// The largest box radius tried.
        largest_box: f64,
    },
    /// An enclosure over the box is unbounded.
    BlowUp {
        /// The box radius.
        box_radius: f64,
    },
    /// The interval Hessian over every box large enough is too wide:
    /// `‖ |I − C·H(B)| ‖∞ ≥ 1`.
    TooWide {
        /// The box radius at which it happened.
        box_radius: f64,
        /// `‖ |I − C·H(B)| ‖∞`.
        contraction: f64,
    },
    /// No box up to the largest tried was mapped into itself.
    NotContained {
        /// The largest box radius tried.
        largest_box: f64,
    },
    /// The Gershgorin discs of the Hessian at the point reach 0 (rounding swamps an
    /// eigenvalue).
    InertiaUnproved,
    /// The analysis [`certify`] starts from was refused: its dense matrices would exceed the
    /// memory limit ([`AnalysisError::TooLarge`](crate::AnalysisError::TooLarge), whose
    /// message this is).
    TooLarge(AnalysisError),
}

impl fmt::Display for NoProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoProof::NotFinite => write!(f, "the value, gradient or Hessian is not finite at the point"),
            NoProof::TooLarge(e) => write!(f, "{e}"),
            NoProof::Unsupported { op } => write!(f, "the op `{op}` has no interval form here"),
            NoProof::Kink { op } => write!(
                f,
                "the smallest box holds a kink, tie or flipped comparison of `{op}`: not twice differentiable there"
            ),
            NoProof::Degenerate { undecided } => write!(
                f,
                "degenerate: {undecided} Hessian eigenvalue{} cannot be told from zero, so there is no isolated nondegenerate critical point to prove",
                if *undecided == 1 { "" } else { "s" }
            ),
            NoProof::NotNearCritical {
                newton_step,
                largest_box,
            } => write!(
                f,
                "too far from a critical point: the Newton step {newton_step:.3e} exceeds the largest box tried ({largest_box:.3e})"
            ),
            NoProof::BlowUp { box_radius } => write!(
                f,
                "interval blow-up: an enclosure over the box of radius {box_radius:.3e} is unbounded"
            ),
            NoProof::TooWide {
                box_radius,
                contraction,
            } => write!(
                f,
                "box too large for the curvature: over the box of radius {box_radius:.3e}, which the Newton step needs, ‖I − C·H(box)‖∞ = {contraction:.3e} ≥ 1 (nearly degenerate or ill-conditioned)"
            ),
            NoProof::NotContained { largest_box } => write!(
                f,
                "no box up to radius {largest_box:.3e} was mapped into itself by the Krawczyk operator"
            ),
            NoProof::InertiaUnproved => write!(
                f,
                "rounding swamps an eigenvalue: the Gershgorin discs of the Hessian reach 0"
            ),
        }
    }
}

/// The outcome of [`certify`].
#[derive(Clone, Debug, PartialEq)]
pub enum Certificate {
    /// A proof.
    Proved(Proof),
    /// No proof, and why.
    NotProved(NoProof),
}

impl Certificate {
    /// The proof, if any.
    pub fn proof(&self) -> Option<&Proof> {
        match self {
            Certificate::Proved(p) => Some(p),
            Certificate::NotProved(_) => None,
        }
    }
    /// The proved kind, if any.
    pub fn kind(&self) -> Option<CertifiedKind> {
        self.proof().map(|p| p.kind)
    }
    /// Whether a strict local minimum was proved.
    pub fn proves_minimum(&self) -> bool {
        self.kind() == Some(CertifiedKind::Minimum)
    }
}

impl fmt::Display for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Certificate::Proved(p) => {
                write!(
                    f,
                    "proved: a unique critical point lies in the box of radius {:.3e} around the refined point, within {:.3e} of it (∞-norm), and it is a {}",
                    p.box_radius, p.radius, p.kind
                )?;
                if let Some(b) = p.eigenvalue_gap {
                    write!(f, " (every Hessian over the box has |λ| ≥ {b:.3e})")?;
                }
                Ok(())
            }
            Certificate::NotProved(why) => write!(f, "no certificate: {why}"),
        }
    }
}

/// Refines `x` onto the nearby critical point (as [`analyze`] does by default) and tries to
/// prove, in interval arithmetic, that a unique critical point lies in a small box around it
/// and what kind it is (see the module docs for what is proved and assumed).
///
/// ```
/// use hesse_critical::{certify, CertifiedKind};
/// // Himmelblau's function; a minimum is (3, 2)
/// let f = hesse_core::function(|x| (x[0].powi(2) + x[1] - 11.0).powi(2) + (x[0] + x[1].powi(2) - 7.0).powi(2));
/// let c = certify(f, &[3.000001, 1.999999]);
/// assert_eq!(c.kind(), Some(CertifiedKind::Minimum));
/// assert!(c.proof().unwrap().radius < 1e-9);
/// // x⁴ + y² at 0 is a minimum, but not one second order can prove
/// assert_eq!(certify(|x| x[0].powi(4) + x[1].powi(2), &[0.0, 0.0]).kind(), None);
/// ```
pub fn certify<F>(f: F, x: &[f64]) -> Certificate
where
    F: for<'t> Fn(&[Var<'t>]) -> Var<'t>,
{
    match analyze(&f, x, AnalysisOptions::default()) {
        Ok(a) => certify_analysis(f, &a),
        Err(e @ AnalysisError::TooLarge { .. }) => Certificate::NotProved(NoProof::TooLarge(e)),
        Err(_) => Certificate::NotProved(NoProof::NotFinite),
    }
}

/// As [`certify`], around the point of an analysis already made of the same `f` (its
/// refined point, Hessian and eigenvectors are reused).
pub fn certify_analysis<F>(f: F, a: &Analysis) -> Certificate
where
    F: for<'t> Fn(&[Var<'t>]) -> Var<'t>,
{
    match prove(&f, a) {
        Ok(p) => Certificate::Proved(p),
        Err(why) => Certificate::NotProved(why),
    }
}

fn trouble(t: Trouble) -> NoProof {
    match t {
        Trouble::Unsupported { op } => NoProof::Unsupported { op },
        Trouble::Kink { op } => NoProof::Kink { op },
    }
}

fn prove<F>(f: &F, a: &Analysis) -> Result<Proof, NoProof>
where
    F: for<'t> Fn(&[Var<'t>]) -> Var<'t>,
{
    let n = a.x.len();
    let undecided = a.eigenvalues.iter().filter(|l| l.abs() <= a.tolerance).count();
    if undecided > 0 || n == 0 {
        return Err(NoProof::Degenerate { undecided });
    }
    let c = &a.x;
    let q = &a.eigenvectors;
    // C = Q Λ⁻¹ Qᵀ, an approximate inverse of the Hessian (any real matrix is sound).
    let mut cinv = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            cinv[i * n + j] = (0..n).map(|k| q[(i, k)] * q[(j, k)] / a.eigenvalues[k]).sum();
        }
    }
    let program = Program::record(f, c);
    let at_point = program
        .enclose(&c.iter().map(|&v| Interval::point(v)).collect::<Vec<_>>())
        .map_err(trouble)?;
    if !at_point
        .gradient
        .iter()
        .chain(&at_point.hessian)
        .all(Interval::is_finite)
    {
        return Err(NoProof::BlowUp { box_radius: 0.0 });
    }
    // Q is nonsingular: ‖ |QᵀQ − I| ‖∞ = η < 1.
    let qm: Vec<Interval> = (0..n * n).map(|k| Interval::point(q[(k / n, k % n)])).collect();
    let qtq = mul(&transpose(&qm, n), &qm, n);
    let eta = row_norm(&sub_identity(&qtq, n), n);
    if eta >= 1.0 {
        return Err(NoProof::InertiaUnproved);
    }
    let congruent = |h: &[Interval]| mul(&mul(&transpose(&qm, n), h, n), &qm, n);
    let Some((negative, _, _)) = gershgorin(&congruent(&at_point.hessian), n) else {
        return Err(NoProof::InertiaUnproved);
    };
    let kind = match negative {
        0 => CertifiedKind::Minimum,
        k if k == n => CertifiedKind::Maximum,
        index => CertifiedKind::Saddle { index },
    };

    let cg: Vec<Interval> = (0..n)
        .map(|i| {
            (0..n).fold(Interval::point(0.0), |s, j| {
                s + Interval::point(cinv[i * n + j]) * at_point.gradient[j]
            })
        })
        .collect();
    let newton_step = cg.iter().map(Interval::mag).fold(0.0, f64::max);
    let scale = c.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    let largest_box = 1e-2 * scale;
    let mut r = (2.0 * newton_step).max(scale * 2f64.powi(-40));
    if r > largest_box {
        return Err(NoProof::NotNearCritical {
            newton_step,
            largest_box,
        });
    }
    let cm: Vec<Interval> = cinv.iter().map(|&v| Interval::point(v)).collect();
    let mut last = NoProof::NotContained { largest_box };
    while r <= largest_box {
        let b: Vec<Interval> = c.iter().map(|&v| Interval::around(v, r)).collect();
        let e = match program.enclose(&b) {
            Ok(e) => e,
            Err(Trouble::Kink { op }) => {
                last = NoProof::Kink { op };
                break;
            }
            Err(t) => return Err(trouble(t)),
        };
        if !e.hessian.iter().all(Interval::is_finite) {
            last = NoProof::BlowUp { box_radius: r };
            break;
        }
        // M = I − C·H(B)
        let m: Vec<Interval> = mul(&cm, &e.hessian, n)
            .iter()
            .enumerate()
            .map(|(k, v)| {
                if k / n == k % n {
                    Interval::point(1.0) - *v
                } else {
                    -*v
                }
            })
            .collect();
        let contraction = row_norm(&m, n);
        if contraction >= 1.0 {
            last = NoProof::TooWide {
                box_radius: r,
                contraction,
            };
            break;
        }
        let d: Vec<Interval> = (0..n).map(|i| b[i] - Interval::point(c[i])).collect();
        let k_off: Vec<Interval> = (0..n)
            .map(|i| (0..n).fold(-cg[i], |s, j| s + m[i * n + j] * d[j]))
            .collect();
        let inside = (0..n).all(|i| {
            let k = Interval::point(c[i]) + k_off[i];
            k.lo > b[i].lo && k.hi < b[i].hi
        });
        if inside {
            let radius = k_off.iter().map(Interval::mag).fold(0.0, f64::max);
            let from_start = (0..n)
                .map(|i| (Interval::point(c[i]) - Interval::point(a.start[i])).mag())
                .fold(0.0, f64::max);
            let eigenvalue_gap = gershgorin(&congruent(&e.hessian), n)
                .filter(|&(neg, _, _)| neg == negative)
                .map(|(_, _, gap)| (Interval::point(gap) / Interval::point(next_up(1.0 + eta))).lo);
            return Ok(Proof {
                kind,
                center: c.clone(),
                box_radius: r,
                radius,
                radius_from_start: (Interval::point(from_start) + Interval::point(radius)).hi,
                eigenvalue_gap,
            });
        }
        r *= 8.0;
    }
    Err(last)
}

/// `A·B` of n×n interval matrices, row-major.
fn mul(a: &[Interval], b: &[Interval], n: usize) -> Vec<Interval> {
    let mut out = vec![Interval::point(0.0); n * n];
    for i in 0..n {
        for j in 0..n {
            out[i * n + j] = (0..n).fold(Interval::point(0.0), |s, k| s + a[i * n + k] * b[k * n + j]);
        }
    }
    out
}

fn transpose(a: &[Interval], n: usize) -> Vec<Interval> {
    (0..n * n).map(|k| a[(k % n) * n + k / n]).collect()
}

fn sub_identity(a: &[Interval], n: usize) -> Vec<Interval> {
    a.iter()
        .enumerate()
        .map(|(k, &v)| {
            if k / n == k % n {
                v - Interval::point(1.0)
            } else {
                v
            }
        })
        .collect()
}

/// `max_i Σ_j mag(a_ij)`, rounded up.
fn row_norm(a: &[Interval], n: usize) -> f64 {
    (0..n)
        .map(|i| {
            (0..n)
                .fold(Interval::point(0.0), |s, j| {
                    s + Interval::point(a[i * n + j].mag())
                })
                .hi
        })
        .fold(0.0, f64::max)
}

/// Gershgorin over an interval matrix: if every disc (centre `a_ii`, radius
/// `Σ_{j≠i} mag(a_ij)`) lies strictly on one side of 0, the numbers of discs left and right
/// of 0 and the smallest distance of a disc from 0 (rounded down); `None` if a disc reaches 0.
/// The discs left of 0 and those right of it form separate unions, so every matrix in the
/// interval matrix has exactly that many negative and positive eigenvalues.
fn gershgorin(a: &[Interval], n: usize) -> Option<(usize, usize, f64)> {
    let (mut neg, mut pos, mut gap) = (0, 0, f64::INFINITY);
    for i in 0..n {
        let rad = (0..n)
            .filter(|&j| j != i)
            .fold(Interval::point(0.0), |s, j| {
                s + Interval::point(a[i * n + j].mag())
            })
            .hi;
        let rad = Interval::point(rad);
        let left = (a[i * n + i] - rad).lo;
        let right = (a[i * n + i] + rad).hi;
        if left > 0.0 {
            pos += 1;
            gap = gap.min(left);
        } else if right < 0.0 {
            neg += 1;
            gap = gap.min(-right);
        } else {
            return None;
        }
    }
    Some((neg, pos, gap))
}
