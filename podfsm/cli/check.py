"""``podfsm check``: the invariants, checked with Hypothesis or over every reachable state.

Without ``--exhaustive``, Hypothesis draws event scripts (:func:`podfsm.verifier.strategies.event_scripts`)
for each pod given, or for pods it draws itself (:func:`podfsm.verifier.strategies.pod_specs`) when none is
given, replays each on the model and checks every invariant after every event; ``--examples``
and ``--seed`` size and fix the run. A violation is shrunk to a minimal script.

With ``--exhaustive``, the explorer (:mod:`podfsm.verifier.explorer`) visits every reachable state of each
pod given, or of the standard configurations, and prints states, transitions, depth and states
per second; a violation comes with its shortest script.

Either way a counterexample is printed as the two files ``podfsm simulate POD EVENTS`` reads
(``--save DIR`` writes them), and the exit status is 1. ``-o json`` prints one JSON object.
``--mutant NAME`` checks a deliberately broken model (:mod:`podfsm.verifier.mutants`) instead: a check
that passes on a mutant is a check that does not check. ``--exhaustive`` prints each pod's
counterexamples as soon as that pod is explored (the invariant's statement, the last step as a
diff of the published fields that matter, the script); ``--first`` stops at the first one.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import random
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from podfsm._io import escape_control
from podfsm.cli import EXIT_CHECK_FAILED, EXIT_OK
from podfsm.cli._progress import Progress
from podfsm.cli._text import dump, plural
from podfsm.errors import UsageError

__all__ = ["add_arguments", "run"]

DEFAULT_EXAMPLES = 200
DEFAULT_STEPS = 30


EXAMPLES = """\
  # Hypothesis on drawn pods, with a fixed seed
  podfsm check --seed 1

  # every reachable state of the standard configurations, or of your pod
  podfsm check --exhaustive
  podfsm check --exhaustive my-pod.yaml --max-states 100000

  # a deliberately broken model: the check must find its violation
  podfsm check --mutant never-restarts-failed --save counterexamples/
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "pods",
        nargs="*",
        metavar="POD",
        help="pod manifests (JSON/YAML; several pods per file allowed); default: the standard configurations "
        "(--exhaustive) or drawn pods",
    )
    parser.add_argument(
        "--exhaustive", action="store_true", help="visit every reachable state (bounded pods)"
    )
    parser.add_argument(
        "--examples",
        type=_positive,
        default=DEFAULT_EXAMPLES,
        metavar="N",
        help="Hypothesis examples per pod",
    )
    parser.add_argument(
        "--kubelet-config",
        metavar="FILE",
        help="check the model under this kubelet configuration (crash-loop back-off, feature gates)",
    )
    parser.add_argument("--seed", type=int, metavar="N", help="Hypothesis seed (default: random, printed)")
    parser.add_argument(
        "--steps",
        type=_positive,
        default=DEFAULT_STEPS,
        metavar="N",
        help="most events per Hypothesis example",
    )
    parser.add_argument(
        "--configuration",
        action="append",
        metavar="NAME",
        help="a standard configuration (glob patterns allowed; repeatable)",
    )
    parser.add_argument(
        "--invariant", action="append", metavar="NAME", help="check only this invariant (repeatable)"
    )
    parser.add_argument(
        "--mutant", metavar="NAME", help="check a deliberately broken model (podfsm.verifier.mutants)"
    )
    parser.add_argument(
        "--first",
        action="store_true",
        help="stop at the first violation (--exhaustive: the first pod with one, its shortest script)",
    )
    parser.add_argument("--max-states", type=_positive, metavar="N", help="cut each exploration at N states")
    parser.add_argument("--max-depth", type=_positive, metavar="N", help="cut each exploration at depth N")
    parser.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help="exhaustive: worker processes (or Ray actors with --ray); default: every core of this machine",
    )
    parser.add_argument(
        "--ray",
        metavar="ADDRESS",
        help="exhaustive: run the partitions as Ray actors: 'local' starts Ray here, else a cluster address "
        "('auto', 'ray://HEAD:10001'); needs podfsm[cluster]",
    )
    parser.add_argument(
        "--memory-limit",
        type=_size,
        metavar="SIZE",
        help="exhaustive: keep the frontier within SIZE (e.g. 512M, 2G) in all, spilling the rest to disk",
    )
    parser.add_argument(
        "--spill-dir", metavar="DIR", help="exhaustive: where the frontier spills (default: system temp)"
    )
    parser.add_argument(
        "--no-symmetry",
        action="store_true",
        help="do not merge states that differ by interchangeable containers",
    )
    parser.add_argument(
        "--save", metavar="DIR", help="write each counterexample as DIR/NAME.pod.json and .events.json"
    )
    parser.add_argument(
        "--list", action="store_true", help="list invariants, standard configurations and mutants"
    )
    parser.add_argument(
        "-o",
        "--output",
        choices=("text", "json", "yaml"),
        default="text",
        help="text (default), json, yaml",
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def _size(text: str) -> int:
    """``512M``, ``2G``, ``1.5G``, ``1048576``: bytes (binary units, an optional trailing B)."""
    raw = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = raw[-1:] if raw[-1:] in _UNITS and raw[-1:] else ""
    number = raw[: len(raw) - len(unit)]
    try:
        value = float(number)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 512M, 2G)") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text!r}")
    return int(value * _UNITS[unit])


