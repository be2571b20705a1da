"""Lifecycle events: what the scheduler, the container runtime, the probes, the clock, a user and
the node do. What the kubelet does in answer is the model's job and never an event.

An event is a mapping with a ``type`` field (``../shared/interface.md`` section 3); times are
virtual seconds. :func:`parse_events` turns a list of such mappings into typed events, naming the
event's index and field on error. Two extensions: ``SchedulingGatesRemoved`` (a user or
controller cleared ``spec.schedulingGates``) and ``PodConditionSet`` (a controller set a pod
condition it owns, such as the one a readiness gate names). The "rest of the world" (issue 13):
``SpecUpdated`` (a user changed a mutable spec field), ``ContainerStartFailed`` (the runtime
could not start a created container: ``StartError``, exit 128), ``SandboxCreateFailed`` (the
runtime could not create the pod's sandbox) and the termination-message fields of
``ContainerExited`` (``message``, ``logTail``); hook progress (``ContainerStarted`` with
``postStartRunning``, ``PostStartHookSucceeded``, ``PreStopHookCompleted``);
``KubeletRestarted`` (the kubelet process restarts, the node and the runtime keep running),
``NodeRebooted`` (the node restarts: every container and the sandbox are gone) and
``SandboxLost`` (the runtime loses the pod's sandbox, its containers with it).

Fields are bounded as the API bounds them (``exitCode`` an int32, ``gracePeriodSeconds`` an
int64, ``seconds`` finite), and an event that would take a time the pod shows past
9999-12-31T23:59:59Z (the last one ``metav1.Time`` can write) is refused by the model, naming the
event's index and field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from podfsm.errors import ManifestError
from podfsm.vocab import CREATE_ERRORS, PULL_ERRORS, ProbeKind, ProbeOutcome


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def to_dict(self) -> dict[str, Any]:
        """The event as a JSON mapping, optional fields left out when unset."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class Scheduled(_Event):
    """The scheduler bound the pod to ``node``."""

    type: Literal["Scheduled"] = "Scheduled"
    node: str = Field(min_length=1)


class Unschedulable(_Event):
    """The scheduler could not place the pod."""

    type: Literal["Unschedulable"] = "Unschedulable"
    message: str | None = None


class SchedulingGatesRemoved(_Event):
    """Every ``spec.schedulingGates`` entry was removed (podfsm extension)."""

    type: Literal["SchedulingGatesRemoved"] = "SchedulingGatesRemoved"


class ContainerStarted(_Event):
    """The runtime reports the container running.

    For a container with a postStart hook this is the instant the hook returned successfully,
    unless ``postStartRunning`` is true: then the process has started (``startedAt`` is this
    instant) and the hook is still running. The kubelet's ``SyncPod`` is blocked in
    ``startContainer`` until the hook returns (``kuberuntime_container.go``): nothing new is
    published and no other container starts; ``PostStartHookSucceeded`` or
    ``PostStartHookFailed`` follows.
    """

    type: Literal["ContainerStarted"] = "ContainerStarted"
    container: str
    post_start_running: bool | None = Field(default=None, alias="postStartRunning")


class PostStartHookSucceeded(_Event):
    """The postStart hook of a container started with ``postStartRunning`` returned successfully:
    ``startContainer`` returns and the kubelet's next status shows the container running since
    the process started (``kuberuntime_container.go:startContainer``; e2e
    ``lifecycle_hook.go`` "should execute poststart exec hook properly")."""

    type: Literal["PostStartHookSucceeded"] = "PostStartHookSucceeded"
    container: str


class PreStopHookCompleted(_Event):
    """A container's exec or HTTP preStop hook ended before the grace period did.

    ``killContainer`` (``kuberuntime_container.go``) sends the stop signal at once, with the
    grace period less the hook's whole seconds (``executePreStopHook``), at least
    ``minimumGracePeriodInSeconds`` (2 s): SIGKILL follows then. Without this event the model
    takes the latest the hook can end, the whole grace period (e2e ``lifecycle_hook.go``
    "should execute prestop exec hook properly").
    """

    type: Literal["PreStopHookCompleted"] = "PreStopHookCompleted"
    container: str


