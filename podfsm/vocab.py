"""Kubernetes' names, spelled exactly as the API spells them.

Every state, reason and condition type podfsm uses is a ``str`` enum member here, so a value
compares equal to the plain string Kubernetes puts in JSON (``Phase.RUNNING == "Running"``).
"""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    """``status.phase`` (``staging/src/k8s.io/api/core/v1/types.go``, ``PodPhase``)."""

    PENDING = "Pending"
    RUNNING = "Running"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    UNKNOWN = "Unknown"  # deprecated upstream: no component sets it since 2015

    @property
    def is_terminal(self) -> bool:
        """Succeeded and Failed are terminal: the kubelet never moves a pod out of them."""
        return self in (Phase.SUCCEEDED, Phase.FAILED)


TERMINAL_PHASES = frozenset({Phase.SUCCEEDED, Phase.FAILED})


class RestartPolicy(StrEnum):
    """``spec.restartPolicy`` and the container-level ``restartPolicy``."""

    ALWAYS = "Always"
    ON_FAILURE = "OnFailure"
    NEVER = "Never"


class RuleAction(StrEnum):
    """``restartPolicyRules[].action``."""

    RESTART = "Restart"
    RESTART_ALL_CONTAINERS = "RestartAllContainers"


class RuleOperator(StrEnum):
    """``restartPolicyRules[].exitCodes.operator``."""

    IN = "In"
    NOT_IN = "NotIn"


class ConditionType(StrEnum):
    """Pod condition types the lifecycle involves."""

    POD_SCHEDULED = "PodScheduled"
    POD_READY_TO_START_CONTAINERS = "PodReadyToStartContainers"
    INITIALIZED = "Initialized"
    CONTAINERS_READY = "ContainersReady"
    READY = "Ready"
    DISRUPTION_TARGET = "DisruptionTarget"
    # alpha in v1.35 (RestartAllContainersOnContainerExits): a RestartAllContainers rule fired and the
    # kubelet is removing every container of the pod (status/generate.go)
    ALL_CONTAINERS_RESTARTING = "AllContainersRestarting"


class ConditionStatus(StrEnum):
    """``status.conditions[].status``."""

    TRUE = "True"
    FALSE = "False"
    UNKNOWN = "Unknown"


class ConditionReason(StrEnum):
    """Condition reasons (``pkg/kubelet/status/generate.go`` constants and the scheduler's)."""

    # the kubelet's (generate.go)
    UNKNOWN_CONTAINER_STATUSES = "UnknownContainerStatuses"  # the kubelet had no container statuses
    POD_COMPLETED = "PodCompleted"  # the pod reached Succeeded
    POD_FAILED = "PodFailed"  # the pod reached Failed
    CONTAINERS_NOT_READY = "ContainersNotReady"  # some container is unready or has no status
    CONTAINERS_NOT_INITIALIZED = "ContainersNotInitialized"  # some init container is not done
    READINESS_GATES_NOT_READY = "ReadinessGatesNotReady"  # a readiness gate is missing or not True
    RESTART_ALL_CONTAINERS_STARTED = "RestartAllContainersStarted"  # AllContainersRestarting True
    # the scheduler's (pkg/apis/core/types.go)
    UNSCHEDULABLE = "Unschedulable"  # no node fits the pod
    SCHEDULING_GATED = "SchedulingGated"  # spec.schedulingGates is not empty
    # disruption (pkg/apis/core/types.go, DisruptionTarget reasons)
    TERMINATION_BY_KUBELET = "TerminationByKubelet"  # eviction / node shutdown
    DELETION_BY_TAINT_MANAGER = "DeletionByTaintManager"
    DELETION_BY_POD_GC = "DeletionByPodGC"
    EVICTION_BY_EVICTION_API = "EvictionByEvictionAPI"


class ContainerStateKind(StrEnum):
    """The three shapes of ``containerStatuses[].state``."""

    WAITING = "waiting"
    RUNNING = "running"
    TERMINATED = "terminated"


class WaitingReason(StrEnum):
    """``state.waiting.reason`` values the kubelet writes."""

    CONTAINER_CREATING = "ContainerCreating"
    POD_INITIALIZING = "PodInitializing"
    CRASH_LOOP_BACK_OFF = "CrashLoopBackOff"
    ERR_IMAGE_PULL = "ErrImagePull"
    IMAGE_PULL_BACK_OFF = "ImagePullBackOff"
    INVALID_IMAGE_NAME = "InvalidImageName"
    ERR_IMAGE_NEVER_PULL = "ErrImageNeverPull"
    IMAGE_INSPECT_ERROR = "ImageInspectError"
    REGISTRY_UNAVAILABLE = "RegistryUnavailable"
    SIGNATURE_VALIDATION_FAILED = "SignatureValidationFailed"
    CREATE_CONTAINER_CONFIG_ERROR = "CreateContainerConfigError"
    CREATE_CONTAINER_ERROR = "CreateContainerError"
    PRE_START_HOOK_ERROR = "PreStartHookError"
    POST_START_HOOK_ERROR = "PostStartHookError"
    RUN_CONTAINER_ERROR = "RunContainerError"
    # the container was removed by a RestartAllContainers rule (alpha, convertToAPIContainerStatuses)
    RESTARTING_ALL_CONTAINERS = "RestartingAllContainers"


