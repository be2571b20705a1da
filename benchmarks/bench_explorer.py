"""Benchmark: the exhaustive explorer over the standard matrix, on one and on several workers, and its memory.

For every configuration of :data:`podfsm.verifier.explorer.STANDARD_CONFIGURATIONS` (what ``podfsm check
--exhaustive`` explores), :func:`podfsm.verifier.explorer.explore` with every invariant, as the command
runs it: distinct states, transitions, seconds and distinct states per second, on one worker.

Then, in the same process:

- **Parallel efficiency.** The whole matrix again with ``WORKERS`` worker processes: wall time
  one worker / (``WORKERS`` x wall time with them), and the same from CPU seconds (this process
  and its children), which shows the overhead of the partitions without the noise of other
  programs on the machine. The counts must equal one worker's.
- **Bytes per visited state.** For ``MEMORY_CONFIGURATION``, what one distinct state costs for
  the rest of the run, measured with ``tracemalloc`` on the same states: the baseline is what the
  explorer kept before fingerprints (the ``PodState``, its key in a dict, its parent and event as
  a dict); the subject is what it keeps now (a 64-bit fingerprint in a set and 10 bytes of trace).
- How run time grows with the number of states: the least-squares slope of log(seconds) against
  log(states) (1.0 means cost per state is flat).

Targets: the matrix on one worker under ``MATRIX_TARGET_S``; slope at most ``SLOPE_TARGET``;
parallel efficiency at least ``EFFICIENCY_TARGET``; bytes per state at most 1/20 of the
baseline. Each configuration is cut at ``STATE_CAP`` states and no configuration is started once
``BUDGET_S`` seconds have gone, so the benchmark ends even when the space explodes.

Run ``python benchmarks/bench_explorer.py [--quick]``.
"""

from __future__ import annotations

import gc
import json
import math
import os
import sys
import time
import tracemalloc
from collections import deque
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from podfsm.errors import IllegalEvent
from podfsm.model.pod import PodModel
from podfsm.verifier import parallel
from podfsm.verifier.explorer import STANDARD_CONFIGURATIONS, EventCatalogue, KeyBuilder, explore
from podfsm.verifier.invariants import Context, Transition
from podfsm.verifier.store import Trace, encode_state, fingerprint

NAME = "explorer"
MATRIX_TARGET_S = 60.0
SLOPE_TARGET = 1.15
EFFICIENCY_TARGET = 0.8
BYTES_TARGET = 1 / 20
WORKERS = 2
MIN_STATES = 500
STATE_CAP = 25_000
BUDGET_S = 400.0
# keeps every PodState of a whole run under tracemalloc: always-1s-1c-probes (42,197 states since
# issue 13) no longer fits; always-1c-probes (14,641 states of the old layout) takes about 12 s
MEMORY_CONFIGURATION = "always-1c-probes"
QUICK_CONFIGURATIONS = ("always-1c", "onfailure-1c", "never-1c", "never-1c-probes")
QUICK_STATE_CAP = 5_000
QUICK_BUDGET_S = 30.0
QUICK_MEMORY_CONFIGURATION = "always-1c"
# The expansion before and after its cuts, on configurations of each shape (CPU seconds, one run).
EXPANSION_CONFIGURATIONS = (
    "always-1c-probes",
    "never-2i-1s-2c-probes",
    "always-3c",
    "onfailure-1s-1c-probes",
)
QUICK_EXPANSION_CONFIGURATIONS = ("always-1c", "never-1c-probes")
EXPANSION_TARGET = 2.0


