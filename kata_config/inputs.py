"""The files a command is given: one reader, one size cap, and ``-`` for standard input.

Every input file of every command (validate/diff/migrate PATH, ``diff --against``,
``check --config``, ``snapshot --extract`` ARCHIVE) is read here or through ``load``, which
uses the same reader and cap: only a regular file is opened for reading (a FIFO, socket or
device is refused without blocking), and at most ``MAX_INPUT_BYTES`` of it is read.
"""

from __future__ import annotations

import os
import sys
from typing import Final

from kata_config.probes.host import HostRoot, Unreadable
from kata_config.probes.inroot import kind

MAX_INPUT_BYTES: Final = 4 << 20
"""The largest input any command accepts (4 MiB). A Kata config is about 30 KB and a
snapshot archive well under 1 MiB; anything larger is not one and is refused unread."""
STDIN: Final = "-"
"""The path that means standard input (validate, diff and migrate read one config from it)."""


class InputError(Exception):
    """An input file cannot be used; ``str()`` names it and says why and what to do."""


_STDIN_CACHE: Final[dict[str, tuple[object, bytes]]] = {}
"""What was read from standard input, with the stream it came from (tests swap streams)."""


def read_stdin(limit: int = MAX_INPUT_BYTES) -> bytes:
    """Standard input, read once per process (later calls get the same bytes).

    Raises:
        InputError: more than ``limit`` bytes arrive.
    """
    stream, data = _STDIN_CACHE.get(STDIN, (None, b""))
    if stream is not sys.stdin:
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise InputError(f"standard input is larger than the {limit >> 20} MiB limit; "
                             "a Kata configuration is a few KiB")
        _STDIN_CACHE[STDIN] = (sys.stdin, data)
    return data


def read_input(path: str | os.PathLike[str], what: str = "file",
               limit: int = MAX_INPUT_BYTES, *, root: str | os.PathLike[str] = "/") -> bytes:
    """The bytes of an input file (or of standard input for ``-``).

    With a ``root`` other than ``/``, ``path`` is a path inside that host root, read as
    chroot would (a symlink never leads out of it).

    Raises:
        InputError: missing, not a regular file, larger than ``limit``, or unreadable.
    """
    name = os.fspath(path)
    if name == STDIN:
        return read_stdin(limit)
    reader = HostRoot(root)
    try:
        return (HostRoot.plain() if reader.live else reader).read(name, limit)
    except Unreadable as exc:
        raise InputError(f"{what} {name}: it {exc}") from None


def check_input(path: str | os.PathLike[str], what: str = "file") -> None:
    """Refuse early, before any work, an input that is neither ``-`` nor a regular file.

    A directory is allowed (it stands for its ``configuration.toml``).

    Raises:
        InputError: missing, a FIFO, socket or device, or unreachable.
    """
    name = os.fspath(path)
    if name == STDIN:
        return
    reader = HostRoot.plain()
    st = reader.stat(name)
    if st is None:
        exists = reader.lstat(name) is not None
        why = "is a broken symbolic link" if exists else "does not exist"
        raise InputError(f"{what} {name}: it {why}")
    if not (reader.is_file(name) or reader.is_dir(name)):
        raise InputError(f"{what} {name}: it is {kind(st.st_mode)}, not a regular file")
    if st.st_size > MAX_INPUT_BYTES and reader.is_file(name):
        raise InputError(f"{what} {name}: it is larger than the {MAX_INPUT_BYTES >> 20} MiB "
                         "limit; a Kata configuration is a few KiB")
