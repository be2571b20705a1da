"""``podfsm check-trace``: recorded watch streams judged against the behaviour the kubelet allows.

Sound: every built-in scenario, recorded from the model, passes, also with snapshots skipped (a
watch may skip states), and so does a crash loop written as a v1.35 kubelet publishes it
(Running, Error, Running, Error, CrashLoopBackOff, ...). Complete enough: each faulty trace
shipped in ``podfsm/conformance/data/traces`` is rejected with the rule its ``.expect`` names.
"""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

import podfsm
from podfsm.cli import main
from podfsm.conformance import trace as T

TRACES = Path(str(resources.files("podfsm.conformance") / "data" / "traces"))
EXAMPLES = Path(podfsm.__file__).resolve().parent / "examples"
REPO = Path(__file__).resolve().parents[1]


def recorded(name: str) -> list[dict[str, Any]]:
    scenario = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    events = [s["event"] for s in scenario["steps"] if not s.get("illegal")]
    return [copy.deepcopy(s.pod) for s in podfsm.simulate(scenario["pod"], events) if not s.state.gone]


def lines(pods: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(p) + "\n" for p in pods)


def verdicts(text: str) -> list[T.PodVerdict]:
    return T.check_trace(T.iter_trace(io.StringIO(text), "<test>")).verdicts()


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.yaml")))
def test_every_recorded_scenario_passes_also_with_skipped_snapshots(name: str) -> None:
    """The model's own publications are legal behaviours (check-trace is sound on them), and a
    watch that shows every second snapshot only is still explained (kubelet.go:syncPod publishes
    when it likes; a watch coalesces)."""
    pods = recorded(name)
    for sub in (pods, [*pods[::2], pods[-1]] if len(pods) % 2 == 0 else pods[::2]):
        (v,) = verdicts(lines(sub))
        assert v.ok, (v.findings, v.violation and v.violation.lines())


def test_shipped_traces_are_current() -> None:
    """podfsm/conformance/data/traces is what scripts/make_traces.py writes (regenerate: make traces)."""
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import make_traces
    finally:
        sys.path.pop(0)
    assert lines(make_traces.recorded("crash-loop-backoff")).replace(" ", "") == (
        TRACES / "recorded-crash-loop-backoff.json"
    ).read_text().replace(" ", "")
    cluster = make_traces.lines(make_traces.cluster_crash_loop())
    assert cluster == (TRACES / "cluster-crash-loop.json").read_text()


