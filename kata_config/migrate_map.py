"""The key map between the runtimes: other names, other units, other tables, other spellings.

Follows config-keys.md §4. Each function applies one table of the map to the document in
both directions (``forward``: Go to runtime-rs) and logs a step per edit.
"""

from __future__ import annotations

import math
from typing import Final

from kata_config.migrate_edit import NAMES, Edit, plain, rename

# (section, Go key, runtime-rs key): same meaning, other name.
RENAMES: Final = (
    ("hypervisor", "seccompsandbox", "seccomp_sandbox"),
    ("hypervisor", "remote_hypervisor_socket", "hypervisor_socket"),
    ("hypervisor", "remote_hypervisor_timeout", "hypervisor_timeout"),
)
# (section, Go key in seconds, runtime-rs key in milliseconds).
SECONDS_TO_MS: Final = (
    ("agent", "dial_timeout", "dial_timeout_ms"),
    ("agent", "cdh_api_timeout", "cdh_api_timeout_ms"),
)
# (Go section, Go key, runtime-rs section, runtime-rs key): the key lives in another table.
MOVES: Final = (
    ("runtime", "create_container_timeout", "agent", "create_container_timeout"),
    ("runtime", "guest_selinux_label", "hypervisor", "selinux_label"),
)
BLOCK_DRIVERS: Final = {
    "virtio-blk": "virtio-blk-pci",
    "virtio-mmio": "virtio-blk-mmio",
    "nvdimm": "virtio-pmem",
}


def renames(e: Edit, forward: bool) -> None:
    """Keys both runtimes have under other names (RENAMES)."""
    for section, go_key, rs_key in RENAMES:
        src, dst = (go_key, rs_key) if forward else (rs_key, go_key)
        for name, table in e.tables(section):
            if src in table and dst not in table:
                value = plain(table[src])
                rename(table, src, dst, value)
                e.log(
                    "renamed",
                    f"{name}.{src}",
                    f"{name}.{dst}",
                    value,
                    value,
                    f"{NAMES[e.to]} spells it {dst}",
                )


def units(e: Edit, forward: bool) -> None:
    """Timeouts Go takes in seconds and runtime-rs in milliseconds (SECONDS_TO_MS)."""
    for section, s_key, ms_key in SECONDS_TO_MS:
        src, dst = (s_key, ms_key) if forward else (ms_key, s_key)
        for name, table in e.tables(section):
            if src not in table or dst in table:
                continue
            value = plain(table[src])
            if not forward and s_key == "dial_timeout":
                # Go's dial_timeout is the whole wait for the agent: runtime-rs's reconnect budget
                value = max(value, plain(table.get("reconnect_timeout_ms", 0)))
            new = value * 1000 if forward else math.ceil(value / 1000)
            rename(table, src, dst, new)
            unit = "seconds to milliseconds" if forward else "milliseconds to seconds (rounded up)"
            e.log(
                "converted",
                f"{name}.{src}",
                f"{name}.{dst}",
                value,
                new,
                f"{NAMES[e.to]} takes {dst}; {unit}",
            )
            if (
                forward
                and dst == "dial_timeout_ms"
                and plain(table.get("reconnect_timeout_ms", 3000)) < new
            ):
                table["reconnect_timeout_ms"] = new
                e.log(
                    "added",
                    f"{name}.{src}",
                    f"{name}.reconnect_timeout_ms",
                    None,
                    new,
                    "runtime-rs refuses reconnect_timeout_ms (built-in 3000) below dial_timeout_ms",
                )


def moves(e: Edit, forward: bool) -> None:
    """Keys the other runtime reads from another table (MOVES)."""
    for go_sec, go_key, rs_sec, rs_key in MOVES:
        (s_sec, s_key), (d_sec, d_key) = ((go_sec, go_key), (rs_sec, rs_key))[
            :: 1 if forward else -1
        ]
        for s_name, s_table in e.tables(s_sec):
            if s_key not in s_table:
                continue
            value = plain(s_table[s_key])
            del s_table[s_key]
            for d_name, d_table in e.tables(d_sec)[:1]:
                d_table[d_key] = value
                e.log(
                    "moved",
                    f"{s_name}.{s_key}",
                    f"{d_name}.{d_key}",
                    value,
                    value,
                    f"{NAMES[e.to]} reads it from [{d_name}]",
                )


def force_guest_pull(e: Edit, forward: bool) -> None:
    """Go's experimental_force_guest_pull switch <-> runtime-rs's experimental list."""
    for name, table in e.tables("runtime"):
        if forward and "experimental_force_guest_pull" in table:
            value = plain(table["experimental_force_guest_pull"])
            del table["experimental_force_guest_pull"]
            if value:
                features = [*plain(table.get("experimental", [])), "force_guest_pull"]
                table["experimental"] = features
            e.log(
                "moved",
                f"{name}.experimental_force_guest_pull",
                f"{name}.experimental",
                value,
                ["force_guest_pull"] if value else [],
                "runtime-rs lists it in experimental",
            )
        elif not forward and "experimental" in table:
            # Go has an explicit switch; write it either way so a round trip keeps it.
            features = plain(table["experimental"])
            value = "force_guest_pull" in features
            if value:
                table["experimental"] = [f for f in features if f != "force_guest_pull"]
            table["experimental_force_guest_pull"] = value
            e.log(
                "moved",
                f"{name}.experimental",
                f"{name}.experimental_force_guest_pull",
                features,
                value,
                "the Go runtime has a switch for it (and refuses any experimental entry)",
            )


def block_drivers(e: Edit, forward: bool) -> None:
    """Block driver spellings, and runtime-rs's vm_rootfs_driver for QEMU."""
    mapping = BLOCK_DRIVERS if forward else {v: k for k, v in BLOCK_DRIVERS.items()}
    for name, table in e.tables("hypervisor"):
        old = plain(table.get("block_device_driver"))
        if old in mapping:
            table["block_device_driver"] = mapping[old]
            e.log(
                "changed",
                f"{name}.block_device_driver",
                f"{name}.block_device_driver",
                old,
                mapping[old],
                f"{NAMES[e.to]} spells this driver {mapping[old]}",
            )
    if e.hv != "qemu":
        return
    for name, table in e.tables("hypervisor"):
        if forward and "vm_rootfs_driver" not in table and "disable_image_nvdimm" in table:
            nvdimm = not plain(table["disable_image_nvdimm"])
            ccw = plain(table.get("machine_type")) == "s390-ccw-virtio"
            driver = "virtio-blk-ccw" if ccw else "virtio-pmem" if nvdimm else "virtio-blk-pci"
            table["vm_rootfs_driver"] = driver
            e.log(
                "added",
                f"{name}.disable_image_nvdimm",
                f"{name}.vm_rootfs_driver",
                None,
                driver,
                "runtime-rs picks the root disk driver with vm_rootfs_driver",
            )
