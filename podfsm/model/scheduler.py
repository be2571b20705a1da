"""A node-fit scheduler: kube-scheduler's default filters and least-allocated scoring, as pure functions.

:func:`schedule` takes a pod (plain Kubernetes JSON, as :func:`podfsm.model.admission.admit` returns
it) and the cluster's nodes (:class:`Node`, read by :func:`load_nodes`), and returns a
:class:`ScheduleResult` whose :attr:`~ScheduleResult.event` is a podfsm lifecycle event::

    {"type": "Scheduled", "node": "node-b"}
    {"type": "Unschedulable", "message": "0/3 nodes are available: 1 Insufficient cpu, "
                                         "2 node(s) had untolerated taint {dedicated: gpu}."}

What runs, in kube-scheduler's order (``pkg/scheduler/apis/config/v1/default_plugins.go``):

1. ``SchedulingGates`` (PreEnqueue): a pod with ``spec.schedulingGates`` is not scheduled at all.
2. Per node, the first Filter that rejects it gives the node's reasons:
   ``NodeUnschedulable`` (``node(s) were unschedulable``), ``TaintToleration``
   (``node(s) had untolerated taint {key: value}``), ``NodeAffinity``
   (``node(s) didn't match Pod's node affinity/selector``), ``NodeResourcesFit``
   (``Too many pods``, ``Insufficient cpu``, ... one reason per resource).
3. ``NodeResourcesFit`` scores the nodes that pass with the LeastAllocated strategy (cpu and
   memory, weight 1 each); the highest score wins, ties go to the node whose name sorts first.

A pod whose ``spec.nodeName`` is set never reaches the scheduler; :func:`schedule` reports it
Scheduled to that node without looking at the nodes.

Nodes file: Node objects (``kubectl get nodes -o yaml``), and optionally Pod objects bound to
them by ``spec.nodeName`` (``kubectl get nodes,pods -A -o yaml``), which take up the nodes'
resources as in the scheduler's cache. ``docs/admission-and-scheduling.md`` has the details.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from podfsm.errors import InvalidPod, ManifestError
from podfsm.loader import MAX_DEPTH, check_values, parse_yaml, refuse_constant
from podfsm.model.admission import (
    SCHEDULING_GATED_MESSAGE,
    as_pod_dict,
    is_extended_resource,
    is_hugepages_resource,
)
from podfsm.quantity import QuantityError, format_milli, milli_value, parse_quantity, value
from podfsm.vocab import ConditionReason, ConditionStatus, ConditionType

__all__ = [
    "DEFAULT_MEMORY_REQUEST",
    "DEFAULT_MILLI_CPU_REQUEST",
    "NO_NODES_MESSAGE",
    "Node",
    "NodeVerdict",
    "ScheduleResult",
    "Taint",
    "load_nodes",
    "nodes_from_objects",
    "pod_requests",
    "read_objects",
    "schedule",
]

DEFAULT_MILLI_CPU_REQUEST = 100
"""``schedutil.DefaultMilliCPURequest``: what scoring counts for a container without a cpu request."""
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024
"""``schedutil.DefaultMemoryRequest``: what scoring counts for a container without a memory request."""
MAX_NODE_SCORE = 100  # framework.MaxNodeScore

NO_NODES_MESSAGE = "no nodes available to schedule pods"
"""``ErrNoNodesAvailable`` (``pkg/scheduler/schedule_one.go``), when the cluster has no node at all."""

# Reason strings, each exactly as its plugin writes it.
REASON_UNSCHEDULABLE = "node(s) were unschedulable"  # nodeunschedulable.ErrReasonUnschedulable
REASON_AFFINITY = "node(s) didn't match Pod's node affinity/selector"  # nodeaffinity.ErrReasonPod
REASON_TOO_MANY_PODS = "Too many pods"  # noderesources/fit.go, fitsRequest
TAINT_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"  # v1.TaintNodeUnschedulable

Verdict = Literal["Scheduled", "Unschedulable", "SchedulingGated"]

# --------------------------------------------------------------------------------------------
# Nodes


class Taint(BaseModel):
    """``spec.taints[]`` of a Node."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    key: str
    value: str = ""
    effect: str


