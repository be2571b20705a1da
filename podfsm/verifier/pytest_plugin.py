"""podfsm's pytest plugin: fixtures to step the pod model beside the system under test.

Installing podfsm registers this module under pytest's ``pytest11`` entry point, so every test
suite in the environment gets these fixtures without a ``conftest.py``:

==========================  =================================================================
``pod_model``               a factory: ``pod_model(manifest)`` -> :class:`~podfsm.model.pod.PodModel`
``pod_lockstep``            a factory: ``pod_lockstep(manifest)`` -> :class:`Lockstep`, which applies
                            events, checks every invariant after each one and returns the pod
                            object, for comparing with what your system says
``podfsm_invariants``       the invariant registry (:data:`podfsm.verifier.invariants.INVARIANTS`)
==========================  =================================================================

The strategies live in :mod:`podfsm.verifier.strategies` (``pod_specs``, ``event_scripts``,
``pods_with_status``); the state machine in :mod:`podfsm.verifier.stateful`. Nothing heavy is imported
until a fixture is used, so the plugin costs nothing in suites that do not use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from podfsm.model.pod import PodModel
    from podfsm.verifier.invariants import Invariant, Observation, Transition

__all__ = ["Lockstep", "pod_lockstep", "pod_model", "podfsm_invariants"]


class Lockstep:
    """The model of one pod, stepped event by event, with every invariant checked after each step.

    ``apply(event)`` returns the pod object after the kubelet's reaction (Kubernetes v1 JSON
    shape) and raises :class:`podfsm.IllegalEvent` for an event that cannot happen, or
    :class:`podfsm.verifier.stateful.InvariantViolated` (an ``AssertionError`` whose message is the
    replayable script) when the model breaks an invariant.
    """

    def __init__(self, manifest: Mapping[str, Any], invariants: Iterable[Invariant] | None = None) -> None:
        from podfsm.model.pod import PodModel
        from podfsm.verifier.invariants import Context, Observation

        self.manifest = dict(manifest)
        self.model: PodModel = PodModel(self.manifest)
        self.context = Context.of(self.model)
        self.invariants = None if invariants is None else tuple(invariants)
        self.events: list[dict[str, Any]] = []
        self.transitions: list[Transition] = []
        first = self.model.snapshot()
        self.history: list[Observation] = [Observation(self.context.published(first), float(first.now), None)]
        """Every published pod so far, with its time and event: what the published invariants judge."""

    @property
    def pod(self) -> dict[str, Any]:
        """The pod object now."""
        return self.model.render()

    def apply(self, event: Mapping[str, Any] | Any) -> dict[str, Any]:
        """Apply one event; return the pod object after it."""
        from podfsm.errors import IllegalEvent
        from podfsm.model.events import parse_event
        from podfsm.verifier.invariants import Observation, Transition, check
        from podfsm.verifier.stateful import InvariantViolated

        ev = parse_event(event)
        before = self.model.snapshot()
        try:
            after = self.model.apply(ev)
        except IllegalEvent as exc:
            refused = Transition(self.context, before, ev, self.model.snapshot(), refused=exc)
            problems = check(refused, self.invariants)
            if problems:
                raise InvariantViolated(self.manifest, [*self.events, ev.to_dict()], problems[0]) from exc
            raise
        self.events.append(ev.to_dict())
        self.history.append(Observation(self.context.published(after), float(after.now), ev.to_dict()))
        t = Transition(self.context, before, ev, after, history=tuple(self.history))
        self.transitions.append(t)
        problems = check(t, self.invariants)
        if problems:
            raise InvariantViolated(self.manifest, self.events, problems[0])
        return t.pod

    def run(self, events: Iterable[Mapping[str, Any] | Any]) -> dict[str, Any]:
        """Apply every event in turn; return the last pod object."""
        pod = self.pod
        for ev in events:
            pod = self.apply(ev)
        return pod


@pytest.fixture
def pod_model() -> Callable[[Mapping[str, Any]], PodModel]:
    """A factory of pod models: ``pod_model(manifest)`` -> a fresh :class:`PodModel`."""
    from podfsm.model.pod import PodModel

    def make(manifest: Mapping[str, Any]) -> PodModel:
        return PodModel(manifest)

    return make


@pytest.fixture
def pod_lockstep() -> Callable[..., Lockstep]:
    """A factory of :class:`Lockstep` runs: ``pod_lockstep(manifest, invariants=None)``."""

    def make(manifest: Mapping[str, Any], invariants: Iterable[Invariant] | None = None) -> Lockstep:
        return Lockstep(manifest, invariants)

    return make


@pytest.fixture
def podfsm_invariants() -> Mapping[str, Invariant]:
    """Every invariant of :mod:`podfsm.verifier.invariants`, by name."""
    from podfsm.verifier.invariants import INVARIANTS

    return INVARIANTS
