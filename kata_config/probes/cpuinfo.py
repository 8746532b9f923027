"""``/proc/cpuinfo``: a pure parser for every arch, and its reader through the host root.

The parser keeps the first processor block (where every arch prints the facts the checks
need) plus the trailing block ppc64le uses for ``platform``/``model``/``machine``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from kata_config.probes.host import HostRoot, Unreadable
from kata_config.record import field, record

CPUINFO: Final = "proc/cpuinfo"
_POWER = re.compile(r"POWER(\d+)", re.IGNORECASE)
_S390_PROC = re.compile(r"^processor \d+$")


@record
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


def read_cpuinfo(host: HostRoot) -> CpuInfo | None:
    """The host's parsed cpuinfo, or None when it cannot be read or holds nothing."""
    text = host.read_text(CPUINFO)
    if text is None:
        return None
    info = parse_cpuinfo(text)
    return info if info.fields else None


def why_unread(host: HostRoot) -> str:
    """Evidence for a cpuinfo that gave nothing: why it could not be read (a FIFO, a link
    leading out of the root, missing, ...) or that it holds no processor block."""
    try:
        host.read(CPUINFO)
    except Unreadable as exc:
        return f"{CPUINFO}: it {exc}"
    return f"{CPUINFO}: no processor block in it"
