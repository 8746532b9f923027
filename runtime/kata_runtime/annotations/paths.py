"""Path allow-lists, host lookups and the decisions that span several annotations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from kata_config import arch_spec, catalogue
from kata_runtime.annotations.context import Context
from kata_runtime.annotations.decision import Decision, Refused
from kata_runtime.annotations.glob_match import BadPattern, rs_match
from kata_runtime.annotations.go_glob import GlobView, go_glob
from kata_runtime.annotations.table import AG, CONFIG_PATH, GO_HASH_TYPE, HV, RT

GO_HASHED: Final = frozenset({"hypervisor.path", "hypervisor.jailer_path"})
ALLOWLIST_OF: Final = {
    **{info.key: info.path_allowlist for info in catalogue() if info.path_allowlist},
    # Not catalogued (3.30 and 3.31 only): its annotation was gated by this list in both.
    "hypervisor.file_mem_backend": "valid_file_mem_backends",
}
"""Each path-valued key and the ``valid_*`` list gating it, from the public catalogue."""

CONFIG_DIRS: Final = ("/etc/kata-containers/", "/usr/share/defaults/kata-containers/",
                      "/opt/kata/share/defaults/kata-containers/")


def go_max_vcpus(arch: str) -> int | None:
    """The Go runtime's QEMU vCPU ceiling on ``arch`` (None for an arch without a table)."""
    try:
        ceiling: int = arch_spec(arch).go_max_vcpus
    except ValueError:
        return None
    return ceiling


def path_allowed(flavour: str, key: str, value: str, values: Mapping[str, Any],
                 host: GlobView) -> str:
    """"" when ``value`` passes ``key``'s allow-list in ``flavour``, else the reason."""
    list_key = ALLOWLIST_OF.get(key, "")
    entries = [e for e in values.get(f"hypervisor.{list_key}", []) if isinstance(e, str)]
    if not entries:
        return f"{list_key} is empty, which allows no value"
    bad: list[str] = []
    for entry in entries:
        try:
            if flavour == "go" and value in go_glob(entry, host):
                return ""
            if flavour == "rs" and rs_match(entry, value):
                return ""
        except BadPattern as exc:
            bad.append(f"{entry!r} ({exc})")
    how = ("no entry of {0} expands on the host to exactly this path (Go compares strings "
           "with the files each glob finds)" if flavour == "go" else
           "it matches no pattern of {0}").format(list_key)
    if ".." in value.split("/"):
        how += "; the value contains '..'"
    if not value.startswith("/"):
        how += "; the value is a relative path"
    return how + (f"; malformed entries are skipped: {', '.join(bad)}" if bad else "")


def rs_escape_warning(key: str, value: str) -> str:
    """A warning when runtime-rs's pure pattern match lets ``..`` or ``//`` through."""
    if key in ALLOWLIST_OF and (".." in value.split("/") or "//" in value):
        return (" WARNING: runtime-rs matches the pattern without resolving the path, so "
                f"{value!r} may lead outside the allowed directory")
    return ""


def boot_path_exists(value: str, host: GlobView) -> str:
    """"" when runtime-rs's canonicalize of ``value`` would succeed on the host."""
    if not value.startswith("/"):
        return f"{value!r} is relative: runtime-rs resolves it against its working directory"
    if host.files.resolve(value) is None:
        return f"{value} does not exist on the host"
    return ""


def unknown(flavour: str, name: str, value: str, matched: str | None) -> Decision:
    """The decision on an annotation ``flavour`` does not apply."""
    if name == CONFIG_PATH:
        return _config_path(value)
    if name == GO_HASH_TYPE and flavour == "go":
        return Decision(name, value, "accepted", "selects the algorithm of the *_hash checks",
                        "N-7")
    if name.startswith(HV):
        if flavour == "rs":
            return Decision(name, value, "rejected", f"enabled by {matched!r}, but runtime-rs "
                            "does not know it and fails ('Invalid annotation type')", "N-3",
                            True)
        return Decision(name, value, "rejected", f"enabled by {matched!r}, but the Go runtime "
                        "does not know it and ignores it", "N-2")
    if name.startswith((RT, AG)):
        return Decision(name, value, "rejected", f"the {_runtime(flavour)} does not know this "
                        "annotation and ignores it", "N-4")
    what = "a Kata annotation kata-config does not model" if name.startswith(
        "io.katacontainers.") else "not a Kata configuration annotation"
    return Decision(name, value, "rejected", f"{what}; ignored here", "N-4")


