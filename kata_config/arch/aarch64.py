"""aarch64: KVM needs the kernel booted in EL2 (Hyp), which cpuinfo cannot show; /dev/kvm can.

The implementer/part tables only name the CPU in the report; ids are the MIDR_EL1 fields that
``/proc/cpuinfo`` prints as ``CPU implementer`` and ``CPU part``.
"""

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
    modules,
)

_IMPLEMENTERS: Final = {
    0x41: "ARM", 0x42: "Broadcom", 0x43: "Cavium", 0x46: "Fujitsu", 0x48: "HiSilicon",
    0x4E: "NVIDIA", 0x50: "Applied Micro", 0x51: "Qualcomm", 0x53: "Samsung",
    0x56: "Marvell", 0x61: "Apple", 0x69: "Intel", 0x6D: "Microsoft", 0xC0: "Ampere",
}

_ARM_PARTS: Final = {
    0xD03: "Cortex-A53", 0xD04: "Cortex-A35", 0xD05: "Cortex-A55", 0xD07: "Cortex-A57",
    0xD08: "Cortex-A72", 0xD09: "Cortex-A73", 0xD0A: "Cortex-A75", 0xD0B: "Cortex-A76",
    0xD0C: "Neoverse N1", 0xD0D: "Cortex-A77", 0xD40: "Neoverse V1", 0xD41: "Cortex-A78",
    0xD44: "Cortex-X1", 0xD46: "Cortex-A510", 0xD47: "Cortex-A710", 0xD48: "Cortex-X2",
    0xD49: "Neoverse N2", 0xD4A: "Neoverse E1", 0xD4D: "Cortex-A715", 0xD4E: "Cortex-X3",
    0xD4F: "Neoverse V2", 0xD80: "Cortex-A520", 0xD81: "Cortex-A720", 0xD82: "Cortex-X4",
    0xD84: "Neoverse V3", 0xD85: "Cortex-X925", 0xD87: "Cortex-A725", 0xD8E: "Neoverse N3",
}

_OTHER_PARTS: Final = {
    (0x42, 0x516): "Vulcan",
    (0x43, 0x0A1): "ThunderX", (0x43, 0x0A2): "ThunderX 81xx", (0x43, 0x0A3): "ThunderX 83xx",
    (0x43, 0x0AF): "ThunderX2",
    (0x46, 0x001): "A64FX",
    (0x48, 0xD01): "Kunpeng 920 (TaiShan v110)",
    (0x4E, 0x000): "Denver", (0x4E, 0x003): "Denver 2", (0x4E, 0x004): "Carmel",
    (0x50, 0x000): "X-Gene",
    (0x51, 0x800): "Kryo 2xx Gold", (0x51, 0x801): "Kryo 2xx Silver",
    (0x51, 0x802): "Kryo 3xx Gold", (0x51, 0x803): "Kryo 3xx Silver",
    (0x51, 0x804): "Kryo 4xx Gold", (0x51, 0x805): "Kryo 4xx Silver",
    (0x51, 0xC00): "Falkor", (0x51, 0xC01): "Saphira", (0x51, 0x001): "Oryon",
    (0x61, 0x022): "M1 Icestorm", (0x61, 0x023): "M1 Firestorm",
    (0x61, 0x032): "M2 Blizzard", (0x61, 0x033): "M2 Avalanche",
    (0xC0, 0xAC3): "AmpereOne", (0xC0, 0xAC4): "AmpereOne AC04",
}

SPEC: Final = ArchSpec(
    name="aarch64",
    qemu=qemu.AARCH64,
    machine_types=("virt",),
    go_max_vcpus=123,
    go_nvdimm_needs_firmware=True,
    go_iommu_refused=True,
    go_uefi_pflashes=True,
    go_numa=True,
    rs_vmms=RS_VMMS,
    family=Family.ARM,
    kvm_checks=("kvm.ipa-size",),
    serial_console="ttyAMA0",
    kernel_modules=modules(KVM, VHOST, VHOST_NET, VSOCK),
    flags_key="Features",
    implementers=MappingProxyType(_IMPLEMENTERS),
    parts=MappingProxyType({**{(0x41, p): n for p, n in _ARM_PARTS.items()}, **_OTHER_PARTS}),
)
