"""Checking recorded pod behaviour: is a watch stream a sequence of statuses the kubelet may publish?

A *trace* is what ``kubectl get pods -w -o json`` prints: pod objects one after another, several
pods interleaved (told apart by ``metadata.uid``, else namespace/name), or a ``kind: List`` of
snapshots, or watch-event envelopes ``{"type": "MODIFIED", "object": {...}}`` (``ERROR`` envelopes
are reported and skipped, ``BOOKMARK`` ones skipped).

For each pod, :class:`PodChecker` keeps a small set of model states (:class:`~podfsm.model.pod.PodModel`)
that publish what was observed so far. For the next snapshot it searches, best first, for a
sequence of world events (the lifecycle events of the interface, with the exit codes, reasons,
node and timestamps the snapshot shows) and kubelet syncs (``TimePassed``) that leads from one of
those states to a state publishing what the snapshot shows. A watch may skip any number of
intermediate states, so the search is not limited to one event; its size is bounded
(``budget`` model states per snapshot). The times come from the snapshot's timestamps
(``startedAt``/``finishedAt`` of each container, seconds since ``metadata.creationTimestamp``):
a container the snapshot shows started at ``S`` is started in the model at ``S`` (within
:data:`TIME_TOLERANCE`), so a restart before the back-off ran out is found impossible.

What is compared (:func:`project`): the phase, ``status.reason``, whether a deletion was
requested, the status of every kubelet-owned condition the snapshot has, and for every container
status it has: the state (waiting/running/terminated), its reason and exit code, restartCount,
ready, and the start and finish times. Everything else (IPs, images, messages) is not judged.

When no sequence is found, the first impossible step is reported (:class:`StepViolation`) with
both snapshots, the fields that changed, the closest states the model reached (with the events
that lead there and what still differs), and the rule that forbids the step with its upstream
source. Each snapshot is also checked on its own (:func:`check_snapshot`): phase and conditions
against the oracle, the kubectl vocabulary, and the API's one-member ContainerState.

Memory per pod is bounded (a few model states and the previous snapshot), so a live
``kubectl get pods -w -o json | podfsm check-trace -`` can run for ever.
"""

from __future__ import annotations

import heapq
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from podfsm.errors import IllegalEvent, PodFSMError
from podfsm.model.kubelet_config import FEATURE_GATE_DEFAULTS, KubeletConfig, gates_shown_by
from podfsm.model.machines import CONTAINER_MACHINE
from podfsm.model.machines import container as ctm
from podfsm.model.machines.container import ALIVE as _ALIVE
from podfsm.model.pod import MIN_GRACE_SECONDS, PodModel, PodState
from podfsm.oracle import kubectl_columns, pod_conditions, pod_phase
from podfsm.streaming import PodStream, StreamSource

__all__ = [
    "DEFAULT_BUDGET",
    "TIME_TOLERANCE",
    "Finding",
    "PodChecker",
    "PodVerdict",
    "Snapshot",
    "StepViolation",
    "TraceChecker",
    "WatchError",
    "check_snapshot",
    "check_trace",
    "iter_trace",
    "pod_key",
    "project",
]

DEFAULT_BUDGET = 2000
"""Model states the search may expand for one snapshot before it declares the step impossible."""

TIME_TOLERANCE = 1.0
"""Seconds a model timestamp may differ from the observed one (the API writes whole seconds)."""

_FRONTIER = 4  # model states kept per pod after a snapshot matched
_KUBELET_CONDITIONS = (
    "PodScheduled",
    "PodReadyToStartContainers",
    "Initialized",
    "ContainersReady",
    "Ready",
    "DisruptionTarget",
)

# Which rule a differing field points at, when no step invariant names one: (rule, upstream).
_FIELD_RULES: tuple[tuple[str, str, str], ...] = (
    (
        ".startedAt",
        "a container is (re)started only when its back-off has run out, at the time it shows",
        "pkg/kubelet/kuberuntime/kuberuntime_manager.go:doBackOff",
    ),
    (
        ".restartCount",
        "restartCount counts the kubelet's restarts of the container: it only grows, by one per restart,"
        " and only when the restart policy restarts the container",
        "pkg/kubelet/kuberuntime/kuberuntime_manager.go:computePodActions;"
        " pkg/kubelet/container/helpers.go:ShouldContainerBeRestarted",
    ),
    (
        ".state",
        "a container's state follows the runtime and the restart policy",
        "pkg/kubelet/kuberuntime/kuberuntime_manager.go:computePodActions",
    ),
    (
        ".ready",
        "a container is ready only while it runs and its readiness probe (if any) succeeds",
        "pkg/kubelet/prober/prober_manager.go:UpdatePodStatus",
    ),
    (
        "status.phase",
        "the phase is what getPhase computes from the containers; Succeeded and Failed are final",
        "pkg/kubelet/kubelet_pods.go:getPhase; pkg/kubelet/status/status_manager.go:updateStatusInternal",
    ),
    (
        "conditions.",
        "the kubelet's conditions are computed from the containers",
        "pkg/kubelet/status/generate.go",
    ),
)


# --------------------------------------------------------------------------------------------
# Reading a trace


@dataclass(frozen=True)
class WatchError:
    """An ``ERROR`` watch event (``{"type": "ERROR", "object": <Status>}``): reported, then skipped."""

    index: int
    message: str


@dataclass(frozen=True)
class Snapshot:
    """One pod object of the trace, the ``index``-th object read (0-based) and its watch event type."""

    index: int
    pod: Mapping[str, Any]
    event_type: str = ""


