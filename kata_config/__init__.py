"""kata-config: validate Kata Containers configuration and check host readiness.

The public API is exactly ``__all__``, documented in docs/api.md; every other module is
private and may change. ``kata_cli`` and ``kata_runtime`` import nothing else (tested).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from kata_config.project import RULES_URL

if TYPE_CHECKING:
    from kata_config.arch import ArchSpec, UnknownArchError, canonical_arch
    from kata_config.arch.qemu import MaxMem, QemuLaunch, Rootfs, RootPorts
    from kata_config.atomic import AtomicWriteError, atomic_write
    from kata_config.diff import Change as DiffChange
    from kata_config.diff import DiffError, DiffResult, diff_config
    from kata_config.discovery import Candidate, Discovery, RuntimeHandler, discover
    from kata_config.effective.hostfacts import HostFacts
    from kata_config.effective.keyinfo import KeyInfo, catalogue
    from kata_config.effective.loader import load
    from kata_config.effective.model import Effective
    from kata_config.effective.origin import Change, Origin
    from kata_config.effective.sections import (
        AgentSettings,
        FactorySettings,
        GuestExtensionImage,
        HypervisorSettings,
        MemAgentSettings,
        RootlessUserSettings,
        RuntimeSettings,
        SharedMount,
    )
    from kata_config.errors import ConfigNotFound, KataConfigError, LoadError
    from kata_config.findings import Finding, Location, Report, Rule, Severity
    from kata_config.hostcheck import HostReport, check_host, check_ids
    from kata_config.hostread import HostFiles, Unreadable
    from kata_config.inputs import InputError, check_input, read_input
    from kata_config.keys.history import UnknownReleaseError
    from kata_config.keys.history import parse_release as kata_release
    from kata_config.migrate import MigrateBlocked, MigrateError, Migration, migrate_file
    from kata_config.migrate import Step as MigrationStep
    from kata_config.pipeline import validate
    from kata_config.probes.base import CheckResult, Status
    from kata_config.probes.hostinfo import HostInfo, host_info
    from kata_config.rules import RuleDoc
    from kata_config.rules import registry as rule_docs
    from kata_config.schema import schema_text
    from kata_config.snapshot import Capture as SnapshotCapture
    from kata_config.snapshot import SnapshotError, extract_snapshot, take_snapshot
    from kata_config.snapshot import files_of as snapshot_files
    from kata_config.stock import StockFile, UnknownDefaultError
    from kata_config.stock import find as stock_file
    from kata_config.stock import templates as stock_templates
    from kata_config.stock.spec import Template as StockTemplate
    from kata_config.suppress import select as select_findings

__version__ = "0.1.0"

# Public name -> "module" or "module:attribute" defining it, imported on first use: importing
# every public module up front measured 66-92 ms against ~10 ms (typing) for this table, about
# 25 ms more than a whole `kata-config validate` otherwise imports.
_LAZY: Final[dict[str, str]] = {
    "AgentSettings": "kata_config.effective.sections",
    "ArchSpec": "kata_config.arch",
    "AtomicWriteError": "kata_config.atomic",
    "Candidate": "kata_config.discovery",
    "Change": "kata_config.effective.origin",
    "CheckResult": "kata_config.probes.base",
    "ConfigNotFound": "kata_config.errors",
    "DiffChange": "kata_config.diff:Change",
    "DiffError": "kata_config.diff",
    "DiffResult": "kata_config.diff",
    "Discovery": "kata_config.discovery",
    "Effective": "kata_config.effective.model",
    "FactorySettings": "kata_config.effective.sections",
    "Finding": "kata_config.findings",
    "GuestExtensionImage": "kata_config.effective.sections",
    "HostFacts": "kata_config.effective.hostfacts",
    "HostFiles": "kata_config.hostread",
    "HostInfo": "kata_config.probes.hostinfo",
    "HostReport": "kata_config.hostcheck",
    "HypervisorSettings": "kata_config.effective.sections",
    "InputError": "kata_config.inputs",
    "KataConfigError": "kata_config.errors",
    "KeyInfo": "kata_config.effective.keyinfo",
    "LoadError": "kata_config.errors",
    "Location": "kata_config.findings",
    "MaxMem": "kata_config.arch.qemu",
    "MemAgentSettings": "kata_config.effective.sections",
    "MigrateBlocked": "kata_config.migrate",
    "MigrateError": "kata_config.migrate",
    "Migration": "kata_config.migrate",
    "MigrationStep": "kata_config.migrate:Step",
    "Origin": "kata_config.effective.origin",
    "QemuLaunch": "kata_config.arch.qemu",
    "Report": "kata_config.findings",
    "RootPorts": "kata_config.arch.qemu",
    "Rootfs": "kata_config.arch.qemu",
    "RootlessUserSettings": "kata_config.effective.sections",
    "Rule": "kata_config.findings",
    "RuleDoc": "kata_config.rules",
    "RuntimeHandler": "kata_config.discovery",
    "RuntimeSettings": "kata_config.effective.sections",
    "Severity": "kata_config.findings",
    "SharedMount": "kata_config.effective.sections",
    "SnapshotCapture": "kata_config.snapshot:Capture",
    "SnapshotError": "kata_config.snapshot",
    "Status": "kata_config.probes.base",
    "StockFile": "kata_config.stock",
    "StockTemplate": "kata_config.stock.spec:Template",
    "UnknownArchError": "kata_config.arch",
    "UnknownDefaultError": "kata_config.stock",
    "UnknownReleaseError": "kata_config.keys.history",
    "Unreadable": "kata_config.hostread",
    "atomic_write": "kata_config.atomic",
    "canonical_arch": "kata_config.arch",
    "catalogue": "kata_config.effective.keyinfo",
    "check_host": "kata_config.hostcheck",
    "check_ids": "kata_config.hostcheck",
    "check_input": "kata_config.inputs",
    "diff_config": "kata_config.diff",
    "discover": "kata_config.discovery",
    "extract_snapshot": "kata_config.snapshot",
    "host_info": "kata_config.probes.hostinfo",
    "kata_release": "kata_config.keys.history:parse_release",
    "load": "kata_config.effective.loader",
    "migrate_file": "kata_config.migrate",
    "read_input": "kata_config.inputs",
    "rule_docs": "kata_config.rules:registry",
    "schema_text": "kata_config.schema",
    "select_findings": "kata_config.suppress:select",
    "snapshot_files": "kata_config.snapshot:files_of",
    "stock_file": "kata_config.stock:find",
    "stock_templates": "kata_config.stock:templates",
    "take_snapshot": "kata_config.snapshot",
    "validate": "kata_config.pipeline",
}

__all__ = [
    "RULES_URL",
    "AgentSettings",
    "ArchSpec",
    "AtomicWriteError",
    "Candidate",
    "Change",
    "CheckResult",
    "ConfigNotFound",
    "DiffChange",
    "DiffError",
    "DiffResult",
    "Discovery",
    "Effective",
    "FactorySettings",
    "Finding",
    "GuestExtensionImage",
    "HostFacts",
    "HostFiles",
    "HostInfo",
    "HostReport",
    "HypervisorSettings",
    "InputError",
    "KataConfigError",
    "KeyInfo",
    "LoadError",
    "Location",
    "MaxMem",
    "MemAgentSettings",
    "MigrateBlocked",
    "MigrateError",
    "Migration",
    "MigrationStep",
    "Origin",
    "QemuLaunch",
    "Report",
    "RootPorts",
    "Rootfs",
    "RootlessUserSettings",
    "Rule",
    "RuleDoc",
    "RuntimeHandler",
    "RuntimeSettings",
    "Severity",
    "SharedMount",
    "SnapshotCapture",
    "SnapshotError",
    "Status",
    "StockFile",
    "StockTemplate",
    "UnknownArchError",
    "UnknownDefaultError",
    "UnknownReleaseError",
    "Unreadable",
    "__version__",
    "arch_spec",
    "atomic_write",
    "canonical_arch",
    "catalogue",
    "check_host",
    "check_ids",
    "check_input",
    "diff_config",
    "discover",
    "extract_snapshot",
    "host_info",
    "kata_release",
    "load",
    "migrate_file",
    "read_input",
    "rule_docs",
    "schema_text",
    "select_findings",
    "snapshot_files",
    "stock_file",
    "stock_templates",
    "take_snapshot",
    "validate",
]


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'kata_config' has no attribute {name!r}")
    module, _, attribute = target.partition(":")
    # The builtin import, not importlib.import_module: that one bypasses -X importtime's
    # timer, and the start-up benchmark (benchmarks/bench_imports.py) must see these modules.
    value = getattr(__import__(module, fromlist=["_"]), attribute or name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


def arch_spec(name: str) -> ArchSpec:
    """The per-arch facts kata-config keeps (machine types, QEMU launch data, host checks).

    Accepts the aliases ``amd64``, ``arm64``, ... as well as the canonical ``uname -m`` names.

    Raises:
        ValueError: for an architecture kata-config has no table for.
    """
    from kata_config.arch import ARCHES, normalize  # lazy: see _LAZY

    return ARCHES[normalize(name)]