def run(args: argparse.Namespace) -> int:
    from podfsm.verifier import invariants as inv
    from podfsm.verifier import mutants as mut
    from podfsm.verifier.explorer import STANDARD_CONFIGURATIONS

    if args.list:
        _print_list(args.output)
        return EXIT_OK
    try:
        checked = [inv.get(n) for n in args.invariant] if args.invariant else list(inv.INVARIANTS.values())
        mutant = mut.get(args.mutant) if args.mutant else None
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from None

    configurations: list[tuple[str, Mapping[str, Any]]] = []
    for path in args.pods:
        configurations.extend(_load(path, getattr(args, "kubelet_config", None)))
    if args.configuration:
        known = {c.name: c for c in STANDARD_CONFIGURATIONS}
        for pattern in args.configuration:
            names = [n for n in known if fnmatch.fnmatchcase(n, pattern)]
            if not names:
                raise UsageError(f"no standard configuration matches {pattern!r}; known: {', '.join(known)}")
            configurations.extend(
                (n, known[n].manifest) for n in names if (n, known[n].manifest) not in configurations
            )
    if not configurations and (args.exhaustive or mutant is not None):
        if mutant is not None:
            conf = next(c for c in STANDARD_CONFIGURATIONS if c.name == mutant.configuration)
            configurations = [(conf.name, conf.manifest)]
        else:
            configurations = [(c.name, c.manifest) for c in STANDARD_CONFIGURATIONS]

    context: AbstractContextManager[Any] = mutant.active() if mutant is not None else nullcontext(None)
    with context as factory:
        if getattr(args, "kubelet_config", None):
            if mutant is not None:
                raise UsageError("--kubelet-config cannot be combined with --mutant")
            factory = _configured_model(args.kubelet_config)
        if args.exhaustive:
            report = _exhaustive(args, configurations, checked, factory)
        else:
            with _scratch_hypothesis_storage():
                report = _hypothesis(args, configurations, checked, factory)
            if args.output == "text":
                _print_violations(report["violations"], factory)
    if mutant is not None:
        report["mutant"] = {"name": mutant.name, "invariant": mutant.invariant, "doc": mutant.doc}
    if args.save:
        _save(Path(args.save), report["violations"])
    if args.output != "text":
        sys.stdout.write(dump(report, args.output))
    elif report["violations"] and args.save:
        print(f"\ncounterexamples written to {args.save}/")
    return EXIT_CHECK_FAILED if report["violations"] else EXIT_OK


def _load(path: str, kubelet_config: str | None = None) -> list[tuple[str, Mapping[str, Any]]]:
    from podfsm.loader import load_pod_dicts
    from podfsm.model.kubelet_config import DEFAULT_KUBELET_CONFIG, load_kubelet_config
    from podfsm.model.pod import PodModel

    config = load_kubelet_config(kubelet_config) if kubelet_config else DEFAULT_KUBELET_CONFIG
    pods = load_pod_dicts(path, allow_empty=False)
    name = "<stdin>" if path == "-" else path
    out: list[tuple[str, Mapping[str, Any]]] = []
    for i, pod in enumerate(pods):
        # the model's own checks of the spec (under the kubelet's gates), as a usage error
        PodModel(pod, source=name, kubelet_config=config)
        meta = pod.get("metadata") or {}
        label = escape_control(str(meta.get("name") or f"{Path(name).name}[{i}]"))  # shown in the table
        out.append((label, pod))
    return out


