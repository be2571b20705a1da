"""Reading the command line's input files: one pod manifest, an events script, YAML or JSON."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from podfsm.errors import ManifestError
from podfsm.loader import json_array_items, parse_json_like


def load_one_pod(path: str) -> dict[str, Any]:
    """Exactly one pod manifest from ``path`` (JSON or YAML), as a plain mapping."""
    from podfsm.loader import load_pod_dicts

    pods = load_pod_dicts(path, allow_empty=False)
    name = "<stdin>" if path == "-" else path
    if len(pods) != 1:
        raise ManifestError(name, f"expected exactly one pod, found {len(pods)}")
    return pods[0]


def load_events(path: str) -> Collection[Any]:
    """An events script: a YAML/JSON list of event mappings (or a mapping with an ``events`` list).

    Read with the loader's reader, parser and bounds. A JSON array is read lazily
    (:class:`podfsm.loader.JSONArrayItems`: the text is held, each event parsed when it is
    needed), so a run of a million events does not hold a million parsed events; YAML is parsed
    whole. The events themselves are checked by :func:`podfsm.model.events.parse_event`.
    """
    items, text, name = json_array_items(path)
    if items is not None:  # a JSON array: read one event at a time, never all of them at once
        return items
    docs = parse_json_like(text, name)
    if len(docs) == 1 and isinstance(docs[0], dict) and "events" in docs[0]:
        docs = [docs[0]["events"]]
    if len(docs) == 1 and isinstance(docs[0], list):
        return list(docs[0])
    if docs and all(isinstance(d, dict) for d in docs):
        return docs
    raise ManifestError(name, "an events file is a list of events, each a mapping with a 'type'")
