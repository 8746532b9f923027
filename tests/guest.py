"""Where the real QEMU and the test guest are (built by .ci/setup.d/30-qemu-guest.sh)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tests.needs import need, need_program

_SETUP = "run .ci/setup.d/30-qemu-guest.sh (as root)"


@dataclass(frozen=True, slots=True)
class Guest:
    """The tiny guest: Debian's kernel and our initramfs (tests/guest/init)."""

    kernel: Path
    initrd: Path


def cache_dir() -> Path:
    """The cache directory the CI setup scripts fill."""
    base = os.environ.get("KATA_CONFIG_CACHE") or str(Path.home() / ".cache" / "kata-config")
    return Path(base) / "guest"


def guest() -> Guest:
    """The test guest, or skip (fail in CI) when it has not been built."""
    found = Guest(cache_dir() / "vmlinuz", cache_dir() / "initramfs.cpio.gz")
    need(found.kernel.is_file() and found.initrd.is_file(), "the test guest kernel and initramfs",
         _SETUP)
    return found


def qemu(arch: str = "x86_64") -> str:
    """The path of ``qemu-system-<arch>``, or skip (fail in CI)."""
    return need_program(f"qemu-system-{arch}", _SETUP)


C_VIRTIOFSD = Path("/usr/lib/qemu/virtiofsd")
"""QEMU 7.2's C virtiofsd (Debian's qemu-system-common); Kata's Rust one is not packaged."""

FIRMWARE = {
    "x86_64": (Path("/usr/share/ovmf/OVMF.fd"), None),
    "aarch64": (Path("/usr/share/AAVMF/AAVMF_CODE.fd"), Path("/usr/share/AAVMF/AAVMF_VARS.fd")),
}
"""Debian's UEFI images per arch (ovmf, qemu-efi-aarch64): (code, variables)."""


def virtiofsd() -> str:
    """The C virtiofsd QEMU ships, or skip (fail in CI)."""
    need(C_VIRTIOFSD.is_file(), f"virtiofsd at {C_VIRTIOFSD}", _SETUP)
    return str(C_VIRTIOFSD)


def firmware(arch: str) -> tuple[Path, Path | None]:
    """Debian's UEFI code (and variables) image for ``arch``, or skip (fail in CI)."""
    code, variables = FIRMWARE[arch]
    need(code.is_file(), f"UEFI firmware {code}", _SETUP)
    return code, variables
