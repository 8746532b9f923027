"""Positions of keys in TOML text: dotted key -> (line, column), found by a light line scan.

tomllib gives no positions and tomlkit is twenty times slower, so this scanner walks the text
once, after tomllib has accepted it, and records where every key and table header starts.
It only has to understand enough TOML to skip over values (multi-line strings and arrays).
"""

from __future__ import annotations

import re
from functools import cache

Position = tuple[int, int]
"""1-based line and column."""

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _read_key(text: str, i: int) -> tuple[list[str], int]:
    """Parse a (possibly dotted, possibly quoted) key starting at ``i``; return parts and end."""
    parts: list[str] = []
    n = len(text)
    while i < n:
        while i < n and text[i] in " \t":
            i += 1
        if i < n and text[i] in "\"'":
            quote = text[i]
            j = i + 1
            buf: list[str] = []
            while j < n and text[j] != quote and text[j] != "\n":
                if quote == '"' and text[j] == "\\" and j + 1 < n:
                    buf.append(text[j + 1])
                    j += 2
                    continue
                buf.append(text[j])
                j += 1
            parts.append("".join(buf))
            i = j + 1
        else:
            j = i
            while j < n and text[j] in _BARE:
                j += 1
            parts.append(text[i:j])
            i = j
        while i < n and text[i] in " \t":
            i += 1
        if i < n and text[i] == ".":
            i += 1
            continue
        break
    return parts, i


def _skip_string(text: str, i: int) -> int:
    """Index just past the string literal that starts at ``i``."""
    for delim in ('"""', "'''"):
        if text.startswith(delim, i):
            end = text.find(delim, i + 3)
            while delim == '"""' and end > 0 and _escaped(text, end):
                end = text.find(delim, end + 1)
            if end < 0:
                return len(text)
            end += 3
            while end < len(text) and text[end] == delim[0]:
                end += 1  # up to two quotes may close the content itself
            return end
    quote = text[i]
    j = i + 1
    while j < len(text) and text[j] not in (quote, "\n"):
        j += 2 if quote == '"' and text[j] == "\\" else 1
    return j + 1


def _escaped(text: str, i: int) -> bool:
    count = 0
    while i > 0 and text[i - 1] == "\\":
        count += 1
        i -= 1
    return count % 2 == 1


@cache  # compiled on the first scan (a file with findings), not at every start-up
def _simple_key() -> re.Pattern[str]:
    return re.compile(r"([A-Za-z0-9_-]+)[ \t]*=")


def _depth_change(text: str) -> tuple[int, str | None]:
    """Net bracket depth of one line's value, and the multi-line string it leaves open, if any."""
    depth = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "\"'":
            delim = text[i : i + 3]
            if delim in ('"""', "'''"):
                end = text.find(delim, i + 3)
                while delim == '"""' and end > 0 and _escaped(text, end):
                    end = text.find(delim, end + 1)
                if end < 0:
                    return depth, delim
                i = end + 3
                continue
            i = _skip_string(text, i)
            continue
        if ch == "#":
            break
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        i += 1
    return depth, None


def scan(text: str) -> dict[str, Position]:
    """Map every dotted key and table header in ``text`` to where it starts.

    Arrays of tables get an index: ``hypervisor.qemu.guest_extension_images[0].name``; implicit
    parent tables (``hypervisor`` for ``[hypervisor.qemu]``) point at their first child header.
    Assumes ``text`` is valid TOML (parse it with tomllib first); never raises on odd input.
    """
    found: dict[str, Position] = {}
    counters: dict[str, int] = {}
    arrays: dict[str, str] = {}  # plain array-of-tables path -> its current indexed form
    prefix = ""
    depth = 0
    open_string: str | None = None
    for lineno, line in enumerate(text.split("\n"), 1):
        if open_string is not None:
            end = line.find(open_string)
            if end < 0:
                continue
            rest = line[end + 3 :]
            open_string = None
            change, open_string = _depth_change(rest)
            depth += change
            continue
        if depth > 0:
            change, open_string = _depth_change(line)
            depth += change
            continue
        stripped = line.lstrip()
        if not stripped or stripped[0] == "#":
            continue
        col = len(line) - len(stripped) + 1
        if stripped[0] == "[":
            prefix = _header(stripped, (lineno, col), found, counters, arrays)
            continue
        match = _simple_key().match(stripped)
        if match:
            key, end = match.group(1), match.end()
        else:
            parts, end = _read_key(stripped, 0)
            if end >= len(stripped) or stripped[end] != "=":
                continue
            key, end = ".".join(parts), end + 1
        full = f"{prefix}.{key}" if prefix else key
        found.setdefault(full, (lineno, col))
        change, open_string = _depth_change(stripped[end:])
        depth += change
    return found


def _header(
    stripped: str,
    pos: Position,
    found: dict[str, Position],
    counters: dict[str, int],
    arrays: dict[str, str],
) -> str:
    """Record a ``[table]`` or ``[[array]]`` header and return the key prefix it opens."""
    is_array = stripped.startswith("[[")
    parts, _ = _read_key(stripped, 2 if is_array else 1)
    plain = ".".join(parts)
    indexed = _indexed(plain, arrays)
    if is_array:
        found.setdefault(indexed, pos)
        idx = counters.get(indexed, 0)
        counters[indexed] = idx + 1
        arrays[plain] = f"{indexed}[{idx}]"
        indexed = arrays[plain]
    _add_parents(found, indexed, pos)
    found[indexed] = pos
    return indexed


def _add_parents(found: dict[str, Position], path: str, pos: Position) -> None:
    cut = path.rfind(".")
    while cut > 0:
        found.setdefault(path[:cut], pos)
        cut = path.rfind(".", 0, cut)
def _indexed(plain: str, arrays: dict[str, str]) -> str:
    """Rewrite a header path so that parents which are arrays of tables carry their index."""
    best = ""
    for array_path in arrays:
        if (plain == array_path or plain.startswith(array_path + ".")) and len(array_path) > len(
            best
        ):
            best = array_path
    if not best or plain == best:
        return plain
    return arrays[best] + plain[len(best) :]
