"""What the model publishes after each event: the status the kubelet's last sync generated.

Each test names the upstream function it pins (Kubernetes v1.35). See docs/published-status.md.
"""

from __future__ import annotations

import pytest

from podfsm.errors import IllegalEvent
from podfsm.oracle import kubectl_columns, pod_phase
from tests.scenario_dsl import SCHED, c, exit_, pod, probe, result, run, start, status_of, wait

DELETE = {"type": "DeletionRequested"}


def _status(m) -> str:  # type: ignore[no-untyped-def]
    return kubectl_columns(m.render()).status


# -- the status between an exit and the next start ------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "code", "reason", "shown"),
    [
        ("Always", 1, None, "Error"),
        ("Always", 0, None, "Completed"),
        ("OnFailure", 137, "OOMKilled", "OOMKilled"),
    ],
)
def test_an_exit_is_published_terminated_until_the_next_start(
    policy: str, code: int, reason: str | None, shown: str
) -> None:
    """convertToAPIContainerStatuses: with nothing in the reason cache the kubelet keeps the state
    it found, so the exit is shown with restartCount and lastState as they were."""
    kw = {"reason": reason} if reason else {}
    m = run(pod(policy), SCHED, start("app"), exit_("app", code, **kw))
    cs = status_of(m, "app")
    assert _status(m) == shown
    assert cs["state"]["terminated"]["exitCode"] == code
    assert cs["restartCount"] == 0 and cs["lastState"] == {}
    assert m.phase == "Running"
    m.apply(start("app"))
    cs = status_of(m, "app")
    assert cs["restartCount"] == 1 and cs["lastState"]["terminated"]["exitCode"] == code


def test_init_error_is_shown_before_the_init_container_restarts() -> None:
    """convertToAPIContainerStatuses for init containers; kubectl printPod shows Init:<reason>."""
    m = run(pod("Always", inits=(c("init"),)), SCHED, start("init"), exit_("init", 1))
    assert _status(m) == "Init:Error"
    assert m.phase == "Pending"


def test_crash_loop_back_off_is_published_by_the_requeued_sync_and_stays_until_running() -> None:
    """kuberuntime_manager.go doBackOff fills the reason cache and returns a BackoffError carrying
    the back-off's expiry; pod_workers.go completeWork (v1.35, kubernetes/kubernetes#133066)
    requeues the failed sync at that expiry (MinBackoffExpiration), not after backOffPeriod; that
    sync publishes CrashLoopBackOff and starts the container; the cache is cleared only by a
    successful start."""
    m = run(pod("Always"), SCHED, start("app"), exit_("app", 1), start("app"), exit_("app", 1))
    m.apply(wait(10))
    m.apply(start("app"))
    m.apply(wait(5))
    m.apply(exit_("app", 1))  # back-off now 20 s, measured from this exit (t=15)
    assert _status(m) == "Error"
    m.apply(wait(10))  # t=25: no sync yet: the pod worker comes back at the back-off's expiry
    assert _status(m) == "Error"
    with pytest.raises(IllegalEvent):
        m.apply(start("app"))
    m.apply(wait(10))  # t=35: the requeued sync publishes the refusal, and starts it
    assert _status(m) == "CrashLoopBackOff"
    assert status_of(m, "app")["state"]["waiting"]["message"].startswith("back-off 20s ")
    m.apply(wait(30))  # the runtime is slow to report: still the published cache
    assert _status(m) == "CrashLoopBackOff"
    m.apply(start("app"))
    assert _status(m) == "Running"


