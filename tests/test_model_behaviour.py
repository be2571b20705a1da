"""The kubelet's reactions, one behaviour per test, each naming the upstream code it pins."""

from __future__ import annotations

import pytest

from podfsm.errors import IllegalEvent
from podfsm.model.pod import PodModel
from podfsm.oracle import kubectl_columns, pod_conditions, pod_phase
from tests.scenario_dsl import SCHED, c, condition, exit_, pod, probe, result, run, start, status_of, wait

# -- init containers and sidecars ----------------------------------------------------------------


def test_init_containers_run_one_at_a_time_in_order() -> None:
    """kuberuntime_container.go:computeInitContainerActions starts init containers strictly in order."""
    m = run(pod("Always", c("app"), inits=(c("one"), c("two"))), SCHED)
    with pytest.raises(IllegalEvent, match="init container 'one' has not completed"):
        m.apply(start("two"))
    with pytest.raises(IllegalEvent, match="init containers must finish first"):
        m.apply(start("app"))
    m.apply(start("one"))
    with pytest.raises(IllegalEvent):
        m.apply(start("two"))  # still running, not completed
    m.apply(exit_("one", 0))
    m.apply(start("two"))
    m.apply(exit_("two", 0))
    m.apply(start("app"))
    assert m.phase == "Running"


def test_init_failure_under_never_fails_the_pod() -> None:
    """kubelet_pods.go:getPhase: a failed, non-restartable init container gives Failed."""
    m = run(pod("Never", inits=(c("init"),)), SCHED, start("init"), exit_("init", 2))
    assert m.phase == "Failed"
    assert kubectl_columns(m.render()).status == "Init:Error"


@pytest.mark.parametrize("policy", ["Always", "OnFailure"])
def test_init_failure_is_retried_with_backoff_under_always_and_onfailure(policy: str) -> None:
    """computeInitContainerActions restarts a failed init container unless the policy is Never."""
    m = run(
        pod(policy, inits=(c("init"),)),
        SCHED,
        start("init"),
        exit_("init", 1),
        start("init"),
        exit_("init", 1),
    )
    assert m.phase == "Pending"
    # reasonCache: the refused start's CrashLoopBackOff is published at the next sync (10 s later)
    assert kubectl_columns(m.render()).status == "Init:Error"
    m.apply(wait(10))
    assert kubectl_columns(m.render()).status == "Init:CrashLoopBackOff"
    assert status_of(m, "init")["restartCount"] == 1


def test_sidecar_must_be_started_before_the_next_init_container() -> None:
    """computeInitContainerActions: init containers after a sidecar start once it is *started*."""
    side = c("proxy", restartPolicy="Always", startupProbe=probe())
    m = run(pod("Always", inits=(side, c("setup"))), SCHED, start("proxy"))
    with pytest.raises(IllegalEvent, match="sidecar 'proxy' has not started"):
        m.apply(start("setup"))
    m.apply(result("proxy", "startup", True))
    m.apply(start("setup"))


def test_sidecar_restarts_whatever_the_pod_policy_and_never_decides_the_phase() -> None:
    """getPhase ignores sidecar exits; computeInitContainerActions restarts exited sidecars always."""
    side = c("proxy", restartPolicy="Always")
    m = run(pod("Never", inits=(side,)), SCHED, start("proxy"), start("app"), exit_("proxy", 1))
    assert m.phase == "Running"
    assert status_of(m, "proxy")["restartCount"] == 0  # counted when the new instance starts
    m.apply(start("proxy"))
    assert status_of(m, "proxy")["restartCount"] == 1


def test_sidecars_are_stopped_once_regular_containers_are_done_under_never() -> None:
    """computePodActions step 5: nothing regular kept or to start -> kill the pod, sidecars included."""
    side = c("proxy", restartPolicy="Always")
    m = run(
        pod("Never", inits=(side,), terminationGracePeriodSeconds=5),
        SCHED,
        start("proxy"),
        start("app"),
        exit_("app", 0),
    )
    assert m.phase == "Running"  # the sidecar still runs while it is being stopped
    assert m.by_name["proxy"].state == "Killing"
    m.apply(wait(5))  # it ignores SIGTERM: SIGKILL at the end of the grace period
    assert m.phase == "Succeeded"
    assert status_of(m, "proxy")["state"]["terminated"]["exitCode"] == 137


