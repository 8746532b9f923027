"""runtime-rs table selection: ``[runtime] name``, ``hypervisor_name`` and ``agent_name``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from kata_config.findings import Issue, Rule, Severity
from kata_config.model import KataConfig

RUNTIME_NAME_MISSING = Rule(
    "runtime-name-missing", Severity.ERROR, "runtime-rs needs a non-empty [runtime] name"
)
HYPERVISOR_NAME_MISSING = Rule(
    "hypervisor-name-missing",
    Severity.ERROR,
    "runtime-rs needs a non-empty [runtime] hypervisor_name",
)
AGENT_NAME_MISSING = Rule(
    "agent-name-missing", Severity.ERROR, "runtime-rs needs a non-empty [runtime] agent_name"
)
HYPERVISOR_TABLE_MISSING = Rule(
    "hypervisor-table-missing",
    Severity.ERROR,
    "[runtime] hypervisor_name names a [hypervisor.X] table that is not in the file",
)
AGENT_TABLE_MISSING = Rule(
    "agent-table-missing",
    Severity.ERROR,
    "[runtime] agent_name names an [agent.X] table that is not in the file",
)


def _rs_name(cfg: KataConfig, key: str, what: str) -> Iterator[Issue]:
    if cfg.runtime != "rs":
        return
    value = cfg.runtime_table.get(key)
    if key not in cfg.runtime_table:
        yield Issue("runtime", f"[runtime] {key} is missing: runtime-rs refuses to load; {what}")
    elif isinstance(value, str) and not value.strip():
        yield Issue(f"runtime.{key}", f"{key} is empty: runtime-rs refuses to load; {what}")


def check_runtime_name(cfg: KataConfig) -> Iterator[Issue]:
    """``[runtime] name`` missing or empty under runtime-rs.

    runtime-rs picks its sandbox implementation from this key and refuses to load without
    it. The Go runtime does not read it.

    Fails:
        [runtime]
        name = ""
        hypervisor_name = "qemu"
        agent_name = "kata"

    Passes:
        [runtime]
        name = "virt_container"
        hypervisor_name = "qemu"
        agent_name = "kata"
    """
    yield from _rs_name(cfg, "name", 'set name = "virt_container"')


def check_hypervisor_name_missing(cfg: KataConfig) -> Iterator[Issue]:
    """``[runtime] hypervisor_name`` missing or empty under runtime-rs.

    runtime-rs selects the active ``[hypervisor.X]`` table with this key and refuses to
    load without it.

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [runtime]
        name = "virt_container"
        agent_name = "kata"

    Passes:
        [runtime]
        name = "virt_container"
        hypervisor_name = "qemu"
        agent_name = "kata"
    """
    yield from _rs_name(cfg, "hypervisor_name", "set it to the name of a [hypervisor.X] table")


def check_agent_name_missing(cfg: KataConfig) -> Iterator[Issue]:
    """``[runtime] agent_name`` missing or empty under runtime-rs.

    runtime-rs selects the active ``[agent.X]`` table with this key and refuses to load
    without it.

    Fails:
        [runtime]
        name = "virt_container"
        hypervisor_name = "qemu"
        agent_name = ""

    Passes:
        [runtime]
        name = "virt_container"
        hypervisor_name = "qemu"
        agent_name = "kata"
    """
    yield from _rs_name(cfg, "agent_name", 'set agent_name = "kata" and add [agent.kata]')


def _named_table(cfg: KataConfig, key: str, kind: str) -> Iterator[Issue]:
    if cfg.runtime != "rs":
        return
    value = cfg.runtime_table.get(key)
    tables = cfg.hypervisors if kind == "hypervisor" else cfg.agents
    if isinstance(value, str) and value.strip() and value not in tables:
        present = ", ".join(f"[{kind}.{n}]" for n in tables) or "none"
        yield Issue(
            f"runtime.{key}",
            f"{key} = {value!r} but the file has no [{kind}.{value}] table (present: "
            f"{present}): runtime-rs refuses to load; add the table or fix the name",
        )


def check_hypervisor_table_missing(cfg: KataConfig) -> Iterator[Issue]:
    """``[runtime] hypervisor_name`` names a table that is not in the file (runtime-rs).

    Fails:
        [hypervisor.qemu]
        kernel = "/usr/share/kata-containers/vmlinux.container"
        [runtime]
        name = "virt_container"
        hypervisor_name = "clh"
        agent_name = "kata"

    Passes:
        [hypervisor.qemu]
        kernel = "/usr/share/kata-containers/vmlinux.container"
        [runtime]
        name = "virt_container"
        hypervisor_name = "qemu"
        agent_name = "kata"
    """
    yield from _named_table(cfg, "hypervisor_name", "hypervisor")


def check_agent_table_missing(cfg: KataConfig) -> Iterator[Issue]:
    """``[runtime] agent_name`` names a table that is not in the file (runtime-rs).

    Fails:
        [agent.kata]
        dial_timeout_ms = 10
        [runtime]
        hypervisor_name = "qemu"
        agent_name = "agent"

    Passes:
        [agent.kata]
        dial_timeout_ms = 10
        [runtime]
        hypervisor_name = "qemu"
        agent_name = "kata"
    """
    yield from _named_table(cfg, "agent_name", "agent")


CHECKS: Final = (
    (RUNTIME_NAME_MISSING, check_runtime_name),
    (HYPERVISOR_NAME_MISSING, check_hypervisor_name_missing),
    (AGENT_NAME_MISSING, check_agent_name_missing),
    (HYPERVISOR_TABLE_MISSING, check_hypervisor_table_missing),
    (AGENT_TABLE_MISSING, check_agent_table_missing),
)
