"""Pydantic models of the part of the Kubernetes v1 Pod that the lifecycle needs.

Attribute names are snake_case, the JSON keys Kubernetes' camelCase (``restart_count`` is
``restartCount``; the few irregular ones such as ``imageID`` and ``podIPs`` are spelled out).
Every model keeps fields it does not know (``extra="allow"``), so a pod goes in and comes back
out unchanged::

    Pod.model_validate(d).to_dict() == d      # for what `kubectl get pod -o json` prints

Defaults follow Kubernetes: the API server's defaults where it sets one (``SetDefaults_Probe``:
``periodSeconds`` 10, ...; ``SetDefaults_PodSpec``: ``restartPolicy`` Always, ...), otherwise
Go's zero value (``""``, ``0``, ``False``, empty list) for plain fields and ``None`` for pointer
fields (``started``, ``deletionTimestamp``). A default is visible on the attribute but never
written by :meth:`Pod.to_dict`, which emits only what the input had.

Validation is as strict as the API server's JSON decoding: no coercion of ``"10"`` to ``10`` or
of ``1`` to ``True``; timestamps are RFC 3339 with a time zone and are written back the way
``metav1.Time`` writes them (UTC, whole seconds: ``2024-01-01T00:00:00Z``). Quantities
(``cpu: 1``) may be numbers, as Kubernetes accepts, and are kept as text (``"1"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    Strict,
    ValidationError,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from podfsm.errors import ManifestError
from podfsm.vocab import RestartPolicy

__all__ = [
    "Container",
    "ContainerPort",
    "ContainerRestartRule",
    "ContainerRestartRuleOnExitCodes",
    "ContainerState",
    "ContainerStateRunning",
    "ContainerStateTerminated",
    "ContainerStateWaiting",
    "ContainerStatus",
    "ExecAction",
    "GRPCAction",
    "HTTPGetAction",
    "HTTPHeader",
    "HostIP",
    "Lifecycle",
    "LifecycleHandler",
    "ObjectMeta",
    "OwnerReference",
    "Pod",
    "PodCondition",
    "PodIP",
    "PodReadinessGate",
    "PodSchedulingGate",
    "PodSpec",
    "PodStatus",
    "Probe",
    "ResourceRequirements",
    "SleepAction",
    "TCPSocketAction",
    "Toleration",
    "field_path",
    "validation_problem",
]


# --------------------------------------------------------------------------------------------
# Scalar types


def _format_time(value: datetime) -> str:
    """``metav1.Time``'s JSON form: UTC, whole seconds, ``Z``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# metav1.Time: RFC 3339 text in, the same text out (for the UTC, whole-second form Kubernetes writes).
Time = Annotated[AwareDatetime, Strict(False), PlainSerializer(_format_time, when_used="json")]


def _int_or_string(value: object) -> int | str:
    """``intstr.IntOrString`` (probe and handler ports): a JSON integer or a string."""
    if isinstance(value, int | str) and not isinstance(value, bool):
        return value
    raise PydanticCustomError("int_or_string_type", "must be an integer or a string")


IntOrString = Annotated[int | str, PlainValidator(_int_or_string)]


def _quantity(value: object) -> str:
    """``resource.Quantity``: a string, or a JSON number the API server turns into one."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    raise PydanticCustomError("quantity_type", "must be a quantity (a string such as 100m or a number)")


Quantity = Annotated[str, PlainValidator(_quantity)]


# --------------------------------------------------------------------------------------------
# Base


class _Model(BaseModel):
    """Shared configuration: camelCase aliases, unknown fields kept, no type coercion."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        strict=True,
    )

    def to_dict(self) -> dict[str, Any]:
        """The Kubernetes JSON form: camelCase keys, only the fields the object was given."""
        return self.model_dump(by_alias=True, exclude_unset=True, mode="json")


# --------------------------------------------------------------------------------------------
# Metadata


class OwnerReference(_Model):
    """``metadata.ownerReferences[]``: the object that owns this one (a ReplicaSet, a Job, ...)."""

    api_version: str
    kind: str
    name: str
    uid: str
    controller: bool | None = None
    block_owner_deletion: bool | None = None


