"""The shipped JSON Schema and the schema stage: structure, types, allowed values and ranges.

jsonschema's ``error.validator`` picks the rule; the error's path becomes the dotted key the
pipeline turns into a position.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

from kata_config.findings import Issue, Rule, Severity
from kata_config.keys import KEYS, Runtime, Table
from kata_config.walk import SUB_TABLES

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

SCHEMA_TYPE = Rule("schema-type", Severity.ERROR, "A value has the wrong TOML type")
SCHEMA_ENUM = Rule("schema-enum", Severity.ERROR, "A value is not one of the allowed values")
SCHEMA_RANGE = Rule("schema-range", Severity.ERROR, "A number is outside its allowed range")
UNKNOWN_KEY = Rule("unknown-key", Severity.WARNING, "A key no runtime knows (silently ignored)")
UNKNOWN_KEY_REJECTED = Rule(
    "unknown-key-rejected", Severity.ERROR, "An unknown key in a table runtime-rs checks strictly"
)
UNKNOWN_TABLE = Rule("unknown-table", Severity.WARNING, "A table no runtime knows")

RULES: Final = (
    SCHEMA_TYPE,
    SCHEMA_ENUM,
    SCHEMA_RANGE,
    UNKNOWN_KEY,
    UNKNOWN_KEY_REJECTED,
    UNKNOWN_TABLE,
)

STRICT_RS_TABLES: Final = frozenset(
    {Table.AGENT, Table.MEM_AGENT, Table.HV_FACTORY, Table.ROOTLESS_USER, Table.SHARED_MOUNT}
)
"""Tables runtime-rs decodes with deny-unknown-fields: a stray key there fails the load."""

_TYPE_WORDS: Final = {
    "string": "a string",
    "boolean": "a boolean (true or false)",
    "integer": "an integer",
    "number": "a number",
    "array": "an array",
    "object": "a table",
}
_TABLE_NAMES: Final = {
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


def schema_text() -> str:
    """The shipped schema file's text."""
    return resources.files(__name__).joinpath("kata-configuration.schema.json").read_text("utf-8")


@cache
def _validator() -> Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(schema_text()))


def show(value: Any, limit: int = 60) -> str:
    """A value as TOML-ish text, cut short so hostile input cannot flood the output."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, Mapping):
        text = "a table"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _found_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "a table"
    return f"a TOML {type(value).__name__}"


def table_at(path: Sequence[str | int]) -> Table | None:
    """The catalogue table an object at this data path is, or None (top level, named maps)."""
    parts = list(path)
    if parts[:1] == ["hypervisor"] and len(parts) >= 2:
        table, rest = Table.HYPERVISOR, parts[2:]
    elif parts[:1] == ["agent"] and len(parts) >= 2:
        table, rest = Table.AGENT, parts[2:]
    elif parts[:1] == ["runtime"]:
        table, rest = Table.RUNTIME, parts[1:]
    elif parts[:1] == ["factory"]:
        table, rest = Table.FACTORY, parts[1:]
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


def dotted(path: Sequence[str | int]) -> str:
    """Data path -> dotted key as the source map spells it (``a.b[0].c``)."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _suggest(name: str, table: Table | None) -> str:
    known = [s.name for s in KEYS if s.table is table] if table else ["hypervisor", "agent",
                                                                         "runtime", "factory"]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    if close:
        return f"did you mean {close[0]!r}?"
    elsewhere = sorted({_TABLE_NAMES[s.table] for s in KEYS if s.name == name})
    if elsewhere:
        return f"{name!r} belongs in {' or '.join(elsewhere)}; move it there"
    return "remove it, or check the key against `kata-config schema`"


def _unknown(error: ValidationError, runtime: Runtime) -> Iterator[tuple[Rule, Issue]]:
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    known = error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
    table = table_at(list(error.absolute_path))
    where = _TABLE_NAMES.get(table, "the top level") if table else "the top level"
    for name, value in instance.items():
        if name in known:
            continue
        key = dotted([*error.absolute_path, name])
        hint = _suggest(name, table)
        if table is None:
            msg = (f"[{name}] is not a Kata table (known: [hypervisor.*], [agent.*], [runtime], "
                   f"[factory]); both runtimes ignore it: {hint}")
            yield UNKNOWN_TABLE, Issue(key, msg)
        elif runtime == "rs" and table in STRICT_RS_TABLES:
            msg = (f"unknown key {name!r} in {where}: runtime-rs refuses to load a file with "
                   f"it; {hint}")
            yield UNKNOWN_KEY_REJECTED, Issue(key, msg)
        else:
            kind = "table" if isinstance(value, Mapping) else "key"
            msg = (f"unknown {kind} {name!r} in {where}: the runtime ignores it silently and "
                   f"uses its built-in value instead; {hint}")
            yield UNKNOWN_KEY, Issue(key, msg)


def _describe(error: ValidationError) -> tuple[Rule, str]:
    path = list(error.absolute_path)
    name = next((str(p) for p in reversed(path) if isinstance(p, str)), "value")
    value = error.instance
    if error.validator == "type":
        expected = error.validator_value
        words = _TYPE_WORDS.get(expected, str(expected)) if isinstance(expected, str) else "?"
        msg = (f"{name} must be {words}, found {_found_type(value)} ({show(value)}); "
               "both runtimes refuse to load a value of the wrong type")
        return SCHEMA_TYPE, msg
    if error.validator == "enum":
        allowed = error.validator_value if isinstance(error.validator_value, list) else []
        choices = [c for c in allowed if c != ""]
        close = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        listed = ", ".join(show(c) for c in choices)
        return SCHEMA_ENUM, f"{name} = {show(value)} is not allowed; expected one of {listed}{hint}"
    if error.validator in ("minimum", "maximum"):
        bound = "at least" if error.validator == "minimum" else "at most"
        return SCHEMA_RANGE, f"{name} = {show(value)} is out of range; it must be {bound} " \
            f"{error.validator_value}"
    # the generated schema uses no other keyword; keep any future one readable all the same
    return SCHEMA_TYPE, f"{name} = {show(value)}: {error.message}"


def check_schema(data: Mapping[str, Any], runtime: Runtime) -> Iterator[tuple[Rule, Issue]]:
    """Validate plain config data against the schema; one (rule, issue) per problem."""
    for error in _validator().iter_errors(data):
        if error.validator == "additionalProperties":
            yield from _unknown(error, runtime)
            continue
        rule, message = _describe(error)
        yield rule, Issue(dotted(list(error.absolute_path)) or None, message)

