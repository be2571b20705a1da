"""Findings of an independent review of the oracle against upstream, pinned."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from podfsm.errors import InvalidArgument, InvalidPod
from podfsm.oracle import kubectl_columns, parse_time, pod_phase

NOW = datetime(2024, 1, 1, tzinfo=UTC)


def _finished(annotations: dict[str, object]) -> dict[str, object]:
    return {
        "metadata": {"annotations": annotations},
        "spec": {"restartPolicy": "Always", "containers": [{"name": "a"}]},
        "status": {"containerStatuses": [{"name": "a", "state": {"terminated": {"exitCode": 0}}}]},
    }


def test_static_pod_is_only_the_config_source_annotation() -> None:
    """kubetypes.IsStaticPod (pkg/kubelet/types/pod_update.go): config.source present and not "api"."""
    assert pod_phase(_finished({"kubernetes.io/config.mirror": "abc"}), pod_is_terminal=True) == "Succeeded"
    assert pod_phase(_finished({"kubernetes.io/config.source": "file"}), pod_is_terminal=True) == "Running"
    assert pod_phase(_finished({"kubernetes.io/config.source": "api"}), pod_is_terminal=True) == "Succeeded"
    # Go decodes a null map value to "": present and not "api", so static
    assert pod_phase(_finished({"kubernetes.io/config.source": None}), pod_is_terminal=True) == "Running"


def test_ages_saturate_at_gos_largest_duration() -> None:
    """time.Since is Time.Sub, which saturates at math.MaxInt64 ns (about 292 years)."""
    old = {"metadata": {"creationTimestamp": "1700-01-01T00:00:00Z"}, "spec": {"containers": [{"name": "a"}]}}
    assert kubectl_columns(old, now=NOW).age == "292y"


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-01 00:00:00Z",
        "20240101T000000Z",
        "2024-01-01T00:00:00+0000",
        "2024-01-01T00:00Z",
        "2024-W01-1T00:00:00Z",
        "2024-01-01t00:00:00Z",
    ],
)
def test_timestamps_are_strict_rfc3339(text: str) -> None:
    """metav1.Time.UnmarshalJSON parses with time.RFC3339; looser ISO 8601 forms are not timestamps."""
    with pytest.raises(InvalidPod):
        parse_time(text, "x")


def test_rfc3339_forms_go_accepts() -> None:
    assert parse_time("2024-01-01T00:00:00Z", "x") == 1704067200.0
    assert parse_time("2024-01-01T02:00:00.5+02:00", "x") == 1704067200.5


def test_objects_of_another_kind_are_not_pods() -> None:
    with pytest.raises(InvalidPod, match="'Service' is not a Pod"):
        pod_phase({"kind": "Service", "apiVersion": "v1", "spec": {"type": "ClusterIP"}})


def test_feature_gates_must_be_booleans() -> None:
    pod = {"spec": {"containers": [{"name": "a"}]}}
    # issue 11: an argument error names the argument (InvalidArgument), not the pod
    with pytest.raises(InvalidArgument, match=r"^feature_gates\['ContainerRestartRules'\]: "):
        pod_phase(pod, feature_gates={"ContainerRestartRules": "false"})  # type: ignore[dict-item]
