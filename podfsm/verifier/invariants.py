"""The invariant catalogue: named properties every pod lifecycle must keep, the model's and any other.

Two kinds of invariant share one registry, :data:`INVARIANTS` (name -> :class:`Invariant`):

- **Over the published pod** (``view == "published"``): a predicate over what any implementation
  exposes: the pod objects as published (spec and status), the time of each observation, and the
  world's events where they are known. A history is a sequence of :class:`Observation`
  (``pod``, ``time`` in seconds since creation, ``event`` or None), oldest first;
  :func:`check_history` judges its last observation in light of the ones before (the history may
  be a window of a longer trace), :func:`check_snapshot` judges one pod object on its own. The same
  predicates run on the model's rendered pods in the explorer (a window of two: the pod before and
  after each transition) and the stateful test (the whole history), on a recorded watch stream
  (``podfsm check-trace``), and in the differential harness. Where a property needs time it is
  stated over timestamps (whole seconds, as ``metav1.Time`` has them), so it holds on a real trace.
  Where a window is too short to decide (a threshold of results in a row, the run before a
  back-off), the predicate says nothing rather than guess.
- **Model self-checks** (``view == "model"``): predicates over the model's own state
  (:class:`Transition`: the ``PodState`` before, the event, the state after), which cannot judge
  another implementation; they check podfsm's model against its reference notes.

Each invariant has a one-sentence statement and the upstream behaviour it rests on; its predicate
returns ``None`` when the property holds and a sentence saying what is wrong when it does not.
Scopes: ``state`` reads only the last pod (the explorer checks it once per distinct state);
``step`` reads the window (every transition); ``refusal`` is checked on events the model refused.

The predicates do not reuse the model's tables: whether a container is restarted comes from
:func:`should_restart` and :func:`restarts`, written here from the reference notes, and the phase
from the oracle (:func:`podfsm.oracle.pod_phase`), so a wrong row in the model shows up as a
violation instead of being agreed with.

Use :func:`check` on a :class:`Transition` (both kinds), :func:`check_history` and
:func:`check_snapshot` on published objects, :func:`published_invariants`, :func:`model_self_checks`
and :func:`get`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from podfsm.errors import IllegalEvent, PodFSMError
from podfsm.model.machines import conditions as cm
from podfsm.model.machines import container as ctm
from podfsm.model.pod import RESYNC_AFTER_ERROR, published_state, requeue_delay, requeue_window
from podfsm.oracle import kubectl_columns, pod_conditions, pod_phase
from podfsm.vocab import (
    ConditionType,
    Phase,
    PodReason,
    ProbeKind,
    RestartPolicy,
    RuleAction,
    TerminatedReason,
    WaitingReason,
)

if TYPE_CHECKING:
    from podfsm.model.pod import ContainerState, PodModel, PodState
    from podfsm.model.spec import ContainerSpec, PodSpecView

__all__ = [
    "BACKOFF_DELAYS",
    "INVARIANTS",
    "Context",
    "Invariant",
    "Observation",
    "Scope",
    "SharedParse",
    "Transition",
    "View",
    "Violation",
    "check",
    "check_history",
    "check_snapshot",
    "get",
    "model_self_checks",
    "names",
    "published_invariants",
    "restarts",
    "should_restart",
]

Scope = Literal["state", "step", "refusal"]

BACKOFF_DELAYS = frozenset({0.0, 10.0, 20.0, 40.0, 80.0, 160.0, 300.0})
"""Every delay a kubelet back-off may use (``pkg/kubelet/kubelet.go``: 10 s doubling, capped at 300 s)."""

_TERMINAL = frozenset({Phase.SUCCEEDED.value, Phase.FAILED.value})
_ALIVE = frozenset(ctm.ALIVE)
_NOT_RESTARTED = frozenset({ctm.WAITING, ctm.IMAGE_PULL_BACK_OFF})


# ----------------------------------------------------------------------------------- the step


if TYPE_CHECKING:
    from functools import cached_property as _once
else:

    class _once:
        """``functools.cached_property`` without its lock (Python 3.11 takes one on every first access):
        the value is computed on first access and kept in the instance's ``__dict__``, which later
        accesses read directly. A :class:`Transition` is judged by one thread."""

        def __init__(self, fn: Callable[[Any], Any]) -> None:
            self.fn = fn
            self.name = fn.__name__
            self.__doc__ = fn.__doc__

        def __set_name__(self, owner: type, name: str) -> None:
            self.name = name

        def __get__(self, obj: Any, owner: type | None = None) -> Any:
            if obj is None:
                return self
            value = obj.__dict__[self.name] = self.fn(obj)
            return value


@dataclass(frozen=True)
class Context:
    """What a predicate may know besides the states: the pod's spec and how to render a state."""

    spec: PodSpecView
    containers: tuple[ContainerSpec, ...]  # aligned with ``PodState.containers``
    condition_types: tuple[ConditionType, ...]  # aligned with ``PodState.conditions``
    render: Callable[[PodState], dict[str, Any]]
    t0: datetime
    # the kubelet's feature gates (its configuration), for the oracle's functions
    feature_gates: Mapping[str, bool] | None = None
    _rendered: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def shared_parse(self) -> SharedParse | None:
        """Parses of pod objects shared by the views of several transitions, or None (the default):
        each :class:`View` parses what it reads itself. A context whose pod objects are never
        changed once rendered (the explorer's) may share them."""
        return None

    def event_dict(self, event: Any) -> Any:
        """The event as an observation records it (its JSON mapping)."""
        return event.to_dict() if hasattr(event, "to_dict") else event

    def published(self, state: PodState) -> dict[str, Any]:
        """The pod object of ``state``, rendered once (a small cache: the explorer asks for each
        source state once per event it tries)."""
        last = self._rendered.get(None)
        if last is not None and last[0] is state:  # the explorer asks for one source state in a row
            same: dict[str, Any] = last[1]
            return same
        pod: dict[str, Any] | None = self._rendered.get(state)
        if pod is None:
            if len(self._rendered) >= 4096:
                self._rendered.clear()
            pod = self._rendered[state] = self.render(state)
        self._rendered[None] = (state, pod)
        return pod

    @classmethod
    def of(cls, model: PodModel) -> Context:
        """The context of ``model`` (its spec and renderer); valid for every state of it."""
        return cls(
            spec=model.spec,
            containers=tuple(r.spec for r in model.records),
            condition_types=tuple(model.condition_types),
            render=model.render,
            t0=model.t0,
            feature_gates=dict(model.kubelet_config.feature_gates),
        )


@dataclass(frozen=True)
class Transition:
    """One step: the pod ``before`` (None for the initial state), the ``event``, the pod ``after``.

    For a refused event, ``refused`` is the :class:`IllegalEvent` and ``after`` is the model's
    state after the refusal (which must equal ``before``).
    """

    context: Context
    before: PodState | None
    event: Any
    after: PodState
    refused: IllegalEvent | None = None
    history: tuple[Observation, ...] | None = None
    """The published observations up to and including ``after`` (oldest first), when the caller kept
    them (the stateful test does); None: the window is ``before`` and ``after`` alone."""

    @_once
    def pod(self) -> dict[str, Any]:
        """The pod object (Kubernetes JSON) of ``after``, rendered once."""
        return self.context.published(self.after)

    @_once
    def view(self) -> View:
        """The :class:`View` of :attr:`window` the published invariants share."""
        # A spec update (SpecUpdated) is published in the pod's spec: judge by that one, not the manifest's.
        updated = bool(getattr(self.after, "spec_overrides", ()))
        return View(self.window, None if updated else self.context.spec, self.context.shared_parse())

    @_once
    def window(self) -> tuple[Observation, ...]:
        """What published invariants judge: ``history``, or the observations of ``before`` and ``after``."""
        if self.history is not None:
            return self.history
        event = self.context.event_dict(self.event)
        after = Observation(self.pod, float(self.after.now), event)
        if self.before is None:
            return (after,)
        # A node loss before the window is a world event known to have happened: say so on the
        # window's first observation (nothing the kubelet would publish arrives from a lost node).
        # So is an eviction whose pod the kubelet is still stopping (nothing published shows it yet).
        earlier: dict[str, Any] | None = None
        if self.before.node_lost_at is not None:
            earlier = {"type": "NodeLost"}
        elif self.before.pending_failure is not None and self.before.pending_failure[1] == PodReason.EVICTED:
            earlier = {"type": "Evicted"}
        return (Observation(self.context.published(self.before), float(self.before.now), earlier), after)

    @property
    def now(self) -> datetime:
        """The wall-clock time of ``after``."""
        return self.context.t0 + timedelta(seconds=int(self.after.now))

    def pairs(self, state: PodState) -> Iterator[tuple[ContainerSpec, ContainerState]]:
        """Each container's spec beside its state in ``state``."""
        return zip(self.context.containers, state.containers, strict=True)

    def condition(self, state: PodState, ctype: ConditionType) -> str:
        """The status of a condition in ``state``: ``"True"``, ``"False"`` or ``"Absent"``."""
        for t, c in zip(self.context.condition_types, state.conditions, strict=True):
            if t == ctype:
                return c.state
        return cm.ABSENT


@dataclass(frozen=True)
class Violation:
    """An invariant that did not hold, and why."""

    invariant: str
    message: str

    def __str__(self) -> str:
        return f"{self.invariant}: {self.message}"


Predicate = Callable[[Transition], "str | None"]


@dataclass(frozen=True)
class Invariant:
    """A named property: ``statement`` in one sentence, ``upstream`` where Kubernetes does it."""

    name: str
    statement: str
    upstream: str
    scope: Scope
    predicate: Predicate = field(repr=False)
    view: Literal["model", "published"] = "model"
    """``published``: a predicate over published pod objects (runs on any trace); ``model``: a
    self-check of podfsm's own model, which reads its internal state."""
    judge: Callable[[View], str | None] | None = field(default=None, repr=False)
    """For a published invariant: the predicate over a :class:`View` of observations."""

    def violation(self, t: Transition) -> str | None:
        """Why ``t`` breaks this invariant, or None when it holds (or does not apply)."""
        if (t.refused is not None) != (self.scope == "refusal"):
            return None
        if self.scope == "step" and t.before is None:
            return None
        return self.predicate(t)

    def holds(self, t: Transition) -> bool:
        """Whether ``t`` keeps this invariant."""
        return self.violation(t) is None


INVARIANTS: dict[str, Invariant] = {}
"""Every invariant, by name, in catalogue order."""


def invariant(name: str, statement: str, upstream: str, scope: Scope) -> Callable[[Predicate], Predicate]:
    """Register the decorated predicate as the invariant ``name``."""

    def register(fn: Predicate) -> Predicate:
        if name in INVARIANTS:
            raise ValueError(f"invariant {name!r} is registered twice")
        INVARIANTS[name] = Invariant(name, statement, upstream, scope, fn)
        return fn

    return register


def get(name: str) -> Invariant:
    """The invariant called ``name``; a :class:`KeyError` lists the known names."""
    try:
        return INVARIANTS[name]
    except KeyError:
        raise KeyError(f"unknown invariant {name!r}; known: {', '.join(INVARIANTS)}") from None


def names() -> tuple[str, ...]:
    """Every invariant name, in catalogue order."""
    return tuple(INVARIANTS)


def check(t: Transition, invariants: Iterable[Invariant] | None = None) -> list[Violation]:
    """Every violation of ``invariants`` (default: all) by the step ``t``."""
    out: list[Violation] = []
    for inv in INVARIANTS.values() if invariants is None else invariants:
        message = inv.violation(t)
        if message is not None:
            out.append(Violation(inv.name, message))
    return out


# ----------------------------------------------------------------------------------- reference helpers


def effective_policy(c: ContainerSpec, pod_policy: str) -> str:
    """The policy that governs ``c``: Always for a sidecar, else its own, else the pod's."""
    if c.is_sidecar:
        return RestartPolicy.ALWAYS.value
    return str(c.restart_policy or pod_policy)


def should_restart(c: ContainerSpec, pod_policy: str, exit_code: int) -> bool:
    """Whether the kubelet restarts ``c`` after it exited with ``exit_code`` on its own.

    ``ContainerShouldRestart`` (``pkg/api/v1/pod/util.go``): a container with its own
    ``restartPolicy`` first consults its ``restartPolicyRules`` (the first rule whose exit codes
    match decides; ``Restart`` restarts); then the policy: Always yes, OnFailure when the code
    is not 0, Never no. Sidecars always restart.
    """
    if c.is_sidecar:
        return True
    if c.restart_policy is not None:
        for rule in c.rules:
            if rule.matches(exit_code):
                if rule.action in (RuleAction.RESTART, RuleAction.RESTART_ALL_CONTAINERS):
                    return True
                break
    policy = effective_policy(c, pod_policy)
    if policy == RestartPolicy.ALWAYS:
        return True
    if policy == RestartPolicy.ON_FAILURE:
        return exit_code != 0
    return False


