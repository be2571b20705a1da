"""The state diagrams: drawn from the machines, on transitions' graphviz engine, deterministic, committed.

The committed ``diagrams/*.dot`` must equal what the code generates, byte for byte. So must the
``diagrams/*.svg``, whenever this machine renders like the one that wrote them (same Graphviz
version and text metrics, recorded in each SVG); otherwise the SVG comparison is skipped with a
message saying why, and the DOT comparison still catches any stale diagram.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import graphviz
import pytest
from transitions.extensions import diagrams_graphviz

import podfsm
from podfsm import diagrams
from podfsm.cli import diagram as diagram_cli
from podfsm.diagrams import DIAGRAMS, DiagramError, build, render
from podfsm.errors import UsageError
from podfsm.model.machines import CONDITION_MACHINES, CONTAINER_MACHINE, PHASE_MACHINE
from podfsm.model.machines.base import MachineDef
from podfsm.vocab import Phase

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "diagrams"
_EDGE = re.compile(r'^\t+("(?:[^"\\]|\\.)*"|\S+) -> ("(?:[^"\\]|\\.)*"|\S+) \[(.*)\]$', re.M)
_NODE = re.compile(r'^\t+("(?:[^"\\]|\\.)*"|\w+) \[label="((?:[^"\\]|\\.)*)"', re.M)


def _unquote(s: str) -> str:
    return s[1:-1].replace('\\"', '"') if s.startswith('"') else s


def edges(dot: str) -> dict[tuple[str, str], list[str]]:
    """``(source, dest) -> label lines`` of a DOT text written by graphviz."""
    out: dict[tuple[str, str], list[str]] = {}
    for m in _EDGE.finditer(dot):
        label = re.search(r'label=("(?:[^"\\]|\\.)*"|\S+)', m.group(3))
        text = _unquote(label.group(1)) if label else ""
        out[(_unquote(m.group(1)), _unquote(m.group(2)))] = diagrams.unwrap_label(text)
    return out


def node_labels(dot: str) -> dict[str, str]:
    return {_unquote(m.group(1)): re.sub(r"\\[ln]", "\n", m.group(2)).strip() for m in _NODE.finditer(dot)}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("diagrams")
    diagrams.write_diagrams(out, ("svg", "dot"))
    return out


# ----------------------------------------------------------------------------- committed files


def test_every_diagram_is_committed_and_nothing_else(generated: Path) -> None:
    want = sorted(p.name for p in generated.iterdir())
    have = sorted(p.name for p in COMMITTED.iterdir() if p.suffix in (".svg", ".dot"))
    assert have == want, "diagrams/ is out of date: run `make diagrams`"


@pytest.mark.parametrize("name", list(DIAGRAMS))
def test_committed_dot_is_current(name: str, generated: Path) -> None:
    committed = COMMITTED / f"{name}.dot"
    assert committed.exists(), f"diagrams/{name}.dot is missing: run `make diagrams`"
    assert committed.read_bytes() == (generated / f"{name}.dot").read_bytes(), (
        f"diagrams/{name}.dot is stale: the machines changed; run `make diagrams`"
    )


@pytest.mark.parametrize("name", list(DIAGRAMS))
def test_committed_svg_is_current(name: str, generated: Path) -> None:
    committed = COMMITTED / f"{name}.svg"
    assert committed.exists(), f"diagrams/{name}.svg is missing: run `make diagrams`"
    data = committed.read_bytes()
    recorded = diagrams.svg_renderer(data)
    assert recorded is not None, f"diagrams/{name}.svg does not say how it was rendered: run `make diagrams`"
    if recorded != diagrams.renderer_id():
        pytest.skip(
            f"diagrams/{name}.svg was rendered by {recorded}, this machine renders with "
            f"{diagrams.renderer_id()}: only its DOT source is compared here"
        )
    assert data == (generated / f"{name}.svg").read_bytes(), (
        f"diagrams/{name}.svg is stale: run `make diagrams`"
    )


# ----------------------------------------------------------------------------- determinism


def test_two_builds_give_the_same_bytes() -> None:
    for name in ("container-state", "composed-init-OnFailure", "run-crash-loop"):
        first, second = build(name), build(name)
        assert first.source == second.source
        assert render(first, "svg") == render(second, "svg")
    png = build("pod-phase")
    assert render(png, "png") == render(png, "png")
    assert render(png, "png").startswith(b"\x89PNG\r\n\x1a\n")


def test_dot_does_not_depend_on_hash_seed() -> None:
    code = "from podfsm.diagrams import build; print(build('composed-init-Always').source, end='')"
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1
    assert outputs == {build("composed-init-Always").source}


def test_svg_has_no_environment_noise() -> None:
    svg = render(build("pod-phase"), "svg").decode()
    assert "Generated by graphviz version" not in svg
    assert f"<!-- renderer: {diagrams.renderer_id()} -->" in svg
    assert re.search(r"\b20\d\d-\d\d-\d\d", svg) is None  # no dates


# ----------------------------------------------------------------------------- the engine


def test_machines_are_drawn_by_transitions_graphviz_engine() -> None:
    canvas = diagrams._Canvas()
    machine = podfsm.model.machines.build_machine(
        PHASE_MACHINE, canvas, machine_cls=diagrams.DiagramMachine, graph_engine="graphviz"
    )
    assert issubclass(machine.graph_cls, diagrams_graphviz.Graph)
    assert isinstance(build("pod-phase"), graphviz.Digraph)


def test_no_silent_fallback_to_mermaid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diagrams_graphviz, "pgv", None)  # as if the graphviz package were missing
    with pytest.raises(DiagramError, match="graphviz"):
        build("pod-phase")


def test_other_engines_are_refused() -> None:
    with pytest.raises(DiagramError, match="mermaid"):
        podfsm.model.machines.build_machine(
            PHASE_MACHINE, diagrams._Canvas(), machine_cls=diagrams.DiagramMachine, graph_engine="mermaid"
        )


def test_missing_dot_program_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(DiagramError, match="Graphviz's 'dot' program"):
        render(build("pod-phase"), "svg")


# ----------------------------------------------------------------------------- what is drawn


def _plain_rows(defn: MachineDef) -> list[tuple[str, str, str]]:
    return [(str(s), str(r.dest), r.label) for r in defn.rows for s in r.sources]


@pytest.mark.parametrize(
    ("name", "defn"), [("pod-phase", PHASE_MACHINE), ("container-state", CONTAINER_MACHINE)]
)
def test_every_row_is_an_edge_with_its_guards(name: str, defn: MachineDef) -> None:
    drawn = edges(build(name).source)
    for src, dest, label in _plain_rows(defn):
        assert label in drawn.get((src, dest), []), f"{name}: row {label} {src} -> {dest} is not drawn"
    assert sum(len(v) for k, v in drawn.items() if not k[0].startswith("__start")) == len(
        set(_plain_rows(defn))
    ), f"{name} has edges that are not rows"


def test_guards_appear_by_name() -> None:
    rows = [row for labels in edges(build("container-state").source).values() for row in labels]
    assert "back_off [policy_restarts]" in rows
    assert "restart [policy_restarts, backoff_allows_now]" in rows
    rows = [row for labels in edges(build("pod-phase").source).values() for row in labels]
    assert "sync [initialized, some_running_none_unknown]" in rows


def test_long_edge_labels_wrap_at_spaces_only() -> None:
    """Edge text wraps to stay narrow, never inside an identifier, and unwraps to the row's label."""
    label = "ContainerExited exitCode=1 → restart [policy_restarts, backoff_allows_now]"
    wrapped = diagrams.wrap_label(label, 20)
    lines = wrapped.split("\\l")[:-1]
    assert len(lines) > 1 and all(len(line) <= 20 or " " not in line.strip() for line in lines)
    assert {w for line in lines for w in line.split()} == set(label.split())
    assert diagrams.unwrap_label(wrapped + diagrams.wrap_label("kill", 20)) == [label, "kill"]
    for name in ("pod-phase", "container-state", "composed-init-Always"):
        for m in _EDGE.finditer(build(name).source):
            text = re.search(r'label=("(?:[^"\\]|\\.)*"|\S+)', m.group(3))
            for line in re.split(r"\\[lnr]", _unquote(text.group(1)) if text else ""):
                assert len(line) <= diagrams.LABEL_WIDTH or " " not in line.strip(), (name, line)


