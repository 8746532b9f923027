"""Why keys, tables and values were retired, and what replaced them: hand-written data.

``history_data`` says *when* each runtime stopped reading a key; this module says *why*, in
our own words, with the upstream commit (kata-containers/kata-containers unless the row says
otherwise) that removed it. A key retired without a row here still gets a finding; the
message then only gives the releases.

Replacement forms: ``""`` (nothing replaces it: remove the key), ``"key:NAME"`` (renamed or
moved within the same table), ``"set:KEY = VALUE"`` (a setting of another key does the job),
``"table:NAME"`` (the ``[hypervisor.NAME]`` table replaces this one), ``"value:VALUE"``.
"""

from __future__ import annotations

from typing import Final

RETIRED: Final[tuple[tuple[str, str, str, str, str, str], ...]] = (
    # (runtime, table, key, replacement, why it went, commit)
    ("go", "", "proxy", "", "Kata 2.0's shim v2 talks to the agent itself; there is no proxy "
     "process any more", "kata-containers 2.0.0"),
    ("go", "", "shim", "", "Kata 2.0 replaced the per-container kata-shim with "
     "containerd-shim-kata-v2, which is configured by [runtime]", "kata-containers 2.0.0"),
    ("go", "", "netmon", "", "the network monitor process was dropped", "ddc68131df"),
    ("go", "", "image", "", "image service offload was dropped; guest image pull is set with "
     "[runtime] experimental_force_guest_pull", "9856fe5bea"),
    ("go", "agent.*", "trace_mode", "", "agent trace modes were dropped; enable_tracing alone "
     "turns agent tracing on", "321be0f794"),
    ("go", "agent.*", "trace_type", "", "agent trace modes were dropped; enable_tracing alone "
     "turns agent tracing on", "321be0f794"),
    ("go", "hypervisor.*", "ctlpath", "", "it named the ACRN control tool, and ACRN support "
     "was dropped", "fefcf7cfa4"),
    ("go", "hypervisor.*", "valid_ctlpaths", "", "it listed ACRN control tools, and ACRN "
     "support was dropped", "fefcf7cfa4"),
    ("go", "hypervisor.*", "enable_swap", "", "it added QEMU's deprecated '-realtime "
     "mlock=off' and is not guest swap, which is enable_guest_swap", "49223e67af"),
    ("go", "hypervisor.*", "file_mem_backend", "", "file-backed guest memory for virtio-fs "
     "now always lives in /dev/shm", "70d8f1bf3d"),
    ("go", "hypervisor.*", "valid_file_mem_backends", "", "file_mem_backend went with it: "
     "file-backed guest memory for virtio-fs now always lives in /dev/shm", "70d8f1bf3d"),
    ("go", "hypervisor.*", "hotplug_vfio_on_root_bus", 'set:hot_plug_vfio = "root-port"',
     "the PCIe port of hot-plugged VFIO devices is chosen with hot_plug_vfio", "dd422ccb69"),
    ("go", "hypervisor.*", "pcie_root_port", "", "VFIO port settings were reworked around "
     "hot_plug_vfio and cold_plug_vfio; pcie_root_port came back in 3.6", "8f0d4e2612"),
    ("go", "hypervisor.*", "snp_certs_path", "", "SEV-SNP certificates are no longer passed "
     "on the QEMU command line", "e87231edc7"),
    ("go", "hypervisor.*", "use_vsock", "", "Kata 2.0 always talks to the agent over vsock",
     "kata-containers 2.0.0"),
    ("go", "runtime", "enable_agent_pidns", "", "the shared agent PID namespace option went "
     "with Kata 1.x", "kata-containers 2.0.0"),
    ("rs", "agent.*", "request_timeout_ms", "key:create_container_timeout", "the same setting "
     "was renamed, in milliseconds in 3.19-3.20 and in seconds from 3.21", "1a06bd1f08"),
    ("rs", "hypervisor.*", "enable_balloon_f_reporting", "key:reclaim_guest_freed_memory",
     "the balloon free-page reporting switch was renamed", "8f550de88a"),
    ("rs", "hypervisor.*", "enable_swap", "", "runtime-rs never used it, and it is not guest "
     "swap, which is enable_guest_swap", "c148b70da7"),
    ("rs", "hypervisor.*", "msize_9p", "", "runtime-rs dropped virtio-9p file sharing",
     "10b24a19c8"),
    ("rs", "hypervisor.*", "file_mem_backend", "", "runtime-rs never used it; virtio-fs "
     "memory is backed by /dev/shm", "86fd65271c"),
    ("rs", "hypervisor.*", "valid_file_mem_backends", "", "file_mem_backend went with it",
     "86fd65271c"),
    # not a rename: cold_plug_vfio takes a port name ("no-port" or "root-port"), not a bool
    ("rs", "hypervisor.*", "hotplug_vfio_on_root_bus", "", "runtime-rs never placed devices by "
     "it; a VFIO device with a large BAR is hot-plugged on a PCIe root port, so where it was "
     'true set pcie_root_port = 1 (one per such device, with machine_type = "q35"), or '
     'cold-plug the devices at boot with cold_plug_vfio = "root-port"', "a30c22bd64"),
    ("rs", "runtime", "disable_guest_empty_dir", "", "emptyDir volumes are always created on "
     "the host now, as if it were true", "b20f974ddd"),
    ("rs", "runtime", "static_resource_mgmt", "key:static_sandbox_resource_mgmt", "renamed to "
     "match the Go runtime", "919d19f415"),
)