class Node(BaseModel):
    """The part of a Kubernetes Node the scheduler reads, plus the pods already bound to it.

    ``allocatable`` is ``status.allocatable``, or ``status.capacity`` when the node reports no
    allocatable (``SetDefaults_NodeStatus``); quantities are kept as text. ``pods`` are the Pod
    objects whose ``spec.nodeName`` is this node and whose phase is not terminal: their
    requests are what the node has already given away, and their count counts against the
    node's ``pods`` allocatable.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    labels: dict[str, str] = Field(default_factory=dict)
    taints: tuple[Taint, ...] = ()
    unschedulable: bool = False
    allocatable: dict[str, str] = Field(default_factory=dict)
    pods: tuple[dict[str, Any], ...] = ()

    @classmethod
    def from_object(
        cls, obj: Mapping[str, Any], *, source: str = "<object>", location: str | None = None
    ) -> Node:
        """A :class:`Node` from Kubernetes Node JSON; :class:`ManifestError` naming ``source`` if bad."""
        meta = obj.get("metadata") or {}
        spec = obj.get("spec") or {}
        status = obj.get("status") or {}
        for part, value_ in (("metadata", meta), ("spec", spec), ("status", status)):
            if not isinstance(value_, Mapping):
                raise ManifestError(source, f"Node {part} must be an object", location)
        resources = status.get("allocatable") or status.get("capacity") or {}
        try:
            return cls(
                name=meta.get("name") or "",
                labels=meta.get("labels") or {},
                taints=tuple(spec.get("taints") or ()),
                unschedulable=spec.get("unschedulable") or False,
                allocatable={str(k): _quantity_text(v) for k, v in dict(resources).items()},
            )
        except (ValidationError, TypeError, ValueError) as exc:
            raise ManifestError(source, f"Node {_first_error(exc)}", location) from exc

    def with_pods(self, pods: Iterable[Mapping[str, Any]]) -> Node:
        """A copy of this node with ``pods`` bound to it as well."""
        return self.model_copy(update={"pods": (*self.pods, *(dict(p) for p in pods))})


def _quantity_text(raw: Any) -> str:
    """A quantity as text, checked: the node file must say what the node has."""
    parse_quantity(raw)
    return raw if isinstance(raw, str) else str(raw)


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        return f"{loc}: {err['msg']}" if loc else str(err["msg"])
    return str(exc)


def read_objects(path: str | Path) -> list[dict[str, Any]]:
    """The Kubernetes objects in a file: JSON, YAML, multi-document YAML, ``kind: List`` / ``NodeList``.

    ``-`` reads standard input. :class:`ManifestError` names the file (and the line, for YAML
    syntax errors) when it cannot be read.
    """
    source = "<stdin>" if str(path) == "-" else str(path)
    try:
        text = sys.stdin.read() if str(path) == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ManifestError(source, exc.strerror or str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise ManifestError(source, "is not UTF-8 text") from exc
    docs = _parse_documents(text, source)
    objects: list[dict[str, Any]] = []
    for index, doc in enumerate(docs):
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise ManifestError(
                source, f"expected a Kubernetes object, got {type(doc).__name__}", f"document {index}"
            )
        kind = doc.get("kind")
        if isinstance(kind, str) and kind.endswith("List") and isinstance(doc.get("items"), list):
            for item_index, item in enumerate(doc["items"]):
                if not isinstance(item, dict):
                    raise ManifestError(source, "expected a Kubernetes object", f"items[{item_index}]")
                objects.append(item)
        else:
            objects.append(doc)
    return objects


def _parse_documents(text: str, source: str) -> list[Any]:
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        decoder = json.JSONDecoder(parse_constant=refuse_constant)
        docs: list[Any] = []
        pos = len(text) - len(stripped)
        try:
            while pos < len(text):
                doc, pos = decoder.raw_decode(text, pos)
                docs.append(doc)
                while pos < len(text) and text[pos].isspace():
                    pos += 1
        except json.JSONDecodeError:
            pass  # not (only) JSON: YAML may still read it
        except RecursionError:
            raise ManifestError(source, f"not valid JSON: nested more than {MAX_DEPTH} levels deep") from None
        except ValueError as exc:  # NaN, Infinity, an integer of more than 4,300 digits
            raise ManifestError(source, f"not valid JSON: {str(exc).splitlines()[0]}") from None
        else:
            flat = [item for doc in docs for item in (doc if isinstance(doc, list) else [doc])]
            check_values(flat, source)
            return flat
    docs = parse_yaml(text, source)  # the loader's bounds: aliases, depth
    check_values(docs, source)
    return docs


def nodes_from_objects(objects: Sequence[Mapping[str, Any]], *, source: str = "<object>") -> list[Node]:
    """Nodes, in file order, with each bound, non-terminal Pod attached to its node.

    Pods that name no node, a node not in the file, or that are Succeeded or Failed take up
    nothing, as in the scheduler's cache (its informer skips terminal pods).
    """
    nodes: dict[str, Node] = {}
    bound: dict[str, list[Mapping[str, Any]]] = {}
    for index, obj in enumerate(objects):
        kind = obj.get("kind")
        location = f"object {index}"
        if kind == "Node":
            node = Node.from_object(obj, source=source, location=location)
            if node.name in nodes:
                raise ManifestError(source, f"duplicate Node {node.name!r}", location)
            nodes[node.name] = node
        elif kind == "Pod":
            spec = obj.get("spec")
            status = obj.get("status")
            node_name = spec.get("nodeName") if isinstance(spec, Mapping) else None
            phase = status.get("phase") if isinstance(status, Mapping) else None
            if isinstance(node_name, str) and node_name and phase not in ("Succeeded", "Failed"):
                try:
                    pod_requests(obj)  # fail here, naming the file, rather than while scheduling
                except InvalidPod as exc:
                    raise ManifestError(source, f"Pod {exc.where}: {exc.problem}", location) from exc
                bound.setdefault(node_name, []).append(obj)
        else:
            raise ManifestError(source, f"kind {kind!r} is not Node or Pod", location)
    if not nodes:
        raise ManifestError(source, "no Node objects")
    return [node.with_pods(bound.get(name, ())) for name, node in nodes.items()]


def load_nodes(path: str | Path) -> list[Node]:
    """The nodes in a file (see :func:`read_objects` for the formats, :class:`Node` for the fields)."""
    source = "<stdin>" if str(path) == "-" else str(path)
    return nodes_from_objects(read_objects(path), source=source)


# --------------------------------------------------------------------------------------------
# Requests (k8s.io/component-helpers/resource: PodRequests, AggregateContainerRequests)


def _resource_list(raw: Any, where: str) -> dict[str, Fraction]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise InvalidPod("must be an object", where)
    out = {}
    for name, amount in raw.items():
        try:
            out[str(name)] = parse_quantity(amount)
        except QuantityError as exc:
            raise InvalidPod(str(exc), f"{where}.{name}") from exc
    return out


def _add(total: dict[str, Fraction], more: Mapping[str, Fraction]) -> None:
    for name, amount in more.items():
        total[name] = total.get(name, Fraction(0)) + amount


def _max_into(total: dict[str, Fraction], other: Mapping[str, Fraction]) -> None:
    for name, amount in other.items():
        total[name] = max(total.get(name, Fraction(0)), amount)


def _container_requests(
    pod: Mapping[str, Any], key: str
) -> list[tuple[Mapping[str, Any], dict[str, Fraction]]]:
    spec = pod.get("spec")
    if not isinstance(spec, Mapping):
        raise InvalidPod("has no spec", "pod")
    containers = spec.get(key) or []
    if not isinstance(containers, list):
        raise InvalidPod("must be a list", f"spec.{key}")
    out = []
    for i, ctr in enumerate(containers):
        if not isinstance(ctr, Mapping):
            raise InvalidPod("must be an object", f"spec.{key}[{i}]")
        resources = ctr.get("resources") or {}
        if not isinstance(resources, Mapping):
            raise InvalidPod("must be an object", f"spec.{key}[{i}].resources")
        out.append((ctr, _resource_list(resources.get("requests"), f"spec.{key}[{i}].resources.requests")))
    return out


def pod_requests(pod: Mapping[str, Any], *, non_zero: bool = False) -> dict[str, Fraction]:
    """What the pod asks of a node: ``resourcehelper.PodRequests``.

    Regular containers add up; sidecars (init containers with ``restartPolicy: Always``) add
    to them and keep running while later init containers run; the result is the larger, per
    resource, of that sum and every init container's own request plus the sidecars started
    before it. Pod-level ``spec.resources.requests`` (cpu, memory) replace the containers'
    figure; ``spec.overhead`` is added on top.

    ``non_zero=True`` is the variant scoring uses: a container without a cpu (memory)
    request counts 100m (200Mi), as ``NonMissingContainerRequests`` does.
    """
    defaults = {"cpu": Fraction(DEFAULT_MILLI_CPU_REQUEST, 1000), "memory": Fraction(DEFAULT_MEMORY_REQUEST)}

    def effective(reqs: dict[str, Fraction]) -> dict[str, Fraction]:
        if not non_zero:
            return reqs
        return {**{k: v for k, v in defaults.items() if k not in reqs}, **reqs}

    total: dict[str, Fraction] = {}
    for _ctr, reqs in _container_requests(pod, "containers"):
        _add(total, effective(reqs))
    sidecars: dict[str, Fraction] = {}
    init_peak: dict[str, Fraction] = {}
    for ctr, reqs in _container_requests(pod, "initContainers"):
        reqs = effective(reqs)
        if ctr.get("restartPolicy") == "Always":
            _add(total, reqs)
            _add(sidecars, reqs)
            during = dict(sidecars)
        else:
            during = dict(reqs)
            _add(during, sidecars)
        _max_into(init_peak, during)
    _max_into(total, init_peak)
    spec = pod["spec"]
    pod_resources = spec.get("resources") or {}
    if isinstance(pod_resources, Mapping):
        for name, amount in _resource_list(pod_resources.get("requests"), "spec.resources.requests").items():
            if name in ("cpu", "memory"):
                total[name] = amount
    _add(total, _resource_list(spec.get("overhead"), "spec.overhead"))
    return total


def _units(reqs: Mapping[str, Fraction]) -> dict[str, int]:
    """Requests in the scheduler's integers: millicores for cpu, whole units for the rest."""
    return {name: milli_value(q) if name == "cpu" else value(q) for name, q in reqs.items()}


