"""Launch plans: what the runtime will start for an ``Effective`` configuration.

``build_plan(eff)`` dispatches on the active hypervisor and flavour; every argument of the
result names the keys (or the rule) it came from. Paths that do not exist on the plan's host
are kept as written and reported in ``Plan.warnings``: the runtime would refuse to load them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Final

from kata_config import Effective
from kata_runtime.plan import clh, fc_dragonball, qemu_go, qemu_rs
from kata_runtime.plan.context import Context
from kata_runtime.plan.model import Arg, Helper, Plan

__all__ = ["Arg", "Context", "Helper", "Plan", "UnsupportedHypervisor", "build_plan"]


class UnsupportedHypervisor(ValueError):
    """The active hypervisor has no launch plan (remote, stratovirt, openvmm, ...)."""


_Builder = Callable[[Effective, Context], Plan]


def _qemu(eff: Effective, ctx: Context) -> Plan:
    return (qemu_rs.build if eff.flavour == "rs" else qemu_go.build)(eff, ctx)


BUILDERS: Final[dict[str, _Builder]] = {
    "qemu": _qemu,
    "clh": clh.build,
    "firecracker": fc_dragonball.firecracker,
    "dragonball": fc_dragonball.dragonball,
}

_FILES: Final = ("kernel", "image", "initrd", "firmware")
_WHEN: Final = {
    # Loaders only check that it is set; the sandbox fails when the daemon is started.
    "virtio_fs_daemon": "fail to start the sandbox (it starts virtiofsd before the VM)",
}


def _missing(eff: Effective, plan: Plan, ctx: Context) -> list[str]:
    h = eff.hypervisor
    out: list[str] = []
    checks = [("path", plan.binary if plan.hypervisor != "firecracker" else h.path)]
    checks += [(key, getattr(h, key)) for key in _FILES]
    checks += [("virtio_fs_daemon", helper.argv[0]) for helper in plan.helpers]
    if plan.hypervisor == "firecracker" and h.jailer_path:
        checks.append(("jailer_path", h.jailer_path))
    for key, path in checks:
        if path and not ctx.exists(path):
            where = "" if ctx.root in ("", "/") else f" under {ctx.root}"
            out.append(f"{key} = {path!r} does not exist here{where}: the runtime would "
                       + _WHEN.get(key, "refuse to load this configuration"))
    if h.image and h.initrd:
        # a Go file without a hypervisor table loads with both (its built-in settings); the
        # VM is then refused when the sandbox is created (validate: image-and-initrd)
        out.append(f"image = {h.image!r} and initrd = {h.initrd!r} are both set: the runtime "
                   "boots from only one and refuses to create the VM (validate: image-and-initrd)")
    return out


def build_plan(eff: Effective, ctx: Context | None = None) -> Plan:
    """The launch plan of ``eff`` (after annotations, if any were applied to it).

    Raises:
        UnsupportedHypervisor: for a hypervisor kata-config has no plan for.
    """
    ctx = ctx or Context()
    builder = BUILDERS.get(eff.hypervisor_name)
    if builder is None:
        known = ", ".join(sorted(BUILDERS))
        raise UnsupportedHypervisor(
            f"no launch plan for hypervisor {eff.hypervisor_name!r} (plans exist for {known})")
    plan = builder(eff, ctx)
    warnings = _missing(eff, plan, ctx) + list(plan.warnings)
    return dataclasses.replace(plan, warnings=tuple(warnings))