def _exited_code(event: Any) -> tuple[str, int] | None:
    if getattr(event, "type", None) == "ContainerExited":
        return str(event.container), int(event.exit_code)
    return None


def _index(t: Transition, name: str) -> int:
    for i, c in enumerate(t.context.containers):
        if c.name == name:
            return i
    raise KeyError(name)


def _done_init(spec: ContainerSpec, c: ContainerState) -> bool:
    """Whether an init container lets the next one start: exited 0 (regular) or started (sidecar)."""
    if spec.is_sidecar:
        return c.state in _ALIVE and c.started
    return c.state == ctm.TERMINATED and c.term is not None and c.term.exit_code == 0


def _forced(s: PodState) -> bool:
    """Whether something other than the containers ends the pod: eviction, an active deadline."""
    return s.pod_reason is not None or getattr(s, "pending_failure", None) is not None


# ----------------------------------------------------------------------------------- the catalogue

_GET_PHASE = "pkg/kubelet/kubelet_pods.go:getPhase"
# the reason of a container removed by a RestartAllContainers rule (alpha; convertToAPIContainerStatuses)
_RESTARTING_ALL = TerminatedReason.RESTARTING_ALL_CONTAINERS.value
_SHOULD_RESTART = "pkg/kubelet/container/helpers.go:ShouldContainerBeRestarted"
_INIT_ACTIONS = "pkg/kubelet/kuberuntime/kuberuntime_container.go:computeInitContainerActions"
_GENERATE = "pkg/kubelet/status/generate.go"


@invariant(
    "never-plus-failure-gives-failed",
    "A container whose restart policy is Never is not restarted after it fails (unless the kubelet killed "
    "it because its spec changed: a new image); a failed regular init "
    "container fails the pod at once, and a pod whose regular containers have all stopped, one of them "
    "failed for good, is Failed.",
    f"{_SHOULD_RESTART}; {_INIT_ACTIONS} (kill the pod); {_GET_PHASE}",
    "step",
)
def _never_plus_failure(t: Transition) -> str | None:
    policy = str(t.context.spec.restart_policy)
    after = t.after
    exited = _exited_code(t.event)
    if exited is not None:
        name, code = exited
        i = _index(t, name)
        spec = t.context.containers[i]
        if (
            not spec.is_sidecar
            and code != 0
            and effective_policy(spec, policy) == RestartPolicy.NEVER
            and not should_restart(spec, policy, code)
            and after.containers[i].state != ctm.TERMINATED
            # a container killed because its spec changed (a new image) is restarted whatever the
            # policy, and one killed for a RestartAllContainers rule is removed with the others
            and t.before is not None
            and t.before.containers[i].kill_cause not in ("SpecChanged", "RestartAllContainers")
        ):
            return f"{name!r} (policy Never) exited {code} and is {after.containers[i].state}, not Terminated"
    if after.phase == Phase.FAILED or (after.node_lost_at is not None) or after.gone:
        return None
    if getattr(after, "restarting_all", False):
        return None  # a RestartAllContainers rule fired: every container is removed and started again
    if getattr(after, "sandbox_refused", False):
        # the kubelet made no new sandbox (Never, after a reboot): nothing is restarted, and
        # getPhase alone decides, Running while a container's own policy would restart it
        return None
    failed_for_good = False
    all_stopped = True
    for spec, c in t.pairs(after):
        if c.state in _ALIVE:
            return None
        failed = (
            c.state == ctm.TERMINATED
            and c.term is not None
            and c.term.exit_code != 0
            and not should_restart(spec, policy, c.term.exit_code)
        )
        if spec.is_init and failed:
            assert c.term is not None
            return (
                f"init container {spec.name!r} failed for good (exit {c.term.exit_code}), pod {after.phase}"
            )
        if spec.is_regular:
            all_stopped = all_stopped and c.state == ctm.TERMINATED
            failed_for_good = failed_for_good or failed
    if all_stopped and failed_for_good:
        return f"every regular container stopped and one failed for good, but the pod is {after.phase}"
    return None


@invariant(
    "always-keeps-running",
    "Without deletion or eviction, a pod whose regular containers all restart Always never leaves Running "
    "once it reached it, except for Pending while a new sandbox runs its init containers again.",
    f"{_SHOULD_RESTART}; {_GET_PHASE} (Always: Running while containers are restarted)",
    "step",
)
def _always_keeps_running(t: Transition) -> str | None:
    assert t.before is not None
    if t.before.phase != Phase.RUNNING or t.after.phase == Phase.RUNNING:
        return None
    if t.after.deletion_at is not None or _forced(t.after):
        return None
    if t.after.phase == Phase.PENDING and not t.after.initialized:
        return None  # re-initialized in a new sandbox (node reboot, lost sandbox): init containers run again
    policy = str(t.context.spec.restart_policy)
    if all(effective_policy(c, policy) == RestartPolicy.ALWAYS for c in t.context.containers if c.is_regular):
        return f"the pod left Running for {t.after.phase} without being deleted or evicted"
    return None


@invariant(
    "onfailure-all-succeeded-gives-succeeded",
    "Under OnFailure a regular container that exits 0 on its own is not restarted, and once every regular "
    "container has exited 0 and nothing runs the pod is Succeeded.",
    f"{_SHOULD_RESTART} (OnFailure and exit 0: no restart); {_GET_PHASE} (all exited 0: Succeeded)",
    "step",
)
def _onfailure_succeeded(t: Transition) -> str | None:
    assert t.before is not None
    spec_policy = str(t.context.spec.restart_policy)
    after = t.after
    exited = _exited_code(t.event)
    if exited is not None and exited[1] == 0 and not t.before.stopping:
        i = _index(t, exited[0])
        spec = t.context.containers[i]
        if (
            spec.is_regular
            and effective_policy(spec, spec_policy) == RestartPolicy.ON_FAILURE
            and not should_restart(spec, spec_policy, 0)
            and t.before.containers[i].state == ctm.RUNNING
            and after.containers[i].state != ctm.TERMINATED
        ):
            state = after.containers[i].state
            return f"{spec.name!r} (policy OnFailure) exited 0 and is {state}, not Terminated"
    if spec_policy != RestartPolicy.ON_FAILURE or _forced(after) or after.phase == Phase.SUCCEEDED:
        return None
    if getattr(after, "restarting_all", False):
        return None  # a RestartAllContainers rule fired: every container is removed and started again
    for spec, c in t.pairs(after):
        if c.state in _ALIVE:
            return None
        if spec.is_regular and not (
            c.state == ctm.TERMINATED
            and c.term is not None
            and c.term.exit_code == 0
            and not should_restart(spec, spec_policy, 0)  # its own policy or a rule may restart it
        ):
            return None
    return f"every regular container exited 0 and nothing runs, but the pod is {after.phase}"


_HOOK_KILL = "FailedPostStartHook"


@invariant(
    "restart-count-monotonic",
    "A container's restartCount never decreases and grows by exactly 1 each time a container that ran "
    "before runs again (a new instance) or a new instance of it fails to start (StartError), and at no "
    "other time.",
    "pkg/kubelet/kuberuntime/kuberuntime_container.go (restartCount annotation on the new container: "
    "old count + 1); pkg/kubelet/kuberuntime/helpers.go",
    "step",
)
def _restart_count(t: Transition) -> str | None:
    assert t.before is not None
    for spec, b, a in zip(t.context.containers, t.before.containers, t.after.containers, strict=True):
        # an instance whose postStart hook failed is seen (and counted) only once it was killed:
        # the hook and its kill run inside the kubelet's start (startContainer)
        # (and one whose postStart hook still runs is a new instance only once the hook returned)
        started = (
            (b.state not in _ALIVE or b.hook_running)
            and a.state in _ALIVE
            and a.kill_cause != _HOOK_KILL
            and not a.hook_running
        )
        hook_seen = b.state in _ALIVE and b.kill_cause == _HOOK_KILL and a.state not in _ALIVE
        # a StartError event is a new instance, even one equal in every field to the last (the same
        # instant, as after a kubelet restart forgot the back-off)
        start_error = (
            getattr(t.event, "type", None) == "ContainerStartFailed"
            and getattr(t.event, "container", None) == spec.name
            and b.state == "Waiting"
        )
        # a container a RestartAllContainers rule removed has no runtime record: its next instance
        # is not counted again (restartCount is the larger of the published and the runtime's)
        removed = getattr(b, "removed", False)
        new_run = started or hook_seen or start_error or _start_failed(b, a)
        restarted = b.ever_ran and not removed and new_run
        # ... and the status that shows it removed counts the instance that was there (one more)
        restarted = restarted or (
            not removed
            and getattr(a, "removed", False)
            and a.last_term is not None
            and a.last_term.reason == _RESTARTING_ALL
            and published_state(b)[0] != "waiting"
        )
        expected = b.restart_count + (1 if restarted else 0)
        if a.restart_count != expected:
            what = "ran again" if restarted else "did not run again"
            return (
                f"{spec.name!r} {what} ({b.state} -> {a.state}) but its restartCount went "
                f"{b.restart_count} -> {a.restart_count}"
            )
    return None


def _in_sandbox(c: Any) -> bool:
    """The container ran in the pod's current sandbox (``ever_ran`` for a model without sandboxes)."""
    return bool(getattr(c, "in_sandbox", c.ever_ran))


def _start_failed(b: Any, a: Any) -> bool:
    """A new instance of the container failed to start during the step (ContainerStartFailed)."""
    # since issue 10 the newest exit stays in ``term`` while the container waits to be restarted:
    # a new StartError record is a new instance (Waiting -> CrashLoopBackOff / Terminated, or
    # Waiting again when restarted at once); the pod being stopped keeps the old one
    if b.state != "Waiting" or a.term is None or not a.term.never_started:
        return False
    return bool((a.term, a.last_term) != (b.term, b.last_term))


@invariant(
    "init-before-app",
    "No regular container runs before every regular init container succeeded, and init containers start "
    "one at a time, in order, each after the previous one completed (a sidecar: started); regular "
    "containers wait for the last init container only, and an init container that ran is restarted "
    "in its own right, and all of this starts over in a new sandbox (node reboot, lost sandbox).",
    _INIT_ACTIONS,
    "step",
)
def _init_before_app(t: Transition) -> str | None:
    after = t.after
    inits = [(s, c) for s, c in t.pairs(after) if not s.is_regular]
    running_inits = [s.name for s, c in inits if s.is_init and c.state in _ALIVE]
    if len(running_inits) > 1:
        return f"regular init containers {running_inits} run at the same time"
    # ran in the pod's current sandbox: a new one (node reboot, lost sandbox) runs the init containers again
    app_ran = any(s.is_regular and (c.state in _ALIVE or _in_sandbox(c)) for s, c in t.pairs(after))
    if app_ran:
        for s, c in inits:
            if s.is_init and not _done_init(s, c):
                return f"a regular container ran while init container {s.name!r} is {c.state}, not succeeded"
    if t.before is None or t.before.initialized:
        return None
    for i, (spec, b, a) in enumerate(
        zip(t.context.containers, t.before.containers, after.containers, strict=True)
    ):
        if b.state in _ALIVE or a.state not in _ALIVE:
            continue
        if not spec.is_regular and _in_sandbox(b):
            continue  # an init container that ran before (in this sandbox) is restarted in its own right
        earlier = t.context.containers[:i] if not spec.is_regular else t.context.containers
        inits_ = [j for j, other in enumerate(earlier) if not other.is_regular]
        if spec.is_regular:
            # computeInitContainerActions: initialization is done when the last init container is
            inits_ = inits_[-1:]
        for j in inits_:
            other = earlier[j]
            if not _done_init(other, t.before.containers[j]):
                return (
                    f"{spec.name!r} started before {other.name!r} completed ({t.before.containers[j].state})"
                )
    return None


@invariant(
    "sidecar-exits-never-decide-phase",
    "A sidecar exiting does not change the phase; when it is the last container of a terminating pod, the "
    "phase is decided by the regular containers alone.",
    f"{_GET_PHASE} (restartable init containers: terminated or crash-looping ones are ignored)",
    "step",
)
def _sidecar_exits(t: Transition) -> str | None:
    assert t.before is not None
    exited = _exited_code(t.event)
    if exited is None or t.after.phase == t.before.phase:
        return None
    spec = t.context.containers[_index(t, exited[0])]
    if not spec.is_sidecar:
        return None
    if not t.before.stopping:
        return (
            f"sidecar {spec.name!r} exited {exited[1]} and the phase went {t.before.phase} -> {t.after.phase}"
        )
    all_zero = all(
        c.state == ctm.TERMINATED and c.term is not None and c.term.exit_code == 0
        for s, c in t.pairs(t.after)
        if s.is_regular
    )
    expected = Phase.SUCCEEDED if all_zero else Phase.FAILED
    if t.after.phase != expected and not (_forced(t.after) and t.after.phase == Phase.FAILED):
        return (
            f"the pod ended {t.after.phase} when sidecar {spec.name!r} exited; "
            f"its regular containers say {expected}"
        )
    return None


