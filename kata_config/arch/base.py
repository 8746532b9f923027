"""The shapes of the per-arch tables: data only, read by the config rules and the host probes."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from kata_config.arch.qemu import QemuLaunch
from kata_config.record import field, record


class Need(StrEnum):
    """Why Kata needs a kernel module, which decides how bad its absence is."""

    KVM = "kvm"
    """Without it there is no /dev/kvm at all."""
    VENDOR = "vendor"
    """The CPU vendor's KVM backend (x86 only): only the one matching the CPU is checked."""
    HYPERVISOR = "hypervisor"
    """Needed only by the hypervisors listed in ``ModuleSpec.needed_by``."""


@record
class ParamSpec:
    """A module parameter Kata relies on: the values that are fine and what a bad one costs."""

    accepted: frozenset[str]
    why: str
    waived_in_guest: bool = False
    """True when a VM guest commonly has another value and Kata still works (nested setups)."""


@record
class ModuleSpec:
    """One kernel module of the arch's table."""

    name: str
    purpose: str
    need: Need = Need.KVM
    needed_by: frozenset[str] = frozenset()
    """Hypervisor names (``[hypervisor.<name>]``) that need it when ``need`` is HYPERVISOR."""
    device: str = ""
    """A device node whose presence proves the feature works (built in, or loads on open)."""
    params: Mapping[str, ParamSpec] = field(default_factory=lambda: MappingProxyType({}))


class Family(StrEnum):
    """The CPU family of an arch: how its ``/proc/cpuinfo`` reads and what proves it can host
    KVM guests. Picks the probes' per-family logic (naming the CPU, telling a VM guest, the
    ``cpu.virtualization`` verdict, recognising a cpuinfo's arch); a new arch of a known
    family needs no code."""

    X86 = "x86"
    """``vendor_id`` and ``flags``; ``vmx``/``svm`` (or PVM) prove virtualization."""
    ARM = "arm"
    """``CPU implementer``/``CPU part``; EL2 is invisible, so only KVM itself proves it."""
    POWER = "power"
    """``cpu``/``platform``; the POWER generation and PowerNV (host) vs pSeries (guest)."""
    Z = "z"
    """``vendor_id = IBM/S390``; the ``sie`` facility, LPAR vs z/VM or KVM guest."""
    RISCV = "riscv"
    """No host checks yet."""


@record
class Vendor:
    """An x86 CPU vendor: its display name, its virtualization flag and its KVM module."""

    name: str
    virt_flag: str
    kvm_module: str
    virt_name: str


