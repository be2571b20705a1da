"""Exhaustive exploration of a bounded pod: every reachable state, every invariant, shortest counterexamples.

The explorer plays the world against :class:`~podfsm.model.pod.PodModel`: from each state it
tries every event the world could send (:class:`EventCatalogue`), keeps those the model does
not refuse, and visits the resulting states breadth first. Breadth first means the first
violation found for an invariant comes with a shortest event script; the script is concrete
(real container names, real times), so ``podfsm simulate POD EVENTS`` replays it.

The abstraction
---------------

A state is a :class:`~podfsm.model.pod.PodState` seen through :class:`KeyBuilder`:

- **Time is relative.** Every absolute time becomes its distance from ``now``: the time left
  until a deadline (back-off restart, image-pull retry, SIGKILL, taint eviction, the end of a
  grace period), or the age of a past instant, capped where nothing can tell ages apart any
  more: a crash or image back-off entry older than 601 s (its 600 s expiry has passed), a run
  older than its probes' ``initialDelaySeconds``. Times that are only shown (``startTime``,
  ``startedAt``/``finishedAt`` of past runs, ``lastTransitionTime``) are dropped. A crash
  back-off entry's age is kept only while the container may still exit: in CrashLoopBackOff
  the kubelet already decided.
- **Time moves only to the instants that matter.** ``TimePassed`` is offered with exactly the
  seconds to the nearest of: the model's own deadlines, the expiry of a back-off entry (600 s +
  1 after its update) and the end of a probe's initial delay. Between two such instants every
  event has the same effect.
- **Counters are capped.** ``restartCount`` is kept up to ``restart_cap`` (1 by default: the
  kubelet shows it but never decides on it); a run of equal probe results up to its threshold.
- **Messages are dropped**: each is a function of the rest of the state.
- **Symmetry.** Regular containers whose specs differ only in name are interchangeable: their
  per-container keys are sorted, so the permutations of one state count once. The state kept
  for each key is the first concrete one reached, so counterexamples keep concrete names.

Fields the key does not know (added to the model later) are kept as they are, so a new field
can only make states more distinct, never merge states that differ.

The world
---------

Events tried (a superset of the legal ones; the model refuses the rest): ``Scheduled`` on
``node-1``, ``Unschedulable``, ``SchedulingGatesRemoved``; for each container
``ContainerStarted``, ``ContainerExited`` with exit codes 0 and 1, ``ImagePullFailed``
(``ErrImagePull``), ``ContainerCreateFailed``, ``ContainerStartFailed`` (StartError, exit 128),
``PostStartHookFailed`` (with a postStart hook),
``ProbeResult`` for each probe it has with ``Success`` and ``Failure``; ``PodConditionSet``
True/False for each readiness gate; ``DeletionRequested`` (the spec's grace period),
``Evicted``, ``NodeLost``, ``SandboxCreateFailed`` and ``TimePassed`` as above. ``SpecUpdated``
is not tried (its values are unbounded); the Hypothesis strategies try it. A container event is
tried only when the container machine's table has a row for it from the container's state
(``CONTAINER_MACHINE.rows_from``). Image pulls fail only before a container first ran.

:class:`Bounds` can leave more out to keep a large pod's space small: states where a container
restarted more than ``maxRestarts`` times are not kept, image pulls fail only until the image
back-off reaches ``maxImageBackoff``, the runtime's creation failures (``ContainerCreateFailed``,
``ContainerStartFailed``, ``SandboxCreateFailed``) are not tried, time does not run
to back-off expiries. A pod carries its bounds in the annotation ``podfsm.io/explore`` (JSON), so
a manifest given to ``podfsm check --exhaustive`` is explored the way it says.

:data:`STANDARD_CONFIGURATIONS` is the matrix ``tests/data/explorer_counts.json`` pins: each
shape under each restart policy, without and with probes.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

from podfsm.errors import IllegalEvent
from podfsm.model import pod as pod_model
from podfsm.model.events import (
    ContainerCreateFailed,
    ContainerExited,
    ContainerStarted,
    ContainerStartFailed,
    DeletionRequested,
    Evicted,
    ImagePullFailed,
    NodeLost,
    PodConditionSet,
    PostStartHookFailed,
    ProbeResult,
    SandboxCreateFailed,
    Scheduled,
    SchedulingGatesRemoved,
    TimePassed,
    Unschedulable,
    parse_event,
)
from podfsm.model.machines import container as ctm
from podfsm.model.machines.container import CONTAINER_MACHINE
from podfsm.model.pod import ContainerRecord, ContainerState, PodModel, PodState, Termination
from podfsm.model.spec import ContainerSpec
from podfsm.verifier.configurations import (
    BOUNDS_ANNOTATION,
    STANDARD_CONFIGURATIONS,
    UNBOUNDED,
    Bounds,
    Configuration,
    standard_configuration,
)
from podfsm.verifier.invariants import INVARIANTS, Context, Invariant, Transition, Violation, check
from podfsm.vocab import ProbeKind, ProbeOutcome

__all__ = [
    "BOUNDS_ANNOTATION",
    "NODE",
    "STANDARD_CONFIGURATIONS",
    "Bounds",
    "Configuration",
    "Counterexample",
    "EventCatalogue",
    "Exploration",
    "KeyBuilder",
    "ModelFactory",
    "explore",
    "next_instant",
    "replay",
    "standard_configuration",
]

ModelFactory = Callable[[Mapping[str, Any]], PodModel]
"""Builds the model to explore from a manifest: :class:`PodModel`, or a mutant of it."""

NODE = "node-1"
EXIT_CODES = (0, 1)

EXPIRY_STEP = 1.0  # a back-off entry has expired 1 s after its 600 s window
CRASH_AGE_CAP = pod_model.CRASH_BACKOFF_RESET + EXPIRY_STEP  # 601
PULL_AGE_CAP = pod_model.IMAGE_BACKOFF_RESET + EXPIRY_STEP  # 601
_DECIDED = (ctm.CRASH_LOOP_BACK_OFF, ctm.TERMINATED)
_NONE = -1.0


# ----------------------------------------------------------------------------------- events


_WORLD_TRIGGERS: dict[str, frozenset[str]] = {
    s: frozenset(r.trigger for r in CONTAINER_MACHINE.rows_from(s) if r.trigger[0].isupper())
    for s in CONTAINER_MACHINE.state_names
}


_CREATE_FAILURES = frozenset({"ContainerCreateFailed", "ContainerStartFailed"})


@dataclass(frozen=True)
class _ContainerEvents:
    """The events the world may send about one container, by the machine trigger they fire."""

    index: int
    by_trigger: tuple[tuple[str, tuple[Any, ...]], ...]
    probes: tuple[Any, ...]


def _container_events(index: int, spec: ContainerSpec) -> _ContainerEvents:
    name = spec.name
    by_trigger: list[tuple[str, tuple[Any, ...]]] = [
        ("ContainerStarted", (ContainerStarted(container=name),)),
        ("ContainerExited", tuple(ContainerExited(container=name, exit_code=code) for code in EXIT_CODES)),
        ("ImagePullFailed", (ImagePullFailed(container=name),)),
        ("ContainerCreateFailed", (ContainerCreateFailed(container=name),)),
        ("ContainerStartFailed", (ContainerStartFailed(container=name),)),
    ]
    if spec.post_start:
        by_trigger.append(("PostStartHookFailed", (PostStartHookFailed(container=name),)))
    probes = tuple(
        ProbeResult(container=name, probe=kind, result=result)
        for kind in (ProbeKind.STARTUP, ProbeKind.LIVENESS, ProbeKind.READINESS)
        if kind in spec.probes
        for result in (ProbeOutcome.SUCCESS, ProbeOutcome.FAILURE)
    )
    return _ContainerEvents(index, tuple(by_trigger), probes)


class EventCatalogue:
    """Every event the world may send to one pod, built once from its spec."""

    def __init__(self, model: PodModel, bounds: Bounds = UNBOUNDED) -> None:
        self.bounds = bounds
        self.containers = tuple(_container_events(i, r.spec) for i, r in enumerate(model.records))
        self.scheduled = Scheduled(node=NODE)
        self.unschedulable = Unschedulable()
        self.gates_removed = SchedulingGatesRemoved()
        self.conditions = tuple(
            PodConditionSet(condition_type=gate, status=status)
            for gate in model.spec.readiness_gates
            for status in ("True", "False")
        )
        self.deletion = DeletionRequested()
        self.evicted = Evicted()
        self.node_lost = NodeLost()
        self.sandbox_failed = SandboxCreateFailed()

    def may_pull(self, rec: Any) -> bool:
        """Image pulls fail only before the first run, and only until the back-off reaches the bound."""
        if rec.ever_ran:
            return False
        limit = self.bounds.max_image_backoff
        return limit is None or rec.pull_delay < limit

    def candidates(self, model: PodModel) -> list[Any]:
        """The events worth trying now: a superset of the legal ones, in a fixed order."""
        if model.gone:
            return []
        out: list[Any] = []
        if not model.bound:
            out.append(self.gates_removed if model.gated else self.scheduled)
            if not model.gated:
                out.append(self.unschedulable)
        elif model.node_lost_at is None:  # nothing from a lost node is observed
            records = model.records
            for ce in self.containers:
                rec = records[ce.index]
                allowed = _WORLD_TRIGGERS[rec.state]
                for trigger, events in ce.by_trigger:
                    if trigger not in allowed:
                        continue
                    if trigger == "ImagePullFailed" and not self.may_pull(rec):
                        continue
                    if trigger in _CREATE_FAILURES and not self.bounds.create_failures:
                        continue
                    out.extend(events)
                if ce.probes and rec.state in ctm.ALIVE:
                    out.extend(ce.probes)
        out.extend(self.conditions)
        out.append(self.deletion)
        if model.bound and model.node_lost_at is None:
            out.append(self.evicted)
            out.append(self.node_lost)
            if self.bounds.create_failures and not model.stopping:
                out.append(self.sandbox_failed)
        wait = next_instant(model, expiries=self.bounds.expiries)
        if wait is not None:
            out.append(TimePassed(seconds=wait))
        return out


def next_instant(model: PodModel, *, expiries: bool = True) -> float | None:
    """Seconds until the next instant that matters, or None when waiting changes nothing.

    The model's own deadlines, the expiry of a crash or image back-off entry (with
    ``expiries``), and the end of a probe's initial delay.
    """
    if model.gone:
        return None
    now = model.now
    due = model._next_deadline()
    best = None if due is None else due - now
    if model.node_lost_at is None and not model.stopping:
        for rec in model.records:
            for left in _instants(rec, now, expiries):
                if left > 0 and (best is None or left < best):
                    best = left
    if best is None or best <= 0:
        return None
    return best


def _instants(rec: Any, now: float, expiries: bool) -> Iterator[float]:
    if expiries and rec.bo_updated is not None and rec.state not in _DECIDED:
        yield rec.bo_updated + pod_model.CRASH_BACKOFF_RESET + EXPIRY_STEP - now
    if expiries and rec.pull_updated is not None and not rec.ever_ran:
        yield rec.pull_updated + pod_model.IMAGE_BACKOFF_RESET + EXPIRY_STEP - now
    if rec.state in ctm.ALIVE and rec.started_at is not None:
        for probe in rec.spec.probes.values():
            yield rec.started_at + probe.initial_delay_seconds - now


# ----------------------------------------------------------------------------------- the key


_CONTAINER_KNOWN = frozenset(("state", *ContainerRecord._FIELDS))  # the record's own field list
_CONTAINER_EXTRA = tuple(f.name for f in fields(ContainerState) if f.name not in _CONTAINER_KNOWN)
_POD_KNOWN = frozenset(
    {
        "now",
        "bound",
        "node",
        "gated",
        "unschedulable",
        "start_time",
        "initialized",
        "deletion_at",
        "deletion_grace",
        "stopping",
        "pod_reason",
        "pod_message",
        "disruption",
        "node_lost_at",
        "sandbox_gone",
        "gone",
        "phase",
        "containers",
        "conditions",
        "custom_conditions",
        "pending_failure",
        "stop_started_at",
        "stop_grace",
        "deletion_requested_at",
    }
)
_POD_EXTRA = tuple(f.name for f in fields(PodState) if f.name not in _POD_KNOWN)


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    if not names:
        return lambda _: ()
    get = attrgetter(*names)
    if len(names) == 1:
        return lambda o: (get(o),)
    return get


_container_extra = _getter(_CONTAINER_EXTRA)
_pod_extra = _getter(_POD_EXTRA)


class KeyBuilder:
    """The explorer's key of a :class:`PodState` for one pod spec (see the module doc)."""

    def __init__(
        self, specs: Sequence[ContainerSpec], *, restart_cap: int = 1, symmetry: bool = True
    ) -> None:
        self.restart_cap = restart_cap
        self.delay_caps = tuple(
            float(max((p.initial_delay_seconds for p in s.probes.values()), default=0)) for s in specs
        )
        # A run of equal probe results matters only up to its threshold: runs >= threshold - 1
        # behave alike, and with every threshold 1 the last result does not matter at all.
        self.run_caps = tuple(
            max((max(p.success_threshold, p.failure_threshold) for p in s.probes.values()), default=1) - 1
            for s in specs
        )
        groups: dict[Any, list[int]] = {}
        for i, s in enumerate(specs):
            ident: Any = (
                (
                    s.image,
                    s.restart_policy,
                    s.rules,
                    tuple(sorted(s.probes.items())),
                    s.post_start,
                    s.pre_stop,
                )
                if s.is_regular and symmetry
                else i
            )
            groups.setdefault(ident, []).append(i)
        self.groups = tuple(tuple(g) for g in groups.values())
        self.symmetric = any(len(g) > 1 for g in self.groups)

    def container(self, i: int, c: ContainerState, now: float) -> tuple[Any, ...]:
        """One container's part of the key."""
        state = c.state
        cap = self.run_caps[i]
        # A crash back-off entry's age is asked about when the container exits (older than
        # 600 s: start again at 10 s); in CrashLoopBackOff or Terminated that is decided.
        crash_age = (
            min(now - c.bo_updated, CRASH_AGE_CAP)
            if c.bo_updated is not None and state not in _DECIDED
            else _NONE
        )
        pull: tuple[Any, ...] = (
            ()
            if c.ever_ran  # image pulls fail only before the first run
            else (
                c.pull_delay,
                _NONE if c.pull_updated is None else min(now - c.pull_updated, PULL_AGE_CAP),
                _left(c.retry_at, now),
            )
        )
        return (
            state,
            c.waiting_reason,
            _NONE if c.started_at is None else min(now - c.started_at, self.delay_caps[i]),
            c.started,
            c.ready,
            _term(c.term),
            _term(c.last_term),
            min(c.restart_count, self.restart_cap),
            c.bo_delay,
            crash_age,
            _left(c.restart_at, now),
            pull,
            _left(c.kill_deadline, now),
            c.kill_cause or "",
            tuple((r, min(n, cap)) for r, n in c.probe_runs) if cap > 0 else (),
            c.ever_ran,
            _container_extra(c),
        )

    def key(self, s: PodState) -> tuple[Any, ...]:
        """The key of ``s``: equal keys behave alike (module doc)."""
        now = s.now
        cs = s.containers
        if self.symmetric:
            parts: list[Any] = []
            for g in self.groups:
                if len(g) == 1:
                    parts.append(self.container(g[0], cs[g[0]], now))
                else:
                    parts.extend(sorted(self.container(i, cs[i], now) for i in g))
            containers = tuple(parts)
        else:
            containers = tuple(self.container(i, c, now) for i, c in enumerate(cs))
        stop_left = (
            _NONE
            if s.stop_started_at is None or s.stop_grace is None
            else s.stop_started_at + s.stop_grace - now
        )
        return (
            s.bound,
            s.gated,
            s.unschedulable is not None,
            s.initialized,
            _left(s.deletion_at, now),
            s.deletion_grace,
            _NONE if s.deletion_requested_at is None else now - s.deletion_requested_at,
            s.stopping,
            stop_left,
            s.stop_grace,
            s.pod_reason or "",
            s.pending_failure[:2] if s.pending_failure else (),
            s.disruption[0] if s.disruption else "",
            _NONE if s.node_lost_at is None else now - s.node_lost_at,
            s.sandbox_gone,
            s.gone,
            s.phase,
            tuple((c.state, c.reason) for c in s.conditions),
            tuple(c[:3] for c in s.custom_conditions),
            _pod_extra(s),
            containers,
        )


