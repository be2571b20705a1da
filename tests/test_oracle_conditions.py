"""pod_conditions: the generators of pkg/kubelet/status/generate.go, every branch of kubelet.md §4.

Rows named ``upstream <Test>/case[i]`` are transcriptions of generate_test.go rows that the shared
conformance files leave out; the others pin one branch each, named in the id.
"""

from __future__ import annotations

from typing import Any

import pytest

from podfsm.oracle import Condition, pod_conditions

Json = dict[str, Any]


def ready(name: str, *, state: Json | None = None) -> Json:
    return {"name": name, "ready": True, "restartCount": 0, "state": state or {}}


def unready(name: str, *, state: Json | None = None, started: bool | None = None) -> Json:
    s: Json = {"name": name, "ready": False, "restartCount": 0, "state": state or {}}
    if started is not None:
        s["started"] = started
    return s


def started(name: str, *, is_ready: bool = False) -> Json:
    return {"name": name, "ready": is_ready, "restartCount": 0, "state": {"running": {}}, "started": True}


def sidecar(name: str) -> Json:
    return {"name": name, "image": "busybox", "restartPolicy": "Always"}


def regular(name: str) -> Json:
    return {"name": name, "image": "busybox"}


def pod(
    containers: list[Json],
    statuses: list[Json] | None = None,
    *,
    init: list[Json] | None = None,
    init_statuses: list[Json] | None = None,
    phase: str = "Running",
    conditions: list[Json] | None = None,
    gates: list[str] | None = None,
    node: str | None = "node-1",
) -> Json:
    spec: Json = {"restartPolicy": "Always", "containers": containers}
    if init is not None:
        spec["initContainers"] = init
    if gates is not None:
        spec["readinessGates"] = [{"conditionType": g} for g in gates]
    if node is not None:
        spec["nodeName"] = node
    status: Json = {"phase": phase}
    if conditions is not None:
        status["conditions"] = conditions
    if statuses is not None:
        status["containerStatuses"] = statuses
    if init_statuses is not None:
        status["initContainerStatuses"] = init_statuses
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec, "status": status}


def cond(ctype: str, status: str, reason: str = "", message: str = "") -> Json:
    c: Json = {"type": ctype, "status": status}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


C12 = [regular("1234"), regular("5678")]

# (id, pod, condition type, expected Condition)
CONTAINERS_READY: list[tuple[str, Json, Condition]] = [
    (
        "upstream TestGenerateContainersReadyCondition/case[0] nil statuses",
        pod([]),
        Condition("False", "UnknownContainerStatuses"),
    ),
    (
        "upstream TestGenerateContainersReadyCondition/case[3] all ready",
        pod(C12, [ready("1234"), ready("5678")]),
        Condition("True"),
    ),
    (
        "upstream TestGenerateContainersReadyCondition/case[4] one unknown",
        pod(C12, [ready("1234")]),
        Condition("False", "ContainersNotReady", "containers with unknown status: [5678]"),
    ),
    (
        "upstream TestGenerateContainersReadyCondition/case[6] succeeded",
        pod([regular("1234")], [unready("1234")], phase="Succeeded"),
        Condition("False", "PodCompleted"),
    ),
    (
        "upstream TestGenerateContainersReadyCondition/case[8] sidecars all ready",
        pod(
            [regular("regular-1")],
            [ready("regular-1")],
            init=[sidecar("restartable-init-1"), sidecar("restartable-init-2")],
            init_statuses=[ready("restartable-init-1"), ready("restartable-init-2")],
        ),
        Condition("True"),
    ),
    (
        "nil-statuses-even-with-containers",
        pod(C12),
        Condition("False", "UnknownContainerStatuses"),
    ),
    (
        "only-init-statuses-key-is-not-nil",
        pod([regular("a")], init_statuses=[]),
        Condition("False", "ContainersNotReady", "containers with unknown status: [a]"),
    ),
    (
        "unknown-and-unready-joined-with-comma",
        pod([regular("a"), regular("b"), regular("c")], [unready("b")]),
        Condition(
            "False",
            "ContainersNotReady",
            "containers with unknown status: [a c], containers with unready status: [b]",
        ),
    ),
    (
        "sidecars-listed-before-regular-containers",
        pod([regular("app")], [unready("app")], init=[sidecar("proxy")], init_statuses=[unready("proxy")]),
        Condition("False", "ContainersNotReady", "containers with unready status: [proxy app]"),
    ),
    (
        "regular-init-containers-are-ignored",
        pod([regular("app")], [ready("app")], init=[regular("setup")], init_statuses=[unready("setup")]),
        Condition("True"),
    ),
    (
        "succeeded-with-unknown-container-is-not-completed",
        pod(C12, [unready("1234")], phase="Succeeded"),
        Condition(
            "False",
            "ContainersNotReady",
            "containers with unknown status: [5678], containers with unready status: [1234]",
        ),
    ),
    (
        "failed-is-pod-failed-even-with-unknown",
        pod(C12, [ready("1234")], phase="Failed"),
        Condition("False", "PodFailed"),
    ),
    (
        "failed-with-nil-statuses-is-unknown-statuses",
        pod(C12, phase="Failed"),
        Condition("False", "UnknownContainerStatuses"),
    ),
    (
        "empty-names-print-as-empty-slice-items",
        pod([regular(""), regular("")], []),
        Condition("False", "ContainersNotReady", "containers with unknown status: [ ]"),
    ),
    (
        "first-status-by-name-wins",
        pod([regular("a")], [unready("a"), ready("a")]),
        Condition("False", "ContainersNotReady", "containers with unready status: [a]"),
    ),
    (
        "init-statuses-come-first-in-the-generators-list",
        pod([regular("a")], [ready("a")], init_statuses=[unready("a")]),
        Condition("False", "ContainersNotReady", "containers with unready status: [a]"),
    ),
    (
        "unknown-phase-string-is-not-terminal",
        pod([regular("a")], [ready("a")], phase="podPhase"),
        Condition("True"),
    ),
]

