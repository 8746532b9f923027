"""Resolve a host path inside a host root the way the runtime's own lookup would see it.

Both runtimes make configured paths absolute and follow symlinks at load. Under a host root
(a snapshot), a link's target is read as the host would, relative to the root, never
leading out of it. This belongs in ``HostRoot`` (STYLE: the only reader of host files); it
lives here until HostRoot grows a resolver, then this module goes.
"""

from __future__ import annotations

import os
from collections import deque

from kata_config.probes.host import HostRoot

MAX_LINKS = 40
"""Linux gives up (ELOOP) after 40 links in one lookup; so do we."""


def realpath_under(host: HostRoot, path: str) -> str | None:
    """The symlink-free host spelling of absolute ``path``, or None when it does not exist.

    ``..`` at the root stays at the root, as it does in a chroot.
    """
    if not path.startswith("/"):
        return None
    pending = deque(part for part in path.split("/") if part)
    done: list[str] = []
    links = 0
    while pending:
        part = pending.popleft()
        if part == ".":
            continue
        if part == "..":
            if done:
                done.pop()
            continue
        full = host.path("/".join((*done, part)))
        try:
            target = os.readlink(full)
        except OSError:
            if not os.path.lexists(full):
                return None
            done.append(part)
            continue
        links += 1
        if links > MAX_LINKS:
            return None
        if target.startswith("/"):
            done = []
        pending.extendleft(reversed([p for p in target.split("/") if p]))
    return "/" + "/".join(done)
