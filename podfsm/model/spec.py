"""The part of a pod's spec the lifecycle model reads, compiled once into frozen dataclasses.

Built from the Kubernetes v1 JSON shape (a pod manifest as a plain mapping). Defaults are the
API server's (``pkg/apis/core/v1/defaults.go``): ``restartPolicy`` Always,
``terminationGracePeriodSeconds`` 30, and the probe defaults of ``SetDefaults_Probe``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from podfsm.errors import ManifestError
from podfsm.vocab import ContainerRole, ProbeKind, RestartPolicy, RuleAction, RuleOperator

DEFAULT_GRACE_SECONDS = 30  # v1.DefaultTerminationGracePeriodSeconds
UNREACHABLE_TOLERATION_SECONDS = 300  # DefaultTolerationSeconds admission plugin
UNREACHABLE_TAINT = "node.kubernetes.io/unreachable"


@dataclass(frozen=True)
class ProbeSpec:
    """A probe's timing and thresholds (``SetDefaults_Probe``: 0/1/10/1/3)."""

    kind: ProbeKind
    initial_delay_seconds: int = 0
    period_seconds: int = 10
    timeout_seconds: int = 1
    success_threshold: int = 1
    failure_threshold: int = 3
    termination_grace_period_seconds: int | None = None


@dataclass(frozen=True)
class RestartRule:
    """One ``restartPolicyRules`` entry: an action when the exit code is In / NotIn ``values``."""

    action: RuleAction
    operator: RuleOperator
    values: frozenset[int]

    def matches(self, exit_code: int) -> bool:
        """Whether this rule applies to a container that exited with ``exit_code``."""
        inside = exit_code in self.values
        return inside if self.operator is RuleOperator.IN else not inside


@dataclass(frozen=True)
class ContainerSpec:
    """One container as the kubelet sees it."""

    name: str
    image: str
    role: ContainerRole
    index: int  # position in its list (initContainers or containers)
    restart_policy: RestartPolicy | None  # the container's own policy, if any
    rules: tuple[RestartRule, ...]
    probes: Mapping[ProbeKind, ProbeSpec]
    post_start: bool
    pre_stop: bool
    termination_message_policy: str = "File"  # File or FallbackToLogsOnError
    pre_stop_sleep: int | None = None  # seconds of a ``preStop.sleep`` hook (PodLifecycleSleepAction)

    @property
    def is_init(self) -> bool:
        return self.role is ContainerRole.INIT

    @property
    def is_sidecar(self) -> bool:
        return self.role is ContainerRole.SIDECAR

    @property
    def is_regular(self) -> bool:
        return self.role is ContainerRole.REGULAR


@dataclass(frozen=True)
class PodSpecView:
    """The lifecycle-relevant view of a pod: its containers in kubelet order and its policies."""

    name: str
    namespace: str
    restart_policy: RestartPolicy
    grace_seconds: int
    init_containers: tuple[ContainerSpec, ...]
    containers: tuple[ContainerSpec, ...]
    readiness_gates: tuple[str, ...]
    scheduling_gates: tuple[str, ...]
    node_name: str | None
    unreachable_toleration_seconds: float | None  # None: tolerates the taint forever
    active_deadline_seconds: int | None = None  # spec.activeDeadlineSeconds
    # no toleration of the unreachable taint: DefaultTolerationSeconds adds its default (300 s,
    # or the configuration's defaultUnreachableTolerationSeconds)
    unreachable_toleration_defaulted: bool = False

    @property
    def all_containers(self) -> tuple[ContainerSpec, ...]:
        """Init containers (incl. sidecars) in spec order, then regular containers."""
        return self.init_containers + self.containers

    @property
    def sidecars(self) -> tuple[ContainerSpec, ...]:
        return tuple(c for c in self.init_containers if c.is_sidecar)

    def container(self, name: str) -> ContainerSpec | None:
        for c in self.all_containers:
            if c.name == name:
                return c
        return None


def _int(value: Any, default: int, where: str, source: str) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise ManifestError(source, f"must be an integer, got {value!r}", where)
    return value


def _probe(raw: Any, kind: ProbeKind, where: str, source: str) -> ProbeSpec:
    if not isinstance(raw, Mapping):
        raise ManifestError(source, "must be a mapping", where)
    return ProbeSpec(
        kind=kind,
        initial_delay_seconds=_int(raw.get("initialDelaySeconds"), 0, f"{where}.initialDelaySeconds", source),
        period_seconds=_int(raw.get("periodSeconds"), 10, f"{where}.periodSeconds", source),
        timeout_seconds=_int(raw.get("timeoutSeconds"), 1, f"{where}.timeoutSeconds", source),
        success_threshold=_int(raw.get("successThreshold"), 1, f"{where}.successThreshold", source),
        failure_threshold=_int(raw.get("failureThreshold"), 3, f"{where}.failureThreshold", source),
        termination_grace_period_seconds=(
            None
            if raw.get("terminationGracePeriodSeconds") is None
            else _int(
                raw.get("terminationGracePeriodSeconds"), 0, f"{where}.terminationGracePeriodSeconds", source
            )
        ),
    )


