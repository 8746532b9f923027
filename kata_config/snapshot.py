"""``kata-config snapshot``: capture exactly the host files the probes read, and unpack them.

The probes themselves say what to capture: they run once against a recording ``HostRoot``
(live-only checks skipped, so no ioctl, subprocess or network), and the loader reads the
config and its drop-ins through it too; every path they asked for is a candidate. Each is
resolved inside the host root first, and the allow-list is applied to the path *after*
resolution (and to the path as asked): a config naming ``/proc/self/root/etc/shadow``, a
drop-in linked to a secret or ``config.d/d -> /root`` store nothing. Only paths below
``ALLOWED`` are kept, never a ``DENIED`` one, and of a process directory in ``/proc`` only
``PROC_PID_FILES``. A path that was asked for through a symlink is stored as a relative
symlink to its resolved place, so ``config.d/`` is found where Kata finds it. What was
refused is listed with the reason under ``skipped`` in the manifest
(``kata-config-snapshot.json``). Device nodes become empty files and a listed directory
keeps its entry names. ``check --root`` on the unpacked tree then gives the same verdicts
as the host, minus the live-only checks.
"""

from __future__ import annotations

import fnmatch
import io
import json
import os
import posixpath
import re
import stat
import tarfile
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from kata_config import __version__
from kata_config.atomic import AtomicWriteError, atomic_write
from kata_config.hostcheck import run_checks
from kata_config.probes.host import MAX_READ, HostRoot, Unreadable
from kata_config.probes.inroot import kind
from kata_config.probes.release import installed_version
from kata_config.record import field, record
from kata_config.unpack import SnapshotError, extract_snapshot

META: Final = "kata-config-snapshot.json"
ALLOWED: Final = ("proc", "sys", "dev", "etc/kata-containers", "lib/modules", "opt/kata",
                  "usr/share/defaults/kata-containers")
DENIED: Final = ("proc/kcore", "proc/kmsg", "proc/kallsyms", "proc/keys", "proc/key-users",
                 "proc/sysrq-trigger", "proc/vmallocinfo", "proc/sys/kernel/random/*",
                 "sys/kernel/debug/*", "sys/firmware/efi/efivars/*", "sys/kernel/security/*",
                 "sys/firmware/acpi/tables/*", "dev/mem", "dev/kmem", "dev/port")
_PID: Final = re.compile(r"^proc/(\d+|self|thread-self)(/|$)")
PROC_PID_FILES: Final = frozenset({"mountinfo", "cgroup"})
"""All that is kept of a process directory (``/proc/<pid>/``): never its root, cwd, fd,
environ, mem, maps or cmdline."""
MAX_LISTED: Final = 4096
"""Entry names kept per listed directory (``/proc`` lists every pid; enough is enough)."""
MAX_TOTAL: Final = 64 << 20
"""Bytes captured at most; a real capture is about 2 MiB (modules.dep is the bulk)."""

__all__ = ["ALLOWED", "DENIED", "META", "Capture", "SnapshotError", "allowed", "capture",
           "collect", "extract_snapshot", "files_of", "take_snapshot", "write_archive"]


@record(frozen=False)
class Capture:
    """What goes into the archive: relative path -> file bytes, None for a directory, or
    ``Link(target)``; ``skipped`` maps refused paths to the reason."""

    members: dict[str, bytes | Link | None] = field(default_factory=dict)
    meta: dict[str, object] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


@record
class Link:
    """A symlink member: ``target`` is relative to the link's directory and stays inside."""

    target: str


def allowed(rel: str) -> bool:
    """True when ``rel`` (relative to the host root, already resolved) may be stored."""
    rel = rel.lstrip("/")
    if rel in (".", "") or ".." in rel.split("/") or posixpath.normpath(rel) != rel:
        return False
    inside = any(rel == top or rel.startswith(top + "/") for top in ALLOWED)
    pid = _PID.match(rel)
    if pid and rel[pid.end():].split("/")[0] not in PROC_PID_FILES | {""}:
        return False
    return inside and not any(fnmatch.fnmatchcase(rel, pat) for pat in DENIED)


def _why_not(rel: str) -> str:
    return ("a process's private file" if _PID.match(rel)
            else "denied" if any(fnmatch.fnmatchcase(rel, p) for p in DENIED)
            else "outside the allowed trees")


def _lexical(rel: str) -> str:
    """``rel`` with ``.``/``..`` folded as in the root (``..`` stops at it), no symlinks."""
    return posixpath.normpath("/" + rel).lstrip("/")


