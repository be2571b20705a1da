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
import os
import stat
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

import yaml

from podfsm._io import escape_control
from podfsm.cli import EXIT_CHECK_FAILED, EXIT_OK
from podfsm.cli._text import plural
from podfsm.errors import InvalidPod, PodFSMError
from podfsm.model.kubelet_config import gates_shown_by
from podfsm.oracle import kubectl_columns, kubectl_wide_columns, pod_conditions, pod_phase
from podfsm.oracle.conditions import KUBELET_CONDITIONS, Condition
from podfsm.streaming import PodStream
from podfsm.vocab import TERMINAL_PHASES, Phase

__all__ = ["Finding", "add_arguments", "lint", "run"]

HEADERS = ("NAME", "READY", "STATUS", "RESTARTS", "AGE")
WIDE_HEADERS = (*HEADERS, "IP", "NODE", "NOMINATED NODE", "READINESS GATES")
DEFAULT_NAMESPACE = "default"
OUTPUTS = ("wide", "json", "yaml", "name")
# Files smaller than this are read in well under a second: no progress line for them.
_PROGRESS_BYTES = 16_000_000

# kubectl's tabwriter (k8s.io/cli-runtime/pkg/printers/tabwriter.go): cells are left-aligned,
# padded to the widest cell of their column plus 3 spaces, at least 6; the last one is not padded.
_MIN_WIDTH = 6
_PADDING = 3


EXAMPLES = """\
  # kubectl's table for the pods of a file, then the lint's warnings on standard error
  podfsm status pods.json

  # rows as the objects of a watch arrive
  kubectl get pods -w -o json | podfsm status -

  # published and computed phase, conditions and the lint, per pod
  podfsm status pods.json -o json

  # a fixed clock, no header, every namespace
  podfsm status pods.yaml --now 2024-01-01T00:00:00Z --no-headers -A
"""


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
        choices=OUTPUTS,
        help="wide: add IP, NODE, NOMINATED NODE and READINESS GATES; json, yaml: one object per pod; "
        "name: pod/NAME",
    )
    parser.add_argument(
        "--now",
        type=_timestamp,
        metavar="RFC3339",
        help="the clock for AGE and RESTARTS' (5m ago), e.g. 2024-01-01T00:00:00Z (default: now)",
    )
    parser.add_argument("--no-headers", action="store_true", help="print the table without its header line")
    parser.add_argument(
        "-A",
        "--all-namespaces",
        action="store_true",
        help="always print the NAMESPACE column (by default: when the pods span several namespaces)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit status 1 if the lint warns about anything"
    )


def run(args: argparse.Namespace) -> int:
    now: datetime = args.now or datetime.now(UTC)
    printer = _Printer(args.output or "", now, headers=not args.no_headers, namespaces=args.all_namespaces)
    warnings = printer.print(args.files)
    return EXIT_CHECK_FAILED if args.strict and warnings else EXIT_OK


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
    """A field whose recorded value disagrees with what the kubelet would compute.

    ``severity`` is ``"warning"`` when the kubelet would not have written the recorded value, and
    ``"info"`` when it would have, for a reason the recomputation does not see (the published phase
    of an evicted pod is Failed while getPhase on its container statuses gives Running).
    """

    field: str  # e.g. status.phase, status.conditions[2].status
    recorded: str
    expected: str
    message: str
    severity: str = "warning"

    def as_json(self) -> dict[str, str]:
        """``{"field", "recorded", "expected", "message", "severity"}``, as ``-o json`` prints it."""
        return self._asdict()


def lint(
    pod: Mapping[str, Any],
    *,
    phase: str | None = None,
    conditions: Mapping[str, Condition] | None = None,
) -> list[Finding]:
    """Where the pod's recorded phase and kubelet-owned conditions disagree with the oracle.

    ``phase`` (``pod_phase(pod)``) and ``conditions`` (``pod_conditions(pod)``) may be passed in
    when the caller has them already. Findings of severity ``info`` say why a published phase
    differs from ``pod_phase(pod)`` although the kubelet did write it.
    """
    status = pod.get("status") or {}
    findings: list[Finding] = []
    recorded = status.get("phase") or ""
    gates = gates_shown_by(pod) or None  # a RestartAllContainers rule: the alpha gate was on
    computed = pod_phase(pod, feature_gates=gates) if phase is None else phase
    if recorded:
        findings.extend(_phase_findings(pod, recorded, computed, str(status.get("reason") or "")))
    recorded_conditions = status.get("conditions") or ()
    if recorded_conditions:
        kubelet = conditions if conditions is not None else pod_conditions(pod, feature_gates=gates)
        for i, c in enumerate(recorded_conditions):
            ctype = c.get("type")
            if ctype not in KUBELET_CONDITIONS or ctype not in kubelet:
                continue
            want = kubelet[ctype]
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


