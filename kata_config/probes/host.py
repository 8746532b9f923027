"""HostRoot: the only way kata-config reads a host, live (``/``) or from a captured snapshot."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from kata_config.probes import inroot
from kata_config.probes.inroot import Unreadable

MAX_READ = 4 << 20
"""Largest host file read in full; /proc and /sys files are far smaller, so more means junk."""
MAX_ENTRIES = 100_000
"""Directory entries listed at most (``/proc`` of a busy host has a few thousand)."""

__all__ = ["MAX_READ", "HostRoot", "Unreadable"]


class HostRoot:
    """Read-only access to a host's files below ``root``, resolved as ``chroot`` would.

    Every probe reads through this class with paths relative to the host's ``/`` (``"proc/cpuinfo"``
    and ``"/proc/cpuinfo"`` are the same). A symlink or ``..`` never leads out of the root (see
    ``inroot``), a FIFO never blocks, only regular files are read and at most a cap of each.
    The plain methods never raise: a missing, unreadable, oversized or non-regular file reads as
    None; ``read`` and ``entries`` raise ``Unreadable`` with the reason instead. When
    ``record`` is given, every path asked for is added to it, which is how
    ``kata-config snapshot`` learns exactly which files the probes need.

    In a snapshot a device node is stored as an empty regular file, so ``is_device`` accepts
    either a real character device or, off-line, a regular file. A probe that needs the device
    itself (``/dev/kvm`` on a live root, also ``/host/dev/kvm`` under a mounted host root) calls
    ``open_device``, which resolves inside the root too and returns a file descriptor.

    ``HostRoot.plain()`` reads paths as the user spelled them (relative to the working
    directory, no root): the command line's own input files go through it, with the same
    FIFO, file-type and size rules.
    """

    def __init__(self, root: str | os.PathLike[str] = "/", record: set[str] | None = None,
                 *, devices_live: bool = False) -> None:
        self.root = Path(root)
        self.live = self.root.resolve() == Path("/")
        """The root is this machine's ``/``: processes, ``uname`` and credentials are its own."""
        self.devices_live = self.live or devices_live
        """The device nodes below the root are this kernel's (``/``, or ``--root /host --live``
        for a node mounted into a pod): ioctls on them are allowed."""
        self.record = record
        self._plain = False
        self._fd: int | None = None
        # Tests and odd kernels (openat2 blocked by a seccomp profile) can force the walk.
        self._by_hand = os.environ.get("KATA_CONFIG_RESOLVE") == "walk"

    @classmethod
    def plain(cls) -> HostRoot:
        """A reader of ordinary paths (relative to the working directory, no root)."""
        reader = cls(".")
        reader._plain, reader.live, reader.devices_live = True, False, False
        return reader

    def __repr__(self) -> str:
        return "HostRoot.plain()" if self._plain else f"HostRoot({str(self.root)!r})"

    def _rel(self, rel: str | os.PathLike[str]) -> str:
        text = os.fspath(rel)
        if self._plain:
            return text
        text = text.lstrip("/")
        if self.record is not None:
            self.record.add(text)
        return text

    def _rootfd(self) -> int | None:
        if self._plain:
            return None
        if self._fd is None:
            import weakref  # noqa: PLC0415 (~0.4 ms: a plain reader, validate's, opens no root)

            fd = os.open(self.root, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
            self._fd = fd
            weakref.finalize(self, os.close, fd)
        return self._fd

    def path(self, rel: str) -> Path:
        """``rel`` spelled below the root, for messages; open it with the methods here instead."""
        rel = self._rel(rel)
        return Path(rel) if self._plain else self.root / rel

    def shown(self, rel: str | os.PathLike[str]) -> str:
        """How ``rel`` is named to the user: the host path (``/etc/...``), or as given."""
        text = os.fspath(rel)
        return text if self._plain else "/" + text.lstrip("/")

    def read(self, rel: str | os.PathLike[str], limit: int = MAX_READ) -> bytes:
        """Whole regular file as bytes.

        Raises:
            Unreadable: with the reason (missing, a FIFO, over ``limit``, a loop, ...).
        """
        rel = self._rel(rel)
        try:
            return inroot.read_regular(self._rootfd(), rel, limit, by_hand=self._by_hand)
        except OSError as exc:  # the root itself is gone
            raise Unreadable(inroot.reason(exc)) from None

    def chunks(self, rel: str | os.PathLike[str], size: int = 1 << 20) -> Iterator[bytes]:
        """A regular file of any length, ``size`` bytes at a time (hashing a kernel image).

        The file is opened when iteration starts and closed when it ends or is abandoned.

        Raises:
            Unreadable: missing, not a regular file, or a read fails.
        """
        rel = self._rel(rel)
        fd = inroot.open_regular(self._rootfd(), rel, by_hand=self._by_hand)
        try:
            while chunk := os.read(fd, size):
                yield chunk
        except OSError as exc:
            raise Unreadable(inroot.reason(exc)) from None
        finally:
            os.close(fd)

    def read_bytes(self, rel: str, limit: int = MAX_READ) -> bytes | None:
        """Whole file as bytes, or None when missing, unreadable, not regular or over ``limit``."""
        try:
            return self.read(rel, limit)
        except Unreadable:
            return None

    def read_text(self, rel: str, limit: int = MAX_READ) -> str | None:
        """Whole file as text (undecodable bytes replaced), or None when it cannot be read."""
        data = self.read_bytes(rel, limit)
        return None if data is None else data.decode("utf-8", errors="replace")

    def read_value(self, rel: str) -> str | None:
        """A one-value sysfs/procfs file with surrounding white space removed."""
        text = self.read_text(rel, limit=64 << 10)
        return None if text is None else text.strip()

    def _stat(self, rel: str, follow: bool) -> os.stat_result | None:
        rel = self._rel(rel)
        try:
            fd = inroot.open_in(self._rootfd(), rel, os.O_PATH, follow=follow,
                                by_hand=self._by_hand)
        except (OSError, ValueError):
            return None
        try:
            return os.fstat(fd)
        finally:
            os.close(fd)

    def stat(self, rel: str) -> os.stat_result | None:
        """``stat`` of the path (symlinks followed inside the root), or None."""
        return self._stat(rel, follow=True)

    def lstat(self, rel: str) -> os.stat_result | None:
        """``lstat`` of the path (a final symlink is not followed), or None."""
        return self._stat(rel, follow=False)

    def exists(self, rel: str) -> bool:
        """True when the path exists below the root."""
        return self.stat(rel) is not None

    def is_dir(self, rel: str) -> bool:
        """True when the path is a directory."""
        st = self.stat(rel)
        return st is not None and stat.S_ISDIR(st.st_mode)

    def is_file(self, rel: str) -> bool:
        """True when the path is a regular file."""
        st = self.stat(rel)
        return st is not None and stat.S_ISREG(st.st_mode)

    def is_symlink(self, rel: str) -> bool:
        """True when the path itself is a symbolic link."""
        st = self.lstat(rel)
        return st is not None and stat.S_ISLNK(st.st_mode)

    def is_device(self, rel: str) -> bool:
        """True for a character device; off-line, an empty regular file stands for one."""
        st = self.stat(rel)
        if st is None:
            return False
        if stat.S_ISCHR(st.st_mode):
            return True
        return not self.live and stat.S_ISREG(st.st_mode) and st.st_size == 0

    def entries(self, rel: str, limit: int = MAX_ENTRIES) -> list[str]:
        """Sorted entry names of a directory.

        Raises:
            Unreadable: missing, not a directory, unlistable, or more than ``limit`` entries.
        """
        rel = self._rel(rel)
        try:
            fd = inroot.open_in(self._rootfd(), rel, os.O_RDONLY | os.O_DIRECTORY |
                                os.O_NONBLOCK, by_hand=self._by_hand)
        except OSError as exc:
            why = "is not a directory" if exc.errno == errno.ENOTDIR else inroot.reason(exc)
            raise Unreadable(why) from None
        try:
            with os.scandir(fd) as found:
                names: list[str] = []
                for entry in found:
                    names.append(entry.name)
                    if len(names) > limit:
                        raise Unreadable(f"has more than {limit} entries")
        except OSError as exc:
            raise Unreadable(inroot.reason(exc)) from None
        finally:
            os.close(fd)
        return sorted(names)

    def listdir(self, rel: str) -> list[str] | None:
        """Sorted entry names of a directory, or None when it cannot be listed."""
        try:
            return self.entries(rel)
        except Unreadable:
            return None

    def resolve(self, rel: str) -> str | None:
        """Where ``rel`` leads inside the root, every symlink and ``..`` resolved (``/a/b``).

        None when a component is missing or the path loops. For a plain reader the result
        is an absolute path of this machine.
        """
        rel = self._rel(rel)
        if self._plain:
            try:
                return os.path.realpath(rel, strict=True)
            except (OSError, ValueError):
                return None
        try:
            parent, name, names = inroot.walk(self._rootfd() or 0, rel)
        except (OSError, ValueError):
            return None
        try:
            os.stat(name, dir_fd=parent, follow_symlinks=False)
        except OSError:
            return None
        finally:
            os.close(parent)
        return "/" + "/".join(names if name == "." else [*names, name])

    def open_device(self, rel: str, flags: int = os.O_RDWR) -> int:
        """A file descriptor of the character device ``rel`` (resolved inside the root).

        The caller closes it. Only a character device is opened (checked before opening,
        so a regular file or FIFO in its place is never opened for writing).

        Raises:
            OSError: the open failed (ENOENT, EACCES, ...), or ENODEV when it is not a
                character device.
        """
        rel = self._rel(rel)
        rootfd = self._rootfd()
        probe = inroot.open_in(rootfd, rel, os.O_PATH, by_hand=self._by_hand)
        try:
            first = os.fstat(probe)
        finally:
            os.close(probe)
        if not stat.S_ISCHR(first.st_mode):
            what = inroot.kind(first.st_mode)
            raise OSError(errno.ENODEV, f"{what}, not a character device", rel)
        fd = inroot.open_in(rootfd, rel, flags | os.O_NOCTTY, by_hand=self._by_hand)
        if os.fstat(fd).st_rdev != first.st_rdev:
            os.close(fd)
            raise OSError(errno.ENODEV, "the device changed while it was being opened", rel)
        return fd
