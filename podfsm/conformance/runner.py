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
import errno
import json
import math
import os
import queue
import shlex
import signal
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
from podfsm.errors import IllegalEvent, ManifestError, PodFSMError, UsageError
from podfsm.loader import MAX_DEPTH, check_values, loads_json, refuse_constant
from podfsm.oracle import human_duration, kubectl_columns, pod_conditions, pod_phase

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_ANSWER_BYTES",
    "Case",
    "LineProgram",
    "Mismatch",
    "Outcome",
    "ProgramUnresponsive",
    "Result",
    "Summary",
    "answer",
    "ask_once",
    "case_kind",
    "check",
    "check_timeout",
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
Kind = Literal["phase", "conditions", "columns", "duration", "simulation"]

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
        """The upstream answer (for a simulation vector: its steps)."""
        if self.kind == "simulation":
            return self.data["steps"]
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
        if "steps" in raw and "expect" not in raw:
            _check_vector(raw, name, where)
            source = raw.get("source")
            cases.append(Case(case_id, source if isinstance(source, str) else "", short, i, raw))
            continue
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
    if not cases:  # "0 passed, 0 failed" would read as success
        raise ManifestError(name, "no cases in the file (an empty array)")
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


def _check_vector(raw: Mapping[str, Any], name: str, where: str) -> None:
    """A simulation vector (docs/vectors.md): a pod and steps, each an event with expect or rejected."""
    if not isinstance(raw.get("pod"), dict):
        raise ManifestError(name, "a simulation vector needs a 'pod' object", where)
    steps = raw["steps"]
    if not isinstance(steps, list):
        raise ManifestError(name, f"'steps' must be an array, got {describe(steps, json_words=True)}", where)
    for j, step in enumerate(steps):
        if not isinstance(step, dict) or not isinstance(step.get("event"), dict):
            raise ManifestError(name, f"steps[{j}] must be an object with an 'event' object", where)
        if not step.get("rejected") and not isinstance(step.get("expect"), dict):
            raise ManifestError(name, f"steps[{j}] needs an 'expect' pod object or \"rejected\": true", where)


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
    if isinstance(data.get("pod"), dict) and ("steps" in data or "events" in data):
        return "simulation"
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
    if kind == "simulation":
        return simulation_answer(data)
    if kind == "columns":
        now = data.get("now")
        return kubectl_columns(data["pod"], now=None if now is None else _parse_now(now)).as_dict()
    raise UsageError(
        "not a case kind podfsm knows (getPhase, Generate*, kubectl columns, nanoseconds, simulation)"
    )


def simulation_answer(data: Mapping[str, Any]) -> dict[str, Any]:
    """podfsm's answer to a simulation request ``{"pod", "events"}`` (or a vector's ``steps``):
    ``{"steps": [{"pod": <published pod>} | {"rejected": true}, ...]}``."""
    from podfsm.model.pod import PodModel

    events = data.get("events")
    if events is None:
        events = [s.get("event") for s in data.get("steps") or () if isinstance(s, dict)]
    if not isinstance(events, list):
        raise UsageError("'events' must be an array of events")
    model = PodModel(data["pod"], source=str(data.get("id") or "<pod>"))
    steps: list[dict[str, Any]] = []
    for ev in events:
        try:
            steps.append({"pod": model.render(model.apply(ev))})
        except IllegalEvent:
            steps.append({"rejected": True})
    return {"steps": steps}


def _compare_simulation(case: Case, got: Any) -> list[Mismatch]:
    """Step by step: rejected or not, then the fields check-trace judges (trace.project)."""
    from podfsm.conformance.trace import project

    wanted = case.data["steps"]
    steps = got.get("steps") if isinstance(got, dict) else None
    if not isinstance(steps, list):
        return [Mismatch("steps", "an array of steps", got)]
    if len(steps) != len(wanted):
        return [Mismatch("steps", f"{len(wanted)} steps", f"{len(steps)} steps")]
    for i, (want, have) in enumerate(zip(wanted, steps, strict=True)):
        if not isinstance(have, dict):
            return [Mismatch(f"steps[{i}]", "an object", have)]
        if bool(want.get("rejected")) != bool(have.get("rejected")):
            return [Mismatch(f"steps[{i}].rejected", bool(want.get("rejected")), bool(have.get("rejected")))]
        if want.get("rejected"):
            continue
        pod = have.get("pod")
        if not isinstance(pod, dict):
            return [Mismatch(f"steps[{i}].pod", "a pod object", pod)]
        expected = want["expect"]
        t0 = _created(expected)
        a, b = project(expected, t0), project(pod, t0)
        diffs = [
            Mismatch(f"steps[{i}].{k}", v, b.get(k, MISSING)) for k, v in a.items() if b.get(k, MISSING) != v
        ]
        if diffs:
            return diffs  # the first step that differs: later ones follow from it
    return []


