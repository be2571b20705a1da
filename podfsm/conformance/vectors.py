"""Language-neutral test vectors: the oracle cases and simulation vectors, in versioned JSON files.

``podfsm vectors --out DIR`` writes (the format is documented in ``docs/vectors.md``)::

    DIR/manifest.json            {"format": "podfsm-vectors", "version": 1, "podfsm": "...",
                                  "files": {...}, "coverage": {...}}
    DIR/oracle/<name>.json       oracle cases in the conformance format (``conformance/README.md``)
    DIR/simulation/<name>.json   a JSON array of simulation vectors
    DIR/schema/*.schema.json     JSON Schemas generated from the pydantic models below

A **simulation vector** is a pod manifest and an event script; each step gives the event and
either ``expect`` (the whole pod object the kubelet publishes after it, as ``podfsm simulate -o
json`` prints it) or ``"rejected": true`` (the event cannot happen then: an implementation must
refuse it and leave the pod as it was; the next step starts from the same pod). As in
ethereum's consensus-spec tests, a missing ``expect`` means "must be rejected".

Two sources: the built-in example scenarios (``podfsm/examples``, reviewed against Kubernetes),
and a breadth-first exploration of the standard bounded pods
(:data:`~podfsm.verifier.configurations.STANDARD_CONFIGURATIONS`) that keeps, for every row of
every transition table (the container-state, pod-phase and condition machines and the
restart-policy table), the shortest event script that fires it, ending with an event the model
refuses there. :func:`coverage` says which rows the vectors fire; every row is covered.

Output is deterministic: the same podfsm writes byte-identical files, each atomically.
"""

from __future__ import annotations

import contextlib
import json
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from podfsm import _io
from podfsm.errors import IllegalEvent

__all__ = [
    "FORMAT",
    "VERSION",
    "SimulationStep",
    "SimulationVector",
    "VectorManifest",
    "all_rows",
    "bundled_cases_dir",
    "bundled_vectors",
    "coverage",
    "exploration_vectors",
    "replay",
    "scenario_vectors",
    "schemas",
    "write_vectors",
]

FORMAT = "podfsm-vectors"
VERSION = 1
"""The vector format's version: bumped when a field changes meaning or a required field is added."""

_MAX_STATES = 150  # states explored per configuration when looking for uncovered rows


# --------------------------------------------------------------------------------------------
# The format, as pydantic models (the JSON Schemas are generated from them)


class SimulationStep(BaseModel):
    """One step: an event, and the pod after it or ``rejected``."""

    model_config = ConfigDict(extra="forbid")

    event: dict[str, Any] = Field(description="a lifecycle event (docs/events.md), with its 'type'")
    expect: dict[str, Any] | None = Field(
        default=None,
        description="the whole pod object (Kubernetes v1 JSON) the kubelet publishes after the event",
    )
    rejected: bool = Field(
        default=False,
        description="true: the event cannot happen now; it must be refused and change nothing",
    )


class SimulationVector(BaseModel):
    """A pod manifest and an event script with the pod expected after every step."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="unique within the vector set")
    source: str = Field(description="where the behaviour comes from: a scenario or the row(s) it covers")
    pod: dict[str, Any] = Field(description="the pod manifest (its status is ignored)")
    steps: list[SimulationStep]
    rows: list[str] = Field(
        default_factory=list, description="the transition-table rows this vector fires (machine:index)"
    )


class VectorManifest(BaseModel):
    """``manifest.json``: what the vector set is and what it holds."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["podfsm-vectors"]
    version: int
    podfsm: str
    reference: str = Field(description="the Kubernetes behaviour the vectors pin")
    files: dict[str, list[str]] = Field(description="kind (oracle, simulation, schema) -> file paths")
    counts: dict[str, int]
    coverage: dict[str, list[str]] = Field(description="table -> rows not covered (empty when all are)")


def schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schemas of the vector files, by file name."""
    array = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "podfsm simulation vectors",
        "type": "array",
        "items": SimulationVector.model_json_schema(),
    }
    manifest = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **VectorManifest.model_json_schema(),
    }
    return {"simulation.schema.json": array, "manifest.schema.json": manifest}


# --------------------------------------------------------------------------------------------
# Which rows fire


def all_rows() -> dict[str, list[str]]:
    """Every row of every transition table, as ``table:index`` ids, by table."""
    from podfsm.model.machines import CONDITION_MACHINES, CONTAINER_MACHINE, PHASE_MACHINE
    from podfsm.model.machines.restart_policy import RESTART_POLICY_TABLE

    out = {
        CONTAINER_MACHINE.name: [f"{CONTAINER_MACHINE.name}:{i}" for i in range(len(CONTAINER_MACHINE.rows))],
        PHASE_MACHINE.name: [f"{PHASE_MACHINE.name}:{i}" for i in range(len(PHASE_MACHINE.rows))],
    }
    for ctype, defn in CONDITION_MACHINES.items():
        out[f"conditions-{ctype}"] = [f"conditions-{ctype}:{i}" for i in range(len(defn.rows))]
    out["restart-policy"] = [f"restart-policy:{i}" for i in range(len(RESTART_POLICY_TABLE))]
    return out


@contextlib.contextmanager
def _recording() -> Iterator[list[str]]:
    """Record the ids of the table rows the model fires while the block runs."""
    from transitions.core import Transition

    from podfsm.model.machines import CONDITION_MACHINES, CONTAINER_MACHINE, PHASE_MACHINE
    from podfsm.model.machines import restart_policy as rp

    fired: list[str] = []
    by_guard = {}
    tables = [(CONTAINER_MACHINE.name, CONTAINER_MACHINE), (PHASE_MACHINE.name, PHASE_MACHINE)]
    tables += [(f"conditions-{t}", d) for t, d in CONDITION_MACHINES.items()]
    for _, defn in tables:
        by_guard[id(defn)] = {id(fn): name for name, fn in defn.guards.items()}

    def table_of(model: Any) -> tuple[str, Any]:
        ctype = getattr(model, "ctype", None)
        if ctype is not None:
            return f"conditions-{ctype}", CONDITION_MACHINES[ctype]
        if hasattr(model, "records") or type(model).__name__ == "_PhaseRecord":
            return PHASE_MACHINE.name, PHASE_MACHINE
        return CONTAINER_MACHINE.name, CONTAINER_MACHINE

    original = Transition.execute
    original_lookup = rp.lookup

    def execute(self: Any, event_data: Any) -> bool:
        ok = bool(original(self, event_data))
        if ok:
            name, defn = table_of(event_data.model)
            guards = {by_guard[id(defn)].get(id(c.func), str(c.func)) for c in self.conditions}
            for i, row in enumerate(defn.rows):
                if (
                    row.trigger == event_data.event.name
                    and str(self.source) in (str(s) for s in row.sources)
                    and str(row.dest) == str(self.dest)
                    and set(row.guards) == guards
                ):
                    fired.append(f"{name}:{i}")
                    break
        return ok

    def lookup(*args: Any, **kwargs: Any) -> Any:
        row = original_lookup(*args, **kwargs)
        fired.append(f"restart-policy:{rp.RESTART_POLICY_TABLE.index(row)}")
        return row

    Transition.execute = execute  # type: ignore[method-assign]
    rp.lookup = lookup
    try:
        yield fired
    finally:
        Transition.execute = original  # type: ignore[method-assign]
        rp.lookup = original_lookup


# --------------------------------------------------------------------------------------------
# Generating vectors


def _vector(
    vid: str, source: str, pod: Mapping[str, Any], events: Sequence[Mapping[str, Any]]
) -> SimulationVector:
    """Run ``events`` on ``pod`` and record what is published after each, or that it was refused."""
    from podfsm.model.pod import PodModel

    steps: list[SimulationStep] = []
    with _recording() as fired:
        model = PodModel(pod, source=vid)  # the first sync's rows (a bound pod's first report) count
        for ev in events:
            try:
                state = model.apply(dict(ev))
            except IllegalEvent:
                steps.append(SimulationStep(event=dict(ev), rejected=True))
                continue
            steps.append(SimulationStep(event=dict(ev), expect=model.render(state)))
    rows = sorted(set(fired), key=_row_key)
    return SimulationVector(id=vid, source=source, pod=dict(pod), steps=steps, rows=rows)


def _row_key(row: str) -> tuple[str, int]:
    table, _, index = row.rpartition(":")
    return table, int(index)


def scenario_vectors() -> list[SimulationVector]:
    """One vector per built-in example scenario (its events, illegal ones marked rejected)."""
    from podfsm.examples import load_scenarios

    out = []
    for sc in load_scenarios():
        events = [s["event"] for s in sc.steps]
        out.append(_vector(f"scenario-{sc.name}", f"{sc.title} ({sc.source})", sc.pod, events))
    return out


def exploration_vectors(covered: set[str] | None = None) -> list[SimulationVector]:
    """For each row not in ``covered``, the shortest script (over the standard bounded pods) that
    fires it, ending with an event the model refuses in the state reached."""
    from podfsm.model.pod import PodModel
    from podfsm.verifier.configurations import STANDARD_CONFIGURATIONS
    from podfsm.verifier.explorer import EventCatalogue

    wanted = {r for rows in all_rows().values() for r in rows} - set(covered or ())
    out: list[SimulationVector] = []
    for config in (*STANDARD_CONFIGURATIONS, *_EXTRA_CONFIGURATIONS):
        if not wanted:
            break
        with _recording() as fired:
            model = PodModel(config.manifest, source=config.name)
        if wanted & set(fired):
            wanted -= set(fired)
            vid = f"explore-{config.name}-created"
            out.append(_vector(vid, f"exploration of {config.name}: {config.doc}", config.manifest, []))
        catalogue = EventCatalogue(model, config.bounds)
        root = model.snapshot()
        queue: deque[tuple[Any, tuple[dict[str, Any], ...]]] = deque([(root, ())])
        seen = {root}
        while queue and wanted and len(seen) < _MAX_STATES:
            state, script = queue.popleft()
            model.restore(state)
            for ev in [*catalogue.candidates(model), *_extra_events(model)]:
                with _recording() as fired:
                    try:
                        after = model.apply(ev)
                    except IllegalEvent:
                        continue
                new = wanted & set(fired)
                path = (*script, ev if isinstance(ev, dict) else ev.to_dict())
                if new:
                    wanted -= new
                    refused = _refused_event(model, catalogue)
                    events = [*path, *([refused] if refused else [])]
                    vid = f"explore-{config.name}-{'-'.join(sorted(new, key=_row_key)[0].split(':'))}"
                    out.append(
                        _vector(vid, f"exploration of {config.name}: {config.doc}", config.manifest, events)
                    )
                model.restore(state)
                if after not in seen:
                    seen.add(after)
                    queue.append((after, path))
    return out


def _extra_configuration(name: str, doc: str, spec: dict[str, Any]) -> Any:
    from podfsm.verifier.configurations import Configuration

    meta = {"name": name, "namespace": "default"}
    return Configuration(name, {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}, doc)


_APP = {"name": "app", "image": "registry.example/app:1"}
_EXTRA_CONFIGURATIONS = (
    _extra_configuration(
        "always-post-start",
        "one container with a postStart hook, restartPolicy Always",
        {
            "restartPolicy": "Always",
            "containers": [{**_APP, "lifecycle": {"postStart": {"exec": {"command": ["true"]}}}}],
        },
    ),
    _extra_configuration(
        "always-bound",
        "one container, already bound to a node (spec.nodeName), restartPolicy Always",
        {"restartPolicy": "Always", "nodeName": "node-1", "containers": [_APP]},
    ),
    _extra_configuration(
        "never-init-bound",
        "an init container and one container, bound, restartPolicy Never",
        {
            "restartPolicy": "Never",
            "nodeName": "node-1",
            "initContainers": [{"name": "init", "image": "registry.example/app:1"}],
            "containers": [_APP],
        },
    ),
)


def _extra_events(model: Any) -> list[dict[str, Any]]:
    """Events the explorer's catalogue leaves out: a pull error retried on every sync."""
    if not model.bound or model.node_lost_at is not None:
        return [{"type": "Unschedulable"}] if not model.bound else []
    return [
        {"type": "ImagePullFailed", "container": r.name, "reason": "InvalidImageName"} for r in model.records
    ]


