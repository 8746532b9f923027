"""Render ``kata-config env``: TOML for people (as ``kata-runtime env``), JSON for machines.

The report is plain data built by ``kata_cli.env``; both renderers print all of it. JSON has
``"version": 1`` and a fixed set of keys (``null`` where a value is unknown); TOML has no null,
so unknown values are left out there, and ``--verbose`` adds each value's origin as a comment.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import IO, Any, Final

from kata_cli.render import unsafe_characters

JSON_VERSION: Final = 1


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def render_json(report: Mapping[str, Any], stream: IO[str], verbose: bool = False) -> None:
    """The whole report as indented JSON (the same keys with or without ``verbose``)."""
    del verbose  # JSON always carries every check line; origins are filled by the caller
    json.dump(_plain(report), stream, indent=2)
    stream.write("\n")


def _origin_comment(origin: Mapping[str, Any]) -> str:
    where = origin.get("path") or ""
    if where and origin.get("line"):
        where = f"{where}:{origin['line']}"
    text = " ".join(p for p in (str(origin.get("kind", "")), where) if p)
    if origin.get("kind") == "normalised":
        text += f" (was {origin.get('previous')!r})"
    return text


def _table(values: Mapping[str, Any], origins: Mapping[str, Any], prefix: str) -> Any:
    import tomlkit  # noqa: PLC0415 (~25 ms of imports: only the TOML output needs it)

    table = tomlkit.table()
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, Mapping):
            table.add(key, _table(value, origins, f"{prefix}.{key}"))
            continue
        if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            array = tomlkit.aot()
            for entry in value:
                array.append(_table(entry, {}, ""))
            table.add(key, array)
            continue
        item = tomlkit.item(_plain(value))
        origin = origins.get(f"{prefix}.{key}")
        if origin:
            item.comment(_origin_comment(origin))
        table.add(key, item)
    return table


def render_toml(report: Mapping[str, Any], stream: IO[str], verbose: bool = False) -> None:
    """The report as TOML, one table per section; origins as comments when present.

    The host's check lines are printed only with ``verbose`` (``kata-config check`` is the
    place to read them); the summary above them always is.
    """
    import tomlkit  # noqa: PLC0415 (see _table)

    doc = tomlkit.document()
    doc.add(tomlkit.comment(f"kata-config env, format version {report['version']}"))
    origins = report.get("origins") or {}
    shown = dict(report)
    if not verbose and isinstance(report.get("host"), Mapping):
        shown["host"] = {k: v for k, v in report["host"].items() if k != "checks"}
    for name, value in shown.items():
        if name in ("version", "origins") or value is None:
            continue
        if isinstance(value, Mapping):
            doc.add(name, _table(value, origins, name))
        else:
            doc.add(name, tomlkit.item(_plain(value)))
    stream.write(unsafe_characters().sub(_toml_escape, tomlkit.dumps(doc)))


def _toml_escape(match: re.Match[str]) -> str:
    # tomlkit escapes C0 controls in strings but writes C1 controls (\x9b starts a terminal
    # escape sequence too) and bidi or zero-width characters from host files raw; \uXXXX is
    # valid in a TOML basic string, and in a comment (an origin's path) harmless text
    char = match.group()
    return char if char in "\t\n" else f"\\u{ord(char):04x}"


RENDERERS: Final[dict[str, Callable[[Mapping[str, Any], IO[str], bool], None]]] = {
    "toml": render_toml,
    "json": render_json,
}
