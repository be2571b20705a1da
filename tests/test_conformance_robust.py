"""The conformance runner against misbehaving programs, the bundled cases, and the vectors.

A program runs in its own process group, ended as a whole on timeout; its output is capped; a
--jsonl stream with an extra line is reported as desynchronised and later answers are not
shifted; the first answers all timing out stops the run with a hint; bad commands and timeouts
are one-line usage errors (exit 2). ``--builtin`` runs the shipped cases and vectors; the
vectors are what ``podfsm vectors`` writes, podfsm's model agrees with every one, and their
row coverage is pinned.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from podfsm.cli import main
from podfsm.conformance import load_cases, run_program
from podfsm.conformance import vectors as V
from podfsm.conformance.runner import MAX_ANSWER_BYTES, ProgramUnresponsive

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SAMPLE = DATA / "conformance" / "sample.json"
PROGRAM = f"{sys.executable} {DATA / 'robust_program.py'}"
SHARED = Path(os.environ.get("PODFSM_SHARED") or REPO.parent / "shared") / "conformance"


@pytest.fixture(autouse=True)
def _importable(monkeypatch: pytest.MonkeyPatch) -> None:
    path = os.environ.get("PYTHONPATH")
    monkeypatch.setenv("PYTHONPATH", f"{REPO}{os.pathsep}{path}" if path else str(REPO))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie is dead
        return f.read().split()[2] != "Z"


def test_timeout_ends_the_whole_process_group(tmp_path: Path) -> None:
    """No orphans: the program's child dies with it when the case times out."""
    pidfile = tmp_path / "child.pid"
    cases = load_cases(SAMPLE)[:1]
    (result,) = run_program(cases, f"{PROGRAM} spawn-and-hang {pidfile}", timeout=1.5)
    assert result.message == "program timed out after 1.5s"
    child = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def test_output_is_capped() -> None:
    (result,) = run_program(load_cases(SAMPLE)[:1], f"{PROGRAM} flood", timeout=20)
    assert result.message == f"program printed more than {MAX_ANSWER_BYTES} bytes"


def test_an_extra_jsonl_line_is_desynchronisation_not_a_shift() -> None:
    """The extra line after the first answer is reported on the next case (found queued before the
    request, or by the answer's id naming the previous case); the program is restarted, so the
    later answers are its own (not shifted by one)."""
    results = list(run_program(load_cases(SAMPLE)[:3], f"{PROGRAM} extra-line", jsonl=True, timeout=20))
    assert results[0].passed
    assert results[1].failed and results[1].message.startswith("desynchronised: ")
    assert results[2].mismatches and results[2].mismatches[0].field.startswith("conditions.")


def test_an_answer_for_another_case_is_desynchronisation() -> None:
    from podfsm.conformance.runner import _judge

    case = load_cases(SAMPLE)[0]
    assert _judge(case, '{"id": "other", "phase": "Running"}').message == (
        "desynchronised: the answer is for case 'other'"
    )


@pytest.mark.parametrize("jsonl", [False, True], ids=["per-case", "jsonl"])
def test_first_answers_all_timing_out_stops_with_a_hint(
    jsonl: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    args = ["--program", f"{PROGRAM} silent", "--timeout", "0.5", *(["--jsonl"] if jsonl else [])]
    assert main(["conformance", str(SAMPLE), *args]) == 2
    err = capsys.readouterr().err
    assert "the first 3 cases all timed out after 0.5s; stopped" in err
    assert ("Try without --jsonl" if jsonl else "Try with --jsonl") in err
    assert time.monotonic() - started < 15
    with pytest.raises(ProgramUnresponsive):
        list(run_program(load_cases(SAMPLE), f"{PROGRAM} silent", timeout=0.3))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--program", ""], "--program: empty command"),
        (["--program", "   "], "--program: empty command"),
        (["--program", "x", "--timeout", "nan"], "--timeout must be a finite number of seconds, got nan"),
        (["--program", "x", "--timeout", "inf"], "--timeout must be a finite number of seconds, got inf"),
        (["--timeout", "0"], "--timeout must be positive"),
    ],
)
def test_bad_program_or_timeout_is_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["conformance", str(SAMPLE), *args]) == 2
    assert capsys.readouterr().err == f"podfsm conformance: {message}\n"


