"""The bounded pods the explorer checks: :class:`Bounds` (what a pod's world leaves out, from the
``podfsm.io/explore`` annotation) and :data:`STANDARD_CONFIGURATIONS`, the matrix whose state
counts ``tests/data/explorer_counts.json`` pins: each shape under each restart policy, without and
with probes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from podfsm.errors import ManifestError

__all__ = [
    "BOUNDS_ANNOTATION",
    "FEATURE_CONFIGURATIONS",
    "ORDINARY_POD",
    "STANDARD_CONFIGURATIONS",
    "UNBOUNDED",
    "Bounds",
    "Configuration",
    "standard_configuration",
]

BOUNDS_ANNOTATION = "podfsm.io/explore"


# ----------------------------------------------------------------------------------- bounds


@dataclass(frozen=True)
class Bounds:
    """What the explorer leaves out of a pod's world to keep its space small (default: nothing)."""

    max_restarts: int | None = None  # a state where some container restarted more often is not kept
    max_image_backoff: float | None = None  # ImagePullFailed only while the image back-off is below this
    create_failures: bool = True  # try ContainerCreateFailed
    expiries: bool = True  # let time run to the expiry of back-off entries, not only to deadlines
    exits: tuple[tuple[int, str | None], ...] = ()  # exits tried besides 0 and 1: (exit code, reason)
    # try KubeletRestarted, NodeRebooted and SandboxLost (issue 13); off unless asked for, so that
    # the pinned state counts of the standard configurations stay what they were
    restarts: bool = False

    # False: the node controller marks a lost node not ready at once (nodeMonitorGracePeriod 0 s),
    # so the silent window between NodeLost and the mark is not explored
    node_monitor: bool = True

    _KEYS = (
        "maxRestarts",
        "maxImageBackoff",
        "createFailures",
        "expiries",
        "exits",
        "restarts",
        "nodeMonitor",
    )

    def to_dict(self) -> dict[str, Any]:
        """The bounds as the annotation spells them (only those that leave something out)."""
        out: dict[str, Any] = {}
        if self.max_restarts is not None:
            out["maxRestarts"] = self.max_restarts
        if self.max_image_backoff is not None:
            out["maxImageBackoff"] = self.max_image_backoff
        if not self.create_failures:
            out["createFailures"] = False
        if not self.expiries:
            out["expiries"] = False
        if self.exits:
            out["exits"] = [[code, reason] for code, reason in self.exits]
        if self.restarts:
            out["restarts"] = True
        if not self.node_monitor:
            out["nodeMonitor"] = False
        return out

    @classmethod
    def from_manifest(cls, manifest: Mapping[str, Any], source: str = "<pod>") -> Bounds:
        """The bounds a pod asks for in its ``podfsm.io/explore`` annotation (none: no bounds)."""
        meta = manifest.get("metadata") or {}
        raw = (meta.get("annotations") or {}).get(BOUNDS_ANNOTATION) if isinstance(meta, Mapping) else None
        if raw is None:
            return cls()
        where = f"metadata.annotations[{BOUNDS_ANNOTATION}]"
        try:
            data = json.loads(raw) if isinstance(raw, str) else raw
        except json.JSONDecodeError as exc:
            raise ManifestError(source, f"not JSON: {exc.msg}", where) from None
        if not isinstance(data, Mapping):
            raise ManifestError(source, "must be a JSON object", where)
        unknown = sorted(set(data) - set(cls._KEYS))
        if unknown:
            raise ManifestError(source, f"unknown keys {unknown}; known: {', '.join(cls._KEYS)}", where)

        def number(key: str) -> float | None:
            value = data.get(key)
            if value is None:
                return None
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ManifestError(source, f"{key} must be a number >= 0", where)
            return float(value)

        def flag(key: str, default: bool = True) -> bool:
            value = data.get(key, default)
            if not isinstance(value, bool):
                raise ManifestError(source, f"{key} must be true or false", where)
            return value

        exits: list[tuple[int, str | None]] = []
        for item in data.get("exits") or ():
            if (
                not isinstance(item, list | tuple)
                or len(item) != 2
                or isinstance(item[0], bool)
                or not isinstance(item[0], int)
                or not (item[1] is None or isinstance(item[1], str))
            ):
                raise ManifestError(source, "exits must be a list of [exit code, reason or null]", where)
            exits.append((int(item[0]), item[1]))
        restarts = number("maxRestarts")
        return cls(
            exits=tuple(exits),
            max_restarts=None if restarts is None else int(restarts),
            max_image_backoff=number("maxImageBackoff"),
            create_failures=flag("createFailures"),
            expiries=flag("expiries"),
            restarts=flag("restarts", False),
            node_monitor=flag("nodeMonitor"),
        )


