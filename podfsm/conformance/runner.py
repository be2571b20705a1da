"""Conformance cases: pods with the answers upstream Kubernetes gives, checked against an implementation.

A case file is a JSON array of cases (the format is documented in ``docs/conformance.md`` and in
the shared ``conformance/README.md``)::

    {"id": "...", "source": "kubernetes <file> <Test>/<row>",
     "pod": {...}, "context": {...}, "now": "2024-01-01T00:00:00Z",
     "expect": {...}}

Each case is one of four kinds, told apart by its fields:

============  ===================================================  ===========================
kind          recognised by                                        podfsm call
============  ===================================================  ===========================
phase         ``context.function == "getPhase"``                   :func:`~podfsm.oracle.pod_phase`
conditions    ``context.function`` starts with ``Generate``        :func:`~podfsm.oracle.pod_conditions`
columns       a pod, no ``context.function``, ``expect`` has       :func:`~podfsm.oracle.kubectl_columns`
              ``ready``/``status``/``restarts`` (or no ``expect``)
duration      ``nanoseconds`` instead of ``pod``                   :func:`~podfsm.oracle.human_duration`
============  ===================================================  ===========================

A case of any other kind is skipped. An implementation answers a case with an object shaped
like ``expect`` (a bare string for a duration case); only what ``expect`` gives is compared.

The implementation is podfsm's oracle (:func:`check`) or another program (:func:`run_program`),
which gets each case as JSON on stdin (without ``expect`` and ``extra``, the answers) and prints
its answer as JSON on stdout: once per case, or, in JSON-lines mode, started once and fed one
case per line, answering one line per case. ``python -m podfsm.conformance [--jsonl]`` is such a
program, answering with podfsm's oracle.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shlex
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Literal

from podfsm._io import describe
from podfsm.errors import ManifestError, PodFSMError, UsageError
from podfsm.loader import MAX_DEPTH, check_values, loads_json, refuse_constant
from podfsm.oracle import human_duration, kubectl_columns, pod_conditions, pod_phase

__all__ = [
    "DEFAULT_TIMEOUT",
    "Case",
    "Mismatch",
    "Outcome",
    "Result",
    "Summary",
    "answer",
    "case_kind",
    "check",
    "compare",
    "load_cases",
    "load_paths",
    "main",
    "program_input",
    "run",
    "run_program",
    "summarize",
]

Outcome = Literal["pass", "fail", "skip"]
Kind = Literal["phase", "conditions", "columns", "duration"]

DEFAULT_TIMEOUT = 30.0  # seconds a program may take for one case
_COLUMNS = ("ready", "status", "restarts")
_ANSWER_KEYS = ("expect", "extra")  # what a program under test must not see


class _Missing:
    """Marks a field the answer does not have."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Case:
    """One conformance case as loaded from a file."""

    id: str
    source: str
    file: str
    index: int
    data: Mapping[str, Any] = field(repr=False)

    @property
    def kind(self) -> Kind | None:
        """Which oracle function the case checks; ``None`` for a kind podfsm does not know."""
        return case_kind(self.data)

    @property
    def expect(self) -> Any:
        """The upstream answer."""
        return self.data["expect"]


@dataclass(frozen=True)
class Mismatch:
    """One compared field whose answer differs from the expected one."""

    field: str
    expected: Any
    got: Any

    def describe(self) -> str:
        """``phase: expected "Pending", got "Running"``."""
        return f"{self.field}: expected {_show(self.expected)}, got {_show(self.got)}"


@dataclass(frozen=True)
class Result:
    """The outcome of one case: pass, fail (with what differed, or what went wrong) or skip."""

    case: Case
    outcome: Outcome
    mismatches: tuple[Mismatch, ...] = ()
    message: str = ""

    @property
    def passed(self) -> bool:
        return self.outcome == "pass"

    @property
    def failed(self) -> bool:
        return self.outcome == "fail"

    @property
    def skipped(self) -> bool:
        return self.outcome == "skip"

    def line(self) -> str:
        """One line: ``FAIL <id> (<file>): <field>: expected <x>, got <y>``."""
        head = f"{self.outcome.upper()} {self.case.id} ({self.case.file})"
        detail = "; ".join(m.describe() for m in self.mismatches)
        if self.message:
            detail = f"{detail}; {self.message}" if detail else self.message
        return f"{head}: {detail}" if detail else head

    def to_json(self) -> dict[str, Any]:
        """The result as plain JSON data (``podfsm conformance -o json``)."""
        return {
            "id": self.case.id,
            "file": self.case.file,
            "source": self.case.source,
            "outcome": self.outcome,
            "mismatches": [
                {"field": m.field, "expected": _jsonable(m.expected), "got": _jsonable(m.got)}
                for m in self.mismatches
            ],
            "message": self.message,
        }


