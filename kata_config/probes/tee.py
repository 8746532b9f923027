"""Confidential computing: TDX, SEV, SEV-ES, SEV-SNP, IBM SE and IBM PEF, each with its evidence.

A TEE is usable only when every link of its chain holds: the CPU offers it (cpuinfo), KVM has
it switched on (a module parameter or the kernel command line) and the firmware interface is
there (a device or sysfs node). The verdict names the first broken link and its fix. A missing
TEE never fails the check unless the loaded config asks for that very TEE
(``confidential_guest = true``); upstream's runtime-rs once blocked plain VMs on such an error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Final

from kata_config.probes.base import CheckResult, ProbeContext, Status
from kata_config.record import record

if TYPE_CHECKING:
    from kata_config.arch import ArchSpec
    from kata_config.model import KataConfig
    from kata_config.probes.host import HostRoot

TRUTHY: Final = frozenset({"1", "y", "yes", "on"})


@record
class LinkSpec:
    """One link of an evidence chain: ``kind`` says how ``target`` is read and judged."""

    kind: str  # flag | facility | platform | param | cmdline | one | exists | dir
    target: str
    remedy: str
    required: bool = True


@record
class Link:
    """A link as read on this host."""

    spec: LinkSpec
    found: str
    ok: bool

    def __str__(self) -> str:
        return f"{_label(self.spec)}: {self.found}"


def _label(spec: LinkSpec) -> str:
    return {
        "flag": f"cpuinfo flag {spec.target}",
        "facility": f"cpuinfo facility {spec.target}",
        "platform": f"cpuinfo platform {spec.target}",
        "cmdline": f"/proc/cmdline {spec.target}",
    }.get(spec.kind, f"/{spec.target}")


_SEV_DEV = LinkSpec("exists", "dev/sev", "sudo modprobe ccp (the AMD PSP driver creates /dev/sev)")


def _amd(flag: str, param: str, name: str) -> tuple[LinkSpec, ...]:
    return (
        LinkSpec("flag", flag, f"enable {name} (and SME) in the firmware setup; needs an EPYC CPU"),
        LinkSpec(
            "param",
            f"sys/module/kvm_amd/parameters/{param}",
            f"add kvm_amd.{param}=1 to the kernel command line (or 'options kvm_amd {param}=1' "
            "in /etc/modprobe.d) and reload kvm_amd",
        ),
        _SEV_DEV,
    )


CHAINS: Final[Mapping[str, tuple[LinkSpec, ...]]] = {
    "tdx": (
        LinkSpec("flag", "tdx_host_platform", "enable TDX in the firmware setup", required=False),
        LinkSpec(
            "param",
            "sys/module/kvm_intel/parameters/tdx",
            "add kvm_intel.tdx=1 to the kernel command line and reboot (needs a TDX host kernel)",
        ),
        LinkSpec("dir", "sys/firmware/tdx", "boot a kernel with TDX host support", required=False),
    ),
    "sev": _amd("sev", "sev", "SEV"),
    "sev-es": _amd("sev_es", "sev_es", "SEV-ES"),
    "sev-snp": _amd("sev_snp", "sev_snp", "SEV-SNP"),
    "se": (
        LinkSpec("facility", "158", "IBM Secure Execution needs a z15 / LinuxONE III or newer"),
        LinkSpec("cmdline", "prot_virt", "add prot_virt=1 to the kernel command line and reboot"),
        LinkSpec(
            "one",
            "sys/firmware/uv/prot_virt_host",
            "the ultravisor did not enable protected virtualization: check dmesg for prot_virt",
        ),
    ),
    "pef": (
        LinkSpec("platform", "PowerNV", "IBM PEF needs a bare-metal PowerNV host, not a guest"),
        LinkSpec(
            "dir",
            "sys/firmware/ultravisor",
            "install ultravisor firmware (POWER9 or newer) and boot a kernel with CONFIG_PPC_UV",
        ),
    ),
}

NAMES: Final = {
    "tdx": "Intel TDX",
    "sev": "AMD SEV",
    "sev-es": "AMD SEV-ES",
    "sev-snp": "AMD SEV-SNP",
    "se": "IBM Secure Execution",
    "pef": "IBM PEF",
}


def cpuinfo_fields(text: str | None) -> dict[str, str]:
    """``key: value`` pairs of /proc/cpuinfo, the first occurrence of each key winning.

    The whole file is read, not only the first block: ppc64le puts ``platform`` in a trailer
    after the last processor, and s390x puts ``facilities`` in a header before the first.
    """
    fields: dict[str, str] = {}
    for line in (text or "").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields.setdefault(key.strip().lower(), value.strip())
    return fields


def _words(fields: Mapping[str, str], *keys: str) -> set[str]:
    return {word for key in keys for word in fields.get(key, "").split()}


def _read(host: HostRoot, fields: Mapping[str, str], spec: LinkSpec) -> Link:
    if spec.kind == "flag":
        ok = spec.target in _words(fields, "flags", "features")
        return Link(spec, "present" if ok else "absent", ok)
    if spec.kind == "facility":
        ok = spec.target in _words(fields, "facilities")
        return Link(spec, "present" if ok else "absent", ok)
    if spec.kind == "platform":
        found = fields.get("platform", "absent")
        return Link(spec, found, found == spec.target)
    if spec.kind == "cmdline":
        words = (host.read_text("proc/cmdline") or "").split()
        values = [w.partition("=")[2] for w in words if w.partition("=")[0] == spec.target]
        found = values[-1] if values else "absent"
        return Link(spec, found, found.lower() in TRUTHY)
    if spec.kind in ("dir", "exists"):
        ok = host.is_dir(spec.target) if spec.kind == "dir" else host.exists(spec.target)
        return Link(spec, "present" if ok else "absent", ok)
    value = host.read_value(spec.target)
    if value is None:
        return Link(spec, "absent", False)
    ok = value == "1" if spec.kind == "one" else value.lower() in TRUTHY
    return Link(spec, value, ok)


def evidence_chain(host: HostRoot, tee: str) -> tuple[Link, ...]:
    """Every link of ``tee``'s chain as read on ``host`` (cpuinfo is read once per call)."""
    fields = cpuinfo_fields(host.read_text("proc/cpuinfo"))
    return tuple(_read(host, fields, spec) for spec in CHAINS[tee])


