"""podfsm for your test suite: one import for everything a test needs.

This module only re-exports; each name lives in :mod:`podfsm.verifier` (and the events in
:mod:`podfsm.model.events`), where its documentation is. Import from here, so that your tests
do not depend on podfsm's module layout::

    from podfsm.testing import Lockstep, pod_specs, event_scripts, ContainerExited

==================================  ============================================================
Hypothesis strategies               :func:`pod_specs` (valid pod manifests), :func:`event_scripts`
                                    (legal event lists for a pod), :func:`pods_with_status` (Pod
                                    objects with a consistent ``status``), :func:`next_event`,
                                    :func:`run_script`, :data:`FLAVOURS`
stepping a pod beside your system   :class:`Lockstep`: apply events one by one, every invariant
                                    checked after each; the pod object after each step
a Hypothesis state machine          :class:`PodLifecycleMachine` (subclass it and override
                                    ``on_step`` to drive your system with the same events)
failures                            :class:`InvariantViolated` (an ``AssertionError`` whose message
                                    is a ``podfsm simulate`` script), :func:`format_counterexample`
the invariants                      :data:`INVARIANTS` (name -> :class:`Invariant`)
typed events                        :data:`EVENT_TYPES`, :func:`parse_event`, and one pydantic
                                    class per event type (:class:`Scheduled`,
                                    :class:`ContainerExited`, ...), accepted wherever an event
                                    mapping is
==================================  ============================================================

The pytest plugin (fixtures ``pod_model``, ``pod_lockstep`` and ``podfsm_invariants``) is
registered by installing podfsm: no import and no ``conftest.py`` are needed for it.
"""

from __future__ import annotations

from podfsm.model.events import (
    EVENT_TYPE_NAMES,
    EVENT_TYPES,
    ContainerCreateFailed,
    ContainerExited,
    ContainerStarted,
    ContainerStartFailed,
    DeletionRequested,
    Evicted,
    ImagePullFailed,
    KubeletRestarted,
    NodeLost,
    NodeRebooted,
    PodConditionSet,
    PostStartHookFailed,
    PostStartHookSucceeded,
    PreStopHookCompleted,
    ProbeResult,
    SandboxCreateFailed,
    SandboxLost,
    Scheduled,
    SchedulingGatesRemoved,
    SpecUpdated,
    TimePassed,
    Unschedulable,
    parse_event,
    parse_events,
)
from podfsm.verifier.invariants import INVARIANTS, Invariant
from podfsm.verifier.pytest_plugin import Lockstep
from podfsm.verifier.stateful import InvariantViolated, PodLifecycleMachine, format_counterexample
from podfsm.verifier.strategies import (
    FLAVOURS,
    event_scripts,
    next_event,
    pod_specs,
    pods_with_status,
    run_script,
)

__all__ = [
    "EVENT_TYPES",
    "EVENT_TYPE_NAMES",
    "FLAVOURS",
    "INVARIANTS",
    "ContainerCreateFailed",
    "ContainerExited",
    "ContainerStartFailed",
    "ContainerStarted",
    "DeletionRequested",
    "Evicted",
    "ImagePullFailed",
    "Invariant",
    "InvariantViolated",
    "KubeletRestarted",
    "Lockstep",
    "NodeLost",
    "NodeRebooted",
    "PodConditionSet",
    "PodLifecycleMachine",
    "PostStartHookFailed",
    "PostStartHookSucceeded",
    "PreStopHookCompleted",
    "ProbeResult",
    "SandboxCreateFailed",
    "SandboxLost",
    "Scheduled",
    "SchedulingGatesRemoved",
    "SpecUpdated",
    "TimePassed",
    "Unschedulable",
    "event_scripts",
    "format_counterexample",
    "next_event",
    "parse_event",
    "parse_events",
    "pod_specs",
    "pods_with_status",
    "run_script",
]