@invariant(
    "ready-implies-containers-ready",
    "A pod whose Ready condition is True has ContainersReady True.",
    f"{_GENERATE}:GeneratePodReadyCondition (Ready copies ContainersReady unless that is True)",
    "state",
)
def _ready_containers_ready(t: Transition) -> str | None:
    if t.condition(t.after, ConditionType.READY) == cm.TRUE:
        cr = t.condition(t.after, ConditionType.CONTAINERS_READY)
        if cr != cm.TRUE:
            return f"Ready is True but ContainersReady is {cr}"
    return None


@invariant(
    "containers-ready-implies-all-ready",
    "A pod whose ContainersReady condition is True has every regular container and every sidecar ready.",
    f"{_GENERATE}:GenerateContainersReadyCondition",
    "state",
)
def _containers_ready_all(t: Transition) -> str | None:
    if t.condition(t.after, ConditionType.CONTAINERS_READY) != cm.TRUE:
        return None
    unready = [s.name for s, c in t.pairs(t.after) if not s.is_init and not c.ready]
    if unready:
        return f"ContainersReady is True but {unready} are not ready"
    return None


@invariant(
    "ready-implies-running",
    "A pod whose Ready condition is True is in phase Running.",
    f"{_GENERATE} (PodCompleted/PodFailed make ContainersReady False); "
    "pkg/kubelet/prober (ready needs running)",
    "state",
)
def _ready_running(t: Transition) -> str | None:
    if t.condition(t.after, ConditionType.READY) == cm.TRUE and t.after.phase != Phase.RUNNING:
        return f"Ready is True but the phase is {t.after.phase}"
    return None


@invariant(
    "backoff-bounded",
    "Every crash-loop and image-pull back-off delay is one of 0, 10, 20, 40, 80, 160 and 300 seconds, and a "
    "container waiting out a back-off is restarted no later than that delay after its last exit or pull.",
    "pkg/kubelet/kubelet.go (initialCrashLoopBackOff 10 s, MaxContainerBackOff 300 s); "
    "k8s.io/client-go/util/flowcontrol/backoff.go; pkg/kubelet/images/image_manager.go",
    "state",
)
def _backoff_bounded(t: Transition) -> str | None:
    for spec, c in t.pairs(t.after):
        if c.bo_delay not in BACKOFF_DELAYS:
            return f"{spec.name!r} has crash-loop back-off delay {c.bo_delay:g} s"
        if c.pull_delay not in BACKOFF_DELAYS:
            return f"{spec.name!r} has image-pull back-off delay {c.pull_delay:g} s"
        exit_ = c.term if c.term is not None else c.last_term  # the newest exit (the model's record)
        if c.state == ctm.CRASH_LOOP_BACK_OFF and c.restart_at is not None and exit_ is not None:
            wait = c.restart_at - exit_.finished_at
            if not 0 < wait <= c.bo_delay:
                return f"{spec.name!r} waits {wait:g} s after its exit, back-off delay {c.bo_delay:g} s"
        if c.state == ctm.IMAGE_PULL_BACK_OFF and c.retry_at is not None and c.pull_updated is not None:
            wait = c.retry_at - c.pull_updated
            if not 0 < wait <= c.pull_delay:
                return f"{spec.name!r} waits {wait:g} s to pull again, back-off delay {c.pull_delay:g} s"
    return None


@invariant(
    "succeeded-means-regular-containers-exited-zero",
    "A Succeeded pod has every regular container terminated with exit code 0.",
    f"{_GET_PHASE} (Succeeded only when stopped == succeeded)",
    "state",
)
def _succeeded_exit_zero(t: Transition) -> str | None:
    if t.after.phase != Phase.SUCCEEDED:
        return None
    for spec, c in t.pairs(t.after):
        if spec.is_regular and not (
            c.state == ctm.TERMINATED and c.term is not None and c.term.exit_code == 0
        ):
            detail = f"exit {c.term.exit_code}" if c.term is not None else c.state
            return f"the pod is Succeeded but {spec.name!r} is {detail}"
    return None


_KUBELET_CONDITIONS = (ConditionType.INITIALIZED, ConditionType.CONTAINERS_READY, ConditionType.READY)


def _active_regular(t: Transition) -> bool | None:
    """``HasAnyActiveRegularContainerStarted`` where the API object cannot show it: after a new
    sandbox (node reboot, lost sandbox) the runtime holds none of the old containers while the API
    still shows them terminated, so a restarting sidecar puts the pod back to Pending until a
    regular container runs in the new sandbox. None (derive it from the object) otherwise."""
    pairs = list(t.pairs(t.after))
    if not any(c.ever_ran and not _in_sandbox(c) for _, c in pairs):
        return None
    return any(s.is_regular and _in_sandbox(c) for s, c in pairs)


@invariant(
    "phase-agrees-with-oracle",
    "status.phase equals the oracle's pod_phase of the same object (pod_is_terminal for a finished pod, "
    "Failed where TerminatePod forces it, the old phase while a container still runs; after a new sandbox, "
    "the runtime's answer to whether a regular container started in it), and the kubelet's "
    "conditions equal pod_conditions (given the phase the kubelet generated them with).",
    f"{_GET_PHASE}; pkg/kubelet/container/helpers.go:HasAnyActiveRegularContainerStarted; "
    f"pkg/kubelet/status/status_manager.go:TerminatePod, mergePodStatus; {_GENERATE}",
    "state",
)
def _phase_agrees(t: Transition) -> str | None:
    pod = t.pod
    status = pod.get("status") or {}
    phase = status.get("phase")
    try:
        if not (phase == Phase.FAILED and status.get("reason")):  # forced by an eviction, not getPhase
            terminal = phase in _TERMINAL
            expected = pod_phase(
                pod,
                pod_is_terminal=terminal,
                pod_has_initialized=_active_regular(t),
                feature_gates=t.context.feature_gates,
            )
            if terminal and expected not in _TERMINAL:
                expected = Phase.FAILED.value  # TerminatePod: a finished pod is never left Pending/Running
            if expected in _TERMINAL and not terminal and any(c.state in _ALIVE for c in t.after.containers):
                expected = str(phase)  # mergePodStatus: no terminal phase while a container may still run
            if expected != phase:
                return f"status.phase is {phase} but pod_phase says {expected}"
        if not t.after.bound:
            return None
        pending = getattr(t.after, "pending_failure", None)
        if pending is not None and pending[1] == PodReason.DEADLINE_EXCEEDED and phase != Phase.FAILED:
            # The active-deadline handler (ShouldEvict, generateAPIPodStatus step 6) forced phase
            # Failed before the conditions were generated (step 9); the API shows that phase only
            # once no container runs. An eviction sets Failed after the conditions.
            pod = {**pod, "status": {**status, "phase": Phase.FAILED.value}}
        oracle = pod_conditions(pod, feature_gates=t.context.feature_gates)
    except PodFSMError as exc:
        return f"the oracle rejects the model's pod: {exc}"
    recorded = {c["type"]: c for c in status.get("conditions") or ()}
    for ctype in _KUBELET_CONDITIONS:
        if ctype == ConditionType.READY and t.after.node_lost_at is not None:
            continue  # the node controller, not the kubelet, writes Ready on a lost node
        want = oracle.get(ctype.value)
        got = recorded.get(ctype.value)
        if want is None or got is None:
            if want is not None or got is not None:
                return f"condition {ctype}: the pod has {got and got.get('status')}, the oracle {want}"
            continue
        mine = (got.get("status", ""), got.get("reason", ""), got.get("message", ""))
        theirs = (want.status, want.reason, want.message)
        if mine != theirs:
            return f"condition {ctype} is {mine} but pod_conditions says {theirs}"
    return None


_WORDS = frozenset(
    {p.value for p in Phase}
    | {r.value for r in PodReason}
    | {r.value for r in WaitingReason}
    | {r.value for r in TerminatedReason}
    | {"SchedulingGated", "Terminating", "NotReady", "Unknown"}
)
_STATUS_FORMS = re.compile(r"(?:Init:)?(?:Signal|ExitCode):-?\d+|Init:\d+/\d+")
_RESTARTS = re.compile(r"\d+(?: \(\S+ ago\))?")
_READY = re.compile(r"(\d+)/(\d+)")


def status_in_vocabulary(status: str) -> bool:
    """Whether a STATUS cell is one ``printPod`` can produce from the reasons podfsm knows."""
    if status in _WORDS or _STATUS_FORMS.fullmatch(status):
        return True
    return status.startswith("Init:") and status[5:] in _WORDS


@invariant(
    "kubectl-status-in-vocabulary",
    "kubectl's READY, STATUS and RESTARTS for the pod are well formed, and STATUS is a phase, a known "
    "reason or one of printPod's Init:/ExitCode:/Signal: forms.",
    "pkg/printers/internalversion/printers.go:printPod",
    "state",
)
def _kubectl_vocabulary(t: Transition) -> str | None:
    try:
        cols = kubectl_columns(t.pod, now=t.now)
    except PodFSMError as exc:
        return f"kubectl_columns rejects the model's pod: {exc}"
    if not status_in_vocabulary(cols.status):
        return f"STATUS {cols.status!r} is not in kubectl's vocabulary"
    m = _READY.fullmatch(cols.ready)
    total = sum(1 for c in t.context.containers if not c.is_init)
    if m is None or int(m.group(2)) != total or int(m.group(1)) > total:
        return f"READY {cols.ready!r} is not n/{total} with n <= {total}"
    if not _RESTARTS.fullmatch(cols.restarts):
        return f"RESTARTS {cols.restarts!r} is not a count with an optional (age ago)"
    return None


@invariant(
    "illegal-event-changes-nothing",
    "An event the model refuses with IllegalEvent leaves it exactly as it was, and the error names it.",
    "../shared/interface.md section 3 (an illegal event raises IllegalEvent and leaves the model as it was)",
    "refusal",
)
def _illegal_changes_nothing(t: Transition) -> str | None:
    assert t.refused is not None
    if t.after != t.before:
        changed = _changed_fields(t.before, t.after)
        return f"the refused {t.refused.event} changed the model: {', '.join(changed) or 'its state'}"
    etype = getattr(t.event, "type", None)
    if etype is not None and t.refused.event != etype:
        return f"the IllegalEvent names {t.refused.event!r}, not the refused {etype!r}"
    return None


def _changed_fields(before: PodState | None, after: PodState) -> list[str]:
    if before is None:
        return []
    out = [
        f
        for f in ("now", "phase", "stopping", "deletion_at", "bound", "gone")
        if getattr(before, f) != getattr(after, f)
    ]
    for i, (b, a) in enumerate(zip(before.containers, after.containers, strict=True)):
        if a != b:
            fields: Mapping[str, Any] = vars(a)
            diff = [k for k in fields if getattr(a, k) != getattr(b, k)]
            out.append(f"containers[{i}].{'/'.join(diff)}")
    return out


# =================================================================================== the API view
#
# Everything below judges only what is observable: the pod objects as published (spec and status),
# the time of each observation, and the world's event where it is known. The same predicates run on
# the model's rendered pods (the explorer, the stateful test), on a recorded watch stream
# (``podfsm check-trace``) and on another implementation's output.


@dataclass(frozen=True)
class Observation:
    """One published pod object and when it was seen.

    ``pod`` is the whole object (Kubernetes JSON shape); ``time`` is seconds since the pod's
    creation (virtual in the model, from timestamps in a recorded trace); ``event`` is the world
    event that led to it when known (the model's runs), None in a recorded trace.
    """

    pod: Mapping[str, Any]
    time: float
    event: Mapping[str, Any] | None = None


_CREATED_DEFAULT = datetime(2026, 1, 1, tzinfo=UTC)
SYNC_SLACK = requeue_window(RESYNC_AFTER_ERROR)[1]
"""Seconds a kubelet may take to act on what it saw (16): the pod worker requeues a failed sync
after ``backOffPeriod`` (``pkg/kubelet/kubelet.go``, 10 s) plus up to 50 % jitter
(``pod_workers.go`` ``workerBackOffPeriodJitterFactor``), read on the sync loop's 1 s tick."""
PLEG_RELIST = 1.0
"""Seconds before the kubelet sees an exit (the PLEG relists the runtime every second)."""
TIME_SLACK = 1.0
"""Published times have whole-second precision (``metav1.Time``)."""


