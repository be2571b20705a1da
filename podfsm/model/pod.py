"""The composed pod model: the machines of :mod:`podfsm.model.machines` driven by lifecycle events.

:class:`PodModel` holds one container-state machine instance per container, the phase machine
and one machine per condition, and plays the kubelet: after each event (:meth:`PodModel.apply`)
it restarts, backs off, kills, marks ready and recomputes the phase and conditions, exactly as
``../shared/reference/kubelet.md`` describes, with time on a virtual clock.

An event that cannot happen raises :class:`~podfsm.errors.IllegalEvent` and leaves the model
as it was (the model is restored from the snapshot taken after the previous event).
:meth:`PodModel.snapshot` returns an immutable, hashable :class:`PodState`;
:func:`render` turns one into the pod object (Kubernetes v1 JSON shape).
"""

from __future__ import annotations

import dataclasses
import math
import operator
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from transitions import MachineError

from podfsm.errors import IllegalEvent, ManifestError
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
    SpecUpdated,
    TimePassed,
    Unschedulable,
    parse_event,
)
from podfsm.model.kubelet_config import DEFAULT_KUBELET_CONFIG, KubeletConfig
from podfsm.model.machines import conditions as cm
from podfsm.model.machines import container as ctm
from podfsm.model.machines.base import build_machine
from podfsm.model.machines.conditions import CONDITION_MACHINES
from podfsm.model.machines.container import CONTAINER_MACHINE
from podfsm.model.machines.phase import PHASE_MACHINE
from podfsm.model.machines.restart_policy import (
    Action,
    decide,
    has_restart_all_rule,
    restarts_all_containers,
    would_restart,
)
from podfsm.model.spec import ContainerSpec, PodSpecView, compile_spec
from podfsm.vocab import (
    TERMINAL_PHASES,
    ConditionReason,
    ConditionType,
    Phase,
    PodReason,
    ProbeKind,
    ProbeOutcome,
    RestartPolicy,
    RuleAction,
    TerminatedReason,
    WaitingReason,
)

DEFAULT_START = datetime(2026, 1, 1, tzinfo=UTC)
# The last time an API object can hold: Go's Time.MarshalJSON fails for years past 9999 (RFC 3339
# has four-digit years), so metav1.Time cannot write anything later.
LAST_TIME = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)

# Crash-loop back-off (pkg/kubelet/kubelet.go; flowcontrol.Backoff with a 600 s expiry).
CRASH_BACKOFF_INITIAL = 10.0
CRASH_BACKOFF_MAX = 300.0
CRASH_BACKOFF_RESET = 600.0  # an entry expires when an exit comes > 600 s after its last update
# Image-pull back-off (pkg/kubelet/images; standard expiry 2 x max).
IMAGE_BACKOFF_INITIAL = 10.0
IMAGE_BACKOFF_MAX = 300.0
IMAGE_BACKOFF_RESET = 600.0
MIN_GRACE_SECONDS = 2.0  # minimumGracePeriodInSeconds (kuberuntime_container.go:killContainer)
# pod_workers.go completeWork: a sync that failed (a start that failed, an image pull in back-off)
# is requeued after backOffPeriod (kubelet.go, 10 s); one whose error is a crash-loop back-off
# (container.BackoffError, v1.35) at that back-off's expiry (MinBackoffExpiration), at most the
# resync interval (1 min) away. Each delay gets wait.Jitter(d, 0.5): up to 50 % more, and the
# work queue is read on the sync loop's 1 s tick; the model takes the earliest time
# (REQUEUE_JITTER and SYNC_TICK say how late it may come). A sync without error is requeued at
# the resync interval, which publishes nothing new here.
RESYNC_AFTER_ERROR = 10.0
RESYNC_INTERVAL = 60.0  # --sync-frequency default; also the cap of a back-off requeue
REQUEUE_JITTER = 0.5  # workerBackOffPeriodJitterFactor, workerResyncIntervalJitterFactor
SYNC_TICK = 1.0  # syncLoop's syncTicker: the work queue is read once a second
STATUS_IMAGE = "statusImage"  # spec_overrides key: (container, the image its newest instance runs)
_PER_CONTAINER = frozenset({"image", STATUS_IMAGE})
SIGKILL_EXIT_CODE = 137
# prober_manager.go kubeletRestartGracePeriod: a container that started more than 10 s before the
# kubelet did is one the kubelet found running (it keeps its probe state, KEP-4781)
KUBELET_RESTART_GRACE = 10.0

KILL_LIVENESS = "LivenessProbe"
KILL_STARTUP = "StartupProbe"
KILL_POST_START = "FailedPostStartHook"
KILL_POD = "PodTermination"
KILL_SPEC_CHANGED = "SpecChanged"  # "Container X definition changed" (computePodActions)
# a RestartAllContainers rule fired (alpha): computePodActions' ContainersToRemove kills every running
# container with no preStop hook and a zero grace period, which killContainer makes 2 s
KILL_RESTART_ALL = "RestartAllContainers"
# convertToAPIContainerStatuses: the waiting state and lastState of a container removed for it
REMOVED_FOR_RESTART_ALL = "The container is removed because RestartAllContainers in place"
RESTART_ALL_MESSAGE = "container exited with restart policy rule"  # GenerateAllContainersRestartingCondition
START_ERROR_EXIT_CODE = 128  # the runtime's exit code for a container that could not start
# Termination messages (pkg/kubelet/container/runtime.go, kuberuntime_container.go)
MAX_TERMINATION_MESSAGE_BYTES = 4096  # MaxContainerTerminationMessageLength: the file's last bytes
MAX_TERMINATION_MESSAGE_LOG_BYTES = 2048  # MaxContainerTerminationMessageLogLength
MAX_TERMINATION_MESSAGE_LOG_LINES = 80  # MaxContainerTerminationMessageLogLines
PROBE_KILLS = frozenset({KILL_LIVENESS, KILL_STARTUP})
# kills whose restart the same sync may start: nothing is published until the new instance is seen
RESTARTED_IN_KILL_SYNC = PROBE_KILLS | {KILL_SPEC_CHANGED}

_PROBE_ORDER = (ProbeKind.STARTUP, ProbeKind.LIVENESS, ProbeKind.READINESS)

# Per phase, the guards of each ``sync`` row leaving it, in the table's priority order: when no
# row's guards all hold, ``sync`` would change nothing and is not fired (a speed-up only).
_PHASE_SYNC_GUARDS = {
    state: tuple(
        tuple(PHASE_MACHINE.guards[g] for g in row.guards) for row in PHASE_MACHINE.rows_from(state, "sync")
    )
    for state in PHASE_MACHINE.state_names
}


@dataclass(frozen=True)
class Termination:
    """A finished run of a container (``state.terminated`` / ``lastState.terminated``)."""

    exit_code: int
    reason: str
    started_at: float | None
    finished_at: float
    signal: int | None = None
    message: str | None = None
    timeless: bool = False  # written by TerminatePod: startedAt/finishedAt are null
    never_started: bool = False  # StartError: the runtime's zero startedAt, 1970-01-01T00:00:00Z


@dataclass(frozen=True)
class ContainerState:
    """An immutable snapshot of one :class:`ContainerRecord`."""

    state: str
    waiting_reason: str
    waiting_message: str
    started_at: float | None
    started: bool
    ready: bool
    term: Termination | None
    last_term: Termination | None
    restart_count: int
    bo_delay: float
    bo_updated: float | None
    restart_at: float | None
    pull_delay: float
    pull_updated: float | None
    retry_at: float | None
    kill_deadline: float | None
    kill_cause: str | None
    probe_runs: tuple[tuple[str, int], ...]
    ever_ran: bool
    # the kubelet's reason cache (reason_cache.go): why the last start attempt failed; it is
    # published (``waiting_reason``) at the start of the next sync
    cache_reason: str = ""
    cache_message: str = ""
    # an instance of it was created in the pod's current sandbox (a new sandbox, after a node
    # reboot or a lost sandbox, starts with none: the init containers run again, in order)
    in_sandbox: bool = False
    # the process started and its postStart hook is still running (ContainerStarted with
    # postStartRunning): SyncPod is blocked in startContainer, nothing of this start is published
    hook_running: bool = False
    # an exec or HTTP preStop hook running in killContainer: (when it started, the grace period)
    pre_stop: tuple[float, float] | None = None
    # when the process whose postStart hook is running started (virtual seconds); ``started_at``
    # keeps the published instance's start until the hook returns
    hook_started_at: float | None = None
    # a RestartAllContainers rule removed its instances: the runtime has no record of it, so its
    # next instance is not counted again (restartCount is max(published, the runtime's))
    removed: bool = False


@dataclass(frozen=True)
class ConditionState:
    """An immutable snapshot of one condition."""

    state: str  # Absent / True / False
    reason: str
    message: str
    since: float


@dataclass(frozen=True)
class PodState:
    """The whole model at one instant: hashable, restorable, renderable."""

    now: float
    bound: bool
    node: str | None
    gated: bool
    unschedulable: str | None
    start_time: float | None
    initialized: bool
    deletion_at: float | None
    deletion_grace: int | None
    stopping: bool
    pod_reason: str | None
    pod_message: str | None
    disruption: tuple[str, str] | None
    node_lost_at: float | None
    sandbox_gone: bool
    gone: bool
    phase: str
    containers: tuple[ContainerState, ...]
    conditions: tuple[ConditionState, ...]
    # conditions owned by other controllers (readiness gates): (type, status, reason, message, since)
    custom_conditions: tuple[tuple[str, str, str, str, float], ...] = ()
    pending_failure: tuple[str, str, str] | None = None  # (phase trigger, reason, message)
    stop_started_at: float | None = None
    stop_grace: float | None = None
    deletion_requested_at: float | None = None
    # spec updates applied so far (SpecUpdated): ("activeDeadlineSeconds", n) or ("image", (name, image))
    spec_overrides: tuple[tuple[str, Any], ...] = ()
    resync_at: float | None = None  # when the pod worker's requeued sync runs (after a failed sync)
    # the sandbox was lost and the kubelet creates no new one (restartPolicy Never once a container
    # was created: computePodActions); nothing in the pod is started again
    sandbox_refused: bool = False
    # AllContainersRestarting is True: a RestartAllContainers rule fired (alpha gate); the kubelet
    # kills every running container, then removes them all and starts from the first init container
    restarting_all: bool = False
    # a pod kill (deletion, eviction, deadline) waits for the SyncPod that is killing an instance
    # whose postStart hook failed: the grace period SyncTerminatingPod will kill with (seconds)
    stop_deferred: float | None = None


# PodState's pod-level fields, which PodModel keeps as attributes of the same names (restore copies
# them back); the machines' states (phase, containers, conditions) are restored through transitions.
_POD_SCALAR_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(PodState) if f.name not in ("phase", "containers", "conditions")
)


# the runtime's reports of a start attempt: none comes without a sandbox to start in
_START_TRIGGERS = frozenset(
    {"ContainerStarted", "ContainerCreateFailed", "ContainerStartFailed", "ImagePullFailed"}
)


@dataclass
class PhaseInputs:
    """getPhase's counters over the model's containers (``pkg/kubelet/kubelet_pods.go``)."""

    init_failed_not_restartable: bool = False
    initializing: bool = False
    running: int = 0
    stopped: int = 0
    stopped_not_restartable: int = 0
    succeeded: int = 0
    unknown: int = 0


class ContainerRecord:
    """One container's live record; ``state`` is driven by the container-state machine."""

    state: str

    _FIELDS = (
        "waiting_reason",
        "waiting_message",
        "started_at",
        "started",
        "ready",
        "term",
        "last_term",
        "restart_count",
        "bo_delay",
        "bo_updated",
        "restart_at",
        "pull_delay",
        "pull_updated",
        "retry_at",
        "kill_deadline",
        "kill_cause",
        "probe_runs",
        "ever_ran",
        "cache_reason",
        "cache_message",
        "in_sandbox",
        "hook_running",
        "pre_stop",
        "hook_started_at",
        "removed",
    )

    def __init__(self, pod: PodModel, spec: ContainerSpec) -> None:
        self.pod = pod
        self.spec = spec
        self.name = spec.name
        self.waiting_reason = ""
        self.waiting_message = ""
        self.started_at: float | None = None
        self.started = False
        self.ready = False
        self.term: Termination | None = None
        self.last_term: Termination | None = None
        self.restart_count = 0
        self.bo_delay = 0.0
        self.bo_updated: float | None = None
        self.restart_at: float | None = None
        self.pull_delay = 0.0
        self.pull_updated: float | None = None
        self.retry_at: float | None = None
        self.kill_deadline: float | None = None
        self.kill_cause: str | None = None
        self.probe_runs: tuple[tuple[str, int], ...] = (("", 0), ("", 0), ("", 0))
        self.ever_ran = False
        self.cache_reason = ""
        self.cache_message = ""
        self.in_sandbox = False
        self.hook_running = False
        self.pre_stop: tuple[float, float] | None = None
        self.hook_started_at: float | None = None
        self.removed = False
        # transient inputs for guards during one trigger
        self.pending_reason = ""
        self.decision: Action | None = None
        self.backoff_ref: Termination | None = None
        self._snap_values: tuple[Any, ...] = ()
        self._snap: ContainerState

    def snapshot(self) -> ContainerState:
        # Most events change one container: the others reuse their last (equal) snapshot.
        values = _container_values(self)
        if values != self._snap_values:
            self._snap_values = values
            self._snap = ContainerState(*values)
        return self._snap

    def restore(self, s: ContainerState) -> None:
        """Take the fields of ``s`` (the machine has already set ``state``)."""
        if s is self._snap and _container_values(self) == self._snap_values:
            return  # nothing changed since that snapshot
        values = _container_values(s)
        for f, v in zip(self._FIELDS, values[1:], strict=True):
            setattr(self, f, v)
        self._snap_values, self._snap = values, s

    def fire(self, trigger: str) -> bool:
        """Fire a container-machine trigger with this record as the guards' argument."""
        return bool(getattr(self, trigger)(self))

    def describe(self) -> str:
        """The state as a person reads it: ``Waiting (CrashLoopBackOff)``, ``Running (ready)``."""
        if self.state == ctm.RUNNING:
            flags = "ready" if self.ready else ("started, not ready" if self.started else "not started")
            return f"Running ({flags})"
        if self.state in (ctm.TERMINATED,) and self.term is not None:
            return f"Terminated ({self.term.reason}, exit {self.term.exit_code})"
        if self.state == ctm.KILLING:
            return f"Killing ({self.kill_cause})"
        reason = self.waiting_reason or self.pod.default_waiting_reason
        return f"{self.state} ({reason})" if self.state != reason else self.state


