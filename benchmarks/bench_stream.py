"""``podfsm simulate -o json`` memory: flat in the number of events (issue 11).

The same pod and traffic as the simulate benchmark (:mod:`benchmarks.bench_simulate`), run by
``python -m podfsm simulate POD EVENTS -o json`` into ``/dev/null``, once with N events (the
baseline) and once with 8 N (the subject), in child processes of the same parent. The figure is
the ratio of their peak memory (``ru_maxrss``): steps are written as they are computed and none
is kept, so eight times the events cost about what the events file itself grows by, not eight
times the rendered pods. Before streaming, every step's pod was kept for the final JSON array.
Time per event is reported too, without a target.

Run alone with ``python benchmarks/bench_stream.py [--quick]``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_simulate import make_events, make_pod
from benchmarks.bench_status import measure

FULL_EVENTS = 2_000
QUICK_EVENTS = 300
FACTOR = 8
TARGET = 1.5


def run(quick: bool = False) -> dict[str, Any]:
    """Both runs (best of 2 each, interleaved; 1 when quick) and the figures."""
    count = QUICK_EVENTS if quick else FULL_EVENTS
    repeats = 1 if quick else 2
    with tempfile.TemporaryDirectory(prefix="podfsm-bench-") as tmp:
        folder = Path(tmp)
        pod = folder / "pod.json"
        pod.write_text(json.dumps(make_pod()), encoding="utf-8")
        small, large = folder / "small.json", folder / "large.json"
        small.write_text(json.dumps(make_events(count)), encoding="utf-8")
        large_events = make_events(count * FACTOR)
        large.write_text(json.dumps(large_events), encoding="utf-8")

        def command(events: Path) -> list[str]:
            return [sys.executable, "-m", "podfsm", "simulate", str(pod), str(events), "-o", "json"]

        base: list[tuple[float, int]] = []
        subj: list[tuple[float, int]] = []
        for _ in range(repeats):
            base.append(measure(command(small)))
            subj.append(measure(command(large)))
    baseline_rss = min(m for _, m in base)
    subject_rss = min(m for _, m in subj)
    subject_s = min(t for t, _ in subj)
    return {
        "name": "stream",
        "events": count,
        "factor": FACTOR,
        "subject_events": len(large_events),
        "baseline_rss_mb": round(baseline_rss / 1e6, 1),
        "subject_rss_mb": round(subject_rss / 1e6, 1),
        "mem_ratio": round(subject_rss / baseline_rss, 2),
        "subject_us": round(subject_s / len(large_events) * 1e6, 1),
        "target": TARGET,
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=2))
