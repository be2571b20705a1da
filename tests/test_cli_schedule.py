"""`podfsm schedule POD --nodes NODES`: admission, then scheduling, with podfsm's exit statuses.

Exit statuses (interface.md section 5, podfsm.cli.schedule): 0 scheduled, 1 Unschedulable or
SchedulingGated, 2 bad input with one line on stderr.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from podfsm.cli import main

DATA = Path(__file__).parent / "data"
NODES = str(DATA / "sched_nodes.yaml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["schedule", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_scheduled_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    """Tolerations and nodeSelector leave node-b and node-c; LeastAllocated ties them; the name decides."""
    code, out, err = run(capsys, str(DATA / "sched_pod_gpu.yaml"), "--nodes", NODES)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "pod ml/trainer: Scheduled to node-b"
    assert lines[1].split() == ["NODE", "SCORE", "REASONS"]
    assert lines[2].split(None, 2) == [
        "node-a",
        "-",
        "NodeAffinity: node(s) didn't match Pod's node affinity/selector",
    ]
    # cpu 2 of 4 -> 50, memory 2Gi of 8Gi -> 75: (50 + 75) // 2
    assert lines[3].split() == ["node-b", "62", "chosen"]
    assert lines[4].split() == ["node-c", "62", "fits"]


def test_unschedulable_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    """FitError.Error's message, then each node's reasons."""
    code, out, err = run(capsys, str(DATA / "sched_pod.yaml"), "--nodes", NODES)
    assert (code, err) == (1, "")
    assert out.splitlines()[0] == (
        "pod default/batch: Unschedulable: 0/3 nodes are available: 1 Insufficient cpu, "
        "2 node(s) had untolerated taint {dedicated: gpu}."
    )
    assert "node-a      -  NodeResourcesFit: Insufficient cpu" in out


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    """-o json: the lifecycle event, the pod's admitted name and namespace, every node's verdict."""
    code, out, _ = run(
        capsys, str(DATA / "sched_pod.yaml"), "--nodes", NODES, "-o", "json", "--namespace", "batch"
    )
    assert code == 1
    data = json.loads(out)
    assert data["pod"] == {"name": "batch", "namespace": "batch"}
    assert data["event"]["type"] == "Unschedulable"
    assert data["verdict"] == "Unschedulable"
    assert [n["name"] for n in data["nodes"]] == ["node-a", "node-b", "node-c"]
    assert data["nodes"][1]["reasons"] == ["node(s) had untolerated taint {dedicated: gpu}"]


def test_gated_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """SchedulingGates: the pod is not scheduled; exit 1 as for Unschedulable."""
    path = tmp_path / "gated.yaml"
    path.write_text(
        "kind: Pod\nmetadata: {name: g}\n"
        "spec:\n  schedulingGates: [{name: wait}]\n  containers: [{name: a, image: x}]\n"
    )
    code, out, _ = run(capsys, str(path), "--nodes", NODES)
    assert code == 1
    assert out == "pod default/g: SchedulingGated: Scheduling is blocked due to non-empty scheduling gates\n"


def test_node_name_preset_exit_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A pod with spec.nodeName skips the scheduler: bound to that node, nothing filtered."""
    path = tmp_path / "bound.json"
    path.write_text(
        json.dumps(
            {
                "kind": "Pod",
                "metadata": {"name": "b"},
                "spec": {"nodeName": "node-c", "containers": [{"name": "a", "image": "x"}]},
            }
        )
    )
    code, out, _ = run(capsys, str(path), "--nodes", NODES)
    assert (code, out) == (0, "pod default/b: Scheduled to node-c (spec.nodeName was set: no scheduling)\n")


def test_invalid_pod_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """An admission failure is the API server's message, naming the file, on one line of stderr."""
    path = str(DATA / "admit_invalid.yaml")
    code, out, err = run(capsys, path, "--nodes", NODES)
    assert (code, out) == (2, "")
    assert err.startswith(
        f'podfsm schedule: {path}: Pod "broken" is invalid: [spec.containers[0].image: Required value, '
    )
    assert err.endswith('supported values: "Always", "OnFailure", "Never"]\n')
    assert err.count("\n") == 1


def test_namespace_mismatch_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """rest.EnsureObjectNamespaceMatchesRequestNamespace through --namespace."""
    code, _, err = run(capsys, str(DATA / "sched_pod_gpu.yaml"), "--nodes", NODES, "--namespace", "default")
    assert code == 2
    assert "the namespace of the provided object does not match the namespace sent on the request" in err


def test_bad_nodes_file_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A nodes file that is not Nodes is bad input: exit 2, naming the file."""
    path = tmp_path / "nodes.yaml"
    path.write_text("kind: ConfigMap\nmetadata: {name: x}\n")
    code, _, err = run(capsys, str(DATA / "sched_pod.yaml"), "--nodes", str(path))
    assert code == 2
    assert err == f"podfsm schedule: {path}: object 0: kind 'ConfigMap' is not Node or Pod\n"


def test_missing_nodes_option_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """--nodes is required: a usage error (exit 2)."""
    with pytest.raises(SystemExit) as info:
        main(["schedule", str(DATA / "sched_pod.yaml")])
    assert info.value.code == 2
    assert "--nodes" in capsys.readouterr().err


def test_python_m_podfsm_reads_stdin() -> None:
    """`python -m podfsm schedule - --nodes NODES`: the module entry point, a pod on stdin, exit 1."""
    proc = subprocess.run(
        [sys.executable, "-m", "podfsm", "schedule", "-", "--nodes", NODES, "-o", "json"],
        input=(DATA / "sched_pod.yaml").read_text(),
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parent.parent,
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["event"] == {
        "type": "Unschedulable",
        "message": "0/3 nodes are available: 1 Insufficient cpu, "
        "2 node(s) had untolerated taint {dedicated: gpu}.",
    }
