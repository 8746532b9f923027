"""Device-node probe over fixture trees (off-line) and over this machine (live)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kata_config.hostcheck import context
from kata_config.model import KataConfig
from kata_config.probes import devices
from kata_config.probes.base import CheckResult, Status
from kata_config.probes.host import HostRoot

HOSTS = Path(__file__).parent / "fixtures" / "hosts"


def _run(label: str, config: KataConfig | None = None) -> dict[str, CheckResult]:
    ctx = context(HostRoot(HOSTS / label), "x86_64", config=config)
    return {r.id: r for r in devices.probe_devices(ctx)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10:232\n", (10, 232)), ("10:", None), ("x:1", None), ("", None), (None, None)],
    ids=["good", "no-minor", "not-digits", "empty", "absent"],
)
def test_parse_dev_number(text: str | None, expected: tuple[int, int] | None) -> None:
    assert devices.parse_dev_number(text) == expected


def test_complete_host_passes_everything() -> None:
    got = _run("x86_64-dev-complete")
    assert {k: v.status for k, v in got.items()} == {
        "device.kvm": Status.PASS,
        "device.vhost-net": Status.PASS,
        "device.vhost-vsock": Status.PASS,
        "device.tun": Status.PASS,
    }
    assert "10:241" in got["device.vhost-vsock"].evidence


def test_partial_host_explains_each_problem() -> None:
    got = _run("x86_64-dev-partial")
    assert got["device.kvm"].status is Status.FAIL
    assert "10:99, expected 10:232" in got["device.kvm"].message
    # Without a config vhost-net is only assumed needed, as the module check assumes it.
    assert got["device.vhost-net"].status is Status.WARN
    assert got["device.vhost-net"].remedy == "sudo modprobe vhost_net"
    # vhost-vsock is optional for the check itself (config-aware checks decide the rest).
    assert got["device.vhost-vsock"].status is Status.WARN
    assert got["device.tun"].status is Status.FAIL
    assert "not a character device" in got["device.tun"].message


def test_a_config_that_uses_vhost_net_needs_it() -> None:
    cfg = KataConfig({"hypervisor": {"qemu": {"disable_vhost_net": False}}}, "go", "x86_64")
    assert _run("x86_64-dev-partial", cfg)["device.vhost-net"].status is Status.FAIL


def test_disable_vhost_net_makes_the_device_unneeded() -> None:
    cfg = KataConfig({"hypervisor": {"qemu": {"disable_vhost_net": True}}}, "go", "x86_64")
    got = _run("x86_64-dev-partial", cfg)
    assert got["device.vhost-net"].status is Status.SKIP
    assert "disable_vhost_net" in got["device.vhost-net"].message


@pytest.mark.skipif(not os.path.exists("/dev/kvm"), reason="no /dev/kvm on this machine")
def test_live_kvm_node_is_checked_for_access() -> None:
    got = {r.id: r for r in devices.probe_devices(context(HostRoot("/"), "x86_64"))}
    usable = os.access("/dev/kvm", os.R_OK | os.W_OK)
    assert (got["device.kvm"].status is Status.PASS) == usable
    assert "10:232" in got["device.kvm"].evidence
