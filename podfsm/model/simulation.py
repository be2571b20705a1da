"""``podfsm.simulate``: run a pod manifest through lifecycle events on a virtual clock.

Returns one :class:`Step` per event; ``step.pod`` is the whole pod object (Kubernetes v1 JSON
shape, a plain dict) after the kubelet reacted, rendered on first access. The clock starts at
``metadata.creationTimestamp`` (``2026-01-01T00:00:00Z`` when there is none), so a run is
deterministic. An illegal event raises :class:`~podfsm.errors.IllegalEvent` with the index of
the event; the steps before it are on the exception as ``steps``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from podfsm.errors import IllegalEvent, ManifestError
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
    events_source: str = "<events>",
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

    Every event is checked before the first is applied: a malformed one is a
    :class:`~podfsm.errors.ManifestError` naming ``events_source`` and ``events[i].field``, as is
    an event that would take the pod's times past 9999-12-31T23:59:59Z. An illegal event raises
    :class:`~podfsm.errors.IllegalEvent` with the steps before it as ``steps``.
    :func:`iter_simulate` is the same run, one step at a time, keeping none of them.
    """
    steps: list[Step] = []
    try:
        for step in iter_simulate(
            pod,
            events,
            nodes=nodes,
            source=source,
            admit=admit,
            events_source=events_source,
            kubelet_config=kubelet_config,
        ):
            steps.append(step)
    except IllegalEvent as exc:
        exc.steps = steps  # type: ignore[attr-defined]
        raise
    return steps


def iter_simulate(
    pod: Mapping[str, Any] | Any,
    events: Iterable[Mapping[str, Any] | Any],
    *,
    nodes: Sequence[Any] | None = None,
    source: str = "<pod>",
    admit: bool = False,
    events_source: str = "<events>",
    kubelet_config: Any = None,
) -> Iterator[Step]:
    """:func:`simulate`, one :class:`Step` at a time as each is computed.

    Nothing is kept between steps, so a caller that writes each step and drops it runs in
    memory flat in the number of events (``podfsm simulate`` does). The manifest is admitted,
    the model built and every event checked *here*, before the iterator is returned, so input
    errors come before any output; ``events`` is read twice (to check, then to run) when it is a
    sequence, and copied into a list first otherwise. Errors are those of :func:`simulate`; an
    illegal event's ``steps`` is empty.
    """
    if isinstance(pod, Mapping):  # a dict from Python, not the loader: the loader's bounds first
        from podfsm.loader import check_values

        check_values({k: v for k, v in pod.items() if k != "status"}, source)
    from podfsm.model.kubelet_config import KubeletConfig, parse_kubelet_config

    config = (
        kubelet_config if isinstance(kubelet_config, KubeletConfig) else parse_kubelet_config(kubelet_config)
    )
    if admit:
        from podfsm.model.admission import admit as admit_pod

        # one cluster: the API server's gates are the kubelet configuration's (a RestartAllContainers
        # rule passes validation only with RestartAllContainersOnContainerExits on)
        pod = admit_pod(pod, source=source, feature_gates=config.feature_gates)
    model = PodModel(pod, source=source, kubelet_config=config)
    # read twice (check, then run): a sequence or another sized collection as it is, else a list
    evs = events if isinstance(events, Collection) and not isinstance(events, Iterator) else list(events)
    explicit = False
    for i, e in enumerate(evs):  # every event checked before the first one runs
        kind = parse_event(e, i, events_source).type
        explicit = explicit or kind in ("Scheduled", "Unschedulable")

    return _run(model, evs, nodes, explicit, events_source)


def _run(
    model: PodModel, evs: Iterable[Any], nodes: Sequence[Any] | None, explicit: bool, events_source: str
) -> Iterator[Step]:
    """The steps of a run whose input :func:`iter_simulate` has checked."""

    def auto_schedule() -> Step | None:
        if nodes is None or explicit or model.bound or model.gated or model.gone:
            return None
        from podfsm.model.scheduler import schedule

        event = schedule(model.render(), nodes).event
        if event is None:  # gated: nothing happens until the gates are removed
            return None
        state = model.apply(event)
        return Step(dict(event), state, model, automatic=True)

    first = auto_schedule()
    if first is not None:
        yield first
    for index, raw in enumerate(evs):
        ev = parse_event(raw, index, events_source)
        try:
            state = model.apply(ev)
        except IllegalEvent as exc:
            exc.index = index
            exc.args = (f"event #{index}: {exc}",)
            exc.steps = []  # type: ignore[attr-defined]
            raise
        except ManifestError as exc:
            if exc.source != "<event>":
                raise
            raise ManifestError(events_source, exc.problem, f"events[{index}].{exc.location}") from None
        yield Step(ev.to_dict(), state, model)
        if ev.type == "SchedulingGatesRemoved":
            step = auto_schedule()
            if step is not None:
                yield step


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