READY: list[tuple[str, Json, Condition]] = [
    (
        "upstream TestGeneratePodReadyCondition/case[0] nil statuses",
        pod([]),
        Condition("False", "UnknownContainerStatuses"),
    ),
    ("upstream TestGeneratePodReadyCondition/case[1] empty", pod([], []), Condition("True")),
    (
        "upstream TestGeneratePodReadyCondition/case[5] unready",
        pod(C12, [ready("1234"), unready("5678")]),
        Condition("False", "ContainersNotReady", "containers with unready status: [5678]"),
    ),
    (
        "upstream TestGeneratePodReadyCondition/case[12] both gates true",
        pod([], [], gates=["gate1", "gate2"], conditions=[cond("gate1", "True"), cond("gate2", "True")]),
        Condition("True"),
    ),
    (
        "copies-pod-failed-from-containers-ready",
        pod(C12, [ready("1234"), ready("5678")], phase="Failed"),
        Condition("False", "PodFailed"),
    ),
    (
        "gates-not-evaluated-while-containers-unready",
        pod([regular("a")], [unready("a")], gates=["missing"]),
        Condition("False", "ContainersNotReady", "containers with unready status: [a]"),
    ),
    (
        "gate-unknown-status",
        pod([], [], gates=["g"], conditions=[cond("g", "Unknown")]),
        Condition(
            "False",
            "ReadinessGatesNotReady",
            'the status of pod readiness gate "g" is not "True", but Unknown',
        ),
    ),
    (
        "gate-messages-joined-in-gate-order",
        pod([], [], gates=["b", "a"], conditions=[cond("a", "False")]),
        Condition(
            "False",
            "ReadinessGatesNotReady",
            'corresponding condition of pod readiness gate "b" does not exist., '
            'the status of pod readiness gate "a" is not "True", but False',
        ),
    ),
    (
        "gate-first-condition-of-a-type-wins",
        pod([], [], gates=["g"], conditions=[cond("g", "False"), cond("g", "True")]),
        Condition(
            "False", "ReadinessGatesNotReady", 'the status of pod readiness gate "g" is not "True", but False'
        ),
    ),
    (
        "gate-name-is-go-quoted",
        pod([], [], gates=['a"b\\c\n']),
        Condition(
            "False",
            "ReadinessGatesNotReady",
            'corresponding condition of pod readiness gate "a\\"b\\\\c\\n" does not exist.',
        ),
    ),
    (
        "gate-name-non-printable-runes-are-escaped-like-go",
        pod([], [], gates=["\x01\u200b\U000e0001é"]),
        Condition(
            "False",
            "ReadinessGatesNotReady",
            'corresponding condition of pod readiness gate "\\x01\\u200b\\U000e0001é" does not exist.',
        ),
    ),
    (
        "gate-on-initialized-sees-the-computed-condition",
        pod([], [], gates=["Initialized"], conditions=[cond("Initialized", "False")]),
        Condition("True"),
    ),
    (
        "gate-on-ready-is-not-yet-in-the-list",
        pod([], [], gates=["Ready"], conditions=[cond("Ready", "True")]),
        Condition(
            "False",
            "ReadinessGatesNotReady",
            'corresponding condition of pod readiness gate "Ready" does not exist.',
        ),
    ),
]

