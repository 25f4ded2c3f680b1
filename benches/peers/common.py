"""What the Python peer scripts share: the timing protocol of WORKLOADS.md §0 (warm-up,
autorange, median), the HVP direction of the workloads, W3's data and initial parameters."""
import json, os, sys, time

import numpy as np

QUICK = "--quick" in sys.argv
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")


def per_call(f):
    f()  # first call (compile for jit)
    for _ in range(2 if QUICK else 5):
        f()
    min_rep = 0.010 if QUICK else 0.040
    calls, step = 1, 0
    while True:
        t = time.perf_counter()
        for _ in range(calls):
            f()
        dt = time.perf_counter() - t
        if dt >= min_rep:
            break
        step += 1
        calls = [1, 2, 5][step % 3] * 10 ** (step // 3)
    per = dt / calls
    reps = 5 if QUICK else 21
    if per > 0.5:
        reps = min(reps, 3)
    elif per > 0.05:
        reps = min(reps, 7)
    s = []
    for _ in range(reps):
        t = time.perf_counter()
        for _ in range(calls):
            f()
        s.append((time.perf_counter() - t) / calls)
    return float(np.median(s)) * 1e6


def direction(p):
    return np.array([1.0 + (k % 10) / 10.0 for k in range(p)])


def w3_init(name):
    j = json.load(open(os.path.join(DATA, name)))
    return np.concatenate([np.concatenate([np.ravel(l["W"]), np.ravel(l["b"])]) for l in j["layers"]])
