"""The Hypothesis state machine: every invariant after every step of drawn pods' lives.

500 examples of 20 steps: every invariant of the catalogue is checked on every step of each.
Since the draws favour progress (issue 16) an example accepts about 11 events, not 5.3, so
500 examples judge more accepted steps (about 6,500) than 1,000 did before (about 5,300), in
a bounded time. Derandomized, so a run is reproducible; ``podfsm check``
draws fresh examples with a random (printed) seed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, run_state_machine_as_test

from podfsm.verifier.invariants import Transition, check
from podfsm.verifier.stateful import InvariantViolated, PodLifecycleMachine, format_counterexample

EXAMPLES = 500
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


def test_pods_with_status_failures_come_with_their_script_and_shrink() -> None:
    """Issue 12: a failing pods_with_status() example notes the manifest and script that made it,
    replayable with podfsm.simulate, and shrinks to a short script and a pod without extra features."""
    import podfsm
    from podfsm.verifier.strategies import pods_with_status

    @settings(
        max_examples=200,
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(pods_with_status())
    def never_running(pod: dict[str, Any]) -> None:
        assert pod["status"]["phase"] != "Running"

    with pytest.raises(AssertionError) as info:
        never_running()
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "replay with `podfsm simulate pod.json events.json`" in notes
    pod_json = notes.split("--- pod.json\n", 1)[1].split("\n--- events.json\n", 1)[0]
    events = json.loads(notes.split("--- events.json\n", 1)[1].splitlines()[0])
    manifest = json.loads(pod_json)
    assert podfsm.simulate(manifest, events)[-1].pod["status"]["phase"] == "Running"
    # bound by the scheduler's event, or already in the manifest (spec.nodeName): a shorter script
    assert events[0]["type"] == "Scheduled" or manifest["spec"].get("nodeName")
    assert len(events) <= 4
    for container in manifest["spec"]["containers"] + manifest["spec"].get("initContainers", []):
        assert set(container) <= {"name", "image", "restartPolicy"}  # no probe or hook left


def test_the_drawn_lives_reach_running_crash_loop_and_end() -> None:
    """Issue 16: the strategies drive pods through their lifecycle. Over the first 120 derandomized
    examples of 20 steps (no invariant checked: this measures the draws), most reach Running, many
    restart, crash-loop and end; the figures are printed (``-s``) and quoted in docs/verification.md."""
    from collections import Counter

    from hypothesis import Phase

    lives: list[Counter[str]] = []

    class Measured(PodLifecycleMachine):
        checked_invariants = ()

        def __init__(self) -> None:
            super().__init__()
            self.seen: Counter[str] = Counter()
            lives.append(self.seen)

        def on_step(self, transition: Transition) -> None:
            if transition.refused is not None:
                return
            self.seen["accepted"] += 1
            self.seen["time"] += transition.event.type == "TimePassed"
            status = transition.pod["status"]
            if status.get("phase") == "Running":
                self.seen["running"] = 1
            if status.get("phase") in ("Succeeded", "Failed") or transition.after.gone:
                self.seen["ended"] = 1
            for c in status.get("initContainerStatuses", []) + status.get("containerStatuses", []):
                if c["state"].get("waiting", {}).get("reason") == "CrashLoopBackOff":
                    self.seen["crash-loop"] = 1
                if c.get("restartCount", 0) > 0:
                    self.seen["restarted"] = 1

    run_state_machine_as_test(
        Measured,
        settings=settings(
            max_examples=120,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        ),
    )
    total: Counter[str] = Counter()
    for seen in lives:
        total.update(seen)
    n = len(lives)
    share = {k: total[k] / n for k in ("running", "restarted", "crash-loop", "ended")}
    print({k: f"{v:.0%}" for k, v in share.items()}, f"accepted/example {total['accepted'] / n:.1f}")
    assert share["running"] > 0.5
    assert share["restarted"] > 0.3 and share["crash-loop"] > 0.1 and share["ended"] > 0.35
    assert total["accepted"] / n > 9 and total["time"] / total["accepted"] < 0.4
