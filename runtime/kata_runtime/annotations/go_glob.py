"""Go's ``filepath.Glob`` run against a host root, as the Go runtime's allow-list check does.

The Go runtime expands each ``valid_*_paths`` entry on the host and accepts an annotation
value only if it is string-equal to one of the paths found, so an entry for a file that does
not exist allows nothing. kata-config does the same expansion under a host root (a mounted
node image, a snapshot, or ``/``) through ``kata_config.HostFiles``, which reads it as
``chroot`` would: an absolute symlink is re-rooted at the host root and ``..`` stops at it,
so nothing outside the root is ever read.

What Go's Glob does, restated: a pattern without ``* ? [ \\`` is returned as is when the
path exists (no cleaning); otherwise the pattern is split at its last ``/``, the directory
part is expanded first (recursively, when it has metacharacters itself), every directory
found is listed in sorted order, names that match the last part are joined to it with
``filepath.Join`` (which cleans the result), and unreadable directories are skipped.
"""

from __future__ import annotations

import posixpath
from typing import Final

from kata_config import HostFiles, Unreadable
from kata_runtime.annotations.glob_match import BadPattern, go_match, has_go_meta

MAX_LISTED: Final = 50_000  # directory entries one expansion may look at (work bound)


class GlobView:
    """The host lookups Go's Glob makes, through ``kata_config.HostFiles`` (so confined to
    its root, never blocking), with a bound on the directory entries listed in all."""

    def __init__(self, files: HostFiles) -> None:
        self.files = files
        self.listed = 0

    def lexists(self, path: str) -> bool:
        """``os.Lstat`` succeeds on host ``path``."""
        return path.startswith("/") and self.files.lexists(path)

    def is_dir(self, path: str) -> bool:
        """``os.Stat`` says host ``path`` is a directory."""
        return path.startswith("/") and self.files.is_dir(path)

    def list_dir(self, path: str) -> list[str]:
        """Sorted entry names of host directory ``path`` ([] when unreadable)."""
        try:
            names = self.files.entries(path, limit=MAX_LISTED - self.listed)
        except Unreadable as exc:
            if str(exc).startswith("has more than"):  # the bound, not an unreadable directory
                raise BadPattern(f"expansion lists more than {MAX_LISTED} entries "
                                 "(kata-config bound)") from None
            return []
        self.listed += len(names)
        return names


def go_glob(pattern: str, host: GlobView) -> list[str]:
    """Host paths Go's ``filepath.Glob(pattern)`` returns; raises BadPattern when malformed."""
    go_match(pattern, "")  # Go validates the whole pattern first
    if not pattern.startswith("/"):
        # Go would expand it against the shim's working directory, which no config states.
        return []
    return _glob(pattern, host)


def _glob(pattern: str, host: GlobView) -> list[str]:
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


def _in_dir(directory: str, pattern: str, host: GlobView) -> list[str]:
    if not host.is_dir(directory):
        return []
    return [_go_join(directory, name)
            for name in host.list_dir(directory) if go_match(pattern, name)]


def _go_join(directory: str, name: str) -> str:
    """Go's ``filepath.Join``: joined, then cleaned (one leading slash, unlike POSIX)."""
    joined = posixpath.normpath(posixpath.join(directory, name))
    return "/" + joined.lstrip("/") if joined.startswith("//") else joined
