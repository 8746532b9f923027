"""Input files as the commands see them: checked before any work, and their lines for output.

Every command checks its file arguments with ``require`` first, so a FIFO, device or oversize
file is a usage error (exit 2) naming the file, never a hang or a traceback; ``Sources`` reads
each input once more (through the same capped, non-blocking reader; standard input from its
cache) to show the offending line under a finding.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from kata_cli import options


def require(paths: Iterable[str | os.PathLike[str]], what: str = "file") -> None:
    """Exit 2 with a sentence unless every path is ``-``, a regular file or a directory."""
    from kata_config import InputError, check_input

    stdin = 0
    for path in paths:
        stdin += os.fspath(path) == options.STDIN
        try:
            check_input(path, what)
        except InputError as exc:
            raise options.fail(str(exc)) from None
    if stdin > 1:
        raise options.fail("standard input (-) can be read only once; name the other files")


def read(path: str | os.PathLike[str], what: str = "file") -> bytes:
    """The bytes of an input (``-``: standard input), or exit 2 with the reason."""
    from kata_config import InputError, read_input

    try:
        return read_input(path, what)
    except InputError as exc:
        raise options.fail(str(exc)) from None


class Sources:
    """Reads each input file once per run to show the offending line under a finding.

    Under a host ``root`` other than ``/`` the paths are that host's and read below it.
    """

    def __init__(self, root: str = "/") -> None:
        self._lines: dict[str, list[str]] = {}
        self._root = root

    def __call__(self, path: str, line: int) -> str | None:
        from kata_config import InputError, read_input

        if path not in self._lines:
            try:
                text = read_input(path, root=self._root).decode("utf-8", errors="replace")
            except InputError:
                text = ""
            self._lines[path] = text.splitlines()
        lines = self._lines[path]
        return lines[line - 1] if 0 < line <= len(lines) else None



