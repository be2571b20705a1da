"""The pod-condition machines: one small machine per condition type.

Each condition starts ``Absent`` (not yet in ``status.conditions``) and moves between
``"True"`` and ``"False"`` as the component that owns it reports it. The kubelet owns
PodReadyToStartContainers, Initialized, ContainersReady and Ready (``pkg/kubelet/status/generate.go``,
one generator per type); the scheduler owns PodScheduled; DisruptionTarget is set once by
whoever disrupts the pod and never cleared. Reasons and messages are data computed beside the
status, as the kubelet does. Guards receive the :class:`podfsm.model.pod.PodModel`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from podfsm.model.machines.base import Guard, MachineDef, Row, State, check_definition
from podfsm.vocab import ConditionType

if TYPE_CHECKING:
    from podfsm.model.pod import PodModel

ABSENT = "Absent"
TRUE = "True"
FALSE = "False"


def _holds(t: ConditionType) -> Guard:
    def holds(p: PodModel) -> bool:
        return p.condition_target(t) == TRUE

    holds.__doc__ = f"The owner of {t} reports it True."
    holds.__name__ = f"{t}_true"
    return holds


def _fails(t: ConditionType) -> Guard:
    def fails(p: PodModel) -> bool:
        return p.condition_target(t) == FALSE

    fails.__doc__ = f"The owner of {t} reports it False."
    fails.__name__ = f"{t}_false"
    return fails


def _two_state(
    t: ConditionType, title: str, doc: str, true_doc: str, false_doc: str, upstream: str
) -> MachineDef:
    holds, fails = f"{t[0].lower()}{t[1:]}_true", f"{t[0].lower()}{t[1:]}_false"
    return check_definition(
        MachineDef(
            name=f"condition-{t}",
            title=title,
            doc=doc,
            states=(
                State(ABSENT, f"{t} is not in status.conditions yet"),
                State(TRUE, true_doc),
                State(FALSE, false_doc),
            ),
            initial=ABSENT,
            rows=(
                Row("sync", ABSENT, TRUE, (holds,), f"First report of {t}: True.", upstream),
                Row("sync", ABSENT, FALSE, (fails,), f"First report of {t}: False.", upstream),
                Row("sync", FALSE, TRUE, (holds,), f"{t} becomes True.", upstream),
                Row("sync", TRUE, FALSE, (fails,), f"{t} becomes False.", upstream),
            ),
            guards={holds: _holds(t), fails: _fails(t)},
        )
    )


_GEN = "pkg/kubelet/status/generate.go"

POD_SCHEDULED = _two_state(
    ConditionType.POD_SCHEDULED,
    "PodScheduled",
    "Set by the scheduler: False (Unschedulable or SchedulingGated) until the pod is bound, then True.",
    "the pod is bound to a node",
    "the scheduler could not place the pod, or scheduling gates hold it",
    "pkg/scheduler/schedule_one.go:handleSchedulingFailure",
)
POD_READY_TO_START_CONTAINERS = _two_state(
    ConditionType.POD_READY_TO_START_CONTAINERS,
    "PodReadyToStartContainers",
    "The pod's sandbox (network, volumes) is ready: True once created, False once torn down.",
    "the sandbox is ready",
    "no ready sandbox (the pod finished, or the sandbox is gone)",
    f"{_GEN}:GeneratePodReadyToStartContainersCondition",
)
INITIALIZED = _two_state(
    ConditionType.INITIALIZED,
    "Initialized",
    "Every init container completed (sidecars: started), or some regular container already ran.",
    "initialization is done",
    "some init container has not completed (ContainersNotInitialized)",
    f"{_GEN}:GeneratePodInitializedCondition",
)
CONTAINERS_READY = _two_state(
    ConditionType.CONTAINERS_READY,
    "ContainersReady",
    "Every regular container and sidecar is ready.",
    "all containers are ready",
    "some container is not ready (ContainersNotReady, PodCompleted, PodFailed)",
    f"{_GEN}:GenerateContainersReadyCondition",
)
READY = _two_state(
    ConditionType.READY,
    "Ready",
    "ContainersReady and every readiness gate True; the node controller sets it False when the node is lost.",
    "the pod can serve: all containers ready and readiness gates True",
    "containers not ready, a readiness gate not True, or the node stopped reporting",
    f"{_GEN}:GeneratePodReadyCondition",
)

ALL_CONTAINERS_RESTARTING = _two_state(
    ConditionType.ALL_CONTAINERS_RESTARTING,
    "AllContainersRestarting",
    "Alpha (RestartAllContainersOnContainerExits, off in v1.35): written only for a pod with a "
    "RestartAllContainers rule; True from the sync that sees a container exit with a code the rule "
    "matches until the sync that finds every container removed.",
    "a RestartAllContainers rule fired: every container is being removed",
    "no restart of all containers under way (PodCompleted, PodFailed once finished)",
    f"{_GEN}:GenerateAllContainersRestartingCondition",
)

_DT = ConditionType.DISRUPTION_TARGET
DISRUPTION_TARGET = check_definition(
    MachineDef(
        name=f"condition-{_DT}",
        title="DisruptionTarget",
        doc="Set True once by whoever disrupts the pod (eviction, taint manager); never cleared.",
        states=(
            State(ABSENT, "the pod has not been chosen for disruption"),
            State(TRUE, "the pod is about to be terminated by a disruption", terminal=True),
        ),
        initial=ABSENT,
        rows=(
            Row(
                "sync",
                ABSENT,
                TRUE,
                ("disruptionTarget_true",),
                "The kubelet (eviction) or the taint manager marks the pod as a disruption target.",
                "pkg/kubelet/eviction/eviction_manager.go:evictPod",
            ),
        ),
        guards={"disruptionTarget_true": _holds(_DT)},
    )
)

# In the order status.conditions shows them (after conditions copied from other owners).
CONDITION_MACHINES: dict[ConditionType, MachineDef] = {
    ConditionType.POD_READY_TO_START_CONTAINERS: POD_READY_TO_START_CONTAINERS,
    ConditionType.INITIALIZED: INITIALIZED,
    ConditionType.READY: READY,
    ConditionType.CONTAINERS_READY: CONTAINERS_READY,
    ConditionType.POD_SCHEDULED: POD_SCHEDULED,
    ConditionType.ALL_CONTAINERS_RESTARTING: ALL_CONTAINERS_RESTARTING,
    # mergePodStatus appends DisruptionTarget after the kubelet's own conditions
    ConditionType.DISRUPTION_TARGET: DISRUPTION_TARGET,
}
