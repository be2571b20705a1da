"""podfsm's exceptions: one small tree, each carrying its fields.

::

    PodFSMError                  every error podfsm raises on purpose
     ├── ManifestError           a file or object that cannot be loaded (syntax, kind, required field)
     │    └── AdmissionError     a manifest the API server would reject (all field errors at once)
     ├── InvalidPod              input to an oracle function that is not a pod at all
     ├── InvalidArgument         a keyword argument of the wrong type or value (``now=``, ``feature_gates=``)
     ├── OutputError             a file or standard output that cannot be written
     ├── IllegalEvent            an event that cannot happen in the model's current state
     ├── DefinitionError         a machine or table definition that fails its checks at import
     └── UsageError              a command line that does not make sense

The command line maps ``IllegalEvent`` to exit status 1 and every other ``PodFSMError`` to 2,
printing ``str(error)``: one line that says what and where.
"""

from __future__ import annotations

from collections.abc import Sequence


class PodFSMError(Exception):
    """Base class of every error podfsm raises on purpose."""


class ManifestError(PodFSMError):
    """A file or object that cannot be loaded as what it should be.

    ``source`` names the file (or ``<stdin>``, ``<object>``), ``location`` the line
    (``line 12``) or field path (``spec.containers[0].name``) when known.
    """

    def __init__(self, source: str, problem: str, location: str | None = None) -> None:
        self.source = source
        self.problem = problem
        self.location = location
        where = f"{source}: {location}" if location else source
        super().__init__(f"{where}: {problem}")


class AdmissionError(ManifestError):
    """A manifest that the API server's validation would reject.

    ``errors`` lists ``(field_path, rule)`` pairs, all of them at once, as the API server does.
    """

    def __init__(self, source: str, pod_name: str, errors: Sequence[tuple[str, str]]) -> None:
        self.errors = list(errors)
        self.pod_name = pod_name
        detail = ", ".join(f"{path}: {rule}" for path, rule in self.errors)
        if len(self.errors) != 1:  # utilerrors.Aggregate brackets only a list of several
            detail = f"[{detail}]"
        super().__init__(source, f'Pod "{pod_name}" is invalid: {detail}')


class InvalidPod(PodFSMError, ValueError):
    """An oracle function was given something that is not a pod object."""

    def __init__(self, problem: str, where: str = "pod") -> None:
        self.problem = problem
        self.where = where
        super().__init__(f"{where}: {problem}")


class InvalidArgument(PodFSMError, TypeError, ValueError):
    """An argument of a public function with the wrong type or value; ``argument`` names it.

    Both a ``TypeError`` and a ``ValueError``, so code that caught either before still does.
    """

    def __init__(self, argument: str, problem: str) -> None:
        self.argument = argument
        self.problem = problem
        super().__init__(f"{argument}: {problem}")


class OutputError(PodFSMError):
    """An output that cannot be written: ``target`` is the path (or ``standard output``).

    Raised by :func:`podfsm._io.write_atomic`, which leaves the old file (if any) untouched.
    """

    def __init__(self, target: str, problem: str) -> None:
        self.target = target
        self.problem = problem
        super().__init__(f"{target}: cannot write: {problem}")


class IllegalEvent(PodFSMError):
    """An event that cannot happen in the current state; the model is left exactly as it was.

    ``event`` is the event's type, ``container`` the container it names (or ``None``),
    ``state`` a short description of what the model was in, ``legal`` what would be legal.
    """

    def __init__(
        self,
        event: str,
        problem: str,
        *,
        container: str | None = None,
        state: str | None = None,
        legal: Sequence[str] = (),
        index: int | None = None,
    ) -> None:
        self.event = event
        self.container = container
        self.state = state
        self.problem = problem
        self.legal = list(legal)
        self.index = index
        head = f"event #{index} " if index is not None else "event "
        head += event
        if container is not None:
            head += f" (container {container!r}"
            head += f", state {state})" if state else ")"
        elif state:
            head += f" (pod {state})"
        msg = f"illegal {head}: {problem}"
        if self.legal:
            msg += "; legal now: " + ", ".join(self.legal)
        super().__init__(msg)


class DefinitionError(PodFSMError):
    """A machine or table whose definition fails its checks; lists every offender."""

    def __init__(self, what: str, problems: Sequence[str]) -> None:
        self.what = what
        self.problems = list(problems)
        super().__init__(f"{what}: " + "; ".join(self.problems))


class UsageError(PodFSMError):
    """A command line or argument combination that does not make sense."""
