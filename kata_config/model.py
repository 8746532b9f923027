"""The frozen view of one effective configuration that every rule reads."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from kata_config.keys import Runtime, Table, lookup
from kata_config.keys.history import NEWEST, default_in
from kata_config.record import field, record
from kata_config.walk import KeyRef, iter_keys

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _table(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name)
    return value if isinstance(value, Mapping) else _EMPTY


def _sub_tables(data: Mapping[str, Any], name: str) -> Mapping[str, Mapping[str, Any]]:
    return {k: v for k, v in _table(data, name).items() if isinstance(v, Mapping)}


@record
class KataConfig:
    """One effective configuration (main file plus drop-ins) as plain data.

    ``data`` is what the TOML parser produced after drop-ins were merged; rules treat it as
    read-only. ``runtime`` is the runtime the file is checked for, ``arch`` the canonical
    architecture name and ``release`` the Kata release (``"3.30"``) whose behaviour counts.
    """

    data: Mapping[str, Any]
    runtime: Runtime
    arch: str
    release: str = NEWEST
    key_refs: tuple[KeyRef, ...] = field(init=False, repr=False, compare=False)
    """Every key written in the known tables, walked once for all the rules that need it."""
    memo: dict[str, Any] = field(init=False, repr=False, compare=False)
    """What several rules derive from the same configuration, worked out once
    (``keyfacts.facts``)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "key_refs", tuple(iter_keys(self.data)))
        object.__setattr__(self, "memo", {})

    @property
    def hypervisors(self) -> Mapping[str, Mapping[str, Any]]:
        """Every ``[hypervisor.<name>]`` table, in file order."""
        # asked by most rules, several times each: picked out once per configuration
        found = self.memo.get("hypervisors")
        if found is None:
            found = self.memo["hypervisors"] = _sub_tables(self.data, "hypervisor")
        return found

    @property
    def agents(self) -> Mapping[str, Mapping[str, Any]]:
        """Every ``[agent.<name>]`` table, in file order."""
        return _sub_tables(self.data, "agent")

    @property
    def runtime_table(self) -> Mapping[str, Any]:
        """The ``[runtime]`` table (empty when absent)."""
        return _table(self.data, "runtime")

    @property
    def factory(self) -> Mapping[str, Any]:
        """The factory settings the target runtime reads: top-level (Go) or per hypervisor (rs)."""
        if self.runtime == "go":
            return _table(self.data, "factory")
        name = self.active_hypervisor
        return _table(self.hypervisors.get(name, _EMPTY), "factory") if name else _EMPTY

    @property
    def active_hypervisor(self) -> str | None:
        """Name of the hypervisor table the runtime would use, or None when none can be told.

        runtime-rs uses ``[runtime] hypervisor_name``; Go uses the only table there is (with
        several, the winner is random, which a rule reports separately; the first is shown).
        """
        tables = self.hypervisors
        if self.runtime == "rs":
            name = self.runtime_table.get("hypervisor_name")
            return name if isinstance(name, str) and name in tables else None
        return next(iter(tables), None)

    @property
    def hypervisor(self) -> Mapping[str, Any]:
        """The active hypervisor table (empty when there is none)."""
        name = self.active_hypervisor
        return self.hypervisors.get(name, _EMPTY) if name else _EMPTY

    def hv_value(self, key: str, name: str | None = None) -> Any:
        """Effective value of a hypervisor key: the file's, else the runtime's built-in one."""
        name = name or self.active_hypervisor
        table = self.hypervisors.get(name, _EMPTY) if name else _EMPTY
        if key in table:
            return table[key]
        spec = lookup(Table.HYPERVISOR, key)
        if spec is None:
            return None
        older, value = default_in(self.runtime, Table.HYPERVISOR.value, key, name,
                                  self.release)
        return value if older else spec.default_for(self.runtime, name)

    def iter_hypervisors(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """Every hypervisor table with its name: both runtimes build (and can fail on) each."""
        yield from self.hypervisors.items()