class ReferencePartition(parallel.Partition):
    """The expansion as it was before its cuts (issue 15, item 2), the baseline of ``expansion``.

        Every pod is rendered afresh (metadata, spec, conditions and container statuses made anew),
        the render cache is looked up by the state's hash, each transition's view parses both pods
        itself and makes the event's mapping anew, every invariant is asked whether its scope applies,
        the model is restored after every accepted event (the last one from a source too), each key is
    made whole and printed for its fingerprint, and a new
        state's state invariants are judged on a new :class:`Transition`, which renders and parses the
        pods again. (Two caches inside the invariants module, of parsed timestamps and the type test
        of mappings, serve both.)
    """

    def __init__(self, job: parallel.Job, number: int) -> None:
        super().__init__(job, number)
        del self.model.shared_render_parts  # type: ignore[attr-defined]
        self.ctx = Context.of(self.model)
        self.judge = parallel.judge
        self.restore_after_last = True

    def finish(self, new: Any) -> list[tuple[bytes, parallel.Violations]]:
        held, ctx, invs = self._held, self.ctx, self.state_invs
        out: list[tuple[bytes, parallel.Violations]] = []
        for where in new:
            step = held[where]
            fresh = Transition(ctx, step.before, step.event, step.after)
            seen = parallel.judge(fresh, invs) if invs else ()
            out.append((encode_state(step.after), seen))
        held.clear()
        return out


def _cpu_explore(conf: Any) -> tuple[tuple[int, int, tuple[str, ...]], float]:
    gc.collect()
    before = time.process_time()
    result = explore(conf.manifest, name=conf.name)
    spent = time.process_time() - before
    return (result.states, result.transitions, tuple(v.invariant for v in result.violations)), spent


def expansion(names: tuple[str, ...]) -> dict[str, Any]:
    """CPU seconds per state of the reference expansion against the current one, in this process.

    Each configuration is explored on one worker with :class:`ReferencePartition`, then with
    :class:`~podfsm.verifier.parallel.Partition`; both must give the same counts and verdicts.
    """
    by_name = {c.name: c for c in STANDARD_CONFIGURATIONS}
    rows: list[dict[str, Any]] = []
    for name in names:
        conf = by_name[name]
        original = parallel.Partition
        parallel.Partition = ReferencePartition  # type: ignore[misc]
        try:
            old, old_s = _cpu_explore(conf)
        finally:
            parallel.Partition = original  # type: ignore[misc]
        new, new_s = _cpu_explore(conf)
        rows.append(
            {
                "configuration": name,
                "states": new[0],
                "same": old == new,
                "baseline_cpu_s": round(old_s, 3),
                "cpu_s": round(new_s, 3),
                "states_per_cpu_s": round(new[0] / new_s, 1) if new_s > 0 else 0.0,
                "baseline_states_per_cpu_s": round(old[0] / old_s, 1) if old_s > 0 else 0.0,
            }
        )
    old_total = sum(r["baseline_cpu_s"] for r in rows)
    new_total = sum(r["cpu_s"] for r in rows)
    states = sum(r["states"] for r in rows)
    return {
        "rows": rows,
        "same": all(r["same"] for r in rows),
        "states": states,
        "baseline_states_per_cpu_s": round(states / old_total, 1) if old_total > 0 else 0.0,
        "states_per_cpu_s": round(states / new_total, 1) if new_total > 0 else 0.0,
        "speedup": round(old_total / new_total, 3) if new_total > 0 else 0.0,
        "target": EXPANSION_TARGET,
    }


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


def _cpu() -> float:
    """CPU seconds of this process and its waited-for children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _matrix(configurations: list[Any], cap: int, budget: float, workers: int) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    skipped: list[str] = []
    started = time.perf_counter()
    cpu = _cpu()
    for conf in configurations:
        if time.perf_counter() - started > budget:
            skipped.append(conf.name)
            continue
        result = explore(conf.manifest, name=conf.name, max_states=cap, workers=workers)
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
    return {
        "rows": rows,
        "skipped": skipped,
        "wall_s": time.perf_counter() - started,
        "cpu_s": _cpu() - cpu,
    }


def _old_layout(manifest: Any) -> tuple[list[Any], dict[Any, int], Any]:
    """Breadth-first search keeping what the explorer kept before fingerprints.

    Every distinct ``PodState`` as the model returned it (sharing unchanged containers with its
    parent), its key in a dict, its parent's number and its event as a dict, its depth.
    """
    model = PodModel(manifest)
    catalogue = EventCatalogue(model)
    keys = KeyBuilder([r.spec for r in model.records])
    root = model.snapshot()
    states = [root]
    seen: dict[Any, int] = {keys.key(root): 0}
    parents: list[tuple[int, dict[str, Any] | None]] = [(-1, None)]
    depths = [0]
    queue = deque([0])
    while queue:
        index = queue.popleft()
        source = states[index]
        model.restore(source)
        for ev in catalogue.candidates(model):
            try:
                after = model.apply(ev)
            except IllegalEvent:
                continue
            k = keys.key(after)
            if k not in seen:
                seen[k] = len(states)
                states.append(after)
                parents.append((index, ev.to_dict()))
                depths.append(depths[index] + 1)
                queue.append(len(states) - 1)
            model.restore(source)
    return states, seen, (parents, depths, keys)


def bytes_per_state(manifest: Any) -> dict[str, Any]:
    """Bytes a distinct state costs for the rest of a run (``tracemalloc``): old layout against new."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    states, seen, (parents, _, keys) = _old_layout(manifest)
    gc.collect()
    old = tracemalloc.get_traced_memory()[0] - base
    n = len(states)
    base = tracemalloc.get_traced_memory()[0]
    visited: set[int] = set()
    trace = Trace()
    for s, (parent, _) in zip(states, parents, strict=True):
        visited.add(fingerprint(keys.key(s)))
        trace.add(parent, 0)
    gc.collect()
    new = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    assert len(visited) == len(seen) == n
    return {
        "states": n,
        "baseline_bytes_per_state": round(old / n, 1),
        "bytes_per_state": round(new / n, 1),
        "ratio": round(new / old, 4),
    }


def run(quick: bool = False) -> dict[str, Any]:
    """Explore the standard matrix (a few small configurations when quick); return the figures."""
    configurations = [c for c in STANDARD_CONFIGURATIONS if not quick or c.name in QUICK_CONFIGURATIONS]
    cap = QUICK_STATE_CAP if quick else STATE_CAP
    budget = QUICK_BUDGET_S if quick else BUDGET_S
    one = _matrix(configurations, cap, budget, 1)
    rows = one["rows"]
    total_states = sum(r["states"] for r in rows)
    total_s = sum(r["seconds"] for r in rows)
    slope, spread = growth(rows)
    complete = not one["skipped"] and all(r["complete"] for r in rows)
    ran = [c for c in configurations if c.name not in one["skipped"]]
    many = _matrix(ran, cap, math.inf, WORKERS)
    same = [(r["states"], r["transitions"]) for r in many["rows"]] == [
        (r["states"], r["transitions"]) for r in rows
    ]
    by_name = {c.name: c for c in STANDARD_CONFIGURATIONS}
    memory = bytes_per_state(by_name[QUICK_MEMORY_CONFIGURATION if quick else MEMORY_CONFIGURATION].manifest)
    cuts = expansion(QUICK_EXPANSION_CONFIGURATIONS if quick else EXPANSION_CONFIGURATIONS)
    return {
        "name": NAME,
        "configurations": len(configurations),
        "explored": len(rows),
        "skipped": one["skipped"],
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
        "workers": WORKERS,
        "wall_s_one": round(one["wall_s"], 3),
        "wall_s_many": round(many["wall_s"], 3),
        "cpu_s_one": round(one["cpu_s"], 3),
        "cpu_s_many": round(many["cpu_s"], 3),
        "speedup": round(one["wall_s"] / many["wall_s"], 3) if many["wall_s"] > 0 else 0.0,
        "efficiency": round(one["wall_s"] / (WORKERS * many["wall_s"]), 3) if many["wall_s"] > 0 else 0.0,
        "cpu_efficiency": round(one["cpu_s"] / many["cpu_s"], 3) if many["cpu_s"] > 0 else 0.0,
        "efficiency_target": EFFICIENCY_TARGET,
        "same_counts": same,
        "memory": memory,
        "bytes_target": BYTES_TARGET,
        "expansion": cuts,
        "rows": rows,
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=2))
