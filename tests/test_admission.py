"""API-server admission of a Pod: podfsm.model.admission against upstream defaulting and validation.

Upstream: pkg/apis/core/v1/defaults.go (defaulting), pkg/apis/core/validation/validation.go
(ValidatePodCreate and what it calls), staging/src/k8s.io/apimachinery/pkg/util/validation/field/
errors.go (the rule texts), staging/src/k8s.io/apiserver/pkg/storage/names/generate.go.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from podfsm.errors import AdmissionError, ManifestError
from podfsm.model.admission import (
    GENERATE_NAME_ALPHABET,
    NAMESPACE_MISMATCH,
    admit,
    apply_defaults,
    generate_name,
    image_pull_policy,
    validate,
)

DATA = Path(__file__).parent / "data"

LABEL_REGEX_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
    "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
SUBDOMAIN_REGEX_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
QUALIFIED_NAME_REGEX_MSG = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
NOT_FOR_INIT = "Forbidden: may not be set for init containers without restartPolicy=Always"


def pod(**spec: Any) -> dict[str, Any]:
    """A minimal valid pod; keyword arguments replace fields of its spec."""
    body: dict[str, Any] = {"containers": [{"name": "app", "image": "nginx:1.25"}]}
    body.update(spec)
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": body,
    }


def errors(obj: dict[str, Any], **kwargs: Any) -> list[tuple[str, str]]:
    return validate(obj, **kwargs)


# --------------------------------------------------------------------------------------------
# Defaulting


def test_minimal_pod_is_valid_and_defaulted() -> None:
    """SetDefaults_PodSpec and SetDefaults_Container (defaults.go): what a bare pod gets on create."""
    stored = admit(pod())
    spec = stored["spec"]
    assert spec["restartPolicy"] == "Always"
    assert spec["terminationGracePeriodSeconds"] == 30
    assert spec["dnsPolicy"] == "ClusterFirst"
    assert spec["schedulerName"] == "default-scheduler"
    assert spec["securityContext"] == {}
    assert spec["enableServiceLinks"] is True
    ctr = spec["containers"][0]
    assert ctr["imagePullPolicy"] == "IfNotPresent"
    assert ctr["terminationMessagePath"] == "/dev/termination-log"
    assert ctr["terminationMessagePolicy"] == "File"
    assert validate(pod()) == []


def test_defaults_keep_given_values() -> None:
    """SetDefaults_PodSpec only fills empty fields: a given restartPolicy or grace period stays."""
    given = pod(restartPolicy="Never", terminationGracePeriodSeconds=5, dnsPolicy="Default")
    given["spec"]["containers"][0].update(
        imagePullPolicy="Never", terminationMessagePolicy="FallbackToLogsOnError"
    )
    spec = apply_defaults(given)["spec"]
    assert (spec["restartPolicy"], spec["terminationGracePeriodSeconds"], spec["dnsPolicy"]) == (
        "Never",
        5,
        "Default",
    )
    ctr = spec["containers"][0]
    assert (ctr["imagePullPolicy"], ctr["terminationMessagePolicy"]) == ("Never", "FallbackToLogsOnError")


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.25", "IfNotPresent"),
        ("docker.io/library/nginx", "Always"),
        ("registry.example:5000/team/app", "Always"),
        ("registry.example:5000/team/app:v2", "IfNotPresent"),
        ("localhost:5000/app:latest", "Always"),
        ("nginx@sha256:" + "a" * 64, "IfNotPresent"),
        ("nginx:latest@sha256:" + "a" * 64, "Always"),
        ("nginx:1.25@sha256:" + "a" * 64, "IfNotPresent"),
        ("Nginx:latest", "IfNotPresent"),
        ("", "IfNotPresent"),
    ],
)
def test_image_pull_policy_from_tag(image: str, policy: str) -> None:
    """SetDefaults_Container: Always for the tag latest (an untagged image has it), else IfNotPresent.

    parsers.ParseImageName gives a digest-only or unparsable reference an empty tag.
    """
    assert image_pull_policy(image) == policy
    defaulted = apply_defaults(pod(containers=[{"name": "app", "image": image}]))
    assert defaulted["spec"]["containers"][0]["imagePullPolicy"] == policy


def test_probe_defaults() -> None:
    """SetDefaults_Probe and SetDefaults_HTTPGetAction: zero or absent timings and httpGet fields."""
    probe = {"httpGet": {"port": 8080}, "periodSeconds": 0, "failureThreshold": 7}
    defaulted = apply_defaults(pod(containers=[{"name": "app", "image": "nginx:1", "readinessProbe": probe}]))
    assert defaulted["spec"]["containers"][0]["readinessProbe"] == {
        "httpGet": {"port": 8080, "path": "/", "scheme": "HTTP"},
        "periodSeconds": 10,
        "failureThreshold": 7,
        "timeoutSeconds": 1,
        "successThreshold": 1,
    }


def test_zero_success_threshold_is_defaulted_not_rejected() -> None:
    """Defaulting runs before validation: a liveness successThreshold 0 becomes 1 (SetDefaults_Probe)."""
    probe = {"exec": {"command": ["true"]}, "successThreshold": 0}
    assert errors(pod(containers=[{"name": "app", "image": "nginx:1", "livenessProbe": probe}])) == []


def test_requests_default_to_limits() -> None:
    """SetDefaults_Pod: a resource with a limit and no request gets the limit as its request."""
    ctr = {
        "name": "app",
        "image": "nginx:1",
        "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "500m"}},
    }
    init = {"name": "init", "image": "busybox:1", "resources": {"limits": {"memory": "64Mi"}}}
    spec = apply_defaults(pod(containers=[ctr], initContainers=[init]))["spec"]
    assert spec["containers"][0]["resources"]["requests"] == {"cpu": "500m", "memory": "1Gi"}
    assert spec["initContainers"][0]["resources"]["requests"] == {"memory": "64Mi"}


def test_host_network_ports_default_host_port() -> None:
    """SetDefaults_Pod, defaultHostNetworkPorts: with hostNetwork every containerPort is also the hostPort."""
    ctr = {"name": "app", "image": "nginx:1", "ports": [{"containerPort": 80}]}
    spec = apply_defaults(pod(containers=[ctr], hostNetwork=True))["spec"]
    assert spec["containers"][0]["ports"] == [{"containerPort": 80, "protocol": "TCP", "hostPort": 80}]


def test_generate_name_is_deterministic() -> None:
    """names.SimpleNameGenerator: prefix + 5 characters of utilrand's alphabet; podfsm seeds the draw."""
    assert generate_name("web-") == "web-q7rcl"  # seed 0, pinned: a change here renames every example
    assert generate_name("web-", seed=0) == generate_name("web-", seed=0)
    assert generate_name("web-", seed=1) != generate_name("web-", seed=0)
    for seed in range(50):
        suffix = generate_name("x-", seed)[2:]
        assert len(suffix) == 5
        assert set(suffix) <= set(GENERATE_NAME_ALPHABET)
    assert GENERATE_NAME_ALPHABET == "bcdfghjklmnpqrstvwxz2456789"  # no vowels, no 0, 1, 3


