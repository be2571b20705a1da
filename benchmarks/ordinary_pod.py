"""Measure the ordinary pod of issue 15: its breadth-first levels and where its states come from.

``python benchmarks/ordinary_pod.py [DEPTH]`` (default 9) walks
:data:`podfsm.verifier.configurations.ORDINARY_POD` breadth first to ``DEPTH`` with the explorer's
world and key (no invariants), and prints as JSON: the new states per level, the new states by the
type of the event that reached them, the state of the init container in each state, and how many
states have events of two or more containers enabled (the only states where a partial-order
reduction of container events could leave anything out). The figures are in
docs/performance.md ("The ordinary pod").
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
from podfsm.model.pod import PodModel
from podfsm.verifier.configurations import ORDINARY_POD
from podfsm.verifier.explorer import EventCatalogue, KeyBuilder
from podfsm.verifier.store import fingerprint


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
    while queue:
        state, d = queue.popleft()
        states += 1
        first[str(state.containers[0].state)] += 1
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
    }


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    print(json.dumps(walk(ORDINARY_POD.manifest, int(args[0]) if args else 9), indent=2))
