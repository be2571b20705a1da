"""kwok as a peer: its pod stages' test pairs checked as two-snapshot traces.

kwok (kubernetes-sigs/kwok) fakes the pod lifecycle with *stages*: each selects pods by their
current object and writes a new status after a delay. Its stage tests are pairs: an input pod
(``*.input.yaml``) and the stages that apply to it with what each writes (``*.output.yaml``:
``stages: [{stage, delay: [min, max ns], next: [{kind: patch, subresource: status, type:
application/merge-patch+json, data: {...}} | {kind: delete} | {kind: event ...}]}]``).

:func:`load_pairs` turns each (input, stage) into a :class:`Transition`: the input pod, and the
pod after the stage's patches (a JSON merge patch, RFC 7386: arrays such as ``conditions`` are
replaced whole), with kwok's placeholders filled in (``<Now>``: the input's latest timestamp plus
the stage's minimum delay; ``<NodeIPWith(...)>``, ``<PodIPWith(...)>``: fixed addresses). The
input gets a ``creationTimestamp`` (its earliest timestamp) so times can be judged. A
``delete`` stage removes the object: the check is that the kubelet would have let it go.

:func:`check` runs each transition through :mod:`podfsm.conformance.trace` (a two-snapshot
trace: search and per-snapshot checks) and returns one :class:`Verdict` per transition.
``python -m podfsm.conformance.kwok DIR... [--out TRACES]`` prints the verdicts and writes each
transition as a trace file for ``podfsm check-trace``. The worked example is ``docs/kwok.md``.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from podfsm import _io
from podfsm.errors import ManifestError, PodFSMError

__all__ = ["Transition", "Verdict", "check", "load_pairs", "main", "merge_patch", "trace_lines"]

KWOK_EPOCH = "2006-01-02T15:04:05Z"  # the time kwok's test inputs carry
_PLACEHOLDER = re.compile(r"^<(\w+)(?:\((.*)\))?>$")


@dataclass(frozen=True)
class Transition:
    """One kwok stage applied to one input pod."""

    name: str  # <set>/<test>:<stage>
    stage: str
    before: dict[str, Any]
    after: dict[str, Any] | None  # None: the stage deletes the object
    delay: tuple[float, float] | None  # seconds (min, max), when the stage has one
    source: str  # the files it comes from


@dataclass
class Verdict:
    """What podfsm says about one transition."""

    transition: Transition
    ok: bool
    lines: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch: objects merge, ``null`` deletes, anything else (arrays) replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def _timestamps(obj: Any) -> Iterator[datetime]:
    if isinstance(obj, dict):
        for v in obj.values():
            yield from _timestamps(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _timestamps(v)
    elif isinstance(obj, str) and len(obj) == 20 and obj.endswith("Z") and obj[4] == "-":
        try:
            yield datetime.fromisoformat(obj)
        except ValueError:
            return


def _fill(obj: Any, now: str, name: str) -> Any:
    """kwok's placeholders: ``<Now>``, ``<NodeIPWith(..)>``, ``<PodIPWith(..)>``."""
    if isinstance(obj, dict):
        return {k: _fill(v, now, name) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_fill(v, now, name) for v in obj]
    if isinstance(obj, str):
        m = _PLACEHOLDER.match(obj)
        if m:
            if m.group(1) == "Now":
                return now
            if m.group(1) == "NodeIPWith":
                return "10.0.0.1"
            if m.group(1) == "PodIPWith":
                return "10.0.0.2"
    return obj


