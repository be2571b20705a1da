"""Progress of an exhaustive exploration: the figures, an estimate of what is left, and a live terminal line.

The explorer calls a progress callback with a :class:`Progress` after every batch of states it
expands. :func:`estimate` projects the rest of the space from the growth of the breadth-first
levels; :func:`advice` says early, with what to do, when a run will not finish;
:class:`TerminalProgress` shows all of it on a terminal with `rich <https://rich.readthedocs.io>`_
and stays quiet when the output is piped (the advice is still printed, once, on stderr).
"""

from __future__ import annotations

import itertools
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

__all__ = ["Progress", "TerminalProgress", "advice", "estimate"]

GROWTH_LEVELS = 3  # levels the growth factor is averaged over
ADVICE_AFTER_S = 60.0  # wall seconds before a run is judged
ADVICE_HORIZON_S = 600.0  # a run whose projected end is further than this is told so


@dataclass
class Progress:
    """One look at a running exploration (wall seconds; bytes)."""

    configuration: str
    distinct: int  # distinct states found
    generated: int  # successor states generated (transitions)
    depth: int  # the breadth-first level being expanded
    frontier: int  # states left to expand at this level and the next
    seconds: float
    memory: int  # resident bytes of the driver and its workers
    levels: Sequence[int] = field(default_factory=list)  # states per finished level, from the root's

    @property
    def rate(self) -> float:
        """Distinct states per wall second."""
        return self.distinct / self.seconds if self.seconds > 0 else 0.0

    @property
    def growth(self) -> float | None:
        """The geometric mean of the level-to-level growth over the last levels (None: too early)."""
        return growth(self.levels)

    @property
    def estimated_total(self) -> int | None:
        """Distinct states the whole space is projected to have (None: still growing or too early)."""
        return estimate(self.levels, self.distinct)


def growth(levels: Sequence[int]) -> float | None:
    """Geometric mean of ``levels[i] / levels[i-1]`` over the last :data:`GROWTH_LEVELS` full levels."""
    full = [n for n in levels if n > 0]
    if len(full) < GROWTH_LEVELS + 1:
        return None
    tail = full[-(GROWTH_LEVELS + 1) :]
    logs = [math.log(b / a) for a, b in itertools.pairwise(tail)]
    return math.exp(sum(logs) / len(logs))


def estimate(levels: Sequence[int], distinct: int) -> int | None:
    """Project the total distinct states: levels shrinking by a factor r < 1 leave ``last * r / (1 - r)``.

    None while the levels still grow (r >= 0.95) or fewer than four levels are known.
    """
    r = growth(levels)
    if r is None or r >= 0.95:
        return None
    return distinct + int(levels[-1] * r / (1 - r))


def advice(p: Progress) -> str | None:
    """One paragraph telling the user this run will not finish soon, and what to do; None when it will."""
    if p.seconds < ADVICE_AFTER_S or p.rate <= 0:
        return None
    total = p.estimated_total
    r = p.growth
    if total is not None:
        left_s = (total - p.distinct) / p.rate
        if left_s <= ADVICE_HORIZON_S:
            return None
        why = f"about {total:,} states projected, {left_s / 60:.0f} more minutes at {p.rate:,.0f} states/s"
    elif r is not None:
        why = f"the space still grows x{r:.2f} per level at depth {p.depth} ({p.distinct:,} states so far)"
    else:
        return None
    return (
        f"{p.configuration}: this exploration will not finish soon: {why}. "
        "Bound the pod's world with the annotation podfsm.io/explore "
        '(e.g. {"maxRestarts": 1, "maxImageBackoff": 0, "createFailures": false, "expiries": false}), '
        "cut the run with --max-states N or --max-depth N, or spread it with --workers / --ray."
    )


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n = n / 1024  # type: ignore[assignment]
    return str(n)  # pragma: no cover


def describe(p: Progress) -> str:
    """The progress line: states, distinct, depth, frontier, rate, memory and the estimate."""
    total = p.estimated_total
    r = p.growth
    if total is not None:
        left = f"~{total:,} states in all ({100 * p.distinct / max(total, 1):.0f}%)"
    elif r is not None:
        left = f"growing x{r:.2f}/level"
    else:
        left = "estimating"
    return (
        f"{p.configuration}: {p.generated:,} states, {p.distinct:,} distinct, depth {p.depth}, "
        f"frontier {p.frontier:,}, {p.rate:,.0f}/s, {_size(p.memory)}, {left}"
    )


class TerminalProgress:
    """A progress callback: a live line on a terminal (rich), nothing when ``stream`` is not one.

    Whatever the stream, :func:`advice` is printed once per configuration when it applies.
    Use as a context manager around the explorations.
    """

    def __init__(self, stream: TextIO | None = None, *, force: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.live = force if force is not None else self.stream.isatty()
        self._advised: set[str] = set()
        self._last = 0.0
        self._status: Any = None
        self._console: Any = None

    def __enter__(self) -> TerminalProgress:
        if self.live:
            from rich.console import Console

            self._console = Console(file=self.stream)
            self._status = self._console.status("exploring")
            self._status.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

    def __call__(self, p: Progress) -> None:
        hint = advice(p)
        if hint is not None and p.configuration not in self._advised:
            self._advised.add(p.configuration)
            if self._console is not None:
                self._console.print(f"[yellow]{hint}[/yellow]", highlight=False)
            else:
                print(hint, file=self.stream, flush=True)
        now = time.monotonic()
        if self._status is not None and now - self._last >= 0.2:
            self._last = now
            self._status.update(describe(p))
