"""`podfsm status`: the kubectl table, -o wide, -o json, the lint, exit statuses."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from podfsm.cli import main

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parent.parent
PODS = str(DATA / "status_pods.yaml")
LINT = str(DATA / "status_lint.yaml")
NOW = ["--now", "2024-01-01T01:00:00Z"]


def status(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["status", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def status_json(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, Any]]:
    code, out, _ = status(capsys, "-o", "json", *argv)
    assert code == 0
    entries: list[dict[str, Any]] = json.loads(out)
    return entries


# --------------------------------------------------------------------------------------------
# The table


def test_table_is_what_kubectl_prints(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = status(capsys, PODS, *NOW)
    assert (code, err) == (0, "")
    assert out == (
        "NAME           READY   STATUS             RESTARTS      AGE\n"
        "web-1          1/1     Running            2 (10m ago)   60m\n"
        "backup-28391   0/1     Completed          0             3h\n"
        "api-7f9c       0/1     Init:0/1           0             90s\n"
        "worker-0       0/1     CrashLoopBackOff   12 (3m ago)   3d\n"
        "big-job        0/1     Pending            0             10s\n"
    )


def test_wide_adds_ip_node_nominated_node_and_readiness_gates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = status(capsys, "-o", "wide", PODS, *NOW)
    assert code == 0
    assert out == (DATA / "status_pods_wide.txt").read_text()


def test_a_namespace_column_when_pods_span_namespaces(capsys: pytest.CaptureFixture[str]) -> None:
    """Like `kubectl get pods -A`; a pod without a namespace is in `default`; no phase, no STATUS."""
    code, out, _ = status(capsys, str(DATA / "status_namespaces.yaml"), *NOW)
    assert code == 0
    assert out == (
        "NAMESPACE    NAME           READY   STATUS    RESTARTS   AGE\n"
        "shop         frontend       0/1     Pending   0          60m\n"
        "monitoring   prometheus-0   0/1     Pending   0          31d\n"
        "default      scratch        0/1               0          <unknown>\n"
    )


def test_several_files_and_stdin_make_one_table(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO((DATA / "load_list.json").read_text()))
    code, out, _ = status(capsys, PODS, "-", *NOW)
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == [
        "NAME",
        "web-1",
        "backup-28391",
        "api-7f9c",
        "worker-0",
        "big-job",
        "a",
        "b",
    ]


def test_a_file_with_no_pods_is_exit_2_naming_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Issue 11: a file with no pods is a mistake (exit 2 naming the file), for every command."""
    empty = tmp_path / "empty.yaml"
    empty.write_text("---\n")
    for args in ((str(empty),), ("-o", "json", str(empty))):
        code, out, err = status(capsys, *args)
        assert (code, out) == (2, "")
        assert err.count("\n") == 1 and f"{empty}: no pods in the file" in err


# --------------------------------------------------------------------------------------------
# -o json


def test_json_has_the_interface_fields(capsys: pytest.CaptureFixture[str]) -> None:
    entries = status_json(capsys, PODS, *NOW)
    assert [list(e) for e in entries] == [
        ["name", "namespace", "phase", "computedPhase", "ready", "status", "restarts", "conditions", "lint"]
    ] * 5
    assert entries[0] == {
        "name": "web-1",
        "namespace": "default",
        "phase": "Running",
        "computedPhase": "Running",
        "ready": "1/1",
        "status": "Running",
        "restarts": "2 (10m ago)",
        "conditions": {
            "Initialized": "True",
            "Ready": "True",
            "ContainersReady": "True",
            "PodScheduled": "True",
        },
        "lint": [],
    }


def test_json_phase_and_conditions_are_the_oracles(capsys: pytest.CaptureFixture[str]) -> None:
    by_name = {e["name"]: e for e in status_json(capsys, PODS, *NOW)}
    assert by_name["backup-28391"]["computedPhase"] == "Succeeded"
    assert by_name["api-7f9c"]["conditions"]["Initialized"] == "False"
    # not bound to a node: PodScheduled is the scheduler's, echoed from the object
    assert by_name["big-job"]["conditions"]["PodScheduled"] == "False"


def test_json_is_one_pod_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = status(capsys, "-o", "json", PODS, *NOW)
    lines = out.splitlines()
    assert (code, lines[0], lines[-1], len(lines)) == (0, "[", "]", 7)
    assert json.loads(lines[1].rstrip(","))["name"] == "web-1"


# --------------------------------------------------------------------------------------------
# Lint


