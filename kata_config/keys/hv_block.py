"""Hypervisor keys: block storage and I/O (config-keys.md §5.4)."""

from __future__ import annotations

from typing import Final

from kata_config.keys.hv_base import BOOL, GO, INT, RS, STR, STRS, go_except, go_only, hv
from kata_config.keys.spec import KeySpec

# Both runtimes take an empty driver as "use the default" (validation-rules B1, B7).
_GO_DRIVERS: Final = ("", "virtio-scsi", "virtio-blk", "virtio-mmio", "nvdimm", "virtio-blk-ccw")
_RS_DRIVERS: Final = (
    "",
    "virtio-blk-pci",
    "virtio-blk-ccw",
    "virtio-blk-mmio",
    "virtio-pmem",
    "virtio-scsi",
)
# Go reads the rate limiters in the clh builder only; runtime-rs in these three VMMs.
_DISK_LIMITER_READERS: Final = {
    "go": frozenset({"clh"}),
    "rs": frozenset({"clh", "firecracker", "dragonball"}),
}
_SECTOR: Final = {"unit": "bytes", "minimum": 0, "maximum": 65536}

KEYS: Final[tuple[KeySpec, ...]] = (
    hv(
        "disable_block_device_use", BOOL, "Keep container rootfs off guest block devices.",
        default=False, readers=go_except("firecracker"),
    ),
    hv(
        "block_device_driver", STR, "Device type used to hand block devices to the guest.",
        defaults={"go": "virtio-scsi", "rs": "virtio-blk-pci"},
        choices={"go": _GO_DRIVERS, "rs": _RS_DRIVERS},
        readers=go_only("qemu", "clh", "firecracker", "stratovirt"),
    ),
    hv(
        "block_device_aio", STR, "Asynchronous I/O engine QEMU uses for block devices.",
        default="io_uring", choices=("", "io_uring", "native", "threads"),
        readers=go_only("qemu"),
    ),
    hv(
        "block_device_cache_set", BOOL, "Apply the block cache options below to block devices.",
        default=False, readers=go_except("firecracker", "stratovirt"),
    ),
    hv(
        "block_device_cache_direct", BOOL, "Open block device backing files with O_DIRECT.",
        default=False, readers=go_except("stratovirt"),
    ),
    hv(
        "block_device_cache_noflush", BOOL, "Ignore guest flush requests on block devices.",
        default=False, readers=go_except("clh", "firecracker", "stratovirt"),
    ),
    hv(
        "block_device_logical_sector_size", INT, "Guest logical sector size; 0 = default.",
        default=0, annotation="blk_logical_sector_size", readers=go_only("qemu", "stratovirt"),
        **_SECTOR,
    ),
    hv(
        "block_device_physical_sector_size", INT, "Guest physical sector size; 0 = default.",
        default=0, annotation="blk_physical_sector_size", readers=go_only("qemu", "stratovirt"),
        **_SECTOR,
    ),
    hv(
        "disable_image_nvdimm", BOOL, "Attach the root image as a block device instead of NVDIMM.",
        default=False, annotation="", readers=go_except("clh"),
    ),
    hv(
        "enable_iothreads", BOOL, "Serve block I/O from a dedicated QEMU I/O thread.",
        default=False,
    ),
    hv(
        "indep_iothreads", INT, "Independent I/O threads for hotplugged virtio-blk devices.",
        default=0, minimum=0,
    ),
    hv(
        "queue_size", INT, "Virtqueue depth of guest block devices.",
        runtimes=RS, default=128, minimum=0, annotation="block_device_queue_size",
    ),
    hv(
        "num_queues", INT, "Number of virtqueues per guest block device.",
        runtimes=RS, default=1, minimum=0, annotation="block_device_num_queues",
    ),
    hv(
        "enable_vhost_user_store", BOOL, "Allow vhost-user block devices from a host store.",
        default=False,
    ),
    hv(
        "vhost_user_store_path", STR, "Host directory holding vhost-user device sockets.",
        # runtime-rs applies its default only when the store is enabled and clears it otherwise.
        defaults={"go": "/var/run/kata-containers/vhost-user/", "rs": "/var/run/vhost-user"},
    ),
    hv(
        "valid_vhost_user_store_paths", STRS,
        "Glob patterns a vhost_user_store_path annotation must match.",
        default=[],
    ),
    hv(
        "vhost_user_reconnect_timeout_sec", INT, "How long to retry a lost vhost-user connection.",
        runtimes=GO, default=0, unit="s", minimum=0, readers=go_only("qemu"),
    ),
    hv(
        "disk_rate_limiter_bw_max_rate", INT, "Bandwidth cap for each guest disk; 0 = unlimited.",
        default=0, unit="bits/s", minimum=0, readers=_DISK_LIMITER_READERS,
    ),
    hv(
        "disk_rate_limiter_ops_max_rate", INT, "I/O operations cap per guest disk; 0 = unlimited.",
        default=0, unit="ops/s", minimum=0, readers=_DISK_LIMITER_READERS,
    ),
    hv(
        "disk_rate_limiter_bw_one_time_burst", INT, "Extra bandwidth a disk may burst once.",
        default=0, minimum=0, readers=_DISK_LIMITER_READERS,
    ),
    hv(
        "disk_rate_limiter_ops_one_time_burst", INT, "Extra I/O operations a disk may burst once.",
        default=0, minimum=0, readers=_DISK_LIMITER_READERS,
    ),
)
