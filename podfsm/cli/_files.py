"""Reading the command line's input files: one pod manifest, an events script, YAML or JSON."""

from __future__ import annotations

from typing import Any

from podfsm.errors import ManifestError
from podfsm.loader import load_json_like


def load_one_pod(path: str) -> dict[str, Any]:
    """Exactly one pod manifest from ``path`` (JSON or YAML), as a plain mapping."""
    from podfsm.loader import load_pod_dicts

    pods = load_pod_dicts(path, allow_empty=False)
    name = "<stdin>" if path == "-" else path
    if len(pods) != 1:
        raise ManifestError(name, f"expected exactly one pod, found {len(pods)}")
    return pods[0]


def load_events(path: str) -> list[Any]:
    """An events script: a YAML/JSON list of event mappings (or a mapping with an ``events`` list).

    Read with the loader's reader, parser and bounds (``podfsm.loader.load_json_like``); the
    events themselves are checked by :func:`podfsm.model.events.parse_event`.
    """
    docs, name = load_json_like(path)
    if len(docs) == 1 and isinstance(docs[0], dict) and "events" in docs[0]:
        docs = [docs[0]["events"]]
    if len(docs) == 1 and isinstance(docs[0], list):
        return list(docs[0])
    if docs and all(isinstance(d, dict) for d in docs):
        return docs
    raise ManifestError(name, "an events file is a list of events, each a mapping with a 'type'")
