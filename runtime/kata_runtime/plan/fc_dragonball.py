"""Firecracker's config file and Dragonball's in-process VM config (launch-plans §4, §5)."""

from __future__ import annotations

import math
from typing import Any

from kata_config import Effective
from kata_runtime.plan import kernel_params as kp
from kata_runtime.plan.context import Context
from kata_runtime.plan.model import CONSTANT, RUNTIME_STATE, Arg, Plan
from kata_runtime.plan.qemu_state import hv


def _root(eff: Effective) -> str:
    fstype = eff.hypervisor.rootfs_type or "ext4"
    flags = "data=ordered,errors=remount-ro ro" if fstype == "ext4" else "ro"
    return f"root=/dev/vda1 rootflags={flags} rootfstype={fstype}"


def firecracker(eff: Effective, ctx: Context) -> Plan:
    """Go: the ``fcConfig.json`` written before launch; runtime-rs: the same facts over its API."""
    h = eff.hypervisor
    vcpus = max(1, math.ceil(h.default_vcpus))
    if eff.flavour == "go":
        tail = ["pci=off", "reboot=k", "panic=1", "iommu=off", "net.ifnames=0",
                "random.trust_cpu=on", "acpi=off"]
        tail += ["console=ttyS0"] if h.enable_debug else ["8250.nr_uarts=0", "agent.log_vport=1025"]
        boot_args = " ".join([kp.join(kp.go_config_level(eff)), _root(eff), *tail])
    else:
        base = ["reboot=k", "panic=1", *kp.SYSTEMD]
        base += ["agent.log_vport=1025"] if h.enable_debug else []
        base += ["pci=off", "iommu=off", _root(eff)]
        agent = [p for piece in kp.rs_agent_params(eff) for p in piece.params]
        boot_args = " ".join([*base, *agent, *kp.split_params(h.kernel_params)])
    jailed = bool(h.jailer_path)
    kernel = "/vmlinux" if jailed else h.kernel
    drives: list[dict[str, Any]] = [{"drive_id": "rootfs", "is_read_only": True,
                                     "is_root_device": False,
                                     "path_on_host": "/rootfs" if jailed else h.image}]
    drives += [{"drive_id": f"drive_{i}", "is_read_only": False, "is_root_device": False,
                "path_on_host": f"/drive_{i}"} for i in range(8)]
    body: dict[str, Any] = {
        "boot-source": {"kernel_image_path": kernel, "boot_args": boot_args},
        "machine-config": {"mem_size_mib": h.default_memory, "vcpu_count": vcpus},
        "vsock": {"guest_cid": 3, "uds_path": "/kata.hvsock", "vsock_id": "root"},
        "drives": drives,
    }
    if eff.flavour == "go":
        body["machine-config"]["smt"] = False
        body["logger"] = {"level": "Debug" if h.enable_debug else "Error",
                          "log_path": "/logs.fifo"}
        body["metrics"] = {"metrics_path": "/metrics.fifo"}
    fields = (
        Arg("boot-source.kernel_image_path", kernel, hv("kernel", "jailer_path")),
        Arg("boot-source.boot_args", boot_args,
            hv("kernel_params", "rootfs_type", "enable_debug")),
        Arg("machine-config.mem_size_mib", str(h.default_memory), hv("default_memory")),
        Arg("machine-config.vcpu_count", str(vcpus), hv("default_vcpus")),
        Arg("drives[0].path_on_host", drives[0]["path_on_host"], hv("image", "jailer_path")),
        Arg("vsock", "/kata.hvsock", (), RUNTIME_STATE + " (hybrid vsock, CID 3)"),
    )
    vm = f"/run/vc/firecracker/{ctx.sandbox_id}" if eff.flavour == "go" else (
        f"/run/kata/{ctx.sandbox_id}")
    if jailed:
        binary = h.jailer_path
        args = [Arg("--id", ctx.sandbox_id, (), RUNTIME_STATE),
                Arg("--exec-file", h.path, hv("path")),
                Arg("--uid", "0", (), CONSTANT), Arg("--gid", "0", (), CONSTANT),
                Arg("--chroot-base-dir", "/run/vc" if eff.flavour == "go" else "/run/kata",
                    (), CONSTANT)]
        if eff.flavour == "go":
            args += [Arg("--daemonize", None, (), CONSTANT), Arg("--", None, (), CONSTANT),
                     Arg("--config-file", "/fcConfig.json", (), CONSTANT)]
        else:
            args += [Arg("--", None, (), CONSTANT), Arg("--api-sock", "/run/fc.sock", (),
                                                        CONSTANT)]
        keys = hv("jailer_path")
    else:
        binary = h.path
        args = [Arg("--api-sock", f"{vm}/root/run/firecracker.socket", (), CONSTANT)]
        if eff.flavour == "go":
            args.append(Arg("--config-file", f"{vm}/root/fcConfig.json", (), CONSTANT))
        keys = hv("path")
    kind = "fcConfig.json" if eff.flavour == "go" else "api: boot-source, machine-config, drives"
    return Plan("firecracker", eff.flavour, eff.arch, binary, keys, tuple(args), (), (),
                kind, body, fields)


def dragonball(eff: Effective, ctx: Context) -> Plan:
    """Dragonball runs inside the runtime-rs shim: no binary, a VM config instead."""
    h = eff.hypervisor
    vcpus = max(1, math.ceil(h.default_vcpus))
    base = ["reboot=k", "panic=1", *kp.SYSTEMD, _root(eff)]
    agent = [p for piece in kp.rs_agent_params(eff) for p in piece.params]
    body: dict[str, Any] = {
        "vm_config": {"vcpu_count": vcpus, "max_vcpu_count": h.default_maxvcpus,
                      "mem_size_mib": h.default_memory,
                      "mem_type": "hugetlbfs" if h.enable_hugepages else "shmem",
                      "serial_path": f"/run/kata/{ctx.sandbox_id}/console.sock",
                      "pci_hotplug_enabled": True},
        "boot_source": {"kernel": h.kernel, "initrd": h.initrd or None,
                        "boot_args": " ".join([*base, *agent,
                                               *kp.split_params(h.kernel_params)])},
        "vsock": {"guest_cid": 3, "uds_path": f"/run/kata/{ctx.sandbox_id}/root/kata.hvsock"},
        "shared_fs": {"kind": h.shared_fs, "cache": h.virtio_fs_cache,
                      "cache_size_mib": h.virtio_fs_cache_size},
        "rootfs": {"path": h.image, "driver": "virtio-blk"} if h.image else None,
        "seccomp": not h.disable_seccomp,
    }
    fields = (
        Arg("vm_config.vcpu_count", str(vcpus), hv("default_vcpus")),
        Arg("vm_config.max_vcpu_count", str(h.default_maxvcpus), hv("default_maxvcpus")),
        Arg("vm_config.mem_size_mib", str(h.default_memory), hv("default_memory")),
        Arg("boot_source.kernel", h.kernel, hv("kernel")),
        Arg("boot_source.boot_args", body["boot_source"]["boot_args"],
            hv("kernel_params", "rootfs_type", "block_device_driver")),
        Arg("shared_fs.kind", h.shared_fs, hv("shared_fs", "virtio_fs_cache")),
    )
    warnings = ("the Go runtime maps [hypervisor.dragonball] to a mock hypervisor",
                ) if eff.flavour == "go" else ()
    return Plan("dragonball", eff.flavour, eff.arch, "", (), (), (), warnings,
                "dragonball vm config (in-process)", body, fields)