class ContainerExited(_Event):
    """The container's process ended; reason defaults to Completed for 0 and Error otherwise.

    ``message`` is what the container wrote to its ``terminationMessagePath`` (the kubelet keeps
    its last 4096 bytes); ``logTail`` is the end of its log. With ``terminationMessagePolicy:
    FallbackToLogsOnError``, no message and a non-zero exit code, the termination message is the
    log's last 80 lines, at most 2048 bytes (``kuberuntime_container.go:getTerminationMessage``,
    ``readLastStringFromContainerLogs``). It shows in ``state.terminated.message``, then in
    ``lastState.terminated.message``.
    """

    type: Literal["ContainerExited"] = "ContainerExited"
    container: str
    exit_code: int = Field(alias="exitCode", ge=-(2**31), le=2**31 - 1)  # int32, as in the API
    reason: str | None = None
    signal: int | None = Field(default=None, ge=0, le=2**31 - 1)
    message: str | None = None
    log_tail: str | None = Field(default=None, alias="logTail")


class ContainerStartFailed(_Event):
    """The runtime created the container but could not start it, or it was removed while being
    created: ``terminated`` with reason ``StartError`` and exit code 128, then the restart policy
    decides (``kuberuntime_container.go:startContainer``; the e2e test "Pod Container Status
    should never report success for a pending container" in ``test/e2e/node/pods.go``).
    ``message`` is the runtime's error text.
    """

    type: Literal["ContainerStartFailed"] = "ContainerStartFailed"
    container: str
    message: str | None = None


class SandboxCreateFailed(_Event):
    """The runtime could not create the pod's sandbox (network or volume setup): the condition
    ``PodReadyToStartContainers`` is False (no reason, ``status/generate.go:
    GeneratePodReadyToStartContainersCondition``) and the containers stay waiting
    (``ContainerCreating``) until a container starts, which means a sandbox was made
    (``kuberuntime_manager.go:SyncPod``, event ``FailedCreatePodSandBox``). Possible before the
    first container ran, or after the sandbox was lost.
    """

    type: Literal["SandboxCreateFailed"] = "SandboxCreateFailed"
    message: str | None = None


class KubeletRestarted(_Event):
    """The kubelet process restarts; the node and the container runtime keep running.

    What the kubelet keeps is what it re-reads: every container's runtime records (so
    ``restartCount``, the state of each container, completed init containers, which are not run
    again because a regular container exists:
    ``kuberuntime_container.go:computeInitContainerActions``) and the API's pod status
    (``started`` of a running container, kept while ``ChangeContainerStatusOnKubeletRestart`` is
    off, its v1.35 default: ``kubelet_pods.go:convertToAPIContainerStatuses``). What it loses is
    what it held in memory: the crash-loop and image-pull back-offs (``kubelet.go``:
    ``flowcontrol.NewBackOff``), so a container waiting in ``CrashLoopBackOff`` or
    ``ImagePullBackOff`` is started or pulled at once; the reason cache (``reason_cache.go``), so
    a waiting reason is no longer published; and the probe workers' results
    (``prober/worker.go``): every probe counts its threshold afresh. A container that started more
    than 10 s before the restart keeps ``ready`` when it has no readiness probe, and, with one, is
    ready exactly when the pod's ``Ready`` condition was True
    (``prober_manager.go:setReadyStateOnKubeletRestart``, ``kubeletRestartGracePeriod``), until
    its readiness probe records a result; one that started within those 10 s is probed as a new
    container: not ready until a readiness success, not started until a startup success. Published
    at the event: the status of the new kubelet's first sync (its waiting reasons gone, ``ready``
    and ``started`` as above); after it, the starts and probe results that follow. A finished pod
    does not notice. Illegal while the pod is terminating or a container is being killed (podfsm
    does not model a kubelet that dies in the middle of a kill).
    """

    type: Literal["KubeletRestarted"] = "KubeletRestarted"


class NodeRebooted(_Event):
    """The node restarts: every container process and the pod's sandbox are gone, and the kubelet
    restarts with it (everything :class:`KubeletRestarted` says it loses is lost too).

    The runtime reports each container that was running as exited with ``exitCode`` (default
    255) and ``reason`` (default ``Unknown``: containerd's CRI reports a container whose task
    vanished so). The kubelet then needs a new sandbox
    (``kuberuntime_manager.go:computePodActions``, ``PodSandboxChanged``): under ``Always`` and
    ``OnFailure`` it creates one and runs the init containers again from the first, then the
    regular containers (under ``OnFailure`` not those that succeeded); restart counts continue.
    Under ``Never``, once any container was created, it creates no sandbox and starts nothing
    again: a pod whose regular containers all exited ends ``Failed`` (``Succeeded`` when every
    one exited 0), one with a container that never ran stays ``Pending`` for ever
    (kubernetes/kubernetes#118321). Published at the event: the exits, ``Ready`` False and
    ``PodReadyToStartContainers`` False, which turns True when a container starts in the new
    sandbox; the pod is ``Pending`` while an init container runs again. A finished pod does not
    notice.
    """

    type: Literal["NodeRebooted"] = "NodeRebooted"
    exit_code: int = Field(default=255, alias="exitCode", ge=-(2**31), le=2**31 - 1)
    reason: str = Field(default="Unknown", min_length=1)


