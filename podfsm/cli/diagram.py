"""``podfsm diagram``: write the state diagrams generated from the machines (``interface.md`` section 6).

``podfsm diagram --out DIR --format svg|png|dot [--only NAME...]`` writes ``DIR/<name>.<format>``
for every diagram in :data:`podfsm.diagrams.DIAGRAMS` (or only the named ones), each file written
atomically; ``--format`` may be given more than once or as a comma-separated list
(``--format svg,dot``). ``--list`` prints the names and titles instead. The output is
deterministic: the same code and the same Graphviz give the same bytes.
"""

from __future__ import annotations

import argparse
import sys

from podfsm.diagrams import DIAGRAMS, FORMATS, write_diagrams
from podfsm.errors import UsageError


def _formats(text: str) -> list[str]:
    out = [f.strip().lower() for f in text.split(",") if f.strip()]
    for f in out:
        if f not in FORMATS:
            raise argparse.ArgumentTypeError(f"unknown format {f!r}; use {', '.join(FORMATS)}")
    return out


EXAMPLES = """\
  # every diagram as SVG into diagrams/
  podfsm diagram

  # SVG and DOT, only the pod phase machine
  podfsm diagram --out docs/img --format svg,dot --only pod-phase
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", metavar="DIR", default="diagrams", help="where to write them (default: diagrams)"
    )
    parser.add_argument(
        "--format",
        dest="formats",
        metavar="FORMAT",
        type=_formats,
        action="append",
        help=f"{'|'.join(FORMATS)}; repeat or separate with commas for several (default: svg)",
    )
    parser.add_argument(
        "--only", nargs="+", metavar="NAME", help="write only these diagrams (see --list for the names)"
    )
    parser.add_argument(
        "--list", action="store_true", help="print the diagrams' names and titles, write nothing"
    )


def run(args: argparse.Namespace) -> int:
    if args.list:
        width = max(len(n) for n in DIAGRAMS)
        for name, spec in DIAGRAMS.items():
            print(f"{name:<{width}}  {spec.title}")
        return 0
    formats = [f for group in (args.formats or [["svg"]]) for f in group]
    if not formats:
        raise UsageError("--format needs at least one of " + ", ".join(FORMATS))
    from podfsm.cli._progress import Progress

    with Progress(f"drawing diagrams into {args.out}"):  # Graphviz takes seconds for all of them
        paths = write_diagrams(args.out, formats, args.only)
    for path in paths:
        print(path, file=sys.stdout)
    return 0