def _is_scalar_resource(name: str) -> bool:
    """``schedutil.IsScalarResourceName``: extended, hugepages, prefixed native, attachable volumes."""
    return (
        is_extended_resource(name)
        or is_hugepages_resource(name)
        or ("/" in name and "kubernetes.io/" in name)
        or name.startswith("attachable-volumes-")
    )


# --------------------------------------------------------------------------------------------
# Filters


def _tolerates(toleration: Any, taint: Taint) -> bool:
    """``Toleration.ToleratesTaint``: effect (empty = all), key (empty = all), Equal value or Exists."""
    if not isinstance(toleration, Mapping):
        return False
    effect = toleration.get("effect") or ""
    if effect and effect != taint.effect:
        return False
    key = toleration.get("key") or ""
    if key and key != taint.key:
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Equal":
        return (toleration.get("value") or "") == taint.value
    return bool(operator == "Exists")


def _tolerations(spec: Mapping[str, Any]) -> list[Any]:
    tolerations = spec.get("tolerations") or []
    return tolerations if isinstance(tolerations, list) else []


def untolerated_taint(node: Node, spec: Mapping[str, Any]) -> Taint | None:
    """``FindMatchingUntoleratedTaint``: the first NoSchedule/NoExecute taint no toleration covers."""
    tolerations = _tolerations(spec)
    for taint in node.taints:
        if taint.effect in ("NoSchedule", "NoExecute") and not any(_tolerates(t, taint) for t in tolerations):
            return taint
    return None