def _left(t: float | None, now: float) -> float:
    return _NONE if t is None else max(t - now, 0.0)


def _term(t: Termination | None) -> tuple[Any, ...]:
    return () if t is None else (t.exit_code, t.reason, t.signal or 0)


# ----------------------------------------------------------------------------------- exploration


@dataclass(frozen=True)
class Counterexample:
    """A violation and the shortest event script that reaches it, ready for ``podfsm simulate``."""

    invariant: str
    message: str
    manifest: Mapping[str, Any]
    events: tuple[dict[str, Any], ...]
    configuration: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "invariant": self.invariant,
            "message": self.message,
            "configuration": self.configuration,
            "pod": dict(self.manifest),
            "events": list(self.events),
        }


@dataclass
class Exploration:
    """What one exhaustive run saw."""

    configuration: str
    bounds: Bounds = UNBOUNDED
    states: int = 0
    transitions: int = 0
    depth: int = 0
    refused: int = 0
    pruned: int = 0
    seconds: float = 0.0
    complete: bool = True
    violations: list[Counterexample] = field(default_factory=list)

    @property
    def states_per_second(self) -> float:
        return self.states / self.seconds if self.seconds > 0 else 0.0

    @property
    def ok(self) -> bool:
        return not self.violations

    def counts(self) -> dict[str, int]:
        """The figures ``tests/data/explorer_counts.json`` pins."""
        return {"distinctStates": self.states, "transitions": self.transitions, "depth": self.depth}

    def to_dict(self) -> dict[str, Any]:
        return {
            "configuration": self.configuration,
            **self.counts(),
            "refused": self.refused,
            "pruned": self.pruned,
            "bounds": self.bounds.to_dict(),
            "complete": self.complete,
            "seconds": round(self.seconds, 3),
            "statesPerSecond": round(self.states_per_second, 1),
            "violations": [v.to_dict() for v in self.violations],
        }


