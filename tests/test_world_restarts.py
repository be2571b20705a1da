"""Issue 13 items 2 and 3: the kubelet restarts, the node reboots, the runtime loses the sandbox.

Each test is a scenario written from an upstream e2e test (its steps as events, its assertions as
asserts) or pins one kubelet function; the docstring names both.
"""

from __future__ import annotations

import copy
import io
import json
from typing import Any

import pytest

import podfsm
from podfsm.conformance import trace as T
from podfsm.errors import IllegalEvent
from podfsm.model.events import parse_event
from podfsm.model.pod import PodModel
from podfsm.oracle import kubectl_columns, pod_phase
from podfsm.verifier.explorer import explore
from podfsm.verifier.invariants import Invariant, Observation, Transition, check_history
from tests.scenario_dsl import SCHED, c, condition, exit_, pod, probe, result, run, start, status_of, wait

KUBELET_RESTART = {"type": "KubeletRestarted"}
REBOOT = {"type": "NodeRebooted"}
SANDBOX_LOST = {"type": "SandboxLost"}
SIDECAR = {"restartPolicy": "Always"}


def _state(m: PodModel, name: str) -> str:
    return next(iter(status_of(m, name)["state"]))


def _restarts(m: PodModel, name: str) -> int:
    return int(status_of(m, name)["restartCount"])


def _refused(m: PodModel, event: dict[str, Any]) -> str:
    before = m.snapshot()
    with pytest.raises(IllegalEvent) as err:
        m.apply(event)
    assert m.snapshot() == before  # an illegal event leaves the model as it was
    return str(err.value)


def _three_inits(policy: str = "Always") -> dict[str, Any]:
    return pod(policy, c("regular-1"), inits=(c("init-1"), c("init-2"), c("init-3")))


def _initialized(m_pod: dict[str, Any]) -> PodModel:
    return run(
        m_pod,
        SCHED,
        *(e for n in ("init-1", "init-2", "init-3") for e in (start(n), wait(1), exit_(n, 0))),
        start("regular-1"),
        wait(30),
    )


# -- KubeletRestarted ---------------------------------------------------------------------------


def test_no_completed_init_container_runs_again_after_the_kubelet_restart() -> None:
    """container_lifecycle_test.go "The kubelet restarts" / "a Pod is initialized and running" /
    "should not restart any completed init container after the kubelet restart": every init
    container's restartCount stays 0, the regular container keeps running
    (kuberuntime_container.go:computeInitContainerActions: a regular container exists, so the pod
    is initialized and regular init containers are never run again)."""
    m = _initialized(_three_inits())
    m.apply(KUBELET_RESTART)
    m.apply(wait(60))
    for n in ("init-1", "init-2", "init-3"):
        assert _state(m, n) == "terminated" and _restarts(m, n) == 0
        assert "cannot happen while the container is Terminated" in _refused(m, start(n))
    assert _state(m, "regular-1") == "running" and _restarts(m, "regular-1") == 0
    assert m.render()["status"]["phase"] == "Running"


def test_the_long_running_init_container_keeps_running_after_the_kubelet_restart() -> None:
    """container_lifecycle_test.go "a Pod is initializing the long-running init container" /
    "should not restart any completed init container after the kubelet restart" (and the variant
    whose completed init containers' records were removed from the runtime: their old
    ``terminated`` status is reused wholesale, kubelet_pods.go:convertToAPIContainerStatuses, so
    the API shows the same). computeInitContainerActions: a running init container is waited
    for; the completed ones before it are not started again."""
    pod_ = pod("Always", c("regular-1"), inits=(c("init-1"), c("init-2"), c("long-running-init-3")))
    m = run(pod_, SCHED, start("init-1"), exit_("init-1", 0), start("init-2"), exit_("init-2", 0))
    m.apply(start("long-running-init-3"))
    m.apply(KUBELET_RESTART)
    assert [_restarts(m, n) for n in ("init-1", "init-2")] == [0, 0]
    assert _state(m, "long-running-init-3") == "running"
    assert m.render()["status"]["phase"] == "Pending"
    assert "init containers must finish first" in _refused(m, start("regular-1"))
    m.apply(exit_("long-running-init-3", 0))
    m.apply(start("regular-1"))
    assert m.render()["status"]["phase"] == "Running"


