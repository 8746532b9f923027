"""Hypervisor keys: shared filesystem, devices/PCIe/VFIO and network (config-keys.md §5.5-5.7)."""

from __future__ import annotations

from typing import Final

from kata_config.keys.hv_base import BOOL, GO, INT, RS, STR, STRS, go_except, go_only, hv
from kata_config.keys.spec import KeySpec

# Go builds the shared filesystem only in the qemu, clh and stratovirt builders.
_GO_FS_READERS: Final = go_only("qemu", "clh", "stratovirt")
# An empty port value means no-port in Go (validation-rules V5).
_GO_PORTS: Final = ("", "no-port", "bridge-port", "root-port", "switch-port")
_CLH_ONLY: Final = go_only("clh")

KEYS: Final[tuple[KeySpec, ...]] = (
    # --- §5.5 shared filesystem ---
    hv(
        "shared_fs", STR, "How container files are shared into the guest (virtio-fs, 9p, none).",
        # runtime-rs: a missing key means no shared filesystem, while "" means virtio-fs.
        defaults={"go": "virtio-fs", "rs": "none"},
        choices={
            "go": ("", "virtio-fs", "virtio-fs-nydus", "virtio-9p", "none"),
            "rs": ("", "virtio-fs", "inline-virtio-fs", "virtio-fs-nydus", "none"),
        },
        readers=_GO_FS_READERS,
    ),
    hv(
        "virtio_fs_daemon", STR, "Host path of the virtiofsd binary serving the shared filesystem.",
        default="", readers=_GO_FS_READERS,
    ),
    hv(
        "valid_virtio_fs_daemon_paths", STRS,
        "Glob patterns a virtio_fs_daemon annotation must match.",
        default=[],
    ),
    hv(
        "virtio_fs_extra_args", STRS, "Extra command-line arguments passed to virtiofsd.",
        default=[],
    ),
    hv(
        "virtio_fs_cache", STR, "virtiofsd caching policy for shared files.",
        # Go clh hands an empty value through, so virtiofsd applies its own "auto".
        defaults={"go": "never", "go.clh": "", "rs": "never"},
        # runtime-rs still accepts the old "none" (deprecation warning, read as never).
        choices={
            "go": ("", "auto", "always", "metadata", "never"),
            "rs": ("", "never", "auto", "always", "none"),
        },
        readers=_GO_FS_READERS,
        start_checked=GO,  # Go checks it only when it launches virtiofsd
    ),
    hv(
        "virtio_fs_cache_size", INT, "DAX window size for virtio-fs; 0 turns DAX off.",
        default=0, unit="MiB", minimum=0,
    ),
    hv(
        "virtio_fs_queue_size", INT, "Virtqueue depth of the virtio-fs device; 0 = default.",
        default=1024, minimum=0, readers=go_except("clh"),
    ),
    hv(
        "virtio_fs_is_dax", BOOL, "Map shared files through a DAX window.",
        runtimes=RS, default=False,
    ),
    hv(
        "msize_9p", INT, "Maximum 9p message size when the shared filesystem is virtio-9p.",
        runtimes=GO, default=8192, unit="bytes", minimum=0, readers=go_only("qemu", "clh"),
    ),
    # --- §5.6 devices, PCIe and VFIO ---
    hv(
        "default_bridges", INT, "Number of PCI bridges for hotplug (at most 5 are used).",
        defaults={"go": 1, "rs": 0, "rs.qemu": 1, "rs.clh": 2},
        minimum=0, readers=go_except("remote"),
    ),
    hv(
        "hot_plug_vfio", STR, "PCIe port type that VFIO devices are hotplugged into.",
        runtimes=GO, default="no-port", choices=_GO_PORTS, readers=go_only("qemu", "clh"),
    ),
    hv(
        "cold_plug_vfio", STR, "PCIe port type that VFIO devices are attached to at boot.",
        default="no-port",
        choices={"go": _GO_PORTS, "rs": _GO_PORTS[1:]}, readers=go_only("qemu", "clh"),
    ),
    hv(
        "pcie_root_port", INT, "Number of PCIe root ports to create for device passthrough.",
        default=0, minimum=0, readers=go_only("qemu", "clh"),
    ),
    hv(
        "pcie_switch_port", INT, "Number of PCIe switch ports to create for device passthrough.",
        default=0, minimum=0, readers=go_only("qemu", "clh"),
    ),
    hv(
        "enable_iommu", BOOL, "Give the guest a virtual IOMMU.",
        default=False, readers=go_except("clh", "firecracker", "stratovirt"),
    ),
    hv(
        "enable_iommu_platform", BOOL, "Make virtio devices use the IOMMU platform feature.",
        default=False,
    ),
    hv(
        "entropy_source", STR, "Host device feeding the guest's virtio RNG.",
        default="/dev/urandom", readers=go_except("remote"),
    ),
    hv(
        "valid_entropy_sources", STRS, "Glob patterns an entropy_source annotation must match.",
        default=[],
    ),
    hv(
        "use_legacy_serial", BOOL, "Use a legacy serial port instead of virtio-console.",
        runtimes=GO, default=False, readers=go_only("qemu"),
    ),
    # --- §5.7 network ---
    hv(
        "disable_vhost_net", BOOL, "Do not accelerate guest networking with vhost-net.",
        # Go forces it on for these VMMs, so the file's value is ignored there.
        default=False, readers=go_except("clh", "firecracker", "stratovirt"),
    ),
    hv(
        "rx_rate_limiter_max_rate", INT, "Inbound network bandwidth cap; 0 = unlimited.",
        default=0, unit="bits/s", minimum=0,
    ),
    hv(
        "tx_rate_limiter_max_rate", INT, "Outbound network bandwidth cap; 0 = unlimited.",
        default=0, unit="bits/s", minimum=0,
    ),
    hv(
        "network_queues", INT, "Queue pairs per guest network interface (1..256 used).",
        runtimes=RS, default=1, minimum=0,
    ),
    hv(
        "net_rate_limiter_bw_max_rate", INT, "Bandwidth cap per guest interface; 0 = unlimited.",
        runtimes=GO, default=0, unit="bits/s", minimum=0, readers=_CLH_ONLY,
    ),
    hv(
        "net_rate_limiter_ops_max_rate", INT, "Packet operation cap per interface; 0 = unlimited.",
        runtimes=GO, default=0, unit="ops/s", minimum=0, readers=_CLH_ONLY,
    ),
    hv(
        "net_rate_limiter_bw_one_time_burst", INT, "Extra bandwidth an interface may burst once.",
        runtimes=GO, default=0, minimum=0, readers=_CLH_ONLY,
    ),
    hv(
        "net_rate_limiter_ops_one_time_burst", INT, "Extra operations an interface may burst once.",
        runtimes=GO, default=0, minimum=0, readers=_CLH_ONLY,
    ),
)
