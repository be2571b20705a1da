"""Non-vacuity: every invariant catches a deliberately broken model, by name, with a replayable script.

Each mutant of :mod:`podfsm.verifier.mutants` breaks the model the way a real mistake would; the
explorer must find the violation of the invariant the mutant names, on the standard
configuration it names, and the counterexample must replay: on a fresh mutant model the last
event breaks the invariant, on the real model the same script does not.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test

import podfsm
from podfsm.model.events import parse_event
from podfsm.model.machines import restart_policy as rp
from podfsm.model.pod import PodModel
from podfsm.verifier.explorer import STANDARD_CONFIGURATIONS, explore, replay
from podfsm.verifier.invariants import (
    Context,
    Observation,
    Transition,
    check,
    check_history,
    get,
    published_invariants,
)
from podfsm.verifier.mutants import BUG_KINDS, MUTANTS, SELF_CHECK_MUTANTS, Mutant, catch
from podfsm.verifier.stateful import InvariantViolated, PodLifecycleMachine

BY_NAME = {c.name: c for c in STANDARD_CONFIGURATIONS}


def observations(manifest: dict[str, Any] | Any, events: Any) -> list[Observation]:
    """The published pods of a run of the real model, as a trace: every step's pod and time."""
    steps = [t for t in replay(manifest, events) if t.refused is None]  # up to a refused event
    out = [Observation(PodModel(manifest).render(), 0.0, None)]
    out += [Observation(t.pod, float(t.after.now), t.event.to_dict()) for t in steps]
    return out


def test_every_mutant_names_a_known_configuration() -> None:
    assert all(m.configuration in BY_NAME for m in MUTANTS.values())


@pytest.mark.parametrize("mutant", list(SELF_CHECK_MUTANTS), ids=[m.name for m in SELF_CHECK_MUTANTS])
def test_the_explorer_catches_the_mutant_by_name(mutant: Mutant) -> None:
    conf = BY_NAME[mutant.configuration]
    invariant = get(mutant.invariant)
    with mutant.active() as factory:
        result = explore(
            conf.manifest,
            name=conf.name,
            invariants=[invariant],
            model_factory=factory,
            max_states=20_000,
            stop_at_first=True,
        )
        [cx] = result.violations
        assert cx.invariant == mutant.invariant
        on_mutant = replay(conf.manifest, cx.events, model_factory=factory)
        assert len(on_mutant) == len(cx.events)
        assert [v.invariant for v in check(on_mutant[-1], [invariant])] == [mutant.invariant]
    # the same script on the real model: refused somewhere, or every step keeps the invariant
    on_model = replay(conf.manifest, cx.events)
    assert all(check(t, [invariant]) == [] for t in on_model)


def test_table_patches_are_undone() -> None:
    mutant = MUTANTS["never-restarts-failed"]
    key = (rp.ContainerRole.REGULAR, rp.RestartPolicy.NEVER, rp.Ending.EXIT_NONZERO)
    original = rp._INDEX[key]
    with mutant.active():
        assert rp._INDEX[key].action is rp.Action.RESTART
    assert rp._INDEX[key] is original
    with pytest.raises(RuntimeError), mutant.active():
        raise RuntimeError("undone even on error")
    assert rp._INDEX[key] is original


def test_the_real_model_caps_what_the_mutant_does_not() -> None:
    """The mutant's script, replayed by ``podfsm.simulate`` on the real model, ends at the 300 s cap."""
    mutant = MUTANTS["backoff-never-caps"]
    conf = BY_NAME[mutant.configuration]
    with mutant.active() as factory:
        [cx] = explore(
            conf.manifest, invariants=[get(mutant.invariant)], model_factory=factory, stop_at_first=True
        ).violations
    assert "320 s" in cx.message
    events = json.loads(json.dumps(cx.events))  # what a saved events file holds
    steps = podfsm.simulate(conf.manifest, events)  # the real model accepts the same script
    assert len(steps) == len(events)
    assert steps[-1].state.containers[0].bo_delay == 300.0


