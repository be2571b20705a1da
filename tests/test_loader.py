"""Loading pod manifests: every format kubectl prints or accepts, and errors that say where."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import podfsm
from podfsm import loader
from podfsm.api import Pod
from podfsm.errors import ManifestError
from podfsm.loader import PodFile, PodProblem, load, load_pod_dicts

DATA = Path(__file__).parent / "data"


def names(pods: list[Pod]) -> list[str]:
    return [p.metadata.name for p in pods]


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def error_of(src: str | bytes, **kwargs: str) -> str:
    with pytest.raises(ManifestError) as info:
        load(src, **kwargs)
    return str(info.value)


POD_YAML = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: app:1\n"
)


# --------------------------------------------------------------------------------------------
# Formats


def test_podfsm_load_is_the_loader() -> None:
    assert podfsm.load is load


def test_one_json_object() -> None:
    pods = load(DATA / "load_kubectl_pod.json")
    assert names(pods) == ["web-7d4b9c8f6d-x2x9k"]
    assert pods[0].status.container_statuses[0].restart_count == 1


def test_a_json_list() -> None:
    """`kubectl get pods -o json` prints a kind: List whose items are the pods."""
    pods = load(str(DATA / "load_list.json"))
    assert names(pods) == ["a", "b"]
    assert [p.status.phase for p in pods] == ["Running", "Pending"]


def test_concatenated_json_objects() -> None:
    """`kubectl get pod -w -o json` prints each version of the object, one after another."""
    pods = load(DATA / "load_watch.json")
    assert [(p.metadata.name, p.metadata.resource_version, p.status.phase) for p in pods] == [
        ("w", "1", "Pending"),
        ("w", "2", "Pending"),
        ("w", "3", "Running"),
    ]


def test_watch_events_are_unwrapped_and_bookmarks_skipped() -> None:
    pods = load(DATA / "load_events.json")
    assert [p.metadata.resource_version for p in pods] == ["1", "3", "4"]


def test_multi_document_yaml_with_an_empty_document_a_pod_list_and_a_yaml_list() -> None:
    pods = load(DATA / "load_pods.yaml")
    assert names(pods) == ["first", "second", "third", "fourth"]


def test_unquoted_yaml_timestamps_stay_text() -> None:
    raw = load_pod_dicts(DATA / "load_pods.yaml")
    assert raw[0]["metadata"]["creationTimestamp"] == "2024-01-01T00:00:00Z"
    assert (
        load(DATA / "load_pods.yaml")[0].to_dict()["metadata"]["creationTimestamp"] == "2024-01-01T00:00:00Z"
    )


def test_a_json_array_of_pods() -> None:
    text = json.dumps([json.loads((DATA / "load_kubectl_pod.json").read_text())] * 2)
    assert len(load(text)) == 2


def test_json_in_yaml_flow_style_is_accepted() -> None:
    """kubectl reads any manifest as YAML, so `{kind: Pod, ...}` without quotes is a manifest too."""
    assert names(load("{kind: Pod, metadata: {name: flow}, spec: {containers: [{name: a}]}}")) == ["flow"]


def test_text_bytes_and_streams() -> None:
    assert names(load(POD_YAML)) == ["p"]
    assert names(load(POD_YAML.encode())) == ["p"]
    assert names(load(io.StringIO(POD_YAML))) == ["p"]
    assert names(load(io.BytesIO(b"\xef\xbb\xbf" + POD_YAML.encode()))) == ["p"]  # with a BOM


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(POD_YAML.encode())))
    assert names(load("-")) == ["p"]


def test_an_empty_file_has_no_pods(tmp_path: Path) -> None:
    assert load(write(tmp_path, "empty.yaml", "# nothing\n---\n")) == []


def test_load_pod_dicts_returns_the_parsed_dicts_without_validating_fields() -> None:
    text = POD_YAML + "    livenessProbe:\n      periodSeconds: ten\n"
    [raw] = load_pod_dicts(text)
    assert type(raw) is dict
    assert raw["spec"]["containers"][0]["livenessProbe"] == {"periodSeconds": "ten"}
    with pytest.raises(ManifestError):
        load(text)


def test_load_pod_dicts_does_not_import_pydantic() -> None:
    """The raw path (`podfsm status` on big files) stays free of pydantic, start-up included."""
    code = (
        "import sys\nfrom podfsm.loader import load_pod_dicts\n"
        f"assert len(load_pod_dicts({str(DATA / 'load_pods.yaml')!r})) == 4\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout == "[]\n"


# --------------------------------------------------------------------------------------------
# Errors: file, line or document, field path


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.json", '{\n  "kind": "Pod",\n  "spec": {"containers": [}\n}\n')
    assert error_of(path) == f"{path}: line 3, column 27: not valid JSON: Expecting value"


def test_a_truncated_watch_stream_names_the_line(tmp_path: Path) -> None:
    text = (DATA / "load_watch.json").read_text()
    path = write(tmp_path, "cut.json", text[: text.rindex("}") - 40])
    message = error_of(path)
    assert message.startswith(f"{path}: line ")
    assert ": not valid JSON: " in message


def test_invalid_yaml_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "kind: Pod\nspec:\n  containers: [\n  - name: a\n")
    message = error_of(path)
    assert message.startswith(f"{path}: line 4, column 3: not valid YAML: ")


def test_a_document_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "scalar.yaml", POD_YAML + "---\njust some text\n")
    assert error_of(path) == f"{path}: line 10: expected a Pod (a mapping), got a string ('just some text')"


def test_a_kind_that_is_not_pod(tmp_path: Path) -> None:
    path = write(tmp_path, "deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nspec: {}\n")
    assert error_of(path) == (
        f"{path}: line 2, kind: 'Deployment' is not Pod: podfsm loads Pods, Lists of Pods and watch events"
    )


def test_a_pod_without_spec(tmp_path: Path) -> None:
    path = write(tmp_path, "nospec.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n")
    assert error_of(path) == f"{path}: line 1, spec: a Pod needs a spec with at least one container"


def test_an_example_scenario_is_not_taken_for_a_pod() -> None:
    """A newcomer's first try: ``podfsm check --exhaustive podfsm/examples/NAME.yaml``. The file holds a
    pod and its steps; the message says what it is and how to run it, not that a spec is missing."""
    path = str(Path(podfsm.__file__).parent / "examples" / "crash-loop-backoff.yaml")
    assert error_of(path) == (
        f"{path}: line 2: a podfsm example scenario (a pod and its steps), not a Pod: run it with "
        "`podfsm examples crash-loop-backoff`, or give the manifest under its `pod:` key alone"
    )


def test_a_pod_without_containers_in_a_list(tmp_path: Path) -> None:
    d = json.loads((DATA / "load_list.json").read_text())
    d["items"][1]["spec"]["containers"] = []
    path = write(tmp_path, "list.json", json.dumps(d, indent=4))
    text = Path(path).read_text().splitlines()
    line = next(i for i, s in enumerate(text, 1) if '"containers": []' in s)
    assert (
        error_of(path) == f"{path}: line {line}, items[1].spec.containers: a Pod needs at least one container"
    )


def test_a_schema_error_names_line_and_field_path(tmp_path: Path) -> None:
    text = (
        POD_YAML
        + "    livenessProbe:\n      exec:\n        command: [cat, /tmp/ready]\n      periodSeconds: ten\n"
    )
    path = write(tmp_path, "probe.yaml", text)
    assert (
        error_of(path)
        == f"{path}: line 12, spec.containers[0].livenessProbe.periodSeconds: must be an integer"
    )


def test_a_schema_error_in_a_later_document(tmp_path: Path) -> None:
    path = write(tmp_path, "two.yaml", POD_YAML + "---\n" + POD_YAML.replace("name: app", "name: 7"))
    assert error_of(path) == f"{path}: line 16, spec.containers[0].name: must be a string"


def test_a_schema_error_in_the_second_object_of_a_watch_stream(tmp_path: Path) -> None:
    objects = [json.loads(s) for s in (DATA / "load_events.json").read_text().splitlines()]
    objects[2]["object"]["status"]["phase"] = 3
    path = write(tmp_path, "events.json", "".join(json.dumps(o, indent=2) + "\n" for o in objects))
    lines = Path(path).read_text().splitlines()
    line = next(i for i, s in enumerate(lines, 1) if '"phase": 3' in s)
    assert error_of(path) == f"{path}: line {line}, object.status.phase: must be a string"


def test_errors_come_in_file_order(tmp_path: Path) -> None:
    """A schema error in the first pod is reported before a missing spec in the second."""
    bad_first = POD_YAML.replace("image: app:1", "image: 1")
    path = write(tmp_path, "order.yaml", bad_first + "---\nkind: Pod\n")
    assert error_of(path) == f"{path}: line 8, spec.containers[0].image: must be a string"


def test_without_line_numbers_the_document_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the size limit for re-parsing, the error names the document instead of the line."""
    monkeypatch.setattr(loader, "_LOCATE_LIMIT", 0)
    path = write(tmp_path, "big.yaml", POD_YAML + "---\nkind: Pod\nspec:\n  containers: []\n")
    assert error_of(path) == f"{path}: document 2, spec.containers: a Pod needs at least one container"


