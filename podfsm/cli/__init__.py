"""The ``podfsm`` command line: a thin layer over the model, the oracle and the checker.

Each subcommand lives in its own module ``podfsm.cli.<name>`` exposing
``add_arguments(parser)`` and ``run(args) -> int``; this module only dispatches and turns
errors into exit statuses: 0 success, 1 a check failed or an event was illegal, 2 bad input
or usage, with one line on stderr saying what and where.

The same for every command, here and nowhere else: standard output that cannot be written (closed
before the start, a full disk such as ``>/dev/full``, closed while writing) is one line and exit
status 2; a reader that stops early (``| head``) ends the run quietly with 0; Ctrl-C, also
while the command's modules are still being imported, is exit status 130 with no traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any, Protocol, TextIO, cast

from podfsm.errors import IllegalEvent, OutputError, PodFSMError

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2

# name -> (module, one-line help). Order is the order `podfsm --help` lists them.
COMMANDS: dict[str, tuple[str, str]] = {
    "simulate": ("podfsm.cli.simulate", "run a pod manifest through lifecycle events"),
    "examples": ("podfsm.cli.examples", "run the built-in example scenarios and check their outcomes"),
    "status": (
        "podfsm.cli.status",
        "print the `kubectl get pods` table for pod files, and lint their status",
    ),
    "conformance": ("podfsm.cli.conformance", "run conformance cases against podfsm or another program"),
    "check-trace": (
        "podfsm.cli.check_trace",
        "check a recorded watch stream of pods against the behaviour the kubelet allows",
    ),
    "vectors": ("podfsm.cli.vectors", "write language-neutral test vectors for other implementations"),
    "check": ("podfsm.cli.check", "check the invariants with Hypothesis or exhaustively"),
    "diagram": ("podfsm.cli.diagram", "write the state diagrams generated from the machines"),
    "schedule": ("podfsm.cli.schedule", "admit a pod and pick a node for it like kube-scheduler"),
    "completion": ("podfsm.cli.completion", "print a shell completion script (bash, zsh or tcsh)"),
}

EXAMPLES = """\
  # kubectl's table (and a lint of the status) for the pods of a file, or of a watch stream
  podfsm status pods.json
  kubectl get pods -w -o json | podfsm status -

  # run a pod through lifecycle events and print the timeline
  podfsm simulate pod.yaml events.yaml

  # check every invariant on every reachable state of the standard pods
  podfsm check --exhaustive

  # tab completion in bash
  source <(podfsm completion bash)
"""


class _Command(Protocol):
    EXAMPLES: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser(command: str | None = None, *, full: bool = False) -> argparse.ArgumentParser:
    """The parser; only ``command``'s module is imported (keeps start-up fast for ``status``),
    or every command's with ``full`` (for shell completion)."""
    parser = _Parser(
        prog="podfsm",
        description="An executable, formal specification of the Kubernetes Pod lifecycle.",
        epilog="Examples:\n" + EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from podfsm import __version__

    parser.add_argument("--version", action="version", version=f"podfsm {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module_name, help_text) in COMMANDS.items():
        if name == command or full:
            module = cast(_Command, importlib.import_module(module_name))
            p = sub.add_parser(
                name,
                help=help_text,
                description=help_text[:1].upper() + help_text[1:] + ".",
                epilog="Examples:\n" + module.EXAMPLES,
                formatter_class=argparse.RawDescriptionHelpFormatter,
            )
            module.add_arguments(p)
            p.set_defaults(_run=module.run)
        else:
            sub.add_parser(name, help=help_text, description=help_text)
    return parser


def suggest(word: str) -> str:
    """`` (did you mean "status"?)`` for a mistyped command, or ``""``."""
    import difflib

    close = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.6)
    return f'; did you mean "{close[0]}"?' if close else ""


EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C

STDOUT = "standard output"


class _GuardedOutput:
    """Standard output whose write errors are :class:`OutputError`; every other attribute passes through.

    A reader that went away (``EPIPE``) stays :class:`BrokenPipeError`, which :func:`main` ends quietly.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def _failed(self, exc: OSError | ValueError) -> OutputError:
        if isinstance(exc, ValueError):  # "I/O operation on closed file"
            return OutputError(STDOUT, "it is closed")
        return OutputError(STDOUT, exc.strerror or str(exc))

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as exc:
            raise self._failed(exc) from None

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as exc:
            raise self._failed(exc) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _discard_stdout() -> None:
    """Point file descriptor 1 at /dev/null, so the interpreter's last flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ is not None else 1)
        os.close(devnull)


def _say(command: str | None, message: object) -> None:
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            print(f"podfsm {command}: {message}" if command else f"podfsm: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, 1, 2, or 130 after Ctrl-C)."""
    try:
        return _main(argv)
    except KeyboardInterrupt:  # also while a command's modules are being imported
        if argv is None:  # the program itself (console script, python -m podfsm)
            exit_interrupted()
        return EXIT_INTERRUPTED


def exit_interrupted() -> None:
    """End the process with status 130 now, quietly.

    Not ``sys.exit(130)``: when the interrupt arrived while a module was being imported, CPython
    remembers it as unhandled and, at exit, kills the process with SIGINT (status -2) whatever the
    exit status asked for; ``os._exit`` skips that (after flushing what was written).
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            if stream is not None:
                stream.flush()
    os._exit(EXIT_INTERRUPTED)


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in args_list if not a.startswith("-")), None)
    known = command if command in COMMANDS else None
    if sys.stdout is None:  # started with standard output closed (`>&-`)
        _say(known, OutputError(STDOUT, "it is closed"))
        return EXIT_BAD_INPUT
    original = sys.stdout
    sys.stdout = cast(TextIO, _GuardedOutput(original))
    try:
        status = _run(args_list, known)
        sys.stdout.flush()
        return status
    except OutputError as exc:
        if exc.target == STDOUT:
            _discard_stdout()
        _say(known, exc)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        _discard_stdout()
        return EXIT_OK
    finally:
        if isinstance(sys.stdout, _GuardedOutput):
            sys.stdout = original


def _run(args_list: list[str], command: str | None) -> int:
    parser = build_parser(command)
    word = next((a for a in args_list if not a.startswith("-")), None)
    if word is not None and command is None:  # as kubectl: unknown command "stauts" ... did you mean
        usage = parser.format_usage().rstrip()
        print(f'{usage}\npodfsm: error: unknown command "{word}"{suggest(word)}', file=sys.stderr)
        print("Run 'podfsm --help' for the commands.", file=sys.stderr)
        return EXIT_BAD_INPUT
    args = parser.parse_args(args_list)
    if getattr(args, "_run", None) is None:  # bare `podfsm`: the help, as kubectl prints it
        parser.print_help()
        return EXIT_OK
    try:
        return int(args._run(args))
    except IllegalEvent as exc:
        sys.stdout.flush()  # the steps before the illegal event come first
        _say(args.command, exc)
        return EXIT_CHECK_FAILED
    except OutputError:
        raise
    except PodFSMError as exc:
        sys.stdout.flush()
        _say(args.command, exc)
        return EXIT_BAD_INPUT
