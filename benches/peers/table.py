"""Merges workload JSON files into the Markdown tables of BENCHMARKS.md. Not run by CI.

    python benches/peers/table.py hesse1.json hesse2.json hesse3.json peers.json peers_rs.json

Every file is {workload: {route: {figure: microseconds}}} (`benches/examples/workloads.rs --json`,
`peers.py`, the Rust peers); a figure given by several files (repeated hesse runs) is their
median. Prints one table per workload, figures as rows and routes as columns, then for each
figure the fastest route and hesse_recorded's ratio to the fastest peer.
"""
import json
import statistics
import sys

ROUTES = ["hand", "hesse_recorded", "hesse", "echidna", "echidna_bytecode", "num_dual",
          "numpy", "jax_jit", "torch", "torch_func", "sklearn"]
OURS = {"hand", "hesse", "hesse_recorded"}


def fmt(us):
    if us is None:
        return "—"
    if us >= 100:
        return f"{us:,.0f}"
    if us >= 1:
        return f"{us:.2f}"
    if us >= 0.1:
        return f"{us:.3f}"
    return f"{us:.4f}"


def main(paths):
    samples = {}
    for p in paths:
        with open(p) as f:
            data = json.load(f)
        for w, routes in data.items():
            for route, figs in routes.items():
                for fig, us in figs.items():
                    if isinstance(us, (int, float)):
                        samples.setdefault(w, {}).setdefault(fig, {}).setdefault(route, []).append(us)
    for w in sorted(samples):
        figs = samples[w]
        routes = [r for r in ROUTES if any(r in figs[f] for f in figs)]
        routes += sorted({r for f in figs for r in figs[f]} - set(routes))
        print(f"### {w}\n")
        print("| figure | " + " | ".join(routes) + " | fastest peer | recorded / fastest peer |")
        print("|---|" + "---:|" * (len(routes) + 2))
        for fig in figs:
            if fig == "final_loss":
                continue
            med = {r: statistics.median(v) for r, v in figs[fig].items()}
            peers = {r: v for r, v in med.items() if r not in OURS}
            best = min(peers, key=peers.get) if peers else None
            rec = med.get("hesse_recorded")
            ratio = f"{rec / peers[best]:.2f}×" if best and rec else "—"
            cells = [fmt(med.get(r)) for r in routes]
            print(f"| {fig} | " + " | ".join(cells) + f" | {best or '—'} | {ratio} |")
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
