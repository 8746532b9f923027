"""ppc64le: IBM POWER8 or newer running bare metal (PowerNV) with the HV KVM backend."""

from __future__ import annotations

from typing import Final

from kata_config.arch import qemu
from kata_config.arch.base import KVM, VSOCK, ArchSpec, Family, ModuleSpec, Need, modules

SPEC: Final = ArchSpec(
    name="ppc64le",
    qemu=qemu.PPC64LE,
    machine_types=("pseries",),
    go_max_vcpus=128,
    go_iommu_refused=True,
    family=Family.POWER,
    nested_module="kvm_hv",
    # powerpc encodes an ioctl's "no data" direction as 1 in a 3-bit field at bit 29
    ioctl_dir_none=1 << 29,
    tees=("pef",),
    rs_memory_block_mib=256,
    rs_min_memory_mib=1024,
    kernel_modules=modules(
        KVM,
        # Book3S HV: guests run in hardware hypervisor mode (kvm_pr, the emulated one, is
        # not what Kata uses).
        ModuleSpec("kvm_hv", "KVM with POWER hypervisor mode (Book3S HV)", Need.KVM),
        VSOCK,
    ),
    min_generation=8,
    smt_off_up_to=8,
)
