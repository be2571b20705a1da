"""Small helpers shared by the command line, loaders and generators: JSON, atomic writes, messages.

Every file podfsm writes goes through :func:`write_atomic` (readers see the old file or the new
one, never part of one; a failure is an :class:`~podfsm.errors.OutputError` naming the path), and
every text that comes from the input and is shown in a table or timeline goes through
:func:`escape_control`, so no input can move the cursor or forge a line.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from podfsm.errors import OutputError


def dumps(obj: Any) -> str:
    """Deterministic, human-readable JSON text (two-space indent, trailing newline).

    Key order is the order the object was built in, so callers build mappings in a fixed order.
    """
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


class JSONArrayWriter:
    """Writes a JSON array one element at a time, byte for byte what :func:`dumps` of the list gives.

    ``add(item)`` writes the item as soon as it is known; ``close()`` ends the array (``[]`` when
    nothing was added). Memory stays flat in the number of items. Use as a context manager: the
    array is closed however the block ends, so what was written is always a whole JSON array.
    """

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._count = 0
        self._closed = False

    def add(self, item: Any) -> None:
        text = json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        self._out.write(("[\n  " if self._count == 0 else ",\n  ") + text)
        self._count += 1

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._out.write("[]\n" if self._count == 0 else "\n]\n")

    def __enter__(self) -> JSONArrayWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None or not issubclass(kind, OSError | OutputError):  # output itself failed: stop
            self.close()


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half of one.

    The bytes go to a temporary file in the same directory, are flushed to disk, and replace
    ``path`` in one ``rename``. Missing parent directories are created. Raises
    :class:`~podfsm.errors.OutputError` naming ``path`` when it cannot be written (a directory
    that is not writable or is a file, ``path`` itself a directory, a full disk); the old file,
    if any, is left as it was and no temporary file remains.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if target.is_dir():
        raise OutputError(str(target), "it is a directory")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(str(target), f"{target.parent} is not a directory") from None
    except OSError as exc:
        raise OutputError(str(target), _reason(exc)) from None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(str(target), _reason(exc)) from None
    try:
        os.fchmod(fd, _default_mode())  # mkstemp makes 0600; a written file gets the usual mode
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(str(target), _reason(exc)) from None
        raise


def _reason(exc: OSError) -> str:
    """An OSError's reason without the path (the caller names the path)."""
    if isinstance(exc, NotADirectoryError):
        return "a part of the path is a file, not a directory"
    return exc.strerror or str(exc)


def write_dumps_atomic(path: str | os.PathLike[str], obj: Any) -> None:
    """:func:`dumps` ``obj`` and :func:`write_atomic` it to ``path``."""
    write_atomic(path, dumps(obj))


# C0 controls (tab, CR and LF included), DEL, C1 controls, and the Unicode line and paragraph
# separators: each could move the cursor, recolour the terminal or start a new line.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_one(match: re.Match[str]) -> str:
    ch = match.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_control(text: str) -> str:
    """``text`` with every control character written as an escape: ``\\n``, ``\\r``, ``\\t``, ``\\x1b``.

    For cells of tables and timelines, whose text comes from the input: an ANSI escape or a
    newline in a pod's name or a condition's message cannot recolour the terminal or forge a row.
    kubectl's printers escape only ESC (as ``^[``) and CR (as ``\\r``) for the same reason
    (``cli-runtime/pkg/printers/terminal.go``: ``EscapeTerminal``); podfsm escapes every control
    character, as a line feed in a cell would start a row of its own.
    A backslash is left as it is. Text without control characters is returned unchanged.
    """
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(_escape_one, text)


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
