"""Measure the ordinary pod of issue 15: its breadth-first levels and where its states come from.

``python benchmarks/ordinary_pod.py [DEPTH [POD.yaml]]`` (default 9) walks
:data:`podfsm.verifier.configurations.ORDINARY_POD` (or the first pod of ``POD.yaml``) breadth
first to ``DEPTH`` with the explorer's
world and key (no invariants), and prints as JSON: the new states per level, the new states by the
type of the event that reached them, the state of the init container in each state, and how many
states have events of two or more containers enabled (the only states where a partial-order
reduction of container events could leave anything out), the states by the pod's situation (live,
node lost, stopping, gone), and, among the live states, how many distinct keys each regular
container has and how many combinations of them occur (the product structure of the space). The
figures are in docs/performance.md ("The ordinary pod").
"""

from __future__ import annotations

import json
import sys
from collections import Counter, deque
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from podfsm.errors import IllegalEvent
from podfsm.model.pod import PodModel, PodState
from podfsm.verifier.configurations import ORDINARY_POD
from podfsm.verifier.explorer import EventCatalogue, KeyBuilder
from podfsm.verifier.store import fingerprint


def situation(state: PodState) -> str:
    """The pod's situation in ``state``: ``gone``, ``node lost``, ``stopping`` (a deletion, an
    eviction or a deadline: the kubelet only kills from now on) or ``live``."""
    if state.gone:
        return "gone"
    if state.node_lost_at is not None:
        return "node lost"
    if state.stopping or state.deletion_at is not None:
        return "stopping"
    return "live"


def walk(manifest: Any, depth: int) -> dict[str, Any]:
    """The breadth-first walk of ``manifest`` to ``depth``; the figures described in the module doc."""
    model = PodModel(manifest)
    catalogue = EventCatalogue(model)
    keys = KeyBuilder([r.spec for r in model.records])
    root = model.snapshot()
    seen = {fingerprint(keys.key(root))}
    queue: deque[tuple[Any, int]] = deque([(root, 0)])
    levels = [1]
    by_event: Counter[str] = Counter()
    first: Counter[str] = Counter()
    transitions = two_containers = states = 0
    situations: Counter[str] = Counter()
    regular = [i for i, r in enumerate(model.records) if r.spec.is_regular]
    local: dict[int, set[Any]] = {i: set() for i in regular}
    combinations: set[tuple[Any, ...]] = set()
    while queue:
        state, d = queue.popleft()
        states += 1
        first[str(state.containers[0].state)] += 1
        where = situation(state)
        situations[where] += 1
        if where == "live":
            parts = tuple(keys.container(i, state.containers[i], state.now) for i in regular)
            for i, part in zip(regular, parts, strict=True):
                local[i].add(part)
            combinations.add(parts)
        if d >= depth:
            continue
        model.restore(state)
        containers: set[str] = set()
        for ev in catalogue.candidates(model):
            try:
                after = model.apply(ev)
            except IllegalEvent:
                continue
            transitions += 1
            name = getattr(ev, "container", None)
            if name:
                containers.add(name)
            fp = fingerprint(keys.key(after))
            if fp not in seen:
                seen.add(fp)
                queue.append((after, d + 1))
                if len(levels) <= d + 1:
                    levels.append(0)
                levels[d + 1] += 1
                by_event[ev.type] += 1
            model.restore(state)
        if len(containers) >= 2:
            two_containers += 1
    return {
        "depth": depth,
        "states": states,
        "transitions": transitions,
        "levels": levels,
        "new_states_by_event": dict(by_event.most_common()),
        "first_container_state": dict(first.most_common()),
        "states_with_two_containers_enabled": two_containers,
        "states_by_situation": dict(situations.most_common()),
        "live_keys_per_regular_container": {model.records[i].spec.name: len(v) for i, v in local.items()},
        "live_combinations_of_regular_container_keys": len(combinations),
    }


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    manifest: Any = ORDINARY_POD.manifest
    if len(args) > 1:  # another pod: python benchmarks/ordinary_pod.py DEPTH POD.yaml
        from podfsm.loader import load_pod_dicts

        manifest = load_pod_dicts(args[1], allow_empty=False)[0]
    print(json.dumps(walk(manifest, int(args[0]) if args else 9), indent=2))
