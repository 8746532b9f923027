"""``kata-config plan``: what the runtime will launch, and ``--try`` to start it paused."""

from __future__ import annotations

import importlib
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from kata_config import Effective


class PlanFormat(StrEnum):
    """Output formats; the values are the keys of ``render.plan.PLAN_RENDERERS``."""

    text = "text"
    json = "json"
    shell = "shell"


class Accel(StrEnum):
    """Accelerator for ``--try``."""

    kvm = "kvm"
    tcg = "tcg"


class Without(StrEnum):
    """Host devices ``--try`` may leave out; the keys of ``kata_runtime.trial.WITHOUT``."""

    vsock = "vsock"
    virtio_fs = "virtio-fs"
    rng = "rng"
    balloon = "balloon"
    nvdimm = "nvdimm"


def _fail(message: str) -> typer.Exit:
    sys.stderr.write(f"kata-config: {message}\n")
    return typer.Exit(2)


def _where(eff: Effective) -> object:
    def where(key: str) -> str:
        origin = eff.origin(key)
        if origin.kind in ("file", "drop-in"):
            return f"{origin.path}:{origin.line}"
        if origin.kind == "normalised":
            return f"normalised from {origin.previous!r}"
        if origin.kind == "annotation":
            return f"annotation {origin.annotation}"
        return f"{origin.flavour} default"
    return where


def plan(  # noqa: PLR0917 - typer passes one parameter per option
    config: Annotated[Path | None, typer.Argument(
        help="Configuration file (default: the one Kata would load).", show_default=False)] = None,
    runtime_class: Annotated[str | None, typer.Option(
        help="Kubernetes runtime class whose configuration to plan.")] = None,
    arch: Annotated[str | None, typer.Option(help="Target architecture.")] = None,
    root: Annotated[Path, typer.Option(help="Host root for paths and host sizes.")] = Path("/"),
    annotation: Annotated[list[str] | None, typer.Option(
        help="Pod annotation KEY=VALUE applied before planning (repeatable).")] = None,
    fmt: Annotated[PlanFormat, typer.Option("--format", help="Output format.")] = PlanFormat.text,
    trial: Annotated[bool, typer.Option("--try", help="Start the hypervisor paused and ask it "
                                        "over QMP what it built; never runs the guest.")] = False,
    without: Annotated[list[Without] | None, typer.Option(
        help="With --try: leave out a device this host cannot provide.")] = None,
    accel: Annotated[Accel, typer.Option(help="With --try: kvm, or tcg (emulation, "
                                         "swapping what TCG cannot run).")] = Accel.kvm,
    timeout: Annotated[float, typer.Option(help="With --try: deadline in seconds.")] = 10.0,
) -> None:
    """Show the hypervisor command line (or VM config) the runtime builds from a config.

    Exit 0 on success, 2 on unreadable input. With --try: 0 started, 1 refused, 2 not tried.
    """
    from kata_cli.render.plan import PLAN_RENDERERS, TRY_RENDERERS
    from kata_config import KataConfigError, load
    from kata_runtime.plan import Context, UnsupportedHypervisor, build_plan
    from kata_runtime.trial import try_plan

    if trial and str(root) != "/":
        raise _fail("--try starts the hypervisor on this host: it cannot use --root")
    try:
        eff = load(str(config) if config else None, arch=arch, root=str(root),
                   runtime_class=runtime_class)
        if annotation:
            eff = _annotate(eff, annotation)
        built = build_plan(eff, Context(root=str(root)))
    except (KataConfigError, UnsupportedHypervisor, ValueError) as exc:
        raise _fail(str(exc)) from None
    if not trial:
        PLAN_RENDERERS[fmt.value](built, sys.stdout, _where(eff))  # type: ignore[arg-type]
        raise typer.Exit(0)
    result = try_plan(lambda ctx: build_plan(eff, ctx), accel=accel.value,
                      without=tuple(w.value for w in without or ()), timeout=timeout)
    TRY_RENDERERS[fmt.value](result, sys.stdout)
    raise typer.Exit(result.exit_code)


def _annotate(eff: Effective, pairs: list[str]) -> Effective:
    # The annotations engineer's module (issue 7); looked up by name until it has landed.
    try:
        apply_annotations = importlib.import_module("kata_runtime.annotations").apply_annotations
    except (ImportError, AttributeError):
        raise _fail("--annotation needs kata_runtime.annotations, which this build lacks") from None
    parsed = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise _fail(f"--annotation {pair!r}: expected KEY=VALUE")
        parsed[key] = value
    result = apply_annotations(eff, parsed)
    return getattr(result, "effective", result)  # type: ignore[no-any-return]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("plan")(plan)
