"""The explorer on a Ray cluster: one actor per partition of the states (``podfsm check --exhaustive --ray``).

Needs the optional extra ``podfsm[cluster]`` (`Ray <https://docs.ray.io>`_). Each actor holds a
:class:`~podfsm.verifier.parallel.Partition`: the part of the visited set whose fingerprints it
owns and the frontier states it must expand; the driver only keeps the trace (10 bytes a state)
and merges each batch in state-number order, so the counts and counterexamples are those of one
process (:mod:`podfsm.verifier.parallel`).

``address`` is ``"local"`` (start a Ray instance on this machine with one CPU per worker) or
what ``ray.init(address=...)`` takes: ``"auto"`` on a node of a running cluster, or
``"ray://HEAD:10001"`` through Ray Client. Every actor runs with ``PYTHONHASHSEED=0`` so that
fingerprints agree across machines; the cluster's Python must have the same podfsm installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from podfsm.errors import UsageError
from podfsm.verifier.parallel import Job, Partition

__all__ = ["HASH_SEED", "RayBackend", "ray_available"]

HASH_SEED = "0"


def ray_available() -> str | None:
    """None when Ray can be imported, else why not (one line)."""
    try:
        import ray  # noqa: F401
    except ImportError as exc:
        return f"Ray is not installed ({exc}); install the extra: pip install 'podfsm[cluster]'"
    return None


class _PartitionActor:
    """A :class:`Partition` behind a Ray actor: one generic entry point."""

    def __init__(self, job: Job, number: int) -> None:
        self.part = Partition(job, number)

    def call(self, method: str, args: tuple[Any, ...]) -> Any:
        return getattr(self.part, method)(*args)


class RayBackend:
    """``job.partitions`` Ray actors, one partition each. Raises :class:`UsageError` without Ray."""

    def __init__(self, job: Job, address: str) -> None:
        problem = ray_available()
        if problem is not None:
            raise UsageError(f"--ray {address}: {problem}")
        import ray

        self._ray: Any = ray
        self._started = False
        runtime_env = {"env_vars": {"PYTHONHASHSEED": HASH_SEED}}
        if not ray.is_initialized():
            if address == "local":
                ray.init(
                    num_cpus=job.partitions,
                    runtime_env=runtime_env,
                    include_dashboard=False,
                    log_to_driver=False,
                    configure_logging=False,
                )
            else:
                ray.init(address=address, runtime_env=runtime_env, log_to_driver=False)
            self._started = True
        self.partitions = job.partitions
        actor: Any = ray.remote(num_cpus=1, runtime_env=runtime_env)(_PartitionActor)
        self.actors: list[Any] = [actor.remote(job, number) for number in range(job.partitions)]

    def call(self, method: str, args: Sequence[tuple[Any, ...]]) -> list[Any]:
        refs = [a.call.remote(method, x) for a, x in zip(self.actors, args, strict=True)]
        return list(self._ray.get(refs))

    def close(self) -> None:
        for a in self.actors:
            self._ray.kill(a)
        self.actors = []
        if self._started:
            self._ray.shutdown()
            self._started = False
