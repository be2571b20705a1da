"""Durations and timestamps as Kubernetes prints and reads them.

- :func:`human_duration` is apimachinery's ``HumanDuration``
  (``staging/src/k8s.io/apimachinery/pkg/util/duration/duration.go``): the short text kubectl
  shows in AGE and in RESTARTS' ``(5m ago)``.
- :func:`parse_time` reads an RFC 3339 timestamp (what ``metav1.Time`` marshals to) into Unix
  seconds; the zero time (``0001-01-01T00:00:00Z``) reads as ``None``, like Go's ``IsZero``.
"""

from __future__ import annotations

import math
import re
from datetime import datetime

from podfsm._io import describe
from podfsm.errors import InvalidArgument, InvalidPod

__all__ = ["UNKNOWN", "human_duration", "parse_time", "since"]

UNKNOWN = "<unknown>"  # translateTimestampSince of the zero time
_INVALID = "<invalid>"  # more than one second in the future

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_YEAR = 365 * _DAY  # HumanDuration's year has 365 days

# Unix seconds of Go's zero time.Time (0001-01-01T00:00:00Z), which IsZero() reports as unset.
_GO_ZERO_TIME = -62135596800.0
# Parsed timestamps by their text. Strings are immutable and parsing is pure, so the cache is
# safe; it is cleared when it grows, which keeps memory bounded for endless streams of pods.
_PARSED: dict[str, float | None] = {}
_PARSED_MAX = 8192


def human_duration(seconds: float | None) -> str:
    """The ``HumanDuration`` text for ``seconds`` (``"2m30s"``, ``"3d4h"``); ``None`` is ``"<unknown>"``.

    Go truncates the duration to whole seconds first: ``-1.9`` is ``"0s"`` (a clock a little
    ahead is "now"), ``-2`` and below is ``"<invalid>"``. Then it keeps about two significant
    figures: ``Ns`` below 2 minutes, ``MmSs`` below 10 minutes, ``Mm`` below 3 hours, ``HhMm``
    below 8 hours, ``Hh`` below 2 days, ``DdHh`` below 8 days, ``Dd`` below 2 years, ``YyDd``
    below 8 years, then ``Yy``; zero parts are dropped (``"2m"``, ``"3h"``, ``"2d"``, ``"2y"``).
    """
    if seconds is None:
        return UNKNOWN
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise InvalidArgument(
            "seconds", f"human_duration needs a number or None, got {describe(seconds, preview=True)}"
        )
    if not math.isfinite(seconds):
        raise InvalidArgument("seconds", f"human_duration needs a finite number, got {seconds!r}")
    s = math.trunc(seconds)  # int(d.Seconds()) truncates toward zero
    if s < -1:
        return _INVALID
    if s < 0:
        return "0s"
    if s < 2 * _MINUTE:
        return f"{s}s"
    minutes = s // _MINUTE
    if minutes < 10:
        rest = s % _MINUTE
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    if minutes < 3 * 60:
        return f"{minutes}m"
    hours = s // _HOUR
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h{rest}m" if rest else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if hours < 8 * 24:
        rest = hours % 24
        return f"{days}d{rest}h" if rest else f"{days}d"
    if hours < 2 * 365 * 24:
        return f"{days}d"
    years = days // 365
    if hours < 8 * 365 * 24:
        rest = days % 365
        return f"{years}y{rest}d" if rest else f"{years}y"
    return f"{years}y"


# Go's time.RFC3339 layout: "2006-01-02T15:04:05Z07:00", fractional seconds allowed when parsing.
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
_MAX_GO_DURATION = (2**63 - 1) / 1e9  # seconds in math.MaxInt64 nanoseconds


def parse_time(value: object, where: str) -> float | None:
    """Unix seconds of an RFC 3339 timestamp; ``None`` for an unset one (missing, ``""``, zero time).

    Fractional seconds and numeric offsets are accepted (``2024-01-01T00:00:00.5+02:00``). A value
    that is not a timestamp raises :class:`~podfsm.errors.InvalidPod` naming ``where``: the API
    server could not have decoded it.
    """
    if value is None or value == "":
        return None
    if type(value) is str:
        try:
            return _PARSED[value]
        except KeyError:
            pass
        parsed = None
        if _RFC3339.fullmatch(value):  # time.Parse(time.RFC3339): stricter than fromisoformat
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            stamp = parsed.timestamp()
            result = None if stamp == _GO_ZERO_TIME else stamp
            if len(_PARSED) >= _PARSED_MAX:
                _PARSED.clear()
            _PARSED[value] = result
            return result
        raise InvalidPod(f"not an RFC 3339 timestamp with a zone: {value!r}", where)
    raise InvalidPod(f"expected an RFC 3339 timestamp string, got {type(value).__name__}", where)


def since(value: object, now: float, where: str) -> str:
    """``translateTimestampSince``: the age of ``value`` at ``now``, or ``"<unknown>"`` when unset."""
    stamp = parse_time(value, where)
    if stamp is None:
        return UNKNOWN
    # time.Since is Time.Sub, which saturates at the largest Duration (about 292 years)
    return human_duration(max(min(now - stamp, _MAX_GO_DURATION), -_MAX_GO_DURATION))
