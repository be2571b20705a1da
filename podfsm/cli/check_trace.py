"""``podfsm check-trace FILE|-``: is a recorded watch stream a pod behaviour the kubelet allows?

Reads what ``kubectl get pods -w -o json`` prints (concatenated pod objects, several pods
interleaved), a ``kind: List`` of snapshots, or watch events (``--output-watch-events``; ``ERROR``
ones are reported and skipped), and checks each pod's snapshots in order with
:mod:`podfsm.conformance.trace`. Text output prints one row per snapshot as it arrives (the
object's number, the pod, phase, READY, STATUS, RESTARTS and ``ok`` or ``VIOLATION``), the
report of the first impossible step of each pod, and a closing summary. ``-o json`` prints a
verdict per pod when the input ends. Exit status 1 when a pod's trace is impossible or a
snapshot is wrong on its own; 2 for input that is not a trace (one line naming the file).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from podfsm.cli import EXIT_CHECK_FAILED, EXIT_OK
from podfsm.cli._text import dump
from podfsm.conformance.trace import (
    DEFAULT_BUDGET,
    Finding,
    PodChecker,
    Snapshot,
    StepViolation,
    WatchError,
    check_trace,
    iter_trace,
)
from podfsm.errors import UsageError
from podfsm.oracle import kubectl_columns

EXAMPLES = """\
  # a recorded watch stream
  kubectl get pods -w -o json > trace.json && podfsm check-trace trace.json

  # live, a row per object as it arrives
  kubectl get pods -w -o json --output-watch-events | podfsm check-trace -

  # a verdict per pod as JSON
  podfsm check-trace trace.json -o json
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        metavar="FILE",
        help="a watch stream (kubectl get pods -w -o json), a List or watch events; - for stdin",
    )
    parser.add_argument(
        "-o", "--output", choices=("text", "json", "yaml"), default="text", help="text (default), json, yaml"
    )
    parser.add_argument(
        "--budget",
        type=int,
        default=DEFAULT_BUDGET,
        metavar="N",
        help=f"model states searched per snapshot before a step is impossible (default {DEFAULT_BUDGET})",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only violations and the summary")


def run(args: argparse.Namespace) -> int:
    if args.budget < 1:
        raise UsageError("--budget must be at least 1")
    text = args.output == "text"
    out = sys.stdout

    def on_item(
        item: Snapshot | WatchError,
        checker: PodChecker | None,
        findings: list[Finding],
        violation: StepViolation | None,
    ) -> None:
        if not text:
            return
        if isinstance(item, WatchError):
            out.write(f"#{item.index:<4} watch ERROR: {item.message} (skipped)\n")
            out.flush()
            return
        assert checker is not None
        verdict = "VIOLATION" if violation is not None else ("finding" if findings else "ok")
        if checker.verdict.violation is not None and violation is None:
            verdict = "-"  # the pod's trace already broke: later snapshots are not searched
        if not args.quiet or verdict not in ("ok", "-"):
            out.write(_row(item, checker.verdict.pod, verdict))
        for f in findings:
            out.write(f"  finding {f.rule}: {f.message} ({f.upstream})\n")
        if violation is not None:
            out.write("".join(line + "\n" for line in violation.lines()))
        out.flush()

    source = "<stdin>" if args.file == "-" else args.file
    result = check_trace(iter_trace(args.file, source), budget=args.budget, on_item=on_item)
    verdicts = result.verdicts()
    if text:
        bad = sum(1 for v in verdicts if not v.ok)
        snapshots = sum(v.snapshots for v in verdicts)
        line = f"{len(verdicts)} pods, {snapshots} snapshots: {len(verdicts) - bad} ok, {bad} not"
        if result.watch_errors:
            line += f", {len(result.watch_errors)} watch errors skipped"
        out.write(line + "\n")
    else:
        out.write(
            dump(
                {
                    "ok": result.ok,
                    "pods": [v.to_json() for v in verdicts],
                    "watchErrors": [{"index": e.index, "message": e.message} for e in result.watch_errors],
                },
                args.output,
            )
        )
    return EXIT_OK if result.ok else EXIT_CHECK_FAILED


def _row(item: Snapshot, pod: str, verdict: str) -> str:
    pod_obj: Any = item.pod
    phase = str((pod_obj.get("status") or {}).get("phase") or "-")
    try:
        cols = kubectl_columns(pod_obj, now=_now_of(pod_obj))
        ready, status, restarts = cols.ready, cols.status, cols.restarts.split(" ")[0]
    except Exception:  # a pod the oracle cannot read is a finding already
        ready = status = restarts = "?"
    kind = f" {item.event_type}" if item.event_type else ""
    return f"#{item.index:<4} {pod:<30} {phase:<10} {ready:<6} {status:<26} {restarts:<4} {verdict}{kind}\n"


def _now_of(pod: Any) -> Any:
    """A fixed clock (the pod's creation) so the row does not depend on when it is printed."""
    from datetime import UTC, datetime

    created = (pod.get("metadata") or {}).get("creationTimestamp")
    if isinstance(created, str):
        try:
            moment = datetime.fromisoformat(created)
            if moment.tzinfo is not None:
                return moment
        except ValueError:
            pass
    return datetime(2026, 1, 1, tzinfo=UTC)
