"""Walk a configuration's plain data key by key, naming the catalogue table of each key."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final, NamedTuple

from kata_config.keys.spec import Table

SUB_TABLES: Final[Mapping[tuple[Table, str], Table]] = {
    (Table.HYPERVISOR, "factory"): Table.HV_FACTORY,
    (Table.HYPERVISOR, "rootless_user"): Table.ROOTLESS_USER,
    (Table.HYPERVISOR, "guest_extension_images"): Table.EXTENSION_IMAGE,
    (Table.AGENT, "mem_agent"): Table.MEM_AGENT,
    (Table.RUNTIME, "shared_mounts"): Table.SHARED_MOUNT,
}
"""Keys that open a nested table (or array of tables) and the catalogue table of its keys."""

TOP_LEVEL: Final[Mapping[str, Table | None]] = {
    "hypervisor": None,  # named sub-tables: [hypervisor.<name>]
    "agent": None,
    "runtime": Table.RUNTIME,
    "factory": Table.FACTORY,
}
NAMED: Final[Mapping[str, Table]] = {"hypervisor": Table.HYPERVISOR, "agent": Table.AGENT}


class KeyRef(NamedTuple):
    """One key as written: its catalogue table, dotted path, bare name and value."""

    table: Table
    path: str
    name: str
    value: Any
    hypervisor: str | None


def iter_keys(data: Mapping[str, Any]) -> Iterator[KeyRef]:
    """Every key below the known top-level tables, sub-tables included, in file order."""
    for top, value in data.items():
        if not isinstance(value, Mapping):
            continue
        if top in NAMED:
            for name, table in value.items():
                if isinstance(table, Mapping):
                    hv = name if top == "hypervisor" else None
                    yield from _table_keys(NAMED[top], f"{top}.{name}", table, hv)
        elif (kind := TOP_LEVEL.get(top)) is not None:
            yield from _table_keys(kind, top, value, None)


def _table_keys(
    table: Table, prefix: str, values: Mapping[str, Any], hv: str | None
) -> Iterator[KeyRef]:
    for name, value in values.items():
        path = f"{prefix}.{name}"
        yield KeyRef(table, path, name, value, hv)
        child = SUB_TABLES.get((table, name))
        if child is None:
            continue
        if isinstance(value, Mapping):
            yield from _table_keys(child, path, value, hv)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    yield from _table_keys(child, f"{path}[{index}]", item, hv)


def table_at(path: Sequence[str | int]) -> Table | None:
    """The catalogue table an object at this data path is (``["hypervisor", "qemu",
    "factory"]`` is HV_FACTORY), or None for the top level and anything unknown."""
    parts = list(path)
    head = parts[0] if parts else None
    if head in NAMED and len(parts) >= 2:
        table, rest = NAMED[str(head)], parts[2:]
    elif isinstance(head, str) and (top := TOP_LEVEL.get(head)) is not None:
        table, rest = top, parts[1:]
    else:
        return None
    for part in rest:
        if isinstance(part, int):
            continue
        child = SUB_TABLES.get((table, part))
        if child is None:
            return None
        table = child
    return table
