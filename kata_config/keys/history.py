"""Which releases of each runtime read a key, a table, a hypervisor name or a value.

Built once from ``history_data`` (when, read from upstream's loaders) and ``history_notes``
(why, and what replaced it). Releases are ``major.minor`` strings; ``NEWEST`` is the newest
release whose loaders we read, and the catalogue describes that release.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Final, Literal

from kata_config.errors import KataConfigError
from kata_config.keys import history_data as data
from kata_config.keys import history_notes as notes
from kata_config.keys.spec import Runtime, Span, release_key
from kata_config.record import field, record

NEWEST: Final = data.NEWEST
RELEASES: Final[Mapping[Runtime, tuple[str, ...]]] = {"go": data.GO_RELEASES,
                                                       "rs": data.RS_RELEASES}
_RETIRED: Final = frozenset((t, k) for _rt, t, k, *_ in notes.RETIRED)
NAMES: Final[Mapping[Runtime, str]] = {"go": "the Go runtime", "rs": "runtime-rs"}
Status = Literal["read", "retired", "future", "gap", "never"]
_RELEASE: Final = r"v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?"  # --kata-version (re's cache compiles it)


class UnknownReleaseError(KataConfigError, ValueError):
    """A ``--kata-version`` we have no history for; the message lists the known ones."""


@record
class Note:
    """Why a runtime retired a key: the replacement form, a reason, the upstream commit."""

    replacement: str = ""
    why: str = ""
    commit: str = ""


@record
class History:
    """The releases that read one key (or table, or hypervisor name), per runtime.

    ``notes`` holds, per runtime, what ``history_notes`` says about its retirement.
    """

    table: str
    name: str
    spans: tuple[Span, ...]
    notes: Mapping[Runtime, Note] = field(default_factory=dict)

    def note(self, runtime: Runtime) -> Note:
        """Why ``runtime`` stopped reading it (an empty Note when we have no row)."""
        return self.notes.get(runtime, Note())

    def spans_for(self, runtime: Runtime) -> tuple[Span, ...]:
        """The spans of one runtime, oldest first."""
        return tuple(s for s in self.spans if s.runtime == runtime)

    def read_in(self, runtime: Runtime, release: str) -> bool:
        """True when that release of that runtime reads it."""
        return any(s.covers(release) for s in self.spans_for(runtime))

    def status(self, runtime: Runtime, release: str) -> Status:
        """read, retired (only older releases read it), future (only newer ones), gap, never."""
        spans = self.spans_for(runtime)
        if not spans:
            return "never"
        if any(s.covers(release) for s in spans):
            return "read"
        key = release_key(release)
        older = any(s.until and release_key(s.until) < key for s in spans)
        newer = any(release_key(s.since) > key for s in spans)
        if older and newer:
            return "gap"
        return "retired" if older else "future"

    def last(self, runtime: Runtime) -> str:
        """Last release of ``runtime`` that read it (``NEWEST`` when still read), or ``""``."""
        spans = self.spans_for(runtime)
        return (spans[-1].until or NEWEST) if spans else ""

    def first(self, runtime: Runtime) -> str:
        """First release of ``runtime`` that read it, or ``""``."""
        spans = self.spans_for(runtime)
        return spans[0].since if spans else ""

    def type_in(self, runtime: Runtime, release: str) -> str:
        """The type that release decoded it as (``""`` when it did not)."""
        return next((s.type for s in self.spans_for(runtime) if s.covers(release)), "")


@record
class ValueHistory:
    """The releases of one runtime that accept one value of a key (on one arch, or all)."""

    runtime: Runtime
    table: str
    key: str
    value: str
    arch: str
    span: Span
    commit: str


def parse_release(text: str) -> str:
    """``3.30``, ``3.30.0`` or ``v3.30.1`` -> ``3.30``, a release we have history for
    (``newest``: the newest release we read).

    Raises:
        UnknownReleaseError: not a version, or one older or newer than what we read.
    """
    if text.strip() == "newest":
        return NEWEST
    known = sorted({*RELEASES["go"], *RELEASES["rs"]}, key=release_key)
    if text.strip() in known:  # as --kata-version resolves it: no regex to compile (~0.4 ms)
        return text.strip()
    match = re.fullmatch(_RELEASE, text.strip())
    if match:
        release = f"{int(match.group(1))}.{int(match.group(2))}"
        if release in known:
            return release
    raise UnknownReleaseError(
        f"unknown Kata release {text!r}: kata-config knows {known[0]} to {known[-1]} "
        f"(the newest it has read is {NEWEST})")


def next_release(runtime: Runtime, release: str) -> str:
    """The release of ``runtime`` after ``release`` (``""`` after the newest)."""
    rels = RELEASES[runtime]
    later = [r for r in rels if release_key(r) > release_key(release)]
    return later[0] if later else ""


def clamp(runtime: Runtime, release: str) -> str:
    """``release`` itself, or the first release of ``runtime`` after it (runtime-rs began
    in 3.0, so asking about runtime-rs 2.5 means its first release)."""
    rels = RELEASES[runtime]
    if release in rels:
        return release
    return next_release(runtime, release) or rels[-1]


def _spans(rows: Iterable[tuple[str, ...]]) -> tuple[Span, ...]:
    out = [Span(rt, since, until, typ) for rt, since, until, typ in rows]  # type: ignore[arg-type]
    return tuple(sorted(out, key=lambda s: (s.runtime, release_key(s.since))))


@cache
def _key_spans() -> Mapping[tuple[str, str], list[tuple[str, ...]]]:
    """(table, name) -> its rows; ``_spans`` makes a key's Spans when it is asked for."""
    rows: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for rt, table, name, since, until, typ in data.KEYS:
        rows.setdefault((table, name), []).append((rt, since, until, typ))
    return rows


