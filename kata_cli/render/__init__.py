"""Output formats. Only this package and ``kata_cli`` may import rich or typer."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Sequence
from functools import cache
from typing import IO, Any, Final

from kata_config import RULES_URL


def github_escape(text: str, prop: bool = False) -> str:
    """GitHub workflow-command escaping (``%``, CR, LF; and ``:``/``,`` inside properties)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    text = printable(text)  # the log is shown on a terminal-like page: no raw escapes
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def rule_url(rule_id: str) -> str:
    """The documentation of one rule (SARIF ``helpUri``, ``kata-config explain``)."""
    return f"{RULES_URL}#{rule_id}"


UNSAFE_CHARACTERS: Final = (
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)
"""Control characters (C0, DEL, C1: terminal escape sequences start with them) and the
invisible formatting ones (bidi overrides, zero-width) that make text read as other text."""
MAX_SHOWN: Final = 200
"""Characters of a source line shown under a finding (a 15 KB line is shown clipped)."""


@cache
def unsafe_characters() -> re.Pattern[str]:
    """``UNSAFE_CHARACTERS`` compiled on first use: its Unicode ranges take ~0.4 ms to compile,
    and printable ASCII (most of what a run shows) never needs it."""
    return re.compile(UNSAFE_CHARACTERS)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """``text`` safe for a terminal: every non-printable character shown as ``\\xNN``/``\\uNNNN``.

    The one escaping helper of every text renderer: messages, paths, source lines, values and
    evidence all come from files or servers, and raw escape sequences must not reach a tty.
    """
    text = str(text)
    if text.isascii() and text.isprintable():  # " " to "~": nothing to escape
        return text
    return unsafe_characters().sub(_escape, text)


def clip(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` shortened to ``limit`` characters with a marker saying how much was cut."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text) - limit} more)"


def json_value(value: object) -> object:
    """``json.dumps(default=...)`` for values from TOML that JSON lacks: a TOML date, time or
    date-time becomes its ISO 8601 text (the TOML spelling); anything else its ``str``."""
    import datetime  # noqa: PLC0415 (~1 ms; loaded already by tomllib for a TOML date)

    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def write_json(doc: object, out: IO[str], **options: Any) -> None:
    """``json.dump`` in batches: it writes each of its millions of small pieces separately
    (slow on a real stream), and ``json.dumps`` holds them all at once (memory)."""
    import json  # noqa: PLC0415 (with its decoder and scanner ~1 ms: text output needs none)

    batch: list[str] = []
    for piece in json.JSONEncoder(**options).iterencode(doc):
        batch.append(piece)
        if len(batch) >= 8192:
            out.write("".join(batch))
            batch.clear()
    out.write("".join(batch))


Styled = Sequence[tuple[str, str]]
"""One line of text output as ``(text, rich style)`` segments; the style is "" for none."""


def write_lines(lines: Iterable[Styled], stream: IO[str], colour: bool) -> None:
    """The one colour path of every text renderer: each segment escaped (it may quote a file
    or a server), then plain, or styled by rich when ``colour`` (see ``wants_colour``)."""
    if not colour:
        for line in lines:
            stream.write("".join(printable(text) for text, _ in line) + "\n")
        return
    # rich: ~30 ms of imports, paid only when colour is wanted
    from rich.console import Console  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    # wants_colour has decided (FORCE_COLOR beats TERM=dumb; rich 10.11, our lowest bound,
    # takes an empty NO_COLOR for "no colour"): rich must not decide again, and the styles
    # are the 8 standard colours, which every colour terminal shows alike
    console = Console(file=stream, force_terminal=True, color_system="standard",
                      no_color=False, highlight=False, soft_wrap=True)
    for line in lines:
        console.print(Text.assemble(*((printable(text), style) for text, style in line)))


def wants_colour(stream: IO[str] | None = None) -> bool:
    """Colour on a terminal (stdout by default) that is not ``TERM=dumb``.

    ``NO_COLOR`` (any non-empty value) always turns it off; otherwise ``FORCE_COLOR`` (any
    non-empty value) turns it on even in a pipe, as CI logs that render ANSI want.
    """
    stream = sys.stdout if stream is None else stream
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"