class SandboxLost(_Event):
    """The runtime loses the pod's sandbox, and its containers with it (the sandbox was stopped
    or died; the kubelet keeps running, with its back-offs and probe results).

    Each container that was running is seen exited with ``exitCode`` (default 137: stopping a
    sandbox kills its containers) and ``reason`` (default ``Error``). The kubelet's reaction is
    :class:`NodeRebooted`'s (``kuberuntime_manager.go:computePodActions``): a new sandbox and the
    init containers again, or, under ``Never`` once a container was created, nothing; a restart
    still goes through the crash-loop back-off (``doBackOff``). Illegal when the pod has no
    sandbox (it was lost, or could not be made) or is finished.
    """

    type: Literal["SandboxLost"] = "SandboxLost"
    exit_code: int = Field(default=137, alias="exitCode", ge=-(2**31), le=2**31 - 1)
    reason: str = Field(default="Error", min_length=1)


class SpecUpdated(_Event):
    """A user updated the pod's spec: one of a container's ``image`` (with ``container``),
    ``activeDeadlineSeconds``, or ``field``, the path of any other field (always refused, as the
    API server's ``ValidatePodUpdate`` in ``pkg/apis/core/validation`` refuses it).

    A new image changes the container's spec hash: a running container (regular or sidecar) is
    killed and started again with the new image whatever the restart policy, its back-off
    starting afresh (``kuberuntime_manager.go:computePodActions``, ``containerChanged``; the
    back-off key includes the hash); one in CrashLoopBackOff is restarted at once; an exited
    one that the policy does not restart stays as it is. ``activeDeadlineSeconds`` may be set or
    shortened, never lengthened; the new deadline counts from ``startTime``.
    """

    type: Literal["SpecUpdated"] = "SpecUpdated"
    container: str | None = None
    image: str | None = Field(default=None, min_length=1)
    active_deadline_seconds: int | None = Field(default=None, alias="activeDeadlineSeconds")
    field: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _one_change(self) -> SpecUpdated:
        given = [
            n
            for n, v in (
                ("image", self.image),
                ("activeDeadlineSeconds", self.active_deadline_seconds),
                ("field", self.field),
            )
            if v is not None
        ]
        if len(given) != 1:
            raise ValueError("give exactly one of image (with container), activeDeadlineSeconds, field")
        if (self.image is None) != (self.container is None):
            raise ValueError("container and image go together")
        return self


class ImagePullFailed(_Event):
    """Pulling the container's image failed, in a kubelet sync; the reason is published by the next sync."""

    type: Literal["ImagePullFailed"] = "ImagePullFailed"
    container: str
    reason: Literal[tuple(sorted(PULL_ERRORS))] = "ErrImagePull"  # type: ignore[valid-type]


class ContainerCreateFailed(_Event):
    """The runtime could not create the container; the reason is published by the next sync."""

    type: Literal["ContainerCreateFailed"] = "ContainerCreateFailed"
    container: str
    reason: Literal[tuple(sorted(CREATE_ERRORS))] = "CreateContainerConfigError"  # type: ignore[valid-type]


class PostStartHookFailed(_Event):
    """The container started but its postStart hook failed; it is killed, unpublished, within the start."""

    type: Literal["PostStartHookFailed"] = "PostStartHookFailed"
    container: str


class ProbeResult(_Event):
    """One probe run's result; the spec's thresholds decide when it counts."""

    type: Literal["ProbeResult"] = "ProbeResult"
    container: str
    probe: ProbeKind
    result: ProbeOutcome


class TimePassed(_Event):
    """The virtual clock moves on by ``seconds``; the kubelet's requeued syncs due on the way run
    (a whole number stays one: ``9`` prints as ``9``)."""

    type: Literal["TimePassed"] = "TimePassed"
    seconds: int | float = Field(ge=0, allow_inf_nan=False)


