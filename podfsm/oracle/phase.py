"""The pod phase the kubelet computes: ``getPhase`` in ``pkg/kubelet/kubelet_pods.go``.

The kubelet counts the containers by what their statuses say, then decides in a fixed order:
a failed init container that will not be restarted makes the pod Failed; anything still
initializing or waiting makes it Pending; something running with nothing unknown makes it
Running; when everything has stopped, the restart policies decide between Running (containers
are being restarted), Succeeded and Failed. It never returns Unknown.

Statuses are matched to spec containers by name, first match wins, over one flat list:
``containerStatuses`` followed by ``initContainerStatuses`` (the order ``generateAPIPodStatus``
builds it in). Statuses for containers that are not in the spec are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from podfsm.errors import InvalidPod
from podfsm.oracle._input import EMPTY, SHAPE_ERRORS, as_pod, diagnose, flag, gate, spec_of
from podfsm.vocab import DEFAULT_FEATURE_GATES, FeatureGate, Phase

__all__ = [
    "CONFIG_MIRROR_ANNOTATION",
    "CONFIG_SOURCE_ANNOTATION",
    "container_should_restart",
    "has_any_active_regular_container_started",
    "is_static_pod",
    "pod_phase",
]

# pkg/kubelet/types/pod_update.go: where the kubelet got a pod from ("api", "file", "http").
CONFIG_SOURCE_ANNOTATION = "kubernetes.io/config.source"
# The annotation that marks a mirror pod: the API server's copy of a static pod.
CONFIG_MIRROR_ANNOTATION = "kubernetes.io/config.mirror"
# The terminated reason the kubelet writes for containers it restarts because a
# RestartAllContainers rule fired (alpha gate RestartAllContainersOnContainerExits).
RESTARTING_ALL_CONTAINERS = "RestartingAllContainers"

_RULES = FeatureGate.CONTAINER_RESTART_RULES.value
_RESTART_ALL = FeatureGate.RESTART_ALL_CONTAINERS_ON_CONTAINER_EXITS.value
_RULES_DEFAULT = DEFAULT_FEATURE_GATES[FeatureGate.CONTAINER_RESTART_RULES]
_RESTART_ALL_DEFAULT = DEFAULT_FEATURE_GATES[FeatureGate.RESTART_ALL_CONTAINERS_ON_CONTAINER_EXITS]

_PENDING = Phase.PENDING.value
_RUNNING = Phase.RUNNING.value
_SUCCEEDED = Phase.SUCCEEDED.value
_FAILED = Phase.FAILED.value


def pod_phase(
    pod: object,
    *,
    pod_is_terminal: bool = False,
    pod_has_initialized: bool | None = None,
    feature_gates: Mapping[str, bool] | None = None,
) -> str:
    """The phase ``getPhase`` computes from the pod's spec and container statuses.

    ``pod_is_terminal`` is the kubelet's own decision that the pod is finished (it is true while
    the kubelet tears a deleted or completed pod down). ``pod_has_initialized`` is
    ``HasAnyActiveRegularContainerStarted``: whether a regular container has a record in the
    runtime's current sandbox. The API object cannot show the runtime, so ``None`` derives it
    from the statuses (see :func:`has_any_active_regular_container_started`). ``status.phase``
    itself is not read. ``feature_gates`` overrides the v1.35 defaults (``ContainerRestartRules``
    on, ``RestartAllContainersOnContainerExits`` off); unknown gate names are ignored.
    """
    flag(pod_is_terminal, "pod_is_terminal")
    flag(pod_has_initialized, "pod_has_initialized", optional=True)
    rules_on = gate(feature_gates, _RULES, _RULES_DEFAULT)  # argument errors before the pod's
    restart_all_on = gate(feature_gates, _RESTART_ALL, _RESTART_ALL_DEFAULT)
    p = as_pod(pod)
    try:
        return _phase(p, pod_is_terminal, pod_has_initialized, rules_on, restart_all_on)
    except SHAPE_ERRORS as exc:
        raise diagnose(p, exc) from exc


def is_static_pod(pod: Mapping[str, Any]) -> bool:
    """Whether the kubelet got the pod from a file or URL rather than the API server.

    ``kubetypes.IsStaticPod`` (``pkg/kubelet/types/pod_update.go``, via ``GetPodSource``): the
    ``kubernetes.io/config.source`` annotation is present and not ``"api"``; nothing else counts
    (a real mirror pod also carries ``config.source: file``, so ``config.mirror`` adds nothing).
    A ``null`` annotation value decodes to ``""`` in Go, which is "present and not api".
    """
    annotations = (pod.get("metadata") or EMPTY).get("annotations") or EMPTY
    if CONFIG_SOURCE_ANNOTATION not in annotations:
        return False
    return bool(annotations[CONFIG_SOURCE_ANNOTATION] != "api")


def container_should_restart(
    container: Mapping[str, Any],
    pod_restart_policy: str,
    exit_code: int,
    *,
    restart_all_containers: bool = _RESTART_ALL_DEFAULT,
) -> bool:
    """``ContainerShouldRestart`` (``pkg/api/v1/pod/util.go``): would the kubelet restart this exit?

    Only a container with its own ``restartPolicy`` consults its ``restartPolicyRules``: the first
    rule whose ``exitCodes`` match (``In``/``NotIn`` over ``values``) decides; action ``Restart``
    restarts. With ``RestartAllContainersOnContainerExits`` on, action ``RestartAllContainers``
    restarts too: ``TestPodPhaseWithRestartAllContainers`` ("regular container triggers
    RestartAllContainers": a Never container exiting 42 under an ``In [42]`` rule stays Running)
    is only consistent with that. Any other matched action, or no match, falls back to the
    container's policy (Always: yes; OnFailure: if the exit code is not 0; Never: no), and a
    container without a recognised policy falls back to the pod's, where an empty or unknown
    policy means Always.
    """
    policy = container.get("restartPolicy")
    if policy is not None:
        for rule in container.get("restartPolicyRules") or ():
            codes = rule.get("exitCodes")
            if codes is None:
                continue
            listed = exit_code in (codes.get("values") or ())
            operator = codes.get("operator")
            if (operator == "In" and listed) or (operator == "NotIn" and not listed):
                action = rule.get("action")
                if action == "Restart" or (action == "RestartAllContainers" and restart_all_containers):
                    return True
                break
        if policy == "Always":
            return True
        if policy == "OnFailure":
            return exit_code != 0
        if policy == "Never":
            return False
    if pod_restart_policy == "OnFailure":
        return exit_code != 0
    return pod_restart_policy != "Never"


def has_any_active_regular_container_started(pod: object) -> bool:
    """podfsm's reading of ``HasAnyActiveRegularContainerStarted`` from an API object.

    Upstream it asks the container runtime whether any regular container has a record (in any
    state) in the pod's current sandbox. From the API object: some regular container's status is
    running or terminated, or is waiting with a ``lastState.terminated`` (a crash-looping
    container: its exited record is still in the runtime). A container waiting with no last
    termination has never run. After a sandbox is recreated upstream answers false while the API
    statuses still show the old containers; pass ``pod_has_initialized`` explicitly for that case.
    """
    p = as_pod(pod)
    try:
        spec = spec_of(p)
        return _has_started(spec.get("containers") or (), _index(p.get("status") or EMPTY))
    except SHAPE_ERRORS as exc:
        raise diagnose(p, exc) from exc


def _index(status: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Statuses by name over ``containerStatuses + initContainerStatuses``; the first one wins."""
    index: dict[str, Mapping[str, Any]] = {}
    for field in ("containerStatuses", "initContainerStatuses"):
        statuses = status.get(field)
        if statuses:
            if type(statuses) is not list:
                _check_list(statuses, f"status.{field}")
            for s in statuses:
                name = s.get("name") or ""
                if name not in index:
                    index[name] = s
    return index


def _check_list(value: object, where: str) -> None:
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        raise InvalidPod(f"expected a list, got {type(value).__name__}", where)


def _has_started(containers: Any, index: Mapping[str, Mapping[str, Any]]) -> bool:
    for c in containers:
        s = index.get(c.get("name") or "")
        if s is None:
            continue
        state = s.get("state") or EMPTY
        if state.get("running") is not None or state.get("terminated") is not None:
            return True
        if state.get("waiting") is not None and (s.get("lastState") or EMPTY).get("terminated") is not None:
            return True
    return False


def _phase(
    pod: Mapping[str, Any],
    is_terminal: bool,
    has_initialized: bool | None,
    rules_on: bool,
    restart_all_on: bool,
) -> str:
    spec = spec_of(pod)
    index = _index(pod.get("status") or EMPTY)
    pod_policy = spec.get("restartPolicy") or ""
    containers = spec.get("containers") or ()

    pending_init = failed_init = failed_init_final = pending_sidecar = 0
    unknown = running = waiting = stopped = stopped_final = succeeded = 0

    for c in spec.get("initContainers") or ():
        s = index.get(c.get("name") or "")
        sidecar = c.get("restartPolicy") == "Always"
        if s is None:
            if sidecar:
                unknown += 1
            else:
                pending_init += 1
            continue
        state = s.get("state") or EMPTY
        if sidecar:
            # A sidecar that stopped or is crash-looping does not hold the pod back.
            if state.get("running") is not None:
                running += 1
                if s.get("started") is not True:
                    pending_sidecar += 1
            elif state.get("terminated") is not None:
                pass
            elif state.get("waiting") is not None:
                if (s.get("lastState") or EMPTY).get("terminated") is None:
                    waiting += 1
                    pending_sidecar += 1
            else:
                unknown += 1
                pending_sidecar += 1
            continue
        if state.get("running") is not None:
            pending_init += 1
            continue
        term = state.get("terminated")
        if term is None:
            if state.get("waiting") is None:
                pending_init += 1
                continue
            term = (s.get("lastState") or EMPTY).get("terminated")
            if term is None:
                pending_init += 1
                continue
        code = term.get("exitCode") or 0
        if code != 0:
            failed_init += 1
            if rules_on and not _restartable(c, pod_policy, code, term, restart_all_on):
                failed_init_final += 1

    for c in containers:
        s = index.get(c.get("name") or "")
        if s is None:
            unknown += 1
            continue
        state = s.get("state") or EMPTY
        if state.get("running") is not None:
            running += 1
            continue
        term = state.get("terminated")
        if term is not None:
            stopped += 1
            code = term.get("exitCode") or 0
            if code == 0:
                succeeded += 1
        elif state.get("waiting") is not None:
            term = (s.get("lastState") or EMPTY).get("terminated")
            if term is None:
                waiting += 1
                continue
            stopped += 1  # crash-looping: stopped, and its last exit does not count as success
            code = term.get("exitCode") or 0
        else:
            unknown += 1
            continue
        if rules_on and not _restartable(c, pod_policy, code, term, restart_all_on):
            stopped_final += 1

    # 1. An init container failed and will not be retried.
    if rules_on:
        if failed_init_final:
            return _FAILED
    elif failed_init and pod_policy == "Never":
        return _FAILED
    # 2. Still initializing, or something waits to start.
    if pending_init or waiting:
        return _PENDING
    if pending_sidecar:
        if has_initialized is None:
            has_initialized = _has_started(containers, index)
        if not has_initialized:
            return _PENDING
    # 3. Everything started and something runs.
    if running and not unknown:
        return _RUNNING
    # 4. Everything stopped: the restart policies decide.
    if not running and stopped and not unknown:
        if is_terminal and not is_static_pod(pod):
            return _SUCCEEDED if stopped == succeeded else _FAILED
        if rules_on:
            if stopped != stopped_final:
                return _RUNNING
            return _SUCCEEDED if stopped == succeeded else _FAILED
        if pod_policy == "Always":
            return _RUNNING
        if stopped == succeeded:
            return _SUCCEEDED
        if pod_policy == "Never":
            return _FAILED
        return _RUNNING
    # 5. Anything else (some container has no status and nothing runs).
    return _PENDING


def _restartable(
    container: Mapping[str, Any],
    pod_policy: str,
    code: int,
    term: Mapping[str, Any],
    restart_all_on: bool,
) -> bool:
    if restart_all_on and term.get("reason") == RESTARTING_ALL_CONTAINERS:
        return True
    return container_should_restart(container, pod_policy, code, restart_all_containers=restart_all_on)
