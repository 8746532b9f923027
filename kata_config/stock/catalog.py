"""Every stock template, and where the shipped files (the stock values themselves) live.

The values are the files ``defaults/<runtime>/<arch>/configuration-<name>.toml``: upstream's
renders without the keys their runtime never reads, with our comments (see ``generate.py``).
A template is shipped for an arch exactly when its file exists there. Upstream also renders
SEV-SNP and TDX variants outside x86_64 and IBM Secure Execution outside s390x; those cannot
work and are not shipped, except the x86_64 render of the SE template, which upstream's own
x86_64 output includes and ``diff`` needs to match (validate rightly reports
secure-execution-mismatch on it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from kata_config.arch import ARCHES
from kata_config.keys.spec import Runtime
from kata_config.stock.spec import Template


def defaults_root() -> Path:
    """Directory holding the shipped files: package data in a wheel, ``defaults/`` in a checkout."""
    # the package's own folder, as importlib.resources would find it for an installed wheel,
    # without importing that (tempfile, zipfile: more than diff's whole comparison costs)
    here = Path(__file__).resolve().parents[1]
    packaged = here / "_defaults"
    return packaged if packaged.is_dir() else here.parent / "defaults"


def _shipped() -> frozenset[tuple[str, str, str]]:
    """(runtime, arch, file name) of every shipped file: one listing per folder, not a stat
    per template and arch (180 of them, about as long as diff's whole comparison)."""
    root = defaults_root()
    found: set[tuple[str, str, str]] = set()
    for runtime in ("go", "rs"):
        for arch in ARCHES:
            try:
                with os.scandir(root / runtime / arch) as entries:
                    found.update((runtime, arch, e.name) for e in entries if e.is_file())
            except OSError:
                continue
    return frozenset(found)


_SHIPPED: Final = _shipped()


def _template(name: str, runtime: Runtime, hypervisor: str, upstream: str) -> Template:
    file = f"configuration-{name}.toml"
    built = tuple(arch for arch in ARCHES if (runtime, arch, file) in _SHIPPED)
    return Template(name, runtime, hypervisor, upstream, built)


_ROWS: Final[tuple[tuple[str, Runtime, str, str], ...]] = (
    ("qemu", "go", "qemu", "configuration-qemu.toml"),
    ("qemu-coco-dev", "go", "qemu", "configuration-qemu-coco-dev.toml"),
    ("qemu-snp", "go", "qemu", "configuration-qemu-snp.toml"),
    ("qemu-tdx", "go", "qemu", "configuration-qemu-tdx.toml"),
    ("qemu-se", "go", "qemu", "configuration-qemu-se.toml"),
    ("qemu-nvidia-gpu", "go", "qemu", "configuration-qemu-nvidia-gpu.toml"),
    ("qemu-nvidia-gpu-snp", "go", "qemu", "configuration-qemu-nvidia-gpu-snp.toml"),
    ("qemu-nvidia-gpu-tdx", "go", "qemu", "configuration-qemu-nvidia-gpu-tdx.toml"),
    ("qemu-nvidia-cpu", "go", "qemu", "configuration-qemu-nvidia-cpu.toml"),
    ("clh", "go", "clh", "configuration-clh.toml"),
    ("clh-azure", "go", "clh", "configuration-clh-azure.toml"),
    ("fc", "go", "firecracker", "configuration-fc.toml"),
    ("stratovirt", "go", "stratovirt", "configuration-stratovirt.toml"),
    ("remote", "go", "remote", "configuration-remote.toml"),
    ("qemu", "rs", "qemu", "configuration-qemu-runtime-rs.toml"),
    ("qemu-coco-dev", "rs", "qemu", "configuration-qemu-coco-dev-runtime-rs.toml"),
    ("qemu-snp", "rs", "qemu", "configuration-qemu-snp-runtime-rs.toml"),
    ("qemu-tdx", "rs", "qemu", "configuration-qemu-tdx-runtime-rs.toml"),
    ("qemu-se", "rs", "qemu", "configuration-qemu-se-runtime-rs.toml"),
    ("qemu-nvidia-gpu", "rs", "qemu", "configuration-qemu-nvidia-gpu-runtime-rs.toml"),
    ("qemu-nvidia-gpu-snp", "rs", "qemu", "configuration-qemu-nvidia-gpu-snp-runtime-rs.toml"),
    ("qemu-nvidia-gpu-tdx", "rs", "qemu", "configuration-qemu-nvidia-gpu-tdx-runtime-rs.toml"),
    ("qemu-nvidia-cpu", "rs", "qemu", "configuration-qemu-nvidia-cpu-runtime-rs.toml"),
    ("clh", "rs", "clh", "configuration-clh-runtime-rs.toml"),
    ("clh-azure", "rs", "clh", "configuration-clh-azure-runtime-rs.toml"),
    ("dragonball", "rs", "dragonball", "configuration-dragonball.toml"),
    ("fc", "rs", "firecracker", "configuration-rs-fc.toml"),
    ("openvmm-azure", "rs", "openvmm", "configuration-openvmm-azure-runtime-rs.toml"),
    ("remote", "rs", "remote", "configuration-remote.toml"),
)

TEMPLATES: Final[tuple[Template, ...]] = tuple(_template(*row) for row in _ROWS)
"""Name, runtime, hypervisor table and upstream file of every template, in listing order."""
