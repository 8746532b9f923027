"""Device nodes Kata opens on the host: present, a character device, the right number, usable.

Plain ``/sys/class/misc/<name>/dev`` and ``/dev`` come first: they settle the usual case in
microseconds, and they are the only source on a snapshot, where a device node is an empty
regular file. When the kernel has the device but the node is not right, libudev is asked
through pyudev, because udev rules may have put the node elsewhere; importing pyudev costs about
35 ms, three times what the whole check should take, so it is only paid when it can help.
"""

from __future__ import annotations

import grp
import os
import stat
from collections.abc import Iterator
from typing import Final

from kata_config.probes.base import CheckResult, ProbeContext, Status
from kata_config.record import record


@record
class DeviceSpec:
    """One device node: where it lives, its misc-device number and what a missing one means."""

    id: str
    node: str
    misc: str
    major: int
    minor: int
    load: str
    missing: Status
    why: str


_KVM_LOAD: Final = "sudo modprobe kvm_intel (Intel) or kvm_amd (AMD)"

DEVICES: Final = (
    DeviceSpec(
        "device.kvm", "dev/kvm", "kvm", 10, 232, _KVM_LOAD, Status.FAIL, "every Kata VM runs on KVM"
    ),
    DeviceSpec(
        "device.vhost-net",
        "dev/vhost-net",
        "vhost-net",
        10,
        238,
        "sudo modprobe vhost_net",
        Status.WARN,  # FAIL once a config is known to use it (see _missing_status)
        "Kata's network endpoints use vhost-net unless disable_vhost_net = true",
    ),
    DeviceSpec(
        "device.vhost-vsock",
        "dev/vhost-vsock",
        "vhost-vsock",
        10,
        241,
        "sudo modprobe vhost_vsock",
        Status.WARN,
        "the agent talks over vsock; QEMU configs refuse to load without it",
    ),
    DeviceSpec(
        "device.tun",
        "dev/net/tun",
        "tun",
        10,
        200,
        "sudo modprobe tun",
        Status.FAIL,
        "tap network endpoints need /dev/net/tun",
    ),
)


@record
class NodeFacts:
    """What was learnt about one node, from udev or from sysfs and /dev."""

    node: str | None
    number: tuple[int, int] | None
    source: str


def parse_dev_number(text: str | None) -> tuple[int, int] | None:
    """``"10:232"`` (a sysfs ``dev`` file) as ``(10, 232)``; None when it is not that shape."""
    if text is None:
        return None
    major, sep, minor = text.strip().partition(":")
    if not sep or not major.isdigit() or not minor.isdigit():
        return None
    return int(major), int(minor)


def _from_udev(spec: DeviceSpec) -> NodeFacts | None:
    try:
        # pyudev: libudev through ctypes, ~20 ms; only a device missing where sysfs says
        import pyudev  # noqa: PLC0415
    except ImportError:
        return None
    try:
        device = pyudev.Devices.from_name(pyudev.Context(), "misc", spec.misc)
        number = device.device_number
    except (pyudev.DeviceNotFoundError, ImportError, OSError, ValueError):
        return None  # no libudev, or udev does not know the device: the plain answer stands
    node = device.device_node
    return NodeFacts(node, (os.major(number), os.minor(number)) if number else None, "libudev")


def _from_sysfs(ctx: ProbeContext, spec: DeviceSpec) -> NodeFacts:
    number = parse_dev_number(ctx.host.read_value(f"sys/class/misc/{spec.misc}/dev"))
    return NodeFacts(f"/{spec.node}", number, f"/sys/class/misc/{spec.misc}/dev")


