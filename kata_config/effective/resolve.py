"""Resolve every catalogue key of the active tables: the file's value, else the built-in one.

Values are kept in one flat mapping keyed by section form (``hypervisor.default_memory``,
``agent.mem_agent.memcg_swap``); ``build`` turns it into the generated classes and
``flatten`` back, so normalisation and ``with_changes`` work on plain data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from kata_config.effective import sections
from kata_config.effective.layout import NESTED, TOP, Section, optional
from kata_config.effective.origin import Flavour, Origin
from kata_config.keys import REQUIRED, KeySpec, Table, ValueType
from kata_config.keys.history import NEWEST, default_in

_EMPTY: Final[dict[ValueType, Any]] = {
    ValueType.STRING: "", ValueType.BOOL: False, ValueType.INTEGER: 0, ValueType.FLOAT: 0.0,
    ValueType.STRING_ARRAY: (), ValueType.INTEGER_ARRAY: (), ValueType.TABLE_ARRAY: (),
}
_NAMES: Final = {"go": "the Go runtime", "rs": "runtime-rs"}
I64: Final = (-(2**63), 2**63 - 1)
"""TOML integers are 64-bit signed; both runtimes' parsers refuse a file with a wider one."""


@dataclass(slots=True)
class Resolved:
    """Flat values, their origins, and where each written value is in the file (table form)."""

    flavour: Flavour
    hypervisor: str
    release: str = NEWEST
    """The Kata release whose built-in values absent keys get."""
    values: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)
    wrong_type: list[str] = field(default_factory=list)
    """Table-form keys this runtime reads that have the wrong type: it refuses to load."""


def fits(spec: KeySpec, value: Any) -> bool:
    """True when ``value`` has the key's TOML type (an integer is a valid float)."""
    kind = spec.type
    if kind is ValueType.STRING:
        return isinstance(value, str)
    if kind is ValueType.BOOL:
        return isinstance(value, bool)
    if kind is ValueType.INTEGER:
        return _whole(value)
    if kind is ValueType.FLOAT:
        return isinstance(value, float) or _whole(value)
    if kind in (ValueType.STRING_ARRAY, ValueType.INTEGER_ARRAY):
        item = str if kind is ValueType.STRING_ARRAY else int
        return isinstance(value, list | tuple) and all(
            isinstance(v, item) and not isinstance(v, bool) for v in value)
    return False


def _whole(value: Any) -> bool:
    # tomllib takes integers of any size; a wider one cannot even be a float (OverflowError)
    return isinstance(value, int) and not isinstance(value, bool) and I64[0] <= value <= I64[1]


def coerce(spec: KeySpec, value: Any) -> Any:
    """The value as the typed attribute holds it: arrays as tuples, floats as float."""
    if spec.type is ValueType.FLOAT:
        return float(value)
    if isinstance(value, list):
        return tuple(value)
    return value


def _default(spec: KeySpec, flavour: Flavour, hypervisor: str,
             release: str = NEWEST) -> tuple[Any, Origin]:
    reads = flavour in spec.runtimes
    source: Flavour = flavour if reads else ("rs" if flavour == "go" else "go")
    older, value = default_in(source, spec.table.value, spec.name, hypervisor, release)
    if not older:
        value = spec.default_for(source, hypervisor)
    if reads:
        note = f"built-in default of {_NAMES[source]}" + (f" {release}" if older else "")
    else:
        note = (f"{_NAMES[flavour]} does not read this key; showing the built-in default of "
                f"{_NAMES[source]}")
    if value is REQUIRED:
        note += ("; there is none: the runtime refuses to start without it" if reads
                 else "; there is none")
        value = _EMPTY[spec.type]
    elif value is None:
        value = None if optional(spec) else _EMPTY[spec.type]
        note += "; none catalogued, so the component decides" if optional(spec) else ""
    else:
        value = coerce(spec, value)
    return value, Origin("default", flavour=source, note=note)


def _unread(spec: KeySpec, flavour: Flavour, hypervisor: str) -> bool:
    # The Go loader decodes every key but each hypervisor's builder copies only the ones it
    # uses; the others keep Go's zero value whatever the file says (seen with the oracle)
    return (flavour == "go" and spec.table is Table.HYPERVISOR and flavour in spec.runtimes
            and not spec.read_by(flavour, hypervisor))


