"""What an annotation conversion sees (``Context``) and how it answers (``Changes``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kata_runtime.annotations.decision import Refused

Changes = dict[str, object]

__all__ = ["Changes", "Context", "Converter", "Refused", "wrap"]


@dataclass(frozen=True, slots=True)
class Context:
    """What conversions may look at: the configuration before annotations, and the host."""

    flavour: str
    version: int
    hypervisor: str
    values: Mapping[str, Any]
    host_cpus: int | None
    go_max_vcpus: int | None
    path_ok: Callable[[str, str], str]  # (key, value) -> "" when allowed, else the reason
    boot_ok: Callable[[str], str]  # value -> "" when it exists on the host, else the reason


Converter = Callable[[Context, str, str], Changes]


def wrap(parse: Callable[[str], object]) -> Converter:
    """A converter from a parser that raises ValueError: the key is set to what it returns."""

    def convert(ctx: Context, key: str, value: str) -> Changes:
        try:
            return {key: parse(value)}
        except ValueError as exc:
            raise Refused(str(exc), "N-9" if ctx.flavour == "go" else "N-10") from None
    return convert
