"""The pydantic Pod models: exact round trip, Kubernetes' defaults, aliases, strictness."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from podfsm.api import Container, Pod, PodSpec, Probe, field_path, validation_problem
from podfsm.errors import ManifestError

DATA = Path(__file__).parent / "data"
CONFORMANCE = Path(__file__).resolve().parents[2] / "shared" / "conformance"


def kubectl_pod() -> dict[str, Any]:
    """What `kubectl get pod -o json` printed for a Deployment pod with an init container and a sidecar."""
    data: dict[str, Any] = json.loads((DATA / "load_kubectl_pod.json").read_text())
    return data


def minimal_pod(**container: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "app", **container}]}}


# --------------------------------------------------------------------------------------------
# Round trip


def test_kubectl_output_round_trips_exactly() -> None:
    d = kubectl_pod()
    assert Pod.model_validate(d).to_dict() == d


def test_round_trip_does_not_change_the_input() -> None:
    d = kubectl_pod()
    before = copy.deepcopy(d)
    Pod.model_validate(d).to_dict()
    assert d == before


def test_unknown_fields_are_kept_at_every_level() -> None:
    d = kubectl_pod()
    d["futureTopLevel"] = {"x": [1, 2]}
    d["metadata"]["managedFields"] = [{"manager": "kubectl", "operation": "Update"}]
    d["spec"]["containers"][0]["resizePolicy"] = [{"resourceName": "cpu", "restartPolicy": "NotRequired"}]
    d["status"]["containerStatuses"][0]["state"]["running"]["futureField"] = True
    pod = Pod.model_validate(d)
    assert pod.to_dict() == d
    assert pod.model_extra == {"futureTopLevel": {"x": [1, 2]}}
    assert pod.spec.containers[0].model_extra is not None
    assert pod.spec.containers[0].model_extra["resizePolicy"][0]["resourceName"] == "cpu"


def test_every_conformance_pod_round_trips() -> None:
    """The pods transcribed from Kubernetes' unit tests (empty names, odd phases and all) load."""
    files = sorted(CONFORMANCE.glob("*.json"))
    if not files:
        pytest.skip(f"no conformance cases at {CONFORMANCE}")
    pods = [case["pod"] for f in files for case in json.loads(f.read_text()) if "pod" in case]
    assert len(pods) > 50
    for d in pods:
        assert Pod.model_validate(d).to_dict() == d


def test_timestamps_come_back_as_the_same_text() -> None:
    d = kubectl_pod()
    pod = Pod.model_validate(d)
    assert pod.metadata.creation_timestamp == datetime(2024, 1, 1, tzinfo=UTC)
    terminated = pod.status.container_statuses[0].last_state.terminated
    assert terminated is not None
    assert terminated.finished_at == datetime(2024, 1, 1, 0, 0, 14, tzinfo=UTC)
    assert pod.to_dict()["status"]["containerStatuses"][0]["lastState"]["terminated"]["finishedAt"] == (
        "2024-01-01T00:00:14Z"
    )


def test_timestamps_are_written_as_metav1_time_writes_them() -> None:
    """metav1.Time marshals in UTC with whole seconds (apimachinery pkg/apis/meta/v1/time.go)."""
    d = minimal_pod()
    d["metadata"] = {"creationTimestamp": "2024-01-01T02:00:00.75+02:00"}
    assert Pod.model_validate(d).to_dict()["metadata"]["creationTimestamp"] == "2024-01-01T00:00:00Z"


def test_null_is_kept_as_null() -> None:
    d = minimal_pod()
    d["metadata"] = {"creationTimestamp": None, "name": "x"}
    assert Pod.model_validate(d).to_dict() == d


# --------------------------------------------------------------------------------------------
# Defaults


def test_api_defaults_are_on_the_attributes_but_not_in_to_dict() -> None:
    d = minimal_pod(livenessProbe={"exec": {"command": ["true"]}})
    pod = Pod.model_validate(d)
    probe = pod.spec.containers[0].liveness_probe
    assert probe is not None
    # SetDefaults_Probe
    assert (
        probe.initial_delay_seconds,
        probe.timeout_seconds,
        probe.period_seconds,
        probe.success_threshold,
        probe.failure_threshold,
        probe.termination_grace_period_seconds,
    ) == (0, 1, 10, 1, 3, None)
    # SetDefaults_PodSpec
    assert pod.spec.restart_policy == "Always"
    assert pod.spec.termination_grace_period_seconds == 30
    assert pod.spec.init_containers == []
    # Go zero values for the rest
    assert pod.status.phase == ""
    assert pod.metadata.name == ""
    assert pod.to_dict() == d


def test_a_pod_built_from_python_dumps_only_what_was_given() -> None:
    pod = Pod(spec=PodSpec(containers=[Container(name="app", image="nginx:1.27", restart_policy="Never")]))
    assert pod.to_dict() == {
        "spec": {"containers": [{"name": "app", "image": "nginx:1.27", "restartPolicy": "Never"}]}
    }
    assert (pod.api_version, pod.kind) == ("v1", "Pod")


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("registry.local:5000/team/nginx", "Always"),
        ("nginx:1.27", "IfNotPresent"),
        ("registry.local:5000/nginx:1.27", "IfNotPresent"),
        ("nginx@sha256:" + "0" * 64, "IfNotPresent"),
    ],
)
def test_image_pull_policy_defaults_from_the_tag(image: str, policy: str) -> None:
    """SetDefaults_Container: Always for :latest or no tag, else IfNotPresent."""
    container = Container.model_validate({"name": "c", "image": image})
    assert container.image_pull_policy == policy
    assert "imagePullPolicy" not in container.to_dict()


