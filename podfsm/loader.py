"""Reading pod manifests: every format ``kubectl`` prints or accepts, with errors that say where.

Formats, detected from the text (not the file name):

- one JSON object (``kubectl get pod NAME -o json``);
- a ``List`` or ``PodList`` (``kubectl get pods -o json``), whose ``items`` are the pods;
- concatenated JSON objects (``kubectl get pod -w -o json``), also one per line;
- watch events ``{"type": "ADDED", "object": {...}}`` (``--output-watch-events``), unwrapped;
  ``BOOKMARK`` events carry no pod and are skipped;
- YAML, multi-document YAML (empty documents are skipped), and YAML or JSON lists of the above.

Two entry points:

- :func:`load_pod_dicts` returns the pods as the plain dicts the parser made: no copy, no
  pydantic, only the checks every consumer needs (a mapping, ``kind`` Pod if given, a ``spec``
  with at least one container). ``podfsm status`` uses it on files of 100,000 pods.
- :func:`load` (``podfsm.load``) also validates every pod into :class:`podfsm.api.Pod`.

Every problem is a :class:`~podfsm.errors.ManifestError` naming the file and, where it can, the
line (a syntax error's line and column come from the parser) and the field path::

    pods.yaml: line 3, column 7: not valid YAML: mapping values are not allowed here
    pods.json: line 14, items[2].spec.containers: a Pod needs at least one container
    pod.yaml: line 9, spec.containers[0].livenessProbe.periodSeconds: must be an integer
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from collections.abc import Callable, Collection, Iterator
from typing import IO, TYPE_CHECKING, Any

import yaml

from podfsm._io import describe
from podfsm.errors import ManifestError

if TYPE_CHECKING:  # podfsm.api (pydantic) is imported when needed: load_pod_dicts never needs it
    from podfsm.api import Pod

__all__ = ["PodFile", "PodProblem", "Source", "load", "load_pod_dicts"]

Source = str | os.PathLike[str] | bytes | IO[str] | IO[bytes]
"""A path, ``"-"`` for stdin, manifest text (a ``str`` with a newline or starting with ``{``/``[``),
``bytes``, or an open file."""

Path = tuple[int | str, ...]
_Visit = Callable[[dict[str, Any]], None]
_FIELD_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")

_LIST_KINDS = frozenset({"List", "PodList"})
NO_PODS = "no pods in the file (it is empty, an empty List, or only BOOKMARK watch events)"
_WHITESPACE = re.compile(r"[ \t\n\r]*")
# Above this size, re-parsing on an error (to find a field's line, or to try YAML flow style
# after a JSON syntax error) is not worth it: the error names the document and field instead.
_LOCATE_LIMIT = 16_000_000

if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
else:  # libyaml's parser when PyYAML was built with it
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


MAX_DEPTH = 100
"""How deeply mappings and lists may nest in a document (a pod nests about 10 deep). Lower than
Kubernetes' 10,000 (``k8s.io/apimachinery/pkg/util/json``), so that no later step (a deep copy,
the JSON encoder) reaches Python's recursion limit."""

# go-yaml's bound on alias expansion (decode.go: allowedAliasRatio), which sigs.k8s.io/yaml, and
# so kubectl and the API server, apply: above 1,000 decoded nodes and 100 from aliases, at most
# 99% of them may come from aliases up to 400,000 nodes, sliding to 10% at 4,000,000.
_ALIAS_RANGE_LOW = 400_000
_ALIAS_RANGE_HIGH = 4_000_000


def _allowed_alias_ratio(decoded: int) -> float:
    if decoded <= _ALIAS_RANGE_LOW:
        return 0.99
    if decoded >= _ALIAS_RANGE_HIGH:
        return 0.10
    return 0.99 - 0.89 * (decoded - _ALIAS_RANGE_LOW) / (_ALIAS_RANGE_HIGH - _ALIAS_RANGE_LOW)


def _check_nodes(root: yaml.Node) -> None:
    """Refuse a composed document that would expand too far: recursive aliases, nesting deeper
    than :data:`MAX_DEPTH`, or excessive aliasing (go-yaml's rule, on the whole document).

    Works on the node graph, where an alias is a second reference to the same node, so a
    "billion laughs" document costs its size here, not its expansion. Raises ConstructorError.
    """
    expanded: dict[int, int] = {}  # id(node) -> nodes it expands to, itself included
    height: dict[int, int] = {}  # id(node) -> levels of mappings and lists it expands to
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if done:
            on_path.discard(key)
            expanded[key] = 1 + sum(expanded[id(c)] for c in children)
            level = 0
            if isinstance(node, yaml.CollectionNode):
                level = 1 + max((height[id(c)] for c in children), default=0)
            height[key] = level
            if level > MAX_DEPTH:
                raise yaml.constructor.ConstructorError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", node.start_mark
                )
            continue
        if key in expanded:
            continue
        if key in on_path:
            raise yaml.constructor.ConstructorError(
                None, None, "an alias refers to a node that contains it (a recursive alias)", node.start_mark
            )
        on_path.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children)
    total = expanded[id(root)]
    from_aliases = total - len(expanded)
    if from_aliases > 100 and total > 1000 and from_aliases / total > _allowed_alias_ratio(total):
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"document contains excessive aliasing ({total:,} nodes once aliases are expanded, "
            f"from {len(expanded):,})",
            root.start_mark,
        )


