"""The CPU probe: the CPU by name and the arch's plain cpuinfo flag checks.

The ``cpu.virtualization`` verdict lives in ``probes/virt.py`` because it also weighs KVM
evidence; the parser is ``probes/cpuinfo.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from kata_config.arch import ARCHES, ArchSpec, Family
from kata_config.probes.base import CheckResult, Probe, ProbeContext, Status
from kata_config.probes.cpuinfo import CPUINFO, CpuInfo, why_unread


def arm_cpu_name(spec: ArchSpec, implementer: str, part: str) -> str:
    """Name an aarch64 core from its cpuinfo ids, e.g. ("0x41", "0xd0c") -> "ARM Neoverse N1"."""
    try:
        imp, prt = int(implementer, 16), int(part, 16)
    except ValueError:
        return f"unknown CPU (implementer {implementer or '?'}, part {part or '?'})"
    company = spec.implementers.get(imp, f"implementer {implementer}")
    core = spec.parts.get((imp, prt), f"part {part}")
    return f"{company} {core}"


def describe(spec: ArchSpec, info: CpuInfo) -> str:
    """One-phrase CPU identity for the report, as the arch's CPU family prints it."""
    if spec.family is Family.ARM:
        return arm_cpu_name(spec, info.get("CPU implementer"), info.get("CPU part"))
    if spec.family is Family.POWER:
        where = info.platform.get("platform", "platform unknown")
        return f"{info.get('cpu') or 'unknown POWER'} ({where})"
    if spec.family is Family.Z:
        machine = re.search(r"machine\s*=\s*(\w+)", " ".join(info.fields.values()))
        return f"IBM Z machine type {machine.group(1) if machine else 'unknown'}"
    return info.get("model name") or info.get("vendor_id") or "unknown CPU"


def probe_cpu(ctx: ProbeContext) -> Iterator[CheckResult]:
    """Name the CPU (``cpu.model``), its x86 vendor (``cpu.vendor``) and the plain flag checks."""
    spec = ctx.spec
    info = ctx.facts.info
    if info is None:
        yield CheckResult(
            "cpu.model", Status.FAIL, f"cannot read {CPUINFO} or it is empty",
            evidence=why_unread(ctx.host), remedy="mount /proc (or capture proc/cpuinfo)",
        )
        return
    count = f"{info.processors} processor(s)" if info.processors else "processor count unknown"
    yield CheckResult("cpu.model", Status.PASS, f"{describe(spec, info)}, {count}",
                      evidence=f"{CPUINFO}: first processor block")
    if spec.vendors:
        vendor_id = info.get("vendor_id")
        vendor = spec.vendors.get(vendor_id)
        if vendor:
            yield CheckResult("cpu.vendor", Status.PASS, f"{vendor.name} ({vendor_id})",
                              evidence=f"{CPUINFO}: vendor_id = {vendor_id}")
        else:
            known = ", ".join(spec.vendors)
            yield CheckResult(
                "cpu.vendor", Status.WARN,
                f"unknown CPU vendor {vendor_id or '(none)'}; expected one of {known}",
                evidence=f"{CPUINFO}: vendor_id = {vendor_id or '(absent)'}",
            )
    for group in spec.cpu_flags:
        name = "-or-".join(sorted(group))
        found = sorted(group & info.flags)
        if found:
            yield CheckResult(f"cpu.{name}", Status.PASS, f"CPU flag {found[0]} present",
                              evidence=f"{CPUINFO}: {spec.flags_key} has {found[0]}")
        else:
            yield CheckResult(
                f"cpu.{name}", Status.FAIL, f"CPU flag {' or '.join(sorted(group))} missing",
                evidence=f"{CPUINFO}: {spec.flags_key} lacks {name}",
                remedy="use a CPU (or, in a VM, a CPU model such as host-passthrough) "
                f"that provides {name}",
            )


CHECK_IDS: Final = ("cpu.model", "cpu.vendor", *dict.fromkeys(
    "cpu." + "-or-".join(sorted(group)) for spec in ARCHES.values() for group in spec.cpu_flags
))
PROBES: Final[tuple[Probe, ...]] = (probe_cpu,)
