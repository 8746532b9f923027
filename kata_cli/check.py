"""``kata-config check``: can this host (or a captured snapshot of one) run Kata?"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kata_cli import options
from kata_config import Status

if TYPE_CHECKING:
    from kata_config import HostReport


class CheckFormat(StrEnum):
    """Output formats; the values are the keys of ``render.check.RENDERERS``."""

    text = "text"
    json = "json"
    github = "github"
    nfd = "nfd"
    prometheus = "prometheus"


def network_enabled(no_network: bool, env: Mapping[str, str] | None = None) -> bool:
    """Network checks run unless ``-n`` or ``KATA_CHECK_NO_NETWORK`` is set to anything.

    Upstream's ``kata-runtime check`` treats the variable's mere presence as "off", even
    ``KATA_CHECK_NO_NETWORK=0``; an operator's environment means the same here.
    """
    env = os.environ if env is None else env
    return not no_network and "KATA_CHECK_NO_NETWORK" not in env


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
        "github (workflow annotations), nfd (NFD feature file) or prometheus (node_exporter "
        "textfile).",
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
    from kata_config import KataConfigError, check_host, check_ids

    if list_:
        render_list(check_ids(), sys.stdout)
        raise typer.Exit(0)
    try:
        targets = fleet.pair([f.value for f in fmt or [CheckFormat.text]], output or [])
    except fleet.OutputError as exc:
        raise options.fail(str(exc)) from None
    colour = wants_colour(sys.stdout)

    def run() -> HostReport:
        return check_host(root=root, arch=arch, config=config, live=live, only=only,
                          network=network_enabled(no_network_checks), load_modules=load_modules)

    try:
        pending = [run()]  # usage errors (bad root, arch, config, check id) come before a loop
    except KataConfigError as exc:
        raise options.fail(str(exc)) from None
    last = pending[0]

    def once(every: float) -> HostReport:
        nonlocal last
        try:
            last = pending.pop() if pending else run()
        except KataConfigError as exc:  # under --interval: keep the last report, try again
            options.note(f"{exc} (will retry)")
        report = replace(last, interval=every)
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
