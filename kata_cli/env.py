"""``kata-config env``: what the runtime would load and run with, as ``kata-runtime env``.

The files loaded and in which order (every candidate with its reason), the runtime flavour,
the active hypervisor and agent, the hypervisor binary's version (live host only), the
resolved settings that matter (origins under --verbose) and the host summary.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from kata_cli import options


class EnvFormat(StrEnum):
    """Output formats; the values are the keys of ``render.env.RENDERERS``."""

    toml = "toml"
    json = "json"


def env(
    *,
    runtime_class: options.RuntimeClass = None,
    root: options.Root = "/",
    fmt: Annotated[EnvFormat, typer.Option("--format", help="Output format.")] = EnvFormat.toml,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Say where each value "
                       "came from (file and line, drop-in, default, normalisation).")] = False,
    runtime: options.Runtime = options.RuntimeOption.auto,
    arch: options.Arch = None,
    config: Annotated[str | None, typer.Option(
        "--config", help="Show this configuration (inside --root) instead of the one the "
        "runtime would find, as kata-runtime --config does; '-' reads it from standard "
        "input.", show_default=False)] = None,
) -> None:
    """Show what the runtime would load and run with: files, flavour, settings, host.

    Exit 0 when the configuration loads, 1 when the runtime would refuse it, 2 when none is
    found or on a usage error. The hypervisor's --version is asked only on the live host.
    """
    from kata_cli.discovered import exclusive  # noqa: PLC0415 (lazy: tests/test_imports.py)
    from kata_cli.envreport import gather  # noqa: PLC0415 (the command table: this command's body)
    from kata_cli.render.env import RENDERERS  # noqa: PLC0415 (lazy: tests/test_imports.py)

    exclusive("env", config, runtime_class)
    try:
        report, code = gather(root, runtime.value, runtime_class, arch, verbose=verbose,
                              config=config)
    except ValueError as exc:
        raise options.fail(f"env: {exc}") from None
    RENDERERS[fmt.value](report, sys.stdout, verbose)
    if report["config"]["error"]:
        options.note(f"env: {report['config']['error']}")
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add ``env`` to the app."""
    app.command("env")(env)