INITIALIZED: list[tuple[str, Json, Condition]] = [
    (
        "upstream TestGeneratePodInitializedCondition/case[3] both init ready",
        pod(
            [regular("regular")],
            init=[regular("1234"), regular("5678")],
            init_statuses=[ready("1234"), ready("5678")],
        ),
        Condition("True"),
    ),
    ("nil-statuses-without-init-containers-is-true", pod([regular("a")]), Condition("True")),
    (
        "nil-statuses-with-init-containers-even-when-succeeded",
        pod([regular("a")], init=[regular("i")], phase="Succeeded"),
        Condition("False", "UnknownContainerStatuses"),
    ),
    (
        "unknown-and-incomplete-messages",
        pod([regular("a")], init=[regular("i1"), regular("i2")], init_statuses=[unready("i2")]),
        Condition(
            "False",
            "ContainersNotInitialized",
            "containers with unknown status: [i1], containers with incomplete status: [i2]",
        ),
    ),
    (
        "sidecar-ready-but-not-started-is-incomplete",
        pod([regular("a")], [], init=[sidecar("s")], init_statuses=[ready("s")]),
        Condition("False", "ContainersNotInitialized", "containers with incomplete status: [s]"),
    ),
    (
        "sidecar-started-but-not-ready-is-done",
        pod([regular("a")], [], init=[sidecar("s")], init_statuses=[started("s", is_ready=False)]),
        Condition("True"),
    ),
    (
        "succeeded-with-incomplete-init-is-completed",
        pod([regular("a")], [], init=[regular("i")], init_statuses=[unready("i")], phase="Succeeded"),
        Condition("True", "PodCompleted"),
    ),
    (
        "succeeded-with-unknown-init-is-not-completed",
        pod([regular("a")], [], init=[regular("i")], init_statuses=[], phase="Succeeded"),
        Condition("False", "ContainersNotInitialized", "containers with unknown status: [i]"),
    ),
    (
        "regular-container-terminated-means-initialized",
        pod(
            [regular("a")],
            [unready("a", state={"terminated": {"exitCode": 1}})],
            init=[regular("i")],
            init_statuses=[],
        ),
        Condition("True"),
    ),
    (
        "regular-container-waiting-does-not-count",
        pod(
            [regular("a")],
            [unready("a", state={"waiting": {"reason": "CrashLoopBackOff"}})],
            init=[regular("i")],
            init_statuses=[unready("i")],
        ),
        Condition("False", "ContainersNotInitialized", "containers with incomplete status: [i]"),
    ),
    (
        "status-for-unknown-container-does-not-count",
        pod(
            [regular("a")],
            [unready("ghost", state={"running": {}})],
            init=[regular("i")],
            init_statuses=[unready("i")],
        ),
        Condition("False", "ContainersNotInitialized", "containers with incomplete status: [i]"),
    ),
    (
        "any-status-named-like-a-regular-container-counts",
        pod(
            [regular("a")],
            [unready("a")],
            init=[regular("i")],
            init_statuses=[unready("i"), unready("a", state={"running": {}})],
        ),
        Condition("True"),
    ),
]


@pytest.mark.parametrize(
    ("case_id", "obj", "expected"), CONTAINERS_READY, ids=[c[0] for c in CONTAINERS_READY]
)
def test_containers_ready(case_id: str, obj: Json, expected: Condition) -> None:
    """GenerateContainersReadyCondition."""
    assert pod_conditions(obj)["ContainersReady"] == expected


@pytest.mark.parametrize(
    ("case_id", "obj", "expected"), CONTAINERS_READY, ids=[c[0] for c in CONTAINERS_READY]
)
def test_ready_copies_containers_ready_when_not_true(case_id: str, obj: Json, expected: Condition) -> None:
    """GeneratePodReadyCondition: status, reason and message come from ContainersReady when it is not True."""
    result = pod_conditions(obj)
    if expected.status != "True":
        assert result["Ready"] == result["ContainersReady"] == expected
    else:
        assert result["Ready"] == Condition("True")