def test_restart_counts_and_running_containers_are_kept() -> None:
    """kubelet_pods.go:convertToAPIContainerStatuses: restartCount comes from the runtime's record
    (the annotation written at the container's creation), which outlives the kubelet."""
    m = run(pod("Always"), SCHED, start("app"), exit_("app", 1), start("app"), wait(20))
    m.apply(KUBELET_RESTART)
    app = status_of(m, "app")
    assert app["restartCount"] == 1 and "running" in app["state"]
    assert app["lastState"]["terminated"]["exitCode"] == 1


def test_the_crash_loop_back_off_is_forgotten() -> None:
    """kubelet.go: the crash-loop back-off (flowcontrol.NewBackOff) lives in the kubelet's memory,
    and so does the reason cache (reason_cache.go). After a restart doBackOff finds no entry:
    the first sync publishes the last exit (no cached reason: kubelet_pods.go
    convertToAPIContainerStatuses keeps the terminated state) and starts the container at once;
    the next exit starts the back-off again at 10 s (kuberuntime_manager.go:doBackOff)."""
    m = run(pod("Always"), SCHED, start("app"), exit_("app", 1), start("app"), exit_("app", 1), wait(10))
    m.apply(start("app"))
    m.apply(exit_("app", 1))  # back-off 20 s now
    m.apply(wait(10))
    # the refused sync is requeued at the back-off's expiry (20 s; pod_workers.go completeWork,
    # MinBackoffExpiration), so the exit is still what is published
    assert kubectl_columns(m.render()).status == "Error"
    assert "CrashLoopBackOff" in _refused(m, start("app"))
    m.apply(KUBELET_RESTART)
    app = status_of(m, "app")
    assert "terminated" in app["state"] and app["state"]["terminated"]["exitCode"] == 1
    m.apply(start("app"))  # at once: no back-off entry
    assert _restarts(m, "app") == 3
    m.apply(exit_("app", 1))
    m.apply(wait(10))
    assert kubectl_columns(m.render()).status == "CrashLoopBackOff"
    assert "back-off 10s" in status_of(m, "app")["state"]["waiting"]["message"]


def test_the_image_pull_back_off_is_forgotten() -> None:
    """kubelet.go: the image back-off is in memory too (images.NewImageManager's backOff): after a
    restart the image is pulled again at once, and the cached ImagePullBackOff is not published."""
    m = run(pod("Always"), SCHED, {"type": "ImagePullFailed", "container": "app"}, wait(10))
    assert status_of(m, "app")["state"]["waiting"]["reason"] in ("ErrImagePull", "ImagePullBackOff")
    m.apply(KUBELET_RESTART)
    assert status_of(m, "app")["state"]["waiting"].get("reason") == "ContainerCreating"
    m.apply(start("app"))
    assert _state(m, "app") == "running"


READY_PROBE = {"readinessProbe": probe(failureThreshold=3)}


def test_a_ready_container_stays_ready_until_its_probe_fails_for_good() -> None:
    """prober_manager.go:setReadyStateOnKubeletRestart (KEP-4781, ChangeContainerStatusOnKubeletRestart
    off in v1.35): a container that started more than 10 s before the kubelet keeps ready=true
    while the pod was Ready; worker.go:doProbe sets no initial Failure for it, and its result run
    starts afresh, so readiness turns false only after failureThreshold new failures."""
    m = run(pod("Always", c("app", **READY_PROBE)), SCHED, start("app"), result("app", "readiness", True))
    m.apply(result("app", "readiness", False))
    m.apply(result("app", "readiness", False))
    m.apply(wait(30))
    m.apply(KUBELET_RESTART)
    assert status_of(m, "app")["ready"] is True and condition(m, "Ready")["status"] == "True"
    m.apply(result("app", "readiness", False))
    m.apply(result("app", "readiness", False))
    assert status_of(m, "app")["ready"] is True  # two failures after the restart: below the threshold
    m.apply(result("app", "readiness", False))
    assert status_of(m, "app")["ready"] is False


