"""VM factory rules: VM templating and VMCache."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from kata_config.findings import Issue, Rule, Severity
from kata_config.keys import Table, lookup
from kata_config.model import KataConfig
from kata_config.validators._util import as_int, as_str, hv_tables, is_true
from kata_config.validators.sharedfs import effective_shared_fs

VM_CACHE_NEEDS_QEMU = Rule(
    "vm-cache-needs-qemu", Severity.ERROR, "Go: VMCache (vm_cache_number > 0) works only with qemu"
)
TEMPLATE_SHARED_FS = Rule(
    "template-shared-fs",
    Severity.ERROR,
    "Go: VM templating cannot be combined with virtio-fs",
    when="start",
)
TEMPLATE_NEEDS_INITRD = Rule(
    "template-needs-initrd",
    Severity.WARNING,
    "VM templating is meant to boot from an initrd, not an image",
    releases=(("go", "3.32", ""),),
)
TEMPLATE_INITRD_REFUSED = Rule(
    "template-initrd-refused",
    Severity.ERROR,
    "Go 1.5-3.31: VM templating without an initrd fails the load",
    releases=(("go", "1.5", "3.31"),),
)


def _factory_key(cfg: KataConfig, key: str) -> str:
    if cfg.runtime == "go":
        return f"factory.{key}"
    return f"hypervisor.{cfg.active_hypervisor}.factory.{key}"


def _templated(cfg: KataConfig) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Hypervisor tables that would be templated: all (Go) or the active one (runtime-rs)."""
    if not is_true(cfg.factory.get("enable_template")):
        return
    for name, table in hv_tables(cfg):
        if cfg.runtime == "go" or name == cfg.active_hypervisor:
            yield name, table


def check_vm_cache(cfg: KataConfig) -> Iterator[Issue]:
    """``[factory] vm_cache_number > 0`` with a hypervisor other than qemu (Go).

    The Go runtime implements VMCache only for QEMU and refuses to load otherwise. A
    negative number counts too: Go decodes it into an unsigned field, where it wraps to a
    huge count (``negative-value``).

    Fails:
        [hypervisor.clh]
        image = "/usr/share/kata-containers/kata-containers.img"
        [factory]
        vm_cache_number = 2

    Passes:
        [hypervisor.qemu]
        image = "/usr/share/kata-containers/kata-containers.img"
        [factory]
        vm_cache_number = 2
    """
    if cfg.runtime != "go":
        return
    number = as_int(cfg.factory.get("vm_cache_number"))
    if not number:
        return
    for name in cfg.hypervisors:
        if name != "qemu":
            yield Issue(
                "factory.vm_cache_number",
                f"vm_cache_number = {number} with [hypervisor.{name}]: the Go runtime supports "
                "VMCache only with qemu and refuses to load; set vm_cache_number = 0",
            )


def check_template_shared_fs(cfg: KataConfig) -> Iterator[Issue]:
    """VM templating with virtio-fs or virtio-fs-nydus (Go qemu and clh).

    A VM cloned from a template cannot take over the template's virtiofsd, so the Go
    runtime fails to create it. Note that a missing ``shared_fs`` means virtio-fs in Go.

    Fails:
        [hypervisor.qemu]
        initrd = "/usr/share/kata-containers/kata-containers-initrd.img"
        shared_fs = "virtio-fs"
        virtio_fs_daemon = "/usr/libexec/virtiofsd"
        [factory]
        enable_template = true

    Passes:
        [hypervisor.qemu]
        initrd = "/usr/share/kata-containers/kata-containers-initrd.img"
        shared_fs = "virtio-9p"
        [factory]
        enable_template = true
    """
    if cfg.runtime != "go":
        return
    for name, table in _templated(cfg):
        fs = effective_shared_fs(cfg, table)
        if name in ("qemu", "clh") and fs in ("virtio-fs", "virtio-fs-nydus"):
            yield Issue(
                "factory.enable_template",
                f"enable_template = true with shared_fs {fs!r} in [hypervisor.{name}]: the Go "
                "runtime cannot create templated VMs with virtio-fs; use shared_fs = "
                '"virtio-9p" or disable templating',
            )


def check_template_initrd(cfg: KataConfig) -> Iterator[Issue]:
    """VM templating with a guest ``image`` instead of an ``initrd``.

    Templated VMs share the template's memory; upstream documents that templating needs an
    initrd rootfs. Neither runtime checks it at load, so the mistake shows up only when
    cloned VMs misbehave.

    Fails:
        [hypervisor.qemu]
        image = "/usr/share/kata-containers/kata-containers.img"
        shared_fs = "virtio-9p"
        [factory]
        enable_template = true

    Passes:
        [hypervisor.qemu]
        initrd = "/usr/share/kata-containers/kata-containers-initrd.img"
        shared_fs = "virtio-9p"
        [factory]
        enable_template = true
    """
    for name, table in _templated(cfg):
        if as_str(table.get("image")):
            yield Issue(
                _factory_key(cfg, "enable_template"),
                f"enable_template = true but [hypervisor.{name}] boots from image: VM "
                "templating expects an initrd; set initrd and remove image",
            )


def check_template_initrd_refused(cfg: KataConfig) -> Iterator[Issue]:
    """VM templating without an ``initrd``, for the Go runtime 1.5 to 3.31.

    Those releases refuse to load a file whose ``[factory] enable_template = true`` comes
    with no ``initrd`` ("Factory option enable_template requires an initrd image"); 3.32
    dropped the check (then ``template-needs-initrd`` warns instead).

    Fails:
        # kata-config: --runtime go --kata-version 3.30
        [hypervisor.qemu]
        image = "/usr/share/kata-containers/kata-containers.img"
        shared_fs = "virtio-9p"
        [factory]
        enable_template = true

    Passes:
        # kata-config: --runtime go --kata-version 3.30
        [hypervisor.qemu]
        initrd = "/usr/share/kata-containers/kata-containers-initrd.img"
        shared_fs = "virtio-9p"
        [factory]
        enable_template = true
    """
    if cfg.runtime != "go" or not is_true(cfg.factory.get("enable_template")):
        return
    initrd = lookup(Table.HYPERVISOR, "initrd")
    for name, table in hv_tables(cfg):
        # a builder that never reads initrd (remote, dragonball) leaves it empty: refused too
        if not as_str(table.get("initrd")) or not (initrd and initrd.read_by("go", name)):
            yield Issue(
                _factory_key(cfg, "enable_template"),
                f"enable_template = true but [hypervisor.{name}] has no initrd: the Go "
                f"runtime {cfg.release} refuses to load the file; set initrd (and remove "
                "image), or disable templating",
            )


CHECKS: Final = (
    (VM_CACHE_NEEDS_QEMU, check_vm_cache),
    (TEMPLATE_SHARED_FS, check_template_shared_fs),
    (TEMPLATE_NEEDS_INITRD, check_template_initrd),
    (TEMPLATE_INITRD_REFUSED, check_template_initrd_refused),
)
