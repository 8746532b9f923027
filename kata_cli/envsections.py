"""The settings ``kata-config env`` shows, read from the typed ``Effective``.

At least what ``kata-runtime env`` (Go) and ``kata-ctl env`` (runtime-rs) print, by their
field names' meaning: boot assets, sizes, block and shared-fs choices, VFIO and PCIe ports,
security switches, debug and tracing. Each section is spelt with typed attributes, so mypy
catches a misspelt key; keys the loading runtime does not read are then dropped, using the
public catalogue (``KeyInfo.read_by``).
"""

from __future__ import annotations

from typing import Any

from kata_config import Effective, Origin, catalogue


def _hypervisor(eff: Effective) -> dict[str, Any]:
    h = eff.hypervisor
    return {
        "path": h.path, "machine_type": h.machine_type, "kernel": h.kernel, "image": h.image,
        "initrd": h.initrd, "firmware": h.firmware, "kernel_params": h.kernel_params,
        "default_vcpus": h.default_vcpus, "default_maxvcpus": h.default_maxvcpus,
        "default_memory": h.default_memory, "default_maxmemory": h.default_maxmemory,
        "memory_slots": h.memory_slots, "enable_virtio_mem": h.enable_virtio_mem,
        "enable_hugepages": h.enable_hugepages, "default_bridges": h.default_bridges,
        "block_device_driver": h.block_device_driver, "shared_fs": h.shared_fs,
        "virtio_fs_daemon": h.virtio_fs_daemon, "virtio_fs_cache": h.virtio_fs_cache,
        "msize_9p": h.msize_9p, "entropy_source": h.entropy_source,
        "hot_plug_vfio": h.hot_plug_vfio, "cold_plug_vfio": h.cold_plug_vfio,
        "pcie_root_port": h.pcie_root_port, "pcie_switch_port": h.pcie_switch_port,
        "enable_iommu": h.enable_iommu, "confidential_guest": h.confidential_guest,
        "rootless": h.rootless, "disable_seccomp": h.disable_seccomp,
        "guest_hook_path": h.guest_hook_path, "enable_annotations": h.enable_annotations,
        "enable_debug": h.enable_debug,
    }


def _agent(eff: Effective) -> dict[str, Any]:
    a = eff.agent
    return {
        "enable_debug": a.enable_debug, "enable_tracing": a.enable_tracing,
        "debug_console_enabled": a.debug_console_enabled, "kernel_modules": a.kernel_modules,
        "dial_timeout": a.dial_timeout, "dial_timeout_ms": a.dial_timeout_ms,
        "create_container_timeout": a.create_container_timeout,
    }


def _runtime(eff: Effective) -> dict[str, Any]:
    r = eff.runtime
    return {
        "enable_debug": r.enable_debug, "enable_tracing": r.enable_tracing,
        "internetworking_model": r.internetworking_model,
        "disable_new_netns": r.disable_new_netns, "disable_guest_seccomp":
        r.disable_guest_seccomp, "sandbox_cgroup_only": r.sandbox_cgroup_only,
        "static_sandbox_resource_mgmt": r.static_sandbox_resource_mgmt,
        "guest_selinux_label": r.guest_selinux_label, "vfio_mode": r.vfio_mode,
        "enable_pprof": r.enable_pprof, "experimental": r.experimental,
        "create_container_timeout": r.create_container_timeout,
    }


def _factory(eff: Effective) -> dict[str, Any]:
    f = eff.factory
    return {"enable_template": f.enable_template, "vm_cache_number": f.vm_cache_number}


SECTIONS = {"hypervisor": _hypervisor, "agent": _agent, "runtime": _runtime,
            "factory": _factory}
"""Section name -> the settings shown for it (typed reads of ``Effective``)."""


def settings(eff: Effective) -> dict[str, dict[str, Any]]:
    """Every shown setting per section, only keys the loading runtime reads."""
    read = {info.key for info in catalogue()
            if info.read_by(eff.flavour, eff.hypervisor_name)}
    return {name: {k: v for k, v in pick(eff).items() if f"{name}.{k}" in read}
            for name, pick in SECTIONS.items()}


def origins(eff: Effective, shown: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Where each shown value came from, by section-form key."""
    return {f"{name}.{key}": _origin(eff.origin(f"{name}.{key}"))
            for name, values in shown.items() for key in values}


def _origin(origin: Origin) -> dict[str, Any]:
    return {"kind": origin.kind, "path": origin.path, "line": origin.line,
            "previous": origin.previous, "note": origin.note}
