"""Hook progress, node-loss timing and the StartError reason cache (issue 13 items 5, 7, 9).

Each test is a scenario written from an upstream e2e test or kubelet function, named in its docstring.
"""

from __future__ import annotations

from typing import Any

import pytest

import podfsm
from podfsm.errors import IllegalEvent, ManifestError
from podfsm.model.kubelet_config import KubeletConfig, parse_kubelet_config
from podfsm.model.pod import PodModel
from podfsm.oracle import kubectl_columns
from tests.scenario_dsl import SCHED, c, condition, exit_, pod, run, start, status_of, wait

POST_START = {"lifecycle": {"postStart": {"exec": {"command": ["sh", "-c", "sleep 5"]}}}}
PRE_STOP = {"lifecycle": {"preStop": {"exec": {"command": ["sh", "-c", "sleep 5"]}}}}
PRE_STOP_SLEEP = {"lifecycle": {"preStop": {"sleep": {"seconds": 5}}}}
HOOK_RUNNING = {"postStartRunning": True}


def started_hook(name: str = "app") -> dict[str, Any]:
    return {"type": "ContainerStarted", "container": name, **HOOK_RUNNING}


def hook_ok(name: str = "app") -> dict[str, Any]:
    return {"type": "PostStartHookSucceeded", "container": name}


def hook_failed(name: str = "app") -> dict[str, Any]:
    return {"type": "PostStartHookFailed", "container": name}


def pre_stop_done(name: str = "app") -> dict[str, Any]:
    return {"type": "PreStopHookCompleted", "container": name}


# -- postStart hook progress (kuberuntime_container.go:startContainer) ---------------------------


def test_a_running_post_start_hook_publishes_nothing_and_blocks_the_next_container() -> None:
    """startContainer runs the postStart hook and returns only when it does: SyncPod starts the
    next container after it, and no status is generated in between (lifecycle_hook.go "should
    execute poststart exec hook properly": the hook runs before the pod is seen running)."""
    m = run(pod("Always", c("app", **POST_START), c("next")), SCHED)
    before = m.render()["status"]
    m.apply(started_hook())
    assert m.render()["status"] == before  # nothing new published
    assert kubectl_columns(m.render()).status == "ContainerCreating"
    with pytest.raises(IllegalEvent, match="waits for the postStart hook of 'app'"):
        m.apply(start("next"))
    m.apply(wait(5))
    assert m.render()["status"] == {**before}
    m.apply(hook_ok())
    app = status_of(m, "app")
    assert app["state"]["running"]["startedAt"] == "2026-01-01T00:00:00Z"  # the process's start
    assert app["restartCount"] == 0
    m.apply(start("next"))
    assert m.phase == "Running"
    assert status_of(m, "next")["state"]["running"]["startedAt"] == "2026-01-01T00:00:05Z"


def test_a_post_start_hook_that_fails_after_running_kills_the_container_unpublished() -> None:
    """startContainer: a failed hook kills the container (FailedPostStartHook) inside the start;
    the reason cache gets PostStartHookError, published as the waiting reason of the restart;
    the killed instance is lastState, its startedAt the process's start."""
    m = run(pod("Always", c("app", **POST_START)), SCHED, started_hook(), wait(3), hook_failed())
    assert status_of(m, "app")["state"] == {"waiting": {"reason": "ContainerCreating"}}
    m.apply(exit_("app", 137))
    app = status_of(m, "app")
    assert app["state"]["waiting"]["reason"] == "PostStartHookError"
    assert app["lastState"]["terminated"]["startedAt"] == "2026-01-01T00:00:00Z"
    assert app["restartCount"] == 0  # the killed instance was the first


def test_post_start_running_needs_a_post_start_hook() -> None:
    """Only a container with a postStart hook has a hook that can still be running."""
    m = run(pod("Always"), SCHED)
    with pytest.raises(IllegalEvent, match="no postStart hook"):
        m.apply(started_hook())
    with pytest.raises(IllegalEvent, match="no postStart hook of it is running"):
        run(pod("Always", c("app", **POST_START)), SCHED, start("app")).apply(hook_ok())


def test_while_the_hook_runs_only_its_end_or_time_can_come() -> None:
    """The pod worker is blocked in SyncPod: podfsm takes the hook's end or TimePassed only, and
    the kubelet's own timers (the active deadline, resyncs) wait for the sync."""
    m = run(pod("Always", c("app", **POST_START), activeDeadlineSeconds=10), SCHED, started_hook())
    for ev in (exit_("app", 1), {"type": "DeletionRequested"}, {"type": "NodeLost"}):
        with pytest.raises(IllegalEvent, match="waits for the postStart hook"):
            m.apply(ev)
    m.apply(wait(60))
    assert m.phase == "Pending"
    m.apply(hook_ok())  # the sync goes on: the deadline has passed, the pod is killed
    assert m.stopping and m.by_name["app"].state == "Killing"
    m.apply(exit_("app", 143))
    assert (m.phase, m.render()["status"]["reason"]) == ("Failed", "DeadlineExceeded")


