"""A small TOML writer for generated configs: one ``key = value`` per line, tables in order.

One line per key matters: the oracle's worker swaps path values line by line. tomlkit would
do, but this is a tenth of its code path and never reflows a value.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any, Final

_BARE: Final = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(name: str) -> str:
    return name if _BARE.match(name) else json.dumps(name)


def value(item: Any) -> str:
    """One TOML value, inline."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        if math.isnan(item):
            return "nan"
        if math.isinf(item):
            return "inf" if item > 0 else "-inf"
        return repr(item)
    if isinstance(item, str):
        return json.dumps(item)  # a JSON string is a valid TOML basic string
    if isinstance(item, Mapping):
        return "{" + ", ".join(f"{_key(k)} = {value(v)}" for k, v in item.items()) + "}"
    if isinstance(item, list | tuple):
        return "[" + ", ".join(value(v) for v in item) + "]"
    raise TypeError(f"no TOML form for {type(item).__name__}")


def _is_table_array(item: Any) -> bool:
    return isinstance(item, list) and bool(item) and all(isinstance(v, Mapping) for v in item)


def _section(path: list[str], table: Mapping[str, Any], out: list[str], array: bool) -> None:
    header = ".".join(_key(p) for p in path)
    if path:
        out.append(f"\n[[{header}]]" if array else f"\n[{header}]")
    children = []
    for name, item in table.items():
        if isinstance(item, Mapping) or _is_table_array(item):
            children.append((name, item))
        else:
            out.append(f"{_key(name)} = {value(item)}")
    for name, item in children:
        if isinstance(item, Mapping):
            _section([*path, name], item, out, False)
        else:
            for entry in item:
                _section([*path, name], entry, out, True)


def dump(data: Mapping[str, Any]) -> str:
    """The TOML text of ``data``."""
    out: list[str] = []
    _section([], data, out, False)
    return "\n".join(out).lstrip("\n") + "\n"