def test_states_carry_kubernetes_spelling() -> None:
    phase = node_labels(build("pod-phase").source)
    assert {v for k, v in phase.items() if not k.startswith("__")} == {
        p.value for p in Phase if p is not Phase.UNKNOWN
    }
    assert "PENDING" not in build("pod-phase").source
    svg = render(build("container-state"), "svg").decode()
    for state in ("Waiting", "Running", "Terminated", "CrashLoopBackOff", "ImagePullBackOff", "Killing"):
        assert f">{state}</text>" in svg


def test_conditions_diagram_has_a_box_per_condition_type() -> None:
    dot = build("conditions").source
    rows = [row for labels in edges(dot).values() for row in labels]
    labels = node_labels(dot)
    for ctype, defn in CONDITION_MACHINES.items():
        owner = defn.rows[0].upstream.rsplit(":", 1)[-1]
        assert f'label="{ctype} ({owner})"' in dot  # the box names the function that computes it
        for r in defn.rows:
            assert r.label in rows
        for state in defn.states:
            if state.name != defn.initial:  # what makes it True / False, in the state's box
                assert " ".join(labels[f"{ctype}.{state.name}"].split()) == f"{state.name} {state.doc}"
    assert dot.count("subgraph cluster_") == len(CONDITION_MACHINES)
    boxes = re.findall(r'label="(\w+) \(', dot)
    assert boxes == list(reversed(diagrams.CONDITION_ORDER))  # drawn bottom up: reads top down


