"""How the oracle reads its input: plain mappings in the Kubernetes v1 JSON shape.

The oracle's functions read a pod the way Go reads a decoded object: a missing field is its zero
value (``""``, ``0``, ``false``, an empty list), ``null`` is the same as missing, and unknown fields
are ignored. They never copy or change the input.

The hot path does not validate anything up front. If reading the object fails because some part
of it has the wrong shape (a list where a mapping belongs, a string where a list belongs),
:func:`diagnose` walks the object once and says what is wrong and where, as
:class:`~podfsm.errors.InvalidPod`; no bare ``KeyError``/``TypeError``/``AttributeError`` leaks.
Scalar fields of the wrong JSON type are reported the same way when they make the computation
impossible; otherwise validating values is the loader's job, not the oracle's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from podfsm._io import describe
from podfsm.errors import InvalidArgument, InvalidPod

__all__ = ["EMPTY", "SHAPE_ERRORS", "as_pod", "check_pod", "diagnose", "flag", "gate", "spec_of"]

Pod = Mapping[str, Any]

EMPTY: Mapping[str, Any] = MappingProxyType({})

# What reading a malformed object raises; turned into InvalidPod by diagnose().
SHAPE_ERRORS = (KeyError, TypeError, AttributeError, IndexError)


_SERIALIZER_FIELD = re.compile(r"field_name='([^']*)', input_value=(.*?), input_type=(\w+)\]")


def dump_model(model: Any, *, exclude_none: bool = False, argument: str = "pod") -> Any:
    """``model.model_dump`` in the Kubernetes JSON shape, refusing fields assigned the wrong type.

    A pydantic model checks its fields when it is built, not when one is assigned later
    (``pod.spec = 5``); such a model would dump with a warning and a wrong value. Raises
    :class:`InvalidArgument` naming ``argument`` and the field instead.
    """
    try:
        return model.model_dump(
            by_alias=True, exclude_unset=True, exclude_none=exclude_none, mode="json", warnings="error"
        )
    except ValueError as exc:  # pydantic_core.PydanticSerializationError
        found = _SERIALIZER_FIELD.search(str(exc))
        what = (
            f"its field {found.group(1)!r} was assigned {found.group(3)} {found.group(2)[:40]}"
            if found
            else _first_line(exc)
        )
        raise InvalidArgument(
            argument,
            f"a {type(model).__name__} that no longer validates ({what}); "
            "build it with model_validate or model_copy(update=...) and validate again",
        ) from None


def _first_line(error: object) -> str:
    return str(error).strip().split("\n", 1)[0]


def as_pod(pod: object) -> Pod:
    """The pod as a read-only view of a mapping: a dict as is, a pydantic model dumped to JSON shape."""
    if type(pod) is dict:
        return pod
    dump = getattr(pod, "model_dump", None)
    if dump is not None and callable(dump):
        data = dump_model(pod, exclude_none=True)
        if isinstance(data, Mapping):
            return data
        raise InvalidPod(f"model_dump() gave {describe(data)}, not a mapping", "pod")
    if isinstance(pod, Mapping):
        return pod
    raise InvalidPod(f"expected a Pod object (a mapping with a spec), got {describe(pod)}", "pod")


def spec_of(pod: Pod) -> Mapping[str, Any]:
    """The pod's spec, after checking what makes an object a pod at all.

    ``spec`` must be a mapping, and ``containers`` and ``initContainers`` lists of mappings (or
    absent). Every oracle function checks this, whatever else it reads.
    """
    kind = pod.get("kind")
    if kind is not None and kind != "Pod":
        raise InvalidPod(f"a {kind!r} is not a Pod", "kind")
    spec = pod.get("spec")
    if type(spec) is not dict and not isinstance(spec, Mapping):
        if "spec" not in pod:
            kind = pod.get("kind")
            what = (
                f"a {kind} is not a Pod" if isinstance(kind, str) and kind != "Pod" else "not a Pod object?"
            )
            raise InvalidPod(f"missing ({what})", "spec")
        raise InvalidPod(f"expected a mapping, got {describe(spec)}", "spec")
    for field in ("containers", "initContainers"):
        items = spec.get(field)
        if items:
            if type(items) is not list and (isinstance(items, str | bytes) or not isinstance(items, tuple)):
                raise InvalidPod(f"expected a list, got {describe(items)}", f"spec.{field}")
            for i, c in enumerate(items):
                if type(c) is not dict and not isinstance(c, Mapping):
                    raise InvalidPod(f"expected a mapping, got {describe(c)}", f"spec.{field}[{i}]")
        elif items is not None and not isinstance(items, list | tuple):
            raise InvalidPod(f"expected a list, got {describe(items)}", f"spec.{field}")
    return spec


def gate(feature_gates: Mapping[str, bool] | None, name: str, default: bool) -> bool:
    """One feature gate's value: the override when given, else the v1.35 default."""
    if feature_gates is None:
        return default
    if not isinstance(feature_gates, Mapping):
        raise InvalidArgument(
            "feature_gates", f"must be a mapping of gate names to booleans, got {describe(feature_gates)}"
        )
    value = feature_gates.get(name, default)
    if not isinstance(value, bool):
        raise InvalidArgument(f"feature_gates[{name!r}]", f"must be true or false, got {value!r}")
    return value


