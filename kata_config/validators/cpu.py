"""vCPU sizing rules: what each runtime does with default_vcpus and default_maxvcpus."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from kata_config.arch import ARCHES
from kata_config.findings import Issue, Rule, Severity
from kata_config.model import KataConfig
from kata_config.validators._util import as_int, as_num, hkey, hv_tables, num_text

VCPUS_EXCEED_MAX = Rule(
    "vcpus-exceed-max",
    Severity.ERROR,
    "Go: default_vcpus above default_maxvcpus makes QEMU refuse to start",
    when="start",
)
VCPUS_LOWERED_TO_MAX = Rule(
    "vcpus-lowered-to-max",
    Severity.WARNING,
    "runtime-rs silently lowers default_vcpus to default_maxvcpus",
)
VCPUS_NOT_POSITIVE = Rule(
    "vcpus-not-positive",
    Severity.WARNING,
    "default_vcpus of 0 or below is silently replaced",
)
MAXVCPUS_EXCEED_ARCH = Rule(
    "maxvcpus-exceed-arch",
    Severity.WARNING,
    "Go silently caps default_maxvcpus at the architecture maximum",
)
VCPUS_EXCEED_VMM_MAX = Rule(
    "vcpus-exceed-vmm-max",
    Severity.ERROR,
    "runtime-rs refuses vCPU counts above the VMM maximum (256, firecracker 32)",
)

# runtime-rs per-plugin vCPU ceilings; remote has none.
_RS_VMM_MAX: Final = {"qemu": 256, "clh": 256, "dragonball": 256, "openvmm": 256, "firecracker": 32}


def check_vcpus_exceed_max(cfg: KataConfig) -> Iterator[Issue]:
    """``default_vcpus`` larger than a non-zero ``default_maxvcpus`` (Go runtime).

    The Go runtime does not compare the two at load; QEMU is then asked for more boot CPUs
    than its ``maxcpus`` and the VM fails to start. (runtime-rs lowers the value instead,
    see ``vcpus-lowered-to-max``.) ``default_maxvcpus = 0`` means "host CPU count" and is
    not compared.

    Fails:
        [hypervisor.qemu]
        default_vcpus = 8
        default_maxvcpus = 4

    Passes:
        [hypervisor.qemu]
        default_vcpus = 4
        default_maxvcpus = 8
    """
    if cfg.runtime != "go":
        return
    yield from _vcpus_above_max(cfg, "QEMU fails to start")


def check_vcpus_lowered_to_max(cfg: KataConfig) -> Iterator[Issue]:
    """``default_vcpus`` larger than a non-zero ``default_maxvcpus`` (runtime-rs).

    runtime-rs silently lowers ``default_vcpus`` to ``default_maxvcpus``, so the VM boots
    with fewer CPUs than written.

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.qemu]
        default_vcpus = 8
        default_maxvcpus = 4

    Passes:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.qemu]
        default_vcpus = 2
        default_maxvcpus = 4
    """
    if cfg.runtime != "rs":
        return
    yield from _vcpus_above_max(cfg, "runtime-rs silently boots with default_maxvcpus CPUs")


def _vcpus_above_max(cfg: KataConfig, effect: str) -> Iterator[Issue]:
    for name, table in hv_tables(cfg):
        vcpus = as_num(table.get("default_vcpus"))
        maxv = as_int(table.get("default_maxvcpus"))
        if vcpus is not None and maxv is not None and 0 < maxv < vcpus:
            yield Issue(
                hkey(name, "default_vcpus"),
                f"default_vcpus ({num_text(vcpus)}) exceeds default_maxvcpus ({maxv}): "
                f"{effect}; set default_maxvcpus to at least {num_text(vcpus)} or lower "
                "default_vcpus",
            )


def check_vcpus_not_positive(cfg: KataConfig) -> Iterator[Issue]:
    """``default_vcpus`` of zero or below.

    Both runtimes rewrite it silently: 0 becomes 1, a negative value becomes the host CPU
    count. Write the number you mean.

    Fails:
        [hypervisor.qemu]
        default_vcpus = -1

    Passes:
        [hypervisor.qemu]
        default_vcpus = 1
    """
    for name, table in hv_tables(cfg):
        vcpus = as_num(table.get("default_vcpus"))
        if vcpus is None or vcpus > 0:
            continue
        becomes = "1" if vcpus == 0 else "the host CPU count"
        yield Issue(
            hkey(name, "default_vcpus"),
            f"default_vcpus ({num_text(vcpus)}) is silently replaced by {becomes}; "
            "set a positive number of vCPUs",
        )


def check_maxvcpus_exceed_arch(cfg: KataConfig) -> Iterator[Issue]:
    """``default_maxvcpus`` above the architecture maximum (Go runtime).

    The Go runtime caps the value at the QEMU limit of the architecture (x86_64 240,
    aarch64 123, ppc64le 128, s390x 248, riscv64 512) without a message.

    Fails:
        [hypervisor.qemu]
        default_maxvcpus = 512

    Passes:
        [hypervisor.qemu]
        default_maxvcpus = 0
    """
    arch = ARCHES.get(cfg.arch)
    if cfg.runtime != "go" or arch is None:
        return
    for name, table in hv_tables(cfg):
        maxv = as_int(table.get("default_maxvcpus"))
        if maxv is not None and maxv > arch.go_max_vcpus:
            yield Issue(
                hkey(name, "default_maxvcpus"),
                f"default_maxvcpus ({maxv}) exceeds the {cfg.arch} maximum of "
                f"{arch.go_max_vcpus}: the Go runtime silently uses {arch.go_max_vcpus}; "
                f"set it to {arch.go_max_vcpus} or less (0 = host CPU count)",
            )


def check_vcpus_exceed_vmm_max(cfg: KataConfig) -> Iterator[Issue]:
    """``default_vcpus`` or ``default_maxvcpus`` above the VMM limit (runtime-rs).

    runtime-rs refuses to load a table asking for more than 256 vCPUs (qemu, clh,
    dragonball, openvmm) or 32 (firecracker). Dragonball first lowers
    ``default_maxvcpus`` to 256 silently, so only its ``default_vcpus`` is an error.

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.firecracker]
        default_vcpus = 1
        default_maxvcpus = 64

    Passes:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.firecracker]
        default_vcpus = 1
        default_maxvcpus = 32
    """
    if cfg.runtime != "rs":
        return
    for name, table in hv_tables(cfg):
        limit = _RS_VMM_MAX.get(name)
        if limit is None:
            continue
        keys = ("default_vcpus",) if name == "dragonball" else ("default_vcpus", "default_maxvcpus")
        for key in keys:
            value = as_num(table.get(key))
            if value is not None and value > limit:
                yield Issue(
                    hkey(name, key),
                    f"{key} ({num_text(value)}) exceeds the {name} maximum of {limit} vCPUs: "
                    f"runtime-rs refuses to load; set it to {limit} or less",
                )


CHECKS: Final = (
    (VCPUS_EXCEED_MAX, check_vcpus_exceed_max),
    (VCPUS_LOWERED_TO_MAX, check_vcpus_lowered_to_max),
    (VCPUS_NOT_POSITIVE, check_vcpus_not_positive),
    (MAXVCPUS_EXCEED_ARCH, check_maxvcpus_exceed_arch),
    (VCPUS_EXCEED_VMM_MAX, check_vcpus_exceed_vmm_max),
)
