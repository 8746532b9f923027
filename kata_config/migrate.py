"""Convert a configuration between the Go runtime and runtime-rs, keeping comments and layout.

Every edit is recorded as a ``Step`` with the reason, so the user sees what changed and what
could not be carried over. The key map follows config-keys.md §4; keys the target runtime
does not read are dropped (runtime-rs refuses unknown keys in its agent and factory tables,
and silently ignoring a setting is worse than saying it is gone).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from kata_config import migrate_fixes as fixes
from kata_config.findings import Finding
from kata_config.inputs import InputError, read_input
from kata_config.keys.history import NEWEST
from kata_config.keys.spec import HYPERVISOR_NAMES, Runtime
from kata_config.migrate_guard import MigrateBlocked, MigrateError, check_layout, check_toml
from kata_config.stock.keypath import spec_for

if TYPE_CHECKING:
    from tomlkit.items import Table as TomlTable
    from tomlkit.toml_document import TOMLDocument

StepKind = Literal["renamed", "converted", "moved", "added", "changed", "dropped"]

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
FACTORY_KEYS: Final = ("enable_template", "template_path")
RS_NAME: Final = "virt_container"
_NAMES: Final = {"go": "the Go runtime", "rs": "runtime-rs"}


@dataclass(frozen=True, slots=True)
class Step:
    """One edit: ``key`` (dotted, in the source) became ``target`` (None when dropped)."""

    kind: StepKind
    key: str
    target: str | None
    old: Any
    new: Any
    reason: str


@dataclass(frozen=True, slots=True)
class Migration:
    """The migrated text plus every step taken."""

    source: str
    from_runtime: Runtime
    to_runtime: Runtime
    hypervisor: str
    text: str
    steps: tuple[Step, ...]
    blockers: tuple[Finding, ...] = ()
    """Errors ``validate`` finds in ``text`` for the target runtime: reasons it would refuse
    the file; a file with blockers is written only on request (``--force``)."""

    @property
    def lost(self) -> tuple[Step, ...]:
        """Settings that could not be carried over."""
        return tuple(s for s in self.steps if s.kind == "dropped")

    def counts(self) -> dict[str, int]:
        """How many steps of each kind (renamed, converted, ..., dropped)."""
        out: dict[str, int] = {}
        for step in self.steps:
            out[step.kind] = out.get(step.kind, 0) + 1
        return out


class _Edit:
    """The document being rewritten, the source runtime's section names and the step log."""

    def __init__(self, doc: TOMLDocument, to: Runtime, hv: str, agents: list[str]) -> None:
        self.doc, self.to, self.hv, self.agents = doc, to, hv, agents
        self.steps: list[Step] = []

    def tables(self, section: str) -> list[tuple[str, TomlTable]]:
        """(dotted name, table) for a section: the hypervisor, every agent, or [runtime]."""
        doc: Any = self.doc
        if section == "hypervisor":
            return [(f"hypervisor.{self.hv}", doc["hypervisor"][self.hv])]
        if section == "agent":
            return [(f"agent.{a}", doc["agent"][a]) for a in self.agents]
        return [(section, doc[section])] if section in doc else []

    def log(  # noqa: PLR0917 - mirrors Step's fields in order
        self, kind: StepKind, key: str, target: str | None, old: Any, new: Any, why: str
    ) -> None:
        self.steps.append(Step(kind, key, target, old, new, why))


def _plain(item: Any) -> Any:
    return item.unwrap() if hasattr(item, "unwrap") else item


def _rename(table: TomlTable, old: str, new: str, value: Any) -> None:
    import tomlkit

    # tomlkit has no public rename; _replace keeps the key's place and its trailing comment.
    table.value._replace(old, new, tomlkit.item(value))


def _renames(e: _Edit, forward: bool) -> None:
    for section, go_key, rs_key in RENAMES:
        src, dst = (go_key, rs_key) if forward else (rs_key, go_key)
        for name, table in e.tables(section):
            if src in table and dst not in table:
                value = _plain(table[src])
                _rename(table, src, dst, value)
                e.log(
                    "renamed",
                    f"{name}.{src}",
                    f"{name}.{dst}",
                    value,
                    value,
                    f"{_NAMES[e.to]} spells it {dst}",
                )