@pytest.mark.parametrize(("case_id", "obj", "expected"), READY, ids=[c[0] for c in READY])
def test_ready(case_id: str, obj: Json, expected: Condition) -> None:
    """GeneratePodReadyCondition with readiness gates."""
    assert pod_conditions(obj)["Ready"] == expected


@pytest.mark.parametrize(("case_id", "obj", "expected"), INITIALIZED, ids=[c[0] for c in INITIALIZED])
def test_initialized(case_id: str, obj: Json, expected: Condition) -> None:
    """GeneratePodInitializedCondition."""
    assert pod_conditions(obj)["Initialized"] == expected


def test_initialized_stays_true_with_restart_all_containers() -> None:
    """RestartAllContainersOnContainerExits keeps an old Initialized=True (the object is the old status)."""
    obj = pod(
        [regular("a")],
        [unready("a", state={"waiting": {}})],
        init=[regular("i")],
        init_statuses=[unready("i", state={"waiting": {}})],
        conditions=[cond("Initialized", "True")],
    )
    assert pod_conditions(obj)["Initialized"] == Condition(
        "False", "ContainersNotInitialized", "containers with incomplete status: [i]"
    )
    on = {"RestartAllContainersOnContainerExits": True}
    assert pod_conditions(obj, feature_gates=on)["Initialized"] == Condition("True")
    obj["status"]["conditions"] = [cond("Initialized", "False")]
    assert pod_conditions(obj, feature_gates=on)["Initialized"].status == "False"


@pytest.mark.parametrize(
    ("node", "conditions", "expected"),
    [
        ("node-1", None, Condition("True")),
        ("node-1", [cond("PodScheduled", "False", "Unschedulable", "0/3 nodes")], Condition("True")),
        (
            None,
            [cond("PodScheduled", "False", "Unschedulable", "0/3 nodes")],
            Condition("False", "Unschedulable", "0/3 nodes"),
        ),
        (
            None,
            [cond("PodScheduled", "False", "SchedulingGated", "gated")],
            Condition("False", "SchedulingGated", "gated"),
        ),
        (None, None, Condition("Unknown")),
        (None, [cond("PodScheduled", "True"), cond("PodScheduled", "False")], Condition("True")),
    ],
    ids=[
        "bound-kubelet-says-true",
        "bound-kubelet-overrides-scheduler",
        "unbound-echoes-unschedulable",
        "unbound-echoes-scheduling-gated",
        "unbound-nothing-written-yet-is-unknown",
        "unbound-first-condition-wins",
    ],
)
def test_pod_scheduled(node: str | None, conditions: list[Json] | None, expected: Condition) -> None:
    """generateAPIPodStatus writes PodScheduled=True; before binding the condition is the scheduler's."""
    assert pod_conditions(pod([], [], node=node, conditions=conditions))["PodScheduled"] == expected


def test_conditions_not_owned_by_the_kubelet_are_copied_in_order() -> None:
    """generateAPIPodStatus keeps every condition the kubelet does not own, then appends its own."""
    obj = pod(
        [regular("a")],
        [ready("a", state={"running": {}})],
        conditions=[
            cond("PodReadyToStartContainers", "True"),
            cond("Initialized", "False"),
            cond("DisruptionTarget", "True", "TerminationByKubelet", "evicted"),
            cond("example.com/gate", "True"),
            cond("Ready", "False"),
        ],
        gates=["example.com/gate"],
    )
    result = pod_conditions(obj)
    assert list(result) == [
        "PodReadyToStartContainers",
        "DisruptionTarget",
        "example.com/gate",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ]
    assert result["DisruptionTarget"] == Condition("True", "TerminationByKubelet", "evicted")
    assert result["Initialized"] == Condition("True")
    assert result["Ready"] == Condition("True")


def test_condition_is_a_small_frozen_object() -> None:
    """interface.md §2: string attributes status, reason and message ("" when none)."""
    c = pod_conditions(pod([], []))["Ready"]
    assert (c.status, c.reason, c.message) == ("True", "", "")
    with pytest.raises(AttributeError):
        c.status = "False"  # type: ignore[misc]


def test_status_phase_is_taken_as_given() -> None:
    """The generators take the phase they are handed; pod_conditions does not recompute it."""
    obj = pod([regular("a")], [ready("a", state={"running": {}})], phase="Succeeded")
    assert pod_conditions(obj)["ContainersReady"] == Condition("False", "PodCompleted")
    assert pod_conditions(obj)["Initialized"] == Condition("True", "PodCompleted")
