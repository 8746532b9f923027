"""``kata-config snapshot``: capture exactly the host files the probes read, and unpack them.

The probes themselves say what to capture: they run once against a recording ``HostRoot``
(live-only checks skipped, so no ioctl, subprocess or network), and every path they asked
for is stored. Only paths below ``ALLOWED`` are kept and ``DENIED`` ones never are, so no
environment, credentials or process memory can leak; device nodes become empty files and a
listed directory keeps its entry names. ``check --root`` on the unpacked tree then gives the
same verdicts as the host, minus the live-only checks.
"""

from __future__ import annotations

import fnmatch
import io
import json
import os
import stat
import tarfile
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Final

from kata_config import __version__
from kata_config.probes.base import ProbeContext
from kata_config.probes.host import HostRoot

META: Final = "kata-config-snapshot.json"
ALLOWED: Final = (
    "proc",
    "sys",
    "dev",
    "etc/kata-containers",
    "usr/share/defaults/kata-containers",
    "opt/kata",
    "lib/modules",
)
DENIED: Final = (
    "proc/kcore",
    "proc/kmsg",
    "proc/*/environ",
    "proc/*/mem",
    "proc/*/cmdline",
    "proc/*/auxv",
    "proc/*/pagemap",
    "proc/*/task/*",
    "sys/kernel/debug/*",
    "sys/firmware/efi/efivars/*",
    "sys/kernel/security/*",
)
MAX_LISTED: Final = 4096
"""Entry names kept per listed directory (``/proc`` lists every pid; enough is enough)."""


class SnapshotError(Exception):
    """A snapshot cannot be written or unpacked; the CLI reports it as a usage error."""


@dataclass(slots=True)
class Capture:
    """What goes into the archive: relative path -> file bytes, or None for a directory."""

    members: dict[str, bytes | None] = field(default_factory=dict)
    meta: dict[str, object] = field(default_factory=dict)


def allowed(rel: str) -> bool:
    """True when ``rel`` (relative to the host root) may be stored in a snapshot."""
    rel = str(PurePosixPath(rel.lstrip("/")))
    if rel in (".", "") or ".." in PurePosixPath(rel).parts:
        return False
    inside = any(rel == top or rel.startswith(top + "/") for top in ALLOWED)
    return inside and not any(fnmatch.fnmatchcase(rel, pat) for pat in DENIED)


def _add(capture: Capture, reader: HostRoot, rel: str, placeholder: bool = False) -> None:
    st = reader.stat(rel)
    if st is None or not allowed(rel):
        return
    if stat.S_ISDIR(st.st_mode):
        capture.members.setdefault(rel, None)
        if placeholder:
            return
        for name in (reader.listdir(rel) or [])[:MAX_LISTED]:
            child = f"{rel}/{name}"
            if child not in capture.members:
                _add(capture, reader, child, placeholder=True)
    elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        capture.members[rel] = b""  # HostRoot reads an empty file off-line as a device node
    elif stat.S_ISREG(st.st_mode):
        if placeholder:
            capture.members.setdefault(rel, b"")
            return
        # /proc/sys refuses a 4 MiB read with ENOMEM, so try a small read first.
        data = reader.read_bytes(rel, limit=64 << 10)
        data = data if data is not None else reader.read_bytes(rel)  # None: unreadable/huge
        if data is not None:
            capture.members[rel] = data


def capture(source: str | os.PathLike[str], arch: str, live: bool = False) -> Capture:
    """Run every registered probe against ``source`` while recording, and collect the files.

    ``live`` only says whether the source is this machine (then the installed Kata version is
    asked for and recorded); the probes themselves always run off-line.
    """
    from kata_config.probes import probes, run_probes
    from kata_config.probes.config_checks import resolve

    record: set[str] = set()
    host = HostRoot(source, record=record)
    resolved = resolve(host, arch, None)
    run_probes(ProbeContext(host, arch, live=False, config=resolved.config), probes())
    reader = HostRoot(source)
    result = Capture()
    for rel in sorted(record):
        _add(result, reader, str(PurePosixPath(rel)))
    for rel, data in list(result.members.items()):
        if data is None and rel.endswith("config.d"):
            for name in reader.listdir(rel) or []:
                _add(result, reader, f"{rel}/{name}")
    result.meta = {
        "arch": arch,
        "kernel_release": reader.read_value("proc/sys/kernel/osrelease") or "",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "kata_config_version": __version__,
    }
    if live:
        from kata_config.probes.release import installed_version

        found = installed_version(ProbeContext(reader, arch, live=True))
        if found is not None:
            result.meta["kata_version"] = found[0]
    return result


def _info(name: str, size: int, directory: bool, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE if directory else tarfile.REGTYPE
    info.mode = 0o755 if directory else 0o644
    info.size, info.mtime = size, int(mtime)
    return info


def write_archive(out: Path, snap: Capture, force: bool = False) -> int:
    """Write ``snap`` as a tar.gz at ``out`` atomically; return the number of members.

    Raises:
        SnapshotError: ``out`` exists and ``force`` is False, or it cannot be written.
    """
    if out.exists() and not force:
        raise SnapshotError(f"{out} exists; pass --force to replace it")
    now = time.time()
    entries: list[tuple[str, bytes | None]] = sorted(snap.members.items())
    entries.append((META, json.dumps(snap.meta, indent=2).encode() + b"\n"))
    fd, tmp = tempfile.mkstemp(prefix=".kata-snapshot-", suffix=".tmp", dir=out.parent or ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            with tarfile.open(fileobj=handle, mode="w:gz") as tar:
                for name, data in entries:
                    info = _info(name, len(data or b""), data is None, now)
                    tar.addfile(info, io.BytesIO(data) if data is not None else None)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)  # the capture is host detail: readable by its owner only
        os.replace(tmp, out)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SnapshotError(f"cannot write {out}: {exc.strerror or exc}") from None
    return len(entries)


def take_snapshot(out: Path, arch: str, force: bool = False, source: str = "/") -> Capture:
    """Capture ``source`` (the live host by default) into the archive ``out``."""
    if out.exists() and not force:
        raise SnapshotError(f"{out} exists; pass --force to replace it")
    snap = capture(source, arch, live=HostRoot(source).live)
    write_archive(out, snap, force)
    return snap


def extract_snapshot(archive: Path, dest: Path) -> list[str]:
    """Unpack ``archive`` into ``dest`` (absent or empty) safely; return the member names.

    Only plain files and directories are accepted, and tarfile's ``data`` filter refuses
    absolute names, ``..`` and anything that would land outside ``dest``.

    Raises:
        SnapshotError: the archive is unreadable or unsafe, or ``dest`` is not empty.
    """
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise SnapshotError(f"{dest} exists and is not an empty directory")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            bad = [m.name for m in members if not (m.isfile() or m.isdir())]
            if bad:
                raise SnapshotError(f"{archive}: refusing links or special files: {bad[:3]}")
            bad = [m.name for m in members if m.name.startswith("/") or ".." in m.name.split("/")]
            if bad:
                raise SnapshotError(f"{archive}: refusing absolute or '..' names: {bad[:3]}")
            dest.mkdir(parents=True, exist_ok=True)
            tar.extractall(dest, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise SnapshotError(f"{archive}: not a usable snapshot: {exc}") from None
    return [m.name for m in members]


def files_of(snap: Capture) -> Iterable[str]:
    """The regular files of a capture, sorted (directories left out)."""
    return sorted(rel for rel, data in snap.members.items() if data is not None)