def test_an_explicit_image_pull_policy_wins() -> None:
    assert Container.model_validate(
        {"name": "c", "image": "nginx", "imagePullPolicy": "Never"}
    ).image_pull_policy == ("Never")


def test_quantities_may_be_numbers_and_are_kept_as_text() -> None:
    pod = Pod.model_validate(
        minimal_pod(resources={"requests": {"cpu": 2, "memory": "1Gi"}, "limits": {"cpu": 2.5}})
    )
    resources = pod.spec.containers[0].resources
    assert resources.requests == {"cpu": "2", "memory": "1Gi"}
    assert resources.limits == {"cpu": "2.5"}


# --------------------------------------------------------------------------------------------
# Aliases and helpers


def test_camel_case_aliases_and_irregular_ones() -> None:
    pod = Pod.model_validate(kubectl_pod())
    status = pod.status.container_statuses[0]
    assert status.image_id.startswith("docker.io/library/nginx@sha256:")
    assert status.container_id.startswith("containerd://")
    assert status.restart_count == 1
    assert pod.status.pod_ip == "10.244.1.23"
    assert [ip.ip for ip in pod.status.pod_ips] == ["10.244.1.23"]
    assert pod.status.host_ip == "10.0.0.11"
    assert pod.metadata.owner_references[0].block_owner_deletion is True
    sidecar_probe = pod.spec.init_containers[1].startup_probe
    assert sidecar_probe is not None and sidecar_probe.exec_ is not None
    assert sidecar_probe.exec_.command == ["cat", "/tmp/ready"]


def test_fields_can_be_given_by_python_name_and_dump_in_camel_case() -> None:
    probe = Probe(exec_={"command": ["true"]}, period_seconds=3)  # type: ignore[arg-type]
    assert probe.to_dict() == {"exec": {"command": ["true"]}, "periodSeconds": 3}


def test_is_sidecar_means_restart_policy_always() -> None:
    pod = Pod.model_validate(kubectl_pod())
    assert [c.is_sidecar for c in pod.spec.init_containers] == [False, True]


# --------------------------------------------------------------------------------------------
# Strictness and errors


@pytest.mark.parametrize(
    ("container", "path", "problem"),
    [
        (
            {"livenessProbe": {"periodSeconds": "10"}},
            "spec.containers[0].livenessProbe.periodSeconds",
            "integer",
        ),
        (
            {"livenessProbe": {"periodSeconds": 10.0}},
            "spec.containers[0].livenessProbe.periodSeconds",
            "integer",
        ),
        ({"restartPolicy": 1}, "spec.containers[0].restartPolicy", "must be a string"),
        (
            {"ports": [{"containerPort": 80, "hostPort": True}]},
            "spec.containers[0].ports[0].hostPort",
            "integer",
        ),
        (
            {"ports": [{"name": "http"}]},
            "spec.containers[0].ports[0].containerPort",
            "required field is missing",
        ),
        (
            {"readinessProbe": {"tcpSocket": {"port": [80]}}},
            "spec.containers[0].readinessProbe.tcpSocket.port",
            "an integer or a string",
        ),
        ({"resources": {"limits": {"cpu": True}}}, "spec.containers[0].resources.limits.cpu", "quantity"),
    ],
)
def test_no_coercion_and_errors_name_the_field(container: dict[str, Any], path: str, problem: str) -> None:
    with pytest.raises(ValidationError) as info:
        Pod.model_validate(minimal_pod(**container))
    loc, text = validation_problem(info.value)
    assert field_path(loc) == path
    assert problem in text


def test_a_timestamp_needs_a_time_zone() -> None:
    d = minimal_pod()
    d["metadata"] = {"creationTimestamp": "2024-01-01T00:00:00"}
    with pytest.raises(ManifestError) as info:
        Pod.from_obj(d, source="pod.json")
    assert str(info.value) == (
        "pod.json: metadata.creationTimestamp: must be an RFC 3339 timestamp with a time zone, "
        "such as 2024-01-01T00:00:00Z"
    )


def test_more_problems_are_counted() -> None:
    d = minimal_pod(livenessProbe={"periodSeconds": "x", "timeoutSeconds": "y"})
    with pytest.raises(ManifestError, match=r"must be an integer \(and 1 more problem\)$"):
        Pod.from_obj(d)


def test_from_obj_accepts_a_pod_or_a_mapping() -> None:
    pod = Pod.model_validate(minimal_pod())
    assert Pod.from_obj(pod) is pod
    assert Pod.from_obj(minimal_pod()).spec.containers[0].name == "app"


def test_from_obj_rejects_what_is_not_a_pod() -> None:
    with pytest.raises(ManifestError, match=r"^<object>: expected a Pod object \(a mapping\), got list$"):
        Pod.from_obj([])  # type: ignore[arg-type]
    with pytest.raises(ManifestError, match=r"^<object>: spec: required field is missing$"):
        Pod.from_obj({"kind": "Pod"})
