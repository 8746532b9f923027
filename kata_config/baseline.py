"""Which stock file ``diff`` compares a configuration with, and why.

Same runtime and hypervisor; the arch from ``--arch``, else what the file itself says (QEMU
binary name, machine type, firmware), else the host; a variant (TEE, GPU, Azure, CoCo) only
when the file uses that variant's feature. Every choice comes with the sentence that explains
it, which ``diff`` prints. ``stock_releases`` picks the release whose stock files compete (the
newest, or older ones the file's keys point to); ``code_defaults`` is the baseline of
``--against code-defaults``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from kata_config import release_guess
from kata_config.arch import ARCHES
from kata_config.keys.history import NAMES, NEWEST, RELEASES, default_in
from kata_config.keys.spec import REQUIRED, Runtime
from kata_config.stock import releases as old_stock
from kata_config.stock import templates
from kata_config.stock.spec import Template
from kata_config.walk import spec_for

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


def stock_releases(data: Mapping[str, Any], runtime: Runtime, hypervisor: str,
                   release: str | None) -> tuple[tuple[str, ...], str]:
    """The releases whose stock files may be the baseline, and why.

    ``release`` (``--kata-version``) picks that release's files, or the nearest release we
    hold files of. Without it the file's keys decide: a file every key of which the newest
    release reads gets the newest files; one whose keys point to older releases gets the
    files of the releases we hold among those (else of the nearest held one).
    """
    newest = (NEWEST,) if templates(runtime, hypervisor) else ()
    if release is not None:
        if release == NEWEST and newest:
            return newest, f"release {NEWEST}: --kata-version {release}"
        near = old_stock.nearest(runtime, release, hypervisor)
        pick = _closer(runtime, release, near, newest)
        return ((pick,), f"release {pick}: --kata-version {release}"
                + ("" if pick == release else f", the nearest release with a stock "
                   f"{hypervisor} file")) if pick else ((), "")
    if release_guess.fits(data, runtime, NEWEST):  # the common case, told without the others
        return newest, ""
    fits = release_guess.releases_of(data, runtime)
    if not fits:  # keys of several releases (a fork, an upgrade half done): the closest file
        every = tuple(r for r in old_stock.releases_held(runtime)
                      if old_stock.files_of(runtime, r, hypervisor)) + newest
        return every, ("release: no single release reads every key of the file, so the "
                       "closest stock file of every release kata-config holds")
    span = fits[0] if len(fits) == 1 else f"{fits[0]}-{fits[-1]}"
    held = tuple(r for r in old_stock.releases_held(runtime)
                 if r in fits and old_stock.files_of(runtime, r, hypervisor))
    why = f"the file's keys are read together only by {NAMES[runtime]} {span}"
    if held:
        return held, f"release {'/'.join(held)}: {why}"
    near = _closer(runtime, fits[-1], old_stock.nearest(runtime, fits[-1], hypervisor), newest)
    return ((near,), f"release {near}: {why}; the nearest release with a stock "
            f"{hypervisor} file") if near else ((), "")


def _closer(runtime: Runtime, release: str, held: str, newest: tuple[str, ...]) -> str:
    """``held`` or the newest release, whichever is nearer to ``release``."""
    order = {r: i for i, r in enumerate(RELEASES[runtime])}
    want = order.get(release, len(order))
    options = [r for r in (held, *newest) if r]
    return min(options, key=lambda r: (abs(order[r] - want), r != NEWEST)) if options else ""


def code_defaults(
    flat: Mapping[str, Any], runtime: Runtime, hypervisor: str | None, release: str = NEWEST
) -> dict[str, Any]:
    """Built-in value (``release``'s) of every key the file sets that has one (the others
    are skipped)."""
    out: dict[str, Any] = {}
    for key in flat:
        spec = spec_for(key)
        if spec is None:
            continue
        older, default = default_in(runtime, spec.table.value, spec.name, hypervisor, release)
        if not older:
            default = spec.default_for(runtime, hypervisor)
        if default is not None and default is not REQUIRED:
            out[key] = default
    return out
