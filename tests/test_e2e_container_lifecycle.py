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


@pytest.mark.parametrize("during", ("running", "initialization"))
def test_completed_init_container_image_update_restarts_nothing(during: str) -> None:
    """ "the init container is updated with a new image" / "should not restart init container when
    updated with a new image after finishing" and "should not restart the init container if the
    image is updated during initialization" (the update lands once the pod runs): the completed
    init container stays terminated with exit 0, restartCount 0 and its old image in the status
    (convertToAPIContainerStatuses: the status shows the runtime container's image)."""
    m = run(
        pod("Always", c("regular-1"), inits=(c("init-1"),)),
        SCHED,
        start("init-1"),
        wait(1),
        exit_("init-1", 0),
    )
    m.apply(start("regular-1"))
    m.apply(image("init-1", NEW))
    m.apply(wait(30))
    cs = status_of(m, "init-1")
    assert cs["state"]["terminated"]["exitCode"] == 0 and cs["restartCount"] < 1 and cs["image"] != NEW
    assert _illegal(m, start("init-1"))
    assert state_of(m, "regular-1") == "running"


def test_init_container_image_update_during_termination_restarts_nothing() -> None:
    """ "the init container is updated with a new image" / "should not restart the init container if
    the image is updated during termination": deleted, then updated, the completed init container
    is not restarted and keeps its image; the pod ends when regular-1 exits."""
    m = run(pod("Never", c("regular-1"), inits=(c("init-1"),)), SCHED, start("init-1"), exit_("init-1", 0))
    m.apply(start("regular-1"))
    m.apply(delete())
    m.apply(image("init-1", NEW))
    m.apply(wait(15))
    cs = status_of(m, "init-1")
    assert cs["restartCount"] == 0 and cs["image"] != NEW
    m.apply(exit_("regular-1", 1))
    assert m.phase == "Failed"


# -- Containers Lifecycle with restartable init containers (sidecars) ---------------------------


def test_init_containers_and_sidecars_interleaved_on_a_never_pod() -> None:
    """ "using a Pod with restartPolicy=Never, three init container and two restartable init
    containers": "should finish and produce log" (Succeeded), "should run the first init container
    to completion before starting first restartable init container", "... first init container and
    first restartable init container together" (restartable-init-1 runs while init-2 runs), "should
    run second init container to completion before starting second restartable init container",
    "should start second restartable init container before third init container", "should run both
    restartable init containers and third init container together", "should run third init
    container to completion before starting regular container", "should run both restartable init
    containers and a regular container together"."""
    inits = (c("init-1"), side("restartable-init-1"), c("init-2"), side("restartable-init-2"), c("init-3"))
    m = run(pod("Never", c("regular-1"), inits=inits), SCHED)
    assert _illegal(m, start("restartable-init-1"))
    m.apply(start("init-1"))
    m.apply(exit_("init-1", 0))
    assert _illegal(m, start("init-2"))
    m.apply(start("restartable-init-1"))
    m.apply(start("init-2"))
    assert _illegal(m, start("restartable-init-2"))
    m.apply(exit_("init-2", 0))
    assert _illegal(m, start("init-3"))
    m.apply(start("restartable-init-2"))
    m.apply(start("init-3"))
    assert {
        n: state_of(m, n) for n in ("restartable-init-1", "restartable-init-2", "init-3")
    } == dict.fromkeys(("restartable-init-1", "restartable-init-2", "init-3"), "running")
    assert _illegal(m, start("regular-1"))
    m.apply(exit_("init-3", 0))
    m.apply(start("regular-1"))
    assert {n: state_of(m, n) for n in ("restartable-init-1", "restartable-init-2")} == dict.fromkeys(
        ("restartable-init-1", "restartable-init-2"), "running"
    )
    m.apply(exit_("regular-1", 0))
    m.apply(exit_("restartable-init-2", 0))
    m.apply(exit_("restartable-init-1", 0))
    assert m.phase == "Succeeded"