def test_hook_progress_is_an_illegal_event_that_leaves_the_model_as_it_was() -> None:
    """An illegal event leaves the model as it was (issue 13's scripts stay replayable)."""
    m = run(pod("Always", c("app", **POST_START)), SCHED, started_hook())
    snap = m.snapshot()
    with pytest.raises(IllegalEvent):
        m.apply(start("app"))
    assert m.snapshot() == snap


# -- preStop hook progress (kuberuntime_container.go:killContainer) ------------------------------


def _killed_at(m: PodModel, limit: float = 100.0) -> float:
    """The virtual second at which the container's SIGKILL lands (1 s steps)."""
    while m.by_name["app"].state == "Killing" and m.now < limit:
        m.apply(wait(1))
    return m.now


def test_a_pre_stop_hook_that_ends_early_gives_the_signal_at_once() -> None:
    """killContainer: gracePeriod minus the hook's whole seconds (executePreStopHook), at least
    minimumGracePeriodInSeconds; lifecycle_hook.go "should execute prestop exec hook properly"
    (the hook runs, then the container stops). A 30 s grace and a hook that took 5 s: SIGKILL
    25 s after the hook, at 30 s."""
    m = run(pod("Always", c("app", **PRE_STOP), terminationGracePeriodSeconds=30), SCHED, start("app"))
    m.apply({"type": "DeletionRequested"})
    m.apply(wait(5))
    m.apply(pre_stop_done())
    assert _killed_at(m) == 30
    assert status_of(m, "app")["state"]["terminated"]["exitCode"] == 137


def test_a_pre_stop_hook_near_the_end_still_leaves_two_seconds() -> None:
    """minimumGracePeriodInSeconds: a hook that took 29 s of a 30 s grace leaves 2 s, not 1."""
    m = run(pod("Always", c("app", **PRE_STOP), terminationGracePeriodSeconds=30), SCHED, start("app"))
    m.apply({"type": "DeletionRequested"})
    m.apply(wait(29))
    m.apply(pre_stop_done())
    assert _killed_at(m) == 31


def test_without_the_event_the_hook_takes_the_whole_grace_period() -> None:
    """executePreStopHook gives up after the grace period; the stop signal then gets 2 s (issue 10
    item 3: SIGKILL at about 32 s); PreStopHookCompleted after that is illegal."""
    m = run(pod("Always", c("app", **PRE_STOP), terminationGracePeriodSeconds=30), SCHED, start("app"))
    m.apply({"type": "DeletionRequested"})
    m.apply(wait(30))
    with pytest.raises(IllegalEvent, match="grace period is over"):
        m.apply(pre_stop_done())
    assert _killed_at(m) == 32


def test_the_container_may_exit_after_the_early_signal() -> None:
    """After the stop signal the container exits on its own (exit 143 for SIGTERM)."""
    m = run(pod("Never", c("app", **PRE_STOP)), SCHED, start("app"), {"type": "DeletionRequested"})
    m.apply(wait(2))
    m.apply(pre_stop_done())
    m.apply(exit_("app", 143, signal=15))
    assert m.gone


@pytest.mark.parametrize(
    ("spec", "message"),
    [(PRE_STOP_SLEEP, "a sleep hook takes its seconds"), ({}, "no exec or HTTP preStop hook")],
    ids=["sleep-hook", "no-hook"],
)
def test_pre_stop_completed_needs_an_exec_or_http_hook(spec: dict[str, Any], message: str) -> None:
    """A sleep hook takes exactly its seconds (PodLifecycleSleepAction); no hook, no event."""
    m = run(pod("Always", c("app", **spec)), SCHED, start("app"), {"type": "DeletionRequested"})
    with pytest.raises(IllegalEvent, match=message):
        m.apply(pre_stop_done())


def test_pre_stop_completed_only_while_the_hook_runs() -> None:
    """The hook runs inside killContainer: not before the kill, not twice."""
    m = run(pod("Always", c("app", **PRE_STOP)), SCHED, start("app"))
    with pytest.raises(IllegalEvent, match="no preStop hook of it is running"):
        m.apply(pre_stop_done())
    m.apply({"type": "DeletionRequested"})
    m.apply(pre_stop_done())
    with pytest.raises(IllegalEvent, match="no preStop hook of it is running"):
        m.apply(pre_stop_done())


