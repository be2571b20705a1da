"""Reading the command line's input files: one pod manifest, an events script, YAML or JSON."""

from __future__ import annotations

from typing import Any

import yaml

from podfsm.errors import ManifestError
from podfsm.loader import read_text


def load_one_pod(path: str) -> dict[str, Any]:
    """Exactly one pod manifest from ``path`` (JSON or YAML), as a plain mapping."""
    from podfsm.loader import load_pod_dicts

    pods = load_pod_dicts(path)
    name = "<stdin>" if path == "-" else path
    if len(pods) != 1:
        raise ManifestError(name, f"expected exactly one pod, found {len(pods)}")
    return pods[0]


def load_events(path: str) -> list[Any]:
    """An events script: a YAML/JSON list of event mappings (or a mapping with an ``events`` list)."""
    text, name = read_text(path)  # the loader's reader: stdin, encodings, file errors
    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None) or "not valid YAML or JSON"
        raise ManifestError(name, str(problem), where) from None
    if len(docs) == 1 and isinstance(docs[0], dict) and "events" in docs[0]:
        docs = [docs[0]["events"]]
    if len(docs) == 1 and isinstance(docs[0], list):
        return list(docs[0])
    if all(isinstance(d, dict) for d in docs):
        return docs
    raise ManifestError(name, "an events file is a list of events, each a mapping with a 'type'")
