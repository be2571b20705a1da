"""The explorer at scale: fingerprints, compact states, spilling, workers, Ray, progress (issue 15).

These are checks of the checker, not of Kubernetes: the reference is TLC's design (fingerprint
set, counterexamples by re-execution, many workers), and the oracle for every figure is the
single-process explorer whose counts ``tests/data/explorer_counts.json`` pins.
"""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path

import pytest

from podfsm.model.pod import PodModel
from podfsm.verifier.explorer import STANDARD_CONFIGURATIONS, explore
from podfsm.verifier.invariants import Invariant, Transition
from podfsm.verifier.progress import Progress, TerminalProgress, advice, estimate, growth
from podfsm.verifier.ray_backend import ray_available
from podfsm.verifier.store import Frontier, Trace, collision_probability, decode_state, encode_state

COUNTS = json.loads((Path(__file__).parent / "data" / "explorer_counts.json").read_text())
BY_NAME = {c.name: c for c in STANDARD_CONFIGURATIONS}
SMALL = ("always-1c", "never-1c-probes", "never-2i-1c", "never-3c")


def _ready_after_restart() -> Invariant:
    """A state invariant that fails deep in the space: a container is Ready after a restart."""

    def predicate(t: Transition) -> str | None:
        for c in t.after.containers:
            if c.ready and c.restart_count > 0:
                return "ready after a restart"
        return None

    return Invariant(
        "no-ready-after-restart", "No container is ready after a restart.", "a test", "state", predicate
    )


def _no_second_start() -> Invariant:
    """A step invariant: no ContainerStarted of a container that has run before."""

    def predicate(t: Transition) -> str | None:
        ev = t.event
        if ev.type == "ContainerStarted" and t.before is not None:
            for c, spec in zip(t.before.containers, t.context.containers, strict=True):
                if spec.name == ev.container and c.ever_ran:
                    return "started again"
        return None

    return Invariant("no-second-start", "No container starts twice.", "a test", "step", predicate)


def _summary(name: str, **kw: object) -> tuple[object, ...]:
    conf = BY_NAME[name]
    r = explore(conf.manifest, name=name, invariants=[_ready_after_restart(), _no_second_start()], **kw)  # type: ignore[arg-type]
    return (
        r.counts(),
        r.refused,
        r.pruned,
        r.complete,
        [(v.invariant, v.message, v.events) for v in r.violations],
    )


# ----------------------------------------------------------------------------------- the store


def test_a_state_survives_encoding() -> None:
    """Compact frontier states decode to equal PodStates (so expansion from them is unchanged)."""
    m = PodModel(BY_NAME["always-2i-1s-2c-probes"].manifest)
    states = [m.snapshot()]
    for ev in (
        {"type": "Scheduled", "node": "node-1"},
        {"type": "ContainerStarted", "container": "init-0"},
        {"type": "ContainerExited", "container": "init-0", "exitCode": 1},
    ):
        states.append(m.apply(ev))
    for s in states:
        data = encode_state(s)
        assert isinstance(data, bytes) and decode_state(data) == s
    assert len(encode_state(states[-1])) < 1500


def test_the_frontier_spills_past_its_budget_and_keeps_order(tmp_path: Path) -> None:
    f = Frontier(budget=10, directory=str(tmp_path))
    records = [(i, bytes([i]) * (i + 1)) for i in range(20)]
    for i, data in records:
        f.append(i, data)
    assert len(f) == 20 and f.memory_bytes <= 10 and f.spilled_bytes > 0
    assert list(f) == records
    assert list(f) == records  # can be read again
    f.close()
    assert len(f) == 0


def test_the_trace_rebuilds_paths() -> None:
    t = Trace()
    t.add(-1, 0)
    t.add(0, 3)
    t.add(0, 1)
    t.add(2, 5)
    assert t.path(3) == [1, 5] and t.path(1) == [3] and t.path(0) == []
    t.truncate(2)
    assert len(t) == 2


