"""Render the verdicts of ``kata-config annotate`` as text (people) or JSON (machines)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, Final

from kata_cli.render import printable

if TYPE_CHECKING:
    from kata_runtime.annotations import AnnotationResult

_RUNTIME: Final = {"go": "the Go runtime", "rs": "runtime-rs"}


def plain(value: Any) -> Any:
    """A JSON-ready copy of a configuration value (tuples become lists)."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _show(value: Any) -> str:
    return json.dumps(plain(value), ensure_ascii=False)


def render_json(result: AnnotationResult, config: str, stream: IO[str]) -> None:
    """The documented JSON shape: version, runtime, config, annotations, changes."""
    doc = {
        "version": 1,
        "runtime": result.behaviour,
        "config": config,
        "annotations": [
            {"annotation": d.annotation, "value": d.value, "status": d.status,
             "reason": d.reason}
            for d in result.decisions
        ],
        "changes": [{"key": c.key, "from": plain(c.before), "to": plain(c.after)}
                    for c in result.changes],
    }
    stream.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def render_text(result: AnnotationResult, config: str, stream: IO[str]) -> None:
    """One block per annotation (verdict, then the reason), then the values that changed."""
    who = _RUNTIME[result.behaviour]
    lines = [f"{config}: pod annotations as {who} {result.version} applies them"]
    for d in result.decisions:
        lines.append(f"  {d.status:<9} {d.annotation}={_clip(d.value)}")
        lines.append(f"            {d.reason} [{d.rule}]")
    if result.changes:
        lines.append("values that change:")
        lines += [f"  {c.key}: {_show(c.before)} -> {_show(c.after)}" for c in result.changes]
    else:
        lines.append("no value changes")
    lines += [f"note: {n}" for n in result.notes]
    if result.refused:
        lines.append(f"{who} refuses to start this pod")
    stream.write("\n".join(printable(line) for line in lines) + "\n")


def _clip(value: str) -> str:
    shown = value.encode("unicode_escape").decode("ascii")  # no control characters to a tty
    return shown if len(shown) <= 120 else shown[:117] + "..."


RENDERERS: Final[dict[str, Callable[[AnnotationResult, str, IO[str]], None]]] = {
    "text": render_text,
    "json": render_json,
}
