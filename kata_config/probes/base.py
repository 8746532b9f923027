"""The contract every host probe follows: a context in, check results out."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

from kata_config.record import record

if TYPE_CHECKING:
    from kata_config.arch import ArchSpec
    from kata_config.model import KataConfig
    from kata_config.probes.facts import Facts
    from kata_config.probes.host import HostRoot


class Status(StrEnum):
    """Verdict of one check, worst last so that comparisons by ``RANK`` order them."""

    PASS = "pass"
    SKIP = "skip"
    WARN = "warn"
    FAIL = "fail"


RANK: dict[Status, int] = {Status.PASS: 0, Status.SKIP: 0, Status.WARN: 1, Status.FAIL: 2}


@record
class CheckResult:
    """One line of ``kata-config check``: a stable dotted id, a verdict and why.

    ``evidence`` names what was read (file and value, ioctl and answer); ``remedy`` is the
    exact fix for this host (a modprobe line, a kernel parameter, a firmware setting).
    """

    id: str
    status: Status
    message: str
    evidence: str = ""
    remedy: str = ""


def selects(check_id: str, wanted: str) -> bool:
    """True when ``wanted`` names ``check_id`` or a family above it (``module`` selects
    ``module.kvm``; ``module.kvm`` selects itself and ``module.kvm.<param>``)."""
    return check_id == wanted or check_id.startswith(wanted + ".")


@record
class ProbeContext:
    """What a probe may look at; ``hostcheck.context`` builds it.

    ``host.live`` (the root is ``/``) allows processes, ``os.uname()`` and the caller's
    credentials; ``host.devices_live`` (also under ``--root /host --live``) allows ioctls on
    the root's device nodes. ``spec`` is the arch's table and ``facts`` what was read of the
    host once for every probe. ``config`` is the effective Kata configuration when one was
    given or found, else None.
    """

    host: HostRoot
    spec: ArchSpec
    facts: Facts
    config: KataConfig | None = None
    network: bool = False
    load_modules: bool = False

    @property
    def arch(self) -> str:
        """The canonical name of the arch the host is checked as."""
        return self.spec.name

    @property
    def hypervisor(self) -> str | None:
        """The configured hypervisor's name, or None when no config is known."""
        return self.config.active_hypervisor if self.config is not None else None


@record
class Resolved:
    """The outcome of finding and loading the config: the model, a report line, or an error.

    ``error`` is set only when an explicitly given file cannot be used (a usage error).
    """

    config: KataConfig | None
    result: CheckResult
    error: str | None = None
    path: str | None = None
    """The config file used, as the host names it (None when there is none)."""


Probe = Callable[[ProbeContext], Iterable[CheckResult]]
"""A probe: pure over its context except for reads through ``ctx.host`` (and live ioctls)."""
