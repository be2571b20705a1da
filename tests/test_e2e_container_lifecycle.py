"""test/e2e_node/container_lifecycle_test.go, written as podfsm scenarios.

Each test names the upstream ``When`` and ``It`` texts it plays (tests/data/e2e_catalogue.yaml maps
every ``It`` to its test) and asserts what the upstream test asserts, read from the test code: the
container states, restart counts, images and phases its ``WaitForPodCondition`` calls wait for,
and the order of starts and exits its log analysis checks (here: which start or exit the model
allows when). Where the upstream test waits for a log line, the scenario sends the event that
line stands for.
"""

from __future__ import annotations

import pytest

from podfsm.errors import IllegalEvent
from podfsm.oracle import kubectl_columns
from tests.scenario_dsl import (
    SCHED,
    c,
    delete,
    exit_,
    image,
    pod,
    probe,
    pull_failed,
    result,
    run,
    side,
    start,
    state_of,
    status_of,
    wait,
)

POLICIES = ("Always", "OnFailure", "Never")
NEW = "registry.k8s.io/e2e-test-images/busybox:1.37"


def _status(m) -> str:  # type: ignore[no-untyped-def]
    return kubectl_columns(m.render()).status


def _pull_fails_until_back_off(m, name: str) -> None:  # type: ignore[no-untyped-def]
    """Every pull the kubelet tries fails, until the container shows ImagePullBackOff."""
    for _ in range(12):
        if status_of(m, name)["state"].get("waiting", {}).get("reason") == "ImagePullBackOff":
            return
        _illegal(m, pull_failed(name))  # refused while the pull back-off runs
        m.apply(wait(5))
    raise AssertionError(f"{name} never showed ImagePullBackOff")


def _illegal(m, ev) -> bool:  # type: ignore[no-untyped-def]
    try:
        m.apply(ev)
    except IllegalEvent:
        return True
    return False


# -- A pod is running only regular containers ---------------------------------------------------


@pytest.mark.parametrize("policy", POLICIES)
def test_regular_image_update_restarts_only_that_container(policy: str) -> None:
    """ "the regular container has its image updated" / "should successfully restart when the image
    is updated" (Always, OnFailure, Never): regular-1 runs again with the new image and restartCount
    above 0; regular-2 keeps running with restartCount 0 (computePodActions: definition changed)."""
    m = run(pod(policy, c("regular-1"), c("regular-2")), SCHED, start("regular-1"), start("regular-2"))
    m.apply(image("regular-1", NEW))
    m.apply(exit_("regular-1", 137, signal=15))
    m.apply(start("regular-1"))
    r1, r2 = status_of(m, "regular-1"), status_of(m, "regular-2")
    assert state_of(m, "regular-1") == "running" and r1["image"] == NEW and r1["restartCount"] > 0
    assert state_of(m, "regular-2") == "running" and r2["restartCount"] < 1


@pytest.mark.parametrize("policy", POLICIES)
def test_regular_image_update_during_initialization(policy: str) -> None:
    """ "the regular container has its image updated during initialization" / "Should not start a
    regular container": while init-1 runs the pod stays Pending and no regular container starts or
    restarts; once init-1 completed both run once, regular-1 with the new image."""
    m = run(pod(policy, c("regular-1"), c("regular-2"), inits=(c("init-1"),)), SCHED, start("init-1"))
    assert state_of(m, "init-1") == "running" and status_of(m, "init-1")["started"]
    m.apply(image("regular-1", NEW))
    assert m.phase == "Pending"
    assert _illegal(m, start("regular-1"))
    for n in ("regular-1", "regular-2"):
        assert status_of(m, n)["restartCount"] == 0 and state_of(m, n) != "running"
    m.apply(wait(60))
    m.apply(exit_("init-1", 0))
    m.apply(start("regular-1"))
    m.apply(start("regular-2"))
    assert m.phase == "Running"
    for n in ("regular-1", "regular-2"):
        assert status_of(m, n)["restartCount"] == 0 and state_of(m, n) == "running"
    assert status_of(m, "regular-1")["image"] == NEW


