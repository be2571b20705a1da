"""pod_phase: the kubelet's getPhase (pkg/kubelet/kubelet_pods.go), every branch of kubelet.md §1.

Each case's id names the branch it pins; ``upstream`` rows are transcriptions of
pkg/kubelet/kubelet_pods_test.go rows that are not in the shared conformance files. The file ends
with the input contract every oracle function shares (InvalidPod, no mutation, pydantic models).
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Callable
from typing import Any

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podfsm.errors import InvalidPod, PodFSMError
from podfsm.oracle import (
    container_should_restart,
    has_any_active_regular_container_started,
    is_static_pod,
    kubectl_columns,
    kubectl_wide_columns,
    pod_conditions,
    pod_phase,
)

Json = dict[str, Any]

# ---------------------------------------------------------------------------------------------
# Builders: statuses in the API's JSON shape.


def running(name: str, *, started: bool | None = None, ready: bool = False) -> Json:
    s: Json = {"name": name, "ready": ready, "restartCount": 0, "state": {"running": {}}}
    if started is not None:
        s["started"] = started
    return s


def terminated(name: str, code: int, reason: str | None = None) -> Json:
    term: Json = {"exitCode": code}
    if reason:
        term["reason"] = reason
    return {"name": name, "ready": False, "restartCount": 0, "state": {"terminated": term}}


def waiting(name: str, last_code: int | None = None, last_reason: str | None = None) -> Json:
    s: Json = {"name": name, "ready": False, "restartCount": 0, "state": {"waiting": {}}}
    if last_code is not None:
        last: Json = {"exitCode": last_code}
        if last_reason:
            last["reason"] = last_reason
        s["lastState"] = {"terminated": last}
    return s


def empty_state(name: str) -> Json:
    return {"name": name, "ready": False, "restartCount": 0, "state": {}}


def container(name: str, policy: str | None = None, rules: list[Json] | None = None) -> Json:
    c: Json = {"name": name, "image": "busybox"}
    if policy is not None:
        c["restartPolicy"] = policy
    if rules is not None:
        c["restartPolicyRules"] = rules
    return c


def rule(action: str, operator: str, *values: int) -> Json:
    return {"action": action, "exitCodes": {"operator": operator, "values": list(values)}}


def pod(
    containers: list[Json],
    statuses: list[Json] | None = None,
    *,
    init: list[Json] | None = None,
    init_statuses: list[Json] | None = None,
    policy: str | None = "Always",
    annotations: dict[str, str] | None = None,
) -> Json:
    spec: Json = {"nodeName": "machine", "containers": containers}
    if policy is not None:
        spec["restartPolicy"] = policy
    if init is not None:
        spec["initContainers"] = init
    status: Json = {}
    if statuses is not None:
        status["containerStatuses"] = statuses
    if init_statuses is not None:
        status["initContainerStatuses"] = init_statuses
    meta: Json = {"name": "p", "namespace": "default"}
    if annotations is not None:
        meta["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


AB = [container("containerA"), container("containerB")]
X = [container("containerX")]
SIDECAR_X = [container("containerX", "Always")]
OFF = {"ContainerRestartRules": False}
RESTART_ALL = {"RestartAllContainersOnContainerExits": True}

# (id, pod, keyword arguments, expected phase)
CASES: list[tuple[str, Json, Json, str]] = [
    # --- 1.1 regular init containers -------------------------------------------------------
    ("init-no-status-is-pending", pod(AB, init=X), {}, "Pending"),
    (
        "init-no-status-pending-even-with-regular-running",
        pod(AB, [running("containerA"), running("containerB")], init=X),
        {},
        "Pending",
    ),
    ("init-running-is-pending", pod(AB, init=X, init_statuses=[running("containerX")]), {}, "Pending"),
    (
        "init-empty-state-is-pending",
        pod(
            AB,
            [running("containerA"), running("containerB")],
            init=X,
            init_statuses=[empty_state("containerX")],
        ),
        {},
        "Pending",
    ),
    (
        "init-waiting-without-last-termination-is-pending",
        pod(
            AB, [running("containerA"), running("containerB")], init=X, init_statuses=[waiting("containerX")]
        ),
        {},
        "Pending",
    ),
    (
        "init-succeeded-then-regular-running",
        pod(
            AB,
            [running("containerA"), running("containerB")],
            init=X,
            init_statuses=[terminated("containerX", 0)],
        ),
        {},
        "Running",
    ),
    (
        "init-waiting-after-exit-0-counts-as-done",
        pod(
            AB,
            [running("containerA"), running("containerB")],
            init=X,
            init_statuses=[waiting("containerX", 0)],
        ),
        {},
        "Running",
    ),
    (
        "upstream TestPodPhaseWithRestartOnFailureInitContainers/init container terminated non-zero",
        pod(AB, init=X, init_statuses=[terminated("containerX", -1)], policy="OnFailure"),
        {},
        "Pending",
    ),
    (
        "init-failed-never-gate-off-is-failed",
        pod(AB, init=X, init_statuses=[terminated("containerX", 1)], policy="Never"),
        {"feature_gates": OFF},
        "Failed",
    ),
    (
        "init-failed-onfailure-gate-off-keeps-pending",
        pod(AB, init=X, init_statuses=[terminated("containerX", 1)], policy="OnFailure"),
        {"feature_gates": OFF},
        "Pending",
    ),
    (
        "init-failed-always-gate-off-keeps-pending",
        pod(AB, init=X, init_statuses=[terminated("containerX", 1)], policy="Always"),
        {"feature_gates": OFF},
        "Pending",
    ),
    (
        "init-crashlooping-never-gate-off-is-failed",
        pod(AB, init=X, init_statuses=[waiting("containerX", 2)], policy="Never"),
        {"feature_gates": OFF},
        "Failed",
    ),
    (
        "init-failure-beats-pending-regular-containers",
        pod(AB, [waiting("containerA")], init=X, init_statuses=[terminated("containerX", 1)], policy="Never"),
        {},
        "Failed",
    ),
    (
        "init-container-policy-never-ignored-with-gate-off",
        pod([container("c")], init=[container("i", "Never")], init_statuses=[terminated("i", 1)]),
        {"feature_gates": OFF},
        "Pending",
    ),
    (
        "init-container-policy-never-with-gate-on-is-failed",
        pod([container("c")], init=[container("i", "Never")], init_statuses=[terminated("i", 1)]),
        {},
        "Failed",
    ),
    (
        "init-container-policy-onfailure-under-pod-never-exit-0-done",
        pod(
            [container("c")],
            [running("c")],
            init=[container("i", "OnFailure")],
            init_statuses=[terminated("i", 0)],
            policy="Never",
        ),
        {},
        "Running",
    ),
    (
        "init-rule-in-42-restart-matches-is-retried",
        pod(
            [container("c")],
            init=[container("i", "Never", [rule("Restart", "In", 42)])],
            init_statuses=[terminated("i", 42)],
        ),
        {},
        "Pending",
    ),
    (
        "init-rule-in-42-restart-no-match-is-failed",
        pod(
            [container("c")],
            init=[container("i", "Never", [rule("Restart", "In", 42)])],
            init_statuses=[terminated("i", 1)],
        ),
        {},
        "Failed",
    ),
    (
        "init-crashlooping-last-exit-checked-against-rules",
        pod(
            [container("c")],
            init=[container("i", "Never", [rule("Restart", "In", 42)])],
            init_statuses=[waiting("i", 42)],
        ),
        {},
        "Pending",
    ),
    (
        "init-restarting-all-containers-reason-with-gate-is-not-final",
        pod(
            [container("c")],
            init=[container("i", "Never")],
            init_statuses=[{**terminated("i", 137, "RestartingAllContainers")}],
        ),
        {"feature_gates": RESTART_ALL},
        "Pending",
    ),
    (
        "init-restarting-all-containers-reason-without-gate-is-final",
        pod(
            [container("c")],
            init=[container("i", "Never")],
            init_statuses=[terminated("i", 137, "RestartingAllContainers")],
        ),
        {},
        "Failed",
    ),
    # --- 1.2 sidecars (restartable init containers) ------------------------------------------
    (
        "sidecar-no-status-is-unknown-pending",
        pod(AB, [running("containerA"), running("containerB")], init=SIDECAR_X),
        {"pod_has_initialized": True},
        "Pending",
    ),
    (
        "sidecar-running-not-started-not-initialized-is-pending",
        pod(
            AB,
            [running("containerA"), running("containerB")],
            init=SIDECAR_X,
            init_statuses=[running("containerX", started=False)],
        ),
        {"pod_has_initialized": False},
        "Pending",
    ),
    (
        "sidecar-running-not-started-initialized-is-running",
        pod(
            AB,
            [running("containerA"), running("containerB")],
            init=SIDECAR_X,
            init_statuses=[running("containerX", started=False)],
        ),
        {"pod_has_initialized": True},
        "Running",
    ),
    (
        "sidecar-running-started-is-running",
        pod(
            AB,
            [running("containerA"), running("containerB")],
            init=SIDECAR_X,
            init_statuses=[running("containerX", started=True)],
        ),
        {"pod_has_initialized": False},
        "Running",
    ),
    (
        "upstream TestPodPhaseWithRestartAlwaysRestartableInitContainers/"
        "restartable init container stopped, all regular containers running",
        pod(
            AB,
            [running("containerA"), running("containerB")],
            init=SIDECAR_X,
            init_statuses=[terminated("containerX", 1)],
        ),
        {"pod_has_initialized": True},
        "Running",
    ),
    (
        "upstream TestPodPhaseWithRestartAlwaysRestartableInitContainers/"
        "backoff crashloop restartable init container, all regular containers running",
        pod(
            AB,
            [running("containerA"), running("containerB")],
            init=SIDECAR_X,
            init_statuses=[waiting("containerX", 0)],
        ),
        {"pod_has_initialized": True},
        "Running",
    ),
    (
        "sidecar-waiting-without-last-termination-is-pending-even-initialized",
        pod(
            AB,
            [running("containerA"), running("containerB")],
            init=SIDECAR_X,
            init_statuses=[waiting("containerX")],
        ),
        {"pod_has_initialized": True},
        "Pending",
    ),
    (
        "sidecar-empty-state-is-unknown",
        pod(
            AB,
            [running("containerA"), running("containerB")],
            init=SIDECAR_X,
            init_statuses=[empty_state("containerX")],
        ),
        {"pod_has_initialized": True},
        "Pending",
    ),
    (
        "sidecar-running-counts-as-running-when-regular-succeeded-never",
        pod(
            AB,
            [terminated("containerA", 0), terminated("containerB", 0)],
            init=SIDECAR_X,
            init_statuses=[running("containerX", started=True)],
            policy="Never",
        ),
        {"pod_has_initialized": True},
        "Running",
    ),
    (
        "sidecar-terminated-is-ignored-regular-succeeded-never",
        pod(
            AB,
            [terminated("containerA", 0), terminated("containerB", 0)],
            init=SIDECAR_X,
            init_statuses=[terminated("containerX", 137)],
            policy="Never",
        ),
        {},
        "Succeeded",
    ),
    # --- 1.3 regular containers ---------------------------------------------------------------
    ("regular-no-statuses-is-pending", pod(AB), {}, "Pending"),
    (
        "regular-one-without-status-is-pending",
        pod(AB, [running("containerA")]),
        {},
        "Pending",
    ),
    (
        "regular-empty-state-is-unknown",
        pod(AB, [running("containerA"), empty_state("containerB")]),
        {},
        "Pending",
    ),
    ("regular-waiting-is-pending", pod(AB, [running("containerA"), waiting("containerB")]), {}, "Pending"),
    (
        "upstream TestPodPhaseWithRestartAlways/backoff crashloop container with restart always",
        pod(AB, [running("containerA"), waiting("containerB", 1)]),
        {},
        "Running",
    ),
    (
        "upstream TestPodPhaseWithRestartAlways/all stopped with restart always",
        pod(AB, [terminated("containerA", 1), terminated("containerB", 0)]),
        {},
        "Running",
    ),
    (
        "upstream TestPodPhaseWithRestartAlways/all succeeded with restart always, but the pod is terminal",
        pod(AB, [terminated("containerA", 0), terminated("containerB", 0)]),
        {"pod_is_terminal": True},
        "Succeeded",
    ),
    (
        "upstream TestPodPhaseWithRestartNever/all succeeded with restart never",
        pod(AB, [terminated("containerA", 0), terminated("containerB", 0)], policy="Never"),
        {},
        "Succeeded",
    ),
    (
        "upstream TestPodPhaseWithRestartOnFailure/mixed state #1 with restart onfailure",
        pod(AB, [running("containerA"), terminated("containerB", 1)], policy="OnFailure"),
        {},
        "Running",
    ),
    (
        "crashlooping-last-exit-0-is-not-success-gate-on-onfailure",
        pod([container("c")], [waiting("c", 0)], policy="OnFailure"),
        {},
        "Failed",
    ),
    (
        "crashlooping-last-exit-0-is-not-success-gate-off-onfailure",
        pod([container("c")], [waiting("c", 0)], policy="OnFailure"),
        {"feature_gates": OFF},
        "Running",
    ),
    (
        "statuses-for-unknown-containers-are-ignored",
        pod([container("c")], [running("c"), terminated("ghost", 1)], policy="Never"),
        {},
        "Running",
    ),
    ("no-containers-at-all-is-pending", pod([], []), {}, "Pending"),
    (
        "first-status-with-a-name-wins",
        pod([container("c")], [running("c"), terminated("c", 1)], policy="Never"),
        {},
        "Running",
    ),
    (
        "container-statuses-come-before-init-statuses",
        pod([container("c")], [terminated("c", 0)], init_statuses=[running("c")], policy="Never"),
        {},
        "Succeeded",
    ),
    # --- 1.4 the decision -----------------------------------------------------------------------
    (
        "terminal-all-succeeded-is-succeeded-even-with-always",
        pod(AB, [terminated("containerA", 0), terminated("containerB", 0)]),
        {"pod_is_terminal": True, "feature_gates": OFF},
        "Succeeded",
    ),
    (
        "terminal-one-failed-is-failed",
        pod(AB, [terminated("containerA", 0), terminated("containerB", 143)], policy="OnFailure"),
        {"pod_is_terminal": True},
        "Failed",
    ),
    (
        "terminal-crashlooping-container-is-failed",
        pod([container("c")], [waiting("c", 0)]),
        {"pod_is_terminal": True},
        "Failed",
    ),
    (
        "terminal-static-pod-from-file-skips-terminal-rule",
        pod(
            AB,
            [terminated("containerA", 0), terminated("containerB", 0)],
            annotations={"kubernetes.io/config.source": "file"},
        ),
        {"pod_is_terminal": True},
        "Running",
    ),
    (
        "terminal-mirror-annotation-alone-is-not-static",
        pod(
            AB,
            [terminated("containerA", 0), terminated("containerB", 0)],
            annotations={"kubernetes.io/config.mirror": "abc123"},
        ),
        {"pod_is_terminal": True},
        "Succeeded",
    ),
    (
        "terminal-api-sourced-pod-is-not-static",
        pod(
            AB,
            [terminated("containerA", 0), terminated("containerB", 0)],
            annotations={"kubernetes.io/config.source": "api"},
        ),
        {"pod_is_terminal": True},
        "Succeeded",
    ),
    (
        "terminal-does-not-matter-while-something-runs",
        pod(AB, [running("containerA"), terminated("containerB", 1)]),
        {"pod_is_terminal": True},
        "Running",
    ),
    (
        "gate-off-always-all-stopped-is-running",
        pod(AB, [terminated("containerA", 1), terminated("containerB", 1)]),
        {"feature_gates": OFF},
        "Running",
    ),
    (
        "gate-off-onfailure-all-succeeded-is-succeeded",
        pod(AB, [terminated("containerA", 0), terminated("containerB", 0)], policy="OnFailure"),
        {"feature_gates": OFF},
        "Succeeded",
    ),
    (
        "gate-off-never-one-failed-is-failed",
        pod(AB, [terminated("containerA", 0), terminated("containerB", 1)], policy="Never"),
        {"feature_gates": OFF},
        "Failed",
    ),
    (
        "gate-off-onfailure-one-failed-is-running",
        pod(AB, [terminated("containerA", 0), terminated("containerB", 1)], policy="OnFailure"),
        {"feature_gates": OFF},
        "Running",
    ),
    (
        "gate-off-container-policy-ignored",
        pod([container("c", "Never")], [terminated("c", 1)]),
        {"feature_gates": OFF},
        "Running",
    ),
    (
        "gate-off-empty-pod-policy-all-succeeded-is-succeeded",
        pod([container("c")], [terminated("c", 0)], policy=None),
        {"feature_gates": OFF},
        "Succeeded",
    ),
    (
        "gate-off-empty-pod-policy-failed-is-running",
        pod([container("c")], [terminated("c", 1)], policy=None),
        {"feature_gates": OFF},
        "Running",
    ),
    (
        "gate-on-empty-pod-policy-means-always",
        pod([container("c")], [terminated("c", 0)], policy=None),
        {},
        "Running",
    ),
    (
        "gate-on-one-restartable-container-keeps-running",
        pod([container("a", "Never"), container("b", "Always")], [terminated("a", 1), terminated("b", 0)]),
        {},
        "Running",
    ),
    (
        "rule-in-restart-matches-keeps-running",
        pod([container("c", "Never", [rule("Restart", "In", 42)])], [terminated("c", 42)], policy="Never"),
        {},
        "Running",
    ),
    (
        "rule-in-restart-no-match-uses-container-policy",
        pod([container("c", "Never", [rule("Restart", "In", 42)])], [terminated("c", 1)], policy="Always"),
        {},
        "Failed",
    ),
    (
        "rule-notin-restart-matches-keeps-running",
        pod([container("c", "Never", [rule("Restart", "NotIn", 0)])], [terminated("c", 3)], policy="Never"),
        {},
        "Running",
    ),
    (
        "rule-notin-restart-exit-0-succeeds",
        pod([container("c", "Never", [rule("Restart", "NotIn", 0)])], [terminated("c", 0)], policy="Never"),
        {},
        "Succeeded",
    ),
    (
        "rules-ignored-without-container-policy",
        pod([container("c", None, [rule("Restart", "In", 42)])], [terminated("c", 42)], policy="Never"),
        {},
        "Failed",
    ),
    (
        "first-matching-rule-decides",
        pod(
            [container("c", "Never", [rule("RestartAllContainers", "In", 1), rule("Restart", "In", 1)])],
            [terminated("c", 1)],
            policy="Never",
        ),
        {},
        "Failed",
    ),
    (
        "upstream TestPodPhaseWithRestartAllContainers/regular container triggers RestartAllContainers",
        pod(
            [container("c", "Never", [rule("RestartAllContainers", "In", 42)])],
            [terminated("c", 42)],
            policy="Never",
        ),
        {"feature_gates": RESTART_ALL},
        "Running",
    ),
    (
        "restart-all-rule-without-its-gate-falls-back-to-policy",
        pod(
            [container("c", "Never", [rule("RestartAllContainers", "In", 42)])],
            [terminated("c", 42)],
            policy="Never",
        ),
        {},
        "Failed",
    ),
    (
        "unknown-container-policy-falls-back-to-pod-policy",
        pod([container("c", "Sometimes")], [terminated("c", 1)], policy="OnFailure"),
        {},
        "Running",
    ),
    (
        "container-onfailure-exit-0-under-pod-always-succeeds",
        pod([container("c", "OnFailure")], [terminated("c", 0)]),
        {},
        "Succeeded",
    ),
    # --- podHasInitialized derived from the object --------------------------------------------
    (
        "derived-initialized-from-running-regular-container",
        pod(
            [container("c")],
            [running("c")],
            init=[container("s", "Always")],
            init_statuses=[running("s", started=False)],
        ),
        {},
        "Running",
    ),
    (
        "explicit-not-initialized-re-initializing-after-sandbox-recreated",
        pod(
            [container("c")],
            [running("c")],
            init=[container("s", "Always")],
            init_statuses=[running("s", started=False)],
        ),
        {"pod_has_initialized": False},
        "Pending",
    ),
    (
        "derived-initialized-from-crashlooping-regular-container",
        pod(
            [container("c"), container("d")],
            [waiting("c", 1), running("d")],
            init=[container("s", "Always")],
            init_statuses=[running("s", started=False)],
        ),
        {},
        "Running",
    ),
    (
        "derived-not-initialized-when-regular-never-ran",
        pod(
            [container("c")],
            [running("ghost")],
            init=[container("s", "Always")],
            init_statuses=[running("s", started=False)],
        ),
        {},
        "Pending",
    ),
]


@pytest.mark.parametrize(("case_id", "obj", "kwargs", "expected"), CASES, ids=[c[0] for c in CASES])
def test_pod_phase(case_id: str, obj: Json, kwargs: Json, expected: str) -> None:
    """getPhase gives ``expected`` for the branch the id names."""
    assert pod_phase(obj, **kwargs) == expected


def test_unknown_feature_gates_are_accepted() -> None:
    """conformance/README.md: featureGates may name gates podfsm does not model."""
    obj = pod([container("c")], [running("c")])
    assert pod_phase(obj, feature_gates={"NodeDeclaredFeatures": True, "SomethingNew": False}) == "Running"


def test_phase_never_reads_status_phase() -> None:
    """getPhase computes from statuses; an odd status.phase (TestPrintPod's "podPhase") is irrelevant."""
    obj = pod([container("c")], [running("c")])
    obj["status"]["phase"] = "podPhase"
    assert pod_phase(obj) == "Running"


@pytest.mark.parametrize(
    ("annotations", "static"),
    [
        (None, False),
        ({"kubernetes.io/config.source": "api"}, False),
        ({"kubernetes.io/config.source": "file"}, True),
        ({"kubernetes.io/config.source": "http"}, True),
        ({"kubernetes.io/config.mirror": "hash"}, False),
        ({"kubernetes.io/config.mirror": "hash", "kubernetes.io/config.source": "file"}, True),
        ({"other": "x"}, False),
    ],
)
def test_is_static_pod(annotations: dict[str, str] | None, static: bool) -> None:
    """kubetypes.IsStaticPod (GetPodSource): config.source present and not "api"; config.mirror is ignored."""
    assert is_static_pod(pod([container("c")], annotations=annotations)) is static


@pytest.mark.parametrize(
    ("c", "pod_policy", "code", "expected"),
    [
        (container("c"), "Always", 0, True),
        (container("c"), "OnFailure", 0, False),
        (container("c"), "OnFailure", 2, True),
        (container("c"), "Never", 2, False),
        (container("c"), "", 0, True),
        (container("c", "Always"), "Never", 0, True),
        (container("c", "OnFailure"), "Never", 1, True),
        (container("c", "Never"), "Always", 1, False),
        (container("c", "Never", [rule("Restart", "In", 1, 2)]), "Never", 2, True),
        (container("c", "Never", [{"action": "Restart"}]), "Never", 2, False),
        (container("c", "Never", [rule("Restart", "Between", 2)]), "Never", 2, False),
    ],
    ids=[
        "pod-always",
        "pod-onfailure-exit-0",
        "pod-onfailure-exit-2",
        "pod-never",
        "pod-empty-means-always",
        "container-always",
        "container-onfailure",
        "container-never",
        "rule-in-list",
        "rule-without-exit-codes-is-skipped",
        "rule-unknown-operator-is-skipped",
    ],
)
def test_container_should_restart(c: Json, pod_policy: str, code: int, expected: bool) -> None:
    """ContainerShouldRestart (pkg/api/v1/pod/util.go) and findMatchingContainerRestartRule."""
    assert container_should_restart(c, pod_policy, code) is expected


def test_has_any_active_regular_container_started() -> None:
    """podfsm's HasAnyActiveRegularContainerStarted: a regular container ran or is crash-looping."""
    assert not has_any_active_regular_container_started(pod([container("c")], [waiting("c")]))
    assert has_any_active_regular_container_started(pod([container("c")], [waiting("c", 1)]))
    assert has_any_active_regular_container_started(pod([container("c")], [terminated("c", 0)]))
    assert not has_any_active_regular_container_started(pod([container("c")], init_statuses=[running("i")]))


# ---------------------------------------------------------------------------------------------
# The input contract shared by every oracle function (interface.md §2).

ORACLE: list[tuple[str, Callable[[Any], object]]] = [
    ("pod_phase", pod_phase),
    ("pod_conditions", pod_conditions),
    ("kubectl_columns", kubectl_columns),
    ("kubectl_wide_columns", kubectl_wide_columns),
]
FUNCS = [f for _, f in ORACLE]
FUNC_IDS = [n for n, _ in ORACLE]

NOT_PODS: list[tuple[str, Any, str]] = [
    ("not-a-mapping", ["a", "list"], "pod"),
    ("none", None, "pod"),
    ("a-string", "apiVersion: v1", "pod"),
    ("no-spec", {"apiVersion": "v1", "kind": "Pod", "metadata": {}}, "spec"),
    ("a-list-of-pods", {"apiVersion": "v1", "kind": "List", "items": []}, "kind"),
    ("spec-not-mapping", {"spec": ["containers"]}, "spec"),
    ("spec-null", {"spec": None}, "spec"),
    ("containers-not-list", {"spec": {"containers": {"name": "c"}}}, "spec.containers"),
    ("containers-a-string", {"spec": {"containers": "c"}}, "spec.containers"),
    ("containers-a-number", {"spec": {"containers": 0}}, "spec.containers"),
    ("container-not-mapping", {"spec": {"containers": ["c"]}}, "spec.containers[0]"),
    ("init-containers-not-list", {"spec": {"containers": [], "initContainers": 3}}, "spec.initContainers"),
    (
        "init-container-not-mapping",
        {"spec": {"initContainers": [{"name": "i"}, 7]}},
        "spec.initContainers[1]",
    ),
]


@pytest.mark.parametrize("func", FUNCS, ids=FUNC_IDS)
@pytest.mark.parametrize(("case_id", "obj", "where"), NOT_PODS, ids=[c[0] for c in NOT_PODS])
def test_not_a_pod_raises_invalid_pod(
    func: Callable[[Any], object], case_id: str, obj: Any, where: str
) -> None:
    """interface.md §2: input that is not a pod raises a podfsm error saying what and where."""
    with pytest.raises(InvalidPod) as info:
        func(obj)
    assert isinstance(info.value, PodFSMError)
    assert info.value.where == where
    assert str(info.value).startswith(where + ": ")


# Malformed deeper down: each function reports it when (and only when) it reads that part.
MALFORMED: list[tuple[str, Any, str]] = [
    ("status-not-mapping", {"spec": {"containers": []}, "status": "Running"}, "status"),
    (
        "statuses-not-list",
        {"spec": {"containers": [{"name": "c"}]}, "status": {"containerStatuses": {"name": "c"}}},
        "status.containerStatuses",
    ),
    (
        "status-entry-not-mapping",
        {"spec": {"containers": [{"name": "c"}]}, "status": {"containerStatuses": ["c"]}},
        "status.containerStatuses[0]",
    ),
    (
        "state-not-mapping",
        {
            "spec": {"containers": [{"name": "c"}]},
            "status": {"containerStatuses": [{"name": "c", "state": "running"}]},
        },
        "status.containerStatuses[0].state",
    ),
    (
        "name-not-a-string",
        {"spec": {"containers": [{"name": ["c"]}]}, "status": {"containerStatuses": [{"name": "c"}]}},
        "spec.containers[0].name",
    ),
    ("conditions-not-list", {"spec": {"containers": []}, "status": {"conditions": 5}}, "status.conditions"),
]
READS: dict[str, set[str]] = {
    "pod_phase": {"statuses-not-list", "status-entry-not-mapping", "state-not-mapping", "name-not-a-string"},
    "pod_conditions": {
        "statuses-not-list",
        "status-entry-not-mapping",
        "name-not-a-string",
        "conditions-not-list",
    },
    "kubectl_columns": {
        "statuses-not-list",
        "status-entry-not-mapping",
        "state-not-mapping",
        "conditions-not-list",
    },
    "kubectl_wide_columns": {
        "statuses-not-list",
        "status-entry-not-mapping",
        "state-not-mapping",
        "conditions-not-list",
    },
}
for _reads in READS.values():
    _reads.add("status-not-mapping")


@pytest.mark.parametrize(("name", "func"), ORACLE, ids=FUNC_IDS)
@pytest.mark.parametrize(("case_id", "obj", "where"), MALFORMED, ids=[c[0] for c in MALFORMED])
def test_malformed_parts_raise_invalid_pod_where_read(
    name: str, func: Callable[[Any], object], case_id: str, obj: Any, where: str
) -> None:
    """Never a bare KeyError/TypeError/AttributeError: a malformed part the function reads is named."""
    if case_id not in READS[name]:
        func(obj)  # does not read that part: answers
        return
    with pytest.raises(InvalidPod) as info:
        func(obj)
    assert info.value.where == where, str(info.value)


def test_restart_count_not_a_number_is_reported_by_kubectl_columns() -> None:
    """printPod sums restartCount: a non-number there cannot be read, and the error says where."""
    obj = {
        "spec": {"containers": [{"name": "c"}]},
        "status": {"containerStatuses": [{"name": "c", "restartCount": "3", "state": {"running": {}}}]},
    }
    with pytest.raises(
        InvalidPod, match=r"^status\.containerStatuses\[0\]\.restartCount: expected an integer"
    ):
        kubectl_columns(obj)


def test_invalid_timestamp_is_invalid_pod() -> None:
    """A finishedAt the API server could not have decoded is named in the error."""
    obj = pod([container("c")], [running("c")])
    obj["status"]["containerStatuses"][0]["restartCount"] = 2
    obj["status"]["containerStatuses"][0]["lastState"] = {
        "terminated": {"exitCode": 1, "finishedAt": "yesterday"}
    }
    with pytest.raises(InvalidPod, match="finishedAt"):
        kubectl_columns(obj)


TOLERATED: list[tuple[str, Json]] = [
    ("empty-spec", {"spec": {}}),
    ("empty-container-list", {"spec": {"containers": []}, "status": {"containerStatuses": []}}),
    (
        "null-everything",
        {"metadata": None, "spec": {"containers": None, "initContainers": None}, "status": None},
    ),
    (
        "statuses-for-unknown-containers",
        {
            "spec": {"containers": [{"name": "a"}]},
            "status": {"containerStatuses": [{"name": "zzz", "ready": True}]},
        },
    ),
    ("unknown-phase", {"spec": {"containers": [{"name": ""}]}, "status": {"phase": "podPhase"}}),
    (
        "empty-names-and-states",
        {"spec": {"containers": [{}, {}]}, "status": {"containerStatuses": [{}, {"state": None}]}},
    ),
    ("unknown-fields", {"spec": {"containers": [{"name": "c", "futureField": {"x": 1}}]}, "extra": [1, 2]}),
]


@pytest.mark.parametrize("func", FUNCS, ids=FUNC_IDS)
@pytest.mark.parametrize(("case_id", "obj"), TOLERATED, ids=[c[0] for c in TOLERATED])
def test_tolerates_what_kubernetes_tolerates(func: Callable[[Any], object], case_id: str, obj: Json) -> None:
    """conformance/README.md: invalid-but-decodable pods are answered, not rejected."""
    func(obj)


REALISTIC = pod(
    [container("app"), container("helper", "Never", [rule("Restart", "In", 42)])],
    [
        {**waiting("app", 1), "restartCount": 4},
        running("helper", started=True, ready=True),
    ],
    init=[container("setup"), container("proxy", "Always")],
    init_statuses=[terminated("setup", 0, "Completed"), running("proxy", started=True, ready=True)],
)
REALISTIC["status"]["containerStatuses"][0]["lastState"]["terminated"]["finishedAt"] = "2024-01-01T00:00:00Z"
REALISTIC["status"]["conditions"] = [
    {"type": "PodScheduled", "status": "True"},
    {"type": "Ready", "status": "False"},
]
REALISTIC["metadata"]["creationTimestamp"] = "2023-12-01T00:00:00Z"


@pytest.mark.parametrize("func", FUNCS, ids=FUNC_IDS)
def test_input_is_never_mutated(func: Callable[[Any], object]) -> None:
    """interface.md §2: the oracle never mutates its input."""
    before = copy.deepcopy(REALISTIC)
    text = json.dumps(REALISTIC, sort_keys=True)
    func(REALISTIC)
    assert before == REALISTIC
    assert json.dumps(REALISTIC, sort_keys=True) == text


class _State(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="allow")
    running: dict[str, Any] | None = None
    waiting: dict[str, Any] | None = None
    terminated: dict[str, Any] | None = None


class _Status(pydantic.BaseModel):
    name: str
    ready: bool = False
    restart_count: int = pydantic.Field(0, alias="restartCount")
    state: _State | None = None
    last_state: _State | None = pydantic.Field(None, alias="lastState")


class _PodStatus(pydantic.BaseModel):
    phase: str | None = None
    container_statuses: list[_Status] | None = pydantic.Field(None, alias="containerStatuses")
    init_container_statuses: list[_Status] | None = pydantic.Field(None, alias="initContainerStatuses")


class _Spec(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="allow")
    containers: list[dict[str, Any]]
    restart_policy: str | None = pydantic.Field(None, alias="restartPolicy")


class _Pod(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="allow", populate_by_name=True)
    metadata: dict[str, Any] = {}
    spec: _Spec
    status: _PodStatus | None = None


def test_pydantic_models_are_read_by_alias() -> None:
    """interface.md §1: a pydantic model of the pod works like its JSON (model_dump by alias)."""
    obj = pod([container("c")], [{**waiting("c", 1), "restartCount": 2}], policy="Never")
    model = _Pod.model_validate(obj)
    assert pod_phase(model) == pod_phase(obj) == "Failed"
    assert pod_conditions(model) == pod_conditions(obj)
    assert kubectl_columns(model) == kubectl_columns(obj)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a JSON value (keys and list indexes)."""
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copied = copy.deepcopy(value)
    target = copied
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return copied


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
_REALISTIC_PATHS = _paths(REALISTIC)


@settings(max_examples=300, deadline=None)
@given(path=st.sampled_from(_REALISTIC_PATHS), new=_JSON)
def test_any_malformed_field_is_answered_or_invalid_pod(path: tuple[Any, ...], new: Any) -> None:
    """Replacing any part of a pod with any JSON value never leaks a bare Python error."""
    obj = _replaced(REALISTIC, path, new)
    for func in FUNCS:
        with contextlib.suppress(InvalidPod):
            func(obj)