class _TraceStream(PodStream):
    """:class:`podfsm.streaming.PodStream` that also passes on ``ERROR`` watch events (as
    :class:`WatchError`) and remembers each pod's watch event type."""

    def __init__(self, src: StreamSource, *, source: str | None = None) -> None:
        super().__init__(src, source=source)
        self.event_type = ""

    def _collect(self, obj: object, prefix: str | None, path: tuple[int | str, ...]) -> Iterator[Any]:
        if isinstance(obj, dict) and obj.get("kind") is None and "type" in obj and "object" in obj:
            wtype = obj["type"]
            if wtype == "ERROR":
                status = obj["object"]
                message = status.get("message") if isinstance(status, dict) else None
                yield WatchError(-1, str(message or status))
                return
            self.event_type = str(wtype) if wtype != "BOOKMARK" else ""
        else:
            self.event_type = ""
        yield from super()._collect(obj, prefix, path)


def iter_trace(stream: StreamSource, source: str | None = None) -> Iterator[Snapshot | WatchError]:
    """The pod snapshots and watch errors of a trace, as they arrive.

    ``stream`` is a path, ``"-"`` for standard input, bytes or an open file; it is read one pod at
    a time by :mod:`podfsm.streaming` (concatenated JSON, watch events, Lists item by item, YAML
    documents), so a live watch is handled as it prints. ``ERROR`` watch events come out as
    :class:`WatchError`. Raises :class:`~podfsm.errors.ManifestError` naming ``source`` for input
    that is not pods.
    """
    reader = _TraceStream(stream, source=source)
    for index, item in enumerate(reader):
        if isinstance(item, WatchError):
            yield WatchError(index, item.message)
        else:
            yield Snapshot(index, item, reader.event_type)


def pod_key(pod: Mapping[str, Any]) -> str:
    """Which pod a snapshot belongs to: its uid, else ``namespace/name``."""
    meta = pod.get("metadata") or {}
    uid = meta.get("uid")
    if uid:
        return str(uid)
    return f"{meta.get('namespace') or 'default'}/{meta.get('name') or ''}"


def _pod_name(pod: Mapping[str, Any]) -> str:
    meta = pod.get("metadata") or {}
    return f"{meta.get('namespace') or 'default'}/{meta.get('name') or ''}"


# --------------------------------------------------------------------------------------------
# What is compared


def _seconds(value: Any, t0: datetime | None) -> float | None:
    if t0 is None or not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return (moment - t0).total_seconds()


def _creation(pod: Mapping[str, Any]) -> datetime | None:
    value = (pod.get("metadata") or {}).get("creationTimestamp")
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def project(pod: Mapping[str, Any], t0: datetime | None = None) -> dict[str, Any]:
    """The fields of a published pod that the trace check judges, as ``path -> value``.

    Times are seconds since ``t0`` (``None`` when there is no ``t0`` or no such time).
    """
    status = pod.get("status") or {}
    meta = pod.get("metadata") or {}
    out: dict[str, Any] = {
        "status.phase": status.get("phase") or "",
        "status.reason": status.get("reason") or "",
        "metadata.deletionTimestamp": meta.get("deletionTimestamp") is not None,
    }
    if not out["status.phase"]:  # no status written yet (a pod just created): nothing to judge there
        del out["status.phase"], out["status.reason"]
    for c in status.get("conditions") or ():
        if isinstance(c, dict) and c.get("type") in _KUBELET_CONDITIONS:
            out[f"conditions.{c['type']}"] = c.get("status") or ""
    for key in ("initContainerStatuses", "containerStatuses"):
        for cs in status.get(key) or ():
            if not isinstance(cs, dict) or not cs.get("name"):
                continue
            p = f"containers.{cs['name']}"
            state = cs.get("state") or {}
            kinds = [k for k in ("waiting", "running", "terminated") if isinstance(state.get(k), dict)]
            kind = kinds[0] if len(kinds) == 1 else "+".join(kinds)
            out[f"{p}.state"] = kind
            detail = state.get(kind) if len(kinds) == 1 else None
            detail = detail if isinstance(detail, dict) else {}
            out[f"{p}.reason"] = detail.get("reason") or ""
            if kind == "terminated":
                out[f"{p}.exitCode"] = detail.get("exitCode")
                out[f"{p}.finishedAt"] = _seconds(detail.get("finishedAt"), t0)
            if kind in ("running", "terminated"):
                out[f"{p}.startedAt"] = _seconds(detail.get("startedAt"), t0)
            out[f"{p}.restartCount"] = cs.get("restartCount", 0)
            out[f"{p}.ready"] = bool(cs.get("ready"))
    return out


def _model_projections(pod: Mapping[str, Any], t0: datetime | None) -> list[dict[str, Any]]:
    """What the kubelet may publish for a model state: its status, and, for a container that
    exited and waits to be restarted, the exit itself (the status the kubelet writes after the
    runtime reports the exit and before the sync that restarts it or enters back-off:
    ``kuberuntime_container.go:getContainerStatuses`` reads the exited container)."""
    base = project(pod, t0)
    variant = dict(base)
    status = pod.get("status") or {}
    changed = False
    for key in ("initContainerStatuses", "containerStatuses"):
        for cs in status.get(key) or ():
            waiting = (cs.get("state") or {}).get("waiting")
            last = (cs.get("lastState") or {}).get("terminated")
            if not isinstance(waiting, dict) or not isinstance(last, dict):
                continue
            if (waiting.get("reason") or "") not in ("", "CrashLoopBackOff"):
                continue
            p = f"containers.{cs['name']}"
            variant[f"{p}.state"] = "terminated"
            variant[f"{p}.reason"] = last.get("reason") or ""
            variant[f"{p}.exitCode"] = last.get("exitCode")
            variant[f"{p}.startedAt"] = _seconds(last.get("startedAt"), t0)
            variant[f"{p}.finishedAt"] = _seconds(last.get("finishedAt"), t0)
            changed = True
    return [base, variant] if changed else [base]


