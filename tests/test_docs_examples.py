"""The Python examples in the documentation run as tests.

Every fenced ```python block in ``docs/**/*.md`` runs; the blocks of one page share a namespace
and run top to bottom, in a temporary working folder, and every ``test_*`` function a block
defines is called right after it, with pytest's fixtures for its parameters (such as the
``pod_lockstep`` fixture of podfsm's own pytest plugin), as pytest would call it. A block preceded
by the line ``<!-- docs-test: skip -->`` is left out (use it rarely, and say why next to it).
"""

from __future__ import annotations

import inspect
import re
import textwrap
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
SKIP = "<!-- docs-test: skip -->"
_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S
)


def python_blocks(text: str) -> list[tuple[int, str]]:
    """``(line, code)`` for each ```python block of a Markdown text that is not marked to skip."""
    blocks = []
    for m in _FENCE.finditer(text):
        info = m.group("info").strip().split()
        if not info or info[0] not in ("python", "py"):
            continue
        before = text[: m.start()].rstrip().splitlines()
        if before and before[-1].strip() == SKIP:
            continue
        line = text.count("\n", 0, m.start()) + 2
        blocks.append((line, textwrap.dedent(m.group("body"))))
    return blocks


def _pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if python_blocks(p.read_text(encoding="utf-8")))


def test_the_extractor_finds_blocks_and_honours_skip() -> None:
    text = (
        "# t\n\n```python\nx = 1\n```\n\n<!-- docs-test: skip -->\n```python\nraise SystemExit\n```\n\n"
        "```console\n$ ls\n```\n"
    )
    assert python_blocks(text) == [(4, "x = 1\n")]


def test_the_docs_have_examples() -> None:
    assert any(p.name.startswith("guide-") for p in _pages()), "the guides lost their Python examples"


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.relative_to(DOCS).as_posix())
def test_page_examples_run(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_example_{page.stem.replace('-', '_')}"}
    rel = page.relative_to(DOCS).as_posix()
    for line, code in python_blocks(page.read_text(encoding="utf-8")):
        before = set(namespace)
        compiled = compile(code, f"docs/{rel}:{line}", "exec")
        exec(compiled, namespace)
        for name in [n for n in namespace if n not in before and n.startswith("test_")]:
            fn = namespace[name]
            if callable(fn):
                fixtures = {p: request.getfixturevalue(p) for p in inspect.signature(fn).parameters}
                fn(**fixtures)


def test_the_test_suite_guide_uses_the_public_testing_module() -> None:
    """The guide shows the strategies, the plugin's fixtures, ``Lockstep`` and the typed events, all
    imported from ``podfsm.testing``; no reader is sent to a module called ``pytest_plugin``."""
    import podfsm.testing as testing
    from podfsm.model import events
    from podfsm.verifier import pytest_plugin, stateful, strategies

    guide = (DOCS / "guide-test-suite.md").read_text(encoding="utf-8")
    assert "pytest_plugin" not in guide
    for name in ("Lockstep", "pod_specs", "event_scripts", "pods_with_status", "ContainerExited"):
        assert name in guide and getattr(testing, name) is not None
    for fixture in ("pod_lockstep", "pod_model", "podfsm_invariants"):
        assert f"`{fixture}`" in guide
    assert testing.Lockstep is pytest_plugin.Lockstep
    assert testing.pod_specs is strategies.pod_specs
    assert testing.PodLifecycleMachine is stateful.PodLifecycleMachine
    assert {t.__name__ for t in events.EVENT_TYPES} <= set(testing.__all__)
    assert sorted(testing.__all__) == sorted(n for n in testing.__all__ if hasattr(testing, n))