def _refused_event(model: Any, catalogue: Any) -> dict[str, Any] | None:
    """The first event of the catalogue the model refuses now (a rejected step), if any."""
    from podfsm.verifier.explorer import EventCatalogue

    assert isinstance(catalogue, EventCatalogue)
    state = model.snapshot()
    candidates = [*catalogue.candidates(model)]
    for ce in catalogue.containers:
        for _, events in ce.by_trigger:
            candidates.extend(events)
    for ev in candidates:
        try:
            model.apply(ev)
        except IllegalEvent:
            model.restore(state)
            return dict(ev.to_dict())
        model.restore(state)
    return None


def coverage(vectors: Sequence[SimulationVector]) -> dict[str, list[str]]:
    """For each table, the rows no vector fires."""
    fired = {r for v in vectors for r in v.rows}
    return {table: [r for r in rows if r not in fired] for table, rows in all_rows().items()}


def replay(vector: SimulationVector | Mapping[str, Any]) -> list[str]:
    """Check a vector against podfsm's model: the differences (empty when podfsm agrees)."""
    from podfsm.model.pod import PodModel

    v = vector if isinstance(vector, SimulationVector) else SimulationVector.model_validate(vector)
    model = PodModel(v.pod, source=v.id)
    problems: list[str] = []
    for i, step in enumerate(v.steps):
        try:
            state = model.apply(step.event)
        except IllegalEvent as exc:
            if not step.rejected:
                problems.append(f"step {i}: refused ({exc}) but the vector expects a pod")
            continue
        if step.rejected:
            problems.append(f"step {i}: {step.event.get('type')} accepted but the vector says it is rejected")
        elif model.render(state) != step.expect:
            problems.append(f"step {i}: the published pod differs")
    return problems


