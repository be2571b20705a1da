"""``podfsm check``: exhaustive and Hypothesis runs, counterexamples that replay, exit statuses 0, 1 and 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from podfsm.cli import main
from podfsm.verifier.invariants import INVARIANTS
from podfsm.verifier.mutants import MUTANTS

COUNTS = json.loads((Path(__file__).parent / "data" / "explorer_counts.json").read_text())

WEB: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web"},
    "spec": {"restartPolicy": "Never", "containers": [{"name": "app", "image": "nginx:1.27"}]},
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["check", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_list_names_every_invariant_configuration_and_mutant(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--list", "-o", "json")
    assert status == 0
    listed = json.loads(out)
    assert [i["name"] for i in listed["invariants"]] == list(INVARIANTS)
    assert sorted(c["name"] for c in listed["configurations"]) == sorted(COUNTS)
    assert [m["name"] for m in listed["mutants"]] == list(MUTANTS)
    status, out, _ = run(capsys, "--list")
    assert status == 0 and "never-plus-failure-gives-failed" in out and "backoff-never-caps" in out


def test_exhaustive_standard_configurations_print_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--exhaustive", "--configuration", "never-1c", "--configuration", "*-3c")
    assert status == 0
    lines = out.splitlines()
    assert lines[1].split() == ["POD", "STATES", "TRANSITIONS", "DEPTH", "SECONDS", "STATES/S", "RESULT"]
    rows = {line.split()[0]: line.split() for line in lines[2:-1]}
    assert set(rows) == {"never-1c", "always-3c", "onfailure-3c", "never-3c", "total"}
    assert "fingerprint collision probability (TLC's optimistic estimate)" in lines[-1]
    for name in ("never-1c", "always-3c"):
        assert int(rows[name][1]) == COUNTS[name]["distinctStates"]
        assert int(rows[name][2]) == COUNTS[name]["transitions"]
        assert int(rows[name][3]) == COUNTS[name]["depth"]
        assert rows[name][-1] == "ok"


def test_exhaustive_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--exhaustive", "--configuration", "never-2i-1c", "-o", "json")
    assert status == 0
    report = json.loads(out)
    assert report["mode"] == "exhaustive" and report["violations"] == []
    [row] = report["configurations"]
    assert {k: row[k] for k in ("distinctStates", "transitions", "depth")} == COUNTS["never-2i-1c"]
    assert row["statesPerSecond"] > 0 and row["complete"] is True
    assert row["bounds"] == {"maxRestarts": 2, "maxImageBackoff": 10.0, "nodeMonitor": False}
    assert report["totals"]["distinctStates"] == row["distinctStates"]


def test_exhaustive_on_a_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "web.yaml"
    path.write_text(yaml.safe_dump(WEB))
    status, out, _ = run(capsys, "--exhaustive", str(path))
    assert status == 0
    [row] = [line.split() for line in out.splitlines() if line.startswith("web ")]
    assert int(row[1]) > 10 and row[-1] == "ok"


def test_a_mutant_fails_with_a_counterexample_simulate_replays(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mutant = MUTANTS["never-restarts-failed"]
    status, out, _ = run(capsys, "--exhaustive", "--mutant", mutant.name, "--save", str(tmp_path))
    assert status == 1
    assert f"VIOLATION {mutant.invariant} ({mutant.configuration})" in out
    assert "replay with `podfsm simulate POD EVENTS`" in out
    stem = tmp_path / f"{mutant.configuration}--{mutant.invariant}"
    pod_file, events_file = Path(f"{stem}.pod.json"), Path(f"{stem}.events.json")
    events = json.loads(events_file.read_text())
    assert [e["type"] for e in events] == ["Scheduled", "ContainerStarted", "ContainerExited"]
    # the real model replays the script; under the mutant the failed container was restarted
    assert main(["simulate", str(pod_file), str(events_file), "-o", "json"]) == 0
    steps = json.loads(capsys.readouterr().out)
    assert steps[-1]["pod"]["status"]["phase"] == "Failed"
    with mutant.active():
        assert main(["simulate", str(pod_file), str(events_file), "-o", "json"]) == 0
    steps = json.loads(capsys.readouterr().out)
    # restarted: the exit stays shown (terminated) until the new instance runs, the pod stays Running
    assert steps[-1]["pod"]["status"]["phase"] == "Running"


def test_hypothesis_run_on_a_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "web.json"
    path.write_text(json.dumps(WEB))
    status, out, _ = run(capsys, str(path), "--examples", "30", "--seed", "7", "--steps", "10")
    assert status == 0
    assert "seed 7" in out
    [row] = [line.split() for line in out.splitlines() if line.startswith("web ")]
    assert int(row[1]) >= 30 and row[-1] == "ok"


def test_hypothesis_json_and_drawn_pods(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "--examples",
        "15",
        "--seed",
        "3",
        "--steps",
        "8",
        "-o",
        "json",
        "--invariant",
        "backoff-bounded",
    )
    assert status == 0
    report = json.loads(out)
    assert report["mode"] == "hypothesis" and report["seed"] == 3
    assert report["invariants"] == ["backoff-bounded"]
    [row] = report["runs"]
    assert row["configuration"] == "drawn pods" and row["examples"] >= 15


def test_hypothesis_finds_and_shrinks_a_mutant(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "--mutant", "always-keeps-exit-zero", "--examples", "200", "--seed", "1", "-o", "json"
    )
    assert status == 1
    report = json.loads(out)
    [violation] = report["violations"]
    assert violation["invariant"] == "always-keeps-running"
    assert report["mutant"]["name"] == "always-keeps-exit-zero"
    types = [e["type"] for e in violation["events"]]
    assert types[0] == "Scheduled" and types[-1] == "ContainerExited" and len(types) <= 4


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--invariant", "no-such"], "unknown invariant 'no-such'"),
        (["--mutant", "no-such"], "unknown mutant 'no-such'"),
        (["--exhaustive", "--configuration", "no-such-*"], "no standard configuration matches"),
        (["--exhaustive", "missing.yaml"], "missing.yaml"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, *argv)
    assert status == 2
    assert message in err and len(err.strip().splitlines()) == 1


def test_bad_numbers_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["check", "--examples", "0"])
    assert info.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err


def test_a_bad_bounds_annotation_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = {**WEB, "metadata": {"name": "web", "annotations": {"podfsm.io/explore": "{nope"}}}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    status, _, err = run(capsys, "--exhaustive", str(path))
    assert status == 2 and "podfsm.io/explore" in err


def test_exhaustive_workers_and_memory_limit_keep_the_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--workers 2 --memory-limit 1K``: two processes, the frontier on disk, the pinned figures."""
    status, out, _ = run(
        capsys,
        "--exhaustive",
        "--configuration",
        "always-1s-1c",
        "--workers",
        "2",
        "--memory-limit",
        "1K",
        "--spill-dir",
        str(tmp_path),
        "-o",
        "json",
    )
    assert status == 0
    report = json.loads(out)
    [row] = report["configurations"]
    assert {k: row[k] for k in COUNTS["always-1s-1c"]} == COUNTS["always-1s-1c"]
    assert report["totals"]["workers"] == 2 and row["fingerprintCollisionProbability"] > 0


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--exhaustive", "--memory-limit", "lots"], "not a size: 'lots'"),
        (["--exhaustive", "--workers", "0"], "must be at least 1"),
        (["--exhaustive", "--mutant", "never-restarts-failed", "--ray", "local"], "--ray does not run"),
    ],
)
def test_exhaustive_scale_options_reject_bad_values(
    argv: list[str], problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        status = main(["check", *argv])
    except SystemExit as exc:  # argparse's own usage errors
        status = int(exc.code or 0)
    err = capsys.readouterr().err
    assert status == 2 and problem in err and len(err.strip().splitlines()) == 1


def test_a_cut_exploration_is_cut_in_the_total_too(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 12: `ok (cut)` on a pod row must not turn into a plain `ok` in the total: a total over
    an exploration stopped at --max-states says only that the states visited were fine."""
    status, out, _ = run(capsys, "--exhaustive", "--configuration", "never-1c", "--max-states", "5")
    assert status == 0
    rows = {line.split()[0]: line for line in out.splitlines()[2:]}
    assert rows["never-1c"].endswith("ok (cut)")
    assert rows["total"].endswith("ok (cut)")
    assert out.splitlines()[0].endswith(" over 1 pod")


def test_total_verdict_words() -> None:
    from podfsm.cli.check import total_verdict

    assert total_verdict(0, complete=True) == "ok"
    assert total_verdict(1, complete=True) == "1 violation"
    assert total_verdict(2, complete=False) == "2 violations (cut)"