@pytest.mark.parametrize("reason", ["CreateContainerConfigError", "RunContainerError"])
def test_a_failed_start_is_published_at_the_next_sync(reason: str) -> None:
    """reasonCache (reason_cache.go): a failed StartContainer result is cached and shown by the
    next sync's generateAPIPodStatus; the sync after a failure runs 10 s later (pod_workers.go)."""
    m = run(pod("Always"), SCHED, start("app"), exit_("app", 1))
    m.apply({"type": "ContainerCreateFailed", "container": "app", "reason": reason})
    assert _status(m) == "Error"
    m.apply(wait(10))
    cs = status_of(m, "app")
    assert cs["state"]["waiting"]["reason"] == reason
    assert cs["lastState"]["terminated"]["exitCode"] == 1
    m.apply(wait(60))
    assert _status(m) == reason
    m.apply(start("app"))
    assert _status(m) == "Running"


# -- postStart hooks ----------------------------------------------------------------------------

HOOKED = c("app", lifecycle={"postStart": {"exec": {"command": ["false"]}}})


def test_a_failing_post_start_hook_is_never_published_running() -> None:
    """kuberuntime_container.go startContainer: the hook and its kill (killContainer) run inside the
    start; no status is generated until they return, so the phase stays Pending."""
    m = run(pod("Always", HOOKED), SCHED, {"type": "PostStartHookFailed", "container": "app"})
    assert _status(m) == "ContainerCreating" and m.phase == "Pending"
    assert pod_phase(m.render()) == "Pending"
    m.apply(wait(29))
    assert m.phase == "Pending"
    m.apply(wait(1))  # the grace period (30 s) ends: SIGKILL
    cs = status_of(m, "app")
    assert cs["state"]["waiting"]["reason"] == "PostStartHookError"
    assert cs["lastState"]["terminated"]["exitCode"] == 137
    assert cs["restartCount"] == 0
    m.apply(start("app"))
    assert status_of(m, "app")["restartCount"] == 1


def test_a_post_start_hook_kill_blocks_the_pod_worker_until_that_instance_exited() -> None:
    """kuberuntime_container.go startContainer kills the instance whose postStart hook failed before
    it returns; pod_workers.go queues every update until SyncPod returns. So while that kill runs no
    status is generated (a readiness result of another container changes only its ``ready``) and
    no other container is restarted. Found by the stateful test: the second instance was published
    as running with the first one's restartCount."""
    web = c("web", lifecycle={"postStart": {"exec": {"command": ["true"]}}})
    app = c("app", readinessProbe=probe())
    m = run(pod("Always", app, web), SCHED, start("app"), {"type": "PostStartHookFailed", "container": "web"})
    m.apply(exit_("web", 1))  # the first instance is killed: its exit is published, the hook's error cached
    shown = status_of(m, "web")
    assert shown["state"]["waiting"]["reason"] == "PostStartHookError" and shown["restartCount"] == 0
    m.apply({"type": "PostStartHookFailed", "container": "web"})  # the restart's hook fails too
    m.apply(result("app", "readiness", True))
    assert status_of(m, "web") == shown  # nothing of web is generated while its kill runs
    assert status_of(m, "app")["ready"] is True
    m.apply(exit_("app", 1))
    with pytest.raises(IllegalEvent):
        m.apply(start("app"))  # SyncPod is still inside web's start: no restart yet


def test_a_pod_kill_waits_for_a_failed_post_start_hooks_kill() -> None:
    """kubelet.go SyncPod runs the runtime under context.WithoutCancel (TODO(#113606)): a deletion
    during the kill of an instance whose postStart hook failed neither cancels nor shortens it, and
    SyncTerminatingPod comes only after SyncPod returned. So the other containers are killed when
    that instance exited (SIGKILL at the pod's 30 s), with the deletion's 5 s grace from then on."""
    web = c("web", lifecycle={"postStart": {"exec": {"command": ["true"]}}})
    hook_failed = {"type": "PostStartHookFailed", "container": "web"}
    m = run(pod("Always", c("app"), web), SCHED, start("app"), hook_failed)
    m.apply(exit_("web", 1))
    m.apply(hook_failed)  # a second instance, killed until 30 s
    m.apply(wait(3))
    m.apply({"type": "DeletionRequested", "gracePeriodSeconds": 5})
    assert m.by_name["web"].kill_deadline == 30.0  # not shortened
    assert m.by_name["app"].state == "Running"  # not killed yet: SyncTerminatingPod waits
    assert "running" in status_of(m, "app")["state"]
    m.apply(wait(27))  # web's SIGKILL: the instance is seen, counted, then the pod is killed
    cs = status_of(m, "web")
    assert cs["state"]["terminated"]["exitCode"] == 137 and cs["restartCount"] == 1
    assert cs["lastState"]["terminated"]["exitCode"] == 1
    assert m.by_name["app"].state == "Killing" and m.by_name["app"].kill_deadline == 35.0
    m.apply(exit_("app", 0))
    assert m.gone


