"""What each arch's QEMU launch looks like: the data half of a launch plan.

Upstream keeps these facts in one Go file per arch (``qemu_<arch>.go``) around a shared base
builder, and runtime-rs repeats a few of them; here they are one frozen ``QemuLaunch`` per
arch, hung off its ``ArchSpec`` and read by ``kata_runtime``'s plan builder.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from kata_config.record import record


class MaxMem(StrEnum):
    """How the Go runtime turns ``default_maxmemory`` into QEMU's ``maxmem``."""

    PLUS_OFFSET = "plus-offset"
    """maxmem + memory_offset + a fixed 1 GiB (historically room for the NVDIMM rootfs)."""
    FLOOR256_PLUS_OFFSET = "floor256-plus-offset"
    """As PLUS_OFFSET after rounding down to QEMU's 256 MiB pseries memory blocks."""
    EXACT = "exact"
    """maxmem as configured, nothing added."""


class Rootfs(StrEnum):
    """How the Go runtime attaches ``image`` when NVDIMM is not disabled."""

    NVDIMM_DAX = "nvdimm-dax"
    NVDIMM = "nvdimm"
    """NVDIMM without DAX in rootflags (aarch64)."""
    NVDIMM_CMDLINE_BLK_DEVICE = "nvdimm-cmdline-blk-device"
    """ppc64le quirk: machine ``nvdimm=on`` and ``root=/dev/pmem0p1``, but a virtio-blk disk."""
    BLOCK = "block"
    """Always a virtio-blk disk (s390x, CCW)."""


class RootPorts(StrEnum):
    """When the Go runtime adds PCIe root ports."""

    VFIO_MODES = "vfio-modes"
    """Only for ``hot_plug_vfio``/``cold_plug_vfio`` = root-port or switch-port (q35)."""
    ALWAYS = "always"
    """Always, sized from the pod's network links and devices (virt)."""
    NEVER = "never"


@record
class QemuLaunch:
    """One arch's QEMU launch facts.

    Attributes:
        binary: default ``path`` when the config leaves it empty.
        machine_options: options the arch puts right after the machine type.
        split_irqchip_options: replaces ``machine_options`` with an IOMMU or a confidential
            guest ("" when the arch has no such variant).
        kernel_params: the arch's fixed kernel parameters, first on the command line.
        console_params: kernel parameters for the virtio console ("" on s390x: none).
        ccw: devices sit on the CCW bus (``devno=fe.0.<n>``), not PCI.
        root_bus: the bus PCI leaf devices and bridges are pinned to ("" = not pinned).
        bridge_bus: the bus ``pci-bridge`` devices sit on ("" = no bridges on the argv).
        maxmem: how ``maxmem`` is computed.
        rootfs: how an image is attached when NVDIMM is not disabled.
        bind_with_machine: the guest RAM backend is bound with ``-machine memory-backend=``
            rather than ``-numa node,memdev=`` (no DIMM/NUMA support).
        rng: a virtio-rng device is added (s390x relies on CPACF instead).
        root_ports: when PCIe root ports are added.
        ninep_multidevs: 9p gets ``multidevs=remap``.
        rs_kernel_params: what runtime-rs appends for an IOMMU-less guest on this arch.
        rs_dax: runtime-rs puts ``dax`` in NVDIMM rootflags on this arch.
        confidential: the technology a ``confidential_guest`` uses here (``se``, ``pef``,
            ``cca``); "" when the runtime asks the host (x86: TDX or SEV).
        iommu_kernel_params: what the Go runtime adds to the kernel command line for
            ``enable_iommu`` on this arch.
    """

    binary: str
    machine_options: str
    split_irqchip_options: str = ""
    kernel_params: tuple[str, ...] = ()
    console_params: tuple[str, ...] = ("console=hvc0", "console=hvc1")
    ccw: bool = False
    root_bus: str = "pcie.0"
    bridge_bus: str = "pcie.0"
    maxmem: MaxMem = MaxMem.PLUS_OFFSET
    rootfs: Rootfs = Rootfs.NVDIMM_DAX
    bind_with_machine: bool = False
    rng: bool = True
    root_ports: RootPorts = RootPorts.VFIO_MODES
    ninep_multidevs: bool = True
    rs_kernel_params: tuple[str, ...] = ()
    rs_dax: bool = True
    confidential: str = ""
    iommu_kernel_params: tuple[str, ...] = ()


X86_64: Final = QemuLaunch(
    binary="/usr/bin/qemu-system-x86_64",
    machine_options="accel=kvm",
    split_irqchip_options="accel=kvm,kernel_irqchip=split",
    kernel_params=(
        "tsc=reliable", "no_timer_check", "rcupdate.rcu_expedited=1", "i8042.direct=1",
        "i8042.dumbkbd=1", "i8042.nopnp=1", "i8042.noaux=1", "noreplace-smp", "reboot=k",
        "cryptomgr.notests", "net.ifnames=0", "pci=lastbus=0",
    ),
    iommu_kernel_params=("intel_iommu=on", "iommu=pt"),
)

AARCH64: Final = QemuLaunch(
    binary="/usr/bin/qemu-system-aarch64",
    machine_options="usb=off,accel=kvm,gic-version=host",
    kernel_params=("iommu.passthrough=0",),
    rootfs=Rootfs.NVDIMM,
    root_ports=RootPorts.ALWAYS,
    ninep_multidevs=False,
    rs_kernel_params=("iommu.passthrough=0",),
    rs_dax=False,
    confidential="cca",
)

PPC64LE: Final = QemuLaunch(
    binary="/usr/bin/qemu-system-ppc64",
    machine_options="accel=kvm,usb=off,cap-ail-mode-3=off",
    kernel_params=("rcupdate.rcu_expedited=1", "reboot=k", "cryptomgr.notests", "net.ifnames=0"),
    root_bus="",
    bridge_bus="pci.0",
    maxmem=MaxMem.FLOOR256_PLUS_OFFSET,
    rootfs=Rootfs.NVDIMM_CMDLINE_BLK_DEVICE,
    root_ports=RootPorts.NEVER,
    confidential="pef",
)

S390X: Final = QemuLaunch(
    binary="/usr/bin/qemu-system-s390x",
    machine_options="accel=kvm",
    console_params=(),
    ccw=True,
    root_bus="",
    bridge_bus="",
    maxmem=MaxMem.EXACT,
    rootfs=Rootfs.BLOCK,
    bind_with_machine=True,
    rng=False,
    root_ports=RootPorts.NEVER,
    confidential="se",
)

RISCV64: Final = QemuLaunch(
    binary="/usr/bin/qemu-system-riscv64",
    machine_options="accel=kvm,usb=off",
    kernel_params=("numa=off",),
    maxmem=MaxMem.EXACT,
)
