"""virtiofsd for ``--try``: which dialect the binary speaks, and Kata's options in it.

Kata starts the Rust virtiofsd (``--shared-dir=DIR --cache=MODE --announce-submounts``).
QEMU up to 7.2 shipped a C virtiofsd (Debian bookworm's ``/usr/lib/qemu/virtiofsd``) that
spells the same settings as FUSE ``-o`` options. When the plan's daemon is the C one, each
option is rewritten to its C spelling and every rewrite is named; an option with no C
equivalent is dropped and named too. ``--syslog`` is always dropped so that the daemon's own
words reach the ``--try`` report.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from typing import Final, Literal

Dialect = Literal["rust", "c", "unknown"]

_C_CACHE: Final = {"never": "none", "auto": "auto", "always": "always"}
"""Rust cache modes in C's spelling (C has no ``metadata``; ``auto`` is closest)."""

_FLAGS: Final = {"--announce-submounts": "announce_submounts", "--xattr": "xattr",
                 "--posix-acl": "posix_acl", "--writeback": "writeback",
                 "--allow-direct-io": "allow_direct_io", "--security-label": "security_label"}
"""Rust flags that are a plain ``-o NAME`` in C."""

_VALUED: Final[dict[str, Callable[[str], str]]] = {
    "--shared-dir": lambda v: f"source={v}",
    "--cache": lambda v: f"cache={_C_CACHE.get(v, 'auto')}",
    "--sandbox": lambda v: f"sandbox={v}",
    "--log-level": lambda v: f"log_level={'err' if v == 'error' else v}",
    "--xattrmap": lambda v: f"xattrmap={v}",
}
"""Rust options with a value that become ``-o NAME=VALUE`` in C."""

_KEPT: Final = ("--fd", "--socket-path", "--socket-group", "--thread-pool-size",
                "--rlimit-nofile")
"""Options both dialects spell alike (C takes them only as ``--name=value``)."""


def dialect(binary: str, timeout: float = 5.0) -> Dialect:
    """Ask ``binary --version`` which virtiofsd it is."""
    try:
        done = subprocess.run([binary, "--version"], capture_output=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    text = (done.stdout + done.stderr).decode("utf-8", errors="replace")
    if "FUSE kernel interface" in text or "QEMU Project" in text:
        return "c"
    if text.startswith("virtiofsd"):
        return "rust"
    return "unknown"


def _pairs(argv: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """``(option, value)`` pairs, joining ``--opt value`` and splitting ``--opt=value``."""
    out: list[tuple[str, str | None]] = []
    i = 0
    while i < len(argv):
        word = argv[i]
        name, eq, value = word.partition("=")
        takes = name in _VALUED or name in _KEPT or name == "-o"
        if eq or not takes or i + 1 >= len(argv):
            out.append((name, value if eq else None))
            i += 1
            continue
        out.append((name, argv[i + 1]))
        i += 2
    return out


def for_trial(argv: tuple[str, ...], kind: Dialect) -> tuple[tuple[str, ...], list[str]]:
    """The helper's argv for a trial start with this daemon, and each rewrite in words."""
    swaps = (["virtiofsd --syslog dropped: its errors go to the --try report"]
             if "--syslog" in argv else [])
    if kind != "c":
        return tuple(w for w in argv if w != "--syslog"), swaps
    out = [argv[0]]
    for name, value in _pairs(argv[1:]):
        shown = name if value is None else f"{name}={value}"
        if name == "--syslog":
            continue
        if name == "-o":
            out += [name] if value is None else [name, value]
            continue
        if name in _KEPT:
            out.append(shown)
            continue
        if name in _FLAGS and value is None:
            new = ["-o", _FLAGS[name]]
        elif name in _VALUED and value is not None:
            new = ["-o", _VALUED[name](value)]
        else:
            swaps.append(f"virtiofsd {shown} dropped: the C virtiofsd has no such option")
            continue
        out += new
        swaps.append(f"virtiofsd {shown} -> {' '.join(new)} (the C virtiofsd's spelling)")
    return tuple(out), swaps
