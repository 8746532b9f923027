"""The configuration a command works on when the user names a runtime class or a host root.

Shared by ``validate`` and ``diff``: both pick the file as the runtime would (``discover``)
and then read it. Under ``--root`` the path handed on is a host path, which the library
reads through that host root (``root=``), so no symlink leads out of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import kata_config
from kata_cli import usage

if TYPE_CHECKING:
    from kata_config import Discovery

RuntimeChoice = Literal["go", "rs", "auto"]


def runtime_choice(value: str) -> RuntimeChoice:
    """``--runtime``'s value as the library's literal type."""
    return "go" if value == "go" else "rs" if value == "rs" else "auto"


def pick(command: str, runtime: str, root: str, runtime_class: str | None, *,
         quiet: bool = False) -> tuple[Path, RuntimeChoice]:
    """The file the runtime would load (a host path under ``root``), and the runtime to read
    it for: the handler's when a runtime class decided it (its shim loads the file, whatever
    the file says), else the one asked for. Says which file on stderr unless ``quiet``.

    Raises:
        UsageExit: (2) when the runtime would find no usable file; the message says why.
    """
    asked = runtime_choice(runtime)
    # through the lazy public name: discovery (~5 ms of imports) loads only when it is used
    found = kata_config.discover(runtime=asked, root=root, runtime_class=runtime_class)
    if found.path is None:
        raise usage.fail(f"{command}: {found.error or 'no configuration found'}")
    usage.note(f"{command} {describe(found)}", quiet)
    chosen = found.flavour if asked == "auto" and found.handler is not None else asked
    return Path(found.path), chosen


def exclusive(command: str, given: object, runtime_class: str | None) -> None:
    """Exit 2 when both a PATH and ``--runtime-class`` name the file."""
    if given and runtime_class is not None:
        raise usage.fail(f"{command}: give either a PATH or --runtime-class, not both")


def describe(found: Discovery) -> str:
    """One line: the file, where it came from, and the runtime that loads it."""
    source = next((c.source for c in found.candidates if c.used and c.source != "config.d"), "")
    via = f" -> {found.resolved}" if found.resolved != found.path else ""
    runtime = "runtime-rs" if found.flavour == "rs" else "the Go runtime"
    return f"{found.path}{via} ({source}), loaded by {runtime}"
