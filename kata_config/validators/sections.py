"""Rules about which tables exist and which of them the runtime picks."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Final

from kata_config.arch import ARCHES, ArchSpec
from kata_config.findings import Issue, Rule, Severity
from kata_config.keys.history import NAMES, hypervisor_history, hypervisors_in, next_release
from kata_config.model import KataConfig
from kata_config.validators._util import arches_where

MULTIPLE_HYPERVISOR_TABLES = Rule(
    "multiple-hypervisor-tables",
    Severity.WARNING,
    "the Go runtime picks one of several [hypervisor.*] tables at random",
)
MULTIPLE_AGENT_TABLES = Rule(
    "multiple-agent-tables",
    Severity.WARNING,
    "the Go runtime picks one of several [agent.*] tables at random",
)
HYPERVISOR_NAME_INVALID = Rule(
    "hypervisor-name-invalid",
    Severity.ERROR,
    "a [hypervisor.X] table name the target runtime has no hypervisor for",
)
NO_HYPERVISOR_TABLE = Rule(
    "no-hypervisor-table",
    Severity.WARNING,
    "no [hypervisor.*] table: the Go runtime falls back to built-in QEMU settings",
)

# runtime-rs registers these plugins only in builds for x86_64 and aarch64.
def check_multiple_hypervisor_tables(cfg: KataConfig) -> Iterator[Issue]:
    """More than one ``[hypervisor.*]`` table under the Go runtime.

    The Go runtime builds every hypervisor table it finds (each one can fail the load) and
    keeps whichever it happened to process last; Go map order is random, so the hypervisor
    can change from one sandbox to the next. runtime-rs selects the table with
    ``[runtime] hypervisor_name`` and is not affected.

    Fails:
        [hypervisor.qemu]
        kernel = "/usr/share/kata-containers/vmlinux.container"
        [hypervisor.clh]
        kernel = "/usr/share/kata-containers/vmlinux.container"

    Passes:
        [hypervisor.qemu]
        kernel = "/usr/share/kata-containers/vmlinux.container"
    """
    if cfg.runtime != "go":
        return
    names = list(cfg.hypervisors)
    if len(names) < 2:
        return
    listed = ", ".join(f"[hypervisor.{n}]" for n in names)
    for extra in names[1:]:
        yield Issue(
            f"hypervisor.{extra}",
            f"{len(names)} hypervisor tables ({listed}): the Go runtime uses a random one; "
            "keep exactly one hypervisor table in the file",
        )


def check_multiple_agent_tables(cfg: KataConfig) -> Iterator[Issue]:
    """More than one ``[agent.*]`` table under the Go runtime.

    The Go runtime accepts any agent table name and, with several, keeps a random one.
    runtime-rs selects the table with ``[runtime] agent_name``.

    Fails:
        [agent.kata]
        dial_timeout = 45
        [agent.other]
        dial_timeout = 10

    Passes:
        [agent.kata]
        dial_timeout = 45
    """
    if cfg.runtime != "go":
        return
    names = list(cfg.agents)
    listed = ", ".join(f"[agent.{n}]" for n in names)
    for extra in names[1:]:
        yield Issue(
            f"agent.{extra}",
            f"{len(names)} agent tables ({listed}): the Go runtime uses a random one; "
            "keep exactly one agent table (upstream uses [agent.kata])",
        )


def check_hypervisor_name(cfg: KataConfig) -> Iterator[Issue]:
    """A ``[hypervisor.X]`` table whose name the target runtime does not know.

    The Go runtime accepts qemu, clh, firecracker, stratovirt, remote and dragonball and
    refuses to load anything else. runtime-rs needs a registered plugin for every table,
    including inactive ones: qemu and remote always, openvmm too, but firecracker, clh,
    dragonball and openvmm only in x86_64 and aarch64 builds.

    Fails:
        [hypervisor.kvm]
        kernel = "/usr/share/kata-containers/vmlinux.container"

    Passes:
        [hypervisor.qemu]
        kernel = "/usr/share/kata-containers/vmlinux.container"
    """
    accepted = hypervisors_in(cfg.runtime, cfg.release)
    runtime = f"{NAMES[cfg.runtime]} {cfg.release}"
    for name in cfg.hypervisors:
        if name not in accepted:
            yield Issue(
                f"hypervisor.{name}",
                f"{runtime} has no hypervisor named {name!r}{_since(cfg, name)} and refuses "
                f"to load the file; expected one of: {', '.join(sorted(accepted))}",
            )
        elif cfg.runtime == "rs" and _rs_plugin_missing(cfg.arch, name):
            built = arches_where(partial(_builds, name))
            yield Issue(
                f"hypervisor.{name}",
                f"runtime-rs on {cfg.arch} has no {name!r} plugin (it is built only for "
                f"{built}) and refuses to load the file; use [hypervisor.qemu]",
            )


def _builds(name: str, spec: ArchSpec) -> bool:
    return name in spec.rs_vmms


def _rs_plugin_missing(arch: str, name: str) -> bool:
    """True for a runtime-rs plugin built for some arches but not for ``arch``."""
    spec = ARCHES.get(arch)
    some = any(name in other.rs_vmms for other in ARCHES.values())
    return spec is not None and some and name not in spec.rs_vmms


def _since(cfg: KataConfig, name: str) -> str:
    """When the name was last (or first) accepted, for a name some release knew."""
    history = hypervisor_history(name)
    if history is None or not history.spans_for(cfg.runtime):
        return ""
    status = history.status(cfg.runtime, cfg.release)
    if status == "future":
        return f" (it is accepted from {history.first(cfg.runtime)})"
    last = history.last(cfg.runtime)
    text = f" (it was accepted until {last} and removed in {next_release(cfg.runtime, last)}"
    note = history.note(cfg.runtime)
    if note.why:
        text += f": {note.why}"
    kind, _, target = note.replacement.partition(":")
    return text + (f"; use [hypervisor.{target}])" if kind == "table" else ")")


def check_no_hypervisor_table(cfg: KataConfig) -> Iterator[Issue]:
    """No ``[hypervisor.*]`` table under the Go runtime.

    The Go runtime then runs QEMU with its compiled-in settings (x86 QEMU path, q35
    machine type on every architecture), which is rarely what was meant. Under runtime-rs
    the missing table is reported by ``hypervisor-table-missing``.

    Fails:
        [runtime]
        enable_debug = false

    Passes:
        [hypervisor.qemu]
        kernel = "/usr/share/kata-containers/vmlinux.container"
    """
    if cfg.runtime == "go" and not cfg.hypervisors:
        yield Issue(
            None,
            "no [hypervisor.*] table: the Go runtime uses built-in QEMU defaults "
            "(path /usr/bin/qemu-system-x86_64, machine_type q35); add a [hypervisor.qemu] "
            "table with the paths of your installation",
        )


CHECKS: Final = (
    (MULTIPLE_HYPERVISOR_TABLES, check_multiple_hypervisor_tables),
    (MULTIPLE_AGENT_TABLES, check_multiple_agent_tables),
    (HYPERVISOR_NAME_INVALID, check_hypervisor_name),
    (NO_HYPERVISOR_TABLE, check_no_hypervisor_table),
)
