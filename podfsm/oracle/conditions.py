"""The pod conditions the kubelet writes: ``pkg/kubelet/status/generate.go``.

One generator per condition type, each a pure function of the spec, the container statuses and
the phase (``status.phase``, taken as given: it is the phase the kubelet hands the generators).
The generators see one flat list of statuses, ``initContainerStatuses + containerStatuses``, and
match them to spec containers by name, first match wins. When the object has neither
``initContainerStatuses`` nor ``containerStatuses`` the kubelet had no statuses at all (Go's nil
list); an empty list is a different case.

Messages list container names in Go's ``%s`` format for a string slice: ``[a b]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from podfsm.oracle._input import EMPTY, SHAPE_ERRORS, as_pod, diagnose, gate, spec_of
from podfsm.vocab import DEFAULT_FEATURE_GATES, ConditionReason, ConditionType, FeatureGate

__all__ = ["KUBELET_CONDITIONS", "Condition", "pod_conditions"]

_TRUE = "True"
_FALSE = "False"
_UNKNOWN = "Unknown"

_SCHEDULED = ConditionType.POD_SCHEDULED.value
_INITIALIZED = ConditionType.INITIALIZED.value
_CONTAINERS_READY = ConditionType.CONTAINERS_READY.value
_READY = ConditionType.READY.value

# The condition types this module computes; every other type in the object is copied as is.
KUBELET_CONDITIONS = frozenset({_SCHEDULED, _INITIALIZED, _CONTAINERS_READY, _READY})

_RESTART_ALL = FeatureGate.RESTART_ALL_CONTAINERS_ON_CONTAINER_EXITS.value
_RESTART_ALL_DEFAULT = DEFAULT_FEATURE_GATES[FeatureGate.RESTART_ALL_CONTAINERS_ON_CONTAINER_EXITS]


class Condition(NamedTuple):
    """One pod condition as the oracle reports it: ``status`` and, ``""`` when none, reason and message."""

    status: str
    reason: str = ""
    message: str = ""


_COND_TRUE = Condition(_TRUE)
_UNKNOWN_STATUSES = Condition(_FALSE, ConditionReason.UNKNOWN_CONTAINER_STATUSES.value)
_COMPLETED_FALSE = Condition(_FALSE, ConditionReason.POD_COMPLETED.value)
_FAILED_FALSE = Condition(_FALSE, ConditionReason.POD_FAILED.value)
_COMPLETED_TRUE = Condition(_TRUE, ConditionReason.POD_COMPLETED.value)
_NOT_SCHEDULED_YET = Condition(_UNKNOWN)
_NOT_READY = ConditionReason.CONTAINERS_NOT_READY.value
_NOT_INITIALIZED = ConditionReason.CONTAINERS_NOT_INITIALIZED.value
_GATES_NOT_READY = ConditionReason.READINESS_GATES_NOT_READY.value


def pod_conditions(pod: object, *, feature_gates: Mapping[str, bool] | None = None) -> dict[str, Condition]:
    """The conditions ``generateAPIPodStatus`` would write, by type, in the kubelet's order.

    - Conditions the kubelet does not compute (readiness-gate conditions, ``DisruptionTarget``,
      ``PodReadyToStartContainers``, which needs the runtime's sandbox) are copied from the object.
    - ``Initialized``, ``Ready`` and ``ContainersReady`` come from their generators.
    - ``PodScheduled`` is always True from the kubelet, but only a pod bound to a node has a
      kubelet; for a pod without ``spec.nodeName`` the condition is the scheduler's, so it is
      echoed from the object, or ``Unknown`` when the scheduler has not written one yet.

    ``status.phase`` is used as given. With ``RestartAllContainersOnContainerExits`` on, an
    ``Initialized=True`` already in the object stays True (the object plays the old status).
    """
    restart_all_on = gate(feature_gates, _RESTART_ALL, _RESTART_ALL_DEFAULT)  # before the pod's errors
    p = as_pod(pod)
    try:
        return _conditions(p, restart_all_on)
    except SHAPE_ERRORS as exc:
        raise diagnose(p, exc) from exc


def _names(names: list[str]) -> str:
    """Go's ``%s`` of a ``[]string``: ``[a b]``."""
    return "[" + " ".join(names) + "]"


def _go_quote(text: str) -> str:
    """Go's ``%q`` of a string: double-quoted with Go escapes."""
    out = ['"']
    for ch in text:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        elif ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def _conditions(pod: Mapping[str, Any], restart_all_on: bool) -> dict[str, Condition]:
    spec = spec_of(pod)
    status = pod.get("status") or EMPTY
    phase = status.get("phase") or ""
    init_statuses = status.get("initContainerStatuses")
    statuses = status.get("containerStatuses")
    no_statuses = init_statuses is None and statuses is None  # Go's nil list
    index: dict[str, Mapping[str, Any]] = {}
    if not no_statuses:
        for group in (init_statuses, statuses):
            if group:
                for s in group:
                    name = s.get("name") or ""
                    if name not in index:
                        index[name] = s
    init_specs = spec.get("initContainers") or ()
    containers = spec.get("containers") or ()

    result: dict[str, Condition] = {}
    own_scheduled: Condition | None = None
    old_initialized_true = False
    # generateAPIPodStatus: keep every condition the kubelet does not own. The readiness-gate
    # lookup below sees these (first of each type wins) plus the freshly computed Initialized.
    for c in status.get("conditions") or ():
        ctype = c.get("type") or ""
        if ctype in KUBELET_CONDITIONS:
            if ctype == _SCHEDULED and own_scheduled is None:
                own_scheduled = _copy(c)
            elif ctype == _INITIALIZED and c.get("status") == _TRUE:
                old_initialized_true = True
            continue
        if ctype not in result:
            result[ctype] = _copy(c)

    initialized = _initialized(
        init_specs,
        containers,
        index,
        (init_statuses, statuses),
        no_statuses,
        phase,
        restart_all_on and old_initialized_true,
    )
    containers_ready = _containers_ready(init_specs, containers, index, no_statuses, phase)
    ready = containers_ready
    if containers_ready.status == _TRUE:
        gates = spec.get("readinessGates")
        if gates:
            ready = _readiness_gates(gates, result, initialized)
    result[_INITIALIZED] = initialized
    result[_READY] = ready
    result[_CONTAINERS_READY] = containers_ready
    if spec.get("nodeName"):
        result[_SCHEDULED] = _COND_TRUE
    else:
        result[_SCHEDULED] = own_scheduled if own_scheduled is not None else _NOT_SCHEDULED_YET
    return result


def _copy(c: Mapping[str, Any]) -> Condition:
    return Condition(c.get("status") or "", c.get("reason") or "", c.get("message") or "")


def _containers_ready(
    init_specs: Iterable[Mapping[str, Any]],
    containers: Iterable[Mapping[str, Any]],
    index: Mapping[str, Mapping[str, Any]],
    no_statuses: bool,
    phase: str,
) -> Condition:
    """``GenerateContainersReadyCondition``: every sidecar and regular container is ready."""
    if no_statuses:
        return _UNKNOWN_STATUSES
    unknown: list[str] = []
    unready: list[str] = []
    for c in init_specs:
        if c.get("restartPolicy") == "Always":
            name = c.get("name") or ""
            s = index.get(name)
            if s is None:
                unknown.append(name)
            elif not s.get("ready"):
                unready.append(name)
    for c in containers:
        name = c.get("name") or ""
        s = index.get(name)
        if s is None:
            unknown.append(name)
        elif not s.get("ready"):
            unready.append(name)
    if phase == "Succeeded" and not unknown:
        return _COMPLETED_FALSE
    if phase == "Failed":
        return _FAILED_FALSE
    if unknown or unready:
        parts = []
        if unknown:
            parts.append("containers with unknown status: " + _names(unknown))
        if unready:
            parts.append("containers with unready status: " + _names(unready))
        return Condition(_FALSE, _NOT_READY, ", ".join(parts))
    return _COND_TRUE


def _initialized(
    init_specs: Iterable[Mapping[str, Any]],
    containers: Iterable[Mapping[str, Any]],
    index: Mapping[str, Mapping[str, Any]],
    groups: tuple[Any, Any],
    no_statuses: bool,
    phase: str,
    stays_initialized: bool,
) -> Condition:
    """``GeneratePodInitializedCondition``: every init container is done (sidecars: started)."""
    if no_statuses and init_specs:
        return _UNKNOWN_STATUSES
    unknown: list[str] = []
    incomplete: list[str] = []
    for c in init_specs:
        name = c.get("name") or ""
        s = index.get(name)
        if s is None:
            unknown.append(name)
        elif c.get("restartPolicy") == "Always":
            if s.get("started") is not True:
                incomplete.append(name)
        elif not s.get("ready"):
            incomplete.append(name)
    if phase == "Succeeded" and not unknown:
        return _COMPLETED_TRUE
    if not unknown and not incomplete:
        return _COND_TRUE
    # HasAnyRegularContainerStarted: a regular container that ran means the pod initialized
    # before (its sidecars may be restarting now).
    regular = {c.get("name") or "" for c in containers}
    for group in groups:
        for s in group or ():
            if (s.get("name") or "") in regular:
                state = s.get("state") or EMPTY
                if state.get("running") is not None or state.get("terminated") is not None:
                    return _COND_TRUE
    if stays_initialized:
        return _COND_TRUE
    parts = []
    if unknown:
        parts.append("containers with unknown status: " + _names(unknown))
    if incomplete:
        parts.append("containers with incomplete status: " + _names(incomplete))
    return Condition(_FALSE, _NOT_INITIALIZED, ", ".join(parts))


def _readiness_gates(
    gates: Iterable[Mapping[str, Any]], copied: Mapping[str, Condition], initialized: Condition
) -> Condition:
    """``GeneratePodReadyCondition`` once ContainersReady is True: every readiness gate is True."""
    messages = []
    for g in gates:
        ctype = g.get("conditionType") or ""
        found = initialized if ctype == _INITIALIZED else copied.get(ctype)
        if found is None:
            messages.append(
                f"corresponding condition of pod readiness gate {_go_quote(ctype)} does not exist."
            )
        elif found.status != _TRUE:
            messages.append(
                f'the status of pod readiness gate {_go_quote(ctype)} is not "True", but {found.status}'
            )
    if messages:
        return Condition(_FALSE, _GATES_NOT_READY, ", ".join(messages))
    return _COND_TRUE
