"""Pods one at a time from a file or a stream, in constant memory: the reader behind ``podfsm status``.

:func:`iter_pods` (and the :class:`PodStream` behind it) reads the same formats as
:mod:`podfsm.loader`, but never holds more than one pod (one document) in memory, and yields each
pod as soon as its closing brace has been read, so ``kubectl get pods -w -o json | podfsm status -``
prints a row per object as it arrives:

- concatenated JSON objects (``kubectl get pod -w -o json``), also one per line;
- watch events ``{"type": "ADDED", "object": {...}}`` (``--output-watch-events``), unwrapped;
  ``BOOKMARK`` events are skipped;
- a ``List``/``PodList`` (``kubectl get pods -o json``), streamed item by item: the ``items`` of a
  600 MB List are never in memory together;
- a JSON array of any of these, item by item;
- YAML documents (``---``), one document at a time, and JSON-looking YAML (flow style).

JSON is parsed by `ijson <https://pypi.org/project/ijson/>`_ (its C ``yajl2_c`` backend when
installed), YAML by PyYAML (libyaml when available). Each pod is checked by the loader's own checks
(a mapping, ``kind`` Pod if given, a ``spec`` with at least one container) before it is yielded.

Errors are :class:`~podfsm.errors.ManifestError` naming the file and where: the line and field path
for YAML; for JSON the document or item and the field path (``document 3, items[2].spec``), or, for
a regular file of at most 16 MB, the line and column as :mod:`podfsm.loader` reports them. A pod
before the bad one has already been yielded: a consumer that must not act on a partly bad file uses
:func:`podfsm.loader.load_pod_dicts` instead.

Example::

    from podfsm.streaming import PodStream

    stream = PodStream("pods.json")          # a path, "-" for stdin, bytes or a binary file
    for pod in stream:
        try:
            use(pod)
        except SomeProblem as exc:            # say where the pod is in the file
            raise stream.error("status.containerStatuses[0]", str(exc)) from None
"""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Iterator
from typing import IO, Any

import ijson
import yaml

from podfsm._io import describe
from podfsm.errors import ManifestError
from podfsm.loader import (
    _LIST_KINDS,
    _LOCATE_LIMIT,
    MAX_DEPTH,
    NO_PODS,
    PodFile,
    _as_path,
    _check_nodes,
    _pod_problem,
    _value_problem,
    _YAMLLoader,
)

__all__ = ["PodStream", "StreamSource", "iter_pods"]

StreamSource = str | os.PathLike[str] | bytes | IO[bytes] | IO[str]
"""A path, ``"-"`` for standard input, the file's bytes, or an open file (binary or text)."""

_Path = tuple[int | str, ...]

# How much of the input is looked at before deciding between "a List, item by item" and "one
# value at a time"; past this the input is read one value at a time.
_PEEK_LIMIT = 1 << 20
_CHUNK = 1 << 16
_JSON_START = (ord("{"), ord("["))
_DEPTH_GUARD = 5_000


class _TooDeep(Exception):
    """Raised by the reader when the input may nest deeper than ``_DEPTH_GUARD``."""


def iter_pods(
    src: StreamSource, *, source: str | None = None, allow_empty: bool = True
) -> Iterator[dict[str, Any]]:
    """The pods in ``src`` one at a time, in file order, as plain dicts (see the module docstring).

    ``source`` names the input in error messages (default: the path, or ``<stdin>``). Raises
    :class:`~podfsm.errors.ManifestError` for input that cannot be read or is not pods, and, with
    ``allow_empty=False`` (what the commands use), for input that holds no pod, at its end.
    """
    return iter(PodStream(src, source=source, allow_empty=allow_empty))


