"""``podfsm simulate``: timeline, JSON, determinism, illegal events (exit 1) and bad input (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from podfsm.cli import main
from tests.scenario_dsl import SCHED, exit_, pod, start, wait


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    pod_file = tmp_path / "pod.yaml"
    pod_file.write_text(yaml.safe_dump(pod("Always")))
    events = tmp_path / "events.yaml"
    events.write_text(
        yaml.safe_dump([SCHED, start("app"), exit_("app", 1), start("app"), exit_("app", 1), wait(10)])
    )
    return pod_file, events


def test_timeline(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(files[0]), str(files[1])]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["TIME", "EVENT", "PHASE", "READY", "STATUS", "RESTARTS"]
    assert len(lines) == 7
    # the exit is shown as Error until the sync 10 s after the refused start publishes CrashLoopBackOff
    assert "Error" in lines[5] and "1 (0s ago)" in lines[5]
    assert lines[6].split()[:2] == ["10s", "TimePassed"] and "CrashLoopBackOff" in lines[6]


def test_json_is_deterministic_and_shaped(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", str(files[0]), str(files[1]), "-o", "json"]) == 0
    first = capsys.readouterr().out
    assert main(["simulate", str(files[0]), str(files[1]), "-o", "json"]) == 0
    assert capsys.readouterr().out == first
    steps = json.loads(first)
    assert [s["event"]["type"] for s in steps][:2] == ["Scheduled", "ContainerStarted"]
    last = steps[-1]["pod"]
    # two runs so far; the third instance is created but not started: restartCount counts started ones
    assert last["status"]["containerStatuses"][0]["restartCount"] == 1
    assert last["metadata"]["creationTimestamp"] == "2026-01-01T00:00:00Z"


def test_illegal_event_prints_earlier_steps_then_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pf = tmp_path / "pod.json"
    pf.write_text(json.dumps(pod("Always")))
    ev = tmp_path / "ev.json"
    ev.write_text(json.dumps([SCHED, exit_("app", 0)]))
    assert main(["simulate", str(pf), str(ev), "-o", "json"]) == 1
    out, err = capsys.readouterr()
    assert len(json.loads(out)) == 1
    assert err.count("\n") == 1
    assert "event #1" in err and "ContainerExited" in err and "'app'" in err and "Waiting" in err


@pytest.mark.parametrize(
    ("events_text", "message"),
    [
        ("[{type: Nope}]", "events[0].type: unknown event type"),
        ("[{type: ContainerExited, container: app}]", "events[0].exitCode: Field required"),
        ("type: [", "line"),
        ("42", "a list of events"),
    ],
)
def test_bad_events_file_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], events_text: str, message: str
) -> None:
    pf = tmp_path / "pod.yaml"
    pf.write_text(yaml.safe_dump(pod()))
    ev = tmp_path / "ev.yaml"
    ev.write_text(events_text)
    assert main(["simulate", str(pf), str(ev)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(ev) in err and message in err


def test_missing_pod_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ev = tmp_path / "ev.yaml"
    ev.write_text("[]")
    assert main(["simulate", str(tmp_path / "nope.yaml"), str(ev)]) == 2
    err = capsys.readouterr().err
    assert "nope.yaml" in err and err.count("\n") == 1


def test_runs_as_python_dash_m(files: tuple[Path, Path]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "podfsm", "simulate", str(files[0]), str(files[1]), "-o", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[-1]["pod"]["status"]["phase"] == "Running"


def test_manifest_is_admitted_like_the_api_server(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Loading for simulation validates (all errors at once) and applies the API defaults."""
    bad = pod("Sometimes")
    bad["spec"]["containers"][0]["image"] = ""
    pf = tmp_path / "bad.yaml"
    pf.write_text(yaml.safe_dump(bad))
    ev = tmp_path / "ev.yaml"
    ev.write_text(yaml.safe_dump([SCHED]))
    assert main(["simulate", str(pf), str(ev)]) == 2
    err = capsys.readouterr().err
    assert (
        "spec.restartPolicy: Unsupported value" in err and "spec.containers[0].image: Required value" in err
    )
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(pod()))
    assert main(["simulate", str(good), str(ev), "-o", "json"]) == 0
    spec = json.loads(capsys.readouterr().out)[0]["pod"]["spec"]
    assert spec["terminationGracePeriodSeconds"] == 30
    assert spec["containers"][0]["imagePullPolicy"] == "IfNotPresent"


def test_nodes_schedule_automatically(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """simulate --nodes: no Scheduled event given, so the scheduler places the pod first."""
    nodes = tmp_path / "nodes.yaml"
    nodes.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {"name": "n1"},
                "status": {"allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110"}},
            }
        )
    )
    pf = tmp_path / "pod.yaml"
    pf.write_text(yaml.safe_dump(pod()))
    ev = tmp_path / "ev.yaml"
    ev.write_text(yaml.safe_dump([start("app")]))
    assert main(["simulate", str(pf), str(ev), "--nodes", str(nodes)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "Scheduled node=n1 (auto)" in lines[1]
    assert lines[2].split()[-3:-1] == ["1/1", "Running"]
