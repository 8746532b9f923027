"""Write files so that a reader only ever sees the old or the new content, never half of it.

The new text goes to a temporary file on the same filesystem (so the final ``os.replace`` is
atomic), is flushed and fsynced, takes over the old file's mode and owner, and only then
replaces the target. Any failure removes the temporary file and leaves the target untouched.
Only a regular file (or a symlink to one, which is written through) is ever replaced: a
device node, FIFO, socket or directory in the target's place is refused.

Where the temporary file lives matters for ``config.d/``: both runtimes read *every* entry of
it as a drop-in, with no name filter, so a temporary file there, even for a millisecond or
left behind by a SIGKILL, is read (and, half-written, breaks the runtime's start). So for a
target inside a directory named ``config.d`` the temporary file and the backups go to the
directory above it (same filesystem: checked, else refused), and nothing but the final
``rename`` ever touches ``config.d``. Temporary files are named ``.kata-config-<pid>-<random>
.<name>.tmp``; the next write cleans up those whose process is gone, and ``load`` reports
(but, as the runtimes do, still reads) any that sits in ``config.d``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from pathlib import Path
from typing import Final

from kata_config.probes.inroot import kind

TEMP_PREFIX: Final = ".kata-config-"
TEMP_NAME: Final = r"^\.kata-config-(\d+)-[A-Za-z0-9_]+\..*\.tmp$"
"""Our temporary files; the number is the writing process's pid. (Patterns, not compiled:
``re``'s cache compiles them when a folder is listed, not at every start-up, ~0.2 ms.)"""
LEGACY_TEMP: Final = r"^\..+\.[A-Za-z0-9_]{8}\.tmp$"
"""Temporary files of kata-config before 0.3 (``.<name>.<8 random>.tmp``, beside the target)."""
MAX_BACKUPS: Final = 10_000


class AtomicWriteError(OSError):
    """Raised when a file could not be written; the original file is unchanged."""


def staging_dir(target: Path) -> Path:
    """Where temporary files and backups for ``target`` go: never inside ``config.d``."""
    return target.parent.parent if target.parent.name == "config.d" else target.parent


def is_temp_name(name: str) -> bool:
    """True for a temporary file name kata-config writes (now or in earlier versions)."""
    return bool(re.match(TEMP_NAME, name) or re.match(LEGACY_TEMP, name))


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable; some filesystems refuse to open directories.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # EPERM: someone else's live process
    return True


def clean_stale(directory: Path, name: str | None = None) -> list[Path]:
    """Remove temporary files of crashed kata-config runs in ``directory``; return them.

    Ours whose process is gone are removed; an old-style ``.<name>.XXXXXXXX.tmp`` only for
    the ``name`` being written (its pid is unknown, but it can only be a leftover).
    """
    removed: list[Path] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for entry in names:
        ours = re.match(TEMP_NAME, entry)
        legacy = (name is not None and entry.startswith(f".{name}.")
                  and re.match(LEGACY_TEMP, entry))
        if (ours and not _alive(int(ours.group(1)))) or legacy:
            with contextlib.suppress(OSError):
                if stat.S_ISREG(os.lstat(directory / entry).st_mode):
                    os.unlink(directory / entry)
                    removed.append(directory / entry)
    return removed


def _create_temp(where: Path, name: str) -> tuple[int, Path]:
    """A new, empty file only we can read, as ``tempfile.mkstemp`` makes it, named ours.

    Not mkstemp itself: importing tempfile (random, shutil and its compressors) cost every
    validate run, which reads ``TEMP_NAME`` from here, more than checking a whole file.
    """
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _ in range(100):
        temp = where / f"{TEMP_PREFIX}{os.getpid()}-{os.urandom(6).hex()}.{name}.tmp"
        try:
            return os.open(temp, flags, 0o600), temp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary file name", str(where))


