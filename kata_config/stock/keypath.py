"""Dotted key paths (``hypervisor.qemu.path``) <-> catalogue tables, flattening and nesting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kata_config.keys import lookup
from kata_config.keys.spec import Runtime, Table
from kata_config.walk import table_at

if TYPE_CHECKING:
    from kata_config.keys.spec import KeySpec

def split_key(dotted: str) -> tuple[Table | None, str]:
    """The catalogue table a dotted key lives in and its own name (table None when unknown)."""
    parent, _, name = dotted.rpartition(".")
    # indexes of arrays of tables ("[0]") do not change which table a key is in
    parts = [p.split("[", 1)[0] for p in parent.split(".")] if parent else []
    return table_at(parts), name


def spec_for(dotted: str) -> KeySpec | None:
    """The catalogue entry of a dotted key, or None when the key is not catalogued."""
    table, name = split_key(dotted)
    return lookup(table, name) if table is not None else None


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested TOML data -> ``{dotted key: leaf value}``; arrays of tables get ``[i]`` indexes."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{dotted}."))
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            for i, item in enumerate(value):
                out.update(flatten(item, f"{dotted}[{i}]."))
        else:
            out[dotted] = value
    return out


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``{dotted key: value}`` -> nested tables (values that are lists of dicts stay arrays)."""
    out: dict[str, Any] = {}
    for dotted, value in flat.items():
        node = out
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def takes_effect(dotted: str, runtime: Runtime, release: str = "") -> bool:
    """False for a catalogued key that ``runtime`` (or, for a hypervisor key, that
    hypervisor's builder) does not read, or that ``release`` does not read yet or any more;
    unknown keys count as taking effect."""
    spec = spec_for(dotted)
    if spec is None:
        return True
    if release and not spec.read_in(runtime, release):
        return False
    parts = dotted.split(".")
    hypervisor = parts[1] if parts[0] == "hypervisor" and len(parts) > 2 else None
    return spec.read_by(runtime, hypervisor)