@pytest.mark.parametrize("policy", ("Always", "OnFailure"))
@pytest.mark.parametrize("kind", ("startup", "liveness"))
def test_image_update_after_a_probe_kill(policy: str, kind: str) -> None:
    """ "The regular container has its image updated after a failed startup probe" and "... after a
    failed liveness probe" / "should update the image" (Always, OnFailure): the probe (initial delay
    20 s, failureThreshold 1) kills regular-1, it restarts (restartCount 1); after the image update
    it is killed again and restarted with the new image (restartCount above 1)."""
    p = probe(initialDelaySeconds=20, failureThreshold=1)
    m = run(pod(policy, c("regular-1", **{f"{kind}Probe": p})), SCHED, start("regular-1"), wait(20))
    m.apply(result("regular-1", kind, False))
    m.apply(exit_("regular-1", 137, signal=15))
    m.apply(start("regular-1"))
    assert status_of(m, "regular-1")["restartCount"] == 1
    m.apply(image("regular-1", NEW))
    m.apply(exit_("regular-1", 137, signal=15))
    m.apply(start("regular-1"))
    cs = status_of(m, "regular-1")
    assert cs["image"] == NEW and cs["restartCount"] > 1


@pytest.mark.parametrize("policy", POLICIES)
def test_regular_image_update_during_termination(policy: str) -> None:
    """ "The regular container has its image updated during termination" / "should not update the
    image": after a deletion (grace 120 s) the image update restarts nothing; the container's
    SIGTERM handler exits 1 and the pod goes away before its grace period ends."""
    m = run(pod(policy, c("regular-1")), SCHED, start("regular-1"), delete(120))
    m.apply(image("regular-1", NEW))
    m.apply(wait(30))
    assert status_of(m, "regular-1")["restartCount"] == 0
    m.apply(wait(20))
    m.apply(exit_("regular-1", 1))
    assert m.phase == "Failed" and status_of(m, "regular-1")["restartCount"] == 0
    assert _illegal(m, start("regular-1"))


# -- Running a pod with init containers and regular containers, restartPolicy=Never -------------


def test_init_containers_run_serially_before_the_regular_container() -> None:
    """ "A pod initializes successfully" / "should launch init container serially before a regular
    container": init-2 starts only after init-1 exited, init-3 after init-2, regular-1 (startup
    probe) after init-3; the pod finishes Succeeded."""
    inits = (c("init-1"), c("init-2"), c("init-3"))
    m = run(pod("Never", c("regular-1", startupProbe=probe()), inits=inits), SCHED)
    order = ["init-1", "init-2", "init-3"]
    for i, n in enumerate(order):
        for later in [*order[i + 1 :], "regular-1"]:
            assert _illegal(m, start(later))
        m.apply(start(n))
        m.apply(wait(1))
        m.apply(exit_(n, 0))
    m.apply(start("regular-1"))
    m.apply(wait(5))
    m.apply(result("regular-1", "startup", True))
    m.apply(exit_("regular-1", 0))
    assert m.phase == "Succeeded"


def test_init_container_completes_before_the_post_start_hook() -> None:
    """ "The regular container has a PostStart hook" / "should run Init container to completion
    before call to PostStart of regular container": regular-1 (whose start includes its hook)
    cannot start before init-1 exited; then it runs, and the pod finishes Succeeded."""
    hook = {"postStart": {"exec": {"command": ["sh", "-c", "sleep 1"]}}}
    m = run(pod("Never", c("regular-1", lifecycle=hook), inits=(c("init-1"),)), SCHED, start("init-1"))
    assert _illegal(m, start("regular-1"))
    assert _illegal(m, {"type": "PostStartHookFailed", "container": "regular-1"})
    m.apply(exit_("init-1", 0))
    m.apply(start("regular-1"))
    m.apply(wait(10))
    m.apply(exit_("regular-1", 0))
    assert m.phase == "Succeeded"


