"""The schema stage: structure, types, allowed values and ranges, straight from the catalogue.

The shipped JSON Schema (``kata-configuration.schema.json``) is generated from the same
catalogue for editors and CI tools. This stage walks the data itself instead of calling
jsonschema: importing jsonschema costs ~70 ms, a third of a ``validate`` run, and its
``integer`` admits ``2.0``, which both Kata runtimes refuse. A test runs jsonschema with the
shipped schema over the corpus and mutated configs and checks that both agree.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any, Final, NamedTuple

from kata_config.findings import Issue, Rule, Severity, When
from kata_config.keys import KeySpec, Runtime, Table, ValueType, lookup
from kata_config.keys.history import NEWEST, key_history, strict_in, value_status
from kata_config.schema.values import (
    EXPECTED,
    TABLE_NAMES,
    dotted,
    found_type,
    is_type,
    show,
    suggest,
)
from kata_config.walk import NAMED, SUB_TABLES, TOP_LEVEL

SCHEMA_TYPE = Rule("schema-type", Severity.ERROR, "A value has the wrong TOML type")
SCHEMA_ENUM = Rule("schema-enum", Severity.ERROR, "A value is not one of the allowed values")
SCHEMA_RANGE = Rule("schema-range", Severity.ERROR, "A number is outside its allowed range")
UNKNOWN_KEY = Rule("unknown-key", Severity.WARNING, "A key no runtime knows (silently ignored)")
UNKNOWN_KEY_REJECTED = Rule(
    "unknown-key-rejected", Severity.ERROR, "An unknown key in a table runtime-rs checks strictly"
)
UNKNOWN_TABLE = Rule("unknown-table", Severity.WARNING, "A table no runtime knows")
NEGATIVE_VALUE = Rule(
    "negative-value", Severity.WARNING,
    "A negative number the Go runtime loads without complaint where only 0 or more makes sense",
)

RULES: Final = (
    SCHEMA_TYPE,
    SCHEMA_ENUM,
    SCHEMA_RANGE,
    UNKNOWN_KEY,
    UNKNOWN_KEY_REJECTED,
    UNKNOWN_TABLE,
    NEGATIVE_VALUE,
)
_I64: Final = (-(2**63), 2**63 - 1)

STRICT_RS_TABLES: Final = frozenset(
    {Table.AGENT, Table.MEM_AGENT, Table.HV_FACTORY, Table.ROOTLESS_USER, Table.SHARED_MOUNT}
)
"""Tables runtime-rs decodes with deny-unknown-fields: a stray key there fails the load."""
Path = list[str | int]


# the call form (see walk.KeyRef): no annotation strings for typing to compile at import
View = NamedTuple("View", [("runtime", Runtime), ("release", str)])  # noqa: UP014
View.__doc__ = "The runtime and release a file is checked for."


def schema_text() -> str:
    """The shipped schema file's text."""
    # beside this module in the wheel and the tree; not importlib.resources, whose import
    # (tempfile, zipfile, ...) cost validate more than this stage takes on a whole file
    with open(os.path.join(os.path.dirname(__file__), "kata-configuration.schema.json"),
              encoding="utf-8") as handle:
        return handle.read()


def _unknown(name: str, value: Any, path: Path, table: Table | None,
             view: View) -> tuple[Rule, Issue]:
    key, hint = dotted([*path, name]), suggest(name, table)
    if table is None:
        return UNKNOWN_TABLE, Issue(key, (
            f"[{name}] is not a Kata table (known: [hypervisor.*], [agent.*], [runtime], "
            f"[factory]); both runtimes ignore it: {hint}"))
    where = TABLE_NAMES[table]
    if strict_in(view.runtime, table.value, view.release):
        return UNKNOWN_KEY_REJECTED, Issue(key, (
            f"unknown key {name!r} in {where}: runtime-rs refuses to load a file with it; "
            f"{hint}"))
    kind = "table" if isinstance(value, Mapping) else "key"
    return UNKNOWN_KEY, Issue(key, (
        f"unknown {kind} {name!r} in {where}: the runtime ignores it silently and uses its "
        f"built-in value instead; {hint}"))


