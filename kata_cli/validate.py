"""``kata-config validate`` and ``kata-config schema``."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kata_cli import options, sources


class Format(StrEnum):
    """Output formats; the values are the keys of ``render.findings.RENDERERS``."""

    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


_UNREADABLE = frozenset({"file-unreadable", "file-too-large", "file-not-text",
                         "file-too-complex"})


def _with_main_files(paths: list[Path], quiet: bool) -> list[Path]:
    """Replace a ``config.d/`` drop-in by the configuration it belongs to, once.

    A drop-in alone is a fragment (no image, no kernel), so checking it by itself reports what
    its main file provides; pre-commit passes exactly the files that changed, drop-ins alone
    included. The main file is the one ``configuration*.toml`` beside ``config.d/``
    (``configuration.toml`` when there are several, as kata-deploy links it).
    """
    out: list[Path] = []
    for given in paths:
        path = given
        if given.parent.name == "config.d":
            mains = sorted(given.parent.parent.glob("configuration*.toml"))
            named = [m for m in mains if m.name == "configuration.toml"]
            main = named[0] if named else mains[0] if len(mains) == 1 else None
            if main is not None:
                options.note(f"{given} is a drop-in: validating {main} with its config.d/", quiet)
                path = main
        if path not in out:
            out.append(path)
    return out


def validate(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Configuration files, or directories holding configuration.toml and config.d/. "
        "Default: the file Kata itself would load.", show_default=False)] = None,
    *,
    runtime: options.Runtime = options.RuntimeOption.auto,
    arch: options.Arch = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
    strict: options.Strict = False,
    kata_version: options.KataVersion = None,
    select: options.Select = None,
    ignore: options.Ignore = None,
    quiet: options.Quiet = False,
    runtime_class: options.RuntimeClass = None,
    root: options.Root = "/",
) -> None:
    """Check configuration files statically: keys, types, values and cross-key rules.

    Exit 0 when there is no error (warnings allowed unless --strict), 1 on errors, 2 on a
    usage error or unreadable input. Looks at the host only to find the file.
    """
    from kata_cli.discovered import exclusive, pick, runtime_choice
    from kata_cli.render import wants_colour
    from kata_cli.render.findings import RENDERERS
    from kata_config import ConfigNotFound, rule_docs, select_findings
    from kata_config import validate as validate_paths

    known = rule_docs()
    chosen = options.rule_ids(select, known, "--select")
    ignored = options.rule_ids(ignore, known, "--ignore")
    target_arch = options.resolve_arch(arch)
    release = options.resolve_release(kata_version)
    flavour = runtime_choice(runtime.value)
    exclusive("validate", paths, runtime_class)
    if not paths:
        found, flavour = pick("validate", runtime.value, root, runtime_class, quiet=quiet)
        paths = [found]
    elif root == "/":  # under --root the paths are the host's, read through it
        sources.require(paths)
        paths = _with_main_files(paths, quiet)
    try:
        report = validate_paths(paths, runtime=flavour, arch=target_arch, kata_version=release,
                                root=root)
    except ConfigNotFound as exc:
        raise options.fail(f"{exc}: pass a PATH") from None
    report = select_findings(report, chosen, ignored)
    RENDERERS[fmt.value](report, sys.stdout, sources.Sources(root), wants_colour())
    unreadable = any(f.rule_id in _UNREADABLE for f in report.findings)
    raise typer.Exit(2 if unreadable else report.exit_code(strict))


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
    from kata_config import AtomicWriteError, atomic_write, schema_text

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
    """Add this module's commands to the app."""
    app.command("validate")(validate)
    app.command("schema")(schema)
