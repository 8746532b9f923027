"""Stock values for the Go runtime templates (x86_64), as upstream renders them.

Each template is a flat table of dotted keys. Variants are written as differences from the
base template of their family, so what makes e.g. TDX special is visible at a glance.
Architecture-dependent keys are overridden in kata_config.stock.arch.
"""

from __future__ import annotations

from typing import Final

from kata_config.stock.spec import derive

QEMU: Final = {
    "hypervisor.qemu.path": "/usr/bin/qemu-system-x86_64",
    "hypervisor.qemu.kernel": "/usr/share/kata-containers/vmlinux.container",
    "hypervisor.qemu.image": "/usr/share/kata-containers/kata-containers.img",
    "hypervisor.qemu.machine_type": "q35",
    "hypervisor.qemu.rootfs_type": "ext4",
    "hypervisor.qemu.rootless": False,
    "hypervisor.qemu.enable_annotations": ["enable_iommu", "kernel_params", "kernel_verity_params"],
    "hypervisor.qemu.valid_hypervisor_paths": ["/usr/bin/qemu-system-x86_64"],
    "hypervisor.qemu.kernel_params": "cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1",
    "hypervisor.qemu.firmware": "",
    "hypervisor.qemu.firmware_volume": "",
    "hypervisor.qemu.machine_accelerators": "",
    "hypervisor.qemu.seccompsandbox": "",
    "hypervisor.qemu.cpu_features": "pmu=off",
    "hypervisor.qemu.default_vcpus": 1,
    "hypervisor.qemu.default_maxvcpus": 0,
    "hypervisor.qemu.default_bridges": 1,
    "hypervisor.qemu.default_memory": 2048,
    "hypervisor.qemu.memory_slots": 10,
    "hypervisor.qemu.default_maxmemory": 0,
    "hypervisor.qemu.memory_offset": 0,
    "hypervisor.qemu.enable_virtio_mem": False,
    "hypervisor.qemu.disable_block_device_use": True,
    "hypervisor.qemu.shared_fs": "virtio-fs",
    "hypervisor.qemu.virtio_fs_daemon": "/usr/libexec/virtiofsd",
    "hypervisor.qemu.valid_virtio_fs_daemon_paths": ["/usr/libexec/virtiofsd"],
    "hypervisor.qemu.virtio_fs_cache_size": 0,
    "hypervisor.qemu.virtio_fs_queue_size": 1024,
    "hypervisor.qemu.virtio_fs_extra_args": ["--thread-pool-size=1", "--announce-submounts"],
    "hypervisor.qemu.virtio_fs_cache": "auto",
    "hypervisor.qemu.block_device_driver": "virtio-scsi",
    "hypervisor.qemu.block_device_aio": "io_uring",
    "hypervisor.qemu.block_device_cache_set": False,
    "hypervisor.qemu.block_device_cache_direct": False,
    "hypervisor.qemu.block_device_cache_noflush": False,
    "hypervisor.qemu.block_device_logical_sector_size": 0,
    "hypervisor.qemu.block_device_physical_sector_size": 0,
    "hypervisor.qemu.enable_iothreads": False,
    "hypervisor.qemu.indep_iothreads": 0,
    "hypervisor.qemu.enable_mem_prealloc": False,
    "hypervisor.qemu.reclaim_guest_freed_memory": False,
    "hypervisor.qemu.enable_hugepages": False,
    "hypervisor.qemu.enable_vhost_user_store": False,
    "hypervisor.qemu.vhost_user_store_path": "/var/run/kata-containers/vhost-user",
    "hypervisor.qemu.enable_iommu": False,
    "hypervisor.qemu.enable_iommu_platform": False,
    "hypervisor.qemu.enable_numa": False,
    "hypervisor.qemu.numa_mapping": [],
    "hypervisor.qemu.valid_vhost_user_store_paths": ["/var/run/kata-containers/vhost-user"],
    "hypervisor.qemu.vhost_user_reconnect_timeout_sec": 0,
    "hypervisor.qemu.pflashes": [],
    "hypervisor.qemu.enable_debug": False,
    "hypervisor.qemu.extra_monitor_socket": "",
    "hypervisor.qemu.disable_nesting_checks": False,
    "hypervisor.qemu.msize_9p": 8192,
    "hypervisor.qemu.disable_image_nvdimm": False,
    "hypervisor.qemu.hot_plug_vfio": "no-port",
    "hypervisor.qemu.cold_plug_vfio": "no-port",
    "hypervisor.qemu.pcie_root_port": 0,
    "hypervisor.qemu.disable_vhost_net": False,
    "hypervisor.qemu.entropy_source": "/dev/urandom",
    "hypervisor.qemu.valid_entropy_sources": ["/dev/urandom", "/dev/random", ""],
    "hypervisor.qemu.guest_hook_path": "",
    "hypervisor.qemu.rx_rate_limiter_max_rate": 0,
    "hypervisor.qemu.tx_rate_limiter_max_rate": 0,
    "hypervisor.qemu.guest_memory_dump_path": "",
    "hypervisor.qemu.guest_memory_dump_paging": False,
    "hypervisor.qemu.enable_guest_swap": False,
    "hypervisor.qemu.use_legacy_serial": False,
    "hypervisor.qemu.disable_selinux": False,
    "hypervisor.qemu.disable_guest_selinux": True,
    "factory.enable_template": False,
    "factory.template_path": "/run/vc/vm/template",
    "factory.vm_cache_number": 0,
    "factory.vm_cache_endpoint": "/var/run/kata-containers/cache.sock",
    "agent.kata.enable_debug": False,
    "agent.kata.enable_tracing": False,
    "agent.kata.kernel_modules": [],
    "agent.kata.debug_console_enabled": False,
    "agent.kata.dial_timeout": 45,
    "agent.kata.cdh_api_timeout": 50,
    "runtime.enable_debug": False,
    "runtime.internetworking_model": "tcfilter",
    "runtime.disable_guest_seccomp": True,
    "runtime.enable_vcpus_pinning": False,
    "runtime.guest_selinux_label": "",
    "runtime.enable_tracing": False,
    "runtime.jaeger_endpoint": "",
    "runtime.jaeger_user": "",
    "runtime.jaeger_password": "",
    "runtime.disable_new_netns": False,
    "runtime.sandbox_cgroup_only": False,
    "runtime.static_sandbox_resource_mgmt": False,
    "runtime.sandbox_bind_mounts": [],
    "runtime.vfio_mode": "guest-kernel",
    "runtime.disable_guest_empty_dir": True,
    "runtime.emptydir_mode": "shared-fs",
    "runtime.experimental": [],
    "runtime.enable_pprof": False,
    "runtime.create_container_timeout": 60,
    "runtime.dan_conf": "/run/kata-containers/dans",
    "runtime.kubelet_root_dir": "/var/lib/kubelet",
    "runtime.pod_resource_api_sock": "",
}