# ----------------------------------------------------------------------------------- exhaustive


def _exhaustive(
    args: argparse.Namespace,
    configurations: Sequence[tuple[str, Mapping[str, Any]]],
    checked: Sequence[Any],
    factory: Callable[[Mapping[str, Any]], Any] | None,
) -> dict[str, Any]:
    from podfsm.verifier.explorer import Bounds, explore
    from podfsm.verifier.parallel import WorkerError, default_workers
    from podfsm.verifier.progress import TerminalProgress

    if args.ray is not None and factory is not None:
        raise UsageError("--ray does not run mutants (their patches live in this process); drop --ray")
    workers = args.workers or default_workers()
    text = args.output == "text"
    if text:
        pods = plural(len(configurations), "pod")
        print(f"exhaustive check of {plural(len(checked), 'invariant')} over {pods}")
        head = f"{'POD':<28} {'STATES':>8} {'TRANSITIONS':>11} {'DEPTH':>5} {'SECONDS':>8} {'STATES/S':>9}"
        print(f"{head}  RESULT")
    rows: list[dict[str, Any]] = []
    violations: list[dict[str, Any]] = []
    progress = TerminalProgress(sys.stderr)
    for name, manifest in configurations:
        try:
            with progress:
                result = explore(
                    manifest,
                    name=name,
                    invariants=checked,
                    model_factory=factory,
                    bounds=Bounds.from_manifest(manifest, name),
                    symmetry=not args.no_symmetry,
                    max_states=args.max_states,
                    max_depth=args.max_depth,
                    workers=workers,
                    ray=args.ray,
                    memory_limit=args.memory_limit,
                    spill_dir=args.spill_dir,
                    progress=progress,
                    stop_at_first=args.first,
                )
        except WorkerError as exc:
            raise UsageError(f"{name}: a worker failed: {str(exc).strip().splitlines()[-1]}") from None
        rows.append(result.to_dict())
        found = [v.to_dict() for v in result.violations]
        violations.extend(found)
        if text:
            verdict = "ok" if result.ok else f"{len(result.violations)} violated"
            if not result.complete:
                verdict += " (cut)"
            print(
                f"{name:<28} {result.states:>8} {result.transitions:>11} {result.depth:>5} "
                f"{result.seconds:>8.2f} {result.states_per_second:>9.0f}  {verdict}",
                flush=True,
            )
            _print_violations(found, factory)  # each pod's counterexamples as soon as it is explored
        if args.first and found:
            break
    states = sum(r["distinctStates"] for r in rows)
    seconds = sum(r["seconds"] for r in rows)
    totals = {
        "distinctStates": states,
        "transitions": sum(r["transitions"] for r in rows),
        "depth": max((r["depth"] for r in rows), default=0),
        "seconds": round(seconds, 3),
        "statesPerSecond": round(states / seconds, 1) if seconds > 0 else 0.0,
        "complete": all(r["complete"] for r in rows),
        "fingerprintCollisionProbability": float(
            f"{sum(r['fingerprintCollisionProbability'] for r in rows):.3g}"
        ),
        "workers": workers,
    }
    if text:
        print(
            f"{'total':<28} {totals['distinctStates']:>8} {totals['transitions']:>11} {totals['depth']:>5} "
            f"{seconds:>8.2f} {totals['statesPerSecond']:>9.0f}  "
            + total_verdict(len(violations), complete=totals["complete"])
        )
        print(
            f"{workers} {'Ray actors' if args.ray else 'workers'}; fingerprint collision probability "
            f"(TLC's optimistic estimate): {totals['fingerprintCollisionProbability']:.2g}"
        )
    return {
        "mode": "exhaustive",
        "invariants": [i.name for i in checked],
        "configurations": rows,
        "totals": totals,
        "violations": violations,
    }


