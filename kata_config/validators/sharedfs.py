"""Shared filesystem rules (virtio-fs, virtio-9p) for both runtimes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from kata_config.findings import Issue, Rule, Severity
from kata_config.keys import Table
from kata_config.keys.history import default_in
from kata_config.model import KataConfig
from kata_config.validators._util import as_int, as_str, hkey, hv_tables

VIRTIO_FS_DAEMON_MISSING = Rule(
    "virtio-fs-daemon-missing",
    Severity.ERROR,
    "virtio-fs needs virtio_fs_daemon (the virtiofsd path)",
)
VIRTIO_9P_UNSUPPORTED = Rule(
    "virtio-9p-unsupported",
    Severity.ERROR,
    "Go Cloud Hypervisor and StratoVirt refuse shared_fs = virtio-9p",
)
VIRTIO_FS_CACHE_DEPRECATED = Rule(
    "virtio-fs-cache-deprecated",
    Severity.WARNING,
    'runtime-rs rewrites virtio_fs_cache = "none" to "never"',
)
MSIZE_9P_ZERO = Rule("msize-9p-zero", Severity.WARNING, "Go silently replaces msize_9p = 0")

_VIRTIO_FS: Final = ("virtio-fs", "virtio-fs-nydus")
# Go builders that start virtiofsd; firecracker and remote have no shared filesystem.
_GO_FS_BUILDERS: Final = frozenset({"qemu", "clh", "stratovirt"})


def effective_shared_fs(cfg: KataConfig, table: Mapping[str, Any]) -> str | None:
    """The shared filesystem a table ends up with, or None when the value is not a string.

    Go: missing or empty means virtio-fs (virtio-9p until 2.3). runtime-rs: missing means
    none, empty virtio-fs.
    """
    go_default = "virtio-fs"
    if cfg.runtime == "go":
        older, value = default_in("go", Table.HYPERVISOR.value, "shared_fs", None, cfg.release)
        go_default = str(value) if older else go_default
    if "shared_fs" not in table:
        return go_default if cfg.runtime == "go" else "none"
    found = as_str(table["shared_fs"])
    if found is None:
        return None
    return found or (go_default if cfg.runtime == "go" else "virtio-fs")


def _fs_tables(cfg: KataConfig) -> Iterator[tuple[str, Mapping[str, Any], str]]:
    for name, table in hv_tables(cfg):
        if name == "remote" or (cfg.runtime == "go" and name not in _GO_FS_BUILDERS):
            continue
        fs = effective_shared_fs(cfg, table)
        if fs is not None:
            yield name, table, fs


def check_virtio_fs_daemon(cfg: KataConfig) -> Iterator[Issue]:
    """virtio-fs or virtio-fs-nydus without ``virtio_fs_daemon``.

    The Go runtime refuses to load ("cannot enable virtio-fs without daemon path"); note
    that in Go a missing ``shared_fs`` means virtio-fs. runtime-rs refuses to load because
    the daemon path must exist (``inline-virtio-fs`` needs no daemon).

    Fails:
        [hypervisor.qemu]
        shared_fs = "virtio-fs"

    Passes:
        [hypervisor.qemu]
        shared_fs = "virtio-fs"
        virtio_fs_daemon = "/usr/libexec/virtiofsd"
    """
    for name, table, fs in _fs_tables(cfg):
        daemon = table.get("virtio_fs_daemon", "")
        if fs in _VIRTIO_FS and daemon == "":
            implied = "" if "shared_fs" in table else (
                " (the Go default when shared_fs is unset, since 2.4; virtio-9p before)")
            yield Issue(
                hkey(name, "virtio_fs_daemon")
                if "virtio_fs_daemon" in table
                else f"hypervisor.{name}",
                f"shared_fs is {fs!r}{implied} but virtio_fs_daemon is empty: the runtime "
                'refuses to load; set virtio_fs_daemon = "/usr/libexec/virtiofsd" or '
                'shared_fs = "none"',
            )


def check_virtio_9p(cfg: KataConfig) -> Iterator[Issue]:
    """``shared_fs = "virtio-9p"`` with Go Cloud Hypervisor or StratoVirt.

    Neither VMM implements virtio-9p and the Go runtime refuses to load the table.

    Fails:
        [hypervisor.clh]
        shared_fs = "virtio-9p"

    Passes:
        [hypervisor.clh]
        shared_fs = "virtio-fs"
        virtio_fs_daemon = "/usr/libexec/virtiofsd"
    """
    if cfg.runtime != "go":
        return
    for name in ("clh", "stratovirt"):
        table = cfg.hypervisors.get(name, {})
        if as_str(table.get("shared_fs")) == "virtio-9p":
            yield Issue(
                hkey(name, "shared_fs"),
                f'shared_fs = "virtio-9p" is not supported by {name}: the Go runtime refuses '
                'to load; use "virtio-fs"',
            )


def check_virtio_fs_cache_deprecated(cfg: KataConfig) -> Iterator[Issue]:
    """``virtio_fs_cache = "none"`` under runtime-rs.

    runtime-rs logs a deprecation warning and uses "never"; write "never".

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.qemu]
        virtio_fs_cache = "none"

    Passes:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.qemu]
        virtio_fs_cache = "never"
    """
    if cfg.runtime != "rs":
        return
    for name, table in hv_tables(cfg):
        if as_str(table.get("virtio_fs_cache")) == "none":
            yield Issue(
                hkey(name, "virtio_fs_cache"),
                'virtio_fs_cache = "none" is deprecated: runtime-rs uses "never" instead; '
                'write "never"',
            )


def check_msize_9p(cfg: KataConfig) -> Iterator[Issue]:
    """``msize_9p = 0`` under the Go runtime (qemu).

    The Go runtime silently uses 8192 bytes instead.

    Fails:
        [hypervisor.qemu]
        msize_9p = 0

    Passes:
        [hypervisor.qemu]
        msize_9p = 8192
    """
    if cfg.runtime != "go":
        return
    if as_int(cfg.hypervisors.get("qemu", {}).get("msize_9p")) == 0:
        yield Issue(
            "hypervisor.qemu.msize_9p",
            "msize_9p = 0 is silently replaced by 8192: set the 9p message size in bytes "
            "(8192 is the default)",
        )


CHECKS: Final = (
    (VIRTIO_FS_DAEMON_MISSING, check_virtio_fs_daemon),
    (VIRTIO_9P_UNSUPPORTED, check_virtio_9p),
    (VIRTIO_FS_CACHE_DEPRECATED, check_virtio_fs_cache_deprecated),
    (MSIZE_9P_ZERO, check_msize_9p),
)
