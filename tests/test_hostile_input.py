"""Hostile and broken input (issue 11): each example of the issue, as a test.

The contract: every command and public function ends, in bounded time and memory, with a
correct answer or one line naming the input and what is wrong (exit status 2 from the CLI), and
no file podfsm writes is ever left half-written.
"""

from __future__ import annotations

import builtins
import errno
import gc
import json
import os
import signal
import subprocess
import sys
import time
import weakref
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

import podfsm
from podfsm import InvalidArgument, InvalidPod, ManifestError, OutputError
from podfsm._io import JSONArrayWriter, dumps, escape_control, write_atomic
from podfsm.cli import main
from podfsm.loader import MAX_DEPTH, load_pod_dicts
from podfsm.model.simulation import iter_simulate
from podfsm.oracle import human_duration, kubectl_columns, kubectl_wide_columns, pod_conditions, pod_phase

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2024, 1, 1, tzinfo=UTC)


def base_pod(**status: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "creationTimestamp": "2024-01-01T00:00:00Z"},
        "spec": {"containers": [{"name": "app", "image": "busybox"}]},
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [
                {
                    "name": "app",
                    "ready": True,
                    "restartCount": 1,
                    "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                    "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2024-01-01T00:00:00Z"}},
                }
            ],
            **status,
        },
    }


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str, *needles: str) -> None:
    """One line on stderr, no traceback, containing every needle."""
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, (needle, err)


def write(path: Path, data: Any) -> str:
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


EVENTS = [
    {"type": "Scheduled", "node": "n1"},
    {"type": "ContainerStarted", "container": "app"},
    {"type": "ContainerExited", "container": "app", "exitCode": 1},
    {"type": "TimePassed", "seconds": 10},
    {"type": "ContainerStarted", "container": "app"},
]


@pytest.fixture
def events_file(tmp_path: Path) -> str:
    return write(tmp_path / "events.json", EVENTS)


@pytest.fixture
def pod_file(tmp_path: Path) -> str:
    pod = base_pod()
    del pod["status"]
    return write(tmp_path / "pod.json", pod)


# --------------------------------------------------------------------------------------------
# Silent wrong answers and data loss


def test_write_atomic_leaves_the_old_file_when_the_disk_is_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failed write (ENOSPC at fsync) keeps the old file whole, leaves no temporary file, and is
    an OutputError naming the path."""
    target = tmp_path / "pod.json"
    target.write_text("old and good\n")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError) as info:
        write_atomic(target, "new" * 1000)
    assert str(info.value) == f"{target}: cannot write: No space left on device"
    assert target.read_text() == "old and good\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pod.json"]


def test_check_save_goes_through_the_atomic_writer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``check --save``: every counterexample file is written by write_atomic (one writer)."""
    import podfsm._io

    written: list[str] = []
    real = podfsm._io.write_atomic

    def spy(path: Any, data: Any) -> None:
        written.append(Path(path).name)
        real(path, data)

    monkeypatch.setattr(podfsm._io, "write_atomic", spy)
    code, _, _ = run(
        capsys, "check", "--exhaustive", "--mutant", "never-restarts-failed", "--save", str(tmp_path)
    )
    assert code == 1
    saved = sorted(p.name for p in tmp_path.iterdir())
    assert saved and sorted(written) == saved


def test_check_save_onto_a_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(
        capsys, "check", "--exhaustive", "--mutant", "never-restarts-failed", "--save", str(blocker)
    )
    assert code == 2
    one_line(err, "podfsm check:", "cannot write")


@pytest.mark.parametrize("offset", ["-10:00", "+05:00", "+00:00"])
def test_creation_timestamp_offsets_are_converted_to_utc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], events_file: str, offset: str
) -> None:
    """metav1.Time is an instant, written in UTC with a Z (``Time.MarshalJSON``): an input offset
    changes neither the clock nor RESTARTS' ``(10s ago)``."""
    local = {
        "-10:00": "2023-12-31T14:00:00",
        "+05:00": "2024-01-01T05:00:00",
        "+00:00": "2024-01-01T00:00:00",
    }
    pod = base_pod()
    del pod["status"]
    pod["metadata"]["creationTimestamp"] = local[offset] + offset
    pf = write(tmp_path / "pod.json", pod)
    code, out, _ = run(capsys, "simulate", pf, events_file)
    assert code == 0
    assert out.splitlines()[-1].endswith("1 (10s ago)")
    code, out, _ = run(capsys, "simulate", pf, events_file, "-o", "json")
    steps = json.loads(out)
    last = steps[-1]["pod"]
    assert last["metadata"]["creationTimestamp"] == "2024-01-01T00:00:00Z"
    assert last["status"]["containerStatuses"][0]["state"]["running"]["startedAt"] == "2024-01-01T00:00:10Z"


