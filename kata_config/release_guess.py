"""Which releases a configuration's keys say it was written for.

A release fits when its loader reads every key, table and hypervisor name the file uses that
the release history knows (unknown names say nothing). ``validate`` names the fit
(``config-release``) and ``diff`` picks that release's stock file as the baseline.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kata_config.keys.history import (
    RELEASES,
    History,
    hypervisor_history,
    key_history,
    releases_reading,
)
from kata_config.keys.spec import Runtime
from kata_config.model import KataConfig


def histories(cfg: KataConfig) -> list[History]:
    """The history of every key and top-level table of the file that has one."""
    keys = [(ref.table.value, ref.name) for ref in cfg.key_refs]
    keys += [("", name) for name in cfg.data if key_history("", name) is not None]
    return [h for t, n in keys if (h := key_history(t, n)) is not None]


def fitting_releases(cfg: KataConfig) -> tuple[str, ...]:
    """Releases of the file's runtime that read all of its known keys and its hypervisor
    tables, oldest first (empty when no single release does)."""
    rt = cfg.runtime
    known = [(h.table, h.name) for h in histories(cfg) if h.spans_for(rt)]
    fits = releases_reading(known, rt)
    for name in cfg.hypervisors:
        table = hypervisor_history(name)
        if table is not None and table.spans_for(rt):
            fits = tuple(r for r in fits if table.read_in(rt, r))
    return fits


def releases_of(data: Mapping[str, Any], runtime: Runtime) -> tuple[str, ...]:
    """``fitting_releases`` of parsed TOML data read as ``runtime``."""
    return fitting_releases(KataConfig(data, runtime, arch=""))


def fits(data: Mapping[str, Any], runtime: Runtime, release: str) -> bool:
    """``release in releases_of(data, runtime)``, without trying every other release."""
    cfg = KataConfig(data, runtime, arch="")
    if release not in RELEASES[runtime]:
        return False
    if any(h.spans_for(runtime) and not h.read_in(runtime, release) for h in histories(cfg)):
        return False
    tables = (hypervisor_history(name) for name in cfg.hypervisors)
    return all(t is None or not t.spans_for(runtime) or t.read_in(runtime, release)
               for t in tables)
