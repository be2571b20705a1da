"""A Hypothesis state machine over the composed pod model that checks every invariant after every step.

:class:`PodLifecycleMachine` draws a pod (:func:`podfsm.verifier.strategies.pod_specs`) and a flavour,
then, step by step, an event the world could send (:func:`podfsm.verifier.strategies.next_event`, now and
then one the model must refuse), applies it, and checks the invariants of
:mod:`podfsm.verifier.invariants` on the step: the model self-checks on the model's states, the
invariants over the published pod on the whole history of published pods so far
(:attr:`PodLifecycleMachine.history`). A failure raises :class:`InvariantViolated`, whose message
is the shrunk counterexample: the invariant and its statement, the violating step as a diff of the
published fields that matter, then the pod and the event list in the ``podfsm simulate`` format,
ready to save and replay::

    podfsm simulate pod.json events.json

Use it in pytest as ``TestPodLifecycle = PodLifecycleMachine.TestCase``, or
subclass it: set :attr:`~PodLifecycleMachine.pods` to draw your own pods, override
:meth:`~PodLifecycleMachine.model_for` to step a different model, or
:meth:`~PodLifecycleMachine.on_step` to drive the system under test with the same events and
compare it with ``transition.pod``::

    class MySystemMachine(PodLifecycleMachine):
        def on_step(self, transition):
            if transition.refused is None:
                mine = my_system.apply(transition.event.to_dict())
                assert mine["status"]["phase"] == transition.pod["status"]["phase"]
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from podfsm.errors import IllegalEvent
from podfsm.model.pod import PodModel
from podfsm.verifier.invariants import Context, Invariant, Observation, Transition, Violation, check
from podfsm.verifier.strategies import FLAVOURS, next_event, pod_specs

__all__ = ["InvariantViolated", "PodLifecycleMachine", "format_counterexample"]


def format_counterexample(
    pod: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    violation: Violation,
    model_factory: Callable[[Mapping[str, Any]], Any] | None = None,
) -> str:
    """A violation as people read it: the invariant and its statement, the last step as a diff of
    the published fields that matter (:func:`podfsm.verifier.explain.explain`, replayed on
    ``model_factory``), then the script as ``podfsm simulate`` reads it: the pod file and the
    events file."""
    from podfsm.verifier.explain import explain

    lines = [
        explain(pod, events, violation.invariant, violation.message, model_factory=model_factory),
        f"replay with `podfsm simulate pod.json events.json` ({len(events)} events):",
        "--- pod.json",
        json.dumps(pod),
        "--- events.json",
        "[",
    ]
    lines += [f"  {json.dumps(dict(e))}{',' if i < len(events) - 1 else ''}" for i, e in enumerate(events)]
    lines.append("]")
    return "\n".join(lines)


class InvariantViolated(AssertionError):
    """An invariant failed; ``str()`` is the counterexample in the ``podfsm simulate`` format."""

    def __init__(
        self,
        pod: Mapping[str, Any],
        events: Sequence[Mapping[str, Any]],
        violation: Violation,
        model_factory: Callable[[Mapping[str, Any]], Any] | None = None,
    ) -> None:
        self.pod = dict(pod)
        self.events = [dict(e) for e in events]
        self.violation = violation
        super().__init__(format_counterexample(self.pod, self.events, violation, model_factory))


class PodLifecycleMachine(RuleBasedStateMachine):
    """Steps the pod model with drawn events and checks every invariant after every step."""

    pods: ClassVar[st.SearchStrategy[dict[str, Any]]] = pod_specs()
    """The pods to draw (override in a subclass to test your own)."""

    checked_invariants: ClassVar[Sequence[Invariant] | None] = None
    """The invariants to check (default: all of :data:`podfsm.verifier.invariants.INVARIANTS`)."""

    illegal_every: ClassVar[int] = 8
    """About one step in this many draws from events the model may have to refuse."""

    def __init__(self) -> None:
        super().__init__()
        self.pod: dict[str, Any] = {}
        self.model: PodModel | None = None
        self.context: Context | None = None
        self.flavour = "anything"
        self.script: list[dict[str, Any]] = []
        self.last: Transition | None = None
        self.refused_event: dict[str, Any] | None = None
        self.history: list[Observation] = []  # every published pod so far, for the published invariants

    def model_for(self, pod: Mapping[str, Any]) -> PodModel:
        """The model to step for ``pod`` (override to check a variant)."""
        return PodModel(pod)

    def on_step(self, transition: Transition) -> None:
        """Called after each step, accepted or refused: drive your system under test here."""

    @initialize(data=st.data())
    def create_pod(self, data: st.DataObject) -> None:
        """Draw a pod and what its life leans toward."""
        self.pod = data.draw(self.pods, label="pod")
        self.flavour = data.draw(st.sampled_from(FLAVOURS), label="flavour")
        self.model = self.model_for(self.pod)
        self.context = Context.of(self.model)
        first = self.model.snapshot()
        self.history = [Observation(self.context.published(first), float(first.now), None)]
        self.last = Transition(self.context, None, None, first, history=tuple(self.history))

    @rule(data=st.data())
    def send_event(self, data: st.DataObject) -> None:
        """The world sends one event; the model reacts or refuses it."""
        model, context = self.model, self.context
        assert model is not None and context is not None
        # the largest draw is the rare one: a shrunk example steps through legal events
        wild = (
            model.gone
            or data.draw(st.integers(0, self.illegal_every - 1), label="wild") == self.illegal_every - 1
        )
        ev = data.draw(next_event(model, self.flavour, include_illegal=wild), label="event")
        before = model.snapshot()
        self.script.append(ev.to_dict())
        try:
            after = model.apply(ev)
        except IllegalEvent as exc:
            # the refused event is judged on the whole history, its pod the last one published
            refused = Observation(self.history[-1].pod, float(before.now), ev.to_dict())
            self.last = Transition(
                context, before, ev, model.snapshot(), refused=exc, history=(*self.history, refused)
            )
            self.on_step(self.last)
            self.script.pop()  # simulate stops at a refused event; keep the script replayable
            self.refused_event = ev.to_dict()
            return
        self.refused_event = None
        self.history.append(Observation(context.published(after), float(after.now), ev.to_dict()))
        self.last = Transition(context, before, ev, after, history=tuple(self.history))
        self.on_step(self.last)

    @invariant()
    def invariants_hold(self) -> None:
        """Every invariant holds on the last step."""
        if self.last is None:
            return
        violations = check(self.last, self.checked_invariants)
        if violations:
            events = list(self.script)
            if self.last.refused is not None and self.refused_event is not None:
                events.append(self.refused_event)
            raise InvariantViolated(self.pod, events, violations[0], self.model_for)
