"""Fuzzing the input contract (issue 11) with Hypothesis, over JSON-like values and mutated real pods.

For the loader, the oracle functions, ``podfsm.simulate`` and every CLI command, whatever is
drawn: the call ends with a well-formed answer, or with a :class:`~podfsm.PodFSMError` whose
message is one line (exit status 2, or 1 for an illegal event, and one line on stderr from the
CLI); the input is never changed; ``-o json`` output is JSON without NaN or Infinity.

The example counts are bounded so the suite stays fast; ``PODFSM_FUZZ_EXAMPLES`` raises them
(for example to 2000 for a long run).
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import podfsm
from podfsm import PodFSMError
from podfsm.cli import main
from podfsm.examples import load_scenarios
from podfsm.loader import load_pod_dicts
from podfsm.oracle import human_duration, kubectl_columns, kubectl_wide_columns, pod_conditions, pod_phase

DATA = Path(__file__).parent / "data"
NOW = datetime(2024, 6, 1, tzinfo=UTC)
EXAMPLES = int(os.environ.get("PODFSM_FUZZ_EXAMPLES", "0")) or None

FUZZ = settings(
    max_examples=EXAMPLES or 40,
    deadline=None,
    derandomize=EXAMPLES is None,  # the suite's run is the same every time
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

# Field names of the Pod API, so drawn mappings often look like pods
KEYS = [
    "apiVersion", "kind", "metadata", "name", "namespace", "creationTimestamp", "deletionTimestamp",
    "spec", "containers", "initContainers", "restartPolicy", "restartPolicyRules", "exitCodes", "values",
    "operator", "action", "readinessGates", "conditionType", "nodeName", "image", "livenessProbe",
    "status", "phase", "reason", "message", "conditions", "type", "containerStatuses",
    "initContainerStatuses", "restartCount", "state", "lastState", "waiting", "running", "terminated",
    "exitCode", "finishedAt", "ready", "started", "items", "object", "podIP", "podIPs", "ip",
]  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.sampled_from(
        ["Pod", "List", "Running", "Always", "Never", "True", "2024-01-01T00:00:00Z", "Completed"]
    )
    | st.text(max_size=6)
)
JSON_LIKE = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=5), inner, max_size=5)
    ),
    max_leaves=25,
)


def _real_pods() -> list[dict[str, Any]]:
    pods = load_pod_dicts(DATA / "load_list.json") + load_pod_dicts(DATA / "load_kubectl_pod.json")
    pods += [copy.deepcopy(s.pod) for s in load_scenarios()[:8]]
    for case in json.loads((DATA / "conformance" / "sample.json").read_text()):
        if isinstance(case.get("pod"), dict):
            pods.append(case["pod"])
    return pods


REAL_PODS = _real_pods()


@st.composite
def mutated_pods(draw: st.DrawFn) -> Any:
    """A real pod with a few of its fields replaced, deleted or added."""
    pod = copy.deepcopy(draw(st.sampled_from(REAL_PODS)))
    for _ in range(draw(st.integers(1, 3))):
        node: Any = pod
        for _depth in range(draw(st.integers(0, 6))):  # walk down to a random mapping or list
            children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
            children = [(k, v) for k, v in children if isinstance(v, dict | list) and v]
            if not children:
                break
            node = draw(st.sampled_from(children))[1]
        if isinstance(node, dict):
            existing = bool(node) and draw(st.booleans())
            key = draw(st.sampled_from(sorted(node, key=str) if existing else KEYS))
            if draw(st.integers(0, 4)) == 0:
                node.pop(key, None)
            else:
                node[key] = draw(JSON_LIKE)
        elif isinstance(node, list) and node:
            node[draw(st.integers(0, len(node) - 1))] = draw(JSON_LIKE)
    return pod


ANY_INPUT = JSON_LIKE | mutated_pods()


def events_scripts() -> st.SearchStrategy[list[Any]]:
    names = st.sampled_from(["app", "init", "main", "c", "x"])
    event = st.one_of(
        st.builds(lambda n: {"type": "Scheduled", "node": n}, names),
        st.builds(lambda n: {"type": "ContainerStarted", "container": n}, names),
        st.builds(
            lambda n, c: {"type": "ContainerExited", "container": n, "exitCode": c},
            names,
            st.integers(-3, 300),
        ),
        st.builds(lambda s: {"type": "TimePassed", "seconds": s}, st.floats(0, 1e13)),
        st.builds(lambda g: {"type": "DeletionRequested", "gracePeriodSeconds": g}, st.integers(0, 2**64)),
        st.builds(
            lambda n, r: {"type": "ProbeResult", "container": n, "probe": "liveness", "result": r},
            names,
            st.sampled_from(["Success", "Failure"]),
        ),
        st.just({"type": "NodeLost"}),
        JSON_LIKE,
    )  # fmt: skip
    return st.lists(event, max_size=6)


# --------------------------------------------------------------------------------------------
# The contract


def one_line_error(exc: BaseException) -> None:
    assert isinstance(exc, PodFSMError), f"{type(exc).__name__}: {exc}"
    text = str(exc)
    assert text and "\n" not in text, text


def fingerprint(value: Any) -> str:
    """What the input was, to check it was not changed (NaN != NaN, so not ==)."""
    return repr(value)


def check_oracle(pod: Any) -> None:
    before = fingerprint(pod)
    calls: list[Callable[[], Any]] = [
        lambda: pod_phase(pod),
        lambda: pod_phase(pod, pod_is_terminal=True, pod_has_initialized=False),
        lambda: pod_conditions(pod),
        lambda: kubectl_columns(pod, now=NOW),
        lambda: kubectl_wide_columns(pod, now=NOW),
    ]
    for call in calls:
        try:
            result = call()
            if not isinstance(result, str | dict | tuple):  # Columns: AGE is computed when read
                result = (result.ready, result.status, result.restarts, result.age)
        except Exception as exc:
            one_line_error(exc)
            continue
        if isinstance(result, str):
            assert result in ("Pending", "Running", "Succeeded", "Failed", "Unknown"), result
        elif isinstance(result, dict):
            for ctype, cond in result.items():
                assert all(type(x) is str for x in (ctype, cond.status, cond.reason, cond.message))
        else:
            assert all(type(c) is str for c in result), result
    assert fingerprint(pod) == before, "the oracle changed its input"


@FUZZ
@given(ANY_INPUT)
def test_oracle_functions_answer_or_raise_one_line(pod: Any) -> None:
    check_oracle(pod)


@FUZZ
@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.floats(),
        st.text(max_size=3),
        st.booleans(),
        st.lists(st.integers(), max_size=2),
    )
)
def test_human_duration_answers_or_names_its_argument(value: Any) -> None:
    try:
        text = human_duration(value)
    except Exception as exc:
        one_line_error(exc)
        assert str(exc).startswith("seconds: ")
    else:
        assert type(text) is str and text


@FUZZ
@given(ANY_INPUT, st.sampled_from(["json", "yaml", "raw"]))
def test_loader_loads_or_raises_one_line(value: Any, form: str) -> None:
    if form == "json":
        text = json.dumps(value)
    elif form == "yaml":
        text = yaml.safe_dump(value)
    else:
        text = str(value) + "\n"
    for load in (load_pod_dicts, podfsm.load):
        try:
            pods = load(text, source="fuzz.yaml")
        except Exception as exc:
            one_line_error(exc)
            assert str(exc).startswith("fuzz.yaml")
            continue
        for pod in pods:
            # what loads is JSON: it dumps without NaN or Infinity and reads back the same
            plain = pod if isinstance(pod, dict) else pod.to_dict()
            assert json.loads(json.dumps(plain, allow_nan=False)) == plain


@FUZZ
@given(ANY_INPUT, events_scripts(), st.booleans())
def test_simulate_runs_or_raises_one_line(pod: Any, events: list[Any], admit: bool) -> None:
    before = fingerprint((pod, events))
    try:
        steps = podfsm.simulate(pod, events, admit=admit)
    except Exception as exc:
        one_line_error(exc)
    else:
        for step in steps:
            json.dumps(step.to_dict(), allow_nan=False)
            check_oracle(step.pod)
    assert fingerprint((pod, events)) == before


# --------------------------------------------------------------------------------------------
# Every command


WORK = Path(tempfile.mkdtemp(prefix="podfsm-fuzz-"))


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse's usage errors and --help, as the console script sees them
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def check_cli(argv: list[str], *, json_output: bool = False) -> None:
    code, out, err = cli(*argv)
    assert code in (0, 1, 2), (argv, code)
    assert "Traceback" not in err
    if code == 2 or (code == 1 and argv[0] == "simulate"):
        assert err.count("\n") == 1, (argv, err)
    if code == 0 and json_output:
        json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} in -o json"))


def write_file(name: str, value: Any, form: str) -> str:
    path = WORK / name
    path.write_text(json.dumps(value) if form == "json" else yaml.safe_dump(value))
    return str(path)


NODES = [
    {
        "kind": "Node",
        "metadata": {"name": "node-1"},
        "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}},
    }
]


@FUZZ
@given(ANY_INPUT, events_scripts(), st.sampled_from(["json", "yaml"]))
def test_every_command_exits_0_1_or_2_with_one_line(pod: Any, events: list[Any], form: str) -> None:
    pod_file = write_file(f"pod.{form}", pod, form)
    events_file = write_file(f"events.{form}", events, form)
    nodes_file = write_file("nodes.json", NODES, "json")
    cases_file = write_file(
        "cases.json",
        [{"id": "fuzz", "pod": pod, "context": {"function": "getPhase"}, "expect": {"phase": "Running"}}],
        "json",
    )
    check_cli(["status", pod_file])
    check_cli(["status", "-o", "wide", "--now", "2024-06-01T00:00:00Z", pod_file])
    check_cli(["status", "-o", "json", pod_file], json_output=True)
    check_cli(["simulate", pod_file, events_file])
    check_cli(["simulate", pod_file, events_file, "-o", "json", "--no-admission"], json_output=True)
    check_cli(["simulate", pod_file, events_file, "--nodes", nodes_file, "-o", "json"], json_output=True)
    check_cli(["schedule", pod_file, "--nodes", nodes_file])
    check_cli(["check", "--exhaustive", "--max-states", "20", "--max-depth", "3", pod_file])
    check_cli(["conformance", cases_file])


@FUZZ
@given(st.lists(st.text(max_size=8), min_size=1, max_size=3), st.sampled_from(["svg", "dot", "png,dot", "x"]))
def test_diagram_and_examples_exit_0_or_2(names: list[str], fmt: str) -> None:
    out_dir = str(WORK / "diagrams")
    check_cli(["diagram", "--out", out_dir, "--format", fmt, "--only", *names])


def test_the_fuzz_starts_from_real_pods_that_load() -> None:
    """The mutated pods start from real ones, each of which loads and gets an answer."""
    assert len(REAL_PODS) >= 10
    for pod in REAL_PODS:
        assert load_pod_dicts(json.dumps(pod)) == [pod]
        assert pod_phase(pod) in ("Pending", "Running", "Succeeded", "Failed")