class ObjectMeta(_Model):
    """``metadata``."""

    name: str = ""
    generate_name: str = ""
    namespace: str = ""
    uid: str = ""
    resource_version: str = ""
    generation: int = 0
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    creation_timestamp: Time | None = None
    deletion_timestamp: Time | None = None
    deletion_grace_period_seconds: int | None = None
    owner_references: list[OwnerReference] = Field(default_factory=list)
    finalizers: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Probes and lifecycle hooks


class ExecAction(_Model):
    """Run a command in the container; exit status 0 is success."""

    command: list[str] = Field(default_factory=list)


class HTTPHeader(_Model):
    """One header of an HTTP probe."""

    name: str
    value: str


class HTTPGetAction(_Model):
    """An HTTP GET; a status in [200, 400) is success. Defaults from ``SetDefaults_HTTPGetAction``."""

    path: str = "/"
    port: IntOrString
    host: str = ""
    scheme: str = "HTTP"
    http_headers: list[HTTPHeader] = Field(default_factory=list)


class TCPSocketAction(_Model):
    """Open a TCP connection; success if it connects."""

    port: IntOrString
    host: str = ""


class GRPCAction(_Model):
    """A gRPC health check."""

    port: int
    service: str | None = None


class SleepAction(_Model):
    """Sleep (a lifecycle hook only)."""

    seconds: int


class Probe(_Model):
    """A startup, liveness or readiness probe. Defaults from ``SetDefaults_Probe``."""

    exec_: ExecAction | None = Field(default=None, alias="exec")
    http_get: HTTPGetAction | None = None
    tcp_socket: TCPSocketAction | None = None
    grpc: GRPCAction | None = None
    initial_delay_seconds: int = 0
    timeout_seconds: int = 1
    period_seconds: int = 10
    success_threshold: int = 1
    failure_threshold: int = 3
    termination_grace_period_seconds: int | None = None


class LifecycleHandler(_Model):
    """What a postStart or preStop hook runs."""

    exec_: ExecAction | None = Field(default=None, alias="exec")
    http_get: HTTPGetAction | None = None
    tcp_socket: TCPSocketAction | None = None
    sleep: SleepAction | None = None


class Lifecycle(_Model):
    """``containers[].lifecycle``."""

    post_start: LifecycleHandler | None = None
    pre_stop: LifecycleHandler | None = None
    stop_signal: str | None = None


# --------------------------------------------------------------------------------------------
# Containers


class ContainerRestartRuleOnExitCodes(_Model):
    """``restartPolicyRules[].exitCodes``: ``operator`` (``In``/``NotIn``) over ``values``."""

    operator: str
    values: list[int] = Field(default_factory=list)


class ContainerRestartRule(_Model):
    """``containers[].restartPolicyRules[]``: ``action`` when the exit code matches."""

    action: str
    exit_codes: ContainerRestartRuleOnExitCodes | None = None


class ResourceRequirements(_Model):
    """``containers[].resources``: quantities by resource name (``cpu``, ``memory``, ...)."""

    requests: dict[str, Quantity] = Field(default_factory=dict)
    limits: dict[str, Quantity] = Field(default_factory=dict)


class ContainerPort(_Model):
    """``containers[].ports[]``. ``protocol`` defaults to TCP (``SetDefaults_ContainerPort``)."""

    container_port: int
    name: str = ""
    protocol: str = "TCP"
    host_port: int = 0
    host_ip: str = Field(default="", alias="hostIP")


def _default_image_pull_policy(data: dict[str, Any]) -> str:
    """``SetDefaults_Container``: Always for ``:latest`` or an untagged image, else IfNotPresent.

    (``parsers.ParseImageName`` gives a digest-only or an empty image no tag, hence IfNotPresent.)
    """
    image = str(data.get("image") or "")
    if not image or "@" in image:
        return "IfNotPresent"
    last = image.rsplit("/", 1)[-1]
    tag = last.partition(":")[2]
    return "Always" if tag in ("", "latest") else "IfNotPresent"


