"""Issue 13's events: termination messages, StartError, sandbox creation failures, spec updates.

Each test is a scenario written from an upstream e2e test or kubelet function, named in its docstring.
"""

from __future__ import annotations

from typing import Any

import pytest

import podfsm
from podfsm.errors import IllegalEvent, ManifestError
from podfsm.model.events import parse_event
from podfsm.model.pod import PodModel
from podfsm.oracle import kubectl_columns
from tests.scenario_dsl import SCHED, c, condition, exit_, pod, run, start, status_of, wait

FALLBACK = {"terminationMessagePolicy": "FallbackToLogsOnError"}


def _terminated(m: PodModel, name: str = "app") -> dict[str, Any]:
    return dict(status_of(m, name)["state"]["terminated"])


# -- termination messages (test/e2e/common/node/runtime.go) -------------------------------------


def test_termination_message_from_the_file() -> None:
    """runtime.go "should report termination message if TerminationMessagePath is set"."""
    m = run(pod("Never"), SCHED, start("app"), exit_("app", 0, message="DONE"))
    assert _terminated(m)["message"] == "DONE"
    assert m.phase == "Succeeded"


def test_termination_message_from_the_log_on_error_with_fallback() -> None:
    """runtime.go "should report termination message from log output if TerminationMessagePolicy
    FallbackToLogsOnError is set" (getTerminationMessage with fallbackToLogs)."""
    m = run(pod("Never", c("app", **FALLBACK)), SCHED, start("app"), exit_("app", 1, logTail="DONE"))
    assert _terminated(m)["message"] == "DONE"


def test_fallback_gives_no_message_when_the_container_succeeds() -> None:
    """runtime.go "should report termination message as empty when pod succeeds and
    TerminationMessagePolicy FallbackToLogsOnError is set"."""
    m = run(pod("Never", c("app", **FALLBACK)), SCHED, start("app"), exit_("app", 0, logTail="DONE"))
    assert "message" not in _terminated(m)


def test_fallback_prefers_the_file_when_the_container_succeeds() -> None:
    """runtime.go "should report termination message from file when pod succeeds and
    TerminationMessagePolicy FallbackToLogsOnError is set"."""
    m = run(
        pod("Never", c("app", **FALLBACK)),
        SCHED,
        start("app"),
        exit_("app", 0, message="OK", logTail="log"),
    )
    assert _terminated(m)["message"] == "OK"


def test_the_file_policy_never_reads_the_log() -> None:
    """getTerminationMessage: with policy File (the default) the log is not read."""
    m = run(pod("Never"), SCHED, start("app"), exit_("app", 1, logTail="boom"))
    assert "message" not in _terminated(m)


def test_container_cannot_run_never_falls_back_to_the_log() -> None:
    """kuberuntime_container.go: "If a container cannot even be started ... no need to fallbackToLogs"."""
    m = run(
        pod("Never", c("app", **FALLBACK)),
        SCHED,
        start("app"),
        exit_("app", 128, reason="ContainerCannotRun", logTail="x"),
    )
    assert "message" not in _terminated(m)


def test_log_fallback_keeps_the_last_80_lines_and_2048_bytes() -> None:
    """readLastStringFromContainerLogs: TailLines MaxContainerTerminationMessageLogLines (80) into a
    circular buffer of MaxContainerTerminationMessageLogLength (2048) bytes."""
    lines = "".join(f"line {i}\n" for i in range(100))
    m = run(pod("Never", c("app", **FALLBACK)), SCHED, start("app"), exit_("app", 1, logTail=lines))
    message = _terminated(m)["message"]
    assert message.startswith("line 20\n") and message.endswith("line 99\n")
    big = "x" * 3000
    m = run(pod("Never", c("app", **FALLBACK)), SCHED, start("app"), exit_("app", 1, logTail=big))
    assert _terminated(m)["message"] == "x" * 2048


def test_file_message_keeps_its_last_4096_bytes() -> None:
    """getTerminationMessage: tail.ReadAtMost(path, MaxContainerTerminationMessageLength = 4096)."""
    text = "a" * 100 + "b" * 4096
    m = run(pod("Never"), SCHED, start("app"), exit_("app", 1, message=text))
    assert _terminated(m)["message"] == "b" * 4096


def test_the_message_moves_to_last_state_on_restart() -> None:
    """toKubeContainerStatus / convertToAPIContainerStatuses: the previous run's status, message
    included, is lastState.terminated."""
    m = run(pod("Always"), SCHED, start("app"), exit_("app", 1, message="bye"), start("app"))
    assert status_of(m, "app")["lastState"]["terminated"]["message"] == "bye"