def test_generate_name_truncates_long_prefix() -> None:
    """names.MaxGeneratedNameLength: the prefix is cut to 63 - 5 = 58 bytes before the suffix is added."""
    name = generate_name("a" * 80)
    assert len(name) == 63
    assert name[:58] == "a" * 58


def test_admit_generates_name_and_namespace() -> None:
    """store.Create / rest.BeforeCreate: a name from generateName; the request fills the namespace."""
    obj = pod()
    obj["metadata"] = {"generateName": "web-"}
    stored = admit(obj, namespace="team-a", seed=3)
    assert stored["metadata"]["name"] == generate_name("web-", 3)
    assert stored["metadata"]["namespace"] == "team-a"
    assert stored["metadata"]["generateName"] == "web-"
    assert admit(obj)["metadata"]["namespace"] == "default"


def test_name_wins_over_generate_name() -> None:
    """BeforeCreate generates a name only when metadata.name is empty."""
    obj = pod()
    obj["metadata"]["generateName"] = "other-"
    assert admit(obj)["metadata"]["name"] == "web"


def test_input_is_never_mutated() -> None:
    """podfsm's contract (interface.md section 2): pure functions never mutate their input."""
    obj = pod(initContainers=[{"name": "init", "image": "busybox", "resources": {"limits": {"cpu": "1"}}}])
    obj["metadata"] = {"generateName": "web-"}
    obj["spec"]["containers"][0]["livenessProbe"] = {"httpGet": {"port": 80}}
    before = copy.deepcopy(obj)
    apply_defaults(obj)
    validate(obj)
    admit(obj, namespace="x")
    assert obj == before
    bad = pod(restartPolicy="Sometimes")
    before_bad = copy.deepcopy(bad)
    with pytest.raises(AdmissionError):
        admit(bad)
    assert bad == before_bad