@pytest.mark.parametrize("command", ["status", "simulate", "schedule", "check"])
@pytest.mark.parametrize("text", ["", "# nothing\n---\n", '{"kind": "List", "items": []}'])
def test_a_file_with_no_pods_is_exit_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, text: str, events_file: str
) -> None:
    """``check --examples 2 empty.yaml`` checked the default pods and exited 0; now every command
    refuses a file with no pods."""
    empty = write(tmp_path / "empty.yaml", text)
    nodes = write(tmp_path / "nodes.json", [{"kind": "Node", "metadata": {"name": "n1"}}])
    argv = {
        "status": ["status", empty],
        "simulate": ["simulate", empty, events_file],
        "schedule": ["schedule", empty, "--nodes", nodes],
        "check": ["check", "--examples", "2", empty],
    }[command]
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    one_line(err, f"{empty}: no pods in the file")


def test_a_conformance_file_with_no_cases_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``0 passed, 0 failed`` with exit 0 would read as a pass: an empty case file is a mistake."""
    empty = write(tmp_path / "cases.json", [])
    code, out, err = run(capsys, "conformance", empty)
    assert (code, out) == (2, "")
    one_line(err, f"{empty}: no cases in the file")


def test_the_python_api_may_ask_for_pods() -> None:
    assert podfsm.load("# nothing\n---\n") == []
    with pytest.raises(ManifestError, match="no pods in the file"):
        podfsm.load("# nothing\n---\n", allow_empty=False)


# --------------------------------------------------------------------------------------------
# Unbounded time or memory

LAUGHS = """\
apiVersion: v1
kind: Pod
metadata: {name: lol}
spec:
  containers: [{name: app, image: busybox}]
x-unknown:
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused_before_it_expands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], events_file: str
) -> None:
    """go-yaml (sigs.k8s.io/yaml, so kubectl and the API server) refuses "excessive aliasing"
    (decode.go: allowedAliasRatio); podfsm applies the same rule to the node graph, whatever
    the field, before anything is built."""
    bomb = write(tmp_path / "bomb.yaml", LAUGHS)
    code, out, err = run(capsys, "simulate", bomb, events_file, "-o", "json")
    assert (code, out) == (2, "")
    one_line(err, f"{bomb}: line 1, column 1: not valid YAML: document contains excessive aliasing")
    with pytest.raises(ManifestError, match="excessive aliasing"):
        pod_phase(podfsm.load(Path(bomb))[0])


def test_modest_aliases_and_merges_still_load() -> None:
    """Aliases and merge keys that expand a little (well under go-yaml's 99%) are fine."""
    text = (
        "base: &c {name: app, image: busybox}\n"
        "kind: Pod\nmetadata: {name: p}\n"
        "spec:\n  containers:\n  - <<: *c\n    name: app\n  - *c\n"
    )
    [pod] = load_pod_dicts(text)
    assert pod["spec"]["containers"][1] == {"name": "app", "image": "busybox"}


def test_a_recursive_alias_is_refused() -> None:
    with pytest.raises(ManifestError, match="recursive alias"):
        load_pod_dicts("kind: Pod\nspec: {containers: [{name: a}]}\nx: &x [*x]\n")


def test_iter_simulate_keeps_no_step() -> None:
    """Output is streamed: a step nobody holds is freed, so memory is flat in the number of events."""
    pod = base_pod()
    events = [EVENTS[0], EVENTS[1]] + [{"type": "TimePassed", "seconds": 1}] * 300
    refs = []
    for step in iter_simulate(pod, events):
        refs.append(weakref.ref(step))
    del step
    gc.collect()
    assert len(refs) == 302
    assert sum(r() is not None for r in refs) == 0


def test_simulate_json_is_written_step_by_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pod_file: str, events_file: str
) -> None:
    """``-o json`` goes through JSONArrayWriter: byte for byte the old whole-array output."""
    code, out, _ = run(capsys, "simulate", pod_file, events_file, "-o", "json")
    assert code == 0
    steps = podfsm.simulate(json.loads(Path(pod_file).read_text()), EVENTS, source=pod_file, admit=True)
    assert out == dumps([s.to_dict() for s in steps])


