"""The two glob dialects of the ``valid_*_paths`` allow-lists, as pure pattern matchers.

Go (``filepath.Match``): ``*`` is any run of characters except ``/``, ``?`` one character
except ``/``, ``[...]`` / ``[^...]`` a class whose ``-`` and ``]`` must be escaped where they
could be read as syntax, ``\\`` escapes the next character; a malformed pattern is an error
even where the text already failed to match.

Rust (``glob::Pattern::matches`` with default options): ``*`` is any run of characters *including*
``/``, ``**`` must be a whole path component and matches any number of components, ``?``
is any one character, ``[...]`` / ``[!...]`` a class with ``]`` literal when first and ``-``
literal when first or last; there is no backslash escape. A malformed pattern is an error.

Both are matched by dynamic programming over (token, position), never by backtracking, so
a hostile pattern costs at most tokens x characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final

MAX_GLOB: Final = 4096  # longer patterns or paths are refused (kata-config's work bound)


class BadPattern(ValueError):
    """The pattern is malformed in its dialect; ``str()`` says why."""


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # "lit", "any", "star", "rstar" (Rust **), "class"
    char: str = ""
    ranges: tuple[tuple[str, str], ...] = ()
    negated: bool = False


def _go_class(pattern: str, i: int) -> tuple[_Tok, int]:
    """Go class starting after ``[``: returns the token and the index after ``]``."""
    negated = pattern.startswith("^", i)
    i += negated
    ranges: list[tuple[str, str]] = []
    while True:
        if pattern.startswith("]", i) and ranges:
            return _Tok("class", ranges=tuple(ranges), negated=negated), i + 1
        lo, i = _go_class_char(pattern, i)
        hi = lo
        if pattern.startswith("-", i):
            hi, i = _go_class_char(pattern, i + 1)
        ranges.append((lo, hi))


def _go_class_char(pattern: str, i: int) -> tuple[str, int]:
    if i >= len(pattern) or pattern[i] in "-]":
        raise BadPattern("character class is malformed (escape - and ] inside [...])")
    if pattern[i] == "\\":
        i += 1
        if i >= len(pattern):
            raise BadPattern("pattern ends with a backslash")
    if i + 1 >= len(pattern):
        raise BadPattern("character class is not closed")
    return pattern[i], i + 1


@lru_cache(maxsize=256)
def _go_tokens(pattern: str) -> tuple[_Tok, ...]:
    toks: list[_Tok] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            toks.append(_Tok("star"))
        elif c == "?":
            toks.append(_Tok("any"))
        elif c == "[":
            tok, i = _go_class(pattern, i + 1)
            toks.append(tok)
            continue
        elif c == "\\":
            if i + 1 >= len(pattern):
                raise BadPattern("pattern ends with a backslash")
            i += 1
            toks.append(_Tok("lit", pattern[i]))
        else:
            toks.append(_Tok("lit", c))
        i += 1
    return tuple(toks)


@lru_cache(maxsize=256)
def _rs_tokens(pattern: str) -> tuple[_Tok, ...]:
    toks: list[_Tok] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "?":
            toks.append(_Tok("any"))
        elif c == "*":
            run = len(pattern[i:]) - len(pattern[i:].lstrip("*"))
            if run > 2:
                raise BadPattern("wildcards are either * or **, never more")
            if run == 2:
                at_start = i == 0 or pattern[i - 1] == "/"
                end = i + 2
                if not at_start or (end < len(pattern) and pattern[end] != "/"):
                    raise BadPattern("** must be a whole path component")
                if not toks or toks[-1].kind != "rstar":
                    toks.append(_Tok("rstar"))
                i = end + (end < len(pattern))
                continue
            toks.append(_Tok("star"))
        elif c == "[":
            negated = pattern.startswith("!", i + 1)
            body_start = i + 1 + negated
            close = pattern.find("]", body_start + 1)
            if close < 0:
                raise BadPattern("character class is not closed")
            toks.append(_Tok("class", ranges=_rs_ranges(pattern[body_start:close]),
                             negated=negated))
            i = close + 1
            continue
        else:
            toks.append(_Tok("lit", c))
        i += 1
    return tuple(toks)


def _rs_ranges(body: str) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            out.append((body[i], body[i + 2]))
            i += 3
        else:
            out.append((body[i], body[i]))
            i += 1
    return tuple(out)


def _in_class(tok: _Tok, c: str) -> bool:
    return any(lo <= c <= hi for lo, hi in tok.ranges) != tok.negated


def _match(toks: tuple[_Tok, ...], text: str, *, go: bool) -> bool:
    # reach[t] = positions of ``text`` where tokens[:t] can have matched; "after a separator"
    # matters only for Rust's **, which may stop only after a / (or consume nothing).
    reach: set[int] = {0}
    for tok in toks:
        nxt: set[int] = set()
        if tok.kind in ("star", "rstar"):
            for start in sorted(reach):
                nxt.add(start)
                for end in range(start + 1, len(text) + 1):
                    if go and text[end - 1] == "/":
                        break
                    if tok.kind == "rstar" and text[end - 1] != "/" and end < len(text):
                        continue
                    nxt.add(end)
        else:
            for pos in reach:
                if pos >= len(text):
                    continue
                c = text[pos]
                if tok.kind == "lit":
                    ok = c == tok.char
                elif tok.kind == "any":
                    ok = not (go and c == "/")
                else:
                    ok = _in_class(tok, c)
                if ok:
                    nxt.add(pos + 1)
        reach = nxt
        if not reach:
            return False
    return len(text) in reach


def go_match(pattern: str, name: str) -> bool:
    """Go ``filepath.Match(pattern, name)``; raises BadPattern for a malformed pattern."""
    _bound(pattern, name)
    return _match(_go_tokens(pattern), name, go=True)


def rs_match(pattern: str, path: str) -> bool:
    """Rust ``glob::Pattern::new(pattern)?.matches(path)``; raises BadPattern when malformed."""
    _bound(pattern, path)
    return _match(_rs_tokens(pattern), path, go=False)


def has_go_meta(pattern: str) -> bool:
    """Whether Go's Glob treats ``pattern`` as a pattern rather than a plain path."""
    return any(c in pattern for c in "*?[\\")


def _bound(pattern: str, text: str) -> None:
    if len(pattern) > MAX_GLOB or len(text) > MAX_GLOB:
        raise BadPattern(f"pattern or path longer than {MAX_GLOB} characters (kata-config bound)")
