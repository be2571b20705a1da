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
  ``startedAt``/``finishedAt`` of past runs, ``lastTransitionTime``) are dropped, but for one bit
  an invariant judges: whether the run a container in CrashLoopBackOff ended lasted over 600 s. A crash
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
``PostStartHookFailed``, ``PostStartHookSucceeded`` and ``ContainerStarted`` with
``postStartRunning`` (with a postStart hook), ``PreStopHookCompleted`` (with an exec or HTTP
preStop hook),
``ProbeResult`` for each probe it has with ``Success`` and ``Failure``; ``ContainerStarted`` on a
terminated container too (refused unless a restart was decided: ``restart-obligation`` judges it);
``PodConditionSet`` True/False for each readiness gate; ``DeletionRequested`` (the spec's grace
period), ``Evicted``, ``NodeLost``, ``SandboxCreateFailed`` and ``TimePassed`` as above; with the
bound ``restarts`` also ``KubeletRestarted``, ``NodeRebooted`` and ``SandboxLost`` (their default
exit codes), time then also running to 11 s after a probed container's start (the kubelet's 10 s
restart grace tells a container it found running from a young one). ``SpecUpdated``
is not tried (its values are unbounded); the Hypothesis strategies try it. A container event is
tried only when the container machine's table has a row for it from the container's state
(``CONTAINER_MACHINE.rows_from``). Image pulls fail only before a container first ran.

:class:`Bounds` can leave more out to keep a large pod's space small: states where a container
restarted more than ``maxRestarts`` times are not kept, image pulls fail only until the image
back-off reaches ``maxImageBackoff``, the runtime's creation failures (``ContainerCreateFailed``,
``ContainerStartFailed``, ``SandboxCreateFailed``) are not tried, time does not run
to back-off expiries, and (``nodeMonitor: false``) the node controller marks a lost node not
ready at once instead of after ``node-monitor-grace-period`` (the model explored is built with
``nodeLifecycle.nodeMonitorGracePeriod: 0s``: replay such a script with that kubelet
configuration). Every standard configuration but ``always-1c-node-loss`` says ``nodeMonitor:
false``. A pod carries its bounds in the annotation ``podfsm.io/explore`` (JSON), so
a manifest given to ``podfsm check --exhaustive`` is explored the way it says.

:data:`STANDARD_CONFIGURATIONS` is the matrix ``tests/data/explorer_counts.json`` pins: each
shape under each restart policy, without and with probes.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
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
    KubeletRestarted,
    NodeLost,
    NodeRebooted,
    PodConditionSet,
    PostStartHookFailed,
    PostStartHookSucceeded,
    PreStopHookCompleted,
    ProbeResult,
    SandboxCreateFailed,
    SandboxLost,
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
from podfsm.verifier.invariants import INVARIANTS, Context, Invariant, Transition
from podfsm.verifier.parallel import Backend, Job, LocalBackend, ProcessBackend, SourceRecord, judge
from podfsm.verifier.progress import Progress
from podfsm.verifier.store import Trace, collision_probability, encode_state, rss_bytes
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


@dataclass(frozen=True)
class NodeMarkedAtOnce:
    """A model factory whose node controller marks a lost node not ready at once.

    What the bound ``nodeMonitor: false`` explores: ``factory``'s model with
    ``nodeLifecycle.nodeMonitorGracePeriod`` 0 s, so ``NodeLost`` turns Ready False at once and
    the toleration counts from it. Picklable (the workers build their models with it).
    """

    factory: ModelFactory

    def __call__(self, manifest: Mapping[str, Any]) -> PodModel:
        model = self.factory(manifest)
        model.kubelet_config = replace(model.kubelet_config, node_monitor_grace_period=0.0)
        return model


def bounded_factory(factory: ModelFactory, bounds: Bounds) -> ModelFactory:
    """``factory`` as ``bounds`` explore it (:class:`NodeMarkedAtOnce` under ``nodeMonitor: false``)."""
    return factory if bounds.node_monitor else NodeMarkedAtOnce(factory)


