"""Per-hypervisor restrictions: keys a plugin refuses, requires or never reads."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from kata_config.findings import Issue, Rule, Severity
from kata_config.keys import Table, keys_of
from kata_config.keys.history import value_status
from kata_config.model import KataConfig
from kata_config.validators._util import as_int, as_str, hkey, is_true

DRAGONBALL_RESTRICTION = Rule(
    "dragonball-restriction",
    Severity.ERROR,
    "runtime-rs dragonball refuses a key other hypervisors accept",
)
JAILER_NOT_SUPPORTED = Rule(
    "jailer-not-supported",
    Severity.ERROR,
    "runtime-rs qemu and clh refuse jailer_path / valid_jailer_paths",
)
VMM_PATH_REQUIRED = Rule(
    "vmm-path-required",
    Severity.ERROR,
    "runtime-rs firecracker and openvmm need the VMM binary path",
)
REMOTE_RESTRICTION = Rule(
    "remote-restriction",
    Severity.ERROR,
    "runtime-rs remote refuses initrd and rootfs_type",
)
KEY_IGNORED_BY_HYPERVISOR = Rule(
    "key-ignored-by-hypervisor",
    Severity.INFO,
    "a key the Go builder of this hypervisor never reads",
)

# What each key must be for dragonball, phrased for the message.
_DB_EMPTY: Final = (
    "path", "valid_hypervisor_paths", "ctlpath", "valid_ctlpaths", "firmware", "pflashes",
    "machine_type",
)  # fmt: skip
_DB_ZERO: Final = ("default_bridges", "pcie_root_port", "pcie_switch_port")
_DB_FALSE: Final = ("enable_iommu", "enable_iommu_platform", "rootless", "enable_iothreads")
_DB_DRIVERS: Final = ("virtio-blk-pci", "virtio-blk-mmio", "virtio-pmem")
_DB_SHARED_FS: Final = ("virtio-fs", "inline-virtio-fs")

# Keys present in upstream Go templates that the Go builder of that hypervisor never reads.


def _db_problems(table: Mapping[str, Any], release: str) -> Iterator[tuple[str, str]]:
    for key in _DB_EMPTY:
        if table.get(key) not in (None, "", []):
            yield key, f"{key} must be empty for dragonball (the VMM is built into the shim)"
    for key in _DB_ZERO:
        value = as_int(table.get(key))
        if value:
            yield key, f"{key} ({value}) must be 0 for dragonball"
    for key in _DB_FALSE:
        if is_true(table.get(key)):
            yield key, f"{key} = true is not supported by dragonball; set it to false"
    driver = as_str(table.get("block_device_driver"))
    # 3.0-3.1 spelled the drivers virtio-blk, virtio-mmio, nvdimm: the value history decides
    renamed = value_status("rs", "hypervisor.*", "block_device_driver", driver, "",
                           release=release) is not None
    if driver and driver not in _DB_DRIVERS and not renamed:
        yield (
            "block_device_driver",
            (
                f"block_device_driver {driver!r} is not supported by dragonball; use one of "
                f"{', '.join(_DB_DRIVERS)}"
            ),
        )
    fs = as_str(table.get("shared_fs"))
    if fs is not None and fs and fs not in _DB_SHARED_FS:
        yield (
            "shared_fs",
            (
                f"shared_fs {fs!r} is not supported by dragonball; use one of "
                f"{', '.join(_DB_SHARED_FS)}"
            ),
        )


def check_dragonball(cfg: KataConfig) -> Iterator[Issue]:
    """Keys that runtime-rs dragonball refuses.

    Dragonball is built into the shim, so binary paths, firmware, machine type and PCI
    topology do not apply: ``path``, ``valid_hypervisor_paths``, ``ctlpath``,
    ``valid_ctlpaths``, ``firmware``, ``pflashes`` and ``machine_type`` must be empty,
    ``default_bridges``/``pcie_root_port``/``pcie_switch_port`` 0, IOMMU, rootless and
    iothreads off; block driver only virtio-blk-pci/-mmio or virtio-pmem, shared_fs only
    virtio-fs or inline-virtio-fs. runtime-rs refuses to load otherwise.

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.dragonball]
        default_bridges = 1

    Passes:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.dragonball]
        default_bridges = 0
    """
    table = cfg.hypervisors.get("dragonball")
    if cfg.runtime != "rs" or table is None:
        return
    for key, problem in _db_problems(table, cfg.release):
        yield Issue(hkey("dragonball", key), f"{problem}: runtime-rs refuses to load")


def check_jailer(cfg: KataConfig) -> Iterator[Issue]:
    """``jailer_path`` or ``valid_jailer_paths`` set for runtime-rs qemu or clh.

    Only firecracker (and dragonball) can run under a jailer; runtime-rs qemu and clh
    refuse to load a non-empty value.

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.qemu]
        jailer_path = "/usr/bin/jailer"

    Passes:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.qemu]
        jailer_path = ""
    """
    if cfg.runtime != "rs":
        return
    for name in ("qemu", "clh"):
        table = cfg.hypervisors.get(name, {})
        for key in ("jailer_path", "valid_jailer_paths"):
            if table.get(key) not in (None, "", []):
                yield Issue(
                    hkey(name, key),
                    f"{key} is set but {name} cannot run under a jailer: runtime-rs refuses to "
                    "load; remove it",
                )


def check_vmm_path(cfg: KataConfig) -> Iterator[Issue]:
    """Empty ``path`` for runtime-rs firecracker or openvmm.

    These plugins have no built-in binary path and refuse to load without one.

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.firecracker]
        path = ""

    Passes:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.firecracker]
        path = "/usr/bin/firecracker"
    """
    if cfg.runtime != "rs":
        return
    for name in ("firecracker", "openvmm"):
        table = cfg.hypervisors.get(name)
        if table is not None and table.get("path", "") == "":
            yield Issue(
                hkey(name, "path") if "path" in table else f"hypervisor.{name}",
                f"path is empty: runtime-rs {name} has no built-in binary path and refuses to "
                f"load; set path to the {name} binary",
            )


def check_remote(cfg: KataConfig) -> Iterator[Issue]:
    """Keys runtime-rs refuses in ``[hypervisor.remote]``.

    A peer-pod VM is created by the cloud-api-adaptor from an image name, so ``initrd`` and
    ``rootfs_type`` must be empty. (Its refusal of ``block_device_driver = "nvdimm"`` is
    a single-value check done by the schema stage: runtime-rs has no nvdimm driver.)

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.remote]
        rootfs_type = "ext4"

    Passes:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.remote]
        default_memory = 2048
    """
    table = cfg.hypervisors.get("remote")
    if cfg.runtime != "rs" or table is None:
        return
    for key in ("initrd", "rootfs_type"):
        if table.get(key) not in (None, ""):
            yield Issue(
                hkey("remote", key),
                f"{key} must be empty for the remote hypervisor: runtime-rs refuses to load; "
                "remove it",
            )


def _go_unread(name: str) -> frozenset[str]:
    # the catalogue's readers hold validation-rules.md §6.4's list of keys each builder skips
    return frozenset(
        spec.name
        for spec in keys_of(Table.HYPERVISOR)
        if "go" in spec.runtimes and "go" in spec.readers and not spec.read_by("go", name)
    )


def check_key_ignored(cfg: KataConfig) -> Iterator[Issue]:
    """A key in a Go hypervisor table that this hypervisor's Go builder never reads.

    The Go runtime decodes every hypervisor key into one structure but each builder copies
    only the keys it uses; e.g. Cloud Hypervisor ignores ``virtio_fs_queue_size`` and
    ``enable_iommu``, Firecracker ``msize_9p``, the remote hypervisor ``memory_slots``.
    The value has no effect. Upstream templates carry several of these, hence INFO.

    Fails:
        [hypervisor.firecracker]
        msize_9p = 8192

    Passes:
        [hypervisor.qemu]
        msize_9p = 8192
    """
    if cfg.runtime != "go":
        return
    for name, table in cfg.hypervisors.items():
        unread = _go_unread(name)
        for key in table:
            if key in unread:
                yield Issue(
                    hkey(name, key),
                    f"{key} is not read by the Go {name} hypervisor: the value has no effect; "
                    "remove it",
                )


CHECKS: Final = (
    (DRAGONBALL_RESTRICTION, check_dragonball),
    (JAILER_NOT_SUPPORTED, check_jailer),
    (VMM_PATH_REQUIRED, check_vmm_path),
    (REMOTE_RESTRICTION, check_remote),
    (KEY_IGNORED_BY_HYPERVISOR, check_key_ignored),
)