_PROBE_FIELDS = (
    ("startupProbe", ProbeKind.STARTUP),
    ("livenessProbe", ProbeKind.LIVENESS),
    ("readinessProbe", ProbeKind.READINESS),
)


def _rules(raw: Any, where: str, source: str) -> tuple[RestartRule, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ManifestError(source, "must be a list", where)
    rules = []
    for i, r in enumerate(raw):
        w = f"{where}[{i}]"
        if not isinstance(r, Mapping):
            raise ManifestError(source, "must be a mapping", w)
        try:
            action = RuleAction(str(r.get("action")))
        except ValueError:
            raise ManifestError(source, f"unsupported action {r.get('action')!r}", f"{w}.action") from None
        codes = r.get("exitCodes") or {}
        try:
            op = RuleOperator(str(codes.get("operator")))
        except ValueError:
            raise ManifestError(
                source, f"unsupported operator {codes.get('operator')!r}", f"{w}.exitCodes.operator"
            ) from None
        values = codes.get("values") or []
        if not isinstance(values, list) or not all(isinstance(v, int) for v in values):
            raise ManifestError(source, "must be a list of integers", f"{w}.exitCodes.values")
        rules.append(RestartRule(action, op, frozenset(values)))
    return tuple(rules)


def _container(raw: Any, role_list: str, index: int, source: str) -> ContainerSpec:
    where = f"spec.{role_list}[{index}]"
    if not isinstance(raw, Mapping):
        raise ManifestError(source, "must be a mapping", where)
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise ManifestError(source, "a container needs a name", f"{where}.name")
    policy_raw = raw.get("restartPolicy")
    policy: RestartPolicy | None = None
    if policy_raw is not None:
        try:
            policy = RestartPolicy(policy_raw)
        except ValueError:
            raise ManifestError(
                source, f"unsupported restartPolicy {policy_raw!r}", f"{where}.restartPolicy"
            ) from None
    if role_list == "initContainers":
        role = ContainerRole.SIDECAR if policy is RestartPolicy.ALWAYS else ContainerRole.INIT
    else:
        role = ContainerRole.REGULAR
    probes = {
        kind: _probe(raw[key], kind, f"{where}.{key}", source)
        for key, kind in _PROBE_FIELDS
        if raw.get(key) is not None
    }
    if role is ContainerRole.INIT and probes:
        raise ManifestError(source, "regular init containers may not have probes", where)
    lifecycle = raw.get("lifecycle") or {}
    return ContainerSpec(
        name=name,
        image=str(raw.get("image") or ""),
        role=role,
        index=index,
        restart_policy=policy,
        rules=_rules(raw.get("restartPolicyRules"), f"{where}.restartPolicyRules", source),
        probes=probes,
        post_start=bool(lifecycle.get("postStart")) if isinstance(lifecycle, Mapping) else False,
        pre_stop=bool(lifecycle.get("preStop")) if isinstance(lifecycle, Mapping) else False,
        termination_message_policy=_message_policy(raw.get("terminationMessagePolicy"), where, source),
        pre_stop_sleep=_sleep_seconds(lifecycle.get("preStop") if isinstance(lifecycle, Mapping) else None),
    )


TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")


def _message_policy(value: Any, where: str, source: str) -> str:
    """``terminationMessagePolicy``, defaulted to File (``SetDefaults_Container``)."""
    if value in (None, ""):
        return "File"
    if value not in TERMINATION_MESSAGE_POLICIES:
        raise ManifestError(
            source,
            f"unsupported terminationMessagePolicy {value!r} (File or FallbackToLogsOnError)",
            f"{where}.terminationMessagePolicy",
        )
    return str(value)


def _sleep_seconds(hook: Any) -> int | None:
    """The seconds of a ``sleep`` lifecycle handler, or None for exec/HTTP handlers."""
    if not isinstance(hook, Mapping):
        return None
    sleep = hook.get("sleep")
    if not isinstance(sleep, Mapping):
        return None
    seconds = sleep.get("seconds")
    return seconds if isinstance(seconds, int) and not isinstance(seconds, bool) and seconds >= 0 else None


def _unreachable_toleration(
    spec: Mapping[str, Any], default: int | None = UNREACHABLE_TOLERATION_SECONDS
) -> float | None:
    """How long the pod stays bound to an unreachable node before taint eviction.

    The DefaultTolerationSeconds admission plugin gives every pod 300 s unless it already
    tolerates ``node.kubernetes.io/unreachable:NoExecute``; a matching toleration without
    ``tolerationSeconds`` tolerates it forever (``pkg/controller/tainteviction``). With
    ``default`` None, -1.0 says that the pod has no such toleration (the plugin's default applies).
    """
    for tol in spec.get("tolerations") or []:
        if not isinstance(tol, Mapping):
            continue
        key, op, effect = tol.get("key"), tol.get("operator", "Equal"), tol.get("effect")
        if effect not in (None, "", "NoExecute"):
            continue
        if (op == "Exists" and key in (None, "")) or key == UNREACHABLE_TAINT:
            secs = tol.get("tolerationSeconds")
            return None if secs is None else float(max(0, int(secs)))
    return -1.0 if default is None else float(default)


def compile_spec(pod: Mapping[str, Any], source: str = "<pod>") -> PodSpecView:
    """Compile a pod manifest (Kubernetes JSON shape) into the model's view of it.

    Raises :class:`ManifestError` naming ``source`` and the field for anything that is not a
    pod the model can run, whatever the type of a field (the oracle's typed view of a pod,
    :func:`podfsm.oracle._input.check_pod`, checks the shape first), also when admission was
    skipped (``--no-admission``, ``podfsm.simulate``'s default).
    """
    from podfsm.errors import InvalidPod
    from podfsm.oracle._input import check_pod, diagnose

    if isinstance(pod, Mapping):
        from podfsm.loader import check_values

        manifest = {k: v for k, v in pod.items() if k != "status"}  # the model ignores status
        check_values(manifest, source)  # what the loader refuses (NaN, too deep, ...) from Python too
        try:
            check_pod(manifest)
        except InvalidPod as exc:
            raise ManifestError(source, exc.problem, exc.where) from None
    try:
        return _compile_spec(pod, source)
    except (TypeError, AttributeError, KeyError, IndexError, ValueError, OverflowError) as exc:
        found = diagnose(pod, exc)
        raise ManifestError(source, found.problem, found.where) from None


def _compile_spec(pod: Mapping[str, Any], source: str) -> PodSpecView:
    if not isinstance(pod, Mapping):
        raise ManifestError(source, "a pod manifest must be a mapping")
    meta = pod.get("metadata") or {}
    spec = pod.get("spec")
    if not isinstance(spec, Mapping):
        raise ManifestError(source, "a pod needs a spec", "spec")
    containers_raw = spec.get("containers")
    if not isinstance(containers_raw, list) or not containers_raw:
        raise ManifestError(source, "a pod needs at least one container", "spec.containers")
    inits_raw = spec.get("initContainers") or []
    if not isinstance(inits_raw, list):
        raise ManifestError(source, "must be a list", "spec.initContainers")
    inits = tuple(_container(c, "initContainers", i, source) for i, c in enumerate(inits_raw))
    regular = tuple(_container(c, "containers", i, source) for i, c in enumerate(containers_raw))
    names = [c.name for c in inits + regular]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ManifestError(source, f"duplicate container names {dupes}", "spec")
    policy_raw = spec.get("restartPolicy") or "Always"
    try:
        policy = RestartPolicy(policy_raw)
    except ValueError:
        raise ManifestError(
            source, f"unsupported restartPolicy {policy_raw!r}", "spec.restartPolicy"
        ) from None
    gates = tuple(
        str(g.get("conditionType"))
        for g in (spec.get("readinessGates") or [])
        if isinstance(g, Mapping) and g.get("conditionType")
    )
    sched_gates = tuple(
        str(g.get("name"))
        for g in (spec.get("schedulingGates") or [])
        if isinstance(g, Mapping) and g.get("name")
    )
    grace = _int(
        spec.get("terminationGracePeriodSeconds"),
        DEFAULT_GRACE_SECONDS,
        "spec.terminationGracePeriodSeconds",
        source,
    )
    name = meta.get("name") if isinstance(meta, Mapping) else None
    ns = meta.get("namespace") if isinstance(meta, Mapping) else None
    node = spec.get("nodeName")
    return PodSpecView(
        name=str(name or ""),
        namespace=str(ns or "default"),
        restart_policy=policy,
        grace_seconds=max(0, grace),
        init_containers=inits,
        containers=regular,
        readiness_gates=gates,
        scheduling_gates=sched_gates,
        node_name=str(node) if node else None,
        unreachable_toleration_seconds=_unreachable_toleration(spec),
        unreachable_toleration_defaulted=_unreachable_toleration(spec, None) == -1.0,
        active_deadline_seconds=(
            None
            if spec.get("activeDeadlineSeconds") is None
            else _int(spec.get("activeDeadlineSeconds"), 0, "spec.activeDeadlineSeconds", source)
        ),
    )
