"""``podfsm status -o json`` on a big ``kubectl get pods -o json`` List, against ``json.load`` alone.

The target: the command costs at most twice what a Python process that only parses the file
costs, in wall time and in peak memory (``ru_maxrss`` of each child, from ``os.wait4``). The
file is the oracle benchmark's realistic List (:func:`benchmarks.bench_oracle.build_list`:
running, crash-looping, initializing, sidecar, completed, terminating, evicted, image-pull
failing and unschedulable pods, with managed fields), 100,000 pods.

Run alone with ``python benchmarks/bench_status.py [--quick]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_oracle import build_list  # noqa: E402

NOW = "2026-01-01T12:00:00Z"
FULL_PODS = 100_000
QUICK_PODS = 5_000
TARGET = 2.0

BASELINE = "import json, sys\nwith open(sys.argv[1], encoding='utf-8') as f:\n    json.load(f)\n"


# --------------------------------------------------------------------------------------------
# Measuring


def measure(argv: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one child process; it must exit 0."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    assert child.stderr is not None
    errors = child.stderr.read()
    _, wait_status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(wait_status)
    if child.returncode != 0:
        raise RuntimeError(f"{argv} exited {child.returncode}: {errors.decode(errors='replace')[-500:]}")
    # ru_maxrss is in kilobytes on Linux, bytes on macOS
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return elapsed, peak


def run(quick: bool = False) -> dict[str, Any]:
    """Write the file, time both processes (best of 3, interleaved; 1 when quick) and return the figures."""
    count = QUICK_PODS if quick else FULL_PODS
    repeats = 1 if quick else 3
    with tempfile.TemporaryDirectory(prefix="podfsm-bench-") as tmp:
        path = Path(tmp) / "pods.json"
        path.write_text(build_list(count), encoding="utf-8")
        baseline = [sys.executable, "-c", BASELINE, str(path)]
        subject = [sys.executable, "-m", "podfsm", "status", "-o", "json", "--now", NOW, str(path)]
        base: list[tuple[float, int]] = []
        subj: list[tuple[float, int]] = []
        for _ in range(repeats):  # interleaved, so that both see the same load on the machine
            base.append(measure(baseline))
            subj.append(measure(subject))
        size = path.stat().st_size
    baseline_s = min(t for t, _ in base)
    subject_s = min(t for t, _ in subj)
    baseline_rss = min(m for _, m in base)
    subject_rss = min(m for _, m in subj)
    return {
        "name": "status",
        "pods": count,
        "file_mb": round(size / 1e6, 1),
        "baseline_s": round(baseline_s, 3),
        "subject_s": round(subject_s, 3),
        "ratio": round(subject_s / baseline_s, 2),
        "baseline_rss_mb": round(baseline_rss / 1e6, 1),
        "subject_rss_mb": round(subject_rss / 1e6, 1),
        "mem_ratio": round(subject_rss / baseline_rss, 2),
        "target": TARGET,
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=2))
