"""The container-state machine: one instance per container, driven by the runtime and the kubelet.

States carry Kubernetes' spelling: ``Waiting`` / ``Running`` / ``Terminated`` are the API's
three container states; ``ImagePullBackOff`` and ``CrashLoopBackOff`` are the two waiting
reasons during which the kubelet will not try again until a back-off window has passed;
``Killing`` is the kubelet's name (event reason ``Killing``) for a container it has sent the stop
signal to and that has not exited yet (the API still shows it ``running``).

World triggers are named after the lifecycle events (``ContainerStarted``, ``ContainerExited``,
...); kubelet triggers are verbs (``restart``, ``back_off``, ``kill``, ...). Guards receive the
container's record (:class:`podfsm.model.pod.ContainerRecord`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from podfsm.model.machines.base import MachineDef, Row, State, check_definition
from podfsm.model.machines.restart_policy import Action
from podfsm.vocab import PULL_ERRORS_WITH_BACKOFF

if TYPE_CHECKING:
    from podfsm.model.pod import ContainerRecord

WAITING = "Waiting"
IMAGE_PULL_BACK_OFF = "ImagePullBackOff"
RUNNING = "Running"
KILLING = "Killing"
TERMINATED = "Terminated"
CRASH_LOOP_BACK_OFF = "CrashLoopBackOff"

NOT_RUNNING = (WAITING, IMAGE_PULL_BACK_OFF, CRASH_LOOP_BACK_OFF)
ALIVE = (RUNNING, KILLING)


def kubelet_starts_it(c: ContainerRecord) -> bool:
    """The kubelet is starting this container now: its turn in the init order has come."""
    return c.pod.startable(c)


def has_post_start_hook(c: ContainerRecord) -> bool:
    """The container's spec has a postStart hook."""
    return c.spec.post_start


def post_start_hook_running(c: ContainerRecord) -> bool:
    """The process started and its postStart hook has not returned yet (postStartRunning)."""
    return c.hook_running


def pre_stop_hook_running(c: ContainerRecord) -> bool:
    """An exec or HTTP preStop hook runs and the grace period it may take has not ended."""
    return c.pre_stop is not None and c.pod.now < c.pre_stop[0] + c.pre_stop[1]


def pull_error_backs_off(c: ContainerRecord) -> bool:
    """The image-pull error is one the kubelet retries with image back-off (ErrImagePull)."""
    return c.pending_reason in PULL_ERRORS_WITH_BACKOFF


def image_backoff_over(c: ContainerRecord) -> bool:
    """The image back-off window since the last failed pull has passed."""
    return c.retry_at is not None and c.pod.now >= c.retry_at


def grace_period_over(c: ContainerRecord) -> bool:
    """The grace period since the stop signal has run out."""
    return c.kill_deadline is not None and c.pod.now >= c.kill_deadline


def policy_restarts(c: ContainerRecord) -> bool:
    """The restart-policy table (with restart rules) says restart, and the pod is not being stopped."""
    return c.decision is Action.RESTART


def backoff_allows_now(c: ContainerRecord) -> bool:
    """No unexpired crash-loop back-off entry: the restart happens at once."""
    return not c.pod.in_crash_backoff(c)


def crash_backoff_over(c: ContainerRecord) -> bool:
    """The crash-loop back-off delay since the container's last exit has passed."""
    return c.restart_at is not None and c.pod.now >= c.restart_at


def all_containers_restarting(c: ContainerRecord) -> bool:
    """A RestartAllContainers rule fired and every container has stopped: the kubelet removes them."""
    return c.pod.restarting_all


def pod_stopping(c: ContainerRecord) -> bool:
    """The pod is being terminated (deleted, evicted, or killed because it cannot go on)."""
    return c.pod.stopping


_RT = "pkg/kubelet/kuberuntime/kuberuntime_container.go"
_MGR = "pkg/kubelet/kuberuntime/kuberuntime_manager.go"

