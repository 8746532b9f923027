"""``kata-config defaults``: list, show and copy our stock configurations."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

import kata_config
from kata_cli import options

defaults_app = typer.Typer(
    help="Stock configurations shipped with kata-config.", no_args_is_help=True
)

def _find(name: str, runtime: options.RuntimeOption, arch: str | None) -> Path:
    """The stock file; runtime auto means the one NAME implies, else go."""
    try:
        return kata_config.stock_file(name, options.runtime_value(runtime),  # type: ignore[arg-type]
                    options.resolve_arch(arch)).path
    except kata_config.UnknownDefaultError as err:
        raise options.fail(str(err)) from None


@defaults_app.command("list")
def list_defaults() -> None:
    """List every stock configuration with the runtimes and arches it exists for."""
    for t in kata_config.stock_templates():
        sys.stdout.write(f"{t.name:<22} {t.runtime}  {t.hypervisor:<11} {' '.join(t.arches)}\n")


@defaults_app.command("show")
def show(name: str, arch: options.Arch = None,
         runtime: options.Runtime = options.RuntimeOption.auto) -> None:
    """Print one stock configuration."""
    sys.stdout.write(_find(name, runtime, arch).read_text(encoding="utf-8"))


@defaults_app.command("write")
def write(
    name: str,
    path: Path,
    *,
    arch: options.Arch = None,
    runtime: options.Runtime = options.RuntimeOption.auto,
    force: Annotated[bool, typer.Option(help="Replace an existing file.")] = False,
    quiet: options.Quiet = False,
) -> None:
    """Write one stock configuration to PATH atomically (refuses to overwrite without --force)."""
    text = _find(name, runtime, arch).read_text(encoding="utf-8")
    try:
        kata_config.atomic_write(path, text, overwrite=force)
    except FileExistsError:
        raise options.fail(f"{path} exists; pass --force to replace it") from None
    except kata_config.AtomicWriteError as err:
        raise options.fail(f"cannot write {path}: {err.strerror}") from None
    options.note(f"wrote {path}", quiet)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(defaults_app, name="defaults")
