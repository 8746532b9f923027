"""Turn a QEMU launch plan into a safe trial: paused, private, and honest about changes.

Every change to the plan's command line is named: what was left out on request
(``--without``), and what was swapped (QMP fd, TCG instead of KVM, QEMU opening vsock itself,
virtiofsd's options in the dialect of the daemon found here).
"""

from __future__ import annotations

import dataclasses
import os
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from kata_runtime.plan import Arg, Context, Helper, Plan
from kata_runtime.trial import virtiofsd
from kata_runtime.trial.workspace import HelperStart, Workspace

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
    helpers: tuple[HelperStart, ...] = ()


def trial_context(directory: str, qmp_fd: int) -> Context:
    """A plan context whose sockets, pid file and shared directory are in the trial's own."""
    # A random CID as the runtime picks one, so two trials do not collide on vhost-vsock.
    return Context(state_dir=directory, qmp_fd=qmp_fd, vsock_fd=None,
                   shared_dir=os.path.join(directory, "shared"),
                   vsock_cid=random.randint(3, 0xFFFF_FFF0))


def _helper(helper: Helper, dialects: Mapping[str, virtiofsd.Dialect],
            swapped: list[str]) -> HelperStart:
    argv = helper.argv
    if helper.name == "virtiofsd":
        argv, swaps = virtiofsd.for_trial(argv, dialects.get(argv[0], "unknown"))
        swapped += swaps
    fd = helper.socket_fd
    # a helper handed a listener is ready at once; one that creates its socket is waited for
    return HelperStart(helper.name, argv, fds=() if fd is None else (fd,),
                       ready=helper.socket if fd is None else "")


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


def adapt(plan: Plan, *, accel: str = "kvm", without: tuple[str, ...] = (),
          dialects: Mapping[str, virtiofsd.Dialect] | None = None) -> Trial:
    """The plan's command line for a paused trial start (plan built with ``trial_context``)."""
    left: list[str] = []
    swapped = ["vhostfd dropped: QEMU opens /dev/vhost-vsock itself (no runtime to pass it)",
               "-qmp, sockets and the shared directory moved to a private temporary directory"]
    helpers: list[HelperStart] = []
    for helper in plan.helpers:
        if helper.name == "virtiofsd" and "virtio-fs" in without:
            left.append(f"{helper.name} (not started)")
            continue
        helpers.append(_helper(helper, dialects or {}, swapped))
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
    return Trial(tuple(args), tuple(left), tuple(swapped), tuple(helpers))


def _make_dirs(plan: Plan, directory: str) -> None:
    """Create the directories the runtime would have made for the plan's sockets."""
    values = [a.value or "" for a in plan.args] + [h.socket for h in plan.helpers]
    for value in values:
        for part in value.split(","):
            path = part.removeprefix("path=")
            if path.startswith(directory + os.sep):
                os.makedirs(os.path.dirname(path), exist_ok=True)


def argv_builder(
    build: Callable[[Context], Plan], *, accel: str, without: tuple[str, ...],
    report: list[Trial], dialects: Mapping[str, virtiofsd.Dialect] | None = None,
) -> Callable[[Workspace], tuple[str, ...]]:
    """A runner ``build_argv`` callback: plan inside the private directory, then adapt.

    The trial's helpers are in ``report[-1].helpers`` once it has run.
    """

    def build_argv(workspace: Workspace) -> tuple[str, ...]:
        context = trial_context(workspace.directory, workspace.qmp_fd)
        plan = build(context)
        listening = [h for h in plan.helpers if h.socket_fd is not None]
        if listening and "virtio-fs" not in without:
            # As the runtime does: listen on virtiofsd's socket here and hand it the fd.
            fd = workspace.listen(listening[0].socket)
            plan = build(dataclasses.replace(context, fs_fd=fd))
        _make_dirs(plan, workspace.directory)
        os.makedirs(context.shared_dir, exist_ok=True)
        trial = adapt(plan, accel=accel, without=without, dialects=dialects)
        report.append(trial)
        return trial.argv

    return build_argv