def _created(pod: Mapping[str, Any]) -> datetime | None:
    value = (pod.get("metadata") or {}).get("creationTimestamp")
    try:
        return _parse_now(value) if value is not None else None
    except ValueError:
        return None


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
    if kind == "simulation":
        mismatches = _compare_simulation(case, got)
    elif kind == "duration":
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
    """What a program gets for ``case``: the case as compact JSON, without its answers.

    For a simulation vector: ``{"id", "source", "pod", "events"}`` (the steps' events only).
    """
    if case.kind == "simulation":
        data = case.data
        events = [s["event"] for s in data["steps"]]
        request = {"id": case.id, "source": case.source, "pod": data["pod"], "events": events}
        return json.dumps(request, separators=(",", ":"))
    return json.dumps({k: v for k, v in case.data.items() if k not in _ANSWER_KEYS}, separators=(",", ":"))


MAX_ANSWER_BYTES = 1 << 20  # what is read from a program for one answer (1 MiB)
EARLY_TIMEOUTS = 3  # the first answers all timing out stops the run with a hint


class ProgramUnresponsive(UsageError):
    """The first answers all timed out: probably the wrong protocol mode (``--jsonl`` or not)."""


def _split(command: str | Sequence[str]) -> list[str]:
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if not argv or not argv[0].strip():
        raise UsageError("--program: empty command")
    return argv


def check_timeout(timeout: float) -> float:
    """``timeout`` if it is a positive finite number of seconds; UsageError otherwise."""
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not math.isfinite(timeout):
        raise UsageError(f"--timeout must be a finite number of seconds, got {timeout!r}")
    if timeout <= 0:
        raise UsageError("--timeout must be positive")
    return float(timeout)