@pytest.mark.parametrize("policy", POLICIES)
def test_sidecar_image_update_during_initialization(policy: str) -> None:
    """ "initializing an init container after a restartable init container" / "Should begin
    initializing the pod" (Always, OnFailure, Never): while init-2 runs (Pending), the image of
    restartable-init-1 changes; it is restarted with the new image (running, restartCount above 0);
    init-1 and init-2 are not restarted; restartable-init-2 and regular-1 never start. Under Never,
    init-2 then fails: the pod fails and init-2 exits before restartable-init-1 (reverse order)."""
    inits = (c("init-1"), side("restartable-init-1"), c("init-2"), side("restartable-init-2"))
    m = run(pod(policy, c("regular-1"), inits=inits), SCHED, start("init-1"), exit_("init-1", 0))
    m.apply(start("restartable-init-1"))
    m.apply(start("init-2"))
    assert m.phase == "Pending" and state_of(m, "init-2") == "running"
    m.apply(image("restartable-init-1", NEW))
    m.apply(wait(5))
    m.apply(exit_("restartable-init-1", 0))
    m.apply(start("restartable-init-1"))
    cs = status_of(m, "restartable-init-1")
    assert state_of(m, "restartable-init-1") == "running" and cs["restartCount"] > 0 and cs["image"] == NEW
    assert status_of(m, "init-1")["restartCount"] == 0 and status_of(m, "init-2")["restartCount"] == 0
    assert _illegal(m, start("restartable-init-2")) and _illegal(m, start("regular-1"))
    if policy == "Never":
        m.apply(wait(25))
        m.apply(exit_("init-2", 1))
        assert m.by_name["restartable-init-1"].state == "Killing"
        m.apply(exit_("restartable-init-1", 0))
        assert m.phase == "Failed"
        assert state_of(m, "restartable-init-2") == "waiting" and state_of(m, "regular-1") == "waiting"


@pytest.mark.parametrize("policy", ("Never", "OnFailure"))
def test_pod_with_a_sidecar_running_continuously(policy: str) -> None:
    """ "a restartable init container runs continuously" (restartPolicy Never and OnFailure):
    "should complete a Pod successfully and produce log", "should not restart a restartable init
    container", "should run a regular container to completion": regular-1 exits 0, the sidecar is
    stopped (not restarted) and the pod is Succeeded."""
    m = run(pod(policy, c("regular-1"), inits=(side("restartable-init-1"),)), SCHED)
    m.apply(start("restartable-init-1"))
    m.apply(start("regular-1"))
    m.apply(wait(1))
    m.apply(exit_("regular-1", 0))
    assert m.by_name["restartable-init-1"].state == "Killing"
    m.apply(exit_("restartable-init-1", 0))
    assert m.phase == "Succeeded" and status_of(m, "restartable-init-1")["restartCount"] == 0


def test_always_pod_with_a_sidecar_running_continuously() -> None:
    """ "using a restartable init container in a Pod with restartPolicy=Always / a restartable init
    container runs continuously": "should keep running a Pod continuously and produce log" (the
    regular container restarts: restartCount reaches 2), "should not restart a restartable init
    container", "should start a regular container"."""
    m = run(pod("Always", c("regular-1"), inits=(side("restartable-init-1"),)), SCHED)
    m.apply(start("restartable-init-1"))
    for i in range(3):
        m.apply(start("regular-1"))
        m.apply(wait(1))
        m.apply(exit_("regular-1", 0))
        m.apply(wait(10 * i))
    m.apply(start("regular-1"))
    assert status_of(m, "regular-1")["restartCount"] >= 2 and m.phase == "Running"
    assert status_of(m, "restartable-init-1")["restartCount"] == 0
    assert state_of(m, "restartable-init-1") == "running"


@pytest.mark.parametrize("policy", POLICIES)
def test_sidecar_image_update_restarts_only_it(policy: str) -> None:
    """ "a restartable init container runs continuously" / "should restart when updated with a new
    image" (Never, OnFailure, Always): restartable-init-1 runs again with the new image;
    regular-1 and restartable-init-2 are not restarted."""
    inits = (side("restartable-init-1"), side("restartable-init-2"))
    m = run(
        pod(policy, c("regular-1"), inits=inits),
        SCHED,
        start("restartable-init-1"),
        start("restartable-init-2"),
    )
    m.apply(start("regular-1"))
    m.apply(image("restartable-init-1", NEW))
    m.apply(exit_("restartable-init-1", 0))
    m.apply(start("restartable-init-1"))
    cs = status_of(m, "restartable-init-1")
    assert state_of(m, "restartable-init-1") == "running" and cs["image"] == NEW
    assert status_of(m, "regular-1")["restartCount"] == 0
    assert status_of(m, "restartable-init-2")["restartCount"] == 0


