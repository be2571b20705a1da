"""The README's Quickstart and its Python example stay true."""

from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_quickstart_has_exactly_two_commands_and_ci_runs_the_test_one() -> None:
    section = README.split("## Quickstart", 1)[1].split("##", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    commands = [line.split("#", 1)[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.strip().splitlines()[-1] == "exec make test"


def test_python_example_runs() -> None:
    block = re.search(r"```python\n(.*?)```", README, re.S)
    assert block is not None
    exec(compile(block.group(1), "README.md", "exec"), {})


def test_sample_timeline_is_real_output() -> None:
    """The timeline shown in the README is a slice of what `podfsm examples` prints."""
    from podfsm.cli.simulate import timeline_line
    from podfsm.examples import load_scenarios, run_scenario

    sample = re.search(r"```text\n(.*?)```", README, re.S)
    assert sample is not None
    shown = [line for line in sample.group(1).splitlines() if re.match(r"\s+\d+s\s", line)]
    scenario = next(s for s in load_scenarios() if s.name == "crash-loop-backoff")
    lines = [timeline_line(step) for step in run_scenario(scenario).steps]
    assert shown == lines[: len(shown)]
