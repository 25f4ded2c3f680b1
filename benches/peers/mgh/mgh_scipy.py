"""scipy's L-BFGS-B on the 28 Moré–Garbow–Hillstrom problems of crates/hesse-optim/tests/mgh.rs.

Each problem is the same least-squares function f = Σ rᵢ(x)² as the Rust test, written here as
residuals r(x) and their Jacobian J(x) by hand, so ∇f = 2 Jᵀ r is analytic. Before any run the
script checks every gradient at x₀ (and at a perturbed x₀) against central differences and
exits non-zero on a mismatch; the Rust test checks that the f(x₀) printed here is its own.

Stopping rules are those of the hesse MGH test (gtol 1e-11 on ‖g‖∞, f-change test off,
5000 iterations, 15000 evaluations) unless ``--preset scipy-default`` asks for scipy's own
defaults (gtol 1e-5, ftol 2.22e-9). Output: CSV on stdout, one row per problem:

    problem,n,nit,nfev,f0,f,reached,status

Run (a virtualenv outside the repository; not run by CI):

    python3 -m venv ../venv-mgh && ../venv-mgh/bin/pip install numpy scipy
    ../venv-mgh/bin/python benches/peers/mgh/mgh_scipy.py > mgh_scipy.csv
"""

import argparse
import sys

import numpy as np
import scipy
from scipy.optimize import minimize

PRECISE = 1e-8
PAPER_DIGITS = 5e-6

# Stopping rules: (gtol on ‖g‖∞, ftol relative f change, maxiter, maxfun).
PRESETS = {
    # The hesse MGH test: Options::default().with_gtol(1e-11).with_ftol(0.0)
    # .with_max_iterations(5000), max_evaluations 15000 (hesse's default, scipy's maxfun).
    "mgh": (1e-11, 0.0, 5000, 15000),
    # scipy's L-BFGS-B defaults, which are also hesse's Options::default().
    "scipy-default": (1e-5, 2.220446049250313e-9, 15000, 15000),
}


# --- residuals and Jacobians -------------------------------------------------------------


def rosenbrock(x):
    r = np.array([10 * (x[1] - x[0] ** 2), 1 - x[0]])
    J = np.array([[-20 * x[0], 10.0], [-1.0, 0.0]])
    return r, J


def freudenstein_roth(x):
    a, b = x
    r = np.array(
        [-13 + a + ((5 - b) * b - 2) * b, -29 + a + ((b + 1) * b - 14) * b]
    )
    J = np.array([[1.0, 10 * b - 3 * b * b - 2], [1.0, 3 * b * b + 2 * b - 14]])
    return r, J


def powell_badly_scaled(x):
    a, b = x
    r = np.array([1e4 * a * b - 1, np.exp(-a) + np.exp(-b) - 1.0001])
    J = np.array([[1e4 * b, 1e4 * a], [-np.exp(-a), -np.exp(-b)]])
    return r, J


def brown_badly_scaled(x):
    a, b = x
    r = np.array([a - 1e6, b - 2e-6, a * b - 2])
    J = np.array([[1.0, 0.0], [0.0, 1.0], [b, a]])
    return r, J


def beale(x):
    y = [1.5, 2.25, 2.625]
    i = np.arange(1, 4)
    r = y - x[0] * (1 - x[1] ** i)
    J = np.column_stack([-(1 - x[1] ** i), x[0] * i * x[1] ** (i - 1)])
    return r, J


def jennrich_sampson(x):
    i = np.arange(1, 11, dtype=float)
    e0, e1 = np.exp(i * x[0]), np.exp(i * x[1])
    return 2 + 2 * i - (e0 + e1), np.column_stack([-i * e0, -i * e1])


def bard(x):
    y = np.array(
        [0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39]
    )
    u = np.arange(1, 16, dtype=float)
    v = 16 - u
    w = np.minimum(u, v)
    d = v * x[1] + w * x[2]
    r = y - (x[0] + u / d)
    J = np.column_stack([-np.ones(15), u * v / d**2, u * w / d**2])
    return r, J


def gaussian(x):
    y = np.array(
        [0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521, 0.3989, 0.3521, 0.2420, 0.1295,
         0.0540, 0.0175, 0.0044, 0.0009]
    )
    t = (8 - np.arange(1, 16, dtype=float)) / 2
    e = np.exp(-0.5 * x[1] * (t - x[2]) ** 2)
    r = x[0] * e - y
    J = np.column_stack([e, -0.5 * x[0] * e * (t - x[2]) ** 2, x[0] * e * x[1] * (t - x[2])])
    return r, J


