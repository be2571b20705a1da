"""Upstream e2e tests of lifecycle_hook.go (sleep hooks), init_container.go, runtime.go,
pod_conditions_test.go, deleted_pods_test.go, container_restart_policy.go and
container_restart_test.go, written as podfsm scenarios (tests/data/e2e_catalogue.yaml maps each
``It`` to its test)."""

from __future__ import annotations

from typing import Any

import pytest

from podfsm.errors import IllegalEvent
from podfsm.model.pod import PodModel
from podfsm.oracle import kubectl_columns
from tests.scenario_dsl import (
    SCHED,
    c,
    condition,
    delete,
    exit_,
    pod,
    pull_failed,
    run,
    start,
    state_of,
    status_of,
    wait,
)


def _sleep_hook(seconds: int) -> dict[str, Any]:
    return {"preStop": {"sleep": {"seconds": seconds}}}


# -- lifecycle_hook.go: Lifecycle Sleep Hook ----------------------------------------------------


def test_pre_stop_sleep_hook_then_the_stop_signal() -> None:
    """ "Lifecycle Sleep Hook" / "valid prestop hook using sleep action": with a 50 s sleep hook and
    a 100 s grace period, the container (pause: it exits on SIGTERM) finishes between 50 s and 100 s
    after the deletion; still running before the hook's 50 s."""
    m = run(pod("Always", c("hooked", lifecycle=_sleep_hook(50)), terminationGracePeriodSeconds=100), SCHED)
    m.apply(start("hooked"))
    m.apply(delete())
    m.apply(wait(49))
    assert state_of(m, "hooked") == "running"
    m.apply(wait(1))
    m.apply(exit_("hooked", 0))  # the stop signal after the hook: pause exits at once
    assert 50 <= m.now <= 100 and m.gone


def test_pre_stop_sleep_hook_cut_by_a_shorter_deletion_grace_period() -> None:
    """ "Lifecycle Sleep Hook" / "reduce GracePeriodSeconds during runtime": a deletion with a 30 s
    grace cuts the 50 s sleep hook (pod grace 100 s); the container finishes between 30 s and 50 s
    after the deletion (killContainer: the hook's time comes off the grace, the stop signal still
    gets 2 s)."""
    m = run(pod("Always", c("hooked", lifecycle=_sleep_hook(50)), terminationGracePeriodSeconds=100), SCHED)
    m.apply(start("hooked"))
    m.apply(delete(30))
    m.apply(wait(29))
    assert state_of(m, "hooked") == "running"
    m.apply(wait(3))
    assert m.gone
    finished = status_of(m, "hooked")["state"]["terminated"]["finishedAt"]
    assert finished == m.time(32.0) and 30 <= 32 <= 50


def test_pre_stop_sleep_hook_not_run_for_an_exited_container() -> None:
    """ "Lifecycle Sleep Hook" / "ignore terminated container": a container that exits on its own
    after 3 s (restartPolicy Never) is not held by its 10 s sleep hook: it ran less than 10 s."""
    m = run(pod("Never", c("hooked", lifecycle=_sleep_hook(10)), terminationGracePeriodSeconds=30), SCHED)
    m.apply(start("hooked"))
    m.apply(wait(3))
    m.apply(exit_("hooked", 0))
    t = status_of(m, "hooked")["state"]["terminated"]
    assert t["finishedAt"] == m.time(3.0) and t["startedAt"] == m.time(0.0)
    assert m.phase == "Succeeded"


def test_pre_stop_sleep_hook_of_zero_seconds() -> None:
    """ "Lifecycle sleep action zero value" / "prestop hook using sleep action with zero duration":
    the hook returns at once; the container stops on the signal, well within the 30 s default
    grace period."""
    m = run(pod("Always", c("hooked", lifecycle=_sleep_hook(0))), SCHED, start("hooked"))
    m.apply(delete())
    m.apply(exit_("hooked", 0))
    assert m.gone and m.now < 30


