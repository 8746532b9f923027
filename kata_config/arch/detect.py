"""``--arch auto``: the arch one configuration is for, read from the file itself.

A tree of configurations for several arches (a packaging tree, the upstream renders, a fleet's
files gathered in one place) is checked in one call when each file says which arch it is
for. The evidence, strongest first as a user would lay it out:

1. a folder of its path named after an arch (``.../aarch64/runtime-go/x.toml``, ``arm64/``);
2. a hypervisor ``path`` naming a QEMU built for one arch (``qemu-system-s390x``, also the
   suffixed builds such as ``qemu-system-x86_64-snp-experimental``);
3. a ``machine_type`` only one arch's QEMU accepts (``q35``, ``pseries``; ``virt`` is both
   aarch64's and riscv64's, so it decides nothing).

When the file's hypervisor tables disagree, or nothing says, the host's arch counts, as it
does without ``--arch``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any, Final

from kata_config.arch import ALIASES, ARCHES, host_arch

AUTO: Final = "auto"
"""The ``arch`` value that asks for the arch of each file (``detect_arch``)."""


def _from_path(path: str | os.PathLike[str]) -> str | None:
    for part in reversed(PurePath(path).parent.parts):
        name = ALIASES.get(part.lower(), part.lower())
        if name in ARCHES:
            return name
    return None


def _hypervisor_tables(data: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    tables = data.get("hypervisor")
    if isinstance(tables, Mapping):
        yield from (t for t in tables.values() if isinstance(t, Mapping))


def _from_binary(path: object) -> str | None:
    if not isinstance(path, str):
        return None
    base = os.path.basename(path)
    for name in ARCHES:
        qemu = ARCHES[name].qemu
        if qemu is None:
            continue
        built = os.path.basename(qemu.binary)
        if base == built or base.startswith(built + "-"):
            return name
    return None


def _from_machine(machine: object) -> str | None:
    if not isinstance(machine, str):
        return None
    found = [name for name in ARCHES if machine in ARCHES[name].machine_types]
    return found[0] if len(found) == 1 else None


def _one(found: Iterable[str | None]) -> str | None:
    named = {arch for arch in found if arch is not None}
    return named.pop() if len(named) == 1 else None


def arch_of(data: Mapping[str, Any], path: str | os.PathLike[str]) -> str | None:
    """The arch ``path`` (loaded as ``data``) says it is for, or None when nothing says."""
    by_path = _from_path(path)
    if by_path is not None:
        return by_path
    tables = list(_hypervisor_tables(data))
    return (_one(_from_binary(t.get("path")) for t in tables)
            or _one(_from_machine(t.get("machine_type")) for t in tables))


def detect_arch(data: Mapping[str, Any], path: str | os.PathLike[str]) -> str:
    """The arch to check ``path`` for under ``--arch auto``: its own (``arch_of``), else this
    host's.

    Raises:
        UnknownArchError: nothing in the file says and kata-config has no table for the host.
    """
    return arch_of(data, path) or host_arch()
