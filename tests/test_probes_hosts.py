"""Each host fixture tree gives the verdicts its real data calls for."""

from __future__ import annotations

from pathlib import Path

import pytest

from kata_config.hostcheck import resolve
from kata_config.probes.base import Status
from kata_config.probes.host import HostRoot
from tests.hostfixtures import HOSTS, arch_of, results, statuses

P, W, F, S = Status.PASS, Status.WARN, Status.FAIL, Status.SKIP

EXPECTED = {
    "x86_64-intel-kvm-ok": {"cpu.virtualization": P, "module.kvm_intel": P,
                            "module.kvm_intel.unrestricted_guest": P, "module.vhost_vsock": P,
                            "env.vm-guest": P, "env.nested": P},
    "x86_64-amd-no-svm": {"cpu.virtualization": F, "cpu.sse4_1": F, "module.kvm": F,
                          "module.kvm_amd": F, "module.vhost": W},
    "x86_64-pvm": {"cpu.virtualization": P, "module.kvm": P, "module.kvm_intel": S,
                   "env.pvm": W, "env.vm-guest": P, "env.container": P},
    "x86_64-builtin-modules": {"module.kvm": P, "module.kvm_intel": P, "module.vhost": P,
                               "module.vhost_net": P, "module.vhost_vsock": P},
    "x86_64-guest-param-unreadable": {"cpu.virtualization": P,
                                      "module.kvm_intel.unrestricted_guest": W,
                                      "env.nested": S, "module.vhost_vsock": P},
    "x86_64-guest-no-nested": {"cpu.virtualization": F, "env.vm-guest": W,
                               "module.kvm_intel": F},
    "x86_64-missing-proc": {"cpu.model": F, "cpu.virtualization": F, "module.kvm": F},
    "aarch64-graviton2": {"cpu.virtualization": P, "module.kvm": P, "module.vhost_net": P},
    "aarch64-kunpeng920-no-el2": {"cpu.virtualization": F, "module.kvm": P},
    "ppc64le-power9-powernv": {"cpu.virtualization": P, "module.kvm_hv": P},
    "ppc64le-power10-kvm": {"cpu.virtualization": P, "module.kvm_hv": P},
    "ppc64le-power8-powernv-smt-on": {"cpu.virtualization": P, "cpu.smt": F},
    "ppc64le-power8-pseries-guest": {"cpu.virtualization": F, "env.vm-guest": W},
    "s390x-guest-nested-sie": {"cpu.virtualization": P, "env.vm-guest": P},
    "s390x-guest-no-sie": {"cpu.virtualization": F, "module.kvm": F,
                           "module.vhost_vsock": W},
    "s390x-lpar-old-kernel": {"cpu.virtualization": P, "env.vm-guest": P},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_verdicts(name: str) -> None:
    got = statuses(HOSTS / name, arch_of(name))
    assert {cid: got.get(cid) for cid in EXPECTED[name]} == EXPECTED[name]


def test_every_result_explains_itself() -> None:
    for name in EXPECTED:
        for result in results(HOSTS / name, arch_of(name)).values():
            assert result.message, (name, result.id)
            if result.status is Status.FAIL:
                assert result.remedy or result.id in ("cpu.virtualization",), (name, result)


def test_aarch64_cpu_is_named() -> None:
    got = results(HOSTS / "aarch64-graviton2", "aarch64")
    assert got["cpu.model"].message.startswith("ARM Neoverse N1")
    kunpeng = results(HOSTS / "aarch64-kunpeng920-no-el2", "aarch64")
    assert "Kunpeng 920" in kunpeng["cpu.model"].message


def test_pvm_verdict_carries_the_note() -> None:
    got = results(HOSTS / "x86_64-pvm", "x86_64")
    assert got["cpu.virtualization"].message == (
        "KVM via PVM (kvm_pvm), no hardware virtualization flags")


def test_ppc_host_and_guest_told_apart() -> None:
    host = results(HOSTS / "ppc64le-power9-powernv", "ppc64le")
    guest = results(HOSTS / "ppc64le-power8-pseries-guest", "ppc64le")
    assert host["env.vm-guest"].status is Status.PASS
    assert "pSeries" in guest["cpu.virtualization"].message


def test_default_config_found_under_root_and_checked() -> None:
    root = HOSTS / "x86_64-intel-kvm-ok"
    resolved = resolve(HostRoot(root), "x86_64", None)
    assert resolved.result.status is Status.PASS
    assert "/usr/share/defaults/kata-containers/configuration.toml" in resolved.result.message
    got = statuses(root, "x86_64", only=["config"])
    assert got == {"config.file": P, "config.hypervisor-path": P, "config.path.kernel": P,
                   "config.path.image": P, "config.vcpus": W, "config.memory": P,
                   "config.machine-type": P, "config.vsock": P}


def test_no_config_is_a_skip_with_the_search_list() -> None:
    resolved = resolve(HostRoot(HOSTS / "x86_64-pvm"), "x86_64", None)
    assert resolved.config is None
    assert resolved.error is None
    assert resolved.result.status is Status.SKIP
    assert "/etc/kata-containers/configuration.toml" in resolved.result.evidence


def test_real_container_markers_warn(tmp_path: Path) -> None:
    (tmp_path / "proc/self").mkdir(parents=True)
    (tmp_path / "proc/self/mountinfo").write_text(
        "600 500 0:50 / / rw,relatime - overlay overlay rw,lowerdir=/l\n")
    (tmp_path / "proc/1").mkdir()
    (tmp_path / "proc/1/cgroup").write_text("0::/kubepods/burstable/pod1/abc\n")
    got = results(tmp_path, "x86_64", only=["env.container"])
    assert got["env.container"].status is Status.WARN
    assert "overlay" in got["env.container"].evidence
