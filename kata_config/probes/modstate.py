"""Where a kernel module stands on a host: loaded, built in, loadable or absent.

Sources, all below the host root so a snapshot works: ``/sys/module/<m>`` (present for a
loaded module and for a built-in one that has parameters; only a loaded module has
``initstate``), ``lib/modules/<release>/modules.builtin`` and ``modules.dep``; the release
comes from ``proc/sys/kernel/osrelease``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from kata_config.probes.host import HostRoot

_SUFFIXES: Final = (".ko", ".ko.xz", ".ko.zst", ".ko.gz")


class ModState(StrEnum):
    """Where a module stands on the host."""

    LOADED = "loaded"
    BUILTIN = "built in"
    LOADABLE = "loadable, not loaded"
    ABSENT = "not available"
    UNKNOWN = "not loaded; cannot tell whether it can be loaded"


def kernel_release(host: HostRoot) -> str | None:
    """The running kernel's release, read from procfs (so a snapshot has it too)."""
    return host.read_value("proc/sys/kernel/osrelease") or None


def _module_names(text: str | None, dep: bool) -> frozenset[str] | None:
    if text is None:
        return None
    names = set()
    for line in text.splitlines():
        path = line.partition(":")[0].strip() if dep else line.strip()
        base = path.rsplit("/", 1)[-1]
        for suffix in _SUFFIXES:
            if base.endswith(suffix):
                # The file may be kvm-intel.ko while the module is kvm_intel.
                names.add(base[: -len(suffix)].replace("-", "_"))
                break
    return frozenset(names)


def module_state(host: HostRoot, name: str) -> tuple[ModState, str]:
    """Where module ``name`` stands, with the evidence read."""
    if host.is_dir(f"sys/module/{name}"):
        if host.exists(f"sys/module/{name}/initstate"):
            return ModState.LOADED, f"/sys/module/{name}/initstate exists"
        return ModState.BUILTIN, f"/sys/module/{name} exists without initstate"
    release = kernel_release(host)
    if release is None:
        return ModState.UNKNOWN, f"/sys/module/{name} absent; kernel release unreadable"
    base = f"lib/modules/{release}"
    builtin = _module_names(host.read_text(f"{base}/modules.builtin"), dep=False)
    if builtin is not None and name in builtin:
        return ModState.BUILTIN, f"/{base}/modules.builtin lists {name}"
    loadable = _module_names(host.read_text(f"{base}/modules.dep"), dep=True)
    if loadable is None:
        return ModState.UNKNOWN, f"/sys/module/{name} absent; no /{base}/modules.dep"
    if name in loadable:
        return ModState.LOADABLE, f"/sys/module/{name} absent; /{base}/modules.dep lists it"
    return ModState.ABSENT, f"not in /sys/module, modules.builtin or modules.dep of {release}"


def is_present(host: HostRoot, name: str) -> bool:
    """True when the module is loaded or built in."""
    return module_state(host, name)[0] in (ModState.LOADED, ModState.BUILTIN)