class _YAMLLoader(_BaseLoader):
    """The safe loader (libyaml when available), with timestamps kept as text as Kubernetes does,
    and every document's aliases and depth checked before it is built (:func:`_check_nodes`)."""

    def construct_document(self, node: yaml.Node) -> Any:
        _check_nodes(node)
        return super().construct_document(node)


def _timestamp_as_text(loader: _YAMLLoader, node: yaml.Node) -> str:
    """An unquoted timestamp stays text, as in Kubernetes' YAML-to-JSON conversion."""
    assert isinstance(node, yaml.ScalarNode)
    return loader.construct_scalar(node)


_YAMLLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


# --------------------------------------------------------------------------------------------
# Public API


def load_pod_dicts(
    src: Source, *, source: str | None = None, allow_empty: bool = True
) -> list[dict[str, Any]]:
    """The pods in ``src`` as plain dicts, in file order; checks only what every consumer needs.

    With ``allow_empty=False`` (what every command uses) a file with no pods is a
    :class:`ManifestError` naming it.
    """
    return PodFile.read(src, source=source, allow_empty=allow_empty).pods


def load(src: Source, *, source: str | None = None, allow_empty: bool = True) -> list[Pod]:
    """The pods in ``src`` as validated :class:`~podfsm.api.Pod` objects, in file order.

    Raises :class:`ManifestError` naming the file, line and field for anything that is not a
    pod manifest (see the module docstring and ``docs/objects-and-loading.md`` for the limits);
    with ``allow_empty=False``, also for a file with no pods.
    """
    from pydantic import ValidationError

    from podfsm.api import Pod, validation_problem

    pods: list[Pod] = []

    def validate(obj: dict[str, Any]) -> None:
        try:
            pods.append(Pod.model_validate(obj))
        except ValidationError as exc:
            raise PodProblem(*validation_problem(exc)) from None

    PodFile.read(src, source=source, visit=validate, allow_empty=allow_empty)
    return pods


class PodProblem(Exception):
    """Raised by a ``visit`` function: what is wrong with the pod it was given, and at which field."""

    def __init__(self, field: Path | str, problem: str) -> None:
        super().__init__(problem)
        self.field = _as_path(field)
        self.problem = problem


# --------------------------------------------------------------------------------------------
# Reading


def read_text(src: Source, source: str | None = None) -> tuple[str, str]:
    """``(text, name)`` for any :data:`Source` (a path, ``-`` for stdin, text, bytes or a stream).

    Errors (missing file, not UTF-8) are :class:`ManifestError` naming the file.
    """
    if isinstance(src, bytes):
        name = source or "<bytes>"
        return _decode(src, name), name
    if isinstance(src, str) and src == "-":
        name = source or "<stdin>"
        buffer = getattr(sys.stdin, "buffer", None)
        return (_decode(buffer.read(), name) if buffer is not None else sys.stdin.read()), name
    if isinstance(src, str) and ("\n" in src or src.lstrip()[:1] in ("{", "[")):
        return src.removeprefix("\ufeff"), source or "<text>"
    if isinstance(src, str | os.PathLike):
        path = os.fspath(src)
        name = source or path
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise ManifestError(name, f"cannot read: {exc.strerror or exc}") from None
        return _decode(data, name), name
    name = source or str(getattr(src, "name", "<stream>"))
    try:
        content = src.read()
    except OSError as exc:
        raise ManifestError(name, f"cannot read: {exc.strerror or exc}") from None
    return (_decode(content, name) if isinstance(content, bytes) else content.removeprefix("\ufeff")), name


