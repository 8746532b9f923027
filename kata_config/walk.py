"""Dotted keys and the catalogue: walk plain data key by key naming each key's table, flatten
it to ``{dotted key: value}``, and look a dotted key (``hypervisor.qemu.path``) up."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from kata_config.keys import lookup
from kata_config.keys.spec import Runtime, Table

if TYPE_CHECKING:
    from kata_config.keys.spec import KeySpec

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


# The call form, with the types themselves: the class form's annotations are strings here
# (``from __future__ import annotations``), which typing compiles one by one, and the first
# such compile in a process costs about 0.8 ms.
KeyRef = NamedTuple("KeyRef", [("table", Table), ("path", str), ("name", str), ("value", Any),  # noqa: UP014
                               ("hypervisor", str | None)])
KeyRef.__doc__ = "One key as written: its catalogue table, dotted path, bare name and value."


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