def test_a_missing_file() -> None:
    assert (
        error_of("/nonexistent/pods.yaml") == "/nonexistent/pods.yaml: cannot read: No such file or directory"
    )


def test_text_that_is_not_utf8() -> None:
    assert (
        error_of(b"kind: Pod\n\xff\n", source="latin.yaml") == "latin.yaml: line 2: not UTF-8 text (byte 10)"
    )


def test_source_names_text_and_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    assert error_of("kind: Pod\n") == "<text>: line 1, spec: a Pod needs a spec with at least one container"
    monkeypatch.setattr(sys, "stdin", io.StringIO("kind: Pod\n"))
    assert error_of("-").startswith("<stdin>: ")


def test_pod_file_error_points_at_a_field_of_a_pod() -> None:
    """What `podfsm status` uses to turn an oracle complaint about pod N into a file location."""
    pod_file = PodFile.read((DATA / "load_pods.yaml").read_text(), source="pods.yaml")
    assert str(pod_file.error(2, "spec.containers[0].image", "bad image")) == (
        "pods.yaml: line 27, items[1].spec.containers[0].image: bad image"
    )
    assert str(pod_file.error(3, "pod", "not a pod")) == "pods.yaml: line 29, [0]: not a pod"


def test_a_visit_function_can_reject_a_pod() -> None:
    def no_latest(pod: dict[str, object]) -> None:
        raise PodProblem("spec.containers[0].image", "no unpinned images")

    with pytest.raises(
        ManifestError, match=r"^<text>: line 8, spec.containers\[0\].image: no unpinned images$"
    ):
        PodFile.read(POD_YAML, visit=no_latest)
