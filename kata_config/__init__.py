"""kata-config: validate Kata Containers configuration and check host readiness."""

from __future__ import annotations

from kata_config.arch import ArchSpec
from kata_config.arch import get as _get_arch
from kata_config.arch.qemu import MaxMem, QemuLaunch, Rootfs, RootPorts

__version__ = "0.1.0"

__all__ = [
    "ArchSpec",
    "MaxMem",
    "QemuLaunch",
    "RootPorts",
    "Rootfs",
    "__version__",
    "arch_spec",
]


def arch_spec(name: str) -> ArchSpec:
    """The per-arch facts kata-config keeps (machine types, QEMU launch data, host checks).

    Accepts the aliases ``amd64``, ``arm64``, ... as well as the canonical ``uname -m`` names.

    Raises:
        ValueError: for an architecture kata-config has no table for.
    """
    return _get_arch(name)