QEMU_COCO_DEV: Final = derive(
    QEMU,
    {
        "hypervisor.qemu.kernel": "/usr/share/kata-containers/vmlinuz.container",
        "hypervisor.qemu.image": "/usr/share/kata-containers/kata-containers-confidential.img",
        "hypervisor.qemu.enable_annotations": [
            "enable_iommu",
            "kernel_params",
            "kernel_verity_params",
            "default_vcpus",
            "default_memory",
            "cc_init_data",
        ],
        "hypervisor.qemu.kernel_params": "",
        "hypervisor.qemu.kernel_verity_params": "",
        "hypervisor.qemu.shared_fs": "none",
        "hypervisor.qemu.disable_nesting_checks": True,
        "agent.kata.launch_process_timeout": 6,
        "runtime.static_sandbox_resource_mgmt": True,
        "runtime.emptydir_mode": "block-encrypted",
        "runtime.experimental_force_guest_pull": False,
    },
)


QEMU_SNP: Final = derive(
    QEMU,
    {
        "hypervisor.qemu.kernel": "/usr/share/kata-containers/vmlinuz.container",
        "hypervisor.qemu.image": "/usr/share/kata-containers/kata-containers-confidential.img",
        "hypervisor.qemu.confidential_guest": True,
        "hypervisor.qemu.sev_snp_guest": True,
        "hypervisor.qemu.enable_annotations": [
            "enable_iommu",
            "kernel_params",
            "kernel_verity_params",
            "default_vcpus",
            "default_memory",
            "cc_init_data",
        ],
        "hypervisor.qemu.snp_id_block": "",
        "hypervisor.qemu.snp_id_auth": "",
        "hypervisor.qemu.snp_guest_policy": 196608,
        "hypervisor.qemu.kernel_verity_params": "",
        "hypervisor.qemu.firmware": "/usr/share/ovmf/AMDSEV.fd",
        "hypervisor.qemu.shared_fs": "none",
        "hypervisor.qemu.disable_nesting_checks": True,
        "hypervisor.qemu.disable_image_nvdimm": True,
        "agent.kata.dial_timeout": 90,
        "agent.kata.launch_process_timeout": 6,
        "runtime.static_sandbox_resource_mgmt": True,
        "runtime.emptydir_mode": "block-encrypted",
        "runtime.experimental_force_guest_pull": False,
    },
    drop=(
        "hypervisor.qemu.extra_monitor_socket",
        "hypervisor.qemu.hot_plug_vfio",
        "hypervisor.qemu.cold_plug_vfio",
        "agent.kata.cdh_api_timeout",
    ),
)


