"""kata-config: validate Kata Containers configuration and check host readiness.

The public API is exactly ``__all__``, documented in docs/api.md; every other module is
private and may change. ``kata_cli`` and ``kata_runtime`` import nothing else (tested).
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Final

from kata_config.project import RULES_URL

if TYPE_CHECKING:
    from kata_config.arch import ArchSpec, UnknownArchError, arch_spec, canonical_arch
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
    from kata_config.record import asdict, replace
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
    "asdict",
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
    "replace",
    "rule_docs",
    "schema_text",
    "select_findings",
    "snapshot_files",
    "stock_file",
    "stock_templates",
    "take_snapshot",
    "validate",
]


def __getattr__(name: str) -> object:  # noqa: PLR0915 (one case per public module)
    """Import the module defining a public name on first use (PEP 562).

    Importing every public module up front measured 66-92 ms against ~10 ms (typing) for
    this table, about 25 ms more than a whole ``kata-config validate`` otherwise imports.
    The imports are plain statements, so mypy, the import-graph test and ``-X importtime``
    see them (an ``importlib`` call by name would hide them).
    """
    module: ModuleType
    match name:
        case "ArchSpec" | "UnknownArchError" | "arch_spec" | "canonical_arch":
            from kata_config import arch as module
        case "MaxMem" | "QemuLaunch" | "RootPorts" | "Rootfs":
            from kata_config.arch import qemu as module
        case "AtomicWriteError" | "atomic_write":
            from kata_config import atomic as module
        case "DiffChange" | "DiffError" | "DiffResult" | "diff_config":
            from kata_config import diff as module
        case "Candidate" | "Discovery" | "RuntimeHandler" | "discover":
            from kata_config import discovery as module
        case "HostFacts":
            from kata_config.effective import hostfacts as module
        case "KeyInfo" | "catalogue":
            from kata_config.effective import keyinfo as module
        case "load":
            from kata_config.effective import loader as module
        case "Effective":
            from kata_config.effective import model as module
        case "Change" | "Origin":
            from kata_config.effective import origin as module
        case ("AgentSettings" | "FactorySettings" | "GuestExtensionImage" | "HypervisorSettings"
              | "MemAgentSettings" | "RootlessUserSettings" | "RuntimeSettings" | "SharedMount"):
            from kata_config.effective import sections as module
        case "ConfigNotFound" | "KataConfigError" | "LoadError":
            from kata_config import errors as module
        case "Finding" | "Location" | "Report" | "Rule" | "Severity":
            from kata_config import findings as module
        case "HostReport" | "check_host" | "check_ids":
            from kata_config import hostcheck as module
        case "HostFiles" | "Unreadable":
            from kata_config import hostread as module
        case "InputError" | "check_input" | "read_input":
            from kata_config import inputs as module
        case "UnknownReleaseError" | "kata_release":
            from kata_config.keys import history as module
        case "MigrateBlocked" | "MigrateError" | "Migration" | "MigrationStep" | "migrate_file":
            from kata_config import migrate as module
        case "validate":
            from kata_config import pipeline as module
        case "CheckResult" | "Status":
            from kata_config.probes import base as module
        case "HostInfo" | "host_info":
            from kata_config.probes import hostinfo as module
        case "asdict" | "replace":
            from kata_config import record as module
        case "RuleDoc" | "rule_docs":
            from kata_config import rules as module
        case "schema_text":
            from kata_config import schema as module
        case ("SnapshotCapture" | "SnapshotError" | "extract_snapshot" | "snapshot_files"
              | "take_snapshot"):
            from kata_config import snapshot as module
        case "StockFile" | "UnknownDefaultError" | "stock_file" | "stock_templates":
            from kata_config import stock as module
        case "StockTemplate":
            from kata_config.stock import spec as module
        case "select_findings":
            from kata_config import suppress as module
        case _:
            raise AttributeError(f"module 'kata_config' has no attribute {name!r}")
    value = getattr(module, _SPELLED.get(name, name))
    globals()[name] = value  # later lookups skip this function
    return value


_SPELLED: Final[dict[str, str]] = {
    "DiffChange": "Change",
    "MigrationStep": "Step",
    "SnapshotCapture": "Capture",
    "StockTemplate": "Template",
    "kata_release": "parse_release",
    "rule_docs": "registry",
    "select_findings": "select",
    "snapshot_files": "files_of",
    "stock_file": "find",
    "stock_templates": "templates",
}
"""Public names spelled otherwise in the module that defines them."""


def __dir__() -> list[str]:
    return sorted(__all__)
