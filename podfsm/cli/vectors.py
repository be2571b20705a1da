"""``podfsm vectors --out DIR``: write the language-neutral test vectors (docs/vectors.md).

Writes the oracle cases (conformance format), the simulation vectors (the built-in scenarios and
one shortest script per transition-table row the scenarios leave uncovered), their JSON Schemas
and ``manifest.json``; prints one line with the counts. Deterministic: the same podfsm writes the
same bytes.
"""

from __future__ import annotations

import argparse
import sys

from podfsm.cli import EXIT_OK

EXAMPLES = """\
  # write the vectors (oracle cases, simulation vectors, JSON Schemas, manifest.json)
  podfsm vectors --out vectors/

  # the same set ships in the package: run it against your implementation
  podfsm conformance --builtin --program ./mine
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, metavar="DIR", help="directory to write the vectors into")


def run(args: argparse.Namespace) -> int:
    from podfsm.conformance.vectors import write_vectors

    manifest = write_vectors(args.out)
    uncovered = sum(len(rows) for rows in manifest.coverage.values())
    counts = manifest.counts
    print(
        f"wrote {counts['oracle']} oracle cases and {counts['simulation']} simulation vectors"
        f" (format {manifest.format} v{manifest.version}) to {args.out}; {uncovered} table rows uncovered",
        file=sys.stdout,
    )
    return EXIT_OK