BATCH = 2048  # source states expanded between two merges (and two progress reports)
EXIT_CODES = (0, 1)

EXPIRY_STEP = 1.0  # a back-off entry has expired 1 s after its 600 s window
CRASH_AGE_CAP = pod_model.CRASH_BACKOFF_RESET + EXPIRY_STEP  # 601
PULL_AGE_CAP = pod_model.IMAGE_BACKOFF_RESET + EXPIRY_STEP  # 601
_DECIDED = (ctm.CRASH_LOOP_BACK_OFF, ctm.TERMINATED)
# a container older than the kubelet's restart grace (10 s) keeps its probe state at a restart
_RESTART_AGE_CAP = pod_model.KUBELET_RESTART_GRACE + EXPIRY_STEP  # 11
_GRACE_PROBES = frozenset({ProbeKind.STARTUP, ProbeKind.READINESS})
_NONE = -1.0


# ----------------------------------------------------------------------------------- events


_WORLD_TRIGGERS: dict[str, frozenset[str]] = {
    s: frozenset(r.trigger for r in CONTAINER_MACHINE.rows_from(s) if r.trigger[0].isupper())
    | ({"ContainerStarted"} if s == ctm.TERMINATED else frozenset())
    for s in CONTAINER_MACHINE.state_names
}
"""The world events tried on a container in each state: those its machine has a row for, and
``ContainerStarted`` on a terminated one, which the model refuses unless its kubelet decided a
restart; the ``restart-obligation`` invariant judges that refusal."""


_CREATE_FAILURES = frozenset({"ContainerCreateFailed", "ContainerStartFailed"})


@dataclass(frozen=True)
class _ContainerEvents:
    """The events the world may send about one container, by the machine trigger they fire."""

    index: int
    by_trigger: tuple[tuple[str, tuple[Any, ...]], ...]
    probes: tuple[Any, ...]


def _container_events(
    index: int, spec: ContainerSpec, exits: tuple[tuple[int, str | None], ...] = ()
) -> _ContainerEvents:
    name = spec.name
    exited = tuple(ContainerExited(container=name, exit_code=code) for code in EXIT_CODES) + tuple(
        ContainerExited(container=name, exit_code=code, reason=reason) for code, reason in exits
    )
    started: tuple[Any, ...] = (ContainerStarted(container=name),)
    if spec.post_start:  # hook progress: the process started, its postStart hook still runs
        started += (ContainerStarted(container=name, post_start_running=True),)
    by_trigger: list[tuple[str, tuple[Any, ...]]] = [
        ("ContainerStarted", started),
        ("ContainerExited", exited),
        ("ImagePullFailed", (ImagePullFailed(container=name),)),
        ("ContainerCreateFailed", (ContainerCreateFailed(container=name),)),
        ("ContainerStartFailed", (ContainerStartFailed(container=name),)),
    ]
    if spec.post_start:
        by_trigger.append(("PostStartHookFailed", (PostStartHookFailed(container=name),)))
        by_trigger.append(("PostStartHookSucceeded", (PostStartHookSucceeded(container=name),)))
    if spec.pre_stop and spec.pre_stop_sleep is None:
        by_trigger.append(("PreStopHookCompleted", (PreStopHookCompleted(container=name),)))
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
        self.containers = tuple(
            _container_events(i, r.spec, bounds.exits) for i, r in enumerate(model.records)
        )
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
        self.restarts = (KubeletRestarted(), NodeRebooted(), SandboxLost()) if bounds.restarts else ()

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
            out.extend(self.restarts)
        wait = next_instant(model, expiries=self.bounds.expiries, restarts=self.bounds.restarts)
        if wait is not None:
            out.append(TimePassed(seconds=wait))
        return out