# Image-pull failures the kubelet retries with image back-off (ImagePullBackOff in the window).
PULL_ERRORS_WITH_BACKOFF = frozenset(
    {
        WaitingReason.ERR_IMAGE_PULL,
        WaitingReason.REGISTRY_UNAVAILABLE,
        WaitingReason.SIGNATURE_VALIDATION_FAILED,
    }
)
# Image-pull failures reported again on every sync, with no back-off (images/image_manager.go).
PULL_ERRORS_PERSISTENT = frozenset(
    {WaitingReason.INVALID_IMAGE_NAME, WaitingReason.ERR_IMAGE_NEVER_PULL, WaitingReason.IMAGE_INSPECT_ERROR}
)
PULL_ERRORS = PULL_ERRORS_WITH_BACKOFF | PULL_ERRORS_PERSISTENT
CREATE_ERRORS = frozenset(
    {
        WaitingReason.CREATE_CONTAINER_CONFIG_ERROR,
        WaitingReason.CREATE_CONTAINER_ERROR,
        WaitingReason.PRE_START_HOOK_ERROR,
        WaitingReason.RUN_CONTAINER_ERROR,
    }
)


class TerminatedReason(StrEnum):
    """``state.terminated.reason`` values (from the container runtime, or the kubelet's own)."""

    COMPLETED = "Completed"
    ERROR = "Error"
    OOM_KILLED = "OOMKilled"
    CONTAINER_CANNOT_RUN = "ContainerCannotRun"
    CONTAINER_STATUS_UNKNOWN = "ContainerStatusUnknown"
    START_ERROR = "StartError"  # the runtime could not start the created container (exit 128)
    DEADLINE_EXCEEDED = "DeadlineExceeded"
    # lastState of a container removed by a RestartAllContainers rule (exit 137, no times)
    RESTARTING_ALL_CONTAINERS = "RestartingAllContainers"


class PodReason(StrEnum):
    """``status.reason`` values set on the pod by the kubelet or controllers."""

    EVICTED = "Evicted"
    NODE_LOST = "NodeLost"
    DEADLINE_EXCEEDED = "DeadlineExceeded"
    TERMINATED = "Terminated"


class ProbeKind(StrEnum):
    """The three probes a container may have."""

    STARTUP = "startup"
    LIVENESS = "liveness"
    READINESS = "readiness"


class ProbeOutcome(StrEnum):
    """One probe run's result as the world reports it."""

    SUCCESS = "Success"
    FAILURE = "Failure"


class ContainerRole(StrEnum):
    """Where a container sits in the pod, which decides how the kubelet treats it."""

    INIT = "init"  # a regular init container: runs once, in order, to completion
    SIDECAR = "sidecar"  # an init container with restartPolicy Always
    REGULAR = "regular"  # spec.containers


class FeatureGate(StrEnum):
    """Feature gates that change the lifecycle, with their defaults in :data:`DEFAULT_FEATURE_GATES`."""

    CONTAINER_RESTART_RULES = "ContainerRestartRules"
    RESTART_ALL_CONTAINERS_ON_CONTAINER_EXITS = "RestartAllContainersOnContainerExits"
    REDUCE_DEFAULT_CRASH_LOOP_BACK_OFF_DECAY = "ReduceDefaultCrashLoopBackOffDecay"
    KUBELET_CRASH_LOOP_BACK_OFF_MAX = "KubeletCrashLoopBackOffMax"
    POD_READY_TO_START_CONTAINERS_CONDITION = "PodReadyToStartContainersCondition"


# Kubernetes v1.35 defaults (pkg/features/kube_features.go).
DEFAULT_FEATURE_GATES: dict[str, bool] = {
    FeatureGate.CONTAINER_RESTART_RULES: True,
    FeatureGate.RESTART_ALL_CONTAINERS_ON_CONTAINER_EXITS: False,
    FeatureGate.REDUCE_DEFAULT_CRASH_LOOP_BACK_OFF_DECAY: False,
    FeatureGate.KUBELET_CRASH_LOOP_BACK_OFF_MAX: True,
    FeatureGate.POD_READY_TO_START_CONTAINERS_CONDITION: True,
}


def resolve_feature_gates(overrides: dict[str, bool] | None) -> dict[str, bool]:
    """The v1.35 defaults with ``overrides`` applied; unknown gate names are accepted and kept."""
    gates = dict(DEFAULT_FEATURE_GATES)
    if overrides:
        gates.update({str(k): bool(v) for k, v in overrides.items()})
    return gates
