"""The kubelet configuration (``--kubelet-config``): crash-loop back-off maximum and feature gates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import podfsm
from podfsm.cli import main
from podfsm.errors import ManifestError
from podfsm.model.kubelet_config import (
    DEFAULT_KUBELET_CONFIG,
    KubeletConfig,
    load_kubelet_config,
    parse_duration,
    parse_kubelet_config,
)
from podfsm.model.pod import PodModel
from tests.scenario_dsl import SCHED, exit_, pod, start, wait


def _delays(config: KubeletConfig | None, crashes: int = 9) -> list[float]:
    m = PodModel(pod("Always"), kubelet_config=config)
    m.apply(SCHED)
    m.apply(start("app"))
    out: list[float] = []
    for _ in range(crashes):
        m.apply(exit_("app", 1))
        rec = m.by_name["app"]
        if rec.state == "Waiting":
            out.append(0)
        else:
            assert rec.restart_at is not None
            out.append(rec.restart_at - m.now)
            m.apply(wait(rec.restart_at - m.now))
            if rec.state != "Waiting":
                # a delay shorter than 10 s ends at the pod worker's requeued sync (issue 10)
                assert m.resync_at is not None
                m.apply(wait(m.resync_at - m.now))
        m.apply(start("app"))
    return out


def test_defaults_are_v1_35s() -> None:
    """kubelet.go:newCrashLoopBackOff with v1.35's gates: 10 s doubling to 300 s."""
    assert DEFAULT_KUBELET_CONFIG.crash_loop_back_off() == (10.0, 300.0)
    assert _delays(None) == [0, 10, 20, 40, 80, 160, 300, 300, 300]
    assert parse_kubelet_config({}) == DEFAULT_KUBELET_CONFIG


def test_max_container_restart_period_caps_the_back_off() -> None:
    """newCrashLoopBackOff: with KubeletCrashLoopBackOffMax (beta, on in v1.35) the configured
    crashLoopBackOff.maxContainerRestartPeriod is the maximum."""
    config = parse_kubelet_config({"crashLoopBackOff": {"maxContainerRestartPeriod": "30s"}})
    assert _delays(config, 6) == [0, 10, 20, 30, 30, 30]


def test_a_maximum_below_the_initial_delay_is_also_the_initial_delay() -> None:
    """newCrashLoopBackOff: ``if boMax < boInitial { boInitial = boMax }``."""
    config = parse_kubelet_config({"crashLoopBackOff": {"maxContainerRestartPeriod": "5s"}})
    assert config.crash_loop_back_off() == (5.0, 5.0)
    assert _delays(config, 4) == [0, 5, 5, 5]


def test_the_maximum_is_ignored_with_its_gate_off() -> None:
    config = parse_kubelet_config(
        {
            "crashLoopBackOff": {"maxContainerRestartPeriod": "5s"},
            "featureGates": {"KubeletCrashLoopBackOffMax": False},
        }
    )
    assert config.crash_loop_back_off() == (10.0, 300.0)


def test_reduce_default_crash_loop_back_off_decay() -> None:
    """newCrashLoopBackOff: ReduceDefaultCrashLoopBackOffDecay (alpha) makes it 1 s doubling to 60 s
    (the configured maximum, 300 s by default, still wins while KubeletCrashLoopBackOffMax is on)."""
    gates = {"ReduceDefaultCrashLoopBackOffDecay": True, "KubeletCrashLoopBackOffMax": False}
    config = parse_kubelet_config({"featureGates": gates})
    assert _delays(config, 9) == [0, 1, 2, 4, 8, 16, 32, 60, 60]
    both = parse_kubelet_config(
        {
            "featureGates": {"ReduceDefaultCrashLoopBackOffDecay": True},
            "crashLoopBackOff": {"maxContainerRestartPeriod": "20s"},
        }
    )
    assert both.crash_loop_back_off() == (1.0, 20.0)


@pytest.mark.parametrize(("text", "seconds"), [("60s", 60), ("1m30s", 90), ("500ms", 0.5), ("1h", 3600)])
def test_go_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("obj", "where"),
    [
        ({"nodeStatusUpdateFrequency": "10s"}, "nodeStatusUpdateFrequency"),
        ({"kind": "Pod"}, "kind"),
        ({"crashLoopBackOff": {"maxContainerRestartPeriod": "ten"}}, "maxContainerRestartPeriod"),
        ({"crashLoopBackOff": {"maxContainerRestartPeriod": "301s"}}, "between 1s and 300s"),
        ({"crashLoopBackOff": {"maxContainerRestartPeriod": "0.5s"}}, "between 1s and 300s"),
        ({"featureGates": {"SidecarContainers": True}}, "featureGates.SidecarContainers"),
        ({"featureGates": {"KubeletCrashLoopBackOffMax": "yes"}}, "expected true or false"),
        ([1, 2], "must be a mapping"),
    ],
)
def test_bad_configurations_name_the_field(obj: Any, where: str) -> None:
    with pytest.raises(ManifestError, match=where):
        parse_kubelet_config(obj, "kc.yaml")


def test_simulate_takes_the_configuration_as_a_mapping() -> None:
    # the requeued sync 10 s after the refused start publishes CrashLoopBackOff (issue 10)
    script = [SCHED, start("app"), exit_("app", 1), start("app"), exit_("app", 1), wait(10)]
    kc = {"featureGates": {"ReduceDefaultCrashLoopBackOffDecay": True, "KubeletCrashLoopBackOffMax": False}}
    steps = podfsm.simulate(pod("Always"), script, kubelet_config=kc)
    waiting = steps[-1].pod["status"]["containerStatuses"][0]["state"]["waiting"]
    assert waiting["message"].startswith("back-off 1s restarting failed container=app")


def _files(tmp_path: Path, config: str) -> list[str]:
    pf, ev, kc = tmp_path / "pod.yaml", tmp_path / "ev.yaml", tmp_path / "kc.yaml"
    pf.write_text(yaml.safe_dump(pod("Always")))
    script = [SCHED, start("app"), exit_("app", 1), start("app"), exit_("app", 1), wait(10)]
    ev.write_text(yaml.safe_dump(script))
    kc.write_text(config)
    return [str(pf), str(ev), "--kubelet-config", str(kc)]


def test_cli_simulate_reads_the_configuration(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = "crashLoopBackOff: {maxContainerRestartPeriod: 3s}\n"
    assert main(["simulate", *_files(tmp_path, config), "-o", "json"]) == 0
    assert "back-off 3s restarting" in capsys.readouterr().out


def test_cli_bad_configuration_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", *_files(tmp_path, "featureGates: {Nope: true}\n")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "kc.yaml" in err and "featureGates.Nope" in err


def test_cli_check_takes_the_configuration(tmp_path: Path) -> None:
    kc = tmp_path / "kc.yaml"
    kc.write_text("featureGates: {ReduceDefaultCrashLoopBackOffDecay: true}\n")
    args = ["check", "--configuration", "always-1c", "--steps", "5", "--examples", "5", "--seed", "1"]
    assert main([*args, "--kubelet-config", str(kc)]) == 0
    assert load_kubelet_config(str(kc)).enabled("ReduceDefaultCrashLoopBackOffDecay")
