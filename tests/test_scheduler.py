"""The node-fit scheduler: podfsm.model.scheduler against kube-scheduler's default filters,
messages and scoring.

Upstream: pkg/scheduler/framework/plugins/{nodeunschedulable,tainttoleration,nodeaffinity,noderesources},
pkg/scheduler/framework/types.go (FitError.Error), pkg/scheduler/schedule_one.go,
staging/src/k8s.io/component-helpers/resource/helpers.go (PodRequests).
"""

from __future__ import annotations

import copy
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from podfsm.errors import InvalidPod, ManifestError
from podfsm.model.scheduler import (
    NO_NODES_MESSAGE,
    Node,
    fit_error_message,
    load_nodes,
    nodes_from_objects,
    pod_requests,
    schedule,
)

DATA = Path(__file__).parent / "data"
GI = 2**30


def node(
    name: str,
    *,
    cpu: str = "4",
    memory: str = "8Gi",
    pods: str = "110",
    labels: dict[str, str] | None = None,
    taints: list[dict[str, str]] | None = None,
    unschedulable: bool = False,
    extra: dict[str, str] | None = None,
) -> Node:
    """A Node built from Kubernetes Node JSON, as load_nodes builds it."""
    return Node.from_object(
        {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": name, "labels": labels or {}},
            "spec": {"taints": taints or [], "unschedulable": unschedulable},
            "status": {"allocatable": {"cpu": cpu, "memory": memory, "pods": pods, **(extra or {})}},
        }
    )


def pod(requests: dict[str, str] | None = None, **spec: Any) -> dict[str, Any]:
    """A pod with one container asking for ``requests``; keyword arguments are spec fields."""
    ctr: dict[str, Any] = {"name": "app", "image": "nginx:1.25"}
    if requests is not None:
        ctr["resources"] = {"requests": requests}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web"},
        "spec": {"containers": [ctr], **spec},
    }


def bound(name: str, node_name: str, requests: dict[str, str] | None = None) -> dict[str, Any]:
    obj = pod(requests, nodeName=node_name)
    obj["metadata"]["name"] = name
    return obj


# --------------------------------------------------------------------------------------------
# Nodes files


def test_load_nodes_multi_document_yaml() -> None:
    """Node objects as `kubectl get nodes -o yaml` prints them: name, labels, taints, status.allocatable."""
    nodes = load_nodes(DATA / "sched_nodes.yaml")
    assert [n.name for n in nodes] == ["node-a", "node-b", "node-c"]
    assert nodes[0].labels["disktype"] == "ssd"
    assert nodes[0].allocatable == {"cpu": "1", "memory": "4Gi", "pods": "110"}
    assert [(t.key, t.value, t.effect) for t in nodes[1].taints] == [("dedicated", "gpu", "NoSchedule")]


def test_load_nodes_node_list_json() -> None:
    """A NodeList (`kubectl get nodes -o json`): items, spec.unschedulable, extended resources."""
    nodes = load_nodes(DATA / "sched_nodelist.json")
    assert [n.name for n in nodes] == ["worker-1", "worker-2"]
    assert nodes[0].unschedulable is True
    assert nodes[0].allocatable["example.com/gpu"] == "1"