def _write_temp(where: Path, name: str, data: bytes, like: os.stat_result | None,
                mode: int | None = None) -> Path:
    fd, tmp = _create_temp(where, name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if like is not None:
                _take_over(handle.fileno(), like)
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.fchmod(handle.fileno(), 0o666 & ~umask)
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _take_over(fd: int, like: os.stat_result) -> None:
    """Give the new file the old one's owner and mode (owner first: chown clears setuid)."""
    now = os.fstat(fd)
    if (now.st_uid, now.st_gid) != (like.st_uid, like.st_gid):
        try:
            os.fchown(fd, like.st_uid, like.st_gid)
        except PermissionError:
            raise OSError(errno.EPERM, f"cannot keep its owner {like.st_uid}:{like.st_gid} "
                          "(run as that user or root)") from None
    os.fchmod(fd, stat.S_IMODE(like.st_mode))


def _existing(target: Path) -> tuple[Path, os.stat_result | None]:
    """The file to replace (a symlink's final target) and its stat, refusing non-files."""
    real = Path(os.path.realpath(target)) if target.is_symlink() else target
    try:
        st = os.lstat(real)
    except FileNotFoundError:
        return real, None
    except OSError as err:  # a file where a folder should be, a loop, no permission
        raise AtomicWriteError(err.errno, f"cannot write {target}: {err.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        via = f" (the target of the symlink {target})" if real != target else ""
        raise AtomicWriteError(errno.EEXIST, f"refusing to write {real}{via}: it is "
                               f"{kind(st.st_mode)}, not a regular file")
    return real, st


def _backup(real: Path, where: Path, st: os.stat_result) -> Path:
    """Copy ``real`` to a new, never reused ``<name>[.N].bak`` (linked in with O_EXCL)."""
    stem = f"config.d.{real.name}" if where != real.parent else real.name
    with open(real, "rb") as handle:
        copy = _write_temp(where, real.name, handle.read(), st)
    try:
        for n in range(MAX_BACKUPS):
            saved = where / (f"{stem}.bak" if n == 0 else f"{stem}.{n}.bak")
            try:
                os.link(copy, saved)  # fails if the name exists: never overwrites a backup
            except FileExistsError:
                continue
            os.utime(saved, ns=(st.st_atime_ns, st.st_mtime_ns))
            return saved
        raise OSError(errno.EMLINK, f"{MAX_BACKUPS} backups of it exist already")
    finally:
        copy.unlink(missing_ok=True)


def atomic_write(
    target: Path, content: str | bytes, *, backup: bool = False, overwrite: bool = True,
    mode: int | None = None,
) -> Path | None:
    """Replace (or create) ``target`` with ``content`` atomically.

    Args:
        backup: copy the existing file to a fresh ``<name>.bak`` (``<name>.N.bak`` when that
            exists; for a ``config.d`` entry ``config.d.<name>.bak`` beside ``config.d``)
            first; the copy is complete before the target is touched.
        overwrite: when False, refuse to replace an existing file (checked atomically).
        mode: permission bits of the result (default: the old file's, or 0666 & ~umask).

    Returns:
        The backup path when one was made, else None.

    Raises:
        FileExistsError: ``overwrite`` is False and the target exists.
        AtomicWriteError: the write failed (disk full, read-only directory, not a regular
            file, owner cannot be kept, ...); the target is unchanged and no temporary file
            is left behind.
    """
    target = Path(target)
    data = content.encode("utf-8") if isinstance(content, str) else content
    if not overwrite and os.path.lexists(target):
        raise FileExistsError(f"{target} already exists")
    real, st = _existing(target)
    where = staging_dir(real)
    saved: Path | None = None
    try:
        if where != real.parent and os.stat(where).st_dev != os.stat(real.parent).st_dev:
            raise OSError(errno.EXDEV, f"{real.parent} is a mount point: a temporary file "
                          "cannot be kept out of it, and the runtimes read every file in it")
        clean_stale(where, real.name)
        if where != real.parent:
            clean_stale(real.parent, real.name)
        if backup and st is not None:
            saved = _backup(real, where, st)
        tmp = _write_temp(where, real.name, data, st, mode)
        try:
            if overwrite:
                os.replace(tmp, real)
            else:
                os.link(tmp, real)  # fails if someone created the target meanwhile
        finally:
            if not overwrite or tmp.exists():
                tmp.unlink(missing_ok=True)
    except FileExistsError:
        raise
    except OSError as err:
        raise AtomicWriteError(err.errno, f"cannot write {real}: {err.strerror or err}") \
            from None
    _fsync_dir(real.parent)
    return saved


def backup_path(target: Path) -> Path:
    """The first free backup name of ``target`` (for messages; ``atomic_write`` picks)."""
    where = staging_dir(target)
    stem = f"config.d.{target.name}" if where != target.parent else target.name
    n = 0
    while os.path.lexists(where / (f"{stem}.bak" if n == 0 else f"{stem}.{n}.bak")):
        n += 1
    return where / (f"{stem}.bak" if n == 0 else f"{stem}.{n}.bak")