def test_lint_findings_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    lint = {e["name"]: e["lint"] for e in status_json(capsys, LINT, *NOW)}
    assert lint["wrong-phase"] == [
        {
            "field": "status.phase",
            "recorded": "Running",
            "expected": "Succeeded",
            "message": "status.phase is Running but the kubelet's getPhase gives Succeeded",
            "severity": "warning",
        }
    ]
    assert lint["wrong-ready"] == [
        {
            "field": "status.conditions[0].status",
            "recorded": "True",
            "expected": "False",
            "message": "condition Ready is True but the kubelet computes False "
            "(ContainersNotReady: containers with unready status: [app])",
            "severity": "warning",
        }
    ]
    assert lint["wrong-terminal"][0]["expected"] == "Failed"
    assert "podIsTerminal" in lint["wrong-terminal"][0]["message"]
    # Failed with a reason: forced by the eviction manager; the disagreement is an info, not a warning
    assert [(f["severity"], f["recorded"], f["expected"]) for f in lint["evicted"]] == [
        ("info", "Failed", "Running")
    ]
    assert lint["consistent"] == []


def test_lint_warnings_follow_the_table_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = status(capsys, LINT, *NOW)
    assert code == 0
    assert out.splitlines()[1].split() == ["wrong-phase", "0/1", "Completed", "0", "60m"]
    assert err.splitlines() == [
        "warning: default/wrong-phase: status.phase is Running but the kubelet's getPhase gives Succeeded",
        "warning: default/wrong-ready: condition Ready is True but the kubelet computes False "
        "(ContainersNotReady: containers with unready status: [app])",
        "warning: default/wrong-terminal: status.phase is Succeeded but the kubelet's getPhase gives Failed "
        "for a finished pod (podIsTerminal, as the recorded phase is terminal)",
    ]


def test_strict_turns_findings_into_exit_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert status(capsys, "--strict", LINT, *NOW)[0] == 1
    assert status(capsys, "--strict", "-o", "json", LINT, *NOW)[0] == 1
    assert status(capsys, "--strict", PODS, *NOW)[0] == 0


# --------------------------------------------------------------------------------------------
# Bad input: exit status 2, one line on stderr


def test_a_bad_file_is_exit_2_with_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: Pod\nspec:\n  containers: []\n")
    code, out, err = status(capsys, str(bad))
    assert (code, out) == (2, "")
    assert err == f"podfsm status: {bad}: line 3, spec.containers: a Pod needs at least one container\n"


def test_a_missing_file_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert status(capsys, "/nonexistent.yaml") == (
        2,
        "",
        "podfsm status: /nonexistent.yaml: cannot read: No such file or directory\n",
    )


def test_a_pod_the_oracle_cannot_read_names_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The raw loader does not check container statuses; the oracle's complaint gets a location."""
    bad = tmp_path / "odd.yaml"
    bad.write_text("kind: Pod\nspec:\n  containers: [{name: a}]\nstatus:\n  containerStatuses: [oops]\n")
    code, _, err = status(capsys, str(bad))
    assert code == 2
    assert err.startswith(f"podfsm status: {bad}: line 5, status.containerStatuses[0]: ")
    assert len(err.splitlines()) == 1


def test_a_bad_clock_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["status", PODS, "--now", "2024-01-01T00:00:00"])
    assert info.value.code == 2
    assert "not an RFC 3339 timestamp with a time zone" in capsys.readouterr().err


