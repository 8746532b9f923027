"""The ``cpu.virtualization`` verdict: can this CPU, as the kernel sees it, host KVM guests?

Each CPU family has its own evidence: x86 ``vmx``/``svm`` (or PVM, which needs neither), aarch64
only KVM itself (EL2 is invisible in cpuinfo), ppc64le the POWER generation and PowerNV vs
pSeries, s390x the ``sie`` facility and LPAR vs guest. KVM that is demonstrably up (the
module present and ``/dev/kvm`` there) outweighs a missing flag, because the flag is only
ever a proxy for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from kata_config.arch import ArchSpec, Family
from kata_config.probes.base import CheckResult, Probe, ProbeContext, Status
from kata_config.probes.cpuinfo import CPUINFO, CpuInfo, power_generation, why_unread
from kata_config.probes.facts import Facts

ID: Final = "cpu.virtualization"
PVM_NOTE: Final = "KVM via PVM (kvm_pvm), no hardware virtualization flags"
def _x86(spec: ArchSpec, f: Facts, info: CpuInfo) -> CheckResult:
    found = sorted(f.flags & spec.virt_flags)
    name = f.vendor.virt_name if f.vendor else "hardware virtualization"
    if found:
        nested = "; VM guest with nested virtualization" if f.guest else ""
        return CheckResult(ID, Status.PASS, f"{name} ({found[0]}) available{nested}",
                           f"{CPUINFO}: flags has {found[0]}")
    if f.pvm:
        status = Status.PASS if f.kvm_device else Status.WARN
        tail = "" if f.kvm_device else "; but /dev/kvm is missing"
        return CheckResult(ID, status, PVM_NOTE + tail,
                           f"{CPUINFO}: no vmx/svm; /sys/module/kvm_pvm exists")
    flag = f.vendor.virt_flag if f.vendor else "vmx/svm"
    if f.guest:
        return CheckResult(
            ID, Status.FAIL, f"VM guest without nested virtualization: no {flag} flag",
            f"{CPUINFO}: flags lack {flag}; {f.guest_evidence}",
            "enable nested virtualization on the host hypervisor and give this VM a CPU "
            f"model that passes {flag} through (e.g. host-passthrough), or use bare metal",
        )
    return CheckResult(
        ID, Status.FAIL, f"no {flag} flag: the CPU lacks {name} or firmware disabled it",
        f"{CPUINFO}: flags lack {flag}; no hypervisor flag",
        f"enable {name} (VT-x/AMD-V/SVM) in the BIOS/UEFI setup, then power-cycle",
    )


def _arm(spec: ArchSpec, f: Facts, info: CpuInfo) -> CheckResult:
    if f.kvm_device:
        return CheckResult(ID, Status.PASS, "KVM is up, so the kernel runs in EL2 (Hyp mode)",
                           "/dev/kvm present")
    if f.kvm_module:
        return CheckResult(
            ID, Status.FAIL, "KVM is in the kernel but /dev/kvm is missing: the kernel did "
            "not boot in EL2", "/sys/module/kvm present; /dev/kvm absent",
            "boot the kernel at EL2 (firmware setting); in a VM, use an instance type with "
            "nested virtualization",
        )
    return CheckResult(ID, Status.WARN, "EL2 (Hyp mode) cannot be seen in cpuinfo and no KVM "
                       "evidence was found", "/dev/kvm absent; kvm module not found")


def _power(spec: ArchSpec, f: Facts, info: CpuInfo) -> CheckResult:
    cpu = info.get("cpu")
    gen = power_generation(cpu)
    platform = info.platform.get("platform", "")
    evidence = f"{CPUINFO}: cpu = {cpu or '(absent)'}; platform = {platform or '(absent)'}"
    if gen is None:
        return CheckResult(ID, Status.WARN, f"cannot tell the POWER generation from {cpu!r}",
                           evidence)
    if gen < spec.min_generation:
        return CheckResult(ID, Status.FAIL, f"POWER{gen}: Kata needs POWER"
                           f"{spec.min_generation} or newer", evidence, "use a newer system")
    if f.kvm_device and f.kvm_module:
        return CheckResult(ID, Status.PASS, f"POWER{gen} with KVM up", evidence)
    if platform.lower() == "powernv":
        return CheckResult(ID, Status.PASS, f"POWER{gen} bare metal (PowerNV): hypervisor "
                           "mode available", evidence)
    if platform.lower() == "pseries":
        if gen >= 9:
            return CheckResult(ID, Status.WARN, f"POWER{gen} pSeries guest or LPAR: KVM-HV "
                               "works only if the host offers nested virtualization", evidence,
                               "run on PowerNV bare metal, or enable nested KVM-HV on the host")
        return CheckResult(ID, Status.FAIL, f"POWER{gen} pSeries guest or LPAR: no hypervisor "
                           "mode (nested KVM-HV needs POWER9+)", evidence,
                           "run on PowerNV bare metal")
    return CheckResult(ID, Status.WARN, f"POWER{gen}: cpuinfo has no platform line, so "
                       "PowerNV host vs pSeries guest cannot be told", evidence)


def _z(spec: ArchSpec, f: Facts, info: CpuInfo) -> CheckResult:
    features = f"{CPUINFO}: features {'has' if 'sie' in f.flags else 'lacks'} sie"
    where = f"VM guest ({f.guest_evidence})" if f.guest else "LPAR"
    if "sie" in f.flags:
        nested = "; the hypervisor offers nested SIE" if f.guest else ""
        return CheckResult(ID, Status.PASS, f"SIE facility available in {where}{nested}",
                           features)
    if f.kvm_device and f.kvm_module:
        return CheckResult(ID, Status.PASS, "sie not listed, but KVM is up", features)
    if f.guest:
        return CheckResult(ID, Status.FAIL, f"no SIE facility in this {where}", features,
                           "run in an LPAR, or enable nested virtualization on the KVM host "
                           "(kvm.nested=1)")
    if "facilities" in info.fields:
        return CheckResult(ID, Status.FAIL, "no SIE facility in this LPAR", features,
                           "check the LPAR activation profile")
    return CheckResult(ID, Status.WARN, "sie not listed; this older kernel may not list it "
                       "in an LPAR", features)


_VERDICTS: Final = {Family.X86: _x86, Family.ARM: _arm, Family.POWER: _power, Family.Z: _z}


def probe_virtualization(ctx: ProbeContext) -> Iterator[CheckResult]:
    """``cpu.virtualization``: the arch's VT-x / SVM / Hyp / POWER / SIE verdict."""
    if ctx.hypervisor == "remote":
        yield CheckResult(ID, Status.SKIP, "the remote hypervisor runs VMs elsewhere")
        return
    facts = ctx.facts
    if facts.info is None:
        yield CheckResult(ID, Status.FAIL, f"cannot read {CPUINFO}", why_unread(ctx.host))
        return
    yield _VERDICTS[ctx.spec.family](ctx.spec, facts, facts.info)


