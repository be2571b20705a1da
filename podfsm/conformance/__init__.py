"""Checks of other implementations against podfsm: the third face of podfsm.

- :mod:`podfsm.conformance.runner`: oracle conformance cases (getPhase, the condition generators,
  printPod, HumanDuration) checked against podfsm's oracle or against another program
  (``podfsm conformance``).

``python -m podfsm.conformance [--jsonl]`` answers conformance cases with podfsm's oracle over
the program protocol.
"""

from __future__ import annotations

from podfsm.conformance.runner import (
    DEFAULT_TIMEOUT,
    Case,
    Mismatch,
    Outcome,
    Result,
    Summary,
    answer,
    case_kind,
    check,
    compare,
    load_cases,
    load_paths,
    main,
    program_input,
    run,
    run_program,
    summarize,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "Case",
    "Mismatch",
    "Outcome",
    "Result",
    "Summary",
    "answer",
    "case_kind",
    "check",
    "compare",
    "load_cases",
    "load_paths",
    "main",
    "program_input",
    "run",
    "run_program",
    "summarize",
]
