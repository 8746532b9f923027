"""Catalogue of every configuration key upstream Kata knows, with lookups by table and name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from kata_config.keys import agent as agent
from kata_config.keys import hypervisor as hypervisor
from kata_config.keys import runtime as runtime
from kata_config.keys import tables as tables
from kata_config.keys.history import catalogue_spans
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
from kata_config.keys.widths import GO_WIDTHS
from kata_config.record import replace


def _with_widths(spec: KeySpec) -> KeySpec:
    width = GO_WIDTHS.get((spec.table, spec.name))
    return replace(spec, widths={**spec.widths, "go": width}) if width else spec


KEYS: Final[tuple[KeySpec, ...]] = tuple(
    replace(_with_widths(spec), history=catalogue_spans(spec.table.value, spec.name))
    for spec in (*hypervisor.KEYS, *agent.KEYS, *runtime.KEYS, *tables.KEYS)
)
"""Every key, each with the releases that read it (``KeySpec.history``)."""

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
