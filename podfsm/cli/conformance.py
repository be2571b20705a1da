"""``podfsm conformance FILE...``: run conformance cases against podfsm or another program.

Prints one line per failed case and closes with ``N passed, N failed`` (``, N skipped`` when any
were skipped); ``-o json`` prints the results as JSON instead. Exit status 1 when a case failed,
2 for a case file that cannot be read (the error names the file) or a bad command line.
"""

from __future__ import annotations

import argparse
import sys

from podfsm.cli._progress import Progress
from podfsm.cli._text import dump
from podfsm.conformance import DEFAULT_TIMEOUT, load_paths, run_program, summarize
from podfsm.conformance import check as check_case
from podfsm.errors import UsageError

EXIT_OK = 0
EXIT_FAILED = 1


EXAMPLES = """\
  # podfsm's own oracle against the cases (a check of the cases)
  podfsm conformance cases.json

  # another implementation: one process per case, or one process for all (--jsonl)
  podfsm conformance cases/ --program ./my-oracle
  podfsm conformance cases/ --program "python my_oracle.py" --jsonl

  # cases from standard input
  cat cases.json | podfsm conformance -
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="a JSON case file, or a directory of them (*.json); - for stdin",
    )
    parser.add_argument(
        "--program",
        metavar="CMD",
        help="check this program instead of podfsm: it gets each case as JSON on stdin and prints its answer",
    )
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help="start the program once and exchange one JSON line per case",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"how long the program may take for one case (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "-o",
        "--output",
        choices=["text", "json", "yaml"],
        default="text",
        help="text (default), json, yaml",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="also print passed and skipped cases")


def run(args: argparse.Namespace) -> int:
    if args.jsonl and not args.program:
        raise UsageError("--jsonl needs --program")
    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    cases = load_paths(args.files)
    if args.program:
        results = run_program(cases, args.program, jsonl=args.jsonl, timeout=args.timeout)
    else:
        results = (check_case(case) for case in cases)
    collected = []
    failed = 0
    with Progress("conformance cases", total=len(cases)) as progress:
        for result in results:
            collected.append(result)
            failed += bool(result.failed)
            progress.update(advance=1, note=f"{failed} failed" if failed else "")
            if args.output == "text" and (result.failed or args.verbose):
                print(result.line(), flush=True)
    summary = summarize(collected)
    if args.output != "text":
        sys.stdout.write(
            dump(
                {
                    "summary": {
                        "passed": summary.passed,
                        "failed": summary.failed,
                        "skipped": summary.skipped,
                    },
                    "results": [r.to_json() for r in collected],
                },
                args.output,
            )
        )
    else:
        print(summary.line())
    return EXIT_FAILED if summary.failed else EXIT_OK
