"""The kubelet-restart, node-reboot and postStart-ordering tests of
test/e2e_node/container_lifecycle_test.go, written as podfsm scenarios.

Each test names the upstream ``When`` and ``It`` texts it plays (tests/data/e2e_catalogue.yaml maps
every ``It`` to its test) and asserts what the upstream test asserts, read from the test code: the
phase, container states, restart counts, readiness and images its ``WaitForPodCondition`` calls and
watches check, and the order of starts its log analysis checks (here: which start the model allows
when). The upstream tests stop the kubelet and start it again (``KubeletRestarted``); the
"reboot" tests also stop the pod sandbox while the kubelet is down (``NodeRebooted``: every
container is seen exited, a new sandbox is made).
"""

from __future__ import annotations

from typing import Any

import pytest

from podfsm.errors import IllegalEvent
from podfsm.model.pod import PodModel
from tests.scenario_dsl import (
    SCHED,
    c,
    condition,
    exit_,
    image,
    pod,
    result,
    run,
    side,
    start,
    state_of,
    status_of,
    wait,
)

KUBELET_RESTART = {"type": "KubeletRestarted"}
REBOOT = {"type": "NodeRebooted"}
NEW = "registry.k8s.io/e2e-test-images/agnhost:2.56"
TRUE_PROBE = {"exec": {"command": ["/bin/true"]}, "initialDelaySeconds": 1, "periodSeconds": 1}


def _refused(m: PodModel, event: dict[str, Any]) -> str:
    before = m.snapshot()
    with pytest.raises(IllegalEvent) as err:
        m.apply(event)
    assert m.snapshot() == before
    return str(err.value)


def _restarts(m: PodModel, name: str) -> int:
    return int(status_of(m, name)["restartCount"])


# -- "Running a pod with multiple containers and a PostStart hook" -------------------------------


def test_post_start_hook_blocks_the_second_container() -> None:
    """container_lifecycle_test.go "Running a pod with multiple containers and a PostStart hook" /
    "should not launch second container before PostStart of the first container completed"
    (restartPolicy Never; regular-1 runs 10 s with a 1 s exec postStart hook, regular-2 runs 1 s):
    PostStart-regular-1 starts and exits before regular-2 starts (kuberuntime_container.go
    startContainer runs the hook inside the start; SyncPod starts the containers one by one), and
    the pod ends no longer running (Succeeded: both exit 0)."""
    spec = c("regular-1", lifecycle={"postStart": {"exec": {"command": ["sh", "-c", "sleep 1"]}}})
    m = run(pod("Never", spec, c("regular-2")), SCHED)
    m.apply({"type": "ContainerStarted", "container": "regular-1", "postStartRunning": True})
    m.apply(wait(1))
    assert _refused(m, start("regular-2"))  # the hook has not returned: regular-2 may not start
    assert state_of(m, "regular-2") == "waiting"
    m.apply({"type": "PostStartHookSucceeded", "container": "regular-1"})
    assert state_of(m, "regular-1") == "running"
    m.apply(start("regular-2"))
    m.apply(wait(1))
    m.apply(exit_("regular-2", 0))
    m.apply(wait(8))
    m.apply(exit_("regular-1", 0))
    assert m.render()["status"]["phase"] == "Succeeded"
    assert [_restarts(m, n) for n in ("regular-1", "regular-2")] == [0, 0]


# -- "A node reboots" -------------------------------------------------------------------------------


