"""The Hypothesis state machine: every invariant after every step of drawn pods' lives.

1,000 examples of 20 steps: every invariant of the catalogue is checked on every step of each,
so on 1,000 examples per invariant. Derandomized, so a run is reproducible; ``podfsm check``
draws fresh examples with a random (printed) seed.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, run_state_machine_as_test

from podfsm.verifier.invariants import Transition, check
from podfsm.verifier.stateful import InvariantViolated, PodLifecycleMachine, format_counterexample

EXAMPLES = 1000
STEPS = 20


class CheckedPodLifecycle(PodLifecycleMachine):
    """The library's machine, with every invariant checked after every step."""

    @invariant()
    def invariants_hold(self) -> None:
        if self.last is None:
            return
        found = check(self.last)
        if found:
            events = list(self.script)
            if self.last.refused is not None and self.refused_event is not None:
                events.append(self.refused_event)
            raise InvariantViolated(self.pod, events, found[0])


TestPodLifecycle = CheckedPodLifecycle.TestCase
TestPodLifecycle.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_the_machine_reports_a_violation_as_a_simulate_script() -> None:
    """A broken invariant fails the run with the pod and the events, as `podfsm simulate` reads them."""
    from podfsm.verifier.invariants import Invariant

    def never_running(t: Transition) -> str | None:
        return "the pod runs" if t.after.phase == "Running" else None

    class Strict(PodLifecycleMachine):
        pods = st.just(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "web"},
                "spec": {"containers": [{"name": "app", "image": "nginx"}]},
            }
        )
        checked_invariants = (Invariant("never-running", "Never Running.", "a test", "state", never_running),)

    with pytest.raises(InvariantViolated) as info:
        run_state_machine_as_test(
            Strict,
            settings=settings(
                max_examples=200, stateful_step_count=10, deadline=None, database=None, derandomize=True
            ),
        )
    error = info.value
    # shrunk to the shortest script: bind the pod, start the container
    assert [e["type"] for e in error.events] == ["Scheduled", "ContainerStarted"]
    assert str(error) == format_counterexample(error.pod, error.events, error.violation)
    assert json.loads(str(error).split("--- events.json\n", 1)[1]) == error.events


def test_the_machine_steps_the_system_under_test_alongside() -> None:
    seen: list[str] = []

    class Observed(CheckedPodLifecycle):
        def on_step(self, transition: Transition) -> None:
            seen.append("refused" if transition.refused is not None else transition.pod["status"]["phase"])

    run_state_machine_as_test(
        Observed,
        settings=settings(
            max_examples=40, stateful_step_count=10, deadline=None, database=None, derandomize=True
        ),
    )
    assert "Running" in seen and "refused" in seen