def parse_yaml(text: str, name: str) -> list[Any]:
    """Every document of a YAML (or JSON) text, with the safe loader and the loader's bounds.

    Aliases and depth are checked before a document is built (:data:`MAX_DEPTH`, go-yaml's bound
    on alias expansion, no recursive aliases); timestamps stay text. Every problem is one line,
    a :class:`ManifestError` naming ``name`` and the line and column. The values themselves are
    not checked here: :class:`PodFile` does that for pods, ``load_json_like`` for other files.
    """
    try:
        return list(yaml.load_all(text, Loader=_YAMLLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "syntax error"
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else None
        raise ManifestError(name, f"not valid YAML: {_first_line(problem)}", where) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, at a position
        raise ManifestError(name, f"not valid YAML: {exc.reason} (character {exc.position + 1})") from None
    except yaml.YAMLError as exc:
        raise ManifestError(name, f"not valid YAML: {_first_line(exc)}") from None
    except RecursionError:  # the pure-Python parser, nested deeper than Python's recursion limit
        raise ManifestError(name, f"not valid YAML: nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise ManifestError(name, f"not valid YAML: {_first_line(exc)}") from None


def load_json_like(src: Source, *, source: str | None = None) -> tuple[list[Any], str]:
    """``(documents, name)`` of any YAML or JSON file that is not a pod file (events, nodes, cases).

    The same reader, parser and bounds as pod files, and the same check of every value
    (``_value_problem``); empty YAML documents are dropped. Raises :class:`ManifestError`.
    """
    text, name = read_text(src, source)
    return parse_json_like(text, name), name


def parse_json_like(text: str, name: str) -> list[Any]:
    """:func:`load_json_like` of text already read: the documents, checked; ``name`` for messages."""
    docs: list[Any] | None = None
    if text[_skip_whitespace(text, 0) : _skip_whitespace(text, 0) + 1] in ("{", "["):
        try:  # JSON's own parser: many times faster and smaller than YAML's on a big file
            docs = [json.loads(text, parse_constant=refuse_constant)]
        except json.JSONDecodeError:
            docs = None  # JSON-looking YAML (flow style) is read as YAML below
        except RecursionError:
            raise ManifestError(name, f"not valid JSON: nested more than {MAX_DEPTH} levels deep") from None
        except ValueError as exc:
            raise ManifestError(name, f"not valid JSON: {_first_line(exc)}") from None
    if docs is None:
        docs = [d for d in parse_yaml(text, name) if d is not None]
    for i, doc in enumerate(docs):
        check_values(doc, name, f"document {i + 1}" if len(docs) > 1 else None)
    return docs


class JSONArrayItems(Collection[Any]):
    """The items of a JSON array in ``text``, parsed one at a time each time it is iterated.

    For big arrays (an events script of a million events): only the text is held, never all
    the parsed items, so a caller that takes one item, uses it and drops it runs in memory flat
    in the number of items. Built by :func:`json_array_items`, which has checked every item once.
    Each item gets the loader's bounds (:func:`check_values`), named ``[i]``.
    """

    def __init__(self, text: str, name: str, start: int) -> None:
        self._text = text
        self._name = name
        self._start = start  # just after the "["
        self._count = sum(1 for _ in self)

    def __len__(self) -> int:
        return self._count

    def __contains__(self, item: object) -> bool:
        return any(item == x for x in self)

    def __iter__(self) -> Iterator[Any]:
        text, name = self._text, self._name
        decode = json.JSONDecoder(parse_constant=refuse_constant).raw_decode
        pos = _skip_whitespace(text, self._start)
        index = 0
        if text[pos : pos + 1] == "]":
            return
        while True:
            try:
                item, pos = decode(text, pos)
            except json.JSONDecodeError as exc:
                raise _JSONSyntaxError(
                    name, f"not valid JSON: {exc.msg}", f"line {exc.lineno}, column {exc.colno}"
                ) from None
            except RecursionError:
                raise ManifestError(
                    name, f"not valid JSON: nested more than {MAX_DEPTH} levels deep", f"[{index}]"
                ) from None
            except ValueError as exc:
                raise ManifestError(name, f"not valid JSON: {_first_line(exc)}", f"[{index}]") from None
            _check_item(item, name, index)
            yield item
            index += 1
            pos = _skip_whitespace(text, pos)
            sep = text[pos : pos + 1]
            if sep == "]":
                if _skip_whitespace(text, pos + 1) != len(text):
                    raise _JSONSyntaxError(name, "not valid JSON: Extra data after the array")
                return
            if sep != ",":
                line = text.count("\n", 0, pos) + 1
                raise _JSONSyntaxError(name, "not valid JSON: Expecting ',' delimiter", f"line {line}")
            pos = _skip_whitespace(text, pos + 1)


def _check_item(item: object, name: str, index: int) -> None:
    found = _value_problem(item, keys=False)
    if found is not None:
        from podfsm.api import field_path

        raise ManifestError(name, found[1], field_path((index, *found[0])))


def json_array_items(src: Source, *, source: str | None = None) -> tuple[JSONArrayItems | None, str, str]:
    """``(items, text, name)``: the items of ``src`` read lazily when it is one JSON array, else
    ``(None, text, name)``. Every item is parsed and checked once here (ManifestError)."""
    text, name = read_text(src, source)
    start = _skip_whitespace(text, 0)
    if text[start : start + 1] != "[":
        return None, text, name
    try:
        return JSONArrayItems(text, name, start + 1), text, name
    except _JSONSyntaxError:
        return None, text, name  # maybe flow-style YAML (``[{type: Scheduled}]``): read it as YAML


class _JSONSyntaxError(ManifestError):
    """Text that is not JSON at all, which may still be YAML."""


def check_values(obj: object, name: str, where: str | None = None) -> None:
    """Raise :class:`ManifestError` naming ``name`` and the field when ``obj`` holds a value a
    Kubernetes object cannot (see ``_value_problem``); ``where`` (``document 2``) prefixes the field.
    """
    found = _value_problem(obj, keys=True)
    if found is None:
        return
    from podfsm.api import field_path

    parts = [p for p in (where, field_path(found[0])) if p]
    raise ManifestError(name, found[1], ", ".join(parts) or None)


def loads_json(text: str, name: str) -> Any:
    """One JSON value from ``text``, with the loader's bounds; :class:`ManifestError` naming ``name``.

    NaN and Infinity, integers of more than 4,300 digits or outside int64, and nesting deeper
    than :data:`MAX_DEPTH` are refused, each in one line.
    """
    try:
        value = json.loads(text, parse_constant=refuse_constant)
    except json.JSONDecodeError as exc:
        raise ManifestError(
            name, f"not valid JSON: {exc.msg}", f"line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise ManifestError(name, f"not valid JSON: nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:
        raise ManifestError(name, f"not valid JSON: {_first_line(exc)}") from None
    check_values(value, name)
    return value


def _first_line(error: object) -> str:
    """The first line of a parser's message (PyYAML adds ``in "<unicode string>", line 1``)."""
    return str(error).strip().split("\n", 1)[0]


def refuse_constant(name: str) -> Any:
    """``parse_constant`` for :mod:`json`: ``NaN``, ``Infinity`` and ``-Infinity`` are refused."""
    raise ValueError(f"{name} is not a number JSON can hold")


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ManifestError(name, f"not UTF-8 text (byte {exc.start})", f"line {line}") from None


def _skip_whitespace(text: str, pos: int) -> int:
    """The position of the first non-whitespace character (JSON's whitespace) at or after ``pos``."""
    match = _WHITESPACE.match(text, pos)
    return match.end() if match else pos


def _pod_problem(obj: object) -> tuple[Path, str] | None:
    """What makes ``obj`` unusable as a pod, as ``(relative field path, problem)``, or ``None``."""
    if not isinstance(obj, dict):
        return (), f"expected a Pod (a mapping), got {describe(obj, preview=True)}"
    kind = obj.get("kind")
    if kind is not None and kind != "Pod":
        return ("kind",), f"{kind!r} is not Pod: podfsm loads Pods, Lists of Pods and watch events"
    if kind is None and "spec" not in obj and isinstance(obj.get("pod"), dict) and "steps" in obj:
        name = obj.get("name")
        run = f"podfsm examples {name}" if isinstance(name, str) and name else "podfsm examples NAME"
        return (), (
            f"a podfsm example scenario (a pod and its steps), not a Pod: run it with `{run}`, "
            "or give the manifest under its `pod:` key alone"
        )
    for key in ("metadata", "status"):
        value = obj.get(key)
        if value is not None and not isinstance(value, dict):
            return (key,), f"must be a mapping, got {describe(value, preview=True)}"
    spec = obj.get("spec")
    if spec is None:
        return ("spec",), "a Pod needs a spec with at least one container"
    if not isinstance(spec, dict):
        return ("spec",), f"must be a mapping, got {describe(spec, preview=True)}"
    containers = spec.get("containers")
    if not containers:
        return ("spec", "containers"), "a Pod needs at least one container"
    if not isinstance(containers, list):
        return ("spec", "containers"), f"must be a list, got {describe(containers, preview=True)}"
    return None


_INT64 = (-(2**63), 2**63 - 1)
_DEEP_PATH_SHOWN = 8
_PLAIN = frozenset({str, bool, type(None)})
# (container, depth, parent entry, key in parent): the parent chain gives the path on error only
_Entry = tuple[Any, int, Any, int | str | None]


def _value_problem(root: object, *, keys: bool) -> tuple[Path, str] | None:
    """The first value in ``root`` that a Kubernetes object cannot hold, as ``(path, problem)``.

    JSON's types only (strings, finite numbers, booleans, null, lists, mappings with string keys;
    ``keys`` checks the keys, which JSON text always has as strings), integers in int64 (what
    every integer field of the API is), at most :data:`MAX_DEPTH` levels deep. So YAML's
    ``!!binary``, ``!!set``, ``!!omap`` and non-string keys, ``.nan``, ``.inf`` and ``1e400`` are
    refused here, whatever field they are in.
    """
    stack: list[_Entry] = [(root, 0, None, None)]
    while stack:
        entry = stack.pop()
        obj, depth = entry[0], entry[1]
        if type(obj) is dict:
            items: Any = obj.items()
        elif type(obj) is list:
            items = enumerate(obj)
        else:
            problem = _scalar_problem(obj)
            if problem is None:
                continue
            return _entry_path(entry), problem
        if depth >= MAX_DEPTH:  # named by the first levels of the path, where the deep value starts
            return _entry_path(entry)[:_DEEP_PATH_SHOWN], f"nested more than {MAX_DEPTH} levels deep"
        for k, v in items:
            if keys and type(k) is not str and type(obj) is dict:
                return (*_entry_path(entry), _key_text(k)), f"a key must be a string, got {describe(k)}"
            if type(v) in _PLAIN:
                continue
            if type(v) is int and _INT64[0] <= v <= _INT64[1]:
                continue
            stack.append((v, depth + 1, entry, k))
    return None


def _scalar_problem(value: object) -> str | None:
    cls = type(value)
    if cls is int:
        assert isinstance(value, int)
        if _INT64[0] <= value <= _INT64[1]:
            return None
        return "an integer outside the 64-bit range Kubernetes' API can hold"
    if cls is float:
        assert isinstance(value, float)
        return None if math.isfinite(value) else f"{value!r} is not a number JSON can hold"
    if cls in _PLAIN:
        return None
    if cls is bytes:
        return "binary data (YAML's !!binary), which a JSON object cannot hold"
    if cls is set:
        return "a set (YAML's !!set), which a JSON object cannot hold"
    if cls is tuple:
        return "ordered pairs (YAML's !!omap or !!pairs), which a JSON object cannot hold"
    return f"{describe(value)}, which a JSON object cannot hold"


def _key_text(key: object) -> str:
    return f"[{key!r}]" if not isinstance(key, str) else key


def _entry_path(entry: _Entry) -> Path:
    parts: list[int | str] = []
    while entry[2] is not None:
        key = entry[3]
        parts.append(key if isinstance(key, int | str) else _key_text(key))
        entry = entry[2]
    return tuple(reversed(parts))


def _as_path(field: Path | str) -> Path:
    """``spec.containers[0].name`` as ``("spec", "containers", 0, "name")``; ``pod`` alone is the root."""
    if not isinstance(field, str):
        return field
    if field in ("", "pod"):
        return ()
    return tuple(int(index) if index else key for index, key in _FIELD_PART.findall(field))


class PodFile:
    """A manifest file, read: its pods as plain dicts and how to say where something in them is.

    Every value is checked first (JSON's types, int64, finite numbers, :data:`MAX_DEPTH`); a
    file with no pods is an error unless ``allow_empty``.

    ``visit`` (if given) is called with each pod in file order and may raise :class:`PodProblem`,
    which becomes a :class:`ManifestError` with the pod's line and field path.
    """

    def __init__(
        self, text: str, name: str, visit: _Visit | None = None, *, allow_empty: bool = False
    ) -> None:
        self.name = name
        self._text = text
        # For concatenated JSON, where each document starts and ends in the text.
        self._spans: list[tuple[int, int]] | None = None
        self._json = False  # the text was one JSON document
        self._docs: list[Any] = []
        self._docs = self._parse()
        self.pods: list[dict[str, Any]] = []
        self._walk(self.pods, visit, None)
        if not self.pods and not allow_empty:  # to a command, an empty file is a mistake
            raise ManifestError(name, NO_PODS)

    @classmethod
    def read(
        cls, src: Source, *, source: str | None = None, visit: _Visit | None = None, allow_empty: bool = False
    ) -> PodFile:
        """Read and parse ``src`` (see :data:`Source`); ``source`` overrides the name in messages.

        A file with no pods is a :class:`ManifestError` unless ``allow_empty``.
        """
        text, name = read_text(src, source)
        return cls(text, name, visit, allow_empty=allow_empty)

    def error(self, index: int, field: Path | str, problem: str) -> ManifestError:
        """A :class:`ManifestError` about ``field`` of pod ``index``, with its line and field path.

        ``field`` is a path tuple or text such as ``spec.containers[0].name``.
        """
        where: list[tuple[int, Path]] = []
        self._walk([], None, where)
        doc, path = where[index]
        return self._error(doc, (*path, *_as_path(field)), problem)

    # -- parsing ------------------------------------------------------------------------------

    def _parse(self) -> list[Any]:
        docs = self._parse_text()
        is_json = self._spans is not None or self._json
        for doc, obj in enumerate(docs):
            found = _value_problem(obj, keys=not is_json)
            if found is not None:
                self._docs = docs
                raise self._error(doc, *found)
        return docs

    def _parse_text(self) -> list[Any]:
        start = _skip_whitespace(self._text, 0)
        if self._text[start : start + 1] not in ("{", "["):
            return self._parse_yaml()
        try:
            docs = [json.loads(self._text, parse_constant=refuse_constant)]
            self._json = True
            return docs
        except json.JSONDecodeError as exc:
            if exc.msg == "Extra data":
                return self._parse_concatenated_json(start)
            json_error = exc
        except RecursionError:
            raise ManifestError(
                self.name, f"not valid JSON: nested more than {MAX_DEPTH} levels deep"
            ) from None
        except ValueError as exc:  # an integer of more than 4,300 digits, NaN or Infinity
            raise ManifestError(self.name, f"not valid JSON: {_first_line(exc)}") from None
        if len(self._text) > _LOCATE_LIMIT:
            raise self._json_syntax_error(json_error)
        try:  # JSON-looking YAML (flow style) is still a manifest kubectl accepts
            return self._parse_yaml()
        except ManifestError:
            raise self._json_syntax_error(json_error) from None

    def _parse_concatenated_json(self, start: int) -> list[Any]:
        decode = json.JSONDecoder(parse_constant=refuse_constant).raw_decode
        text, end_of_text = self._text, len(self._text)
        docs: list[Any] = []
        spans: list[tuple[int, int]] = []
        pos = start
        while pos < end_of_text:
            try:
                obj, end = decode(text, pos)
            except json.JSONDecodeError as exc:
                raise self._json_syntax_error(exc) from None
            except RecursionError:
                raise ManifestError(
                    self.name,
                    f"not valid JSON: nested more than {MAX_DEPTH} levels deep",
                    f"document {len(docs) + 1}",
                ) from None
            except ValueError as exc:
                raise ManifestError(
                    self.name, f"not valid JSON: {_first_line(exc)}", f"document {len(docs) + 1}"
                ) from None
            docs.append(obj)
            spans.append((pos, end))
            pos = _skip_whitespace(text, end)
        self._spans = spans
        return docs

    def _json_syntax_error(self, exc: json.JSONDecodeError) -> ManifestError:
        return ManifestError(
            self.name, f"not valid JSON: {exc.msg}", f"line {exc.lineno}, column {exc.colno}"
        )

    def _parse_yaml(self) -> list[Any]:
        return parse_yaml(self._text, self.name)

    # -- pods -------------------------------------------------------------------------------

    def _walk(
        self, out: list[dict[str, Any]], visit: _Visit | None, where: list[tuple[int, Path]] | None
    ) -> None:
        """Append every pod to ``out`` in file order, and its document and path to ``where``."""
        for doc, obj in enumerate(self._docs):
            if obj is not None:  # an empty YAML document
                self._collect(obj, doc, (), out, visit, where)

    def _collect(
        self,
        obj: object,
        doc: int,
        path: Path,
        out: list[dict[str, Any]],
        visit: _Visit | None,
        where: list[tuple[int, Path]] | None,
    ) -> None:
        """Append the pods in ``obj`` (a pod, a List, a watch event or a list of them) to ``out``."""
        if isinstance(obj, list):
            for i, item in enumerate(obj):
                self._collect(item, doc, (*path, i), out, visit, where)
            return
        if isinstance(obj, dict):
            kind = obj.get("kind")
            if isinstance(kind, str) and kind in _LIST_KINDS:
                items = obj.get("items") or []
                if not isinstance(items, list):
                    raise self._error(
                        doc, (*path, "items"), f"must be a list, got {describe(items, preview=True)}"
                    )
                for i, item in enumerate(items):
                    self._add(item, doc, path, ("items", i), out, visit, where)
                return
            if kind is None and "type" in obj and "object" in obj:  # a watch event
                if obj["type"] != "BOOKMARK":
                    self._collect(obj["object"], doc, (*path, "object"), out, visit, where)
                return
        self._add(obj, doc, path, (), out, visit, where)

    def _add(
        self,
        obj: object,
        doc: int,
        path: Path,
        rel: Path,
        out: list[dict[str, Any]],
        visit: _Visit | None,
        where: list[tuple[int, Path]] | None,
    ) -> None:
        problem = _pod_problem(obj)
        if problem is not None:
            raise self._error(doc, (*path, *rel, *problem[0]), problem[1])
        assert isinstance(obj, dict)
        if visit is not None:
            try:
                visit(obj)
            except PodProblem as exc:
                raise self._error(doc, (*path, *rel, *exc.field), exc.problem) from None
        out.append(obj)
        if where is not None:
            where.append((doc, (*path, *rel)))

    # -- locations ----------------------------------------------------------------------------

    def _error(self, doc: int, path: Path, problem: str) -> ManifestError:
        """A :class:`ManifestError` for ``path`` in document ``doc``, with its line when it can be found."""
        from podfsm.api import field_path  # here, so that reading pods does not import pydantic

        parts: list[str] = []
        line = self._line_of(doc, path)
        if line is not None:
            parts.append(f"line {line}")
        elif len(self._docs) > 1:
            parts.append(f"document {doc + 1}")
        if path:
            parts.append(field_path(path))
        return ManifestError(self.name, problem, ", ".join(parts) or None)

    def _line_of(self, doc: int, path: Path) -> int | None:
        """The 1-based line where ``path`` (or the deepest part of it that exists) starts."""
        if self._spans is not None:
            begin, end = self._spans[doc]
            found = _line_in(self._text[begin:end], 0, path)
            return None if found is None else self._text.count("\n", 0, begin) + found
        if len(self._text) > _LOCATE_LIMIT:
            return None
        return _line_in(self._text, doc, path)


def _line_in(text: str, doc: int, path: Path) -> int | None:
    """Re-parse ``text`` with positions and walk ``path`` in its document ``doc``."""
    try:
        nodes: Iterator[yaml.Node] = yaml.compose_all(text, Loader=_YAMLLoader)
        node = next(n for i, n in enumerate(nodes) if i == doc)
    except (yaml.YAMLError, StopIteration):
        return None
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