def test_load_nodes_with_bound_pods_and_capacity_fallback() -> None:
    """SetDefaults_NodeStatus (allocatable from capacity); the scheduler's cache counts bound, live pods."""
    nodes = load_nodes(DATA / "sched_cluster.yaml")
    assert nodes[0].allocatable == {"cpu": "2", "memory": "4Gi", "pods": "3"}
    assert nodes[1].allocatable == {"cpu": "4", "memory": "8Gi", "pods": "110"}
    assert [p["metadata"]["name"] for p in nodes[0].pods] == ["p1", "p2"]  # p3 Succeeded, p5 unbound
    assert [p["metadata"]["name"] for p in nodes[1].pods] == ["p4"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind: Node\nmetadata: {name: a\n", "bad.yaml: line 3, column 1: not valid YAML"),
        ("kind: Service\nmetadata: {name: a}\n", "bad.yaml: object 0: kind 'Service' is not Node or Pod"),
        ("kind: Pod\nspec: {nodeName: a, containers: []}\n", "bad.yaml: no Node objects"),
        (
            "kind: Node\nmetadata: {name: a}\n---\nkind: Node\nmetadata: {name: a}\n",
            "bad.yaml: object 1: duplicate Node 'a'",
        ),
        ("kind: Node\nmetadata: {}\n", "bad.yaml: object 0: Node name:"),
        (
            "kind: Node\nmetadata: {name: a}\nstatus: {allocatable: {cpu: lots}}\n",
            "bad.yaml: object 0: Node quantities",
        ),
        (
            "kind: Node\nmetadata: {name: a}\nspec: {taints: [{key: k}]}\n",
            "bad.yaml: object 0: Node taints.0.effect",
        ),
        (
            "kind: Node\nmetadata: {name: a}\n---\nkind: Pod\nspec: {nodeName: a, containers: "
            "[{name: c, resources: {requests: {cpu: x}}}]}\n",
            "bad.yaml: object 1: Pod spec.containers[0].resources.requests.cpu: quantities must match",
        ),
    ],
)
def test_bad_nodes_file_names_file_and_place(tmp_path: Path, text: str, message: str) -> None:
    """podfsm's loading contract (interface.md section 2): a ManifestError naming the file and where."""
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ManifestError) as info:
        load_nodes(path)
    assert str(info.value).replace(str(path), "bad.yaml").startswith(message)


def test_missing_nodes_file(tmp_path: Path) -> None:
    """A nodes file that cannot be read is a ManifestError naming it."""
    with pytest.raises(ManifestError, match=r"nope\.yaml"):
        load_nodes(tmp_path / "nope.yaml")


# --------------------------------------------------------------------------------------------
# Requests


def containers(*cpus: str, sidecar: bool = False) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, cpu in enumerate(cpus):
        ctr: dict[str, Any] = {"name": f"c{i}", "image": "x:1", "resources": {"requests": {"cpu": cpu}}}
        if sidecar:
            ctr["restartPolicy"] = "Always"
        out.append(ctr)
    return out


def test_requests_upstream_example() -> None:
    """computePodResourceRequest's doc example (noderesources/fit.go): the answer is cpu 3, memory 3G."""
    obj = {
        "spec": {
            "initContainers": [
                {"name": "ic1", "resources": {"requests": {"cpu": "2", "memory": "1G"}}},
                {"name": "ic2", "resources": {"requests": {"cpu": "2", "memory": "3G"}}},
            ],
            "containers": [
                {"name": "c1", "resources": {"requests": {"cpu": "2", "memory": "1G"}}},
                {"name": "c2", "resources": {"requests": {"cpu": "1", "memory": "1G"}}},
            ],
        }
    }
    assert pod_requests(obj) == {"cpu": Fraction(3), "memory": Fraction(3 * 10**9)}


@pytest.mark.parametrize(
    ("init", "regular", "cpu"),
    [
        # sidecar 1 then init 2: the init runs beside the sidecar (3); afterwards 1 + 1 = 2.
        ([*containers("1", sidecar=True), *containers("2")], containers("1"), Fraction(3)),
        # init 2 runs first, alone; then sidecar 1 + app 1 = 2.
        ([*containers("2"), *containers("1", sidecar=True)], containers("1"), Fraction(2)),
        # two sidecars keep adding up: 500m + 500m + app 2 = 3.
        (containers("500m", "500m", sidecar=True), containers("2"), Fraction(3)),
        # an init container bigger than everything else sets the figure.
        (containers("4"), containers("1", "1"), Fraction(4)),
    ],
)
def test_requests_with_sidecars(
    init: list[dict[str, Any]], regular: list[dict[str, Any]], cpu: Fraction
) -> None:
    """resourcehelper.AggregateContainerRequests: sidecars add up and run beside later init containers."""
    assert pod_requests({"spec": {"initContainers": init, "containers": regular}})["cpu"] == cpu


def test_requests_overhead_and_pod_level() -> None:
    """resourcehelper.PodRequests: pod-level requests replace the containers' figure; overhead is added."""
    obj = pod(
        {"cpu": "1", "memory": "1Gi"}, overhead={"cpu": "250m"}, resources={"requests": {"memory": "2Gi"}}
    )
    assert pod_requests(obj) == {"cpu": Fraction(5, 4), "memory": Fraction(2 * GI)}


