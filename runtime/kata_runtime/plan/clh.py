"""Cloud Hypervisor: the launch command and the ``vm.create`` body (launch-plans §3)."""

from __future__ import annotations

import math
from typing import Any

from kata_config import Effective, arch_spec
from kata_runtime.plan import kernel_params as kp
from kata_runtime.plan.context import Context
from kata_runtime.plan.model import CONSTANT, RUNTIME_STATE, Arg, Plan
from kata_runtime.plan.qemu_state import hv

MIB = 1 << 20


def _cmdline(eff: Effective) -> tuple[str, tuple[str, ...]]:
    h = eff.hypervisor
    fstype = h.rootfs_type or "ext4"
    flags = "data=ordered,errors=remount-ro ro" if fstype == "ext4" else "ro"
    if eff.flavour == "rs":
        base = ["reboot=k", "panic=1", *kp.SYSTEMD]
        base += ["agent.log_vport=1025"] if h.enable_debug else []
        base += ["console=ttyS0", "systemd.log_target=console"] if h.enable_debug else ["quiet"]
        base += [f"root=/dev/vda1 rootflags={flags} rootfstype={fstype}"]
        base += ["no_timer_check", "noreplace-smp", "systemd.log_target=console"]
        rest = [*(p for piece in kp.rs_agent_params(eff) for p in piece.params),
                *kp.split_params(h.kernel_params)]
        return " ".join(base + rest), hv("kernel_params", "rootfs_type", "enable_debug")
    parts = [f"root=/dev/vda1 rootflags={flags} rootfstype={fstype}", "panic=1",
             "no_timer_check", "noreplace-smp"]
    if h.enable_iommu:
        parts.append("iommu=pt")
    if h.enable_debug:
        console = arch_spec(eff.arch).serial_console
        parts += [f"console={console},115200n8", "systemd.log_target=console"]
    else:
        parts.append("quiet")
    parts.append(kp.join(kp.go_config_level(eff)))
    return " ".join(p for p in parts if p), hv("kernel_params", "rootfs_type", "enable_debug",
                                                "enable_iommu", "image", "block_device_driver")


def build(eff: Effective, ctx: Context) -> Plan:
    """The ``vm.create`` body Cloud Hypervisor is sent, with each field's keys."""
    h = eff.hypervisor
    rs = eff.flavour == "rs"
    run = ctx.run_dir(eff.flavour)
    vcpus = max(1, math.ceil(h.default_vcpus))
    top = h.default_maxvcpus
    cmdline, cmd_keys = _cmdline(eff)
    body: dict[str, Any] = {
        "cpus": {"boot_vcpus": vcpus, "max_vcpus": top, "kvm_hyperv": False, "nested": True,
                 "topology": {"threads_per_core": 1, "cores_per_die": top,
                              "dies_per_package": 1, "packages": 1}},
        "memory": {"size": h.default_memory * MIB,
                   "hotplug_size": (h.default_maxmemory - (h.default_memory if rs else 0)) * MIB,
                   "shared": rs or h.shared_fs != "none" or h.enable_hugepages,
                   "hugepages": h.enable_hugepages and not rs, "mergeable": False,
                   "hotplug_method": "Acpi", "prefault": h.enable_mem_prealloc and rs,
                   "thp": True},
        "payload": {"kernel": h.kernel, "cmdline": cmdline},
        "rng": {"src": h.entropy_source or "/dev/urandom", "iommu": h.enable_iommu},
        "serial": {"mode": "Tty" if h.enable_debug else "Off", "iommu": False},
        "console": {"mode": "Off", "iommu": False},
        "vsock": {"cid": 3, "socket": f"{run}/{'ch-vm' if rs else 'clh'}.sock",
                  "iommu": h.enable_iommu},
        "iommu": False, "watchdog": False, "pvpanic": False, "landlock_enable": False,
    }
    if not rs:
        body["platform"] = {"num_pci_segments": 2, "tdx": False, "sev_snp": False}
    if h.initrd:
        body["payload"]["initramfs"] = h.initrd
    if h.image:
        body["disks"] = [{"path": h.image, "readonly": True, "image_type": "Raw",
                          "direct": False, "iommu": False, "num_queues": 1, "queue_size": 128,
                          "vhost_user": False, "backing_files": False, "sparse": True}]
    if h.shared_fs in ("virtio-fs", "virtio-fs-nydus"):
        sock = f"{run}/root/virtiofsd.sock" if rs else f"{run}/virtiofsd.sock"
        fs: dict[str, Any] = {"tag": "kataShared", "socket": sock, "num_queues": 1,
                              "queue_size": h.virtio_fs_queue_size if rs else 1024}
        if not rs:
            fs["pci_segment"] = 1
        body["fs"] = [fs]
    if h.reclaim_guest_freed_memory and not h.confidential_guest:
        body["balloon"] = {"size": 0, "deflate_on_oom": False, "free_page_reporting": True}
    fields = (
        Arg("cpus.boot_vcpus", str(vcpus), hv("default_vcpus")),
        Arg("cpus.max_vcpus", str(top), hv("default_maxvcpus")),
        Arg("memory.size", str(body["memory"]["size"]), hv("default_memory")),
        Arg("memory.hotplug_size", str(body["memory"]["hotplug_size"]),
            hv("default_maxmemory", "default_memory")),
        Arg("memory.shared", str(body["memory"]["shared"]).lower(),
            hv("shared_fs", "enable_hugepages")),
        Arg("payload.kernel", h.kernel, hv("kernel")),
        Arg("payload.cmdline", cmdline, cmd_keys),
        Arg("disks[0].path", h.image, hv("image")) if h.image else Arg(
            "payload.initramfs", h.initrd, hv("initrd")),
        Arg("rng.src", body["rng"]["src"], hv("entropy_source")),
        Arg("vsock", body["vsock"]["socket"], (), RUNTIME_STATE + " (hybrid vsock, CID 3)"),
        Arg("serial.mode", body["serial"]["mode"], hv("enable_debug")),
    )
    api = f"{run}/{'ch-api' if rs else 'clh-api'}.sock"
    args = [Arg("--api-socket", api, (), CONSTANT)]
    if h.disable_seccomp:
        args.append(Arg("--seccomp", "false", hv("disable_seccomp")))
    warnings = ("virtio-9p is not supported by Cloud Hypervisor: the runtime refuses to load",
                ) if h.shared_fs == "virtio-9p" else ()
    return Plan("clh", eff.flavour, eff.arch, h.path or "/usr/bin/cloud-hypervisor", hv("path"),
                tuple(args), (), warnings, "vm.create", body, fields)
