"""podfsm: an executable, formal specification of the Kubernetes Pod lifecycle.

Three faces:

- the model: finite state machines (built with ``transitions``) for the pod phase, each
  container's state and the pod conditions, composed by the restart-policy table and driven by
  lifecycle events (:func:`simulate`);
- the verifier: named invariants checked by Hypothesis and by an exhaustive explorer
  (:mod:`podfsm.verifier`, ``podfsm check``);
- the oracle: pure functions that say what the kubelet and ``kubectl get pods`` would say for
  any real Pod object (:mod:`podfsm.oracle`), and checks of other implementations
  (:mod:`podfsm.conformance`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from podfsm.errors import (
    AdmissionError,
    DefinitionError,
    IllegalEvent,
    InvalidArgument,
    InvalidPod,
    ManifestError,
    OutputError,
    PodFSMError,
    UsageError,
)

__version__ = "0.1.0"

__all__ = [
    "AdmissionError",
    "DefinitionError",
    "IllegalEvent",
    "InvalidArgument",
    "InvalidPod",
    "ManifestError",
    "OutputError",
    "PodFSMError",
    "UsageError",
    "__version__",
    "load",
    "simulate",
]

if TYPE_CHECKING:
    from podfsm.loader import load
    from podfsm.model.simulation import simulate


def __getattr__(name: str) -> Any:
    # Lazy so that `import podfsm` stays cheap for the oracle's users.
    if name == "load":
        from podfsm.loader import load

        return load
    if name == "simulate":
        from podfsm.model.simulation import simulate

        return simulate
    raise AttributeError(f"module 'podfsm' has no attribute {name!r}")
