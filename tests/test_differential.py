"""The differential harness finds and shrinks each bug planted in a small buggy implementation.

tests/data/buggy_kubelet.py speaks the simulation protocol with one bug: a restart under Never
(helpers.go:ShouldContainerBeRestarted ignored), no crash back-off (kuberuntime_manager.go:
doBackOff ignored), a wrong STATUS word (CrashLoopBackOff published as BackOff, so printPod shows
a word the kubelet never makes). The harness must report each with a minimal pod and script.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from podfsm.cli import main
from podfsm.conformance.differential import Divergence, differential

REPO = Path(__file__).resolve().parents[1]
BUGGY = f"{sys.executable} {Path(__file__).resolve().parent / 'data' / 'buggy_kubelet.py'}"


@pytest.fixture(autouse=True)
def _importable(monkeypatch: pytest.MonkeyPatch) -> None:
    path = os.environ.get("PYTHONPATH")
    monkeypatch.setenv("PYTHONPATH", f"{REPO}{os.pathsep}{path}" if path else str(REPO))


def small(*policies: str) -> st.SearchStrategy[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """A bounded CI version: one container under one of ``policies``, scripts of starts, exits and
    waits after a Scheduled (events the model refuses are part of the comparison too)."""
    pods = st.sampled_from(policies).map(
        lambda policy: {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "demo"},
            "spec": {"restartPolicy": policy, "containers": [{"name": "app", "image": "busybox"}]},
        }
    )
    event = st.one_of(
        st.just({"type": "ContainerStarted", "container": "app"}),
        st.sampled_from([0, 1]).map(
            lambda code: {"type": "ContainerExited", "container": "app", "exitCode": code}
        ),
        st.sampled_from([1, 10, 20]).map(lambda s: {"type": "TimePassed", "seconds": s}),
    )
    scripts = st.lists(event, max_size=10).map(lambda evs: [{"type": "Scheduled", "node": "node-1"}, *evs])
    return st.tuples(pods, scripts)


def names(d: Divergence) -> list[str]:
    return [e["type"] for e in d.events[: d.step + 1]]


def test_restart_under_never_is_found_and_shrunk() -> None:
    d = differential(f"{BUGGY} --bug restart-under-never", examples=60, strategy=small("Never", "Always"))
    assert d is not None
    assert d.pod["spec"]["restartPolicy"] == "Never"
    assert names(d) == ["Scheduled", "ContainerStarted", "ContainerExited"]
    assert d.events[2]["exitCode"] == 1
    assert (d.field, d.podfsm, d.program) == ("status.phase", "Failed", "Running")


def test_missing_backoff_is_found_and_shrunk() -> None:
    d = differential(f"{BUGGY} --bug no-backoff", examples=60, strategy=small("Always", "OnFailure"))
    assert d is not None
    # The second exit is published as Error by both (convertToAPIContainerStatuses); they part at
    # the next step: a start podfsm refuses (doBackOff), or the requeued sync that publishes
    # CrashLoopBackOff (pod_workers.go).
    assert names(d)[:5] == [
        "Scheduled",
        "ContainerStarted",
        "ContainerExited",
        "ContainerStarted",
        "ContainerExited",
    ]
    assert len(names(d)) == 6 and names(d)[5] in {"ContainerStarted", "TimePassed"}


def test_wrong_status_word_is_found_and_shrunk() -> None:
    d = differential(f"{BUGGY} --bug status-word", examples=60, strategy=small("Always", "OnFailure"))
    assert d is not None
    # CrashLoopBackOff is first published by the sync requeued after the refused restart
    assert len(d.events[: d.step + 1]) == 6 and d.events[d.step]["type"] == "TimePassed"
    assert (d.podfsm, d.program) == ("CrashLoopBackOff", "BackOff")


def test_a_correct_implementation_agrees() -> None:
    assert differential(BUGGY, examples=25, strategy=small("Always", "OnFailure", "Never")) is None


def test_cli_differential(capsys: pytest.CaptureFixture[str]) -> None:
    """`podfsm conformance --differential N --program CMD`: exit 0 and one line when they agree;
    --program is required (exit 2)."""
    assert main(["conformance", "--differential", "10", "--program", BUGGY, "--jsonl"]) == 0
    assert capsys.readouterr().out == "no divergence in 10 pods and scripts\n"
    assert main(["conformance", "--differential", "10"]) == 2
    assert capsys.readouterr().err == "podfsm conformance: --differential needs --program\n"


def test_divergence_report_replays() -> None:
    d = differential(f"{BUGGY} --bug restart-under-never", examples=60, strategy=small("Never"))
    assert d is not None
    lines = d.lines()
    assert lines[0] == "DIVERGENCE at step 2: status.phase: podfsm Failed, program Running"
    assert lines[2:5] == [
        "    0  Scheduled node=node-1",
        "    1  ContainerStarted app",
        "    2  ContainerExited app exitCode=1",
    ]
    assert lines[-1].startswith('  replay: {"pod": ')


@pytest.mark.slow
def test_default_strategy_finds_a_restart_under_never() -> None:
    """The unbounded strategy (any pod shape, any flavour) finds a planted bug too (about ten
    seconds); the bounded tests above prove the shrinking."""
    d = differential(f"{BUGGY} --bug restart-under-never", examples=400)
    assert d is not None and d.step <= 4
