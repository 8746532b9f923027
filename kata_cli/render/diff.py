"""Render diff and migration results as text (people) or JSON (machines); no decisions here.

rich is imported only when colour is wanted, as in ``render.findings``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import groupby
from typing import IO, TYPE_CHECKING, Any, Final

from kata_cli.render import json_value, write_lines

if TYPE_CHECKING:
    from kata_config import DiffChange, DiffResult, Migration

Line = list[tuple[str, str]]  # (text, rich style) segments
_MARK: Final = {"changed": ("~", "yellow"), "added": ("+", "green"), "removed": ("-", "red")}
_STEP_STYLE: Final = {"dropped": "red", "added": "green"}


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False, default=json_value)


def _section(change: DiffChange) -> str:
    return change.key.rpartition(".")[0]


def _change_line(c: DiffChange, main: str) -> Line:
    mark, style = _MARK[c.kind]
    name = c.key.rpartition(".")[2]
    if c.kind == "changed":
        body = f"{name}: {_fmt(c.baseline)} -> {_fmt(c.value)}"
    elif c.kind == "added":
        body = f"{name} = {_fmt(c.value)}"
    else:
        body = f"{name} (stock: {_fmt(c.baseline)})"
    where = ""
    if c.line:
        where = f"  line {c.line}" if c.path == main else f"  {c.path}:{c.line}"
    line: Line = [(f"  {mark} ", style), (body, style), (where, "dim")]
    if c.description:
        line.append((f"  # {c.description}", "dim"))
    return line


def render_diff_text(result: DiffResult, stream: IO[str], colour: bool = False) -> None:
    """Changes grouped by section, user values with their line (and file, for drop-ins)."""
    lines: list[Line] = [
        [("--- ", "bold"), (result.baseline, "bold"), (f"  {result.baseline_path or ''}", "dim")],
        [("+++ ", "bold"), (result.target, "bold")],
    ]
    if len(result.files) > 1:
        lines.append([(f"    with drop-ins: {', '.join(result.files[1:])}", "dim")])
    lines.extend([(f"    baseline: {why}", "dim")] for why in result.why)
    ordered = sorted(result.changes, key=_section)
    for section, group in groupby(ordered, key=_section):
        lines.append([(f"[{section}]", "bold cyan")])
        lines.extend(_change_line(c, result.target) for c in group)
    if result.ignored:
        keys = ", ".join(c.key for c in result.ignored)
        lines.append([(f"no effect for this runtime (not counted): {keys}", "dim")])
    for why, group in groupby(sorted(result.retired, key=lambda c: c.key),
                              key=lambda c: c.description):
        keys = ", ".join(c.key for c in group)
        lines.append([(f"retired table, no effect (not counted): {keys}  # {why}", "dim")])
    counts = {k: sum(1 for c in result.changes if c.kind == k) for k in _MARK}
    summary = ", ".join(f"{n} {k}" for k, n in counts.items() if n) or "no differences"
    lines.append([(summary, "bold")])
    write_lines(lines, stream, colour)


def diff_json(result: DiffResult) -> dict[str, Any]:
    """The stable, versioned JSON document of a diff."""
    changes = []
    for c in result.changes:
        item: dict[str, Any] = {
            "key": c.key,
            "kind": c.kind,
            "baseline": c.baseline,
            "value": c.value,
            "path": c.path,
            "line": c.line,
        }
        if c.description:
            item["description"] = c.description
        changes.append(item)
    return {
        "version": 1,
        "baseline": result.baseline,
        "baseline_why": list(result.why),
        "baseline_path": result.baseline_path,
        "target": result.target,
        "files": list(result.files),
        "runtime": result.runtime,
        "arch": result.arch,
        "changes": changes,
        "ignored": [{"key": c.key, "kind": c.kind, "baseline": c.baseline, "value": c.value}
                    for c in result.ignored],
        "retired": [{"key": c.key, "kind": c.kind, "baseline": c.baseline, "value": c.value,
                     "description": c.description} for c in result.retired],
    }


def render_diff_json(result: DiffResult, stream: IO[str], colour: bool = False) -> None:
    """JSON, one document."""
    stream.write(json.dumps(diff_json(result), indent=2, ensure_ascii=False,
                            default=json_value) + "\n")


def render_migration_text(m: Migration, stream: IO[str], colour: bool = False) -> None:
    """Every step with its reason; the settings that could not be carried listed last."""
    head = f"{m.source}: {m.from_runtime} -> {m.to_runtime} ({m.hypervisor})"
    lines: list[Line] = [[(head, "bold")]]
    for s in sorted(m.steps, key=lambda s: s.kind == "dropped"):
        style = _STEP_STYLE.get(s.kind, "yellow")
        what = s.key if s.target in (None, s.key) else f"{s.key} -> {s.target}"
        value = f" = {_fmt(s.new)}" if s.kind in ("added", "converted", "changed") else ""
        lines.append([(f"  {s.kind:<9} ", style), (what + value, ""), (f"  # {s.reason}", "dim")])
    for b in m.blockers:
        lines.append([("  blocker   ", "red"), (f"{b.rule_id}: {b.message}", "")])
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(m.counts().items()))
    lost = len(m.lost)
    lines.append([(f"{len(m.steps)} steps ({counts or 'none'}), {lost} setting(s) not carried "
                   f"over, {len(m.blockers)} blocker(s)", "bold")])
    write_lines(lines, stream, colour)


def migration_json(m: Migration) -> dict[str, Any]:
    """The versioned JSON document of a migration (the migrated text is not included)."""
    steps = [
        {
            "kind": s.kind,
            "key": s.key,
            "target": s.target,
            "old": s.old,
            "new": s.new,
            "reason": s.reason,
        }
        for s in m.steps
    ]
    return {
        "version": 1,
        "source": m.source,
        "from": m.from_runtime,
        "to": m.to_runtime,
        "hypervisor": m.hypervisor,
        "steps": steps,
        "counts": m.counts(),
        "lost": [s.key for s in m.lost],
        "blockers": [{"rule": b.rule_id, "message": b.message, "key": b.location.key}
                     for b in m.blockers],
    }


def render_migration_json(m: Migration, stream: IO[str], colour: bool = False) -> None:
    """JSON, one document."""
    stream.write(json.dumps(migration_json(m), indent=2, ensure_ascii=False,
                            default=json_value) + "\n")


DIFF_RENDERERS: Final[dict[str, Callable[[DiffResult, IO[str], bool], None]]] = {
    "text": render_diff_text,
    "json": render_diff_json,
}
MIGRATE_RENDERERS: Final[dict[str, Callable[[Migration, IO[str], bool], None]]] = {
    "text": render_migration_text,
    "json": render_migration_json,
}