def test_status_json_stays_a_whole_array_when_a_later_pod_is_bad(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = mutate(["status", "containerStatuses", 0, "restartCount"], -5)
    pf = write(tmp_path / "pods.json", {"kind": "List", "items": [base_pod(), bad]})
    code, out, err = run(capsys, "status", "-o", "json", "--now", "2024-01-01T00:00:00Z", pf)
    assert code == 2
    assert [p["name"] for p in json.loads(out)] == ["p"]
    one_line(err, "items[1].status.containerStatuses[0].restartCount")


def test_json_events_are_read_one_at_a_time(tmp_path: Path) -> None:
    """A JSON events file is held as text; each pass parses and checks the events again, one by one."""
    from podfsm.loader import JSONArrayItems, json_array_items

    path = write(tmp_path / "ev.json", " [ " + ", ".join(json.dumps(e) for e in EVENTS) + " ] \n")
    items, _, _ = json_array_items(path)
    assert isinstance(items, JSONArrayItems) and len(items) == len(EVENTS)
    assert list(items) == EVENTS == list(items) and EVENTS[1] in items
    assert list(iter_simulate(base_pod(), items))[-1].pod["status"]["phase"] == "Running"
    for text, message in [
        (
            '[{"type": "TimePassed", "seconds": 1}, {"type": "TimePassed", "seconds": NaN}]',
            "[1]: not valid JSON: NaN",
        ),
        (
            '[{"a": {"b": [' + "[" * 120 + "]" * 120 + "]}}]",
            ": [0].a.b[0][0][0][0][0][0]: nested more than 100 levels deep",
        ),
    ]:
        with pytest.raises(ManifestError) as info:
            json_array_items(write(tmp_path / "bad.json", text))
        assert message in str(info.value)
    assert json_array_items(write(tmp_path / "flow.yaml", "[{type: NodeLost}]"))[0] is None  # YAML


def test_json_array_writer_matches_dumps() -> None:
    import io

    for items in ([], [1], [{"a": [1, {"b": "x\ny"}]}, "z\u00e9", None, {}]):
        stream = io.StringIO()
        with JSONArrayWriter(stream) as array:
            for item in items:
                array.add(item)
        assert stream.getvalue() == dumps(items)


# --------------------------------------------------------------------------------------------
# Types the loader did not check


def mutate(path: list[Any], value: Any) -> dict[str, Any]:
    pod = base_pod()
    obj: Any = pod
    for key in path[:-1]:
        obj = obj[key]
    obj[path[-1]] = value
    return pod


TYPE_CASES = [
    ("kind", ["kind"], [], ["status"], "kind: [] is not Pod"),
    ("phase", ["status", "phase"], ["x"], ["status"], "status.phase: expected a string, got a list"),
    (
        "condition-type",
        ["status", "conditions", 0, "type"],
        ["Ready"],
        ["status", "-o", "json"],
        "status.conditions[0].type: expected a string",
    ),
    (
        "waiting-reason",
        ["status", "containerStatuses", 0, "state", "waiting", "reason"],
        7,
        ["status"],
        "state.waiting.reason: expected a string, got a number (7)",
    ),
    (
        "waiting-reason-wide",
        ["status", "containerStatuses", 0, "state", "waiting", "reason"],
        7,
        ["status", "-o", "wide"],
        "state.waiting.reason: expected a string",
    ),
    ("node-name-wide", ["spec", "nodeName"], 5, ["status", "-o", "wide"], "spec.nodeName: expected a string"),
    (
        "restarts-2.5",
        ["status", "containerStatuses", 0, "restartCount"],
        2.5,
        ["status"],
        "restartCount: expected an integer, got a number (2.5)",
    ),
    (
        "restarts--5",
        ["status", "containerStatuses", 0, "restartCount"],
        -5,
        ["status", "-o", "json"],
        "restartCount: must not be negative, got -5",
    ),
    (
        "readiness-gates",
        ["spec", "readinessGates"],
        5,
        ["simulate", "--no-admission"],
        "spec.readinessGates: expected a list, got a number",
    ),
    (
        "exit-codes",
        ["spec", "containers", 0],
        {
            "name": "app",
            "restartPolicy": "Never",
            "restartPolicyRules": [{"action": "Restart", "exitCodes": -1}],
        },
        ["simulate", "--no-admission"],
        "restartPolicyRules[0].exitCodes: expected a mapping, got a number",
    ),
]


@pytest.mark.parametrize(
    ("path", "value", "argv", "message"), [c[1:] for c in TYPE_CASES], ids=[c[0] for c in TYPE_CASES]
)
def test_fields_of_the_wrong_type_are_one_line_naming_the_field(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    events_file: str,
    path: list[Any],
    value: Any,
    argv: list[str],
    message: str,
) -> None:
    """The oracle's and the CLI's view of a pod checks the type of every field it reads."""
    pf = write(tmp_path / "pod.json", mutate(path, value))
    args = [argv[0], pf, events_file, *argv[1:]] if argv[0] == "simulate" else [*argv, pf]
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    one_line(err, pf, message)


@pytest.mark.parametrize("count", [2.5, -5, float("nan"), True, "3"])
def test_kubectl_columns_always_returns_strings(count: Any) -> None:
    """printPod formats RESTARTS as an int32 count; anything else is an InvalidPod naming it."""
    pod = mutate(["status", "containerStatuses", 0, "restartCount"], count)
    with pytest.raises(InvalidPod, match=r"status\.containerStatuses\[0\]\.restartCount"):
        kubectl_columns(pod, now=NOW)
    columns = kubectl_columns(base_pod(), now=NOW)
    assert all(type(c) is str for c in (columns.ready, columns.status, columns.restarts, columns.age))
    assert all(type(c) is str for c in kubectl_wide_columns(base_pod(), now=NOW))


def test_the_python_api_default_skips_admission_but_not_the_type_checks() -> None:
    cases: list[tuple[list[Any], Any, str]] = [
        (["spec", "readinessGates"], 5, "spec.readinessGates"),
        (["spec", "containers", 0, "restartPolicyRules"], [{"exitCodes": -1}], "exitCodes"),
    ]
    for path, value, where in cases:
        with pytest.raises(ManifestError, match=where):
            podfsm.simulate(mutate(path, value), EVENTS)


# --------------------------------------------------------------------------------------------
# Limits of the platform


def with_x(raw: str) -> str:
    """The base pod as JSON text with an unknown field ``x-deep`` whose value is ``raw``."""
    pod = base_pod()
    pod["x-deep"] = "@"
    return json.dumps(pod).replace('"@"', raw)


def nested(depth: int) -> str:
    return with_x("[" * depth + "]" * depth)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 600, 1000, 100_000])