def test_a_program_that_cannot_be_executed_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "mine"
    script.write_text('print("no #! line")\n')
    script.chmod(0o755)
    assert main(["conformance", str(SAMPLE), "--program", str(script)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"podfsm conformance: --program: cannot execute {script}: Exec format error"
        " (a script needs a #! line)\n"
    )


def test_builtin_runs_the_shipped_cases_and_vectors(capsys: pytest.CaptureFixture[str]) -> None:
    """`podfsm conformance --builtin` needs no files: the package carries them."""
    assert main(["conformance", "--builtin"]) == 0
    assert capsys.readouterr().out == "192 passed, 0 failed\n"


def test_builtin_against_podfsm_as_a_program() -> None:
    """The protocol end to end, simulation vectors included, from a fresh process."""
    done = subprocess.run(
        [sys.executable, "-m", "podfsm", "conformance", "--builtin", "--jsonl", "--program",
         f"{sys.executable} -m podfsm.conformance --jsonl"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, "192 passed, 0 failed\n", "")


def test_help_explains_the_protocol(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["conformance", "--help"])
    out = capsys.readouterr().out
    assert "protocol (--program CMD)" in out and '{"steps": [{"pod"' in out and "docs/vectors.md" in out


def test_bundled_vectors_are_current(tmp_path: Path) -> None:
    """podfsm/conformance/data/vectors is byte for byte what `podfsm vectors` writes (regenerate:
    make vectors)."""
    V.write_vectors(tmp_path)
    bundled = V.bundled_vectors()
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(p.relative_to(bundled) for p in bundled.rglob("*") if p.is_file())
    for rel in written:
        assert (tmp_path / rel).read_bytes() == (bundled / rel).read_bytes(), rel


def test_bundled_oracle_cases_are_the_shared_ones() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"no shared cases at {SHARED}")
    for f in SHARED.glob("*.json"):
        assert (V.bundled_cases_dir() / f.name).read_text() == f.read_text()


def test_every_vector_is_valid_and_podfsm_agrees_with_it() -> None:
    for path in sorted((V.bundled_vectors() / "simulation").glob("*.json")):
        for raw in json.loads(path.read_text()):
            vector = V.SimulationVector.model_validate(raw)
            assert V.replay(vector) == [], vector.id


def test_row_coverage_is_pinned() -> None:
    """Every row of every table is fired by some vector except these, which no event script
    from the standard pods reaches (first reports of a condition that the model only makes at
    creation, PodScheduled True->False; since the published-status work a vector reaches Pending->Running
    with everything stopped, and SandboxCreateFailed reaches PodReadyToStartContainers True->False). A change
    shows up here for review."""
    manifest = json.loads((V.bundled_vectors() / "manifest.json").read_text())
    uncovered = {t: rows for t, rows in manifest["coverage"].items() if rows}
    assert uncovered == {
        # PreStopHookCompleted (Running -> Running for a sidecar waiting for its turn, and Killing ->
        # Killing): no vector pod has an exec or HTTP preStop hook; remove (-> Waiting) and every
        # AllContainersRestarting row need the alpha gate RestartAllContainersOnContainerExits, and
        # vectors run with v1.35's default gates
        "container-state": ["container-state:4", "container-state:5", "container-state:18"],
        "conditions-PodReadyToStartContainers": ["conditions-PodReadyToStartContainers:1"],
        "conditions-Ready": ["conditions-Ready:0"],
        "conditions-ContainersReady": ["conditions-ContainersReady:0"],
        "conditions-PodScheduled": ["conditions-PodScheduled:3"],
        "conditions-AllContainersRestarting": [f"conditions-AllContainersRestarting:{i}" for i in range(4)],
    }
    rows = V.all_rows()
    # issue 13 added Waiting -> Terminated (ContainerStartFailed), Running -> Pending (the init
    # containers run again in a new sandbox after NodeRebooted / SandboxLost), then the three
    # hook-progress rows; RestartAllContainers the container's remove row and the four of its condition;
    # a sidecar's preStop hook, begun at the pod's kill, its PreStopHookCompleted while it waits
    assert sum(len(r) for r in rows.values()) == 72


def test_a_wrong_simulation_answer_names_the_step_and_field() -> None:
    from podfsm.conformance.runner import compare

    (case,) = [c for c in load_cases(V.bundled_vectors() / "simulation" / "scenarios.json")
               if c.id == "scenario-seed-one-container-fails-never"]  # fmt: skip
    from podfsm.conformance.runner import simulation_answer

    got = simulation_answer(case.data)
    bad = json.loads(json.dumps(got))
    bad["steps"][-1]["pod"]["status"]["phase"] = "Running"
    result = compare(case, bad)
    assert result.failed
    assert result.mismatches[0].field == f"steps[{len(got['steps']) - 1}].status.phase"
    assert compare(case, got).passed
