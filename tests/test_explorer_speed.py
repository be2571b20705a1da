"""The explorer's cheaper expansion and the ordinary pod of issue 15.

The reference for every figure is the unreduced, uncached explorer: the cuts of the expansion
(pods rendered with shared metadata and spec, renders cached by identity, a new state's state
invariants judged on the transition that reached it) must change no pod object, no count and no
verdict. The ordinary pod's space is pinned to a bounded depth in CI and in full in a slow test.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

import pytest

from podfsm.errors import IllegalEvent
from podfsm.model.pod import PodModel
from podfsm.verifier.configurations import ORDINARY_POD, STANDARD_CONFIGURATIONS
from podfsm.verifier.explorer import EventCatalogue, explore
from podfsm.verifier.invariants import Context
from podfsm.verifier.parallel import ExplorerContext

COUNTS = json.loads((Path(__file__).parent / "data" / "explorer_counts.json").read_text())
BY_NAME = {c.name: c for c in STANDARD_CONFIGURATIONS}


def _walk(manifest: dict[str, Any], steps: int, seed: int) -> list[Any]:
    """States of a seeded random walk through the explorer's world (with returns to earlier ones)."""
    model = PodModel(manifest)
    catalogue = EventCatalogue(model)
    rng = random.Random(seed)
    states = [model.snapshot()]
    for _ in range(steps):
        if rng.random() < 0.1:
            model.restore(rng.choice(states))
        events = catalogue.candidates(model)
        if not events:
            model.restore(states[0])
            continue
        try:
            states.append(model.apply(rng.choice(events)))
        except IllegalEvent:
            continue
    return states


@pytest.mark.parametrize("name", ["always-2i-1s-2c-probes", "always-1c-gate-deadline", "never-1c-rules"])
def test_shared_rendering_publishes_the_same_pods(name: str) -> None:
    """The explorer's renderer (metadata and spec shared between pods, renders cached by identity)
    gives pods equal to the model's own fresh render of the same state, for every state of a long
    random walk; and a model not asked to share gives a fresh object every time (simulate's pods
    may be changed by their caller). Reference: podfsm.model.render.render."""
    manifest = dict(BY_NAME[name].manifest)
    states = _walk(manifest, 600, seed=15)
    plain = PodModel(manifest)
    shared = PodModel(manifest)
    shared.shared_render_parts = {}  # type: ignore[attr-defined]
    ctx = ExplorerContext.of(shared)
    for s in states:
        assert ctx.published(s) == plain.render(s)
        assert ctx.published(s) is ctx.published(s)
    a, b = plain.render(states[-1]), plain.render(states[-1])
    assert a == b and a["spec"] is not b["spec"] and a["metadata"] is not b["metadata"]
    assert type(Context.of(plain)) is Context


@pytest.mark.parametrize("name", ["never-2i-1s-2c-probes", "always-1c-gate-deadline"])
def test_the_cheaper_expansion_keeps_counts_and_verdicts(name: str) -> None:
    """The explorer with its expansion cuts gives the pinned counts and no violation, like the
    explorer before them (benchmarks/bench_explorer.py ReferencePartition measures both in one run)."""
    conf = BY_NAME[name]
    r = explore(conf.manifest, name=name)
    assert r.counts() == COUNTS[name]
    assert r.ok, [v.invariant for v in r.violations]


# ----------------------------------------------------------------------------------- the ordinary pod

# distinct states, transitions, depth of the ordinary pod explored to a bounded depth (unreduced):
# a change to the model or the explorer's world shows up here as in tests/data/explorer_counts.json.
ORDINARY_BOUNDED = {
    8: {"distinctStates": 10344, "transitions": 16112, "depth": 8},
    10: {"distinctStates": 88530, "transitions": 156270, "depth": 10},
}


def _ordinary(depth: int) -> None:
    r = explore(ORDINARY_POD.manifest, name=ORDINARY_POD.name, max_depth=depth)
    assert r.counts() == ORDINARY_BOUNDED[depth]
    assert not r.complete  # the space goes on below this depth
    assert r.ok, [v.invariant for v in r.violations]


def test_the_ordinary_pod_to_depth_8() -> None:
    """The ordinary pod of issue 15 (init, app with a readiness probe, a second app container,
    restartPolicy Always, no bounds) explored breadth first to depth 8: every invariant holds and
    the count is pinned (the bounded version of the full exploration, which does not finish:
    docs/performance.md)."""
    _ordinary(8)


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("PODFSM_SLOW") != "1", reason="a minute of CPU: set PODFSM_SLOW=1")
def test_the_ordinary_pod_to_depth_10() -> None:
    """The same to depth 10 (88,530 states, about a minute of CPU; PODFSM_SLOW=1 runs it)."""
    _ordinary(10)


# ----------------------------------------------------------------------------------- shared parses


def _steps(model: PodModel, steps: int, seed: int) -> list[tuple[Any, Any, Any, IllegalEvent | None]]:
    """(before, event, after, refusal) of a seeded random walk through the explorer's world, as the
    explorer meets them: several events tried from one state, refused ones too."""
    catalogue = EventCatalogue(model)
    rng = random.Random(seed)
    states = [model.snapshot()]
    out: list[tuple[Any, Any, Any, IllegalEvent | None]] = []
    while len(out) < steps:
        source = rng.choice(states[-20:]) if rng.random() < 0.95 else states[0]
        model.restore(source)
        events = catalogue.candidates(model)
        if not events:  # a pod that is gone: start again from the beginning
            states.append(states[0])
            continue
        for ev in rng.sample(events, min(3, len(events))):
            try:
                after = model.apply(ev)
            except IllegalEvent as exc:
                out.append((source, ev, model.snapshot(), exc))
                continue
            out.append((source, ev, after, None))
            states.append(after)
            model.restore(source)
    return out


