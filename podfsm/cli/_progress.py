"""Progress on a terminal for the commands that can run for a while, and silence everywhere else.

A :class:`Progress` draws one line on standard error with `rich <https://pypi.org/project/rich/>`_
while standard error is a terminal, and does nothing at all when it is not (piped, redirected, in CI,
under pytest's capture), so the output of a command never depends on whether someone watched it.
``PODFSM_PROGRESS=0`` turns it off on a terminal too, ``PODFSM_PROGRESS=1`` forces it on (for
tests of the drawing). rich is imported only when a line is drawn.

Usage::

    with Progress("reading pods.json", total=size, unit="bytes") as progress:
        for pod in pods:
            progress.update(completed=stream.bytes_read, note=f"{n} pods")
"""

from __future__ import annotations

import os
import sys
from types import TracebackType
from typing import Any, Literal

__all__ = ["Progress", "enabled"]


def enabled() -> bool:
    """Whether progress is drawn: standard error is a terminal, unless ``PODFSM_PROGRESS`` says."""
    forced = os.environ.get("PODFSM_PROGRESS", "")
    if forced in ("0", "1"):
        return forced == "1"
    return _isatty(sys.stderr)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class Progress:
    """One task's progress line: a bar when ``total`` is known, a spinner otherwise.

    ``unit`` is ``"items"`` (counts) or ``"bytes"`` (shown as MB); ``note`` is free text after the
    figures (rates, what is being checked); ``active=False`` never draws. Updates are cheap when
    nothing is drawn.
    """

    def __init__(
        self,
        description: str,
        *,
        total: float | None = None,
        unit: Literal["items", "bytes"] = "items",
        active: bool = True,
    ) -> None:
        self.active = active  # False: never drawn (the caller knows the run is short, or live)
        self.description = description
        self.total = total
        self.unit = unit
        self._rich: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        if not self.active or not enabled():
            return self
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            MofNCompleteColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import (
            Progress as RichProgress,
        )

        figures = DownloadColumn() if self.unit == "bytes" else MofNCompleteColumn()
        columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}")]
        if self.total is not None:
            columns += [BarColumn(), figures, TimeRemainingColumn()]
        else:
            columns += [TextColumn("{task.completed:,.0f}"), TimeElapsedColumn()]
        columns.append(TextColumn("{task.fields[note]}"))
        # Lines written to a terminal's standard output go above the progress line; a redirected
        # standard output is left alone.
        self._rich = RichProgress(
            *columns,
            console=Console(stderr=True, force_terminal=os.environ.get("PODFSM_PROGRESS") == "1" or None),
            transient=True,
            redirect_stdout=_isatty(sys.stdout),
            redirect_stderr=False,
        )
        self._rich.start()
        self._task = self._rich.add_task(self.description, total=self.total, note="")
        return self

    def update(
        self, *, advance: float | None = None, completed: float | None = None, note: str | None = None
    ) -> None:
        """Move the line on by ``advance``, or to ``completed``; replace the note."""
        if self._rich is None:
            return
        fields: dict[str, Any] = {}
        if note is not None:
            fields["note"] = note
        self._rich.update(self._task, advance=advance, completed=completed, **fields)

    def describe(self, description: str) -> None:
        """Change what the line says it is doing."""
        self.description = description
        if self._rich is not None:
            self._rich.update(self._task, description=description)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._rich is not None:
            self._rich.stop()
            self._rich = None
