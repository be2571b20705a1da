"""podfsm.streaming: pods one at a time, the same pods as the loader, and errors that say where."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from podfsm.errors import ManifestError
from podfsm.loader import load_pod_dicts
from podfsm.streaming import PodStream, iter_pods

DATA = Path(__file__).parent / "data"


def pod(name: str, **extra: Any) -> dict[str, Any]:
    return {"kind": "Pod", "metadata": {"name": name}, "spec": {"containers": [{"name": "a"}]}, **extra}


@pytest.mark.parametrize(
    "name",
    ["load_kubectl_pod.json", "load_list.json", "load_watch.json", "load_pods.yaml", "status_pods.yaml"],
)
def test_the_same_pods_as_the_loader(name: str) -> None:
    assert list(iter_pods(DATA / name)) == load_pod_dicts(DATA / name)


def test_every_format() -> None:
    a, b = pod("a"), pod("b")
    cases = {
        "concatenated JSON": (json.dumps(a, indent=2) + json.dumps(b)).encode(),
        "one per line": f"{json.dumps(a)}\n{json.dumps(b)}\n".encode(),
        "watch events": (
            json.dumps({"type": "ADDED", "object": a})
            + json.dumps({"type": "BOOKMARK", "object": {"kind": "Pod"}})
            + json.dumps({"type": "MODIFIED", "object": b})
        ).encode(),
        "List": json.dumps({"apiVersion": "v1", "items": [a, b], "kind": "List"}).encode(),
        "List with kind first": json.dumps({"kind": "PodList", "metadata": {}, "items": [a, b]}).encode(),
        "array": json.dumps([a, {"type": "ADDED", "object": b}]).encode(),
        "YAML documents": b"---\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: a}]}\n---\n---\n"
        b"kind: Pod\nmetadata: {name: b}\nspec: {containers: [{name: a}]}\n",
        "flow-style YAML": b"{kind: Pod, metadata: {name: a}, spec: {containers: [{name: a}]}}\n---\n"
        b"{kind: Pod, metadata: {name: b}, spec: {containers: [{name: a}]}}",
        "byte order mark": b"\xef\xbb\xbf" + json.dumps({"kind": "List", "items": [a, b]}).encode(),
        "text stream": io.StringIO(json.dumps(a) + json.dumps(b)),
    }
    for what, src in cases.items():
        assert [p["metadata"]["name"] for p in iter_pods(src)] == ["a", "b"], what
    assert list(iter_pods(b"  \n")) == []


class _Trickle(io.RawIOBase):
    """A binary stream that hands out one chunk per read and records how far it has been read."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = list(chunks)
        self.reads = 0

    def readable(self) -> bool:
        return True

    def read1(self, n: int = -1) -> bytes:
        self.reads += 1
        return self.chunks.pop(0) if self.chunks else b""

    def readinto(self, buffer: Any) -> int:
        data = self.read1(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def test_a_pod_is_yielded_before_the_rest_of_the_stream_is_read() -> None:
    """A watch stream of any length in constant memory: nothing after the current object is read."""
    chunks = [json.dumps(pod(f"p{i}")).encode() + b"\n" for i in range(50)]
    stream = _Trickle(chunks)
    pods = iter_pods(stream)  # type: ignore[arg-type]
    assert next(pods)["metadata"]["name"] == "p0"
    assert len(stream.chunks) >= 48
    assert next(pods)["metadata"]["name"] == "p1"
    assert len(stream.chunks) >= 47


def test_a_list_is_streamed_item_by_item() -> None:
    """`kubectl get pods -o json`'s List: the first item comes before the List's end is read."""
    items = [json.dumps(pod(f"p{i}")).encode() for i in range(40)]
    chunks = [b'{"apiVersion": "v1", "items": [', *(item + b"," for item in items[:-1]), items[-1]]
    chunks.append(b'], "kind": "List", "metadata": {"resourceVersion": ""}}')
    stream = _Trickle(chunks)
    pods = iter_pods(stream)  # type: ignore[arg-type]
    assert next(pods)["metadata"]["name"] == "p0"
    assert len(stream.chunks) >= 35
    assert [p["metadata"]["name"] for p in pods] == [f"p{i}" for i in range(1, 40)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b'{"kind": "Pod", "spec": ', "<bytes>: document 1: not valid JSON: parse error: premature EOF"),
        (
            json.dumps(pod("a")).encode() + b'{"kind": "Pod", "spec": {}}',
            "<bytes>: document 2, spec.containers: a Pod needs at least one container",
        ),
        (
            json.dumps({"items": [pod("a"), {"kind": "Service"}], "kind": "List"}).encode(),
            "<bytes>: items[1].kind: 'Service' is not Pod: podfsm loads Pods, Lists of Pods and watch events",
        ),
        (
            b"kind: Pod\nspec:\n  containers: []\n",
            "<bytes>: line 3, spec.containers: a Pod needs at least one container",
        ),
        (
            b"kind: Pod\n  x: : :\n",
            "<bytes>: line 2, column 4: not valid YAML: mapping values are not allowed in this context",
        ),
        (b"[1]", "<bytes>: [0]: expected a Pod (a mapping), got a number"),
    ],
)
def test_errors_say_where(text: bytes, message: str) -> None:
    with pytest.raises(ManifestError) as info:
        list(iter_pods(text))
    assert str(info.value) == message


def test_a_small_json_file_gets_the_loaders_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "Pod",\n "spec": ')
    with pytest.raises(ManifestError) as info:
        list(iter_pods(bad))
    assert str(info.value) == f"{bad}: line 2, column 10: not valid JSON: Expecting value"


def test_error_about_the_current_pod(tmp_path: Path) -> None:
    """What a consumer (podfsm status, check-trace) raises about a pod it was given."""
    f = tmp_path / "pods.yaml"
    f.write_text(
        "kind: Pod\nspec: {containers: [{name: a}]}\n---\nkind: Pod\nspec:\n  containers:\n  - name: b\n"
    )
    stream = PodStream(f)
    for _ in stream:
        pass
    assert str(stream.error("spec.containers[0].name", "odd")) == f"{f}: line 7, spec.containers[0].name: odd"
    big = PodStream(json.dumps(pod("a")).encode() * 2)
    assert sum(1 for _ in big) == 2
    assert str(big.error("spec", "odd")) == "<bytes>: document 2, spec: odd"


def test_a_missing_file() -> None:
    with pytest.raises(ManifestError, match="cannot read: No such file or directory"):
        list(iter_pods("/nonexistent.json"))