def test_unknown_fields_are_kept() -> None:
    """interface.md section 1: unknown fields are kept, never an error."""
    obj = pod()
    obj["spec"]["containers"][0]["x-custom"] = {"a": 1}
    obj["metadata"]["labels"] = {"app": "web"}
    stored = admit(obj)
    assert stored["spec"]["containers"][0]["x-custom"] == {"a": 1}
    assert stored["metadata"]["labels"] == {"app": "web"}


# --------------------------------------------------------------------------------------------
# Metadata


def test_name_required() -> None:
    """apimachinery ValidateObjectMeta: neither name nor generateName."""
    obj = pod()
    del obj["metadata"]["name"]
    assert errors(obj) == [("metadata.name", "Required value: name or generateName is required")]


def test_name_must_be_dns_subdomain() -> None:
    """ValidatePodName = NameIsDNSSubdomain (IsDNS1123Subdomain's message and regex)."""
    obj = pod()
    obj["metadata"]["name"] = "Web_1"
    assert errors(obj) == [("metadata.name", f'Invalid value: "Web_1": {SUBDOMAIN_REGEX_MSG}')]
    obj["metadata"]["name"] = "web.v1"
    assert errors(obj) == []
    obj["metadata"]["name"] = "a" * 254
    assert errors(obj) == [("metadata.name", f'Invalid value: "{"a" * 254}": must be no more than 253 bytes')]


def test_generate_name_trailing_dash_is_allowed_but_bad_prefix_is_not() -> None:
    """NameIsDNSSubdomain(prefix=true) masks a trailing '-'; a bad prefix makes a bad generated name."""
    obj = pod()
    obj["metadata"] = {"generateName": "Web-"}
    name = generate_name("Web-")
    assert errors(obj) == [
        ("metadata.generateName", f'Invalid value: "Web-": {SUBDOMAIN_REGEX_MSG}'),
        ("metadata.name", f'Invalid value: "{name}": {SUBDOMAIN_REGEX_MSG}'),
    ]


def test_namespace_must_match_request() -> None:
    """rest.EnsureObjectNamespaceMatchesRequestNamespace: a BadRequest, and no field validation after it."""
    obj = pod(restartPolicy="Sometimes")
    obj["metadata"]["namespace"] = "team-a"
    with pytest.raises(AdmissionError) as info:
        admit(obj, namespace="team-b", source="pod.yaml")
    assert info.value.errors == [("metadata.namespace", NAMESPACE_MISMATCH)]
    assert (
        NAMESPACE_MISMATCH
        == "the namespace of the provided object does not match the namespace sent on the request"
    )
    assert str(info.value) == f'pod.yaml: Pod "web" is invalid: metadata.namespace: {NAMESPACE_MISMATCH}'
    assert admit(pod(), namespace="default")["metadata"]["namespace"] == "default"


def test_namespace_must_be_dns_label() -> None:
    """ValidateObjectMeta with requiresNamespace: ValidateNamespaceName = NameIsDNSLabel."""
    obj = pod()
    obj["metadata"]["namespace"] = "Team_A"
    assert errors(obj) == [("metadata.namespace", f'Invalid value: "Team_A": {LABEL_REGEX_MSG}')]


# --------------------------------------------------------------------------------------------
# Containers


def test_containers_required() -> None:
    """validateContainers: an empty list is Required (field.Required with no detail)."""
    assert errors(pod(containers=[])) == [("spec.containers", "Required value")]
    no_spec = pod()
    del no_spec["spec"]
    assert errors(no_spec) == [("spec.containers", "Required value")]


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "Required value"),
        ("App", f'Invalid value: "App": {LABEL_REGEX_MSG}'),
        ("app.v1", 'Invalid value: "app.v1": must not contain dots'),
        ("a" * 64, f'Invalid value: "{"a" * 64}": must be no more than 63 bytes'),
    ],
)
def test_container_name_is_dns_label(name: str, rule: str) -> None:
    """validateContainerCommon: Required, then ValidateDNS1123Label (IsDNS1123Label's messages)."""
    assert errors(pod(containers=[{"name": name, "image": "nginx:1"}])) == [("spec.containers[0].name", rule)]


def test_container_names_unique_across_init_and_regular() -> None:
    """validateContainers: repeats among regular containers; validateInitContainers: across both lists."""
    obj = pod(
        containers=[{"name": "app", "image": "a:1"}, {"name": "app", "image": "b:1"}],
        initContainers=[
            {"name": "app", "image": "c:1"},
            {"name": "setup", "image": "d:1"},
            {"name": "setup", "image": "e:1"},
        ],
    )
    assert errors(obj) == [
        ("spec.containers[1].name", 'Duplicate value: "app"'),
        ("spec.initContainers[0].name", 'Duplicate value: "app"'),
        ("spec.initContainers[2].name", 'Duplicate value: "setup"'),
    ]


