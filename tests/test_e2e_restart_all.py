"""RestartAllContainers (alpha gate RestartAllContainersOnContainerExits, KEP-5532) as the kubelet
does it in v1.35, and the five upstream e2e tests of test/e2e/node/container_restart_policy.go
("Pod Extended (RestartAllContainers)") written as podfsm scenarios.

What the kubelet does (``pkg/kubelet/container/helpers.go:ShouldAllContainersRestart``,
``kuberuntime_manager.go:computePodActions`` with ``ContainersToRemove``,
``status/generate.go:GenerateAllContainersRestartingCondition``, ``kubelet_pods.go:
convertToAPIContainerStatuses`` with ``podRestarting``): the sync that sees an exit whose first
matching rule is ``RestartAllContainers`` publishes ``AllContainersRestarting`` True, then kills
every running container (no preStop, grace 0 made 2 s) and removes every container; the next sync
shows each removed container ``waiting``/``RestartingAllContainers`` with ``lastState`` 137 and
``restartCount`` one more, sets the condition False and starts again from the first init
container. Every step below is also judged by every invariant.
"""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

import podfsm
from podfsm.cli import main
from podfsm.conformance import trace as T
from podfsm.errors import IllegalEvent, ManifestError
from podfsm.model.kubelet_config import KubeletConfig
from podfsm.model.pod import PodModel
from podfsm.oracle import kubectl_columns, pod_phase
from podfsm.verifier.configurations import Bounds
from podfsm.verifier.explorer import explore
from podfsm.verifier.invariants import Context, Transition, check
from podfsm.verifier.stateful import PodLifecycleMachine
from podfsm.verifier.strategies import pod_specs
from tests.scenario_dsl import SCHED, c, condition, delete, exit_, pod, start, status_of, wait

GATE_ON = KubeletConfig(feature_gates={"RestartAllContainersOnContainerExits": True})
RULE_42 = [{"action": "RestartAllContainers", "exitCodes": {"operator": "In", "values": [42]}}]
REMOVED = "The container is removed because RestartAllContainers in place"


def source(name: str, policy: str = "Never") -> dict[str, Any]:
    """A container with the e2e tests' rule: exit 42 restarts every container."""
    return c(name, restartPolicy=policy, restartPolicyRules=RULE_42)


def sidecar(name: str, **fields: Any) -> dict[str, Any]:
    return c(name, restartPolicy="Always", **fields)


class Checked:
    """A model under the gate whose every step is judged by every invariant."""

    def __init__(self, manifest: dict[str, Any]) -> None:
        self.m = PodModel(manifest, kubelet_config=GATE_ON)
        self.ctx = Context.of(self.m)
        self.state = self.m.snapshot()
        assert check(Transition(self.ctx, None, None, self.state)) == []

    def __call__(self, *events: dict[str, Any]) -> Checked:
        for e in events:
            before, self.state = self.state, self.m.apply(e)
            bad = check(Transition(self.ctx, before, e, self.state))
            assert bad == [], (e, bad)
        return self

    def status(self, name: str) -> dict[str, Any]:
        return status_of(self.m, name)

    def condition(self) -> dict[str, Any]:
        return condition(self.m, "AllContainersRestarting")


def _restarted(run: Checked, *names: str) -> None:
    """validateAllContainersRestarted: each has restartCount > 0 and a lastTerminationState."""
    for name in names:
        st = run.status(name)
        assert st["restartCount"] > 0 and st["lastState"].get("terminated"), (name, st)


def _running(run: Checked, *names: str) -> None:
    for name in names:
        assert "running" in run.status(name)["state"], (name, run.status(name))


# -- the five upstream tests ---------------------------------------------------------------------


def test_restart_all_containers_on_regular_container_exit() -> None:
    """container_restart_policy.go "should restart all containers on regular container exit": a Never
    pod with an init container, a sidecar, ``source-container`` (exit 42 the first time) and
    ``regular``; all four get restartCount > 0 and a lastTerminationState, then source-container
    and regular run again."""
    run = Checked(
        pod(
            "Never",
            source("source-container"),
            c("regular"),
            inits=(c("init"), sidecar("sidecar")),
        )
    )
    run(SCHED, start("init"), exit_("init", 0), start("sidecar"), start("source-container"), start("regular"))
    run(wait(5), exit_("source-container", 42))
    # this sync's status: the exit, and the condition; the sidecar and regular are being killed
    assert run.condition()["status"] == "True"
    assert run.condition()["reason"] == "RestartAllContainersStarted"
    assert run.condition()["message"] == "container exited with restart policy rule"
    assert run.status("source-container")["state"]["terminated"]["exitCode"] == 42
    assert run.m.phase == "Running"
    _running(run, "sidecar", "regular")
    run(wait(2))  # killContainer's 2 s: SIGKILL, then every container is removed; the next sync
    _restarted(run, "init", "sidecar", "source-container", "regular")
    run(start("init"), exit_("init", 0), start("sidecar"), start("source-container"), start("regular"))
    _running(run, "source-container", "regular")
    assert run.condition()["status"] == "False"