@dataclass(frozen=True)
class Summary:
    """How many cases passed, failed and were skipped."""

    passed: int
    failed: int
    skipped: int

    def line(self) -> str:
        """``N passed, N failed`` and, when any were skipped, ``, N skipped``."""
        text = f"{self.passed} passed, {self.failed} failed"
        return f"{text}, {self.skipped} skipped" if self.skipped else text


# --------------------------------------------------------------------------------------------
# Loading


def _read_stdin() -> str:
    buffer = getattr(sys.stdin, "buffer", None)
    return buffer.read().decode("utf-8-sig") if buffer is not None else sys.stdin.read()


def load_cases(path: str | os.PathLike[str]) -> list[Case]:
    """The cases of one file (``-`` for standard input); a file that is not a JSON array of cases
    raises ManifestError."""
    name = "<stdin>" if str(path) == "-" else str(path)
    try:
        text = _read_stdin() if str(path) == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ManifestError(name, f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ManifestError(name, "not UTF-8 text") from exc
    try:
        data = json.loads(text, parse_constant=refuse_constant)
    except json.JSONDecodeError as exc:
        raise ManifestError(name, f"invalid JSON: {exc.msg}", f"line {exc.lineno}") from exc
    except RecursionError:
        raise ManifestError(name, f"invalid JSON: nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:  # NaN, Infinity, an integer of more than 4,300 digits
        raise ManifestError(name, f"invalid JSON: {str(exc).splitlines()[0]}") from None
    check_values(data, name)  # the loader's bounds on every value: depth, int64, YAML-only types
    if not isinstance(data, list):
        raise ManifestError(name, f"expected a JSON array of cases, got {describe(data, json_words=True)}")
    short = name if str(path) == "-" else Path(path).name
    cases = []
    seen: set[str] = set()
    for i, raw in enumerate(data):
        where = f"case [{i}]"
        if not isinstance(raw, dict):
            raise ManifestError(name, f"expected an object, got {describe(raw, json_words=True)}", where)
        case_id = raw.get("id")
        if not isinstance(case_id, str) or not case_id:
            raise ManifestError(name, "missing a string 'id'", where)
        where = f"case [{i}] {case_id!r}"
        if case_id in seen:
            raise ManifestError(name, "duplicate id", where)
        seen.add(case_id)
        if "expect" not in raw:
            raise ManifestError(name, "missing 'expect'", where)
        if "pod" in raw and not isinstance(raw["pod"], dict):
            raise ManifestError(
                name, f"'pod' must be an object, got {describe(raw['pod'], json_words=True)}", where
            )
        if "context" in raw and not isinstance(raw["context"], dict):
            raise ManifestError(
                name, f"'context' must be an object, got {describe(raw['context'], json_words=True)}", where
            )
        if "now" in raw and raw["now"] is not None:
            try:
                _parse_now(raw["now"])
            except ValueError as exc:
                raise ManifestError(name, f"'now': {exc}", where) from exc
        _check_expect(raw, name, where)
        source = raw.get("source")
        cases.append(Case(case_id, source if isinstance(source, str) else "", short, i, raw))
    return cases


def load_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Case]:
    """The cases of several files; a directory stands for the ``*.json`` files in it, sorted."""
    cases: list[Case] = []
    for path in paths:
        p = Path(path)
        if str(path) != "-" and p.is_dir():
            files = sorted(p.glob("*.json"))
            if not files:
                raise ManifestError(str(path), "directory has no .json case files")
            for f in files:
                cases.extend(load_cases(f))
        else:
            cases.extend(load_cases(p))
    return cases


def _check_expect(raw: Mapping[str, Any], name: str, where: str) -> None:
    kind = case_kind(raw)
    expect = raw["expect"]
    if kind == "duration":
        if not isinstance(expect, str):
            raise ManifestError(
                name,
                f"'expect' of a duration case must be a string, got {describe(expect, json_words=True)}",
                where,
            )
        ns = raw["nanoseconds"]
        if ns is not None and (isinstance(ns, bool) or not isinstance(ns, int | float)):
            raise ManifestError(
                name, f"'nanoseconds' must be a number or null, got {describe(ns, json_words=True)}", where
            )
        return
    if kind is None:
        return
    if not isinstance(expect, dict):
        raise ManifestError(
            name, f"'expect' must be an object, got {describe(expect, json_words=True)}", where
        )
    if kind == "phase" and "phase" not in expect:
        raise ManifestError(name, "'expect' of a getPhase case has no 'phase'", where)
    if kind == "conditions":
        for key in ("conditions", "reasons", "messages"):
            if key in expect and not isinstance(expect[key], dict):
                raise ManifestError(name, f"'expect.{key}' must be an object", where)
        if not isinstance(expect.get("conditions"), dict):
            raise ManifestError(name, "'expect' of a condition case has no 'conditions' object", where)


def case_kind(data: Mapping[str, Any]) -> Kind | None:
    """Which oracle function a case (as JSON data) checks; ``None`` when podfsm does not know it.

    A case with a pod and no ``context.function`` is a kubectl case when its ``expect`` gives
    READY, STATUS or RESTARTS, or when it has no ``expect`` at all (what a program receives).
    """
    if "nanoseconds" in data and "pod" not in data:
        return "duration"
    if not isinstance(data.get("pod"), dict):
        return None
    context = data.get("context")
    function = context.get("function") if isinstance(context, dict) else None
    if function == "getPhase":
        return "phase"
    if isinstance(function, str) and function.startswith("Generate"):
        return "conditions"
    if function is None:
        if "expect" not in data:  # a program's input: the answers are stripped
            return "columns"
        expect = data["expect"]
        if isinstance(expect, dict) and any(k in expect for k in _COLUMNS):
            return "columns"
    return None


# --------------------------------------------------------------------------------------------
# podfsm's answers


def answer(data: Mapping[str, Any]) -> Any:
    """podfsm's answer to a case, shaped like its ``expect`` (the program protocol's answer).

    Raises :class:`~podfsm.errors.UsageError` for a case of a kind podfsm does not know, and
    whatever the oracle raises (:class:`~podfsm.errors.InvalidPod`) for a pod it cannot read.
    """
    kind = case_kind(data)
    context = data.get("context")
    ctx: Mapping[str, Any] = context if isinstance(context, dict) else {}
    gates = ctx.get("featureGates")
    if kind == "duration":
        ns = data["nanoseconds"]
        return human_duration(None if ns is None else ns / 1e9)
    if kind == "phase":
        has_initialized = ctx.get("podHasInitialized")
        phase = pod_phase(
            data["pod"],
            pod_is_terminal=bool(ctx.get("podIsTerminal", False)),
            pod_has_initialized=None if has_initialized is None else bool(has_initialized),
            feature_gates=gates,
        )
        return {"phase": phase}
    if kind == "conditions":
        conditions = pod_conditions(data["pod"], feature_gates=gates)
        return {
            "conditions": {t: c.status for t, c in conditions.items()},
            "reasons": {t: c.reason for t, c in conditions.items()},
            "messages": {t: c.message for t, c in conditions.items()},
        }
    if kind == "columns":
        now = data.get("now")
        return kubectl_columns(data["pod"], now=None if now is None else _parse_now(now)).as_dict()
    raise UsageError("not a case kind podfsm knows (getPhase, Generate*, kubectl columns, nanoseconds)")


def check(case: Case) -> Result:
    """Evaluate ``case`` with podfsm's oracle and compare the answer with ``expect``."""
    if case.kind is None:
        return Result(case, "skip", message="not a case kind podfsm knows")
    try:
        got = answer(case.data)
    except PodFSMError as exc:
        return Result(case, "fail", message=f"podfsm: {exc}")
    return compare(case, got)


def compare(case: Case, got: Any) -> Result:
    """Compare an answer with the case's ``expect``: only the fields ``expect`` gives."""
    kind = case.kind
    expect = case.expect
    if kind is None:
        return Result(case, "skip", message="not a case kind podfsm knows")
    if isinstance(got, dict) and set(got) == {"skip"}:
        return Result(case, "skip", message=f"program skipped it: {got['skip']}")
    mismatches: list[Mismatch] = []
    if kind == "duration":
        if got != expect:
            mismatches.append(Mismatch("duration", expect, got))
    elif not isinstance(got, dict):
        mismatches.append(Mismatch("answer", "an object", got))
    elif kind == "phase":
        value = got.get("phase", MISSING)
        if value != expect["phase"]:
            mismatches.append(Mismatch("phase", expect["phase"], value))
    elif kind == "columns":
        for key in _COLUMNS:
            if key in expect:
                value = got.get(key, MISSING)
                if value != expect[key]:
                    mismatches.append(Mismatch(key, expect[key], value))
    else:
        for group in ("conditions", "reasons", "messages"):
            wanted = expect.get(group)
            if not isinstance(wanted, dict):
                continue
            have = got.get(group, MISSING)
            for ctype, value in wanted.items():
                actual = have.get(ctype, MISSING) if isinstance(have, dict) else MISSING
                if actual != value:
                    mismatches.append(Mismatch(f"{group}.{ctype}", value, actual))
    return Result(case, "fail" if mismatches else "pass", tuple(mismatches))


def _parse_now(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"expected an RFC 3339 timestamp string, got {describe(value, json_words=True)}")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"timestamp without a zone: {value!r}")
    return moment