# Intel TDX: the SEV-SNP variant with TDX settings in place of the SNP-only keys.
QEMU_TDX: Final = derive(
    QEMU_SNP,
    {
        "hypervisor.qemu.firmware": "/usr/share/ovmf/OVMF.inteltdx.fd",
        "hypervisor.qemu.disable_nesting_checks": False,
        "agent.kata.dial_timeout": 60,
        "hypervisor.qemu.tdx_quote_generation_service_socket_port": 0,
    },
    drop=(
        "hypervisor.qemu.sev_snp_guest",
        "hypervisor.qemu.snp_id_block",
        "hypervisor.qemu.snp_id_auth",
        "hypervisor.qemu.snp_guest_policy",
    ),
)


QEMU_SE: Final = derive(
    QEMU,
    {
        "hypervisor.qemu.kernel": "/usr/share/kata-containers/kata-containers-se.img",
        "hypervisor.qemu.confidential_guest": True,
        "hypervisor.qemu.enable_annotations": [
            "enable_iommu",
            "kernel_params",
            "kernel_verity_params",
            "default_vcpus",
            "default_memory",
            "cc_init_data",
        ],
        "hypervisor.qemu.shared_fs": "none",
        "hypervisor.qemu.disable_image_nvdimm": True,
        "hypervisor.qemu.cold_plug_vfio": "bridge-port",
        "agent.kata.dial_timeout": 90,
        "agent.kata.launch_process_timeout": 6,
        "runtime.static_sandbox_resource_mgmt": True,
        "runtime.vfio_mode": "vfio",
        "runtime.emptydir_mode": "block-encrypted",
        "runtime.experimental_force_guest_pull": False,
    },
    drop=(
        "hypervisor.qemu.image",
        "hypervisor.qemu.rootfs_type",
        "hypervisor.qemu.vhost_user_reconnect_timeout_sec",
        "hypervisor.qemu.extra_monitor_socket",
        "agent.kata.cdh_api_timeout",
    ),
)


QEMU_NVIDIA_GPU: Final = derive(
    QEMU,
    {
        "hypervisor.qemu.kernel": "/usr/share/kata-containers/vmlinuz-nvidia-gpu.container",
        "hypervisor.qemu.image": "/usr/share/kata-containers/kata-containers-nvidia-gpu.img",
        "hypervisor.qemu.rootfs_type": "erofs",
        "hypervisor.qemu.kernel_params": "cgroup_no_v1=all pci=realloc pci=nocrs pci=assign-busses",
        "hypervisor.qemu.kernel_verity_params": "",
        "hypervisor.qemu.firmware": "/usr/share/ovmf/OVMF.fd",
        "hypervisor.qemu.default_memory": 8192,
        "hypervisor.qemu.disable_nesting_checks": True,
        "hypervisor.qemu.disable_image_nvdimm": True,
        "hypervisor.qemu.cold_plug_vfio": "root-port",
        "hypervisor.qemu.pcie_root_port": 8,
        "agent.kata.dial_timeout": 1200,
        "agent.kata.launch_process_timeout": 15,
        "agent.kata.visible_cdi_devices": False,
        "runtime.sandbox_cgroup_only": True,
        "runtime.static_sandbox_resource_mgmt": True,
        "runtime.create_container_timeout": 1200,
        "runtime.pod_resource_api_sock": "/var/lib/kubelet/pod-resources/kubelet.sock",
    },
    drop=("agent.kata.cdh_api_timeout",),
)


