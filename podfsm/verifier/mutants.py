"""Deliberately broken variants of the pod model, one per invariant: proof that the checks are not vacuous.

Each :class:`Mutant` breaks the model the way a real mistake would (a wrong row in the
restart-policy table, a missing guard, a back-off that never caps, a phase row too many or too
few), names the invariant that must catch it, and the standard configuration
(:data:`podfsm.verifier.explorer.STANDARD_CONFIGURATIONS`) on which the explorer finds it. No file of the
model is edited: a mutant is a subclass of :class:`~podfsm.model.pod.PodModel`, plus, for the
restart-policy table, an entry of its index swapped while the mutant is :meth:`Mutant.active`::

    with MUTANTS["never-restarts-failed"].active() as model_factory:
        result = explore(manifest, model_factory=model_factory)

A mutant reaches into the model's internals (its handlers and machines); when the model
changes shape a mutant may need to follow, and ``tests/test_mutants.py`` says so at once.
``podfsm check --mutant NAME`` runs the checker against one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from podfsm.model import pod as pod_model
from podfsm.model.machines import conditions as cm
from podfsm.model.machines import restart_policy as rp
from podfsm.model.machines.base import MachineDef, build_machine
from podfsm.model.machines.phase import PHASE_MACHINE
from podfsm.model.pod import PhaseInputs, PodModel
from podfsm.verifier.invariants import Invariant
from podfsm.vocab import (
    ConditionType,
    ContainerRole,
    Phase,
    PodReason,
    ProbeKind,
    ProbeOutcome,
    RestartPolicy,
    WaitingReason,
)

__all__ = ["BUG_KINDS", "MUTANTS", "SELF_CHECK_MUTANTS", "BugKind", "Mutant", "catch", "get"]

Undo = Callable[[], None]


@dataclass(frozen=True)
class Mutant:
    """A broken model: what is broken (``doc``), the invariant that catches it, where it shows."""

    name: str
    invariant: str
    doc: str
    configuration: str
    model_class: type[PodModel] = PodModel
    patches: tuple[Callable[[], Undo], ...] = ()

    @contextmanager
    def active(self) -> Iterator[Callable[[Mapping[str, Any]], PodModel]]:
        """Apply the mutant's patches; yield the model factory to explore with."""
        undo = [patch() for patch in self.patches]
        try:
            yield self.model_class
        finally:
            for u in reversed(undo):
                u()


def _table_row(
    role: ContainerRole, policy: RestartPolicy, ending: rp.Ending, action: rp.Action
) -> Callable[[], Undo]:
    """A patch that makes one row of the restart-policy table say ``action``."""

    def patch() -> Undo:
        key = (role, policy, ending)
        old = rp._INDEX[key]
        rp._INDEX[key] = dataclasses.replace(old, action=action)

        def undo() -> None:
            rp._INDEX[key] = old

        return undo

    return patch


class _Record:
    state: str


def _with_phase_machine(defn: MachineDef) -> type[PodModel]:
    """A model whose phase machine is ``defn`` instead of :data:`PHASE_MACHINE`."""

    class PhaseMutant(PodModel):
        def __init__(self, pod: Any, **kwargs: Any) -> None:
            super().__init__(pod, **kwargs)
            phase = self._phase.state
            self._phase = _Record()  # type: ignore[assignment]
            self._phase_machine = build_machine(defn, self._phase)
            self._phase_machine.set_state(phase, model=self._phase)

    return PhaseMutant


def _sync_guards(defn: MachineDef) -> Callable[[], Undo]:
    """A patch for the model's precomputed ``sync`` guards (a speed-up that reads the phase table)."""

    def patch() -> Undo:
        name = "_PHASE_SYNC_GUARDS"
        if not hasattr(pod_model, name):
            return lambda: None
        old = getattr(pod_model, name)
        setattr(
            pod_model,
            name,
            {
                state: tuple(
                    tuple(defn.guards[g] for g in row.guards) for row in defn.rows_from(state, "sync")
                )
                for state in defn.state_names
            },
        )
        return lambda: setattr(pod_model, name, old)

    return patch


def _phase_mutant(name: str, invariant: str, doc: str, configuration: str, defn: MachineDef) -> Mutant:
    return Mutant(
        name,
        invariant,
        doc,
        configuration,
        model_class=_with_phase_machine(defn),
        patches=(_sync_guards(defn),),
    )


