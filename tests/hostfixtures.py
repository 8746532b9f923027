"""Shared helpers for the host-probe tests: fixture roots and running the checks over them."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Final

import tomlkit

from kata_config.hostcheck import run_checks
from kata_config.probes.base import CheckResult, Status
from kata_config.probes.host import HostRoot

HOSTS: Final = Path(__file__).parent / "fixtures" / "hosts"


def arch_of(name: str) -> str:
    """``x86_64-intel-kvm-ok`` -> ``x86_64``."""
    return next(a for a in ("x86_64", "aarch64", "ppc64le", "s390x") if name.startswith(a))


def results(root: Path, arch: str, config: Mapping[str, object] | None = None,
            only: list[str] | None = None) -> dict[str, CheckResult]:
    """Every result of the check pipeline over ``root`` keyed by id (off-line: the root is
    never ``/``). ``config`` is the TOML data of the configuration to check against; without
    it, the one Kata would load from the root (if any) is used."""
    with tempfile.TemporaryDirectory() as tmp:
        path = None
        if config is not None:
            path = Path(tmp) / "configuration.toml"
            path.write_text(tomlkit.dumps(config), encoding="utf-8")
        report = run_checks(HostRoot(root), arch, config=path, only=only)
    return {r.id: r for r in report.results}


def statuses(root: Path, arch: str, config: Mapping[str, object] | None = None,
             only: list[str] | None = None) -> dict[str, Status]:
    """Id -> status of a run over ``root``."""
    return {cid: r.status for cid, r in results(root, arch, config, only).items()}


def copy_host(name: str, dest: Path) -> Path:
    """A writable copy of fixture ``name`` (symlinks kept) for tests that tweak one file."""
    target = dest / name
    shutil.copytree(HOSTS / name, target, symlinks=True)
    return target
