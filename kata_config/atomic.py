"""Write files so that a reader only ever sees the old or the new content, never half of it.

The new text goes to a temporary file in the same directory (same filesystem, so the final
``os.replace`` is atomic), is flushed and fsynced, takes over the old file's permission bits,
and only then replaces the target. Any failure removes the temporary file and leaves the
target untouched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path


class AtomicWriteError(OSError):
    """Raised when a file could not be written; the original file is unchanged."""


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable; some filesystems refuse to open directories.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_temp(target: Path, data: bytes, mode: int) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def backup_path(target: Path) -> Path:
    """``PATH.bak``, or ``PATH.<timestamp>.bak`` when a ``.bak`` already exists."""
    plain = target.with_name(f"{target.name}.bak")
    if not plain.exists():
        return plain
    return target.with_name(f"{target.name}.{time.strftime('%Y%m%dT%H%M%S')}.bak")


def atomic_write(
    target: Path, content: str | bytes, *, backup: bool = False, overwrite: bool = True
) -> Path | None:
    """Replace (or create) ``target`` with ``content`` atomically.

    Args:
        backup: copy the existing file to ``backup_path(target)`` first; the copy is
            complete before the target is touched.
        overwrite: when False, refuse to replace an existing file (checked atomically).

    Returns:
        The backup path when one was made, else None.

    Raises:
        FileExistsError: ``overwrite`` is False and the target exists.
        AtomicWriteError: the write failed (disk full, read-only directory, ...); the target
            is unchanged and no temporary file is left behind.
    """
    target = Path(target)
    data = content.encode("utf-8") if isinstance(content, str) else content
    if not overwrite and target.exists():
        raise FileExistsError(f"{target} already exists")
    saved: Path | None = None
    try:
        if backup and target.exists():
            saved = backup_path(target)
            copy = _write_temp(saved, target.read_bytes(), _mode_for(target))
            shutil.copystat(target, copy)
            os.replace(copy, saved)
        tmp = _write_temp(target, data, _mode_for(target))
        try:
            if overwrite:
                os.replace(tmp, target)
            else:
                os.link(tmp, target)  # fails if someone created the target meanwhile
        finally:
            if not overwrite or tmp.exists():
                tmp.unlink(missing_ok=True)
    except FileExistsError:
        raise
    except OSError as err:
        raise AtomicWriteError(err.errno, f"cannot write {target}: {err.strerror or err}") from err
    _fsync_dir(target.parent)
    return saved
