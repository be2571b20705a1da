"""The invariant catalogue: named properties every run of the pod model must keep.

Each :class:`Invariant` is a pure predicate over one :class:`Transition` (the pod before, the
event, the pod after), with a one-sentence statement and the upstream behaviour it rests on. It
returns ``None`` when the property holds and a sentence saying what is wrong when it does not.
Properties of whole histories ("once Running, always Running") are stated in their inductive
form, as a step predicate, so that both the Hypothesis state machine (:mod:`podfsm.verifier.stateful`)
and the exhaustive explorer (:mod:`podfsm.verifier.explorer`) check them on every edge.

Scopes:

- ``state`` -- reads only the pod after the step (checked once per distinct state by the explorer);
- ``step`` -- reads the pod before, the event and the pod after;
- ``refusal`` -- checked on events the model refused with :class:`~podfsm.errors.IllegalEvent`.

The predicates do not reuse the model's tables: where they need to know whether a container is
restarted they ask :func:`should_restart`, written here from the reference notes, so a wrong row
in :data:`~podfsm.model.machines.restart_policy.RESTART_POLICY_TABLE` shows up as a violation instead
of being agreed with. ``phase-agrees-with-oracle`` compares the model with :mod:`podfsm.oracle`,
an independent implementation over API objects.

Use :data:`INVARIANTS` (name -> invariant, in catalogue order), :func:`get`, and :func:`check`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from podfsm.errors import IllegalEvent, PodFSMError
from podfsm.model.machines import conditions as cm
from podfsm.model.machines import container as ctm
from podfsm.vocab import (
    ConditionType,
    Phase,
    PodReason,
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
    "Scope",
    "Transition",
    "Violation",
    "check",
    "get",
    "names",
    "should_restart",
]

Scope = Literal["state", "step", "refusal"]

BACKOFF_DELAYS = frozenset({0.0, 10.0, 20.0, 40.0, 80.0, 160.0, 300.0})
"""Every delay a kubelet back-off may use (``pkg/kubelet/kubelet.go``: 10 s doubling, capped at 300 s)."""

_TERMINAL = frozenset({Phase.SUCCEEDED.value, Phase.FAILED.value})
_ALIVE = frozenset(ctm.ALIVE)
_NOT_RESTARTED = frozenset({ctm.WAITING, ctm.IMAGE_PULL_BACK_OFF})


# ----------------------------------------------------------------------------------- the step


@dataclass(frozen=True)
class Context:
    """What a predicate may know besides the states: the pod's spec and how to render a state."""

    spec: PodSpecView
    containers: tuple[ContainerSpec, ...]  # aligned with ``PodState.containers``
    condition_types: tuple[ConditionType, ...]  # aligned with ``PodState.conditions``
    render: Callable[[PodState], dict[str, Any]]
    t0: datetime

    @classmethod
    def of(cls, model: PodModel) -> Context:
        """The context of ``model`` (its spec and renderer); valid for every state of it."""
        return cls(
            spec=model.spec,
            containers=tuple(r.spec for r in model.records),
            condition_types=tuple(model.condition_types),
            render=model.render,
            t0=model.t0,
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

    @cached_property
    def pod(self) -> dict[str, Any]:
        """The pod object (Kubernetes JSON) of ``after``, rendered once."""
        return self.context.render(self.after)

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
            # a container killed because its spec changed (a new image) is restarted whatever the policy
            and t.before is not None
            and t.before.containers[i].kill_cause != "SpecChanged"
        ):
            return f"{name!r} (policy Never) exited {code} and is {after.containers[i].state}, not Terminated"
    if after.phase == Phase.FAILED or (after.node_lost_at is not None) or after.gone:
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
    "once it reached it.",
    f"{_SHOULD_RESTART}; {_GET_PHASE} (Always: Running while containers are restarted)",
    "step",
)
def _always_keeps_running(t: Transition) -> str | None:
    assert t.before is not None
    if t.before.phase != Phase.RUNNING or t.after.phase == Phase.RUNNING:
        return None
    if t.after.deletion_at is not None or _forced(t.after):
        return None
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
    for spec, c in t.pairs(after):
        if c.state in _ALIVE:
            return None
        if spec.is_regular and not (
            c.state == ctm.TERMINATED and c.term is not None and c.term.exit_code == 0
        ):
            return None
    return f"every regular container exited 0 and nothing runs, but the pod is {after.phase}"


