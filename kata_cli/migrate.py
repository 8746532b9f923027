"""``kata-config migrate``: convert a configuration between the Go runtime and runtime-rs."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

import kata_config
from kata_cli import options, sources


class Target(StrEnum):
    """Runtime to migrate to."""

    go = "go"
    rs = "rs"


class Format(StrEnum):
    """Report formats; the values are the keys of ``render.diff.MIGRATE_RENDERERS``."""

    text = "text"
    json = "json"


def migrate(
    path: Annotated[Path, typer.Argument(help="Configuration file to convert.")],
    *,
    to: Annotated[Target, typer.Option("--to", help="Target runtime.")],
    write: Annotated[
        bool, typer.Option("--write", help="Replace PATH atomically, keeping a backup (PATH.bak).")
    ] = False,
    output: Annotated[
        Path | None, typer.Option(help="Write the result here instead.", show_default=False)
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Report format.")] = Format.text,
    force: Annotated[bool, typer.Option(
        "--force", help="Write the result even when the target runtime would refuse it.")
    ] = False,
    kata_version: options.KataVersion = None,
    quiet: options.Quiet = False,
) -> None:
    """Convert PATH to the other runtime, keeping comments and layout.

    Prints every change and every setting that cannot be carried over. Without --write or
    --output the converted file goes to stdout and the report to stderr. When the result
    would still not load under the target runtime (kata-config validate finds errors), exit 1,
    name each blocker and write nothing unless --force.
    """
    from kata_cli.render import wants_colour  # noqa: PLC0415 (lazy: tests/test_imports.py)
    from kata_cli.render.diff import MIGRATE_RENDERERS  # noqa: PLC0415
    if write and output:
        raise options.fail("pass either --write or --output, not both")
    sources.require([path])
    if str(path) == options.STDIN and write:
        raise options.fail("--write needs a file; standard input (-) cannot be replaced")
    if output is not None and str(output) == options.STDIN:
        output = None  # '-': the converted file to stdout, the report to stderr
    elif output is not None and _same_file(output, path):
        output, write = None, True  # writing over the input is --write: keep a backup
    release = options.resolve_release(kata_version)
    try:
        result = kata_config.migrate_file(path, to.value, release=release)
    except kata_config.MigrateBlocked as err:
        raise options.fail(f"{path} cannot be migrated: {err}", 1) from None
    except kata_config.MigrateError as err:
        raise options.fail(str(err)) from None
    report = sys.stdout if (write or output) else sys.stderr
    if result.blockers and not force:
        MIGRATE_RENDERERS[fmt.value](result, report, wants_colour(report))
        raise options.fail(f"{len(result.blockers)} blocker(s): {to.value} would refuse the "
                           "result, so nothing was written (--force writes it anyway)", 1)
    try:
        if output:
            kata_config.atomic_write(output, result.text)
        elif write:
            # kata-deploy links configuration.toml to configuration-<shim>.toml: replacing the
            # link would leave the file the runtime reads unchanged, so write its target.
            real = path.resolve() if path.is_symlink() else path
            saved = kata_config.atomic_write(real, result.text, backup=True)
            via = f" through the symlink {path}" if real != path else ""
            options.note(f"wrote {real}{via} (backup: {saved})", quiet)
        else:
            sys.stdout.write(result.text)
    except kata_config.AtomicWriteError as err:
        raise options.fail(f"{err.strerror}; {path} is unchanged") from None
    MIGRATE_RENDERERS[fmt.value](result, report, wants_colour(report))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("migrate")(migrate)
