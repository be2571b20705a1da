"""The pod worker's requeue after a refused restart, and its jitter window (issue 10's sync timing).

``pkg/kubelet/pod_workers.go`` ``completeWork`` (v1.35): a sync whose error is a crash-loop
back-off (``container.BackoffError`` from ``kuberuntime_manager.go`` ``doBackOff``, since
kubernetes/kubernetes#133066) is requeued at the back-off's expiry (``MinBackoffExpiration``),
clamped to ``[0, resyncInterval]`` (60 s); other failed syncs after ``backOffPeriod`` (10 s);
every delay through ``wait.Jitter(d, 0.5)`` (``workerBackOffPeriodJitterFactor``), read on the
sync loop's 1 s tick. The model publishes at the earliest time; the invariants accept the window.
"""

from __future__ import annotations

import pytest

from podfsm.model.pod import RESYNC_INTERVAL, PodModel, requeue_delay, requeue_window
from podfsm.oracle import kubectl_columns
from podfsm.verifier.invariants import SYNC_SLACK, Observation, check_history
from tests.scenario_dsl import SCHED, exit_, pod, run, start, wait


def _crash(times: int) -> PodModel:
    """A crash loop: ``times`` exits, each restart at the earliest the back-off allows."""
    m = run(pod("Always"), SCHED)
    for i in range(times):
        m.apply(start("app"))
        m.apply(exit_("app", 1))
        if i < times - 1:
            m.apply(wait(0 if i == 0 else 10 * 2 ** (i - 1)))
    return m


def test_the_window_is_upstreams() -> None:
    """wait.Jitter(d, 0.5) plus the 1 s sync tick; the requeue after a crash-loop refusal is the
    back-off's expiry, at most the 60 s resync interval away; after any other failure 10 s."""
    assert requeue_window(10.0) == (10.0, 16.0)
    assert requeue_delay(20.0) == 20.0 and requeue_delay(300.0) == RESYNC_INTERVAL == 60.0
    assert requeue_delay(-3.0) == 0.0
    assert SYNC_SLACK == 16.0


@pytest.mark.parametrize("times, delay", [(2, 10), (3, 20), (4, 40)])
def test_the_model_publishes_the_refusal_at_the_back_offs_expiry(times: int, delay: int) -> None:
    """The earliest of the window: the exit is shown until the requeued sync at the back-off's
    expiry (10, 20, 40 s after the exit), which publishes CrashLoopBackOff and may start it."""
    m = _crash(times)
    m.apply(wait(delay - 1))
    assert kubectl_columns(m.render()).status == "Error"
    m.apply(wait(1))
    assert kubectl_columns(m.render()).status == "CrashLoopBackOff"
    m.apply(start("app"))


def test_a_long_back_off_is_published_at_the_resync_interval() -> None:
    """A 160 s back-off: the requeue is capped at resyncInterval, so the refusal shows 60 s after
    the exit, while the start is still refused until 160 s."""
    m = _crash(6)
    m.apply(wait(59))
    assert kubectl_columns(m.render()).status == "Error"
    m.apply(wait(1))
    assert kubectl_columns(m.render()).status == "CrashLoopBackOff"


def _recorded(times: int, shown_error_at: float) -> list[Observation]:
    """A recorded stream (pods with the time each was observed): the crash loop from the start up
    to the refused exit, then the same pod, still showing that exit, ``shown_error_at`` seconds
    after it."""
    m = PodModel(pod("Always"))
    history: list[Observation] = []

    def step(ev: dict[str, object]) -> None:
        m.apply(ev)
        history.append(Observation(m.render(), m.now))

    step(SCHED)
    for i in range(times):
        step(start("app"))
        step(exit_("app", 1))
        if i < times - 1:
            step(wait(0 if i == 0 else 10 * 2 ** (i - 1)))
    history.append(Observation(history[-1].pod, m.now + shown_error_at))
    return history


@pytest.mark.parametrize(
    "times, after, ok",
    [
        (2, 13, True),
        (2, 16, True),
        (2, 20, False),
        (3, 30, True),
        (3, 40, False),
        (6, 92, True),
        (6, 100, False),
    ],
)
def test_a_recorded_refusal_is_accepted_within_the_window(times: int, after: float, ok: bool) -> None:
    """crash-loop-back-off-timing on recorded streams: a second exit (back-off 10 s) still shown as
    Error 13 s after it is upstream's jitter (10 s to 15 s, plus the 1 s tick and the PLEG's 1 s
    relist), 20 s after it is not; a 20 s back-off is published between 20 s and 32 s; a 160 s one
    (requeue capped at 60 s) by 92 s."""
    found = [v.invariant for v in check_history(_recorded(times, after))]
    assert ("crash-loop-back-off-timing" not in found) is ok, found
