"""What migrate does about settings the target runtime lacks, refuses or requires.

The key map in ``migrate_map.py`` carries what both runtimes have under other names. This module
handles the rest from the release history: retired tables and keys are renamed when a rename
exists and dropped with the reason otherwise; values the target no longer accepts are
replaced by their successor (``virtio-9p`` -> ``virtio-fs``, ``pc`` -> ``q35``); values the
target requires are added (runtime-rs Firecracker has no built-in ``memory_slots``).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any, Final

import tomlkit

from kata_config.arch import ARCHES
from kata_config.findings import Finding, Severity
from kata_config.keys import Table, lookup
from kata_config.keys.history import NAMES, NEWEST, key_history, next_release, value_history
from kata_config.keys.spec import Runtime
from kata_config.migrate_edit import Edit as _Edit
from kata_config.migrate_edit import plain as _plain
from kata_config.pipeline import validate_file
from kata_config.record import replace

# runtime-rs Firecracker refuses to load without memory_slots; upstream's stock rs-fc file
# sets this value.
RS_FC_MEMORY_SLOTS: Final = 10
_QEMU_BINARY: Final = re.compile(r"qemu-system-([a-z0-9_]+)")


def file_arch(table: Any) -> str:
    """The arch a hypervisor table is for, from its QEMU binary name (x86_64 when unknown)."""
    match = _QEMU_BINARY.search(str(table.get("path", "")))
    by_binary = {f"qemu-system-{spec.name}": spec.name for spec in ARCHES.values()}
    by_binary.update((PurePosixPath(spec.qemu.binary).name, spec.name)
                     for spec in ARCHES.values() if spec.qemu is not None)
    return by_binary.get(match.group(0) if match else "", "x86_64")


def _gone(runtime: Runtime, last: str) -> str:
    return f"{NAMES[runtime]} read it until {last} and dropped it in {next_release(runtime, last)}"


def retired_tables(e: _Edit) -> None:
    """Drop top-level tables the target runtime no longer (or never) reads: [netmon], ..."""
    doc: Any = e.doc
    for name in [k for k in doc if k not in ("hypervisor", "agent", "runtime", "factory")]:
        history = key_history("", name)
        if history is None:
            continue
        last = history.last(e.to) or history.last("go" if e.to == "rs" else "rs")
        note = history.note(e.to).why or history.note("go").why
        why = f"{NAMES[e.to]} has no [{name}] table (Kata read it until {last}"
        e.log("dropped", name, None, None, None, f"{why}{': ' + note if note else ''})")
        del doc[name]


def retired_keys(e: _Edit) -> None:
    """Keys the target runtime read once and retired: rename to the successor, else drop."""
    for section, table_pattern in (("hypervisor", "hypervisor.*"), ("agent", "agent.*"),
                                   ("runtime", "runtime")):
        for name, table in e.tables(section):
            for key in list(table):
                history = key_history(table_pattern, key)
                if history is None or history.status(e.to, NEWEST) not in ("retired", "gap"):
                    continue
                note = history.note(e.to)
                kind, _, target = note.replacement.partition(":")
                reason = _gone(e.to, history.last(e.to)) + (f": {note.why}" if note.why else "")
                if kind == "key" and target not in table:
                    value = _plain(table[key])
                    table[target] = value
                    del table[key]
                    e.log("renamed", f"{name}.{key}", f"{name}.{target}", value, value, reason)
                    continue
                e.log("dropped", f"{name}.{key}", None, _plain(table[key]), None, reason)
                del table[key]


def retired_values(e: _Edit) -> None:
    """Values Kata stopped accepting, in the target or for good: use the successor."""
    frm: Runtime = "go" if e.to == "rs" else "rs"
    for name, table in e.tables("hypervisor") + e.tables("runtime"):
        pattern = "runtime" if name == "runtime" else "hypervisor.*"
        arch = file_arch(table) if pattern != "runtime" else ""
        for key in list(table):
            value = _plain(table[key])
            if not isinstance(value, str):
                continue
            spec = lookup(Table(pattern), key)
            target_takes = spec is not None and value in spec.choices_for(e.to)
            for runtime in (e.to, frm):
                found = value_history(runtime, pattern, key, value, arch)
                if found is None or not found.span.until or not found.span.replaced_by:
                    continue
                if runtime == frm and target_takes:
                    continue  # retired by the source runtime only: the target spells it so
                new = found.span.replaced_by
                table[key] = new
                e.log("changed", f"{name}.{key}", f"{name}.{key}", value, new,
                      f'{NAMES[runtime]} accepted "{value}" until {found.span.until} '
                      f"(upstream {found.commit}); \"{new}\" replaces it")
                break


def required_values(e: _Edit) -> None:
    """Settings the target runtime insists on for this hypervisor."""
    if e.to != "rs":
        return
    hv: Any = e.doc["hypervisor"][e.hv]
    name = f"hypervisor.{e.hv}"
    if not e.agents:
        e.doc.append("agent", tomlkit.table(is_super_table=True))
        e.doc["agent"].append("kata", tomlkit.table())
        e.agents.append("kata")
        e.log("added", "agent.kata", "agent.kata", None, {}, "runtime-rs needs the agent "
              "table [runtime] agent_name names; the Go runtime ran with built-in values")
    if e.hv == "firecracker" and not _plain(hv.get("memory_slots", 0)):
        old = _plain(hv.get("memory_slots"))
        hv["memory_slots"] = RS_FC_MEMORY_SLOTS
        e.log("added", f"{name}.memory_slots", f"{name}.memory_slots", old, RS_FC_MEMORY_SLOTS,
              "runtime-rs Firecracker has no built-in memory_slots and refuses to load "
              f"without one; {RS_FC_MEMORY_SLOTS} is upstream's stock value")
    runtime: Any = e.doc.get("runtime")
    if e.hv == "remote" and runtime is not None and _plain(runtime.get("disable_new_netns")):
        del runtime["disable_new_netns"]
        e.log("dropped", "runtime.disable_new_netns", None, True, None,
              "runtime-rs forces it to false for the remote hypervisor, whose tunnel needs "
              "the network namespace")
    if _plain(hv.get("shared_fs")) == "virtio-fs" and not _plain(hv.get("virtio_fs_daemon")):
        hv["virtio_fs_daemon"] = "/usr/libexec/virtiofsd"
        e.log("added", f"{name}.virtio_fs_daemon", f"{name}.virtio_fs_daemon", None,
              "/usr/libexec/virtiofsd", "virtio-fs needs its daemon; this is upstream's "
              "stock path")


def blockers(text: str, to: Runtime, arch: str, source: str, release: str = NEWEST
             ) -> tuple[Finding, ...]:
    """Errors our own ``validate`` finds in the migrated text for runtime ``to``: each one a
    reason the target runtime would refuse the file (or refuse to start its VM)."""
    with tempfile.TemporaryDirectory(prefix="kata-config-migrate-") as tmp:
        candidate = Path(tmp) / "configuration.toml"
        candidate.write_text(text, encoding="utf-8")
        report = validate_file(candidate, runtime=to, arch=arch, dropins=False,
                               release=release)
    return tuple(replace(f, location=replace(f.location, path=f"{source} (migrated)"))
                 for f in report.findings if f.severity is Severity.ERROR)
