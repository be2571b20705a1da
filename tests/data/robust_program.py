"""Misbehaving conformance programs for tests/test_conformance_robust.py.

    python robust_program.py MODE [ARG]

Modes: ``spawn-and-hang PIDFILE`` starts a child that sleeps, writes its pid, and hangs;
``flood`` prints 2 MiB; ``extra-line`` (JSON lines) answers the first request with two lines,
then one line per request, each ``{"phase": "Running"}``; ``silent`` reads and never answers.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time


def main() -> None:
    mode = sys.argv[1]
    if mode == "spawn-and-hang":
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        with open(sys.argv[2], "w") as f:
            f.write(str(child.pid))
        time.sleep(120)
    elif mode == "flood":
        sys.stdin.read()
        sys.stdout.write("x" * (2 << 20))
    elif mode == "extra-line":
        first = True
        for line in sys.stdin:
            case = json.loads(line)
            print(json.dumps({"phase": "Running", "id": case["id"]}), flush=True)
            if first:  # the same answer twice: one line too many
                print(json.dumps({"phase": "Running", "id": case["id"]}), flush=True)
                first = False
    elif mode == "silent":
        for _ in sys.stdin:
            pass
        time.sleep(120)


if __name__ == "__main__":
    main()
