"""Kernel modules and their parameters, told apart as loaded, built in, loadable or absent.

Sources, all below the host root so a snapshot works: ``/sys/module/<m>`` (present for a
loaded module and for a built-in one that has parameters; only a loaded module has
``initstate``), ``lib/modules/<release>/modules.builtin`` and ``modules.dep``; the release
comes from ``proc/sys/kernel/osrelease``. Nothing here loads a module (``--load-modules`` is
a separate probe) and an unreadable parameter file is one WARN line, never an abort.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Final

from kata_config.arch import ARCHES, ModuleSpec, Need
from kata_config.probes.base import CheckResult, Probe, ProbeContext, Status

_SUFFIXES: Final = (".ko", ".ko.xz", ".ko.zst", ".ko.gz")


class ModState(StrEnum):
    """Where a module stands on the host."""

    LOADED = "loaded"
    BUILTIN = "built in"
    LOADABLE = "loadable, not loaded"
    ABSENT = "not available"
    UNKNOWN = "not loaded; cannot tell whether it can be loaded"


def kernel_release(ctx: ProbeContext) -> str | None:
    """The running kernel's release, read from procfs (so a snapshot has it too)."""
    return ctx.host.read_value("proc/sys/kernel/osrelease") or None


def _module_names(text: str | None, dep: bool) -> frozenset[str] | None:
    if text is None:
        return None
    names = set()
    for line in text.splitlines():
        path = line.partition(":")[0].strip() if dep else line.strip()
        base = path.rsplit("/", 1)[-1]
        for suffix in _SUFFIXES:
            if base.endswith(suffix):
                # The file may be kvm-intel.ko while the module is kvm_intel.
                names.add(base[: -len(suffix)].replace("-", "_"))
                break
    return frozenset(names)


def module_state(ctx: ProbeContext, name: str) -> tuple[ModState, str]:
    """Where module ``name`` stands, with the evidence read."""
    host = ctx.host
    if host.is_dir(f"sys/module/{name}"):
        if host.exists(f"sys/module/{name}/initstate"):
            return ModState.LOADED, f"/sys/module/{name}/initstate exists"
        return ModState.BUILTIN, f"/sys/module/{name} exists without initstate"
    release = kernel_release(ctx)
    if release is None:
        return ModState.UNKNOWN, f"/sys/module/{name} absent; kernel release unreadable"
    base = f"lib/modules/{release}"
    builtin = _module_names(host.read_text(f"{base}/modules.builtin"), dep=False)
    if builtin is not None and name in builtin:
        return ModState.BUILTIN, f"/{base}/modules.builtin lists {name}"
    loadable = _module_names(host.read_text(f"{base}/modules.dep"), dep=True)
    if loadable is None:
        return ModState.UNKNOWN, f"/sys/module/{name} absent; no /{base}/modules.dep"
    if name in loadable:
        return ModState.LOADABLE, f"/sys/module/{name} absent; /{base}/modules.dep lists it"
    return ModState.ABSENT, f"not in /sys/module, modules.builtin or modules.dep of {release}"


def is_present(ctx: ProbeContext, name: str) -> bool:
    """True when the module is loaded or built in."""
    return module_state(ctx, name)[0] in (ModState.LOADED, ModState.BUILTIN)


def active_hypervisor(ctx: ProbeContext) -> str | None:
    """The configured hypervisor name, or None when no config is known."""
    return ctx.config.active_hypervisor if ctx.config is not None else None


def _needed(ctx: ProbeContext, spec: ModuleSpec) -> str | None:
    """Why the module matters here, or None when the configured hypervisor does without it."""
    hv = active_hypervisor(ctx)
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
    state, evidence = module_state(ctx, spec.name)
    if spec.device and ctx.host.is_device(spec.device):
        evidence += f"; /{spec.device} present"
        if state not in (ModState.LOADED, ModState.BUILTIN):
            return CheckResult(cid, Status.PASS, f"{spec.name}: /{spec.device} is present "
                               "(the module loads on first open)", evidence)
    if state in (ModState.LOADED, ModState.BUILTIN):
        return CheckResult(cid, Status.PASS, f"{spec.name} {state} ({spec.purpose})", evidence)
    if why is None:
        hv = active_hypervisor(ctx)
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
    from kata_config.probes import virt

    spec = ARCHES[ctx.arch]
    if active_hypervisor(ctx) == "remote":
        yield CheckResult("module.kvm", Status.SKIP,
                          "the remote hypervisor runs VMs elsewhere; no local modules needed")
        return
    facts = virt.host_facts(ctx)
    for mod in spec.kernel_modules.values():
        if mod.need is Need.VENDOR:
            if facts.vendor is None or facts.vendor.kvm_module != mod.name:
                continue
            if facts.pvm and facts.vendor.virt_flag not in facts.flags:
                yield CheckResult(f"module.{mod.name}", Status.SKIP,
                                  f"{mod.name} not needed: KVM is provided by kvm_pvm",
                                  "/sys/module/kvm_pvm exists")
                continue
        yield _check_module(ctx, mod, facts.kvm_device)
        if mod.params and is_present(ctx, mod.name):
            yield from _check_params(ctx, mod, facts.guest)


CHECK_IDS: Final = tuple(dict.fromkeys(
    f"module.{name}{'.' + param if param else ''}"
    for spec in ARCHES.values() for name, mod in spec.kernel_modules.items()
    for param in ("", *mod.params)
))
PROBES: Final[tuple[Probe, ...]] = (probe_modules,)