# -- crash-loop back-off -------------------------------------------------------------------------


def _crash(m: PodModel) -> None:
    m.apply(exit_("app", 1))


def test_crash_loop_delays_are_0_10_20_40_80_160_300_300() -> None:
    """kuberuntime_manager.go:doBackOff with flowcontrol.Backoff(10s, 300s): first restart at once."""
    m = run(pod("Always"), SCHED, start("app"))
    delays = []
    for _ in range(9):
        _crash(m)
        rec = m.by_name["app"]
        if rec.state == "Waiting":
            delays.append(0)
        else:
            assert rec.restart_at is not None
            delays.append(rec.restart_at - m.now)
            m.apply(wait(rec.restart_at - m.now))
        m.apply(start("app"))
    assert delays == [0, 10, 20, 40, 80, 160, 300, 300, 300]


def test_crash_loop_back_off_shows_and_cannot_be_started_early() -> None:
    """convertToAPIContainerStatuses + reasonCache: the exit is shown terminated until the sync
    after the refused start (pod_workers.go requeues it after 10 s) publishes CrashLoopBackOff."""
    m = run(pod("Always"), SCHED, start("app"), exit_("app", 1), start("app"), exit_("app", 1))
    cs = status_of(m, "app")
    assert cs["state"]["terminated"]["exitCode"] == 1
    assert cs["restartCount"] == 1
    assert cs["lastState"]["terminated"]["exitCode"] == 1  # the run before
    with pytest.raises(IllegalEvent, match="CrashLoopBackOff"):
        m.apply(start("app"))
    m.apply(wait(9.5))
    assert "terminated" in status_of(m, "app")["state"]
    m.apply(wait(0.5))
    cs = status_of(m, "app")
    assert cs["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert cs["state"]["waiting"]["message"].startswith(
        "back-off 10s restarting failed container=app pod=p_default("
    )
    assert cs["lastState"]["terminated"]["exitCode"] == 1
    m.apply(start("app"))


def test_back_off_resets_after_ten_minutes_of_running() -> None:
    """The back-off entry expires when an exit comes more than 600 s after its last update."""
    m = run(
        pod("Always"),
        SCHED,
        start("app"),
        exit_("app", 1),
        start("app"),
        exit_("app", 1),
        wait(10),
        start("app"),
        wait(601),
        exit_("app", 1),
    )
    assert m.by_name["app"].state == "Waiting"  # restarted at once
    m.apply(start("app"))
    m.apply(exit_("app", 1))
    assert m.by_name["app"].restart_at == pytest.approx(m.now + 10)


# -- image pulls and create errors ---------------------------------------------------------------


def test_image_pull_back_off_window_doubles() -> None:
    """images/image_manager.go:EnsureImageExists: ErrImagePull, then ImagePullBackOff in the window."""
    m = run(pod(), SCHED, {"type": "ImagePullFailed", "container": "app"})
    # the failed pull is in the reason cache; the sync 10 s later (pod_workers.go) publishes it
    assert kubectl_columns(m.render()).status == "ContainerCreating"
    with pytest.raises(IllegalEvent):
        m.apply(start("app"))
    m.apply(wait(10))
    assert kubectl_columns(m.render()).status == "ErrImagePull"
    m.apply({"type": "ImagePullFailed", "container": "app"})
    assert m.by_name["app"].retry_at == pytest.approx(m.now + 20)
    m.apply(wait(10))  # a sync inside the 20 s window: the pull is not tried, ImagePullBackOff cached
    assert kubectl_columns(m.render()).status == "ErrImagePull"
    with pytest.raises(IllegalEvent):
        m.apply(start("app"))
    m.apply(wait(10))
    assert kubectl_columns(m.render()).status == "ImagePullBackOff"
    m.apply(start("app"))


def test_invalid_image_name_is_retried_without_back_off() -> None:
    m = run(pod(), SCHED, {"type": "ImagePullFailed", "container": "app", "reason": "InvalidImageName"})
    m.apply(wait(10))
    assert kubectl_columns(m.render()).status == "InvalidImageName"
    m.apply(start("app"))