def _usable(chain: tuple[Link, ...]) -> bool:
    return all(link.ok for link in chain if link.spec.required)


def available_tees(host: HostRoot, spec: ArchSpec) -> frozenset[str]:
    """The TEEs this host can run a confidential guest with (``"tdx"``, ``"sev-snp"``, ...)."""
    return frozenset(t for t in spec.tees if _usable(evidence_chain(host, t)))


def requested_tee(config: KataConfig | None, host: HostRoot, spec: ArchSpec) -> str | None:
    """The TEE a config with ``confidential_guest = true`` will use on ``spec``'s arch, else None.

    An arch with one TEE uses it. Among several (x86_64) the runtime picks TDX or SEV by the
    host; a config says which it was written for through ``sev_snp_guest`` or its
    firmware/QEMU paths, and failing that the CPU vendor decides.
    """
    if config is None or config.hypervisor.get("confidential_guest") is not True:
        return None
    if len(spec.tees) < 2:
        return spec.tees[0] if spec.tees else None
    hv = config.hypervisor
    if hv.get("sev_snp_guest") is True:
        return "sev-snp"
    hints = " ".join(str(hv.get(key, "")) for key in ("firmware", "path")).lower()
    if "tdx" in hints:
        return "tdx"
    if "sev" in hints or "snp" in hints:
        return "sev"
    vendor = cpuinfo_fields(host.read_text("proc/cpuinfo")).get("vendor_id", "")
    return "tdx" if vendor == "GenuineIntel" else "sev"


def _verdict(tee: str, chain: tuple[Link, ...], wanted: bool) -> CheckResult:
    name, evidence = NAMES[tee], " -> ".join(map(str, chain))
    by = " (the config asks for it)" if wanted else ""
    if _usable(chain):
        return CheckResult(f"tee.{tee}", Status.PASS, f"{name} is available{by}", evidence)
    broken = next(link for link in chain if link.spec.required and not link.ok)
    why = f"{name} is not available: {broken}"
    if wanted:
        return CheckResult(f"tee.{tee}", Status.FAIL, why + by, evidence, broken.spec.remedy)
    if not chain[0].ok:  # the hardware itself does not offer it: nothing to fix here
        return CheckResult(f"tee.{tee}", Status.SKIP, f"{name} is not offered here", evidence)
    return CheckResult(f"tee.{tee}", Status.WARN, why, evidence, broken.spec.remedy)


def probe_tee(ctx: ProbeContext) -> Iterator[CheckResult]:
    """Report each TEE of the arch with its chain; FAIL only for the one the config requires."""
    wanted = requested_tee(ctx.config, ctx.host, ctx.spec)
    for tee in ctx.spec.tees:
        yield _verdict(tee, evidence_chain(ctx.host, tee), tee == wanted)


PROBES: Final = (probe_tee,)
CHECK_IDS: Final = tuple(f"tee.{tee}" for tee in NAMES)