def test_a_pod_that_was_not_ready_loses_its_probed_containers_readiness() -> None:
    """prober_manager.go:setReadyStateOnKubeletRestart: with a readiness probe, a container found
    running is ready only if the pod's Ready condition was True. A pod held not Ready by a
    readiness gate therefore loses the readiness of every probed container at a kubelet restart,
    until each probe succeeds again (upstream as it is)."""
    gated = pod("Always", c("app", **READY_PROBE), readinessGates=[{"conditionType": "example.com/lb"}])
    m = run(gated, SCHED, start("app"), result("app", "readiness", True), wait(60))
    assert condition(m, "ContainersReady")["status"] == "True" and condition(m, "Ready")["status"] == "False"
    m.apply(KUBELET_RESTART)
    assert status_of(m, "app")["ready"] is False
    assert condition(m, "ContainersReady")["status"] == "False"
    m.apply(result("app", "readiness", True))
    assert status_of(m, "app")["ready"] is True


def test_a_container_without_readiness_probe_stays_ready() -> None:
    """prober_manager.go:UpdatePodStatus: without a readiness worker a started, running container
    is ready; a kubelet restart does not change that."""
    m = run(pod("Always"), SCHED, start("app"), wait(5))
    m.apply(KUBELET_RESTART)
    assert status_of(m, "app")["ready"] is True


def test_a_young_container_is_probed_as_a_new_one() -> None:
    """worker.go:doProbe: a container that started within 10 s of the kubelet
    (kubeletRestartGracePeriod) gets the workers' initial results: readiness Failure (not ready
    until a success), startup Unknown (not started until the startup probe succeeds again)."""
    spec = c("app", startupProbe=probe(), readinessProbe=probe())
    m = run(pod("Always", spec), SCHED, start("app"), result("app", "startup", True))
    m.apply(result("app", "readiness", True))
    assert status_of(m, "app")["ready"] is True
    m.apply(wait(5))
    m.apply(KUBELET_RESTART)
    app = status_of(m, "app")
    assert (app["started"], app["ready"]) == (False, False)
    assert "waits for the startup probe" in _refused(m, result("app", "readiness", True))
    m.apply(result("app", "startup", True))
    m.apply(result("app", "readiness", True))
    assert status_of(m, "app")["ready"] is True


def test_liveness_failures_count_afresh_after_the_kubelet_restart() -> None:
    """worker.go: a new worker starts its result run at zero, so failures seen by the old kubelet
    do not count towards failureThreshold (prober results are in memory)."""
    spec = c("app", livenessProbe=probe(failureThreshold=3))
    m = run(pod("Always", spec), SCHED, start("app"), wait(20))
    m.apply(result("app", "liveness", False))
    m.apply(result("app", "liveness", False))
    m.apply(KUBELET_RESTART)
    m.apply(result("app", "liveness", False))
    m.apply(result("app", "liveness", False))
    assert _state(m, "app") == "running" and m.snapshot().containers[0].state == "Running"
    m.apply(result("app", "liveness", False))
    assert m.snapshot().containers[0].state == "Killing"


def test_no_kubelet_restart_in_the_middle_of_a_kill() -> None:
    """podfsm's limit: the reason of a kill under way (probe, deletion, eviction) is the old
    kubelet's memory; a restart then is refused, and the model stays as it was."""
    m = run(pod("Always", terminationGracePeriodSeconds=30), SCHED, start("app"))
    m.apply({"type": "DeletionRequested"})
    assert "terminating" in _refused(m, KUBELET_RESTART)


def test_a_finished_pod_does_not_notice_a_kubelet_restart() -> None:
    """A terminal pod has nothing running and nothing to start: the restart changes nothing."""
    m = run(pod("Never"), SCHED, start("app"), exit_("app", 0))
    before = m.render()
    m.apply(KUBELET_RESTART)
    m.apply(REBOOT)
    assert m.render() == before


# -- NodeRebooted -------------------------------------------------------------------------------


def test_the_containers_restart_in_the_right_order_after_the_node_reboot() -> None:
    """container_lifecycle_test.go "A node reboots" / "should restart the containers in right order
    after the node reboot" (the test stops the pod sandbox while the kubelet is stopped): init-1,
    init-2 and init-3 run again, each after the previous one, then regular-1; restart counts
    continue and the pod is Running again (kuberuntime_manager.go:computePodActions with
    PodSandboxChanged: a new sandbox starts init container 0; purgeInitContainers)."""
    m = _initialized(_three_inits())
    m.apply(REBOOT)
    regular = status_of(m, "regular-1")["state"]["terminated"]
    assert (regular["exitCode"], regular["reason"]) == (255, "Unknown")
    assert "init container 'init-1' has not completed" in _refused(m, start("init-2"))
    assert "init containers must finish first" in _refused(m, start("regular-1"))
    for n in ("init-1", "init-2", "init-3"):
        m.apply(start(n))
        assert m.render()["status"]["phase"] == "Pending"
        m.apply(exit_(n, 0))
        assert _restarts(m, n) == 1
    m.apply(start("regular-1"))
    assert _restarts(m, "regular-1") == 1
    assert m.render()["status"]["phase"] == "Running"
    assert condition(m, "Ready")["status"] == "True"


