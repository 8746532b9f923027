"""Hypervisor keys: binaries, boot assets and firmware (config-keys.md §5.1)."""

from __future__ import annotations

from typing import Final

from kata_config.keys.hv_base import BOTH, GO, RS, STR, STRS, go_except, go_only, hv
from kata_config.keys.spec import REQUIRED, KeySpec

_QEMU: Final = "/usr/bin/qemu-system-x86_64"
_ROOTFS_DRIVERS: Final = (
    "",
    "virtio-blk-pci",
    "virtio-blk-ccw",
    "virtio-blk-mmio",
    "virtio-pmem",
    "virtio-scsi",
)

KEYS: Final[tuple[KeySpec, ...]] = (
    hv(
        "path", STR, "Host path of the hypervisor (VMM) binary to launch.",
        # Go falls back to the x86 QEMU path for every hypervisor type, on every arch.
        defaults={
            "go": _QEMU,
            "rs.qemu": _QEMU,
            "rs.clh": "/usr/bin/cloud-hypervisor",
            "rs.firecracker": REQUIRED,
            "rs.openvmm": REQUIRED,
            "rs.dragonball": "",
        },
        readers=go_except("remote", "dragonball"),
    ),
    hv(
        "valid_hypervisor_paths", STRS,
        "Glob patterns a path annotation must match; an empty list refuses every override.",
        default=[],
    ),
    hv(
        "jailer_path", STR, "Host path of the jailer that confines the VMM (Firecracker).",
        default="", readers=go_only("firecracker"),
    ),
    hv(
        "valid_jailer_paths", STRS, "Glob patterns a jailer_path annotation must match.",
        default=[],
    ),
    hv(
        "ctlpath", STR, "Host path of a separate hypervisor control binary.",
        runtimes=RS, default="",
    ),
    hv(
        "valid_ctlpaths", STRS, "Glob patterns a ctlpath annotation must match.",
        runtimes=RS, default=[],
    ),
    hv(
        "kernel", STR, "Host path of the guest kernel image to boot.",
        # runtime-rs plugin defaults are bare file names that rarely resolve: set it explicitly.
        defaults={
            "go": "/usr/share/kata-containers/vmlinuz.container",
            "rs.qemu": "vmlinuz",
            "rs.clh": "vmlinuz",
            "rs.dragonball": "vmlinuz",
            "rs.firecracker": "vmlinux",
        },
        readers=go_except("remote"),
    ),
    hv(
        "initrd", STR, "Host path of a guest initrd; use either this or image, never both.",
        default="", readers=go_except("remote", "dragonball"),
    ),
    hv(
        "image", STR, "Host path of the guest root disk image (an image name for remote).",
        default="", readers=go_except("remote"),
    ),
    hv(
        "rootfs_type", STR, "Filesystem type of the guest root image.",
        default="ext4", choices=("", "ext4", "xfs", "erofs"),
        # both runtimes check it when they build the guest kernel command line
        start_checked=BOTH,
    ),
    hv(
        "vm_rootfs_driver", STR, "Device type that presents the root image to the guest.",
        runtimes=RS, default="virtio-blk-pci", choices=_ROOTFS_DRIVERS, annotation="",
    ),
    hv(
        "firmware", STR, "Host path of the guest firmware; empty uses the hypervisor's own.",
        default="", readers=go_only("qemu", "clh", "firecracker"),
    ),
    hv(
        "firmware_volume", STR, "Host path of a firmware variables volume for QEMU.",
        runtimes=GO, default="", readers=go_only("qemu"),
    ),
    hv(
        "pflashes", STRS, "Host paths of images attached to the guest as flash devices.",
        default=[], readers=go_only("qemu"),
    ),
    hv(
        "kernel_params", STR, "Extra guest kernel command-line parameters, space separated.",
        default="", readers=go_except("remote"),
    ),
    hv(
        "kernel_verity_params", STR, "dm-verity settings for the root image as key=value pairs.",
        default="",
    ),
    hv(
        "prefetch_list_path", STR, "Host path of a nydus prefetch file list.",
        runtimes=RS, default="", annotation="prefetch_files.list",
    ),
)
