"""CPU facts from ``/proc/cpuinfo``: a pure parser for all four arches, and the CPU probe.

The parser keeps the first processor block (where every arch prints the facts the checks
need) plus the trailing block ppc64le uses for ``platform``/``model``/``machine``. The probe
reports the CPU by name and the arch's plain flag checks; the ``cpu.virtualization`` verdict
lives in ``probes/virt.py`` because it also weighs KVM evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

from kata_config.arch import ARCHES, ArchSpec
from kata_config.probes.base import CheckResult, Probe, ProbeContext, Status

CPUINFO: Final = "proc/cpuinfo"
_POWER = re.compile(r"POWER(\d+)", re.IGNORECASE)
_S390_PROC = re.compile(r"^processor \d+$")


@dataclass(frozen=True, slots=True)
class CpuInfo:
    """The parts of ``/proc/cpuinfo`` the checks read.

    ``fields`` holds the first block with lower-cased keys; ``platform`` the trailing
    non-processor block (ppc64le ``platform``, ``model``, ``machine``); ``flags`` the x86
    ``flags``, or the aarch64/s390x ``Features`` line, split on white space.
    """

    fields: Mapping[str, str] = field(default_factory=dict)
    platform: Mapping[str, str] = field(default_factory=dict)
    flags: frozenset[str] = frozenset()
    processors: int = 0

    def get(self, key: str) -> str:
        """Value of a first-block key (case-insensitive), or ``""``."""
        return self.fields.get(key.lower(), "")

    @property
    def s390_version(self) -> str:
        """The ``version = XX`` of the first ``processor N:`` line on s390x, or ``""``."""
        for key, value in self.fields.items():
            if _S390_PROC.match(key):
                for part in value.split(","):
                    name, _, val = part.partition("=")
                    if name.strip() == "version":
                        return val.strip()
        return ""


def _pairs(block: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in block.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            out.setdefault(key.strip().lower(), value.strip())
    return out


def parse_cpuinfo(text: str) -> CpuInfo:
    """Parse ``/proc/cpuinfo`` text of any arch; never raises (junk gives an empty CpuInfo)."""
    blocks = [b for b in re.split(r"\n[ \t]*\n", text.strip()) if b.strip()]
    if not blocks:
        return CpuInfo()
    first = _pairs(blocks[0])
    last = _pairs(blocks[-1]) if len(blocks) > 1 else {}
    platform = {} if "processor" in last else last
    flags = first.get("flags") or first.get("features") or ""
    pairs = (line.partition(":") for line in text.splitlines())
    count = sum(1 for key, _, val in pairs if key.strip() == "processor" and val.strip().isdigit())
    if not count:
        # s390x prints "# processors : N" once instead of one block per CPU.
        raw = first.get("# processors", "")
        count = int(raw) if raw.isdigit() else 0
    return CpuInfo(first, platform, frozenset(flags.split()), count)


def power_generation(cpu: str) -> int | None:
    """The POWER generation named in a ppc64le ``cpu`` value ("POWER10 (raw)" -> 10), or None.

    All digits are taken, so POWER10 is 10, not 1, and future generations parse too.
    """
    found = _POWER.search(cpu)
    return int(found.group(1)) if found else None


def arm_cpu_name(spec: ArchSpec, implementer: str, part: str) -> str:
    """Name an aarch64 core from its cpuinfo ids, e.g. ("0x41", "0xd0c") -> "ARM Neoverse N1"."""
    try:
        imp, prt = int(implementer, 16), int(part, 16)
    except ValueError:
        return f"unknown CPU (implementer {implementer or '?'}, part {part or '?'})"
    company = spec.implementers.get(imp, f"implementer {implementer}")
    core = spec.parts.get((imp, prt), f"part {part}")
    return f"{company} {core}"


def read_cpuinfo(ctx: ProbeContext) -> CpuInfo | None:
    """The host's parsed cpuinfo, or None when it cannot be read or holds nothing."""
    text = ctx.host.read_text(CPUINFO)
    if text is None:
        return None
    info = parse_cpuinfo(text)
    return info if info.fields else None


def describe(spec: ArchSpec, info: CpuInfo) -> str:
    """One-phrase CPU identity for the report, per arch."""
    if spec.name == "aarch64":
        return arm_cpu_name(spec, info.get("CPU implementer"), info.get("CPU part"))
    if spec.name == "ppc64le":
        where = info.platform.get("platform", "platform unknown")
        return f"{info.get('cpu') or 'unknown POWER'} ({where})"
    if spec.name == "s390x":
        machine = re.search(r"machine\s*=\s*(\w+)", " ".join(info.fields.values()))
        return f"IBM Z machine type {machine.group(1) if machine else 'unknown'}"
    return info.get("model name") or info.get("vendor_id") or "unknown CPU"


def probe_cpu(ctx: ProbeContext) -> Iterator[CheckResult]:
    """Name the CPU (``cpu.model``), its x86 vendor (``cpu.vendor``) and the plain flag checks."""
    spec = ARCHES[ctx.arch]
    info = read_cpuinfo(ctx)
    if info is None:
        yield CheckResult(
            "cpu.model", Status.FAIL, f"cannot read {CPUINFO} or it is empty",
            evidence=f"{CPUINFO}: missing", remedy="mount /proc (or capture proc/cpuinfo)",
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