QEMU_NVIDIA_GPU_SNP: Final = derive(
    QEMU,
    {
        "hypervisor.qemu.path": "/usr/bin/qemu-system-x86_64-snp-experimental",
        "hypervisor.qemu.kernel": "/usr/share/kata-containers/vmlinuz-nvidia-gpu.container",
        "hypervisor.qemu.image": (
            "/usr/share/kata-containers/kata-containers-nvidia-gpu-confidential.img"
        ),
        "hypervisor.qemu.rootfs_type": "erofs",
        "hypervisor.qemu.confidential_guest": True,
        "hypervisor.qemu.sev_snp_guest": True,
        "hypervisor.qemu.enable_annotations": [
            "enable_iommu",
            "kernel_params",
            "kernel_verity_params",
            "default_vcpus",
            "default_memory",
            "cc_init_data",
        ],
        "hypervisor.qemu.valid_hypervisor_paths": ["/usr/bin/qemu-system-x86_64-snp-experimental"],
        "hypervisor.qemu.snp_id_block": "",
        "hypervisor.qemu.snp_id_auth": "",
        "hypervisor.qemu.snp_guest_policy": 196608,
        "hypervisor.qemu.kernel_params": (
            "cgroup_no_v1=all pci=realloc pci=nocrs pci=assign-busses nvrc.smi.srs=1"
        ),
        "hypervisor.qemu.kernel_verity_params": "",
        "hypervisor.qemu.firmware": "/usr/share/ovmf/AMDSEV.fd",
        "hypervisor.qemu.default_memory": 8192,
        "hypervisor.qemu.shared_fs": "none",
        "hypervisor.qemu.disable_image_nvdimm": True,
        "hypervisor.qemu.cold_plug_vfio": "root-port",
        "agent.kata.dial_timeout": 1200,
        "agent.kata.launch_process_timeout": 15,
        "agent.kata.visible_cdi_devices": False,
        "runtime.sandbox_cgroup_only": True,
        "runtime.static_sandbox_resource_mgmt": True,
        "runtime.emptydir_mode": "block-encrypted",
        "runtime.create_container_timeout": 1200,
        "runtime.experimental_force_guest_pull": False,
        "runtime.pod_resource_api_sock": "/var/lib/kubelet/pod-resources/kubelet.sock",
    },
    drop=(
        "hypervisor.qemu.extra_monitor_socket",
        "hypervisor.qemu.hot_plug_vfio",
        "agent.kata.cdh_api_timeout",
    ),
)


# GPU on TDX: the GPU-on-SEV-SNP variant with TDX settings in place of the SNP-only keys.
QEMU_NVIDIA_GPU_TDX: Final = derive(
    QEMU_NVIDIA_GPU_SNP,
    {
        "hypervisor.qemu.path": "/usr/bin/qemu-system-x86_64-tdx-experimental",
        "hypervisor.qemu.valid_hypervisor_paths": ["/usr/bin/qemu-system-x86_64-tdx-experimental"],
        "hypervisor.qemu.firmware": "/usr/share/ovmf/OVMF.inteltdx.fd",
        "hypervisor.qemu.tdx_quote_generation_service_socket_port": 0,
    },
    drop=(
        "hypervisor.qemu.sev_snp_guest",
        "hypervisor.qemu.snp_id_block",
        "hypervisor.qemu.snp_id_auth",
        "hypervisor.qemu.snp_guest_policy",
    ),
)


QEMU_NVIDIA_CPU: Final = derive(
    QEMU,
    {
        "hypervisor.qemu.kernel": "/usr/share/kata-containers/vmlinuz-nvidia-gpu.container",
        "hypervisor.qemu.image": "/usr/share/kata-containers/kata-containers-nvidia.img",
        "hypervisor.qemu.rootfs_type": "erofs",
        "hypervisor.qemu.kernel_params": "cgroup_no_v1=all pci=realloc pci=nocrs pci=assign-busses",
        "hypervisor.qemu.kernel_verity_params": "",
        "hypervisor.qemu.disable_nesting_checks": True,
        "hypervisor.qemu.disable_image_nvdimm": True,
        "agent.kata.visible_cdi_devices": False,
        "runtime.sandbox_cgroup_only": True,
        "runtime.static_sandbox_resource_mgmt": True,
    },
    drop=("agent.kata.cdh_api_timeout",),
)
