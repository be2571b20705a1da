"""Upstream node end-to-end tests, written as podfsm event scripts.

Each test names the upstream e2e test (file and ``ginkgo.It`` text) and asserts what that test
asserts, as far as podfsm can express it (no volumes, images, logs or kubelet restarts).
"""

from __future__ import annotations

import pytest

from podfsm.errors import IllegalEvent
from podfsm.oracle import kubectl_columns
from tests.scenario_dsl import SCHED, c, condition, exit_, pod, probe, result, run, start, status_of, wait

DELETE = {"type": "DeletionRequested"}


def _conds(m) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {k: condition(m, k).get("status", "absent") for k in ("Initialized", "ContainersReady", "Ready")}


# -- test/e2e/common/node/init_container.go ------------------------------------------------------


def test_init_containers_on_a_restart_never_pod() -> None:
    """init_container.go "should invoke init containers on a RestartNever pod": init1 and init2
    run to completion in order, then run1; the pod ends Succeeded with Initialized True."""
    m = run(pod("Never", c("run1"), inits=(c("init1"), c("init2"))), SCHED, start("init1"))
    with pytest.raises(IllegalEvent):
        m.apply(start("init2"))
    m.apply(exit_("init1", 0))
    m.apply(start("init2"))
    m.apply(exit_("init2", 0))
    assert _conds(m)["Initialized"] == "True"
    m.apply(start("run1"))
    m.apply(exit_("run1", 0))
    assert m.phase == "Succeeded"
    assert [s["state"]["terminated"]["reason"] for s in m.render()["status"]["initContainerStatuses"]] == [
        "Completed",
        "Completed",
    ]


def test_init_containers_on_a_restart_always_pod() -> None:
    """init_container.go "should invoke init containers on a RestartAlways pod": the pod becomes
    Running and Ready once both init containers completed and run1 runs."""
    m = run(
        pod("Always", c("run1"), inits=(c("init1"), c("init2"))),
        SCHED,
        start("init1"),
        exit_("init1", 0),
        start("init2"),
        exit_("init2", 0),
        start("run1"),
    )
    assert m.phase == "Running" and _conds(m) == {
        "Initialized": "True",
        "ContainersReady": "True",
        "Ready": "True",
    }


def test_app_containers_do_not_start_if_init_containers_fail_on_a_restart_always_pod() -> None:
    """init_container.go "should not start app containers if init containers fail on a RestartAlways
    pod": init1 keeps failing and is restarted with back-off (restartCount >= 3), the pod stays
    Pending with Initialized False, and the app containers never start."""
    m = run(pod("Always", c("run1"), inits=(c("init1"), c("init2"))), SCHED)
    for i in range(4):
        m.apply(start("init1"))
        m.apply(exit_("init1", 1))
        m.apply(wait(10 * 2**i if i else 0))
    assert status_of(m, "init1")["restartCount"] >= 3
    assert m.phase == "Pending"
    assert _conds(m)["Initialized"] == "False"
    assert kubectl_columns(m.render()).status == "Init:CrashLoopBackOff"
    with pytest.raises(IllegalEvent):
        m.apply(start("run1"))


def test_pod_fails_if_init_containers_fail_on_a_restart_never_pod() -> None:
    """init_container.go "should not start app containers and fail the pod if init containers fail
    on a RestartNever pod": Failed, Initialized False, init1 terminated with a non-zero exit."""
    m = run(pod("Never", c("run1"), inits=(c("init1"), c("init2"))), SCHED, start("init1"), exit_("init1", 1))
    assert m.phase == "Failed"
    assert _conds(m)["Initialized"] == "False"
    assert status_of(m, "init1")["state"]["terminated"]["exitCode"] == 1
    assert "running" not in status_of(m, "run1")["state"]


# -- test/e2e/common/node/container_probe.go -----------------------------------------------------


def test_liveness_probe_restarts_the_container() -> None:
    """container_probe.go "should be restarted with a exec \\"cat /tmp/health\\" liveness probe":
    after the probe fails failureThreshold times, restartCount goes 0 -> 1."""
    app = c("app", livenessProbe=probe(initialDelaySeconds=15, failureThreshold=1))
    m = run(pod("Always", app), SCHED, start("app"), wait(15), result("app", "liveness", False))
    m.apply(wait(30))  # SIGTERM ignored: SIGKILL at the end of the grace period
    m.apply(start("app"))
    assert status_of(m, "app")["restartCount"] == 1


