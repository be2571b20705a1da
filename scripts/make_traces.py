"""Write the example traces shipped in podfsm/conformance/data/traces/ (run: make traces).

Three kinds, all in the shape ``kubectl get pods -w -o json`` prints (one JSON object per line):

- ``recorded-*.json``: every step of a built-in example scenario, as ``podfsm simulate`` publishes it;
- ``cluster-crash-loop.json``: a crash loop written the way a v1.35 kubelet publishes it, with the
  exit shown before each restart and the watch's real gaps (Running, Error, Running, Error,
  CrashLoopBackOff, ...);
- ``faulty-*.json``: a recorded trace with one impossible step planted; the first line of the
  file's companion ``.expect`` is the rule check-trace must name.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import yaml

import podfsm
from podfsm._io import write_atomic

OUT = Path(__file__).resolve().parent.parent / "podfsm" / "conformance" / "data" / "traces"
EXAMPLES = Path(podfsm.__file__).resolve().parent / "examples"


def recorded(name: str) -> list[dict[str, Any]]:
    scenario = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    events = [s["event"] for s in scenario["steps"] if not s.get("illegal")]
    return [copy.deepcopy(s.pod) for s in podfsm.simulate(scenario["pod"], events) if not s.state.gone]


def ts(seconds: int) -> str:
    return f"2026-01-01T00:{seconds // 60:02d}:{seconds % 60:02d}Z"


def cluster_crash_loop() -> list[dict[str, Any]]:
    """A crash loop as a v1.35 kubelet publishes it (container runs 2 s, exits 1)."""
    meta = {
        "name": "crasher",
        "namespace": "default",
        "uid": "0b6f3c2e-0000-4000-8000-000000000001",
        "creationTimestamp": ts(0),
    }
    spec = {"restartPolicy": "Always", "containers": [{"name": "app", "image": "busybox:1.36"}]}

    def pod(node: bool, status: dict[str, Any], rv: int) -> dict[str, Any]:
        s = dict(spec, nodeName="node-1") if node else dict(spec)
        m = dict(meta, resourceVersion=str(rv))
        return {"apiVersion": "v1", "kind": "Pod", "metadata": m, "spec": s, "status": status}

    def conds(ready: bool) -> list[dict[str, Any]]:
        r = "True" if ready else "False"
        extra = (
            {}
            if ready
            else {"reason": "ContainersNotReady", "message": "containers with unready status: [app]"}
        )
        return [
            {"type": "PodReadyToStartContainers", "status": "True"},
            {"type": "Initialized", "status": "True"},
            {"type": "Ready", "status": r, **extra},
            {"type": "ContainersReady", "status": r, **extra},
            {"type": "PodScheduled", "status": "True"},
        ]

    def cs(state: dict[str, Any], restarts: int, last: dict[str, Any] | None = None) -> dict[str, Any]:
        running = "running" in state
        out = {
            "name": "app",
            "state": state,
            "lastState": {"terminated": last} if last else {},
            "ready": running,
            "restartCount": restarts,
            "image": "busybox:1.36",
            "started": running,
        }
        return {
            "phase": "Running",
            "conditions": conds(running),
            "hostIP": "10.0.0.10",
            "startTime": ts(1),
            "containerStatuses": [out],
        }

    def term(start: int, end: int) -> dict[str, Any]:
        return {"exitCode": 1, "reason": "Error", "startedAt": ts(start), "finishedAt": ts(end)}

    pods = [
        pod(False, {"phase": "Pending", "qosClass": "BestEffort"}, 100),
        pod(True, {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "True"}]}, 101),
        pod(
            True,
            {
                "phase": "Pending",
                "conditions": [
                    {"type": "PodReadyToStartContainers", "status": "True"},
                    {"type": "Initialized", "status": "True"},
                    {"type": "Ready", "status": "False", "reason": "ContainersNotReady"},
                    {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady"},
                    {"type": "PodScheduled", "status": "True"},
                ],
                "hostIP": "10.0.0.10",
                "startTime": ts(1),
                "containerStatuses": [
                    {
                        "name": "app",
                        "state": {"waiting": {"reason": "ContainerCreating"}},
                        "lastState": {},
                        "ready": False,
                        "restartCount": 0,
                        "image": "busybox:1.36",
                        "started": False,
                    }
                ],
            },
            102,
        ),
        pod(True, cs({"running": {"startedAt": ts(3)}}, 0), 103),
        pod(True, cs({"terminated": term(3, 5)}, 0), 104),
        pod(True, cs({"running": {"startedAt": ts(6)}}, 1, term(3, 5)), 105),
        pod(True, cs({"terminated": term(6, 8)}, 1), 106),
        pod(
            True,
            cs(
                {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 10s restarting failed"}},
                1,
                term(6, 8),
            ),
            107,
        ),
        pod(True, cs({"running": {"startedAt": ts(18)}}, 2, term(6, 8)), 108),
        pod(True, cs({"terminated": term(18, 20)}, 2), 109),
        pod(
            True,
            cs(
                {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 20s restarting failed"}},
                2,
                term(18, 20),
            ),
            110,
        ),
        pod(True, cs({"running": {"startedAt": ts(40)}}, 3, term(18, 20)), 111),
        pod(True, cs({"terminated": term(40, 42)}, 3), 112),
        pod(
            True,
            cs(
                {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s restarting failed"}},
                3,
                term(40, 42),
            ),
            113,
        ),
    ]
    return pods


def faulty() -> dict[str, tuple[list[dict[str, Any]], str]]:
    out: dict[str, tuple[list[dict[str, Any]], str]] = {}
    never = recorded("seed-one-container-fails-never")
    back = copy.deepcopy(never[-1])
    back["status"]["phase"] = "Running"
    c = back["status"]["containerStatuses"][0]
    c["state"] = {"running": {"startedAt": ts(30)}}
    c["ready"] = True
    out["faulty-failed-back-to-running"] = ([*never, back], "terminal-phase-absorbing")

    loop = recorded("crash-loop-backoff")
    down = copy.deepcopy(loop[9])
    down["status"]["containerStatuses"][0]["restartCount"] = 1
    out["faulty-restart-count-goes-down"] = ([*loop[:10], down], "restart-count-never-decreases")

    always = recorded("seed-one-container-exits-0-always")
    done = copy.deepcopy(always[-1])
    done["status"]["phase"] = "Succeeded"
    c = done["status"]["containerStatuses"][0]
    c["state"] = {
        "terminated": {"exitCode": 0, "reason": "Completed", "startedAt": ts(0), "finishedAt": ts(0)}
    }
    c["ready"] = False
    out["faulty-succeeded-under-always"] = ([*always[:2], done], "always-never-succeeds")

    ready = copy.deepcopy(loop[1])
    ready["status"]["containerStatuses"][0]["ready"] = False
    out["faulty-ready-with-unready-container"] = ([loop[0], ready], "conditions-agree-with-containers")

    both = copy.deepcopy(loop[1])
    both["status"]["containerStatuses"][0]["state"]["terminated"] = {
        "exitCode": 1,
        "reason": "Error",
        "startedAt": ts(0),
        "finishedAt": ts(0),
    }
    out["faulty-running-and-terminated"] = ([loop[0], both], "one-member-container-state")

    early = copy.deepcopy(loop[7])
    early["status"]["containerStatuses"][0]["state"]["running"]["startedAt"] = ts(2)
    out["faulty-restart-during-back-off"] = ([*loop[:5], early], "unreachable-startedAt")
    return out


def lines(pods: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(p, separators=(",", ":")) + "\n" for p in pods)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in (
        "crash-loop-backoff",
        "graceful-deletion",
        "init-fails-never",
        "sidecar-job",
        "image-pull-backoff",
    ):
        write_atomic(OUT / f"recorded-{name}.json", lines(recorded(name)))
    write_atomic(OUT / "cluster-crash-loop.json", lines(cluster_crash_loop()))
    for name, (pods, rule) in faulty().items():
        write_atomic(OUT / f"{name}.json", lines(pods))
        write_atomic(OUT / f"{name}.expect", rule + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
