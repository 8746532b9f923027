"""``kata-config validate`` and ``kata-config schema``."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class Format(StrEnum):
    """Output formats; the values are the keys of ``render.findings.RENDERERS``."""

    text = "text"
    json = "json"
    sarif = "sarif"


class RuntimeOption(StrEnum):
    """Which runtime the file is checked for."""

    go = "go"
    rs = "rs"
    auto = "auto"


_UNREADABLE = frozenset({"file-unreadable", "file-too-large", "file-not-text"})


def _fail(message: str) -> typer.Exit:
    sys.stderr.write(f"kata-config: {message}\n")
    return typer.Exit(2)


class _Sources:
    """Reads each input file once per run to show the offending line under a finding."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str]] = {}

    def __call__(self, path: str, line: int) -> str | None:
        if path not in self._lines:
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    self._lines[path] = handle.read(4 << 20).splitlines()
            except OSError:
                self._lines[path] = []
        lines = self._lines[path]
        return lines[line - 1] if 0 < line <= len(lines) else None


def validate(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Configuration files, or directories holding configuration.toml and config.d/. "
        "Default: the file Kata itself would load.", show_default=False)] = None,
    runtime: Annotated[RuntimeOption, typer.Option(
        help="Runtime to check for; auto: runtime-rs when [runtime] hypervisor_name is set.")
    ] = RuntimeOption.auto,
    arch: Annotated[str | None, typer.Option(
        help="Target architecture (x86_64, aarch64, ppc64le, s390x, riscv64). Default: this "
        "host's.", show_default=False)] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
    strict: Annotated[bool, typer.Option(help="Exit 1 on warnings too.")] = False,
) -> None:
    """Check configuration files statically: keys, types, values and cross-key rules.

    Exit 0 when there is no error (warnings allowed unless --strict), 1 on errors, 2 on a
    usage error or unreadable input. Never looks at the host.
    """
    from kata_cli.render import wants_colour
    from kata_cli.render.findings import RENDERERS
    from kata_config.arch import UnknownArchError, host_arch, normalize
    from kata_config.pipeline import find_config, validate_files

    try:
        target_arch = normalize(arch) if arch else host_arch()
    except UnknownArchError as exc:
        raise _fail(f"{exc} (pass --arch)") from None
    if not paths:
        found = find_config(runtime.value)
        if found is None:
            raise _fail("no configuration found (KATA_CONF_FILE, /etc/kata-containers, "
                        "/usr/share/defaults/kata-containers, /opt/kata): pass a PATH")
        sys.stderr.write(f"kata-config: validating {found}, the file Kata would load\n")
        paths = [found]
    for path in paths:
        if not os.path.lexists(path):
            raise _fail(f"{path}: no such file or directory")
    report = validate_files(paths, runtime.value, target_arch)
    RENDERERS[fmt.value](report, sys.stdout, _Sources(), wants_colour())
    unreadable = any(f.rule_id in _UNREADABLE for f in report.findings)
    raise typer.Exit(2 if unreadable else report.exit_code(strict))


def schema() -> None:
    """Print the JSON Schema of configuration.toml (for editors, taplo and check-jsonschema)."""
    from kata_config.schema import schema_text

    sys.stdout.write(schema_text())


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("validate")(validate)
    app.command("schema")(schema)
