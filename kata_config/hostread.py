"""``HostFiles``: the public, read-only reader of a host's files below a host root.

What kata-config itself reads a host with (``load``, ``discover``, ``check_host``), for
programs built on it: ``kata_runtime`` looks up kernels, images, allow-list globs and sysfs
flags through it, never through ``os`` directly, so ``--root`` confines it as it confines
the library.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Final

from kata_config.probes.host import MAX_ENTRIES, MAX_READ, HostRoot, Unreadable

__all__ = ["HostFiles", "Unreadable"]

CHUNK: Final = 1 << 20


class HostFiles:
    """Read-only access to the files of a host below ``root``, resolved as ``chroot`` would.

    Paths are the host's own (``/etc/kata-containers/configuration.toml``; a relative path
    is taken from the host's ``/``). Whatever the tree holds, nothing outside ``root`` is
    opened, listed or followed: an absolute symlink restarts at ``root``, ``..`` stops there,
    ``/proc/<pid>/root`` and other magic links are refused. Nothing blocks: a FIFO or device
    is looked at, never opened, and only regular files are read, each up to a cap. Nothing is
    written. ``root="/"`` reads this machine.

    The query methods never raise: a path that is missing, unreadable, contains a NUL byte,
    loops or is too long answers None / False. ``read``, ``chunks`` and ``entries`` raise
    ``Unreadable`` with the reason as a sentence fragment ("is a FIFO (named pipe), not a
    regular file").
    """

    __slots__ = ("_host",)

    def __init__(self, root: str | os.PathLike[str] = "/") -> None:
        self._host = HostRoot(root)

    def __repr__(self) -> str:
        return f"HostFiles({self.root!r})"

    @property
    def root(self) -> str:
        """The host root, as given."""
        return str(self._host.root)

    @property
    def live(self) -> bool:
        """True when the root is this machine's ``/``."""
        return self._host.live

    def read(self, path: str, limit: int = MAX_READ) -> bytes:
        """The whole regular file (at most ``limit`` bytes, default 4 MiB).

        Raises:
            Unreadable: missing, not a regular file, larger than ``limit``, unreadable.
        """
        return self._host.read(path, limit)

    def read_text(self, path: str, limit: int = MAX_READ) -> str | None:
        """The whole file as UTF-8 text (bad bytes replaced), or None when it cannot be read."""
        return self._host.read_text(path, limit)

    def chunks(self, path: str, size: int = CHUNK) -> Iterator[bytes]:
        """A regular file of any length, ``size`` bytes at a time (to hash a kernel image).

        Raises:
            Unreadable: missing, not a regular file, or unreadable (when iteration starts).
        """
        return self._host.chunks(path, size)

    def stat(self, path: str) -> os.stat_result | None:
        """``stat`` of the path, symlinks followed inside the root; None when it fails."""
        return self._host.stat(path)

    def lstat(self, path: str) -> os.stat_result | None:
        """``lstat`` of the path (a final symlink is not followed); None when it fails."""
        return self._host.lstat(path)

    def exists(self, path: str) -> bool:
        """The path exists, its symlinks followed inside the root."""
        return self._host.exists(path)

    def lexists(self, path: str) -> bool:
        """The path exists, a final symlink counting even when it leads nowhere."""
        return self._host.lstat(path) is not None

    def is_file(self, path: str) -> bool:
        """The path is (or leads to) a regular file."""
        return self._host.is_file(path)

    def is_dir(self, path: str) -> bool:
        """The path is (or leads to) a directory."""
        return self._host.is_dir(path)

    def size(self, path: str) -> int | None:
        """The size in bytes of the file the path leads to, None when it does not exist."""
        info = self._host.stat(path)
        return None if info is None else info.st_size

    def entries(self, path: str, limit: int = MAX_ENTRIES) -> list[str]:
        """The sorted names in a directory.

        Raises:
            Unreadable: missing, not a directory, unlistable, more than ``limit`` entries.
        """
        return self._host.entries(path, limit)

    def resolve(self, path: str) -> str | None:
        """Where the path leads inside the root, every symlink and ``..`` resolved
        (``/usr/share/kata-containers/vmlinux-6.1.container``); None when it does not exist
        or loops."""
        return self._host.resolve(path)
