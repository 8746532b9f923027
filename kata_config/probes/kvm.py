"""Live KVM: open ``/dev/kvm`` and ask the kernel, through ioctls, whether a VM can be made.

Upstream's check does this only as root (host-checks.md §1.10 #11); we try whenever the caller
can open the device read-write, because a member of the ``kvm`` group can start VMs just as well.
On a snapshot root nothing here runs: every check is SKIP with the reason.
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Callable, Iterator, Mapping
from typing import Final

from kata_config.arch import ArchSpec
from kata_config.probes.base import CheckResult, ProbeContext, Status
from kata_config.record import record

LIVE_ONLY: Final = "live-only check: not run on a snapshot"
KVM_API_VERSION: Final = 12
KVMIO: Final = 0xAE

# ioctl numbers (linux/kvm.h): only the ``nr`` varies; direction/size encoding is per arch.
NR_GET_API_VERSION: Final = 0x00
NR_CREATE_VM: Final = 0x01
NR_CHECK_EXTENSION: Final = 0x03

CAP_NR_VCPUS: Final = 9
CAP_MAX_VCPUS: Final = 66
CAP_ARM_VM_IPA_SIZE: Final = 165
CAP_VM_TYPES: Final = 235

# Merged upstream numbering of x86 VM types (bit n of KVM_CAP_VM_TYPES); early patches differed.
X86_VM_TYPES: Final = {
    0: "default",
    1: "sw-protected",
    2: "sev",
    3: "sev-es",
    4: "sev-snp",
    5: "tdx",
}

# Modules of other hypervisors that take VT-x/AMD-V for themselves and make KVM_CREATE_VM fail
# with EBUSY; the kernel does not say who holds it, so we look for the usual suspects.
COMPETITORS: Final = (
    ("vboxdrv", "VirtualBox (vboxdrv)"),
    ("vmmon", "VMware Workstation/Player (vmmon)"),
    ("vmx86", "VMware (vmx86)"),
    ("xen", "a Xen hypervisor"),
)


def _io(nr: int, spec: ArchSpec, type_: int = KVMIO) -> int:
    """``_IO(type, nr)`` on ``spec``'s arch: an ioctl request with no data direction, size 0.

    Generic Linux encodes "no direction" as 0 in bits 30-31; powerpc uses a 3-bit direction
    field at bit 29 where "none" is 1, so every ``_IO`` number there carries ``0x20000000``
    (``ArchSpec.ioctl_dir_none``).
    """
    return spec.ioctl_dir_none | (type_ << 8) | nr


Opener = Callable[[str, int], int]
Ioctl = Callable[[int, int, int], int]


@record
class KvmOps:
    """The system calls the probe makes; tests swap them for fakes."""

    open: Opener | None = None
    """None: ``HostRoot.open_device``, which resolves ``dev/kvm`` inside the host root (under
    ``--root /host --live`` a link there must not lead to the pod's own files)."""
    ioctl: Ioctl = fcntl.ioctl
    close: Callable[[int], None] = os.close

    def call(self, fd: int, request: int, arg: int = 0) -> int:
        """Run one ioctl and return its integer result (raises OSError like the kernel)."""
        return self.ioctl(fd, request, arg)


def _holder(ctx: ProbeContext) -> str | None:
    for module, name in COMPETITORS:
        if ctx.host.is_dir(f"sys/module/{module}"):
            return name
    return None


def _skip_all(ids: tuple[str, ...], why: str) -> Iterator[CheckResult]:
    for check_id in ids:
        yield CheckResult(check_id, Status.SKIP, why)


def _ids(spec: ArchSpec) -> tuple[str, ...]:
    return ("kvm.device", "kvm.api-version", "kvm.create-vm", "kvm.max-vcpus", *spec.kvm_checks)


def probe_kvm(ctx: ProbeContext, ops: KvmOps | None = None) -> Iterator[CheckResult]:
    """Open ``/dev/kvm``, check the API version, create and destroy a VM, read capabilities."""
    ops = ops or KvmOps()
    ids = _ids(ctx.spec)
    if not ctx.host.devices_live:
        yield from _skip_all(ids, LIVE_ONLY)
        return
    device = str(ctx.host.path("dev/kvm"))
    try:
        flags = os.O_RDWR | os.O_CLOEXEC
        fd = ops.open(device, flags) if ops.open else ctx.host.open_device("dev/kvm", flags)
    except OSError as exc:
        yield _open_failure(exc, device, ctx.host.live)
        yield from _skip_all(ids[1:], f"skipped: {device} could not be opened")
        return
    try:
        yield CheckResult(
            "kvm.device",
            Status.PASS,
            f"{device} opens read-write",
            evidence=f"open({device}, O_RDWR) = fd {fd}",
        )
        yield from _after_open(ctx, ops, fd, ids)
    finally:
        ops.close(fd)


def _open_failure(exc: OSError, device: str, own_root: bool = True) -> CheckResult:
    evidence = (
        f"open({device}, O_RDWR): {exc.strerror} ({errno.errorcode.get(exc.errno or 0, '?')})"
    )
    if exc.errno == errno.ENOENT:
        return CheckResult(
            "kvm.device",
            Status.FAIL,
            f"{device} does not exist",
            evidence,
            "load KVM: sudo modprobe kvm_intel (Intel) or kvm_amd (AMD), and "
            "enable virtualization (VT-x/AMD-V) in the firmware setup",
        )
    if exc.errno == errno.EPERM and not own_root:
        # A pod sees the host's node through a hostPath, but its device cgroup refuses the
        # open unless it is privileged: that is the pod's policy, not the node's fault.
        return CheckResult(
            "kvm.device",
            Status.SKIP,
            f"{device} cannot be opened from this container (container device policy)",
            evidence,
            "run the checker pod privileged (or with a KVM device-plugin resource) for --live",
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        # Kata's shim runs as root, so a non-root caller without access is a warning only.
        status = Status.FAIL if os.geteuid() == 0 else Status.WARN
        return CheckResult(
            "kvm.device",
            status,
            f"{device} is not usable by uid {os.geteuid()}: permission denied",
            evidence,
            "sudo usermod -aG kvm $USER (then log in again)",
        )
    return CheckResult("kvm.device", Status.FAIL, f"{device} cannot be opened", evidence)


def _after_open(
    ctx: ProbeContext, ops: KvmOps, fd: int, ids: tuple[str, ...]
) -> Iterator[CheckResult]:
    request = _io(NR_GET_API_VERSION, ctx.spec)
    try:
        version = ops.call(fd, request)
    except OSError as exc:
        yield CheckResult("kvm.api-version", Status.FAIL, f"KVM_GET_API_VERSION failed: {exc}")
        yield from _skip_all(ids[2:], "skipped: the KVM API version is unknown")
        return
    evidence = f"ioctl(KVM_GET_API_VERSION {request:#x}) = {version}"
    if version != KVM_API_VERSION:
        yield CheckResult(
            "kvm.api-version",
            Status.FAIL,
            f"KVM API version is {version}, expected {KVM_API_VERSION}",
            evidence,
        )
        yield from _skip_all(ids[2:], "skipped: unsupported KVM API version")
        return
    yield CheckResult("kvm.api-version", Status.PASS, f"KVM API version {version}", evidence)
    yield _create_vm(ctx, ops, fd)
    yield _max_vcpus(ctx, ops, fd)
    for check_id in ctx.spec.kvm_checks:
        yield _ARCH_CHECKS[check_id](ctx, ops, fd)


def _create_vm(ctx: ProbeContext, ops: KvmOps, fd: int) -> CheckResult:
    request = _io(NR_CREATE_VM, ctx.spec)
    try:
        vm_fd = ops.call(fd, request, 0)
    except OSError as exc:
        evidence = f"ioctl(KVM_CREATE_VM {request:#x}, 0): {exc.strerror}"
        if exc.errno == errno.EBUSY:
            holder = _holder(ctx) or "another hypervisor"
            return CheckResult(
                "kvm.create-vm",
                Status.FAIL,
                f"KVM cannot create a VM: {holder} holds the CPU's virtualization",
                evidence,
                f"stop {holder} (or unload its module) before running Kata",
            )
        return CheckResult(
            "kvm.create-vm", Status.FAIL, f"KVM cannot create a VM: {exc.strerror}", evidence
        )
    ops.close(vm_fd)  # closing the last reference destroys the VM
    return CheckResult(
        "kvm.create-vm",
        Status.PASS,
        "KVM created and destroyed a test VM",
        evidence=f"ioctl(KVM_CREATE_VM {request:#x}, 0) = fd {vm_fd}",
    )


def _extension(ctx: ProbeContext, ops: KvmOps, fd: int, cap: int) -> tuple[int | None, str]:
    request = _io(NR_CHECK_EXTENSION, ctx.spec)
    try:
        value = ops.call(fd, request, cap)
    except OSError as exc:
        return None, f"ioctl(KVM_CHECK_EXTENSION {request:#x}, {cap}): {exc.strerror}"
    return value, f"ioctl(KVM_CHECK_EXTENSION {request:#x}, {cap}) = {value}"


def _max_vcpus(ctx: ProbeContext, ops: KvmOps, fd: int) -> CheckResult:
    maximum, ev_max = _extension(ctx, ops, fd, CAP_MAX_VCPUS)
    recommended, ev_nr = _extension(ctx, ops, fd, CAP_NR_VCPUS)
    evidence = f"{ev_max}; {ev_nr}"
    # linux/kvm api.rst: without KVM_CAP_MAX_VCPUS the limit is NR_VCPUS, and without that, 4.
    limit = maximum or recommended or 4
    if maximum is None and recommended is None:
        return CheckResult(
            "kvm.max-vcpus", Status.WARN, "KVM does not report a vCPU limit", evidence
        )
    return CheckResult(
        "kvm.max-vcpus",
        Status.PASS,
        f"KVM allows up to {limit} vCPUs per VM (recommended {recommended or limit})",
        evidence,
    )


def _vm_types(ctx: ProbeContext, ops: KvmOps, fd: int) -> CheckResult:
    mask, evidence = _extension(ctx, ops, fd, CAP_VM_TYPES)
    if not mask:
        return CheckResult(
            "kvm.vm-types",
            Status.SKIP,
            "KVM does not report VM types (KVM_CAP_VM_TYPES needs Linux 6.10+)",
            evidence,
        )
    names = [name for name in X86_VM_TYPES.values() if name in kvm_vm_types(mask)]
    unknown = mask & ~sum(1 << bit for bit in X86_VM_TYPES)
    if unknown:
        names.append(f"unknown bits {unknown:#x}")
    return CheckResult("kvm.vm-types", Status.PASS, "KVM VM types: " + ", ".join(names), evidence)


def _ipa_size(ctx: ProbeContext, ops: KvmOps, fd: int) -> CheckResult:
    bits, evidence = _extension(ctx, ops, fd, CAP_ARM_VM_IPA_SIZE)
    if bits is None:
        return CheckResult(
            "kvm.ipa-size", Status.WARN, "KVM_CAP_ARM_VM_IPA_SIZE query failed", evidence
        )
    if bits == 0:
        return CheckResult(
            "kvm.ipa-size",
            Status.PASS,
            "KVM uses the fixed 40-bit guest physical address space",
            evidence,
        )
    return CheckResult(
        "kvm.ipa-size", Status.PASS, f"guest physical address space up to {bits} bits", evidence
    )


def kvm_vm_types(mask: int) -> frozenset[str]:
    """Names of the x86 VM types set in a ``KVM_CAP_VM_TYPES`` bit mask."""
    return frozenset(name for bit, name in X86_VM_TYPES.items() if mask & (1 << bit))


_ARCH_CHECKS: Final[Mapping[str, Callable[[ProbeContext, KvmOps, int], CheckResult]]] = {
    "kvm.vm-types": _vm_types,
    "kvm.ipa-size": _ipa_size,
}
"""The checks an arch may list in ``ArchSpec.kvm_checks``, by id."""

PROBES: Final = (probe_kvm,)
CHECK_IDS: Final = ("kvm.device", "kvm.api-version", "kvm.create-vm", "kvm.max-vcpus",
                    *_ARCH_CHECKS)