def meyer(x):
    y = np.array(
        [34780.0, 28610.0, 23650.0, 19630.0, 16370.0, 13720.0, 11540.0, 9744.0, 8261.0, 7030.0,
         6005.0, 5147.0, 4427.0, 3820.0, 3307.0, 2872.0]
    )
    t = 45 + 5 * np.arange(1, 17, dtype=float)
    d = t + x[2]
    e = np.exp(x[1] / d)
    r = x[0] * e - y
    J = np.column_stack([e, x[0] * e / d, -x[0] * e * x[1] / d**2])
    return r, J


def box_3d(x):
    t = 0.1 * np.arange(1, 11, dtype=float)
    c = np.exp(-t) - np.exp(-10 * t)
    e0, e1 = np.exp(-t * x[0]), np.exp(-t * x[1])
    return e0 - e1 - x[2] * c, np.column_stack([-t * e0, t * e1, -c])


def powell_singular(x):
    """(13), and (22) its blockwise extension for n a multiple of 4."""
    n = len(x)
    r = np.zeros(n)
    J = np.zeros((n, n))
    s5, s10 = np.sqrt(5.0), np.sqrt(10.0)
    for k in range(0, n, 4):
        b0, b1, b2, b3 = x[k : k + 4]
        p, q = b1 - 2 * b2, b0 - b3
        r[k : k + 4] = [b0 + 10 * b1, s5 * (b2 - b3), p * p, s10 * q * q]
        J[k, k : k + 2] = [1, 10]
        J[k + 1, k + 2 : k + 4] = [s5, -s5]
        J[k + 2, k + 1 : k + 3] = [2 * p, -4 * p]
        J[k + 3, [k, k + 3]] = [2 * s10 * q, -2 * s10 * q]
    return r, J


def wood(x):
    s90, s10 = np.sqrt(90.0), np.sqrt(10.0)
    r = np.array(
        [
            10 * (x[1] - x[0] ** 2),
            1 - x[0],
            s90 * (x[3] - x[2] ** 2),
            1 - x[2],
            s10 * (x[1] + x[3] - 2),
            (x[1] - x[3]) / s10,
        ]
    )
    J = np.array(
        [
            [-20 * x[0], 10, 0, 0],
            [-1, 0, 0, 0],
            [0, 0, -2 * s90 * x[2], s90],
            [0, 0, -1, 0],
            [0, s10, 0, s10],
            [0, 1 / s10, 0, -1 / s10],
        ],
        dtype=float,
    )
    return r, J


def kowalik_osborne(x):
    y = np.array([0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323, 0.0235,
                  0.0246])
    u = np.array([4.0, 2.0, 1.0, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625])
    num = u * u + u * x[1]
    den = u * u + u * x[2] + x[3]
    r = y - x[0] * num / den
    J = np.column_stack([-num / den, -x[0] * u / den, x[0] * num * u / den**2, x[0] * num / den**2])
    return r, J


def brown_dennis(x):
    t = np.arange(1, 21, dtype=float) / 5
    a = x[0] + t * x[1] - np.exp(t)
    b = x[2] + np.sin(t) * x[3] - np.cos(t)
    return a * a + b * b, np.column_stack([2 * a, 2 * a * t, 2 * b, 2 * b * np.sin(t)])


def osborne1(x):
    y = np.array(
        [0.844, 0.908, 0.932, 0.936, 0.925, 0.908, 0.881, 0.850, 0.818, 0.784, 0.751, 0.718, 0.685,
         0.658, 0.628, 0.603, 0.580, 0.558, 0.538, 0.522, 0.506, 0.490, 0.478, 0.467, 0.457, 0.448,
         0.438, 0.431, 0.424, 0.420, 0.414, 0.411, 0.406]
    )
    t = 10 * np.arange(33, dtype=float)
    e3, e4 = np.exp(-t * x[3]), np.exp(-t * x[4])
    r = y - (x[0] + x[1] * e3 + x[2] * e4)
    J = np.column_stack([-np.ones(33), -e3, -e4, x[1] * t * e3, x[2] * t * e4])
    return r, J


def biggs_exp6(x):
    t = 0.1 * np.arange(1, 14, dtype=float)
    y = np.exp(-t) - 5 * np.exp(-10 * t) + 3 * np.exp(-4 * t)
    e0, e1, e4 = np.exp(-t * x[0]), np.exp(-t * x[1]), np.exp(-t * x[4])
    r = x[2] * e0 - x[3] * e1 + x[5] * e4 - y
    J = np.column_stack([-t * x[2] * e0, t * x[3] * e1, e0, -e1, -t * x[5] * e4, e4])
    return r, J


