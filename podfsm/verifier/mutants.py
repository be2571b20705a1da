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
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from podfsm.model import pod as pod_model
from podfsm.model.machines import conditions as cm
from podfsm.model.machines import restart_policy as rp
from podfsm.model.machines.base import MachineDef, build_machine
from podfsm.model.machines.phase import PHASE_MACHINE
from podfsm.model.pod import PhaseInputs, PodModel
from podfsm.vocab import ConditionType, ContainerRole, Phase, PodReason, RestartPolicy, WaitingReason

__all__ = ["MUTANTS", "Mutant", "get"]

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

MUTANTS: dict[str, Mutant] = {m.name: m for m in _ALL}
"""Every mutant, by name."""


def get(name: str) -> Mutant:
    """The mutant called ``name``; a :class:`KeyError` lists the known names."""
    try:
        return MUTANTS[name]
    except KeyError:
        raise KeyError(f"unknown mutant {name!r}; known: {', '.join(MUTANTS)}") from None
