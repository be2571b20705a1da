"""kubectl_columns: printPod (pkg/printers/internalversion/printers.go), every branch of kubectl.md §2.

Ids name the kubectl.md step each row pins (``2.3c`` is §2.3, case c); rows named ``upstream
<Test>/<n>`` transcribe printers_test.go rows the shared conformance files leave out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from podfsm.oracle import Columns, WideColumns, kubectl_columns, kubectl_wide_columns

Json = dict[str, Any]
NOW = datetime(2024, 1, 1, tzinfo=UTC)


def ago(**delta: float) -> str:
    return (NOW - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def cs(
    name: str = "",
    *,
    state: Json | None = None,
    ready: bool = False,
    restarts: int = 0,
    finished: str | None = None,
    started: bool | None = None,
) -> Json:
    """A container status; ``finished`` sets lastState.terminated.finishedAt."""
    s: Json = {
        "name": name,
        "ready": ready,
        "restartCount": restarts,
        "state": state or {},
        "image": "",
        "imageID": "",
    }
    s["lastState"] = {"terminated": {"exitCode": 0, "finishedAt": finished}} if finished else {}
    if started is not None:
        s["started"] = started
    return s


RUN: Json = {"running": {}}


def term(code: int = 0, reason: str | None = None, signal: int | None = None) -> Json:
    t: Json = {"exitCode": code}
    if reason is not None:
        t["reason"] = reason
    if signal is not None:
        t["signal"] = signal
    return {"terminated": t}


def wait(reason: str | None = None) -> Json:
    return {"waiting": {"reason": reason} if reason is not None else {}}


def pod(
    containers: int | list[Json] = 1,
    statuses: list[Json] | None = None,
    *,
    init: list[Json] | None = None,
    init_statuses: list[Json] | None = None,
    phase: str | None = "Running",
    reason: str | None = None,
    conditions: list[Json] | None = None,
    deleted: bool = False,
    meta: Json | None = None,
) -> Json:
    spec: Json = {
        "containers": [{"name": ""} for _ in range(containers)] if isinstance(containers, int) else containers
    }
    if init is not None:
        spec["initContainers"] = init
    status: Json = {}
    if phase is not None:
        status["phase"] = phase
    if reason is not None:
        status["reason"] = reason
    if conditions is not None:
        status["conditions"] = conditions
    if statuses is not None:
        status["containerStatuses"] = statuses
    if init_statuses is not None:
        status["initContainerStatuses"] = init_statuses
    metadata: Json = {"name": "p", "namespace": "default", **(meta or {})}
    if deleted:
        metadata["deletionTimestamp"] = ago(seconds=10)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": status}


def regular_init(name: str = "") -> Json:
    return {"name": name}


def sidecar(name: str) -> Json:
    return {"name": name, "restartPolicy": "Always"}


READY_TRUE = {"type": "Ready", "status": "True"}
INIT_TRUE = {"type": "Initialized", "status": "True"}

# (id, pod, READY, STATUS, RESTARTS)
CASES: list[tuple[str, Json, str, str, str]] = [
    # --- 2.1 starting value of STATUS ----------------------------------------------------------
    ("2.1-phase-verbatim", pod(1, [cs(state=RUN, ready=True)], phase="podPhase"), "1/1", "podPhase", "0"),
    ("2.1-empty-phase-empty-status", pod(1, phase=None), "0/1", "", "0"),
    ("2.1-status-reason-replaces-phase", pod(1, phase="Failed", reason="Evicted"), "0/1", "Evicted", "0"),
    (
        "2.1-scheduling-gated-beats-status-reason-whatever-its-status",
        pod(
            2,
            phase="Pending",
            reason="Something",
            conditions=[{"type": "PodScheduled", "status": "True", "reason": "SchedulingGated"}],
        ),
        "0/2",
        "SchedulingGated",
        "0",
    ),
    (
        "2.1-unschedulable-is-just-pending",
        pod(
            1,
            phase="Pending",
            conditions=[{"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}],
        ),
        "0/1",
        "Pending",
        "0",
    ),
    # --- 2.2 READY denominator ------------------------------------------------------------------
    (
        "2.2-sidecars-count-regular-init-does-not",
        pod(
            2, init=[regular_init("i"), sidecar("s1"), sidecar("s2")], init_statuses=[cs("i", state=term(0))]
        ),
        "0/4",
        "Running",
        "0",
    ),
    ("2.2-extra-statuses-do-not-change-the-denominator", pod(1, [cs(), cs(), cs()]), "0/1", "Running", "0"),
    (
        "2.2-duplicate-init-names-last-wins-sidecar",
        pod(
            1,
            init=[regular_init("x"), sidecar("x")],
            init_statuses=[cs("x", state=RUN, started=True, ready=True)],
        ),
        "1/2",
        "Running",
        "0",
    ),
    (
        "2.2-duplicate-init-names-last-wins-regular",
        pod(
            1,
            init=[sidecar("x"), regular_init("x")],
            init_statuses=[cs("x", state=RUN, started=True, ready=True)],
        ),
        "0/2",
        "Init:0/2",
        "0",
    ),
    (
        "upstream TestPrintPodWithRestartableInitContainer/4 statuses for unknown containers",
        pod(
            [{"name": "container1", "image": "containerimage"}],
            [cs("containerinvalid"), cs("container1")],
            init=[{"name": "init1", "image": "initimage"}, {"name": "sidecar1", "restartPolicy": "Always"}],
            init_statuses=[cs("initinvalid"), cs("init1"), cs("sidecar1")],
        ),
        "0/2",
        "Init:0/2",
        "0",
    ),
    # --- 2.3 init-container pass ----------------------------------------------------------------
    (
        "upstream TestPrintPod/10 init completed with restarts, second restarting",
        pod(
            1,
            [cs(state=wait())],
            init=[regular_init(), regular_init()],
            init_statuses=[
                cs(state=term(0), restarts=2, finished=ago(minutes=2)),
                cs(state=RUN, restarts=3, finished=ago(seconds=10)),
            ],
            phase="podPhase",
        ),
        "0/1",
        "Init:1/2",
        "5 (10s ago)",
    ),
    (
        "2.3a-sidecar-exited-0-is-skipped-and-not-ready",
        pod(
            1,
            [cs(state=RUN, ready=True)],
            init=[sidecar("s")],
            init_statuses=[cs("s", state=term(0), ready=True)],
        ),
        "1/2",
        "Running",
        "0",
    ),
    (
        "2.3b-started-sidecar-state-is-not-examined",
        pod(
            1,
            [cs(state=RUN, ready=True)],
            init=[sidecar("s")],
            init_statuses=[cs("s", state=wait("CrashLoopBackOff"), started=True, ready=True, restarts=4)],
        ),
        "2/2",
        "Running",
        "4",
    ),
    (
        "2.3b-started-but-unready-sidecar-not-counted",
        pod(
            1,
            [cs(state=RUN, ready=True)],
            init=[sidecar("s")],
            init_statuses=[cs("s", state=RUN, started=True)],
        ),
        "1/2",
        "Running",
        "0",
    ),
    (
        "2.3c-init-terminated-reason",
        pod(1, init=[regular_init()], init_statuses=[cs(state=term(1, "Error"))], phase="Pending"),
        "0/1",
        "Init:Error",
        "0",
    ),
    (
        "2.3c-init-oom-killed",
        pod(1, init=[regular_init()], init_statuses=[cs(state=term(137, "OOMKilled"))], phase="Pending"),
        "0/1",
        "Init:OOMKilled",
        "0",
    ),
    (
        "2.3c-init-signal-without-reason",
        pod(1, init=[regular_init()], init_statuses=[cs(state=term(137, "", 9))], phase="Pending"),
        "0/1",
        "Init:Signal:9",
        "0",
    ),
    (
        "2.3c-init-exit-code-without-reason-or-signal",
        pod(1, init=[regular_init()], init_statuses=[cs(state=term(2))], phase="Pending"),
        "0/1",
        "Init:ExitCode:2",
        "0",
    ),
    (
        "2.3c-sidecar-not-started-terminated-non-zero",
        pod(1, init=[sidecar("s")], init_statuses=[cs("s", state=term(1, "Error"))], phase="Pending"),
        "0/2",
        "Init:Error",
        "0",
    ),
    (
        "2.3d-init-crash-loop",
        pod(
            1,
            init=[regular_init()],
            init_statuses=[cs(state=wait("CrashLoopBackOff"), restarts=7, finished=ago(minutes=3))],
            phase="Pending",
        ),
        "0/1",
        "Init:CrashLoopBackOff",
        "7 (3m ago)",
    ),
    (
        "2.3d-init-image-pull-back-off",
        pod(1, init=[regular_init()], init_statuses=[cs(state=wait("ImagePullBackOff"))], phase="Pending"),
        "0/1",
        "Init:ImagePullBackOff",
        "0",
    ),
    (
        "2.3e-init-waiting-pod-initializing-counts-position",
        pod(
            1,
            init=[regular_init(), regular_init(), regular_init()],
            init_statuses=[cs(state=term(0)), cs(state=wait("PodInitializing")), cs(state=wait())],
            phase="Pending",
        ),
        "0/1",
        "Init:1/3",
        "0",
    ),
    (
        "2.3e-init-empty-state",
        pod(1, init=[regular_init()], init_statuses=[cs()], phase="Pending"),
        "0/1",
        "Init:0/1",
        "0",
    ),
    (
        "2.3e-total-includes-sidecars",
        pod(
            1,
            init=[sidecar("s"), regular_init("i")],
            init_statuses=[cs("s", state=RUN, started=True), cs("i", state=RUN)],
            phase="Pending",
        ),
        "0/2",
        "Init:1/2",
        "0",
    ),
    (
        "2.3-statuses-after-the-blocking-one-are-not-counted",
        pod(
            1,
            [cs(state=RUN, ready=True, restarts=9)],
            init=[regular_init("a"), regular_init("b")],
            init_statuses=[
                cs("a", state=RUN, restarts=1),
                cs("b", state=term(1), restarts=5, finished=ago(seconds=3)),
            ],
            phase="Pending",
        ),
        "0/1",
        "Init:0/2",
        "1",
    ),
    # --- 2.4 app-container pass ---------------------------------------------------------------------
    (
        "upstream TestPrintPod/1 name, containers, restarts, ready",
        pod(2, [cs(state=RUN, ready=True, restarts=3), cs(restarts=3)], phase="podPhase"),
        "1/2",
        "podPhase",
        "6",
    ),
    (
        "upstream TestPrintPod/11 init completed with restarts, container restarting",
        pod(
            1,
            [cs(state=RUN, restarts=4, finished=ago(seconds=20))],
            init=[regular_init()],
            init_statuses=[cs(state=term(0), restarts=2, finished=ago(minutes=2))],
        ),
        "0/1",
        "Running",
        "4 (20s ago)",
    ),
    (
        "upstream TestPrintPod/13 one never restarted, one restarted 10d ago",
        pod(2, [cs(state=RUN, ready=True), cs(state=RUN, ready=True, restarts=3, finished=ago(days=10))]),
        "2/2",
        "Running",
        "3 (10d ago)",
    ),
    (
        "upstream TestPrintPod/14 restarted 5d and 20d ago, the latest wins",
        pod(
            2,
            [
                cs(state=RUN, ready=True, restarts=6, finished=ago(days=5)),
                cs(state=RUN, ready=True, restarts=3, finished=ago(days=20)),
            ],
        ),
        "2/2",
        "Running",
        "9 (5d ago)",
    ),
    (
        "2.4-first-container-with-a-reason-wins",
        pod(3, [cs(state=term(1, "Error")), cs(state=RUN, ready=True), cs(state=wait("CrashLoopBackOff"))]),
        "1/3",
        "Error",
        "0",
    ),
    (
        "2.4-waiting-reason",
        pod(1, [cs(state=wait("ContainerCreating"))], phase="Pending"),
        "0/1",
        "ContainerCreating",
        "0",
    ),
    (
        "2.4-waiting-without-reason-changes-nothing",
        pod(1, [cs(state=wait())], phase="Pending"),
        "0/1",
        "Pending",
        "0",
    ),
    ("2.4-terminated-reason", pod(1, [cs(state=term(137, "OOMKilled"))]), "0/1", "OOMKilled", "0"),
    ("2.4-terminated-signal", pod(1, [cs(state=term(143, "", 15))]), "0/1", "Signal:15", "0"),
    ("2.4-terminated-exit-code-0", pod(1, [cs(state=term(0, ""))]), "0/1", "ExitCode:0", "0"),
    (
        "2.4-ready-but-not-running-not-counted",
        pod(1, [cs(state=wait(), ready=True)]),
        "0/1",
        "Running",
        "0",
    ),
    (
        "2.4-completed-with-a-running-ready-container-and-ready-true",
        pod(2, [cs(state=RUN, ready=True), cs(state=term(0, "Completed"))], conditions=[READY_TRUE]),
        "1/2",
        "Running",
        "0",
    ),
    (
        "2.4-completed-with-a-running-ready-container-not-ready",
        pod(
            2,
            [cs(state=RUN, ready=True), cs(state=term(0, "Completed"))],
            conditions=[{"type": "Ready", "status": "False"}],
        ),
        "1/2",
        "NotReady",
        "0",
    ),
    (
        "2.4-completed-with-running-but-unready-container-stays-completed",
        pod(2, [cs(state=RUN), cs(state=term(0, "Completed"))], conditions=[READY_TRUE]),
        "0/2",
        "Completed",
        "0",
    ),
    (
        "2.4-app-pass-skipped-while-initializing",
        pod(
            1,
            [cs(state=wait("CrashLoopBackOff"), restarts=8, finished=ago(seconds=1))],
            init=[regular_init()],
            init_statuses=[cs(state=RUN, restarts=2)],
            phase="Pending",
        ),
        "0/1",
        "Init:0/1",
        "2",
    ),
    (
        "2.4-initialized-true-runs-app-pass-init-status-survives",
        pod(
            1,
            [cs("app", state=RUN, ready=True, restarts=1)],
            init=[sidecar("proxy")],
            init_statuses=[cs("proxy", state=wait("CrashLoopBackOff"), restarts=5, finished=ago(minutes=1))],
            conditions=[INIT_TRUE],
        ),
        "1/2",
        "Init:CrashLoopBackOff",
        "6 (60s ago)",
    ),
    (
        "2.4-only-first-initialized-condition-counts",
        pod(
            1,
            [cs(state=RUN, ready=True)],
            init=[regular_init()],
            init_statuses=[cs(state=RUN)],
            conditions=[{"type": "Initialized", "status": "False"}, INIT_TRUE],
        ),
        "0/1",
        "Init:0/1",
        "0",
    ),
    (
        "2.4-app-container-reason-overrides-init-status",
        pod(
            1,
            [cs(state=wait("ErrImagePull"))],
            init=[sidecar("proxy")],
            init_statuses=[cs("proxy", state=wait("CrashLoopBackOff"))],
            conditions=[INIT_TRUE],
        ),
        "0/2",
        "ErrImagePull",
        "0",
    ),
    (
        "2.4-past-init-drops-regular-init-restarts",
        pod(
            1,
            [cs(state=RUN, ready=True)],
            init=[regular_init("i"), sidecar("s")],
            init_statuses=[
                cs("i", state=term(0), restarts=4, finished=ago(seconds=5)),
                cs("s", state=RUN, started=True, ready=True, restarts=2, finished=ago(hours=3)),
            ],
        ),
        "2/2",
        "Running",
        "2 (3h ago)",
    ),
    # --- 2.5 deletion ---------------------------------------------------------------------------
    (
        "2.5-node-lost-is-unknown-even-when-terminal",
        pod(1, [cs(state=term(0, "Completed"))], phase="Succeeded", reason="NodeLost", deleted=True),
        "0/1",
        "Unknown",
        "0",
    ),
    (
        "2.5-node-lost-without-deletion-stays",
        pod(1, [cs(state=RUN, ready=True)], reason="NodeLost"),
        "1/1",
        "NodeLost",
        "0",
    ),
    (
        "2.5-terminating-keeps-ready-and-restarts",
        pod(1, [cs(state=RUN, ready=True, restarts=2, finished=ago(minutes=5))], deleted=True),
        "1/1",
        "Terminating",
        "2 (5m ago)",
    ),
    (
        "2.5-terminating-while-initializing",
        pod(1, init=[regular_init()], init_statuses=[cs(state=RUN)], phase="Pending", deleted=True),
        "0/1",
        "Terminating",
        "0",
    ),
    (
        "upstream TestPrintPod/18 succeeded with deletion keeps completed",
        pod(1, [cs(state=term(0, "Completed"))], phase="Succeeded", deleted=True),
        "0/1",
        "Completed",
        "0",
    ),
    (
        "2.5-failed-with-deletion-keeps-error",
        pod(1, [cs(state=term(1, "Error"))], phase="Failed", deleted=True),
        "0/1",
        "Error",
        "0",
    ),
    (
        "2.5-evicted-with-deletion-keeps-evicted",
        pod(1, phase="Failed", reason="Evicted", deleted=True),
        "0/1",
        "Evicted",
        "0",
    ),
    (
        "2.5-unknown-phase-with-deletion-is-terminating",
        pod(1, phase="podPhase", deleted=True),
        "0/1",
        "Terminating",
        "0",
    ),
    # --- 2.6 RESTARTS text ------------------------------------------------------------------------
    ("2.6-count-without-timestamp-is-plain", pod(1, [cs(state=RUN, restarts=3)]), "0/1", "Running", "3"),
    (
        "2.6-terminated-without-finished-at-is-plain",
        pod(1, [{**cs(state=RUN, restarts=3), "lastState": {"terminated": {"exitCode": 1}}}]),
        "0/1",
        "Running",
        "3",
    ),
    (
        "2.6-zero-restarts-ignore-timestamps",
        pod(1, [cs(state=RUN, restarts=0, finished=ago(seconds=30))]),
        "0/1",
        "Running",
        "0",
    ),
    (
        "2.6-offsets-compare-as-instants",
        pod(
            2,
            [
                cs(state=RUN, restarts=1, finished="2023-12-31T23:00:00Z"),
                cs(state=RUN, restarts=1, finished="2023-12-31T23:30:00+01:00"),
            ],
        ),
        "0/2",
        "Running",
        "2 (60m ago)",
    ),
    (
        "2.6-fractional-seconds",
        pod(1, [cs(state=RUN, restarts=1, finished="2023-12-31T23:59:49.5Z")]),
        "0/1",
        "Running",
        "1 (10s ago)",
    ),
    (
        "2.6-finished-in-the-future-is-invalid",
        pod(1, [cs(state=RUN, restarts=1, finished="2024-01-01T00:00:05Z")]),
        "0/1",
        "Running",
        "1 (<invalid> ago)",
    ),
    (
        "2.6-zero-time-finished-at-is-unset",
        pod(1, [cs(state=RUN, restarts=1, finished="0001-01-01T00:00:00Z")]),
        "0/1",
        "Running",
        "1",
    ),
    # --- other upstream rows ----------------------------------------------------------------------
    (
        "upstream TestPrintPodWithRestartableInitContainer/0 first sidecar not started",
        pod(
            1,
            [cs(state=wait())],
            init=[sidecar("restartable-init-1"), sidecar("restartable-init-2")],
            init_statuses=[
                cs("restartable-init-1", state=RUN, restarts=3, started=False, finished=ago(seconds=10)),
                cs("restartable-init-2", state=wait(), started=False),
            ],
            phase="Pending",
            conditions=[{"type": "Initialized", "status": "False"}],
        ),
        "0/3",
        "Init:0/2",
        "3 (10s ago)",
    ),
    (
        "upstream TestPrintNonTerminatedPod/0 running",
        pod(2, [cs(state=RUN, ready=True, restarts=3), cs(restarts=3)]),
        "1/2",
        "Running",
        "6",
    ),
    (
        "upstream TestPrintPodList/0 items[1]",
        pod(1, [cs(state=RUN, ready=True, restarts=1)], phase="podPhase"),
        "1/1",
        "podPhase",
        "1",
    ),
]


@pytest.mark.parametrize(("case_id", "obj", "ready", "status", "restarts"), CASES, ids=[c[0] for c in CASES])
def test_kubectl_columns(case_id: str, obj: Json, ready: str, status: str, restarts: str) -> None:
    """printPod's READY, STATUS and RESTARTS for the step the id names."""
    cols = kubectl_columns(obj, now=NOW)
    assert (cols.ready, cols.status, cols.restarts) == (ready, status, restarts)