@record
class ArchSpec:
    """Facts about one architecture that rules and probes read.

    Attributes:
        name: canonical ``uname -m`` spelling.
        machine_types: QEMU machine types the Go runtime's arch code accepts.
        go_max_vcpus: the Go runtime's hard cap on ``default_maxvcpus`` for this arch.
        cpu_flags: any-of groups of cpuinfo flags the host must show besides the
            virtualization flag (e.g. ``{"lm"}``); each group is one ``cpu.<flag>`` check.
        kernel_modules: module name -> what Kata needs of it, in report order.
        host_checks: False when kata-config has no host probes for the arch (validate only).
        flags_key: the cpuinfo key holding the feature flags.
        virt_flags: cpuinfo flags that prove hardware virtualization (any of them).
        vendors: x86 ``vendor_id`` -> vendor facts.
        implementers: aarch64 ``CPU implementer`` id -> company name.
        parts: aarch64 ``(implementer, part)`` -> core name.
        min_generation: oldest POWER generation Kata supports (ppc64le).
        smt_off_up_to: POWER generations up to this one need SMT off on the host (ppc64le).
        qemu: how the runtimes launch QEMU on this arch (launch plans; ``arch/qemu.py``).
        go_nvdimm_needs_firmware: the Go QEMU loader turns NVDIMM off when neither
            ``firmware`` nor ``pflashes`` is set (aarch64: NVDIMM needs UEFI/ACPI).
        rs_memory_block_mib: runtime-rs aligns ``default_memory``/``default_maxmemory`` down
            to this block size at load (ppc64le: QEMU's 256 MiB blocks); 0 = no alignment.
        rs_min_memory_mib: runtime-rs raises ``default_memory`` to at least this at load
            (ppc64le); 0 = no floor.
        family: the CPU family (see ``Family``).
        pvm_module: the module that provides KVM without hardware virtualization (PVM).
        nested_module: the module whose ``nested`` parameter says whether guests may nest,
            where no CPU vendor names it (x86 takes it from ``vendors``).
        kvm_checks: arch-only live KVM capability checks (``kvm.vm-types``, ...).
        ioctl_dir_none: the ioctl encoding's "no data" direction bits (powerpc: 1 << 29).
        tees: the trusted execution environments Kata can use here (``tdx``, ``se``, ...);
            with one, a confidential guest uses it; with several the runtime picks by host.
        go_iommu_refused: the Go runtime's QEMU fails to start a VM with ``enable_iommu``.
        go_uefi_pflashes: the Go runtime's QEMU needs ``pflashes`` empty or a UEFI code and
            variables pair.
        go_numa: the Go runtime supports more than one guest NUMA node.
        rs_vmms: runtime-rs hypervisor plugins built for this arch besides qemu and remote.
        serial_console: the guest kernel's serial console device (``console=`` when debugging).
    """

    name: str
    machine_types: tuple[str, ...]
    go_max_vcpus: int
    cpu_flags: tuple[frozenset[str], ...] = ()
    kernel_modules: Mapping[str, ModuleSpec] = field(
        default_factory=lambda: MappingProxyType({})
    )
    host_checks: bool = True
    flags_key: str = "flags"
    virt_flags: frozenset[str] = frozenset()
    vendors: Mapping[str, Vendor] = field(default_factory=lambda: MappingProxyType({}))
    implementers: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))
    parts: Mapping[tuple[int, int], str] = field(default_factory=lambda: MappingProxyType({}))
    min_generation: int = 0
    smt_off_up_to: int = 0
    qemu: QemuLaunch | None = None
    go_nvdimm_needs_firmware: bool = False
    rs_memory_block_mib: int = 0
    rs_min_memory_mib: int = 0
    family: Family = Family.X86
    pvm_module: str = ""
    nested_module: str = ""
    kvm_checks: tuple[str, ...] = ()
    ioctl_dir_none: int = 0
    tees: tuple[str, ...] = ()
    go_iommu_refused: bool = False
    go_uefi_pflashes: bool = False
    go_numa: bool = False
    rs_vmms: frozenset[str] = frozenset()
    serial_console: str = "ttyS0"


def modules(*specs: ModuleSpec) -> Mapping[str, ModuleSpec]:
    """A read-only, ordered name -> spec table."""
    return MappingProxyType({spec.name: spec for spec in specs})


QEMU_LIKE = frozenset({"qemu", "stratovirt"})
"""Hypervisors that use the kernel's vhost-vsock (the others use a hybrid vsock over a socket)."""

VHOST_NET_USERS = frozenset({"qemu"})
"""Hypervisors that open /dev/vhost-net for tap networking unless ``disable_vhost_net``."""

VSOCK = ModuleSpec(
    "vhost_vsock", "host side of VM sockets (agent channel)", Need.HYPERVISOR,
    QEMU_LIKE, device="dev/vhost-vsock",
)
VHOST = ModuleSpec(
    "vhost", "in-kernel virtio backend core", Need.HYPERVISOR, VHOST_NET_USERS
)
VHOST_NET = ModuleSpec(
    "vhost_net", "in-kernel virtio-net backend", Need.HYPERVISOR, VHOST_NET_USERS,
    device="dev/vhost-net",
)
KVM = ModuleSpec("kvm", "the KVM core", Need.KVM, device="dev/kvm")

RS_VMMS = frozenset({"firecracker", "clh", "dragonball", "openvmm"})
"""The runtime-rs hypervisor plugins upstream builds for x86_64 and aarch64 only."""
