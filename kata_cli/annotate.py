"""``kata-config annotate``: which pod annotations the runtime accepts, and what they change."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

import kata_config
from kata_cli import options


class Format(StrEnum):
    """Output formats; the values are the keys of ``render.annotate.RENDERERS``."""

    text = "text"
    json = "json"


class Behaviour(StrEnum):
    """Whose annotation rules to follow; auto: the configuration's runtime."""

    go = "go"
    rs = "rs"
    auto = "auto"


def annotate(
    config: Annotated[str | None, typer.Argument(
        help="Configuration file (host path under --root). Default: the file the runtime "
        "would load.", show_default=False)] = None,
    *,
    annotation: Annotated[list[str] | None, typer.Option(
        "--annotation", "-a", help="KEY=VALUE, or @FILE with a pod's annotations as a JSON "
        "object or key=value lines. Repeat for more.", show_default=False)] = None,
    runtime_class: Annotated[str | None, typer.Option(
        "--runtime-class", help="Kubernetes runtime class (containerd/CRI-O handler) whose "
        "configuration to load.", show_default=False)] = None,
    behaviour: Annotated[Behaviour, typer.Option(
        "--behaviour", help="Rules to follow: go (a disallowed annotation refuses the pod), "
        "rs (it is ignored with a warning), auto (the configuration's runtime).")
    ] = Behaviour.auto,
    kata_version: Annotated[str | None, typer.Option(
        "--kata-version", help="Kata release whose rules to follow, 3.30.0 to 4.1.0. "
        "Default: 4.1.0.", show_default=False)] = None,
    root: Annotated[str, typer.Option("--root", help="Host root to read.")] = "/",
    arch: options.Arch = None,
    runtime: options.Runtime = options.RuntimeOption.auto,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
) -> None:
    """Apply pod annotations to a configuration as the Kata runtime would.

    Exit 0 when the pod would start with them, 1 when an annotation is rejected under the Go
    runtime's rules or the runtime would refuse the pod, 2 on a usage error.
    """
    from kata_cli.render.annotate import RENDERERS  # noqa: PLC0415 (lazy: tests/test_imports.py)
    from kata_runtime.annotations import (  # noqa: PLC0415 (the command table: this command's body)
        PodAnnotationError,
        apply_annotations,
        read_annotation_args,
    )

    if not annotation:
        raise options.fail("give at least one --annotation KEY=VALUE (or @FILE)")
    try:
        pod = read_annotation_args(annotation)
        eff = kata_config.load(config, runtime=options.runtime_value(runtime) or "auto",  # type: ignore[arg-type]
                   arch=arch, root=root, runtime_class=runtime_class)
        chosen = None if behaviour is Behaviour.auto else behaviour.value
        result = apply_annotations(eff, pod, behaviour=chosen,  # type: ignore[arg-type]
                                   kata_version=kata_version)
    except (PodAnnotationError, kata_config.LoadError, ValueError) as exc:
        raise options.fail(str(exc)) from None
    shown = eff.files[0] if eff.files else (config or "")
    RENDERERS[fmt.value](result, shown, sys.stdout)
    strict = result.behaviour == "go" and any(d.status == "rejected" for d in result.decisions)
    raise typer.Exit(1 if strict or result.refused else 0)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("annotate")(annotate)