def total_verdict(violations: int, *, complete: bool) -> str:
    """The total row's verdict: ``ok``, ``2 violations``, each with `` (cut)`` when some exploration
    stopped at a bound (then "ok" says only that no violation was found in the states visited)."""
    verdict = "ok" if not violations else plural(violations, "violation")
    return verdict if complete else verdict + " (cut)"


# ----------------------------------------------------------------------------------- hypothesis


@contextmanager
def _scratch_hypothesis_storage() -> Iterator[None]:
    """Keep Hypothesis' files (its constants cache) out of the user's directory: no ``.hypothesis/``.

    Hypothesis writes under ``./.hypothesis`` even with ``database=None``; for the run it writes to
    a temporary directory instead, removed afterwards (``HYPOTHESIS_STORAGE_DIRECTORY``, when set,
    is respected).
    """
    import os
    import tempfile

    from hypothesis.configuration import set_hypothesis_home_dir

    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="podfsm-hypothesis-") as scratch:
        set_hypothesis_home_dir(scratch)
        try:
            yield
        finally:
            set_hypothesis_home_dir(None)


class _Found(Exception):
    """A violation found by a Hypothesis example (raised so that Hypothesis shrinks it)."""

    def __init__(
        self, invariant: str, message: str, pod: Mapping[str, Any], events: list[dict[str, Any]]
    ) -> None:
        super().__init__(f"{invariant}: {message}")
        self.record = {"invariant": invariant, "message": message, "pod": dict(pod), "events": events}


def _hypothesis(
    args: argparse.Namespace,
    configurations: Sequence[tuple[str, Mapping[str, Any]]],
    checked: Sequence[Any],
    factory: Callable[[Mapping[str, Any]], Any] | None,
) -> dict[str, Any]:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as fix_seed
    from hypothesis import strategies as st

    from podfsm.verifier.explorer import replay
    from podfsm.verifier.invariants import check
    from podfsm.verifier.strategies import event_scripts, pod_specs

    seed = args.seed if args.seed is not None else random.randrange(2**32)
    text = args.output == "text"
    config = settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        print_blob=False,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    targets: list[tuple[str, Mapping[str, Any] | None]] = list(configurations) or [("drawn pods", None)]
    if text:
        print(
            f"Hypothesis check of {plural(len(checked), 'invariant')}, "
            f"{plural(args.examples, 'example')} per pod, seed {seed}"
        )
        print(f"{'POD':<28} {'EXAMPLES':>8} {'EVENTS':>8} {'SECONDS':>8}  RESULT")
    rows: list[dict[str, Any]] = []
    violations: list[dict[str, Any]] = []

    def make_test(
        manifest: Mapping[str, Any] | None, counts: dict[str, int]
    ) -> Callable[[st.DataObject], None]:
        def test_one(data: st.DataObject) -> None:
            pod = manifest if manifest is not None else data.draw(pod_specs(), label="pod")
            script = data.draw(event_scripts(pod, max_size=args.steps, model_factory=factory), label="events")
            counts["examples"] += 1
            if progress is not None:
                progress.update(completed=counts["examples"], note=plural(counts["events"], "event"))
            counts["events"] += len(script)
            for i, t in enumerate(_transitions(replay, pod, script, factory)):
                found = check(t, checked)
                if found:
                    raise _Found(found[0].invariant, found[0].message, pod, script[:i])

        return test_one

    progress: Progress | None = None
    for name, manifest in targets:
        counts = {"examples": 0, "events": 0}
        test_one = make_test(manifest, counts)
        runner = fix_seed(seed)(config(given(st.data())(test_one)))
        started = time.perf_counter()
        record: dict[str, Any] | None = None
        try:
            # Hypothesis runs up to --examples examples, more while it shrinks a failure
            with Progress(f"checking {name}", total=args.examples) as progress:
                runner()
        except _Found as exc:
            record = {**exc.record, "configuration": name}
            violations.append(record)
        seconds = time.perf_counter() - started
        rows.append({"configuration": name, **counts, "seconds": round(seconds, 3), "ok": record is None})
        if text:
            verdict = "ok" if record is None else f"violated: {record['invariant']}"
            print(
                f"{name:<28} {counts['examples']:>8} {counts['events']:>8} {seconds:>8.2f}  {verdict}",
                flush=True,
            )
    return {
        "mode": "hypothesis",
        "seed": seed,
        "examples": args.examples,
        "invariants": [i.name for i in checked],
        "runs": rows,
        "violations": violations,
    }


