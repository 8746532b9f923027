"""Architecture names, aliases and the per-arch tables (``ARCHES``) used by rules and probes.

Each supported arch keeps its table in ``arch/<arch>.py`` as one frozen ``SPEC``; the shapes
live in ``arch/base.py``. riscv64 is known for validation only (no host probes yet).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from kata_config.arch import aarch64, ppc64le, qemu, s390x, x86_64
from kata_config.arch.base import ArchSpec, ModuleSpec, Need, ParamSpec, Vendor
from kata_config.errors import KataConfigError

__all__ = [
    "ALIASES",
    "ARCHES",
    "ArchSpec",
    "ModuleSpec",
    "Need",
    "ParamSpec",
    "UnknownArchError",
    "Vendor",
    "canonical_arch",
    "get",
    "host_arch",
    "normalize",
]

ALIASES: Final[Mapping[str, str]] = {
    "amd64": "x86_64",
    "x86-64": "x86_64",
    "arm64": "aarch64",
    "ppc64el": "ppc64le",
    "powerpc64le": "ppc64le",
    "riscv64gc": "riscv64",
}


class UnknownArchError(KataConfigError, ValueError):
    """Raised for an architecture kata-config has no table for; callers report a usage error."""


ARCHES: Final[Mapping[str, ArchSpec]] = MappingProxyType({
    "x86_64": x86_64.SPEC,
    "aarch64": aarch64.SPEC,
    "ppc64le": ppc64le.SPEC,
    "s390x": s390x.SPEC,
    "riscv64": ArchSpec("riscv64", ("virt",), 512, host_checks=False, qemu=qemu.RISCV64),
})


def normalize(name: str) -> str:
    """Map an arch spelling (``amd64``, ``arm64``, ...) to its canonical name.

    Raises:
        UnknownArchError: when the name is not an architecture kata-config knows.
    """
    canonical = ALIASES.get(name.strip().lower(), name.strip().lower())
    if canonical not in ARCHES:
        known = ", ".join(sorted(ARCHES))
        raise UnknownArchError(f"unknown architecture {name!r}; expected one of: {known}")
    return canonical


def get(name: str) -> ArchSpec:
    """The spec of a canonical arch name (see ``normalize``)."""
    return ARCHES[normalize(name)]


def host_arch() -> str:
    """This machine's canonical arch (raises UnknownArchError for one kata-config lacks)."""
    return normalize(os.uname().machine)


def canonical_arch(name: str | None = None) -> str:
    """The canonical spelling of an arch (``amd64`` -> ``x86_64``), or this machine's arch.

    Raises:
        UnknownArchError: an arch kata-config has no table for.
    """
    return normalize(name) if name else host_arch()
