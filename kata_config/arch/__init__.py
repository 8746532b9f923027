"""Architecture names, aliases and the registry of per-arch tables (``ARCHES``).

Each arch keeps every fact kata-config knows about it in ``arch/<arch>.py`` as one frozen
``SPEC``; the shapes live in ``arch/base.py`` (``arch/qemu.py`` for the QEMU launch data).
Rules and probes ask the spec, never compare arch names, so a new arch is one more file here
and its line in ``_built_in``, the registry, which imports an arch's module when its spec is
first read (plus its host fixtures). ``registered`` adds specs for the length of a ``with``
block, in this thread or task only, without touching the built-in table: for tests and for
callers who describe an arch kata-config does not ship.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from types import MappingProxyType
from typing import Final

from kata_config.arch.base import ArchSpec, Family, ModuleSpec, Need, ParamSpec, Vendor
from kata_config.errors import KataConfigError

__all__ = [
    "ALIASES",
    "ARCHES",
    "ArchSpec",
    "Family",
    "ModuleSpec",
    "Need",
    "ParamSpec",
    "UnknownArchError",
    "Vendor",
    "arch_spec",
    "canonical_arch",
    "host_arch",
    "normalize",
    "registered",
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


_BUILT_IN: Final = ("x86_64", "aarch64", "ppc64le", "s390x", "riscv64")
"""The arches kata-config ships, in registry order."""


@cache
def _built_in(name: str) -> ArchSpec:
    """The arch registry: a shipped arch's spec, its module imported when first asked for
    (validating one file reads one arch's table, not five)."""
    # plain imports, one per arch: mypy and the import graph see them (no names in strings)
    match name:
        case "x86_64":
            from kata_config.arch import x86_64  # noqa: PLC0415 (the arch registry)

            return x86_64.SPEC
        case "aarch64":
            from kata_config.arch import aarch64  # noqa: PLC0415 (the arch registry)

            return aarch64.SPEC
        case "ppc64le":
            from kata_config.arch import ppc64le  # noqa: PLC0415 (the arch registry)

            return ppc64le.SPEC
        case "s390x":
            from kata_config.arch import s390x  # noqa: PLC0415 (the arch registry)

            return s390x.SPEC
        case "riscv64":
            from kata_config.arch import riscv64  # noqa: PLC0415 (the arch registry)

            return riscv64.SPEC
    raise KeyError(name)

_ADDED: ContextVar[Mapping[str, ArchSpec]] = ContextVar(
    "kata_config_added_arches", default=MappingProxyType({}))


class _Registry(Mapping[str, ArchSpec]):
    """The built-in specs, in order, then any ``registered`` ones; read-only."""

    def __getitem__(self, name: str) -> ArchSpec:
        added = _ADDED.get()
        return added[name] if name in added else _built_in(name)

    def __contains__(self, name: object) -> bool:  # without loading the arch's module
        return name in _ADDED.get() or name in _BUILT_IN

    def __iter__(self) -> Iterator[str]:
        yield from _BUILT_IN
        yield from (name for name in _ADDED.get() if name not in _BUILT_IN)

    def __len__(self) -> int:
        return sum(1 for _ in self)


ARCHES: Final[Mapping[str, ArchSpec]] = _Registry()
"""Canonical name -> spec of every arch kata-config knows (here and now)."""


@contextmanager
def registered(*specs: ArchSpec) -> Iterator[None]:
    """Make ``specs`` known arches inside the ``with`` block (this thread or task only).

    A spec named like a built-in one replaces it inside the block; the built-in table itself
    is never changed.
    """
    token = _ADDED.set(MappingProxyType({**_ADDED.get(), **{s.name: s for s in specs}}))
    try:
        yield
    finally:
        _ADDED.reset(token)


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


def host_arch() -> str:
    """This machine's canonical arch (raises UnknownArchError for one kata-config lacks)."""
    return normalize(os.uname().machine)


def canonical_arch(name: str | None = None) -> str:
    """The canonical spelling of an arch (``amd64`` -> ``x86_64``), or this machine's arch.

    Raises:
        UnknownArchError: an arch kata-config has no table for.
    """
    return normalize(name) if name else host_arch()


def arch_spec(name: str) -> ArchSpec:
    """The per-arch facts kata-config keeps (machine types, QEMU launch data, host checks).

    Accepts the aliases ``amd64``, ``arm64``, ... as well as the canonical ``uname -m`` names.

    Raises:
        UnknownArchError: (a ``ValueError``) for an arch kata-config has no table for.
    """
    return ARCHES[normalize(name)]