def test_passing_liveness_probe_does_not_restart() -> None:
    """container_probe.go "should *not* be restarted with a exec \\"cat /tmp/health\\" liveness probe"."""
    app = c("app", livenessProbe=probe(initialDelaySeconds=15, failureThreshold=1))
    m = run(pod("Always", app), SCHED, start("app"), wait(15))
    for _ in range(5):
        m.apply(result("app", "liveness", True))
        m.apply(wait(10))
    assert status_of(m, "app")["restartCount"] == 0 and m.by_name["app"].state == "Running"


def test_readiness_probe_not_ready_before_initial_delay_and_never_restarts() -> None:
    """container_probe.go "with readiness probe should not be ready before initial delay and never
    restart": not ready until a success after initialDelaySeconds; restartCount stays 0."""
    app = c("app", readinessProbe=probe(initialDelaySeconds=20))
    m = run(pod("Always", app), SCHED, start("app"))
    with pytest.raises(IllegalEvent, match="initialDelaySeconds"):
        m.apply(result("app", "readiness", True))
    assert not status_of(m, "app")["ready"]
    m.apply(wait(20))
    m.apply(result("app", "readiness", True))
    assert status_of(m, "app")["ready"] and status_of(m, "app")["restartCount"] == 0


def test_failing_readiness_probe_never_ready_never_restarts() -> None:
    """container_probe.go "with readiness probe that fails should never be ready and never restart"."""
    m = run(pod("Always", c("app", readinessProbe=probe())), SCHED, start("app"))
    for _ in range(5):
        m.apply(result("app", "readiness", False))
        m.apply(wait(10))
    cs = status_of(m, "app")
    assert not cs["ready"] and cs["restartCount"] == 0 and _conds(m)["Ready"] == "False"


def test_startup_probe_failure_restarts_the_container() -> None:
    """container_probe.go "should be restarted startup probe fails"."""
    app = c("app", startupProbe=probe(failureThreshold=3))
    m = run(pod("Always", app), SCHED, start("app"))
    for _ in range(3):
        m.apply(result("app", "startup", False))
    m.apply(exit_("app", 137))
    m.apply(start("app"))
    assert status_of(m, "app")["restartCount"] == 1


def test_startup_probe_delays_liveness() -> None:
    """container_probe.go "should *not* be restarted by liveness probe because startup probe delays
    it": while the startup probe has not succeeded, liveness does not run."""
    app = c("app", startupProbe=probe(failureThreshold=60), livenessProbe=probe(failureThreshold=1))
    m = run(pod("Always", app), SCHED, start("app"))
    with pytest.raises(IllegalEvent, match="startup probe"):
        m.apply(result("app", "liveness", False))
    assert status_of(m, "app")["restartCount"] == 0


def test_probe_termination_grace_period_overrides_the_pods() -> None:
    """container_probe.go "should override timeoutGracePeriodSeconds when LivenessProbe field is set":
    the kill uses the probe's terminationGracePeriodSeconds (pod: 600 s)."""
    app = c("app", livenessProbe=probe(failureThreshold=1, terminationGracePeriodSeconds=10))
    m = run(pod("Always", app, terminationGracePeriodSeconds=600), SCHED, start("app"))
    m.apply(result("app", "liveness", False))
    m.apply(wait(10))
    m.apply(start("app"))
    assert status_of(m, "app")["restartCount"] == 1


# -- test/e2e/common/node/lifecycle_hook.go ------------------------------------------------------


def test_pre_stop_sleep_hook_delays_the_stop() -> None:
    """lifecycle_hook.go "valid prestop hook using sleep action": the container is stopped only
    after the hook slept (here 15 s of a 30 s grace period; SIGKILL at 30 s)."""
    app = c("app", lifecycle={"preStop": {"sleep": {"seconds": 15}}})
    m = run(pod("Always", app), SCHED, start("app"), DELETE)
    m.apply(wait(29))
    assert not m.gone
    m.apply(wait(1))
    assert m.gone


def test_pre_stop_sleep_hook_cut_by_a_shorter_grace_period() -> None:
    """lifecycle_hook.go "reduce GracePeriodSeconds during runtime": a deletion with a 2 s grace
    cuts a 15 s sleep hook; the stop signal still gets 2 s (killContainer)."""
    app = c("app", lifecycle={"preStop": {"sleep": {"seconds": 15}}})
    m = run(pod("Always", app), SCHED, start("app"), {"type": "DeletionRequested", "gracePeriodSeconds": 2})
    m.apply(wait(4))
    assert m.gone


