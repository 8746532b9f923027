"""``--load-modules``: the one probe that changes the host, and only when asked to.

Upstream's check runs ``modprobe`` as a side effect whenever it runs as root (host-checks.md
§1.10 #8). Here nothing is executed unless the caller passed ``--load-modules``, the root is
the live ``/`` and the effective uid is 0; then each missing module of the arch table that
``modules.dep`` says can be loaded gets one ``modprobe <name>``, and the report shows the
exact command and its outcome. This probe runs before the module checks, so they see the result.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Final

from kata_config.arch import Need
from kata_config.probes.base import CheckResult, ProbeContext, Status
from kata_config.probes.modstate import ModState, module_state

Runner = Callable[[Sequence[str]], tuple[int, str]]
"""Runs a command; returns its exit status and its (error) output."""


def run_command(argv: Sequence[str]) -> tuple[int, str]:
    """Run ``argv`` with a timeout; a missing binary or a hang is an exit status, not a raise."""
    # subprocess (with locale, selectors, signal): ~2 ms of imports, only for --load-modules
    import subprocess  # noqa: PLC0415

    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    except FileNotFoundError:
        return 127, f"{argv[0]}: command not found"
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 1, str(exc)
    return done.returncode, (done.stderr or done.stdout).strip()


def _vendor_module(ctx: ProbeContext) -> str | None:
    """The x86 vendor KVM module this CPU needs; None when none applies (or PVM provides KVM)."""
    facts = ctx.facts
    if facts.vendor is None or (facts.pvm and facts.vendor.virt_flag not in facts.flags):
        return None
    return facts.vendor.kvm_module


def missing_loadable(ctx: ProbeContext) -> list[str]:
    """Modules of the arch table that are neither loaded nor built in but can be loaded."""
    hypervisor = ctx.hypervisor
    wanted = []
    vendor_module = _vendor_module(ctx)
    for spec in ctx.spec.kernel_modules.values():
        if spec.need is Need.VENDOR and spec.name != vendor_module:
            continue
        if spec.need is Need.HYPERVISOR and hypervisor and hypervisor not in spec.needed_by:
            continue
        if module_state(ctx.host, spec.name)[0] is ModState.LOADABLE:
            wanted.append(spec.name)
    return wanted


def probe_modload(
    ctx: ProbeContext, runner: Runner = run_command, euid: Callable[[], int] = os.geteuid
) -> Iterator[CheckResult]:
    """Load missing modules with ``modprobe`` when, and only when, ``--load-modules`` allows."""
    if not ctx.load_modules:
        return  # not asked: no line, no command
    if not ctx.host.devices_live:
        yield CheckResult(
            "modload", Status.SKIP, "--load-modules acts on the live host only; nothing was loaded"
        )
        return
    if euid() != 0:
        yield CheckResult(
            "modload",
            Status.SKIP,
            "--load-modules needs root; nothing was loaded",
            remedy="sudo kata-config check --load-modules",
        )
        return
    names = missing_loadable(ctx)
    if not names:
        yield CheckResult("modload", Status.PASS, "no loadable module was missing; ran nothing")
        return
    for name in names:
        argv = ("modprobe", name)
        status, output = runner(argv)
        ran = " ".join(argv)
        if status == 0:
            yield CheckResult(f"modload.{name}", Status.PASS, f"ran: {ran} (exit 0)", output)
        else:
            yield CheckResult(
                f"modload.{name}",
                Status.FAIL,
                f"ran: {ran} (exit {status})",
                output,
                f"see dmesg for why {name} did not load",
            )


PROBES: Final = (probe_modload,)
CHECK_IDS: Final = ("modload",)