def flag(value: object, name: str, *, optional: bool = False) -> None:
    """Raise :class:`InvalidArgument` unless ``value`` is a bool (or ``None`` when ``optional``)."""
    if isinstance(value, bool) or (optional and value is None):
        return
    wanted = "true, false or None" if optional else "true or false"
    raise InvalidArgument(name, f"must be {wanted}, got {describe(value, preview=True)}")


_TYPE_WORDS: dict[type, str] = {int: "an integer", str: "a string", bool: "true or false"}


def _preview(value: object) -> str:
    """The value's type, and the value itself when it is a short scalar (``a number (2.5)``)."""
    if isinstance(value, bool) or value is None:
        return describe(value)
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    return describe(value, preview=True)


class _Checker:
    """Walks a pod object and raises InvalidPod at the first field of the wrong shape."""

    def mapping(self, value: object, where: str, *, required: bool = False) -> Mapping[str, Any]:
        if value is None:
            if required:
                raise InvalidPod("missing (not a Pod object?)", where)
            return EMPTY
        if not isinstance(value, Mapping):
            raise InvalidPod(f"expected a mapping, got {describe(value)}", where)
        return value

    def items(self, value: object, where: str) -> Sequence[Any]:
        if value is None:
            return ()
        if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
            raise InvalidPod(f"expected a list, got {describe(value)}", where)
        return value

    def scalar(self, parent: Mapping[str, Any], key: str, types: tuple[type, ...], where: str) -> None:
        value = parent.get(key)
        if value is None:
            return
        ok = False if isinstance(value, bool) and bool not in types else isinstance(value, types)
        if not ok:
            wanted = " or ".join(_TYPE_WORDS.get(t, f"a {t.__name__}") for t in types)
            raise InvalidPod(f"expected {wanted}, got {_preview(value)}", f"{where}.{key}")

    def count(self, parent: Mapping[str, Any], key: str, where: str) -> None:
        """A count (``restartCount``): a whole number, not negative."""
        self.scalar(parent, key, (int,), where)
        value = parent.get(key)
        if value is not None and value < 0:
            raise InvalidPod(f"must not be negative, got {value}", f"{where}.{key}")

    def container(self, value: object, where: str) -> None:
        c = self.mapping(value, where, required=True)
        self.scalar(c, "name", (str,), where)
        self.scalar(c, "image", (str,), where)
        self.scalar(c, "restartPolicy", (str,), where)
        for key in ("livenessProbe", "readinessProbe", "startupProbe", "lifecycle"):
            self.mapping(c.get(key), f"{where}.{key}")
        for i, rule in enumerate(self.items(c.get("restartPolicyRules"), f"{where}.restartPolicyRules")):
            rw = f"{where}.restartPolicyRules[{i}]"
            r = self.mapping(rule, rw, required=True)
            self.scalar(r, "action", (str,), rw)
            codes = self.mapping(r.get("exitCodes"), f"{rw}.exitCodes")
            self.scalar(codes, "operator", (str,), f"{rw}.exitCodes")
            for j, code in enumerate(self.items(codes.get("values"), f"{rw}.exitCodes.values")):
                if isinstance(code, bool) or not isinstance(code, int):
                    raise InvalidPod(
                        f"expected an integer, got {describe(code)}", f"{rw}.exitCodes.values[{j}]"
                    )

    def state(self, value: object, where: str) -> None:
        s = self.mapping(value, where)
        for kind in ("running", "waiting", "terminated"):
            self.mapping(s.get(kind), f"{where}.{kind}")
        waiting = self.mapping(s.get("waiting"), f"{where}.waiting")
        self.scalar(waiting, "reason", (str,), f"{where}.waiting")
        term = self.mapping(s.get("terminated"), f"{where}.terminated")
        tw = f"{where}.terminated"
        for key in ("exitCode", "signal"):
            self.scalar(term, key, (int,), tw)
        for key in ("reason", "finishedAt", "startedAt"):
            self.scalar(term, key, (str,), tw)

    def container_status(self, value: object, where: str) -> None:
        s = self.mapping(value, where, required=True)
        self.scalar(s, "name", (str,), where)
        self.scalar(s, "ready", (bool,), where)
        self.scalar(s, "started", (bool,), where)
        self.count(s, "restartCount", where)
        self.state(s.get("state"), f"{where}.state")
        self.state(s.get("lastState"), f"{where}.lastState")

    def pod(self, pod: Pod) -> None:
        meta = self.mapping(pod.get("metadata"), "metadata")
        self.mapping(meta.get("annotations"), "metadata.annotations")
        for key in ("name", "namespace", "creationTimestamp", "deletionTimestamp"):
            self.scalar(meta, key, (str,), "metadata")
        if "spec" not in pod:
            raise InvalidPod("missing (not a Pod object?)", "spec")
        spec = self.mapping(pod.get("spec"), "spec", required=True)
        for key in ("restartPolicy", "nodeName"):
            self.scalar(spec, key, (str,), "spec")
        for key in ("terminationGracePeriodSeconds", "activeDeadlineSeconds"):
            self.scalar(spec, key, (int,), "spec")
        for i, g in enumerate(self.items(spec.get("schedulingGates"), "spec.schedulingGates")):
            sw = f"spec.schedulingGates[{i}]"
            self.scalar(self.mapping(g, sw, required=True), "name", (str,), sw)
        for i, t in enumerate(self.items(spec.get("tolerations"), "spec.tolerations")):
            tw = f"spec.tolerations[{i}]"
            tol = self.mapping(t, tw, required=True)
            for key in ("key", "operator", "effect"):
                self.scalar(tol, key, (str,), tw)
            self.scalar(tol, "tolerationSeconds", (int,), tw)
        for field in ("initContainers", "containers"):
            for i, c in enumerate(self.items(spec.get(field), f"spec.{field}")):
                self.container(c, f"spec.{field}[{i}]")
        for i, g in enumerate(self.items(spec.get("readinessGates"), "spec.readinessGates")):
            gw = f"spec.readinessGates[{i}]"
            self.scalar(self.mapping(g, gw, required=True), "conditionType", (str,), gw)
        status = self.mapping(pod.get("status"), "status")
        for key in ("phase", "reason", "podIP", "nominatedNodeName"):
            self.scalar(status, key, (str,), "status")
        for i, c in enumerate(self.items(status.get("conditions"), "status.conditions")):
            cw = f"status.conditions[{i}]"
            cond = self.mapping(c, cw, required=True)
            for key in ("type", "status", "reason", "message"):
                self.scalar(cond, key, (str,), cw)
        for field in ("initContainerStatuses", "containerStatuses"):
            for i, s in enumerate(self.items(status.get(field), f"status.{field}")):
                self.container_status(s, f"status.{field}[{i}]")
        for i, ip in enumerate(self.items(status.get("podIPs"), "status.podIPs")):
            iw = f"status.podIPs[{i}]"
            self.scalar(self.mapping(ip, iw, required=True), "ip", (str,), iw)


def check_pod(pod: Pod) -> None:
    """Raise :class:`InvalidPod` at the first field the oracle reads that has the wrong type."""
    _Checker().pod(pod)


def diagnose(pod: Pod, error: BaseException) -> InvalidPod:
    """The InvalidPod that explains why reading ``pod`` raised ``error``."""
    try:
        _Checker().pod(pod)
    except InvalidPod as found:
        return found
    return InvalidPod(f"cannot be read as a Pod ({type(error).__name__}: {error})", "pod")