def test_post_start_hook_failure_restarts_the_container() -> None:
    """lifecycle_hook.go poststart hooks with a failing handler: the container is killed
    (FailedPostStartHook) and restarted; PostStartHookError is the waiting reason meanwhile."""
    app = c("app", lifecycle={"postStart": {"exec": {"command": ["false"]}}})
    m = run(pod("Always", app), SCHED, {"type": "PostStartHookFailed", "container": "app"}, exit_("app", 0))
    assert kubectl_columns(m.render()).status == "PostStartHookError"
    m.apply(start("app"))
    assert m.phase == "Running" and status_of(m, "app")["restartCount"] == 1


# -- test/e2e_node/container_lifecycle_test.go ---------------------------------------------------


def test_regular_containers_launch_after_init_containers_serially() -> None:
    """container_lifecycle_test.go "should launch init container serially before a regular container"."""
    m = run(pod("Never", c("regular1"), inits=(c("init-1"), c("init-2"))), SCHED)
    with pytest.raises(IllegalEvent):
        m.apply(start("regular1"))
    for n in ("init-1", "init-2"):
        m.apply(start(n))
        m.apply(exit_(n, 0))
    m.apply(start("regular1"))
    m.apply(exit_("regular1", 0))
    assert m.phase == "Succeeded"


def test_restartable_init_containers_launch_before_regular_containers() -> None:
    """container_lifecycle_test.go "should launch restartable init containers before regular
    containers": the regular container starts only once the sidecar started."""
    side = c("restartable-init-1", restartPolicy="Always", startupProbe=probe())
    m = run(pod("Always", c("regular-1"), inits=(side,)), SCHED, start("restartable-init-1"))
    with pytest.raises(IllegalEvent):
        m.apply(start("regular-1"))
    m.apply(result("restartable-init-1", "startup", True))
    m.apply(start("regular-1"))
    assert m.phase == "Running"


def test_sidecars_terminate_after_regular_containers_exit_and_are_not_restarted() -> None:
    """container_lifecycle_test.go "should terminate sidecars in reverse order after all main
    containers have exited": the job ends Succeeded, sidecars stopped last one first."""
    sides = (c("s1", restartPolicy="Always"), c("s2", restartPolicy="Always"))
    m = run(
        pod("Never", c("main"), inits=sides), SCHED, start("s1"), start("s2"), start("main"), exit_("main", 0)
    )
    assert m.by_name["s2"].state == "Killing" and m.by_name["s1"].state == "Running"
    m.apply(exit_("s2", 0))
    assert m.by_name["s1"].state == "Killing"
    m.apply(exit_("s1", 0))
    assert m.phase == "Succeeded"


def test_failing_restartable_init_container_does_not_fail_the_pod() -> None:
    """container_lifecycle_test.go (restartable init containers) "should restart a restartable init
    container that exits with a failure": restarted whatever the pod policy; the pod is not failed."""
    side = c("restartable-init-1", restartPolicy="Always")
    m = run(
        pod("Never", c("regular-1"), inits=(side,)), SCHED, start("restartable-init-1"), start("regular-1")
    )
    m.apply(exit_("restartable-init-1", 1))
    m.apply(start("restartable-init-1"))
    assert m.phase == "Running"
    assert status_of(m, "restartable-init-1")["restartCount"] == 1


# -- test/e2e_node/pod_conditions_test.go --------------------------------------------------------


def _since(m, ctype: str) -> str:  # type: ignore[no-untyped-def]
    return str(condition(m, ctype)["lastTransitionTime"])


def test_conditions_without_init_containers_in_order() -> None:
    """pod_conditions_test.go "a pod without init containers should report all conditions set in
    expected order after the pod is up": PodReadyToStartContainers and Initialized are True first,
    then ContainersReady and Ready (readiness probe succeeds later)."""
    m = run(pod("Always", c("app", readinessProbe=probe())), SCHED, wait(3), start("app"), wait(5))
    m.apply(result("app", "readiness", True))
    for ctype in ("PodScheduled", "PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready"):
        assert condition(m, ctype)["status"] == "True"
    assert _since(m, "PodReadyToStartContainers") <= _since(m, "Initialized") <= _since(m, "ContainersReady")
    assert _since(m, "ContainersReady") <= _since(m, "Ready")
    assert _since(m, "Initialized") < _since(m, "Ready")


def test_conditions_with_init_containers_in_order() -> None:
    """pod_conditions_test.go "a pod with init containers should report all conditions set in
    expected order after the pod is up": Initialized only after the init container completed."""
    m = run(pod("Always", c("app"), inits=(c("init"),)), SCHED, start("init"))
    assert condition(m, "Initialized")["status"] == "False"
    m.apply(wait(3))
    m.apply(exit_("init", 0))
    m.apply(wait(2))
    m.apply(start("app"))
    assert _since(m, "PodReadyToStartContainers") < _since(m, "Initialized") < _since(m, "Ready")
