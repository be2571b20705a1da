"""Differential testing: Hypothesis drives podfsm and another implementation side by side.

Hypothesis draws a pod (:func:`~podfsm.verifier.strategies.pod_specs`) and a legal event script
for it (:func:`~podfsm.verifier.strategies.event_scripts`), sends both to the other program over
the simulation protocol (the one simulation vectors use, ``docs/vectors.md``)::

    request (one JSON line):  {"id": "...", "pod": {...}, "events": [{...}, ...]}
    answer  (one JSON line):  {"steps": [{"pod": {...}} | {"rejected": true}, ...]}

and compares every step with podfsm: whether the event was refused, then the fields
:func:`~podfsm.conformance.trace.project` judges (phase, reason, conditions, every container's
state, reason, exit code, restartCount, readiness and times) and the ``kubectl get pods`` STATUS
word. On a divergence Hypothesis shrinks the pod and the script to a minimal one that still
diverges; :func:`differential` returns it as a :class:`Divergence`.

``podfsm conformance --differential N --program CMD`` runs it from the command line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from podfsm.conformance.runner import DEFAULT_TIMEOUT, LineProgram, _split, ask_once, check_timeout
from podfsm.errors import PodFSMError

__all__ = ["Divergence", "compare_steps", "default_strategy", "differential", "request"]


@dataclass(frozen=True)
class Divergence:
    """The first step where the other program and podfsm disagree, on a (shrunk) pod and script."""

    pod: Mapping[str, Any]
    events: Sequence[Mapping[str, Any]]
    step: int  # index of the event after which they disagree (-1: the answer itself is wrong)
    field: str
    podfsm: Any
    program: Any
    examples: int = 0  # how many pods/scripts were tried before this one was found
    extra: Mapping[str, Any] = dataclass_field(default_factory=dict)

    def lines(self) -> list[str]:
        """A person's report: the pod, the script up to the divergence, and what differs."""
        from podfsm.model.simulation import event_summary

        spec = self.pod.get("spec") or {}
        names = [c.get("name") for k in ("initContainers", "containers") for c in spec.get(k) or ()]
        out = [
            f"DIVERGENCE at step {self.step}: {self.field}: podfsm {_show(self.podfsm)},"
            f" program {_show(self.program)}",
            f"  pod: restartPolicy {spec.get('restartPolicy', 'Always')}, containers {names}",
        ]
        for i, ev in enumerate(self.events[: self.step + 1]):
            out.append(f"  {i:>3}  {event_summary(ev)}")
        out.append("  replay: " + json.dumps({"pod": self.pod, "events": list(self.events[: self.step + 1])}))
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "field": self.field,
            "podfsm": self.podfsm,
            "program": self.program,
            "pod": self.pod,
            "events": list(self.events),
        }


def _show(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, str) else value or '""'


def request(pod: Mapping[str, Any], events: Sequence[Mapping[str, Any]], rid: str = "differential") -> str:
    """The protocol request for ``pod`` and ``events``, as one line of compact JSON."""
    return json.dumps({"id": rid, "pod": pod, "events": list(events)}, separators=(",", ":"))


def compare_steps(
    pod: Mapping[str, Any], events: Sequence[Mapping[str, Any]], answer: Any
) -> tuple[int, str, Any, Any] | None:
    """The first difference between podfsm and ``answer`` (``(step, field, podfsm, program)``)."""
    from podfsm.conformance.runner import simulation_answer
    from podfsm.conformance.trace import _creation, project
    from podfsm.oracle import kubectl_columns

    ours = simulation_answer({"pod": pod, "events": list(events)})["steps"]
    steps = answer.get("steps") if isinstance(answer, dict) else None
    if not isinstance(steps, list):
        return -1, "steps", "an array of steps", answer
    for i, want in enumerate(ours):
        have = steps[i] if i < len(steps) else None
        if not isinstance(have, dict):
            return i, f"steps[{i}]", "a step", have
        if bool(want.get("rejected")) != bool(have.get("rejected")):
            return i, "rejected", bool(want.get("rejected")), bool(have.get("rejected"))
        if want.get("rejected"):
            continue
        theirs = have.get("pod")
        if not isinstance(theirs, dict):
            return i, "pod", "a pod object", theirs
        t0 = _creation(want["pod"])
        a, b = project(want["pod"], t0), project(theirs, t0)
        for key, value in a.items():
            if b.get(key) != value:
                return i, key, value, b.get(key)
        now = t0
        try:
            sa = kubectl_columns(want["pod"], now=now).status
            sb = kubectl_columns(theirs, now=now).status
        except PodFSMError as exc:
            return i, "pod", "a readable pod", str(exc)
        if sa != sb:
            return i, "kubectl STATUS", sa, sb
    if len(steps) != len(ours):
        return len(ours), "steps", f"{len(ours)} steps", f"{len(steps)} steps"
    return None


def default_strategy() -> st.SearchStrategy[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Small pods (up to one init, one sidecar, two regular containers) and scripts of up to 20 events."""
    from podfsm.verifier.strategies import event_scripts, pod_specs

    pods = pod_specs(max_init=1, max_sidecars=1, max_regular=2, gates=False)
    return pods.flatmap(lambda pod: event_scripts(pod, max_size=20).map(lambda script: (pod, script)))


class _Diverged(Exception):
    pass


def differential(
    program: str | Sequence[str],
    *,
    examples: int = 200,
    jsonl: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    seed: int | None = 0,
    strategy: st.SearchStrategy[tuple[dict[str, Any], list[dict[str, Any]]]] | None = None,
) -> Divergence | None:
    """Run up to ``examples`` pods and scripts through podfsm and ``program``; the first divergence,
    shrunk to a minimal pod and script, or None when they agree on every one.

    ``seed`` makes the run reproducible (None: random). The program is started once (``jsonl``)
    or once per request. Raises :class:`~podfsm.errors.UsageError` for a program that cannot run.
    """
    argv = _split(program)
    timeout = check_timeout(timeout)
    line_program: list[LineProgram] = []
    tried = [0]

    def ask(pod: Mapping[str, Any], events: Sequence[Mapping[str, Any]]) -> Any:
        payload = request(pod, events)
        if jsonl:
            if not line_program or not line_program[0].alive:
                if line_program:
                    line_program.pop().close()
                line_program.append(LineProgram(argv))
            text, error = line_program[0].ask(payload, timeout)
        else:
            text, error = ask_once(payload, argv, timeout)
        if text is None:
            return {"error": error}
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return {"error": f"not JSON: {text[:120]}"}

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.generate, Phase.shrink),
        report_multiple_bugs=False,
    )
    @given(strategy or default_strategy())
    def probe(example: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
        pod, events = example
        tried[0] += 1
        found = compare_steps(pod, events, ask(pod, events))
        if found is not None:
            step, where, ours, theirs = found
            raise _Diverged(Divergence(pod, events, step, where, ours, theirs, tried[0]))

    test = probe if seed is None else hypothesis_seed(seed)(probe)
    try:
        test()
    except _Diverged as exc:
        divergence: Divergence = exc.args[0]
        return divergence
    finally:
        for lp in line_program:
            lp.close()
    return None