def test_restart_all_containers_on_sidecar_container_exit() -> None:
    """ "should restart all containers on sidecar container exit": the rule on a sidecar takes
    precedence over the sidecar's own restart; all four restarted, regular and source-sidecar run."""
    run = Checked(
        pod(
            "Never",
            c("regular"),
            inits=(c("init"), sidecar("sidecar"), source("source-sidecar", policy="Always")),
        )
    )
    run(SCHED, start("init"), exit_("init", 0), start("sidecar"), start("source-sidecar"), start("regular"))
    run(wait(30), exit_("source-sidecar", 42), wait(2))
    _restarted(run, "init", "sidecar", "source-sidecar", "regular")
    run(start("init"), exit_("init", 0), start("sidecar"), start("source-sidecar"), start("regular"))
    _running(run, "regular", "source-sidecar")


def test_restart_init_and_sidecar_containers_on_init_container_exit() -> None:
    """ "should restart init and sidecar containers on init container exit": an init container's
    exit restarts the init chain from the first (the sidecar included); ``regular`` never ran, so it
    keeps its status (restartCount 0), and runs once initialization is done."""
    run = Checked(pod("Never", c("regular"), inits=(sidecar("sidecar"), c("init"), source("source-init"))))
    run(SCHED, start("sidecar"), start("init"), exit_("init", 0), start("source-init"))
    run(exit_("source-init", 42))
    assert run.condition()["status"] == "True"
    run(wait(2))
    _restarted(run, "init", "sidecar", "source-init")
    assert run.status("regular")["restartCount"] == 0
    assert run.status("regular")["state"] == {"waiting": {"reason": "PodInitializing"}}
    with pytest.raises(IllegalEvent, match="init containers"):
        run.m.apply(start("regular"))
    run(start("sidecar"), start("init"), exit_("init", 0), start("source-init"), exit_("source-init", 0))
    run(start("regular"))
    _running(run, "regular")


def test_multiple_restart_all_actions_do_not_loop() -> None:
    """ "should allow multiple RestartAllContainers actions and not introduce a loop": both containers
    carry the rule; ``regular`` is killed (137, which the rule does not match) and, whatever it
    exits with, it is removed: one restart of all, then both run."""
    run = Checked(pod("Never", source("source-container"), source("regular")))
    run(SCHED, start("source-container"), start("regular"), wait(10), exit_("source-container", 42))
    run(exit_("regular", 42))  # even an exit the rule matches, in the kill, starts nothing more
    assert run.condition()["status"] == "False"
    _restarted(run, "source-container", "regular")
    run(start("source-container"), start("regular"))
    _running(run, "source-container", "regular")
    assert [run.status(n)["restartCount"] for n in ("source-container", "regular")] == [1, 1]


def test_restart_all_containers_on_a_previously_restarted_regular_container_exit() -> None:
    """ "should restart all containers on a previously restarted regular container exit": under
    Always, exit 1 (not matched) is an ordinary restart after the 10 s back-off; exit 42 then
    restarts all. The first start after it waits for no back-off (no exited instance is left)."""
    run = Checked(pod("Always", source("source-container", policy="Always"), c("regular")))
    run(SCHED, start("source-container"), start("regular"), exit_("source-container", 1))
    run(wait(10), start("source-container"))
    assert run.status("source-container")["restartCount"] == 1
    run(exit_("source-container", 42), wait(2))
    _restarted(run, "source-container", "regular")
    assert [run.status(n)["restartCount"] for n in ("source-container", "regular")] == [2, 1]
    run(start("source-container"), start("regular"))
    _running(run, "source-container", "regular")
    assert [run.status(n)["restartCount"] for n in ("source-container", "regular")] == [2, 1]


# -- what the kubelet publishes on the way --------------------------------------------------------