# -- StartError (test/e2e/node/pods.go) ---------------------------------------------------------


def test_start_error_is_exit_128_with_the_runtime_zero_start_time() -> None:
    """pods.go "Pod Container Status should never report success for a pending container": a
    container that could not start is terminated with exit code 128 and reason StartError."""
    m = run(
        pod("Never"), SCHED, {"type": "ContainerStartFailed", "container": "app", "message": "no such file"}
    )
    t = _terminated(m)
    assert (t["exitCode"], t["reason"], t["message"]) == (128, "StartError", "no such file")
    assert t["startedAt"] == "1970-01-01T00:00:00Z"
    assert m.phase == "Failed"
    assert kubectl_columns(m.render()).status == "StartError"


def test_start_error_is_restarted_with_back_off_under_always() -> None:
    """computePodActions restarts a failed container under Always; doBackOff: the first restart at
    once, the next after 10 s; each new instance counts in restartCount. As for any exit (issue
    10's published status), the refused start's CrashLoopBackOff goes to the reason cache and is
    published by the requeued sync 10 s later; until then the start's own failure is shown:
    waiting RunContainerError (startContainer's ErrRunContainer in the reason cache), the
    StartError in lastState."""
    fail = {"type": "ContainerStartFailed", "container": "app"}
    m = run(pod("Always"), SCHED, fail)
    assert m.by_name["app"].state == "Waiting"  # restarted at once
    m.apply(fail)
    assert m.by_name["app"].state == "CrashLoopBackOff"
    cs = status_of(m, "app")
    assert cs["state"]["waiting"]["reason"] == "RunContainerError"
    assert cs["restartCount"] == 1
    assert cs["lastState"]["terminated"]["reason"] == "StartError"
    m.apply(wait(10))
    cs = status_of(m, "app")
    assert cs["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert cs["lastState"]["terminated"]["reason"] == "StartError"
    m.apply(start("app"))
    assert status_of(m, "app")["restartCount"] == 2


@pytest.mark.parametrize(
    "script",
    [
        [SCHED, {"type": "DeletionRequested", "gracePeriodSeconds": 30}],
        [SCHED, {"type": "ContainerStartFailed", "container": "app"}, {"type": "DeletionRequested"}],
        [SCHED, start("app"), {"type": "DeletionRequested"}, exit_("app", 1)],
        [SCHED, start("app"), exit_("app", 1), {"type": "DeletionRequested"}],
    ],
    ids=[
        "deleted-while-creating",
        "start-error-then-deleted",
        "deleted-while-running",
        "exited-then-deleted",
    ],
)
def test_a_deleted_pending_container_never_reports_success(script: list[dict[str, Any]]) -> None:
    """pods.go "Pod Container Status should never report success for a pending container": a pod
    whose container always exits 1, deleted at some point of its start, never shows exit code 0;
    exit code 128 comes only with StartError."""
    steps = podfsm.simulate(pod("Always"), script)
    for step in steps:
        for cs in step.pod["status"].get("containerStatuses", []):
            for where in (cs["state"], cs["lastState"]):
                t = where.get("terminated")
                if t is None:
                    continue
                assert t["exitCode"] != 0
                assert t["exitCode"] != 128 or t["reason"] == "StartError"


def test_start_error_only_when_the_kubelet_is_starting_the_container() -> None:
    """startContainer runs only for the container whose turn it is (init order)."""
    m = run(pod("Always", c("app"), inits=(c("init"),)), SCHED)
    with pytest.raises(IllegalEvent, match="init containers must finish first"):
        m.apply({"type": "ContainerStartFailed", "container": "app"})
    m.apply(start("init"))
    with pytest.raises(IllegalEvent, match="cannot happen while the container is Running"):
        m.apply({"type": "ContainerStartFailed", "container": "init"})


# -- sandbox creation (test/e2e_node/pod_conditions_test.go) -------------------------------------

SANDBOX_FAIL = {"type": "SandboxCreateFailed", "message": "failed to mount volume"}


def test_sandbox_failure_without_init_containers() -> None:
    """pod_conditions_test.go "a pod failing to mount volumes and without init containers should
    report scheduled and initialized conditions set": PodReadyToStartContainers False
    (GeneratePodReadyToStartContainersCondition, no reason), ContainerCreating."""
    m = run(pod("Always"), SCHED, SANDBOX_FAIL)
    assert condition(m, "PodScheduled")["status"] == "True"
    assert condition(m, "Initialized")["status"] == "True"
    ready_to_start = condition(m, "PodReadyToStartContainers")
    assert ready_to_start["status"] == "False" and "reason" not in ready_to_start
    assert condition(m, "ContainersReady")["status"] == "False"
    assert condition(m, "Ready")["status"] == "False"
    assert status_of(m, "app")["state"]["waiting"]["reason"] == "ContainerCreating"
    assert m.phase == "Pending"


def test_sandbox_failure_with_init_containers() -> None:
    """pod_conditions_test.go "a pod failing to mount volumes and with init containers should report
    just the scheduled condition set": Initialized stays False."""
    m = run(pod("Always", c("app"), inits=(c("init"),)), SCHED, SANDBOX_FAIL)
    assert condition(m, "PodScheduled")["status"] == "True"
    assert condition(m, "Initialized")["status"] == "False"
    assert condition(m, "PodReadyToStartContainers")["status"] == "False"
    assert kubectl_columns(m.render()).status == "Init:0/1"


def test_a_started_container_means_the_sandbox_was_made() -> None:
    """pod_conditions_test.go "a pod without init containers should report all conditions set in
    expected order after the pod is up": PodReadyToStartContainers turns True with the sandbox."""
    m = run(pod("Always"), SCHED, SANDBOX_FAIL, SANDBOX_FAIL, start("app"))
    assert condition(m, "PodReadyToStartContainers")["status"] == "True"
    assert condition(m, "Ready")["status"] == "True"


def test_no_sandbox_failure_while_the_sandbox_exists() -> None:
    """SyncPod creates a sandbox only when PodSandboxChanged says one is needed."""
    m = run(pod("Always"), SCHED, start("app"))
    with pytest.raises(IllegalEvent, match="sandbox exists"):
        m.apply(SANDBOX_FAIL)
    m.apply(exit_("app", 1))
    with pytest.raises(IllegalEvent, match="sandbox exists"):
        m.apply(SANDBOX_FAIL)


# -- spec updates (ValidatePodUpdate; computePodActions) -----------------------------------------


def _image(name: str, image: str) -> dict[str, Any]:
    return {"type": "SpecUpdated", "container": name, "image": image}


@pytest.mark.parametrize("policy", ["Always", "OnFailure", "Never"])
def test_image_update_restarts_a_running_container_whatever_the_policy(policy: str) -> None:
    """computePodActions: "Container %s definition changed" -> kill, then restart regardless of the
    restart policy (container_lifecycle_test.go's image-update scenarios)."""
    m = run(pod(policy, terminationGracePeriodSeconds=5), SCHED, start("app"), _image("app", "busybox:1.37"))
    assert m.by_name["app"].state == "Killing"
    m.apply(exit_("app", 137, signal=15))
    assert m.by_name["app"].state == "Waiting"  # a new back-off key: at once
    m.apply(start("app"))
    cs = status_of(m, "app")
    assert cs["restartCount"] == 1 and cs["image"] == "busybox:1.37"
    assert m.phase == "Running"
    assert m.render()["spec"]["containers"][0]["image"] == "busybox:1.37"


def test_image_update_ends_a_crash_loop_back_off_at_once() -> None:
    """The back-off key includes the container's hash (GetStableKey): the new image starts at once,
    and doBackOff's Next on the new key starts its back-off again at 10 s."""
    m = run(pod("Always"), SCHED, start("app"))
    for _ in range(3):
        m.apply(exit_("app", 1))
        m.apply(wait(m.by_name["app"].restart_at - m.now if m.by_name["app"].restart_at else 0))
        m.apply(start("app"))
    m.apply(exit_("app", 1))
    assert m.by_name["app"].bo_delay == 40
    m.apply(_image("app", "busybox:1.37"))
    assert m.by_name["app"].state == "Waiting"
    m.apply(start("app"))
    m.apply(exit_("app", 1))
    rec = m.by_name["app"]
    assert rec.state == "CrashLoopBackOff" and rec.restart_at == m.now + 10


def test_image_update_of_an_exited_never_container_changes_nothing() -> None:
    """computePodActions only kills running containers for a changed hash; an exited one the policy
    does not restart stays exited."""
    m = run(pod("Never", c("app"), c("other")), SCHED, start("app"), start("other"), exit_("app", 0))
    m.apply(_image("app", "busybox:1.37"))
    assert m.by_name["app"].state == "Terminated"
    assert m.by_name["other"].state == "Running"


def test_image_update_restarts_a_sidecar() -> None:
    """computeInitContainerActions: a restartable init container whose spec changed is restarted."""
    side = c("proxy", restartPolicy="Always")
    m = run(pod("Never", inits=(side,)), SCHED, start("proxy"), start("app"), _image("proxy", "envoy:2"))
    assert m.by_name["proxy"].state == "Killing"
    m.apply(exit_("proxy", 0))
    m.apply(start("proxy"))
    assert status_of(m, "proxy")["image"] == "envoy:2"
    assert m.phase == "Running"


def test_earlier_steps_keep_the_old_image() -> None:
    """Steps render lazily from their snapshots: an update shows only from its own step on."""
    steps = podfsm.simulate(pod("Always"), [SCHED, start("app"), _image("app", "busybox:1.37")])
    assert steps[1].pod["spec"]["containers"][0]["image"] == "busybox:1.36"
    assert steps[1].pod["status"]["containerStatuses"][0]["image"] == "busybox:1.36"
    assert steps[2].pod["spec"]["containers"][0]["image"] == "busybox:1.37"


def test_an_illegal_update_leaves_the_model_as_it_was() -> None:
    m = run(pod("Always", activeDeadlineSeconds=60), SCHED, start("app"))
    before = m.snapshot()
    with pytest.raises(IllegalEvent, match="must be less than or equal to previous value"):
        m.apply({"type": "SpecUpdated", "activeDeadlineSeconds": 61})
    assert m.snapshot() == before


def test_active_deadline_may_be_shortened_and_applies_at_once() -> None:
    """ValidatePodUpdate allows a shorter activeDeadlineSeconds; active_deadline.go then fails the
    pod once startTime + the new deadline has passed (DeadlineExceeded)."""
    m = run(pod("Always", terminationGracePeriodSeconds=0), SCHED, start("app"), wait(20))
    m.apply({"type": "SpecUpdated", "activeDeadlineSeconds": 10})
    assert m.by_name["app"].state == "Killing"
    m.apply(exit_("app", 137))
    assert m.phase == "Failed" and m.pod_reason == "DeadlineExceeded"
    assert m.render()["spec"]["activeDeadlineSeconds"] == 10


def test_active_deadline_set_later_counts_from_start_time() -> None:
    m = run(pod("Always"), SCHED, start("app"), wait(5))
    m.apply({"type": "SpecUpdated", "activeDeadlineSeconds": 30})
    m.apply(wait(24))
    assert m.pending_failure is None
    m.apply(wait(1))
    assert m.pending_failure is not None and m.pending_failure[1] == "DeadlineExceeded"


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("spec.containers[0].command", "spec.containers[0].command: Forbidden: pod updates may not change"),
        ("readinessGates", "spec.readinessGates: Forbidden"),
        ("spec.restartPolicy", "spec.restartPolicy: Forbidden"),
        ("spec.schedulingGates", "legal now: SchedulingGatesRemoved"),
    ],
)
def test_other_spec_fields_are_refused_naming_the_field(field: str, expected: str) -> None:
    """ValidatePodUpdate: "pod updates may not change fields other than ..." names the field."""
    m = run(pod("Always"), SCHED)
    with pytest.raises(IllegalEvent, match=expected.replace("[", r"\[").replace("]", r"\]")):
        m.apply({"type": "SpecUpdated", "field": field})


@pytest.mark.parametrize(
    "event",
    [
        {"type": "SpecUpdated"},
        {"type": "SpecUpdated", "container": "app"},
        {"type": "SpecUpdated", "image": "x"},
        {"type": "SpecUpdated", "container": "app", "image": "x", "activeDeadlineSeconds": 5},
    ],
)
def test_a_spec_update_names_exactly_one_change(event: dict[str, Any]) -> None:
    with pytest.raises(ManifestError, match="events\\[0\\]"):
        parse_event(event)


def test_non_positive_active_deadline_is_refused() -> None:
    m = run(pod("Always"), SCHED)
    with pytest.raises(IllegalEvent, match="must be a positive integer"):
        m.apply({"type": "SpecUpdated", "activeDeadlineSeconds": 0})


def test_unknown_termination_message_policy_is_a_manifest_error() -> None:
    with pytest.raises(ManifestError, match="terminationMessagePolicy"):
        PodModel(pod("Always", c("app", terminationMessagePolicy="Sometimes")))
