"""Parse an ``enable_annotations`` entry the way Go's RE2 or Rust's ``regex`` crate would.

Python's ``re`` is the wrong judge for these entries: it accepts backreferences, lookaround,
possessive quantifiers and conditionals that both runtimes reject, it reads ``$`` and ``\\d``
differently, and as a backtracking engine it can take exponential time on entries such as
``(a+)+$``. So kata-config parses each entry itself, per dialect, into a small syntax tree
(this module) and matches it with a linear-time automaton (``regex_match``).

Only the verdict "does this entry match somewhere in this annotation suffix" is needed, so
greedy and lazy repetitions are the same thing here and capture groups are plain groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Final

from kata_runtime.annotations.regex_classes import CharPred, any_char, fold, literal
from kata_runtime.annotations.regex_scan import (
    Dialect,
    EvaluationBound,
    RegexSyntaxError,
    Scanner,
)

__all__ = ["Dialect", "EvaluationBound", "Node", "RegexSyntaxError", "parse"]

MAX_REPEAT_GO: Final = 1000  # Go refuses counts above this ("invalid repeat count")
MAX_NEST: Final = {"go": 1000, "rs": 250}  # Go maxHeight; Rust's default nest_limit
MAX_PATTERN: Final = 4096  # longer entries are refused before parsing (work bound)
MAX_EVAL_NEST: Final = 250  # deeper trees would exhaust Python's recursion while compiling
_GO_FLAGS: Final = frozenset("imsU")
_RS_FLAGS: Final = frozenset("imsUuxR")


@dataclass(frozen=True, slots=True)
class Char:
    """One character matching ``pred``."""

    pred: CharPred


@dataclass(frozen=True, slots=True)
class Concat:
    """Items in sequence."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Alt:
    """Any one of the items."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Repeat:
    """``item`` between ``lo`` and ``hi`` times (``hi`` None: unbounded)."""

    item: Node
    lo: int
    hi: int | None


@dataclass(frozen=True, slots=True)
class Assert:
    """A zero-width test: bol, eol, bot, eot, word, nonword, wstart, wend."""

    kind: str


Node = Char | Concat | Alt | Repeat | Assert


@dataclass(frozen=True, slots=True)
class _Flags:
    i: bool = False
    m: bool = False
    s: bool = False
    x: bool = False


@dataclass(slots=True)
class _Frame:
    flags: _Flags
    alts: list[list[Node]] = field(default_factory=lambda: [[]])


def parse(pattern: str, dialect: Dialect) -> Node:
    """The syntax tree of ``pattern`` in ``dialect``; raises RegexSyntaxError when refused."""
    if len(pattern) > MAX_PATTERN:
        raise EvaluationBound(f"entry longer than {MAX_PATTERN} characters")
    return _Parser(pattern, dialect).run()


class _Parser(Scanner):
    def __init__(self, pattern: str, dialect: Dialect) -> None:
        super().__init__(pattern, dialect)
        self.stack = [_Frame(_Flags())]
        self.after_repeat = False  # Go refuses a repetition operator right after another

    def run(self) -> Node:
        while self.i < len(self.p):
            self.step()
        if len(self.stack) > 1:
            raise RegexSyntaxError("missing closing )")
        return _alt(self.stack[0].alts)

    def push(self, node: Node) -> None:
        self.stack[-1].alts[-1].append(node)
        self.after_repeat = False

    def step(self) -> None:
        c = self.p[self.i]
        flags = self.stack[-1].flags
        if flags.x and (c.isspace() or c == "#"):
            self.skip_verbose()
            return
        self.i += 1
        if c == "(":
            self.open_group()
        elif c == ")":
            if len(self.stack) == 1:
                raise self.fail("unexpected )")
            frame = self.stack.pop()
            self.push(_alt(frame.alts))
        elif c == "|":
            self.stack[-1].alts.append([])
            self.after_repeat = False
        elif c in "*+?":
            self.repeat({"*": (0, None), "+": (1, None), "?": (0, 1)}[c])
        elif c == "{":
            counted = self.counted()
            if counted is None:
                self.push(Char(literal("{", flags.i)))
            else:
                self.repeat(counted)
        elif c == "^":
            self.push(Assert("bol" if flags.m else "bot"))
        elif c == "$":
            self.push(Assert("eol" if flags.m else "eot"))
        elif c == ".":
            self.push(Char(any_char(flags.s)))
        elif c == "[":
            self.push(Char(fold(self.char_class(), flags.i)))
        elif c == "\\":
            self.escape()
        else:
            self.push(Char(literal(c, flags.i)))

    def skip_verbose(self) -> None:
        if self.p[self.i] == "#":
            end = self.p.find("\n", self.i)
            self.i = len(self.p) if end < 0 else end + 1
        else:
            self.i += 1

    def repeat(self, bounds: tuple[int, int | None]) -> None:
        items = self.stack[-1].alts[-1]
        if not items or (self.d == "go" and self.after_repeat):
            raise self.fail("invalid nested repetition operator" if items
                            else "missing argument to repetition operator")
        if self.d == "rs" and isinstance(items[-1], Assert) and items[-1].kind.startswith("flag"):
            raise self.fail("repetition operator missing expression")
        lo, hi = bounds
        depth = 0
        inner = items[-1]
        while isinstance(inner, Repeat):  # Rust allows a** chains: bound their depth too
            inner, depth = inner.item, depth + 1
        if depth >= MAX_EVAL_NEST:
            raise EvaluationBound(f"repetitions nested deeper than {MAX_EVAL_NEST}")
        items[-1] = Repeat(items[-1], lo, hi)
        if self.i < len(self.p) and self.p[self.i] == "?":
            self.i += 1  # lazy: same language, so the same verdict
        self.after_repeat = True

    def counted(self) -> tuple[int, int | None] | None:
        end = self.p.find("}", self.i)
        body = self.p[self.i : end] if end >= 0 else ""
        lo_s, comma, hi_s = body.partition(",")
        if self.d == "rs" and self.stack[-1].flags.x:
            lo_s, hi_s = lo_s.strip(), hi_s.strip()
        ok = end >= 0 and lo_s.isascii() and lo_s.isdigit() and (
            not hi_s or (hi_s.isascii() and hi_s.isdigit()))
        if not ok:
            if self.d == "go":
                return None  # Go reads a malformed {...} as a literal brace
            raise self.fail("invalid counted repetition")
        self.i = end + 1
        lo = int(lo_s)
        hi = lo if not comma else (int(hi_s) if hi_s else None)
        if self.d == "go" and (lo > MAX_REPEAT_GO or (hi is not None and hi > MAX_REPEAT_GO)):
            raise self.fail("invalid repeat count")
        if hi is not None and hi < lo:
            raise self.fail("invalid repeat count (min above max)")
        return lo, hi

    def open_group(self) -> None:
        flags = self.stack[-1].flags
        if self.p.startswith("?", self.i):
            self.i += 1
            rest = self.p[self.i :]
            if rest.startswith(("P<", "<")) and not rest.startswith(("<=", "<!")):
                self.i += rest.index("<") + 1
                end = self.p.find(">", self.i)
                name = self.p[self.i : end] if end > 0 else ""
                if not name or not all(ch.isalnum() or ch == "_" for ch in name):
                    raise self.fail("invalid named capture")
                self.i = end + 1
            else:
                scoped = self.flag_group(flags)
                if scoped is None:
                    return
                flags = scoped
        if len(self.stack) >= MAX_NEST[self.d]:
            raise self.fail("expression nests too deeply")
        if len(self.stack) >= MAX_EVAL_NEST:
            raise EvaluationBound(f"groups nested deeper than {MAX_EVAL_NEST}")
        self.stack.append(_Frame(flags))
        self.after_repeat = False

    def flag_group(self, flags: _Flags) -> _Flags | None:
        """Read ``(?flags)`` or ``(?flags:``; None when the flags apply to the current group."""
        allowed = _GO_FLAGS if self.d == "go" else _RS_FLAGS
        start, on, seen = self.i, True, False
        while self.i < len(self.p) and self.p[self.i] not in ":)":
            ch = self.p[self.i]
            if ch == "-" and on:
                on, seen = False, False
            elif ch in allowed:
                if ch in "imsx":
                    flags = replace(flags, **{ch: on})
                seen = True
            else:
                # lookaround, atomic groups, comments, conditionals, Python's (?P=..), (?a)
                raise self.fail(f"unsupported group syntax (?{self.p[start:self.i + 1]}")
            self.i += 1
        if self.i >= len(self.p) or not seen:
            raise self.fail("missing or empty flags")
        closer = self.p[self.i]
        self.i += 1
        if closer == ")":
            self.stack[-1].flags = flags
            if self.d == "rs":
                self.stack[-1].alts[-1].append(Assert("flag"))  # empty; blocks a repetition
            return None
        return flags

    def escape(self) -> None:
        """Read one escape outside a class and push what it stands for."""
        if self.i >= len(self.p):
            raise self.fail("trailing backslash")
        c = self.p[self.i]
        self.i += 1
        flags = self.stack[-1].flags
        asserts = {"A": "bot", "z": "eot", "b": "word", "B": "nonword"}
        if self.d == "rs":
            asserts |= {"<": "wstart", ">": "wend"}
        if c in asserts:
            self.push(Assert(asserts[c]))
            return
        if c == "Q" and self.d == "go":
            end = self.p.find("\\E", self.i)
            end = len(self.p) if end < 0 else end
            for ch in self.p[self.i : end]:
                self.push(Char(literal(ch, flags.i)))
            self.i = min(len(self.p), end + 2)
            return
        value = self.escape_value(c)
        pred = literal(value, flags.i) if isinstance(value, str) else fold(value, flags.i)
        self.push(Char(pred))

def _alt(alts: list[list[Node]]) -> Node:
    branches = tuple(Concat(tuple(a)) if len(a) != 1 else a[0] for a in alts)
    return branches[0] if len(branches) == 1 else Alt(branches)
