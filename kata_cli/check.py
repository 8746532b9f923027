"""``kata-config check``: can this host (or a captured snapshot of one) run Kata?"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from kata_config.probes.base import CheckResult


class CheckFormat(StrEnum):
    """Output formats; the values are the keys of ``render.check.RENDERERS``."""

    text = "text"
    json = "json"


def _usage(message: str) -> typer.Exit:
    sys.stderr.write(f"kata-config check: {message}\n")
    return typer.Exit(2)


def _network(no_network: bool) -> bool:
    env = os.environ.get("KATA_CHECK_NO_NETWORK", "")
    return not no_network and env.lower() in ("", "0", "false", "no")


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


def check(
    *,
    config: Annotated[Path | None, typer.Option(
        help="Kata configuration to check against the host. Default: the one Kata would "
        "load from the host root.", show_default=False)] = None,
    root: Annotated[str, typer.Option(help="Host root: / or a snapshot directory.")] = "/",
    arch: Annotated[str | None, typer.Option(help="Arch of the host (required for a --root "
                    "without snapshot metadata).", show_default=False)] = None,
    no_network_checks: Annotated[bool, typer.Option(
        "--no-network-checks", help="Skip network.release (also KATA_CHECK_NO_NETWORK=1).")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show evidence.")] = False,
    fmt: Annotated[CheckFormat, typer.Option("--format", help="Output format.")
                   ] = CheckFormat.text,
    strict: Annotated[bool, typer.Option(help="Exit 1 on warnings too.")] = False,
    only: Annotated[list[str] | None, typer.Option(
        help="Run only this check id or family (repeatable), e.g. module or cpu.virtualization.",
        show_default=False)] = None,
    list_: Annotated[bool, typer.Option("--list", help="List check ids and exit.")] = False,
    load_modules: Annotated[bool, typer.Option(
        help="As root on the live host, modprobe missing modules (and say so).")] = False,
) -> None:
    """Check host readiness: CPU virtualization, KVM, modules, devices, environment, config.

    Exit 0 when everything passes or only warns (1 with --strict), 1 on any failure, 2 on a
    usage error. Under --root nothing live is touched.
    """
    from kata_cli.render import wants_colour
    from kata_cli.render.check import RENDERERS, CheckRun, render_list
    from kata_config.probes import list_checks, run
    from kata_config.probes.base import ProbeContext
    from kata_config.probes.config_checks import resolve
    from kata_config.probes.target import TargetError, resolve_target

    listed = list_checks()
    if list_:
        render_list(listed, sys.stdout)
        raise typer.Exit(0)
    unknown = [want for want in only or () if not _known(want, listed)]
    if unknown:
        raise _usage(f"unknown check id {', '.join(unknown)} (see --list)")
    try:
        host, target = resolve_target(root, arch)
    except TargetError as exc:
        raise _usage(str(exc)) from None
    if load_modules and not host.live:
        raise _usage("--load-modules works only on the live host (--root /)")
    resolved = resolve(host, target, config)
    if resolved.error is not None:
        raise _usage(f"--config {config}: {resolved.error}")
    ctx = ProbeContext(host, target, host.live, resolved.config, _network(no_network_checks),
                       load_modules)
    report = CheckRun(target, str(root), _with_config_line(run(ctx, only), resolved.result, only))
    RENDERERS[fmt.value](report, sys.stdout, verbose, wants_colour(sys.stdout))
    raise typer.Exit(report.exit_code(strict))


def register(app: typer.Typer) -> None:
    """Add ``check`` to the app."""
    app.command("check")(check)
