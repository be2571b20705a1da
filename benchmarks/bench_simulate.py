"""Benchmark: one simulated event against one raw ``transitions`` trigger.

The pod has three regular containers, each with a startup, a liveness and a readiness probe
(restartPolicy Always). The traffic is about 1,600 events drawn from a fixed seed the way a
busy kubelet would report them: the scheduler binds the pod, the runtime starts the containers,
the startup probes fail a few times and then pass, then mostly clock ticks and probe results,
with now and then a readiness flap, a liveness failure that gets the container killed, a crash
(crash-loop back-off, then a restart when the clock has passed the back-off), an image-pull or
create error while a container waits, and a deletion at the very end. Every event is legal: the
generator asks the model itself and keeps only what it accepts.

Timed, each best of N after a warm-up:

- the baseline: one trigger of a 3-state ``transitions`` machine (A -> B -> C -> A), no guards,
  no callbacks, per trigger;
- the subject: ``podfsm.simulate(pod, events)`` with the events as plain mappings (as read from
  a YAML or JSON file), per event; steps are not rendered (``Step.pod`` is lazy);
- for the breakdown: ``PodModel.apply`` alone over already-typed events, per event, and
  rendering every step's pod object (``Step.pod``), per step.

The target is subject / baseline at most 10.

Run ``python benchmarks/bench_simulate.py [--quick]``.
"""

from __future__ import annotations

import gc
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from transitions import Machine

from podfsm.errors import IllegalEvent
from podfsm.model.events import parse_event
from podfsm.model.machines import container as ctm
from podfsm.model.pod import PodModel
from podfsm.model.simulation import simulate

NAME = "simulate"
TARGET = 10.0
EVENTS = 1600
SEED = 7
CONTAINERS = ("app", "metrics", "proxy")


def make_pod() -> dict[str, Any]:
    """Three containers, each with startup, liveness and readiness probes."""

    def container(name: str, port: int) -> dict[str, Any]:
        http = {"path": "/healthz", "port": port}
        return {
            "name": name,
            "image": f"registry.example.com/shop/{name}:1.4.2",
            "startupProbe": {"httpGet": http, "periodSeconds": 5, "failureThreshold": 12},
            "livenessProbe": {"httpGet": http, "periodSeconds": 10, "failureThreshold": 3},
            "readinessProbe": {
                "httpGet": {"path": "/ready", "port": port},
                "periodSeconds": 5,
                "failureThreshold": 2,
                "successThreshold": 1,
            },
        }

    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "shop-7d9c5b", "namespace": "prod", "labels": {"app": "shop"}},
        "spec": {
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "containers": [container(n, 8080 + i) for i, n in enumerate(CONTAINERS)],
        },
    }


def _candidates(model: PodModel, rng: random.Random, sick: set[str]) -> list[tuple[float, dict[str, Any]]]:
    """What the world may report next, with weights; the model decides what is legal.

    A container that falls sick (``sick``) fails its probes until the kubelet kills it.
    """
    out: list[tuple[float, dict[str, Any]]] = [
        (4.0, {"type": "TimePassed", "seconds": rng.choice((1, 2, 5, 5, 10, 10, 30))})
    ]
    if not model.bound:
        return [(1.0, {"type": "Scheduled", "node": "node-17"})]
    for rec in model.records:
        name = rec.name
        if rec.state != ctm.RUNNING:
            sick.discard(name)
        if rec.state == ctm.WAITING:
            out.append((6.0, {"type": "ContainerStarted", "container": name}))
            out.append((0.5, {"type": "ImagePullFailed", "container": name, "reason": "ErrImagePull"}))
            out.append((0.2, {"type": "ContainerCreateFailed", "container": name}))
        elif rec.state == ctm.RUNNING and not rec.started:
            result = "Success" if rng.random() < 0.6 else "Failure"
            out.append(
                (3.0, {"type": "ProbeResult", "container": name, "probe": "startup", "result": result})
            )
        elif rec.state == ctm.RUNNING:
            if name not in sick and rng.random() < 0.004:
                sick.add(name)
            ready = "Failure" if name in sick or rng.random() < 0.03 else "Success"
            alive = "Failure" if name in sick else "Success"
            out.append(
                (5.0, {"type": "ProbeResult", "container": name, "probe": "readiness", "result": ready})
            )
            out.append(
                (3.0, {"type": "ProbeResult", "container": name, "probe": "liveness", "result": alive})
            )
            out.append(
                (0.05, {"type": "ContainerExited", "container": name, "exitCode": rng.choice((1, 2, 137))})
            )
        elif rec.state == ctm.KILLING:
            out.append((2.0, {"type": "ContainerExited", "container": name, "exitCode": 143}))
            out.append(
                (1.0, {"type": "ProbeResult", "container": name, "probe": "readiness", "result": "Failure"})
            )
    return out


