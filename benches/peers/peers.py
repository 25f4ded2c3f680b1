"""Python peers of hesse on the workloads of docs/WORKLOADS.md: NumPy by hand, JAX (jit, CPU, x64), PyTorch
(eager autograd and torch.func, CPU, float64), scikit-learn for W4. Not run by CI.

    python benches/peers/peers.py [--quick] [--only W1] > peers.json

Prints {workload: {route: {figure: microseconds}}} with the figure names of
benches/examples/workloads.rs; timing protocol of WORKLOADS.md §0 (warm-up, autorange, median).
"""
import json, os, sys, time

import numpy as np

from common import DATA, QUICK, direction, per_call, w3_init

ONLY = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
OUT = {}


def put(w, route, fig, us):
    OUT.setdefault(w, {}).setdefault(route, {})[fig] = us
    print(f"{w} {route:14} {fig:22} {us:14.3f} µs", file=sys.stderr)


def per_run(runs, f):
    s = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        s.append(time.perf_counter() - t)
    return float(np.median(s)) * 1e6


# ---------------------------------------------------------------- data
X1 = np.array([[2.8, 0.4], [3.1, 4.3], [0.1, -3.4], [-4.2, -3.3], [-0.5, 0.2],
               [-2.7, -0.4], [-3.0, -4.3], [-0.1, 3.4], [4.2, 3.2], [0.4, -0.1]])
Y1 = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0], dtype=float)
TH1 = np.array([1.06, -0.037, -0.056, 1.095, -0.051, -0.0689, 3.769, -3.72, -0.0148])
raw = np.loadtxt(os.path.join(DATA, "w3_data.csv"), delimiter=",", skiprows=1)
X3, Y3 = raw[:, :2].copy(), raw[:, 2].copy()


TH3 = w3_init("w3_init_2_50_50_1.json")
TH3S = w3_init("w3_init_2_10_10_1.json")


def run(name):
    return ONLY is None or ONLY.upper() == name


# ---------------------------------------------------------------- NumPy by hand
def np_w1_loss_grad(t):
    z0 = X1 @ t[0:2] + t[4]
    z1 = X1 @ t[2:4] + t[5]
    h0, h1 = 1 / (1 + np.exp(-z0)), 1 / (1 + np.exp(-z1))
    p = 1 / (1 + np.exp(-(t[6] * h0 + t[7] * h1 + t[8])))
    L = -np.mean(Y1 * np.log(p) + (1 - Y1) * np.log(1 - p))
    dz = (p - Y1) / 10
    d0 = dz * t[6] * h0 * (1 - h0)
    d1 = dz * t[7] * h1 * (1 - h1)
    g = np.array([d0 @ X1[:, 0], d0 @ X1[:, 1], d1 @ X1[:, 0], d1 @ X1[:, 1], d0.sum(), d1.sum(),
                  dz @ h0, dz @ h1, dz.sum()])
    return L, g


def np_ext_value_grad(x):
    a, b = x[0::2], x[1::2]
    r = b - a * a
    g = np.empty_like(x)
    g[0::2] = -400 * r * a - 2 * (1 - a)
    g[1::2] = 200 * r
    return np.sum(100 * r * r + (1 - a) ** 2), g


def np_ext_hvp(x, v):
    a, b = x[0::2], x[1::2]
    out = np.empty_like(x)
    haa = 1200 * a * a - 400 * b + 2
    hab = -400 * a
    out[0::2] = haa * v[0::2] + hab * v[1::2]
    out[1::2] = hab * v[0::2] + 200 * v[1::2]
    return out


