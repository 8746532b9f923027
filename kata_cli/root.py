"""The typer app itself: its name, help and the root ``--version`` option."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from kata_config import __version__

HELP = "Check Kata Containers configuration files and host readiness before a VM starts."


def _print_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"kata-config {__version__}\n")
        raise typer.Exit(0)


def _root(
    version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the version and exit.")] = False,
) -> None:
    """Check Kata Containers configuration files and host readiness before a VM starts."""


def new_app() -> typer.Typer:
    """An app with no commands yet (``kata_cli.build_app`` adds them)."""
    app = typer.Typer(
        name="kata-config",
        help=HELP,
        no_args_is_help=True,
        # --install-completion / --show-completion; packagers can also print the scripts with
        # _KATA_CONFIG_COMPLETE=source_bash (zsh, fish) kata-config.
        add_completion=True,
        pretty_exceptions_enable=False,
    )
    app.callback()(_root)
    return app
