""""Did you mean": the closest known name, found through an index instead of a full scan.

``difflib.get_close_matches`` compares a word with every candidate (about 100 keys per
table): fine for a handful of typos, minutes for a file of 190,000 near-miss keys. Here
every known name is indexed under each string it becomes with up to two characters deleted
(the "symmetric delete" idea); a word is looked up with up to one character deleted (about
20 lookups), which finds every name one edit away (a character inserted, deleted, replaced,
or two swapped) and those two characters longer, and only those few are ranked with
difflib's ratio. A name further away is not suggested (difflib would sometimes still offer
it); in exchange each lookup costs the same small time, whatever the file holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

DELETIONS: Final = 2


def _deletions(word: str) -> set[str]:
    """``word`` and every string it becomes with one character deleted."""
    return {word, *(word[:i] + word[i + 1:] for i in range(len(word)))}


class Suggester:
    """The closest of a fixed set of names to a word, as ``difflib`` would rank it."""

    def __init__(self, names: Iterable[str], cutoff: float = 0.6) -> None:
        self.names = sorted(set(names))
        self.cutoff = cutoff
        self.longest = max((len(n) for n in self.names), default=0)
        self.index: dict[str, set[str]] = {}
        for name in self.names:
            for once in _deletions(name):
                for variant in _deletions(once):
                    self.index.setdefault(variant, set()).add(name)

    def best(self, word: str) -> str | None:
        """The closest name with a similarity of at least ``cutoff``, or None."""
        if len(word) > self.longest + DELETIONS:
            return None  # too long to be within two edits of any name
        found: set[str] = set()
        for variant in _deletions(word):
            found |= self.index.get(variant, set())
        import difflib  # noqa: PLC0415 (stdlib, ~1 ms of start-up: only an unknown name needs it)

        close = difflib.get_close_matches(word, sorted(found), n=1, cutoff=self.cutoff)
        return close[0] if close else None
