"""human_duration: apimachinery's HumanDuration (staging/src/k8s.io/apimachinery/pkg/util/duration).

Every row of duration_test.go's TestHumanDuration and TestHumanDurationBoundaries, and the rows of
printers_test.go's TestTranslateTimestampSince, written as seconds. Then parse_time, which reads
the RFC 3339 timestamps the durations are measured between.
"""

from __future__ import annotations

import math

import pytest

from podfsm.errors import InvalidPod
from podfsm.oracle import human_duration, parse_time

SECOND = 1.0
MS = 0.001
NS = 1e-9
MINUTE = 60.0
HOUR = 3600.0
DAY = 24 * HOUR
YEAR = 365 * DAY

# (upstream row, seconds, text)
HUMAN_DURATION = [
    ("TestHumanDuration/1s", SECOND, "1s"),
    ("TestHumanDuration/70s", 70 * SECOND, "70s"),
    ("TestHumanDuration/190s", 190 * SECOND, "3m10s"),
    ("TestHumanDuration/70m", 70 * MINUTE, "70m"),
    ("TestHumanDuration/47h", 47 * HOUR, "47h"),
    ("TestHumanDuration/49h", 49 * HOUR, "2d1h"),
    ("TestHumanDuration/(8*24+2)h", (8 * 24 + 2) * HOUR, "8d"),
    ("TestHumanDuration/367*24h", 367 * 24 * HOUR, "367d"),
    ("TestHumanDuration/(365*2*24+25)h", (365 * 2 * 24 + 25) * HOUR, "2y1d"),
    ("TestHumanDuration/(365*8*24+2)h", (365 * 8 * 24 + 2) * HOUR, "8y"),
    ("TestHumanDurationBoundaries/-2s", -2 * SECOND, "<invalid>"),
    ("TestHumanDurationBoundaries/-2s+1ns", -2 * SECOND + NS, "0s"),
    ("TestHumanDurationBoundaries/0", 0.0, "0s"),
    ("TestHumanDurationBoundaries/1s-1ms", SECOND - MS, "0s"),
    ("TestHumanDurationBoundaries/2m-1ms", 2 * MINUTE - MS, "119s"),
    ("TestHumanDurationBoundaries/2m", 2 * MINUTE, "2m"),
    ("TestHumanDurationBoundaries/2m1s", 2 * MINUTE + SECOND, "2m1s"),
    ("TestHumanDurationBoundaries/10m-1ms", 10 * MINUTE - MS, "9m59s"),
    ("TestHumanDurationBoundaries/10m", 10 * MINUTE, "10m"),
    ("TestHumanDurationBoundaries/10m1s", 10 * MINUTE + SECOND, "10m"),
    ("TestHumanDurationBoundaries/3h-1ms", 3 * HOUR - MS, "179m"),
    ("TestHumanDurationBoundaries/3h", 3 * HOUR, "3h"),
    ("TestHumanDurationBoundaries/3h1m", 3 * HOUR + MINUTE, "3h1m"),
    ("TestHumanDurationBoundaries/8h-1ms", 8 * HOUR - MS, "7h59m"),
    ("TestHumanDurationBoundaries/8h", 8 * HOUR, "8h"),
    ("TestHumanDurationBoundaries/8h59m", 8 * HOUR + 59 * MINUTE, "8h"),
    ("TestHumanDurationBoundaries/48h-1ms", 2 * DAY - MS, "47h"),
    ("TestHumanDurationBoundaries/48h", 2 * DAY, "2d"),
    ("TestHumanDurationBoundaries/49h", 2 * DAY + HOUR, "2d1h"),
    ("TestHumanDurationBoundaries/8d-1ms", 8 * DAY - MS, "7d23h"),
    ("TestHumanDurationBoundaries/8d", 8 * DAY, "8d"),
    ("TestHumanDurationBoundaries/8d23h", 8 * DAY + 23 * HOUR, "8d"),
    ("TestHumanDurationBoundaries/2y-1ms", 2 * YEAR - MS, "729d"),
    ("TestHumanDurationBoundaries/2y", 2 * YEAR, "2y"),
    ("TestHumanDurationBoundaries/2y23h", 2 * YEAR + 23 * HOUR, "2y"),
    ("TestHumanDurationBoundaries/2y23h59m", 2 * YEAR + 23 * HOUR + 59 * MINUTE, "2y"),
    ("TestHumanDurationBoundaries/2y1d-1ms", 2 * YEAR + DAY - MS, "2y"),
    ("TestHumanDurationBoundaries/2y1d", 2 * YEAR + DAY, "2y1d"),
    ("TestHumanDurationBoundaries/3y", 3 * YEAR, "3y"),
    ("TestHumanDurationBoundaries/4y", 4 * YEAR, "4y"),
    ("TestHumanDurationBoundaries/5y", 5 * YEAR, "5y"),
    ("TestHumanDurationBoundaries/6y", 6 * YEAR, "6y"),
    ("TestHumanDurationBoundaries/7y", 7 * YEAR, "7y"),
    ("TestHumanDurationBoundaries/8y-1ms", 8 * YEAR - MS, "7y364d"),
    ("TestHumanDurationBoundaries/8y", 8 * YEAR, "8y"),
    ("TestHumanDurationBoundaries/8y364d", 8 * YEAR + 364 * DAY, "8y"),
    ("TestHumanDurationBoundaries/9y", 9 * YEAR, "9y"),
    # printers_test.go TestTranslateTimestampSince: the age of a timestamp `now - t`.
    ("TestTranslateTimestampSince/a while from now", -2.1, "<invalid>"),
    ("TestTranslateTimestampSince/almost now", -1.9, "0s"),
    ("TestTranslateTimestampSince/now", 0.0, "0s"),
    ("TestTranslateTimestampSince/30 seconds ago", 30.0, "30s"),
    ("TestTranslateTimestampSince/5 minutes ago", 300.0, "5m"),
    ("TestTranslateTimestampSince/an hour ago", 6000.0, "100m"),
    ("TestTranslateTimestampSince/2 days ago", 2 * DAY, "2d"),
    ("TestTranslateTimestampSince/months ago", 90 * DAY, "90d"),
    ("TestTranslateTimestampSince/10 years ago", 10 * YEAR, "10y"),
]


