"""Render a :class:`~podfsm.model.pod.PodState` as the pod object (Kubernetes v1 JSON shape).

Pure function of the model's static parts (manifest, clock origin) and one snapshot, so steps
can keep snapshots and render only when asked. Key order is fixed, so output is deterministic.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from podfsm.model.machines import conditions as cm
from podfsm.vocab import ConditionType

if TYPE_CHECKING:
    from podfsm.model.pod import ContainerState, PodModel, PodState, Termination


def _terminated(model: PodModel, t: Termination, container_id: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"exitCode": t.exit_code}
    if t.signal:
        out["signal"] = t.signal
    out["reason"] = str(t.reason)
    if t.message:
        out["message"] = t.message
    if t.timeless:  # TerminatePod's ContainerStatusUnknown: zero times, null in JSON
        out["startedAt"] = None
        out["finishedAt"] = None
    else:
        if t.never_started:  # the runtime's zero StartedAt, time.Unix(0, 0) (StartError)
            out["startedAt"] = "1970-01-01T00:00:00Z"
        elif t.started_at is not None:
            out["startedAt"] = model.time(t.started_at)
        out["finishedAt"] = model.time(t.finished_at)
    if container_id:
        out["containerID"] = container_id
    return out


def _container_status(
    model: PodModel, idx: int, c: ContainerState, images: dict[str, str] | None = None
) -> dict[str, Any]:
    from podfsm.model.pod import published_state

    spec = model.base_spec.all_containers[idx]  # as created; the snapshot's updates are in ``images``
    state: dict[str, Any]
    kind, shown, last_term = published_state(c)
    if kind == "running":
        state = {"running": {"startedAt": model.time(c.started_at or 0.0)}}
    elif shown is not None:
        state = {"terminated": _terminated(model, shown)}
    else:
        waiting: dict[str, Any] = {}
        # a container with no instance in the runtime (never created, or removed by a restart of
        # all containers) shows the default waiting state
        reason = c.waiting_reason or (
            str(model.default_waiting_reason) if not c.ever_ran or c.removed else ""
        )
        if reason:
            waiting["reason"] = str(reason)
        if c.waiting_message and c.waiting_reason:
            waiting["message"] = str(c.waiting_message)
        state = {"waiting": waiting}
    last: dict[str, Any] = {"terminated": _terminated(model, last_term)} if last_term is not None else {}
    return {
        "name": spec.name,
        "state": state,
        "lastState": last,
        "ready": c.ready,
        "restartCount": c.restart_count,
        "image": _shown_image(spec.name, spec.image, c.ever_ran, images),
        "started": c.started if kind == "running" else False,
    }


# The shared parts' table of condition entries and container statuses: (index, id of the snapshot
# object) -> (that object, the images it was rendered with, the dict); -(index + 1) for a container.
_Parts = dict[tuple[int, int], tuple[Any, Any, dict[str, Any]]]
_PARTS = "parts"
_ORDER = "order"
_PARTS_MAX = 1 << 13


def _shared_status(
    parts: _Parts, model: PodModel, idx: int, c: ContainerState, images: dict[str, str]
) -> dict[str, Any]:
    """:func:`_container_status`, made once per container snapshot object and set of images."""
    key = (-idx - 1, id(c))
    known = parts.get(key)
    if known is not None and known[0] is c and known[1] is images:
        return known[2]
    made = _container_status(model, idx, c, images)
    parts[key] = (c, images, made)
    return made


_ATOMS = frozenset({str, int, float, bool, type(None)})


def _copy(obj: Any, memo: dict[int, Any]) -> Any:
    """``copy.deepcopy`` for JSON-shaped data, several times faster; same result, same sharing.

    Plain dicts and lists are copied here and immutable scalars kept; anything else (and the
    memo, so shared sub-objects stay shared) goes to ``copy.deepcopy``.
    """
    cls = type(obj)
    if cls in _ATOMS:
        return obj
    if cls is dict:
        found = memo.get(id(obj))
        if found is not None:
            return found
        out: dict[Any, Any] = {}
        memo[id(obj)] = out
        for k, v in obj.items():
            if type(k) not in _ATOMS:
                k = copy.deepcopy(k, memo)
            out[k] = v if type(v) in _ATOMS else _copy(v, memo)
        return out
    if cls is list:
        found = memo.get(id(obj))
        if found is not None:
            return found
        items: list[Any] = []
        memo[id(obj)] = items
        items.extend(v if type(v) in _ATOMS else _copy(v, memo) for v in obj)
        return items
    return copy.deepcopy(obj, memo)


def render(model: PodModel, s: PodState) -> dict[str, Any]:
    """The pod object for snapshot ``s`` of ``model``."""
    manifest = model.manifest
    # A reader that never mutates what it is given (the explorer) may share metadata and spec
    # between the pods it renders: ``model.shared_render_parts``, a dict, holds them by the fields
    # of ``s`` they depend on. Without it (the default) every pod is a fresh object.
    shared: dict[Any, Any] | None = getattr(model, "shared_render_parts", None)
    meta_key = (s.deletion_at, s.deletion_grace)
    meta = None if shared is None else shared.get(meta_key)
    if meta is None:
        meta = _copy(manifest.get("metadata") or {}, {})
        meta.setdefault("name", model.spec.name)
        meta.setdefault("namespace", model.spec.namespace)
        meta.setdefault("uid", model.uid)
        # metav1.Time writes UTC with a Z, to the second: an input offset (-10:00) is converted
        meta["creationTimestamp"] = model.time(0.0)
        if s.deletion_at is not None:
            meta["deletionTimestamp"] = model.time(s.deletion_at)
            meta["deletionGracePeriodSeconds"] = s.deletion_grace
        if shared is not None:
            if len(shared) >= 1024:
                shared.clear()
            shared[meta_key] = meta
    spec_key = ("spec", s.bound, s.node, s.gated, s.spec_overrides)
    got = None if shared is None else shared.get(spec_key)
    if got is None:
        spec = _copy(manifest.get("spec") or {}, {})
        if s.bound and s.node:
            spec["nodeName"] = s.node
        if not s.gated and spec.get("schedulingGates"):
            del spec["schedulingGates"]
        images = _apply_updates(spec, s)
        if shared is not None:
            if len(shared) >= 1024:
                shared.clear()
            shared[spec_key] = (spec, images)
    else:
        spec, images = got
    status: dict[str, Any] = {"phase": str(s.phase)}
    if s.pod_reason:
        status["reason"] = str(s.pod_reason)
        status["message"] = str(s.pod_message or "")
    conds: list[dict[str, Any]] = []
    for ctype_, cstatus, creason, cmessage, csince in s.custom_conditions:
        custom: dict[str, Any] = {
            "type": ctype_,
            "status": cstatus,
            "lastProbeTime": None,
            "lastTransitionTime": model.time(csince),
        }
        if creason:
            custom["reason"] = creason
        if cmessage:
            custom["message"] = cmessage
        conds.append(custom)
    # With shared parts, a condition's entry and a container's status are made once per snapshot
    # object of it (snapshots of what an event did not change are the same objects) and shared.
    parts: _Parts | None = None
    if shared is not None:
        parts = shared.get(_PARTS)
        if parts is None or len(parts) >= _PARTS_MAX:
            parts = shared[_PARTS] = {}
    for i, (ctype, c) in enumerate(zip(model.condition_types, s.conditions, strict=True)):
        if c.state == cm.ABSENT:
            continue
        if parts is not None:
            known = parts.get((i, id(c)))
            if known is not None and known[0] is c:
                conds.append(known[2])
                continue
        entry: dict[str, Any] = {
            "type": str(ctype),
            "status": str(c.state),
            "lastProbeTime": None,
            "lastTransitionTime": model.time(c.since),
        }
        if c.reason:
            entry["reason"] = str(c.reason)
        if c.message:
            entry["message"] = str(c.message)
        if parts is not None:
            parts[i, id(c)] = (c, None, entry)
        conds.append(entry)
    if conds:
        status["conditions"] = conds
    if s.bound:
        if s.node:
            status["hostIP"] = model.host_ip
        if s.start_time is not None:
            status["startTime"] = model.time(s.start_time)
        n_init = len(model.inits)
        if parts is None:
            made = [_container_status(model, i, c, images) for i, c in enumerate(s.containers)]
            if n_init:
                status["initContainerStatuses"] = made[:n_init]
            status["containerStatuses"] = sorted(made[n_init:], key=lambda d: d["name"])
        else:
            assert shared is not None  # parts live in it
            made = [_shared_status(parts, model, i, c, images) for i, c in enumerate(s.containers)]
            if n_init:
                status["initContainerStatuses"] = made[:n_init]
            # the regular containers by name: the names are the manifest's, so the order is fixed
            order: list[int] | None = shared.get(_ORDER)
            if order is None:
                names = [c.name for c in model.base_spec.all_containers]
                order = shared[_ORDER] = sorted(range(n_init, len(names)), key=names.__getitem__)
            status["containerStatuses"] = [made[i] for i in order]
    return {
        "apiVersion": manifest.get("apiVersion", "v1"),
        "kind": "Pod",
        "metadata": meta,
        "spec": spec,
        "status": status,
    }


def _shown_image(name: str, base: str, ever_ran: bool, images: dict[str, str] | None) -> str:
    """The status's ``image``: the newest instance's (its ``statusImage`` entry, else the
    manifest's), or the spec's for a container that never had an instance."""
    if not images:
        return base
    if ever_ran:
        return images.get(f"status:{name}", base)
    return images.get(name, base)


def _apply_updates(spec: dict[str, Any], s: PodState) -> dict[str, str]:
    """Write the snapshot's spec updates (SpecUpdated) into ``spec``; the images by container name
    (the spec's), and by ``status:NAME`` the image of a container's newest instance where that
    differs from the manifest's (the status shows the old image until a new instance exists)."""
    images: dict[str, str] = {}
    for key, value in s.spec_overrides:
        if key == "activeDeadlineSeconds":
            spec["activeDeadlineSeconds"] = value
        elif key == "image":
            images[value[0]] = value[1]
        elif key == "statusImage":
            images[f"status:{value[0]}"] = value[1]
    if images:
        for group in ("initContainers", "containers"):
            for c in spec.get(group) or []:
                if isinstance(c, dict) and isinstance(c.get("name"), str) and c["name"] in images:
                    c["image"] = images[c["name"]]
    return images


CONDITION_ORDER: tuple[ConditionType, ...] = tuple(cm.CONDITION_MACHINES)
