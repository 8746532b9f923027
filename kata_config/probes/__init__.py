"""The probe registry: every host check ``kata-config check`` runs, and the probe runner.

``probe_modules`` is the whole list of probe modules, in report order. Each one exports
``PROBES: Final[tuple[Probe, ...]]`` and ``CHECK_IDS: Final[tuple[str, ...]]`` (every id its
probes may emit, for ``--list`` and for validating ``--only``). Adding a module is one more
name in that function. The pipeline that runs them is ``kata_config/hostcheck.py``.

The registry is also where the check wing loads lazily, with plain imports inside its
functions: the probes (validate reads files through ``probes/host.py`` and must not pay for
them) and the config loader (``config_loader``: a host without a config never loads the model).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kata_config.probes.base import Probe, Resolved
    from kata_config.probes.host import HostRoot


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
    from kata_config.probes import (  # noqa: PLC0415 (the probe registry)
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


def config_loader() -> Callable[[str, str, HostRoot | None, str, bool], Resolved]:
    """``configload.load_found``, imported on first use: it brings the config model and the
    key catalogue (~8 ms), which a host without a Kata configuration never needs."""
    from kata_config.probes.configload import load_found  # noqa: PLC0415 (the probe registry)

    return load_found