def test_the_stateful_machine_catches_a_mutant_with_a_replayable_script() -> None:
    mutant = MUTANTS["never-restarts-failed"]
    conf = BY_NAME[mutant.configuration]

    class OnePod(PodLifecycleMachine):
        pods = st.just(dict(conf.manifest))
        checked_invariants = (get(mutant.invariant),)  # the one this bug kind is named for

    config = settings(
        max_examples=100,
        stateful_step_count=8,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        # the script must replay whether shrunk or not; shrinking is tested in test_stateful.py
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
    )
    with mutant.active(), pytest.raises(InvariantViolated) as info:
        run_state_machine_as_test(OnePod, settings=config)
    error = info.value
    assert error.violation.invariant == mutant.invariant
    text = str(error)
    assert "podfsm simulate pod.json events.json" in text
    pod_json = text.split("--- pod.json\n", 1)[1].split("\n--- events.json", 1)[0]
    events_json = text.split("--- events.json\n", 1)[1]
    assert json.loads(pod_json) == error.pod
    assert json.loads(events_json) == error.events
    with mutant.active():
        model = PodModel(error.pod)
        context = Context.of(model)
        before = model.snapshot()
        for ev in error.events:
            after = model.apply(ev)
            last = Transition(context, before, parse_event(ev), after)
            before = after
        assert [v.invariant for v in check(last, [get(mutant.invariant)])] == [mutant.invariant]


# ----------------------------------------------------------------------------------- bug kinds


def test_the_self_check_mutants_cover_every_model_self_check() -> None:
    from podfsm.verifier.invariants import model_self_checks
    from podfsm.verifier.mutants import SELF_CHECK_MUTANTS

    named = {m.invariant for m in SELF_CHECK_MUTANTS}
    assert {i.name for i in model_self_checks()} <= named


def test_the_bug_kinds_are_the_issue_list() -> None:
    """Issue 16's list of bugs real implementations ship, plus kwok's and virtual-kubelet's."""
    from podfsm.verifier.mutants import BUG_KINDS

    assert [b.mutant.name for b in BUG_KINDS] == [
        "pending-during-crash-loop",
        "onfailure-nonzero-final",
        "oomkilled-not-restarted",
        "backoff-never-resets",
        "first-restart-delayed",
        "readiness-failure-keeps-ready",
        "ready-before-first-success",
        "probe-threshold-off-by-one",
        "startup-does-not-gate",
        "deletion-ignores-grace",
        "restart-rules-ignored",
        "active-deadline-ignored",
        "sidecars-stop-with-regulars",
        "sidecars-stop-in-order",
        "failed-under-always",
        "two-states-set",
        "failed-on-any-exit",
        "restart-count-never-moves",
        "restart-forgotten",
        "last-state-not-kept",
    ]
    assert all(b.mutant.configuration in BY_NAME for b in BUG_KINDS)


@pytest.mark.parametrize("bug", [b.mutant for b in BUG_KINDS], ids=[b.mutant.name for b in BUG_KINDS])
def test_the_published_invariants_alone_catch_each_bug_kind(bug: Mutant) -> None:
    """Each bug kind is caught by an invariant over the published pod, with a script of a few events.

    The script replays on the mutant (the published invariant fails on its last step, judged from
    rendered pods only) and not on the real model (every step keeps every published invariant).
    """
    found = catch(bug)
    assert found is not None, f"{bug.name} slipped through the published invariants"
    assert get(found.invariant).view == "published"
    assert 1 <= len(found.events) <= 8
    conf = BY_NAME[bug.configuration]
    with bug.active() as factory:
        on_mutant = replay(conf.manifest, found.events, model_factory=factory)
    assert [v.invariant for v in check(on_mutant[-1], [get(found.invariant)])] == [found.invariant]
    history = observations(conf.manifest, found.events)
    assert all(check_history(history[: i + 1]) == [] for i in range(len(history)))
    on_model = replay(conf.manifest, found.events)
    assert all(check(t, published_invariants()) == [] for t in on_model)


