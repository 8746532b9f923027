"""Findings: what every stage of kata-config reports, and how a report turns into an exit code."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Literal

from kata_config.record import field, record

When = Literal["load", "start"]
"""When the runtime acts on a finding: while loading the file, or when it starts the VM."""


class Severity(IntEnum):
    """How bad a finding is; ordered so that ``max()`` gives the worst."""

    INFO = 0
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        """Lower-case name used in every output format."""
        return self.name.lower()


@record
class Rule:
    """A rule with a stable kebab-case id, its severity and a one-line summary.

    ``when`` says when the runtime acts on what the rule finds. For an error: ``"load"`` means
    the runtime refuses to load the file, ``"start"`` that it loads the file and the VM then
    fails to start (at sandbox creation or when QEMU starts). For warnings and infos it is
    when the silent change happens. One finding may override it (``Issue.when``) where the
    same mistake is refused at load by one hypervisor's builder and only at start by another.
    """

    id: str
    severity: Severity
    summary: str
    when: When = "load"
    releases: tuple[tuple[str, str, str], ...] = ()
    """``(runtime, since, until)``: the Kata releases whose behaviour the rule describes for
    that runtime (``until`` ``""``: still today). A runtime not listed: every release."""

    def active(self, runtime: str, release: str) -> bool:
        """True when the rule applies to ``release`` (``"3.30"``) of ``runtime``."""
        spans = [(since, until) for rt, since, until in self.releases if rt == runtime]
        if not spans:
            return True
        key = _release_key(release)
        return any(_release_key(since) <= key and (not until or key <= _release_key(until))
                   for since, until in spans)


def _release_key(release: str) -> tuple[int, ...]:
    return tuple(int(part) for part in release.split("."))


@record
class Location:
    """Where a finding points: 1-based line and column, ``None`` where a file has no lines."""

    path: str
    line: int | None = None
    col: int | None = None
    key: str | None = None


@record
class Issue:
    """What a check yields: the dotted key it is about and the sentence to show.

    Checks never set the rule id, the severity or the position; the pipeline stamps those.
    ``when`` overrides the rule's timing for this one issue (None keeps the rule's).
    """

    key: str | None
    message: str
    when: When | None = None


@record
class Finding:
    """One reported problem, stamped with its rule, position and timing (see ``Rule.when``)."""

    rule_id: str
    severity: Severity
    message: str
    location: Location
    when: When = "load"

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order by file, line, column, then rule id."""
        loc = self.location
        return (loc.path, loc.line or 0, loc.col or 0, self.rule_id)


@record
class Report:
    """All findings for one run plus the inputs that were read."""

    findings: tuple[Finding, ...]
    inputs: tuple[str, ...] = field(default=())

    @classmethod
    def build(cls, findings: Iterable[Finding], inputs: Iterable[str]) -> Report:
        """Create a report with findings sorted and exact duplicates removed."""
        unique = dict.fromkeys(findings)
        return cls(tuple(sorted(unique, key=Finding.sort_key)), tuple(inputs))

    def count(self, severity: Severity) -> int:
        """Number of findings with exactly this severity."""
        return sum(1 for f in self.findings if f.severity == severity)

    def exit_code(self, strict: bool = False) -> int:
        """0 when clean or warnings only; 1 on an error, or on a warning under ``strict``."""
        return exit_code_for(max((f.severity for f in self.findings), default=Severity.INFO),
                             strict)


def exit_code_for(worst: Severity, strict: bool) -> int:
    """The exit code every report shares: 1 on an error, or on a warning under ``strict``."""
    return 1 if worst == Severity.ERROR or (strict and worst == Severity.WARNING) else 0