def _without_row(pred: Callable[[Any], bool]) -> MachineDef:
    return dataclasses.replace(PHASE_MACHINE, rows=tuple(r for r in PHASE_MACHINE.rows if not pred(r)))


def _is_start_row(row: Any) -> bool:
    return row.trigger == "sync" and row.dest == Phase.RUNNING and "some_running_none_unknown" in row.guards


def _running_without_initialized() -> MachineDef:
    rows = tuple(
        dataclasses.replace(r, guards=tuple(g for g in r.guards if g != "initialized"))
        if _is_start_row(r)
        else r
        for r in PHASE_MACHINE.rows
    )
    return dataclasses.replace(PHASE_MACHINE, rows=rows)


def _always(_: Any) -> bool:
    """Always true (the mutant's replacement guard)."""
    return True


class _EvictsFinishedPods(PodModel):
    """Missing guard: eviction does not check that the pod already finished, and marks it Failed."""

    def _on_Evicted(self, ev: Any) -> None:
        if self.bound and not self.gone and self.node_lost_at is None and Phase(self.phase).is_terminal:
            self.pod_reason = PodReason.EVICTED
            self._phase_machine.set_state(Phase.FAILED.value, model=self._phase)
            return
        super()._on_Evicted(ev)


class _RestartNotCounted(PodModel):
    """A new instance of a container that ran before keeps the old restartCount."""

    def _started(self, rec: Any) -> None:
        count = rec.restart_count
        super()._started(rec)
        rec.restart_count = count


class _AppBeforeInit(PodModel):
    """Missing guard: a regular container may start before the init containers finished."""

    def why_not_startable(self, rec: Any) -> str | None:
        if rec.spec.is_regular and not self.stopping:
            return None
        return super().why_not_startable(rec)


class _SidecarExitFailsPod(PodModel):
    """getPhase treats a failed sidecar like a failed regular init container."""

    def phase_inputs(self) -> PhaseInputs:
        inputs = super().phase_inputs()
        for rec in self.sidecars:
            last = rec.term or rec.last_term
            if last is not None and last.exit_code != 0:
                inputs.init_failed_not_restartable = True
        return inputs


class _ReadyIgnoresContainers(PodModel):
    """Ready is computed from the phase alone: True whenever the pod is Running."""

    def _compute_conditions(self) -> dict[ConditionType, tuple[str, str, str]]:
        out = super()._compute_conditions()
        if self.phase == Phase.RUNNING and self.node_lost_at is None:
            out[ConditionType.READY] = (cm.TRUE, "", "")
        return out


class _SidecarReadinessIgnored(PodModel):
    """ContainersReady looks at regular containers only, forgetting sidecars."""

    def _compute_conditions(self) -> dict[ConditionType, tuple[str, str, str]]:
        out = super()._compute_conditions()
        cr = out[ConditionType.CONTAINERS_READY]
        if cr[0] == cm.FALSE and self.phase == Phase.RUNNING and all(r.ready for r in self.regulars):
            out[ConditionType.CONTAINERS_READY] = (cm.TRUE, "", "")
            if out[ConditionType.READY][1] == cr[1]:
                out[ConditionType.READY] = (cm.TRUE, "", "")
        return out


class _BackoffNeverCaps(PodModel):
    """The crash-loop back-off doubles for ever: the 300 s cap is gone."""

    def _next_backoff(self, rec: Any, *args: Any, **kwargs: Any) -> None:
        previous = rec.bo_delay
        super()._next_backoff(rec, *args, **kwargs)
        if previous > 0 and rec.bo_delay == min(previous * 2, pod_model.CRASH_BACKOFF_MAX):
            rec.bo_delay = previous * 2  # doubled, and no cap


class _CrashLoopReasonTypo(PodModel):
    """The back-off waiting reason is misspelled ``CrashLoopBackoff``."""

    def _cache_crash_loop(self, rec: Any) -> None:
        super()._cache_crash_loop(rec)
        if rec.cache_reason == WaitingReason.CRASH_LOOP_BACK_OFF:
            rec.cache_reason = "CrashLoopBackoff"


