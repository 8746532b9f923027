"""The probe registry: every host check ``kata-config check`` runs, and the probe runner.

``probe_modules`` is the whole list of probe modules, in report order. Each one exports
``PROBES: Final[tuple[Probe, ...]]`` and ``CHECK_IDS: Final[tuple[str, ...]]`` (every id its
probes may emit, for ``--list`` and for validating ``--only``). Adding a module is one more
name in that function. The pipeline that runs them is ``kata_config/hostcheck.py``.

The runner never lets a probe crash the run: an exception becomes a FAIL result that names
the probe, so one broken probe costs one line of the report, not the report.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kata_config.probes.base import CheckResult, Probe, ProbeContext


class ProbeModule(Protocol):
    """What a probe module exports (a module object satisfies it)."""

    @property
    def PROBES(self) -> tuple[Probe, ...]:
        """The module's probes, in report order."""

    @property
    def CHECK_IDS(self) -> tuple[str, ...]:
        """Every id the module's probes may emit."""


def probe_modules() -> tuple[ProbeModule, ...]:
    """Every probe module, in report order."""
    # Imported here, not with the package: every host read imports kata_config.probes (for
    # probes/host.py), and validate must not pay for the probes (~15 ms of imports).
    from kata_config.probes import (
        config_checks,
        cpu,
        devices,
        environment,
        kernel,
        kvm,
        modload,
        release,
        tee,
        virt,
    )

    # modload (--load-modules) comes before kernel so the module lines see what it loaded.
    return (cpu, virt, modload, kernel, devices, kvm, tee, environment, config_checks, release)


def list_checks() -> tuple[tuple[str, str], ...]:
    """Every check id the registry can emit with the module that owns it, in report order."""
    return tuple((check_id, getattr(module, "__name__", "?").rsplit(".", 1)[-1])
                 for module in probe_modules() for check_id in module.CHECK_IDS)


def selected(check_id: str, only: Sequence[str] | None) -> bool:
    """True when ``only`` is empty or one of its ids or families names ``check_id``."""
    from kata_config.probes.base import selects  # see run_probes

    return not only or any(selects(check_id, want) for want in only)


def _probe_name(probe: Probe) -> str:
    module = getattr(probe, "__module__", "?").rsplit(".", 1)[-1]
    return f"{module}.{getattr(probe, '__name__', repr(probe))}"


def run_probes(ctx: ProbeContext, chosen: Iterable[Probe]) -> tuple[CheckResult, ...]:
    """Run ``chosen`` probes over ``ctx``; a probe that raises becomes one FAIL line."""
    # Imported here, not with the package: reading a config goes through probes/host.py,
    # which imports this package, and validate need not define the probe types (~1.4 ms).
    from kata_config.probes.base import CheckResult, Status

    results: list[CheckResult] = []
    for probe in chosen:
        try:
            produced = list(probe(ctx))  # all or nothing: a crash drops the partial lines
        except Exception as exc:  # the report must survive any probe bug
            name = _probe_name(probe)
            produced = [CheckResult(
                id=f"probe.{name}",
                status=Status.FAIL,
                message=f"probe {name} crashed: {type(exc).__name__}: {exc}",
                remedy="report this as a kata-config bug; the other checks are unaffected",
            )]
        results.extend(produced)
    return tuple(results)