def test_regular_containers_restart_in_order_after_the_node_reboot() -> None:
    """container_lifecycle_test.go "A node reboots" / "should restart the containers in right order
    after the node reboot" (restartPolicy Always; init-1..3 run 5 s, regular-1 runs 30 s and exits
    0; the test stops the kubelet, stops the sandbox, starts the kubelet): it waits for regular-1's
    restartCount to reach 2 with the pod Running, and checks that the first and the second starts
    are each in the order init-1, init-2, init-3, regular-1."""
    inits = (c("init-1"), c("init-2"), c("init-3"))
    m = run(pod("Always", c("regular-1"), inits=inits, name="initialized-pod"), SCHED)
    for n in ("init-1", "init-2", "init-3"):
        assert _refused(m, start("regular-1"))
        m.apply(start(n))
        m.apply(wait(5))
        m.apply(exit_(n, 0))
    m.apply(start("regular-1"))
    assert m.render()["status"]["phase"] == "Running"
    m.apply(REBOOT)
    assert condition(m, "PodReadyToStartContainers")["status"] == "False"
    for i, n in enumerate(("init-1", "init-2", "init-3")):
        for later in ("init-1", "init-2", "init-3", "regular-1")[i + 1 :]:
            assert _refused(m, start(later)), later
        m.apply(start(n))
        m.apply(wait(5))
        m.apply(exit_(n, 0))
        assert _restarts(m, n) == 1
    m.apply(start("regular-1"))
    assert _restarts(m, "regular-1") == 1
    m.apply(wait(30))
    m.apply(exit_("regular-1", 0))
    assert "CrashLoopBackOff" in _refused(m, start("regular-1"))  # the new kubelet's first back-off: 10 s
    m.apply(wait(10))
    m.apply(start("regular-1"))
    assert _restarts(m, "regular-1") == 2 and state_of(m, "regular-1") == "running"
    assert m.render()["status"]["phase"] == "Running"
    assert [_restarts(m, n) for n in ("init-1", "init-2", "init-3")] == [1, 1, 1]


# -- "The kubelet restarts" ------------------------------------------------------------------------

THREE_INITS = (c("init-1"), c("init-2"), c("init-3"))


@pytest.mark.parametrize("records_removed", [False, True], ids=["records-kept", "records-removed"])
def test_initialized_pod_restarts_no_init_container_after_the_kubelet_restart(records_removed: bool) -> None:
    """container_lifecycle_test.go "The kubelet restarts" / "a Pod is initialized and running" /
    "should not restart any completed init container after the kubelet restart" and "should not
    restart any completed init container, even after the completed init container statuses have
    been removed and the kubelet restarted" (restartPolicy Always; init-1..3 run 1 s, regular-1
    300 s): for a minute after the restart no completed init container has restartCount above 0;
    init-1 starts and exits before init-2, init-2 before init-3; regular-1 is running.

    The second test removes the completed init containers' records from the runtime while the
    kubelet is down. podfsm has no event for that: the kubelet reuses the old ``terminated``
    status of a container whose record is gone (kubelet_pods.go:convertToAPIContainerStatuses) and
    computeInitContainerActions sees a regular container, so the API shows the same; both
    variants play the same script."""
    m = run(pod("Always", c("regular-1"), inits=THREE_INITS, name="initialized-pod"), SCHED)
    for i, n in enumerate(("init-1", "init-2", "init-3")):
        for later in ("init-1", "init-2", "init-3")[i + 1 :]:
            assert "has not completed" in _refused(m, start(later))
        m.apply(start(n))
        m.apply(wait(1))
        m.apply(exit_(n, 0))
    m.apply(start("regular-1"))
    assert m.render()["status"]["phase"] == "Running"
    m.apply(wait(5))
    # records_removed: the removal is not an event (see the docstring); the script is the same
    m.apply(KUBELET_RESTART)
    for _ in range(6):  # Consistently, one minute
        for n in ("init-1", "init-2", "init-3"):
            assert state_of(m, n) == "terminated" and _restarts(m, n) == 0
            assert status_of(m, n)["state"]["terminated"]["exitCode"] == 0
            assert _refused(m, start(n))
        m.apply(wait(10))
    assert state_of(m, "regular-1") == "running" and _restarts(m, "regular-1") == 0
    assert m.render()["status"]["phase"] == "Running"