_container_values = operator.attrgetter("state", *ContainerRecord._FIELDS)


class _PhaseRecord:
    state: str


class _ConditionRecord:
    state: str

    def __init__(self, ctype: ConditionType) -> None:
        self.ctype = ctype
        self.reason = ""
        self.message = ""
        self.since = 0.0
        self._snap_values: tuple[Any, ...] = ()
        self._snap: ConditionState

    def snapshot(self) -> ConditionState:
        values = (self.state, self.reason, self.message, self.since)
        if values != self._snap_values:
            self._snap_values = values
            self._snap = ConditionState(*values)
        return self._snap


def _fmt_slice(names: list[str]) -> str:
    return "[" + " ".join(names) + "]"


class PodModel:
    """A pod on a simulated node, with the kubelet's behaviour, driven by lifecycle events."""

    def __init__(
        self,
        pod: Mapping[str, Any] | Any,
        *,
        source: str = "<pod>",
        nodes_scheduler: Any = None,
        kubelet_config: KubeletConfig | None = None,
    ) -> None:
        manifest = _manifest_dict(pod, source)
        self.manifest = manifest
        self.spec: PodSpecView = compile_spec(manifest, source)
        self.base_spec = self.spec  # the manifest's spec, before any SpecUpdated
        self._spec_overrides: tuple[tuple[str, Any], ...] = ()
        self.kubelet_config = kubelet_config or DEFAULT_KUBELET_CONFIG
        self.crash_backoff_initial, self.crash_backoff_max = self.kubelet_config.crash_loop_back_off()
        _refuse_restart_all(manifest, self.kubelet_config, source)
        # GenerateAllContainersRestartingCondition is written only with the gate on, for a pod with
        # a RestartAllContainers rule
        self.restart_all_gate = self.kubelet_config.enabled("RestartAllContainersOnContainerExits")
        self.restart_all_rules = self.restart_all_gate and any(
            has_restart_all_rule(c) for c in self.spec.all_containers
        )
        meta = manifest.get("metadata") or {}
        self.t0 = _parse_time(meta.get("creationTimestamp"), source) or DEFAULT_START
        # Virtual seconds after t0 that are still a time metav1.Time can write.
        self.last_second = (LAST_TIME - self.t0).total_seconds()
        self._time_texts: tuple[datetime, dict[float, str]] = (self.t0, {})  # time()'s memo
        self.uid = str(
            meta.get("uid")
            or uuid.uuid5(uuid.NAMESPACE_URL, f"podfsm/{self.spec.namespace}/{self.spec.name}")
        )
        self.default_waiting_reason = (
            WaitingReason.POD_INITIALIZING if self.spec.init_containers else WaitingReason.CONTAINER_CREATING
        )
        self.records: list[ContainerRecord] = [ContainerRecord(self, c) for c in self.spec.all_containers]
        self.by_name: dict[str, ContainerRecord] = {r.name: r for r in self.records}
        self.inits = [r for r in self.records if not r.spec.is_regular]
        self.regulars = [r for r in self.records if r.spec.is_regular]
        self.sidecars = [r for r in self.records if r.spec.is_sidecar]
        self._container_machine = build_machine(CONTAINER_MACHINE, self.records)
        self._phase = _PhaseRecord()
        self._phase_machine = build_machine(PHASE_MACHINE, self._phase)
        self._conds: dict[ConditionType, _ConditionRecord] = {}
        self._cond_machines = []
        for ctype, defn in CONDITION_MACHINES.items():
            rec = _ConditionRecord(ctype)
            self._conds[ctype] = rec
            self._cond_machines.append(build_machine(defn, rec))
        self.scheduler = nodes_scheduler
        # pod-level data
        self.now = 0.0
        self.bound = self.spec.node_name is not None
        self.node: str | None = self.spec.node_name
        self.gated = bool(self.spec.scheduling_gates) and not self.bound
        self.unschedulable: str | None = None
        self.start_time: float | None = None
        self.initialized = False
        self.deletion_at: float | None = None
        self.deletion_grace: int | None = None
        self.stopping = False
        self.pod_reason: str | None = None
        self.pod_message: str | None = None
        self.disruption: tuple[str, str] | None = None
        self.node_lost_at: float | None = None
        self.sandbox_gone = False
        self.gone = False
        self.custom_conditions: tuple[tuple[str, str, str, str, float], ...] = ()
        self.pending_failure: tuple[str, str, str] | None = None
        self.stop_started_at: float | None = None
        self.stop_grace: float | None = None
        self.deletion_requested_at: float | None = None
        self.resync_at: float | None = None
        self.sandbox_refused = False
        self.restarting_all = False
        self.stop_deferred: float | None = None
        self._inputs: PhaseInputs | None = None
        self._targets: dict[ConditionType, tuple[str, str, str]] = {}
        if self.bound:
            self._kubelet_admits()
        self._settle()
        self._last = self.snapshot()

    # ------------------------------------------------------------------ snapshots

    @property
    def phase(self) -> str:
        return self._phase.state

    @property
    def spec_overrides(self) -> tuple[tuple[str, Any], ...]:
        """The spec updates applied so far; setting it (restore) rebuilds the spec from the manifest's."""
        return self._spec_overrides

    @spec_overrides.setter
    def spec_overrides(self, value: tuple[tuple[str, Any], ...]) -> None:
        if value == self._spec_overrides:
            return
        self._spec_overrides = value
        self.spec = updated_spec(self.base_spec, value)
        by_name = {c.name: c for c in self.spec.all_containers}
        for rec in self.records:
            rec.spec = by_name[rec.name]

    def snapshot(self) -> PodState:
        """The model's state now, immutable and hashable."""
        return PodState(
            now=self.now,
            bound=self.bound,
            node=self.node,
            gated=self.gated,
            unschedulable=self.unschedulable,
            start_time=self.start_time,
            initialized=self.initialized,
            deletion_at=self.deletion_at,
            deletion_grace=self.deletion_grace,
            stopping=self.stopping,
            pod_reason=self.pod_reason,
            pod_message=self.pod_message,
            disruption=self.disruption,
            node_lost_at=self.node_lost_at,
            sandbox_gone=self.sandbox_gone,
            gone=self.gone,
            phase=self._phase.state,
            containers=tuple(r.snapshot() for r in self.records),
            conditions=tuple(c.snapshot() for c in self._conds.values()),
            custom_conditions=self.custom_conditions,
            pending_failure=self.pending_failure,
            stop_started_at=self.stop_started_at,
            stop_grace=self.stop_grace,
            deletion_requested_at=self.deletion_requested_at,
            spec_overrides=self._spec_overrides,
            resync_at=self.resync_at,
            sandbox_refused=self.sandbox_refused,
            restarting_all=self.restarting_all,
            stop_deferred=self.stop_deferred,
        )

    def restore(self, s: PodState) -> None:
        """Put the model back into a state taken by :meth:`snapshot`."""
        for f in _POD_SCALAR_FIELDS:
            setattr(self, f, getattr(s, f))
        # set_state only where the state differs (setting an equal state changes nothing)
        if self._phase.state != s.phase:
            self._phase_machine.set_state(s.phase, model=self._phase)
        for rec, cs in zip(self.records, s.containers, strict=True):
            if rec.state != cs.state:
                self._container_machine.set_state(cs.state, model=rec)
            rec.restore(cs)
        for (crec, machine), cond in zip(
            zip(self._conds.values(), self._cond_machines, strict=True), s.conditions, strict=True
        ):
            if crec.state != cond.state:
                machine.set_state(cond.state, model=crec)
            crec.reason, crec.message, crec.since = cond.reason, cond.message, cond.since
        self._inputs = None
        self._last = s

    # ------------------------------------------------------------------ events

    def apply(self, event: Any) -> PodState:
        """Apply one lifecycle event and the kubelet's reaction; return the new state.

        Raises :class:`IllegalEvent` (model unchanged) when the event cannot happen now.
        """
        ev = parse_event(event)
        try:
            self._require_hook_returned(ev)
            handler = getattr(self, f"_on_{ev.type}")
            handler(ev)
            self._settle()
            self._check_clock(ev)
        except BaseException:
            self.restore(self._last)
            raise
        self._last = self.snapshot()
        return self._last

    _DURING_POST_START = frozenset({"PostStartHookSucceeded", "PostStartHookFailed"})

    def hook_running(self) -> ContainerRecord | None:
        """The container whose postStart hook the kubelet's SyncPod is waiting for, if any."""
        return next((r for r in self.records if r.hook_running), None)

    def _require_hook_returned(self, ev: Any) -> None:
        """While a postStart hook runs, the kubelet's pod worker is blocked in startContainer.

        Only the hook's end (``PostStartHookSucceeded`` / ``PostStartHookFailed`` of that
        container) and ``TimePassed`` (the kubelet's own timers wait for the sync) can come.
        """
        busy = self.hook_running()
        if busy is None or ev.type == "TimePassed":
            return
        if ev.type in self._DURING_POST_START and getattr(ev, "container", None) == busy.name:
            return
        raise self._illegal(
            ev,
            f"the kubelet's SyncPod waits for the postStart hook of {busy.name!r}; "
            "podfsm takes only its end (or TimePassed) now",
            legal=("PostStartHookSucceeded", "PostStartHookFailed", "TimePassed"),
        )

    def _check_clock(self, ev: Any) -> None:
        """Refuse an event that takes a time the pod would show past :data:`LAST_TIME`.

        Raises :class:`ManifestError` with source ``<event>`` and the event's field as location;
        :func:`podfsm.simulate` replaces them with the events file and ``events[i].field``.
        """
        latest = max(self.now, self.deletion_at or 0.0)
        if latest <= self.last_second:
            return
        field = {"TimePassed": "seconds", "DeletionRequested": "gracePeriodSeconds"}.get(ev.type, "type")
        late_deletion = self.deletion_at is not None and self.deletion_at > self.now
        what = "the deletion time" if late_deletion else "the clock"
        raise ManifestError(
            "<event>",
            f"{what} would pass {LAST_TIME:%Y-%m-%dT%H:%M:%SZ}, the last time a Kubernetes object can hold",
            field,
        )

    def _illegal(
        self, ev: Any, problem: str, rec: ContainerRecord | None = None, legal: tuple[str, ...] = ()
    ) -> IllegalEvent:
        return IllegalEvent(
            ev.type,
            problem,
            container=rec.name if rec else getattr(ev, "container", None),
            state=rec.describe() if rec else self.describe(),
            legal=legal,
        )

    def describe(self) -> str:
        """The pod's situation in a few words, for messages."""
        if self.gone:
            return "gone: deleted from the API"
        bits = [self.phase]
        if not self.bound:
            bits.append("gated" if self.gated else "not scheduled")
        if self.deletion_at is not None:
            bits.append("terminating")
        if self.node_lost_at is not None:
            bits.append("node lost")
        if self.pod_reason:
            bits.append(self.pod_reason)
        return ", ".join(bits)

    def _require_alive(self, ev: Any) -> None:
        if self.gone:
            raise self._illegal(ev, "the pod no longer exists")

    def _require_kubelet(self, ev: Any) -> None:
        """Events only a running kubelet on a live node can report."""
        self._require_node(ev)
        if self.phase in TERMINAL_PHASES:
            raise self._illegal(ev, f"the pod is {self.phase}; its containers are not run again")

    def _record(self, ev: Any) -> ContainerRecord:
        rec = self.by_name.get(ev.container)
        if rec is None:
            names = ", ".join(self.by_name)
            raise IllegalEvent(
                ev.type,
                f"the pod has no container {ev.container!r} (it has: {names})",
                container=ev.container,
                state=self.describe(),
            )
        return rec

    def _fire_world(self, ev: Any, rec: ContainerRecord, trigger: str) -> None:
        """Fire a world trigger; the machine decides legality, the model explains a refusal."""
        try:
            ok = rec.fire(trigger)
        except MachineError:
            if self.restarting_all and rec.state not in ctm.ALIVE:
                raise self._illegal(ev, self.why_not_startable(rec) or "", rec) from None
            if self.sandbox_refused and trigger in _START_TRIGGERS and rec.state not in ctm.ALIVE:
                # the container's own policy would restart it, but no sandbox will hold it
                raise self._illegal(ev, self.why_not_startable(rec) or "", rec) from None
            legal = tuple(
                dict.fromkeys(
                    r.trigger for r in CONTAINER_MACHINE.rows_from(rec.state) if r.trigger[0].isupper()
                )
            )
            raise self._illegal(ev, f"cannot happen while the container is {rec.state}", rec, legal) from None
        if not ok:
            raise self._illegal(ev, self.why_not_startable(rec) or "its guard does not hold", rec)

    def _on_Scheduled(self, ev: Scheduled) -> None:
        self._require_alive(ev)
        if self.bound:
            raise self._illegal(ev, f"the pod is already bound to {self.node!r}")
        if self.gated:
            raise self._illegal(
                ev,
                "scheduling gates hold the pod; the scheduler does not consider it",
                legal=("SchedulingGatesRemoved",),
            )
        if self.deletion_at is not None:
            raise self._illegal(ev, "the pod is being deleted")
        self.bound = True
        self.node = ev.node
        self.unschedulable = None
        self._kubelet_admits()

    def _on_Unschedulable(self, ev: Unschedulable) -> None:
        self._require_alive(ev)
        if self.bound:
            raise self._illegal(ev, f"the pod is already bound to {self.node!r}")
        if self.gated:
            raise self._illegal(
                ev,
                "scheduling gates hold the pod; the scheduler does not consider it",
                legal=("SchedulingGatesRemoved",),
            )
        self.unschedulable = ev.message or "0/0 nodes are available."

    def _on_SchedulingGatesRemoved(self, ev: SchedulingGatesRemoved) -> None:
        self._require_alive(ev)
        if not self.gated:
            raise self._illegal(ev, "the pod has no scheduling gates")
        self.gated = False

    def _kubelet_admits(self) -> None:
        """The kubelet sees a pod bound to its node: sandbox, statuses, start time."""
        self.start_time = self.now

    def _on_ContainerStarted(self, ev: ContainerStarted) -> None:
        self._require_kubelet(ev)
        rec = self._record(ev)
        self._require_not_stopping(ev, rec)
        if ev.post_start_running and not rec.spec.post_start:
            raise self._illegal(ev, "postStartRunning: the container has no postStart hook", rec)
        self._fire_world(ev, rec, "ContainerStarted")
        if ev.post_start_running:
            # the process runs; startContainer waits for the hook: nothing is published yet
            # (a container killed and restarted in one sync, for a probe or a new image, is still
            # published as the old instance: its startedAt stays until the hook returns)
            rec.hook_running = True
            rec.started = rec.ready = False
            rec.hook_started_at = self.now
            return
        self._started(rec)
        self._sync()  # the PLEG sees the new instance running: the kubelet syncs the pod

    def _on_PostStartHookSucceeded(self, ev: PostStartHookSucceeded) -> None:
        """The postStart hook returned: startContainer returns, the next status shows the
        container running since its process started (``kuberuntime_container.go:startContainer``)."""
        self._require_kubelet(ev)
        rec = self._record(ev)
        if not rec.hook_running:
            raise self._illegal(
                ev, "no postStart hook of it is running (ContainerStarted with postStartRunning first)", rec
            )
        self._fire_world(ev, rec, "PostStartHookSucceeded")
        started_at = rec.hook_started_at
        rec.hook_running = False
        rec.hook_started_at = None
        self._started(rec)
        rec.started_at = started_at  # the process's start, not the hook's end
        self._sync()
        self._fire_deadlines()  # the kubelet's timers that fell due while it waited

    def _on_PreStopHookCompleted(self, ev: PreStopHookCompleted) -> None:
        """An exec or HTTP preStop hook ended: the stop signal now, SIGKILL after the grace period
        less the hook's whole seconds, at least 2 s (``killContainer``, ``executePreStopHook``).
        A sidecar's hook begins at the pod's kill; one that ends before the sidecar's turn leaves
        it running until then (``waitForTurn``)."""
        self._require_kubelet(ev)
        rec = self._record(ev)
        if not rec.spec.pre_stop or rec.spec.pre_stop_sleep is not None:
            raise self._illegal(
                ev,
                "the container has no exec or HTTP preStop hook"
                + (" (a sleep hook takes its seconds)" if rec.spec.pre_stop else ""),
                rec,
            )
        if rec.state not in (ctm.KILLING, ctm.RUNNING) or rec.pre_stop is None:
            raise self._illegal(ev, "no preStop hook of it is running", rec)
        begun, grace = rec.pre_stop
        if self.now >= begun + grace:
            raise self._illegal(
                ev,
                "the grace period is over: the kubelet stopped waiting for the hook and sent the signal",
                rec,
            )
        self._fire_world(ev, rec, "PreStopHookCompleted")
        rec.pre_stop = None
        if rec.state == ctm.RUNNING:
            return  # a sidecar whose hook began at the pod's kill: it now waits for its turn
        took = math.floor(self.now - begun)  # executePreStopHook: whole seconds
        rec.kill_deadline = self.now + max(grace - took, MIN_GRACE_SECONDS)

    def _require_not_stopping(self, ev: Any, rec: ContainerRecord) -> None:
        if self.stopping and rec.state in ctm.NOT_RUNNING:
            raise self._illegal(ev, "the pod is terminating; the kubelet starts no container", rec)

    def _new_instance(self, rec: ContainerRecord) -> None:
        """A new instance of the container is the runtime's newest record.

        Its ``restartCount`` is the annotation written at its creation; the newest exited record
        before it becomes ``lastState`` (convertToAPIContainerStatuses uses the two newest).
        """
        if rec.ever_ran and not rec.removed:
            rec.restart_count += 1
        rec.removed = False
        if rec.term is not None:
            rec.last_term = rec.term
        rec.term = None
        rec.ever_ran = True
        self._instance_image(rec)
        rec.in_sandbox = True
        if rec.spec.is_regular:
            self.initialized = True

    def _started(self, rec: ContainerRecord) -> None:
        self._new_instance(rec)
        rec.kill_cause = None
        rec.started_at = self.now
        # a successful start removes the container's entry from the reason cache
        rec.cache_reason = rec.cache_message = ""
        rec.waiting_reason = rec.waiting_message = ""
        rec.started = ProbeKind.STARTUP not in rec.spec.probes
        # A regular init container is ready only once it exited 0 (prober_manager.go).
        rec.ready = rec.started and not rec.spec.is_init and ProbeKind.READINESS not in rec.spec.probes
        rec.probe_runs = (("", 0), ("", 0), ("", 0))
        rec.retry_at = None
        self.sandbox_gone = False  # a container runs: the pod has a sandbox

    def _on_PostStartHookFailed(self, ev: PostStartHookFailed) -> None:
        """The container started, its postStart hook failed, and the kubelet kills it.

        Both run inside the kubelet's start of the container (startContainer, killContainer):
        no status is generated until they return, so the API keeps showing the container as it
        was before this start (never ``running``), and the phase does not move because of it.
        """
        self._require_kubelet(ev)
        rec = self._record(ev)
        self._require_not_stopping(ev, rec)
        if not rec.spec.post_start:
            raise self._illegal(ev, "the container has no postStart hook", rec)
        running = rec.hook_running
        self._fire_world(ev, rec, "PostStartHookFailed")
        rec.hook_running = False
        rec.started = rec.ready = False
        # the instance the hook runs in (not published until it is seen)
        rec.started_at = rec.hook_started_at if running else self.now
        rec.hook_started_at = None
        self._begin_kill(rec, KILL_POST_START, float(self.spec.grace_seconds))
        if running:
            self._fire_deadlines()  # the kubelet's timers that fell due while it waited

    def _on_ImagePullFailed(self, ev: ImagePullFailed) -> None:
        """A pull in the kubelet's sync failed: the reason cache gets the error (published next sync)."""
        self._require_kubelet(ev)
        rec = self._record(ev)
        self._require_not_stopping(ev, rec)
        rec.pending_reason = ev.reason
        self._fire_world(ev, rec, "ImagePullFailed")
        rec.cache_reason = ev.reason
        rec.cache_message = f'failed to pull image "{rec.spec.image}"'
        if rec.state == ctm.IMAGE_PULL_BACK_OFF:
            expired = rec.pull_updated is None or self.now - rec.pull_updated > IMAGE_BACKOFF_RESET
            rec.pull_delay = IMAGE_BACKOFF_INITIAL if expired else min(rec.pull_delay * 2, IMAGE_BACKOFF_MAX)
            rec.pull_updated = self.now
            rec.retry_at = self.now + rec.pull_delay
        self._requeue()

    def _on_ContainerCreateFailed(self, ev: ContainerCreateFailed) -> None:
        """A start in the kubelet's sync failed: the reason cache gets the error (published next sync)."""
        self._require_kubelet(ev)
        rec = self._record(ev)
        self._require_not_stopping(ev, rec)
        self._fire_world(ev, rec, "ContainerCreateFailed")
        rec.cache_reason = ev.reason
        rec.cache_message = ""
        self._requeue()

    def _requeue(self) -> None:
        """The sync failed: the pod worker runs the next one after backOffPeriod (pod_workers.go).

        Left out when every cached reason is already published and no back-off runs: that sync
        would publish nothing new.
        """
        if any(
            (r.cache_reason, r.cache_message) != (r.waiting_reason, r.waiting_message)
            or r.state == ctm.IMAGE_PULL_BACK_OFF
            for r in self.records
            if r.state in ctm.NOT_RUNNING
        ):
            self.resync_at = self.now + RESYNC_AFTER_ERROR

    def _on_ContainerExited(self, ev: ContainerExited) -> None:
        self._require_node(ev)
        rec = self._record(ev)
        reason = ev.reason or (TerminatedReason.COMPLETED if ev.exit_code == 0 else TerminatedReason.ERROR)
        self._fire_world(ev, rec, "ContainerExited")
        message = termination_message(rec.spec, ev.exit_code, str(reason), ev.message, ev.log_tail)
        self._exited(rec, ev.exit_code, reason, ev.signal, message)

    def _exited(
        self,
        rec: ContainerRecord,
        exit_code: int,
        reason: str,
        signal: int | None,
        message: str | None = None,
        never_started: bool = False,
    ) -> None:
        """The container's instance is seen exited; the kubelet syncs the pod (PLEG).

        A postStart hook's kill ends the kubelet's start: the start result ``PostStartHookError``
        goes to the reason cache. A liveness or startup kill and the restart were decided in one
        sync (:meth:`_after_probe_kill`), and so were a kill for a changed spec (a new image) and
        its restart, whatever the policy (:meth:`_after_spec_change_kill`). Then the sync
        generates the status (the exit is shown ``terminated`` unless the reason cache holds why
        a start failed) and acts (:meth:`_sync`). ``message`` is the termination message;
        ``never_started`` marks a StartError (the runtime's zero ``startedAt``).
        """
        cause = rec.kill_cause
        if cause == KILL_POST_START:
            self._new_instance(rec)  # the instance the hook ran in is the newest record now
            rec.cache_reason = WaitingReason.POST_START_HOOK_ERROR
            rec.cache_message = ""
        rec.term = Termination(
            exit_code,
            str(reason),
            rec.started_at,
            self.now,
            signal,
            message or None,
            never_started=never_started,
        )
        if cause == KILL_RESTART_ALL:
            # killed for a RestartAllContainers rule inside the SyncPod that then removes every
            # container: nothing is published until it returns, and the exit is removed with it
            rec.kill_deadline = None
            rec.pre_stop = None
            if not any(r.state == ctm.KILLING and r.kill_cause == KILL_RESTART_ALL for r in self.records):
                if self.stopping:
                    # SyncTerminatingPod was waiting for that SyncPod: its status shows them removed
                    self._restart_all_cleaned_up()
                else:
                    self._sync()  # the PLEG sees the killed containers die: the next sync at once
            return
        rec.started = False
        rec.ready = rec.spec.is_init and exit_code == 0
        rec.kill_deadline = None
        rec.kill_cause = None
        rec.pre_stop = None
        if cause in PROBE_KILLS and not self.stopping and self._after_probe_kill(rec):
            # The kill sync started the new instance: nothing is published in between (the next
            # status is generated once the new instance is seen), so the API keeps showing the
            # killed instance running until ContainerStarted.
            rec.kill_cause = cause
            return
        if cause == KILL_SPEC_CHANGED and not self.stopping:
            self._after_spec_change_kill(rec)
            rec.kill_cause = cause
            return
        if self.stop_deferred is not None and not any(
            r.state == ctm.KILLING and r.kill_cause == KILL_POST_START for r in self.records
        ):
            # the SyncPod returned: SyncTerminatingPod generates the status (the reason cache
            # shown, as at any sync's start), then kills the pod with the grace asked
            grace, self.stop_deferred = self.stop_deferred, None
            for r in self.records:
                r.waiting_reason, r.waiting_message = r.cache_reason, r.cache_message
            self._stop_pod(grace)
            return
        self._sync()

    def _after_spec_change_kill(self, rec: ContainerRecord) -> None:
        """The end of the sync that killed a container whose spec changed (a new image).

        computePodActions ("Container %s definition changed") decided the kill and the restart
        together, whatever the restart policy. The back-off key includes the container's hash
        (GetStableKey), so the new spec has no back-off entry: doBackOff lets the start happen
        and its Next starts the new key's back-off from the newest exited record the sync saw
        (the run before the killed one). As after a probe kill, nothing is published in between:
        the API shows the killed instance running until the new one is seen.
        """
        rec.bo_delay, rec.bo_updated = 0.0, None
        rec.decision = Action.RESTART
        rec.backoff_ref = rec.last_term
        try:
            fired = rec.fire("restart")
            assert fired, "no back-off entry under a new key"
            if rec.backoff_ref is not None:
                self._next_backoff(rec, rec.backoff_ref.finished_at)
            self._recreate(rec)
        finally:
            rec.decision = None

    def _after_probe_kill(self, rec: ContainerRecord) -> bool:
        """The end of the sync that killed a container for a failed liveness or startup probe.

        computePodActions decided the kill and the restart together (restart unless the policy
        is Never); doBackOff judged that restart against the newest *exited* record the sync saw,
        the run before the killed one. Refused, the reason cache gets CrashLoopBackOff and the
        killed container is an ordinary exited one: the next sync judges it by its own exit
        code and measures its back-off from its own exit (kubernetes/kubernetes#109537).
        Returns whether the new instance was started.
        """
        if decide(rec.spec, self.spec.restart_policy, rec.term.exit_code if rec.term else 0, True) is not (
            Action.RESTART
        ):
            return False
        rec.decision = Action.RESTART
        rec.backoff_ref = rec.last_term
        try:
            if rec.fire("restart"):
                if rec.backoff_ref is not None:
                    self._next_backoff(rec, rec.backoff_ref.finished_at)
                self._recreate(rec)
                return True
            self._cache_crash_loop(rec)
            return False
        finally:
            rec.decision = None

    def _cache_crash_loop(self, rec: ContainerRecord) -> None:
        """doBackOff refused the start: the reason cache says CrashLoopBackOff, with the delay."""
        rec.cache_reason = WaitingReason.CRASH_LOOP_BACK_OFF
        rec.cache_message = (
            f"back-off {_go_duration(rec.bo_delay)} restarting failed container={rec.name} "
            f"pod={self.spec.name}_{self.spec.namespace}({self.uid})"
        )

    def _sync(self) -> None:
        """One ``SyncPod`` of the kubelet at ``now``: generate the status, then act.

        The status is generated first (kubelet.go SyncPod; generateAPIPodStatus): every
        container's published waiting reason becomes what the reason cache holds, from the
        previous sync's start results. Then computePodActions and doBackOff: an exited container
        the policy restarts is started at once or refused (CrashLoopBackOff into the cache); a
        container in back-off is started once its delay has passed; an image pull in back-off
        is retried once its window has passed (ImagePullBackOff into the cache otherwise). A
        sync with a failure is requeued after 10 s (:data:`RESYNC_AFTER_ERROR`).
        """
        if self.gone or not self.bound or self.stopping or self.node_lost_at is not None:
            return
        if self.phase in TERMINAL_PHASES or self.sandbox_refused:
            return
        if self.restarting_all:
            if any(r.state == ctm.KILLING and r.kill_cause == KILL_RESTART_ALL for r in self.records):
                return  # the SyncPod that kills them is still under way: the pod worker waits for it
            self._restart_all_cleaned_up()  # judges each container by the status published before
            return
        if any(r.state == ctm.KILLING and r.kill_cause == KILL_POST_START for r in self.records):
            # startContainer is killing the instance whose postStart hook failed: the SyncPod that
            # started it has not returned, so no new sync generates a status or acts (the pod
            # worker queues the updates); the next one runs when that instance exited
            return
        for rec in self.records:
            rec.waiting_reason, rec.waiting_message = rec.cache_reason, rec.cache_message
        if self._restart_all_exit() is not None:
            self._restart_all_containers()
            return
        failed = False
        kill_pod = False
        for rec in self.records:
            if rec.state == ctm.TERMINATED and rec.term is not None:
                action = decide(rec.spec, self.spec.restart_policy, rec.term.exit_code, False)
                if action is Action.KILL_POD:
                    kill_pod = True
                if action is not Action.RESTART:
                    continue
                rec.decision = action
                rec.backoff_ref = rec.term
                try:
                    if rec.fire("restart"):
                        self._next_backoff(rec, rec.term.finished_at)
                        self._recreate(rec)
                    else:
                        rec.fire("back_off")
                        rec.restart_at = rec.term.finished_at + rec.bo_delay
                        self._cache_crash_loop(rec)
                        failed = True
                finally:
                    rec.decision = None
            elif rec.state == ctm.CRASH_LOOP_BACK_OFF:
                if rec.fire("backoff_over"):
                    assert rec.term is not None
                    self._next_backoff(rec, rec.term.finished_at)
                    self._recreate(rec)
                else:
                    self._cache_crash_loop(rec)
                    failed = True
            elif rec.state == ctm.IMAGE_PULL_BACK_OFF:
                if rec.fire("retry_pull"):
                    rec.retry_at = None  # the kubelet pulls again; the cache keeps the last error
                else:
                    rec.cache_reason = WaitingReason.IMAGE_PULL_BACK_OFF
                    rec.cache_message = f'Back-off pulling image "{rec.spec.image}"'
                    failed = True
        # A failed sync is requeued. A start that failed in this sync (ImagePullFailed,
        # ContainerCreateFailed) requeued it already; a later sync that would publish nothing new
        # is invisible and left out, so one is planned only while the cache is not published yet.
        unpublished = any(
            rec.state in ctm.NOT_RUNNING
            and rec.cache_reason
            and (rec.cache_reason, rec.cache_message) != (rec.waiting_reason, rec.waiting_message)
            for rec in self.records
        )
        self.resync_at = None
        crash_ends = [
            rec.restart_at
            for rec in self.records
            if rec.state == ctm.CRASH_LOOP_BACK_OFF and rec.restart_at is not None
        ]
        if failed and crash_ends:
            # the sync's error carries the crash-loop back-off's expiry (doBackOff's BackoffError):
            # the pod worker comes back then (MinBackoffExpiration, capped at the resync interval)
            self.resync_at = self.now + requeue_delay(min(crash_ends) - self.now)
        elif unpublished:
            self.resync_at = self.now + RESYNC_AFTER_ERROR
        elif failed:
            # Every 10 s the requeued sync is refused again and publishes the same status: the
            # first one that shows something new is the first at or after a back-off's end.
            ends = [
                t
                for rec in self.records
                for t in (
                    rec.restart_at if rec.state == ctm.CRASH_LOOP_BACK_OFF else None,
                    rec.retry_at if rec.state == ctm.IMAGE_PULL_BACK_OFF else None,
                )
                if t is not None
            ]
            steps = max(1, math.ceil((min(ends) - self.now) / RESYNC_AFTER_ERROR)) if ends else 1
            self.resync_at = self.now + steps * RESYNC_AFTER_ERROR
        if kill_pod:
            self._stop_pod()

    def in_crash_backoff(self, rec: ContainerRecord) -> bool:
        """``IsInBackOffSince(key, finishedAt)`` for the exited record doBackOff consults.

        In back-off while an unexpired entry exists and less than its delay has passed since that
        record finished; no exited record means no back-off at all.
        """
        ref = rec.backoff_ref if rec.state == ctm.TERMINATED else rec.term
        if rec.bo_updated is None or ref is None:
            return False
        if ref.finished_at - rec.bo_updated > CRASH_BACKOFF_RESET:
            return False
        return self.now - ref.finished_at < rec.bo_delay

    def _next_backoff(self, rec: ContainerRecord, finished: float) -> None:
        """``Backoff.Next(key, finishedAt)``: start at 10 s, or double up to 300 s; remember when.

        The initial delay and the maximum are the kubelet configuration's
        (:meth:`~podfsm.model.kubelet_config.KubeletConfig.crash_loop_back_off`).
        """
        expired = rec.bo_updated is None or finished - rec.bo_updated > CRASH_BACKOFF_RESET
        initial, maximum = self.crash_backoff_initial, self.crash_backoff_max
        rec.bo_delay = initial if expired else min(rec.bo_delay * 2, maximum)
        rec.bo_updated = self.now

    def _recreate(self, rec: ContainerRecord) -> None:
        """The kubelet starts a new instance; the API shows the old one until it is seen running."""
        rec.restart_at = None
        rec.cache_reason = rec.cache_message = ""  # the start succeeded (as far as the sync knows)
        rec.started = rec.ready = False

    def _on_ProbeResult(self, ev: ProbeResult) -> None:
        self._require_kubelet(ev)
        rec = self._record(ev)
        probe = rec.spec.probes.get(ev.probe)
        if probe is None:
            raise self._illegal(ev, f"the container has no {ev.probe} probe", rec)
        if rec.state not in ctm.ALIVE:
            raise self._illegal(ev, "probes run only while the container runs", rec)
        if rec.state == ctm.KILLING and ev.probe is not ProbeKind.READINESS:
            raise self._illegal(
                ev, f"the kubelet stopped the {ev.probe} probe: the container is being killed", rec
            )
        if ev.probe is not ProbeKind.READINESS and self.deletion_at is not None:
            # prober/worker.go: a pod being deleted gets liveness/startup forced to Success, worker stops
            raise self._illegal(
                ev, f"the kubelet stopped the {ev.probe} probe: the pod is being deleted", rec
            )
        if ev.probe is ProbeKind.STARTUP:
            if rec.started:
                raise self._illegal(ev, "the startup probe already succeeded; it runs no more", rec)
        elif not rec.started:
            raise self._illegal(ev, f"the {ev.probe} probe waits for the startup probe to succeed", rec)
        assert rec.started_at is not None
        if self.now - rec.started_at < probe.initial_delay_seconds:  # worker.doProbe, every probe
            raise self._illegal(
                ev,
                f"initialDelaySeconds ({probe.initial_delay_seconds}) has not passed since the start",
                rec,
            )
        idx = _PROBE_ORDER.index(ev.probe)
        last, run = rec.probe_runs[idx]
        run = run + 1 if last == ev.result else 1
        runs = list(rec.probe_runs)
        runs[idx] = (str(ev.result), run)
        rec.probe_runs = tuple(runs)
        success = ev.result is ProbeOutcome.SUCCESS
        threshold = probe.success_threshold if success else probe.failure_threshold
        if run < threshold:
            return
        if not success and ev.probe is not ProbeKind.READINESS and self.stopping:
            # The pod is being killed (computePodActions' keepCount 0, an eviction, the deadline):
            # the pod worker waits inside killPodWithSyncResult until every container is stopped,
            # so a failed liveness or startup probe acts on nothing; a sidecar waiting for its
            # turn is stopped in that turn (kuberuntime_termination_order.go), never restarted.
            return
        # A recorded result triggers a sync of the pod (kubelet.go syncLoopIteration, handleProbeSync):
        # the status is generated, then a failed liveness or startup probe kills the container.
        self._sync()
        if ev.probe is ProbeKind.READINESS:
            rec.ready = success
        elif ev.probe is ProbeKind.STARTUP:
            if success:
                rec.started = True
                rec.ready = ProbeKind.READINESS not in rec.spec.probes
            else:
                self._probe_kill(rec, KILL_STARTUP, probe.termination_grace_period_seconds)
        elif not success:
            self._probe_kill(rec, KILL_LIVENESS, probe.termination_grace_period_seconds)

    def _probe_kill(self, rec: ContainerRecord, cause: str, probe_grace: int | None) -> None:
        grace = self.spec.grace_seconds if probe_grace is None else probe_grace
        # readiness is the readiness prober's: a liveness kill leaves `ready` as it was until the exit
        self._begin_kill(rec, cause, float(grace))

    def _begin_kill(self, rec: ContainerRecord, cause: str, grace: float) -> None:
        if rec.state == ctm.RUNNING:
            rec.fire("kill")
        rec.kill_cause = cause
        rec.kill_deadline = self.now + kill_seconds(rec.spec, grace)
        # an exec or HTTP preStop hook runs first; PreStopHookCompleted may end it early
        exec_hook = rec.spec.pre_stop and rec.spec.pre_stop_sleep is None and grace > 0
        rec.pre_stop = (self.now, grace) if exec_hook else None

    def _on_TimePassed(self, ev: TimePassed) -> None:
        self._require_alive(ev)
        end = self.now + ev.seconds
        while True:
            due = self._next_deadline()
            if due is None or due > end:
                break
            self.now = max(self.now, due)
            self._fire_deadlines()
            self._settle()
            if self.gone:
                return
        self.now = end

    def _deadlines(self) -> list[float]:
        out: list[float] = []
        if self.hook_running() is not None:
            return out  # the pod worker is blocked in startContainer: its timers wait
        if self.node_lost_at is None:  # nothing on a lost node is observed any more
            for rec in self.records:
                if rec.state == ctm.KILLING and rec.kill_deadline is not None:
                    out.append(rec.kill_deadline)
            if self.resync_at is not None and not self.stopping:
                out.append(self.resync_at)
            end = self._sidecars_cut_off()
            if end is not None:
                out.append(end)
        active = self._active_deadline()
        if active is not None:
            out.append(active)
        marked = self.node_not_ready_at()
        if marked is not None and self.deletion_at is None:
            if self.now < marked:
                out.append(marked)  # the node controller marks the node not ready
            tol = self.unreachable_toleration()
            if tol is not None:
                out.append(marked + tol)
        return out

    def node_not_ready_at(self) -> float | None:
        """When the node controller marks the silent node not ready (virtual seconds), or None.

        ``NodeLost`` is the node going silent; the node controller notices after
        ``node-monitor-grace-period`` (kube-controller-manager, v1.35 default 50 s; the
        configuration's ``nodeLifecycle.nodeMonitorGracePeriod``): the node's Ready turns Unknown,
        ``MarkPodsNotReady`` sets the pod's Ready condition False and the
        ``node.kubernetes.io/unreachable:NoExecute`` taint is added
        (``pkg/controller/nodelifecycle/node_lifecycle_controller.go:monitorNodeHealth``).
        """
        if self.node_lost_at is None:
            return None
        return self.node_lost_at + self.kubelet_config.node_monitor_grace_period

    def unreachable_toleration(self) -> float | None:
        """Seconds the pod tolerates the unreachable taint (None: forever).

        Its own toleration's ``tolerationSeconds``, or the DefaultTolerationSeconds admission
        plugin's default (300 s; the configuration's
        ``nodeLifecycle.defaultUnreachableTolerationSeconds``) when it has none.
        """
        if self.spec.unreachable_toleration_defaulted:
            return float(self.kubelet_config.default_unreachable_toleration_seconds)
        return self.spec.unreachable_toleration_seconds

    def _sidecars_cut_off(self) -> float | None:
        """When the pod's grace period ends while sidecars still wait for their turn to stop."""
        if not self.stopping or self.stop_started_at is None or self.stop_grace is None:
            return None
        if any(r.state == ctm.RUNNING for r in self.sidecars):
            end = self.stop_started_at_plus_grace()
            return end if end >= self.now else None
        return None

    def _active_deadline(self) -> float | None:
        """When spec.activeDeadlineSeconds runs out (measured from startTime), while it still matters."""
        ads = self.spec.active_deadline_seconds
        if ads is None or self.start_time is None or self.stopping or self.node_lost_at is not None:
            return None
        if Phase(self.phase).is_terminal:
            return None
        return self.start_time + ads

    def _next_deadline(self) -> float | None:
        ds = self._deadlines()
        return min(ds) if ds else None

    def _fire_deadlines(self) -> None:
        if self.node_lost_at is None:
            for rec in self.records:
                if rec.state == ctm.KILLING and rec.fire("sigkill"):
                    self._exited(rec, SIGKILL_EXIT_CODE, TerminatedReason.ERROR, None)
            if self.resync_at is not None and self.now >= self.resync_at:
                self.resync_at = None
                self._sync()  # the pod worker's requeued sync
            self._stop_sidecars_when_alone()
        active = self._active_deadline()
        if active is not None and self.now >= active:
            self._deadline_exceeded()
        tol = self.unreachable_toleration()
        marked = self.node_not_ready_at()
        if marked is not None and self.deletion_at is None and tol is not None and self.now >= marked + tol:
            # The taint-eviction controller deletes the pod; nobody on the node finishes it.
            self.disruption = (
                ConditionReason.DELETION_BY_TAINT_MANAGER,
                "Taint manager: deleting due to NoExecute taint",
            )
            self._mark_deleted(self.spec.grace_seconds)

    def _deadline_exceeded(self) -> None:
        # active_deadline.go: ShouldEvict -> phase Failed, then the pod is killed (its grace period);
        # mergePodStatus shows the terminal phase only once no container could be running
        self.pending_failure = (
            "deadline",
            PodReason.DEADLINE_EXCEEDED,
            "Pod was active on the node longer than the specified deadline",
        )
        self._stop_pod()

    def _on_DeletionRequested(self, ev: DeletionRequested) -> None:
        self._require_alive(ev)
        grace = self.spec.grace_seconds if ev.grace_period_seconds is None else ev.grace_period_seconds
        if self.deletion_at is not None and grace != 0:
            # apiserver rest.BeforeDelete: only a shorter grace period than the stored one counts; the
            # new deadline is the first request's time plus it, never earlier than now (grace then 1)
            assert self.deletion_grace is not None and self.deletion_requested_at is not None
            if grace >= self.deletion_grace:
                return
            self.deletion_at = self.deletion_requested_at + grace
            self.deletion_grace = grace
            if self.deletion_at < self.now:
                self.deletion_at, self.deletion_grace = self.now, 1
            if self.node_lost_at is None:
                self._stop_pod(float(grace))
            return
        if not self.bound or self.phase in TERMINAL_PHASES or grace == 0:
            # The API server removes the object at once (CheckGracefulDelete; force deletion).
            self._mark_deleted(0)
            self.gone = True
            return
        self._mark_deleted(grace)
        if self.node_lost_at is None:
            self._stop_pod(float(grace))

    def _mark_deleted(self, grace: int) -> None:
        self.deletion_requested_at = self.now
        self.deletion_at = self.now + grace
        self.deletion_grace = grace

    def _stop_pod(self, grace: float | None = None) -> None:
        """The kubelet stops the whole pod: regular and init containers now, sidecars after them.

        A kill already in progress keeps the grace it began with: SyncTerminatingPod runs killPod
        under a context the pod worker cannot cancel (``kubelet.go``, TODO(#113606)), and
        killContainer's stop timeouts and waitForTurn's timers are fixed when they start, so a
        later, shorter request (an eviction or a second deletion during a deletion) changes no
        deadline. Upstream's behaviour, modelled as it is. While SyncPod is killing an instance
        whose postStart hook failed, the whole pod kill waits for it (``stop_deferred``), with the
        shortest grace asked meanwhile.
        """
        if grace is None:
            grace = float(self.spec.grace_seconds)
        if self.restarting_all and not any(
            r.state == ctm.KILLING and r.kill_cause == KILL_RESTART_ALL for r in self.records
        ):
            # SyncTerminatingPod comes after the SyncPod that removed every container (its runtime
            # call is not cancelled): its status shows them removed, and there is nothing to kill
            self._restart_all_cleaned_up()
        in_progress = self.stopping and self.stop_grace is not None
        if not in_progress and any(
            r.state == ctm.KILLING and r.kill_cause == KILL_POST_START for r in self.records
        ):
            # SyncPod runs the runtime under a context the pod worker cannot cancel (kubelet.go,
            # WithoutCancel, TODO(#113606)): the kill of the instance whose postStart hook failed
            # goes on with its own grace, and SyncTerminatingPod (this kill) comes after it
            self.stopping = True
            self.stop_deferred = grace if self.stop_deferred is None else min(self.stop_deferred, grace)
            return
        if not in_progress:
            self.stop_started_at, self.stop_grace = self.now, grace
        self.stopping = True
        for rec in self.records:
            if rec.state in ctm.NOT_RUNNING and rec.term is not None and self.deletion_at is not None:
                # No restart is planned any more (ShouldContainerBeRestarted is false for a pod
                # with a deletionTimestamp), so the API shows the last exit, not the reason cache.
                # Killed otherwise (eviction, deadline), the cached reason stays until TerminatePod.
                rec.fire("abandon")
                rec.kill_cause = None
                rec.restart_at = rec.retry_at = None
                rec.waiting_reason = rec.waiting_message = ""
            elif (
                not in_progress
                and not rec.spec.is_sidecar
                and rec.state in ctm.ALIVE
                and rec.kill_cause != KILL_RESTART_ALL  # that kill goes on, then it is removed
            ):
                deadline = self.now + max(grace, MIN_GRACE_SECONDS)
                if rec.kill_deadline is None or deadline < rec.kill_deadline:
                    self._begin_kill(rec, KILL_POD, grace)
        if not in_progress:
            if grace > 0:
                # killContainersWithSyncResult runs killContainer for every container at once: a
                # sidecar's preStop hook starts now, and only then does it wait for its turn
                for rec in self.sidecars:
                    if rec.state == ctm.RUNNING and rec.spec.pre_stop and rec.spec.pre_stop_sleep is None:
                        rec.pre_stop = (self.now, grace)
            self._stop_sidecars_when_alone(grace)

    def stop_started_at_plus_grace(self) -> float:
        """When the current pod kill's grace period runs out."""
        assert self.stop_started_at is not None and self.stop_grace is not None
        return self.stop_started_at + self.stop_grace

    def _stop_sidecars_when_alone(self, grace: float | None = None) -> None:
        """Sidecars stop after every other container, last one first (kuberuntime_termination_order.go).

        Each waits for the containers after it; the time waited comes off the pod's grace period,
        and the stop signal always gets at least 2 s (killContainer).
        """
        if not self.stopping:
            return
        if self.stop_grace is not None and self.now >= self.stop_started_at_plus_grace():
            # The pod's grace period is over: every sidecar still waiting for its turn is cut off
            # by its own timer (waitForTurn) and stopped now, all together (2 s each).
            for rec in self.sidecars:
                if rec.state == ctm.RUNNING:
                    self._begin_kill(rec, KILL_POD, 0.0)
            return
        if any(r.state in ctm.ALIVE for r in self.records if not r.spec.is_sidecar):
            return
        for rec in reversed(self.sidecars):
            if rec.state == ctm.KILLING:
                return  # the sidecar after the next one is still stopping
            if rec.state == ctm.RUNNING:
                remaining = self.stop_started_at_plus_grace() - self.now if grace is None else grace
                self._sidecar_turn(rec, remaining)
                return

    def _sidecar_turn(self, rec: ContainerRecord, remaining: float) -> None:
        """A sidecar's turn to stop has come (every container after it stopped), ``remaining``
        seconds before the pod's grace period ends.

        ``killContainer`` ran its preStop hook from the pod's kill on, before ``waitForTurn``
        (kuberuntime_container.go), so the hook may be over by now: then the stop signal comes at
        once, SIGKILL after what is left of the grace period, at least 2 s. A hook still running
        ends first: a sleep hook at its seconds, an exec or HTTP hook at ``PreStopHookCompleted``
        (its ``pre_stop`` is kept) or at the end of the grace period; SIGKILL no earlier than the
        hook's end plus the grace period it left, at least 2 s, as for a container killed with its
        hook. (waitForTurn's whole seconds are not modelled: the signal's grace is exact.)
        """
        rec.fire("kill")
        rec.kill_cause = KILL_POD
        deadline = self.now + max(remaining, MIN_GRACE_SECONDS)
        begun, grace = self.stop_started_at, self.stop_grace
        hooked = rec.spec.pre_stop and begun is not None and grace is not None and grace > 0
        if hooked and rec.spec.pre_stop_sleep is not None:
            assert begun is not None and grace is not None
            if self.now < begun + min(float(rec.spec.pre_stop_sleep), grace):
                deadline = max(deadline, begun + kill_seconds(rec.spec, grace))
        elif hooked and rec.pre_stop is not None:
            begun, grace = rec.pre_stop
            if self.now < begun + grace:
                deadline = max(deadline, begun + kill_seconds(rec.spec, grace))
            else:
                rec.pre_stop = None
        rec.kill_deadline = deadline

    def _on_Evicted(self, ev: Evicted) -> None:
        self._require_kubelet(ev)
        message = ev.message or "The node was low on resource: memory. "
        # evictPod: hard thresholds kill with immediateEvictionGracePeriodSeconds (1 s; killContainer
        # makes it at least 2 s), soft ones with evictionMaxPodGracePeriod (the event's grace); the
        # pod worker gives every kill at least 1 s (pod_workers.go calculateEffectiveGracePeriod)
        grace = 1 if ev.grace_period_seconds is None else max(ev.grace_period_seconds, 1)
        self.pending_failure = ("evict", PodReason.EVICTED, message)
        self._stop_pod(float(grace))

    _KUBELET_OWNED = frozenset(ConditionType)

    def _on_PodConditionSet(self, ev: PodConditionSet) -> None:
        self._require_alive(ev)
        if ev.condition_type in self._KUBELET_OWNED:
            raise self._illegal(ev, f"{ev.condition_type} is owned by the kubelet or the scheduler")
        old = next((c for c in self.custom_conditions if c[0] == ev.condition_type), None)
        since = old[4] if old is not None and old[1] == ev.status else self.now
        kept = [c for c in self.custom_conditions if c[0] != ev.condition_type]
        kept.append((ev.condition_type, ev.status, ev.reason or "", ev.message or "", since))
        self.custom_conditions = tuple(kept)

    def _on_NodeLost(self, ev: NodeLost) -> None:
        self._require_alive(ev)
        if not self.bound:
            raise self._illegal(ev, "the pod is not bound to a node")
        if self.node_lost_at is not None:
            raise self._illegal(ev, "the node is already lost")
        self.node_lost_at = self.now

    def _on_ContainerStartFailed(self, ev: ContainerStartFailed) -> None:
        """The runtime could not start the created container: StartError, exit 128 (startContainer).

        The start result ``RunContainerError`` goes to the reason cache: a container the policy
        restarts is published ``waiting`` with that reason (and the runtime's message), the
        StartError in ``lastState``, until a start succeeds or a refused one replaces it with
        ``CrashLoopBackOff``; under ``Never`` the StartError stays shown ``terminated``.
        """
        self._require_kubelet(ev)
        rec = self._record(ev)
        self._require_not_stopping(ev, rec)
        self._fire_world(ev, rec, "ContainerStartFailed")
        # a new instance was created (restartCount counts it); the previous exit is lastState
        self._new_instance(rec)
        rec.kill_cause = None
        rec.started_at = None
        rec.started = rec.ready = False
        # SyncPod's start result is ErrRunContainer with the runtime's message: the reason cache
        # holds RunContainerError, which the next sync publishes as the waiting reason of a
        # container that will be restarted (convertToAPIContainerStatuses)
        rec.cache_reason = WaitingReason.RUN_CONTAINER_ERROR
        rec.cache_message = ev.message or ""
        rec.retry_at = None
        self.sandbox_gone = False
        self._exited(
            rec, START_ERROR_EXIT_CODE, TerminatedReason.START_ERROR, None, ev.message, never_started=True
        )

    def _on_SandboxCreateFailed(self, ev: SandboxCreateFailed) -> None:
        """The runtime could not create the pod's sandbox: PodReadyToStartContainers False (SyncPod)."""
        self._require_kubelet(ev)
        if self.stopping:
            raise self._illegal(ev, "the pod is terminating; the kubelet creates no sandbox")
        if any(r.state in ctm.ALIVE for r in self.records):
            raise self._illegal(ev, "the pod's sandbox exists: a container is running")
        if any(r.ever_ran for r in self.records) and not self.sandbox_gone:
            raise self._illegal(ev, "the pod's sandbox exists: a container ran in it")
        if self.sandbox_refused:
            raise self._illegal(ev, "the kubelet creates no new sandbox for this pod (restartPolicy Never)")
        self.sandbox_gone = True

    # ------------------------------------------------------------------ restarts of the node's software

    def _require_node(self, ev: Any) -> None:
        """Events of a bound pod's node that still reports (a kubelet restart, a reboot, a lost sandbox)."""
        self._require_alive(ev)
        if not self.bound:
            raise self._illegal(
                ev, "the pod is not bound to a node yet", legal=("Scheduled", "Unschedulable")
            )
        if self.node_lost_at is not None:
            raise self._illegal(ev, "the node stopped reporting; nothing from it is observed")

    def _on_KubeletRestarted(self, ev: KubeletRestarted) -> None:
        """The kubelet process restarts: it re-reads the runtime and the API, and forgets its memory.

        Then it syncs the pod (its first ``SyncPod``): the status is generated without the reason
        cache, and a container the back-off held is started (or pulled) at once.
        """
        self._require_node(ev)
        if self.phase in TERMINAL_PHASES:
            return  # nothing runs and nothing will: the restart changes nothing the API shows
        if self.stopping:
            raise self._illegal(
                ev,
                "the pod is terminating; podfsm does not model a kubelet restart in the middle of a kill "
                "(the kill's reason is the old kubelet's memory)",
            )
        killing = next((r for r in self.records if r.state == ctm.KILLING), None)
        if killing is not None:
            raise self._illegal(
                ev,
                "the kubelet is killing this container; podfsm does not model a kubelet restart in the "
                "middle of a kill (the kill's reason is the old kubelet's memory)",
                killing,
            )
        pod_ready = self._conds[ConditionType.READY].state == cm.TRUE
        self._forget()
        for rec in self.records:
            if rec.state == ctm.RUNNING and not rec.spec.is_init:
                self._reprobe(rec, pod_ready)
        self._sync()

    def _forget(self) -> None:
        """What a kubelet holds only in memory, lost when it restarts.

        The crash-loop and image-pull back-offs (kubelet.go, ``flowcontrol.NewBackOff``: a
        container waiting for either is tried again at the first sync), the reason cache
        (``reason_cache.go``), the probe workers' runs (``prober/worker.go``: ``resultRun``), the
        pod worker's requeued sync, and a restart that a kill's sync had already decided (the new
        kubelet judges the exit it finds).
        """
        for rec in self.records:
            rec.bo_delay, rec.bo_updated = 0.0, None
            rec.pull_delay, rec.pull_updated = 0.0, None
            # the new kubelet's first status has no cached reason: the last exit shows again
            rec.cache_reason = rec.cache_message = ""
            rec.waiting_reason = rec.waiting_message = ""
            rec.probe_runs = (("", 0), ("", 0), ("", 0))
            if rec.state == ctm.CRASH_LOOP_BACK_OFF:
                # doBackOff finds no entry: the start is let through (Backoff.Next starts a new one)
                assert rec.term is not None
                rec.restart_at = self.now
                rec.fire("backoff_over")
                self._next_backoff(rec, rec.term.finished_at)
                self._recreate(rec)
            elif rec.state == ctm.IMAGE_PULL_BACK_OFF:
                rec.retry_at = self.now
            if rec.state == ctm.WAITING and rec.kill_cause in RESTARTED_IN_KILL_SYNC:
                rec.kill_cause = None  # the new kubelet sees the killed instance exited
        self.resync_at = None

    def _reprobe(self, rec: ContainerRecord, pod_ready: bool) -> None:
        """``started`` and ``ready`` of a running container right after the kubelet restarted.

        ``prober_manager.go``: ``isContainerStarted`` keeps the API's ``started=true`` while the
        startup cache is empty (``ChangeContainerStatusOnKubeletRestart`` off);
        ``setReadyStateOnKubeletRestart``: a container that started more than 10 s before the
        kubelet (``kubeletRestartGracePeriod``) is ready without a readiness probe, and with one
        exactly when the pod's Ready condition was True, until its probe records a result. Its
        worker sets no initial result (``worker.go:doProbe``). A younger container gets the
        workers' initial values: startup Unknown (not started), readiness Failure (not ready).
        """
        assert rec.started_at is not None
        probes = rec.spec.probes
        if rec.started_at < self.now - KUBELET_RESTART_GRACE:
            if rec.started:
                rec.ready = pod_ready if ProbeKind.READINESS in probes else True
            return
        rec.started = ProbeKind.STARTUP not in probes
        rec.ready = rec.started and ProbeKind.READINESS not in probes

    def _on_NodeRebooted(self, ev: NodeRebooted) -> None:
        """The node restarted: every container and the sandbox are gone, the kubelet restarted too."""
        self._require_node(ev)
        if self.phase in TERMINAL_PHASES:
            return  # its containers had stopped and its sandbox was released: nothing to show
        self._require_no_restart_all(ev)
        self._lose_sandbox(ev.exit_code, ev.reason, kubelet_restarted=True)

    def _on_SandboxLost(self, ev: SandboxLost) -> None:
        """The runtime lost the pod's sandbox and its containers; the kubelet keeps running."""
        self._require_node(ev)
        if self.phase in TERMINAL_PHASES:
            raise self._illegal(ev, f"the pod is {self.phase}; the kubelet released its sandbox")
        if self.sandbox_gone:
            raise self._illegal(
                ev, "the pod has no sandbox: it was lost, or never made", legal=("ContainerStarted",)
            )
        self._require_no_restart_all(ev)
        self._lose_sandbox(ev.exit_code, ev.reason, kubelet_restarted=False)

    def _require_no_restart_all(self, ev: Any) -> None:
        """A lost sandbox while every container is being removed for a RestartAllContainers rule is
        not modelled: which sandbox the kubelet makes then depends on runtime records podfsm does
        not keep (computePodActions' attempt and container count)."""
        if self.restarting_all:
            raise self._illegal(
                ev,
                "a RestartAllContainers rule is removing every container (AllContainersRestarting); podfsm "
                "does not model a lost sandbox in the middle of it",
            )

    def _lose_sandbox(self, exit_code: int, reason: str, *, kubelet_restarted: bool) -> None:
        """Every container of the pod is gone with its sandbox; the kubelet decides on a new one.

        The runtime shows each container that ran as exited (``exit_code``, ``reason``). Then the
        kubelet's sync (``kuberuntime_manager.go:computePodActions``, ``PodSandboxChanged``):
        under ``Never``, once a container was created (``attempt != 0`` and the runtime has
        container records), no new sandbox and nothing started again; otherwise a new sandbox
        (``PodReadyToStartContainers`` False until a container starts in it), the init containers
        from the first one, in order, and the regular containers after them (under ``OnFailure``
        not those that succeeded); each start goes through ``doBackOff``. Restart counts continue
        (``startContainer`` counts on from the old record or the log directory).
        """
        for rec in self.records:
            if rec.state in ctm.ALIVE:
                if rec.kill_cause == KILL_POST_START:
                    self._new_instance(rec)  # the instance the hook ran in is the newest record
                rec.term = Termination(exit_code, reason, rec.started_at, self.now)
                rec.fire("ContainerExited")
                rec.started = False
                rec.ready = rec.spec.is_init and exit_code == 0
                rec.kill_deadline = None
                rec.kill_cause = None
            elif rec.kill_cause in RESTARTED_IN_KILL_SYNC:
                rec.kill_cause = None  # the restart the kill's sync started never happened
        if kubelet_restarted:
            self._forget()
        self.sandbox_gone = True
        if self.stopping:
            return  # nothing is left to kill: the termination finishes (_settle)
        policy = self.spec.restart_policy
        if policy == RestartPolicy.NEVER and any(r.ever_ran for r in self.records):
            self.sandbox_refused = True
            return
        to_start = [
            r
            for r in self.regulars
            if not (
                policy == RestartPolicy.ON_FAILURE
                and r.state == ctm.TERMINATED
                and r.term is not None
                and r.term.exit_code == 0
            )
        ]
        if not to_start and self.initialized:
            self.sandbox_refused = True  # initialization done and nothing to start: no sandbox
            return
        for rec in self.records:
            rec.in_sandbox = False
        if self.inits:
            self.initialized = False
        # the sync that sees the sandbox gone: the status first, then what the policy restarts anyway
        self._sync()
        if self.restarting_all:
            return  # an exit a RestartAllContainers rule matches: that SyncPod only removes containers
        failed = False
        for rec in self.records:
            if rec.state != ctm.TERMINATED or (rec.spec.is_regular and rec not in to_start):
                continue
            assert rec.term is not None
            rec.decision = Action.RESTART
            rec.backoff_ref = rec.term
            try:
                if rec.fire("restart"):
                    self._next_backoff(rec, rec.term.finished_at)
                    self._recreate(rec)
                    # a regular init container still shows its exit 0 until it runs again
                    rec.ready = rec.spec.is_init and rec.term.exit_code == 0
                else:
                    rec.fire("back_off")
                    rec.restart_at = rec.term.finished_at + rec.bo_delay
                    self._cache_crash_loop(rec)
                    failed = True
            finally:
                rec.decision = None
        if failed and self.resync_at is None:
            self.resync_at = self.now + RESYNC_AFTER_ERROR

    # ------------------------------------------------------------------ RestartAllContainers (alpha)

    def _restart_all_exit(self) -> ContainerRecord | None:
        """``ShouldAllContainersRestart``: a container whose newest instance exited with a code its
        first matching rule answers with ``RestartAllContainers`` (gate on), or None."""
        if not self.restart_all_rules:
            return None
        return next(
            (
                rec
                for rec in self.records
                if rec.state in (ctm.TERMINATED, ctm.CRASH_LOOP_BACK_OFF)
                and rec.term is not None
                and restarts_all_containers(rec.spec, rec.term.exit_code)
            ),
            None,
        )

    def _restart_all_containers(self) -> None:
        """A ``RestartAllContainers`` rule matched an exit: kill every running container, then remove all.

        The sync that sees the exit generates its status first: ``ShouldAllContainersRestart``
        (``pkg/kubelet/container/helpers.go``) finds an exited container whose first matching
        rule is ``RestartAllContainers``, so ``AllContainersRestarting`` is True
        (``status/generate.go``); the exit itself is shown terminated, and the phase keeps
        counting it as restartable. Then SyncPod runs with ``restartingAllContainers``:
        ``computePodActions`` asks only to remove containers (``ContainersToRemove``; the
        sandbox is kept, nothing is started). A running container is killed first, with no
        preStop hook and a zero grace period, which ``killContainer`` makes 2 s
        (:data:`MIN_GRACE_SECONDS`); back-off timers and pending starts are dropped. The next
        sync comes at once when a running container was killed (its ContainerDied), and
        otherwise at the pod worker's resync (:data:`RESYNC_INTERVAL`, up to 50 % later):
        :meth:`_restart_all_cleaned_up`.
        """
        self.restarting_all = True
        killed = False
        for rec in self.records:
            rec.restart_at = rec.retry_at = None
            if rec.state in ctm.ALIVE:
                if rec.state == ctm.RUNNING:
                    rec.fire("kill")
                deadline = self.now + MIN_GRACE_SECONDS
                if rec.kill_deadline is not None:
                    deadline = min(rec.kill_deadline, deadline)
                rec.kill_deadline = deadline
                rec.kill_cause = KILL_RESTART_ALL
                rec.pre_stop = None
                killed = True
        self.resync_at = None if killed else self.now + RESYNC_INTERVAL

    def _restart_all_cleaned_up(self) -> None:
        """The sync after a restart of all containers: none is left in the runtime; start from scratch.

        ``AllContainersRestartCleanedUp`` holds, so ``AllContainersRestarting`` turns False.
        ``convertToAPIContainerStatuses`` (with the old status's condition True) shows every
        container that was running or terminated ``waiting`` (``RestartingAllContainers``), with
        ``lastState.terminated`` exit 137 and the same reason (no times; the real exit of the
        container that triggered it is overwritten) and ``restartCount`` one more; a container
        already shown waiting keeps its status. The new instances are counted no further
        (``restartCount`` is the larger of the published one and the runtime's). The sandbox
        stays: the init containers run again from the first one, then the regular containers,
        each start as if it were the first (no exited instance, so no crash-loop back-off).
        ``Initialized`` stays True (``GeneratePodInitializedCondition`` keeps an old True with
        the gate on).
        """
        for rec in self.records:
            kind, _, shown_last = published_state(rec)  # the old status, as published
            if rec.state in (ctm.TERMINATED, ctm.CRASH_LOOP_BACK_OFF, ctm.IMAGE_PULL_BACK_OFF):
                rec.fire("remove")
            if kind == "waiting":
                # the status it shows is kept (a cached start error still names the reason)
                rec.last_term = shown_last
                rec.waiting_reason, rec.waiting_message = rec.cache_reason, rec.cache_message
            else:
                rec.restart_count += 1
                rec.last_term = Termination(
                    SIGKILL_EXIT_CODE,
                    TerminatedReason.RESTARTING_ALL_CONTAINERS,
                    None,
                    self.now,
                    None,
                    REMOVED_FOR_RESTART_ALL,
                    timeless=True,
                )
                rec.waiting_reason = WaitingReason.RESTARTING_ALL_CONTAINERS
                rec.waiting_message = REMOVED_FOR_RESTART_ALL
            rec.term = None
            rec.removed = rec.removed or rec.ever_ran
            rec.in_sandbox = False
            rec.started = rec.ready = False
            rec.started_at = None
            rec.kill_cause = None
            rec.kill_deadline = None
            rec.pre_stop = None
            rec.restart_at = rec.retry_at = None
            rec.probe_runs = (("", 0), ("", 0), ("", 0))
        self.restarting_all = False
        if self.inits:
            self.initialized = False
        self.resync_at = None

    # ValidatePodUpdate (pkg/apis/core/validation/validation.go): the fields a pod update may change
    _UPDATE_FORBIDDEN = (
        "pod updates may not change fields other than `spec.containers[*].image`,"
        "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions "
        "to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
        "previously negative)"
    )

    def _on_SpecUpdated(self, ev: SpecUpdated) -> None:
        """A user updated the pod's spec; the API server refuses all but a few fields (ValidatePodUpdate)."""
        self._require_alive(ev)
        if ev.field is not None:
            path = ev.field if ev.field.startswith("spec") else f"spec.{ev.field}"
            if path in ("spec.schedulingGates", "spec.schedulingGates[*]"):
                raise self._illegal(
                    ev,
                    f"{path}: scheduling gates can only be removed, all at once here",
                    legal=("SchedulingGatesRemoved",),
                )
            raise self._illegal(ev, f"{path}: Forbidden: {self._UPDATE_FORBIDDEN}")
        if ev.active_deadline_seconds is not None:
            new = ev.active_deadline_seconds
            old = self.spec.active_deadline_seconds
            if new <= 0:
                raise self._illegal(
                    ev, f"spec.activeDeadlineSeconds: Invalid value: {new}: must be a positive integer"
                )
            if old is not None and new > old:
                raise self._illegal(
                    ev,
                    f"spec.activeDeadlineSeconds: Invalid value: {new}: must be less than or equal to "
                    f"previous value ({old})",
                )
            self._override("activeDeadlineSeconds", new)
            active = self._active_deadline()
            if active is not None and self.now >= active:
                self._deadline_exceeded()
            return
        rec = self._record(ev)
        assert ev.image is not None
        if ev.image == rec.spec.image:
            return  # the same spec: nothing changes (the hash is the same)
        self._override("image", (rec.name, ev.image))
        if self.phase in TERMINAL_PHASES or self.stopping or self.node_lost_at is not None:
            return  # nothing on the node is started again
        if rec.spec.is_init:
            return  # a regular init container's next instance (if any) uses the new image
        if rec.state == ctm.RUNNING:
            self._begin_kill(rec, KILL_SPEC_CHANGED, float(self.spec.grace_seconds))
        elif rec.state == ctm.KILLING and rec.kill_cause in PROBE_KILLS:
            rec.kill_cause = KILL_SPEC_CHANGED  # restarted regardless, under the new back-off key
        elif rec.state == ctm.CRASH_LOOP_BACK_OFF:
            # a new back-off key: the kubelet starts the new image at the next sync
            assert rec.term is not None
            rec.bo_delay, rec.bo_updated = 0.0, None
            rec.restart_at = self.now
            rec.fire("backoff_over")
            self._next_backoff(rec, rec.term.finished_at)
            self._recreate(rec)

    def _override(self, key: str, value: Any) -> None:
        kept = tuple(
            (k, v)
            for k, v in self._spec_overrides
            if not (k == key and (k not in _PER_CONTAINER or v[0] == value[0]))
        )
        self.spec_overrides = (*kept, (key, value))

    def _instance_image(self, rec: ContainerRecord) -> None:
        """A new instance runs the spec's image; the status shows it from now on.

        ``status.containerStatuses[].image`` is the runtime container's image
        (convertToAPIContainerStatuses), so after a SpecUpdated the old image stays shown until a
        new instance exists, for good on a completed init container. Kept as the
        ``statusImage`` entry of :attr:`spec_overrides` only while it differs from the manifest's.
        """
        base = next(c.image for c in self.base_spec.all_containers if c.name == rec.name)
        shown = dict(v for k, v in self._spec_overrides if k == STATUS_IMAGE)
        if rec.spec.image != base:
            if shown.get(rec.name) != rec.spec.image:
                self._override(STATUS_IMAGE, (rec.name, rec.spec.image))
        elif rec.name in shown:
            self.spec_overrides = tuple(
                (k, v) for k, v in self._spec_overrides if not (k == STATUS_IMAGE and v[0] == rec.name)
            )

    # ------------------------------------------------------------------ the kubelet's sync

    def startable(self, rec: ContainerRecord) -> bool:
        """Whether the kubelet would start ``rec`` now (init order; sidecars started first)."""
        return self.why_not_startable(rec) is None

    def why_not_startable(self, rec: ContainerRecord) -> str | None:
        """Why the kubelet would not start ``rec`` now, or None when it would."""
        if self.stopping:
            return "the pod is terminating"
        if self.restarting_all:
            return (
                "a RestartAllContainers rule fired: the kubelet is removing every container "
                "(AllContainersRestarting); it starts them again from the first init container after"
            )
        if self.sandbox_refused:
            return (
                "the sandbox is gone and the kubelet creates no new one: the pod's restartPolicy is "
                "Never (a container's own policy is not asked) and its containers were created "
                "(computePodActions; kubernetes/kubernetes#118321)"
            )
        if rec.state == ctm.IMAGE_PULL_BACK_OFF:
            return "the image pull is backing off"
        if rec.spec.is_regular:
            # computeInitContainerActions: initialization is done when the last init container
            # is (exited 0, or a started sidecar); an earlier sidecar backing off does not hold
            # the regular containers back.
            if self.initialized or not self.inits:
                return None
            why = self._init_pending(self.inits[-1])
            return f"init containers must finish first: {why}" if why else None
        if rec.spec.is_init and self.initialized:
            return "the pod is initialized; regular init containers are not run again"
        if rec.in_sandbox:
            # an init container that ran before (in this sandbox) is restarted in its own right,
            # whatever the containers before it do (computeInitContainerActions walks from the
            # last one); in a new sandbox they run again in order
            return None
        for other in self.inits:
            if other is rec:
                return None
            why = self._init_pending(other)
            if why and not (self.initialized and other.spec.is_sidecar):
                return f"init containers start one at a time, in order: {why}"
        return None

    def _init_pending(self, rec: ContainerRecord) -> str | None:
        if rec.spec.is_sidecar:
            if rec.state == ctm.RUNNING and rec.started:
                return None
            return f"sidecar {rec.name!r} has not started"
        if (
            rec.state == ctm.TERMINATED
            and rec.term is not None
            and rec.term.exit_code == 0
            and rec.in_sandbox
        ):
            return None
        return f"init container {rec.name!r} has not completed"

    def _settle(self) -> None:
        """After every event: stop sidecars when alone, finish termination, sync phase and conditions."""
        if self.gone:
            return
        # computePodActions step 5: nothing regular is kept or to be started -> kill the pod
        if (
            self.bound
            and not self.stopping
            and self.node_lost_at is None
            and self.phase not in TERMINAL_PHASES
            and self.initialized
            and not self.restarting_all
            and not any(self._runs_again(r) for r in self.regulars)
        ):
            self._stop_pod()
        self._stop_sidecars_when_alone()
        self._inputs = None
        if (
            self.pending_failure is not None
            and self.pending_failure[1] == PodReason.DEADLINE_EXCEEDED
            and self.stopping
            and not any(r.state in ctm.ALIVE for r in self.records)
        ):
            # generateAPIPodStatus: while ShouldEvict holds (past activeDeadlineSeconds) the phase is
            # Failed, whatever the exit codes; shown once nothing runs, before getPhase could say
            # Succeeded from containers that exited 0 on the kill's SIGTERM
            self._apply_pending_failure()
        if (
            self.phase not in TERMINAL_PHASES
            and self.bound
            and self.node_lost_at is None
            and any(all(g(self) for g in row) for row in _PHASE_SYNC_GUARDS[self.phase])
        ):
            self._phase.sync(self)  # type: ignore[attr-defined]
            if self.phase in TERMINAL_PHASES and not self.stopping:
                self._stop_pod()  # a terminal pod is stopped (SyncTerminatingPod): nothing restarts
        if self.stopping and not any(r.state in ctm.ALIVE for r in self.records):
            self._apply_pending_failure()
            self._finish_termination()
        self._sync_conditions()

    def _runs_again(self, rec: ContainerRecord) -> bool:
        """computePodActions: the regular container is kept running or will be started.

        A container being killed for a failed probe or postStart hook counts only when the
        kubelet restarts it (the policy is not Never); an exited one only when its policy
        restarts it. When no regular container is kept or started (keepCount 0) the pod is killed.
        """
        if rec.state == ctm.RUNNING or rec.state in ctm.NOT_RUNNING:
            return True
        if rec.state == ctm.KILLING:
            if rec.kill_cause in PROBE_KILLS or rec.kill_cause == KILL_POST_START:
                return decide(rec.spec, self.spec.restart_policy, 1, True) is Action.RESTART
            return rec.kill_cause in (KILL_SPEC_CHANGED, KILL_RESTART_ALL)  # restarted whatever the policy
        return rec.term is not None and would_restart(rec.spec, self.spec.restart_policy, rec.term.exit_code)

    def _apply_pending_failure(self) -> None:
        """Eviction or the active deadline, shown once every container stopped (mergePodStatus)."""
        if self.pending_failure is None:
            return
        trigger, reason, message = self.pending_failure
        self.pending_failure = None
        if self.phase not in TERMINAL_PHASES:
            self._phase.trigger(trigger, self)  # type: ignore[attr-defined]
        self.pod_reason, self.pod_message = reason, message
        if trigger == "evict":
            self.disruption = (ConditionReason.TERMINATION_BY_KUBELET, message)

    def _finish_termination(self) -> None:
        """Every container stopped: the pod is terminal (TerminatePod); a deleted pod is removed.

        ``TerminatePod`` (status_manager.go): once the pod has initialized (:meth:`has_initialized`),
        every regular container not terminated is reported terminated ContainerStatusUnknown / 137
        with no times; so is every init container except the trailing ones that never started
        (``initializedContainers``, which always keeps the first). Then Pending/Running -> Failed.
        """
        self._inputs = None
        inits_touched = self._initialized_containers()
        touched = ([*self.regulars] if self.has_initialized() else []) + inits_touched
        for rec in touched:
            if rec.state in ctm.NOT_RUNNING:
                shown_waiting = _api_state(rec)[0] != "terminated"
                rec.fire("abandon")
                rec.kill_cause = None
                rec.restart_at = None
                if not shown_waiting:
                    rec.waiting_reason = rec.waiting_message = ""
                    continue
                if rec.term is not None:
                    rec.last_term = rec.term
                rec.term = Termination(
                    SIGKILL_EXIT_CODE,
                    TerminatedReason.CONTAINER_STATUS_UNKNOWN,
                    None,
                    self.now,
                    None,
                    "The container could not be located when the pod was terminated",
                    timeless=True,
                )
                rec.retry_at = None
                rec.waiting_reason = rec.waiting_message = ""
        if self.phase not in TERMINAL_PHASES:
            self._phase.terminate(self)  # type: ignore[attr-defined]
        self.sandbox_gone = True
        if self.deletion_at is not None:
            self._sync_conditions()
            self.gone = True

    def any_container_alive(self) -> bool:
        """Some container runs or is being stopped (``couldHaveRunningContainers``)."""
        return any(r.state in ctm.ALIVE for r in self.records)

    def has_initialized(self) -> bool:
        """``hasPodInitialized`` (status_manager.go), over what the API shows."""
        if not self.inits:
            return True
        for r in self.regulars:
            kind, _, last = _api_state(r)
            if last is not None or kind != "waiting":
                return True
        last_init = self.inits[-1]
        kind, code, last = _api_state(last_init)
        if last_init.spec.is_sidecar:
            return kind == "running" and last_init.started
        return (kind == "terminated" and code == 0) or last == 0

    def _initialized_containers(self) -> list[ContainerRecord]:
        """``initializedContainers``: init containers but the trailing never-started ones (>= 1)."""
        for i in range(len(self.inits) - 1, -1, -1):
            kind, _, last = _api_state(self.inits[i])
            if kind != "waiting" or last is not None:
                return self.inits[: i + 1]
        return self.inits[:1]

    # ------------------------------------------------------------------ rendering

    host_ip = "10.0.0.10"  # the simulated node's address

    @property
    def condition_types(self) -> tuple[ConditionType, ...]:
        return tuple(self._conds)

    def time(self, seconds: float) -> str:
        """RFC 3339 text for a virtual time."""
        cache = self._time_texts
        if cache[0] is not self.t0 or len(cache[1]) > 4096:
            cache = self._time_texts = (self.t0, {})
        text = cache[1].get(seconds)
        if text is None:
            text = cache[1][seconds] = fmt_time(self.t0, seconds)
        return text

    def render(self, state: PodState | None = None) -> dict[str, Any]:
        """The pod object (Kubernetes JSON) for ``state`` (default: now)."""
        from podfsm.model.render import render

        return render(self, state if state is not None else self._last)

    def all_regular_exited_zero(self) -> bool:
        """The pod ran and every regular container's last run exited 0 (getPhase with podIsTerminal)."""
        if not self.initialized and not any(r.ever_ran for r in self.regulars):
            return False
        for r in self.regulars:
            t = r.term or r.last_term
            if t is None or t.exit_code != 0 or r.state != ctm.TERMINATED:
                return False
        return True

    def phase_inputs(self) -> PhaseInputs:
        """getPhase's counters, computed once per sync from the container records."""
        if self._inputs is not None:
            return self._inputs
        i = PhaseInputs()
        pending_init = pending_sidecar = False
        waiting = 0
        for r in self.inits:
            kind, exit_code, last_exit = _api_state(r)
            if r.spec.is_sidecar:
                if kind == "running":
                    i.running += 1
                    if not r.started:
                        pending_sidecar = True
                elif kind == "waiting" and last_exit is None:
                    waiting += 1
                    pending_sidecar = True
                continue
            code = exit_code if kind == "terminated" else (last_exit if kind == "waiting" else None)
            if kind == "running" or (kind == "waiting" and last_exit is None):
                pending_init = True
            elif code is not None and code != 0 and not self._shown_restartable(r, code):
                i.init_failed_not_restartable = True
        for r in self.regulars:
            kind, exit_code, last_exit = _api_state(r)
            if kind == "running":
                i.running += 1
            elif kind == "terminated" or (kind == "waiting" and last_exit is not None):
                code = exit_code if kind == "terminated" else last_exit
                assert code is not None
                i.stopped += 1
                if kind == "terminated" and code == 0:
                    i.succeeded += 1
                # ContainerShouldRestart judges the exit code shown; a probe-killed OnFailure
                # container that exited 0 is not restartable for getPhase (kubernetes#109537).
                if not self._shown_restartable(r, code):
                    i.stopped_not_restartable += 1
            else:
                waiting += 1
        i.initializing = pending_init or (pending_sidecar and not self.initialized) or waiting > 0
        self._inputs = i
        return i

    def _shown_restartable(self, rec: ContainerRecord, code: int) -> bool:
        """getPhase's restartable test of the exit the API shows (``ContainerShouldRestart``).

        With ``RestartAllContainersOnContainerExits`` on, an exit shown with reason
        ``RestartingAllContainers`` (a container removed by a restart of all) is restartable.
        """
        if self.restart_all_gate:
            kind, shown, last = published_state(rec)
            t = shown if kind == "terminated" else last
            if t is not None and t.reason == TerminatedReason.RESTARTING_ALL_CONTAINERS:
                return True
        return would_restart(rec.spec, self.spec.restart_policy, code)

    # ------------------------------------------------------------------ conditions

    def condition_target(self, ctype: ConditionType) -> str:
        return self._targets[ctype][0]

    def _sync_conditions(self) -> None:
        self._targets = self._compute_conditions()
        for ctype, rec in self._conds.items():
            status, reason, message = self._targets[ctype]
            if status == cm.ABSENT or status == rec.state:
                if status != cm.ABSENT:
                    rec.reason, rec.message = reason, message
                continue
            rec.sync(self)  # type: ignore[attr-defined]
            if rec.state == status:
                rec.reason, rec.message, rec.since = reason, message, self.now

    def _compute_conditions(self) -> dict[ConditionType, tuple[str, str, str]]:
        absent = (cm.ABSENT, "", "")
        out: dict[ConditionType, tuple[str, str, str]] = dict.fromkeys(self._conds, absent)
        cr: tuple[str, str, str]
        ready: tuple[str, str, str]
        if self.disruption is not None:
            out[ConditionType.DISRUPTION_TARGET] = (cm.TRUE, *self.disruption)
        if not self.bound:
            if self.gated:
                out[ConditionType.POD_SCHEDULED] = (
                    cm.FALSE,
                    ConditionReason.SCHEDULING_GATED,
                    "Scheduling is blocked due to non-empty scheduling gates",
                )
            elif self.unschedulable is not None:
                out[ConditionType.POD_SCHEDULED] = (
                    cm.FALSE,
                    ConditionReason.UNSCHEDULABLE,
                    self.unschedulable,
                )
            return out
        out[ConditionType.POD_SCHEDULED] = (cm.TRUE, "", "")
        out[ConditionType.POD_READY_TO_START_CONTAINERS] = (
            cm.FALSE if self.sandbox_gone else cm.TRUE,
            "",
            "",
        )
        # the kubelet generates conditions with the phase ShouldEvict set (active deadline: Failed)
        # even while mergePodStatus still shows the old one
        pending = self.pending_failure
        phase = Phase.FAILED if pending is not None and pending[0] == "deadline" else self.phase
        # Initialized (GeneratePodInitializedCondition)
        incomplete = [r.name for r in self.inits if not (r.started if r.spec.is_sidecar else r.ready)]
        regular_started = any(_api_state(r)[0] in ("running", "terminated") for r in self.regulars)
        if phase == Phase.SUCCEEDED:
            out[ConditionType.INITIALIZED] = (cm.TRUE, ConditionReason.POD_COMPLETED, "")
        elif not self.inits or regular_started or not incomplete:
            out[ConditionType.INITIALIZED] = (cm.TRUE, "", "")
        elif self.restart_all_gate and self._conds[ConditionType.INITIALIZED].state == cm.TRUE:
            # with RestartAllContainersOnContainerExits an old Initialized=True stays True (the init
            # containers run again after a restart of all containers)
            out[ConditionType.INITIALIZED] = (cm.TRUE, "", "")
        else:
            out[ConditionType.INITIALIZED] = (
                cm.FALSE,
                ConditionReason.CONTAINERS_NOT_INITIALIZED,
                f"containers with incomplete status: {_fmt_slice(incomplete)}",
            )
        # ContainersReady (GenerateContainersReadyCondition)
        unready = [r.name for r in self.sidecars + self.regulars if not r.ready]
        if phase == Phase.SUCCEEDED:
            cr = (cm.FALSE, ConditionReason.POD_COMPLETED, "")
        elif phase == Phase.FAILED:
            cr = (cm.FALSE, ConditionReason.POD_FAILED, "")
        elif unready:
            cr = (
                cm.FALSE,
                ConditionReason.CONTAINERS_NOT_READY,
                f"containers with unready status: {_fmt_slice(unready)}",
            )
        else:
            cr = (cm.TRUE, "", "")
        out[ConditionType.CONTAINERS_READY] = cr
        # Ready (GeneratePodReadyCondition); the node controller marks it False on node loss
        ready = cr
        if cr[0] == cm.TRUE and self.spec.readiness_gates:
            # GeneratePodReadyCondition: every gate's condition must exist and be True
            have = {c[0]: c[1] for c in self.custom_conditions}
            msgs = []
            for g in self.spec.readiness_gates:
                if g not in have:
                    msgs.append(f'corresponding condition of pod readiness gate "{g}" does not exist.')
                elif have[g] != cm.TRUE:
                    msgs.append(f'the status of pod readiness gate "{g}" is not "True", but {have[g]}')
            if msgs:
                ready = (cm.FALSE, ConditionReason.READINESS_GATES_NOT_READY, ", ".join(msgs))
        marked = self.node_not_ready_at()
        if marked is not None and self.now >= marked:
            # MarkPodsNotReady (pkg/controller/util/node): only the status changes, not the reason
            prev = self._conds[ConditionType.READY]
            ready = (cm.FALSE, prev.reason, prev.message)
        out[ConditionType.READY] = ready
        if self.restart_all_rules:  # GenerateAllContainersRestartingCondition
            if phase == Phase.SUCCEEDED:
                out[ConditionType.ALL_CONTAINERS_RESTARTING] = (cm.FALSE, ConditionReason.POD_COMPLETED, "")
            elif phase == Phase.FAILED:
                out[ConditionType.ALL_CONTAINERS_RESTARTING] = (cm.FALSE, ConditionReason.POD_FAILED, "")
            elif self.restarting_all or self._restart_all_exit() is not None:
                out[ConditionType.ALL_CONTAINERS_RESTARTING] = (
                    cm.TRUE,
                    ConditionReason.RESTART_ALL_CONTAINERS_STARTED,
                    RESTART_ALL_MESSAGE,
                )
            else:
                out[ConditionType.ALL_CONTAINERS_RESTARTING] = (cm.FALSE, "", "")
        return out


