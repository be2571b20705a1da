"""The restart-policy table: how a container ended, under which policy, and what the kubelet does.

Literal data, one row per case, with the reference behaviour beside each row. The container
machine's guards, the phase guards, the docs and the diagrams all read this table.

The *effective policy* of a container is its own ``restartPolicy`` when it has one
(``ContainerRestartRules``, on by default since v1.35), else the pod's. A matching
``restartPolicyRules`` entry with action ``Restart`` (or ``RestartAllContainers``) overrides
the table and restarts the container (``pkg/api/v1/pod/util.go``, ``ContainerShouldRestart``).
Sidecars (init containers with ``restartPolicy: Always``) always restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from podfsm.errors import DefinitionError
from podfsm.model.spec import ContainerSpec, RestartRule
from podfsm.vocab import ContainerRole, RestartPolicy, RuleAction


class Ending(StrEnum):
    """How a container's run ended, as far as the restart decision cares."""

    EXIT_ZERO = "exit 0"  # the process exited with code 0
    EXIT_NONZERO = "exit != 0"  # the process exited with any other code (incl. OOMKilled, 137)
    PROBE_KILL = "killed by probe"  # the kubelet killed it after a liveness or startup failure


class Action(StrEnum):
    """What the kubelet does next."""

    RESTART = "restart"  # start it again, subject to crash-loop back-off
    KEEP = "keep terminated"  # leave it terminated; it counts towards the phase
    NEXT = "start the next init container"  # an init container finished its job
    KILL_POD = "kill the pod"  # the pod cannot succeed any more: stop everything, phase Failed


@dataclass(frozen=True)
class PolicyRow:
    """``(role, effective policy, ending) -> (action, what it means for the phase)``."""

    role: ContainerRole
    policy: RestartPolicy
    ending: Ending
    action: Action
    phase: str
    upstream: str


_KILL = "pkg/kubelet/kuberuntime/kuberuntime_manager.go:computePodActions"
_SHOULD = "pkg/kubelet/container/helpers.go:ShouldContainerBeRestarted"
_INIT = "pkg/kubelet/kuberuntime/kuberuntime_container.go:computeInitContainerActions"
_PHASE = "pkg/kubelet/kubelet_pods.go:getPhase"

REG, INIT, SIDE = ContainerRole.REGULAR, ContainerRole.INIT, ContainerRole.SIDECAR
ALW, ONF, NEV = RestartPolicy.ALWAYS, RestartPolicy.ON_FAILURE, RestartPolicy.NEVER
Z, F, P = Ending.EXIT_ZERO, Ending.EXIT_NONZERO, Ending.PROBE_KILL

RESTART_POLICY_TABLE: tuple[PolicyRow, ...] = (
    # regular containers (spec.containers)
    PolicyRow(REG, ALW, Z, Action.RESTART, "stays Running: an Always container is never done", _SHOULD),
    PolicyRow(REG, ALW, F, Action.RESTART, "stays Running (CrashLoopBackOff between runs)", _SHOULD),
    PolicyRow(REG, ALW, P, Action.RESTART, "stays Running", _KILL),
    PolicyRow(
        REG, ONF, Z, Action.KEEP, "done: Succeeded once every regular container is done with 0", _SHOULD
    ),
    PolicyRow(REG, ONF, F, Action.RESTART, "stays Running (CrashLoopBackOff between runs)", _SHOULD),
    PolicyRow(
        REG, ONF, P, Action.RESTART, "stays Running: a probe kill restarts whatever the exit code", _KILL
    ),
    PolicyRow(
        REG, NEV, Z, Action.KEEP, "done: Succeeded once every regular container is done with 0", _SHOULD
    ),
    PolicyRow(REG, NEV, F, Action.KEEP, "done: Failed once every regular container is done", _PHASE),
    PolicyRow(REG, NEV, P, Action.KEEP, "done: Failed once every regular container is done", _KILL),
    # regular init containers: run once, in order; policy Always is the pod's (a container's own
    # Always would make it a sidecar)
    PolicyRow(INIT, ALW, Z, Action.NEXT, "stays Pending until the last init container is done", _INIT),
    PolicyRow(INIT, ALW, F, Action.RESTART, "stays Pending (Init:CrashLoopBackOff)", _INIT),
    PolicyRow(INIT, ONF, Z, Action.NEXT, "stays Pending until the last init container is done", _INIT),
    PolicyRow(INIT, ONF, F, Action.RESTART, "stays Pending (Init:CrashLoopBackOff)", _INIT),
    PolicyRow(INIT, NEV, Z, Action.NEXT, "stays Pending until the last init container is done", _INIT),
    PolicyRow(INIT, NEV, F, Action.KILL_POD, "Failed: an init container failed and may not restart", _PHASE),
    # sidecars (initContainers with restartPolicy Always): restarted whatever the pod policy,
    # and their exits never decide the phase
    PolicyRow(SIDE, ALW, Z, Action.RESTART, "never decides the phase", _INIT),
    PolicyRow(SIDE, ALW, F, Action.RESTART, "never decides the phase", _INIT),
    PolicyRow(SIDE, ALW, P, Action.RESTART, "never decides the phase", _INIT),
)

