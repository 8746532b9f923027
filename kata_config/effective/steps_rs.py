"""runtime-rs's load-time normalisation, as data (kata-types ``adjust_config``, 4.1.0, our words).

runtime-rs first runs the hypervisor's own plugin (``qemu.rs``, ``ch.rs``, ...: fill in that
VMM's defaults), then the same generic adjustments for every hypervisor (block devices, boot
files, CPUs, devices, machine, memory, network, shared filesystem), then the ``[runtime]``
ones. It runs them again after applying pod annotations, so every step is idempotent.
Differences from 3.30.0 are named in the step's fact.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Final

from kata_config.effective.normalise import (
    Step,
    StepContext,
    above,
    always,
    builtin,
    const,
    differs,
    is_empty,
    is_zero,
    resolve_path,
)

QEMU: Final = frozenset({"qemu"})
CLH: Final = frozenset({"clh"})
DRAGONBALL: Final = frozenset({"dragonball"})
FIRECRACKER: Final = frozenset({"firecracker"})
REMOTE: Final = frozenset({"remote"})
VIRTIO_FS: Final = frozenset({"virtio-fs", "virtio-fs-nydus", "inline-virtio-fs"})
_FS_CACHE: Final = builtin("hypervisor.*", "virtio_fs_cache", "never")
"""The release's virtio_fs_cache for an empty one; "none" too, unless it is that value."""


def _plugin_defaults(names: frozenset[str], memory: int, slots: int | None) -> tuple[Step, ...]:
    steps = [
        Step("hypervisor.entropy_source", is_empty, const("/dev/urandom"),
             "an empty entropy_source means /dev/urandom", names),
        Step("hypervisor.default_memory", is_zero, const(memory),
             f"default_memory = 0 means this VMM's default, {memory} MiB", names),
    ]
    if slots is not None:
        steps.append(Step("hypervisor.memory_slots", is_zero, const(slots),
                          f"memory_slots = 0 means {slots}", names))
    return tuple(steps)


def _kernel(names: frozenset[str], name: str) -> Step:
    return Step("hypervisor.kernel", is_empty, const(name),
                f"an empty kernel means the bare file name {name} (relative to the shim's "
                "working directory)", names)


def _template(names: frozenset[str], since: str = "") -> Step:
    return Step("factory.template_path", is_empty, const("/run/vc/vm/template"),
                f"an empty template_path means /run/vc/vm/template{since}", names)


def _paths(key: str, names: frozenset[str] = frozenset()) -> Step:
    return Step(key, lambda v, _c: bool(v), resolve_path,
                f"runtime-rs makes {key.rsplit('.', 1)[1]} absolute and follows its symlinks",
                names)


def _split_trim(value: Any, _ctx: StepContext) -> str:
    # unlike the Go runtime, empty items are kept: "a,,b" stays "a,,b"
    return ",".join(item.strip() for item in value.split(","))


def _fs_on(ctx: StepContext, *, inline: bool = True) -> bool:
    kinds = VIRTIO_FS if inline else VIRTIO_FS - {"inline-virtio-fs"}
    return ctx.get("hypervisor.shared_fs") in kinds


def _block_on(ctx: StepContext) -> bool:
    return not ctx.get("hypervisor.disable_block_device_use")


def _resolve_each(value: Any, ctx: StepContext) -> tuple[str, ...]:
    return tuple(resolve_path(item, ctx) for item in value)


def _resolve_bind_mounts(value: Any, ctx: StepContext) -> tuple[str, ...]:
    # an entry may end in ":ro" or ":rw"; the path before it is resolved, the mode kept
    out = []
    for entry in value:
        mode = next((m for m in (":ro", ":rw") if entry.endswith(m)), "")
        out.append(resolve_path(entry.removesuffix(mode), ctx) + mode)
    return tuple(out)


def _resolve_images(value: Any, ctx: StepContext) -> tuple[Any, ...]:
    return tuple(replace(image, path=resolve_path(image.path, ctx)) if image.path else image
                 for image in value)


def _host_cpus(_value: Any, ctx: StepContext) -> float:
    return float(ctx.host.cpus or 0)