def test_image_required_and_trimmed() -> None:
    """validateContainerCommon (image Required) and validateContainerOnlyForPod (no outer whitespace)."""
    obj = pod(containers=[{"name": "a"}, {"name": "b", "image": " nginx"}])
    assert errors(obj) == [
        ("spec.containers[0].image", "Required value"),
        ("spec.containers[1].image", 'Invalid value: " nginx": must not have leading or trailing whitespace'),
    ]


def test_enumerated_container_fields() -> None:
    """validateContainerCommon: terminationMessagePolicy and validatePullPolicy (sets.List order)."""
    ctr = {
        "name": "app",
        "image": "nginx:1",
        "imagePullPolicy": "Sometimes",
        "terminationMessagePolicy": "Log",
    }
    assert errors(pod(containers=[ctr])) == [
        (
            "spec.containers[0].terminationMessagePolicy",
            'Unsupported value: "Log": supported values: "File", "FallbackToLogsOnError"',
        ),
        (
            "spec.containers[0].imagePullPolicy",
            'Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
        ),
    ]


# --------------------------------------------------------------------------------------------
# Restart policies and rules


def test_pod_restart_policy_values() -> None:
    """validateRestartPolicy: the supported values in the order the code lists them."""
    assert errors(pod(restartPolicy="Sometimes")) == [
        (
            "spec.restartPolicy",
            'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
        )
    ]
    for policy in ("Always", "OnFailure", "Never"):
        assert errors(pod(restartPolicy=policy)) == []


def test_container_restart_policy_values() -> None:
    """Container restartPolicy with ContainerRestartRules (v1.35 default): the three policies, sorted."""
    obj = pod(containers=[{"name": "app", "image": "nginx:1", "restartPolicy": "Sometimes"}])
    assert errors(obj) == [
        (
            "spec.containers[0].restartPolicy",
            'Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"',
        )
    ]
    for policy in ("Always", "OnFailure", "Never"):
        ctr = {"name": "app", "image": "nginx:1", "restartPolicy": policy}
        init = {"name": "init", "image": "busybox:1", "restartPolicy": policy}
        assert errors(pod(containers=[ctr], initContainers=[init])) == []


def test_container_restart_policy_without_the_gate() -> None:
    """Without ContainerRestartRules: no restartPolicy on regular containers; init containers only Always."""
    gates = {"ContainerRestartRules": False}
    ctr = {"name": "app", "image": "nginx:1", "restartPolicy": "Never"}
    init = {"name": "init", "image": "busybox:1", "restartPolicy": "OnFailure"}
    assert errors(pod(containers=[ctr], initContainers=[init]), feature_gates=gates) == [
        ("spec.containers[0].restartPolicy", "Forbidden: may not be set for non-init containers"),
        (
            "spec.initContainers[0].restartPolicy",
            'Unsupported value: "OnFailure": supported values: "Always"',
        ),
    ]


def rule(action: str = "Restart", operator: str = "In", values: list[int] | None = None) -> dict[str, Any]:
    return {
        "action": action,
        "exitCodes": {"operator": operator, "values": [42] if values is None else values},
    }


def test_restart_rules_need_a_container_policy() -> None:
    """KEP-5307 / validateContainerRestartPolicy: rules need an explicit container restartPolicy."""
    ctr = {"name": "app", "image": "nginx:1", "restartPolicyRules": [rule()]}
    assert errors(pod(containers=[ctr])) == [
        (
            "spec.containers[0].restartPolicy",
            "Required value: must specify restartPolicy when restart rules are used",
        )
    ]
    ctr["restartPolicy"] = "Never"
    assert errors(pod(containers=[ctr])) == []


def test_restart_rule_fields() -> None:
    """validateContainerRestartPolicy (PR #132642): action and operator enums; exitCodes required."""
    rules = [
        rule(action="Kill"),
        {"action": "Restart"},
        rule(operator="Between"),
        rule(operator="NotIn", values=[]),
    ]
    ctr = {"name": "app", "image": "nginx:1", "restartPolicy": "Never", "restartPolicyRules": rules}
    assert errors(pod(containers=[ctr])) == [
        (
            "spec.containers[0].restartPolicyRules[0].action",
            'Unsupported value: "Kill": supported values: "Restart"',
        ),
        ("spec.containers[0].restartPolicyRules[1].exitCodes", "Required value: must be specified"),
        (
            "spec.containers[0].restartPolicyRules[2].exitCodes.operator",
            'Unsupported value: "Between": supported values: "In", "NotIn"',
        ),
    ]