class _Reader:
    """A binary reader whose ``read(n)`` returns what is available now (one OS read) after ``head``.

    ijson asks for a buffer's worth; on a pipe a plain ``read(n)`` would wait for all of it, and a
    watch stream would print nothing until ``n`` bytes (or the end) arrived.
    """

    def __init__(self, handle: IO[bytes] | IO[str], head: bytes = b"") -> None:
        self._handle = handle
        self._head = head
        self.bytes_read = 0
        self._open_brackets = 0  # an upper bound on the nesting depth so far (see read_more)
        self.guard = True
        read1 = getattr(handle, "read1", None)
        self._read = read1 if read1 is not None else handle.read

    def read_more(self, n: int = _CHUNK) -> bytes:
        data = self._read(n)
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.bytes_read += len(data)
        # ijson's parser builds a prefix string per nesting level, so memory grows with the square
        # of the depth: refuse input that could nest deeper than _DEPTH_GUARD before it is parsed.
        # Brackets in strings count too, which errs on the side of refusing; a pod has under 50.
        opens = data.count(b"[") + data.count(b"{")
        if self._open_brackets + opens > _DEPTH_GUARD and self.guard:
            raise _TooDeep
        self._open_brackets = max(0, self._open_brackets + opens - data.count(b"]") - data.count(b"}"))
        return data

    def read(self, n: int = -1) -> bytes:
        if n == 0:
            return b""
        if self._head:
            out, self._head = self._head, b""
            return out
        return self.read_more(_CHUNK if n < 0 else n)

    def prepend(self, head: bytes) -> None:
        self._head = head + self._head