def test_a_forgotten_restart_is_caught_by_the_restart_obligation_alone() -> None:
    """computePodActions/ShouldContainerBeRestarted: under OnFailure a non-zero exit is restarted. A
    kubelet that forgets to (the phase still Running, as getPhase says) publishes nothing any state or
    step invariant can flag; the obligation, judged on the world's refused start, catches it."""
    bug = MUTANTS["restart-forgotten"]
    others = [i for i in published_invariants() if i.name != "restart-obligation"]
    assert catch(bug, invariants=others) is None
    found = catch(bug)
    assert found is not None and found.invariant == "restart-obligation"
    assert found.events[-1]["type"] == "ContainerStarted" and len(found.events) <= 4


def test_the_backoff_reset_and_oom_mutants_change_what_is_published() -> None:
    """doBackOff (hasExpired: 600 s) and ShouldContainerBeRestarted (OnFailure restarts exit 137): each
    mutant's counterexample shows a published field the real model publishes otherwise."""
    for name, field in (("backoff-never-resets", "containerStatuses"), ("oomkilled-not-restarted", "phase")):
        bug = MUTANTS[name]
        found = catch(bug)
        assert found is not None, name
        conf = BY_NAME[bug.configuration]
        with bug.active() as factory:
            theirs = replay(conf.manifest, found.events, model_factory=factory)[-1].pod["status"]
        ours = replay(conf.manifest, found.events)[-1].pod["status"]
        assert theirs[field] != ours[field], name


# ----------------------------------------------------------------------------------- messages


class _DeletedNotTerminal(PodModel):
    """A deleted pod is removed without being made terminal (TerminatePod skipped)."""

    def _finish_termination(self) -> None:
        phase = self.phase
        super()._finish_termination()
        if self.deletion_at is not None:
            self._phase_machine.set_state(phase, model=self._phase)


class _JobNeverFinishes(PodModel):
    """A Job-like pod stays Running once its regular containers are done (the phase is never synced)."""

    def _settle(self) -> None:
        phase = self.phase
        super()._settle()
        if phase == "Running" and self.phase in ("Succeeded", "Failed") and self.deletion_at is None:
            self._phase_machine.set_state(phase, model=self._phase)


def _first_violation(model_class: type[PodModel], configuration: str) -> Any:
    from podfsm.verifier.mutants import _bug

    found = catch(_bug("probe", "probe", "probe", configuration, model_class).mutant)
    assert found is not None
    return found


@pytest.mark.parametrize("configuration", ["always-1c", "never-1c", "always-2i-1c"])
def test_a_deleted_pod_that_does_not_end_terminal_is_reported_as_such(configuration: str) -> None:
    """status_manager.go:TerminatePod: a deleted pod whose containers all stopped is made terminal. A
    kubelet that skips it is told so, not that its phase disagrees with getPhase (issue 16)."""
    found = _first_violation(_DeletedNotTerminal, configuration)
    assert found.invariant in ("phase-is-getphase", "stopped-pods-end-terminal")
    assert found.message.startswith("the pod is deleted and nothing runs, but it is "), found.message
    assert "getPhase gives" not in found.message


@pytest.mark.parametrize("configuration", ["never-1s-1c", "onfailure-1s-1c"])
def test_a_job_pod_that_never_finishes_is_not_blamed_on_its_sidecar(configuration: str) -> None:
    """getPhase: a pod whose regular containers all finished for good is Succeeded or Failed whatever
    its sidecars do; a kubelet that leaves it Running is told the phase is wrong, and no sidecar is
    named as the cause (issue 16)."""
    found = _first_violation(_JobNeverFinishes, configuration)
    assert found.invariant in ("phase-is-getphase", "stopped-pods-end-terminal"), found
    assert "sidecar" not in found.message, found.message