def _start(argv: list[str], *, stdin: int) -> subprocess.Popen[bytes]:
    """Start the program in a process group of its own; a program that cannot run is one UsageError."""
    try:
        return subprocess.Popen(
            argv,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: ended as a whole (no orphans)
        )
    except FileNotFoundError as exc:
        raise UsageError(f"--program: command not found: {argv[0]}") from exc
    except PermissionError as exc:
        raise UsageError(f"--program: cannot run {argv[0]}: permission denied") from exc
    except OSError as exc:
        hint = " (a script needs a #! line)" if exc.errno == errno.ENOEXEC else ""
        raise UsageError(f"--program: cannot execute {argv[0]}: {exc.strerror or exc}{hint}") from exc


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """End the program and everything it started (its process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def _read_capped(stream: IO[bytes], sink: list[bytes], cap: int) -> None:
    """Read ``stream`` to its end, keeping at most ``cap + 1`` bytes in ``sink``."""
    kept = 0
    while True:
        chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
        if not chunk:
            return
        if kept <= cap:
            sink.append(chunk[: cap + 1 - kept])
            kept += len(sink[-1])


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
    if isinstance(value, dict) and isinstance(value.get("id"), str) and value["id"] != case.id:
        return Result(case, "fail", message=f"desynchronised: the answer is for case {value['id']!r}")
    return compare(case, value)


def ask_once(payload: str, argv: list[str], timeout: float) -> tuple[str | None, str]:
    """Run the program once with ``payload`` on stdin: its stdout, or None and what went wrong.

    The program runs in its own process group, killed as a whole on timeout or Ctrl-C; at most
    :data:`MAX_ANSWER_BYTES` of its output is read.
    """
    proc = _start(argv, stdin=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    out: list[bytes] = []
    err: list[bytes] = []
    readers = [
        threading.Thread(target=_read_capped, args=(proc.stdout, out, MAX_ANSWER_BYTES), daemon=True),
        threading.Thread(target=_read_capped, args=(proc.stderr, err, 4096), daemon=True),
    ]
    for r in readers:
        r.start()
    try:
        with contextlib.suppress(BrokenPipeError, OSError):
            proc.stdin.write(payload.encode("utf-8"))
            proc.stdin.close()
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            return None, f"program timed out after {timeout:g}s"
    except BaseException:  # Ctrl-C: no orphans
        _kill_group(proc)
        raise
    for r in readers:
        r.join(timeout=5)
    _kill_group(proc)  # whatever it left running in its group
    stdout = b"".join(out)
    if len(stdout) > MAX_ANSWER_BYTES:
        return None, f"program printed more than {MAX_ANSWER_BYTES} bytes"
    if code != 0:
        return None, _exit_message(code, b"".join(err).decode("utf-8", "replace"))
    return stdout.decode("utf-8", "replace"), ""


def _run_once(case: Case, argv: list[str], timeout: float) -> Result:
    text, error = ask_once(program_input(case), argv, timeout)
    if text is None:
        return Result(case, "fail", message=error)
    return _judge(case, text)


def _exit_message(code: int, stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    tail = f": {_clip(lines[-1])}" if lines else ""
    if code < 0:
        return f"program killed by signal {-code}{tail}"
    return f"program exited with status {code}{tail}"


class LineProgram:
    """A program started once that answers one line per request (JSON-lines mode).

    Runs in its own process group (:meth:`stop` kills the group); reads lines of at most
    :data:`MAX_ANSWER_BYTES`; :meth:`ask` first takes any line the program printed unasked (an
    extra answer) and reports the stream as desynchronised instead of taking it for the next answer.
    """

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self.stderr_tail: deque[str] = deque(maxlen=5)
        self.proc = _start(argv, stdin=subprocess.PIPE)
        self.lines: queue.Queue[str | None] = queue.Queue()
        assert self.proc.stdout is not None and self.proc.stderr is not None
        threading.Thread(target=self._pump, args=(self.proc.stdout,), daemon=True).start()
        self._stderr_reader = threading.Thread(target=self._drain, args=(self.proc.stderr,), daemon=True)
        self._stderr_reader.start()

    def _pump(self, stream: IO[bytes]) -> None:
        while True:
            line = stream.readline(MAX_ANSWER_BYTES + 1)
            if not line:
                break
            if len(line) > MAX_ANSWER_BYTES and not line.endswith(b"\n"):
                self.lines.put(f"\x00too long: more than {MAX_ANSWER_BYTES} bytes on one line")
                while line and not line.endswith(b"\n"):  # skip the rest of that line
                    line = stream.readline(65536)
                continue
            self.lines.put(line.decode("utf-8", "replace"))
        self.lines.put(None)

    def _drain(self, stream: IO[bytes]) -> None:
        for raw in stream:
            line = raw.decode("utf-8", "replace")
            if line.strip():
                self.stderr_tail.append(line.rstrip("\n"))

    def ask(self, payload: str, timeout: float) -> tuple[str | None, str]:
        """The line the program answered to ``payload``, or None and what went wrong."""
        assert self.proc.stdin is not None
        extra = 0
        wait = 0.005  # a stray line printed right after the last answer may still be on its way
        while True:
            try:
                early = self.lines.get(timeout=wait)
            except queue.Empty:
                break
            wait = 0.0
            if early is None:
                return None, self._died()
            extra += 1
        if extra:
            self.stop()
            return None, (
                f"desynchronised: the program printed {extra} line(s) nobody asked for before this"
                " request (more than one line per answer?); it was restarted"
            )
        try:
            self.proc.stdin.write(payload.encode("utf-8") + b"\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return None, self._died()
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            self.stop()  # a late answer must not be taken for the next request's
            return None, f"program timed out after {timeout:g}s"
        if line is None:
            return None, self._died()
        if line.startswith("\x00"):
            self.stop()
            return None, f"program answered a line {line[1:]}"
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
        _kill_group(self.proc)

    def close(self) -> None:
        if self.proc.stdin is not None:
            with contextlib.suppress(BrokenPipeError, OSError):
                self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
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
    answer one line per case; if it dies, hangs or gets out of step (an extra line) it is
    started again for the next case. A program that crashes, hangs or prints non-JSON fails that
    case. Cases of a kind podfsm does not know are skipped without asking. Raises
    :class:`~podfsm.errors.UsageError` for an empty command, a bad ``timeout`` or a program that
    cannot be executed, and :class:`ProgramUnresponsive` when the first
    :data:`EARLY_TIMEOUTS` answers all time out.
    """
    argv = _split(command)
    timeout = check_timeout(timeout)
    line_program: LineProgram | None = None
    answered = timeouts = 0
    try:
        for case in cases:
            if case.kind is None:
                yield Result(case, "skip", message="not a case kind podfsm knows")
                continue
            if not jsonl:
                result = _run_once(case, argv, timeout)
            else:
                if line_program is None or not line_program.alive:
                    if line_program is not None:
                        line_program.close()
                    line_program = LineProgram(argv)
                line, error = line_program.ask(program_input(case), timeout)
                result = Result(case, "fail", message=error) if line is None else _judge(case, line)
                if result.message.startswith("desynchronised"):
                    line_program.stop()  # start afresh for the next case: no answer is shifted
            answered += 1
            if "timed out" in result.message and not result.mismatches:
                timeouts += 1
            if answered == EARLY_TIMEOUTS and timeouts == EARLY_TIMEOUTS:
                other = "without --jsonl" if jsonl else "with --jsonl"
                raise ProgramUnresponsive(
                    f"--program: the first {EARLY_TIMEOUTS} cases all timed out after {timeout:g}s;"
                    f" stopped. Is the program in the other mode? Try {other}"
                    + (
                        " (in --jsonl mode it must answer each line at once, flushing stdout)"
                        if not jsonl
                        else " (without it, it must read stdin to its end, print one answer and exit)"
                    )
                )
            yield result
    except BaseException:  # Ctrl-C or an early stop: end the program's group at once
        if line_program is not None:
            line_program.stop()
        raise
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