def _requirement_matches(req: Any, values_of: Mapping[str, str]) -> bool:
    """One ``NodeSelectorRequirement`` (In, NotIn, Exists, DoesNotExist, Gt, Lt) against labels or fields."""
    if not isinstance(req, Mapping):
        return False
    key, operator = req.get("key"), req.get("operator")
    values = req.get("values") or []
    if not isinstance(key, str) or not isinstance(values, list):
        return False
    present = key in values_of
    actual = values_of.get(key)
    if operator == "In":
        return present and actual in values
    if operator == "NotIn":
        return not present or actual not in values
    if operator == "Exists":
        return present
    if operator == "DoesNotExist":
        return not present
    if operator in ("Gt", "Lt") and present and len(values) == 1:
        try:
            have, bound = int(str(actual)), int(str(values[0]))
        except ValueError:
            return False
        return have > bound if operator == "Gt" else have < bound
    return False


def _term_matches(term: Any, node: Node) -> bool:
    """A ``NodeSelectorTerm``: its expressions and fields ANDed; an empty term matches nothing."""
    if not isinstance(term, Mapping):
        return False
    expressions = term.get("matchExpressions") or []
    fields = term.get("matchFields") or []
    if not isinstance(expressions, list) or not isinstance(fields, list) or not (expressions or fields):
        return False
    for req in fields:
        if not isinstance(req, Mapping) or req.get("key") != "metadata.name":
            return False
    return all(_requirement_matches(r, node.labels) for r in expressions) and all(
        _requirement_matches(r, {"metadata.name": node.name}) for r in fields
    )