@pytest.mark.parametrize(("row", "seconds", "text"), HUMAN_DURATION, ids=[r[0] for r in HUMAN_DURATION])
def test_human_duration(row: str, seconds: float, text: str) -> None:
    """HumanDuration gives upstream's text for the row."""
    assert human_duration(seconds) == text


def test_unknown() -> None:
    """TestTranslateTimestampSince/unknown: no time at all (Go's zero metav1.Time) is <unknown>."""
    assert human_duration(None) == "<unknown>"


@pytest.mark.parametrize(("seconds", "text"), [(5, "5s"), (125, "2m5s"), (-1, "0s"), (-2, "<invalid>")])
def test_integers_are_seconds_too(seconds: int, text: str) -> None:
    """Whole seconds as int work like floats; truncation toward zero decides -1.x vs -2."""
    assert human_duration(seconds) == text


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_is_rejected(bad: float) -> None:
    """A Go time.Duration is an int64 of nanoseconds: there is no NaN or infinity to print."""
    with pytest.raises(ValueError, match="finite"):
        human_duration(bad)


@pytest.mark.parametrize("bad", ["5", True, [1]])
def test_non_numbers_are_rejected(bad: object) -> None:
    """Only numbers (or None) are durations."""
    with pytest.raises(TypeError):
        human_duration(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("2024-01-01T00:00:00Z", 1704067200.0),
        ("2024-01-01T00:00:00.5Z", 1704067200.5),
        ("2024-01-01T02:00:00+02:00", 1704067200.0),
        ("2023-12-31T19:00:00-05:00", 1704067200.0),
        ("2024-01-01T00:00:00.123456789Z", 1704067200.123456),
    ],
)
def test_parse_time(text: str, seconds: float) -> None:
    """RFC 3339 timestamps (metav1.Time): fractions and offsets are instants, compared as such."""
    assert parse_time(text, "t") == pytest.approx(seconds, abs=1e-6)


@pytest.mark.parametrize("unset", [None, "", "0001-01-01T00:00:00Z"])
def test_parse_time_unset(unset: str | None) -> None:
    """A missing timestamp, and Go's zero time, are unset (IsZero)."""
    assert parse_time(unset, "t") is None


@pytest.mark.parametrize("bad", ["yesterday", "2024-01-01", "2024-01-01T00:00:00", 1704067200])
def test_parse_time_rejects_what_the_api_server_cannot_decode(bad: object) -> None:
    """Not an RFC 3339 timestamp with a zone: InvalidPod naming where it was found."""
    with pytest.raises(InvalidPod, match=r"^status\.startTime: "):
        parse_time(bad, "status.startTime")
