"""Non-vacuity: every invariant catches a deliberately broken model, by name, with a replayable script.

Each mutant of :mod:`podfsm.verifier.mutants` breaks the model the way a real mistake would; the
explorer must find the violation of the invariant the mutant names, on the standard
configuration it names, and the counterexample must replay: on a fresh mutant model the last
event breaks the invariant, on the real model the same script does not.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test

import podfsm
from podfsm.model.events import parse_event
from podfsm.model.machines import restart_policy as rp
from podfsm.model.pod import PodModel
from podfsm.verifier.explorer import STANDARD_CONFIGURATIONS, explore, replay
from podfsm.verifier.invariants import INVARIANTS, Context, Transition, check, get
from podfsm.verifier.mutants import MUTANTS, Mutant
from podfsm.verifier.stateful import InvariantViolated, PodLifecycleMachine

BY_NAME = {c.name: c for c in STANDARD_CONFIGURATIONS}


def test_every_invariant_has_a_mutant() -> None:
    assert sorted({m.invariant for m in MUTANTS.values()}) == sorted(INVARIANTS)
    assert all(m.configuration in BY_NAME for m in MUTANTS.values())


@pytest.mark.parametrize("mutant", list(MUTANTS.values()), ids=list(MUTANTS))
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

    config = settings(
        max_examples=100,
        stateful_step_count=8,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
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
