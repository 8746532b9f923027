"""Container-engine files read through the host root: TOML with a reason, never an exception."""

from __future__ import annotations

import fnmatch
import posixpath
import re
import stat
from typing import Any, Final

from kata_config.probes.host import HostRoot
from kata_config.record import record

MAX_ENGINE_BYTES: Final = 1 << 20
"""containerd and CRI-O files are a few KiB; anything past 1 MiB is refused unread."""

_MAX_WALK: Final = 4096
_POS = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


@record
class TomlFile:
    """One engine file: its data, or why there is none (``problem`` is a sentence fragment)."""

    path: str
    data: dict[str, Any] | None
    problem: str | None


def clean(path: str) -> str:
    """Lexically clean an absolute host path as Go's ``filepath.Clean`` does."""
    cleaned = posixpath.normpath(path)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("/") else cleaned


def read_toml(host: HostRoot, path: str) -> TomlFile:
    """Read and parse ``path`` (a host path) below the root; every failure is a reason."""
    resolved = host.resolve(path)
    if resolved is None:
        return TomlFile(path, None, "does not exist (or a symlink in its path loops)")
    info = host.stat(resolved)
    if info is None or not stat.S_ISREG(info.st_mode):
        kind = "a directory" if info is not None and stat.S_ISDIR(info.st_mode) else "not a file"
        return TomlFile(path, None, f"is {kind}")
    if info.st_size > MAX_ENGINE_BYTES:
        return TomlFile(path, None, f"is larger than {MAX_ENGINE_BYTES >> 20} MiB, so not a "
                        "container engine configuration; kata-config does not read it")
    # tomllib (with datetime): ~2.5 ms of imports, paid only on a host with an engine config
    import tomllib  # noqa: PLC0415

    raw = host.read_bytes(resolved, limit=MAX_ENGINE_BYTES)
    if raw is None:
        return TomlFile(path, None, "cannot be read (permissions?); run as root")
    try:
        return TomlFile(path, tomllib.loads(raw.decode("utf-8")), None)
    except UnicodeDecodeError:
        return TomlFile(path, None, "is not UTF-8 text, so not TOML")
    except tomllib.TOMLDecodeError as exc:
        match = _POS.search(str(exc))
        where = f" at line {match.group(1)}, column {match.group(2)}" if match else ""
        return TomlFile(path, None, f"is not valid TOML{where} ({_POS.sub('', str(exc))})")
    except RecursionError:
        return TomlFile(path, None, "is not valid TOML (nested too deeply)")


def table(data: Any, *keys: str) -> dict[str, Any] | None:
    """The sub-table at ``keys``, or None when a step is missing or not a table."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data if isinstance(data, dict) else None


def text(data: dict[str, Any], key: str) -> str | None:
    """A string value, or None when absent or of another type."""
    value = data.get(key)
    return value if isinstance(value, str) else None


def glob(host: HostRoot, pattern: str, limit: int) -> tuple[list[str], int]:
    """Host paths matching ``pattern`` below the root, sorted as Go's ``filepath.Glob``.

    Returns at most ``limit`` paths and how many names matched in all, so a caller can say that
    a glob was cut short. Go's ``*`` also matches names starting with a dot, and so does
    ``fnmatch``; Go spells a negated class ``[^...]``, fnmatch ``[!...]``.
    """
    found = ["/"]
    for part in (p for p in pattern.split("/") if p):
        if not any(c in part for c in "*?["):
            found = [posixpath.join(d, part) for d in found]
            continue
        translated = part.replace("[^", "[!")
        matched: list[str] = []
        for directory in found[:_MAX_WALK]:  # /*/*/*.toml must not walk the whole host
            where = host.resolve(directory)
            names = host.listdir(where) if where is not None else None
            matched.extend(posixpath.join(directory, n) for n in names or ()
                           if fnmatch.fnmatchcase(n, translated))
        found = matched
    result: list[str] = []
    for path in found:
        if len(result) == limit:
            break
        # Go's Glob uses Lstat: a dangling symlink matches (and containerd then fails on it)
        if host.resolve(path) is not None or host.is_symlink(path):
            result.append(path)
    return result, max(len(found), len(result))