# --------------------------------------------------------------------------------------------
# Files


def bundled_cases_dir() -> Path:
    """The oracle conformance cases shipped in the package (upstream's own answers)."""
    return bundled_vectors() / "oracle"


def bundled_vectors() -> Path:
    """The simulation vectors shipped in the package (what ``podfsm vectors`` writes)."""
    return Path(str(resources.files("podfsm.conformance") / "data" / "vectors"))


def write_vectors(out: str | Path) -> VectorManifest:
    """Write the whole vector set under ``out`` (each file atomically); return its manifest."""
    from podfsm import __version__

    root = Path(out)
    files: dict[str, list[str]] = {"oracle": [], "simulation": [], "schema": []}
    counts: dict[str, int] = {"oracle": 0, "simulation": 0}
    texts = {f.name: f.read_text(encoding="utf-8") for f in sorted(bundled_cases_dir().glob("*.json"))}
    for case_name, text in texts.items():
        counts["oracle"] += len(json.loads(text))
        rel = f"oracle/{case_name}"
        _io.write_atomic(root / rel, text)
        files["oracle"].append(rel)
    scenarios = scenario_vectors()
    covered = {r for v in scenarios for r in v.rows}
    explored = exploration_vectors(covered)
    for name, vectors in (("scenarios", scenarios), ("exploration", explored)):
        rel = f"simulation/{name}.json"
        data = [
            json.dumps(v.model_dump(mode="json", exclude_none=True), separators=(",", ":")) for v in vectors
        ]
        _io.write_atomic(root / rel, "[\n" + ",\n".join(data) + "\n]\n")
        files["simulation"].append(rel)
        counts["simulation"] += len(vectors)
    for name, schema in schemas().items():
        rel = f"schema/{name}"
        _io.write_atomic(root / rel, _io.dumps(schema))
        files["schema"].append(rel)
    manifest = VectorManifest(
        format=FORMAT,
        version=VERSION,
        podfsm=__version__,
        reference="Kubernetes v1.35, default feature gates",
        files=files,
        counts=counts,
        coverage=coverage([*scenarios, *explored]),
    )
    _io.write_atomic(root / "manifest.json", _io.dumps(manifest.model_dump(mode="json")))
    return manifest
