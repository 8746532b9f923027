"""Conventions every command shares, without typer: the message prefix, usage errors, notes.

Results go to stdout, diagnostics to stderr prefixed ``kata-config:``, and a usage error exits
2. ``fail`` returns a ``SystemExit`` to raise, so a command body behaves the same under typer
(and its CliRunner) and under the typer-free front end of the hot commands (``fast.py``).
``options.py`` re-exports these names for the typer commands.
"""

from __future__ import annotations

import sys
from collections.abc import Collection
from typing import Final

import kata_config
from kata_cli.render import printable

PREFIX: Final = "kata-config"
STDIN: Final = "-"
"""The path that means standard input (and, for outputs, standard output)."""


class UsageExit(SystemExit):
    """The exit a command raises after saying why on stderr (2: a usage error)."""


def fail(message: str, code: int = 2) -> UsageExit:
    """Write ``kata-config: message`` to stderr and return the exit to raise (2: usage)."""
    sys.stderr.write(f"{PREFIX}: {printable(message)}\n")
    return UsageExit(code)


def note(message: str, quiet: bool = False) -> None:
    """A report for people (what was read or written) on stderr, unless ``--quiet``."""
    if not quiet:
        sys.stderr.write(f"{PREFIX}: {printable(message)}\n")


def rule_ids(given: list[str] | None, known: Collection[str], option: str) -> frozenset[str]:
    """The rule ids of a ``--select``/``--ignore`` list (comma lists split).

    Raises:
        UsageExit: (2) for an id that is not a rule, naming the closest one.
    """
    wanted = frozenset(part.strip() for item in given or () for part in item.split(",")
                       if part.strip())
    for rule in sorted(wanted - set(known)):
        # difflib costs ~3 ms at start-up: only a misspelt id needs it
        import difflib  # noqa: PLC0415

        close = difflib.get_close_matches(rule, list(known), n=1)
        hint = f"; did you mean {close[0]}?" if close else " (kata-config explain lists them)"
        raise fail(f"{option} {rule}: no such rule{hint}")
    return wanted


def resolve_release(given: str | None) -> str:
    """The ``--kata-version`` as a known ``X.Y`` release (the newest when not given).

    Raises:
        UsageExit: (2) for a release kata-config has no history for.
    """
    try:
        return kata_config.kata_release(given or "newest")
    except kata_config.UnknownReleaseError as err:
        raise fail(f"--kata-version: {err}") from None


def resolve_arch(arch: str | None) -> str:
    """``--arch`` in its canonical spelling, or this host's arch when it was not given.

    Raises:
        UsageExit: (2) for an arch kata-config does not know.
    """
    try:
        return kata_config.canonical_arch(arch)
    except kata_config.UnknownArchError as exc:
        raise fail(f"{exc} (pass --arch)") from None
