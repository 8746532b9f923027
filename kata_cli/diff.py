"""``kata-config diff``: what a configuration changes from stock (or from another baseline)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kata_cli import options


class Format(StrEnum):
    """Output formats; the values are the keys of ``render.diff.DIFF_RENDERERS``."""

    text = "text"
    json = "json"


def diff(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="Configuration file, or a directory holding configuration.toml and config.d/. "
            "Default: the file Kata itself would load.", show_default=False
        ),
    ] = None,
    *,
    against: Annotated[
        str | None,
        typer.Option(
            help="Baseline: a stock name (qemu-tdx), a path, or code-defaults. Default: the "
            "best-matching stock file of the same hypervisor, runtime and arch."
        ),
    ] = None,
    arch: options.Arch = None,
    runtime: options.Runtime = options.RuntimeOption.auto,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
    quiet: options.Quiet = False,
    runtime_class: options.RuntimeClass = None,
    root: options.Root = "/",
    kata_version: options.KataVersion = None,
) -> None:
    """Show the semantic differences of the effective configuration from a baseline.

    A key the file leaves out counts by the value the runtime uses instead; keys the runtime
    (or --kata-version) does not read are listed apart. Exit 0 when nothing takes effect
    differently, 1 when something does, 2 on an error (as diff(1) does); with --quiet only
    the exit status says which (as diff -q).
    """
    from kata_cli.discovered import exclusive, pick
    from kata_cli.render import wants_colour
    from kata_cli.render.diff import DIFF_RENDERERS
    from kata_config import DiffError, UnknownArchError, canonical_arch, diff_config

    exclusive("diff", path, runtime_class)
    release = options.resolve_release(kata_version)
    chosen = runtime.value
    if path is None:
        path, chosen = pick("diff", runtime.value, root, runtime_class, quiet=quiet)
    try:
        # no --arch: this host's stock file first, then the other arches' (the best match)
        target_arch = canonical_arch(arch) if arch else None
        rt = None if chosen == "auto" else chosen
        result = diff_config(path, against, rt, target_arch,  # type: ignore[arg-type]
                             root=root, release=release)
    except (DiffError, UnknownArchError, LookupError) as err:
        raise options.fail(str(err)) from None
    if not quiet:
        DIFF_RENDERERS[fmt.value](result, sys.stdout, wants_colour())
    raise typer.Exit(1 if result.changes else 0)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("diff")(diff)
