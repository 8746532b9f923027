"""Turn a QEMU launch plan into a safe trial: paused, private, and honest about changes.

Every change to the plan's command line is named: what was left out on request
(``--without``), and what was swapped (QMP fd, TCG instead of KVM, QEMU opening vsock itself).
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from kata_runtime.plan import Arg, Context, Plan
from kata_runtime.trial.runner import Workspace

WITHOUT: Final = {
    "vsock": ("vhost-vsock",),
    "virtio-fs": ("vhost-user-fs", "vhost-fs.sock", "virtiofsd-chardev"),
    "rng": ("rng-random", "virtio-rng"),
    "balloon": ("virtio-balloon",),
    "nvdimm": ("nvdimm", "id=mem0,", "id=TODO,"),
}
"""What ``--without NAME`` removes: arguments whose value contains one of the markers."""

_TCG_SWAPS: Final = (
    ("accel=kvm", "accel=tcg", "KVM is not used: TCG emulates the guest"),
    ("kernel_irqchip=split", "", "the in-kernel irqchip needs KVM"),
    ("kernel_irqchip=on", "", "the in-kernel irqchip needs KVM"),
    ("gic-version=host", "gic-version=max", "'host' GIC needs KVM"),
)


@dataclass(frozen=True, slots=True)
class Trial:
    """The adapted command line and what was changed to get it."""

    argv: tuple[str, ...]
    left_out: tuple[str, ...]
    swapped: tuple[str, ...]


def trial_context(directory: str, qmp_fd: int) -> Context:
    """A plan context whose sockets and pid file live in the trial's private directory."""
    # A random CID as the runtime picks one, so two trials do not collide on vhost-vsock.
    return Context(state_dir=directory, qmp_fd=qmp_fd, vsock_fd=None,
                   vsock_cid=random.randint(3, 0xFFFF_FFF0))


def _swap_value(arg: Arg, accel: str, swapped: list[str]) -> Arg:
    value = arg.value or ""
    if arg.option == "-cpu" and accel == "tcg" and value.split(",")[0] in ("host", "EPYC-v4"):
        model = value.split(",")[0]
        swapped.append(f"-cpu {model} -> max (the host CPU model needs KVM)")
        return dataclasses.replace(arg, value="max" + value[len(model):])
    if arg.option == "-machine" and accel == "tcg":
        for old, new, why in _TCG_SWAPS:
            if old in value.split(","):
                parts = [new if p == old else p for p in value.split(",")]
                value = ",".join(p for p in parts if p)
                swapped.append(f"-machine {old} -> {new or '(removed)'} ({why})")
        return dataclasses.replace(arg, value=value)
    return arg


def adapt(plan: Plan, *, accel: str = "kvm", without: tuple[str, ...] = ()) -> Trial:
    """The plan's command line for a paused trial start (plan built with ``trial_context``)."""
    left: list[str] = []
    swapped = ["vhostfd dropped: QEMU opens /dev/vhost-vsock itself (no runtime to pass it)",
               "-qmp and sockets moved to a private temporary directory"]
    args: list[str] = [plan.binary]
    for arg in plan.args:
        markers = [m for name in without for m in WITHOUT[name]]
        value = arg.value or ""
        if any(m in value for m in markers):
            left.append(" ".join(arg.argv()))
            continue
        if arg.option in ("-pidfile",):
            args += arg.argv()
            continue
        args += _swap_value(arg, accel, swapped).argv()
    args.append("-S")
    swapped.append("-S added: the guest never runs")
    return Trial(tuple(args), tuple(left), tuple(swapped))


def argv_builder(
    build: Callable[[Context], Plan], *, accel: str, without: tuple[str, ...],
    report: list[Trial],
) -> Callable[[Workspace], tuple[str, ...]]:
    """A runner ``build_argv`` callback: plan inside the private directory, then adapt."""

    def build_argv(workspace: Workspace) -> tuple[str, ...]:
        context = trial_context(workspace.directory, workspace.qmp_fd)
        trial = adapt(build(context), accel=accel, without=without)
        report.append(trial)
        return trial.argv

    return build_argv
