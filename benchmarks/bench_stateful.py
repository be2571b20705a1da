"""Benchmark: Hypothesis stateful testing of the model, in steps per second.

Runs each ``RuleBasedStateMachine`` that :mod:`podfsm.verifier.stateful` defines (the ones with rules)
through ``hypothesis.stateful.run_state_machine_as_test`` with fixed settings (derandomized, no
example database, no deadline, generation only, ``STEPS`` steps per example) and counts the
steps it really ran (every step is followed by one ``check_invariants`` call, which checks every
invariant of :mod:`podfsm.verifier.invariants`). Time is wall time of the whole run, Hypothesis' own
drawing and bookkeeping included, since that is what the test suite pays. A run that finds a
violation stops there; the steps it ran still count, and the failure is reported beside the
figures (finding it is the tests' job, not the benchmark's).

There is no baseline: the figure is steps per second, and from it the projected time of
``TARGET_EXAMPLES`` examples of ``STEPS`` steps (every invariant is checked after every step of
every example, so that is ``TARGET_EXAMPLES`` examples per invariant). The target: that
projection stays under ``TARGET_S`` (the default test command must stay under 10 minutes).

Run ``python benchmarks/bench_stateful.py [--quick]``.
"""

from __future__ import annotations

import importlib
import inspect
import json
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis import stateful as hypothesis_stateful
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test

from benchmarks import Unavailable
from podfsm.verifier.invariants import INVARIANTS

stateful = importlib.import_module("podfsm.verifier.stateful")  # ModuleNotFoundError until it exists

NAME = "stateful"
STEPS = 50  # Hypothesis' default stateful_step_count
TARGET_EXAMPLES = 1000
TARGET_S = 600.0
_RULE_MARKER = getattr(hypothesis_stateful, "RULE_MARKER", "hypothesis_stateful_rule")


def machines() -> list[type[RuleBasedStateMachine]]:
    """The state machines :mod:`podfsm.verifier.stateful` defines, those that have rules."""
    found = [
        v
        for v in vars(stateful).values()
        if isinstance(v, type)
        and issubclass(v, RuleBasedStateMachine)
        and v.__module__ == stateful.__name__
        and any(hasattr(f, _RULE_MARKER) for _, f in inspect.getmembers(v))
    ]
    if not found:
        raise Unavailable(
            "not available yet (podfsm.verifier.stateful defines no RuleBasedStateMachine with rules)"
        )
    return found


def measure(machine: type[RuleBasedStateMachine], examples: int) -> dict[str, Any]:
    """Run ``examples`` examples of ``machine``; count steps and examples, time the whole run."""
    counts = {"checks": 0, "examples": 0}

    class Counted(machine):  # type: ignore[valid-type, misc]
        def check_invariants(self, *args: Any, **kwargs: Any) -> Any:
            counts["checks"] += 1
            return super().check_invariants(*args, **kwargs)

        def teardown(self) -> None:
            counts["examples"] += 1
            super().teardown()

    Counted.__name__ = machine.__name__
    config = settings(
        max_examples=examples,
        stateful_step_count=STEPS,
        deadline=None,
        database=None,
        derandomize=True,
        phases=(Phase.generate,),
        suppress_health_check=list(HealthCheck),
        print_blob=False,
        verbosity=Verbosity.quiet,
    )
    failure = None
    start = time.perf_counter()
    try:
        run_state_machine_as_test(Counted, settings=config)
    except Exception as exc:  # a violation found is the tests' business; the steps run still count
        failure = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    seconds = time.perf_counter() - start
    steps = counts["checks"] - counts["examples"]  # one check after setup, then one per step
    return {
        "machine": machine.__name__,
        "examples": counts["examples"],
        "steps": steps,
        "seconds": round(seconds, 3),
        "steps_per_s": round(steps / seconds, 1) if seconds > 0 else 0.0,
        "failure": failure,
    }


def run(quick: bool = False) -> dict[str, Any]:
    """Steps per second of every state machine, and the projected time of the target run."""
    examples = 5 if quick else 100
    rows = [measure(m, examples) for m in machines()]
    steps = sum(r["steps"] for r in rows)
    seconds = sum(r["seconds"] for r in rows)
    ran = sum(r["examples"] for r in rows)
    steps_per_example = steps / ran if ran else 0.0
    rate = steps / seconds if seconds > 0 else 0.0
    per_machine = TARGET_EXAMPLES * steps_per_example / rate if rate > 0 else float("inf")
    return {
        "name": NAME,
        "failures": [f"{r['machine']}: {r['failure']}" for r in rows if r["failure"]],
        "machines": len(rows),
        "examples": ran,
        "steps": steps,
        "steps_per_example": round(steps_per_example, 1),
        "seconds": round(seconds, 3),
        "steps_per_s": round(rate, 1),
        "invariants": len(INVARIANTS),
        "target_examples": TARGET_EXAMPLES,
        "projected_s": round(per_machine * len(rows), 1),
        "target_s": TARGET_S,
        "rows": rows,
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=2))