def test_a_failing_post_start_hook_under_never_fails_the_pod() -> None:
    """startContainer + ShouldContainerBeRestarted: not restarted, the cache is not shown; getPhase."""
    m = run(pod("Never", HOOKED), SCHED, {"type": "PostStartHookFailed", "container": "app"})
    m.apply(exit_("app", 137))
    assert status_of(m, "app")["state"]["terminated"]["exitCode"] == 137
    assert m.phase == "Failed"


# -- probe kills and back-off (kubernetes/kubernetes#109537) -------------------------------------

LIVE = c("app", livenessProbe=probe(failureThreshold=1))
KILL = result("app", "liveness", False)


def test_probe_kill_restart_refused_then_judged_by_its_own_exit_code() -> None:
    """computePodActions + doBackOff: the kill's restart is judged against the run before; refused,
    ShouldContainerBeRestarted sees an OnFailure exit 0 and the pod ends Succeeded."""
    m = run(pod("OnFailure", LIVE), SCHED, start("app"), exit_("app", 1), start("app"), KILL)
    m.apply(exit_("app", 0))  # the previous exit (t=0) is in its first 10 s back-off
    assert m.phase == "Succeeded"
    assert _status(m) == "Completed"


def test_probe_kill_restart_refused_under_always_waits_from_the_killed_exit() -> None:
    """doBackOff: after the refusal the back-off is measured from the killed instance's finishedAt."""
    m = run(pod("Always", LIVE), SCHED, start("app"), exit_("app", 1), start("app"), wait(4), KILL)
    m.apply(wait(2))
    m.apply(exit_("app", 143))  # t=6: the run before ended at 0, back-off 10 s: refused
    assert _status(m) == "CrashLoopBackOff"  # the refusal is cached before the exit's sync
    with pytest.raises(IllegalEvent):
        m.apply(start("app"))
    m.apply(wait(9))  # t=15 < 6 + 10
    with pytest.raises(IllegalEvent):
        m.apply(start("app"))
    m.apply(wait(1))  # t=16: the requeued sync allows it
    m.apply(start("app"))
    assert status_of(m, "app")["lastState"]["terminated"]["exitCode"] == 143


def test_probe_kill_restarted_in_the_same_sync_is_shown_running_until_seen() -> None:
    """computePodActions: kill and restart in one SyncPod; nothing is published in between."""
    m = run(pod("OnFailure", LIVE), SCHED, start("app"), KILL, exit_("app", 0))
    assert m.phase == "Running" and "running" in status_of(m, "app")["state"]
    m.apply(start("app"))
    assert status_of(m, "app")["restartCount"] == 1


# -- termination timing --------------------------------------------------------------------------


def test_pre_stop_hook_leaves_at_least_two_seconds_for_the_stop_signal() -> None:
    """killContainer: the preStop hook's time comes off the grace period, then at least
    minimumGracePeriodInSeconds (2 s) before SIGKILL; an exec hook may use the whole grace."""
    app = c("app", lifecycle={"preStop": {"exec": {"command": ["sleep", "100"]}}})
    m = run(pod("Always", app), SCHED, start("app"), DELETE)
    m.apply(wait(31))
    assert not m.gone and m.by_name["app"].state == "Killing"
    m.apply(wait(1))
    assert m.gone