def test_a_liveness_kill_runs_the_pre_stop_hook_too() -> None:
    """killContainer runs the preStop hook for every kill with a grace period above 0, a probe
    kill included (container_probe.go kills use the pod's grace period)."""
    app = c("app", livenessProbe={"exec": {"command": ["true"]}, "failureThreshold": 1}, **PRE_STOP)
    m = run(pod("Always", app, terminationGracePeriodSeconds=10), SCHED, start("app"))
    m.apply({"type": "ProbeResult", "container": "app", "probe": "liveness", "result": "Failure"})
    m.apply(wait(1))
    m.apply(pre_stop_done())
    assert m.by_name["app"].kill_deadline == 1 + 9


# -- node-loss timing (pkg/controller/nodelifecycle) -------------------------------------------------


def test_ready_turns_false_only_after_the_node_monitor_grace_period() -> None:
    """monitorNodeHealth marks a node that stopped posting status not ready after
    node-monitor-grace-period (50 s in v1.35, kubernetes#126287); MarkPodsNotReady then sets the
    pod's Ready condition False. The taint's 300 s toleration (DefaultTolerationSeconds) counts
    from then: the pod is deleted at 350 s."""
    m = run(pod(), SCHED, start("app"), {"type": "NodeLost"})
    assert condition(m, "Ready")["status"] == "True"
    m.apply(wait(49))
    assert condition(m, "Ready")["status"] == "True"
    m.apply(wait(1))
    ready = condition(m, "Ready")
    assert ready["status"] == "False"
    assert ready["lastTransitionTime"] == "2026-01-01T00:00:50Z"
    assert condition(m, "ContainersReady")["status"] == "True"  # only Ready is marked
    m.apply(wait(299))
    assert "deletionTimestamp" not in m.render()["metadata"]
    m.apply(wait(1))
    assert m.render()["metadata"]["deletionTimestamp"] == "2026-01-01T00:06:20Z"  # 350 s + 30 s grace
    assert condition(m, "DisruptionTarget")["reason"] == "DeletionByTaintManager"


def test_the_pods_own_toleration_seconds_count_from_the_mark() -> None:
    """pkg/controller/tainteviction: the pod's own tolerationSeconds, from the taint's addition."""
    tol = [
        {
            "key": "node.kubernetes.io/unreachable",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 10,
        }
    ]
    m = run(pod(tolerations=tol), SCHED, start("app"), {"type": "NodeLost"}, wait(59))
    assert "deletionTimestamp" not in m.render()["metadata"]
    m.apply(wait(1))
    assert "deletionTimestamp" in m.render()["metadata"]


def test_the_node_lifecycle_periods_are_configurable() -> None:
    """nodeLifecycle: the controller manager's --node-monitor-grace-period and the API server's
    --default-unreachable-toleration-seconds, given for the simulation."""
    kc = parse_kubelet_config(
        {"nodeLifecycle": {"nodeMonitorGracePeriod": "40s", "defaultUnreachableTolerationSeconds": 60}}
    )
    assert (kc.node_monitor_grace_period, kc.default_unreachable_toleration_seconds) == (40.0, 60)
    m = PodModel(pod(), kubelet_config=kc)
    for ev in (SCHED, start("app"), {"type": "NodeLost"}, wait(40)):
        m.apply(ev)
    assert condition(m, "Ready")["status"] == "False"
    m.apply(wait(59))
    assert "deletionTimestamp" not in m.render()["metadata"]
    m.apply(wait(1))
    assert "deletionTimestamp" in m.render()["metadata"]


def test_a_zero_grace_period_marks_the_node_at_once() -> None:
    """nodeMonitorGracePeriod 0s: the explorer's bound nodeMonitor false."""
    m = PodModel(pod(), kubelet_config=KubeletConfig(node_monitor_grace_period=0.0))
    for ev in (SCHED, start("app"), {"type": "NodeLost"}):
        m.apply(ev)
    assert condition(m, "Ready")["status"] == "False"


