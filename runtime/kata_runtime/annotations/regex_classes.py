"""Character predicates for the RE2 / Rust ``regex`` dialects (``regex_syntax`` builds on them).

Go's Perl classes (``\\d``, ``\\w``, ``\\s``) and word boundaries are ASCII-only; Rust's are
Unicode by default. POSIX classes are ASCII in both.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import Final

CharPred = Callable[[str], bool]

_POSIX: Final[dict[str, CharPred]] = {
    "alnum": lambda c: c.isascii() and c.isalnum(),
    "alpha": lambda c: c.isascii() and c.isalpha(),
    "ascii": lambda c: c.isascii(),
    "blank": lambda c: c in " \t",
    "cntrl": lambda c: c.isascii() and (ord(c) < 32 or ord(c) == 127),
    "digit": lambda c: "0" <= c <= "9",
    "graph": lambda c: "!" <= c <= "~",
    "lower": lambda c: "a" <= c <= "z",
    "print": lambda c: " " <= c <= "~",
    "punct": lambda c: "!" <= c <= "~" and not c.isalnum(),
    "space": lambda c: c in " \t\n\r\f\v",
    "upper": lambda c: "A" <= c <= "Z",
    "word": lambda c: (c.isascii() and c.isalnum()) or c == "_",
    "xdigit": lambda c: c in "0123456789abcdefABCDEF",
}

# General-category names both dialects accept, long forms as Rust also accepts them.
_LONG_CATEGORIES: Final = {
    "letter": "L", "uppercase_letter": "Lu", "lowercase_letter": "Ll", "mark": "M",
    "number": "N", "decimal_number": "Nd", "punctuation": "P", "symbol": "S",
    "separator": "Z", "other": "C", "control": "Cc",
}  # fmt: skip


def literal(char: str, case_insensitive: bool) -> CharPred:
    """Exactly ``char`` (or its simple case variants when ``case_insensitive``)."""
    if not case_insensitive:
        return lambda c: c == char
    variants = frozenset(_variants(char))
    return lambda c: c in variants


def fold(pred: CharPred, case_insensitive: bool) -> CharPred:
    """``pred`` widened to case variants when the ``i`` flag is on."""
    if not case_insensitive:
        return pred
    return lambda c: any(pred(v) for v in _variants(c))


def _variants(char: str) -> tuple[str, ...]:
    out = [char]
    for v in (char.lower(), char.upper(), char.casefold()):
        if len(v) == 1 and v not in out:
            out.append(v)
    return tuple(out)


def any_char(dot_all: bool) -> CharPred:
    """``.``: anything but a newline, unless the ``s`` flag is on."""
    return (lambda c: True) if dot_all else (lambda c: c != "\n")


def union(preds: Iterable[CharPred]) -> CharPred:
    """Matches when any of ``preds`` does."""
    items = tuple(preds)
    return lambda c: any(p(c) for p in items)


def negate(pred: CharPred) -> CharPred:
    """The complement of ``pred``."""
    return lambda c: not pred(c)


def is_word(c: str, dialect: str) -> bool:
    """Word character for ``\\w`` and ``\\b``: ASCII in Go, Unicode in Rust."""
    if dialect == "go":
        return (c.isascii() and c.isalnum()) or c == "_"
    return c.isalnum() or c == "_" or unicodedata.category(c) in {"Mn", "Mc", "Me", "Pc"}


def perl_class(letter: str, dialect: str) -> CharPred:
    """``\\d \\s \\w`` and their upper-case complements in ``dialect``."""
    base: CharPred
    kind = letter.lower()
    if kind == "d":
        base = (lambda c: "0" <= c <= "9") if dialect == "go" else (
            lambda c: unicodedata.category(c) == "Nd")
    elif kind == "s":
        base = (lambda c: c in " \t\n\f\r") if dialect == "go" else (lambda c: c.isspace())
    else:
        base = lambda c: is_word(c, dialect)  # noqa: E731 - one line per class reads best
    return negate(base) if letter.isupper() else base


def posix_class(name: str) -> CharPred | None:
    """``[:name:]`` or None for an unknown name (an error in both dialects)."""
    return _POSIX.get(name)


def unicode_class(name: str) -> CharPred | None:
    """``\\p{name}``: general categories exactly, scripts by character-name prefix."""
    key = name.replace(" ", "").lower()
    if key == "any":
        return lambda c: True
    category = _LONG_CATEGORIES.get(key, name)
    if len(category) in (1, 2) and category[0].isupper() and category.isalpha():
        return lambda c: unicodedata.category(c).startswith(category)
    if name.replace("_", "").isalpha():
        # Scripts (Latin, Greek, Han, ...): Python has no script table; Unicode character
        # names start with the script name for the scripts annotation names could use.
        prefix = "CJK" if key == "han" else name.replace("_", " ").upper()
        return lambda c: unicodedata.name(c, "").startswith(prefix + " ")
    return None