class _NoRollback(PodModel):
    """A refused event is not rolled back, and ContainerStarted records the start before its checks."""

    def apply(self, event: Any) -> Any:
        from podfsm.model.events import parse_event

        ev = parse_event(event)
        getattr(self, f"_on_{ev.type}")(ev)
        self._settle()
        self._last = self.snapshot()
        return self._last

    def _on_ContainerStarted(self, ev: Any) -> None:
        rec = self.by_name.get(ev.container)
        if rec is not None:
            rec.started_at = self.now
            rec.ever_ran = True
        super()._on_ContainerStarted(ev)


_R = ContainerRole.REGULAR
_A, _O, _N = RestartPolicy.ALWAYS, RestartPolicy.ON_FAILURE, RestartPolicy.NEVER
_Z, _F = rp.Ending.EXIT_ZERO, rp.Ending.EXIT_NONZERO

_ALL: tuple[Mutant, ...] = (
    Mutant(
        "never-restarts-failed",
        "never-plus-failure-gives-failed",
        "Wrong table row: (regular, Never, exit != 0) says restart.",
        "never-1c",
        patches=(_table_row(_R, _N, _F, rp.Action.RESTART),),
    ),
    Mutant(
        "always-keeps-exit-zero",
        "always-keeps-running",
        "Wrong table row: (regular, Always, exit 0) says keep terminated.",
        "always-1c",
        patches=(_table_row(_R, _A, _Z, rp.Action.KEEP),),
    ),
    Mutant(
        "onfailure-restarts-success",
        "onfailure-all-succeeded-gives-succeeded",
        "Wrong table row: (regular, OnFailure, exit 0) says restart.",
        "onfailure-1c",
        patches=(_table_row(_R, _O, _Z, rp.Action.RESTART),),
    ),
    Mutant(
        "evict-finished-pod",
        "terminal-phase-absorbing",
        "Missing guard: eviction of a finished pod turns Succeeded into Failed.",
        "never-1c",
        model_class=_EvictsFinishedPods,
    ),
    Mutant(
        "restart-not-counted",
        "restart-count-monotonic",
        "A new instance of a container keeps the old restartCount.",
        "always-1c",
        model_class=_RestartNotCounted,
    ),
    Mutant(
        "app-before-init",
        "init-before-app",
        "Missing guard: a regular container may start before the init containers finished.",
        "always-2i-1c",
        model_class=_AppBeforeInit,
    ),
    Mutant(
        "sidecar-exit-fails-pod",
        "sidecar-exits-never-decide-phase",
        "getPhase counts a failed sidecar as a failed init container.",
        "always-1s-1c",
        model_class=_SidecarExitFailsPod,
    ),
    Mutant(
        "ready-ignores-containers",
        "ready-implies-containers-ready",
        "Ready is True whenever the pod is Running, whatever ContainersReady says.",
        "always-1c-probes",
        model_class=_ReadyIgnoresContainers,
    ),
    Mutant(
        "sidecar-readiness-ignored",
        "containers-ready-implies-all-ready",
        "ContainersReady looks at regular containers only.",
        "always-1s-1c",
        model_class=_SidecarReadinessIgnored,
    ),
    _phase_mutant(
        "pending-to-running-row-missing",
        "ready-implies-running",
        "Missing phase row: Pending -> Running when the pod is initialized and a container runs.",
        "always-1c",
        _without_row(_is_start_row),
    ),
    Mutant(
        "backoff-never-caps",
        "backoff-bounded",
        "The crash-loop back-off doubles past 300 s.",
        "always-1c",
        model_class=_BackoffNeverCaps,
    ),
    _phase_mutant(
        "succeeded-ignores-exit-codes",
        "succeeded-means-regular-containers-exited-zero",
        "Wrong guard: the phase machine's all_succeeded always holds.",
        "never-1c",
        dataclasses.replace(PHASE_MACHINE, guards={**PHASE_MACHINE.guards, "all_succeeded": _always}),
    ),
    _phase_mutant(
        "running-before-initialized",
        "phase-agrees-with-oracle",
        "Wrong phase row: Pending -> Running without the initialized guard.",
        "always-3c",
        _running_without_initialized(),
    ),
    Mutant(
        "crashloop-reason-typo",
        "kubectl-status-in-vocabulary",
        "The back-off waiting reason is spelled CrashLoopBackoff.",
        "always-1c",
        model_class=_CrashLoopReasonTypo,
    ),
    Mutant(
        "no-rollback",
        "illegal-event-changes-nothing",
        "A refused event is not rolled back (and ContainerStarted records the start before its checks).",
        "always-2i-1c",
        model_class=_NoRollback,
    ),
)

