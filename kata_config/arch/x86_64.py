"""x86_64: Intel VT-x (vmx) or AMD-V (svm), 64-bit mode, SSE4.1 and the KVM/vhost modules."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from kata_config.arch import qemu
from kata_config.arch.base import (
    KVM,
    RS_VMMS,
    VHOST,
    VHOST_NET,
    VSOCK,
    ArchSpec,
    Family,
    ModuleSpec,
    Need,
    ParamSpec,
    Vendor,
    modules,
)

_INTEL = Vendor("Intel", "vmx", "kvm_intel", "Intel VT-x")
_AMD_V = ("svm", "kvm_amd", "AMD-V")

SPEC: Final = ArchSpec(
    name="x86_64",
    qemu=qemu.X86_64,
    machine_types=("q35", "microvm"),
    go_max_vcpus=240,
    go_numa=True,
    rs_vmms=RS_VMMS,
    family=Family.X86,
    pvm_module="kvm_pvm",
    kvm_checks=("kvm.vm-types",),
    tees=("tdx", "sev", "sev-es", "sev-snp"),
    cpu_flags=(frozenset({"lm"}), frozenset({"sse4_1"})),
    kernel_modules=modules(
        KVM,
        ModuleSpec(
            "kvm_intel", "KVM for Intel VT-x", Need.VENDOR,
            params=MappingProxyType({
                # Without it KVM must emulate real-mode guest code: slow, and some
                # firmware paths fail. Nested hypervisors often hide it, and Kata copes.
                "unrestricted_guest": ParamSpec(
                    frozenset({"Y", "1"}), "guest real mode runs natively", waived_in_guest=True
                ),
            }),
        ),
        ModuleSpec("kvm_amd", "KVM for AMD-V", Need.VENDOR),
        VHOST,
        VHOST_NET,
        VSOCK,
    ),
    virt_flags=frozenset({"vmx", "svm"}),
    vendors=MappingProxyType({
        "GenuineIntel": _INTEL,
        "AuthenticAMD": Vendor("AMD", *_AMD_V),
        "HygonGenuine": Vendor("Hygon", *_AMD_V),
        "CentaurHauls": Vendor("Centaur/Zhaoxin", "vmx", "kvm_intel", "VT-x"),
        "Shanghai": Vendor("Zhaoxin", "vmx", "kvm_intel", "VT-x"),
    }),
)
