"""``podfsm status FILE...``: the ``kubectl get pods`` table for pod files, and a lint of their status.

The cells come from the oracle (:func:`~podfsm.oracle.kubectl_columns`, the API server's
``printPod``), so the table is what ``kubectl get pods`` would print for the same objects at the
same clock (``--now``). Pods are listed in file order; a NAMESPACE column comes first when they
span several namespaces (as with ``kubectl get pods -A``); a pod with no namespace is in
``default``.

The lint compares what the object records with what the kubelet would compute from it:

- ``status.phase`` against :func:`~podfsm.oracle.pod_phase`, with ``pod_is_terminal`` true when
  the recorded phase is Succeeded or Failed (the kubelet computes a finished pod's phase that
  way). Skipped when no phase is recorded, and for Failed with a ``status.reason`` (Evicted,
  DeadlineExceeded, ...): that phase was forced by an eviction or a sync handler, not computed
  by ``getPhase``.
- each recorded condition the kubelet owns (``PodScheduled``, ``Initialized``,
  ``ContainersReady``, ``Ready``) against :func:`~podfsm.oracle.pod_conditions`, status only.

Table mode prints findings as ``warning:`` lines on stderr after the table; ``-o json`` adds a
``"lint"`` list to each pod. ``--strict`` makes any finding exit status 1.

Built for large files: pods are read as plain dicts (no pydantic), and ``-o json`` writes each
pod's entry as soon as it is computed, one per line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple, TextIO

from podfsm._io import escape_control
from podfsm.cli import EXIT_CHECK_FAILED, EXIT_OK
from podfsm.errors import InvalidPod, PodFSMError
from podfsm.loader import PodFile
from podfsm.oracle import kubectl_columns, kubectl_wide_columns, pod_conditions, pod_phase
from podfsm.oracle.conditions import KUBELET_CONDITIONS, Condition
from podfsm.vocab import TERMINAL_PHASES, Phase

__all__ = ["Finding", "add_arguments", "lint", "run"]

HEADERS = ("NAME", "READY", "STATUS", "RESTARTS", "AGE")
WIDE_HEADERS = (*HEADERS, "IP", "NODE", "NOMINATED NODE", "READINESS GATES")
DEFAULT_NAMESPACE = "default"

# kubectl's tabwriter (k8s.io/cli-runtime/pkg/printers/tabwriter.go): cells are left-aligned,
# padded to the widest cell of their column plus 3 spaces, at least 6; the last one is not padded.
_MIN_WIDTH = 6
_PADDING = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="pod files: JSON, YAML, a List, a watch stream (kubectl get -w -o json); - for stdin",
    )
    parser.add_argument(
        "-o",
        "--output",
        choices=("wide", "json"),
        help="wide: add IP, NODE, NOMINATED NODE and READINESS GATES; json: one object per pod",
    )
    parser.add_argument(
        "--now",
        type=_timestamp,
        metavar="RFC3339",
        help="the clock for AGE and RESTARTS' (5m ago), e.g. 2024-01-01T00:00:00Z (default: now)",
    )
    parser.add_argument("--strict", action="store_true", help="exit status 1 if the lint finds anything")


def run(args: argparse.Namespace) -> int:
    now: datetime = args.now or datetime.now(UTC)
    if args.output == "json":
        findings = _print_json(args.files, now, sys.stdout)
    else:
        findings = _print_table(args.files, now, sys.stdout, sys.stderr, wide=args.output == "wide")
    return EXIT_CHECK_FAILED if args.strict and findings else EXIT_OK


def _timestamp(text: str) -> datetime:
    """``--now``: an RFC 3339 timestamp with a time zone."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"not an RFC 3339 timestamp with a time zone: {text!r}")
    return value


# --------------------------------------------------------------------------------------------
# Lint


class Finding(NamedTuple):
    """A field whose recorded value disagrees with what the kubelet would compute."""

    field: str  # e.g. status.phase, status.conditions[2].status
    recorded: str
    expected: str
    message: str

    def as_json(self) -> dict[str, str]:
        """``{"field", "recorded", "expected", "message"}``, as ``-o json`` prints it."""
        return self._asdict()


def lint(
    pod: Mapping[str, Any],
    *,
    phase: str | None = None,
    conditions: Mapping[str, Condition] | None = None,
) -> list[Finding]:
    """Where the pod's recorded phase and kubelet-owned conditions disagree with the oracle.

    ``phase`` (``pod_phase(pod)``) and ``conditions`` (``pod_conditions(pod)``) may be passed in
    when the caller has them already.
    """
    status = pod.get("status") or {}
    findings: list[Finding] = []
    recorded = status.get("phase") or ""
    if recorded and not (recorded == Phase.FAILED and status.get("reason")):
        terminal = recorded in TERMINAL_PHASES
        # The caller's phase was computed with pod_is_terminal false: reusable only then.
        expected = pod_phase(pod, pod_is_terminal=terminal) if terminal or phase is None else phase
        if expected != recorded:
            how = " for a finished pod (podIsTerminal, as the recorded phase is terminal)" if terminal else ""
            findings.append(
                Finding(
                    "status.phase",
                    recorded,
                    expected,
                    f"status.phase is {recorded} but the kubelet's getPhase gives {expected}{how}",
                )
            )
    recorded_conditions = status.get("conditions") or ()
    if recorded_conditions:
        computed = conditions if conditions is not None else pod_conditions(pod)
        for i, c in enumerate(recorded_conditions):
            ctype = c.get("type")
            if ctype not in KUBELET_CONDITIONS or ctype not in computed:
                continue
            want = computed[ctype]
            have = c.get("status") or ""
            if have != want.status:
                why = ": ".join(part for part in (want.reason, want.message) if part)
                findings.append(
                    Finding(
                        f"status.conditions[{i}].status",
                        have,
                        want.status,
                        f"condition {ctype} is {have or '(empty)'} but the kubelet computes {want.status}"
                        + (f" ({why})" if why else ""),
                    )
                )
    return findings