def osborne2(x):
    y = np.array(
        [1.366, 1.191, 1.112, 1.013, 0.991, 0.885, 0.831, 0.847, 0.786, 0.725, 0.746, 0.679, 0.608,
         0.655, 0.616, 0.606, 0.602, 0.626, 0.651, 0.724, 0.649, 0.649, 0.694, 0.644, 0.624, 0.661,
         0.612, 0.558, 0.533, 0.495, 0.500, 0.423, 0.395, 0.375, 0.372, 0.391, 0.396, 0.405, 0.428,
         0.429, 0.523, 0.562, 0.607, 0.653, 0.672, 0.708, 0.633, 0.668, 0.645, 0.632, 0.591, 0.559,
         0.597, 0.625, 0.739, 0.710, 0.729, 0.720, 0.636, 0.581, 0.428, 0.292, 0.162, 0.098, 0.054]
    )
    t = np.arange(65, dtype=float) / 10
    J = np.zeros((65, 11))
    e = np.exp(-t * x[4])
    model = x[0] * e
    J[:, 0] = -e
    J[:, 4] = x[0] * t * e
    for k in (1, 2, 3):
        c, w = x[7 + k], x[4 + k]
        ek = np.exp(-((t - c) ** 2) * w)
        model = model + x[k] * ek
        J[:, k] = -ek
        J[:, 4 + k] = x[k] * (t - c) ** 2 * ek
        J[:, 7 + k] = -x[k] * ek * 2 * w * (t - c)
    return y - model, J


def watson(x):
    n = len(x)
    r = np.zeros(31)
    J = np.zeros((31, n))
    j = np.arange(n, dtype=float)
    for i in range(1, 30):
        t = i / 29
        dpow = np.concatenate([[0.0], j[1:] * t ** (j[1:] - 1)])  # j t^(j-1), j >= 1
        pw = t**j
        s1, s2 = dpow @ x, pw @ x
        r[i - 1] = s1 - s2 * s2 - 1
        J[i - 1] = dpow - 2 * s2 * pw
    r[29] = x[0]
    J[29, 0] = 1
    r[30] = x[1] - x[0] ** 2 - 1
    J[30, :2] = [-2 * x[0], 1]
    return r, J


def extended_rosenbrock(x):
    n = len(x)
    r = np.zeros(n)
    J = np.zeros((n, n))
    for k in range(0, n, 2):
        r[k : k + 2] = [10 * (x[k + 1] - x[k] ** 2), 1 - x[k]]
        J[k, k : k + 2] = [-20 * x[k], 10]
        J[k + 1, k] = -1
    return r, J


def penalty1(x):
    n = len(x)
    a = np.sqrt(1e-5)
    r = np.append(a * (x - 1), x @ x - 0.25)
    J = np.vstack([a * np.eye(n), 2 * x])
    return r, J


def penalty2(x):
    n = len(x)
    a = np.sqrt(1e-5)
    e = np.exp(x / 10)
    r = [x[0] - 0.2]
    J = [np.eye(n)[0]]
    for i in range(2, n + 1):
        y = np.exp(i / 10) + np.exp((i - 1) / 10)
        r.append(a * (e[i - 1] + e[i - 2] - y))
        row = np.zeros(n)
        row[i - 1], row[i - 2] = a * e[i - 1] / 10, a * e[i - 2] / 10
        J.append(row)
    for i in range(n + 1, 2 * n):
        r.append(a * (e[i - n] - np.exp(-0.1)))
        row = np.zeros(n)
        row[i - n] = a * e[i - n] / 10
        J.append(row)
    wgt = n - np.arange(n, dtype=float)
    r.append(wgt @ (x * x) - 1)
    J.append(2 * wgt * x)
    return np.array(r), np.array(J)


def variably_dimensioned(x):
    n = len(x)
    j = np.arange(1, n + 1, dtype=float)
    s = j @ (x - 1)
    r = np.concatenate([x - 1, [s, s * s]])
    J = np.vstack([np.eye(n), j, 2 * s * j])
    return r, J


def brown_almost_linear(x):
    n = len(x)
    s = x.sum()
    r = np.append(x[: n - 1] + s - (n + 1), np.prod(x) - 1)
    J = np.vstack([np.eye(n)[: n - 1] + 1, [np.prod(np.delete(x, k)) for k in range(n)]])
    return r, J


