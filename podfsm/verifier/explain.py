"""Counterexamples people read: the violating step as a diff of the published fields that matter.

A counterexample is a pod, an event script and the invariant it breaks. :func:`explain` replays
the script (on the model, or on a mutant's factory), takes the published pods before and after
the last event, and prints what changed in the fields an invariant judges: the phase and its
reason, the kubelet's conditions, each container's state, ready, started, restartCount and
lastState, and the deletion timestamp. With the invariant's one-sentence statement and the
script in the files ``podfsm simulate POD EVENTS`` reads, a reader sees what went wrong without
reading a rendered pod of 80 lines::

    invariant phase-is-getphase violated: status.phase is Pending but getPhase gives Running
      status.phase is what getPhase computes from the published container statuses, ...
    the last event: {"type": "ContainerExited", "container": "app-0", "exitCode": 0}
      status.phase                          Running -> Pending
      containers[app-0].state               running -> waiting CrashLoopBackOff
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["diff", "explain", "fields_that_matter"]


def _state_text(state: Any) -> str:
    if not isinstance(state, Mapping) or not state:
        return "-"
    parts = []
    for kind in ("waiting", "running", "terminated"):
        if kind in state:
            detail = state[kind] if isinstance(state[kind], Mapping) else {}
            text = kind
            if detail.get("reason"):
                text += f" {detail['reason']}"
            if "exitCode" in detail:
                text += f" exit {detail['exitCode']}"
            if detail.get("finishedAt"):
                text += f" at {detail['finishedAt']}"
            parts.append(text)
    return " + ".join(parts) or "-"


def fields_that_matter(pod: Mapping[str, Any]) -> dict[str, str]:
    """The fields invariants judge, flattened to ``name -> text`` (absent fields left out)."""
    out: dict[str, str] = {}
    meta = pod.get("metadata") if isinstance(pod.get("metadata"), Mapping) else {}
    status = pod.get("status") if isinstance(pod.get("status"), Mapping) else {}
    assert isinstance(meta, Mapping) and isinstance(status, Mapping)
    if meta.get("deletionTimestamp"):
        out["metadata.deletionTimestamp"] = str(meta["deletionTimestamp"])
    for key in ("phase", "reason"):
        if status.get(key):
            out[f"status.{key}"] = str(status[key])
    for c in status.get("conditions") or ():
        if isinstance(c, Mapping):
            text = str(c.get("status"))
            if c.get("reason"):
                text += f" ({c['reason']})"
            out[f"conditions[{c.get('type')}]"] = text
    for field in ("initContainerStatuses", "containerStatuses"):
        for c in status.get(field) or ():
            if not isinstance(c, Mapping):
                continue
            name = f"{'initContainers' if field.startswith('init') else 'containers'}[{c.get('name')}]"
            out[f"{name}.state"] = _state_text(c.get("state"))
            out[f"{name}.ready"] = str(c.get("ready")).lower()
            if "started" in c:
                out[f"{name}.started"] = str(c.get("started")).lower()
            out[f"{name}.restartCount"] = str(c.get("restartCount", 0))
            last = _state_text(c.get("lastState"))
            if last != "-":
                out[f"{name}.lastState"] = last
    return out


def diff(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[str]:
    """One line per field that matters and changed (or, with no ``before``, every such field)."""
    old = fields_that_matter(before) if before is not None else {}
    new = fields_that_matter(after)
    lines = []
    for key in list(old) + [k for k in new if k not in old]:
        a, b = old.get(key, "-"), new.get(key, "-")
        if before is None:
            lines.append(f"  {key:<44} {b}")
        elif a != b:
            lines.append(f"  {key:<44} {a} -> {b}")
    return lines


def explain(
    manifest: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    invariant: str,
    message: str,
    *,
    model_factory: Callable[[Mapping[str, Any]], Any] | None = None,
) -> str:
    """The violation as a reader wants it: the invariant, its statement, and the last step's diff.

    Replays ``events`` on ``model_factory`` (default: the model) to render the published pods
    before and after the last event. The script itself is printed by the caller.
    """
    from podfsm.verifier.explorer import replay
    from podfsm.verifier.invariants import INVARIANTS

    lines = [f"invariant {invariant} violated: {message}"]
    inv = INVARIANTS.get(invariant)
    if inv is not None:
        lines.append(f"  ({inv.statement})")
    steps = replay(manifest, events, model_factory=model_factory)
    if not steps:
        return "\n".join(lines)
    last = steps[-1]
    before = last.context.published(last.before) if last.before is not None else None
    event = last.event.to_dict() if hasattr(last.event, "to_dict") else last.event
    lines.append(f"the last step (event {len(steps)} of {len(events)}): {json.dumps(event)}")
    if last.refused is not None:
        lines.append(f"  refused: {last.refused}")
        return "\n".join(lines)
    changed = diff(before, last.pod)
    lines.append("the published pod, before -> after:" if before is not None else "the published pod:")
    lines.extend(changed or ["  (no field that matters changed)"])
    return "\n".join(lines)
