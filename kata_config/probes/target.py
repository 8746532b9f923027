"""Which host ``check`` looks at: the root directory and its architecture.

On the live host (root ``/``) the arch is this machine's. Under any other root nothing live
is asked: the arch comes from ``--arch``, else from the snapshot's
``kata-config-snapshot.json`` (``{"arch": ..., "kernel_release": ..., "created": ...}``),
else from the captured cpuinfo when it names one arch unambiguously.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final

from kata_config.arch import ARCHES, UnknownArchError, host_arch, normalize
from kata_config.probes.cpu import CPUINFO, CpuInfo, parse_cpuinfo
from kata_config.probes.host import HostRoot

SNAPSHOT_META: Final = "kata-config-snapshot.json"


class TargetError(ValueError):
    """The host cannot be checked as asked; the CLI reports a usage error (exit 2)."""


def infer_arch(info: CpuInfo) -> str | None:
    """The arch a cpuinfo belongs to when its layout says so unambiguously, else None."""
    if info.get("vendor_id") == "IBM/S390":
        return "s390x"
    if info.get("CPU implementer"):
        return "aarch64"
    if info.get("cpu").upper().startswith("POWER"):
        return "ppc64le"
    if info.get("vendor_id") and "flags" in info.fields:
        return "x86_64"
    return None


def snapshot_arch(host: HostRoot) -> str | None:
    """The ``arch`` recorded by ``kata-config snapshot``, or None."""
    text = host.read_text(SNAPSHOT_META)
    try:
        value = json.loads(text).get("arch") if text else None
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def resolve_target(root: str, arch: str | None) -> tuple[HostRoot, str]:
    """The HostRoot to read and the canonical arch to check it as.

    Raises:
        TargetError: unknown arch, missing root, an arch that cannot be found, an arch
            without host checks, or ``--arch`` contradicting the live machine.
    """
    if not Path(root).is_dir():
        raise TargetError(f"host root {root} is not a directory")
    host = HostRoot(root)
    try:
        wanted = normalize(arch) if arch else None
        if host.live:
            found = host_arch()
            if wanted and wanted != found:
                raise TargetError(f"--arch {wanted} does not match this host ({found}); "
                                  "use --root with a snapshot of a host of that arch")
        else:
            recorded = snapshot_arch(host)
            text = host.read_text(CPUINFO)
            inferred = infer_arch(parse_cpuinfo(text)) if text else None
            found = wanted or (normalize(recorded) if recorded else inferred) or ""
            if not found:
                raise TargetError(f"cannot tell the arch of {root}: pass --arch (no "
                                  f"{SNAPSHOT_META} and no recognisable proc/cpuinfo)")
    except UnknownArchError as exc:
        raise TargetError(str(exc)) from None
    if not ARCHES[found].host_checks:
        raise TargetError(f"kata-config has no host checks for {found} (validate only)")
    return host, found