def test_a_stop_signal_in_the_lifecycle_runs() -> None:
    """ "[Feature:ContainerStopSignals]" / "StopSignal defined with pod.OS": a pod whose container's
    lifecycle names a stop signal (spec.os.name linux, the pause image) is created and runs. Which
    signal the runtime sends is below podfsm's events; a container stopped by it is an exit."""
    manifest = pod("Always", c("test", lifecycle={"stopSignal": "SIGTERM"}), os={"name": "linux"})
    m = run(manifest, SCHED, start("test"))
    assert m.phase == "Running" and "running" in status_of(m, "test")["state"]
    assert kubectl_columns(m.render()).status == "Running"


# -- init_container.go ----------------------------------------------------------------------------


def _init_pod(policy: str, fail: str | None = None) -> dict[str, Any]:
    return pod(policy, c("run1"), inits=(c("init1"), c("init2")))


def _initialized(m: PodModel) -> dict[str, Any]:
    return condition(m, "Initialized")


def test_init_containers_invoked_on_a_restart_never_pod() -> None:
    """init_container.go "should invoke init containers on a RestartNever pod": Succeeded,
    Initialized True, both init containers terminated with exit 0 and ready."""
    m = run(_init_pod("Never"), SCHED, start("init1"), exit_("init1", 0), start("init2"), exit_("init2", 0))
    m.apply(start("run1"))
    m.apply(exit_("run1", 0))
    assert m.phase == "Succeeded" and _initialized(m)["status"] == "True"
    for n in ("init1", "init2"):
        cs = status_of(m, n)
        assert cs["ready"] and cs["state"]["terminated"]["exitCode"] == 0


def test_init_containers_invoked_on_a_restart_always_pod() -> None:
    """init_container.go "should invoke init containers on a RestartAlways pod": Running,
    Initialized True, both init containers terminated with exit 0 and ready; while they run the app
    container waits with reason PodInitializing."""
    m = run(_init_pod("Always"), SCHED, start("init1"))
    assert status_of(m, "run1")["state"]["waiting"]["reason"] == "PodInitializing"
    for ev in (exit_("init1", 0), start("init2"), exit_("init2", 0), start("run1")):
        m.apply(ev)
    assert m.phase == "Running" and _initialized(m)["status"] == "True"
    for n in ("init1", "init2"):
        cs = status_of(m, n)
        assert cs["ready"] and cs["state"]["terminated"]["exitCode"] == 0


def test_failing_init_container_on_a_restart_always_pod() -> None:
    """init_container.go "should not start app containers if init containers fail on a RestartAlways
    pod": init1 (/bin/false) restarts until restartCount 3; init2 and run1 wait with PodInitializing;
    the pod is Pending with Initialized False, reason ContainersNotInitialized, message "containers
    with incomplete status: [init1 init2]"."""
    m = run(_init_pod("Always"), SCHED)
    for i in range(4):
        m.apply(start("init1"))
        m.apply(exit_("init1", 1))
        for n in ("init2", "run1"):
            assert status_of(m, n)["state"]["waiting"]["reason"] == "PodInitializing"
        m.apply(wait(10 * 2**i))
    assert status_of(m, "init1")["restartCount"] >= 3 and m.phase == "Pending"
    cond = _initialized(m)
    assert (cond["status"], cond["reason"], cond["message"]) == (
        "False",
        "ContainersNotInitialized",
        "containers with incomplete status: [init1 init2]",
    )
    with pytest.raises(IllegalEvent):
        m.apply(start("run1"))


def test_failing_init_container_on_a_restart_never_pod() -> None:
    """init_container.go "should not start app containers and fail the pod if init containers fail
    on a RestartNever pod": init1 succeeds, init2 fails: Failed, Initialized False,
    ContainersNotInitialized, "containers with incomplete status: [init2]", run1 still waiting."""
    m = run(_init_pod("Never"), SCHED, start("init1"), exit_("init1", 0), start("init2"), exit_("init2", 1))
    assert m.phase == "Failed"
    cond = _initialized(m)
    assert (cond["status"], cond["reason"], cond["message"]) == (
        "False",
        "ContainersNotInitialized",
        "containers with incomplete status: [init2]",
    )
    assert "waiting" in status_of(m, "run1")["state"]


