"""The benchmarks run (``--quick`` sizes) and report what docs/performance.md reads.

No timing is asserted: figures on shared machines are noisy, and the targets are checked by
``python -m benchmarks`` itself. Only the shape of each result is: its keys, and numbers that
are positive.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `benchmarks` lives beside `podfsm`, not inside it
    sys.path.insert(0, str(ROOT))

from benchmarks import BENCHMARKS, Unavailable, load  # noqa: E402
from benchmarks.__main__ import main  # noqa: E402

# benchmark -> the keys its result must have, each a positive number
POSITIVE: dict[str, tuple[str, ...]] = {
    "oracle": ("pods", "baseline_s", "subject_s", "ratio", "target"),
    "status": (
        "pods",
        "baseline_s",
        "subject_s",
        "ratio",
        "baseline_rss_mb",
        "subject_rss_mb",
        "mem_ratio",
        "target",
        "mem_target",
        "watch_short_rss_mb",
        "watch_long_rss_mb",
        "watch_ratio",
        "watch_target",
    ),
    "simulate": ("events", "baseline_us", "subject_us", "apply_us", "render_us", "ratio", "target"),
    "stream": (
        "events",
        "subject_events",
        "baseline_rss_mb",
        "subject_rss_mb",
        "mem_ratio",
        "subject_us",
        "target",
    ),
    "explorer": ("configurations", "explored", "states", "seconds", "states_per_s", "target_s"),
    "stateful": ("machines", "examples", "steps", "seconds", "steps_per_s", "projected_s", "target_s"),
}


_RESULTS: dict[str, dict[str, Any]] = {}


def _run(name: str) -> dict[str, Any]:
    """``bench_NAME.run(quick=True)``, once per session; skipped while the module is unavailable."""
    if name not in _RESULTS:
        try:
            module = load(name)
        except Unavailable as exc:
            pytest.skip(f"{name}: {exc}")
        result = module.run(quick=True)
        assert isinstance(result, dict)
        _RESULTS[name] = result
    return _RESULTS[name]


def test_every_benchmark_is_known() -> None:
    assert set(POSITIVE) == set(BENCHMARKS)


@pytest.mark.parametrize("name", BENCHMARKS)
def test_quick_run_reports_positive_figures(name: str) -> None:
    result = _run(name)
    assert result["name"] == name
    for key in POSITIVE[name]:
        value = result[key]
        assert isinstance(value, int | float) and not isinstance(value, bool), (key, value)
        assert value > 0, (key, value)


def test_simulate_traffic_is_realistic() -> None:
    """Starts, probe results, exits, clock ticks and restarts all happen in the simulated run."""
    result = _run("simulate")
    mix = result["event_mix"]
    for kind in ("ContainerStarted", "ProbeResult", "ContainerExited", "TimePassed"):
        assert mix.get(kind, 0) > 0, kind
    assert result["restarts"] > 0


def test_explorer_rows_cover_the_configurations() -> None:
    result = _run("explorer")
    assert len(result["rows"]) + len(result["skipped"]) == result["configurations"]
    for row in result["rows"]:
        assert row["states"] > 0 and row["transitions"] >= 0 and row["seconds"] > 0
    assert result["same_counts"] is True  # the workers' run found the same states
    memory = result["memory"]
    assert 0 < memory["bytes_per_state"] < memory["baseline_bytes_per_state"]
    cuts = result["expansion"]  # the expansion before its cuts against now: same counts and verdicts
    assert cuts["same"] is True and cuts["states"] > 0
    assert cuts["baseline_states_per_cpu_s"] > 0 and cuts["states_per_cpu_s"] > 0


def test_command_prints_the_table_and_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bench.json"
    assert main(["--quick", "--only", "simulate", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "| what" in printed and "holds?" in printed and "simulate:" in printed
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["quick"] is True
    assert set(report["results"]) == {"simulate"}
    assert report["machine"]["cpus"] > 0
    assert report["table"][0]["what"].startswith("simulate:")