def test_restart_rule_limits() -> None:
    """validateContainerRestartPolicy: at most 20 rules and 255 exit codes (field.TooMany, PR #137136)."""
    ctr = {"name": "app", "image": "nginx:1", "restartPolicy": "Never", "restartPolicyRules": [rule()] * 21}
    assert errors(pod(containers=[ctr])) == [
        ("spec.containers[0].restartPolicyRules", "Too many: 21: must have at most 20 items")
    ]
    ctr["restartPolicyRules"] = [rule(values=list(range(256)))]
    assert errors(pod(containers=[ctr])) == [
        (
            "spec.containers[0].restartPolicyRules[0].exitCodes.values",
            "Too many: 256: must have at most 255 items",
        )
    ]


def test_restart_all_containers_action_needs_its_gate() -> None:
    """RestartAllContainersOnContainerExits (alpha, off): the action, and rules on sidecars, need the gate."""
    init = {"name": "sidecar", "image": "envoy:1", "restartPolicy": "Always"}
    init["restartPolicyRules"] = [rule(action="RestartAllContainers")]
    assert errors(pod(initContainers=[init])) == [
        (
            "spec.initContainers[0].restartPolicyRules",
            "Forbidden: may not be set for init containers with restartPolicy=Always",
        ),
        (
            "spec.initContainers[0].restartPolicyRules[0].action",
            'Unsupported value: "RestartAllContainers": supported values: "Restart"',
        ),
    ]
    assert (
        errors(pod(initContainers=[init]), feature_gates={"RestartAllContainersOnContainerExits": True}) == []
    )


# --------------------------------------------------------------------------------------------
# Probes and hooks


def probe_pod(kind: str, probe: dict[str, Any]) -> dict[str, Any]:
    return pod(containers=[{"name": "app", "image": "nginx:1", kind: probe}])


def test_probe_needs_exactly_one_handler() -> None:
    """validateHandler: Required with no handler; Forbidden on every handler after the first."""
    assert errors(probe_pod("livenessProbe", {"periodSeconds": 5})) == [
        ("spec.containers[0].livenessProbe", "Required value: must specify a handler type")
    ]
    two = {"exec": {"command": ["true"]}, "tcpSocket": {"port": 80}}
    assert errors(probe_pod("readinessProbe", two)) == [
        ("spec.containers[0].readinessProbe.tcpSocket", "Forbidden: may not specify more than 1 handler type")
    ]


def test_probe_handler_fields() -> None:
    """validateExecAction (command Required) and ValidatePortNumOrName (1..65535, IANA port names)."""
    assert errors(probe_pod("livenessProbe", {"exec": {}})) == [
        ("spec.containers[0].livenessProbe.exec.command", "Required value")
    ]
    assert errors(probe_pod("livenessProbe", {"tcpSocket": {"port": 70000}})) == [
        (
            "spec.containers[0].livenessProbe.tcpSocket.port",
            "Invalid value: 70000: must be between 1 and 65535, inclusive",
        )
    ]
    assert errors(probe_pod("livenessProbe", {"httpGet": {"port": "http"}})) == []


@pytest.mark.parametrize("kind", ["livenessProbe", "startupProbe"])
def test_success_threshold_must_be_1_for_liveness_and_startup(kind: str) -> None:
    """validateLivenessProbe / validateStartupProbe: successThreshold must be 1."""
    probe = {"exec": {"command": ["true"]}, "successThreshold": 3}
    assert errors(probe_pod(kind, probe)) == [
        (f"spec.containers[0].{kind}.successThreshold", "Invalid value: 3: must be 1")
    ]


def test_readiness_success_threshold_may_exceed_1() -> None:
    """validateReadinessProbe has no successThreshold rule."""
    assert errors(probe_pod("readinessProbe", {"exec": {"command": ["true"]}, "successThreshold": 3})) == []


