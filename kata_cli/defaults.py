"""``kata-config defaults``: list, show and copy our stock configurations."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

defaults_app = typer.Typer(
    help="Stock configurations shipped with kata-config.", no_args_is_help=True
)

_Arch = Annotated[
    str, typer.Option(help="Architecture (x86_64, aarch64, ppc64le, s390x, riscv64).")
]
_Runtime = Annotated[
    str | None,
    typer.Option(help="go or rs; default: implied by NAME, else go.", show_default=False),
]


def _fail(message: str) -> typer.Exit:
    sys.stderr.write(f"kata-config: {message}\n")
    return typer.Exit(2)


def _find(name: str, runtime: str | None, arch: str) -> Path:
    from kata_config.arch import UnknownArchError, normalize
    from kata_config.stock import UnknownDefaultError, find

    try:
        return find(name, runtime, normalize(arch)).path  # type: ignore[arg-type]
    except (UnknownDefaultError, UnknownArchError) as err:
        raise _fail(str(err)) from None


@defaults_app.command("list")
def list_defaults() -> None:
    """List every stock configuration with the runtimes and arches it exists for."""
    from kata_config.stock import templates

    for t in templates():
        sys.stdout.write(f"{t.name:<22} {t.runtime}  {t.hypervisor:<11} {' '.join(t.arches)}\n")


@defaults_app.command("show")
def show(name: str, arch: _Arch = "x86_64", runtime: _Runtime = None) -> None:
    """Print one stock configuration."""
    sys.stdout.write(_find(name, runtime, arch).read_text(encoding="utf-8"))


@defaults_app.command("write")
def write(
    name: str,
    path: Path,
    arch: _Arch = "x86_64",
    runtime: _Runtime = None,
    force: Annotated[bool, typer.Option(help="Replace an existing file.")] = False,
) -> None:
    """Write one stock configuration to PATH atomically (refuses to overwrite without --force)."""
    from kata_config.atomic import AtomicWriteError, atomic_write

    text = _find(name, runtime, arch).read_text(encoding="utf-8")
    try:
        atomic_write(path, text, overwrite=force)
    except FileExistsError:
        raise _fail(f"{path} exists; pass --force to replace it") from None
    except AtomicWriteError as err:
        raise _fail(f"cannot write {path}: {err.strerror}") from None
    sys.stderr.write(f"kata-config: wrote {path}\n")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(defaults_app, name="defaults")
