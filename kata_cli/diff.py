"""``kata-config diff``: what a configuration changes from stock (or from another baseline).

The command body, shared by the typer and the fast front end; its options are declared in
``spec.DIFF``, and this module imports no typer.
"""

from __future__ import annotations

import sys
from pathlib import Path

import kata_config
from kata_cli import usage
from kata_cli.discovered import exclusive, pick
from kata_cli.render import wants_colour
from kata_cli.render.diff import DIFF_RENDERERS
from kata_cli.spec import DiffFormat, RuntimeOption


def run(*, path: Path | None, against: str | None, arch: str | None, runtime: RuntimeOption,
        fmt: DiffFormat, quiet: bool, runtime_class: str | None, root: str,
        kata_version: str | None) -> None:
    """Diff, render and exit: 0 no differences, 1 differences, 2 an error (as diff(1))."""
    exclusive("diff", path, runtime_class)
    release = usage.resolve_release(kata_version) if kata_version else None
    chosen = runtime.value
    if path is None:
        path, chosen = pick("diff", runtime.value, root, runtime_class, quiet=quiet)
    try:
        # no --arch: this host's stock file first, then the other arches' (the best match)
        target_arch = kata_config.canonical_arch(arch) if arch else None
        rt = None if chosen == "auto" else chosen
        result = kata_config.diff_config(path, against, rt, target_arch,  # type: ignore[arg-type]
                                         root=root, release=release)
    except (kata_config.DiffError, kata_config.UnknownArchError, LookupError) as err:
        raise usage.fail(str(err)) from None
    if not quiet:
        DIFF_RENDERERS[fmt.value](result, sys.stdout, wants_colour())
    raise SystemExit(1 if result.changes else 0)