def test_deep_nesting_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], events_file: str, depth: int
) -> None:
    """JSON 1,000 deep was a RecursionError while parsing, 600 deep one in admission's deepcopy."""
    pf = write(tmp_path / "deep.json", nested(depth))
    for argv in (["status", pf], ["simulate", pf, events_file]):
        code, out, err = run(capsys, *argv)
        assert (code, out) == (2, "")
        one_line(err, pf, f"nested more than {MAX_DEPTH} levels deep")
    yaml_file = write(
        tmp_path / "deep.yaml", "kind: Pod\nspec: {containers: [{name: a}]}\nx: " + "[" * 200 + "]" * 200
    )
    with pytest.raises(ManifestError, match="nested more than"):
        load_pod_dicts(Path(yaml_file))


def test_nesting_up_to_the_limit_loads() -> None:
    [pod] = load_pod_dicts(nested(MAX_DEPTH - 2))
    assert pod["x-deep"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (with_x("1" * 5000), "not valid JSON: Exceeds the limit (4300 digits)"),
        (with_x(str(2**63)), "x-deep: an integer outside the 64-bit range"),
        (
            "kind: Pod\nspec: {containers: [{name: a}]}\nx: " + "9" * 5000 + "\n",
            "not valid YAML: Exceeds the limit",
        ),
    ],
)
def test_huge_integers_are_one_line(text: str, message: str) -> None:
    with pytest.raises(ManifestError) as info:
        load_pod_dicts(text)
    assert message in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("created", "event", "message"),
    [
        (
            None,
            {"type": "TimePassed", "seconds": 1e12},
            "events[1].seconds: the clock would pass 9999-12-31T23:59:59Z",
        ),
        (
            None,
            {"type": "DeletionRequested", "gracePeriodSeconds": 2**63 - 1},
            "events[1].gracePeriodSeconds: the deletion time would pass 9999-12-31T23:59:59Z",
        ),
        (
            "9999-12-31T23:59:59Z",
            {"type": "TimePassed", "seconds": 1},
            "events[1].seconds: the clock would pass",
        ),
        (
            None,
            {"type": "DeletionRequested", "gracePeriodSeconds": 2**63},
            "[1].gracePeriodSeconds: an integer outside the 64-bit range",
        ),
    ],
)
def test_times_past_year_9999_are_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    created: str | None,
    event: dict[str, Any],
    message: str,
) -> None:
    """Go's Time.MarshalJSON cannot write a year past 9999: no Kubernetes object holds such a time."""
    pod = base_pod()
    del pod["status"]
    if created:
        pod["metadata"]["creationTimestamp"] = created
    pf = write(tmp_path / "pod.json", pod)
    ev = write(tmp_path / "ev.json", [{"type": "Scheduled", "node": "n1"}, event])
    code, out, err = run(capsys, "simulate", pf, ev, "-o", "json")
    assert code == 2
    one_line(err, f"{ev}: ", message)
    if out:  # the steps before it, as a whole JSON array
        assert len(json.loads(out)) == 1