UNBOUNDED = Bounds()


# ----------------------------------------------------------------------------------- configurations


@dataclass(frozen=True)
class Configuration:
    """A named, bounded pod: one row of the standard matrix, or a manifest given by a user."""

    name: str
    manifest: Mapping[str, Any]
    doc: str = ""

    @property
    def bounds(self) -> Bounds:
        return Bounds.from_manifest(self.manifest, self.name)


_IMAGE = "registry.example/app:1"
_EXEC = {"exec": {"command": ["true"]}}
_READINESS = {"readinessProbe": {**_EXEC, "failureThreshold": 1}}
_LIVENESS = {"livenessProbe": {**_EXEC, "failureThreshold": 1}}
_STARTUP = {"startupProbe": {**_EXEC, "failureThreshold": 1}}

# shape -> (init containers, sidecars, regular containers, bounds, what it is)
_SHAPES: dict[str, tuple[int, int, int, Bounds, str]] = {
    "1c": (0, 0, 1, Bounds(node_monitor=False), "one regular container"),
    "2i-1c": (
        2,
        0,
        1,
        Bounds(max_restarts=2, max_image_backoff=10.0, node_monitor=False),
        "two init containers and one regular container",
    ),
    "1s-1c": (
        0,
        1,
        1,
        Bounds(
            max_restarts=1, max_image_backoff=10.0, create_failures=False, expiries=False, node_monitor=False
        ),
        "a sidecar and one regular container",
    ),
    "3c": (
        0,
        0,
        3,
        Bounds(
            max_restarts=1, max_image_backoff=0.0, create_failures=False, expiries=False, node_monitor=False
        ),
        "three interchangeable regular containers",
    ),
    "2i-1s-2c": (
        2,
        1,
        2,
        Bounds(
            max_restarts=0, max_image_backoff=0.0, create_failures=False, expiries=False, node_monitor=False
        ),
        "two init containers, a sidecar and two regular containers, each run once",
    ),
}
_POLICIES = ("Always", "OnFailure", "Never")


def standard_configuration(shape: str, policy: str, probes: bool) -> Configuration:
    """One configuration of the standard matrix.

    With ``probes``, every regular container has a readiness and a liveness probe and the
    sidecar a startup probe, each with ``failureThreshold: 1`` so that one result counts.
    """
    n_init, n_sidecar, n_regular, bounds, what = _SHAPES[shape]
    liveness = n_regular < 3  # three containers flap readiness only: liveness kills are the others' job
    name = f"{policy.lower()}-{shape}{'-probes' if probes else ''}"
    inits: list[dict[str, Any]] = [{"name": f"init-{i}", "image": _IMAGE} for i in range(n_init)]
    for i in range(n_sidecar):
        sidecar: dict[str, Any] = {"name": f"sidecar-{i}", "image": _IMAGE, "restartPolicy": "Always"}
        if probes:
            sidecar.update(_STARTUP)
        inits.append(sidecar)
    regular: list[dict[str, Any]] = []
    for i in range(n_regular):
        c: dict[str, Any] = {"name": f"app-{i}", "image": _IMAGE}
        if probes:
            c.update(_READINESS)
            if liveness:
                c.update(_LIVENESS)
        regular.append(c)
    spec: dict[str, Any] = {"restartPolicy": policy}
    if inits:
        spec["initContainers"] = inits
    spec["containers"] = regular
    meta: dict[str, Any] = {"name": name, "namespace": "default"}
    if bounds != UNBOUNDED:
        meta["annotations"] = {BOUNDS_ANNOTATION: json.dumps(bounds.to_dict(), sort_keys=True)}
    manifest = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
    doc = f"{what}, restartPolicy {policy}" + (", with probes" if probes else "")
    return Configuration(name, manifest, doc)


_PROBE = {"exec": {"command": ["true"]}}
_OOM_AND_TERM = ((137, "OOMKilled"), (143, None))


def _feature(name: str, doc: str, spec: dict[str, Any], bounds: Bounds) -> Configuration:
    meta: dict[str, Any] = {"name": name, "namespace": "default"}
    if bounds != UNBOUNDED:
        meta["annotations"] = {BOUNDS_ANNOTATION: json.dumps(bounds.to_dict(), sort_keys=True)}
    return Configuration(name, {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}, doc)