def _distance(
    pod: Mapping[str, Any], t0: datetime | None, observed: Mapping[str, Any]
) -> tuple[int, list[str]]:
    """The closest of the model's publishable projections to ``observed``."""
    return min((_differences(p, observed) for p in _model_projections(pod, t0)), key=lambda wd: wd[0])


def _differences(model: Mapping[str, Any], observed: Mapping[str, Any]) -> tuple[int, list[str]]:
    """How far ``model`` is from ``observed`` (a weight) and the paths that differ."""
    weight = 0
    paths: list[str] = []
    for path, want in observed.items():
        have = model.get(path)
        if path.endswith("At"):
            if want is None:
                continue
            if have is None or abs(have - want) > TIME_TOLERANCE:
                weight += 1
                paths.append(path)
            continue
        if have == want:
            continue
        paths.append(path)
        if path.endswith(".restartCount") and isinstance(have, int) and isinstance(want, int):
            weight += 3 * abs(want - have)
        else:
            weight += 2 if path.endswith(".state") else 1
    return weight, paths


# --------------------------------------------------------------------------------------------
# Per-snapshot checks


@dataclass(frozen=True)
class Finding:
    """A snapshot that is wrong on its own: ``rule`` broken, ``message`` why, ``upstream`` where."""

    rule: str
    message: str
    upstream: str

    def to_json(self) -> dict[str, str]:
        return {"rule": self.rule, "message": self.message, "upstream": self.upstream}


def check_snapshot(pod: Mapping[str, Any]) -> list[Finding]:
    """Problems a single published pod shows on its own.

    - one-member ContainerState: ``state`` and ``lastState`` have at most one of waiting, running,
      terminated (``staging/src/k8s.io/api/core/v1/types.go:ContainerState``);
    - ``status.phase`` against the kubelet's ``getPhase`` and the kubelet-owned conditions against
      ``status/generate.go`` (the ``podfsm status`` lint);
    - the ``kubectl get pods`` STATUS word is one kubectl can print (``printPod``).
    """
    from podfsm.cli.status import lint
    from podfsm.verifier.invariants import status_in_vocabulary

    findings: list[Finding] = []
    status = pod.get("status") or {}
    for key in ("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"):
        for cs in status.get(key) or ():
            if not isinstance(cs, dict):
                continue
            for which in ("state", "lastState"):
                st = cs.get(which) or {}
                kinds = [k for k in ("waiting", "running", "terminated") if st.get(k) is not None]
                if len(kinds) > 1:
                    findings.append(
                        Finding(
                            "one-member-container-state",
                            f"container {cs.get('name')!r}: {which} is both {' and '.join(kinds)}",
                            "k8s.io/api/core/v1/types.go:ContainerState (only one member may be set)",
                        )
                    )
    if findings:
        return findings  # the oracle's view of a malformed state would only repeat it
    present = {str(c.get("type")) for c in status.get("conditions") or () if isinstance(c, dict)}
    owned = ("Initialized", "ContainersReady", "Ready")
    if present & set(owned) and not present >= set(owned):
        missing = [t for t in owned if t not in present]
        findings.append(
            Finding(
                "kubelet-conditions-together",
                f"conditions {', '.join(sorted(present & set(owned)))} without {', '.join(missing)}:"
                " the kubelet writes these three together on every status update",
                "pkg/kubelet/kubelet_pods.go:generateAPIPodStatus",
            )
        )
    try:
        gates = gates_shown_by(pod) or None  # a RestartAllContainers rule: the alpha gate was on
        phase, conditions = pod_phase(pod, feature_gates=gates), pod_conditions(pod, feature_gates=gates)
        for f in lint(pod, phase=phase, conditions=conditions):
            if getattr(f, "severity", "warning") != "warning":
                continue  # the kubelet did write it (an evicted pod's Failed, ...)
            stopping = bool(status.get("reason") or (pod.get("metadata") or {}).get("deletionTimestamp"))
            recorded_reason = _condition_reason(status, f.field)
            # generate.go: a pod the kubelet has found terminal gets ContainersReady/Ready False with
            # reason PodCompleted/PodFailed while its containers are being stopped
            stopping = stopping or recorded_reason in ("PodFailed", "PodCompleted")
            if f.recorded == "False" and (
                f.message.startswith("condition Ready ")
                or (stopping and f.message.startswith("condition ContainersReady "))
            ):
                # another writer may set Ready False: the node lifecycle controller's MarkPodsNotReady
                # (pkg/controller/util/node/controller_utils.go), the kubelet while it stops the pod
                continue
            upstream = (
                "pkg/kubelet/kubelet_pods.go:getPhase"
                if f.field == "status.phase"
                else "pkg/kubelet/status/generate.go"
            )
            rule = (
                "phase-agrees-with-containers"
                if f.field == "status.phase"
                else "conditions-agree-with-containers"
            )
            findings.append(Finding(rule, f.message, upstream))
        word = kubectl_columns(pod, now=None).status
    except PodFSMError as exc:
        return [Finding("readable-pod", str(exc), "staging/src/k8s.io/api/core/v1/types.go:Pod")]
    if status.get("phase") and not status_in_vocabulary(word):
        findings.append(
            Finding(
                "kubectl-vocabulary",
                f"kubectl would print STATUS {word!r}, not a word the kubelet's reasons produce",
                "pkg/printers/internalversion/printers.go:printPod",
            )
        )
    return findings