def test_create_container_config_error_shows_as_the_waiting_reason() -> None:
    """reasonCache: the failed start's reason is published by the next sync (10 s later)."""
    m = run(pod(), SCHED, {"type": "ContainerCreateFailed", "container": "app"})
    assert kubectl_columns(m.render()).status == "ContainerCreating"
    m.apply(wait(10))
    assert kubectl_columns(m.render()).status == "CreateContainerConfigError"
    assert m.phase == "Pending"
    m.apply(start("app"))
    assert kubectl_columns(m.render()).status == "Running"


# -- probes --------------------------------------------------------------------------------------


def test_readiness_not_ready_until_first_success_and_thresholds_count() -> None:
    """prober/worker.go: readiness starts as Failure; successThreshold/failureThreshold consecutive runs."""
    app = c("app", readinessProbe=probe(successThreshold=2, failureThreshold=2))
    m = run(pod("Always", app), SCHED, start("app"))
    assert condition(m, "Ready")["status"] == "False"
    m.apply(result("app", "readiness", True))
    assert not m.by_name["app"].ready
    m.apply(result("app", "readiness", True))
    assert condition(m, "Ready")["status"] == "True"
    m.apply(result("app", "readiness", False))
    m.apply(result("app", "readiness", True))  # breaks the failure run
    m.apply(result("app", "readiness", False))
    assert m.by_name["app"].ready
    m.apply(result("app", "readiness", False))
    assert condition(m, "ContainersReady")["reason"] == "ContainersNotReady"
    assert condition(m, "Ready")["message"] == "containers with unready status: [app]"


def test_startup_probe_gates_liveness_and_readiness() -> None:
    """prober_manager.go: while not started only the startup probe runs."""
    app = c("app", startupProbe=probe(), livenessProbe=probe(), readinessProbe=probe())
    m = run(pod("Always", app), SCHED, start("app"))
    with pytest.raises(IllegalEvent, match="waits for the startup probe"):
        m.apply(result("app", "liveness", True))
    m.apply(result("app", "startup", True))
    with pytest.raises(IllegalEvent, match="already succeeded"):
        m.apply(result("app", "startup", True))
    m.apply(result("app", "readiness", True))
    assert m.by_name["app"].ready


def test_probes_wait_for_initial_delay() -> None:
    m = run(pod("Always", c("app", livenessProbe=probe(initialDelaySeconds=15))), SCHED, start("app"))
    with pytest.raises(IllegalEvent, match="initialDelaySeconds"):
        m.apply(result("app", "liveness", False))
    m.apply(wait(15))
    m.apply(result("app", "liveness", False))


@pytest.mark.parametrize(("policy", "restarts"), [("Always", True), ("OnFailure", True), ("Never", False)])
def test_liveness_failure_kills_and_restarts_per_policy(policy: str, restarts: bool) -> None:
    """computePodActions: a liveness Failure kills the container; restarted unless the policy is Never."""
    m = run(
        pod(policy, c("app", livenessProbe=probe(failureThreshold=1))),
        SCHED,
        start("app"),
        result("app", "liveness", False),
    )
    assert m.by_name["app"].state == "Killing"
    m.apply(exit_("app", 0))  # handled SIGTERM
    assert (m.by_name["app"].state == "Waiting") is restarts
    assert m.phase == ("Running" if restarts else "Succeeded")


def test_startup_failure_uses_probe_termination_grace_period() -> None:
    """setTerminationGracePeriod: probe-level terminationGracePeriodSeconds overrides the pod's."""
    app = c("app", startupProbe=probe(failureThreshold=1, terminationGracePeriodSeconds=3))
    m = run(pod("Always", app), SCHED, start("app"), result("app", "startup", False))
    m.apply(wait(3))
    m.apply(start("app"))  # restarted in the kill's sync; published once seen running
    assert status_of(m, "app")["lastState"]["terminated"]["exitCode"] == 137


# -- hooks ---------------------------------------------------------------------------------------