def _refuse_restart_all(manifest: Mapping[str, Any], config: KubeletConfig, source: str) -> None:
    """Refuse a ``restartPolicyRules`` action ``RestartAllContainers`` with the gate off, naming the field.

    With ``RestartAllContainersOnContainerExits`` off (v1.35's default) the API server's
    validation refuses the action (supported: ``Restart``). With it on, the kubelet restarts
    every container of the pod in place when the rule matches an exit (KEP-5532): see
    :meth:`PodModel._restart_all_containers`. Raises :class:`ManifestError`.
    """
    if config.enabled("RestartAllContainersOnContainerExits"):
        return
    spec = manifest.get("spec")
    if not isinstance(spec, Mapping):
        return
    for key in ("initContainers", "containers"):
        for i, c in enumerate(spec.get(key) or ()):
            rules = c.get("restartPolicyRules") if isinstance(c, Mapping) else None
            for j, rule in enumerate(rules or ()):
                if not isinstance(rule, Mapping) or rule.get("action") != RuleAction.RESTART_ALL_CONTAINERS:
                    continue
                raise ManifestError(
                    source,
                    'Unsupported value: "RestartAllContainers": supported values: "Restart" (the '
                    "feature gate RestartAllContainersOnContainerExits is off)",
                    f"spec.{key}[{i}].restartPolicyRules[{j}].action",
                )