def test_composed_diagrams_cover_each_policy() -> None:
    for policy in ("Always", "OnFailure", "Never"):
        for init in ("", "init-"):
            assert f"composed-{init}{policy}" in DIAGRAMS
    never = node_labels(build("composed-Never").source)
    always = node_labels(build("composed-Always").source)
    assert "CrashLoopBackOff" in always.values()
    assert "CrashLoopBackOff" not in never.values()  # Never does not restart
    assert "Terminated/Succeeded" in never and "Terminated/Failed" in never
    assert "Terminated/Succeeded" not in always  # Always never succeeds on its own ...
    assert "Terminated/Succeeded/deleted" in always  # ... only when deleted after exiting 0
    init = edges(build("composed-init-Never").source)
    start_app = [k for k, labels in init.items() if any(x.startswith("ContainerStarted app") for x in labels)]
    assert start_app and all(k[0].startswith("init=Terminated,") for k in start_app)  # init runs first


def test_sequencing_diagram_orders_init_sidecar_app() -> None:
    drawn = edges(build("init-sidecar-sequencing").source)
    firsts = {}
    for (src, _), labels in drawn.items():
        for label in labels:
            if label.startswith("ContainerStarted "):
                firsts.setdefault(label.split()[1], []).append(src)
    assert all(s.startswith("init=Waiting,sidecar=Waiting,app=Waiting") for s in firsts["init"])
    assert all(s.startswith("init=Terminated,sidecar=Waiting,") for s in firsts["sidecar"])
    assert all(s.startswith("init=Terminated,sidecar=Running,") for s in firsts["app"])


# ----------------------------------------------------------------------------- the command


def _cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    diagram_cli.add_arguments(parser)
    return diagram_cli.run(parser.parse_args(argv))