# -- runtime.go ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "policy, phase, state, restarts, ready",
    [
        ("Always", "Running", "running", 2, True),
        ("OnFailure", "Succeeded", "terminated", 1, False),
        ("Never", "Failed", "terminated", 0, False),
    ],
)
def test_container_exit_status_per_restart_policy(
    policy: str, phase: str, state: str, restarts: int, ready: bool
) -> None:
    """runtime.go "should run with the expected status": the container exits 1 on its first run,
    0 on its second, then runs for ever. Always: Running, restartCount 2, ready; OnFailure:
    Succeeded, restartCount 1; Never: Failed, restartCount 0."""
    m = run(pod(policy, c("terminate-cmd")), SCHED, start("terminate-cmd"), exit_("terminate-cmd", 1))
    runs = 1
    for code in (0, None):
        try:
            m.apply(wait(10 * (runs - 1)))
            m.apply(start("terminate-cmd"))
        except IllegalEvent:
            break
        runs += 1
        if code is not None:
            m.apply(exit_("terminate-cmd", code))
    cs = status_of(m, "terminate-cmd")
    assert (m.phase, state_of(m, "terminate-cmd"), cs["restartCount"], cs["ready"]) == (
        phase,
        state,
        restarts,
        ready,
    )


@pytest.mark.parametrize(
    "policy_field, code, message, log, phase, shown",
    [
        ({}, 0, "DONE", None, "Succeeded", "DONE"),
        ({"terminationMessagePath": "/dev/termination-custom-log"}, 0, "DONE", None, "Succeeded", "DONE"),
        ({"terminationMessagePolicy": "FallbackToLogsOnError"}, 1, None, "DONE", "Failed", "DONE"),
        ({"terminationMessagePolicy": "FallbackToLogsOnError"}, 0, None, "DONE", "Succeeded", ""),
        ({"terminationMessagePolicy": "FallbackToLogsOnError"}, 0, "OK", "DONE\n", "Succeeded", "OK"),
    ],
    ids=["path", "non-root-path", "logs-on-error", "logs-on-success", "file-on-success"],
)
def test_termination_message(
    policy_field: dict[str, str], code: int, message: str | None, log: str | None, phase: str, shown: str
) -> None:
    """runtime.go "on terminated container": "should report termination message if
    TerminationMessagePath is set" (also as non-root user at a non-default path): DONE; "... from
    log output if TerminationMessagePolicy FallbackToLogsOnError is set" (exit 1): the log's DONE;
    "... as empty when pod succeeds and ... FallbackToLogsOnError": empty; "... from file when pod
    succeeds and ... FallbackToLogsOnError": the file's OK (getTerminationMessage)."""
    m = run(
        pod("Never", c("termination-message-container", **policy_field)),
        SCHED,
        start("termination-message-container"),
    )
    extra: dict[str, Any] = {}
    if message is not None:
        extra["message"] = message
    if log is not None:
        extra["logTail"] = log
    m.apply(exit_("termination-message-container", code, **extra))
    t = status_of(m, "termination-message-container")["state"]["terminated"]
    assert m.phase == phase and t.get("message", "") == shown


@pytest.mark.parametrize("pulls", (False, True), ids=["pull-fails", "pull-works"])
def test_image_pull_outcome(pulls: bool) -> None:
    """runtime.go "when running a container with a new image": "should not be able to pull image
    from invalid registry" and "... from private registry without secret": waiting with
    ErrImagePull or ImagePullBackOff, Pending; "should be able to pull image" and "... from private
    registry with secret": running, Running (the secret only decides whether the pull works)."""
    m = run(pod("Never", c("image-pull-test")), SCHED)
    if pulls:
        m.apply(start("image-pull-test"))
        assert state_of(m, "image-pull-test") == "running" and m.phase == "Running"
        return
    m.apply(pull_failed("image-pull-test"))
    m.apply(wait(10))
    reason = status_of(m, "image-pull-test")["state"]["waiting"]["reason"]
    assert reason in ("ErrImagePull", "ImagePullBackOff") and m.phase == "Pending"


