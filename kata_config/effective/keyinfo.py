"""``catalogue()``: the read-only view of the key catalogue that consumers may rely on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Final, Literal

from kata_config.keys import KEYS, REQUIRED, KeySpec, Table, annotation_names

SECTION_OF: Final[Mapping[Table, str]] = {
    Table.HYPERVISOR: "hypervisor",
    Table.AGENT: "agent",
    Table.MEM_AGENT: "agent.mem_agent",
    Table.RUNTIME: "runtime",
    Table.FACTORY: "factory",
    Table.HV_FACTORY: "factory",
    Table.EXTENSION_IMAGE: "hypervisor.guest_extension_images[]",
    Table.ROOTLESS_USER: "hypervisor.rootless_user",
    Table.SHARED_MOUNT: "runtime.shared_mounts[]",
}
"""Catalogue table -> section-form prefix, as used by ``Effective`` keys and ``Change``."""

_ANNOTATED: Final = {Table.HYPERVISOR: "hypervisor", Table.AGENT: "agent",
                     Table.RUNTIME: "runtime"}


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """One configuration key as the public API describes it.

    Attributes:
        section: section-form prefix (``hypervisor``, ``agent.mem_agent``, ``factory``,
            ``runtime.shared_mounts[]``); ``key`` joins it with ``name``.
        name: the key as written in the file.
        type: ``string``, ``bool``, ``integer``, ``float``, ``array of strings``,
            ``array of integers``, ``table`` or ``array of tables``.
        unit: ``MiB``, ``s``, ``ms``, ... or None.
        annotation: the suffix after ``io.katacontainers.config.<section>.`` that sets
            this key from a pod annotation; "" when there is none.
        path_allowlist: for a path-valued key, the ``valid_*`` key whose globs an
            annotation's value must match; "" otherwise.
        description: one line on what the key does.
        runtimes: ``{"go", "rs"}`` or one of them: which runtimes decode the key.
        aliases: other spellings runtime-rs accepts.
    """

    section: str
    name: str
    type: str
    unit: str | None
    annotation: str
    path_allowlist: str
    description: str
    runtimes: frozenset[Literal["go", "rs"]]
    aliases: tuple[str, ...] = ()
    _spec: KeySpec | None = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> str:
        """Section-form dotted key (``hypervisor.default_memory``)."""
        return f"{self.section}.{self.name}"

    def choices(self, flavour: Literal["go", "rs"] | None = None) -> tuple[object, ...]:
        """Values ``flavour`` accepts (both runtimes' when None); empty means any."""
        return self._spec.choices_for(flavour) if self._spec else ()

    def read_by(self, flavour: Literal["go", "rs"], hypervisor: str | None = None) -> bool:
        """True when ``flavour`` decodes the key (and, given a hypervisor, uses it)."""
        return self._spec.read_by(flavour, hypervisor) if self._spec else False

    def default_for(self, flavour: Literal["go", "rs"], hypervisor: str | None = None) -> object:
        """The built-in value when the key is absent; None when there is none."""
        value = self._spec.default_for(flavour, hypervisor) if self._spec else None
        return None if value is REQUIRED else value


def _annotation(spec: KeySpec) -> str:
    if spec.annotation is not None:
        return spec.annotation
    section = _ANNOTATED.get(spec.table)
    names = annotation_names.BY_SECTION.get(section or "", frozenset())
    return spec.name if spec.name in names else ""


def _info(spec: KeySpec) -> KeyInfo:
    allowlist = annotation_names.PATH_ALLOWLISTS.get(spec.name, "")
    return KeyInfo(
        SECTION_OF[spec.table], spec.name, spec.type.value, spec.unit, _annotation(spec),
        allowlist if spec.table is Table.HYPERVISOR else "", spec.description,
        spec.runtimes, spec.aliases, spec,
    )


@cache
def catalogue() -> tuple[KeyInfo, ...]:
    """Every catalogued key, in catalogue order (a key two tables share appears per table)."""
    return tuple(_info(spec) for spec in KEYS)
