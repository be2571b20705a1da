"""``podfsm.simulate``: run a pod manifest through lifecycle events on a virtual clock.

Returns one :class:`Step` per event; ``step.pod`` is the whole pod object (Kubernetes v1 JSON
shape, a plain dict) after the kubelet reacted, rendered on first access. The clock starts at
``metadata.creationTimestamp`` (``2026-01-01T00:00:00Z`` when there is none), so a run is
deterministic. An illegal event raises :class:`~podfsm.errors.IllegalEvent` with the index of
the event; the steps before it are on the exception as ``steps``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from podfsm.errors import IllegalEvent
from podfsm.model.events import parse_event
from podfsm.model.pod import PodModel, PodState


@dataclass
class Step:
    """One event and the pod after the kubelet's reaction to it."""

    event: dict[str, Any]
    state: PodState
    model: PodModel = field(repr=False)
    automatic: bool = False  # produced by podfsm (e.g. the scheduler), not given by the caller
    _pod: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def pod(self) -> dict[str, Any]:
        """The pod object after this step (rendered once, then cached)."""
        if self._pod is None:
            self._pod = self.model.render(self.state)
        return self._pod

    def to_dict(self) -> dict[str, Any]:
        """``{"event": ..., "pod": ...}`` as ``podfsm simulate -o json`` prints it."""
        return {"event": self.event, "pod": self.pod}


def simulate(
    pod: Mapping[str, Any] | Any,
    events: Iterable[Mapping[str, Any] | Any],
    *,
    nodes: Sequence[Any] | None = None,
    source: str = "<pod>",
    admit: bool = False,
    kubelet_config: Any = None,
) -> list[Step]:
    """Run ``pod`` through ``events``; one :class:`Step` per event.

    With ``nodes`` (a list of :class:`podfsm.model.scheduler.Node`), a pod that is not bound is
    scheduled automatically (a ``Scheduled`` or ``Unschedulable`` step) whenever no event
    given in ``events`` does it and the scheduler may consider the pod. With ``admit``, the
    manifest is first validated and defaulted as the API server does (:mod:`podfsm.model.admission`).
    ``kubelet_config`` is a :class:`~podfsm.model.kubelet_config.KubeletConfig` or a
    KubeletConfiguration mapping (:func:`~podfsm.model.kubelet_config.parse_kubelet_config`;
    ManifestError when it is wrong); None means v1.35's defaults.
    """
    if admit:
        from podfsm.model.admission import admit as admit_pod

        pod = admit_pod(pod, source=source)
    from podfsm.model.kubelet_config import KubeletConfig, parse_kubelet_config

    config = (
        kubelet_config if isinstance(kubelet_config, KubeletConfig) else parse_kubelet_config(kubelet_config)
    )
    model = PodModel(pod, source=source, kubelet_config=config)
    evs = list(events)
    typed = [parse_event(e, i) for i, e in enumerate(evs)]
    explicit = any(getattr(e, "type", None) in ("Scheduled", "Unschedulable") for e in typed)
    steps: list[Step] = []

    def auto_schedule() -> None:
        if nodes is None or explicit or model.bound or model.gated or model.gone:
            return
        from podfsm.model.scheduler import schedule

        event = schedule(model.render(), nodes).event
        if event is None:  # gated: nothing happens until the gates are removed
            return
        state = model.apply(event)
        steps.append(Step(dict(event), state, model, automatic=True))

    auto_schedule()
    for index, ev in enumerate(typed):
        try:
            state = model.apply(ev)
        except IllegalEvent as exc:
            exc.index = index
            exc.args = (f"event #{index}: {exc}",)
            exc.steps = steps  # type: ignore[attr-defined]
            raise
        steps.append(Step(ev.to_dict(), state, model))
        if ev.type == "SchedulingGatesRemoved":
            auto_schedule()
    return steps


def event_summary(event: Mapping[str, Any]) -> str:
    """One-line text for an event: ``ContainerExited app exitCode=1``."""
    parts = [str(event.get("type"))]
    if "container" in event:
        parts.append(str(event["container"]))
    for k, v in event.items():
        if k in ("type", "container"):
            continue
        parts.append(f"{k}={v}")
    return " ".join(parts)