def kill_seconds(spec: ContainerSpec, grace: float) -> float:
    """Seconds from the kubelet's kill to SIGKILL (``killContainer`` in kuberuntime_container.go).

    A preStop hook runs first when the grace period is above 0, and the time it took comes off
    the grace period; the stop signal then always gets at least ``minimumGracePeriodInSeconds``
    (2 s). A ``sleep`` hook takes its seconds (at most the grace period); the end of an exec or
    HTTP hook is not an event, so the model takes the latest it can be: the whole grace period
    (SIGKILL at grace + 2 s; the container may exit before, with ``ContainerExited``).
    """
    if spec.pre_stop and grace > 0:
        hook = grace if spec.pre_stop_sleep is None else min(float(spec.pre_stop_sleep), grace)
        return hook + max(grace - hook, MIN_GRACE_SECONDS)
    return max(grace, MIN_GRACE_SECONDS)


def _api_state(r: ContainerRecord) -> tuple[str, int | None, int | None]:
    """How the container shows in the API: (state kind, exit code, lastState exit code)."""
    kind, shown, last = published_state(r)
    return kind, (shown.exit_code if shown is not None else None), (last.exit_code if last else None)


def published_state(c: Any) -> tuple[str, Termination | None, Termination | None]:
    """What the API shows for a container (record or snapshot): (kind, terminated, lastState).

    ``convertToAPIContainerStatuses``: a running instance is ``running``. Otherwise, when the
    kubelet will start the container and the published reason cache holds why a start failed,
    it is ``waiting`` with that reason and the newest exit moves to ``lastState``; with no cached
    reason the newest exit is shown ``terminated`` (the kubelet "prefers the original state"),
    with the exit before it as ``lastState``. A sync still under way publishes nothing: an
    instance whose postStart hook is being killed is not shown (the status stays as it was
    before that start), nor is one whose postStart hook is still running, and a container
    killed for a failed probe and started again in the same sync is shown running until the new
    instance is seen.
    """
    state = c.state
    if c.kill_cause == KILL_RESTART_ALL:
        return "running", None, c.last_term  # killed in the SyncPod that removes it: not published
    if state in ctm.ALIVE and c.kill_cause != KILL_POST_START and not c.hook_running:
        return "running", None, c.last_term
    if (state == ctm.WAITING or c.hook_running) and c.kill_cause in RESTARTED_IN_KILL_SYNC:
        return "running", None, c.last_term  # restarted in the kill's sync: not published yet
    if c.term is not None and (state == ctm.TERMINATED or not c.waiting_reason):
        return "terminated", c.term, c.last_term
    return "waiting", None, c.term or c.last_term


