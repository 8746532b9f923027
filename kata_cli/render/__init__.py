"""Output formats. Only this package and ``kata_cli`` may import rich or typer."""

from __future__ import annotations

import os
import sys
from typing import IO


def wants_colour(stream: IO[str] | None = None) -> bool:
    """Colour only on a terminal (stdout by default), and never when NO_COLOR is set."""
    stream = sys.stdout if stream is None else stream
    return stream.isatty() and not os.environ.get("NO_COLOR")
