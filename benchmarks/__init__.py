"""podfsm's benchmarks: ``python -m benchmarks [--quick] [--only NAME...] [--json OUT]``.

Each ``bench_NAME.py`` module beside this one exposes ``run(quick=False) -> dict`` and can be run
on its own (``python benchmarks/bench_NAME.py [--quick]``). Every figure that has a target is a
ratio against a baseline measured in the same process (or, for ``status``, by the same parent
process on the same file), because absolute times on shared machines are noisy; the explorer
and the stateful tests, which have no baseline, report rates and totals. ``docs/performance.md``
says what each one measures and the figures measured so far.
"""

from __future__ import annotations

import importlib
from types import ModuleType

BENCHMARKS: tuple[str, ...] = ("oracle", "status", "simulate", "stream", "explorer", "stateful")
"""Every benchmark, in the order ``python -m benchmarks`` runs them."""


class Unavailable(Exception):
    """What a benchmark measures does not exist yet (its module or the podfsm module it times)."""


def load(name: str) -> ModuleType:
    """The ``benchmarks.bench_NAME`` module; :class:`Unavailable` when it or what it times is missing."""
    module = f"benchmarks.bench_{name}"
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if missing == module or missing.startswith("podfsm"):
            raise Unavailable(f"not available yet ({missing} is missing)") from None
        raise
