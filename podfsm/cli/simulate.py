"""``podfsm simulate POD EVENTS``: run a pod manifest through lifecycle events."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import timedelta
from typing import Any

from podfsm._io import JSONArrayWriter, escape_control
from podfsm.cli._files import load_events, load_one_pod
from podfsm.cli._text import number, yaml_item
from podfsm.errors import IllegalEvent
from podfsm.model.simulation import Step, event_summary, iter_simulate

EXAMPLES = """\
  # the timeline: time, event, phase, READY, STATUS, RESTARTS
  podfsm simulate pod.yaml events.yaml

  # every step's whole pod object, as JSON or YAML
  podfsm simulate pod.yaml events.yaml -o json

  # schedule onto a node list first, and draw the path the run took
  podfsm simulate pod.yaml events.yaml --nodes nodes.yaml --diagram run.svg

  # the pod from standard input
  kubectl get pod web -o yaml | podfsm simulate - events.yaml
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pod", metavar="POD", help="pod manifest (JSON or YAML; - for stdin)")
    parser.add_argument(
        "events", metavar="EVENTS", help="events script: a YAML/JSON list of events; - for stdin"
    )
    parser.add_argument(
        "-o",
        "--output",
        choices=("timeline", "json", "yaml"),
        default="timeline",
        help="timeline (default), or json or yaml: a list of {event, pod}",
    )
    parser.add_argument(
        "--nodes",
        metavar="NODES",
        help="node list (- for stdin): schedule the pod automatically when no Scheduled event is given",
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


TIMELINE_HEADERS = ("TIME", "EVENT", "PHASE", "READY", "STATUS", "RESTARTS")
# The narrowest each column is laid out (TIME is right-aligned); a longer cell widens its column.
_WIDTHS = (7, 44, 10, 6, 26)


def timeline_header(widths: Sequence[int] = _WIDTHS) -> str:
    return _timeline_row(TIMELINE_HEADERS, widths)


def timeline_cells(step: Step) -> tuple[str, str, str, str, str, str]:
    """The cells of one step: time, event, phase, and kubectl's READY, STATUS, RESTARTS.

    Text from the input (container names, reasons, messages) has its control characters
    escaped, so no input can forge a line or recolour the terminal. Times print as given
    (``9s``, ``2.5s``, ``1000000s``).
    """
    from podfsm.oracle import kubectl_columns

    model = step.model
    pod = step.pod
    now = model.t0 + timedelta(seconds=step.state.now)
    cols = kubectl_columns(pod, now=now)
    event = escape_control(event_summary(step.event)) + (" (auto)" if step.automatic else "")
    phase = escape_control(str(pod["status"].get("phase", "")))
    if step.state.gone:
        phase += " (gone)"
    status = escape_control(cols.status)
    return (f"{number(step.state.now)}s", event, phase, cols.ready, status, cols.restarts)


def timeline_line(step: Step, widths: Sequence[int] = _WIDTHS) -> str:
    """One line of the timeline, laid out with ``widths`` (the default: the usual columns)."""
    return _timeline_row(timeline_cells(step), widths)


def _timeline_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    t, *rest = cells
    padded = " ".join(cell.ljust(w) for cell, w in zip(rest, widths[1:], strict=False))
    return f"{t.rjust(widths[0])}  {padded} {rest[-1]}"


def timeline_widths(rows: Iterable[Sequence[str]]) -> tuple[int, ...]:
    """Column widths that fit every row: the usual ones, wider where a cell is longer."""
    widths = list(_WIDTHS)
    for row in rows:
        for i, w in enumerate(widths):
            widths[i] = max(w, len(row[i]))
    return tuple(widths)


def print_timeline(steps: Iterable[Step], out: Any = None) -> None:
    """The header, then one line per step, aligned however long an event is.

    The lines are laid out once every step is known; when the steps stop with an error (an
    illegal event), the steps before it are printed first and the error is raised after them.
    """
    out = out or sys.stdout
    rows: list[tuple[str, ...]] = []
    try:
        for step in steps:
            rows.append(timeline_cells(step))
    finally:
        widths = timeline_widths(rows)
        print(timeline_header(widths), file=out)
        for row in rows:
            print(_timeline_row(row, widths), file=out)


def run(args: argparse.Namespace) -> int:
    if args.diagram:  # a bad file name is refused before the run, not after it
        from podfsm.diagrams import check_run_path

        check_run_path(args.diagram)
    pod = load_one_pod(args.pod)
    events_source = "<stdin>" if args.events == "-" else args.events
    events = load_events(args.events)
    nodes = None
    if args.nodes:
        from podfsm.model.scheduler import load_nodes

        nodes = load_nodes(args.nodes)
    source = "<stdin>" if args.pod == "-" else args.pod
    config = None
    if args.kubelet_config:
        from podfsm.model.kubelet_config import load_kubelet_config

        config = load_kubelet_config(args.kubelet_config)
    # Each step is written as it is computed and then dropped; only --diagram keeps them.
    kept: list[Step] | None = [] if args.diagram else None

    run_steps = iter_simulate(  # admits, builds and checks every event now, before any output
        pod,
        events,
        nodes=nodes,
        source=source,
        admit=not args.no_admission,
        events_source=events_source,
        kubelet_config=config,
    )

    def steps() -> Iterator[Step]:
        for step in run_steps:
            if kept is not None:
                kept.append(step)
            yield step

    failure: IllegalEvent | None = None
    try:
        if args.output == "json":
            with JSONArrayWriter(sys.stdout) as array:
                for step in steps():
                    array.add(step.to_dict())
        elif args.output == "yaml":
            written = 0
            for step in steps():
                sys.stdout.write(yaml_item(step.to_dict()))
                written += 1
            if not written:
                sys.stdout.write("[]\n")
        else:
            print_timeline(steps())
    except IllegalEvent as exc:
        failure = exc
    if args.diagram:
        from podfsm.diagrams import draw_run

        draw_run(kept or [], args.diagram, pod=pod)
    if failure is not None:
        raise failure
    return 0
