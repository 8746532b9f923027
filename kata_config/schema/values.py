"""How the schema stage names values and their types in its messages."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from kata_config.keys import ValueType

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


def show(value: Any, limit: int = 60) -> str:
    """A value as TOML-ish text, cut short so hostile input cannot flood the output."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, Mapping):
        text = "a table"
    elif isinstance(value, datetime.date | datetime.time):
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
