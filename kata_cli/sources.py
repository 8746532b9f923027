"""Input files as the commands see them: checked before any work, and their lines for output.

Every command checks its file arguments with ``require`` first, so a FIFO, device or oversize
file is a usage error (exit 2) naming the file, never a hang or a traceback; ``Sources`` reads
each input once more (through the same capped, non-blocking reader; standard input from its
cache) to show the offending line under a finding.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from kata_cli import usage
from kata_config import InputError, check_input, read_input


def require(paths: Iterable[str | os.PathLike[str]], what: str = "file") -> None:
    """Exit 2 with a sentence unless every path is ``-``, a regular file or a directory."""
    stdin = 0
    for path in paths:
        stdin += os.fspath(path) == usage.STDIN
        try:
            check_input(path, what)
        except InputError as exc:
            raise usage.fail(str(exc)) from None
    if stdin > 1:
        raise usage.fail("standard input (-) can be read only once; name the other files")


def read(path: str | os.PathLike[str], what: str = "file") -> bytes:
    """The bytes of an input (``-``: standard input), or exit 2 with the reason."""
    try:
        return read_input(path, what)
    except InputError as exc:
        raise usage.fail(str(exc)) from None


class Sources:
    """Reads an input file's lines to show the offending line under a finding.

    Only files with findings are read, and only one file's lines are kept at a time: the
    renderers go through the findings file by file, so memory stays flat however many files
    one run checks. Under a host ``root`` other than ``/`` the paths are that host's and read
    below it.
    """

    def __init__(self, root: str = "/") -> None:
        self._path: str | None = None
        self._lines: list[str] = []
        self._root = root

    def __call__(self, path: str, line: int) -> str | None:
        if path != self._path:
            self._lines = []  # let the previous file's lines go before reading the next
            try:
                text = read_input(path, root=self._root).decode("utf-8", errors="replace")
            except InputError:
                text = ""
            self._path, self._lines = path, text.splitlines()
        lines = self._lines
        return lines[line - 1] if 0 < line <= len(lines) else None
