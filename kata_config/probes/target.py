"""Which host ``check`` looks at: the root directory and its architecture.

On the live host (root ``/``) the arch is this machine's. Under any other root nothing live
is asked (unless ``--live`` says the root is this machine's own host, mounted into a pod at
``/host``): the arch comes from ``--arch``, else from the snapshot's
``kata-config-snapshot.json`` (``{"arch": ..., "kernel_release": ..., "created": ...}``),
else from the captured cpuinfo when it names one arch unambiguously.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path
from typing import Final

from kata_config.arch import ARCHES, Family, UnknownArchError, host_arch, normalize
from kata_config.probes.cpuinfo import CPUINFO, CpuInfo, parse_cpuinfo
from kata_config.probes.host import HostRoot

SNAPSHOT_META: Final = "kata-config-snapshot.json"


class TargetError(ValueError):
    """The host cannot be checked as asked; the CLI reports a usage error (exit 2)."""


_LAYOUTS: Final[tuple[tuple[Family, Callable[[CpuInfo], bool]], ...]] = (
    (Family.Z, lambda info: info.get("vendor_id") == "IBM/S390"),
    (Family.ARM, lambda info: bool(info.get("CPU implementer"))),
    (Family.POWER, lambda info: info.get("cpu").upper().startswith("POWER")),
    (Family.X86, lambda info: bool(info.get("vendor_id")) and "flags" in info.fields),
)
"""How each CPU family's cpuinfo looks, most specific first (s390x has a vendor_id too)."""


def infer_arch(info: CpuInfo) -> str | None:
    """The arch a cpuinfo belongs to when its layout says so unambiguously, else None."""
    family = next((family for family, looks in _LAYOUTS if looks(info)), None)
    found = [s.name for s in ARCHES.values() if s.family is family and s.host_checks]
    return found[0] if len(found) == 1 else None


def snapshot_arch(host: HostRoot) -> str | None:
    """The ``arch`` recorded by ``kata-config snapshot``, or None."""
    text = host.read_text(SNAPSHOT_META)
    if not text:
        return None  # the live host (or a root without the manifest)
    import json  # noqa: PLC0415 (~1 ms with its decoder: only a snapshot has the manifest)

    try:
        value = json.loads(text).get("arch")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def require_live_root(host: HostRoot) -> None:
    """Refuse live probes under a root that is not this kernel's host.

    ``--live`` under ``--root`` is for a privileged pod that mounts its node at ``/host``: the
    KVM ioctls then go to ``/host/dev/kvm``. A snapshot stores device nodes as empty files, so
    only a real character device there proves the root is a live host, not a capture.

    Raises:
        TargetError: ``dev/kvm`` under the root is missing or not a character device.
    """
    if host.live:
        return
    st = host.stat("dev/kvm")
    if st is None or not stat.S_ISCHR(st.st_mode):
        found = "missing" if st is None else "not a character device (a snapshot?)"
        raise TargetError(f"--live needs the live host mounted at {host.root}, but "
                          f"{host.root}/dev/kvm is {found}; drop --live to check a snapshot")


def resolve_target(root: str, arch: str | None, live: bool = False) -> tuple[HostRoot, str]:
    """The HostRoot to read and the canonical arch to check it as.

    ``live`` says the root is this machine's own host (``--root /host --live``), so the arch
    is this machine's as on ``/``.

    Raises:
        TargetError: unknown arch, missing root, an arch that cannot be found, an arch
            without host checks, ``--arch`` contradicting the live machine, or ``live``
            under a root without a real ``dev/kvm``.
    """
    if not Path(root).is_dir():
        raise TargetError(f"host root {root} is not a directory")
    host = HostRoot(root, devices_live=live)
    if live:
        require_live_root(host)
    try:
        wanted = normalize(arch) if arch else None
        if host.devices_live:
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
