"""Kernel modules and their parameters, told apart as loaded, built in, loadable or absent.

Where a module stands is ``probes/modstate.py``. Nothing here loads a module
(``--load-modules`` is a separate step) and an unreadable parameter file is one WARN line,
never an abort.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from kata_config.arch import ARCHES, ModuleSpec, Need
from kata_config.probes.base import CheckResult, Probe, ProbeContext, Status
from kata_config.probes.modstate import ModState, is_present, module_state


def _needed(ctx: ProbeContext, spec: ModuleSpec) -> str | None:
    """Why the module matters here, or None when the configured hypervisor does without it."""
    hv = ctx.hypervisor
    if spec.need is not Need.HYPERVISOR:
        return "required for KVM"
    users = "/".join(sorted(spec.needed_by))
    if hv is None:
        return f"needed by {users} (no config read, so assumed)"
    if hv not in spec.needed_by:
        return None
    vhost = spec.name in ("vhost_net", "vhost") and ctx.config is not None
    if vhost and ctx.config is not None and ctx.config.hv_value("disable_vhost_net") is True:
        return None
    return f"needed by the configured hypervisor {hv}"


def _check_module(ctx: ProbeContext, spec: ModuleSpec, kvm_ok: bool) -> CheckResult:
    cid = f"module.{spec.name}"
    why = _needed(ctx, spec)
    state, evidence = module_state(ctx.host, spec.name)
    if spec.device and ctx.host.is_device(spec.device):
        evidence += f"; /{spec.device} present"
        if state not in (ModState.LOADED, ModState.BUILTIN):
            return CheckResult(cid, Status.PASS, f"{spec.name}: /{spec.device} is present "
                               "(the module loads on first open)", evidence)
    if state in (ModState.LOADED, ModState.BUILTIN):
        return CheckResult(cid, Status.PASS, f"{spec.name} {state} ({spec.purpose})", evidence)
    if why is None:
        hv = ctx.hypervisor
        return CheckResult(cid, Status.SKIP, f"{spec.name} {state}; not used by {hv}", evidence)
    fatal = spec.need is not Need.HYPERVISOR and not kvm_ok
    fatal = fatal or (spec.need is Need.HYPERVISOR and "configured" in why)
    load = f"modprobe {spec.name}   (or rerun as root with --load-modules)"
    if state is ModState.LOADABLE:
        status = Status.FAIL if fatal else Status.WARN
        return CheckResult(cid, status, f"{spec.name} {state}; {why}", evidence, load)
    status = Status.FAIL if fatal else Status.WARN
    remedy = load if state is ModState.UNKNOWN else (
        f"install a kernel (or modules package) with {spec.name} for this release"
    )
    return CheckResult(cid, status, f"{spec.name} {state}; {why}", evidence, remedy)


def _check_params(ctx: ProbeContext, spec: ModuleSpec, guest: bool) -> Iterator[CheckResult]:
    for param, rule in spec.params.items():
        cid = f"module.{spec.name}.{param}"
        rel = f"sys/module/{spec.name}/parameters/{param}"
        value = ctx.host.read_value(rel)
        if value is None:
            yield CheckResult(cid, Status.WARN, f"cannot read {spec.name} parameter {param}",
                              f"/{rel}: missing or unreadable")
        elif value in rule.accepted:
            yield CheckResult(cid, Status.PASS, f"{spec.name} {param}={value}: {rule.why}",
                              f"/{rel} = {value}")
        else:
            note = "; usual in a VM guest and Kata copes" if guest and rule.waived_in_guest else ""
            want = "/".join(sorted(rule.accepted))
            yield CheckResult(
                cid, Status.WARN,
                f"{spec.name} {param}={value}, expected {want}: without it {rule.why} "
                f"is lost{note}",
                f"/{rel} = {value}",
                f"modprobe -r {spec.name} && modprobe {spec.name} {param}=1 "
                f"(built in: add {spec.name}.{param}=1 to the kernel command line)",
            )


def probe_modules(ctx: ProbeContext) -> Iterator[CheckResult]:
    """``module.<name>`` per module of the arch table, then ``module.<name>.<param>``."""
    if ctx.hypervisor == "remote":
        yield CheckResult("module.kvm", Status.SKIP,
                          "the remote hypervisor runs VMs elsewhere; no local modules needed")
        return
    facts = ctx.facts
    for mod in ctx.spec.kernel_modules.values():
        if mod.need is Need.VENDOR:
            if facts.vendor is None or facts.vendor.kvm_module != mod.name:
                continue
            if facts.pvm and facts.vendor.virt_flag not in facts.flags:
                yield CheckResult(f"module.{mod.name}", Status.SKIP,
                                  f"{mod.name} not needed: KVM is provided by kvm_pvm",
                                  "/sys/module/kvm_pvm exists")
                continue
        yield _check_module(ctx, mod, facts.kvm_device)
        if mod.params and is_present(ctx.host, mod.name):
            yield from _check_params(ctx, mod, facts.guest)


CHECK_IDS: Final = tuple(dict.fromkeys(
    f"module.{name}{'.' + param if param else ''}"
    for spec in ARCHES.values() for name, mod in spec.kernel_modules.items()
    for param in ("", *mod.params)
))
PROBES: Final[tuple[Probe, ...]] = (probe_modules,)