def test_the_pod_is_pending_while_the_init_container_runs_again() -> None:
    """e2e_node "Pods status phase" / "should be pending during the execution of the init container
    after the node reboot" (an init container and a sidecar): the pod is Pending while the init
    container runs, before and after the reboot (getPhase: a pending init container)."""
    pod_ = pod("Always", c("regular"), inits=(c("init"), c("restartable-init", **SIDECAR)))
    m = run(pod_, SCHED, start("init"))
    assert m.render()["status"]["phase"] == "Pending"
    m.apply(REBOOT)
    m.apply(start("init"))
    assert status_of(m, "init")["started"] is True
    assert m.render()["status"]["phase"] == "Pending"
    assert _restarts(m, "init") == 1


def test_a_restarting_sidecar_puts_the_pod_back_to_pending_after_the_node_reboot() -> None:
    """kubelet_pods_test.go TestPodPhaseWithRestartAlwaysRestartableInitContainers "re-initializing
    the pod after the sandbox is recreated": getPhase's podHasInitialized is
    HasAnyActiveRegularContainerStarted, which asks the runtime about the new sandbox, not the API
    statuses. After a reboot the regular container is still shown terminated, yet a sidecar
    running but not started (its startup probe pending) makes the pod Pending until a regular
    container runs in the new sandbox; the oracle gives the same answer when told so."""
    pod_, script = SCRIPTS["reboot-sidecar-reinit"]
    reboot = script.index(REBOOT)
    m = run(pod_, *script[:reboot])
    assert m.render()["status"]["phase"] == "Running"
    m.apply(REBOOT)
    m.apply(start("sidecar"))
    published = m.render()
    assert "terminated" in status_of(m, "db")["state"]
    assert published["status"]["phase"] == "Pending"
    assert pod_phase(published, pod_has_initialized=False) == "Pending"
    assert pod_phase(published) == "Running"  # what the API object alone suggests
    for event in script[reboot + 2 :]:
        m.apply(event)
    assert m.render()["status"]["phase"] == "Running"


def test_a_single_snapshot_of_the_reinitializing_pod_is_judged_right() -> None:
    """phase-is-getphase on one published object, with no event or earlier status to show the new
    sandbox: a regular init container that started after every regular container's last exit is
    the object's own evidence (init containers run again only in a new sandbox), so getPhase's
    answer with podHasInitialized false is the kubelet's too. (A window that begins after the
    reboot's step used to report the kubelet's Pending as wrong.)"""
    from podfsm.verifier.invariants import View, get

    manifest = pod(
        "Always",
        c("app"),
        inits=(c("init"), c("sc", startupProbe=probe(failureThreshold=1), **SIDECAR)),
    )
    m = run(manifest, SCHED, start("init"), exit_("init", 0), start("sc"), result("sc", "startup", True))
    m.apply(start("app"))
    for event in (wait(20), REBOOT, wait(1), start("init"), exit_("init", 0), start("sc")):
        m.apply(event)
    published = m.render()
    assert published["status"]["phase"] == "Pending"  # the sidecar has not started in the new sandbox
    assert pod_phase(published) == "Running"  # what the object alone suggests to getPhase
    judge = get("phase-is-getphase").judge
    assert judge is not None
    assert judge(View((Observation(published, m.now, None),))) is None
    # without that evidence (the init container's new start), the same Pending is still refused
    old_start = copy.deepcopy(published)
    for st in old_start["status"]["initContainerStatuses"]:
        if st["name"] == "init":
            st["state"]["terminated"]["startedAt"] = "2026-01-01T00:00:00Z"
    assert judge(View((Observation(old_start, m.now, None),))) is not None