# ----------------------------------------------------------------------------------- bug kinds
#
# Bugs that real kubelet-like implementations ship (or could): each is a change of the model's
# behaviour, not written to fit an invariant. ``tests/test_mutants.py`` asserts that the published
# invariants alone (what any implementation's API output can be judged by) catch every one.


def _set_phase(model: PodModel, phase: Phase) -> None:
    model._phase_machine.set_state(phase.value, model=model._phase)


class _PendingDuringCrashLoop(PodModel):
    """Publishes phase Pending while a container is in CrashLoopBackOff (a peer kubelet shipped this)."""

    def render(self, state: Any = None) -> dict[str, Any]:
        pod = super().render(state)
        status = pod["status"]
        waiting = [
            c["state"].get("waiting", {}).get("reason")
            for c in status.get("containerStatuses", []) + status.get("initContainerStatuses", [])
        ]
        if WaitingReason.CRASH_LOOP_BACK_OFF.value in waiting:
            status["phase"] = Phase.PENDING.value
        return pod


class _TwoStatesSet(PodModel):
    """A restarted container's status keeps its old ``terminated`` state beside ``running``."""

    def render(self, state: Any = None) -> dict[str, Any]:
        pod = super().render(state)
        for c in pod["status"].get("containerStatuses", []):
            last = c.get("lastState", {}).get("terminated")
            if "running" in c["state"] and last is not None:
                c["state"]["terminated"] = dict(last)
        return pod


def _oom_kill_final() -> Undo:
    """A patch of the model's restart decision: under OnFailure an exit 137 (OOMKilled) is final."""
    names = vars(pod_model)  # the names pod.py calls
    old_decide, old_would = names["decide"], names["would_restart"]

    def decide(container: Any, pod_policy: Any, exit_code: int, probe_kill: bool) -> rp.Action:
        action: rp.Action = old_decide(container, pod_policy, exit_code, probe_kill)
        own = container.restart_policy or pod_policy
        if exit_code == OOM_EXIT_CODE and own == RestartPolicy.ON_FAILURE and action is rp.Action.RESTART:
            return rp.Action.KEEP
        return action

    def would_restart(container: Any, pod_policy: Any, exit_code: int) -> bool:
        return decide(container, pod_policy, exit_code, False) is rp.Action.RESTART

    names["decide"], names["would_restart"] = decide, would_restart

    def undo() -> None:
        names["decide"], names["would_restart"] = old_decide, old_would

    return undo


def _restart_forgotten() -> Undo:
    """A patch of the kubelet's sync: under OnFailure it forgets to restart after a non-zero exit."""
    names = vars(pod_model)
    old_decide = names["decide"]  # the sync's decision; getPhase's would_restart keeps the table

    def decide(container: Any, pod_policy: Any, exit_code: int, probe_kill: bool) -> rp.Action:
        action: rp.Action = old_decide(container, pod_policy, exit_code, probe_kill)
        own = container.restart_policy or pod_policy
        if (
            own == RestartPolicy.ON_FAILURE
            and exit_code != 0
            and not probe_kill
            and action is rp.Action.RESTART
        ):
            return rp.Action.KEEP
        return action

    names["decide"] = decide

    def undo() -> None:
        names["decide"] = old_decide

    return undo


OOM_EXIT_CODE = 137
"""What the runtime reports for a container the kernel's OOM killer ended (128 + SIGKILL)."""


class _BackoffNeverResets(PodModel):
    """The crash-loop back-off entry never expires: ten minutes of running do not reset it."""

    def in_crash_backoff(self, rec: Any) -> bool:
        ref = rec.backoff_ref if rec.state == ctm().TERMINATED else rec.term
        if rec.bo_updated is None or ref is None:
            return False
        return bool(self.now - ref.finished_at < rec.bo_delay)  # no expiry check

    def _next_backoff(self, rec: Any, finished: float) -> None:
        fresh = rec.bo_updated is None  # an entry is fresh only the first time: it never expires
        initial, maximum = self.crash_backoff_initial, self.crash_backoff_max
        rec.bo_delay = initial if fresh else min(rec.bo_delay * 2, maximum)
        rec.bo_updated = self.now