class _Collector:
    def __init__(self, reader: HostRoot, result: Capture) -> None:
        self.reader, self.result, self.total = reader, result, 0

    def skip(self, rel: str, why: str) -> None:
        self.result.skipped.setdefault("/" + rel, why)

    def add(self, asked: str, placeholder: bool = False) -> None:
        lex = _lexical(asked)
        found = self.reader.resolve(lex)
        if found is None or not lex:
            return  # missing: the probes report that themselves, nothing to store
        real = found.lstrip("/")
        # the file the link leads to first, then the path asked for: a set here made the
        # manifest's reason change from run to run (string hashes are salted per process)
        for rel in dict.fromkeys((real, lex)):
            if not allowed(rel):
                self.skip(rel, f"{_why_not(rel)} (asked for as /{lex})" if rel != lex
                          else _why_not(rel))
                return
        if real != lex:
            target = posixpath.relpath(real, posixpath.dirname(lex) or ".")
            self.result.members[lex] = Link(target)
        self._store(real, placeholder)

    def _store(self, real: str, placeholder: bool) -> None:
        members = self.result.members
        st = self.reader.stat(real)
        if st is None:
            return
        if stat.S_ISDIR(st.st_mode):
            members.setdefault(real, None)
            if not placeholder:
                for name in (self.reader.listdir(real) or [])[:MAX_LISTED]:
                    if f"{real}/{name}" not in members:
                        self.add(f"{real}/{name}", placeholder=True)
        elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
            members[real] = b""  # HostRoot reads an empty file off-line as a device node
        elif not stat.S_ISREG(st.st_mode):
            self.skip(real, f"{kind(st.st_mode)}, not a file")
        elif placeholder:
            members.setdefault(real, b"")
        else:
            self._read(real)

    def _read(self, real: str) -> None:
        try:
            data = self.reader.read(real, MAX_READ)
        except Unreadable as exc:
            self.skip(real, f"it {exc}")
            return
        if self.total + len(data) > MAX_TOTAL:
            self.skip(real, f"the capture would exceed {MAX_TOTAL >> 20} MiB")
            return
        self.total += len(data)
        self.result.members[real] = data


def _without_nested_links(members: dict[str, bytes | Link | None]) -> None:
    """Drop members below a link: the link already leads there (and unpacking never writes
    through a link)."""
    links = {name for name, value in members.items() if isinstance(value, Link)}
    for name in list(members):
        parts = name.split("/")
        if any("/".join(parts[:i]) in links for i in range(1, len(parts))):
            del members[name]


def collect(reader: HostRoot, paths: Iterable[str]) -> Capture:
    """The members (and refusals) for ``paths`` as asked for below ``reader``'s root."""
    result = Capture()
    collector = _Collector(reader, result)
    for rel in sorted(paths):
        collector.add(rel)
    _without_nested_links(result.members)
    return result


def capture(source: str | os.PathLike[str], arch: str, live: bool = False) -> Capture:
    """Run every registered probe against ``source`` while recording, and collect the files.

    ``live`` only says whether the source is this machine (then the installed Kata version is
    asked for and recorded); the probes themselves always run off-line.
    """
    record: set[str] = set()
    # discovery (inside run_checks) reads through the recording reader, so the config, the
    # links on the way to it and its config.d listing are all recorded
    run_checks(HostRoot(source, record=record), arch)  # the same pipeline as check_host
    reader = HostRoot(source)
    result = collect(reader, record)
    result.meta = {
        "arch": arch,
        "kernel_release": reader.read_value("proc/sys/kernel/osrelease") or "",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "kata_config_version": __version__,
        "skipped": [{"path": path, "why": why} for path, why in sorted(result.skipped.items())],
    }
    if live:
        found = installed_version(reader)
        if found is not None:
            result.meta["kata_version"] = found[0]
    return result


def _info(name: str, value: bytes | Link | None, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.mtime = int(mtime)
    if isinstance(value, Link):
        info.type, info.linkname, info.mode = tarfile.SYMTYPE, value.target, 0o777
    elif value is None:
        info.type, info.mode = tarfile.DIRTYPE, 0o755
    else:
        info.type, info.mode, info.size = tarfile.REGTYPE, 0o644, len(value)
    return info


def write_archive(out: Path, snap: Capture, force: bool = False) -> int:
    """Write ``snap`` as a tar.gz at ``out`` atomically (mode 0600); return the member count.

    Raises:
        SnapshotError: ``out`` exists and ``force`` is False, or it cannot be written (a
            missing or read-only folder, a device or directory in its place, ...).
    """
    now = time.time()
    entries = sorted(snap.members.items())
    entries.append((META, json.dumps(snap.meta, indent=2).encode() + b"\n"))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, value in entries:
            data = value if isinstance(value, bytes) else None
            tar.addfile(_info(name, value, now), io.BytesIO(data) if data is not None else None)
    try:
        # the capture is host detail: readable by its owner only
        atomic_write(Path(out), buffer.getvalue(), overwrite=force, mode=0o600)
    except FileExistsError:
        raise SnapshotError(f"{out} exists; pass --force to replace it") from None
    except AtomicWriteError as exc:
        raise SnapshotError(f"{exc.strerror}") from None
    return len(entries)


def take_snapshot(out: Path, arch: str, force: bool = False, source: str = "/") -> Capture:
    """Capture ``source`` (the live host by default) into the archive ``out``."""
    if not os.path.isdir(source):
        raise SnapshotError(f"host root {source} is not a directory")
    if os.path.lexists(out) and not force:
        raise SnapshotError(f"{out} exists; pass --force to replace it")
    snap = capture(source, arch, live=HostRoot(source).live)
    write_archive(out, snap, force)
    return snap


def files_of(snap: Capture) -> Iterable[str]:
    """The regular files of a capture, sorted (directories and links left out)."""
    return sorted(rel for rel, data in snap.members.items() if isinstance(data, bytes))