def next_instant(model: PodModel, *, expiries: bool = True, restarts: bool = False) -> float | None:
    """Seconds until the next instant that matters, or None when waiting changes nothing.

    The model's own deadlines, the expiry of a crash or image back-off entry (with
    ``expiries``), the end of a probe's initial delay, and (with ``restarts``) the end of the
    kubelet's 10 s restart grace after a probed container's start.
    """
    if model.gone:
        return None
    now = model.now
    due = model._next_deadline()
    best = None if due is None else due - now
    if model.node_lost_at is None and not model.stopping:
        for rec in model.records:
            for left in _instants(rec, now, expiries, restarts):
                if left > 0 and (best is None or left < best):
                    best = left
    if best is None or best <= 0:
        return None
    return best


def _instants(rec: Any, now: float, expiries: bool, restarts: bool = False) -> Iterator[float]:
    if expiries and rec.bo_updated is not None and rec.state not in _DECIDED:
        yield rec.bo_updated + pod_model.CRASH_BACKOFF_RESET + EXPIRY_STEP - now
    if expiries and rec.pull_updated is not None and not rec.ever_ran:
        yield rec.pull_updated + pod_model.IMAGE_BACKOFF_RESET + EXPIRY_STEP - now
    if rec.state in ctm.ALIVE and rec.started_at is not None:
        for probe in rec.spec.probes.values():
            yield rec.started_at + probe.initial_delay_seconds - now
        if restarts and _GRACE_PROBES & rec.spec.probes.keys():
            yield rec.started_at + _RESTART_AGE_CAP - now


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
        "resync_at",
        "spec_overrides",
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
        self,
        specs: Sequence[ContainerSpec],
        *,
        restart_cap: int = 1,
        symmetry: bool = True,
        kubelet_restarts: bool = False,
    ) -> None:
        self.restart_cap = restart_cap
        # a run's age matters up to its probes' initial delay; with kubelet restarts explored, for
        # a container with a startup or readiness probe also up to the restart grace (10 s)
        self.delay_caps = tuple(
            float(
                max(
                    (
                        *(p.initial_delay_seconds for p in s.probes.values()),
                        _RESTART_AGE_CAP if kubelet_restarts and _GRACE_PROBES & s.probes.keys() else 0,
                    ),
                    default=0,
                )
            )
            for s in specs
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
            c.cache_reason,
            c.hook_running,
            () if c.pre_stop is None else (now - c.pre_stop[0], c.pre_stop[1]),
            () if c.hook_started_at is None else now - c.hook_started_at,
            state == ctm.CRASH_LOOP_BACK_OFF and _long_run(c.term),
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
            _left(s.resync_at, now),
            s.spec_overrides,  # SpecUpdated (not tried by the explorer; kept for callers that apply it)
            _pod_extra(s),
            containers,
        )


def _left(t: float | None, now: float) -> float:
    return _NONE if t is None else max(t - now, 0.0)


def _term(t: Termination | None) -> tuple[Any, ...]:
    return () if t is None else (t.exit_code, t.reason, t.signal or 0)


