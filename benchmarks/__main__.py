"""``python -m benchmarks [--quick] [--only NAME...] [--json OUT]``: run the benchmarks, print the table.

Runs every benchmark of :data:`benchmarks.BENCHMARKS` (or the ``--only`` ones), prints one
Markdown table (what, baseline, subject, ratio, target, holds?) and writes every figure as JSON
to ``build/benchmarks.json`` (``--json OUT`` to change it), atomically. A benchmark whose module,
or the podfsm module it times, does not exist yet gets a "not available yet" row. ``--quick``
runs small sizes (for a smoke test; its figures say nothing about the targets).

Exit status: 0 when every target that was measured holds (always 0 with ``--quick``), 1 when one
does not, 2 when a benchmark failed with an error.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import BENCHMARKS, Unavailable, load
from podfsm._io import dumps, write_atomic

DEFAULT_JSON = Path("build") / "benchmarks.json"


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    what: str
    baseline: str
    subject: str
    ratio: str
    target: str
    holds: bool | None  # None: nothing to judge (not available, or quick)


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _ratio_row(what: str, baseline: str, subject: str, ratio: float, target: float) -> Row:
    """A row judged by a ratio against a baseline measured in the same process."""
    return Row(what, baseline, subject, _x(ratio), f"<= {target:g}x", ratio <= target)


def _oracle(r: dict[str, Any]) -> list[Row]:
    return [
        _ratio_row(
            f"oracle: pod_phase + pod_conditions + kubectl_columns, {r['pods']:,} pods",
            f"json.loads of the List: {r['baseline_s'] * 1e3:.1f} ms",
            f"{r['subject_s'] * 1e3:.1f} ms",
            r["ratio"],
            r["target"],
        )
    ]


def _status(r: dict[str, Any]) -> list[Row]:
    what = f"podfsm status -o json, {r['pods']:,} pods ({r['file_mb']} MB)"
    return [
        _ratio_row(
            f"{what}: time",
            f"python that only json.loads it: {r['baseline_s']:.2f} s",
            f"{r['subject_s']:.2f} s",
            r["ratio"],
            r["target"],
        ),
        _ratio_row(
            f"{what}: peak memory",
            f"python that only json.loads it: {r['baseline_rss_mb']:.0f} MB",
            f"{r['subject_rss_mb']:.0f} MB",
            r["mem_ratio"],
            r.get("mem_target", r["target"]),
        ),
        *(
            [
                _ratio_row(
                    f"podfsm status -o json - on a watch stream of {r['pods']:,} objects: peak memory",
                    f"the same on {r['watch_short_pods']:,} objects: {r['watch_short_rss_mb']:.0f} MB",
                    f"{r['watch_long_rss_mb']:.0f} MB",
                    r["watch_ratio"],
                    r["watch_target"],
                )
            ]
            if "watch_ratio" in r
            else []
        ),
    ]


def _simulate(r: dict[str, Any]) -> list[Row]:
    return [
        _ratio_row(
            f"simulate: one event, 3-container pod with probes, {r['events']:,} events",
            f"raw transitions trigger: {r['baseline_us']:.1f} µs",
            f"{r['subject_us']:.1f} µs/event (apply {r['apply_us']:.1f}, render {r['render_us']:.1f})",
            r["ratio"],
            r["target"],
        )
    ]


def _stream(r: dict[str, Any]) -> list[Row]:
    return [
        _ratio_row(
            f"simulate -o json, {r['subject_events']:,} events: peak memory",
            f"the same with {r['events']:,} events: {r['baseline_rss_mb']:.0f} MB",
            f"{r['subject_rss_mb']:.0f} MB ({r['subject_us']:.0f} µs/event)",
            r["mem_ratio"],
            r["target"],
        )
    ]


def _explorer(r: dict[str, Any]) -> list[Row]:
    note = ""
    if r["cut"]:
        note += f"; {len(r['cut'])} cut at {r['state_cap']:,} states"
    if r["skipped"]:
        note += f"; {len(r['skipped'])} not started (time budget)"
    slope = r["slope"]
    return [
        Row(
            f"podfsm check --exhaustive: {r['explored']}/{r['configurations']} configurations",
            "-",
            f"{r['states']:,} states in {r['seconds']:.1f} s, {r['states_per_s']:,.0f} states/s{note}",
            "-",
            f"whole matrix < {r['target_s']:g} s",
            r["complete"] and r["seconds"] < r["target_s"],
        ),
        Row(
            "podfsm check --exhaustive: run time vs states",
            "-",
            "-" if slope is None else f"log-log slope {slope:.2f}, µs/state spread {r['cost_spread']:.1f}x",
            "-",
            f"slope <= {r['slope_target']}",
            None if slope is None else slope <= r["slope_target"],
        ),
        Row(
            f"podfsm check --exhaustive --workers {r['workers']}: parallel efficiency",
            f"1 worker: {r['wall_s_one']:.1f} s wall, {r['cpu_s_one']:.1f} s CPU",
            f"{r['workers']} workers: {r['wall_s_many']:.1f} s wall, {r['cpu_s_many']:.1f} s CPU"
            + ("" if r["same_counts"] else "; COUNTS DIFFER"),
            f"{r['efficiency']:.2f} (CPU {r['cpu_efficiency']:.2f})",
            f">= {r['efficiency_target']}",
            r["same_counts"] and r["efficiency"] >= r["efficiency_target"],
        ),
        _ratio_row(
            f"explorer: bytes per visited state ({r['memory']['states']:,} states)",
            f"PodState + key + parent event: {r['memory']['baseline_bytes_per_state']:,.0f} B",
            f"fingerprint + trace: {r['memory']['bytes_per_state']:,.0f} B",
            r["memory"]["ratio"],
            r["bytes_target"],
        ),
        Row(
            f"explorer: expansion, {len(r['expansion']['rows'])} configurations, states per CPU second",
            f"before the cuts: {r['expansion']['baseline_states_per_cpu_s']:,.0f}",
            f"now: {r['expansion']['states_per_cpu_s']:,.0f}"
            + ("" if r["expansion"]["same"] else "; COUNTS OR VERDICTS DIFFER"),
            f"{r['expansion']['speedup']:.2f}x",
            f">= {r['expansion']['target']:g}x",
            r["expansion"]["same"] and r["expansion"]["speedup"] >= r["expansion"]["target"],
        ),
    ]


def _stateful(r: dict[str, Any]) -> list[Row]:
    return [
        Row(
            f"Hypothesis stateful testing of the model ({r['machines']} machine(s))",
            "-",
            f"{r['steps_per_s']:,.0f} steps/s; {r['target_examples']:,} examples x "
            f"{r['steps_per_example']:.0f} steps ~ {r['projected_s']:.0f} s "
            f"(every step checks all {r['invariants']} invariants)"
            + ("; stopped early at a violation (see the JSON)" if r.get("failures") else ""),
            "-",
            f"< {r['target_s']:g} s",
            r["projected_s"] < r["target_s"],
        )
    ]


def _generic(r: dict[str, Any]) -> list[Row]:
    ratio = r.get("ratio")
    target = r.get("target")
    return [
        Row(
            str(r.get("name")),
            f"{r.get('baseline_s', '-')} s",
            f"{r.get('subject_s', '-')} s",
            _x(ratio),
            "-" if target is None else f"<= {target}x",
            None if ratio is None or target is None else ratio <= target,
        )
    ]


FORMATS: dict[str, Callable[[dict[str, Any]], list[Row]]] = {
    "oracle": _oracle,
    "status": _status,
    "simulate": _simulate,
    "stream": _stream,
    "explorer": _explorer,
    "stateful": _stateful,
}


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
    }


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    head = ("what", "baseline", "subject", "ratio", "target", "holds?")
    cells = [head, *((r.what, r.baseline, r.subject, r.ratio, r.target, _verdict(r.holds)) for r in rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    lines = ["| " + " | ".join(c[i].ljust(widths[i]) for i in range(len(head))) + " |" for c in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _verdict(holds: bool | None) -> str:
    return "-" if holds is None else ("yes" if holds else "NO")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="Run the benchmarks, print the table."
    )
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run, not a measurement")
    parser.add_argument("--only", nargs="+", metavar="NAME", choices=BENCHMARKS, help="run only these")
    parser.add_argument(
        "--json", type=Path, default=DEFAULT_JSON, metavar="OUT", help=f"default {DEFAULT_JSON}"
    )
    args = parser.parse_args(argv)
    names = [n for n in BENCHMARKS if not args.only or n in args.only]
    results: dict[str, Any] = {}
    rows: list[Row] = []
    errors = 0
    started = time.perf_counter()
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        t = time.perf_counter()
        try:
            result = load(name).run(quick=args.quick)
        except Unavailable as exc:
            results[name] = {"name": name, "unavailable": str(exc)}
            rows.append(Row(name, "-", str(exc), "-", "-", None))
            continue
        except Exception as exc:  # a benchmark that breaks must not hide the others' figures
            errors += 1
            traceback.print_exc()
            results[name] = {"name": name, "error": f"{type(exc).__name__}: {exc}"}
            rows.append(Row(name, "-", f"error: {type(exc).__name__}: {exc}", "-", "-", False))
            continue
        result["wall_s"] = round(time.perf_counter() - t, 2)
        results[name] = result
        new = FORMATS.get(name, _generic)(result)
        if args.quick:
            new = [Row(r.what, r.baseline, r.subject, r.ratio, r.target, None) for r in new]
        rows.extend(new)
    report = {
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "quick": args.quick,
        "machine": machine(),
        "seconds": round(time.perf_counter() - started, 1),
        "table": [asdict(r) for r in rows],
        "results": results,
    }
    write_atomic(args.json, dumps(report))
    m = report["machine"]
    print(f"\n{m['cpus']} CPUs ({m['cpu']}), Python {m['python']}{', --quick' if args.quick else ''}\n")
    print(table(rows))
    print(f"\nfigures written to {args.json}")
    if errors:
        return 2
    return 1 if any(r.holds is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