def explore(
    manifest: Mapping[str, Any],
    *,
    name: str = "",
    invariants: Iterable[Invariant] | None = None,
    model_factory: ModelFactory | None = None,
    bounds: Bounds | None = None,
    restart_cap: int = 1,
    symmetry: bool = True,
    max_states: int | None = None,
    max_depth: int | None = None,
    stop_at_first: bool = False,
) -> Exploration:
    """Visit every reachable state of ``manifest`` breadth first, checking ``invariants``.

    Returns the counts and, for each invariant violated, the first (so a shortest)
    counterexample. ``bounds`` default to the manifest's ``podfsm.io/explore`` annotation.
    ``max_states`` / ``max_depth`` cut the search (``complete`` is then False);
    ``stop_at_first`` stops at the first violation.
    """
    factory: ModelFactory = model_factory or PodModel
    checked = tuple(INVARIANTS.values()) if invariants is None else tuple(invariants)
    state_invs = tuple(i for i in checked if i.scope == "state")
    step_invs = tuple(i for i in checked if i.scope == "step")
    refusal_invs = tuple(i for i in checked if i.scope == "refusal")
    if bounds is None:
        bounds = Bounds.from_manifest(manifest, name or "<pod>")

    model = factory(manifest)
    ctx = Context.of(model)
    catalogue = EventCatalogue(model, bounds)
    keys = KeyBuilder(ctx.containers, restart_cap=restart_cap, symmetry=symmetry)
    max_restarts = bounds.max_restarts
    result = Exploration(name or str(ctx.spec.name), bounds)
    started = time.perf_counter()

    root = model.snapshot()
    states: list[PodState] = [root]
    parents: list[tuple[int, dict[str, Any] | None]] = [(-1, None)]
    depths = [0]
    seen: dict[Any, int] = {keys.key(root): 0}
    found: dict[str, Counterexample] = {}

    def script(index: int, last: Any) -> tuple[dict[str, Any], ...]:
        out: list[dict[str, Any]] = []
        while index > 0:
            index, ev = parents[index]
            assert ev is not None
            out.append(ev)
        out.reverse()
        if last is not None:
            out.append(last.to_dict())
        return tuple(out)

    def record(violations: list[Violation], index: int, last: Any) -> None:
        for v in violations:
            if v.invariant not in found:
                found[v.invariant] = Counterexample(
                    v.invariant, v.message, manifest, script(index, last), result.configuration
                )

    record(check(Transition(ctx, None, None, root), state_invs), 0, None)
    queue: deque[int] = deque([0])
    while queue:
        if stop_at_first and found:
            result.complete = False
            break
        index = queue.popleft()
        depth = depths[index]
        if max_depth is not None and depth >= max_depth:
            result.complete = False
            continue
        source = states[index]
        model.restore(source)
        for ev in catalogue.candidates(model):
            try:
                after = model.apply(ev)
            except IllegalEvent as exc:  # the model restored itself
                result.refused += 1
                if refusal_invs:
                    now = model.snapshot()
                    record(check(Transition(ctx, source, ev, now, refused=exc), refusal_invs), index, ev)
                    if now != source:
                        model.restore(source)
                continue
            result.transitions += 1
            t = Transition(ctx, source, ev, after)
            if step_invs:
                record(check(t, step_invs), index, ev)
            if max_restarts is not None and any(c.restart_count > max_restarts for c in after.containers):
                result.pruned += 1
            else:
                key = keys.key(after)
                if key not in seen:
                    if max_states is not None and len(states) >= max_states:
                        result.complete = False
                    else:
                        seen[key] = len(states)
                        states.append(after)
                        parents.append((index, ev.to_dict()))
                        depths.append(depth + 1)
                        result.depth = max(result.depth, depth + 1)
                        if state_invs:
                            record(check(t, state_invs), index, ev)
                        queue.append(len(states) - 1)
            model.restore(source)
    result.states = len(states)
    result.seconds = time.perf_counter() - started
    result.violations = [found[i.name] for i in checked if i.name in found]
    return result


def replay(
    manifest: Mapping[str, Any],
    events: Iterable[Mapping[str, Any] | Any],
    *,
    model_factory: ModelFactory | None = None,
) -> list[Transition]:
    """Run ``events`` on a fresh model; one :class:`Transition` per event (the last may be refused).

    What a counterexample is checked with: the invariant it names must fail on the last
    transition. A refused event ends the replay.
    """
    model = (model_factory or PodModel)(manifest)
    ctx = Context.of(model)
    out: list[Transition] = []
    before = model.snapshot()
    for raw in events:
        ev = parse_event(raw)
        try:
            after = model.apply(ev)
        except IllegalEvent as exc:
            out.append(Transition(ctx, before, ev, model.snapshot(), refused=exc))
            break
        out.append(Transition(ctx, before, ev, after))
        before = after
    return out
