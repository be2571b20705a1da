"""Built-in example scenarios: event scripts with the pod Kubernetes would show after each step.

Each ``*.yaml`` file beside this module is one scenario::

    name: never-exit-failure
    title: One container exits 1 under restartPolicy Never
    source: seed 001 "Pod 状态示例" / upstream pkg/kubelet/kubelet_pods.go:getPhase
    pod: {...a pod manifest...}
    steps:
      - event: {type: Scheduled, node: node-1}
        expect: {phase: Pending, ready: 0/1, status: ContainerCreating, restarts: "0"}

``expect`` may give ``phase``, the kubectl columns ``ready``/``status``/``restarts``, the
``conditions`` (type -> status), per-container ``containers`` (name -> {state, reason,
restartCount, ready, exitCode}), ``reason`` (``status.reason``) and ``gone``. ``illegal: true``
on a step says the event must be refused. ``podfsm examples`` runs every scenario and checks
every expectation; the test suite does the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from importlib import resources
from typing import Any

import yaml

from podfsm.errors import IllegalEvent, ManifestError
from podfsm.model.pod import PodModel
from podfsm.model.simulation import Step


@dataclass
class Scenario:
    """One example: a pod, its events, and what must be seen after each."""

    name: str
    title: str
    source: str
    pod: dict[str, Any]
    steps: list[dict[str, Any]]


@dataclass
class Outcome:
    """The run of a scenario: its steps and every expectation that did not hold."""

    scenario: Scenario
    steps: list[Step] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def load_scenarios() -> list[Scenario]:
    """Every built-in scenario, in file-name order."""
    out = []
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        raw = yaml.safe_load(entry.read_text(encoding="utf-8"))
        if not isinstance(raw, dict) or "pod" not in raw or "steps" not in raw:
            raise ManifestError(f"podfsm/examples/{entry.name}", "a scenario needs 'pod' and 'steps'")
        out.append(
            Scenario(
                name=str(raw.get("name") or entry.name[:-5]),
                title=str(raw.get("title", "")),
                source=str(raw.get("source", "")),
                pod=raw["pod"],
                steps=list(raw["steps"]),
            )
        )
    return out


def _container_status(pod: dict[str, Any], name: str) -> dict[str, Any] | None:
    status = pod.get("status", {})
    for key in ("initContainerStatuses", "containerStatuses"):
        for cs in status.get(key, []) or []:
            if cs.get("name") == name:
                return dict(cs)
    return None


def check_step(step: Step, expect: dict[str, Any]) -> list[str]:
    """Every expectation in ``expect`` that ``step`` does not meet, as sentences."""
    from podfsm.oracle import kubectl_columns

    pod = step.pod
    problems: list[str] = []

    def cmp(what: str, want: Any, got: Any) -> None:
        if str(want) != str(got):
            problems.append(f"{what}: expected {want!r}, got {got!r}")

    if "phase" in expect:
        cmp("phase", expect["phase"], pod["status"].get("phase"))
    if "reason" in expect:
        cmp("status.reason", expect["reason"], pod["status"].get("reason"))
    if "gone" in expect:
        cmp("gone", expect["gone"], step.state.gone)
    if any(k in expect for k in ("ready", "status", "restarts")):
        cols = kubectl_columns(pod, now=step.model.t0 + timedelta(seconds=step.state.now))
        for k in ("ready", "status", "restarts"):
            if k in expect:
                cmp(k.upper(), expect[k], getattr(cols, k))
    conds = {c["type"]: c for c in pod["status"].get("conditions", [])}
    for ctype, want in (expect.get("conditions") or {}).items():
        got = conds.get(ctype, {}).get("status", "absent")
        cmp(f"condition {ctype}", want, got)
    for name, want in (expect.get("containers") or {}).items():
        cs = _container_status(pod, name)
        if cs is None:
            problems.append(f"container {name}: no status")
            continue
        state = cs.get("state", {})
        kind = next(iter(state), "")
        detail = state.get(kind, {}) if kind else {}
        for k, v in want.items():
            if k == "state":
                cmp(f"{name}.state", v, kind)
            elif k == "reason":
                cmp(f"{name}.reason", v, detail.get("reason", ""))
            elif k == "exitCode":
                cmp(f"{name}.exitCode", v, detail.get("exitCode"))
            elif k == "lastExitCode":
                cmp(
                    f"{name}.lastState.exitCode",
                    v,
                    cs.get("lastState", {}).get("terminated", {}).get("exitCode"),
                )
            else:
                cmp(f"{name}.{k}", v, cs.get(k))
    return problems


def run_scenario(sc: Scenario) -> Outcome:
    """Run one scenario, checking each step's expectations and illegal steps."""
    from podfsm.model.events import parse_event

    out = Outcome(sc)
    model = PodModel(sc.pod, source=f"example {sc.name}")
    for i, raw in enumerate(sc.steps):
        event = raw.get("event")
        if not isinstance(event, dict):
            raise ManifestError(f"example {sc.name}", f"steps[{i}] needs an 'event' mapping")
        try:
            state = model.apply(parse_event(event, i, f"example {sc.name}"))
        except IllegalEvent as exc:
            if not raw.get("illegal"):
                out.failures.append(f"step {i} ({event}): unexpected {exc}")
                return out
            continue
        if raw.get("illegal"):
            out.failures.append(f"step {i} ({event}): should have been refused as illegal")
            return out
        step = Step(dict(event), state, model)
        out.steps.append(step)
        for p in check_step(step, raw.get("expect") or {}):
            out.failures.append(f"step {i} ({event.get('type')}): {p}")
    return out
