"""Benchmark: the exhaustive explorer over the standard matrix.

For every configuration of :data:`podfsm.verifier.explorer.STANDARD_CONFIGURATIONS` (what ``podfsm check
--exhaustive`` explores), :func:`podfsm.verifier.explorer.explore` with every invariant, as the command
runs it: distinct states, transitions, seconds and distinct states per second. Then, over the
configurations that finished with at least ``MIN_STATES`` states, how run time grows with the
number of states: the least-squares slope of log(seconds) against log(states) (1.0 means cost
per state is flat, 2.0 quadratic) and the spread of the cost per state (largest / smallest
microseconds per state).

There is no baseline: the targets are absolute. The whole matrix must finish in under 60 s on
one core (the explorer is single-threaded), and the cost per state must stay flat (slope at most
``SLOPE_TARGET``). Each configuration is cut at ``STATE_CAP`` states and no configuration is
started once ``BUDGET_S`` seconds have gone, so the benchmark ends even when the space explodes;
a cut or skipped configuration makes the matrix target fail.

Run ``python benchmarks/bench_explorer.py [--quick]``.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from podfsm.verifier.explorer import STANDARD_CONFIGURATIONS, explore

NAME = "explorer"
MATRIX_TARGET_S = 60.0
SLOPE_TARGET = 1.15
MIN_STATES = 500
STATE_CAP = 25_000
BUDGET_S = 400.0
QUICK_CONFIGURATIONS = ("always-1c", "onfailure-1c", "never-1c", "never-1c-probes")
QUICK_STATE_CAP = 5_000
QUICK_BUDGET_S = 30.0


def growth(rows: list[dict[str, Any]]) -> tuple[float | None, float | None]:
    """(slope of log seconds on log states, largest / smallest µs per state) over ``rows``."""
    points = [
        (math.log(r["states"]), math.log(r["seconds"]))
        for r in rows
        if r["complete"] and r["states"] >= MIN_STATES and r["seconds"] > 0
    ]
    if len(points) < 2:
        return None, None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    slope = None if sxx == 0 else sum((x - mx) * (y - my) for x, y in points) / sxx
    costs = [math.exp(y - x) for x, y in points]
    return slope, max(costs) / min(costs)


def run(quick: bool = False) -> dict[str, Any]:
    """Explore the standard matrix (a few small configurations when quick); return the figures."""
    configurations = [c for c in STANDARD_CONFIGURATIONS if not quick or c.name in QUICK_CONFIGURATIONS]
    cap = QUICK_STATE_CAP if quick else STATE_CAP
    budget = QUICK_BUDGET_S if quick else BUDGET_S
    rows: list[dict[str, Any]] = []
    skipped: list[str] = []
    started = time.perf_counter()
    for conf in configurations:
        if time.perf_counter() - started > budget:
            skipped.append(conf.name)
            continue
        result = explore(conf.manifest, name=conf.name, max_states=cap)
        rows.append(
            {
                "configuration": conf.name,
                "states": result.states,
                "transitions": result.transitions,
                "seconds": round(result.seconds, 4),
                "states_per_s": round(result.states / result.seconds, 1) if result.seconds > 0 else 0.0,
                "us_per_state": round(result.seconds / max(result.states, 1) * 1e6, 1),
                "complete": result.complete,
                "violations": [v.invariant for v in result.violations],
            }
        )
    total_states = sum(r["states"] for r in rows)
    total_s = sum(r["seconds"] for r in rows)
    slope, spread = growth(rows)
    complete = not skipped and all(r["complete"] for r in rows)
    return {
        "name": NAME,
        "configurations": len(configurations),
        "explored": len(rows),
        "skipped": skipped,
        "cut": [r["configuration"] for r in rows if not r["complete"]],
        "complete": complete,
        "state_cap": cap,
        "states": total_states,
        "seconds": round(total_s, 3),
        "states_per_s": round(total_states / total_s, 1) if total_s > 0 else 0.0,
        "slope": None if slope is None else round(slope, 3),
        "cost_spread": None if spread is None else round(spread, 2),
        "target_s": MATRIX_TARGET_S,
        "slope_target": SLOPE_TARGET,
        "rows": rows,
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=2))
