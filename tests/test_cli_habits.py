"""kubectl's habits in every command (issue 12 item 7): help, examples, did-you-mean, completion,
-o json|yaml, - for stdin, aligned timelines, numbers as given, plurals; and progress only on a
terminal (item 1)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
import yaml

from podfsm.cli import COMMANDS, main

DATA = Path(__file__).parent / "data"
POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web"},
    "spec": {"containers": [{"name": "app", "image": "nginx"}]},
}


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # --help and usage errors exit inside argparse
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_bare_podfsm_prints_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    """As bare `kubectl`: the help on standard output, exit status 0."""
    code, out, err = cli(capsys)
    assert (code, err) == (0, "")
    assert out.startswith("usage: podfsm") and all(name in out for name in COMMANDS)
    assert "Examples:" in out


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_help_has_examples(capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, _ = cli(capsys, command, "--help")
    assert code == 0
    examples = out.split("Examples:\n", 1)[1]
    assert f"podfsm {command}" in examples


def test_a_mistyped_command_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    """kubectl's `unknown command "stauts" ... Did you mean this?`: one suggestion, exit 2."""
    code, out, err = cli(capsys, "stauts", "pods.json")
    assert (code, out) == (2, "")
    assert 'unknown command "stauts"; did you mean "status"?' in err
    code, _, err = cli(capsys, "frobnicate")
    assert code == 2 and 'unknown command "frobnicate"' in err and "did you mean" not in err


@pytest.mark.parametrize("shell", ["bash", "zsh", "tcsh"])
def test_completion_scripts_name_every_command(capsys: pytest.CaptureFixture[str], shell: str) -> None:
    code, out, _ = cli(capsys, "completion", shell)
    assert code == 0
    for name in COMMANDS:
        assert name in out
    if shell != "tcsh":  # shtab's tcsh script completes commands and choices only
        assert "--no-headers" in out and "--exhaustive" in out


def test_yaml_output_is_the_json_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`-o yaml` says the same as `-o json` in every command that has both."""
    pod = tmp_path / "pod.json"
    pod.write_text(json.dumps(POD))
    events = tmp_path / "events.yaml"
    events.write_text("- {type: Scheduled, node: n1}\n- {type: TimePassed, seconds: 9}\n")
    nodes = str(DATA / "sched_nodes.yaml")
    for argv in (
        ["simulate", str(pod), str(events)],
        ["schedule", str(DATA / "sched_pod.yaml"), "--nodes", nodes],
        ["conformance", str(DATA / "conformance" / "sample.json")],
        ["check", "--list"],
    ):
        code_j, out_j, _ = cli(capsys, *argv, "-o", "json")
        code_y, out_y, _ = cli(capsys, *argv, "-o", "yaml")
        assert code_j == code_y
        assert yaml.safe_load(out_y) == json.loads(out_j), argv


def test_conformance_reads_cases_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = (DATA / "conformance" / "sample.json").read_text()
    code, from_file, _ = cli(capsys, "conformance", str(DATA / "conformance" / "sample.json"))
    monkeypatch.setattr(sys, "stdin", io.StringIO(cases))
    assert cli(capsys, "conformance", "-") == (code, from_file, "")
    assert " passed, " in from_file


def test_timeline_stays_aligned_however_long_an_event_is(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pod = tmp_path / "pod.json"
    long_name = "a-container-with-a-name-much-longer-than-forty-four-characters"
    pod.write_text(json.dumps({**POD, "spec": {"containers": [{"name": long_name, "image": "nginx"}]}}))
    events = tmp_path / "events.yaml"
    events.write_text(
        f"- {{type: Scheduled, node: n1}}\n- {{type: ContainerStarted, container: {long_name}}}\n"
        "- {type: TimePassed, seconds: 9}\n- {type: TimePassed, seconds: 1000000}\n"
    )
    code, out, _ = cli(capsys, "simulate", str(pod), str(events))
    assert code == 0
    lines = out.splitlines()
    starts = {
        line.index(word)
        for line, word in zip(lines, ["PHASE", "Pending", "Running", "Running"], strict=False)
    }
    assert len(starts) == 1, out  # PHASE starts in the same column on every line
    assert "TimePassed seconds=9 " in lines[3] and "9s" in lines[3].split()[0]
    assert lines[4].split()[0] == "1000009s"  # not 1e+06s


def test_numbers_print_as_given_in_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pod = tmp_path / "pod.json"
    pod.write_text(json.dumps(POD))
    events = tmp_path / "events.json"
    events.write_text('[{"type": "Scheduled", "node": "n1"}, {"type": "TimePassed", "seconds": 9}]')
    code, out, _ = cli(capsys, "simulate", str(pod), str(events), "-o", "json")
    assert code == 0
    assert '"seconds": 9\n' in out
    assert json.loads(out)[1]["event"] == {"type": "TimePassed", "seconds": 9}


def test_plurals() -> None:
    from podfsm.cli._text import plural

    assert [plural(n, "pod") for n in (0, 1, 2, 1000)] == ["0 pods", "1 pod", "2 pods", "1,000 pods"]
    assert plural(1, "violation") == "1 violation"


def test_progress_is_silent_when_not_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from podfsm.cli import _progress

    monkeypatch.delenv("PODFSM_PROGRESS", raising=False)
    assert not _progress.enabled()  # pytest's captured stderr is not a terminal
    with _progress.Progress("reading", total=10) as progress:
        progress.update(advance=5, note="5 pods")
    assert capsys.readouterr() == ("", "")


def test_progress_draws_with_rich_when_forced(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from podfsm.cli import _progress

    monkeypatch.setenv("PODFSM_PROGRESS", "1")
    with _progress.Progress("reading pods.json", total=10, unit="bytes") as progress:
        progress.update(completed=10, note="3 pods")
    _, err = capsys.readouterr()
    assert "reading pods.json" in err
