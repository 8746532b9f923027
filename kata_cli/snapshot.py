"""``kata-config snapshot``: capture the host files the probes read, or unpack a capture."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import kata_config
from kata_cli import options


def snapshot(
    archive: Annotated[Path, typer.Argument(help="The .tar.gz to write (or, with --extract, "
                                            "to read).", show_default=False)],
    dest: Annotated[Path | None, typer.Argument(help="With --extract: the empty directory to "
                                                "unpack into.", show_default=False)] = None,
    *,
    extract: Annotated[bool, typer.Option("--extract", help="Unpack ARCHIVE into DEST for "
                                          "check --root.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing ARCHIVE.")] = False,
    root: Annotated[str, typer.Option(help="Host root to capture: / or the node mounted in a "
                                      "pod (/host); every read stays inside it.")] = "/",
    arch: options.Arch = None,
    quiet: options.Quiet = False,
) -> None:
    """Capture exactly the host files the checks read into ARCHIVE, for check --root elsewhere.

    Only /proc, /sys, /dev, /etc/kata-containers, /usr/share/defaults/kata-containers,
    /opt/kata and /lib/modules are ever stored; device nodes become empty files. Live-only
    checks (the KVM ioctls) are not captured and show as SKIP on the snapshot.
    """
    try:
        if extract:
            if dest is None:
                raise options.fail("--extract needs ARCHIVE and DEST")
            names = kata_config.extract_snapshot(archive, dest)
            options.note(f"unpacked {len(names)} entries into {dest}; "
                         f"run: kata-config check --root {dest}", quiet)
            return
        if dest is not None:
            raise options.fail("DEST is only used with --extract")
        target = options.resolve_arch(arch) if arch else kata_config.canonical_arch()
        snap = kata_config.take_snapshot(archive, target, force, source=root)
    except (kata_config.SnapshotError, kata_config.UnknownArchError) as exc:
        raise options.fail(str(exc)) from None
    count = len(list(kata_config.snapshot_files(snap)))
    options.note(f"wrote {archive}: {count} files from {snap.meta['arch']} host "
                 f"(kernel {snap.meta['kernel_release'] or 'unknown'})", quiet)


def register(app: typer.Typer) -> None:
    """Add ``snapshot`` to the app."""
    app.command("snapshot")(snapshot)
