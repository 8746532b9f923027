"""Stock files of older Kata releases: the baselines ``diff`` uses for a file of that release.

``releases/<X.Y>/<go|rs>/configuration-<name>.toml`` are upstream's templates rendered at the
release tag for x86_64 (data lines only; origins in ``tests/fixtures/SOURCES.md``). The newest
release's files are the ones under ``defaults/`` (``kata_config.stock.find``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Final

from kata_config.keys.history import RELEASES
from kata_config.keys.spec import RUNTIMES, Runtime, release_key
from kata_config.stock import StockFile, parse_name
from kata_config.stock.spec import Template

RELEASES_DIR: Final = Path(__file__).resolve().parent / "releases"
ARCH: Final = "x86_64"
"""The arch every older-release file was rendered for (upstream's default build)."""

# first word of a stock name -> its [hypervisor.<name>] table
_TABLE: Final = {"qemu": "qemu", "clh": "clh", "fc": "firecracker", "acrn": "acrn",
                 "dragonball": "dragonball", "remote": "remote", "stratovirt": "stratovirt"}


def _stock(path: Path, runtime: Runtime, release: str) -> StockFile:
    name, _ = parse_name(path.name)
    table = _TABLE.get(name.split("-")[0], name)
    return StockFile(Template(name, runtime, table, path.name, (ARCH,)), ARCH, path, release)


@cache
def _held() -> Mapping[tuple[Runtime, str], tuple[StockFile, ...]]:
    out: dict[tuple[Runtime, str], tuple[StockFile, ...]] = {}
    if not RELEASES_DIR.is_dir():
        return out
    for rel_dir in RELEASES_DIR.iterdir():
        for rt in RUNTIMES:
            files = sorted((rel_dir / rt).glob("configuration-*.toml"))
            if files:
                out[(rt, rel_dir.name)] = tuple(_stock(p, rt, rel_dir.name) for p in files)
    return out


def releases_held(runtime: Runtime) -> tuple[str, ...]:
    """Older releases of ``runtime`` we hold stock files of, oldest first."""
    return tuple(sorted((r for rt, r in _held() if rt == runtime), key=release_key))


def files_of(runtime: Runtime, release: str, hypervisor: str | None = None
             ) -> tuple[StockFile, ...]:
    """The stock files of one older release (of one hypervisor table, when given)."""
    return tuple(s for s in _held().get((runtime, release), ())
                 if hypervisor is None or s.template.hypervisor == hypervisor)


def all_release_files() -> tuple[StockFile, ...]:
    """Every older-release stock file, oldest release first."""
    return tuple(s for rt in RUNTIMES for r in releases_held(rt) for s in files_of(rt, r))


def nearest(runtime: Runtime, release: str, hypervisor: str) -> str:
    """The held release closest to ``release`` with a file for ``hypervisor`` (the older one
    on a tie), or ``""`` when none has one."""
    have = [r for r in releases_held(runtime) if files_of(runtime, r, hypervisor)]
    if not have:
        return ""
    order = {r: i for i, r in enumerate(RELEASES[runtime])}
    want = order.get(release, len(order))
    return min(have, key=lambda r: (abs(order[r] - want), order[r] > want))
