"""The ``kata-config`` command line: a thin typer layer over the library.

Each command module exposes ``register(app)``; the tuple below is the whole command list.
Command modules import the library lazily inside their functions so start-up stays short.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from kata_cli import annotate as annotate
from kata_cli import check as check
from kata_cli import defaults as defaults
from kata_cli import diff as diff
from kata_cli import env as env
from kata_cli import explain as explain
from kata_cli import migrate as migrate
from kata_cli import plan as plan
from kata_cli import snapshot as snapshot
from kata_cli import validate as validate
from kata_cli.render import printable

app = typer.Typer(
    name="kata-config",
    help="Check Kata Containers configuration files and host readiness before a VM starts.",
    no_args_is_help=True,
    # --install-completion / --show-completion; packagers can also print the scripts with
    # _KATA_CONFIG_COMPLETE=source_bash (zsh, fish) kata-config.
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from kata_config import __version__

        sys.stdout.write(f"kata-config {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the version and exit.")] = False,
) -> None:
    """Check Kata Containers configuration files and host readiness before a VM starts."""

for _module in (validate, check, defaults, diff, env, migrate, snapshot, annotate, explain,
                plan):
    _module.register(app)


def main() -> None:
    """Console-script entry point: a bug reaches the user as one sentence, never a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("kata-config: interrupted\n")
        raise SystemExit(130) from None
    except Exception as exc:  # last line of defence, see docstring
        sys.stderr.write(
            f"kata-config: internal error: {type(exc).__name__}: {printable(exc)}\n"
            "Please report this together with the command you ran.\n"
        )
        raise SystemExit(2) from None