def np_mlp_value_grad(w, X, Y, h):
    n = len(Y)
    W1, b1 = w[:2 * h].reshape(2, h), w[2 * h:3 * h]
    o = 3 * h
    W2, b2 = w[o:o + h * h].reshape(h, h), w[o + h * h:o + h * h + h]
    o += h * h + h
    W3, b3 = w[o:o + h].reshape(h, 1), w[o + h]
    H1 = np.tanh(X @ W1 + b1)
    H2 = np.tanh(H1 @ W2 + b2)
    p = 1 / (1 + np.exp(-(H2 @ W3)[:, 0] - b3))
    L = -np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p))
    dz3 = ((p - Y) / n)[:, None]
    dZ2 = (dz3 @ W3.T) * (1 - H2 ** 2)
    dZ1 = (dZ2 @ W2.T) * (1 - H1 ** 2)
    g = np.concatenate([(X.T @ dZ1).ravel(), dZ1.sum(0), (H1.T @ dZ2).ravel(), dZ2.sum(0),
                        (H2.T @ dz3).ravel(), [dz3.sum()]])
    return L, g


def peaks_grad_np(x, y):
    e1 = np.exp(-x * x - (y + 1) ** 2)
    e2 = np.exp(-x * x - y * y)
    e3 = np.exp(-(x + 1) ** 2 - y * y)
    s = 1 - x
    q = x / 5 - x ** 3 - y ** 5
    gx = (-6 * s * e1 - 6 * s * s * x * e1) - (10 * (0.2 - 3 * x * x) * e2 - 20 * q * x * e2) + 2 * (x + 1) * e3 / 3
    gy = (-6 * s * s * (y + 1) * e1) - (-50 * y ** 4 * e2 - 20 * q * y * e2) + 2 * y * e3 / 3
    return gx, gy


XS = np.linspace(-2.5, 2.5, 25)
GX, GY = np.meshgrid(XS, XS, indexing="ij")

if run("W1"):
    L, g = np_w1_loss_grad(TH1)
    assert abs(L - 0.5777380445031233) < 1e-12, L
    put("W1", "numpy", "loss_grad", per_call(lambda: np_w1_loss_grad(TH1)))
