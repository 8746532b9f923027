"""How the schema stage words its messages: values, their types, tables, and what the user
probably meant (the closest key, or the table a misplaced key belongs in)."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Final

from kata_config.keys import KEYS, Table, ValueType, keys_of
from kata_config.suggest import Suggester
from kata_config.walk import TOP_LEVEL

EXPECTED: Final = {
    ValueType.STRING: "a string",
    ValueType.BOOL: "a boolean (true or false)",
    ValueType.INTEGER: "an integer",
    ValueType.FLOAT: "a number",
    ValueType.STRING_ARRAY: "an array of strings",
    ValueType.INTEGER_ARRAY: "an array of integers",
    ValueType.TABLE: "a table",
    ValueType.TABLE_ARRAY: "an array of tables",
}
"""How a message names each value type (``expected a boolean (true or false)``)."""


def _is_date(value: Any) -> bool:
    # a TOML date or time comes from tomllib, which has imported datetime: without it loaded,
    # no value is one (and validate's start-up does not pay ~1 ms to import it)
    dt = sys.modules.get("datetime")
    return dt is not None and isinstance(value, dt.date | dt.time)


def show(value: Any, limit: int = 60) -> str:
    """A value as TOML-ish text, cut short so hostile input cannot flood the output."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        import json  # noqa: PLC0415 (stdlib, ~1 ms of start-up: only a finding's message needs it)

        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, Mapping):
        text = "a table"
    elif _is_date(value):
        text = value.isoformat()  # as TOML spells it, not datetime.datetime(...)
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def found_type(value: Any) -> str:
    for kind, word in ((bool, "a boolean"), (int, "an integer"), (float, "a float"),
                       (str, "a string"), (list, "an array"), (Mapping, "a table")):
        if isinstance(value, kind):
            return word
    return f"a TOML {type(value).__name__}"


def dotted(path: Sequence[str | int]) -> str:
    """Data path -> dotted key as the source map spells it (``a.b[0].c``)."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def is_type(kind: ValueType, value: Any) -> bool:
    if isinstance(value, bool):
        return kind is ValueType.BOOL
    if kind is ValueType.STRING:
        return isinstance(value, str)
    if kind is ValueType.INTEGER:
        return isinstance(value, int)
    if kind is ValueType.FLOAT:
        return isinstance(value, int | float)
    return False


TABLE_NAMES: Final = {
    Table.HYPERVISOR: "[hypervisor.*]",
    Table.AGENT: "[agent.*]",
    Table.MEM_AGENT: "[agent.*.mem_agent]",
    Table.RUNTIME: "[runtime]",
    Table.FACTORY: "[factory]",
    Table.HV_FACTORY: "[hypervisor.*.factory]",
    Table.EXTENSION_IMAGE: "[[hypervisor.*.guest_extension_images]]",
    Table.ROOTLESS_USER: "[hypervisor.*.rootless_user]",
    Table.SHARED_MOUNT: "[[runtime.shared_mounts]]",
}
"""How a message names each catalogue table."""


@cache
def _suggester(table: Table | None) -> Suggester:
    if table is None:
        return Suggester(TOP_LEVEL, cutoff=0.75)
    return Suggester((n for spec in keys_of(table) for n in (spec.name, *spec.aliases)),
                     cutoff=0.75)


@cache
def _tables_of() -> dict[str, list[str]]:
    """Key name -> the tables it belongs in, so an unknown key costs one lookup."""
    found: dict[str, set[str]] = {}
    for spec in KEYS:
        found.setdefault(spec.name, set()).add(TABLE_NAMES[spec.table])
    return {name: sorted(tables) for name, tables in found.items()}


def suggest(name: str, table: Table | None) -> str:
    close = _suggester(table).best(name)
    if close:
        return f"did you mean {close!r}?"
    elsewhere = _tables_of().get(name)
    if elsewhere:
        return f"{name!r} belongs in {' or '.join(elsewhere)}; move it there"
    return "remove it, or check the key against `kata-config schema`"