def _zero(spec: KeySpec, flavour: Flavour, hypervisor: str) -> tuple[Any, Origin]:
    note = (f"the Go {hypervisor} loader does not read {spec.name}: the runtime keeps an "
            "empty value, whatever the file says")
    value = None if optional(spec) else _EMPTY[spec.type]
    return value, Origin("default", flavour=flavour, note=note)


def resolve_table(section: Section, table: Mapping[str, Any], prefix: str, dotted: str,
                  out: Resolved) -> None:
    """Resolve one table's keys into ``out`` under section-form ``prefix``.

    ``dotted`` is the table's path in the file (``hypervisor.qemu``), for positions.
    """
    flavour = out.flavour
    for name in (spec.name for spec in section.specs()):
        spec = section.spec_for(name, flavour)
        key = f"{prefix}.{name}"
        nested = NESTED.get((spec.table, name))
        written = next((n for n in (name, *spec.aliases) if n in table), None)
        raw = table.get(written) if written is not None else None
        if nested is not None:
            _resolve_nested(nested, spec, raw, key, dotted=f"{dotted}.{written or name}", out=out)
            continue
        if written is not None and fits(spec, raw) and flavour in spec.runtimes:
            out.values[key] = coerce(spec, raw)
            out.origins[key] = Origin("file", flavour=flavour)
            out.written[key] = f"{dotted}.{written}"
        else:
            out.values[key], out.origins[key] = _default(spec, flavour, out.hypervisor,
                                                           out.release)
        if _unread(spec, flavour, out.hypervisor):
            out.values[key], out.origins[key] = _zero(spec, flavour, out.hypervisor)
            out.written.pop(key, None)
        if written is None or (fits(spec, raw) and flavour in spec.runtimes):
            continue
        if flavour in spec.runtimes:
            out.wrong_type.append(f"{dotted}.{written}")
        else:  # a key this runtime never decodes: the file's value is ignored, whatever it is
            out.origins[key] = Origin("default", flavour=flavour, note=(
                f"{out.origins[key].note}; the file's {written} is ignored"))


def _resolve_nested(section: Section, spec: KeySpec, raw: Any, key: str, *, dotted: str,
                    out: Resolved) -> None:
    if spec.type is ValueType.TABLE_ARRAY:
        entries = raw if isinstance(raw, list) else []
        items = []
        for index, entry in enumerate(entries):
            part = Resolved(out.flavour, out.hypervisor, out.release)
            resolve_table(section, entry if isinstance(entry, Mapping) else {}, "",
                          f"{dotted}[{index}]", part)
            items.append(_make(section, part.values, ""))
            out.wrong_type.extend(part.wrong_type)
        out.values[key] = tuple(items)
        if entries:
            out.origins[key] = Origin("file", flavour=out.flavour)
            out.written[key] = dotted
        else:
            out.origins[key] = Origin("default", flavour=out.flavour, note="no entries written")
        return
    table = raw if isinstance(raw, Mapping) else {}
    resolve_table(section, table, key, dotted, out)


def _make(section: Section, values: Mapping[str, Any], prefix: str) -> Any:
    cls = getattr(sections, section.cls)
    kwargs: dict[str, Any] = {}
    for spec in section.specs():
        key = f"{prefix}.{spec.name}"
        nested = NESTED.get((spec.table, spec.name))
        if nested is not None and spec.type is not ValueType.TABLE_ARRAY:
            kwargs[spec.name] = _make(nested, values, key)
        else:
            kwargs[spec.name] = values[key]
    return cls(**kwargs)


def build(values: Mapping[str, Any]) -> dict[str, Any]:
    """The four top-level settings objects from flat section-form values."""
    return {name: _make(section, values, name) for name, section in TOP.items()}


def flatten(obj: Any, prefix: str, section: Section, out: dict[str, Any]) -> None:
    """The flat section-form values of one settings object (inverse of ``build``)."""
    for spec in section.specs():
        key = f"{prefix}.{spec.name}"
        value = getattr(obj, spec.name)
        nested = NESTED.get((spec.table, spec.name))
        if nested is not None and spec.type is not ValueType.TABLE_ARRAY:
            flatten(value, key, nested, out)
        else:
            out[key] = value