def test_failing_regular_container_is_restarted_under_always() -> None:
    """ "running a Pod with a failed regular container" / "should restart failing container when pod
    restartPolicy is Always": exiting 1 after a second, it is restarted (restartCount reaches 3),
    each start after the previous exit."""
    m = run(pod("Always", c("regular-1")), SCHED)
    for i in range(4):
        m.apply(start("regular-1"))
        m.apply(wait(1))
        m.apply(exit_("regular-1", 1))
        m.apply(wait(10 * 2**i))
    assert status_of(m, "regular-1")["restartCount"] == 3
    assert m.phase == "Running"


def test_init_container_with_a_bad_image() -> None:
    """ "an init container fails to start because of a bad image" / "should mark a Pod as failed and
    produce log", "should not start an init container", "should not start a regular container":
    the init container waits in ImagePullBackOff (WaitForPodInitContainerToFail), neither it nor
    the regular container ever runs, the pod stays Pending."""
    m = run(pod("Never", c("regular-1"), inits=(c("init1-1"),)), SCHED)
    _pull_fails_until_back_off(m, "init1-1")
    cs = status_of(m, "init1-1")
    assert cs["state"]["waiting"]["reason"] == "ImagePullBackOff"
    assert _status(m) == "Init:ImagePullBackOff" and m.phase == "Pending"
    assert _illegal(m, start("regular-1"))
    assert state_of(m, "regular-1") == "waiting"


def test_regular_restart_does_not_rerun_init_containers() -> None:
    """ "A regular container restarts with init containers" / "shouldn't restart init containers upon
    regular container restart": the three init containers run once, in order; regular-1 (exit -1,
    i.e. 255) restarts 3 times; no init container is started again."""
    inits = (c("init-1"), c("init-2"), c("init-3"))
    m = run(pod("Always", c("regular-1"), inits=inits), SCHED)
    for n in ("init-1", "init-2", "init-3"):
        m.apply(start(n))
        m.apply(exit_(n, 0))
    for i in range(4):
        m.apply(start("regular-1"))
        m.apply(wait(10))
        m.apply(exit_("regular-1", 255))
        assert all(_illegal(m, start(n)) for n in ("init-1", "init-2", "init-3"))
        m.apply(wait(10 * 2**i))
    assert status_of(m, "regular-1")["restartCount"] == 3
    assert [status_of(m, n)["restartCount"] for n in ("init-1", "init-2", "init-3")] == [0, 0, 0]


@pytest.mark.parametrize("pre_stop", (False, True))
def test_termination_grace_period_is_respected(pre_stop: bool) -> None:
    """ "a pod cannot terminate gracefully" / "should respect termination grace period seconds"
    (and "... with long-running preStop hook"): a container that ignores SIGTERM (sleep 10000),
    with or without an endless preStop hook, is gone within grace (30 s) plus 30 s; the model
    SIGKILLs it at 30 s, or 32 s after a hook that used the whole grace period (killContainer's
    2 s minimum)."""
    lifecycle = {"lifecycle": {"preStop": {"exec": {"command": ["sleep", "10000"]}}}} if pre_stop else {}
    m = run(
        pod("Always", c("regular1", **lifecycle), terminationGracePeriodSeconds=30), SCHED, start("regular1")
    )
    m.apply(delete())
    m.apply(wait(29))
    assert not m.gone
    m.apply(wait(3))
    assert m.gone
    assert m.now <= 30 + 30


# -- A regular container has a PreStop hook ---------------------------------------------------


