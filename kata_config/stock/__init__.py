"""Our stock configurations: lookup of the shipped files by name, runtime and arch.

The shipped files are the stock values (``defaults/`` in a checkout, ``kata_config/_defaults/``
in the wheel); ``python -m kata_config.stock`` rewrites them with our comments (``generate.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from kata_config import fasttoml
from kata_config.keys.spec import RUNTIMES, Runtime
from kata_config.record import record
from kata_config.stock.catalog import TEMPLATES, defaults_root
from kata_config.stock.spec import Template


class UnknownDefaultError(LookupError):
    """Raised for a stock name/runtime/arch combination we do not ship; the message says why."""


@record
class StockFile:
    """One shipped stock file."""

    template: Template
    arch: str
    path: Path
    release: str = ""
    """The older release this file is the stock file of; ``""`` for the newest."""

    @property
    def label(self) -> str:
        """Human name used in output, e.g. ``qemu-tdx (go, x86_64)``, ``qemu 3.2 (go, x86_64)``."""
        at = f" {self.release}" if self.release else ""
        return f"{self.template.name}{at} ({self.template.runtime}, {self.arch})"

    def data(self) -> Mapping[str, Any]:
        """The file's settings as TOML data (parsed once per process; do not modify)."""
        return _parsed(self.path)


@cache
def _parsed(path: Path) -> Mapping[str, Any]:
    # diff tries every candidate stock file of a hypervisor: each is parsed once
    return fasttoml.loads(path.read_text(encoding="utf-8"))


def parse_name(name: str) -> tuple[str, Runtime | None]:
    """Accept our names and upstream's file names (``configuration-qemu-tdx-runtime-rs.toml``)."""
    base = Path(name).name.removesuffix(".toml").removeprefix("configuration-")
    if base.endswith("-runtime-rs"):
        return base.removesuffix("-runtime-rs"), "rs"
    if base == "rs-fc":
        return "fc", "rs"
    if base == "dragonball" or base.startswith("openvmm"):
        return base, "rs"
    return base, None


def templates(
    runtime: Runtime | None = None, hypervisor: str | None = None
) -> tuple[Template, ...]:
    """Stock templates, optionally only those of one runtime and/or hypervisor table."""
    return tuple(
        t
        for t in TEMPLATES
        if (runtime is None or t.runtime == runtime)
        and (hypervisor is None or t.hypervisor == hypervisor)
    )


def find(name: str, runtime: Runtime | None = None, arch: str = "x86_64") -> StockFile:
    """The shipped stock file for ``name`` (e.g. ``qemu``, ``qemu-tdx``, ``clh``).

    The runtime defaults to the one the name implies (upstream's ``-runtime-rs`` names), else Go.

    Raises:
        UnknownDefaultError: no such stock file; the message lists what exists.
    """
    base, implied = parse_name(name)
    rt: Runtime = runtime or implied or "go"
    if rt not in RUNTIMES:
        raise UnknownDefaultError(f"unknown runtime {rt!r}; expected go or rs")
    for t in TEMPLATES:
        if t.name == base and t.runtime == rt:
            if arch not in t.arches:
                built = ", ".join(t.arches)
                raise UnknownDefaultError(
                    f"upstream does not build {t.name} for {rt} on {arch} (built for: {built})"
                )
            return StockFile(t, arch, defaults_root() / rt / arch / t.file_name)
    known = ", ".join(sorted({t.name for t in TEMPLATES if t.runtime == rt}))
    raise UnknownDefaultError(f"no stock configuration {name!r} for runtime {rt}; known: {known}")


def all_files() -> tuple[StockFile, ...]:
    """Every shipped stock file, in registry order."""
    root = defaults_root()
    return tuple(
        StockFile(t, arch, root / t.runtime / arch / t.file_name)
        for t in TEMPLATES
        for arch in t.arches
    )


__all__ = [
    "StockFile",
    "Template",
    "UnknownDefaultError",
    "all_files",
    "defaults_root",
    "find",
    "parse_name",
    "templates",
]