class _FirstRestartDelayed(PodModel):
    """The first restart after the first exit already waits 10 s (a back-off entry from the start)."""

    def _exited(
        self,
        rec: Any,
        exit_code: int,
        reason: str,
        signal: int | None,
        message: str | None = None,
        never_started: bool = False,
    ) -> None:
        if rec.bo_updated is None:
            rec.bo_updated = self.now
            rec.bo_delay = pod_model.CRASH_BACKOFF_INITIAL
        super()._exited(rec, exit_code, reason, signal, message, never_started)


class _ReadinessFailureKeepsReady(PodModel):
    """A failing readiness probe never clears ``ready``."""

    def _on_ProbeResult(self, ev: Any) -> None:
        rec = self.by_name.get(ev.container)
        ready = rec.ready if rec is not None else False
        super()._on_ProbeResult(ev)
        if rec is not None and ev.probe == ProbeKind.READINESS and ev.result == ProbeOutcome.FAILURE:
            rec.ready = ready


class _ReadyBeforeFirstSuccess(PodModel):
    """A started container is ready at once, before its readiness probe ever succeeded."""

    def _started(self, rec: Any) -> None:
        super()._started(rec)
        if rec.started and not rec.spec.is_init:
            rec.ready = True


class _ProbeThresholdOffByOne(PodModel):
    """A probe acts one result late: after threshold + 1 results in a row (a ``>`` for a ``>=``)."""

    def _on_ProbeResult(self, ev: Any) -> None:
        rec = self.by_name.get(ev.container)
        if rec is None:
            super()._on_ProbeResult(ev)
            return
        spec = rec.spec
        rec.spec = dataclasses.replace(
            spec,
            probes={
                kind: dataclasses.replace(
                    p, success_threshold=p.success_threshold + 1, failure_threshold=p.failure_threshold + 1
                )
                for kind, p in spec.probes.items()
            },
        )
        try:
            super()._on_ProbeResult(ev)
        finally:
            rec.spec = spec


def ctm() -> Any:
    """The container machine's module (imported late: the mutants module is imported by the CLI)."""
    from podfsm.model.machines import container

    return container


def ctm_alive() -> frozenset[str]:
    return frozenset(ctm().ALIVE)


class _StartupDoesNotGate(PodModel):
    """Liveness and readiness results count before the startup probe succeeded."""

    def _on_ProbeResult(self, ev: Any) -> None:
        rec = self.by_name.get(ev.container)
        if rec is None or ev.probe == ProbeKind.STARTUP or rec.started or rec.state not in ctm_alive():
            super()._on_ProbeResult(ev)
            return
        rec.started = True
        try:
            super()._on_ProbeResult(ev)
        finally:
            rec.started = False


class _DeletionIgnoresGrace(PodModel):
    """A deletion kills every container at once, whatever the grace period."""

    def _on_DeletionRequested(self, ev: Any) -> None:
        super()._on_DeletionRequested(ev)
        if self.gone:
            return
        for rec in self.records:
            if rec.kill_deadline is not None:
                rec.kill_deadline = self.now
        self._fire_deadlines()


def _rules_ignored() -> Undo:
    old = rp.matching_rule_restarts
    rp.matching_rule_restarts = lambda *_: False

    def undo() -> None:
        rp.matching_rule_restarts = old

    return undo


class _ActiveDeadlineIgnored(PodModel):
    """spec.activeDeadlineSeconds is never enforced."""

    def _active_deadline(self) -> float | None:
        return None


class _SidecarsStopWithRegulars(PodModel):
    """On pod termination the sidecars are signalled together with the regular containers."""

    def _stop_pod(self, grace: float | None = None) -> None:
        super()._stop_pod(grace)
        g = float(self.spec.grace_seconds) if grace is None else grace
        for rec in self.sidecars:
            if rec.state == "Running":
                self._begin_kill(rec, pod_model.KILL_POD, g)