def test_probe_numbers_must_not_be_negative() -> None:
    """validateProbe: ValidateNonnegativeField on every timing and threshold (0 was defaulted first)."""
    probe = {
        "exec": {"command": ["true"]},
        "initialDelaySeconds": -1,
        "timeoutSeconds": -1,
        "periodSeconds": -1,
        "successThreshold": -1,
        "failureThreshold": -1,
    }
    path = "spec.containers[0].readinessProbe"
    assert errors(probe_pod("readinessProbe", probe)) == [
        (f"{path}.{key}", "Invalid value: -1: must be greater than or equal to 0")
        for key in (
            "initialDelaySeconds",
            "timeoutSeconds",
            "periodSeconds",
            "successThreshold",
            "failureThreshold",
        )
    ]


def test_probe_termination_grace_period() -> None:
    """validateProbe (> 0) and validateReadinessProbe (not at all on readiness probes)."""
    liveness = {"exec": {"command": ["true"]}, "terminationGracePeriodSeconds": 0}
    assert errors(probe_pod("livenessProbe", liveness)) == [
        (
            "spec.containers[0].livenessProbe.terminationGracePeriodSeconds",
            "Invalid value: 0: must be greater than 0",
        )
    ]
    readiness = {"exec": {"command": ["true"]}, "terminationGracePeriodSeconds": 10}
    assert errors(probe_pod("readinessProbe", readiness)) == [
        (
            "spec.containers[0].readinessProbe.terminationGracePeriodSeconds",
            "Invalid value: 10: must not be set for readinessProbes",
        )
    ]


def test_regular_init_containers_may_not_have_probes_or_hooks() -> None:
    """validateInitContainers: lifecycle and probes are Forbidden unless the init container is a sidecar."""
    probe = {"exec": {"command": ["true"]}}
    init = {
        "name": "init",
        "image": "busybox:1",
        "lifecycle": {"preStop": {"exec": {"command": ["true"]}}},
        "livenessProbe": probe,
        "readinessProbe": probe,
        "startupProbe": probe,
    }
    path = "spec.initContainers[0]"
    assert errors(pod(initContainers=[init])) == [
        (f"{path}.lifecycle", NOT_FOR_INIT),
        (f"{path}.livenessProbe", NOT_FOR_INIT),
        (f"{path}.readinessProbe", NOT_FOR_INIT),
        (f"{path}.startupProbe", NOT_FOR_INIT),
    ]
    init["restartPolicy"] = "Never"
    assert errors(pod(initContainers=[init]))[0] == (f"{path}.lifecycle", NOT_FOR_INIT)


def test_sidecar_probes_are_allowed_and_validated() -> None:
    """validateInitContainers: a sidecar (restartPolicy Always) gets the regular containers' probe rules."""
    sidecar = {
        "name": "proxy",
        "image": "envoy:1",
        "restartPolicy": "Always",
        "startupProbe": {"tcpSocket": {"port": 9901}},
        "livenessProbe": {"tcpSocket": {"port": 9901}, "successThreshold": 2},
    }
    assert errors(pod(initContainers=[sidecar])) == [
        ("spec.initContainers[0].livenessProbe.successThreshold", "Invalid value: 2: must be 1")
    ]


def test_sleep_hook_within_grace_period() -> None:
    """validateSleepAction (sleep zero allowed): 0 <= seconds <= terminationGracePeriodSeconds."""
    ctr = {"name": "app", "image": "nginx:1", "lifecycle": {"preStop": {"sleep": {"seconds": 45}}}}
    assert errors(pod(containers=[ctr])) == [
        (
            "spec.containers[0].lifecycle.preStop.sleep",
            "Invalid value: 45: must be non-negative and less than terminationGracePeriodSeconds (30)",
        )
    ]
    assert errors(pod(containers=[ctr], terminationGracePeriodSeconds=60)) == []


# --------------------------------------------------------------------------------------------
# Pod-level fields


def test_negative_termination_grace_period() -> None:
    """podfsm's rule (stricter than upstream, see docs): spec.terminationGracePeriodSeconds >= 0."""
    assert errors(pod(terminationGracePeriodSeconds=-1)) == [
        ("spec.terminationGracePeriodSeconds", "Invalid value: -1: must be greater than or equal to 0")
    ]
    assert errors(pod(terminationGracePeriodSeconds=0)) == []


def test_readiness_gate_condition_type() -> None:
    """validateReadinessGates: ValidateQualifiedName on conditionType (an empty one fails twice)."""
    assert errors(pod(readinessGates=[{"conditionType": "example.com/ready"}])) == []
    assert errors(pod(readinessGates=[{"conditionType": ""}])) == [
        ("spec.readinessGates[0].conditionType", 'Invalid value: "": name part must be non-empty'),
        ("spec.readinessGates[0].conditionType", f'Invalid value: "": {QUALIFIED_NAME_REGEX_MSG}'),
    ]


