"""Unpack a snapshot archive, checking every header before anything is written.

The archive is read whole (at most the input cap, never a FIFO) and decompressed through a
counter, so a gzip bomb stops at ``MAX_TOTAL`` bytes. A first pass reads only the headers and
refuses the archive unless every member is a plain file, directory or a symlink whose
target stays inside the tree, with a relative name of at most ``MAX_DEPTH`` parts, and the
members number at most ``MAX_MEMBERS`` and hold at most ``MAX_TOTAL`` bytes together. Only
then does a second pass write, with our own code (no ``extractall``, so no reliance on the
``filter=`` argument that Python 3.11.0 to 3.11.3 lack): directories and files first, with
``O_EXCL|O_NOFOLLOW``, symlinks last, so nothing is ever written through a link. Where
tarfile has ``data_filter`` it checks each member too, as a second line of defence.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import posixpath
import shutil
import tarfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from kata_config.inputs import InputError, read_input

MAX_MEMBERS: Final = 20_000
"""Members accepted; a real capture has a few hundred to a few thousand."""
MAX_TOTAL: Final = 64 << 20
"""Uncompressed bytes accepted (content and headers); a real capture is about 2 MiB."""
MAX_DEPTH: Final = 32
"""Path parts per member name; /sys paths run to about 12."""
MAX_NAME: Final = 1024


class SnapshotError(Exception):
    """A snapshot cannot be written or unpacked; the CLI reports it as a usage error."""


class _Counted(io.RawIOBase):
    """The decompressed archive, refusing to yield more than ``limit`` bytes."""

    def __init__(self, source: gzip.GzipFile, limit: int) -> None:
        self.source, self.limit, self.seen = source, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.source.read(len(buffer))
        self.seen += len(data)
        if self.seen > self.limit:
            raise SnapshotError(f"it unpacks to more than {MAX_TOTAL >> 20} MiB of content; a "
                                "snapshot is a few MiB (a decompression bomb?)")
        buffer[: len(data)] = data
        return len(data)


@contextlib.contextmanager
def _members(raw: bytes) -> Iterator[Iterator[tarfile.TarInfo]]:
    # headers (512 bytes each, a long name or PAX record more) get 16 MiB beyond the content
    stream = _Counted(gzip.GzipFile(fileobj=io.BytesIO(raw)), MAX_TOTAL + (16 << 20))
    with tarfile.open(fileobj=io.BufferedReader(stream), mode="r|") as tar:
        yield iter(tar)


def _problem(member: tarfile.TarInfo, names: set[str]) -> str | None:
    name = member.name
    parts = name.split("/")
    if len(name) > MAX_NAME or len(parts) > MAX_DEPTH:
        return f"a name more than {MAX_DEPTH} levels or {MAX_NAME} characters deep"
    if name.startswith("/") or ".." in parts or posixpath.normpath(name) != name.rstrip("/"):
        return f"an absolute or '..' name ({name[:80]!r})"
    if name in names:
        return f"a duplicate name ({name[:80]!r})"
    if member.issym():
        target = member.linkname
        inside = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
        if target.startswith("/") or inside == ".." or inside.startswith("../"):
            return f"a link leading outside the snapshot ({name[:80]!r} -> {target[:80]!r})"
    elif not (member.isfile() or member.isdir()):
        return f"a hard link or special file ({name[:80]!r})"
    return None


def check_archive(raw: bytes) -> list[tarfile.TarInfo]:
    """Every member's header, after checking them all (nothing is written).

    Raises:
        SnapshotError: the archive is not a gzip'd tar, or breaks one of the limits.
    """
    found: list[tarfile.TarInfo] = []
    names: set[str] = set()
    total = 0
    with _members(raw) as members:
        for member in members:
            why = _problem(member, names)
            if why is None and sum(len(k) + len(v) for k, v in member.pax_headers.items()) > 4096:
                why = "an oversized extended (PAX) header"
            total += member.size if member.isfile() else 0
            if why is None and len(found) >= MAX_MEMBERS:
                why = f"more than {MAX_MEMBERS} members"
            if why is None and total > MAX_TOTAL:
                why = f"more than {MAX_TOTAL >> 20} MiB of content"
            if why is not None:
                raise SnapshotError(f"refusing it: it holds {why}")
            names.add(member.name)
            found.append(member)
    links = {m.name for m in found if m.issym()}
    for member in found:
        parts = member.name.split("/")
        if any("/".join(parts[:i]) in links for i in range(1, len(parts))):
            raise SnapshotError(f"refusing it: {member.name[:80]!r} lies below a link")
    return found


def _write(dest: Path, raw: bytes) -> None:
    data_filter = getattr(tarfile, "data_filter", None)
    links: list[tarfile.TarInfo] = []
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as tar:
        for member in tar:
            if data_filter is not None:
                data_filter(member, str(dest))  # second line of defence; raises FilterError
            target = dest / member.name
            if member.issym():
                links.append(member)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if member.isdir():
                target.mkdir(mode=0o755, exist_ok=True)
                continue
            source = tar.extractfile(member)
            content = source.read(member.size) if source is not None else b""
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW |
                         os.O_CLOEXEC, 0o644)
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
    for member in links:
        place = dest / member.name
        place.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(member.linkname, place)


def extract_snapshot(archive: Path, dest: Path) -> list[str]:
    """Unpack ``archive`` into ``dest`` (absent or empty) safely; return the member names.

    Raises:
        SnapshotError: the archive is unreadable or unsafe, or ``dest`` is not empty or cannot
            be written; nothing is left in ``dest`` then.
    """
    if os.path.lexists(dest) and (not dest.is_dir() or dest.is_symlink() or any(dest.iterdir())):
        raise SnapshotError(f"{dest} exists and is not an empty directory")
    try:
        raw = read_input(archive, "archive")
        members = check_archive(raw)
    except InputError as exc:
        raise SnapshotError(str(exc)) from None
    except SnapshotError as exc:
        raise SnapshotError(f"{archive}: {exc}") from None
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise SnapshotError(f"{archive}: not a usable snapshot: {exc}") from None
    created = not os.path.lexists(dest)
    try:
        dest.mkdir(parents=True, exist_ok=True)
        _write(dest, raw)
    except (OSError, tarfile.TarError) as exc:
        for entry in dest.iterdir() if dest.is_dir() else ():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
        if created:
            with contextlib.suppress(OSError):
                dest.rmdir()
        why = getattr(exc, "strerror", None) or exc
        raise SnapshotError(f"cannot unpack {archive} into {dest}: {why}") from None
    return [m.name for m in members]