def discrete_boundary(x):
    n = len(x)
    h = 1 / (n + 1)
    t = np.arange(1, n + 1) * h
    u = x + t + 1
    r = 2 * x + 0.5 * h * h * u**3
    r[1:] -= x[:-1]
    r[:-1] -= x[1:]
    J = np.diag(2 + 1.5 * h * h * u**2) - np.eye(n, k=-1) - np.eye(n, k=1)
    return r, J


def broyden_tridiagonal(x):
    n = len(x)
    r = (3 - 2 * x) * x + 1
    r[1:] -= x[:-1]
    r[:-1] -= 2 * x[1:]
    J = np.diag(3 - 4 * x) - np.eye(n, k=-1) - 2 * np.eye(n, k=1)
    return r, J


def linear_full_rank(x, m=10):
    n = len(x)
    s = 2 / m * x.sum()
    r = np.concatenate([x - s - 1, np.full(m - n, -s - 1)])
    J = np.vstack([np.eye(n), np.zeros((m - n, n))]) - 2 / m
    return r, J


def chebyquad(x):
    n = len(x)
    y = 2 * x - 1
    # Shifted Chebyshev Tᵢ(2x − 1) and dTᵢ/dy by the three-term recurrence.
    t_prev, t_cur = np.ones(n), y.copy()
    d_prev, d_cur = np.zeros(n), np.ones(n)
    r = np.zeros(n)
    J = np.zeros((n, n))
    for i in range(1, n + 1):
        r[i - 1] = t_cur.mean() + (1 / (i * i - 1) if i % 2 == 0 else 0)
        J[i - 1] = 2 * d_cur / n
        t_next = 2 * y * t_cur - t_prev
        d_next = 2 * t_cur + 2 * y * d_cur - d_prev
        t_prev, t_cur, d_prev, d_cur = t_cur, t_next, d_cur, d_next
    return r, J


# --- the problem list, in the order of mgh.rs ----------------------------------------------


def rep(v, n):
    return [v[i % len(v)] for i in range(n)]


# (name, x0, residuals, published minima as (f*, relative tolerance; 0: f* = 0, absolute 1e-10))
PROBLEMS = [
    ("rosenbrock", [-1.2, 1.0], rosenbrock, [(0.0, 0.0)]),
    ("freudenstein-roth", [0.5, -2.0], freudenstein_roth, [(0.0, 0.0), (48.98425367924001, PRECISE)]),
    ("powell-badly-scaled", [0.0, 1.0], powell_badly_scaled, [(0.0, 0.0)]),
    ("brown-badly-scaled", [1.0, 1.0], brown_badly_scaled, [(0.0, 0.0)]),
    ("beale", [1.0, 1.0], beale, [(0.0, 0.0)]),
    ("jennrich-sampson", [0.3, 0.4], jennrich_sampson, [(124.3621823556148, PRECISE)]),
    ("bard", [1.0] * 3, bard, [(8.21487730657897e-3, PRECISE)]),
    ("gaussian", [0.4, 1.0, 0.0], gaussian, [(1.12793e-8, PAPER_DIGITS)]),
    ("meyer", [0.02, 4000.0, 250.0], meyer, [(87.94585517039583, PRECISE)]),
    ("box-3d", [0.0, 10.0, 20.0], box_3d, [(0.0, 0.0)]),
    ("powell-singular", [3.0, -1.0, 0.0, 1.0], powell_singular, [(0.0, 0.0)]),
    ("wood", [-3.0, -1.0, -3.0, -1.0], wood, [(0.0, 0.0)]),
    ("kowalik-osborne", [0.25, 0.39, 0.415, 0.39], kowalik_osborne, [(3.0750560384924e-4, PRECISE)]),
    ("brown-dennis", [25.0, 5.0, -5.0, -1.0], brown_dennis, [(85822.20162635, PRECISE)]),
    ("osborne-1", [0.5, 1.5, -1.0, 0.01, 0.02], osborne1, [(5.464894697482687e-5, PRECISE)]),
    ("biggs-exp6", [1.0, 2.0, 1.0, 1.0, 1.0, 1.0], biggs_exp6, [(0.0, 0.0), (5.65565e-3, PAPER_DIGITS)]),
    ("osborne-2", [1.3, 0.65, 0.65, 0.7, 0.6, 3.0, 5.0, 7.0, 2.0, 4.5, 5.5], osborne2,
     [(4.01377362935477e-2, PRECISE)]),
    ("watson-6", [0.0] * 6, watson, [(2.28767005355236e-3, PRECISE)]),
    ("ext-rosenbrock-10", rep([-1.2, 1.0], 10), extended_rosenbrock, [(0.0, 0.0)]),
    ("ext-powell-8", rep([3.0, -1.0, 0.0, 1.0], 8), powell_singular, [(0.0, 0.0)]),
    ("penalty-1-4", [1.0, 2.0, 3.0, 4.0], penalty1, [(2.24997e-5, PAPER_DIGITS)]),
    ("penalty-2-4", [0.5] * 4, penalty2, [(9.37629e-6, PAPER_DIGITS)]),
    ("var-dim-10", [1 - j / 10 for j in range(1, 11)], variably_dimensioned, [(0.0, 0.0)]),
    ("brown-almost-linear-10", [0.5] * 10, brown_almost_linear, [(0.0, 0.0), (1.0, PRECISE)]),
    ("discrete-boundary-10", [(i / 11) * (i / 11 - 1) for i in range(1, 11)], discrete_boundary,
     [(0.0, 0.0)]),
    ("broyden-tridiagonal-10", [-1.0] * 10, broyden_tridiagonal, [(0.0, 0.0)]),
    ("linear-full-rank-5-10", [1.0] * 5, linear_full_rank, [(5.0, PRECISE)]),
    ("chebyquad-8", [j / 9 for j in range(1, 9)], chebyquad, [(3.516873725677e-3, PRECISE)]),
]