def test_scheduling_gates_unique_and_qualified() -> None:
    """validateSchedulingGates: each name a qualified name, no duplicates (path is the list index)."""
    gates = [{"name": "example.com/quota"}, {"name": "example.com/quota"}, {"name": "-bad"}]
    assert errors(pod(schedulingGates=gates)) == [
        ("spec.schedulingGates[1]", 'Duplicate value: "example.com/quota"'),
        ("spec.schedulingGates[2]", f'Invalid value: "-bad": {QUALIFIED_NAME_REGEX_MSG}'),
    ]


def test_node_name_with_scheduling_gates() -> None:
    """ValidatePodCreate: a pod cannot be bound while it still has scheduling gates."""
    assert errors(pod(nodeName="node-a", schedulingGates=[{"name": "wait"}])) == [
        ("spec.nodeName", "Forbidden: cannot be set until all schedulingGates have been cleared")
    ]


def test_ephemeral_containers_forbidden_on_create() -> None:
    """ValidatePodCreate: ephemeral containers come only through the ephemeralcontainers subresource."""
    assert errors(pod(ephemeralContainers=[{"name": "debug", "image": "busybox"}])) == [
        ("spec.ephemeralContainers", "Forbidden: cannot be set on create")
    ]


def test_active_deadline_range() -> None:
    """ValidatePodSpec: activeDeadlineSeconds in 1..MaxInt32."""
    assert errors(pod(activeDeadlineSeconds=0)) == [
        ("spec.activeDeadlineSeconds", "Invalid value: 0: must be between 1 and 2147483647, inclusive")
    ]


def test_node_selector_labels() -> None:
    """ValidatePodSpec: unversionedvalidation.ValidateLabels on nodeSelector."""
    assert errors(pod(nodeSelector={"disktype": "ssd", "example.com/zone": "a"})) == []
    assert errors(pod(nodeSelector={"bad key": "x"})) == [
        ("spec.nodeSelector", f'Invalid value: "bad key": {QUALIFIED_NAME_REGEX_MSG}')
    ]


# --------------------------------------------------------------------------------------------
# Resources


def resources_pod(**resources: Any) -> dict[str, Any]:
    return pod(containers=[{"name": "app", "image": "nginx:1", "resources": resources}])


def test_resource_quantities_parse() -> None:
    """Quantity decoding (resource.ParseQuantity) and ValidateNonnegativeQuantity."""
    assert errors(resources_pod(requests={"cpu": "1 core", "memory": "-1Gi"})) == [
        (
            "spec.containers[0].resources.requests[cpu]",
            'Invalid value: "1 core": quantities must match the regular expression '
            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        ),
        (
            "spec.containers[0].resources.requests[memory]",
            'Invalid value: "-1Gi": must be greater than or equal to 0',
        ),
    ]


def test_request_must_not_exceed_limit() -> None:
    """validateResourceRequirements: request <= limit, reported on the requests path."""
    assert errors(resources_pod(requests={"cpu": "2"}, limits={"cpu": "1"})) == [
        (
            "spec.containers[0].resources.requests",
            'Invalid value: "2": must be less than or equal to cpu limit of 1',
        )
    ]


def test_extended_resources_need_equal_integer_limits() -> None:
    """validateResourceRequirements, ValidateResourceQuantityValue: extended resources: no overcommit."""
    assert errors(resources_pod(requests={"example.com/gpu": "1"})) == [
        (
            "spec.containers[0].resources.limits",
            "Required value: Limit must be set for non overcommitable resources",
        )
    ]
    assert errors(resources_pod(requests={"example.com/gpu": "1"}, limits={"example.com/gpu": "2"})) == [
        (
            "spec.containers[0].resources.requests",
            'Invalid value: "1": must be equal to example.com/gpu limit of 2',
        )
    ]
    assert errors(resources_pod(limits={"example.com/gpu": "500m"})) == [
        ("spec.containers[0].resources.limits[example.com/gpu]", 'Invalid value: "500m": must be an integer'),
        (
            "spec.containers[0].resources.requests[example.com/gpu]",
            'Invalid value: "500m": must be an integer',
        ),
    ]


def test_resource_names() -> None:
    """validateContainerResourceName: unprefixed names must be standard container resources."""
    assert errors(resources_pod(requests={"gpu": "1"})) == [
        (
            "spec.containers[0].resources.requests[gpu]",
            'Invalid value: "gpu": must be a standard resource for containers',
        )
    ]
    assert (
        errors(
            resources_pod(
                requests={"ephemeral-storage": "1Gi", "hugepages-2Mi": "2Mi"}, limits={"hugepages-2Mi": "2Mi"}
            )
        )
        == []
    )


