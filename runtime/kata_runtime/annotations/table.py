"""Which ``io.katacontainers.*`` annotations each runtime applies, to which key, and how.

Read from upstream 3.30.0 to 4.1.0 (Go: ``pkg/oci/utils.go`` ``addAnnotations`` and the
``add*Overrides`` helpers, ``virtcontainers/types/asset.go``; runtime-rs: kata-types
``annotations/mod.rs`` ``update_config_by_annotation``) and restated as data. Each row names
the section-form key the annotation sets ("" when no configuration key holds the value) and
the conversion each runtime applies ("" when that runtime does not know the annotation).
Versions are written as 330 for 3.30.0; ``until`` is the first release without the row.

Conversions (``convert.py``): bool, uint (Go ParseUint), u32/u64 (Rust), pos (a 0 is
ignored), str, nonempty (an empty value is ignored), choice:a|b (one of), glob (checked
against the key's ``valid_*`` allow-list), asset (Go: absolute path, optional ``*_hash``),
boot (runtime-rs: must exist on the host), hash, vcpus, maxvcpus, memory, kparams, verity,
vfio (a port name; resets the other one), sector, indep, msize, fsargs_json, fsargs_csv,
initdata, gpu (Go: remote only), experimental_go, experimental_rs, modules_go, modules_rs,
policy, runtime_name, switch, mounts, pprof, bind_mounts, pcie16, timeout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

HV: Final = "io.katacontainers.config.hypervisor."
RT: Final = "io.katacontainers.config.runtime."
AG: Final = "io.katacontainers.config.agent."
NEWEST: Final = 401
OLDEST: Final = 330


@dataclass(frozen=True, slots=True)
class AnnotationSpec:
    """One annotation: the key it sets and each runtime's conversion (with release bounds)."""

    name: str
    key: str
    go: str
    rs: str
    go_until: int = 999
    rs_since: int = OLDEST
    rs_until: int = 999

    def conversion(self, flavour: str, version: int) -> str:
        """The conversion ``flavour`` applies in release ``version``; "" when it does not."""
        if flavour == "go":
            return self.go if version < self.go_until else ""
        return self.rs if self.rs_since <= version < self.rs_until else ""


def _hv(suffix: str, key: str | None, go: str, rs: str, **bounds: int) -> AnnotationSpec:
    return AnnotationSpec(HV + suffix, "" if key == "" else f"hypervisor.{key or suffix}",
                          go, rs, **bounds)