def fun_and_grad(residuals):
    """f = Σ rᵢ², ∇f = 2 Jᵀ r: the (f, g) pair of scipy's ``jac=True``."""

    def fg(x):
        r, J = residuals(np.asarray(x, dtype=float))
        return float(r @ r), 2.0 * (J.T @ r)

    return fg


def reached(minima, f):
    """The published minimum f reached, or None (the rule of mgh.rs)."""
    for fs, tol in minima:
        if (abs(f) <= 1e-10) if tol == 0.0 else (abs(f - fs) <= tol * abs(fs)):
            return fs
    return None


def check_gradient(name, fg, x):
    """∇f against central differences (step h = 1e-6·max(|xᵢ|, 1)); raises on a mismatch.

    The tolerance is 1e-5 relative plus the rounding error of the difference quotient,
    ~ε|f|/h, which dominates on Brown's badly scaled problem (f ≈ 1e12)."""
    x = np.asarray(x, dtype=float)
    f, g = fg(x)
    for i in range(len(x)):
        h = 1e-6 * max(abs(x[i]), 1.0)
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        fd = (fg(xp)[0] - fg(xm)[0]) / (2 * h)
        if abs(fd - g[i]) > 1e-5 * max(abs(g[i]), 1.0) + 10 * np.finfo(float).eps * abs(f) / h:
            raise AssertionError(f"{name}: d/dx{i} analytic {g[i]!r} vs central difference {fd!r}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", choices=sorted(PRESETS), default="mgh")
    args = ap.parse_args()
    gtol, ftol, maxiter, maxfun = PRESETS[args.preset]

    rng = np.random.default_rng(0)
    for name, x0, res, _ in PROBLEMS:
        fg = fun_and_grad(res)
        x0 = np.asarray(x0, dtype=float)
        check_gradient(name, fg, x0)
        # Also off x₀, where symmetric starts (all equal coordinates) could hide an index slip.
        check_gradient(name, fg, x0 + 0.01 * rng.standard_normal(len(x0)) * np.maximum(abs(x0), 1))

    print(f"# scipy {scipy.__version__}, numpy {np.__version__}; L-BFGS-B maxcor=10 gtol={gtol} "
          f"ftol={ftol} maxiter={maxiter} maxfun={maxfun}", file=sys.stderr)
    print("problem,n,nit,nfev,f0,f,reached,status")
    for name, x0, res, minima in PROBLEMS:
        fg = fun_and_grad(res)
        f0 = fg(np.asarray(x0, dtype=float))[0]
        out = minimize(
            fg,
            np.asarray(x0, dtype=float),
            jac=True,
            method="L-BFGS-B",
            options=dict(maxcor=10, gtol=gtol, ftol=ftol, maxiter=maxiter, maxfun=maxfun),
        )
        hit = reached(minima, out.fun)
        status = str(out.message).replace(",", ";")
        print(f"{name},{len(x0)},{out.nit},{out.nfev},{f0!r},{out.fun!r},"
              f"{'yes' if hit is not None else 'no'},{status}")


if __name__ == "__main__":
    main()
