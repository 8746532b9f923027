"""``kata-config plan``: what the runtime will launch, and ``--try`` to start it paused."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import kata_config
from kata_cli import options

if TYPE_CHECKING:
    from kata_config import Effective
    from kata_runtime.annotations import AnnotationResult


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


def _where(eff: Effective) -> Callable[[str], str]:
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
    arch: options.Arch = None,
    runtime: options.Runtime = options.RuntimeOption.auto,
    root: Annotated[Path, typer.Option(help="Host root for paths and host sizes.")] = Path("/"),
    annotation: Annotated[list[str] | None, typer.Option(
        "--annotation", "-a", help="Pod annotation KEY=VALUE (or @FILE with a pod's "
        "annotations) applied before planning, as the runtime would. Repeatable.")] = None,
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

    Exit 0 on success, 1 when the runtime would refuse the pod's annotations, 2 on unreadable
    input. With --try: 0 started, 1 refused by the hypervisor, 2 not tried.
    """
    from kata_cli.render.plan import PLAN_RENDERERS, TRY_RENDERERS  # noqa: PLC0415
    from kata_runtime.plan import Context, UnsupportedHypervisor, build_plan  # noqa: PLC0415

    if trial and str(root) != "/":
        raise options.fail("--try starts the hypervisor on this host: it cannot use --root")
    if timeout <= 0:
        raise options.fail(f"--timeout {timeout:g}: give a positive number of seconds")
    try:
        eff = kata_config.load(str(config) if config else None, arch=arch, root=str(root),
                   runtime=options.runtime_value(runtime) or "auto",  # type: ignore[arg-type]
                   runtime_class=runtime_class)
        notes: tuple[str, ...] = ()
        if annotation:  # the annotation engine loads only for a pod's annotations
            from kata_runtime.annotations import apply_annotations, read_annotation_args  # noqa: PLC0415

            eff, notes = _annotated(apply_annotations(eff, read_annotation_args(annotation)))
        built = build_plan(eff, Context(root=str(root)))
    except (kata_config.KataConfigError, UnsupportedHypervisor, ValueError) as exc:
        # a PodAnnotationError is a ValueError
        raise options.fail(str(exc)) from None
    if not trial:
        built = built.with_warnings(notes)
        PLAN_RENDERERS[fmt.value](built, sys.stdout, _where(eff))
        raise typer.Exit(0)
    from kata_runtime.trial import try_plan  # lazy: only --try needs the runner  # noqa: PLC0415
    from kata_runtime.trial.runner import Interrupted  # noqa: PLC0415 (lazy: tests/test_imports.py)

    try:
        result = try_plan(lambda ctx: build_plan(eff, ctx), accel=accel.value,
                          without=tuple(w.value for w in without or ()), timeout=timeout)
    except (KeyboardInterrupt, Interrupted) as exc:
        code = 130 if isinstance(exc, KeyboardInterrupt) else 143
        raise options.fail("--try interrupted: the hypervisor and its helpers were stopped "
                           "and the trial's files removed", code=code) from None
    TRY_RENDERERS[fmt.value](result, sys.stdout)
    raise typer.Exit(result.exit_code)


def _annotated(result: AnnotationResult) -> tuple[Effective, tuple[str, ...]]:
    """The configuration after the pod's annotations, and a warning per one not applied.

    Raises:
        typer.Exit: (1) when the runtime would refuse the pod because of an annotation.
    """
    rejected = [d for d in result.decisions if d.status == "rejected"]
    if result.refused:
        reasons = "; ".join(f"{d.annotation}: {d.reason}" for d in rejected if d.fatal)
        raise options.fail(f"the {result.behaviour} runtime would refuse this pod, so it "
                           f"launches nothing: {reasons}", code=1)
    notes = tuple(f"annotation {d.annotation} not applied: {d.reason}" for d in rejected)
    return result.effective, notes + result.notes


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("plan")(plan)