def test_failed_post_start_hook_kills_the_container_and_restarts_per_policy() -> None:
    """kuberuntime_container.go:startContainer: FailedPostStartHook kill, then PostStartHookError."""
    app = c("app", lifecycle={"postStart": {"exec": {"command": ["false"]}}})
    m = run(pod("Always", app), SCHED, {"type": "PostStartHookFailed", "container": "app"})
    assert m.by_name["app"].state == "Killing"
    m.apply(exit_("app", 137))
    assert status_of(m, "app")["state"]["waiting"]["reason"] == "PostStartHookError"


def test_post_start_failure_needs_a_hook() -> None:
    m = run(pod(), SCHED)
    with pytest.raises(IllegalEvent, match="no postStart hook"):
        m.apply({"type": "PostStartHookFailed", "container": "app"})


# -- deletion, eviction, node loss ---------------------------------------------------------------


def test_deletion_sets_deletion_timestamp_and_terminating() -> None:
    """killContainer: SIGTERM, SIGKILL after the grace period; the pod shows Terminating meanwhile."""
    m = run(pod(), SCHED, start("app"), {"type": "DeletionRequested", "gracePeriodSeconds": 20})
    meta = m.render()["metadata"]
    assert meta["deletionTimestamp"] == "2026-01-01T00:00:20Z"
    assert meta["deletionGracePeriodSeconds"] == 20
    assert kubectl_columns(m.render()).status == "Terminating"


@pytest.mark.parametrize(("code", "phase"), [(0, "Succeeded"), (143, "Failed")])
def test_deleted_always_pod_is_succeeded_only_if_every_container_exited_zero(code: int, phase: str) -> None:
    """kubelet.md section 10: a deleted pod's phase comes from getPhase with podIsTerminal=true."""
    m = run(
        pod("Always", c("a"), c("b")),
        SCHED,
        start("a"),
        start("b"),
        {"type": "DeletionRequested"},
        exit_("a", 0),
        exit_("b", code),
    )
    assert m.phase == phase
    assert m.gone


def test_deleting_an_unscheduled_pod_removes_it_at_once() -> None:
    """The API server deletes immediately when the pod was never scheduled (CheckGracefulDelete)."""
    m = run(pod(), {"type": "DeletionRequested"})
    assert m.gone
    with pytest.raises(IllegalEvent, match="no longer exists"):
        m.apply(SCHED)


def test_sidecars_are_stopped_after_regular_containers_on_deletion() -> None:
    """terminationOrdering: regular containers first, then sidecars."""
    m = run(
        pod("Always", inits=(c("proxy", restartPolicy="Always"),)),
        SCHED,
        start("proxy"),
        start("app"),
        {"type": "DeletionRequested"},
    )
    assert m.by_name["app"].state == "Killing"
    assert m.by_name["proxy"].state == "Running"
    m.apply(exit_("app", 0))
    assert m.by_name["proxy"].state == "Killing"


def test_eviction_fails_the_pod_with_reason_and_disruption_target() -> None:
    """eviction_manager.go:evictPod: phase Failed, reason Evicted, DisruptionTarget TerminationByKubelet.

    kubectl shows the killed container's reason (Error), not Evicted, once the kubelet has synced the
    container statuses: printPod lets a terminated container's reason override status.reason
    (kubernetes/kubernetes#105467 shows Error / Completed / ContainerStatusUnknown for evicted pods).
    """
    m = run(
        pod(), SCHED, start("app"), {"type": "Evicted", "message": "The node was low on resource: memory. "}
    )
    # killed with a 1 s grace, at least 2 s; mergePodStatus keeps the phase until the container stopped
    assert m.phase == "Running" and condition(m, "DisruptionTarget") == {}
    m.apply(wait(2))
    st = m.render()["status"]
    assert (st["phase"], st["reason"]) == ("Failed", "Evicted")
    dt = condition(m, "DisruptionTarget")
    assert (dt["status"], dt["reason"]) == ("True", "TerminationByKubelet")
    assert st["conditions"][-1]["type"] == "DisruptionTarget"  # appended after the kubelet's
    assert not m.gone
    assert kubectl_columns(m.render()).status == "Error"
    assert status_of(m, "app")["state"]["terminated"]["exitCode"] == 137


