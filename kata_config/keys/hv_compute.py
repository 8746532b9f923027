"""Hypervisor keys: machine, CPU and memory (config-keys.md §5.2 and §5.3)."""

from __future__ import annotations

from typing import Final

from kata_config.keys.hv_base import BOOL, FLOAT, GO, INT, RS, STR, STRS, go_except, go_only, hv
from kata_config.keys.spec import REQUIRED, KeySpec

KEYS: Final[tuple[KeySpec, ...]] = (
    # --- §5.2 machine and CPU ---
    hv(
        "machine_type", STR, "QEMU machine model (q35, virt, pseries, s390-ccw-virtio, ...).",
        # Go's built-in q35 is not arch-aware, so non-x86 hosts must set it explicitly.
        # Go's remote loader copies the file's value without a built-in one
        defaults={"go": "q35", "go.remote": "", "rs.qemu": "q35", "rs.dragonball": ""},
        readers=go_only("qemu", "clh", "stratovirt", "remote"),
    ),
    hv(
        "machine_accelerators", STR, "Extra comma-separated options for the QEMU machine.",
        default="",
    ),
    hv(
        "cpu_features", STR, "Comma-separated CPU feature switches passed to the guest CPU model.",
        default="",
    ),
    hv(
        "default_vcpus", FLOAT, "vCPUs the VM boots with; fractions allowed, clamped to host CPUs.",
        default=1, unit="vCPUs",
    ),
    hv(
        "default_maxvcpus", INT, "Upper bound of vCPUs after hotplug; 0 means the host CPU count.",
        default=0, unit="vCPUs", minimum=0, annotation="default_max_vcpus",
    ),
    hv(
        "overhead_vcpus", FLOAT, "vCPUs added on top of the workload's under static sizing.",
        runtimes=RS, default=0, unit="vCPUs", minimum=0,
    ),
    hv(
        "disable_nested_virtualization", BOOL, "Hide virtualization extensions from the guest.",
        runtimes=RS, readers={"rs": frozenset({"clh"})},
    ),
    hv(
        "enable_numa", BOOL, "Give the guest a NUMA topology that mirrors the host's.",
        runtimes=GO, default=False, readers=go_only("qemu"),
    ),
    hv(
        "numa_mapping", STRS, "Host NUMA node list for each guest NUMA node.",
        runtimes=GO, default=[], readers=go_only("qemu"),
    ),
    # --- §5.3 memory ---
    hv(
        "default_memory", INT, "Memory the VM boots with.",
        defaults={
            "go": 2048,
            "rs.qemu": 128,
            "rs.clh": 128,
            "rs.dragonball": 128,
            "rs.firecracker": 128,
            "rs.remote": 64,
            "rs.openvmm": REQUIRED,
        },
        unit="MiB", minimum=0,
    ),
    hv(
        "overhead_memory", INT, "Memory added on top of the workload's under static sizing.",
        runtimes=RS, default=0, unit="MiB", minimum=0,
    ),
    hv(
        "default_maxmemory", INT, "Upper bound of memory after hotplug; 0 means all host RAM.",
        default=0, unit="MiB", minimum=0,
    ),
    hv(
        "memory_slots", INT, "Number of memory hotplug slots the VM offers.",
        defaults={
            "go": 10,
            "rs.qemu": 128,
            "rs.clh": 128,
            "rs.dragonball": 128,
            "rs.remote": 128,
            "rs.openvmm": 128,
            "rs.firecracker": REQUIRED,
        },
        minimum=0, readers=go_except("remote"),
    ),
    hv(
        "memory_offset", INT, "Extra address space reserved for NVDIMM devices.",
        default=0, unit="MiB", minimum=0, readers=go_except("firecracker"),
    ),
    hv(
        "enable_virtio_mem", BOOL, "Hotplug guest memory through virtio-mem.",
        default=False,
    ),
    hv(
        "enable_mem_prealloc", BOOL, "Allocate all guest memory up front when the VM starts.",
        default=False, readers=go_except("firecracker"),
    ),
    hv(
        "enable_hugepages", BOOL, "Back guest memory with host huge pages.",
        default=False,
    ),
    hv(
        "hugepage_type", STR, "How huge pages back guest memory: hugetlbfs or transparent (thp).",
        runtimes=RS, default="hugetlbfs", choices=("hugetlbfs", "thp"),
    ),
    hv(
        "reclaim_guest_freed_memory", BOOL, "Return memory the guest frees to the host (balloon).",
        default=False,
    ),
    hv(
        "enable_guest_swap", BOOL, "Let the guest swap to host-provided block devices.",
        default=False,
    ),
    hv(
        "guest_swap_path", STR, "Host directory that holds guest swap files.",
        runtimes=RS, default="/run/kata-containers/swap",
    ),
    hv(
        "guest_swap_size_percent", INT, "Size of guest swap relative to guest memory.",
        runtimes=RS, default=100, unit="percent", minimum=0,
    ),
    hv(
        "guest_swap_create_threshold_secs", INT, "Delay before guest swap devices are created.",
        runtimes=RS, default=60, unit="s", minimum=0,
    ),
)