FEATURE_CONFIGURATIONS: tuple[Configuration, ...] = (
    _feature(
        "onfailure-1c-exits",
        "one regular container under OnFailure that may also exit 137 (OOMKilled) and 143 (SIGTERM)",
        {"restartPolicy": "OnFailure", "containers": [{"name": "app-0", "image": _IMAGE}]},
        Bounds(
            max_restarts=2,
            max_image_backoff=0.0,
            create_failures=False,
            exits=_OOM_AND_TERM,
            node_monitor=False,
        ),
    ),
    _feature(
        "always-1c-thresholds",
        "one regular container with startup, liveness and readiness probes, thresholds of 2",
        {
            "restartPolicy": "Always",
            "containers": [
                {
                    "name": "app-0",
                    "image": _IMAGE,
                    "startupProbe": {**_PROBE, "failureThreshold": 2},
                    "livenessProbe": {**_PROBE, "failureThreshold": 2},
                    "readinessProbe": {**_PROBE, "failureThreshold": 2, "successThreshold": 2},
                }
            ],
        },
        Bounds(
            max_restarts=1, max_image_backoff=0.0, create_failures=False, expiries=False, node_monitor=False
        ),
    ),
    _feature(
        "never-1c-rules",
        "one regular container with its own restartPolicy Never and a rule that restarts exits 1 and 137",
        {
            "restartPolicy": "Never",
            "containers": [
                {
                    "name": "app-0",
                    "image": _IMAGE,
                    "restartPolicy": "Never",
                    "restartPolicyRules": [
                        {"action": "Restart", "exitCodes": {"operator": "In", "values": [1, 137]}}
                    ],
                }
            ],
        },
        Bounds(
            max_restarts=2,
            max_image_backoff=0.0,
            create_failures=False,
            exits=((137, "OOMKilled"),),
            node_monitor=False,
        ),
    ),
    _feature(
        "always-1c-gate-deadline",
        "one regular container, a readiness gate and activeDeadlineSeconds 60",
        {
            "restartPolicy": "Always",
            "activeDeadlineSeconds": 60,
            "readinessGates": [{"conditionType": "example.com/feature"}],
            "containers": [{"name": "app-0", "image": _IMAGE}],
        },
        Bounds(max_restarts=2, max_image_backoff=0.0, create_failures=False, node_monitor=False),
    ),
    _feature(
        "always-1c-node-loss",
        "one regular container whose node may go silent: the node controller marks it not ready after "
        "node-monitor-grace-period (50 s), then the 300 s toleration runs",
        {"restartPolicy": "Always", "containers": [{"name": "app-0", "image": _IMAGE}]},
        Bounds(max_restarts=1, max_image_backoff=0.0, create_failures=False, expiries=False),
    ),
    _feature(
        "always-2s-1c",
        "two sidecars and one regular container, each run once: the order in which sidecars stop",
        {
            "restartPolicy": "Always",
            "initContainers": [
                {"name": "sidecar-0", "image": _IMAGE, "restartPolicy": "Always"},
                {"name": "sidecar-1", "image": _IMAGE, "restartPolicy": "Always"},
            ],
            "containers": [{"name": "app-0", "image": _IMAGE}],
        },
        Bounds(
            max_restarts=0, max_image_backoff=0.0, create_failures=False, expiries=False, node_monitor=False
        ),
    ),
)
"""Small pods for what the matrix leaves out: exit codes 137 (OOMKilled) and 143, probe thresholds
above 1 and a startup probe on an app container, restart rules, a readiness gate and
activeDeadlineSeconds, two sidecars (the reverse order in which they stop), the silent window of
a lost node. The others leave that window out (``nodeMonitor: false``: the node controller marks
a lost node not ready at once)."""

STANDARD_CONFIGURATIONS: tuple[Configuration, ...] = (
    tuple(
        standard_configuration(shape, policy, probes)
        for shape in _SHAPES
        for probes in (False, True)
        for policy in _POLICIES
    )
    + FEATURE_CONFIGURATIONS
)
"""The standard matrix (every shape x (without, with probes) x restart policy), then
:data:`FEATURE_CONFIGURATIONS`."""

ORDINARY_POD = Configuration(
    "ordinary",
    {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "ordinary", "namespace": "default"},
        "spec": {
            "restartPolicy": "Always",
            "initContainers": [{"name": "init", "image": "busybox"}],
            "containers": [
                {"name": "app", "image": "nginx", "readinessProbe": {"httpGet": {"path": "/", "port": 80}}},
                {"name": "side", "image": "nginx"},
            ],
        },
    },
    "the ordinary pod of issue 15: an init container, an app container with a readiness probe and a "
    "second app container, restartPolicy Always, no bounds",
)
"""The pod people write (issue 15), under the default (empty) bounds. Not in the standard matrix:
its space is far larger (docs/performance.md, "The ordinary pod")."""