# --------------------------------------------------------------------------------------------
# Output


def _each_pod(files: Sequence[str], handle: Callable[[dict[str, Any]], None]) -> None:
    """Call ``handle`` on every pod of every file, in order, with one file in memory at a time."""
    for path in files:
        _each_pod_of(PodFile.read(path), handle)


def _each_pod_of(pod_file: PodFile, handle: Callable[[dict[str, Any]], None]) -> None:
    from podfsm.oracle._input import SHAPE_ERRORS, diagnose

    for index, pod in enumerate(pod_file.pods):
        try:
            try:
                handle(pod)
            except SHAPE_ERRORS as exc:  # the lint read a field of the wrong type: name it
                raise diagnose(pod, exc) from None
        except InvalidPod as exc:  # the oracle could not read it: say where it is in the file
            raise pod_file.error(index, exc.where, exc.problem) from None


def _name(pod: Mapping[str, Any]) -> tuple[str, str]:
    meta = pod.get("metadata") or {}
    return str(meta.get("namespace") or DEFAULT_NAMESPACE), str(meta.get("name") or "")


def _print_json(files: Sequence[str], now: datetime, out: TextIO) -> int:
    """Write the JSON array, one pod per line, as each is computed; return the number of findings."""
    findings = 0
    separator = "[\n  "

    def emit(pod: dict[str, Any]) -> None:
        nonlocal findings, separator
        columns = kubectl_columns(pod, now=now)
        phase = pod_phase(pod)
        conditions = pod_conditions(pod)
        found = lint(pod, phase=phase, conditions=conditions)
        namespace, name = _name(pod)
        entry = {
            "name": name,
            "namespace": namespace,
            "phase": phase,
            "ready": columns.ready,
            "status": columns.status,
            "restarts": columns.restarts,
            "conditions": {ctype: c.status for ctype, c in conditions.items()},
            "lint": [f.as_json() for f in found],
        }
        out.write(separator)
        out.write(json.dumps(entry, ensure_ascii=False))
        separator = ",\n  "
        findings += len(found)

    try:
        _each_pod(files, emit)
    except PodFSMError:  # a bad pod further on: what was written stays a whole JSON array
        if not separator.startswith("["):
            out.write("\n]\n")
        raise
    out.write("[]\n" if separator.startswith("[") else "\n]\n")
    return findings


def _print_table(files: Sequence[str], now: datetime, out: TextIO, err: TextIO, *, wide: bool) -> int:
    """Write the table, then the lint findings as warnings on ``err``; return the number of findings."""
    rows: list[list[str]] = []
    namespaces: list[str] = []
    warnings: list[str] = []

    def add(pod: dict[str, Any]) -> None:
        if wide:
            cells = list(kubectl_wide_columns(pod, now=now))
        else:
            columns = kubectl_columns(pod, now=now)
            cells = [columns.ready, columns.status, columns.restarts, columns.age]
        found = lint(pod)
        namespace, name = (escape_control(part) for part in _name(pod))
        rows.append([escape_control(cell) for cell in (name, *cells)])  # no input can forge a row
        namespaces.append(namespace)
        warnings.extend(f"warning: {namespace}/{name}: {escape_control(f.message)}" for f in found)

    _each_pod(files, add)
    if not rows:
        err.write("No resources found\n")
        return 0
    headers: Sequence[str] = WIDE_HEADERS if wide else HEADERS
    if len(set(namespaces)) > 1:
        headers = ("NAMESPACE", *headers)
        rows = [[ns, *row] for ns, row in zip(namespaces, rows, strict=True)]
    out.write(format_table([list(headers), *rows]))
    out.flush()
    for line in warnings:
        err.write(line + "\n")
    return len(warnings)


def format_table(rows: Sequence[Sequence[str]]) -> str:
    """Rows laid out as kubectl's tabwriter does: left-aligned, 3 spaces apart, last cell unpadded."""
    if not rows:
        return ""
    widths = [max(_MIN_WIDTH, max(len(row[i]) for row in rows) + _PADDING) for i in range(len(rows[0]) - 1)]
    lines = ("".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + row[-1] for row in rows)
    return "\n".join(lines) + "\n"
