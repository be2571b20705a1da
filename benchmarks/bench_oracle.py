"""Benchmark: the oracle against ``json.loads`` of the same pods.

Builds a seeded, realistic ``kind: List`` of pods as ``kubectl get pods -A -o json`` prints them
(metadata with labels, annotations, owner references and managed fields; specs with env,
resources, probes and volumes; statuses of running, crash-looping, initializing, sidecar,
completed, terminating, evicted, image-pull-failing and unschedulable pods), serializes it, and
times

- the baseline: ``json.loads`` of the whole text;
- the subject: ``pod_phase`` + ``pod_conditions`` + ``kubectl_columns`` over every pod.

The target is a ratio subject / baseline below 0.5: reading the pods' verdicts costs less than
half of parsing them.

Run ``python benchmarks/bench_oracle.py [--quick]``.
"""

from __future__ import annotations

import gc
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from podfsm.oracle import kubectl_columns, pod_conditions, pod_phase

NAME = "oracle"
TARGET = 0.5
NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)

Json = dict[str, Any]


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class _PodFactory:
    """Seeded pods shaped like real ones, in the mix a busy cluster shows."""

    KINDS = (
        ("running", 40),
        ("running-sidecar", 12),
        ("crashloop", 8),
        ("init-running", 4),
        ("init-crashloop", 3),
        ("completed", 10),
        ("terminating", 5),
        ("evicted", 4),
        ("image-pull", 4),
        ("unschedulable", 3),
        ("error", 4),
        ("not-ready", 3),
    )

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.kinds = [k for k, _ in self.KINDS]
        self.weights = [w for _, w in self.KINDS]

    def _hex(self, n: int) -> str:
        return f"{self.rng.getrandbits(4 * n):0{n}x}"

    def _container(self, name: str, app: str) -> Json:
        rng = self.rng
        version = f"v{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"
        c: Json = {
            "name": name,
            "image": f"registry.example.com/{app}/{name}:{version}",
            "imagePullPolicy": "IfNotPresent",
            "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
            "env": [
                {
                    "name": "POD_NAME",
                    "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}},
                },
                {"name": "LOG_LEVEL", "value": rng.choice(["info", "debug", "warn"])},
                {
                    "name": "GOMAXPROCS",
                    "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "0"}},
                },
            ],
            "resources": {
                "limits": {"cpu": "500m", "memory": f"{rng.choice([128, 256, 512])}Mi"},
                "requests": {"cpu": "100m", "memory": "64Mi"},
            },
            "volumeMounts": [
                {
                    "name": f"kube-api-access-{self._hex(5)}",
                    "readOnly": True,
                    "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                }
            ],
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
        }
        if rng.random() < 0.7:
            c["readinessProbe"] = {
                "httpGet": {"path": "/ready", "port": 8080, "scheme": "HTTP"},
                "timeoutSeconds": 1,
                "periodSeconds": 10,
                "successThreshold": 1,
                "failureThreshold": 3,
            }
            c["livenessProbe"] = {
                "httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"},
                "initialDelaySeconds": 10,
                "timeoutSeconds": 1,
                "periodSeconds": 10,
                "successThreshold": 1,
                "failureThreshold": 3,
            }
        return c

    def _status(
        self,
        name: str,
        image: str,
        state: Json,
        *,
        ready: bool,
        restarts: int,
        last: Json | None,
        started: bool,
    ) -> Json:
        s: Json = {
            "name": name,
            "state": state,
            "lastState": last or {},
            "ready": ready,
            "restartCount": restarts,
            "image": image,
            "imageID": f"{image.split(':')[0]}@sha256:{self._hex(64)}",
            "containerID": f"containerd://{self._hex(64)}",
            "started": started,
        }
        return s

    def _running(self, since: datetime) -> Json:
        return {"running": {"startedAt": _ts(since)}}

    def _terminated(self, code: int, reason: str, start: datetime, end: datetime) -> Json:
        return {
            "terminated": {
                "exitCode": code,
                "reason": reason,
                "startedAt": _ts(start),
                "finishedAt": _ts(end),
                "containerID": f"containerd://{self._hex(64)}",
            }
        }

    def pod(self, index: int) -> Json:
        rng = self.rng
        kind = rng.choices(self.kinds, self.weights)[0]
        app = rng.choice(["checkout", "catalog", "payments", "search", "frontend", "ingest", "batch"])
        name = f"{app}-{self._hex(10)}-{self._hex(5)}"
        ns = rng.choice(["default", "prod", "staging", "monitoring", "kube-system"])
        created = NOW - timedelta(seconds=rng.randint(30, 90 * 86400))
        n_main = rng.choice([1, 1, 1, 2, 2, 3])
        containers = [self._container(app if i == 0 else f"{app}-helper-{i}", app) for i in range(n_main)]
        init: list[Json] = []
        if kind in ("init-running", "init-crashloop") or rng.random() < 0.15:
            init.append(self._container("migrate", app))
        if kind == "running-sidecar":
            sidecar = self._container("proxy", app)
            sidecar["restartPolicy"] = "Always"
            init.append(sidecar)
        restart_policy = "Never" if kind in ("completed", "error") else "Always"
        node = f"node-{rng.randint(1, 60):03d}"
        spec: Json = {
            "volumes": [
                {
                    "name": "kube-api-access",
                    "projected": {
                        "sources": [
                            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                            {
                                "configMap": {
                                    "name": "kube-root-ca.crt",
                                    "items": [{"key": "ca.crt", "path": "ca.crt"}],
                                }
                            },
                        ],
                        "defaultMode": 420,
                    },
                }
            ],
            "containers": containers,
            "restartPolicy": restart_policy,
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "serviceAccountName": "default",
            "serviceAccount": "default",
            "securityContext": {},
            "schedulerName": "default-scheduler",
            "tolerations": [
                {
                    "key": "node.kubernetes.io/not-ready",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 300,
                },
                {
                    "key": "node.kubernetes.io/unreachable",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 300,
                },
            ],
            "priority": 0,
            "enableServiceLinks": True,
            "preemptionPolicy": "PreemptLowerPriority",
        }
        if init:
            spec["initContainers"] = init
        if kind != "unschedulable":
            spec["nodeName"] = node
        metadata: Json = {
            "name": name,
            "generateName": name[:-5],
            "namespace": ns,
            "uid": f"{self._hex(8)}-{self._hex(4)}-{self._hex(4)}-{self._hex(4)}-{self._hex(12)}",
            "resourceVersion": str(rng.randint(1000, 99999999)),
            "creationTimestamp": _ts(created),
            "labels": {"app": app, "pod-template-hash": self._hex(10), "tier": rng.choice(["web", "worker"])},
            "annotations": {"kubectl.kubernetes.io/restartedAt": _ts(created)},
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": name[:-6],
                    "uid": f"{self._hex(8)}-{self._hex(4)}-{self._hex(4)}-{self._hex(4)}-{self._hex(12)}",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
            "managedFields": [
                {
                    "manager": "kube-controller-manager",
                    "operation": "Update",
                    "apiVersion": "v1",
                    "time": _ts(created),
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {
                        "f:metadata": {"f:generateName": {}, "f:labels": {".": {}, "f:app": {}}},
                        "f:spec": {"f:containers": {f'k:{{"name":"{app}"}}': {".": {}, "f:image": {}}}},
                    },
                },
                {
                    "manager": "kubelet",
                    "operation": "Update",
                    "apiVersion": "v1",
                    "time": _ts(created + timedelta(seconds=5)),
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:status": {"f:conditions": {}, "f:containerStatuses": {}, "f:podIP": {}}},
                    "subresource": "status",
                },
            ],
        }
        status = self._pod_status(kind, containers, init, created, node)
        if kind == "terminating":
            metadata["deletionTimestamp"] = _ts(NOW - timedelta(seconds=rng.randint(1, 60)))
            metadata["deletionGracePeriodSeconds"] = 30
        return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": status}

    def _pod_status(
        self, kind: str, containers: list[Json], init: list[Json], created: datetime, node: str
    ) -> Json:
        rng = self.rng
        started = created + timedelta(seconds=rng.randint(2, 20))
        ip = f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        if kind == "unschedulable":
            return {
                "phase": "Pending",
                "conditions": [
                    {
                        "type": "PodScheduled",
                        "status": "False",
                        "lastProbeTime": None,
                        "lastTransitionTime": _ts(created),
                        "reason": "Unschedulable",
                        "message": "0/60 nodes are available: 60 Insufficient cpu. "
                        "preemption: 0/60 nodes are available.",
                    }
                ],
                "qosClass": "Burstable",
            }
        init_statuses: list[Json] = []
        init_done = kind not in ("init-running", "init-crashloop")
        for c in init:
            sidecar = c.get("restartPolicy") == "Always"
            if sidecar:
                init_statuses.append(
                    self._status(
                        c["name"],
                        c["image"],
                        self._running(started),
                        ready=True,
                        restarts=0,
                        last=None,
                        started=True,
                    )
                )
            elif init_done:
                init_statuses.append(
                    self._status(
                        c["name"],
                        c["image"],
                        self._terminated(0, "Completed", started, started + timedelta(seconds=3)),
                        ready=True,
                        restarts=0,
                        last=None,
                        started=False,
                    )
                )
            elif kind == "init-running":
                init_statuses.append(
                    self._status(
                        c["name"],
                        c["image"],
                        self._running(started),
                        ready=False,
                        restarts=0,
                        last=None,
                        started=True,
                    )
                )
            else:
                n = rng.randint(1, 40)
                end = NOW - timedelta(seconds=rng.randint(5, 300))
                init_statuses.append(
                    self._status(
                        c["name"],
                        c["image"],
                        {
                            "waiting": {
                                "reason": "CrashLoopBackOff",
                                "message": "back-off 5m0s restarting failed container",
                            }
                        },
                        ready=False,
                        restarts=n,
                        last=self._terminated(1, "Error", end - timedelta(seconds=2), end),
                        started=False,
                    )
                )
        statuses: list[Json] = []
        phase = "Running"
        reason = None
        for i, c in enumerate(containers):
            restarts = rng.choice([0, 0, 0, 0, 1, 2, 5])
            last = None
            if restarts:
                end = NOW - timedelta(seconds=rng.randint(10, 20 * 86400))
                last = self._terminated(rng.choice([1, 137, 143]), "Error", end - timedelta(minutes=30), end)
            if not init_done:
                state: Json = {"waiting": {"reason": "PodInitializing"}}
                ready, is_started, restarts, last = False, False, 0, None
                phase = "Pending"
            elif kind == "crashloop" and i == 0:
                restarts = rng.randint(3, 300)
                end = NOW - timedelta(seconds=rng.randint(5, 300))
                last = self._terminated(
                    rng.choice([1, 2, 137]),
                    rng.choice(["Error", "OOMKilled"]),
                    end - timedelta(seconds=20),
                    end,
                )
                state = {
                    "waiting": {
                        "reason": "CrashLoopBackOff",
                        "message": "back-off restarting failed container",
                    }
                }
                ready, is_started = False, False
            elif kind == "completed":
                state = self._terminated(
                    0, "Completed", started, started + timedelta(minutes=rng.randint(1, 50))
                )
                ready, is_started = False, False
                phase = "Succeeded"
            elif kind == "error":
                state = self._terminated(
                    rng.choice([0, 1]) if i else 1, "Error", started, started + timedelta(minutes=2)
                )
                ready, is_started = False, False
                phase = "Failed"
            elif kind == "evicted":
                state = {
                    "terminated": {
                        "exitCode": 137,
                        "reason": "ContainerStatusUnknown",
                        "message": "The container could not be located when the pod was terminated",
                    }
                }
                ready, is_started = False, False
                phase, reason = "Failed", "Evicted"
            elif kind == "image-pull" and i == 0:
                state = {
                    "waiting": {
                        "reason": rng.choice(["ImagePullBackOff", "ErrImagePull"]),
                        "message": "pull failed",
                    }
                }
                ready, is_started, restarts, last = False, False, 0, None
                phase = "Pending"
            elif kind == "not-ready" and i == 0:
                state = self._running(started)
                ready, is_started = False, True
            else:
                state = self._running(started)
                ready, is_started = True, True
            statuses.append(
                self._status(
                    c["name"],
                    c["image"],
                    state,
                    ready=ready,
                    restarts=restarts,
                    last=last,
                    started=is_started,
                )
            )
        all_ready = all(s["ready"] for s in statuses) and phase == "Running"
        t = _ts(started)
        conditions = [
            {
                "type": "PodReadyToStartContainers",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": t,
            },
            {
                "type": "Initialized",
                "status": "True" if init_done else "False",
                "lastProbeTime": None,
                "lastTransitionTime": t,
            },
            {
                "type": "Ready",
                "status": "True" if all_ready else "False",
                "lastProbeTime": None,
                "lastTransitionTime": t,
            },
            {
                "type": "ContainersReady",
                "status": "True" if all_ready else "False",
                "lastProbeTime": None,
                "lastTransitionTime": t,
            },
            {
                "type": "PodScheduled",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": _ts(created),
            },
        ]
        status: Json = {
            "phase": phase,
            "conditions": conditions,
            "hostIP": f"192.168.{rng.randint(0, 3)}.{rng.randint(1, 254)}",
            "hostIPs": [{"ip": "192.168.0.10"}],
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "startTime": _ts(created),
            "containerStatuses": statuses,
            "qosClass": "Burstable",
        }
        if init_statuses:
            status["initContainerStatuses"] = init_statuses
        if reason:
            status["reason"] = reason
            status["message"] = (
                "The node was low on resource: memory. Threshold quantity: 100Mi, available: 90Mi."
            )
        return status


