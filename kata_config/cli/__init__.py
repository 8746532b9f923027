"""The ``kata-config`` command line: a thin typer layer over the library.

Each command module exposes ``register(app)``; the tuple below is the whole command list.
Command modules import the library lazily inside their functions so start-up stays short.
"""

from __future__ import annotations

import typer

from kata_config.cli import validate as validate

app = typer.Typer(
    name="kata-config",
    help="Check Kata Containers configuration files and host readiness before a VM starts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _module in (validate,):
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