class Container(_Model):
    """An entry of ``spec.containers`` or ``spec.initContainers``."""

    name: str
    image: str = ""
    image_pull_policy: str = Field(default_factory=_default_image_pull_policy)
    command: list[str] = Field(default_factory=list)
    args: list[str] = Field(default_factory=list)
    working_dir: str = ""
    ports: list[ContainerPort] = Field(default_factory=list)
    env: list[dict[str, Any]] = Field(default_factory=list)
    resources: ResourceRequirements = Field(default_factory=ResourceRequirements)
    restart_policy: str | None = None
    restart_policy_rules: list[ContainerRestartRule] = Field(default_factory=list)
    liveness_probe: Probe | None = None
    readiness_probe: Probe | None = None
    startup_probe: Probe | None = None
    lifecycle: Lifecycle | None = None
    termination_message_path: str = "/dev/termination-log"
    termination_message_policy: str = "File"

    @property
    def is_sidecar(self) -> bool:
        """For an init container: it has ``restartPolicy: Always``, so it keeps running beside the app."""
        return self.restart_policy == RestartPolicy.ALWAYS


# --------------------------------------------------------------------------------------------
# Spec


class Toleration(_Model):
    """``spec.tolerations[]``. An empty ``operator`` means Equal."""

    key: str = ""
    operator: str = ""
    value: str = ""
    effect: str = ""
    toleration_seconds: int | None = None


class PodSchedulingGate(_Model):
    """``spec.schedulingGates[]``: while any is present the scheduler leaves the pod alone."""

    name: str


class PodReadinessGate(_Model):
    """``spec.readinessGates[]``: a condition type that must be True for the pod to be Ready."""

    condition_type: str


class PodSpec(_Model):
    """``spec``. Defaults from ``SetDefaults_PodSpec``."""

    containers: list[Container]
    init_containers: list[Container] = Field(default_factory=list)
    ephemeral_containers: list[dict[str, Any]] = Field(default_factory=list)
    restart_policy: str = RestartPolicy.ALWAYS.value
    termination_grace_period_seconds: int | None = 30
    active_deadline_seconds: int | None = None
    dns_policy: str = "ClusterFirst"
    node_selector: dict[str, str] = Field(default_factory=dict)
    service_account_name: str = ""
    node_name: str = ""
    host_network: bool = False
    host_pid: bool = Field(default=False, alias="hostPID")
    host_ipc: bool = Field(default=False, alias="hostIPC")
    scheduler_name: str = "default-scheduler"
    affinity: dict[str, Any] | None = None
    tolerations: list[Toleration] = Field(default_factory=list)
    priority_class_name: str = ""
    priority: int | None = None
    preemption_policy: str | None = None
    overhead: dict[str, Quantity] = Field(default_factory=dict)
    topology_spread_constraints: list[dict[str, Any]] = Field(default_factory=list)
    volumes: list[dict[str, Any]] = Field(default_factory=list)
    readiness_gates: list[PodReadinessGate] = Field(default_factory=list)
    scheduling_gates: list[PodSchedulingGate] = Field(default_factory=list)
    runtime_class_name: str | None = None
    enable_service_links: bool | None = True
    resources: ResourceRequirements | None = None


# --------------------------------------------------------------------------------------------
# Status


class PodCondition(_Model):
    """``status.conditions[]``."""

    type: str
    status: str
    reason: str = ""
    message: str = ""
    last_transition_time: Time | None = None
    last_probe_time: Time | None = None


class ContainerStateWaiting(_Model):
    """Not running yet, or between restarts (``CrashLoopBackOff``, ``ImagePullBackOff``, ...)."""

    reason: str = ""
    message: str = ""


class ContainerStateRunning(_Model):
    """Running since ``started_at``."""

    started_at: Time | None = None


class ContainerStateTerminated(_Model):
    """The process ended with ``exit_code`` (``reason`` from the runtime: Completed, Error, OOMKilled...)."""

    exit_code: int
    signal: int = 0
    reason: str = ""
    message: str = ""
    started_at: Time | None = None
    finished_at: Time | None = None
    container_id: str = Field(default="", alias="containerID")


class ContainerState(_Model):
    """At most one of ``waiting``, ``running``, ``terminated``; none means the state is unknown."""

    waiting: ContainerStateWaiting | None = None
    running: ContainerStateRunning | None = None
    terminated: ContainerStateTerminated | None = None


class ContainerStatus(_Model):
    """``status.containerStatuses[]`` / ``status.initContainerStatuses[]``."""

    name: str
    image: str = ""
    image_id: str = Field(default="", alias="imageID")
    container_id: str = Field(default="", alias="containerID")
    ready: bool = False
    started: bool | None = None
    restart_count: int = 0
    state: ContainerState = Field(default_factory=ContainerState)
    last_state: ContainerState = Field(default_factory=ContainerState)