@pytest.mark.parametrize("kind", ("startup", "liveness"))
def test_probe_kill_runs_the_pre_stop_hook_then_stops(kind: str) -> None:
    """ "A regular container fails a startup probe" / "... a liveness probe": "should call the
    container's preStop hook and terminate it if its ... probe fails" (restartPolicy Never): the
    probe kill runs the preStop hook (the container is being killed: Killing), then the container
    exits and is not restarted; the pod ends."""
    hook = {"preStop": {"exec": {"command": ["sh", "-c", "sleep 1"]}}}
    p = probe(initialDelaySeconds=10, failureThreshold=1)
    m = run(pod("Never", c("regular-1", lifecycle=hook, **{f"{kind}Probe": p})), SCHED, start("regular-1"))
    m.apply(wait(10))
    m.apply(result("regular-1", kind, False))
    assert m.by_name["regular-1"].state == "Killing"
    m.apply(wait(2))
    m.apply(exit_("regular-1", 0))
    assert state_of(m, "regular-1") == "terminated" and m.phase in ("Succeeded", "Failed")
    assert _illegal(m, start("regular-1"))


def test_readiness_probe_runs_in_pre_stop_liveness_does_not() -> None:
    """ "a pod is terminating because its liveness probe fails" / "should execute readiness probe
    while in preStop, but not liveness": after the liveness kill, the readiness probe still runs
    during the 10 s preStop hook (prober: readiness keeps probing a container being killed) and
    the liveness probe does not."""
    hook = {"preStop": {"exec": {"command": ["sh", "-c", "sleep 10"]}}}
    regular = c(
        "regular-1",
        lifecycle=hook,
        livenessProbe=probe(initialDelaySeconds=10, periodSeconds=1, failureThreshold=1),
        readinessProbe=probe(initialDelaySeconds=1, periodSeconds=1),
    )
    m = run(pod("Never", regular, terminationGracePeriodSeconds=100), SCHED, start("regular-1"), wait(1))
    m.apply(result("regular-1", "readiness", True))
    m.apply(wait(9))
    m.apply(result("regular-1", "liveness", False))
    assert m.by_name["regular-1"].state == "Killing"
    m.apply(wait(1))
    m.apply(result("regular-1", "readiness", True))  # readiness runs in preStop
    assert _illegal(m, result("regular-1", "liveness", False))  # liveness does not
    m.apply(wait(9))
    m.apply(exit_("regular-1", 0))
    assert m.phase == "Succeeded"


def test_sidecar_not_probed_nor_restarted_while_the_regular_container_is_in_pre_stop() -> None:
    """ "a pod is terminating because its liveness probe fails" / "should not continue running
    liveness probes for restartable init containers and restart them while in preStop": once the
    regular container's liveness kill starts its preStop hook (restartPolicy Never: nothing left to
    keep, computePodActions' keepCount 0, so the pod is killed), the sidecar's liveness probe no
    longer runs and the sidecar is not restarted; it stops after the regular container
    (kuberuntime_termination_order.go)."""
    sidecar = side(
        "restartable-init-1", livenessProbe=probe(initialDelaySeconds=1, periodSeconds=1, failureThreshold=1)
    )
    hook = {"preStop": {"exec": {"command": ["sh", "-c", "sleep 10; sleep 40"]}}}
    regular = c(
        "regular-1",
        lifecycle=hook,
        livenessProbe=probe(initialDelaySeconds=10, periodSeconds=1, failureThreshold=1),
    )
    m = run(pod("Never", regular, inits=(sidecar,), terminationGracePeriodSeconds=100), SCHED)
    m.apply(start("restartable-init-1"))
    m.apply(start("regular-1"))
    m.apply(wait(10))
    m.apply(result("regular-1", "liveness", False))
    assert m.by_name["regular-1"].state == "Killing"
    assert m.by_name["restartable-init-1"].state == "Running"  # waits for its turn
    m.apply(wait(1))
    m.apply(result("restartable-init-1", "liveness", False))  # recorded; the kill under way waits
    assert m.by_name["restartable-init-1"].state == "Running"
    m.apply(wait(49))
    m.apply(exit_("regular-1", 0))
    assert m.by_name["restartable-init-1"].state == "Killing"
    m.apply(exit_("restartable-init-1", 0))
    assert _illegal(m, start("restartable-init-1"))
    assert status_of(m, "restartable-init-1")["restartCount"] == 0
    assert m.phase == "Succeeded"
