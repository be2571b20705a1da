"""Partitions of an exploration and the backends that run them: in this process, in worker processes, on Ray.

The states of one exploration are partitioned by fingerprint: partition ``p`` of ``n`` owns the
states whose fingerprint is ``p`` modulo ``n``; it keeps their part of the visited set and the
frontier of those it must expand. The driver (:func:`podfsm.verifier.explorer.explore`) walks
the frontier one breadth-first level at a time, in batches of consecutive state numbers:

1. every partition **expands** its frontier states in the batch (``expand``) and returns, per
   source state in number order, the successors it cannot rule out as visited (fingerprint and
   encoded state), the violations found on the way, and its counts;
2. the driver merges the partitions' answers in state-number order (the order one process would
   have seen) and asks each owner which successor fingerprints are new (``claim``, in that order,
   so the first one reached wins exactly as in a single process);
3. the driver numbers the new states, records their parent and event, and hands each to its
   owner's next frontier (``push``).

Because the merge order, the claims and the numbering are those of a single process, any number
of partitions gives the same counts, the same state numbers and the same (shortest)
counterexamples. A :class:`Partition` is the same code in every backend: :class:`LocalBackend`
(one partition, in this process), :class:`ProcessBackend` (one forked worker process per
partition, over pipes) and :class:`podfsm.verifier.ray_backend.RayBackend` (one Ray actor per
partition).
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Protocol

from podfsm.errors import IllegalEvent
from podfsm.model.pod import PodModel, PodState
from podfsm.verifier.configurations import Bounds
from podfsm.verifier.invariants import Context, Invariant, SharedParse, Transition, check
from podfsm.verifier.store import (
    Frontier,
    decode_state,
    encode_state,
    fingerprint,
    portable_fingerprint,
    rss_bytes,
)

__all__ = [
    "Backend",
    "ExplorerContext",
    "Job",
    "LocalBackend",
    "Partition",
    "ProcessBackend",
    "SourceRecord",
    "judge",
    "judge_in_scope",
]

ModelFactory = Callable[[Mapping[str, Any]], PodModel]

Violations = tuple[tuple[str, str], ...]  # (invariant, message) pairs
# A successor or a violation found expanding one source state:
# (candidate position, step/refusal violations, fingerprint of a successor not known to be visited)
Item = tuple[int, Violations, int | None]
# What expanding one source state gives: (state number, transitions, refused, pruned, items)
SourceRecord = tuple[int, int, int, int, list[Item]]

BYTES_PER_VISITED = 90  # a 64-bit int in a set: the int object plus its share of the table


def judge(t: Transition, invariants: Sequence[Invariant]) -> Violations:
    """The violations of ``invariants`` by ``t`` as (name, message) pairs.

    The explorer's one call into the invariants.
    """
    return tuple((v.invariant, v.message) for v in check(t, invariants))


def _direct(invariants: Sequence[Invariant]) -> bool:
    """Whether every one of ``invariants`` decides by its predicate alone once its scope applies
    (none overrides :meth:`Invariant.violation`)."""
    return all(type(i).violation is Invariant.violation for i in invariants)


def judge_in_scope(t: Transition, invariants: Sequence[Invariant]) -> Violations:
    """:func:`judge` for invariants whose scope is known to apply to ``t`` and that decide by their
    predicate alone (:func:`_direct`): the same pairs, in the same order, without asking each
    invariant whether its scope applies. The partition judges ``state`` invariants on new states,
    ``step`` ones on accepted transitions from a state and ``refusal`` ones on refused events."""
    out: list[tuple[str, str]] = []
    for inv in invariants:
        message = inv.predicate(t)
        if message is not None:
            out.append((inv.name, message))
    return tuple(out)


class ExplorerContext(Context):
    """A :class:`Context` that keeps the last two pods it rendered, found by the state object's identity.

    The explorer asks for the source state's pod once for every event it tries from it (each
    successor's pod is kept by the :class:`Transition` that judged it, which the state invariants
    reuse). ``Context.published`` looks a state up by its hash, which walks the whole nested state
    every time; here a lookup is an ``is`` check. The pod is the object the renderer returned, so
    every invariant sees what it saw before.

    Its pods are only read, so the views of its transitions share their parses
    (:class:`~podfsm.verifier.invariants.SharedParse`: the source's pod is parsed once for every
    event tried from it, an unchanged container status once for every pod that shows it), and an
    event's JSON mapping is made once per event object (the catalogue's are the same objects
    from every state).
    """

    @classmethod
    def of(cls, model: PodModel) -> ExplorerContext:
        ctx = super().of(model)
        assert isinstance(ctx, ExplorerContext)
        object.__setattr__(ctx, "_parse", SharedParse())
        object.__setattr__(ctx, "_events", {})
        return ctx

    def shared_parse(self) -> SharedParse:
        parse: SharedParse = self.__dict__["_parse"]
        return parse

    def event_dict(self, event: Any) -> Any:
        events: dict[int, tuple[Any, Any]] = self.__dict__["_events"]
        entry = events.get(id(event))
        if entry is not None and entry[0] is event:
            return entry[1]
        if len(events) >= 1024:
            events.clear()
        mapping = super().event_dict(event)
        events[id(event)] = (event, mapping)
        return mapping

    def published(self, state: PodState) -> dict[str, Any]:
        memo = self._rendered
        recent = memo.get(None)  # the two pods asked for last, most recent first
        if recent is None:
            recent = memo[None] = []
        for i, (known, pod) in enumerate(recent):
            if known is state:
                if i:
                    recent.reverse()
                found: dict[str, Any] = pod
                return found
        rendered = self.render(state)
        recent.insert(0, (state, rendered))
        del recent[2:]
        return rendered


@dataclass(frozen=True)
class Job:
    """Everything a partition needs to expand states of one pod (picklable with cloudpickle for Ray)."""

    manifest: Mapping[str, Any]
    factory: ModelFactory
    invariants: tuple[Invariant, ...]
    bounds: Bounds
    restart_cap: int = 1
    symmetry: bool = True
    partitions: int = 1
    memory_limit: int | None = None  # bytes for the whole exploration; None: no limit
    spill_dir: str | None = None
    portable: bool = False  # fingerprints that processes which are not forked agree on (Ray)


class Partition:
    """The states of one exploration whose fingerprint is ``number`` modulo ``job.partitions``."""

    def __init__(self, job: Job, number: int) -> None:
        from podfsm.verifier.explorer import EventCatalogue, KeyBuilder

        self.job = job
        self.number = number
        self.n = job.partitions
        self.model = job.factory(job.manifest)
        # The invariants only read the pods: let the renderer share metadata and spec between them.
        self.model.shared_render_parts = {}  # type: ignore[attr-defined]
        self.ctx: Context = ExplorerContext.of(self.model)
        self.catalogue = EventCatalogue(self.model, job.bounds)
        self.keys = KeyBuilder(
            self.ctx.containers,
            restart_cap=job.restart_cap,
            symmetry=job.symmetry,
            kubelet_restarts=job.bounds.restarts,
        )
        self.fingerprint = portable_fingerprint if job.portable else fingerprint
        self.state_invs = tuple(i for i in job.invariants if i.scope == "state")
        self.step_invs = tuple(i for i in job.invariants if i.scope == "step")
        self.refusal_invs = tuple(i for i in job.invariants if i.scope == "refusal")
        # each invariant is judged only where its scope applies: no need to ask it
        self.judge: Callable[[Transition, Sequence[Invariant]], Violations] = (
            judge_in_scope if _direct(job.invariants) else judge
        )
        # After the last event tried from a source, the model is left where that event took it:
        # the next source's restore puts every field back (restore sets what differs, from any state).
        self.restore_after_last = False
        self.visited: set[int] = set()
        self.current = Frontier(self._budget(), job.spill_dir)
        self.next = Frontier(self._budget(), job.spill_dir)
        self._peek: tuple[int, bytes] | None = None
        self._source: Iterator[tuple[int, bytes]] = iter(())
        self._emitted: set[int] = set()
        self.spilled = 0  # bytes spilled by the levels done
        self._held: dict[tuple[int, int], Transition] = {}

    def _budget(self) -> int | None:
        limit = self.job.memory_limit
        if limit is None:
            return None
        share = limit // self.n - len(self.visited) * BYTES_PER_VISITED
        return max(share // 2, 0)  # half for this level's frontier, half for the next

    # -- the three calls of the protocol (module doc)

    def fingerprint_of(self, data: bytes) -> int:
        """The fingerprint of an encoded state, computed where the other fingerprints are."""
        return self.fingerprint(self.keys.key(decode_state(data)))

    def start_level(self) -> dict[str, int]:
        """Make the states pushed so far this level's frontier; return sizes for progress."""
        self.spilled += self.current.spilled_bytes
        self.current.close()
        self.current, self.next = self.next, Frontier(self._budget(), self.job.spill_dir)
        self._peek = None
        self._source = iter(self.current)
        self._emitted = set()
        return self.stats()

    def stats(self) -> dict[str, int]:
        return {
            "frontier": len(self.current),
            "visited": len(self.visited),
            "spilled": self.spilled + self.current.spilled_bytes + self.next.spilled_bytes,
            "rss": rss_bytes(),
        }

    def expand(self, below: int) -> list[SourceRecord]:
        """Expand this level's frontier states numbered below ``below`` (in number order)."""
        out: list[SourceRecord] = []
        while True:
            if self._peek is None:
                self._peek = next(self._source, None)
                if self._peek is None:
                    break
            index, data = self._peek
            if index >= below:
                break
            self._peek = None
            out.append(self._expand_one(index, data))
        return out

    def claim(self, fps: Sequence[int]) -> bytes:
        """For each fingerprint in order: 1 if it was not visited (it is now), else 0."""
        visited = self.visited
        out = bytearray(len(fps))
        for i, fp in enumerate(fps):
            if fp not in visited:
                visited.add(fp)
                out[i] = 1
        return bytes(out)

    def push(self, states: Sequence[tuple[int, bytes]]) -> None:
        """Add new states (number order) to the next level's frontier."""
        nxt = self.next
        for index, data in states:
            nxt.append(index, data)

    def close(self) -> None:
        self.current.close()
        self.next.close()

    # -- expansion

    def _expand_one(self, index: int, data: bytes) -> SourceRecord:
        model = self.model
        ctx = self.ctx
        source = decode_state(data)
        model.restore(source)
        max_restarts = self.job.bounds.max_restarts
        n, me, visited, emitted, held = self.n, self.number, self.visited, self._emitted, self._held
        key = self.keys.key
        fingerprint = self.fingerprint
        judge = self.judge
        transitions = refused = pruned = 0
        items: list[Item] = []
        candidates = self.catalogue.candidates(model)
        last = len(candidates) - 1 if not self.restore_after_last else -1
        for code, ev in enumerate(candidates):
            try:
                after = model.apply(ev)
            except IllegalEvent as exc:  # the model restored itself
                refused += 1
                if self.refusal_invs:
                    now = model.snapshot()
                    found = judge(Transition(ctx, source, ev, now, refused=exc), self.refusal_invs)
                    if found:
                        items.append((code, found, None))
                    if now != source:
                        model.restore(source)
                continue
            transitions += 1
            step = Transition(ctx, source, ev, after)
            stepped = judge(step, self.step_invs) if self.step_invs else ()
            if max_restarts is not None and any(c.restart_count > max_restarts for c in after.containers):
                pruned += 1
                if stepped:
                    items.append((code, stepped, None))
            else:
                fp = fingerprint(key(after))
                if fp in emitted or (fp % n == me and fp in visited):
                    if stepped:
                        items.append((code, stepped, None))
                else:
                    emitted.add(fp)
                    held[index, code] = step  # its rendered pods and view serve the state invariants
                    items.append((code, stepped, fp))
            if code != last:
                model.restore(source)
        return (index, transitions, refused, pruned, items)

    def finish(self, new: Sequence[tuple[int, int]]) -> list[tuple[bytes, Violations]]:
        """For each new state (source number, candidate position) of the last ``expand``, in order:
        the state encoded and its state-invariant violations. Forgets the rest of that batch."""
        held, invs, judge = self._held, self.state_invs, self.judge
        out: list[tuple[bytes, Violations]] = []
        for where in new:
            step = held[where]
            seen = judge(step, invs) if invs else ()
            out.append((encode_state(step.after), seen))
        held.clear()
        return out