def _condition_reason(status: Mapping[str, Any], field_path: str) -> str:
    """The recorded reason of the condition a lint finding's field (``status.conditions[2].status``) names."""
    try:
        index = int(field_path.split("[", 1)[1].split("]", 1)[0])
        return str(status["conditions"][index].get("reason") or "")
    except (IndexError, KeyError, ValueError, AttributeError, TypeError):
        return ""


# --------------------------------------------------------------------------------------------
# Step rules on the observed history (independent of the search: they name the rule)


@dataclass(frozen=True)
class _Rule:
    name: str
    statement: str
    upstream: str


def _history_rules(
    before: Mapping[str, Any], after: Mapping[str, Any], spec_policy: str, restartable: frozenset[str]
) -> list[tuple[_Rule, str]]:
    """Step rules the observed change breaks, each with why (the one place the step invariants are called)."""
    out: list[tuple[_Rule, str]] = []
    p0, p1 = before.get("status.phase"), after.get("status.phase")
    if p0 in ("Succeeded", "Failed") and p1 != p0:
        out.append(
            (
                _Rule(
                    "terminal-phase-absorbing",
                    "a pod in Succeeded or Failed never changes phase again",
                    "pkg/kubelet/status/status_manager.go:updateStatusInternal",
                ),
                f"phase went from {p0} to {p1 or '(none)'}",
            )
        )
    for path, old in before.items():
        if path.endswith(".restartCount") and isinstance(old, int):
            new = after.get(path)
            if isinstance(new, int) and new < old:
                out.append(
                    (
                        _Rule(
                            "restart-count-never-decreases",
                            "restartCount only grows while the pod exists",
                            "pkg/kubelet/kuberuntime/kuberuntime_container.go:getContainerStatuses",
                        ),
                        f"{path} went from {old} to {new}",
                    )
                )
    if spec_policy == "Always" and p1 == "Succeeded" and not after.get("metadata.deletionTimestamp"):
        out.append(
            (
                _Rule(
                    "always-never-succeeds",
                    "under restartPolicy Always a pod is Succeeded only while it is being deleted",
                    "pkg/kubelet/kubelet_pods.go:getPhase",
                ),
                "phase Succeeded under restartPolicy Always without a deletion",
            )
        )
    if (
        spec_policy == "Always"
        and p1 == "Failed"
        and p0 != "Failed"
        and not after.get("status.reason")
        and not after.get("metadata.deletionTimestamp")
    ):
        out.append(
            (
                _Rule(
                    "always-fails-only-when-forced",
                    "under restartPolicy Always a failed container is restarted: the pod becomes Failed"
                    " only when something forces it (eviction, activeDeadlineSeconds, node shutdown),"
                    " which sets status.reason",
                    "pkg/kubelet/kubelet_pods.go:getPhase; pkg/kubelet/eviction/eviction_manager.go",
                ),
                "phase Failed under restartPolicy Always with no status.reason and no deletion",
            )
        )
    if spec_policy == "Never":
        for path, old in before.items():
            if path.endswith(".restartCount") and isinstance(old, int):
                new = after.get(path)
                name = path[len("containers.") : -len(".restartCount")]
                if isinstance(new, int) and new > old and name not in restartable:
                    out.append(
                        (
                            _Rule(
                                "never-is-not-restarted",
                                "under restartPolicy Never a container that ended is not run again",
                                "pkg/kubelet/container/helpers.go:ShouldContainerBeRestarted",
                            ),
                            f"{path} went from {old} to {new}",
                        )
                    )
    return out


_WINDOW = 3  # observations the published step invariants see (bounded: memory stays flat)


def _observation(pod: Mapping[str, Any]) -> Any:
    """The published pod as an invariants Observation: its time is its latest timestamp."""
    from podfsm.verifier.invariants import Observation

    t0 = _creation(pod)
    latest = 0.0
    status = pod.get("status") or {}
    for key in ("initContainerStatuses", "containerStatuses"):
        for cs in status.get(key) or ():
            if not isinstance(cs, dict):
                continue
            for which in ("state", "lastState"):
                for detail in (cs.get(which) or {}).values():
                    if isinstance(detail, dict):
                        for k in ("startedAt", "finishedAt"):
                            sec = _seconds(detail.get(k), t0)
                            if sec is not None:
                                latest = max(latest, sec)
    for c in status.get("conditions") or ():
        if isinstance(c, dict):
            sec = _seconds(c.get("lastTransitionTime"), t0)
            if sec is not None:
                latest = max(latest, sec)
    return Observation(pod, latest, None)


def _invariant_checks(
    pod: Mapping[str, Any], window: Sequence[Any]
) -> tuple[list[Finding], list[tuple[_Rule, str]]]:
    """The one place the verifier's published invariants are called: ``check_snapshot`` on the pod
    (findings) and ``check_history`` on the window ending with it (step rules)."""
    from podfsm.verifier import invariants as inv

    findings: list[Finding] = []
    if not (pod.get("status") or {}).get("phase"):
        return findings, []  # nothing published yet: the API server writes Pending on creation
    try:
        for v in inv.check_snapshot(pod):
            findings.append(Finding(v.invariant, v.message, inv.INVARIANTS[v.invariant].upstream))
        steps: list[tuple[_Rule, str]] = []
        if len(window) > 1:
            for v in inv.check_history(window):
                i = inv.INVARIANTS[v.invariant]
                if i.scope == "step":
                    steps.append((_Rule(v.invariant, i.statement, i.upstream), v.message))
    except (PodFSMError, ValueError, KeyError, TypeError, AttributeError):
        return findings, []  # a pod the invariants cannot read is a finding of check_snapshot already
    return findings, steps


