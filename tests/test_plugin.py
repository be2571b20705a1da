"""Another project's test suite uses podfsm's pytest plugin and Hypothesis strategies, with no setup.

Installing podfsm registers ``podfsm.verifier.pytest_plugin`` (pytest's ``pytest11`` entry point) and
``podfsm.verifier.strategies:_hypothesis_setup_hook`` (Hypothesis' ``hypothesis`` entry point); the
tests below run a separate pytest process in a fresh directory, as another project would.
"""

from __future__ import annotations

import importlib.metadata

import pytest

pytest_plugins = ["pytester"]

OTHER_PROJECT = """
from hypothesis import given, settings, strategies as st

from podfsm.api import Pod
from podfsm.oracle import kubectl_columns, pod_phase
from podfsm.verifier.strategies import event_scripts, pod_specs, pods_with_status

WEB = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web"},
    "spec": {"restartPolicy": "Always", "containers": [{"name": "app", "image": "nginx:1.27"}]},
}


def test_pod_model_fixture(pod_model):
    model = pod_model(WEB)
    model.apply({"type": "Scheduled", "node": "node-1"})
    model.apply({"type": "ContainerStarted", "container": "app"})
    assert model.phase == "Running"


def test_lockstep_beside_my_system(pod_lockstep):
    mine = {"phase": "Pending"}  # a stand-in for the system under test
    run = pod_lockstep(WEB)
    for event in ({"type": "Scheduled", "node": "node-1"}, {"type": "ContainerStarted", "container": "app"}):
        expected = run.apply(event)
        mine["phase"] = "Running" if event["type"] == "ContainerStarted" else "Pending"
        assert mine["phase"] == expected["status"]["phase"]
    assert len(run.events) == 2


def test_the_registry_fixture(podfsm_invariants):
    assert "terminal-phase-absorbing" in podfsm_invariants


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_strategies_drive_my_code(data):
    pod = data.draw(pod_specs(max_regular=2))
    script = data.draw(event_scripts(pod, max_size=8))
    assert all("type" in e for e in script)


@settings(max_examples=25, deadline=None)
@given(pods_with_status())
def test_my_reader_of_pods(pod):
    assert pod_phase(pod) in ("Pending", "Running", "Succeeded", "Failed")
    assert kubectl_columns(pod).ready.count("/") == 1


@settings(max_examples=10, deadline=None)
@given(st.from_type(Pod))
def test_from_type_knows_pods(pod):
    assert isinstance(pod, Pod) and pod.status.phase
"""

CAUGHT = """
from podfsm.verifier.invariants import Invariant


def never_running(t):
    return "the pod runs" if t.after.phase == "Running" else None


def test_a_violation_fails_with_the_script(pod_lockstep):
    run = pod_lockstep(
        {"metadata": {"name": "web"}, "spec": {"containers": [{"name": "app", "image": "nginx"}]}},
        invariants=[Invariant("never-running", "Never Running.", "a test", "state", never_running)],
    )
    run.apply({"type": "Scheduled", "node": "node-1"})
    run.apply({"type": "ContainerStarted", "container": "app"})
"""


def test_entry_points_are_registered() -> None:
    pytest11 = {e.name: e.value for e in importlib.metadata.entry_points(group="pytest11")}
    assert pytest11.get("podfsm") == "podfsm.verifier.pytest_plugin"
    hooks = {e.name: e.value for e in importlib.metadata.entry_points(group="hypothesis")}
    assert hooks.get("podfsm") == "podfsm.verifier.strategies:_hypothesis_setup_hook"


def test_another_projects_suite_uses_the_fixtures_and_strategies(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_other_project=OTHER_PROJECT)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)


def test_a_lockstep_violation_fails_the_test_with_a_replayable_script(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_caught=CAUGHT)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*InvariantViolated: invariant never-running violated: the pod runs",
            "*replay with `podfsm simulate pod.json events.json` (2 events):",
            '*{"type": "ContainerStarted", "container": "app"}',
        ]
    )


def test_the_plugin_can_be_disabled(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_uses=OTHER_PROJECT)
    result = pytester.runpytest_subprocess("-q", "-p", "no:podfsm", "-p", "no:cacheprovider", "-k", "fixture")
    result.stdout.fnmatch_lines(["*fixture 'pod_model' not found*"])
