"""A deliberately wrong conformance program: it answers {"phase": "Running"} to every case.

Used by tests/test_cli_conformance.py to check that ``podfsm conformance --program`` reports
wrong answers, crashes, garbage and hangs as failures of the cases concerned.

    python wrong_program.py [--jsonl] [--crash-on ID] [--garbage-on ID] [--hang-on ID]

Without ``--jsonl`` it reads one case from stdin and prints one answer; with it, it answers each
line of stdin with one line. ``--crash-on`` exits with status 3 (after a message on stderr),
``--garbage-on`` prints text that is not JSON, ``--hang-on`` sleeps, for the case with that id.
"""

from __future__ import annotations

import argparse
import json
import sys
import time


def answer(line: str, args: argparse.Namespace) -> str:
    case = json.loads(line)
    case_id = case.get("id")
    if case_id == args.crash_on:
        print(f"wrong_program: crashing on {case_id}", file=sys.stderr, flush=True)
        sys.exit(3)
    if case_id == args.garbage_on:
        return "this is not JSON"
    if case_id == args.hang_on:
        time.sleep(60)
    return json.dumps({"phase": "Running"})


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jsonl", action="store_true")
    parser.add_argument("--crash-on")
    parser.add_argument("--garbage-on")
    parser.add_argument("--hang-on")
    args = parser.parse_args()
    if args.jsonl:
        for line in sys.stdin:
            print(answer(line, args), flush=True)
    else:
        print(answer(sys.stdin.read(), args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