def test_removed_containers_are_published_waiting_restarting_all_containers() -> None:
    """convertToAPIContainerStatuses with podRestarting: waiting RestartingAllContainers, lastState
    terminated 137 with the same reason and no times (the trigger's exit 42 is overwritten), and
    kubectl's STATUS shows the reason, RESTARTS the sum (the upstream docs' `kubectl get pods -w`)."""
    run = Checked(pod("Never", source("main"), c("side")))
    run(SCHED, start("main"), start("side"), exit_("main", 42))
    cols = kubectl_columns(run.m.render())
    assert (cols.ready, cols.status) == ("1/2", "Error")
    run(wait(2))
    for name in ("main", "side"):
        st = run.status(name)
        assert st["state"] == {"waiting": {"reason": "RestartingAllContainers", "message": REMOVED}}
        assert st["lastState"]["terminated"] == {
            "exitCode": 137,
            "reason": "RestartingAllContainers",
            "message": REMOVED,
            "startedAt": None,
            "finishedAt": None,
        }
        assert st["restartCount"] == 1 and st["ready"] is False
    cols = kubectl_columns(run.m.render())
    assert (cols.ready, cols.status, cols.restarts) == ("0/2", "RestartingAllContainers", "2")
    # getPhase: a removed container is restartable (its reason says so): the pod stays Running
    assert run.m.phase == "Running"
    run(start("main"))
    assert run.status("side")["state"] == {"waiting": {"reason": "ContainerCreating"}}


def test_the_kill_is_two_seconds_without_the_pre_stop_hook() -> None:
    """computePodActions kills with no preStop hook and a zero grace period: killContainer's 2 s,
    whatever terminationGracePeriodSeconds says. Nothing is published until the last one stopped."""
    hook = {"preStop": {"exec": {"command": ["sleep", "100"]}}}
    run = Checked(
        pod("Never", source("main"), c("slow", lifecycle=hook), c("fast"), terminationGracePeriodSeconds=60)
    )
    run(SCHED, start("main"), start("slow"), start("fast"), exit_("main", 42))
    run(exit_("fast", 143))  # stopped on SIGTERM; still shown running: the kill sync goes on
    _running(run, "fast", "slow")
    run(wait(1.5))
    _running(run, "slow")
    run(wait(0.5))
    _restarted(run, "main", "slow", "fast")


def test_nothing_killed_waits_for_the_resync() -> None:
    """With no running container to kill, removing them raises no ContainerDied (the kubelet ignores
    ContainerRemoved): the next sync is the pod worker's resync, 60 s later (up to 90 s with its
    jitter; the model takes the earliest). kubernetes/kubernetes#136966, after v1.35, describes this
    wait in v1.35 and requeues at once instead."""
    run = Checked(pod("Never", source("main")))
    run(SCHED, start("main"), exit_("main", 42))
    assert run.condition()["status"] == "True"
    assert run.m.phase == "Running"  # the matched rule makes the exit restartable for getPhase
    with pytest.raises(IllegalEvent, match="the kubelet is removing every container"):
        run.m.apply(start("main"))
    run(wait(59))
    assert run.condition()["status"] == "True"
    run(wait(1))
    assert run.condition()["status"] == "False"
    assert run.status("main")["state"]["waiting"]["reason"] == "RestartingAllContainers"
    run(start("main"))
    assert run.status("main")["restartCount"] == 1