def test_python_m_podfsm_status(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    ok = subprocess.run(
        [sys.executable, "-m", "podfsm", "status", "-o", "json", PODS, *NOW],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert (ok.returncode, ok.stderr) == (0, "")
    assert [e["status"] for e in json.loads(ok.stdout)] == [
        "Running",
        "Completed",
        "Init:0/1",
        "CrashLoopBackOff",
        "Pending",
    ]
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "Pod", "spec": ')
    failed = subprocess.run(
        [sys.executable, "-m", "podfsm", "status", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert (failed.returncode, failed.stdout) == (2, "")
    assert failed.stderr == f"podfsm status: {bad}: line 1, column 25: not valid JSON: Expecting value\n"


# --------------------------------------------------------------------------------------------
# Published phase and computed phase (issue 12 item 5)


def test_json_phase_is_the_published_one_and_computed_phase_is_getphases(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An evicted pod: the kubelet publishes Failed (pkg/kubelet/eviction/eviction_manager.go:evictPod
    via killPodNow, status.reason Evicted) while kubelet_pods.go:getPhase on its container statuses
    alone (restartPolicy Always, the container would be restarted) gives Running."""
    by_name = {e["name"]: e for e in status_json(capsys, LINT, *NOW)}
    evicted = by_name["evicted"]
    assert (evicted["phase"], evicted["computedPhase"], evicted["status"]) == (
        "Failed",
        "Running",
        "Completed",
    )
    assert evicted["lint"][0]["severity"] == "info"
    assert "Evicted" in evicted["lint"][0]["message"]
    assert by_name["wrong-phase"]["phase"] == "Running"
    assert by_name["wrong-phase"]["computedPhase"] == "Succeeded"


def test_info_findings_are_not_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    """--strict and the table's warnings count only what the kubelet would not have written."""
    code, _, err = status(capsys, "--strict", str(DATA / "status_lint.yaml"), *NOW)
    assert code == 1
    assert "evicted" not in err


def test_no_phase_recorded_is_an_empty_phase(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pod = tmp_path / "pod.yaml"
    pod.write_text("kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a}]\n")
    (entry,) = status_json(capsys, str(pod), *NOW)
    assert (entry["phase"], entry["computedPhase"], entry["lint"]) == ("", "Pending", [])


# --------------------------------------------------------------------------------------------
# Output formats (issue 12 item 7)


def test_no_headers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = status(capsys, "--no-headers", PODS, *NOW)
    assert code == 0
    assert (
        out.splitlines()[0] == "web-1          1/1   Running            2 (10m ago)   60m"
    )  # no header to widen READY
    assert len(out.splitlines()) == 5


def test_output_name_is_kind_slash_name(capsys: pytest.CaptureFixture[str]) -> None:
    """As `kubectl get pods -o name` (k8s.io/cli-runtime/pkg/printers/name.go): pod/NAME."""
    code, out, _ = status(capsys, "-o", "name", PODS, *NOW)
    assert code == 0
    assert out.splitlines() == [
        "pod/web-1",
        "pod/backup-28391",
        "pod/api-7f9c",
        "pod/worker-0",
        "pod/big-job",
    ]


def test_output_yaml_is_the_json_entries(capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    code, out, _ = status(capsys, "-o", "yaml", PODS, *NOW)
    assert code == 0
    assert yaml.safe_load(out) == status_json(capsys, PODS, *NOW)


def test_all_namespaces_always_prints_the_namespace_column(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = status(capsys, "-A", PODS, *NOW)
    assert code == 0
    assert out.splitlines()[0].split() == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert out.splitlines()[1].split()[:2] == ["default", "web-1"]


# --------------------------------------------------------------------------------------------
# Watch streams (issue 12 item 2)

_WATCH_POD = (
    '{{"kind": "Pod", "metadata": {{"name": "w{i}", "creationTimestamp": "2024-01-01T00:00:00Z"}}, '
    '"spec": {{"containers": [{{"name": "a"}}]}}, "status": {{"phase": "Pending"}}}}\n'
)


def test_a_watch_stream_prints_each_row_as_its_object_arrives(tmp_path: Path) -> None:
    """`kubectl get pods -w -o json | podfsm status -`: a row per object before the stream ends, as
    kubectl's watch (staging/src/k8s.io/kubectl/pkg/cmd/get/get.go: watch flushes each event)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for output, first in (([], "NAME"), (["-o", "json"], "[")):
        child = subprocess.Popen(
            [sys.executable, "-m", "podfsm", "status", *output, "-", *NOW],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        assert child.stdin is not None and child.stdout is not None
        try:
            child.stdin.write(_WATCH_POD.format(i=0))
            child.stdin.flush()
            # the stream is still open: the first row must come now, not at the end
            assert child.stdout.readline().startswith(first)
            assert "w0" in child.stdout.readline()
            child.stdin.write(_WATCH_POD.format(i=1))
            child.stdin.flush()
            assert "w1" in child.stdout.readline()
        finally:
            child.stdin.close()
            child.wait(timeout=60)
        assert child.returncode == 0


def test_a_watch_stream_widens_columns_but_never_narrows_them(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows printed as they arrive cannot be laid out against later rows; a column only grows."""
    pods = "".join(_WATCH_POD.format(i=i) for i in (1, 22222222222222, 3))
    monkeypatch.setattr(sys, "stdin", io.StringIO(pods))
    code, out, _ = status(capsys, "-", *NOW)
    assert code == 0
    assert out.splitlines() == [
        "NAME   READY   STATUS    RESTARTS   AGE",
        "w1     0/1     Pending   0          60m",
        "w22222222222222   0/1     Pending   0          60m",
        "w3                0/1     Pending   0          60m",
    ]


def test_progress_on_a_terminal_for_large_files_only(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12 item 1: a progress line (bytes read, pods) for a file large enough to take a while,
    on standard error, never mixed into standard output; none for small files."""
    import podfsm.cli.status as status_module

    monkeypatch.setenv("PODFSM_PROGRESS", "1")
    code, out, err = status(capsys, PODS, *NOW)
    assert code == 0 and "reading" not in err
    monkeypatch.setattr(status_module, "_PROGRESS_BYTES", 0)
    code, progress_out, err = status(capsys, PODS, *NOW)
    assert code == 0 and "reading" in err
    assert progress_out == out