def _transitions(
    replay: Callable[..., list[Any]],
    pod: Mapping[str, Any],
    script: list[dict[str, Any]],
    factory: Callable[[Mapping[str, Any]], Any] | None,
) -> Iterator[Any]:
    from podfsm.verifier.invariants import Context, Transition

    model = (factory or _pod_model())(pod)
    yield Transition(Context.of(model), None, None, model.snapshot())
    yield from replay(pod, script, model_factory=factory)


def _configured_model(path: str) -> Callable[[Mapping[str, Any]], Any]:
    """PodModel under the kubelet configuration in ``path`` (ManifestError naming it when wrong)."""
    from functools import partial

    from podfsm.model.kubelet_config import load_kubelet_config
    from podfsm.model.pod import PodModel

    return partial(PodModel, kubelet_config=load_kubelet_config(path))


def _pod_model() -> Callable[[Mapping[str, Any]], Any]:
    from podfsm.model.pod import PodModel

    return PodModel


# ----------------------------------------------------------------------------------- output


def _print_violations(
    violations: Sequence[Mapping[str, Any]], factory: Callable[[Mapping[str, Any]], Any] | None
) -> None:
    """Each counterexample: the invariant and its statement, the last step as a diff of the published
    fields that matter (replayed on ``factory``), then the script ``podfsm simulate`` replays."""
    from podfsm.verifier.explain import explain

    for v in violations:
        events = v["events"]
        print()
        print(f"VIOLATION {v['invariant']} ({v.get('configuration', '')}): {v['message']}", flush=True)
        detail = explain(v["pod"], events, v["invariant"], v["message"], model_factory=factory)
        print("\n".join(detail.splitlines()[1:]))
        print(f"counterexample: {plural(len(events), 'event')}; replay with `podfsm simulate POD EVENTS`")
        print(f"POD: {json.dumps(v['pod'])}")
        print("EVENTS:")
        for e in events:
            print(f"  - {json.dumps(e)}")


def _file_stem(v: Mapping[str, Any]) -> str:
    raw = f"{v.get('configuration', 'pod')}--{v['invariant']}"
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in raw)


def _save(directory: Path, violations: Sequence[Mapping[str, Any]]) -> None:
    if not violations:
        return
    from podfsm._io import write_atomic

    for v in violations:  # each file whole or not at all: a full disk never leaves half of one
        stem = _file_stem(v)
        write_atomic(directory / f"{stem}.pod.json", json.dumps(v["pod"], indent=2) + "\n")
        write_atomic(directory / f"{stem}.events.json", json.dumps(v["events"], indent=2) + "\n")


def _print_list(output: str) -> None:
    from podfsm.verifier.explorer import STANDARD_CONFIGURATIONS
    from podfsm.verifier.invariants import INVARIANTS
    from podfsm.verifier.mutants import MUTANTS

    if output != "text":
        sys.stdout.write(
            dump(
                {
                    "invariants": [
                        {"name": i.name, "statement": i.statement, "scope": i.scope, "view": i.view}
                        for i in INVARIANTS.values()
                    ],
                    "configurations": [
                        {"name": c.name, "doc": c.doc, "bounds": c.bounds.to_dict()}
                        for c in STANDARD_CONFIGURATIONS
                    ],
                    "mutants": [
                        {"name": m.name, "invariant": m.invariant, "doc": m.doc} for m in MUTANTS.values()
                    ],
                },
                output,
            )
        )
        return
    for view, title in (("published", "invariants over the published pod:"), ("model", "model self-checks:")):
        print(title)
        for i in INVARIANTS.values():
            if i.view == view:
                print(f"  {i.name:<48} {i.statement}")
    print("standard configurations:")
    for c in STANDARD_CONFIGURATIONS:
        bounds = json.dumps(c.bounds.to_dict()) if c.bounds.to_dict() else "unbounded"
        print(f"  {c.name:<28} {c.doc}; {bounds}")
    print("mutants:")
    for m in MUTANTS.values():
        what = f"breaks {m.invariant}" if m.invariant else "bug kind"
        print(f"  {m.name:<32} {what}: {m.doc}")