def test_defaults_are_v1_35s() -> None:
    """kube-controller-manager v1.35: 50 s; DefaultTolerationSeconds: 300 s."""
    kc = parse_kubelet_config({})
    assert (kc.node_monitor_grace_period, kc.default_unreachable_toleration_seconds) == (50.0, 300)


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"nodeMonitorGracePeriod": "soon"}, "nodeLifecycle.nodeMonitorGracePeriod"),
        ({"nodeMonitorGracePeriod": "25h"}, "nodeLifecycle.nodeMonitorGracePeriod"),
        ({"defaultUnreachableTolerationSeconds": -1}, "nodeLifecycle.defaultUnreachableTolerationSeconds"),
        ({"defaultUnreachableTolerationSeconds": True}, "nodeLifecycle.defaultUnreachableTolerationSeconds"),
        ({"podEvictionTimeout": "5m"}, "nodeLifecycle"),
    ],
)
def test_bad_node_lifecycle_values_name_the_field(value: dict[str, Any], field: str) -> None:
    """Bad input: one line naming the file and the field."""
    with pytest.raises(ManifestError) as info:
        parse_kubelet_config({"nodeLifecycle": value}, "kc.yaml")
    assert "kc.yaml" in str(info.value) and field in str(info.value)


def test_the_cli_reads_node_lifecycle_from_the_kubelet_config(tmp_path: Any) -> None:
    """podfsm simulate --kubelet-config: the same file carries the node-lifecycle periods."""
    import json

    from podfsm.cli import main

    kc = tmp_path / "kc.yaml"
    kc.write_text("nodeLifecycle:\n  nodeMonitorGracePeriod: 10s\n")
    pf = tmp_path / "pod.json"
    pf.write_text(json.dumps(pod()))
    ef = tmp_path / "events.json"
    ef.write_text(json.dumps([SCHED, start("app"), {"type": "NodeLost"}, wait(10)]))
    out = tmp_path / "out.json"
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["simulate", str(pf), str(ef), "--kubelet-config", str(kc), "-o", "json"])
    assert code in (0, None)
    steps = json.loads(buf.getvalue())
    last = steps[-1]["pod"]["status"]["conditions"]
    assert {c["type"]: c["status"] for c in last}["Ready"] == "False"
    del out


# -- StartError's reason cache (kuberuntime_container.go:startContainer) -----------------------------


def test_a_restarted_start_error_shows_run_container_error() -> None:
    """startContainer returns ErrRunContainer with the runtime's message; SyncPod puts it in the
    reason cache, and convertToAPIContainerStatuses publishes it as the waiting reason of a
    container that will be restarted, the StartError in lastState; restartCount as it was."""
    steps = podfsm.simulate(
        pod("Always"),
        [SCHED, {"type": "ContainerStartFailed", "container": "app", "message": "exec: no such file"}],
    )
    app = steps[-1].pod["status"]["containerStatuses"][0]
    assert app["state"] == {"waiting": {"reason": "RunContainerError", "message": "exec: no such file"}}
    assert app["lastState"]["terminated"]["reason"] == "StartError"
    assert app["restartCount"] == 0
    assert kubectl_columns(steps[-1].pod).status == "RunContainerError"