def _wrong_type(name: str, expected: str, value: Any, path: Path,
                unit: str | None = None) -> tuple[Rule, Issue]:
    fix = (f"; write a bare number of {unit}, without quotes or a unit suffix"
           if unit and isinstance(value, str) else "")
    return SCHEMA_TYPE, Issue(dotted(path), (
        f"{name} must be {expected}, found {found_type(value)} ({show(value)}); both "
        f"runtimes refuse to load a value of the wrong type{fix}"))


_MEMO_MAX: Final = 2048
"""Per-value verdicts kept (about 0.5 MiB at most): a fleet's files repeat the stock values,
so most keys of a file are answered by one dict lookup; made-up values cannot grow it."""
_memo: dict[tuple[Any, ...], tuple[KeySpec, tuple[tuple[Rule, Issue], ...]]] = {}


def _check_scalar(spec: KeySpec, kind: ValueType, value: Any, path: Path, view: View
                  ) -> Iterator[tuple[Rule, Issue]]:
    """``_scalar_issues``, remembered per (key, written value, place, view)."""
    # the value's type is part of the key: true == 1 and 1 == 1.0, but their verdicts differ
    try:
        key = (id(spec), kind, type(value), value, *path, view)
        known = _memo.get(key)
    except TypeError:  # an unhashable value where a scalar belongs: a type error, not kept
        yield from _scalar_issues(spec, kind, value, path, view)
        return
    if known is not None and known[0] is spec:  # the entry keeps its spec, so no id is reused
        yield from known[1]
        return
    found = tuple(_scalar_issues(spec, kind, value, path, view))
    if len(_memo) < _MEMO_MAX:
        _memo[key] = (spec, found)
    yield from found


