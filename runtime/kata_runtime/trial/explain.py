"""Why a hypervisor refused to start, and what to do: its words matched to a known cause.

The table is data: a pattern over the hypervisor's stderr and a sentence with the fix. The
first match wins; the hypervisor's own words are always shown too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Cause:
    """One known refusal."""

    id: str
    pattern: re.Pattern[str]
    explanation: str
    """May use ``{version}`` (the binary's version) and ``{0}`` (the pattern's first group)."""


def _c(ident: str, pattern: str, explanation: str) -> Cause:
    return Cause(ident, re.compile(pattern, re.IGNORECASE), explanation)


CAUSES: Final = (
    _c("vhost-vsock", r"vhost-vsock.*(failed to open vhost device|No such file)",
       "/dev/vhost-vsock is missing: the agent talks to the guest over vsock. Load the module "
       "(modprobe vhost_vsock; persist it in /etc/modules-load.d/), or try without it: "
       "--without vsock."),
    _c("pvm-msr", r"failed to set MSR 0x10a",
       "KVM here rejects the IA32_ARCH_CAPABILITIES MSR that QEMU {version} sets for -cpu host "
       "(seen with KVM provided by kvm_pvm on AMD hosts); QEMU then aborts. Add "
       "'arch-capabilities=off' to cpu_features, use a QEMU that tolerates it, or try with "
       "--accel tcg."),
    _c("virtiofsd-root", r"(setgroups\(\) failed|unshare\(.*Operation not permitted|"
       r"pivot_root.*Operation not permitted)",
       "virtiofsd sandboxes itself in namespaces, which needs root (CAP_SYS_ADMIN) as it has "
       "under the runtime: run --try as root, or try without it: --without virtio-fs."),
    _c("virtiofsd-option", r"(?:fuse: unknown option\(s\): `([^']*)'|"
       r"unexpected argument '([^']*)' found)",
       "virtiofsd does not understand {0}: virtio_fs_extra_args (or the daemon's version) "
       "does not match the virtiofsd at virtio_fs_daemon; Kata ships the Rust virtiofsd."),
    _c("virtiofsd", r"Failed to connect to '?([^':]*(vhost-fs|virtiofsd)\.sock)",
       "nothing listens on {0}: virtiofsd, which the runtime starts before QEMU, is not "
       "running. Its words above (if any) say why; or try without it: --without virtio-fs."),
    _c("kernel", r"could not (open|load) kernel file '?([^':]*)",
       "the kernel file cannot be read: point kernel at a guest kernel that exists on this "
       "host (the runtime would refuse to load this configuration too)."),
    _c("firmware", r"could not load PC BIOS '?([^':]*)",
       "the firmware file ({0}) is missing here: install it (OVMF/AAVMF) or clear firmware."),
    _c("missing-file", r"(can't open backing store|Could not open) '?([^':]*)'?: No such file",
       "a file the plan names does not exist here: check image, initrd and firmware."),
    _c("kvm", r"(Could not access KVM kernel module|failed to initialize kvm|/dev/kvm)",
       "KVM is not usable here: load kvm_intel or kvm_amd and check /dev/kvm permissions, or "
       "try with --accel tcg (slow, for checking the command line only)."),
    _c("accel", r"invalid accelerator (\w+)",
       "this QEMU ({version}) cannot use the {0} accelerator for this guest architecture; "
       "try with --accel tcg."),
    _c("cpu-host-tcg", r"CPU model 'host' requires KVM",
       "-cpu host needs KVM; --accel tcg swaps it for 'max'."),
    _c("machine", r"(unsupported machine type|machine type .* not supported|"
       r"Property '[^']*' not found|Invalid parameter '[^']*'|"
       r"Parameter '[^']*' (is unexpected|expects)|'([^']*)' is not a valid device model name)",
       "this QEMU ({version}) does not know an option the plan uses: the runtime needs a newer "
       "QEMU, or the configuration names a machine or device this build lacks."),
    _c("memory", r"(cannot set up guest memory|Cannot allocate memory)",
       "the host could not provide the guest memory the plan asks for (default_memory, "
       "hugepages or /dev/shm size)."),
)


def explain(error: str, version: str = "") -> tuple[str, str]:
    """(cause id, explanation) for a refusal; ("", "") when the cause is unknown."""
    for cause in CAUSES:
        match = cause.pattern.search(error)
        if match:
            found = [g for g in match.groups() if g]
            # a path when there is one, else the most specific (innermost) group
            group = next((g for g in found if "/" in g), found[-1] if found else match.group(0))
            return cause.id, cause.explanation.format(group, version=version or "this version")
    return "", ""
