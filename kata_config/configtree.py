"""The configurations in a folder tree: every ``configuration*.toml``, each with its drop-ins.

``validate DIR`` checks a whole tree in one call (a packaging tree, the upstream renders of
every arch, a fleet's files gathered in one place). Each ``configuration*.toml`` found is a
main file, loaded with the ``config.d/`` beside it as Kata loads it; ``config.d/`` folders are
not searched for more main files. Links to folders are not followed (no loops, nothing
outside the tree), and a link to a file that is itself in the tree is checked once, as the
file (kata-deploy links ``configuration.toml`` to one of its siblings).
"""

from __future__ import annotations

import fnmatch
import os
import stat
from typing import Final

from kata_config.probes.host import HostRoot, Unreadable

PATTERN: Final = "configuration*.toml"
MAX_DEPTH: Final = 16
"""Folder levels searched below the named folder; no configuration tree nests deeper."""


def main_files(folder: str, reader: HostRoot) -> list[str]:
    """Every ``configuration*.toml`` below ``folder`` (paths as ``folder`` is spelled), in
    name order folder by folder; empty when there is none."""
    found: list[str] = []
    _walk(folder, reader, 0, found)
    return _once(found, reader)


def _walk(folder: str, reader: HostRoot, depth: int, found: list[str]) -> None:
    try:
        names = reader.entries(folder)
    except Unreadable:
        return  # an unlistable sub-folder holds nothing we can check
    folders: list[str] = []
    for name in names:
        path = os.path.join(folder, name)
        st = reader.lstat(path)
        if st is None:
            continue
        if stat.S_ISDIR(st.st_mode):
            if name != "config.d" and depth < MAX_DEPTH:
                folders.append(path)
        elif fnmatch.fnmatchcase(name, PATTERN):
            found.append(path)  # a FIFO or device here is reported as unreadable, not read
    for sub in folders:
        _walk(sub, reader, depth + 1, found)


def _once(paths: list[str], reader: HostRoot) -> list[str]:
    """Drop a link whose target is another file of the list."""
    real = {path: reader.resolve(path) for path in paths}
    plain = {target for path, target in real.items() if not reader.is_symlink(path)}
    return [path for path in paths
            if not (reader.is_symlink(path) and real[path] is not None and real[path] in plain)]