def _smt_on(ctx: ProbeContext) -> tuple[bool | None, str]:
    control = ctx.host.read_value("sys/devices/system/cpu/smt/control")
    if control:
        return control == "on", f"/sys/devices/system/cpu/smt/control = {control}"
    rel = "sys/devices/system/cpu/cpu0/topology/thread_siblings_list"
    siblings = ctx.host.read_value(rel)
    if siblings:
        return siblings != "0", f"/{rel} = {siblings}"
    return None, "neither smt/control nor cpu0 thread_siblings_list is readable"


def probe_smt(ctx: ProbeContext) -> Iterator[CheckResult]:
    """``cpu.smt``: POWER8-class hosts must run KVM-HV with SMT off; newer ones need nothing."""
    spec = ctx.spec
    info = ctx.facts.info if spec.smt_off_up_to else None
    gen = power_generation(info.get("cpu")) if info is not None else None
    if info is None or gen is None or not spec.min_generation <= gen <= spec.smt_off_up_to:
        return
    if info.platform.get("platform", "").lower() == "pseries":
        return  # a guest cannot host KVM-HV on this generation at all: cpu.virtualization says so
    on, evidence = _smt_on(ctx)
    if on is None:
        yield CheckResult("cpu.smt", Status.SKIP, f"POWER{gen} needs SMT off; cannot tell",
                          evidence)
    elif on:
        yield CheckResult("cpu.smt", Status.FAIL, f"POWER{gen}: KVM-HV needs SMT off on the "
                          "host", evidence, "ppc64_cpu --smt=off")
    else:
        yield CheckResult("cpu.smt", Status.PASS, f"POWER{gen}: SMT is off", evidence)


CHECK_IDS: Final = (ID, "cpu.smt")
PROBES: Final[tuple[Probe, ...]] = (probe_virtualization, probe_smt)
