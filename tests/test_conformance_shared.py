"""Every case in the shared conformance files passes through podfsm's Python API.

The cases are upstream Kubernetes' own answers (kubelet_pods_test.go, status/generate_test.go,
printers_test.go, duration_test.go), transcribed into ``<shared>/conformance/*.json``. The shared
directory is ``$PODFSM_SHARED`` or ``<repo>/../shared``; without it the tests skip, except under
CI (``$CI`` set), where a missing directory is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from podfsm.conformance import Case, check, load_paths

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PODFSM_SHARED") or REPO.parent / "shared")
CASE_DIR = SHARED / "conformance"
CASE_FILES = sorted(CASE_DIR.glob("*.json")) if CASE_DIR.is_dir() else []
MISSING = f"shared conformance cases not found at {CASE_DIR} (set PODFSM_SHARED to the shared directory)"

CASES: list[Case] = load_paths(CASE_FILES) if CASE_FILES else []


def _missing() -> None:
    if os.environ.get("CI"):
        pytest.fail(MISSING)
    pytest.skip(MISSING)


def test_shared_cases_are_present() -> None:
    """The four shared files exist and hold cases of every kind the oracle answers."""
    if not CASE_FILES:
        _missing()
    names = {f.name for f in CASE_FILES}
    assert {
        "kubelet-phase.json",
        "kubelet-conditions.json",
        "kubectl-status.json",
        "human-duration.json",
    } <= names
    assert {c.kind for c in CASES} == {"phase", "conditions", "columns", "duration"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_shared_case(case: Case) -> None:
    """One upstream row (``case.source`` names it) is reproduced by podfsm's oracle."""
    result = check(case)
    assert result.passed, result.line()