def matches_node_affinity(node: Node, spec: Mapping[str, Any]) -> bool:
    """``nodeaffinity.Filter``: ``nodeSelector`` labels all equal, and some required term matches."""
    selector = spec.get("nodeSelector") or {}
    if isinstance(selector, Mapping) and any(node.labels.get(str(k)) != v for k, v in selector.items()):
        return False
    affinity = spec.get("affinity") or {}
    node_affinity = affinity.get("nodeAffinity") if isinstance(affinity, Mapping) else None
    required = (
        node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
        if isinstance(node_affinity, Mapping)
        else None
    )
    if not isinstance(required, Mapping):
        return True
    terms = required.get("nodeSelectorTerms") or []
    return isinstance(terms, list) and any(_term_matches(t, node) for t in terms)


@dataclass(frozen=True)
class _Usage:
    """What a node has and has given away (the scheduler's ``NodeInfo``)."""

    allocatable: dict[str, int]
    requested: dict[str, int]
    non_zero_requested: dict[str, int]
    pod_count: int


def _usage(node: Node) -> _Usage:
    allocatable = _units({k: parse_quantity(v) for k, v in node.allocatable.items()})
    requested: dict[str, int] = {}
    non_zero: dict[str, int] = {}
    for pod in node.pods:
        for name, amount in _units(pod_requests(pod)).items():
            requested[name] = requested.get(name, 0) + amount
        for name, amount in _units(pod_requests(pod, non_zero=True)).items():
            if name in ("cpu", "memory"):
                non_zero[name] = non_zero.get(name, 0) + amount
    return _Usage(allocatable, requested, non_zero, len(node.pods))


def _fit_reasons(request: Mapping[str, int], usage: _Usage) -> tuple[list[str], bool]:
    """``fitsRequest``: one reason per short resource, and whether preemption could not help."""
    reasons: list[str] = []
    unresolvable = False
    if usage.pod_count + 1 > usage.allocatable.get("pods", 0):
        reasons.append(REASON_TOO_MANY_PODS)
    names = ["cpu", "memory", "ephemeral-storage", *(n for n in request if _is_scalar_resource(n))]
    for name in names:
        wanted = request.get(name, 0)
        if wanted <= 0:
            continue
        capacity = usage.allocatable.get(name, 0)
        if wanted > capacity - usage.requested.get(name, 0):
            reasons.append(f"Insufficient {name}")
            unresolvable = unresolvable or wanted > capacity
    return reasons, unresolvable