_INDEX: dict[tuple[ContainerRole, RestartPolicy, Ending], PolicyRow] = {}


def _check_table() -> None:
    problems: list[str] = []
    for row in RESTART_POLICY_TABLE:
        key = (row.role, row.policy, row.ending)
        if key in _INDEX:
            problems.append(f"ambiguous rows for {tuple(map(str, key))}")
        _INDEX[key] = row
    expected = [(REG, p, e) for p in (ALW, ONF, NEV) for e in Ending]
    expected += [(INIT, p, e) for p in (ALW, ONF, NEV) for e in (Z, F)]
    expected += [(SIDE, ALW, e) for e in Ending]
    missing = [tuple(map(str, k)) for k in expected if k not in _INDEX]
    if missing:
        problems.append(f"missing rows {missing}")
    if problems:
        raise DefinitionError("restart-policy table", problems)


_check_table()


def effective_policy(container: ContainerSpec, pod_policy: RestartPolicy) -> RestartPolicy:
    """The policy that governs ``container``: sidecars Always, else its own, else the pod's."""
    if container.is_sidecar:
        return RestartPolicy.ALWAYS
    return container.restart_policy or pod_policy


def ending_of(exit_code: int, probe_kill: bool) -> Ending:
    """Classify how a run ended."""
    if probe_kill:
        return Ending.PROBE_KILL
    return Ending.EXIT_ZERO if exit_code == 0 else Ending.EXIT_NONZERO


def first_matching_rule(container: ContainerSpec, exit_code: int) -> RestartRule | None:
    """The first ``restartPolicyRules`` entry whose exit codes match ``exit_code``, or None.

    Rules count only for a container with its own ``restartPolicy``
    (``pkg/api/v1/pod/util.go``, ``findMatchingContainerRestartRule``).
    """
    if container.restart_policy is None:
        return None
    return next((rule for rule in container.rules if rule.matches(exit_code)), None)


def matching_rule_restarts(container: ContainerSpec, exit_code: int) -> bool:
    """Whether the first ``restartPolicyRules`` entry matching ``exit_code`` asks for a restart.

    Only consulted for containers with their own ``restartPolicy`` (``ContainerShouldRestart``).
    """
    rule = first_matching_rule(container, exit_code)
    return rule is not None and rule.action in (RuleAction.RESTART, RuleAction.RESTART_ALL_CONTAINERS)


def restarts_all_containers(container: ContainerSpec, exit_code: int) -> bool:
    """Whether the first ``restartPolicyRules`` entry matching ``exit_code`` is ``RestartAllContainers``.

    ``ShouldAllContainersRestart`` (``pkg/kubelet/container/helpers.go``, alpha gate
    ``RestartAllContainersOnContainerExits``) asks this of every exited container; a ``Restart``
    rule that matches first shadows a later ``RestartAllContainers`` one.
    """
    rule = first_matching_rule(container, exit_code)
    return rule is not None and rule.action == RuleAction.RESTART_ALL_CONTAINERS


def has_restart_all_rule(container: ContainerSpec) -> bool:
    """The container has a ``restartPolicyRules`` entry with action ``RestartAllContainers``."""
    return any(rule.action == RuleAction.RESTART_ALL_CONTAINERS for rule in container.rules)


def lookup(
    container: ContainerSpec, pod_policy: RestartPolicy, exit_code: int, probe_kill: bool
) -> PolicyRow:
    """The table row for a container that ended, before rules are applied."""
    ending = ending_of(exit_code, probe_kill)
    if container.is_init and ending is Ending.PROBE_KILL:  # init containers have no probes
        ending = Ending.EXIT_NONZERO
    return _INDEX[(container.role, effective_policy(container, pod_policy), ending)]


def decide(container: ContainerSpec, pod_policy: RestartPolicy, exit_code: int, probe_kill: bool) -> Action:
    """What the kubelet does after ``container`` ended: the table, with restart rules first."""
    row = lookup(container, pod_policy, exit_code, probe_kill)
    if (
        not probe_kill
        and row.action in (Action.KEEP, Action.KILL_POD)
        and matching_rule_restarts(container, exit_code)
    ):
        return Action.RESTART
    return row.action


def would_restart(container: ContainerSpec, pod_policy: RestartPolicy, exit_code: int) -> bool:
    """``ContainerShouldRestart``: would a container that exited with ``exit_code`` be restarted?"""
    return decide(container, pod_policy, exit_code, probe_kill=False) is Action.RESTART
