"""The probe registry: every host check ``kata-config check`` runs, and the runner.

``_MODULES`` is the whole list of probe modules, in report order. Each one exports
``PROBES: Final[tuple[Probe, ...]]`` and ``CHECK_IDS: Final[tuple[str, ...]]`` (every id its
probes may emit, for ``--list`` and for validating ``--only``).
Adding a module is a one-line edit of ``_MODULES``.

The runner never lets a probe crash the run: an exception becomes a FAIL result that names
the probe, so one broken probe costs one line of the report, not the report.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import Final

from kata_config.probes.base import CheckResult, Probe, ProbeContext, Status

_MODULES: Final[tuple[str, ...]] = (
    "kata_config.probes.cpu",
    "kata_config.probes.virt",
    # A module-loading probe (--load-modules) must come before kernel so its lines see the result.
    "kata_config.probes.modload",
    "kata_config.probes.kernel",
    "kata_config.probes.devices",
    "kata_config.probes.kvm",
    "kata_config.probes.tee",
    "kata_config.probes.environment",
    "kata_config.probes.config_checks",
    "kata_config.probes.release",
)
"""Probe modules by import name, imported on first use so ``check --list`` stays fast."""


def _import(name: str) -> ModuleType | Probe:
    try:
        return importlib.import_module(name)
    except Exception as exc:  # a broken module costs its own lines only
        error = f"{type(exc).__name__}: {exc}"

        def _broken(ctx: ProbeContext) -> Iterable[CheckResult]:
            raise RuntimeError(f"cannot import {name}: {error}")

        _broken.__module__ = name
        _broken.__name__ = "import"
        return _broken


def _modules() -> tuple[ModuleType, ...]:
    return tuple(m for m in map(_import, _MODULES) if isinstance(m, ModuleType))


def probes() -> tuple[Probe, ...]:
    """Every registered probe, in report order (a module that fails to import is one probe)."""
    found: list[Probe] = []
    for name in _MODULES:
        loaded = _import(name)
        found.extend(loaded.PROBES if isinstance(loaded, ModuleType) else (loaded,))
    return tuple(found)


def __getattr__(name: str) -> tuple[Probe, ...]:
    # PROBES is computed on first access so importing the package stays cheap.
    if name == "PROBES":
        return probes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def list_checks() -> tuple[tuple[str, str], ...]:
    """Every check id the registry can emit with the module that owns it, in report order."""
    rows: list[tuple[str, str]] = []
    for module in _modules():
        owner = module.__name__.rsplit(".", 1)[-1]
        rows.extend((check_id, owner) for check_id in getattr(module, "CHECK_IDS", ()))
    return tuple(rows)


def _selected(result: CheckResult, only: Sequence[str] | None) -> bool:
    if not only:
        return True
    # "module" selects every module.<name> line; "module.kvm" selects that one line.
    return any(result.id == want or result.id.startswith(want + ".") for want in only)


def _probe_name(probe: Probe) -> str:
    module = getattr(probe, "__module__", "?").rsplit(".", 1)[-1]
    return f"{module}.{getattr(probe, '__name__', repr(probe))}"


def run_probes(
    ctx: ProbeContext, chosen: Iterable[Probe], only: Sequence[str] | None = None
) -> tuple[CheckResult, ...]:
    """Run ``chosen`` probes over ``ctx``; a probe that raises becomes one FAIL line."""
    results: list[CheckResult] = []
    for probe in chosen:
        try:
            produced = list(probe(ctx))
        except Exception as exc:  # the report must survive any probe bug
            name = _probe_name(probe)
            produced = [
                CheckResult(
                    id=f"probe.{name}",
                    status=Status.FAIL,
                    message=f"probe {name} crashed: {type(exc).__name__}: {exc}",
                    remedy="report this as a kata-config bug; the other checks are unaffected",
                )
            ]
        results.extend(r for r in produced if _selected(r, only) or r.id.startswith("probe."))
    return tuple(results)


def run(ctx: ProbeContext, only: Sequence[str] | None = None) -> tuple[CheckResult, ...]:
    """Run every registered probe; ``only`` keeps the ids equal to or under the given ones."""
    return run_probes(ctx, probes(), only)
