"""``podfsm status -o json`` on a big ``kubectl get pods -o json`` List, against ``json.load`` alone,
and on watch streams of two lengths.

Targets (issue 15 item 6): the command takes at most 1.2x the wall time of a Python process that
only ``json.load``s the file, and at most 0.1x its peak memory (``ru_maxrss`` of each child, from
``os.wait4``): podfsm streams the List item by item (:mod:`podfsm.streaming`, ijson's C backend)
where ``json.load`` holds all of it. The file is the oracle benchmark's realistic List
(:func:`benchmarks.bench_oracle.build_list`: running, crash-looping, initializing, sidecar,
completed, terminating, evicted, image-pull failing and unschedulable pods, with managed fields),
100,000 pods.

The watch figure: ``podfsm status -o json -`` reading a pipe fed with the List's pods as
concatenated objects (``kubectl get pods -w -o json``), once with a tenth of them and once with all
of them; the peak memory of the long stream over the short one's is at most 1.1 (constant memory
in the length of the stream).

Run alone with ``python benchmarks/bench_status.py [--quick]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
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
TARGET = 1.2
MEM_TARGET = 0.1
WATCH_TARGET = 1.1

BASELINE = "import json, sys\nwith open(sys.argv[1], encoding='utf-8') as f:\n    json.load(f)\n"

# Runs ``-m MODULE ...`` or ``-c CODE ...`` and, at exit, writes the process's own peak resident
# memory (VmHWM) to a file. A forked child's ru_maxrss starts at the parent's size (the pages are
# shared until exec), and this parent holds the big file: VmHWM is counted from the exec on.
_PEAK = """\
import atexit, runpy, sys
out = sys.argv.pop(1)
def _report():
    with open("/proc/self/status") as f:
        kb = next(line.split()[1] for line in f if line.startswith("VmHWM"))
    with open(out, "w") as f:
        f.write(kb)
atexit.register(_report)
mode, target = sys.argv.pop(1), sys.argv.pop(1)
if mode == "-m":
    sys.argv[0] = target
    runpy.run_module(target, run_name="__main__", alter_sys=True)
else:
    exec(compile(target, "<string>", "exec"), {"__name__": "__main__"})
"""


# --------------------------------------------------------------------------------------------
# Measuring


def measure(argv: list[str], stdin: Path | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one child process; it must exit 0.

    ``stdin``: a file whose bytes are written to the child through a pipe (a stream, not a file).
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc_status = Path("/proc/self/status").exists()
    with tempfile.NamedTemporaryFile(prefix="podfsm-peak-", delete=False) as peak_file:
        peak_path = Path(peak_file.name)
    if proc_status and argv[0] == sys.executable and argv[1] in ("-m", "-c"):
        argv = [sys.executable, "-c", _PEAK, str(peak_path), *argv[1:]]
    start = time.perf_counter()
    child = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    assert child.stderr is not None
    if stdin is not None:
        assert child.stdin is not None
        feeder = threading.Thread(target=_feed, args=(stdin, child.stdin), daemon=True)
        feeder.start()
    errors = child.stderr.read()
    _, wait_status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(wait_status)
    if child.returncode != 0:
        raise RuntimeError(f"{argv} exited {child.returncode}: {errors.decode(errors='replace')[-500:]}")
    reported = peak_path.read_text().strip()
    peak_path.unlink()
    if reported:
        return elapsed, int(reported) * 1024
    # ru_maxrss is in kilobytes on Linux, bytes on macOS
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return elapsed, peak


def _feed(path: Path, pipe: Any) -> None:
    with open(path, "rb") as source, pipe:
        while chunk := source.read(1 << 16):
            pipe.write(chunk)


def _watch_stream(list_path: Path, out: Path, pods: int) -> None:
    """The first ``pods`` items of the List as concatenated JSON objects, one per line."""
    with open(list_path, encoding="utf-8") as f:
        items = json.load(f)["items"][:pods]
    with open(out, "w", encoding="utf-8") as f:
        for item in items:
            f.write(json.dumps(item))
            f.write("\n")


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
        short, long = Path(tmp) / "watch-short.json", Path(tmp) / "watch-long.json"
        _watch_stream(path, short, count // 10)
        _watch_stream(path, long, count)
        watch = [sys.executable, "-m", "podfsm", "status", "-o", "json", "--now", NOW, "-"]
        watch_short = min(measure(watch, stdin=short)[1] for _ in range(repeats))
        watch_long = min(measure(watch, stdin=long)[1] for _ in range(repeats))
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
        "mem_target": MEM_TARGET,
        "watch_short_pods": count // 10,
        "watch_short_rss_mb": round(watch_short / 1e6, 1),
        "watch_long_rss_mb": round(watch_long / 1e6, 1),
        "watch_ratio": round(watch_long / watch_short, 2),
        "watch_target": WATCH_TARGET,
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=2))
