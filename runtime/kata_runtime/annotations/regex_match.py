"""Linear-time "matches anywhere" for a parsed ``enable_annotations`` entry.

A Thompson automaton simulated one character at a time, as RE2 and Rust's ``regex`` do: the
work is bounded by (pattern size x suffix length), so no entry can make kata-config hang,
whatever its nesting of quantifiers. Both runtimes test entries unanchored (a match anywhere
in the suffix counts), which is what ``search`` answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from kata_runtime.annotations.regex_classes import CharPred, is_word
from kata_runtime.annotations.regex_syntax import (
    Alt,
    Assert,
    Char,
    Concat,
    Dialect,
    EvaluationBound,
    Node,
    Repeat,
    parse,
)

MAX_STATES: Final = 20_000  # bigger automata are refused (kata-config's own work bound)


@dataclass(slots=True)
class _State:
    kind: str  # "char", "split", "assert", "match"
    pred: CharPred | None = None
    assertion: str = ""
    out: int = -1
    out2: int = -1


class _Builder:
    def __init__(self) -> None:
        self.states: list[_State] = []

    def add(self, state: _State) -> int:
        if len(self.states) >= MAX_STATES:
            raise EvaluationBound(f"entry expands to more than {MAX_STATES} automaton states")
        self.states.append(state)
        return len(self.states) - 1

    def build(self, node: Node, nxt: int) -> int:
        """States for ``node`` that continue at ``nxt``; returns the entry state."""
        if isinstance(node, Char):
            return self.add(_State("char", pred=node.pred, out=nxt))
        if isinstance(node, Assert):
            return self.add(_State("assert", assertion=node.kind, out=nxt))
        if isinstance(node, Concat):
            for item in reversed(node.items):
                nxt = self.build(item, nxt)
            return nxt
        if isinstance(node, Alt):
            entries = [self.build(item, nxt) for item in node.items]
            head = entries[-1]
            for entry in reversed(entries[:-1]):
                head = self.add(_State("split", out=entry, out2=head))
            return head
        return self.build_repeat(node, nxt)

    def build_repeat(self, node: Repeat, nxt: int) -> int:
        if node.hi is None:
            loop = self.add(_State("split", out2=nxt))
            self.states[loop].out = self.build(node.item, loop)
            tail = loop
        else:
            tail = nxt
            for _ in range(node.hi - node.lo):
                tail = self.add(_State("split", out=self.build(node.item, tail), out2=nxt))
        for _ in range(node.lo):
            tail = self.build(node.item, tail)
        return tail


@dataclass(frozen=True, slots=True)
class CompiledEntry:
    """One ``enable_annotations`` entry ready to test suffixes against."""

    pattern: str
    dialect: Dialect
    states: tuple[_State, ...]
    start: int

    def search(self, text: str) -> bool:
        """True when the entry matches somewhere in ``text`` (unanchored, as both runtimes)."""
        current: set[int] = set()
        for pos in range(len(text) + 1):
            current = self._closure(current | {self.start}, text, pos)
            if any(self.states[s].kind == "match" for s in current):
                return True
            if pos == len(text):
                return False
            char = text[pos]
            current = {self.states[s].out for s in current
                       if self.states[s].kind == "char" and self._accepts(s, char)}
        return False

    def _accepts(self, index: int, char: str) -> bool:
        pred = self.states[index].pred
        return pred is not None and pred(char)

    def _closure(self, seeds: set[int], text: str, pos: int) -> set[int]:
        seen: set[int] = set()
        todo = list(seeds)
        while todo:
            index = todo.pop()
            if index in seen:
                continue
            seen.add(index)
            state = self.states[index]
            if state.kind == "split":
                todo += (state.out, state.out2)
            elif state.kind == "assert" and _holds(state.assertion, text, pos, self.dialect):
                todo.append(state.out)
        return seen


def _holds(kind: str, text: str, pos: int, dialect: Dialect) -> bool:
    before = text[pos - 1] if pos > 0 else ""
    after = text[pos] if pos < len(text) else ""
    word_before = bool(before) and is_word(before, dialect)
    word_after = bool(after) and is_word(after, dialect)
    checks = {
        "flag": True,
        "bot": pos == 0,
        "eot": pos == len(text),
        "bol": pos == 0 or before == "\n",
        "eol": pos == len(text) or after == "\n",
        "word": word_before != word_after,
        "nonword": word_before == word_after,
        "wstart": not word_before and word_after,
        "wend": word_before and not word_after,
    }
    return checks[kind]


def compile_entry(pattern: str, dialect: Dialect) -> CompiledEntry:
    """Parse and compile one entry.

    Raises RegexSyntaxError when ``dialect`` refuses it, and its subclass EvaluationBound when
    it is beyond kata-config's own size bounds (then neither verdict can be claimed).
    """
    builder = _Builder()
    match = builder.add(_State("match"))
    start = builder.build(parse(pattern, dialect), match)
    return CompiledEntry(pattern, dialect, tuple(builder.states), start)
