"""What ``kubectl get pods`` prints: ``printPod`` in ``pkg/printers/internalversion/printers.go``.

The API server computes each row from the pod object alone, plus its clock for the ``(5m ago)``
after RESTARTS and for AGE; kubectl only lays the cells out.

STATUS starts as ``status.phase``, is replaced by ``status.reason`` and by a PodScheduled
condition with reason ``SchedulingGated``, then by the first init container that has not
finished (``Init:N/M``, ``Init:<reason>``), then, once the pod is past init (or its Initialized
condition is True), by the first regular container with a waiting or terminated reason; a
``Completed`` next to a running, ready container reads ``Running`` or ``NotReady``. A deleted pod
reads ``Terminating`` (``Unknown`` when its node was lost) unless its phase is terminal.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from time import time as _wall_clock
from typing import Any, NamedTuple, cast

from podfsm._io import describe
from podfsm.errors import InvalidArgument
from podfsm.oracle._input import EMPTY, SHAPE_ERRORS, as_pod, diagnose, spec_of
from podfsm.oracle.duration import human_duration, parse_time, since

__all__ = ["Columns", "WideColumns", "kubectl_columns", "kubectl_wide_columns"]

_NONE = "<none>"
_NODE_LOST = "NodeLost"  # pkg/util/node NodeUnreachablePodReason
_SCHEDULING_GATED = "SchedulingGated"  # v1.PodReasonSchedulingGated
_POD_INITIALIZING = "PodInitializing"


class Columns:
    """One ``kubectl get pods`` row: READY, STATUS, RESTARTS and (computed when read) AGE."""

    __slots__ = ("_created", "_now", "ready", "restarts", "status")

    ready: str
    status: str
    restarts: str

    def __init__(
        self, ready: str, status: str, restarts: str, created: object = None, now: float = 0.0
    ) -> None:
        self.ready = ready
        self.status = status
        self.restarts = restarts
        self._created = created
        self._now = now

    @property
    def age(self) -> str:
        """AGE: ``HumanDuration`` since ``metadata.creationTimestamp``, ``<unknown>`` without one."""
        return since(self._created, self._now, "metadata.creationTimestamp")

    def as_dict(self) -> dict[str, str]:
        """The three main cells, keyed as a conformance case's ``expect`` keys them."""
        return {"ready": self.ready, "status": self.status, "restarts": self.restarts}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Columns):
            return NotImplemented
        return (self.ready, self.status, self.restarts) == (other.ready, other.status, other.restarts)

    def __hash__(self) -> int:
        return hash((self.ready, self.status, self.restarts))

    def __repr__(self) -> str:
        return f"Columns(ready={self.ready!r}, status={self.status!r}, restarts={self.restarts!r})"


class WideColumns(NamedTuple):
    """A ``kubectl get pods -o wide`` row (without NAME)."""

    ready: str
    status: str
    restarts: str
    age: str
    ip: str
    node: str
    nominated_node: str
    readiness_gates: str


def kubectl_columns(pod: object, *, now: datetime | None = None) -> Columns:
    """READY, STATUS and RESTARTS exactly as ``kubectl get pods`` prints them for ``pod``.

    ``now`` (timezone-aware) is the API server's clock, used for ``"3 (5m ago)"`` and AGE;
    ``None`` means the current time.
    """
    p = as_pod(pod)
    clock = _clock(now)
    try:
        return _columns(p, clock)
    except SHAPE_ERRORS as exc:
        raise diagnose(p, exc) from exc


def kubectl_wide_columns(pod: object, *, now: datetime | None = None) -> WideColumns:
    """The ``-o wide`` row: the main cells, AGE, IP, NODE, NOMINATED NODE and READINESS GATES."""
    p = as_pod(pod)
    clock = _clock(now)
    try:
        main = _columns(p, clock)
        spec = spec_of(p)
        status = p.get("status") or EMPTY
        row = WideColumns(
            main.ready,
            main.status,
            main.restarts,
            main.age,
            _pod_ip(status) or _NONE,
            spec.get("nodeName") or _NONE,
            status.get("nominatedNodeName") or _NONE,
            _readiness_gates(spec.get("readinessGates"), status.get("conditions") or ()),
        )
        if any(type(cell) is not str for cell in row):
            if not all(isinstance(cell, str) for cell in row):  # nodeName: 5 and the like: say which
                raise TypeError("a column that is not text")
            row = WideColumns(*(str.__str__(cell) for cell in row))  # enum members as Kubernetes spells them
        return row
    except SHAPE_ERRORS as exc:
        raise diagnose(p, exc) from exc


_last_clock: tuple[datetime | None, float] = (None, 0.0)


def _clock(now: datetime | None) -> float:
    """Unix seconds of ``now`` (the current time when None); remembers the last one asked for."""
    global _last_clock
    if now is None:
        return _wall_clock()
    last, stamp = _last_clock
    if now is last:  # datetimes are immutable: the same object has the same timestamp
        return stamp
    if not isinstance(now, datetime):
        raise InvalidArgument("now", f"must be a timezone-aware datetime, got {describe(now, preview=True)}")
    if now.tzinfo is None or now.utcoffset() is None:
        raise InvalidArgument("now", "must be a timezone-aware datetime, got a naive one (no tzinfo)")
    stamp = now.timestamp()
    _last_clock = (now, stamp)
    return stamp


def _pod_ip(status: Mapping[str, Any]) -> str:
    """The first pod IP as the internal type holds it.

    The printer reads ``podIPs[0]``; converting a v1 object fills ``podIPs`` from ``podIP`` when
    it is empty, and ``podIP`` wins when the two disagree (pkg/apis/core/v1/conversion.go).
    """
    ip = status.get("podIP")
    if ip:
        return cast(str, ip)  # its type is checked with the other cells
    ips = status.get("podIPs")
    if ips:
        return ips[0].get("ip") or ""
    return ""