# --------------------------------------------------------------------------------------------
# The search


@dataclass
class _Node:
    state: PodState
    path: tuple[dict[str, Any], ...]
    weight: int
    diffs: list[str]


Macro = tuple[dict[str, Any], ...]


def _at(model: PodModel, when: float | None, *events: dict[str, Any]) -> Macro:
    """``events`` at virtual time ``when`` (a TimePassed first when that is later than now)."""
    if when is None or when <= model.now:
        return events
    return ({"type": "TimePassed", "seconds": _round(when - model.now)}, *events)


def _candidates(model: PodModel, target: Mapping[str, Any], tproj: Mapping[str, Any]) -> Iterator[Macro]:
    """World events and kubelet syncs worth trying from the model's current state towards ``target``.

    Each candidate is a short sequence: an event, or an event at the time the snapshot shows for
    it (a container started at its ``startedAt``, exited at its ``finishedAt``), after a TimePassed.
    """
    spec = target.get("spec") or {}
    meta = target.get("metadata") or {}
    status = target.get("status") or {}
    if not model.bound:
        node = spec.get("nodeName")
        if node:
            yield ({"type": "Scheduled", "node": str(node)},)
        elif tproj.get("conditions.PodScheduled") == "False":
            yield ({"type": "Unschedulable"},)
    # when the world acted: a condition's transition, a deletion's request; a kill (eviction,
    # deletion, deadline) shows only once its grace period ran out, so its start is tried too
    moments: set[float] = set()
    for c in status.get("conditions") or ():
        if isinstance(c, dict):
            t = _seconds(c.get("lastTransitionTime"), model.t0)
            if t is not None:
                moments.add(t)
    deleted = _seconds(meta.get("deletionTimestamp"), model.t0)
    grace = meta.get("deletionGracePeriodSeconds")
    if deleted is not None and isinstance(grace, int) and not isinstance(grace, bool):
        moments.add(deleted - grace)
    graces = {float(MIN_GRACE_SECONDS), float(model.spec.grace_seconds)}
    moments |= {t - g for t in list(moments) for g in graces if g > 0}
    for rec in model.records:
        name = rec.name
        p = f"containers.{name}"
        want_state = tproj.get(f"{p}.state")
        started = {"type": "ContainerStarted", "container": name}
        yield (started,)
        terms = _observed_term(status, name)
        for term in terms:
            yield _at(model, _seconds(term.get("startedAt"), model.t0), started)
        if want_state == "running":
            yield _at(model, tproj.get(f"{p}.startedAt"), started)
            if rec.spec.post_start and not rec.hook_running:
                # the process started at startedAt; its postStart hook returned later (now)
                hook = {**started, "postStartRunning": True}
                yield (
                    *_at(model, tproj.get(f"{p}.startedAt"), hook),
                    {"type": "PostStartHookSucceeded", "container": name},
                )
        if rec.hook_running:
            yield ({"type": "PostStartHookSucceeded", "container": name},)
            yield ({"type": "PostStartHookFailed", "container": name},)
        if rec.pre_stop is not None:
            # an exec or HTTP preStop hook that ended early: the stop signal, then the exit
            yield ({"type": "PreStopHookCompleted", "container": name},)
        exits: list[tuple[int, str, float | None]] = []
        for term in terms:
            code = term.get("exitCode")
            if isinstance(code, int) and not isinstance(code, bool):
                reason = str(term.get("reason") or ("Completed" if code == 0 else "Error"))
                exits.append((code, reason, _seconds(term.get("finishedAt"), model.t0)))
                exits.append((code, reason, None))
        exits += [(1, "Error", None), (0, "Completed", None)]
        for code, reason, when in dict.fromkeys(exits):
            yield _at(
                model,
                when,
                {"type": "ContainerExited", "container": name, "exitCode": code, "reason": reason},
            )
        reason = tproj.get(f"{p}.reason") or ""
        if want_state == "waiting" and reason in _PULL_REASONS:
            yield (
                {
                    "type": "ImagePullFailed",
                    "container": name,
                    "reason": "ErrImagePull" if reason == "ImagePullBackOff" else reason,
                },
            )
        if want_state == "waiting" and reason in _CREATE_REASONS:
            yield ({"type": "ContainerCreateFailed", "container": name, "reason": reason},)
        for probe in ("startup", "liveness", "readiness"):
            if any(str(getattr(k, "value", k)) == probe for k in rec.spec.probes):
                for result in ("Success", "Failure"):
                    yield ({"type": "ProbeResult", "container": name, "probe": probe, "result": result},)
    if meta.get("deletionTimestamp") is not None and model.deletion_at is None:
        deletion: dict[str, Any] = {"type": "DeletionRequested"}
        if isinstance(grace, int) and not isinstance(grace, bool):
            deletion["gracePeriodSeconds"] = grace
        yield (deletion,)
        yield from _forced(model, moments, deletion)
    if status.get("reason") == "Evicted" and model.pod_reason is None:
        evicted = {"type": "Evicted", "message": str(status.get("message") or "")}
        yield (evicted,)
        yield from _forced(model, moments, evicted)
    if model.bound and model.node_lost_at is None and tproj.get("conditions.Ready") != "True":
        yield ({"type": "NodeLost"},)
        yield from _forced(model, moments, {"type": "NodeLost"})
    yield from _restart_candidates(model, status, tproj, moments)
    due = model._next_deadline()
    if due is not None and due > model.now:
        yield ({"type": "TimePassed", "seconds": _round(due - model.now)},)
    for t in sorted(moments):
        if t > model.now:
            yield ({"type": "TimePassed", "seconds": _round(t - model.now)},)
    yield ({"type": "TimePassed", "seconds": 1},)  # one kubelet sync


