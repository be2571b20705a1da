"""``podfsm examples``: run the built-in scenarios, print each timeline, check every expectation."""

from __future__ import annotations

import argparse

from podfsm.cli.simulate import print_timeline
from podfsm.examples import load_scenarios, run_scenario

EXAMPLES = """\
  # run every built-in scenario and check its expectations
  podfsm examples

  # the scenarios' names, then one of them
  podfsm examples --list
  podfsm examples crash-loop-backoff
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("names", nargs="*", metavar="NAME", help="only these scenarios (default: all)")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the summary and failures")


def run(args: argparse.Namespace) -> int:
    scenarios = load_scenarios()
    if args.list:
        for sc in scenarios:
            print(f"{sc.name:<40} {sc.title}")
        return 0
    if args.names:
        unknown = sorted(set(args.names) - {s.name for s in scenarios})
        if unknown:
            from podfsm.errors import UsageError

            raise UsageError(f"no such example: {', '.join(unknown)} (see podfsm examples --list)")
        scenarios = [s for s in scenarios if s.name in args.names]
    passed = failed = 0
    for sc in scenarios:
        outcome = run_scenario(sc)
        if not args.quiet:
            print(f"== {sc.name}: {sc.title}")
            if sc.source:
                print(f"   ({sc.source})")
            print_timeline(outcome.steps)
        for f in outcome.failures:
            print(f"FAIL {sc.name}: {f}")
        if outcome.failures:
            failed += 1
        else:
            passed += 1
        if not args.quiet:
            print()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
