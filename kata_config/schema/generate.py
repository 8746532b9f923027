"""Build the JSON Schema of configuration.toml from the key catalogue (never edited by hand).

Run ``python -m kata_config.schema.generate`` to rewrite the shipped schema file; a test fails
when the shipped file differs from what this module builds.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Final

from kata_config.keys import KEYS, RUNTIMES, KeySpec, Table, ValueType, lookup
from kata_config.keys.history import NAMES, History, all_keys
from kata_config.project import RAW_URL
from kata_config.walk import SUB_TABLES, TOP_LEVEL

SCHEMA_FILE: Final = Path(__file__).with_name("kata-configuration.schema.json")
SCHEMA_ID: Final = f"{RAW_URL}/kata_config/schema/kata-configuration.schema.json"
"""Where the schema is published: the generated file itself on the main branch, so the URL
never changes and always serves the newest catalogue (docs/editors.md explains the choice)."""

UNKNOWN_KEY: Final = {
    "const": "a key Kata knows (this one is unknown: check its spelling)",
    "description": "Not a key of either Kata runtime: they ignore it silently.",
}
"""Schema for any key a table does not list. ``additionalProperties: false`` would do, but
taplo (Even Better TOML) pins that error on the whole table and repeats it once per key and
value in it; a failing subschema puts one error on the misspelt key's value instead."""

_DEF_NAMES: Final = {
    Table.HYPERVISOR: "hypervisor",
    Table.AGENT: "agent",
    Table.MEM_AGENT: "mem_agent",
    Table.RUNTIME: "runtime",
    Table.FACTORY: "factory",
    Table.HV_FACTORY: "hypervisor_factory",
    Table.EXTENSION_IMAGE: "guest_extension_image",
    Table.ROOTLESS_USER: "rootless_user",
    Table.SHARED_MOUNT: "shared_mount",
}

_SCALAR: Final[dict[ValueType, dict[str, Any]]] = {
    ValueType.STRING: {"type": "string"},
    ValueType.BOOL: {"type": "boolean"},
    ValueType.INTEGER: {"type": "integer"},
    ValueType.FLOAT: {"type": "number"},
    ValueType.STRING_ARRAY: {"type": "array", "items": {"type": "string"}},
    ValueType.INTEGER_ARRAY: {"type": "array", "items": {"type": "integer"}},
}


def _runtime_note(spec: KeySpec) -> str:
    if spec.runtimes == frozenset(RUNTIMES):
        return "Go runtime and runtime-rs"
    return "Go runtime only" if "go" in spec.runtimes else "runtime-rs only"


def _integer_range(spec: KeySpec) -> tuple[int, int]:
    """Where neither the catalogue's limits, nor the Go decoder's width (where known), nor
    TOML's 64-bit integers object: the range the native schema stage accepts silently."""
    go_lo, go_hi = spec.decodable("go") if "go" in spec.widths else (None, None)
    lows = [int(v) for v in (spec.minimum, go_lo) if v is not None]
    highs = [int(v) for v in (spec.maximum, go_hi) if v is not None]
    return max([*lows, -(2**63)]), min([*highs, 2**63 - 1])


def key_schema(spec: KeySpec) -> dict[str, Any]:
    """Schema of one key's value, with its description, unit and runtimes as annotations."""
    child = SUB_TABLES.get((spec.table, spec.name))
    if child is not None:
        ref = {"$ref": f"#/$defs/{_DEF_NAMES[child]}"}
        node: dict[str, Any] = (
            {"type": "array", "items": ref} if spec.type is ValueType.TABLE_ARRAY else dict(ref)
        )
    else:
        node = dict(_SCALAR[spec.type])
    unit = f" Unit: {spec.unit}." if spec.unit else ""
    node["description"] = f"{spec.description}{unit} Read by: {_runtime_note(spec)}."
    if all(spec.choices.get(rt) for rt in spec.runtimes):
        node["enum"] = list(spec.choices_for(None))
    if spec.type is ValueType.INTEGER:
        node["minimum"], node["maximum"] = _integer_range(spec)
    elif spec.type is ValueType.INTEGER_ARRAY:
        lo, hi = _integer_range(spec)
        node["items"] = {"type": "integer", "minimum": lo, "maximum": hi}
    else:
        if spec.minimum is not None:
            node["minimum"] = spec.minimum
        if spec.maximum is not None:
            node["maximum"] = spec.maximum
        if spec.type is ValueType.FLOAT:
            # an integer written for a float key is still a TOML integer: 64-bit at most
            node["if"] = {"type": "integer"}
            node["then"] = {"minimum": -(2**63), "maximum": 2**63 - 1}
    node["x-kata-runtimes"] = sorted(spec.runtimes)
    if spec.unit:
        node["x-kata-unit"] = spec.unit
    return node


def _retired(history: History) -> dict[str, Any]:
    """A key or table only older releases read: any value, marked deprecated for editors."""
    spans = [f"{NAMES[s.runtime]} {s.since}-{s.until or 'now'}" for s in history.spans]
    return {"deprecated": True,
            "description": f"Retired: read by {', '.join(spans)}. Remove it."}


def _retired_in(table: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for h in all_keys():
        if h.table != table:
            continue
        known = h.name in TOP_LEVEL if not table else lookup(Table(table), h.name) is not None
        if not known:
            out[h.name] = _retired(h)
    return out


def table_schema(table: Table) -> dict[str, Any]:
    """Schema of one table: every catalogued key (and alias) plus the retired ones."""
    properties: dict[str, Any] = _retired_in(table.value)
    for spec in KEYS:
        if spec.table is table:
            for name in (spec.name, *spec.aliases):
                properties[name] = key_schema(spec)
    return {"type": "object", "properties": properties, "additionalProperties": UNKNOWN_KEY}


def build() -> dict[str, Any]:
    """The whole schema as a JSON-ready dict (Draft 2020-12)."""
    defs = {_DEF_NAMES[table]: table_schema(table) for table in Table}
    named = {
        "type": "object",
        "additionalProperties": {"$ref": "#/$defs/hypervisor"},
        "description": "One table per hypervisor, e.g. [hypervisor.qemu]. Keep exactly one.",
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Kata Containers configuration.toml",
        "description": "Every key the Go runtime or runtime-rs reads; generated by kata-config.",
        "type": "object",
        "properties": {
            "hypervisor": named,
            "agent": {
                "type": "object",
                "additionalProperties": {"$ref": "#/$defs/agent"},
                "description": "Agent settings, e.g. [agent.kata].",
            },
            "runtime": {"$ref": "#/$defs/runtime"},
            "factory": {"$ref": "#/$defs/factory"},
            **_retired_in(""),
        },
        "additionalProperties": UNKNOWN_KEY,
        "$defs": defs,
    }


def render() -> str:
    """The schema as the exact text shipped in the package."""
    return json.dumps(build(), indent=2, sort_keys=False) + "\n"


def main() -> int:
    """Rewrite the shipped schema file."""
    SCHEMA_FILE.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {SCHEMA_FILE}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