def _restart_candidates(
    model: PodModel, status: Mapping[str, Any], tproj: Mapping[str, Any], moments: set[float]
) -> Iterator[Macro]:
    """A node reboot or a lost sandbox (issue 13), when the snapshot shows the sandbox gone.

    ``PodReadyToStartContainers`` False while the model has a sandbox: a ``NodeRebooted`` or
    ``SandboxLost``, with the exit code and reason the snapshot shows for a container the model
    has running (and the events' defaults). A kubelet restart is not looked for: it is visible
    only through what it forgets (a back-off, a probe run), so assuming an unseen one would
    excuse every early restart; a trace that needs one is reported.
    """
    if not model.bound or model.node_lost_at is not None or model.stopping:
        return
    if tproj.get("conditions.PodReadyToStartContainers") == "False" and not model.sandbox_gone:
        exits: list[tuple[int, str]] = []
        for rec in model.records:
            if rec.state not in ctm.ALIVE:
                continue
            for term in _observed_term(status, rec.name)[:1]:
                code = term.get("exitCode")
                if isinstance(code, int) and not isinstance(code, bool):
                    exits.append((code, str(term.get("reason") or ("Completed" if code == 0 else "Error"))))
        for kind, default in (("NodeRebooted", (255, "Unknown")), ("SandboxLost", (137, "Error"))):
            for code, reason in dict.fromkeys([*exits, default]):
                event = {"type": kind, "exitCode": code, "reason": reason}
                yield (event,)
                yield from _forced(model, moments, event)


def _forced(model: PodModel, moments: set[float], event: dict[str, Any]) -> Iterator[Macro]:
    """A pod-level event at each moment the snapshot shows, and also followed by the time up to a
    later moment: what it causes (a kill, a grace period) often shows only then."""
    ordered = sorted(moments)
    for i, t in enumerate(ordered):
        first = _at(model, t, event)
        yield first
        for later in ordered[i + 1 :]:
            yield (*first, {"type": "TimePassed", "seconds": _round(later - max(t, model.now))})


_TERMINAL = frozenset({"Succeeded", "Failed"})


def _fixed_once_terminal(path: str) -> bool:
    """Whether a field can no longer change once the pod is Succeeded or Failed (status_manager)."""
    return path.startswith("containers.") or path in ("status.phase", "status.reason")


_PULL_REASONS = frozenset(
    {
        "ErrImagePull",
        "ImagePullBackOff",
        "InvalidImageName",
        "ErrImageNeverPull",
        "ImageInspectError",
        "RegistryUnavailable",
    }
)
_CREATE_REASONS = frozenset({"CreateContainerConfigError", "CreateContainerError", "RunContainerError"})


def _round(seconds: float) -> float | int:
    return int(seconds) if float(seconds).is_integer() else seconds