if run("W2"):
    for n, fg, fh in [(100, "ext100_value_grad", "ext100_hvp"), (10000, "ext10000_value_grad", "ext10000_hvp")]:
        x0 = np.tile([-1.2, 1.0], n // 2)
        v = direction(n)
        assert abs(np_ext_hvp(x0, v).sum() - 1777.0 * n) < 1e-6 * n
        put("W2", "numpy", fg, per_call(lambda: np_ext_value_grad(x0)))
        put("W2", "numpy", fh, per_call(lambda: np_ext_hvp(x0, v)))
if run("W3"):
    L, g = np_mlp_value_grad(TH3, X3, Y3, 50)
    assert abs(L - 0.6992901115380107) < 1e-12 and abs(np.linalg.norm(g) - 0.11791780536712004) < 1e-12
    put("W3", "numpy", "mlp_value_grad", per_call(lambda: np_mlp_value_grad(TH3, X3, Y3, 50)))
if run("W5"):
    def np_single():
        x, y = 0.0, 1.4
        for _ in range(1000):
            gx, gy = peaks_grad_np(x, y)
            x, y = x - 0.01 * gx, y - 0.01 * gy
        return x, y
    xe, ye = np_single()
    assert abs(xe - 0.2964455538468319) < 1e-12, xe

    def np_grid():
        x, y = GX.copy(), GY.copy()
        for _ in range(100):
            gx, gy = peaks_grad_np(x, y)
            x, y = x - 0.01 * gx, y - 0.01 * gy
        return x, y
    put("W5", "numpy", "gd_single", per_run(1 if QUICK else 7, np_single))
    put("W5", "numpy", "gd_grid", per_run(1 if QUICK else 3, np_grid))

# ---------------------------------------------------------------- JAX
try:
    import jax
    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platform_name", "cpu")
    import jax.numpy as jnp
    from jax_mlp import j_mlp
    HAVE_JAX = True
except Exception as e:  # pragma: no cover
    print("no jax:", e, file=sys.stderr)
    HAVE_JAX = False

if HAVE_JAX:
    def j_w1(t):
        z0 = X1 @ t[0:2] + t[4]
        z1 = X1 @ t[2:4] + t[5]
        h0, h1 = 1 / (1 + jnp.exp(-z0)), 1 / (1 + jnp.exp(-z1))
        p = 1 / (1 + jnp.exp(-(t[6] * h0 + t[7] * h1 + t[8])))
        return -jnp.mean(Y1 * jnp.log(p) + (1 - Y1) * jnp.log(1 - p))

    def j_rosen2(x):
        return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2

    def j_ext(x):
        a, b = x[0::2], x[1::2]
        return jnp.sum(100 * (b - a * a) ** 2 + (1 - a) ** 2)

    def j_peaks(p):
        x, y = p[0], p[1]
        return (3 * (1 - x) ** 2 * jnp.exp(-x ** 2 - (y + 1) ** 2)
                - 10 * (x / 5 - x ** 3 - y ** 5) * jnp.exp(-x ** 2 - y ** 2)
                - jnp.exp(-(x + 1) ** 2 - y ** 2) / 3)

    def hvp_of(f):
        return jax.jit(lambda x, v: jax.jvp(jax.grad(f), (x,), (v,))[1])

    def bench(w, fig, fn, *args):
        put(w, "jax_jit", fig, per_call(lambda: jax.block_until_ready(fn(*args))))

    if run("W1"):
        t = jnp.array(TH1)
        v = jnp.array(direction(9))
        bench("W1", "loss", jax.jit(j_w1), t)
        vg = jax.jit(jax.value_and_grad(j_w1))
        assert abs(float(vg(t)[0]) - 0.5777380445031233) < 1e-12
        bench("W1", "loss_grad", vg, t)
        bench("W1", "hessian", jax.jit(jax.hessian(j_w1)), t)
        bench("W1", "hvp", hvp_of(j_w1), t, v)
    if run("W2"):
        x2 = jnp.array([-1.2, 1.0])
        bench("W2", "rosen2_grad", jax.jit(jax.grad(j_rosen2)), x2)
        bench("W2", "rosen2_hessian", jax.jit(jax.hessian(j_rosen2)), x2)
        for n, fg, fh in [(100, "ext100_value_grad", "ext100_hvp"), (10000, "ext10000_value_grad", "ext10000_hvp")]:
            x0 = jnp.array(np.tile([-1.2, 1.0], n // 2))
            v = jnp.array(direction(n))
            bench("W2", fg, jax.jit(jax.value_and_grad(j_ext)), x0)
            bench("W2", fh, hvp_of(j_ext), x0, v)
    if run("W3"):
        f = j_mlp(50, jnp.array(X3), jnp.array(Y3))
        w = jnp.array(TH3)
        v = jnp.array(direction(len(TH3)))
        vg = jax.jit(jax.value_and_grad(f))
        assert abs(float(vg(w)[0]) - 0.6992901115380107) < 1e-12
        bench("W3", "mlp_value_grad", vg, w)
        hv = hvp_of(f)
        assert abs(float(jnp.sum(hv(w, v))) + 5.53197256924026) < 1e-9
        bench("W3", "mlp_hvp", hv, w, v)
        fs = j_mlp(10, jnp.array(X3[:300]), jnp.array(Y3[:300]))
        hs = jax.jit(jax.hessian(fs))
        assert abs(float(jnp.trace(hs(jnp.array(TH3S)))) - 1.0165394754579813) < 1e-10
        bench("W3", "small_hessian", hs, jnp.array(TH3S))
    if run("W5"):
        g = jax.grad(j_peaks)

        @jax.jit
        def j_single(p):
            return jax.lax.fori_loop(0, 1000, lambda i, p: p - 0.01 * g(p), p)

        @jax.jit
        def j_grid(P):
            step = jax.vmap(g)
            return jax.lax.fori_loop(0, 100, lambda i, P: P - 0.01 * step(P), P)
        p0 = jnp.array([0.0, 1.4])
        P0 = jnp.array(np.stack([GX.ravel(), GY.ravel()], 1))
        e = j_single(p0).block_until_ready()
        assert abs(float(e[0]) - 0.2964455538468319) < 1e-12
        j_grid(P0).block_until_ready()
        put("W5", "jax_jit", "gd_single", per_run(1 if QUICK else 7, lambda: j_single(p0).block_until_ready()))
        put("W5", "jax_jit", "gd_grid", per_run(1 if QUICK else 3, lambda: j_grid(P0).block_until_ready()))

# ---------------------------------------------------------------- PyTorch
try:
    import torch
    torch.set_default_dtype(torch.float64)
    from torch.func import grad as tgrad, hessian as thessian, jvp as tjvp
    HAVE_TORCH = True
except Exception as e:  # pragma: no cover
    print("no torch:", e, file=sys.stderr)
    HAVE_TORCH = False

if HAVE_TORCH:
    TX1, TY1 = torch.tensor(X1), torch.tensor(Y1)

    def t_w1(t):
        z0 = TX1 @ t[0:2] + t[4]
        z1 = TX1 @ t[2:4] + t[5]
        h0, h1 = 1 / (1 + torch.exp(-z0)), 1 / (1 + torch.exp(-z1))
        p = 1 / (1 + torch.exp(-(t[6] * h0 + t[7] * h1 + t[8])))
        return -torch.mean(TY1 * torch.log(p) + (1 - TY1) * torch.log(1 - p))

    def t_rosen2(x):
        return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2

    def t_ext(x):
        a, b = x[0::2], x[1::2]
        return torch.sum(100 * (b - a * a) ** 2 + (1 - a) ** 2)

    def t_mlp(h, X, Y):
        def f(w):
            W1, b1 = w[:2 * h].reshape(2, h), w[2 * h:3 * h]
            o = 3 * h
            W2, b2 = w[o:o + h * h].reshape(h, h), w[o + h * h:o + h * h + h]
            o += h * h + h
            W3, b3 = w[o:o + h].reshape(h, 1), w[o + h]
            H1 = torch.tanh(X @ W1 + b1)
            H2 = torch.tanh(H1 @ W2 + b2)
            p = 1 / (1 + torch.exp(-(H2 @ W3)[:, 0] - b3))
            return -torch.mean(Y * torch.log(p) + (1 - Y) * torch.log(1 - p))
        return f

    def t_peaks(x, y):
        return (3 * (1 - x) ** 2 * torch.exp(-x ** 2 - (y + 1) ** 2)
                - 10 * (x / 5 - x ** 3 - y ** 5) * torch.exp(-x ** 2 - y ** 2)
                - torch.exp(-(x + 1) ** 2 - y ** 2) / 3)

    def eager_vg(f, x0):
        def call():
            x = x0.detach().requires_grad_(True)
            y = f(x)
            (g,) = torch.autograd.grad(y, x)
            return y.item(), g
        return call

    def eager_hvp(f, x0, v):
        def call():
            x = x0.detach().requires_grad_(True)
            (g,) = torch.autograd.grad(f(x), x, create_graph=True)
            (hv,) = torch.autograd.grad(g @ v, x)
            return hv
        return call

    def func_hvp(f):
        return lambda x, v: tjvp(tgrad(f), (x,), (v,))[1]

    if run("W1"):
        t = torch.tensor(TH1)
        v = torch.tensor(direction(9))
        assert abs(eager_vg(t_w1, t)()[0] - 0.5777380445031233) < 1e-12
        put("W1", "torch", "loss", per_call(lambda: t_w1(t).item()))
        put("W1", "torch", "loss_grad", per_call(eager_vg(t_w1, t)))
        put("W1", "torch", "hvp", per_call(eager_hvp(t_w1, t, v)))
        put("W1", "torch_func", "loss_grad", per_call(lambda: tgrad(t_w1)(t)))
        put("W1", "torch_func", "hessian", per_call(lambda: thessian(t_w1)(t)))
        put("W1", "torch_func", "hvp", per_call(lambda: func_hvp(t_w1)(t, v)))
    if run("W2"):
        x2 = torch.tensor([-1.2, 1.0])
        put("W2", "torch", "rosen2_grad", per_call(eager_vg(t_rosen2, x2)))
        put("W2", "torch_func", "rosen2_grad", per_call(lambda: tgrad(t_rosen2)(x2)))
        put("W2", "torch_func", "rosen2_hessian", per_call(lambda: thessian(t_rosen2)(x2)))
        for n, fg, fh in [(100, "ext100_value_grad", "ext100_hvp"), (10000, "ext10000_value_grad", "ext10000_hvp")]:
            x0 = torch.tensor(np.tile([-1.2, 1.0], n // 2))
            v = torch.tensor(direction(n))
            put("W2", "torch", fg, per_call(eager_vg(t_ext, x0)))
            put("W2", "torch", fh, per_call(eager_hvp(t_ext, x0, v)))
            put("W2", "torch_func", fh, per_call(lambda: func_hvp(t_ext)(x0, v)))
    if run("W3"):
        f = t_mlp(50, torch.tensor(X3), torch.tensor(Y3))
        w = torch.tensor(TH3)
        v = torch.tensor(direction(len(TH3)))
        assert abs(eager_vg(f, w)()[0] - 0.6992901115380107) < 1e-12
        put("W3", "torch", "mlp_value_grad", per_call(eager_vg(f, w)))
        put("W3", "torch", "mlp_hvp", per_call(eager_hvp(f, w, v)))
        put("W3", "torch_func", "mlp_hvp", per_call(lambda: func_hvp(f)(w, v)))
        fs = t_mlp(10, torch.tensor(X3[:300]), torch.tensor(Y3[:300]))
        ws = torch.tensor(TH3S)
        assert abs(float(torch.trace(thessian(fs)(ws))) - 1.0165394754579813) < 1e-10
        put("W3", "torch_func", "small_hessian", per_call(lambda: thessian(fs)(ws)))
    if run("W5"):
        def t_single():
            p = torch.tensor([0.0, 1.4])
            for _ in range(1000):
                q = p.detach().requires_grad_(True)
                (g,) = torch.autograd.grad(t_peaks(q[0], q[1]), q)
                p = p - 0.01 * g
            return p

        def t_grid():
            P = torch.tensor(np.stack([GX.ravel(), GY.ravel()], 1))
            for _ in range(100):
                q = P.detach().requires_grad_(True)
                (g,) = torch.autograd.grad(t_peaks(q[:, 0], q[:, 1]).sum(), q)
                P = P - 0.01 * g
            return P
        assert abs(float(t_single()[0]) - 0.2964455538468319) < 1e-12
        put("W5", "torch", "gd_single", per_run(1 if QUICK else 7, t_single))
        put("W5", "torch", "gd_grid", per_run(1 if QUICK else 3, t_grid))

# ---------------------------------------------------------------- scikit-learn (W4)
if run("W4"):
    try:
        from sklearn.neural_network import MLPClassifier

        def fit():
            return MLPClassifier(hidden_layer_sizes=(10, 10), activation="tanh", solver="lbfgs", alpha=1e-4,
                                 max_iter=2000, random_state=0).fit(X3, Y3.astype(int))
        m = fit()
        put("W4", "sklearn", "fit", per_run(1 if QUICK else 3, fit))
        OUT["W4"]["sklearn"]["final_loss"] = float(m.loss_)
        print(f"W4 sklearn n_iter_={m.n_iter_} loss_={m.loss_}", file=sys.stderr)
    except Exception as e:  # pragma: no cover
        print("no sklearn:", e, file=sys.stderr)

print(json.dumps(OUT, indent=1))