def test_ready_to_start_containers_is_false_until_the_new_sandbox_runs_a_container() -> None:
    """status/generate.go:GeneratePodReadyToStartContainersCondition: False while PodSandboxChanged
    says a new sandbox is needed; a sandbox creation may then fail (SandboxCreateFailed) and the
    first container started in the new sandbox turns it True."""
    m = run(pod("Always"), SCHED, start("app"))
    m.apply(REBOOT)
    assert condition(m, "PodReadyToStartContainers")["status"] == "False"
    m.apply({"type": "SandboxCreateFailed"})
    assert condition(m, "PodReadyToStartContainers")["status"] == "False"
    m.apply(start("app"))
    assert condition(m, "PodReadyToStartContainers")["status"] == "True"


def test_a_never_pod_whose_container_ran_gets_no_new_sandbox() -> None:
    """kuberuntime_manager.go:computePodActions: restartPolicy Never, a sandbox attempt after the
    first and container records in the runtime: no new sandbox, the pod is killed. Its container
    is seen exited (255, Unknown: containerd's CRI), so getPhase gives Failed."""
    m = run(pod("Never"), SCHED, start("app"))
    m.apply(REBOOT)
    st = m.render()["status"]
    assert st["phase"] == "Failed" and pod_phase(m.render()) == "Failed"
    assert status_of(m, "app")["state"]["terminated"]["exitCode"] == 255


def test_a_never_pod_whose_regular_container_never_ran_stays_pending() -> None:
    """kubernetes/kubernetes#118321 ("pod(restartPolicy == Never) stuck pending when vm reboot"),
    upstream as it is: computePodActions refuses a new sandbox because the runtime holds a record
    of the completed init container, so the regular container is never started and getPhase keeps
    the pod Pending (a waiting container) for ever; PodReadyToStartContainers stays False."""
    m = run(pod("Never", c("app"), inits=(c("init"),)), SCHED, start("init"), exit_("init", 0))
    m.apply(REBOOT)
    assert "kubernetes/kubernetes#118321" in _refused(m, start("app"))
    assert "no new sandbox" in _refused(m, {"type": "SandboxCreateFailed"})
    m.apply(wait(3600))
    assert m.render()["status"]["phase"] == "Pending"
    assert condition(m, "PodReadyToStartContainers")["status"] == "False"
    assert kubectl_columns(m.render()).status == "PodInitializing"


def test_a_never_pod_with_no_container_yet_gets_a_new_sandbox() -> None:
    """computePodActions: "If ContainerStatuses is empty, we assume that we've never successfully
    created any containers. In this case, we should retry creating the sandbox." """
    m = run(pod("Never"), SCHED, {"type": "ImagePullFailed", "container": "app"})
    m.apply(REBOOT)
    m.apply(start("app"))
    assert _state(m, "app") == "running" and _restarts(m, "app") == 0


def test_onfailure_restarts_only_what_did_not_succeed() -> None:
    """computePodActions: with a new sandbox the regular containers start again, "excluding the ones
    that succeeded if RestartPolicy is OnFailure"."""
    m = run(pod("OnFailure", c("done"), c("web")), SCHED, start("done"), start("web"), exit_("done", 0))
    m.apply(REBOOT)
    assert m.snapshot().containers[0].state != "Waiting"  # 'done' stays Terminated
    assert _refused(m, start("done"))
    m.apply(start("web"))
    assert _restarts(m, "web") == 1 and _restarts(m, "done") == 0
    assert m.render()["status"]["phase"] == "Running"


def test_a_reboot_during_deletion_finishes_it() -> None:
    """A pod being deleted: the reboot ended its containers, so SyncTerminatingPod finds nothing to
    kill and the pod is removed (status_manager.go:TerminatePod)."""
    m = run(pod("Always", terminationGracePeriodSeconds=30), SCHED, start("app"))
    m.apply({"type": "DeletionRequested"})
    m.apply(REBOOT)
    assert m.gone


def test_the_runtime_exit_code_and_reason_may_be_given() -> None:
    """The runtime decides how a vanished container is reported (containerd: 255, Unknown); the
    event says it otherwise when another runtime is simulated."""
    m = run(pod("Never"), SCHED, start("app"))
    m.apply({"type": "NodeRebooted", "exitCode": 137, "reason": "Error"})
    term = status_of(m, "app")["state"]["terminated"]
    assert (term["exitCode"], term["reason"]) == (137, "Error")


