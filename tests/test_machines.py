"""The machine tables: their import-time checks, their rows, and the restart-policy table."""

from __future__ import annotations

import pytest
from transitions import MachineError

from podfsm.errors import DefinitionError
from podfsm.model.machines import ALL_MACHINES, CONTAINER_MACHINE, PHASE_MACHINE, RESTART_POLICY_TABLE
from podfsm.model.machines.base import (
    MachineDef,
    Row,
    State,
    build_machine,
    check_definition,
    definition_problems,
)
from podfsm.model.machines.restart_policy import Action, decide, would_restart
from podfsm.model.spec import compile_spec
from podfsm.vocab import ContainerRole, Phase, RestartPolicy


def _guard(_: object) -> bool:
    """Always true."""
    return True


def _defn(rows: tuple[Row, ...], states: tuple[State, ...] | None = None) -> MachineDef:
    states = states or (State("A", "a"), State("B", "b"), State("C", "c", terminal=True))
    return MachineDef("t", "T", "test", states, "A", rows, {"g": _guard, "h": _guard})


def test_every_shipped_machine_passes_its_checks() -> None:
    for defn in ALL_MACHINES:
        assert definition_problems(defn) == [], defn.name


def test_unreachable_and_trap_states_are_reported_together() -> None:
    defn = _defn((Row("go", "A", "C", (), "a to c"),))
    with pytest.raises(DefinitionError) as err:
        check_definition(defn)
    assert "unreachable states ['B']" in str(err.value)
    assert "trap state 'B'" in str(err.value)


def test_terminal_state_with_an_exit_is_reported() -> None:
    defn = _defn((Row("go", "A", "B", (), "x"), Row("go", "B", "C", (), "x"), Row("back", "C", "A", (), "x")))
    with pytest.raises(DefinitionError, match="terminal state 'C' has exits"):
        check_definition(defn)


def test_shadowed_row_is_reported_as_ambiguous() -> None:
    rows = (
        Row("go", "A", "B", ("g",), "x"),
        Row("go", "A", "C", ("g", "h"), "never fires: the first row needs a subset of its guards"),
        Row("go", "B", "C", (), "x"),
    )
    with pytest.raises(DefinitionError, match="ambiguous rows"):
        check_definition(_defn(rows))


def test_unknown_guard_and_missing_doc_are_reported() -> None:
    rows = (Row("go", "A", "B", ("nope",), ""), Row("go", "B", "C", (), "x"))
    problems = definition_problems(_defn(rows))
    assert any("unknown guard 'nope'" in p for p in problems)
    assert any("has no doc line" in p for p in problems)


def test_built_machines_have_no_auto_transitions_and_raise_on_invalid_triggers() -> None:
    """style.md: transitions' defaults add to_<state>() and ignore invalid triggers; podfsm turns both off."""

    class M:
        state: str

    m = M()
    build_machine(PHASE_MACHINE, m)
    assert not hasattr(m, "to_Running")
    m.state = "Succeeded"
    with pytest.raises(MachineError):
        m.sync(None)  # type: ignore[attr-defined]


def test_terminal_phases_are_absorbing_in_the_table() -> None:
    for row in PHASE_MACHINE.rows:
        assert not set(row.sources) & {Phase.SUCCEEDED, Phase.FAILED}, row


def test_every_row_names_its_upstream_source() -> None:
    for defn in ALL_MACHINES:
        for row in defn.rows:
            assert row.upstream.startswith("pkg/"), (defn.name, row)


def test_container_states_use_kubernetes_spelling() -> None:
    assert set(CONTAINER_MACHINE.state_names) == {
        "Waiting",
        "ImagePullBackOff",
        "Running",
        "Killing",
        "Terminated",
        "CrashLoopBackOff",
    }


def _container(policy: str | None = None, init: bool = False, rules: list[dict[str, object]] | None = None):  # type: ignore[no-untyped-def]
    c: dict[str, object] = {"name": "c", "image": "i"}
    if policy:
        c["restartPolicy"] = policy
    if rules:
        c["restartPolicyRules"] = rules
    spec: dict[str, object] = {"containers": [{"name": "x", "image": "i"}]}
    if init:
        spec["initContainers"] = [c]
    else:
        spec["containers"] = [c]
    return compile_spec({"spec": spec}).all_containers[0]


@pytest.mark.parametrize("row", RESTART_POLICY_TABLE, ids=lambda r: f"{r.role}-{r.policy}-{r.ending}")
def test_each_policy_row_is_what_decide_returns(row) -> None:  # type: ignore[no-untyped-def]
    """Each row of the table, exercised through decide() (ShouldContainerBeRestarted / computePodActions)."""
    if row.role is ContainerRole.SIDECAR:
        c = _container("Always", init=True)
        pod_policy = RestartPolicy.NEVER
    elif row.role is ContainerRole.INIT:
        c = _container(init=True)
        pod_policy = row.policy
    else:
        c = _container()
        pod_policy = row.policy
    code = {"exit 0": 0, "exit != 0": 1, "killed by probe": 0}[row.ending]
    assert decide(c, pod_policy, code, probe_kill=row.ending == "killed by probe") is row.action


def test_container_policy_overrides_pod_policy() -> None:
    """pkg/api/v1/pod/util.go:ContainerShouldRestart: the container's own restartPolicy wins."""
    assert would_restart(_container("Always"), RestartPolicy.NEVER, 0)
    assert not would_restart(_container("Never"), RestartPolicy.ALWAYS, 1)
    assert would_restart(_container("OnFailure"), RestartPolicy.NEVER, 3)


def test_restart_rule_matching_first_wins() -> None:
    """ContainerShouldRestart: the first matching restartPolicyRules entry with action Restart restarts."""
    rules = [{"action": "Restart", "exitCodes": {"operator": "In", "values": [42]}}]
    c = _container("Never", rules=rules)
    assert would_restart(c, RestartPolicy.NEVER, 42)
    assert not would_restart(c, RestartPolicy.NEVER, 1)
    notin = _container(
        "Never", rules=[{"action": "Restart", "exitCodes": {"operator": "NotIn", "values": [0]}}]
    )
    assert would_restart(notin, RestartPolicy.NEVER, 7)
    assert not would_restart(notin, RestartPolicy.NEVER, 0)


def test_rules_are_ignored_without_a_container_policy() -> None:
    """ContainerShouldRestart consults rules only when the container has its own restartPolicy."""
    c = _container(rules=[{"action": "Restart", "exitCodes": {"operator": "In", "values": [42]}}])
    assert not would_restart(c, RestartPolicy.NEVER, 42)


def test_init_failure_under_never_kills_the_pod() -> None:
    assert decide(_container(init=True), RestartPolicy.NEVER, 1, False) is Action.KILL_POD
    assert decide(_container(init=True), RestartPolicy.ON_FAILURE, 1, False) is Action.RESTART