def test_cli_writes_the_requested_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli("--out", str(tmp_path), "--format", "dot,png", "--only", "pod-phase") == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pod-phase.dot", "pod-phase.png"]
    assert (tmp_path / "pod-phase.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "pod-phase.dot").read_text() == build("pod-phase").source
    assert "pod-phase.dot" in capsys.readouterr().out


def test_cli_lists_the_diagrams(capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli("--list") == 0
    names = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert names == list(DIAGRAMS)
    assert {"pod-phase", "container-state", "conditions"} <= set(names)


def test_cli_rejects_unknown_names(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no diagram named 'pod-fase'"):
        _cli("--out", str(tmp_path), "--only", "pod-fase")
    with pytest.raises(SystemExit):
        _cli("--format", "gif")


# ----------------------------------------------------------------------------- draw_run

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web"},
    "spec": {"restartPolicy": "Always", "containers": [{"name": "app", "image": "app:1"}]},
}
RUN = [
    {"type": "Scheduled", "node": "node-1"},
    {"type": "ContainerStarted", "container": "app"},
    {"type": "ContainerExited", "container": "app", "exitCode": 1},
    {"type": "ContainerStarted", "container": "app"},
    {"type": "ContainerExited", "container": "app", "exitCode": 1},
]


def test_draw_run_numbers_the_path(tmp_path: Path) -> None:
    steps = podfsm.simulate(POD, RUN)
    out = diagrams.draw_run(steps, tmp_path / "run.dot")
    dot = out.read_text()
    drawn = edges(dot)
    assert drawn[("Waiting/Pending", "Waiting/Pending")] == ["1. Scheduled"]
    assert drawn[("Waiting/Pending", "Running/Running")] == ["2. ContainerStarted [kubelet_starts_it]"]
    assert drawn[("Running/Running", "Waiting/Running")] == [
        "3. ContainerExited exitCode=1 → restart [policy_restarts, backoff_allows_now]"
    ]
    assert drawn[("Running/Running", "CrashLoopBackOff/Running")] == [
        "5. ContainerExited exitCode=1 → back_off [policy_restarts]"
    ]
    labels = node_labels(dot)
    assert labels["Running/Running"] == "Running\n(2, 4)"
    assert labels["CrashLoopBackOff/Running"] == "CrashLoopBackOff\n(5)"
    assert "Terminated/Failed/deleted" in labels  # context: where the pod could also have gone
    assert dot.count("#1f5fbf") >= 5  # visited nodes and edges are highlighted


def test_draw_run_writes_svg_and_png(tmp_path: Path) -> None:
    steps = podfsm.simulate(POD, RUN)
    svg = diagrams.draw_run(steps, tmp_path / "run.svg").read_text()
    assert svg.startswith("<?xml") and ">5. ContainerExited" in svg  # edge text wraps: a line per <text>
    png = diagrams.draw_run(steps, tmp_path / "run.png", context=False).read_bytes()
    assert png.startswith(b"\x89PNG")


def test_draw_run_refuses_unknown_formats_and_needs_a_pod(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"\.svg, \.png or \.dot"):
        diagrams.draw_run(podfsm.simulate(POD, RUN[:1]), tmp_path / "run.gif")
    with pytest.raises(UsageError, match="needs the pod"):
        diagrams.draw_run([], tmp_path / "run.svg")
    out = diagrams.draw_run([], tmp_path / "start.dot", pod=POD, context=False)
    assert node_labels(out.read_text())["Waiting/Pending"] == "Waiting\n(0)"


def test_draw_run_of_an_illegal_run_draws_the_steps_before_it(tmp_path: Path) -> None:
    with pytest.raises(podfsm.IllegalEvent) as info:
        podfsm.simulate(POD, [*RUN[:2], {"type": "ContainerStarted", "container": "app"}])
    steps = info.value.steps  # type: ignore[attr-defined]
    dot = diagrams.draw_run(steps, tmp_path / "partial.dot").read_text()
    assert "2. ContainerStarted" in dot and "3." not in dot