@pytest.mark.parametrize("path", sorted(TRACES.glob("*.json")), ids=lambda p: p.stem)
def test_shipped_traces(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Recorded and cluster traces pass (exit 0); each faulty one fails (exit 1) naming its rule:
    terminal phases absorb (status_manager.go), restartCount never decreases, Always never
    Succeeds without deletion (getPhase), Ready needs ready containers (generate.go), a one-member
    ContainerState (core/v1 types.go), no restart before the back-off ran out (doBackOff)."""
    code = main(["check-trace", str(path), "-o", "json", "--budget", "500"])
    out = json.loads(capsys.readouterr().out)
    expect = path.with_suffix(".expect")
    if not expect.exists():
        assert code == 0, out
        assert out["ok"] is True
        return
    rule = expect.read_text().strip()
    assert code == 1
    (pod,) = out["pods"]
    named = [f["rule"] for f in pod["findings"]]
    if pod["violation"] is not None:
        named.append(pod["violation"]["rule"])
    assert rule in named, named


def test_cluster_crash_loop_reads_like_kubectl(capsys: pytest.CaptureFixture[str]) -> None:
    """A real crash loop's watch (Running, Error, Running, Error, CrashLoopBackOff, ...) passes;
    the rows show kubectl's STATUS words (printers.go:printPod) as they come."""
    assert main(["check-trace", str(TRACES / "cluster-crash-loop.json")]) == 0
    out = capsys.readouterr().out
    statuses = [line.split()[4] for line in out.splitlines() if line.startswith("#")]
    assert statuses[3:9] == ["Running", "Error", "Running", "Error", "CrashLoopBackOff", "Running"]
    assert out.splitlines()[-1] == "1 pods, 14 snapshots: 1 ok, 0 not"


def test_violation_report_names_snapshots_fields_closest_and_rule(capsys: pytest.CaptureFixture[str]) -> None:
    """The first impossible step: both snapshots, the changed fields, the closest reachable states
    (with the events that lead there) and the rule with its upstream source (doBackOff)."""
    faulty = str(TRACES / "faulty-restart-during-back-off.json")
    assert main(["check-trace", faulty, "-o", "json", "--budget", "500"]) == 1
    v = json.loads(capsys.readouterr().out)["pods"][0]["violation"]
    assert v["rule"] == "unreachable-startedAt"
    assert v["upstream"] == "pkg/kubelet/kuberuntime/kuberuntime_manager.go:doBackOff"
    # before: the exited instance, published terminated or waiting in CrashLoopBackOff, never running
    assert set(v["before"]["status"]["containerStatuses"][0]["state"]) <= {"terminated", "waiting"}
    assert v["after"]["status"]["containerStatuses"][0]["state"]["running"]["startedAt"].endswith(":02Z")
    assert v["changed"]["containers.app.restartCount"] == {"before": 1, "after": 2}
    closest = v["closest"][0]
    assert {"type": "ContainerStarted", "container": "app"} in closest["events"]
    assert closest["differs"][0]["field"] == "containers.app.startedAt"
    assert closest["differs"][0]["observed"] == 2.0
    assert closest["differs"][0]["model"] >= 10.0
    assert "CrashLoopBackOff" in v["explanation"]


def test_pods_are_told_apart_by_uid_then_name_and_watch_envelopes_are_unwrapped() -> None:
    """Interleaved pods, watch events (--output-watch-events), a List; ERROR events are reported
    and skipped, BOOKMARKs skipped."""
    a = recorded("crash-loop-backoff")[:6]
    b = recorded("seed-one-container-fails-never")
    same_name = copy.deepcopy(b)
    for p in same_name:
        p["metadata"]["uid"] = "other-uid"
    stream = []
    for i in range(max(len(a), len(b))):
        if i < len(a):
            stream.append({"type": "MODIFIED", "object": a[i]})
        if i < len(b):
            stream.append(b[i])
            bookmark = {"kind": "Pod", "metadata": {"resourceVersion": "9"}}
            stream.append({"type": "BOOKMARK", "object": bookmark})
    stream.insert(3, {"type": "ERROR", "object": {"kind": "Status", "message": "too old resource version"}})
    stream.append({"kind": "List", "items": same_name})
    checker = T.check_trace(T.iter_trace(io.StringIO(lines(stream)), "<test>"))
    assert [(v.pod, v.snapshots, v.ok) for v in checker.verdicts()] == [
        ("default/crasher", len(a), True),
        ("default/job", len(b), True),
        ("default/job", len(b), True),
    ]
    assert [e.message for e in checker.watch_errors] == ["too old resource version"]


def test_yaml_and_pretty_printed_json_are_read() -> None:
    """kubectl -o json pretty-prints: objects span many lines; YAML documents work too."""
    pods = recorded("graceful-deletion")
    pretty = "".join(json.dumps(p, indent=4) + "\n" for p in pods)
    assert verdicts(pretty)[0].ok
    assert verdicts(yaml.safe_dump_all(pods))[0].ok


def test_streams_rows_before_the_input_ends() -> None:
    """A live `kubectl get pods -w -o json | podfsm check-trace -`: a row is printed per object as
    it arrives, before stdin is closed."""
    pods = recorded("crash-loop-backoff")
    proc = subprocess.Popen(
        [sys.executable, "-m", "podfsm", "check-trace", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(json.dumps(pods[0], indent=2) + "\n")
        proc.stdin.flush()
        first = proc.stdout.readline()
        assert first.startswith("#0 ") and first.rstrip().endswith("ok")
        proc.stdin.write(lines(pods[1:3]))
        proc.stdin.flush()
        assert proc.stdout.readline().startswith("#1 ")
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)
    assert proc.returncode == 0


def test_memory_does_not_grow_with_the_trace() -> None:
    """Per pod only a few model states and the last snapshot are kept, however long the trace."""
    pods = recorded("readiness-probe-flapping")
    checker = T.TraceChecker()
    for i, pod in enumerate(pods * 1):
        checker.feed(T.Snapshot(i, pod))
    (pc,) = checker.pods.values()
    assert len(pc.frontier) <= 4
    assert all(not n.path for n in pc.frontier)
    assert not hasattr(pc, "history")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": ', "<stdin>: document 1: not valid JSON"),
        ("kind: Service\nspec: {}\n", "<stdin>: line 1, kind: 'Service' is not Pod"),
        ('{"type": "MODIFIED", "object": {"kind": "Node"}}', "kind: 'Node' is not Pod"),
        ("[1]", "<stdin>: [0]: expected a Pod (a mapping), got a number"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(text: str, message: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "podfsm", "check-trace", "-"], input=text, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr


def test_missing_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-trace", str(tmp_path / "nope.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
