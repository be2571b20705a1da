"""The built-in scenarios (the README's main job): every expectation after every step holds."""

from __future__ import annotations

import pytest

from podfsm.cli import main
from podfsm.examples import load_scenarios, run_scenario

SCENARIOS = load_scenarios()


def test_seed_examples_are_all_there() -> None:
    """Each restart-policy example of seeds/001 'Pod 状态示例' has a scenario under each policy."""
    names = {s.name for s in SCENARIOS}
    for base in ("one-container-exits-0", "one-container-fails", "two-containers-one-fails", "oom-killed"):
        for policy in ("always", "onfailure", "never"):
            assert f"seed-{base}-{policy}" in names
    assert {"seed-disk-failure-evicted", "seed-node-partitioned"} <= names


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_scenario(scenario) -> None:  # type: ignore[no-untyped-def]
    outcome = run_scenario(scenario)
    assert outcome.failures == []
    assert outcome.steps, "a scenario must run at least one step"


def test_examples_command_reports_all_passed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["examples", "-q"]) == 0
    assert capsys.readouterr().out.strip().endswith(f"{len(SCENARIOS)} passed, 0 failed")


def test_examples_command_rejects_unknown_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["examples", "no-such-example"]) == 2
    err = capsys.readouterr().err
    assert "no such example: no-such-example" in err and err.count("\n") == 1


def test_a_wrong_expectation_is_reported() -> None:
    sc = next(s for s in SCENARIOS if s.name == "seed-one-container-fails-never")
    broken = type(sc)(sc.name, sc.title, sc.source, sc.pod, [dict(st) for st in sc.steps])
    broken.steps[-1] = {"event": broken.steps[-1]["event"], "expect": {"phase": "Succeeded"}}
    outcome = run_scenario(broken)
    assert outcome.failures and "phase: expected 'Succeeded', got 'Failed'" in outcome.failures[0]
