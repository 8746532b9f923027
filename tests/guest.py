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
