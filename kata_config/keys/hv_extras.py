"""Hypervisor keys: remote (peer pods), sub-tables and templating internals (§5.10-5.12)."""

from __future__ import annotations

from typing import Final

from kata_config.keys.hv_base import BOOL, BOTH, GO, INT, RS, STR, TABLE, TABLES, go_only, hv
from kata_config.keys.spec import KeySpec

_PEERPOD_SOCKET: Final = "/run/peerpod/hypervisor.sock"
_RS_REMOTE: Final = {"rs": frozenset({"remote"})}

KEYS: Final[tuple[KeySpec, ...]] = (
    # --- §5.10 remote hypervisor: Go and runtime-rs spell the socket/timeout keys differently ---
    hv(
        "remote_hypervisor_socket", STR, "Host socket of the peer-pods hypervisor service.",
        runtimes=GO, default=_PEERPOD_SOCKET, annotation="", readers=go_only("remote"),
    ),
    hv(
        "remote_hypervisor_timeout", INT, "Timeout for calls to the peer-pods service.",
        runtimes=GO, default=600, unit="s", minimum=0, annotation="", readers=go_only("remote"),
    ),
    hv(
        "hypervisor_socket", STR, "Host socket of the peer-pods hypervisor service.",
        runtimes=RS, default=_PEERPOD_SOCKET, annotation="", readers=_RS_REMOTE,
    ),
    hv(
        "hypervisor_timeout", INT, "Timeout for calls to the peer-pods service.",
        runtimes=RS, default=600, unit="s", annotation="", readers=_RS_REMOTE,
    ),
    hv(
        "default_gpus", INT, "GPUs requested for a peer-pods VM.",
        runtimes=RS, default=0, minimum=0,
    ),
    hv(
        "default_gpu_model", STR, "GPU model requested for a peer-pods VM.",
        runtimes=RS, default="",
    ),
    # --- §5.11 sub-tables: catalogued so unknown-key checks accept them; their own keys are in
    # tables.py (Table.HV_FACTORY, EXTENSION_IMAGE, ROOTLESS_USER) ---
    hv(
        "factory", TABLE, "VM templating settings for this hypervisor ([hypervisor.X.factory]).",
        runtimes=RS, annotation="",
    ),
    hv(
        "guest_extension_images", TABLES, "Extra disk images attached to the guest (coco, gpu).",
        runtimes=BOTH, default=[], readers=go_only("qemu"),
    ),
    hv(
        "rootless_user", TABLE, "Host user the VMM runs as in rootless mode.",
        runtimes=RS,
    ),
    # --- §5.12 VM templating internals: set by the runtime-rs factory, not by hand ---
    hv(
        "boot_to_be_template", BOOL, "Internal: boot this VM to become a template.",
        runtimes=RS, default=False,
    ),
    hv(
        "boot_from_template", BOOL, "Internal: boot this VM from a saved template.",
        runtimes=RS, default=False,
    ),
    hv(
        "memory_path", STR, "Internal: memory file of a VM template.",
        runtimes=RS, default="",
    ),
    hv(
        "device_state_path", STR, "Internal: device state file of a VM template.",
        runtimes=RS, default="",
    ),
)
