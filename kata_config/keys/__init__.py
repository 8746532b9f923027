"""Catalogue of every configuration key upstream Kata knows, with lookups by table and name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from kata_config.keys.catalogue import KEYS as _KEYS
from kata_config.keys.spec import (
    HYPERVISOR_NAMES,
    REQUIRED,
    RUNTIMES,
    KeySpec,
    Runtime,
    Span,
    Table,
    ValueType,
)

KEYS: Final[tuple[KeySpec, ...]] = _KEYS
"""Every key, each with the releases that read it (``KeySpec.history``; see ``hv_base.key``).

Declared in ``agent``, ``runtime``, ``tables`` and the ``hv_*`` modules; loaded assembled from
the generated ``catalogue`` module (``python -m kata_config.keys.generate``)."""

_INDEX: Final[Mapping[tuple[Table, str], KeySpec]] = {
    (spec.table, alias): spec for spec in KEYS for alias in (spec.name, *spec.aliases)
}


def lookup(table: Table, name: str) -> KeySpec | None:
    """The spec of ``name`` in ``table`` (aliases included), or None for an unknown key."""
    return _INDEX.get((table, name))


def keys_of(table: Table) -> tuple[KeySpec, ...]:
    """Every key of one table, in catalogue order."""
    return tuple(spec for spec in KEYS if spec.table is table)


__all__ = [
    "HYPERVISOR_NAMES",
    "KEYS",
    "REQUIRED",
    "RUNTIMES",
    "KeySpec",
    "Runtime",
    "Span",
    "Table",
    "ValueType",
    "keys_of",
    "lookup",
]
