"""``podfsm schedule POD --nodes NODES``: admit a pod as the API server would, then pick a node.

Prints the chosen node and every node's score, or kube-scheduler's Unschedulable message and
each node's reasons; ``-o json`` prints the lifecycle event with those details instead.

Exit status: 0 the pod was scheduled (or already had ``spec.nodeName``); 1 it is Unschedulable
or SchedulingGated; 2 the pod or nodes file is bad (for a pod the API server would reject, the
API server's message naming the file).
"""

from __future__ import annotations

import argparse
import sys

from podfsm import _io
from podfsm.cli._text import dump
from podfsm.errors import ManifestError
from podfsm.loader import load_pod_dicts
from podfsm.model.admission import admit
from podfsm.model.scheduler import ScheduleResult, load_nodes, schedule

EXIT_SCHEDULED = 0
EXIT_NOT_SCHEDULED = 1


EXAMPLES = """\
  # which node kube-scheduler would pick, with every node's score
  podfsm schedule pod.yaml --nodes nodes.yaml

  # from a cluster dump: nodes and the pods bound to them
  kubectl get nodes,pods -A -o yaml > cluster.yaml
  podfsm schedule pod.yaml --nodes cluster.yaml -o json
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pod", metavar="POD", help="a file holding one Pod (JSON or YAML); - for stdin")
    parser.add_argument(
        "--nodes",
        metavar="NODES",
        required=True,
        help="Nodes, and Pods bound to them by spec.nodeName (kubectl get nodes,pods -o yaml; - for stdin)",
    )
    parser.add_argument(
        "-o",
        "--output",
        choices=["json", "yaml"],
        help="print JSON or YAML: the event plus every node's verdict",
    )
    parser.add_argument("--namespace", "-n", metavar="NS", help="the namespace of the create request")
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed for the name generated from metadata.generateName (default 0)",
    )


def _read_pod(path: str) -> tuple[dict[str, object], str]:
    source = "<stdin>" if path == "-" else path
    pods = load_pod_dicts(path, source=source, allow_empty=False)
    if len(pods) != 1:
        raise ManifestError(source, f"expected one Pod, found {len(pods)}")
    return pods[0], source


def _explain(result: ScheduleResult, pod_ref: str) -> str:
    lines = []
    if result.verdict == "Scheduled" and result.preset:
        lines.append(f"pod {pod_ref}: Scheduled to {result.node} (spec.nodeName was set: no scheduling)")
    elif result.verdict == "Scheduled":
        lines.append(f"pod {pod_ref}: Scheduled to {result.node}")
    else:
        lines.append(f"pod {pod_ref}: {result.verdict}: {result.message}")
    if result.nodes:
        width = max(len("NODE"), *(len(v.node) for v in result.nodes))
        lines.append(f"{'NODE':<{width}}  {'SCORE':>5}  REASONS")
        for v in result.nodes:
            score = str(v.score) if v.score is not None else "-"
            reasons = ", ".join(v.reasons) if v.reasons else ("chosen" if v.node == result.node else "fits")
            if v.plugin:
                reasons = f"{v.plugin}: {reasons}"
            lines.append(f"{v.node:<{width}}  {score:>5}  {reasons}")
    return "\n".join(_io.escape_control(line) for line in lines) + "\n"  # no input can forge a line


def run(args: argparse.Namespace) -> int:
    raw, source = _read_pod(args.pod)
    pod = admit(raw, namespace=args.namespace, source=source, seed=args.seed)
    nodes = load_nodes(args.nodes)
    result = schedule(pod, nodes)
    meta = pod["metadata"]
    if args.output:
        report = {"pod": {"name": meta["name"], "namespace": meta["namespace"]}, **result.to_dict()}
        sys.stdout.write(dump(report, args.output))
    else:
        sys.stdout.write(_explain(result, f"{meta['namespace']}/{meta['name']}"))
    return EXIT_SCHEDULED if result.verdict == "Scheduled" else EXIT_NOT_SCHEDULED
