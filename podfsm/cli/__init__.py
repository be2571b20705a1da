"""The ``podfsm`` command line: a thin layer over the model, the oracle and the checker.

Each subcommand lives in its own module ``podfsm.cli.<name>`` exposing
``add_arguments(parser)`` and ``run(args) -> int``; this module only dispatches and turns
errors into exit statuses: 0 success, 1 a check failed or an event was illegal, 2 bad input
or usage, with one line on stderr saying what and where.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Protocol, cast

from podfsm.errors import IllegalEvent, PodFSMError

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
}


class _Command(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only ``command``'s module is imported (keeps start-up fast for ``status``)."""
    parser = _Parser(
        prog="podfsm",
        description="An executable, formal specification of the Kubernetes Pod lifecycle.",
    )
    from podfsm import __version__

    parser.add_argument("--version", action="version", version=f"podfsm {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == command:
            module = cast(_Command, importlib.import_module(module_name))
            module.add_arguments(p)
            p.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in args_list if not a.startswith("-")), None)
    parser = build_parser(command if command in COMMANDS else None)
    args = parser.parse_args(args_list)
    if getattr(args, "_run", None) is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return int(args._run(args))
    except IllegalEvent as exc:
        print(f"podfsm {args.command}: {exc}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    except PodFSMError as exc:
        print(f"podfsm {args.command}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
