"""The catalogue of upstream e2e tests (tests/data/e2e_catalogue.yaml) is well formed, complete
per file, and every scenario it names exists."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from podfsm import docgen

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_MODULES = sorted(
    p.stem for p in (ROOT / "tests").glob("test_e2e_*.py") if p.stem != Path(__file__).stem
)

# The upstream files issues 10 and 13 name: every one is catalogued.
UPSTREAM_FILES = {
    "test/e2e_node/container_lifecycle_test.go",
    "test/e2e/common/node/container_probe.go",
    "test/e2e/common/node/lifecycle_hook.go",
    "test/e2e/common/node/init_container.go",
    "test/e2e/common/node/runtime.go",
    "test/e2e_node/pod_conditions_test.go",
    "test/e2e_node/deleted_pods_test.go",
    "test/e2e/common/node/container_restart_policy.go",
    "test/e2e_node/container_restart_test.go",
}


@pytest.fixture(scope="module")
def entries() -> list[dict[str, str]]:
    cat = docgen.e2e_catalogue()
    assert cat is not None
    return cat


def test_every_named_upstream_file_is_catalogued(entries: list[dict[str, str]]) -> None:
    assert {e["file"] for e in entries} == UPSTREAM_FILES


def test_entries_are_unique(entries: list[dict[str, str]]) -> None:
    keys = [(e["file"], e["context"], e["title"]) for e in entries]
    assert len(keys) == len(set(keys)), [k for k in keys if keys.count(k) > 1][:3]


def test_every_scenario_named_exists(entries: list[dict[str, str]]) -> None:
    """Each entry marked with a scenario name has that test in a tests/test_e2e_*.py module."""
    found: dict[str, str] = {}
    for name in SCENARIO_MODULES:
        mod = importlib.import_module(f"tests.{name}")
        for attr in dir(mod):
            if attr.startswith("test_") and callable(getattr(mod, attr)):
                found[attr] = name
    missing = sorted({e["status"] for e in entries if e["kind"] == "scenario"} - set(found))
    assert not missing, f"scenarios named in the catalogue but not written: {missing}"


def test_bad_entries_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "cat.yaml"
    bad.write_text("- file: f.go\n  entries:\n  - [ctx, title, maybe]\n")
    with pytest.raises(ValueError, match=r"cat.yaml: f.go entry 1 has status 'maybe'"):
        docgen.e2e_catalogue(bad)
    bad.write_text("- file: f.go\n  entries:\n  - [ctx, title]\n")
    with pytest.raises(ValueError, match="is not \\[context, title, status\\]"):
        docgen.e2e_catalogue(bad)
    assert docgen.e2e_catalogue(tmp_path / "absent.yaml") is None
