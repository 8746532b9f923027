"""Hypervisor keys: security, confidential computing, annotations, debug (§5.8-5.9)."""

from __future__ import annotations

from typing import Final

from kata_config.keys.hv_base import (
    BOOL,
    GO,
    INT,
    RS,
    STR,
    STRS,
    U32_MAX,
    go_except,
    go_only,
    hv,
)
from kata_config.keys.spec import KeySpec

_LOG_LEVELS: Final = ("trace", "debug", "info", "warn", "error", "critical")

KEYS: Final[tuple[KeySpec, ...]] = (
    # --- §5.8 security, confidential computing and annotations ---
    hv(
        "confidential_guest", BOOL, "Run the VM as a confidential guest on a TEE (TDX, SNP, SE).",
        default=False, readers=go_only("qemu", "clh"),
    ),
    hv(
        "sev_snp_guest", BOOL, "Prefer AMD SEV-SNP over plain SEV for confidential guests.",
        default=False,
    ),
    hv(
        "snp_id_block", STR, "Base64 SEV-SNP ID block; must come with snp_id_auth.",
        default="",
    ),
    hv(
        "snp_id_auth", STR, "Base64 SEV-SNP ID authentication structure for snp_id_block.",
        default="",
    ),
    hv(
        "snp_guest_policy", INT, "SEV-SNP guest policy bits passed to the firmware.",
        # Go leaves it to QEMU, whose default is the same 0x30000; runtime-rs decodes a u32.
        default=0x30000, minimum=0, maximum=U32_MAX,
    ),
    hv(
        "tdx_quote_generation_service_socket_port", INT, "vsock port of the TDX quote service.",
        # Go: 0 means "use the QGS unix socket if present, else port 4050".
        defaults={"go": 0, "rs": 4050}, minimum=0,
    ),
    hv(
        "measurement_algo", STR, "Hash algorithm for Arm CCA realm measurements.",
        runtimes=GO, default="sha512", choices=("sha512", "sha256"), readers=go_only("qemu"),
        start_checked=GO,  # checked by the arm64 QEMU code when the VM is built
    ),
    hv(
        "initdata", STR, "Initial data for a confidential guest (normally an annotation).",
        runtimes=RS, default="", annotation="cc_init_data",
    ),
    hv(
        "rootless", BOOL, "Run the VMM as an unprivileged user.",
        default=False, readers=go_only("qemu", "clh"),
    ),
    hv(
        "disable_seccomp", BOOL, "Turn off the VMM's own seccomp filtering.",
        # Go's qemu loader never copies it: QEMU is confined by seccompsandbox instead
        default=False, readers=go_only("clh", "stratovirt"),
    ),
    hv(
        "seccompsandbox", STR, "QEMU -sandbox options confining the QEMU process.",
        runtimes=GO, default="", annotation="", readers=go_only("qemu"),
    ),
    hv(
        "seccomp_sandbox", STR, "QEMU -sandbox options confining the QEMU process.",
        runtimes=RS, annotation="",
    ),
    hv(
        "disable_selinux", BOOL, "Do not apply an SELinux label to the VMM process.",
        default=False, readers=go_except("remote"),
    ),
    hv(
        "disable_guest_selinux", BOOL, "Do not enforce SELinux inside the guest.",
        # Go forces true for firecracker and remote, so the file's value is ignored there.
        default=True, readers=go_except("remote", "firecracker"),
    ),
    hv(
        "selinux_label", STR, "SELinux label (user:role:type) given to the guest.",
        runtimes=RS,
    ),
    hv(
        "enable_annotations", STRS, "Regexes of hypervisor annotations pods may override.",
        default=[], readers=go_except("dragonball"),
    ),
    hv(
        "guest_hook_path", STR, "Guest directory holding OCI hooks to run inside the VM.",
        default="", readers=go_except("dragonball"),
    ),
    # --- §5.9 debug and diagnostics ---
    hv(
        "enable_debug", BOOL, "Turn on hypervisor debug output.",
        default=False, readers=go_except("remote"),
    ),
    hv(
        "log_level", STR, "Log level of the built-in hypervisor.",
        runtimes=RS, default="info", choices=_LOG_LEVELS,
    ),
    hv(
        "hypervisor_loglevel", INT, "Cloud Hypervisor verbosity, 1 to 3.",
        runtimes=GO, default=1, minimum=0, readers=go_only("clh"),
    ),
    hv(
        "extra_monitor_socket", STR, "Expose an extra QEMU monitor socket for debugging.",
        default="", choices=("", "hmp", "qmp", "qmp-pretty"),
        aliases=("dbg_monitor_socket",), annotation="", readers=go_only("qemu"),
    ),
    hv(
        "disable_nesting_checks", BOOL, "Skip detection of running nested inside another VM.",
        default=False,
    ),
    hv(
        "guest_memory_dump_path", STR, "Host directory for guest memory dumps on a guest panic.",
        default="", readers=go_only("qemu"),
    ),
    hv(
        "guest_memory_dump_paging", BOOL, "Dump guest memory with paging (virtual addresses).",
        default=False,
    ),
)