def test_run_container_error_gives_way_to_crash_loop_back_off_then_running() -> None:
    """doBackOff refuses the second restart: CrashLoopBackOff replaces RunContainerError in the
    cache, published by the requeued sync 10 s later; a successful start removes it."""
    fail = {"type": "ContainerStartFailed", "container": "app"}
    m = run(pod("Always"), SCHED, fail, fail)
    assert status_of(m, "app")["state"]["waiting"]["reason"] == "RunContainerError"
    m.apply(wait(10))
    assert status_of(m, "app")["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    m.apply(start("app"))
    assert "running" in status_of(m, "app")["state"]


def test_a_start_error_not_restarted_stays_terminated() -> None:
    """ShouldContainerBeRestarted is false under Never: the cached reason is not shown, the
    StartError is (test/e2e/node/pods.go "should never report success for a pending container")."""
    m = run(pod("Never"), SCHED, {"type": "ContainerStartFailed", "container": "app"})
    assert status_of(m, "app")["state"]["terminated"]["reason"] == "StartError"
    assert m.phase == "Failed"


# -- check-trace explains hook progress and node-loss timing -----------------------------------------


@pytest.mark.parametrize(
    ("manifest", "script"),
    [
        (
            pod("Always", c("app", **POST_START), c("next")),
            [SCHED, started_hook(), wait(5), hook_ok(), start("next")],
        ),
        (
            pod("Never", c("app", **PRE_STOP), terminationGracePeriodSeconds=30),
            [SCHED, start("app"), {"type": "DeletionRequested"}, wait(5), pre_stop_done(), wait(25)],
        ),
        (pod("Always"), [SCHED, start("app"), {"type": "NodeLost"}, wait(50), wait(300)]),
    ],
    ids=["post-start-running", "pre-stop-early", "node-lost"],
)
def test_check_trace_accepts_what_the_model_publishes(manifest: dict[str, Any], script: list[Any]) -> None:
    """check-trace is sound on the model's own publications: a watch of a pod whose postStart
    hook took 5 s (startedAt 5 s before the pod is seen running), whose preStop hook ended early,
    and whose node went silent, is a legal behaviour."""
    import io
    import json

    from podfsm.conformance import trace as T

    pods = [s.pod for s in podfsm.simulate(manifest, script)]
    text = "".join(json.dumps({"type": "MODIFIED", "object": p}) + "\n" for p in pods)
    (verdict,) = T.check_trace(T.iter_trace(io.StringIO(text), "<test>")).verdicts()
    assert verdict.ok, (verdict.findings, verdict.violation and verdict.violation.lines())


# -- RestartAllContainersOnContainerExits (alpha in v1.35) ---------------------------------------------

RESTART_ALL = c(
    "app",
    restartPolicy="Never",
    restartPolicyRules=[{"action": "RestartAllContainers", "exitCodes": {"operator": "In", "values": [42]}}],
)


def test_restart_all_containers_is_refused_with_the_gate_off() -> None:
    """pkg/apis/core/validation (validateContainerRestartPolicyRules): with the alpha gate
    RestartAllContainersOnContainerExits off (v1.35's default) the only action is Restart."""
    with pytest.raises(ManifestError, match=r"restartPolicyRules\[0\]\.action: Unsupported value"):
        podfsm.simulate(pod("Never", RESTART_ALL), [SCHED])


def test_restart_all_containers_with_the_gate_on_is_simulated() -> None:
    """With the gate on the kubelet restarts every container in place (KEP-5532): the rule is taken,
    and an exit it matches restarts the whole pod (tests/test_e2e_restart_all.py has the rest)."""
    kc = {"featureGates": {"RestartAllContainersOnContainerExits": True}}
    assert parse_kubelet_config(kc).enabled("RestartAllContainersOnContainerExits")
    steps = podfsm.simulate(pod("Never", RESTART_ALL), [SCHED], kubelet_config=kc)
    conditions = {c["type"]: c["status"] for c in steps[-1].pod["status"]["conditions"]}
    assert conditions["AllContainersRestarting"] == "False"


def test_the_cli_refuses_restart_all_containers_in_one_line(tmp_path: Any) -> None:
    """Bad input: one line naming the file and the field, exit 2, no traceback."""
    import contextlib
    import io
    import json

    from podfsm.cli import main

    pf = tmp_path / "pod.json"
    pf.write_text(json.dumps(pod("Never", RESTART_ALL)))
    ef = tmp_path / "events.json"
    ef.write_text(json.dumps([SCHED]))
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["simulate", str(pf), str(ef), "--no-admission"])
    assert code == 2
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and "pod.json" in lines[0] and "restartPolicyRules[0].action" in lines[0]


def test_a_restart_in_the_kill_sync_is_not_published_while_its_post_start_hook_runs() -> None:
    """kuberuntime_manager.go:SyncPod kills a container whose image changed and starts the new one
    in the same sync, and kuberuntime_container.go:startContainer waits for the postStart hook: until
    the hook returns the API still shows the old instance (its startedAt, restartCount 0), then the
    new one running since its process started. Found by the stateful test after the merge of the
    hook-progress and spec-update work (restart-count-and-last-state)."""
    import podfsm

    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web"},
        "spec": {
            "restartPolicy": "Always",
            "containers": [
                {"name": "app", "image": "app:1", "lifecycle": {"postStart": {"exec": {"command": ["true"]}}}}
            ],
        },
    }
    steps = podfsm.simulate(
        pod,
        [
            {"type": "Scheduled", "node": "node-1"},
            {"type": "ContainerStarted", "container": "app"},
            {"type": "SpecUpdated", "container": "app", "image": "app:2"},
            {"type": "TimePassed", "seconds": 30},
            {"type": "ContainerStarted", "container": "app", "postStartRunning": True},
            {"type": "TimePassed", "seconds": 5},
            {"type": "PostStartHookSucceeded", "container": "app"},
        ],
    )
    during = steps[-2].pod["status"]["containerStatuses"][0]
    assert during["state"] == {"running": {"startedAt": "2026-01-01T00:00:00Z"}}
    assert during["restartCount"] == 0 and during["image"] == "app:1"
    after = steps[-1].pod["status"]["containerStatuses"][0]
    assert after["state"]["running"]["startedAt"] == "2026-01-01T00:00:30Z"
    assert after["restartCount"] == 1 and after["image"] == "app:2"
    assert after["lastState"]["terminated"]["finishedAt"] == "2026-01-01T00:00:30Z"
