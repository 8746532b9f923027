"""Output formats. Only this package and ``kata_cli`` may import rich or typer."""

from __future__ import annotations

import os
import sys
from typing import IO, Final

RULES_URL: Final = "https://github.com/kata-config/kata-config/blob/main/docs/rules.md"
"""Where every rule is documented; ``#<rule-id>`` is its section (GitHub's heading anchors)."""


def rule_url(rule_id: str) -> str:
    """The documentation of one rule (SARIF ``helpUri``, ``kata-config explain``)."""
    return f"{RULES_URL}#{rule_id}"


def wants_colour(stream: IO[str] | None = None) -> bool:
    """Colour only on a terminal (stdout by default), and never when NO_COLOR is set."""
    stream = sys.stdout if stream is None else stream
    return stream.isatty() and not os.environ.get("NO_COLOR")
