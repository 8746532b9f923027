"""Go's ``filepath.Glob`` run against a host root, as the Go runtime's allow-list check does.

The Go runtime expands each ``valid_*_paths`` entry on the host and accepts an annotation
value only if it is string-equal to one of the paths found, so an entry for a file that does
not exist allows nothing. kata-config does the same expansion under a host root (a mounted
node image, a snapshot, or ``/``), reading it as ``chroot`` would: an absolute symlink is
re-rooted at the host root and ``..`` stops at it, so nothing outside the root is ever read.

What Go's Glob does, restated: a pattern without ``* ? [ \\`` is returned as is when the
path exists (no cleaning); otherwise the pattern is split at its last ``/``, the directory
part is expanded first (recursively, when it has metacharacters itself), every directory
found is listed in sorted order, names that match the last part are joined to it with
``filepath.Join`` (which cleans the result), and unreadable directories are skipped.
"""

from __future__ import annotations

import os
import posixpath
import stat
from typing import Final

from kata_runtime.annotations.glob_match import BadPattern, go_match, has_go_meta

MAX_SYMLINKS: Final = 40  # as the kernel's ELOOP limit
MAX_LISTED: Final = 50_000  # directory entries one expansion may look at (work bound)


class HostView:
    """Read-only lookups of host paths under ``root``, never leaving it."""

    def __init__(self, root: str | os.PathLike[str] = "/") -> None:
        self.root = os.path.abspath(os.fspath(root))
        self.listed = 0

    def _real(self, path: str, *, follow_last: bool) -> str | None:
        """The on-disk path of host ``path`` resolved inside the root, or None."""
        if "\0" in path or not path.startswith("/"):
            return None
        parts = [p for p in path.split("/") if p]
        done: list[str] = []
        hops = 0
        while parts:
            name = parts.pop(0)
            if name == ".":
                continue
            if name == "..":
                if done:
                    done.pop()
                continue
            candidate = os.path.join(self.root, *done, name)
            try:
                info = os.lstat(candidate)
            except (OSError, ValueError):
                return None
            if stat.S_ISLNK(info.st_mode) and (parts or follow_last):
                hops += 1
                if hops > MAX_SYMLINKS:
                    return None
                target = os.readlink(candidate)
                if target.startswith("/"):
                    done = []
                parts = [p for p in target.split("/") if p] + parts
                continue
            done.append(name)
        return os.path.join(self.root, *done)

    def resolve(self, path: str) -> str | None:
        """The on-disk path of host ``path`` with every symlink resolved inside the root."""
        real = self._real(path, follow_last=True)
        return real if real is not None and os.path.exists(real) else None

    def lexists(self, path: str) -> bool:
        """``os.Lstat`` succeeds on host ``path``."""
        return self._real(path, follow_last=False) is not None

    def is_dir(self, path: str) -> bool:
        """``os.Stat`` says host ``path`` is a directory."""
        real = self._real(path, follow_last=True)
        return real is not None and os.path.isdir(real) and not os.path.islink(real)

    def list_dir(self, path: str) -> list[str]:
        """Sorted entry names of host directory ``path`` ([] when unreadable)."""
        real = self._real(path, follow_last=True)
        if real is None:
            return []
        try:
            names = sorted(os.listdir(real))
        except OSError:
            return []
        self.listed += len(names)
        if self.listed > MAX_LISTED:
            raise BadPattern(f"expansion lists more than {MAX_LISTED} entries (kata-config bound)")
        return names


def go_glob(pattern: str, host: HostView) -> list[str]:
    """Host paths Go's ``filepath.Glob(pattern)`` returns; raises BadPattern when malformed."""
    go_match(pattern, "")  # Go validates the whole pattern first
    if not pattern.startswith("/"):
        # Go would expand it against the shim's working directory, which no config states.
        return []
    return _glob(pattern, host)


def _glob(pattern: str, host: HostView) -> list[str]:
    if not has_go_meta(pattern):
        return [pattern] if host.lexists(pattern) else []
    directory, file_part = posixpath.split(pattern)
    if directory != "/":
        directory = directory.rstrip("/") or "/"
    if not has_go_meta(directory):
        return _in_dir(directory, file_part, host)
    if directory == pattern:
        raise BadPattern("pattern cannot be split into a directory and a name")
    found: list[str] = []
    for sub in _glob(directory, host):
        found += _in_dir(sub, file_part, host)
    return found


def _in_dir(directory: str, pattern: str, host: HostView) -> list[str]:
    if not host.is_dir(directory):
        return []
    return [_go_join(directory, name)
            for name in host.list_dir(directory) if go_match(pattern, name)]


def _go_join(directory: str, name: str) -> str:
    """Go's ``filepath.Join``: joined, then cleaned (one leading slash, unlike POSIX)."""
    joined = posixpath.normpath(posixpath.join(directory, name))
    return "/" + joined.lstrip("/") if joined.startswith("//") else joined