def test_an_eviction_during_a_deletion_still_ends_the_pod_evicted() -> None:
    """pod_workers.go UpdatePod: a kill request for a pod already terminating appends its status
    function to ``statusPostTerminating``, and the worker applies the last one on each termination
    attempt; status_manager.go mergePodStatus holds the terminal phase, reason and DisruptionTarget
    back while containers could run. So an eviction during a deletion shows nothing at first (the
    kill in progress keeps its grace: see ``_stop_pod``), and the pod ends Failed, reason Evicted,
    DisruptionTarget TerminationByKubelet, once its container stopped."""
    m = run(pod(), SCHED, start("app"), {"type": "DeletionRequested"}, wait(5), {"type": "Evicted"})
    st = m.render()["status"]
    assert st["phase"] == "Running" and "reason" not in st and condition(m, "DisruptionTarget") == {}
    m.apply(exit_("app", 0))  # the app stops within the deletion's grace period
    # the last status written before the API server removes the object (gone: deletion finished)
    assert m.gone
    st = m.render()["status"]
    assert (st["phase"], st["reason"]) == ("Failed", "Evicted")
    assert condition(m, "DisruptionTarget")["reason"] == "TerminationByKubelet"


def test_an_eviction_with_no_grace_still_gets_one_second() -> None:
    """pod_workers.go calculateEffectiveGracePeriod: "no matter what, we always supply a grace period
    of 1". An eviction asking for 0 s kills with 1 s: the app's stop signal gets killContainer's 2 s,
    and the sidecar waiting for its turn is cut off when the pod's 1 s is over, not at once."""
    m = run(
        pod("Always", inits=(c("proxy", restartPolicy="Always"),)),
        SCHED,
        start("proxy"),
        start("app"),
        {"type": "Evicted", "gracePeriodSeconds": 0},
    )
    assert m.by_name["app"].state == "Killing" and m.by_name["proxy"].state == "Running"
    m.apply(wait(0.5))
    assert m.by_name["proxy"].state == "Running"
    m.apply(wait(0.5))
    assert m.by_name["proxy"].state == "Killing"  # cut off at the end of the pod's 1 s
    m.apply(wait(1))
    assert m.by_name["app"].state == "Terminated"  # SIGKILL after the stop signal's 2 s


def test_node_lost_marks_ready_false_and_freezes_the_node() -> None:
    """nodelifecycle MarkPodsNotReady: only Ready changes, once node-monitor-grace-period (50 s)
    has passed since the node went silent; nothing from the node is observed after. The 300 s
    toleration counts from the taint, added when the node is marked not ready."""
    m = run(pod(), SCHED, start("app"), {"type": "NodeLost"})
    assert condition(m, "Ready")["status"] == "True"
    m.apply(wait(50))
    assert condition(m, "Ready")["status"] == "False"
    assert m.phase == "Running"
    with pytest.raises(IllegalEvent, match="stopped reporting"):
        m.apply(exit_("app", 1))
    m.apply(wait(299))
    assert "deletionTimestamp" not in m.render()["metadata"]
    m.apply(wait(1))
    assert condition(m, "DisruptionTarget")["reason"] == "DeletionByTaintManager"
    assert kubectl_columns(m.render()).status == "Terminating"