_BOOL: Final = ("bool", "bool")
TABLE: Final[tuple[AnnotationSpec, ...]] = (
    # boot assets and binaries (N-5, N-6, N-7, N-8)
    _hv("kernel", None, "asset", "boot"),
    _hv("image", None, "asset", "boot"),
    _hv("initrd", None, "asset", "boot"),
    _hv("firmware", None, "asset", "boot"),
    _hv("firmware_volume", None, "asset", ""),
    _hv("path", None, "glob", "glob"),
    _hv("jailer_path", None, "glob", "glob"),
    *(_hv(f"{asset}_hash", "", "hash", "") for asset in
      ("kernel", "image", "initrd", "firmware", "firmware_volume", "hypervisor", "jailer")),
    _hv("path_hash", "", "", ""),
    _hv("asset_hash_type", "", "", ""),
    _hv("kernel_params", None, "kparams", "kparams"),
    _hv("kernel_verity_params", None, "verity", "verity"),
    _hv("guest_hook_path", None, "nonempty", "boot"),
    _hv("prefetch_files.list", "prefetch_list_path", "", "str"),
    # machine and CPU
    _hv("machine_type", None, "nonempty", "str"),
    _hv("machine_accelerators", None, "nonempty", "str"),
    _hv("cpu_features", None, "nonempty", "str"),
    _hv("default_vcpus", None, "vcpus", "vcpus"),
    _hv("default_max_vcpus", "default_maxvcpus", "maxvcpus", "u32"),
    # memory
    _hv("default_memory", None, "memory", "memory"),
    _hv("memory_slots", None, "pos", "u32"),
    _hv("memory_offset", None, "pos", "u64"),
    _hv("enable_virtio_mem", None, *_BOOL),
    _hv("enable_mem_prealloc", None, *_BOOL),
    _hv("enable_hugepages", None, *_BOOL),
    _hv("hugepage_type", None, "", "choice:hugetlbfs|thp"),
    _hv("reclaim_guest_freed_memory", None, "bool", ""),
    _hv("enable_guest_swap", None, *_BOOL),
    _hv("file_mem_backend", None, "glob", "glob", go_until=332, rs_until=332),
    # block devices
    _hv("block_device_driver", None,
        "choice:virtio-scsi|virtio-blk|virtio-mmio|nvdimm|virtio-blk-ccw", "str"),
    _hv("block_device_aio", None, "choice:native|threads|io_uring", ""),
    _hv("disable_block_device_use", None, *_BOOL),
    _hv("enable_iothreads", None, *_BOOL),
    _hv("indep_iothreads", None, "indep", "u32", rs_since=332),
    _hv("block_device_cache_set", None, *_BOOL),
    _hv("block_device_cache_direct", None, *_BOOL),
    _hv("block_device_cache_noflush", None, *_BOOL),
    _hv("blk_logical_sector_size", "block_device_logical_sector_size", "sector", "sector"),
    _hv("blk_physical_sector_size", "block_device_physical_sector_size", "sector", "sector"),
    _hv("block_device_num_queues", "num_queues", "", "u64"),
    _hv("block_device_queue_size", "queue_size", "", "u32"),
    _hv("disable_image_nvdimm", None, *_BOOL),
    _hv("enable_vhost_user_store", None, *_BOOL),
    _hv("vhost_user_store_path", None, "glob", "glob"),
    _hv("vhost_user_reconnect_timeout_sec", None, "uint", ""),
    # shared filesystem
    _hv("shared_fs", None, "choice:virtio-9p|virtio-fs", "str"),
    _hv("virtio_fs_daemon", None, "glob", "glob"),
    _hv("virtio_fs_cache", None, "str", "str"),
    _hv("virtio_fs_cache_size", None, "uint", "u32"),
    _hv("virtio_fs_extra_args", None, "fsargs_json", "fsargs_csv"),
    _hv("msize_9p", None, "msize", ""),
    # devices
    _hv("hot_plug_vfio", None, "vfio", ""),
    _hv("cold_plug_vfio", None, "vfio", ""),
    _hv("hotplug_vfio_on_root_bus", "", "", "bool", rs_until=400),
    _hv("pcie_root_port", None, "pos", "pcie16"),
    _hv("pcie_switch_port", None, "pos", "pcie16"),
    _hv("enable_iommu", None, *_BOOL),
    _hv("enable_iommu_platform", None, *_BOOL),
    _hv("entropy_source", None, "glob", "glob"),
    _hv("use_legacy_serial", None, "bool", ""),
    # network
    _hv("disable_vhost_net", None, *_BOOL),
    _hv("rx_rate_limiter_max_rate", None, "uint", "u64"),
    _hv("tx_rate_limiter_max_rate", None, "uint", "u64"),
    _hv("network_queues", None, "", "u32"),
    # security, confidential computing, remote
    _hv("rootless", None, *_BOOL),
    _hv("cc_init_data", "initdata", "initdata", "initdata"),
    _hv("default_gpus", None, "gpu", "u32"),
    _hv("default_gpu_model", None, "gpu", "str"),
    # runtime (N-4: never gated by enable_annotations)
    AnnotationSpec(RT + "name", "", "", "runtime_name"),
    AnnotationSpec(RT + "hypervisor_name", "", "", "switch"),
    AnnotationSpec(RT + "agent_name", "", "", "switch"),
    AnnotationSpec(RT + "disable_guest_seccomp", "runtime.disable_guest_seccomp", *_BOOL),
    AnnotationSpec(RT + "disable_guest_empty_dir", "", "", "bool", rs_until=400),
    AnnotationSpec(RT + "sandbox_cgroup_only", "runtime.sandbox_cgroup_only", *_BOOL),
    AnnotationSpec(RT + "create_container_timeout", "runtime.create_container_timeout",
                   "uint", "timeout"),
    AnnotationSpec(RT + "experimental_force_guest_pull",
                   "runtime.experimental_force_guest_pull", "bool", ""),
    AnnotationSpec(RT + "experimental", "runtime.experimental",
                   "experimental_go", "experimental_rs"),
    AnnotationSpec(RT + "internetworking_model", "runtime.internetworking_model",
                   "choice:macvtap|tcfilter|none|default", "str"),
    AnnotationSpec(RT + "disable_new_netns", "runtime.disable_new_netns", *_BOOL),
    AnnotationSpec(RT + "vfio_mode", "runtime.vfio_mode", "choice:vfio|guest-kernel", "str"),
    AnnotationSpec(RT + "enable_pprof", "runtime.enable_pprof", "pprof", "bool"),
    AnnotationSpec(RT + "enable_vcpus_pinning", "runtime.enable_vcpus_pinning", "", "bool"),
    AnnotationSpec("io.katacontainers.enable_vcpus_pinning", "runtime.enable_vcpus_pinning",
                   "bool", ""),
    AnnotationSpec(RT + "shared_mounts", "", "", "mounts"),
    AnnotationSpec(RT + "sandbox_bind_mounts", "runtime.sandbox_bind_mounts", "",
                   "bind_mounts"),
    # agent (N-4)
    AnnotationSpec(AG + "kernel_modules", "agent.kernel_modules", "modules_go", "modules_rs"),
    AnnotationSpec(AG + "enable_tracing", "agent.enable_tracing", *_BOOL),
    AnnotationSpec(AG + "container_pipe_size", "agent.container_pipe_size", "uint", "u32"),
    AnnotationSpec(AG + "policy", "", "policy", ""),
    AnnotationSpec(AG + "cdh_api_timeout_ms", "agent.cdh_api_timeout_ms", "", "u32",
                   rs_since=331),
)