# -- pod_conditions_test.go -----------------------------------------------------------------------


@pytest.mark.parametrize("with_init", (False, True))
def test_conditions_while_the_sandbox_cannot_be_created(with_init: bool) -> None:
    """pod_conditions_test.go "a pod failing to mount volumes and without init containers should
    report scheduled and initialized conditions set" and "... with init containers should report
    just the scheduled condition set": the missing ConfigMap volume blocks the sandbox: PodScheduled
    True, PodReadyToStartContainers False, Initialized True only without init containers (not
    before PodScheduled), ContainersReady and Ready False."""
    inits = (c("init1"),) if with_init else ()
    m = run(pod("Always", c("web1"), inits=inits), SCHED, wait(2), {"type": "SandboxCreateFailed"})
    conds = {
        k: condition(m, k)
        for k in ("PodScheduled", "PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready")
    }
    assert conds["PodScheduled"]["status"] == "True"
    assert conds["PodReadyToStartContainers"]["status"] == "False"
    assert conds["Initialized"]["status"] == ("False" if with_init else "True")
    if not with_init:
        assert conds["Initialized"]["lastTransitionTime"] >= conds["PodScheduled"]["lastTransitionTime"]
    assert conds["ContainersReady"]["status"] == "False" and conds["Ready"]["status"] == "False"


# -- deleted_pods_test.go ---------------------------------------------------------------------------


def test_pod_deleted_while_pending_fails() -> None:
    """deleted_pods_test.go "Should transition to Failed phase a pod which is deleted while pending"
    (restartPolicy Always, an image that cannot be pulled, a finalizer keeping the object): Failed."""
    m = run(pod("Always", c("deleted-pending", image="non-existing-repo/non-existing-image:v1.0")), SCHED)
    m.apply(pull_failed("deleted-pending"))
    m.apply(delete())
    assert m.phase == "Failed"


@pytest.mark.parametrize("policy", ("Always", "OnFailure", "Never"))
@pytest.mark.parametrize("handles_sigterm", (False, True), ids=["sigkill", "sigterm-exit-0"])
def test_deleted_pod_ends_by_its_exit_codes(policy: str, handles_sigterm: bool) -> None:
    """deleted_pods_test.go "Should transition to Failed phase a deleted pod if non-zero exit codes"
    (sleep 1800, deleted with a 1 s grace: SIGKILL, exit 137: Failed) and "Should transition to
    Succeeded phase a deleted pod when containers complete with 0 exit code" (a SIGTERM trap exits
    0: Succeeded), each under Always, OnFailure and Never: one container status, terminated, with
    that exit code."""
    m = run(pod(policy, c("deleted-running")), SCHED, start("deleted-running"), wait(1))
    if handles_sigterm:
        m.apply(delete())
        m.apply(exit_("deleted-running", 0))
    else:
        m.apply(delete(1))
        m.apply(wait(2))
    t = status_of(m, "deleted-running")["state"]["terminated"]
    assert t["exitCode"] == (0 if handles_sigterm else 137)
    assert m.phase == ("Succeeded" if handles_sigterm else "Failed")
    assert len(m.render()["status"]["containerStatuses"]) == 1


# -- container_restart_policy.go --------------------------------------------------------------------

RULE_42 = [{"action": "Restart", "exitCodes": {"operator": "In", "values": [42]}}]


