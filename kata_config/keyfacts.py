"""One walk over a configuration's keys, sorted into what each per-key rule has to look at.

Nine rules (runtime compatibility, release history, values with a history, units,
placeholders) each walked every key of the file and looked each up in the catalogue and the
history: about a hundred keys, nine times, for a file where almost always none of them has
anything to say. ``facts(cfg)`` walks the keys once, classifies each distinct (table, key)
once per runtime and release (cached), and keeps for each rule only the keys it would not
skip at once. The rules keep their own conditions; these lists only leave out keys a rule
would pass over anyway, in file order.
"""

from __future__ import annotations

from typing import Final

from kata_config.keys import Runtime, Table, lookup
from kata_config.keys.history import has_value_history, key_history, key_status
from kata_config.model import KataConfig
from kata_config.record import record
from kata_config.walk import KeyRef

_HISTORY: Final = 1
_NEVER_READ: Final = 2
_CHOICES: Final = 4
_VALUE_HISTORY: Final = 8
_UNIT: Final = 16


@record
class KeyFacts:
    """The keys of one configuration that each per-key rule looks at, in file order."""

    history: tuple[KeyRef, ...]
    """Keys the target release does not read, but another release does (retired, gap,
    future)."""
    never_read: tuple[KeyRef, ...]
    """Catalogued keys no release of the target runtime reads."""
    choices: tuple[KeyRef, ...]
    """Keys the target runtime reads and restricts to a list of values."""
    value_history: tuple[KeyRef, ...]
    """String values of catalogued keys some of whose values were accepted only for a time."""
    units: tuple[KeyRef, ...]
    """Keys with a unit (ms, s, MiB)."""
    placeholders: tuple[KeyRef, ...]
    """Values (or lists) holding an ``@``, where a build placeholder may be left."""


_KINDS: dict[tuple[Runtime, str], dict[Table, dict[str, int]]] = {}
"""(runtime, release) -> table -> key name -> its kinds; catalogue and history names only."""


def _classify(table: Table, name: str, runtime: Runtime, release: str) -> int | None:
    """The kinds of one key for that runtime and release; None for a name nothing knows."""
    spec = lookup(table, name)
    if spec is None and key_history(table.value, name) is None:
        return None
    status = key_status(table.value, name, runtime, release)
    kinds = _HISTORY if status in ("retired", "gap", "future") else 0
    if spec is None:
        return kinds
    if runtime not in spec.runtimes:
        if status is None or status == "never":
            kinds |= _NEVER_READ
    elif spec.choices_for(runtime):
        kinds |= _CHOICES
    if has_value_history(runtime, table.value, name):
        kinds |= _VALUE_HISTORY
    if spec.unit:
        kinds |= _UNIT
    return kinds


def _has_at(value: object) -> bool:
    if isinstance(value, str):
        return "@" in value
    return isinstance(value, list) and any(isinstance(v, str) and "@" in v for v in value)


def facts(cfg: KataConfig) -> KeyFacts:
    """The configuration's keys sorted for the per-key rules (worked out once per config)."""
    found = cfg.memo.get("keyfacts")
    if isinstance(found, KeyFacts):
        return found
    by_table = _KINDS.setdefault((cfg.runtime, cfg.release), {})
    buckets: tuple[list[KeyRef], ...] = ([], [], [], [], [], [])
    history, never_read, choices, value_history, units, placeholders = buckets
    table: Table | None = None
    names: dict[str, int] = {}
    for ref in cfg.key_refs:
        if ref.table is not table:
            table = ref.table
            names = by_table.setdefault(table, {})
        kinds = names.get(ref.name)
        if kinds is None:
            kinds = _classify(table, ref.name, cfg.runtime, cfg.release)
            if kinds is not None:  # made-up names are not kept: the cache stays small
                names[ref.name] = kinds
        if kinds:
            if kinds & _HISTORY:
                history.append(ref)
            if kinds & _NEVER_READ:
                never_read.append(ref)
            if kinds & _CHOICES:
                choices.append(ref)
            if kinds & _VALUE_HISTORY and isinstance(ref.value, str):
                value_history.append(ref)
            if kinds & _UNIT:
                units.append(ref)
        if _has_at(ref.value):
            placeholders.append(ref)
    result = KeyFacts(*map(tuple, buckets))
    cfg.memo["keyfacts"] = result
    return result
