"""``Effective``: a resolved configuration with typed sections and the origin of every value."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from kata_config.effective.hostfacts import HostFacts
from kata_config.effective.layout import NESTED, TOP, Section
from kata_config.effective.normalise import Setting, run_steps
from kata_config.effective.origin import Change, Flavour, Origin
from kata_config.effective.resolve import build, coerce, fits, flatten
from kata_config.effective.sections import (
    AgentSettings,
    FactorySettings,
    HypervisorSettings,
    RuntimeSettings,
)
from kata_config.effective.steps import steps_for
from kata_config.findings import Location

if TYPE_CHECKING:
    from kata_config.discovery.types import Discovery

Locate = Callable[[str], Location]


@dataclass(frozen=True, slots=True)
class Effective:
    """The configuration a runtime would use: every catalogue key resolved and typed.

    ``hypervisor``, ``agent``, ``runtime`` and ``factory`` hold one attribute per key (see
    ``kata_config.effective.sections``). ``flavour`` is the runtime (``"go"`` or ``"rs"``),
    ``files`` the main file then its drop-ins as the runtime names them, ``host`` the host
    figures normalisation used, ``root`` the host root they were read from.
    """

    flavour: Flavour
    arch: str
    hypervisor_name: str
    agent_name: str
    hypervisor: HypervisorSettings
    agent: AgentSettings
    runtime: RuntimeSettings
    factory: FactorySettings
    files: tuple[str, ...]
    host: HostFacts
    root: str
    discovery: Discovery | None = None
    """The ``Discovery`` that found the file, or None when a path was given."""
    _origins: Mapping[str, Origin] = field(default_factory=dict, repr=False, compare=False)
    _written: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    _locate: Locate | None = field(default=None, repr=False, compare=False)
    _setting: Setting | None = field(default=None, repr=False, compare=False)

    def section_key(self, key: str) -> str:
        """``key`` in section form: ``hypervisor.qemu.x`` -> ``hypervisor.x`` (active table).

        Raises:
            KeyError: the key names a table the runtime does not use, or no key at all.
        """
        parts = key.split(".")
        active = {"hypervisor": self.hypervisor_name, "agent": self.agent_name}
        head = parts[0]
        if head in active and len(parts) >= 3:
            if parts[1] == active[head]:
                parts = [head, *parts[2:]]
                if parts[:2] == ["hypervisor", "factory"]:
                    parts = parts[1:]  # runtime-rs's [hypervisor.<name>.factory]
            elif (TOP[head].tables[0], parts[1]) not in NESTED:
                raise KeyError(f"{key}: [{head}.{parts[1]}] is not the table the runtime uses "
                               f"([{head}.{active[head]}])")
        dotted = ".".join(parts)
        if dotted not in self._origins:
            raise KeyError(f"{key}: no such key in the catalogue")
        return dotted

    def origin(self, key: str) -> Origin:
        """Where the value of ``key`` (dotted, table or section form) came from.

        An entry of an array of tables (``hypervisor.guest_extension_images[0].name``) gets
        its position in the file, or the array's origin when it has none.

        Raises:
            KeyError: unknown key, or a table the runtime does not use.
        """
        base, bracket, rest = key.partition("[")
        dotted = self.section_key(base)
        found = self._origins[dotted]
        where = self._written.get(dotted)
        if where is None or self._locate is None or found.kind in ("default", "annotation"):
            return found
        loc = self._locate(f"{where}{bracket}{rest}")
        kind = found.kind
        if kind == "file" and self.files and loc.path != self.files[0]:
            kind = "drop-in"
        return replace(found, kind=kind, path=loc.path, line=loc.line, col=loc.col)

    def values(self) -> dict[str, Any]:
        """Every resolved value, flat, by section-form key (sub-tables as ``agent.mem_agent.x``)."""
        out: dict[str, Any] = {}
        for name, section in TOP.items():
            flatten(getattr(self, name), name, section, out)
        return out

    def with_changes(self, changes: Iterable[Change], *, normalise: bool) -> Effective:
        """A new Effective with ``changes`` applied and their origins recorded.

        ``normalise=True`` re-runs the runtime's load-time normalisation over the result, as
        runtime-rs does after applying annotations (the Go runtime does not).

        Raises:
            KeyError: a change names an unknown key.
            TypeError: a change's value does not have the key's type.
        """
        values = self.values()
        origins = dict(self._origins)
        written = dict(self._written)
        for change in changes:
            key = self.section_key(change.key)
            spec = _spec_of(key, self.flavour)
            if spec is not None and not fits(spec, change.value):
                raise TypeError(f"{change.key}: {change.value!r} is not a {spec.type.value}")
            values[key] = coerce(spec, change.value) if spec is not None else change.value
            origins[key] = change.origin
            written.pop(key, None)
        if normalise and self._setting is not None:
            run_steps(steps_for(self.flavour), values, origins, self._setting)
        return replace(self, **build(values), _origins=origins, _written=written)


def _spec_of(key: str, flavour: Flavour) -> Any:
    """The catalogue spec of a flat section-form key, or None for an array of tables."""
    head, _, rest = key.partition(".")
    section: Section = TOP[head]
    while "." in rest:
        sub, _, rest = rest.partition(".")
        spec = section.spec_for(sub, flavour)
        section = NESTED[(spec.table, sub)]
    spec = section.spec_for(rest, flavour)
    return None if spec.type.value in ("array of tables", "table") else spec