# -- SandboxLost -------------------------------------------------------------------------------


def test_a_lost_sandbox_restarts_the_containers_through_the_back_off() -> None:
    """kuberuntime_manager.go:SyncPod: the new sandbox's containers are started through doBackOff,
    and the kubelet (still running) remembers its back-off: the first loss restarts at once, a
    loss right after a restart is refused (CrashLoopBackOff, 10 s)."""
    m = run(pod("Always"), SCHED, start("app"))
    m.apply(SANDBOX_LOST)
    term = status_of(m, "app")["state"]["terminated"]
    assert (term["exitCode"], term["reason"]) == (137, "Error")
    m.apply(start("app"))
    assert _restarts(m, "app") == 1
    m.apply(SANDBOX_LOST)
    assert "CrashLoopBackOff" in _refused(m, start("app"))
    m.apply(wait(10))
    assert kubectl_columns(m.render()).status == "CrashLoopBackOff"
    m.apply(start("app"))
    assert _restarts(m, "app") == 2


def test_no_sandbox_no_loss() -> None:
    """SandboxLost needs a sandbox: after the sandbox was lost (or could not be made) it is refused."""
    m = run(pod("Always"), SCHED, start("app"), SANDBOX_LOST)
    assert "no sandbox" in _refused(m, SANDBOX_LOST)


# -- the events themselves, and the published invariants over these runs ------------------------


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (KUBELET_RESTART, {"type": "KubeletRestarted"}),
        (REBOOT, {"type": "NodeRebooted", "exitCode": 255, "reason": "Unknown"}),
        (SANDBOX_LOST, {"type": "SandboxLost", "exitCode": 137, "reason": "Error"}),
    ],
)
def test_the_events_parse_with_their_defaults(event: dict[str, Any], expected: dict[str, Any]) -> None:
    """The events' JSON (docs/reference/events.md): defaults filled in, unknown fields refused."""
    assert parse_event(event).to_dict() == expected
    with pytest.raises(podfsm.ManifestError):
        parse_event({**event, "node": "n1"})


def test_the_node_events_need_a_bound_pod_on_a_reporting_node() -> None:
    """Nothing is observed from a node before the pod is bound to it, or after it stopped reporting."""
    m = run(pod("Always"))
    for ev in (KUBELET_RESTART, REBOOT, SANDBOX_LOST):
        assert "not bound" in _refused(m, ev)
    m = run(pod("Always"), SCHED, start("app"), {"type": "NodeLost"})
    for ev in (KUBELET_RESTART, REBOOT, SANDBOX_LOST):
        assert "stopped reporting" in _refused(m, ev)


# bound, started, crashed twice, 10 s into the first back-off
_CRASHED_TWICE = [SCHED, start("app"), exit_("app", 1), start("app"), exit_("app", 1), wait(10)]

SCRIPTS = {
    "reboot-sidecar-reinit": (
        pod(
            "Always",
            c("db"),
            inits=(c("sidecar", startupProbe=probe(failureThreshold=1), **SIDECAR), c("init-app")),
        ),
        [
            SCHED,
            start("sidecar"),
            result("sidecar", "startup", True),
            start("init-app"),
            exit_("init-app", 0),
            start("db"),
            wait(5),
            REBOOT,
            start("sidecar"),
            wait(2),
            result("sidecar", "startup", True),
            start("init-app"),
            exit_("init-app", 0),
            start("db"),
        ],
    ),
    "reboot-reinit": (
        _three_inits(),
        [SCHED, *(e for n in ("init-1", "init-2", "init-3") for e in (start(n), exit_(n, 0)))]
        + [start("regular-1"), wait(30), REBOOT]
        + [e for n in ("init-1", "init-2", "init-3") for e in (start(n), exit_(n, 0))]
        + [start("regular-1")],
    ),
    "kubelet-restart-crash-loop": (
        pod("Always", c("app", readinessProbe=probe())),
        [
            *_CRASHED_TWICE,
            KUBELET_RESTART,
            start("app"),
            result("app", "readiness", True),
            wait(30),
            KUBELET_RESTART,
        ],
    ),
    "sandbox-lost-sidecar": (
        pod("Always", c("app"), inits=(c("side", **SIDECAR),)),
        [SCHED, start("side"), start("app"), SANDBOX_LOST, start("side"), start("app")],
    ),
    "kubelet-restart-early": (
        pod("Always"),
        [
            *_CRASHED_TWICE,
            start("app"),
            exit_("app", 1),
            wait(10),
            KUBELET_RESTART,
            start("app"),
            wait(5),
        ],
    ),
    "never-stuck": (
        pod("Never", c("app"), inits=(c("init"),)),
        [SCHED, start("init"), exit_("init", 0), REBOOT, wait(600)],
    ),
}


