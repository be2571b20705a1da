"""test/e2e/common/node/container_probe.go ("Probing container" and "Probing restartable init
container"), written as podfsm scenarios.

Each test runs for a regular container and for a restartable init container (sidecar, in front of
a regular ``main``), as the two upstream ``Describe`` blocks do. The probe handler (exec, HTTP,
TCP, gRPC, a redirect, a timeout) is below the model: what matters is the result it reports, so
one test stands for every handler that reports the same results.
"""

from __future__ import annotations

from typing import Any

import pytest

from podfsm.errors import IllegalEvent
from podfsm.model.pod import PodModel
from tests.scenario_dsl import (
    SCHED,
    c,
    condition,
    delete,
    exit_,
    pod,
    probe,
    result,
    side,
    start,
    status_of,
    wait,
)

WHERE = ("regular", "sidecar")
NAME = "probed"


def _pod(where: str, policy: str = "Always", **fields: Any) -> dict[str, Any]:
    if where == "regular":
        return pod(policy, c(NAME, **fields))
    return pod(policy, c("main"), inits=(side(NAME, **fields),))


def _up(where: str, **fields: Any) -> PodModel:
    m = PodModel(_pod(where, **{k: v for k, v in fields.items() if k != "grace"}, **_grace(fields)))
    m.apply(SCHED)
    m.apply(start(NAME))
    if where == "sidecar" and "startupProbe" not in fields:
        m.apply(start("main"))
    return m


def _grace(fields: dict[str, Any]) -> dict[str, Any]:
    return {"terminationGracePeriodSeconds": fields["grace"]} if "grace" in fields else {}


def _restarts(m: PodModel) -> int:
    return int(status_of(m, NAME)["restartCount"])


def _ready(m: PodModel) -> bool:
    return condition(m, "Ready").get("status") == "True"


def _kill_and_restart(m: PodModel, delay: float = 0) -> None:
    """The probe kill: the container ignores SIGTERM and is SIGKILLed, then restarted."""
    m.apply(wait(30))
    m.apply(wait(delay))
    m.apply(start(NAME))


@pytest.mark.parametrize("where", WHERE)
def test_readiness_probe_not_ready_before_its_initial_delay(where: str) -> None:
    """ "with readiness probe should not be ready before initial delay and never restart": not ready
    (and no probe result allowed) before initialDelaySeconds (15 s); ready after the first success;
    restartCount 0."""
    m = _up(where, readinessProbe=probe(initialDelaySeconds=15))
    with pytest.raises(IllegalEvent, match="initialDelaySeconds"):
        m.apply(result(NAME, "readiness", True))
    m.apply(wait(14))
    assert not _ready(m)
    m.apply(wait(1))
    m.apply(result(NAME, "readiness", True))
    assert _ready(m) and m.phase == "Running" and _restarts(m) == 0


@pytest.mark.parametrize("where", WHERE)
def test_failing_readiness_probe_never_ready(where: str) -> None:
    """ "with readiness probe that fails should never be ready and never restart" and "should not be
    ready with an exec readiness probe timeout" (a timeout is a failure): never Ready, restartCount
    0, for a minute of failures."""
    m = _up(where, readinessProbe=probe(initialDelaySeconds=15, failureThreshold=1))
    m.apply(wait(15))
    for _ in range(6):
        m.apply(result(NAME, "readiness", False))
        assert not _ready(m)
        m.apply(wait(10))
    assert _restarts(m) == 0 and not status_of(m, NAME)["ready"]


@pytest.mark.parametrize("where", WHERE)
def test_failing_liveness_probe_restarts_once(where: str) -> None:
    """ "should be restarted with a exec \\"cat /tmp/health\\" liveness probe", "... a /healthz http
    liveness probe", "... an exec liveness probe with timeout", "... a failing exec liveness probe
    that took longer than the timeout", "... a local redirect http liveness probe", "... a GRPC
    liveness probe" (RunLivenessTest, expected restarts 1): the first failure after the initial
    delay (failureThreshold 1) kills the container; the restart makes restartCount 1."""
    m = _up(where, livenessProbe=probe(initialDelaySeconds=15, failureThreshold=1))
    m.apply(wait(15))
    m.apply(result(NAME, "liveness", False))
    assert _restarts(m) == 0
    _kill_and_restart(m)
    assert _restarts(m) == 1 and m.phase == "Running"


@pytest.mark.parametrize("where", WHERE)
def test_passing_liveness_probe_never_restarts(where: str) -> None:
    """ "should *not* be restarted with a exec \\"cat /tmp/health\\" liveness probe", "... a tcp:8080
    liveness probe", "... a /healthz http liveness probe", "... a non-local redirect http liveness
    probe" (a redirect off the host counts as success; its ProbeWarning event is not modelled),
    "... a GRPC liveness probe" (RunLivenessTest, expected restarts 0, 4 minutes)."""
    m = _up(where, livenessProbe=probe(initialDelaySeconds=15, failureThreshold=1))
    m.apply(wait(15))
    for _ in range(24):
        m.apply(result(NAME, "liveness", True))
        m.apply(wait(10))
    assert _restarts(m) == 0 and m.phase == "Running"


@pytest.mark.parametrize("where", WHERE)
def test_liveness_restart_count_increases_monotonically(where: str) -> None:
    """ "should have monotonically increasing restart count" (RunLivenessTest, 5 restarts): each
    liveness failure (initial delay 5 s) kills the container; restarts follow the crash-loop
    back-off (10 s doubling), and restartCount goes 1, 2, 3, 4, 5, never down."""
    m = _up(where, livenessProbe=probe(initialDelaySeconds=5, failureThreshold=1))
    seen = []
    for i in range(5):
        m.apply(wait(5))
        m.apply(result(NAME, "liveness", False))
        _kill_and_restart(m, 0 if i == 0 else 10 * 2 ** (i - 1))
        seen.append(_restarts(m))
    assert seen == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("where", WHERE)