def test_non_zero_requests_for_scoring() -> None:
    """NonMissingContainerRequests: scoring counts 100m cpu, 200Mi memory for a container without requests."""
    obj = pod(None, initContainers=containers("50m"))
    assert pod_requests(obj) == {"cpu": Fraction(1, 20)}
    assert pod_requests(obj, non_zero=True) == {"cpu": Fraction(1, 10), "memory": Fraction(200 * 2**20)}


def test_requests_reject_bad_quantity() -> None:
    """A pod the scheduler cannot read is InvalidPod naming the field, never a bare exception."""
    with pytest.raises(InvalidPod, match=r"spec.containers\[0\].resources.requests.cpu"):
        pod_requests(pod({"cpu": "lots"}))


# --------------------------------------------------------------------------------------------
# Filters


def test_node_unschedulable() -> None:
    """nodeunschedulable: spec.unschedulable rejects, unless the pod tolerates the unschedulable taint."""
    nodes = [node("a", unschedulable=True)]
    result = schedule(pod({"cpu": "1"}), nodes)
    assert result.event == {
        "type": "Unschedulable",
        "message": "0/1 nodes are available: 1 node(s) were unschedulable.",
    }
    assert (result.nodes[0].plugin, result.nodes[0].unresolvable) == ("NodeUnschedulable", True)
    toleration = {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}
    assert schedule(pod({"cpu": "1"}, tolerations=[toleration]), nodes).event == {
        "type": "Scheduled",
        "node": "a",
    }


