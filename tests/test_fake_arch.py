"""A new arch is one ArchSpec: register a made-up one and the probes and rules use its facts.

Nothing outside ``arch.registered`` is edited: the check pipeline, the probes (CPU naming,
virtualization verdict, modules, machine type) and the config rules (machine type, IOMMU,
NUMA, runtime-rs plugins) all read the spec. The built-in table is never changed.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Final

import pytest

from kata_config import KataConfigError, check_host, validate
from kata_config.arch import ARCHES, ArchSpec, Family, registered
from kata_config.arch.base import KVM, VSOCK, modules
from kata_config.probes.cpuinfo import parse_cpuinfo
from kata_config.probes.target import infer_arch
from tests.hostfixtures import HOSTS

FAKE: Final = ArchSpec(
    name="fake64",
    machine_types=("fakevirt",),
    go_max_vcpus=64,
    family=Family.ARM,
    kernel_modules=modules(KVM, VSOCK),
    flags_key="Features",
    implementers={0x41: "Fakeco"},
    parts={(0x41, 0xD0C): "Model F"},
    go_iommu_refused=True,
)
"""An ARM-family arch with its own machine type, module table and CPU names."""

QEMU: Final = """\
[hypervisor.qemu]
path = "/usr/bin/qemu-system-fake64"
kernel = "/usr/share/kata-containers/vmlinux.container"
image = "/usr/share/kata-containers/kata-containers.img"
machine_type = "{machine}"
{extra}

[agent.kata]

[runtime]
"""


@pytest.fixture
def fake_host(tmp_path: Path) -> Path:
    """A Graviton2 capture (ARM cpuinfo, KVM up) with a config for the fake machine."""
    root = tmp_path / "host"
    shutil.copytree(HOSTS / "aarch64-graviton2", root, symlinks=True)
    (root / "kata-config-snapshot.json").unlink()  # it names aarch64
    config = root / "etc/kata-containers/configuration.toml"
    config.parent.mkdir(parents=True)
    config.write_text(QEMU.format(machine="fakevirt", extra=""))
    return root


def test_the_check_pipeline_uses_the_registered_spec(fake_host: Path) -> None:
    with registered(FAKE):
        report = check_host(root=fake_host, arch="fake64")
    got = {r.id: r for r in report.results}
    assert report.arch == "fake64"
    assert got["cpu.model"].message.startswith("Fakeco Model F")  # its own naming tables
    assert got["cpu.virtualization"].status.value == "pass"  # the ARM verdict: KVM is up
    modules_seen = {cid for cid in got if cid.startswith("module.")}
    assert modules_seen == {"module.kvm", "module.vhost_vsock"}  # its module table only
    assert got["config.machine-type"].status.value == "pass"
    assert "fakevirt" in got["config.machine-type"].message
    assert "fake64" in got["config.machine-type"].message
    assert "cpu.vendor" not in got  # x86 facts stay x86's


def test_outside_the_block_the_arch_is_unknown_and_the_tables_unchanged(
        fake_host: Path) -> None:
    before = dict(ARCHES)
    with registered(FAKE):
        assert ARCHES["fake64"] is FAKE
    assert dict(ARCHES) == before
    assert "fake64" not in ARCHES
    with pytest.raises(KataConfigError, match="unknown architecture 'fake64'"):
        check_host(root=fake_host, arch="fake64")


def test_a_second_arch_of_a_family_makes_its_cpuinfo_ambiguous() -> None:
    info = parse_cpuinfo((HOSTS / "aarch64-graviton2/proc/cpuinfo").read_text())
    assert infer_arch(info) == "aarch64"
    with registered(FAKE):
        assert infer_arch(info) is None  # the caller must pass --arch


def _findings(tmp_path: Path, machine: str, extra: str = "", runtime: str = "go") -> set[str]:
    path = tmp_path / "configuration.toml"
    path.write_text(QEMU.format(machine=machine, extra=extra))
    with registered(FAKE):
        report = validate([path], arch="fake64", runtime=runtime)  # type: ignore[arg-type]
    return {f"{f.rule_id}: {f.message}" for f in report.findings}


def test_the_rules_use_the_registered_spec(tmp_path: Path) -> None:
    assert not [f for f in _findings(tmp_path, "fakevirt") if f.startswith("machine-type")]
    [wrong] = [f for f in _findings(tmp_path, "virt") if f.startswith("machine-type-arch")]
    assert "is not a fake64 QEMU machine" in wrong
    assert "'fakevirt'" in wrong
    iommu = _findings(tmp_path, "fakevirt", "enable_iommu = true")
    assert any(f.startswith("iommu-arch-unsupported") and "fake64" in f for f in iommu)
    numa = _findings(tmp_path, "fakevirt", 'enable_numa = true\nnuma_mapping = ["0", "1"]')
    assert any("supports only on x86_64 and aarch64, not fake64" in f for f in numa)


def test_runtime_rs_plugins_follow_the_spec(tmp_path: Path) -> None:
    path = tmp_path / "configuration.toml"
    path.write_text('[hypervisor.firecracker]\npath = "/usr/bin/firecracker"\n'
                    '[runtime]\nhypervisor_name = "firecracker"\n')
    with registered(FAKE):
        report = validate([path], arch="fake64", runtime="rs")
    messages = [f.message for f in report.findings if f.rule_id == "hypervisor-name-invalid"]
    assert any("runtime-rs on fake64 has no 'firecracker' plugin" in m for m in messages), [
        (f.rule_id, f.message) for f in report.findings]