@cache  # only keys the history knows reach it: catalogue-sized
def _key_history(table: str, name: str) -> History:
    """One key's History, built when first asked for (a file asks for its own keys only)."""
    why = ({rt: Note(r, w, c) for rt, t, k, r, w, c in notes.RETIRED if (t, k) == (table, name)}
           if (table, name) in _RETIRED else {})  # most keys have no note: skip the scan
    return History(table, name, _spans(_key_spans()[table, name]), why)  # type: ignore[arg-type]


@cache
def _hypervisors() -> Mapping[str, History]:
    rows: dict[str, list[tuple[str, ...]]] = {}
    for rt, name, since, until in data.HYPERVISORS:
        rows.setdefault(name, []).append((rt, since, until, "table"))
    why: dict[str, dict[Runtime, Note]] = {}
    for rt, n, r, w, c in notes.RETIRED_HYPERVISORS:
        why.setdefault(n, {})[rt] = Note(r, w, c)  # type: ignore[index]
    return {n: History("hypervisor", n, _spans(s), why.get(n, {})) for n, s in rows.items()}


def key_history(table: str, name: str) -> History | None:
    """History of ``name`` in the catalogue table pattern ``table`` (``""`` = top level)."""
    return _key_history(table, name) if (table, name) in _key_spans() else None


def hypervisor_history(name: str) -> History | None:
    """History of the ``[hypervisor.<name>]`` table name."""
    return _hypervisors().get(name)


@cache  # asked for every file; one answer per runtime and release
def hypervisors_in(runtime: Runtime, release: str) -> tuple[str, ...]:
    """Hypervisor table names that release of ``runtime`` accepts."""
    return tuple(n for n, h in _hypervisors().items() if h.read_in(runtime, release))


@cache  # asked for every key of every file; a handful of distinct answers
def strict_in(runtime: Runtime, table: str, release: str) -> bool:
    """True when that release refuses unknown keys in ``table`` (deny_unknown_fields)."""
    return any(rt == runtime and t == table and Span(rt, since, until).covers(release)
               for rt, t, since, until in data.STRICT_TABLES)


