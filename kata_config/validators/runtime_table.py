"""``[runtime]`` rules: experimental features, bind mounts, shared mounts, cgroups, timeouts."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from typing import Final

from kata_config.findings import Issue, Rule, Severity
from kata_config.model import KataConfig
from kata_config.validators._util import as_int, str_list

EXPERIMENTAL_UNSUPPORTED = Rule(
    "experimental-unsupported",
    Severity.ERROR,
    "the Go runtime has no experimental features and refuses any entry",
)
BIND_MOUNT_DUPLICATE_NAME = Rule(
    "bind-mount-duplicate-name",
    Severity.ERROR,
    "Go: two sandbox_bind_mounts entries with the same base name",
)
SHARED_MOUNT_INVALID = Rule(
    "shared-mount-invalid",
    Severity.ERROR,
    "runtime-rs [[runtime.shared_mounts]] entry incomplete or with an invalid path",
)
SANDBOX_CGROUP_ONLY_FORCED = Rule(
    "sandbox-cgroup-only-forced",
    Severity.WARNING,
    "runtime-rs dragonball always runs with sandbox_cgroup_only = true",
)
CREATE_CONTAINER_TIMEOUT_ZERO = Rule(
    "create-container-timeout-zero",
    Severity.WARNING,
    "Go: create_container_timeout 0 or unset gives CreateContainer no time",
    releases=(("go", "3.4", ""),),  # before 3.4 the timeout was not configurable
)

_SHARED_MOUNT_KEYS: Final = ("name", "src_ctr", "src_path", "dst_ctr", "dst_path")
_GUEST_PATH_RE: Final = r"/(?:[A-Za-z0-9._-]+/?)*"
"""A guest path (``re``'s cache compiles it when a config has shared mounts, not at start-up)."""


def check_experimental(cfg: KataConfig) -> Iterator[Issue]:
    """A non-empty ``experimental`` list under the Go runtime.

    Every entry must name a registered experimental feature and this Go runtime registers
    none, so it refuses to load. (runtime-rs acts only on ``force_guest_pull``; the Go
    spelling of that is ``experimental_force_guest_pull = true``.)

    Fails:
        [runtime]
        experimental = ["force_guest_pull"]

    Passes:
        [runtime]
        experimental = []
        experimental_force_guest_pull = true
    """
    entries = str_list(cfg.runtime_table.get("experimental"))
    if cfg.runtime == "go" and entries:
        hint = (
            "; for guest pull use experimental_force_guest_pull = true"
            if "force_guest_pull" in entries
            else ""
        )
        yield Issue(
            "runtime.experimental",
            f"experimental = {entries!r}: the Go runtime knows no experimental feature and "
            f"refuses to load; set experimental = []{hint}",
        )


def check_bind_mount_names(cfg: KataConfig) -> Iterator[Issue]:
    """Two ``sandbox_bind_mounts`` entries with the same base name (Go runtime).

    The Go runtime mounts each entry in the guest under its base name, so two entries such
    as ``/a/data`` and ``/b/data`` would collide; it refuses to load.

    Fails:
        [runtime]
        sandbox_bind_mounts = ["/srv/a/data", "/srv/b/data"]

    Passes:
        [runtime]
        sandbox_bind_mounts = ["/srv/a/data", "/srv/b/data2"]
    """
    mounts = str_list(cfg.runtime_table.get("sandbox_bind_mounts"))
    if cfg.runtime != "go" or not mounts:
        return
    seen: dict[str, str] = {}
    for mount in mounts:
        base = posixpath.basename(mount.rstrip("/"))
        if base in seen:
            yield Issue(
                "runtime.sandbox_bind_mounts",
                f"sandbox_bind_mounts entries {seen[base]!r} and {mount!r} share the base name "
                f"{base!r}: the Go runtime refuses to load; rename or drop one",
            )
        else:
            seen[base] = mount


def _shared_mount_problem(entry: Mapping[str, object]) -> str | None:
    for key in _SHARED_MOUNT_KEYS:
        value = entry.get(key)
        if not isinstance(value, str) or not value:
            return f"{key} is missing or empty"
    for key in ("src_path", "dst_path"):
        path = str(entry[key])
        if not re.fullmatch(_GUEST_PATH_RE, path) or ".." in path.split("/"):
            return (
                f"{key} {path!r} must be absolute, use only letters, digits, '-', '_' and '.', "
                "and contain no '..'"
            )
    return None


def check_shared_mounts(cfg: KataConfig) -> Iterator[Issue]:
    """An invalid ``[[runtime.shared_mounts]]`` entry (runtime-rs).

    Each entry needs ``name``, ``src_ctr``, ``src_path``, ``dst_ctr`` and ``dst_path``;
    both paths must be absolute, made of letters, digits, ``-``, ``_`` and ``.``, without
    ``..``. runtime-rs refuses to load otherwise.

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [[runtime.shared_mounts]]
        name = "logs"
        src_ctr = "app"
        src_path = "var/log"
        dst_ctr = "sidecar"
        dst_path = "/var/log/app"

    Passes:
        # kata-config: --runtime rs --arch x86_64
        [[runtime.shared_mounts]]
        name = "logs"
        src_ctr = "app"
        src_path = "/var/log"
        dst_ctr = "sidecar"
        dst_path = "/var/log/app"
    """
    entries = cfg.runtime_table.get("shared_mounts")
    if cfg.runtime != "rs" or not isinstance(entries, list):
        return
    for index, entry in enumerate(entries):
        problem = _shared_mount_problem(entry) if isinstance(entry, Mapping) else None
        if problem:
            yield Issue(
                f"runtime.shared_mounts[{index}]",
                f"shared mount {index}: {problem}; runtime-rs refuses to load",
            )


def check_sandbox_cgroup_only(cfg: KataConfig) -> Iterator[Issue]:
    """``sandbox_cgroup_only = false`` with runtime-rs dragonball.

    Dragonball runs inside the shim process, so runtime-rs always puts the whole sandbox in
    one cgroup and ignores the setting.

    Fails:
        [hypervisor.dragonball]
        default_bridges = 0
        [runtime]
        hypervisor_name = "dragonball"
        sandbox_cgroup_only = false

    Passes:
        [hypervisor.dragonball]
        default_bridges = 0
        [runtime]
        hypervisor_name = "dragonball"
        sandbox_cgroup_only = true
    """
    if cfg.runtime != "rs" or cfg.active_hypervisor != "dragonball":
        return
    if cfg.runtime_table.get("sandbox_cgroup_only") is False:
        yield Issue(
            "runtime.sandbox_cgroup_only",
            "sandbox_cgroup_only = false is ignored: runtime-rs dragonball always uses true; "
            "set sandbox_cgroup_only = true",
        )


def check_create_container_timeout(cfg: KataConfig) -> Iterator[Issue]:
    """``[runtime] create_container_timeout`` 0 or unset under the Go runtime.

    The Go runtime passes the value (seconds) as the CreateContainer deadline with no
    built-in fallback, so 0 leaves no time for the request (a guest image pull can take
    minutes). Upstream templates use 60, or 1200 for GPU images.

    Fails:
        [runtime]
        create_container_timeout = 0

    Passes:
        [runtime]
        create_container_timeout = 60
    """
    if cfg.runtime != "go" or not cfg.runtime_table:
        return
    if "create_container_timeout" not in cfg.runtime_table:
        yield Issue(
            "runtime",
            "create_container_timeout is not set: the Go runtime then gives the "
            "CreateContainer request a zero deadline; set create_container_timeout = 60",
        )
    elif as_int(cfg.runtime_table["create_container_timeout"]) == 0:
        yield Issue(
            "runtime.create_container_timeout",
            "create_container_timeout = 0 gives the CreateContainer request a zero deadline "
            "under the Go runtime; set create_container_timeout = 60",
        )


CHECKS: Final = (
    (EXPERIMENTAL_UNSUPPORTED, check_experimental),
    (BIND_MOUNT_DUPLICATE_NAME, check_bind_mount_names),
    (SHARED_MOUNT_INVALID, check_shared_mounts),
    (SANDBOX_CGROUP_ONLY_FORCED, check_sandbox_cgroup_only),
    (CREATE_CONTAINER_TIMEOUT_ZERO, check_create_container_timeout),
)
