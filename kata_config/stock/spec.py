"""The shape of one stock template: x86_64 values plus the keys that follow the architecture."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kata_config.keys.spec import Runtime


@dataclass(frozen=True, slots=True)
class Template:
    """One stock configuration upstream ships, described as data.

    Attributes:
        name: our short name (``qemu``, ``qemu-tdx``, ``clh-azure``, ...); the same name is
            used for both runtimes, ``runtime`` tells them apart.
        runtime: ``go`` or ``rs``.
        hypervisor: the ``[hypervisor.<name>]`` table the file configures.
        upstream: file name upstream renders for it (used to match the corpus).
        arches: architectures upstream's ``make`` generates it for.
        values: dotted key -> value as rendered for x86_64.
        arch_keys: dotted key -> Makefile variable whose value changes per architecture.
    """

    name: str
    runtime: Runtime
    hypervisor: str
    upstream: str
    arches: tuple[str, ...]
    values: Mapping[str, Any]
    arch_keys: Mapping[str, str] = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        """Name of the generated file, the same under every runtime/arch directory."""
        return f"configuration-{self.name}.toml"


def derive(
    base: Mapping[str, Any], changes: Mapping[str, Any], drop: Iterable[str] = ()
) -> dict[str, Any]:
    """A value table built from ``base``: ``changes`` set or add keys, ``drop`` removes them."""
    dropped = set(drop)
    out = {key: value for key, value in base.items() if key not in dropped}
    out.update(changes)
    return out