def test_a_crash_looping_container_keeps_its_count() -> None:
    """A container already shown waiting (CrashLoopBackOff) keeps its status when removed: no +1,
    and its next instance is not counted either (restartCount is max(published, runtime's))."""
    run = Checked(pod("Always", source("main", policy="Always"), c("loop")))
    run(SCHED, start("main"), start("loop"), exit_("loop", 1), wait(10), start("loop"), exit_("loop", 1))
    run(wait(1), exit_("main", 42))  # this sync publishes the cached CrashLoopBackOff
    assert run.status("loop")["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    run(wait(60))  # nothing was running to kill: the resync does the next sync
    assert run.status("loop")["restartCount"] == 1
    assert run.status("loop")["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    run(start("loop"))  # no exited instance is left: no back-off
    assert run.status("loop")["restartCount"] == 1


@pytest.mark.parametrize(
    "containers, when",
    [(("main", "side"), 0.0), (("main", "side"), 1.0), (("main",), 10.0)],
    ids=["at-once", "during-the-kill", "waiting-for-the-resync"],
)
def test_a_deletion_after_the_trigger_shows_the_containers_removed(
    containers: tuple[str, ...], when: float
) -> None:
    """SyncPod's runtime call is not cancelled (context.WithoutCancel): the kills and removals of a
    restart of all finish first, and SyncTerminatingPod's status (the old condition True) shows every
    container removed (RestartingAllContainers, one more restart); TerminatePod then reports them
    ContainerStatusUnknown, the pod ends Failed and the condition says PodFailed. (With one
    container nothing is killed: the deletion comes while the kubelet waits for its resync.)"""
    run = Checked(pod("Never", source("main"), *(c(n) for n in containers[1:])))
    run(SCHED, *(start(n) for n in containers), exit_("main", 42), wait(when), delete(30))
    if not run.m.gone:
        run(wait(2))
    assert run.m.render()["status"]["phase"] == "Failed"
    for name in containers:
        st = run.status(name)
        assert st["state"]["terminated"]["reason"] == "ContainerStatusUnknown", st
        assert st["lastState"]["terminated"]["reason"] == "RestartingAllContainers"
        assert st["restartCount"] == 1
    assert (run.condition()["status"], run.condition()["reason"]) == ("False", "PodFailed")


def test_a_matched_exit_during_a_deletion_sets_the_condition_only() -> None:
    """ShouldAllContainersRestart has no deletion check: an exit the rule matches while the pod is
    being deleted makes the condition True, but SyncTerminatingPod restarts nothing; PodFailed at the end."""
    run = Checked(pod("Never", source("main"), c("side")))
    run(SCHED, start("main"), start("side"), delete(30), exit_("main", 42))
    assert run.condition()["status"] == "True"
    assert "running" in run.status("side")["state"]
    run(wait(30))
    assert run.m.phase == "Failed"
    assert run.status("main")["state"]["terminated"]["exitCode"] == 42
    assert (run.condition()["status"], run.condition()["reason"]) == ("False", "PodFailed")


def test_the_rule_needs_the_gate() -> None:
    """Without the gate (v1.35's default) the API server refuses the action, naming the field."""
    with pytest.raises(ManifestError, match=r"restartPolicyRules\[0\]\.action.*Unsupported value"):
        PodModel(pod("Never", source("main")))


def test_without_a_rule_no_condition_is_written() -> None:
    """GenerateAllContainersRestartingCondition runs only for a pod with a RestartAllContainers rule."""
    run = Checked(pod("Never", c("main")))
    run(SCHED, start("main"))
    assert run.condition() == {}


def test_oracle_agrees_on_the_phase_while_removed() -> None:
    """getPhase (TestPodPhaseWithRestartAllContainers' reading): a status whose exits carry reason
    RestartingAllContainers is restartable with the gate on, Failed without it."""
    run = Checked(pod("Never", source("main"), c("side")))
    run(SCHED, start("main"), start("side"), exit_("main", 42), wait(2))
    obj = run.m.render()
    gates = {"RestartAllContainersOnContainerExits": True}
    assert pod_phase(obj, feature_gates=gates) == "Running"
    assert pod_phase(obj) == "Failed"


# -- explored: every reachable state under the gate, every invariant judged ---------------------

_BOUNDS = Bounds(
    max_restarts=2, max_image_backoff=0.0, create_failures=False, exits=((42, None),), node_monitor=False
)
_EXPLORED = {
    # name: (spec, depth explored in CI (None: whole), distinct states, transitions there)
    "never-2c": (
        {"restartPolicy": "Never", "containers": [source("main"), c("side")]},
        None,
        1200,
        1978,
    ),
    "never-1i-1s-1c": (
        {
            "restartPolicy": "Never",
            "initContainers": [source("init"), sidecar("sc")],
            "containers": [source("main")],
        },
        14,
        10506,
        18022,
    ),
}
# the second pod explored whole (depth 25, about 16 s): run with PODFSM_SLOW=1
_WHOLE = {"never-1i-1s-1c": (25691, 52573)}


def _gated(manifest: Any) -> PodModel:
    return PodModel(manifest, kubelet_config=GATE_ON)


@pytest.mark.parametrize("name", list(_EXPLORED))
def test_explored_under_the_gate_without_a_violation(name: str) -> None:
    """The explorer with the gate on (a model factory with the kubelet configuration) reaches every
    state of these pods (the second to depth 14 in CI), exits 0, 1 and 42 (the rule's code)
    included, and no invariant is violated; the counts are pinned (a change of the model shows here)."""
    spec, depth, states, transitions = _EXPLORED[name]
    manifest = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}
    result = explore(manifest, model_factory=_gated, bounds=_BOUNDS, max_depth=depth)
    assert result.complete == (depth is None) and result.to_dict()["violations"] == []
    assert (result.counts()["distinctStates"], result.counts()["transitions"]) == (states, transitions)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(_WHOLE))
