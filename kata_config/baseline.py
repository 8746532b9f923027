"""Which stock file ``diff`` compares a configuration with, and why.

Same runtime and hypervisor; the arch from ``--arch``, else what the file itself says (QEMU
binary name, machine type, firmware), else the host; a variant (TEE, GPU, Azure, CoCo) only
when the file uses that variant's feature. Every choice comes with the sentence that explains
it, which ``diff`` prints.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from kata_config.arch import ARCHES
from kata_config.stock.spec import Template

Table = Mapping[str, Any]

_BINARY: Final = re.compile(r"qemu-system-([a-z0-9_]+)")
_BASE: Final = {"qemu": "qemu", "clh": "clh", "firecracker": "fc", "dragonball": "dragonball",
                "remote": "remote", "stratovirt": "stratovirt"}


def _text(table: Table, *keys: str) -> str:
    return " ".join(str(table.get(k) or "") for k in keys)


def _extensions(table: Table) -> set[str]:
    images = table.get("guest_extension_images")
    return {str(i.get("name")) for i in images if isinstance(i, Mapping)} \
        if isinstance(images, list) else set()


def _vfio(table: Table) -> bool:
    return table.get("cold_plug_vfio") not in (None, "", "no-port") or "gpu" in _extensions(table)


def _tee(table: Table) -> bool:
    return table.get("confidential_guest") is True


# feature token in a stock name -> does the file use it?
FEATURES: Final[Mapping[str, Callable[[Table], bool]]] = {
    "snp": lambda t: t.get("sev_snp_guest") is True,
    "tdx": lambda t: (_tee(t) and "tdx" in _text(t, "firmware", "path").lower())
    or "tdx_quote_generation_service_socket_port" in t,
    "se": lambda t: _tee(t) and "-se" in _text(t, "kernel", "image"),
    "coco-dev": lambda t: not _tee(t) and ("confidential" in _text(t, "image", "initrd")
                                           or "coco" in _extensions(t)),
    "nvidia-gpu": lambda t: "nvidia" in _text(t, "kernel", "image") and _vfio(t),
    "nvidia-cpu": lambda t: "nvidia" in _text(t, "kernel", "image") and not _vfio(t),
    "azure": lambda t: "mariner" in _text(t, "image", "initrd")
    or "cloud-hypervisor/vmlinux" in _text(t, "kernel"),
}


def features_of(template: Template) -> tuple[str, ...]:
    """The feature tokens a stock name carries beyond its hypervisor's plain file."""
    base = _BASE.get(template.hypervisor)
    rest = template.name.removeprefix(base).lstrip("-") if base else ""
    if not base or not template.name.startswith(base):
        return ()
    found = []
    for token in sorted(FEATURES, key=len, reverse=True):
        if token in rest:
            found.append(token)
            rest = rest.replace(token, "")
    return tuple(found)


def allowed(templates: tuple[Template, ...], table: Table) -> list[tuple[Template, str]]:
    """The stock templates whose features the file uses, each with why it may be chosen."""
    out = []
    for template in templates:
        features = features_of(template)
        if all(FEATURES[f](table) for f in features):
            why = (f"the file uses {', '.join(features)}" if features
                   else f"the plain {template.hypervisor} file")
            out.append((template, why))
    return out


def arch_of(table: Table, given: str | None, host: str) -> tuple[str, str]:
    """(arch, why): ``--arch``, else the file's QEMU binary, machine type or firmware."""
    if given:
        return given, f"--arch {given}"
    match = _BINARY.search(str(table.get("path") or ""))
    if match:
        arch = "ppc64le" if match.group(1) == "ppc64" else match.group(1)
        return arch, f"path names qemu-system-{match.group(1)}"
    machine = table.get("machine_type")
    for name, spec in ARCHES.items():  # the first arch with the machine (virt: aarch64)
        if isinstance(machine, str) and machine in spec.machine_types:
            return name, f"machine_type {machine!r}"
    firmware = _text(table, "firmware", "firmware_volume")
    if "AAVMF" in firmware:
        return "aarch64", "the firmware is AAVMF"
    if "OVMF" in firmware:
        return "x86_64", "the firmware is OVMF"
    return host, f"nothing in the file names an arch, so this host's ({host})"
