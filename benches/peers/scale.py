"""JAX (jit, CPU, x64) beside hesse's scale benchmark (benches/examples/scale.rs): the extended
Rosenbrock at n = 1e2, 1e4, 1e6, 1e7 and the W3 network (2-50-50-1) on N = 1e3, 1e4, 1e5 points
(the 1,000 points of W3 repeated). Not run by CI.

    taskset -c 1 python benches/peers/scale.py [--quick] > jax_scale.json

For one thread, run it as the figures in BENCHMARKS.md were: pinned with `taskset`, with
XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1".
Prints [{case, n, compile_ms, vg_us, hvp_us}]: `compile_ms` is the first call of the jitted
value-and-gradient function (trace + compile + run), the counterpart of hesse's recording;
the others follow the timing protocol of WORKLOADS.md §0 (peers.py's `per_call`).
"""
import json, os, sys, time

import numpy as np

from common import DATA, QUICK, direction, per_call, w3_init


raw = np.loadtxt(os.path.join(DATA, "w3_data.csv"), delimiter=",", skiprows=1)
X3, Y3 = raw[:, :2].copy(), raw[:, 2].copy()

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platform_name", "cpu")
import jax.numpy as jnp  # noqa: E402
from jax_mlp import j_mlp  # noqa: E402

ROSEN = [100, 10_000, 1_000_000, 10_000_000]
W3 = [1_000, 10_000, 100_000]


def j_ext(x):
    # The vector form: the pairs as the columns of an [n/2, 2] view.
    m = x.reshape(-1, 2)
    a, b = m[:, 0], m[:, 1]
    return jnp.sum(100 * (b - a * a) ** 2 + (1 - a) ** 2)


def measure(f, x, v):
    vg = jax.jit(jax.value_and_grad(f))
    t = time.perf_counter()
    jax.block_until_ready(vg(x))
    compile_ms = (time.perf_counter() - t) * 1e3
    hv = jax.jit(lambda x, v: jax.jvp(jax.grad(f), (x,), (v,))[1])
    return {
        "compile_ms": compile_ms,
        "vg_us": per_call(lambda: jax.block_until_ready(vg(x))),
        "hvp_us": per_call(lambda: jax.block_until_ready(hv(x, v))),
    }


out = []
for n in ROSEN[:2] if QUICK else ROSEN:
    x = jnp.array(np.tile([-1.2, 1.0], n // 2))
    v = jnp.array(direction(n))
    r = measure(j_ext, x, v)
    out.append({"case": "rosen", "n": n, **r})
    print(f"rosen {n}: {r}", file=sys.stderr)
for n in W3[:1] if QUICK else W3:
    reps = -(-n // len(Y3))
    X, Y = np.tile(X3, (reps, 1))[:n], np.tile(Y3, reps)[:n]
    th = w3_init("w3_init_2_50_50_1.json")
    r = measure(j_mlp(50, jnp.array(X), jnp.array(Y)), jnp.array(th), jnp.array(direction(len(th))))
    out.append({"case": "w3", "n": n, **r})
    print(f"w3 {n}: {r}", file=sys.stderr)
print(json.dumps(out, indent=1))
