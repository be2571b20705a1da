"""``podfsm simulate POD EVENTS``: run a pod manifest through lifecycle events."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from typing import Any

from podfsm._io import dumps
from podfsm.cli._files import load_events, load_one_pod
from podfsm.errors import IllegalEvent
from podfsm.model.simulation import Step, event_summary, simulate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pod", metavar="POD", help="pod manifest (JSON or YAML; - for stdin)")
    parser.add_argument("events", metavar="EVENTS", help="events script: a YAML/JSON list of events")
    parser.add_argument(
        "-o",
        "--output",
        choices=("timeline", "json"),
        default="timeline",
        help="timeline (default) or json: an array of {event, pod}",
    )
    parser.add_argument(
        "--nodes",
        metavar="NODES",
        help="node list: schedule the pod automatically when no Scheduled event is given",
    )
    parser.add_argument(
        "--no-admission",
        action="store_true",
        help="skip the API server's validation and defaulting of the manifest",
    )
    parser.add_argument(
        "--kubelet-config",
        metavar="FILE",
        help="kubelet configuration (a KubeletConfiguration subset: crash-loop back-off, feature gates)",
    )
    parser.add_argument(
        "--diagram", metavar="OUT.svg", help="also draw the path the run took over the composed state diagram"
    )


def timeline_header() -> str:
    return f"{'TIME':>7}  {'EVENT':<44} {'PHASE':<10} {'READY':<6} {'STATUS':<26} RESTARTS"


def timeline_line(step: Step) -> str:
    """One line of the timeline: time, event, phase, and kubectl's READY, STATUS, RESTARTS."""
    from podfsm.oracle import kubectl_columns

    model = step.model
    pod = step.pod
    now = model.t0 + timedelta(seconds=step.state.now)
    cols = kubectl_columns(pod, now=now)
    event = event_summary(step.event) + (" (auto)" if step.automatic else "")
    t = f"{step.state.now:g}s"
    phase = pod["status"].get("phase", "")
    if step.state.gone:
        phase += " (gone)"
    return f"{t:>7}  {event:<44} {phase:<10} {cols.ready:<6} {cols.status:<26} {cols.restarts}"


def print_timeline(steps: list[Step], out: Any = None) -> None:
    out = out or sys.stdout
    print(timeline_header(), file=out)
    for step in steps:
        print(timeline_line(step), file=out)


def run(args: argparse.Namespace) -> int:
    pod = load_one_pod(args.pod)
    from podfsm.model.events import parse_events

    events = parse_events(load_events(args.events), source="<stdin>" if args.events == "-" else args.events)
    nodes = None
    if args.nodes:
        from podfsm.model.scheduler import load_nodes

        nodes = load_nodes(args.nodes)
    source = "<stdin>" if args.pod == "-" else args.pod
    config = None
    if args.kubelet_config:
        from podfsm.model.kubelet_config import load_kubelet_config

        config = load_kubelet_config(args.kubelet_config)
    failure: IllegalEvent | None = None
    try:
        steps = simulate(
            pod, events, nodes=nodes, source=source, admit=not args.no_admission, kubelet_config=config
        )
    except IllegalEvent as exc:
        failure = exc
        steps = list(getattr(exc, "steps", []))
    if args.output == "json":
        sys.stdout.write(dumps([s.to_dict() for s in steps]))
    else:
        print_timeline(steps)
    if args.diagram:
        from podfsm.diagrams import draw_run

        draw_run(steps, args.diagram, pod=pod)
    if failure is not None:
        raise failure
    return 0