def test_ages_saturate_at_gos_max_duration() -> None:
    """time.Since saturates at the largest Duration (about 292 years): documented saturation."""
    pod = base_pod()
    pod["metadata"]["creationTimestamp"] = "0001-01-02T00:00:00Z"
    assert kubectl_columns(pod, now=datetime(9999, 12, 31, tzinfo=UTC)).age == "292y"


# --------------------------------------------------------------------------------------------
# Values YAML has and JSON has not; NaN and Infinity


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!binary aGVsbG8=", "x: binary data (YAML's !!binary)"),
        ("!!set {a, b}", "x: a set (YAML's !!set)"),
        ("!!omap [a: 1]", "x[0]: ordered pairs"),
        ("{1: one}", "x.[1]: a key must be a string, got a number"),
        ("{? [a]: b}", "not valid YAML: found unhashable key"),
        (".nan", "x: nan is not a number JSON can hold"),
        ("-.inf", "x: -inf is not a number JSON can hold"),
        ("1.0e+400", "x: inf is not a number JSON can hold"),
    ],
)
def test_yaml_only_values_are_refused_naming_the_field(value: str, message: str) -> None:
    with pytest.raises(ManifestError) as info:
        load_pod_dicts(f"kind: Pod\nspec: {{containers: [{{name: a}}]}}\nx: {value}\n")
    assert message in str(info.value) and "line 3" in str(info.value)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_json_nan_and_infinity_are_refused_at_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], events_file: str, literal: str
) -> None:
    """``-o json`` never prints NaN or Infinity: such input never gets in."""
    pf = write(tmp_path / "pod.json", with_x(literal))
    code, out, err = run(capsys, "simulate", pf, events_file, "-o", "json")
    assert (code, out) == (2, "")
    one_line(err, pf, "is not a number JSON can hold")


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), b"bytes", {1: "x"}])
def test_the_python_api_refuses_what_the_loader_refuses(bad: Any) -> None:
    """A dict built in Python meets the loader's bounds in simulate and PodModel: no NaN gets out."""
    pod = base_pod()
    pod["metadata"]["labels"] = {"a": bad}
    for admit in (False, True):
        with pytest.raises(ManifestError, match=r"^<pod>: metadata\.labels\.a"):
            podfsm.simulate(pod, EVENTS[:1], admit=admit)


def test_events_files_have_the_same_bounds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pod_file: str
) -> None:
    ev = write(tmp_path / "ev.yaml", "- {type: TimePassed, seconds: .inf}\n")
    code, _, err = run(capsys, "simulate", pod_file, ev)
    assert code == 2
    one_line(err, f"{ev}: ", "inf is not a number JSON can hold")


# --------------------------------------------------------------------------------------------
# Output that cannot be written


