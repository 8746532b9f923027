"""Escapes and bracketed classes of the RE2 / Rust ``regex`` dialects (see ``regex_syntax``)."""

from __future__ import annotations

from typing import Literal

from kata_runtime.annotations.regex_classes import (
    CharPred,
    literal,
    negate,
    perl_class,
    posix_class,
    unicode_class,
    union,
)

Dialect = Literal["go", "rs"]


class RegexSyntaxError(ValueError):
    """The dialect rejects the entry; ``str()`` says why in one sentence."""


class EvaluationBound(RegexSyntaxError):
    """The entry may be valid, but it is beyond what kata-config agrees to evaluate."""


class Scanner:
    """A cursor over one pattern that reads the parts whose syntax differs by dialect."""

    def __init__(self, pattern: str, dialect: Dialect) -> None:
        self.p = pattern
        self.d: Dialect = dialect
        self.i = 0

    def fail(self, why: str) -> RegexSyntaxError:
        """An error for the current offset."""
        return RegexSyntaxError(f"{why} at offset {self.i}")

    def escape_value(self, c: str) -> str | CharPred:
        """What ``\\c`` (already consumed) stands for: one character or a class."""
        controls = {"a": "\a", "f": "\f", "t": "\t", "n": "\n", "r": "\r", "v": "\v"}
        if c in controls:
            return controls[c]
        if c in "dDsSwW":
            return perl_class(c, self.d)
        if c in "pP":
            return self.unicode_escape(c == "P")
        if c == "x" or (self.d == "rs" and c in "uU"):
            return self.hex_escape(c)
        if c.isdigit():
            return self.octal_escape(c)
        if c.isascii() and not c.isalnum() and not (self.d == "rs" and c in "<>"):
            return c
        raise self.fail(f"invalid escape sequence \\{c}")

    def unicode_escape(self, negated: bool) -> CharPred:
        if self.p.startswith("{", self.i):
            end = self.p.find("}", self.i)
            if end < 0:
                raise self.fail("missing closing } in \\p{...}")
            name, self.i = self.p[self.i + 1 : end], end + 1
        elif self.i < len(self.p):
            name, self.i = self.p[self.i], self.i + 1
        else:
            raise self.fail("missing Unicode class name")
        if name.startswith("^") and self.d == "go":
            name, negated = name[1:], not negated
        pred = unicode_class(name)
        if pred is None:
            raise self.fail(f"unknown Unicode class {name!r}")
        return negate(pred) if negated else pred

    def hex_escape(self, kind: str) -> str:
        width = {"x": 2, "u": 4, "U": 8}[kind]
        if self.p.startswith("{", self.i):
            end = self.p.find("}", self.i)
            digits = self.p[self.i + 1 : end] if end > 0 else ""
            self.i = end + 1 if end > 0 else len(self.p)
        else:
            digits = self.p[self.i : self.i + width]
            self.i += width
            if len(digits) != width:
                digits = ""
        try:
            value = int(digits, 16) if digits and digits.isascii() and digits.isalnum() else -1
        except ValueError:
            value = -1
        if not 0 <= value <= 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            raise self.fail("invalid hexadecimal escape")
        return chr(value)

    def octal_escape(self, first: str) -> str:
        nxt = self.p[self.i : self.i + 1]
        if self.d == "rs" or first in "89" or (first != "0" and not ("0" <= nxt <= "7")):
            raise self.fail(f"backreference or octal escape \\{first} is not supported")
        digits = first
        while len(digits) < 3 and self.i < len(self.p) and "0" <= self.p[self.i] <= "7":
            digits += self.p[self.i]
            self.i += 1
        return chr(int(digits, 8))

    def char_class(self) -> CharPred:
        """Read a bracketed class after ``[``; Rust's nesting and set operations included."""
        negated = self.p.startswith("^", self.i)
        self.i += negated
        acc: CharPred | None = None
        pending: list[CharPred] = []
        op = ""
        first = True
        while True:
            if self.i >= len(self.p):
                raise RegexSyntaxError("missing closing ] in character class")
            c = self.p[self.i]
            if c == "]" and not first:
                self.i += 1
                break
            first = False
            if self.d == "rs" and self.p.startswith(("&&", "--", "~~"), self.i):
                acc = _combine(acc, op, union(pending))
                pending, op = [], self.p[self.i : self.i + 2]
                self.i += 2
                continue
            pending.append(self.class_item())
        result = _combine(acc, op, union(pending))
        return negate(result) if negated else result

    def class_item(self) -> CharPred:
        c = self.p[self.i]
        if self.p.startswith("[:", self.i):
            end = self.p.find(":]", self.i + 2)
            if end > 0:
                name = self.p[self.i + 2 : end]
                pred = posix_class(name.lstrip("^"))
                if pred is None:
                    raise self.fail(f"invalid POSIX class [:{name}:]")
                self.i = end + 2
                return negate(pred) if name.startswith("^") else pred
        if c == "[" and self.d == "rs":
            self.i += 1
            return self.char_class()
        lo = self.class_char()
        if not isinstance(lo, str):
            return lo
        if self.p.startswith("-", self.i) and not self.p.startswith("-]", self.i):
            self.i += 1
            hi = self.class_char()
            if not isinstance(hi, str) or hi < lo:
                raise self.fail("invalid character class range")
            return _char_range(lo, hi)
        return literal(lo, False)

    def class_char(self) -> str | CharPred:
        c = self.p[self.i]
        self.i += 1
        if c != "\\":
            return c
        if self.i >= len(self.p):
            raise self.fail("trailing backslash")
        self.i += 1
        return self.escape_value(self.p[self.i - 1])


def _char_range(lo: str, hi: str) -> CharPred:
    return lambda c: lo <= c <= hi


def _combine(acc: CharPred | None, op: str, rhs: CharPred) -> CharPred:
    if acc is None:
        return rhs
    if op == "&&":
        return lambda c: acc(c) and rhs(c)
    if op == "--":
        return lambda c: acc(c) and not rhs(c)
    return lambda c: acc(c) != rhs(c)
