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
