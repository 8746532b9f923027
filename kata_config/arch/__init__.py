"""Architecture names, aliases and the per-arch tables (``ARCHES``) used by rules and probes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

ALIASES: Final[Mapping[str, str]] = {
    "amd64": "x86_64",
    "x86-64": "x86_64",
    "arm64": "aarch64",
    "ppc64el": "ppc64le",
    "powerpc64le": "ppc64le",
    "riscv64gc": "riscv64",
}


class UnknownArchError(ValueError):
    """Raised for an architecture kata-config has no table for; callers report a usage error."""


@dataclass(frozen=True, slots=True)
class ArchSpec:
    """Facts about one architecture that rules and probes read.

    Attributes:
        name: canonical ``uname -m`` spelling.
        machine_types: QEMU machine types the Go runtime's arch code accepts.
        go_max_vcpus: the Go runtime's hard cap on ``default_maxvcpus`` for this arch.
        cpu_flags: any-of groups of cpuinfo flags the host must show (e.g. ``{"vmx", "svm"}``).
        kernel_modules: module name -> expected parameter values.
        host_checks: False when kata-config has no host probes for the arch (validate only).
    """

    name: str
    machine_types: tuple[str, ...]
    go_max_vcpus: int
    cpu_flags: tuple[frozenset[str], ...] = ()
    kernel_modules: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    host_checks: bool = True


ARCHES: Final[Mapping[str, ArchSpec]] = {
    "x86_64": ArchSpec("x86_64", ("q35", "microvm"), 240),
    "aarch64": ArchSpec("aarch64", ("virt",), 123),
    "ppc64le": ArchSpec("ppc64le", ("pseries",), 128),
    "s390x": ArchSpec("s390x", ("s390-ccw-virtio",), 248),
    "riscv64": ArchSpec("riscv64", ("virt",), 512, host_checks=False),
}


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
