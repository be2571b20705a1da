"""What a pip user gets: the licence and project metadata, messages that do not assume a repository
checkout, and no files left behind in the user's directory."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from podfsm.diagrams import DiagramError, build, render

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_licence_is_apache_2_and_shipped() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text  # the whole licence, not a pointer to it
    project = PYPROJECT["project"]
    assert project["license"] == "Apache-2.0"
    assert project["license-files"] == ["LICENSE"]
    assert "LICENSE" in PYPROJECT["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]


def test_project_metadata_is_complete() -> None:
    project = PYPROJECT["project"]
    for key in ("name", "version", "description", "readme", "requires-python", "authors", "keywords"):
        assert project.get(key), f"pyproject.toml: [project].{key} is missing"
    assert project["urls"] and all(u.startswith("https://") for u in project["urls"].values())
    classifiers = project["classifiers"]
    for prefix in ("Development Status ::", "Intended Audience ::", "Programming Language :: Python :: 3.11"):
        assert any(c.startswith(prefix) for c in classifiers), prefix
    # PEP 639: with an SPDX licence expression, licence classifiers are an error for the build back-end
    assert not any(c.startswith("License ::") for c in classifiers)
    import podfsm

    assert project["version"] == podfsm.__version__


def test_missing_dot_tells_a_pip_user_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """pip cannot install Graphviz's ``dot``: the message names the system packages, not a script of
    the repository (which a pip user does not have)."""
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(DiagramError) as info:
        render(build("pod-phase"), "svg")
    message = str(info.value)
    assert "scripts/" not in message
    for hint in ("pip cannot install it", "apt-get install graphviz", "brew install graphviz", "dnf"):
        assert hint in message
    assert "\n" not in message


def test_check_leaves_no_hypothesis_folder_behind(tmp_path: Path) -> None:
    """``podfsm check`` writes Hypothesis' caches to a temporary folder, not ``./.hypothesis``."""
    run = subprocess.run(
        [sys.executable, "-m", "podfsm", "check", "--examples", "3", "--seed", "1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "HYPOTHESIS_STORAGE_DIRECTORY"},
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []
