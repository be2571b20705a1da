"""What the API server does to a Pod on create, before anyone schedules it: default, then validate.

Three pure functions over plain Kubernetes-JSON dicts; none mutates its input.

- :func:`apply_defaults` -- the API defaults (``pkg/apis/core/v1/defaults.go``: ``SetDefaults_Pod``,
  ``SetDefaults_PodSpec``, ``SetDefaults_Container``, ``SetDefaults_Probe``,
  ``SetDefaults_HTTPGetAction``) and a name from ``metadata.generateName``
  (``staging/src/k8s.io/apiserver/pkg/storage/names/generate.go``).
- :func:`validate` -- the field errors of ``ValidatePodCreate``
  (``pkg/apis/core/validation/validation.go``) for the fields podfsm models, as
  ``(field_path, rule)`` pairs, all of them at once, in the API server's order.
- :func:`admit` -- both, then either the stored object or :class:`~podfsm.errors.AdmissionError`,
  whose message reads like the API server's
  (``Pod "web" is invalid: [spec.containers[0].image: Required value, ...]``).

The rule texts are the API server's (``field.Error.ErrorBody`` in
``staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go``): ``Required value``,
``Invalid value: 0: must be 1``, ``Duplicate value: "app"``,
``Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"``,
``Forbidden: ...``. ``docs/admission-and-scheduling.md`` lists what is covered and where podfsm
differs.
"""

from __future__ import annotations

import copy
import json
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from podfsm.errors import AdmissionError, ManifestError
from podfsm.quantity import QuantityError, parse_quantity
from podfsm.vocab import FeatureGate, RestartPolicy, RuleAction, RuleOperator, resolve_feature_gates

__all__ = [
    "DEFAULT_NAMESPACE",
    "GENERATE_NAME_ALPHABET",
    "NAMESPACE_MISMATCH",
    "SCHEDULING_GATED_MESSAGE",
    "FieldError",
    "admit",
    "apply_defaults",
    "as_pod_dict",
    "generate_name",
    "image_pull_policy",
    "is_dns1123_label",
    "is_dns1123_subdomain",
    "is_extended_resource",
    "is_hugepages_resource",
    "is_native_resource",
    "is_qualified_name",
    "validate",
]

FieldError = tuple[str, str]
"""One validation error: ``(field path, rule)``, e.g. ``("spec.containers[0].image", "Required value")``."""

DEFAULT_NAMESPACE = "default"
"""The namespace kubectl sends when neither the object nor the command line names one."""

GENERATE_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
"""``utilrand.String``'s alphabet (``k8s.io/apimachinery/pkg/util/rand``): no vowels, no 0/1/3."""

_GENERATED_SUFFIX_LENGTH = 5  # names.randomLength
_MAX_GENERATE_NAME_PREFIX = 63 - _GENERATED_SUFFIX_LENGTH  # names.MaxGeneratedNameLength

NAMESPACE_MISMATCH = "the namespace of the provided object does not match the namespace sent on the request"
"""``rest.EnsureObjectNamespaceMatchesRequestNamespace``'s BadRequest message."""

SCHEDULING_GATED_MESSAGE = "Scheduling is blocked due to non-empty scheduling gates"
"""The PodScheduled condition message the API server writes for a gated pod (pod strategy)."""

# --------------------------------------------------------------------------------------------
# Field errors, formatted as field.Error.ErrorBody formats them


def _go_value(value: Any) -> str:
    """A bad value as Go's ``%v``/``%q`` prints it (strings quoted, numbers bare, nil as null)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))  # Go's %v prints 2.0 as 2
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _required(detail: str = "") -> str:
    return "Required value" + (f": {detail}" if detail else "")


def _invalid(value: Any, detail: str) -> str:
    return f"Invalid value: {_go_value(value)}: {detail}"


def _not_supported(value: Any, supported: Sequence[str]) -> str:
    quoted = ", ".join(json.dumps(v) for v in supported)
    return f"Unsupported value: {_go_value(value)}: supported values: {quoted}"


def _duplicate(value: Any) -> str:
    return f"Duplicate value: {_go_value(value)}"


def _forbidden(detail: str) -> str:
    return f"Forbidden: {detail}"


def _too_many(actual: int, maximum: int) -> str:
    return f"Too many: {actual}: must have at most {maximum} items"


class _Errors:
    """An ordered ``field.ErrorList`` that drops exact repeats, as ``ErrorList.ToAggregate`` does."""

    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def add(self, path: str, rule: str) -> None:
        if (path, rule) not in self.items:
            self.items.append((path, rule))


# --------------------------------------------------------------------------------------------
# Name formats (staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go, .../validate/content)

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1123_LABEL_RE = re.compile(f"^{_DNS1123_LABEL_FMT}$")
_DNS1123_SUBDOMAIN_RE = re.compile(f"^{_DNS1123_SUBDOMAIN_FMT}$")
_DNS1123_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
_DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character"
)
_LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_KEY_RE = re.compile(f"^{_LABEL_KEY_FMT}$")
_LABEL_KEY_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
_LABEL_VALUE_FMT = f"({_LABEL_KEY_FMT})?"
_LABEL_VALUE_RE = re.compile(f"^{_LABEL_VALUE_FMT}$")
_LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
_PORT_NAME_CHARSET_RE = re.compile("^[-a-z0-9]+$")


def _regex_error(msg: str, fmt: str, *examples: str) -> str:
    """``RegexError``: the message, the examples (note Go's ``', '`` before each ``or``), the regex."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    listed = " or ".join(f"'{ex}', " for ex in examples)
    return f"{msg} (e.g. {listed}regex used for validation is '{fmt}')"


def _max_len_error(length: int) -> str:
    return f"must be no more than {length} bytes"


def is_dns1123_label(value: str) -> list[str]:
    """``IsDNS1123Label``: why ``value`` is not a DNS label (empty when it is one)."""
    errs = []
    if len(value) > 63:
        errs.append(_max_len_error(63))
    if not _DNS1123_LABEL_RE.match(value):
        if _DNS1123_SUBDOMAIN_RE.match(value):
            errs.append("must not contain dots")
        else:
            errs.append(_regex_error(_DNS1123_LABEL_MSG, _DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


def is_dns1123_subdomain(value: str) -> list[str]:
    """``IsDNS1123Subdomain``: why ``value`` is not a DNS subdomain (empty when it is one)."""
    errs = []
    if len(value) > 253:
        errs.append(_max_len_error(253))
    if not _DNS1123_SUBDOMAIN_RE.match(value):
        errs.append(_regex_error(_DNS1123_SUBDOMAIN_MSG, _DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_qualified_name(value: str) -> list[str]:
    """``IsQualifiedName`` (``content.IsLabelKey``): an optional DNS-subdomain prefix, ``/``, a name."""
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + msg for msg in is_dns1123_subdomain(prefix))
    else:
        return [
            "a valid label key "
            + _regex_error(_LABEL_KEY_MSG, _LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > 63:
        errs.append("name part " + _max_len_error(63))
    if not _LABEL_KEY_RE.match(name):
        errs.append(
            "name part " + _regex_error(_LABEL_KEY_MSG, _LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
        )
    return errs


def _is_label_value(value: str) -> list[str]:
    errs = []
    if len(value) > 63:
        errs.append(_max_len_error(63))
    if not _LABEL_VALUE_RE.match(value):
        errs.append(_regex_error(_LABEL_VALUE_MSG, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


def _name_is_dns_subdomain(name: str, *, prefix: bool) -> list[str]:
    """``NameIsDNSSubdomain``: a generateName prefix may end in ``-`` (masked before checking)."""
    if prefix and name.endswith("-"):
        name = name[:-1] + "a"
    return is_dns1123_subdomain(name)


def _port_errors(port: Any) -> list[tuple[Any, str]]:
    """``ValidatePortNumOrName``: (bad value, message) pairs for an int-or-string port."""
    if isinstance(port, int) and not isinstance(port, bool):
        return [] if 1 <= port <= 65535 else [(port, "must be between 1 and 65535, inclusive")]
    if isinstance(port, str):
        msgs = []
        if len(port) > 15:
            msgs.append(_max_len_error(15))
        if not _PORT_NAME_CHARSET_RE.match(port):
            msgs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
        if not re.search("[a-z]", port):
            msgs.append("must contain at least one letter (a-z)")
        if "--" in port:
            msgs.append("must not contain consecutive hyphens")
        if port and (port[0] == "-" or port[-1] == "-"):
            msgs.append("must not begin or end with a hyphen")
        return [(port, m) for m in msgs]
    return [(port, "must be an integer or a string")]


# --------------------------------------------------------------------------------------------
# Defaulting


def generate_name(base: str, seed: int = 0) -> str:
    """``SimpleNameGenerator.GenerateName``: ``base`` (cut to 58 bytes) plus 5 random characters.

    Upstream draws the characters from ``math/rand``; podfsm draws them from
    ``random.Random(seed)`` so that the same manifest and seed always give the same name.
    """
    rng = random.Random(seed)
    suffix = "".join(rng.choice(GENERATE_NAME_ALPHABET) for _ in range(_GENERATED_SUFFIX_LENGTH))
    return base[:_MAX_GENERATE_NAME_PREFIX] + suffix


# The reference grammar of distribution/reference, as parsers.ParseImageName uses it.
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?"
_IMAGE_RE = re.compile(
    rf"^(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?"
    r"(?:@(?P<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$"
)


def image_pull_policy(image: str) -> str:
    """``SetDefaults_Container``'s ``imagePullPolicy``: Always for the tag ``latest``, else IfNotPresent.

    ``parsers.ParseImageName`` gives an untagged, undigested reference the tag ``latest``
    (``nginx`` -> Always), a digest-only reference no tag (``nginx@sha256:...`` -> IfNotPresent),
    and an unparsable reference no tag either (``Nginx`` -> IfNotPresent).
    """
    match = _IMAGE_RE.match(image)
    if match is None or len(image) > 255:
        return "IfNotPresent"
    tag = match.group("tag") or ("latest" if match.group("digest") is None else "")
    return "Always" if tag == "latest" else "IfNotPresent"


def _is_zero(value: Any) -> bool:
    """A Go zero value as JSON shows it: absent, or the number 0."""
    return value is None or (type(value) is int and value == 0)


def _default_handler(handler: Any) -> None:
    """``SetDefaults_HTTPGetAction``: path ``/`` and scheme ``HTTP``."""
    if isinstance(handler, dict) and isinstance(handler.get("httpGet"), dict):
        http = handler["httpGet"]
        if not http.get("path"):
            http["path"] = "/"
        if not http.get("scheme"):
            http["scheme"] = "HTTP"


def _default_probe(probe: Any) -> None:
    """``SetDefaults_Probe``: timeout 1, period 10, success 1, failure 3 where zero or absent."""
    if not isinstance(probe, dict):
        return
    for key, default in (
        ("timeoutSeconds", 1),
        ("periodSeconds", 10),
        ("successThreshold", 1),
        ("failureThreshold", 3),
    ):
        if _is_zero(probe.get(key)):
            probe[key] = default
    _default_handler(probe)


def _default_container(ctr: Any, *, host_network: bool) -> None:
    """``SetDefaults_Container`` and the per-container part of ``SetDefaults_Pod``."""
    if not isinstance(ctr, dict):
        return
    if not ctr.get("imagePullPolicy"):
        image = ctr.get("image")
        ctr["imagePullPolicy"] = image_pull_policy(image if isinstance(image, str) else "")
    if not ctr.get("terminationMessagePath"):
        ctr["terminationMessagePath"] = "/dev/termination-log"
    if not ctr.get("terminationMessagePolicy"):
        ctr["terminationMessagePolicy"] = "File"
    resources = ctr.get("resources")
    if isinstance(resources, dict) and isinstance(resources.get("limits"), dict):
        # SetDefaults_Pod: requests default to limits, per resource (Pods only, not templates).
        requests = resources.get("requests")
        if requests is None:
            requests = resources["requests"] = {}
        if isinstance(requests, dict):
            for key, val in resources["limits"].items():
                requests.setdefault(key, copy.deepcopy(val))
    ports = ctr.get("ports")
    if isinstance(ports, list):
        for port in ports:
            if isinstance(port, dict):
                if not port.get("protocol"):
                    port["protocol"] = "TCP"
                if host_network and _is_zero(port.get("hostPort")) and port.get("containerPort") is not None:
                    port["hostPort"] = port["containerPort"]
    for key in ("livenessProbe", "readinessProbe", "startupProbe"):
        _default_probe(ctr.get(key))
    lifecycle = ctr.get("lifecycle")
    if isinstance(lifecycle, dict):
        for key in ("postStart", "preStop"):
            _default_handler(lifecycle.get(key))


def apply_defaults(pod: Mapping[str, Any], *, seed: int = 0) -> dict[str, Any]:
    """A new pod with the API server's defaults filled in; ``pod`` itself is left untouched.

    ``spec``: ``restartPolicy`` Always, ``terminationGracePeriodSeconds`` 30, ``dnsPolicy``
    ClusterFirst, ``schedulerName`` default-scheduler, ``securityContext`` {},
    ``enableServiceLinks`` true. Each container: ``imagePullPolicy`` from the image's tag,
    ``terminationMessagePath``/``Policy``, ``requests`` from ``limits``, port ``protocol`` TCP,
    probe timings, ``httpGet`` path and scheme. ``metadata.name`` from ``generateName`` when the
    name is empty (:func:`generate_name` with ``seed``).
    """
    out: dict[str, Any] = copy.deepcopy(dict(_check_object(pod, "<object>")))
    meta = out.get("metadata")
    if meta is None:
        meta = out["metadata"] = {}
    if isinstance(meta, dict) and not meta.get("name"):
        base = meta.get("generateName")
        if isinstance(base, str) and base:
            meta["name"] = generate_name(base, seed)
    spec = out.get("spec")
    if not isinstance(spec, dict):
        return out
    for key, default in (
        ("dnsPolicy", "ClusterFirst"),
        ("restartPolicy", RestartPolicy.ALWAYS.value),
        ("schedulerName", "default-scheduler"),
    ):
        if not spec.get(key):
            spec[key] = default
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = 30
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True
    host_network = spec.get("hostNetwork") is True
    for key in ("initContainers", "containers"):
        containers = spec.get(key)
        if isinstance(containers, list):
            for ctr in containers:
                _default_container(ctr, host_network=host_network)
    return out


# --------------------------------------------------------------------------------------------
# Validation


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_NEGATIVE = "must be greater than or equal to 0"  # apimachineryvalidation.IsNegativeErrorMsg
_NOT_FOR_REGULAR_INIT = "may not be set for init containers without restartPolicy=Always"
_FORBIDDEN_RULES_ON_SIDECAR = "may not be set for init containers with restartPolicy=Always"
_RULES_NEED_POLICY = "must specify restartPolicy when restart rules are used"
_GATED_NODE_NAME = "cannot be set until all schedulingGates have been cleared"
_LIMIT_REQUIRED = "Limit must be set for non overcommitable resources"
_WHITESPACE = "must not have leading or trailing whitespace"
_DEADLINE_RANGE = "must be between 1 and 2147483647, inclusive"
_POD_RESTART_POLICIES = (
    RestartPolicy.ALWAYS.value,
    RestartPolicy.ON_FAILURE.value,
    RestartPolicy.NEVER.value,
)
# sets.List(...) of the container-level policies: sorted.
_CONTAINER_RESTART_POLICIES = tuple(sorted(_POD_RESTART_POLICIES))
_RULE_OPERATORS = (RuleOperator.IN.value, RuleOperator.NOT_IN.value)
_MAX_RESTART_RULES = 20
_MAX_RULE_EXIT_CODES = 255
_PULL_POLICIES = ("Always", "IfNotPresent", "Never")  # sets.List(supportedPullPolicies)
_TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
_DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
_STANDARD_CONTAINER_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage"})


def is_native_resource(name: str) -> bool:
    """``IsNativeResource``: no domain prefix, or a ``kubernetes.io/`` one."""
    return "/" not in name or "kubernetes.io/" in name


def is_extended_resource(name: str) -> bool:
    """``IsExtendedResourceName``: a domain-prefixed, non-native resource such as ``example.com/gpu``."""
    if is_native_resource(name) or name.startswith("requests."):
        return False
    return not is_qualified_name("requests." + name)


def is_hugepages_resource(name: str) -> bool:
    """``IsHugePageResourceName``: ``hugepages-2Mi`` and the like."""
    return name.startswith("hugepages-")


class _PodValidator:
    """``ValidatePodCreate`` over a defaulted pod dict, appending to one ordered error list."""

    def __init__(self, pod: Mapping[str, Any], gates: Mapping[str, bool]) -> None:
        self.pod = pod
        self.errs = _Errors()
        self.restart_rules = gates.get(FeatureGate.CONTAINER_RESTART_RULES, True)
        self.restart_all = gates.get(FeatureGate.RESTART_ALL_CONTAINERS_ON_CONTAINER_EXITS, False)
        self.grace_period: int | None = None

    # -- typed access: podfsm reports as field errors what the API server rejects while decoding

    def _mapping(self, value: Any, path: str) -> Mapping[str, Any] | None:
        if value is None:
            return None
        if isinstance(value, Mapping):
            return value
        self.errs.add(path, _invalid(value, "must be an object"))
        return None

    def _list(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self.errs.add(path, _invalid(value, "must be a list"))
        return []

    def _string(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            return value
        self.errs.add(path, _invalid(value, "must be a string"))
        return None

    def _integer(self, value: Any, path: str) -> int | None:
        if value is None:
            return None
        if _is_int(value):
            return int(value)
        self.errs.add(path, _invalid(value, "must be an integer"))
        return None

    def _nonnegative(self, value: Any, path: str) -> None:
        number = self._integer(value, path)
        if number is not None and number < 0:
            self.errs.add(path, _invalid(number, _NEGATIVE))

    # -- ValidateObjectMeta (apimachinery), requiresNamespace=true, nameFn=ValidatePodName

    def metadata(self) -> None:
        meta = self._mapping(self.pod.get("metadata"), "metadata") or {}
        generate = self._string(meta.get("generateName"), "metadata.generateName")
        if generate:
            for msg in _name_is_dns_subdomain(generate, prefix=True):
                self.errs.add("metadata.generateName", _invalid(generate, msg))
        name = self._string(meta.get("name"), "metadata.name")
        if not name:
            self.errs.add("metadata.name", _required("name or generateName is required"))
        else:
            for msg in _name_is_dns_subdomain(name, prefix=False):
                self.errs.add("metadata.name", _invalid(name, msg))
        namespace = self._string(meta.get("namespace"), "metadata.namespace")
        if not namespace:
            self.errs.add("metadata.namespace", _required())
        else:
            for msg in is_dns1123_label(namespace):
                self.errs.add("metadata.namespace", _invalid(namespace, msg))

    # -- ValidatePodSpec

    def spec(self) -> None:
        spec = self._mapping(self.pod.get("spec"), "spec")
        if spec is None:
            self.errs.add("spec.containers", _required())
            return
        grace = spec.get("terminationGracePeriodSeconds")
        if grace is None:
            self.errs.add("spec.terminationGracePeriodSeconds", _required())
        else:
            self.grace_period = self._integer(grace, "spec.terminationGracePeriodSeconds")
            if self.grace_period is not None and self.grace_period < 0:
                # podfsm is stricter here: see docs/admission-and-scheduling.md.
                self.errs.add("spec.terminationGracePeriodSeconds", _invalid(self.grace_period, _NEGATIVE))
        pod_policy = self._string(spec.get("restartPolicy"), "spec.restartPolicy")
        containers = self._list(spec.get("containers"), "spec.containers")
        init_containers = self._list(spec.get("initContainers"), "spec.initContainers")
        self.containers(containers, pod_policy)
        self.init_containers(init_containers, containers, pod_policy)
        self.enum(pod_policy, "spec.restartPolicy", _POD_RESTART_POLICIES)
        self.enum(self._string(spec.get("dnsPolicy"), "spec.dnsPolicy"), "spec.dnsPolicy", _DNS_POLICIES)
        self.node_selector(spec.get("nodeSelector"))
        for i, gate in enumerate(self._list(spec.get("readinessGates"), "spec.readinessGates")):
            path = f"spec.readinessGates[{i}].conditionType"
            gate_map = self._mapping(gate, f"spec.readinessGates[{i}]") or {}
            condition = self._string(gate_map.get("conditionType"), path) or ""
            for msg in is_qualified_name(condition):
                self.errs.add(path, _invalid(condition, msg))
        seen: set[str] = set()
        for i, gate in enumerate(self._list(spec.get("schedulingGates"), "spec.schedulingGates")):
            path = f"spec.schedulingGates[{i}]"
            gate_name = self._string((self._mapping(gate, path) or {}).get("name"), f"{path}.name") or ""
            for msg in is_qualified_name(gate_name):
                self.errs.add(path, _invalid(gate_name, msg))
            if gate_name in seen:
                self.errs.add(path, _duplicate(gate_name))
            seen.add(gate_name)
        node_name = self._string(spec.get("nodeName"), "spec.nodeName")
        if node_name:
            for msg in _name_is_dns_subdomain(node_name, prefix=False):
                self.errs.add("spec.nodeName", _invalid(node_name, msg))
        deadline = self._integer(spec.get("activeDeadlineSeconds"), "spec.activeDeadlineSeconds")
        if deadline is not None and not 1 <= deadline <= 2**31 - 1:
            self.errs.add("spec.activeDeadlineSeconds", _invalid(deadline, _DEADLINE_RANGE))

    def enum(self, value: str | None, path: str, supported: Sequence[str]) -> None:
        if value is None or value == "":
            self.errs.add(path, _required())
        elif value not in supported:
            self.errs.add(path, _not_supported(value, supported))

    def node_selector(self, selector: Any) -> None:
        """``ValidateLabels`` on ``spec.nodeSelector``: qualified-name keys, label values."""
        for key, val in (self._mapping(selector, "spec.nodeSelector") or {}).items():
            for msg in is_qualified_name(str(key)):
                self.errs.add("spec.nodeSelector", _invalid(key, msg))
            text = self._string(val, f"spec.nodeSelector[{key}]")
            for msg in _is_label_value(text or ""):
                self.errs.add("spec.nodeSelector", _invalid(text, msg))

    # -- containers

    def containers(self, containers: list[Any], pod_policy: str | None) -> None:
        """``validateContainers``: at least one; common checks; unique names; probes; restart policy."""
        if not containers:
            self.errs.add("spec.containers", _required())
            return
        names: set[str] = set()
        for i, raw in enumerate(containers):
            path = f"spec.containers[{i}]"
            ctr = self._mapping(raw, path)
            if ctr is None:
                continue
            name = self.container_common(ctr, path, pod_policy)
            if name in names:
                self.errs.add(f"{path}.name", _duplicate(name))
            else:
                names.add(name)
            self.lifecycle(ctr.get("lifecycle"), f"{path}.lifecycle")
            self.probe(ctr.get("livenessProbe"), f"{path}.livenessProbe", kind="liveness")
            self.probe(ctr.get("readinessProbe"), f"{path}.readinessProbe", kind="readiness")
            self.probe(ctr.get("startupProbe"), f"{path}.startupProbe", kind="startup")
            if self.restart_rules:
                self.container_restart_policy(ctr, path, init=False)
            elif ctr.get("restartPolicy") is not None:
                self.errs.add(f"{path}.restartPolicy", _forbidden("may not be set for non-init containers"))

    def init_containers(self, containers: list[Any], regular: list[Any], pod_policy: str | None) -> None:
        """``validateInitContainers``: names unique across both lists; only sidecars get probes and hooks."""
        names = {c["name"] for c in regular if isinstance(c, Mapping) and isinstance(c.get("name"), str)}
        for i, raw in enumerate(containers):
            path = f"spec.initContainers[{i}]"
            ctr = self._mapping(raw, path)
            if ctr is None:
                continue
            name = self.container_common(ctr, path, pod_policy)
            sidecar = self.container_restart_policy(ctr, path, init=True)
            if name in names:
                self.errs.add(f"{path}.name", _duplicate(name))
            elif name:
                names.add(name)
            if sidecar:
                self.lifecycle(ctr.get("lifecycle"), f"{path}.lifecycle")
                self.probe(ctr.get("livenessProbe"), f"{path}.livenessProbe", kind="liveness")
                self.probe(ctr.get("readinessProbe"), f"{path}.readinessProbe", kind="readiness")
                self.probe(ctr.get("startupProbe"), f"{path}.startupProbe", kind="startup")
            else:
                for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                    if ctr.get(key) is not None:
                        self.errs.add(f"{path}.{key}", _forbidden(_NOT_FOR_REGULAR_INIT))

    def container_common(self, ctr: Mapping[str, Any], path: str, pod_policy: str | None) -> str:
        """``validateContainerCommon``: name, image, termination message policy, pull policy, resources."""
        name = self._string(ctr.get("name"), f"{path}.name") or ""
        if not name:
            self.errs.add(f"{path}.name", _required())
        else:
            for msg in is_dns1123_label(name):
                self.errs.add(f"{path}.name", _invalid(name, msg))
        if not self._string(ctr.get("image"), f"{path}.image"):
            self.errs.add(f"{path}.image", _required())
        self.enum(
            self._string(ctr.get("terminationMessagePolicy"), f"{path}.terminationMessagePolicy"),
            f"{path}.terminationMessagePolicy",
            _TERMINATION_MESSAGE_POLICIES,
        )
        self.enum(
            self._string(ctr.get("imagePullPolicy"), f"{path}.imagePullPolicy"),
            f"{path}.imagePullPolicy",
            _PULL_POLICIES,
        )
        self.resources(ctr.get("resources"), f"{path}.resources")
        return name

    def resources(self, resources: Any, path: str) -> None:
        """``ValidateContainerResourceRequirements``: names, non-negative quantities, requests <= limits."""
        res = self._mapping(resources, path) or {}
        raw_limits: Mapping[str, Any] = res["limits"] if isinstance(res.get("limits"), Mapping) else {}
        raw_requests: Mapping[str, Any] = res["requests"] if isinstance(res.get("requests"), Mapping) else {}
        limits = self.quantities(res.get("limits"), f"{path}.limits")
        for name, amount in self.quantities(res.get("requests"), f"{path}.requests").items():
            limit = limits.get(name)
            overcommit = is_native_resource(name) and not is_hugepages_resource(name)
            if limit is not None:
                text, limit_text = str(raw_requests[name]), str(raw_limits[name])
                if amount != limit and not overcommit:
                    self.errs.add(
                        f"{path}.requests", _invalid(text, f"must be equal to {name} limit of {limit_text}")
                    )
                elif amount > limit:
                    detail = f"must be less than or equal to {name} limit of {limit_text}"
                    self.errs.add(f"{path}.requests", _invalid(text, detail))
            elif not overcommit and name not in raw_limits:
                self.errs.add(f"{path}.limits", _required(_LIMIT_REQUIRED))

    def quantities(self, values: Any, path: str) -> dict[str, Fraction]:
        """One resource list: each name standard or extended, each quantity parsable and >= 0."""
        parsed: dict[str, Fraction] = {}
        for name, raw in (self._mapping(values, path) or {}).items():
            key = f"{path}[{name}]"
            if "/" not in name:
                if name not in _STANDARD_CONTAINER_RESOURCES and not is_hugepages_resource(name):
                    self.errs.add(key, _invalid(name, "must be a standard resource for containers"))
            elif not is_native_resource(name) and not is_extended_resource(name):
                self.errs.add(key, _invalid(name, "doesn't follow extended resource name standard"))
            try:
                amount = parse_quantity(raw)
            except QuantityError as exc:
                self.errs.add(key, _invalid(raw, str(exc)))
                continue
            if amount < 0:
                self.errs.add(key, _invalid(str(raw), _NEGATIVE))
            if is_extended_resource(name) and amount.denominator != 1:
                self.errs.add(key, _invalid(str(raw), "must be an integer"))
            parsed[name] = amount
        return parsed

    def container_restart_policy(self, ctr: Mapping[str, Any], path: str, *, init: bool) -> bool:
        """Container-level ``restartPolicy`` and ``restartPolicyRules``; True for a sidecar.

        With ContainerRestartRules (on in v1.35) any container may set Always, OnFailure or
        Never; an init container with Always is a sidecar, and a sidecar may carry rules only
        with RestartAllContainersOnContainerExits. Rules need an explicit container policy.
        """
        policy_path = f"{path}.restartPolicy"
        policy = self._string(ctr.get("restartPolicy"), policy_path)
        rules = self._list(ctr.get("restartPolicyRules"), f"{path}.restartPolicyRules")
        if not self.restart_rules:
            # v1.28-v1.33: init containers may set only Always; rules do not exist.
            if policy is not None and policy != RestartPolicy.ALWAYS:
                self.errs.add(policy_path, _not_supported(policy, [RestartPolicy.ALWAYS.value]))
            return init and policy == RestartPolicy.ALWAYS
        if policy is None:
            if rules:
                self.errs.add(policy_path, _required(_RULES_NEED_POLICY))
        elif policy not in _CONTAINER_RESTART_POLICIES:
            self.errs.add(policy_path, _not_supported(policy, _CONTAINER_RESTART_POLICIES))
        sidecar = init and policy == RestartPolicy.ALWAYS
        if sidecar and rules and not self.restart_all:
            self.errs.add(f"{path}.restartPolicyRules", _forbidden(_FORBIDDEN_RULES_ON_SIDECAR))
        self.restart_policy_rules(rules, path)
        return sidecar

    def restart_policy_rules(self, rules: list[Any], path: str) -> None:
        """``restartPolicyRules``: at most 20; a known action; exitCodes with In/NotIn and <= 255 values."""
        rules_path = f"{path}.restartPolicyRules"
        if len(rules) > _MAX_RESTART_RULES:
            self.errs.add(rules_path, _too_many(len(rules), _MAX_RESTART_RULES))
        actions = [RuleAction.RESTART.value]
        if self.restart_all:
            actions.append(RuleAction.RESTART_ALL_CONTAINERS.value)
        for i, raw in enumerate(rules):
            rule_path = f"{rules_path}[{i}]"
            rule = self._mapping(raw, rule_path) or {}
            action = rule.get("action", "")
            if action not in actions:
                self.errs.add(f"{rule_path}.action", _not_supported(action, actions))
            exit_codes = self._mapping(rule.get("exitCodes"), f"{rule_path}.exitCodes")
            if exit_codes is None:
                self.errs.add(f"{rule_path}.exitCodes", _required("must be specified"))
                continue
            operator = exit_codes.get("operator", "")
            if operator not in _RULE_OPERATORS:
                self.errs.add(f"{rule_path}.exitCodes.operator", _not_supported(operator, _RULE_OPERATORS))
            values = self._list(exit_codes.get("values"), f"{rule_path}.exitCodes.values")
            if len(values) > _MAX_RULE_EXIT_CODES:
                self.errs.add(f"{rule_path}.exitCodes.values", _too_many(len(values), _MAX_RULE_EXIT_CODES))
            for j, code in enumerate(values):
                self._integer(code, f"{rule_path}.exitCodes.values[{j}]")

    # -- probes and hooks

    def handler(self, handler: Mapping[str, Any], path: str, *, kinds: Iterable[str]) -> None:
        """``validateHandler``: exactly one handler type, each well formed."""
        count = 0
        for kind in kinds:
            if handler.get(kind) is None:
                continue
            if count:
                self.errs.add(f"{path}.{kind}", _forbidden("may not specify more than 1 handler type"))
                continue
            count += 1
            body = self._mapping(handler.get(kind), f"{path}.{kind}") or {}
            self.action(kind, body, f"{path}.{kind}")
        if count == 0:
            self.errs.add(path, _required("must specify a handler type"))

    def action(self, kind: str, body: Mapping[str, Any], path: str) -> None:
        if kind == "exec":
            if not self._list(body.get("command"), f"{path}.command"):
                self.errs.add(f"{path}.command", _required())
        elif kind == "httpGet":
            if not body.get("path"):
                self.errs.add(f"{path}.path", _required())
            for bad, msg in _port_errors(body.get("port", 0)):
                self.errs.add(f"{path}.port", _invalid(bad, msg))
            scheme = body.get("scheme", "")
            if scheme not in ("HTTP", "HTTPS"):
                self.errs.add(f"{path}.scheme", _not_supported(scheme, ["HTTP", "HTTPS"]))
        elif kind in ("tcpSocket", "grpc"):
            port = body.get("port", 0)
            if kind == "grpc" and not _is_int(port):
                self.errs.add(f"{path}.port", _invalid(port, "must be an integer"))
                return
            for bad, msg in _port_errors(port):
                self.errs.add(f"{path}.port", _invalid(bad, msg))
        elif kind == "sleep":
            seconds = self._integer(body.get("seconds", 0), f"{path}.seconds")
            grace = self.grace_period
            if seconds is not None and grace is not None and not 0 <= seconds <= grace:
                detail = f"must be non-negative and less than terminationGracePeriodSeconds ({grace})"
                self.errs.add(path, _invalid(seconds, detail))

    def probe(self, raw: Any, path: str, *, kind: str) -> None:
        """``validateProbe`` plus the kind's own rule (``validateLivenessProbe`` and its siblings)."""
        probe = self._mapping(raw, path)
        if probe is None:
            return
        self.handler(probe, path, kinds=("exec", "httpGet", "tcpSocket", "grpc"))
        for key in (
            "initialDelaySeconds",
            "timeoutSeconds",
            "periodSeconds",
            "successThreshold",
            "failureThreshold",
        ):
            self._nonnegative(probe.get(key), f"{path}.{key}")
        grace = self._integer(
            probe.get("terminationGracePeriodSeconds"), f"{path}.terminationGracePeriodSeconds"
        )
        if grace is not None and grace <= 0:
            self.errs.add(f"{path}.terminationGracePeriodSeconds", _invalid(grace, "must be greater than 0"))
        if kind == "readiness" and grace is not None:
            self.errs.add(
                f"{path}.terminationGracePeriodSeconds",
                _invalid(grace, "must not be set for readinessProbes"),
            )
        if kind in ("liveness", "startup"):
            success = probe.get("successThreshold")
            if _is_int(success) and success != 1:
                self.errs.add(f"{path}.successThreshold", _invalid(success, "must be 1"))

    def lifecycle(self, raw: Any, path: str) -> None:
        """``validateLifecycle``: each hook is one handler (exec, httpGet, tcpSocket or sleep)."""
        lifecycle = self._mapping(raw, path)
        if lifecycle is None:
            return
        for hook in ("postStart", "preStop"):
            handler = self._mapping(lifecycle.get(hook), f"{path}.{hook}")
            if handler is not None:
                self.handler(handler, f"{path}.{hook}", kinds=("exec", "httpGet", "tcpSocket", "sleep"))

    # -- pod-only checks (validateContainersOnlyForPod, ValidatePodCreate)

    def pod_only(self) -> None:
        spec = self.pod.get("spec")
        if not isinstance(spec, Mapping):
            return
        for key in ("containers", "initContainers"):
            containers = spec.get(key)
            for i, ctr in enumerate(containers if isinstance(containers, list) else []):
                image = ctr.get("image") if isinstance(ctr, Mapping) else None
                if isinstance(image, str) and image != image.strip():
                    self.errs.add(f"spec.{key}[{i}].image", _invalid(image, _WHITESPACE))
        if spec.get("ephemeralContainers"):
            self.errs.add("spec.ephemeralContainers", _forbidden("cannot be set on create"))
        if spec.get("nodeName") and spec.get("schedulingGates"):
            self.errs.add("spec.nodeName", _forbidden(_GATED_NODE_NAME))

    def run(self) -> list[FieldError]:
        self.metadata()
        self.spec()
        self.pod_only()
        return self.errs.items


# --------------------------------------------------------------------------------------------
# Public entry points


def _gates(overrides: Mapping[str, bool] | None) -> dict[str, bool]:
    return resolve_feature_gates(dict(overrides) if overrides else None)


def as_pod_dict(pod: Any) -> Any:
    """A plain dict for podfsm's pydantic :class:`~podfsm.api.Pod` (via ``to_dict``); anything else as is."""
    to_dict = getattr(pod, "to_dict", None)
    if not isinstance(pod, Mapping) and callable(to_dict):
        return to_dict()
    return pod


def _check_object(pod: Any, source: str) -> Mapping[str, Any]:
    """Reject what is not a v1 Pod at all, before defaulting (the API server's decoding step)."""
    pod = as_pod_dict(pod)
    if not isinstance(pod, Mapping):
        raise ManifestError(source, f"expected a Pod object (a mapping), got {type(pod).__name__}")
    kind = pod.get("kind")
    if kind is not None and kind != "Pod":
        raise ManifestError(source, f"kind {kind!r} is not Pod", "kind")
    api_version = pod.get("apiVersion")
    if api_version is not None and api_version != "v1":
        raise ManifestError(source, f"apiVersion {api_version!r} is not v1", "apiVersion")
    return pod


def _prepare(
    pod: Any, namespace: str | None, seed: int, source: str
) -> tuple[dict[str, Any], list[FieldError]]:
    """Default the pod and settle its namespace as the API server does for a create request.

    The request's namespace is ``namespace``, or the object's own, or ``default``. An object
    without one takes the request's; an object with a different one is a BadRequest, and the
    API server stops there: no field validation runs.
    """
    obj = apply_defaults(_check_object(pod, source), seed=seed)
    meta = obj["metadata"]
    if not isinstance(meta, dict):
        return obj, []
    own = meta.get("namespace")
    if namespace is not None:
        requested = namespace
    else:
        requested = own if isinstance(own, str) and own else DEFAULT_NAMESPACE
    if not own:
        meta["namespace"] = requested
    elif own != requested:
        return obj, [("metadata.namespace", NAMESPACE_MISMATCH)]
    return obj, []


def validate(
    pod: Mapping[str, Any],
    *,
    namespace: str | None = None,
    seed: int = 0,
    feature_gates: Mapping[str, bool] | None = None,
) -> list[FieldError]:
    """Every ``(field_path, rule)`` the API server would report for creating ``pod``; ``[]`` if none.

    The pod is validated as the API server sees it: after :func:`apply_defaults` and with its
    namespace settled (see :func:`admit`), so an omitted ``restartPolicy`` is not an error.
    """
    obj, early = _prepare(pod, namespace, seed, "<object>")
    if early:
        return early
    return _PodValidator(obj, _gates(feature_gates)).run()


def admit(
    pod: Mapping[str, Any],
    *,
    namespace: str | None = None,
    source: str = "<object>",
    seed: int = 0,
    feature_gates: Mapping[str, bool] | None = None,
) -> dict[str, Any]:
    """The object the API server would store for a create of ``pod`` in ``namespace``.

    Returns a new, defaulted dict (``pod`` is never mutated). Raises
    :class:`~podfsm.errors.AdmissionError` listing every field error at once, or
    :class:`~podfsm.errors.ManifestError` for something that is not a v1 Pod at all; ``source``
    names the file in either message. ``seed`` makes a name generated from
    ``metadata.generateName`` reproducible.
    """
    obj, errors = _prepare(pod, namespace, seed, source)
    if not errors:
        errors = _PodValidator(obj, _gates(feature_gates)).run()
    if errors:
        meta = obj.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        raise AdmissionError(source, name if isinstance(name, str) else "", errors)
    return obj