def test_explored_whole_under_the_gate(name: str) -> None:
    """The same, explored whole (PODFSM_SLOW=1)."""
    manifest = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": _EXPLORED[name][0]}
    result = explore(manifest, model_factory=_gated, bounds=_BOUNDS)
    assert result.complete and result.to_dict()["violations"] == []
    assert (result.counts()["distinctStates"], result.counts()["transitions"]) == _WHOLE[name]


class _CountsTwice(PodModel):
    """A broken kubelet: the first instance after a restart of all is counted again."""

    def _restart_all_cleaned_up(self) -> None:
        super()._restart_all_cleaned_up()
        for rec in self.records:
            rec.removed = False


class _KeepsTheExit(PodModel):
    """A broken kubelet: the removed containers keep their real exit as lastState, uncounted."""

    def _restart_all_cleaned_up(self) -> None:
        shown = {r.name: (r.restart_count, r.term or r.last_term) for r in self.records}
        super()._restart_all_cleaned_up()
        for rec in self.records:
            rec.restart_count, rec.last_term = shown[rec.name]


@pytest.mark.parametrize(
    "broken, caught",
    [
        (_CountsTwice, {"restart-count-monotonic", "restart-count-and-last-state"}),
        (_KeepsTheExit, {"restart-count-monotonic", "restart-count-and-last-state"}),
    ],
    ids=["counts-twice", "keeps-the-exit"],
)
def test_a_broken_restart_of_all_is_caught(broken: type[PodModel], caught: set[str]) -> None:
    """The invariants are not vacuous here: a model that gets the counts of a restart of all wrong is
    caught on the smallest pod, by the model-state and the published invariant alike."""
    manifest = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "broken"},
        "spec": _EXPLORED["never-2c"][0],
    }
    result = explore(manifest, model_factory=lambda m: broken(m, kubelet_config=GATE_ON), bounds=_BOUNDS)
    assert {v["invariant"] for v in result.to_dict()["violations"]} & caught


# -- the command line ------------------------------------------------------------------------------

_GANG = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "gang"},
    "spec": {"restartPolicy": "Never", "containers": [source("trigger"), c("bystander")]},
}


