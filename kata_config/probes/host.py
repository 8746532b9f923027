"""HostRoot: the only way kata-config reads a host, live (``/``) or from a captured snapshot."""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_READ = 4 << 20
"""Largest host file read in full; /proc and /sys files are far smaller, so more means junk."""
_CHUNK = 64 << 10


class HostRoot:
    """Read-only access to a host's files below ``root``.

    Every probe reads through this class with paths relative to the host's ``/`` (``"proc/cpuinfo"``
    and ``"/proc/cpuinfo"`` are the same). Reads never raise: a missing, unreadable or oversized
    file reads as None. When ``record`` is given, every path asked for is added to it, which is
    how ``kata-config snapshot`` learns exactly which files the probes need.

    In a snapshot a device node is stored as an empty regular file, so ``is_device`` accepts
    either a real character device or, off-line, a regular file.
    """

    def __init__(self, root: str | os.PathLike[str] = "/", record: set[str] | None = None) -> None:
        self.root = Path(root)
        self.live = self.root.resolve() == Path("/")
        self.record = record

    def __repr__(self) -> str:
        return f"HostRoot({str(self.root)!r})"

    def path(self, rel: str) -> Path:
        """Absolute path of ``rel`` below the root (never escapes it through a leading ``/``)."""
        rel = rel.lstrip("/")
        if self.record is not None:
            self.record.add(rel)
        return self.root / rel

    def read_text(self, rel: str, limit: int = MAX_READ) -> str | None:
        """Whole file as text (undecodable bytes replaced), or None when it cannot be read."""
        data = self.read_bytes(rel, limit)
        return None if data is None else data.decode("utf-8", errors="replace")

    def read_bytes(self, rel: str, limit: int = MAX_READ) -> bytes | None:
        """Whole file as bytes, or None when missing, unreadable, a directory or over ``limit``."""
        chunks: list[bytes] = []
        size = 0
        try:
            with open(self.path(rel), "rb") as handle:
                # small reads: procfs refuses one huge read() (ENOMEM on /proc/sys files)
                while size <= limit and (chunk := handle.read(_CHUNK)):
                    chunks.append(chunk)
                    size += len(chunk)
        except (OSError, ValueError):
            return None
        return None if size > limit else b"".join(chunks)

    def read_value(self, rel: str) -> str | None:
        """A one-value sysfs/procfs file with surrounding white space removed."""
        text = self.read_text(rel, limit=64 << 10)
        return None if text is None else text.strip()

    def stat(self, rel: str) -> os.stat_result | None:
        """``os.stat`` of the path (following links), or None."""
        try:
            return os.stat(self.path(rel))
        except (OSError, ValueError):
            return None

    def exists(self, rel: str) -> bool:
        """True when the path exists below the root."""
        return self.stat(rel) is not None

    def is_dir(self, rel: str) -> bool:
        """True when the path is a directory."""
        st = self.stat(rel)
        return st is not None and stat.S_ISDIR(st.st_mode)

    def is_device(self, rel: str) -> bool:
        """True for a character device; off-line, an empty regular file stands for one."""
        st = self.stat(rel)
        if st is None:
            return False
        if stat.S_ISCHR(st.st_mode):
            return True
        return not self.live and stat.S_ISREG(st.st_mode) and st.st_size == 0

    def listdir(self, rel: str) -> list[str] | None:
        """Sorted entry names of a directory, or None when it cannot be listed."""
        try:
            return sorted(os.listdir(self.path(rel)))
        except (OSError, ValueError):
            return None