class Backend(Protocol):
    """Runs the partitions of one exploration: ``call`` one method on each, with its own arguments."""

    partitions: int

    def call(self, method: str, args: Sequence[tuple[Any, ...]]) -> list[Any]: ...

    def close(self) -> None: ...


class LocalBackend:
    """One partition in this process (``--workers 1``)."""

    def __init__(self, job: Job) -> None:
        self.parts = [Partition(job, 0)]
        self.partitions = 1

    def call(self, method: str, args: Sequence[tuple[Any, ...]]) -> list[Any]:
        return [getattr(p, method)(*a) for p, a in zip(self.parts, args, strict=True)]

    def close(self) -> None:
        for p in self.parts:
            p.close()


def _serve(job: Job, number: int, conn: Connection) -> None:  # pragma: no cover - runs in a worker
    try:
        part = Partition(job, number)
    except BaseException:
        conn.send(("error", traceback.format_exc()))
        return
    conn.send(("ok", None))
    while True:
        try:
            request = conn.recv()
        except EOFError:
            break
        if request is None:
            break
        method, args = request
        try:
            conn.send(("ok", getattr(part, method)(*args)))
        except BaseException:
            conn.send(("error", traceback.format_exc()))
    part.close()


class WorkerError(RuntimeError):
    """A worker process failed; the message is its traceback."""


