"""Render a validation report as text (people), JSON (machines) or SARIF 2.1.0 (code scanning).

Renderers make no decisions: they print what the report holds. Text goes through
``render.write_lines``, the one colour path.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Final

import kata_config
from kata_cli.render import (
    Styled,
    clip,
    github_escape,
    printable,
    rule_url,
    write_json,
    write_lines,
)
from kata_config import Finding, Report, Severity, __version__

SourceLine = Callable[[str, int], str | None]
"""Looks up the text of one line of an input file (for showing under a finding)."""

_SARIF_LEVEL: Final = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_STYLE: Final = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def summary(report: Report) -> dict[str, int]:
    """Counts per severity, as the JSON summary spells them."""
    return {
        "errors": report.count(Severity.ERROR),
        "warnings": report.count(Severity.WARNING),
        "infos": report.count(Severity.INFO),
    }


def _position(finding: Finding) -> str:
    loc = finding.location
    parts = [loc.path]
    if loc.line is not None:
        parts.append(str(loc.line))
        if loc.col is not None:
            parts.append(str(loc.col))
    return ":".join(parts)


def render_text(report: Report, out: IO[str], source: SourceLine, colour: bool) -> None:
    """``path:line:col: severity rule-id message``, the offending line under it, a summary.

    A source line is shown once, under the first finding on it (2,000 findings on one long
    line print it once, clipped), and everything from the file is escaped for the terminal.
    """
    write_lines(_text_lines(report, source), out, colour)


def _text_lines(report: Report, source: SourceLine) -> Iterator[Styled]:
    for finding, text in _with_sources(report, source):
        yield ((_position(finding), "bold"), (": ", ""),
               (finding.severity.label, _STYLE[finding.severity]), (" ", ""),
               (finding.rule_id, "dim"), (f" {finding.message}", ""))
        if text is not None:
            yield (("    ", ""), (text, "dim"))
    yield ((_summary_line(report), ""),)


def _with_sources(report: Report, source: SourceLine) -> Iterator[tuple[Finding, str | None]]:
    """Each finding with its source line (escaped, clipped) the first time that line comes up."""
    shown: set[tuple[str, int]] = set()
    for finding in report.findings:
        line = finding.location.line
        where = (finding.location.path, line or 0)
        text = None
        if line and where not in shown:
            shown.add(where)
            raw = source(finding.location.path, line)
            text = printable(clip(raw.strip())) if raw is not None else None
        yield finding, text


def _summary_line(report: Report) -> str:
    counts = summary(report)
    files = len(report.inputs)
    return (f"{counts['errors']} error(s), {counts['warnings']} warning(s), {counts['infos']} "
            f"info in {files} file{'s' if files != 1 else ''}")


def to_json(report: Report) -> dict[str, Any]:
    """The versioned JSON document (version 1; fields may be added, never removed)."""
    return {
        "version": 1,
        "files": list(report.inputs),
        "findings": [
            {
                "rule": f.rule_id,
                "severity": f.severity.label,
                "when": f.when,
                "message": f.message,
                "path": f.location.path,
                "line": f.location.line,
                "column": f.location.col,
                "key": f.location.key,
            }
            for f in report.findings
        ],
        "summary": summary(report),
    }


def render_json(report: Report, out: IO[str], source: SourceLine, colour: bool) -> None:
    """Stable, versioned JSON on one document."""
    del source, colour
    write_json(to_json(report), out, indent=2)
    out.write("\n")


def _uri(path: str, cwd: Path) -> str:
    # GitHub wants paths relative to the checkout; keep absolute ones only outside the cwd.
    resolved = Path(path).resolve()
    try:
        rel = os.path.relpath(resolved, cwd)
    except ValueError:
        return Path(path).as_posix()
    return resolved.as_uri() if rel.startswith("..") else Path(rel).as_posix()


def _uris() -> Callable[[str], str]:
    """``_uri`` resolved once per file, not per finding (20,000 findings on one file were
    40,000 realpath walks, 80% of a SARIF run)."""
    cwd = Path.cwd()
    seen: dict[str, str] = {}

    def uri(path: str) -> str:
        found = seen.get(path)
        if found is None:
            found = seen[path] = _uri(path, cwd)
        return found

    return uri


def to_sarif(report: Report, docs: Mapping[str, tuple[str, Severity, str]]) -> dict[str, Any]:
    """SARIF 2.1.0 as GitHub code scanning accepts it; ``docs`` maps rule id to
    (summary, severity, help text)."""
    used = sorted({f.rule_id for f in report.findings})
    rules = []
    for rule_id in used:
        short, severity, text = docs.get(rule_id, (rule_id, Severity.ERROR, rule_id))
        rules.append({
            "id": rule_id,
            "name": rule_id,
            "shortDescription": {"text": short[:1024]},
            "fullDescription": {"text": (text.split("\n\n")[0] or short)[:1024]},
            "help": {"text": (text or short)[:8000]},
            "helpUri": rule_url(rule_id),
            "defaultConfiguration": {"level": _SARIF_LEVEL[severity]},
        })
    index = {rule_id: i for i, rule_id in enumerate(used)}
    results = []
    uri = _uris()
    for f in report.findings:
        physical: dict[str, Any] = {"artifactLocation": {"uri": uri(f.location.path)}}
        # host-less findings still need a location; line 1 anchors them to the file
        region: dict[str, int] = {"startLine": f.location.line or 1}
        if f.location.line and f.location.col:
            region["startColumn"] = f.location.col
        physical["region"] = region
        results.append({
            "ruleId": f.rule_id,
            "ruleIndex": index[f.rule_id],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [{"physicalLocation": physical}],
            # load: the runtime refuses the file; start: it loads it and the VM fails to start
            "properties": {"when": f.when},
        })
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "kata-config", "version": __version__,
                                "semanticVersion": __version__, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def render_sarif(report: Report, out: IO[str], source: SourceLine, colour: bool) -> None:
    """SARIF 2.1.0 document."""
    del source, colour
    docs = {rid: (e.rule.summary, e.rule.severity, e.doc)
            for rid, e in kata_config.rule_docs().items()}
    write_json(to_sarif(report, docs), out, indent=2)
    out.write("\n")


_GITHUB_LEVEL: Final = {Severity.ERROR: "error", Severity.WARNING: "warning",
                        Severity.INFO: "notice"}


def render_github(report: Report, out: IO[str], source: SourceLine, colour: bool) -> None:
    """One ``::error file=...,line=...::message`` workflow command per finding, then a summary.

    GitHub Actions turns each into an annotation on the file and line in the pull request.
    """
    del source, colour
    uri = _uris()
    for f in report.findings:
        props = [f"file={github_escape(uri(f.location.path), prop=True)}"]
        if f.location.line:
            props.append(f"line={f.location.line}")
            if f.location.col:
                props.append(f"col={f.location.col}")
        props.append(f"title={github_escape(f'kata-config {f.rule_id}', prop=True)}")
        out.write(f"::{_GITHUB_LEVEL[f.severity]} {','.join(props)}::"
                  f"{github_escape(f.message)} ({rule_url(f.rule_id)})\n")
    out.write(_summary_line(report) + "\n")


Renderer = Callable[[Report, IO[str], SourceLine, bool], None]
RENDERERS: Final[Mapping[str, Renderer]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
}