def _scalar_issues(spec: KeySpec, kind: ValueType, value: Any, path: Path, view: View
                   ) -> Iterator[tuple[Rule, Issue]]:
    name = spec.name
    history = key_history(spec.table.value, name)
    if kind is ValueType.FLOAT and history and history.type_in(view.runtime,
                                                               view.release) == "integer":
        kind = ValueType.INTEGER  # default_vcpus took whole numbers only before 3.3 / 3.20
    if not is_type(kind, value):
        yield _wrong_type(name, EXPECTED[kind], value, path, spec.unit)
        return
    allowed = spec.choices_for(None)
    changed = value_status(view.runtime, spec.table.value, name, value, "",
                           release=view.release)
    if changed is not None:
        return  # the value's history decides (retired-value, value-too-new)
    if allowed and all(spec.choices.get(rt) for rt in spec.runtimes) and value not in allowed \
            and _enforced(spec, path, view.runtime):
        listed = ", ".join(show(c) for c in allowed if c != "")
        import difflib  # noqa: PLC0415 (stdlib, ~1 ms of start-up: only a wrong value needs it)

        close = difflib.get_close_matches(str(value), [str(c) for c in allowed], n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        when: When = "start" if view.runtime in spec.start_checked else "load"
        yield SCHEMA_ENUM, Issue(dotted(path), (
            f"{name} = {show(value)} is not allowed; expected one of {listed}{hint}"), when)
    elif isinstance(value, int | float):
        yield from _check_range(spec, value, path, view.runtime)


def _enforced(spec: KeySpec, path: Path, runtime: Runtime) -> bool:
    """False for a hypervisor key the Go builder of this table never reads: it decodes the
    value (so its type still matters) but never checks it (key-ignored-by-hypervisor)."""
    if runtime != "go" or spec.table is not Table.HYPERVISOR or len(path) < 2:
        return True
    return spec.read_by(runtime, str(path[1]))


def _check_range(spec: KeySpec, value: float, path: Path, runtime: Runtime
                 ) -> Iterator[tuple[Rule, Issue]]:
    name, key = spec.name, dotted(path)
    lo, hi = spec.decodable(runtime)
    if isinstance(value, int) and not _I64[0] <= value <= _I64[1]:
        yield SCHEMA_RANGE, Issue(key, (
            f"{name} = {show(value)} does not fit in 64 bits: TOML integers are 64-bit signed "
            "and the runtime's parser refuses the file"))
    elif lo is not None and value < lo:
        yield SCHEMA_RANGE, Issue(key, (
            f"{name} = {show(value)} is out of range; it must be at least {lo}"))
    elif hi is not None and value > hi:
        yield SCHEMA_RANGE, Issue(key, (
            f"{name} = {show(value)} is out of range; it must be at most {hi}"))
    elif spec.maximum is not None and value > spec.maximum:
        # the decoder takes it; what consumes the value refuses it when the VM starts
        yield SCHEMA_RANGE, Issue(key, (
            f"{name} = {show(value)} is out of range; it must be at most {spec.maximum}"),
            "start")
    elif spec.minimum is not None and value < spec.minimum:
        wraps = spec.widths.get(runtime) == "u64" and isinstance(value, int)
        became = f"reads it as {value + 2**64}" if wraps else "keeps it"
        yield NEGATIVE_VALUE, Issue(key, (
            f"{name} = {show(value)} is negative: the Go runtime loads it and {became}, which "
            f"is meaningless here; use a value of at least {spec.minimum}"))


def _check_value(spec: KeySpec, value: Any, path: Path, view: View
                 ) -> Iterator[tuple[Rule, Issue]]:
    child = SUB_TABLES.get((spec.table, spec.name))
    if child is not None and spec.type is ValueType.TABLE_ARRAY:
        if not isinstance(value, list):
            yield _wrong_type(spec.name, EXPECTED[spec.type], value, path)
            return
        for index, item in enumerate(value):
            if isinstance(item, Mapping):
                yield from _check_table(item, [*path, index], child, view)
            else:
                yield _wrong_type(spec.name, "a table", item, [*path, index])
    elif child is not None:
        if isinstance(value, Mapping):
            yield from _check_table(value, path, child, view)
        else:
            yield _wrong_type(spec.name, EXPECTED[spec.type], value, path)
    elif spec.type in (ValueType.STRING_ARRAY, ValueType.INTEGER_ARRAY):
        if not isinstance(value, list):
            yield _wrong_type(spec.name, EXPECTED[spec.type], value, path)
            return
        item_kind = ValueType.STRING if spec.type is ValueType.STRING_ARRAY else ValueType.INTEGER
        for index, item in enumerate(value):
            yield from _check_scalar(spec, item_kind, item, [*path, index], view)
    else:
        yield from _check_scalar(spec, spec.type, value, path, view)


_decoding: dict[tuple[Table, str, View], tuple[KeySpec, bool]] = {}


def _decoded(table: Table, name: str, view: View) -> tuple[KeySpec | None, bool]:
    """The catalogue's spec of a key and whether this view decodes it, remembered for
    catalogue keys only (a file of made-up names cannot grow it)."""
    known = _decoding.get((table, name, view))
    if known is not None:
        return known
    spec = lookup(table, name)
    if spec is None:
        return None, False
    found = _decoding[table, name, view] = (spec, spec.read_in(view.runtime, view.release))
    return found


def _check_table(values: Mapping[str, Any], path: Path, table: Table, view: View
                 ) -> Iterator[tuple[Rule, Issue]]:
    for name, value in values.items():
        spec, read = _decoded(table, name, view)
        if spec is not None and read:
            yield from _check_value(spec, value, [*path, name], view)
        elif spec is None and key_history(table.value, name) is None:
            # A key some release read is not a typo: the history rules say which release.
            yield _unknown(name, value, path, table, view)
        # else: a key this release of this runtime never decodes, whatever its value; the
        # compat and history rules say it is unused, too new or retired (or refused)


def check_schema(data: Mapping[str, Any], runtime: Runtime, release: str = NEWEST
                 ) -> Iterator[tuple[Rule, Issue]]:
    """Check plain config data against the catalogue as ``release`` of ``runtime`` reads it;
    one (rule, issue) per problem."""
    view = View(runtime, release)
    for top, value in data.items():
        if top not in TOP_LEVEL:
            if key_history("", top) is None:
                yield _unknown(top, value, [], None, view)
        elif not isinstance(value, Mapping):
            yield _wrong_type(top, "a table", value, [top])
        elif (table := TOP_LEVEL[top]) is not None:
            yield from _check_table(value, [top], table, view)
        else:
            for name, sub in value.items():
                if isinstance(sub, Mapping):
                    yield from _check_table(sub, [top, name], NAMED[top], view)
                else:
                    yield _wrong_type(name, "a table", sub, [top, name])
