"""The host facts several probes weigh, gathered once per run: CPU, KVM evidence, VM or not.

``gather`` reads them through the host root before any probe runs (``hostcheck`` calls it,
again only after ``--load-modules`` changed the host), so every probe sees the same facts
and none of them reads cpuinfo or ``/sys/module`` for them a second time.
"""

from __future__ import annotations

import re
from typing import Final

from kata_config.arch import ArchSpec, Family, Vendor
from kata_config.probes.cpuinfo import CPUINFO, CpuInfo, read_cpuinfo
from kata_config.probes.host import HostRoot
from kata_config.probes.modstate import is_present
from kata_config.record import record

_DMI: Final = "sys/class/dmi/id"
_VM_VENDORS: Final = (
    "qemu", "kvm", "vmware", "virtualbox", "innotek", "xen", "bochs", "bhyve", "parallels",
    "amazon ec2", "google compute engine", "openstack", "cloudstack", "microsoft corporation",
)
_VM_PRODUCTS: Final = ("virtual machine", "kvm", "vmware", "virtualbox", "hvm domu", "bochs")


@record
class Facts:
    """What several probes weigh: CPU, KVM evidence and whether we run in a VM."""

    info: CpuInfo | None
    flags: frozenset[str]
    vendor: Vendor | None
    kvm_device: bool
    kvm_module: bool
    pvm: bool
    guest: bool
    guest_evidence: str


def _guest(host: HostRoot, spec: ArchSpec, info: CpuInfo | None) -> tuple[bool, str]:
    if info is not None and "hypervisor" in info.flags:
        return True, f"{CPUINFO}: hypervisor flag"
    vendor = (host.read_value(f"{_DMI}/sys_vendor") or "").lower()
    product = (host.read_value(f"{_DMI}/product_name") or "").lower()
    if any(v in vendor for v in _VM_VENDORS) and (
        "microsoft" not in vendor or "virtual" in product
    ):
        return True, f"DMI sys_vendor = {vendor!r}, product_name = {product!r}"
    if any(p in product for p in _VM_PRODUCTS):
        return True, f"DMI product_name = {product!r}"
    if spec.family is Family.Z:
        sysinfo = host.read_text("proc/sysinfo") or ""
        level = re.search(r"^VM00 Control Program:\s*(.+?)\s*$", sysinfo, re.MULTILINE)
        if level:
            return True, f"/proc/sysinfo: VM00 Control Program: {level.group(1)}"
        if info is not None and info.s390_version.upper() == "FF":
            return True, f"{CPUINFO}: version = FF"
    if spec.family is Family.POWER and info is not None and (
        info.platform.get("platform", "").lower() == "pseries"
    ):
        model = info.platform.get("model") or info.platform.get("machine", "")
        return True, f"{CPUINFO}: platform = pSeries ({model})"
    return False, "no hypervisor flag, DMI or platform sign of a VM"


def gather(host: HostRoot, spec: ArchSpec) -> Facts:
    """Read the facts of the host below ``host`` as an ``spec`` machine."""
    info = read_cpuinfo(host)
    flags = info.flags if info is not None else frozenset()
    vendor = spec.vendors.get(info.get("vendor_id")) if info is not None else None
    guest, evidence = _guest(host, spec, info)
    return Facts(
        info=info, flags=flags, vendor=vendor,
        kvm_device=host.is_device("dev/kvm"),
        kvm_module=is_present(host, "kvm"),
        pvm=bool(spec.pvm_module) and host.is_dir(f"sys/module/{spec.pvm_module}"),
        guest=guest, guest_evidence=evidence,
    )
