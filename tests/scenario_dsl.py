"""A small vocabulary for event scripts in tests: pods, containers and events in one line each."""

from __future__ import annotations

from typing import Any

from podfsm.model.pod import PodModel


def pod(
    policy: str = "Always",
    *containers: dict[str, Any],
    inits: tuple[dict[str, Any], ...] = (),
    name: str = "p",
    **spec: Any,
) -> dict[str, Any]:
    """A pod manifest with the given containers (default: one container ``app``)."""
    body: dict[str, Any] = {"restartPolicy": policy, "containers": list(containers) or [c("app")], **spec}
    if inits:
        body["initContainers"] = list(inits)
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": body,
    }


def c(name: str, image: str = "busybox:1.36", **fields: Any) -> dict[str, Any]:
    return {"name": name, "image": image, **fields}


def probe(**fields: Any) -> dict[str, Any]:
    return {"exec": {"command": ["true"]}, **fields}


SCHED = {"type": "Scheduled", "node": "node-1"}


def start(n: str) -> dict[str, Any]:
    return {"type": "ContainerStarted", "container": n}


def exit_(n: str, code: int, **kw: Any) -> dict[str, Any]:
    return {"type": "ContainerExited", "container": n, "exitCode": code, **kw}


def wait(s: float) -> dict[str, Any]:
    return {"type": "TimePassed", "seconds": s}


def result(n: str, kind: str, ok: bool) -> dict[str, Any]:
    return {"type": "ProbeResult", "container": n, "probe": kind, "result": "Success" if ok else "Failure"}


def run(manifest: dict[str, Any], *events: dict[str, Any]) -> PodModel:
    """A model after applying ``events`` (each must be legal)."""
    m = PodModel(manifest)
    for e in events:
        m.apply(e)
    return m


def status_of(m: PodModel, name: str) -> dict[str, Any]:
    """The container's status entry in the rendered pod."""
    st = m.render()["status"]
    for cs in st.get("initContainerStatuses", []) + st.get("containerStatuses", []):
        if cs["name"] == name:
            return dict(cs)
    raise KeyError(name)


def condition(m: PodModel, ctype: str) -> dict[str, Any]:
    for cond in m.render()["status"].get("conditions", []):
        if cond["type"] == ctype:
            return dict(cond)
    return {}


def image(n: str, img: str) -> dict[str, Any]:
    """A SpecUpdated event changing container ``n``'s image."""
    return {"type": "SpecUpdated", "container": n, "image": img}


def delete(grace: int | None = None) -> dict[str, Any]:
    ev: dict[str, Any] = {"type": "DeletionRequested"}
    if grace is not None:
        ev["gracePeriodSeconds"] = grace
    return ev


def pull_failed(n: str, reason: str = "ErrImagePull") -> dict[str, Any]:
    return {"type": "ImagePullFailed", "container": n, "reason": reason}


def side(name: str, **fields: Any) -> dict[str, Any]:
    """A restartable init container (sidecar)."""
    return c(name, restartPolicy="Always", **fields)


def state_of(m: PodModel, name: str) -> str:
    """The published state kind of container ``name``: waiting, running or terminated."""
    return next(iter(status_of(m, name)["state"]))