# --------------------------------------------------------------------------------------------
# Other programs


def program_input(case: Case) -> str:
    """What a program gets for ``case``: the case as compact JSON, without its answers."""
    return json.dumps({k: v for k, v in case.data.items() if k not in _ANSWER_KEYS}, separators=(",", ":"))


def _split(command: str | Sequence[str]) -> list[str]:
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if not argv:
        raise UsageError("--program: empty command")
    return argv


def _decode(text: str) -> tuple[Any, str]:
    """The JSON value a program printed, or an error message."""
    stripped = text.strip()
    if not stripped:
        return None, "program printed nothing"
    try:
        return loads_json(stripped, "program output"), ""
    except ManifestError:
        return None, f"program printed non-JSON: {_clip(stripped)}"


def _judge(case: Case, text: str) -> Result:
    value, error = _decode(text)
    if error:
        return Result(case, "fail", message=error)
    return compare(case, value)


def _run_once(case: Case, argv: list[str], timeout: float) -> Result:
    try:
        done = subprocess.run(
            argv,
            input=program_input(case),
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as exc:
        raise UsageError(f"--program: command not found: {argv[0]}") from exc
    except PermissionError as exc:
        raise UsageError(f"--program: cannot run {argv[0]}: permission denied") from exc
    except subprocess.TimeoutExpired:
        return Result(case, "fail", message=f"program timed out after {timeout:g}s")
    if done.returncode != 0:
        return Result(case, "fail", message=_exit_message(done.returncode, done.stderr))
    return _judge(case, done.stdout)


def _exit_message(code: int, stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    tail = f": {_clip(lines[-1])}" if lines else ""
    return f"program exited with status {code}{tail}"


class _LineProgram:
    """A program started once that answers one line per case (JSON-lines mode)."""

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self.stderr_tail: deque[str] = deque(maxlen=5)
        try:
            self.proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
                bufsize=1,
            )
        except FileNotFoundError as exc:
            raise UsageError(f"--program: command not found: {argv[0]}") from exc
        except PermissionError as exc:
            raise UsageError(f"--program: cannot run {argv[0]}: permission denied") from exc
        self.lines: queue.Queue[str | None] = queue.Queue()
        assert self.proc.stdout is not None and self.proc.stderr is not None
        threading.Thread(target=self._pump, args=(self.proc.stdout,), daemon=True).start()
        self._stderr_reader = threading.Thread(target=self._drain, args=(self.proc.stderr,), daemon=True)
        self._stderr_reader.start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line)
        self.lines.put(None)

    def _drain(self, stream: IO[str]) -> None:
        for line in stream:
            if line.strip():
                self.stderr_tail.append(line.rstrip("\n"))

    def ask(self, case: Case, timeout: float) -> tuple[str | None, str]:
        """The line the program answered, or None and what went wrong."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(program_input(case) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return None, self._died()
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            self.stop()
            return None, f"program timed out after {timeout:g}s"
        if line is None:
            return None, self._died()
        return line, ""

    def _died(self) -> str:
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.stop()
            code = self.proc.returncode
        self._stderr_reader.join(timeout=2)  # let the last words reach stderr_tail
        tail = f": {_clip(self.stderr_tail[-1])}" if self.stderr_tail else ""
        return f"program exited with status {code} before answering{tail}"

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)

    def close(self) -> None:
        if self.proc.stdin is not None:
            with contextlib.suppress(BrokenPipeError, OSError):
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.stop()


def run_program(
    cases: Iterable[Case],
    command: str | Sequence[str],
    *,
    jsonl: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> Iterator[Result]:
    """Ask another program for each case's answer and compare it with ``expect``.

    ``command`` is split like a shell command line (no pipes or redirections). Without ``jsonl``
    the program runs once per case; with it, it is started once, gets one case per line and must
    answer one line per case; if it dies or hangs it is started again for the next case. A
    program that crashes, hangs or prints non-JSON fails that case. Cases of a kind podfsm does
    not know are skipped without asking.
    """
    argv = _split(command)
    line_program: _LineProgram | None = None
    try:
        for case in cases:
            if case.kind is None:
                yield Result(case, "skip", message="not a case kind podfsm knows")
                continue
            if not jsonl:
                yield _run_once(case, argv, timeout)
                continue
            if line_program is None or not line_program.alive:
                if line_program is not None:
                    line_program.close()
                line_program = _LineProgram(argv)
            line, error = line_program.ask(case, timeout)
            if line is None:
                yield Result(case, "fail", message=error)
            else:
                yield _judge(case, line)
    finally:
        if line_program is not None:
            line_program.close()


def run(
    cases: Iterable[Case],
    program: str | Sequence[str] | None = None,
    *,
    jsonl: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[Result]:
    """Check every case against podfsm, or against ``program`` when one is given."""
    if program is None:
        if jsonl:
            raise UsageError("--jsonl needs --program")
        return [check(case) for case in cases]
    return list(run_program(cases, program, jsonl=jsonl, timeout=timeout))


def summarize(results: Iterable[Result]) -> Summary:
    """Count the outcomes."""
    passed = failed = skipped = 0
    for r in results:
        if r.outcome == "pass":
            passed += 1
        elif r.outcome == "fail":
            failed += 1
        else:
            skipped += 1
    return Summary(passed, failed, skipped)


# --------------------------------------------------------------------------------------------
# Helpers


def _jsonable(value: Any) -> Any:
    return None if value is MISSING else value


def _show(value: Any) -> str:
    if value is MISSING:
        return "<missing>"
    try:
        return _clip(json.dumps(value, ensure_ascii=False, sort_keys=True))
    except (TypeError, ValueError):
        return _clip(repr(value))


def _clip(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------------------------
# podfsm as a program: python -m podfsm.conformance [--jsonl]


def _serve_answer(text: str) -> str:
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise UsageError("a case must be a JSON object")
        return json.dumps(answer(data), separators=(",", ":"))
    except (json.JSONDecodeError, PodFSMError) as exc:
        return json.dumps({"skip": str(exc)})


def main(argv: Sequence[str] | None = None) -> int:
    """Answer conformance cases with podfsm's oracle over the program protocol.

    Without ``--jsonl``: read one case from stdin, print its answer. With ``--jsonl``: answer
    each line of stdin with one line. A case podfsm cannot answer gets ``{"skip": "<why>"}``.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args not in ([], ["--jsonl"]):
        print("usage: python -m podfsm.conformance [--jsonl]", file=sys.stderr)
        return 2
    if args:
        for line in sys.stdin:
            if line.strip():
                print(_serve_answer(line), flush=True)
        return 0
    print(_serve_answer(sys.stdin.read()))
    return 0
