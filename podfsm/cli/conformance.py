"""``podfsm conformance FILE...|--builtin``: run conformance cases against podfsm or another program.

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
from podfsm.conformance.runner import check_timeout
from podfsm.conformance.vectors import bundled_cases_dir, bundled_vectors
from podfsm.errors import UsageError

EXIT_OK = 0
EXIT_FAILED = 1


EXAMPLES = """\
  # podfsm's own oracle against the cases (a check of the cases)
  podfsm conformance cases.json

  # another implementation: one process per case, or one process for all (--jsonl)
  podfsm conformance cases/ --program ./my-oracle
  podfsm conformance cases/ --program "python my_oracle.py" --jsonl

  # the cases and simulation vectors shipped with podfsm, against your program
  podfsm conformance --builtin --program ./mine

  # differential testing: 300 generated pods and scripts, a divergence shrunk
  podfsm conformance --differential 300 --program "./mine --jsonl" --jsonl

  # cases from standard input
  cat cases.json | podfsm conformance -
"""

PROTOCOL = """\
protocol (--program CMD): the program gets one request as JSON on stdin and prints one JSON
answer on stdout, then exits; with --jsonl it is started once and answers each request line
with one line (flush stdout after each). An oracle case arrives without its answers and is
answered with an object shaped like its "expect" ({"phase": ...}, {"conditions": ...},
{"ready", "status", "restarts"}, or a string for a duration). A simulation vector arrives as
{"id", "pod", "events"} and is answered with {"steps": [{"pod": <pod after the event>} |
{"rejected": true}, ...]}. Answer {"skip": "why"} to skip a case. Details and a runner
contract: docs/vectors.md and docs/conformance.md in podfsm's documentation; the JSON Schemas
ship in the package (podfsm/conformance/data/vectors/schema/).
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = f"{parser.epilog or ''}\n{PROTOCOL}"
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="a JSON case or vector file, or a directory of them (*.json); - for stdin",
    )
    parser.add_argument(
        "--differential",
        type=int,
        metavar="N",
        help="instead of cases: Hypothesis draws N pods and event scripts, sends each to --program"
        " (simulation protocol) and reports the first divergence from podfsm, shrunk",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="the --differential run's random seed (default 0)"
    )
    parser.add_argument(
        "--builtin",
        action="store_true",
        help="the cases and simulation vectors shipped with podfsm (upstream's answers, the model's runs)",
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
    check_timeout(args.timeout)
    if args.program is not None and not args.program.strip():
        raise UsageError("--program: empty command")
    if args.differential is not None:
        return _differential(args)
    if not args.files and not args.builtin:
        raise UsageError("give case files, or --builtin for the cases shipped with podfsm")
    paths = list(args.files)
    if args.builtin:
        paths += [bundled_cases_dir(), *sorted((bundled_vectors() / "simulation").glob("*.json"))]
    cases = load_paths(paths)
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


def _differential(args: argparse.Namespace) -> int:
    from podfsm.conformance.differential import differential

    if not args.program:
        raise UsageError("--differential needs --program")
    if args.differential < 1:
        raise UsageError("--differential needs a positive number of examples")
    found = differential(
        args.program, examples=args.differential, jsonl=args.jsonl, timeout=args.timeout, seed=args.seed
    )
    if args.output == "json":
        sys.stdout.write(dump({"divergence": None if found is None else found.to_json()}, args.output))
    elif found is None:
        print(f"no divergence in {args.differential} pods and scripts")
    else:
        print("\n".join(found.lines()))
    return EXIT_OK if found is None else EXIT_FAILED