def make_events(count: int = EVENTS, seed: int = SEED) -> list[dict[str, Any]]:
    """About ``count`` legal events (a deletion and its aftermath last), as plain mappings."""
    rng = random.Random(seed)
    model = PodModel(make_pod())
    events: list[dict[str, Any]] = []

    def accept(event: dict[str, Any]) -> bool:
        try:
            model.apply(event)
        except IllegalEvent:
            return False
        events.append(event)
        return True

    sick: set[str] = set()
    while len(events) < count - 1 - len(CONTAINERS):
        options = _candidates(model, rng, sick)
        weights = [w for w, _ in options]
        while options:
            i = rng.choices(range(len(options)), weights)[0]
            if accept(options[i][1]):
                break
            del options[i], weights[i]
    # The end of the pod's life: a user deletes it and its containers exit on SIGTERM.
    accept({"type": "DeletionRequested"})
    for name in CONTAINERS:
        accept({"type": "ContainerExited", "container": name, "exitCode": 0})  # refused unless running
    return events


def _best(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """(best, first) seconds of ``fn`` over ``repeats`` runs after one warm-up, cyclic GC off."""
    fn()
    times = []
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return min(times), times[0]


def baseline_machine() -> Callable[[], object]:
    """One raw trigger of a 3-state ``transitions`` machine (no guards, no callbacks)."""

    class Model:
        pass

    model = Model()
    Machine(
        model=model,
        states=["A", "B", "C"],
        transitions=[
            {"trigger": "step", "source": "A", "dest": "B"},
            {"trigger": "step", "source": "B", "dest": "C"},
            {"trigger": "step", "source": "C", "dest": "A"},
        ],
        initial="A",
        auto_transitions=False,
    )
    return model.step  # type: ignore[attr-defined, no-any-return]


def run(quick: bool = False) -> dict[str, Any]:
    """Time the baseline trigger and the simulated event; return per-unit figures in microseconds."""
    count = 400 if quick else EVENTS
    repeats = 3 if quick else 7
    pod = make_pod()
    events = make_events(count)
    n = len(events)
    trigger = baseline_machine()
    triggers = 20 * n

    def baseline() -> None:
        for _ in range(triggers):
            trigger()

    def subject() -> None:
        simulate(pod, events)

    typed = [parse_event(e, i) for i, e in enumerate(events)]

    def apply_only() -> None:
        model = PodModel(pod)
        for ev in typed:
            model.apply(ev)

    steps = simulate(pod, events)

    def render_all() -> None:
        for step in steps:
            step._pod = None
            _ = step.pod

    base_best, base_first = _best(baseline, repeats)
    subj_best, subj_first = _best(subject, repeats)
    apply_best, _ = _best(apply_only, repeats)
    render_best, _ = _best(render_all, max(1, repeats // 2))
    baseline_us = base_best / triggers * 1e6
    subject_us = subj_best / n * 1e6
    kinds: dict[str, int] = {}
    for e in events:
        kinds[e["type"]] = kinds.get(e["type"], 0) + 1
    return {
        "name": NAME,
        "events": n,
        "event_mix": dict(sorted(kinds.items())),
        "restarts": sum(c["restartCount"] for c in steps[-1].pod["status"]["containerStatuses"]),
        "repeats": repeats,
        "baseline_us": round(baseline_us, 3),
        "baseline_first_us": round(base_first / triggers * 1e6, 3),
        "subject_us": round(subject_us, 3),
        "subject_first_us": round(subj_first / n * 1e6, 3),
        "apply_us": round(apply_best / n * 1e6, 3),
        "render_us": round(render_best / n * 1e6, 3),
        "ratio": round(subject_us / baseline_us, 2),
        "target": TARGET,
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=2))