@invariant(
    "terminal-phase-absorbing",
    "Once a pod is Succeeded or Failed its phase never changes again.",
    "pkg/kubelet/kubelet_pods.go:generateAPIPodStatus (terminal phases are sticky); "
    "pkg/kubelet/status/status_manager.go",
    "step",
)
def _terminal_absorbing(t: Transition) -> str | None:
    assert t.before is not None
    if t.before.phase in _TERMINAL and t.after.phase != t.before.phase:
        return f"the phase went from {t.before.phase} to {t.after.phase}"
    return None


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
        restarted = b.ever_ran and b.state not in _ALIVE and (a.state in _ALIVE or _start_failed(b, a))
        expected = b.restart_count + (1 if restarted else 0)
        if a.restart_count != expected:
            what = "ran again" if restarted else "did not run again"
            return (
                f"{spec.name!r} {what} ({b.state} -> {a.state}) but its restartCount went "
                f"{b.restart_count} -> {a.restart_count}"
            )
    return None


def _start_failed(b: Any, a: Any) -> bool:
    """A new instance of the container failed to start during the step (ContainerStartFailed)."""
    before, after = b.term or b.last_term, a.term or a.last_term
    if b.state != "Waiting" or after is None or not after.never_started:
        return False
    # Waiting -> CrashLoopBackOff / Terminated with a StartError, or Waiting again (restarted at once)
    return bool(a.state != "Waiting" or after != before)


@invariant(
    "init-before-app",
    "No regular container runs before every regular init container succeeded, and init containers start "
    "one at a time, in order, each after the previous one completed (a sidecar: started).",
    _INIT_ACTIONS,
    "step",
)
def _init_before_app(t: Transition) -> str | None:
    after = t.after
    inits = [(s, c) for s, c in t.pairs(after) if not s.is_regular]
    running_inits = [s.name for s, c in inits if s.is_init and c.state in _ALIVE]
    if len(running_inits) > 1:
        return f"regular init containers {running_inits} run at the same time"
    app_ran = any(s.is_regular and (c.state in _ALIVE or c.ever_ran) for s, c in t.pairs(after))
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
        earlier = t.context.containers[:i] if not spec.is_regular else t.context.containers
        for j, other in enumerate(earlier):
            if other.is_regular:
                continue
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
        if c.state == ctm.CRASH_LOOP_BACK_OFF and c.restart_at is not None and c.last_term is not None:
            wait = c.restart_at - c.last_term.finished_at
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


def _restart_in_one_sync(t: Transition) -> bool:
    """A container the kubelet is restarting (new instance not started, or backing off) after it exited.

    computePodActions restarts a probe-killed OnFailure container even when it exited 0; getPhase's
    ContainerShouldRestart reads that exit as "not restartable". The model follows the kubelet's
    decision; upstream can end such a pod instead (kubernetes/kubernetes#109537), a known deviation.
    """
    return any(
        c.state in ("Waiting", "CrashLoopBackOff", "ImagePullBackOff") and c.last_term is not None
        for c in t.after.containers
    )


@invariant(
    "phase-agrees-with-oracle",
    "status.phase equals the oracle's pod_phase of the same object (pod_is_terminal for a finished pod, "
    "Failed where TerminatePod forces it, the old phase while a container still runs), and the kubelet's "
    "conditions equal pod_conditions (given the phase the kubelet generated them with).",
    f"{_GET_PHASE}; pkg/kubelet/status/status_manager.go:TerminatePod, mergePodStatus; {_GENERATE}",
    "state",
)
def _phase_agrees(t: Transition) -> str | None:
    from podfsm.oracle import pod_conditions, pod_phase

    pod = t.pod
    status = pod.get("status") or {}
    phase = status.get("phase")
    try:
        if not (phase == Phase.FAILED and status.get("reason")):  # forced by an eviction, not getPhase
            terminal = phase in _TERMINAL
            expected = pod_phase(pod, pod_is_terminal=terminal)
            if terminal and expected not in _TERMINAL:
                expected = Phase.FAILED.value  # TerminatePod: a finished pod is never left Pending/Running
            if expected in _TERMINAL and not terminal and any(c.state in _ALIVE for c in t.after.containers):
                expected = str(phase)  # mergePodStatus: no terminal phase while a container may still run
            if expected != phase and not _restart_in_one_sync(t):
                return f"status.phase is {phase} but pod_phase says {expected}"
        if not t.after.bound:
            return None
        pending = getattr(t.after, "pending_failure", None)
        if pending is not None and pending[1] == PodReason.DEADLINE_EXCEEDED and phase != Phase.FAILED:
            # The active-deadline handler (ShouldEvict, generateAPIPodStatus step 6) forced phase
            # Failed before the conditions were generated (step 9); the API shows that phase only
            # once no container runs. An eviction sets Failed after the conditions.
            pod = {**pod, "status": {**status, "phase": Phase.FAILED.value}}
        oracle = pod_conditions(pod)
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
    from podfsm.oracle import kubectl_columns

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