class ProcessBackend:
    """One forked worker process per partition, driven over pipes (``--workers N``).

    Forked, so the job (the model factory, a mutant's patches, invariants defined in a test) is
    inherited rather than pickled, and string hashes (so fingerprints) agree with this process.
    Raises :class:`WorkerError` with the worker's traceback when a worker fails.
    """

    def __init__(self, job: Job, workers: int) -> None:
        ctx = multiprocessing.get_context("fork")
        self.partitions = workers
        self.conns: list[Connection] = []
        self.procs: list[Any] = []
        for number in range(workers):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(job, number, child), daemon=True)
            proc.start()
            child.close()
            self.conns.append(parent)
            self.procs.append(proc)
        for conn in self.conns:
            self._answer(conn)

    def _answer(self, conn: Connection) -> Any:
        try:
            status, value = conn.recv()
        except EOFError:
            self.close()
            raise WorkerError("a worker process ended unexpectedly") from None
        if status != "ok":
            self.close()
            raise WorkerError(str(value))
        return value

    def call(self, method: str, args: Sequence[tuple[Any, ...]]) -> list[Any]:
        for conn, a in zip(self.conns, args, strict=True):
            conn.send((method, a))
        return [self._answer(conn) for conn in self.conns]

    def close(self) -> None:
        for conn in self.conns:
            try:
                conn.send(None)
                conn.close()
            except (OSError, ValueError):
                pass
        for proc in self.procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join()
        self.conns = []
        self.procs = []


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # pragma: no cover - not Linux
        return max(os.cpu_count() or 1, 1)