BY_NAME: Final = {spec.name: spec for spec in TABLE}
CONFIG_PATH: Final = "io.katacontainers.config_path"
GO_HASH_TYPE: Final = "io.katacontainers.asset_hash_type"
ASSET_OF_HASH: Final = {
    HV + "kernel_hash": HV + "kernel", HV + "image_hash": HV + "image",
    HV + "initrd_hash": HV + "initrd", HV + "firmware_hash": HV + "firmware",
    HV + "firmware_volume_hash": HV + "firmware_volume", HV + "hypervisor_hash": HV + "path",
    HV + "jailer_hash": HV + "jailer_path",
}
"""Go's ``*_hash`` annotations and the asset annotation whose file they check."""

GO_MIN_MEMORY: Final = 256
RS_PLUGIN_LIMITS: Final = {  # (max vCPUs, min memory MiB) of each runtime-rs plugin
    "qemu": (256, 64), "clh": (256, 64), "dragonball": (256, 64),
    "firecracker": (32, 128), "remote": (32, 64),
}


def parse_version(text: str) -> int:
    """``"3.30.0"`` or ``"3.30"`` -> 330; ValueError outside the releases this table covers."""
    parts = text.strip().split(".")
    try:
        number = int(parts[0]) * 100 + int(parts[1])
    except (IndexError, ValueError):
        raise ValueError(f"{text!r} is not a Kata release such as 3.30.0") from None
    if not OLDEST <= number <= NEWEST:
        raise ValueError(f"{text}: annotation facts cover Kata 3.30.0 to 4.1.0 only")
    return number