def _long_run(t: Termination | None) -> bool:
    """Whether ``t`` ran more than the 600 s after which a back-off entry has expired.

    The published ``crash-loop-back-off-timing`` judges a CrashLoopBackOff by the length of the run
    shown as its lastState, so that one bit of the run's times is kept (in CrashLoopBackOff, where
    the kubelet of the reference never is after such a run: the key of its states is unchanged).
    """
    if t is None or t.never_started or t.timeless or t.started_at is None:
        return False
    return t.finished_at - t.started_at > pod_model.CRASH_BACKOFF_RESET


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
    collision_probability: float = 0.0
    spilled: int = 0  # bytes of frontier states written to disk (memory_limit)
    workers: int = 1
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
            "fingerprintCollisionProbability": float(f"{self.collision_probability:.3g}"),
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
    workers: int = 1,
    ray: str | None = None,
    memory_limit: int | None = None,
    spill_dir: str | None = None,
    progress: Callable[[Progress], None] | None = None,
    batch: int = BATCH,
) -> Exploration:
    """Visit every reachable state of ``manifest`` breadth first, checking ``invariants``.

    Returns the counts and, for each invariant violated, the first (so a shortest)
    counterexample. ``bounds`` default to the manifest's ``podfsm.io/explore`` annotation.
    ``max_states`` / ``max_depth`` cut the search (``complete`` is then False);
    ``stop_at_first`` stops at the first violation.

    ``workers`` > 1 spreads the states over that many forked worker processes, ``ray`` (an
    address, or ``"local"``) over Ray actors, ``workers`` of them (module
    :mod:`podfsm.verifier.parallel`); the counts and counterexamples are the same as with one.
    ``memory_limit`` (bytes) keeps the frontier within what the visited set leaves of it and
    spills the rest to temporary files in ``spill_dir``. ``progress`` is called with a
    :class:`~podfsm.verifier.progress.Progress` after every ``batch`` source states. Raises
    :class:`~podfsm.errors.ManifestError` for a bad bounds annotation, ``ValueError`` for
    ``workers`` < 1 and :class:`~podfsm.verifier.parallel.WorkerError` when a worker fails.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    factory: ModelFactory = model_factory or PodModel
    checked = tuple(INVARIANTS.values()) if invariants is None else tuple(invariants)
    state_invs = tuple(i for i in checked if i.scope == "state")
    if bounds is None:
        bounds = Bounds.from_manifest(manifest, name or "<pod>")
    factory = bounded_factory(factory, bounds)

    model = factory(manifest)
    ctx = Context.of(model)
    result = Exploration(name or str(ctx.spec.name), bounds)
    started = time.perf_counter()
    job = Job(
        manifest,
        factory,
        checked,
        bounds,
        restart_cap,
        symmetry,
        workers,
        memory_limit,
        spill_dir,
        portable=ray is not None,
    )
    backend: Backend
    if ray is not None:
        from podfsm.verifier.ray_backend import RayBackend

        backend = RayBackend(job, ray)
    elif workers > 1:
        backend = ProcessBackend(job, workers)
    else:
        backend = LocalBackend(job)
    n = result.workers = backend.partitions
    found: dict[str, tuple[str, int, int | None]] = {}  # invariant -> (message, source, candidate)

    def record(violations: Iterable[tuple[str, str]], index: int, code: int | None) -> None:
        for inv, message in violations:
            if inv not in found:
                found[inv] = (message, index, code)

    trace = Trace()
    levels: list[int] = [1]
    try:
        root = model.snapshot()
        data = encode_state(root)
        root_fp: int = backend.call("fingerprint_of", [(data,)] * n)[0]
        owner = root_fp % n
        backend.call("claim", [([root_fp] if p == owner else [],) for p in range(n)])
        backend.call("push", [([(0, data)] if p == owner else [],) for p in range(n)])
        trace.add(-1, 0)
        record(judge(Transition(ctx, None, None, root), state_invs), 0, None)
        depth = 0
        stopped = False
        level_start = 0
        while not stopped:
            sizes = backend.call("start_level", [()] * n)
            frontier = sum(s["frontier"] for s in sizes)
            if frontier == 0:
                break
            if max_depth is not None and depth >= max_depth:
                result.complete = False
                break
            level_end = len(trace)
            levels.append(0)
            below = level_start
            while below < level_end and not stopped:
                below = min(below + batch, level_end)
                answers: list[list[SourceRecord]] = backend.call("expand", [(below,)] * n)
                sources = _merged(answers)
                fps: list[list[int]] = [[] for _ in range(n)]
                for _, src in sources:
                    for item in src[4]:
                        fp = item[2]
                        if fp is not None:
                            fps[fp % n].append(fp)
                claims = backend.call("claim", [(f,) for f in fps])
                # Number the new states in the order one process would have met them.
                cursor = [0] * n
                first = len(trace)
                marks: list[int] = []  # the trace's length before each source
                requests: list[list[tuple[int, int]]] = [[] for _ in range(n)]
                news: list[tuple[int, int]] = []  # (owner, expanding partition) of each new state
                for part, (index, _, _, _, items) in sources:
                    marks.append(len(trace))
                    for code, _, fp in items:
                        if fp is None:
                            continue
                        p = fp % n
                        fresh = claims[p][cursor[p]]
                        cursor[p] += 1
                        if not fresh:
                            continue
                        if max_states is not None and len(trace) >= max_states:
                            result.complete = False
                            continue
                        trace.add(index, code)
                        requests[part].append((index, code))
                        news.append((p, part))
                finished = backend.call("finish", [(r,) for r in requests])
                # Record the violations in that order; with stop_at_first, stop where one would.
                taken = [0] * n
                pushes: list[list[tuple[int, bytes]]] = [[] for _ in range(n)]
                number = first
                for at, (_, (index, moved, refused, pruned, items)) in enumerate(sources):
                    if stop_at_first and found:
                        trace.truncate(marks[at])
                        result.complete = False
                        stopped = True
                        break
                    result.transitions += moved
                    result.refused += refused
                    result.pruned += pruned
                    for code, stepped, _ in items:
                        if stepped:
                            record(stepped, index, code)
                        if (
                            number < len(trace)
                            and trace.parents[number] == index
                            and (trace.events[number] == code)
                        ):
                            owner, expander = news[number - first]
                            data, seen = finished[expander][taken[expander]]
                            taken[expander] += 1
                            pushes[owner].append((number, data))
                            number += 1
                            levels[-1] += 1
                            result.depth = depth + 1
                            if seen:
                                record(seen, index, code)
                backend.call("push", [(q,) for q in pushes])
                if progress is not None:
                    stats = backend.call("stats", [()] * n)
                    progress(
                        Progress(
                            configuration=result.configuration,
                            distinct=len(trace),
                            generated=result.transitions,
                            depth=depth,
                            frontier=sum(s["frontier"] for s in stats) - (below - level_start) + levels[-1],
                            seconds=time.perf_counter() - started,
                            memory=rss_bytes() + (sum(s["rss"] for s in stats) if n > 1 or ray else 0),
                            levels=list(levels[:-1]),
                        )
                    )
            level_start = level_end
            depth += 1
        result.spilled = sum(s["spilled"] for s in backend.call("stats", [()] * n))
    finally:
        backend.close()
    result.states = len(trace)
    result.seconds = time.perf_counter() - started
    result.collision_probability = collision_probability(result.states, result.transitions)
    result.violations = [
        Counterexample(
            i.name,
            found[i.name][0],
            manifest,
            _script(factory, manifest, bounds, trace, found[i.name][1], found[i.name][2]),
            result.configuration,
        )
        for i in checked
        if i.name in found
    ]
    return result


def _merged(answers: list[list[SourceRecord]]) -> list[tuple[int, SourceRecord]]:
    """The partitions' source records in state-number order, each with its partition."""
    if len(answers) == 1:
        return [(0, r) for r in answers[0]]
    tagged = [[(r[0], p, r) for r in rs] for p, rs in enumerate(answers)]
    return [(p, r) for _, p, r in heapq.merge(*tagged)]


