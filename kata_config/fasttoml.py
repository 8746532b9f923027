"""A fast path for the plain TOML a Kata configuration is written in; tomllib for the rest.

``parse(text)`` returns exactly what ``tomllib.loads(text)`` returns, or None when the text
uses anything beyond the plain subset, and then the caller parses it with tomllib (which
also words every syntax error). The subset, one statement per line: comments, blank lines,
``[a.b]`` and ``[[a.b]]`` headers of bare keys, and ``bare_key = value`` where the value is a
basic string without escapes, a literal string, ``true``/``false``, a decimal integer or a
decimal float with a fraction, or an array of those (over several lines, with comments).
Anything else, and any text that tomllib would refuse (a repeated key or table, a table
through a value, a control character, ``\\r``), returns None: the fast path never accepts
what tomllib rejects.

Why: tomllib walks the text a character at a time in Python; a Kata configuration is mostly
comments and flat ``key = value`` lines, which one regular expression per statement reads
in about a quarter of the time (``tests/test_fasttoml.py`` holds it to tomllib's result).
"""

from __future__ import annotations

import re
from typing import Any, Final

_STR: Final = r'"[^"\\\n]*"'
_LIT: Final = r"'[^'\n]*'"
_DIGITS: Final = r"[0-9](?:_?[0-9])*"
_FRACTION: Final = rf"\.{_DIGITS}(?:[eE][+-]?{_DIGITS})?"
_NUMBER: Final = r"[+-]?(?:0|[1-9](?:_?[0-9])*)"
"""A decimal integer, or with ``_FRACTION`` after it a float (one pattern for both: each
copy of it costs compile time at import)."""
_BOOL: Final = r"(?:true|false)"
_SCALAR: Final = f"(?:{_STR}|{_LIT}|{_BOOL}|{_NUMBER}(?:{_FRACTION})?)"
_GAP: Final = r"(?:[ \t\n]|#[^\n]*\n)*"
"""What may stand around an array's elements: blanks, newlines, comments."""
_ARRAY: Final = rf"\[{_GAP}(?:{_SCALAR}{_GAP}(?:,{_GAP}|(?=\])))*\]"
_BARE: Final = r"[A-Za-z0-9_-]+"
_END: Final = r"[ \t]*(?:#[^\n]*)?(?:\n|\Z)"
_TYPED: Final = (r"\"(?P<s>[^\"\\\n]*)\"|'(?P<l>[^'\n]*)'"
                 rf"|(?P<b>{_BOOL})|(?P<n>{_NUMBER}(?P<f>{_FRACTION})?)")
"""One scalar, its kind named by the group that matched (``_scalar``)."""

_STATEMENT: Final = re.compile(
    rf"(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*(?:"
    rf"(?P<key>{_BARE})[ \t]*=[ \t]*(?:{_TYPED}|(?P<a>{_ARRAY}))"
    rf"|\[(?P<aot>\[)?[ \t]*(?P<head>{_BARE}(?:[ \t]*\.[ \t]*{_BARE})*)[ \t]*\](?(aot)\])"
    rf"){_END}"
)
_TAIL: Final = re.compile(r"(?:[ \t]*(?:#[^\n]*)?(?:\n|\Z))*\Z")
_ELEMENT: Final = re.compile(rf"(?:[ \t\n,]|#[^\n]*\n)*(?:{_TYPED})")
"""The next element of an array already matched whole: what precedes it, then it."""
_REFUSED: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
"""Control characters tomllib refuses outside multi-line strings (tab and newline aside), and
``\\r``, which tomllib folds into ``\\n`` first: left to tomllib."""
_DOT: Final = re.compile(r"[ \t]*\.[ \t]*")


def loads(text: str) -> dict[str, Any]:
    """``tomllib.loads(text)``, read by the fast path when the text is plain."""
    data = parse(text)
    if data is not None:
        return data
    import tomllib  # noqa: PLC0415 (stdlib, ~2 ms: only text beyond the subset needs it)

    return tomllib.loads(text)


class _Bail(Exception):
    """The text leaves the subset: tomllib must read it."""


def _scalar(match: re.Match[str]) -> Any:
    kind = match.lastgroup
    text = match.group(kind or 0)
    if kind in ("s", "l"):
        return text
    if kind == "b":
        return text == "true"
    if match.group("f"):
        return float(text.replace("_", ""))
    return int(text, 0)


def _elements(array: str) -> list[Any]:
    items = []
    pos = 1  # past the "["
    while (m := _ELEMENT.match(array, pos)) is not None:
        items.append(_scalar(m))
        pos = m.end()
    return items


def parse(text: str) -> dict[str, Any] | None:
    """``tomllib.loads(text)`` for plain TOML (see the module docstring), else None."""
    if _REFUSED.search(text):
        return None
    try:
        return _parse(text)
    except (_Bail, ValueError):  # ValueError: an integer past int()'s digit limit
        return None


def _parse(text: str) -> dict[str, Any]:
    root: dict[str, Any] = {}
    table = root
    declared: set[str] = set()  # headers written as [a.b], and [[a.b]] paths
    arrays: set[int] = set()  # ids of the lists [[...]] made (the others are values)
    pos, end = 0, len(text)
    match_at = _STATEMENT.match
    while pos < end:
        m = match_at(text, pos)
        if m is None:
            if _TAIL.match(text, pos):
                break
            raise _Bail
        pos = m.end()
        key = m.group("key")
        if key is not None:
            if key in table:
                raise _Bail
            kind = m.lastgroup
            if kind == "a":
                table[key] = _elements(m.group("a"))
            else:
                table[key] = _scalar(m)
            continue
        head = m.group("head")
        parts = _DOT.split(head) if "." in head else [head]
        path = ".".join(parts)
        if path in declared:
            raise _Bail
        declared.add(path)
        node = root
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise _Bail
            node = child
        last = parts[-1]
        if m.group("aot") is None:
            child = node.setdefault(last, {})
            if not isinstance(child, dict):
                raise _Bail
            table = child
            continue
        entries = node.get(last)
        if entries is None:
            entries = node[last] = []
            arrays.add(id(entries))
        elif not isinstance(entries, list) or id(entries) not in arrays:
            raise _Bail
        table = {}
        entries.append(table)
        declared.discard(path)  # [[a]] may repeat; [a] after it may not (a list, above)
    return root