def _fmt(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_pairs(directory: str | Path) -> list[Transition]:
    """Every (input, stage) transition of the ``testdata/*.input.yaml`` pairs under ``directory``."""
    root = Path(directory)
    out: list[Transition] = []
    for inp in sorted(root.rglob("*.input.yaml")):
        output = inp.with_name(inp.name.replace(".input.yaml", ".output.yaml"))
        if not output.exists():
            raise ManifestError(str(inp), f"no output file {output.name} beside it")
        try:
            before = yaml.safe_load(inp.read_text(encoding="utf-8"))
            result = yaml.safe_load(output.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ManifestError(str(inp), f"not valid YAML: {exc}") from None
        if not isinstance(before, dict) or not isinstance(result, dict):
            raise ManifestError(str(inp), "expected a pod and a stage result (mappings)")
        test = inp.name[: -len(".input.yaml")]
        group = inp.parent.parent.name if inp.parent.name == "testdata" else inp.parent.name
        moments = sorted(_timestamps(before))
        created = moments[0] if moments else datetime.fromisoformat(KWOK_EPOCH)
        before = copy.deepcopy(before)
        meta = before.setdefault("metadata", {})
        meta.setdefault("namespace", "default")
        meta.setdefault("creationTimestamp", _fmt(created))
        latest = max([*moments, created])
        for stage in result.get("stages") or ():
            delay_ns = stage.get("delay")
            delay = (
                (delay_ns[0] / 1e9, delay_ns[-1] / 1e9) if isinstance(delay_ns, list) and delay_ns else None
            )
            now = _fmt(latest + timedelta(seconds=max(1.0, delay[0] if delay else 1.0)))
            after: dict[str, Any] | None = copy.deepcopy(before)
            for step in stage.get("next") or ():
                if step.get("kind") == "delete":
                    after = None
                elif step.get("kind") == "patch" and after is not None:
                    data = _fill(step.get("data") or {}, now, str(meta.get("name") or ""))
                    if step.get("type", "application/merge-patch+json") != "application/merge-patch+json":
                        raise ManifestError(
                            str(output), f"stage {stage.get('stage')}: patch type {step.get('type')}"
                        )
                    after = merge_patch(after, data)
            out.append(
                Transition(
                    name=f"{group}/{test}:{stage.get('stage')}",
                    stage=str(stage.get("stage")),
                    before=before,
                    after=after,
                    delay=delay,
                    source=f"{inp} -> {output.name}",
                )
            )
    return out


def trace_lines(t: Transition) -> str:
    """The transition as a trace (``kubectl get pods -w -o json`` lines); a deletion is a DELETED event."""
    first = json.dumps(t.before, separators=(",", ":"))
    if t.after is None:
        return (
            first + "\n" + json.dumps({"type": "DELETED", "object": t.before}, separators=(",", ":")) + "\n"
        )
    return first + "\n" + json.dumps(t.after, separators=(",", ":")) + "\n"


def _deletion_findings(t: Transition) -> list[tuple[str, str]]:
    """A deleted pod: the kubelet lets the API object go only once nothing runs (status_manager.go:
    canBeDeleted / PodCouldHaveRunningContainers)."""
    status = t.before.get("status") or {}
    running = [
        cs.get("name")
        for key in ("initContainerStatuses", "containerStatuses")
        for cs in status.get(key) or ()
        if isinstance(cs, dict) and "running" in (cs.get("state") or {})
    ]
    if running:
        return [
            (
                "deleted-while-running",
                f"the object is removed while containers {running} still show running: the kubelet first"
                " kills them and publishes their terminated states"
                " (pkg/kubelet/status/status_manager.go:canBeDeleted)",
            )
        ]
    return []


def check(transitions: Sequence[Transition], *, budget: int = 1500) -> list[Verdict]:
    """Judge each transition with check-trace's machinery (search plus per-snapshot checks)."""
    from podfsm.conformance.trace import PodChecker, Snapshot

    verdicts = []
    for t in transitions:
        v = Verdict(t, True)
        try:
            checker = PodChecker(t.before, budget=budget)
            pods = [t.before] if t.after is None else [t.before, t.after]
            for i, pod in enumerate(pods):
                findings, violation = checker.feed(Snapshot(i, pod))
                for f in findings:
                    v.rules.append(f.rule)
                    v.lines.append(f"snapshot {i}: {f.rule}: {f.message} ({f.upstream})")
                if violation is not None:
                    v.rules.append(violation.rule)
                    v.lines.extend(violation.lines())
        except PodFSMError as exc:
            v.rules.append("readable-pod")
            v.lines.append(str(exc))
        if t.after is None:
            for rule, message in _deletion_findings(t):
                v.rules.append(rule)
                v.lines.append(f"{rule}: {message}")
        v.ok = not v.rules
        verdicts.append(v)
    return verdicts


def _file_name(t: Transition) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "-", t.name).strip("-") + ".json"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m podfsm.conformance.kwok DIR... [--out TRACES]``: one line per transition."""
    parser = argparse.ArgumentParser(prog="python -m podfsm.conformance.kwok", description=main.__doc__)
    parser.add_argument("dirs", nargs="+", metavar="DIR", help="kwok stage directories with testdata/ pairs")
    parser.add_argument("--out", metavar="TRACES", help="write each transition as a trace file here")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the whole report of each")
    args = parser.parse_args(argv)
    try:
        transitions = [t for d in args.dirs for t in load_pairs(d)]
    except PodFSMError as exc:
        print(f"kwok: {exc}", file=sys.stderr)
        return 2
    bad = 0
    for v in check(transitions):
        head = "ok  " if v.ok else "NOT "
        print(f"{head}{v.transition.name}" + ("" if v.ok else f": {', '.join(dict.fromkeys(v.rules))}"))
        if args.verbose:
            for line in v.lines:
                print(f"      {line}")
        bad += not v.ok
        if args.out:
            _io.write_atomic(Path(args.out) / _file_name(v.transition), trace_lines(v.transition))
    print(f"{len(transitions) - bad} legal, {bad} not")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