@pytest.mark.parametrize(
    ("tolerations", "fits"),
    [
        ([], False),
        ([{"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}], True),
        ([{"key": "dedicated", "value": "gpu"}], True),  # empty operator is Equal, empty effect matches all
        ([{"key": "dedicated", "operator": "Exists"}], True),
        ([{"operator": "Exists"}], True),  # empty key with Exists tolerates everything
        ([{"key": "dedicated", "operator": "Equal", "value": "cpu"}], False),
        ([{"key": "dedicated", "operator": "Exists", "effect": "NoExecute"}], False),
        ([{"key": "other", "operator": "Exists"}], False),
    ],
)
def test_taints_and_tolerations(tolerations: list[dict[str, str]], fits: bool) -> None:
    """tainttoleration.Filter with v1.Toleration.ToleratesTaint: key, operator Equal/Exists, value, effect."""
    nodes = [node("a", taints=[{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}])]
    result = schedule(pod({"cpu": "1"}, tolerations=tolerations), nodes)
    if fits:
        assert result.event == {"type": "Scheduled", "node": "a"}
    else:
        assert result.message == "0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}."


def test_only_no_schedule_and_no_execute_taints_filter() -> None:
    """DoNotScheduleTaintsFilterFunc: PreferNoSchedule is for scoring; NoExecute filters like NoSchedule."""
    prefer = [node("a", taints=[{"key": "k", "value": "v", "effect": "PreferNoSchedule"}])]
    assert schedule(pod(), prefer).verdict == "Scheduled"
    execute = [node("a", taints=[{"key": "k", "effect": "NoExecute"}])]
    assert (
        schedule(pod(), execute).message == "0/1 nodes are available: 1 node(s) had untolerated taint {k: }."
    )


def test_first_untolerated_taint_is_reported() -> None:
    """FindMatchingUntoleratedTaint returns the first untolerated taint in the node's order."""
    taints = [
        {"key": "a", "value": "1", "effect": "NoSchedule"},
        {"key": "b", "value": "2", "effect": "NoSchedule"},
        {"key": "c", "value": "3", "effect": "NoExecute"},
    ]
    result = schedule(pod(tolerations=[{"key": "a", "operator": "Exists"}]), [node("n", taints=taints)])
    assert result.nodes[0].reasons == ("node(s) had untolerated taint {b: 2}",)


def test_node_selector() -> None:
    """nodeaffinity.Filter: every nodeSelector label must equal the node's."""
    nodes = [node("a", labels={"disktype": "hdd"}), node("b", labels={"disktype": "ssd", "zone": "x"})]
    assert schedule(pod(nodeSelector={"disktype": "ssd"}), nodes).event == {"type": "Scheduled", "node": "b"}
    result = schedule(pod(nodeSelector={"disktype": "nvme"}), nodes)
    assert result.message == "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector."


def affinity(*terms: dict[str, Any]) -> dict[str, Any]:
    return {
        "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}}
    }


def expr(key: str, operator: str, *values: str) -> dict[str, Any]:
    req: dict[str, Any] = {"key": key, "operator": operator}
    if values:
        req["values"] = list(values)
    return req


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        ([{"matchExpressions": [expr("zone", "In", "a", "b")]}], ["a", "b"]),
        (
            [{"matchExpressions": [expr("zone", "NotIn", "a")]}],
            ["b", "c"],
        ),  # c has no zone label: NotIn matches
        ([{"matchExpressions": [expr("gpu", "Exists")]}], ["b"]),
        ([{"matchExpressions": [expr("gpu", "DoesNotExist")]}], ["a", "c"]),
        ([{"matchExpressions": [expr("cores", "Gt", "8")]}], ["c"]),
        ([{"matchExpressions": [expr("cores", "Lt", "8")]}], ["a"]),
        ([{"matchExpressions": [expr("zone", "In", "a"), expr("gpu", "Exists")]}], []),  # ANDed
        (
            [{"matchExpressions": [expr("zone", "In", "a")]}, {"matchExpressions": [expr("gpu", "Exists")]}],
            ["a", "b"],
        ),
        ([{"matchFields": [expr("metadata.name", "In", "c")]}], ["c"]),
        ([{"matchFields": [expr("metadata.name", "NotIn", "c")]}], ["a", "b"]),
        ([{}], []),  # an empty term matches no node
    ],
)
def test_required_node_affinity(terms: list[dict[str, Any]], expected: list[str]) -> None:
    """nodeaffinity.Filter, NodeSelectorRequirementsAsSelector: terms ORed, requirements ANDed."""
    nodes = [
        node("a", labels={"zone": "a", "cores": "4"}),
        node("b", labels={"zone": "b", "gpu": "1", "cores": "8"}),
        node("c", labels={"cores": "16"}),
    ]
    result = schedule(pod(affinity=affinity(*terms)), nodes)
    assert sorted(v.node for v in result.nodes if v.fits) == expected
    for verdict in result.nodes:
        if not verdict.fits:
            assert verdict.reasons == ("node(s) didn't match Pod's node affinity/selector",)


@pytest.mark.parametrize(
    ("requests", "reasons"),
    [
        ({"cpu": "5"}, ("Insufficient cpu",)),
        ({"memory": "9Gi"}, ("Insufficient memory",)),
        ({"ephemeral-storage": "1Gi"}, ("Insufficient ephemeral-storage",)),
        ({"example.com/gpu": "1"}, ("Insufficient example.com/gpu",)),
        ({"cpu": "5", "memory": "9Gi"}, ("Insufficient cpu", "Insufficient memory")),
    ],
)
def test_insufficient_resources(requests: dict[str, str], reasons: tuple[str, ...]) -> None:
    """noderesources.fitsRequest: one `Insufficient <resource>` per short resource, cpu first."""
    result = schedule(pod(requests), [node("a")])
    assert result.nodes[0].plugin == "NodeResourcesFit"
    assert result.nodes[0].reasons == reasons
    assert result.nodes[0].unresolvable  # the pod asks for more than the node has at all


def test_allocated_resources_count() -> None:
    """NodeInfo.Requested: what bound pods request is taken; the rest is free (not unresolvable)."""
    busy = node("a", cpu="4").with_pods([bound("p", "a", {"cpu": "3500m"})])
    result = schedule(pod({"cpu": "1"}), [busy])
    assert result.nodes[0].reasons == ("Insufficient cpu",)
    assert result.nodes[0].unresolvable is False
    assert result.nodes[0].requested == {"cpu": 3500}
    assert schedule(pod({"cpu": "500m"}), [busy]).verdict == "Scheduled"


def test_too_many_pods() -> None:
    """fitsRequest: the pod count is checked even for a pod that requests nothing."""
    full = node("a", pods="1").with_pods([bound("p", "a")])
    result = schedule(pod(), [full])
    assert result.message == "0/1 nodes are available: 1 Too many pods."
    no_pods = node("b", pods="0")
    assert schedule(pod(), [no_pods]).nodes[0].reasons == ("Too many pods",)


def test_filters_stop_at_the_first_rejection() -> None:
    """RunFilterPlugins: a node rejected by one Filter is not also counted for the later ones."""
    n = node("a", cpu="1", unschedulable=True, taints=[{"key": "k", "effect": "NoSchedule"}])
    assert schedule(pod({"cpu": "2"}), [n]).nodes[0].reasons == ("node(s) were unschedulable",)
    n = node("a", cpu="1", labels={}, taints=[{"key": "k", "effect": "NoSchedule"}])
    assert schedule(pod({"cpu": "2"}, nodeSelector={"x": "y"}), [n]).nodes[0].plugin == "TaintToleration"


# --------------------------------------------------------------------------------------------
# Messages


def test_unschedulable_message_from_data() -> None:
    """FitError.Error: `0/N nodes are available: ` + sorted `<count> <reason>` pairs + `.`."""
    pod_obj = yaml.safe_load((DATA / "sched_pod.yaml").read_text())
    result = schedule(pod_obj, load_nodes(DATA / "sched_nodes.yaml"))
    assert result.verdict == "Unschedulable"
    assert result.event == {
        "type": "Unschedulable",
        "message": "0/3 nodes are available: 1 Insufficient cpu, "
        "2 node(s) had untolerated taint {dedicated: gpu}.",
    }
    assert result.condition == {
        "type": "PodScheduled",
        "status": "False",
        "reason": "Unschedulable",
        "message": result.message,
    }


def test_message_counts_each_reason_and_sorts_as_text() -> None:
    """FitError.Error sorts `<count> <reason>` with sort.Strings: `10 ...` comes before `2 ...`."""
    nodes = [node(f"small-{i:02}", cpu="1") for i in range(10)]
    nodes += [
        node(f"tainted-{i}", taints=[{"key": "k", "value": "v", "effect": "NoSchedule"}]) for i in range(2)
    ]
    nodes += [node("tiny", cpu="1", memory="1Gi")]
    result = schedule(pod({"cpu": "2", "memory": "2Gi"}), nodes)
    assert result.message == (
        "0/13 nodes are available: 1 Insufficient memory, 11 Insufficient cpu, "
        "2 node(s) had untolerated taint {k: v}."
    )


def test_fit_error_message_without_reasons() -> None:
    """FitError.Error with an empty histogram ends after the colon."""
    assert fit_error_message(0, []) == "0/0 nodes are available:"


def test_no_nodes() -> None:
    """schedule_one.go: ErrNoNodesAvailable when the cluster has no node."""
    result = schedule(pod(), [])
    assert result.event == {"type": "Unschedulable", "message": NO_NODES_MESSAGE}
    assert NO_NODES_MESSAGE == "no nodes available to schedule pods"


# --------------------------------------------------------------------------------------------
# Scoring and choice


def test_least_allocated_scores() -> None:
    """LeastAllocated (noderesources/least_allocated.go): mean of (alloc - req) * 100 // alloc.

    node-1: cpu (2000 - 1100) * 100 // 2000 = 45; memory 4Gi - (1Gi + 200Mi + 512Mi) -> 57; mean 51.
    node-2: cpu (4000 - 1500) -> 62; memory (8Gi - 1.5Gi) -> 81; (62 + 81) // 2 = 71.
    p2 has no requests, so it counts 100m and 200Mi (NonZeroRequested).
    """
    nodes = load_nodes(DATA / "sched_cluster.yaml")
    result = schedule(pod({"cpu": "500m", "memory": "512Mi"}), nodes)
    assert [(v.node, v.score) for v in result.nodes] == [("node-1", 51), ("node-2", 71)]
    assert result.event == {"type": "Scheduled", "node": "node-2"}


def test_tie_goes_to_the_first_name() -> None:
    """selectHost picks at random among equal scores; podfsm picks the name that sorts first."""
    nodes = [node("zeta"), node("alpha"), node("mid")]
    result = schedule(pod({"cpu": "1"}), nodes)
    assert {v.score for v in result.nodes} == {(75 + 97) // 2}  # cpu 1 of 4; memory 200Mi (default) of 8Gi
    assert result.node == "alpha"


def test_emptier_node_wins() -> None:
    """LeastAllocated prefers the node with the most room left."""
    nodes = [node("a", cpu="2", memory="4Gi"), node("b", cpu="8", memory="16Gi")]
    assert schedule(pod({"cpu": "1", "memory": "1Gi"}), nodes).node == "b"


def test_scheduled_to_gpu_nodes_from_data() -> None:
    """Tolerations and nodeSelector together: only the tainted GPU nodes qualify, then the score decides."""
    pod_obj = yaml.safe_load((DATA / "sched_pod_gpu.yaml").read_text())
    result = schedule(pod_obj, load_nodes(DATA / "sched_nodes.yaml"))
    assert [v.fits for v in result.nodes] == [False, True, True]
    assert result.nodes[0].reasons == ("node(s) didn't match Pod's node affinity/selector",)
    assert result.event == {"type": "Scheduled", "node": "node-b"}
    assert result.condition["status"] == "True"


# --------------------------------------------------------------------------------------------
# Pods the scheduler does not place


def test_node_name_preset_skips_the_scheduler() -> None:
    """kube-scheduler only picks pods whose spec.nodeName is empty; a preset pod is bound as it is."""
    result = schedule(pod({"cpu": "100"}, nodeName="elsewhere"), [node("a", cpu="1")])
    assert result.event == {"type": "Scheduled", "node": "elsewhere"}
    assert result.preset is True
    assert result.nodes == ()


def test_scheduling_gates_hold_the_pod() -> None:
    """SchedulingGates PreEnqueue: a gated pod waits; PodScheduled=False, reason SchedulingGated."""
    result = schedule(pod(schedulingGates=[{"name": "example.com/wait"}]), [node("a")])
    assert result.verdict == "SchedulingGated"
    assert result.event is None
    assert result.condition == {
        "type": "PodScheduled",
        "status": "False",
        "reason": "SchedulingGated",
        "message": "Scheduling is blocked due to non-empty scheduling gates",
    }
    assert schedule(pod(schedulingGates=[]), [node("a")]).verdict == "Scheduled"


def test_schedule_never_mutates_inputs() -> None:
    """podfsm's contract: pure functions never mutate their input (pod and nodes)."""
    obj = pod({"cpu": "1"}, tolerations=[{"operator": "Exists"}])
    nodes = load_nodes(DATA / "sched_cluster.yaml")
    before_pod, before_nodes = copy.deepcopy(obj), [n.model_dump() for n in nodes]
    schedule(obj, nodes)
    assert obj == before_pod
    assert [n.model_dump() for n in nodes] == before_nodes


def test_not_a_pod() -> None:
    """interface.md section 2: input that is not a pod raises a podfsm error, not a bare exception."""
    with pytest.raises(InvalidPod):
        schedule([], [node("a")])  # type: ignore[arg-type]
    with pytest.raises(InvalidPod, match="has no spec"):
        schedule({"metadata": {}}, [node("a")])


def test_result_to_dict() -> None:
    """The JSON shape `podfsm schedule -o json` prints: event, verdict and every node's verdict."""
    nodes = nodes_from_objects(
        [
            {
                "kind": "Node",
                "metadata": {"name": "a"},
                "status": {"allocatable": {"cpu": "1", "pods": "10"}},
            },
            {
                "kind": "Node",
                "metadata": {"name": "b"},
                "status": {"allocatable": {"cpu": "4", "pods": "10"}},
            },
        ]
    )
    data = schedule(pod({"cpu": "1500m"}), nodes).to_dict()
    assert data["event"] == {"type": "Scheduled", "node": "b"}
    assert data["requests"] == {"cpu": "1500m"}
    assert data["nodes"][0] == {
        "name": "a",
        "fits": False,
        "plugin": "NodeResourcesFit",
        "reasons": ["Insufficient cpu"],
        "score": None,
        "allocatable": {"cpu": "1", "pods": "10"},
        "requested": {},
    }
    assert data["nodes"][1]["score"] == 62


def test_accepts_podfsm_pod_model() -> None:
    """interface.md section 1: functions taking a pod also take podfsm's pydantic model of it."""
    from podfsm.api import Pod

    model = Pod.model_validate(pod({"cpu": "5"}))
    assert schedule(model, [node("a")]).message == "0/1 nodes are available: 1 Insufficient cpu."
