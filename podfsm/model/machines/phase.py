"""The pod-phase machine: Pending, Running, Succeeded, Failed; the terminal phases are absorbing.

The kubelet recomputes the phase on every status sync (``sync``) with ``getPhase``
(``pkg/kubelet/kubelet_pods.go``); the rows below are getPhase's decisions in its order, each
guard one of its tests, evaluated over the model's own container records (the oracle's
independent implementation over API objects is checked against it by the invariant
``phase-agrees-with-oracle``). ``evict`` and ``terminate`` are the kubelet ending the pod.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from podfsm.model.machines.base import MachineDef, Row, State, check_definition
from podfsm.vocab import Phase

if TYPE_CHECKING:
    from podfsm.model.pod import PodModel


def init_failed_for_good(p: PodModel) -> bool:
    """Some regular init container failed and its restart policy does not restart it."""
    return p.phase_inputs().init_failed_not_restartable


def initialized(p: PodModel) -> bool:
    """No init container pending, no unstarted sidecar before initialization, nothing waiting."""
    return not p.phase_inputs().initializing


def initializing(p: PodModel) -> bool:
    """An init container is pending again (a new sandbox runs them anew): getPhase says Pending."""
    return p.phase_inputs().initializing


def some_running_none_unknown(p: PodModel) -> bool:
    """At least one container runs and every regular container and sidecar has a status."""
    i = p.phase_inputs()
    return i.running > 0 and i.unknown == 0


def all_stopped(p: PodModel) -> bool:
    """No container runs, some regular container has stopped, none lacks a status."""
    i = p.phase_inputs()
    return i.running == 0 and i.stopped > 0 and i.unknown == 0


def some_stopped_restartable(p: PodModel) -> bool:
    """Some stopped regular container will be restarted by its policy."""
    i = p.phase_inputs()
    return i.stopped != i.stopped_not_restartable


def none_restartable(p: PodModel) -> bool:
    """No stopped regular container will be restarted by its policy."""
    i = p.phase_inputs()
    return i.stopped == i.stopped_not_restartable


def all_succeeded(p: PodModel) -> bool:
    """Every stopped regular container exited with code 0."""
    i = p.phase_inputs()
    return i.stopped == i.succeeded


def containers_stopped(p: PodModel) -> bool:
    """No container could still be running: a terminal phase waits for that (mergePodStatus)."""
    return not p.any_container_alive()


def regular_containers_exited_zero(p: PodModel) -> bool:
    """The pod initialized and every regular container's last run exited with code 0."""
    return p.all_regular_exited_zero()


_GP = "pkg/kubelet/kubelet_pods.go:getPhase"

PHASE_MACHINE = check_definition(
    MachineDef(
        name="pod-phase",
        title="Pod phase",
        doc="status.phase as the kubelet computes it on every sync, and as eviction and deletion end it.",
        states=(
            State(Phase.PENDING, "accepted; not every container has started yet (or init is running)"),
            State(Phase.RUNNING, "bound, initialized, and some container runs or will be restarted"),
            State(Phase.SUCCEEDED, "every regular container exited 0 and none will restart", terminal=True),
            State(
                Phase.FAILED, "every regular container stopped, some failed, none will restart", terminal=True
            ),
        ),
        initial=Phase.PENDING,
        rows=(
            Row(
                "sync",
                Phase.PENDING,
                Phase.FAILED,
                ("init_failed_for_good", "containers_stopped"),
                "The kubelet sees an init container that failed for good; once nothing runs, the pod fails.",
                _GP,
            ),
            Row(
                "sync",
                Phase.PENDING,
                Phase.RUNNING,
                ("initialized", "some_running_none_unknown"),
                "The kubelet sees the pod initialized and a container running.",
                _GP,
            ),
            Row(
                "sync",
                Phase.PENDING,
                Phase.RUNNING,
                ("initialized", "all_stopped", "some_stopped_restartable"),
                "Everything stopped but some container will be restarted: Running.",
                _GP,
            ),
            Row(
                "sync",
                (Phase.PENDING, Phase.RUNNING),
                Phase.SUCCEEDED,
                ("initialized", "all_stopped", "none_restartable", "all_succeeded"),
                "Every regular container stopped for good with exit code 0.",
                _GP,
            ),
            Row(
                "sync",
                (Phase.PENDING, Phase.RUNNING),
                Phase.FAILED,
                ("initialized", "all_stopped", "none_restartable"),
                "Every regular container stopped for good and some failed.",
                _GP,
            ),
            Row(
                "evict",
                (Phase.PENDING, Phase.RUNNING),
                Phase.FAILED,
                ("containers_stopped",),
                "The kubelet evicted the pod (node pressure) and its containers stopped: Failed, Evicted.",
                "pkg/kubelet/eviction/eviction_manager.go:evictPod",
            ),
            Row(
                "deadline",
                (Phase.PENDING, Phase.RUNNING),
                Phase.FAILED,
                ("containers_stopped",),
                "The pod ran past spec.activeDeadlineSeconds: the kubelet fails it (DeadlineExceeded).",
                "pkg/kubelet/active_deadline.go:ShouldEvict",
            ),
            Row(
                "terminate",
                (Phase.PENDING, Phase.RUNNING),
                Phase.SUCCEEDED,
                ("containers_stopped", "regular_containers_exited_zero"),
                "Deletion finished and every regular container exited 0: Succeeded.",
                "pkg/kubelet/kubelet_pods.go:getPhase (podIsTerminal)",
            ),
            Row(
                "terminate",
                (Phase.PENDING, Phase.RUNNING),
                Phase.FAILED,
                ("containers_stopped",),
                "Deletion finished otherwise: Failed.",
                "pkg/kubelet/status/status_manager.go:TerminatePod",
            ),
            Row(
                "sync",
                Phase.RUNNING,
                Phase.PENDING,
                ("initializing",),
                "A new sandbox (node reboot, lost sandbox): the init containers run again, so Pending.",
                f"{_GP}; pkg/kubelet/kuberuntime/kuberuntime_manager.go:computePodActions",
            ),
        ),
        guards={
            "init_failed_for_good": init_failed_for_good,
            "initialized": initialized,
            "initializing": initializing,
            "some_running_none_unknown": some_running_none_unknown,
            "all_stopped": all_stopped,
            "some_stopped_restartable": some_stopped_restartable,
            "none_restartable": none_restartable,
            "all_succeeded": all_succeeded,
            "regular_containers_exited_zero": regular_containers_exited_zero,
            "containers_stopped": containers_stopped,
        },
    )
)