@pytest.mark.parametrize("policy", POLICIES)
def test_sidecar_with_a_bad_image(policy: str) -> None:
    """ "a restartable init container fails to start because of a bad image" (the pod is Never in
    all three upstream contexts; played here under each policy): "should mark a Pod as failed and
    produce log" (it waits for ImagePullBackOff), "should not start a restartable init container",
    "should not start a regular container": the pod stays Pending."""
    m = run(pod(policy, c("regular-1"), inits=(side("restartable-init-1"),)), SCHED)
    _pull_fails_until_back_off(m, "restartable-init-1")
    assert m.phase == "Pending" and _status(m) == "Init:ImagePullBackOff"
    assert _illegal(m, start("regular-1"))
    assert state_of(m, "regular-1") == "waiting"


@pytest.mark.parametrize("code", (0, 1))
@pytest.mark.parametrize("policy", POLICIES)
def test_sidecar_exiting_continuously_is_restarted(policy: str, code: int) -> None:
    """ "a restartable init container starts and exits with exit code 0 continuously" (and "... 1
    ..."), restartPolicy Never, OnFailure, Always: "should restart a restartable init container
    before the regular container started" and "... after the regular container started", "should
    run a regular container to completion" / "should start a regular container", "should complete a
    Pod successfully" (Never, OnFailure) or "should keep running a Pod continuously" (Always): the
    sidecar is restarted whatever its exit code and the pod policy; the pod's phase follows the
    regular container only."""
    m = run(pod(policy, c("regular-1"), inits=(side("restartable-init-1"), c("init-1"))), SCHED)
    m.apply(start("restartable-init-1"))
    m.apply(start("init-1"))
    m.apply(wait(5))
    m.apply(exit_("restartable-init-1", code))
    m.apply(start("restartable-init-1"))  # restarted before the regular container started
    m.apply(exit_("init-1", 0))
    m.apply(start("regular-1"))
    m.apply(wait(5))
    m.apply(exit_("restartable-init-1", code))
    m.apply(wait(10))
    m.apply(start("restartable-init-1"))  # and after
    assert status_of(m, "restartable-init-1")["restartCount"] == 2
    m.apply(wait(50))
    m.apply(exit_("regular-1", 0))
    if policy == "Always":
        m.apply(start("regular-1"))
        assert m.phase == "Running" and status_of(m, "regular-1")["restartCount"] == 1
    else:
        assert m.by_name["restartable-init-1"].state == "Killing"
        m.apply(exit_("restartable-init-1", 0))
        assert m.phase == "Succeeded"


def test_init_container_failing_before_a_sidecar() -> None:
    """ "an Init container before restartable init container fails" (Never): "should mark a Pod as
    failed and produce log", "should mark an Init container as failed", "should not start
    restartable init container"."""
    m = run(pod("Never", c("regular-1"), inits=(c("init-1"), side("restartable-init-1"))), SCHED)
    m.apply(start("init-1"))
    m.apply(wait(1))
    m.apply(exit_("init-1", 1))
    assert m.phase == "Failed" and status_of(m, "init-1")["state"]["terminated"]["exitCode"] == 1
    assert _illegal(m, start("restartable-init-1"))
    assert state_of(m, "restartable-init-1") == "waiting"


def test_init_container_failing_after_a_sidecar() -> None:
    """ "an Init container after restartable init container fails" (Never): "should mark a Pod as
    failed and produce log", "should mark an Init container as failed", "should be running
    restartable init container and a failed Init container in parallel": init-1 runs and fails
    while the sidecar runs; the pod fails and the sidecar is stopped, not restarted."""
    m = run(pod("Never", c("regular-1"), inits=(side("restartable-init-1"), c("init-1"))), SCHED)
    m.apply(start("restartable-init-1"))
    m.apply(start("init-1"))
    assert state_of(m, "restartable-init-1") == "running" and state_of(m, "init-1") == "running"
    m.apply(wait(1))
    m.apply(exit_("init-1", 1))
    m.apply(exit_("restartable-init-1", 1))
    assert m.phase == "Failed" and status_of(m, "init-1")["state"]["terminated"]["exitCode"] == 1
    assert _illegal(m, start("restartable-init-1"))


