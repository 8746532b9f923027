"""How the key catalogue maps onto the typed settings classes (read by the generator and loader).

Each ``Section`` is one generated frozen dataclass: its name, the catalogue tables whose keys
become its attributes (the first table listing a name wins), and the keys left out because
another part of ``Effective`` already carries them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

from kata_config.keys import RUNTIMES, KeySpec, Runtime, Table, ValueType, keys_of


@dataclass(frozen=True, slots=True)
class Section:
    """One generated settings class and the catalogue tables it is made of."""

    cls: str
    tables: tuple[Table, ...]
    doc: str
    skip: frozenset[str] = frozenset()

    def specs(self) -> tuple[KeySpec, ...]:
        """One spec per attribute, in catalogue order (first table listing a name wins)."""
        return _specs(self)

    def spec_for(self, name: str, flavour: Runtime) -> KeySpec:
        """The spec of attribute ``name`` as ``flavour`` reads it (its own table first)."""
        return _index(self)[(name, flavour)]


@cache
def _specs(section: Section) -> tuple[KeySpec, ...]:
    seen: dict[str, KeySpec] = {}
    for table in section.tables:
        for spec in keys_of(table):
            if spec.name not in section.skip:
                seen.setdefault(spec.name, spec)
    return tuple(seen.values())


@cache
def _index(section: Section) -> dict[tuple[str, Runtime], KeySpec]:
    # catalogue lookups happen once per key per load; a scan each time cost ~12 ms a load
    index: dict[tuple[str, Runtime], KeySpec] = {}
    for name in (spec.name for spec in _specs(section)):
        candidates = [s for t in section.tables for s in keys_of(t) if s.name == name]
        for flavour in RUNTIMES:
            index[(name, flavour)] = next(
                (s for s in candidates if flavour in s.runtimes), candidates[0])
    return index


HYPERVISOR: Final = Section(
    "HypervisorSettings", (Table.HYPERVISOR,),
    "The active ``[hypervisor.<name>]`` table, every key resolved.",
    # [hypervisor.<name>.factory] is runtime-rs's VM factory: it is ``Effective.factory``.
    skip=frozenset({"factory"}),
)
AGENT: Final = Section("AgentSettings", (Table.AGENT,), "The active ``[agent.<name>]`` table.")
RUNTIME: Final = Section("RuntimeSettings", (Table.RUNTIME,), "The ``[runtime]`` table.")
FACTORY: Final = Section(
    "FactorySettings", (Table.FACTORY, Table.HV_FACTORY),
    "The VM factory: top-level ``[factory]`` (Go) or ``[hypervisor.<name>.factory]`` (rs).",
)
MEM_AGENT: Final = Section(
    "MemAgentSettings", (Table.MEM_AGENT,),
    "``[agent.<name>.mem_agent]`` (runtime-rs): None leaves a knob to the guest agent.",
)
ROOTLESS_USER: Final = Section(
    "RootlessUserSettings", (Table.ROOTLESS_USER,),
    "``[hypervisor.<name>.rootless_user]`` (runtime-rs).",
)
EXTENSION_IMAGE: Final = Section(
    "GuestExtensionImage", (Table.EXTENSION_IMAGE,),
    "One ``[[hypervisor.<name>.guest_extension_images]]`` entry.",
)
SHARED_MOUNT: Final = Section(
    "SharedMount", (Table.SHARED_MOUNT,), "One ``[[runtime.shared_mounts]]`` entry (runtime-rs).",
)

SECTIONS: Final[tuple[Section, ...]] = (
    MEM_AGENT, ROOTLESS_USER, EXTENSION_IMAGE, SHARED_MOUNT, FACTORY, HYPERVISOR, AGENT, RUNTIME,
)
"""Every generated class, nested ones first so the module reads top-down."""

TOP: Final[dict[str, Section]] = {
    "hypervisor": HYPERVISOR, "agent": AGENT, "runtime": RUNTIME, "factory": FACTORY,
}
"""``Effective`` attribute -> section, in the order the loader resolves them."""

NESTED: Final[dict[tuple[Table, str], Section]] = {
    (Table.HYPERVISOR, "rootless_user"): ROOTLESS_USER,
    (Table.HYPERVISOR, "guest_extension_images"): EXTENSION_IMAGE,
    (Table.AGENT, "mem_agent"): MEM_AGENT,
    (Table.RUNTIME, "shared_mounts"): SHARED_MOUNT,
}
"""Catalogue keys that open a sub-table (or array of tables) and the class of its contents."""

SCALAR_TYPES: Final[dict[ValueType, str]] = {
    ValueType.STRING: "str",
    ValueType.BOOL: "bool",
    ValueType.INTEGER: "int",
    ValueType.FLOAT: "float",
    ValueType.STRING_ARRAY: "tuple[str, ...]",
    ValueType.INTEGER_ARRAY: "tuple[int, ...]",
}


def optional(spec: KeySpec) -> bool:
    """True when no runtime has a built-in value: absent means "left to the component"."""
    return not spec.defaults


def annotation_of(section: Section, spec: KeySpec) -> str:
    """The Python type of one attribute, as written in the generated module."""
    nested = NESTED.get((spec.table, spec.name))
    if nested is not None:
        return f"tuple[{nested.cls}, ...]" if spec.type is ValueType.TABLE_ARRAY else nested.cls
    base = SCALAR_TYPES[spec.type]
    return f"{base} | None" if optional(spec) else base
