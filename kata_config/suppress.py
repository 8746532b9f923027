"""Silencing rules: ``--select``/``--ignore`` and inline ``# kata-config: disable=RULE``.

A comment ``# kata-config: disable=rule-a,rule-b`` silences those rules on its own line (as a
trailing comment) or, on a line by itself, on the next line that holds TOML. A directive that
silences nothing is itself reported (``unused-disable``, info), like flake8's and ruff's
unused ``noqa``: a stale one would otherwise hide the next real problem on that line.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Final

from kata_config.findings import Finding, Location, Report, Rule, Severity
from kata_config.record import record, replace

UNUSED_DISABLE = Rule("unused-disable", Severity.INFO,
                      "A kata-config: disable comment that silences nothing")
UNUSED_DISABLE_DOC: Final = (
    "A `# kata-config: disable=RULE` comment names a rule that reports nothing on the line it "
    "covers (its own line, or the next TOML line when the comment stands alone), or a rule "
    "that does not exist. Remove it, or fix the rule id: a stale directive would silently hide "
    "the next real problem there.\n\n"
    "Fails (a trailing directive that covers nothing):\n\n"
    "    [hypervisor.qemu]\n"
    "    default_vcpus = 1  # kata-config: disable=unknown-key\n\n"
    "Passes (it silences the typo warning it was written for):\n\n"
    "    [hypervisor.qemu]\n"
    "    default_vpcus = 1  # kata-config: disable=unknown-key"
)

_DIRECTIVE: Final = r"#\s*kata-config:\s*disable=([A-Za-z0-9_,\s-]+?)\s*$"
"""A disable directive (``re``'s cache compiles it when a file has one, not at start-up)."""


@record
class Directive:
    """One disable comment: where it is, the line it covers and the rules it names."""

    line: int
    col: int
    covers: int
    rules: tuple[str, ...]


def _comment_start(line: str) -> int | None:
    """Index of the ``#`` that starts a comment, outside basic and literal strings."""
    quote: str | None = None
    escaped = False
    for i, char in enumerate(line):
        if quote == '"' and escaped:
            escaped = False
        elif quote == '"' and char == "\\":
            escaped = True
        elif quote is not None:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#":
            return i
    return None


def parse_directives(text: str) -> tuple[Directive, ...]:
    """Every disable directive in ``text`` (1-based lines and columns)."""
    lines = text.splitlines()
    found: list[Directive] = []
    for number, line in enumerate(lines, start=1):
        start = _comment_start(line)
        match = re.match(_DIRECTIVE, line[start:]) if start is not None else None
        if start is None or match is None:
            continue
        covers = number
        if not line[:start].strip():  # a line of its own: covers the next TOML line
            covers = next((n for n, later in enumerate(lines[number:], start=number + 1)
                           if later.strip() and not later.lstrip().startswith("#")), number)
        rules = tuple(r.strip() for r in match.group(1).split(",") if r.strip())
        found.append(Directive(number, start + 1, covers, rules))
    return tuple(found)


def _unused(path: str, directive: Directive, rule: str, known: Collection[str]) -> Finding:
    why = ("is not a kata-config rule" if rule not in known
           else f"reports nothing on line {directive.covers}")
    return Finding(UNUSED_DISABLE.id, UNUSED_DISABLE.severity,
                   f"disable={rule}: {rule} {why}; remove it from the comment",
                   Location(path, directive.line, directive.col))


def _apply_file(path: str, text: str, findings: list[Finding],
                known: Collection[str]) -> Iterator[Finding]:
    """The findings of ``path`` left after its directives, then the unused directives."""
    directives = parse_directives(text)
    used: set[tuple[int, str]] = set()
    for finding in findings:
        hit = next((d for d in directives if d.covers == finding.location.line
                    and finding.rule_id in d.rules), None)
        if hit is None:
            yield finding
        else:
            used.add((hit.line, finding.rule_id))
    for directive in directives:
        for rule in directive.rules:
            if (directive.line, rule) not in used:
                yield _unused(path, directive, rule, known)


def apply_directives(findings: Iterable[Finding], texts: Mapping[str, str],
                     known: Collection[str]) -> list[Finding]:
    """``findings`` without the inline-disabled ones, plus one per unused directive.

    ``texts`` maps each input file's path to its text; ``known`` is every rule id.
    """
    by_path: dict[str, list[Finding]] = {path: [] for path in texts}
    for finding in findings:
        by_path.setdefault(finding.location.path, []).append(finding)
    kept: list[Finding] = []
    for path, found in by_path.items():
        text = texts.get(path, "")
        kept.extend(_apply_file(path, text, found, known) if "kata-config:" in text else found)
    return kept


def select(report: Report, selected: Collection[str], ignored: Collection[str]) -> Report:
    """Keep the findings of ``selected`` rules (all when empty), minus ``ignored`` ones."""
    kept = tuple(f for f in report.findings
                 if (not selected or f.rule_id in selected) and f.rule_id not in ignored)
    return replace(report, findings=kept)