# a watch cannot show a kubelet restart: judged without its events, its early restart is reported
_NEEDS_EVENTS = frozenset({"kubelet-restart-early"})


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_published_invariants_hold_across_restarts(name: str) -> None:
    """Every published-object invariant (podfsm.verifier.invariants) holds on these runs, judged with
    the events and as a recorded trace without them: restart counts never go down, init containers
    run again only in a new sandbox, the phase is getPhase's."""
    manifest, script = SCRIPTS[name]
    first = Observation(PodModel(manifest).render(), 0.0, None)
    steps = podfsm.simulate(manifest, script)
    with_events = [first, *(Observation(s.pod, float(s.state.now), s.event) for s in steps)]
    as_recorded = [first, *(Observation(s.pod, float(s.state.now), None) for s in steps)]
    for history in (with_events,) if name in _NEEDS_EVENTS else (with_events, as_recorded):
        for i in range(1, len(history) + 1):
            assert check_history(history[:i]) == [], (i, history[i - 1].event)


def _verdict(name: str) -> Any:
    manifest, script = SCRIPTS[name]
    pods = [copy.deepcopy(s.pod) for s in podfsm.simulate(manifest, script) if not s.state.gone]
    text = "".join(json.dumps(p) + "\n" for p in pods)
    (verdict,) = T.check_trace(T.iter_trace(io.StringIO(text), "<test>")).verdicts()
    return verdict


@pytest.mark.parametrize("name", ["never-stuck", "reboot-reinit", "sandbox-lost-sidecar"])
def test_check_trace_explains_a_recorded_reboot_or_lost_sandbox(name: str) -> None:
    """``podfsm check-trace`` (conformance/trace.py, the world-event search) explains a watch of
    these runs without their events: a snapshot with PodReadyToStartContainers False while the
    pod had a sandbox makes it try NodeRebooted and SandboxLost, with the exit the snapshot shows."""
    verdict = _verdict(name)
    assert verdict.ok, (verdict.findings, verdict.violation and verdict.violation.lines())


def test_check_trace_does_not_assume_an_unseen_kubelet_restart() -> None:
    """A kubelet restart shows only through what it forgets; check-trace does not assume one (it
    would excuse every restart during a back-off), so a trace whose crash-looping container was
    started early because the kubelet restarted is reported, as docs/world-events.md says."""
    assert _verdict("kubelet-restart-crash-loop").ok  # its restart came when the back-off allowed it anyway
    verdict = _verdict("kubelet-restart-early")
    assert not verdict.ok


def test_check_trace_refuses_a_never_container_started_again_after_a_reboot() -> None:
    """The other side (computePodActions): a recorded ``Never`` pod whose container runs again
    after the node rebooted is not a behaviour of the kubelet, and check-trace says so."""
    manifest = pod("Never", c("app"), c("side"))
    steps = podfsm.simulate(manifest, [SCHED, start("app"), start("side"), REBOOT])
    pods = [copy.deepcopy(s.pod) for s in steps]
    forged = copy.deepcopy(pods[-1])
    app = next(cs for cs in forged["status"]["containerStatuses"] if cs["name"] == "app")
    app["lastState"] = {"terminated": app["state"]["terminated"]}
    app["state"] = {"running": {"startedAt": app["state"]["terminated"]["finishedAt"]}}
    app["restartCount"] = 1
    text = "".join(json.dumps(p) + "\n" for p in [*pods, forged])
    (verdict,) = T.check_trace(T.iter_trace(io.StringIO(text), "<test>")).verdicts()
    assert not verdict.ok


# -- the exhaustive explorer, with the bound ``restarts`` -----------------------------------------

_P = {"exec": {"command": ["true"]}, "failureThreshold": 1}
_RESTART_BOUNDS = {
    "restarts": True,
    "maxRestarts": 1,
    "createFailures": False,
    "expiries": False,
    "maxImageBackoff": 0,
}