def _parse_ts(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    if value in _TIMES:
        return _TIMES[value]
    t: datetime | None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        t = None
    else:
        t = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if len(_TIMES) >= _TIMES_MAX:
        _TIMES.clear()
    _TIMES[value] = t
    return t


# Timestamps parsed so far (a trace or an exploration shows few distinct ones): datetimes are
# immutable, so one parse serves every reader. Emptied when it grows past its bound.
_TIMES: dict[str, datetime | None] = {}
_TIMES_MAX = 1 << 14


def _map(value: Any) -> Mapping[str, Any]:
    # a dict first: isinstance with the Mapping ABC costs several times a type check
    return value if type(value) is dict or isinstance(value, Mapping) else {}


def _is_map(value: Any) -> bool:
    return type(value) is dict or isinstance(value, Mapping)


class _Status:
    """One container status as published: its state kind, details and lastState."""

    __slots__ = ("kind", "last", "raw", "state")

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        state = _map(raw.get("state"))
        kinds = [k for k in ("waiting", "running", "terminated") if k in state]
        self.kind = kinds[0] if len(kinds) == 1 else ("" if not kinds else "+".join(kinds))
        self.state = _map(state.get(kinds[0])) if len(kinds) == 1 else {}
        self.last = _map(_map(raw.get("lastState")).get("terminated"))

    @property
    def ready(self) -> bool:
        return self.raw.get("ready") is True

    @property
    def started(self) -> bool:
        return self.raw.get("started") is True

    @property
    def restart_count(self) -> int:
        n = self.raw.get("restartCount", 0)
        return n if isinstance(n, int) else 0

    @property
    def reason(self) -> str:
        return str(self.state.get("reason") or "")

    @property
    def exit_code(self) -> int | None:
        code = self.state.get("exitCode")
        return code if isinstance(code, int) else None

    @property
    def last_exit_code(self) -> int | None:
        code = self.last.get("exitCode")
        return code if isinstance(code, int) else None


class SharedParse:
    """What views derive from pod objects, shared by every :class:`View` that reads the same objects.

    For a reader whose pod objects are never changed once made (the explorer's: a source state's
    pod is the ``before`` of every event tried from it, and unchanged container statuses are shared
    between pods). A pod object's table of container statuses and of conditions, and each container
    status parsed, are then worked out once, found by the object's identity (the object is kept
    alive beside its parse, so an identity is never reused while it is known). Both tables are
    emptied when they grow past their bounds.
    """

    POD_LIMIT = 64
    STATUS_LIMIT = 1 << 13

    def __init__(self) -> None:
        self._pods: dict[int, tuple[Mapping[str, Any], dict[str, Any]]] = {}
        self._statuses: dict[int, tuple[Mapping[str, Any], _Status]] = {}

    def memo(self, pod: Mapping[str, Any]) -> dict[str, Any]:
        """The memo of the pod object ``pod`` (an empty dict the first time)."""
        entry = self._pods.get(id(pod))
        if entry is not None and entry[0] is pod:
            return entry[1]
        if len(self._pods) >= self.POD_LIMIT:
            self._pods.clear()
        memo: dict[str, Any] = {}
        self._pods[id(pod)] = (pod, memo)
        return memo

    def status(self, raw: Mapping[str, Any]) -> _Status:
        """The container status ``raw`` parsed."""
        entry = self._statuses.get(id(raw))
        if entry is not None and entry[0] is raw:
            return entry[1]
        if len(self._statuses) >= self.STATUS_LIMIT:
            self._statuses.clear()
        parsed = _Status(raw)
        self._statuses[id(raw)] = (raw, parsed)
        return parsed


class View:
    """A window of published observations, with the helpers the predicates share.

    ``history[-1]`` is judged; the ones before it, oldest first, are what is known of the past
    (the explorer gives one, a trace or the stateful test all). Times are seconds since creation.
    ``shared`` (optional) keeps what is parsed of each pod object for other views of the same
    objects; the answers are the same without it.
    """

    def __init__(
        self,
        history: Sequence[Observation],
        spec: PodSpecView | None = None,
        shared: SharedParse | None = None,
    ) -> None:
        if not history:
            raise ValueError("a history needs at least one observation")
        self.history = history
        self.last = history[-1]
        self.prev = history[-2] if len(history) > 1 else None
        self.pod = self.last.pod
        self._spec: PodSpecView | bool | None = False if spec is None else spec
        self._containers: tuple[ContainerSpec, ...] | None = None
        self._conditions: dict[int, dict[str, str]] = {}
        self._node_lost: bool | None = None
        self._statuses: dict[int, dict[str, _Status]] = {}
        self._shared = shared
        meta = _map(self.pod.get("metadata"))
        self.created = _parse_ts(meta.get("creationTimestamp")) or _CREATED_DEFAULT

    # -- spec

    @property
    def spec(self) -> PodSpecView | None:
        """The pod's spec, compiled (None when it is not a valid pod spec)."""
        if self._spec is False:
            from podfsm.model.spec import compile_spec

            try:
                self._spec = compile_spec(self.pod)
            except PodFSMError:
                self._spec = None
        return self._spec if not isinstance(self._spec, bool) else None

    @property
    def feature_gates(self) -> dict[str, bool] | None:
        """The gates the object itself shows were on (:func:`~podfsm.model.kubelet_config.gates_shown_by`;
        None: v1.35's defaults)."""
        from podfsm.model.kubelet_config import gates_shown_by

        return gates_shown_by(self.pod) or None

    def containers(self) -> tuple[ContainerSpec, ...]:
        if self._containers is None:
            spec = self.spec
            self._containers = () if spec is None else spec.all_containers
        return self._containers

    @property
    def policy(self) -> str:
        spec = self.spec
        return "Always" if spec is None else str(spec.restart_policy)

    # -- status

    @staticmethod
    def status(obs: Observation) -> Mapping[str, Any]:
        return _map(obs.pod.get("status"))

    def phase(self, obs: Observation | None = None) -> str:
        return str(self.status(obs or self.last).get("phase") or "")

    def statuses(self, obs: Observation | None = None) -> dict[str, _Status]:
        """Container name -> its status (init and regular containers) in ``obs`` (default: the last)."""
        o = obs or self.last
        key = id(o)
        got = self._statuses.get(key)
        if got is None:
            shared = self._shared
            memo = None if shared is None else shared.memo(o.pod)
            got = None if memo is None else memo.get("statuses")
            if got is None:
                parse = _Status if shared is None else shared.status
                got = {}
                st = self.status(o)
                for field_name in ("initContainerStatuses", "containerStatuses"):
                    for raw in st.get(field_name) or ():
                        if _is_map(raw) and isinstance(raw.get("name"), str):
                            got[raw["name"]] = parse(raw)
                if memo is not None:
                    memo["statuses"] = got
            self._statuses[key] = got
        return got

    def parse_status(self, raw: Mapping[str, Any]) -> _Status:
        """One container status, parsed (shared with other views when they share their parses)."""
        return _Status(raw) if self._shared is None else self._shared.status(raw)

    def condition(self, ctype: str, obs: Observation | None = None) -> str:
        o = obs or self.last
        table = self._conditions.get(id(o))
        if table is None:
            memo = None if self._shared is None else self._shared.memo(o.pod)
            table = None if memo is None else memo.get("conditions")
            if table is None:
                table = {
                    str(c.get("type")): str(c.get("status") or "")
                    for c in self.status(o).get("conditions") or ()
                    if _is_map(c)
                }
                if memo is not None:
                    memo["conditions"] = table
            self._conditions[id(o)] = table
        return table.get(ctype, "")

    def seconds(self, value: Any) -> float | None:
        """A published timestamp as seconds since creation (None when absent or malformed)."""
        t = _parse_ts(value)
        return None if t is None else (t - self.created).total_seconds()

    def deletion(self, obs: Observation | None = None) -> tuple[float, float] | None:
        """(when deletion was requested, grace seconds) from ``deletionTimestamp``, or None."""
        meta = _map((obs or self.last).pod.get("metadata"))
        end = self.seconds(meta.get("deletionTimestamp"))
        if end is None:
            return None
        grace = meta.get("deletionGracePeriodSeconds")
        g = float(grace) if isinstance(grace, int | float) else 0.0
        return end - g, g

    def running(self, obs: Observation | None = None) -> list[str]:
        return [n for n, s in self.statuses(obs).items() if s.kind == "running"]

    def node_lost(self) -> bool:
        """Whether the pod's node stopped reporting: a ``NodeLost`` event in the window, or Ready Unknown.

        Nothing the kubelet would publish arrives from a lost node, so obligations are not judged.
        """
        if self._node_lost is None:
            self._node_lost = self.condition("Ready") == "Unknown" or any(
                o.event is not None and o.event.get("type") == "NodeLost" for o in self.history
            )
        return self._node_lost

    def stopping(self, obs: Observation | None = None, *, from_events: bool = True) -> bool:
        """Whether the pod is being stopped as a whole: deleted, evicted, past its deadline, or terminal.

        An eviction shows in the status once every container stopped; until then it is known from an
        ``Evicted`` event of the window, where the world's events are known.
        """
        o = obs or self.last
        st = self.status(o)
        if self.deletion(o) is not None or st.get("reason") or self.phase(o) in _TERMINAL:
            return True
        if self.past_deadline(o):
            return True
        if not from_events:
            return False
        for h in self.history:
            if h.event is not None and h.event.get("type") == "Evicted":
                return True
            if h is o:
                break
        return False

    def past_deadline(self, obs: Observation | None = None) -> bool:
        o = obs or self.last
        spec = self.spec
        if spec is None or spec.active_deadline_seconds is None:
            return False
        start = self.seconds(self.status(o).get("startTime"))
        return start is not None and o.time >= start + spec.active_deadline_seconds

    def event(self, obs: Observation | None = None) -> Mapping[str, Any] | None:
        return (obs or self.last).event

    def events_of(self, name: str) -> list[Mapping[str, Any] | None]:
        """The events of the window that concern container ``name`` (None where unknown), oldest first."""
        return [o.event for o in self.history[1:] if o.event is None or o.event.get("container") == name]

    def regular_done(self, obs: Observation | None = None) -> bool:
        """Whether every regular container finished for good (terminated, and its policy keeps it so)."""
        sts = self.statuses(obs)
        for c in self.containers():
            if not c.is_regular:
                continue
            s = sts.get(c.name)
            if s is None or s.kind != "terminated" or s.exit_code is None:
                return False
            if restarts(c, self.policy, s.exit_code):
                return False
        return True

    def init_failed(self, obs: Observation | None = None) -> bool:
        """Whether a regular init container failed for good (the pod fails)."""
        sts = self.statuses(obs)
        for c in self.containers():
            if c.is_init:
                s = sts.get(c.name)
                if s is not None and s.kind == "terminated" and s.exit_code not in (0, None):
                    assert s.exit_code is not None
                    if not restarts(c, self.policy, s.exit_code):
                        return True
        return False


ViewPredicate = Callable[[View], "str | None"]


def _published(
    name: str, statement: str, upstream: str, scope: Scope
) -> Callable[[ViewPredicate], ViewPredicate]:
    """Register the decorated predicate over published observations as the invariant ``name``."""

    def register(fn: ViewPredicate) -> ViewPredicate:
        if name in INVARIANTS:
            raise ValueError(f"invariant {name!r} is registered twice")
        INVARIANTS[name] = Invariant(
            name, statement, upstream, scope, _on_transition(fn), view="published", judge=fn
        )
        return fn

    return register


def _on_transition(fn: ViewPredicate) -> Predicate:
    def predicate(t: Transition) -> str | None:
        return fn(t.view)

    return predicate


def published_invariants() -> tuple[Invariant, ...]:
    """The invariants over published observations (those :func:`check_history` runs)."""
    return tuple(i for i in INVARIANTS.values() if i.view == "published")


def model_self_checks() -> tuple[Invariant, ...]:
    """The invariants that read the model's internal state: self-checks of podfsm's own model."""
    return tuple(i for i in INVARIANTS.values() if i.view == "model")


def check_history(
    history: Sequence[Observation], invariants: Iterable[Invariant] | None = None
) -> list[Violation]:
    """Every violation by ``history[-1]``, judged in light of the observations before it.

    ``history`` is oldest first and may be a window of a longer trace; every published invariant
    (default) is checked (``state`` ones on the last pod alone). Raises ValueError for an empty
    history. The model's self-checks are skipped: they need the model's state.
    """
    view = View(history)
    chosen = published_invariants() if invariants is None else tuple(invariants)
    out: list[Violation] = []
    for inv in chosen:
        if inv.judge is None or inv.scope == "refusal":
            continue
        if inv.scope == "step" and view.prev is None:
            continue
        message = inv.judge(view)
        if message is not None:
            out.append(Violation(inv.name, message))
    return out


def check_snapshot(pod: Mapping[str, Any], invariants: Iterable[Invariant] | None = None) -> list[Violation]:
    """Every violation of the published ``state`` invariants by one pod object, seen on its own.

    The observation's time is the latest timestamp the pod shows (seconds since creation).
    """
    view = View([Observation(pod, 0.0, None)])
    latest = 0.0
    for s in view.statuses().values():
        for d in (s.state, s.last):
            for key in ("startedAt", "finishedAt"):
                sec = view.seconds(d.get(key))
                if sec is not None:
                    latest = max(latest, sec)
    chosen = tuple(
        i for i in (published_invariants() if invariants is None else invariants) if i.scope == "state"
    )
    return check_history([Observation(pod, latest, None)], chosen)


# ----------------------------------------------------------------------------------- published catalogue

_MERGE = "pkg/kubelet/status/status_manager.go:mergePodStatus"
_CONVERT = "pkg/kubelet/kubelet_pods.go:convertToAPIContainerStatuses"
_PROBER = "pkg/kubelet/prober/worker.go:doProbe"
_BACKOFF = (
    "pkg/kubelet/kuberuntime/kuberuntime_manager.go:doBackOff; k8s.io/client-go/util/flowcontrol/backoff.go"
)
_KILL = "pkg/kubelet/kuberuntime/kuberuntime_container.go:killContainersWithSyncResult, killContainer"


@_published(
    "container-status-well-formed",
    "Every container status names a container of the spec once, has exactly one of waiting, running and "
    "terminated as its state, a lastState that is terminated or empty, and a restartCount that is a "
    "non-negative integer.",
    f"staging/src/k8s.io/api/core/v1/types.go:ContainerState (at most one member set); {_CONVERT}",
    "state",
)
def _status_well_formed(v: View) -> str | None:
    names = {c.name for c in v.containers()}
    st = v.status(v.last)
    seen: set[str] = set()
    for field_name in ("initContainerStatuses", "containerStatuses"):
        for raw in st.get(field_name) or ():
            if not isinstance(raw, Mapping):
                return f"{field_name} holds {raw!r}, not a container status"
            name = raw.get("name")
            if name in seen:
                return f"container {name!r} has two statuses"
            seen.add(str(name))
            if names and name not in names:
                return f"a status names {name!r}, which is not a container of the spec"
            s = v.parse_status(raw)
            if "+" in s.kind:
                return f"{name!r} has {s.kind.replace('+', ' and ')} set in its state at once"
            if not s.kind and _map(raw.get("state")):
                return f"{name!r} has an unknown state {dict(_map(raw.get('state')))}"
            last = _map(raw.get("lastState"))
            if set(last) - {"terminated"}:
                return f"{name!r} has lastState {sorted(last)}; only terminated can be a last state"
            count = raw.get("restartCount", 0)
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                return f"{name!r} has restartCount {count!r}"
    return None


@_published(
    "no-terminal-phase-while-running",
    "A pod is not published Succeeded or Failed while one of its containers is running.",
    f"{_MERGE} (a terminal phase waits until no container runs); pkg/kubelet/kubelet.go:SyncTerminatingPod",
    "state",
)
def _no_terminal_while_running(v: View) -> str | None:
    if v.phase() in _TERMINAL:
        running = v.running()
        if running:
            return f"the pod is {v.phase()} while {running} run"
    return None


@_published(
    "succeeded-means-exit-zero",
    "A Succeeded pod shows every regular container terminated with exit code 0.",
    f"{_GET_PHASE} (Succeeded only when every regular container stopped with 0)",
    "state",
)
def _published_succeeded(v: View) -> str | None:
    if v.phase() != Phase.SUCCEEDED:
        return None
    sts = v.statuses()
    for c in v.containers():
        if c.is_regular:
            s = sts.get(c.name)
            if s is None or s.kind != "terminated" or s.exit_code != 0:
                what = (
                    "missing" if s is None else (f"exit {s.exit_code}" if s.kind == "terminated" else s.kind)
                )
                return f"the pod is Succeeded but {c.name!r} is {what}"
    return None


@_published(
    "ready-follows-containers",
    "A ready container is running and started; ContainersReady is True only when every regular container and "
    "sidecar is ready; Ready is True only with ContainersReady "
    "True, every readiness gate True and phase Running.",
    f"{_GENERATE}:GenerateContainersReadyCondition, "
    "GeneratePodReadyCondition; pkg/kubelet/prober/prober_manager.go",
    "state",
)
def _ready_follows(v: View) -> str | None:
    if v.node_lost():
        return None
    sts = v.statuses()
    for c in v.containers():
        s = sts.get(c.name)
        if s is None or not s.ready:
            continue
        if c.is_init and not c.is_sidecar:
            continue  # a regular init container is ready once it exited 0
        if s.kind != "running" or s.raw.get("started") is False:
            return f"{c.name!r} is ready but {s.kind or 'has no state'}{'' if s.started else ', not started'}"
    if v.condition("ContainersReady") == "True":
        unready = [
            c.name
            for c in v.containers()
            if not (c.is_init and not c.is_sidecar) and not (c.name in sts and sts[c.name].ready)
        ]
        if unready:
            return f"ContainersReady is True but {unready} are not ready"
    if v.condition("Ready") == "True":
        if v.condition("ContainersReady") != "True":
            return f"Ready is True but ContainersReady is {v.condition('ContainersReady') or 'absent'}"
        spec = v.spec
        for gate in spec.readiness_gates if spec is not None else ():
            if v.condition(gate) != "True":
                return f"Ready is True but readiness gate {gate} is {v.condition(gate) or 'absent'}"
        if v.phase() != Phase.RUNNING:
            return f"Ready is True but the phase is {v.phase()}"
    return None


@_published(
    "terminal-phase-absorbing",
    "Once a pod is published Succeeded or Failed its phase never changes again.",
    f"pkg/kubelet/status/status_manager.go:updateStatusInternal (a terminal phase is never left); {_MERGE}",
    "step",
)
def _published_absorbing(v: View) -> str | None:
    for o in v.history[:-1]:
        if v.phase(o) in _TERMINAL and v.phase() != v.phase(o):
            return f"the phase went from {v.phase(o)} to {v.phase()}"
    return None


def restarts(c: ContainerSpec, pod_policy: str, exit_code: int) -> bool:
    """Whether the kubelet restarts ``c`` after it exited with ``exit_code`` on its own.

    :func:`should_restart`, except that a regular init container that exited 0 is done (never
    restarted) and one that failed is restarted unless the pod's policy is Never
    (``computeInitContainerActions``).
    """
    if c.is_init and not c.is_sidecar:
        if exit_code == 0:
            return False
        if c.restart_policy is None:
            return pod_policy != RestartPolicy.NEVER
    return should_restart(c, pod_policy, exit_code)


def _spec_change_kill_possible(v: View, c: ContainerSpec) -> bool:
    """Whether the instance shown running before the step may already have been killed for a new
    image: the window shows the spec's image updated, and the spec names another image than that
    instance's status. computePodActions
    kills it and starts the new one in one sync ("definition changed"), and the API keeps showing
    it running until the new instance is seen, so its exit may be published later, at any step."""
    if v.prev is None:
        return False
    shown = v.statuses(v.prev).get(c.name)
    wanted = _image_of(v.last.pod, c.name)
    if shown is None or wanted is None or shown.raw.get("image") == wanted:
        return False
    # the update itself is in the window: a runtime may report an image by another name (a
    # registry prefix, a digest), which alone says nothing
    return any(_image_of(o.pod, c.name) not in (None, wanted) for o in v.history)


def _probe_kill_possible(v: View, c: ContainerSpec) -> bool:
    """Whether the run shown as the container's lastState may have ended in a liveness or startup kill.

    True unless the window shows that run's start and no liveness or startup failure after it.
    """
    if ProbeKind.LIVENESS not in c.probes and ProbeKind.STARTUP not in c.probes:
        return False
    s = v.statuses().get(c.name)
    starts_to_skip = 1 if s is not None and s.kind == "running" else 0
    for e in reversed(v.events_of(c.name)):
        if e is None:
            return True
        if e.get("type") == "ContainerStarted":
            if starts_to_skip == 0:
                return False
            starts_to_skip -= 1
        elif (
            starts_to_skip == 0
            and e.get("type") == "ProbeResult"
            and e.get("result") == "Failure"
            and e.get("probe") != "readiness"
        ):
            return True
    return True  # the window does not reach back to that run's start


@_published(
    "phase-is-getphase",
    "status.phase is what getPhase computes from the published container statuses, except that a pod being "
    "deleted ends Failed or Succeeded as TerminatePod says, a pod forced out (Evicted, DeadlineExceeded) "
    "is Failed, a terminal phase is withheld while a container still runs, and after a new sandbox (seen "
    "in the window, or shown by a regular init container that started after every regular container's "
    "last exit) or after a restart of all containers, podHasInitialized is false until a regular "
    "container runs again.",
    f"{_GET_PHASE}; pkg/kubelet/container/helpers.go:HasAnyActiveRegularContainerStarted; "
    f"pkg/kubelet/status/status_manager.go:TerminatePod, {_MERGE}",
    "state",
)
def _phase_is_getphase(v: View) -> str | None:
    if v.node_lost() or v.spec is None:
        return None
    phase = v.phase()
    st = v.status(v.last)
    prev = v.phase(v.prev) if v.prev is not None else None
    if prev in _TERMINAL:
        return None  # terminal-phase-absorbing judges this
    running = bool(v.running())
    if st.get("reason") or v.past_deadline():
        if (
            phase == Phase.FAILED
            or running
            or (phase in _TERMINAL and st.get("reason") != "DeadlineExceeded")
        ):
            return None
        if phase != Phase.FAILED:
            return (
                f"the pod was forced out ({st.get('reason') or 'activeDeadlineSeconds passed'}) "
                f"and nothing runs, but it is {phase}"
            )
    try:
        gates = v.feature_gates
        allowed = {pod_phase(v.pod, feature_gates=gates)}
        if v.deletion() is not None:
            terminal = pod_phase(v.pod, pod_is_terminal=True, feature_gates=gates)
            allowed.add(terminal if terminal in _TERMINAL else Phase.FAILED.value)
    except PodFSMError as exc:
        return f"getPhase rejects the pod: {exc}"
    if running and any(p in _TERMINAL for p in allowed):
        allowed |= {Phase.RUNNING.value, Phase.PENDING.value} if prev is None else {prev}
    reset = _sandbox_reset(v)
    if (
        reset is not None
        and not any(_new_instance_since(v, reset, c.name) for c in v.containers() if c.is_regular)
    ) or _init_ran_after_regulars(v):
        # HasAnyActiveRegularContainerStarted asks the runtime about the new sandbox, where no
        # regular container ran yet, while the API still shows the old ones: a restarting sidecar
        # puts the pod back to Pending
        allowed.add(pod_phase(v.pod, pod_has_initialized=False, feature_gates=v.feature_gates))
    sts = v.statuses()
    for c in v.containers():
        s = sts.get(c.name)
        if (
            s is not None
            and s.kind in ("waiting", "running")
            and s.last_exit_code is not None
            and not restarts(c, v.policy, s.last_exit_code)
            and _probe_kill_possible(v, c)
        ):
            # computePodActions restarts a probe-killed container whatever its exit code; getPhase
            # judges the exit code alone (kubernetes/kubernetes#109537): both answers are the kubelet's
            allowed.add(Phase.RUNNING.value)
    if phase not in allowed:
        if v.deletion() is not None and not running and phase not in _TERMINAL:
            # the fault is the missing end, not getPhase's answer (stopped-pods-end-terminal's words)
            return (
                f"the pod is deleted and nothing runs, but it is {phase}: TerminatePod ends it "
                f"{' or '.join(sorted(p for p in allowed if p in _TERMINAL)) or 'Failed'}"
            )
        return f"status.phase is {phase} but getPhase gives {' or '.join(sorted(allowed))}"
    return None


@_published(
    "restart-policy-obeyed",
    "A container its policy and restart rules do not restart after an exit is never restarted (shown "
    "waiting or running again after that exit), a liveness or startup kill aside.",
    f"{_SHOULD_RESTART}; pkg/api/v1/pod/util.go:ContainerShouldRestart; "
    "pkg/kubelet/kuberuntime/kuberuntime_manager.go:computePodActions",
    "state",
)
def _restart_policy(v: View) -> str | None:
    if v.node_lost():
        return None
    sts = v.statuses()
    policy = v.policy
    for c in v.containers():
        s = sts.get(c.name)
        if s is None:
            continue
        if s.kind in ("waiting", "running") and s.last_exit_code is not None:
            code = s.last_exit_code
            # a kill for a changed spec (a new image) is restarted whatever the policy (computePodActions)
            respecced = len({_image_of(o.pod, c.name) for o in v.history}) > 1
            if (
                not restarts(c, policy, code)
                and not _probe_kill_possible(v, c)
                and not _new_sandbox_since(v, c.name, s)
                and not respecced
                and s.last.get("reason") != _RESTARTING_ALL  # every container starts again after it
            ):
                return (
                    f"{c.name!r} ({_policy_text(c, policy)}) was restarted after exit {code}, "
                    f"which its policy does not restart"
                )
    return None


_SANDBOX_EVENTS = frozenset({"NodeRebooted", "SandboxLost"})


def _sandbox_reset(v: View) -> Observation | None:
    """The observation in the window that first shows the pod's latest new sandbox coming: the step
    of a node reboot or lost sandbox (the event, where known), else the last one where
    ``PodReadyToStartContainers`` turned False after being True (PodSandboxChanged). None: none."""
    for i in range(len(v.history) - 1, -1, -1):
        obs = v.history[i]
        if obs.event is not None and obs.event.get("type") in _SANDBOX_EVENTS:
            return obs
        if (
            i > 0
            and v.condition("PodReadyToStartContainers", obs) == "False"
            and v.condition("PodReadyToStartContainers", v.history[i - 1]) == "True"
        ):
            return obs
    return None


def _init_ran_after_regulars(v: View) -> bool:
    """The object alone shows that the runtime holds no regular container: every regular container
    is shown removed by a RestartAllContainers rule (waiting, lastState RestartingAllContainers),
    or none runs and a regular init container started at or after the last exit of every regular
    container (init containers run again only in a new sandbox or after a restart of all).
    HasAnyActiveRegularContainerStarted is false there, though the API still shows the old exits
    (a single snapshot, or a window after the reboot's step)."""
    sts = v.statuses()
    regulars = [sts.get(c.name) for c in v.containers() if c.is_regular]
    if regulars and all(
        s is not None and s.kind == "waiting" and s.last.get("reason") == _RESTARTING_ALL for s in regulars
    ):
        return True  # removed by a RestartAllContainers rule and not started again
    finishes: list[float] = []
    for c in v.containers():
        if not c.is_regular:
            continue
        s = sts.get(c.name)
        if s is None or s.kind == "running":
            return False
        done = s.state if s.kind == "terminated" else s.last
        t = v.seconds(done.get("finishedAt"))
        if t is not None:
            finishes.append(t)
    if not finishes:
        return False
    last_exit = max(finishes)
    for c in v.containers():
        s = sts.get(c.name)
        if c.is_init and not c.is_sidecar and s is not None and s.kind in ("running", "terminated"):
            began = v.seconds(s.state.get("startedAt"))
            if began is not None and began >= last_exit:
                return True
    return False


def _new_instance_since(v: View, reset: Observation, name: str) -> bool:
    """Whether container ``name`` shows an instance started after ``reset`` (its restartCount grew,
    or it had none then and shows one now)."""
    b, a = v.statuses(reset).get(name), v.statuses().get(name)
    if a is None:
        return False
    if b is None or (b.kind == "waiting" and not b.last):
        return a.kind != "waiting" or bool(a.last)
    return a.restart_count > b.restart_count


def _new_sandbox_since(v: View, name: str, s: _Status) -> bool:
    """Whether the container's run after ``s``'s last exit may be in a new sandbox.

    ``computePodActions`` with ``PodSandboxChanged``: a new sandbox runs the init containers again
    and starts the regular containers whatever their last exit (under ``OnFailure`` not those that
    succeeded). Evidence in the window: a node reboot or lost sandbox (the event), or an
    observation with ``PodReadyToStartContainers`` False that shows the container exited with that
    code; or the window's first observation already shows this restart (it was judged when it
    appeared). A single snapshot can only show the picture of a re-initialization: a completed
    regular init container running again while no regular container runs and one has exited.
    """
    if len(v.history) == 1:
        # one snapshot: a completed regular init container running again while no regular
        # container runs and one has exited is what a re-initialization in a new sandbox shows
        spec = next((c for c in v.containers() if c.name == name), None)
        sts = v.statuses()
        regulars = [sts.get(c.name) for c in v.containers() if c.is_regular]
        return (
            spec is not None
            and spec.is_init
            and s.last_exit_code == 0
            and not any(r is not None and r.kind == "running" for r in regulars)
            and any(r is not None and (r.kind == "terminated" or r.last) for r in regulars)
        )
    first = v.statuses(v.history[0]).get(name)
    if first is not None and first.kind in ("waiting", "running") and first.last == s.last:
        return True
    for obs in v.history:
        if obs.event is not None and obs.event.get("type") in _SANDBOX_EVENTS:
            return True
        seen = v.statuses(obs).get(name)
        if (
            v.condition("PodReadyToStartContainers", obs) == "False"
            and seen is not None
            and seen.kind == "terminated"
            and seen.state.get("exitCode") == s.last_exit_code
        ):
            return True
    return False


def _policy_text(c: ContainerSpec, pod_policy: str) -> str:
    if c.is_sidecar:
        return "sidecar"
    own = f"own policy {c.restart_policy}" if c.restart_policy is not None else f"policy {pod_policy}"
    return own + (" with rules" if c.rules and c.restart_policy is not None else "")


def _go_seconds(text: str) -> float | None:
    m = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?", text)
    if m is None or not text:
        return None
    h, mi, s = m.groups()
    return int(h or 0) * 3600 + int(mi or 0) * 60 + float(s or 0)


_BACKOFF_MESSAGE = re.compile(r"back-off (\S+) restarting failed container")


def _backoff_delays(v: View, c: ContainerSpec) -> list[tuple[float, float, float]] | None:
    """(exit's startedAt, finishedAt, required delay) for every exit of ``c`` since its creation.

    None when the window does not show the container's whole history (it must begin before the
    first exit, and every exit must show as a terminated state or lastState). The delay is
    doBackOff's: none for the first exit, then 10 s doubling to 300 s, none again (and back to 10 s)
    when an exit comes more than 600 s after the previous restart. None too when the window shows
    a kubelet restart (``KubeletRestarted``, ``NodeRebooted``): the back-off was forgotten; or a
    restart of all containers (RestartAllContainers).
    """
    runs: dict[int, tuple[float, float]] = {}  # the run's restartCount -> (startedAt, finishedAt)
    if any(o.event is not None and o.event.get("type") in _FORGETFUL_EVENTS for o in v.history):
        return None  # the kubelet restarted and forgot its back-off: the exits before do not count
    if v.feature_gates is not None and any(
        s.last.get("reason") == _RESTARTING_ALL for o in v.history for s in v.statuses(o).values()
    ):
        # a restart of all containers: the exit that triggered it never went through doBackOff, and
        # the runs it removed show no times; the exits after it are not a history to judge
        return None
    if len({_image_of(o.pod, c.name) for o in v.history}) > 1:
        # a new image is a new back-off key (GetStableKey hashes the container): a new history
        return None
    first = v.statuses(v.history[0]).get(c.name)
    if first is not None and (first.restart_count or first.last or first.kind == "terminated"):
        return None
    image: Any = None
    new_key: int | None = None  # the first run under the back-off key of the container's current spec
    for o in v.history:
        s = v.statuses(o).get(c.name)
        now_image = _image_of(o.pod, c.name)
        if image is not None and now_image != image:
            # a new image: the kubelet kills the running instance and restarts it under a new
            # back-off key (GetStableKey hashes the container's spec), which has no entry yet
            if s is None or s.kind != "running":
                return None
            new_key = s.restart_count
        image = now_image
        if s is None:
            continue
        if s.kind == "terminated":
            ended: list[tuple[int, Mapping[str, Any]]] = [(s.restart_count, s.state)]
        else:
            ended = []
        if s.last:
            # lastState is the run before the shown one: before a running or terminated instance
            # (run restartCount), or the newest exit itself while a restart is waiting
            ended.append(
                (s.restart_count - 1 if s.kind in ("running", "terminated") else s.restart_count, s.last)
            )
        for index, d in ended:
            fin, sta = v.seconds(d.get("finishedAt")), v.seconds(d.get("startedAt"))
            if d.get("reason") == "StartError" or (sta is not None and sta < 0):
                # never ran: the runtime's zero startedAt (1970); the start was attempted, and the
                # back-off entry moved on (Next), at the instant it failed, its finishedAt
                sta = None
            if fin is not None and index >= 0:
                runs[index] = (sta if sta is not None else fin, fin)
    if sorted(runs) != list(range(len(runs))):
        return None  # an exit happened between two observations
    if new_key is not None:
        runs = {i - new_key: r for i, r in runs.items() if i >= new_key}
    out: list[tuple[float, float, float]] = []
    delay = 0.0
    # lastUpdate, when the back-off entry last moved on: the restart after the previous exit,
    # known to lie between that exit plus its delay and the next run's start
    earliest: float | None = None
    latest: float | None = None
    for index in sorted(runs):
        sta, fin = runs[index]
        if earliest is None or latest is None or fin - min(latest, sta) > CRASH_RESET + TIME_SLACK:
            expired = True
        elif fin - earliest <= CRASH_RESET - TIME_SLACK:
            expired = False
        else:
            return None  # the restart's exact time decides, and the window does not show it
        required = 0.0 if expired else delay
        out.append((sta, fin, required))
        delay = 10.0 if expired else min(delay * 2, 300.0)
        earliest = fin + required
        latest = runs[index + 1][0] if index + 1 in runs else None
    return out


CRASH_RESET = 600.0
# a kubelet that restarts (alone, or with its node) forgets its back-off entries (kubelet.go)
_FORGETFUL_EVENTS = frozenset({"KubeletRestarted", "NodeRebooted"})


def _pod_kill_possible(v: View) -> bool:
    """Whether a kill of the whole pod (eviction, activeDeadlineSeconds) may be under way: the pod
    worker then waits in it and runs no requeued sync. Seen from the events of a model run, or
    from the deadline; a recorded eviction shows only once its containers stopped."""
    if any(o.event is not None and o.event.get("type") == "Evicted" for o in v.history):
        return True
    spec = v.spec
    ads = None if spec is None else spec.active_deadline_seconds
    start = v.seconds(v.status(v.last).get("startTime"))
    return ads is not None and (start is None or v.last.time >= start + ads)


def _refusal_published_late(v: View, sts: Mapping[str, Any]) -> str | None:
    """A container still shown exited although the sync requeued after its refused restart must
    have published CrashLoopBackOff (or a new instance) by now."""
    st = v.status(v.last)
    if v.deletion() is not None or v.phase() in _TERMINAL or st.get("reason") or _pod_kill_possible(v):
        return None
    if _no_new_sandbox(v):
        return None  # computePodActions returns before doBackOff: nothing will be restarted
    for c in v.containers():
        s = sts.get(c.name)
        if (
            s is None
            or s.kind != "terminated"
            or ProbeKind.LIVENESS in c.probes
            or ProbeKind.STARTUP in c.probes
        ):
            continue
        if c.is_sidecar:
            continue  # the pod may be being killed unseen (keepCount 0 while a regular is in preStop)
        code = s.state.get("exitCode")
        if not isinstance(code, int) or not restarts(c, v.policy, code):
            continue
        delays = _backoff_delays(v, c)
        if not delays or delays[-1][2] <= 0:
            continue
        _, fin, delay = delays[-1]
        latest = fin + PLEG_RELIST + requeue_window(requeue_delay(delay))[1]
        if v.last.time > latest + TIME_SLACK:
            return (
                f"{c.name!r} still shows its exit {v.last.time - fin:g} s after it: the back-off "
                f"refused its restart ({delay:g} s), and the requeued sync, due by {latest - fin:g} s "
                "after the exit, publishes CrashLoopBackOff"
            )
    return None


def _image_of(pod: Mapping[str, Any], name: str) -> str | None:
    """The image the pod's spec gives container ``name`` (None when it is not there)."""
    spec = pod.get("spec") or {}
    for key in ("initContainers", "containers"):
        for c in spec.get(key) or ():
            if _is_map(c) and c.get("name") == name:
                image = c.get("image")
                return str(image) if image is not None else None
    return None


@_published(
    "crash-loop-back-off-timing",
    "CrashLoopBackOff is shown only after a restart, with a delay of 10 s doubling to 300 s, never after a "
    "run of more than 10 minutes (the entry expired), and no restart comes before its delay: the first "
    "restart, and the first after 10 minutes of running, are immediate.",
    f"{_BACKOFF}; pkg/kubelet/kubelet.go (initialCrashLoopBackOff 10 s, MaxCrashLoopBackOff 300 s)",
    "step",
)
def _backoff_timing(v: View) -> str | None:
    if v.node_lost():
        return None
    sts = v.statuses()
    for c in v.containers():
        s = sts.get(c.name)
        if s is None or s.kind != "waiting" or s.reason != WaitingReason.CRASH_LOOP_BACK_OFF:
            continue
        probed = ProbeKind.LIVENESS in c.probes or ProbeKind.STARTUP in c.probes
        if s.restart_count < 1 and not probed:
            return f"{c.name!r} is in CrashLoopBackOff before its first restart (restartCount 0)"
        m = _BACKOFF_MESSAGE.search(str(s.state.get("message") or ""))
        shown = _go_seconds(m.group(1)) if m else None
        if m is not None and shown not in BACKOFF_DELAYS - {0.0}:
            return f"{c.name!r} shows back-off {m.group(1)}, not 10 s doubling to 300 s"
        fin, sta = v.seconds(s.last.get("finishedAt")), v.seconds(s.last.get("startedAt"))
        if fin is None or probed:
            continue
        if s.last.get("reason") == "StartError":
            sta = None  # never ran: the runtime's zero startedAt (1970), not a run's start
        if sta is not None and fin - sta > CRASH_RESET:  # whole seconds: 601 means more than 600
            return (
                f"{c.name!r} is in CrashLoopBackOff after a run of {fin - sta:g} s: a back-off entry older "
                "than 600 s has expired, so the restart is immediate"
            )
        delays = _backoff_delays(v, c)
        if delays:
            required = delays[-1][2]
            if required == 0.0:
                return (
                    f"{c.name!r} is in CrashLoopBackOff after an exit that the back-off lets restart at once"
                )
            if shown is not None and shown != required:
                return f"{c.name!r} shows back-off {m and m.group(1)}; its exits call for {required:g}s"
    # the refusal published late: the sync after the exit refused the restart and put
    # CrashLoopBackOff in the reason cache; the requeued sync publishes it, at the back-off's
    # expiry plus the jitter window (pod_workers.go completeWork), and nothing shows the exit
    # any longer after that
    late = _refusal_published_late(v, sts)
    if late is not None:
        return late
    # a restart before its delay
    if v.prev is not None:
        before = v.statuses(v.prev)
        for c in v.containers():
            s, b = sts.get(c.name), before.get(c.name)
            if (
                s is None
                or b is None
                or s.kind != "running"
                or ProbeKind.LIVENESS in c.probes
                or ProbeKind.STARTUP in c.probes
            ):
                continue
            if s.restart_count <= b.restart_count:
                continue
            started, fin = v.seconds(s.state.get("startedAt")), v.seconds(s.last.get("finishedAt"))
            if started is None or fin is None:
                continue
            delays = _backoff_delays(v, c)
            if delays and started - fin < delays[-1][2] - TIME_SLACK:
                return (
                    f"{c.name!r} restarted {started - fin:g} s after "
                    f"its exit; the back-off asks {delays[-1][2]:g} s"
                )
    return None


def _post_start_hook_running(v: View) -> bool:
    """Whether the kubelet is inside a container's start, running its postStart hook (a start with
    ``postStartRunning`` whose hook has not returned) or killing the instance whose hook failed
    (``PostStartHookFailed`` until that instance's exit): SyncPod starts nothing else until
    startContainer returns, and the API still shows the run before (``kuberuntime_container.go:
    startContainer`` runs the hook, then ``killContainer`` with FailedPostStartHook). Known from the
    events only."""
    running: set[str] = set()
    for o in v.history:
        e = o.event
        if e is None:
            continue
        kind = e.get("type")
        name = str(e.get("container"))
        if (kind == "ContainerStarted" and e.get("postStartRunning")) or kind == "PostStartHookFailed":
            running.add(name)
        elif kind in ("PostStartHookSucceeded", "ContainerExited"):
            running.discard(name)
        elif kind in _SANDBOX_EVENTS or kind == "KubeletRestarted":
            running.clear()
    return bool(running)


def _turn_in_new_sandbox(v: View, c: ContainerSpec) -> bool:
    """After a new sandbox (node reboot, lost sandbox) the init containers run again, in order,
    before anything after them (computePodActions with PodSandboxChanged): ``c``'s turn has come
    when the init container before it (the last one, for a regular container) has a new instance
    since, completed (a sidecar: started). True when no sandbox was recreated."""
    reset = _sandbox_reset(v)
    if reset is None:
        return True
    now = v.statuses()
    inits = [o for o in v.containers() if not o.is_regular]
    # computeInitContainerActions: a regular container waits for the last init container only, an
    # init container for the one before it
    before = inits[-1:] if c.is_regular else [o for o in inits if o.index == c.index - 1]
    for o in before:
        a = now.get(o.name)
        if a is None or not _new_instance_since(v, reset, o.name):
            return False
        if not (a.started if o.is_sidecar else a.kind == "terminated" and a.exit_code == 0):
            return False
    return True


def _no_new_sandbox(v: View) -> bool:
    """The pod's sandbox is gone (a node reboot or a lost sandbox) and the kubelet creates no new
    one: computePodActions, on PodSandboxChanged with a sandbox attempt after the first, returns
    with nothing to do when ``shouldRestartOnFailure`` is false (the pod's ``restartPolicy`` is
    Never; a container's own policy is not asked, kubernetes/kubernetes#118321) and the runtime
    holds containers of the pod: a container shown with a run (anything but a first waiting)."""
    if v.policy != "Never" or _sandbox_reset(v) is None:
        return False
    return any(s.kind != "waiting" or s.last or s.restart_count > 0 for s in v.statuses().values())


@_published(
    "restart-obligation",
    "A container its policy restarts is restarted: once the back-off its exits call for has passed since "
    "it was shown terminated (none after its first exit, then 10 s doubling to 300 s), the runtime's start "
    "of it is accepted, unless the pod is being stopped, or its sandbox is gone and the pod's own "
    "restartPolicy Never stops the kubelet from creating a new one (judged on the model's steps, where "
    "the world's refused events are known).",
    f"{_SHOULD_RESTART}; pkg/kubelet/kuberuntime/kuberuntime_manager.go:computePodActions, {_BACKOFF}",
    "refusal",
)
def _restart_obligation(v: View) -> str | None:
    e = v.last.event
    if e is None or e.get("type") != "ContainerStarted" or v.node_lost() or v.spec is None:
        return None
    if v.stopping() or v.init_failed():
        return None
    if v.condition("AllContainersRestarting") == "True":
        return None  # computePodActions only removes containers until none is left
    c = next((c for c in v.containers() if c.name == e.get("container")), None)
    s = v.statuses().get(str(e.get("container")))
    if c is None or s is None or s.kind != "terminated" or s.exit_code is None:
        return None
    if not restarts(c, v.policy, s.exit_code) or (c.is_sidecar and v.regular_done()):
        return None
    if not _turn_in_new_sandbox(v, c) or _post_start_hook_running(v) or _no_new_sandbox(v):
        return None
    if c.is_sidecar and any(
        o.is_regular
        and (ProbeKind.LIVENESS in o.probes or ProbeKind.STARTUP in o.probes)
        and not restarts(o, v.policy, 1)
        for o in v.containers()
    ):
        # a probe kill of a regular container its policy does not restart stops the pod
        # (computePodActions: nothing regular runs again) before the API shows it
        return None
    fin = v.seconds(s.state.get("finishedAt"))
    if fin is None:
        return None
    probed = ProbeKind.LIVENESS in c.probes or ProbeKind.STARTUP in c.probes
    delays = None if probed else _backoff_delays(v, c)
    if delays:
        required = delays[-1][2]
    elif s.restart_count == 0 and not s.last:
        required = 0.0  # its first exit: doBackOff finds no entry for it
    else:
        required = max(BACKOFF_DELAYS)
    if v.last.time < fin + required:
        return None
    return (
        f"{c.name!r} ({_policy_text(c, v.policy)}) exited {s.exit_code} {v.last.time - fin:g} s ago, which "
        f"its policy restarts after a back-off of {required:g} s, but the kubelet did not restart it"
    )


@_published(
    "restart-count-and-last-state",
    "A container's restartCount never decreases and grows by one with each new instance (a container "
    "removed by a RestartAllContainers rule: by one at its removal, none at its next instance); a "
    "restarted container shows the run that ended as its lastState, and lastState is kept until the "
    "next exit.",
    f"{_CONVERT} (restartCount from the runtime record, lastState the previous instance); "
    "pkg/kubelet/kuberuntime/kuberuntime_container.go (restartCount annotation)",
    "step",
)
def _restart_count_last_state(v: View) -> str | None:
    if v.prev is None or v.node_lost():
        return None
    before, after = v.statuses(v.prev), v.statuses()
    for name, a in after.items():
        b = before.get(name)
        if b is None:
            continue
        if a.restart_count < b.restart_count:
            return f"{name!r} restartCount went {b.restart_count} -> {a.restart_count}"
        removed_now = a.kind == "waiting" and a.reason == _RESTARTING_ALL
        if removed_now and not (b.kind == "waiting" and b.reason == a.reason):
            # removed by a RestartAllContainers rule: the instance that was there is counted, and
            # lastState is exit 137 with no times (convertToAPIContainerStatuses, podRestarting)
            if a.kind != "waiting" or a.last.get("exitCode") != 137 or a.last.get("finishedAt") is not None:
                return f"{name!r} was removed for RestartAllContainers but shows {a.kind}, lastState {a.last}"
            if a.restart_count != b.restart_count + (0 if b.kind == "waiting" else 1):
                return (
                    f"{name!r} was removed for RestartAllContainers ({b.kind} before) but its restartCount "
                    f"went {b.restart_count} -> {a.restart_count}"
                )
            continue
        new_instance = (
            a.kind == "running"
            and (b.kind != "running" or b.state.get("startedAt") != a.state.get("startedAt"))
            and (b.kind == "terminated" or b.last or b.kind == "running")
        )
        # the first instance after a restart of all containers is not counted again: the runtime
        # has no record of the removed one, and restartCount never goes below the published one.
        # A container removed while shown waiting keeps no mark of it (its status is kept), so in
        # a pod with a RestartAllContainers rule a waiting container's next instance may keep its
        # count (the model's own record, restart-count-monotonic, still judges it exactly).
        counts = {b.restart_count + 1}
        if b.kind == "waiting" and b.last.get("reason") == _RESTARTING_ALL:
            counts = {b.restart_count}
        elif b.kind == "waiting" and v.feature_gates is not None:
            counts.add(b.restart_count)
        if new_instance and (b.kind != "waiting" or b.last) and a.restart_count not in counts:
            return (
                f"{name!r} runs a new instance (started "
                f"{a.state.get('startedAt')}) but its restartCount went "
                f"{b.restart_count} -> {a.restart_count}"
            )
        spec_c = next((c for c in v.containers() if c.name == name), None)
        if spec_c is not None and (
            _probe_kill_possible(v, spec_c)
            or spec_c.post_start
            or len({_image_of(o.pod, name) for o in v.history}) > 1
        ):
            # a probe kill and its restart happen in one sync (so do a kill for a new image and its
            # restart), and an instance whose postStart hook failed is never shown running:
            # lastState may be a run the window did not show
            continue
        if a.kind in ("waiting", "running"):
            same_run = a.kind == b.kind == "running" and a.state.get("startedAt") == b.state.get("startedAt")
            want: Mapping[str, Any]
            start_error = (
                a.kind == "waiting"
                and a.last.get("reason") == "StartError"
                and a.restart_count in counts  # one more (none for the first after a restart of all)
            )
            if start_error:
                # a new instance that could not start (RunContainerError in the reason cache) is
                # the run that ended; it was never shown terminated (startContainer)
                continue
            if b.kind == "terminated":
                want = b.state  # the run that just ended
            elif b.kind == "running" and not same_run:
                want = {"startedAt": b.state.get("startedAt")}
            else:
                want = b.last  # nothing ended since: lastState is kept
            if want and not a.last:
                return f"{name!r} has no lastState, but a run of it ended (finished {want.get('finishedAt')})"
            for key in ("exitCode", "startedAt", "finishedAt"):
                if key in want and a.last.get(key) != want.get(key):
                    return (
                        f"{name!r} lastState {key} is {a.last.get(key)!r}, but the run that ended had "
                        f"{want.get(key)!r}"
                    )
    return None


def _consecutive(v: View, name: str, probe: str) -> tuple[int, str] | None:
    """The run of equal ``probe`` results of ``name`` up to the last event, if the window shows its start."""
    result = None
    n = 0
    for o in reversed(v.history[1:]):
        e = o.event
        if e is None:
            return None
        if e.get("type") in _FORGETFUL_EVENTS:
            # a restarted kubelet's probe worker counts its run afresh (prober/worker.go)
            return (n, str(result)) if result is not None else None
        if e.get("container") != name:
            continue
        if e.get("type") == "ContainerStarted":
            return (n, str(result)) if result is not None else None
        if e.get("type") != "ProbeResult" or e.get("probe") != probe:
            continue
        if result is None:
            result = e.get("result")
        if e.get("result") != result:
            return n, str(result)
        n += 1
    return None


@_published(
    "ready-follows-probes",
    "A container with a readiness probe becomes ready only on a readiness success (successThreshold in a "
    "row), becomes unready at failureThreshold failures in a row and not before; without one it is ready "
    "once started; and no liveness or readiness result counts before the startup probe succeeded.",
    f"{_PROBER} (thresholds, startup gating); pkg/kubelet/prober/prober_manager.go:UpdatePodStatus",
    "step",
)
def _ready_follows_probes(v: View) -> str | None:
    if v.prev is None or v.node_lost():
        return None
    e = v.last.event
    before, after = v.statuses(v.prev), v.statuses()
    for c in v.containers():
        if c.is_init and not c.is_sidecar:
            continue
        a, b = after.get(c.name), before.get(c.name)
        if a is None:
            continue
        if a.kind == "running" and a.raw.get("started") is False and a.ready:
            return f"{c.name!r} is ready before its startup probe succeeded"
        if b is None or e is None:
            continue
        readiness = c.probes.get(ProbeKind.READINESS)
        mine = e.get("container") == c.name
        if not b.ready and a.ready and readiness is not None:
            if not (
                mine
                and e.get("type") == "ProbeResult"
                and e.get("probe") == "readiness"
                and e.get("result") == "Success"
            ):
                return f"{c.name!r} became ready on {e.get('type')}, not on a readiness success"
            run = _consecutive(v, c.name, "readiness")
            if run is not None and run[0] < readiness.success_threshold:
                return (
                    f"{c.name!r} became ready after {run[0]} successes; "
                    f"successThreshold is {readiness.success_threshold}"
                )
        if (
            mine
            and e.get("type") == "ProbeResult"
            and e.get("probe") == "readiness"
            and readiness is not None
        ):
            run = _consecutive(v, c.name, "readiness")
            threshold = readiness.failure_threshold
            if e.get("result") == "Success" and a.kind == "running" and a.started and not a.ready:
                needed = readiness.success_threshold
                if needed == 1 or (run is not None and run[0] >= needed):
                    return f"{c.name!r} is not ready after {needed} readiness successes in a row"
            if e.get("result") == "Failure" and a.kind == "running":
                if a.ready and run is not None and run[0] >= threshold:
                    return (
                        f"{c.name!r} is still ready after {run[0]} "
                        f"readiness failures (failureThreshold {threshold})"
                    )
                if a.ready and threshold == 1:
                    return f"{c.name!r} is still ready after a readiness failure (failureThreshold 1)"
                if b.ready and not a.ready and run is not None and run[0] < threshold:
                    return (
                        f"{c.name!r} became unready after {run[0]} "
                        f"readiness failures (failureThreshold {threshold})"
                    )
        if (
            mine
            and e.get("type") == "ProbeResult"
            and e.get("probe") in ("liveness", "readiness")
            and ProbeKind.STARTUP in c.probes
            and b.kind == "running"
            and not b.started
            and (a.ready, a.kind, a.restart_count) != (b.ready, b.kind, b.restart_count)
        ):
            return f"a {e.get('probe')} result changed {c.name!r} before its startup probe succeeded"
    return None


@_published(
    "termination-ordering",
    "On deletion the kubelet kills no container before the grace period (at least 2 s) has passed, and every "
    "container has stopped by then (plus a sync); sidecars are stopped after every regular container, in "
    "reverse order.",
    f"{_KILL} (minimumGracePeriodInSeconds = 2); pkg/kubelet/kuberuntime/kuberuntime_termination_order.go",
    "step",
)
def _termination_ordering(v: View) -> str | None:
    if v.prev is None or v.node_lost():
        return None
    e = v.last.event
    before, after = v.statuses(v.prev), v.statuses()
    deletion = v.deletion()
    containers = v.containers()
    for c in containers:
        b, a = before.get(c.name), after.get(c.name)
        if b is None or a is None or b.kind != "running" or a.kind == "running":
            continue
        own_exit = e is not None and e.get("type") == "ContainerExited" and e.get("container") == c.name
        if own_exit or e is None or e.get("type") in _SANDBOX_EVENTS:
            continue  # (a reboot or a lost sandbox stops every container at once)
        # the kubelet stopped it (SIGKILL at a deadline); a liveness or startup kill has its own grace
        if (
            deletion is not None
            and not v.status(v.last).get("reason")
            and not _probe_kill_possible(v, c)
            and not _spec_change_kill_possible(v, c)
        ):
            asked, grace = deletion
            if (
                v.last.time < asked + max(grace, MIN_GRACE) - TIME_SLACK
                and e.get("type") == "DeletionRequested"
            ):
                return f"{c.name!r} was killed at once on a deletion with a {grace:g} s grace period"
        # (an eviction known only from its event is left out: its grace period, not published, may
        # be shorter than the 2 s a kill gets, cutting sidecars off while regular containers stop)
        if (
            c.is_sidecar
            and (v.stopping(v.prev, from_events=False) or v.regular_done())
            and not _probe_kill_possible(v, c)
            and not _spec_change_kill_possible(v, c)
        ):
            # a regular container still running before the step, or a later sidecar still running
            # after it (sidecars cut off together when the grace period ends stop in one step)
            alive = [
                o.name
                for o in containers
                if (
                    o.is_regular
                    and _stopped_no_earlier(v, before.get(o.name), after.get(o.name), after[c.name])
                )
                or (
                    o.is_sidecar
                    and o.index > c.index
                    and after.get(o.name) is not None
                    and after[o.name].kind == "running"
                )
            ]
            if alive:
                return (
                    f"sidecar {c.name!r} was stopped while {alive} "
                    "still ran (sidecars stop last, in reverse order)"
                )
    if deletion is not None:
        asked, grace = deletion
        # a second, shorter deletion does not shorten the kill in progress (SyncTerminatingPod's
        # killPod is not cancelled, kubelet.go TODO(#113606)): the first grace seen still holds
        grace = max(
            [grace]
            + [d[1] for o in v.history if (d := v.deletion(o)) is not None and abs(d[0] - asked) < TIME_SLACK]
        )
        late = v.last.time - (asked + max(grace, MIN_GRACE))
        running = v.running()
        if running and late > SYNC_SLACK * 2 + max(grace, MIN_GRACE):
            return (
                f"{running} still run {v.last.time - asked:g} s "
                f"after a deletion with a {grace:g} s grace period"
            )
    return None


MIN_GRACE = 2.0


def _stopped_no_earlier(v: View, b: _Status | None, a: _Status | None, sidecar: _Status) -> bool:
    """Whether a regular container running before the step had not stopped before ``sidecar`` did:
    it still runs, or it stopped in the same step no earlier than the sidecar's finishedAt (one step
    of time may cover a regular container's kill and, later, the sidecar's)."""
    if b is None or b.kind != "running":
        return False
    if a is None or a.kind == "running":
        return True
    mine, theirs = v.seconds(sidecar.state.get("finishedAt")), v.seconds(a.state.get("finishedAt"))
    if mine is None or theirs is None:
        return True
    kill = _pod_kill_began(v)
    if theirs == mine and kill is not None and mine >= kill[0] + kill[1] + MIN_GRACE - TIME_SLACK:
        # a sidecar cut off at the grace period's end gets 2 s more; a regular container whose
        # preStop hook used the grace period gets the same 2 s: both stop then
        return False
    return theirs >= mine


def _pod_kill_began(v: View) -> tuple[float, float] | None:
    """When the kill of the whole pod began and its grace period (seconds): a deletion's
    (deletionTimestamp less its grace) or an eviction's where its event is known, whichever came
    first, else an expired activeDeadlineSeconds' (startTime plus the
    deadline, with the spec's terminationGracePeriodSeconds: ``active_deadline.go``, the pod worker's
    SyncTerminatingPod); None when neither is seen."""
    kills = []
    deletion = v.deletion()
    if deletion is not None:
        kills.append(deletion)
    evicted = next(
        (o for o in v.history if o.event is not None and o.event.get("type") == "Evicted"),
        None,
    )
    if evicted is not None and evicted.event is not None:
        # the eviction manager's kill: evictionMaxPodGracePeriod, or 1 s for a hard eviction
        # (eviction_manager.go immediateEvictionGracePeriodSeconds); known from the event only
        grace = evicted.event.get("gracePeriodSeconds")
        kills.append((evicted.time, float(max(grace, 1) if isinstance(grace, int) else 1)))  # at least 1 s
    if kills:
        # the first kill goes on with its own grace: SyncTerminatingPod's killPod is not cancelled
        # by a later, shorter request (kubelet.go, TODO(#113606))
        return min(kills)
    spec = v.spec
    ads = None if spec is None else spec.active_deadline_seconds
    start = v.seconds(v.status(v.last).get("startTime"))
    if spec is None or ads is None or start is None or v.last.time < start + ads:
        return None
    return start + ads, float(spec.grace_seconds)


@_published(
    "active-deadline-enforced",
    "A pod with activeDeadlineSeconds is failed with reason DeadlineExceeded once that many seconds passed "
    "since its startTime (its containers killed, then phase Failed), and not before.",
    "pkg/kubelet/active_deadline.go:ShouldSync, ShouldEvict; "
    "pkg/kubelet/kubelet_pods.go:generateAPIPodStatus",
    "state",
)
def _active_deadline(v: View) -> str | None:
    spec = v.spec
    if spec is None or spec.active_deadline_seconds is None or v.node_lost():
        return None
    st = v.status(v.last)
    start = v.seconds(st.get("startTime"))
    reason = st.get("reason")
    if reason == PodReason.DEADLINE_EXCEEDED:
        if start is None or v.last.time + TIME_SLACK < start + spec.active_deadline_seconds:
            return (
                f"the pod is DeadlineExceeded {v.last.time:g} s after creation, "
                f"before its {spec.active_deadline_seconds} s deadline"
            )
        return None
    if start is None or v.phase() in _TERMINAL or v.deletion() is not None or reason:
        return None
    # A deadline set (or shortened) by an update of the spec counts from when it is seen: the
    # kubelet acts on it at the next sync (the earliest observation showing the current value).
    since = v.last.time
    for o in reversed(v.history):
        if _map(o.pod.get("spec")).get("activeDeadlineSeconds") != spec.active_deadline_seconds:
            break
        since = o.time
    else:
        since = start
    overdue = v.last.time - max(start + spec.active_deadline_seconds, since)
    if overdue > SYNC_SLACK + float(spec.grace_seconds) + MIN_GRACE:
        return (
            f"activeDeadlineSeconds {spec.active_deadline_seconds} "
            f"passed {overdue:g} s ago and the pod is {v.phase()}"
        )
    return None


@_published(
    "stopped-pods-end-terminal",
    "A pod that is deleted, or whose regular containers have all finished for good, is stopped: once no "
    "container of it runs it is Succeeded or Failed, and its sidecars are stopped.",
    "pkg/kubelet/kubelet.go:SyncTerminatingPod; "
    f"pkg/kubelet/status/status_manager.go:TerminatePod; {_GET_PHASE}",
    "state",
)
def _stopped_end_terminal(v: View) -> str | None:
    if v.node_lost() or v.spec is None:
        return None
    sts = v.statuses()
    if not sts:
        return None
    running = v.running()
    done = v.regular_done()
    deletion = v.deletion()
    deleted = deletion is not None
    if deletion is not None and deletion[1] == 0:
        return None  # a zero grace period removes the object at once: nothing is published after it
    if not (deleted or done or v.init_failed()):
        return None
    if done and running and all(not c.is_regular for c in v.containers() if c.name in running):
        finished = [v.seconds(sts[c.name].state.get("finishedAt")) for c in v.containers() if c.is_regular]
        last = max((f for f in finished if f is not None), default=None)
        if last is not None and v.last.time - last > float(v.spec.grace_seconds) + MIN_GRACE + 2 * SYNC_SLACK:
            return (
                f"every regular container finished {v.last.time - last:g} "
                f"s ago but sidecars {running} still run"
            )
    if running or any(
        s.kind == "waiting" and s.reason not in ("", "ContainerCreating", "PodInitializing")
        for s in sts.values()
    ):
        return None
    if any(s.kind == "waiting" for s in sts.values()) and not deleted:
        return None
    # a kill the API does not show (a postStart hook's, inside the start) may still be under way:
    # judge once any grace period it could have has run out, plus a sync
    slack = float(v.spec.grace_seconds) + MIN_GRACE + SYNC_SLACK
    if deletion is not None:
        since = deletion[0] + max(deletion[1], MIN_GRACE) + SYNC_SLACK
    else:
        ends = [v.seconds(st.state.get("finishedAt")) for st in sts.values() if st.kind == "terminated"]
        since = max((e for e in ends if e is not None), default=0.0) + slack
    if v.last.time < since:
        return None
    if v.phase() not in _TERMINAL:
        why = (
            "deleted"
            if deleted
            else ("its regular containers are done" if done else "an init container failed")
        )
        return f"the pod is {why} and nothing runs, but it is {v.phase()}"
    return None