@pytest.mark.parametrize(
    ("created", "age"),
    [
        (None, "<unknown>"),
        (ago(days=3, hours=4), "3d4h"),
        (ago(seconds=150), "2m30s"),
        (ago(days=800), "2y70d"),
    ],
)
def test_age(created: str | None, age: str) -> None:
    """AGE: translateTimestampSince(creationTimestamp); a zero (missing) timestamp is <unknown>."""
    meta = {"creationTimestamp": created} if created else {}
    assert kubectl_columns(pod(1, meta=meta), now=NOW).age == age


def wide_pod(status: Json, spec: Json | None = None) -> Json:
    obj = pod(2, [cs(state=RUN, ready=True, restarts=3), cs(restarts=3)], phase="podPhase")
    obj["status"].update(status)
    obj["spec"].update(spec or {})
    return obj


@pytest.mark.parametrize(
    ("status", "spec", "ip", "node", "nominated", "gates"),
    [
        ({}, {}, "<none>", "<none>", "<none>", "<none>"),
        ({"podIP": "1.1.1.1"}, {"nodeName": "n1"}, "1.1.1.1", "n1", "<none>", "<none>"),
        ({"podIPs": [{"ip": "1.1.1.1"}, {"ip": "2001:db8::"}]}, {}, "1.1.1.1", "<none>", "<none>", "<none>"),
        ({"podIP": "2.2.2.2", "podIPs": [{"ip": "1.1.1.1"}]}, {}, "2.2.2.2", "<none>", "<none>", "<none>"),
        ({"nominatedNodeName": "node1"}, {}, "<none>", "<none>", "node1", "<none>"),
        (
            {"conditions": [{"type": "c1", "status": "False"}, {"type": "c2", "status": "True"}]},
            {"readinessGates": [{"conditionType": "c1"}, {"conditionType": "c2"}, {"conditionType": "c3"}]},
            "<none>",
            "<none>",
            "<none>",
            "1/3",
        ),
        (
            {"conditions": [{"type": "c1", "status": "False"}, {"type": "c1", "status": "True"}]},
            {"readinessGates": [{"conditionType": "c1"}]},
            "<none>",
            "<none>",
            "<none>",
            "0/1",
        ),
    ],
    ids=[
        "upstream TestPrintPodwide/2 all none",
        "v1-podIP-only-converts-to-podIPs",
        "upstream TestPrintPodwide/1 dual-stack shows first IP",
        "podIP-wins-when-it-disagrees-with-podIPs",
        "nominated-node",
        "upstream TestPrintPodwide/0 gates counted by first same-type condition",
        "gate-first-condition-decides",
    ],
)
def test_wide_columns(status: Json, spec: Json, ip: str, node: str, nominated: str, gates: str) -> None:
    """kubectl.md §2.7: IP, NODE, NOMINATED NODE, READINESS GATES."""
    wide = kubectl_wide_columns(wide_pod(status, spec), now=NOW)
    assert wide == WideColumns("1/2", "podPhase", "6", "<unknown>", ip, node, nominated, gates)