def podfsm_cli(*argv: str, shell_redirect: str = "") -> subprocess.CompletedProcess[str]:
    command = " ".join([sys.executable, "-m", "podfsm", *(f"'{a}'" for a in argv)]) + shell_redirect
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(command, shell=True, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("/proc/podfsm-nowhere", "cannot write"),  # a directory nobody may create, not even root
        ("FILE", "FILE is not a directory"),
        ("FILE/sub", "a part of the path is a file, not a directory"),
    ],
)
def test_diagram_out_that_cannot_be_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str, message: str
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("keep me")
    out_dir = where.replace("FILE", str(blocker))
    code, _, err = run(capsys, "diagram", "--out", out_dir, "--only", "pod-phase", "--format", "dot")
    assert code == 2
    one_line(err, "podfsm diagram: ", message.replace("FILE", str(blocker)))
    assert blocker.read_text() == "keep me"


def test_simulate_diagram_that_cannot_be_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pod_file: str, events_file: str
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("keep me")
    code, _, err = run(capsys, "simulate", pod_file, events_file, "--diagram", f"{blocker}/run.dot")
    assert code == 2
    one_line(err, "podfsm simulate: ", f"{blocker}/run.dot: cannot write")


def test_a_bad_diagram_suffix_is_refused_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pod_file: str, events_file: str
) -> None:
    code, out, err = run(capsys, "simulate", pod_file, events_file, "--diagram", str(tmp_path / "run.txt"))
    assert (code, out) == (2, "")
    one_line(err, "must end in .svg, .png or .dot")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_on_standard_output_is_one_line(pod_file: str, events_file: str) -> None:
    result = podfsm_cli("simulate", pod_file, events_file, shell_redirect=" > /dev/full")
    assert result.returncode == 2
    one_line(result.stderr, "podfsm simulate: standard output: cannot write: No space left on device")


def test_a_closed_standard_output_is_one_line(pod_file: str) -> None:
    result = podfsm_cli("status", pod_file, shell_redirect=" >&-")
    assert result.returncode == 2
    one_line(result.stderr, "podfsm status: standard output: cannot write: it is closed")


def test_a_reader_that_stops_early_ends_quietly(tmp_path: Path, events_file: str) -> None:
    pods = write(tmp_path / "pods.json", {"kind": "List", "items": [base_pod()] * 20000})
    result = podfsm_cli("status", pods, shell_redirect=" | head -1")
    assert result.stdout.startswith("NAME")
    assert result.stderr == ""


# --------------------------------------------------------------------------------------------
# Ctrl-C while importing