class PodStream:
    """The pods of one input, read one at a time: iterate it once.

    ``name`` is the input's name in messages; :meth:`error` builds a :class:`ManifestError` about
    the pod most recently yielded (``field`` relative to the pod, e.g. ``spec.containers[0]``).
    """

    def __init__(self, src: StreamSource, *, source: str | None = None, allow_empty: bool = True) -> None:
        self._src = src
        self._allow_empty = allow_empty
        self.name = source or _name_of(src)
        self.count = 0  # pods yielded so far
        self._where: tuple[str | None, _Path] = (None, ())  # (prefix, path) of the last pod
        self._yaml_node: yaml.Node | None = None
        self._regular_file: str | None = None  # a path we may re-read to locate a JSON error
        self._reader: _Reader | None = None
        self._pod_file: PodFile | None = None

    @property
    def bytes_read(self) -> int:
        """How many bytes of the input have been read so far (for progress)."""
        return 0 if self._reader is None else self._reader.bytes_read

    # -- public -------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[dict[str, Any]]:
        handle, close = self._open()
        try:
            self._reader = _Reader(handle)
            if self._regular_file is not None:  # small: the loader, with its exact lines and bounds
                yield from self._small_file(self._reader)
                return
            try:
                yield from self._pods(self._reader)
            except _TooDeep:
                raise ManifestError(
                    self.name,
                    f"nested too deeply: more than {_DEPTH_GUARD:,} brackets open at once "
                    f"(a pod nests about 10 deep; the limit is {MAX_DEPTH})",
                    f"byte {self._reader.bytes_read:,}",
                ) from None
            if not self.count and not self._allow_empty:
                raise ManifestError(self.name, NO_PODS)
        finally:
            if close:
                handle.close()

    def error(self, field: _Path | str, problem: str) -> ManifestError:
        """A :class:`ManifestError` about ``field`` of the pod most recently yielded."""
        prefix, path = self._where
        if self._pod_file is not None:
            return self._pod_file.error(self.count - 1, field, problem)
        if self._yaml_node is None and self._regular_file is not None and self.count:
            try:  # a small JSON file: the loader finds the line
                return PodFile.read(self._regular_file, source=self.name).error(
                    self.count - 1, field, problem
                )
            except ManifestError as exc:
                return exc
        return self._error(prefix, (*path, *_as_path(field)), problem, self._yaml_node)

    # -- opening --------------------------------------------------------------------------------

    def _open(self) -> tuple[IO[bytes] | IO[str], bool]:
        src = self._src
        if isinstance(src, bytes):
            return io.BytesIO(src), True
        if isinstance(src, str) and src == "-":
            return getattr(sys.stdin, "buffer", sys.stdin), False
        if isinstance(src, str | os.PathLike):
            path = os.fspath(src)
            try:
                handle = open(path, "rb")  # noqa: SIM115 - closed by __iter__
                mode = os.fstat(handle.fileno()).st_mode
            except OSError as exc:
                raise ManifestError(self.name, f"cannot read: {exc.strerror or exc}") from None
            if stat.S_ISREG(mode) and os.fstat(handle.fileno()).st_size <= _LOCATE_LIMIT:
                self._regular_file = path
            return handle, True
        return src, False

    def _small_file(self, reader: _Reader) -> Iterator[dict[str, Any]]:
        """A regular file of at most 16 MB: read whole by :class:`~podfsm.loader.PodFile`, which
        reports errors with their line and column, then handed out one pod at a time."""
        reader.guard = False  # the loader has its own bounds
        data = b"".join(iter(lambda: reader.read(_CHUNK * 16), b""))
        assert self._regular_file is not None
        self._pod_file = PodFile.read(data, source=self.name, allow_empty=self._allow_empty)
        for pod in self._pod_file.pods:
            self.count += 1
            yield pod

    # -- dispatch -------------------------------------------------------------------------------

    def _pods(self, reader: _Reader) -> Iterator[dict[str, Any]]:
        head = self._read_head(reader)
        start = head.lstrip(b" \t\r\n")
        if not start:
            return
        if start[0] not in _JSON_START:
            reader.prepend(head)
            yield from self._yaml(reader)
            return
        mode, head = self._decide(reader, head)
        reader.prepend(head)
        if mode == "yaml":  # JSON-looking YAML (flow style), as kubectl accepts
            yield from self._yaml(reader, json_like=True)
        else:
            yield from self._json(reader, mode)

    def _read_head(self, reader: _Reader) -> bytes:
        """The first non-empty chunk, without a UTF-8 byte order mark."""
        head = b""
        while not head.strip():
            data = reader.read_more()
            if not data:
                break
            head += data
        if head.startswith(b"\xef\xbb\xbf"):
            head = head[3:]
        return head

    def _decide(self, reader: _Reader, head: bytes) -> tuple[str, bytes]:
        """``list`` (a List to stream item by item), ``values`` or ``yaml``, and the bytes read."""
        while True:
            verdict = _first_value_kind(head)
            if verdict is not None:
                return verdict, head
            if len(head) >= _PEEK_LIMIT:
                return "values", head
            data = reader.read_more()
            if not data:
                return "values", head  # ends inside the first value: the parser will say where
            head += data

    # -- JSON -----------------------------------------------------------------------------------

    def _json(self, reader: _Reader, mode: str) -> Iterator[dict[str, Any]]:
        """``mode``: ``list`` (a List's items), ``array`` (a JSON array's items) or ``values``."""
        prefix = {"list": "items.item", "array": "item"}.get(mode, "")
        values = ijson.items(reader, prefix, use_float=True, multiple_values=mode == "values")
        index = 0
        while True:
            try:
                value = next(values)
            except StopIteration:
                return
            except ijson.JSONError as exc:
                raise self._json_syntax_error(exc, index, mode) from None
            where: tuple[str | None, _Path] = {
                "list": (None, ("items", index)),
                "array": (None, (index,)),
            }.get(mode, (f"document {index + 1}", ()))
            self._check_values(value, *where, keys=False)
            yield from self._collect(value, *where)
            index += 1

    def _precise_error(self) -> ManifestError | None:
        """The loader's error for a small regular file (it says line and column), if it finds one."""
        if self._regular_file is not None:
            try:
                PodFile.read(self._regular_file, source=self.name)
            except ManifestError as precise:
                return precise
        return None

    def _json_syntax_error(self, exc: Exception, index: int, mode: str) -> ManifestError:
        precise = self._precise_error()
        if precise is not None:
            return precise
        first = (str(exc).strip().splitlines() or ["syntax error"])[0]
        where = {"list": f"items[{index}]", "array": f"[{index}]"}.get(mode, f"document {index + 1}")
        return ManifestError(self.name, f"not valid JSON: {first}", where)

    # -- YAML -----------------------------------------------------------------------------------

    def _yaml(self, reader: _Reader, *, json_like: bool = False) -> Iterator[dict[str, Any]]:
        """YAML documents; ``json_like``: the input looked like JSON but is not (say so if YAML fails)."""
        loader = _YAMLLoader(reader)  # a binary reader: libyaml detects the encoding
        index = 0
        try:
            while True:
                try:
                    if not loader.check_node():
                        return
                    node = loader.get_node()
                    assert node is not None  # check_node said there is one
                    _check_nodes(node)  # aliases and depth, before the document is built
                    value = loader.construct_document(node)
                except yaml.YAMLError as exc:
                    raise (self._precise_error() if json_like else None) or self._yaml_error(exc) from None
                if value is not None:
                    self._yaml_node = node
                    self._check_values(value, f"document {index + 1}", (), keys=True)
                    yield from self._collect(value, f"document {index + 1}", ())
                index += 1
        finally:
            self._yaml_node = None
            loader.dispose()

    def _yaml_error(self, exc: yaml.YAMLError) -> ManifestError:
        if isinstance(exc, yaml.MarkedYAMLError):
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or exc.context or "syntax error"
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else None
            return ManifestError(self.name, f"not valid YAML: {problem}", where)
        return ManifestError(self.name, f"not valid YAML: {exc}")

    # -- pods -----------------------------------------------------------------------------------

    def _check_values(self, value: object, prefix: str | None, path: _Path, *, keys: bool) -> None:
        """The loader's check of every value (JSON's types, int64, finite numbers, nesting depth)."""
        found = _value_problem(value, keys=keys)
        if found is not None:
            located = self._precise_error() if self._yaml_node is None else None
            raise located or self._error(prefix, (*path, *found[0]), found[1], self._yaml_node)

    def _collect(self, obj: object, prefix: str | None, path: _Path) -> Iterator[dict[str, Any]]:
        """The pods in ``obj`` (a pod, a List, a watch event or a list of them)."""
        if isinstance(obj, list):
            for i, item in enumerate(obj):
                yield from self._collect(item, prefix, (*path, i))
            return
        if isinstance(obj, dict):
            kind = obj.get("kind")
            if isinstance(kind, str) and kind in _LIST_KINDS:
                items = obj.get("items") or []
                if not isinstance(items, list):
                    raise self._precise_error() or self._error(
                        prefix, (*path, "items"), f"must be a list, got {describe(items, preview=True)}"
                    )
                for i, item in enumerate(items):
                    yield from self._pod(item, prefix, (*path, "items", i))
                return
            if kind is None and "type" in obj and "object" in obj:  # a watch event
                if obj["type"] != "BOOKMARK":
                    yield from self._collect(obj["object"], prefix, (*path, "object"))
                return
        yield from self._pod(obj, prefix, path)

    def _pod(self, obj: object, prefix: str | None, path: _Path) -> Iterator[dict[str, Any]]:
        problem = _pod_problem(obj)
        if problem is not None:
            located = self._precise_error() if self._yaml_node is None else None
            raise located or self._error(prefix, (*path, *problem[0]), problem[1], self._yaml_node)
        assert isinstance(obj, dict)
        self._where = (prefix, path)
        self.count += 1
        yield obj

    def _error(
        self, prefix: str | None, path: _Path, problem: str, node: yaml.Node | None = None
    ) -> ManifestError:
        from podfsm.api import field_path  # here, so that reading pods does not import pydantic

        parts: list[str] = []
        line = _line_in_node(node, path) if node is not None else None
        if line is not None:
            parts.append(f"line {line}")
        elif prefix is not None:
            parts.append(prefix)
        if path:
            parts.append(field_path(path))
        return ManifestError(self.name, problem, ", ".join(parts) or None)


