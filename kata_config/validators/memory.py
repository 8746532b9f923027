"""Guest memory rules: sizes the runtimes replace, refuse or align."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from kata_config.findings import Issue, Rule, Severity
from kata_config.model import KataConfig
from kata_config.validators._util import as_int, hkey, hv_tables, is_true

MEMORY_REPLACED_BY_DEFAULT = Rule(
    "memory-replaced-by-default",
    Severity.WARNING,
    "Go silently replaces default_memory below 256 MiB with 2048 MiB",
)
MEMORY_BELOW_VMM_MINIMUM = Rule(
    "memory-below-vmm-minimum",
    Severity.ERROR,
    "runtime-rs refuses default_memory below the VMM minimum (64 MiB, firecracker 128 MiB)",
)
MEMORY_SLOTS_ZERO = Rule(
    "memory-slots-zero", Severity.WARNING, "memory_slots = 0 is silently replaced"
)
MEMORY_SLOTS_REQUIRED = Rule(
    "memory-slots-required",
    Severity.ERROR,
    "runtime-rs firecracker has no default for memory_slots and refuses 0",
)
GUEST_SWAP_QEMU = Rule(
    "guest-swap-qemu", Severity.ERROR, "runtime-rs qemu refuses enable_guest_swap = true",
    releases=(("rs", "3.15", ""),),  # the qemu plugin's refusal came with guest swap (7787340ab6)
)
VHOST_USER_STORE_NEEDS_HUGEPAGES = Rule(
    "vhost-user-store-needs-hugepages",
    Severity.ERROR,
    "Go qemu cannot start a VM with enable_vhost_user_store but without enable_hugepages",
    when="start",
)

_RS_MIN_MEMORY: Final = {"firecracker": 128}


def check_memory_replaced(cfg: KataConfig) -> Iterator[Issue]:
    """``default_memory`` below 256 MiB under the Go runtime.

    The Go runtime replaces any value below 256 MiB, including 0, with 2048 MiB and says
    nothing, so the VM gets far more memory than written.

    Fails:
        [hypervisor.qemu]
        default_memory = 128

    Passes:
        [hypervisor.qemu]
        default_memory = 512
    """
    if cfg.runtime != "go":
        return
    for name, table in hv_tables(cfg):
        mem = as_int(table.get("default_memory"))
        if mem is not None and mem < 256:
            yield Issue(
                hkey(name, "default_memory"),
                f"default_memory ({mem} MiB) is below the 256 MiB minimum: the Go runtime "
                "silently uses 2048 MiB instead; set at least 256",
            )


def check_memory_below_vmm_minimum(cfg: KataConfig) -> Iterator[Issue]:
    """``default_memory`` below the VMM minimum under runtime-rs.

    runtime-rs refuses to load a table whose ``default_memory`` is below 64 MiB
    (firecracker: 128 MiB). 0 means "plugin default" except for openvmm, which has no
    default and refuses 0.

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.firecracker]
        default_memory = 64

    Passes:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.firecracker]
        default_memory = 2048
    """
    if cfg.runtime != "rs":
        return
    for name, table in hv_tables(cfg):
        mem = as_int(table.get("default_memory"))
        if mem is None:
            continue
        minimum = _RS_MIN_MEMORY.get(name, 64)
        if 0 < mem < minimum or (mem == 0 and name == "openvmm"):
            yield Issue(
                hkey(name, "default_memory"),
                f"default_memory ({mem} MiB) is below the {name} minimum of {minimum} MiB: "
                f"runtime-rs refuses to load; set at least {minimum}",
            )


def check_memory_slots_zero(cfg: KataConfig) -> Iterator[Issue]:
    """``memory_slots = 0``, which both runtimes silently replace.

    The Go runtime uses 10 slots, runtime-rs 128 (firecracker under runtime-rs has no
    default at all, see ``memory-slots-required``). Go's remote hypervisor ignores the key.

    Fails:
        [hypervisor.qemu]
        memory_slots = 0

    Passes:
        [hypervisor.qemu]
        memory_slots = 10
    """
    becomes = 10 if cfg.runtime == "go" else 128
    for name, table in hv_tables(cfg):
        if (cfg.runtime == "go" and name == "remote") or (
            cfg.runtime == "rs" and name == "firecracker"
        ):
            continue
        if as_int(table.get("memory_slots")) == 0:
            yield Issue(
                hkey(name, "memory_slots"),
                f"memory_slots = 0 is silently replaced by {becomes}; set the number of "
                "hotplug slots you want (upstream templates use 10)",
            )


def check_memory_slots_required(cfg: KataConfig) -> Iterator[Issue]:
    """Firecracker under runtime-rs with ``memory_slots`` missing or 0.

    runtime-rs gives every other plugin a default, but firecracker's stays 0 and the load
    fails.

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.firecracker]
        memory_slots = 0

    Passes:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.firecracker]
        memory_slots = 10
    """
    if cfg.runtime != "rs":
        return
    table = cfg.hypervisors.get("firecracker")
    if table is None:
        return
    slots = table.get("memory_slots")
    if "memory_slots" not in table:
        yield Issue("hypervisor.firecracker", _SLOTS_MSG.format(found="missing"))
    elif as_int(slots) == 0:
        yield Issue("hypervisor.firecracker.memory_slots", _SLOTS_MSG.format(found="0"))


_SLOTS_MSG: Final = (
    "memory_slots is {found}: runtime-rs firecracker has no default and refuses to load; "
    "set memory_slots = 10"
)


def check_guest_swap_qemu(cfg: KataConfig) -> Iterator[Issue]:
    """``enable_guest_swap = true`` for qemu under runtime-rs.

    runtime-rs supports guest swap only with clh, dragonball and openvmm; its qemu plugin
    refuses to load the table. (The Go runtime reads the key for qemu.)

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.qemu]
        enable_guest_swap = true

    Passes:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.qemu]
        enable_guest_swap = false
    """
    if cfg.runtime == "rs":
        table = cfg.hypervisors.get("qemu", {})
        if is_true(table.get("enable_guest_swap")):
            yield Issue(
                "hypervisor.qemu.enable_guest_swap",
                "enable_guest_swap = true: runtime-rs qemu refuses to load; set it to false "
                "or use clh, dragonball or openvmm",
            )


def check_vhost_user_store(cfg: KataConfig) -> Iterator[Issue]:
    """``enable_vhost_user_store`` without ``enable_hugepages`` (Go qemu).

    vhost-user devices need shared, hugepage-backed guest memory; the Go runtime fails to
    create the VM otherwise.

    Fails:
        [hypervisor.qemu]
        enable_vhost_user_store = true

    Passes:
        [hypervisor.qemu]
        enable_vhost_user_store = true
        enable_hugepages = true
    """
    if cfg.runtime != "go":
        return
    table = cfg.hypervisors.get("qemu", {})
    if is_true(table.get("enable_vhost_user_store")) and not is_true(table.get("enable_hugepages")):
        yield Issue(
            "hypervisor.qemu.enable_vhost_user_store",
            "enable_vhost_user_store = true needs enable_hugepages = true: the Go runtime "
            "fails to start the VM; set enable_hugepages = true",
        )


CHECKS: Final = (
    (MEMORY_REPLACED_BY_DEFAULT, check_memory_replaced),
    (MEMORY_BELOW_VMM_MINIMUM, check_memory_below_vmm_minimum),
    (MEMORY_SLOTS_ZERO, check_memory_slots_zero),
    (MEMORY_SLOTS_REQUIRED, check_memory_slots_required),
    (GUEST_SWAP_QEMU, check_guest_swap_qemu),
    (VHOST_USER_STORE_NEEDS_HUGEPAGES, check_vhost_user_store),
)
