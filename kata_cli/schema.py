"""``kata-config schema``: the JSON Schema of configuration.toml."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kata_cli import options
from kata_config import AtomicWriteError, atomic_write, schema_text


def schema(
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the schema to this file (atomically) instead of stdout.",
        show_default=False)] = None,
    quiet: options.Quiet = False,
) -> None:
    """Print the JSON Schema of configuration.toml (for editors, taplo and check-jsonschema).

    Its $id is the stable URL where the schema is published; docs/editors.md shows how to
    point taplo, Even Better TOML or a #:schema comment at it.
    """
    text = schema_text()
    if output is None or str(output) == options.STDIN:
        sys.stdout.write(text)
        return
    try:
        atomic_write(output, text)
    except AtomicWriteError as err:
        raise options.fail(f"cannot write {output}: {err.strerror}") from None
    options.note(f"wrote {output}", quiet)


def register(app: typer.Typer) -> None:
    """Add ``schema`` to the app."""
    app.command("schema")(schema)