def _go_duration(seconds: float) -> str:
    """Go's time.Duration text for whole seconds and minutes: 10s, 1m20s, 5m0s."""
    s = int(seconds)
    if s < 60:
        return f"{s}s"
    return f"{s // 60}m{s % 60}s"


def _manifest_dict(pod: Any, source: str) -> dict[str, Any]:
    if hasattr(pod, "model_dump"):
        from podfsm.oracle._input import dump_model

        pod = dump_model(pod)
    if not isinstance(pod, Mapping):
        raise ManifestError(source, "a pod manifest must be a mapping")
    kind = pod.get("kind")
    if kind not in (None, "Pod"):
        raise ManifestError(source, f"expected kind Pod, got {kind!r}", "kind")
    out = {k: v for k, v in pod.items() if k != "status"}
    return out


def _parse_time(value: Any, source: str) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        t = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ManifestError(
            source, f"not an RFC 3339 time: {value!r}", "metadata.creationTimestamp"
        ) from None
    # Every time inside is UTC: an offset (-10:00) is converted, so the clock and the times the
    # pod shows (written with a Z, as metav1.Time does) are the same instants as the input's.
    try:
        return t.astimezone(UTC) if t.tzinfo else t.replace(tzinfo=UTC)
    except OverflowError:  # an offset that moves it out of years 1 to 9999
        raise ManifestError(
            source, f"outside the years 0001 to 9999 in UTC: {value!r}", "metadata.creationTimestamp"
        ) from None