class PodIP(_Model):
    """``status.podIPs[]``."""

    ip: str


class HostIP(_Model):
    """``status.hostIPs[]``."""

    ip: str


class PodStatus(_Model):
    """``status``. ``phase`` is any string (the oracle tolerates ``"podPhase"``); ``""`` when absent.

    An absent ``containerStatuses`` and an empty one read the same on the attribute; the
    difference (it matters to the kubelet's conditions) is in ``model_fields_set``.
    """

    phase: str = ""
    reason: str = ""
    message: str = ""
    conditions: list[PodCondition] = Field(default_factory=list)
    container_statuses: list[ContainerStatus] = Field(default_factory=list)
    init_container_statuses: list[ContainerStatus] = Field(default_factory=list)
    ephemeral_container_statuses: list[ContainerStatus] = Field(default_factory=list)
    start_time: Time | None = None
    host_ip: str = Field(default="", alias="hostIP")
    host_ips: list[HostIP] = Field(default_factory=list, alias="hostIPs")
    pod_ip: str = Field(default="", alias="podIP")
    pod_ips: list[PodIP] = Field(default_factory=list, alias="podIPs")
    nominated_node_name: str = ""
    qos_class: str = ""


# --------------------------------------------------------------------------------------------
# Pod


class Pod(_Model):
    """A v1 Pod. ``Pod.model_validate(d).to_dict() == d`` for what kubectl prints."""

    api_version: str = "v1"
    kind: str = "Pod"
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: PodSpec
    status: PodStatus = Field(default_factory=PodStatus)

    @classmethod
    def from_obj(cls, obj: Pod | Mapping[str, Any], *, source: str = "<object>") -> Self:
        """``obj`` as a Pod: a Pod is returned as it is, a mapping is validated.

        Raises :class:`~podfsm.errors.ManifestError` naming ``source`` and the field path.
        """
        if isinstance(obj, cls):
            return obj
        if not isinstance(obj, Mapping):
            raise ManifestError(source, f"expected a Pod object (a mapping), got {type(obj).__name__}")
        try:
            return cls.model_validate(obj)
        except ValidationError as exc:
            loc, problem = validation_problem(exc)
            raise ManifestError(source, problem, field_path(loc) or None) from None


# --------------------------------------------------------------------------------------------
# Validation errors as one line


_PROBLEMS: dict[str, str] = {
    "missing": "required field is missing",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_from_float": "must be an integer",
    "float_type": "must be a number",
    "string_type": "must be a string",
    "bool_type": "must be a boolean",
    "list_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
    "datetime_type": "must be an RFC 3339 timestamp such as 2024-01-01T00:00:00Z",
    "datetime_parsing": "must be an RFC 3339 timestamp such as 2024-01-01T00:00:00Z",
    "datetime_from_date_parsing": "must be an RFC 3339 timestamp such as 2024-01-01T00:00:00Z",
    "timezone_aware": "must be an RFC 3339 timestamp with a time zone, such as 2024-01-01T00:00:00Z",
}


def field_path(loc: tuple[int | str, ...]) -> str:
    """``("spec", "containers", 0, "name")`` as ``spec.containers[0].name``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part != "[key]":
            out += f".{part}" if out else part
    return out


def validation_problem(exc: ValidationError) -> tuple[tuple[int | str, ...], str]:
    """The first error of ``exc`` as ``(loc, problem)``: pydantic's location and a short phrase.

    More errors are counted in the problem (``must be an integer (and 2 more problems)``).
    """
    # A field whose default depends on others (imagePullPolicy on image) adds an error of its own
    # when those failed; it says nothing the first error does not.
    errors = [
        e
        for e in exc.errors(include_url=False, include_input=False)
        if e["type"] != "default_factory_not_called"
    ] or exc.errors(include_url=False, include_input=False)
    first = errors[0]
    problem = _PROBLEMS.get(first["type"]) or first["msg"][:1].lower() + first["msg"][1:]
    if len(errors) > 1:
        more = len(errors) - 1
        problem += f" (and {more} more problem{'s' if more > 1 else ''})"
    return tuple(first["loc"]), problem