def _check(ctx: ProbeContext, spec: DeviceSpec, facts: NodeFacts) -> CheckResult:
    node = (facts.node or f"/{spec.node}").lstrip("/")
    shown = f"/{node}"
    want = f"{spec.major}:{spec.minor}"
    st = ctx.host.stat(node)
    evidence = [
        f"{facts.source}: "
        + (f"{facts.number[0]}:{facts.number[1]}" if facts.number else "no such device")
    ]
    if st is None:
        status = _missing_status(ctx, spec)
        message = f"{shown} is missing ({spec.why})"
        return CheckResult(spec.id, status, message, "; ".join(evidence), spec.load)
    if not ctx.host.is_device(node):
        return CheckResult(
            spec.id,
            Status.FAIL,
            f"{shown} exists but is not a character device",
            f"stat({shown}): mode {stat.filemode(st.st_mode)}",
            f"remove {shown}, then: {spec.load}",
        )
    number = (os.major(st.st_rdev), os.minor(st.st_rdev)) if stat.S_ISCHR(st.st_mode) else None
    if number is not None:
        evidence.append(f"stat({shown}): character device {number[0]}:{number[1]}")
    seen = number or facts.number
    if seen is not None and seen != (spec.major, spec.minor):
        return CheckResult(
            spec.id,
            Status.FAIL,
            f"{shown} is device {seen[0]}:{seen[1]}, expected {want}",
            "; ".join(evidence),
            f"sudo mknod -m 0660 {shown} c {spec.major} "
            f"{spec.minor}, after removing the wrong node",
        )
    if not ctx.host.devices_live:
        return CheckResult(
            spec.id, Status.PASS, f"{shown} is present ({want})", "; ".join(evidence)
        )
    # under --root /host --live the node to try is the host's, below the root
    return _access(spec, str(ctx.host.path(node)), shown, st, evidence)


def _access(
    spec: DeviceSpec, real: str, shown: str, st: os.stat_result, evidence: list[str]
) -> CheckResult:
    if os.access(real, os.R_OK | os.W_OK):
        return CheckResult(
            spec.id, Status.PASS, f"{shown} is present and usable", "; ".join(evidence)
        )
    evidence.append(f"access({shown}, R_OK|W_OK) failed for uid {os.geteuid()}")
    try:
        group = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        group = str(st.st_gid)
    # Kata's shim runs as root; a plain user without access is a warning for rootless use.
    status = Status.FAIL if os.geteuid() == 0 else Status.WARN
    remedy = (
        f"sudo usermod -aG {group} $USER (then log in again)"
        if st.st_mode & stat.S_IRWXG
        else f"grant access to {shown} with a udev rule (it is not group-accessible)"
    )
    return CheckResult(
        spec.id, status, f"{shown} is not usable by uid {os.geteuid()}", "; ".join(evidence), remedy
    )


def probe_devices(ctx: ProbeContext) -> Iterator[CheckResult]:
    """Check /dev/kvm, /dev/vhost-net, /dev/vhost-vsock and /dev/net/tun."""
    for spec in DEVICES:
        plain = _from_sysfs(ctx, spec)
        result = _check(ctx, spec, plain)
        # udev reads the same sysfs: it can only help when the kernel has the device but the
        # node is not where we looked (a udev rule may have moved or renamed it). libudev
        # reads this machine's /run/udev, so not under a --root, even a live one.
        usable = result.status is Status.PASS
        if ctx.host.live and not usable and plain.number is not None:
            facts = _from_udev(spec)
            if facts is not None and facts.node is not None:
                result = _check(ctx, spec, facts)
        if result.status is not Status.PASS and _not_needed(ctx, spec):
            result = CheckResult(
                spec.id, Status.SKIP, f"not needed: {_not_needed(ctx, spec)}", result.evidence
            )
        yield result


def _missing_status(ctx: ProbeContext, spec: DeviceSpec) -> Status:
    """vhost-net is only assumed needed without a config; a config that uses it needs it."""
    if ctx.config is None or spec.id != "device.vhost-net":
        return spec.missing
    used = ctx.config.active_hypervisor not in (None, "remote") and not _not_needed(ctx, spec)
    return Status.FAIL if used else spec.missing


def _not_needed(ctx: ProbeContext, spec: DeviceSpec) -> str:
    """Why the loaded config does not need this device, or "" when it does (or is unknown)."""
    if ctx.config is None:
        return ""
    if spec.id == "device.vhost-net" and ctx.config.hv_value("disable_vhost_net") is True:
        return "the config sets disable_vhost_net = true"
    return ""


PROBES: Final = (probe_devices,)
CHECK_IDS: Final = tuple(spec.id for spec in DEVICES)