@cache
def _values() -> Mapping[tuple[str, str, str, object], tuple[tuple[str, ...], ...]]:
    """``notes.VALUES`` rows by (runtime, table, key, value), in their order."""
    index: dict[tuple[str, str, str, object], list[tuple[str, ...]]] = {}
    for row in notes.VALUES:
        index.setdefault(row[:4], []).append(row)
    return {key: tuple(rows) for key, rows in index.items()}


@cache
def _value_keys() -> frozenset[tuple[str, str, str]]:
    return frozenset((rt, table, key) for rt, table, key, _ in _values())


def has_value_history(runtime: Runtime, table: str, key: str) -> bool:
    """True when ``value_history`` knows some value of that key for ``runtime``."""
    return (runtime, table, key) in _value_keys()


def value_history(runtime: Runtime, table: str, key: str, value: object, arch: str = ""
                  ) -> ValueHistory | None:
    """History of one allowed value, when its acceptance changed over the releases."""
    try:
        rows = _values().get((runtime, table, key, value), ())
    except TypeError:  # a list or table value: no row is about one
        return None
    for _rt, t, k, v, a, since, until, repl, commit in rows:
        if a in ("", arch):
            return ValueHistory(runtime, t, k, v, a, Span(runtime, since, until,
                                                           replaced_by=repl), commit)
    return None


def key_status(table: str, name: str, runtime: Runtime, release: str) -> Status | None:
    """``key_history(table, name).status(runtime, release)``, or None for a key with none."""
    # unknown names (any a file makes up) are not cached: the cache stays catalogue-sized
    return None if key_history(table, name) is None else _status(table, name, runtime, release)


@cache  # each (key, runtime, release) is asked by four rules for every file that has it
def _status(table: str, name: str, runtime: Runtime, release: str) -> Status:
    history = key_history(table, name)
    return "never" if history is None else history.status(runtime, release)


def source(runtime: Runtime, release: str) -> str:
    """``repository tag (commit)`` we read for that release."""
    for rt, rel, repo, tag, commit in data.SOURCES:
        if (rt, rel) == (runtime, release):
            return f"{data.REPOSITORIES[repo]} {tag} ({commit[:10]})"
    return ""


def catalogue_spans(table: str, name: str) -> tuple[Span, ...]:
    """Spans of a key of the current catalogue (empty when the history does not know it)."""
    return _key_history(table, name).spans if (table, name) in _key_spans() else ()


def all_keys() -> tuple[History, ...]:
    """Every key and table the history knows, sorted by table and name."""
    return tuple(_key_history(*key) for key in sorted(_key_spans()))


@cache
def _defaults() -> Mapping[tuple[str, str, str], tuple[tuple[str, Span, object], ...]]:
    rows: dict[tuple[str, str, str], list[tuple[str, Span, object]]] = {}
    for rt, table, key, hv, since, until, value in data.DEFAULTS:
        span = Span(rt, since, until)  # type: ignore[arg-type]
        rows.setdefault((rt, table, key), []).append((hv, span, value))
    return {k: tuple(v) for k, v in rows.items()}


def default_in(runtime: Runtime, table: str, key: str, hypervisor: str | None,
               release: str) -> tuple[bool, object]:
    """``(True, value)`` when ``release`` used another built-in value for an absent key
    than the newest release does (``history_data.DEFAULTS``); ``(False, None)`` otherwise."""
    for hv, span, value in _defaults().get((runtime, table, key), ()):
        if hv in ("", hypervisor) and span.covers(release):
            return True, value
    return False, None


def value_status(runtime: Runtime, table: str, key: str, value: object, arch: str, *,
                 release: str) -> Status | None:
    """Whether that release accepts a value whose acceptance changed (None: it never did)."""
    found = value_history(runtime, table, key, value, arch)
    if found is None:
        return None
    if found.span.covers(release):
        return "read"
    return "future" if release_key(release) < release_key(found.span.since) else "retired"