def test_ctrl_c_while_a_command_is_imported_is_130_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], pod_file: str, events_file: str
) -> None:
    real_import = builtins.__import__
    sys.modules.pop("podfsm.cli.simulate", None)

    def interrupted(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "podfsm.cli.simulate" or name.endswith("cli.simulate"):
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", interrupted)
    monkeypatch.setattr("importlib.import_module", lambda name, *a: interrupted(name))
    assert main(["simulate", pod_file, events_file]) == 130
    out, err = capsys.readouterr()
    assert (out, err) == ("", "")


def test_ctrl_c_before_the_command_line_is_imported_is_130() -> None:
    """``python -m podfsm``: an interrupt while ``podfsm.cli`` itself is imported."""
    code = (
        "import builtins, runpy, sys\n"
        "real = builtins.__import__\n"
        "def imp(name, *a, **k):\n"
        "    if name == 'podfsm.cli':\n"
        "        raise KeyboardInterrupt\n"
        "    return real(name, *a, **k)\n"
        "builtins.__import__ = imp\n"
        "runpy.run_module('podfsm', run_name='__main__')\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert (result.returncode, result.stderr) == (130, "")


@pytest.mark.parametrize("delay", [0.2, 0.4, 0.6, 0.9])
def test_ctrl_c_at_any_moment_is_130_without_traceback(delay: float) -> None:
    """A real SIGINT, early (often while modules are imported) or later (while it runs).

    An interrupt during an import once ended the process with SIGINT (-2) instead of 130: CPython
    remembers it as unhandled; podfsm.cli.exit_interrupted ends the process with os._exit."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    argv = [sys.executable, "-m", "podfsm", "check", "--exhaustive"]  # runs for many seconds
    # as in a terminal's foreground job: a suite started in the background by a non-interactive
    # shell inherits SIGINT ignored, and CPython then installs no KeyboardInterrupt handler
    child = subprocess.Popen(
        argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err  # the stderr says why, should it ever end otherwise
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


# --------------------------------------------------------------------------------------------
# The Python API's arguments


def test_a_pydantic_pod_with_a_field_assigned_later_names_the_argument() -> None:
    [pod] = podfsm.load(json.dumps(base_pod()))
    pod.spec.containers = "x"  # type: ignore[assignment]
    for call in (pod_phase, pod_conditions, kubectl_columns, lambda p: podfsm.simulate(p, [])):
        with pytest.raises(
            InvalidArgument, match=r"^pod: a Pod that no longer validates \(its field 'containers'"
        ):
            call(pod)


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: kubectl_columns(base_pod(), now="2024-01-01"), "now"),  # type: ignore[arg-type]
        (lambda: kubectl_columns(base_pod(), now=datetime(2024, 1, 1)), "now"),
        (lambda: pod_phase(base_pod(), feature_gates=["x"]), "feature_gates"),  # type: ignore[arg-type]
        (lambda: pod_conditions(base_pod(), feature_gates="x"), "feature_gates"),  # type: ignore[arg-type]
        (lambda: pod_phase(base_pod(), pod_is_terminal="yes"), "pod_is_terminal"),  # type: ignore[arg-type]
        (lambda: human_duration("5"), "seconds"),  # type: ignore[arg-type]
    ],
)
def test_oracle_arguments_of_the_wrong_type_name_the_argument(call: Any, argument: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        call()
    assert info.value.argument == argument and str(info.value).startswith(f"{argument}: ")


# --------------------------------------------------------------------------------------------
# Messages and output


def test_control_characters_cannot_forge_a_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], events_file: str
) -> None:
    evil = "web\x1b[31m\r\nevil-row   1/1   Running"
    pod = base_pod()
    pod["metadata"]["name"] = evil
    pod["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] = "Bad\nReason"
    pf = write(tmp_path / "pod.json", pod)
    code, out, _ = run(capsys, "status", pf)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2 and "\x1b" not in out and "\r" not in out
    assert lines[1].startswith("web\\x1b[31m\\r\\nevil-row") and "Bad\\nReason" in lines[1]
    # the timeline: a container name with a newline cannot start a line of its own
    spec = {"containers": [{"name": "a\nb", "image": "x"}]}
    pf = write(tmp_path / "pod2.json", {"kind": "Pod", "metadata": {"name": "p"}, "spec": spec})
    ev = write(
        tmp_path / "ev.json",
        [{"type": "Scheduled", "node": "n"}, {"type": "ContainerStarted", "container": "a\nb"}],
    )
    code, out, _ = run(capsys, "simulate", pf, ev, "--no-admission")
    assert code == 0 and len(out.splitlines()) == 3 and "a\\nb" in out


def test_enum_values_print_as_kubernetes_spells_them() -> None:
    """A pod built in Python with podfsm's enums (str subclasses) gives plain strings, not enum reprs."""
    from podfsm.vocab import Phase, WaitingReason

    pod = base_pod(phase=Phase.RUNNING)
    pod["status"]["containerStatuses"][0]["state"] = {
        "waiting": {"reason": WaitingReason.CRASH_LOOP_BACK_OFF}
    }
    pod["spec"]["nodeName"] = Phase.RUNNING
    columns = kubectl_columns(pod, now=NOW)
    assert type(columns.status) is str and repr(columns.status) == "'CrashLoopBackOff'"
    wide = kubectl_wide_columns(pod, now=NOW)
    assert type(wide.node) is str and repr(wide.node) == "'Running'"


def test_escape_control() -> None:
    assert escape_control("plain ünïcode") == "plain ünïcode"
    assert escape_control("a\x1b[0m\t\x85\u2028\x7f") == "a\\x1b[0m\\t\\x85\\u2028\\x7f"


@pytest.mark.parametrize(
    "text",
    [
        "kind: Pod\nspec: {containers: [{name: a\x00}]}\n",  # a character YAML does not allow
        "kind: Pod\nspec: [\n",  # a syntax error
        "kind: Pod\n\tspec: {}\n",  # a tab where indentation belongs
    ],
)
def test_parser_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    """PyYAML's messages add a second line (``in "<unicode string>", line 1``); podfsm's do not."""
    pf = write(tmp_path / "pod.yaml", text)
    code, out, err = run(capsys, "status", pf)
    assert (code, out) == (2, "")
    one_line(err, f"{pf}: ", "not valid YAML")
    assert "unicode string" not in err


def test_yaml_error_objects_are_one_line() -> None:
    with pytest.raises(ManifestError) as info:
        load_pod_dicts(yaml.safe_dump({"a": 1}) + "\x07")
    assert "\n" not in str(info.value)
