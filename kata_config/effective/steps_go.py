"""The Go runtime's load-time normalisation, as data (katautils/config.go 3.30.0, our words).

Each hypervisor table is built by its own loader (``newQemuHypervisorConfig``, ...), so a
rewrite applies only to the hypervisors whose loader performs it (``hypervisors``). Two
rewrites happen a little later, when the sandbox is created (virtcontainers
``validateHypervisorConfig``): the s390x CCW block driver and the arch cap on
``default_maxvcpus`` repeat there, and are listed here because every VM gets them.
"""

from __future__ import annotations

from typing import Any, Final

from kata_config.effective.normalise import (
    Step,
    StepContext,
    above,
    always,
    below,
    builtin,
    const,
    differs,
    is_empty,
    is_zero,
    resolve_path,
)

QEMU: Final = frozenset({"qemu"})
QEMU_CLH: Final = frozenset({"qemu", "clh"})
BINARY_VMMS: Final = frozenset({"qemu", "clh", "firecracker", "stratovirt"})
"""Hypervisors whose Go loader resolves ``path``, ``initrd`` and most sizing keys."""
VMS: Final = BINARY_VMMS | {"dragonball"}
"""Every Go loader that sizes a VM (remote sizes nothing itself)."""
SHARED_FS_VMMS: Final = frozenset({"qemu", "clh", "stratovirt"})


def _host_cpus(ctx: StepContext) -> int:
    # getCurrentCpuNum: the host's CPUs, but never more than the arch's vCPU cap
    return min(ctx.host.cpus or 0, ctx.arch.go_max_vcpus)


def _paths(key: str, hypervisors: frozenset[str]) -> Step:
    return Step(f"hypervisor.{key}", lambda v, _c: bool(v), resolve_path,
                f"the Go runtime makes {key} absolute and follows its symlinks at load",
                hypervisors)


def _trim(value: Any, _ctx: StepContext) -> str:
    return ",".join(item.strip() for item in value.split(",") if item)

def _on_ccw(value: Any, ctx: StepContext) -> bool:
    return bool(value == "virtio-blk" and ctx.get("hypervisor.machine_type") == "s390-ccw-virtio")

def _no_firmware(value: Any, ctx: StepContext) -> bool:
    return (ctx.arch.go_nvdimm_needs_firmware and not value
            and not ctx.get("hypervisor.firmware") and not ctx.get("hypervisor.pflashes"))

