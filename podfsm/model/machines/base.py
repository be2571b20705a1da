"""Machine definitions as data, checked when they are built, and turned into ``transitions`` machines.

A machine is one :class:`MachineDef`: its states and a table of :class:`Row` s
``(trigger, source, dest, guards, doc, upstream)``. Row order is priority: for a trigger, the
first row whose guards all pass wins (``transitions``' own rule). The same definition feeds the
running model, the diagrams, the docs' transition tables and the explorer, so nothing about a
machine is written twice.

:func:`check_definition` runs at import time for every machine podfsm ships and raises one
:class:`~podfsm.errors.DefinitionError` listing every offender: unknown states, unknown guards,
states no row reaches, non-terminal states with no way out (traps), terminal states with a way
out, and rows that can never fire because an earlier row with the same trigger and source has a
subset of their guards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from transitions import Machine

from podfsm.errors import DefinitionError

Guard = Callable[..., bool]


@dataclass(frozen=True)
class State:
    """A state, spelled as Kubernetes spells it, with a one-line description."""

    name: str
    doc: str
    terminal: bool = False  # absorbing: no row may leave it


@dataclass(frozen=True)
class Row:
    """One transition: who does what (``doc``), and where upstream does it (``upstream``).

    ``guards`` are names of pure predicates in the machine's guard table; all must hold.
    ``source`` is one state name or a tuple of them.
    """

    trigger: str
    source: str | tuple[str, ...]
    dest: str
    guards: tuple[str, ...] = ()
    doc: str = ""
    upstream: str = ""

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else self.source

    @property
    def label(self) -> str:
        """How the row reads on a diagram edge: ``trigger [guard, guard]``."""
        return f"{self.trigger} [{', '.join(self.guards)}]" if self.guards else self.trigger


@dataclass(frozen=True)
class MachineDef:
    """A whole machine as data: states, initial state, rows and named guards."""

    name: str
    title: str
    doc: str
    states: tuple[State, ...]
    initial: str
    rows: tuple[Row, ...]
    guards: Mapping[str, Guard] = field(default_factory=dict)

    @property
    def state_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states)

    @property
    def triggers(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for row in self.rows:
            seen.setdefault(row.trigger, None)
        return tuple(seen)

    def state(self, name: str) -> State:
        for s in self.states:
            if s.name == name:
                return s
        raise KeyError(name)

    def rows_from(self, source: str, trigger: str | None = None) -> tuple[Row, ...]:
        """The rows that may fire in ``source`` (for ``trigger``), in priority order."""
        return tuple(
            r for r in self.rows if source in r.sources and (trigger is None or r.trigger == trigger)
        )

    def guard_doc(self, name: str) -> str:
        """The one-line docstring of a guard."""
        fn = self.guards[name]
        return (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else ""


def reachable_states(defn: MachineDef) -> set[str]:
    """States reachable from the initial one, ignoring guards."""
    seen = {defn.initial}
    frontier = [defn.initial]
    while frontier:
        s = frontier.pop()
        for row in defn.rows:
            if s in row.sources and row.dest not in seen:
                seen.add(row.dest)
                frontier.append(row.dest)
    return seen


def definition_problems(defn: MachineDef) -> list[str]:
    """Every problem with a definition, as sentences (empty when it is sound)."""
    problems: list[str] = []
    names = defn.state_names
    known = set(names)
    if len(known) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        problems.append(f"duplicate states {dupes}")
    if defn.initial not in known:
        problems.append(f"initial state {defn.initial!r} is not a state")
    for i, row in enumerate(defn.rows):
        for s in (*row.sources, row.dest):
            if s not in known:
                problems.append(f"row {i} ({row.label}) names unknown state {s!r}")
        for g in row.guards:
            if g not in defn.guards:
                problems.append(f"row {i} ({row.label}) names unknown guard {g!r}")
        if not row.doc:
            problems.append(f"row {i} ({row.label}) has no doc line")
    for g, fn in defn.guards.items():
        if not (fn.__doc__ or "").strip():
            problems.append(f"guard {g!r} has no docstring")
    if problems:
        return problems
    unreachable = [n for n in names if n not in reachable_states(defn)]
    if unreachable:
        problems.append(f"unreachable states {unreachable}")
    for st in defn.states:
        outgoing = [r for r in defn.rows if st.name in r.sources and r.dest != st.name]
        if st.terminal and outgoing:
            problems.append(f"terminal state {st.name!r} has exits: {[r.label for r in outgoing]}")
        if not st.terminal and not outgoing:
            problems.append(f"trap state {st.name!r}: not terminal and no row leaves it")
    # A later row can never fire if an earlier row with the same trigger and source needs a
    # subset of its guards (the earlier one always wins first).
    for i, later in enumerate(defn.rows):
        for earlier in defn.rows[:i]:
            if earlier.trigger != later.trigger:
                continue
            shared = set(earlier.sources) & set(later.sources)
            if shared and set(earlier.guards) <= set(later.guards):
                problems.append(
                    f"ambiguous rows: {later.label} from {sorted(shared)} never fires, "
                    f"shadowed by the earlier {earlier.label} -> {earlier.dest}"
                )
    return problems


def check_definition(defn: MachineDef) -> MachineDef:
    """Raise :class:`DefinitionError` listing every problem of ``defn``; return it when sound."""
    problems = definition_problems(defn)
    if problems:
        raise DefinitionError(f"machine {defn.name!r}", problems)
    return defn


def transitions_spec(defn: MachineDef) -> list[dict[str, Any]]:
    """The rows as ``transitions`` transition dicts, guards resolved to their callables."""
    return [
        {
            "trigger": row.trigger,
            "source": [str(src) for src in row.sources],
            "dest": str(row.dest),
            "conditions": [defn.guards[g] for g in row.guards],
        }
        for row in defn.rows
    ]


def build_machine(
    defn: MachineDef,
    models: Iterable[object] | object | None = None,
    *,
    machine_cls: type[Machine] = Machine,
    **kwargs: Any,
) -> Machine:
    """A ``transitions`` machine for ``defn``: no auto transitions, invalid triggers raise.

    Guards are called with the arguments the trigger is called with (the model calls every
    trigger with its kubelet context), so they stay pure functions of that context.
    """
    if models is None:
        model_arg: Any = None
    elif isinstance(models, Sequence | list):
        model_arg = list(models)
    else:
        model_arg = models
    return machine_cls(
        model=model_arg,
        states=[str(n) for n in defn.state_names],  # plain names: transitions would rename enums
        transitions=transitions_spec(defn),
        initial=str(defn.initial),
        auto_transitions=False,
        ignore_invalid_triggers=False,
        **kwargs,
    )
