"""The contract every host probe follows: a context in, check results out."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kata_config.model import KataConfig
    from kata_config.probes.host import HostRoot


class Status(StrEnum):
    """Verdict of one check, worst last so that comparisons by ``RANK`` order them."""

    PASS = "pass"
    SKIP = "skip"
    WARN = "warn"
    FAIL = "fail"


RANK: dict[Status, int] = {Status.PASS: 0, Status.SKIP: 0, Status.WARN: 1, Status.FAIL: 2}


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class ProbeContext:
    """What a probe may look at.

    ``live`` is True only when the host root is ``/``: then, and only then, a probe may use
    ioctls, ``os.uname()`` or the caller's credentials. ``config`` is the effective Kata
    configuration when one was given or found, else None.
    """

    host: HostRoot
    arch: str
    live: bool
    config: KataConfig | None = None
    network: bool = False
    load_modules: bool = False


Probe = Callable[[ProbeContext], Iterable[CheckResult]]
"""A probe: pure over its context except for reads through ``ctx.host`` (and live ioctls)."""