def fmt_time(t0: datetime, seconds: float) -> str:
    """The RFC 3339 text (second precision, like metav1.Time) of ``t0 + seconds``."""
    t = t0 + timedelta(seconds=int(seconds // 1))
    # not strftime: its %Y does not pad years before 1000 to four digits on every platform
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}Z"


def termination_message(
    spec: ContainerSpec, exit_code: int, reason: str, message: str | None, log_tail: str | None
) -> str | None:
    """``state.terminated.message`` of an exit (``kuberuntime_container.go:getTerminationMessage``).

    The message file's last 4096 bytes; when it is empty, the policy is FallbackToLogsOnError, the
    exit code is not 0 and the reason is not ContainerCannotRun, the log's last 80 lines, at most
    its last 2048 bytes (``readLastStringFromContainerLogs``). A cut inside a UTF-8 character
    drops that character's bytes.
    """
    if message:
        return _last_bytes(message, MAX_TERMINATION_MESSAGE_BYTES)
    fallback = (
        spec.termination_message_policy == "FallbackToLogsOnError"
        and exit_code != 0
        and reason != TerminatedReason.CONTAINER_CANNOT_RUN
    )
    if not fallback or not log_tail:
        return None
    lines = log_tail.splitlines(keepends=True)[-MAX_TERMINATION_MESSAGE_LOG_LINES:]
    return _last_bytes("".join(lines), MAX_TERMINATION_MESSAGE_LOG_BYTES) or None


def _last_bytes(text: str, limit: int) -> str:
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[-limit:].decode(errors="ignore")


def requeue_delay(until_expiry: float) -> float:
    """Seconds until the pod worker's next sync after a crash-loop back-off refused a start.

    ``completeWork`` (``pkg/kubelet/pod_workers.go``, v1.35): the back-off's expiry, clamped to
    ``[0, resyncInterval]`` (60 s); the earliest of the jitter window (see :func:`requeue_window`).
    """
    return min(max(until_expiry, 0.0), RESYNC_INTERVAL)


def requeue_window(delay: float) -> tuple[float, float]:
    """(earliest, latest) seconds after a failed sync at which its requeued sync may run.

    ``wait.Jitter(delay, 0.5)`` adds up to 50 % (workerBackOffPeriodJitterFactor) and the sync
    loop reads the work queue on a 1 s tick, so a requeue planned ``delay`` seconds ahead runs
    between ``delay`` and ``1.5 * delay + 1`` seconds later. The model runs it at the earliest.
    """
    return delay, delay * (1.0 + REQUEUE_JITTER) + SYNC_TICK


def updated_spec(base: PodSpecView, overrides: tuple[tuple[str, Any], ...]) -> PodSpecView:
    """``base`` with the spec updates ``overrides`` applied (``SpecUpdated``), in order."""
    spec = base
    for key, value in overrides:
        if key == "activeDeadlineSeconds":
            spec = dataclasses.replace(spec, active_deadline_seconds=int(value))
        elif key == "image":
            spec = dataclasses.replace(
                spec,
                init_containers=_with_image(spec.init_containers, *value),
                containers=_with_image(spec.containers, *value),
            )
    return spec


def _with_image(specs: tuple[ContainerSpec, ...], name: str, image: str) -> tuple[ContainerSpec, ...]:
    return tuple(dataclasses.replace(c, image=image) if c.name == name else c for c in specs)
