"""Pod annotation names per section: the suffix after ``io.katacontainers.config.<section>.``.

A key whose ``KeySpec.annotation`` is set uses that suffix ("" = no annotation); otherwise a
key has an annotation of its own name exactly when the name is listed here
(config-keys.md §13; upstream ``virtcontainers/pkg/annotations`` and ``kata-types``
``annotations/mod.rs``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

HYPERVISOR: Final = frozenset({
    "kernel", "image", "initrd", "firmware", "firmware_volume", "path", "jailer_path",
    "ctlpath", "kernel_hash", "image_hash", "initrd_hash", "firmware_hash",
    "firmware_volume_hash", "hypervisor_hash", "jailer_hash", "path_hash", "asset_hash_type",
    "kernel_params", "kernel_verity_params", "machine_type", "machine_accelerators",
    "cpu_features", "default_vcpus", "default_max_vcpus", "default_memory", "memory_slots",
    "memory_offset", "enable_virtio_mem", "enable_mem_prealloc", "enable_hugepages",
    "hugepage_type", "file_mem_backend", "reclaim_guest_freed_memory", "enable_guest_swap",
    "disable_vhost_net", "use_legacy_serial", "guest_hook_path", "disable_image_nvdimm",
    "hot_plug_vfio", "cold_plug_vfio", "pcie_root_port", "pcie_switch_port", "enable_iommu",
    "enable_iommu_platform", "entropy_source", "block_device_driver", "block_device_aio",
    "disable_block_device_use", "enable_iothreads", "indep_iothreads",
    "block_device_cache_set", "block_device_cache_direct", "block_device_cache_noflush",
    "blk_logical_sector_size", "blk_physical_sector_size", "block_device_num_queues",
    "block_device_queue_size", "shared_fs", "virtio_fs_daemon", "virtio_fs_cache",
    "virtio_fs_cache_size", "virtio_fs_extra_args", "msize_9p", "enable_vhost_user_store",
    "vhost_user_store_path", "vhost_user_reconnect_timeout_sec", "rootless",
    "guest_memory_dump_path", "guest_memory_dump_paging", "cc_init_data", "default_gpus",
    "default_gpu_model", "network_queues", "rx_rate_limiter_max_rate",
    "tx_rate_limiter_max_rate", "prefetch_files.list",
})  # fmt: skip
"""Every ``io.katacontainers.config.hypervisor.<suffix>`` either runtime defines."""

AGENT: Final = frozenset({
    "kernel_modules", "enable_tracing", "container_pipe_size", "cdh_api_timeout_ms", "policy",
})
"""``io.katacontainers.config.agent.<suffix>`` (Go: policy; runtime-rs: cdh_api_timeout_ms)."""

RUNTIME: Final = frozenset({
    "name", "hypervisor_name", "agent_name", "disable_guest_seccomp", "sandbox_cgroup_only",
    "create_container_timeout", "experimental", "internetworking_model", "disable_new_netns",
    "vfio_mode", "experimental_force_guest_pull", "enable_pprof", "enable_vcpus_pinning",
    "shared_mounts", "sandbox_bind_mounts",
})
"""``io.katacontainers.config.runtime.<suffix>``; the Go runtime spells vCPU pinning
``io.katacontainers.enable_vcpus_pinning`` and runtime-rs refuses ``sandbox_bind_mounts``."""

BY_SECTION: Final[Mapping[str, frozenset[str]]] = {
    "hypervisor": HYPERVISOR, "agent": AGENT, "runtime": RUNTIME,
}

PATH_ALLOWLISTS: Final[Mapping[str, str]] = {
    "path": "valid_hypervisor_paths",
    "jailer_path": "valid_jailer_paths",
    "ctlpath": "valid_ctlpaths",
    "virtio_fs_daemon": "valid_virtio_fs_daemon_paths",
    "vhost_user_store_path": "valid_vhost_user_store_paths",
    "entropy_source": "valid_entropy_sources",
    "file_mem_backend": "valid_file_mem_backends",
}
"""Path-valued hypervisor keys and the ``valid_*`` glob list gating their annotation.

``ctlpath`` is runtime-rs only and, in 3.30.0, no annotation sets it; ``file_mem_backend``
and its list are not in the catalogue yet."""