def test_cli_simulate_under_the_gate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`podfsm simulate --kubelet-config` admits the rule with the gate on (the API server's gates are
    the configuration's) and prints what `kubectl get pods -w` showed upstream's docs: Error, then
    RestartingAllContainers with RESTARTS 2 two seconds later, then Running."""
    pf, ev, kc = tmp_path / "pod.yaml", tmp_path / "ev.yaml", tmp_path / "kc.yaml"
    pf.write_text(yaml.safe_dump(_GANG))
    script = [SCHED, start("trigger"), start("bystander"), wait(10), exit_("trigger", 42), wait(2)]
    ev.write_text(yaml.safe_dump([*script, start("trigger"), start("bystander")]))
    kc.write_text("featureGates: {RestartAllContainersOnContainerExits: true}\n")
    assert main(["simulate", str(pf), str(ev), "--kubelet-config", str(kc)]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[1:]]
    assert [(r[0], r[-3], r[-2], r[-1]) for r in rows[-4:]] == [
        ("10s", "1/2", "Error", "0"),
        ("12s", "0/2", "RestartingAllContainers", "2"),
        ("12s", "1/2", "ContainerCreating", "2"),
        ("12s", "2/2", "Running", "2"),
    ]
    # without the gate the API server refuses the action, in one line naming the field
    assert main(["simulate", str(pf), str(ev)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "restartPolicyRules[0].action" in err


# -- drawn lives under the gate (the Hypothesis state machine) ----------------------------------------


@st.composite
def _with_a_restart_all_rule(draw: st.DrawFn) -> dict[str, Any]:
    """A drawn pod (pod_specs with restart_all) where one container surely has a RestartAllContainers
    rule on exit codes the world's events use (0, 1, 2, 42, 137), so that many lives restart all."""
    p: dict[str, Any] = draw(pod_specs(restart_all=True, max_init=1, max_regular=2))
    spec = p["spec"]
    containers = [(k, ctr) for k in ("initContainers", "containers") for ctr in spec.get(k, ())]
    key, ctr = draw(st.sampled_from(containers))
    if ctr.get("restartPolicy") is None:
        choices = ("OnFailure", "Never") if key == "initContainers" else ("Always", "OnFailure", "Never")
        ctr["restartPolicy"] = draw(st.sampled_from(choices))
    codes = draw(st.lists(st.sampled_from((0, 1, 2, 42, 137)), min_size=1, max_size=2, unique=True))
    ctr["restartPolicyRules"] = [
        {"action": "RestartAllContainers", "exitCodes": {"operator": "In", "values": codes}}
    ]
    return p


class _GatedLives(PodLifecycleMachine):
    """Drawn pods whose rules may restart every container, stepped by a model with the gate on,
    every invariant judged after every step (the library's machine, as tests/test_stateful.py)."""

    pods = _with_a_restart_all_rule()

    def model_for(self, pod: Mapping[str, Any]) -> PodModel:
        return PodModel(pod, kubelet_config=GATE_ON)


TestGatedLives = _GatedLives.TestCase
TestGatedLives.settings = settings(
    max_examples=150,
    stateful_step_count=20,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _restart_all_on(p: dict[str, Any], where: str) -> bool:
    """A RestartAllContainers rule on a regular container, a regular init container or a sidecar."""
    key = "containers" if where == "containers" else "initContainers"
    for ctr in p["spec"].get(key, ()):
        sidecar = key == "initContainers" and ctr.get("restartPolicy") == "Always"
        if (where == "sidecar") != sidecar:
            continue
        if any(r["action"] == "RestartAllContainers" for r in ctr.get("restartPolicyRules", ())):
            return True
    return False


@pytest.mark.parametrize("where", ["containers", "initContainers", "sidecar"])
def test_the_drawn_pods_carry_restart_all_rules(where: str) -> None:
    """pod_specs(restart_all=True) draws the action on regular and init containers and on sidecars
    (the gate allows rules there); without it no rule restarts every container."""
    found = find(
        pod_specs(restart_all=True),
        lambda p: _restart_all_on(p, where),
        settings=settings(max_examples=2000, database=None, derandomize=True),
    )
    assert _restart_all_on(found, where)
    with pytest.raises(NoSuchExample):
        find(
            pod_specs(),
            lambda p: _restart_all_on(p, where),
            settings=settings(max_examples=100, database=None, derandomize=True),
        )


# -- check-trace on a recorded restart of all -------------------------------------------------------


def _trace_verdict(pods: list[dict[str, Any]]) -> Any:
    text = "".join(json.dumps(p) + "\n" for p in pods)
    (verdict,) = T.check_trace(T.iter_trace(io.StringIO(text), "<test>")).verdicts()
    return verdict


def test_check_trace_explains_a_recorded_restart_of_all() -> None:
    """`podfsm check-trace` judges a recorded pod with a RestartAllContainers rule as from a cluster
    with the gate on (the API server accepts the action only then): the watch of the upstream docs'
    run (Error, RestartingAllContainers with RESTARTS 2, Running) is a behaviour of the kubelet, and
    one where the bystander is shown removed but not counted is not."""
    script = [SCHED, start("trigger"), start("bystander"), wait(10), exit_("trigger", 42), wait(2)]
    steps = podfsm.simulate(_GANG, [*script, start("trigger"), start("bystander")], kubelet_config=GATE_ON)
    pods = [copy.deepcopy(s.pod) for s in steps]
    verdict = _trace_verdict(pods)
    assert verdict.ok, (verdict.findings, verdict.violation and verdict.violation.lines())
    forged = copy.deepcopy(pods[:6])
    for cs in forged[5]["status"]["containerStatuses"]:
        if cs["name"] == "bystander":
            cs["restartCount"] = 0
    assert not _trace_verdict(forged).ok


def test_status_takes_the_gate_the_object_shows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`podfsm status` computes getPhase and the conditions of a pod with a RestartAllContainers rule
    with the alpha gate on (the object shows it was): the removed containers are restartable, so the
    kubelet's Running is what getPhase gives, with no lint; without the gate it would say Failed."""
    script = [SCHED, start("trigger"), start("bystander"), exit_("trigger", 42), wait(2)]
    removed = podfsm.simulate(_GANG, script, kubelet_config=GATE_ON)[-1].pod
    assert pod_phase(removed) == "Failed"
    path = tmp_path / "pods.json"
    path.write_text(json.dumps(removed))
    assert main(["status", "-o", "json", str(path)]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert (entry["phase"], entry["computedPhase"], entry["lint"]) == ("Running", "Running", [])
    assert entry["status"] == "RestartingAllContainers"
