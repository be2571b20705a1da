"""Illegal events: refused in every state with a message naming the event, container and state,
and the model left exactly as it was (interface.md section 3)."""

from __future__ import annotations

from typing import Any

import pytest

from podfsm.errors import IllegalEvent
from podfsm.model.pod import PodModel
from tests.scenario_dsl import SCHED, c, exit_, pod, probe, result, run, start, wait

# One way to bring container "app" into each container-machine state.
APP = c("app", readinessProbe=probe(), lifecycle={"postStart": {"exec": {"command": ["x"]}}})
REACH: dict[str, list[dict[str, Any]]] = {
    "Waiting": [SCHED],
    "ImagePullBackOff": [SCHED, {"type": "ImagePullFailed", "container": "app"}],
    "Running": [SCHED, start("app")],
    "Killing": [SCHED, {"type": "PostStartHookFailed", "container": "app"}],
    "CrashLoopBackOff": [SCHED, start("app"), exit_("app", 1), start("app"), exit_("app", 1)],
}
# Container events that are illegal in each state (each refused for a reason the state gives).
ILLEGAL: dict[str, list[dict[str, Any]]] = {
    "Waiting": [exit_("app", 0), result("app", "readiness", True)],
    "ImagePullBackOff": [
        start("app"),
        exit_("app", 0),
        {"type": "ImagePullFailed", "container": "app"},
        {"type": "ContainerCreateFailed", "container": "app"},
    ],
    "Running": [
        start("app"),
        {"type": "ImagePullFailed", "container": "app"},
        {"type": "PostStartHookFailed", "container": "app"},
    ],
    "Killing": [start("app"), {"type": "ContainerCreateFailed", "container": "app"}],
    "CrashLoopBackOff": [start("app"), exit_("app", 1), result("app", "readiness", True)],
}


@pytest.mark.parametrize("state", list(REACH))
def test_container_events_illegal_in_state(state: str) -> None:
    m = run(pod("Always", APP), *REACH[state])
    assert m.by_name["app"].state == state
    before = m.snapshot()
    rendered = m.render()
    for ev in ILLEGAL[state]:
        with pytest.raises(IllegalEvent) as err:
            m.apply(ev)
        msg = str(err.value)
        assert f"illegal event {ev['type']}" in msg
        assert "container 'app'" in msg
        assert state in msg or "probes run only while" in msg
        assert m.snapshot() == before
        assert m.render() == rendered


def test_unknown_container_names_the_containers_there_are() -> None:
    m = run(pod("Always", c("web"), c("db")), SCHED)
    with pytest.raises(IllegalEvent, match=r"no container 'cache' \(it has: web, db\)"):
        m.apply(start("cache"))


def test_events_before_scheduling_are_illegal() -> None:
    m = PodModel(pod())
    for ev in (start("app"), exit_("app", 0), {"type": "Evicted"}, {"type": "NodeLost"}):
        with pytest.raises(IllegalEvent, match="not bound"):
            m.apply(ev)


def test_nothing_happens_to_a_terminal_pod() -> None:
    m = run(pod("Never"), SCHED, start("app"), exit_("app", 0))
    assert m.phase == "Succeeded"
    for ev in (start("app"), {"type": "Evicted"}, result("app", "readiness", True)):
        with pytest.raises(IllegalEvent):
            m.apply(ev)
    m.apply(wait(100))  # time still passes


def test_scheduled_twice_and_gated_scheduling_are_illegal() -> None:
    m = run(pod(), SCHED)
    with pytest.raises(IllegalEvent, match="already bound to 'node-1'"):
        m.apply(SCHED)
    gated = PodModel(pod(schedulingGates=[{"name": "example.com/quota"}]))
    with pytest.raises(IllegalEvent, match="scheduling gates hold the pod"):
        gated.apply(SCHED)
    gated.apply({"type": "SchedulingGatesRemoved"})
    gated.apply(SCHED)


def test_probe_not_in_spec_is_illegal() -> None:
    m = run(pod(), SCHED, start("app"))
    with pytest.raises(IllegalEvent, match="has no liveness probe"):
        m.apply(result("app", "liveness", False))


def test_illegal_event_in_the_middle_of_a_kubelet_reaction_rolls_back() -> None:
    """Even an error raised after the model started changing restores the previous state."""
    m = run(pod(), SCHED, start("app"))
    before = m.snapshot()

    def boom(*_: object) -> None:
        raise IllegalEvent("ContainerExited", "injected failure")

    m._exited = boom  # type: ignore[method-assign]
    with pytest.raises(IllegalEvent, match="injected"):
        m.apply(exit_("app", 1))
    assert m.snapshot() == before
    assert m.by_name["app"].state == "Running"
