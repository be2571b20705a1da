"""The error tree and its messages."""

from __future__ import annotations

from podfsm.errors import AdmissionError, IllegalEvent, ManifestError, PodFSMError


def test_admission_error_formats_like_the_api_server() -> None:
    """apimachinery util/errors aggregate.Error(): one error bare, several in brackets, in order."""
    one = AdmissionError("pod.yaml", "web", [("spec.containers[0].image", "Required value")])
    assert str(one) == 'pod.yaml: Pod "web" is invalid: spec.containers[0].image: Required value'
    two = AdmissionError("pod.yaml", "web", [("a", "Required value"), ("b", "Invalid value: 0")])
    assert str(two) == 'pod.yaml: Pod "web" is invalid: [a: Required value, b: Invalid value: 0]'
    assert isinstance(two, ManifestError) and isinstance(two, PodFSMError)


def test_illegal_event_names_event_container_state_and_what_is_legal() -> None:
    err = IllegalEvent(
        "ContainerStarted", "back-off", container="app", state="CrashLoopBackOff", legal=("TimePassed",)
    )
    assert str(err) == (
        "illegal event ContainerStarted (container 'app', state CrashLoopBackOff): back-off;"
        " legal now: TimePassed"
    )


def test_manifest_error_names_file_and_location() -> None:
    assert (
        str(ManifestError("p.yaml", "must be an integer", "spec.x")) == "p.yaml: spec.x: must be an integer"
    )
