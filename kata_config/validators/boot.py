"""Boot asset rules: kernel, image/initrd choice, dm-verity parameters, extension images."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from kata_config.findings import Issue, Rule, Severity, When
from kata_config.model import KataConfig
from kata_config.validators._util import as_str, hkey, hv_tables, is_true

IMAGE_AND_INITRD = Rule(
    "image-and-initrd", Severity.ERROR, "image and initrd are mutually exclusive"
)
BOOT_IMAGE_MISSING = Rule("boot-image-missing", Severity.ERROR, "neither image nor initrd is set")
SECURE_EXECUTION_MISMATCH = Rule(
    "secure-execution-mismatch",
    Severity.WARNING,
    "a confidential guest without image or initrd is only valid for IBM Secure Execution",
)
SE_BOOT_IMAGE_SET = Rule(
    "se-boot-image-set",
    Severity.ERROR,
    "Go: an IBM Secure Execution guest boots from its kernel alone; image/initrd must be empty",
    when="start",
)
KERNEL_MISSING = Rule("kernel-missing", Severity.ERROR, "runtime-rs needs a kernel path")

# Go builders that take a guest image; runtime-rs plugins that validate image/initrd.
_GO_BOOT: Final = frozenset({"qemu", "clh", "firecracker", "stratovirt", "dragonball"})
_RS_BOOT: Final = frozenset({"qemu", "clh", "dragonball", "firecracker"})
# Go builders that check image/initrd while loading; the others leave it to sandbox creation.
_GO_LOAD_NEEDS_IMAGE: Final = frozenset({"clh", "stratovirt"})
_GO_LOAD_REFUSES_BOTH: Final = frozenset({"stratovirt"})


def _when(cfg: KataConfig, name: str, at_load: frozenset[str]) -> When:
    return "load" if cfg.runtime == "rs" or name in at_load else "start"


def _boot_tables(cfg: KataConfig) -> Iterator[tuple[str, Mapping[str, Any], str, str]]:
    readers = _GO_BOOT if cfg.runtime == "go" else _RS_BOOT
    for name, table in hv_tables(cfg):
        image, initrd = as_str(table.get("image", "")), as_str(table.get("initrd", ""))
        if name in readers and image is not None and initrd is not None:
            yield name, table, image, initrd


def _is_secure_execution(cfg: KataConfig, table: Mapping[str, Any]) -> bool:
    if not is_true(table.get("confidential_guest")):
        return False
    if cfg.runtime == "go":
        return table.get("machine_type") == "s390-ccw-virtio"
    return str(table.get("vm_rootfs_driver", "")).endswith("ccw")


def check_image_and_initrd(cfg: KataConfig) -> Iterator[Issue]:
    """Both ``image`` and ``initrd`` set.

    The guest boots either from a disk image or from an initrd. runtime-rs refuses to
    load ("Can not configure both initrd and image"), and so does the Go runtime for a
    StratoVirt table; for its other hypervisors the Go runtime loads the file and fails when
    it creates the sandbox (the finding then says ``when: start``).

    Fails:
        [hypervisor.qemu]
        image = "/usr/share/kata-containers/kata-containers.img"
        initrd = "/usr/share/kata-containers/kata-containers-initrd.img"

    Passes:
        [hypervisor.qemu]
        image = "/usr/share/kata-containers/kata-containers.img"
    """
    for name, _, image, initrd in _boot_tables(cfg):
        if image and initrd:
            yield Issue(
                hkey(name, "initrd"),
                "image and initrd are both set: the guest can boot from only one; remove "
                "one of them",
                _when(cfg, name, _GO_LOAD_REFUSES_BOTH),
            )


def check_boot_image_missing(cfg: KataConfig) -> Iterator[Issue]:
    """Neither ``image`` nor ``initrd`` set for a VM hypervisor.

    The Go runtime refuses to load a Cloud Hypervisor or StratoVirt table without one (it
    builds every table in the file, not only the one it ends up using) and fails at sandbox
    creation for the others (``when: start``); runtime-rs refuses to load qemu, clh,
    dragonball and firecracker tables without one (firecracker needs ``image``
    specifically). Confidential QEMU guests are left to ``secure-execution-mismatch``.

    Fails:
        [hypervisor.qemu]
        kernel = "/usr/share/kata-containers/vmlinux.container"

    Passes:
        [hypervisor.qemu]
        kernel = "/usr/share/kata-containers/vmlinux.container"
        image = "/usr/share/kata-containers/kata-containers.img"
    """
    for name, table, image, initrd in _boot_tables(cfg):
        if name == "qemu" and is_true(table.get("confidential_guest")) and not image \
                and not initrd:
            continue
        if cfg.runtime == "rs" and name == "firecracker" and not image:
            yield Issue(
                f"hypervisor.{name}",
                "image is not set: runtime-rs firecracker boots only from a disk image and "
                'refuses to load; set image = "/usr/share/kata-containers/kata-containers.img"',
            )
        elif not image and not initrd:
            yield Issue(
                f"hypervisor.{name}",
                "neither image nor initrd is set: the VM has no root filesystem and the "
                "runtime refuses it; set image (or initrd) to the guest image path",
                _when(cfg, name, _GO_LOAD_NEEDS_IMAGE),
            )


def check_secure_execution(cfg: KataConfig) -> Iterator[Issue]:
    """A confidential guest with neither ``image`` nor ``initrd`` outside IBM SE.

    Only an IBM Secure Execution guest (s390x; Go: ``machine_type = "s390-ccw-virtio"``,
    runtime-rs: a ``*-ccw`` ``vm_rootfs_driver``) boots from its encrypted kernel image
    alone; anywhere else the sandbox is refused. Upstream renders its SE templates for every
    architecture, so this is a warning: the file is probably meant for an s390x host.

    Fails:
        [hypervisor.qemu]
        kernel = "/usr/share/kata-containers/kata-containers-se.img"
        machine_type = "q35"
        confidential_guest = true

    Passes:
        # kata-config: --runtime go --arch s390x
        [hypervisor.qemu]
        kernel = "/usr/share/kata-containers/kata-containers-se.img"
        machine_type = "s390-ccw-virtio"
        confidential_guest = true
    """
    for name, table, image, initrd in _boot_tables(cfg):
        if name != "qemu" or image or initrd or not is_true(table.get("confidential_guest")):
            continue
        if not _is_secure_execution(cfg, table):
            yield Issue(
                f"hypervisor.{name}",
                "confidential_guest = true without image or initrd is only accepted for IBM "
                "Secure Execution on s390x; on this machine type the sandbox is refused; set "
                "image, or use the file on s390x",
            )


def check_se_boot_image(cfg: KataConfig) -> Iterator[Issue]:
    """An IBM Secure Execution guest with ``image`` or ``initrd`` set (Go runtime).

    A confidential guest on ``s390-ccw-virtio`` boots from its encrypted kernel image; the
    Go runtime refuses such a sandbox when an image or initrd is also given.

    Fails:
        # kata-config: --runtime go --arch s390x
        [hypervisor.qemu]
        machine_type = "s390-ccw-virtio"
        confidential_guest = true
        image = "/usr/share/kata-containers/kata-containers.img"

    Passes:
        # kata-config: --runtime go --arch s390x
        [hypervisor.qemu]
        machine_type = "s390-ccw-virtio"
        confidential_guest = true
    """
    if cfg.runtime != "go":
        return
    for name, table, image, initrd in _boot_tables(cfg):
        if (image or initrd) and _is_secure_execution(cfg, table):
            yield Issue(
                hkey(name, "image" if image else "initrd"),
                "an IBM Secure Execution guest boots from the kernel image alone: the Go "
                "runtime refuses a sandbox with image or initrd set; remove it",
            )


def check_kernel(cfg: KataConfig) -> Iterator[Issue]:
    """``kernel`` missing or empty under runtime-rs.

    runtime-rs refuses to load a qemu, clh, dragonball or firecracker table with an empty
    kernel; its built-in value is a bare file name (``vmlinuz``) that is looked up in the
    shim's working directory and normally does not exist. (The Go runtime falls back to
    its own built-in kernel path.)

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.qemu]
        kernel = ""

    Passes:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.qemu]
        kernel = "/usr/share/kata-containers/vmlinux.container"
    """
    if cfg.runtime != "rs":
        return
    for name, table in hv_tables(cfg):
        if name not in _RS_BOOT:
            continue
        if "kernel" not in table:
            yield Issue(
                f"hypervisor.{name}",
                "kernel is not set: runtime-rs falls back to a bare file name that normally "
                "does not resolve; set kernel to the guest kernel path",
            )
        elif table["kernel"] == "":
            yield Issue(
                hkey(name, "kernel"),
                "kernel is empty: runtime-rs refuses to load; set it to the guest kernel path",
            )


CHECKS: Final = (
    (IMAGE_AND_INITRD, check_image_and_initrd),
    (BOOT_IMAGE_MISSING, check_boot_image_missing),
    (SECURE_EXECUTION_MISMATCH, check_secure_execution),
    (SE_BOOT_IMAGE_SET, check_se_boot_image),
    (KERNEL_MISSING, check_kernel),
)