RETIRED_HYPERVISORS: Final[tuple[tuple[str, str, str, str, str], ...]] = (
    # (runtime, hypervisor table name, replacement, why, commit)
    ("go", "acrn", "", "ACRN support was dropped", "fefcf7cfa4"),
    ("rs", "cloud-hypervisor", "table:clh", "Cloud Hypervisor's table was renamed "
     "[hypervisor.clh], as in the Go runtime", "kata-containers 3.30.0"),
)

VALUES: Final[tuple[tuple[str, str, str, str, str, str, str, str, str], ...]] = (
    # (runtime, table, key, value, arch or "", since, until, replacement, commit)
    ("go", "hypervisor.*", "machine_type", "pc", "x86_64", "1.0", "2.1", "q35", "789a59549e"),
    ("go", "hypervisor.*", "machine_type", "pc-lite", "x86_64", "1.0", "2.1", "q35",
     "789a59549e"),
    ("go", "hypervisor.*", "machine_type", "virt", "x86_64", "1.3", "3.16", "q35",
     "3dba8ddd98"),
    ("go", "hypervisor.*", "machine_type", "microvm", "x86_64", "1.12", "", "", ""),
    ("go", "runtime", "internetworking_model", "bridged", "", "1.0", "1.9", "tcfilter",
     "kata-containers/runtime 1.10.0"),
    ("go", "runtime", "internetworking_model", "enlightened", "", "1.0", "1.9", "tcfilter",
     "kata-containers/runtime 1.10.0"),
    ("go", "runtime", "internetworking_model", "tcfilter", "", "1.4", "", "", ""),
    ("go", "runtime", "internetworking_model", "none", "", "1.4", "", "", ""),
    ("go", "hypervisor.*", "block_device_driver", "virtio-blk-ccw", "", "1.9", "", "", ""),
    ("go", "hypervisor.*", "shared_fs", "virtio-fs", "", "1.7", "", "", ""),
    ("go", "hypervisor.*", "shared_fs", "virtio-fs-nydus", "", "2.4", "", "", ""),
    ("go", "hypervisor.*", "shared_fs", "none", "", "3.2", "", "", ""),
    ("rs", "hypervisor.*", "shared_fs", "virtio-9p", "", "3.0", "3.28", "virtio-fs",
     "10b24a19c8"),
    ("rs", "hypervisor.*", "shared_fs", "none", "", "3.18", "", "", "f3c8ef9200"),
    ("rs", "hypervisor.*", "block_device_driver", "virtio-blk", "", "3.0", "3.1",
     "virtio-blk-pci", "4719802c8d"),
    ("rs", "hypervisor.*", "block_device_driver", "virtio-mmio", "", "3.0", "3.1",
     "virtio-blk-mmio", "4719802c8d"),
    ("rs", "hypervisor.*", "block_device_driver", "nvdimm", "", "3.0", "3.1", "virtio-pmem",
     "4719802c8d"),
    ("go", "runtime", "emptydir_mode", "block-plain", "", "4.0", "", "", "24c51cfbbf"),
    ("rs", "runtime", "emptydir_mode", "block-plain", "", "4.0", "", "", ""),
    # Go handed the cache mode to the C virtiofsd (none/auto/always) until 3.0; 3.1 moved to
    # the Rust virtiofsd, read "none" as "never" with a deprecation warning, and 3.2 refused it
    ("go", "hypervisor.*", "virtio_fs_cache", "none", "", "1.7", "3.1", "never",
     "f0278f41d7"),
    ("go", "hypervisor.*", "virtio_fs_cache", "never", "", "3.1", "", "", "86a82cace9"),
    ("go", "hypervisor.*", "virtio_fs_cache", "metadata", "", "3.20", "", "", "6d96875d04"),
    ("rs", "hypervisor.*", "block_device_driver", "virtio-blk-pci", "", "3.2", "", "", ""),
    ("rs", "hypervisor.*", "block_device_driver", "virtio-blk-mmio", "", "3.2", "", "", ""),
    ("rs", "hypervisor.*", "block_device_driver", "virtio-pmem", "", "3.2", "", "", ""),
)