def _crash_init(m, name: str, times: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(times):
        m.apply(start(name))
        m.apply(wait(1))
        m.apply(exit_(name, 1))
        m.apply(wait(10 * 2**i))


@pytest.mark.parametrize("policy", ("OnFailure", "Always"))
def test_init_container_failing_before_a_sidecar_keeps_the_pod_pending(policy: str) -> None:
    """ "an Init container before restartable init container continuously fails" (OnFailure,
    Always): "should continuously run Pod keeping it Pending" (restartCount reaches 3), "should
    have Init container restartCount greater than 0", "should not start restartable init
    container"."""
    m = run(pod(policy, c("regular-1"), inits=(c("init-1"), side("restartable-init-1"))), SCHED)
    _crash_init(m, "init-1", 4)
    assert m.phase == "Pending" and status_of(m, "init-1")["restartCount"] >= 3
    assert _illegal(m, start("restartable-init-1"))
    assert _status(m) == "Init:CrashLoopBackOff"


@pytest.mark.parametrize("policy", ("OnFailure", "Always"))
def test_init_container_failing_after_a_sidecar_keeps_the_pod_pending(policy: str) -> None:
    """ "an Init container after restartable init container fails" (OnFailure, Always): "should
    continuously run Pod keeping it Pending", "should have Init container restartCount greater
    than 0", "should be running restartable init container and a failed Init container in
    parallel". Upstream waits for InitContainerStatuses[0] (the sidecar, whose own command exits 1
    after 5 s) to reach restartCount 3; both containers crash and restart, the pod stays Pending."""
    m = run(pod(policy, c("regular-1"), inits=(side("restartable-init-1"), c("init-1"))), SCHED)
    m.apply(start("restartable-init-1"))
    for i in range(4):
        m.apply(start("init-1"))
        assert state_of(m, "restartable-init-1") == "running"  # together
        m.apply(wait(1))
        m.apply(exit_("init-1", 1))
        m.apply(wait(4))
        m.apply(exit_("restartable-init-1", 1))
        m.apply(wait(10 * 2**i))
        m.apply(start("restartable-init-1"))
    assert m.phase == "Pending"
    assert (
        status_of(m, "restartable-init-1")["restartCount"] >= 3 and status_of(m, "init-1")["restartCount"] > 0
    )


def test_sidecars_start_one_after_another_behind_their_startup_probes() -> None:
    """ "running restartable init containers with startup probes" / "should launch restartable init
    containers serially considering the startup probe": restartable-init-2 starts only once the
    startup probe of restartable-init-1 succeeded, regular-1 only once restartable-init-2's did."""
    inits = (
        side("restartable-init-1", startupProbe=probe()),
        side("restartable-init-2", startupProbe=probe()),
    )
    m = run(pod("Never", c("regular-1"), inits=inits), SCHED, start("restartable-init-1"))
    assert _illegal(m, start("restartable-init-2"))
    m.apply(wait(10))
    m.apply(result("restartable-init-1", "startup", True))
    m.apply(start("restartable-init-2"))
    assert _illegal(m, start("regular-1"))
    m.apply(wait(10))
    m.apply(result("restartable-init-2", "startup", True))
    m.apply(start("regular-1"))
    m.apply(exit_("regular-1", 0))
    m.apply(exit_("restartable-init-2", 0))
    m.apply(exit_("restartable-init-1", 0))
    assert m.phase == "Succeeded"


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("kind", ("startup", "liveness"))
def test_sidecar_image_update_after_a_probe_kill(policy: str, kind: str) -> None:
    """ "the image is updated after the restartable init container's startup probe fails" and "A
    restartable init container has its image changed after its liveness probe fails" / "should
    update the image" (Never, OnFailure, Always): restartable-init-2's probe (initial delay,
    failureThreshold 1) kills it, it restarts (restartCount 1); after the image update it runs
    the new image (restartCount above 1). With a failing startup probe the pod stays Pending and
    regular-1 never starts; with a failing liveness probe regular-1 started and is not restarted
    (Always: it exits 0 after 5 s and is restarted); restartable-init-1 is never restarted."""
    delay = 20 if kind == "startup" else 10
    p = probe(initialDelaySeconds=delay, failureThreshold=1)
    inits = (side("restartable-init-1"), side("restartable-init-2", **{f"{kind}Probe": p}))
    m = run(
        pod(policy, c("regular-1"), inits=inits),
        SCHED,
        start("restartable-init-1"),
        start("restartable-init-2"),
    )
    if kind == "liveness":
        m.apply(start("regular-1"))
    m.apply(wait(delay))
    m.apply(result("restartable-init-2", kind, False))
    m.apply(exit_("restartable-init-2", 137, signal=15))
    m.apply(start("restartable-init-2"))
    assert status_of(m, "restartable-init-2")["restartCount"] == 1
    m.apply(image("restartable-init-2", NEW))
    m.apply(exit_("restartable-init-2", 137, signal=15))
    m.apply(start("restartable-init-2"))
    cs = status_of(m, "restartable-init-2")
    assert cs["image"] == NEW and cs["restartCount"] > 1
    assert status_of(m, "restartable-init-1")["restartCount"] == 0
    if kind == "startup":
        assert m.phase == "Pending" and _illegal(m, start("regular-1"))
    else:
        assert state_of(m, "regular-1") == "running" and status_of(m, "regular-1")["restartCount"] == 0


def test_sidecar_startup_probe_kill_holds_back_the_regular_container() -> None:
    """ "using a PreStop hook" / "should call the container's preStop hook and not launch next
    container if the restartable init container's startup probe fails" (Always): each startup
    failure kills restartable-init-1 through its preStop hook (Killing) and it restarts
    (restartCount reaches 2); the pod stays Pending and regular-1 never starts."""
    hook = {"preStop": {"exec": {"command": ["sh", "-c", "sleep 1"]}}}
    sidecar = side(
        "restartable-init-1", lifecycle=hook, startupProbe=probe(initialDelaySeconds=5, failureThreshold=1)
    )
    m = run(pod("Always", c("regular-1"), inits=(sidecar,)), SCHED)
    for i in range(3):
        m.apply(start("restartable-init-1"))
        m.apply(wait(5))
        m.apply(result("restartable-init-1", "startup", False))
        assert m.by_name["restartable-init-1"].state == "Killing"
        assert _illegal(m, start("regular-1"))
        m.apply(wait(1))
        m.apply(exit_("restartable-init-1", 0))
        m.apply(wait(10 * 2**i))
    assert status_of(m, "restartable-init-1")["restartCount"] >= 2 and m.phase == "Pending"
    assert state_of(m, "regular-1") == "waiting"


def test_sidecar_liveness_kill_restarts_it_and_the_regular_container_runs() -> None:
    """ "running restartable init containers with liveness probes" / "should call the container's
    preStop hook and start the next container if the restartable init container's liveness probe
    fails" (Always): the liveness kill goes through the preStop hook and restarts the sidecar
    (restartCount reaches 2); regular-1 starts, exits 0 after 1 s and is restarted (restartCount
    reaches 1)."""
    hook = {"preStop": {"exec": {"command": ["sh", "-c", "sleep 1"]}}}
    sidecar = side(
        "restartable-init-1", lifecycle=hook, livenessProbe=probe(initialDelaySeconds=5, failureThreshold=1)
    )
    m = run(
        pod("Always", c("regular-1"), inits=(sidecar,)),
        SCHED,
        start("restartable-init-1"),
        start("regular-1"),
    )
    m.apply(wait(1))
    m.apply(exit_("regular-1", 0))
    m.apply(start("regular-1"))
    for i in range(2):
        m.apply(wait(5))
        m.apply(result("restartable-init-1", "liveness", False))
        assert m.by_name["restartable-init-1"].state == "Killing"
        m.apply(wait(1))
        m.apply(exit_("restartable-init-1", 0))
        m.apply(wait(10 * i))
        m.apply(start("restartable-init-1"))
    assert status_of(m, "restartable-init-1")["restartCount"] == 2
    assert status_of(m, "regular-1")["restartCount"] >= 1


@pytest.mark.parametrize("policy", POLICIES)
def test_sidecar_image_update_during_termination_restarts_nothing(policy: str) -> None:
    """ "A restartable init container has its image updated during pod termination" / "should
    terminate gracefully" (Always, OnFailure, Never; grace 180 s): after the deletion the update
    restarts no init container; regular-1, then the sidecars in reverse order get their stop
    signal and exit within 10 s each, and the pod is gone well before its grace period ends."""
    inits = (c("init-1"), side("restartable-init-2"), side("restartable-init-3"))
    m = run(pod(policy, c("regular-1"), inits=inits, terminationGracePeriodSeconds=180), SCHED)
    for ev in (start("init-1"), exit_("init-1", 0), start("restartable-init-2"), start("restartable-init-3")):
        m.apply(ev)
    m.apply(start("regular-1"))
    m.apply(delete(180))
    m.apply(image("restartable-init-2", NEW))
    m.apply(wait(10))
    m.apply(exit_("regular-1", 0))
    assert m.by_name["restartable-init-3"].state == "Killing"
    assert m.by_name["restartable-init-2"].state == "Running"
    m.apply(wait(10))
    m.apply(exit_("restartable-init-3", 0))
    m.apply(wait(10))
    m.apply(exit_("restartable-init-2", 0))
    assert all(
        status_of(m, n)["restartCount"] == 0 for n in ("init-1", "restartable-init-2", "restartable-init-3")
    )
    assert m.gone and m.now < 10 + 60


def _three_sidecars(policy: str = "Never", grace: int | None = None, **hooks: dict) -> dict:  # type: ignore[type-arg]
    inits = tuple(side(f"restartable-init-{i}", **hooks.get(f"s{i}", {})) for i in (1, 2, 3))
    extra = {} if grace is None else {"terminationGracePeriodSeconds": grace}
    return pod(policy, c("regular-1", **hooks.get("r", {})), inits=inits, **extra)


def _up(m) -> None:  # type: ignore[no-untyped-def]
    for n in ("restartable-init-1", "restartable-init-2", "restartable-init-3", "regular-1"):
        m.apply(start(n))


def test_sidecars_with_endless_pre_stop_hooks_are_killed_together() -> None:
    """ "The PreStop hooks don't exit" / "should terminate sidecars simultaneously if prestop doesn't
    exit": regular-1 exits after 5 s; the pod is killed (keepCount 0) and the three sidecars' hooks
    run together (killContainersWithSyncResult, in parallel) and never end: all three are SIGKILLed
    together 30 s + 2 s later (killContainer's minimum), exit 137, reason Error."""
    endless = {
        "lifecycle": {"preStop": {"exec": {"command": ["sh", "-c", "while true; do sleep 0.2; done"]}}}
    }
    m = run(_three_sidecars(s1=endless, s2=endless, s3=endless), SCHED)
    _up(m)
    m.apply(wait(5))
    m.apply(exit_("regular-1", 0))
    m.apply(wait(31))
    assert all(state_of(m, f"restartable-init-{i}") == "running" for i in (1, 2, 3))
    m.apply(wait(1))
    for i in (1, 2, 3):
        t = status_of(m, f"restartable-init-{i}")["state"]["terminated"]
        assert (t["exitCode"], t["reason"]) == (137, "Error")
        assert t["finishedAt"] == status_of(m, "restartable-init-1")["state"]["terminated"]["finishedAt"]


def test_sidecar_pre_stop_hooks_run_together_and_sidecars_stop_in_reverse_order() -> None:
    """ "the restartable init containers have multiple PreStop hooks" / "should call sidecar
    container PreStop hook simultaneously": when regular-1 exits the pod is killed, and
    killContainer runs every sidecar's preStop hook at once, before waitForTurn
    (kuberuntime_container.go): the three hooks (1 s) run together, invisible in the API (every
    sidecar still shows running). Only then come the stop signals, in reverse order:
    restartable-init-3 first, then -2, then -1, each exiting 0, Completed, all within the second
    after the hooks ended; the pod is Succeeded. (The hooks' own start times are in the
    containers' logs, which podfsm does not model.)"""
    short = {"lifecycle": {"preStop": {"exec": {"command": ["sh", "-c", "sleep 1"]}}}}
    m = run(_three_sidecars(s1=short, s2=short, s3=short), SCHED)
    _up(m)
    m.apply(wait(5))
    m.apply(exit_("regular-1", 0))
    assert [m.by_name[f"restartable-init-{i}"].state for i in (1, 2, 3)] == ["Running", "Running", "Killing"]
    assert all(state_of(m, f"restartable-init-{i}") == "running" for i in (1, 2, 3))
    m.apply(wait(1))
    # the hooks of all three end together; -1 and -2 keep running until their turn
    for i in (1, 2, 3):
        m.apply({"type": "PreStopHookCompleted", "container": f"restartable-init-{i}"})
    assert [m.by_name[f"restartable-init-{i}"].state for i in (1, 2)] == ["Running", "Running"]
    for i in (3, 2, 1):
        # its turn: the hook is over, so the stop signal comes at once (no second hook)
        assert m.by_name[f"restartable-init-{i}"].state == "Killing"
        assert m.by_name[f"restartable-init-{i}"].pre_stop is None
        m.apply(exit_(f"restartable-init-{i}", 0))
    for i in (1, 2, 3):
        t = status_of(m, f"restartable-init-{i}")["state"]["terminated"]
        assert (t["exitCode"], t["reason"], t["finishedAt"]) == (0, "Completed", "2026-01-01T00:00:06Z")
    assert m.phase == "Succeeded"


def test_a_sidecar_sleep_hook_runs_from_the_pod_kill_not_from_its_turn() -> None:
    """kuberuntime_container.go:killContainer: the preStop hook, then waitForTurn. A sidecar with a
    10 s sleep hook behind a regular container that takes 4 s to stop, in a pod with a 12 s grace
    period: its hook began with the pod's kill, so its stop signal comes 10 s after the kill (not
    4 + 10 s), and SIGKILL 2 s later (the grace left, at least 2 s), at 12 s, not 14 s."""
    sleepy = {"lifecycle": {"preStop": {"sleep": {"seconds": 10}}}}
    short = pod("Always", c("app"), inits=(side("proxy", **sleepy),), terminationGracePeriodSeconds=12)
    m = run(short, SCHED, start("proxy"), start("app"))
    m.apply({"type": "DeletionRequested"})
    m.apply(wait(4))
    m.apply(exit_("app", 0))
    assert m.by_name["proxy"].state == "Killing"
    assert m.by_name["proxy"].kill_deadline == 12.0  # the hook ends at 10 s, SIGKILL at 10 + max(12 - 10, 2)
    m.apply(wait(8))
    assert status_of(m, "proxy")["state"]["terminated"]["exitCode"] == 137
    # a sidecar whose sleep hook ended before its turn gets the signal at once, the grace left
    m2 = run(pod("Always", c("app"), inits=(side("proxy", **sleepy),)), SCHED, start("proxy"), start("app"))
    m2.apply({"type": "DeletionRequested"})
    m2.apply(wait(25))
    m2.apply(exit_("app", 0))
    assert m2.by_name["proxy"].kill_deadline == 30.0  # 25 + max(30 - 25, 2)
    m2.apply(wait(4))
    m2.apply(exit_("proxy", 0))
    assert m2.gone


def test_deletion_during_initialization_does_not_wait_for_sidecars() -> None:
    """ "Restartable init containers are terminated during initialization" / "should not hang in
    termination if terminated during initialization": deleted (grace 3 s) while start-init runs,
    before any sidecar started, the pod is gone within the grace period (plus the 2 s minimum);
    no sidecar is started."""
    short = {"lifecycle": {"preStop": {"exec": {"command": ["sh", "-c", "sleep 1"]}}}}
    inits = (c("start-init"), *(side(f"restartable-init-{i}", **short) for i in (1, 2, 3)))
    m = run(pod("Never", c("regular-1"), inits=inits), SCHED, start("start-init"))
    assert m.phase == "Pending" and status_of(m, "start-init")["started"]
    m.apply(delete(3))
    assert _illegal(m, start("restartable-init-1"))
    m.apply(wait(3))
    assert m.gone and m.now < 3 + 3


def test_deletion_with_a_non_started_sidecar_ends_gracefully() -> None:
    """ "there is a non-started restartable init container" / "should terminate restartable init
    containers gracefully if there is a non-started restartable init container": restartable-init-2
    runs but its startup probe never succeeds; deleted with a 180 s grace, it gets its stop signal
    at once (nothing after it runs), exits within a second, and the pod is gone long before 180 s."""
    inits = (
        c("init-1"),
        side("restartable-init-2", startupProbe=probe(failureThreshold=600)),
        side("restartable-init-3"),
    )
    m = run(pod("Never", c("regular-1"), inits=inits, terminationGracePeriodSeconds=180), SCHED)
    m.apply(start("init-1"))
    m.apply(exit_("init-1", 0))
    m.apply(start("restartable-init-2"))
    cs = status_of(m, "restartable-init-2")
    assert state_of(m, "restartable-init-2") == "running" and not cs["started"] and m.phase == "Pending"
    m.apply(delete(180))
    assert m.by_name["restartable-init-2"].state == "Killing"
    m.apply(wait(1))
    m.apply(exit_("restartable-init-2", 0))
    assert m.gone and m.now < 1 + 60


@pytest.mark.parametrize("by_hook", (False, True))
def test_sidecar_exit_codes_do_not_decide_the_phase_on_deletion(by_hook: bool) -> None:
    """ "The restartable init containers exit with non-zero exit code" (and "... by prestop hook") /
    "should mark pod as succeeded if any of the restartable init containers have terminated with
    non-zero exit code": deleted (grace 30 s), regular-1 exits 0 (Completed); restartable-init-2
    exits 1 on SIGTERM (Error; with a failing preStop hook instead, all exit 0, Completed); the pod
    is Succeeded (getPhase ignores sidecars)."""
    m = run(_three_sidecars(grace=30), SCHED)
    _up(m)
    m.apply(delete(30))
    m.apply(wait(1))
    m.apply(exit_("regular-1", 0))
    codes = {3: 0, 2: 0 if by_hook else 1, 1: 0}
    for i in (3, 2, 1):
        m.apply(wait(1))
        m.apply(exit_(f"restartable-init-{i}", codes[i]))
    assert m.phase == "Succeeded"
    assert status_of(m, "regular-1")["state"]["terminated"]["reason"] == "Completed"
    for i, code in codes.items():
        t = status_of(m, f"restartable-init-{i}")["state"]["terminated"]
        assert (t["exitCode"], t["reason"]) == (code, "Completed" if code == 0 else "Error")


@pytest.mark.parametrize(
    "case, slow, hooks, phase",
    [
        ("regular container", {"regular-1", "restartable-init-1", "restartable-init-3"}, {}, "Failed"),
        ("restartable init container", {"restartable-init-2"}, {}, "Succeeded"),
        ("regular container by prestop hook", {"regular-1", "restartable-init-2"}, {"r": 20}, "Failed"),
        (
            "restartable init container by prestop hook",
            {"restartable-init-2"},
            {"s1": 1, "s2": 30, "s3": 1},
            "Succeeded",
        ),
    ],
    ids=["regular", "sidecar", "regular-prestop", "sidecar-prestop"],
)
def test_grace_period_overrun_on_deletion(
    case: str, slow: set[str], hooks: dict[str, int], phase: str
) -> None:
    """ "The regular container has exceeded its termination grace period seconds", "The restartable
    init containers have exceeded ...", and both "... by prestop hook" (grace 5 s, each container's
    SIGTERM handler taking 1 s or 20 s as upstream sets them): whoever does not stop within the
    time its stop signal gets is SIGKILLed, exit 137, Error; the others exit 0, Completed. The
    sidecars' turns are cut by the pod's grace period, then each gets 2 s (killContainer). A
    regular container's overrun fails the pod ("should mark pod as failed"), a sidecar's does not
    ("should mark pod as succeeded")."""
    lifecycle = {
        k: {"lifecycle": {"preStop": {"exec": {"command": ["sh", "-c", f"sleep {v}"]}}}}
        for k, v in hooks.items()
    }
    m = run(_three_sidecars(grace=5, **lifecycle), SCHED)
    _up(m)
    m.apply(delete(5))
    names = ["regular-1", "restartable-init-1", "restartable-init-2", "restartable-init-3"]
    for _ in range(12):  # a container that handles SIGTERM in 1 s exits within a second of its signal
        for n in names:
            if n not in slow and m.by_name[n].state == "Killing" and not hooks.get(_hook_key(n)):
                m.apply(exit_(n, 0))
        if m.gone:
            break
        m.apply(wait(1))
        for n in names:  # a 1 s hook ran; the container then handles SIGTERM
            if n not in slow and m.by_name[n].state == "Killing":
                m.apply(exit_(n, 0))
    assert m.gone
    for n in names:
        t = status_of(m, n)["state"]["terminated"]
        assert (t["exitCode"], t["reason"]) == ((137, "Error") if n in slow else (0, "Completed")), n
    assert m.phase == phase


def _hook_key(name: str) -> str:
    return "r" if name == "regular-1" else "s" + name[-1]


def test_sidecar_failing_its_first_run_recovers_and_the_regular_container_starts() -> None:
    """ "A restartable init container with startup probe fails initially" / "should continue probing
    and allow regular container to start after the restartable init container recovers" (Never):
    the sidecar's first run exits 1 before its startup probe succeeded; it is restarted
    (restartCount above 0), runs, its startup probe succeeds and the regular container runs."""
    sidecar = side(
        "buggy-restartable-init",
        startupProbe=probe(initialDelaySeconds=3, periodSeconds=2, failureThreshold=10),
    )
    m = run(
        pod("Never", c("regular-container", startupProbe=probe(initialDelaySeconds=5)), inits=(sidecar,)),
        SCHED,
    )
    m.apply(start("buggy-restartable-init"))
    m.apply(exit_("buggy-restartable-init", 1))
    assert _illegal(m, start("regular-container"))
    m.apply(start("buggy-restartable-init"))
    assert (
        status_of(m, "buggy-restartable-init")["restartCount"] > 0
        and state_of(m, "buggy-restartable-init") == "running"
    )
    m.apply(wait(3))
    m.apply(result("buggy-restartable-init", "startup", True))
    m.apply(start("regular-container"))
    assert state_of(m, "regular-container") == "running"