def _align(value: Any, ctx: StepContext) -> int:
    block = ctx.arch.rs_memory_block_mib
    return int(value // block * block)


PLUGINS: Final[tuple[Step, ...]] = (
    Step("hypervisor.path", is_empty, const("/usr/bin/qemu-system-x86_64"),
         "an empty path means /usr/bin/qemu-system-x86_64", QEMU),
    Step("hypervisor.path", is_empty, const("/usr/bin/cloud-hypervisor"),
         "an empty path means /usr/bin/cloud-hypervisor", CLH),
    _paths("hypervisor.path", QEMU | CLH),
    Step("hypervisor.rootfs_type", is_empty, const("ext4"),
         "an empty rootfs_type means ext4", QEMU),
    _paths("hypervisor.ctlpath", QEMU | CLH),
    _paths("hypervisor.jailer_path", DRAGONBALL),
    _kernel(QEMU | CLH | DRAGONBALL, "vmlinuz"),
    _kernel(FIRECRACKER, "vmlinux"),
    Step("hypervisor.default_bridges", is_zero, builtin("hypervisor.*", "default_bridges", 1),
         "default_bridges = 0 means 1 (2 through 3.24)", QEMU),
    Step("hypervisor.default_bridges", is_zero, const(2), "default_bridges = 0 means 2", CLH),
    Step("hypervisor.machine_type", is_empty, const("q35"),
         "an empty machine_type means q35", QEMU),
    Step("hypervisor.default_maxvcpus", above(256), const(256),
         "dragonball caps default_maxvcpus at 256", DRAGONBALL),
    Step("hypervisor.default_vcpus", lambda v, c: bool(v > c.get("hypervisor.default_maxvcpus")),
         lambda _v, c: float(c.get("hypervisor.default_maxvcpus")),
         "dragonball lowers default_vcpus to default_maxvcpus", DRAGONBALL),
    *_plugin_defaults(QEMU | CLH | DRAGONBALL, 128, 128),
    *_plugin_defaults(FIRECRACKER, 128, None),
    Step("hypervisor.default_memory", is_zero, const(64),
         "default_memory = 0 means the remote minimum, 64 MiB", REMOTE),
    Step("hypervisor.memory_slots", is_zero, const(128), "memory_slots = 0 means 128",
         REMOTE | frozenset({"openvmm"})),
    Step("hypervisor.hypervisor_socket", is_empty, const("/run/peerpod/hypervisor.sock"),
         "an empty hypervisor_socket means /run/peerpod/hypervisor.sock", REMOTE),
    _paths("hypervisor.hypervisor_socket", REMOTE),
    Step("hypervisor.hypervisor_timeout", is_zero, const(600),
         "hypervisor_timeout = 0 means 600 s", REMOTE),
    _template(QEMU | REMOTE),
    _template(CLH | DRAGONBALL, " (since 4.0)"),
    Step("runtime.internetworking_model", differs("none"), const("none"),
         "with the remote hypervisor the peer-pods agent does the networking, so "
         "internetworking_model is forced to none (since 4.0)", REMOTE),
    Step("runtime.disable_new_netns", differs(False), const(False),
         "with the remote hypervisor the pod needs its network namespace, so "
         "disable_new_netns is forced off (since 4.0)", REMOTE),
)
"""Each VMM's own defaults, applied before the generic adjustments."""

GENERIC: Final[tuple[Step, ...]] = (
    # block devices: all of it is skipped when block devices are off
    Step("hypervisor.block_device_driver", lambda v, c: bool(v) and not _block_on(c), const(""),
         "disable_block_device_use clears block_device_driver"),
    Step("hypervisor.enable_vhost_user_store", lambda v, c: v and not _block_on(c), const(False),
         "disable_block_device_use turns the vhost-user store off"),
    Step("hypervisor.memory_offset", lambda v, c: bool(v) and not _block_on(c), const(0),
         "disable_block_device_use resets memory_offset to 0"),
    Step("hypervisor.block_device_driver", lambda v, c: not v and _block_on(c),
         builtin("hypervisor.*", "block_device_driver", "virtio-blk-pci"),
         "an empty block_device_driver means virtio-blk-pci (virtio-blk through 3.1)"),
    Step("hypervisor.block_device_aio", lambda v, c: not v and _block_on(c), const("io_uring"),
         "an empty block_device_aio means io_uring"),
    Step("hypervisor.num_queues", lambda v, c: v == 0 and _block_on(c), const(1),
         "num_queues = 0 means 1"),
    Step("hypervisor.queue_size", lambda v, c: v == 0 and _block_on(c), const(128),
         "queue_size = 0 means 128"),
    Step("hypervisor.vhost_user_store_path",
         lambda v, c: bool(v) and _block_on(c) and not c.get("hypervisor.enable_vhost_user_store"),
         const(""), "without enable_vhost_user_store the store path is cleared"),
    Step("hypervisor.vhost_user_store_path",
         lambda v, c: not v and _block_on(c) and c.get("hypervisor.enable_vhost_user_store"),
         const("/var/run/vhost-user"), "an empty vhost_user_store_path means /var/run/vhost-user"),
    _paths("hypervisor.vhost_user_store_path"),
    # boot files
    _paths("hypervisor.kernel"),
    _paths("hypervisor.image"),
    _paths("hypervisor.initrd"),
    _paths("hypervisor.firmware"),
    Step("hypervisor.vm_rootfs_driver", is_empty, const("virtio-blk-pci"),
         "an empty vm_rootfs_driver means virtio-blk-pci"),
    # CPUs
    Step("hypervisor.cpu_features", always, _split_trim,
         "cpu_features is split on commas and each item trimmed"),
    Step("hypervisor.default_maxvcpus",
         lambda v, c: bool(v == 0 or v > (c.host.cpus or 0)), lambda _v, c: c.host.cpus,
         "default_maxvcpus = 0, or above the host's CPU count, becomes that count",
         needs="cpus"),
    Step("hypervisor.default_vcpus", lambda v, c: bool(v < 0 or v > (c.host.cpus or 0)),
         _host_cpus, "default_vcpus below 0 or above the host's CPU count becomes that count",
         needs="cpus"),
    Step("hypervisor.default_vcpus", is_zero, const(1.0), "default_vcpus = 0 means 1"),
    Step("hypervisor.default_vcpus", lambda v, c: bool(v > c.get("hypervisor.default_maxvcpus")),
         lambda _v, c: float(c.get("hypervisor.default_maxvcpus")),
         "default_vcpus above default_maxvcpus is lowered to it", needs="cpus"),
    Step("hypervisor.default_bridges", above(5), const(5), "default_bridges is capped at 5"),
    # machine
    Step("hypervisor.machine_accelerators", always, _split_trim,
         "machine_accelerators is split on commas and each item trimmed"),
    Step("hypervisor.pflashes", lambda v, _c: bool(v), _resolve_each,
         "runtime-rs makes each pflash image absolute and follows its symlinks"),
    _paths("hypervisor.entropy_source"),
    # memory
    Step("hypervisor.default_memory", lambda v, c: bool(v > (c.host.memory_mib or 0)),
         lambda _v, c: c.host.memory_mib,
         "default_memory above the host's RAM becomes the host's RAM", needs="memory_mib"),
    Step("hypervisor.default_maxmemory",
         lambda v, c: bool(v == 0 or v > (c.host.memory_mib or 0)),
         lambda _v, c: c.host.memory_mib,
         "default_maxmemory = 0, or above the host's RAM, becomes the host's RAM",
         needs="memory_mib"),
    Step("hypervisor.default_memory",
         lambda v, c: bool(v < c.arch.rs_min_memory_mib), lambda _v, c: c.arch.rs_min_memory_mib,
         "on this arch default_memory is raised to the minimum QEMU needs"),
    Step("hypervisor.default_memory", lambda v, c: bool(c.arch.rs_memory_block_mib), _align,
         "on this arch default_memory is rounded down to QEMU's memory block size"),
    Step("hypervisor.default_maxmemory", lambda v, c: bool(c.arch.rs_memory_block_mib), _align,
         "on this arch default_maxmemory is rounded down to QEMU's memory block size"),
    # network
    Step("hypervisor.network_queues", is_zero, const(1), "network_queues = 0 means 1"),
    Step("hypervisor.network_queues", above(256), const(256), "network_queues is capped at 256"),
    # shared filesystem: "none" means no shared filesystem, an empty value virtio-fs
    Step("hypervisor.shared_fs", is_empty, const("virtio-fs"),
         "an empty shared_fs means virtio-fs"),
    Step("hypervisor.virtio_fs_daemon", lambda v, c: bool(v) and _fs_on(c, inline=False),
         resolve_path, "runtime-rs makes virtio_fs_daemon absolute and follows its symlinks"),
    Step("hypervisor.virtio_fs_cache", lambda v, c: v in ("", "none") and _fs_on(c)
         and v != _FS_CACHE(v, c), _FS_CACHE,
         "an empty (or the deprecated none) virtio_fs_cache means never (3.0: empty means "
         "none)"),
    Step("hypervisor.virtio_fs_cache_size",
         lambda v, c: v == 0 and _fs_on(c) and c.get("hypervisor.virtio_fs_is_dax"), const(1024),
         "virtio_fs_is_dax without a cache size means a 1024 MiB DAX window"),
    Step("hypervisor.virtio_fs_is_dax",
         lambda v, c: not v and _fs_on(c) and c.get("hypervisor.virtio_fs_cache_size") != 0,
         const(True), "a non-zero virtio_fs_cache_size turns virtio_fs_is_dax on"),
    _paths("hypervisor.prefetch_list_path"),
    Step("hypervisor.guest_extension_images", lambda v, _c: bool(v), _resolve_images,
         "runtime-rs makes each extension image's path absolute and follows its symlinks "
         "(since 4.0)"),
    Step("runtime.internetworking_model", is_empty, const("tcfilter"),
         "an empty internetworking_model means tcfilter"),
    Step("runtime.sandbox_bind_mounts", lambda v, _c: bool(v), _resolve_bind_mounts,
         "runtime-rs resolves each sandbox bind mount's path (keeping a :ro or :rw suffix)"),
)
"""What every hypervisor table gets after its plugin, in upstream's order."""

STEPS: Final[tuple[Step, ...]] = (*PLUGINS, *GENERIC)
