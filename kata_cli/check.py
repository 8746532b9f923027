"""``kata-config check``: can this host (or a captured snapshot of one) run Kata?"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kata_cli import options
from kata_config.probes.base import Status

if TYPE_CHECKING:
    from kata_cli.render.check import CheckRun
    from kata_config.probes.base import CheckResult, ProbeContext


class CheckFormat(StrEnum):
    """Output formats; the values are the keys of ``render.check.RENDERERS``."""

    text = "text"
    json = "json"
    nfd = "nfd"
    prometheus = "prometheus"


def network_enabled(no_network: bool, env: Mapping[str, str] | None = None) -> bool:
    """Network checks run unless ``-n`` or ``KATA_CHECK_NO_NETWORK`` is set to anything.

    Upstream's ``kata-runtime check`` treats the variable's mere presence as "off", even
    ``KATA_CHECK_NO_NETWORK=0``; an operator's environment means the same here.
    """
    env = os.environ if env is None else env
    return not no_network and "KATA_CHECK_NO_NETWORK" not in env


def _known(want: str, listed: tuple[tuple[str, str], ...]) -> bool:
    return any(want == cid or want.startswith(cid + ".") or cid.startswith(want + ".")
               for cid, _ in listed)


def _with_config_line(results: tuple[CheckResult, ...], line: CheckResult,
                      only: list[str] | None) -> tuple[CheckResult, ...]:
    """Put the ``config.file`` line just before the other config lines (or last)."""
    if only and not any(line.id == w or line.id.startswith(w + ".") for w in only):
        return results
    at = next((i for i, r in enumerate(results) if r.id.startswith("config.")), len(results))
    return (*results[:at], line, *results[at:])


def _node_facts(ctx: ProbeContext) -> dict[str, bool]:
    """What the NFD labels say about the node itself: VM guest, nested KVM, PVM."""
    from kata_config.probes.virt import host_facts

    facts = host_facts(ctx)
    hardware = bool(facts.flags & {"vmx", "svm"})
    return {"vm-guest": facts.guest, "nested": facts.guest and facts.kvm_device and
            not (facts.pvm and not hardware), "pvm": facts.pvm}


def _run_once(ctx: ProbeContext, root: str, config_line: CheckResult, only: list[str] | None,
              interval: float) -> CheckRun:
    from kata_cli.render.check import CheckRun
    from kata_config.probes import run

    started = time.monotonic()
    results = _with_config_line(run(ctx, only), config_line, only)
    return CheckRun(ctx.arch, root, results, finished=time.time(),
                    duration=time.monotonic() - started, interval=interval,
                    node=_node_facts(ctx))


def check(
    *,
    config: Annotated[Path | None, typer.Option(
        help="Kata configuration to check against the host. Default: the one Kata would "
        "load from the host root.", show_default=False)] = None,
    root: Annotated[str, typer.Option(help="Host root: / or a snapshot directory, or the "
                                      "node mounted in a pod (with --live).")] = "/",
    live: Annotated[bool, typer.Option("--live", help="Under --root, run the live checks "
                    "(KVM ioctls, device access) on ROOT/dev: for a privileged pod that "
                    "mounts its node at /host. Refused without a real ROOT/dev/kvm.")] = False,
    arch: options.Arch = None,
    no_network_checks: Annotated[bool, typer.Option(
        "--no-network-checks", "-n",
        help="Skip network.release (also when KATA_CHECK_NO_NETWORK is set, to any value).")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show evidence.")] = False,
    fmt: Annotated[list[CheckFormat] | None, typer.Option(
        "--format", help="Output format (repeatable, each with its own --output): text, json, "
        "nfd (NFD feature file) or prometheus (node_exporter textfile).",
        show_default=False)] = None,
    output: Annotated[list[Path] | None, typer.Option(
        "--output", "-o", help="File for the --format in the same position, replaced "
        "atomically ('-': stdout).", show_default=False)] = None,
    interval: Annotated[float | None, typer.Option(
        min=1.0, help="Keep running: check again every SECONDS and rewrite the outputs; "
        "SIGTERM ends it (exit 0).", show_default=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", "-s", help="Exit 1 on warnings too.")
                      ] = False,
    only: Annotated[list[str] | None, typer.Option(
        help="Run only this check id or family (repeatable), e.g. module or cpu.virtualization.",
        show_default=False)] = None,
    list_: Annotated[bool, typer.Option("--list", help="List check ids and exit.")] = False,
    load_modules: Annotated[bool, typer.Option(
        help="As root on the live host, modprobe missing modules (and say so).")] = False,
    quiet: options.Quiet = False,
) -> None:
    """Check host readiness: CPU virtualization, KVM, modules, devices, environment, config.

    Exit 0 when everything passes or only warns (1 with --strict), 1 on any failure, 2 on a
    usage error. Under --root nothing live is touched unless --live is given.
    """
    from kata_cli import fleet
    from kata_cli.render import wants_colour
    from kata_cli.render.check import render_list
    from kata_config.probes import list_checks
    from kata_config.probes.base import ProbeContext
    from kata_config.probes.config_checks import resolve
    from kata_config.probes.target import TargetError, resolve_target

    listed = list_checks()
    if list_:
        render_list(listed, sys.stdout)
        raise typer.Exit(0)
    unknown = [want for want in only or () if not _known(want, listed)]
    if unknown:
        raise options.fail(f"unknown check id {', '.join(unknown)} (see --list)")
    try:
        targets = fleet.pair([f.value for f in fmt or [CheckFormat.text]], output or [])
        host, target = resolve_target(root, arch, live)
    except (TargetError, fleet.OutputError) as exc:
        raise options.fail(str(exc)) from None
    if load_modules and not host.live:
        raise options.fail("--load-modules works only on the live host (--root /)")
    resolved = resolve(host, target, config)
    if resolved.error is not None:
        raise options.fail(f"--config {config}: {resolved.error}")
    ctx = ProbeContext(host, target, host.live or live, resolved.config,
                       network_enabled(no_network_checks), load_modules)
    colour = wants_colour(sys.stdout)

    def once(every: float) -> CheckRun:
        report = _run_once(ctx, str(root), resolved.result, only, every)
        shown = report
        if quiet:
            kept = tuple(r for r in report.results if r.status in (Status.WARN, Status.FAIL))
            shown = replace(report, results=kept)
        try:
            fleet.write(shown, targets, verbose, colour)
        except OSError as exc:
            if not every:
                raise options.fail(f"cannot write the output: {exc}") from None
            options.note(f"cannot write the output (will retry): {exc}")
        return report

    if interval:
        fleet.run_every(interval, once)
        raise typer.Exit(0)
    raise typer.Exit(once(0.0).exit_code(strict))


def register(app: typer.Typer) -> None:
    """Add ``check`` to the app."""
    app.command("check")(check)
