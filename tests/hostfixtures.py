"""Shared helpers for the host-probe tests: fixture roots and running probes over them."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Final

from kata_config.hostcheck import run_checks
from kata_config.model import KataConfig
from kata_config.probes.base import CheckResult, Status
from kata_config.probes.host import HostRoot

HOSTS: Final = Path(__file__).parent / "fixtures" / "hosts"


def arch_of(name: str) -> str:
    """``x86_64-intel-kvm-ok`` -> ``x86_64``."""
    return next(a for a in ("x86_64", "aarch64", "ppc64le", "s390x") if name.startswith(a))


def results(root: Path, arch: str, config: KataConfig | None = None,
            only: list[str] | None = None) -> dict[str, CheckResult]:
    """Every result of a run over ``root`` keyed by id (offline: the root is never ``/``)."""
    report = run_checks(HostRoot(root), arch, config=config, only=only)
    return {r.id: r for r in report.results}


def statuses(root: Path, arch: str, config: KataConfig | None = None,
             only: list[str] | None = None) -> dict[str, Status]:
    """Id -> status of a run over ``root``."""
    return {cid: r.status for cid, r in results(root, arch, config, only).items()}


def copy_host(name: str, dest: Path) -> Path:
    """A writable copy of fixture ``name`` (symlinks kept) for tests that tweak one file."""
    target = dest / name
    shutil.copytree(HOSTS / name, target, symlinks=True)
    return target
