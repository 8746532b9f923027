"""Block device rules: sector sizes, drivers that a hypervisor or a confidential guest refuses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from kata_config.findings import Issue, Rule, Severity
from kata_config.model import KataConfig
from kata_config.validators._util import as_int, as_str, enum_rejects, hkey, hv_tables, is_true

SECTOR_SIZE_INVALID = Rule(
    "sector-size-invalid",
    Severity.ERROR,
    "block device sector sizes must be 0 or a power of two from 512 to 65536",
)
SECTOR_SIZE_ORDER = Rule(
    "sector-size-order",
    Severity.ERROR,
    "block_device_logical_sector_size must not exceed block_device_physical_sector_size",
)
CONFIDENTIAL_GUEST_MMIO = Rule(
    "confidential-guest-mmio",
    Severity.ERROR,
    "confidential guests cannot use virtio-mmio block or rootfs drivers",
)
CONFIDENTIAL_NVDIMM = Rule(
    "confidential-nvdimm",
    Severity.WARNING,
    "Go: the rootfs image cannot be an NVDIMM in a confidential guest",
)
BLOCK_DRIVER_UNSUPPORTED = Rule(
    "block-driver-unsupported",
    Severity.ERROR,
    "runtime-rs qemu refuses block_device_driver = virtio-blk-mmio",
)
CLH_BLOCK_DRIVER = Rule(
    "clh-block-driver",
    Severity.WARNING,
    "Go Cloud Hypervisor can hot-plug block devices only with virtio-blk",
)

_SECTOR_KEYS: Final = ("block_device_logical_sector_size", "block_device_physical_sector_size")
# Go reads the sector sizes only in these builders; runtime-rs validates every table.
_GO_SECTOR_READERS: Final = frozenset({"qemu", "stratovirt"})


def _sector_tables(cfg: KataConfig) -> Iterator[tuple[str, dict[str, int]]]:
    for name, table in hv_tables(cfg):
        if cfg.runtime == "go" and name not in _GO_SECTOR_READERS:
            continue
        if cfg.runtime == "rs" and is_true(table.get("disable_block_device_use")):
            continue
        sizes = {k: v for k in _SECTOR_KEYS if (v := as_int(table.get(k))) is not None}
        yield name, sizes


def check_sector_size(cfg: KataConfig) -> Iterator[Issue]:
    """Block sector sizes that are not 0 or a power of two in 512..65536.

    Both runtimes refuse to load such a value (Go in its qemu and stratovirt builders;
    runtime-rs unless ``disable_block_device_use = true``). 0 means "hypervisor default".

    Fails:
        [hypervisor.qemu]
        block_device_logical_sector_size = 1000

    Passes:
        [hypervisor.qemu]
        block_device_logical_sector_size = 4096
    """
    for name, sizes in _sector_tables(cfg):
        for key, size in sizes.items():
            if size != 0 and not (512 <= size <= 65536 and size & (size - 1) == 0):
                yield Issue(
                    hkey(name, key),
                    f"{key} ({size}) must be 0 or a power of two from 512 to 65536: the "
                    "runtime refuses to load; use e.g. 512 or 4096",
                )


def check_sector_size_order(cfg: KataConfig) -> Iterator[Issue]:
    """Logical sector size larger than the physical one.

    When both are non-zero, both runtimes refuse a logical size above the physical size.

    Fails:
        [hypervisor.qemu]
        block_device_logical_sector_size = 4096
        block_device_physical_sector_size = 512

    Passes:
        [hypervisor.qemu]
        block_device_logical_sector_size = 512
        block_device_physical_sector_size = 4096
    """
    for name, sizes in _sector_tables(cfg):
        logical = sizes.get(_SECTOR_KEYS[0], 0)
        physical = sizes.get(_SECTOR_KEYS[1], 0)
        if logical > 0 and physical > 0 and logical > physical:
            yield Issue(
                hkey(name, _SECTOR_KEYS[0]),
                f"block_device_logical_sector_size ({logical}) exceeds "
                f"block_device_physical_sector_size ({physical}): the runtime refuses to "
                "load; make the logical size at most the physical size",
            )


def check_confidential_mmio(cfg: KataConfig) -> Iterator[Issue]:
    """A confidential guest with a virtio-mmio block or rootfs driver.

    The Go runtime refuses ``block_device_driver = "virtio-mmio"`` for a confidential guest
    when the sandbox is created; runtime-rs qemu and clh refuse
    ``vm_rootfs_driver = "virtio-blk-mmio"`` at load.

    Fails:
        [hypervisor.qemu]
        confidential_guest = true
        block_device_driver = "virtio-mmio"

    Passes:
        [hypervisor.qemu]
        confidential_guest = true
        block_device_driver = "virtio-scsi"
    """
    for name, table in hv_tables(cfg):
        if not is_true(table.get("confidential_guest")):
            continue
        if cfg.runtime == "go" and as_str(table.get("block_device_driver")) == "virtio-mmio":
            yield Issue(
                hkey(name, "block_device_driver"),
                'block_device_driver = "virtio-mmio" with confidential_guest = true: the Go '
                'runtime fails to create the sandbox; use "virtio-scsi" or "virtio-blk"',
                "start",
            )
        rootfs = as_str(table.get("vm_rootfs_driver"))
        if cfg.runtime == "rs" and name in ("qemu", "clh") and rootfs == "virtio-blk-mmio":
            yield Issue(
                hkey(name, "vm_rootfs_driver"),
                'vm_rootfs_driver = "virtio-blk-mmio" with confidential_guest = true: '
                'runtime-rs refuses to load; use "virtio-blk-pci"',
            )


def check_confidential_nvdimm(cfg: KataConfig) -> Iterator[Issue]:
    """A Go confidential QEMU guest that would attach its rootfs image as NVDIMM.

    ``disable_image_nvdimm`` defaults to false, so the image is offered as an NVDIMM
    device, which confidential guests do not support; the Go runtime does not use NVDIMM
    for them, so the setting does not do what it says. Set ``disable_image_nvdimm = true``
    as the confidential upstream templates do.

    Fails:
        [hypervisor.qemu]
        image = "/usr/share/kata-containers/kata-containers-confidential.img"
        confidential_guest = true

    Passes:
        [hypervisor.qemu]
        image = "/usr/share/kata-containers/kata-containers-confidential.img"
        confidential_guest = true
        disable_image_nvdimm = true
    """
    if cfg.runtime != "go":
        return
    table = cfg.hypervisors.get("qemu", {})
    if (
        is_true(table.get("confidential_guest"))
        and as_str(table.get("image"))
        and table.get("disable_image_nvdimm", False) is False
    ):
        yield Issue(
            "hypervisor.qemu"
            if "disable_image_nvdimm" not in table
            else "hypervisor.qemu.disable_image_nvdimm",
            "disable_image_nvdimm is false with confidential_guest = true: confidential "
            "guests cannot use NVDIMM for the rootfs image; set disable_image_nvdimm = true",
        )


def check_block_driver_unsupported(cfg: KataConfig) -> Iterator[Issue]:
    """``block_device_driver = "virtio-blk-mmio"`` for runtime-rs qemu.

    runtime-rs' qemu plugin has no MMIO transport for block devices and refuses to load
    (unless ``disable_block_device_use = true``, which empties the driver).

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.qemu]
        block_device_driver = "virtio-blk-mmio"

    Passes:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.qemu]
        block_device_driver = "virtio-blk-pci"
    """
    if cfg.runtime != "rs":
        return
    table = cfg.hypervisors.get("qemu", {})
    if is_true(table.get("disable_block_device_use")):
        return
    if as_str(table.get("block_device_driver")) == "virtio-blk-mmio":
        yield Issue(
            "hypervisor.qemu.block_device_driver",
            'block_device_driver = "virtio-blk-mmio": runtime-rs qemu refuses to load; use '
            '"virtio-blk-pci" or "virtio-scsi"',
        )


def check_clh_block_driver(cfg: KataConfig) -> Iterator[Issue]:
    """Go Cloud Hypervisor with a block driver other than virtio-blk.

    Cloud Hypervisor hot-plugs block devices only as virtio-blk; with another driver each
    block volume fails when it is attached. Skipped when ``disable_block_device_use``.

    Fails:
        [hypervisor.clh]
        block_device_driver = "virtio-scsi"

    Passes:
        [hypervisor.clh]
        block_device_driver = "virtio-blk"
    """
    if cfg.runtime != "go":
        return
    table = cfg.hypervisors.get("clh", {})
    driver = as_str(table.get("block_device_driver", "virtio-scsi"))
    if driver is None or is_true(table.get("disable_block_device_use")) or not table:
        return
    if driver not in ("virtio-blk", "") and not enum_rejects("block_device_driver", driver, "go"):
        yield Issue(
            "hypervisor.clh.block_device_driver"
            if "block_device_driver" in table
            else "hypervisor.clh",
            f"block_device_driver is {driver!r}: Cloud Hypervisor can hot-plug block devices "
            'only with "virtio-blk", so block volumes fail to attach; set "virtio-blk"',
        )


CHECKS: Final = (
    (SECTOR_SIZE_INVALID, check_sector_size),
    (SECTOR_SIZE_ORDER, check_sector_size_order),
    (CONFIDENTIAL_GUEST_MMIO, check_confidential_mmio),
    (CONFIDENTIAL_NVDIMM, check_confidential_nvdimm),
    (BLOCK_DRIVER_UNSUPPORTED, check_block_driver_unsupported),
    (CLH_BLOCK_DRIVER, check_clh_block_driver),
)