def test_collision_probability_is_tlcs_optimistic_estimate() -> None:
    """TLC ModelChecker.reportSuccess: distinct * (generated - distinct) / 2**64."""
    assert collision_probability(1000, 3000) == pytest.approx(1000 * 2000 / 2**64)
    assert collision_probability(10, 5) == 0.0
    r = explore(BY_NAME["always-1c"].manifest, invariants=[])
    assert r.collision_probability == pytest.approx(r.states * (r.transitions - r.states) / 2**64)
    assert r.to_dict()["fingerprintCollisionProbability"] > 0


def test_a_memory_limit_spills_the_frontier_and_changes_no_count(tmp_path: Path) -> None:
    name = "never-2i-1c"
    r = explore(BY_NAME[name].manifest, name=name, memory_limit=1, spill_dir=str(tmp_path))
    assert r.spilled > 0
    assert r.counts() == COUNTS[name]
    assert list(tmp_path.iterdir()) == []  # the spill files are anonymous and gone


# ----------------------------------------------------------------------------------- workers


@pytest.mark.parametrize("name", SMALL)
def test_two_workers_give_the_same_counts_and_counterexamples(name: str) -> None:
    one = _summary(name)
    assert one[0] == COUNTS[name]
    assert _summary(name, workers=2) == one
    if name in SMALL[:2]:
        assert _summary(name, workers=3, batch=7) == one  # uneven partitions, many merges


def test_workers_cut_and_stop_where_one_process_does() -> None:
    for kw in ({"max_states": 300}, {"stop_at_first": True}, {"max_depth": 6}):
        one = _summary("always-1s-1c-probes", **kw)
        assert one[3] is False
        assert _summary("always-1s-1c-probes", workers=2, batch=50, **kw) == one


def test_a_worker_failure_is_reported_not_hung() -> None:
    from podfsm.verifier.parallel import WorkerError

    def broken(t: Transition) -> str | None:
        raise RuntimeError("boom")

    inv = Invariant("broken", "Raises.", "a test", "step", broken)
    with pytest.raises(WorkerError, match="boom"):
        explore(BY_NAME["always-1c"].manifest, invariants=[inv], workers=2)


# ----------------------------------------------------------------------------------- Ray


@pytest.mark.skipif(ray_available() is not None, reason=f"{ray_available()}")
def test_ray_local_with_two_workers_gives_the_same_counts() -> None:
    """The same exploration on a local Ray instance with two actors (``--ray local --workers 2``)."""
    name = "never-2i-1c"
    one = _summary(name)
    assert _summary(name, workers=2, ray="local") == one


# ----------------------------------------------------------------------------------- progress


def test_the_estimate_projects_a_shrinking_space_and_declines_a_growing_one() -> None:
    assert growth([1, 2, 4]) is None  # too early
    assert growth([1, 2, 4, 8, 16]) == pytest.approx(2.0)
    assert estimate([1, 2, 4, 8, 16], 31) is None  # still growing
    assert estimate([1, 100, 50, 25, 12.5], 188) == pytest.approx(188 + 12.5, abs=1)  # type: ignore[list-item]


def test_progress_is_reported_and_a_run_that_will_not_finish_is_told_what_to_do() -> None:
    seen: list[Progress] = []
    r = explore(BY_NAME["always-1c"].manifest, invariants=[], progress=seen.append, batch=16)
    assert seen and seen[-1].distinct == r.states and seen[-1].generated == r.transitions
    assert all(a.distinct <= b.distinct for a, b in itertools.pairwise(seen))
    growing = Progress("big", 50_000, 150_000, 14, 20_000, 90.0, 600 << 20, [1, 3, 9, 27, 81, 243])
    hint = advice(growing)
    assert hint is not None and "podfsm.io/explore" in hint and "--max-states" in hint
    assert advice(Progress("small", 500, 900, 5, 10, 2.0, 1 << 20, [1, 3, 9, 27])) is None


def test_progress_is_quiet_when_piped_but_still_advises() -> None:
    out = io.StringIO()
    growing = Progress("big", 50_000, 150_000, 14, 20_000, 90.0, 600 << 20, [1, 3, 9, 27, 81, 243])
    with TerminalProgress(out) as show:
        show(Progress("small", 500, 900, 5, 10, 2.0, 1 << 20, [1, 3, 9, 27]))
        assert out.getvalue() == ""
        show(growing)
        show(growing)
    assert out.getvalue().count("will not finish soon") == 1