def _observed_term(status: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    out: list[Mapping[str, Any]] = []
    for key in ("initContainerStatuses", "containerStatuses"):
        for cs in status.get(key) or ():
            if isinstance(cs, dict) and cs.get("name") == name:
                for which in ("state", "lastState"):
                    t = (cs.get(which) or {}).get("terminated")
                    if isinstance(t, dict):
                        out.append(t)
    return out


_CONTAINER_TRIGGERS: dict[str, frozenset[str]] = {
    state: frozenset(r.trigger for r in CONTAINER_MACHINE.rows_from(state) if r.trigger[0].isupper())
    for state in CONTAINER_MACHINE.state_names
}


def _may_happen(model: PodModel, event: Mapping[str, Any]) -> bool:
    """A cheap pre-check: a container event needs a row from the container's state."""
    name = event.get("container")
    if name is None:
        return True
    rec = model.by_name.get(str(name))
    if rec is None:
        return False
    if event["type"] == "ProbeResult":
        return rec.state in _ALIVE
    return event["type"] in _CONTAINER_TRIGGERS[rec.state]


@dataclass
class _SearchResult:
    matches: list[_Node]
    closest: list[_Node]
    refusals: list[str]
    expanded: int


def _search(
    model: PodModel,
    starts: Iterable[_Node],
    target: Mapping[str, Any],
    tproj: Mapping[str, Any],
    budget: int,
) -> _SearchResult:
    """Best-first search for model states that publish ``tproj``."""
    tie = itertools.count()
    heap: list[tuple[int, int, int, _Node]] = []
    seen: set[PodState] = set()
    for node in starts:
        if node.state not in seen:
            seen.add(node.state)
            heapq.heappush(heap, (node.weight, 0, next(tie), node))
    matches: list[_Node] = []
    visited: list[_Node] = []
    refusals: dict[str, None] = {}
    expanded = 0
    after_match = 0
    while heap and expanded < budget:
        _, depth, _, node = heapq.heappop(heap)
        if node.weight == 0:
            matches.append(node)
            if len(matches) >= _FRONTIER:
                break
            continue
        if matches:
            after_match += 1
            if after_match > 20:
                break
        visited.append(node)
        expanded += 1
        model.restore(node.state)
        for macro in dict.fromkeys(json.dumps(m, sort_keys=True) for m in _candidates(model, target, tproj)):
            events: Macro = tuple(json.loads(macro))
            if not _may_happen(model, events[0]):
                continue  # the container machine has no row for it: the model would refuse it
            try:
                for ev in events:
                    state = model.apply(ev)
            except IllegalEvent as exc:
                if len(refusals) < 200:
                    refusals[str(exc)] = None
                model.restore(node.state)
                continue
            except PodFSMError:
                model.restore(node.state)
                continue
            model.restore(node.state)
            if state in seen:
                continue
            seen.add(state)
            weight, diffs = _distance(model.render(state), model.t0, tproj)
            child = _Node(state, (*node.path, *events), weight, diffs)
            if state.phase in _TERMINAL and any(_fixed_once_terminal(d) for d in diffs):
                visited.append(child)  # a finished pod's containers never change again: a dead end
                continue
            heapq.heappush(heap, (weight + depth + 1, depth + 1, next(tie), child))
    visited.sort(key=lambda n: (n.weight, len(n.path)))
    closest: list[_Node] = []
    described: set[tuple[str, ...]] = set()
    for n in visited:
        text = (*(json.dumps(e, sort_keys=True) for e in n.path), "|", *n.diffs)
        if text not in described:
            described.add(text)
            closest.append(n)
            if len(closest) == 3:
                break
    return _SearchResult(matches, closest, list(refusals), expanded)


# --------------------------------------------------------------------------------------------
# Verdicts


@dataclass(frozen=True)
class StepViolation:
    """The first observed step the model cannot make, and why."""

    pod: str
    index: int  # which object of the trace (0-based)
    step: int  # which snapshot of this pod (0-based; 0 = the first one, reached from creation)
    before: Mapping[str, Any] | None
    after: Mapping[str, Any]
    changed: Mapping[str, tuple[Any, Any]]
    closest: list[dict[str, Any]]
    rule: str
    statement: str
    upstream: str
    explanation: str

    def to_json(self) -> dict[str, Any]:
        return {
            "pod": self.pod,
            "index": self.index,
            "step": self.step,
            "rule": self.rule,
            "statement": self.statement,
            "upstream": self.upstream,
            "explanation": self.explanation,
            "changed": {k: {"before": v[0], "after": v[1]} for k, v in self.changed.items()},
            "closest": self.closest,
            "before": self.before,
            "after": self.after,
        }

    def lines(self) -> list[str]:
        """A person's report: the step, the rule, what changed, the closest states."""
        where = "the first snapshot" if self.before is None else f"snapshot {self.step - 1} -> {self.step}"
        out = [
            f"VIOLATION {self.pod}: {where} (object #{self.index}): {self.rule}: {self.explanation}",
            f"  rule: {self.statement} ({self.upstream})",
        ]
        for path, (old, new) in self.changed.items():
            out.append(f"  changed {path}: {_show(old)} -> {_show(new)}")
        for i, c in enumerate(self.closest):
            events = "; ".join(_event_text(e) for e in c["events"]) or "(no event)"
            out.append(f"  closest #{i + 1}: after {events}")
            for d in c["differs"]:
                out.append(f"      {d['field']}: model {_show(d['model'])}, observed {_show(d['observed'])}")
        return out


def _show(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, str) else value or '""'


def _event_text(ev: Mapping[str, Any]) -> str:
    from podfsm.model.simulation import event_summary

    return event_summary(ev)


@dataclass
class PodVerdict:
    """What the check found for one pod of the trace."""

    pod: str
    key: str
    snapshots: int = 0
    findings: list[dict[str, Any]] = field(default_factory=list)
    violation: StepViolation | None = None

    @property
    def ok(self) -> bool:
        return self.violation is None and not self.findings

    def to_json(self) -> dict[str, Any]:
        return {
            "pod": self.pod,
            "key": self.key,
            "snapshots": self.snapshots,
            "ok": self.ok,
            "findings": self.findings,
            "violation": None if self.violation is None else self.violation.to_json(),
        }


class PodChecker:
    """Checks one pod's snapshots in order, keeping a few model states that explain them."""

    def __init__(self, first: Mapping[str, Any], *, budget: int = DEFAULT_BUDGET) -> None:
        self.key = pod_key(first)
        self.verdict = PodVerdict(_pod_name(first), self.key)
        self.budget = budget
        manifest = {k: v for k, v in first.items() if k != "status"}
        spec = dict(manifest.get("spec") or {})
        spec.pop("nodeName", None)  # the model binds it with a Scheduled event when it is seen
        manifest["spec"] = spec
        self.policy = str(spec.get("restartPolicy") or "Always")
        # containers with a restartPolicy of their own (sidecars, ContainerRestartRules) may restart
        # under a pod-level Never: the search judges them, not the step rule
        # (a RestartAllContainers rule restarts every container of the pod, whatever its policy)
        restart_all = bool(gates_shown_by(manifest))
        self.restartable = frozenset(
            str(c.get("name"))
            for key in ("initContainers", "containers")
            for c in spec.get(key) or ()
            if isinstance(c, dict) and (c.get("restartPolicy") or restart_all)
        )
        self.model: PodModel | None
        try:
            config = KubeletConfig(feature_gates={**FEATURE_GATE_DEFAULTS, **gates_shown_by(manifest)})
            self.model = PodModel(manifest, source=self.verdict.pod, kubelet_config=config)
        except PodFSMError as exc:
            self.model = None
            self.verdict.findings.append(
                {"index": 0, "rule": "readable-pod", "message": str(exc), "upstream": "the Pod API"}
            )
        self.frontier: list[_Node] = []
        if self.model is not None:
            self.frontier = [_Node(self.model.snapshot(), (), 0, [])]
        self.previous: Mapping[str, Any] | None = None
        self.window: list[Any] = []  # the last few observations, for the published invariants
        self.step_rules: list[tuple[_Rule, str]] = []
        self.previous_proj: dict[str, Any] | None = None

    def feed(self, snap: Snapshot) -> tuple[list[Finding], StepViolation | None]:
        """Judge the next snapshot of this pod: its own findings, and the step's violation if any."""
        pod = snap.pod
        step = self.verdict.snapshots
        self.verdict.snapshots += 1
        findings = check_snapshot(pod)
        self.window = [*self.window[-(_WINDOW - 1) :], _observation(pod)]
        snapshot_violations, self.step_rules = _invariant_checks(pod, self.window)
        findings += [f for f in snapshot_violations if f.rule not in {g.rule for g in findings}]
        for f in findings:
            self.verdict.findings.append({"index": snap.index, "step": step, **f.to_json()})
        if self.model is None or self.verdict.violation is not None:
            return findings, None
        tproj = project(pod, self.model.t0)
        # the search decides whether a step is possible (a watch may skip states); the named step
        # rules only short-circuit what no skipping can explain, and explain a failed search
        if self.previous_proj is not None and _history_rules(
            self.previous_proj, tproj, self.policy, self.restartable
        ):
            broken = self._violation(snap, step, tproj, _SearchResult([], [], [], 0))
            self.verdict.violation = broken
            return findings, broken
        starts = []
        for node in self.frontier:
            weight, diffs = _distance(self.model.render(node.state), self.model.t0, tproj)
            starts.append(_Node(node.state, (), weight, diffs))
        result = _search(self.model, starts, pod, tproj, self.budget)
        violation: StepViolation | None = None
        if result.matches:
            self.frontier = [_Node(m.state, (), 0, []) for m in result.matches]
        else:
            violation = self._violation(snap, step, tproj, result)
            self.verdict.violation = violation
        self.previous = pod
        self.previous_proj = tproj
        return findings, violation

    def _violation(
        self, snap: Snapshot, step: int, tproj: Mapping[str, Any], result: _SearchResult
    ) -> StepViolation:
        assert self.model is not None
        before = self.previous_proj or {}
        changed = {
            k: (before.get(k), v)
            for k, v in tproj.items()
            if self.previous_proj is not None and before.get(k) != v
        }
        closest = []
        for node in result.closest:
            model_proj = project(self.model.render(node.state), self.model.t0)
            closest.append(
                {
                    "events": list(node.path),
                    "differs": [
                        {"field": d, "model": model_proj.get(d), "observed": tproj.get(d)} for d in node.diffs
                    ],
                }
            )
        rules = (
            [*_history_rules(before, tproj, self.policy, self.restartable), *self.step_rules]
            if self.previous_proj is not None
            else []
        )
        if rules:
            rule, why = rules[0]
            name, statement, upstream, explanation = rule.name, rule.statement, rule.upstream, why
        else:
            diffs = result.closest[0].diffs if result.closest else sorted(changed)
            name, statement, upstream = "reachable-by-the-kubelet", "", ""
            for d in diffs:
                for suffix, text, source in _FIELD_RULES:
                    if suffix in d and not upstream:
                        statement, upstream = text, source
                        name = "unreachable-" + d.rsplit(".", 1)[-1]
            statement = statement or "every published status is one the kubelet can reach"
            upstream = upstream or "pkg/kubelet/kubelet.go:SyncPod"
            explanation = (
                f"no sequence of world events and kubelet syncs ({result.expanded} model states searched)"
                f" publishes this snapshot; still differing in the closest state: {', '.join(diffs)}"
            )
            refused = [
                r
                for r in result.refusals
                for d in diffs
                if d.endswith((".state", ".startedAt", ".restartCount")) and f"'{d.split('.')[1]}'" in r
            ]
            if refused:
                explanation += f"; the model refused: {refused[0]}"
        return StepViolation(
            pod=self.verdict.pod,
            index=snap.index,
            step=step,
            before=self.previous,
            after=snap.pod,
            changed=changed,
            closest=closest,
            rule=name,
            statement=statement,
            upstream=upstream,
            explanation=explanation,
        )


class TraceChecker:
    """Checks an interleaved trace of many pods; feed it snapshots as they arrive."""

    def __init__(self, *, budget: int = DEFAULT_BUDGET) -> None:
        self.budget = budget
        self.pods: dict[str, PodChecker] = {}
        self.watch_errors: list[WatchError] = []

    def feed(
        self, item: Snapshot | WatchError
    ) -> tuple[PodChecker | None, list[Finding], StepViolation | None]:
        """Judge one item of the trace; returns the pod's checker, its findings and a violation."""
        if isinstance(item, WatchError):
            self.watch_errors.append(item)
            return None, [], None
        key = pod_key(item.pod)
        checker = self.pods.get(key)
        if checker is None:
            checker = self.pods[key] = PodChecker(item.pod, budget=self.budget)
        findings, violation = checker.feed(item)
        return checker, findings, violation

    def verdicts(self) -> list[PodVerdict]:
        return [c.verdict for c in self.pods.values()]

    @property
    def ok(self) -> bool:
        return all(v.ok for v in self.verdicts())


def check_trace(
    items: Iterable[Snapshot | WatchError],
    *,
    budget: int = DEFAULT_BUDGET,
    on_item: Callable[[Snapshot | WatchError, PodChecker | None, list[Finding], StepViolation | None], None]
    | None = None,
) -> TraceChecker:
    """Check every item of a trace; ``on_item`` is called after each (for streaming output)."""
    checker = TraceChecker(budget=budget)
    for item in items:
        pod_checker, findings, violation = checker.feed(item)
        if on_item is not None:
            on_item(item, pod_checker, findings, violation)
    return checker
