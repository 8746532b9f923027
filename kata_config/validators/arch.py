"""Rules that depend on the target architecture (QEMU machine type, IOMMU, pflash, CCA)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from kata_config.arch import ARCHES
from kata_config.findings import Issue, Rule, Severity
from kata_config.model import KataConfig
from kata_config.validators._util import as_str, is_true, str_list

MACHINE_TYPE_ARCH = Rule(
    "machine-type-arch",
    Severity.ERROR,
    "QEMU machine_type not supported on the target architecture",
)
IOMMU_ARCH_UNSUPPORTED = Rule(
    "iommu-arch-unsupported",
    Severity.ERROR,
    "Go qemu cannot start a VM with enable_iommu on aarch64, ppc64le or s390x",
)
PFLASHES_COUNT = Rule(
    "pflashes-count", Severity.ERROR, "Go qemu on aarch64 needs 0 or exactly 2 pflashes"
)


def check_machine_type(cfg: KataConfig) -> Iterator[Issue]:
    """QEMU ``machine_type`` that the target architecture does not support.

    The Go runtime's QEMU code knows x86_64 ``q35``/``microvm``, aarch64 ``virt``, ppc64le
    ``pseries``, s390x ``s390-ccw-virtio`` and riscv64 ``virt`` and fails to start the VM
    with anything else ("unrecognised machinetype"). An empty or missing value becomes
    ``q35`` on every architecture, so outside x86_64 it must be set. Under runtime-rs an
    explicit value is passed to QEMU, which refuses a machine of another architecture.

    Fails:
        # kata-config: --runtime go --arch aarch64
        [hypervisor.qemu]
        machine_type = "q35"

    Passes:
        # kata-config: --runtime go --arch aarch64
        [hypervisor.qemu]
        machine_type = "virt"
    """
    arch = ARCHES.get(cfg.arch)
    table = cfg.hypervisors.get("qemu")
    if arch is None or table is None:
        return
    raw = table.get("machine_type", "")
    machine = as_str(raw)
    if machine is None or (cfg.runtime == "rs" and not machine):
        return
    effective = machine or "q35"
    if effective in arch.machine_types:
        return
    expected = " or ".join(repr(m) for m in arch.machine_types)
    if machine:
        found = f"machine_type {machine!r}"
    else:
        found = "machine_type is not set, so the Go runtime uses 'q35', which"
    yield Issue(
        "hypervisor.qemu.machine_type" if "machine_type" in table else "hypervisor.qemu",
        f"{found} is not a {cfg.arch} QEMU machine: the VM fails to start; set machine_type "
        f"to {expected}",
    )


def check_iommu_arch(cfg: KataConfig) -> Iterator[Issue]:
    """``enable_iommu = true`` for Go qemu on aarch64, ppc64le or s390x.

    The Go QEMU code of these architectures has no virtual IOMMU and fails when it builds
    the VM. (Cloud Hypervisor, Firecracker and StratoVirt ignore the key.)

    Fails:
        # kata-config: --runtime go --arch aarch64
        [hypervisor.qemu]
        machine_type = "virt"
        enable_iommu = true

    Passes:
        # kata-config: --runtime go --arch aarch64
        [hypervisor.qemu]
        machine_type = "virt"
        enable_iommu = false
    """
    if cfg.runtime != "go" or cfg.arch not in ("aarch64", "ppc64le", "s390x"):
        return
    if is_true(cfg.hypervisors.get("qemu", {}).get("enable_iommu")):
        yield Issue(
            "hypervisor.qemu.enable_iommu",
            f"enable_iommu = true is not supported by QEMU on {cfg.arch}: the Go runtime "
            "fails to start the VM; set enable_iommu = false",
        )


def check_pflashes(cfg: KataConfig) -> Iterator[Issue]:
    """``pflashes`` holding other than 0 or 2 images for Go qemu on aarch64.

    The arm64 UEFI firmware needs a code and a variables flash; the Go runtime fails to
    start the VM with one or three.

    Fails:
        # kata-config: --runtime go --arch aarch64
        [hypervisor.qemu]
        machine_type = "virt"
        pflashes = ["/usr/share/aavmf/AAVMF_CODE.fd"]

    Passes:
        # kata-config: --runtime go --arch aarch64
        [hypervisor.qemu]
        machine_type = "virt"
        pflashes = ["/usr/share/aavmf/AAVMF_CODE.fd", "/usr/share/aavmf/AAVMF_VARS.fd"]
    """
    if cfg.runtime != "go" or cfg.arch != "aarch64":
        return
    flashes = str_list(cfg.hypervisors.get("qemu", {}).get("pflashes"))
    if flashes is not None and len(flashes) not in (0, 2):
        yield Issue(
            "hypervisor.qemu.pflashes",
            f"pflashes lists {len(flashes)} image(s): QEMU on aarch64 needs none or exactly 2 "
            "(code and variables); the Go runtime fails to start the VM",
        )


CHECKS: Final = (
    (MACHINE_TYPE_ARCH, check_machine_type),
    (IOMMU_ARCH_UNSUPPORTED, check_iommu_arch),
    (PFLASHES_COUNT, check_pflashes),
)