def _script(
    factory: ModelFactory,
    manifest: Mapping[str, Any],
    bounds: Bounds,
    trace: Trace,
    index: int,
    last: int | None,
) -> tuple[dict[str, Any], ...]:
    """The events from the root to state ``index`` (then candidate ``last``), rebuilt by replay."""
    model = factory(manifest)
    catalogue = EventCatalogue(model, bounds)
    path = trace.path(index) + ([] if last is None else [last])
    out: list[dict[str, Any]] = []
    for step, code in enumerate(path):
        ev = catalogue.candidates(model)[code]
        out.append(ev.to_dict())
        if step < len(path) - 1:
            model.apply(ev)
    return tuple(out)


def replay(
    manifest: Mapping[str, Any],
    events: Iterable[Mapping[str, Any] | Any],
    *,
    model_factory: ModelFactory | None = None,
) -> list[Transition]:
    """Run ``events`` on a fresh model; one :class:`Transition` per event (the last may be refused).

    The manifest's bounds apply as in :func:`explore` (``nodeMonitor: false``: the node controller
    marks a lost node not ready at once). What a counterexample is checked with: the invariant it
    names must fail on the last transition. A refused event ends the replay.
    """
    model = bounded_factory(model_factory or PodModel, Bounds.from_manifest(manifest))(manifest)
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