def _phase_findings(pod: Mapping[str, Any], recorded: str, computed: str, reason: str) -> list[Finding]:
    """The phase's finding: a warning when getPhase would not give the recorded phase, an info when
    it would only with what the kubelet knows besides the container statuses."""
    if recorded == Phase.FAILED and reason:
        if computed == recorded:
            return []
        return [
            Finding(
                "status.phase",
                recorded,
                computed,
                f"status.phase is Failed, set with status.reason {reason} (eviction, activeDeadlineSeconds "
                f"or another sync handler); getPhase on the container statuses alone gives {computed}",
                "info",
            )
        ]
    if recorded in TERMINAL_PHASES:
        terminal = pod_phase(pod, pod_is_terminal=True, feature_gates=gates_shown_by(pod) or None)
        if terminal != recorded:
            return [
                Finding(
                    "status.phase",
                    recorded,
                    terminal,
                    f"status.phase is {recorded} but the kubelet's getPhase gives {terminal} for a finished "
                    "pod (podIsTerminal, as the recorded phase is terminal)",
                )
            ]
        if computed != recorded:
            return [
                Finding(
                    "status.phase",
                    recorded,
                    computed,
                    f"status.phase is {recorded}: the kubelet's getPhase gives it for a finished pod "
                    f"(podIsTerminal), and {computed} for a pod it would still run",
                    "info",
                )
            ]
        return []
    if computed != recorded:
        return [
            Finding(
                "status.phase",
                recorded,
                computed,
                f"status.phase is {recorded} but the kubelet's getPhase gives {computed}",
            )
        ]
    return []


# --------------------------------------------------------------------------------------------
# Output


def _name(pod: Mapping[str, Any]) -> tuple[str, str]:
    meta = pod.get("metadata") or {}
    return str(meta.get("namespace") or DEFAULT_NAMESPACE), str(meta.get("name") or "")