CONTAINER_MACHINE = check_definition(
    MachineDef(
        name="container-state",
        title="Container state",
        doc="One container's life: created, pulled, started, probed, exited, restarted or left terminated.",
        states=(
            State(
                WAITING,
                "to be started: shown waiting (ContainerCreating, PodInitializing, a cached error) or, "
                "after an exit, terminated until the new instance is seen",
            ),
            State(
                IMAGE_PULL_BACK_OFF, "waiting: the image pull failed; no new pull until the back-off passes"
            ),
            State(RUNNING, "running; `started` and `ready` follow the probes"),
            State(KILLING, "running, stop signal sent (after preStop); SIGKILL when the grace period ends"),
            State(
                TERMINATED,
                "exited; the kubelet's sync restarts it or leaves it terminated per the policy table",
            ),
            State(
                CRASH_LOOP_BACK_OFF,
                "exited, start refused by the back-off: shown terminated until the next sync publishes "
                "CrashLoopBackOff; restarted at the first sync after the delay",
            ),
        ),
        initial=WAITING,
        rows=(
            Row(
                "ContainerStarted",
                WAITING,
                RUNNING,
                ("kubelet_starts_it",),
                "The runtime reports the container running after the kubelet started it in its turn.",
                f"{_RT}:startContainer",
            ),
            Row(
                "PostStartHookFailed",
                WAITING,
                KILLING,
                ("kubelet_starts_it", "has_post_start_hook"),
                "It started but its postStart hook failed; the kubelet kills it (FailedPostStartHook).",
                f"{_RT}:startContainer",
            ),
            Row(
                "PostStartHookSucceeded",
                RUNNING,
                RUNNING,
                ("post_start_hook_running",),
                "The postStart hook returned; startContainer returns and the container is published "
                "running (since its process started).",
                f"{_RT}:startContainer",
            ),
            Row(
                "PostStartHookFailed",
                RUNNING,
                KILLING,
                ("post_start_hook_running",),
                "The postStart hook that was running failed; the kubelet kills the container.",
                f"{_RT}:startContainer",
            ),
            Row(
                "PreStopHookCompleted",
                RUNNING,
                RUNNING,
                ("pre_stop_hook_running",),
                "A sidecar's preStop hook, begun at the pod's kill, ended before its turn to stop: it "
                "keeps running until the containers after it stopped (waitForTurn).",
                f"{_RT}:killContainer",
            ),
            Row(
                "PreStopHookCompleted",
                KILLING,
                KILLING,
                ("pre_stop_hook_running",),
                "The preStop hook ended before the grace period: the stop signal now, SIGKILL after "
                "the grace left (at least 2 s).",
                f"{_RT}:killContainer",
            ),
            Row(
                "ImagePullFailed",
                WAITING,
                IMAGE_PULL_BACK_OFF,
                ("kubelet_starts_it", "pull_error_backs_off"),
                "Pulling the image failed (ErrImagePull); the kubelet backs off 10 s doubling to 300 s.",
                "pkg/kubelet/images/image_manager.go:EnsureImageExists",
            ),
            Row(
                "ImagePullFailed",
                WAITING,
                WAITING,
                ("kubelet_starts_it",),
                "Pulling failed with an error retried on every sync (InvalidImageName, ErrImageNeverPull).",
                "pkg/kubelet/images/image_manager.go:EnsureImageExists",
            ),
            Row(
                "ContainerCreateFailed",
                WAITING,
                WAITING,
                ("kubelet_starts_it",),
                "The runtime could not create the container; the kubelet retries on the next sync.",
                f"{_RT}:startContainer",
            ),
            Row(
                "ContainerStartFailed",
                WAITING,
                TERMINATED,
                ("kubelet_starts_it",),
                "The runtime created it but could not start it (StartError, exit 128); the policy decides.",
                f"{_RT}:startContainer",
            ),
            Row(
                "retry_pull",
                IMAGE_PULL_BACK_OFF,
                WAITING,
                ("image_backoff_over",),
                "The image back-off window has passed; the kubelet pulls again.",
                "pkg/kubelet/images/image_manager.go:EnsureImageExists",
            ),
            Row(
                "ContainerExited",
                (RUNNING, KILLING),
                TERMINATED,
                (),
                "The container's process ended (on its own, or after the stop signal).",
                f"{_RT}:toKubeContainerStatus",
            ),
            Row(
                "kill",
                RUNNING,
                KILLING,
                (),
                "The kubelet stops the container: liveness or startup failure, deletion, or pod kill.",
                f"{_RT}:killContainer",
            ),
            Row(
                "sigkill",
                KILLING,
                TERMINATED,
                ("grace_period_over",),
                "The grace period ran out; the runtime kills the container (exit 137).",
                f"{_RT}:killContainer",
            ),
            Row(
                "restart",
                TERMINATED,
                WAITING,
                ("policy_restarts", "backoff_allows_now"),
                "The kubelet's sync starts a new instance at once (no back-off entry, or it expired); "
                "the exit stays shown until the new instance is seen.",
                f"{_MGR}:doBackOff",
            ),
            Row(
                "back_off",
                TERMINATED,
                CRASH_LOOP_BACK_OFF,
                ("policy_restarts",),
                "doBackOff refuses the start: CrashLoopBackOff goes to the reason cache, published by the "
                "next sync (the pod worker requeues the failed sync after 10 s).",
                f"{_MGR}:doBackOff",
            ),
            Row(
                "backoff_over",
                CRASH_LOOP_BACK_OFF,
                WAITING,
                ("crash_backoff_over",),
                "A sync after the back-off delay since the exit starts the container again.",
                f"{_MGR}:doBackOff",
            ),
            Row(
                "abandon",
                NOT_RUNNING,
                TERMINATED,
                ("pod_stopping",),
                "The pod is terminating; a container that is not running will not be started again.",
                "pkg/kubelet/status/status_manager.go:TerminatePod",
            ),
            Row(
                "remove",
                (TERMINATED, CRASH_LOOP_BACK_OFF, IMAGE_PULL_BACK_OFF),
                WAITING,
                ("all_containers_restarting",),
                "A RestartAllContainers rule fired (alpha gate): once every container has stopped, the "
                "kubelet removes them all, keeps the sandbox and starts again from the first init container.",
                f"{_MGR}:computePodActions",
            ),
        ),
        guards={
            "kubelet_starts_it": kubelet_starts_it,
            "has_post_start_hook": has_post_start_hook,
            "post_start_hook_running": post_start_hook_running,
            "pre_stop_hook_running": pre_stop_hook_running,
            "pull_error_backs_off": pull_error_backs_off,
            "image_backoff_over": image_backoff_over,
            "grace_period_over": grace_period_over,
            "policy_restarts": policy_restarts,
            "backoff_allows_now": backoff_allows_now,
            "crash_backoff_over": crash_backoff_over,
            "pod_stopping": pod_stopping,
            "all_containers_restarting": all_containers_restarting,
        },
    )
)