def test_failing_startup_probe_restarts_once(where: str) -> None:
    """ "should be restarted startup probe fails": three startup failures (failureThreshold 3) kill
    the container though its liveness probe would succeed; restartCount 1."""
    m = _up(
        where,
        startupProbe=probe(initialDelaySeconds=15, failureThreshold=3),
        livenessProbe=probe(initialDelaySeconds=15, failureThreshold=1),
    )
    m.apply(wait(15))
    for _ in range(3):
        m.apply(result(NAME, "startup", False))
        m.apply(wait(10))
    _kill_and_restart(m)
    assert _restarts(m) == 1


@pytest.mark.parametrize("where", WHERE)
def test_startup_probe_holds_back_liveness(where: str) -> None:
    """ "should *not* be restarted by liveness probe because startup probe delays it": while the
    startup probe (failureThreshold 60) has not succeeded, the failing liveness probe does not run;
    restartCount stays 0 for 4 minutes."""
    m = _up(
        where,
        startupProbe=probe(initialDelaySeconds=15, failureThreshold=60),
        livenessProbe=probe(initialDelaySeconds=15, failureThreshold=1),
    )
    m.apply(wait(15))
    for _ in range(24):
        m.apply(result(NAME, "startup", False))
        with pytest.raises(IllegalEvent, match="startup probe"):
            m.apply(result(NAME, "liveness", False))
        m.apply(wait(10))
    assert _restarts(m) == 0


@pytest.mark.parametrize("where", WHERE)
def test_liveness_probe_restarts_after_the_startup_probe_succeeded(where: str) -> None:
    """ "should be restarted by liveness probe after startup probe enables it": the startup probe
    succeeds (after 10 s), then the failing liveness probe kills the container: restartCount 1."""
    m = _up(
        where,
        startupProbe=probe(initialDelaySeconds=15, failureThreshold=60),
        livenessProbe=probe(initialDelaySeconds=15, failureThreshold=1),
    )
    m.apply(wait(15))
    m.apply(result(NAME, "startup", True))
    if where == "sidecar":
        m.apply(start("main"))
    m.apply(result(NAME, "liveness", False))
    _kill_and_restart(m)
    assert _restarts(m) == 1


@pytest.mark.parametrize("where", WHERE)
def test_ready_right_after_the_startup_probe_succeeds(where: str) -> None:
    """ "should be ready immediately after startupProbe succeeds": readiness probes start once the
    startup probe succeeded (a readiness result before is refused); the first success makes the
    pod Ready (within 25 s upstream; here at once)."""
    m = _up(
        where,
        startupProbe=probe(failureThreshold=120, periodSeconds=5),
        readinessProbe=probe(periodSeconds=30),
    )
    m.apply(wait(32))
    with pytest.raises(IllegalEvent, match="startup probe"):
        m.apply(result(NAME, "readiness", True))
    m.apply(result(NAME, "startup", True))
    if where == "sidecar":
        m.apply(start("main"))
    assert not _ready(m)
    m.apply(result(NAME, "readiness", True))
    assert _ready(m)


@pytest.mark.parametrize("kind", ("liveness", "startup"))
@pytest.mark.parametrize("where", WHERE)
def test_probe_termination_grace_period_overrides_the_pods(where: str, kind: str) -> None:
    """ "should override timeoutGracePeriodSeconds when LivenessProbe field is set" and "... when
    StartupProbe field is set": the probe's terminationGracePeriodSeconds (5 s), not the pod's
    (500 s), bounds the kill: SIGKILL 5 s after the failure, and the restart follows (restartCount
    1 within 40 s)."""
    p = probe(initialDelaySeconds=10, failureThreshold=1, terminationGracePeriodSeconds=5)
    m = _up(where, grace=500, **{f"{kind}Probe": p})
    m.apply(wait(10))
    m.apply(result(NAME, kind, False))
    m.apply(wait(4))
    assert status_of(m, NAME)["state"].get("running") is not None
    m.apply(wait(1))
    m.apply(start(NAME))
    assert _restarts(m) == 1 and m.now <= 40


@pytest.mark.parametrize("where", WHERE)
def test_terminating_pod_turns_not_ready(where: str) -> None:
    """ "should mark readiness on pods to false while pod is in progress of terminating when a pod
    has a readiness probe" and "... and disable liveness probes while pod is in progress of
    terminating": on deletion the container's SIGTERM handler removes its ready file, the next
    readiness failure (failureThreshold 1) makes the pod not Ready while it terminates, and no
    liveness probe runs any more."""
    m = _up(
        where,
        grace=30,
        readinessProbe=probe(initialDelaySeconds=5, periodSeconds=2, failureThreshold=1),
        livenessProbe=probe(initialDelaySeconds=5, periodSeconds=1, failureThreshold=1),
    )
    m.apply(wait(5))
    m.apply(result(NAME, "readiness", True))
    assert _ready(m)
    m.apply(delete())
    m.apply(wait(2))
    m.apply(result(NAME, "readiness", False))
    assert not _ready(m)
    with pytest.raises(IllegalEvent, match="liveness"):
        m.apply(result(NAME, "liveness", False))
    m.apply(wait(18))
    if where == "sidecar":
        m.apply(exit_("main", 0))
    m.apply(exit_(NAME, 0))
    assert m.gone
