"""The kubelet's configuration, the part of it that changes a pod's lifecycle.

A pod-independent subset of ``KubeletConfiguration`` (``kubelet.config.k8s.io/v1beta1``), given to
:func:`podfsm.simulate` (``kubelet_config=``), :class:`~podfsm.model.pod.PodModel` and the CLI
(``podfsm simulate --kubelet-config FILE``, ``podfsm check --kubelet-config FILE``). Its YAML shape
is KubeletConfiguration's own, restricted to the fields podfsm reads::

    apiVersion: kubelet.config.k8s.io/v1beta1    # optional
    kind: KubeletConfiguration                    # optional
    crashLoopBackOff:
      maxContainerRestartPeriod: 60s              # Go duration, 1s..300s
    featureGates:
      KubeletCrashLoopBackOffMax: true            # beta in v1.35, on by default
      ReduceDefaultCrashLoopBackOffDecay: false   # alpha in v1.33, off by default
      RestartAllContainersOnContainerExits: false # alpha in v1.35, off by default
    nodeLifecycle:                                # podfsm extension: the control plane's settings
      nodeMonitorGracePeriod: 50s                 # kube-controller-manager --node-monitor-grace-period
      defaultUnreachableTolerationSeconds: 300    # kube-apiserver --default-unreachable-toleration-seconds

``nodeLifecycle`` is not the kubelet's: the node controller of kube-controller-manager marks a
silent node not ready after ``nodeMonitorGracePeriod`` (v1.35 default 50 s, since v1.32:
``pkg/controller/nodelifecycle/config/v1alpha1/defaults.go``), and the DefaultTolerationSeconds
admission plugin of kube-apiserver gives a pod that does not tolerate the unreachable taint
``defaultUnreachableTolerationSeconds`` (300 s). They are given here because a simulated pod's
node loss depends on them.

Defaults are v1.35's: crash-loop back-off 10 s doubling to 300 s. The crash-loop back-off's
initial delay and maximum come from ``newCrashLoopBackOff`` (``pkg/kubelet/kubelet.go``):
``ReduceDefaultCrashLoopBackOffDecay`` makes them 1 s and 60 s; with
``KubeletCrashLoopBackOffMax`` the configured ``maxContainerRestartPeriod`` is the maximum, and
the initial delay when it is smaller. The back-off's 600 s reset does not change.

Any other field, an unknown feature gate, or a value out of range is a
:class:`~podfsm.errors.ManifestError` naming the file and the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from podfsm.errors import ManifestError

API_VERSION = "kubelet.config.k8s.io/v1beta1"
KIND = "KubeletConfiguration"

INITIAL_CRASH_LOOP_BACK_OFF = 10.0  # pkg/kubelet/kubelet.go:initialCrashLoopBackOff
MAX_CRASH_LOOP_BACK_OFF = 300.0  # MaxCrashLoopBackOff, the default maxContainerRestartPeriod
REDUCED_INITIAL_CRASH_LOOP_BACK_OFF = 1.0  # reducedInitialCrashLoopBackOff
REDUCED_MAX_CRASH_LOOP_BACK_OFF = 60.0  # reducedMaxCrashLoopBackOff
# kube-controller-manager's --node-monitor-grace-period: 50 s since v1.32 (kubernetes#126287)
NODE_MONITOR_GRACE_PERIOD = 50.0
# kube-apiserver's --default-unreachable-toleration-seconds (DefaultTolerationSeconds admission)
DEFAULT_UNREACHABLE_TOLERATION_SECONDS = 300
MAX_NODE_MONITOR_GRACE_PERIOD = 86400.0  # podfsm's bound, to keep the virtual clock in range

# The feature gates podfsm honours, with their v1.35 defaults (pkg/features/kube_features.go).
FEATURE_GATE_DEFAULTS: Mapping[str, bool] = {
    "KubeletCrashLoopBackOffMax": True,  # beta since v1.35
    "ReduceDefaultCrashLoopBackOffDecay": False,  # alpha since v1.33
    # alpha in v1.35: restartPolicyRules action RestartAllContainers (KEP-5532); podfsm's
    # simulator refuses such a rule (with the gate off, as the API server does; with it on,
    # because the in-place restart of every container is not modelled yet)
    "RestartAllContainersOnContainerExits": False,
}

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def parse_duration(text: Any) -> float:
    """Seconds in a Go duration (``"1m30s"``, ``"60s"``, ``"500ms"``); ValueError when not one."""
    if not isinstance(text, str) or not text:
        raise ValueError(f"not a duration: {text!r} (expected e.g. '60s' or '1m30s')")
    pos, total = 0, 0.0
    for m in _DURATION_PART.finditer(text):
        if m.start() != pos:
            break
        total += float(m.group(1)) * _UNIT_SECONDS[m.group(2)]
        pos = m.end()
    if pos != len(text):
        raise ValueError(f"not a duration: {text!r} (expected e.g. '60s' or '1m30s')")
    return total


@dataclass(frozen=True)
class KubeletConfig:
    """What podfsm reads of the kubelet's configuration; ``KubeletConfig()`` is v1.35's default."""

    max_container_restart_period: float = MAX_CRASH_LOOP_BACK_OFF  # seconds
    feature_gates: Mapping[str, bool] = field(default_factory=lambda: dict(FEATURE_GATE_DEFAULTS))
    node_monitor_grace_period: float = NODE_MONITOR_GRACE_PERIOD  # seconds (kube-controller-manager)
    default_unreachable_toleration_seconds: int = DEFAULT_UNREACHABLE_TOLERATION_SECONDS  # kube-apiserver

    def enabled(self, gate: str) -> bool:
        """Whether ``gate`` is on (its v1.35 default unless the configuration sets it)."""
        return bool(self.feature_gates.get(gate, FEATURE_GATE_DEFAULTS[gate]))

    def crash_loop_back_off(self) -> tuple[float, float]:
        """(initial delay, maximum) of the crash-loop back-off in seconds (``newCrashLoopBackOff``)."""
        initial, maximum = INITIAL_CRASH_LOOP_BACK_OFF, MAX_CRASH_LOOP_BACK_OFF
        if self.enabled("ReduceDefaultCrashLoopBackOffDecay"):
            initial, maximum = REDUCED_INITIAL_CRASH_LOOP_BACK_OFF, REDUCED_MAX_CRASH_LOOP_BACK_OFF
        if self.enabled("KubeletCrashLoopBackOffMax"):
            maximum = self.max_container_restart_period
            initial = min(initial, maximum)
        return initial, maximum


DEFAULT_KUBELET_CONFIG = KubeletConfig()


def gates_shown_by(pod: Mapping[str, Any]) -> dict[str, bool]:
    """The feature gates a stored pod object shows were on (empty: nothing beyond v1.35's defaults).

    A ``restartPolicyRules`` action ``RestartAllContainers`` passes the API server's validation
    only with ``RestartAllContainersOnContainerExits`` (alpha, off by default), so a pod that
    carries one comes from a cluster with the gate on. Used where podfsm judges a recorded pod
    without its cluster's configuration (check-trace, the published invariants).
    """
    spec = pod.get("spec") if isinstance(pod, Mapping) else None
    if not isinstance(spec, Mapping):
        return {}
    for key in ("initContainers", "containers"):
        for c in spec.get(key) or ():
            rules = c.get("restartPolicyRules") if isinstance(c, Mapping) else None
            if any(isinstance(r, Mapping) and r.get("action") == "RestartAllContainers" for r in rules or ()):
                return {"RestartAllContainersOnContainerExits": True}
    return {}


def parse_kubelet_config(obj: Any, source: str = "<kubelet-config>") -> KubeletConfig:
    """A :class:`KubeletConfig` from a KubeletConfiguration mapping; ManifestError naming the field."""
    if obj is None:
        return DEFAULT_KUBELET_CONFIG
    if not isinstance(obj, Mapping):
        raise ManifestError(source, "a kubelet configuration must be a mapping (a KubeletConfiguration)")
    known = {"apiVersion", "kind", "crashLoopBackOff", "featureGates", "nodeLifecycle"}
    for key in obj:
        if key not in known:
            raise ManifestError(
                source, f"podfsm does not read this field; it reads {', '.join(sorted(known))}", str(key)
            )
    if obj.get("apiVersion", API_VERSION) != API_VERSION:
        raise ManifestError(source, f"expected {API_VERSION!r}, got {obj['apiVersion']!r}", "apiVersion")
    if obj.get("kind", KIND) != KIND:
        raise ManifestError(source, f"expected {KIND!r}, got {obj['kind']!r}", "kind")
    period = MAX_CRASH_LOOP_BACK_OFF
    clbo = obj.get("crashLoopBackOff")
    if clbo is not None:
        if not isinstance(clbo, Mapping) or set(clbo) - {"maxContainerRestartPeriod"}:
            raise ManifestError(
                source, "expected a mapping with only maxContainerRestartPeriod", "crashLoopBackOff"
            )
        if "maxContainerRestartPeriod" in clbo:
            # pkg/kubelet/apis/config/validation: between 1s and 300s
            period = _duration(
                clbo["maxContainerRestartPeriod"],
                (1.0, MAX_CRASH_LOOP_BACK_OFF, "must be between 1s and 300s"),
                source,
                "crashLoopBackOff.maxContainerRestartPeriod",
            )
    gates = dict(FEATURE_GATE_DEFAULTS)
    given = obj.get("featureGates")
    if given is not None:
        if not isinstance(given, Mapping):
            raise ManifestError(source, "expected a mapping of gate name to true/false", "featureGates")
        for name, value in given.items():
            if name not in FEATURE_GATE_DEFAULTS:
                raise ManifestError(
                    source,
                    f"podfsm honours only {', '.join(sorted(FEATURE_GATE_DEFAULTS))}",
                    f"featureGates.{name}",
                )
            if not isinstance(value, bool):
                raise ManifestError(source, f"expected true or false, got {value!r}", f"featureGates.{name}")
            gates[str(name)] = value
    monitor, toleration = _node_lifecycle(obj.get("nodeLifecycle"), source)
    return KubeletConfig(
        max_container_restart_period=period,
        feature_gates=gates,
        node_monitor_grace_period=monitor,
        default_unreachable_toleration_seconds=toleration,
    )


def _duration(value: Any, bounds: tuple[float, float, str], source: str, where: str) -> float:
    """A duration field (``"5m"``, ``"300s"``) in seconds, within ``bounds`` (low, high, the message
    when outside); raises :class:`ManifestError` naming ``where``."""
    low, high, outside = bounds
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise ManifestError(source, str(exc), where) from None
    if not low <= seconds <= high:
        raise ManifestError(source, outside, where)
    return seconds


def _node_lifecycle(obj: Any, source: str) -> tuple[float, int]:
    """(nodeMonitorGracePeriod in seconds, defaultUnreachableTolerationSeconds) of ``nodeLifecycle``."""
    monitor, toleration = NODE_MONITOR_GRACE_PERIOD, DEFAULT_UNREACHABLE_TOLERATION_SECONDS
    if obj is None:
        return monitor, toleration
    fields = {"nodeMonitorGracePeriod", "defaultUnreachableTolerationSeconds"}
    if not isinstance(obj, Mapping) or set(obj) - fields:
        raise ManifestError(
            source, f"expected a mapping with only {', '.join(sorted(fields))}", "nodeLifecycle"
        )
    if "nodeMonitorGracePeriod" in obj:
        monitor = _duration(
            obj["nodeMonitorGracePeriod"],
            (0.0, MAX_NODE_MONITOR_GRACE_PERIOD, "must be between 0s (at once) and 24h"),
            source,
            "nodeLifecycle.nodeMonitorGracePeriod",
        )
    if "defaultUnreachableTolerationSeconds" in obj:
        where = "nodeLifecycle.defaultUnreachableTolerationSeconds"
        value = obj["defaultUnreachableTolerationSeconds"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2**63 - 1:
            raise ManifestError(source, f"expected a whole number of seconds >= 0, got {value!r}", where)
        toleration = value
    return monitor, toleration


def load_kubelet_config(path: str) -> KubeletConfig:
    """A :class:`KubeletConfig` from a YAML or JSON file; ManifestError naming the file on error."""
    import yaml

    from podfsm.loader import read_text

    text, name = read_text(path)
    try:
        obj = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else None
        raise ManifestError(name, str(getattr(exc, "problem", None) or "not valid YAML"), where) from None
    return parse_kubelet_config(obj, name)
