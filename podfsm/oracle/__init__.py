"""The oracle: what the kubelet and ``kubectl get pods`` say about a pod object.

Pure functions of a pod in the Kubernetes v1 JSON shape (a plain mapping, as
``kubectl get pod -o json`` prints it, or a pydantic model of one). They never mutate their
input and tolerate what the Kubernetes functions tolerate; input that is not a pod at all raises
:class:`~podfsm.errors.InvalidPod`.

=======================  =====================================================================
:func:`pod_phase`        ``getPhase`` (``pkg/kubelet/kubelet_pods.go``)
:func:`pod_conditions`   the generators of ``pkg/kubelet/status/generate.go``
:func:`kubectl_columns`  ``printPod`` (``pkg/printers/internalversion/printers.go``)
:func:`human_duration`   ``HumanDuration`` (``k8s.io/apimachinery/pkg/util/duration``)
=======================  =====================================================================
"""

from __future__ import annotations

from podfsm.oracle.conditions import Condition, pod_conditions
from podfsm.oracle.duration import human_duration, parse_time
from podfsm.oracle.kubectl import Columns, WideColumns, kubectl_columns, kubectl_wide_columns
from podfsm.oracle.phase import (
    container_should_restart,
    has_any_active_regular_container_started,
    is_static_pod,
    pod_phase,
)

__all__ = [
    "Columns",
    "Condition",
    "WideColumns",
    "container_should_restart",
    "has_any_active_regular_container_started",
    "human_duration",
    "is_static_pod",
    "kubectl_columns",
    "kubectl_wide_columns",
    "parse_time",
    "pod_conditions",
    "pod_phase",
]