def _name_of(src: StreamSource) -> str:
    if isinstance(src, bytes):
        return "<bytes>"
    if isinstance(src, str) and src == "-":
        return "<stdin>"
    if isinstance(src, str | os.PathLike):
        return os.fspath(src)
    return str(getattr(src, "name", "<stream>"))


def _first_value_kind(head: bytes) -> str | None:
    """Whether the first JSON value in ``head`` is a List to stream (``list``), anything else
    (``values``), not JSON at all (``yaml``), or ``None`` when ``head`` ends before that is known.

    A top-level object with an ``items`` key is a List (``kubectl get pods -o json`` writes
    ``items`` second, after ``apiVersion``).
    """
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(head), multiple_values=True):
            if prefix == "" and event == "start_array":
                return "array"
            if prefix == "" and event == "map_key" and value == "items":
                return "list"
            if prefix == "" and event == "end_map":
                return "values"
    except ijson.JSONError as exc:  # yajl says "premature EOF" where the bytes ran out
        return None if "premature EOF" in str(exc) else "yaml"
    return "values"


def _line_in_node(node: yaml.Node, path: _Path) -> int | None:
    """The 1-based line where ``path`` (or the deepest part of it that exists) starts in ``node``."""
    line: int = node.start_mark.line
    for part in path:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == part:
                    line, child = key.start_mark.line, value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
            line = child.start_mark.line
        if child is None:
            break
        node = child
    return line + 1
