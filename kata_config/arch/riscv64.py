"""riscv64: known for validation and launch plans only (no host probes yet)."""

from __future__ import annotations

from typing import Final

from kata_config.arch import qemu
from kata_config.arch.base import ArchSpec, Family

SPEC: Final = ArchSpec(
    name="riscv64",
    qemu=qemu.RISCV64,
    machine_types=("virt",),
    go_max_vcpus=512,
    host_checks=False,
    family=Family.RISCV,
)
