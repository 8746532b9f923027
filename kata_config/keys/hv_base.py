"""Shorthands shared by the catalogue modules, so each key reads as one compact ``key(...)`` call.

Conventions used by every catalogue module (they follow config-keys.md's columns):

- ``default=`` is the "built-in if absent" value for every runtime that decodes the key;
  ``defaults=`` adds or refines entries (``"rs.firecracker"``), and ``REQUIRED`` marks a key
  with no built-in value. Host-dependent built-ins (``0`` = host CPUs/RAM) are stored as the
  value the runtime decodes, not the host figure.
- ``choices`` contain ``""`` only where the reference says the runtime takes an empty string
  as "use the default"; a value outside ``choices`` fails the load (or the VM start).
- ``minimum``/``maximum`` are hard limits (decode or load errors). Ranges the runtimes clamp
  silently (``pcie_root_port`` > 16, ``network_queues`` > 256) are left to the validators.
- ``readers`` is filled only where the reference names the builders that read (or ignore) a
  hypervisor key; every other key counts as read by all hypervisors of its runtimes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from kata_config.keys.history import catalogue_spans
from kata_config.keys.spec import HYPERVISOR_NAMES, RUNTIMES, KeySpec, Runtime, Table, ValueType
from kata_config.keys.widths import GO_WIDTHS

STR: Final = ValueType.STRING
BOOL: Final = ValueType.BOOL
INT: Final = ValueType.INTEGER
FLOAT: Final = ValueType.FLOAT
STRS: Final = ValueType.STRING_ARRAY
INTS: Final = ValueType.INTEGER_ARRAY
TABLES: Final = ValueType.TABLE_ARRAY
TABLE: Final = ValueType.TABLE

GO: Final[frozenset[Runtime]] = frozenset({"go"})
RS: Final[frozenset[Runtime]] = frozenset({"rs"})
BOTH: Final[frozenset[Runtime]] = frozenset(RUNTIMES)

U32_MAX: Final = 2**32 - 1
U8_MAX: Final = 255


class _Absent:
    """Marks a keyword the caller did not give (None is a meaningful default elsewhere)."""


_ABSENT: Final = _Absent()


def go_only(*hypervisors: str) -> dict[str, frozenset[str]]:
    """Readers mapping: in Go, only these hypervisor builders read the key."""
    return {"go": frozenset(hypervisors)}


def go_except(*hypervisors: str) -> dict[str, frozenset[str]]:
    """Readers mapping: every Go hypervisor builder reads the key except these."""
    return {"go": frozenset(HYPERVISOR_NAMES["go"]) - frozenset(hypervisors)}


def key(
    table: Table,
    name: str,
    type_: ValueType,
    description: str,
    *,
    runtimes: frozenset[Runtime] = BOTH,
    default: Any = _ABSENT,
    defaults: Mapping[str, Any] | None = None,
    choices: tuple[Any, ...] | Mapping[str, tuple[Any, ...]] = (),
    unit: str | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    readers: Mapping[str, frozenset[str]] | None = None,
    aliases: tuple[str, ...] = (),
    annotation: str | None = None,
    secret: bool = False,
    start_checked: frozenset[Runtime] = frozenset(),
) -> KeySpec:
    """Build one KeySpec, spreading ``default`` and plain-tuple ``choices`` over ``runtimes``,
    with the Go decoder's integer width (``widths.py``) and the releases that read the key
    (``history.py``): each key is built once, in its final form."""
    merged: dict[str, Any] = {}
    if not isinstance(default, _Absent):
        merged.update(dict.fromkeys(sorted(runtimes), default))
    merged.update(defaults or {})
    per_runtime: dict[str, tuple[Any, ...]] = (
        dict(choices)
        if isinstance(choices, Mapping)
        else dict.fromkeys(sorted(runtimes), choices) if choices else {}
    )
    return KeySpec(
        name=name,
        table=table,
        type=type_,
        description=description,
        runtimes=runtimes,
        unit=unit,
        defaults=merged,
        choices=per_runtime,
        minimum=minimum,
        maximum=maximum,
        readers=dict(readers or {}),
        aliases=aliases,
        annotation=annotation,
        secret=secret,
        start_checked=start_checked,
        widths={"go": width} if (width := GO_WIDTHS.get((table, name))) else {},
        history=catalogue_spans(table.value, name),
    )


def hv(name: str, type_: ValueType, description: str, **kw: Any) -> KeySpec:
    """A ``[hypervisor.<name>]`` key; keywords as for :func:`key`."""
    return key(Table.HYPERVISOR, name, type_, description, **kw)
