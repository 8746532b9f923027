"""Per-architecture overrides: which Makefile variable changes which key, and to what.

Upstream renders every template from one set of Makefile variables; only a handful of them
depend on the architecture (config-keys.md §3). ``ARCH_VALUES`` holds those values for every
architecture other than x86_64, per runtime, because the two Makefiles disagree (e.g. the
aarch64 machine accelerators, or the static resource default of the Go QEMU template).
A variable missing for an arch keeps its x86_64 value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from kata_config.keys.spec import Runtime

_AAVMF: Final = "/usr/share/aavmf"
_PPC_ACCEL: Final = (
    "cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-large-decr=off,cap-ccf-assist=off"
)


def _qemu(binary: str) -> dict[str, Any]:
    path = f"/usr/bin/{binary}"
    return {"QEMUPATH": path, "QEMUVALIDHYPERVISORPATHS": [path]}


_COMMON: Final[Mapping[str, Mapping[str, Any]]] = {
    "aarch64": {
        **_qemu("qemu-system-aarch64"),
        "MACHINETYPE": "virt",
        "FIRMWAREPATH": f"{_AAVMF}/AAVMF_CODE.fd",
        "FIRMWAREPATH_NV": f"{_AAVMF}/AAVMF_CODE.fd",
    },
    "ppc64le": {
        **_qemu("qemu-system-ppc64"),
        "MACHINETYPE": "pseries",
        "CPUFEATURES": "",
        "MACHINEACCELERATORS": _PPC_ACCEL,
        "FIRMWAREPATH_NV": "",
    },
    "s390x": {
        **_qemu("qemu-system-s390x"),
        "MACHINETYPE": "s390-ccw-virtio",
        "CPUFEATURES": "",
        "DEFENABLEVIRTIOMEM": True,
        "FIRMWAREPATH_NV": "",
    },
    "riscv64": {
        **_qemu("qemu-system-riscv64"),
        "MACHINETYPE": "virt",
        "CPUFEATURES": "",
        "FIRMWAREPATH_NV": "",
    },
}

# Where the two Makefiles differ for the same arch and variable.
_ONLY: Final[Mapping[Runtime, Mapping[str, Mapping[str, Any]]]] = {
    "go": {
        "aarch64": {
            "FIRMWAREVOLUMEPATH": f"{_AAVMF}/AAVMF_VARS.fd",
            "DEFSTATICRESOURCEMGMT_QEMU": True,
            "DEFSTATICRESOURCEMGMT_CLH": True,
            "KERNELPATH_STRATOVIRT": "/usr/share/kata-containers/vmlinux.container",
        },
        "riscv64": {"KERNELPARAMS": ""},
    },
    "rs": {
        "aarch64": {
            "MACHINEACCELERATORS": "usb=off,gic-version=host",
            "VMROOTFSDRIVER_QEMU": "virtio-blk-pci",
        },
        "s390x": {
            "VMROOTFSDRIVER_QEMU": "virtio-blk-ccw",
            "DEFBLOCKSTORAGEDRIVER_QEMU": "virtio-blk-ccw",
        },
    },
}

ARCHES: Final[tuple[str, ...]] = ("x86_64", "aarch64", "ppc64le", "s390x", "riscv64")
ALL: Final = ARCHES
X86_ARM: Final = ("x86_64", "aarch64")
X86: Final = ("x86_64",)
S390_X86: Final = ("x86_64", "s390x")  # x86_64 too: upstream renders it there (see TEMPLATES)


def arch_values(runtime: Runtime, arch: str) -> dict[str, Any]:
    """Makefile variable -> value for one runtime and arch (empty for x86_64, the base)."""
    return {**_COMMON.get(arch, {}), **_ONLY[runtime].get(arch, {})}


def apply_arch(
    values: Mapping[str, Any], arch_keys: Mapping[str, str], runtime: Runtime, arch: str
) -> dict[str, Any]:
    """The x86_64 ``values`` with every arch-dependent key set to its value for ``arch``."""
    overrides = arch_values(runtime, arch)
    out = dict(values)
    for key, var in arch_keys.items():
        if var in overrides and key in out:
            out[key] = overrides[var]
    return out
