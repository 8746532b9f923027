"""Options and conventions every command shares, declared once so they cannot drift.

Every command takes ``--arch``, ``--runtime``, ``--quiet`` (and ``--format`` where it has
formats) from here, and reports through ``fail``/``note``: one message prefix (``kata-config:``),
diagnostics on stderr, results on stdout, exit 2 for a usage error. A new command gets the same
meaning by using these names.
"""

from __future__ import annotations

import sys
from collections.abc import Collection
from enum import StrEnum
from typing import Annotated, Final

import typer

from kata_cli.render import printable

PREFIX: Final = "kata-config"
STDIN: Final = "-"
"""The path that means standard input (and, for outputs, standard output)."""


class RuntimeOption(StrEnum):
    """Which Kata runtime a file is for; auto: runtime-rs when [runtime] hypervisor_name is set."""

    go = "go"
    rs = "rs"
    auto = "auto"


ARCH_HELP: Final = (
    "Target architecture: x86_64, aarch64, ppc64le, s390x or riscv64 (amd64 and arm64 are "
    "accepted). Default: this host's (under --root, the snapshot's)."
)

Arch = Annotated[str | None, typer.Option("--arch", help=ARCH_HELP, show_default=False)]
Runtime = Annotated[RuntimeOption, typer.Option(
    "--runtime", help="Runtime the file is for: go, rs, or auto (runtime-rs when [runtime] "
    "hypervisor_name is set).")]
Quiet = Annotated[bool, typer.Option(
    "--quiet", "-q", help="Print only problems: no notes on stderr, no passing lines.")]
Strict = Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")]
KataVersion = Annotated[str | None, typer.Option(
    "--kata-version", help="Kata release to check against, as X.Y (3.30): its keys, values "
    "and defaults. Default: the newest release kata-config knows.", show_default=False)]
Select = Annotated[list[str] | None, typer.Option(
    "--select", help="Report only these rules (repeatable or comma-separated; see "
    "kata-config explain RULE).", show_default=False)]
Ignore = Annotated[list[str] | None, typer.Option(
    "--ignore", help="Never report these rules (repeatable or comma-separated). One line: "
    "a '# kata-config: disable=RULE' comment.", show_default=False)]
RuntimeClass = Annotated[str | None, typer.Option(
    "--runtime-class", help="Use the file this RuntimeClass handler (kata-qemu) loads, found in "
    "containerd's or CRI-O's configuration as the runtime would.", show_default=False)]
Root = Annotated[str, typer.Option(
    "--root", help="Host root: / or a snapshot directory; the configuration is found (and a "
    "PATH read) below it.")]


def rule_ids(given: list[str] | None, known: Collection[str], option: str) -> frozenset[str]:
    """The rule ids of a ``--select``/``--ignore`` list (comma lists split).

    Raises:
        typer.Exit: (2) for an id that is not a rule, naming the closest one.
    """
    import difflib

    wanted = frozenset(part.strip() for item in given or () for part in item.split(",")
                       if part.strip())
    for rule in sorted(wanted - set(known)):
        close = difflib.get_close_matches(rule, list(known), n=1)
        hint = f"; did you mean {close[0]}?" if close else " (kata-config explain lists them)"
        raise fail(f"{option} {rule}: no such rule{hint}")
    return wanted


def runtime_value(option: RuntimeOption) -> str | None:
    """The runtime as the library takes it: None for auto."""
    return None if option is RuntimeOption.auto else option.value


def resolve_release(given: str | None) -> str:
    """The ``--kata-version`` as a known ``X.Y`` release (the newest when not given).

    Raises:
        typer.Exit: (2) for a release kata-config has no history for.
    """
    from kata_config import UnknownReleaseError, kata_release

    try:
        return kata_release(given or "newest")
    except UnknownReleaseError as err:
        raise fail(f"--kata-version: {err}") from None


def fail(message: str, code: int = 2) -> typer.Exit:
    """Write ``kata-config: message`` to stderr and return the Exit to raise (2: usage)."""
    sys.stderr.write(f"{PREFIX}: {printable(message)}\n")
    return typer.Exit(code)


def note(message: str, quiet: bool = False) -> None:
    """A report for people (what was read or written) on stderr, unless ``--quiet``."""
    if not quiet:
        sys.stderr.write(f"{PREFIX}: {printable(message)}\n")


def resolve_arch(arch: str | None) -> str:
    """``--arch`` in its canonical spelling, or this host's arch when it was not given.

    Raises:
        typer.Exit: (2) for an arch kata-config does not know.
    """
    from kata_config import UnknownArchError, canonical_arch

    try:
        return canonical_arch(arch)
    except UnknownArchError as exc:
        raise fail(f"{exc} (pass --arch)") from None
