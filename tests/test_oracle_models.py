"""The oracle gives the same answers for podfsm's pydantic models as for the plain dicts."""

from __future__ import annotations

from podfsm.api import Pod
from podfsm.oracle import kubectl_columns, pod_conditions, pod_phase


def test_defaults_of_the_model_do_not_change_the_answer() -> None:
    """No statuses at all (nil in Go) is not an empty list: UnknownContainerStatuses either way."""
    obj = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "app", "image": "i"}]},
        "status": {"phase": "Pending"},
    }
    model = Pod.model_validate(obj)
    assert pod_conditions(model)["ContainersReady"] == pod_conditions(obj)["ContainersReady"]
    assert pod_conditions(obj)["ContainersReady"].reason == "UnknownContainerStatuses"
    assert pod_phase(model) == pod_phase(obj)
    assert kubectl_columns(model).status == kubectl_columns(obj).status