def _explored(policy: str, containers: list[dict[str, Any]], inits: tuple[dict[str, Any], ...] = ()) -> Any:
    manifest = pod(policy, *containers, inits=inits, terminationGracePeriodSeconds=2)
    manifest["metadata"]["annotations"] = {"podfsm.io/explore": json.dumps(_RESTART_BOUNDS)}
    return manifest


EXPLORED = {
    "never-1i-1c": (_explored("Never", [c("app")], (c("init"),)), 227),
    "never-2c": (_explored("Never", [c("a"), c("b")]), 393),
    "never-1c-startup-liveness": (_explored("Never", [c("app", startupProbe=_P, livenessProbe=_P)]), 341),
    "onfailure-1c-readiness": (_explored("OnFailure", [c("app", readinessProbe=_P)]), 1841),
}


@pytest.mark.parametrize("name", sorted(EXPLORED))
def test_every_invariant_holds_on_every_state_reached_with_restarts(name: str) -> None:
    """The explorer with ``"restarts": true`` (podfsm.verifier.explorer.EventCatalogue) tries
    KubeletRestarted, NodeRebooted and SandboxLost from every state; every invariant holds and the
    state counts are pinned here (the standard configurations leave the bound off, so their pinned
    counts in tests/data/explorer_counts.json do not change)."""
    manifest, states = EXPLORED[name]
    result = explore(manifest, name=name)
    assert result.complete and result.violations == []
    assert result.states == states


def test_the_explorer_reaches_a_re_initialization() -> None:
    """A shortest script to an init container running a second time goes through a node reboot or a
    lost sandbox (the only ways a completed init container runs again: computePodActions)."""

    def predicate(t: Transition) -> str | None:
        init = t.after.containers[0]
        completed = init.last_term is not None and init.last_term.exit_code == 0
        return "a completed init container runs again" if completed and init.state == "Running" else None

    twice = Invariant(
        "init-completes-once", "A completed init container never runs again.", "a test", "state", predicate
    )
    manifest = _explored("Always", [c("app")], (c("init"),))
    [cx] = explore(manifest, invariants=[twice]).violations
    types = [e["type"] for e in cx.events]
    assert types[-2] in ("NodeRebooted", "SandboxLost") and types[-1] == "ContainerStarted"
    assert "ContainerExited" in types  # the init container completed first


def test_back_off_timing_reads_a_start_error_as_a_run_that_never_started() -> None:
    """Found by the stateful test once it drew this issue's events: a StartError at the instant of
    an immediate restart is refused by the back-off (kuberuntime_manager.go:doBackOff, 10 s), and
    the crash-loop-back-off-timing invariant must not take the runtime's zero startedAt (1970) for
    the start of a run longer than 10 minutes."""
    script = [SCHED, start("app"), exit_("app", 0), {"type": "ContainerStartFailed", "container": "app"}]
    steps = podfsm.simulate(pod("Always"), [*script, wait(10)])
    assert kubectl_columns(steps[-1].pod).status == "CrashLoopBackOff"
    first = Observation(PodModel(pod("Always")).render(), 0.0, None)
    history = [first, *(Observation(s.pod, float(s.state.now), s.event) for s in steps)]
    for i in range(1, len(history) + 1):
        assert check_history(history[:i]) == []


def test_a_never_pod_with_a_restartable_container_stays_running_after_a_reboot() -> None:
    """Found by the stateful test. computePodActions refuses a new sandbox by the pod's policy
    (shouldRestartOnFailure) alone, while getPhase honours a container's own restartPolicy
    (ContainerRestartRules): a Never pod whose container says Always stays Running after a reboot,
    with nothing running and nothing started again (upstream as it is, like #118321)."""
    manifest = pod("Never", c("app"), c("db", restartPolicy="Always"))
    m = run(manifest, SCHED, start("app"), start("db"), REBOOT, wait(600))
    assert m.render()["status"]["phase"] == "Running"
    assert all(_state(m, n) == "terminated" for n in ("app", "db"))
    # the refusal names the missing sandbox, not the machine (db's own Always is not asked)
    why = _refused(m, start("db"))
    assert "creates no new one" in why and "kubernetes/kubernetes#118321" in why