class _SidecarsStopInOrder(PodModel):
    """Sidecars are stopped after the regular containers but first one first, not in reverse order."""

    def _stop_sidecars_when_alone(self, grace: float | None = None) -> None:
        if not self.stopping or (
            self.stop_grace is not None and self.now >= self.stop_started_at_plus_grace()
        ):
            super()._stop_sidecars_when_alone(grace)
            return
        if any(r.state in ctm_alive() for r in self.records if not r.spec.is_sidecar):
            return
        for rec in self.sidecars:  # the bug: in spec order
            if rec.state == ctm().KILLING:
                return
            if rec.state == ctm().RUNNING:
                remaining = self.stop_started_at_plus_grace() - self.now if grace is None else grace
                self._begin_kill(rec, pod_model.KILL_POD, remaining)
                return


class _FailedUnderAlways(PodModel):
    """kwok's stage: a container that exits non-zero fails the pod, even under restartPolicy Always."""

    def _exited(
        self,
        rec: Any,
        exit_code: int,
        reason: str,
        signal: int | None,
        message: str | None = None,
        never_started: bool = False,
    ) -> None:
        super()._exited(rec, exit_code, reason, signal, message, never_started)
        if exit_code != 0 and rec.spec.is_regular and not self.stopping:
            _set_phase(self, Phase.FAILED)


class _FailedOnAnyExit(PodModel):
    """Any exit of a regular container, even 0, fails the pod."""

    def _exited(
        self,
        rec: Any,
        exit_code: int,
        reason: str,
        signal: int | None,
        message: str | None = None,
        never_started: bool = False,
    ) -> None:
        super()._exited(rec, exit_code, reason, signal, message, never_started)
        if rec.spec.is_regular and not self.stopping:
            _set_phase(self, Phase.FAILED)


class _LastStateNotKept(PodModel):
    """A restarted container forgets its previous run: lastState is empty again."""

    def _started(self, rec: Any) -> None:
        super()._started(rec)
        rec.last_term = None


@dataclass(frozen=True)
class BugKind:
    """A mutant standing for a bug real implementations ship, and where the explorer meets it."""

    mutant: Mutant
    kind: str  # the bug kind, in a few words


def _bug(
    name: str,
    kind: str,
    doc: str,
    configuration: str,
    model_class: type[PodModel] = PodModel,
    patches: tuple[Callable[[], Undo], ...] = (),
) -> BugKind:
    return BugKind(Mutant(name, "", doc, configuration, model_class, patches), kind)