STEPS: Final[tuple[Step, ...]] = (
    Step("hypervisor.path", is_empty, const("/usr/bin/qemu-system-x86_64"),
         "an empty path means the built-in /usr/bin/qemu-system-x86_64 (on every arch)",
         BINARY_VMMS),
    _paths("path", BINARY_VMMS),
    _paths("jailer_path", frozenset({"firecracker"})),
    Step("hypervisor.kernel", is_empty, const("/usr/share/kata-containers/vmlinuz.container"),
         "an empty kernel means the built-in /usr/share/kata-containers/vmlinuz.container", VMS),
    _paths("kernel", VMS),
    _paths("initrd", BINARY_VMMS),
    _paths("image", VMS),
    _paths("firmware", frozenset({"qemu", "clh", "firecracker"})),
    _paths("firmware_volume", QEMU),
    Step("hypervisor.rootfs_type", is_empty, const("ext4"),
         "an empty rootfs_type means ext4", VMS),
    Step("hypervisor.machine_accelerators", always, _trim,
         "machine_accelerators is split on commas, items trimmed and empty ones dropped",
         QEMU_CLH),
    Step("hypervisor.cpu_features", always, _trim,
         "cpu_features is split on commas, items trimmed and empty ones dropped", QEMU),
    Step("hypervisor.machine_type", is_empty, builtin("hypervisor.*", "machine_type", "q35"),
         "an empty machine_type means q35 (the built-in value is not arch-aware; pc until "
         "2.1)",
         SHARED_FS_VMMS),
    Step("hypervisor.default_vcpus", is_zero, const(1.0),
         "default_vcpus = 0 means 1 vCPU", VMS),
    Step("hypervisor.default_vcpus",
         lambda v, c: bool(v < 0 or v > _host_cpus(c)), lambda _v, c: float(_host_cpus(c)),
         "default_vcpus below 0 or above the host's CPU count (capped at the arch's vCPU "
         "limit) becomes that count", VMS, needs="cpus"),
    Step("hypervisor.default_maxvcpus",
         lambda v, c: bool(v == 0 or v >= (c.host.cpus or 0)), lambda _v, c: c.host.cpus,
         "default_maxvcpus = 0, or at least the host's CPU count, becomes the host's CPU count",
         VMS, needs="cpus"),
    Step("hypervisor.default_maxvcpus", lambda v, c: bool(v > c.arch.go_max_vcpus),
         lambda _v, c: c.arch.go_max_vcpus,
         "default_maxvcpus is capped at the arch's vCPU limit", VMS),
    Step("hypervisor.default_memory", below(256), const(2048),
         "default_memory below 256 MiB is replaced by 2048 MiB", VMS),
    Step("hypervisor.memory_slots", is_zero, const(10), "memory_slots = 0 means 10", VMS),
    Step("hypervisor.default_maxmemory",
         lambda v, c: bool(v == 0 or v > (c.host.memory_mib or 0)),
         lambda _v, c: c.host.memory_mib,
         "default_maxmemory = 0, or above the host's RAM, becomes the host's RAM in MiB",
         BINARY_VMMS, needs="memory_mib"),
    Step("hypervisor.default_bridges", is_zero, const(1),
         "default_bridges = 0 means 1", BINARY_VMMS),
    Step("hypervisor.default_bridges", above(5), const(5),
         "default_bridges is capped at 5", BINARY_VMMS),
    Step("hypervisor.pcie_root_port", above(16), const(16),
         "pcie_root_port is capped at 16", QEMU_CLH),
    Step("hypervisor.pcie_switch_port", above(16), const(16),
         "pcie_switch_port is capped at 16", QEMU_CLH),
    Step("hypervisor.hot_plug_vfio", is_empty, const("no-port"),
         "an empty hot_plug_vfio means no-port", QEMU_CLH),
    Step("hypervisor.cold_plug_vfio", is_empty, const("no-port"),
         "an empty cold_plug_vfio means no-port", QEMU_CLH),
    Step("hypervisor.entropy_source", is_empty, const("/dev/urandom"),
         "an empty entropy_source means /dev/urandom", VMS),
    Step("hypervisor.shared_fs", is_empty, builtin("hypervisor.*", "shared_fs", "virtio-fs"),
         "an empty shared_fs means virtio-fs (virtio-9p until 2.3)", SHARED_FS_VMMS),
    Step("hypervisor.shared_fs", differs("none"), const("none"),
         "the remote hypervisor never shares a filesystem with the guest (its loader ignores "
         "shared_fs and sets none)", frozenset({"remote"})),
    Step("hypervisor.block_device_driver", is_empty, const("virtio-scsi"),
         "an empty block_device_driver means virtio-scsi", BINARY_VMMS),
    Step("hypervisor.block_device_driver", _on_ccw, const("virtio-blk-ccw"),
         "virtio-blk on an s390-ccw-virtio machine is rewritten to virtio-blk-ccw when the "
         "sandbox is created", BINARY_VMMS),
    Step("hypervisor.block_device_driver", differs("dummy"), const("dummy"),
         "the remote hypervisor sets a placeholder driver so no block device is attached",
         frozenset({"remote"})),
    Step("hypervisor.block_device_aio", is_empty, const("io_uring"),
         "an empty block_device_aio means io_uring", QEMU),
    Step("hypervisor.virtio_fs_cache", is_empty, const("never"),
         "an empty virtio_fs_cache means never (Cloud Hypervisor keeps it empty)",
         frozenset({"qemu", "stratovirt"})),
    Step("hypervisor.msize_9p", is_zero, const(8192), "msize_9p = 0 means 8192", QEMU_CLH),
    Step("hypervisor.hypervisor_loglevel", is_zero, const(1),
         "hypervisor_loglevel = 0 means 1", SHARED_FS_VMMS),
    Step("hypervisor.hypervisor_loglevel", above(3), const(3),
         "hypervisor_loglevel is capped at 3", SHARED_FS_VMMS),
    Step("hypervisor.vhost_user_store_path", is_empty,
         const("/var/run/kata-containers/vhost-user/"),
         "an empty vhost_user_store_path means /var/run/kata-containers/vhost-user/", QEMU),
    Step("hypervisor.measurement_algo", is_empty, const("sha512"),
         "an empty measurement_algo means sha512", QEMU_CLH),
    Step("hypervisor.disable_image_nvdimm",
         lambda v, c: not v and c.get("hypervisor.machine_type") == "microvm", const(True),
         "the microvm machine has no NVDIMM, so disable_image_nvdimm is forced on", QEMU),
    Step("hypervisor.disable_image_nvdimm", _no_firmware, const(True),
         "on this arch NVDIMM needs UEFI firmware: with neither firmware nor pflashes set, "
         "disable_image_nvdimm is forced on", QEMU),
    Step("hypervisor.disable_vhost_net", differs(True), const(True),
         "this hypervisor has no vhost-net backend, so disable_vhost_net is forced on",
         frozenset({"clh", "firecracker", "stratovirt"})),
    Step("hypervisor.disable_guest_selinux", differs(True), const(True),
         "guest SELinux is not supported with this hypervisor, so it is forced off",
         frozenset({"firecracker", "remote"})),
    Step("hypervisor.remote_hypervisor_socket", is_empty, const("/run/peerpod/hypervisor.sock"),
         "an empty remote_hypervisor_socket means /run/peerpod/hypervisor.sock",
         frozenset({"remote"})),
    Step("hypervisor.remote_hypervisor_timeout", is_zero, const(600),
         "remote_hypervisor_timeout = 0 means 600 s", frozenset({"remote"})),
    Step("factory.template_path", is_empty, const("/run/vc/vm/template"),
         "an empty template_path means /run/vc/vm/template"),
    Step("factory.vm_cache_endpoint", is_empty, const("/var/run/kata-containers/cache.sock"),
         "an empty vm_cache_endpoint means /var/run/kata-containers/cache.sock"),
)
"""In the order the Go loader applies them (paths first, then sizes, then devices)."""