@pytest.mark.parametrize(
    "mutant",
    [
        "never-restarts-failed",
        "restart-not-counted",
        "readiness-failure-keeps-ready",
        "deletion-ignores-grace",
        "restart-forgotten",
        "two-states-set",
        "none",
    ],
)
def test_shared_parses_give_the_verdicts_of_fresh_ones(mutant: str) -> None:
    """Every invariant, judged on the explorer's context (pods with shared parts, views sharing the
    parse of each pod object and container status, event mappings made once, judge_in_scope), gives
    the verdicts and messages of the plain context (every pod rendered and parsed afresh, every
    invariant asked whether its scope applies: podfsm.verifier.invariants.check), on random walks
    of the real model and of mutants whose steps break invariants."""
    from podfsm.verifier.invariants import INVARIANTS, Transition, check
    from podfsm.verifier.mutants import MUTANTS
    from podfsm.verifier.parallel import judge, judge_in_scope

    chosen = None if mutant == "none" else MUTANTS[mutant]
    name = chosen.configuration if chosen else "always-2i-1s-2c-probes"
    manifest = dict(BY_NAME[name].manifest)
    invariants = tuple(INVARIANTS.values())
    scoped = {s: tuple(i for i in invariants if i.scope == s) for s in ("state", "step", "refusal")}
    seen = 0
    patches = chosen.active() if chosen else None
    factory = patches.__enter__() if patches else PodModel
    try:
        steps = _steps(factory(manifest), 1500, seed=15)
        shared = factory(manifest)
        shared.shared_render_parts = {}  # type: ignore[attr-defined]
        fast = ExplorerContext.of(shared)
        plain = Context.of(factory(manifest))
        for before, ev, after, refused in steps:
            slow_t = Transition(plain, before, ev, after, refused=refused)
            fast_t = Transition(fast, before, ev, after, refused=refused)
            want = tuple((v.invariant, v.message) for v in check(slow_t, invariants))
            if refused is not None:
                got = judge_in_scope(fast_t, scoped["refusal"])
            else:
                got = judge_in_scope(fast_t, scoped["step"]) + judge_in_scope(fast_t, scoped["state"])
            assert sorted(got) == sorted(want), (ev, want, got)
            assert judge(fast_t, invariants) == want
            seen += len(want)
    finally:
        if patches:
            patches.__exit__(None, None, None)
    if chosen is not None:
        assert seen > 0, "the mutant's walk broke no invariant: the comparison says nothing"


def test_shared_parse_finds_pods_by_identity_only() -> None:
    """A pod object's memo and a container status's parse are found by the object's identity, never
    by an equal object or a reused id: a new object always gets a fresh parse."""
    from podfsm.verifier.invariants import Observation, SharedParse, View

    shared = SharedParse()
    manifest = dict(BY_NAME["always-1c"].manifest)
    model = PodModel(manifest)
    model.apply({"type": "Scheduled", "node": "node-1"})
    pod = model.render()
    twin = model.render()  # equal, another object
    assert shared.memo(pod) is shared.memo(pod)
    assert shared.memo(twin) is not shared.memo(pod)
    raw = pod["status"]["containerStatuses"][0]
    assert shared.status(raw) is shared.status(raw)
    assert shared.status(twin["status"]["containerStatuses"][0]) is not shared.status(raw)
    view = View([Observation(pod, 0.0, None)], None, shared)
    assert view.statuses()["app-0"].kind == "waiting"
    # another object, perhaps at a freed object's address, gets its own parse
    del pod, twin, raw, view
    for _ in range(200):
        fresh = model.render()
        fresh["status"]["containerStatuses"][0] = {"name": "app-0", "state": {"running": {}}}
        assert View([Observation(fresh, 0.0, None)], None, shared).statuses()["app-0"].kind == "running"
        del fresh


def test_the_renderer_shares_unchanged_container_statuses() -> None:
    """With shared parts, a container whose snapshot object did not change keeps its status object
    from one pod to the next (what lets the views share its parse); without them every pod is new."""
    manifest = dict(BY_NAME["always-3c"].manifest)
    shared = PodModel(manifest)
    shared.shared_render_parts = {}  # type: ignore[attr-defined]
    plain = PodModel(manifest)
    for m in (shared, plain):
        m.apply({"type": "Scheduled", "node": "node-1"})
    a, pa = shared.render(), plain.render()
    for m in (shared, plain):
        m.apply({"type": "ContainerStarted", "container": m.records[0].name})
    b, pb = shared.render(), plain.render()
    assert a == pa and b == pb
    moved = shared.records[0].name
    for x, y in zip(a["status"]["containerStatuses"], b["status"]["containerStatuses"], strict=True):
        assert (x is y) == (x["name"] != moved)
    for x, y in zip(pa["status"]["containerStatuses"], pb["status"]["containerStatuses"], strict=True):
        assert x is not y