def _readiness_gates(gates: Any, conditions: Any) -> str:
    """``T/G``: of G readiness gates, how many have their first same-type condition True."""
    if not gates:
        return _NONE
    true = 0
    for g in gates:
        ctype = g.get("conditionType")
        for c in conditions:
            if c.get("type") == ctype:
                if c.get("status") == "True":
                    true += 1
                break
    return f"{true}/{len(gates)}"


def _latest(times: list[Any], where: str) -> float | None:
    """The latest of some ``finishedAt`` timestamps (Go's ``Before`` comparisons), None if all unset."""
    latest: float | None = None
    for value in times:
        stamp = parse_time(value, where)
        if stamp is not None and (latest is None or stamp > latest):
            latest = stamp
    return latest


def _columns(pod: Mapping[str, Any], now: float) -> Columns:
    spec = spec_of(pod)
    status = pod.get("status") or EMPTY
    meta = pod.get("metadata") or EMPTY
    containers = spec.get("containers") or ()
    total = len(containers)
    phase = status.get("phase") or ""
    reason = status.get("reason") or phase
    conditions = status.get("conditions") or ()
    for c in conditions:
        if c.get("type") == "PodScheduled" and c.get("reason") == _SCHEDULING_GATED:
            reason = _SCHEDULING_GATED

    # Spec init containers by name, the last one wins: is it a sidecar (restartPolicy Always)?
    init_specs = spec.get("initContainers") or ()
    sidecars: dict[str, bool] = {}
    for c in init_specs:
        is_sidecar = c.get("restartPolicy") == "Always"
        sidecars[c.get("name") or ""] = is_sidecar
        if is_sidecar:
            total += 1

    restarts = 0
    sidecar_restarts = 0
    ready = 0
    finished: list[Any] = []  # lastState.terminated.finishedAt of the containers summed so far
    sidecar_finished: list[Any] = []
    initializing = False
    for i, cs in enumerate(status.get("initContainerStatuses") or ()):
        count = cs.get("restartCount") or 0
        if type(count) is not int or count < 0:  # 2.5, -5, "3": diagnose() names the field
            raise TypeError("restartCount")
        restarts += count
        last = (cs.get("lastState") or EMPTY).get("terminated")
        at = last.get("finishedAt") if last is not None else None
        if at:
            finished.append(at)
        is_sidecar = sidecars.get(cs.get("name") or "", False)
        if is_sidecar:
            sidecar_restarts += count
            if at:
                sidecar_finished.append(at)
        state = cs.get("state") or EMPTY
        term = state.get("terminated")
        if term is not None and not term.get("exitCode"):
            continue  # done; a sidecar that exited 0 is not counted ready
        if is_sidecar and cs.get("started") is True:
            if cs.get("ready"):
                ready += 1
            continue
        initializing = True
        if term is not None:
            why = term.get("reason")
            if why:
                reason = "Init:" + why
            elif term.get("signal"):
                reason = f"Init:Signal:{term['signal']}"
            else:
                reason = f"Init:ExitCode:{term.get('exitCode') or 0}"
        else:
            waiting = state.get("waiting")
            why = waiting.get("reason") if waiting is not None else None
            reason = "Init:" + why if why and why != _POD_INITIALIZING else f"Init:{i}/{len(init_specs)}"
        break

    if not initializing or _initialized_true(conditions):
        # Past init: regular init containers' restarts no longer count, sidecars' still do.
        restarts = sidecar_restarts
        finished = sidecar_finished
        running_and_ready = False
        statuses = status.get("containerStatuses") or ()
        for cs in reversed(statuses):
            count = cs.get("restartCount") or 0
            if type(count) is not int or count < 0:
                raise TypeError("restartCount")
            restarts += count
            last = (cs.get("lastState") or EMPTY).get("terminated")
            if last is not None:
                at = last.get("finishedAt")
                if at:
                    finished.append(at)
            state = cs.get("state") or EMPTY
            waiting = state.get("waiting")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
                continue
            term = state.get("terminated")
            if term is not None:
                why = term.get("reason")
                if why:
                    reason = why
                elif term.get("signal"):
                    reason = f"Signal:{term['signal']}"
                else:
                    reason = f"ExitCode:{term.get('exitCode') or 0}"
            elif cs.get("ready") and state.get("running") is not None:
                running_and_ready = True
                ready += 1
        if reason == "Completed" and running_and_ready:
            reason = "Running" if _ready_true(conditions) else "NotReady"

    if meta.get("deletionTimestamp"):
        if status.get("reason") == _NODE_LOST:
            reason = "Unknown"
        elif phase != "Succeeded" and phase != "Failed":
            reason = "Terminating"

    if type(reason) is not str:
        if not isinstance(reason, str):  # a phase, reason or waiting reason of another type: say which
            raise TypeError("STATUS")
        reason = str.__str__(reason)  # an enum member (Phase.RUNNING) prints as Kubernetes spells it
    restarts_text = str(restarts)
    if restarts != 0 and finished:
        latest = _latest(finished, "status.containerStatuses[].lastState.terminated.finishedAt")
        if latest is not None:
            restarts_text = f"{restarts} ({human_duration(now - latest)} ago)"
    return Columns(f"{ready}/{total}", reason, restarts_text, meta.get("creationTimestamp"), now)


def _initialized_true(conditions: Any) -> bool:
    """``isPodInitializedConditionTrue``: the first Initialized condition is True."""
    for c in conditions:
        if c.get("type") == "Initialized":
            return bool(c.get("status") == "True")
    return False


def _ready_true(conditions: Any) -> bool:
    """``hasPodReadyCondition``: some Ready condition is True."""
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)
