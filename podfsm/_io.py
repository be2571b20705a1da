"""Small helpers shared by the command line, loaders and generators: JSON, atomic writes, messages."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def dumps(obj: Any) -> str:
    """Deterministic, human-readable JSON text (two-space indent, trailing newline).

    Key order is the order the object was built in, so callers build mappings in a fixed order.
    """
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half of one."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, _default_mode())  # mkstemp makes 0600; a written file gets the usual mode
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def describe(value: object, *, json_words: bool = False, preview: bool = False) -> str:
    """How a value's type reads in an error message: ``a mapping``, ``an array``, ``null``, ...

    ``json_words`` speaks of JSON objects and arrays (for files of JSON); ``preview`` shows the
    start of a string.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return f"a string ({value[:40]!r})" if preview else "a string"
    if isinstance(value, Mapping):
        return "an object" if json_words else "a mapping"
    if isinstance(value, list | tuple):
        return "an array" if json_words else "a list"
    return f"a {type(value).__name__}"