def is_stream(path: str) -> bool:
    """Whether ``path`` is read as a stream (standard input that is not a regular file): rows are
    then printed as the objects arrive, as ``kubectl get -w`` does, rather than laid out at the end."""
    if path != "-":
        return False
    try:
        return not stat.S_ISREG(os.fstat(sys.stdin.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):  # a replaced sys.stdin (tests, embedding)
        return True


class _Printer:
    """Writes one output format for the pods of several files; counts the lint's warnings."""

    def __init__(self, output: str, now: datetime, *, headers: bool, namespaces: bool) -> None:
        self.output = output
        self.now = now
        self.headers = headers
        self.all_namespaces = namespaces
        self.warnings = 0
        self.count = 0
        self.streaming = False
        # table mode, laid out at the end: rows (namespace first) and warning lines
        self._rows: list[list[str]] = []
        self._deferred: list[str] = []
        # table mode, streaming: the column widths so far (they only grow)
        self._widths: list[int] | None = None

    def print(self, files: Sequence[str]) -> int:
        """Print every pod of ``files``; returns the number of lint warnings."""
        from podfsm.cli._progress import Progress
        from podfsm.oracle._input import SHAPE_ERRORS, diagnose

        self.streaming = any(is_stream(f) for f in files)
        total = None if self.streaming else _total_size(files)
        show = total is not None and total >= _PROGRESS_BYTES
        try:
            with Progress("reading pods", total=total, unit="bytes", active=show) as progress:
                done = 0
                for path in files:
                    stream = PodStream(path, allow_empty=False)
                    progress.describe(f"reading {stream.name}")
                    for pod in stream:
                        try:
                            try:
                                self._one(pod)
                            except SHAPE_ERRORS as exc:  # the lint read a field of the wrong type: name it
                                raise diagnose(pod, exc) from None
                        except InvalidPod as exc:  # the oracle could not read it: say where it is in the file
                            raise stream.error(exc.where, exc.problem) from None
                        if show and self.count % 256 == 0:
                            progress.update(
                                completed=done + stream.bytes_read, note=f"{plural(self.count, 'pod')}"
                            )
                    done += stream.bytes_read
        except PodFSMError:  # a bad pod further on: what was written stays a whole JSON array
            if self.output == "json" and self.count:
                sys.stdout.write("]\n" if self.streaming else "\n]\n")
                sys.stdout.flush()
            raise
        self._finish()
        return self.warnings

    # -- one pod --------------------------------------------------------------------------------

    def _one(self, pod: dict[str, Any]) -> None:
        namespace, name = _name(pod)
        if self.output in ("json", "yaml"):
            gates = gates_shown_by(pod) or None  # the object shows the alpha gate was on
            computed = pod_phase(pod, feature_gates=gates)
            conditions = pod_conditions(pod, feature_gates=gates)
            found = lint(pod, phase=computed, conditions=conditions)
            columns = kubectl_columns(pod, now=self.now)
            entry = {
                "name": name,
                "namespace": namespace,
                "phase": str((pod.get("status") or {}).get("phase") or ""),
                "computedPhase": computed,
                "ready": columns.ready,
                "status": columns.status,
                "restarts": columns.restarts,
                "conditions": {ctype: c.status for ctype, c in conditions.items()},
                "lint": [f.as_json() for f in found],
            }
            self._write_entry(entry)
        else:
            found = lint(pod)
            if self.output == "name":
                self._write(f"pod/{escape_control(name)}\n")
            else:
                self._row(namespace, name, pod)
        self.count += 1
        namespace, name = escape_control(namespace), escape_control(name)  # no input can forge a row
        lines = [
            f"warning: {namespace}/{name}: {escape_control(f.message)}"
            for f in found
            if f.severity == "warning"
        ]
        self.warnings += len(lines)
        if lines and self.output in ("", "wide") and not self.streaming:
            self._deferred.extend(lines)  # after the table, so that standard output stays kubectl's
        elif lines:
            sys.stdout.flush()
            sys.stderr.write("".join(line + "\n" for line in lines))

    def _write(self, text: str) -> None:
        out = sys.stdout
        out.write(text)
        if self.streaming:
            out.flush()

    def _write_entry(self, entry: dict[str, Any]) -> None:
        if self.output == "json" and self.streaming:  # every line complete as soon as it is written
            lead = "[\n  " if self.count == 0 else ", "
            self._write(lead + json.dumps(entry, ensure_ascii=False) + "\n")
        elif self.output == "json":
            self._write(("[\n  " if self.count == 0 else ",\n  ") + json.dumps(entry, ensure_ascii=False))
        else:
            self._write(yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=1_000_000))

    def _row(self, namespace: str, name: str, pod: dict[str, Any]) -> None:
        if self.output == "wide":
            cells = list(kubectl_wide_columns(pod, now=self.now))
        else:
            columns = kubectl_columns(pod, now=self.now)
            cells = [columns.ready, columns.status, columns.restarts, columns.age]
        row = [escape_control(cell) for cell in (namespace, name, *cells)]  # no input can forge a row
        if not self.streaming:
            self._rows.append(row)
            return
        if not self.all_namespaces:
            row = row[1:]
        lines = [row]
        if self._widths is None and self.headers:
            lines.insert(0, list(self._header(namespaces=self.all_namespaces)))
        widths = [max(len(line[i]) + _PADDING for line in lines) for i in range(len(row) - 1)]
        self._widths = [
            max(_MIN_WIDTH, w, old) for w, old in zip(widths, self._widths or widths, strict=True)
        ]
        self._write("".join(_layout(line, self._widths) for line in lines))

    def _header(self, *, namespaces: bool) -> Sequence[str]:
        headers: Sequence[str] = WIDE_HEADERS if self.output == "wide" else HEADERS
        return ("NAMESPACE", *headers) if namespaces else headers

    # -- the end --------------------------------------------------------------------------------

    def _finish(self) -> None:
        out = sys.stdout
        if self.output == "json":
            out.write("[]\n" if self.count == 0 else "]\n" if self.streaming else "\n]\n")
        elif self.output == "yaml":
            if self.count == 0:
                out.write("[]\n")
        elif self.output in ("", "wide") and self.count == 0:
            sys.stderr.write("No resources found\n")
        elif self.output in ("", "wide") and not self.streaming:
            namespaces = self.all_namespaces or len({row[0] for row in self._rows}) > 1
            rows = self._rows if namespaces else [row[1:] for row in self._rows]
            if self.headers:
                rows = [list(self._header(namespaces=namespaces)), *rows]
            out.write(format_table(rows))
            out.flush()
            for line in self._deferred:
                sys.stderr.write(line + "\n")
        out.flush()


def _total_size(files: Sequence[str]) -> int | None:
    try:
        return sum(os.stat(f).st_size for f in files)
    except OSError:  # the reader says which one cannot be read
        return None


def _layout(row: Sequence[str], widths: Sequence[int]) -> str:
    return "".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + row[-1] + "\n"


def format_table(rows: Sequence[Sequence[str]]) -> str:
    """Rows laid out as kubectl's tabwriter does: left-aligned, 3 spaces apart, last cell unpadded."""
    if not rows:
        return ""
    widths = [max(_MIN_WIDTH, max(len(row[i]) for row in rows) + _PADDING) for i in range(len(rows[0]) - 1)]
    return "".join(_layout(row, widths) for row in rows)
