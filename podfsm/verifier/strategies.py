"""Hypothesis strategies for Kubernetes pods and their lifecycle, for podfsm's tests and yours.

Everything here is public and meant for other projects' test suites:

=============================  ==========================================================================
:func:`pod_specs`              pod manifests: init, sidecar and regular containers, pod and container
                               restart policies and ``restartPolicyRules``, probes, lifecycle hooks,
                               grace periods, tolerations, readiness and scheduling gates. Every one
                               passes the API server's validation (:func:`podfsm.model.admission.validate`).
:func:`event_scripts`          legal event sequences for one pod: each event is one the model accepts
                               after the ones before it, biased by a *flavour* toward crash loops,
                               probe flaps, deletion during init, eviction or node loss.
:func:`pods_with_status`       valid Pod objects with a ``status`` (the model's rendering after a
                               script), for testing anything that reads pods, e.g. the oracle.
:func:`next_event`             one event for a model in its current state (what the state machine
                               of :mod:`podfsm.verifier.stateful` draws each step).
=============================  ==========================================================================

Installing podfsm registers :func:`_hypothesis_setup_hook` under Hypothesis' ``hypothesis``
entry point: ``st.from_type(podfsm.api.Pod)`` then draws :func:`pods_with_status` as
:class:`podfsm.api.Pod` objects.

Scripts are drawn step by step against a live model, so shrinking keeps them legal: a shrunk
script is a shorter or simpler script that the model still accepts.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hypothesis import strategies as st

__all__ = [
    "FLAVOURS",
    "event_scripts",
    "next_event",
    "pod_specs",
    "pods_with_status",
    "run_script",
]

FLAVOURS: tuple[str, ...] = (
    "anything",
    "crash-loop",
    "probe-flap",
    "delete-during-init",
    "eviction",
    "node-lost",
)
"""What a script leans toward; ``anything`` has no bias."""

_NAMES = ("app", "web", "db", "cache", "worker", "proxy", "log", "sync", "a", "z")
_IMAGES = ("registry.example/app:1", "nginx:1.27", "busybox")
_EXEC = {"exec": {"command": ["true"]}}
_EXIT_CODES = (0, 1, 2, 137, 42)
_WAITS = (1.0, 5.0, 30.0, 301.0, 601.0)


# ----------------------------------------------------------------------------------- pod specs


@st.composite
def _probe(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    probe: dict[str, Any] = {**_EXEC}
    probe["failureThreshold"] = draw(st.integers(1, 3))
    if kind == "readiness":
        probe["successThreshold"] = draw(st.integers(1, 2))
    if draw(st.booleans()):
        probe["initialDelaySeconds"] = draw(st.sampled_from((0, 5, 30)))
    if kind != "readiness" and draw(st.integers(0, 3)) == 3:
        probe["terminationGracePeriodSeconds"] = draw(st.sampled_from((1, 5)))
    return probe


@st.composite
def _probes(draw: st.DrawFn, enabled: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not enabled:
        return out
    for kind, key in (
        ("startup", "startupProbe"),
        ("liveness", "livenessProbe"),
        ("readiness", "readinessProbe"),
    ):
        if draw(st.integers(0, 2)) == 2:  # a feature is the largest draw: shrinking removes it
            out[key] = draw(_probe(kind))
    return out


@st.composite
def _hooks(draw: st.DrawFn, enabled: bool) -> dict[str, Any]:
    if not enabled:
        return {}
    lifecycle: dict[str, Any] = {}
    if draw(st.integers(0, 3)) == 3:
        lifecycle["postStart"] = {**_EXEC}
    if draw(st.integers(0, 3)) == 3:
        lifecycle["preStop"] = {**_EXEC}
    return {"lifecycle": lifecycle} if lifecycle else {}


@st.composite
def _rules(draw: st.DrawFn, restart_all: bool = False) -> list[dict[str, Any]]:
    codes = draw(st.lists(st.sampled_from((0, 1, 2, 42, 137)), min_size=1, max_size=3, unique=True))
    # with restart_all a rule may restart every container (alpha RestartAllContainersOnContainerExits);
    # without it nothing more is drawn, so the default draws are what they were
    action = draw(st.sampled_from(("Restart", "RestartAllContainers"))) if restart_all else "Restart"
    return [
        {
            "action": action,
            "exitCodes": {"operator": draw(st.sampled_from(("In", "NotIn"))), "values": sorted(codes)},
        }
    ]


@st.composite
def _container_policy(
    draw: st.DrawFn, enabled: bool, choices: Sequence[str], restart_all: bool = False
) -> dict[str, Any]:
    """A container-level restartPolicy (and sometimes rules), or nothing."""
    if not enabled or not choices or draw(st.integers(0, 3)) != 3:
        return {}
    out: dict[str, Any] = {"restartPolicy": draw(st.sampled_from(tuple(choices)))}
    if draw(st.booleans()):
        out["restartPolicyRules"] = draw(_rules(restart_all))
    return out


_POLICIES = ("Always", "OnFailure", "Never")


def _allowed(choices: Sequence[str], restart_policies: Sequence[str]) -> tuple[str, ...]:
    """The container-level policies a pod drawn with ``restart_policies`` may carry."""
    return tuple(p for p in choices if p in restart_policies)


def pod_specs(
    *,
    max_init: int = 2,
    max_sidecars: int = 1,
    max_regular: int = 3,
    restart_policies: Sequence[str] = ("Always", "OnFailure", "Never"),
    probes: bool = True,
    hooks: bool = True,
    container_rules: bool = True,
    gates: bool = True,
    restart_all: bool = False,
) -> st.SearchStrategy[dict[str, Any]]:
    """Pod manifests (Kubernetes v1 JSON shape, no ``status``) that the API server would accept.

    Up to ``max_init`` regular init containers, ``max_sidecars`` sidecars (init containers with
    ``restartPolicy: Always``) and between 1 and ``max_regular`` regular containers, in random
    order among the init containers; a pod ``restartPolicy`` from ``restart_policies`` (and a
    container's own ``restartPolicy``, when it has one, from them too; sidecars are Always). With
    ``probes``, sidecars and regular containers may have startup, liveness and readiness probes;
    with ``hooks``, postStart and preStop hooks; with ``container_rules``, containers may carry
    their own ``restartPolicy`` and ``restartPolicyRules`` (``ContainerRestartRules``, on by
    default since v1.35); with ``gates``, the pod may have a readiness gate, a scheduling gate,
    a toleration of the unreachable taint, an ``activeDeadlineSeconds`` or a ``nodeName``. With
    ``restart_all`` (and ``container_rules``) a rule's action may be ``RestartAllContainers`` and
    sidecars may carry rules too: such pods need a model whose kubelet configuration turns on
    ``RestartAllContainersOnContainerExits`` (alpha, off in v1.35).

    Every feature is the largest value of its draw, so a failing example shrinks towards a pod
    with fewer containers, probes, hooks, policies and gates.
    """
    if max_regular < 1:
        raise ValueError("a pod needs at least one regular container (max_regular >= 1)")
    return _pod_specs(
        max_init,
        max_sidecars,
        max_regular,
        tuple(restart_policies),
        probes,
        hooks,
        container_rules,
        gates,
        restart_all and container_rules,
    )


@st.composite
def _pod_specs(
    draw: st.DrawFn,
    max_init: int,
    max_sidecars: int,
    max_regular: int,
    restart_policies: tuple[str, ...],
    probes: bool,
    hooks: bool,
    container_rules: bool,
    gates: bool,
    restart_all: bool = False,
) -> dict[str, Any]:
    n_init = draw(st.integers(0, max_init))
    n_sidecar = draw(st.integers(0, max_sidecars))
    n_regular = draw(st.integers(1, max_regular))
    total = n_init + n_sidecar + n_regular
    pool = list(_NAMES) + [f"c{i}" for i in range(max(0, total - len(_NAMES)))]
    names = draw(st.permutations(pool))[:total]
    image = draw(st.sampled_from(_IMAGES))

    inits: list[dict[str, Any]] = []
    for i in range(n_init):
        c: dict[str, Any] = {"name": f"init-{names[i]}", "image": image}
        init_choices = _allowed(("OnFailure", "Never"), restart_policies)
        c.update(draw(_container_policy(container_rules, init_choices, restart_all)))
        inits.append(c)
    for i in range(n_sidecar):
        c = {"name": f"sidecar-{names[n_init + i]}", "image": image, "restartPolicy": "Always"}
        if restart_all and draw(st.booleans()):
            c["restartPolicyRules"] = draw(_rules(True))  # sidecars may carry rules with the gate
        c.update(draw(_probes(probes)))
        c.update(draw(_hooks(hooks)))
        inits.insert(draw(st.integers(0, len(inits))), c)
    regular: list[dict[str, Any]] = []
    for i in range(n_regular):
        c = {"name": names[n_init + n_sidecar + i], "image": image}
        c.update(draw(_container_policy(container_rules, _allowed(_POLICIES, restart_policies), restart_all)))
        c.update(draw(_probes(probes)))
        c.update(draw(_hooks(hooks)))
        regular.append(c)

    spec: dict[str, Any] = {"restartPolicy": draw(st.sampled_from(restart_policies))}
    if inits:
        spec["initContainers"] = inits
    spec["containers"] = regular
    if draw(st.booleans()):
        spec["terminationGracePeriodSeconds"] = draw(st.sampled_from((0, 1, 5, 30)))
    if gates:
        extra = draw(st.integers(0, 7))
        if extra == 1:
            spec["readinessGates"] = [{"conditionType": "example.com/feature"}]
        elif extra == 2:
            spec["schedulingGates"] = [{"name": "example.com/quota"}]
        elif extra == 3:
            toleration: dict[str, Any] = {
                "key": "node.kubernetes.io/unreachable",
                "operator": "Exists",
                "effect": "NoExecute",
            }
            seconds = draw(st.sampled_from((0, 10, None)))
            if seconds is not None:
                toleration["tolerationSeconds"] = seconds
            spec["tolerations"] = [toleration]
        elif extra == 4:
            spec["activeDeadlineSeconds"] = draw(st.sampled_from((30, 600)))
        elif extra == 5:
            spec["nodeName"] = "node-1"
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": draw(st.sampled_from(("demo", "job", "web-0"))), "namespace": "default"},
        "spec": spec,
    }


# ----------------------------------------------------------------------------------- events

ModelFactory = Callable[[Mapping[str, Any]], Any]
_CATALOGUES: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def _world(model: Any, *, include_illegal: bool = False) -> list[Any]:
    """Events the world could send now: the explorer's catalogue plus varied codes, reasons and waits."""
    from podfsm.model.events import (
        ContainerCreateFailed,
        ContainerExited,
        ContainerStarted,
        DeletionRequested,
        Evicted,
        ImagePullFailed,
        KubeletRestarted,
        NodeRebooted,
        SandboxLost,
        SpecUpdated,
        TimePassed,
    )
    from podfsm.verifier.explorer import EventCatalogue, next_instant

    catalogue = _CATALOGUES.get(model)
    if catalogue is None:
        catalogue = _CATALOGUES[model] = EventCatalogue(model)
    out = catalogue.candidates(model)
    if model.gone and not include_illegal:
        return out
    if not include_illegal:
        out = [e for e in out if _plausible(model, e)]
    extra: list[Any] = []
    for rec in model.records:
        name = rec.name
        if rec.state in ("Running", "Killing"):
            extra.extend(ContainerExited(container=name, exit_code=code) for code in _EXIT_CODES[2:])
            extra.append(ContainerExited(container=name, exit_code=137, reason="OOMKilled"))
            extra.append(ContainerExited(container=name, exit_code=2, message="bye", log_tail="a\nb\n"))
            # a spec update: a new image makes the kubelet restart the container (issue 13)
            extra.append(SpecUpdated(container=name, image=_next_image(rec.spec.image)))
        if rec.state == "Waiting":
            extra.append(ImagePullFailed(container=name, reason="InvalidImageName"))
            extra.append(ContainerCreateFailed(container=name, reason="RunContainerError"))
        if include_illegal:
            extra.append(ContainerStarted(container=name))
            extra.append(ContainerExited(container=name, exit_code=1))
    if model.bound and not model.gone:
        ads = model.spec.active_deadline_seconds
        extra.append(SpecUpdated(active_deadline_seconds=max(1, ads // 2) if ads else 60))
    if model.bound and model.node_lost_at is None:
        # the node's software restarts (issue 13): the kubelet alone, the whole node, the sandbox
        extra.append(KubeletRestarted())
        extra.append(NodeRebooted())
        extra.append(SandboxLost())
    if model.bound:  # an unbound pod is deleted at once: one way to do that is enough
        extra.append(DeletionRequested(grace_period_seconds=0))
        extra.append(DeletionRequested(grace_period_seconds=1))
        extra.append(Evicted(grace_period_seconds=5))
    if next_instant(model) is None or include_illegal:
        extra.extend(TimePassed(seconds=s) for s in _WAITS)
    else:
        extra.append(TimePassed(seconds=_WAITS[0]))
    return out + extra


_STARTS = frozenset(
    {
        "ContainerStarted",
        "ContainerCreateFailed",
        "ContainerStartFailed",
        "ImagePullFailed",
        "PostStartHookFailed",
    }
)


def _plausible(model: Any, ev: Any) -> bool:
    """Whether the explorer's candidate ``ev`` is not plainly one the model refuses.

    The explorer tries a superset of the legal events; a drawn life spends its steps better on
    events that can happen: a start (or a start's failure) only of a container whose turn has
    come, a sandbox failure only while no container runs in the sandbox, a preStop hook's end only
    while one runs.
    """
    if ev.type in _STARTS:
        rec = model.by_name.get(ev.container)
        return rec is not None and rec.state == "Waiting" and model.startable(rec)
    if ev.type == "PreStopHookCompleted":
        rec = model.by_name.get(ev.container)
        return rec is not None and rec.pre_stop is not None  # only a hook that runs can end
    if ev.type == "SandboxCreateFailed":
        return not any(
            r.state in ("Running", "Killing") or (r.ever_ran and not model.sandbox_gone)
            for r in model.records
        )
    return True


def _next_image(image: str) -> str:
    """Another tag of the same image: ``app:1`` -> ``app:1-next``."""
    return image + "-next" if image else "next"


# drawn 1 in 8
_DISRUPTIONS = frozenset(
    {
        "DeletionRequested",
        "Evicted",
        "NodeLost",
        "SpecUpdated",
        "KubeletRestarted",
        "NodeRebooted",
        "SandboxLost",
    }
)


def _preferred(flavour: str, model: Any, ev: Any) -> bool:
    """Whether ``ev`` is what a script of ``flavour`` leans toward in ``model``'s state."""
    kind = ev.type
    if kind in ("Scheduled", "SchedulingGatesRemoved"):
        return True
    if flavour == "crash-loop":
        failed = kind == "ContainerExited" and bool(ev.exit_code)
        return failed or kind in ("ContainerStarted", "TimePassed")
    if flavour == "probe-flap":
        return kind in ("ContainerStarted", "ProbeResult")
    if flavour == "delete-during-init":
        if kind == "DeletionRequested":
            return not bool(model.initialized)
        if kind == "ContainerExited":
            return bool(ev.exit_code == 0)
        return kind in ("ContainerStarted", "TimePassed")
    if flavour == "eviction":  # evicted once it ran
        return kind in ("ContainerStarted", "ProbeResult", "TimePassed") or (
            kind == "Evicted" and model.phase == "Running"
        )
    if flavour == "node-lost":  # its node lost once it ran, then deleted
        if kind == "NodeLost":
            return bool(model.phase == "Running")
        if kind == "DeletionRequested":
            return model.node_lost_at is not None
        return kind in ("ContainerStarted", "TimePassed")
    return kind not in _DISRUPTIONS


def next_event(
    model: Any, flavour: str = "anything", *, include_illegal: bool = False
) -> st.SearchStrategy[Any]:
    """One event (typed, :mod:`podfsm.model.events`) the world could send ``model`` now.

    First a kind of event, then one of that kind, so that no kind crowds out the others.
    Five times in eight an event that moves the pod on through its life (binding, a start whose
    turn has come, an init container's success, a postStart hook's success, a startup or
    readiness success a container needs, a readiness gate set): the smallest draws, what
    Hypothesis tries first and shrinks towards; once in eight one ``flavour`` leans toward;
    twice in eight anything (a disruption too: deletion, eviction, node loss, a spec update, a
    kubelet restart, a node reboot, a lost sandbox), but only once in eight while the pod is
    Pending (the other time any event but a disruption), so that most lives get further, and
    four times in eight once it ran and nothing is left to start, so that many end. Without
    ``include_illegal`` every event is one worth trying (the model may still refuse some); with
    it, some events the model must refuse are mixed in, to exercise
    :class:`~podfsm.errors.IllegalEvent`.
    """
    events = _world(model, include_illegal=include_illegal)
    if not events:
        return st.nothing()
    kinds: dict[str, list[Any]] = {}
    liked: dict[str, list[Any]] = {}
    for e in events:
        kinds.setdefault(e.type, []).append(e)
        if _preferred(flavour, model, e):
            liked.setdefault(e.type, []).append(e)
    calm = {k: v for k, v in kinds.items() if k not in _DISRUPTIONS} or kinds

    progress: dict[str, list[Any]] = {}
    for e in events:
        if _progresses(model, e):
            progress.setdefault(e.type, []).append(e)

    ran = model.phase != "Pending"

    def pick(n: int) -> st.SearchStrategy[Any]:
        # the smallest draws move the pod on: what Hypothesis tries first and shrinks towards
        if n <= 4 and progress:
            pool = progress
        elif n == 7 or (ran and n >= 6) or (ran and not progress and n >= 4):
            pool = kinds
        elif n == 6:
            pool = calm
        else:
            pool = liked or calm
        return st.sampled_from(sorted(pool)).flatmap(lambda kind: st.sampled_from(pool[kind]))

    return st.integers(0, 7).flatmap(pick)


def _progresses(model: Any, ev: Any) -> bool:
    """Whether ``ev`` moves a pod on through its life: bound, started, init done, probed ready, gated,
    or a failed postStart hook's kill over."""
    if ev.type == "ContainerStarted":
        # a start whose postStart hook is still running holds the pod back until the hook returns
        return not getattr(ev, "post_start_running", None)
    if ev.type in ("Scheduled", "SchedulingGatesRemoved", "PostStartHookSucceeded"):
        return True
    if ev.type == "ContainerExited":
        from podfsm.model.pod import KILL_POST_START

        rec = model.by_name.get(ev.container)
        if rec is not None and rec.state == "Killing" and rec.kill_cause == KILL_POST_START:
            return True  # the SyncPod that kills it for its failed hook holds everything back
        return bool(ev.exit_code == 0 and rec is not None and rec.spec.is_init and not rec.spec.is_sidecar)
    if ev.type == "ProbeResult":
        rec = model.by_name.get(ev.container)
        if rec is None or str(ev.result) != "Success":
            return False
        return (str(ev.probe) == "startup" and not rec.started) or (
            str(ev.probe) == "readiness" and not rec.ready
        )
    if ev.type == "PodConditionSet" and str(ev.status) == "True":
        return not any(c[0] == ev.condition_type and c[1] == "True" for c in model.custom_conditions)
    return False


def event_scripts(
    pod: Mapping[str, Any],
    *,
    min_size: int = 0,
    max_size: int = 30,
    flavour: str | None = None,
    model_factory: ModelFactory | None = None,
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Legal event sequences for ``pod``: lists of event mappings that ``podfsm.simulate`` accepts.

    Each event is drawn from what the world could send after the ones before it, and kept only
    if the model accepts it. ``flavour`` (one of :data:`FLAVOURS`; default: drawn) biases the
    choice. A script ends early when the pod is gone. ``model_factory`` builds the model to
    draw against (default :class:`~podfsm.model.pod.PodModel`).
    """
    if flavour is not None and flavour not in FLAVOURS:
        raise ValueError(f"unknown flavour {flavour!r}; known: {', '.join(FLAVOURS)}")
    return _event_scripts(dict(pod), min_size, max_size, flavour, model_factory)


@st.composite
def _event_scripts(
    draw: st.DrawFn,
    pod: dict[str, Any],
    min_size: int,
    max_size: int,
    flavour: str | None,
    model_factory: ModelFactory | None,
) -> list[dict[str, Any]]:
    from podfsm.errors import IllegalEvent
    from podfsm.model.pod import PodModel

    model = (model_factory or PodModel)(pod)
    lean = flavour if flavour is not None else draw(st.sampled_from(FLAVOURS))
    size = draw(st.integers(min_size, max_size))
    script: list[dict[str, Any]] = []
    while len(script) < size and not model.gone:
        for _ in range(8):
            ev = draw(next_event(model, lean))
            try:
                model.apply(ev)
            except IllegalEvent:
                continue
            script.append(ev.to_dict())
            break
        else:
            break
    return script


def run_script(pod: Mapping[str, Any], script: Sequence[Mapping[str, Any]]) -> list[Any]:
    """``podfsm.simulate(pod, script)``: the steps of a script drawn by :func:`event_scripts`."""
    from podfsm.model.simulation import simulate

    return simulate(pod, script)


def pods_with_status(
    specs: st.SearchStrategy[dict[str, Any]] | None = None, *, max_events: int = 20
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid Pod objects with ``status``: a pod from ``specs`` after a legal script, as the model renders it.

    The object is what the kubelet and the API server would show at some moment of the pod's
    life (any step of the script, the last by preference), so its phase, conditions and
    container statuses agree with each other. A failing example comes with the manifest and the
    event script that produced it (Hypothesis prints them as a note, ready for ``podfsm
    simulate``), and shrinks towards a shorter script and a pod with fewer features.
    """
    return _pods_with_status(specs if specs is not None else pod_specs(), max_events)


@st.composite
def _pods_with_status(
    draw: st.DrawFn, specs: st.SearchStrategy[dict[str, Any]], max_events: int
) -> dict[str, Any]:
    from podfsm.model.pod import PodModel

    pod = draw(specs)
    script = draw(event_scripts(pod, max_size=max_events))
    if not script:
        _note_script(pod, [])
        return PodModel(pod).render()
    steps = run_script(pod, script)
    index = draw(st.integers(0, len(steps) - 1).map(lambda i: len(steps) - 1 - i))
    _note_script(pod, script[: index + 1])
    rendered: dict[str, Any] = steps[index].pod
    return rendered


def _note_script(pod: Mapping[str, Any], script: Sequence[Mapping[str, Any]]) -> None:
    """Print, with a failing example, the manifest and script that produced it, for ``podfsm simulate``."""
    import contextlib
    import json

    from hypothesis import note
    from hypothesis.errors import InvalidArgument

    text = (
        f"pods_with_status: replay with `podfsm simulate pod.json events.json` ({len(script)} events)\n"
        f"--- pod.json\n{json.dumps(pod)}\n--- events.json\n{json.dumps(list(script))}"
    )
    with contextlib.suppress(InvalidArgument):  # drawn outside a test (``.example()``)
        note(text)


def _hypothesis_setup_hook() -> None:
    """Register podfsm's strategies with Hypothesis (entry point ``hypothesis``, run when it is imported).

    ``st.from_type(podfsm.api.Pod)`` draws :func:`pods_with_status`, validated as a Pod.
    """
    from podfsm.api import Pod

    st.register_type_strategy(Pod, st.deferred(lambda: pods_with_status().map(Pod.model_validate)))