@pytest.mark.parametrize("records_removed", [False, True], ids=["records-kept", "records-removed"])
def test_initializing_pod_restarts_no_completed_init_container_after_the_kubelet_restart(
    records_removed: bool,
) -> None:
    """container_lifecycle_test.go "The kubelet restarts" / "a Pod is initializing the long-running
    init container" / "should not restart any completed init container after the kubelet restart"
    and "..., even after the completed init container statuses have been removed and the kubelet
    restarted" (restartPolicy Always; init-1 and init-2 run 1 s, long-running-init-3 and regular-1
    300 s; the kubelet restarts once long-running-init-3 is running and started): for a minute no
    completed init container has restartCount above 0, init-1 starts and exits before init-2, and
    both restart counts are 0. The records' removal (second test) is not an event in podfsm; the
    API shows the same (see the test above)."""
    inits = (c("init-1"), c("init-2"), c("long-running-init-3"))
    m = run(
        pod("Always", c("regular-1"), inits=inits, name="initializing-long-running-init-container"), SCHED
    )
    assert "has not completed" in _refused(m, start("init-2"))
    m.apply(start("init-1"))
    m.apply(wait(1))
    m.apply(exit_("init-1", 0))
    m.apply(start("init-2"))
    m.apply(wait(1))
    m.apply(exit_("init-2", 0))
    m.apply(start("long-running-init-3"))
    cs = status_of(m, "long-running-init-3")
    assert "running" in cs["state"] and cs["started"] is True
    m.apply(KUBELET_RESTART)
    for _ in range(6):  # Consistently, one minute
        for n in ("init-1", "init-2"):
            assert state_of(m, n) == "terminated" and _restarts(m, n) == 0
            assert _refused(m, start(n))
        assert "init containers must finish first" in _refused(m, start("regular-1"))
        m.apply(wait(10))
    assert state_of(m, "long-running-init-3") == "running" and _restarts(m, "long-running-init-3") == 0
    assert m.render()["status"]["phase"] == "Pending"


# -- "A node running restartable init containers reboots" ------------------------------------------

SIDECAR_INITS = (c("init-1"), side("restartable-init-2"), c("init-3"))


def _sidecar_pod_running() -> PodModel:
    """init-1 (5 s), restartable-init-2 (300 s), init-3 (5 s), regular-1 (300 s), restartPolicy
    Always, initialized and running (WaitForPodRunningInNamespace)."""
    m = run(pod("Always", c("regular-1"), inits=SIDECAR_INITS, name="initialized-pod"), SCHED)
    m.apply(start("init-1"))
    m.apply(wait(5))
    m.apply(exit_("init-1", 0))
    m.apply(start("restartable-init-2"))
    m.apply(start("init-3"))
    m.apply(wait(5))
    m.apply(exit_("init-3", 0))
    m.apply(start("regular-1"))
    assert m.render()["status"]["phase"] == "Running"
    return m


def _reinitialize_in_order(m: PodModel) -> None:
    """After the reboot: init-1, restartable-init-2, init-3, regular-1 start again in this order;
    the pod is Pending when init-1 shows its restart (the upstream wait fails otherwise)."""
    order = ("init-1", "restartable-init-2", "init-3", "regular-1")
    for later in order[1:]:
        assert _refused(m, start(later)), later
    m.apply(start("init-1"))
    assert _restarts(m, "init-1") == 1
    assert m.render()["status"]["phase"] == "Pending"
    m.apply(wait(5))
    m.apply(exit_("init-1", 0))
    for later in order[2:]:
        assert _refused(m, start(later)), later
    m.apply(start("restartable-init-2"))
    assert _refused(m, start("regular-1"))
    m.apply(start("init-3"))
    assert m.render()["status"]["phase"] == "Pending"
    m.apply(wait(5))
    m.apply(exit_("init-3", 0))
    m.apply(start("regular-1"))


