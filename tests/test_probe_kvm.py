"""Live KVM probe: ioctl numbers, the verdict on every ioctl outcome, and the live run here."""

from __future__ import annotations

import errno
import os
import platform
from pathlib import Path

import pytest

from kata_config.arch import ARCHES, normalize
from kata_config.hostcheck import context
from kata_config.probes import kvm
from kata_config.probes.base import ProbeContext, Status
from kata_config.probes.host import HostRoot

HOSTS = Path(__file__).parent / "fixtures" / "hosts"


@pytest.mark.parametrize(
    ("nr", "arch", "expected"),
    [
        (kvm.NR_GET_API_VERSION, "x86_64", 0xAE00),
        (kvm.NR_CREATE_VM, "x86_64", 0xAE01),
        (kvm.NR_CHECK_EXTENSION, "aarch64", 0xAE03),
        (kvm.NR_CREATE_VM, "s390x", 0xAE01),
        (kvm.NR_GET_API_VERSION, "ppc64le", 0x2000AE00),
        (kvm.NR_CREATE_VM, "ppc64le", 0x2000AE01),
        (kvm.NR_CHECK_EXTENSION, "ppc64le", 0x2000AE03),
    ],
    ids=["api-x86", "create-x86", "ext-arm", "create-s390", "api-ppc", "create-ppc", "ext-ppc"],
)
def test_io_matches_kernel_constants(nr: int, arch: str, expected: int) -> None:
    assert kvm._io(nr, ARCHES[arch]) == expected


class FakeKvm:
    """Records every call; answers from a table keyed by (ioctl nr, arg)."""

    def __init__(self, answers: dict[tuple[int, int], int | OSError], open_error: int = 0) -> None:
        self.answers = answers
        self.open_error = open_error
        self.closed: list[int] = []
        self.requests: list[int] = []

    def open(self, path: str, flags: int) -> int:
        if self.open_error:
            raise OSError(self.open_error, os.strerror(self.open_error), path)
        assert flags & os.O_RDWR
        return 100

    def ioctl(self, fd: int, request: int, arg: int) -> int:
        self.requests.append(request)
        answer = self.answers[(request & 0xFF, arg)]
        if isinstance(answer, OSError):
            raise answer
        return answer

    def ops(self) -> kvm.KvmOps:
        return kvm.KvmOps(open=self.open, ioctl=self.ioctl, close=self.closed.append)


GOOD: dict[tuple[int, int], int | OSError] = {
    (0, 0): 12,
    (1, 0): 101,
    (3, kvm.CAP_MAX_VCPUS): 1024,
    (3, kvm.CAP_NR_VCPUS): 8,
    (3, kvm.CAP_VM_TYPES): 0b110101,
    (3, kvm.CAP_ARM_VM_IPA_SIZE): 48,
}


def _live(root: Path | str = "/", arch: str = "x86_64") -> ProbeContext:
    return context(HostRoot(root, devices_live=True), arch)


def _by_id(results: object) -> dict[str, kvm.CheckResult]:
    return {r.id: r for r in results}  # type: ignore[attr-defined]


def test_good_host_passes_and_closes_both_fds() -> None:
    fake = FakeKvm(GOOD)
    got = _by_id(kvm.probe_kvm(_live(), fake.ops()))
    assert {k: v.status for k, v in got.items()} == dict.fromkeys(
        ["kvm.device", "kvm.api-version", "kvm.create-vm", "kvm.max-vcpus", "kvm.vm-types"],
        Status.PASS,
    )
    assert "1024" in got["kvm.max-vcpus"].message
    assert got["kvm.vm-types"].message == "KVM VM types: default, sev, sev-snp, tdx"
    assert fake.closed == [101, 100]  # VM destroyed before the device is closed


def test_ppc64le_uses_its_own_encoding() -> None:
    fake = FakeKvm(GOOD)
    got = _by_id(kvm.probe_kvm(_live(arch="ppc64le"), fake.ops()))
    assert got["kvm.create-vm"].status is Status.PASS
    assert all(req & 0x20000000 for req in fake.requests)
    assert "kvm.vm-types" not in got


def test_aarch64_reports_ipa_size() -> None:
    got = _by_id(kvm.probe_kvm(_live(arch="aarch64"), FakeKvm(GOOD).ops()))
    assert "48 bits" in got["kvm.ipa-size"].message


def test_ebusy_names_virtualbox_when_its_module_is_loaded() -> None:
    fake = FakeKvm({**GOOD, (1, 0): OSError(errno.EBUSY, "Device or resource busy")})
    got = _by_id(kvm.probe_kvm(_live(HOSTS / "x86_64-dev-vbox"), fake.ops()))
    assert got["kvm.create-vm"].status is Status.FAIL
    assert "VirtualBox" in got["kvm.create-vm"].message
    assert "VirtualBox" in got["kvm.create-vm"].remedy


def test_ebusy_without_known_holder_still_explains() -> None:
    fake = FakeKvm({**GOOD, (1, 0): OSError(errno.EBUSY, "Device or resource busy")})
    got = _by_id(kvm.probe_kvm(_live(HOSTS / "x86_64-dev-complete"), fake.ops()))
    assert "another hypervisor" in got["kvm.create-vm"].message


def test_wrong_api_version_fails_and_skips_the_rest() -> None:
    got = _by_id(kvm.probe_kvm(_live(), FakeKvm({(0, 0): 11}).ops()))
    assert got["kvm.api-version"].status is Status.FAIL
    assert "expected 12" in got["kvm.api-version"].message
    assert got["kvm.create-vm"].status is Status.SKIP


@pytest.mark.parametrize(
    ("err", "status", "word"),
    [(errno.ENOENT, Status.FAIL, "modprobe"), (errno.EACCES, None, "usermod -aG kvm")],
    ids=["missing", "denied"],
)
def test_open_failures_give_a_remedy(err: int, status: Status | None, word: str) -> None:
    got = _by_id(kvm.probe_kvm(_live(), FakeKvm({}, open_error=err).ops()))
    expected = status or (Status.FAIL if os.geteuid() == 0 else Status.WARN)
    assert got["kvm.device"].status is expected
    assert word in got["kvm.device"].remedy
    assert got["kvm.create-vm"].status is Status.SKIP


def test_snapshot_root_never_touches_kvm() -> None:
    fake = FakeKvm({}, open_error=errno.EIO)
    ctx = context(HostRoot(HOSTS / "x86_64-dev-complete"), "x86_64")
    results = list(kvm.probe_kvm(ctx, fake.ops()))
    assert {r.status for r in results} == {Status.SKIP}
    assert all(r.message == kvm.LIVE_ONLY for r in results)
    assert fake.requests == []


def test_upstream_defect_11_no_root_gate(tmp_path: Path) -> None:
    """§1.10 #11: KVM_CREATE_VM is tried whenever /dev/kvm opens, whatever the euid."""
    fake = FakeKvm(GOOD)
    got = _by_id(kvm.probe_kvm(_live(), fake.ops()))
    assert got["kvm.create-vm"].status is Status.PASS
    assert any(req & 0xFF == kvm.NR_CREATE_VM for req in fake.requests)


@pytest.mark.skipif(not os.access("/dev/kvm", os.R_OK | os.W_OK), reason="/dev/kvm not usable here")
def test_live_kvm_on_this_machine() -> None:
    arch = normalize(platform.machine())
    got = _by_id(kvm.probe_kvm(context(HostRoot("/"), arch)))
    assert got["kvm.device"].status is Status.PASS
    assert got["kvm.api-version"].status is Status.PASS
    assert got["kvm.create-vm"].status is Status.PASS, got["kvm.create-vm"]
