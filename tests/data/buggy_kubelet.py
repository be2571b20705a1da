"""A small, deliberately buggy implementation of the simulation protocol (JSON lines).

    python buggy_kubelet.py [--bug restart-under-never|no-backoff|status-word]

It answers each request line ``{"pod", "events"}`` with ``{"steps": [...]}`` like podfsm, from
podfsm's model with one bug planted:

- ``restart-under-never``: a container that fails under restartPolicy Never is restarted
  (ShouldContainerBeRestarted ignored);
- ``no-backoff``: a crashed container is restarted at once, every time (doBackOff ignored);
- ``status-word``: the waiting reason CrashLoopBackOff is published as ``BackOff``, so kubectl
  prints a STATUS word the kubelet never makes.

Without ``--bug`` it is correct (the differential harness must find nothing).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from podfsm.errors import IllegalEvent
from podfsm.model import pod as pod_module
from podfsm.model.machines.restart_policy import Action


def plant(bug: str | None) -> None:
    if bug == "restart-under-never":
        decide = pod_module.decide

        def buggy_decide(spec: Any, policy: Any, exit_code: int, probe_kill: bool) -> Action:
            action = decide(spec, policy, exit_code, probe_kill)
            if str(policy) == "Never" and exit_code != 0 and spec.is_regular:
                return Action.RESTART
            return action

        def buggy_would_restart(spec: Any, policy: Any, exit_code: int) -> bool:
            return buggy_decide(spec, policy, exit_code, False) is Action.RESTART

        pod_module.decide = buggy_decide
        pod_module.would_restart = buggy_would_restart  # the phase follows the same (wrong) decision
    elif bug == "no-backoff":
        pod_module.PodModel.in_crash_backoff = lambda self, rec: False  # type: ignore[method-assign]


def answer(line: str, bug: str | None) -> dict[str, Any]:
    request = json.loads(line)
    model = pod_module.PodModel(request["pod"])
    steps: list[dict[str, Any]] = []
    for ev in request["events"]:
        try:
            pod = model.render(model.apply(ev))
        except IllegalEvent:
            steps.append({"rejected": True})
            continue
        if bug == "status-word":
            for cs in pod.get("status", {}).get("containerStatuses") or ():
                waiting = cs.get("state", {}).get("waiting")
                if waiting and waiting.get("reason") == "CrashLoopBackOff":
                    waiting["reason"] = "BackOff"
        steps.append({"pod": pod})
    return {"steps": steps}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bug", choices=["restart-under-never", "no-backoff", "status-word"])
    args = parser.parse_args()
    plant(args.bug)
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(answer(line, args.bug)), flush=True)


if __name__ == "__main__":
    main()