# --------------------------------------------------------------------------------------------
# All at once, and input that is not a pod


def test_all_errors_at_once_in_api_server_order() -> None:
    """NewInvalid + ErrorList.ToAggregate: one message, `Pod "x" is invalid: [e1, e2, ...]`, in order."""
    obj = yaml.safe_load((DATA / "admit_invalid.yaml").read_text())
    with pytest.raises(AdmissionError) as info:
        admit(obj, source="admit_invalid.yaml")
    expected = [
        ("spec.containers[0].image", "Required value"),
        ("spec.containers[0].livenessProbe.successThreshold", "Invalid value: 2: must be 1"),
        ("spec.containers[1].name", 'Duplicate value: "app"'),
        (
            "spec.containers[1].restartPolicy",
            'Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"',
        ),
        ("spec.initContainers[0].readinessProbe", NOT_FOR_INIT),
        (
            "spec.restartPolicy",
            'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
        ),
    ]
    assert info.value.errors == expected
    assert info.value.pod_name == "broken"
    detail = ", ".join(f"{p}: {r}" for p, r in expected)
    assert str(info.value) == f'admit_invalid.yaml: Pod "broken" is invalid: [{detail}]'


def test_valid_manifest_from_data() -> None:
    """ValidatePodCreate accepts a pod with a sidecar, an init container, probes and a generated name."""
    obj = yaml.safe_load((DATA / "admit_valid.yaml").read_text())
    stored = admit(obj, source="admit_valid.yaml")
    assert stored["metadata"]["name"].startswith("web-")
    assert set(stored["metadata"]["name"][4:]) <= set(GENERATE_NAME_ALPHABET)
    assert stored["spec"]["initContainers"][0]["startupProbe"]["periodSeconds"] == 10


@pytest.mark.parametrize(
    ("obj", "problem"),
    [
        ([], "expected a Pod object (a mapping), got list"),
        ({"kind": "Deployment", "spec": {}}, "kind 'Deployment' is not Pod"),
        ({"apiVersion": "apps/v1", "kind": "Pod", "spec": {}}, "apiVersion 'apps/v1' is not v1"),
    ],
)
def test_not_a_pod_is_a_manifest_error(obj: Any, problem: str) -> None:
    """The API server's decoding step: the request body must be a v1 Pod before anything is validated."""
    with pytest.raises(ManifestError) as info:
        admit(obj, source="thing.yaml")
    assert not isinstance(info.value, AdmissionError)
    assert info.value.problem == problem
    assert str(info.value).startswith("thing.yaml")


def test_wrong_types_are_field_errors_not_crashes() -> None:
    """JSON decoding upstream rejects wrong types; podfsm reports them as field errors with the path."""
    obj = pod(containers={"name": "app"}, terminationGracePeriodSeconds="30")
    obj["metadata"]["name"] = 7
    assert errors(obj) == [
        ("metadata.name", "Invalid value: 7: must be a string"),
        ("metadata.name", "Required value: name or generateName is required"),
        ("spec.terminationGracePeriodSeconds", 'Invalid value: "30": must be an integer'),
        ("spec.containers", 'Invalid value: {"name": "app"}: must be a list'),
        ("spec.containers", "Required value"),
    ]
    weird = pod(containers=["app"], initContainers=[{"name": "init", "image": "b:1", "livenessProbe": "yes"}])
    assert errors(weird) == [
        ("spec.containers[0]", 'Invalid value: "app": must be an object'),
        ("spec.initContainers[0].livenessProbe", NOT_FOR_INIT),
    ]


def test_accepts_podfsm_pod_model() -> None:
    """interface.md section 1: functions taking a pod also take podfsm's pydantic model of it."""
    from podfsm.api import Pod

    model = Pod.model_validate(pod(restartPolicy="Never"))
    assert admit(model)["spec"]["restartPolicy"] == "Never"
    assert validate(Pod.model_validate(pod(containers=[{"name": "App", "image": "x:1"}])))[0][0] == (
        "spec.containers[0].name"
    )


def test_apply_defaults_rejects_a_non_pod() -> None:
    """apply_defaults checks its input like admit: a ManifestError, never a TypeError."""
    with pytest.raises(ManifestError, match="expected a Pod object"):
        apply_defaults("web")  # type: ignore[arg-type]