def least_allocated_score(pod_non_zero: Mapping[str, int], usage: _Usage) -> int:
    """``LeastAllocated``: mean over cpu and memory of ``(allocatable - requested) * 100 // allocatable``.

    ``requested`` counts the node's pods and this one with the non-zero defaults; a resource
    the node does not report is left out of the mean.
    """
    total = weights = 0
    for name in ("cpu", "memory"):
        capacity = usage.allocatable.get(name, 0)
        if capacity == 0:
            continue
        requested = usage.non_zero_requested.get(name, 0) + pod_non_zero.get(name, 0)
        score = 0 if requested > capacity else (capacity - requested) * MAX_NODE_SCORE // capacity
        total += score
        weights += 1
    return total // weights if weights else 0


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class NodeVerdict:
    """One node's outcome: the filter that rejected it and why, or its score."""

    node: str
    fits: bool
    plugin: str | None = None
    """The rejecting Filter plugin: NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit."""
    reasons: tuple[str, ...] = ()
    unresolvable: bool = False
    """UnschedulableAndUnresolvable upstream: evicting pods from this node would not help."""
    score: int | None = None
    allocatable: dict[str, int] = field(default_factory=dict)
    requested: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.node,
            "fits": self.fits,
            "plugin": self.plugin,
            "reasons": list(self.reasons),
            "score": self.score,
            "allocatable": _quantities(self.allocatable),
            "requested": _quantities(self.requested),
        }


def _quantities(units: Mapping[str, int]) -> dict[str, str]:
    return {name: format_milli(n) if name == "cpu" else str(n) for name, n in units.items()}