class DeletionRequested(_Event):
    """A user deleted the pod; the grace period defaults to the spec's."""

    type: Literal["DeletionRequested"] = "DeletionRequested"
    grace_period_seconds: int | None = Field(default=None, alias="gracePeriodSeconds", ge=0, le=2**63 - 1)


class Evicted(_Event):
    """The kubelet evicts the pod (node pressure).

    ``gracePeriodSeconds`` (podfsm extension) is the kill's grace period: a soft threshold's
    ``evictionMaxPodGracePeriod``; by default 1 s, the hard thresholds'. The pod worker gives
    every kill at least 1 s (``pod_workers.go``, calculateEffectiveGracePeriod), so 0 means 1.
    """

    type: Literal["Evicted"] = "Evicted"
    message: str | None = None
    # podfsm extension: the kill's grace period (soft eviction: evictionMaxPodGracePeriod); default 1
    grace_period_seconds: int | None = Field(default=None, alias="gracePeriodSeconds", ge=0, le=2**63 - 1)


class PodConditionSet(_Event):
    """A controller sets a pod condition it owns, e.g. one a readiness gate names (podfsm extension)."""

    type: Literal["PodConditionSet"] = "PodConditionSet"
    condition_type: str = Field(alias="conditionType", min_length=1)
    status: Literal["True", "False", "Unknown"]
    reason: str | None = None
    message: str | None = None


class NodeLost(_Event):
    """The pod's node stopped reporting."""

    type: Literal["NodeLost"] = "NodeLost"


Event = Annotated[
    Scheduled
    | Unschedulable
    | SchedulingGatesRemoved
    | ContainerStarted
    | ContainerExited
    | ImagePullFailed
    | ContainerCreateFailed
    | PostStartHookFailed
    | ProbeResult
    | TimePassed
    | DeletionRequested
    | Evicted
    | NodeLost
    | PodConditionSet
    | ContainerStartFailed
    | SandboxCreateFailed
    | SpecUpdated
    | KubeletRestarted
    | NodeRebooted
    | SandboxLost
    | PostStartHookSucceeded
    | PreStopHookCompleted,
    Field(discriminator="type"),
]

EVENT_TYPES: tuple[type[_Event], ...] = (
    Scheduled,
    Unschedulable,
    SchedulingGatesRemoved,
    ContainerStarted,
    ContainerExited,
    ImagePullFailed,
    ContainerCreateFailed,
    PostStartHookFailed,
    ProbeResult,
    TimePassed,
    DeletionRequested,
    Evicted,
    NodeLost,
    PodConditionSet,
    ContainerStartFailed,
    SandboxCreateFailed,
    SpecUpdated,
    KubeletRestarted,
    NodeRebooted,
    SandboxLost,
    PostStartHookSucceeded,
    PreStopHookCompleted,
)
EVENT_TYPE_NAMES: tuple[str, ...] = tuple(t.model_fields["type"].default for t in EVENT_TYPES)

_ADAPTER: TypeAdapter[Any] = TypeAdapter(Event)


def _describe(err: ValidationError, index: int) -> str:
    first = err.errors()[0]
    loc = [str(p) for p in first["loc"]]
    if loc and loc[0] in EVENT_TYPE_NAMES:  # the discriminator's branch name, not a field
        loc = loc[1:]
    field = ".".join(loc)
    msg = str(first["msg"])
    if first["type"] == "union_tag_invalid":
        msg = f"unknown event type; expected one of {', '.join(EVENT_TYPE_NAMES)}"
        field = "type"
    elif first["type"] == "union_tag_not_found":
        msg = "an event needs a 'type'"
        field = "type"
    return f"events[{index}].{field}: {msg}" if field else f"events[{index}]: {msg}"


def parse_event(obj: Any, index: int = 0, source: str = "<events>") -> Any:
    """One event from a mapping (or an already-typed event)."""
    if isinstance(obj, _Event):
        return obj
    if not isinstance(obj, Mapping):
        raise ManifestError(source, f"events[{index}]: an event must be a mapping with a 'type'")
    try:
        return _ADAPTER.validate_python(dict(obj))
    except ValidationError as exc:
        raise ManifestError(source, _describe(exc, index)) from None


def parse_events(objs: Iterable[Any], source: str = "<events>") -> list[Any]:
    """Typed events from mappings, naming the index and field of the first bad one."""
    return [parse_event(o, i, source) for i, o in enumerate(objs)]
