"""``enable_annotations`` as each runtime reads it (N-1, N-2, N-3).

Both runtimes strip ``io.katacontainers.config.hypervisor.`` and test the rest against each
entry as an unanchored regular expression. They differ on a bad entry: Go compiles entries
one by one and a bad one simply never matches; runtime-rs compiles them as one set, so one
bad entry disables every hypervisor annotation.
"""

from __future__ import annotations

from collections.abc import Iterable

from kata_runtime.annotations.decision import Behaviour
from kata_runtime.annotations.regex_match import CompiledEntry, compile_entry
from kata_runtime.annotations.regex_syntax import EvaluationBound, RegexSyntaxError

MAX_ENTRIES = 256  # kata-config evaluates at most this many entries (work bound)


class AllowList:
    """The compiled entries of one ``enable_annotations`` list, for one runtime."""

    def __init__(self, entries: Iterable[object], behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.compiled: list[CompiledEntry] = []
        notes: list[str] = []
        self.set_error = ""
        listed = [e for e in entries if isinstance(e, str)]
        if len(listed) > MAX_ENTRIES:
            notes.append(f"enable_annotations has {len(listed)} entries; kata-config "
                         f"evaluates the first {MAX_ENTRIES} only")
            listed = listed[:MAX_ENTRIES]
        for entry in listed:
            try:
                self.compiled.append(compile_entry(entry, behaviour))
            except EvaluationBound as exc:
                notes.append(f"entry {entry!r} not evaluated: {exc} (kata-config bound); "
                             "treated as matching nothing")
                if behaviour == "rs":
                    self.set_error = f"entry {entry!r} could not be evaluated ({exc})"
            except RegexSyntaxError as exc:
                if behaviour == "go":
                    notes.append(f"entry {entry!r} is not valid RE2 ({exc}): Go never "
                                 "matches it")
                else:
                    self.set_error = f"entry {entry!r} is not a valid Rust regex ({exc})"
        if self.set_error:
            notes.append(f"{self.set_error}: runtime-rs fails to compile the whole set and "
                         "disables every hypervisor annotation")
        self.notes = tuple(notes)

    def widening(self, pattern: str, suffix: str, known: Iterable[str]) -> str:
        """A clause naming other ``known`` suffixes that entry ``pattern`` also enables."""
        entry = next((e for e in self.compiled if e.pattern == pattern), None)
        if entry is None:
            return ""
        others = [k for k in known if k != suffix and entry.search(k)]
        if not others:
            return ""
        shown = ", ".join(others[:4]) + (f" and {len(others) - 4} more" if len(others) > 4 else "")
        return f" (unanchored, so it also enables {shown})"

    def match(self, suffix: str) -> tuple[str | None, str]:
        """The first entry matching ``suffix`` (None if none), and why not when none does."""
        if self.set_error:
            return None, self.set_error + ", so the set disables every hypervisor annotation"
        if not self.compiled:
            return None, "enable_annotations is empty"
        for entry in self.compiled:
            if entry.search(suffix):
                return entry.pattern, ""
        return None, f"no enable_annotations entry matches {suffix!r}"