def test_pre_stop_sleep_hook_takes_its_own_seconds() -> None:
    """killContainer with a sleep handler: 5 s hook, then the 25 s left of the grace period."""
    app = c("app", lifecycle={"preStop": {"sleep": {"seconds": 5}}})
    m = run(pod("Always", app), SCHED, start("app"), DELETE)
    assert m.by_name["app"].kill_deadline == pytest.approx(30)


def test_sidecars_still_waiting_are_stopped_together_when_the_grace_period_ends() -> None:
    """kuberuntime_termination_order.go waitForTurn: each sidecar's timer caps its wait at the grace
    period, so all remaining sidecars get the stop signal together (2 s each)."""
    sides = (c("s1", restartPolicy="Always"), c("s2", restartPolicy="Always"))
    m = run(pod("Always", inits=sides), SCHED, start("s1"), start("s2"), start("app"), DELETE)
    m.apply(wait(30))
    assert [m.by_name[n].kill_deadline for n in ("s1", "s2")] == [32, 32]
    m.apply(wait(2))
    assert m.gone


def test_keep_count_zero_kills_the_pod_during_the_pre_stop_hook_and_restarts_no_sidecar() -> None:
    """computePodActions: nothing kept and nothing to start (a Never container killed by its
    liveness probe) -> kill the pod; a sidecar that exits then is not restarted."""
    app = c(
        "app", livenessProbe=probe(failureThreshold=1), lifecycle={"preStop": {"exec": {"command": ["x"]}}}
    )
    m = run(
        pod("Never", app, inits=(c("s1", restartPolicy="Always"),)), SCHED, start("s1"), start("app"), KILL
    )
    assert m.stopping and m.by_name["app"].state == "Killing"
    m.apply(exit_("s1", 1))
    assert m.by_name["s1"].state == "Terminated"
    with pytest.raises(IllegalEvent):
        m.apply(start("s1"))


def test_eviction_of_a_crash_looping_container_reports_container_status_unknown() -> None:
    """A pod killed without a deletionTimestamp keeps the cached reason; TerminatePod then reports
    every non-terminated container ContainerStatusUnknown (status_manager.go)."""
    m = run(pod("Always"), SCHED, start("app"), exit_("app", 1), start("app"), exit_("app", 1), wait(10))
    m.apply({"type": "Evicted"})
    cs = status_of(m, "app")
    assert cs["state"]["terminated"]["reason"] == "ContainerStatusUnknown"
    assert cs["lastState"]["terminated"]["exitCode"] == 1
    assert m.phase == "Failed"


# -- init containers and sidecars ----------------------------------------------------------------

SIDE = c("proxy", restartPolicy="Always")


def test_a_failed_init_container_restarts_while_an_earlier_sidecar_backs_off() -> None:
    """computeInitContainerActions walks from the last init container: a failed regular init
    container is restarted in its own right; SyncPod goes on past a sidecar whose start fails."""
    m = run(
        pod("Always", inits=(SIDE, c("setup"))),
        SCHED,
        start("proxy"),
        start("setup"),
        exit_("proxy", 1),
        start("proxy"),
        exit_("proxy", 1),  # the sidecar's restart is refused (back-off)
        exit_("setup", 1),  # first failure: restarted at once
    )
    assert m.by_name["proxy"].state == "CrashLoopBackOff"
    m.apply(start("setup"))
    assert status_of(m, "setup")["restartCount"] == 1


def test_regular_containers_start_when_the_last_init_container_is_done() -> None:
    """podHasInitialized / computeInitContainerActions: the last init container decides, so an
    earlier sidecar's back-off does not hold the regular containers back."""
    m = run(
        pod("Always", inits=(SIDE, c("setup"))),
        SCHED,
        start("proxy"),
        start("setup"),
        exit_("proxy", 1),
        start("proxy"),
        exit_("proxy", 1),
        exit_("setup", 0),
    )
    assert m.by_name["proxy"].state == "CrashLoopBackOff"
    m.apply(start("app"))
    assert m.phase == "Running"
