"""The explorer's state store: 64-bit fingerprints, compact states and a frontier that spills to disk.

TLC's layout, in Python:

- **Fingerprints.** The visited set holds one 64-bit integer per distinct state: the fingerprint
  of the state's key (:class:`podfsm.verifier.explorer.KeyBuilder`), not the key or the state.
  Two keys with the same fingerprint would merge two states (one of them unexplored); the chance
  of that is reported the way TLC reports it (:func:`collision_probability`).
- **Compact states.** A state waiting in the frontier is one ``bytes`` object
  (:func:`encode_state`), decoded only when it is expanded.
- **Counterexamples by replay.** The explorer keeps, per distinct state, its parent's number and
  the position of the event in the parent's candidate list (:class:`Trace`, 10 bytes a state); a
  counterexample is rebuilt by replaying those positions on a fresh model.
- **A frontier with a memory limit.** :class:`Frontier` keeps its states in memory up to a byte
  budget and appends the rest to a temporary file, read back in order.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import struct
import tempfile
from array import array
from collections.abc import Iterator
from dataclasses import fields
from operator import attrgetter
from typing import Any, BinaryIO

from podfsm.model.pod import ConditionState, ContainerState, PodState, Termination

__all__ = [
    "FINGERPRINT_BITS",
    "Frontier",
    "Trace",
    "collision_probability",
    "decode_state",
    "encode_state",
    "fingerprint",
    "portable_fingerprint",
]

FINGERPRINT_BITS = 64
_MASK = (1 << FINGERPRINT_BITS) - 1


def fingerprint(key: Any) -> int:
    """A 64-bit fingerprint (an int in [0, 2**64)) of a state key: the key's own hash.

    Fast (under a microsecond) but valid only within one process and the workers it forks:
    string hashes depend on ``PYTHONHASHSEED`` and, before Python 3.12, ``hash(None)`` on an
    address. Processes that are not forked use :func:`portable_fingerprint`.
    """
    return hash(key) & _MASK


def portable_fingerprint(key: Any) -> int:
    """A 64-bit fingerprint of a state key that every Python process agrees on.

    BLAKE2b of the key's ``repr`` (keys hold only str, numbers, bools, None, enums and tuples,
    whose reprs are deterministic); about 15 µs, so used only where processes are not forked (Ray).
    """
    return int.from_bytes(hashlib.blake2b(repr(key).encode(), digest_size=8).digest(), "little")


def collision_probability(distinct: int, generated: int) -> float:
    """TLC's "calculated (optimistic)" chance that two distinct states shared a fingerprint.

    ``distinct * (generated - distinct) / 2**64``: each of the ``generated - distinct``
    successors found already visited could have been a new state with a colliding fingerprint
    (TLC: ``ModelChecker.reportSuccess``).
    """
    if distinct <= 0 or generated <= distinct:
        return 0.0
    return distinct * (generated - distinct) / float(1 << FINGERPRINT_BITS)


# ----------------------------------------------------------------------------------- compact states

_TERM_FIELDS = tuple(f.name for f in fields(Termination))
_CONTAINER_FIELDS = tuple(f.name for f in fields(ContainerState))
_CONDITION_FIELDS = tuple(f.name for f in fields(ConditionState))
_POD_FIELDS = tuple(f.name for f in fields(PodState))
_term_values = attrgetter(*_TERM_FIELDS)
_container_values = attrgetter(*_CONTAINER_FIELDS)
_condition_values = attrgetter(*_CONDITION_FIELDS)
_pod_values = attrgetter(*_POD_FIELDS)
_I_CONTAINERS = _POD_FIELDS.index("containers")
_I_CONDITIONS = _POD_FIELDS.index("conditions")
_I_TERM = _CONTAINER_FIELDS.index("term")
_I_LAST_TERM = _CONTAINER_FIELDS.index("last_term")


def _flat_container(c: ContainerState) -> tuple[Any, ...]:
    v = list(_container_values(c))
    for i in (_I_TERM, _I_LAST_TERM):
        if v[i] is not None:
            v[i] = _term_values(v[i])
    return tuple(v)


_DECODED: dict[tuple[Any, ...], Any] = {}  # flat container/condition -> the object, shared
_DECODED_MAX = 1 << 16


def _container(v: tuple[Any, ...]) -> ContainerState:
    c: ContainerState | None = _DECODED.get(v)
    if c is None:
        values = list(v)
        for i in (_I_TERM, _I_LAST_TERM):
            if values[i] is not None:
                values[i] = Termination(*values[i])
        c = ContainerState(*values)
        _remember(v, c)
    return c


def _condition(v: tuple[Any, ...]) -> ConditionState:
    c: ConditionState | None = _DECODED.get(v)
    if c is None:
        c = ConditionState(*v)
        _remember(v, c)
    return c


def _remember(v: tuple[Any, ...], obj: Any) -> None:
    # A pod has few distinct container and condition states; equal ones decode to one shared
    # (immutable) object. The table is emptied when it grows past its bound.
    if len(_DECODED) >= _DECODED_MAX:
        _DECODED.clear()
    _DECODED[v] = obj


def encode_state(s: PodState) -> bytes:
    """``s`` as a compact byte string (about 700 bytes for five containers); see :func:`decode_state`."""
    v = list(_pod_values(s))
    v[_I_CONTAINERS] = tuple(_flat_container(c) for c in s.containers)
    v[_I_CONDITIONS] = tuple(_condition_values(c) for c in s.conditions)
    return pickle.dumps(tuple(v), protocol=pickle.HIGHEST_PROTOCOL)


def decode_state(data: bytes) -> PodState:
    """The :class:`PodState` :func:`encode_state` encoded (equal to the original)."""
    v = list(pickle.loads(data))
    v[_I_CONTAINERS] = tuple(_container(c) for c in v[_I_CONTAINERS])
    v[_I_CONDITIONS] = tuple(_condition(c) for c in v[_I_CONDITIONS])
    return PodState(*v)


# ----------------------------------------------------------------------------------- trace


class Trace:
    """Per distinct state, in discovery order: its parent's number and the event's candidate position.

    10 bytes a state (two typed arrays); the root is state 0 with parent -1.
    """

    def __init__(self) -> None:
        self.parents = array("q")
        self.events = array("H")

    def __len__(self) -> int:
        return len(self.parents)

    def add(self, parent: int, event: int) -> int:
        """Record a new state; return its number."""
        self.parents.append(parent)
        self.events.append(event)
        return len(self.parents) - 1

    def truncate(self, length: int) -> None:
        """Forget the states numbered ``length`` and above."""
        del self.parents[length:]
        del self.events[length:]

    def path(self, index: int) -> list[int]:
        """The candidate positions from the root to state ``index``."""
        out: list[int] = []
        while index > 0:
            out.append(self.events[index])
            index = self.parents[index]
        out.reverse()
        return out

    def nbytes(self) -> int:
        return self.parents.buffer_info()[1] * self.parents.itemsize + (
            self.events.buffer_info()[1] * self.events.itemsize
        )


# ----------------------------------------------------------------------------------- frontier

_RECORD = struct.Struct("<qI")  # state number, length of the encoded state


class Frontier:
    """A first-in first-out list of ``(state number, encoded state)``, spilled to disk past a budget.

    Up to ``budget`` bytes of encoded states stay in memory (None: no limit); the rest go to an
    anonymous temporary file in ``directory`` (default: the system's) and come back in order.
    """

    def __init__(self, budget: int | None = None, directory: str | None = None) -> None:
        self.budget = budget
        self.directory = directory
        self._memory: list[tuple[int, bytes]] = []
        self._bytes = 0
        self._file: BinaryIO | None = None
        self._spilled = 0
        self.spilled_bytes = 0

    def __len__(self) -> int:
        return len(self._memory) + self._spilled

    @property
    def memory_bytes(self) -> int:
        """Bytes of encoded states held in memory."""
        return self._bytes

    def append(self, index: int, data: bytes) -> None:
        if self._file is None and (self.budget is None or self._bytes + len(data) <= self.budget):
            self._memory.append((index, data))
            self._bytes += len(data)
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(dir=self.directory, prefix="podfsm-frontier-")  # noqa: SIM115
        self._file.write(_RECORD.pack(index, len(data)))
        self._file.write(data)
        self._spilled += 1
        self.spilled_bytes += _RECORD.size + len(data)

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        yield from self._memory
        if self._file is not None:
            self._file.flush()
            self._file.seek(0)
            read = self._file.read
            for _ in range(self._spilled):
                index, size = _RECORD.unpack(read(_RECORD.size))
                yield index, read(size)

    def close(self) -> None:
        """Drop the states and the file."""
        self._memory = []
        self._bytes = 0
        if self._file is not None:
            self._file.close()
            self._file = None
        self._spilled = 0


def rss_bytes() -> int:
    """This process's resident memory in bytes (0 where ``/proc`` is not there)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            pages = int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")
