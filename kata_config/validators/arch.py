"""Rules that depend on the target architecture (machine type, IOMMU, pflash, ppc64le memory)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from kata_config.arch import ARCHES
from kata_config.findings import Issue, Rule, Severity
from kata_config.keys.history import value_status
from kata_config.model import KataConfig
from kata_config.validators._util import as_int, as_str, hkey, hv_tables, is_true, str_list

MACHINE_TYPE_ARCH = Rule(
    "machine-type-arch",
    Severity.ERROR,
    "QEMU machine_type not supported on the target architecture",
    when="start",
)
IOMMU_ARCH_UNSUPPORTED = Rule(
    "iommu-arch-unsupported",
    Severity.ERROR,
    "Go qemu cannot start a VM with enable_iommu on aarch64, ppc64le or s390x",
    when="start",
)
PFLASHES_COUNT = Rule(
    "pflashes-count", Severity.ERROR, "Go qemu on aarch64 needs 0 or exactly 2 pflashes",
    when="start",
)

PPC64LE_MEMORY_ADJUSTED = Rule(
    "ppc64le-memory-adjusted",
    Severity.WARNING,
    "runtime-rs on ppc64le raises memory to 1024 MiB and aligns it down to 256 MiB",
)
PPC64LE_MAXMEMORY_TOO_SMALL = Rule(
    "ppc64le-maxmemory-too-small",
    Severity.ERROR,
    "runtime-rs on ppc64le needs aligned default_maxmemory above aligned default_memory",
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
    changed = value_status(cfg.runtime, "hypervisor.*", "machine_type", effective, cfg.arch,
                           release=cfg.release)
    if changed is not None:
        return  # a machine type Kata dropped or added later: retired-value / value-too-new
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
    spec = ARCHES.get(cfg.arch)
    if cfg.runtime != "go" or spec is None or not spec.go_iommu_refused:
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
    spec = ARCHES.get(cfg.arch)
    if cfg.runtime != "go" or spec is None or not spec.go_uefi_pflashes:
        return
    flashes = str_list(cfg.hypervisors.get("qemu", {}).get("pflashes"))
    if flashes is not None and len(flashes) not in (0, 2):
        yield Issue(
            "hypervisor.qemu.pflashes",
            f"pflashes lists {len(flashes)} image(s): QEMU on {cfg.arch} needs none or exactly "
            "2 (code and variables); the Go runtime fails to start the VM",
        )


def check_ppc64le_memory(cfg: KataConfig) -> Iterator[Issue]:
    """Memory sizes runtime-rs rewrites on ppc64le.

    On ppc64le runtime-rs raises ``default_memory`` to at least 1024 MiB and aligns
    ``default_memory`` and ``default_maxmemory`` down to a multiple of 256 MiB, silently.

    Fails:
        # kata-config: --runtime rs --arch ppc64le
        [hypervisor.qemu]
        default_memory = 1000

    Passes:
        # kata-config: --runtime rs --arch ppc64le
        [hypervisor.qemu]
        default_memory = 2048
    """
    spec = ARCHES.get(cfg.arch)
    if cfg.runtime != "rs" or spec is None or not spec.rs_memory_block_mib:
        return
    block, floor = spec.rs_memory_block_mib, spec.rs_min_memory_mib
    for name, table in hv_tables(cfg):
        for key in ("default_memory", "default_maxmemory"):
            value = as_int(table.get(key))
            if not value or value < 0:
                continue
            raised = max(value, floor) if key == "default_memory" else value
            aligned = raised - raised % block
            if aligned != value:
                yield Issue(
                    hkey(name, key),
                    f"{key} ({value} MiB) becomes {aligned} MiB on {cfg.arch} (runtime-rs raises "
                    f"memory to {floor} MiB and aligns to {block} MiB); write a multiple of "
                    f"{block}",
                )


def check_ppc64le_maxmemory(cfg: KataConfig) -> Iterator[Issue]:
    """Aligned ``default_maxmemory`` not above aligned ``default_memory`` (runtime-rs, ppc64le).

    After the ppc64le adjustment (memory ≥ 1024 MiB, both aligned down to 256 MiB)
    runtime-rs refuses to load when the maximum is not larger than the boot memory.
    ``default_maxmemory = 0`` (host RAM) is not checked.

    Fails:
        # kata-config: --runtime rs --arch ppc64le
        [hypervisor.qemu]
        default_memory = 2048
        default_maxmemory = 2200

    Passes:
        # kata-config: --runtime rs --arch ppc64le
        [hypervisor.qemu]
        default_memory = 2048
        default_maxmemory = 4096
    """
    spec = ARCHES.get(cfg.arch)
    if cfg.runtime != "rs" or spec is None or not spec.rs_memory_block_mib:
        return
    block = spec.rs_memory_block_mib
    for name, table in hv_tables(cfg):
        mem = as_int(table.get("default_memory"))
        maxm = as_int(table.get("default_maxmemory"))
        if mem is None or mem <= 0 or maxm is None or maxm <= 0:
            continue
        mem_al = max(mem, spec.rs_min_memory_mib) // block * block
        max_al = maxm // block * block
        if max_al <= mem_al:
            yield Issue(
                hkey(name, "default_maxmemory"),
                f"default_maxmemory ({maxm} MiB, aligned {max_al}) is not above default_memory "
                f"({mem} MiB, aligned {mem_al}): runtime-rs refuses to load on {cfg.arch}; set "
                f"default_maxmemory to at least {mem_al + block} or 0",
            )


CHECKS: Final = (
    (MACHINE_TYPE_ARCH, check_machine_type),
    (IOMMU_ARCH_UNSUPPORTED, check_iommu_arch),
    (PFLASHES_COUNT, check_pflashes),
    (PPC64LE_MEMORY_ADJUSTED, check_ppc64le_memory),
    (PPC64LE_MAXMEMORY_TOO_SMALL, check_ppc64le_maxmemory),
)
