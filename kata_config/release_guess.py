"""Which releases a configuration's keys say it was written for.

A release fits when its loader reads every key, table and hypervisor name the file uses that
the release history knows (unknown names say nothing). ``validate`` names the fit
(``config-release``) and ``diff`` picks that release's stock file as the baseline.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from kata_config.keys.history import RELEASES, History, hypervisor_history, key_history
from kata_config.keys.spec import Runtime
from kata_config.model import KataConfig


def histories(cfg: KataConfig) -> list[History]:
    """The history of every key and top-level table of the file that has one."""
    keys = [(ref.table.value, ref.name) for ref in cfg.key_refs]
    keys += [("", name) for name in cfg.data]  # top-level tables; unknown names drop out
    return [h for t, n in keys if (h := key_history(t, n)) is not None]


def fitting_releases(cfg: KataConfig, among: Collection[str] | None = None) -> tuple[str, ...]:
    """Releases of the file's runtime (of ``among`` only, when given) that read all of its
    known keys and its hypervisor tables, oldest first (empty when no single release does)."""
    rt = cfg.runtime
    tables = [hypervisor_history(name) for name in cfg.hypervisors]
    known = [h for h in (*histories(cfg), *tables) if h is not None and h.spans_for(rt)]
    return tuple(r for r in RELEASES[rt] if (among is None or r in among)
                 and all(h.read_in(rt, r) for h in known))


def releases_of(data: Mapping[str, Any], runtime: Runtime) -> tuple[str, ...]:
    """``fitting_releases`` of parsed TOML data read as ``runtime``."""
    return fitting_releases(KataConfig(data, runtime, arch=""))


def fits(data: Mapping[str, Any], runtime: Runtime, release: str) -> bool:
    """``release in releases_of(data, runtime)``, without trying every other release."""
    return bool(fitting_releases(KataConfig(data, runtime, arch=""), among=(release,)))