def _config_path(value: str) -> Decision:
    inside = any(value.startswith(d) for d in CONFIG_DIRS) and ".." not in value.split("/")
    where = "inside" if inside else "outside"
    return Decision(
        CONFIG_PATH, value, "rejected",
        f"Kata 3.30 to 3.32 load this file instead of the configured one, with no allow-list "
        f"(4.0 removed the annotation; L9 says neither runtime implements it, which holds "
        f"from 4.0 only); {value!r} is {where} the configuration directories and kata-config "
        "never follows a file chosen by a pod", "L9")


def _runtime(flavour: str) -> str:
    return "Go runtime" if flavour == "go" else "runtime-rs"


def switch_table(ctx: Context, name: str, value: str) -> dict[str, object]:
    """runtime-rs ``hypervisor_name`` / ``agent_name``: switch to another table of the file."""
    active = ctx.hypervisor if name.endswith("hypervisor_name") else None
    if active is not None and value == active:
        return {}
    raise Refused(f"runtime-rs switches to [{value}] only when the file has that table; "
                  "kata-config evaluates the active table only: load the file again with it",
                  "N-4", fatal=False)


def describe(changes: Mapping[str, object], values: Mapping[str, Any]) -> str:
    """One clause saying what the accepted annotation sets."""
    if not changes:
        return "no configuration key changes (the runtime keeps or ignores the value)"
    return "; ".join(f"sets {key} to {value!r}" if key in values else
                     f"the runtime keeps {value!r} outside the configuration keys"
                     for key, value in changes.items())


_INFO: Final = {info.key: info for info in catalogue()}


def unread(ctx: Context, key: str, changes: Mapping[str, object]) -> str:
    """A clause when the active hypervisor does not read ``key``: the change has no effect."""
    info = _INFO.get(key)
    if not changes or info is None or info.read_by(ctx.flavour, ctx.hypervisor):  # type: ignore[arg-type]
        return ""
    return f" ({ctx.hypervisor} does not read {key.rpartition('.')[2]}, so it has no effect)"


def rule_for(kind: str, ctx: Context) -> str:
    """The §4 rule that an accepted conversion follows."""
    go = ctx.flavour == "go"
    return {"glob": "N-5" if go else "N-6", "asset": "N-7", "boot": "N-8"}.get(
        kind, "N-9" if go else "N-10")


def cross_checks(flavour: str, decisions: list[Decision], pending: dict[str, object],
                 values: Mapping[str, Any]) -> list[Decision]:
    """Checks over several annotations at once; a failing one rejects its annotations."""
    merged = {**values, **pending}
    failures: dict[str, str] = {}
    logical = merged.get("hypervisor.block_device_logical_sector_size") or 0
    physical = merged.get("hypervisor.block_device_physical_sector_size") or 0
    if logical and physical and logical > physical:
        why = f"logical sector size {logical} is larger than physical {physical}"
        failures[HV + "blk_logical_sector_size"] = failures[HV + "blk_physical_sector_size"] = why
    if flavour == "go":
        given = {d.annotation: d.value for d in decisions if d.status == "accepted"}
        if given.get(HV + "image") and given.get(HV + "initrd"):
            failures[HV + "image"] = failures[HV + "initrd"] = "image and initrd both given"
        if HV + "shared_fs" in given and merged.get("hypervisor.shared_fs") == "virtio-fs" \
                and not merged.get("hypervisor.virtio_fs_daemon"):
            failures[HV + "shared_fs"] = "virtio-fs needs a virtio_fs_daemon path"
    out = []
    for d in decisions:
        if d.status == "accepted" and d.annotation in failures:
            out.append(replace(d, status="rejected", fatal=True,
                               reason=f"{d.reason}, but {failures[d.annotation]}"))
            pending.pop(d.key, None)
        else:
            out.append(d)
    return out