def test_sidecar_pod_restarts_in_order_after_the_node_reboot() -> None:
    """container_lifecycle_test.go "A node running restartable init containers reboots" / "should
    restart the containers in right order after the node reboot": it waits for init-1's
    restartCount to reach 1 while the pod stays Pending, then for regular-1 to run; the first and
    the second starts are each in the order init-1, restartable-init-2, init-3, regular-1."""
    m = _sidecar_pod_running()
    m.apply(REBOOT)
    _reinitialize_in_order(m)
    assert state_of(m, "regular-1") == "running"
    assert [_restarts(m, n) for n in ("init-1", "restartable-init-2", "init-3", "regular-1")] == [1, 1, 1, 1]
    assert m.render()["status"]["phase"] == "Running"


def test_sidecar_image_update_during_the_node_reboot() -> None:
    """container_lifecycle_test.go "A node running restartable init containers reboots" / "A node is
    rebooting and receives an update request" / "should handle an update during the node reboot":
    after the reboot (kubelet up again) restartable-init-2's image is updated; the pod is
    re-initialized and Running with regular-1's restartCount at least 1, and restartable-init-2
    runs again (restartCount above 0) with the new image."""
    m = _sidecar_pod_running()
    m.apply(REBOOT)
    m.apply(image("restartable-init-2", NEW))
    _reinitialize_in_order(m)
    assert _restarts(m, "regular-1") >= 1 and m.render()["status"]["phase"] == "Running"
    side_status = status_of(m, "restartable-init-2")
    assert side_status["restartCount"] > 0 and side_status["image"] == NEW
    assert state_of(m, "restartable-init-2") == "running"


def test_sidecar_image_update_during_the_kubelet_restart() -> None:
    """container_lifecycle_test.go "A node running restartable init containers reboots" / "A node is
    rebooting and receives an update request" / "should handle an update during the kubelet
    restart": the kubelet restarts (no sandbox stopped), then restartable-init-2's image is
    updated; the pod stays Running with regular-1's restartCount 0, and restartable-init-2 is
    restarted (restartCount above 0) with the new image (kuberuntime_manager.go:computePodActions,
    "definition changed"). No init container runs again."""
    m = _sidecar_pod_running()
    m.apply(wait(30))
    m.apply(KUBELET_RESTART)
    m.apply(image("restartable-init-2", NEW))
    m.apply(wait(1))
    m.apply(exit_("restartable-init-2", 0))  # its TERM trap exits 0
    m.apply(start("restartable-init-2"))
    assert _restarts(m, "regular-1") == 0 and state_of(m, "regular-1") == "running"
    assert m.render()["status"]["phase"] == "Running"
    side_status = status_of(m, "restartable-init-2")
    assert side_status["restartCount"] > 0 and side_status["image"] == NEW
    assert [_restarts(m, n) for n in ("init-1", "init-3")] == [0, 0]
    assert _refused(m, start("init-1"))


# -- "Not Change Container Status" -----------------------------------------------------------------
# The suite is labelled with the feature gate ChangeContainerStatusOnKubeletRestart (deprecated, off
# by default in v1.35); what it asserts is the gate's default, KEP-4781's behaviour: a container
# that started more than 10 s before the kubelet keeps started and ready
# (prober_manager.go:isContainerStarted, setReadyStateOnKubeletRestart).


def _probes(kind: str) -> dict[str, Any]:
    return {
        "none": {},
        "startup": {"startupProbe": TRUE_PROBE},
        "readiness": {"readinessProbe": TRUE_PROBE},
        "startup+readiness": {"startupProbe": TRUE_PROBE, "readinessProbe": TRUE_PROBE},
    }[kind]


def _probe_successes(m: PodModel, name: str, kind: str) -> None:
    if "startup" in kind:
        m.apply(result(name, "startup", True))
    if "readiness" in kind:
        m.apply(result(name, "readiness", True))


