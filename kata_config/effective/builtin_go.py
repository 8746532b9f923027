"""The Go runtime's built-in hypervisor settings, used when a file has no hypervisor table.

The Go loader starts from ``GetDefaultHypervisorConfig`` (katautils/config.go 3.30.0) and
replaces it with what a ``[hypervisor.<name>]`` table's builder makes. With no such table no
builder runs: the runtime keeps those built-in QEMU settings exactly as they are, and no
load-time normalisation touches them (``kata-runtime kata-env`` shows them; seen with the
oracle). Every setting it does not list keeps Go's zero value (``shared_fs`` and
``entropy_source`` are empty, ``memory_slots`` is 0, ...). The VM such a file describes cannot
be created (the built-ins set both ``image`` and ``initrd``); ``validate`` warns
(``no-hypervisor-table``).
"""

from __future__ import annotations

from typing import Any, Final

from kata_config.effective.layout import HYPERVISOR, NESTED, optional
from kata_config.effective.origin import Origin
from kata_config.effective.resolve import _EMPTY, Resolved, coerce

HYPERVISOR_NAME: Final = "qemu"
"""The hypervisor type the Go runtime keeps without a table (``defaultHypervisor``)."""

SETTINGS: Final[dict[str, Any]] = {
    # the fields GetDefaultHypervisorConfig sets, by catalogue key, with the values of the
    # constants it uses (config-settings.go.in as built by upstream's Makefile for x86_64)
    "path": "/usr/bin/qemu-system-x86_64",
    "jailer_path": "/usr/bin/jailer",
    "kernel": "/usr/share/kata-containers/vmlinuz.container",
    "image": "/usr/share/kata-containers/kata-containers.img",
    "initrd": "/usr/share/kata-containers/kata-containers-initrd.img",
    "rootfs_type": "ext4",
    "firmware": "",
    "firmware_volume": "",
    "machine_accelerators": "",
    "cpu_features": "",
    "machine_type": "q35",
    "default_vcpus": 1,
    "default_maxvcpus": 0,
    "default_memory": 2048,
    "memory_offset": 0,
    "enable_virtio_mem": False,
    "disable_block_device_use": False,
    "default_bridges": 1,
    "enable_mem_prealloc": False,
    "reclaim_guest_freed_memory": False,
    "enable_hugepages": False,
    "enable_iommu": False,
    "enable_iommu_platform": False,
    "enable_debug": False,
    "extra_monitor_socket": "",
    "disable_nesting_checks": False,
    "block_device_driver": "virtio-scsi",
    "block_device_aio": "io_uring",
    "block_device_cache_set": False,
    "block_device_cache_direct": False,
    "block_device_cache_noflush": False,
    "enable_iothreads": False,
    "indep_iothreads": 0,
    "msize_9p": 8192,
    "cold_plug_vfio": "no-port",
    "hot_plug_vfio": "no-port",
    "pcie_root_port": 0,
    "pcie_switch_port": 0,
    "guest_hook_path": "",
    "vhost_user_store_path": "/var/run/kata-containers/vhost-user/",
    "vhost_user_reconnect_timeout_sec": 0,
    "hypervisor_loglevel": 1,
    "virtio_fs_cache": "never",
    "disable_image_nvdimm": False,
    "rx_rate_limiter_max_rate": 0,
    "tx_rate_limiter_max_rate": 0,
    "confidential_guest": False,
    "sev_snp_guest": False,
    "enable_guest_swap": False,
    "rootless": False,
    "disable_seccomp": False,
    "disable_guest_selinux": True,
    "use_legacy_serial": False,
}

_SET: Final = ("no [hypervisor.*] table: the Go runtime's built-in QEMU setting "
               "(GetDefaultHypervisorConfig), which no loader normalises")
_ZERO: Final = ("no [hypervisor.*] table: the Go runtime's built-in QEMU settings leave this "
                "key at its zero value, and no loader fills it in")


def apply(out: Resolved) -> None:
    """Give every hypervisor key the Go runtime reads its built-in or zero value."""
    for name in (spec.name for spec in HYPERVISOR.specs()):
        spec = HYPERVISOR.spec_for(name, "go")
        if "go" not in spec.runtimes or (spec.table, name) in NESTED:
            continue  # keys Go never reads keep the other runtime's default, as elsewhere
        key = f"hypervisor.{name}"
        if name in SETTINGS:
            value, note = coerce(spec, SETTINGS[name]), _SET
        else:
            value, note = (None if optional(spec) else _EMPTY[spec.type]), _ZERO
        out.values[key] = value
        out.origins[key] = Origin("default", flavour="go", note=note)
        out.written.pop(key, None)