BUG_KINDS: tuple[BugKind, ...] = (
    _bug(
        "pending-during-crash-loop",
        "phase published wrong",
        "Publishes phase Pending while a container is in CrashLoopBackOff.",
        "always-1c",
        _PendingDuringCrashLoop,
    ),
    _bug(
        "onfailure-nonzero-final",
        "restart policy",
        "OnFailure treats a non-zero exit as final.",
        "onfailure-1c",
        patches=(_table_row(_R, _O, _F, rp.Action.KEEP),),
    ),
    _bug(
        "oomkilled-not-restarted",
        "restart policy",
        "An OOMKilled container (exit 137) is taken as finished for good under OnFailure.",
        "onfailure-1c-exits",
        patches=(_oom_kill_final,),
    ),
    _bug(
        "backoff-never-resets",
        "crash-loop back-off",
        "The crash-loop back-off never resets after ten minutes of running.",
        "always-1c",
        _BackoffNeverResets,
    ),
    _bug(
        "first-restart-delayed",
        "crash-loop back-off",
        "The first restart already waits 10 s.",
        "always-1c",
        _FirstRestartDelayed,
    ),
    _bug(
        "readiness-failure-keeps-ready",
        "probes",
        "A failing readiness probe never clears ready.",
        "always-1c-probes",
        _ReadinessFailureKeepsReady,
    ),
    _bug(
        "ready-before-first-success",
        "probes",
        "A container is ready before its readiness probe's first success.",
        "always-1c-probes",
        _ReadyBeforeFirstSuccess,
    ),
    _bug(
        "probe-threshold-off-by-one",
        "probes",
        "A probe acts one result after its threshold.",
        "always-1c-probes",
        _ProbeThresholdOffByOne,
    ),
    _bug(
        "startup-does-not-gate",
        "probes",
        "Liveness and readiness count before the startup probe succeeded.",
        "always-1c-thresholds",
        _StartupDoesNotGate,
    ),
    _bug(
        "deletion-ignores-grace",
        "termination",
        "A deletion kills every container at once, ignoring the grace period.",
        "always-1c",
        _DeletionIgnoresGrace,
    ),
    _bug(
        "restart-rules-ignored",
        "restart policy",
        "Per-container restartPolicyRules are ignored.",
        "never-1c-rules",
        patches=(_rules_ignored,),
    ),
    _bug(
        "active-deadline-ignored",
        "activeDeadlineSeconds",
        "spec.activeDeadlineSeconds is never enforced.",
        "always-1c-gate-deadline",
        _ActiveDeadlineIgnored,
    ),
    _bug(
        "sidecars-stop-with-regulars",
        "termination",
        "Sidecars are stopped together with the regular containers, not after them.",
        "always-1s-1c",
        _SidecarsStopWithRegulars,
    ),
    _bug(
        "sidecars-stop-in-order",
        "termination",
        "Sidecars are stopped after the regular containers, but in spec order instead of reverse order.",
        "always-2s-1c",
        _SidecarsStopInOrder,
    ),
    _bug(
        "failed-under-always",
        "phase published wrong",
        "kwok's stage: a non-zero exit fails the pod even under restartPolicy Always.",
        "always-1c",
        _FailedUnderAlways,
    ),
    _bug(
        "two-states-set",
        "status shape",
        "A restarted container's status has running and terminated set at once (a virtual-kubelet provider).",
        "always-1c",
        _TwoStatesSet,
    ),
    _bug(
        "failed-on-any-exit",
        "phase published wrong",
        "Any exit of a regular container, even 0, fails the pod.",
        "onfailure-1c",
        _FailedOnAnyExit,
    ),
    _bug(
        "restart-count-never-moves",
        "status shape",
        "restartCount never moves: a new instance keeps the old count.",
        "always-1c",
        _RestartNotCounted,
    ),
    _bug(
        "restart-forgotten",
        "restart policy",
        "Under OnFailure the kubelet's sync forgets to restart a container after a non-zero exit; the phase "
        "stays Running, as getPhase says.",
        "onfailure-1c",
        patches=(_restart_forgotten,),
    ),
    _bug(
        "last-state-not-kept",
        "status shape",
        "A restarted container's lastState is empty.",
        "always-1c",
        _LastStateNotKept,
    ),
)
"""The bug-kind suite: each must be caught by the published invariants alone."""

SELF_CHECK_MUTANTS: tuple[Mutant, ...] = _ALL
"""One mutant per model self-check (and a few published invariants): each names what must catch it."""

MUTANTS: dict[str, Mutant] = {m.name: m for m in _ALL} | {b.mutant.name: b.mutant for b in BUG_KINDS}
"""Every mutant, by name: the self-check mutants (one per model self-check), then the bug kinds."""


def get(name: str) -> Mutant:
    """The mutant called ``name``; a :class:`KeyError` lists the known names."""
    try:
        return MUTANTS[name]
    except KeyError:
        raise KeyError(f"unknown mutant {name!r}; known: {', '.join(MUTANTS)}") from None


@dataclass(frozen=True)
class Catch:
    """How the published invariants caught a mutant: the invariant, its message, the shortest script."""

    mutant: str
    invariant: str
    message: str
    events: tuple[dict[str, Any], ...]
    configuration: str


def catch(
    mutant: Mutant, *, max_states: int = 20_000, invariants: Iterable[Invariant] | None = None
) -> Catch | None:
    """Explore ``mutant`` on its configuration with the published invariants alone; the first violation.

    Breadth first, so the script is a shortest one; None when nothing is violated within
    ``max_states`` states. ``invariants`` narrows the catalogue (default: every published one).
    """
    from podfsm.verifier.explorer import STANDARD_CONFIGURATIONS, explore
    from podfsm.verifier.invariants import published_invariants

    conf = next(c for c in STANDARD_CONFIGURATIONS if c.name == mutant.configuration)
    with mutant.active() as factory:
        result = explore(
            conf.manifest,
            name=conf.name,
            invariants=published_invariants() if invariants is None else tuple(invariants),
            model_factory=factory,
            max_states=max_states,
            stop_at_first=True,
        )
    if not result.violations:
        return None
    shortest = min(result.violations, key=lambda v: len(v.events))
    return Catch(mutant.name, shortest.invariant, shortest.message, shortest.events, conf.name)