def _check_unchanged(m: PodModel, names: tuple[str, ...]) -> None:
    """The watch's check on every Modified event: phase Running; each container's restartCount 0,
    started true, ready true."""
    assert m.render()["status"]["phase"] == "Running"
    for n in names:
        cs = status_of(m, n)
        assert cs["restartCount"] == 0 and cs["started"] is True and cs["ready"] is True, (n, cs)


def _kubelet_restart_changes_nothing(m: PodModel, probed: dict[str, str], watched: tuple[str, ...]) -> None:
    """The upstream testKubeletRestart after the pod is Running and Ready: wait 11 s (past the
    kubelet's 10 s restart grace period), restart the kubelet, watch for 5 s more while the probes
    keep succeeding (the readiness probes; a startup probe that succeeded runs no more)."""
    assert condition(m, "Ready")["status"] == "True"
    _check_unchanged(m, watched)
    m.apply(wait(11))
    m.apply(KUBELET_RESTART)
    _check_unchanged(m, watched)
    for _ in range(5):
        m.apply(wait(1))
        _check_unchanged(m, watched)
        for name, kind in probed.items():
            if "readiness" in kind:  # a startup probe that succeeded runs no more (worker.go:doProbe)
                m.apply(result(name, "readiness", True))
                _check_unchanged(m, watched)
    assert condition(m, "Ready")["status"] == "True"


@pytest.mark.parametrize(
    ("containers", "kind"),
    [
        (1, "none"),
        (1, "startup"),
        (1, "readiness"),
        (1, "startup+readiness"),
        (2, "none"),
        (2, "startup"),
        (2, "readiness"),
        (2, "startup+readiness"),
    ],
)
def test_kubelet_restart_does_not_change_a_running_pods_status(containers: int, kind: str) -> None:
    """container_lifecycle_test.go "Not Change Container Status" / "a Pod is running" / "should not
    affect pod status when pod has no probe", "... has startupProbe", "... has readinessProbe",
    "... has startupProbe and readinessProbe", "... has multiple containers", "... has multiple
    containers with startupProbes", "... with readinessProbes", "... with startup and readiness
    probes" (restartPolicy Always, sleep 3600, probes /bin/true with 1 s delay and period): once
    the pod is Running and Ready every container has restartCount 0, started and ready true; 11 s
    later the kubelet restarts, and no status the watch sees for 5 s after it has another phase
    than Running, a restart, or a container not started or not ready."""
    names = ("container",) if containers == 1 else ("container1", "container2")
    m = run(pod("Always", *(c(n, **_probes(kind)) for n in names)), SCHED)
    for n in names:
        m.apply(start(n))
    m.apply(wait(1))
    for n in names:
        _probe_successes(m, n, kind)
    _kubelet_restart_changes_nothing(m, dict.fromkeys(names, kind), names)


@pytest.mark.parametrize("kind", ["none", "startup", "readiness", "startup+readiness"])
def test_kubelet_restart_does_not_change_a_running_sidecars_status(kind: str) -> None:
    """container_lifecycle_test.go "Not Change Container Status" / "a Pod is running with a
    restartable init container" / "should not affect pod status when restartable init container
    has no probe", "... has startupProbe", "... has readinessProbe", "... has startupProbe and
    readinessProbe" (a pause container after the sidecar): once the pod is Running and Ready the
    sidecar has restartCount 0, started and ready true; 11 s later the kubelet restarts, and every
    status the watch sees for 5 s after it is Running with the sidecar not restarted, started and
    ready."""
    sidecar = side("restartable-init", **_probes(kind))
    m = run(pod("Always", c("container", "registry.k8s.io/pause:3.10"), inits=(sidecar,)), SCHED)
    m.apply(start("restartable-init"))
    m.apply(wait(1))
    _probe_successes(m, "restartable-init", kind)
    m.apply(start("container"))
    _kubelet_restart_changes_nothing(m, {"restartable-init": kind}, ("restartable-init",))