def test_a_pod_tolerating_unreachable_forever_is_never_taint_evicted() -> None:
    tol = [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"}]
    m = run(pod(tolerations=tol), SCHED, start("app"), {"type": "NodeLost"}, wait(100000))
    assert "deletionTimestamp" not in m.render()["metadata"]


# -- the model agrees with the oracle ------------------------------------------------------------


def test_model_phase_and_conditions_agree_with_the_oracle_on_the_examples() -> None:
    """Two implementations of getPhase and generate.go (model records vs API objects) agree."""
    from podfsm.examples import load_scenarios

    for sc in load_scenarios():
        m = PodModel(sc.pod)
        for raw in sc.steps:
            if raw.get("illegal"):
                continue
            m.apply(raw["event"])
            obj = m.render()
            if not m.bound or m.pending_failure is not None:
                # while an active-deadline kill runs, upstream's own object is inconsistent: the
                # conditions say PodFailed but mergePodStatus still shows the old phase
                continue
            terminal = obj["status"]["phase"] in ("Succeeded", "Failed")
            assert (
                pod_phase(obj, pod_is_terminal=terminal or m.stopping) == obj["status"]["phase"] or terminal
            ), (sc.name, raw)
            conds = pod_conditions(obj)
            for cond in obj["status"]["conditions"]:
                if cond["type"] in ("ContainersReady", "Initialized") or (
                    cond["type"] == "Ready" and m.node_lost_at is None
                ):
                    assert conds[cond["type"]].status == cond["status"], (sc.name, raw, cond)


def test_readiness_gates_hold_ready_until_their_conditions_are_true() -> None:
    """status/generate.go:GeneratePodReadyCondition: each gate's condition must exist and be True."""
    m = run(pod(readinessGates=[{"conditionType": "example.com/lb"}]), SCHED, start("app"))
    ready = condition(m, "Ready")
    assert (ready["status"], ready["reason"]) == ("False", "ReadinessGatesNotReady")
    assert (
        ready["message"] == 'corresponding condition of pod readiness gate "example.com/lb" does not exist.'
    )
    m.apply({"type": "PodConditionSet", "conditionType": "example.com/lb", "status": "False"})
    assert condition(m, "Ready")["message"] == (
        'the status of pod readiness gate "example.com/lb" is not "True", but False'
    )
    m.apply({"type": "PodConditionSet", "conditionType": "example.com/lb", "status": "True"})
    assert condition(m, "Ready")["status"] == "True"
    assert condition(m, "example.com/lb")["status"] == "True"
    assert pod_conditions(m.render())["Ready"].status == "True"
    with pytest.raises(IllegalEvent, match="owned by the kubelet"):
        m.apply({"type": "PodConditionSet", "conditionType": "Ready", "status": "True"})


def test_terminating_a_pod_marks_containers_that_never_ran_status_unknown() -> None:
    """status_manager.go:TerminatePod: a pod without init containers counts as initialized
    (hasPodInitialized), so a container that never ran ends terminated ContainerStatusUnknown / 137,
    with null times."""
    m = run(pod(), SCHED, {"type": "Evicted"})
    st = m.render()["status"]
    assert (st["phase"], st["reason"]) == ("Failed", "Evicted")
    assert status_of(m, "app")["state"] == {
        "terminated": {
            "exitCode": 137,
            "reason": "ContainerStatusUnknown",
            "message": "The container could not be located when the pod was terminated",
            "startedAt": None,
            "finishedAt": None,
        }
    }
    assert kubectl_columns(m.render()).status == "ContainerStatusUnknown"


def test_terminate_pod_leaves_never_started_trailing_init_containers_waiting() -> None:
    """TerminatePod / initializedContainers: init containers after the last one that started keep
    waiting; regular containers are marked only once the pod initialized."""
    m = run(
        pod(inits=(c("one"), c("two"), c("three"))),
        SCHED,
        start("one"),
        exit_("one", 0),
        start("two"),
        {"type": "DeletionRequested", "gracePeriodSeconds": 5},
        exit_("two", 143),
    )
    assert m.gone and m.phase == "Failed"
    assert status_of(m, "two")["state"]["terminated"]["exitCode"] == 143
    assert "waiting" in status_of(m, "three")["state"]
    assert "waiting" in status_of(m, "app")["state"]  # the pod never initialized


def test_active_deadline_fails_the_pod_and_kills_its_containers() -> None:
    """active_deadline.go:ShouldEvict: past activeDeadlineSeconds since startTime -> Failed,
    reason DeadlineExceeded; the kubelet then kills the containers with the pod's grace period."""
    m = run(
        pod("Never", activeDeadlineSeconds=60, terminationGracePeriodSeconds=5), SCHED, start("app"), wait(59)
    )
    assert m.phase == "Running"
    m.apply(wait(1))
    assert m.by_name["app"].state == "Killing"
    # mergePodStatus: the terminal phase waits for the containers; conditions already say PodFailed
    assert m.render()["status"]["phase"] == "Running" and "reason" not in m.render()["status"]
    assert condition(m, "Ready")["reason"] == "PodFailed"
    m.apply(wait(5))
    st = m.render()["status"]
    assert (st["phase"], st["reason"]) == ("Failed", "DeadlineExceeded")
    assert st["message"] == "Pod was active on the node longer than the specified deadline"
    assert status_of(m, "app")["state"]["terminated"]["exitCode"] == 137
    assert kubectl_columns(m.render()).status == "Error"


def test_active_deadline_counts_from_start_time_not_creation() -> None:
    m = run(pod(activeDeadlineSeconds=30), wait(100), SCHED, wait(29))
    assert m.phase == "Pending"
    m.apply(wait(1))
    assert m.render()["status"]["reason"] == "DeadlineExceeded"


# -- fixes from an independent review against upstream ----------------------------------------------


def test_a_shorter_second_delete_counts_from_the_first_request() -> None:
    """apiserver rest.BeforeDelete: only a grace shorter than the stored one changes anything; the new
    deadline is the first request's time plus it (never in the past: then now, grace 1)."""
    m = run(
        pod(terminationGracePeriodSeconds=60), SCHED, start("app"), wait(100), {"type": "DeletionRequested"}
    )
    m.apply(wait(20))
    m.apply({"type": "DeletionRequested", "gracePeriodSeconds": 50})
    meta = m.render()["metadata"]
    assert (meta["deletionTimestamp"], meta["deletionGracePeriodSeconds"]) == ("2026-01-01T00:02:30Z", 50)
    m.apply({"type": "DeletionRequested", "gracePeriodSeconds": 55})  # longer than the stored 50
    assert m.render()["metadata"]["deletionGracePeriodSeconds"] == 50
    m.apply({"type": "DeletionRequested", "gracePeriodSeconds": 10})  # 100 + 10 is already past
    meta = m.render()["metadata"]
    assert (meta["deletionTimestamp"], meta["deletionGracePeriodSeconds"]) == ("2026-01-01T00:02:00Z", 1)


def test_force_delete_removes_a_pod_stuck_on_a_lost_node() -> None:
    m = run(pod(), SCHED, start("app"), {"type": "NodeLost"}, wait(400))
    assert not m.gone and kubectl_columns(m.render()).status == "Terminating"
    m.apply({"type": "DeletionRequested", "gracePeriodSeconds": 0})
    assert m.gone


def test_initialized_says_pod_completed_when_succeeded() -> None:
    """generate.go:GeneratePodInitializedCondition: phase Succeeded -> True, reason PodCompleted."""
    m = run(pod("Never"), SCHED, start("app"), exit_("app", 0))
    assert (condition(m, "Initialized")["status"], condition(m, "Initialized")["reason"]) == (
        "True",
        "PodCompleted",
    )


def test_probe_kill_backs_off_against_the_exit_before_it() -> None:
    """kuberuntime_manager.go:doBackOff looks at the latest *exited* record when the kubelet starts the
    container; a probe kill restarts in the same SyncPod, so that record is the exit before the kill."""
    app = c("app", livenessProbe=probe(failureThreshold=1))
    m = run(pod("Always", app), SCHED, start("app"), result("app", "liveness", False), exit_("app", 137))
    assert m.by_name["app"].state == "Waiting"  # no earlier exit: restarted at once, no back-off entry
    m.apply(start("app"))
    m.apply(wait(60))
    m.apply(result("app", "liveness", False))
    m.apply(exit_("app", 137))
    assert m.by_name["app"].state == "Waiting"  # the earlier exit was 60 s ago: at once again
    m.apply(start("app"))
    m.apply(exit_("app", 1))  # a plain crash: back-off from this exit
    assert m.by_name["app"].state == "CrashLoopBackOff"


def test_a_liveness_kill_leaves_readiness_to_the_readiness_prober() -> None:
    """prober_manager.go:UpdatePodStatus: ready follows readiness results, not liveness."""
    m = run(
        pod("Always", c("app", livenessProbe=probe(failureThreshold=1))),
        SCHED,
        start("app"),
        result("app", "liveness", False),
    )
    assert m.by_name["app"].state == "Killing" and condition(m, "Ready")["status"] == "True"
    m.apply(exit_("app", 143))
    assert condition(m, "Ready")["status"] == "False"


def test_sidecars_stop_last_first_within_the_remaining_grace() -> None:
    """kuberuntime_termination_order.go: each sidecar waits for the ones after it; killContainer gives
    at least 2 s."""
    sides = (c("s1", restartPolicy="Always"), c("s2", restartPolicy="Always"))
    m = run(
        pod("Never", inits=sides, terminationGracePeriodSeconds=20),
        SCHED,
        start("s1"),
        start("s2"),
        start("app"),
        wait(10),
        exit_("app", 0),
    )
    assert (m.by_name["s2"].state, m.by_name["s1"].state) == ("Killing", "Running")
    m.apply(wait(20))  # s2 ignores SIGTERM: SIGKILL when the pod kill's 20 s (from t=10) run out
    assert (m.by_name["s2"].state, m.by_name["s1"].state) == ("Terminated", "Killing")
    assert m.by_name["s1"].kill_deadline == pytest.approx(m.now + 2)
    m.apply(wait(2))
    assert m.phase == "Succeeded"


def test_a_shorter_kill_request_does_not_shorten_the_kill_in_progress() -> None:
    """kubelet.go SyncTerminatingPod runs killPod under a context the pod worker cannot cancel
    (TODO(#113606)); kuberuntime_container.go killContainer fixes each stop timeout and
    kuberuntime_termination_order.go waitForTurn each timer when they start. So an eviction
    (grace 1 s) of a pod already being deleted (grace 30 s) changes no deadline: the last sidecar
    is killed with 30 s, the other waits for it, and they stop in reverse order (found by the
    explorer in always-2s-1c; the model used to shorten the kills)."""
    sides = (c("sidecar-0", restartPolicy="Always"), c("sidecar-1", restartPolicy="Always"))
    m = run(
        pod("Always", inits=sides),
        SCHED,
        start("sidecar-0"),
        start("sidecar-1"),
        {"type": "DeletionRequested"},
    )
    assert (m.by_name["sidecar-1"].state, m.by_name["sidecar-0"].state) == ("Killing", "Running")
    assert m.by_name["sidecar-1"].kill_deadline == pytest.approx(30)
    m.apply({"type": "Evicted"})
    m.apply({"type": "DeletionRequested", "gracePeriodSeconds": 1})
    assert m.by_name["sidecar-1"].kill_deadline == pytest.approx(30)
    m.apply(wait(5))
    assert (m.by_name["sidecar-1"].state, m.by_name["sidecar-0"].state) == ("Killing", "Running")
    m.apply(wait(30))
    finished = {n: status_of(m, n)["state"]["terminated"]["finishedAt"] for n in ("sidecar-0", "sidecar-1")}
    # sidecar-0's turn came when the 30 s ran out: cut off then, with killContainer's 2 s
    assert finished == {"sidecar-1": "2026-01-01T00:00:30Z", "sidecar-0": "2026-01-01T00:00:32Z"}


def test_no_liveness_or_startup_probes_while_the_pod_is_deleted() -> None:
    """prober/worker.go: with a deletionTimestamp liveness and startup are forced to Success and stop."""
    side = c("proxy", restartPolicy="Always", livenessProbe=probe())
    m = run(pod("Always", inits=(side,)), SCHED, start("proxy"), start("app"), {"type": "DeletionRequested"})
    with pytest.raises(IllegalEvent, match="pod is being deleted"):
        m.apply(result("proxy", "liveness", False))


def test_restart_count_counts_started_instances() -> None:
    """restartCount comes from the newest runtime record: a restart whose image pull fails adds none."""
    m = run(pod(), SCHED, start("app"), exit_("app", 1), {"type": "ImagePullFailed", "container": "app"})
    assert status_of(m, "app")["restartCount"] == 0
    assert kubectl_columns(m.render()).restarts == "0"


def test_startup_probe_waits_for_initial_delay_too() -> None:
    """prober/worker.go:doProbe checks initialDelaySeconds before the startup gating, for every probe."""
    m = run(pod("Always", c("app", startupProbe=probe(initialDelaySeconds=5))), SCHED, start("app"))
    with pytest.raises(IllegalEvent, match="initialDelaySeconds"):
        m.apply(result("app", "startup", True))
    m.apply(wait(5))
    m.apply(result("app", "startup", True))