def test_columns_object() -> None:
    """interface.md §2: an object with string attributes ready, status, restarts (and AGE on demand)."""
    cols = kubectl_columns(
        pod(1, [cs(state=RUN, ready=True)], meta={"creationTimestamp": ago(minutes=5)}), now=NOW
    )
    assert isinstance(cols, Columns)
    assert cols.as_dict() == {"ready": "1/1", "status": "Running", "restarts": "0"}
    assert cols.age == "5m"
    assert cols == Columns("1/1", "Running", "0")
    assert "Running" in repr(cols)


def test_now_in_another_zone_is_the_same_instant() -> None:
    """``now`` is compared as an instant, whatever its zone."""
    obj = pod(1, [cs(state=RUN, restarts=1, finished=ago(minutes=7))])
    east = NOW.astimezone(timezone(timedelta(hours=9)))
    assert kubectl_columns(obj, now=east).restarts == kubectl_columns(obj, now=NOW).restarts == "1 (7m ago)"


def test_now_defaults_to_the_current_time() -> None:
    """now=None reads the clock: a restart a few seconds ago is shown in seconds."""
    recent = (datetime.now(UTC) - timedelta(seconds=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    restarts = kubectl_columns(pod(1, [cs(state=RUN, restarts=1, finished=recent)])).restarts
    assert restarts.startswith("1 (") and restarts.endswith("s ago)")


def test_naive_now_is_rejected() -> None:
    """interface.md §2: ``now`` is timezone-aware."""
    with pytest.raises(ValueError, match="timezone-aware"):
        kubectl_columns(pod(1), now=datetime(2024, 1, 1))
