"""s390x: IBM Z with the SIE (start interpretive execution) facility and the KVM module."""

from __future__ import annotations

from typing import Final

from kata_config.arch import qemu
from kata_config.arch.base import KVM, VSOCK, ArchSpec, Family, modules

SPEC: Final = ArchSpec(
    name="s390x",
    qemu=qemu.S390X,
    machine_types=("s390-ccw-virtio",),
    go_max_vcpus=248,
    go_iommu_refused=True,
    family=Family.Z,
    nested_module="kvm",
    tees=("se",),
    kernel_modules=modules(KVM, VSOCK),
    flags_key="features",
    virt_flags=frozenset({"sie"}),
)
