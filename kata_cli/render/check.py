"""Render ``kata-config check`` results: aligned text for people, versioned JSON for machines,
workflow annotations and SARIF for CI, NFD and Prometheus files for fleets.

No decisions here beyond the verdict (the worst status). Text goes through
``render.write_lines``, the one colour path (rich, only when ``wants_colour``), so piped output
stays byte-stable.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Final

from kata_cli.render import Styled, github_escape, write_lines
from kata_cli.render.nfd import render_nfd
from kata_cli.render.prometheus import render_prometheus
from kata_config import HostReport, Status, __version__

JSON_VERSION: Final = 1
_STYLE: Final = {Status.PASS: "green", Status.WARN: "yellow", Status.FAIL: "bold red",
                 Status.SKIP: "dim"}


CheckRun = HostReport
"""What every renderer prints: the library's report of one host check."""


def render_text(run: CheckRun, stream: IO[str], verbose: bool = False,
                colour: bool = False) -> None:
    """One aligned ``STATUS  id  message`` line per check; remedy under FAIL/WARN lines.

    Messages, evidence and remedies quote host files and servers: they are escaped.
    """
    write_lines(_text_lines(run, verbose), stream, colour)


def _text_lines(run: CheckRun, verbose: bool) -> Iterator[Styled]:
    width = max((len(r.id) for r in run.results), default=0)
    yield ((f"kata-config check: {run.arch} host at {run.root}", ""),)
    pad = " " * (width + 8)
    for r in run.results:
        yield ((f"{r.status.value.upper():<4}", _STYLE[r.status]),
               (f"  {r.id:<{width}}  {r.message}", ""))
        if verbose and r.evidence:
            yield ((f"{pad}evidence: {r.evidence}", ""),)
        if r.remedy and r.status in (Status.FAIL, Status.WARN):
            yield ((f"{pad}remedy:   {r.remedy}", ""),)
    counts = ", ".join(f"{n} {s.value}" for s, n in run.counts().items() if n)
    yield (("verdict: ", ""), (run.verdict.value.upper(), _STYLE[run.verdict]),
           (f" ({counts or 'no checks'})", ""))


def as_json(run: CheckRun) -> dict[str, object]:
    """The stable JSON document (version 1)."""
    return {
        "version": JSON_VERSION,
        "host": {"arch": run.arch, "root": run.root},
        "checks": [
            {"id": r.id, "status": r.status.value, "message": r.message,
             "evidence": r.evidence, "remedy": r.remedy}
            for r in run.results
        ],
        "verdict": run.verdict.value,
    }


def render_json(run: CheckRun, stream: IO[str], verbose: bool = False,
                colour: bool = False) -> None:
    """The JSON document, indented, one trailing newline (evidence is always included)."""
    import json  # noqa: PLC0415 (~1 ms with its decoder: only the json and sarif formats write it)

    stream.write(json.dumps(as_json(run), indent=2) + "\n")


_GITHUB: Final = {Status.WARN: "warning", Status.FAIL: "error"}


def render_github(run: CheckRun, stream: IO[str], verbose: bool = False,
                  colour: bool = False) -> None:
    """A workflow annotation per WARN/FAIL line (a CI job on the host), then the verdict."""
    del colour
    for r in run.results:
        if r.status in _GITHUB:
            detail = f" ({r.evidence})" if verbose and r.evidence else ""
            fix = f"; fix: {r.remedy}" if r.remedy else ""
            stream.write(f"::{_GITHUB[r.status]} title="
                         f"{github_escape(f'kata-config check {r.id}', prop=True)}::"
                         f"{github_escape(r.message + detail + fix)}\n")
    counts = ", ".join(f"{n} {s.value}" for s, n in run.counts().items() if n)
    stream.write(f"verdict: {run.verdict.value.upper()} ({counts or 'no checks'})\n")


_SARIF_LEVEL: Final = {Status.WARN: "warning", Status.FAIL: "error"}


def _artifact(path: str) -> str:
    """The file's URI as code scanning wants it: relative to the checkout (the cwd) when the
    file is inside it, else an absolute ``file:`` URI."""
    resolved = Path(path).resolve()
    rel = os.path.relpath(resolved, Path.cwd())
    return resolved.as_uri() if rel.startswith("..") else Path(rel).as_posix()


def to_sarif(run: CheckRun) -> dict[str, object]:
    """SARIF 2.1.0: a result per WARN/FAIL check, anchored to line 1 of the configuration
    checked (host findings have no file of their own, and GitHub rejects a whole upload when
    any result lacks a location). The check id is the rule; its help is the remedy."""
    if run.config is None:
        raise ValueError("SARIF needs the configuration file the host was checked against")
    problems = [r for r in run.results if r.status in _SARIF_LEVEL]
    used = sorted({r.id for r in problems})
    first = {r.id: r for r in reversed(problems)}
    rules = [{
        "id": cid,
        "name": cid,
        "shortDescription": {"text": f"host check {cid}"},
        "fullDescription": {"text": first[cid].message[:1024]},
        "help": {"text": (first[cid].remedy or first[cid].message)[:8000]},
        "defaultConfiguration": {"level": _SARIF_LEVEL[first[cid].status]},
    } for cid in used]
    index = {cid: i for i, cid in enumerate(used)}
    location = {"physicalLocation": {"artifactLocation": {"uri": _artifact(run.config)},
                                     "region": {"startLine": 1}}}
    results = [{
        "ruleId": r.id,
        "ruleIndex": index[r.id],
        "level": _SARIF_LEVEL[r.status],
        "message": {"text": r.message + (f"; fix: {r.remedy}" if r.remedy else "")},
        "locations": [location],
        "properties": {"evidence": r.evidence, "arch": run.arch, "root": run.root},
    } for r in problems]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "kata-config check", "version": __version__,
                                      "semanticVersion": __version__, "rules": rules}},
                  "columnKind": "unicodeCodePoints", "results": results}],
    }


def render_sarif(run: CheckRun, stream: IO[str], verbose: bool = False,
                 colour: bool = False) -> None:
    """The SARIF document (``check`` refuses the format earlier when no config was checked)."""
    del verbose, colour
    import json  # noqa: PLC0415 (~1 ms with its decoder: see render_json)

    stream.write(json.dumps(to_sarif(run), indent=2) + "\n")


def render_list(rows: Sequence[tuple[str, str]], stream: IO[str]) -> None:
    """``check --list``: every check id with the probe module that emits it."""
    width = max((len(cid) for cid, _ in rows), default=0)
    for cid, owner in rows:
        stream.write(f"{cid:<{width}}  {owner}\n")


Renderer = Callable[[CheckRun, IO[str], bool, bool], None]


RENDERERS: Final[Mapping[str, Renderer]] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
    "sarif": render_sarif,
    "nfd": render_nfd,
    "prometheus": render_prometheus,
}
FILE_FORMATS: Final = frozenset({"nfd", "prometheus"})
"""Formats meant for a file another daemon reads (written atomically, rewritten by --interval)."""
