"""``podfsm conformance``: against podfsm, against a wrong program (both protocols), and bad input.

interface.md §5: one line per failure, a closing ``N passed, N failed`` (``, N skipped`` may
follow), exit status 1 when a case failed and 2 for bad input with one line on stderr.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from podfsm.cli import main
from podfsm.conformance import load_paths

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SAMPLE = str(DATA / "conformance" / "sample.json")
PY = sys.executable
WRONG = f"{PY} {DATA / 'wrong_program.py'}"
PODFSM_PROGRAM = f"{PY} -m podfsm.conformance"
SHARED_CASES = Path(os.environ.get("PODFSM_SHARED") or REPO.parent / "shared") / "conformance"

# What the wrong program (always {"phase": "Running"}) gets wrong in sample.json.
WRONG_LINES = [
    'FAIL sample-phase-pending (sample.json): phase: expected "Pending", got "Running"',
    'FAIL sample-conditions-unready (sample.json): conditions.Ready: expected "False", got <missing>; '
    'conditions.ContainersReady: expected "False", got <missing>; '
    'reasons.Ready: expected "ContainersNotReady", got <missing>; '
    'messages.Ready: expected "containers with unready status: [log]", got <missing>',
    'FAIL sample-kubectl-crashloop (sample.json): ready: expected "0/1", got <missing>; '
    'status: expected "CrashLoopBackOff", got <missing>; restarts: expected "4 (5m ago)", got <missing>',
    'FAIL sample-duration (sample.json): duration: expected "2m30s", got {"phase": "Running"}',
    "1 passed, 4 failed, 1 skipped",
]


@pytest.fixture(autouse=True)
def _importable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Programs started by the runner (python -m podfsm.conformance) import podfsm from this checkout."""
    path = os.environ.get("PYTHONPATH")
    monkeypatch.setenv("PYTHONPATH", f"{REPO}{os.pathsep}{path}" if path else str(REPO))


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(["conformance", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_podfsm_passes_its_sample(capsys: pytest.CaptureFixture[str]) -> None:
    """podfsm's own oracle passes every case it knows; the unknown kind is skipped."""
    code, lines, err = run_cli(capsys, SAMPLE)
    assert (code, lines, err) == (0, ["5 passed, 0 failed, 1 skipped"], "")


def test_verbose_lists_passes_and_skips(capsys: pytest.CaptureFixture[str]) -> None:
    """-v prints a line for every case, failures or not."""
    code, lines, _ = run_cli(capsys, SAMPLE, "-v")
    assert code == 0
    assert lines[0] == "PASS sample-phase-running (sample.json)"
    assert "SKIP sample-unknown-kind (sample.json): not a case kind podfsm knows" in lines
    assert lines[-1] == "5 passed, 0 failed, 1 skipped"


@pytest.mark.parametrize("jsonl", [False, True], ids=["per-case", "jsonl"])
def test_wrong_program_fails_with_one_line_per_case(capsys: pytest.CaptureFixture[str], jsonl: bool) -> None:
    """Each wrong answer is one FAIL line naming the case, the field, expected and got; exit 1."""
    args = ["--program", WRONG + (" --jsonl" if jsonl else "")] + (["--jsonl"] if jsonl else [])
    code, lines, err = run_cli(capsys, SAMPLE, *args)
    assert (code, lines, err) == (1, WRONG_LINES, "")


@pytest.mark.parametrize("jsonl", [False, True], ids=["per-case", "jsonl"])
def test_podfsm_as_a_program_passes(capsys: pytest.CaptureFixture[str], jsonl: bool) -> None:
    """python -m podfsm.conformance speaks the protocol: the runner and it agree on every case."""
    args = ["--program", PODFSM_PROGRAM + (" --jsonl" if jsonl else "")] + (["--jsonl"] if jsonl else [])
    code, lines, err = run_cli(capsys, SAMPLE, *args)
    assert (code, lines, err) == (0, ["5 passed, 0 failed, 1 skipped"], "")


@pytest.mark.parametrize("jsonl", [False, True], ids=["per-case", "jsonl"])
def test_crash_and_garbage_fail_only_their_case(capsys: pytest.CaptureFixture[str], jsonl: bool) -> None:
    """A program that crashes or prints non-JSON fails that case; the run goes on (jsonl restarts it)."""
    program = f"{WRONG} --crash-on sample-phase-pending --garbage-on sample-duration"
    args = ["--program", program + (" --jsonl" if jsonl else "")] + (["--jsonl"] if jsonl else [])
    code, lines, err = run_cli(capsys, SAMPLE, *args)
    assert code == 1
    assert err == ""
    crash = "FAIL sample-phase-pending (sample.json): program exited with status 3"
    assert lines[0].startswith(crash)
    assert lines[0].endswith(": wrong_program: crashing on sample-phase-pending")
    assert lines[1:3] == WRONG_LINES[1:3]
    assert lines[3] == "FAIL sample-duration (sample.json): program printed non-JSON: this is not JSON"
    assert lines[4] == "1 passed, 4 failed, 1 skipped"


@pytest.mark.parametrize("jsonl", [False, True], ids=["per-case", "jsonl"])
def test_hanging_program_times_out(capsys: pytest.CaptureFixture[str], jsonl: bool) -> None:
    """A program that does not answer within --timeout fails that case and the others still run."""
    program = f"{WRONG} --hang-on sample-phase-pending"
    args = ["--program", program + (" --jsonl" if jsonl else ""), "--timeout", "1"] + (
        ["--jsonl"] if jsonl else []
    )
    code, lines, _ = run_cli(capsys, SAMPLE, *args)
    assert code == 1
    assert lines[0] == "FAIL sample-phase-pending (sample.json): program timed out after 1s"
    assert lines[1:] == WRONG_LINES[1:]


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    """-o json prints the results and the summary as one JSON document; the exit status is the same."""
    code = main(["conformance", SAMPLE, "--program", WRONG, "-o", "json"])
    out, _ = capsys.readouterr()
    data = json.loads(out)
    assert code == 1
    assert data["summary"] == {"passed": 1, "failed": 4, "skipped": 1}
    by_id = {r["id"]: r for r in data["results"]}
    assert by_id["sample-phase-pending"]["outcome"] == "fail"
    assert by_id["sample-phase-pending"]["mismatches"] == [
        {"field": "phase", "expected": "Pending", "got": "Running"}
    ]
    assert by_id["sample-unknown-kind"]["outcome"] == "skip"
    assert by_id["sample-phase-running"]["file"] == "sample.json"


def test_directory_stands_for_its_json_files(capsys: pytest.CaptureFixture[str]) -> None:
    """A directory argument runs every *.json file in it."""
    code, lines, _ = run_cli(capsys, str(DATA / "conformance"))
    assert (code, lines) == (0, ["5 passed, 0 failed, 1 skipped"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("[{", "line 1: invalid JSON"),
        ('{"id": "x"}', "expected a JSON array of cases, got an object"),
        ('[{"expect": {"phase": "Running"}}]', "case [0]: missing a string 'id'"),
        ('[{"id": "a", "pod": {"spec": {}}}]', "case [0] 'a': missing 'expect'"),
        (
            '[{"id": "a", "nanoseconds": 1, "expect": 5}]',
            "case [0] 'a': 'expect' of a duration case must be a string",
        ),
        (
            '[{"id": "a", "nanoseconds": 1, "expect": "0s"}, {"id": "a", "nanoseconds": 1, "expect": "0s"}]',
            "case [1] 'a': duplicate id",
        ),
    ],
    ids=["missing-file", "invalid-json", "not-an-array", "no-id", "no-expect", "bad-expect", "duplicate-id"],
)
def test_bad_case_files_exit_2_naming_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | None, message: str
) -> None:
    """interface.md §5: bad input is exit 2 with one line on stderr saying what and where."""
    path = tmp_path / "cases.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, lines, err = run_cli(capsys, SAMPLE, str(path))
    assert code == 2
    assert lines == []
    assert err.count("\n") == 1
    assert err.startswith(f"podfsm conformance: {path}")
    assert message in err


def test_jsonl_needs_a_program(capsys: pytest.CaptureFixture[str]) -> None:
    """--jsonl only makes sense with --program: a usage error, exit 2."""
    code, lines, err = run_cli(capsys, SAMPLE, "--jsonl")
    assert code == 2
    assert lines == []
    assert "--jsonl needs --program" in err


def test_program_that_does_not_exist(capsys: pytest.CaptureFixture[str]) -> None:
    """A command that cannot be started is a usage error, not a failed case."""
    code, _, err = run_cli(capsys, SAMPLE, "--program", "/nonexistent/podfsm-test-program")
    assert code == 2
    assert "command not found: /nonexistent/podfsm-test-program" in err


def test_no_files_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """FILE is required unless --builtin is given: exit 2 with one line saying so."""
    assert main(["conformance"]) == 2
    err = capsys.readouterr().err
    assert err == "podfsm conformance: give case files, or --builtin for the cases shipped with podfsm\n"


def test_python_dash_m_podfsm() -> None:
    """The same command through ``python -m podfsm`` in a fresh process (failure lines on stdout, exit 1)."""
    done = subprocess.run(
        [PY, "-m", "podfsm", "conformance", SAMPLE, "--program", WRONG],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ},
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == WRONG_LINES
    assert done.stderr == ""


def test_shared_cases_all_pass(capsys: pytest.CaptureFixture[str]) -> None:
    """The shared upstream cases, through the command line: all pass, exit 0."""
    if not SHARED_CASES.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"shared conformance cases not found at {SHARED_CASES}")
        pytest.skip(f"shared conformance cases not found at {SHARED_CASES} (set PODFSM_SHARED)")
    total = len(load_paths([SHARED_CASES]))
    code, lines, err = run_cli(capsys, str(SHARED_CASES))
    assert (code, lines, err) == (0, [f"{total} passed, 0 failed"], "")