@dataclass(frozen=True)
class ScheduleResult:
    """What the scheduler decided for one pod, and why.

    ``verdict`` is ``Scheduled``, ``Unschedulable`` or ``SchedulingGated``; ``node`` the chosen
    node; ``message`` kube-scheduler's text; ``nodes`` every node's :class:`NodeVerdict` in the
    order given; ``preset`` is true when ``spec.nodeName`` was already set.
    """

    verdict: Verdict
    node: str | None = None
    message: str = ""
    nodes: tuple[NodeVerdict, ...] = ()
    preset: bool = False
    requests: dict[str, int] = field(default_factory=dict)

    @property
    def event(self) -> dict[str, Any] | None:
        """The podfsm lifecycle event, or ``None`` for a gated pod (nothing happens until the gates go)."""
        if self.verdict == "Scheduled":
            return {"type": "Scheduled", "node": self.node}
        if self.verdict == "Unschedulable":
            return {"type": "Unschedulable", "message": self.message}
        return None

    @property
    def condition(self) -> dict[str, str]:
        """The ``PodScheduled`` condition this outcome gives the pod: type, status, reason, message."""
        if self.verdict == "Scheduled":
            status, reason, message = ConditionStatus.TRUE.value, "", ""
        elif self.verdict == "Unschedulable":
            status, reason, message = (
                ConditionStatus.FALSE.value,
                ConditionReason.UNSCHEDULABLE.value,
                self.message,
            )
        else:
            status, reason, message = (
                ConditionStatus.FALSE.value,
                ConditionReason.SCHEDULING_GATED.value,
                self.message,
            )
        return {
            "type": ConditionType.POD_SCHEDULED.value,
            "status": status,
            "reason": reason,
            "message": message,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the event, the verdict, and every node's reasons and score."""
        return {
            "event": self.event,
            "verdict": self.verdict,
            "node": self.node,
            "message": self.message,
            "preset": self.preset,
            "requests": _quantities(self.requests),
            "nodes": [n.to_dict() for n in self.nodes],
        }


def fit_error_message(num_nodes: int, verdicts: Iterable[NodeVerdict]) -> str:
    """``FitError.Error``: ``0/N nodes are available: <count> <reason>, ...``, the pairs sorted as text."""
    counts: dict[str, int] = {}
    for verdict in verdicts:
        for reason in verdict.reasons:
            counts[reason] = counts.get(reason, 0) + 1
    message = f"0/{num_nodes} nodes are available:"
    histogram = sorted(f"{count} {reason}" for reason, count in counts.items())
    if histogram:
        message += f" {', '.join(histogram)}."
    return message


# --------------------------------------------------------------------------------------------
# Scheduling


def _filter(
    node: Node, spec: Mapping[str, Any], request: Mapping[str, int], usage: _Usage
) -> tuple[str, tuple[str, ...], bool] | None:
    """The default Filters in order; the first to reject the node gives (plugin, reasons, unresolvable)."""
    unschedulable_taint = Taint(key=TAINT_UNSCHEDULABLE, effect="NoSchedule")
    if node.unschedulable and not any(_tolerates(t, unschedulable_taint) for t in _tolerations(spec)):
        return "NodeUnschedulable", (REASON_UNSCHEDULABLE,), True
    taint = untolerated_taint(node, spec)
    if taint is not None:
        return "TaintToleration", (f"node(s) had untolerated taint {{{taint.key}: {taint.value}}}",), True
    if not matches_node_affinity(node, spec):
        return "NodeAffinity", (REASON_AFFINITY,), True
    reasons, unresolvable = _fit_reasons(request, usage)
    if reasons:
        return "NodeResourcesFit", tuple(reasons), unresolvable
    return None


def schedule(pod: Mapping[str, Any], nodes: Sequence[Node]) -> ScheduleResult:
    """Pick a node for ``pod`` as kube-scheduler's default profile would; never mutates its input.

    - ``spec.nodeName`` set: Scheduled there, with no filtering (the pod bypasses the scheduler).
    - ``spec.schedulingGates`` not empty: SchedulingGated, no event.
    - no nodes: Unschedulable, ``no nodes available to schedule pods``.
    - otherwise filter every node, score the ones left (LeastAllocated), pick the best; ties go
      to the node name that sorts first, where kube-scheduler picks one of them at random.
    """
    pod = as_pod_dict(pod)
    if not isinstance(pod, Mapping):
        raise InvalidPod(f"expected a pod object (a mapping), got {type(pod).__name__}")
    spec = pod.get("spec")
    if not isinstance(spec, Mapping):
        raise InvalidPod("has no spec", "pod")
    request = _units(pod_requests(pod))
    node_name = spec.get("nodeName")
    if isinstance(node_name, str) and node_name:
        return ScheduleResult("Scheduled", node_name, preset=True, requests=request)
    if spec.get("schedulingGates"):
        return ScheduleResult("SchedulingGated", message=SCHEDULING_GATED_MESSAGE, requests=request)
    if not nodes:
        return ScheduleResult("Unschedulable", message=NO_NODES_MESSAGE, requests=request)
    non_zero = _units(pod_requests(pod, non_zero=True))
    verdicts = []
    for node in nodes:
        usage = _usage(node)
        common: dict[str, Any] = {"allocatable": usage.allocatable, "requested": usage.requested}
        rejected = _filter(node, spec, request, usage)
        if rejected is None:
            verdicts.append(
                NodeVerdict(node.name, True, score=least_allocated_score(non_zero, usage), **common)
            )
        else:
            plugin, reasons, unresolvable = rejected
            verdicts.append(NodeVerdict(node.name, False, plugin, reasons, unresolvable, **common))
    feasible = [v for v in verdicts if v.fits]
    if not feasible:
        return ScheduleResult(
            "Unschedulable",
            message=fit_error_message(len(nodes), verdicts),
            nodes=tuple(verdicts),
            requests=request,
        )
    best = min(feasible, key=lambda v: (-(v.score or 0), v.node))
    return ScheduleResult("Scheduled", best.node, nodes=tuple(verdicts), requests=request)