def build_list(count: int, seed: int = 20260101) -> str:
    """The JSON text of a ``kind: List`` of ``count`` pods."""
    factory = _PodFactory(seed)
    items = [factory.pod(i) for i in range(count)]
    # Compact: kubectl indents, but whitespace only makes json.loads (the baseline) slower.
    return json.dumps(
        {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items}
    )


def _best(fn: Any, repeats: int) -> float:
    """The fastest of ``repeats`` runs, each with the cyclic GC off (it would mostly tax the baseline)."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best


def _baseline(text: str, repeats: int) -> tuple[float, list[Json]]:
    """The best time of ``json.loads(text)``, and the pods (the text is dropped on return)."""
    seconds = _best(lambda: json.loads(text), repeats)
    pods: list[Json] = json.loads(text)["items"]
    return seconds, pods


def run(quick: bool = False) -> dict[str, Any]:
    """Time ``json.loads`` of a 20k-pod List (baseline) and the three oracle calls over it (subject)."""
    count = 2000 if quick else 20000
    repeats = 3 if quick else 5
    baseline_s, pods = _baseline(build_list(count), repeats)

    def subject() -> None:
        now = NOW
        for pod in pods:
            pod_phase(pod)
            pod_conditions(pod)
            kubectl_columns(pod, now=now)

    subject_s = _best(subject, repeats)
    return {
        "name": NAME,
        "pods": count,
        "baseline_s": round(baseline_s, 6),
        "subject_s": round(subject_s, 6),
        "ratio": round(subject_s / baseline_s, 4),
        "target": TARGET,
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=2))