@pytest.mark.parametrize(
    "pod_policy, fields, code, restarts",
    [
        ("Never", {"restartPolicy": "Never", "restartPolicyRules": RULE_42}, 42, True),
        ("Never", {"restartPolicy": "Never", "restartPolicyRules": RULE_42}, 1, False),
        ("Always", {"restartPolicy": "Never"}, 1, False),
        ("Never", {"restartPolicy": "Always"}, 1, True),
        ("Always", {}, 1, True),
    ],
    ids=["rule-match", "rule-mismatch", "container-never", "container-always", "pod-always"],
)
def test_container_restart_rules(pod_policy: str, fields: dict[str, Any], code: int, restarts: bool) -> None:
    """container_restart_policy.go "Container Restart Rules" (ContainerRestartRules): "should restart
    container on rule match" (exit 42, rule In [42]); "should not restart container on rule
    mismatch, container restart policy Never" (exit 1: the pod ends, restartCount 0); "should
    restart container on container-level restart policy Never" (the test asserts it is NOT
    restarted: restartCount 0 under a pod Always); "... container-level restart policy Always"
    (restarted under a pod Never); "... pod-level restart policy Always when no container-level
    restart policy" (restarted)."""
    m = run(
        pod(pod_policy, c("main-container", **fields)),
        SCHED,
        start("main-container"),
        exit_("main-container", code),
    )
    if restarts:
        m.apply(start("main-container"))
        assert status_of(m, "main-container")["restartCount"] > 0
    else:
        with pytest.raises(IllegalEvent):
            m.apply(start("main-container"))
        assert status_of(m, "main-container")["restartCount"] == 0 and m.phase == "Failed"


# -- container_restart_test.go ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "config, max_restarts",
    [
        (
            {
                "featureGates": {
                    "KubeletCrashLoopBackOffMax": False,
                    "ReduceDefaultCrashLoopBackOffDecay": False,
                }
            },
            7,
        ),
        (
            {
                "crashLoopBackOff": {"maxContainerRestartPeriod": "30s"},
                "featureGates": {
                    "KubeletCrashLoopBackOffMax": True,
                    "ReduceDefaultCrashLoopBackOffDecay": False,
                },
            },
            13,
        ),
        (
            {
                "featureGates": {
                    "KubeletCrashLoopBackOffMax": False,
                    "ReduceDefaultCrashLoopBackOffDecay": True,
                }
            },
            13,
        ),
        (
            {
                "crashLoopBackOff": {"maxContainerRestartPeriod": "1s"},
                "featureGates": {
                    "KubeletCrashLoopBackOffMax": True,
                    "ReduceDefaultCrashLoopBackOffDecay": True,
                },
            },
            298,
        ),
    ],
    ids=["default", "max-30s", "reduced-decay", "max-1s"],
)
def test_crash_loop_back_off_under_a_kubelet_configuration(config: dict[str, Any], max_restarts: int) -> None:
    """container_restart_test.go "Container restart backs off." (0 s, 0 s, 10 s, 30 s, 70 s ...),
    "Alternate restart backs off." (maxContainerRestartPeriod 30 s), "Reduced default restart backs
    off." (ReduceDefaultCrashLoopBackOffDecay, and with a 1 s maximum): a container exiting 1 at
    once, restarted as early as the back-off allows, reaches restartCount 3 within the test's 30 s
    plus 5 minutes, and when it does, restartCount is at most the test's bound (7, 13, 13, 298)."""
    from podfsm.model.kubelet_config import parse_kubelet_config

    m = PodModel(pod("Always", c("restarts")), kubelet_config=parse_kubelet_config(config))
    m.apply(SCHED)
    first_three = None
    while m.now < 330:
        try:
            m.apply(start("restarts"))
        except IllegalEvent:
            m.apply(wait(1))
            continue
        m.apply(exit_("restarts", 1))
        if first_three is None and status_of(m, "restarts")["restartCount"] >= 3:
            first_three = m.now
            break
    assert first_three is not None and first_three <= 30 + 300
    assert status_of(m, "restarts")["restartCount"] <= max_restarts
    assert kubectl_columns(m.render()).status in ("Error", "CrashLoopBackOff")