def _units(e: _Edit, forward: bool) -> None:
    for section, s_key, ms_key in SECONDS_TO_MS:
        src, dst = (s_key, ms_key) if forward else (ms_key, s_key)
        for name, table in e.tables(section):
            if src not in table or dst in table:
                continue
            value = _plain(table[src])
            if not forward and s_key == "dial_timeout":
                # Go's dial_timeout is the whole wait for the agent: runtime-rs's reconnect budget
                value = max(value, _plain(table.get("reconnect_timeout_ms", 0)))
            new = value * 1000 if forward else math.ceil(value / 1000)
            _rename(table, src, dst, new)
            unit = "seconds to milliseconds" if forward else "milliseconds to seconds (rounded up)"
            e.log(
                "converted",
                f"{name}.{src}",
                f"{name}.{dst}",
                value,
                new,
                f"{_NAMES[e.to]} takes {dst}; {unit}",
            )
            if (
                forward
                and dst == "dial_timeout_ms"
                and _plain(table.get("reconnect_timeout_ms", 3000)) < new
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


def _moves(e: _Edit, forward: bool) -> None:
    for go_sec, go_key, rs_sec, rs_key in MOVES:
        (s_sec, s_key), (d_sec, d_key) = ((go_sec, go_key), (rs_sec, rs_key))[
            :: 1 if forward else -1
        ]
        for s_name, s_table in e.tables(s_sec):
            if s_key not in s_table:
                continue
            value = _plain(s_table[s_key])
            del s_table[s_key]
            for d_name, d_table in e.tables(d_sec)[:1]:
                d_table[d_key] = value
                e.log(
                    "moved",
                    f"{s_name}.{s_key}",
                    f"{d_name}.{d_key}",
                    value,
                    value,
                    f"{_NAMES[e.to]} reads it from [{d_name}]",
                )


def _force_guest_pull(e: _Edit, forward: bool) -> None:
    for name, table in e.tables("runtime"):
        if forward and "experimental_force_guest_pull" in table:
            value = _plain(table["experimental_force_guest_pull"])
            del table["experimental_force_guest_pull"]
            if value:
                features = [*_plain(table.get("experimental", [])), "force_guest_pull"]
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
            features = _plain(table["experimental"])
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


def _block_drivers(e: _Edit, forward: bool) -> None:
    mapping = BLOCK_DRIVERS if forward else {v: k for k, v in BLOCK_DRIVERS.items()}
    for name, table in e.tables("hypervisor"):
        old = _plain(table.get("block_device_driver"))
        if old in mapping:
            table["block_device_driver"] = mapping[old]
            e.log(
                "changed",
                f"{name}.block_device_driver",
                f"{name}.block_device_driver",
                old,
                mapping[old],
                f"{_NAMES[e.to]} spells this driver {mapping[old]}",
            )
    if e.hv != "qemu":
        return
    for name, table in e.tables("hypervisor"):
        if forward and "vm_rootfs_driver" not in table and "disable_image_nvdimm" in table:
            nvdimm = not _plain(table["disable_image_nvdimm"])
            ccw = _plain(table.get("machine_type")) == "s390-ccw-virtio"
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


def _factory(e: _Edit, forward: bool) -> None:
    import tomlkit

    doc: Any = e.doc
    hv_table: Any = doc["hypervisor"][e.hv]
    src_name = "factory" if forward else f"hypervisor.{e.hv}.factory"
    src = doc.get("factory") if forward else hv_table.get("factory")
    if src is None:
        return
    dst_name = f"hypervisor.{e.hv}.factory" if forward else "factory"
    if forward:
        del doc["factory"]
        for key in [k for k in src if k not in FACTORY_KEYS]:
            e.log(
                "dropped",
                f"factory.{key}",
                None,
                _plain(src[key]),
                None,
                "runtime-rs has no VMCache; its factory table refuses this key",
            )
            del src[key]
        src.add(tomlkit.nl())
        hv_table.append("factory", src)
    else:
        del hv_table["factory"]
        doc.append("factory", src)
    e.log(
        "moved",
        src_name,
        dst_name,
        None,
        None,
        f"{_NAMES[e.to]} reads VM templating settings from [{dst_name}]",
    )


def _selectors(e: _Edit) -> None:
    doc: Any = e.doc
    if "runtime" not in doc:
        import tomlkit

        doc.append("runtime", tomlkit.table())
    table = doc["runtime"]
    agent = e.agents[0] if e.agents else "kata"
    for key, value in (("name", RS_NAME), ("hypervisor_name", e.hv), ("agent_name", agent)):
        if key not in table:
            table[key] = value
            e.log(
                "added",
                f"runtime.{key}",
                f"runtime.{key}",
                None,
                value,
                "runtime-rs requires it to pick the sandbox type, hypervisor and agent tables",
            )


# runtime-rs tables that refuse keys they do not know (config-keys.md §1).
_STRICT_RS: Final = ("agent.*", "agent.*.mem_agent", "hypervisor.*.factory")


def _drop_unsupported(e: _Edit) -> None:
    doc: Any = e.doc
    hv: Any = doc["hypervisor"][e.hv]
    scan: list[tuple[str, Any, bool]] = [(f"hypervisor.{e.hv}", hv, False)]
    if "factory" in hv:
        scan.append((f"hypervisor.{e.hv}.factory", hv["factory"], True))
    for name, table in e.tables("agent"):
        scan.append((name, table, True))
        if "mem_agent" in table:
            scan.append((f"{name}.mem_agent", table["mem_agent"], True))
    scan += [(n, t, False) for n, t in (*e.tables("runtime"), *e.tables("factory"))]
    for name, table, strict in scan:
        for key in list(table):
            dotted = f"{name}.{key}"
            spec = spec_for(dotted)
            if spec is None:
                if not (strict and e.to == "rs"):
                    continue
                why = f"runtime-rs refuses keys it does not know in [{name}]"
            elif e.to in spec.runtimes:
                continue
            else:
                why = f"{_NAMES[e.to]} has no such setting ({spec.description.rstrip('.')})"
            e.log("dropped", dotted, None, _plain(table[key]), None, why)
            del table[key]


def migrate_text(text: str, to: Runtime, source: str = "<input>", *,
                 release: str = NEWEST) -> Migration:
    """Migrate one configuration's text to runtime ``to``.

    Raises:
        MigrateError: not TOML, already for ``to``, or no hypervisor the target supports.
    """
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    from kata_config.diff import active_hypervisor
    from kata_config.model import detect_runtime

    check_toml(text, source)
    try:
        doc = tomlkit.parse(text)
    except (TOMLKitError, RecursionError) as err:
        raise MigrateError(f"{source} is not valid TOML: {err}") from None
    data = doc.unwrap()
    frm = detect_runtime(data)
    if frm == to:
        raise MigrateError(f"{source} is already a configuration for {_NAMES[to]}")
    hv = active_hypervisor(data, frm)
    if hv is None:
        raise MigrateError(f"{source} has no [hypervisor.<name>] table to migrate")
    if hv not in HYPERVISOR_NAMES[to]:
        known = ", ".join(HYPERVISOR_NAMES[to])
        raise MigrateBlocked(f"{_NAMES[to]} has no {hv} hypervisor (it knows: {known}); "
                             "nothing to convert it to")
    agents = [k for k, v in (data.get("agent") or {}).items() if isinstance(v, dict)]
    e = _Edit(doc, to, hv, agents)
    forward = to == "rs"
    try:
        fixes.retired_tables(e)
        fixes.retired_keys(e)
        for step in (_renames, _units, _moves, _force_guest_pull, _block_drivers, _factory):
            step(e, forward)
        if forward:
            _selectors(e)
        fixes.retired_values(e)
        fixes.required_values(e)
        _drop_unsupported(e)
        out = tomlkit.dumps(doc)
    except (TOMLKitError, AttributeError, KeyError, TypeError) as err:
        # tomlkit fails on some edits of a table written in pieces (issue 9): say so
        check_layout(doc, source)
        if isinstance(err, TOMLKitError):
            raise MigrateError(f"cannot convert {source} while keeping its layout: {err}") \
                from None
        raise
    arch = fixes.file_arch(data["hypervisor"][hv])
    return Migration(source, frm, to, hv, out, tuple(e.steps),
                     fixes.blockers(out, to, arch, source, release))


def migrate_file(path: Path, to: Runtime, *, release: str = NEWEST) -> Migration:
    """Migrate the file at ``path`` (drop-ins in config.d/ are separate files: migrate each);
    ``blockers`` are the errors ``release`` of the target runtime would find in the result."""
    try:
        text = read_input(path, "input").decode("utf-8")
    except InputError as err:
        raise MigrateError(str(err)) from None
    except UnicodeDecodeError as err:
        raise MigrateError(f"cannot read {path}: byte {err.start} is not valid UTF-8; "
                           "TOML files must be UTF-8 encoded") from None
    return migrate_text(text, to, str(path), release=release)


def touched_keys(migration: Migration) -> set[str]:
    """Every dotted key (source or target side) a step mentions, for explaining differences."""
    return {k for s in migration.steps for k in (s.key, s.target) if k}


def explains(migration: Migration, key: str) -> bool:
    """True when a step of ``migration`` is about ``key`` or a table holding it."""
    return any(key == k or key.startswith(f"{k}.") for k in touched_keys(migration))


__all__ = [
    "MigrateBlocked",
    "MigrateError",
    "Migration",
    "Step",
    "explains",
    "migrate_file",
    "migrate_text",
    "touched_keys",
]
